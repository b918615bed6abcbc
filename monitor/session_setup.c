#include "monitor/session_setup.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "base/log.h"
#include "kernel/iscsi_nl.h"

static long long rec_num(const struct rec *r, const char *key, long long dflt)
{
	long long v;
	return rec_get_int(r, key, &v) == 0 ? v : dflt;
}

/* One SET_PARAM. Optional ones (the kernel may not know them, or the
 * transport may not keep them) only log when refused. */
static int set(struct kern *k, const struct session_made *ms, enum iscsi_param param,
	       const char *name, const char *value, bool optional, char *err, size_t errlen)
{
	if (kern_set_param(k, ms->sid, ms->cid, param, value) == 0)
		return 0;
	if (optional) {
		log_debug(1, "session %u: %s not set: %s", ms->sid, name, kern_strerror(k));
		return 0;
	}
	snprintf(err, errlen, "setting %s: %s", name, kern_strerror(k));
	return -1;
}

static int set_num(struct kern *k, const struct session_made *ms, enum iscsi_param param,
		   const char *name, long long value, bool optional, char *err, size_t errlen)
{
	char buf[24];
	snprintf(buf, sizeof(buf), "%lld", value);
	return set(k, ms, param, name, buf, optional, err, errlen);
}

#define NUM(p, v) set_num(k, ms, KISCSI_PARAM_##p, #p, (v), false, err, errlen)
#define OPT_NUM(p, v) set_num(k, ms, KISCSI_PARAM_##p, #p, (v), true, err, errlen)
#define STR(p, v) set(k, ms, KISCSI_PARAM_##p, #p, (v), false, err, errlen)
#define OPT_STR(p, v) set(k, ms, KISCSI_PARAM_##p, #p, (v), true, err, errlen)

/* What the login negotiated, as the data path needs it. */
static int set_negotiated(struct kern *k, const struct session_made *ms,
			  const struct session_setup *s, char *err, size_t errlen)
{
	const struct neg_params *p = &s->neg->params;
	long long xmit = p->max_xmit_dsl;
	long long cap = rec_num(s->node, "node.conn[0].iscsi.MaxXmitDataSegmentLength", 0);

	/* A configured MaxXmitDataSegmentLength caps what the target allows. */
	if (cap > 0 && cap < xmit)
		xmit = cap;
	return NUM(MAX_RECV_DLENGTH, p->max_recv_dsl) || NUM(MAX_XMIT_DLENGTH, xmit) ||
	       NUM(HDRDGST_EN, p->header_digest) || NUM(DATADGST_EN, p->data_digest) ||
	       NUM(INITIAL_R2T_EN, p->initial_r2t) || NUM(MAX_R2T, p->max_outstanding_r2t) ||
	       NUM(IMM_DATA_EN, p->immediate_data) || NUM(FIRST_BURST, p->first_burst) ||
	       NUM(MAX_BURST, p->max_burst) || NUM(PDU_INORDER_EN, p->data_pdu_in_order) ||
	       NUM(DATASEQ_INORDER_EN, p->data_seq_in_order) || NUM(ERL, p->erl) ||
	       NUM(EXP_STATSN, s->neg->exp_statsn);
}

/* The CHAP user names of a session that used CHAP, for -m session -P 3
 * as open-iscsi shows them. Never a password: sysfs would show it to
 * anyone who can read the attribute, and the kernel has no use for it. */
static int set_chap_names(struct kern *k, const struct session_made *ms,
			  const struct session_setup *s, char *err, size_t errlen)
{
	const char *user = rec_get(s->node, "node.session.auth.username");
	const char *user_in = rec_get(s->node, "node.session.auth.username_in");

	if (s->neg->params.auth_method != NEG_AUTH_CHAP)
		return 0;
	return (user && user[0] && OPT_STR(USERNAME, user)) ||
	       (s->offer->auth == LOGIN_AUTH_CHAP_MUTUAL && user_in && user_in[0] &&
		OPT_STR(USERNAME_IN, user_in));
}

/* Names and portal, shown in sysfs: what iscsiadm -m session prints and
 * what a restarted iscsid finds its sessions by. Not the ISID: Linux 6.1's
 * iscsi_tcp refuses it (ENOSYS) and shows none; nor DefaultTime2Wait/
 * Retain, which it does not keep either (they matter to recovery, which
 * iscsid does, not the kernel). */
static int set_identity(struct kern *k, const struct session_made *ms,
			const struct session_setup *s, char *err, size_t errlen)
{
	const struct login_config *o = s->offer;
	const char *iface = rec_get(s->node, "iface.iscsi_ifacename");
	int tpgt = s->neg->params.tpgt;
	long long rec_tpgt;

	if (tpgt < 0 && rec_get_int(s->node, "node.tpgt", &rec_tpgt) == 0 && rec_tpgt >= 0)
		tpgt = (int)rec_tpgt;
	return STR(TARGET_NAME, o->target_name) || STR(INITIATOR_NAME, o->initiator_name) ||
	       STR(PERSISTENT_ADDRESS, s->address) || NUM(PERSISTENT_PORT, s->port) ||
	       (tpgt >= 0 && NUM(TPGT, tpgt)) ||
	       STR(IFACE_NAME, iface && iface[0] ? iface : "default") ||
	       (s->neg->params.target_alias[0] && OPT_STR(TARGET_ALIAS, s->neg->params.target_alias)) ||
	       set_chap_names(k, ms, s, err, errlen);
}

