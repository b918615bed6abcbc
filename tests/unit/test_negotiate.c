/* The login key table and the negotiation engine: every key kind, each
 * result function at its boundaries, the reserved answers, target offers,
 * keys in the wrong stage or session type, repeats, and out-of-range or
 * unoffered answers. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "proto/negotiate.h"
#include "proto/pdu.h"

#define SEC ISCSI_STAGE_SECURITY
#define OPER ISCSI_STAGE_OPERATIONAL

struct fixture {
	struct neg_state st;
	struct neg_config cfg;
	struct text_list offers, answers, auth;
};

static struct fixture fx;

static void start(enum neg_session_type type, bool leading)
{
	text_list_free(&fx.offers);
	text_list_free(&fx.answers);
	text_list_free(&fx.auth);
	text_list_init(&fx.offers);
	text_list_init(&fx.answers);
	text_list_init(&fx.auth);
	neg_config_default(&fx.cfg, type);
	fx.cfg.leading = leading;
}

static void begin(void)
{
	char msg[128];

	text_list_free(&fx.offers);
	text_list_free(&fx.answers);
	text_list_free(&fx.auth);
	text_list_init(&fx.offers);
	text_list_init(&fx.answers);
	text_list_init(&fx.auth);

	assert_int_equal(neg_config_check(&fx.cfg, msg, sizeof(msg)), 0);
	neg_init(&fx.st, &fx.cfg);
}

/* Normal leading session with our operational offers already sent. */
static void offered(void)
{
	begin();
	assert_int_equal(neg_offer_operational(&fx.st, &fx.offers), NEG_OK);
}

static enum neg_err recv(unsigned stage, const char *key, const char *value)
{
	return neg_receive_key(&fx.st, stage, key, value, &fx.answers, &fx.auth);
}

static const char *answered(const char *key)
{
	return text_list_get(&fx.answers, key);
}

static int teardown(void **state)
{
	(void)state;
	text_list_free(&fx.offers);
	text_list_free(&fx.answers);
	text_list_free(&fx.auth);
	return 0;
}

static int setup(void **state)
{
	(void)state;
	memset(&fx, 0, sizeof(fx));
	start(NEG_SESSION_NORMAL, true);
	return 0;
}

/* ---- the table ---- */

static void table_names_round_trip(void **state)
{
	(void)state;
	for (unsigned i = 0; i < NEG_KEY_COUNT; i++) {
		enum neg_key id;
		const struct neg_key_def *d = neg_key_def((enum neg_key)i);

		assert_non_null(d);
		assert_non_null(d->name);
		assert_ptr_equal(neg_key_lookup(d->name, &id), d);
		assert_int_equal(id, i);
		assert_true(d->max_len >= 1);
	}
	assert_null(neg_key_lookup("headerdigest", NULL));     /* case-sensitive */
	assert_null(neg_key_def(NEG_KEY_COUNT));
}

static void table_rfc_defaults_and_ranges(void **state)
{
	const struct neg_key_def *d;
	(void)state;

	d = neg_key_def(NEG_MAX_BURST);
	assert_int_equal(d->def, 262144);
	assert_int_equal(d->min, 512);
	assert_int_equal(d->max, 16777215);
	assert_int_equal(d->fn, NEG_FN_MIN);
	d = neg_key_def(NEG_FIRST_BURST);
	assert_int_equal(d->def, 65536);
	d = neg_key_def(NEG_TIME2WAIT);
	assert_int_equal(d->fn, NEG_FN_MAX);
	assert_int_equal(d->def, 2);
	assert_int_equal(d->max, 3600);
	d = neg_key_def(NEG_TIME2RETAIN);
	assert_int_equal(d->def, 20);
	d = neg_key_def(NEG_INITIAL_R2T);
	assert_int_equal(d->fn, NEG_FN_OR);
	assert_int_equal(d->def, 1);
	d = neg_key_def(NEG_IMMEDIATE_DATA);
	assert_int_equal(d->fn, NEG_FN_AND);
	d = neg_key_def(NEG_ERL);
	assert_int_equal(d->max, 2);
	d = neg_key_def(NEG_MAX_RECV_DSL);
	assert_int_equal(d->kind, NEG_KIND_DECL_NUMBER);
	assert_int_equal(d->def, 8192);
	assert_false(d->use & NEG_SCOPE_SESSION);      /* connection-only */
	d = neg_key_def(NEG_HEADER_DIGEST);
	assert_string_equal(d->def_text, "None");
	d = neg_key_def(NEG_AUTH_METHOD);
	assert_true(d->use & NEG_USE_SECURITY);
	d = neg_key_def(NEG_SEND_TARGETS);
	assert_true(d->use & NEG_USE_FFP_ONLY);
	d = neg_key_def(NEG_CHAP_C);
	assert_int_equal(d->max_len, TEXT_LARGE_VALUE_MAX);
	d = neg_key_def(NEG_INITIATOR_NAME);
	assert_int_equal(d->max_len, 223);
	assert_string_equal(neg_strerror(NEG_ERR_REPEATED), "key negotiated twice");
	assert_string_equal(neg_strerror(NEG_ERR_COUNT), "unknown negotiation error");
}

