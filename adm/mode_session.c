/* iscsiadm -m session. The listing reads only sysfs (kernel/sysfs.h),
 * so it works without iscsid as open-iscsi's does; iscsid is asked
 * (control SESSION_LIST) only at -P 1 and above, for the session state it
 * keeps itself. An iscsid that is not running, or too old to answer
 * SESSION_LIST, leaves that state "Unknown", the reference's output
 * without its daemon. -r SID -o new logs in one more session of the
 * session's record (adm/login_ops.h). */
#include "adm/mode_session.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "adm/login_ops.h"
#include "adm/msg.h"
#include "adm/print.h"
#include "adm/select.h"
#include "adm/session_ops.h"
#include "adm/session_print.h"
#include "base/exitcodes.h"
#include "base/log.h"
#include "control/client.h"
#include "kernel/sysfs.h"

/* A listing must not hang on a stuck iscsid: its answer only fills in
 * one line per session. */
#define SESSION_LIST_TIMEOUT_MS 10000
#define SID_MAX 0x7fffffffUL

static bool parse_decimal_sid(const char *s, uint32_t *sid)
{
	unsigned long v = 0;

	if (!*s || (s[0] == '0' && s[1]))
		return false;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return false;
		v = v * 10 + (unsigned long)(*s - '0');
		if (v > SID_MAX)
			return false;
	}
	*sid = (uint32_t)v;
	return true;
}

bool adm_parse_sid(const char *arg, uint32_t *sid)
{
	if (parse_decimal_sid(arg, sid))
		return true;
	if (arg[0] != '/')
		return false;
	size_t n = strlen(arg);
	while (n > 1 && arg[n - 1] == '/')
		n--;
	const char *last = arg + n;
	while (last > arg && last[-1] != '/')
		last--;
	char name[32];
	size_t len = (size_t)(arg + n - last);
	if (len < 8 || len >= sizeof(name))
		return false;
	memcpy(name, last, len);
	name[len] = '\0';
	return !strncmp(name, "session", 7) && parse_decimal_sid(name + 7, sid);
}

struct entries {
	struct ctl_session_entry *v;
	size_t n, cap;
};

static int collect_entry(const struct ctl_msg *resp, void *arg)
{
	struct entries *e = arg;

	if (resp->type != CTL_MSG_SESSION_ENTRY)
		return 0;
	if (e->n == e->cap) {
		size_t cap = e->cap ? e->cap * 2 : 16;
		void *p = reallocarray(e->v, cap, sizeof(*e->v));
		if (!p)
			return ISCSI_ERR_NOMEM;
		e->v = p;
		e->cap = cap;
	}
	e->v[e->n++] = resp->u.session_entry;
	return 0;
}

/* Fills st[i] for sessions[i] from iscsid's SESSION_LIST; everything stays
 * unknown (with one warning line) when iscsid cannot answer. */
static void ask_iscsid(const struct ksys_session *const *sessions, size_t n,
		       struct adm_iscsid_state *st)
{
	struct ctl_client *c;
	struct ctl_status cs;
	struct ctl_msg req;
	struct entries e = { 0 };

	memset(st, 0, n * sizeof(*st));
	if (ctl_connect(&c, &cs) != 0) {
		log_warn("%s: iscsid's session states are shown as Unknown", cs.text);
		return;
	}
	ctl_set_timeout(c, SESSION_LIST_TIMEOUT_MS);
	ctl_msg_init(&req, CTL_MSG_SESSION_LIST);
	int rc = ctl_call(c, &req, collect_entry, &e, &cs);
	ctl_close(c);
	if (rc != 0) {
		log_warn("iscsid did not list its sessions (%s): its session states are shown as Unknown",
			 cs.text[0] ? cs.text : iscsi_exit_str(rc));
		free(e.v);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		for (size_t j = 0; j < e.n; j++) {
			if (e.v[j].sid != sessions[i]->sid)
				continue;
			st[i].known = true;
			snprintf(st[i].state, sizeof(st[i].state), "%s", e.v[j].state);
			break;
		}
	}
	free(e.v);
}

static int print_sessions(const struct ksys_session *const *sessions, size_t n, int level)
{
	if (level == 0) {
		for (size_t i = 0; i < n; i++)
			adm_print_session_line(sessions[i]);
		return adm_flush();
	}
	struct adm_iscsid_state *st = calloc(n, sizeof(*st));
	if (!st)
		return adm_fail(ISCSI_ERR_NOMEM, "out of memory");
	ask_iscsid(sessions, n, st);
	if (level >= 3) {
		char ver[KSYS_STR_MAX];
		ksys_transport_class_version(ver, sizeof(ver));
		adm_print_session_versions(ver);
	}
	adm_print_session_tree(sessions, st, n, level);
	free(st);
	return adm_flush();
}

