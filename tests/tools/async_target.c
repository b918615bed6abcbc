/* async_target: a scripted iSCSI target on loopback that sends
 * Asynchronous Messages (RFC 7143 11.9) to a session the kernel carries.
 * It logs each initiator in as a normal session (every offer answered
 * with the offered value, digests None, MaxRecvDataSegmentLength 8192,
 * TargetPortalGroupTag 1), then serves the full feature phase as far as
 * an idle session needs it (NOP-Out pings answered, a Logout Request
 * answered with a Logout Response and the connection closed) and does
 * what the plan says for that connection, one word per connection:
 *
 *   logout:P3     one second after the login, AsyncEvent 1 (logout
 *                 request within P3 seconds); then serves on
 *   drop:T2W      one second after the login, AsyncEvent 2 for the
 *                 connection's CID with Time2Wait T2W and Time2Retain
 *                 20, then closes the connection 0.2 s later
 *   dropall:T2W   the same with AsyncEvent 3
 *   reneg:P3      AsyncEvent 4 (renegotiation within P3 seconds); then
 *                 serves on
 *   scsi          AsyncEvent 0 with UNIT ATTENTION 3F/0E sense; serves on
 *   vendor        AsyncEvent 255; serves on
 *   bad           an Asynchronous Message with AsyncEvent 7 (reserved);
 *                 serves on
 *   events        scsi, vendor and bad, one second apart; serves on
 *   hold          serves until the initiator closes or logs out
 *
 * Usage: async_target --port N --plan WORD[,WORD...] --log FILE
 * Prints the listening port on stdout. Each connection of the plan is
 * accepted in turn; when the plan is done it exits 0 (1 on any problem
 * of its own). The log gets one line per event, each starting with the
 * milliseconds since the target started:
 *   MS login N isid HEX cid C
 *   MS async N EVENT
 *   MS logout N reason R
 *   MS closed N */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "base/bytes.h"
#include "proto/pdu.h"
#include "proto/textkeys.h"

#define MAX_DATA 65536

static FILE *logf_;
static long long t0;

struct conn {
	int fd;
	unsigned n;             /* 1-based connection number */
	uint32_t statsn, exp_cmdsn;
	uint16_t cid;
	bool closed;
};

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

static void die(const char *what)
{
	fprintf(stderr, "async_target: %s: %s\n", what, errno ? strerror(errno) : "failed");
	exit(1);
}

static void note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void note(const char *fmt, ...)
{
	va_list ap;

	fprintf(logf_, "%lld ", now_ms() - t0);
	va_start(ap, fmt);
	vfprintf(logf_, fmt, ap);
	va_end(ap);
	fputc('\n', logf_);
	fflush(logf_);
}

static int io_all(int fd, uint8_t *b, size_t n, bool out)
{
	while (n) {
		ssize_t k = out ? send(fd, b, n, MSG_NOSIGNAL) : read(fd, b, n);
		if (k <= 0)
			return -1;
		b += k;
		n -= (size_t)k;
	}
	return 0;
}

static uint8_t rxbuf[ISCSI_BHS_LEN + MAX_DATA + 8], txbuf[ISCSI_BHS_LEN + MAX_DATA + 8];

static int recv_pdu(struct conn *c, struct iscsi_pdu *pdu)
{
	struct pdu_wire_opts o = { .max_data_len = MAX_DATA, .sender = PDU_SENDER_INITIATOR };
	size_t total;

	if (io_all(c->fd, rxbuf, ISCSI_BHS_LEN, false) < 0 ||
	    pdu_wire_length(rxbuf, ISCSI_BHS_LEN, &o, &total) != PDU_OK || total > sizeof(rxbuf) ||
	    io_all(c->fd, rxbuf + ISCSI_BHS_LEN, total - ISCSI_BHS_LEN, false) < 0 ||
	    pdu_decode(rxbuf, total, &o, pdu) != PDU_OK)
		return -1;
	return 0;
}

static int send_pdu(struct conn *c, const struct iscsi_pdu *pdu)
{
	struct pdu_wire_opts o = { .max_data_len = MAX_DATA };
	size_t len;

	if (pdu_encode(pdu, &o, txbuf, sizeof(txbuf), &len) != PDU_OK)
		die("encoding a PDU");
	return io_all(c->fd, txbuf, len, true);
}

/* Offers answered with the offered value (the first of a list), digests
 * None; declarations are not answered. */
static void answer_offers(const struct text_list *in, struct text_list *out)
{
	static const char *const declared[] = { "InitiatorName", "InitiatorAlias", "SessionType",
						"TargetName", "MaxRecvDataSegmentLength" };
	for (size_t i = 0; i < in->count; i++) {
		const struct text_pair *p = &in->pairs[i];
		bool decl = false;
		char first[256];

		for (size_t k = 0; k < sizeof(declared) / sizeof(declared[0]); k++)
			decl |= !strcmp(p->key, declared[k]);
		if (decl)
			continue;
		if (!strcmp(p->key, "HeaderDigest") || !strcmp(p->key, "DataDigest")) {
			text_list_add(out, p->key, "None");
			continue;
		}
		snprintf(first, sizeof(first), "%.*s", (int)strcspn(p->value, ","), p->value);
		text_list_add(out, p->key, first);
	}
}

