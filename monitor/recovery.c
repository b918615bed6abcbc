#include "monitor/recovery.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/exitcodes.h"
#include "base/log.h"
#include "kernel/iscsi_nl.h"
#include "login/driver.h"
#include "login/offer.h"
#include "monitor/kernel_link.h"
#include "monitor/login_prepare.h"
#include "monitor/logout.h"
#include "monitor/monitor.h"
#include "monitor/session_setup.h"
#include "monitor/sessions.h"
#include "monitor/workers.h"

/* DefaultTime2Wait when the login's is not known (a session taken over
 * from sysfs): RFC 7143's default. */
#define RECOVERY_TIME2WAIT_DEFAULT_S 2

/* One attempt's job request: which session, which recovery of it. */
struct recovery_req {
	uint32_t sid;
	uint32_t generation;
};

struct recovery_run {
	struct monitor *m;
	struct recovery_req req;
	struct rec *node;
	struct login_prep prep;
	struct login_run *run;
};

long long recovery_delay_ms(unsigned attempt)
{
	long long d = RECOVERY_DELAY_FIRST_MS;

	for (unsigned i = 1; i < attempt && d < RECOVERY_DELAY_MAX_MS; i++)
		d *= 2;
	return d < RECOVERY_DELAY_MAX_MS ? d : RECOVERY_DELAY_MAX_MS;
}

static struct msession *session_of(struct monitor *m, const struct recovery_req *req)
{
	struct msession *s = sessions_find(m, req->sid);
	if (!s || !s->recovery.active || s->recovery.generation != req->generation ||
	    s->state != MSESSION_UP)
		return NULL;
	return s;
}

static double seconds_since(long long t0)
{
	return (double)(loop_now_ms() - t0) / 1000.0;
}

static void audit_relogin(const struct msession *s, const struct chap_summary *auth, int code,
			  const char *reason)
{
	login_prepare_audit(s->target_name, s->address, s->port, s->iface, auth, (int)s->sid, code,
			    reason);
}

static void give_up(struct msession *s, const char *why)
{
	log_error("session %u to %s at %s:%u: giving up recovery after %u attempts in %.1f s (%s); "
		  "closing the session", s->sid, s->target_name, s->address, s->port,
		  s->recovery.attempts, seconds_since(s->recovery.started_ms), why);
	s->recovery.active = false;
	logout_abandon(s, why);
}

/* One failed attempt: log it (login/retry.h's rate limit: the first
 * few each, then a summary at most every 30 s) and schedule the next. */
static void attempt_failed(struct msession *s, unsigned reopen_max, int code, const char *msg)
{
	struct monitor *m = s->m;
	long long now = loop_now_ms();

	s->recovery.job_live = false;
	s->recovery.attempts++;
	switch (login_retry_log_failure(&s->recovery.log, (uint64_t)now)) {
	case LOGIN_RETRY_SAY_ATTEMPT:
		log_warn("session %u: reconnection attempt %u failed: %s (%d)", s->sid,
			 s->recovery.attempts, msg, code);
		break;
	case LOGIN_RETRY_SAY_SUMMARY:
		log_warn("session %u: %u more reconnection attempts failed (%u in all, %.1f s "
			 "without a connection); last: %s (%d)", s->sid, s->recovery.log.quiet,
			 s->recovery.attempts, seconds_since(s->recovery.started_ms), msg, code);
		login_retry_log_said(&s->recovery.log, (uint64_t)now);
		break;
	case LOGIN_RETRY_SAY_NOTHING:
		break;
	}
	if (reopen_max > 0 && s->recovery.attempts >= reopen_max) {
		char why[96];
		snprintf(why, sizeof(why), "node.session.reopen_max = %u reached", reopen_max);
		give_up(s, why);
		return;
	}
	loop_timer_arm(m->loop, &s->recovery.timer, now + recovery_delay_ms(s->recovery.attempts));
}

static unsigned reopen_max_of(const struct rec *node)
{
	long long v;
	return node && rec_get_int(node, "node.session.reopen_max", &v) == 0 && v > 0 &&
			       v <= 1000000
		       ? (unsigned)v
		       : 0;
}

/* The CmdSN the kernel will give its next command. The kernel keeps
 * numbering across the recovery, and the relogin's CmdSN is where the
 * reinstated session's numbering starts at the target (RFC 7143 6.3.5),
 * so the two must agree or every command would wait at the target for
 * numbers that never come. The kernel does not say its CmdSN, but it
 * counts each SCSI Command PDU it numbers (scsicmd_pdus, RFC 4544's
 * counter) on the connection, which lives as long as the session, and
 * it numbers nothing else: iscsid sends only immediate PDUs through it.
 * So: the first login's CmdSN plus that count. */
