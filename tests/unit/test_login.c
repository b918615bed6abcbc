/* Login exchanges that a user would run: without authentication, with
 * one-way and mutual CHAP (and their failures and downgrades), digests,
 * discovery, a connection joining a session, C-bit text in both
 * directions, and the login timeout. The fake target is in
 * tests/unit/login_harness.h. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "tests/unit/login_harness.h"

static void no_auth_success(void **state)
{
	const struct login_result *r;
	(void)state;

	SEED("no_auth");
	start_login();
	/* The first request: who we are and what we want, ready to move on. */
	assert_string_equal(req_key("InitiatorName"), FUZZ_LOGIN_INITIATOR);
	assert_string_equal(req_key("TargetName"), FUZZ_LOGIN_TARGET);
	assert_string_equal(req_key("SessionType"), "Normal");
	assert_string_equal(req_key("AuthMethod"), "None");
	assert_null(req_key("MaxBurstLength"));         /* operational keys wait */
	assert_true(H.req.u.login_req.transit);
	assert_int_equal(H.req.u.login_req.csg, ISCSI_STAGE_SECURITY);
	assert_int_equal(H.req.u.login_req.nsg, ISCSI_STAGE_OPERATIONAL);
	assert_int_equal(H.req.u.login_req.tsih, 0);
	assert_int_equal(H.req.u.login_req.cmdsn, FUZZ_LOGIN_CMDSN);

	assert_int_equal(run_rest(), LOGIN_STEP_DONE);
	r = login_result(&H.l);
	assert_int_equal(r->err, LOGIN_OK);
	assert_int_equal(r->exit_code, ISCSI_SUCCESS);
	assert_string_equal(r->message, "login succeeded");
	assert_int_equal(r->tsih, 0x1234);
	assert_int_equal(r->cmdsn, FUZZ_LOGIN_CMDSN);
	assert_int_equal(r->exp_statsn, H.statsn);
	assert_int_equal(r->exp_cmdsn, FUZZ_LOGIN_CMDSN);
	assert_int_equal(r->max_cmdsn, FUZZ_LOGIN_CMDSN + 31);
	assert_false(r->params.header_digest);
	assert_false(r->params.data_digest);
	assert_int_equal(r->params.max_recv_dsl, 262144);
	assert_int_equal(r->params.max_xmit_dsl, 65536);
	assert_int_equal(r->params.max_burst, 262144);
	assert_int_equal(r->params.first_burst, 65536);
	assert_true(r->params.initial_r2t);
	assert_true(r->params.immediate_data);
	assert_int_equal(r->params.time2wait, 2);
	assert_int_equal(r->params.time2retain, 0);
	assert_int_equal(r->params.erl, 0);
	assert_int_equal(r->params.tpgt, 1);
	assert_string_equal(r->params.target_alias, "model target");
	assert_int_equal(r->params.auth_method, NEG_AUTH_NONE);
	/* Security, operational: two requests. */
	assert_int_equal(H.requests, 2);
	assert_int_equal(H.req.u.login_req.csg, ISCSI_STAGE_OPERATIONAL);
	assert_int_equal(H.req.u.login_req.nsg, ISCSI_STAGE_FULL_FEATURE);
	assert_true(H.req.u.login_req.transit);
	assert_string_equal(req_key("MaxBurstLength"), "16776192");
}

static void one_way_chap_success(void **state)
{
	(void)state;
	SEED("chap");
	h_config(NEG_SESSION_NORMAL, LOGIN_AUTH_CHAP);
	H.m.auth = LOGIN_AUTH_CHAP;
	start_login();
	assert_string_equal(req_key("AuthMethod"), "CHAP,None");
	assert_false(H.req.u.login_req.transit);        /* CHAP takes rounds */
	assert_int_equal(run_rest(), LOGIN_STEP_DONE);
	assert_true(H.m.initiator_verified);
	assert_int_equal(H.chap_answers, 1);
	assert_int_equal(H.chap_verifies, 0);
	assert_int_equal(login_result(&H.l)->params.auth_method, NEG_AUTH_CHAP);
	assert_int_equal(login_result(&H.l)->params.chap_alg, CHAP_ALG_MD5);
}

