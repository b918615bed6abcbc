/* Logins at iscsid's start: every node record whose node.startup (or
 * node.conn[0].startup, as open-iscsi accepts either) is "automatic", and
 * "onboot" ones too when iscsid was started with --autologin naming
 * onboot, is logged in up to its node.session.nr_sessions, counting the
 * sessions taken over at start (monitor/sessions.h sessions_adopt()), so
 * an iscsid restarted with its sessions up makes no second ones.
 * Records with node.leading_login = Yes want one session per target, as
 * iscsiadm -L does: such a record is logged in only when its target has
 * no session and no other record logs it in (a normal one, or a leading
 * one earlier in the database).
 *
 * The logins are worker jobs with no client (monitor/workers.h), queued
 * all at once as far as the job queue has room (max_workers of them run
 * in parallel); the rest follow as jobs end. Each goes through
 * monitor/login_admit.h like a LOGIN from iscsiadm, so an iscsiadm -L
 * automatic from iscsi.service at the same time never doubles a
 * session: it waits for these logins and then finds the sessions there
 * (exit 15, which the unit takes for success) or logs in what failed.
 * One line per record says what was started; each login's outcome is the
 * login job's own line. */
#ifndef MONITOR_AUTOLOGIN_H
#define MONITOR_AUTOLOGIN_H

#include <stdbool.h>
#include <stddef.h>

#include "control/ctl_msg.h"

struct monitor;

/* Does a record with these startup values belong to the logins at start?
 * which: ISCSID_AUTOLOGIN_* bits (monitor/options.h). */
bool autologin_selects(unsigned which, const char *startup, const char *conn_startup);

/* One selected record. */
struct autologin_item {
	struct ctl_login req;
	unsigned wanted;                /* node.session.nr_sessions */
	unsigned present;               /* its sessions already up */
	bool leading;                   /* node.leading_login = Yes */
	bool target_up;                 /* its target has a session, any portal */
	unsigned to_start;              /* autologin_plan()'s answer */
};

/* Fills to_start for each item: wanted - present (wanted 0 counts as 1);
 * 0 for a leading-login record whose target has a session or gets one
 * from another record (see above). Returns the total. */
unsigned autologin_plan(struct autologin_item *v, size_t n);

/* At start, after the sessions are taken over: reads the records and
 * queues their logins. Does nothing when which is 0 (--autologin=none). */
void autologin_start(struct monitor *m, unsigned which);

/* A login job ended (monitor/login_admit.c): queue more of the logins
 * still waiting for room. */
void autologin_feed(struct monitor *m);

#endif
