#include "login/exchange.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "base/exitcodes.h"
#include "privsep/msg.h"
#include "privsep/worker_chan.h"

static enum login_step failed(struct login_exchange_fail *f, int code, bool retryable,
			      const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static enum login_step failed(struct login_exchange_fail *f, int code, bool retryable,
			      const char *fmt, ...)
{
	va_list ap;

	f->code = code;
	f->retryable = retryable;
	f->auth_error = MSG_AUTH_ERROR_NONE;
	va_start(ap, fmt);
	vsnprintf(f->msg, sizeof(f->msg), fmt, ap);
	va_end(ap);
	return LOGIN_STEP_FAILED;
}

static enum login_step wire_failed(struct login_exchange_fail *f, const struct wire *w,
				   enum wire_err e, const char *what)
{
	char line[200];

	wire_describe(w, e, line, sizeof(line));
	switch (e) {
	case WIRE_TIMEOUT:
		return failed(f, ISCSI_ERR_TRANS_TIMEOUT, true, "%s: %s", what, line);
	case WIRE_PDU:
		return failed(f, ISCSI_ERR_LOGIN, false, "%s: %s", what, line);
	case WIRE_NOMEM:
		return failed(f, ISCSI_ERR_NOMEM, false, "%s: %s", what, line);
	default:
		return failed(f, ISCSI_ERR_TRANS, true, "%s: %s", what, line);
	}
}

/* LOGIN_STEP_CHAP_RESPONSE: the target's challenge to the monitor, its
 * CHAP_N/CHAP_R (and our challenge, mutual) back into the machine. */
static enum login_step ask_response(struct login *l, const struct login_secret_link *link,
				    uint64_t deadline, const char *what,
				    struct login_exchange_fail *fail)
{
	const struct login_chap_request *q = login_chap_request(l);
	struct login_chap_answer a;
	struct msg m, reply;
	char why[200];

	msg_init(&m, MSG_CHAP_CHALLENGE, 0);
	struct msg_chap_challenge *c = &m.u.chap_challenge;
	snprintf(c->target_name, sizeof(c->target_name), "%s", link->target_name);
	c->alg = (uint8_t)q->alg;
	c->id = q->id;
	memcpy(c->challenge, q->challenge, q->challenge_len);
	c->challenge_len = (uint16_t)q->challenge_len;
	c->mutual = q->mutual;
	if (worker_chan_ask(link->chan, &m, MSG_CHAP_ANSWER, &reply, deadline, why,
			    sizeof(why)) < 0)
		return failed(fail, ISCSI_ERR_INTERNAL, false, "%s: CHAP: %s", what, why);
	const struct msg_chap_answer *r = &reply.u.chap_answer;
	memset(&a, 0, sizeof(a));
	snprintf(a.name, sizeof(a.name), "%s", r->name);
	memcpy(a.response, r->response, r->response_len);
	a.response_len = r->response_len;
	a.id = r->id;
	memcpy(a.challenge, r->challenge, r->challenge_len);
	a.challenge_len = r->challenge_len;
	enum login_step step = login_chap_answer(l, &a, wire_now_ms());
	chap_wipe(&a, sizeof(a));
	chap_wipe(&reply, sizeof(reply));
	return step;
}

/* LOGIN_STEP_CHAP_VERIFY: the target's CHAP_N/CHAP_R to the monitor,
 * its verdict back into the machine. */
static enum login_step ask_verify(struct login *l, const struct login_secret_link *link,
				  uint64_t deadline, const char *what,
				  struct login_exchange_fail *fail)
{
	const struct login_chap_verify *v = login_chap_verify_request(l);
	struct msg m, reply;
	char why[200];

	msg_init(&m, MSG_CHAP_VERIFY, 0);
	snprintf(m.u.chap_verify.name, sizeof(m.u.chap_verify.name), "%s", v->name);
	memcpy(m.u.chap_verify.response, v->response, v->response_len);
	m.u.chap_verify.response_len = (uint16_t)v->response_len;
	if (worker_chan_ask(link->chan, &m, MSG_CHAP_VERDICT, &reply, deadline, why,
			    sizeof(why)) < 0)
		return failed(fail, ISCSI_ERR_INTERNAL, false, "%s: CHAP: %s", what, why);
	return login_chap_verified(l, reply.u.chap_verdict.ok, wire_now_ms());
}

int login_auth_offer(unsigned auth, const char *chap_algs, struct login_config *cfg)
{
	cfg->auth = auth == LOGIN_AUTH_CHAP_MUTUAL ? LOGIN_AUTH_CHAP_MUTUAL :
		    auth == LOGIN_AUTH_CHAP	   ? LOGIN_AUTH_CHAP :
						     LOGIN_AUTH_NONE;
	if (cfg->auth == LOGIN_AUTH_NONE)
		return 0;
	return chap_prefs_parse(chap_algs, strlen(chap_algs), &cfg->chap_algs) == CHAP_OK ? 0 : -1;
}

/* Whether a failure came while required CHAP was still under way: then a
 * target's malformed text or PDU is a failed authentication too, for the
 * audit record (the exit code stays the protocol error's). */
static bool in_auth(const struct login *l, const struct login_config *cfg)
{
	return cfg->auth != LOGIN_AUTH_NONE && l->stage == ISCSI_STAGE_SECURITY &&
	       l->auth != LOGIN_AUTH_DONE;
}

/* How authentication failed, for the monitor's audit record. */
static unsigned auth_error_of(const struct login *l, const struct login_config *cfg)
{
	const struct login_result *r = login_result(l);

	if (r->err == LOGIN_ERR_AUTH_DOWNGRADE)
		return MSG_AUTH_ERROR_DOWNGRADE;
	if (r->err == LOGIN_ERR_AUTH)
		return MSG_AUTH_ERROR_TARGET;
	/* 02/01 "authentication failure": the target refused what we sent. */
	if (r->err == LOGIN_ERR_STATUS && cfg->auth != LOGIN_AUTH_NONE && r->status_class == 2 &&
	    r->status_detail == 1)
		return MSG_AUTH_ERROR_REJECTED;
	if ((r->err == LOGIN_ERR_TEXT || r->err == LOGIN_ERR_PROTOCOL ||
	     r->err == LOGIN_ERR_NEGOTIATION || r->err == LOGIN_ERR_REJECT) && in_auth(l, cfg))
		return MSG_AUTH_ERROR_TARGET;
	return MSG_AUTH_ERROR_NONE;
}

enum login_step login_exchange(struct wire *w, struct login *l, const struct login_config *cfg,
			       uint64_t deadline, const char *what,
			       const struct login_secret_link *link,
			       struct login_exchange_fail *fail)
{
	uint64_t now = wire_now_ms();

	fail->auth_error = MSG_AUTH_ERROR_NONE;
	if (now >= deadline) {
		/* login_start() still runs, so that login_free() is valid. */
		login_start(l, cfg, now);
		return failed(fail, ISCSI_ERR_TRANS_TIMEOUT, true, "%s: timed out", what);
	}
	enum login_step step = login_start(l, cfg, now);
	for (;;) {
		if (step == LOGIN_STEP_CHAP_RESPONSE || step == LOGIN_STEP_CHAP_VERIFY) {
			if (!link || link->chan < 0)
				return failed(fail, ISCSI_ERR_LOGIN_AUTH_FAILED, false,
					      "%s: the target asked for CHAP, which was not "
					      "offered", what);
			step = step == LOGIN_STEP_CHAP_RESPONSE ?
				       ask_response(l, link, deadline, what, fail) :
				       ask_verify(l, link, deadline, what, fail);
			if (step == LOGIN_STEP_FAILED && fail->code == ISCSI_ERR_INTERNAL)
				return step;
			continue;
		}
		if (step != LOGIN_STEP_SEND)
			break;
		struct pdu_wire_opts opts;
		struct iscsi_pdu pdu;
		size_t len;
		const uint8_t *out = login_output(l, &len);

		enum wire_err e = wire_send(w, out, len, deadline);
		uint64_t until = login_deadline(l) < deadline ? login_deadline(l) : deadline;
		if (e == WIRE_OK) {
			login_wire_opts(l, &opts);
			e = wire_recv_pdu(w, &opts, &pdu, until);
		}
		now = wire_now_ms();
		if (e != WIRE_OK) {
			wire_failed(fail, w, e, what);
			if (e == WIRE_PDU && in_auth(l, cfg))
				fail->auth_error = MSG_AUTH_ERROR_TARGET;
			return LOGIN_STEP_FAILED;
		}
		step = login_receive(l, &pdu, now);
	}

	const struct login_result *r = login_result(l);
	switch (step) {
	case LOGIN_STEP_DONE:
	case LOGIN_STEP_REDIRECT:
		return step;
	default:
		break;
	}
	if (r->err == LOGIN_ERR_TIMEOUT)
		return failed(fail, ISCSI_ERR_TRANS_TIMEOUT, true, "%s: %s", what,
			      r->message[0] ? r->message : login_strerror(r->err));
	failed(fail, r->exit_code ? r->exit_code : ISCSI_ERR_LOGIN, r->retryable, "%s: %s", what,
	       r->message[0] ? r->message : login_strerror(r->err));
	fail->auth_error = auth_error_of(l, cfg);
	return LOGIN_STEP_FAILED;
}
