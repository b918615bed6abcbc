/* How a login fails: every Login Response status (message, exit code,
 * retry), redirects, responses with wrong ISID/ITT/version/StatSN/TSIH,
 * stage games with the T bit and CSG/NSG, bad text, CHAP misbehaviour on
 * either side, Reject and unexpected PDUs, misuse of the API, and invalid
 * configurations. The fake target is in tests/unit/login_harness.h. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "tests/unit/login_harness.h"

#define SEC ISCSI_STAGE_SECURITY
#define OPER ISCSI_STAGE_OPERATIONAL
#define FFP ISCSI_STAGE_FULL_FEATURE

/* Answers to all our default operational offers (DataPDUInOrder and
 * DataSequenceInOrder need none: our Yes decides them). */
#define ALL_ANSWERS "HeaderDigest=None|DataDigest=None|MaxConnections=1|InitialR2T=Yes|" \
	"ImmediateData=Yes|MaxBurstLength=262144|FirstBurstLength=65536|DefaultTime2Wait=2|" \
	"DefaultTime2Retain=0|MaxOutstandingR2T=1|ErrorRecoveryLevel=0|"

/* Into the operational stage of a login without authentication. */
static void to_operational(void)
{
	start_login();
	assert_int_equal(reply(true, SEC, OPER, 0, "AuthMethod=None|"), LOGIN_STEP_SEND);
	take_request();
	assert_int_equal(H.req.u.login_req.csg, OPER);
}

/* Into the state where the target's CHAP challenge is due. */
static void to_chap_challenge(enum login_auth auth)
{
	h_config(NEG_SESSION_NORMAL, auth);
	start_login();
	assert_int_equal(reply(false, SEC, 0, 0, "AuthMethod=CHAP|"), LOGIN_STEP_SEND);
	take_request();
	assert_string_equal(req_key("CHAP_A"), "5");
}

static const struct {
	uint8_t cls, detail;
	int exit_code;
	bool retryable;
	const char *message;
} statuses[] = {
	{ 2, 0x00, 19, false, "login rejected: initiator error (status 02/00)" },
	{ 2, 0x01, 24, false, "login rejected: authentication failed (status 02/01)" },
	{ 2, 0x02, 24, false,
	  "login rejected: initiator not authorized to access the target (status 02/02)" },
	{ 2, 0x03, 19, false, "login rejected: target not found (status 02/03)" },
	{ 2, 0x04, 19, false, "login rejected: target has been removed (status 02/04)" },
	{ 2, 0x05, 19, false,
	  "login rejected: target does not support this iSCSI version (status 02/05)" },
	{ 2, 0x06, 19, false,
	  "login rejected: target refuses more connections in this session (status 02/06)" },
	{ 2, 0x07, 19, false,
	  "login rejected: a required login parameter is missing (status 02/07)" },
	{ 2, 0x08, 19, false,
	  "login rejected: target cannot add this connection to the session (status 02/08)" },
	{ 2, 0x09, 19, false,
	  "login rejected: target does not support this session type (status 02/09)" },
	{ 2, 0x0a, 19, false, "login rejected: the session to join does not exist (status 02/0a)" },
	{ 2, 0x0b, 19, false, "login rejected: request not valid during login (status 02/0b)" },
	{ 2, 0x0c, 19, false, "login rejected: initiator error (undefined detail) (status 02/0c)" },
	{ 3, 0x00, 5, true, "login rejected: target error (status 03/00)" },
	{ 3, 0x01, 5, true, "login rejected: target service unavailable (status 03/01)" },
	{ 3, 0x02, 5, true, "login rejected: target out of resources (status 03/02)" },
	{ 3, 0x03, 5, true, "login rejected: target error (undefined detail) (status 03/03)" },
	{ 1, 0x03, 19, false, "login rejected: unsupported kind of redirection (status 01/03)" },
	{ 4, 0x00, 19, false, "login rejected: unknown status class (status 04/00)" },
	{ 0xff, 0xff, 19, false, "login rejected: unknown status class (status ff/ff)" },
};

