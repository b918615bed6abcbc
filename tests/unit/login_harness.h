/* A scripted fake target for the login state machine tests (included by
 * tests/unit/test_login.c and test_login_errors.c): a model target that
 * negotiates and authenticates like a real one (CHAP checked with
 * proto/chap.h), a fake monitor that holds the CHAP secrets, and helpers
 * to send hand-built responses for every misbehaviour.
 *
 * With LOGIN_SEED_DIR set, every exchange's target PDUs are also written
 * there in the input format of tests/fuzz/fuzz_login.c (that is how its
 * seed corpus was made). Functions are static inline so that each test
 * program may use any subset. */
#ifndef TESTS_UNIT_LOGIN_HARNESS_H
#define TESTS_UNIT_LOGIN_HARNESS_H
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/exitcodes.h"
#include "proto/login.h"
#include "proto/login_status.h"
#include "tests/fuzz/fuzz_login.h"

/* ---- the model target ---- */

struct model {
	enum login_auth auth;           /* what the target demands */
	enum chap_alg alg;
	uint8_t tgt_id;
	uint8_t tgt_challenge[16];
	bool initiator_verified;
	bool bad_proof;                 /* mutual: answer our challenge wrongly */
	bool omit_proof;                /* mutual: do not answer our challenge */
	bool crc_header;                /* choose HeaderDigest=CRC32C when offered */
	uint32_t max_recv_dsl;          /* the target's declaration */
	uint16_t tsih;
	size_t split;                   /* cut responses into C-bit pieces */
	unsigned extra_unknown;         /* unknown keys offered in operational stage */
	const char *expect_secret;      /* the initiator secret the target knows */
	bool operational_done;
};

struct harness {
	struct login l;
	struct login_config cfg;
	struct model m;
	uint64_t now;
	/* The request last sent by the machine, decoded. */
	uint8_t reqbuf[ISCSI_BHS_LEN + LOGIN_SEGMENT_MAX];
	struct iscsi_pdu req;
	unsigned requests;
	unsigned cont_requests;         /* requests with the C bit */
	unsigned empty_requests;        /* requests without text */
	uint32_t first_cmdsn;
	/* The initiator's text, joined across its C-bit pieces. */
	struct text_assembler rx;
	struct text_list keys;          /* last complete initiator text */
	bool keys_complete;
	/* The target's state. */
	uint32_t statsn;
	uint8_t *pending;               /* rest of a C-bit response */
	size_t pending_len, pending_off;
	bool pending_transit;
	uint8_t pending_csg, pending_nsg;
	/* Recorded target PDUs, for the fuzz seed corpus. */
	uint8_t record[65536];
	size_t record_len;
	/* The monitor side. */
	const char *init_user, *init_secret, *tgt_user, *tgt_secret;
	unsigned chap_answers, chap_verifies;
	const char *seed;               /* seed file name; NULL writes none */
};

static struct harness H;

static const uint8_t test_isid[6] = FUZZ_LOGIN_ISID;

static inline void h_config(enum neg_session_type type, enum login_auth auth)
{
	login_config_default(&H.cfg, type);
	snprintf(H.cfg.initiator_name, sizeof(H.cfg.initiator_name), "%s", FUZZ_LOGIN_INITIATOR);
	snprintf(H.cfg.target_name, sizeof(H.cfg.target_name), "%s", FUZZ_LOGIN_TARGET);
	memcpy(H.cfg.isid, test_isid, 6);
	H.cfg.itt = FUZZ_LOGIN_ITT;
	H.cfg.cmdsn = FUZZ_LOGIN_CMDSN;
	H.cfg.exp_statsn = 0;
	H.cfg.cid = 0;
	H.cfg.auth = auth;
	H.cfg.timeout_ms = FUZZ_LOGIN_TIMEOUT_MS;
}

static inline int setup(void **state)
{
	(void)state;
	memset(&H, 0, sizeof(H));
	h_config(NEG_SESSION_NORMAL, LOGIN_AUTH_NONE);
	H.m.auth = LOGIN_AUTH_NONE;
	H.m.alg = CHAP_ALG_MD5;
	H.m.max_recv_dsl = 65536;
	H.m.tsih = 0x1234;
	H.m.expect_secret = "alice-secret-12";
	H.statsn = 1000;
	H.now = 5000;
	H.init_user = "alice";
	H.init_secret = "alice-secret-12";
	H.tgt_user = "target-one";
	H.tgt_secret = "target-secret-34";
	text_asm_init(&H.rx, NULL);
	text_list_init(&H.keys);
	return 0;
}

