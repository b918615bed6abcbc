#include "monitor/login_job.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "auth/chap_holder.h"
#include "base/log.h"
#include "kernel/iscsi_nl.h"
#include "login/driver.h"
#include "login/retry.h"
#include "monitor/control_server.h"
#include "monitor/kernel_link.h"
#include "monitor/login_admit.h"
#include "monitor/login_prepare.h"
#include "monitor/monitor.h"
#include "monitor/scan.h"
#include "monitor/session_setup.h"
#include "monitor/sessions.h"
#include "monitor/workers.h"
#include "proto/names.h"

struct login_job {
	struct monitor *m;
	struct ctl_login req;
	struct rec *node;
	struct login_retry *run;
	struct login_prep prep;
	uint16_t tsih;                  /* the target's, from the login */
	uint32_t time2wait;             /* negotiated DefaultTime2Wait */
};

/* The audit record of a login's end. */
static void audit_login(const struct ctl_login *req, const struct chap_summary *auth, int sid,
			int code, const char *reason)
{
	login_prepare_audit(req->target_name, req->address, req->port, req->iface, auth, sid, code,
			    reason);
}

static void *job_start(struct monitor *m, const void *reqp, struct ctl_peer *peer)
{
	const struct ctl_login *req = reqp;
	char err[1024];         /* room for any record error and names; the answer is cut to one line */

	long long t0 = loop_now_ms();
	struct login_job *lj = calloc(1, sizeof(*lj));
	if (!lj) {
		ctl_peer_finish(peer, ISCSI_ERR_NOMEM, "iscsid: out of memory");
		login_admit_job_ended(m);
		return NULL;
	}
	lj->m = m;
	lj->req = *req;
	int rc = login_prepare_load_node(req->target_name, req->address, req->port, req->iface,
					 &lj->node, err, sizeof(err));
	if (rc == 0)
		rc = login_prepare(m, lj->node, login_prepare_new_isid_qualifier(m, req->target_name), &lj->prep, err,
				   sizeof(err));
	struct login_retry_policy policy;
	if (rc == 0)
		rc = login_retry_policy_from_record(lj->node, LOGIN_RETRY_INITIAL, login_now_ms(),
						    &policy, err, sizeof(err));
	if (rc == 0) {
		struct login_params params;
		login_prepare_params(m, lj->node, &lj->prep, req->address, req->port, &params);
		long long t1 = loop_now_ms();
		/* The attempts take the secrets and wipe ours. */
		lj->run = login_retry_start(&params, &policy);
		log_debug(2, "login of %s: record and offer %lld ms, connect started in %lld ms",
			  req->target_name, t1 - t0, loop_now_ms() - t1);
		if (!lj->run) {
			snprintf(err, sizeof(err), "iscsid: out of memory");
			rc = ISCSI_ERR_NOMEM;
		}
	}
	if (rc != 0) {
		log_warn("login to %s at %s,%u: %s", req->target_name, req->address, req->port, err);
		audit_login(req, NULL, -1, rc, err);
		ctl_peer_finish(peer, rc, "%s", err);
		chap_creds_wipe(&lj->prep.creds);
		rec_free(lj->node);
		free(lj);
		login_admit_job_ended(m);
		return NULL;
	}
	return lj;
}

static void send_entry(struct ctl_peer *p, uint32_t sid, const char *target)
{
	struct ctl_msg r;

	ctl_msg_init(&r, CTL_MSG_SESSION_ENTRY);
	r.u.session_entry.sid = sid;
	snprintf(r.u.session_entry.state, sizeof(r.u.session_entry.state), "NO CHANGE");
	snprintf(r.u.session_entry.target_name, sizeof(r.u.session_entry.target_name), "%s",
		 target);
	ctl_peer_send(p, &r);
}

