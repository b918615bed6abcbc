/* chap_target: a scripted iSCSI target on 127.0.0.1 that runs the CHAP
 * security stage from the target's side, honestly or not, for the
 * initiator's CHAP tests (tests/integration/chap_hostile.sh). It logs a
 * normal or discovery session in:
 *
 *   I->T AuthMethod=CHAP,None      T->I AuthMethod=CHAP
 *   I->T CHAP_A=...                T->I CHAP_A, CHAP_I, CHAP_C
 *   I->T CHAP_N, CHAP_R [CHAP_I, CHAP_C]   T->I [CHAP_N, CHAP_R], T=1
 *
 * checking the initiator's CHAP_N (--user) and CHAP_R (secret from
 * --secret-file) and, when the initiator asks for mutual CHAP, answering
 * its challenge with the target secret (--secret-in-file). Secrets come
 * from files so they never show in a process list; one trailing newline
 * is dropped. Then the operational stage (every offer answered with its
 * offered value) and full feature phase: a discovery session gets one
 * target at 127.0.0.1 for SendTargets=All, a normal session is held until
 * the initiator closes it. A wrong CHAP_N or CHAP_R is status 02/01.
 *
 * Modes (--mode), each a deviation of the target's side:
 *   good              honest CHAP as above
 *   reject            status 02/01 after CHAP_R, whatever it was
 *   none              AuthMethod=None
 *   skip              the first response has T=1 to operational, no auth
 *   short-challenge   an 8-byte CHAP_C
 *   long-challenge    a 1025-byte CHAP_C, in base64 so that the text layer
 *                     passes it (1370 characters) and CHAP must refuse it
 *   bad-hex           a CHAP_C with a non-hex digit
 *   base64            a valid 0b... CHAP_C (must be accepted)
 *   bad-id            CHAP_I=300
 *   alg-not-offered   CHAP_A naming an algorithm the initiator did not offer
 *   alg-list          CHAP_A with two values
 *   reflect           mutual: answers with the INITIATOR's secret
 *   wrong-mutual      mutual: answers with a wrong target secret
 *   no-mutual-answer  mutual: T=1 without CHAP_N/CHAP_R
 *   slow              waits --slow-ms after CHAP_R before answering, then
 *                     goes on as good (prints "holding" when it starts)
 *   garbage-chap      random bytes (never NUL) as CHAP_I and CHAP_C
 *   oversized         a CHAP_C of 9000 characters: the response is over
 *                     8192 bytes and goes out in two PDUs with the C bit
 *
 * Usage: chap_target [--mode M] [--port N] [--connections N (0: forever)]
 *          [--secret-file F] [--secret-in-file F] [--user NAME]
 *          [--user-in NAME] [--algs MD5,SHA1,SHA256,SHA3-256] [--slow-ms N]
 *          [--target IQN] [--seed N]
 * Prints the listening port on stdout, then one line per connection on
 * stderr saying what happened; exits 0 after the connections, 1 on a
 * problem of its own. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <openssl/evp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "proto/chap.h"
#include "proto/pdu.h"
#include "proto/textkeys.h"

#define SEGMENT 8192u           /* the login's MaxRecvDataSegmentLength */

static const char *mode = "good", *user, *user_in = "chap-target";
static const char *target_name = "iqn.2001-04.com.example:chap-target";
static uint8_t secret[CHAP_SECRET_MAX + 2], secret_in[CHAP_SECRET_MAX + 2];
static size_t secret_len, secret_in_len;
static struct chap_prefs algs;
static unsigned slow_ms = 3000, listen_port;

static bool is(const char *m)
{
	return !strcmp(mode, m);
}

static void die(const char *what)
{
	fprintf(stderr, "chap_target: %s%s%s\n", what, errno ? ": " : "", errno ? strerror(errno) : "");
	exit(1);
}

/* Growable bytes: text we build by hand, hostile values included. */
struct buf {
	uint8_t *b;
	size_t len, cap;
};

static void put_bytes(struct buf *t, const void *p, size_t n)
{
	if (t->len + n > t->cap) {
		t->cap = (t->len + n) * 2 + 64;
		t->b = realloc(t->b, t->cap);
		if (!t->b)
			die("out of memory");
	}
	memcpy(t->b + t->len, p, n);
	t->len += n;
}

