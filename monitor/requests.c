#include "monitor/requests.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "base/log.h"
#include "monitor/control_server.h"
#include "monitor/discovery_job.h"
#include "monitor/login_job.h"
#include "monitor/sessions.h"
#include "monitor/monitor.h"
#include "monitor/workers.h"

static void do_ping(struct monitor *m, struct ctl_peer *p, const struct ctl_msg *req)
{
	struct ctl_msg r;
	(void)m, (void)req;

	ctl_msg_init(&r, CTL_MSG_PONG);
	snprintf(r.u.pong.version, sizeof(r.u.pong.version), "%s", ISCSID_VERSION);
	r.u.pong.pid = (uint32_t)getpid();
	ctl_peer_send(p, &r);
	ctl_peer_finish(p, ISCSI_SUCCESS, "%s", "");
}

static void do_status(struct monitor *m, struct ctl_peer *p, const struct ctl_msg *req)
{
	struct ctl_msg r;
	(void)req;

	ctl_msg_init(&r, CTL_MSG_DAEMON_INFO);
	struct ctl_daemon_info *d = &r.u.daemon_info;
	snprintf(d->version, sizeof(d->version), "%s", ISCSID_VERSION);
	d->pid = (uint32_t)getpid();
	d->uptime_ms = (uint64_t)(loop_now_ms() - m->started_ms);
	d->max_workers = m->settings.max_workers;
	d->live_workers = workers_live(m);
	d->queued_jobs = workers_queued(m);
	d->clients = ctl_server_clients(m);
	d->debug_level = (uint32_t)log_debug_level();
	snprintf(d->control_group, sizeof(d->control_group), "%s", m->settings.control_group);
	ctl_peer_send(p, &r);
	workers_describe(m, p);
	ctl_peer_finish(p, ISCSI_SUCCESS, "%s", "");
}

static void do_stop(struct monitor *m, struct ctl_peer *p, const struct ctl_msg *req)
{
	(void)req;
	ctl_peer_finish(p, ISCSI_SUCCESS, "%s", "");
	monitor_request_stop(m, "stop requested over the control socket");
}

static void do_discovery(struct monitor *m, struct ctl_peer *p, const struct ctl_msg *req)
{
	workers_submit(m, p, &discovery_job_ops, &req->u.discovery_st, sizeof(req->u.discovery_st));
}

static void do_login(struct monitor *m, struct ctl_peer *p, const struct ctl_msg *req)
{
	login_job_submit(m, p, &req->u.login);
}

static void do_logout(struct monitor *m, struct ctl_peer *p, const struct ctl_msg *req)
{
	sessions_logout(m, p, req->u.logout.sid);
}

static void do_rescan(struct monitor *m, struct ctl_peer *p, const struct ctl_msg *req)
{
	sessions_rescan(m, p, req->u.session_rescan.sid);
}

static void do_stats(struct monitor *m, struct ctl_peer *p, const struct ctl_msg *req)
{
	sessions_stats(m, p, req->u.session_stats.sid);
}

static void do_session_list(struct monitor *m, struct ctl_peer *p, const struct ctl_msg *req)
{
	(void)req;
	sessions_list(m, p);
}

typedef void (*request_fn)(struct monitor *m, struct ctl_peer *p, const struct ctl_msg *req);

/* Indexed by the control table's dense index; a request without an entry
 * is answered "not supported". */
static const request_fn handlers[CTL_TYPE_COUNT] = {
	[CTL_IDX_PING] = do_ping,
	[CTL_IDX_DISCOVERY_ST] = do_discovery,
	[CTL_IDX_DAEMON_STATUS] = do_status,
	[CTL_IDX_DAEMON_STOP] = do_stop,
	[CTL_IDX_LOGIN] = do_login,
	[CTL_IDX_LOGOUT] = do_logout,
	[CTL_IDX_SESSION_RESCAN] = do_rescan,
	[CTL_IDX_SESSION_STATS] = do_stats,
	[CTL_IDX_SESSION_LIST] = do_session_list,
};

void request_dispatch(struct monitor *m, struct ctl_peer *p, const struct ctl_msg *req)
{
	for (size_t i = 0; i < CTL_TYPE_COUNT; i++) {
		if (ctl_type_at(i)->type == req->type && handlers[i]) {
			handlers[i](m, p, req);
			return;
		}
	}
	ctl_peer_finish(p, ISCSI_ERR_OP_NOT_SUPP, "%s is not supported by this iscsid",
			ctl_type_name(req->type));
}
