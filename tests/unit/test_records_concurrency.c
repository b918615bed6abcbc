/* The record database under many processes: lock waits and timeouts,
 * 16 processes creating 1,000 records each, racing updates of different
 * keys of one record, and writers killed with SIGKILL at random moments. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "base/log.h"
#include "records/db.h"

static char dir[128];
static int seq;

/* What is tested here is the atomicity of each change between processes
 * (SIGKILL loses nothing that reached the kernel), not the disk's flush
 * latency, so the database lives in tmpfs when there is one: 16,000
 * fsync'd writes would otherwise take minutes on a slow disk. */
static const char *scratch(void)
{
	return access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
}

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "%s/test_records_conc.%d.%d/db", scratch(), (int)getpid(), ++seq);
	return 0;
}

static int teardown(void **state)
{
	char cmd[256];
	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf %s/test_records_conc.%d.%d", scratch(), (int)getpid(), seq);
	return system(cmd) == 0 ? 0 : -1;
}

static struct recdb *open_db(void)
{
	struct recdb *db;
	struct rec_err err;

	if (recdb_open(dir, &db, &err) != 0)
		fail_msg("open: %s", err.msg);
	return db;
}

static struct rec *node(const char *target)
{
	struct rec *r = rec_new(REC_NODE);
	struct rec_err err;

	if (rec_set(r, "node.name", target, &err) || rec_set(r, "node.conn[0].address", "10.1.1.1", &err))
		return NULL;
	return r;
}

static struct rec_key key_of(const char *target)
{
	struct rec_key k = { .kind = REC_NODE, .port = 3260, .tpgt = -1 };

	snprintf(k.target, sizeof(k.target), "%s", target);
	snprintf(k.addr, sizeof(k.addr), "10.1.1.1");
	snprintf(k.iface, sizeof(k.iface), "default");
	return k;
}

static int wait_all(pid_t *pids, int n)
{
	int bad = 0;

	for (int i = 0; i < n; i++) {
		int status;

		if (waitpid(pids[i], &status, 0) != pids[i] || !WIFEXITED(status) ||
		    WEXITSTATUS(status) != 0)
			bad++;
	}
	return bad;
}

struct hold_args {
	int fd;
	unsigned ms;
};

static int hold_lock(struct recdb_txn *txn, void *arg, struct rec_err *err)
{
	struct hold_args *a = arg;
	struct timespec ts = { a->ms / 1000, (long)(a->ms % 1000) * 1000000L };
	(void)txn;
	(void)err;
	if (write(a->fd, "x", 1) != 1)
		return -1;
	nanosleep(&ts, NULL);
	return 0;
}

static void lock_contention(void **state)
{
	struct recdb *db = open_db();
	struct rec_key k = key_of("iqn.2001-04.com.example:held");
	struct rec_filter f = rec_filter_all(REC_NODE);
	struct rec_key *keys;
	struct rec_err err;
	struct timespec t0, t1;
	struct rec *r;
	int p[2];
	char c;
	size_t n;
	pid_t pid;
	long ms;
	(void)state;
	r = node(k.target);
	assert_int_equal(recdb_put(db, r, false, &err), 0);
	rec_free(r);
	assert_int_equal(pipe(p), 0);
	pid = fork();
	if (pid == 0) {
		struct recdb *cdb;
		struct hold_args a = { p[1], 1500 };

		close(p[0]);
		if (recdb_open(dir, &cdb, &err))
			_exit(1);
		_exit(recdb_transact(cdb, hold_lock, &a, &err) ? 1 : 0);
	}
	close(p[1]);
	assert_int_equal(read(p[0], &c, 1), 1);   /* the child holds LOCK_EX */

	recdb_set_lock_timeout(db, 300);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(recdb_get(db, &k, &r, &err), -1);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
	assert_int_equal(err.status, REC_E_LOCK_TIMEOUT);
	assert_non_null(strstr(err.msg, "locked by another process"));
	assert_true(ms >= 300 && ms < 1200);
	assert_int_equal(recdb_list(db, &f, &keys, &n, &err), -1);
	assert_int_equal(err.status, REC_E_LOCK_TIMEOUT);

	/* A longer wait succeeds once the holder is done. */
	recdb_set_lock_timeout(db, 10000);
	assert_int_equal(recdb_get(db, &k, &r, &err), 0);
	rec_free(r);
	assert_int_equal(wait_all(&pid, 1), 0);
	close(p[0]);
	recdb_close(db);
}

#define WRITERS 16
#define PER_WRITER 1000

