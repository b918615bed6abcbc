/* The NETLINK_ISCSI ABI between an iSCSI initiator and the kernel's
 * scsi_transport_iscsi, as of Linux 6.1 (the layout has been stable since;
 * older kernels differ). Our own declarations of the kernel's facts: the
 * numbers and byte layouts are the kernel's, the names are ours (prefix
 * KISCSI_ / kiscsi_) so this header can sit beside the kernel's own
 * <scsi/iscsi_if.h> in one translation unit, which is how
 * tests/integration/kernel_abi.sh proves every size, offset and value.
 *
 * Message shape, both ways: a netlink header, then struct kiscsi_uevent,
 * then a payload for some types (a SET_PARAM value, a SEND_PDU header and
 * data, a RECV_PDU's PDU, GET_STATS's struct kiscsi_stats). The kernel
 * answers a request with the request's own uevent, iferror and the r
 * union filled in; events carry nlmsg_type 0 and the event code in
 * uevent.type. All fields are host byte order. */
#ifndef KERNEL_ISCSI_ABI_H
#define KERNEL_ISCSI_ABI_H

#include <linux/netlink.h>
#include <stdint.h>

#if NETLINK_ISCSI != 8
#error "NETLINK_ISCSI is 8 in every Linux"
#endif

/* Multicast group of the initiator daemon (events, GET_STATS answers). */
#define KISCSI_NL_GRP_ISCSID 1

/* Requests (user to kernel) and events (kernel to user). */
enum kiscsi_uevent_type {
	KISCSI_UEVENT_UNKNOWN = 0,
	KISCSI_UEVENT_CREATE_SESSION = 11,
	KISCSI_UEVENT_DESTROY_SESSION = 12,
	KISCSI_UEVENT_CREATE_CONN = 13,
	KISCSI_UEVENT_DESTROY_CONN = 14,
	KISCSI_UEVENT_BIND_CONN = 15,
	KISCSI_UEVENT_SET_PARAM = 16,
	KISCSI_UEVENT_START_CONN = 17,
	KISCSI_UEVENT_STOP_CONN = 18,
	KISCSI_UEVENT_SEND_PDU = 19,
	KISCSI_UEVENT_GET_STATS = 20,
	KISCSI_UEVENT_GET_PARAM = 21,
	KISCSI_UEVENT_SET_HOST_PARAM = 26,
	KISCSI_UEVENT_UNBIND_SESSION = 27,

	KISCSI_KEVENT_RECV_PDU = 101,
	KISCSI_KEVENT_CONN_ERROR = 102,
	KISCSI_KEVENT_IF_ERROR = 103,
	KISCSI_KEVENT_DESTROY_SESSION = 104,
	KISCSI_KEVENT_UNBIND_SESSION = 105,
	KISCSI_KEVENT_CREATE_SESSION = 106,
	KISCSI_KEVENT_PATH_REQ = 107,
	KISCSI_KEVENT_IF_DOWN = 108,
	KISCSI_KEVENT_CONN_LOGIN_STATE = 109,
	KISCSI_KEVENT_HOST_EVENT = 110,
	KISCSI_KEVENT_PING_COMP = 111,
};

/* STOP_CONN reasons (stop_conn.flag). Suspend (2) exists in the ABI but
 * no current transport acts on it; we never send it. */
#define ISCSI_STOP_CONN_TERM 1
#define ISCSI_STOP_CONN_RECOVER 3

/* The one message header of both directions. 56 bytes, 8-aligned. Only
 * the union members an initiator using iscsi_tcp needs are declared; the
 * largest (bind, stop, recv_req) give each union the kernel's size. */
