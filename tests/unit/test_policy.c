/* The policy tables: worker states, control-socket callers, seccomp
 * allow-lists and the monitor's capabilities. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <cap-ng.h>
#include <linux/capability.h>
#include <seccomp.h>
#include <stdio.h>
#include <string.h>
#include <errno.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "policy/callers.h"
#include "policy/monitor_caps.h"
#include "policy/roles.h"
#include "policy/seccomp_roles.h"
#include "policy/worker_states.h"
#include "privsep/peercred.h"

/* ---- worker states ---- */

static void step_ok(struct worker_track *t, enum msg_type type, enum worker_state then)
{
	const char *why = "unset";

	assert_int_equal(worker_step(t, type, &why), WORKER_ALLOW);
	assert_null(why);
	assert_int_equal(t->state, then);
}

static void step_kill(struct worker_track *t, enum msg_type type, const char *reason)
{
	const char *why = NULL;
	struct worker_track before = *t;

	assert_int_equal(worker_step(t, type, &why), WORKER_KILL);
	assert_non_null(why);
	assert_string_equal(why, reason);
	/* A refused message changes nothing. */
	assert_memory_equal(&before, t, sizeof(before));
}

static const char out_of_state[] = "message not allowed for this role in this state";
static const char repeated[] = "one-shot message repeated";

/* CHAP is a detour of both roles: CHALLENGE, ANSWER, then for mutual
 * CHAP VERIFY, VERDICT, each once and in that order. */
static void chap_detour(void **state)
{
	static const enum worker_role roles[] = { ROLE_LOGIN, ROLE_DISCOVERY };
	static const enum msg_type starts[] = { MSG_LOGIN_START, MSG_DISC_START };
	static const enum msg_type ends[] = { MSG_LOGIN_DONE, MSG_DISC_DONE };
	struct worker_track t;

	(void)state;
	for (size_t i = 0; i < 2; i++) {
		worker_track_init(&t, roles[i]);
		step_ok(&t, MSG_HELLO, WS_READY);
		step_kill(&t, MSG_CHAP_CHALLENGE, out_of_state);        /* before the job */
		step_ok(&t, starts[i], WS_RUNNING);
		step_kill(&t, MSG_CHAP_ANSWER, out_of_state);           /* nobody asked */
		step_kill(&t, MSG_CHAP_VERIFY, out_of_state);           /* before an answer */
		step_ok(&t, MSG_CHAP_CHALLENGE, WS_CHAP_ASKED);
		step_ok(&t, MSG_LOG, WS_CHAP_ASKED);
		step_kill(&t, ends[i], out_of_state);                   /* success while waiting */
		step_ok(&t, MSG_CHAP_ANSWER, WS_AUTHED);
		step_kill(&t, MSG_CHAP_CHALLENGE, repeated);            /* a second response */
		step_ok(&t, MSG_CHAP_VERIFY, WS_VERIFY_ASKED);
		step_ok(&t, MSG_CHAP_VERDICT, WS_AUTHED);
		step_kill(&t, MSG_CHAP_VERIFY, repeated);
		step_ok(&t, ends[i], WS_DONE);
	}
	/* A failure may come while the worker waits for the monitor. */
	worker_track_init(&t, ROLE_LOGIN);
	step_ok(&t, MSG_HELLO, WS_READY);
	step_ok(&t, MSG_LOGIN_START, WS_RUNNING);
	step_ok(&t, MSG_CHAP_CHALLENGE, WS_CHAP_ASKED);
	step_ok(&t, MSG_LOGIN_ERROR, WS_DONE);
	step_kill(&t, MSG_CHAP_ANSWER, out_of_state);
}

static void discovery_happy_path(void **state)
{
	struct worker_track t;

	(void)state;
	worker_track_init(&t, ROLE_DISCOVERY);
	assert_int_equal(t.state, WS_NEW);
	step_ok(&t, MSG_LOG, WS_NEW);
	step_ok(&t, MSG_HELLO, WS_READY);
	step_ok(&t, MSG_LOG, WS_READY);
	step_ok(&t, MSG_DISC_START, WS_RUNNING);
	for (int i = 0; i < 100; i++)
		step_ok(&t, MSG_DISC_RECORDS, WS_RUNNING);
	step_ok(&t, MSG_LOG, WS_RUNNING);
	step_ok(&t, MSG_DISC_DONE, WS_DONE);

	worker_track_init(&t, ROLE_DISCOVERY);
	step_ok(&t, MSG_HELLO, WS_READY);
	step_ok(&t, MSG_DISC_START, WS_RUNNING);
	step_ok(&t, MSG_DISC_ERROR, WS_DONE);
}

