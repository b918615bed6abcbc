/* The field tables of records/schema.h. Order and names follow what
 * open-iscsi 2.1.8 prints with -o show; defaults are its compiled-in
 * defaults. Ranges come from RFC 7143 section 13 for negotiated keys and
 * from what the kernel or the protocol can represent for the rest. */
#include "records/schema.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

#define STR(n, fl, d, ml)      { .name = n, .type = RT_STR, .flags = (fl), .def = d, .max_len = ml }
#define INT(n, fl, d, lo, hi)  { .name = n, .type = RT_INT, .flags = (fl), .def = d, .min = lo, .max = hi }
#define BOOL(n, fl, d)         { .name = n, .type = RT_BOOL, .flags = (fl), .def = d }
#define ENUM(n, fl, d, ch)     { .name = n, .type = RT_ENUM, .flags = (fl), .def = d, .choices = ch }
#define LIST(n, fl, d, ch)     { .name = n, .type = RT_ENUM_LIST, .flags = (fl), .def = d, .choices = ch }
#define NAME(n, fl)            { .name = n, .type = RT_NAME, .flags = (fl), .def = "" }
#define ADDR(n, fl)            { .name = n, .type = RT_ADDR, .flags = (fl) | RF_EMPTY_OK, .def = "" }
#define IFN(n, fl, d, ml)      { .name = n, .type = RT_IFNAME, .flags = (fl), .def = d, .max_len = ml }
#define HWADDR(n, fl)          { .name = n, .type = RT_HWADDR, .flags = (fl) | RF_EMPTY_OK, .def = "" }
/* An iface setting that is "enable", "disable" or unset. */
#define ONOFF(n, fl)           ENUM(n, (fl) | RF_EMPTY_OK, "", enable_disable)

#define I32_MAX 2147483647LL
#define SEG_MAX 16777215LL      /* 2^24 - 1, RFC 7143 13.12-13.14 */
#define AUTH_MAX 255            /* CHAP user names and secrets, bytes */
#define NETIF_MAX 15            /* IFNAMSIZ - 1 */
#define IFACE_MAX (REC_IFACE_NAME_MAX - 1)

static const char *const enable_disable[] = { "enable", "disable", NULL };
static const char *const startup_modes[] = { "automatic", "manual", "onboot", NULL };
static const char *const disc_startup_modes[] = { "automatic", "manual", NULL };
static const char *const authmethods[] = { "None", "CHAP", NULL };
static const char *const chap_algs[] = { "MD5", "SHA1", "SHA256", "SHA3-256", NULL };
static const char *const digests[] = { "None", "CRC32C", NULL };
static const char *const scan_modes[] = { "auto", "manual", NULL };
static const char *const bootprotos[] = { "static", "dhcp", NULL };
static const char *const transports[] = {
	"tcp", "iser", "bnx2i", "cxgb3i", "cxgb4i", "be2iscsi", "qla4xxx", "qedi", NULL
};
static const char *const discovery_types[] = {
	"static", "send_targets", "isns", "offload_send_targets", "slp", "fw", NULL
};
static const char *const st_types[] = { "sendtargets", NULL };

/* The iface block, shared by iface records and (as the copy of the bound
 * iface) node records, where fl adds RF_IFACE. */
