#include "discovery/cli.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/exitcodes.h"
#include "base/log.h"
#include "base/paths.h"
#include "control/client.h"
#include "discovery/apply.h"
#include "discovery/auth.h"
#include "discovery/driver.h"
#include "privsep/sandbox.h"
#include "records/initiatorname.h"

_Static_assert(DISC_OP_NEW == CTL_DISC_OP_NEW && DISC_OP_DELETE == CTL_DISC_OP_DELETE &&
		       DISC_OP_UPDATE == CTL_DISC_OP_UPDATE &&
		       DISC_OP_NONPERSISTENT == CTL_DISC_OP_NONPERSISTENT,
	       "discovery ops travel unchanged over the control socket");

static int fail(int code, const char *msg)
{
	log_error("%s", msg[0] ? msg : iscsi_exit_str(code));
	return code;
}

static int flush_stdout(void)
{
	if (fflush(stdout) != 0 || ferror(stdout)) {
		log_error("writing the output failed: %s", strerror(errno));
		return ISCSI_ERR;
	}
	return 0;
}

static int no_portals(void)
{
	log_error("No portals found");
	return ISCSI_ERR_NO_OBJS_FOUND;
}

/* ---- through iscsid ---- */

struct collected {
	struct rec_key *keys;
	size_t n, cap;
};

static int collect(const struct ctl_msg *resp, void *arg)
{
	struct collected *c = arg;
	const struct ctl_disc_record *d = &resp->u.disc_record;

	if (c->n == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 64;
		struct rec_key *v = realloc(c->keys, cap * sizeof(*v));
		if (!v)
			return ISCSI_ERR_NOMEM;
		c->keys = v;
		c->cap = cap;
	}
	struct rec_key *k = &c->keys[c->n++];
	memset(k, 0, sizeof(*k));
	k->kind = REC_NODE;
	snprintf(k->target, sizeof(k->target), "%s", d->target_name);
	/* iscsid sends numeric addresses; anything longer is not one. */
	if (strlen(d->address) >= sizeof(k->addr))
		return ISCSI_ERR_ISCSID_COMM_ERR;
	memcpy(k->addr, d->address, strlen(d->address) + 1);
	k->port = d->port;
	k->tpgt = d->has_tpgt ? d->tpgt : REC_TPGT_NONE;
	snprintf(k->iface, sizeof(k->iface), "%s", d->iface);
	return 0;
}

static int via_iscsid(struct ctl_client *cl, const struct discovery_cli_opts *o)
{
	struct collected got = { 0 };
	struct ctl_status st;
	struct ctl_msg req;
	int rc;

	ctl_msg_init(&req, CTL_MSG_DISCOVERY_ST);
	struct ctl_discovery_st *d = &req.u.discovery_st;
	if (strlen(o->portal) >= sizeof(d->portal))
		return fail(ISCSI_ERR_INVAL, "portal too long");
	snprintf(d->portal, sizeof(d->portal), "%s", o->portal);
	/* The -I names, joined by ',' (an iface name never holds one). */
	size_t used = 0;
	for (size_t i = 0; i < o->n_ifaces; i++) {
		size_t n = strlen(o->ifaces[i]);
		if (i >= CTL_IFACES_COUNT || used + n + (i > 0) >= sizeof(d->ifaces))
			return fail(ISCSI_ERR_INVAL, "too many ifaces for one discovery");
		if (i > 0)
			d->ifaces[used++] = ',';
		memcpy(d->ifaces + used, o->ifaces[i], n + 1);
		used += n;
	}
	d->ops = o->ops;
	d->flags = o->login ? CTL_DISC_F_LOGIN : 0;
	rc = ctl_call(cl, &req, collect, &got, &st);
	if (rc) {
		fail(rc, st.text);
	} else {
		discovery_print(stdout, got.keys, got.n, o->print_level);
		rc = flush_stdout();
		if (rc == 0 && got.n == 0)
			rc = no_portals();
	}
	free(got.keys);
	return rc;
}

/* ---- without iscsid ---- */

/* The worker's empty root, below the run directory; created (with the
 * run directory) when missing, as iscsid does at start-up. */
