/* fake_target: a small scripted iSCSI target on loopback for discovery
 * tests. It logs an initiator in as a discovery session (answering every
 * offer with the offered value, declaring MaxRecvDataSegmentLength 8192
 * and TargetPortalGroupTag 1), then answers SendTargets as its mode says:
 *
 *   good        N targets (--targets), K portals each (--portals), the
 *               answer cut into PDUs of --chunk bytes (C bit inside a
 *               pair, F=0 and a Target Transfer Tag between PDUs)
 *   noaddr      one target without any TargetAddress
 *   malformed   a Text Response with a reserved bit set
 *   oversize    a Text Response declaring a 16 MiB data segment
 *   endless     Text Responses with F=0 forever, a few bytes each
 *   slashname   TargetName with a '/'
 *   ctlname     TargetName with a control character (ESC)
 *   badaddr     TargetAddress that is not an address
 *   addrfirst   TargetAddress before any TargetName
 *   slowloris   the answer one byte per second
 *   closemid    half a Text Response, then the connection closes
 *   loginfail   Login Response 02/01 (authentication failure)
 *   reject      a Reject PDU instead of the answer
 *
 * Login modes (a normal session's login, answered like a discovery one;
 * after a good login the connection is held until the initiator closes it):
 *   login-ok       a login any initiator accepts
 *   login-garbage  48 bytes of garbage instead of the first Login Response
 *   login-itt      a Login Response with another Initiator Task Tag
 *   login-jump     the security stage answered with T=1 straight to full
 *                  feature phase, which we never asked for
 *   login-slow     the first Login Response one byte per second
 *   login-notfound status 02/03 (target not found)
 *   login-busy     status 03/02 (out of resources: try again later)
 *   login-redirect status 01/01 (moved temporarily) with TargetAddress=
 *                  the --redirect-to value (default 127.0.0.1:3260,1)
 *   login-redirect-perm
 *                  status 01/02 (moved permanently), the same way
 *   login-redirect-self
 *                  status 01/01 to its own port on 127.0.0.1, every time
 *
 * Usage: fake_target --mode MODE [--port N] [--targets N] [--portals K]
 *                    [--chunk N] [--connections N] [--redirect-to VALUE]
 *                    [--ok-after N] [--count-file FILE] [--isid-file FILE]
 *                    [--delay-ms N]
 * Prints the listening port on stdout, serves N connections (default 1)
 * one after the other, then exits 0; any problem on its side exits 1.
 * --ok-after N: connections after the N-th are served as login-ok (a
 * target that recovers). --count-file: rewritten with the number of
 * connections accepted so far after each accept. --isid-file: one line
 * per connection with the ISID of its first Login Request (12 hex
 * digits). --delay-ms: the first Login Response of each connection
 * waits that long (a slow target before a redirect). */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "base/bytes.h"
#include "proto/pdu.h"
#include "proto/textkeys.h"

static const char *mode = "good";
static unsigned n_targets = 3, n_portals = 1, chunk = 8192;
static const char *redirect_to = "127.0.0.1:3260,1";
static unsigned own_port, delay_ms;
static const char *isid_file;

static void die(const char *what)
{
	fprintf(stderr, "fake_target: %s: %s\n", what, errno ? strerror(errno) : "failed");
	exit(1);
}

static int write_all(int fd, const uint8_t *b, size_t n)
{
	while (n) {
		ssize_t k = send(fd, b, n, MSG_NOSIGNAL);
		if (k <= 0)
			return -1;
		b += k;
		n -= (size_t)k;
	}
	return 0;
}

static int read_all(int fd, uint8_t *b, size_t n)
{
	while (n) {
		ssize_t k = read(fd, b, n);
		if (k <= 0)
			return -1;
		b += k;
		n -= (size_t)k;
	}
	return 0;
}

static uint8_t rxbuf[ISCSI_BHS_LEN + 65536 + 8];

/* One initiator PDU; 0 or -1 (closed or refused). */
static int recv_pdu(int fd, struct iscsi_pdu *pdu)
{
	struct pdu_wire_opts o = { .max_data_len = 65536, .sender = PDU_SENDER_INITIATOR };
	size_t total;

	if (read_all(fd, rxbuf, ISCSI_BHS_LEN) < 0 ||
	    pdu_wire_length(rxbuf, ISCSI_BHS_LEN, &o, &total) != PDU_OK || total > sizeof(rxbuf) ||
	    read_all(fd, rxbuf + ISCSI_BHS_LEN, total - ISCSI_BHS_LEN) < 0 ||
	    pdu_decode(rxbuf, total, &o, pdu) != PDU_OK)
		return -1;
	return 0;
}