static void config_checks(void **state)
{
	char msg[128];
	(void)state;

	neg_config_default(&fx.cfg, NEG_SESSION_NORMAL);
	assert_int_equal(neg_config_check(&fx.cfg, msg, sizeof(msg)), 0);
	fx.cfg.max_recv_dsl = 511;
	assert_int_equal(neg_config_check(&fx.cfg, msg, sizeof(msg)), -1);
	assert_string_equal(msg, "MaxRecvDataSegmentLength=511 is outside 512..16777215");
	neg_config_default(&fx.cfg, NEG_SESSION_NORMAL);
	fx.cfg.first_burst = 1048576;
	fx.cfg.max_burst = 65536;
	assert_int_equal(neg_config_check(&fx.cfg, msg, sizeof(msg)), -1);
	assert_string_equal(msg, "FirstBurstLength=1048576 exceeds MaxBurstLength=65536");
	neg_config_default(&fx.cfg, NEG_SESSION_NORMAL);
	fx.cfg.erl = 3;
	assert_int_equal(neg_config_check(&fx.cfg, msg, sizeof(msg)), -1);
}

/* ---- our offers ---- */

static void offers_normal_leading(void **state)
{
	(void)state;
	fx.cfg.header_digest = NEG_DIGEST_CRC32C_NONE;
	offered();
	assert_string_equal(text_list_get(&fx.offers, "HeaderDigest"), "CRC32C,None");
	assert_string_equal(text_list_get(&fx.offers, "DataDigest"), "None");
	assert_string_equal(text_list_get(&fx.offers, "MaxRecvDataSegmentLength"), "262144");
	assert_string_equal(text_list_get(&fx.offers, "MaxBurstLength"), "16776192");
	assert_string_equal(text_list_get(&fx.offers, "FirstBurstLength"), "262144");
	assert_string_equal(text_list_get(&fx.offers, "InitialR2T"), "No");
	assert_string_equal(text_list_get(&fx.offers, "ImmediateData"), "Yes");
	assert_string_equal(text_list_get(&fx.offers, "MaxConnections"), "1");
	assert_string_equal(text_list_get(&fx.offers, "DefaultTime2Wait"), "2");
	assert_string_equal(text_list_get(&fx.offers, "DefaultTime2Retain"), "0");
	assert_string_equal(text_list_get(&fx.offers, "MaxOutstandingR2T"), "1");
	assert_string_equal(text_list_get(&fx.offers, "DataPDUInOrder"), "Yes");
	assert_string_equal(text_list_get(&fx.offers, "DataSequenceInOrder"), "Yes");
	assert_string_equal(text_list_get(&fx.offers, "ErrorRecoveryLevel"), "0");
	/* Never offered: security keys, declaratives, obsolete markers, and
	 * RFC 7143 additions unless configured. */
	assert_null(text_list_get(&fx.offers, "AuthMethod"));
	assert_null(text_list_get(&fx.offers, "IFMarker"));
	assert_null(text_list_get(&fx.offers, "TaskReporting"));
	assert_null(text_list_get(&fx.offers, "SendTargets"));
	assert_int_equal(fx.offers.count, 14);
	assert_int_equal(fx.st.params.max_recv_dsl, 262144);
}

static void offers_non_leading_and_discovery(void **state)
{
	(void)state;
	start(NEG_SESSION_NORMAL, false);
	offered();
	assert_int_equal(fx.offers.count, 3);
	assert_non_null(text_list_get(&fx.offers, "HeaderDigest"));
	assert_non_null(text_list_get(&fx.offers, "DataDigest"));
	assert_non_null(text_list_get(&fx.offers, "MaxRecvDataSegmentLength"));

	start(NEG_SESSION_DISCOVERY, true);
	offered();
	assert_int_equal(fx.offers.count, 6);
	assert_string_equal(text_list_get(&fx.offers, "MaxRecvDataSegmentLength"), "32768");
	assert_non_null(text_list_get(&fx.offers, "DefaultTime2Wait"));
	assert_non_null(text_list_get(&fx.offers, "DefaultTime2Retain"));
	assert_non_null(text_list_get(&fx.offers, "ErrorRecoveryLevel"));
	assert_null(text_list_get(&fx.offers, "MaxBurstLength"));
	assert_null(text_list_get(&fx.offers, "MaxConnections"));
	assert_null(text_list_get(&fx.offers, "ImmediateData"));
}

static void task_reporting_additions(void **state)
{
	(void)state;
	/* Never offered; an RFC 3720 target's NotUnderstood is therefore
	 * unsolicited. Offered by the target: only RFC3720 is accepted. */
	begin();
	assert_int_equal(recv(OPER, "TaskReporting", "NotUnderstood"), NEG_ERR_UNSOLICITED);
	begin();
	assert_int_equal(recv(OPER, "TaskReporting", "ResponseFence"), NEG_OK);
	assert_string_equal(answered("TaskReporting"), "Reject");
	/* An RFC 7143 addition we sent may come back NotUnderstood. */
	begin();
	assert_int_equal(neg_send_key(&fx.st, NEG_TASK_REPORTING, "RFC3720", &fx.offers), NEG_OK);
	assert_int_equal(recv(OPER, "TaskReporting", "NotUnderstood"), NEG_OK);
	assert_int_equal(neg_stage_end(&fx.st, OPER), NEG_OK);
}

