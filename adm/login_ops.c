#include "adm/login_ops.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "adm/msg.h"
#include "adm/ops_batch.h"
#include "adm/select.h"
#include "base/exitcodes.h"
#include "base/log.h"
#include "control/client.h"
#include "records/db.h"

#define LINE_MAX_LEN 1024

void adm_out_line(const char *line)
{
	printf("%s\n", line);
	fflush(stdout);
}

void adm_err_line(const char *line)
{
	fflush(stdout);
	log_error("%s", line);
}

/* The "initiator reported error" line, then iscsid's own reason when it
 * gave one (open-iscsi's iscsid has none to give; ours says what failed). */
void adm_report_error(const struct ctl_status *st)
{
	char line[LINE_MAX_LEN];

	adm_fmt_initiator_error(line, sizeof(line), st->code);
	adm_err_line(line);
	if (st->text[0])
		adm_err_line(st->text);
}

/* ---- reading what to log in ---- */

struct login_item {
	struct rec_key key;
	long nr_sessions;
	bool leading;
	char startup[16], conn_startup[16];
};

struct items {
	struct login_item *v;
	size_t n, cap;
};

static int collect_item(const struct rec *r, void *arg)
{
	struct items *it = arg;
	long long nr = 1;

	if (it->n == it->cap) {
		size_t cap = it->cap ? it->cap * 2 : 32;
		struct login_item *v = realloc(it->v, cap * sizeof(*v));
		if (!v)
			return ISCSI_ERR_NOMEM;
		it->v = v;
		it->cap = cap;
	}
	struct login_item *li = &it->v[it->n++];
	memset(li, 0, sizeof(*li));
	rec_key_of(r, &li->key);
	if (rec_get_int(r, "node.session.nr_sessions", &nr) < 0 || nr < 1)
		nr = 1;
	li->nr_sessions = (long)nr;
	const char *lead = rec_get(r, "node.leading_login");
	li->leading = lead && !strcmp(lead, "Yes");
	snprintf(li->startup, sizeof(li->startup), "%s", rec_get(r, "node.startup") ?: "");
	snprintf(li->conn_startup, sizeof(li->conn_startup), "%s",
		 rec_get(r, "node.conn[0].startup") ?: "");
	return 0;
}

static int read_items(struct recdb *db, const struct rec_filter *f, struct items *it)
{
	struct rec_err err;
	int rc = recdb_foreach(db, f, collect_item, it, &err);

	if (rc < 0)
		return adm_fail_rec(&err);
	if (rc > 0)
		return adm_fail(rc, "out of memory");
	return 0;
}

static int read_sessions(struct ksys_sessions *ss)
{
	char err[256];

	memset(ss, 0, sizeof(*ss));
	if (ksys_list_sessions(ss, err, sizeof(err)) < 0)
		return adm_fail(ISCSI_ERR_SYSFS_LOOKUP, "%s", err);
	return 0;
}

/* ---- logging in ---- */

struct login_run {
	struct login_item **sent;       /* the record of each call */
	struct adm_call *calls;
	size_t n, printed;
	bool no_wait;
};

static void login_result(const struct login_run *run, size_t i)
{
	const struct adm_call *c = &run->calls[i];
	const struct rec_key *k = &run->sent[i]->key;
	char line[LINE_MAX_LEN];

	if (c->st.code) {
		adm_fmt_login_fail(line, sizeof(line), k);
		adm_err_line(line);
		adm_report_error(&c->st);
	} else if (!run->no_wait) {
		adm_fmt_login_ok(line, sizeof(line), k);
		adm_out_line(line);
	}
}

/* Results in request order, each as soon as every one before it is in,
 * as open-iscsi prints them while it waits for each in turn. */
static void login_done(struct adm_call *calls, size_t i, void *arg)
{
	struct login_run *run = arg;

	(void)calls;
	(void)i;
	while (run->printed < run->n && run->calls[run->printed].done)
		login_result(run, run->printed++);
}

static void fill_login(struct ctl_msg *m, const struct rec_key *k, bool no_wait, bool one_more)
{
	ctl_msg_init(m, CTL_MSG_LOGIN);
	snprintf(m->u.login.target_name, sizeof(m->u.login.target_name), "%s", k->target);
	snprintf(m->u.login.address, sizeof(m->u.login.address), "%s", k->addr);
	m->u.login.port = (uint16_t)k->port;
	snprintf(m->u.login.iface, sizeof(m->u.login.iface), "%s", k->iface);
	m->u.login.flags = (no_wait ? CTL_LOGIN_F_NO_WAIT : 0) | (one_more ? CTL_LOGIN_F_NEW : 0);
}

