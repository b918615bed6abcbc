/* Starting a worker: fork, put the given descriptors at fixed numbers,
 * close everything else, keep only the capabilities the worker needs to
 * lock itself down, and re-exec the worker program, so that each worker
 * is a fresh address space (fresh ASLR, none of the monitor's memory,
 * secrets included) with its role on its command line.
 *
 * The command line is the contract between the two sides, built and
 * parsed only here:
 *
 *   PROGRAM --privsep-worker=ROLE --uid=N --gid=N --root=DIR --fds=N
 *           [--seccomp-trap] [--] [EXTRA...]
 */
#ifndef PRIVSEP_SPAWN_H
#define PRIVSEP_SPAWN_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "privsep/sandbox.h"

/* The monitor channel is always the first given descriptor,
 * WORKER_FD_MONITOR (privsep/sandbox.h). */
#define SPAWN_MAX_FDS 4

struct spawn_req {
	/* Found beside /proc/self/exe (base/paths.h helper_path()), never
	 * through $PATH; an absolute path is used as it is. */
	const char *program;
	/* Role, ids, root and the number of descriptors (conf->nfds). */
	const struct sandbox_conf *conf;
	/* conf->nfds descriptors; fds[i] becomes 3 + i in the worker. */
	const int *fds;
	/* fd 2 stays the monitor's stderr (foreground/debug); otherwise the
	 * worker's 0, 1 and 2 are all /dev/null. */
	bool keep_stderr;
	/* NULL-terminated arguments appended after "--" (test programs). */
	const char *const *extra;
};

/* Starts the worker and returns its pid, or -1 with a reason in err.
 * The exec has happened (or failed, reported here) by the time this
 * returns: a worker program that is missing or not executable is an
 * error of this call, not a mysterious early exit. The worker gets an
 * empty environment, default signal dispositions and an empty mask. */
pid_t spawn_worker(const struct spawn_req *req, char *err, size_t errlen);

/* Worker side: parses the command line above, strictly (exact order, no
 * unknown options, numbers in range). Strings in *c point into argv.
 * *extra is the index of the first EXTRA argument (argc when none).
 * Returns 0 or -1 with a reason in err. */
int worker_args_parse(int argc, char **argv, struct sandbox_conf *c, int *extra, char *err,
		      size_t errlen);

#endif
