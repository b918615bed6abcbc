/* The public operations of records/db.h on top of views (db_view.h). */
#include <stdlib.h>
#include <string.h>

#include "records/db_view.h"
#include "records/reckey.h"

static bool builtin_iface(const char *name)
{
	return !strcmp(name, REC_IFACE_DEFAULT) || !strcmp(name, REC_IFACE_ISER);
}

static int builtin_get(const char *name, struct rec **out, struct rec_err *err)
{
	struct rec *r = rec_new(REC_IFACE);

	if (!r)
		return rec_fail(err, REC_E_NOMEM, "out of memory");
	if (rec_set(r, "iface.iscsi_ifacename", name, err) < 0 ||
	    rec_set(r, "iface.transport_name", strcmp(name, REC_IFACE_ISER) ? "tcp" : "iser",
		    err) < 0) {
		rec_free(r);
		return -1;
	}
	*out = r;
	return 0;
}

static int encode(const struct rec_key *key, char *buf, struct rec_err *err)
{
	int n = rec_key_encode(key, buf, REC_KEY_TEXT_MAX);

	if (n < 0)
		return rec_fail(err, REC_E_INTERNAL, "record key does not fit");
	return n;
}

static int key_mismatch(struct recdb_txn *v, const char *k, struct rec_err *err)
{
	char shown[128];

	iscsi_escape(shown, sizeof(shown), k, strlen(k));
	return rec_fail(err, REC_E_CORRUPT,
			"%s is damaged (record '%s' does not match its key); move it aside and re-run discovery",
			v->db->db_path, shown);
}

int recdb_txn_get(struct recdb_txn *v, const struct rec_key *key, struct rec **out,
		  struct rec_err *err)
{
	char k[REC_KEY_TEXT_MAX], *val;
	struct rec_key check;
	size_t vlen;
	int n = encode(key, k, err);

	*out = NULL;
	if (n < 0 || view_fetch(v, k, (size_t)n, &val, &vlen, err) < 0)
		return -1;
	if (!val) {
		if (key->kind == REC_IFACE && builtin_iface(key->iface))
			return builtin_get(key->iface, out, err);
		return rec_fail(err, REC_E_NOT_FOUND, "no %s record %s", rec_schema(key->kind)->what,
				k + (key->kind == REC_NODE ? 5 : key->kind == REC_IFACE ? 6 : 3));
	}
	if (rec_deserialize(key->kind, val, vlen, out, err) < 0) {
		char inner[REC_ERR_MSG_MAX];

		free(val);
		snprintf(inner, sizeof(inner), "%s", err ? err->msg : "");
		if (err && err->status == REC_E_NOMEM)
			return -1;
		return rec_fail(err, REC_E_CORRUPT,
				"%s is damaged (%.120s); move it aside and re-run discovery",
				v->db->db_path, inner);
	}
	free(val);
	rec_key_of(*out, &check);
	if (rec_key_cmp(&check, key)) {
		rec_free(*out);
		*out = NULL;
		return key_mismatch(v, k, err);
	}
	return 0;
}

struct list_ctx {
	struct recdb_txn *v;
	const struct rec_filter *f;
	struct rec_key *keys;
	size_t n, cap;
};

static int push(struct list_ctx *c, const struct rec_key *key, struct rec_err *err)
{
	if (c->n == c->cap) {
		size_t ncap = c->cap ? c->cap * 2 : 64;
		struct rec_key *nk = realloc(c->keys, ncap * sizeof(*nk));

		if (!nk)
			return rec_fail(err, REC_E_NOMEM, "out of memory listing records");
		c->keys = nk;
		c->cap = ncap;
	}
	c->keys[c->n++] = *key;
	return 0;
}

static int collect(const char *k, size_t klen, void *arg, struct rec_err *err)
{
	struct list_ctx *c = arg;
	struct rec_key key;

	if (index_key_text(k, klen))
		return 0;
	if (rec_key_decode(k, klen, &key) < 0) {
		char shown[128];

		iscsi_escape(shown, sizeof(shown), k, klen);
		return rec_fail(err, REC_E_CORRUPT,
				"%s is damaged (unexpected key '%s'); move it aside and re-run discovery",
				c->v->db->db_path, shown);
	}
	if (!rec_filter_match(c->f, &key))
		return 0;
	return push(c, &key, err);
}

static int by_key(const void *a, const void *b)
{
	return rec_key_cmp(*(const struct rec_key *const *)a, *(const struct rec_key *const *)b);
}

/* Sorts through an index and then permutes the keys in place: a key is a
 * few hundred bytes, and moving keys (or touching a second array of them)
 * dominated listing 10,000 records. */
