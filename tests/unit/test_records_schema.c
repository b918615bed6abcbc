/* Record schema and records: open-iscsi's key order and defaults, value
 * validation and normalisation, update refusals, serialisation. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/exitcodes.h"
#include "records/record.h"
#include "records/schema.h"

/* What open-iscsi 2.1.8 prints for -o show with no iscsid.conf (node made
 * with -T iqn.2001-04.com.example:t1 -p 127.0.0.1, discovery with -p
 * 127.0.0.1, the built-in iser iface). */
static const char *const ref_node_show[] = {
	"node.name = iqn.2001-04.com.example:t1",
	"node.tpgt = -1",
	"node.startup = manual",
	"node.leading_login = No",
	"iface.iscsi_ifacename = default",
	"iface.net_ifacename = <empty>",
	"iface.ipaddress = <empty>",
	"iface.prefix_len = 0",
	"iface.hwaddress = <empty>",
	"iface.transport_name = tcp",
	"iface.initiatorname = <empty>",
	"iface.state = <empty>",
	"iface.vlan_id = 0",
	"iface.vlan_priority = 0",
	"iface.vlan_state = <empty>",
	"iface.iface_num = 0",
	"iface.mtu = 0",
	"iface.port = 0",
	"iface.bootproto = <empty>",
	"iface.subnet_mask = <empty>",
	"iface.gateway = <empty>",
	"iface.dhcp_alt_client_id_state = <empty>",
	"iface.dhcp_alt_client_id = <empty>",
	"iface.dhcp_dns = <empty>",
	"iface.dhcp_learn_iqn = <empty>",
	"iface.dhcp_req_vendor_id_state = <empty>",
	"iface.dhcp_vendor_id_state = <empty>",
	"iface.dhcp_vendor_id = <empty>",
	"iface.dhcp_slp_da = <empty>",
	"iface.fragmentation = <empty>",
	"iface.gratuitous_arp = <empty>",
	"iface.incoming_forwarding = <empty>",
	"iface.tos_state = <empty>",
	"iface.tos = 0",
	"iface.ttl = 0",
	"iface.delayed_ack = <empty>",
	"iface.tcp_nagle = <empty>",
	"iface.tcp_wsf_state = <empty>",
	"iface.tcp_wsf = 0",
	"iface.tcp_timer_scale = 0",
	"iface.tcp_timestamp = <empty>",
	"iface.redirect = <empty>",
	"iface.def_task_mgmt_timeout = 0",
	"iface.header_digest = <empty>",
	"iface.data_digest = <empty>",
	"iface.immediate_data = <empty>",
	"iface.initial_r2t = <empty>",
	"iface.data_seq_inorder = <empty>",
	"iface.data_pdu_inorder = <empty>",
	"iface.erl = 0",
	"iface.max_receive_data_len = 0",
	"iface.first_burst_len = 0",
	"iface.max_outstanding_r2t = 0",
	"iface.max_burst_len = 0",
	"iface.chap_auth = <empty>",
	"iface.bidi_chap = <empty>",
	"iface.strict_login_compliance = <empty>",
	"iface.discovery_auth = <empty>",
	"iface.discovery_logout = <empty>",
	"node.discovery_address = <empty>",
	"node.discovery_port = 0",
	"node.discovery_type = static",
	"node.session.initial_cmdsn = 0",
	"node.session.initial_login_retry_max = 4",
	"node.session.xmit_thread_priority = -20",
	"node.session.cmds_max = 128",
	"node.session.queue_depth = 32",
	"node.session.nr_sessions = 1",
	"node.session.auth.authmethod = None",
	"node.session.auth.username = <empty>",
	"node.session.auth.password = <empty>",
	"node.session.auth.username_in = <empty>",
	"node.session.auth.password_in = <empty>",
	"node.session.auth.chap_algs = MD5",
	"node.session.timeo.replacement_timeout = 120",
	"node.session.err_timeo.abort_timeout = 15",
	"node.session.err_timeo.lu_reset_timeout = 30",
	"node.session.err_timeo.tgt_reset_timeout = 30",
	"node.session.err_timeo.host_reset_timeout = 60",
	"node.session.iscsi.FastAbort = Yes",
	"node.session.iscsi.InitialR2T = No",
	"node.session.iscsi.ImmediateData = Yes",
	"node.session.iscsi.FirstBurstLength = 262144",
	"node.session.iscsi.MaxBurstLength = 16776192",
	"node.session.iscsi.DefaultTime2Retain = 0",
	"node.session.iscsi.DefaultTime2Wait = 2",
	"node.session.iscsi.MaxConnections = 1",
	"node.session.iscsi.MaxOutstandingR2T = 1",
	"node.session.iscsi.ERL = 0",
	"node.session.scan = auto",
	"node.session.reopen_max = 0",
	"node.conn[0].address = 127.0.0.1",
	"node.conn[0].port = 3260",
	"node.conn[0].startup = manual",
	"node.conn[0].tcp.window_size = 524288",
	"node.conn[0].tcp.type_of_service = 0",
	"node.conn[0].timeo.logout_timeout = 15",
	"node.conn[0].timeo.login_timeout = 30",
	"node.conn[0].timeo.auth_timeout = 45",
	"node.conn[0].timeo.noop_out_interval = 5",
	"node.conn[0].timeo.noop_out_timeout = 5",
	"node.conn[0].iscsi.MaxXmitDataSegmentLength = 0",
	"node.conn[0].iscsi.MaxRecvDataSegmentLength = 262144",
	"node.conn[0].iscsi.HeaderDigest = None",
	"node.conn[0].iscsi.DataDigest = None",
	"node.conn[0].iscsi.IFMarker = No",
	"node.conn[0].iscsi.OFMarker = No",
	NULL,
};