static void every_status(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(statuses) / sizeof(statuses[0]); i++) {
		const struct login_result *r;

		reset();
		start_login();
		assert_failed(reply_status(statuses[i].cls, statuses[i].detail, ""),
			      LOGIN_ERR_STATUS, statuses[i].exit_code);
		r = login_result(&H.l);
		assert_string_equal(r->message, statuses[i].message);
		assert_int_equal(r->retryable, statuses[i].retryable);
		assert_int_equal(r->status_class, statuses[i].cls);
		assert_int_equal(r->status_detail, statuses[i].detail);
	}
	/* In the operational stage, and with text, the same. */
	reset();
	SEED("status_operational");
	to_operational();
	assert_failed(reply_status(3, 2, "X-reason=busy|"), LOGIN_ERR_STATUS, ISCSI_ERR_LOGIN);
}

static void status_table_lookup(void **state)
{
	struct login_status_info scratch;
	const struct login_status_info *i;
	(void)state;

	i = login_status_lookup(0, 0, &scratch);
	assert_true(i->known);
	assert_int_equal(i->exit_code, ISCSI_SUCCESS);
	i = login_status_lookup(1, 2, &scratch);
	assert_true(i->redirect);
	assert_true(i->known);
	i = login_status_lookup(2, 0x20, &scratch);
	assert_ptr_equal(i, &scratch);
	assert_false(i->known);
	assert_int_equal(i->status_detail, 0x20);
	i = login_status_lookup(0, 5, &scratch);
	assert_false(i->known);
	assert_int_equal(i->exit_code, ISCSI_ERR_FATAL_LOGIN);
}

static void redirects(void **state)
{
	const struct login_result *r;
	(void)state;

	SEED("redirect_temporary");
	start_login();
	assert_int_equal(reply_status(1, 1, "TargetAddress=10.0.0.2:3261,2|"), LOGIN_STEP_REDIRECT);
	r = login_result(&H.l);
	assert_false(r->redirect.permanent);
	assert_string_equal(r->redirect.address, "10.0.0.2:3261,2");
	assert_string_equal(r->redirect.host, "10.0.0.2");
	assert_int_equal(r->redirect.port, 3261);
	assert_int_equal(r->redirect.tpgt, 2);
	assert_string_equal(r->message, "target moved temporarily to 10.0.0.2:3261,2");
	assert_int_equal(r->exit_code, ISCSI_ERR_LOGIN);
	assert_true(r->retryable);

	reset();
	start_login();
	/* Permanent, IPv6, and of two addresses the first is taken. */
	assert_int_equal(reply_status(1, 2, "TargetAddress=[fd00::2]|TargetAddress=10.9.9.9|"),
			 LOGIN_STEP_REDIRECT);
	r = login_result(&H.l);
	assert_true(r->redirect.permanent);
	assert_string_equal(r->redirect.host, "fd00::2");
	assert_int_equal(r->redirect.port, 3260);
	assert_int_equal(r->redirect.tpgt, -1);

	/* Also later in the login (RFC 7143: after security negotiation). */
	reset();
	to_operational();
	assert_int_equal(reply_status(1, 1, "TargetAddress=san2.example.com|"),
			 LOGIN_STEP_REDIRECT);

	reset();
	start_login();
	assert_failed(reply_status(1, 1, ""), LOGIN_ERR_PROTOCOL, ISCSI_ERR_LOGIN);
	assert_string_equal(login_result(&H.l)->message, "redirect without a TargetAddress");
	reset();
	start_login();
	assert_failed(reply_status(1, 1, "TargetAddress=10.0.0.2:0|"), LOGIN_ERR_PROTOCOL,
		      ISCSI_ERR_LOGIN);
	reset();
	start_login();
	assert_failed(reply_status(1, 1, "TargetAddress|"), LOGIN_ERR_TEXT, ISCSI_ERR_LOGIN);
}

