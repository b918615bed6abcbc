/* -m discoverydb and -m discovery: the SendTargets discovery records.
 * Performing discovery (--discover, or -m discovery with a type and a
 * portal) needs iscsid's sandboxed workers and is refused as such. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "adm/modes.h"
#include "adm/msg.h"
#include "adm/print.h"
#include "adm/record_audit.h"
#include "adm/select.h"
#include "base/exitcodes.h"
#include "discovery/apply.h"
#include "discovery/cli.h"
#include "records/db.h"

enum disc_type { DT_NONE, DT_ST, DT_ISNS, DT_SLP, DT_FW };

static int parse_type(const char *t, enum disc_type *out)
{
	char esc[96];

	*out = DT_NONE;
	if (!t)
		return 0;
	if (!strcmp(t, "st") || !strcmp(t, "sendtargets"))
		*out = DT_ST;
	else if (!strcmp(t, "isns"))
		*out = DT_ISNS;
	else if (!strcmp(t, "slp"))
		*out = DT_SLP;
	else if (!strcmp(t, "fw"))
		*out = DT_FW;
	else
		return adm_fail(ISCSI_ERR_INVAL,
				"unknown discovery type '%s': expected sendtargets (st), isns, slp or fw",
				adm_esc(esc, sizeof(esc), t));
	return 0;
}

/* What the record operations of discoverydb cannot do for a type. */
static int refuse_type(enum disc_type t)
{
	switch (t) {
	case DT_NONE:
		return adm_fail(ISCSI_ERR_INVAL, "Invalid command. Possibly missing discovery --type.");
	case DT_SLP:
		return adm_fail(ISCSI_ERR_INVAL, "SLP discovery is not fully implemented yet.");
	case DT_ISNS:
		return adm_fail(ISCSI_ERR_ISNS_UNAVAILABLE,
				"iSNS discovery records are not supported by this version");
	case DT_FW:
		return adm_fail(ISCSI_ERR_INVAL, "Invalid command. Possibly missing --discover argument.");
	case DT_ST:
		break;
	}
	return 0;
}

static int need_portal(const struct adm_opts *o, struct rec_key *key)
{
	struct portal p;
	int rc;

	if (!o->portal)
		return adm_fail(ISCSI_ERR_INVAL, "Please specify portal as <ipaddr>[:<ipport>]");
	/* A ",tpgt" is accepted and ignored, as open-iscsi does. */
	if ((rc = adm_parse_portal(o->portal, 0, &p)))
		return rc;
	memset(key, 0, sizeof(*key));
	key->kind = REC_DISCOVERY_ST;
	key->tpgt = REC_TPGT_NONE;  /* as rec_key_of() leaves it */
	snprintf(key->addr, sizeof(key->addr), "%s", p.addr);
	key->port = p.port;
	return 0;
}

/* Nodes as the -P 1 tree groups them. */
struct node_origin {
	struct rec_key key;
	char daddr[REC_ADDR_MAX];
	long long dport;
	bool st, is_static;
};

struct origins {
	struct node_origin *v;
	size_t n, cap;
};

static int collect_origin(const struct rec *r, void *arg)
{
	struct origins *os = arg;
	const char *type = rec_get(r, "node.discovery_type");
	struct node_origin *no;

	if (os->n == os->cap) {
		size_t cap = os->cap ? os->cap * 2 : 64;
		struct node_origin *v = realloc(os->v, cap * sizeof(*v));
		if (!v)
			return ISCSI_ERR_NOMEM;
		os->v = v;
		os->cap = cap;
	}
	no = &os->v[os->n++];
	rec_key_of(r, &no->key);
	snprintf(no->daddr, sizeof(no->daddr), "%s", rec_get(r, "node.discovery_address"));
	if (rec_get_int(r, "node.discovery_port", &no->dport) < 0)
		no->dport = 0;
	no->st = type && !strcmp(type, "send_targets");
	no->is_static = type && !strcmp(type, "static");
	return 0;
}

/* Prints the tree of the nodes for which pick() is true; returns how many. */
static size_t print_origin_tree(const struct origins *os, const struct rec_key *st)
{
	struct rec_key *keys = calloc(os->n ? os->n : 1, sizeof(*keys));
	size_t n = 0;

	if (!keys)
		return 0;
	for (size_t i = 0; i < os->n; i++) {
		const struct node_origin *no = &os->v[i];
		bool pick = st ? no->st && no->dport == st->port && !strcmp(no->daddr, st->addr)
			       : no->is_static;
		if (pick)
			keys[n++] = no->key;
	}
	adm_print_node_tree(keys, n, 0);
	free(keys);
	return n;
}

