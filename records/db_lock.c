/* The database lock: flock() on records.lock with a bounded wait. */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

#include "records/db_view.h"

static long elapsed_ms(const struct timespec *start)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (now.tv_sec - start->tv_sec) * 1000 + (now.tv_nsec - start->tv_nsec) / 1000000;
}

static int lock_timeout(struct recdb *db, struct rec_err *err)
{
	return rec_fail(err, REC_E_LOCK_TIMEOUT,
			"%s: the record database is locked by another process (waited %d ms); try again",
			db->lock_path, db->timeout_ms);
}

/* Fallback when SIGALRM is blocked: poll with a growing sleep. */
static int lock_polling(struct recdb *db, int how, const struct timespec *start,
			struct rec_err *err)
{
	long delay_us = 100;

	for (;;) {
		struct timespec nap = { 0, delay_us * 1000 };

		if (flock(db->lockfd, how | LOCK_NB) == 0)
			return 0;
		if (errno != EINTR && errno != EWOULDBLOCK)
			return db_io_fail(db->lock_path, "flock", err);
		if (elapsed_ms(start) >= db->timeout_ms)
			return lock_timeout(db, err);
		nanosleep(&nap, NULL);
		if (delay_us < 2000)
			delay_us *= 2;
	}
}

static void on_lock_tick(int sig)
{
	(void)sig;
}

/* Waits in a blocking flock(), which the kernel wakes as soon as the lock
 * is free, instead of polling, which lets a waiter starve while others
 * keep re-taking the lock. A per-thread timer sends SIGALRM every 100 ms
 * to interrupt the wait and check the deadline; the caller's SIGALRM
 * disposition is restored before returning. */
int db_lock(struct recdb *db, int how, struct rec_err *err)
{
	struct sigevent sev = { .sigev_notify = SIGEV_THREAD_ID, .sigev_signo = SIGALRM };
	struct itimerspec tick = { { 0, 100000000 }, { 0, 100000000 } };
	struct sigaction sa = { .sa_handler = on_lock_tick }, old_sa;
	struct timespec start;
	sigset_t mask;
	timer_t timer;
	int rc, saved;

	if (flock(db->lockfd, how | LOCK_NB) == 0)
		return 0;
	if (errno != EWOULDBLOCK && errno != EINTR)
		return db_io_fail(db->lock_path, "flock", err);
	clock_gettime(CLOCK_MONOTONIC, &start);
	if (pthread_sigmask(SIG_BLOCK, NULL, &mask) != 0 || sigismember(&mask, SIGALRM))
		return lock_polling(db, how, &start, err);
	sev._sigev_un._tid = gettid();
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGALRM, &sa, &old_sa) < 0)
		return lock_polling(db, how, &start, err);
	if (timer_create(CLOCK_MONOTONIC, &sev, &timer) < 0) {
		sigaction(SIGALRM, &old_sa, NULL);
		return lock_polling(db, how, &start, err);
	}
	timer_settime(timer, 0, &tick, NULL);
	for (;;) {
		rc = flock(db->lockfd, how);
		saved = errno;
		if (rc == 0 || saved != EINTR || elapsed_ms(&start) >= db->timeout_ms)
			break;
	}
	timer_delete(timer);
	sigaction(SIGALRM, &old_sa, NULL);
	if (rc == 0)
		return 0;
	if (saved == EINTR)
		return lock_timeout(db, err);
	errno = saved;
	return db_io_fail(db->lock_path, "flock", err);
}

void db_unlock(struct recdb *db)
{
	flock(db->lockfd, LOCK_UN);
}

/* Checks the marker that makes a gdbm file ours. */
