/* Proves kernel/iscsi_abi.h against the kernel's own <scsi/iscsi_if.h>:
 * every size, offset and value we use, one TAP line per group. Built and
 * run by tests/integration/kernel_abi.sh with the header of the VM's
 * kernel on the include path (and an empty <scsi/iscsi_proto.h>: the
 * ABI does not depend on it).
 *
 * The kernel's header and ours name two enums alike (the contract of
 * kernel/iscsi_nl.h uses enum iscsi_param and enum iscsi_host_param):
 * the kernel's are renamed while it is included. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define __packed __attribute__((packed))
#define __aligned(x) __attribute__((aligned(x)))
#define iscsi_param kernel_iscsi_param
#define iscsi_host_param kernel_iscsi_host_param
#include <scsi/iscsi_if.h>
#undef iscsi_param
#undef iscsi_host_param

#include "kernel/iscsi_abi.h"

static int group_failed, total_failed;

static void check(int ok, const char *what, long long ours, long long theirs)
{
	if (ok)
		return;
	printf("# mismatch: %s (ours %lld, kernel %lld)\n", what, ours, theirs);
	group_failed++;
}

static void group(const char *name)
{
	printf("%s - kernel ABI: %s\n", group_failed ? "not ok" : "ok", name);
	total_failed += group_failed;
	group_failed = 0;
}

#define SIZE(ours, theirs) \
	check(sizeof(ours) == sizeof(theirs), "sizeof " #ours, (long long)sizeof(ours), \
	      (long long)sizeof(theirs))
#define MEMBER(ours, theirs, m, km) do { \
		check(offsetof(ours, m) == offsetof(theirs, km), "offsetof " #ours "." #m, \
		      (long long)offsetof(ours, m), (long long)offsetof(theirs, km)); \
		check(sizeof(((ours *)0)->m) == sizeof(((theirs *)0)->km), "sizeof " #ours "." #m, \
		      (long long)sizeof(((ours *)0)->m), (long long)sizeof(((theirs *)0)->km)); \
	} while (0)
#define UEV(m) MEMBER(struct kiscsi_uevent, struct iscsi_uevent, m, m)
#define VALUE(ours, theirs) \
	check((long long)(ours) == (long long)(theirs), #ours, (long long)(ours), (long long)(theirs))

int main(void)
{
	SIZE(struct kiscsi_uevent, struct iscsi_uevent);
	check(_Alignof(struct kiscsi_uevent) == _Alignof(struct iscsi_uevent), "alignment",
	      (long long)_Alignof(struct kiscsi_uevent), (long long)_Alignof(struct iscsi_uevent));
	UEV(type);
	UEV(iferror);
	UEV(transport_handle);
	UEV(u);
	UEV(r);
	group("struct iscsi_uevent header");

	UEV(u.c_session.initial_cmdsn);
	UEV(u.c_session.cmds_max);
	UEV(u.c_session.queue_depth);
	UEV(u.d_session.sid);
	group("create/destroy session requests");

	UEV(u.c_conn.sid);
	UEV(u.c_conn.cid);
	UEV(u.d_conn.sid);
	UEV(u.d_conn.cid);
	UEV(u.b_conn.sid);
	UEV(u.b_conn.cid);
	UEV(u.b_conn.transport_eph);
	UEV(u.b_conn.is_leading);
	UEV(u.start_conn.sid);
	UEV(u.start_conn.cid);
	UEV(u.stop_conn.sid);
	UEV(u.stop_conn.cid);
	UEV(u.stop_conn.conn_handle);
	UEV(u.stop_conn.flag);
	group("connection requests (create, destroy, bind, start, stop)");

	UEV(u.set_param.sid);
	UEV(u.set_param.cid);
	UEV(u.set_param.param);
	UEV(u.set_param.len);
	UEV(u.set_host_param.host_no);
	UEV(u.set_host_param.param);
	UEV(u.set_host_param.len);
	UEV(u.send_pdu.sid);
	UEV(u.send_pdu.cid);
	UEV(u.send_pdu.hdr_size);
	UEV(u.send_pdu.data_size);
	UEV(u.get_stats.sid);
	UEV(u.get_stats.cid);
	group("set_param, set_host_param, send_pdu, get_stats requests");

	UEV(r.retcode);
	UEV(r.c_session_ret.sid);
	UEV(r.c_session_ret.host_no);
	UEV(r.c_conn_ret.sid);
	UEV(r.c_conn_ret.cid);
	group("replies (retcode, c_session_ret, c_conn_ret)");

	UEV(r.connerror.sid);
	UEV(r.connerror.cid);
	UEV(r.connerror.error);
	UEV(r.conn_login.sid);
	UEV(r.conn_login.cid);
	UEV(r.conn_login.state);
	UEV(r.recv_req.sid);
	UEV(r.recv_req.cid);
	UEV(r.recv_req.recv_handle);
	UEV(r.d_session.host_no);
	UEV(r.d_session.sid);
	UEV(r.unbind_session.sid);
	UEV(r.unbind_session.host_no);
	/* CREATE_SESSION events reuse the create reply's member. */
	MEMBER(struct kiscsi_uevent, struct iscsi_uevent, r.c_session.sid, r.c_session_ret.sid);
	MEMBER(struct kiscsi_uevent, struct iscsi_uevent, r.c_session.host_no,
	       r.c_session_ret.host_no);
	group("events (connerror, conn_login, recv_req, d_session, c_session, unbind_session)");