static int login(struct conn *c)
{
	for (;;) {
		struct iscsi_pdu req, rsp;
		struct text_list in, out;
		uint8_t *blob = NULL;
		size_t blob_len = 0;

		if (recv_pdu(c, &req) < 0 || req.opcode != ISCSI_OP_LOGIN_REQ)
			return -1;
		const struct pdu_login_req *r = &req.u.login_req;
		if (text_parse(req.data, req.data_len, NULL, &in, NULL) != TEXT_OK)
			return -1;
		text_list_init(&out);
		answer_offers(&in, &out);
		if (r->csg == ISCSI_STAGE_OPERATIONAL || (r->transit && r->nsg == 3))
			text_list_add(&out, "MaxRecvDataSegmentLength", "8192");
		if (r->csg == ISCSI_STAGE_SECURITY)
			text_list_add(&out, "TargetPortalGroupTag", "1");
		text_list_encode_alloc(&out, &blob, &blob_len);
		text_list_free(&in);
		text_list_free(&out);

		pdu_init(&rsp, ISCSI_OP_LOGIN_RSP);
		rsp.itt = req.itt;
		rsp.data = blob;
		rsp.data_len = blob_len;
		struct pdu_login_rsp *a = &rsp.u.login_rsp;
		a->transit = r->transit;
		a->csg = r->csg;
		a->nsg = r->transit ? r->nsg : 0;
		memcpy(a->isid, r->isid, 6);
		a->statsn = c->statsn++;
		a->exp_cmdsn = r->cmdsn;
		a->max_cmdsn = r->cmdsn + 32;
		c->exp_cmdsn = r->cmdsn;
		c->cid = r->cid;
		bool full = a->transit && a->nsg == ISCSI_STAGE_FULL_FEATURE;
		if (full)
			a->tsih = (uint16_t)(0x1200 + c->n);
		int rc = send_pdu(c, &rsp);
		free(blob);
		if (rc < 0)
			return -1;
		if (full) {
			note("login %u isid %02x%02x%02x%02x%02x%02x cid %u tsih_in %u", c->n,
			     r->isid[0], r->isid[1], r->isid[2], r->isid[3], r->isid[4], r->isid[5],
			     r->cid, r->tsih);
			return 0;
		}
	}
}

static void async_msg(struct conn *c, uint8_t event, uint16_t p1, uint16_t p2, uint16_t p3)
{
	static const uint8_t sense[20] = {
		0x00, 0x12, 0x70, 0x00, 0x06, 0, 0, 0, 0, 0x0a, 0, 0, 0, 0, 0x3f, 0x0e, 0, 0, 0, 0,
	};
	struct iscsi_pdu p;

	pdu_init(&p, ISCSI_OP_ASYNC_MSG);
	p.itt = ISCSI_RESERVED_TAG;
	p.u.async.statsn = c->statsn++;
	p.u.async.exp_cmdsn = c->exp_cmdsn;
	p.u.async.max_cmdsn = c->exp_cmdsn + 32;
	p.u.async.event = event == 7 ? 4 : event;
	p.u.async.param1 = p1;
	p.u.async.param2 = p2;
	p.u.async.param3 = p3;
	if (event == 0) {
		p.u.async.lun = 0;
		p.data = sense;
		p.data_len = sizeof(sense);
	}
	if (event == ISCSI_ASYNC_VENDOR)
		p.u.async.vcode = 0x42;
	struct pdu_wire_opts o = { .max_data_len = MAX_DATA };
	size_t len;
	if (pdu_encode(&p, &o, txbuf, sizeof(txbuf), &len) != PDU_OK)
		die("encoding an Asynchronous Message");
	/* A reserved event the encoder would refuse, patched in. */
	if (event == 7)
		txbuf[36] = 7;
	if (io_all(c->fd, txbuf, len, true) < 0)
		c->closed = true;
	note("async %u %u", c->n, event);
}

static void nop_in(struct conn *c, const struct iscsi_pdu *req)
{
	struct iscsi_pdu p;

	pdu_init(&p, ISCSI_OP_NOP_IN);
	p.itt = req->itt;
	p.u.nop_in.lun = req->u.nop_out.lun;
	p.u.nop_in.ttt = ISCSI_RESERVED_TAG;
	p.u.nop_in.statsn = c->statsn++;
	c->exp_cmdsn = req->u.nop_out.cmdsn + (req->immediate ? 0 : 1);
	p.u.nop_in.exp_cmdsn = c->exp_cmdsn;
	p.u.nop_in.max_cmdsn = c->exp_cmdsn + 32;
	if (send_pdu(c, &p) < 0)
		c->closed = true;
}