struct kiscsi_uevent {
	uint32_t type;                  /* enum kiscsi_uevent_type */
	uint32_t iferror;               /* reply: 0 or a negative errno */
	uint64_t transport_handle;
	union {
		struct {
			uint32_t initial_cmdsn;
			uint16_t cmds_max;
			uint16_t queue_depth;
		} c_session;
		struct {
			uint32_t sid;
		} d_session;
		struct {
			uint32_t sid;
			uint32_t cid;
		} c_conn;
		struct {
			uint32_t sid;
			uint32_t cid;
			uint64_t transport_eph;         /* iscsi_tcp: a socket fd */
			uint32_t is_leading;
		} b_conn;
		struct {
			uint32_t sid;
			uint32_t cid;
		} d_conn;
		struct {
			uint32_t sid;
			uint32_t cid;
			uint32_t hdr_size;
			uint32_t data_size;
		} send_pdu;
		struct {
			uint32_t sid;
			uint32_t cid;
			uint32_t param;                 /* enum iscsi_param */
			uint32_t len;                   /* value bytes, NUL included */
		} set_param;
		struct {
			uint32_t sid;
			uint32_t cid;
		} start_conn;
		struct {
			uint32_t sid;
			uint32_t cid;
			uint64_t conn_handle;           /* unused since 2.6.2x */
			uint32_t flag;                  /* ISCSI_STOP_CONN_* */
		} stop_conn;
		struct {
			uint32_t sid;
			uint32_t cid;
		} get_stats;
		struct {
			uint32_t host_no;
			uint32_t param;                 /* enum iscsi_host_param */
			uint32_t len;
		} set_host_param;
	} u;
	union {
		int32_t retcode;        /* bind, start, send_pdu: 0 or -errno */
		struct {
			uint32_t sid;
			uint32_t host_no;
		} c_session_ret;
		struct {
			uint32_t sid;
			uint32_t cid;
		} c_conn_ret;
		struct {
			uint32_t sid;
			uint32_t host_no;
		} unbind_session;
		struct {
			uint32_t sid;
			uint32_t cid;
			uint64_t recv_handle;
		} recv_req;
		struct {
			uint32_t sid;
			uint32_t cid;
			uint32_t state;
		} conn_login;
		struct {
			uint32_t sid;
			uint32_t cid;
			uint32_t error;                 /* enum kiscsi_err */
		} connerror;
		struct {
			uint32_t host_no;               /* host first, unlike the others */
			uint32_t sid;
		} d_session;
		struct {
			uint32_t sid;
			uint32_t host_no;
		} c_session;    /* KEVENT_CREATE_SESSION: same shape as the reply */
	} r;
} __attribute__((aligned(8)));

_Static_assert(sizeof(struct kiscsi_uevent) == 56, "kiscsi_uevent is 56 bytes");

/* GET_STATS answer: follows the uevent. */
#define KISCSI_STATS_CUSTOM_MAX 32
#define KISCSI_STATS_CUSTOM_DESC_MAX 64

struct kiscsi_stats_custom {
	char desc[KISCSI_STATS_CUSTOM_DESC_MAX];        /* not always terminated */
	uint64_t value;
};

struct kiscsi_stats {
	uint64_t txdata_octets;
	uint64_t rxdata_octets;
	uint32_t noptx_pdus;
	uint32_t scsicmd_pdus;
	uint32_t tmfcmd_pdus;
	uint32_t login_pdus;
	uint32_t text_pdus;
	uint32_t dataout_pdus;
	uint32_t logout_pdus;
	uint32_t snack_pdus;
	uint32_t noprx_pdus;
	uint32_t scsirsp_pdus;
	uint32_t tmfrsp_pdus;
	uint32_t textrsp_pdus;
	uint32_t datain_pdus;
	uint32_t logoutrsp_pdus;
	uint32_t r2t_pdus;
	uint32_t async_pdus;
	uint32_t rjt_pdus;
	uint32_t digest_err;
	uint32_t timeout_err;
	uint32_t custom_length;         /* entries of custom[] that follow */
	struct kiscsi_stats_custom custom[] __attribute__((aligned(8)));
};

_Static_assert(sizeof(struct kiscsi_stats) == 96, "kiscsi_stats is 96 bytes");
_Static_assert(sizeof(struct kiscsi_stats_custom) == 72, "kiscsi_stats_custom is 72 bytes");

/* Connection and session parameters (SET_PARAM), the kernel's numbering.
 * Only the leading values a software initiator sets are named; the kernel
 * knows more, up to KISCSI_PARAM_LOCAL_IPADDR. */