static inline void save_seed(const char *name)
{
	const char *dir = getenv("LOGIN_SEED_DIR");
	char path[512];
	FILE *f;
	uint8_t mode = 0;

	if (!dir || !H.record_len)
		return;
	if (H.cfg.neg.session_type == NEG_SESSION_DISCOVERY)
		mode |= FUZZ_LOGIN_MODE_DISCOVERY;
	if (H.cfg.auth == LOGIN_AUTH_CHAP)
		mode |= FUZZ_LOGIN_MODE_CHAP;
	if (H.cfg.auth == LOGIN_AUTH_CHAP_MUTUAL)
		mode |= FUZZ_LOGIN_MODE_MUTUAL;
	if (H.cfg.tsih)
		mode |= FUZZ_LOGIN_MODE_JOIN;
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	if (!f)
		return;
	fputc(mode, f);
	fwrite(H.record, 1, H.record_len, f);
	fclose(f);
}

static inline void release(void)
{
	login_free(&H.l);
	text_asm_free(&H.rx);
	text_list_free(&H.keys);
	free(H.pending);
}

static inline int teardown(void **state)
{
	(void)state;
	if (H.seed)
		save_seed(H.seed);
	release();
	return 0;
}

/* A fresh harness within one test; the seed then records the last run. */
static inline void reset(void)
{
	const char *seed = H.seed;

	release();
	setup(NULL);
	H.seed = seed;
}

#define SEED(name) (H.seed = (name))

/* Decodes the machine's output as a target would, joining C-bit text. */
static inline void take_request(void)
{
	size_t len;
	const uint8_t *out = login_output(&H.l, &len);
	struct pdu_wire_opts opts = { .max_data_len = LOGIN_SEGMENT_MAX,
				      .sender = PDU_SENDER_INITIATOR };
	struct text_error terr;
	enum text_err te;

	assert_true(len >= ISCSI_BHS_LEN && len <= sizeof(H.reqbuf));
	memcpy(H.reqbuf, out, len);
	assert_int_equal(pdu_decode(H.reqbuf, len, &opts, &H.req), PDU_OK);
	assert_int_equal(H.req.opcode, ISCSI_OP_LOGIN_REQ);
	assert_true(H.req.immediate);
	assert_int_equal(H.req.itt, FUZZ_LOGIN_ITT);
	assert_memory_equal(H.req.u.login_req.isid, test_isid, 6);
	assert_int_equal(H.req.u.login_req.version_max, 0);
	assert_int_equal(H.req.u.login_req.version_min, 0);
	if (H.requests++ == 0)
		H.first_cmdsn = H.req.u.login_req.cmdsn;
	if (H.req.u.login_req.cont)
		H.cont_requests++;
	if (H.req.data_len == 0)
		H.empty_requests++;
	assert_int_equal(H.req.u.login_req.cmdsn, H.first_cmdsn);  /* constant in login */
	if (H.requests > 1)
		assert_int_equal(H.req.u.login_req.exp_statsn, H.statsn);
	text_list_free(&H.keys);
	text_list_init(&H.keys);
	H.keys_complete = false;
	te = text_asm_add(&H.rx, H.req.data, H.req.data_len, H.req.u.login_req.cont, &H.keys,
			  &terr);
	assert_int_equal(te, TEXT_OK);
	if (!H.req.u.login_req.cont) {
		text_asm_reset(&H.rx);
		H.keys_complete = true;
	}
}

static inline const char *req_key(const char *key)
{
	return text_list_get(&H.keys, key);
}

/* Sends one Login Response to the machine (encoded, then decoded as the
 * worker would), recording it for the seed corpus. */
static inline enum login_step reply_raw(const struct iscsi_pdu *rsp)
{
	uint8_t buf[ISCSI_BHS_LEN + 65536];
	size_t len;
	struct pdu_wire_opts enc = { .max_data_len = 65536 };
	struct pdu_wire_opts dec;
	struct iscsi_pdu got;

	assert_int_equal(pdu_encode(rsp, &enc, buf, sizeof(buf), &len), PDU_OK);
	if (H.record_len + 4 + len <= sizeof(H.record)) {
		H.record[H.record_len++] = (uint8_t)(len >> 24);
		H.record[H.record_len++] = (uint8_t)(len >> 16);
		H.record[H.record_len++] = (uint8_t)(len >> 8);
		H.record[H.record_len++] = (uint8_t)len;
		memcpy(H.record + H.record_len, buf, len);
		H.record_len += len;
	}
	login_wire_opts(&H.l, &dec);
	assert_int_equal(pdu_decode(buf, len, &dec, &got), PDU_OK);
	return login_receive(&H.l, &got, H.now);
}

