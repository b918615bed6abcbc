#include "discovery/apply.h"

#include <stdlib.h>
#include <string.h>

#include "base/exitcodes.h"
#include "records/portal.h"

static const char *const default_iface[] = { REC_IFACE_DEFAULT };

static void ifaces_of(const struct discovery_apply_opts *o, const char *const **v, size_t *n)
{
	if (o->ifaces && o->n_ifaces) {
		*v = o->ifaces;
		*n = o->n_ifaces;
	} else {
		*v = default_iface;
		*n = 1;
	}
}

static unsigned ops_of(const struct discovery_apply_opts *o)
{
	return o->ops ? o->ops : DISC_OP_DEFAULT;
}

int discovery_apply_check(struct recdb *db, const struct discovery_apply_opts *o,
			  struct rec_err *err)
{
	const char *const *ifaces;
	size_t n;

	if (o->ops & ~(DISC_OP_DEFAULT | DISC_OP_NONPERSISTENT)) {
		rec_fail(err, REC_E_BAD_VALUE, "operation is not supported with discovery");
		return ISCSI_ERR_INVAL;
	}
	ifaces_of(o, &ifaces, &n);
	for (size_t i = 0; i < n; i++) {
		struct rec_key k = { .kind = REC_IFACE, .tpgt = REC_TPGT_NONE };
		struct rec *r;

		if (strlen(ifaces[i]) >= sizeof(k.iface)) {
			rec_fail(err, REC_E_BAD_NAME, "iface name too long");
			return ISCSI_ERR_INVAL;
		}
		memcpy(k.iface, ifaces[i], strlen(ifaces[i]) + 1);
		if (recdb_get(db, &k, &r, err) < 0) {
			if (err->status == REC_E_NOT_FOUND)
				rec_fail(err, REC_E_NOT_FOUND, "Could not read iface %s", ifaces[i]);
			return rec_status_exit_code(err->status);
		}
		rec_free(r);
	}
	return 0;
}

void discovery_applied_free(struct discovery_applied *a)
{
	free(a->keys);
	memset(a, 0, sizeof(*a));
}

static int key_cmp(const void *pa, const void *pb)
{
	const struct rec_key *a = pa, *b = pb;
	int c;

	if ((c = strcmp(a->target, b->target)) || (c = strcmp(a->addr, b->addr)) ||
	    (c = strcmp(a->iface, b->iface)))
		return c;
	if (a->port != b->port)
		return a->port < b->port ? -1 : 1;
	return a->tpgt < b->tpgt ? -1 : a->tpgt > b->tpgt;
}

/* qsort() of pointers into the key list, equal keys by position, so the
 * first occurrence of a repeated key sorts first. */
static int key_ptr_cmp(const void *pa, const void *pb)
{
	const struct rec_key *a = *(const struct rec_key *const *)pa;
	const struct rec_key *b = *(const struct rec_key *const *)pb;
	int c = key_cmp(a, b);

	return c ? c : (a < b ? -1 : a > b);
}

/* Copies a string known to fit (its source array is no larger than dst),
 * without snprintf's formatting machinery: 2,000 portals are 6,000 copies. */
static void copy_str(char *dst, size_t size, const char *src)
{
	size_t n = strnlen(src, size - 1);

	memcpy(dst, src, n);
	dst[n] = '\0';
}

/* The node keys to print and write, iface by iface, without repeats (two
 * host names of one target may resolve to one address). sorted, when not
 * NULL, receives the same keys sorted, for lookups (only -o delete needs
 * them: every key copied is memory touched, and fresh pages are what a
 * large answer costs most). O(n log n): 65,535 portals on a few ifaces
 * cost milliseconds. */
static int build_keys(const struct discovery_result *res, const char *const *ifaces,
		      size_t n_ifaces, struct discovery_applied *out, struct rec_key **sorted)
{
	size_t total = res->count * n_ifaces, k = 0, u = 0;
	struct rec_key **order = NULL;
	bool *repeat = NULL;

	out->keys = calloc(total ? total : 1, sizeof(*out->keys));
	if (sorted)
		*sorted = malloc((total ? total : 1) * sizeof(**sorted));
	order = malloc((total ? total : 1) * sizeof(*order));
	repeat = calloc(total ? total : 1, sizeof(*repeat));
	if (!out->keys || (sorted && !*sorted) || !order || !repeat) {
		free(order);
		free(repeat);
		return -1;
	}
	for (size_t i = 0; i < n_ifaces; i++) {
		for (size_t j = 0; j < res->count; j++) {
			struct rec_key *key = &out->keys[k];
			const struct discovery_record *d = &res->records[j];

			key->kind = REC_NODE;
			copy_str(key->target, sizeof(key->target), d->target_name);
			copy_str(key->addr, sizeof(key->addr), d->address);
			key->port = d->port;
			key->tpgt = d->tpgt;
			copy_str(key->iface, sizeof(key->iface), ifaces[i]);
			order[k] = key;
			k++;
		}
	}
	qsort(order, k, sizeof(*order), key_ptr_cmp);
	size_t repeats = 0;
	for (size_t i = 0; i < k; i++) {
		if (i > 0 && key_cmp(order[i - 1], order[i]) == 0) {
			repeat[order[i] - out->keys] = true;
			repeats++;
		} else if (sorted) {
			(*sorted)[u++] = *order[i];
		}
	}
	/* Compact in place, keeping the target's order. */
	size_t w = k;
	if (repeats) {
		w = 0;
		for (size_t i = 0; i < k; i++)
			if (!repeat[i])
				out->keys[w++] = out->keys[i];
	}
	out->n = w;
	free(order);
	free(repeat);
	return 0;
}