static void send_key_refuses_bad_values(void **state)
{
	(void)state;
	begin();
	assert_int_equal(neg_send_key(&fx.st, NEG_AUTH_METHOD, "KRB5", &fx.offers), NEG_ERR_BUILD);
	assert_int_equal(neg_send_key(&fx.st, NEG_MAX_BURST, "100", &fx.offers), NEG_ERR_BUILD);
	assert_int_equal(neg_send_key(&fx.st, NEG_INITIAL_R2T, "yes", &fx.offers), NEG_ERR_BUILD);
	assert_int_equal(neg_send_key(&fx.st, NEG_SESSION_TYPE, "Other", &fx.offers), NEG_ERR_BUILD);
	assert_int_equal(neg_send_key(&fx.st, NEG_TARGET_ALIAS, "x", &fx.offers), NEG_ERR_BUILD);
	assert_int_equal(neg_send_key(&fx.st, NEG_SEND_TARGETS, "All", &fx.offers), NEG_ERR_BUILD);
	assert_int_equal(fx.offers.count, 0);
	assert_int_equal(neg_send_key(&fx.st, NEG_AUTH_METHOD, "CHAP,None", &fx.offers), NEG_OK);
	assert_int_equal(neg_send_key(&fx.st, NEG_SESSION_TYPE, "Discovery", &fx.offers), NEG_OK);
	assert_int_equal(fx.offers.count, 2);
}

/* ---- answers to our offers: each result function ---- */

static void bool_and_result(void **state)
{
	(void)state;
	offered();                      /* ImmediateData=Yes */
	assert_int_equal(recv(OPER, "ImmediateData", "No"), NEG_OK);
	assert_false(fx.st.params.immediate_data);

	start(NEG_SESSION_NORMAL, true);
	fx.cfg.immediate_data = false;
	offered();
	assert_int_equal(recv(OPER, "ImmediateData", "Yes"), NEG_ERR_NOT_OFFERED);
	assert_string_equal(fx.st.msg,
			    "target answered ImmediateData=Yes, not admissible for our offer 0");

	/* Our No decides the result: the answer is optional. */
	start(NEG_SESSION_NORMAL, true);
	fx.cfg.immediate_data = false;
	offered();
	assert_true(fx.st.params.immediate_data);       /* RFC default until the end */
	assert_int_equal(recv(OPER, "InitialR2T", "Yes"), NEG_OK);
	assert_int_equal(recv(OPER, "MaxBurstLength", "262144"), NEG_OK);
	assert_int_equal(recv(OPER, "FirstBurstLength", "65536"), NEG_OK);
	assert_int_equal(recv(OPER, "MaxConnections", "1"), NEG_OK);
	assert_int_equal(recv(OPER, "DefaultTime2Wait", "2"), NEG_OK);
	assert_int_equal(recv(OPER, "DefaultTime2Retain", "0"), NEG_OK);
	assert_int_equal(recv(OPER, "MaxOutstandingR2T", "1"), NEG_OK);
	assert_int_equal(recv(OPER, "ErrorRecoveryLevel", "0"), NEG_OK);
	assert_int_equal(recv(OPER, "HeaderDigest", "None"), NEG_OK);
	assert_int_equal(recv(OPER, "DataDigest", "None"), NEG_OK);
	/* DataPDUInOrder=Yes and DataSequenceInOrder=Yes (OR) need no answer either. */
	assert_int_equal(neg_stage_end(&fx.st, OPER), NEG_OK);
	assert_false(fx.st.params.immediate_data);
	assert_true(fx.st.params.initial_r2t);
	assert_true(fx.st.params.data_pdu_in_order);
	assert_int_equal(neg_finish(&fx.st), NEG_OK);
}

static void bool_or_result(void **state)
{
	(void)state;
	offered();                      /* InitialR2T=No */
	assert_int_equal(recv(OPER, "InitialR2T", "Yes"), NEG_OK);
	assert_true(fx.st.params.initial_r2t);

	start(NEG_SESSION_NORMAL, true);
	offered();
	assert_int_equal(recv(OPER, "InitialR2T", "No"), NEG_OK);
	assert_false(fx.st.params.initial_r2t);

	start(NEG_SESSION_NORMAL, true);
	offered();                      /* DataPDUInOrder=Yes forces Yes */
	assert_int_equal(recv(OPER, "DataPDUInOrder", "No"), NEG_ERR_NOT_OFFERED);

	start(NEG_SESSION_NORMAL, true);
	offered();
	assert_int_equal(recv(OPER, "InitialR2T", "yes"), NEG_ERR_SYNTAX);
}

static void number_min_result(void **state)
{
	(void)state;
	offered();                      /* MaxBurstLength=16776192 */
	assert_int_equal(recv(OPER, "MaxBurstLength", "65536"), NEG_OK);
	assert_int_equal(fx.st.params.max_burst, 65536);

	start(NEG_SESSION_NORMAL, true);
	offered();
	assert_int_equal(recv(OPER, "MaxBurstLength", "512"), NEG_OK);     /* lowest legal */
	assert_int_equal(fx.st.params.max_burst, 512);

	start(NEG_SESSION_NORMAL, true);
	offered();
	assert_int_equal(recv(OPER, "MaxBurstLength", "511"), NEG_ERR_RANGE);
	assert_string_equal(fx.st.msg, "target answered MaxBurstLength=511, outside 512..16777215");

	start(NEG_SESSION_NORMAL, true);
	offered();
	assert_int_equal(recv(OPER, "MaxBurstLength", "16776192"), NEG_OK);  /* our offer */

	start(NEG_SESSION_NORMAL, true);
	offered();
	assert_int_equal(recv(OPER, "MaxBurstLength", "16776193"), NEG_ERR_NOT_OFFERED);

	start(NEG_SESSION_NORMAL, true);
	offered();
	assert_int_equal(recv(OPER, "MaxBurstLength", "16777216"), NEG_ERR_RANGE);

	start(NEG_SESSION_NORMAL, true);
	offered();
	assert_int_equal(recv(OPER, "MaxBurstLength", "0x10000"), NEG_OK);  /* hex-constant */
	assert_int_equal(fx.st.params.max_burst, 65536);

	start(NEG_SESSION_NORMAL, true);
	offered();
	assert_int_equal(recv(OPER, "MaxBurstLength", "64k"), NEG_ERR_SYNTAX);

	start(NEG_SESSION_NORMAL, true);
	offered();                      /* ErrorRecoveryLevel=0: 1 is above */
	assert_int_equal(recv(OPER, "ErrorRecoveryLevel", "1"), NEG_ERR_NOT_OFFERED);
	start(NEG_SESSION_NORMAL, true);
	offered();
	assert_int_equal(recv(OPER, "ErrorRecoveryLevel", "3"), NEG_ERR_RANGE);

	start(NEG_SESSION_NORMAL, true);
	offered();
	assert_int_equal(recv(OPER, "MaxConnections", "0"), NEG_ERR_RANGE);
}