static inline void rsp_init(struct iscsi_pdu *p, bool transit, bool cont, unsigned csg,
			    unsigned nsg, const void *text, size_t text_len)
{
	struct pdu_login_rsp *r = &p->u.login_rsp;

	pdu_init(p, ISCSI_OP_LOGIN_RSP);
	p->itt = FUZZ_LOGIN_ITT;
	p->data = text;
	p->data_len = text_len;
	r->transit = transit;
	r->cont = cont;
	r->csg = (uint8_t)csg;
	r->nsg = transit ? (uint8_t)nsg : 0;
	memcpy(r->isid, test_isid, 6);
	r->statsn = H.statsn++;
	r->exp_cmdsn = H.first_cmdsn;
	r->max_cmdsn = H.first_cmdsn + 31;
}

/* A response carrying a NUL-separated text given as one C string with
 * '|' for each NUL ("A=1|B=2|"). */
static inline enum login_step reply(bool transit, unsigned csg, unsigned nsg, uint16_t tsih,
				    const char *keys)
{
	struct iscsi_pdu p;
	char text[4096];
	size_t n = strlen(keys);

	assert_true(n < sizeof(text));
	for (size_t i = 0; i < n; i++)
		text[i] = keys[i] == '|' ? '\0' : keys[i];
	rsp_init(&p, transit, false, csg, nsg, text, n);
	p.u.login_rsp.tsih = tsih;
	return reply_raw(&p);
}

static inline enum login_step reply_status(uint8_t cls, uint8_t detail, const char *keys)
{
	struct iscsi_pdu p;
	char text[512];
	size_t n = strlen(keys);

	for (size_t i = 0; i < n; i++)
		text[i] = keys[i] == '|' ? '\0' : keys[i];
	rsp_init(&p, false, false, H.req.u.login_req.csg, 0, text, n);
	p.u.login_rsp.status_class = cls;
	p.u.login_rsp.status_detail = detail;
	return reply_raw(&p);
}

static inline void start_login(void)
{
	assert_int_equal(login_start(&H.l, &H.cfg, H.now), LOGIN_STEP_SEND);
	take_request();
}

/* ---- the model target's answers ---- */

static inline void add(struct text_list *out, const char *key, const char *value)
{
	assert_int_equal(text_list_add(out, key, value), TEXT_OK);
}

static inline void add_num(struct text_list *out, const char *key, uint64_t v)
{
	assert_int_equal(text_list_add_num(out, key, v), TEXT_OK);
}

static inline uint64_t req_num(const char *key)
{
	uint64_t v = 0;

	assert_int_equal(text_parse_number(req_key(key), 0, UINT64_MAX, &v), TEXT_OK);
	return v;
}