static const char *const ref_discovery_show[] = {
	"discovery.startup = manual",
	"discovery.type = sendtargets",
	"discovery.sendtargets.address = 127.0.0.1",
	"discovery.sendtargets.port = 3260",
	"discovery.sendtargets.auth.authmethod = None",
	"discovery.sendtargets.auth.username = <empty>",
	"discovery.sendtargets.auth.password = <empty>",
	"discovery.sendtargets.auth.username_in = <empty>",
	"discovery.sendtargets.auth.password_in = <empty>",
	"node.session.auth.chap_algs = MD5",
	"discovery.sendtargets.timeo.login_timeout = 15",
	"discovery.sendtargets.use_discoveryd = No",
	"discovery.sendtargets.discoveryd_poll_inval = 30",
	"discovery.sendtargets.reopen_max = 5",
	"discovery.sendtargets.timeo.auth_timeout = 45",
	"discovery.sendtargets.timeo.active_timeout = 30",
	"discovery.sendtargets.iscsi.MaxRecvDataSegmentLength = 32768",
	NULL,
};

static const char *const ref_iser_show[] = {
	"iface.iscsi_ifacename = iser",
	"iface.net_ifacename = <empty>",
	"iface.ipaddress = <empty>",
	"iface.prefix_len = 0",
	"iface.hwaddress = <empty>",
	"iface.transport_name = iser",
	"iface.initiatorname = <empty>",
	"iface.state = <empty>",
	"iface.vlan_id = 0",
	"iface.vlan_priority = 0",
	"iface.vlan_state = <empty>",
	"iface.iface_num = 0",
	"iface.mtu = 0",
	"iface.port = 0",
	"iface.bootproto = <empty>",
	"iface.subnet_mask = <empty>",
	"iface.gateway = <empty>",
	"iface.dhcp_alt_client_id_state = <empty>",
	"iface.dhcp_alt_client_id = <empty>",
	"iface.dhcp_dns = <empty>",
	"iface.dhcp_learn_iqn = <empty>",
	"iface.dhcp_req_vendor_id_state = <empty>",
	"iface.dhcp_vendor_id_state = <empty>",
	"iface.dhcp_vendor_id = <empty>",
	"iface.dhcp_slp_da = <empty>",
	"iface.fragmentation = <empty>",
	"iface.gratuitous_arp = <empty>",
	"iface.incoming_forwarding = <empty>",
	"iface.tos_state = <empty>",
	"iface.tos = 0",
	"iface.ttl = 0",
	"iface.delayed_ack = <empty>",
	"iface.tcp_nagle = <empty>",
	"iface.tcp_wsf_state = <empty>",
	"iface.tcp_wsf = 0",
	"iface.tcp_timer_scale = 0",
	"iface.tcp_timestamp = <empty>",
	"iface.redirect = <empty>",
	"iface.def_task_mgmt_timeout = 0",
	"iface.header_digest = <empty>",
	"iface.data_digest = <empty>",
	"iface.immediate_data = <empty>",
	"iface.initial_r2t = <empty>",
	"iface.data_seq_inorder = <empty>",
	"iface.data_pdu_inorder = <empty>",
	"iface.erl = 0",
	"iface.max_receive_data_len = 0",
	"iface.first_burst_len = 0",
	"iface.max_outstanding_r2t = 0",
	"iface.max_burst_len = 0",
	"iface.chap_auth = <empty>",
	"iface.bidi_chap = <empty>",
	"iface.strict_login_compliance = <empty>",
	"iface.discovery_auth = <empty>",
	"iface.discovery_logout = <empty>",
	NULL,
};

