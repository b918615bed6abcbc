/* policy/worker_states.c for the login role: HELLO, LOG*, LOGIN_START
 * from the monitor, then exactly one LOGIN_DONE or LOGIN_ERROR. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "policy/worker_states.h"

static void walk(enum msg_type final)
{
	struct worker_track t;

	worker_track_init(&t, ROLE_LOGIN);
	assert_int_equal(worker_step(&t, MSG_LOGIN_START, NULL), WORKER_KILL);  /* before HELLO */
	assert_int_equal(worker_step(&t, MSG_HELLO, NULL), WORKER_ALLOW);
	assert_int_equal(worker_step(&t, MSG_LOG, NULL), WORKER_ALLOW);
	assert_int_equal(worker_step(&t, final, NULL), WORKER_KILL);            /* before its job */
	assert_int_equal(worker_step(&t, MSG_LOGIN_START, NULL), WORKER_ALLOW);
	assert_int_equal(t.state, WS_RUNNING);
	assert_int_equal(worker_step(&t, MSG_LOGIN_START, NULL), WORKER_KILL);
	assert_int_equal(worker_step(&t, MSG_DISC_RECORDS, NULL), WORKER_KILL);
	assert_int_equal(worker_step(&t, MSG_LOG, NULL), WORKER_ALLOW);
	assert_int_equal(worker_step(&t, final, NULL), WORKER_ALLOW);
	assert_int_equal(t.state, WS_DONE);
	/* Exactly one final message, and nothing after it. */
	assert_int_equal(worker_step(&t, MSG_LOGIN_DONE, NULL), WORKER_KILL);
	assert_int_equal(worker_step(&t, MSG_LOGIN_ERROR, NULL), WORKER_KILL);
	assert_int_equal(worker_step(&t, MSG_LOG, NULL), WORKER_KILL);
}

static void login_role_walk(void **state)
{
	(void)state;
	walk(MSG_LOGIN_DONE);
	walk(MSG_LOGIN_ERROR);
}

static void discovery_role_has_no_login_messages(void **state)
{
	struct worker_track t;

	(void)state;
	worker_track_init(&t, ROLE_DISCOVERY);
	assert_int_equal(worker_step(&t, MSG_HELLO, NULL), WORKER_ALLOW);
	assert_int_equal(worker_step(&t, MSG_LOGIN_START, NULL), WORKER_KILL);
	assert_int_equal(worker_step(&t, MSG_DISC_START, NULL), WORKER_ALLOW);
	assert_int_equal(worker_step(&t, MSG_LOGIN_DONE, NULL), WORKER_KILL);
	assert_int_equal(worker_step(&t, MSG_LOGIN_ERROR, NULL), WORKER_KILL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(login_role_walk),
		cmocka_unit_test(discovery_role_has_no_login_messages),
	};
	return cmocka_run_group_tests_name("login_policy", tests, NULL, NULL);
}