static void parallel_creates(void **state)
{
	struct rec_filter f = rec_filter_all(REC_NODE);
	pid_t pids[WRITERS];
	struct rec_key *keys;
	struct rec_err err;
	struct recdb *db;
	size_t n;
	(void)state;
	recdb_close(open_db());
	for (int w = 0; w < WRITERS; w++) {
		pids[w] = fork();
		if (pids[w] == 0) {
			struct recdb *cdb;
			char target[64];

			if (recdb_open(dir, &cdb, &err))
				_exit(1);
			for (int i = 0; i < PER_WRITER; i++) {
				struct rec *r;

				snprintf(target, sizeof(target), "iqn.2001-04.com.example:w%02d-%04d", w, i);
				r = node(target);
				if (!r || recdb_put(cdb, r, false, &err)) {
					fprintf(stderr, "writer %d: %s\n", w, err.msg);
					_exit(1);
				}
				rec_free(r);
			}
			recdb_close(cdb);
			_exit(0);
		}
	}
	assert_int_equal(wait_all(pids, WRITERS), 0);
	db = open_db();
	assert_int_equal(recdb_list(db, &f, &keys, &n, &err), 0);
	assert_int_equal(n, WRITERS * PER_WRITER);
	for (size_t i = 0; i < n; i++) {
		char want[64];

		snprintf(want, sizeof(want), "iqn.2001-04.com.example:w%02zu-%04zu", i / PER_WRITER,
			 i % PER_WRITER);
		assert_string_equal(keys[i].target, want);
	}
	free(keys);
	recdb_close(db);
}

/* Each process owns one key of the same record and sets it to 1..ROUNDS. */
static const char *const racing_keys[WRITERS] = {
	"node.session.cmds_max", "node.session.queue_depth", "node.session.initial_cmdsn",
	"node.session.initial_login_retry_max", "node.session.timeo.replacement_timeout",
	"node.session.err_timeo.abort_timeout", "node.session.err_timeo.lu_reset_timeout",
	"node.session.err_timeo.tgt_reset_timeout", "node.session.err_timeo.host_reset_timeout",
	"node.session.reopen_max", "node.conn[0].timeo.logout_timeout",
	"node.conn[0].timeo.login_timeout", "node.conn[0].timeo.auth_timeout",
	"node.conn[0].timeo.noop_out_interval", "node.conn[0].timeo.noop_out_timeout",
	"node.conn[0].tcp.type_of_service",
};
#define ROUNDS 60

static void racing_updates(void **state)
{
	const char *target = "iqn.2001-04.com.example:race";
	struct rec_key k = key_of(target);
	pid_t pids[WRITERS];
	struct rec_err err;
	struct recdb *db = open_db();
	struct rec *r = node(target);
	(void)state;
	assert_int_equal(recdb_put(db, r, false, &err), 0);
	rec_free(r);
	for (int w = 0; w < WRITERS; w++) {
		pids[w] = fork();
		if (pids[w] == 0) {
			struct rec_filter f = rec_filter_all(REC_NODE);
			struct recdb *cdb;
			char v[16];
			size_t n;

			f.target = target;
			if (recdb_open(dir, &cdb, &err))
				_exit(1);
			for (int i = 1; i <= ROUNDS; i++) {
				/* cmds_max needs at least 2; the others take 2.. too. */
				snprintf(v, sizeof(v), "%d", i + 1);
				if (recdb_update(cdb, &f, racing_keys[w], v, &n, &err) || n != 1) {
					fprintf(stderr, "updater %d: %s\n", w, err.msg);
					_exit(1);
				}
			}
			recdb_close(cdb);
			_exit(0);
		}
	}
	assert_int_equal(wait_all(pids, WRITERS), 0);
	assert_int_equal(recdb_get(db, &k, &r, &err), 0);
	for (int w = 0; w < WRITERS; w++)
		assert_string_equal(rec_get(r, racing_keys[w]), "61");
	rec_free(r);
	recdb_close(db);
}

/* Crash test. Writers create records and bump a counter record, reporting
 * each change over a pipe only after recdb_* returned success; the parent
 * kills them with SIGKILL at a random moment, reopens the database and
 * checks that every reported change is there and every record reads. A
 * small compaction threshold makes many kills land inside compactions. */
#define CRASH_ROUNDS 40
#define CRASH_WRITERS 4

