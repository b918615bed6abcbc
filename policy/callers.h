/* Who may ask iscsid for what over its control socket. The socket file
 * is root:<reader group>, mode 0660 (monitor/control_server.c), so that
 * other users cannot even connect; the decision is still made per
 * request, from the caller's kernel-verified credentials (SO_PEERCRED,
 * SO_PEERGROUPS, privsep/peercred.h) and the table in policy/callers.c:
 *   root (uid 0)                     every request;
 *   a member of the reader group     read-only requests;
 *   anybody else                     nothing. */
#ifndef POLICY_CALLERS_H
#define POLICY_CALLERS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* Control requests. control/ctl_types.h names one for each request it
 * declares; a request added there gets its row in policy/callers.c, or is
 * refused. */
enum ctl_request {
	CTL_PING = 1,           /* is iscsid running (iscsiadm asks first) */
	CTL_SESSION_LIST,       /* -m session [-P N] */
	CTL_SESSION_STATS,      /* -m session -r SID -s */
	CTL_HOST_LIST,          /* -m host */
	CTL_RECORD_READ,        /* -m node / discoverydb / iface, shown; secrets masked */
	CTL_RECORD_WRITE,       /* -o new / update / delete */
	CTL_DISCOVERY,          /* -m discovery -t st: connects out, writes records */
	CTL_LOGIN,              /* -m node -l, --loginall */
	CTL_LOGOUT,             /* -u, --logoutall */
	CTL_SESSION_RESCAN,     /* -m session -R */
	CTL_DAEMON_STOP,        /* iscsiadm -k */
	CTL_DAEMON_STATUS,      /* iscsid's own state: workers, queue, settings */
	CTL_REQUEST_MAX = CTL_DAEMON_STATUS
};

struct ctl_caller {
	uid_t uid;
	gid_t gid;
	const gid_t *groups;    /* supplementary groups */
	size_t ngroups;
};

struct caller_policy {
	bool has_reader_group;  /* false: only root may use the socket */
	gid_t reader_gid;
};

enum caller_verdict {
	CALLER_ALLOW = 0,
	CALLER_DENY,
};

/* Unknown requests are denied to everybody, root included: a request
 * without a row has not been thought about. */
enum caller_verdict caller_permits(const struct caller_policy *p, const struct ctl_caller *c,
				   enum ctl_request req);

/* True when req only reads state. */
bool ctl_request_read_only(enum ctl_request req);

/* "session-list", ...; "unknown" for anything else. */
const char *ctl_request_name(enum ctl_request req);

#endif
