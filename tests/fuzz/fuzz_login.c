/* libFuzzer harness for the login state machine: the input chooses the
 * kind of login (first byte) and then supplies the target's PDUs, each
 * decoded by proto/pdu.h the way the login worker decodes them, and fed
 * to the machine. A fake monitor answers CHAP requests (its verdict on
 * mutual CHAP comes from the mode byte). Besides memory errors, the
 * harness checks the machine's promises: every PDU it emits decodes, and
 * a login that ends in full feature phase when CHAP is required has
 * negotiated CHAP and, for mutual CHAP, had the target verified.
 * Input format: tests/fuzz/fuzz_login.h. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/bytes.h"
#include "proto/login.h"
#include "tests/fuzz/fuzz_login.h"

#define MODE_VERIFY_FAILS 0x10u
/* Patch ISID, ITT, versions and StatSN of Login Responses to what the
 * machine expects, so that mutations reach the stages and the text rather
 * than dying on the header checks (which other inputs cover). */
#define MODE_FIX_HEADERS 0x20u

static struct login machine;

static void fix_headers(uint8_t *img, size_t len, bool *have_statsn, uint32_t *statsn)
{
	static const uint8_t isid[6] = FUZZ_LOGIN_ISID;

	if (len < ISCSI_BHS_LEN || (img[0] & ISCSI_BHS_OPCODE_MASK) != ISCSI_OP_LOGIN_RSP)
		return;
	img[2] = 0;
	img[3] = 0;
	memcpy(img + 8, isid, sizeof(isid));
	put_be32(img + 16, FUZZ_LOGIN_ITT);
	if (*have_statsn)
		put_be32(img + 24, *statsn);
	*statsn = get_be32(img + 24) + 1;
	*have_statsn = true;
}

static void config(struct login_config *cfg, uint8_t mode)
{
	static const uint8_t isid[6] = FUZZ_LOGIN_ISID;
	enum neg_session_type type = mode & FUZZ_LOGIN_MODE_DISCOVERY ?
		NEG_SESSION_DISCOVERY : NEG_SESSION_NORMAL;

	login_config_default(cfg, type);
	strcpy(cfg->initiator_name, FUZZ_LOGIN_INITIATOR);
	if (type == NEG_SESSION_NORMAL)
		strcpy(cfg->target_name, FUZZ_LOGIN_TARGET);
	memcpy(cfg->isid, isid, sizeof(isid));
	cfg->itt = FUZZ_LOGIN_ITT;
	cfg->cmdsn = FUZZ_LOGIN_CMDSN;
	cfg->timeout_ms = FUZZ_LOGIN_TIMEOUT_MS;
	if (mode & FUZZ_LOGIN_MODE_JOIN)
		cfg->tsih = FUZZ_LOGIN_JOIN_TSIH;
	if (mode & FUZZ_LOGIN_MODE_MUTUAL)
		cfg->auth = LOGIN_AUTH_CHAP_MUTUAL;
	else if (mode & FUZZ_LOGIN_MODE_CHAP)
		cfg->auth = LOGIN_AUTH_CHAP;
	if (cfg->auth != LOGIN_AUTH_NONE) {
		cfg->chap_algs.count = 2;
		cfg->chap_algs.alg[0] = CHAP_ALG_SHA256;
		cfg->chap_algs.alg[1] = CHAP_ALG_MD5;
	}
}

/* Every PDU the machine emits must be a valid Login Request. */
static void check_output(const struct login *l)
{
	struct pdu_wire_opts opts = { .max_data_len = LOGIN_SEGMENT_MAX,
				      .sender = PDU_SENDER_INITIATOR };
	struct iscsi_pdu pdu;
	size_t len;
	const uint8_t *out = login_output(l, &len);

	if (pdu_decode(out, len, &opts, &pdu) != PDU_OK || pdu.opcode != ISCSI_OP_LOGIN_REQ)
		abort();
}