#define IFACE_FIELDS(fl) \
	IFN("iface.iscsi_ifacename", RF_IDENTITY | (fl), REC_IFACE_DEFAULT, IFACE_MAX), \
	IFN("iface.net_ifacename", RF_EMPTY_OK | (fl), "", NETIF_MAX), \
	ADDR("iface.ipaddress", fl), \
	INT("iface.prefix_len", fl, "0", 0, 128), \
	HWADDR("iface.hwaddress", fl), \
	ENUM("iface.transport_name", fl, "tcp", transports), \
	NAME("iface.initiatorname", RF_EMPTY_OK | (fl)), \
	ONOFF("iface.state", fl), \
	INT("iface.vlan_id", fl, "0", 0, 4095), \
	INT("iface.vlan_priority", fl, "0", 0, 7), \
	ONOFF("iface.vlan_state", fl), \
	INT("iface.iface_num", fl, "0", 0, 65535), \
	INT("iface.mtu", fl, "0", 0, 65535), \
	INT("iface.port", fl, "0", 0, 65535), \
	ENUM("iface.bootproto", RF_EMPTY_OK | (fl), "", bootprotos), \
	ADDR("iface.subnet_mask", fl), \
	ADDR("iface.gateway", fl), \
	ONOFF("iface.dhcp_alt_client_id_state", fl), \
	STR("iface.dhcp_alt_client_id", fl, "", 255), \
	ONOFF("iface.dhcp_dns", fl), \
	ONOFF("iface.dhcp_learn_iqn", fl), \
	ONOFF("iface.dhcp_req_vendor_id_state", fl), \
	ONOFF("iface.dhcp_vendor_id_state", fl), \
	STR("iface.dhcp_vendor_id", fl, "", 255), \
	ONOFF("iface.dhcp_slp_da", fl), \
	ONOFF("iface.fragmentation", fl), \
	ONOFF("iface.gratuitous_arp", fl), \
	ONOFF("iface.incoming_forwarding", fl), \
	ONOFF("iface.tos_state", fl), \
	INT("iface.tos", fl, "0", 0, 255), \
	INT("iface.ttl", fl, "0", 0, 255), \
	ONOFF("iface.delayed_ack", fl), \
	ONOFF("iface.tcp_nagle", fl), \
	ONOFF("iface.tcp_wsf_state", fl), \
	INT("iface.tcp_wsf", fl, "0", 0, 255), \
	INT("iface.tcp_timer_scale", fl, "0", 0, 255), \
	ONOFF("iface.tcp_timestamp", fl), \
	ONOFF("iface.redirect", fl), \
	INT("iface.def_task_mgmt_timeout", fl, "0", 0, 65535), \
	ONOFF("iface.header_digest", fl), \
	ONOFF("iface.data_digest", fl), \
	ONOFF("iface.immediate_data", fl), \
	ONOFF("iface.initial_r2t", fl), \
	ONOFF("iface.data_seq_inorder", fl), \
	ONOFF("iface.data_pdu_inorder", fl), \
	INT("iface.erl", fl, "0", 0, 2), \
	INT("iface.max_receive_data_len", fl, "0", 0, SEG_MAX), \
	INT("iface.first_burst_len", fl, "0", 0, SEG_MAX), \
	INT("iface.max_outstanding_r2t", fl, "0", 0, 65535), \
	INT("iface.max_burst_len", fl, "0", 0, SEG_MAX), \
	ONOFF("iface.chap_auth", fl), \
	ONOFF("iface.bidi_chap", fl), \
	ONOFF("iface.strict_login_compliance", fl), \
	ONOFF("iface.discovery_auth", fl), \
	ONOFF("iface.discovery_logout", fl)

#define C RF_CONF
#define TIMEOUT(n, d) INT(n, C, d, 0, I32_MAX)

static const struct rec_field node_fields[] = {
	NAME("node.name", RF_IDENTITY),
	INT("node.tpgt", RF_IDENTITY, "-1", -1, 65535),
	ENUM("node.startup", C, "manual", startup_modes),
	BOOL("node.leading_login", C, "No"),
	IFACE_FIELDS(RF_IFACE),
	ADDR("node.discovery_address", 0),
	INT("node.discovery_port", 0, "0", 0, 65535),
	ENUM("node.discovery_type", 0, "static", discovery_types),
	INT("node.session.initial_cmdsn", C, "0", 0, 4294967295LL),
	INT("node.session.initial_login_retry_max", C, "4", 0, I32_MAX),
	INT("node.session.xmit_thread_priority", C, "-20", -20, 20),
	INT("node.session.cmds_max", C, "128", 2, 2048),
	INT("node.session.queue_depth", C, "32", 1, 1024),
	INT("node.session.nr_sessions", C, "1", 1, 1024),
	ENUM("node.session.auth.authmethod", C, "None", authmethods),
	STR("node.session.auth.username", C, "", AUTH_MAX),
	STR("node.session.auth.password", C | RF_SECRET | RF_SPACES, "", AUTH_MAX),
	STR("node.session.auth.username_in", C, "", AUTH_MAX),
	STR("node.session.auth.password_in", C | RF_SECRET | RF_SPACES, "", AUTH_MAX),
	LIST("node.session.auth.chap_algs", C, "MD5", chap_algs),
	/* Negative: queue I/O until the session is back or logged out. */
	INT("node.session.timeo.replacement_timeout", C, "120", -I32_MAX - 1, I32_MAX),
	TIMEOUT("node.session.err_timeo.abort_timeout", "15"),
	TIMEOUT("node.session.err_timeo.lu_reset_timeout", "30"),
	TIMEOUT("node.session.err_timeo.tgt_reset_timeout", "30"),
	TIMEOUT("node.session.err_timeo.host_reset_timeout", "60"),
	BOOL("node.session.iscsi.FastAbort", C, "Yes"),
	BOOL("node.session.iscsi.InitialR2T", C, "No"),
	BOOL("node.session.iscsi.ImmediateData", C, "Yes"),
	INT("node.session.iscsi.FirstBurstLength", C, "262144", 512, SEG_MAX),
	INT("node.session.iscsi.MaxBurstLength", C, "16776192", 512, SEG_MAX),
	INT("node.session.iscsi.DefaultTime2Retain", C, "0", 0, 3600),
	INT("node.session.iscsi.DefaultTime2Wait", C, "2", 0, 3600),
	INT("node.session.iscsi.MaxConnections", C, "1", 1, 65535),
	INT("node.session.iscsi.MaxOutstandingR2T", C, "1", 1, 65535),
	INT("node.session.iscsi.ERL", C, "0", 0, 2),
	ENUM("node.session.scan", C, "auto", scan_modes),
	INT("node.session.reopen_max", C, "0", 0, I32_MAX),
	ADDR("node.conn[0].address", RF_IDENTITY),
	INT("node.conn[0].port", RF_IDENTITY, "3260", 1, 65535),
	ENUM("node.conn[0].startup", C, "manual", startup_modes),
	INT("node.conn[0].tcp.window_size", C, "524288", 0, 1073741824),
	INT("node.conn[0].tcp.type_of_service", C, "0", 0, 255),
	TIMEOUT("node.conn[0].timeo.logout_timeout", "15"),
	TIMEOUT("node.conn[0].timeo.login_timeout", "30"),
	TIMEOUT("node.conn[0].timeo.auth_timeout", "45"),
	TIMEOUT("node.conn[0].timeo.noop_out_interval", "5"),
	TIMEOUT("node.conn[0].timeo.noop_out_timeout", "5"),
	INT("node.conn[0].iscsi.MaxXmitDataSegmentLength", C | RF_ZERO_OK, "0", 512, SEG_MAX),
	INT("node.conn[0].iscsi.MaxRecvDataSegmentLength", C, "262144", 512, SEG_MAX),
	LIST("node.conn[0].iscsi.HeaderDigest", C, "None", digests),
	LIST("node.conn[0].iscsi.DataDigest", C, "None", digests),
	BOOL("node.conn[0].iscsi.IFMarker", C, "No"),
	BOOL("node.conn[0].iscsi.OFMarker", C, "No"),
};

