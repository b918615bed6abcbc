/* A LOGIN request (control/ctl_types.h) as a worker job: the node record
 * is read from the database, the offer built from it (login/offer.h), the
 * login run in a sandboxed worker (login/driver.h), and on success the
 * connection handed to the kernel (monitor/session_setup.h), the session
 * registered (monitor/sessions.h) and its LUNs scanned (monitor/scan.h)
 * before the client hears "logged in", so the disks exist when iscsiadm
 * returns (unless it asked --no_wait).
 *
 * How many sessions a record gets (node.session.nr_sessions, or one more
 * for -o new), and what happens to a LOGIN that would make too many, is
 * monitor/login_admit.h's decision: login_job_submit() asks it, and it
 * starts the job with login_job_start(). Every end of a login job is
 * reported to it (login_admit_job_ended()). */
#ifndef MONITOR_LOGIN_JOB_H
#define MONITOR_LOGIN_JOB_H

#include "control/ctl_msg.h"

struct monitor;
struct ctl_peer;

/* The LOGIN request of client p. */
void login_job_submit(struct monitor *m, struct ctl_peer *p, const struct ctl_login *req);

/* Queues the login job of req for p (NULL: iscsid's own), as decided. */
void login_job_start(struct monitor *m, struct ctl_peer *p, const struct ctl_login *req);

/* Login jobs of the record req names, running or queued. */
unsigned login_job_count(const struct monitor *m, const struct ctl_login *req);

#endif