static void wrong_header_fields(void **state)
{
	struct iscsi_pdu p;
	(void)state;

	start_login();
	rsp_init(&p, true, false, SEC, OPER, NULL, 0);
	p.u.login_rsp.isid[5] ^= 1;
	assert_failed(reply_raw(&p), LOGIN_ERR_PROTOCOL, ISCSI_ERR_LOGIN);
	assert_string_equal(login_result(&H.l)->message, "Login Response for another ISID");

	reset();
	start_login();
	rsp_init(&p, true, false, SEC, OPER, NULL, 0);
	p.itt = FUZZ_LOGIN_ITT + 1;
	assert_failed(reply_raw(&p), LOGIN_ERR_PROTOCOL, ISCSI_ERR_LOGIN);
	assert_string_equal(login_result(&H.l)->message,
			    "Login Response for task tag 0x00001001, ours is 0x00001000");

	reset();
	start_login();
	rsp_init(&p, true, false, SEC, OPER, NULL, 0);
	p.u.login_rsp.version_max = 1;
	p.u.login_rsp.version_active = 1;
	assert_failed(reply_raw(&p), LOGIN_ERR_PROTOCOL, ISCSI_ERR_LOGIN);

	/* Version-max must stay the same through the login. */
	reset();
	to_operational();
	rsp_init(&p, false, false, OPER, 0, NULL, 0);
	p.u.login_rsp.version_max = 3;
	assert_failed(reply_raw(&p), LOGIN_ERR_PROTOCOL, ISCSI_ERR_LOGIN);

	/* StatSN grows by one per response. */
	reset();
	to_operational();
	H.statsn += 5;
	assert_failed(reply(false, OPER, 0, 0, ""), LOGIN_ERR_PROTOCOL, ISCSI_ERR_LOGIN);

	/* The final response carries the new session's TSIH. */
	reset();
	to_operational();
	assert_failed(reply(true, OPER, FFP, 0, ALL_ANSWERS), LOGIN_ERR_PROTOCOL, ISCSI_ERR_LOGIN);
	assert_string_equal(login_result(&H.l)->message, "final Login Response carries TSIH 0");
	reset();
	to_operational();
	assert_int_equal(reply(true, OPER, FFP, 7, ALL_ANSWERS), LOGIN_STEP_DONE);
}

static void stage_games(void **state)
{
	struct iscsi_pdu p;
	(void)state;

	/* To full feature straight from security: we asked for operational. */
	start_login();
	assert_failed(reply(true, SEC, FFP, 0x1234, "AuthMethod=None|"), LOGIN_ERR_PROTOCOL,
		      ISCSI_ERR_LOGIN);
	assert_string_equal(login_result(&H.l)->message,
			    "target moved from the security stage to the full feature stage, not asked for");
	/* Back from operational to security. */
	reset();
	to_operational();
	assert_failed(reply(true, OPER, SEC, 0, ""), LOGIN_ERR_PROTOCOL, ISCSI_ERR_LOGIN);
	/* Answering for a stage we are not in. */
	reset();
	start_login();
	assert_failed(reply(false, OPER, 0, 0, ""), LOGIN_ERR_PROTOCOL, ISCSI_ERR_LOGIN);
	assert_string_equal(login_result(&H.l)->message,
			    "target answered in the operational stage while we are in the security stage");
	/* The reserved stage 2 never passes the decoder; fed directly, it is
	 * refused all the same. */
	reset();
	to_operational();
	rsp_init(&p, true, false, OPER, 2, NULL, 0);
	assert_failed(login_receive(&H.l, &p, H.now), LOGIN_ERR_PROTOCOL, ISCSI_ERR_LOGIN);
	reset();
	start_login();
	rsp_init(&p, true, true, SEC, OPER, NULL, 0);
	assert_failed(login_receive(&H.l, &p, H.now), LOGIN_ERR_PROTOCOL, ISCSI_ERR_LOGIN);
}