/* Logged in and handed over: register, scan, answer. */
static void session_up(struct login_job *lj, const struct session_made *ms,
		       struct ctl_peer *peer)
{
	struct monitor *m = lj->m;
	struct msession *s = sessions_add(m, ms->sid, ms->cid, ms->host_no);

	if (s) {
		snprintf(s->target_name, sizeof(s->target_name), "%s", lj->req.target_name);
		snprintf(s->address, sizeof(s->address), "%s", lj->req.address);
		s->port = lj->req.port;
		snprintf(s->iface, sizeof(s->iface), "%s", lj->req.iface);
		memcpy(s->isid, lj->prep.offer.isid, sizeof(s->isid));
		s->isid_known = true;
		s->tsih = lj->tsih;
		s->time2wait_s = (int)lj->time2wait;
		long long tpgt, lt;
		s->tpgt = rec_get_int(lj->node, "node.tpgt", &tpgt) == 0 ? (int)tpgt : -1;
		if (rec_get_int(lj->node, "node.conn[0].timeo.logout_timeout", &lt) == 0 && lt > 0 &&
		    lt <= 3600)
			s->logout_timeout_s = (unsigned)lt;
	}
	log_info("session %u to %s at %s,%u (iface %s) logged in; host%u", ms->sid,
		 lj->req.target_name, lj->req.address, lj->req.port, lj->req.iface, ms->host_no);
	if (peer)
		send_entry(peer, ms->sid, lj->req.target_name);
	const char *scan = rec_get(lj->node, "node.session.scan");
	if (scan && strcmp(scan, "manual") == 0) {
		ctl_peer_finish(peer, ISCSI_SUCCESS, "%s", "");
		return;
	}
	bool wait = !(lj->req.flags & CTL_LOGIN_F_NO_WAIT);
	if (scan_start(m, ms->host_no, ms->sid, wait ? peer : NULL, 0) == 0) {
		if (!wait)
			ctl_peer_finish(peer, ISCSI_SUCCESS, "%s", "");
		return;
	}
	log_warn("session %u: could not start the LUN scan", ms->sid);
	ctl_peer_finish(peer, ISCSI_SUCCESS, "%s", "");
}

static void job_finish(struct monitor *m, void *run, const void *reqp, struct ctl_peer *peer)
{
	struct login_job *lj = run;
	const struct ctl_login *req = reqp;
	const struct login_run_result *res = login_retry_result(lj->run);
	char err[256];

	login_admit_job_ended(m);
	if (!res) {
		audit_login(req, NULL, -1, ISCSI_ERR_INTERNAL, "login ended without a result");
		ctl_peer_finish(peer, ISCSI_ERR_INTERNAL, "login ended without a result");
		return;
	}
	if (res->code != ISCSI_SUCCESS) {
		log_warn("login to %s at %s,%u failed: %s", req->target_name, req->address,
			 req->port, res->message);
		audit_login(req, &res->auth, -1,
			    res->code == ISCSI_ERR_TRANS ? ISCSI_ERR_TRANS_TIMEOUT : res->code,
			    res->message);
		/* open-iscsi reports a portal it could not reach or lost during
		 * the login as 8 ("connection timed out") once its login
		 * attempts are used up; scripts test for that code. The line
		 * still says what happened (refused, reset, no route). */
		ctl_peer_finish(peer, res->code == ISCSI_ERR_TRANS ? ISCSI_ERR_TRANS_TIMEOUT : res->code,
				"%s", res->message);
		return;
	}
	/* The driver decided the authentication from the record's
	 * credentials; the offer kept for the kernel says what was done. */
	lj->prep.offer.auth = res->auth.mode;
	lj->tsih = res->neg.tsih;
	lj->time2wait = res->neg.params.time2wait;
	int fd = login_retry_take_socket(lj->run);
	struct kern *k = kernel_link(m, err, sizeof(err));
	struct session_setup setup = {
		.node = lj->node,
		.offer = &lj->prep.offer,
		.neg = &res->neg,
		.address = req->address,
		.port = req->port,
		.sockfd = fd,
	};
	struct session_made ms;
	long long t0 = loop_now_ms();
	int rc = !k ? ISCSI_ERR_TRANS_NOT_FOUND
		    : session_setup(k, &setup, &ms, err, sizeof(err)) < 0 ? ISCSI_ERR_INTERNAL : 0;
	/* The kernel holds its own reference to the socket now (or the
	 * setup failed and the connection is to be dropped). */
	if (fd >= 0)
		close(fd);
	if (rc != 0) {
		log_error("login to %s at %s,%u: %s", req->target_name, req->address, req->port,
			  err);
		audit_login(req, &res->auth, -1, rc, err);
		ctl_peer_finish(peer, rc, "%s", err);
		return;
	}
	audit_login(req, &res->auth, (int)ms.sid, ISCSI_SUCCESS, NULL);
	log_debug(2, "session %u: handed to the kernel in %lld ms", ms.sid, loop_now_ms() - t0);
	session_up(lj, &ms, peer);
}

