#include "monitor/loop.h"

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdlib.h>
#include <time.h>

#include "base/log.h"

struct loop {
	bool stop;
	struct loop_watch *watches;
	unsigned nwatches;
	struct loop_timer *timers;      /* unsorted: a handful at most */
	/* The last poll set, grown as needed. */
	struct pollfd *pfd;
	struct loop_watch **owner;
	unsigned room;
};

struct loop *loop_new(void)
{
	return calloc(1, sizeof(struct loop));
}

void loop_free(struct loop *l)
{
	if (!l)
		return;
	free(l->pfd);
	free(l->owner);
	free(l);
}

long long loop_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void loop_watch_add(struct loop *l, struct loop_watch *w)
{
	if (w->added)
		return;
	w->next = l->watches;
	l->watches = w;
	w->added = true;
	l->nwatches++;
}

void loop_watch_del(struct loop *l, struct loop_watch *w)
{
	if (!w->added)
		return;
	for (struct loop_watch **p = &l->watches; *p; p = &(*p)->next) {
		if (*p == w) {
			*p = w->next;
			break;
		}
	}
	w->added = false;
	w->next = NULL;
	l->nwatches--;
}

static bool still_added(const struct loop *l, const struct loop_watch *w)
{
	for (const struct loop_watch *x = l->watches; x; x = x->next)
		if (x == w)
			return true;
	return false;
}

void loop_timer_cancel(struct loop *l, struct loop_timer *t)
{
	if (!t->armed)
		return;
	for (struct loop_timer **p = &l->timers; *p; p = &(*p)->next) {
		if (*p == t) {
			*p = t->next;
			break;
		}
	}
	t->armed = false;
	t->next = NULL;
}

void loop_timer_arm(struct loop *l, struct loop_timer *t, long long due_ms)
{
	loop_timer_cancel(l, t);
	t->due_ms = due_ms;
	t->armed = true;
	t->next = l->timers;
	l->timers = t;
}

void loop_stop(struct loop *l)
{
	l->stop = true;
}

static int next_timeout(const struct loop *l)
{
	long long now = loop_now_ms(), wait = -1;

	for (const struct loop_timer *t = l->timers; t; t = t->next) {
		long long d = t->due_ms > now ? t->due_ms - now : 0;
		if (wait < 0 || d < wait)
			wait = d;
	}
	return wait > INT_MAX ? INT_MAX : (int)wait;
}

/* One expired timer at a time, searched afresh each time: its callback may
 * arm or cancel any other timer. */
static void fire_timers(struct loop *l)
{
	while (!l->stop) {
		long long now = loop_now_ms();
		struct loop_timer *t = l->timers;
		while (t && t->due_ms > now)
			t = t->next;
		if (!t)
			return;
		loop_timer_cancel(l, t);
		t->on_expire(t);
	}
}

static int build_set(struct loop *l, unsigned *n)
{
	if (l->nwatches > l->room) {
		unsigned room = l->nwatches + 16;
		struct pollfd *pfd = realloc(l->pfd, room * sizeof(*pfd));
		if (!pfd)
			return -1;
		l->pfd = pfd;
		struct loop_watch **owner = realloc(l->owner, room * sizeof(*owner));
		if (!owner)
			return -1;
		l->owner = owner;
		l->room = room;
	}
	*n = 0;
	for (struct loop_watch *w = l->watches; w; w = w->next) {
		if (w->fd < 0)
			continue;
		l->pfd[*n] = (struct pollfd){ .fd = w->fd, .events = w->events };
		l->owner[*n] = w;
		(*n)++;
	}
	return 0;
}

int loop_run(struct loop *l)
{
	l->stop = false;
	while (!l->stop) {
		unsigned n;
		if (build_set(l, &n) < 0) {
			log_error("event loop: out of memory");
			return -1;
		}
		int rc = poll(l->pfd, n, next_timeout(l));
		if (rc < 0) {
			if (errno == EINTR)
				continue;
			log_error("poll: %m");
			return -1;
		}
		for (unsigned i = 0; rc > 0 && i < n && !l->stop; i++) {
			if (!l->pfd[i].revents)
				continue;
			rc--;
			/* An earlier callback may have removed (and freed) this
			 * watch, or moved it to another descriptor. */
			struct loop_watch *w = l->owner[i];
			if (!still_added(l, w) || w->fd != l->pfd[i].fd)
				continue;
			w->on_event(w, l->pfd[i].revents);
		}
		fire_timers(l);
	}
	return 0;
}