static void transit_with_open_offers(void **state)
{
	(void)state;
	/* The target offers a key of its own in the response that ends the
	 * stage: there is no request left to answer it in. */
	to_operational();
	assert_failed(reply(true, OPER, FFP, 0x1234, "TaskReporting=RFC3720|"),
		      LOGIN_ERR_PROTOCOL, ISCSI_ERR_LOGIN);
	/* Our offers left unanswered. */
	reset();
	to_operational();
	assert_failed(reply(true, OPER, FFP, 0x1234, "HeaderDigest=None|"), LOGIN_ERR_NEGOTIATION,
		      ISCSI_ERR_LOGIN);
	assert_string_equal(login_result(&H.l)->message,
			    "login negotiation failed: target ended the stage without answering DataDigest");
	/* NotUnderstood answers are not owed: a final response may carry an
	 * unknown declaration. */
	reset();
	start_login();
	assert_int_equal(reply(true, SEC, OPER, 0, "AuthMethod=None|X-com.example.v=1|"),
			 LOGIN_STEP_SEND);
}

static void negotiation_and_text_errors(void **state)
{
	(void)state;
	SEED("negotiation_error");
	start_login();
	assert_failed(reply(true, SEC, OPER, 0, "AuthMethod=CHAP|"), LOGIN_ERR_NEGOTIATION,
		      ISCSI_ERR_LOGIN);
	assert_string_equal(login_result(&H.l)->message,
			    "login negotiation failed: target chose AuthMethod=CHAP, not among 'None'");
	reset();
	start_login();
	assert_failed(reply(false, SEC, 0, 0, "NoEquals|"), LOGIN_ERR_TEXT, ISCSI_ERR_LOGIN);
	reset();
	start_login();
	assert_failed(reply(false, SEC, 0, 0, "AuthMethod=None|AuthMethod=None|"), LOGIN_ERR_TEXT,
		      ISCSI_ERR_LOGIN);
	/* A key repeated in a later response. */
	reset();
	start_login();
	assert_int_equal(reply(false, SEC, 0, 0, "AuthMethod=None|"), LOGIN_STEP_SEND);
	take_request();
	assert_int_equal(H.req.data_len, 0);
	assert_failed(reply(false, SEC, 0, 0, "AuthMethod=None|"), LOGIN_ERR_NEGOTIATION,
		      ISCSI_ERR_LOGIN);
	/* An operational key in the security stage. */
	reset();
	start_login();
	assert_failed(reply(false, SEC, 0, 0, "MaxBurstLength=512|"), LOGIN_ERR_NEGOTIATION,
		      ISCSI_ERR_LOGIN);
}

static void reject_and_unexpected_pdus(void **state)
{
	struct iscsi_pdu p;
	uint8_t bhs[ISCSI_BHS_LEN] = { ISCSI_OP_LOGIN_REQ | ISCSI_BHS_IMMEDIATE };
	(void)state;

	SEED("reject");
	start_login();
	pdu_init(&p, ISCSI_OP_REJECT);
	p.itt = ISCSI_RESERVED_TAG;
	p.u.reject.reason = ISCSI_REJECT_PROTOCOL_ERROR;
	p.u.reject.datasn = 0;
	p.data = bhs;
	p.data_len = sizeof(bhs);
	assert_failed(reply_raw(&p), LOGIN_ERR_REJECT, ISCSI_ERR_LOGIN);
	assert_string_equal(login_result(&H.l)->message,
			    "target rejected our Login Request (reason 0x04)");
	reset();
	start_login();
	pdu_init(&p, ISCSI_OP_NOP_IN);
	p.itt = FUZZ_LOGIN_ITT;
	assert_failed(login_receive(&H.l, &p, H.now), LOGIN_ERR_PROTOCOL, ISCSI_ERR_LOGIN);
	assert_string_equal(login_result(&H.l)->message, "unexpected NOP-In PDU during login");
}

static void endless_target(void **state)
{
	enum login_step s = LOGIN_STEP_SEND;
	unsigned n = 0;
	(void)state;

	start_login();
	while (s == LOGIN_STEP_SEND && n < 1000) {
		s = reply(false, SEC, 0, 0, "");
		n++;
		if (s == LOGIN_STEP_SEND)
			take_request();
	}
	assert_failed(s, LOGIN_ERR_PROTOCOL, ISCSI_ERR_LOGIN);
	assert_int_equal(n, LOGIN_MAX_RESPONSES + 1);
}

