#include "monitor/async_event.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/audit.h"
#include "base/log.h"
#include "kernel/iscsi_nl.h"
#include "monitor/kernel_link.h"
#include "monitor/logout.h"
#include "monitor/monitor.h"
#include "monitor/recovery.h"
#include "monitor/scan.h"
#include "monitor/sessions.h"
#include "monitor/workers.h"
#include "privsep/pdu_run.h"
#include "proto/pdu.h"
#include "records/db.h"
#include "records/portal.h"

/* How long the event loop waits for the record database (iscsiadm
 * writing) when a SCSI event asks for a rescan. */
#define ASYNC_DB_LOCK_TIMEOUT_MS 3000

/* A job's request: the PDU and which connection it came on. generation
 * is the session's recovery generation at arrival: a recovery started
 * since means that connection is gone. */
struct async_req {
	uint32_t sid;
	uint32_t generation;
	uint16_t len;
	uint8_t pdu[SESSION_PDU_MAX];
};

/* A Logout Request sent at the target's request, waiting for its
 * Logout Response. Keyed by session id, never by pointer: the session
 * may be removed meanwhile. */
struct pending_logout {
	struct pending_logout *next;
	struct monitor *m;
	uint32_t sid;
	uint32_t generation;
	struct loop_timer timer;
};

static struct pending_logout *pending;
static long long drop_logged_ms;
static unsigned drops_unlogged;

/* Whether s still runs on the connection the PDU came on. */
static bool connection_current(const struct msession *s, uint32_t generation)
{
	return s->state == MSESSION_UP && !s->recovery.active &&
	       s->recovery.generation == generation;
}

/* Hands the connection to recovery: stopped for recovery, logged in
 * again after Time2Wait. The line before it says why. */
static void reconnect(struct monitor *m, struct msession *s)
{
	recovery_on_conn_error(m, s, KISCSI_ERR_CONN_FAILED);
}

/* Time2Wait from the target (event 2 or 3, Logout Response 2 or 3)
 * for the connection of that generation: the next recovery's wait; or,
 * when the recovery of that very connection is still in its first wait
 * (its connection error came before this answer), that wait again. */
static void apply_time2wait(struct msession *s, uint32_t generation, unsigned secs)
{
	if (connection_current(s, generation)) {
		s->time2wait_s = (int)secs;
		return;
	}
	/* The recovery that followed that connection's error. */
	if (recovery_set_first_wait(s, generation + 1, secs))
		log_debug(1, "session %u: reconnecting %u s after the connection error, as the "
			  "target asked", s->sid, secs);
}

/* ---- the logout the target asked for ---- */

static struct pending_logout *pending_find(uint32_t sid)
{
	for (struct pending_logout *p = pending; p; p = p->next)
		if (p->sid == sid)
			return p;
	return NULL;
}

static void pending_drop(struct pending_logout *p)
{
	for (struct pending_logout **pp = &pending; *pp; pp = &(*pp)->next) {
		if (*pp == p) {
			*pp = p->next;
			break;
		}
	}
	loop_timer_cancel(p->m->loop, &p->timer);
	free(p);
}

static void on_logout_timeout(struct loop_timer *t)
{
	struct pending_logout *p =
		(struct pending_logout *)((char *)t - offsetof(struct pending_logout, timer));
	struct monitor *m = p->m;
	struct msession *s = sessions_find(m, p->sid);
	uint32_t generation = p->generation;

	pending_drop(p);
	if (!s || !connection_current(s, generation))
		return;
	log_warn("session %u: no Logout Response to the logout the target requested; "
		 "reconnecting", s->sid);
	reconnect(m, s);
}

/* The Logout Request's header (close the session, immediate); the kernel
 * fills in ITT, CmdSN and ExpStatSN. */
static int build_logout(const struct msession *s, uint8_t *out, size_t cap, size_t *len)
{
	struct iscsi_pdu pdu;
	struct pdu_wire_opts opts = { 0 };

	pdu_init(&pdu, ISCSI_OP_LOGOUT_REQ);
	pdu.immediate = true;
	pdu.u.logout_req.reason = ISCSI_LOGOUT_CLOSE_SESSION;
	pdu.u.logout_req.cid = (uint16_t)s->cid;
	return pdu_encode(&pdu, &opts, out, cap, len) == PDU_OK ? 0 : -1;
}

