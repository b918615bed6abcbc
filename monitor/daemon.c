#include "monitor/daemon.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

static void to_null(int target)
{
	int fd = open("/dev/null", O_RDWR | O_CLOEXEC);

	if (fd < 0)
		return;
	if (fd != target) {
		dup2(fd, target);
		close(fd);
	} else {
		fcntl(fd, F_SETFD, 0);
	}
}

int daemon_start(void)
{
	int p[2];

	if (pipe2(p, O_CLOEXEC) < 0)
		return -1;
	pid_t pid = fork();
	if (pid < 0) {
		close(p[0]);
		close(p[1]);
		return -1;
	}
	if (pid > 0) {
		uint8_t code = 1;
		close(p[1]);
		ssize_t n;
		do
			n = read(p[0], &code, 1);
		while (n < 0 && errno == EINTR);
		if (n != 1) {
			fprintf(stderr, "iscsid: failed to start (see the messages above or the "
					"system log)\n");
			code = 1;
		}
		waitpid(pid, NULL, 0);
		_exit(code);
	}
	close(p[0]);
	if (setsid() < 0)
		_exit(1);
	/* Not a session leader any more: it can never get a controlling
	 * terminal back by opening one. */
	pid = fork();
	if (pid < 0)
		_exit(1);
	if (pid > 0)
		_exit(0);
	if (chdir("/") < 0)
		_exit(1);
	to_null(0);
	to_null(1);
	return p[1];
}

void daemon_ready(int fd, int code)
{
	uint8_t c = (uint8_t)code;

	if (fd < 0)
		return;
	(void)!write(fd, &c, 1);
	close(fd);
	if (code == 0)
		to_null(2);
}