struct apply_ctx {
	const struct iscsid_conf *conf;
	const struct discovery_result *res;
	const char *const *ifaces;
	size_t n_ifaces;
	unsigned ops;
	struct discovery_applied *out;
	const struct rec_key *sorted;
};

static int set_num(struct rec *r, const char *name, long long v, struct rec_err *err)
{
	char num[24];

	snprintf(num, sizeof(num), "%lld", v);
	return rec_set(r, name, num, err);
}

/* A node record as discovery makes it: iscsid.conf's defaults, the
 * identity, the iface's settings and where it was found. */
static struct rec *new_node(struct apply_ctx *c, struct recdb_txn *txn, const struct rec_key *k,
			    struct rec_err *err)
{
	struct rec_key ik = { .kind = REC_IFACE, .tpgt = REC_TPGT_NONE };
	struct rec *iface = NULL, *node = iscsid_conf_new_node(c->conf);

	if (!node) {
		rec_fail(err, REC_E_NOMEM, "out of memory");
		return NULL;
	}
	memcpy(ik.iface, k->iface, sizeof(ik.iface));
	if (recdb_txn_get(txn, &ik, &iface, err) < 0) {
		rec_free(node);
		return NULL;
	}
	rec_node_bind_iface(node, iface);
	rec_free(iface);
	if (rec_set(node, "node.name", k->target, err) < 0 ||
	    rec_set(node, "node.conn[0].address", k->addr, err) < 0 ||
	    set_num(node, "node.conn[0].port", k->port, err) < 0 ||
	    set_num(node, "node.tpgt", k->tpgt, err) < 0 ||
	    rec_set(node, "node.discovery_address", c->res->portal_addr, err) < 0 ||
	    set_num(node, "node.discovery_port", c->res->portal_port, err) < 0 ||
	    rec_set(node, "node.discovery_type", "send_targets", err) < 0) {
		rec_free(node);
		return NULL;
	}
	return node;
}

struct rec *discovery_record_new(const struct iscsid_conf *conf, const char *addr, int port,
				 struct rec_err *err)
{
	struct rec *d = iscsid_conf_new_discovery(conf);

	if (!d) {
		rec_fail(err, REC_E_NOMEM, "out of memory");
		return NULL;
	}
	if (rec_set(d, "discovery.sendtargets.address", addr, err) < 0 ||
	    set_num(d, "discovery.sendtargets.port", port, err) < 0) {
		rec_free(d);
		return NULL;
	}
	return d;
}

/* The portal's discovery record, made from iscsid.conf's defaults when
 * there is none; an existing one is kept as it is (its CHAP settings
 * among them: -m discoverydb -o update wrote them on purpose). */
static int put_discovery_record(struct apply_ctx *c, struct recdb_txn *txn, struct rec_err *err)
{
	struct rec *d = discovery_record_new(c->conf, c->res->portal_addr, c->res->portal_port,
					     err);
	int rc;

	if (!d)
		return -1;
	rc = recdb_txn_put(txn, d, false, err) < 0 && err->status != REC_E_EXISTS;
	rec_free(d);
	return rc ? -1 : 0;
}

static bool iface_used(const struct apply_ctx *c, const char *iface)
{
	for (size_t i = 0; i < c->n_ifaces; i++)
		if (!strcmp(c->ifaces[i], iface))
			return true;
	return false;
}

/* -o delete: what this portal found before and no longer reports. */
static int delete_stale(struct apply_ctx *c, struct recdb_txn *txn, struct rec_err *err)
{
	struct rec_filter f = rec_filter_all(REC_NODE);
	struct rec_key *keys;
	size_t n;
	int rc = 0;

	if (recdb_txn_list(txn, &f, &keys, &n, err) < 0)
		return -1;
	for (size_t i = 0; i < n && rc == 0; i++) {
		struct rec *r;
		long long port;

		if (!iface_used(c, keys[i].iface) ||
		    bsearch(&keys[i], c->sorted, c->out->n, sizeof(keys[i]), key_cmp))
			continue;
		if (recdb_txn_get(txn, &keys[i], &r, err) < 0) {
			rc = -1;
			break;
		}
		const char *type = rec_get(r, "node.discovery_type");
		const char *addr = rec_get(r, "node.discovery_address");
		bool stale = type && !strcmp(type, "send_targets") && addr &&
			     !strcmp(addr, c->res->portal_addr) &&
			     rec_get_int(r, "node.discovery_port", &port) == 0 &&
			     port == c->res->portal_port;
		rec_free(r);
		if (!stale)
			continue;
		if (recdb_txn_delete(txn, &keys[i], err) < 0)
			rc = -1;
		else
			c->out->deleted++;
	}
	free(keys);
	return rc;
}