static void chap_bad_target_values(void **state)
{
	(void)state;
	SEED("chap_short_challenge");
	to_chap_challenge(LOGIN_AUTH_CHAP);
	assert_failed(reply(false, SEC, 0, 0, "CHAP_A=5|CHAP_I=1|CHAP_C=0x0102|"), LOGIN_ERR_AUTH,
		      ISCSI_ERR_LOGIN_AUTH_FAILED);
	reset();
	to_chap_challenge(LOGIN_AUTH_CHAP);
	assert_failed(reply(false, SEC, 0, 0,
			    "CHAP_A=5|CHAP_I=256|CHAP_C=0x000102030405060708090a0b0c0d0e0f|"),
		      LOGIN_ERR_AUTH, ISCSI_ERR_LOGIN_AUTH_FAILED);
	reset();
	to_chap_challenge(LOGIN_AUTH_CHAP);
	assert_failed(reply(false, SEC, 0, 0, "CHAP_A=5|"), LOGIN_ERR_AUTH,
		      ISCSI_ERR_LOGIN_AUTH_FAILED);
	reset();
	to_chap_challenge(LOGIN_AUTH_CHAP);
	/* An algorithm we did not offer, with CHAP required: a failed
	 * authentication (24), not a plain negotiation mismatch (5). */
	assert_failed(reply(false, SEC, 0, 0,
			    "CHAP_A=7|CHAP_I=1|CHAP_C=0x000102030405060708090a0b0c0d0e0f|"),
		      LOGIN_ERR_AUTH, ISCSI_ERR_LOGIN_AUTH_FAILED);
	/* CHAP keys where no CHAP was agreed. */
	reset();
	start_login();
	assert_failed(reply(false, SEC, 0, 0, "AuthMethod=None|CHAP_I=1|"), LOGIN_ERR_AUTH,
		      ISCSI_ERR_LOGIN_AUTH_FAILED);
	reset();
	h_config(NEG_SESSION_NORMAL, LOGIN_AUTH_CHAP);
	start_login();
	assert_failed(reply(false, SEC, 0, 0, "AuthMethod=CHAP|CHAP_C=0x00|"), LOGIN_ERR_AUTH,
		      ISCSI_ERR_LOGIN_AUTH_FAILED);
}

/* Brings a CHAP login to the point where our answer is due. */
static void to_chap_answer(enum login_auth auth)
{
	to_chap_challenge(auth);
	H.m.auth = LOGIN_AUTH_CHAP;
	assert_int_equal(model_reply(), LOGIN_STEP_CHAP_RESPONSE);
}

/* "CHAP_N=...|CHAP_R=...|": the target's correct answer to the challenge
 * in the request last taken. */
static int proof_for_request(char *out, size_t size)
{
	uint8_t chal[CHAP_CHALLENGE_MAX], resp[CHAP_DIGEST_MAX];
	size_t chal_len, resp_len;
	char hex[CHAP_HEX_SIZE(CHAP_DIGEST_MAX)];
	const char *c = req_key("CHAP_C"), *i = req_key("CHAP_I");
	uint8_t id;

	if (!c || !i || chap_parse_id(i, strlen(i), &id) != CHAP_OK ||
	    chap_decode_challenge(c, strlen(c), chal, &chal_len) != CHAP_OK ||
	    chap_response(CHAP_ALG_MD5, id, (const uint8_t *)H.tgt_secret, strlen(H.tgt_secret),
			  chal, chal_len, resp, &resp_len) != CHAP_OK)
		return -1;
	chap_encode_hex(resp, resp_len, hex, sizeof(hex));
	snprintf(out, size, "CHAP_N=%s|CHAP_R=%s|", H.tgt_user, hex);
	return 0;
}