/* The record's timeouts: recovery, error handling, NOP-Out pings. */
static int set_timeouts(struct kern *k, const struct session_made *ms, const struct rec *n,
			char *err, size_t errlen)
{
	return NUM(SESS_RECOVERY_TMO, rec_num(n, "node.session.timeo.replacement_timeout", 120)) ||
	       NUM(ABORT_TMO, rec_num(n, "node.session.err_timeo.abort_timeout", 15)) ||
	       NUM(LU_RESET_TMO, rec_num(n, "node.session.err_timeo.lu_reset_timeout", 30)) ||
	       NUM(TGT_RESET_TMO, rec_num(n, "node.session.err_timeo.tgt_reset_timeout", 30)) ||
	       NUM(RECV_TMO, rec_num(n, "node.conn[0].timeo.noop_out_interval", 5)) ||
	       NUM(PING_TMO, rec_num(n, "node.conn[0].timeo.noop_out_timeout", 5)) ||
	       OPT_NUM(FAST_ABORT, !rec_get(n, "node.session.iscsi.FastAbort") ||
					   strcmp(rec_get(n, "node.session.iscsi.FastAbort"), "No") != 0);
}

static void set_host(struct kern *k, const struct session_made *ms, const struct session_setup *s)
{
	const char *netdev = rec_get(s->node, "iface.net_ifacename");
	const char *hw = rec_get(s->node, "iface.hwaddress");

	if (kern_set_host_param(k, ms->host_no, KISCSI_HOST_PARAM_INITIATOR_NAME,
				s->offer->initiator_name) < 0)
		log_debug(1, "host%u: initiator name not set: %s", ms->host_no, kern_strerror(k));
	if (netdev && netdev[0] &&
	    kern_set_host_param(k, ms->host_no, KISCSI_HOST_PARAM_NETDEV_NAME, netdev) < 0)
		log_debug(1, "host%u: netdev not set: %s", ms->host_no, kern_strerror(k));
	if (hw && hw[0] && strcmp(hw, "default") != 0 &&
	    kern_set_host_param(k, ms->host_no, KISCSI_HOST_PARAM_HWADDRESS, hw) < 0)
		log_debug(1, "host%u: hwaddress not set: %s", ms->host_no, kern_strerror(k));
}

int session_setup(struct kern *k, const struct session_setup *s, struct session_made *out,
		  char *err, size_t errlen)
{
	long long cmds_max = rec_num(s->node, "node.session.cmds_max", 128);
	long long qdepth = rec_num(s->node, "node.session.queue_depth", 32);
	struct session_made ms = { 0 };
	bool conn = false;

	if (kern_create_session(k, s->neg->cmdsn, (uint16_t)cmds_max, (uint16_t)qdepth, &ms.sid,
				&ms.host_no) < 0) {
		snprintf(err, errlen, "creating the kernel session: %s", kern_strerror(k));
		return -1;
	}
	if (kern_create_conn(k, ms.sid, s->offer->cid, &ms.cid) < 0) {
		snprintf(err, errlen, "creating the kernel connection: %s", kern_strerror(k));
		goto undo;
	}
	conn = true;
	if (kern_bind_conn(k, ms.sid, ms.cid, s->sockfd, true) < 0) {
		snprintf(err, errlen, "binding the connection: %s", kern_strerror(k));
		goto undo;
	}
	if (set_negotiated(k, &ms, s, err, errlen) || set_identity(k, &ms, s, err, errlen) ||
	    set_timeouts(k, &ms, s->node, err, errlen))
		goto undo;
	set_host(k, &ms, s);
	if (kern_start_conn(k, ms.sid, ms.cid) < 0) {
		snprintf(err, errlen, "starting the connection: %s", kern_strerror(k));
		goto undo;
	}
	*out = ms;
	return 0;
undo:
	if (conn) {
		kern_stop_conn(k, ms.sid, ms.cid, ISCSI_STOP_CONN_TERM);
		kern_destroy_conn(k, ms.sid, ms.cid);
	}
	kern_destroy_session(k, ms.sid);
	return -1;
}

int session_rebind(struct kern *k, const struct session_setup *s, const struct session_made *ms,
		   char *err, size_t errlen)
{
	if (kern_bind_conn(k, ms->sid, ms->cid, s->sockfd, true) < 0) {
		snprintf(err, errlen, "binding the new connection: %s", kern_strerror(k));
		return -1;
	}
	/* Everything again, as at the first login: the new login may have
	 * negotiated other values, and the kernel forgets the digests when
	 * it stops a connection for recovery. */
	if (set_negotiated(k, ms, s, err, errlen) || set_identity(k, ms, s, err, errlen) ||
	    set_timeouts(k, ms, s->node, err, errlen))
		goto stop;
	if (kern_start_conn(k, ms->sid, ms->cid) < 0) {
		snprintf(err, errlen, "starting the connection: %s", kern_strerror(k));
		goto stop;
	}
	return 0;
stop:
	kern_stop_conn(k, ms->sid, ms->cid, ISCSI_STOP_CONN_RECOVER);
	return -1;
}
