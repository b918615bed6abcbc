#include "policy/monitor_caps.h"

#include <cap-ng.h>
#include <linux/capability.h>
#include <stdio.h>
#include <unistd.h>

#include "base/log.h"

/* The monitor stays uid 0, but root's other powers are gone: no
 * CAP_DAC_OVERRIDE (its files are root's own), no CAP_CHOWN (the control
 * socket is open to all and authorised per request by policy/callers.c),
 * no CAP_SYS_PTRACE, CAP_NET_RAW, CAP_SYS_RESOURCE, ... */
static const struct cap_grant monitor_grants[] = {
	{ CAP_SYS_ADMIN, true,
	  "the kernel accepts NETLINK_ISCSI requests (create session, bind "
	  "connection, set parameters) only from CAP_SYS_ADMIN" },
	{ CAP_NET_ADMIN, true,
	  "joining NETLINK_ISCSI's multicast group, which carries connection "
	  "errors and session events" },
	{ CAP_SYS_MODULE, false,
	  "loading iscsi_tcp and scsi_transport_iscsi when they are not loaded yet" },
	{ CAP_IPC_LOCK, false,
	  "mlockall(), so recovery still runs when memory is short (swap may "
	  "live on an iSCSI disk)" },
	{ CAP_KILL, true,
	  "killing a misbehaving or overdue worker, which runs under another uid" },
	{ CAP_SETPCAP, true,
	  "dropping the bounding set: each child's before it execs a worker, "
	  "and the worker's own in its sandbox" },
	{ CAP_SETUID, true, "the worker's switch to its unprivileged uid" },
	{ CAP_SETGID, true, "the worker's switch to its unprivileged gid and groups" },
	{ CAP_SYS_CHROOT, true, "the worker's chroot into the empty directory" },
	{ CAP_AUDIT_WRITE, false,
	  "audit records of authentication events in the kernel's audit log "
	  "(syslog still gets them without it)" },
};

/* What a worker holds between exec and its sandbox: exactly the steps of
 * privsep/sandbox.c that need privilege. Its sandbox then drops all four. */
static const struct cap_grant worker_exec_grants[] = {
	{ CAP_SYS_CHROOT, true, "chroot into the empty directory" },
	{ CAP_SETGID, true, "setgroups() and setresgid()" },
	{ CAP_SETUID, true, "setresuid()" },
	{ CAP_SETPCAP, true, "dropping its bounding set" },
};

#define N(a) (sizeof(a) / sizeof((a)[0]))

const struct cap_grant *monitor_caps_table(size_t *n)
{
	*n = N(monitor_grants);
	return monitor_grants;
}

const struct cap_grant *worker_exec_caps_table(size_t *n)
{
	*n = N(worker_exec_grants);
	return worker_exec_grants;
}

static const char *cap_name(int cap)
{
	const char *s = capng_capability_to_name((unsigned)cap);

	return s ? s : "?";
}

/* Keeps exactly the held grants in every set; drops the rest. */
static int keep_only(const struct cap_grant *g, size_t n, char *err, size_t errlen)
{
	bool held[N(monitor_grants)];

	if (n > N(held) || capng_get_caps_process() < 0) {
		snprintf(err, errlen, "cannot read this process's capabilities");
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		held[i] = capng_have_capability(CAPNG_PERMITTED, (unsigned)g[i].cap) &&
			  capng_have_capability(CAPNG_BOUNDING_SET, (unsigned)g[i].cap);
		if (held[i])
			continue;
		if (g[i].required) {
			snprintf(err, errlen, "missing capability %s, needed for %s",
				 cap_name(g[i].cap), g[i].why);
			return -1;
		}
		log_warn("capability %s not available: no %s", cap_name(g[i].cap), g[i].why);
	}
	capng_clear(CAPNG_SELECT_ALL);
	for (size_t i = 0; i < n; i++) {
		if (held[i] && capng_update(CAPNG_ADD,
					    CAPNG_EFFECTIVE | CAPNG_PERMITTED | CAPNG_BOUNDING_SET,
					    (unsigned)g[i].cap) < 0) {
			snprintf(err, errlen, "capng_update(%s) failed", cap_name(g[i].cap));
			return -1;
		}
	}
	/* The bounding set first (it needs CAP_SETPCAP, which we keep), then
	 * effective/permitted/inheritable, then ambient. */
	int rc = capng_apply(CAPNG_SELECT_ALL);
	if (rc < 0) {
		snprintf(err, errlen, "capng_apply failed (%d)", rc);
		return -1;
	}
	return 0;
}

int monitor_caps_restrict(char *err, size_t errlen)
{
	return keep_only(monitor_grants, N(monitor_grants), err, errlen);
}

int worker_exec_caps_restrict(void)
{
	char err[160];

	/* libcap-ng caches the pid it works on; after fork() it must be ours. */
	capng_setpid(getpid());
	if (capng_get_caps_process() < 0)
		return -1;
	if (!capng_have_capability(CAPNG_EFFECTIVE, CAP_SETPCAP)) {
		if (geteuid() == 0)
			return -1;      /* root would pass its bounding set on */
		capng_clear(CAPNG_SELECT_CAPS | CAPNG_SELECT_AMBIENT);
		return capng_apply(CAPNG_SELECT_CAPS | CAPNG_SELECT_AMBIENT) < 0 ? -1 : 0;
	}
	return keep_only(worker_exec_grants, N(worker_exec_grants), err, sizeof(err));
}
