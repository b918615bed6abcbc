/* A minimal stand-in monitor for tests/integration/sandbox.sh: spawns
 * sandbox_probe (found beside this program) as a worker of ROLE through
 * spawn_worker(), walks its messages through the worker state table,
 * and prints one line per event on stdout:
 *
 *   spawned PID | hello ROLE | log TEXT | done RECORDS | pipe TEXT
 *   refused ERROR (FIELD)       a frame the decoder rejected: worker killed
 *   kill TYPE: WHY              a message the state table rejected: killed
 *   exit N | signal N           how the worker ended
 *
 * usage: privsep_launch [--trap] [--user NAME] [--root DIR] ROLE ACTION
 * With ACTION "wait" it holds the channel open after HELLO until a line
 * (or EOF) arrives on stdin, so the test can inspect the sandboxed probe. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/log.h"
#include "policy/worker_states.h"
#include "privsep/msg.h"
#include "privsep/spawn.h"

static int usage(void)
{
	fprintf(stderr, "usage: privsep_launch [--trap] [--user NAME] [--root DIR] ROLE ACTION\n");
	return 2;
}

static void hand_over_pipe(int ch)
{
	int p[2];
	struct msg m;
	char buf[64];

	if (pipe2(p, O_CLOEXEC) < 0)
		return;
	msg_init(&m, MSG_DISC_START, 7);
	strcpy(m.u.disc_start.initiator_name, "iqn.2004-10.org.example:probe");
	strcpy(m.u.disc_start.portal, "192.0.2.1:3260");
	m.u.disc_start.timeout_ms = 1000;
	m.fd = p[1];
	enum msg_err rc = msg_send(ch, MSG_BY_MONITOR, &m);
	close(p[1]);
	if (rc != MSG_OK) {
		printf("send-failed %s\n", msg_strerror(rc));
		close(p[0]);
		return;
	}
	ssize_t n = read(p[0], buf, sizeof(buf) - 1);
	close(p[0]);
	buf[n > 0 ? n : 0] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	printf("pipe %s\n", buf);
}

int main(int argc, char **argv)
{
	const char *user = NULL, *root = SANDBOX_EMPTY_DIR;
	bool trap = false;
	int i = 1;

	log_init("privsep_launch", LOG_TO_STDERR, 0);
	for (; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "--trap"))
			trap = true;
		else if (!strcmp(argv[i], "--user") && i + 1 < argc)
			user = argv[++i];
		else if (!strcmp(argv[i], "--root") && i + 1 < argc)
			root = argv[++i];
		else
			return usage();
	}
	if (argc - i != 2)
		return usage();
	const char *action = argv[i + 1];
	enum worker_role role = worker_role_from_name(argv[i]);
	if (role == ROLE_NONE)
		return usage();

	char err[256];
	struct sandbox_conf conf = { .role = role, .root_dir = root, .nfds = 1,
				     .seccomp_trap = trap };
	if (sandbox_account(user, &conf.uid, &conf.gid, err, sizeof(err)) < 0 ||
	    sandbox_prepare_root(root, err, sizeof(err)) < 0) {
		fprintf(stderr, "privsep_launch: %s\n", err);
		return 1;
	}
	/* A descriptor without close-on-exec, as a careless library would
	 * leave one: the worker must not get it. */
	if (dup2(open("/dev/null", O_RDONLY), 20) < 0)
		return 1;

	int sv[2];
	if (msg_channel(sv) < 0)
		return 1;
	const char *extra[] = { action, NULL };
	struct spawn_req req = { .program = "sandbox_probe", .conf = &conf, .fds = &sv[1],
				 .keep_stderr = true, .extra = extra };
	pid_t pid = spawn_worker(&req, err, sizeof(err));
	if (pid < 0) {
		fprintf(stderr, "privsep_launch: %s\n", err);
		return 1;
	}
	close(sv[1]);
	printf("spawned %d\n", (int)pid);
	fflush(stdout);

	struct worker_track track;
	worker_track_init(&track, role);
	for (;;) {
		struct msg m;
		const char *field = NULL, *why = NULL;
		enum msg_err rc = msg_recv(sv[0], MSG_BY_MONITOR, &m, &field);
		if (rc == MSG_E_CLOSED)
			break;
		if (rc != MSG_OK) {
			printf("refused %s (%s)\n", msg_strerror(rc), field ? field : "-");
			kill(pid, SIGKILL);
			break;
		}
		if (m.fd >= 0)
			close(m.fd);
		if (worker_step(&track, m.type, &why) == WORKER_KILL) {
			printf("kill %s: %s\n", msg_type_name(m.type), why);
			kill(pid, SIGKILL);
			break;
		}
		if (m.type == MSG_HELLO) {
			printf("hello %s\n", worker_role_name((enum worker_role)m.u.hello.role));
			fflush(stdout);
			if (!strcmp(action, "wait")) {
				char line[16];
				(void)!fgets(line, sizeof(line), stdin);
				break;
			}
			if (!strcmp(action, "recvfd") &&
			    worker_step(&track, MSG_DISC_START, NULL) == WORKER_ALLOW)
				hand_over_pipe(sv[0]);
		} else if (m.type == MSG_LOG) {
			printf("log %s\n", m.u.log.text);
		} else if (m.type == MSG_DISC_DONE) {
			printf("done %u\n", m.u.disc_done.records);
			break;
		}
		fflush(stdout);
	}
	close(sv[0]);

	int status;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return 1;
	if (WIFSIGNALED(status))
		printf("signal %d\n", WTERMSIG(status));
	else
		printf("exit %d\n", WEXITSTATUS(status));
	return 0;
}
