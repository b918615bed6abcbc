#include "monitor/workers.h"

#include <poll.h>
#include <stdio.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "monitor/control_server.h"
#include "monitor/monitor.h"
#include "policy/roles.h"

struct job {
	struct monitor *m;
	struct job *next;
	struct ctl_peer *peer;          /* NULL once the client has gone */
	const struct job_ops *ops;
	void *run;                      /* NULL while queued */
	struct loop_watch watch;
	struct loop_timer deadline;
	long long queued_ms;
	char label[CTL_PORTAL_MAX + CTL_ISCSI_NAME_MAX + 8];
	size_t req_size;
	_Alignas(max_align_t) unsigned char req[];
};

struct workers {
	struct job *live;
	struct job *queue, *queue_tail;
	unsigned nlive, nqueued;
};

int workers_init(struct monitor *m)
{
	m->workers = calloc(1, sizeof(*m->workers));
	return m->workers ? 0 : -1;
}

unsigned workers_live(const struct monitor *m)
{
	return m->workers->nlive;
}

unsigned workers_queued(const struct monitor *m)
{
	return m->workers->nqueued;
}

static void unlink_job(struct job **list, struct job *j)
{
	for (struct job **p = list; *p; p = &(*p)->next) {
		if (*p == j) {
			*p = j->next;
			j->next = NULL;
			return;
		}
	}
}

static void job_free(struct job *j)
{
	if (j->peer)
		ctl_peer_link(j->peer, NULL, NULL);
	if (j->run) {
		loop_watch_del(j->m->loop, &j->watch);
		loop_timer_cancel(j->m->loop, &j->deadline);
		j->ops->free_run(j->run);
	}
	free(j);
}

/* The run has its result: apply it, answer the client, free the slot. */
static void job_complete(struct job *j)
{
	struct monitor *m = j->m;
	struct workers *w = m->workers;

	loop_watch_del(m->loop, &j->watch);
	loop_timer_cancel(m->loop, &j->deadline);
	/* Unlinked before finish(): a kind may hand the client on to work
	 * that outlives the job (a login's LUN scan) and link it there. */
	struct ctl_peer *peer = j->peer;
	if (peer)
		ctl_peer_link(peer, NULL, NULL);
	j->peer = NULL;
	j->ops->finish(m, j->run, j->req, peer);
	unlink_job(&w->live, j);
	w->nlive--;
	job_free(j);
	workers_pump(m);
}

/* After every driver call: the run may have moved to another descriptor
 * or another deadline. */
static void job_rearm(struct job *j, bool done)
{
	short events = 0;
	int fd = done ? -1 : j->ops->fd(j->run, &events);
	if (fd < 0 && (done || !j->ops->waiting || !j->ops->waiting(j->run))) {
		job_complete(j);
		return;
	}
	j->watch.fd = fd;
	j->watch.events = events;
	loop_timer_arm(j->m->loop, &j->deadline, (long long)j->ops->deadline(j->run));
}

static void job_event(struct loop_watch *w, short revents)
{
	struct job *j = (struct job *)((char *)w - offsetof(struct job, watch));
	(void)revents;

	job_rearm(j, j->ops->on_ready(j->run));
}

static void job_deadline(struct loop_timer *t)
{
	struct job *j = (struct job *)((char *)t - offsetof(struct job, deadline));

	job_rearm(j, j->ops->on_timeout(j->run));
}

static void job_start(struct job *j)
{
	struct monitor *m = j->m;
	struct workers *w = m->workers;

	j->next = w->live;
	w->live = j;
	w->nlive++;
	j->watch.fd = -1;
	j->watch.on_event = job_event;
	j->deadline.on_expire = job_deadline;
	j->run = j->ops->start(m, j->req, j->peer);
	if (!j->run) {
		/* start() has answered the client. */
		unlink_job(&w->live, j);
		w->nlive--;
		job_free(j);
		return;
	}
	loop_watch_add(m->loop, &j->watch);
	log_debug(1, "%s job %s started (%u of %u workers busy)", worker_role_name(j->ops->role),
		  j->label, w->nlive, m->settings.max_workers);
	job_rearm(j, false);
}

void workers_pump(struct monitor *m)
{
	struct workers *w = m->workers;

	while (!m->stopping && w->queue && w->nlive < m->settings.max_workers) {
		struct job *j = w->queue;
		w->queue = j->next;
		if (!w->queue)
			w->queue_tail = NULL;
		j->next = NULL;
		w->nqueued--;
		job_start(j);
	}
}

/* The client disconnected before its answer. A queued job is dropped; a
 * running one finishes and is applied (what was asked is done), just not
 * reported. */
