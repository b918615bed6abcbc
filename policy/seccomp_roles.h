/* What each worker role may ask of the kernel once sandboxed
 * (policy/seccomp_roles.c): its system calls and its descriptor budget.
 * privsep/sandbox.c turns a role into a libseccomp filter whose default
 * action kills the process. */
#ifndef POLICY_SECCOMP_ROLES_H
#define POLICY_SECCOMP_ROLES_H

#include <stddef.h>
#include <stdint.h>

#include "policy/roles.h"

struct syscall_allow {
	const char *name;       /* as libseccomp names it; resolved per architecture */
	int arg;                /* -1, or the argument index the condition tests */
	uint64_t clear_bits;    /* allowed only when (args[arg] & clear_bits) == 0 */
};

struct seccomp_role {
	enum worker_role role;
	const struct syscall_allow *allow;
	size_t n_allow;
	/* RLIMIT_NOFILE: 0-2, the monitor channel (3) and one received
	 * network descriptor, with a little room; no descriptor numbered at
	 * or above this can ever exist in the worker. */
	unsigned max_fds;
};

/* The role's policy, or NULL. */
const struct seccomp_role *seccomp_role_of(enum worker_role role);

#endif
