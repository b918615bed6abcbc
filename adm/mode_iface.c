/* -m iface: the iface records. A node record holds a copy of its iface's
 * settings, so changing or deleting an iface changes its nodes in the
 * same transaction: they never disagree, even after a crash. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "adm/modes.h"
#include "adm/msg.h"
#include "adm/print.h"
#include "adm/record_audit.h"
#include "adm/select.h"
#include "base/exitcodes.h"
#include "records/db.h"

static bool is_builtin(const char *name)
{
	return !strcmp(name, REC_IFACE_DEFAULT) || !strcmp(name, REC_IFACE_ISER);
}

static void iface_key(struct rec_key *k, const char *name)
{
	memset(k, 0, sizeof(*k));
	k->kind = REC_IFACE;
	k->tpgt = REC_TPGT_NONE;  /* as rec_key_of() leaves it */
	snprintf(k->iface, sizeof(k->iface), "%s", name);
}

struct iface_list_ctx {
	const struct rec_key *nodes;
	size_t n_nodes;
	const char *only;       /* -I with -P 1: that iface alone */
	int level;
	size_t count;
};

static int list_one(const struct rec *iface, void *arg)
{
	struct iface_list_ctx *c = arg;
	const char *name = rec_get(iface, "iface.iscsi_ifacename");
	struct rec_key *mine;
	size_t n = 0;

	if (c->only && strcmp(c->only, name))
		return 0;
	c->count++;
	if (c->level == 0) {
		adm_print_iface_line(iface);
		return 0;
	}
	printf("Iface: %s\n", name);
	mine = calloc(c->n_nodes ? c->n_nodes : 1, sizeof(*mine));
	if (!mine)
		return ISCSI_ERR_NOMEM;
	for (size_t i = 0; i < c->n_nodes; i++)
		if (!strcmp(c->nodes[i].iface, name))
			mine[n++] = c->nodes[i];
	adm_print_node_tree(mine, n, 1);
	free(mine);
	return 0;
}

static int iface_list(struct recdb *db, int level, const char *only)
{
	struct rec_filter f = rec_filter_all(REC_IFACE);
	struct rec_filter nf = rec_filter_all(REC_NODE);
	struct iface_list_ctx c = { .level = level, .only = only };
	struct rec_key *nodes = NULL;
	struct rec_err err;
	int rc;

	if (level > 0 && recdb_list(db, &nf, &nodes, &c.n_nodes, &err) < 0)
		return adm_fail_rec(&err);
	/* open-iscsi's tree walks the node records: with none it prints
	 * nothing at all, not even the ifaces. */
	if (level > 0 && c.n_nodes == 0)
		return 0;
	c.nodes = nodes;
	rc = recdb_foreach(db, &f, list_one, &c, &err);
	free(nodes);
	if (rc)
		return rc < 0 ? adm_fail_rec(&err) : adm_fail(rc, "out of memory");
	if (c.count == 0)
		return adm_fail(ISCSI_ERR_IDBM, "Could not read iface info for %s.", only);
	return adm_flush();
}

static int iface_show(struct recdb *db, const char *name)
{
	struct rec_key k;
	struct rec_err err;
	struct rec *r;

	iface_key(&k, name);
	if (recdb_get(db, &k, &r, &err) < 0) {
		if (err.status == REC_E_NOT_FOUND)
			return adm_fail(ISCSI_ERR_IDBM, "Could not read iface info for %s.", name);
		return adm_fail_rec(&err);
	}
	adm_print_record(r, false);
	rec_free(r);
	return adm_flush();
}

/* A change to an iface: the new iface record (NULL to delete it) and
 * what happens to the nodes bound to it. */
struct iface_change {
	const struct adm_opts *o;
	const char *name;
	enum { CH_NEW, CH_UPDATE, CH_DELETE } what;
};

static int change_txn(struct recdb_txn *txn, void *arg, struct rec_err *err)
{
	struct iface_change *c = arg;
	struct rec_filter nf = rec_filter_all(REC_NODE);
	struct rec *iface = NULL;
	struct rec_key k, *nodes = NULL;
	size_t n = 0;
	int rc = -1;

	iface_key(&k, c->name);
	if (c->what == CH_NEW) {
		iface = rec_new(REC_IFACE);
		if (!iface)
			return rec_fail(err, REC_E_NOMEM, "out of memory");
		if (rec_set(iface, "iface.iscsi_ifacename", c->name, err) < 0)
			goto out;
	} else if (recdb_txn_get(txn, &k, &iface, err) < 0) {
		goto out;
	}
	if (c->what != CH_DELETE &&
	    (adm_apply_updates(c->o, iface, err) < 0 || recdb_txn_put(txn, iface, true, err) < 0))
		goto out;
	nf.iface = c->name;
	if (recdb_txn_list(txn, &nf, &nodes, &n, err) < 0)
		goto out;
	for (size_t i = 0; i < n; i++) {
		struct rec *node = NULL;

		if (c->what == CH_DELETE) {
			if (recdb_txn_delete(txn, &nodes[i], err) < 0)
				goto out;
			continue;
		}
		if (recdb_txn_get(txn, &nodes[i], &node, err) < 0)
			goto out;
		rec_node_bind_iface(node, iface);
		if (recdb_txn_put(txn, node, true, err) < 0) {
			rec_free(node);
			goto out;
		}
		rec_free(node);
	}
	if (c->what == CH_DELETE && recdb_txn_delete(txn, &k, err) < 0)
		goto out;
	rc = 0;
out:
	free(nodes);
	rec_free(iface);
	return rc;
}