static uint8_t txbuf[ISCSI_BHS_LEN + 65536 + 8];

static size_t encode(const struct iscsi_pdu *pdu)
{
	struct pdu_wire_opts o = { .max_data_len = 65536 };
	size_t len;

	if (pdu_encode(pdu, &o, txbuf, sizeof(txbuf), &len) != PDU_OK)
		die("encoding a PDU");
	return len;
}

static int send_pdu(int fd, const struct iscsi_pdu *pdu)
{
	return write_all(fd, txbuf, encode(pdu));
}

struct conn {
	int fd;
	uint32_t statsn, exp_cmdsn;
	uint8_t isid[6];
};

/* Answers each key the initiator offered with the value it offered (its
 * first choice for a list), which is always acceptable; declarations are
 * not answered. */
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
		snprintf(first, sizeof(first), "%.*s", (int)strcspn(p->value, ","), p->value);
		text_list_add(out, p->key, first);
	}
}

/* The login modes' deviations, applied to an encoded Login Response;
 * returns -1 when the mode has taken over the connection. */
static int login_mode(struct conn *c, size_t wire)
{
	if (!strcmp(mode, "login-garbage")) {
		memset(txbuf, 0xa5, ISCSI_BHS_LEN);
		write_all(c->fd, txbuf, ISCSI_BHS_LEN);
		return -1;
	}
	if (!strcmp(mode, "login-slow")) {
		for (size_t i = 0; i < wire; i++) {
			if (write_all(c->fd, txbuf + i, 1) < 0)
				break;
			sleep(1);
		}
		return -1;
	}
	return 0;
}

static void note_isid(const uint8_t *isid)
{
	FILE *f = isid_file ? fopen(isid_file, "a") : NULL;

	if (!f)
		return;
	for (int i = 0; i < 6; i++)
		fprintf(f, "%02x", isid[i]);
	fprintf(f, "\n");
	fclose(f);
}

static int login(struct conn *c)
{
	for (bool first = true;; first = false) {
		struct iscsi_pdu req, rsp;
		struct text_list in, out;
		uint8_t *blob = NULL;
		size_t blob_len = 0;

		if (recv_pdu(c->fd, &req) < 0 || req.opcode != ISCSI_OP_LOGIN_REQ)
			return -1;
		const struct pdu_login_req *r = &req.u.login_req;
		if (first) {
			note_isid(r->isid);
			if (delay_ms)
				usleep(delay_ms * 1000);
		}
		if (text_parse(req.data, req.data_len, NULL, &in, NULL) != TEXT_OK)
			return -1;
		text_list_init(&out);
		answer_offers(&in, &out);
		if (r->csg == ISCSI_STAGE_OPERATIONAL || (r->transit && r->nsg == 3)) {
			text_list_add(&out, "MaxRecvDataSegmentLength", "8192");
		}
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
		bool redirect = !strncmp(mode, "login-redirect", 14);
		bool fail = !strcmp(mode, "loginfail") || !strcmp(mode, "login-notfound") ||
			    !strcmp(mode, "login-busy") || redirect;
		if (fail) {
			a->transit = false;
			a->nsg = 0;
			a->status_class = ISCSI_LOGIN_STATUS_INITIATOR_ERR;
			a->status_detail = !strcmp(mode, "login-notfound") ? 3 : 1;
			rsp.data_len = 0;
		}
		if (!strcmp(mode, "login-busy")) {
			a->status_class = 3;
			a->status_detail = 2;
		}
		char where[300];
		if (redirect) {
			if (!strcmp(mode, "login-redirect-self"))
				snprintf(where, sizeof(where), "TargetAddress=127.0.0.1:%u,1", own_port);
			else
				snprintf(where, sizeof(where), "TargetAddress=%s", redirect_to);
			a->status_class = 1;
			a->status_detail = !strcmp(mode, "login-redirect-perm") ? 2 : 1;
			rsp.data = (uint8_t *)where;
			rsp.data_len = strlen(where) + 1;
		}
		if (!strcmp(mode, "login-itt"))
			rsp.itt = req.itt + 1;
		if (!strcmp(mode, "login-jump") && r->csg == ISCSI_STAGE_SECURITY) {
			a->transit = true;
			a->nsg = ISCSI_STAGE_FULL_FEATURE;
		}
		bool full = a->transit && a->nsg == ISCSI_STAGE_FULL_FEATURE;
		if (full)
			a->tsih = 0x1234;
		size_t wire = encode(&rsp);
		int rc = login_mode(c, wire) < 0 ? -1 : write_all(c->fd, txbuf, wire);
		free(blob);
		if (rc < 0 || fail || !strcmp(mode, "login-itt"))
			return -1;
		if (full)
			return 0;
	}
}