/* Compares each field of r, printed as "-o show" prints it, with ref. */
static void assert_shows_as(const struct rec *r, const char *const *ref)
{
	const struct rec_schema *s = rec_schema(rec_kind_of(r));
	size_t i;

	for (i = 0; ref[i]; i++) {
		char line[512];
		const char *v;

		assert_true(i < s->count);
		v = rec_get_at(r, i);
		snprintf(line, sizeof(line), "%s = %s", s->fields[i].name, *v ? v : "<empty>");
		assert_string_equal(line, ref[i]);
	}
	assert_int_equal(i, s->count);
}

static void node_matches_reference(void **state)
{
	struct rec *r = rec_new(REC_NODE);
	struct rec_err err;
	(void)state;
	assert_non_null(r);
	assert_int_equal(rec_set(r, "node.name", "iqn.2001-04.com.example:t1", &err), 0);
	assert_int_equal(rec_set(r, "node.conn[0].address", "127.0.0.1", &err), 0);
	assert_shows_as(r, ref_node_show);
	rec_free(r);
}

static void discovery_matches_reference(void **state)
{
	struct rec *r = rec_new(REC_DISCOVERY_ST);
	struct rec_err err;
	(void)state;
	assert_int_equal(rec_set(r, "discovery.sendtargets.address", "127.0.0.1", &err), 0);
	assert_shows_as(r, ref_discovery_show);
	rec_free(r);
}

static void iface_matches_reference(void **state)
{
	struct rec *r = rec_new(REC_IFACE);
	struct rec_err err;
	(void)state;
	assert_int_equal(rec_set(r, "iface.iscsi_ifacename", "iser", &err), 0);
	assert_int_equal(rec_set(r, "iface.transport_name", "iser", &err), 0);
	assert_shows_as(r, ref_iser_show);
	rec_free(r);
}

static void field_flags(void **state)
{
	(void)state;
	assert_true(rec_field_find(REC_NODE, "node.session.auth.password")->flags & RF_SECRET);
	assert_true(rec_field_find(REC_NODE, "node.session.auth.password_in")->flags & RF_SECRET);
	assert_true(rec_field_find(REC_DISCOVERY_ST, "discovery.sendtargets.auth.password")->flags &
		    RF_SECRET);
	assert_false(rec_field_find(REC_NODE, "node.session.auth.username")->flags & RF_SECRET);
	assert_true(rec_field_find(REC_NODE, "node.tpgt")->flags & RF_IDENTITY);
	assert_true(rec_field_find(REC_NODE, "node.conn[0].port")->flags & RF_IDENTITY);
	assert_true(rec_field_find(REC_NODE, "iface.net_ifacename")->flags & RF_IFACE);
	assert_false(rec_field_find(REC_IFACE, "iface.net_ifacename")->flags & RF_IFACE);
	assert_null(rec_field_find(REC_NODE, "node.conn[1].port"));
	assert_null(rec_field_find(REC_NODE, "NODE.NAME"));
	assert_int_equal(rec_field_index(REC_NODE, "node.name"), 0);
	assert_null(rec_field_at(REC_NODE, 100000));
	assert_null(rec_schema(REC_KIND_COUNT));
}

struct norm_case {
	enum rec_kind kind;
	const char *key, *in, *out;
};

