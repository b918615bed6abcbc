/* What every login the monitor makes needs before it connects, from a
 * node record: the offer (login/offer.h) with the initiator's names and
 * an ISID, the CHAP credentials (auth/chap_holder.h) and the driver's
 * parameters (login/driver.h) with the workers' sandbox; and the audit
 * record of how it ended. Shared by the
 * login job (iscsiadm's LOGIN) and recovery's relogin, so both offer the
 * same thing for the same record. */
#ifndef MONITOR_LOGIN_PREPARE_H
#define MONITOR_LOGIN_PREPARE_H

#include <stddef.h>
#include <stdint.h>

#include "auth/chap_holder.h"
#include "login/driver.h"
#include "proto/login.h"
#include "records/record.h"

struct monitor;

/* The node record of (target, portal, iface), any tpgt, from the
 * database (waiting a bounded time for iscsiadm's lock). 0, or an exit
 * code with one line in err: 21 when there is none. */
int login_prepare_load_node(const char *target, const char *address, uint16_t port,
			    const char *iface, struct rec **node, char *err, size_t errlen);

struct login_prep {
	struct login_config offer;
	struct chap_creds creds;        /* wiped by login_run_start() */
};

/* Checks the transport, opens the kernel link, reads the initiator name
 * and builds the offer (ISID from isid_qualifier) and the credentials.
 * 0, or an exit code with one line in err. */
int login_prepare(struct monitor *m, const struct rec *node, uint32_t isid_qualifier,
		  struct login_prep *out, char *err, size_t errlen);

/* The driver's parameters for prep's login to address:port; they point
 * into prep and node, which must outlive login_run_start(). */
void login_prepare_params(const struct monitor *m, const struct rec *node, struct login_prep *prep,
			  const char *address, uint16_t port, struct login_params *out);

/* The qualifier part of an ISID login_offer_isid() built. */
uint32_t login_prepare_isid_qualifier(const uint8_t isid[6]);

/* A new random ISID qualifier for a session to target: two sessions to
 * one target through the same portal group must not share an ISID (the
 * target would take the second for a reinstatement of the first and
 * drop it), and sessions taken over at start carry ISIDs this iscsid
 * never chose. A qualifier one of the target's sessions already has is
 * drawn again, so the sessions of a record (nr_sessions, -o new) differ
 * in their ISIDs. */
uint32_t login_prepare_new_isid_qualifier(struct monitor *m, const char *target);

/* The audit record of a login's end, first or recovery's (and of its
 * authentication, when it got that far): who, where, the session (-1:
 * none) and the exit code. */
void login_prepare_audit(const char *target, const char *address, uint16_t port,
			 const char *iface, const struct chap_summary *auth, int sid, int code,
			 const char *reason);

#endif
