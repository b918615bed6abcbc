#include "login/offer.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "base/exitcodes.h"

void login_offer_isid(uint32_t qualifier, uint8_t isid[6])
{
	isid[0] = (uint8_t)(LOGIN_ISID_OUI >> 16);
	isid[1] = (uint8_t)(LOGIN_ISID_OUI >> 8);
	isid[2] = (uint8_t)LOGIN_ISID_OUI;
	isid[3] = (uint8_t)(qualifier >> 16);
	isid[4] = (uint8_t)(qualifier >> 8);
	isid[5] = (uint8_t)qualifier;
}

static int bad(char *msg, size_t size, int code, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int bad(char *msg, size_t size, int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, size, fmt, ap);
	va_end(ap);
	return code;
}

/* An integer key of the record within [lo, hi]. The schema already
 * bounds every stored value; these are the RFC's bounds, which a schema
 * change must not loosen unnoticed. */
static int get_num(const struct rec *node, const char *key, long long lo, long long hi,
		   uint32_t *out, char *msg, size_t size)
{
	long long v;

	if (rec_get_int(node, key, &v) < 0)
		return bad(msg, size, ISCSI_ERR_INVAL, "record has no integer %s", key);
	if (v < lo || v > hi)
		return bad(msg, size, ISCSI_ERR_INVAL, "%s = %lld is out of range %lld..%lld",
			   key, v, lo, hi);
	*out = (uint32_t)v;
	return 0;
}

static int get_bool(const struct rec *node, const char *key, bool *out, char *msg, size_t size)
{
	long long v;

	if (rec_get_int(node, key, &v) < 0)
		return bad(msg, size, ISCSI_ERR_INVAL, "record has no Yes/No %s", key);
	*out = v != 0;
	return 0;
}

/* open-iscsi's digest settings: a list of None and CRC32C in preference
 * order. */
static int get_digest(const struct rec *node, const char *key, enum neg_digest_pref *out,
		      char *msg, size_t size)
{
	static const struct { const char *text; enum neg_digest_pref pref; } map[] = {
		{ "None", NEG_DIGEST_NONE },
		{ "CRC32C", NEG_DIGEST_CRC32C },
		{ "CRC32C,None", NEG_DIGEST_CRC32C_NONE },
		{ "None,CRC32C", NEG_DIGEST_NONE_CRC32C },
	};
	const char *v = rec_get(node, key);

	for (size_t i = 0; v && i < sizeof(map) / sizeof(map[0]); i++) {
		if (!strcmp(v, map[i].text)) {
			*out = map[i].pref;
			return 0;
		}
	}
	return bad(msg, size, ISCSI_ERR_INVAL, "%s = %s: expected None, CRC32C, CRC32C,None or "
		   "None,CRC32C", key, v ? v : "(missing)");
}

static int copy_name(char *dst, size_t dst_size, const char *what, const char *name,
		     char *msg, size_t size)
{
	struct iscsi_name_result nres;

	if (!name || iscsi_name_check(name, ISCSI_NAME_ALLOW_UPPER, &nres) != NAME_OK) {
		char line[200];
		iscsi_name_describe(line, sizeof(line), what, name ? name : "", &nres);
		return bad(msg, size, ISCSI_ERR_INVAL, "%s", line);
	}
	snprintf(dst, dst_size, "%s", name);
	return 0;
}