static void values_normalised(void **state)
{
	static const struct norm_case cases[] = {
		{ REC_NODE, "node.startup", "AUTOMATIC", "automatic" },
		{ REC_NODE, "node.leading_login", "yes", "Yes" },
		{ REC_NODE, "node.session.iscsi.InitialR2T", "NO", "No" },
		{ REC_NODE, "node.session.cmds_max", "0064", "64" },
		{ REC_NODE, "node.session.xmit_thread_priority", "-5", "-5" },
		{ REC_NODE, "node.conn[0].iscsi.HeaderDigest", "crc32c, none", "CRC32C,None" },
		{ REC_NODE, "node.session.auth.chap_algs", "SHA3-256,sha256,MD5", "SHA3-256,SHA256,MD5" },
		{ REC_NODE, "node.conn[0].address", "2001:DB8:0:0::1", "2001:db8::1" },
		{ REC_NODE, "node.conn[0].address", "fe80::1%eth0", "fe80::1%eth0" },
		{ REC_NODE, "node.conn[0].iscsi.MaxXmitDataSegmentLength", "0", "0" },
		{ REC_NODE, "node.conn[0].iscsi.MaxXmitDataSegmentLength", "8192", "8192" },
		{ REC_NODE, "node.session.auth.password", "a secret with spaces", "a secret with spaces" },
		{ REC_NODE, "node.session.auth.username", "\xc3\xa9t\xc3\xa9", "\xc3\xa9t\xc3\xa9" },
		{ REC_NODE, "node.name", "iqn.2000-01.com.synology:DiskStation.Target-1",
		  "iqn.2000-01.com.synology:DiskStation.Target-1" },
		{ REC_IFACE, "iface.hwaddress", "00:1A:2b:3C:4d:5E", "00:1a:2b:3c:4d:5e" },
		{ REC_IFACE, "iface.state", "Enable", "enable" },
		{ REC_IFACE, "iface.state", "", "" },
		{ REC_IFACE, "iface.net_ifacename", "eth0.100", "eth0.100" },
		{ REC_ISCSID, "iscsid.startup", "/bin/systemctl start iscsid.socket",
		  "/bin/systemctl start iscsid.socket" },
	};
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct rec *r = rec_new(cases[i].kind);
		struct rec_err err;

		if (rec_set(r, cases[i].key, cases[i].in, &err) != 0)
			fail_msg("%s=%s: %s", cases[i].key, cases[i].in, err.msg);
		assert_string_equal(rec_get(r, cases[i].key), cases[i].out);
		rec_free(r);
	}
}

struct bad_case {
	enum rec_kind kind;
	const char *key, *value;
	enum rec_status status;
	const char *msg;            /* expected exact message, or NULL */
};

