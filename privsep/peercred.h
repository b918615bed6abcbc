/* Credentials of the process at the other end of a connected AF_UNIX
 * socket, as the kernel recorded them at connect() time: the input of
 * policy/callers.h. Never what the peer says about itself. */
#ifndef PRIVSEP_PEERCRED_H
#define PRIVSEP_PEERCRED_H

#include <stddef.h>
#include <sys/types.h>

#include "policy/callers.h"

/* Fills c (uid, gid, and supplementary groups stored in groups[], room for
 * max) and *pid. Returns 0, or -1 with errno (ERANGE: the peer is in more
 * than max groups; callers refuse rather than judge on a partial list). */
int peercred_get(int sock, struct ctl_caller *c, pid_t *pid, gid_t *groups, size_t max);

#endif