/* The SendTargets answer text for the mode. */
static void answer_text(struct text_list *t)
{
	char name[256], addr[256];

	t->allow_duplicates = true;
	if (!strcmp(mode, "addrfirst"))
		text_list_add(t, "TargetAddress", "127.0.0.1:3260,1");
	if (!strcmp(mode, "slashname") || !strcmp(mode, "ctlname")) {
		/* The builder refuses a control character; it is patched in
		 * after encoding (see patch_ctl). */
		text_list_add(t, "TargetName", !strcmp(mode, "slashname") ?
				  "iqn.2001-04.com.example:a/../../etc" : "iqn.2001-04.com.example:aXb");
		text_list_add(t, "TargetAddress", "127.0.0.1:3260,1");
		return;
	}
	if (!strcmp(mode, "badaddr")) {
		text_list_add(t, "TargetName", "iqn.2001-04.com.example:t0");
		text_list_add(t, "TargetAddress", "not@an:address,x");
		return;
	}
	if (!strcmp(mode, "noaddr")) {
		text_list_add(t, "TargetName", "iqn.2001-04.com.example:noaddr");
		return;
	}
	for (unsigned i = 0; i < n_targets; i++) {
		snprintf(name, sizeof(name), "iqn.2001-04.com.example:target%05u", i);
		text_list_add(t, "TargetName", name);
		for (unsigned k = 0; k < n_portals; k++) {
			snprintf(addr, sizeof(addr), "127.0.0.%u:%u,%u", 1 + k, 3260 + k, 1 + k);
			text_list_add(t, "TargetAddress", addr);
		}
	}
}

static void patch_ctl(uint8_t *blob, size_t len)
{
	for (size_t i = 0; i + 2 < len; i++)
		if (blob[i] == 'a' && blob[i + 1] == 'X' && blob[i + 2] == 'b')
			blob[i + 1] = 0x1b;
}

static void text_rsp(struct iscsi_pdu *p, const struct iscsi_pdu *req, struct conn *c)
{
	pdu_init(p, ISCSI_OP_TEXT_RSP);
	p->itt = req->itt;
	p->u.text_rsp.final = true;
	p->u.text_rsp.ttt = ISCSI_RESERVED_TAG;
	p->u.text_rsp.statsn = c->statsn++;
	p->u.text_rsp.exp_cmdsn = req->u.text_req.cmdsn + 1;
	p->u.text_rsp.max_cmdsn = req->u.text_req.cmdsn + 32;
}

static int serve_text(struct conn *c, const struct iscsi_pdu *first)
{
	struct iscsi_pdu req = *first, rsp;
	struct text_list t;
	uint8_t *blob = NULL;
	size_t len = 0, off = 0;
	uint32_t tag = 0x100;

	text_list_init(&t);
	answer_text(&t);
	text_list_encode_alloc(&t, &blob, &len);
	text_list_free(&t);
	patch_ctl(blob, len);

	if (!strcmp(mode, "reject")) {
		pdu_init(&rsp, ISCSI_OP_REJECT);
		rsp.u.reject.reason = ISCSI_REJECT_CMD_NOT_SUPPORTED;
		rsp.u.reject.statsn = c->statsn++;
		rsp.data = rxbuf;       /* the rejected header */
		rsp.data_len = ISCSI_BHS_LEN;
		free(blob);
		return send_pdu(c->fd, &rsp);
	}
	for (;;) {
		text_rsp(&rsp, &req, c);
		size_t n = len - off < chunk ? len - off : chunk;
		bool more = off + n < len;
		if (!strcmp(mode, "endless")) {
			n = len < 8 ? len : 8;
			off = 0;
			more = true;
		}
		rsp.data = blob + off;
		rsp.data_len = n;
		if (more) {
			rsp.u.text_rsp.final = false;
			rsp.u.text_rsp.cont = blob[off + n - 1] != 0;
			rsp.u.text_rsp.ttt = tag++;
		}
		size_t wire = encode(&rsp);
		if (!strcmp(mode, "malformed"))
			txbuf[1] |= 0x01;       /* a reserved bit of byte 1 */
		if (!strcmp(mode, "oversize"))
			put_be24(txbuf + 5, 0xffffff);
		if (!strcmp(mode, "closemid")) {
			write_all(c->fd, txbuf, wire / 2);
			free(blob);
			return -1;
		}
		if (!strcmp(mode, "slowloris")) {
			for (size_t i = 0; i < wire; i++) {
				if (write_all(c->fd, txbuf + i, 1) < 0)
					break;
				sleep(1);
			}
			free(blob);
			return -1;
		}
		if (write_all(c->fd, txbuf, wire) < 0)
			break;
		off += n;
		if (!more)
			break;
		if (recv_pdu(c->fd, &req) < 0 || req.opcode != ISCSI_OP_TEXT_REQ ||
		    req.data_len != 0 || req.u.text_req.ttt != tag - 1) {
			fprintf(stderr, "fake_target: bad continuation request\n");
			break;
		}
	}
	free(blob);
	return 0;
}

