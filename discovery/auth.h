/* Where a SendTargets discovery gets its CHAP settings: the discovery
 * record of that portal (iscsiadm -m discoverydb -o new / -o update -n
 * discovery.sendtargets.auth.*) when there is one, else iscsid.conf's
 * discovery.sendtargets.auth.* defaults, as open-iscsi does. Used by
 * iscsid's discovery job and by iscsiadm's standalone discovery.
 *
 * Like open-iscsi, a persistent discovery makes the portal's record
 * before it connects (from iscsid.conf's defaults) when there is none:
 * it stays when the discovery fails, so CHAP can be added to it with
 * -o update. Node records are written only from a successful discovery. */
#ifndef DISCOVERY_AUTH_H
#define DISCOVERY_AUTH_H

#include <stdbool.h>
#include <stddef.h>

#include "auth/chap_holder.h"
#include "records/config.h"
#include "records/db.h"

/* db may be NULL (defaults only). create: make the record when missing
 * (a portal given as an address; a host name gets its record from the
 * discovery's results). Returns 0, or an exit code with one line in msg:
 * 7 for bad credentials (auth/chap_holder.h), 6 when the database cannot
 * be read or written. */
int discovery_auth_creds(struct recdb *db, const struct iscsid_conf *conf, const char *portal,
			 bool create, struct chap_creds *out, char *msg, size_t size);

#endif
