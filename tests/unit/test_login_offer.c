/* login/offer.h: the offer built from a node record. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "base/exitcodes.h"
#include "login/offer.h"
#include "records/config.h"

#define INAME "iqn.2005-03.org.open-iscsi:host1"
#define TNAME "iqn.2001-04.com.example:disk1"

static struct rec *node_with(const char *const *kv)
{
	struct rec_err err;
	struct rec *n = rec_new(REC_NODE);

	assert_non_null(n);
	assert_int_equal(rec_set(n, "node.name", TNAME, &err), 0);
	for (; kv && kv[0]; kv += 2)
		assert_int_equal(rec_set(n, kv[0], kv[1], &err), 0);
	return n;
}

static void defaults_become_the_offer(void **state)
{
	struct login_config c;
	char msg[256];
	struct rec *n = node_with(NULL);

	(void)state;
	assert_int_equal(login_offer_build(n, INAME, "host one", 0x123456, &c, msg, sizeof(msg)), 0);
	assert_string_equal(c.initiator_name, INAME);
	assert_string_equal(c.initiator_alias, "host one");
	assert_string_equal(c.target_name, TNAME);
	static const uint8_t isid[6] = { 0x00, 0x02, 0x3d, 0x12, 0x34, 0x56 };
	assert_memory_equal(c.isid, isid, 6);
	assert_int_equal(c.tsih, 0);
	assert_int_equal(c.auth, LOGIN_AUTH_NONE);
	assert_int_equal(c.timeout_ms, 30000);          /* login_timeout 30 s */
	assert_int_equal(c.cmdsn, 0);
	assert_int_equal(c.neg.session_type, NEG_SESSION_NORMAL);
	assert_int_equal(c.neg.header_digest, NEG_DIGEST_NONE);
	assert_int_equal(c.neg.max_recv_dsl, 262144);
	assert_int_equal(c.neg.max_burst, 16776192);
	assert_int_equal(c.neg.first_burst, 262144);
	assert_int_equal(c.neg.max_connections, 1);
	assert_int_equal(c.neg.max_outstanding_r2t, 1);
	assert_int_equal(c.neg.time2wait, 2);
	assert_int_equal(c.neg.time2retain, 0);
	assert_int_equal(c.neg.erl, 0);
	assert_false(c.neg.initial_r2t);
	assert_true(c.neg.immediate_data);
	rec_free(n);
}

static void record_values_are_offered(void **state)
{
	static const char *const kv[] = {
		"node.conn[0].iscsi.HeaderDigest", "CRC32C,None",
		"node.conn[0].iscsi.DataDigest", "None,CRC32C",
		"node.conn[0].iscsi.MaxRecvDataSegmentLength", "65536",
		"node.session.iscsi.MaxBurstLength", "131072",
		"node.session.iscsi.FirstBurstLength", "65536",
		"node.session.iscsi.InitialR2T", "Yes",
		"node.session.iscsi.ImmediateData", "No",
		"node.session.iscsi.DefaultTime2Wait", "5",
		"node.session.iscsi.DefaultTime2Retain", "20",
		"node.session.iscsi.MaxOutstandingR2T", "8",
		"node.session.iscsi.ERL", "1",
		"node.conn[0].timeo.login_timeout", "7",
		"node.session.initial_cmdsn", "4294967295",
		"iface.initiatorname", "iqn.2005-03.org.example:from-iface",
		NULL,
	};
	struct login_config c;
	char msg[256];
	struct rec *n = node_with(kv);

	(void)state;
	assert_int_equal(login_offer_build(n, INAME, NULL, 2, &c, msg, sizeof(msg)), 0);
	assert_string_equal(c.initiator_name, "iqn.2005-03.org.example:from-iface");
	assert_string_equal(c.initiator_alias, "");
	assert_int_equal(c.isid[5], 2);
	assert_int_equal(c.neg.header_digest, NEG_DIGEST_CRC32C_NONE);
	assert_int_equal(c.neg.data_digest, NEG_DIGEST_NONE_CRC32C);
	assert_int_equal(c.neg.max_recv_dsl, 65536);
	assert_int_equal(c.neg.max_burst, 131072);
	assert_int_equal(c.neg.first_burst, 65536);
	assert_true(c.neg.initial_r2t);
	assert_false(c.neg.immediate_data);
	assert_int_equal(c.neg.time2wait, 5);
	assert_int_equal(c.neg.time2retain, 20);
	assert_int_equal(c.neg.max_outstanding_r2t, 8);
	assert_int_equal(c.neg.erl, 1);
	assert_int_equal(c.timeout_ms, 7000);
	assert_int_equal(c.cmdsn, 4294967295u);
	rec_free(n);
}