static int sort_keys(struct list_ctx *c, struct rec_err *err)
{
	const struct rec_key **ptrs = malloc(c->n * sizeof(*ptrs));
	struct rec_key tmp;

	if (!ptrs)
		return rec_fail(err, REC_E_NOMEM, "out of memory listing records");
	for (size_t i = 0; i < c->n; i++)
		ptrs[i] = &c->keys[i];
	qsort(ptrs, c->n, sizeof(*ptrs), by_key);
	/* Position i must receive *ptrs[i]; follow each cycle once. */
	for (size_t i = 0; i < c->n; i++) {
		size_t j = i, k;

		if (ptrs[i] == &c->keys[i] || !ptrs[i])
			continue;
		tmp = c->keys[i];
		for (;;) {
			k = (size_t)(ptrs[j] - c->keys);
			ptrs[j] = NULL;
			if (k == i) {
				c->keys[j] = tmp;
				break;
			}
			c->keys[j] = c->keys[k];
			j = k;
		}
	}
	free(ptrs);
	return 0;
}

int recdb_txn_list(struct recdb_txn *v, const struct rec_filter *f, struct rec_key **keys,
		   size_t *n, struct rec_err *err)
{
	struct list_ctx c = { .v = v, .f = f };

	*keys = NULL;
	*n = 0;
	if (index_covers(f) ? index_lookup(v, f, collect, &c, err) < 0
			    : view_keys(v, collect, &c, err) < 0) {
		free(c.keys);
		return -1;
	}
	if (f->kind == REC_IFACE) {
		static const char *const builtins[] = { REC_IFACE_DEFAULT, REC_IFACE_ISER };

		for (size_t i = 0; i < 2; i++) {
			struct rec_key key = { .kind = REC_IFACE, .tpgt = REC_TPGT_NONE };

			strcpy(key.iface, builtins[i]);
			if (rec_filter_match(f, &key) && push(&c, &key, err) < 0) {
				free(c.keys);
				return -1;
			}
		}
	}
	if (c.n > 1 && sort_keys(&c, err) < 0) {
		free(c.keys);
		return -1;
	}
	*keys = c.keys;
	*n = c.n;
	return 0;
}

static int refuse_builtin(const struct rec_key *key, const char *what, struct rec_err *err)
{
	return rec_fail(err, REC_E_READONLY,
			"iface %s is built in and cannot be %s; create another iface with -o new",
			key->iface, what);
}

int recdb_txn_put(struct recdb_txn *v, const struct rec *r, bool replace, struct rec_err *err)
{
	char k[REC_KEY_TEXT_MAX], *val;
	struct rec_key key;
	size_t vlen;
	int n, rc;

	if (!v->exclusive)
		return rec_fail(err, REC_E_INTERNAL, "write outside a write transaction");
	if (rec_check_identity(r, err) < 0)
		return -1;
	rec_key_of(r, &key);
	if (key.kind == REC_IFACE && builtin_iface(key.iface))
		return refuse_builtin(&key, "changed", err);
	n = encode(&key, k, err);
	if (n < 0)
		return -1;
	if (view_fetch(v, k, (size_t)n, &val, &vlen, err) < 0)
		return -1;
	if (val) {
		free(val);
		if (!replace)
			return rec_fail(err, REC_E_EXISTS, "%s record %s already exists",
					rec_schema(key.kind)->what, strchr(k, ' ') + 1);
	} else if (index_add(v, &key, k, (size_t)n, err) < 0) {
		return -1;
	}
	if (rec_serialize(r, &val, &vlen, err) < 0)
		return -1;
	rc = strmap_set(&v->pending, k, (size_t)n, val, vlen);
	free(val);
	return rc < 0 ? rec_fail(err, REC_E_NOMEM, "out of memory") : 0;
}

int recdb_txn_delete(struct recdb_txn *v, const struct rec_key *key, struct rec_err *err)
{
	char k[REC_KEY_TEXT_MAX], *val;
	size_t vlen;
	int n;

	if (!v->exclusive)
		return rec_fail(err, REC_E_INTERNAL, "write outside a write transaction");
	if (key->kind == REC_IFACE && builtin_iface(key->iface))
		return refuse_builtin(key, "deleted", err);
	n = encode(key, k, err);
	if (n < 0 || view_fetch(v, k, (size_t)n, &val, &vlen, err) < 0)
		return -1;
	if (!val)
		return rec_fail(err, REC_E_NOT_FOUND, "no %s record %s", rec_schema(key->kind)->what,
				strchr(k, ' ') + 1);
	free(val);
	if (index_remove(v, key, k, (size_t)n, err) < 0)
		return -1;
	if (strmap_set(&v->pending, k, (size_t)n, NULL, 0) < 0)
		return rec_fail(err, REC_E_NOMEM, "out of memory");
	return 0;
}

