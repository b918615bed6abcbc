#include "monitor/login_prepare.h"

#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "auth/audit.h"
#include "base/exitcodes.h"
#include "login/offer.h"
#include "monitor/kernel_link.h"
#include "monitor/monitor.h"
#include "monitor/sessions.h"
#include "proto/names.h"
#include "records/db.h"
#include "records/initiatorname.h"
#include "records/portal.h"

/* How long a login waits for the database lock (iscsiadm writing); the
 * event loop waits with it. */
#define LOGIN_DB_LOCK_TIMEOUT_MS 3000

static int first_match(const struct rec *r, void *arg)
{
	struct rec **out = arg;
	*out = rec_dup(r);
	return 1;
}

int login_prepare_load_node(const char *target, const char *address, uint16_t port,
			    const char *iface, struct rec **node, char *err, size_t errlen)
{
	struct recdb *db;
	struct rec_err rerr = { 0 };
	struct rec_filter f = {
		.kind = REC_NODE,
		.target = target,
		.addr = address,
		.port = port,
		.tpgt = REC_TPGT_ANY,
		.iface = iface,
	};

	*node = NULL;
	if (recdb_open(NULL, &db, &rerr) < 0) {
		snprintf(err, errlen, "%s", rerr.msg);
		return ISCSI_ERR_IDBM;
	}
	recdb_set_lock_timeout(db, LOGIN_DB_LOCK_TIMEOUT_MS);
	int rc = recdb_foreach(db, &f, first_match, node, &rerr);
	recdb_close(db);
	if (rc < 0) {
		snprintf(err, errlen, "%s", rerr.msg);
		return ISCSI_ERR_IDBM;
	}
	if (!*node) {
		snprintf(err, errlen, "no record for target %s portal %s,%u iface %s", target,
			 address, port, iface);
		return ISCSI_ERR_NO_OBJS_FOUND;
	}
	return 0;
}

int login_prepare(struct monitor *m, const struct rec *node, uint32_t isid_qualifier,
		  struct login_prep *out, char *err, size_t errlen)
{
	struct initiator_name iname;
	struct rec_err rerr = { 0 };
	const char *transport = rec_get(node, "iface.transport_name");

	memset(out, 0, sizeof(*out));
	if (transport && strcmp(transport, "tcp") != 0) {
		snprintf(err, errlen, "transport %s is not supported (only tcp)", transport);
		return ISCSI_ERR_OP_NOT_SUPP;
	}
	/* The kernel first: without iSCSI support there is no point in a
	 * login the target would see. */
	if (!kernel_link(m, err, errlen))
		return ISCSI_ERR_TRANS_NOT_FOUND;
	if (initiatorname_read(m->opts.initiatorname_path, &iname, &rerr) < 0) {
		snprintf(err, errlen, "%s", rerr.msg);
		return ISCSI_ERR_INVAL;
	}
	int rc = login_offer_build(node, iname.name, iname.alias, isid_qualifier, &out->offer, err,
				   errlen);
	if (rc == 0)
		rc = chap_creds_from_record(node, &out->creds, err, errlen);
	return rc;
}

void login_prepare_params(const struct monitor *m, const struct rec *node, struct login_prep *prep,
			  const char *address, uint16_t port, struct login_params *out)
{
	*out = (struct login_params){
		.offer = prep->offer,
		.address = address,
		.port = port,
		.netdev = rec_get(node, "iface.net_ifacename"),
		.worker_uid = m->worker_uid,
		.worker_gid = m->worker_gid,
		.worker_root = m->empty_dir,
		.worker_program = m->opts.worker_program,
		.keep_stderr = m->opts.foreground,
		.creds = &prep->creds,
	};
}

uint32_t login_prepare_isid_qualifier(const uint8_t isid[6])
{
	return (uint32_t)isid[3] << 16 | (uint32_t)isid[4] << 8 | isid[5];
}

static uint32_t random_qualifier(struct monitor *m)
{
	uint32_t q = 0;
	if (getrandom(&q, sizeof(q), GRND_NONBLOCK) != (ssize_t)sizeof(q))
		q = ++m->isid_next ^ (uint32_t)getpid() << 8;
	q &= LOGIN_ISID_QUALIFIER_MAX;
	return q ? q : 1;
}

static bool isid_taken(struct monitor *m, const char *target, uint32_t q)
{
	uint8_t isid[6];

	login_offer_isid(q, isid);
	for (const struct msession *s = m->sessions; s; s = s->next)
		if (s->isid_known && iscsi_name_equal(s->target_name, target) &&
		    memcmp(s->isid, isid, sizeof(isid)) == 0)
			return true;
	return false;
}

uint32_t login_prepare_new_isid_qualifier(struct monitor *m, const char *target)
{
	uint32_t q = random_qualifier(m);

	for (int i = 0; i < 16 && isid_taken(m, target, q); i++)
		q = random_qualifier(m);
	return q;
}

void login_prepare_audit(const char *target, const char *address, uint16_t port,
			 const char *iface, const struct chap_summary *auth, int sid, int code,
			 const char *reason)
{
	struct audit_fields f = AUDIT_FIELDS_INIT;
	char portal[300];

	portal_format(address, port, portal, sizeof(portal));
	f.session = "normal";
	f.target = target;
	f.portal = portal;
	f.iface = iface;
	if (auth)
		chap_summary_audit(auth, &f);
	f.sid = sid;
	if (code == ISCSI_SUCCESS) {
		audit_emit(AUDIT_LOGIN_SUCCESS, &f);
		return;
	}
	f.exit_code = code;
	f.reason = reason;
	audit_emit(AUDIT_LOGIN_FAILURE, &f);
}
