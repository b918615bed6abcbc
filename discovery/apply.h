/* A discovery's result, applied to the record database the way open-iscsi's
 * `iscsiadm -m discovery -t st -p PORTAL [-I iface]... [-o op]...` does,
 * and printed the way it prints it. Shared by iscsiadm (no iscsid) and
 * iscsid's monitor, so both write the same records.
 *
 * What is written, all in one database transaction (all or nothing):
 * - the discovery record of the portal, from iscsid.conf's discovery
 *   defaults, created or replaced (the legacy -m discovery takes its
 *   settings from iscsid.conf, not from a stored record);
 * - for each discovered portal and each iface (-I, default "default"):
 *     absent  -> created from iscsid.conf's node defaults  (op new)
 *     present -> rebuilt from iscsid.conf's node defaults   (op update)
 *                or left as it is                          (otherwise)
 *   node.discovery_address/port/type record where it was found;
 * - op delete: node records that this discovery portal found earlier
 *   (node.discovery_type send_targets, same discovery address and port)
 *   on one of the ifaces used, and that it no longer reports, are removed;
 * - op nonpersistent: nothing at all is written, whatever else is given.
 * Without any op, open-iscsi's default is new, delete and update.
 *
 * Printing: every discovered portal on every iface, in the target's order
 * (iface by iface), whether or not it was written:
 *   -P unset/0   "127.0.0.1:3260,1 iqn.2001-04.com.example:disk1"
 *                ("[::1]:3260,1 ..." for IPv6; ",-1" when no TPGT)
 *   -P 1         "Target: NAME" / "\tPortal: ADDR:PORT,TPGT" /
 *                "\t\tIface Name: IFACE" */
#ifndef DISCOVERY_APPLY_H
#define DISCOVERY_APPLY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "discovery/driver.h"
#include "records/config.h"
#include "records/db.h"

/* The -o values of discovery; numerically the same as control/ctl_types.h
 * enum ctl_disc_op, so iscsid passes a request's ops through unchanged. */
#define DISC_OP_NEW           0x1u
#define DISC_OP_DELETE        0x2u
#define DISC_OP_UPDATE        0x4u
#define DISC_OP_NONPERSISTENT 0x8u
#define DISC_OP_DEFAULT       (DISC_OP_NEW | DISC_OP_DELETE | DISC_OP_UPDATE)

struct discovery_apply_opts {
	unsigned ops;                   /* DISC_OP_*; 0 means DISC_OP_DEFAULT */
	const char *const *ifaces;      /* NULL or n_ifaces == 0: "default" */
	size_t n_ifaces;
};

/* What was done. keys: one node key per discovered portal and iface, in
 * print order (duplicates after address resolution removed). */
struct discovery_applied {
	struct rec_key *keys;
	size_t n;
	size_t created, updated, deleted;
};

/* The discovery record of a portal as a discovery makes it: iscsid.conf's
 * defaults, the address and the port. NULL with err set on failure. */
struct rec *discovery_record_new(const struct iscsid_conf *conf, const char *addr, int port,
				 struct rec_err *err);

/* Checks the ops (only DISC_OP_* bits) and that every iface exists.
 * Returns 0, or an exit code with one line in err. Called before the
 * discovery itself, so a typo does not cost a connection. */
int discovery_apply_check(struct recdb *db, const struct discovery_apply_opts *o,
			  struct rec_err *err);

/* Applies a successful result (res->code 0) as described above. Returns
 * 0 (out filled; free it with discovery_applied_free()) or an exit code
 * (ISCSI_ERR_IDBM, ISCSI_ERR_NOMEM, ...) with one line in err. */
int discovery_apply(struct recdb *db, const struct iscsid_conf *conf,
		    const struct discovery_result *res, const struct discovery_apply_opts *o,
		    struct discovery_applied *out, struct rec_err *err);

void discovery_applied_free(struct discovery_applied *a);

/* The lines above for keys[0..n-1]; level as -P (1 = tree, else flat). */
void discovery_print(FILE *f, const struct rec_key *keys, size_t n, int level);

/* The run's deadlines from a discovery record (iscsid.conf defaults):
 * connect = timeo.login_timeout, whole run = login_timeout +
 * active_timeout (seconds; 0 or absent means the driver's default). */
void discovery_timeouts(const struct rec *discovery, uint32_t *connect_ms, uint32_t *total_ms);

/* discovery.sendtargets.iscsi.MaxRecvDataSegmentLength of a discovery
 * record (iscsid.conf defaults), for discovery_params.max_recv_dsl;
 * 0 when absent. */
uint32_t discovery_max_recv_dsl(const struct rec *discovery);

#endif