static int worker_root(char *root, size_t size, char *msg, size_t msize)
{
	char run[4096];

	if (iscsi_path(run, sizeof(run), ISCSID_RUN_DIR) < 0 ||
	    iscsi_path(root, size, SANDBOX_EMPTY_DIR) < 0) {
		snprintf(msg, msize, "run directory path too long");
		return -1;
	}
	/* mkdir -p of the run directory: a private ISCSI_ROOT starts empty. */
	for (char *p = run + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(run, 0755) < 0 && errno != EEXIST) {
			snprintf(msg, msize, "creating %.200s: %s", run, strerror(errno));
			return -1;
		}
		*p = '/';
	}
	if (mkdir(run, 0755) < 0 && errno != EEXIST) {
		snprintf(msg, msize, "creating %.200s: %s", run, strerror(errno));
		return -1;
	}
	return sandbox_prepare_root(root, msg, msize);
}

static int standalone(const struct discovery_cli_opts *o)
{
	struct discovery_apply_opts ao = { .ops = o->ops, .ifaces = o->ifaces,
					   .n_ifaces = o->n_ifaces };
	struct discovery_params p = { .portal = o->portal };
	struct iscsid_conf conf;
	struct initiator_name iname;
	struct discovery_result res;
	struct discovery_applied applied;
	struct recdb *db = NULL;
	struct rec_err err;
	char root[4096], msg[300];
	int rc;

	if (o->login) {
		log_error("login (-l) after discovery needs iscsid: %s",
			  iscsi_exit_str(ISCSI_ERR_ISCSID_NOTCONN));
		return ISCSI_ERR_ISCSID_NOTCONN;
	}
	if (geteuid() != 0)
		return fail(ISCSI_ERR_ACCESS, "discovery without iscsid must run as root "
			    "(its worker is sandboxed under another account)");
	/* Configuration first: a missing initiator name must not leave a
	 * freshly created database behind. */
	if (iscsid_conf_load(&conf, NULL, &err) < 0)
		return fail(rec_status_exit_code(err.status), err.msg);
	if (initiatorname_read(NULL, &iname, &err) < 0) {
		rc = fail(rec_status_exit_code(err.status), err.msg);
		goto out;
	}
	if (recdb_open(NULL, &db, &err) < 0) {
		rc = fail(rec_status_exit_code(err.status), err.msg);
		goto out;
	}
	if ((rc = discovery_apply_check(db, &ao, &err))) {
		fail(rc, err.msg);
		goto out;
	}
	if (sandbox_account(NULL, &p.worker_uid, &p.worker_gid, msg, sizeof(msg)) < 0 ||
	    worker_root(root, sizeof(root), msg, sizeof(msg)) < 0) {
		rc = fail(ISCSI_ERR_INTERNAL, msg);
		goto out;
	}
	/* The secrets last: from here on nothing fails before the run,
	 * which takes them and wipes ours. */
	struct chap_creds creds;
	if ((rc = discovery_auth_creds(db, &conf, o->portal, !(o->ops & DISC_OP_NONPERSISTENT),
				       &creds, msg, sizeof(msg)))) {
		fail(rc, msg);
		goto out;
	}
	p.creds = &creds;
	p.initiator_name = iname.name;
	p.initiator_alias = iname.alias;
	p.worker_root = root;
	p.keep_stderr = log_debug_level() > 0;
	discovery_timeouts(conf.discovery, &p.connect_timeout_ms, &p.timeout_ms);
	p.max_recv_dsl = discovery_max_recv_dsl(conf.discovery);

	rc = discovery_run_blocking(&p, &res);
	if (rc) {
		fail(rc, res.message);
		discovery_result_free(&res);
		goto out;
	}
	rc = discovery_apply(db, &conf, &res, &ao, &applied, &err);
	discovery_result_free(&res);
	if (rc) {
		fail(rc, err.msg);
		goto out;
	}
	discovery_print(stdout, applied.keys, applied.n, o->print_level);
	rc = flush_stdout();
	if (rc == 0 && applied.n == 0)
		rc = no_portals();
	discovery_applied_free(&applied);
out:
	iscsid_conf_free(&conf);
	if (db)
		recdb_close(db);
	return rc;
}

int discovery_cli(const struct discovery_cli_opts *o)
{
	struct ctl_client *cl;
	struct ctl_status st;

	if (!o->portal)
		return fail(ISCSI_ERR_INVAL, "Please specify portal as <ipaddr>[:<ipport>]");
	if (o->ops & ~(DISC_OP_DEFAULT | DISC_OP_NONPERSISTENT))
		return fail(ISCSI_ERR_INVAL, "operation is not supported.");
	int rc = ctl_connect(&cl, &st);
	if (rc == ISCSI_ERR_ISCSID_NOTCONN)
		return standalone(o);
	if (rc)
		return fail(rc, st.text);
	rc = via_iscsid(cl, o);
	ctl_close(cl);
	return rc;
}
