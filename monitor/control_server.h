/* The control socket: iscsi_path(ISCSID_RUN_DIR)/iscsid.sock, the
 * protocol of control/ctl_msg.h.
 *
 * The socket file is owned by root and by the reader group
 * (iscsid.control_group), mode 0660: other users cannot connect at all
 * (their connect() fails with EACCES, exit 13 in iscsiadm). It is bound
 * under a temporary name, given its group and mode, then renamed into
 * place, so it never exists with wider permissions. Every request is
 * still authorised on its own from the caller's SO_PEERCRED credentials
 * (policy/callers.h): root may do everything, the reader group read-only
 * requests; a refusal is answered with ISCSI_ERR_ACCESS and logged with
 * the caller's uid and pid and the request. */
#ifndef MONITOR_CONTROL_SERVER_H
#define MONITOR_CONTROL_SERVER_H

#include <stddef.h>
#include <sys/types.h>

#include "control/ctl_msg.h"

struct monitor;
struct ctl_peer;

/* At most this many clients at once; one more is answered ISCSI_ERR_BUSY.
 * The last CTL_ROOT_RESERVED places are root's, so that members of the
 * control group cannot lock root out by holding connections open. */
#define CTL_MAX_CLIENTS 64
#define CTL_ROOT_RESERVED 8
/* A client that sends no request for this long is disconnected. */
#define CTL_IDLE_MS 60000
/* A client refused for good is closed when it hangs up, or after this. */
#define CTL_LINGER_MS 5000
/* Answers queued for a client that does not read them, at most. */
#define CTL_OUTQ_MAX (16u << 20)

/* Binds m->socket_path and starts accepting. 0, or -1 with err. */
int ctl_server_open(struct monitor *m, char *err, size_t errlen);

/* The reader group changed: bind a new socket file with the new group
 * and swap it in (connected clients stay). 0 or -1 (logged). */
int ctl_server_regroup(struct monitor *m);

/* Disconnects every client, closes and removes the socket. */
void ctl_server_close(struct monitor *m);

unsigned ctl_server_clients(const struct monitor *m);

/* ---- answering a client (requests.c, workers.c) ---- */

/* Queues a data response to the client's pending request. */
void ctl_peer_send(struct ctl_peer *p, const struct ctl_msg *msg);

/* Queues the RESULT that ends the pending request; the client may then
 * send its next request. p NULL (the client has left) does nothing, so
 * that work which outlives its client can answer unconditionally. */
void ctl_peer_finish(struct ctl_peer *p, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Links a long request (a worker job) to the client: when the client
 * disconnects first, gone(job) is called and the link dropped. Pass NULL
 * to unlink (the job is done). */
void ctl_peer_link(struct ctl_peer *p, void *job, void (*gone)(void *job));

/* "uid U pid P", for log lines. */
const char *ctl_peer_who(const struct ctl_peer *p);

#endif
