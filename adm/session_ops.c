#include "adm/session_ops.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "adm/login_ops.h"
#include "adm/msg.h"
#include "adm/select.h"
#include "base/exitcodes.h"
#include "base/log.h"
#include "control/client.h"

#define LINE_MAX_LEN 1024

int adm_session_logout(const struct adm_opts *o, uint32_t sid)
{
	struct adm_session_filter f = { .sid = sid };

	(void)o;
	return adm_logout_matching(&f);
}

/* One rescan or stats request for session s over *c (connected on first
 * use). 0, or the exit code. */
typedef int (*session_fn)(struct ctl_client **c, const struct ksys_session *s);

static int connect_once(struct ctl_client **c, struct ctl_status *st)
{
	if (*c)
		return 0;
	return ctl_connect(c, st);
}

static int rescan_one(struct ctl_client **c, const struct ksys_session *s)
{
	char line[LINE_MAX_LEN];
	struct ctl_status st;
	struct ctl_msg req;

	adm_fmt_rescan_start(line, sizeof(line), s);
	adm_out_line(line);
	ctl_msg_init(&req, CTL_MSG_SESSION_RESCAN);
	req.u.session_rescan.sid = s->sid;
	if (connect_once(c, &st) == 0)
		ctl_call(*c, &req, NULL, NULL, &st);
	if (st.code == 0)
		return 0;
	if (st.text[0])
		adm_err_line(st.text);
	snprintf(line, sizeof(line), "Could not rescan session sid %u.", s->sid);
	adm_err_line(line);
	return st.code;
}

struct stats {
	struct ctl_stat *v;
	size_t n, cap;
};

static int collect_stat(const struct ctl_msg *resp, void *arg)
{
	struct stats *sv = arg;

	if (sv->n == sv->cap) {
		size_t cap = sv->cap ? sv->cap * 2 : 32;
		struct ctl_stat *v = realloc(sv->v, cap * sizeof(*v));
		if (!v)
			return ISCSI_ERR_NOMEM;
		sv->v = v;
		sv->cap = cap;
	}
	sv->v[sv->n++] = resp->u.stat;
	return 0;
}

static void print_group(const struct stats *sv, unsigned group)
{
	for (size_t i = 0; i < sv->n; i++)
		if (sv->v[i].group == group)
			printf("\t%s: %llu\n", sv->v[i].name, (unsigned long long)sv->v[i].value);
}

/* Nothing is printed unless iscsid answered: open-iscsi prints the block
 * only after a successful request. */
static int stats_one(struct ctl_client **c, const struct ksys_session *s)
{
	struct stats sv = { 0 };
	char line[LINE_MAX_LEN];
	struct ctl_status st;
	struct ctl_msg req;
	bool extended = false;

	ctl_msg_init(&req, CTL_MSG_SESSION_STATS);
	req.u.session_stats.sid = s->sid;
	if (connect_once(c, &st) == 0 && ctl_call(*c, &req, collect_stat, &sv, &st) != 0 &&
	    st.code == ISCSI_ERR_NOMEM) {
		/* collect_stat stopped reading: the connection is gone. */
		ctl_close(*c);
		*c = NULL;
	}
	if (st.code) {
		if (st.text[0])
			adm_err_line(st.text);
		free(sv.v);
		return st.code;
	}
	adm_fmt_stats_head(line, sizeof(line), s);
	printf("%s\niSCSI SNMP:\n", line);
	print_group(&sv, 0);
	for (size_t i = 0; i < sv.n; i++)
		extended |= sv.v[i].group == 1;
	if (extended) {
		printf("iSCSI Extended:\n");
		print_group(&sv, 1);
	}
	free(sv.v);
	fflush(stdout);
	return 0;
}

/* open-iscsi's for_each_session(): fn on each selected session in sid
 * order, stopping at the first failure, which is reported as such. */
static int for_each_session(const struct adm_session_filter *f, session_fn fn)
{
	struct ctl_client *c = NULL;
	struct ksys_sessions ss;
	char err[256], line[LINE_MAX_LEN];
	size_t found = 0;
	int rc = 0;

	memset(&ss, 0, sizeof(ss));
	if (ksys_list_sessions(&ss, err, sizeof(err)) < 0)
		return adm_fail(ISCSI_ERR_SYSFS_LOOKUP, "%s", err);
	for (size_t i = 0; i < ss.count && !rc; i++) {
		if (!adm_session_match(f, &ss.items[i]))
			continue;
		found++;
		rc = fn(&c, &ss.items[i]);
	}
	ctl_close(c);
	ksys_sessions_free(&ss);
	if (rc) {
		snprintf(line, sizeof(line), "Could not execute operation on all sessions: %s",
			 iscsi_exit_str(rc));
		adm_err_line(line);
	} else if (!found) {
		if (f->sid != ADM_SID_ANY)
			return adm_fail(ISCSI_ERR_SYSFS_LOOKUP,
					"Could not get session info for sid %u", f->sid);
		adm_err_line("No session found.");
		rc = ISCSI_ERR_NO_OBJS_FOUND;
	}
	return rc;
}

int adm_session_rescan(const struct adm_opts *o, uint32_t sid)
{
	struct adm_session_filter f = { .sid = sid };

	(void)o;
	return for_each_session(&f, rescan_one);
}

int adm_session_stats(const struct adm_opts *o, uint32_t sid)
{
	struct adm_session_filter f = { .sid = sid };

	(void)o;
	return for_each_session(&f, stats_one);
}

static int node_sessions(const struct adm_opts *o, session_fn fn)
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
	return for_each_session(&sf, fn);
}

int adm_node_rescan(const struct adm_opts *o)
{
	return node_sessions(o, rescan_one);
}

int adm_node_stats(const struct adm_opts *o)
{
	return node_sessions(o, stats_one);
}
