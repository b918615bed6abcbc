/* login/check.h: what a (possibly compromised) login worker reports,
 * against the offer. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "login/check.h"

static struct login_config offer;
static struct login_negotiated good;
static char msg[256];

/* The default offer and what a target accepting it all would answer. */
static int setup(void **state)
{
	(void)state;
	login_config_default(&offer, NEG_SESSION_NORMAL);
	offer.cmdsn = 100;
	memset(&good, 0, sizeof(good));
	struct neg_params *p = &good.params;
	p->max_recv_dsl = offer.neg.max_recv_dsl;
	p->max_xmit_dsl = 8192;
	p->max_burst = 262144;
	p->first_burst = 65536;
	p->max_connections = 1;
	p->max_outstanding_r2t = 1;
	p->time2wait = 2;
	p->time2retain = 0;
	p->initial_r2t = true;
	p->immediate_data = true;
	p->data_pdu_in_order = true;
	p->data_seq_in_order = true;
	p->tpgt = 1;
	p->auth_method = NEG_AUTH_NONE;
	good.tsih = 0x100;
	good.cmdsn = 100;
	good.exp_cmdsn = 100;
	good.max_cmdsn = 131;
	return 0;
}

static void refused(const struct login_negotiated *g, const char *needle)
{
	msg[0] = '\0';
	assert_int_equal(login_check(&offer, g, msg, sizeof(msg)), -1);
	if (!strstr(msg, needle))
		fail_msg("'%s' not in '%s'", needle, msg);
}

static void accepts_a_legal_answer(void **state)
{
	(void)state;
	assert_int_equal(login_check(&offer, &good, msg, sizeof(msg)), 0);
	/* Edges: an empty window, the wrap of CmdSN, no TPGT, an alias. */
	struct login_negotiated g = good;
	g.cmdsn = g.exp_cmdsn = 0xffffffffu;
	g.max_cmdsn = 0xfffffffeu;
	offer.cmdsn = 0xffffffffu;
	g.params.tpgt = -1;
	strcpy(g.params.target_alias, "disk one");
	assert_int_equal(login_check(&offer, &g, msg, sizeof(msg)), 0);
}

static void digests_only_as_offered(void **state)
{
	struct login_negotiated g = good;

	(void)state;
	g.params.header_digest = true;
	refused(&g, "HeaderDigest=CRC32C was not offered");
	offer.neg.header_digest = NEG_DIGEST_NONE_CRC32C;
	assert_int_equal(login_check(&offer, &g, msg, sizeof(msg)), 0);
	offer.neg.data_digest = NEG_DIGEST_CRC32C;
	refused(&g, "DataDigest=None was not offered");
	g.params.data_digest = true;
	assert_int_equal(login_check(&offer, &g, msg, sizeof(msg)), 0);
}

static void numbers_within_offer_and_rfc(void **state)
{
	struct login_negotiated g;

	(void)state;
	g = good;
	g.params.max_recv_dsl = 8192;
	refused(&g, "we declared 262144");
	g = good;
	g.params.max_xmit_dsl = 511;
	refused(&g, "MaxRecvDataSegmentLength=511");
	g = good;
	g.params.max_burst = offer.neg.max_burst + 1;
	refused(&g, "MaxBurstLength=16776193");
	g = good;
	g.params.first_burst = 300000;
	refused(&g, "FirstBurstLength=300000");
	g = good;
	g.params.max_burst = 4096;
	g.params.first_burst = 8192;
	refused(&g, "exceeds MaxBurstLength");
	g = good;
	g.params.max_connections = 2;
	refused(&g, "MaxConnections=2");
	g = good;
	g.params.max_outstanding_r2t = 0;
	refused(&g, "MaxOutstandingR2T=0");
	g = good;
	g.params.time2wait = 1;
	refused(&g, "DefaultTime2Wait=1");
	g.params.time2wait = 3601;
	refused(&g, "DefaultTime2Wait=3601");
	g = good;
	g.params.time2retain = 1;
	refused(&g, "DefaultTime2Retain=1");
	g = good;
	g.params.erl = 1;
	refused(&g, "ErrorRecoveryLevel=1");
}

static void boolean_functions(void **state)
{
	struct login_negotiated g;

	(void)state;
	/* We offer InitialR2T=No: either result; ImmediateData=Yes: either. */
	g = good;
	g.params.initial_r2t = false;
	g.params.immediate_data = false;
	assert_int_equal(login_check(&offer, &g, msg, sizeof(msg)), 0);
	offer.neg.initial_r2t = true;
	refused(&g, "InitialR2T=No after we offered Yes");
	offer.neg.initial_r2t = false;
	offer.neg.immediate_data = false;
	g = good;
	refused(&g, "ImmediateData=Yes after we offered No");
	g.params.immediate_data = false;
	g.params.data_pdu_in_order = false;
	refused(&g, "DataPDUInOrder=No");
	g.params.data_pdu_in_order = true;
	g.params.data_seq_in_order = false;
	refused(&g, "DataSequenceInOrder=No");
}

static void session_and_sequence_numbers(void **state)
{
	struct login_negotiated g;

	(void)state;
	g = good;
	g.tsih = 0;
	refused(&g, "TSIH 0");
	g = good;
	offer.tsih = 0x200;
	refused(&g, "the session joined is 0x0200");
	offer.tsih = 0;
	g = good;
	g.cmdsn = 101;
	refused(&g, "CmdSN 101, the login's was 100");
	g = good;
	g.exp_cmdsn = 99;
	refused(&g, "ExpCmdSN 99");
	g = good;
	g.max_cmdsn = 98;       /* window of -1: MaxCmdSN < ExpCmdSN - 1 */
	refused(&g, "command window");
	g.max_cmdsn = 100u + 0x80000000u;
	refused(&g, "command window");
}

static void declarations_and_auth(void **state)
{
	struct login_negotiated g;

	(void)state;
	g = good;
	g.params.tpgt = 70000;
	refused(&g, "TargetPortalGroupTag 70000");
	g = good;
	strcpy(g.params.target_alias, "bad\x01" "alias");
	refused(&g, "invalid TargetAlias");
	g = good;
	g.params.auth_method = NEG_AUTH_CHAP;
	refused(&g, "AuthMethod=CHAP");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(accepts_a_legal_answer, setup),
		cmocka_unit_test_setup(digests_only_as_offered, setup),
		cmocka_unit_test_setup(numbers_within_offer_and_rfc, setup),
		cmocka_unit_test_setup(boolean_functions, setup),
		cmocka_unit_test_setup(session_and_sequence_numbers, setup),
		cmocka_unit_test_setup(declarations_and_auth, setup),
	};
	return cmocka_run_group_tests_name("login_check", tests, NULL, NULL);
}