static int iface_change(const struct adm_opts *o, struct recdb *db, const char *name, int op)
{
	struct iface_change c = { .o = o, .name = name };
	struct rec_err err;
	int rc;

	switch (op) {
	case ADM_OP_NEW:
		if (!name)
			return adm_fail(ISCSI_ERR_INVAL, "Could not add interface. No interface passed in.");
		if (is_builtin(name))
			return adm_fail(ISCSI_ERR_INVAL,
					"iface %s is a special interface and is not stored in the database.",
					name);
		c.what = CH_NEW;
		break;
	case ADM_OP_DELETE:
		if (!name)
			return adm_fail(ISCSI_ERR_INVAL,
					"Could not delete interface. No interface passed in.");
		if (is_builtin(name))
			return adm_fail(ISCSI_ERR_INVAL,
					"iface %s is a special interface and cannot be deleted.", name);
		c.what = CH_DELETE;
		break;
	default:
		if (!name || o->n_params == 0)
			return adm_fail(ISCSI_ERR_INVAL, "Update requires name, value, and iface.");
		if (is_builtin(name))
			return adm_fail(ISCSI_ERR_INVAL,
					"iface %s is a special interface and cannot be changed.", name);
		c.what = CH_UPDATE;
	}
	if ((rc = adm_check_updates(o, REC_IFACE)))
		return rc;
	if (recdb_transact(db, change_txn, &c, &err) < 0) {
		if (err.status != REC_E_NOT_FOUND)
			return adm_fail_rec(&err);
		/* open-iscsi's codes for a missing iface. */
		return adm_fail(c.what == CH_DELETE ? ISCSI_ERR_INVAL : ISCSI_ERR_IDBM,
				"Could not read iface info for %s.", name);
	}
	if (c.what != CH_DELETE) {
		struct rec_key k;
		iface_key(&k, name);
		adm_audit_auth_change(o, &k);
	}
	if (c.what == CH_DELETE)
		printf("%s unbound and deleted.\n", name);
	else
		printf("%s updated.\n", name);
	if (c.what == CH_NEW)
		printf("New interface %s added\n", name);
	return adm_flush();
}

int adm_mode_iface(const struct adm_opts *o)
{
	const char *name = NULL;
	struct recdb *db;
	int op, rc;

	if (o->submode)
		return adm_fail(ISCSI_ERR_OP_NOT_SUPP,
				"iface submode '%s' (--submode) is not supported by this version",
				strcmp(o->submode, "ping") ? "unknown" : "ping");
	if (o->host)
		return adm_fail(ISCSI_ERR_OP_NOT_SUPP,
				"selecting ifaces by SCSI host (--host) is not supported by this version");
	op = adm_single_op(o, ADM_OP_NEW | ADM_OP_DELETE | ADM_OP_UPDATE | ADM_OP_SHOW |
			   ADM_OP_APPLY | ADM_OP_APPLY_ALL);
	if (op < 0)
		return ISCSI_ERR_INVAL;
	if (op == ADM_OP_APPLY || op == ADM_OP_APPLY_ALL)
		return adm_fail(ISCSI_ERR_OP_NOT_SUPP,
				"applying network settings to offload hardware is not supported by this version");
	if (o->print_level > 1)
		return adm_fail(ISCSI_ERR_INVAL, "Invalid info level %d. Try 0 - 1.", o->print_level);
	if (o->n_ifaces > 1)
		return adm_fail(ISCSI_ERR_INVAL, "iface mode accepts only one --interface");
	if (o->n_ifaces == 1) {
		name = o->ifaces[0];
		if ((rc = adm_check_iface_name(name)))
			return rc;
	}
	if ((rc = adm_db_open(&db)))
		return rc;
	if (op == ADM_OP_NEW || op == ADM_OP_DELETE || op == ADM_OP_UPDATE)
		rc = iface_change(o, db, name, op);
	else if (!name)
		rc = iface_list(db, o->print_level < 0 ? 0 : o->print_level, NULL);
	else if (o->print_level == 1)
		rc = iface_list(db, 1, name);
	else
		rc = iface_show(db, name);
	recdb_close(db);
	return rc;
}