static void number_max_result(void **state)
{
	(void)state;
	offered();                      /* DefaultTime2Wait=2 */
	assert_int_equal(recv(OPER, "DefaultTime2Wait", "3600"), NEG_OK);
	assert_int_equal(fx.st.params.time2wait, 3600);

	start(NEG_SESSION_NORMAL, true);
	offered();
	assert_int_equal(recv(OPER, "DefaultTime2Wait", "1"), NEG_ERR_NOT_OFFERED);

	start(NEG_SESSION_NORMAL, true);
	offered();
	assert_int_equal(recv(OPER, "DefaultTime2Wait", "3601"), NEG_ERR_RANGE);

	start(NEG_SESSION_NORMAL, true);
	offered();
	assert_int_equal(recv(OPER, "DefaultTime2Wait", "2"), NEG_OK);
	assert_int_equal(fx.st.params.time2wait, 2);
}

static void list_choice_result(void **state)
{
	(void)state;
	fx.cfg.header_digest = NEG_DIGEST_CRC32C_NONE;
	fx.cfg.data_digest = NEG_DIGEST_NONE_CRC32C;
	offered();
	assert_int_equal(recv(OPER, "HeaderDigest", "CRC32C"), NEG_OK);
	assert_int_equal(recv(OPER, "DataDigest", "CRC32C"), NEG_OK);
	assert_true(fx.st.params.header_digest);
	assert_true(fx.st.params.data_digest);

	start(NEG_SESSION_NORMAL, true);
	fx.cfg.header_digest = NEG_DIGEST_CRC32C_NONE;
	offered();
	assert_int_equal(recv(OPER, "HeaderDigest", "None"), NEG_OK);
	assert_false(fx.st.params.header_digest);

	/* A list is not an answer; nor is a value we did not offer. */
	start(NEG_SESSION_NORMAL, true);
	fx.cfg.header_digest = NEG_DIGEST_CRC32C_NONE;
	offered();
	assert_int_equal(recv(OPER, "HeaderDigest", "CRC32C,None"), NEG_ERR_NOT_OFFERED);

	start(NEG_SESSION_NORMAL, true);
	offered();                      /* None only */
	assert_int_equal(recv(OPER, "HeaderDigest", "CRC32C"), NEG_ERR_NOT_OFFERED);
	assert_string_equal(fx.st.msg, "target chose HeaderDigest=CRC32C, not among 'None'");

	start(NEG_SESSION_NORMAL, true);
	fx.cfg.header_digest = NEG_DIGEST_CRC32C;
	offered();
	assert_int_equal(recv(OPER, "HeaderDigest", "None"), NEG_ERR_NOT_OFFERED);

	start(NEG_SESSION_NORMAL, true);
	offered();
	assert_int_equal(recv(OPER, "HeaderDigest", "None,,"), NEG_ERR_SYNTAX);
}

static void auth_method_and_chap_a(void **state)
{
	(void)state;
	begin();
	assert_int_equal(neg_send_key(&fx.st, NEG_AUTH_METHOD, "CHAP,None", &fx.offers), NEG_OK);
	assert_int_equal(recv(SEC, "AuthMethod", "CHAP"), NEG_OK);
	assert_int_equal(fx.st.params.auth_method, NEG_AUTH_CHAP);
	assert_int_equal(neg_send_key(&fx.st, NEG_CHAP_A, "7,5", &fx.offers), NEG_OK);
	assert_int_equal(recv(SEC, "CHAP_A", "7"), NEG_OK);
	assert_int_equal(fx.st.params.chap_alg, 7);
	assert_int_equal(recv(SEC, "CHAP_I", "1"), NEG_OK);
	assert_int_equal(recv(SEC, "CHAP_C", "0x0102030405060708090a0b0c0d0e0f10"), NEG_OK);
	assert_int_equal(fx.auth.count, 2);
	assert_string_equal(text_list_get(&fx.auth, "CHAP_I"), "1");
	assert_int_equal(fx.answers.count, 0);

	begin();
	assert_int_equal(neg_send_key(&fx.st, NEG_AUTH_METHOD, "CHAP,None", &fx.offers), NEG_OK);
	assert_int_equal(recv(SEC, "AuthMethod", "KRB5"), NEG_ERR_NOT_OFFERED);

	begin();
	assert_int_equal(neg_send_key(&fx.st, NEG_AUTH_METHOD, "None", &fx.offers), NEG_OK);
	assert_int_equal(recv(SEC, "AuthMethod", "CHAP"), NEG_ERR_NOT_OFFERED);

	begin();
	assert_int_equal(neg_send_key(&fx.st, NEG_CHAP_A, "5", &fx.offers), NEG_OK);
	assert_int_equal(recv(SEC, "CHAP_A", "6"), NEG_ERR_NOT_OFFERED);

	/* The target may not start these itself. */
	begin();
	assert_int_equal(recv(SEC, "AuthMethod", "None"), NEG_ERR_UNSOLICITED);
	begin();
	assert_int_equal(recv(SEC, "CHAP_A", "5"), NEG_ERR_UNSOLICITED);
}

