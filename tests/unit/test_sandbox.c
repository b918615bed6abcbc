/* The worker sandbox (privsep/sandbox.h) applied in a forked child of
 * this test, inspected from outside through /proc. Needs root (chroot,
 * setresuid, the bounding set); each case says SKIP otherwise. The
 * re-executed path (spawn + sandbox) is tests/integration/sandbox.sh. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "privsep/sandbox.h"

static char base[] = "/tmp/test_sandbox.XXXXXX";

static int setup(void **state)
{
	(void)state;
	return mkdtemp(base) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[PATH_MAX + 16];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", base);
	return system(cmd) == 0 ? 0 : -1;
}

static void path_in_base(char *out, const char *name)
{
	snprintf(out, PATH_MAX, "%s/%s", base, name);
}

static bool is_root(void)
{
	return geteuid() == 0;
}

static void prepare_root_checks(void **state)
{
	char dir[PATH_MAX], err[300], file[PATH_MAX + 8];
	struct stat st;

	(void)state;
	if (!is_root()) {
		skip();         /* the directory must be root's: only root makes one */
		return;
	}
	path_in_base(dir, "empty");
	assert_int_equal(sandbox_prepare_root(dir, err, sizeof(err)), 0);
	assert_int_equal(stat(dir, &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	assert_int_equal(st.st_mode & 022, 0);
	assert_int_equal(sandbox_prepare_root(dir, err, sizeof(err)), 0);  /* idempotent */

	chmod(dir, 0775);
	assert_int_equal(sandbox_prepare_root(dir, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "writable by nobody else"));
	chmod(dir, 0755);

	snprintf(file, sizeof(file), "%s/f", dir);
	close(open(file, O_CREAT | O_WRONLY, 0600));
	assert_int_equal(sandbox_prepare_root(dir, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "not empty"));
	unlink(file);

	char link[PATH_MAX];
	path_in_base(link, "link");
	assert_int_equal(symlink(dir, link), 0);
	assert_int_equal(sandbox_prepare_root(link, err, sizeof(err)), -1);

	path_in_base(file, "missing/empty");
	assert_int_equal(sandbox_prepare_root(file, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "creating"));

	assert_int_equal(chown(dir, 1000, 1000), 0);
	assert_int_equal(sandbox_prepare_root(dir, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "owned by root"));
	assert_int_equal(chown(dir, 0, 0), 0);
}

static void account_lookup(void **state)
{
	uid_t uid;
	gid_t gid;
	char err[300];

	(void)state;
	assert_int_equal(sandbox_account("no-such-user-here", &uid, &gid, err, sizeof(err)), 0);
	assert_int_equal(uid, SANDBOX_FALLBACK_ID);
	assert_int_equal(gid, SANDBOX_FALLBACK_ID);
	assert_int_equal(sandbox_account("root", &uid, &gid, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "uid or gid 0"));
	assert_int_equal(sandbox_account(NULL, &uid, &gid, err, sizeof(err)), 0);
	assert_true(uid != 0 && gid != 0);
}

/* Refusals that come before anything irreversible, so they run here. */
static void enter_refuses_bad_conf(void **state)
{
	char dir[PATH_MAX], err[300];
	struct sandbox_conf c = { .role = ROLE_DISCOVERY, .uid = 65534, .gid = 65534, .nfds = 1 };

	(void)state;
	path_in_base(dir, "empty");
	c.root_dir = dir;
	c.uid = 0;
	assert_int_equal(sandbox_enter(&c, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "refusing"));
	c.uid = 65534;
	c.role = ROLE_NONE;
	assert_int_equal(sandbox_enter(&c, err, sizeof(err)), -1);
	c.role = ROLE_LOGIN;
	c.nfds = 6;
	assert_int_equal(sandbox_enter(&c, err, sizeof(err)), -1);
	c.nfds = 1;
	c.root_dir = "/";       /* not empty */
	assert_int_equal(sandbox_enter(&c, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "not empty"));
}

struct child {
	pid_t pid;
	int hold;       /* write a byte: the child acts on it; close: it exits */
};

/* Forks a child that takes fd 3 (commands) and fd 4 (reports), leaves a
 * stray descriptor at 9, sandboxes itself, says "ok" and waits. */
static struct child start_child(bool trap)
{
	int hold[2], ready[2];
	char dir[PATH_MAX];
	struct child ch;

	path_in_base(dir, "empty");
	char err[300];
	if (sandbox_prepare_root(dir, err, sizeof(err)) < 0)
		fail_msg("%s", err);
	assert_int_equal(pipe(hold), 0);
	assert_int_equal(pipe(ready), 0);
	ch.pid = fork();
	assert_true(ch.pid >= 0);
	if (ch.pid == 0) {
		int h = fcntl(hold[0], F_DUPFD, 20), r = fcntl(ready[1], F_DUPFD, 20);
		char cmd = 0;
		dup2(h, 3);
		dup2(r, 4);
		dup2(open("/dev/null", O_RDONLY), 9);
		struct sandbox_conf c = { .role = ROLE_DISCOVERY, .uid = 65534, .gid = 65534,
					  .root_dir = dir, .nfds = 2, .seccomp_trap = trap };
		if (sandbox_enter(&c, err, sizeof(err)) < 0) {
			(void)!write(4, err, strlen(err));
			sandbox_exit(2);
		}
		(void)!write(4, "ok", 2);
		if (read(3, &cmd, 1) == 1 && cmd == 's')
			socket(AF_INET, SOCK_STREAM, 0);
		if (cmd == 'o')
			open("/etc/passwd", O_RDONLY);
		sandbox_exit(0);
	}
	close(hold[0]);
	close(ready[1]);
	char buf[300] = "";
	ssize_t n = read(ready[0], buf, sizeof(buf) - 1);
	close(ready[0]);
	if (n != 2 || memcmp(buf, "ok", 2) != 0)
		fail_msg("sandbox_enter failed in the child: %s", buf);
	ch.hold = hold[1];
	return ch;
}

static int finish_child(struct child ch, char cmd)
{
	int status;

	if (cmd)
		assert_int_equal(write(ch.hold, &cmd, 1), 1);
	close(ch.hold);
	assert_int_equal(waitpid(ch.pid, &status, 0), ch.pid);
	return status;
}

/* The value of "Key:" in /proc/PID/status, tabs turned to spaces. */
static void status_field(pid_t pid, const char *key, char *out, size_t size)
{
	char path[64], line[256];
	size_t klen = strlen(key);

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	out[0] = '\0';
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, key, klen) || line[klen] != ':')
			continue;
		char *v = line + klen + 1;
		v += strspn(v, "\t ");
		v[strcspn(v, "\n")] = '\0';
		for (char *p = v; *p; p++)
			if (*p == '\t')
				*p = ' ';
		snprintf(out, size, "%s", v);
	}
	fclose(f);
}