static int list_all(int level)
{
	struct ksys_sessions all;
	char err[256];

	if (ksys_list_sessions(&all, err, sizeof(err)) < 0)
		return adm_fail(ISCSI_ERR_SYSFS_LOOKUP, "%s", err);
	if (all.count == 0) {
		ksys_sessions_free(&all);
		return adm_fail(ISCSI_ERR_NO_OBJS_FOUND, "No active sessions.");
	}
	const struct ksys_session **v = calloc(all.count, sizeof(*v));
	if (!v) {
		ksys_sessions_free(&all);
		return adm_fail(ISCSI_ERR_NOMEM, "out of memory");
	}
	for (size_t i = 0; i < all.count; i++)
		v[i] = &all.items[i];
	int rc = print_sessions(v, all.count, level);
	free(v);
	ksys_sessions_free(&all);
	return rc;
}

struct show_ctx {
	bool secrets;
	size_t count;
};

static int show_one(const struct rec *r, void *arg)
{
	struct show_ctx *c = arg;

	adm_print_record(r, c->secrets);
	c->count++;
	return 0;
}

/* -r SID without -P: the node record the session was logged in from
 * (target, persistent portal, iface), as -m node -o show prints it. */
static int show_record(const struct ksys_session *s, bool secrets)
{
	struct recdb *db;
	struct rec_err err;
	struct show_ctx c = { .secrets = secrets };
	struct rec_filter f = rec_filter_all(REC_NODE);
	int rc;

	if ((rc = adm_db_open(&db)))
		return rc;
	f.target = s->target_name;
	f.addr = s->persistent_address;
	f.port = s->persistent_port;
	f.iface = s->iface_name;
	rc = recdb_foreach(db, &f, show_one, &c, &err);
	recdb_close(db);
	if (rc < 0)
		return adm_fail_rec(&err);
	if (c.count == 0)
		return adm_no_records();
	return adm_flush();
}

/* The session -r names: 0, or the exit code after the message. */
static int lookup_sid(const char *arg, uint32_t *sid, struct ksys_session *s)
{
	char esc[128], err[256];

	if (!adm_parse_sid(arg, sid))
		return adm_fail(ISCSI_ERR, "%s is an invalid session ID or path",
				adm_esc(esc, sizeof(esc), arg));
	int rc = ksys_get_session(*sid, s, err, sizeof(err));
	if (rc < 0)
		return adm_fail(ISCSI_ERR_SYSFS_LOOKUP, "%s", err);
	if (rc == 0)
		return 0;
	/* A path that names no session is not a session path at all. */
	if (arg[0] == '/')
		return adm_fail(ISCSI_ERR, "%s is an invalid session ID or path",
				adm_esc(esc, sizeof(esc), arg));
	log_error("could not read session targetname: %u", *sid);
	return adm_fail(ISCSI_ERR_SYSFS_LOOKUP, "Could not get session info for sid %u", *sid);
}

int adm_mode_session(const struct adm_opts *o)
{
	int level = o->print_level < 0 ? 0 : o->print_level;
	uint32_t sid = ADM_SID_ANY;
	int nops = o->logout + o->rescan + o->stats;
	bool new_session = o->ops == ADM_OP_NEW;

	if (level > 3)
		return adm_fail(ISCSI_ERR_INVAL, "Invalid info level %d. Try 0 - 3.", level);
	if ((o->ops && !new_session) || o->n_params)
		return adm_fail(ISCSI_ERR_OP_NOT_SUPP,
				"session mode: -o other than new, and -n/-v (the session's record), are not supported by this version");
	if (new_session && !o->sid)
		return adm_fail(ISCSI_ERR_INVAL,
				"session mode: Operation 'new' only allowed with specific session IDs");
	if (nops + new_session > 1)
		return adm_fail(ISCSI_ERR_INVAL,
				"session mode: give only one of --logout, --rescan, --stats and -o new");

	struct ksys_session *s = NULL;
	if (o->sid) {
		s = malloc(sizeof(*s));
		if (!s)
			return adm_fail(ISCSI_ERR_NOMEM, "out of memory");
		int rc = lookup_sid(o->sid, &sid, s);
		if (rc) {
			free(s);
			return rc;
		}
	}
	int rc;
	if (new_session)
		rc = adm_session_login_new(s, false);
	else if (o->logout)
		rc = adm_session_logout(o, sid);
	else if (o->rescan)
		rc = adm_session_rescan(o, sid);
	else if (o->stats)
		rc = adm_session_stats(o, sid);
	else if (s && o->print_level < 0)
		rc = show_record(s, o->show_secrets);
	else if (s)
		rc = print_sessions((const struct ksys_session *const *)&s, 1, level);
	else
		rc = list_all(level);
	free(s);
	return rc;
}
