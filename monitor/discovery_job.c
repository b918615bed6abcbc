#include "monitor/discovery_job.h"

#include <stdio.h>
#include <string.h>

#include "base/log.h"
#include "discovery/apply.h"
#include "discovery/auth.h"
#include "discovery/driver.h"
#include "monitor/control_server.h"
#include "monitor/monitor.h"
#include "records/db.h"
#include "records/initiatorname.h"

/* How long an apply may wait for the database lock (iscsiadm writing):
 * the event loop waits with it, so much less than the default 10 s. */
#define APPLY_LOCK_TIMEOUT_MS 3000

_Static_assert(CTL_DISC_OP_NEW == DISC_OP_NEW && CTL_DISC_OP_DELETE == DISC_OP_DELETE &&
		       CTL_DISC_OP_UPDATE == DISC_OP_UPDATE &&
		       CTL_DISC_OP_NONPERSISTENT == DISC_OP_NONPERSISTENT,
	       "control ops and discovery/apply.h ops must be the same bits");

/* The request's comma-separated iface names, split in place in names. */
struct iface_list {
	char names[CTL_IFACES_MAX + 1];
	const char *v[CTL_IFACES_COUNT];
	size_t n;
};

static int split_ifaces(const char *joined, struct iface_list *l, char *err, size_t errlen)
{
	snprintf(l->names, sizeof(l->names), "%s", joined);
	l->n = 0;
	if (!l->names[0])
		return 0;
	for (char *save = NULL, *s = strtok_r(l->names, ",", &save); s;
	     s = strtok_r(NULL, ",", &save)) {
		if (l->n == CTL_IFACES_COUNT) {
			snprintf(err, errlen, "at most %d ifaces per discovery", CTL_IFACES_COUNT);
			return -1;
		}
		l->v[l->n++] = s;
	}
	return 0;
}

static int open_db(struct recdb **db, struct rec_err *err)
{
	if (recdb_open(NULL, db, err) < 0)
		return -1;
	recdb_set_lock_timeout(*db, APPLY_LOCK_TIMEOUT_MS);
	return 0;
}

/* Ops and ifaces checked before any connection, as iscsiadm does. */
static int check_request(struct recdb *db, const struct ctl_discovery_st *req, char *err,
			 size_t errlen)
{
	struct iface_list l;
	struct rec_err rerr = { 0 };

	if (split_ifaces(req->ifaces, &l, err, errlen) < 0)
		return ISCSI_ERR_INVAL;
	struct discovery_apply_opts o = { .ops = req->ops, .ifaces = l.v, .n_ifaces = l.n };
	int rc = discovery_apply_check(db, &o, &rerr);
	if (rc != 0)
		snprintf(err, errlen, "%s", rerr.msg);
	return rc;
}

/* open-iscsi's iscsiadm reads iscsid.conf at every discovery, so its
 * discovery.sendtargets.* defaults (CHAP among them) apply without a
 * reload; here too. The daemon's own settings change only on SIGHUP. */
static void fresh_defaults(struct monitor *m)
{
	struct iscsid_conf conf;
	struct rec_err e = { 0 };

	if (iscsid_conf_load(&conf, m->opts.config_path, &e) < 0) {
		log_warn("iscsid.conf: %s; the defaults read before stay", e.msg);
		return;
	}
	iscsid_conf_free(&m->conf);
	m->conf = conf;
}

static void *job_start(struct monitor *m, const void *reqp, struct ctl_peer *peer)
{
	const struct ctl_discovery_st *req = reqp;
	struct initiator_name iname;
	struct rec_err rerr = { 0 };
	char err[REC_ERR_MSG_MAX];
	struct chap_creds creds;
	struct recdb *db;

	if (open_db(&db, &rerr) < 0) {
		log_warn("discovery of %s refused: %s", req->portal, rerr.msg);
		ctl_peer_finish(peer, ISCSI_ERR_IDBM, "%s", rerr.msg);
		return NULL;
	}
	int rc = check_request(db, req, err, sizeof(err));
	if (rc == 0 && initiatorname_read(m->opts.initiatorname_path, &iname, &rerr) < 0) {
		log_error("discovery of %s: %s", req->portal, rerr.msg);
		recdb_close(db);
		ctl_peer_finish(peer, ISCSI_ERR_INVAL, "%s", rerr.msg);
		return NULL;
	}
	if (rc == 0) {
		fresh_defaults(m);
		rc = discovery_auth_creds(db, &m->conf, req->portal,
					  !(req->ops & CTL_DISC_OP_NONPERSISTENT), &creds, err,
					  sizeof(err));
	}
	recdb_close(db);
	if (rc != 0) {
		log_warn("discovery of %s refused: %s", req->portal, err);
		ctl_peer_finish(peer, rc, "%s", err);
		return NULL;
	}
	struct discovery_params params = {
		.creds = &creds,
		.portal = req->portal,
		.initiator_name = iname.name,
		.initiator_alias = iname.alias,
		.worker_uid = m->worker_uid,
		.worker_gid = m->worker_gid,
		.worker_root = m->empty_dir,
		.worker_program = m->opts.worker_program,
		.keep_stderr = m->opts.foreground,
	};
	discovery_timeouts(m->conf.discovery, &params.connect_timeout_ms, &params.timeout_ms);
	params.max_recv_dsl = discovery_max_recv_dsl(m->conf.discovery);
	struct discovery_run *run = discovery_run_start(&params);
	if (!run) {
		log_error("discovery of %s: out of memory", req->portal);
		ctl_peer_finish(peer, ISCSI_ERR_NOMEM, "iscsid: out of memory");
	}
	return run;
}