static void out_of_state_kills(void **state)
{
	struct worker_track t;

	(void)state;
	worker_track_init(&t, ROLE_DISCOVERY);
	step_kill(&t, MSG_DISC_RECORDS, out_of_state);   /* before HELLO */
	step_kill(&t, MSG_DISC_START, out_of_state);
	step_kill(&t, MSG_DISC_DONE, out_of_state);
	step_ok(&t, MSG_HELLO, WS_READY);
	step_kill(&t, MSG_DISC_RECORDS, out_of_state);   /* before its job */
	step_kill(&t, MSG_DISC_ERROR, out_of_state);
	step_ok(&t, MSG_DISC_START, WS_RUNNING);
	step_ok(&t, MSG_DISC_DONE, WS_DONE);
	step_kill(&t, MSG_LOG, out_of_state);           /* after the end */
	step_kill(&t, MSG_DISC_RECORDS, out_of_state);

	/* A login worker has no discovery messages at all. */
	worker_track_init(&t, ROLE_LOGIN);
	step_ok(&t, MSG_HELLO, WS_READY);
	step_ok(&t, MSG_LOG, WS_READY);
	step_kill(&t, MSG_DISC_START, out_of_state);
	step_kill(&t, MSG_DISC_RECORDS, out_of_state);

	/* Neither has an unknown role or type. */
	worker_track_init(&t, ROLE_NONE);
	step_kill(&t, MSG_HELLO, out_of_state);
	worker_track_init(&t, ROLE_DISCOVERY);
	step_kill(&t, (enum msg_type)999, "undeclared message type");
	step_kill(&t, (enum msg_type)0, "undeclared message type");
	t.state = (enum worker_state)77;
	step_kill(&t, MSG_LOG, "worker in an invalid state");
}

static void one_shot_repeats_kill(void **state)
{
	struct worker_track t;

	(void)state;
	worker_track_init(&t, ROLE_DISCOVERY);
	step_ok(&t, MSG_HELLO, WS_READY);
	step_kill(&t, MSG_HELLO, repeated);
	step_ok(&t, MSG_DISC_START, WS_RUNNING);
	step_kill(&t, MSG_DISC_START, repeated);
	step_kill(&t, MSG_HELLO, repeated);
	step_ok(&t, MSG_DISC_DONE, WS_DONE);
	step_kill(&t, MSG_DISC_DONE, repeated);

	worker_track_init(&t, ROLE_LOGIN);
	step_ok(&t, MSG_HELLO, WS_READY);
	step_kill(&t, MSG_HELLO, repeated);
	/* LOG is not one-shot. */
	for (int i = 0; i < 10; i++)
		step_ok(&t, MSG_LOG, WS_READY);
}

static void state_and_role_names(void **state)
{
	(void)state;
	assert_string_equal(worker_state_name(WS_NEW), "new");
	assert_string_equal(worker_state_name(WS_DONE), "done");
	assert_string_equal(worker_state_name(WS_COUNT), "invalid");
	for (int r = ROLE_FIRST; r <= ROLE_LAST; r++)
		assert_int_equal(worker_role_from_name(worker_role_name((enum worker_role)r)), r);
	assert_null(worker_role_name(ROLE_NONE));
	assert_int_equal(worker_role_from_name("Discovery"), ROLE_NONE);
	assert_int_equal(worker_role_from_name(""), ROLE_NONE);
	assert_int_equal(worker_role_from_name(NULL), ROLE_NONE);
}

/* ---- control-socket callers ---- */

static const enum ctl_request reads[] = {
	CTL_PING, CTL_SESSION_LIST, CTL_SESSION_STATS, CTL_HOST_LIST, CTL_RECORD_READ,
	CTL_DAEMON_STATUS,
};

static bool is_read(enum ctl_request r)
{
	for (size_t i = 0; i < sizeof(reads) / sizeof(reads[0]); i++)
		if (reads[i] == r)
			return true;
	return false;
}