static void one_way_chap_sha256(void **state)
{
	(void)state;
	SEED("chap_sha256");
	h_config(NEG_SESSION_NORMAL, LOGIN_AUTH_CHAP);
	H.cfg.chap_algs.count = 2;
	H.cfg.chap_algs.alg[0] = CHAP_ALG_SHA256;
	H.cfg.chap_algs.alg[1] = CHAP_ALG_MD5;
	H.m.auth = LOGIN_AUTH_CHAP;
	H.m.alg = CHAP_ALG_SHA256;
	assert_int_equal(run_model(), LOGIN_STEP_DONE);
	assert_int_equal(login_result(&H.l)->params.chap_alg, CHAP_ALG_SHA256);
}

static void chap_wrong_secret(void **state)
{
	const struct login_result *r;
	(void)state;

	SEED("chap_wrong_secret");
	h_config(NEG_SESSION_NORMAL, LOGIN_AUTH_CHAP);
	H.m.auth = LOGIN_AUTH_CHAP;
	start_login();
	H.init_secret = "wrong-secret-99";      /* the monitor's; the target expects another */
	assert_failed(run_rest(), LOGIN_ERR_STATUS, ISCSI_ERR_LOGIN_AUTH_FAILED);
	r = login_result(&H.l);
	assert_string_equal(r->message, "login rejected: authentication failed (status 02/01)");
	assert_int_equal(r->status_class, 2);
	assert_int_equal(r->status_detail, 1);
	assert_false(r->retryable);
}

static void mutual_chap_success(void **state)
{
	(void)state;
	SEED("mutual");
	h_config(NEG_SESSION_NORMAL, LOGIN_AUTH_CHAP_MUTUAL);
	H.m.auth = LOGIN_AUTH_CHAP;
	assert_int_equal(run_model(), LOGIN_STEP_DONE);
	assert_int_equal(H.chap_answers, 1);
	assert_int_equal(H.chap_verifies, 1);
	assert_true(H.m.initiator_verified);
}

static void mutual_chap_target_fails(void **state)
{
	(void)state;
	SEED("mutual_bad_proof");
	h_config(NEG_SESSION_NORMAL, LOGIN_AUTH_CHAP_MUTUAL);
	H.m.auth = LOGIN_AUTH_CHAP;
	H.m.bad_proof = true;
	assert_failed(run_model(), LOGIN_ERR_AUTH, ISCSI_ERR_LOGIN_AUTH_FAILED);
	assert_string_equal(login_result(&H.l)->message, "target failed mutual CHAP authentication");
	assert_int_equal(H.chap_verifies, 1);
}

static void mutual_chap_target_silent(void **state)
{
	(void)state;
	SEED("mutual_no_proof");
	h_config(NEG_SESSION_NORMAL, LOGIN_AUTH_CHAP_MUTUAL);
	H.m.auth = LOGIN_AUTH_CHAP;
	H.m.omit_proof = true;
	assert_failed(run_model(), LOGIN_ERR_AUTH_DOWNGRADE, ISCSI_ERR_LOGIN_AUTH_FAILED);
	assert_int_equal(H.chap_verifies, 0);
}

static void downgrade_to_none(void **state)
{
	(void)state;
	SEED("downgrade_none");
	h_config(NEG_SESSION_NORMAL, LOGIN_AUTH_CHAP);
	H.m.auth = LOGIN_AUTH_NONE;             /* the target picks None from CHAP,None */
	assert_failed(run_model(), LOGIN_ERR_AUTH_DOWNGRADE, ISCSI_ERR_LOGIN_AUTH_FAILED);
	assert_string_equal(login_result(&H.l)->message,
			    "target chose AuthMethod=None but CHAP is required");
	assert_int_equal(H.chap_answers, 0);
}

static void downgrade_skip_security(void **state)
{
	(void)state;
	SEED("downgrade_skip");
	h_config(NEG_SESSION_NORMAL, LOGIN_AUTH_CHAP);
	start_login();
	/* The target tries to move on without any CHAP. */
	assert_failed(reply(true, ISCSI_STAGE_SECURITY, ISCSI_STAGE_OPERATIONAL, 0,
			    "AuthMethod=CHAP|"),
		      LOGIN_ERR_AUTH_DOWNGRADE, ISCSI_ERR_LOGIN_AUTH_FAILED);

	reset();
	h_config(NEG_SESSION_NORMAL, LOGIN_AUTH_CHAP);
	start_login();
	/* ... or answers from the operational stage straight away. */
	assert_failed(reply(false, ISCSI_STAGE_OPERATIONAL, 0, 0, ""), LOGIN_ERR_AUTH_DOWNGRADE,
		      ISCSI_ERR_LOGIN_AUTH_FAILED);
}