/* open-iscsi's iscsi_login_portals(): per record in order, either the
 * "already present" refusal or a "Logging in to" line and a request for
 * each session it lacks of its nr_sessions (one_more: exactly one, what
 * ever it has: -m session -r SID -o new); then the results in request
 * order. iscsid decides again (monitor/login_admit.h), so that iscsiadm
 * calls at the same time never make more. Returns the batch's exit code
 * (adm_login_batch_rc, a record failing with its first failed request). */
static int login_items(struct login_item **list, size_t n, const struct ksys_sessions *ss,
		       bool no_wait, bool one_more)
{
	size_t m = n ? n : 1, ncalls = 0;
	int *pre = calloc(m, sizeof(*pre)), *res = calloc(m, sizeof(*res));
	size_t *want = calloc(m, sizeof(*want)), *present = calloc(m, sizeof(*present));
	size_t *first_call = calloc(m, sizeof(*first_call));
	struct login_item **sent = NULL;
	struct adm_call *calls = NULL;
	struct login_run run = { .no_wait = no_wait };
	struct ctl_client *first = NULL;
	struct ctl_status cst;
	char line[LINE_MAX_LEN];
	int rc;

	if (!pre || !res || !want || !present || !first_call)
		goto nomem;
	for (size_t i = 0; i < n; i++) {
		present[i] = adm_sessions_of_record(&list[i]->key, ss);
		want[i] = one_more ? 1 : adm_logins_wanted(list[i]->nr_sessions, present[i]);
		ncalls += want[i];
	}
	sent = calloc(ncalls ? ncalls : 1, sizeof(*sent));
	calls = calloc(ncalls ? ncalls : 1, sizeof(*calls));
	if (!sent || !calls)
		goto nomem;
	run.sent = sent;
	run.calls = calls;
	int conn = ctl_connect(&first, &cst);
	for (size_t i = 0; i < n; i++) {
		const struct login_item *li = list[i];
		bool multiple = one_more || li->nr_sessions > 1;

		first_call[i] = run.n;
		if (want[i] == 0) {
			adm_fmt_already_present(line, sizeof(line), li->key.iface, li->nr_sessions,
						present[i]);
			adm_err_line(line);
			pre[i] = ISCSI_ERR_SESS_EXISTS;
			continue;
		}
		for (size_t j = 0; j < want[i]; j++) {
			adm_fmt_login_start(line, sizeof(line), &li->key, multiple);
			adm_out_line(line);
			if (conn) {
				/* iscsid unreachable: every login fails on the spot. */
				adm_err_line(cst.text);
				adm_fmt_login_fail(line, sizeof(line), &li->key);
				adm_err_line(line);
				adm_fmt_initiator_error(line, sizeof(line), conn);
				adm_err_line(line);
				pre[i] = conn;
				continue;
			}
			fill_login(&calls[run.n].req, &li->key, no_wait, one_more);
			sent[run.n++] = list[i];
		}
	}
	adm_batch_run(calls, run.n, ADM_BATCH_WINDOW, first, login_done, &run);
	first = NULL;
	for (size_t i = 0; i < n; i++) {
		size_t end = i + 1 < n ? first_call[i + 1] : run.n;
		for (size_t c = first_call[i]; c < end && !pre[i] && !res[i]; c++)
			res[i] = calls[c].st.code;
	}
	rc = adm_login_batch_rc(pre, res, n);
	goto out;
nomem:
	rc = adm_fail(ISCSI_ERR_NOMEM, "out of memory");
out:
	ctl_close(first);
	free(pre);
	free(res);
	free(want);
	free(present);
	free(first_call);
	free(sent);
	free(calls);
	return rc;
}

