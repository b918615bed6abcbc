/* Whether a LOGIN may make a session now: iscsid keeps each node record at
 * node.session.nr_sessions sessions, and it is the only place where that
 * can be decided without a race. iscsiadm counts sessions in sysfs before
 * it asks, but two of them asking at once both count the same sessions;
 * the monitor is single-threaded and counts, in the same turn of the
 * event loop as it queues the job, both the record's sessions and its
 * login jobs running or queued (monitor/workers.h).
 *
 * A LOGIN is then
 *   started   when sessions + logins under way < nr_sessions, or when it
 *             asks for one session more (-m session -r SID -o new);
 *   refused   (15, open-iscsi's "N sessions requested, but M already
 *             present") when the sessions alone reach nr_sessions;
 *   held      otherwise: the logins under way may still fail. A held
 *             request is decided again each time a login job of iscsid
 *             ends, and at least every LOGIN_ADMIT_RECHECK_MS (a queued
 *             job dropped because its client left ends silently), in
 *             the order the requests came. So iscsi.service's
 *             "iscsiadm -L automatic" run while iscsid's own logins at
 *             start are under way returns once they have ended: 15 for
 *             the records they logged in, a login of its own for those
 *             they could not.
 * A client that leaves while held is forgotten. Requests iscsid makes
 * itself (peer NULL, monitor/autologin.h) go through the same rules. */
#ifndef MONITOR_LOGIN_ADMIT_H
#define MONITOR_LOGIN_ADMIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "control/ctl_msg.h"

struct monitor;
struct ctl_peer;

#define LOGIN_ADMIT_RECHECK_MS 1000

enum login_verdict {
	LOGIN_START,
	LOGIN_WAIT,
	LOGIN_REFUSE,
};

/* The rule above, on counts: the record's sessions, its logins under way,
 * its nr_sessions (wanted, at least 1) and whether one more is asked. */
enum login_verdict login_admit_decide(unsigned sessions, unsigned in_flight, unsigned wanted,
				      bool one_more);

/* Sessions of the record (target, portal, iface): those in iscsid's table
 * (logged in, taken over, being logged out or recovered) and those sysfs
 * shows that the table does not have yet (another initiator's). */
unsigned login_admit_sessions(struct monitor *m, const char *target, const char *address,
			      uint16_t port, const char *iface);

/* node.session.nr_sessions of the record req names, 0 when the record
 * cannot be read (the login job then reports why). */
unsigned login_admit_wanted(const struct ctl_login *req);

/* A LOGIN from p (NULL: iscsid's own, wanted already known; 0: read it
 * from the record when it matters). Starts, refuses (answering p) or
 * holds it. */
void login_admit_request(struct monitor *m, struct ctl_peer *p, const struct ctl_login *req,
			 unsigned wanted);

/* A login job ended or could not start: held requests (and iscsid's own
 * logins at start still to be queued) are decided again on the next turn
 * of the loop, once the job is off the worker lists. */
void login_admit_job_ended(struct monitor *m);

/* How many requests are held now (tests, status). */
unsigned login_admit_held(void);

#endif