static void bad_values_refused(void **state)
{
	static char big[2000];
	static const struct bad_case cases[] = {
		{ REC_NODE, "node.session.cmds_max", "abc", REC_E_BAD_VALUE,
		  "invalid value 'abc' for node.session.cmds_max: expected an integer from 2 to 2048" },
		{ REC_NODE, "node.session.cmds_max", "99999999", REC_E_RANGE,
		  "invalid value '99999999' for node.session.cmds_max: expected an integer from 2 to 2048" },
		{ REC_NODE, "node.session.cmds_max", "99999999999999999999999", REC_E_RANGE, NULL },
		{ REC_NODE, "node.session.cmds_max", "", REC_E_BAD_VALUE, NULL },
		{ REC_NODE, "node.session.cmds_max", "+5", REC_E_BAD_VALUE, NULL },
		{ REC_NODE, "node.session.cmds_max", " 5", REC_E_BAD_VALUE, NULL },
		{ REC_NODE, "node.session.cmds_max", "0x10", REC_E_BAD_VALUE, NULL },
		{ REC_NODE, "node.startup", "bogus", REC_E_BAD_VALUE,
		  "invalid value 'bogus' for node.startup: expected one of automatic, manual, onboot" },
		{ REC_NODE, "node.session.iscsi.InitialR2T", "maybe", REC_E_BAD_VALUE,
		  "invalid value 'maybe' for node.session.iscsi.InitialR2T: expected Yes or No" },
		{ REC_NODE, "node.session.iscsi.FirstBurstLength", "1", REC_E_RANGE, NULL },
		{ REC_NODE, "node.session.iscsi.MaxBurstLength", "16777216", REC_E_RANGE, NULL },
		{ REC_NODE, "node.session.iscsi.ERL", "3", REC_E_RANGE, NULL },
		{ REC_NODE, "node.conn[0].iscsi.MaxXmitDataSegmentLength", "100", REC_E_RANGE,
		  "invalid value '100' for node.conn[0].iscsi.MaxXmitDataSegmentLength: expected 0 or an integer from 512 to 16777215" },
		{ REC_NODE, "node.conn[0].iscsi.HeaderDigest", "CRC32C,CRC32C", REC_E_BAD_VALUE, NULL },
		{ REC_NODE, "node.conn[0].iscsi.HeaderDigest", "CRC32C,", REC_E_BAD_VALUE, NULL },
		{ REC_NODE, "node.conn[0].iscsi.HeaderDigest", "", REC_E_BAD_VALUE, NULL },
		{ REC_NODE, "node.session.auth.chap_algs", "MD4", REC_E_BAD_VALUE, NULL },
		{ REC_NODE, "node.name", "iqn.2001-04.com.example/../x", REC_E_BAD_NAME, NULL },
		{ REC_NODE, "node.name", "not-a-name", REC_E_BAD_NAME, NULL },
		{ REC_NODE, "node.name", "", REC_E_BAD_NAME, NULL },
		{ REC_NODE, "node.conn[0].address", "host.example.com", REC_E_BAD_NAME, NULL },
		{ REC_NODE, "node.conn[0].address", "1.2.3", REC_E_BAD_NAME, NULL },
		{ REC_NODE, "node.conn[0].address", "fe80::1%../x", REC_E_BAD_NAME, NULL },
		{ REC_NODE, "node.session.auth.username", "a b", REC_E_BAD_VALUE, NULL },
		{ REC_NODE, "node.session.auth.username", "a\nb", REC_E_BAD_VALUE, NULL },
		{ REC_NODE, "node.session.auth.username", "a\x7f", REC_E_BAD_VALUE, NULL },
		{ REC_NODE, "node.session.auth.username", "\xc3(", REC_E_BAD_VALUE, NULL },
		{ REC_NODE, "node.session.auth.username", "\xc2\x85", REC_E_BAD_VALUE, NULL },
		{ REC_NODE, "node.session.auth.username", "\xed\xa0\x80", REC_E_BAD_VALUE, NULL },
		{ REC_NODE, "node.session.auth.password", "bad\tsecret", REC_E_BAD_VALUE,
		  "invalid value for node.session.auth.password: expected text of at most 255 bytes without control characters" },
		{ REC_NODE, "node.session.auth.password", " lead", REC_E_BAD_VALUE, NULL },
		{ REC_NODE, "node.session.auth.password", big, REC_E_TOO_LONG,
		  "value for node.session.auth.password is too long: at most 255 bytes" },
		{ REC_IFACE, "iface.iscsi_ifacename", "..", REC_E_BAD_NAME, NULL },
		{ REC_IFACE, "iface.iscsi_ifacename", "a/b", REC_E_BAD_NAME, NULL },
		{ REC_IFACE, "iface.iscsi_ifacename", "", REC_E_BAD_NAME, NULL },
		{ REC_IFACE, "iface.net_ifacename", "0123456789abcdef", REC_E_TOO_LONG, NULL },
		{ REC_IFACE, "iface.hwaddress", "00:11:22:33:44", REC_E_BAD_VALUE, NULL },
		{ REC_IFACE, "iface.hwaddress", "00:11:22:33:44:gg", REC_E_BAD_VALUE, NULL },
		{ REC_IFACE, "iface.vlan_id", "4096", REC_E_RANGE, NULL },
		{ REC_IFACE, "iface.transport_name", "udp", REC_E_BAD_VALUE, NULL },
		{ REC_NODE, "foo.bar", "1", REC_E_UNKNOWN_KEY, "unknown key 'foo.bar' for node records" },
		{ REC_NODE, "node.name\n", "x", REC_E_UNKNOWN_KEY, "unknown key 'node.name\\x0a' for node records" },
	};
	(void)state;
	memset(big, 'x', sizeof(big) - 1);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct rec *r = rec_new(cases[i].kind);
		struct rec *before = rec_dup(r);
		struct rec_err err = { 0 };

		if (rec_set(r, cases[i].key, cases[i].value, &err) != -1)
			fail_msg("case %zu: %s accepted '%s'", i, cases[i].key, cases[i].value);
		if (err.status != cases[i].status)
			fail_msg("case %zu (%s): status %d, message: %s", i, cases[i].key, err.status, err.msg);
		if (cases[i].msg)
			assert_string_equal(err.msg, cases[i].msg);
		assert_non_null(err.msg[0] ? err.msg : NULL);
		assert_null(strchr(err.msg, '\n'));
		assert_true(rec_equal(r, before));
		assert_int_equal(rec_status_exit_code(err.status),
				 cases[i].status == REC_E_UNKNOWN_KEY ? ISCSI_ERR_INVAL : ISCSI_ERR_INVAL);
		rec_free(before);
		rec_free(r);
	}
}

