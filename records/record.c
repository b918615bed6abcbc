/* Records in memory and their database serialisation.
 *
 * Value format, version 1 (the value stored under a record's key in the
 * gdbm file, records/db.c):
 *
 *     "ISCSIREC 1 <kind>\n"            kind: node, discovery, iface
 *     "<key>=<value>\n" ...            only keys whose value differs from
 *                                      the compiled default of version 1
 *
 * Storing only differences keeps a node record near 200 bytes instead of
 * 4 KiB, which is what makes a 10,000-record database small enough to
 * list quickly and to rewrite during compaction. Defaults are frozen per
 * format version: a later version that changes a default must bump the
 * number and convert. Values never hold a newline or other control
 * character (the schema refuses them), so a line is always one key. On
 * reading, every line is validated like user input; anything unexpected
 * is REC_E_CORRUPT. */
#include "records/record.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proto/names.h"

struct rec {
	enum rec_kind kind;
	size_t count;
	const char *val[];   /* either the schema's default or owned heap text */
};

static const struct rec_field *field(const struct rec *r, size_t i)
{
	return &rec_schema(r->kind)->fields[i];
}

static void release(struct rec *r, size_t i)
{
	if (r->val[i] != field(r, i)->def)
		free((char *)r->val[i]);
}

struct rec *rec_new(enum rec_kind kind)
{
	const struct rec_schema *s = rec_schema(kind);
	struct rec *r;

	if (!s)
		return NULL;
	r = malloc(sizeof(*r) + s->count * sizeof(r->val[0]));
	if (!r)
		return NULL;
	r->kind = kind;
	r->count = s->count;
	for (size_t i = 0; i < s->count; i++)
		r->val[i] = s->fields[i].def;
	return r;
}

struct rec *rec_dup(const struct rec *src)
{
	struct rec *r = rec_new(src->kind);

	if (!r)
		return NULL;
	for (size_t i = 0; i < r->count; i++) {
		if (src->val[i] == field(src, i)->def)
			continue;
		r->val[i] = strdup(src->val[i]);
		if (!r->val[i]) {
			r->val[i] = field(r, i)->def;
			rec_free(r);
			return NULL;
		}
	}
	return r;
}

void rec_free(struct rec *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->count; i++)
		release(r, i);
	free(r);
}

enum rec_kind rec_kind_of(const struct rec *r)
{
	return r->kind;
}

const char *rec_get_at(const struct rec *r, size_t idx)
{
	return idx < r->count ? r->val[idx] : NULL;
}

const char *rec_get(const struct rec *r, const char *name)
{
	int i = rec_field_index(r->kind, name);

	return i < 0 ? NULL : r->val[i];
}

int rec_get_int(const struct rec *r, const char *name, long long *out)
{
	int i = rec_field_index(r->kind, name);

	if (i < 0)
		return -1;
	switch (field(r, (size_t)i)->type) {
	case RT_INT:
		*out = strtoll(r->val[i], NULL, 10);
		return 0;
	case RT_BOOL:
		*out = !strcmp(r->val[i], "Yes");
		return 0;
	default:
		return -1;
	}
}

int rec_set_at(struct rec *r, size_t idx, const char *value, struct rec_err *err)
{
	char norm[REC_VALUE_MAX + 1];
	const struct rec_field *f;
	char *copy;

	if (idx >= r->count)
		return rec_fail(err, REC_E_UNKNOWN_KEY, "no field %zu in %s records", idx,
				rec_schema(r->kind)->what);
	f = field(r, idx);
	if (rec_field_check(f, value, norm, sizeof(norm), err) < 0)
		return -1;
	if (!strcmp(norm, f->def)) {
		release(r, idx);
		r->val[idx] = f->def;
		return 0;
	}
	copy = strdup(norm);
	if (!copy)
		return rec_fail(err, REC_E_NOMEM, "out of memory setting %s", f->name);
	release(r, idx);
	r->val[idx] = copy;
	return 0;
}

static int unknown_key(const struct rec *r, const char *name, struct rec_err *err)
{
	char shown[80];

	iscsi_escape(shown, sizeof(shown), name ? name : "", name ? strlen(name) : 0);
	return rec_fail(err, REC_E_UNKNOWN_KEY, "unknown key '%s' for %s records", shown,
			rec_schema(r->kind)->what);
}

int rec_set(struct rec *r, const char *name, const char *value, struct rec_err *err)
{
	int i = rec_field_index(r->kind, name);

	if (i < 0)
		return unknown_key(r, name, err);
	return rec_set_at(r, (size_t)i, value, err);
}

int rec_update(struct rec *r, const char *name, const char *value, struct rec_err *err)
{
	int i = rec_field_index(r->kind, name);
	const struct rec_field *f;
	char shown[80];

	if (i < 0) {
		iscsi_escape(shown, sizeof(shown), name ? name : "", name ? strlen(name) : 0);
		return rec_fail(err, REC_E_UNKNOWN_KEY, "Cannot modify %s. Invalid param name.",
				shown);
	}
	f = field(r, (size_t)i);
	if (r->kind == REC_NODE && f->flags & RF_IFACE)
		return rec_fail(err, REC_E_READONLY,
				"Cannot modify %s. Use iface mode to update this value.", f->name);
	if (f->flags & RF_IDENTITY)
		return rec_fail(err, REC_E_READONLY,
				"Cannot modify %s. It is used to look up the record and cannot be changed.",
				f->name);
	return rec_set_at(r, (size_t)i, value, err);
}

