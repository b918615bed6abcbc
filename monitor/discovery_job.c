#include "monitor/discovery_job.h"

#include <stdio.h>
#include <string.h>

#include "base/log.h"
#include "discovery/driver.h"
#include "monitor/control_server.h"
#include "monitor/monitor.h"
#include "records/initiatorname.h"
#include "records/record.h"

#define DEFAULT_IFACE "default"

static void answer(struct ctl_peer *peer, int code, const char *text)
{
	if (peer)
		ctl_peer_finish(peer, code, "%s", text);
}

/* A whole-run deadline from the discovery defaults of iscsid.conf: the
 * login timeout for connect and login, plus the active timeout for the
 * answer and the logout. */
static void timeouts(const struct monitor *m, uint32_t *run_ms, uint32_t *connect_ms)
{
	long long login = 15, active = 30;

	rec_get_int(m->conf.discovery, "discovery.sendtargets.timeo.login_timeout", &login);
	rec_get_int(m->conf.discovery, "discovery.sendtargets.timeo.active_timeout", &active);
	if (login < 1)
		login = 1;
	if (active < 1)
		active = 1;
	*connect_ms = (uint32_t)(login * 1000);
	*run_ms = (uint32_t)((login + active) * 1000);
}

struct discovery_run *discovery_job_start(struct monitor *m, const struct ctl_discovery_st *req,
					  struct ctl_peer *peer)
{
	struct initiator_name iname;
	struct rec_err rerr = { 0 };

	if (initiatorname_read(m->opts.initiatorname_path, &iname, &rerr) < 0) {
		log_error("discovery of %s: %s", req->portal, rerr.msg);
		answer(peer, ISCSI_ERR_INVAL, rerr.msg);
		return NULL;
	}
	struct discovery_params params = {
		.portal = req->portal,
		.initiator_name = iname.name,
		.initiator_alias = iname.alias,
		.worker_uid = m->worker_uid,
		.worker_gid = m->worker_gid,
		.worker_root = m->empty_dir,
		.worker_program = m->opts.worker_program,
		.keep_stderr = m->opts.foreground,
	};
	timeouts(m, &params.timeout_ms, &params.connect_timeout_ms);
	struct discovery_run *run = discovery_run_start(&params);
	if (!run) {
		log_error("discovery of %s: out of memory", req->portal);
		answer(peer, ISCSI_ERR_NOMEM, "iscsid: out of memory");
	}
	return run;
}

static void stream_records(struct ctl_peer *peer, const struct discovery_result *res,
			   const char *iface)
{
	struct ctl_msg r;

	for (size_t i = 0; i < res->count; i++) {
		const struct discovery_record *d = &res->records[i];
		ctl_msg_init(&r, CTL_MSG_DISC_RECORD);
		struct ctl_disc_record *c = &r.u.disc_record;
		snprintf(c->target_name, sizeof(c->target_name), "%s", d->target_name);
		snprintf(c->address, sizeof(c->address), "%s", d->address);
		c->port = d->port;
		c->has_tpgt = d->tpgt >= 0;
		c->tpgt = d->tpgt >= 0 ? (uint16_t)d->tpgt : 0;
		snprintf(c->iface, sizeof(c->iface), "%s", iface);
		ctl_peer_send(peer, &r);
	}
}

void discovery_job_finish(struct monitor *m, struct discovery_run *run,
			  const struct ctl_discovery_st *req, struct ctl_peer *peer)
{
	struct discovery_result res;
	const char *iface = req->iface[0] ? req->iface : DEFAULT_IFACE;
	(void)m;

	if (discovery_run_take_result(run, &res) < 0) {
		answer(peer, ISCSI_ERR_INTERNAL, "discovery ended without a result");
		return;
	}
	if (res.code != ISCSI_SUCCESS) {
		log_warn("discovery of %s failed: %s", req->portal, res.message);
		answer(peer, res.code, res.message);
		discovery_result_free(&res);
		return;
	}
	log_debug(1, "discovery of %s: %zu portals", req->portal, res.count);
	if (peer) {
		stream_records(peer, &res, iface);
		answer(peer, ISCSI_SUCCESS, "");
	}
	discovery_result_free(&res);
}
