#include "adm/ops_plan.h"

#include <stdio.h>
#include <string.h>

#include "base/exitcodes.h"
#include "proto/names.h"
#include "records/portal.h"

int adm_startup_parse(const char *arg, bool logout, enum adm_startup *out)
{
	static const struct {
		const char *name;
		enum adm_startup mode;
	} names[] = {
		{ "all", ADM_STARTUP_ALL },
		{ "manual", ADM_STARTUP_MANUAL },
		{ "automatic", ADM_STARTUP_AUTOMATIC },
		{ "onboot", ADM_STARTUP_ONBOOT },
	};

	for (size_t i = 0; arg && i < sizeof(names) / sizeof(names[0]); i++) {
		if (strcmp(arg, names[i].name))
			continue;
		if (logout && names[i].mode == ADM_STARTUP_ONBOOT)
			return -1;
		*out = names[i].mode;
		return 0;
	}
	return -1;
}

static const char *startup_name(enum adm_startup mode)
{
	switch (mode) {
	case ADM_STARTUP_MANUAL:
		return "manual";
	case ADM_STARTUP_AUTOMATIC:
		return "automatic";
	case ADM_STARTUP_ONBOOT:
		return "onboot";
	case ADM_STARTUP_ALL:
		break;
	}
	return NULL;
}

/* Either the session-wide or the first connection's startup value
 * selects the record: open-iscsi accepts both spellings of the setting. */
bool adm_startup_match(enum adm_startup mode, const char *startup, const char *conn_startup)
{
	const char *want = startup_name(mode);

	if (!want)
		return true;
	return (startup && !strcmp(startup, want)) || (conn_startup && !strcmp(conn_startup, want));
}

bool adm_logoutall_match(enum adm_startup mode, const char *startup, const char *conn_startup)
{
	if (startup && !strcmp(startup, "onboot"))
		return false;
	return adm_startup_match(mode, startup, conn_startup);
}

static bool same_addr(const char *want, const char *have)
{
	char a[REC_ADDR_MAX], b[REC_ADDR_MAX];

	if (addr_normalize(want, a, sizeof(a)) < 0 || addr_normalize(have, b, sizeof(b)) < 0)
		return !strcmp(want, have);
	return !strcmp(a, b);
}

bool adm_session_match(const struct adm_session_filter *f, const struct ksys_session *s)
{
	if (f->sid != ADM_SID_ANY && f->sid != s->sid)
		return false;
	if (f->target && !iscsi_name_equal(f->target, s->target_name))
		return false;
	if (f->addr && !same_addr(f->addr, s->persistent_address))
		return false;
	if (f->port && f->port != s->persistent_port)
		return false;
	if (f->iface && strcmp(f->iface, s->iface_name))
		return false;
	return true;
}

size_t adm_sessions_of_record(const struct rec_key *k, const struct ksys_sessions *ss)
{
	struct adm_session_filter f = {
		.target = k->target, .addr = k->addr, .port = k->port, .iface = k->iface,
		.sid = ADM_SID_ANY,
	};
	size_t n = 0;

	for (size_t i = 0; i < ss->count; i++)
		n += adm_session_match(&f, &ss->items[i]);
	return n;
}

size_t adm_logins_wanted(long nr_sessions, size_t present)
{
	if (nr_sessions < 1)
		nr_sessions = 1;
	return present >= (size_t)nr_sessions ? 0 : (size_t)nr_sessions - present;
}

bool adm_target_has_session(const char *target, const struct ksys_sessions *ss)
{
	for (size_t i = 0; i < ss->count; i++)
		if (iscsi_name_equal(target, ss->items[i].target_name))
			return true;
	return false;
}

int adm_session_port(const struct ksys_session *s)
{
	return s->port ? s->port : s->persistent_port;
}

/* ---- lines ---- */

#define REC_FMT "[iface: %s, target: %s, portal: %s,%d]"
#define REC_ARGS(k) (k)->iface, (k)->target, (k)->addr, (k)->port
#define SESS_FMT "[sid: %u, target: %s, portal: %s,%d]"
#define SESS_ARGS(s) (s)->sid, (s)->target_name, (s)->persistent_address, adm_session_port(s)

void adm_fmt_login_start(char *buf, size_t size, const struct rec_key *k, bool multiple)
{
	snprintf(buf, size, "Logging in to " REC_FMT "%s", REC_ARGS(k), multiple ? " (multiple)" : "");
}

void adm_fmt_login_ok(char *buf, size_t size, const struct rec_key *k)
{
	snprintf(buf, size, "Login to " REC_FMT " successful.", REC_ARGS(k));
}

void adm_fmt_login_fail(char *buf, size_t size, const struct rec_key *k)
{
	snprintf(buf, size, "Could not login to " REC_FMT ".", REC_ARGS(k));
}

void adm_fmt_already_present(char *buf, size_t size, const char *iface, long requested,
			     size_t present)
{
	snprintf(buf, size, "%s: %ld session%s requested, but %zu already present.", iface,
		 requested, requested == 1 ? "" : "s", present);
}

void adm_fmt_logout_start(char *buf, size_t size, const struct ksys_session *s)
{
	snprintf(buf, size, "Logging out of session " SESS_FMT, SESS_ARGS(s));
}

void adm_fmt_logout_ok(char *buf, size_t size, const struct ksys_session *s)
{
	snprintf(buf, size, "Logout of " SESS_FMT " successful.", SESS_ARGS(s));
}

void adm_fmt_logout_fail(char *buf, size_t size, const struct ksys_session *s)
{
	snprintf(buf, size, "Could not logout of " SESS_FMT ".", SESS_ARGS(s));
}

void adm_fmt_rescan_start(char *buf, size_t size, const struct ksys_session *s)
{
	snprintf(buf, size, "Rescanning session " SESS_FMT, SESS_ARGS(s));
}

void adm_fmt_stats_head(char *buf, size_t size, const struct ksys_session *s)
{
	snprintf(buf, size, "Stats for session " SESS_FMT, SESS_ARGS(s));
}

void adm_fmt_initiator_error(char *buf, size_t size, int code)
{
	if (code > 0 && code <= ISCSI_ERR_SESSION_NOT_CONNECTED)
		snprintf(buf, size, "initiator reported error (%d - %s)", code,
			 iscsi_exit_str(code));
	else
		snprintf(buf, size, "initiator reported error (%d)", code);
}

/* ---- exit codes ---- */

static int first_refusal(const int *pre, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (pre[i])
			return pre[i];
	return 0;
}

int adm_login_batch_rc(const int *pre, const int *res, size_t n)
{
	int rc = first_refusal(pre, n);

	for (size_t i = 0; i < n && !rc; i++)
		if (!pre[i] && res[i])
			rc = res[i];
	return rc;
}

int adm_logout_batch_rc(const int *pre, const int *res, size_t n)
{
	int rc = first_refusal(pre, n), last = 0;
	size_t sent = 0;

	for (size_t i = 0; i < n; i++) {
		if (pre[i])
			continue;
		sent++;
		if (res[i])
			last = res[i];
	}
	if (sent == 0)
		return ISCSI_ERR_NO_OBJS_FOUND;
	return rc ? rc : last;
}
