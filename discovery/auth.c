#include "discovery/auth.h"

#include <stdio.h>
#include <string.h>

#include "base/exitcodes.h"
#include "discovery/apply.h"
#include "records/portal.h"

/* A new discovery record for key from conf's defaults, stored unless one
 * appeared meanwhile. NULL with err set on failure. */
static struct rec *new_record(struct recdb *db, const struct iscsid_conf *conf,
			      const struct rec_key *key, struct rec_err *err)
{
	struct rec *r = discovery_record_new(conf, key->addr, key->port, err);

	if (r && recdb_put(db, r, false, err) < 0 && err->status != REC_E_EXISTS) {
		rec_free(r);
		return NULL;
	}
	return r;
}

int discovery_auth_creds(struct recdb *db, const struct iscsid_conf *conf, const char *portal,
			 bool create, struct chap_creds *out, char *msg, size_t size)
{
	struct rec_key key = { .kind = REC_DISCOVERY_ST, .tpgt = REC_TPGT_NONE };
	struct rec_err err = { 0 };
	struct portal p;
	struct rec *r = NULL;

	memset(out, 0, sizeof(*out));
	/* A name that does not parse here fails the discovery itself later,
	 * with the driver's own line; until then the defaults apply. */
	if (db && portal && portal_parse(portal, PORTAL_NO_TPGT, &p, &err) == 0) {
		snprintf(key.addr, sizeof(key.addr), "%s", p.addr);
		key.port = p.port;
		if (recdb_get(db, &key, &r, &err) < 0) {
			if (err.status != REC_E_NOT_FOUND) {
				snprintf(msg, size, "%s", err.msg);
				return ISCSI_ERR_IDBM;
			}
			if (create && !(r = new_record(db, conf, &key, &err))) {
				snprintf(msg, size, "%s", err.msg);
				return ISCSI_ERR_IDBM;
			}
		}
	}
	int rc = chap_creds_from_record(r ? r : conf->discovery, out, msg, size);
	rec_free(r);
	return rc;
}
