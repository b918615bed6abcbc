#include "privsep/spawn.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/errbuf.h"
#include "base/paths.h"
#include "policy/monitor_caps.h"

#define MAX_EXTRA 8
#define ARG_MAX_LEN 4200

/* Everything the child needs, prepared before fork() so that the child
 * only makes system calls between fork and exec. */
struct launch {
	char path[PATH_MAX];
	char opt[5][ARG_MAX_LEN];
	char *argv[1 + 5 + 2 + MAX_EXTRA + 1];
};

/* An absolute path as it is; a name beside /proc/self/exe otherwise. */
static int locate(const char *program, char *out, size_t size)
{
	if (program[0] != '/')
		return helper_path(out, size, program);
	size_t n = strlen(program);
	if (n >= size)
		return -1;
	memcpy(out, program, n + 1);
	return 0;
}

static int build_launch(const struct spawn_req *req, struct launch *l, char *err, size_t errlen)
{
	const struct sandbox_conf *c = req->conf;
	const char *role = worker_role_name(c->role);

	if (!role)
		return errbuf_set(err, errlen, "spawn: unknown role %d", (int)c->role);
	if (c->nfds < 1 || c->nfds > SPAWN_MAX_FDS)
		return errbuf_set(err, errlen, "spawn: %u descriptors (1..%d)", c->nfds, SPAWN_MAX_FDS);
	for (unsigned i = 0; i < c->nfds; i++)
		if (req->fds[i] < 0 || fcntl(req->fds[i], F_GETFD) < 0)
			return errbuf_set(err, errlen, "spawn: descriptor %d is not open", req->fds[i]);
	if (!c->root_dir || c->root_dir[0] != '/')
		return errbuf_set(err, errlen, "spawn: the worker root must be an absolute path");
	if (locate(req->program, l->path, sizeof(l->path)) < 0)
		return errbuf_set(err, errlen, "spawn: cannot locate %s", req->program);

	if (snprintf(l->opt[3], ARG_MAX_LEN, "--root=%s", c->root_dir) >= ARG_MAX_LEN)
		return errbuf_set(err, errlen, "spawn: root directory name too long");
	snprintf(l->opt[0], ARG_MAX_LEN, "--privsep-worker=%s", role);
	snprintf(l->opt[1], ARG_MAX_LEN, "--uid=%u", (unsigned)c->uid);
	snprintf(l->opt[2], ARG_MAX_LEN, "--gid=%u", (unsigned)c->gid);
	snprintf(l->opt[4], ARG_MAX_LEN, "--fds=%u", c->nfds);

	size_t k = 0;
	l->argv[k++] = l->path;
	for (int i = 0; i < 5; i++)
		l->argv[k++] = l->opt[i];
	if (c->seccomp_trap)
		l->argv[k++] = (char *)"--seccomp-trap";
	l->argv[k++] = (char *)"--";
	for (size_t i = 0; req->extra && req->extra[i]; i++) {
		if (i >= MAX_EXTRA)
			return errbuf_set(err, errlen, "spawn: too many extra arguments");
		l->argv[k++] = (char *)req->extra[i];
	}
	l->argv[k] = NULL;
	return 0;
}

/* In the child: given fds to 3.., /dev/null to 0-2, nothing else open
 * but the exec-failure pipe *report (close-on-exec), which ends up just
 * above the given ones. Any source may already sit on a target number, so
 * everything is first moved above the targets, then into place. */
static int arrange_fds(const int *fds, unsigned nfds, bool keep_stderr, int *report)
{
	int high[SPAWN_MAX_FDS];
	int above = WORKER_FD_MONITOR + (int)nfds;

	int rfd = fcntl(*report, F_DUPFD_CLOEXEC, above + 1);
	if (rfd < 0)
		return -1;
	*report = rfd;
	for (unsigned i = 0; i < nfds; i++) {
		high[i] = fcntl(fds[i], F_DUPFD_CLOEXEC, above + 1);
		if (high[i] < 0)
			return -1;
	}
	for (unsigned i = 0; i < nfds; i++)
		if (dup2(high[i], WORKER_FD_MONITOR + (int)i) < 0)
			return -1;
	/* A daemon's own fd 2 may be closed: then there is nothing to keep. */
	if (keep_stderr && fcntl(2, F_GETFD) < 0)
		keep_stderr = false;
	int null = open("/dev/null", O_RDWR);
	if (null < 0)
		return -1;
	if (dup2(null, 0) < 0 || dup2(null, 1) < 0 || (!keep_stderr && dup2(null, 2) < 0))
		return -1;
	if (null > 2)
		close(null);
	/* fd 2 kept from the monitor must survive exec. */
	if (keep_stderr && fcntl(2, F_SETFD, 0) < 0)
		return -1;
	if (dup2(rfd, above) < 0 || fcntl(above, F_SETFD, FD_CLOEXEC) < 0)
		return -1;
	*report = above;
	if (close_range((unsigned)above + 1, ~0u, 0) < 0)
		return -1;
	return 0;
}

