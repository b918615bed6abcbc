#include "privsep/sandbox.h"

#include <cap-ng.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <seccomp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "base/errbuf.h"
#include "policy/seccomp_roles.h"
#include "privsep/msg.h"

int sandbox_account(const char *user, uid_t *uid, gid_t *gid, char *err, size_t errlen)
{
	if (!user)
		user = SANDBOX_DEFAULT_USER;
	errno = 0;
	struct passwd *pw = getpwnam(user);
	if (!pw) {
		if (errno != 0 && errno != ENOENT && errno != ESRCH)
			return errbuf_set(err, errlen, "looking up user %s: %s", user, strerror(errno));
		*uid = SANDBOX_FALLBACK_ID;
		*gid = SANDBOX_FALLBACK_ID;
		return 0;
	}
	if (pw->pw_uid == 0 || pw->pw_gid == 0)
		return errbuf_set(err, errlen, "user %s has uid or gid 0: not a sandbox account", user);
	*uid = pw->pw_uid;
	*gid = pw->pw_gid;
	return 0;
}

/* Opens dir and checks it is fit to be a worker's root. Returns the
 * descriptor (so the caller chroots into what was checked, not into
 * whatever the path names a moment later) or -1. */
static int open_empty_root(const char *dir, char *err, size_t errlen)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return errbuf_set(err, errlen, "empty root %s: %s", dir, strerror(errno));

	struct stat st;
	if (fstat(fd, &st) < 0) {
		errbuf_set(err, errlen, "empty root %s: %s", dir, strerror(errno));
		goto bad;
	}
	if (st.st_uid != 0 || (st.st_mode & (S_IWGRP | S_IWOTH))) {
		errbuf_set(err, errlen, "empty root %s must be owned by root and writable by nobody else",
			   dir);
		goto bad;
	}
	int dfd = fcntl(fd, F_DUPFD_CLOEXEC, 0);
	DIR *d = dfd < 0 ? NULL : fdopendir(dfd);
	if (!d) {
		if (dfd >= 0)
			close(dfd);
		errbuf_set(err, errlen, "empty root %s: %s", dir, strerror(errno));
		goto bad;
	}
	struct dirent *de;
	int entries = 0;
	while ((de = readdir(d)) != NULL)
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			entries++;
	closedir(d);
	if (entries) {
		errbuf_set(err, errlen, "empty root %s is not empty", dir);
		goto bad;
	}
	return fd;
bad:
	close(fd);
	return -1;
}

int sandbox_prepare_root(const char *dir, char *err, size_t errlen)
{
	if (mkdir(dir, 0755) < 0 && errno != EEXIST)
		return errbuf_set(err, errlen, "creating empty root %s: %s", dir, strerror(errno));
	int fd = open_empty_root(dir, err, errlen);
	if (fd < 0)
		return -1;
	close(fd);
	return 0;
}

static int enter_root(const char *dir, char *err, size_t errlen)
{
	int fd = open_empty_root(dir, err, errlen);
	if (fd < 0)
		return -1;
	int rc = fchdir(fd);
	close(fd);
	if (rc < 0 || chroot(".") < 0 || chdir("/") < 0)
		return errbuf_set(err, errlen, "chroot into %s: %s", dir, strerror(errno));
	return 0;
}

static int become_unprivileged(uid_t uid, gid_t gid, char *err, size_t errlen)
{
	/* The bounding set goes first: dropping it needs CAP_SETPCAP, which
	 * the uid change below takes away. */
	capng_clear(CAPNG_SELECT_ALL);
	if (capng_apply(CAPNG_SELECT_BOUNDS) < 0)
		return errbuf_set(err, errlen, "dropping the capability bounding set failed");
	if (setgroups(0, NULL) < 0 || setresgid(gid, gid, gid) < 0 ||
	    setresuid(uid, uid, uid) < 0)
		return errbuf_set(err, errlen, "switching to uid %u gid %u: %s", (unsigned)uid,
				  (unsigned)gid, strerror(errno));

	uid_t r, e, s;
	gid_t rg, eg, sg;
	if (getresuid(&r, &e, &s) < 0 || r != uid || e != uid || s != uid ||
	    getresgid(&rg, &eg, &sg) < 0 || rg != gid || eg != gid || sg != gid ||
	    getgroups(0, NULL) != 0)
		return errbuf_set(err, errlen, "ids did not change as asked");
	/* Root must be gone for good: if any of these succeeds, some id or
	 * capability survived the switch. */
	if (setuid(0) != -1 || seteuid(0) != -1 || setgid(0) != -1 || setegid(0) != -1)
		return errbuf_set(err, errlen, "could regain root after dropping it");

	capng_clear(CAPNG_SELECT_ALL);
	if (capng_apply(CAPNG_SELECT_CAPS | CAPNG_SELECT_AMBIENT) < 0)
		return errbuf_set(err, errlen, "clearing capabilities failed");
	if (capng_get_caps_process() < 0 ||
	    capng_have_capabilities(CAPNG_SELECT_CAPS) != CAPNG_NONE ||
	    capng_have_capabilities(CAPNG_SELECT_BOUNDS) != CAPNG_NONE ||
	    capng_have_capabilities(CAPNG_SELECT_AMBIENT) != CAPNG_NONE)
		return errbuf_set(err, errlen, "capabilities remain after dropping them");
	return 0;
}