/* ---- declarations ---- */

static void target_declarations(void **state)
{
	(void)state;
	offered();
	assert_int_equal(recv(OPER, "MaxRecvDataSegmentLength", "65536"), NEG_OK);
	assert_int_equal(fx.st.params.max_xmit_dsl, 65536);
	assert_int_equal(fx.st.params.max_recv_dsl, 262144);
	assert_int_equal(recv(OPER, "TargetPortalGroupTag", "65535"), NEG_OK);
	assert_int_equal(fx.st.params.tpgt, 65535);
	assert_int_equal(recv(OPER, "TargetAlias", "disk one"), NEG_OK);
	assert_string_equal(fx.st.params.target_alias, "disk one");
	assert_int_equal(recv(OPER, "TargetAddress", "[fe80::1]:3261,2"), NEG_OK);
	assert_int_equal(fx.answers.count, 0);         /* declarations are not answered */

	begin();
	assert_int_equal(fx.st.params.max_xmit_dsl, 8192);  /* RFC default before */
	assert_int_equal(fx.st.params.tpgt, -1);
	assert_int_equal(recv(SEC, "MaxRecvDataSegmentLength", "512"), NEG_ERR_STAGE);
	begin();
	assert_int_equal(recv(OPER, "MaxRecvDataSegmentLength", "511"), NEG_ERR_RANGE);
	begin();
	assert_int_equal(recv(OPER, "MaxRecvDataSegmentLength", "16777216"), NEG_ERR_RANGE);
	begin();
	assert_int_equal(recv(OPER, "MaxRecvDataSegmentLength", "512"), NEG_OK);
	begin();
	assert_int_equal(recv(SEC, "TargetPortalGroupTag", "65536"), NEG_ERR_RANGE);
	begin();
	assert_int_equal(recv(SEC, "TargetAlias", "bad\x01" "alias"), NEG_ERR_SYNTAX);
	begin();
	assert_int_equal(recv(SEC, "TargetAddress", "10.0.0.1:99999"), NEG_ERR_SYNTAX);
}

static void value_length_limit(void **state)
{
	char alias[300];
	(void)state;

	memset(alias, 'a', sizeof(alias) - 1);
	alias[sizeof(alias) - 1] = '\0';
	begin();
	assert_int_equal(recv(SEC, "TargetAlias", alias), NEG_ERR_TOO_LONG);
	alias[255] = '\0';
	begin();
	assert_int_equal(recv(SEC, "TargetAlias", alias), NEG_OK);
}

/* ---- reserved answers ---- */

static void not_understood(void **state)
{
	(void)state;
	offered();
	assert_int_equal(recv(OPER, "MaxBurstLength", "NotUnderstood"), NEG_ERR_NOT_UNDERSTOOD);
	assert_string_equal(fx.st.msg,
			    "target answered MaxBurstLength=NotUnderstood for a mandatory key");
}

static void irrelevant_keeps_default(void **state)
{
	(void)state;
	offered();
	assert_int_equal(recv(OPER, "FirstBurstLength", "Irrelevant"), NEG_OK);
	assert_int_equal(fx.st.params.first_burst, 65536);
	assert_int_equal(recv(OPER, "MaxConnections", "Irrelevant"), NEG_OK);
	assert_int_equal(fx.st.params.max_connections, 1);
}

static void reject_rules(void **state)
{
	(void)state;
	/* Default 262144 is within our offer 16776192: accepted. */
	offered();
	assert_int_equal(recv(OPER, "MaxBurstLength", "Reject"), NEG_OK);
	assert_int_equal(fx.st.params.max_burst, 262144);

	/* Default 262144 is above our offer 65536: fatal. */
	start(NEG_SESSION_NORMAL, true);
	fx.cfg.max_burst = 65536;
	fx.cfg.first_burst = 65536;
	offered();
	assert_int_equal(recv(OPER, "MaxBurstLength", "Reject"), NEG_ERR_REJECTED);

	/* Default None was offered: accepted; not offered: fatal. */
	start(NEG_SESSION_NORMAL, true);
	fx.cfg.header_digest = NEG_DIGEST_CRC32C_NONE;
	offered();
	assert_int_equal(recv(OPER, "HeaderDigest", "Reject"), NEG_OK);
	assert_false(fx.st.params.header_digest);
	start(NEG_SESSION_NORMAL, true);
	fx.cfg.header_digest = NEG_DIGEST_CRC32C;
	offered();
	assert_int_equal(recv(OPER, "HeaderDigest", "Reject"), NEG_ERR_REJECTED);

	/* Boolean: our ImmediateData=No cannot become the default Yes. */
	start(NEG_SESSION_NORMAL, true);
	fx.cfg.immediate_data = false;
	offered();
	assert_int_equal(recv(OPER, "ImmediateData", "Reject"), NEG_ERR_REJECTED);
	start(NEG_SESSION_NORMAL, true);
	offered();
	assert_int_equal(recv(OPER, "ImmediateData", "Reject"), NEG_OK);

	/* Our declaration of MaxRecvDataSegmentLength above 8192: the default
	 * is within what we can take. Below 8192 it is not. */
	start(NEG_SESSION_NORMAL, true);
	offered();
	assert_int_equal(recv(OPER, "MaxRecvDataSegmentLength", "Reject"), NEG_OK);
	assert_int_equal(fx.st.params.max_recv_dsl, 8192);
	start(NEG_SESSION_NORMAL, true);
	fx.cfg.max_recv_dsl = 4096;
	offered();
	assert_int_equal(recv(OPER, "MaxRecvDataSegmentLength", "Reject"), NEG_ERR_REJECTED);

	/* Always fatal: AuthMethod, and declarations the login needs. */
	begin();
	assert_int_equal(neg_send_key(&fx.st, NEG_AUTH_METHOD, "None", &fx.offers), NEG_OK);
	assert_int_equal(recv(SEC, "AuthMethod", "Reject"), NEG_ERR_REJECTED);
	begin();
	assert_int_equal(neg_send_key(&fx.st, NEG_SESSION_TYPE, "Discovery", &fx.offers), NEG_OK);
	assert_int_equal(recv(SEC, "SessionType", "Reject"), NEG_ERR_REJECTED);
	begin();
	assert_int_equal(neg_send_key(&fx.st, NEG_INITIATOR_ALIAS, "host1", &fx.offers), NEG_OK);
	assert_int_equal(recv(SEC, "InitiatorAlias", "Reject"), NEG_OK);

	/* A reserved answer to something we never sent. */
	begin();
	assert_int_equal(recv(OPER, "MaxBurstLength", "Reject"), NEG_ERR_UNSOLICITED);
	begin();
	assert_int_equal(recv(OPER, "X-com.example.Thing", "Irrelevant"), NEG_ERR_UNSOLICITED);
}

