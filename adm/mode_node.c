/* -m node: the node record operations, and login, logout, rescan and
 * stats of the records' sessions. */
#include <stdio.h>
#include <stdlib.h>

#include "adm/login_ops.h"
#include "adm/modes.h"
#include "adm/msg.h"
#include "adm/print.h"
#include "adm/record_audit.h"
#include "adm/select.h"
#include "adm/session_ops.h"
#include "base/exitcodes.h"
#include "records/db.h"

/* Login, logout, rescan and stats: open-iscsi's checks first, then the
 * session operation (adm/login_ops.h, adm/session_ops.h). -1 when none
 * was asked for. */
static int session_operation(const struct adm_opts *o)
{
	if (o->loginall)
		return adm_node_loginall(o);
	if (o->logoutall)
		return adm_node_logoutall(o);
	if (o->login && o->logout)
		return adm_fail(ISCSI_ERR_INVAL, "Invalid parameters. Both login and logout passed in");
	if ((o->login || o->logout) && o->ops)
		return adm_fail(ISCSI_ERR_INVAL, "Invalid parameters. Login/logout and op passed in");
	if (o->rescan)
		return adm_node_rescan(o);
	if (o->stats)
		return adm_node_stats(o);
	if (o->logout)
		return adm_node_logout(o);
	if (o->login)
		return adm_node_login(o);
	return -1;
}

static int node_list(struct recdb *db, int level)
{
	struct rec_filter f = rec_filter_all(REC_NODE);
	struct rec_key *keys;
	struct rec_err err;
	size_t n;

	if (recdb_list(db, &f, &keys, &n, &err) < 0)
		return adm_fail_rec(&err);
	if (n == 0)
		return adm_no_records();
	if (level == 0)
		for (size_t i = 0; i < n; i++)
			adm_print_node_line(&keys[i]);
	else
		adm_print_node_tree(keys, n, 0);
	free(keys);
	return adm_flush();
}

struct show_ctx {
	bool secrets;
	size_t count;
};

static int show_one(const struct rec *r, void *arg)
{
	struct show_ctx *c = arg;

	adm_print_record(r, c->secrets);
	c->count++;
	return 0;
}

static int node_show(struct recdb *db, const struct rec_filter *f, bool secrets)
{
	struct show_ctx c = { .secrets = secrets };
	struct rec_err err;

	if (recdb_foreach(db, f, show_one, &c, &err) < 0)
		return adm_fail_rec(&err);
	if (c.count == 0)
		return adm_no_records();
	return adm_flush();
}

static int node_new(const struct adm_opts *o, struct recdb *db)
{
	struct rec_key ikey = { .kind = REC_IFACE, .tpgt = REC_TPGT_NONE };
	struct rec *node = NULL, *iface = NULL;
	struct rec_err err;
	struct portal p;
	const char *iname;
	char num[16];
	int rc;

	if (!o->targetname || !o->portal)
		return adm_fail(ISCSI_ERR_INVAL, "--op new needs --targetname and --portal");
	if ((rc = adm_check_target(o->targetname)) || (rc = adm_parse_portal(o->portal, 0, &p)) ||
	    (rc = adm_node_iface(o, &iname)) || (rc = adm_check_updates(o, REC_NODE)))
		return rc;
	snprintf(ikey.iface, sizeof(ikey.iface), "%s", iname ? iname : REC_IFACE_DEFAULT);
	if (recdb_get(db, &ikey, &iface, &err) < 0)
		return adm_fail_rec(&err);
	/* open-iscsi 2.1.8 gives a record made by -o new its compiled
	 * defaults, not iscsid.conf's (those are for discovered records). */
	node = rec_new(REC_NODE);
	if (!node) {
		rec_free(iface);
		return adm_fail(ISCSI_ERR_NOMEM, "out of memory");
	}
	rec_node_bind_iface(node, iface);
	snprintf(num, sizeof(num), "%d", p.port);
	rc = rec_set(node, "node.name", o->targetname, &err) < 0 ||
	     rec_set(node, "node.conn[0].address", p.addr, &err) < 0 ||
	     rec_set(node, "node.conn[0].port", num, &err) < 0;
	if (!rc && p.tpgt != REC_TPGT_NONE) {
		snprintf(num, sizeof(num), "%d", p.tpgt);
		rc = rec_set(node, "node.tpgt", num, &err) < 0;
	}
	/* open-iscsi ignores -n/-v with new; applying them is what the user
	 * asked for, and they were checked above. */
	if (!rc)
		rc = adm_apply_updates(o, node, &err) < 0;
	if (!rc)
		rc = recdb_put(db, node, true, &err) < 0;
	if (rc) {
		rc = adm_fail_rec(&err);
	} else {
		struct rec_key k;
		rec_key_of(node, &k);
		adm_audit_auth_change(o, &k);
		printf("New iSCSI node [%s:[hw=%s,ip=%s,net_if=%s,iscsi_if=%s] %s,%d,%d %s] added\n",
		       rec_get(iface, "iface.transport_name"), rec_get(iface, "iface.hwaddress"),
		       rec_get(iface, "iface.ipaddress"), rec_get(iface, "iface.net_ifacename"),
		       rec_get(iface, "iface.iscsi_ifacename"), p.addr, p.port, p.tpgt,
		       rec_get(node, "node.name"));
		rc = adm_flush();
	}
	rec_free(node);
	rec_free(iface);
	return rc;
}

static int node_delete(struct recdb *db, const struct rec_filter *f)
{
	struct rec_err err;
	size_t count;

	if (recdb_delete(db, f, &count, &err) < 0)
		return adm_fail_rec(&err);
	return count ? 0 : adm_no_records();
}

static int node_update(const struct adm_opts *o, struct recdb *db, const struct rec_filter *f)
{
	size_t count;
	int rc;

	if (o->n_params == 0)
		return adm_fail(ISCSI_ERR_INVAL, "update requires name and value");
	if ((rc = adm_check_updates(o, REC_NODE)) || (rc = adm_update_records(o, db, f, &count)))
		return rc;
	return count ? 0 : adm_no_records();
}

int adm_mode_node(const struct adm_opts *o)
{
	struct rec_filter f;
	struct recdb *db;
	struct portal p;
	int op, rc;

	if ((rc = session_operation(o)) >= 0)
		return rc;
	op = adm_single_op(o, ADM_OP_NEW | ADM_OP_DELETE | ADM_OP_UPDATE | ADM_OP_SHOW);
	if (op < 0)
		return ISCSI_ERR_INVAL;
	if (o->print_level > 1)
		return adm_fail(ISCSI_ERR_INVAL, "Invalid info level %d. Try 0 or 1.", o->print_level);
	if (op != ADM_OP_NEW && (rc = adm_node_filter(o, &f, &p)))
		return rc;
	if ((rc = adm_db_open(&db)))
		return rc;
	switch (op) {
	case ADM_OP_NEW:
		rc = node_new(o, db);
		break;
	case ADM_OP_DELETE:
		rc = node_delete(db, &f);
		break;
	case ADM_OP_UPDATE:
		rc = node_update(o, db, &f);
		break;
	case ADM_OP_SHOW:
		rc = node_show(db, &f, o->show_secrets);
		break;
	default:
		/* No -o: a selection shows whole records, none lists them. */
		if (o->targetname || o->portal || o->n_ifaces)
			rc = node_show(db, &f, o->show_secrets);
		else
			rc = node_list(db, o->print_level < 0 ? 0 : o->print_level);
	}
	recdb_close(db);
	return rc;
}
