/* Session recovery (RFC 7143 error recovery level 0, as the kernel's
 * iscsi_tcp supports it): when the kernel reports a connection error
 * (the TCP connection closed or reset, a NOP-Out ping unanswered, a
 * protocol error in the data path) for a session of this iscsid, the
 * monitor
 *
 *   1. stops the kernel's connection with STOP_CONN_RECOVER: the kernel
 *      keeps the session, its SCSI host and disks, holds new I/O and
 *      requeues what was in flight, and starts its own clock:
 *      node.session.timeo.replacement_timeout (0: fail I/O at once,
 *      negative: hold it for ever), after which it fails the held I/O;
 *   2. waits DefaultTime2Wait (RFC 7143 13.15: the least time before a
 *      new login may implicitly log the old connection out), then logs
 *      in again through a fresh sandboxed worker, with the session's
 *      own ISID and TSIH 0: a session reinstatement (RFC 7143 6.3.5),
 *      which makes the target drop whatever it kept of the old session.
 *      A same-TSIH continuation is not tried: at level 0 with the usual
 *      DefaultTime2Retain=0 the target has already forgotten it;
 *   3. binds the new socket to the kernel's same connection, sets the
 *      new login's values and starts it (monitor/session_setup.h): the
 *      held I/O resumes, the disks never went away;
 *   4. on a failed attempt tries again with back-off (0.5 s doubling,
 *      at most RECOVERY_DELAY_MAX_MS between attempts), after
 *      replacement_timeout too, as open-iscsi does, so the session
 *      comes back whenever the target does, until node.session.reopen_max
 *      attempts (0: no limit) have failed: then the session is torn
 *      down as a logout would, without a Logout Request.
 *
 * Each attempt is a worker job (monitor/workers.h), so at most
 * max_workers logins run at once however many sessions fail together;
 * the back-off waits on a timer, holding no worker slot. Every attempt
 * and its outcome is logged, the failures rate-limited. A logout during
 * recovery cancels it (the session is torn down without a Logout
 * Request, as its connection is gone). */
#ifndef MONITOR_RECOVERY_H
#define MONITOR_RECOVERY_H

#include <stdbool.h>
#include <stdint.h>

struct monitor;
struct msession;

#define RECOVERY_DELAY_FIRST_MS 500
#define RECOVERY_DELAY_MAX_MS 3000

/* A kernel connection error for s (error: the kernel's enum iscsi_err;
 * 0 for a session found failed when iscsid started). */
void recovery_on_conn_error(struct monitor *m, struct msession *s, uint32_t error);

/* The session is going away (logout, destroyed): no further attempts; an
 * attempt under way finds the session gone and drops its connection. */
void recovery_cancel(struct msession *s);

/* The target named its Time2Wait after recovery generation's
 * connection error had already started it (an Async Message decoded
 * late): when that recovery is still waiting for its first attempt,
 * the wait becomes secs from the error, and the session keeps secs as
 * its Time2Wait. Returns whether it did. */
bool recovery_set_first_wait(struct msession *s, uint32_t generation, unsigned secs);

/* The delay before attempt n (1-based) after the first. */
long long recovery_delay_ms(unsigned attempt);

#endif