static void put_pair(struct buf *t, const char *key, const char *val, size_t vlen)
{
	put_bytes(t, key, strlen(key));
	put_bytes(t, "=", 1);
	put_bytes(t, val, vlen);
	put_bytes(t, "", 1);
}

static void put(struct buf *t, const char *key, const char *val)
{
	put_pair(t, key, val, strlen(val));
}

struct conn {
	int fd;
	uint32_t statsn;
	uint8_t isid[6];
	uint32_t itt, cmdsn;
	bool discovery, chap_offered;
	unsigned round;                 /* security-stage requests seen */
	enum chap_alg alg;
	uint8_t id;
	uint8_t chal[CHAP_BINARY_MAX + 1];
	size_t chal_len;
	char notes[512];
};

static void note(struct conn *c, const char *fmt, ...)
{
	size_t n = strlen(c->notes);
	va_list ap;

	if (n && n + 2 < sizeof(c->notes))
		n += (size_t)snprintf(c->notes + n, sizeof(c->notes) - n, "; ");
	va_start(ap, fmt);
	if (n < sizeof(c->notes))
		vsnprintf(c->notes + n, sizeof(c->notes) - n, fmt, ap);
	va_end(ap);
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

static uint8_t rx[ISCSI_BHS_LEN + 65536 + 8], tx[ISCSI_BHS_LEN + 65536 + 8];

static int recv_pdu(struct conn *c, struct iscsi_pdu *pdu)
{
	struct pdu_wire_opts o = { .max_data_len = 65536, .sender = PDU_SENDER_INITIATOR };
	size_t total;

	if (io_all(c->fd, rx, ISCSI_BHS_LEN, false) < 0 ||
	    pdu_wire_length(rx, ISCSI_BHS_LEN, &o, &total) != PDU_OK || total > sizeof(rx) ||
	    io_all(c->fd, rx + ISCSI_BHS_LEN, total - ISCSI_BHS_LEN, false) < 0 ||
	    pdu_decode(rx, total, &o, pdu) != PDU_OK)
		return -1;
	return 0;
}

static int send_pdu(struct conn *c, const struct iscsi_pdu *pdu)
{
	struct pdu_wire_opts o = { .max_data_len = 65536 };
	size_t len;

	if (pdu_encode(pdu, &o, tx, sizeof(tx), &len) != PDU_OK)
		die("encoding a PDU");
	return io_all(c->fd, tx, len, true);
}

/* What we answer one request with. */
struct reply {
	struct buf text;
	bool transit;
	uint8_t csg, nsg;
	uint8_t status_class, status_detail;
};

static void login_rsp(struct conn *c, struct iscsi_pdu *p, const struct reply *r)
{
	struct pdu_login_rsp *a = &p->u.login_rsp;

	pdu_init(p, ISCSI_OP_LOGIN_RSP);
	p->itt = c->itt;
	memcpy(a->isid, c->isid, 6);
	a->csg = r->csg;
	a->statsn = c->statsn++;
	a->exp_cmdsn = c->cmdsn;
	a->max_cmdsn = c->cmdsn + 32;
	a->status_class = r->status_class;
	a->status_detail = r->status_detail;
}

/* Sends a reply, cut into SEGMENT-byte PDUs with the C bit; each piece
 * but the last waits for the initiator's empty request. */
static int send_reply(struct conn *c, const struct reply *r)
{
	struct iscsi_pdu p, ack;
	size_t off = 0;

	do {
		size_t n = r->text.len - off < SEGMENT ? r->text.len - off : SEGMENT;
		bool more = off + n < r->text.len;

		login_rsp(c, &p, r);
		p.data = r->text.b ? r->text.b + off : NULL;
		p.data_len = n;
		p.u.login_rsp.cont = more;
		p.u.login_rsp.transit = !more && r->transit;
		p.u.login_rsp.nsg = p.u.login_rsp.transit ? r->nsg : 0;
		if (!more && p.u.login_rsp.transit && r->nsg == ISCSI_STAGE_FULL_FEATURE)
			p.u.login_rsp.tsih = 0x2345;
		if (send_pdu(c, &p) < 0)
			return -1;
		off += n;
		if (more && (recv_pdu(c, &ack) < 0 || ack.opcode != ISCSI_OP_LOGIN_REQ ||
			     ack.data_len != 0))
			return -1;
	} while (off < r->text.len);
	return 0;
}

/* One whole Login Request (joining C-bit pieces), parsed. */
static int recv_request(struct conn *c, struct pdu_login_req *hdr, struct text_list *in)
{
	struct buf all = { 0 };
	struct iscsi_pdu p;
	int rc = -1;

	for (;;) {
		if (recv_pdu(c, &p) < 0 || p.opcode != ISCSI_OP_LOGIN_REQ)
			break;
		*hdr = p.u.login_req;
		memcpy(c->isid, hdr->isid, 6);
		c->itt = p.itt;
		c->cmdsn = hdr->cmdsn;
		put_bytes(&all, p.data ? (const void *)p.data : "", p.data_len);
		if (!hdr->cont) {
			rc = text_parse(all.b, all.len, NULL, in, NULL) == TEXT_OK ? 0 : -1;
			if (rc < 0)
				text_list_free(in);
			break;
		}
		struct reply ack = { .csg = hdr->csg };
		if (send_reply(c, &ack) < 0)
			break;
	}
	free(all.b);
	return rc;
}

static void fail_auth(struct reply *r, uint8_t detail)
{
	r->status_class = 2;
	r->status_detail = detail;
	r->text.len = 0;
	r->transit = false;
}

static const char *alg_name(enum chap_alg a)
{
	const struct chap_alg_info *i = chap_alg_info(a);
	return i ? i->name : "?";
}

static void put_binary(struct buf *t, const char *key, const uint8_t *b, size_t n, bool b64)
{
	char *s = malloc(CHAP_HEX_SIZE(n) + 4);

	if (!s)
		die("out of memory");
	if (b64) {
		memcpy(s, "0b", 2);
		EVP_EncodeBlock((unsigned char *)s + 2, b, (int)n);
	} else if (chap_encode_hex(b, n, s, CHAP_HEX_SIZE(n)) != CHAP_OK) {
		die("encoding hex");
	}
	put(t, key, s);
	free(s);
}

static void random_bytes(uint8_t *b, size_t n, bool no_nul)
{
	for (size_t i = 0; i < n; i++)
		do
			b[i] = (uint8_t)random();
		while (no_nul && b[i] == 0);
}

/* T->I CHAP_A, CHAP_I, CHAP_C, as the mode says. */
static void send_challenge(struct conn *c, const char *offered, struct reply *r)
{
	char v[64];

	note(c, "offered CHAP_A=%s", offered);
	if (is("alg-not-offered")) {
		int pick = 0;
		for (int a = CHAP_ALG_MD5; a <= CHAP_ALG_SHA3_256 && !pick; a++) {
			snprintf(v, sizeof(v), "%d", a);
			if (!text_values_contains(offered, v))
				pick = a;
		}
		snprintf(v, sizeof(v), "%d", pick ? pick : 9);
		note(c, "CHAP_A=%s not offered", v);
		put(&r->text, "CHAP_A", v);
		c->alg = CHAP_ALG_MD5;
	} else if (chap_alg_choose(offered, strlen(offered), &algs, &c->alg) != CHAP_OK) {
		note(c, "no CHAP_A in common, CHAP_A=Reject");
		put(&r->text, "CHAP_A", "Reject");
		return;
	} else if (is("alg-list")) {
		snprintf(v, sizeof(v), "%d,%d", (int)c->alg, c->alg == CHAP_ALG_MD5 ? 7 : 5);
		note(c, "CHAP_A=%s (two values)", v);
		put(&r->text, "CHAP_A", v);
	} else {
		snprintf(v, sizeof(v), "%d", (int)c->alg);
		note(c, "alg %s", alg_name(c->alg));
		put(&r->text, "CHAP_A", v);
	}
	c->id = (uint8_t)random();
	if (is("garbage-chap")) {
		uint8_t g[64];
		random_bytes(g, sizeof(g), true);
		put_pair(&r->text, "CHAP_I", (const char *)g, 1 + g[0] % 8);
		random_bytes(g, sizeof(g), true);
		put_pair(&r->text, "CHAP_C", (const char *)g, sizeof(g));
		note(c, "random bytes as CHAP_I and CHAP_C");
		return;
	}
	snprintf(v, sizeof(v), "%u", c->id);
	put(&r->text, "CHAP_I", is("bad-id") ? "300" : v);
	c->chal_len = is("short-challenge") ? 8 : is("long-challenge") ? 1025 : 16;
	random_bytes(c->chal, c->chal_len, false);
	if (is("bad-hex")) {
		put(&r->text, "CHAP_C", "0x00112233445566778899aabbccddeefg");
	} else if (is("oversized")) {
		char *big = malloc(9001);
		if (!big)
			die("out of memory");
		memcpy(big, "0x", 2);
		memset(big + 2, 'a', 8998);
		big[9000] = 0;
		put(&r->text, "CHAP_C", big);
		free(big);
	} else {
		put_binary(&r->text, "CHAP_C", c->chal, c->chal_len,
			   is("base64") || is("long-challenge"));
	}
}

/* I->T CHAP_N, CHAP_R: checks them; 0 when they are right. */
static int check_response(struct conn *c, const struct text_list *in)
{
	const char *n = text_list_get(in, "CHAP_N"), *rs = text_list_get(in, "CHAP_R");
	uint8_t got[CHAP_BINARY_MAX], want[CHAP_DIGEST_MAX];
	size_t got_len, want_len;

	if (!n || !rs) {
		note(c, "no CHAP_N/CHAP_R from the initiator");
		return -1;
	}
	if (user && strcmp(n, user)) {
		note(c, "initiator's CHAP_N is not --user");
		return -1;
	}
	if (chap_decode_binary(rs, strlen(rs), got, sizeof(got), &got_len) != CHAP_OK) {
		note(c, "initiator's CHAP_R malformed");
		return -1;
	}
	if (!secret_len ||
	    chap_response(c->alg, c->id, secret, secret_len, c->chal, c->chal_len, want,
			  &want_len) != CHAP_OK) {
		note(c, "initiator answered a challenge we cannot check (%zu bytes)", c->chal_len);
		return -1;
	}
	if (got_len != want_len || memcmp(got, want, want_len)) {
		note(c, "initiator's CHAP_R wrong");
		return -1;
	}
	note(c, "initiator's CHAP_R ok");
	return 0;
}

/* Mutual CHAP: the answer to the initiator's CHAP_I/CHAP_C. */
static void answer_mutual(struct conn *c, const char *id, const char *chal, struct reply *r)
{
	uint8_t ch[CHAP_BINARY_MAX], resp[CHAP_DIGEST_MAX], wrong[CHAP_SECRET_MAX + 8];
	const uint8_t *key = secret_in;
	size_t ch_len, resp_len, key_len = secret_in_len;
	uint8_t iid;

	if (chap_parse_id(id, strlen(id), &iid) != CHAP_OK ||
	    chap_decode_binary(chal, strlen(chal), ch, sizeof(ch), &ch_len) != CHAP_OK) {
		note(c, "initiator's mutual challenge malformed");
		fail_auth(r, 1);
		return;
	}
	if (is("no-mutual-answer")) {
		note(c, "mutual challenge left unanswered");
		return;
	}
	if (is("reflect")) {
		key = secret;
		key_len = secret_len;
		note(c, "mutual answered with the initiator's secret");
	} else if (is("wrong-mutual")) {
		memcpy(wrong, secret_in, secret_in_len);
		memcpy(wrong + secret_in_len, "-wrong", 6);
		key = wrong;
		key_len = secret_in_len + 6;
		note(c, "mutual answered with a wrong secret");
	} else {
		note(c, "mutual answered");
	}
	if (!key_len || chap_response(c->alg, iid, key, key_len, ch, ch_len, resp, &resp_len)) {
		note(c, "cannot answer the mutual challenge (no --secret-in-file?)");
		fail_auth(r, 1);
		return;
	}
	put(&r->text, "CHAP_N", user_in);
	put_binary(&r->text, "CHAP_R", resp, resp_len, false);
}

static void security(struct conn *c, const struct pdu_login_req *h, const struct text_list *in,
		     struct reply *r)
{
	const char *offered = text_list_get(in, "AuthMethod");

	r->transit = h->transit;
	r->nsg = ISCSI_STAGE_OPERATIONAL;
	if (c->round++ == 0) {
		const char *st = text_list_get(in, "SessionType");
		c->discovery = st && !strcmp(st, "Discovery");
		c->chap_offered = offered && text_values_contains(offered, "CHAP");
		put(&r->text, "TargetPortalGroupTag", "1");
		if (is("skip")) {
			note(c, "skipped authentication (T=1 to operational)");
			r->transit = true;
			return;
		}
		if (is("none")) {
			note(c, "AuthMethod=None");
			put(&r->text, "AuthMethod", "None");
			return;
		}
		if (!c->chap_offered) {
			note(c, "initiator did not offer CHAP");
			fail_auth(r, 1);
			return;
		}
		put(&r->text, "AuthMethod", "CHAP");
		r->transit = false;
		return;
	}
	if (is("none") || is("skip")) {
		note(c, "initiator went on without CHAP");
		return;
	}
	if (c->round == 2) {
		const char *a = text_list_get(in, "CHAP_A");
		if (!a) {
			note(c, "no CHAP_A from the initiator");
			fail_auth(r, 1);
			return;
		}
		send_challenge(c, a, r);
		r->transit = false;
		return;
	}
	if (c->round == 3) {
		bool ok = check_response(c, in) == 0;
		const char *id = text_list_get(in, "CHAP_I"), *ch = text_list_get(in, "CHAP_C");

		if (!ok || is("reject")) {
			if (ok)
				note(c, "rejected anyway");
			fail_auth(r, 1);
			return;
		}
		if (is("slow")) {
			fprintf(stderr, "chap_target: holding the answer to CHAP_R for %u ms\n", slow_ms);
			usleep(slow_ms * 1000u);
		}
		if (id && ch)
			answer_mutual(c, id, ch, r);
	}
}

/* Answers each offer with its offered value (the first of a list), which
 * is always acceptable; declarations are not answered. */
static void operational(const struct text_list *in, struct reply *r)
{
	static const char *const declared[] = { "InitiatorName", "InitiatorAlias", "SessionType",
						"TargetName", "MaxRecvDataSegmentLength" };
	for (size_t i = 0; i < in->count; i++) {
		const struct text_pair *p = &in->pairs[i];
		bool decl = false;

		for (size_t k = 0; k < sizeof(declared) / sizeof(declared[0]); k++)
			decl |= !strcmp(p->key, declared[k]);
		if (!decl)
			put_pair(&r->text, p->key, p->value, strcspn(p->value, ","));
	}
	put(&r->text, "MaxRecvDataSegmentLength", "8192");
	r->nsg = ISCSI_STAGE_FULL_FEATURE;
}

/* The login; 0 once in full feature phase. */
static int login(struct conn *c)
{
	for (;;) {
		struct pdu_login_req h;
		struct text_list in;
		struct reply r = { 0 };
		int rc;

		if (recv_request(c, &h, &in) < 0) {
			note(c, c->round ? "initiator closed" : "no Login Request");
			return -1;
		}
		r.csg = h.csg;
		r.transit = h.transit;
		if (h.csg == ISCSI_STAGE_SECURITY)
			security(c, &h, &in, &r);
		else
			operational(&in, &r);
		text_list_free(&in);
		rc = send_reply(c, &r);
		free(r.text.b);
		if (rc < 0 || r.status_class) {
			if (r.status_class)
				note(c, "status %02x/%02x", r.status_class, r.status_detail);
			return -1;
		}
		if (r.transit && r.nsg == ISCSI_STAGE_FULL_FEATURE)
			return 0;
	}
}

static void send_targets(struct conn *c, const struct iscsi_pdu *req)
{
	struct buf t = { 0 };
	struct iscsi_pdu p;
	char addr[64];

	snprintf(addr, sizeof(addr), "127.0.0.1:%u,1", listen_port);
	put(&t, "TargetName", target_name);
	put(&t, "TargetAddress", addr);
	pdu_init(&p, ISCSI_OP_TEXT_RSP);
	p.itt = req->itt;
	p.data = t.b;
	p.data_len = t.len;
	p.u.text_rsp.final = true;
	p.u.text_rsp.ttt = ISCSI_RESERVED_TAG;
	p.u.text_rsp.statsn = c->statsn++;
	p.u.text_rsp.exp_cmdsn = req->u.text_req.cmdsn + 1;
	p.u.text_rsp.max_cmdsn = req->u.text_req.cmdsn + 32;
	send_pdu(c, &p);
	free(t.b);
	note(c, "SendTargets answered");
}

static void full_feature(struct conn *c)
{
	struct iscsi_pdu req, rsp;

	while (recv_pdu(c, &req) == 0) {
		if (req.opcode == ISCSI_OP_TEXT_REQ && c->discovery) {
			send_targets(c, &req);
		} else if (req.opcode == ISCSI_OP_LOGOUT_REQ) {
			pdu_init(&rsp, ISCSI_OP_LOGOUT_RSP);
			rsp.itt = req.itt;
			rsp.u.logout_rsp.statsn = c->statsn++;
			rsp.u.logout_rsp.exp_cmdsn = req.u.logout_req.cmdsn + 1;
			rsp.u.logout_rsp.max_cmdsn = req.u.logout_req.cmdsn + 32;
			send_pdu(c, &rsp);
			note(c, "logout");
			return;
		} else if (c->discovery) {
			note(c, "unexpected %s", pdu_opcode_name(req.opcode));
			return;
		}
	}
	note(c, "initiator closed");
}

static void serve(int fd, unsigned n)
{
	struct conn c = { .fd = fd, .statsn = 0x7000 };

	if (login(&c) == 0) {
		note(&c, "full feature");
		full_feature(&c);
	}
	fprintf(stderr, "chap_target: connection %u (%s, mode %s): %s\n", n,
		c.round ? (c.discovery ? "discovery" : "normal") : "-", mode, c.notes);
}

static size_t read_secret(const char *path, uint8_t *out)
{
	FILE *f = fopen(path, "re");
	size_t n;

	if (!f)
		die(path);
	n = fread(out, 1, CHAP_SECRET_MAX + 2, f);
	fclose(f);
	if (n && out[n - 1] == '\n')
		n--;
	if (n == 0 || n > CHAP_SECRET_MAX) {
		errno = 0;
		die("a secret file must hold 1..256 bytes");
	}
	return n;
}

int main(int argc, char **argv)
{
	unsigned connections = 1;
	const char *alg_list = "SHA3-256,SHA256,SHA1,MD5";
	long seed = (long)getpid();

	for (int i = 1; i + 1 < argc; i += 2) {
		const char *o = argv[i], *v = argv[i + 1];
		if (!strcmp(o, "--mode"))
			mode = v;
		else if (!strcmp(o, "--port"))
			listen_port = (unsigned)atoi(v);
		else if (!strcmp(o, "--connections"))
			connections = (unsigned)atoi(v);
		else if (!strcmp(o, "--secret-file"))
			secret_len = read_secret(v, secret);
		else if (!strcmp(o, "--secret-in-file"))
			secret_in_len = read_secret(v, secret_in);
		else if (!strcmp(o, "--user"))
			user = v;
		else if (!strcmp(o, "--user-in"))
			user_in = v;
		else if (!strcmp(o, "--algs"))
			alg_list = v;
		else if (!strcmp(o, "--slow-ms"))
			slow_ms = (unsigned)atoi(v);
		else if (!strcmp(o, "--target"))
			target_name = v;
		else if (!strcmp(o, "--seed"))
			seed = atol(v);
		else {
			fprintf(stderr, "chap_target: unknown option %s\n", o);
			return 1;
		}
	}
	if (chap_prefs_parse(alg_list, strlen(alg_list), &algs) != CHAP_OK) {
		fprintf(stderr, "chap_target: bad --algs %s\n", alg_list);
		return 1;
	}
	srandom((unsigned)seed);
	int ls = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), one = 1;
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)listen_port) };
	socklen_t sl = sizeof(sa);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (ls < 0 || setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
	    bind(ls, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(ls, 8) < 0 ||
	    getsockname(ls, (struct sockaddr *)&sa, &sl) < 0)
		die("listening");
	listen_port = ntohs(sa.sin_port);
	printf("%u\n", listen_port);
	fflush(stdout);
	for (unsigned i = 1; connections == 0 || i <= connections; i++) {
		int fd = accept(ls, NULL, NULL);
		if (fd < 0)
			die("accept");
		serve(fd, i);
		close(fd);
	}
	close(ls);
	return 0;
}
