#include "discovery/session.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/exitcodes.h"
#include "discovery/sendtargets.h"
#include "login/exchange.h"
#include "proto/login.h"

/* Initiator Task Tags of the three tasks of a discovery session. */
#define ITT_LOGIN 0u
#define ITT_TEXT 1u
#define ITT_LOGOUT 2u

static int fail(struct session *s, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail(struct session *s, int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(s->msg, sizeof(s->msg), fmt, ap);
	va_end(ap);
	s->code = code;
	return -1;
}

static int wire_fail(struct session *s, enum wire_err e)
{
	char line[200];
	int code;

	wire_describe(&s->w, e, line, sizeof(line));
	switch (e) {
	case WIRE_TIMEOUT:
		code = ISCSI_ERR_TRANS_TIMEOUT;
		break;
	case WIRE_PDU:
		code = ISCSI_ERR;
		break;
	case WIRE_NOMEM:
		code = ISCSI_ERR_NOMEM;
		break;
	default:
		code = ISCSI_ERR_TRANS;
		break;
	}
	return fail(s, code, "%s", line);
}

void session_init(struct session *s, int fd, uint64_t deadline_ms)
{
	memset(s, 0, sizeof(*s));
	wire_init(&s->w, fd);
	s->deadline = deadline_ms;
}

void session_close(struct session *s)
{
	if (s->w.fd >= 0)
		close(s->w.fd);
	s->w.fd = -1;
	wire_free(&s->w);
}

/* An ISID of the "Random" format (RFC 7143 11.12.5, T = 10b): two
 * discovery sessions of this initiator to one target must not share an
 * ISID, or the second would reinstate (end) the first. The sandbox has no
 * getrandom(); the clocks' nanoseconds differ between any two sessions
 * started by one host, which is all uniqueness needs here. */
static void make_isid(uint8_t isid[6])
{
	struct timespec a, b;

	clock_gettime(CLOCK_MONOTONIC, &a);
	clock_gettime(CLOCK_REALTIME, &b);
	uint64_t v = (uint64_t)a.tv_nsec * 0x9e3779b97f4a7c15ull ^ (uint64_t)b.tv_sec * 1000003u ^
		     (uint64_t)b.tv_nsec;
	isid[0] = 0x80;
	for (int i = 1; i < 6; i++)
		isid[i] = (uint8_t)(v >> (8 * (i - 1)));
}

static void ffp_opts(struct session *s)
{
	memset(&s->rx, 0, sizeof(s->rx));
	s->rx.header_digest = s->params.header_digest;
	s->rx.data_digest = s->params.data_digest;
	s->rx.max_data_len = s->params.max_recv_dsl;
	s->rx.sender = PDU_SENDER_TARGET;
	s->tx = s->rx;
	s->tx.sender = PDU_SENDER_ANY;
	s->tx.max_data_len = s->params.max_xmit_dsl;
}

int session_login(struct session *s, const char *initiator_name, const char *alias,
		  uint32_t max_recv_dsl, unsigned auth, const char *chap_algs,
		  const struct login_secret_link *link)
{
	struct login_config cfg;
	struct login_exchange_fail lf;
	struct login *l = calloc(1, sizeof(*l));
	uint64_t now = wire_now_ms();
	int rc = -1;

	if (!l)
		return fail(s, ISCSI_ERR_NOMEM, "out of memory");
	login_config_default(&cfg, NEG_SESSION_DISCOVERY);
	snprintf(cfg.initiator_name, sizeof(cfg.initiator_name), "%s", initiator_name);
	snprintf(cfg.initiator_alias, sizeof(cfg.initiator_alias), "%s", alias ? alias : "");
	make_isid(cfg.isid);
	if (max_recv_dsl)
		cfg.neg.max_recv_dsl = max_recv_dsl;
	cfg.itt = ITT_LOGIN;
	cfg.cmdsn = 1;
	cfg.timeout_ms = now < s->deadline ? (uint32_t)(s->deadline - now) : 1;
	if (login_auth_offer(auth, chap_algs, &cfg) < 0) {
		free(l);
		return fail(s, ISCSI_ERR_INTERNAL, "bad CHAP algorithm list");
	}

	const struct login_result *r;
	switch (login_exchange(&s->w, l, &cfg, s->deadline, "discovery login", link, &lf)) {
	case LOGIN_STEP_DONE:
		r = login_result(l);
		s->params = r->params;
		s->cmdsn = r->cmdsn;
		s->exp_statsn = r->exp_statsn;
		s->logged_in = true;
		ffp_opts(s);
		rc = 0;
		break;
	case LOGIN_STEP_REDIRECT:
		/* The worker cannot open connections; following a redirect is
		 * the monitor's decision (not implemented yet). */
		fail(s, ISCSI_ERR_LOGIN, "discovery login: target redirects to %.200s",
		     login_result(l)->redirect.address);
		break;
	default:
		fail(s, lf.code, "%s", lf.msg);
		s->auth_error = lf.auth_error;
		break;
	}
	login_free(l);
	free(l);
	return rc;
}

static int send_text_request(struct session *s, uint32_t ttt, const uint8_t *data, size_t len)
{
	struct iscsi_pdu pdu;

	pdu_init(&pdu, ISCSI_OP_TEXT_REQ);
	pdu.itt = ITT_TEXT;
	pdu.data = data;
	pdu.data_len = len;
	pdu.u.text_req.final = true;
	pdu.u.text_req.ttt = ttt;
	pdu.u.text_req.cmdsn = s->cmdsn;
	pdu.u.text_req.exp_statsn = s->exp_statsn;
	enum wire_err e = wire_send_pdu(&s->w, &pdu, &s->tx, s->deadline);
	if (e != WIRE_OK)
		return wire_fail(s, e);
	s->cmdsn++;     /* not immediate: each request takes a CmdSN */
	return 0;
}

/* StatSN of a response must be the one we expect next (RFC 7143 4.2.2.2). */
static int take_statsn(struct session *s, uint32_t statsn, const char *what)
{
	if (statsn != s->exp_statsn)
		return fail(s, ISCSI_ERR, "%s with StatSN %u, expected %u", what, statsn,
			    s->exp_statsn);
	s->exp_statsn++;
	return 0;
}

/* A PDU other than the awaited response. 1: handled, wait on; -1: failed. */
static int unsolicited(struct session *s, const struct iscsi_pdu *pdu)
{
	if (++s->unsolicited > SESSION_MAX_UNSOLICITED)
		return fail(s, ISCSI_ERR, "target sent more than %u unsolicited PDUs",
			    SESSION_MAX_UNSOLICITED);
	switch (pdu->opcode) {
	case ISCSI_OP_NOP_IN: {
		const struct pdu_nop_in *n = &pdu->u.nop_in;
		if (pdu->itt != ISCSI_RESERVED_TAG)
			return fail(s, ISCSI_ERR, "NOP-In answers a NOP-Out never sent");
		if (n->ttt == ISCSI_RESERVED_TAG)
			return 1;
		/* A ping: answer with the tag it gave, as an immediate
		 * NOP-Out without data (RFC 7143 11.18). */
		struct iscsi_pdu out;
		pdu_init(&out, ISCSI_OP_NOP_OUT);
		out.immediate = true;
		out.itt = ISCSI_RESERVED_TAG;
		out.u.nop_out.lun = n->lun;
		out.u.nop_out.ttt = n->ttt;
		out.u.nop_out.cmdsn = s->cmdsn;
		out.u.nop_out.exp_statsn = s->exp_statsn;
		enum wire_err e = wire_send_pdu(&s->w, &out, &s->tx, s->deadline);
		return e == WIRE_OK ? 1 : wire_fail(s, e);
	}
	case ISCSI_OP_ASYNC_MSG:
		switch (pdu->u.async.event) {
		case ISCSI_ASYNC_LOGOUT_REQUEST:
		case ISCSI_ASYNC_DROP_CONNECTION:
		case ISCSI_ASYNC_DROP_ALL_CONNECTIONS:
			return fail(s, ISCSI_ERR_TRANS, "target ended the discovery session "
				    "(asynchronous event %u)", pdu->u.async.event);
		default:
			return 1;
		}
	case ISCSI_OP_REJECT:
		return fail(s, ISCSI_ERR, "target rejected our request (reason 0x%02x)",
			    pdu->u.reject.reason);
	default:
		return fail(s, ISCSI_ERR, "unexpected %s from the target",
			    pdu_opcode_name(pdu->opcode));
	}
}

/* Waits for a PDU with opcode want and ITT itt, handling others. */
static int await(struct session *s, uint8_t want, uint32_t itt, struct iscsi_pdu *pdu,
		 uint64_t deadline)
{
	for (;;) {
		enum wire_err e = wire_recv_pdu(&s->w, &s->rx, pdu, deadline);
		if (e != WIRE_OK)
			return wire_fail(s, e);
		if (pdu->opcode == want) {
			if (pdu->itt != itt)
				return fail(s, ISCSI_ERR, "%s for task 0x%08x, expected 0x%08x",
					    pdu_opcode_name(want), pdu->itt, itt);
			return 0;
		}
		if (unsolicited(s, pdu) < 0)
			return -1;
	}
}

int session_sendtargets(struct session *s, struct text_list *keys)
{
	struct text_assembler as;
	struct text_limits lim;
	struct text_list req;
	struct text_error terr;
	uint8_t *blob = NULL;
	size_t blob_len = 0;
	uint32_t ttt = ISCSI_RESERVED_TAG;
	int rc = -1;

	text_list_init(keys);
	text_list_init(&req);
	st_text_limits(&lim);
	text_asm_init(&as, &lim);
	if (text_list_add(&req, "SendTargets", "All") != TEXT_OK ||
	    text_list_encode_alloc(&req, &blob, &blob_len) != TEXT_OK) {
		fail(s, ISCSI_ERR_NOMEM, "out of memory");
		goto out;
	}
	for (bool first = true;; first = false) {
		struct iscsi_pdu pdu;

		/* The request goes once; each continuation is an empty
		 * request with the tag the target gave (RFC 7143 11.10.4). */
		if (send_text_request(s, ttt, first ? blob : NULL, first ? blob_len : 0) < 0 ||
		    await(s, ISCSI_OP_TEXT_RSP, ITT_TEXT, &pdu, s->deadline) < 0 ||
		    take_statsn(s, pdu.u.text_rsp.statsn, "Text Response") < 0)
			goto out;
		const struct pdu_text_rsp *t = &pdu.u.text_rsp;
		s->text_pdus++;
		s->text_bytes += pdu.data_len;
		/* F=0 says more is coming, and the target must then give a
		 * tag to continue with; F=1 ends the answer and the tag must
		 * be the reserved one (RFC 7143 11.11.1, 11.11.4). */
		if (!t->final && t->ttt == ISCSI_RESERVED_TAG) {
			fail(s, ISCSI_ERR, "Text Response announces more without a Target "
			     "Transfer Tag");
			goto out;
		}
		if (t->final && t->ttt != ISCSI_RESERVED_TAG) {
			fail(s, ISCSI_ERR, "final Text Response carries Target Transfer Tag "
			     "0x%08x", t->ttt);
			goto out;
		}
		enum text_err te = text_asm_add(&as, pdu.data, pdu.data_len, !t->final, keys, &terr);
		if (te != TEXT_OK) {
			char line[200];
			text_error_format(&terr, line, sizeof(line));
			fail(s, te == TEXT_ERR_NOMEM ? ISCSI_ERR_NOMEM : ISCSI_ERR,
			     "SendTargets answer: %s", line);
			goto out;
		}
		if (t->final)
			break;
		ttt = t->ttt;
	}
	rc = 0;
out:
	text_asm_free(&as);
	text_list_free(&req);
	free(blob);
	return rc;
}

int session_logout(struct session *s)
{
	struct iscsi_pdu pdu;
	uint64_t now = wire_now_ms();
	uint64_t deadline = now + SESSION_LOGOUT_WAIT_MS;

	if (deadline > s->deadline)
		deadline = s->deadline;
	pdu_init(&pdu, ISCSI_OP_LOGOUT_REQ);
	pdu.immediate = true;
	pdu.itt = ITT_LOGOUT;
	pdu.u.logout_req.reason = ISCSI_LOGOUT_CLOSE_SESSION;
	pdu.u.logout_req.cmdsn = s->cmdsn;
	pdu.u.logout_req.exp_statsn = s->exp_statsn;
	enum wire_err e = wire_send_pdu(&s->w, &pdu, &s->tx, deadline);
	if (e != WIRE_OK)
		return wire_fail(s, e);
	if (await(s, ISCSI_OP_LOGOUT_RSP, ITT_LOGOUT, &pdu, deadline) < 0 ||
	    take_statsn(s, pdu.u.logout_rsp.statsn, "Logout Response") < 0)
		return -1;
	if (pdu.u.logout_rsp.response != ISCSI_LOGOUT_RSP_SUCCESS)
		return fail(s, ISCSI_ERR_LOGOUT, "Logout Response %u", pdu.u.logout_rsp.response);
	s->logged_in = false;
	return 0;
}