#define ST(m) MEMBER(struct kiscsi_stats, struct iscsi_stats, m, m)
	SIZE(struct kiscsi_stats, struct iscsi_stats);
	SIZE(struct kiscsi_stats_custom, struct iscsi_stats_custom);
	MEMBER(struct kiscsi_stats_custom, struct iscsi_stats_custom, desc, desc);
	MEMBER(struct kiscsi_stats_custom, struct iscsi_stats_custom, value, value);
	ST(txdata_octets); ST(rxdata_octets); ST(noptx_pdus); ST(scsicmd_pdus);
	ST(tmfcmd_pdus); ST(login_pdus); ST(text_pdus); ST(dataout_pdus); ST(logout_pdus);
	ST(snack_pdus); ST(noprx_pdus); ST(scsirsp_pdus); ST(tmfrsp_pdus); ST(textrsp_pdus);
	ST(datain_pdus); ST(logoutrsp_pdus); ST(r2t_pdus); ST(async_pdus); ST(rjt_pdus);
	ST(digest_err); ST(timeout_err); ST(custom_length);
	check(offsetof(struct kiscsi_stats, custom) == offsetof(struct iscsi_stats, custom),
	      "offsetof kiscsi_stats.custom", (long long)offsetof(struct kiscsi_stats, custom),
	      (long long)offsetof(struct iscsi_stats, custom));
	VALUE(KISCSI_STATS_CUSTOM_MAX, ISCSI_STATS_CUSTOM_MAX);
	VALUE(KISCSI_STATS_CUSTOM_DESC_MAX, ISCSI_STATS_CUSTOM_DESC_MAX);
	group("struct iscsi_stats and iscsi_stats_custom");

	VALUE(KISCSI_UEVENT_UNKNOWN, ISCSI_UEVENT_UNKNOWN);
	VALUE(KISCSI_UEVENT_CREATE_SESSION, ISCSI_UEVENT_CREATE_SESSION);
	VALUE(KISCSI_UEVENT_DESTROY_SESSION, ISCSI_UEVENT_DESTROY_SESSION);
	VALUE(KISCSI_UEVENT_CREATE_CONN, ISCSI_UEVENT_CREATE_CONN);
	VALUE(KISCSI_UEVENT_DESTROY_CONN, ISCSI_UEVENT_DESTROY_CONN);
	VALUE(KISCSI_UEVENT_BIND_CONN, ISCSI_UEVENT_BIND_CONN);
	VALUE(KISCSI_UEVENT_SET_PARAM, ISCSI_UEVENT_SET_PARAM);
	VALUE(KISCSI_UEVENT_START_CONN, ISCSI_UEVENT_START_CONN);
	VALUE(KISCSI_UEVENT_STOP_CONN, ISCSI_UEVENT_STOP_CONN);
	VALUE(KISCSI_UEVENT_SEND_PDU, ISCSI_UEVENT_SEND_PDU);
	VALUE(KISCSI_UEVENT_GET_STATS, ISCSI_UEVENT_GET_STATS);
	VALUE(KISCSI_UEVENT_GET_PARAM, ISCSI_UEVENT_GET_PARAM);
	VALUE(KISCSI_UEVENT_SET_HOST_PARAM, ISCSI_UEVENT_SET_HOST_PARAM);
	VALUE(KISCSI_UEVENT_UNBIND_SESSION, ISCSI_UEVENT_UNBIND_SESSION);
	group("request codes (enum iscsi_uevent_e)");

	VALUE(KISCSI_KEVENT_RECV_PDU, ISCSI_KEVENT_RECV_PDU);
	VALUE(KISCSI_KEVENT_CONN_ERROR, ISCSI_KEVENT_CONN_ERROR);
	VALUE(KISCSI_KEVENT_IF_ERROR, ISCSI_KEVENT_IF_ERROR);
	VALUE(KISCSI_KEVENT_DESTROY_SESSION, ISCSI_KEVENT_DESTROY_SESSION);
	VALUE(KISCSI_KEVENT_UNBIND_SESSION, ISCSI_KEVENT_UNBIND_SESSION);
	VALUE(KISCSI_KEVENT_CREATE_SESSION, ISCSI_KEVENT_CREATE_SESSION);
	VALUE(KISCSI_KEVENT_PATH_REQ, ISCSI_KEVENT_PATH_REQ);
	VALUE(KISCSI_KEVENT_IF_DOWN, ISCSI_KEVENT_IF_DOWN);
	VALUE(KISCSI_KEVENT_CONN_LOGIN_STATE, ISCSI_KEVENT_CONN_LOGIN_STATE);
	VALUE(KISCSI_KEVENT_HOST_EVENT, ISCSI_KEVENT_HOST_EVENT);
	VALUE(KISCSI_KEVENT_PING_COMP, ISCSI_KEVENT_PING_COMP);
	group("event codes (enum iscsi_uevent_e)");