static void secret_never_in_messages(void **state)
{
	struct rec *r = rec_new(REC_NODE);
	struct rec_err err;
	(void)state;
	assert_int_equal(rec_set(r, "node.session.auth.password", "hunter2\x01", &err), -1);
	assert_null(strstr(err.msg, "hunter2"));
	rec_free(r);
}

static void update_refusals(void **state)
{
	struct rec *r = rec_new(REC_NODE);
	struct rec_err err;
	(void)state;
	assert_int_equal(rec_update(r, "node.tpgt", "5", &err), -1);
	assert_int_equal(err.status, REC_E_READONLY);
	assert_string_equal(err.msg, "Cannot modify node.tpgt. It is used to look up the record and cannot be changed.");
	assert_int_equal(rec_update(r, "node.name", "iqn.2001-04.com.example:zz", &err), -1);
	assert_int_equal(rec_update(r, "node.conn[0].address", "1.2.3.4", &err), -1);
	assert_int_equal(rec_update(r, "iface.iscsi_ifacename", "foo", &err), -1);
	assert_string_equal(err.msg, "Cannot modify iface.iscsi_ifacename. Use iface mode to update this value.");
	assert_int_equal(rec_update(r, "iface.net_ifacename", "eth0", &err), -1);
	assert_int_equal(err.status, REC_E_READONLY);
	assert_int_equal(rec_update(r, "foo.bar", "1", &err), -1);
	assert_string_equal(err.msg, "Cannot modify foo.bar. Invalid param name.");
	assert_int_equal(err.status, REC_E_UNKNOWN_KEY);
	assert_int_equal(rec_update(r, "node.startup", "automatic", &err), 0);
	assert_string_equal(rec_get(r, "node.startup"), "automatic");
	rec_free(r);

	r = rec_new(REC_IFACE);
	assert_int_equal(rec_update(r, "iface.net_ifacename", "eth0", &err), 0);
	assert_int_equal(rec_update(r, "iface.iscsi_ifacename", "x", &err), -1);
	rec_free(r);
}

static void typed_getters(void **state)
{
	struct rec *r = rec_new(REC_NODE);
	long long v;
	(void)state;
	assert_int_equal(rec_get_int(r, "node.tpgt", &v), 0);
	assert_int_equal(v, -1);
	assert_int_equal(rec_get_int(r, "node.session.iscsi.ImmediateData", &v), 0);
	assert_int_equal(v, 1);
	assert_int_equal(rec_get_int(r, "node.startup", &v), -1);
	assert_int_equal(rec_get_int(r, "nope", &v), -1);
	assert_null(rec_get(r, "nope"));
	assert_null(rec_get_at(r, 100000));
	rec_free(r);
}

static void bind_iface_copies_values(void **state)
{
	struct rec *node = rec_new(REC_NODE), *iface = rec_new(REC_IFACE);
	struct rec_err err;
	(void)state;
	assert_int_equal(rec_set(iface, "iface.iscsi_ifacename", "myif", &err), 0);
	assert_int_equal(rec_set(iface, "iface.net_ifacename", "eth1", &err), 0);
	assert_int_equal(rec_set(iface, "iface.transport_name", "iser", &err), 0);
	rec_node_bind_iface(node, iface);
	assert_string_equal(rec_get(node, "iface.iscsi_ifacename"), "myif");
	assert_string_equal(rec_get(node, "iface.net_ifacename"), "eth1");
	assert_string_equal(rec_get(node, "iface.transport_name"), "iser");
	/* Binding back to a default-valued iface resets the copies. */
	rec_free(iface);
	iface = rec_new(REC_IFACE);
	rec_node_bind_iface(node, iface);
	assert_string_equal(rec_get(node, "iface.net_ifacename"), "");
	assert_string_equal(rec_get(node, "iface.iscsi_ifacename"), "default");
	rec_free(iface);
	rec_free(node);
}

static void identity_checked(void **state)
{
	struct rec *r = rec_new(REC_NODE);
	struct rec_err err;
	(void)state;
	assert_int_equal(rec_check_identity(r, &err), -1);
	assert_int_equal(err.status, REC_E_BAD_NAME);
	rec_set(r, "node.name", "iqn.2001-04.com.example:t1", &err);
	assert_int_equal(rec_check_identity(r, &err), -1);
	rec_set(r, "node.conn[0].address", "10.0.0.1", &err);
	assert_int_equal(rec_check_identity(r, &err), 0);
	rec_free(r);
}