static int set_limits(unsigned max_fds, char *err, size_t errlen)
{
	static const struct {
		int resource;
		const char *name;
	} zero[] = {
		{ RLIMIT_FSIZE, "RLIMIT_FSIZE" },       /* no file grows */
		{ RLIMIT_NPROC, "RLIMIT_NPROC" },       /* no fork, even if seccomp failed */
		{ RLIMIT_CORE, "RLIMIT_CORE" },         /* no dump of session data */
		{ RLIMIT_MEMLOCK, "RLIMIT_MEMLOCK" },
	};
	for (size_t i = 0; i < sizeof(zero) / sizeof(zero[0]); i++) {
		struct rlimit rl = { 0, 0 };
		if (setrlimit(zero[i].resource, &rl) < 0)
			return errbuf_set(err, errlen, "%s: %s", zero[i].name, strerror(errno));
	}
	struct rlimit rl = { max_fds, max_fds };
	if (setrlimit(RLIMIT_NOFILE, &rl) < 0)
		return errbuf_set(err, errlen, "RLIMIT_NOFILE: %s", strerror(errno));
	return 0;
}

/* Debug mode only: tells the monitor which call it was (as a LOG on the
 * channel, since fd 2 may be a file that RLIMIT_FSIZE forbids), then
 * leaves. Async-signal-safe: no stdio, no allocation. */
static void report_trapped_syscall(int sig, siginfo_t *si, void *uctx)
{
	static const char prefix[] = "sandbox: forbidden system call ";
	struct msg m;
	char digits[12];
	size_t k = 0, n = sizeof(prefix) - 1;
	unsigned v = (unsigned)si->si_syscall;

	(void)sig;
	(void)uctx;
	msg_init(&m, MSG_LOG, 0);
	m.u.log.level = MSG_LOG_ERROR;
	memcpy(m.u.log.text, prefix, n);
	do
		digits[k++] = (char)('0' + v % 10);
	while ((v /= 10) && k < sizeof(digits));
	while (k)
		m.u.log.text[n++] = digits[--k];
	msg_send(WORKER_FD_MONITOR, MSG_BY_WORKER, &m);
	syscall(SYS_exit_group, SANDBOX_TRAP_EXIT);
}

static int load_filter(const struct seccomp_role *pol, bool trap, char *err, size_t errlen)
{
	/* API level 3 brought SCMP_ACT_KILL_PROCESS (Linux 4.14); before it a
	 * kill takes the thread, which for a single-threaded worker is the
	 * same outcome. */
	uint32_t kill = seccomp_api_get() >= 3 ? SCMP_ACT_KILL_PROCESS : SCMP_ACT_KILL;

	if (trap) {
		struct sigaction sa;
		memset(&sa, 0, sizeof(sa));
		sa.sa_sigaction = report_trapped_syscall;
		sa.sa_flags = SA_SIGINFO;
		sigemptyset(&sa.sa_mask);
		if (sigaction(SIGSYS, &sa, NULL) < 0)
			return errbuf_set(err, errlen, "SIGSYS handler: %s", strerror(errno));
	}
	scmp_filter_ctx ctx = seccomp_init(trap ? SCMP_ACT_TRAP : kill);
	if (!ctx)
		return errbuf_set(err, errlen, "seccomp_init failed");
	int rc = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, kill);
	for (size_t i = 0; rc == 0 && i < pol->n_allow; i++) {
		const struct syscall_allow *a = &pol->allow[i];
		int nr = seccomp_syscall_resolve_name(a->name);
		if (nr == __NR_SCMP_ERROR) {
			seccomp_release(ctx);
			return errbuf_set(err, errlen, "seccomp policy names unknown system call %s",
					  a->name);
		}
		if (nr < 0)
			continue;       /* a pseudo-number: not on this architecture */
		if (a->arg < 0) {
			rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 0);
		} else {
			struct scmp_arg_cmp cmp = {
				.arg = (unsigned)a->arg,
				.op = SCMP_CMP_MASKED_EQ,
				.datum_a = a->clear_bits,
				.datum_b = 0,
			};
			rc = seccomp_rule_add_array(ctx, SCMP_ACT_ALLOW, nr, 1, &cmp);
		}
		if (rc < 0) {
			seccomp_release(ctx);
			return errbuf_set(err, errlen, "seccomp rule for %s: %s", a->name, strerror(-rc));
		}
	}
	if (rc == 0)
		rc = seccomp_load(ctx);
	seccomp_release(ctx);
	if (rc < 0)
		return errbuf_set(err, errlen, "loading the seccomp filter: %s", strerror(-rc));
	return 0;
}

int sandbox_enter(const struct sandbox_conf *c, char *err, size_t errlen)
{
	const struct seccomp_role *pol = seccomp_role_of(c->role);

	if (!pol)
		return errbuf_set(err, errlen, "no sandbox policy for role %d", (int)c->role);
	if (c->uid == 0 || c->gid == 0)
		return errbuf_set(err, errlen, "refusing to sandbox as uid %u gid %u", (unsigned)c->uid,
				  (unsigned)c->gid);
	if (WORKER_FD_MONITOR + c->nfds > pol->max_fds)
		return errbuf_set(err, errlen, "%u descriptors given, role allows %u", c->nfds,
				  pol->max_fds - WORKER_FD_MONITOR);
	if (enter_root(c->root_dir, err, errlen) < 0)
		return -1;
	if (become_unprivileged(c->uid, c->gid, err, errlen) < 0)
		return -1;
	/* Whatever a library opened before this point is not the worker's. */
	if (close_range(WORKER_FD_MONITOR + c->nfds, ~0u, 0) < 0)
		return errbuf_set(err, errlen, "closing stray descriptors: %s", strerror(errno));
	if (set_limits(pol->max_fds, err, errlen) < 0)
		return -1;
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0 || prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return errbuf_set(err, errlen, "prctl: %s", strerror(errno));
	return load_filter(pol, c->seccomp_trap, err, errlen);
}

void sandbox_exit(int status)
{
	/* No loop and no noreturn: the compiler must not learn that this
	 * cannot return, or ASan puts its sigaltstack() check before calls. */
	syscall(SYS_exit_group, status);
}