static void logout_requested(struct monitor *m, struct msession *s, uint32_t generation,
			     unsigned within_s)
{
	char err[256];
	uint8_t hdr[ISCSI_BHS_LEN];
	size_t len = 0;

	if (pending_find(s->sid)) {
		log_info("session %u: target requests a logout again; already logging out",
			 s->sid);
		return;
	}
	struct kern *k = kernel_link(m, err, sizeof(err));
	struct pending_logout *p = calloc(1, sizeof(*p));
	if (!p || !k || build_logout(s, hdr, sizeof(hdr), &len) < 0 ||
	    kern_send_pdu(k, s->sid, s->cid, hdr, len, NULL, 0) < 0) {
		log_warn("session %u: target requests a logout within %u s; the Logout Request "
			 "cannot go out (%s): reconnecting", s->sid, within_s,
			 !p ? "out of memory" : k ? kern_strerror(k) : err);
		free(p);
		reconnect(m, s);
		return;
	}
	log_warn("session %u to %s at %s:%u: target requests a logout within %u s; logging "
		 "out, then in again", s->sid, s->target_name, s->address, s->port, within_s);
	p->m = m;
	p->sid = s->sid;
	p->generation = generation;
	p->timer.on_expire = on_logout_timeout;
	p->next = pending;
	pending = p;
	long long wait_ms = s->logout_timeout_s ? s->logout_timeout_s * 1000LL
						: LOGOUT_RESPONSE_TIMEOUT_MS;
	loop_timer_arm(m->loop, &p->timer, loop_now_ms() + wait_ms);
}

static const char *logout_response_name(uint8_t r)
{
	static const char *const names[] = {
		"closed successfully", "CID not found", "connection recovery not supported",
		"cleanup failed",
	};
	return r < sizeof(names) / sizeof(names[0]) ? names[r] : "reserved";
}

static void logout_answered(struct monitor *m, struct msession *s, const struct session_pdu *d)
{
	struct pending_logout *p = pending_find(s->sid);

	if (!p) {
		log_warn("session %u: Logout Response (%s) to no logout of ours; ignored", s->sid,
			 logout_response_name(d->response));
		return;
	}
	uint32_t generation = p->generation;
	pending_drop(p);
	if (d->response == ISCSI_LOGOUT_RSP_RECOVERY_UNSUPPORTED ||
	    d->response == ISCSI_LOGOUT_RSP_CLEANUP_FAILED)
		apply_time2wait(s, generation, d->time2wait);
	if (!connection_current(s, generation)) {
		log_info("session %u: target answered the logout it requested (%s); already "
			 "reconnecting", s->sid, logout_response_name(d->response));
		return;
	}
	log_info("session %u: target answered the logout it requested (%s); reconnecting",
		 s->sid, logout_response_name(d->response));
	reconnect(m, s);
}

/* ---- SCSI events ---- */

static int first_match(const struct rec *r, void *arg)
{
	*(struct rec **)arg = rec_dup(r);
	return 1;
}

/* node.session.scan of the session's record; automatic when there is
 * no record (open-iscsi's default) or it cannot be read. */
static bool scan_manual(const struct msession *s)
{
	struct recdb *db;
	struct rec *node = NULL;
	struct rec_err rerr = { 0 };
	struct rec_filter f = {
		.kind = REC_NODE,
		.target = s->target_name[0] ? s->target_name : NULL,
		.addr = s->address[0] ? s->address : NULL,
		.port = s->port,
		.tpgt = REC_TPGT_ANY,
		.iface = s->iface[0] ? s->iface : NULL,
	};

	if (!f.target || recdb_open(NULL, &db, &rerr) < 0)
		return false;
	recdb_set_lock_timeout(db, ASYNC_DB_LOCK_TIMEOUT_MS);
	recdb_foreach(db, &f, first_match, &node, &rerr);
	recdb_close(db);
	const char *scan = node ? rec_get(node, "node.session.scan") : NULL;
	bool manual = scan && strcmp(scan, "manual") == 0;
	rec_free(node);
	return manual;
}

