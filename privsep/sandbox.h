/* The lock-down a worker applies to itself right after exec, before it
 * reads one byte from the network:
 *
 *   1. chroot into an empty, root-owned, read-only directory;
 *   2. bounding set emptied (while it still has CAP_SETPCAP);
 *   3. supplementary groups dropped, setresgid/setresuid to an
 *      unprivileged account, and a check that root cannot come back;
 *   4. every capability dropped and checked gone;
 *   5. descriptors other than 0-2 and the ones it was given closed;
 *   6. rlimits: no file writes, no new processes, a few descriptors, no
 *      core dumps;
 *   7. not dumpable (no ptrace by other processes of the same uid),
 *      no_new_privs;
 *   8. the role's seccomp allow-list (policy/seccomp_roles.c); any other
 *      system call kills the process with SIGSYS.
 *
 * The monitor prepares the directory and resolves the account once at
 * start-up; the worker gets both on its command line (privsep/spawn.h). */
#ifndef PRIVSEP_SANDBOX_H
#define PRIVSEP_SANDBOX_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "base/paths.h"
#include "policy/roles.h"

/* Default account of the workers: one of their own, so that no other
 * daemon shares their uid. */
#define SANDBOX_DEFAULT_USER "_iscsid"
/* Used when that account does not exist: "nobody"/"nogroup". */
#define SANDBOX_FALLBACK_ID 65534
/* Default empty root, below the run directory (prefix it with
 * iscsi_path() like every default path). */
#define SANDBOX_EMPTY_DIR ISCSID_RUN_DIR "/empty"
/* The worker's end of the monitor channel; further given descriptors
 * follow it (4, 5, ...). */
#define WORKER_FD_MONITOR 3
/* Exit status of a worker whose forbidden system call was trapped in
 * debug mode (128 + SIGSYS, what a shell shows for the kill). */
#define SANDBOX_TRAP_EXIT 159

struct sandbox_conf {
	enum worker_role role;
	uid_t uid;
	gid_t gid;
	const char *root_dir;
	unsigned nfds;          /* descriptors given at 3, 4, ...; the rest is closed */
	/* Debug: a forbidden system call is trapped, its number sent to the
	 * monitor in a LOG message, and the worker exits SANDBOX_TRAP_EXIT. */
	bool seccomp_trap;
};

/* Monitor side: uid and gid of user (NULL: SANDBOX_DEFAULT_USER), or
 * SANDBOX_FALLBACK_ID when there is no such account. An account with uid
 * or gid 0 is refused. Returns 0 or -1 with a reason in err. */
int sandbox_account(const char *user, uid_t *uid, gid_t *gid, char *err, size_t errlen);

/* Monitor side: creates dir (mode 0755) when absent, then checks it is a
 * real directory, owned by root, writable by nobody else, and empty.
 * Returns 0 or -1 with a reason in err. */
int sandbox_prepare_root(const char *dir, char *err, size_t errlen);

/* Worker side: applies every step above, in that order. Returns 0, or -1
 * with a reason in err (the worker must then exit; it may still send that
 * reason to the monitor). */
int sandbox_enter(const struct sandbox_conf *c, char *err, size_t errlen);

/* How a sandboxed worker ends: exit_group() itself; never returns.
 * exit() would run atexit handlers and _exit() is wrapped by the
 * sanitizer runtimes (leak checks); both make system calls the sandbox
 * kills for. Deliberately not declared noreturn: under ASan a call to a
 * noreturn function is preceded by a stack check that calls
 * sigaltstack(), which the sandbox does not allow either. */
void sandbox_exit(int status);

#endif
