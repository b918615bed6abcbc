/* iscsid's pid file (monitor/pidfile.h): created with our pid, refused
 * while another holder has it locked (naming that pid), taken over when
 * left behind unlocked, never followed through a symlink, removed on
 * release. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <unistd.h>

#include "monitor/pidfile.h"

static char dir[64], path[128];

static int setup(void **state)
{
	(void)state;
	strcpy(dir, "/tmp/pidfile-test.XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	snprintf(path, sizeof(path), "%s/iscsid.pid", dir);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	char other[160];
	snprintf(other, sizeof(other), "%s/elsewhere", dir);
	unlink(path);
	unlink(other);
	rmdir(dir);
	return 0;
}

static void read_file(char *buf, size_t size)
{
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	size_t n = fread(buf, 1, size - 1, f);
	buf[n] = '\0';
	fclose(f);
}

static void create_and_release(void **state)
{
	(void)state;
	struct pidfile pf;
	char err[256], buf[32], want[32];

	assert_int_equal(pidfile_acquire(&pf, path, err, sizeof(err)), 0);
	read_file(buf, sizeof(buf));
	snprintf(want, sizeof(want), "%ld\n", (long)getpid());
	assert_string_equal(buf, want);
	pidfile_release(&pf);
	assert_int_equal(access(path, F_OK), -1);
	pidfile_release(&pf);   /* twice: harmless */
}

static void second_holder_refused(void **state)
{
	(void)state;
	struct pidfile pf, again;
	char err[256], want[200];

	assert_int_equal(pidfile_acquire(&pf, path, err, sizeof(err)), 0);
	/* flock() locks conflict between open files even in one process. */
	assert_int_equal(pidfile_acquire(&again, path, err, sizeof(err)), 1);
	snprintf(want, sizeof(want), "iscsid is already running (pid %ld, pid file %s)",
		 (long)getpid(), path);
	assert_string_equal(err, want);
	/* A child holding it (as a daemon does after fork) blocks us too. */
	pid_t child = fork();
	assert_true(child >= 0);
	if (child == 0) {
		pause();
		_exit(0);
	}
	pidfile_release(&pf);   /* removes the file; the child's lock is on a dead inode */
	assert_int_equal(pidfile_acquire(&again, path, err, sizeof(err)), 0);
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
	pidfile_release(&again);
}

static void stale_file_taken_over(void **state)
{
	(void)state;
	struct pidfile pf;
	char err[256], buf[32], want[32];

	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "99999999\n", 9), 9);
	close(fd);
	assert_int_equal(pidfile_acquire(&pf, path, err, sizeof(err)), 0);
	read_file(buf, sizeof(buf));
	snprintf(want, sizeof(want), "%ld\n", (long)getpid());
	assert_string_equal(buf, want);
	pidfile_release(&pf);
}

static void symlink_refused(void **state)
{
	(void)state;
	struct pidfile pf;
	char err[256], other[160];

	snprintf(other, sizeof(other), "%s/elsewhere", dir);
	assert_int_equal(symlink(other, path), 0);
	assert_int_equal(pidfile_acquire(&pf, path, err, sizeof(err)), -1);
	assert_non_null(strstr(err, path));
	assert_int_equal(access(other, F_OK), -1);      /* nothing created through it */
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(create_and_release, setup, teardown),
		cmocka_unit_test_setup_teardown(second_holder_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(stale_file_taken_over, setup, teardown),
		cmocka_unit_test_setup_teardown(symlink_refused, setup, teardown),
	};

	return cmocka_run_group_tests_name("pidfile", tests, NULL, NULL);
}