static void callers_table(void **state)
{
	const gid_t iscsi_gid = 990;
	const gid_t other_groups[] = { 100, 27 };
	const gid_t member_groups[] = { 100, iscsi_gid };
	struct caller_policy pol = { .has_reader_group = true, .reader_gid = iscsi_gid };
	struct caller_policy root_only = { .has_reader_group = false };
	struct ctl_caller root = { .uid = 0, .gid = 0 };
	struct ctl_caller primary = { .uid = 1000, .gid = iscsi_gid };
	struct ctl_caller supplementary = { .uid = 1001, .gid = 1001, .groups = member_groups,
					    .ngroups = 2 };
	struct ctl_caller stranger = { .uid = 1002, .gid = 1002, .groups = other_groups,
				       .ngroups = 2 };
	/* gid 0 without uid 0 is not root. */
	struct ctl_caller root_group = { .uid = 1003, .gid = 0 };

	(void)state;
	for (int r = 1; r <= CTL_REQUEST_MAX; r++) {
		enum ctl_request req = (enum ctl_request)r;
		enum caller_verdict reader = is_read(req) ? CALLER_ALLOW : CALLER_DENY;
		assert_string_not_equal(ctl_request_name(req), "unknown");
		assert_int_equal(ctl_request_read_only(req), is_read(req));
		assert_int_equal(caller_permits(&pol, &root, req), CALLER_ALLOW);
		assert_int_equal(caller_permits(&root_only, &root, req), CALLER_ALLOW);
		assert_int_equal(caller_permits(&pol, &primary, req), reader);
		assert_int_equal(caller_permits(&pol, &supplementary, req), reader);
		assert_int_equal(caller_permits(&pol, &stranger, req), CALLER_DENY);
		assert_int_equal(caller_permits(&pol, &root_group, req), CALLER_DENY);
		assert_int_equal(caller_permits(&root_only, &primary, req), CALLER_DENY);
	}
	/* Mutating requests, by name, for the record. */
	assert_int_equal(caller_permits(&pol, &supplementary, CTL_LOGIN), CALLER_DENY);
	assert_int_equal(caller_permits(&pol, &supplementary, CTL_RECORD_WRITE), CALLER_DENY);
	assert_int_equal(caller_permits(&pol, &supplementary, CTL_DAEMON_STOP), CALLER_DENY);
	assert_int_equal(caller_permits(&pol, &supplementary, CTL_SESSION_LIST), CALLER_ALLOW);
	/* A request without a row is nobody's, root's included. */
	assert_int_equal(caller_permits(&pol, &root, (enum ctl_request)0), CALLER_DENY);
	assert_int_equal(caller_permits(&pol, &root, (enum ctl_request)(CTL_REQUEST_MAX + 1)),
			 CALLER_DENY);
	assert_string_equal(ctl_request_name((enum ctl_request)0), "unknown");
}

/* The credentials the table judges come from the kernel, not the peer. */
static void callers_from_a_real_socket(void **state)
{
	int sv[2];
	gid_t groups[64], mine[64];
	struct ctl_caller c;
	pid_t pid = 0;

	(void)state;
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	assert_int_equal(peercred_get(sv[0], &c, &pid, groups, 64), 0);
	assert_int_equal(c.uid, getuid());
	assert_int_equal(c.gid, getgid());
	assert_int_equal(pid, getpid());
	int n = getgroups(64, mine);
	assert_int_equal(c.ngroups, n);
	for (int i = 0; i < n; i++)
		assert_int_equal(c.groups[i], mine[i]);
	struct caller_policy pol = { .has_reader_group = false };
	assert_int_equal(caller_permits(&pol, &c, CTL_LOGIN),
			 getuid() == 0 ? CALLER_ALLOW : CALLER_DENY);
	/* More groups than room: refused, never judged on a partial list. */
	if (n > 0) {
		errno = 0;
		assert_int_equal(peercred_get(sv[0], &c, NULL, groups, 0), -1);
		assert_int_equal(errno, ERANGE);
	}
	close(sv[0]);
	close(sv[1]);
}

/* ---- seccomp allow-lists ---- */

static void seccomp_lists_are_sound(void **state)
{
	/* None of these may ever appear in a worker's list: each creates a
	 * descriptor, names a file, starts code or a process, signals,
	 * changes identity or limits, or reaches the kernel's attack surface
	 * beyond plain I/O. */
	static const char *const never[] = {
		"socket", "socketpair", "connect", "bind", "listen", "accept", "accept4",
		"open", "openat", "openat2", "creat", "stat", "newfstatat", "access",
		"execve", "execveat", "fork", "vfork", "clone", "clone3", "ptrace",
		"kill", "tkill", "tgkill", "setuid", "setgid", "setresuid", "setresgid",
		"setgroups", "chroot", "chdir", "mprotect", "prctl", "seccomp", "bpf",
		"ioctl", "mount", "unshare", "setns", "process_vm_writev", "dup", "dup2",
		"dup3", "pipe", "pipe2", "fcntl", "setrlimit", "prlimit64", "sigaltstack",
		"rt_sigaction", "perf_event_open", "userfaultfd", "io_uring_setup",
		"keyctl", "add_key", "init_module", "finit_module", "unlink", "rename",
	};

	(void)state;
	for (int r = ROLE_FIRST; r <= ROLE_LAST; r++) {
		const struct seccomp_role *pol = seccomp_role_of((enum worker_role)r);
		bool has_mmap = false;
		assert_non_null(pol);
		assert_int_equal(pol->role, r);
		/* 0-2, the channel, the network socket; and not many more. */
		assert_true(pol->max_fds >= 5 && pol->max_fds <= 16);
		for (size_t i = 0; i < pol->n_allow; i++) {
			const struct syscall_allow *a = &pol->allow[i];
			if (seccomp_syscall_resolve_name(a->name) == __NR_SCMP_ERROR)
				fail_msg("role %s: unknown system call %s",
					 worker_role_name((enum worker_role)r), a->name);
			for (size_t j = 0; j < sizeof(never) / sizeof(never[0]); j++)
				if (!strcmp(a->name, never[j]))
					fail_msg("role %s allows %s",
						 worker_role_name((enum worker_role)r), a->name);
			for (size_t j = 0; j < i; j++)
				assert_string_not_equal(a->name, pol->allow[j].name);
			assert_true(a->arg >= -1 && a->arg <= 5);
			if (!strcmp(a->name, "mmap")) {
				has_mmap = true;
				assert_int_equal(a->arg, 2);
				assert_int_equal(a->clear_bits, PROT_EXEC);
			}
		}
		assert_true(has_mmap);
	}
	assert_null(seccomp_role_of(ROLE_NONE));
}