static void reset_signals(void)
{
	sigset_t none;

	/* Handlers are reset by exec, but ignored signals and the mask are
	 * inherited; a worker must start from the defaults. */
	for (int sig = 1; sig < NSIG; sig++)
		signal(sig, SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
}

static void child(const struct spawn_req *req, struct launch *l, int report_fd)
{
	static char *const no_env[] = { NULL };

	errno = 0;
	if (arrange_fds(req->fds, req->conf->nfds, req->keep_stderr, &report_fd) == 0 &&
	    worker_exec_caps_restrict() == 0) {
		reset_signals();
		execve(l->path, l->argv, no_env);
	}
	int e = errno ? errno : EPERM;
	(void)!write(report_fd, &e, sizeof(e));
	_exit(127);
}

pid_t spawn_worker(const struct spawn_req *req, char *err, size_t errlen)
{
	struct launch *l = calloc(1, sizeof(*l));
	int report[2];

	if (!l)
		return errbuf_set(err, errlen, "spawn: out of memory");
	if (build_launch(req, l, err, errlen) < 0) {
		free(l);
		return -1;
	}
	if (pipe2(report, O_CLOEXEC) < 0) {
		free(l);
		return errbuf_set(err, errlen, "spawn: pipe: %s", strerror(errno));
	}
	pid_t pid = fork();
	if (pid < 0) {
		int e = errno;
		close(report[0]);
		close(report[1]);
		free(l);
		return errbuf_set(err, errlen, "spawn: fork: %s", strerror(e));
	}
	if (pid == 0)
		child(req, l, report[1]);
	close(report[1]);

	/* The pipe closes on a successful exec; an errno arrives otherwise. */
	int e = 0;
	ssize_t n;
	do
		n = read(report[0], &e, sizeof(e));
	while (n < 0 && errno == EINTR);
	close(report[0]);
	if (n == 0) {
		free(l);
		return pid;
	}
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
	errbuf_set(err, errlen, "spawn: cannot run %s: %s", l->path,
		   n == (ssize_t)sizeof(e) ? strerror(e) : "child failed before exec");
	free(l);
	return -1;
}

/* "--name=value" -> value, when arg starts with "--name=". */
static const char *option(const char *arg, const char *name)
{
	size_t n = strlen(name);

	if (!arg || strncmp(arg, name, n) != 0 || arg[n] != '=')
		return NULL;
	return arg + n + 1;
}

static int parse_id(const char *s, unsigned *out)
{
	char *end;

	if (!s || *s < '0' || *s > '9')
		return -1;
	errno = 0;
	unsigned long v = strtoul(s, &end, 10);
	if (errno || *end || v > 0xfffffffeUL)  /* (uid_t)-1 means "unchanged" */
		return -1;
	*out = (unsigned)v;
	return 0;
}

int worker_args_parse(int argc, char **argv, struct sandbox_conf *c, int *extra, char *err,
		      size_t errlen)
{
	const char *v;
	unsigned uid, gid, nfds;

	memset(c, 0, sizeof(*c));
	if (argc < 6)
		return errbuf_set(err, errlen, "worker: missing arguments");
	v = option(argv[1], "--privsep-worker");
	c->role = worker_role_from_name(v);
	if (c->role == ROLE_NONE)
		return errbuf_set(err, errlen, "worker: expected --privsep-worker=ROLE");
	if (parse_id(option(argv[2], "--uid"), &uid) < 0 ||
	    parse_id(option(argv[3], "--gid"), &gid) < 0)
		return errbuf_set(err, errlen, "worker: expected --uid=N --gid=N");
	c->uid = uid;
	c->gid = gid;
	c->root_dir = option(argv[4], "--root");
	if (!c->root_dir || c->root_dir[0] != '/')
		return errbuf_set(err, errlen, "worker: expected --root=/ABSOLUTE/DIR");
	if (parse_id(option(argv[5], "--fds"), &nfds) < 0 || nfds < 1 || nfds > SPAWN_MAX_FDS)
		return errbuf_set(err, errlen, "worker: expected --fds=1..%d", SPAWN_MAX_FDS);
	c->nfds = nfds;
	int i = 6;
	if (i < argc && strcmp(argv[i], "--seccomp-trap") == 0) {
		c->seccomp_trap = true;
		i++;
	}
	if (i < argc) {
		if (strcmp(argv[i], "--") != 0)
			return errbuf_set(err, errlen, "worker: unexpected argument %.40s", argv[i]);
		i++;
	}
	*extra = i;
	return 0;
}
