/* Where a SendTargets discovery gets its CHAP settings: the discovery
 * record of that portal (iscsiadm -m discoverydb -o new / -o update -n
 * discovery.sendtargets.auth.*) when there is one, else iscsid.conf's
 * discovery.sendtargets.auth.* defaults, as open-iscsi does. Used by
 * iscsid's discovery job and by iscsiadm's standalone discovery.
 *
 * Nothing is written before the discovery has succeeded: a failed one
 * (a refusal, a hostile target) leaves the database as it was. */
#ifndef DISCOVERY_AUTH_H
#define DISCOVERY_AUTH_H

#include <stddef.h>

#include "auth/chap_holder.h"
#include "records/config.h"
#include "records/db.h"

/* db may be NULL (defaults only). Returns 0, or an exit code with one
 * line in msg: 7 for bad credentials (auth/chap_holder.h), 6 when the
 * database cannot be read. */
int discovery_auth_creds(struct recdb *db, const struct iscsid_conf *conf, const char *portal,
			 struct chap_creds *out, char *msg, size_t size);

#endif