int adm_node_login(const struct adm_opts *o)
{
	struct items it = { 0 };
	struct ksys_sessions ss = { 0 };
	struct login_item **list = NULL;
	struct rec_filter f;
	struct recdb *db;
	struct portal p;
	int rc;

	if ((rc = adm_node_filter(o, &f, &p)) || (rc = adm_db_open(&db)))
		return rc;
	rc = read_items(db, &f, &it);
	recdb_close(db);
	if (rc)
		goto out;
	if (it.n == 0) {
		rc = adm_no_records();
		goto out;
	}
	if ((rc = read_sessions(&ss)))
		goto out;
	list = calloc(it.n, sizeof(*list));
	if (!list) {
		rc = adm_fail(ISCSI_ERR_NOMEM, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < it.n; i++)
		list[i] = &it.v[i];
	rc = login_items(list, it.n, &ss, o->no_wait, false);
	if (rc)
		adm_err_line("Could not log into all portals");
out:
	free(list);
	free(it.v);
	ksys_sessions_free(&ss);
	return rc;
}

int adm_session_login_new(const struct ksys_session *s, bool no_wait)
{
	struct rec_filter f = rec_filter_all(REC_NODE);
	struct ksys_sessions none = { 0 };
	struct login_item **list = NULL;
	struct items it = { 0 };
	struct recdb *db;
	int rc;

	f.target = s->target_name;
	f.addr = s->persistent_address;
	f.port = s->persistent_port;
	f.iface = s->iface_name[0] ? s->iface_name : "default";
	if ((rc = adm_db_open(&db)))
		return rc;
	rc = read_items(db, &f, &it);
	recdb_close(db);
	if (rc)
		goto out;
	if (it.n == 0) {
		rc = adm_no_records();
		goto out;
	}
	list = calloc(it.n, sizeof(*list));
	if (!list) {
		rc = adm_fail(ISCSI_ERR_NOMEM, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < it.n; i++)
		list[i] = &it.v[i];
	rc = login_items(list, it.n, &none, no_wait, true);
	if (rc)
		adm_err_line("Could not log into all portals");
out:
	free(list);
	free(it.v);
	return rc;
}

static int invalid_all(const char *what, const char *arg)
{
	char esc[128];

	adm_fail(ISCSI_ERR_INVAL, "Invalid %s option %s.", what,
		 adm_esc(esc, sizeof(esc), arg ? arg : "(null)"));
	fprintf(stderr, "Try `iscsiadm --help' for more information.\n");
	return ISCSI_ERR_INVAL;
}

/* Leading-login records: one session per target is enough. Each iface
 * in turn logs in the records of that iface whose target has no session
 * yet; afterwards every such target must have one. */
static int leading_logins(struct login_item **lead, size_t n, bool no_wait)
{
	struct rec_filter f = rec_filter_all(REC_IFACE);
	struct login_item **todo = calloc(n, sizeof(*todo));
	struct rec_key *ifaces = NULL;
	struct ksys_sessions ss = { 0 };
	struct recdb *db = NULL;
	struct rec_err err;
	size_t nif = 0, missed = 0;
	int rc = 0;

	if (!todo)
		return adm_fail(ISCSI_ERR_NOMEM, "out of memory");
	if ((rc = adm_db_open(&db)))
		goto out;
	if (recdb_list(db, &f, &ifaces, &nif, &err) < 0) {
		rc = adm_fail_rec(&err);
		goto out;
	}
	for (size_t k = 0; k < nif; k++) {
		size_t m = 0;

		if ((rc = read_sessions(&ss)))
			goto out;
		for (size_t i = 0; i < n; i++)
			if (!strcmp(lead[i]->key.iface, ifaces[k].iface) &&
			    !adm_target_has_session(lead[i]->key.target, &ss))
				todo[m++] = lead[i];
		if (m && login_items(todo, m, &ss, no_wait, false)) {
			char line[LINE_MAX_LEN];
			snprintf(line, sizeof(line),
				 "Could not log into all portals on %s, trying next interface",
				 ifaces[k].iface);
			adm_err_line(line);
		}
		ksys_sessions_free(&ss);
	}
	if ((rc = read_sessions(&ss)))
		goto out;
	for (size_t i = 0; i < n; i++)
		missed += !adm_target_has_session(lead[i]->key.target, &ss);
	if (missed) {
		adm_err_line("Could not login all leading-login portals");
		rc = ISCSI_ERR_FATAL_LOGIN;
	}
out:
	ksys_sessions_free(&ss);
	if (db)
		recdb_close(db);
	free(ifaces);
	free(todo);
	return rc;
}

int adm_node_loginall(const struct adm_opts *o)
{
	struct rec_filter f = rec_filter_all(REC_NODE);
	struct items it = { 0 };
	struct ksys_sessions ss = { 0 };
	struct login_item **normal = NULL, **lead = NULL;
	size_t nn = 0, nl = 0;
	enum adm_startup mode;
	struct recdb *db;
	int rc, err;

	if (adm_startup_parse(o->loginall, false, &mode) < 0)
		return invalid_all("loginall", o->loginall);
	if ((rc = adm_db_open(&db)))
		return rc;
	rc = read_items(db, &f, &it);
	recdb_close(db);
	if (rc)
		return rc;
	normal = calloc(it.n ? it.n : 1, sizeof(*normal));
	lead = calloc(it.n ? it.n : 1, sizeof(*lead));
	if (!normal || !lead) {
		rc = adm_fail(ISCSI_ERR_NOMEM, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < it.n; i++) {
		struct login_item *li = &it.v[i];
		if (!adm_startup_match(mode, li->startup, li->conn_startup))
			continue;
		if (li->leading)
			lead[nl++] = li;
		else
			normal[nn++] = li;
	}
	if (nn + nl == 0) {
		rc = adm_no_records();
		goto out;
	}
	if (nn) {
		if ((rc = read_sessions(&ss)))
			goto out;
		rc = login_items(normal, nn, &ss, o->no_wait, false);
		if (rc)
			adm_err_line("Could not log into all portals");
	}
	if (nl && (err = leading_logins(lead, nl, o->no_wait)) && !rc)
		rc = err;
out:
	free(normal);
	free(lead);
	free(it.v);
	ksys_sessions_free(&ss);
	return rc;
}