static inline uint64_t min_u64(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

/* Returns false when the login must fail with 02/01. */
static inline bool model_security(struct text_list *out, bool *done)
{
	const char *v;
	char hex[CHAP_HEX_SIZE(64)];

	*done = H.m.auth == LOGIN_AUTH_NONE;
	if ((v = req_key("AuthMethod")) != NULL) {
		if (H.m.auth != LOGIN_AUTH_NONE && text_values_contains(v, "CHAP"))
			add(out, "AuthMethod", "CHAP");
		else
			add(out, "AuthMethod", text_values_contains(v, "None") ? "None" : "Reject");
		add(out, "TargetPortalGroupTag", "1");
	}
	if ((v = req_key("CHAP_A")) != NULL) {
		char a[4];

		snprintf(a, sizeof(a), "%d", (int)H.m.alg);
		assert_true(text_values_contains(v, a));
		add(out, "CHAP_A", a);
		H.m.tgt_id = 0x42;
		for (unsigned i = 0; i < sizeof(H.m.tgt_challenge); i++)
			H.m.tgt_challenge[i] = (uint8_t)(0xa0 + i);
		add_num(out, "CHAP_I", H.m.tgt_id);
		chap_encode_hex(H.m.tgt_challenge, sizeof(H.m.tgt_challenge), hex, sizeof(hex));
		add(out, "CHAP_C", hex);
	}
	if ((v = req_key("CHAP_R")) != NULL) {
		uint8_t want[CHAP_DIGEST_MAX], got[CHAP_DIGEST_MAX];
		size_t want_len, got_len;

		assert_int_equal(chap_response(H.m.alg, H.m.tgt_id,
					       (const uint8_t *)H.m.expect_secret,
					       strlen(H.m.expect_secret), H.m.tgt_challenge,
					       sizeof(H.m.tgt_challenge), want, &want_len), CHAP_OK);
		assert_int_equal(chap_decode_response(H.m.alg, v, strlen(v), got, &got_len), CHAP_OK);
		if (strcmp(req_key("CHAP_N"), H.init_user) != 0 || got_len != want_len ||
		    memcmp(got, want, want_len) != 0)
			return false;
		H.m.initiator_verified = true;
		*done = true;
	}
	if (req_key("CHAP_C") && !H.m.omit_proof) {
		uint8_t chal[CHAP_CHALLENGE_MAX], resp[CHAP_DIGEST_MAX];
		size_t chal_len, resp_len;
		uint8_t id = 0;
		const char *secret = H.m.bad_proof ? "not-the-secret" : H.tgt_secret;

		v = req_key("CHAP_C");
		assert_int_equal(chap_parse_id(req_key("CHAP_I"), strlen(req_key("CHAP_I")), &id),
				 CHAP_OK);
		assert_int_equal(chap_decode_challenge(v, strlen(v), chal, &chal_len), CHAP_OK);
		assert_int_equal(chap_response(H.m.alg, id, (const uint8_t *)secret, strlen(secret),
					       chal, chal_len, resp, &resp_len), CHAP_OK);
		add(out, "CHAP_N", H.tgt_user);
		chap_encode_hex(resp, resp_len, hex, sizeof(hex));
		add(out, "CHAP_R", hex);
	}
	return true;
}

static inline void model_operational(struct text_list *out)
{
	const char *v;

	if ((v = req_key("HeaderDigest")) != NULL)
		add(out, "HeaderDigest",
		    H.m.crc_header && text_values_contains(v, "CRC32C") ? "CRC32C" : "None");
	if ((v = req_key("DataDigest")) != NULL)
		add(out, "DataDigest", "None");
	if (req_key("MaxRecvDataSegmentLength") && !H.m.operational_done)
		add_num(out, "MaxRecvDataSegmentLength", H.m.max_recv_dsl);
	if (req_key("MaxBurstLength"))
		add_num(out, "MaxBurstLength", min_u64(req_num("MaxBurstLength"), 262144));
	if (req_key("FirstBurstLength"))
		add_num(out, "FirstBurstLength", min_u64(req_num("FirstBurstLength"), 65536));
	if (req_key("MaxConnections"))
		add(out, "MaxConnections", "1");
	if (req_key("InitialR2T"))
		add(out, "InitialR2T", "Yes");
	if ((v = req_key("ImmediateData")) != NULL)
		add(out, "ImmediateData", v);
	if (req_key("DefaultTime2Wait"))
		add_num(out, "DefaultTime2Wait", req_num("DefaultTime2Wait") > 2 ?
			req_num("DefaultTime2Wait") : 2);
	if (req_key("DefaultTime2Retain"))
		add_num(out, "DefaultTime2Retain", min_u64(req_num("DefaultTime2Retain"), 20));
	if (req_key("MaxOutstandingR2T"))
		add(out, "MaxOutstandingR2T", "1");
	if (req_key("DataPDUInOrder"))
		add(out, "DataPDUInOrder", "Yes");
	if (req_key("DataSequenceInOrder"))
		add(out, "DataSequenceInOrder", "Yes");
	if (req_key("ErrorRecoveryLevel"))
		add(out, "ErrorRecoveryLevel", "0");
	if (!H.m.operational_done) {
		add(out, "TargetAlias", "model target");
		for (unsigned i = 0; i < H.m.extra_unknown; i++) {
			char key[40];

			snprintf(key, sizeof(key), "X-org.example.padding-key-%03u", i);
			add(out, key, "1");
		}
	}
}

/* Sends the next piece of a C-bit response. */
static inline enum login_step send_piece(void)
{
	struct iscsi_pdu p;
	size_t n = H.pending_len - H.pending_off;
	enum login_step s;
	bool cont;

	if (n > H.m.split)
		n = H.m.split;
	cont = H.pending_off + n < H.pending_len;
	rsp_init(&p, cont ? false : H.pending_transit, cont, H.pending_csg, H.pending_nsg,
		 H.pending + H.pending_off, n);
	if (!cont && H.pending_transit && H.pending_nsg == ISCSI_STAGE_FULL_FEATURE)
		p.u.login_rsp.tsih = H.m.tsih;
	H.pending_off += n;
	s = reply_raw(&p);
	if (!cont) {
		free(H.pending);
		H.pending = NULL;
	}
	return s;
}

/* The model target answers the request last taken. */
static inline enum login_step model_reply(void)
{
	const struct pdu_login_req *q = &H.req.u.login_req;
	struct text_list out;
	bool transit = false, done = true;
	uint8_t *blob = NULL;
	size_t len = 0;

	if (H.pending) {
		assert_int_equal(H.req.data_len, 0);    /* the initiator asks for more */
		return send_piece();
	}
	if (!H.keys_complete)
		return reply(false, q->csg, 0, 0, "");  /* acknowledge a piece */
	text_list_init(&out);
	if (q->csg == ISCSI_STAGE_SECURITY) {
		if (!model_security(&out, &done)) {
			text_list_free(&out);
			return reply_status(2, 1, "");
		}
	} else {
		model_operational(&out);
		if (H.m.extra_unknown && !H.m.operational_done) {
			/* Target offers (unknown keys) need answers: stay. */
			H.m.operational_done = true;
			done = false;
		}
		H.m.operational_done = true;
	}
	transit = q->transit && done;
	assert_int_equal(text_list_encode_alloc(&out, &blob, &len), TEXT_OK);
	text_list_free(&out);
	H.pending = blob;
	H.pending_len = len;
	H.pending_off = 0;
	H.pending_transit = transit;
	H.pending_csg = q->csg;
	H.pending_nsg = q->nsg;
	if (!H.m.split)
		H.m.split = SIZE_MAX;
	return send_piece();
}

/* The fake monitor: computes our CHAP answer with the configured secret. */
static inline enum login_step monitor_answer(void)
{
	const struct login_chap_request *q = login_chap_request(&H.l);
	struct login_chap_answer a;

	assert_non_null(q);
	memset(&a, 0, sizeof(a));
	H.chap_answers++;
	snprintf(a.name, sizeof(a.name), "%s", H.init_user);
	assert_int_equal(chap_response(q->alg, q->id, (const uint8_t *)H.init_secret,
				       strlen(H.init_secret), q->challenge, q->challenge_len,
				       a.response, &a.response_len), CHAP_OK);
	if (q->mutual) {
		assert_int_equal(chap_make_id(&a.id), CHAP_OK);
		a.challenge_len = chap_challenge_default_len(q->alg);
		assert_int_equal(chap_make_challenge(a.challenge_len, q->challenge,
						     q->challenge_len, a.challenge,
						     sizeof(a.challenge)), CHAP_OK);
	}
	return login_chap_answer(&H.l, &a, H.now);
}

static inline enum login_step monitor_verify(void)
{
	const struct login_chap_verify *v = login_chap_verify_request(&H.l);
	enum chap_err ce;

	assert_non_null(v);
	H.chap_verifies++;
	ce = chap_verify_target(v->alg, v->id, v->challenge, v->challenge_len,
				(const uint8_t *)H.tgt_secret, strlen(H.tgt_secret),
				(const uint8_t *)H.init_secret, strlen(H.init_secret),
				v->response, v->response_len);
	return login_chap_verified(&H.l, ce == CHAP_OK && strcmp(v->name, H.tgt_user) == 0,
				   H.now);
}

/* Runs the rest of the exchange against the model; returns the final step. */
static inline enum login_step run_rest(void)
{
	enum login_step s;

	for (int rounds = 0; rounds < 100; rounds++) {
		s = model_reply();
		while (s == LOGIN_STEP_CHAP_RESPONSE || s == LOGIN_STEP_CHAP_VERIFY)
			s = s == LOGIN_STEP_CHAP_RESPONSE ? monitor_answer() : monitor_verify();
		if (s != LOGIN_STEP_SEND)
			return s;
		take_request();
	}
	fail_msg("login did not end");
	return LOGIN_STEP_FAILED;
}

static inline enum login_step run_model(void)
{
	start_login();
	return run_rest();
}

static inline void assert_failed(enum login_step s, enum login_err err, int exit_code)
{
	const struct login_result *r = login_result(&H.l);

	if (s != LOGIN_STEP_FAILED || r->err != err)
		fail_msg("step %d err %d (%s), expected err %d", (int)s, (int)r->err, r->message,
			 (int)err);
	assert_int_equal(r->exit_code, exit_code);
	assert_true(strlen(r->message) > 0);
}


#endif