static int apply_txn(struct recdb_txn *txn, void *arg, struct rec_err *err)
{
	struct apply_ctx *c = arg;

	c->out->created = c->out->updated = c->out->deleted = 0;
	if (put_discovery_record(c, txn, err) < 0)
		return -1;
	for (size_t i = 0; i < c->out->n; i++) {
		const struct rec_key *k = &c->out->keys[i];
		struct rec *old = NULL, *node;
		bool exists = recdb_txn_get(txn, k, &old, err) == 0;

		if (!exists && err->status != REC_E_NOT_FOUND)
			return -1;
		rec_free(old);
		if (exists ? !(c->ops & DISC_OP_UPDATE) : !(c->ops & DISC_OP_NEW))
			continue;
		if (!(node = new_node(c, txn, k, err)))
			return -1;
		int rc = recdb_txn_put(txn, node, true, err);
		rec_free(node);
		if (rc < 0)
			return -1;
		if (exists)
			c->out->updated++;
		else
			c->out->created++;
	}
	if ((c->ops & DISC_OP_DELETE) && delete_stale(c, txn, err) < 0)
		return -1;
	return 0;
}

int discovery_apply(struct recdb *db, const struct iscsid_conf *conf,
		    const struct discovery_result *res, const struct discovery_apply_opts *o,
		    struct discovery_applied *out, struct rec_err *err)
{
	struct apply_ctx c = { .conf = conf, .res = res, .ops = ops_of(o), .out = out };
	struct rec_key *sorted = NULL;

	memset(out, 0, sizeof(*out));
	rec_err_clear(err);
	ifaces_of(o, &c.ifaces, &c.n_ifaces);
	if (build_keys(res, c.ifaces, c.n_ifaces, out,
		       (c.ops & DISC_OP_DELETE) && !(c.ops & DISC_OP_NONPERSISTENT) ? &sorted :
										NULL) < 0) {
		free(sorted);
		discovery_applied_free(out);
		rec_fail(err, REC_E_NOMEM, "out of memory");
		return ISCSI_ERR_NOMEM;
	}
	c.sorted = sorted;
	if (c.ops & DISC_OP_NONPERSISTENT) {
		free(sorted);
		return 0;
	}
	int rc = recdb_transact(db, apply_txn, &c, err);
	free(sorted);
	if (rc != 0) {
		if (err->status == REC_OK)
			rec_fail(err, REC_E_INTERNAL, "applying discovery results failed");
		discovery_applied_free(out);
		return rec_status_exit_code(err->status);
	}
	return 0;
}

void discovery_print(FILE *f, const struct rec_key *keys, size_t n, int level)
{
	char portal[REC_ADDR_MAX + 16];

	for (size_t i = 0; i < n; i++) {
		const struct rec_key *k = &keys[i];

		portal_format(k->addr, k->port, portal, sizeof(portal));
		if (level != 1) {
			fprintf(f, "%s,%d %s\n", portal, k->tpgt, k->target);
			continue;
		}
		if (i == 0 || strcmp(keys[i - 1].target, k->target))
			fprintf(f, "Target: %s\n", k->target);
		fprintf(f, "\tPortal: %s,%d\n", portal, k->tpgt);
		fprintf(f, "\t\tIface Name: %s\n", k->iface);
	}
}

void discovery_timeouts(const struct rec *discovery, uint32_t *connect_ms, uint32_t *total_ms)
{
	long long login = 0, active = 0;

	*connect_ms = 0;
	*total_ms = 0;
	if (!discovery)
		return;
	if (rec_get_int(discovery, "discovery.sendtargets.timeo.login_timeout", &login) < 0 ||
	    login <= 0 || login > 3600)
		return;
	if (rec_get_int(discovery, "discovery.sendtargets.timeo.active_timeout", &active) < 0 ||
	    active < 0 || active > 3600)
		active = 0;
	*connect_ms = (uint32_t)login * 1000;
	*total_ms = (uint32_t)(login + active) * 1000;
}

uint32_t discovery_max_recv_dsl(const struct rec *discovery)
{
	long long v = 0;

	if (!discovery ||
	    rec_get_int(discovery, "discovery.sendtargets.iscsi.MaxRecvDataSegmentLength", &v) < 0 ||
	    v < 512 || v > 16777215)
		return 0;
	return (uint32_t)v;
}
