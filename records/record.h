/* A record: one value (normalised text, never NULL) for each field of its
 * kind's schema (records/schema.h), in schema order.
 *
 * Values are validated on every set, so a record in memory is always
 * valid field by field. Setting a field refuses a bad value with a typed
 * error (struct rec_err) and leaves the record unchanged. */
#ifndef RECORDS_RECORD_H
#define RECORDS_RECORD_H

#include <stdbool.h>
#include <stddef.h>

#include "records/rec_err.h"
#include "records/schema.h"

struct rec;

/* A record of kind holding the compiled defaults. NULL when out of memory. */
struct rec *rec_new(enum rec_kind kind);
struct rec *rec_dup(const struct rec *r);
void rec_free(struct rec *r);

enum rec_kind rec_kind_of(const struct rec *r);

/* Value of a key ("" for <empty>), or NULL when the kind has no such key. */
const char *rec_get(const struct rec *r, const char *name);
/* Value by schema index (NULL when out of range). */
const char *rec_get_at(const struct rec *r, size_t idx);
/* RT_INT and RT_BOOL (Yes = 1) fields: 0 and *out, or -1 for an unknown
 * key or a field of another type. */
int rec_get_int(const struct rec *r, const char *name, long long *out);

/* Validates and stores value (normalised). Any key of the kind, including
 * identity keys: this is how records are built. Errors: REC_E_UNKNOWN_KEY,
 * REC_E_BAD_VALUE, REC_E_RANGE, REC_E_TOO_LONG, REC_E_BAD_NAME, REC_E_NOMEM. */
int rec_set(struct rec *r, const char *name, const char *value, struct rec_err *err);
int rec_set_at(struct rec *r, size_t idx, const char *value, struct rec_err *err);

/* What `-o update -n name -v value` may do to a stored record: like
 * rec_set(), but identity keys and (in node records) iface.* keys are
 * refused with REC_E_READONLY and open-iscsi's reason, e.g.
 * "Cannot modify node.tpgt. It is used to look up the record and cannot
 * be changed." / "Cannot modify iface.net_ifacename. Use iface mode to
 * update this value." */
int rec_update(struct rec *r, const char *name, const char *value, struct rec_err *err);

/* Copies every iface.* value of iface (REC_IFACE) into node (REC_NODE),
 * binding the node to that iface. */
void rec_node_bind_iface(struct rec *node, const struct rec *iface);

/* Checks that the identity keys make a storable record: node.name a valid
 * iSCSI name, node.conn[0].address a non-empty address, iface name set;
 * discovery address set; iface name set. REC_E_BAD_NAME otherwise. */
int rec_check_identity(const struct rec *r, struct rec_err *err);

/* True when every value equals the other's. */
bool rec_equal(const struct rec *a, const struct rec *b);

/* Database value format, version 1 (documented in records/record.c):
 * "ISCSIREC 1 <kind>\n" then "key=value\n" for each field whose value
 * differs from the compiled default. rec_serialize() returns a malloc'd
 * buffer; rec_deserialize() validates every line (unknown keys, bad
 * values, duplicates, missing header -> REC_E_CORRUPT naming the key). */
int rec_serialize(const struct rec *r, char **buf, size_t *len, struct rec_err *err);
int rec_deserialize(enum rec_kind kind, const char *buf, size_t len, struct rec **out,
		    struct rec_err *err);

#endif