int recdb_transact(struct recdb *db, recdb_txn_fn fn, void *arg, struct rec_err *err)
{
	struct recdb_txn v;
	int rc;

	if (view_open(db, true, &v, err) < 0)
		return -1;
	rc = fn(&v, arg, err);
	if (rc == 0)
		rc = view_commit(&v, err);
	view_close(&v);
	return rc;
}

int recdb_get(struct recdb *db, const struct rec_key *key, struct rec **out,
	      struct rec_err *err)
{
	struct recdb_txn v;
	int rc;

	*out = NULL;
	if (view_open(db, false, &v, err) < 0)
		return -1;
	rc = recdb_txn_get(&v, key, out, err);
	view_close(&v);
	return rc;
}

int recdb_list(struct recdb *db, const struct rec_filter *f, struct rec_key **keys,
	       size_t *n, struct rec_err *err)
{
	struct recdb_txn v;
	int rc;

	*keys = NULL;
	*n = 0;
	if (view_open(db, false, &v, err) < 0)
		return -1;
	rc = recdb_txn_list(&v, f, keys, n, err);
	view_close(&v);
	return rc;
}

int recdb_foreach(struct recdb *db, const struct rec_filter *f, recdb_visit_fn fn,
		  void *arg, struct rec_err *err)
{
	struct rec_key *keys;
	struct recdb_txn v;
	size_t n;
	int rc;

	if (view_open(db, false, &v, err) < 0)
		return -1;
	rc = recdb_txn_list(&v, f, &keys, &n, err);
	for (size_t i = 0; rc == 0 && i < n; i++) {
		struct rec *r;

		rc = recdb_txn_get(&v, &keys[i], &r, err);
		if (rc == 0) {
			rc = fn(r, arg);
			rec_free(r);
		}
	}
	free(keys);
	view_close(&v);
	return rc;
}

struct put_args {
	const struct rec *r;
	bool replace;
};

static int do_put(struct recdb_txn *v, void *arg, struct rec_err *err)
{
	struct put_args *a = arg;

	return recdb_txn_put(v, a->r, a->replace, err);
}

int recdb_put(struct recdb *db, const struct rec *r, bool replace, struct rec_err *err)
{
	struct put_args a = { r, replace };

	if (rec_check_identity(r, err) < 0)
		return -1;
	return recdb_transact(db, do_put, &a, err);
}

struct change_args {
	const struct rec_filter *f;
	const char *name, *value;   /* NULL name: delete */
	size_t count;
};

static int do_change(struct recdb_txn *v, void *arg, struct rec_err *err)
{
	struct change_args *a = arg;
	struct rec_key *keys;
	size_t n;
	int rc;

	if (recdb_txn_list(v, a->f, &keys, &n, err) < 0)
		return -1;
	rc = 0;
	for (size_t i = 0; rc == 0 && i < n; i++) {
		struct rec *r;

		if (!a->name) {
			rc = recdb_txn_delete(v, &keys[i], err);
			continue;
		}
		if (keys[i].kind == REC_IFACE && builtin_iface(keys[i].iface)) {
			rc = refuse_builtin(&keys[i], "changed", err);
			continue;
		}
		rc = recdb_txn_get(v, &keys[i], &r, err);
		if (rc == 0) {
			rc = rec_update(r, a->name, a->value, err);
			if (rc == 0)
				rc = recdb_txn_put(v, r, true, err);
			rec_free(r);
		}
	}
	a->count = rc == 0 ? n : 0;
	free(keys);
	return rc;
}

int recdb_delete(struct recdb *db, const struct rec_filter *f, size_t *count,
		 struct rec_err *err)
{
	struct change_args a = { .f = f };
	int rc = recdb_transact(db, do_change, &a, err);

	if (count)
		*count = a.count;
	return rc;
}

int recdb_update(struct recdb *db, const struct rec_filter *f, const char *name,
		 const char *value, size_t *count, struct rec_err *err)
{
	struct change_args a = { .f = f, .name = name, .value = value };
	struct rec *probe = rec_new(f->kind);
	int rc;

	if (count)
		*count = 0;
	if (!probe)
		return rec_fail(err, REC_E_NOMEM, "out of memory");
	/* Report a bad key or value even when nothing matches. */
	rc = rec_update(probe, name, value, err);
	rec_free(probe);
	if (rc < 0)
		return -1;
	rc = recdb_transact(db, do_change, &a, err);
	if (count)
		*count = a.count;
	return rc;
}
