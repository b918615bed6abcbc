/* Hands a logged-in connection to the kernel: the last step of a login.
 * The worker has done the login on the socket and the monitor has
 * checked what it reported (login/check.h); now the kernel gets a
 * session (CREATE_SESSION with the login's CmdSN, so the first command
 * continues the numbering), a connection bound to the socket, every
 * negotiated value, the names and timeouts from the record, and is
 * started. Nothing secret is set: the CHAP user names and passwords the
 * kernel could hold (ISCSI_PARAM_USERNAME...) are left empty, so sysfs
 * never shows them.
 *
 * On failure whatever was created is destroyed again, and the socket
 * (which the kernel may hold a reference to) is the caller's to close. */
#ifndef MONITOR_SESSION_SETUP_H
#define MONITOR_SESSION_SETUP_H

#include <stddef.h>
#include <stdint.h>

#include "login/check.h"
#include "proto/login.h"
#include "records/record.h"

struct kern;

struct session_setup {
	const struct rec *node;                 /* timeouts, queue sizes, iface */
	const struct login_config *offer;       /* names, ISID, what we declared */
	const struct login_negotiated *neg;
	const char *address;                    /* the persistent (record's) portal */
	uint16_t port;
	int sockfd;
};

struct session_made {
	uint32_t sid, cid, host_no;
};

/* 0, or -1 with one line in err. */
int session_setup(struct kern *k, const struct session_setup *s, struct session_made *out,
		  char *err, size_t errlen);

/* Recovery: the kernel's session and connection exist (stopped with
 * STOP_CONN_RECOVER, I/O held); a new login on a new socket (the
 * setup's) replaces the lost one. Binds the socket to the same
 * connection, sets the new login's values and starts it, which unblocks
 * the held I/O. On failure the connection is stopped for recovery again
 * (so the next attempt can bind), and the socket is the caller's. 0, or
 * -1 with one line in err. */
int session_rebind(struct kern *k, const struct session_setup *s, const struct session_made *ms,
		   char *err, size_t errlen);

#endif
