/* The capabilities of the privileged side, and why each one is needed
 * (policy/monitor_caps.c). Everything else is dropped, the bounding set
 * included, so not even an exec could bring it back. */
#ifndef POLICY_MONITOR_CAPS_H
#define POLICY_MONITOR_CAPS_H

#include <stdbool.h>
#include <stddef.h>

struct cap_grant {
	int cap;                /* CAP_... */
	bool required;          /* false: a feature degrades without it */
	const char *why;
};

/* Reduces the calling process (the monitor, still uid 0) to the grants of
 * monitor_caps_table(), in its effective, permitted and bounding sets;
 * inheritable and ambient become empty. A required grant the process does
 * not hold is an error; a missing optional one is logged. Returns 0, or
 * -1 with a one-line reason in err. */
int monitor_caps_restrict(char *err, size_t errlen);

/* In a freshly forked child about to exec a worker: keeps only what the
 * worker needs to lock itself down (worker_exec_caps_table()), so that the
 * new program starts without the monitor's netlink and module powers.
 * A child that is not root and holds no CAP_SETPCAP just clears its sets
 * (its exec gives it nothing). Returns 0 or -1. */
int worker_exec_caps_restrict(void);

const struct cap_grant *monitor_caps_table(size_t *n);
const struct cap_grant *worker_exec_caps_table(size_t *n);

#endif