/* ---- capabilities ---- */

static bool in_table(const struct cap_grant *g, size_t n, int cap)
{
	for (size_t i = 0; i < n; i++)
		if (g[i].cap == cap)
			return true;
	return false;
}

/* In a child: applies one of the restrictions, then reports through its
 * exit status 0 when every set holds exactly the table's capabilities
 * (those the test process itself held), 100 + cap for the first
 * disagreement, 99 when the call failed. */
static int check_restriction_in_child(int which)
{
	size_t n;
	const struct cap_grant *g = which ? worker_exec_caps_table(&n) : monitor_caps_table(&n);
	bool had[64];

	capng_get_caps_process();
	for (int c = 0; c < 64; c++)
		had[c] = capng_have_capability(CAPNG_PERMITTED, (unsigned)c);
	pid_t pid = fork();
	if (pid == 0) {
		char err[200];
		int rc = which ? worker_exec_caps_restrict() : monitor_caps_restrict(err, sizeof(err));
		if (rc < 0)
			_exit(99);
		capng_setpid(getpid());
		if (capng_get_caps_process() < 0)
			_exit(98);
		for (int c = 0; c <= CAP_LAST_CAP; c++) {
			int want = in_table(g, n, c) && had[c];
			if (capng_have_capability(CAPNG_EFFECTIVE, (unsigned)c) != want ||
			    capng_have_capability(CAPNG_PERMITTED, (unsigned)c) != want ||
			    capng_have_capability(CAPNG_BOUNDING_SET, (unsigned)c) != want ||
			    capng_have_capability(CAPNG_INHERITABLE, (unsigned)c) ||
			    capng_have_capability(CAPNG_AMBIENT, (unsigned)c))
				_exit(100 + c);
		}
		_exit(0);
	}
	int status;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	return WEXITSTATUS(status);
}

static void monitor_and_worker_caps(void **state)
{
	size_t n;
	const struct cap_grant *g = monitor_caps_table(&n);

	(void)state;
	for (size_t i = 0; i < n; i++) {
		assert_non_null(capng_capability_to_name((unsigned)g[i].cap));
		assert_true(strlen(g[i].why) > 10);
	}
	assert_false(in_table(g, n, CAP_DAC_OVERRIDE));
	assert_false(in_table(g, n, CAP_SYS_PTRACE));
	assert_false(in_table(g, n, CAP_CHOWN));
	g = worker_exec_caps_table(&n);
	assert_int_equal(n, 4);

	capng_get_caps_process();
	if (!capng_have_capability(CAPNG_EFFECTIVE, CAP_SETPCAP)) {
		skip();         /* cmocka prints "# SKIP": needs root with CAP_SETPCAP */
		return;
	}
	assert_int_equal(check_restriction_in_child(0), 0);
	assert_int_equal(check_restriction_in_child(1), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(discovery_happy_path),
		cmocka_unit_test(chap_detour),
		cmocka_unit_test(out_of_state_kills),
		cmocka_unit_test(one_shot_repeats_kill),
		cmocka_unit_test(state_and_role_names),
		cmocka_unit_test(callers_table),
		cmocka_unit_test(callers_from_a_real_socket),
		cmocka_unit_test(seccomp_lists_are_sound),
		cmocka_unit_test(monitor_and_worker_caps),
	};
	return cmocka_run_group_tests_name("policy", tests, NULL, NULL);
}