/* ---- the target's own offers ---- */

static void target_offers_answered(void **state)
{
	(void)state;
	begin();                        /* nothing offered yet */
	assert_int_equal(recv(OPER, "MaxBurstLength", "1048576"), NEG_OK);
	assert_string_equal(answered("MaxBurstLength"), "1048576");
	assert_int_equal(fx.st.params.max_burst, 1048576);
	assert_int_equal(recv(OPER, "FirstBurstLength", "1048576"), NEG_OK);
	assert_string_equal(answered("FirstBurstLength"), "262144");   /* Min */
	assert_int_equal(recv(OPER, "DefaultTime2Wait", "0"), NEG_OK);
	assert_string_equal(answered("DefaultTime2Wait"), "2");        /* Max */
	/* AND with No and OR with Yes decide the result: no answer. */
	assert_int_equal(recv(OPER, "ImmediateData", "No"), NEG_OK);
	assert_null(answered("ImmediateData"));
	assert_false(fx.st.params.immediate_data);
	assert_int_equal(recv(OPER, "InitialR2T", "Yes"), NEG_OK);
	assert_null(answered("InitialR2T"));
	assert_true(fx.st.params.initial_r2t);
	assert_int_equal(recv(OPER, "DataSequenceInOrder", "No"), NEG_OK);
	assert_string_equal(answered("DataSequenceInOrder"), "Yes");   /* OR, ours Yes */
	assert_int_equal(recv(OPER, "DataPDUInOrder", "No"), NEG_OK);
	assert_string_equal(answered("DataPDUInOrder"), "Yes");        /* OR, ours Yes */
	assert_int_equal(recv(OPER, "HeaderDigest", "CRC32C,None"), NEG_OK);
	assert_string_equal(answered("HeaderDigest"), "None");
	assert_int_equal(recv(OPER, "DataDigest", "CRC32C"), NEG_OK);
	assert_string_equal(answered("DataDigest"), "Reject");
	assert_int_equal(recv(OPER, "MaxConnections", "70000"), NEG_OK);
	assert_string_equal(answered("MaxConnections"), "Reject");     /* out of range */
	assert_int_equal(fx.st.params.max_connections, 1);
	assert_int_equal(recv(OPER, "TaskReporting", "FastAbort,RFC3720"), NEG_OK);
	assert_string_equal(answered("TaskReporting"), "RFC3720");
	assert_int_equal(recv(OPER, "MaxOutstandingR2T", "x"), NEG_ERR_SYNTAX);
	/* Our offers then are not re-made for keys the target raised. */
	assert_int_equal(neg_offer_operational(&fx.st, &fx.offers), NEG_OK);
	assert_null(text_list_get(&fx.offers, "MaxBurstLength"));
	assert_non_null(text_list_get(&fx.offers, "ErrorRecoveryLevel"));
}

static void target_offer_digest_preference(void **state)
{
	(void)state;
	fx.cfg.header_digest = NEG_DIGEST_NONE_CRC32C;
	begin();
	/* The originator's order wins among values we accept. */
	assert_int_equal(recv(OPER, "HeaderDigest", "CRC32C,None"), NEG_OK);
	assert_string_equal(answered("HeaderDigest"), "CRC32C");
	assert_true(fx.st.params.header_digest);
	assert_int_equal(recv(OPER, "DataDigest", "MD5,None"), NEG_OK);
	assert_string_equal(answered("DataDigest"), "None");
}

static void obsolete_markers(void **state)
{
	(void)state;
	begin();
	assert_int_equal(recv(OPER, "OFMarker", "Yes"), NEG_OK);
	assert_string_equal(answered("OFMarker"), "No");
	assert_int_equal(recv(OPER, "IFMarkInt", "2048~8192"), NEG_OK);
	assert_string_equal(answered("IFMarkInt"), "Irrelevant");
}

static void unknown_key_not_understood(void **state)
{
	(void)state;
	begin();
	assert_int_equal(recv(OPER, "X-com.example.Foo", "bar"), NEG_OK);
	assert_string_equal(answered("X-com.example.Foo"), "NotUnderstood");
	assert_int_equal(recv(SEC, "X#NewKey", "1"), NEG_OK);
	assert_string_equal(answered("X#NewKey"), "NotUnderstood");
}