static void header_digest_negotiated(void **state)
{
	(void)state;
	SEED("digests");
	H.cfg.neg.header_digest = NEG_DIGEST_CRC32C_NONE;
	H.m.crc_header = true;
	assert_int_equal(run_model(), LOGIN_STEP_DONE);
	assert_true(login_result(&H.l)->params.header_digest);
	assert_false(login_result(&H.l)->params.data_digest);
}

static void discovery_session(void **state)
{
	(void)state;
	SEED("discovery");
	h_config(NEG_SESSION_DISCOVERY, LOGIN_AUTH_NONE);
	H.cfg.target_name[0] = '\0';
	start_login();
	assert_string_equal(req_key("SessionType"), "Discovery");
	assert_null(req_key("TargetName"));
	assert_string_equal(req_key("InitiatorName"), FUZZ_LOGIN_INITIATOR);
	model_reply();
	take_request();
	assert_string_equal(req_key("MaxRecvDataSegmentLength"), "32768");
	assert_null(req_key("MaxBurstLength"));
	assert_null(req_key("ImmediateData"));
	assert_int_equal(H.keys.count, 6);
	assert_int_equal(run_rest(), LOGIN_STEP_DONE);
	assert_int_equal(login_result(&H.l)->params.max_recv_dsl, 32768);
}

static void joining_connection(void **state)
{
	(void)state;
	SEED("join");
	H.cfg.tsih = FUZZ_LOGIN_JOIN_TSIH;
	H.m.tsih = FUZZ_LOGIN_JOIN_TSIH;
	start_login();
	assert_null(req_key("SessionType"));            /* leading-only */
	assert_int_equal(H.req.u.login_req.tsih, FUZZ_LOGIN_JOIN_TSIH);
	model_reply();
	take_request();
	assert_int_equal(H.keys.count, 3);  /* digests and MaxRecvDataSegmentLength */
	assert_int_equal(run_rest(), LOGIN_STEP_DONE);
	assert_int_equal(login_result(&H.l)->tsih, FUZZ_LOGIN_JOIN_TSIH);

	reset();
	H.cfg.tsih = FUZZ_LOGIN_JOIN_TSIH;
	H.m.tsih = 0x4321;                              /* another session */
	assert_failed(run_model(), LOGIN_ERR_PROTOCOL, ISCSI_ERR_LOGIN);
}

static void continued_responses(void **state)
{
	(void)state;
	SEED("target_c_bit");
	H.m.split = 32;         /* every response in 32-byte pieces */
	assert_int_equal(run_model(), LOGIN_STEP_DONE);
	/* Each piece but the last was asked for with an empty request. */
	assert_true(H.empty_requests >= 8);
	assert_true(H.requests > H.empty_requests);
	assert_int_equal(H.cont_requests, 0);
	assert_string_equal(login_result(&H.l)->params.target_alias, "model target");
}

static void continued_requests(void **state)
{
	(void)state;
	SEED("initiator_c_bit");
	/* The target declares 512 bytes and offers 40 keys we must answer
	 * (NotUnderstood): our answer does not fit one PDU. */
	H.m.max_recv_dsl = 512;
	H.m.extra_unknown = 40;
	assert_int_equal(run_model(), LOGIN_STEP_DONE);
	assert_true(H.cont_requests >= 2);
	assert_int_equal(login_result(&H.l)->params.max_xmit_dsl, 512);
}