static void job_peer_gone(void *arg)
{
	struct job *j = arg;
	struct workers *w = j->m->workers;

	j->peer = NULL;
	if (j->run)
		return;
	unlink_job(&w->queue, j);
	w->queue_tail = NULL;
	for (struct job *q = w->queue; q; q = q->next)
		w->queue_tail = q;
	w->nqueued--;
	log_debug(1, "%s job %s dropped from the queue: its client left",
		  worker_role_name(j->ops->role), j->label);
	job_free(j);
}

bool workers_submit(struct monitor *m, struct ctl_peer *p, const struct job_ops *ops,
		    const void *req, size_t req_size)
{
	struct workers *w = m->workers;
	char label[sizeof(((struct job *)0)->label)];

	ops->label(req, label, sizeof(label));
	if (w->nqueued >= WORKERS_QUEUE_MAX) {
		log_warn("%s job %s for %s refused: %u jobs already queued",
			 worker_role_name(ops->role), label, p ? ctl_peer_who(p) : "iscsid",
			 w->nqueued);
		if (p)
			ctl_peer_finish(p, ISCSI_ERR_BUSY, "iscsid is busy: %u jobs queued",
					w->nqueued);
		return false;
	}
	struct job *j = req_size <= WORKERS_REQ_MAX ? calloc(1, sizeof(*j) + req_size) : NULL;
	if (!j) {
		if (p)
			ctl_peer_finish(p, ISCSI_ERR_NOMEM, "iscsid: out of memory");
		return false;
	}
	j->m = m;
	j->peer = p;
	j->ops = ops;
	memcpy(j->req, req, req_size);
	j->req_size = req_size;
	snprintf(j->label, sizeof(j->label), "%s", label);
	j->queued_ms = loop_now_ms();
	if (p)
		ctl_peer_link(p, j, job_peer_gone);
	if (w->queue_tail)
		w->queue_tail->next = j;
	else
		w->queue = j;
	w->queue_tail = j;
	w->nqueued++;
	if (w->nlive >= m->settings.max_workers)
		log_debug(1, "%s job %s queued: %u of %u workers busy, %u waiting",
			  worker_role_name(ops->role), label, w->nlive, m->settings.max_workers,
			  w->nqueued);
	workers_pump(m);
	return true;
}

bool workers_find(const struct monitor *m, const struct job_ops *ops,
		  bool (*fn)(const void *req, void *arg), void *arg)
{
	const struct job *lists[] = { m->workers->live, m->workers->queue };

	for (size_t i = 0; i < 2; i++)
		for (const struct job *j = lists[i]; j; j = j->next)
			if (j->ops == ops && fn(j->req, arg))
				return true;
	return false;
}

static void describe(const struct job *j, struct ctl_peer *p, long long now)
{
	struct ctl_msg r;

	ctl_msg_init(&r, CTL_MSG_WORKER_INFO);
	struct ctl_worker_info *wi = &r.u.worker_info;
	wi->pid = j->run ? (uint32_t)j->ops->worker_pid(j->run) : 0;
	snprintf(wi->role, sizeof(wi->role), "%s", worker_role_name(j->ops->role));
	snprintf(wi->state, sizeof(wi->state), "%s", j->run ? "running" : "queued");
	snprintf(wi->job, sizeof(wi->job), "%.*s", (int)sizeof(wi->job) - 1, j->label);
	long long age = now - j->queued_ms;
	wi->age_ms = age < 0 ? 0 : age > 0xffffffffLL ? 0xffffffffu : (uint32_t)age;
	ctl_peer_send(p, &r);
}

void workers_describe(const struct monitor *m, struct ctl_peer *p)
{
	long long now = loop_now_ms();

	for (const struct job *j = m->workers->live; j; j = j->next)
		describe(j, p, now);
	for (const struct job *j = m->workers->queue; j; j = j->next)
		describe(j, p, now);
}

void workers_stop_all(struct monitor *m)
{
	struct workers *w = m->workers;

	if (!w)
		return;
	struct job *lists[] = { w->live, w->queue };
	w->live = w->queue = w->queue_tail = NULL;
	w->nlive = w->nqueued = 0;
	for (size_t i = 0; i < 2; i++) {
		while (lists[i]) {
			struct job *j = lists[i];
			lists[i] = j->next;
			if (j->peer)
				ctl_peer_finish(j->peer, ISCSI_ERR_ISCSID_COMM_ERR,
						"iscsid stopped before the %s job %s finished",
						worker_role_name(j->ops->role), j->label);
			job_free(j);
		}
	}
	free(w);
	m->workers = NULL;
}
