/* Indexes, so that common selections do not walk every key of the file
 * (about 15 ms for 10,000 node records):
 *
 *   "tgt <target>"  keys of the node records of one target (eui./naa. hex
 *                   digits lower-cased, as iscsi_name_equal() compares);
 *                   iscsiadm selects with -T and -p but rarely knows the
 *                   TPGT or iface;
 *   "tbl st"        keys of all SendTargets discovery records;
 *   "tbl iface"     keys of all stored iface records.
 *
 * A value is key texts (records/reckey.h), each ending in '\n', in
 * insertion order. An index entry is written in the same transaction as
 * the record it lists, so the two can never disagree after a crash. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "records/db_view.h"
#include "records/reckey.h"

#define INDEX_PREFIX "tgt "
#define INDEX_MAX (1u << 20)

bool index_key_text(const char *k, size_t klen)
{
	return klen >= 4 && (!memcmp(k, INDEX_PREFIX, 4) || !memcmp(k, "tbl ", 4));
}

static int target_index_key(const char *target, char *buf, size_t size, struct rec_err *err)
{
	size_t len = strlen(target);
	bool hex = !strncmp(target, "eui.", 4) || !strncmp(target, "naa.", 4);

	if (len + 5 > size)
		return rec_fail(err, REC_E_INTERNAL, "index key does not fit");
	memcpy(buf, INDEX_PREFIX, 4);
	for (size_t i = 0; i < len; i++) {
		char c = target[i];

		buf[4 + i] = hex && c >= 'A' && c <= 'F' ? (char)(c - 'A' + 'a') : c;
	}
	buf[4 + len] = '\0';
	return (int)(4 + len);
}

/* Finds line k (without '\n') in the index value; returns its offset or -1. */
static long find_line(const char *val, size_t vlen, const char *k, size_t klen)
{
	size_t pos = 0;

	while (pos < vlen) {
		const char *nl = memchr(val + pos, '\n', vlen - pos);
		size_t len = nl ? (size_t)(nl - (val + pos)) : vlen - pos;

		if (len == klen && !memcmp(val + pos, k, klen))
			return (long)pos;
		pos += len + 1;
	}
	return -1;
}

/* The index a record of this key is listed in. */
static int index_key(const struct rec_key *key, char *buf, size_t size, struct rec_err *err)
{
	switch (key->kind) {
	case REC_NODE:
		return target_index_key(key->target, buf, size, err);
	case REC_DISCOVERY_ST:
		return snprintf(buf, size, "tbl st");
	case REC_IFACE:
		return snprintf(buf, size, "tbl iface");
	default:
		return rec_fail(err, REC_E_INTERNAL, "no index for this kind of record");
	}
}

static int index_change(struct recdb_txn *v, const struct rec_key *key, const char *k, size_t klen,
			bool add, struct rec_err *err)
{
	char ik[REC_KEY_TEXT_MAX], *val, *nv;
	size_t vlen, nlen;
	long at;
	int n = index_key(key, ik, sizeof(ik), err), rc;

	if (n < 0 || view_fetch(v, ik, (size_t)n, &val, &vlen, err) < 0)
		return -1;
	at = val ? find_line(val, vlen, k, klen) : -1;
	if ((add && at >= 0) || (!add && at < 0)) {
		free(val);
		return 0;
	}
	nlen = add ? vlen + klen + 1 : vlen - klen - 1;
	if (nlen > INDEX_MAX) {
		free(val);
		return rec_fail(err, REC_E_TOO_LONG, "too many records in index %s", ik);
	}
	nv = malloc(nlen + 1);
	if (!nv) {
		free(val);
		return rec_fail(err, REC_E_NOMEM, "out of memory");
	}
	if (add) {
		if (vlen)
			memcpy(nv, val, vlen);
		memcpy(nv + vlen, k, klen);
		nv[vlen + klen] = '\n';
	} else {
		memcpy(nv, val, (size_t)at);
		memcpy(nv + at, val + at + klen + 1, vlen - (size_t)at - klen - 1);
	}
	free(val);
	rc = strmap_set(&v->pending, ik, (size_t)n, nlen ? nv : NULL, nlen);
	free(nv);
	return rc < 0 ? rec_fail(err, REC_E_NOMEM, "out of memory") : 0;
}

int index_add(struct recdb_txn *v, const struct rec_key *key, const char *k, size_t klen,
	      struct rec_err *err)
{
	return index_change(v, key, k, klen, true, err);
}

int index_remove(struct recdb_txn *v, const struct rec_key *key, const char *k, size_t klen,
		 struct rec_err *err)
{
	return index_change(v, key, k, klen, false, err);
}

bool index_covers(const struct rec_filter *f)
{
	return f->kind != REC_NODE || f->target;
}

int index_lookup(struct recdb_txn *v, const struct rec_filter *f, view_key_fn fn, void *arg,
		 struct rec_err *err)
{
	struct rec_key probe = { .kind = f->kind };
	char ik[REC_KEY_TEXT_MAX], *val;
	size_t vlen, pos = 0;
	int n, rc = 0;

	if (f->kind == REC_NODE)
		snprintf(probe.target, sizeof(probe.target), "%s", f->target);
	n = index_key(&probe, ik, sizeof(ik), err);

	if (n < 0 || view_fetch(v, ik, (size_t)n, &val, &vlen, err) < 0)
		return -1;
	while (val && rc == 0 && pos < vlen) {
		const char *line = val + pos, *nl = memchr(line, '\n', vlen - pos);
		size_t len = nl ? (size_t)(nl - line) : vlen - pos;
		char *rv;
		size_t rvlen;

		pos += len + 1;
		if (!nl || !len) {
			rc = rec_fail(err, REC_E_CORRUPT,
				      "%s is damaged (malformed index '%s'); move it aside and re-run discovery",
				      v->db->db_path, ik);
			break;
		}
		/* Every indexed key must exist: the index is written with it. */
		rc = view_fetch(v, line, len, &rv, &rvlen, err);
		if (rc == 0 && !rv)
			rc = rec_fail(err, REC_E_CORRUPT,
				      "%s is damaged (index '%s' lists a missing record); move it aside and re-run discovery",
				      v->db->db_path, ik);
		free(rv);
		if (rc == 0)
			rc = fn(line, len, arg, err) ? -1 : 0;
	}
	free(val);
	return rc;
}