static void crash_writer(int w, int round, int fd)
{
	struct rec_filter f = rec_filter_all(REC_NODE);
	char target[64], counter[64], v[16];
	struct recdb *db;
	struct rec_err err;
	size_t n;

	if (recdb_open(dir, &db, &err))
		_exit(1);
	recdb_set_compact_threshold(db, 8192);
	snprintf(counter, sizeof(counter), "iqn.2001-04.com.example:counter-%d", w);
	f.target = counter;
	for (uint32_t i = 1;; i++) {
		struct rec *r;

		snprintf(target, sizeof(target), "iqn.2001-04.com.example:r%02d-w%d-%05u", round, w, i);
		r = node(target);
		if (recdb_put(db, r, false, &err))
			_exit(1);
		rec_free(r);
		snprintf(v, sizeof(v), "%u", i);
		if (recdb_update(db, &f, "node.session.initial_cmdsn", v, &n, &err) || n != 1)
			_exit(1);
		if (write(fd, &i, sizeof(i)) != sizeof(i))
			_exit(1);
	}
}

static int check_record(const struct rec *r, void *arg)
{
	(*(size_t *)arg)++;
	return rec_get(r, "node.name")[0] ? 0 : 1;
}

static void kill9_writers(void **state)
{
	uint32_t acked[CRASH_WRITERS] = { 0 };
	unsigned int rnd = 20240531;
	struct rec_err err;
	struct recdb *db = open_db();
	size_t total_acked = 0;
	(void)state;
	for (int w = 0; w < CRASH_WRITERS; w++) {
		char counter[64];
		struct rec *r;

		snprintf(counter, sizeof(counter), "iqn.2001-04.com.example:counter-%d", w);
		r = node(counter);
		assert_int_equal(recdb_put(db, r, false, &err), 0);
		rec_free(r);
	}
	recdb_close(db);

	for (int round = 0; round < CRASH_ROUNDS; round++) {
		pid_t pids[CRASH_WRITERS];
		int fds[CRASH_WRITERS];
		struct timespec ts;

		for (int w = 0; w < CRASH_WRITERS; w++) {
			int p[2];

			assert_int_equal(pipe(p), 0);
			pids[w] = fork();
			if (pids[w] == 0) {
				close(p[0]);
				crash_writer(w, round, p[1]);
			}
			close(p[1]);
			fds[w] = p[0];
		}
		ts.tv_sec = 0;
		ts.tv_nsec = (long)(rand_r(&rnd) % 40 + 5) * 1000000L;
		nanosleep(&ts, NULL);
		for (int w = 0; w < CRASH_WRITERS; w++)
			kill(pids[w], SIGKILL);
		for (int w = 0; w < CRASH_WRITERS; w++) {
			uint32_t i, last = 0;
			int status;

			waitpid(pids[w], &status, 0);
			assert_true(WIFSIGNALED(status));
			while (read(fds[w], &i, sizeof(i)) == sizeof(i))
				last = i;
			close(fds[w]);

			/* Every acknowledged create of this round is present. */
			db = open_db();
			for (uint32_t j = 1; j <= last; j++) {
				char target[64];
				struct rec_key k;
				struct rec *r;

				snprintf(target, sizeof(target), "iqn.2001-04.com.example:r%02d-w%d-%05u",
					 round, w, j);
				k = key_of(target);
				if (recdb_get(db, &k, &r, &err))
					fail_msg("round %d: acknowledged %s lost: %s", round, target, err.msg);
				rec_free(r);
			}
			/* The counter is at least the last acknowledged value. */
			if (last) {
				char counter[64];
				struct rec_key k;
				struct rec *r;
				long long v;

				snprintf(counter, sizeof(counter), "iqn.2001-04.com.example:counter-%d", w);
				k = key_of(counter);
				assert_int_equal(recdb_get(db, &k, &r, &err), 0);
				assert_int_equal(rec_get_int(r, "node.session.initial_cmdsn", &v), 0);
				if (v < last)
					fail_msg("round %d: counter %d is %lld, acknowledged %u", round, w, v, last);
				rec_free(r);
				acked[w] = last;
			}
			total_acked += last;
			recdb_close(db);
		}
		/* The whole database still reads. */
		{
			struct rec_filter f = rec_filter_all(REC_NODE);
			size_t seen = 0;

			db = open_db();
			if (recdb_foreach(db, &f, check_record, &seen, &err))
				fail_msg("round %d: %s", round, err.msg);
			assert_true(seen >= total_acked);
			recdb_close(db);
		}
	}
	print_message("crash test: %zu acknowledged changes across %d rounds, all present\n",
		      total_acked, CRASH_ROUNDS);
	assert_true(total_acked > 100);
	(void)acked;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(lock_contention, setup, teardown),
		cmocka_unit_test_setup_teardown(parallel_creates, setup, teardown),
		cmocka_unit_test_setup_teardown(racing_updates, setup, teardown),
		cmocka_unit_test_setup_teardown(kill9_writers, setup, teardown),
	};
	log_init("test_records_concurrency", LOG_TO_STDERR, 0);
	return cmocka_run_group_tests_name("records_concurrency", tests, NULL, NULL);
}
