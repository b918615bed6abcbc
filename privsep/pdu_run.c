#include "privsep/pdu_run.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "privsep/worker_run.h"

struct pdu_run {
	struct worker_run w;            /* no socket: the PDU rides in the message */
	uint32_t peer;
	char *root, *program;
	bool final_seen;                /* the answer came; only its exit is awaited */
	struct pdu_run_result res;
	uint16_t len;
	uint8_t pdu[SESSION_PDU_MAX];
};

static bool finish(struct pdu_run *r, enum pdu_outcome outcome, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Ends the run: the worker killed (if still there) and reaped. */
static bool finish(struct pdu_run *r, enum pdu_outcome outcome, const char *fmt, ...)
{
	va_list ap;

	worker_job_stop(&r->w.job);
	r->res.outcome = outcome;
	if (outcome != PDU_RUN_DECODED) {
		memset(&r->res.pdu, 0, sizeof(r->res.pdu));
		va_start(ap, fmt);
		vsnprintf(r->res.message, sizeof(r->res.message), fmt, ap);
		va_end(ap);
	}
	r->w.phase = WP_DONE;
	return true;
}

static bool reject_worker(struct pdu_run *r, const char *why)
{
	log_debug(1, "pdu worker %d of session %u killed: %s", (int)r->w.job.pid, r->peer, why);
	r->res.worker_killed = true;
	return finish(r, PDU_RUN_FAILED, "pdu worker killed: %s", why);
}

static void from_async(const struct msg_pdu_async *a, struct session_pdu *d)
{
	memset(d, 0, sizeof(*d));
	d->kind = SESSION_PDU_ASYNC;
	d->event = a->event;
	d->vcode = a->vcode;
	d->param1 = a->param1;
	d->param2 = a->param2;
	d->param3 = a->param3;
	d->sense_len = a->sense_len;
	d->event_data_len = a->event_data_len;
	d->sense_valid = a->sense_valid;
	d->sense_key = a->sense_key;
	d->asc = a->asc;
	d->ascq = a->ascq;
}

static void from_logout_rsp(const struct msg_pdu_logout_rsp *l, struct session_pdu *d)
{
	memset(d, 0, sizeof(*d));
	d->kind = SESSION_PDU_LOGOUT_RSP;
	d->response = l->response;
	d->time2wait = l->time2wait;
	d->time2retain = l->time2retain;
}

/* A decoded answer: believed only once it passes the same rules. */
static bool answer(struct pdu_run *r, const struct session_pdu *d)
{
	char why[PDU_RUN_MSG_MAX], line[PDU_RUN_MSG_MAX + 32];

	if (session_pdu_check(d, why, sizeof(why)) < 0) {
		snprintf(line, sizeof(line), "answer fails the checks: %s", why);
		return reject_worker(r, line);
	}
	r->res.pdu = *d;
	r->res.outcome = PDU_RUN_DECODED;
	r->final_seen = true;
	worker_run_final(&r->w);
	return false;
}

static bool send_pdu(struct pdu_run *r)
{
	struct msg m;

	msg_init(&m, MSG_PDU_DECODE, r->peer);
	m.u.pdu_decode.pdu_len = r->len;
	memcpy(m.u.pdu_decode.pdu, r->pdu, r->len);
	if (worker_job_send(&r->w.job, &m) < 0)
		return finish(r, PDU_RUN_FAILED, "cannot hand the PDU to the worker");
	return false;
}

static bool handle(struct pdu_run *r, const struct msg *m)
{
	struct session_pdu d;

	switch (m->type) {
	case MSG_HELLO:
		return send_pdu(r);
	case MSG_PDU_ASYNC:
		from_async(&m->u.pdu_async, &d);
		return answer(r, &d);
	case MSG_PDU_LOGOUT_RSP:
		from_logout_rsp(&m->u.pdu_logout_rsp, &d);
		return answer(r, &d);
	case MSG_PDU_ERROR:
		r->res.outcome = PDU_RUN_REFUSED;
		worker_copy_line(r->res.message, sizeof(r->res.message), m->u.pdu_error.reason);
		r->final_seen = true;
		worker_run_final(&r->w);
		return false;
	default:
		return reject_worker(r, "unexpected message");
	}
}

static bool worker_gone(struct pdu_run *r)
{
	char how[96];
	int st;

	worker_job_reap(&r->w.job, &st);
	if (r->final_seen && worker_job_exit_ok(st)) {
		char line[PDU_RUN_MSG_MAX];
		snprintf(line, sizeof(line), "%s", r->res.message);
		return finish(r, r->res.outcome, "%s", line);
	}
	worker_job_describe_exit(st, how, sizeof(how));
	log_debug(1, "pdu worker of session %u %s", r->peer, how);
	return finish(r, PDU_RUN_FAILED, "pdu worker %s", how);
}

static bool read_worker(struct pdu_run *r)
{
	for (;;) {
		struct msg m;
		char why[200];

		switch (worker_job_recv(&r->w.job, &m, why, sizeof(why))) {
		case WJ_AGAIN:
			return false;
		case WJ_CLOSED:
			return worker_gone(r);
		case WJ_REFUSED:
			return reject_worker(r, why);
		case WJ_MESSAGE:
			if (handle(r, &m))
				return true;
			break;
		}
	}
}

static char *dup_or(const char *s, const char *fallback)
{
	return strdup(s && s[0] ? s : fallback);
}

struct pdu_run *pdu_run_start(const struct pdu_params *p)
{
	struct pdu_run *r = calloc(1, sizeof(*r));
	char err[256];

	if (!r)
		return NULL;
	worker_run_init(&r->w);
	r->peer = p->peer;
	r->root = dup_or(p->worker_root, "");
	r->program = dup_or(p->worker_program, PDU_WORKER_PROGRAM);
	if (!r->root || !r->program) {
		pdu_run_free(r);
		return NULL;
	}
	if (!p->pdu || p->len < SESSION_PDU_MIN || p->len > SESSION_PDU_MAX) {
		finish(r, PDU_RUN_FAILED, "%zu bytes: not a PDU the worker takes (%u..%u)", p->len,
		       SESSION_PDU_MIN, SESSION_PDU_MAX);
		return r;
	}
	r->len = (uint16_t)p->len;
	memcpy(r->pdu, p->pdu, p->len);

	struct worker_job_conf conf = {
		.role = ROLE_PDU,
		.uid = p->worker_uid,
		.gid = p->worker_gid,
		.root = r->root,
		.program = r->program,
		.keep_stderr = p->keep_stderr,
		.seccomp_trap = p->seccomp_trap,
	};
	if (worker_job_spawn(&r->w.job, &conf, err, sizeof(err)) < 0) {
		finish(r, PDU_RUN_FAILED, "pdu worker: %s", err);
		return r;
	}
	r->res.worker_pid = r->w.job.pid;
	r->w.phase = WP_WORKER;
	r->w.deadline = worker_now_ms() + (p->timeout_ms ? p->timeout_ms : PDU_RUN_TIMEOUT_MS);
	return r;
}

int pdu_run_fd(const struct pdu_run *r, short *events)
{
	return worker_run_fd(&r->w, events);
}

uint64_t pdu_run_deadline(const struct pdu_run *r)
{
	return worker_run_deadline(&r->w);
}

bool pdu_run_on_ready(struct pdu_run *r)
{
	if (r->w.phase != WP_WORKER && r->w.phase != WP_EXITING)
		return true;
	return read_worker(r);
}

bool pdu_run_on_timeout(struct pdu_run *r)
{
	if (r->w.phase == WP_DONE)
		return true;
	if (worker_now_ms() < pdu_run_deadline(r))
		return false;
	if (r->w.phase == WP_EXITING)
		return reject_worker(r, "did not exit after its answer");
	return finish(r, PDU_RUN_FAILED, "pdu worker killed: no answer in time");
}

bool pdu_run_done(const struct pdu_run *r)
{
	return r->w.phase == WP_DONE;
}

pid_t pdu_run_worker_pid(const struct pdu_run *r)
{
	return r->w.job.pid > 0 ? r->w.job.pid : 0;
}

const struct pdu_run_result *pdu_run_result(const struct pdu_run *r)
{
	return r->w.phase == WP_DONE ? &r->res : NULL;
}

void pdu_run_free(struct pdu_run *r)
{
	if (!r)
		return;
	worker_job_stop(&r->w.job);
	free(r->root);
	free(r->program);
	free(r);
}

void pdu_run_blocking(const struct pdu_params *params, struct pdu_run_result *out)
{
	struct pdu_run *r = pdu_run_start(params);

	memset(out, 0, sizeof(*out));
	if (!r) {
		out->outcome = PDU_RUN_FAILED;
		snprintf(out->message, sizeof(out->message), "out of memory");
		return;
	}
	while (!pdu_run_done(r)) {
		int n = worker_run_wait(&r->w);

		if (n < 0) {
			out->outcome = PDU_RUN_FAILED;
			snprintf(out->message, sizeof(out->message), "poll: %s", strerror(errno));
			pdu_run_free(r);
			return;
		}
		if (n > 0)
			pdu_run_on_ready(r);
		else
			pdu_run_on_timeout(r);
	}
	*out = *pdu_run_result(r);
	pdu_run_free(r);
}