static void serialise_round_trip(void **state)
{
	struct rec *r = rec_new(REC_NODE), *back;
	struct rec_err err;
	char *buf;
	size_t len;
	(void)state;
	rec_set(r, "node.name", "iqn.2001-04.com.example:t1", &err);
	rec_set(r, "node.conn[0].address", "::1", &err);
	rec_set(r, "node.session.auth.password", "pa=ss word", &err);
	rec_set(r, "node.conn[0].iscsi.HeaderDigest", "CRC32C,None", &err);
	rec_set(r, "node.startup", "manual", &err);   /* default: not stored */
	assert_int_equal(rec_serialize(r, &buf, &len, &err), 0);
	assert_string_equal(buf, "ISCSIREC 1 node\n"
			    "node.name=iqn.2001-04.com.example:t1\n"
			    "node.session.auth.password=pa=ss word\n"
			    "node.conn[0].address=::1\n"
			    "node.conn[0].iscsi.HeaderDigest=CRC32C,None\n");
	assert_int_equal(rec_deserialize(REC_NODE, buf, len, &back, &err), 0);
	assert_true(rec_equal(r, back));
	free(buf);
	rec_free(back);

	/* Every kind, all defaults: just the header. */
	for (int k = REC_NODE; k <= REC_IFACE; k++) {
		struct rec *d = rec_new((enum rec_kind)k);

		assert_int_equal(rec_serialize(d, &buf, &len, &err), 0);
		assert_int_equal(rec_deserialize((enum rec_kind)k, buf, len, &back, &err), 0);
		assert_true(rec_equal(d, back));
		free(buf);
		rec_free(back);
		rec_free(d);
	}
	rec_free(r);
}

static void deserialise_rejects_damage(void **state)
{
	static const char *const bad[] = {
		"",
		"ISCSIREC 1 iface\n",
		"ISCSIREC 2 node\n",
		"ISCSIREC 1 node",
		"ISCSIREC 1 node\nnode.startup=manual",
		"ISCSIREC 1 node\nnode.startup\n",
		"ISCSIREC 1 node\n=manual\n",
		"ISCSIREC 1 node\nnode.bogus=1\n",
		"ISCSIREC 1 node\nnode.startup=bogus\n",
		"ISCSIREC 1 node\nnode.startup=manual\nnode.startup=automatic\n",
		"ISCSIREC 1 node\nnode.name=iqn.2001-04.com.example:a/b\n",
	};
	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct rec *r = NULL;
		struct rec_err err;

		if (rec_deserialize(REC_NODE, bad[i], strlen(bad[i]), &r, &err) != -1)
			fail_msg("accepted damaged record %zu", i);
		assert_int_equal(err.status, REC_E_CORRUPT);
		assert_null(r);
	}
}

static void describe_phrases(void **state)
{
	char buf[200];
	(void)state;
	rec_field_describe(rec_field_find(REC_NODE, "node.session.auth.chap_algs"), buf, sizeof(buf));
	assert_string_equal(buf, "a comma-separated list of MD5, SHA1, SHA256, SHA3-256");
	rec_field_describe(rec_field_find(REC_IFACE, "iface.state"), buf, sizeof(buf));
	assert_string_equal(buf, "one of enable, disable or empty");
	rec_field_describe(rec_field_find(REC_NODE, "node.name"), buf, 8);
	assert_int_equal(strlen(buf), 7);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(node_matches_reference),
		cmocka_unit_test(discovery_matches_reference),
		cmocka_unit_test(iface_matches_reference),
		cmocka_unit_test(field_flags),
		cmocka_unit_test(values_normalised),
		cmocka_unit_test(bad_values_refused),
		cmocka_unit_test(secret_never_in_messages),
		cmocka_unit_test(update_refusals),
		cmocka_unit_test(typed_getters),
		cmocka_unit_test(bind_iface_copies_values),
		cmocka_unit_test(identity_checked),
		cmocka_unit_test(serialise_round_trip),
		cmocka_unit_test(deserialise_rejects_damage),
		cmocka_unit_test(describe_phrases),
	};
	return cmocka_run_group_tests_name("records_schema", tests, NULL, NULL);
}