/* ---- illegal keys ---- */

static void illegal_keys(void **state)
{
	(void)state;
	begin();
	assert_int_equal(recv(OPER, "SendTargets", "All"), NEG_ERR_FFP_ONLY);
	begin();
	assert_int_equal(recv(SEC, "InitiatorName", "iqn.2001-04.com.example:x"), NEG_ERR_SENDER);
	begin();
	assert_int_equal(recv(SEC, "TargetName", "iqn.2001-04.com.example:x"), NEG_ERR_SENDER);
	begin();
	assert_int_equal(recv(SEC, "SessionType", "Normal"), NEG_ERR_SENDER);
	begin();
	assert_int_equal(recv(SEC, "MaxBurstLength", "65536"), NEG_ERR_STAGE);
	assert_string_equal(fx.st.msg, "target sent MaxBurstLength in the security stage");
	begin();
	assert_int_equal(recv(SEC, "HeaderDigest", "None"), NEG_ERR_STAGE);
	begin();
	assert_int_equal(recv(OPER, "CHAP_C", "0x00"), NEG_ERR_STAGE);
	begin();
	assert_int_equal(recv(OPER, "AuthMethod", "None"), NEG_ERR_STAGE);
	begin();
	assert_int_equal(recv(ISCSI_STAGE_FULL_FEATURE, "TargetAlias", "x"), NEG_ERR_STAGE);
	/* Any-Stage declarations are fine in both stages. */
	begin();
	assert_int_equal(recv(SEC, "TargetPortalGroupTag", "1"), NEG_OK);
	begin();
	assert_int_equal(recv(OPER, "TargetPortalGroupTag", "1"), NEG_OK);

	start(NEG_SESSION_NORMAL, false);
	begin();
	assert_int_equal(recv(OPER, "MaxConnections", "4"), NEG_ERR_LEADING_ONLY);
	begin();
	assert_int_equal(recv(OPER, "MaxRecvDataSegmentLength", "8192"), NEG_OK);  /* CO */
}

static void discovery_irrelevant_keys(void **state)
{
	(void)state;
	start(NEG_SESSION_DISCOVERY, true);
	offered();
	assert_int_equal(recv(OPER, "MaxBurstLength", "65536"), NEG_OK);
	assert_string_equal(answered("MaxBurstLength"), "Irrelevant");
	assert_int_equal(recv(OPER, "ImmediateData", "No"), NEG_OK);
	assert_string_equal(answered("ImmediateData"), "Irrelevant");
	assert_int_equal(fx.st.params.max_burst, 262144);
	assert_int_equal(recv(OPER, "ErrorRecoveryLevel", "0"), NEG_OK);   /* relevant */
	assert_null(answered("ErrorRecoveryLevel"));
}

static void repeated_keys(void **state)
{
	(void)state;
	offered();
	assert_int_equal(recv(OPER, "MaxBurstLength", "65536"), NEG_OK);
	assert_int_equal(recv(OPER, "MaxBurstLength", "65536"), NEG_ERR_REPEATED);
	begin();
	assert_int_equal(recv(SEC, "TargetAlias", "a"), NEG_OK);
	assert_int_equal(recv(OPER, "TargetAlias", "a"), NEG_OK);      /* identical */
	assert_int_equal(recv(OPER, "TargetAlias", "b"), NEG_ERR_REPEATED);
	begin();
	assert_int_equal(recv(SEC, "TargetPortalGroupTag", "3"), NEG_OK);
	assert_int_equal(recv(OPER, "TargetPortalGroupTag", "0x3"), NEG_OK);
	assert_int_equal(recv(OPER, "TargetPortalGroupTag", "4"), NEG_ERR_REPEATED);
	begin();
	assert_int_equal(recv(OPER, "MaxRecvDataSegmentLength", "8192"), NEG_OK);
	assert_int_equal(recv(OPER, "MaxRecvDataSegmentLength", "8192"), NEG_ERR_REPEATED);
	begin();
	assert_int_equal(recv(OPER, "ErrorRecoveryLevel", "0"), NEG_OK);      /* target offer */
	assert_int_equal(recv(OPER, "ErrorRecoveryLevel", "0"), NEG_ERR_REPEATED);
}

/* ---- stage end and result ---- */

static void unanswered_offer(void **state)
{
	(void)state;
	offered();
	assert_int_equal(recv(OPER, "HeaderDigest", "None"), NEG_OK);
	assert_int_equal(neg_stage_end(&fx.st, OPER), NEG_ERR_UNANSWERED);
	assert_string_equal(fx.st.msg, "target ended the stage without answering DataDigest");
}

static void first_burst_consistency(void **state)
{
	(void)state;
	offered();
	assert_int_equal(recv(OPER, "MaxBurstLength", "65536"), NEG_OK);
	assert_int_equal(recv(OPER, "FirstBurstLength", "262144"), NEG_OK);
	assert_int_equal(neg_finish(&fx.st), NEG_ERR_INCONSISTENT);
	assert_string_equal(fx.st.msg, "FirstBurstLength=262144 exceeds MaxBurstLength=65536");

	/* With InitialR2T=Yes and ImmediateData=No, FirstBurstLength is unused. */
	start(NEG_SESSION_NORMAL, true);
	offered();
	assert_int_equal(recv(OPER, "MaxBurstLength", "65536"), NEG_OK);
	assert_int_equal(recv(OPER, "FirstBurstLength", "262144"), NEG_OK);
	assert_int_equal(recv(OPER, "InitialR2T", "Yes"), NEG_OK);
	assert_int_equal(recv(OPER, "ImmediateData", "No"), NEG_OK);
	assert_int_equal(neg_finish(&fx.st), NEG_OK);
	assert_int_equal(fx.st.params.first_burst, 65536);
}

