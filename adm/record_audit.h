/* iscsiadm's audit of record changes: a write of a record's auth keys
 * (node.session.auth.*, discovery.sendtargets.auth.*, and an iface's
 * iface.chap_auth, iface.bidi_chap, iface.discovery_auth) through -n/-v
 * is recorded as event record_auth_changed (auth/audit.h), naming the
 * caller, the record and the keys, never a value. */
#ifndef ADM_RECORD_AUDIT_H
#define ADM_RECORD_AUDIT_H

#include <stdbool.h>
#include <stddef.h>

#include "adm/options.h"
#include "records/db.h"

/* True when name is an auth key of some record kind. */
bool adm_is_auth_key(const char *name);

/* The auth keys among o's -n names, comma-separated, each once, in the
 * order given; false (and "") when there is none. */
bool adm_auth_keys(const struct adm_opts *o, char *out, size_t size);

/* The record as audit names it: "node TARGET,ADDR:PORT,IFACE",
 * "discovery ADDR:PORT" or "iface NAME". */
void adm_record_name(const struct rec_key *key, char *out, size_t size);

/* Called once o's -n/-v pairs are committed to the record key: emits
 * the event when any of them is an auth key. */
void adm_audit_auth_change(const struct adm_opts *o, const struct rec_key *key);

#endif
