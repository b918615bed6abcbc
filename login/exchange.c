#include "login/exchange.h"

#include <stdarg.h>
#include <stdio.h>

#include "base/exitcodes.h"

static enum login_step failed(struct login_exchange_fail *f, int code, bool retryable,
			      const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static enum login_step failed(struct login_exchange_fail *f, int code, bool retryable,
			      const char *fmt, ...)
{
	va_list ap;

	f->code = code;
	f->retryable = retryable;
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

enum login_step login_exchange(struct wire *w, struct login *l, const struct login_config *cfg,
			       uint64_t deadline, const char *what,
			       struct login_exchange_fail *fail)
{
	uint64_t now = wire_now_ms();

	if (now >= deadline) {
		/* login_start() still runs, so that login_free() is valid. */
		login_start(l, cfg, now);
		return failed(fail, ISCSI_ERR_TRANS_TIMEOUT, true, "%s: timed out", what);
	}
	enum login_step step = login_start(l, cfg, now);
	while (step == LOGIN_STEP_SEND) {
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
		if (e != WIRE_OK)
			return wire_failed(fail, w, e, what);
		step = login_receive(l, &pdu, now);
	}

	const struct login_result *r = login_result(l);
	switch (step) {
	case LOGIN_STEP_DONE:
	case LOGIN_STEP_REDIRECT:
		return step;
	case LOGIN_STEP_FAILED:
		if (r->err == LOGIN_ERR_TIMEOUT)
			return failed(fail, ISCSI_ERR_TRANS_TIMEOUT, true, "%s: %s", what,
				      r->message[0] ? r->message : login_strerror(r->err));
		return failed(fail, r->exit_code ? r->exit_code : ISCSI_ERR_LOGIN, r->retryable,
			      "%s: %s", what, r->message[0] ? r->message : login_strerror(r->err));
	default:
		return failed(fail, ISCSI_ERR_LOGIN_AUTH_FAILED, false,
			      "%s: the target asked for CHAP, which was not offered", what);
	}
}
