/* A LOGIN request (control/ctl_types.h) as a worker job: the node record
 * is read from the database, the offer built from it (login/offer.h), the
 * login run in a sandboxed worker (login/driver.h), and on success the
 * connection handed to the kernel (monitor/session_setup.h), the session
 * registered (monitor/sessions.h) and its LUNs scanned (monitor/scan.h)
 * before the client hears "logged in", so the disks exist when iscsiadm
 * returns (unless it asked --no_wait).
 *
 * One record never gets two sessions: a LOGIN for a record that has a
 * session, or a login under way, is answered 15 (ISCSI_ERR_SESS_EXISTS)
 * at once. The check and the job's registration happen in the same turn
 * of the event loop, so two racing iscsiadm calls cannot both pass. */
#ifndef MONITOR_LOGIN_JOB_H
#define MONITOR_LOGIN_JOB_H

#include "control/ctl_msg.h"

struct monitor;
struct ctl_peer;

void login_job_submit(struct monitor *m, struct ctl_peer *p, const struct ctl_login *req);

#endif