static const struct rec_field discovery_st_fields[] = {
	ENUM("discovery.startup", 0, "manual", disc_startup_modes),
	ENUM("discovery.type", RF_IDENTITY, "sendtargets", st_types),
	ADDR("discovery.sendtargets.address", RF_IDENTITY),
	INT("discovery.sendtargets.port", RF_IDENTITY, "3260", 1, 65535),
	ENUM("discovery.sendtargets.auth.authmethod", C, "None", authmethods),
	STR("discovery.sendtargets.auth.username", C, "", AUTH_MAX),
	STR("discovery.sendtargets.auth.password", C | RF_SECRET | RF_SPACES, "", AUTH_MAX),
	STR("discovery.sendtargets.auth.username_in", C, "", AUTH_MAX),
	STR("discovery.sendtargets.auth.password_in", C | RF_SECRET | RF_SPACES, "", AUTH_MAX),
	LIST("node.session.auth.chap_algs", C, "MD5", chap_algs),
	TIMEOUT("discovery.sendtargets.timeo.login_timeout", "15"),
	BOOL("discovery.sendtargets.use_discoveryd", C, "No"),
	TIMEOUT("discovery.sendtargets.discoveryd_poll_inval", "30"),
	INT("discovery.sendtargets.reopen_max", C, "5", 0, I32_MAX),
	TIMEOUT("discovery.sendtargets.timeo.auth_timeout", "45"),
	TIMEOUT("discovery.sendtargets.timeo.active_timeout", "30"),
	INT("discovery.sendtargets.iscsi.MaxRecvDataSegmentLength", C, "32768", 512, SEG_MAX),
};

static const struct rec_field iface_fields[] = {
	IFACE_FIELDS(0),
};

static const struct rec_field iscsid_fields[] = {
	STR("iscsid.startup", C | RF_SPACES, "", 1023),
	BOOL("iscsid.safe_logout", C, "No"),
	BOOL("iscsid.ipc_auth_uid", C, "No"),
	/* Ours: the group whose members may run read-only queries over the
	 * control socket ("" for root only), and how many workers may run at
	 * once (further work queues). monitor/settings.c reads both. */
	STR("iscsid.control_group", C, "iscsi", 64),
	INT("iscsid.max_workers", C, "16", 1, 1024),
};

static const struct rec_schema schemas[REC_KIND_COUNT] = {
	[REC_NODE] = { REC_NODE, "node", node_fields, ARRAY_LEN(node_fields) },
	[REC_DISCOVERY_ST] = { REC_DISCOVERY_ST, "discovery", discovery_st_fields,
			       ARRAY_LEN(discovery_st_fields) },
	[REC_IFACE] = { REC_IFACE, "iface", iface_fields, ARRAY_LEN(iface_fields) },
	[REC_ISCSID] = { REC_ISCSID, "iscsid", iscsid_fields, ARRAY_LEN(iscsid_fields) },
};

const struct rec_schema *rec_schema(enum rec_kind kind)
{
	if ((unsigned)kind >= REC_KIND_COUNT)
		return NULL;
	return &schemas[kind];
}