void rec_node_bind_iface(struct rec *node, const struct rec *iface)
{
	for (size_t i = 0; i < iface->count; i++) {
		int j = rec_field_index(REC_NODE, field(iface, i)->name);

		/* Both schemas come from one macro and the values were
		 * validated by the same field definition. */
		if (j < 0)
			continue;
		release(node, (size_t)j);
		if (iface->val[i] == field(iface, i)->def) {
			node->val[j] = field(node, (size_t)j)->def;
		} else {
			node->val[j] = strdup(iface->val[i]);
			if (!node->val[j])
				node->val[j] = field(node, (size_t)j)->def;
		}
	}
}

static int need(const struct rec *r, const char *name, struct rec_err *err)
{
	const char *v = rec_get(r, name);

	if (!v || !*v)
		return rec_fail(err, REC_E_BAD_NAME, "%s record without %s",
				rec_schema(r->kind)->what, name);
	return 0;
}

int rec_check_identity(const struct rec *r, struct rec_err *err)
{
	switch (r->kind) {
	case REC_NODE:
		if (need(r, "node.name", err) || need(r, "node.conn[0].address", err) ||
		    need(r, "iface.iscsi_ifacename", err))
			return -1;
		return 0;
	case REC_DISCOVERY_ST:
		return need(r, "discovery.sendtargets.address", err);
	case REC_IFACE:
		return need(r, "iface.iscsi_ifacename", err);
	default:
		return rec_fail(err, REC_E_INTERNAL, "%s records are not stored",
				rec_schema(r->kind)->what);
	}
}

bool rec_equal(const struct rec *a, const struct rec *b)
{
	if (a->kind != b->kind)
		return false;
	for (size_t i = 0; i < a->count; i++)
		if (strcmp(a->val[i], b->val[i]))
			return false;
	return true;
}

#define REC_FORMAT_VERSION 1

int rec_serialize(const struct rec *r, char **buf, size_t *len, struct rec_err *err)
{
	char *out = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&out, &size);

	if (!f)
		return rec_fail(err, REC_E_NOMEM, "out of memory serialising a record");
	fprintf(f, "ISCSIREC %d %s\n", REC_FORMAT_VERSION, rec_schema(r->kind)->what);
	for (size_t i = 0; i < r->count; i++)
		if (r->val[i] != field(r, i)->def && strcmp(r->val[i], field(r, i)->def))
			fprintf(f, "%s=%s\n", field(r, i)->name, r->val[i]);
	if (fclose(f) != 0 || !out) {
		free(out);
		return rec_fail(err, REC_E_NOMEM, "out of memory serialising a record");
	}
	*buf = out;
	*len = size;
	return 0;
}

static int corrupt(struct rec_err *err, const char *why, const char *line, size_t len)
{
	char shown[64];

	iscsi_escape(shown, sizeof(shown), line, len);
	return rec_fail(err, REC_E_CORRUPT, "%s: '%s'", why, shown);
}

int rec_deserialize(enum rec_kind kind, const char *buf, size_t len, struct rec **out,
		    struct rec_err *err)
{
	char header[48], key[128], value[REC_VALUE_MAX + 1];
	const char *p = buf, *end = buf + len, *nl;
	unsigned char seen[256] = { 0 };
	struct rec *r;
	size_t hlen;

	if (!rec_schema(kind))
		return rec_fail(err, REC_E_INTERNAL, "bad record kind");
	hlen = (size_t)snprintf(header, sizeof(header), "ISCSIREC %d %s\n", REC_FORMAT_VERSION,
				rec_schema(kind)->what);
	if (len < hlen || memcmp(buf, header, hlen)) {
		if (len >= 9 && !memcmp(buf, "ISCSIREC ", 9))
			return corrupt(err, "record of another kind or format version", buf,
				       memchr(buf, '\n', len) ? (size_t)((const char *)memchr(buf, '\n', len) - buf) : len);
		return corrupt(err, "record without a valid header", buf, len < 32 ? len : 32);
	}
	r = rec_new(kind);
	if (!r)
		return rec_fail(err, REC_E_NOMEM, "out of memory reading a record");
	p += hlen;
	while (p < end) {
		const char *eq;
		size_t klen, vlen;
		int i;

		nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl) {
			corrupt(err, "record line without end", p, (size_t)(end - p));
			goto fail;
		}
		eq = memchr(p, '=', (size_t)(nl - p));
		klen = eq ? (size_t)(eq - p) : 0;
		vlen = eq ? (size_t)(nl - eq - 1) : 0;
		if (!eq || !klen || klen >= sizeof(key) || vlen > REC_VALUE_MAX ||
		    memchr(p, '\0', (size_t)(nl - p))) {
			corrupt(err, "malformed record line", p, (size_t)(nl - p));
			goto fail;
		}
		memcpy(key, p, klen);
		key[klen] = '\0';
		memcpy(value, eq + 1, vlen);
		value[vlen] = '\0';
		i = rec_field_index(kind, key);
		if (i < 0 || i >= 256 || seen[i]) {
			corrupt(err, i < 0 ? "unknown key in record" : "repeated key in record", key, klen);
			goto fail;
		}
		seen[i] = 1;
		if (rec_set_at(r, (size_t)i, value, err) < 0) {
			err->status = REC_E_CORRUPT;
			goto fail;
		}
		p = nl + 1;
	}
	*out = r;
	return 0;
fail:
	rec_free(r);
	return -1;
}
