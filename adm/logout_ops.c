/* The logout half of adm/login_ops.h: sessions found in sysfs, LOGOUT by
 * sid to iscsid, in parallel, results in sid order. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "adm/login_ops.h"
#include "adm/msg.h"
#include "adm/ops_batch.h"
#include "adm/select.h"
#include "base/exitcodes.h"
#include "control/client.h"
#include "records/db.h"

#define LINE_MAX_LEN 1024

struct logout_run {
	const struct ksys_session **sent;
	struct adm_call *calls;
	size_t n, printed;
};

static void logout_done(struct adm_call *calls, size_t i, void *arg)
{
	struct logout_run *run = arg;
	char line[LINE_MAX_LEN];

	(void)calls;
	(void)i;
	while (run->printed < run->n && run->calls[run->printed].done) {
		const struct adm_call *c = &run->calls[run->printed];
		const struct ksys_session *s = run->sent[run->printed++];

		if (c->st.code) {
			adm_fmt_logout_fail(line, sizeof(line), s);
			adm_err_line(line);
			adm_report_error(&c->st);
		} else {
			adm_fmt_logout_ok(line, sizeof(line), s);
			adm_out_line(line);
		}
	}
}

/* open-iscsi's iscsi_logout_portals() over the sessions picked in
 * chosen[]: "Logging out of session" and a request for each, then the
 * results. No session chosen, or none whose request could be sent, is
 * "No matching sessions found". */
static int logout_sessions(const struct ksys_session **chosen, size_t n)
{
	int *pre = calloc(n ? n : 1, sizeof(*pre)), *res = calloc(n ? n : 1, sizeof(*res));
	size_t *slot_of = calloc(n ? n : 1, sizeof(*slot_of));
	const struct ksys_session **sent = calloc(n ? n : 1, sizeof(*sent));
	struct adm_call *calls = calloc(n ? n : 1, sizeof(*calls));
	struct logout_run run = { .sent = sent, .calls = calls };
	struct ctl_client *first = NULL;
	struct ctl_status cst;
	char line[LINE_MAX_LEN];
	int rc;

	if (!pre || !res || !slot_of || !sent || !calls) {
		rc = adm_fail(ISCSI_ERR_NOMEM, "out of memory");
		goto out;
	}
	if (n == 0) {
		rc = ISCSI_ERR_NO_OBJS_FOUND;
		goto out;
	}
	int conn = ctl_connect(&first, &cst);
	for (size_t i = 0; i < n; i++) {
		adm_fmt_logout_start(line, sizeof(line), chosen[i]);
		adm_out_line(line);
		if (conn) {
			adm_err_line(cst.text);
			adm_fmt_logout_fail(line, sizeof(line), chosen[i]);
			adm_err_line(line);
			adm_fmt_initiator_error(line, sizeof(line), conn);
			adm_err_line(line);
			pre[i] = conn;
			continue;
		}
		ctl_msg_init(&calls[run.n].req, CTL_MSG_LOGOUT);
		calls[run.n].req.u.logout.sid = chosen[i]->sid;
		sent[run.n] = chosen[i];
		slot_of[i] = run.n++;
	}
	adm_batch_run(calls, run.n, ADM_BATCH_WINDOW, first, logout_done, &run);
	first = NULL;
	for (size_t i = 0; i < n; i++)
		res[i] = pre[i] ? 0 : calls[slot_of[i]].st.code;
	rc = adm_logout_batch_rc(pre, res, n);
	if (rc && rc != ISCSI_ERR_NO_OBJS_FOUND)
		adm_err_line("Could not logout of all requested sessions");
out:
	ctl_close(first);
	free(pre);
	free(res);
	free(slot_of);
	free(sent);
	free(calls);
	return rc;
}

static int read_sessions(struct ksys_sessions *ss)
{
	char err[256];

	memset(ss, 0, sizeof(*ss));
	if (ksys_list_sessions(ss, err, sizeof(err)) < 0) {
		adm_err_line(err);
		adm_err_line("Could not read session info.");
		return ISCSI_ERR_SYSFS_LOOKUP;
	}
	return 0;
}

static int no_matching(int rc)
{
	if (rc == ISCSI_ERR_NO_OBJS_FOUND)
		adm_err_line("No matching sessions found");
	return rc;
}

