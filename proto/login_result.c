/* How a login ends: failures with their exit codes, target statuses and
 * redirects (the mapping is documented in proto/login.h and
 * proto/login_status.h). */
#include "proto/login.h"
#include "proto/login_impl.h"
#include "proto/login_status.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "base/exitcodes.h"

static const char *const messages[LOGIN_ERR_COUNT] = {
	[LOGIN_OK] = "success",
	[LOGIN_ERR_CONFIG] = "invalid login configuration",
	[LOGIN_ERR_STATUS] = "target refused the login",
	[LOGIN_ERR_REJECT] = "target rejected a login PDU",
	[LOGIN_ERR_PROTOCOL] = "target violated the login protocol",
	[LOGIN_ERR_TEXT] = "malformed login text",
	[LOGIN_ERR_NEGOTIATION] = "login negotiation failed",
	[LOGIN_ERR_AUTH] = "authentication failed",
	[LOGIN_ERR_AUTH_DOWNGRADE] = "target refused or skipped required authentication",
	[LOGIN_ERR_TIMEOUT] = "login timed out",
	[LOGIN_ERR_STATE] = "login state machine used out of order",
	[LOGIN_ERR_INTERNAL] = "internal login error",
};

const char *login_strerror(enum login_err err)
{
	if ((unsigned)err >= LOGIN_ERR_COUNT)
		return "unknown login error";
	return messages[err];
}

static int exit_code_of(enum login_err err)
{
	switch (err) {
	case LOGIN_OK: return ISCSI_SUCCESS;
	case LOGIN_ERR_CONFIG: return ISCSI_ERR_INVAL;
	case LOGIN_ERR_AUTH:
	case LOGIN_ERR_AUTH_DOWNGRADE: return ISCSI_ERR_LOGIN_AUTH_FAILED;
	case LOGIN_ERR_TIMEOUT: return ISCSI_ERR_PDU_TIMEOUT;
	case LOGIN_ERR_STATE:
	case LOGIN_ERR_INTERNAL: return ISCSI_ERR_INTERNAL;
	default: return ISCSI_ERR_LOGIN;
	}
}

enum login_step login_fail(struct login *l, enum login_err err, const char *fmt, ...)
{
	va_list ap;

	l->result.err = err;
	l->result.exit_code = exit_code_of(err);
	l->result.retryable = err == LOGIN_ERR_TIMEOUT;
	va_start(ap, fmt);
	vsnprintf(l->result.message, sizeof(l->result.message), fmt, ap);
	va_end(ap);
	l->step = LOGIN_STEP_FAILED;
	return l->step;
}

static enum login_step redirect(struct login *l, const struct iscsi_pdu *pdu,
				const struct login_status_info *info)
{
	struct login_redirect *rd = &l->result.redirect;
	struct text_limits lim;
	struct text_list in;
	struct text_error terr;
	const char *addr;
	char msg[160];

	text_limits_default(&lim);
	lim.flags |= TEXT_ALLOW_DUPLICATES;     /* several addresses may be offered */
	if (pdu->u.login_rsp.cont)
		return login_fail(l, LOGIN_ERR_PROTOCOL, "redirect response with the C bit set");
	if (text_parse(pdu->data, pdu->data_len, &lim, &in, &terr) != TEXT_OK) {
		text_list_free(&in);
		text_error_format(&terr, msg, sizeof(msg));
		return login_fail(l, LOGIN_ERR_TEXT, "malformed redirect text: %s", msg);
	}
	addr = text_list_get(&in, "TargetAddress");
	if (!addr) {
		text_list_free(&in);
		return login_fail(l, LOGIN_ERR_PROTOCOL, "redirect without a TargetAddress");
	}
	if (neg_parse_target_address(addr, rd->host, sizeof(rd->host), &rd->port,
				     &rd->tpgt) < 0) {
		iscsi_escape(msg, 64, addr, strlen(addr));
		text_list_free(&in);
		return login_fail(l, LOGIN_ERR_PROTOCOL, "redirect to a malformed TargetAddress '%s'",
				  msg);
	}
	snprintf(rd->address, sizeof(rd->address), "%s", addr);
	text_list_free(&in);
	rd->permanent = pdu->u.login_rsp.status_detail == ISCSI_LOGIN_DETAIL_MOVED_PERM;
	l->result.err = LOGIN_ERR_STATUS;
	l->result.exit_code = info->exit_code;
	l->result.retryable = true;
	/* The address is checked syntax, at most 255 bytes: shown whole
	 * when it fits, cut otherwise. */
	snprintf(l->result.message, sizeof(l->result.message), "%s to %.200s", info->message,
		 rd->address);
	l->step = LOGIN_STEP_REDIRECT;
	return l->step;
}

enum login_step login_status_response(struct login *l, const struct iscsi_pdu *pdu)
{
	const struct pdu_login_rsp *r = &pdu->u.login_rsp;
	struct login_status_info scratch;
	const struct login_status_info *info =
		login_status_lookup(r->status_class, r->status_detail, &scratch);

	l->result.status_class = r->status_class;
	l->result.status_detail = r->status_detail;
	if (info->redirect)
		return redirect(l, pdu, info);
	login_fail(l, LOGIN_ERR_STATUS, "login rejected: %s (status %02x/%02x)", info->message,
		   r->status_class, r->status_detail);
	l->result.exit_code = info->exit_code;
	l->result.retryable = info->retryable;
	return l->step;
}

const struct login_result *login_result(const struct login *l)
{
	return &l->result;
}

void login_list_wipe(struct text_list *list)
{
	for (size_t i = 0; i < list->count; i++)
		chap_wipe((char *)list->pairs[i].value, list->pairs[i].value_len);
	text_list_free(list);
	text_list_init(list);
}