static void sandboxed_child_as_seen_from_outside(void **state)
{
	char v[256], path[64], target[PATH_MAX], dir[PATH_MAX];

	(void)state;
	if (!is_root()) {
		skip();         /* chroot and setresuid need root */
		return;
	}
	struct child ch = start_child(false);
	status_field(ch.pid, "Uid", v, sizeof(v));
	assert_string_equal(v, "65534 65534 65534 65534");
	status_field(ch.pid, "Gid", v, sizeof(v));
	assert_string_equal(v, "65534 65534 65534 65534");
	status_field(ch.pid, "Groups", v, sizeof(v));
	assert_string_equal(v, "");
	static const char *const zero_caps[] = { "CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb" };
	for (size_t i = 0; i < 5; i++) {
		status_field(ch.pid, zero_caps[i], v, sizeof(v));
		assert_string_equal(v, "0000000000000000");
	}
	status_field(ch.pid, "NoNewPrivs", v, sizeof(v));
	assert_string_equal(v, "1");
	status_field(ch.pid, "Seccomp", v, sizeof(v));
	assert_string_equal(v, "2");

	snprintf(path, sizeof(path), "/proc/%d/root", (int)ch.pid);
	ssize_t n = readlink(path, target, sizeof(target) - 1);
	assert_true(n > 0);
	target[n] = '\0';
	path_in_base(dir, "empty");
	assert_string_equal(target, dir);

	/* Only 0-2 and the two given descriptors; the stray fd 9 is gone. */
	snprintf(path, sizeof(path), "/proc/%d/fd", (int)ch.pid);
	DIR *d = opendir(path);
	assert_non_null(d);
	struct dirent *de;
	unsigned seen = 0;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		int fd = atoi(de->d_name);
		if (fd > 4)
			fail_msg("descriptor %d still open in the sandbox", fd);
		seen |= 1u << fd;
	}
	closedir(d);
	assert_int_equal(seen, 0x1f);

	int status = finish_child(ch, 0);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

static void forbidden_calls_kill(void **state)
{
	(void)state;
	if (!is_root()) {
		skip();
		return;
	}
	int status = finish_child(start_child(false), 's');
	assert_true(WIFSIGNALED(status));
	assert_int_equal(WTERMSIG(status), SIGSYS);
	status = finish_child(start_child(false), 'o');
	assert_true(WIFSIGNALED(status));
	assert_int_equal(WTERMSIG(status), SIGSYS);

	/* Debug mode: trapped, reported, exit status SANDBOX_TRAP_EXIT. */
	status = finish_child(start_child(true), 's');
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), SANDBOX_TRAP_EXIT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(prepare_root_checks),
		cmocka_unit_test(account_lookup),
		cmocka_unit_test(enter_refuses_bad_conf),
		cmocka_unit_test(sandboxed_child_as_seen_from_outside),
		cmocka_unit_test(forbidden_calls_kill),
	};
	return cmocka_run_group_tests_name("sandbox", tests, setup, teardown);
}