static int operational(const struct rec *node, struct neg_config *n, char *msg, size_t size)
{
	int rc;

	if ((rc = get_digest(node, "node.conn[0].iscsi.HeaderDigest", &n->header_digest, msg,
			     size)) ||
	    (rc = get_digest(node, "node.conn[0].iscsi.DataDigest", &n->data_digest, msg, size)) ||
	    (rc = get_num(node, "node.conn[0].iscsi.MaxRecvDataSegmentLength", 512, 16777215,
			  &n->max_recv_dsl, msg, size)) ||
	    (rc = get_num(node, "node.session.iscsi.MaxBurstLength", 512, 16777215,
			  &n->max_burst, msg, size)) ||
	    (rc = get_num(node, "node.session.iscsi.FirstBurstLength", 512, 16777215,
			  &n->first_burst, msg, size)) ||
	    (rc = get_num(node, "node.session.iscsi.MaxConnections", 1, 65535,
			  &n->max_connections, msg, size)) ||
	    (rc = get_num(node, "node.session.iscsi.MaxOutstandingR2T", 1, 65535,
			  &n->max_outstanding_r2t, msg, size)) ||
	    (rc = get_num(node, "node.session.iscsi.DefaultTime2Wait", 0, 3600,
			  &n->time2wait, msg, size)) ||
	    (rc = get_num(node, "node.session.iscsi.DefaultTime2Retain", 0, 3600,
			  &n->time2retain, msg, size)) ||
	    (rc = get_num(node, "node.session.iscsi.ERL", 0, 2, &n->erl, msg, size)) ||
	    (rc = get_bool(node, "node.session.iscsi.InitialR2T", &n->initial_r2t, msg, size)) ||
	    (rc = get_bool(node, "node.session.iscsi.ImmediateData", &n->immediate_data, msg,
			   size)))
		return rc;
	/* The same inequality as proto's, reported with open-iscsi's keys. */
	if (n->first_burst > n->max_burst)
		return bad(msg, size, ISCSI_ERR_INVAL, "node.session.iscsi.FirstBurstLength = %u "
			   "exceeds node.session.iscsi.MaxBurstLength = %u", n->first_burst,
			   n->max_burst);
	char why[192];
	if (neg_config_check(n, why, sizeof(why)) < 0)
		return bad(msg, size, ISCSI_ERR_INVAL, "%s", why);
	return 0;
}

int login_offer_build(const struct rec *node, const char *initiator_name,
		      const char *initiator_alias, uint32_t isid_qualifier,
		      struct login_config *out, char *msg, size_t size)
{
	uint32_t timeout_s, cmdsn;
	int rc;

	login_config_default(out, NEG_SESSION_NORMAL);
	if (!node || rec_kind_of(node) != REC_NODE)
		return bad(msg, size, ISCSI_ERR_INVAL, "not a node record");
	if (isid_qualifier > LOGIN_ISID_QUALIFIER_MAX)
		return bad(msg, size, ISCSI_ERR_INVAL, "ISID qualifier 0x%x is wider than 24 bits",
			   isid_qualifier);

	const char *iface_name = rec_get(node, "iface.initiatorname");
	if (iface_name && iface_name[0])
		initiator_name = iface_name;
	if ((rc = copy_name(out->initiator_name, sizeof(out->initiator_name), "initiator name",
			    initiator_name, msg, size)) ||
	    (rc = copy_name(out->target_name, sizeof(out->target_name), "target name",
			    rec_get(node, "node.name"), msg, size)))
		return rc;
	if (initiator_alias && initiator_alias[0]) {
		if (iscsi_alias_check(initiator_alias, NULL) != NAME_OK)
			return bad(msg, size, ISCSI_ERR_INVAL, "invalid initiator alias");
		snprintf(out->initiator_alias, sizeof(out->initiator_alias), "%s",
			 initiator_alias);
	}
	if ((rc = operational(node, &out->neg, msg, size)))
		return rc;
	if ((rc = get_num(node, "node.conn[0].timeo.login_timeout", 1, LOGIN_OFFER_TIMEOUT_MAX_S,
			  &timeout_s, msg, size)) ||
	    (rc = get_num(node, "node.session.initial_cmdsn", 0, 4294967295LL, &cmdsn, msg,
			  size)))
		return rc;
	out->timeout_ms = timeout_s * 1000u;
	out->cmdsn = cmdsn;
	out->exp_statsn = 0;
	out->itt = 0;
	out->tsih = 0;
	out->cid = 0;
	out->auth = LOGIN_AUTH_NONE;
	login_offer_isid(isid_qualifier, out->isid);
	return 0;
}