static void scsi_event(struct monitor *m, struct msession *s, bool current,
		       const struct session_pdu *d)
{
	if (!d->sense_valid) {
		log_info("session %u: target reports a SCSI event (%u bytes of sense data in no "
			 "known format)", s->sid, d->sense_len);
		return;
	}
	/* SPC: 3F/0E, REPORTED LUNS DATA HAS CHANGED. */
	bool luns_changed = d->asc == 0x3f && d->ascq == 0x0e;
	const char *act = !luns_changed ? ""
			  : !current ? "; no rescan while reconnecting"
			  : scan_manual(s) ? "; no rescan (node.session.scan = manual)"
			  : scan_start(m, s->host_no, s->sid, NULL, 0) < 0 ? "; the rescan could not start"
			  : "; rescanning its LUNs";
	log_info("session %u: target reports a SCSI event: sense key 0x%x, ASC/ASCQ 0x%02x/0x%02x%s",
		 s->sid, d->sense_key, d->asc, d->ascq, act);
}

/* ---- the decoded event ---- */

static void act(struct monitor *m, struct msession *s, uint32_t generation,
		const struct session_pdu *d)
{
	bool current = connection_current(s, generation);

	if (d->kind == SESSION_PDU_LOGOUT_RSP) {
		logout_answered(m, s, d);
		return;
	}
	switch (d->event) {
	case ISCSI_ASYNC_SCSI_EVENT:
		scsi_event(m, s, current, d);
		return;
	case ISCSI_ASYNC_LOGOUT_REQUEST:
		if (current)
			logout_requested(m, s, generation, d->param3);
		else
			log_info("session %u: target requested a logout of a connection since "
				 "closed; ignored", s->sid);
		return;
	case ISCSI_ASYNC_DROP_CONNECTION:
	case ISCSI_ASYNC_DROP_ALL_CONNECTIONS:
		log_warn("session %u: target will drop %s (Time2Wait %u s, Time2Retain %u s)",
			 s->sid, d->event == ISCSI_ASYNC_DROP_CONNECTION ? "the connection"
									  : "all connections",
			 d->param2, d->param3);
		apply_time2wait(s, generation, d->param2);
		return;
	case ISCSI_ASYNC_RENEGOTIATE:
		if (!current) {
			log_info("session %u: target requested a renegotiation of a connection "
				 "since closed; ignored", s->sid);
			return;
		}
		log_warn("session %u: target requests a parameter renegotiation within %u s, "
			 "which iscsid does not do on a live connection; reconnecting", s->sid,
			 d->param3);
		reconnect(m, s);
		return;
	default:
		log_info("session %u: target sent a vendor-specific event (AsyncVCode 0x%02x, "
			 "%u bytes of data); ignored", s->sid, d->vcode, d->event_data_len);
		return;
	}
}

/* ---- the worker job ---- */

struct async_job {
	struct monitor *m;
	struct pdu_run *run;
};

static void *job_start(struct monitor *m, const void *reqp, struct ctl_peer *peer)
{
	const struct async_req *req = reqp;
	struct async_job *aj = calloc(1, sizeof(*aj));
	(void)peer;

	if (aj) {
		struct pdu_params params = {
			.pdu = req->pdu,
			.len = req->len,
			.peer = req->sid,
			.worker_uid = m->worker_uid,
			.worker_gid = m->worker_gid,
			.worker_root = m->empty_dir,
			.worker_program = m->opts.worker_program,
			.keep_stderr = m->opts.foreground,
		};
		aj->m = m;
		aj->run = pdu_run_start(&params);
	}
	if (!aj || !aj->run) {
		log_error("session %u: PDU from the target not examined: out of memory", req->sid);
		free(aj);
		return NULL;
	}
	return aj;
}