static void logout_rsp(struct conn *c, const struct iscsi_pdu *req)
{
	struct iscsi_pdu p;

	note("logout %u reason %u", c->n, req->u.logout_req.reason);
	pdu_init(&p, ISCSI_OP_LOGOUT_RSP);
	p.itt = req->itt;
	p.u.logout_rsp.response = ISCSI_LOGOUT_RSP_SUCCESS;
	p.u.logout_rsp.statsn = c->statsn++;
	p.u.logout_rsp.exp_cmdsn = req->u.logout_req.cmdsn;
	p.u.logout_rsp.max_cmdsn = req->u.logout_req.cmdsn + 32;
	send_pdu(c, &p);
	c->closed = true;
}

/* Serves the connection until until_ms (0: until it closes). */
static void serve(struct conn *c, long long until_ms)
{
	while (!c->closed) {
		long long left = until_ms ? until_ms - now_ms() : 1000;
		if (until_ms && left <= 0)
			return;
		struct pollfd p = { .fd = c->fd, .events = POLLIN };
		int n = poll(&p, 1, (int)(left > 1000 ? 1000 : left));
		if (n < 0 && errno != EINTR)
			die("poll");
		if (n <= 0)
			continue;
		struct iscsi_pdu req;
		if (recv_pdu(c, &req) < 0) {
			c->closed = true;
			break;
		}
		switch (req.opcode) {
		case ISCSI_OP_NOP_OUT:
			if (req.itt != ISCSI_RESERVED_TAG)
				nop_in(c, &req);
			break;
		case ISCSI_OP_LOGOUT_REQ:
			logout_rsp(c, &req);
			break;
		default:
			note("unexpected %u %s", c->n, pdu_opcode_name(req.opcode));
			break;
		}
	}
}

static void run_plan_word(struct conn *c, const char *word)
{
	unsigned arg = 0;
	const char *colon = strchr(word, ':');

	if (colon)
		arg = (unsigned)strtoul(colon + 1, NULL, 10);
	serve(c, now_ms() + 1000);
	if (c->closed)
		return;
	if (!strncmp(word, "logout", 6)) {
		async_msg(c, ISCSI_ASYNC_LOGOUT_REQUEST, 0, 0, (uint16_t)arg);
	} else if (!strncmp(word, "dropall", 7) || !strncmp(word, "drop", 4)) {
		bool all = !strncmp(word, "dropall", 7);
		async_msg(c, all ? ISCSI_ASYNC_DROP_ALL_CONNECTIONS : ISCSI_ASYNC_DROP_CONNECTION,
			  all ? 0 : c->cid, (uint16_t)arg, 20);
		serve(c, now_ms() + 200);
		return;
	} else if (!strncmp(word, "reneg", 5)) {
		async_msg(c, ISCSI_ASYNC_RENEGOTIATE, 0, 0, (uint16_t)arg);
	} else if (!strcmp(word, "scsi")) {
		async_msg(c, ISCSI_ASYNC_SCSI_EVENT, 0, 0, 0);
	} else if (!strcmp(word, "vendor")) {
		async_msg(c, ISCSI_ASYNC_VENDOR, 0, 0, 0);
	} else if (!strcmp(word, "bad")) {
		async_msg(c, 7, 0, 0, 0);
	} else if (!strcmp(word, "events")) {
		async_msg(c, ISCSI_ASYNC_SCSI_EVENT, 0, 0, 0);
		serve(c, now_ms() + 1000);
		if (!c->closed)
			async_msg(c, ISCSI_ASYNC_VENDOR, 0, 0, 0);
		serve(c, now_ms() + 1000);
		if (!c->closed)
			async_msg(c, 7, 0, 0, 0);
	}
	serve(c, 0);
}

int main(int argc, char **argv)
{
	const char *plan = NULL, *logpath = NULL;
	unsigned port = 0;

	for (int i = 1; i + 1 < argc; i += 2) {
		if (!strcmp(argv[i], "--port"))
			port = (unsigned)strtoul(argv[i + 1], NULL, 10);
		else if (!strcmp(argv[i], "--plan"))
			plan = argv[i + 1];
		else if (!strcmp(argv[i], "--log"))
			logpath = argv[i + 1];
		else
			break;
	}
	if (!plan || !logpath) {
		fprintf(stderr, "usage: async_target --port N --plan WORD[,WORD...] --log FILE\n");
		return 2;
	}
	logf_ = fopen(logpath, "w");
	if (!logf_)
		die(logpath);
	t0 = now_ms();

	int ls = socket(AF_INET, SOCK_STREAM, 0);
	int one = 1;
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	socklen_t sl = sizeof(sa);
	if (ls < 0 || setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
	    bind(ls, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(ls, 4) < 0 ||
	    getsockname(ls, (struct sockaddr *)&sa, &sl) < 0)
		die("listening");
	printf("%u\n", ntohs(sa.sin_port));
	fflush(stdout);

	char words[512];
	snprintf(words, sizeof(words), "%s", plan);
	unsigned n = 0;
	for (char *save = NULL, *w = strtok_r(words, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
		struct conn c = { .n = ++n, .statsn = 0x100 * n };
		c.fd = accept(ls, NULL, NULL);
		if (c.fd < 0)
			die("accept");
		if (login(&c) == 0)
			run_plan_word(&c, w);
		else
			note("login %u failed", n);
		close(c.fd);
		note("closed %u", n);
	}
	close(ls);
	return 0;
}