int adm_logout_matching(const struct adm_session_filter *f)
{
	struct ksys_sessions ss;
	const struct ksys_session **chosen;
	size_t n = 0;
	int rc;

	if ((rc = read_sessions(&ss)))
		return rc;
	chosen = calloc(ss.count ? ss.count : 1, sizeof(*chosen));
	if (!chosen) {
		ksys_sessions_free(&ss);
		return adm_fail(ISCSI_ERR_NOMEM, "out of memory");
	}
	for (size_t i = 0; i < ss.count; i++)
		if (adm_session_match(f, &ss.items[i]))
			chosen[n++] = &ss.items[i];
	rc = logout_sessions(chosen, n);
	free(chosen);
	ksys_sessions_free(&ss);
	return no_matching(rc);
}

int adm_node_logout(const struct adm_opts *o)
{
	struct adm_session_filter sf = { .sid = ADM_SID_ANY };
	struct rec_filter f;
	struct portal p;
	int rc;

	if ((rc = adm_node_filter(o, &f, &p)))
		return rc;
	sf.target = f.target;
	sf.addr = f.addr;
	sf.port = f.port;
	sf.iface = f.iface;
	return adm_logout_matching(&sf);
}

/* The record a session was logged in from: same target, portal and iface,
 * the session's TPGT, else a record stored without one (open-iscsi falls
 * back to such a record too). 0 found, 1 none, or an exit code. */
static int record_of(struct recdb *db, const struct ksys_session *s, char *startup,
		     char *conn_startup, size_t size)
{
	struct rec_filter f = rec_filter_all(REC_NODE);
	struct rec_key *keys = NULL, *pick = NULL;
	struct rec *r = NULL;
	struct rec_err err;
	size_t n = 0;

	f.target = s->target_name;
	f.addr = s->persistent_address;
	f.port = s->persistent_port;
	f.iface = s->iface_name;
	if (recdb_list(db, &f, &keys, &n, &err) < 0)
		return adm_fail_rec(&err);
	for (size_t i = 0; i < n && !pick; i++)
		if (keys[i].tpgt == s->tpgt)
			pick = &keys[i];
	for (size_t i = 0; i < n && !pick; i++)
		if (keys[i].tpgt == REC_TPGT_NONE)
			pick = &keys[i];
	int rc = 1;
	if (pick && recdb_get(db, pick, &r, &err) == 0) {
		snprintf(startup, size, "%s", rec_get(r, "node.startup") ?: "");
		snprintf(conn_startup, size, "%s", rec_get(r, "node.conn[0].startup") ?: "");
		rc = 0;
	}
	rec_free(r);
	free(keys);
	return rc;
}

int adm_node_logoutall(const struct adm_opts *o)
{
	const struct ksys_session **chosen = NULL;
	struct ksys_sessions ss;
	enum adm_startup mode;
	struct recdb *db;
	size_t n = 0;
	int rc;

	if (adm_startup_parse(o->logoutall, true, &mode) < 0) {
		char esc[128];
		adm_fail(ISCSI_ERR_INVAL, "Invalid logoutall option %s.",
			 adm_esc(esc, sizeof(esc), o->logoutall ? o->logoutall : "(null)"));
		fprintf(stderr, "Try `iscsiadm --help' for more information.\n");
		return ISCSI_ERR_INVAL;
	}
	if ((rc = read_sessions(&ss)))
		return rc;
	if ((rc = adm_db_open(&db))) {
		ksys_sessions_free(&ss);
		return rc;
	}
	chosen = calloc(ss.count ? ss.count : 1, sizeof(*chosen));
	if (!chosen)
		rc = adm_fail(ISCSI_ERR_NOMEM, "out of memory");
	for (size_t i = 0; chosen && i < ss.count && !rc; i++) {
		char st[16], cst[16];
		int found = record_of(db, &ss.items[i], st, cst, sizeof(st));

		if (found > 1)
			rc = found;
		else if (found == 0 && adm_logoutall_match(mode, st, cst))
			chosen[n++] = &ss.items[i];
	}
	recdb_close(db);
	if (!rc)
		rc = no_matching(logout_sessions(chosen, n));
	free(chosen);
	ksys_sessions_free(&ss);
	return rc;
}