static int discovery_list(struct recdb *db, int level)
{
	struct rec_filter f = rec_filter_all(REC_DISCOVERY_ST);
	struct rec_filter nf = rec_filter_all(REC_NODE);
	struct origins os = { 0 };
	struct rec_key *keys;
	struct rec_err err;
	size_t n, shown = 0;
	int rc;

	if (recdb_list(db, &f, &keys, &n, &err) < 0)
		return adm_fail_rec(&err);
	if (level <= 0) {
		for (size_t i = 0; i < n; i++)
			adm_print_discovery_line(&keys[i]);
		free(keys);
		/* open-iscsi says nothing here, only the exit code. */
		return n ? adm_flush() : ISCSI_ERR_NO_OBJS_FOUND;
	}
	rc = recdb_foreach(db, &nf, collect_origin, &os, &err);
	if (rc) {
		free(keys);
		free(os.v);
		return rc < 0 ? adm_fail_rec(&err) : adm_fail(rc, "out of memory");
	}
	printf("SENDTARGETS:\n");
	for (size_t i = 0; i < n; i++) {
		adm_print_discovery_address(&keys[i]);
		print_origin_tree(&os, &keys[i]);
	}
	if (n == 0)
		printf("No targets found.\n");
	printf("iSNS:\nNo targets found.\nSTATIC:\n");
	shown = print_origin_tree(&os, NULL);
	if (shown == 0)
		printf("No targets found.\n");
	printf("FIRMWARE:\nNo targets found.\n");
	free(keys);
	free(os.v);
	rc = adm_flush();
	if (!rc && n == 0 && shown == 0)
		rc = ISCSI_ERR_NO_OBJS_FOUND;
	return rc;
}

static int not_found(const struct rec_key *key, bool db_mode)
{
	/* open-iscsi's codes: a database failure in discoverydb mode, an
	 * invalid argument in discovery mode. */
	if (db_mode)
		return adm_fail(ISCSI_ERR_IDBM, "Discovery record [%s,%d] not found.", key->addr,
				key->port);
	return adm_fail(ISCSI_ERR_INVAL, "Discovery record [%s,%d] not found!", key->addr,
			key->port);
}

static int discovery_show(struct recdb *db, const struct rec_key *key, bool secrets, bool db_mode)
{
	struct rec_err err;
	struct rec *r;

	if (recdb_get(db, key, &r, &err) < 0)
		return err.status == REC_E_NOT_FOUND ? not_found(key, db_mode) : adm_fail_rec(&err);
	adm_print_record(r, secrets);
	rec_free(r);
	return adm_flush();
}

static int discovery_delete(struct recdb *db, const struct rec_key *key, bool db_mode)
{
	struct rec_filter f = rec_filter_all(REC_DISCOVERY_ST);
	struct rec_err err;
	size_t count;

	f.addr = key->addr;
	f.port = key->port;
	if (recdb_delete(db, &f, &count, &err) < 0)
		return adm_fail_rec(&err);
	return count ? 0 : not_found(key, db_mode);
}

static int discovery_new(const struct adm_opts *o, struct recdb *db, const struct rec_key *key)
{
	struct rec_err err;
	struct rec *r;
	char port[16];
	int rc;

	if ((rc = adm_check_updates(o, REC_DISCOVERY_ST)))
		return rc;
	/* Compiled defaults, as open-iscsi 2.1.8's -o new. */
	r = rec_new(REC_DISCOVERY_ST);
	if (!r)
		return adm_fail(ISCSI_ERR_NOMEM, "out of memory");
	snprintf(port, sizeof(port), "%d", key->port);
	if (rec_set(r, "discovery.sendtargets.address", key->addr, &err) < 0 ||
	    rec_set(r, "discovery.sendtargets.port", port, &err) < 0 ||
	    adm_apply_updates(o, r, &err) < 0 || recdb_put(db, r, true, &err) < 0) {
		rec_free(r);
		return adm_fail_rec(&err);
	}
	struct rec_key k;
	rec_key_of(r, &k);
	adm_audit_auth_change(o, &k);
	rec_free(r);
	printf("New discovery record for [%s,%d] added.\n", key->addr, key->port);
	return adm_flush();
}

static int discovery_update(const struct adm_opts *o, struct recdb *db, const struct rec_key *key)
{
	struct rec_filter f = rec_filter_all(REC_DISCOVERY_ST);
	size_t count;
	int rc;

	if (o->n_params == 0)
		return adm_fail(ISCSI_ERR_INVAL, "update requires name and value");
	f.addr = key->addr;
	f.port = key->port;
	if ((rc = adm_check_updates(o, REC_DISCOVERY_ST)) ||
	    (rc = adm_update_records(o, db, &f, &count)))
		return rc;
	return count ? 0 : not_found(key, true);
}

static int discovery_db(const struct adm_opts *o, struct recdb *db, int op, enum disc_type type)
{
	struct rec_key key;
	int rc;

	if (op == 0 && !o->portal && type == DT_NONE)
		return discovery_list(db, o->print_level);
	if ((rc = refuse_type(type)) || (rc = need_portal(o, &key)))
		return rc;
	switch (op) {
	case ADM_OP_NEW:
		return discovery_new(o, db, &key);
	case ADM_OP_DELETE:
		return discovery_delete(db, &key, true);
	case ADM_OP_UPDATE:
		return discovery_update(o, db, &key);
	default:
		return discovery_show(db, &key, o->show_secrets, true);
	}
}