static void audit_killed(const struct msession *s, const struct pdu_run_result *res)
{
	char portal[300];

	if (s)
		portal_format(s->address, s->port, portal, sizeof(portal));
	audit_worker_killed("normal", s && s->target_name[0] ? s->target_name : NULL,
			    s && s->address[0] ? portal : NULL, (long)res->worker_pid, res->message);
}

static void job_finish(struct monitor *m, void *run, const void *reqp, struct ctl_peer *peer)
{
	const struct async_req *req = reqp;
	const struct pdu_run_result *res = pdu_run_result(((struct async_job *)run)->run);
	struct msession *s = sessions_find(m, req->sid);
	(void)peer;

	if (!res) {
		log_error("session %u: PDU from the target: the job ended without a result",
			  req->sid);
		return;
	}
	switch (res->outcome) {
	case PDU_RUN_FAILED:
		if (res->worker_killed)
			audit_killed(s, res);
		log_warn("session %u: PDU from the target not examined: %s", req->sid,
			 res->message);
		return;
	case PDU_RUN_REFUSED:
		log_warn("session %u: malformed PDU from the target ignored: %s", req->sid,
			 res->message);
		return;
	case PDU_RUN_DECODED:
		break;
	}
	if (!s) {
		log_debug(1, "session %u: gone before its PDU was decoded", req->sid);
		return;
	}
	act(m, s, req->generation, &res->pdu);
}

static int job_fd(const void *run, short *events)
{
	return pdu_run_fd(((const struct async_job *)run)->run, events);
}

static uint64_t job_deadline(const void *run)
{
	return pdu_run_deadline(((const struct async_job *)run)->run);
}

static bool job_on_ready(void *run)
{
	return pdu_run_on_ready(((struct async_job *)run)->run);
}

static bool job_on_timeout(void *run)
{
	return pdu_run_on_timeout(((struct async_job *)run)->run);
}

static pid_t job_worker_pid(const void *run)
{
	return pdu_run_worker_pid(((const struct async_job *)run)->run);
}

static void job_free_run(void *run)
{
	struct async_job *aj = run;

	pdu_run_free(aj->run);
	free(aj);
}

static void job_label(const void *reqp, char *out, size_t size)
{
	snprintf(out, size, "PDU of session %u", ((const struct async_req *)reqp)->sid);
}

static const struct job_ops async_job_ops = {
	.role = ROLE_PDU,
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

struct session_jobs {
	uint32_t sid;
	unsigned n;
};

static bool count_session(const void *reqp, void *arg)
{
	struct session_jobs *c = arg;
	c->n += ((const struct async_req *)reqp)->sid == c->sid;
	return false;
}

static void dropped(uint32_t sid, const char *why)
{
	long long now = loop_now_ms();

	drops_unlogged++;
	if (drop_logged_ms && now - drop_logged_ms < ASYNC_DROP_LOG_INTERVAL_MS)
		return;
	log_warn("session %u: PDU from the target dropped unexamined: %s (%u dropped since the "
		 "last such line)", sid, why, drops_unlogged);
	drop_logged_ms = now;
	drops_unlogged = 0;
}

void async_event_on_pdu(struct monitor *m, struct msession *s, const uint8_t *pdu, size_t len)
{
	struct async_req req;
	struct session_jobs c = { .sid = s->sid };

	if (len < SESSION_PDU_MIN || len > SESSION_PDU_MAX) {
		dropped(s->sid, len < SESSION_PDU_MIN ? "shorter than a PDU header"
						      : "longer than any event iscsid examines");
		return;
	}
	workers_find(m, &async_job_ops, count_session, &c);
	if (c.n >= ASYNC_JOBS_PER_SESSION) {
		dropped(s->sid, "too many of its PDUs are being examined already");
		return;
	}
	memset(&req, 0, sizeof(req));
	req.sid = s->sid;
	req.generation = s->recovery.generation;
	req.len = (uint16_t)len;
	memcpy(req.pdu, pdu, len);
	workers_submit(m, NULL, &async_job_ops, &req, sizeof(req));
}
