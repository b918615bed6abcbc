/* Spawning workers (privsep/spawn.h): the command-line contract, the
 * descriptor layout of the re-executed program, and spawn errors. The
 * re-exec tests run tests/tools/sandbox_probe, which is built with the
 * unit tests (make test-bins). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/paths.h"
#include "privsep/msg.h"
#include "privsep/spawn.h"

#define PROBE "../tools/sandbox_probe"

static int parse(int argc, const char **argv, struct sandbox_conf *c, int *extra)
{
	char err[200];

	return worker_args_parse(argc, (char **)argv, c, extra, err, sizeof(err));
}

static void args_round_trip(void **state)
{
	struct sandbox_conf c;
	int extra;
	const char *full[] = { "w", "--privsep-worker=login", "--uid=65534", "--gid=65533",
			       "--root=/run/iscsid/empty", "--fds=2", "--seccomp-trap", "--",
			       "wait", NULL };
	const char *minimal[] = { "w", "--privsep-worker=discovery", "--uid=1", "--gid=1",
				  "--root=/e", "--fds=1", NULL };

	(void)state;
	assert_int_equal(parse(9, full, &c, &extra), 0);
	assert_int_equal(c.role, ROLE_LOGIN);
	assert_int_equal(c.uid, 65534);
	assert_int_equal(c.gid, 65533);
	assert_string_equal(c.root_dir, "/run/iscsid/empty");
	assert_int_equal(c.nfds, 2);
	assert_true(c.seccomp_trap);
	assert_int_equal(extra, 8);
	assert_int_equal(parse(6, minimal, &c, &extra), 0);
	assert_false(c.seccomp_trap);
	assert_int_equal(extra, 6);
}

static void args_strict(void **state)
{
	static const char *const bad[][8] = {
		{ "--privsep-worker=admin", "--uid=1", "--gid=1", "--root=/e", "--fds=1" },
		{ "--privsep-worker=", "--uid=1", "--gid=1", "--root=/e", "--fds=1" },
		{ "--uid=1", "--privsep-worker=login", "--gid=1", "--root=/e", "--fds=1" },
		{ "--privsep-worker=login", "--uid=-1", "--gid=1", "--root=/e", "--fds=1" },
		{ "--privsep-worker=login", "--uid=4294967295", "--gid=1", "--root=/e", "--fds=1" },
		{ "--privsep-worker=login", "--uid=1x", "--gid=1", "--root=/e", "--fds=1" },
		{ "--privsep-worker=login", "--uid=", "--gid=1", "--root=/e", "--fds=1" },
		{ "--privsep-worker=login", "--uid=1", "--gid= 1", "--root=/e", "--fds=1" },
		{ "--privsep-worker=login", "--uid=1", "--gid=1", "--root=e", "--fds=1" },
		{ "--privsep-worker=login", "--uid=1", "--gid=1", "--root=/e", "--fds=0" },
		{ "--privsep-worker=login", "--uid=1", "--gid=1", "--root=/e", "--fds=5" },
		{ "--privsep-worker=login", "--uid=1", "--gid=1", "--root=/e", "--fds=1", "--debug" },
		{ "--privsep-worker=login", "--uid=1", "--gid=1", "--root=/e", "--fds=1", "wait" },
		{ "--privsep-worker=login", "--uid=1", "--gid=1", "--root=/e" },
	};
	struct sandbox_conf c;
	int extra;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		const char *argv[9] = { "w" };
		int argc = 1;
		for (int k = 0; k < 8 && bad[i][k]; k++)
			argv[argc++] = bad[i][k];
		if (parse(argc, argv, &c, &extra) != -1)
			fail_msg("accepted case %zu", i);
	}
}

static bool have_probe(void)
{
	char path[4096];

	return helper_path(path, sizeof(path), PROBE) == 0 && access(path, X_OK) == 0;
}

static int wait_status(pid_t pid)
{
	int status;

	assert_int_equal(waitpid(pid, &status, 0), pid);
	return status;
}

/* Spawns the probe with action "fds" and returns the line it reports. */
static void probe_fds(const int *fds, unsigned nfds, int listen_fd, char *line, size_t size)
{
	struct sandbox_conf conf = { .role = ROLE_DISCOVERY, .uid = 65534, .gid = 65534,
				     .root_dir = "/nonexistent", .nfds = nfds };
	const char *extra[] = { "fds", NULL };
	struct spawn_req req = { .program = PROBE, .conf = &conf, .fds = fds, .extra = extra };
	char err[300];
	struct msg m;

	pid_t pid = spawn_worker(&req, err, sizeof(err));
	if (pid < 0)
		fail_msg("%s", err);
	assert_int_equal(msg_recv(listen_fd, MSG_BY_MONITOR, &m, NULL), MSG_OK);
	assert_int_equal(m.type, MSG_LOG);
	assert_true(strlen(m.u.log.text) < size);
	memcpy(line, m.u.log.text, strlen(m.u.log.text) + 1);
	int status = wait_status(pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

static void reexec_with_only_fixed_fds(void **state)
{
	int sv[2];
	char line[256];

	(void)state;
	if (!have_probe()) {
		skip();         /* tests/tools/sandbox_probe not built */
		return;
	}
	assert_int_equal(msg_channel(sv), 0);
	/* Descriptors a careless library might leave without close-on-exec. */
	int leak = open("/dev/null", O_RDONLY);
	assert_true(leak >= 0);
	assert_int_equal(dup2(leak, 30), 30);
	probe_fds(&sv[1], 1, sv[0], line, sizeof(line));
	assert_string_equal(line, "fds: 0 1 2 3");

	/* Both channel ends given, in swapped order: the child's fd 3 must be
	 * what was fds[0] whatever numbers they had here. */
	int both[2] = { sv[1], sv[0] };
	probe_fds(both, 2, sv[0], line, sizeof(line));
	assert_string_equal(line, "fds: 0 1 2 3 4");

	close(leak);
	close(30);
	close(sv[0]);
	close(sv[1]);
}

static void spawn_errors(void **state)
{
	int sv[2];
	char err[300] = "";
	struct sandbox_conf conf = { .role = ROLE_LOGIN, .uid = 65534, .gid = 65534,
				     .root_dir = "/x", .nfds = 1 };
	struct spawn_req req = { .program = "no-such-worker", .conf = &conf, .fds = sv };

	(void)state;
	assert_int_equal(msg_channel(sv), 0);
	assert_int_equal(spawn_worker(&req, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "No such file or directory"));

	req.program = "/etc/passwd";    /* exists, not executable */
	assert_int_equal(spawn_worker(&req, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "Permission denied"));

	req.program = PROBE;
	conf.nfds = 0;
	assert_int_equal(spawn_worker(&req, err, sizeof(err)), -1);
	conf.nfds = SPAWN_MAX_FDS + 1;
	assert_int_equal(spawn_worker(&req, err, sizeof(err)), -1);
	conf.nfds = 1;
	conf.role = ROLE_NONE;
	assert_int_equal(spawn_worker(&req, err, sizeof(err)), -1);
	conf.role = ROLE_LOGIN;
	int closed = sv[1];
	close(sv[1]);
	req.fds = &closed;
	assert_int_equal(spawn_worker(&req, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "not open"));
	close(sv[0]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(args_round_trip),
		cmocka_unit_test(args_strict),
		cmocka_unit_test(reexec_with_only_fixed_fds),
		cmocka_unit_test(spawn_errors),
	};
	return cmocka_run_group_tests_name("spawn", tests, NULL, NULL);
}