static int next_cmdsn(struct monitor *m, const struct msession *s, uint32_t first,
		      uint32_t *out, char *err, size_t errlen)
{
	struct kern *k = kernel_link(m, err, errlen);
	struct kern_stats *st = k ? calloc(1, sizeof(*st)) : NULL;
	int rc = -1;

	if (!k)
		return -1;
	if (!st) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if (kern_get_stats(k, s->sid, s->cid, st) < 0) {
		snprintf(err, errlen, "reading the connection's counters: %s", kern_strerror(k));
	} else {
		for (size_t i = 0; i < st->nsnmp; i++) {
			if (strcmp(st->snmp[i].name, "scsicmd_pdus") == 0) {
				*out = first + (uint32_t)st->snmp[i].value;
				rc = 0;
			}
		}
		if (rc < 0)
			snprintf(err, errlen, "the kernel reports no scsicmd_pdus counter");
	}
	free(st);
	return rc;
}

static void *job_start(struct monitor *m, const void *reqp, struct ctl_peer *peer)
{
	const struct recovery_req *req = reqp;
	struct msession *s = session_of(m, req);
	char err[1024];
	(void)peer;

	if (!s)
		return NULL;
	struct recovery_run *rr = calloc(1, sizeof(*rr));
	if (!rr) {
		attempt_failed(s, 0, ISCSI_ERR_NOMEM, "out of memory");
		return NULL;
	}
	rr->m = m;
	rr->req = *req;
	int rc = login_prepare_load_node(s->target_name, s->address, s->port, s->iface, &rr->node,
					 err, sizeof(err));
	if (rc == 0) {
		/* The same ISID, so the target takes this login for the
		 * old session's reinstatement; a session taken over
		 * without one gets a new ISID, kept for later attempts. */
		if (!s->isid_known) {
			login_offer_isid(login_prepare_new_isid_qualifier(m, s->target_name), s->isid);
			s->isid_known = true;
		}
		rc = login_prepare(m, rr->node, login_prepare_isid_qualifier(s->isid), &rr->prep,
				   err, sizeof(err));
	}
	if (rc == 0 && next_cmdsn(m, s, rr->prep.offer.cmdsn, &rr->prep.offer.cmdsn, err,
				  sizeof(err)) < 0)
		rc = ISCSI_ERR_INTERNAL;
	if (rc == 0) {
		struct login_params params;
		rr->prep.offer.tsih = 0;
		login_prepare_params(m, rr->node, &rr->prep, s->address, s->port, &params);
		rr->run = login_run_start(&params);
		if (!rr->run) {
			snprintf(err, sizeof(err), "out of memory");
			rc = ISCSI_ERR_NOMEM;
		}
	}
	if (rc != 0) {
		unsigned reopen_max = reopen_max_of(rr->node);
		chap_creds_wipe(&rr->prep.creds);
		rec_free(rr->node);
		free(rr);
		attempt_failed(s, reopen_max, rc, err);
		return NULL;
	}
	log_info("session %u: reconnecting to %s at %s:%u (attempt %u, %.1f s without a "
		 "connection)", s->sid, s->target_name, s->address, s->port,
		 s->recovery.attempts + 1, seconds_since(s->recovery.started_ms));
	return rr;
}

static void recovered(struct msession *s, unsigned attempts)
{
	log_info("session %u to %s at %s:%u: connection %u back after %u attempt%s, %.1f s "
		 "without it", s->sid, s->target_name, s->address, s->port, s->cid, attempts,
		 attempts == 1 ? "" : "s", seconds_since(s->recovery.started_ms));
	s->recovery.active = false;
	s->recovery.job_live = false;
}

static void job_finish(struct monitor *m, void *run, const void *reqp, struct ctl_peer *peer)
{
	struct recovery_run *rr = run;
	struct msession *s = session_of(m, reqp);
	const struct login_run_result *res = login_run_result(rr->run);
	unsigned reopen_max = reopen_max_of(rr->node);
	char err[256];
	(void)peer;

	if (!s) {
		/* Logged out or destroyed meanwhile: the new connection
		 * (if any) closes with the run. */
		log_debug(1, "session %u: recovery attempt ended after the session went", rr->req.sid);
		return;
	}
	if (!res) {
		attempt_failed(s, reopen_max, ISCSI_ERR_INTERNAL, "login ended without a result");
		return;
	}
	if (res->code != ISCSI_SUCCESS) {
		if (res->auth.mode != LOGIN_AUTH_NONE)
			audit_relogin(s, &res->auth, res->code, res->message);
		attempt_failed(s, reopen_max, res->code, res->message);
		return;
	}
	rr->prep.offer.auth = res->auth.mode;
	int fd = login_run_take_socket(rr->run);
	struct kern *k = kernel_link(m, err, sizeof(err));
	struct session_setup setup = {
		.node = rr->node,
		.offer = &rr->prep.offer,
		.neg = &res->neg,
		.address = s->address,
		.port = s->port,
		.sockfd = fd,
	};
	struct session_made ms = { .sid = s->sid, .cid = s->cid, .host_no = s->host_no };
	int rc = !k ? -1 : session_rebind(k, &setup, &ms, err, sizeof(err));
	/* The kernel holds its own reference to the socket now. */
	if (fd >= 0)
		close(fd);
	if (rc < 0) {
		attempt_failed(s, reopen_max, ISCSI_ERR_INTERNAL, err);
		return;
	}
	s->tsih = res->neg.tsih;
	s->time2wait_s = (int)res->neg.params.time2wait;
	audit_relogin(s, &res->auth, ISCSI_SUCCESS, NULL);
	recovered(s, s->recovery.attempts + 1);
}

