#include "adm/select.h"

#include <stdlib.h>
#include <string.h>

#include "adm/msg.h"
#include "adm/record_audit.h"
#include "base/exitcodes.h"
#include "records/record.h"

int adm_db_open(struct recdb **db)
{
	struct rec_err err;

	if (recdb_open(NULL, db, &err) < 0)
		return adm_fail_rec(&err);
	return 0;
}

/* Setting the value on a scratch record runs exactly the validation a
 * stored record gets. */
static int check_field(enum rec_kind kind, const char *key, const char *value)
{
	struct rec_err err;
	struct rec *r = rec_new(kind);
	int rc = 0;

	if (!r)
		return adm_fail(ISCSI_ERR_NOMEM, "out of memory");
	if (rec_set(r, key, value, &err) < 0)
		rc = adm_fail_rec(&err);
	rec_free(r);
	return rc;
}

int adm_check_target(const char *name)
{
	return check_field(REC_NODE, "node.name", name);
}

int adm_check_iface_name(const char *name)
{
	return check_field(REC_IFACE, "iface.iscsi_ifacename", name);
}

int adm_parse_portal(const char *text, unsigned flags, struct portal *out)
{
	struct rec_err err;

	if (portal_parse(text, flags | PORTAL_RESOLVE, out, &err) < 0)
		return adm_fail_rec(&err);
	return 0;
}

int adm_node_iface(const struct adm_opts *o, const char **iface)
{
	int rc;

	*iface = NULL;
	if (o->n_ifaces > 1)
		return adm_fail(ISCSI_ERR_INVAL, "node mode accepts only one --interface");
	if (o->n_ifaces == 1) {
		rc = adm_check_iface_name(o->ifaces[0]);
		if (rc)
			return rc;
		*iface = o->ifaces[0];
	}
	return 0;
}

int adm_node_filter(const struct adm_opts *o, struct rec_filter *f, struct portal *p)
{
	int rc;

	*f = rec_filter_all(REC_NODE);
	if (o->targetname) {
		rc = adm_check_target(o->targetname);
		if (rc)
			return rc;
		f->target = o->targetname;
	}
	if (o->portal) {
		rc = adm_parse_portal(o->portal, 0, p);
		if (rc)
			return rc;
		f->addr = p->addr;
		f->port = p->port;
	}
	return adm_node_iface(o, &f->iface);
}

/* Keys that open-iscsi refuses to -o update although the schema lets
 * records/ set them (discovery fills them in). */
static bool lookup_only(const struct rec *r, const char *name)
{
	return rec_kind_of(r) == REC_NODE &&
	       (!strcmp(name, "node.discovery_address") || !strcmp(name, "node.discovery_port") ||
		!strcmp(name, "node.discovery_type"));
}

int adm_apply_updates(const struct adm_opts *o, struct rec *r, struct rec_err *err)
{
	for (int i = 0; i < o->n_params; i++) {
		const char *name = o->params[i].name;

		if (lookup_only(r, name))
			return rec_fail(err, REC_E_READONLY,
					"Cannot modify %s. It is used to look up the record and cannot be changed.",
					name);
		if (rec_update(r, name, o->params[i].value, err) < 0)
			return -1;
	}
	return 0;
}

int adm_check_updates(const struct adm_opts *o, enum rec_kind kind)
{
	struct rec_err err;
	struct rec *r = rec_new(kind);
	int rc = 0;

	if (!r)
		return adm_fail(ISCSI_ERR_NOMEM, "out of memory");
	if (adm_apply_updates(o, r, &err) < 0)
		rc = adm_fail_rec(&err);
	rec_free(r);
	return rc;
}

struct update_ctx {
	const struct adm_opts *o;
	const struct rec_filter *f;
	struct rec_key *keys;   /* the records written, audited once committed */
	size_t count;
};

static int update_txn(struct recdb_txn *txn, void *arg, struct rec_err *err)
{
	struct update_ctx *c = arg;
	struct rec_key *keys;
	size_t n;
	int rc = 0;

	if (recdb_txn_list(txn, c->f, &keys, &n, err) < 0)
		return -1;
	for (size_t i = 0; i < n && !rc; i++) {
		struct rec *r = NULL;

		if (recdb_txn_get(txn, &keys[i], &r, err) < 0)
			rc = -1;
		else if (adm_apply_updates(c->o, r, err) < 0 || recdb_txn_put(txn, r, true, err) < 0)
			rc = -1;
		rec_free(r);
	}
	free(c->keys);
	c->keys = keys;
	c->count = n;
	return rc;
}

int adm_update_records(const struct adm_opts *o, struct recdb *db, const struct rec_filter *f,
		       size_t *count)
{
	struct update_ctx c = { .o = o, .f = f };
	struct rec_err err;

	*count = 0;
	if (recdb_transact(db, update_txn, &c, &err) < 0) {
		free(c.keys);
		return adm_fail_rec(&err);
	}
	for (size_t i = 0; i < c.count; i++)
		adm_audit_auth_change(o, &c.keys[i]);
	free(c.keys);
	*count = c.count;
	return 0;
}