static int job_fd(const void *run, short *events)
{
	return login_retry_fd(((const struct login_job *)run)->run, events);
}

static bool job_waiting(const void *run)
{
	return !login_retry_done(((const struct login_job *)run)->run);
}

static uint64_t job_deadline(const void *run)
{
	return login_retry_deadline(((const struct login_job *)run)->run);
}

static bool job_on_ready(void *run)
{
	struct login_retry *r = ((struct login_job *)run)->run;
	return login_retry_on_ready(r) == LOGIN_RUN_DONE || login_retry_done(r);
}

static bool job_on_timeout(void *run)
{
	struct login_retry *r = ((struct login_job *)run)->run;
	return login_retry_on_timeout(r) == LOGIN_RUN_DONE || login_retry_done(r);
}

static pid_t job_worker_pid(const void *run)
{
	return login_retry_worker_pid(((const struct login_job *)run)->run);
}

static void job_free_run(void *run)
{
	struct login_job *lj = run;

	login_retry_free(lj->run);
	chap_creds_wipe(&lj->prep.creds);
	rec_free(lj->node);
	free(lj);
}

static void job_label(const void *reqp, char *out, size_t size)
{
	const struct ctl_login *req = reqp;
	snprintf(out, size, "%s %s,%u", req->target_name, req->address, req->port);
}

static const struct job_ops login_job_ops = {
	.role = ROLE_LOGIN,
	.start = job_start,
	.fd = job_fd,
	.waiting = job_waiting,
	.deadline = job_deadline,
	.on_ready = job_on_ready,
	.on_timeout = job_on_timeout,
	.worker_pid = job_worker_pid,
	.finish = job_finish,
	.free_run = job_free_run,
	.label = job_label,
};

static bool same_record(const void *reqp, const void *arg)
{
	const struct ctl_login *a = reqp, *b = arg;
	return iscsi_name_equal(a->target_name, b->target_name) && a->port == b->port &&
	       strcmp(a->address, b->address) == 0 && strcmp(a->iface, b->iface) == 0;
}

struct record_jobs {
	const struct ctl_login *req;
	unsigned n;
};

static bool count_record(const void *reqp, void *arg)
{
	struct record_jobs *c = arg;
	c->n += same_record(reqp, c->req);
	return false;
}

unsigned login_job_count(const struct monitor *m, const struct ctl_login *req)
{
	struct record_jobs c = { .req = req };

	workers_find(m, &login_job_ops, count_record, &c);
	return c.n;
}

void login_job_start(struct monitor *m, struct ctl_peer *p, const struct ctl_login *req)
{
	workers_submit(m, p, &login_job_ops, req, sizeof(*req));
}

void login_job_submit(struct monitor *m, struct ctl_peer *p, const struct ctl_login *req)
{
	login_admit_request(m, p, req, 0);
}