static int job_fd(const void *run, short *events)
{
	return login_run_fd(((const struct recovery_run *)run)->run, events);
}

static uint64_t job_deadline(const void *run)
{
	return login_run_deadline(((const struct recovery_run *)run)->run);
}

static bool job_on_ready(void *run)
{
	struct login_run *r = ((struct recovery_run *)run)->run;
	return login_run_on_ready(r) == LOGIN_RUN_DONE || login_run_done(r);
}

static bool job_on_timeout(void *run)
{
	struct login_run *r = ((struct recovery_run *)run)->run;
	return login_run_on_timeout(r) == LOGIN_RUN_DONE || login_run_done(r);
}

static pid_t job_worker_pid(const void *run)
{
	return login_run_worker_pid(((const struct recovery_run *)run)->run);
}

static void job_free_run(void *run)
{
	struct recovery_run *rr = run;

	login_run_free(rr->run);
	chap_creds_wipe(&rr->prep.creds);
	rec_free(rr->node);
	free(rr);
}

static void job_label(const void *reqp, char *out, size_t size)
{
	const struct recovery_req *req = reqp;
	snprintf(out, size, "recovery of session %u", req->sid);
}

static const struct job_ops recovery_job_ops = {
	.role = ROLE_LOGIN,
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

static void on_attempt_due(struct loop_timer *t)
{
	struct msession *s =
		(struct msession *)((char *)t - offsetof(struct msession, recovery.timer));
	struct recovery_req req = { .sid = s->sid, .generation = s->recovery.generation };

	if (!s->recovery.active || s->recovery.job_live)
		return;
	/* Set first: the job may start, and fail, within the call. */
	s->recovery.job_live = true;
	if (!workers_submit(s->m, NULL, &recovery_job_ops, &req, sizeof(req)))
		attempt_failed(s, 0, ISCSI_ERR_BUSY, "iscsid's job queue is full");
}

void recovery_on_conn_error(struct monitor *m, struct msession *s, uint32_t error)
{
	char err[256];

	if (s->recovery.active) {
		log_debug(1, "session %u: connection error %s while recovering", s->sid,
			  kern_iscsi_err_name(error));
		return;
	}
	struct kern *k = kernel_link(m, err, sizeof(err));
	if (!k) {
		log_error("session %u: connection error %s, and no kernel link to recover it: %s",
			  s->sid, kern_iscsi_err_name(error), err);
		return;
	}
	/* The kernel holds and requeues the session's I/O from here on,
	 * and lets the socket go. */
	if (kern_stop_conn(k, s->sid, s->cid, ISCSI_STOP_CONN_RECOVER) < 0)
		log_warn("session %u: stopping connection %u for recovery: %s", s->sid, s->cid,
			 kern_strerror(k));
	int t2w = s->time2wait_s >= 0 ? s->time2wait_s : RECOVERY_TIME2WAIT_DEFAULT_S;
	s->recovery.active = true;
	s->recovery.job_live = false;
	s->recovery.generation++;
	s->recovery.attempts = 0;
	s->recovery.log = (struct login_retry_log){ 0 };
	s->recovery.started_ms = loop_now_ms();
	s->recovery.timer.on_expire = on_attempt_due;
	if (error == 0)
		log_warn("session %u connection %u to %s at %s:%u: found failed; reconnecting in "
			 "%d s", s->sid, s->cid, s->target_name, s->address, s->port, t2w);
	else
		log_warn("session %u connection %u to %s at %s:%u: %s (%u); reconnecting in %d s",
			 s->sid, s->cid, s->target_name, s->address, s->port,
			 kern_iscsi_err_name(error), error, t2w);
	loop_timer_arm(m->loop, &s->recovery.timer, s->recovery.started_ms + t2w * 1000LL);
}

bool recovery_set_first_wait(struct msession *s, uint32_t generation, unsigned secs)
{
	if (s->state != MSESSION_UP || !s->recovery.active ||
	    s->recovery.generation != generation || s->recovery.attempts != 0 ||
	    s->recovery.job_live)
		return false;
	s->time2wait_s = (int)secs;
	loop_timer_arm(s->m->loop, &s->recovery.timer,
		       s->recovery.started_ms + (long long)secs * 1000);
	return true;
}

void recovery_cancel(struct msession *s)
{
	loop_timer_cancel(s->m->loop, &s->recovery.timer);
	if (s->recovery.active)
		log_debug(1, "session %u: recovery stopped", s->sid);
	s->recovery.active = false;
}
