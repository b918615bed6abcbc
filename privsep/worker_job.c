#include "privsep/worker_job.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/errbuf.h"
#include "base/log.h"
#include "privsep/spawn.h"

void worker_job_init(struct worker_job *j)
{
	memset(j, 0, sizeof(*j));
	j->chan = -1;
}

int worker_job_spawn(struct worker_job *j, const struct worker_job_conf *c, char *err,
		     size_t errlen)
{
	struct sandbox_conf conf = {
		.role = c->role,
		.uid = c->uid,
		.gid = c->gid,
		.root_dir = c->root,
		.nfds = 1,
		.seccomp_trap = c->seccomp_trap,
	};
	int sv[2];

	worker_job_init(j);
	j->role = c->role;
	if (msg_channel(sv) < 0)
		return errbuf_set(err, errlen, "channel: %s", strerror(errno));
	/* Best effort: without it the worker only blocks more often. */
	if (c->sndbuf > 0)
		setsockopt(sv[1], SOL_SOCKET, SO_SNDBUF, &c->sndbuf, sizeof(c->sndbuf));
	struct spawn_req req = {
		.program = c->program,
		.conf = &conf,
		.fds = &sv[1],
		.keep_stderr = c->keep_stderr,
	};
	pid_t pid = spawn_worker(&req, err, errlen);
	close(sv[1]);
	j->chan = sv[0];
	if (pid < 0) {
		worker_job_stop(j);
		return -1;
	}
	j->pid = pid;
	if (fcntl(j->chan, F_SETFL, fcntl(j->chan, F_GETFL) | O_NONBLOCK) < 0) {
		int e = errno;
		worker_job_stop(j);
		return errbuf_set(err, errlen, "channel: %s", strerror(e));
	}
	worker_track_init(&j->track, c->role);
	return 0;
}

void worker_copy_line(char *dst, size_t size, const char *src)
{
	size_t i = 0;

	if (!size)
		return;
	for (; src[i] && i + 1 < size; i++)
		dst[i] = ((unsigned char)src[i] < 0x20 || src[i] == 0x7f) ? '?' : src[i];
	dst[i] = '\0';
}

static void relay_log(const struct worker_job *j, const struct msg_log *l)
{
	char line[MSG_LOG_TEXT_MAX + 1];
	const char *role = worker_role_name(j->role);
	int pid = (int)j->pid;

	worker_copy_line(line, sizeof(line), l->text);
	switch (l->level) {
	case MSG_LOG_ERROR:
		log_error("%s worker %d: %s", role, pid, line);
		break;
	case MSG_LOG_WARN:
		log_warn("%s worker %d: %s", role, pid, line);
		break;
	case MSG_LOG_INFO:
		log_debug(1, "%s worker %d: %s", role, pid, line);
		break;
	default:
		log_debug(3, "%s worker %d: %s", role, pid, line);
		break;
	}
}

enum worker_job_rx worker_job_recv(struct worker_job *j, struct msg *m, char *why, size_t size)
{
	for (;;) {
		const char *field = NULL, *reason = NULL;
		enum msg_err e = msg_recv(j->chan, MSG_BY_MONITOR, m, &field);

		if (e == MSG_E_AGAIN)
			return WJ_AGAIN;
		if (e == MSG_E_CLOSED)
			return WJ_CLOSED;
		if (e != MSG_OK) {
			snprintf(why, size, "bad message: %s (%s)", msg_strerror(e),
				 field ? field : "frame");
			return WJ_REFUSED;
		}
		if (worker_step(&j->track, m->type, &reason) != WORKER_ALLOW) {
			snprintf(why, size, "%s in state %s: %s", msg_type_name(m->type),
				 worker_state_name(j->track.state), reason);
			if (m->fd >= 0)
				close(m->fd);
			return WJ_REFUSED;
		}
		if (m->type == MSG_HELLO && m->u.hello.role != (uint32_t)j->role) {
			snprintf(why, size, "HELLO for another role");
			return WJ_REFUSED;
		}
		if (m->type != MSG_LOG)
			return WJ_MESSAGE;
		relay_log(j, &m->u.log);
	}
}

int worker_job_send(struct worker_job *j, const struct msg *m)
{
	if (worker_step(&j->track, m->type, NULL) != WORKER_ALLOW)
		return -1;
	return msg_send(j->chan, MSG_BY_MONITOR, m) == MSG_OK ? 0 : -1;
}

void worker_job_reap(struct worker_job *j, int *status)
{
	int st = 0;

	if (j->pid > 0) {
		while (waitpid(j->pid, &st, 0) < 0 && errno == EINTR)
			;
		j->pid = 0;
	}
	if (status)
		*status = st;
}

void worker_job_stop(struct worker_job *j)
{
	if (j->pid > 0)
		kill(j->pid, SIGKILL);
	worker_job_reap(j, NULL);
	if (j->chan >= 0)
		close(j->chan);
	j->chan = -1;
}

bool worker_job_exit_ok(int status)
{
	return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

void worker_job_describe_exit(int status, char *line, size_t size)
{
	if (WIFSIGNALED(status)) {
		int sig = WTERMSIG(status);
		snprintf(line, size, "killed by signal %d%s", sig,
			 sig == SIGSYS ? " (forbidden system call)" : "");
		return;
	}
	snprintf(line, size, "exited with status %d without an answer",
		 WIFEXITED(status) ? WEXITSTATUS(status) : -1);
}