static enum login_step monitor(struct login *l, enum login_step step, uint8_t mode,
			       bool *verified)
{
	if (step == LOGIN_STEP_CHAP_RESPONSE) {
		const struct login_chap_request *q = login_chap_request(l);
		const struct chap_alg_info *info = q ? chap_alg_info(q->alg) : NULL;
		struct login_chap_answer a;

		if (!info)
			abort();
		memset(&a, 0, sizeof(a));
		strcpy(a.name, "fuzz-initiator");
		memset(a.response, 0x5a, info->digest_len);
		a.response_len = info->digest_len;
		if (q->mutual) {
			a.id = 7;
			a.challenge_len = 16;
			for (unsigned i = 0; i < a.challenge_len; i++)
				a.challenge[i] = (uint8_t)(0x30 + i);
		}
		return login_chap_answer(l, &a, 2000);
	}
	if (!login_chap_verify_request(l))
		abort();
	*verified = !(mode & MODE_VERIFY_FAILS);
	return login_chap_verified(l, *verified, 2000);
}

static void check_outcome(const struct login *l, const struct login_config *cfg,
			  enum login_step step, bool verified)
{
	const struct login_result *r = login_result(l);

	switch (step) {
	case LOGIN_STEP_DONE:
		if (r->err != LOGIN_OK || r->exit_code != 0 || r->tsih == 0)
			abort();
		if (cfg->tsih && r->tsih != cfg->tsih)
			abort();
		if (r->params.max_xmit_dsl < 512 || r->params.max_xmit_dsl > ISCSI_DSL_MAX)
			abort();
		if (cfg->neg.session_type == NEG_SESSION_NORMAL &&
		    r->params.first_burst > r->params.max_burst)
			abort();
		/* Downgrade protection. */
		if (cfg->auth != LOGIN_AUTH_NONE && r->params.auth_method != NEG_AUTH_CHAP)
			abort();
		if (cfg->auth == LOGIN_AUTH_CHAP_MUTUAL && !verified)
			abort();
		break;
	case LOGIN_STEP_FAILED:
		if (r->err == LOGIN_OK || r->exit_code == 0 || !r->message[0])
			abort();
		break;
	case LOGIN_STEP_REDIRECT:
		if (!r->redirect.host[0] || !r->redirect.address[0])
			abort();
		break;
	default:
		break;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct login_config cfg;
	struct pdu_wire_opts opts;
	enum login_step step;
	uint64_t now = 1000;
	size_t off = 1;
	uint8_t mode;
	bool verified = false, have_statsn = false;
	uint32_t statsn = 0;

	if (size < 1)
		return 0;
	mode = data[0];
	config(&cfg, mode);
	step = login_start(&machine, &cfg, now);
	while (step == LOGIN_STEP_SEND && size - off >= 4) {
		struct iscsi_pdu pdu;
		size_t len = (size_t)data[off] << 24 | (size_t)data[off + 1] << 16 |
			     (size_t)data[off + 2] << 8 | data[off + 3];
		uint8_t *img;
		enum pdu_err pe;

		check_output(&machine);
		off += 4;
		if (len > size - off)
			break;
		/* An exact-size copy, so ASan sees any read past the PDU. */
		img = malloc(len ? len : 1);
		if (!img)
			break;
		memcpy(img, data + off, len);
		off += len;
		if (mode & MODE_FIX_HEADERS)
			fix_headers(img, len, &have_statsn, &statsn);
		login_wire_opts(&machine, &opts);
		pe = pdu_decode(img, len, &opts, &pdu);
		now += 10;
		if (pe == PDU_OK)
			step = login_receive(&machine, &pdu, now);
		else
			step = login_timer(&machine, now + FUZZ_LOGIN_TIMEOUT_MS);
		while (step == LOGIN_STEP_CHAP_RESPONSE || step == LOGIN_STEP_CHAP_VERIFY)
			step = monitor(&machine, step, mode, &verified);
		free(img);
	}
	check_outcome(&machine, &cfg, step, verified);
	login_free(&machine);
	return 0;
}