static void chap_target_answers(void **state)
{
	char proof[128];
	(void)state;
	/* One-way: the target has nothing to prove. */
	to_chap_answer(LOGIN_AUTH_CHAP);
	assert_int_equal(monitor_answer(), LOGIN_STEP_SEND);
	take_request();
	assert_failed(reply(true, SEC, OPER, 0, "CHAP_N=t|CHAP_R=0x00112233445566778899aabbccddeeff|"),
		      LOGIN_ERR_AUTH, ISCSI_ERR_LOGIN_AUTH_FAILED);
	/* Mutual: both halves of the proof are needed, and well formed. */
	reset();
	to_chap_answer(LOGIN_AUTH_CHAP_MUTUAL);
	assert_int_equal(monitor_answer(), LOGIN_STEP_SEND);
	take_request();
	assert_failed(reply(true, SEC, OPER, 0, "CHAP_N=target-one|"), LOGIN_ERR_AUTH,
		      ISCSI_ERR_LOGIN_AUTH_FAILED);
	reset();
	to_chap_answer(LOGIN_AUTH_CHAP_MUTUAL);
	assert_int_equal(monitor_answer(), LOGIN_STEP_SEND);
	take_request();
	assert_failed(reply(true, SEC, OPER, 0, "CHAP_N=target-one|CHAP_R=0x0011|"),
		      LOGIN_ERR_AUTH, ISCSI_ERR_LOGIN_AUTH_FAILED);
	/* Mutual, answered over two responses: T=0 first, then the proof. */
	reset();
	to_chap_answer(LOGIN_AUTH_CHAP_MUTUAL);
	assert_int_equal(monitor_answer(), LOGIN_STEP_SEND);
	take_request();
	assert_int_equal(proof_for_request(proof, sizeof(proof)), 0);
	assert_int_equal(reply(false, SEC, 0, 0, ""), LOGIN_STEP_SEND);
	take_request();
	assert_true(H.req.u.login_req.transit);
	assert_int_equal(reply(true, SEC, OPER, 0, proof), LOGIN_STEP_CHAP_VERIFY);
	assert_int_equal(monitor_verify(), LOGIN_STEP_SEND);
	take_request();
	assert_int_equal(H.req.u.login_req.csg, OPER);
}

static void chap_monitor_mistakes(void **state)
{
	struct login_chap_answer a;
	const struct login_chap_request *q;
	(void)state;

	to_chap_answer(LOGIN_AUTH_CHAP);
	memset(&a, 0, sizeof(a));
	snprintf(a.name, sizeof(a.name), "alice");
	a.response_len = 5;                             /* MD5 gives 16 */
	assert_failed(login_chap_answer(&H.l, &a, H.now), LOGIN_ERR_AUTH,
		      ISCSI_ERR_LOGIN_AUTH_FAILED);
	reset();
	to_chap_answer(LOGIN_AUTH_CHAP);
	memset(&a, 0, sizeof(a));
	a.response_len = 16;                            /* empty name */
	assert_failed(login_chap_answer(&H.l, &a, H.now), LOGIN_ERR_AUTH,
		      ISCSI_ERR_LOGIN_AUTH_FAILED);
	/* Mutual: our challenge may not be the target's own. */
	reset();
	to_chap_answer(LOGIN_AUTH_CHAP_MUTUAL);
	q = login_chap_request(&H.l);
	memset(&a, 0, sizeof(a));
	snprintf(a.name, sizeof(a.name), "alice");
	a.response_len = 16;
	memcpy(a.challenge, q->challenge, q->challenge_len);
	a.challenge_len = q->challenge_len;
	assert_failed(login_chap_answer(&H.l, &a, H.now), LOGIN_ERR_AUTH,
		      ISCSI_ERR_LOGIN_AUTH_FAILED);
	reset();
	to_chap_answer(LOGIN_AUTH_CHAP_MUTUAL);
	memset(&a, 0, sizeof(a));
	snprintf(a.name, sizeof(a.name), "alice");
	a.response_len = 16;
	a.challenge_len = 4;                            /* too short */
	assert_failed(login_chap_answer(&H.l, &a, H.now), LOGIN_ERR_AUTH,
		      ISCSI_ERR_LOGIN_AUTH_FAILED);
}

