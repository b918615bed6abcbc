/* A stand-in worker for the sandbox tests. Started by privsep_launch
 * through spawn_worker() with the real worker command line, it applies
 * its role's sandbox (privsep/sandbox.c), says HELLO on fd 3, then does
 * what its one extra argument asks:
 *
 *   wait       block on the monitor channel until it closes (so a test
 *              can inspect /proc/PID), then exit 0
 *   recvfd     receive DISC_START with a descriptor, write "probe-ok" into
 *              it, answer DISC_DONE, wait for the channel to close
 *   fds        (before any sandbox) report its open descriptors in a LOG
 *   rogue      send DISC_RECORDS while in state "ready" (out of turn)
 *   garbage    send a frame of an undeclared type
 *   socket open execve fork setuid mmap-exec ptrace
 *              make that forbidden system call; reaching the next line
 *              means the sandbox failed, reported in a LOG, exit 1
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "privsep/msg.h"
#include "privsep/sandbox.h"
#include "privsep/spawn.h"

static const int ch = WORKER_FD_MONITOR;

static void say(enum msg_log_level level, const char *text)
{
	struct msg m;

	msg_init(&m, MSG_LOG, 0);
	m.u.log.level = (uint8_t)level;
	snprintf(m.u.log.text, sizeof(m.u.log.text), "%s", *text ? text : "-");
	msg_send(ch, MSG_BY_WORKER, &m);
}

static void report_fds(void)
{
	char line[256] = "fds:";
	DIR *d = opendir("/proc/self/fd");

	if (!d) {
		say(MSG_LOG_ERROR, "cannot list /proc/self/fd");
		return;
	}
	int nums[64], n = 0;
	struct dirent *de;
	while ((de = readdir(d)) != NULL && n < 64) {
		if (de->d_name[0] == '.' || atoi(de->d_name) == dirfd(d))
			continue;
		nums[n++] = atoi(de->d_name);
	}
	closedir(d);
	/* Sorted, so the test compares one string. */
	for (int i = 0; i < n; i++)
		for (int j = i + 1; j < n; j++)
			if (nums[j] < nums[i]) {
				int t = nums[i];
				nums[i] = nums[j];
				nums[j] = t;
			}
	for (int i = 0; i < n; i++) {
		size_t len = strlen(line);
		snprintf(line + len, sizeof(line) - len, " %d", nums[i]);
	}
	say(MSG_LOG_INFO, line);
}

static void wait_for_close(void)
{
	struct msg m;

	while (msg_recv(ch, MSG_BY_WORKER, &m, NULL) == MSG_OK)
		if (m.fd >= 0)
			close(m.fd);
}

static void receive_fd(void)
{
	struct msg m;
	const char *field = NULL;
	enum msg_err rc = msg_recv(ch, MSG_BY_WORKER, &m, &field);

	if (rc != MSG_OK || m.type != MSG_DISC_START) {
		say(MSG_LOG_ERROR, rc != MSG_OK ? msg_strerror(rc) : "expected DISC_START");
		sandbox_exit(1);
	}
	static const char text[] = "probe-ok\n";
	if (write(m.fd, text, sizeof(text) - 1) != (ssize_t)sizeof(text) - 1)
		say(MSG_LOG_ERROR, "write to the received descriptor failed");
	close(m.fd);
	msg_init(&m, MSG_DISC_DONE, 0);
	msg_send(ch, MSG_BY_WORKER, &m);
	wait_for_close();
}

/* Returns only when the kernel let the call through. */
static long forbidden(const char *what)
{
	if (!strcmp(what, "socket"))
		return socket(AF_INET, SOCK_STREAM, 0);
	if (!strcmp(what, "open"))
		return open("/etc/passwd", O_RDONLY);
	if (!strcmp(what, "execve")) {
		char *argv[] = { (char *)"sh", NULL };
		return execve("/bin/sh", argv, argv + 1);
	}
	if (!strcmp(what, "fork"))
		return fork();
	if (!strcmp(what, "setuid"))
		return syscall(SYS_setuid, 0);
	if (!strcmp(what, "ptrace"))
		return ptrace(PTRACE_TRACEME, 0, NULL, NULL);
	if (!strcmp(what, "mmap-exec")) {
		void *p = mmap(NULL, 4096, PROT_READ | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		return p == MAP_FAILED ? -1 : 0;
	}
	return -2;
}

int main(int argc, char **argv)
{
	struct sandbox_conf conf;
	char err[256];
	int extra;

	if (worker_args_parse(argc, argv, &conf, &extra, err, sizeof(err)) < 0) {
		fprintf(stderr, "sandbox_probe: %s\n", err);
		return 2;
	}
	const char *action = extra < argc ? argv[extra] : "wait";
	if (!strcmp(action, "fds")) {
		report_fds();
		sandbox_exit(0);
	}
	if (sandbox_enter(&conf, err, sizeof(err)) < 0) {
		say(MSG_LOG_ERROR, err);
		sandbox_exit(2);
	}

	struct msg m;
	msg_init(&m, MSG_HELLO, 0);
	m.u.hello.role = conf.role;
	m.u.hello.version = MSG_PROTO_VERSION;
	if (msg_send(ch, MSG_BY_WORKER, &m) != MSG_OK)
		sandbox_exit(3);

	if (!strcmp(action, "wait")) {
		wait_for_close();
		sandbox_exit(0);
	}
	if (!strcmp(action, "recvfd")) {
		receive_fd();
		sandbox_exit(0);
	}
	if (!strcmp(action, "rogue")) {
		msg_init(&m, MSG_DISC_RECORDS, 0);
		m.u.disc_records.portals_count = 1;
		strcpy(m.u.disc_records.portals[0].target_name, "iqn.2001-04.com.example:rogue");
		strcpy(m.u.disc_records.portals[0].address, "192.0.2.1");
		m.u.disc_records.portals[0].port = 3260;
		msg_send(ch, MSG_BY_WORKER, &m);
		wait_for_close();
		sandbox_exit(0);
	}
	if (!strcmp(action, "garbage")) {
		static const unsigned char frame[12] = { 0x7f, 0x7f };
		(void)!write(ch, frame, sizeof(frame));
		wait_for_close();
		sandbox_exit(0);
	}
	long rc = forbidden(action);
	if (rc == -2) {
		say(MSG_LOG_ERROR, "unknown action");
		sandbox_exit(2);
	}
	snprintf(err, sizeof(err), "survived %s: returned %ld (errno %d)", action, rc, errno);
	say(MSG_LOG_ERROR, err);
	sandbox_exit(1);
}
