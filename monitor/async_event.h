/* Target-initiated events of a logged-in session (RFC 7143 11.9,
 * Asynchronous Message), and the answer to the logout they may ask for.
 *
 * Once a session is up the kernel owns its connection; PDUs it does not
 * handle itself come to the monitor as KERN_EV_RECV_PDU. The monitor
 * never parses them: each is copied (at most SESSION_PDU_MAX bytes) into
 * a worker job (monitor/workers.h) whose sandboxed worker of role "pdu"
 * decodes it (privsep/pdu_run.h) and answers with numbers only. At most
 * ASYNC_JOBS_PER_SESSION such jobs per session are queued or running; a
 * target sending more meanwhile has the extra PDUs dropped, with a
 * rate-limited line. The decoded event is then acted on as open-iscsi
 * does, one log line each, naming the session:
 *
 *   0    SCSI event: logged with its sense key, ASC and ASCQ; on 3F/0E
 *        (REPORTED LUNS DATA HAS CHANGED) the session's LUNs are scanned
 *        again, unless its record says node.session.scan = manual
 *   1    logout request: a Logout Request (close the session) goes out
 *        through the kernel; its Logout Response (decoded the same way),
 *        or the record's logout timeout without one, starts the
 *        session's recovery (monitor/recovery.h), which logs in again
 *        after Time2Wait with the session's ISID, so the kernel's session
 *        and its disks stay. Parameter3 is the time the target gives us
 *        to log out (we do at once), not a Time2Wait: the wait is the
 *        negotiated DefaultTime2Wait, or the Logout Response's Time2Wait
 *        when its code is 2 or 3 (RFC 7143 11.15.2)
 *   2, 3 the target will drop the connection (or all of them): its
 *        Time2Wait becomes the wait before the recovery that the kernel's
 *        connection error starts. The error often arrives before the
 *        worker's answer: when that recovery is still in its first wait,
 *        the wait is set again from the event
 *   4    parameter renegotiation: not supported on a live connection; as
 *        open-iscsi, the connection is dropped and logged in again (the
 *        new login negotiates everything anew)
 *   255  vendor-specific: logged and ignored
 *
 * A PDU the worker refuses is logged and ignored; a worker killed for
 * misbehaving gets an audit record (worker_killed). An event that
 * arrives after its connection was replaced (a recovery started or ended
 * meanwhile) or while the session logs out is logged and not acted on. */
#ifndef MONITOR_ASYNC_EVENT_H
#define MONITOR_ASYNC_EVENT_H

#include <stddef.h>
#include <stdint.h>

struct monitor;
struct msession;

#define ASYNC_JOBS_PER_SESSION 4
/* Dropped PDUs are reported at most this often. */
#define ASYNC_DROP_LOG_INTERVAL_MS 10000

/* A PDU the kernel passed up for s, whose state is not logging out. */
void async_event_on_pdu(struct monitor *m, struct msession *s, const uint8_t *pdu, size_t len);

#endif