#define P(x) VALUE(KISCSI_PARAM_##x, ISCSI_PARAM_##x)
	P(MAX_RECV_DLENGTH); P(MAX_XMIT_DLENGTH); P(HDRDGST_EN); P(DATADGST_EN);
	P(INITIAL_R2T_EN); P(MAX_R2T); P(IMM_DATA_EN); P(FIRST_BURST); P(MAX_BURST);
	P(PDU_INORDER_EN); P(DATASEQ_INORDER_EN); P(ERL); P(IFMARKER_EN); P(OFMARKER_EN);
	P(EXP_STATSN); P(TARGET_NAME); P(TPGT); P(PERSISTENT_ADDRESS); P(PERSISTENT_PORT);
	P(SESS_RECOVERY_TMO); P(CONN_PORT); P(CONN_ADDRESS); P(USERNAME); P(USERNAME_IN);
	P(PASSWORD); P(PASSWORD_IN); P(FAST_ABORT); P(ABORT_TMO); P(LU_RESET_TMO);
	P(HOST_RESET_TMO); P(PING_TMO); P(RECV_TMO); P(IFACE_NAME); P(ISID);
	P(INITIATOR_NAME); P(TGT_RESET_TMO); P(TARGET_ALIAS); P(DISCOVERY_SESS);
	P(PORTAL_TYPE); P(DEF_TIME2WAIT); P(DEF_TIME2RETAIN); P(STATSN); P(LOCAL_PORT);
	P(TSID); P(LOCAL_IPADDR);
	VALUE(KISCSI_PARAM_COUNT, ISCSI_PARAM_MAX);
	group("parameters (enum iscsi_param)");

#define HP(x) VALUE(KISCSI_HOST_PARAM_##x, ISCSI_HOST_PARAM_##x)
	HP(HWADDRESS); HP(INITIATOR_NAME); HP(NETDEV_NAME); HP(IPADDRESS); HP(PORT_STATE);
	HP(PORT_SPEED);
	VALUE(KISCSI_HOST_PARAM_COUNT, ISCSI_HOST_PARAM_MAX);
	group("host parameters (enum iscsi_host_param)");

#define E(x) VALUE(KISCSI_ERR_##x, ISCSI_ERR_##x)
	VALUE(KISCSI_OK, ISCSI_OK);
	E(DATASN); E(DATA_OFFSET); E(MAX_CMDSN); E(EXP_CMDSN); E(BAD_OPCODE); E(DATALEN);
	E(AHSLEN); E(PROTO); E(LUN); E(BAD_ITT); E(CONN_FAILED); E(R2TSN); E(SESSION_FAILED);
	E(HDR_DGST); E(DATA_DGST); E(PARAM_NOT_FOUND); E(NO_SCSI_CMD); E(INVALID_HOST);
	E(XMIT_FAILED); E(TCP_CONN_CLOSE); E(SCSI_EH_SESSION_RST); E(NOP_TIMEDOUT);
	group("connection error codes (enum iscsi_err)");

#define CS(x) VALUE(KISCSI_CONN_STATE_##x, ISCSI_CONN_STATE_##x)
	CS(FREE); CS(XPT_WAIT); CS(IN_LOGIN); CS(LOGGED_IN); CS(IN_LOGOUT); CS(LOGOUT_REQUESTED);
	CS(CLEANUP_WAIT);
	group("connection states (enum iscsi_conn_state)");

	VALUE(ISCSI_STOP_CONN_TERM, STOP_CONN_TERM);
	VALUE(ISCSI_STOP_CONN_RECOVER, STOP_CONN_RECOVER);
	VALUE(KISCSI_NL_GRP_ISCSID, ISCSI_NL_GRP_ISCSID);
	VALUE(NETLINK_ISCSI, 8);
	group("stop flags, multicast group, NETLINK_ISCSI");

	return total_failed ? 1 : 0;
}