static void whole_list_receive(void **state)
{
	struct text_list in;
	(void)state;

	offered();
	text_list_init(&in);
	assert_int_equal(text_list_add(&in, "TargetAlias", "t1"), TEXT_OK);
	assert_int_equal(text_list_add(&in, "MaxBurstLength", "65536"), TEXT_OK);
	assert_int_equal(text_list_add(&in, "X-vendor.Key", "1"), TEXT_OK);
	assert_int_equal(text_list_add(&in, "FirstBurstLength", "1"), TEXT_OK);
	assert_int_equal(text_list_add(&in, "ErrorRecoveryLevel", "0"), TEXT_OK);
	assert_int_equal(neg_receive(&fx.st, OPER, &in, &fx.answers, &fx.auth), NEG_ERR_RANGE);
	assert_true(neg_key_received(&fx.st, NEG_MAX_BURST));
	assert_false(neg_key_received(&fx.st, NEG_ERL));  /* stopped at the first error */
	assert_string_equal(answered("X-vendor.Key"), "NotUnderstood");
	text_list_free(&in);
}

/* ---- TargetAddress ---- */

static void target_address_syntax(void **state)
{
	char host[64];
	uint16_t port;
	int32_t tpgt;
	(void)state;

	assert_int_equal(neg_parse_target_address("10.1.2.3", host, sizeof(host), &port, &tpgt), 0);
	assert_string_equal(host, "10.1.2.3");
	assert_int_equal(port, 3260);
	assert_int_equal(tpgt, -1);
	assert_int_equal(neg_parse_target_address("san.example.com:3261,7", host, sizeof(host),
						  &port, &tpgt), 0);
	assert_string_equal(host, "san.example.com");
	assert_int_equal(port, 3261);
	assert_int_equal(tpgt, 7);
	assert_int_equal(neg_parse_target_address("[2001:db8::5]:860", host, sizeof(host), &port,
						  &tpgt), 0);
	assert_string_equal(host, "2001:db8::5");
	assert_int_equal(port, 860);
	assert_int_equal(neg_parse_target_address("[::ffff:10.0.0.1],1", host, sizeof(host), &port,
						  &tpgt), 0);
	assert_string_equal(host, "::ffff:10.0.0.1");
	assert_int_equal(tpgt, 1);

	static const char *const bad[] = {
		"", "2001:db8::5", "[2001:db8::5", "[]", "host:0", "host:65536", "host:",
		"host:+1", "host,", "host,65536", "host name", "host/evil", "-host", "[x::1]",
		"[::1]x", "host:1:2",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (neg_parse_target_address(bad[i], host, sizeof(host), &port, &tpgt) != -1)
			fail_msg("accepted '%s'", bad[i]);
	}
	assert_int_equal(neg_parse_target_address("a-very-long-host-name.example.com", host, 8,
						  &port, &tpgt), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(table_names_round_trip, setup, teardown),
		cmocka_unit_test_setup_teardown(table_rfc_defaults_and_ranges, setup, teardown),
		cmocka_unit_test_setup_teardown(config_checks, setup, teardown),
		cmocka_unit_test_setup_teardown(offers_normal_leading, setup, teardown),
		cmocka_unit_test_setup_teardown(offers_non_leading_and_discovery, setup, teardown),
		cmocka_unit_test_setup_teardown(task_reporting_additions, setup, teardown),
		cmocka_unit_test_setup_teardown(send_key_refuses_bad_values, setup, teardown),
		cmocka_unit_test_setup_teardown(bool_and_result, setup, teardown),
		cmocka_unit_test_setup_teardown(bool_or_result, setup, teardown),
		cmocka_unit_test_setup_teardown(number_min_result, setup, teardown),
		cmocka_unit_test_setup_teardown(number_max_result, setup, teardown),
		cmocka_unit_test_setup_teardown(list_choice_result, setup, teardown),
		cmocka_unit_test_setup_teardown(auth_method_and_chap_a, setup, teardown),
		cmocka_unit_test_setup_teardown(target_declarations, setup, teardown),
		cmocka_unit_test_setup_teardown(value_length_limit, setup, teardown),
		cmocka_unit_test_setup_teardown(not_understood, setup, teardown),
		cmocka_unit_test_setup_teardown(irrelevant_keeps_default, setup, teardown),
		cmocka_unit_test_setup_teardown(reject_rules, setup, teardown),
		cmocka_unit_test_setup_teardown(target_offers_answered, setup, teardown),
		cmocka_unit_test_setup_teardown(target_offer_digest_preference, setup, teardown),
		cmocka_unit_test_setup_teardown(obsolete_markers, setup, teardown),
		cmocka_unit_test_setup_teardown(unknown_key_not_understood, setup, teardown),
		cmocka_unit_test_setup_teardown(illegal_keys, setup, teardown),
		cmocka_unit_test_setup_teardown(discovery_irrelevant_keys, setup, teardown),
		cmocka_unit_test_setup_teardown(repeated_keys, setup, teardown),
		cmocka_unit_test_setup_teardown(unanswered_offer, setup, teardown),
		cmocka_unit_test_setup_teardown(first_burst_consistency, setup, teardown),
		cmocka_unit_test_setup_teardown(whole_list_receive, setup, teardown),
		cmocka_unit_test_setup_teardown(target_address_syntax, setup, teardown),
	};
	return cmocka_run_group_tests_name("negotiate", tests, NULL, NULL);
}