/* -m discovery -t st -p PORTAL: the discovery itself (discovery/cli.h),
 * which takes a set of -o values and -l. */
static int discover_st(const struct adm_opts *o)
{
	static const struct {
		unsigned adm, disc;
	} ops[] = {
		{ ADM_OP_NEW, DISC_OP_NEW },
		{ ADM_OP_DELETE, DISC_OP_DELETE },
		{ ADM_OP_UPDATE, DISC_OP_UPDATE },
		{ ADM_OP_NONPERSISTENT, DISC_OP_NONPERSISTENT },
	};
	struct discovery_cli_opts c = {
		.portal = o->portal,
		.ifaces = o->ifaces,
		.n_ifaces = (size_t)o->n_ifaces,
		.print_level = o->print_level,
		.login = o->login,
	};
	unsigned left = o->ops;

	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
		if (left & ops[i].adm) {
			c.ops |= ops[i].disc;
			left &= ~ops[i].adm;
		}
	if (left)
		return adm_fail(ISCSI_ERR_INVAL, "operation is not supported.");
	for (int i = 0; i < o->n_ifaces; i++) {
		int rc = adm_check_iface_name(o->ifaces[i]);
		if (rc)
			return rc;
	}
	return discovery_cli(&c);
}

/* -m discoverydb -t st -p P --discover: SendTargets with the record's
 * settings (discovery.sendtargets.auth.* among them, which the discovery
 * itself reads: discovery/auth.h). The record must exist, as in
 * open-iscsi. */
static int discover_record(const struct adm_opts *o, enum disc_type type)
{
	struct rec_key key;
	struct recdb *db;
	struct rec_err err;
	struct rec *r;
	int rc;

	if (type != DT_NONE && type != DT_ST)
		return refuse_type(type);
	if ((rc = need_portal(o, &key)) || (rc = adm_db_open(&db)))
		return rc;
	rc = recdb_get(db, &key, &r, &err);
	recdb_close(db);
	if (rc < 0)
		return err.status == REC_E_NOT_FOUND ? not_found(&key, true) : adm_fail_rec(&err);
	rec_free(r);
	return discover_st(o);
}

/* The older -m discovery: with a type and a portal it discovers; with a
 * portal alone it shows or deletes that record. */
static int discovery_legacy(const struct adm_opts *o, struct recdb *db, int op,
			    enum disc_type type)
{
	struct rec_key key;
	int rc;

	if (type != DT_NONE) {
		if (!o->portal)
			return adm_fail(ISCSI_ERR_INVAL, "Please specify portal as <ipaddr>[:<ipport>]");
		if (type == DT_SLP)
			return refuse_type(type);
		if (type == DT_ISNS)
			return adm_fail(ISCSI_ERR_ISNS_UNAVAILABLE,
					"iSNS discovery is not supported by this version");
		if (type == DT_FW)
			return adm_fail(ISCSI_ERR_OP_NOT_SUPP,
					"firmware (iBFT) discovery is not supported by this version");
		return discover_st(o);
	}
	if (op == ADM_OP_NEW || op == ADM_OP_UPDATE)
		return adm_fail(ISCSI_ERR_INVAL,
				"Operations new and update for discovery mode is not supported. Use discoverydb mode.");
	if (!o->portal) {
		if (op == ADM_OP_DELETE)
			return need_portal(o, &key);
		return discovery_list(db, o->print_level);
	}
	if ((rc = need_portal(o, &key)))
		return rc;
	if (op == ADM_OP_DELETE)
		return discovery_delete(db, &key, false);
	return discovery_show(db, &key, o->show_secrets, false);
}

int adm_mode_discovery(const struct adm_opts *o)
{
	bool db_mode = o->mode == ADM_MODE_DISCOVERYDB;
	enum disc_type type;
	struct recdb *db;
	int op, rc;

	if ((rc = parse_type(o->type, &type)))
		return rc;
	if (o->discover)
		return discover_record(o, type);
	if (!db_mode && type == DT_ST)
		return discover_st(o);
	if (o->login)
		return adm_needs_iscsid("login (--login)");
	op = adm_single_op(o, ADM_OP_NEW | ADM_OP_DELETE | ADM_OP_UPDATE | ADM_OP_SHOW);
	if (op < 0)
		return ISCSI_ERR_INVAL;
	/* Decided before the database is touched: discovery needs iscsid
	 * whatever the records hold. */
	if (!db_mode && type != DT_NONE)
		return discovery_legacy(o, NULL, op, type);
	if ((rc = adm_db_open(&db)))
		return rc;
	rc = db_mode ? discovery_db(o, db, op, type) : discovery_legacy(o, db, op, type);
	recdb_close(db);
	return rc;
}
