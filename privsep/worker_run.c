#include "privsep/worker_run.h"

#include <errno.h>
#include <poll.h>
#include <time.h>

uint64_t worker_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

void worker_run_init(struct worker_run *w)
{
	w->phase = WP_CONNECTING;
	w->sock = -1;
	worker_job_init(&w->job);
	w->deadline = w->connect_deadline = w->exit_deadline = 0;
}

int worker_run_fd(const struct worker_run *w, short *events)
{
	switch (w->phase) {
	case WP_CONNECTING:
		*events = POLLOUT;
		return w->sock;
	case WP_WORKER:
	case WP_EXITING:
		*events = POLLIN;
		return w->job.chan;
	default:
		*events = 0;
		return -1;
	}
}

uint64_t worker_run_deadline(const struct worker_run *w)
{
	switch (w->phase) {
	case WP_CONNECTING:
		return w->connect_deadline;
	case WP_EXITING:
		return w->exit_deadline;
	default:
		return w->deadline;
	}
}

int worker_run_wait(const struct worker_run *w)
{
	short events;
	int fd = worker_run_fd(w, &events);
	uint64_t now = worker_now_ms(), until = worker_run_deadline(w);
	int wait = until > now ? (int)(until - now > 60000 ? 60000 : until - now) : 0;
	struct pollfd p = { .fd = fd, .events = events };
	int n = poll(&p, 1, wait);

	if (n < 0)
		return errno == EINTR ? 0 : -1;
	return n > 0;
}

void worker_run_final(struct worker_run *w)
{
	w->phase = WP_EXITING;
	w->exit_deadline = worker_now_ms() + WORKER_EXIT_GRACE_MS;
}