static void stream_keys(struct ctl_peer *peer, const struct discovery_applied *a)
{
	struct ctl_msg r;

	for (size_t i = 0; i < a->n; i++) {
		const struct rec_key *k = &a->keys[i];
		ctl_msg_init(&r, CTL_MSG_DISC_RECORD);
		struct ctl_disc_record *c = &r.u.disc_record;
		snprintf(c->target_name, sizeof(c->target_name), "%s", k->target);
		snprintf(c->address, sizeof(c->address), "%s", k->addr);
		c->port = (uint16_t)k->port;
		c->has_tpgt = k->tpgt >= 0;
		c->tpgt = k->tpgt >= 0 ? (uint16_t)k->tpgt : 0;
		snprintf(c->iface, sizeof(c->iface), "%s", k->iface);
		ctl_peer_send(peer, &r);
	}
}

/* Writes res to the database; answers peer with the records or the
 * reason it could not. */
static void apply_and_answer(struct monitor *m, const struct ctl_discovery_st *req,
			     const struct discovery_result *res, struct ctl_peer *peer)
{
	struct discovery_applied applied = { 0 };
	struct rec_err rerr = { 0 };
	struct iface_list l;
	struct recdb *db;
	char err[REC_ERR_MSG_MAX];

	if (split_ifaces(req->ifaces, &l, err, sizeof(err)) < 0) {
		ctl_peer_finish(peer, ISCSI_ERR_INVAL, "%s", err);
		return;
	}
	struct discovery_apply_opts o = { .ops = req->ops, .ifaces = l.v, .n_ifaces = l.n };
	if (open_db(&db, &rerr) < 0) {
		log_error("discovery of %s: %s", req->portal, rerr.msg);
		ctl_peer_finish(peer, ISCSI_ERR_IDBM, "%s", rerr.msg);
		return;
	}
	int rc = discovery_apply(db, &m->conf, res, &o, &applied, &rerr);
	recdb_close(db);
	if (rc != 0) {
		log_error("discovery of %s: results not written: %s", req->portal, rerr.msg);
		ctl_peer_finish(peer, rc, "%s", rerr.msg);
		return;
	}
	log_info("discovery of %s: %zu portals; %zu records created, %zu updated, %zu deleted",
		 req->portal, res->count, applied.created, applied.updated, applied.deleted);
	if (peer) {
		stream_keys(peer, &applied);
		ctl_peer_finish(peer, ISCSI_SUCCESS, "%s", "");
	}
	discovery_applied_free(&applied);
}

static void job_finish(struct monitor *m, void *run, const void *reqp, struct ctl_peer *peer)
{
	const struct ctl_discovery_st *req = reqp;
	struct discovery_result res;

	if (discovery_run_take_result(run, &res) < 0) {
		log_error("discovery of %s ended without a result", req->portal);
		ctl_peer_finish(peer, ISCSI_ERR_INTERNAL, "discovery ended without a result");
		return;
	}
	if (res.code != ISCSI_SUCCESS) {
		log_warn("discovery of %s failed: %s", req->portal, res.message);
		ctl_peer_finish(peer, res.code, "%s", res.message);
	} else {
		apply_and_answer(m, req, &res, peer);
	}
	discovery_result_free(&res);
}

static int job_fd(const void *run, short *events)
{
	return discovery_run_fd(run, events);
}

static uint64_t job_deadline(const void *run)
{
	return discovery_run_deadline(run);
}

static bool job_on_ready(void *run)
{
	return discovery_run_on_ready(run) == DISCOVERY_DONE || discovery_run_done(run);
}

static bool job_on_timeout(void *run)
{
	return discovery_run_on_timeout(run) == DISCOVERY_DONE || discovery_run_done(run);
}

static pid_t job_worker_pid(const void *run)
{
	return discovery_run_worker_pid(run);
}

static void job_free_run(void *run)
{
	discovery_run_free(run);
}

static void job_label(const void *req, char *out, size_t size)
{
	snprintf(out, size, "%s", ((const struct ctl_discovery_st *)req)->portal);
}

const struct job_ops discovery_job_ops = {
	.role = ROLE_DISCOVERY,
	.start = job_start,
	.fd = job_fd,
	.deadline = job_deadline,
	.on_ready = job_on_ready,
	.on_timeout = job_on_timeout,
	.worker_pid = job_worker_pid,
	.finish = job_finish,
	.free_run = job_free_run,
	.label = job_label,
};
