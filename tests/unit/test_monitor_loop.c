/* iscsid's event loop (monitor/loop.h): timers fire once, in due order,
 * and may re-arm or cancel others; a watch removed (and freed) by an
 * earlier callback of the same turn is not called; a watch may move to
 * another descriptor; hang-ups are reported. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "monitor/loop.h"

static struct loop *L;
static char order[16];
static size_t n_order;

struct tagged_timer {
	struct loop_timer t;
	char tag;
};

static void note_timer(struct loop_timer *t)
{
	struct tagged_timer *tt = (struct tagged_timer *)t;

	order[n_order++] = tt->tag;
	if (tt->tag == 'c')
		loop_stop(L);
}

static void timers(void **state)
{
	(void)state;
	struct tagged_timer a = { .t.on_expire = note_timer, .tag = 'a' };
	struct tagged_timer b = { .t.on_expire = note_timer, .tag = 'b' };
	struct tagged_timer c = { .t.on_expire = note_timer, .tag = 'c' };
	struct tagged_timer x = { .t.on_expire = note_timer, .tag = 'x' };
	long long now = loop_now_ms();

	L = loop_new();
	n_order = 0;
	loop_timer_arm(L, &c.t, now + 60);
	loop_timer_arm(L, &a.t, now + 10);
	loop_timer_arm(L, &x.t, now + 20);
	loop_timer_arm(L, &b.t, now + 1000);
	loop_timer_arm(L, &b.t, now + 30);      /* re-armed earlier */
	loop_timer_cancel(L, &x.t);
	loop_timer_cancel(L, &x.t);             /* twice: harmless */
	assert_int_equal(loop_run(L), 0);
	assert_int_equal(n_order, 3);
	assert_memory_equal(order, "abc", 3);
	assert_true(loop_now_ms() - now >= 60);
	loop_free(L);
}

struct pipe_watch {
	struct loop_watch w;
	int wr;
	struct pipe_watch *victim;
	int calls;
};

static struct pipe_watch *freed_one;

static void read_and_kill_other(struct loop_watch *w, short revents)
{
	struct pipe_watch *p = (struct pipe_watch *)w;
	char c;

	assert_true(revents & POLLIN);
	p->calls++;
	(void)!read(w->fd, &c, 1);
	if (p->victim) {
		loop_watch_del(L, &p->victim->w);
		close(p->victim->w.fd);
		close(p->victim->wr);
		free(p->victim);
		freed_one = p->victim;
		p->victim = NULL;
	}
}

static void stop_loop(struct loop_timer *t)
{
	(void)t;
	loop_stop(L);
}

static struct pipe_watch *new_pipe_watch(void)
{
	struct pipe_watch *p = calloc(1, sizeof(*p));
	int fds[2];

	assert_int_equal(pipe2(fds, O_CLOEXEC), 0);
	p->w.fd = fds[0];
	p->w.events = POLLIN;
	p->w.on_event = read_and_kill_other;
	p->wr = fds[1];
	assert_int_equal(write(p->wr, "x", 1), 1);
	return p;
}

static void removal_during_a_turn(void **state)
{
	(void)state;
	L = loop_new();
	/* Both readable in the same poll(); whichever runs first frees the
	 * other, which must then not be called (ASan would see it). */
	struct pipe_watch *one = new_pipe_watch(), *two = new_pipe_watch();
	one->victim = two;
	two->victim = one;
	loop_watch_add(L, &one->w);
	loop_watch_add(L, &two->w);
	freed_one = NULL;
	struct loop_timer stop = { .on_expire = stop_loop };
	loop_timer_arm(L, &stop, loop_now_ms() + 100);
	assert_int_equal(loop_run(L), 0);
	assert_non_null(freed_one);
	struct pipe_watch *alive = freed_one == one ? two : one;
	assert_int_equal(alive->calls, 1);
	loop_watch_del(L, &alive->w);
	close(alive->w.fd);
	close(alive->wr);
	free(alive);
	loop_free(L);
}

struct mover {
	struct loop_watch w;
	int first_rd, first_wr, second_rd, second_wr;
	int hits_first, hits_second;
	short last;
};

static void move_on(struct loop_watch *w, short revents)
{
	struct mover *m = (struct mover *)w;
	char c;

	m->last = revents;
	if (w->fd == m->first_rd) {
		m->hits_first++;
		(void)!read(w->fd, &c, 1);
		w->fd = m->second_rd;   /* from now on, the other pipe */
		close(m->second_wr);    /* its writer gone: a hang-up */
		return;
	}
	m->hits_second++;
	loop_stop(L);
}

static void watch_moves_and_hangup(void **state)
{
	(void)state;
	struct mover m = { .w.events = POLLIN, .w.on_event = move_on };
	int a[2], b[2];

	assert_int_equal(pipe2(a, O_CLOEXEC), 0);
	assert_int_equal(pipe2(b, O_CLOEXEC), 0);
	m.first_rd = a[0];
	m.first_wr = a[1];
	m.second_rd = b[0];
	m.second_wr = b[1];
	m.w.fd = a[0];
	assert_int_equal(write(a[1], "x", 1), 1);
	L = loop_new();
	loop_watch_add(L, &m.w);
	/* An fd of -1 is skipped, not polled. */
	struct loop_watch idle = { .fd = -1, .events = POLLIN, .on_event = move_on };
	loop_watch_add(L, &idle);
	assert_int_equal(loop_run(L), 0);
	assert_int_equal(m.hits_first, 1);
	assert_int_equal(m.hits_second, 1);
	assert_true(m.last & POLLHUP);
	loop_watch_del(L, &m.w);
	loop_watch_del(L, &m.w);        /* twice: harmless */
	loop_watch_del(L, &idle);
	close(a[0]);
	close(a[1]);
	close(b[0]);
	loop_free(L);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(timers),
		cmocka_unit_test(removal_during_a_turn),
		cmocka_unit_test(watch_moves_and_hangup),
	};

	return cmocka_run_group_tests_name("monitor_loop", tests, NULL, NULL);
}