static void api_misuse(void **state)
{
	struct login_chap_answer a;
	struct iscsi_pdu p;
	size_t len;
	(void)state;

	memset(&a, 0, sizeof(a));
	start_login();
	assert_failed(login_chap_answer(&H.l, &a, H.now), LOGIN_ERR_STATE, ISCSI_ERR_INTERNAL);
	login_output(&H.l, &len);
	assert_int_equal(len, 0);                       /* nothing to send after failing */
	reset();
	start_login();
	assert_failed(login_chap_verified(&H.l, true, H.now), LOGIN_ERR_STATE, ISCSI_ERR_INTERNAL);
	reset();
	assert_int_equal(run_model(), LOGIN_STEP_DONE);
	rsp_init(&p, false, false, FFP, 0, NULL, 0);
	assert_failed(login_receive(&H.l, &p, H.now), LOGIN_ERR_STATE, ISCSI_ERR_INTERNAL);
	assert_string_equal(login_strerror(LOGIN_ERR_AUTH_DOWNGRADE),
			    "target refused or skipped required authentication");
	assert_string_equal(login_strerror(LOGIN_ERR_COUNT), "unknown login error");
}

static void bad_configuration(void **state)
{
	(void)state;
	snprintf(H.cfg.initiator_name, sizeof(H.cfg.initiator_name), "not a name");
	assert_int_equal(login_start(&H.l, &H.cfg, H.now), LOGIN_STEP_FAILED);
	assert_failed(LOGIN_STEP_FAILED, LOGIN_ERR_CONFIG, ISCSI_ERR_INVAL);
	assert_non_null(strstr(login_result(&H.l)->message, "initiator name"));

	reset();
	H.cfg.target_name[0] = '\0';                    /* a normal session needs one */
	assert_int_equal(login_start(&H.l, &H.cfg, H.now), LOGIN_STEP_FAILED);
	assert_failed(LOGIN_STEP_FAILED, LOGIN_ERR_CONFIG, ISCSI_ERR_INVAL);

	reset();
	H.cfg.isid[0] = 0xc0;                           /* T = 11b */
	assert_int_equal(login_start(&H.l, &H.cfg, H.now), LOGIN_STEP_FAILED);
	assert_string_equal(login_result(&H.l)->message, "ISID type 11b is reserved");

	reset();
	H.cfg.timeout_ms = 0;
	assert_int_equal(login_start(&H.l, &H.cfg, H.now), LOGIN_STEP_FAILED);

	reset();
	h_config(NEG_SESSION_NORMAL, LOGIN_AUTH_CHAP);
	H.cfg.chap_algs.count = 0;
	assert_int_equal(login_start(&H.l, &H.cfg, H.now), LOGIN_STEP_FAILED);
	assert_string_equal(login_result(&H.l)->message, "no CHAP algorithm configured");

	reset();
	H.cfg.neg.max_burst = 100;
	assert_int_equal(login_start(&H.l, &H.cfg, H.now), LOGIN_STEP_FAILED);
	assert_string_equal(login_result(&H.l)->message,
			    "invalid login settings: MaxBurstLength=100 is outside 512..16777215");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(every_status, setup, teardown),
		cmocka_unit_test_setup_teardown(status_table_lookup, setup, teardown),
		cmocka_unit_test_setup_teardown(redirects, setup, teardown),
		cmocka_unit_test_setup_teardown(wrong_header_fields, setup, teardown),
		cmocka_unit_test_setup_teardown(stage_games, setup, teardown),
		cmocka_unit_test_setup_teardown(transit_with_open_offers, setup, teardown),
		cmocka_unit_test_setup_teardown(negotiation_and_text_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(reject_and_unexpected_pdus, setup, teardown),
		cmocka_unit_test_setup_teardown(endless_target, setup, teardown),
		cmocka_unit_test_setup_teardown(chap_bad_target_values, setup, teardown),
		cmocka_unit_test_setup_teardown(chap_target_answers, setup, teardown),
		cmocka_unit_test_setup_teardown(chap_monitor_mistakes, setup, teardown),
		cmocka_unit_test_setup_teardown(api_misuse, setup, teardown),
		cmocka_unit_test_setup_teardown(bad_configuration, setup, teardown),
	};
	return cmocka_run_group_tests_name("login_errors", tests, NULL, NULL);
}
