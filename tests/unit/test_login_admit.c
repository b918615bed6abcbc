/* How many sessions a record gets (monitor/login_admit.h) and which
 * records iscsid logs in at start (monitor/autologin.h): the rule on
 * counts, the count of a record's sessions (iscsid's table and sysfs,
 * never one twice), LOGINs against a monitor whose jobs stay queued
 * (max_workers 0), so that logins under way are counted, a request
 * beyond nr_sessions is held and decided again when one ends, and -o new
 * always gets its session; the record selection and the plan at start. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "monitor/autologin.h"
#include "monitor/login_admit.h"
#include "monitor/login_job.h"
#include "monitor/monitor.h"
#include "monitor/options.h"
#include "monitor/sessions.h"
#include "monitor/workers.h"

/* monitor/main.c's, which the monitor's objects call. */
void monitor_request_stop(struct monitor *m, const char *why)
{
	(void)why;
	m->stopping = true;
	loop_stop(m->loop);
}

void monitor_reload(struct monitor *m)
{
	(void)m;
}

static char root[256];

static void put(const char *rel, const char *text)
{
	char path[1024];

	assert_true((size_t)snprintf(path, sizeof(path), "%s/%s", root, rel) < sizeof(path));
	/* mkdir -p of the directories under root. */
	for (char *p = path + strlen(root) + 1; (p = strchr(p, '/')); p++) {
		*p = '\0';
		assert_true(mkdir(path, 0755) == 0 || errno == EEXIST);
		*p = '/';
	}
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

/* A session in sysfs (no table entry): what ksys_sessions_of_target reads. */
static void sysfs_session(unsigned sid, const char *target, const char *addr, const char *port,
			  const char *iface)
{
	char rel[256];

	snprintf(rel, sizeof(rel), "sys/class/iscsi_session/session%u/targetname", sid);
	put(rel, target);
	snprintf(rel, sizeof(rel), "sys/class/iscsi_session/session%u/ifacename", sid);
	put(rel, iface);
	snprintf(rel, sizeof(rel), "sys/class/iscsi_connection/connection%u:0/persistent_address",
		 sid);
	put(rel, addr);
	snprintf(rel, sizeof(rel), "sys/class/iscsi_connection/connection%u:0/persistent_port", sid);
	put(rel, port);
}

static int setup(void **state)
{
	(void)state;
	snprintf(root, sizeof(root), "/tmp/test-login-admit.XXXXXX");
	assert_non_null(mkdtemp(root));
	setenv("ISCSI_ROOT", root, 1);
	return 0;
}

static int teardown(void **state)
{
	char cmd[512];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	assert_int_equal(system(cmd), 0);
	unsetenv("ISCSI_ROOT");
	return 0;
}

#define T1 "iqn.2001-05.com.example:t1"
#define T2 "iqn.2001-05.com.example:t2"

static struct ctl_login login_req(const char *target, const char *addr, uint16_t port,
				  const char *iface, uint32_t flags)
{
	struct ctl_login r;

	memset(&r, 0, sizeof(r));
	snprintf(r.target_name, sizeof(r.target_name), "%s", target);
	snprintf(r.address, sizeof(r.address), "%s", addr);
	r.port = port;
	snprintf(r.iface, sizeof(r.iface), "%s", iface);
	r.flags = flags;
	return r;
}

static struct msession *table_session(struct monitor *m, uint32_t sid, const char *target,
				      const char *addr, uint16_t port, const char *iface)
{
	struct msession *s = sessions_add(m, sid, 0, sid + 100);

	assert_non_null(s);
	snprintf(s->target_name, sizeof(s->target_name), "%s", target);
	snprintf(s->address, sizeof(s->address), "%s", addr);
	s->port = port;
	snprintf(s->iface, sizeof(s->iface), "%s", iface);
	return s;
}

static void monitor_init(struct monitor *m)
{
	memset(m, 0, sizeof(*m));
	m->loop = loop_new();
	assert_non_null(m->loop);
	assert_int_equal(workers_init(m), 0);
	/* No slot: every job stays queued, a login under way for good. */
	m->settings.max_workers = 0;
}

static void monitor_fini(struct monitor *m)
{
	workers_stop_all(m);
	while (m->sessions)
		sessions_remove(m, m->sessions);
	loop_free(m->loop);
}

static struct loop *running;

static void stop_loop(struct loop_timer *t)
{
	(void)t;
	loop_stop(running);
}

/* Runs the loop for ms: timers due before then fire (the recheck). */
static void run_loop(struct monitor *m, int ms)
{
	struct loop_timer stop = { .on_expire = stop_loop };

	running = m->loop;
	loop_timer_arm(m->loop, &stop, loop_now_ms() + ms);
	assert_int_equal(loop_run(m->loop), 0);
}

static void decide_rule(void **state)
{
	(void)state;
	/* Nothing yet: start, up to nr_sessions with logins under way. */
	assert_int_equal(login_admit_decide(0, 0, 1, false), LOGIN_START);
	assert_int_equal(login_admit_decide(0, 1, 2, false), LOGIN_START);
	assert_int_equal(login_admit_decide(1, 0, 2, false), LOGIN_START);
	/* Sessions alone reach it: refused (15). */
	assert_int_equal(login_admit_decide(1, 0, 1, false), LOGIN_REFUSE);
	assert_int_equal(login_admit_decide(2, 0, 2, false), LOGIN_REFUSE);
	assert_int_equal(login_admit_decide(3, 1, 2, false), LOGIN_REFUSE);
	/* Logins under way make it up: held until they end. */
	assert_int_equal(login_admit_decide(0, 1, 1, false), LOGIN_WAIT);
	assert_int_equal(login_admit_decide(1, 1, 2, false), LOGIN_WAIT);
	assert_int_equal(login_admit_decide(0, 5, 2, false), LOGIN_WAIT);
	/* -o new: one more, whatever the counts. */
	assert_int_equal(login_admit_decide(7, 3, 1, true), LOGIN_START);
	/* nr_sessions 0 is read as 1. */
	assert_int_equal(login_admit_decide(1, 0, 0, false), LOGIN_REFUSE);
	assert_int_equal(login_admit_decide(0, 0, 0, false), LOGIN_START);
}

static void session_count(void **state)
{
	(void)state;
	struct monitor mon, *m = &mon;

	monitor_init(m);
	assert_int_equal(login_admit_sessions(m, T1, "127.0.0.1", 3260, "default"), 0);
	table_session(m, 1, T1, "127.0.0.1", 3260, "default");
	table_session(m, 2, T1, "127.0.0.1", 3260, "default");
	table_session(m, 3, T1, "127.0.0.2", 3260, "default");      /* another portal */
	table_session(m, 4, T1, "127.0.0.1", 3261, "default");      /* another port */
	table_session(m, 5, T1, "127.0.0.1", 3260, "iface0");       /* another iface */
	table_session(m, 6, T2, "127.0.0.1", 3260, "default");      /* another target */
	assert_int_equal(login_admit_sessions(m, T1, "127.0.0.1", 3260, "default"), 2);
	/* sysfs: session 1 is the table's (not counted twice), 9 someone
	 * else's, 10 with the kernel's empty iface name, 11 another portal. */
	sysfs_session(1, T1, "127.0.0.1", "3260", "default");
	sysfs_session(9, T1, "127.0.0.1", "3260", "default");
	sysfs_session(10, T1, "127.0.0.1", "3260", "");
	sysfs_session(11, T1, "127.0.0.9", "3260", "default");
	assert_int_equal(login_admit_sessions(m, T1, "127.0.0.1", 3260, "default"), 4);
	assert_int_equal(login_admit_sessions(m, T1, "127.0.0.9", 3260, "default"), 1);
	/* IPv6 addresses compare as numbers. */
	table_session(m, 12, T2, "0:0::1", 3260, "default");
	assert_int_equal(login_admit_sessions(m, T2, "::1", 3260, "default"), 1);
	monitor_fini(m);
}

static void admission(void **state)
{
	(void)state;
	struct monitor mon, *m = &mon;
	struct ctl_login r = login_req(T1, "127.0.0.1", 3260, "default", 0);

	monitor_init(m);
	/* nr_sessions 2: two logins queued, the third and fourth held. */
	login_admit_request(m, NULL, &r, 2);
	login_admit_request(m, NULL, &r, 2);
	assert_int_equal(workers_queued(m), 2);
	assert_int_equal(login_job_count(m, &r), 2);
	login_admit_request(m, NULL, &r, 2);
	login_admit_request(m, NULL, &r, 2);
	assert_int_equal(workers_queued(m), 2);
	assert_int_equal(login_admit_held(), 2);
	/* Another record is counted on its own. */
	struct ctl_login r2 = login_req(T2, "127.0.0.1", 3260, "default", 0);
	login_admit_request(m, NULL, &r2, 1);
	assert_int_equal(workers_queued(m), 3);
	assert_int_equal(login_job_count(m, &r), 2);
	assert_int_equal(login_job_count(m, &r2), 1);
	/* -o new: one more at once, even with the record's logins under way. */
	struct ctl_login more = login_req(T1, "127.0.0.1", 3260, "default", CTL_LOGIN_F_NEW);
	login_admit_request(m, NULL, &more, 2);
	assert_int_equal(workers_queued(m), 4);
	assert_int_equal(login_job_count(m, &r), 3);

	/* The logins under way end without a session (dropped here): the
	 * held requests are decided again, in order, on the next turn. */
	workers_stop_all(m);
	assert_int_equal(workers_init(m), 0);
	login_admit_job_ended(m);
	assert_int_equal(login_admit_held(), 2);
	run_loop(m, 30);
	assert_int_equal(login_admit_held(), 0);
	assert_int_equal(workers_queued(m), 2);
	assert_int_equal(login_job_count(m, &r), 2);

	/* The record's sessions are up: one more LOGIN is refused (15). */
	table_session(m, 1, T1, "127.0.0.1", 3260, "default");
	table_session(m, 2, T1, "127.0.0.1", 3260, "default");
	login_admit_request(m, NULL, &r, 2);
	assert_int_equal(workers_queued(m), 2);
	assert_int_equal(login_admit_held(), 0);
	/* One session and one login under way make 2: held, then refused
	 * once the login has ended, since the sessions are there by then. */
	workers_stop_all(m);
	assert_int_equal(workers_init(m), 0);
	sessions_remove(m, m->sessions);
	login_admit_request(m, NULL, &r, 2);
	assert_int_equal(workers_queued(m), 1);
	login_admit_request(m, NULL, &r, 2);
	assert_int_equal(login_admit_held(), 1);
	workers_stop_all(m);
	assert_int_equal(workers_init(m), 0);
	table_session(m, 3, T1, "127.0.0.1", 3260, "default");
	login_admit_job_ended(m);
	run_loop(m, 30);
	assert_int_equal(login_admit_held(), 0);
	assert_int_equal(workers_queued(m), 0);

	/* nr_sessions unknown (0) and nothing to count: started without
	 * reading the record; with a login under way, a record that cannot
	 * be read does not hold anything up either (its job says why). */
	login_admit_request(m, NULL, &r2, 0);
	login_admit_request(m, NULL, &r2, 0);
	assert_int_equal(workers_queued(m), 2);
	assert_int_equal(login_admit_held(), 0);
	monitor_fini(m);
}

static void selection(void **state)
{
	(void)state;
	const unsigned a = ISCSID_AUTOLOGIN_AUTOMATIC, o = ISCSID_AUTOLOGIN_ONBOOT;

	assert_true(autologin_selects(a, "automatic", "manual"));
	assert_false(autologin_selects(a, "manual", "manual"));
	assert_false(autologin_selects(a, "onboot", "manual"));
	/* node.conn[0].startup selects too, as for iscsiadm -L. */
	assert_true(autologin_selects(a, "manual", "automatic"));
	assert_true(autologin_selects(a, NULL, "automatic"));
	assert_false(autologin_selects(a, NULL, NULL));
	/* onboot only when asked. */
	assert_true(autologin_selects(a | o, "onboot", "manual"));
	assert_true(autologin_selects(o, "onboot", NULL));
	assert_false(autologin_selects(o, "automatic", "manual"));
	assert_true(autologin_selects(a | o, "automatic", NULL));
	/* --autologin=none. */
	assert_false(autologin_selects(0, "automatic", "automatic"));
}

static struct autologin_item item(const char *target, const char *addr, unsigned wanted,
				  unsigned present, bool leading, bool target_up)
{
	struct autologin_item it;

	memset(&it, 0, sizeof(it));
	it.req = login_req(target, addr, 3260, "default", 0);
	it.wanted = wanted;
	it.present = present;
	it.leading = leading;
	it.target_up = target_up;
	it.to_start = 99;
	return it;
}

static void plan(void **state)
{
	(void)state;
	struct autologin_item v[] = {
		item(T1, "10.0.0.1", 1, 0, false, false),       /* 1 */
		item(T1, "10.0.0.2", 2, 0, false, false),       /* 2 */
		item(T1, "10.0.0.3", 3, 1, false, true),        /* 2: one taken over */
		item(T1, "10.0.0.4", 1, 1, false, true),        /* 0: has its session */
		item(T1, "10.0.0.5", 2, 5, false, true),        /* 0: more than wanted */
		/* Leading login: the first record of a target without a
		 * session, with its nr_sessions; none for the others. */
		item(T2, "10.0.1.1", 2, 0, true, false),        /* 2 */
		item(T2, "10.0.1.2", 1, 0, true, false),        /* 0 */
		item("iqn.2001-05.com.example:t3", "10.0.2.1", 1, 0, true, true),     /* 0 */
		/* A leading record of a target another record logs in
		 * anyway, before or after it in the database: none. */
		item("iqn.2001-05.com.example:t4", "10.0.3.1", 1, 0, true, false),    /* 0 */
		item("iqn.2001-05.com.example:t4", "10.0.3.2", 1, 0, false, false),   /* 1 */
		item("iqn.2001-05.com.example:t5", "10.0.4.1", 0, 0, false, false),   /* 1 */
		/* A normal record that needs nothing does not stand in. */
		item("iqn.2001-05.com.example:t6", "10.0.5.1", 1, 1, false, false),   /* 0 */
		item("iqn.2001-05.com.example:t6", "10.0.5.2", 1, 0, true, false),    /* 1 */
	};
	static const unsigned want[] = { 1, 2, 2, 0, 0, 2, 0, 0, 0, 1, 1, 0, 1 };

	assert_int_equal(autologin_plan(v, sizeof(v) / sizeof(v[0])), 10);
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		assert_int_equal(v[i].to_start, want[i]);
	assert_int_equal(autologin_plan(v, 0), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(decide_rule),
		cmocka_unit_test_setup_teardown(session_count, setup, teardown),
		cmocka_unit_test_setup_teardown(admission, setup, teardown),
		cmocka_unit_test(selection),
		cmocka_unit_test(plan),
	};

	return cmocka_run_group_tests_name("login_admit", tests, NULL, NULL);
}
