/* Logging out of a session (RFC 7143 11.14: Logout Request "close the
 * session"). The connection belongs to the kernel once a session is up,
 * so the Logout Request goes out through it (ISCSI_UEVENT_SEND_PDU: the
 * kernel fills in ITT, CmdSN and ExpStatSN) and the answer comes back as
 * a PDU the kernel passes up. The monitor does not parse that answer: any
 * PDU, a connection error (the target closing after its answer) or the
 * timeout ends the wait, and the session is torn down either way, as
 * open-iscsi does; a target that refuses a logout cannot keep a session
 * alive against the administrator.
 *
 * Order: first the session's disks are removed (UNBIND_SESSION) while the
 * connection still works, so that each disk's last SYNCHRONIZE CACHE
 * reaches the target; then the Logout Request; then STOP_CONN(TERM),
 * DESTROY_CONN, DESTROY_SESSION. */
#ifndef MONITOR_LOGOUT_H
#define MONITOR_LOGOUT_H

struct msession;

/* How long the target gets to answer the Logout Request (open-iscsi's
 * node.conn[0].timeo.logout_timeout default). */
#define LOGOUT_RESPONSE_TIMEOUT_MS 15000

/* The logout's answer (or a connection error) arrived. */
void logout_on_response(struct msession *s);

/* The kernel has removed the session's disks (UNBIND_SESSION done): the
 * Logout Request goes next. */
void logout_on_unbound(struct msession *s);

/* The session cannot be recovered (monitor/recovery.h gave up): torn
 * down at once, with no Logout Request (there is no connection to carry
 * one) and nobody to answer; why goes to the log and the audit record. */
void logout_abandon(struct msession *s, const char *why);

#endif