enum iscsi_param {
	KISCSI_PARAM_MAX_RECV_DLENGTH = 0,
	KISCSI_PARAM_MAX_XMIT_DLENGTH = 1,
	KISCSI_PARAM_HDRDGST_EN = 2,
	KISCSI_PARAM_DATADGST_EN = 3,
	KISCSI_PARAM_INITIAL_R2T_EN = 4,
	KISCSI_PARAM_MAX_R2T = 5,
	KISCSI_PARAM_IMM_DATA_EN = 6,
	KISCSI_PARAM_FIRST_BURST = 7,
	KISCSI_PARAM_MAX_BURST = 8,
	KISCSI_PARAM_PDU_INORDER_EN = 9,
	KISCSI_PARAM_DATASEQ_INORDER_EN = 10,
	KISCSI_PARAM_ERL = 11,
	KISCSI_PARAM_IFMARKER_EN = 12,
	KISCSI_PARAM_OFMARKER_EN = 13,
	KISCSI_PARAM_EXP_STATSN = 14,
	KISCSI_PARAM_TARGET_NAME = 15,
	KISCSI_PARAM_TPGT = 16,
	KISCSI_PARAM_PERSISTENT_ADDRESS = 17,
	KISCSI_PARAM_PERSISTENT_PORT = 18,
	KISCSI_PARAM_SESS_RECOVERY_TMO = 19,
	KISCSI_PARAM_CONN_PORT = 20,
	KISCSI_PARAM_CONN_ADDRESS = 21,
	KISCSI_PARAM_USERNAME = 22,
	KISCSI_PARAM_USERNAME_IN = 23,
	KISCSI_PARAM_PASSWORD = 24,
	KISCSI_PARAM_PASSWORD_IN = 25,
	KISCSI_PARAM_FAST_ABORT = 26,
	KISCSI_PARAM_ABORT_TMO = 27,
	KISCSI_PARAM_LU_RESET_TMO = 28,
	KISCSI_PARAM_HOST_RESET_TMO = 29,
	KISCSI_PARAM_PING_TMO = 30,
	KISCSI_PARAM_RECV_TMO = 31,
	KISCSI_PARAM_IFACE_NAME = 32,
	KISCSI_PARAM_ISID = 33,
	KISCSI_PARAM_INITIATOR_NAME = 34,
	KISCSI_PARAM_TGT_RESET_TMO = 35,
	KISCSI_PARAM_TARGET_ALIAS = 36,
	KISCSI_PARAM_DISCOVERY_SESS = 43,
	KISCSI_PARAM_PORTAL_TYPE = 44,
	KISCSI_PARAM_DEF_TIME2WAIT = 49,
	KISCSI_PARAM_DEF_TIME2RETAIN = 50,
	KISCSI_PARAM_STATSN = 52,
	KISCSI_PARAM_LOCAL_PORT = 54,
	KISCSI_PARAM_TSID = 55,
	KISCSI_PARAM_LOCAL_IPADDR = 71,
	KISCSI_PARAM_COUNT = 72,        /* the kernel's ISCSI_PARAM_MAX */
};

enum iscsi_host_param {
	KISCSI_HOST_PARAM_HWADDRESS = 0,
	KISCSI_HOST_PARAM_INITIATOR_NAME = 1,
	KISCSI_HOST_PARAM_NETDEV_NAME = 2,
	KISCSI_HOST_PARAM_IPADDRESS = 3,
	KISCSI_HOST_PARAM_PORT_STATE = 4,
	KISCSI_HOST_PARAM_PORT_SPEED = 5,
	KISCSI_HOST_PARAM_COUNT = 6,    /* the kernel's ISCSI_HOST_PARAM_MAX */
};

/* CONN_ERROR codes. */
enum kiscsi_err {
	KISCSI_OK = 0,
	KISCSI_ERR_DATASN = 1001,
	KISCSI_ERR_DATA_OFFSET = 1002,
	KISCSI_ERR_MAX_CMDSN = 1003,
	KISCSI_ERR_EXP_CMDSN = 1004,
	KISCSI_ERR_BAD_OPCODE = 1005,
	KISCSI_ERR_DATALEN = 1006,
	KISCSI_ERR_AHSLEN = 1007,
	KISCSI_ERR_PROTO = 1008,
	KISCSI_ERR_LUN = 1009,
	KISCSI_ERR_BAD_ITT = 1010,
	KISCSI_ERR_CONN_FAILED = 1011,
	KISCSI_ERR_R2TSN = 1012,
	KISCSI_ERR_SESSION_FAILED = 1013,
	KISCSI_ERR_HDR_DGST = 1014,
	KISCSI_ERR_DATA_DGST = 1015,
	KISCSI_ERR_PARAM_NOT_FOUND = 1016,
	KISCSI_ERR_NO_SCSI_CMD = 1017,
	KISCSI_ERR_INVALID_HOST = 1018,
	KISCSI_ERR_XMIT_FAILED = 1019,
	KISCSI_ERR_TCP_CONN_CLOSE = 1020,
	KISCSI_ERR_SCSI_EH_SESSION_RST = 1021,
	KISCSI_ERR_NOP_TIMEDOUT = 1022,
};

/* CONN_LOGIN_STATE states (enum iscsi_conn_state). */
enum kiscsi_conn_state {
	KISCSI_CONN_STATE_FREE = 0,
	KISCSI_CONN_STATE_XPT_WAIT = 1,
	KISCSI_CONN_STATE_IN_LOGIN = 2,
	KISCSI_CONN_STATE_LOGGED_IN = 3,
	KISCSI_CONN_STATE_IN_LOGOUT = 4,
	KISCSI_CONN_STATE_LOGOUT_REQUESTED = 5,
	KISCSI_CONN_STATE_CLEANUP_WAIT = 6,
};

/* A PDU's basic header segment, as SEND_PDU and RECV_PDU carry it. */
#define KISCSI_BHS_LEN 48

#endif