static void login_timeout(void **state)
{
	uint64_t t0 = H.now;
	(void)state;

	start_login();
	assert_int_equal(login_deadline(&H.l), t0 + FUZZ_LOGIN_TIMEOUT_MS);
	assert_int_equal(login_timer(&H.l, t0 + FUZZ_LOGIN_TIMEOUT_MS - 1), LOGIN_STEP_SEND);
	assert_failed(login_timer(&H.l, t0 + FUZZ_LOGIN_TIMEOUT_MS), LOGIN_ERR_TIMEOUT,
		      ISCSI_ERR_PDU_TIMEOUT);
	assert_true(login_result(&H.l)->retryable);
	assert_string_equal(login_result(&H.l)->message, "login timed out after 15000 ms");

	/* A response that arrives too late counts as a timeout too. */
	reset();
	start_login();
	H.now += FUZZ_LOGIN_TIMEOUT_MS;
	assert_failed(model_reply(), LOGIN_ERR_TIMEOUT, ISCSI_ERR_PDU_TIMEOUT);

	/* So does a CHAP answer that the monitor gives too late. */
	reset();
	h_config(NEG_SESSION_NORMAL, LOGIN_AUTH_CHAP);
	H.m.auth = LOGIN_AUTH_CHAP;
	start_login();
	assert_int_equal(model_reply(), LOGIN_STEP_SEND);
	take_request();
	assert_int_equal(model_reply(), LOGIN_STEP_CHAP_RESPONSE);
	H.now += FUZZ_LOGIN_TIMEOUT_MS;
	assert_failed(monitor_answer(), LOGIN_ERR_TIMEOUT, ISCSI_ERR_PDU_TIMEOUT);
}

static void chap_request_contents(void **state)
{
	const struct login_chap_request *q;
	(void)state;

	h_config(NEG_SESSION_NORMAL, LOGIN_AUTH_CHAP_MUTUAL);
	H.m.auth = LOGIN_AUTH_CHAP;
	start_login();
	assert_int_equal(model_reply(), LOGIN_STEP_SEND);
	take_request();
	assert_string_equal(req_key("CHAP_A"), "5");
	assert_false(H.req.u.login_req.transit);
	assert_int_equal(model_reply(), LOGIN_STEP_CHAP_RESPONSE);
	q = login_chap_request(&H.l);
	assert_non_null(q);
	assert_int_equal(q->alg, CHAP_ALG_MD5);
	assert_int_equal(q->id, 0x42);
	assert_int_equal(q->challenge_len, 16);
	assert_memory_equal(q->challenge, H.m.tgt_challenge, 16);
	assert_true(q->mutual);
	assert_null(login_chap_verify_request(&H.l));
	assert_int_equal(monitor_answer(), LOGIN_STEP_SEND);
	take_request();
	/* Name, response and our own challenge, and now ready to move on. */
	assert_string_equal(req_key("CHAP_N"), "alice");
	assert_int_equal(strlen(req_key("CHAP_R")), 2 + 32);
	assert_non_null(req_key("CHAP_I"));
	assert_int_equal(strlen(req_key("CHAP_C")), 2 + 32);
	assert_true(H.req.u.login_req.transit);
	assert_int_equal(H.req.u.login_req.nsg, ISCSI_STAGE_OPERATIONAL);
	assert_null(login_chap_request(&H.l));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(no_auth_success, setup, teardown),
		cmocka_unit_test_setup_teardown(one_way_chap_success, setup, teardown),
		cmocka_unit_test_setup_teardown(one_way_chap_sha256, setup, teardown),
		cmocka_unit_test_setup_teardown(chap_wrong_secret, setup, teardown),
		cmocka_unit_test_setup_teardown(mutual_chap_success, setup, teardown),
		cmocka_unit_test_setup_teardown(mutual_chap_target_fails, setup, teardown),
		cmocka_unit_test_setup_teardown(mutual_chap_target_silent, setup, teardown),
		cmocka_unit_test_setup_teardown(downgrade_to_none, setup, teardown),
		cmocka_unit_test_setup_teardown(downgrade_skip_security, setup, teardown),
		cmocka_unit_test_setup_teardown(header_digest_negotiated, setup, teardown),
		cmocka_unit_test_setup_teardown(discovery_session, setup, teardown),
		cmocka_unit_test_setup_teardown(joining_connection, setup, teardown),
		cmocka_unit_test_setup_teardown(continued_responses, setup, teardown),
		cmocka_unit_test_setup_teardown(continued_requests, setup, teardown),
		cmocka_unit_test_setup_teardown(login_timeout, setup, teardown),
		cmocka_unit_test_setup_teardown(chap_request_contents, setup, teardown),
	};
	return cmocka_run_group_tests_name("login", tests, NULL, NULL);
}