static void serve(int fd)
{
	struct conn c = { .fd = fd, .statsn = 0x5000 };
	struct iscsi_pdu req;

	if (login(&c) < 0)
		return;
	if (!strncmp(mode, "login-", 6)) {
		/* After a login the kernel would talk; hold the connection
		 * until the initiator closes it. */
		while (recv_pdu(fd, &req) == 0)
			;
		return;
	}
	while (recv_pdu(fd, &req) == 0) {
		if (req.opcode == ISCSI_OP_TEXT_REQ) {
			if (serve_text(&c, &req) < 0)
				return;
		} else if (req.opcode == ISCSI_OP_LOGOUT_REQ) {
			struct iscsi_pdu rsp;
			pdu_init(&rsp, ISCSI_OP_LOGOUT_RSP);
			rsp.itt = req.itt;
			rsp.u.logout_rsp.statsn = c.statsn++;
			rsp.u.logout_rsp.exp_cmdsn = req.u.logout_req.cmdsn;
			rsp.u.logout_rsp.max_cmdsn = req.u.logout_req.cmdsn + 32;
			send_pdu(fd, &rsp);
			return;
		} else {
			return;
		}
	}
}

int main(int argc, char **argv)
{
	unsigned port = 0, connections = 1, ok_after = 0;
	const char *count_file = NULL;

	for (int i = 1; i + 1 < argc; i += 2) {
		const char *o = argv[i], *v = argv[i + 1];
		if (!strcmp(o, "--mode"))
			mode = v;
		else if (!strcmp(o, "--port"))
			port = (unsigned)atoi(v);
		else if (!strcmp(o, "--targets"))
			n_targets = (unsigned)atoi(v);
		else if (!strcmp(o, "--portals"))
			n_portals = (unsigned)atoi(v);
		else if (!strcmp(o, "--chunk"))
			chunk = (unsigned)atoi(v);
		else if (!strcmp(o, "--connections"))
			connections = (unsigned)atoi(v);
		else if (!strcmp(o, "--redirect-to"))
			redirect_to = v;
		else if (!strcmp(o, "--ok-after"))
			ok_after = (unsigned)atoi(v);
		else if (!strcmp(o, "--count-file"))
			count_file = v;
		else if (!strcmp(o, "--isid-file"))
			isid_file = v;
		else if (!strcmp(o, "--delay-ms"))
			delay_ms = (unsigned)atoi(v);
		else {
			fprintf(stderr, "fake_target: unknown option %s\n", o);
			return 1;
		}
	}
	if (chunk == 0 || chunk > 8192) {
		fprintf(stderr, "fake_target: --chunk must be 1..8192\n");
		return 1;
	}
	int ls = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), one = 1;
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	socklen_t sl = sizeof(sa);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (ls < 0 || setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
	    bind(ls, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(ls, 8) < 0 ||
	    getsockname(ls, (struct sockaddr *)&sa, &sl) < 0)
		die("listening");
	own_port = ntohs(sa.sin_port);
	printf("%u\n", own_port);
	fflush(stdout);
	for (unsigned i = 0; i < connections; i++) {
		int fd = accept(ls, NULL, NULL);
		if (fd < 0)
			die("accept");
		if (count_file) {
			FILE *f = fopen(count_file, "w");
			if (!f)
				die("count file");
			fprintf(f, "%u\n", i + 1);
			fclose(f);
		}
		if (ok_after && i >= ok_after)
			mode = "login-ok";
		serve(fd);
		close(fd);
	}
	close(ls);
	return 0;
}
