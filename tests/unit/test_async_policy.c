/* The "pdu" worker role in the policy tables: its straight line of
 * messages (HELLO, PDU_DECODE, one answer), everything else a kill, its
 * seccomp allow-list (the smallest of all roles: no network descriptor,
 * no waiting) and its name. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <seccomp.h>
#include <string.h>
#include <sys/mman.h>

#include "policy/roles.h"
#include "policy/seccomp_roles.h"
#include "policy/worker_states.h"

static void step_ok(struct worker_track *t, enum msg_type type, enum worker_state then)
{
	const char *why = "unset";

	assert_int_equal(worker_step(t, type, &why), WORKER_ALLOW);
	assert_null(why);
	assert_int_equal(t->state, then);
}

static void step_kill(struct worker_track *t, enum msg_type type)
{
	const char *why = NULL;
	struct worker_track before = *t;

	assert_int_equal(worker_step(t, type, &why), WORKER_KILL);
	assert_non_null(why);
	assert_memory_equal(&before, t, sizeof(before));
}

static const enum msg_type answers[] = { MSG_PDU_ASYNC, MSG_PDU_LOGOUT_RSP, MSG_PDU_ERROR };
#define N_ANSWERS (sizeof(answers) / sizeof(answers[0]))

/* HELLO, LOG lines, PDU_DECODE, LOG lines, one answer, then nothing. */
static void straight_line(void **state)
{
	(void)state;
	for (size_t i = 0; i < N_ANSWERS; i++) {
		struct worker_track t;

		worker_track_init(&t, ROLE_PDU);
		step_ok(&t, MSG_LOG, WS_NEW);
		step_ok(&t, MSG_HELLO, WS_READY);
		step_ok(&t, MSG_LOG, WS_READY);
		step_ok(&t, MSG_PDU_DECODE, WS_RUNNING);
		step_ok(&t, MSG_LOG, WS_RUNNING);
		step_ok(&t, answers[i], WS_DONE);
		/* After the answer: nothing at all, not even a log line. */
		step_kill(&t, MSG_LOG);
		for (size_t j = 0; j < N_ANSWERS; j++)
			step_kill(&t, answers[j]);
		step_kill(&t, MSG_PDU_DECODE);
	}
}

/* An answer before the PDU, a second PDU, a second HELLO. */
static void out_of_turn(void **state)
{
	struct worker_track t;

	(void)state;
	for (size_t i = 0; i < N_ANSWERS; i++) {
		worker_track_init(&t, ROLE_PDU);
		step_kill(&t, answers[i]);
		step_kill(&t, MSG_PDU_DECODE);
		step_ok(&t, MSG_HELLO, WS_READY);
		step_kill(&t, answers[i]);
		step_kill(&t, MSG_HELLO);
	}
	worker_track_init(&t, ROLE_PDU);
	step_ok(&t, MSG_HELLO, WS_READY);
	step_ok(&t, MSG_PDU_DECODE, WS_RUNNING);
	step_kill(&t, MSG_PDU_DECODE);
	step_kill(&t, MSG_HELLO);
}

/* Nothing of the other roles' protocols: no job of theirs, no results,
 * no CHAP (a PDU worker has no secret to ask for). */
static void other_roles_messages(void **state)
{
	static const enum msg_type foreign[] = {
		MSG_DISC_START, MSG_DISC_RECORDS, MSG_DISC_DONE, MSG_DISC_ERROR,
		MSG_LOGIN_START, MSG_LOGIN_DONE, MSG_LOGIN_ERROR, MSG_CHAP_CHALLENGE,
		MSG_CHAP_ANSWER, MSG_CHAP_VERIFY, MSG_CHAP_VERDICT,
	};
	struct worker_track t;

	(void)state;
	for (size_t i = 0; i < sizeof(foreign) / sizeof(foreign[0]); i++) {
		worker_track_init(&t, ROLE_PDU);
		step_ok(&t, MSG_HELLO, WS_READY);
		step_kill(&t, foreign[i]);
		step_ok(&t, MSG_PDU_DECODE, WS_RUNNING);
		step_kill(&t, foreign[i]);
	}
	/* And the PDU messages belong to no other role. */
	static const enum worker_role others[] = { ROLE_DISCOVERY, ROLE_LOGIN };
	for (size_t r = 0; r < 2; r++) {
		worker_track_init(&t, others[r]);
		step_ok(&t, MSG_HELLO, WS_READY);
		step_kill(&t, MSG_PDU_DECODE);
		for (size_t j = 0; j < N_ANSWERS; j++)
			step_kill(&t, answers[j]);
	}
}

static bool allows(const struct seccomp_role *pol, const char *name)
{
	for (size_t i = 0; i < pol->n_allow; i++)
		if (!strcmp(pol->allow[i].name, name))
			return true;
	return false;
}

/* Exactly the channel's two calls, memory, and leaving. */
static void seccomp_row(void **state)
{
	static const char *const want[] = {
		"recvmsg", "sendmsg", "brk", "mmap", "munmap", "madvise", "exit_group",
	};
	static const char *const never[] = {
		"read", "write", "recvfrom", "sendto", "poll", "ppoll", "close", "socket",
		"connect", "open", "openat", "mremap", "clock_gettime", "rt_sigreturn",
		"execve", "clone", "fork", "kill", "ioctl", "mprotect",
	};
	const struct seccomp_role *pol = seccomp_role_of(ROLE_PDU);

	(void)state;
	assert_non_null(pol);
	assert_int_equal(pol->role, ROLE_PDU);
	assert_int_equal(pol->n_allow, sizeof(want) / sizeof(want[0]));
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		if (!allows(pol, want[i]))
			fail_msg("pdu role lacks %s", want[i]);
	for (size_t i = 0; i < sizeof(never) / sizeof(never[0]); i++)
		if (allows(pol, never[i]))
			fail_msg("pdu role allows %s", never[i]);
	for (size_t i = 0; i < pol->n_allow; i++) {
		const struct syscall_allow *a = &pol->allow[i];
		assert_true(seccomp_syscall_resolve_name(a->name) != __NR_SCMP_ERROR);
		if (!strcmp(a->name, "mmap")) {
			assert_int_equal(a->arg, 2);
			assert_int_equal(a->clear_bits, PROT_EXEC);
		}
	}
	/* 0-2 and the channel, one to spare; fewer than the network roles. */
	assert_int_equal(pol->max_fds, 5);
	assert_true(pol->max_fds < seccomp_role_of(ROLE_LOGIN)->max_fds);
	assert_true(pol->n_allow < seccomp_role_of(ROLE_LOGIN)->n_allow);
}

static void role_name(void **state)
{
	(void)state;
	assert_string_equal(worker_role_name(ROLE_PDU), "pdu");
	assert_int_equal(worker_role_from_name("pdu"), ROLE_PDU);
	assert_int_equal(ROLE_LAST, ROLE_PDU);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(straight_line),
		cmocka_unit_test(out_of_turn),
		cmocka_unit_test(other_roles_messages),
		cmocka_unit_test(seccomp_row),
		cmocka_unit_test(role_name),
	};

	return cmocka_run_group_tests_name("async_policy", tests, NULL, NULL);
}
