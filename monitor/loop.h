/* iscsid's one event loop: every descriptor the monitor waits on (control
 * socket, clients, worker channels, the signalfd) and its timers (worker
 * deadlines). Nothing in the monitor blocks outside loop_run().
 *
 * poll(), not epoll: the set is rebuilt from the watches on every turn,
 * so a watch may change its descriptor at any time (a discovery run moves
 * from its TCP socket to its worker channel) and a descriptor closed
 * while another process still holds the same socket can never leave a
 * stale registration behind, as it would in an epoll set. The set is
 * small (clients plus at most max_workers runs). */
#ifndef MONITOR_LOOP_H
#define MONITOR_LOOP_H

#include <stdbool.h>
#include <stdint.h>

struct loop;

/* Embedded in the owner's struct. fd and events (POLLIN / POLLOUT) may be
 * changed directly at any time; fd -1 is skipped. on_event gets the
 * revents bits (POLLHUP, POLLERR and POLLNVAL included). A callback may
 * add or remove any watch or timer, its own included, and free its owner
 * once it has removed the watch. */
struct loop_watch {
	int fd;
	short events;
	void (*on_event)(struct loop_watch *w, short revents);
	/* private */
	struct loop_watch *next;
	bool added;
};

struct loop_timer {
	long long due_ms;       /* loop_now_ms() time */
	void (*on_expire)(struct loop_timer *t);
	/* private */
	bool armed;
	struct loop_timer *next;
};

/* NULL when out of memory. */
struct loop *loop_new(void);
void loop_free(struct loop *l);

/* CLOCK_MONOTONIC milliseconds. */
long long loop_now_ms(void);

void loop_watch_add(struct loop *l, struct loop_watch *w);
/* Removing a watch that is not added is a no-op. */
void loop_watch_del(struct loop *l, struct loop_watch *w);

/* (Re)arms t to fire once at due_ms; cancelling an unarmed timer is a no-op. */
void loop_timer_arm(struct loop *l, struct loop_timer *t, long long due_ms);
void loop_timer_cancel(struct loop *l, struct loop_timer *t);

/* Runs until loop_stop(). Returns 0, or -1 when poll() fails. */
int loop_run(struct loop *l);
void loop_stop(struct loop *l);

#endif