static void refusals_are_typed(void **state)
{
	struct login_config c;
	char msg[256];
	struct rec *n;

	(void)state;
	static const char *const chap[] = { "node.session.auth.authmethod", "CHAP", NULL };
	n = node_with(chap);
	/* CHAP is the driver's (auth/chap_holder.h): the offer carries none. */
	assert_int_equal(login_offer_build(n, INAME, NULL, 1, &c, msg, sizeof(msg)), 0);
	assert_int_equal(c.auth, LOGIN_AUTH_NONE);
	rec_free(n);

	static const char *const burst[] = { "node.session.iscsi.MaxBurstLength", "8192",
					     "node.session.iscsi.FirstBurstLength", "65536", NULL };
	n = node_with(burst);
	assert_int_equal(login_offer_build(n, INAME, NULL, 1, &c, msg, sizeof(msg)), ISCSI_ERR_INVAL);
	assert_non_null(strstr(msg, "FirstBurstLength = 65536 exceeds"));
	rec_free(n);

	static const char *const zero[] = { "node.conn[0].timeo.login_timeout", "0", NULL };
	n = node_with(zero);
	assert_int_equal(login_offer_build(n, INAME, NULL, 1, &c, msg, sizeof(msg)), ISCSI_ERR_INVAL);
	assert_non_null(strstr(msg, "login_timeout = 0 is out of range 1..3600"));
	rec_free(n);

	n = node_with(NULL);
	assert_int_equal(login_offer_build(n, INAME, NULL, 0x1000000, &c, msg, sizeof(msg)),
			 ISCSI_ERR_INVAL);
	assert_non_null(strstr(msg, "24 bits"));
	assert_int_equal(login_offer_build(n, "not a name", NULL, 1, &c, msg, sizeof(msg)),
			 ISCSI_ERR_INVAL);
	assert_non_null(strstr(msg, "initiator name"));
	assert_int_equal(login_offer_build(n, NULL, NULL, 1, &c, msg, sizeof(msg)), ISCSI_ERR_INVAL);
	rec_free(n);

	/* A record that is not a node. */
	n = rec_new(REC_IFACE);
	assert_int_equal(login_offer_build(n, INAME, NULL, 1, &c, msg, sizeof(msg)), ISCSI_ERR_INVAL);
	rec_free(n);
}

static void distinct_qualifiers_distinct_isids(void **state)
{
	uint8_t a[6], b[6];

	(void)state;
	login_offer_isid(1, a);
	login_offer_isid(2, b);
	assert_memory_not_equal(a, b, 6);
	assert_int_equal(a[0] & 0xc0, 0);       /* T = 00b: OUI format */
	login_offer_isid(0xffffff, a);
	static const uint8_t top[6] = { 0x00, 0x02, 0x3d, 0xff, 0xff, 0xff };
	assert_memory_equal(a, top, 6);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(defaults_become_the_offer),
		cmocka_unit_test(record_values_are_offered),
		cmocka_unit_test(refusals_are_typed),
		cmocka_unit_test(distinct_qualifiers_distinct_isids),
	};
	return cmocka_run_group_tests_name("login_offer", tests, NULL, NULL);
}
