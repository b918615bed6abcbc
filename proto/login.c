/* The login state machine: configuration checks, the request we send in
 * each stage, and the checks on every Login Response. The CHAP
 * sub-exchange is in login_chap.c, outcomes and statuses in
 * login_result.c. */
#include "proto/login.h"
#include "proto/login_impl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/exitcodes.h"

void login_config_default(struct login_config *cfg, enum neg_session_type type)
{
	memset(cfg, 0, sizeof(*cfg));
	neg_config_default(&cfg->neg, type);
	cfg->auth = LOGIN_AUTH_NONE;
	cfg->chap_algs.count = 1;
	cfg->chap_algs.alg[0] = CHAP_ALG_MD5;
	cfg->timeout_ms = 15000;
}

static int check_name(struct login *l, const char *what, const char *name)
{
	struct iscsi_name_result res;

	if (iscsi_name_check(name, ISCSI_NAME_ALLOW_UPPER, &res) == NAME_OK)
		return 0;
	iscsi_name_describe(l->result.message, sizeof(l->result.message), what, name, &res);
	return -1;
}

static enum login_step config_fail(struct login *l)
{
	l->step = LOGIN_STEP_FAILED;
	l->result.err = LOGIN_ERR_CONFIG;
	l->result.exit_code = ISCSI_ERR_INVAL;
	return l->step;
}

static enum login_step check_config(struct login *l, const struct login_config *cfg)
{
	char msg[160];

	if (neg_config_check(&cfg->neg, msg, sizeof(msg)) < 0)
		return login_fail(l, LOGIN_ERR_CONFIG, "invalid login settings: %s", msg);
	if (memchr(cfg->initiator_name, '\0', sizeof(cfg->initiator_name)) == NULL ||
	    memchr(cfg->initiator_alias, '\0', sizeof(cfg->initiator_alias)) == NULL ||
	    memchr(cfg->target_name, '\0', sizeof(cfg->target_name)) == NULL)
		return login_fail(l, LOGIN_ERR_CONFIG, "unterminated name in login settings");
	if (check_name(l, "initiator name", cfg->initiator_name) < 0)
		return config_fail(l);
	if (cfg->neg.session_type == NEG_SESSION_NORMAL &&
	    check_name(l, "target name", cfg->target_name) < 0)
		return config_fail(l);
	if (cfg->initiator_alias[0] && iscsi_alias_check(cfg->initiator_alias, NULL) != NAME_OK)
		return login_fail(l, LOGIN_ERR_CONFIG, "invalid initiator alias");
	if ((cfg->isid[0] >> 6) == 3)
		return login_fail(l, LOGIN_ERR_CONFIG, "ISID type 11b is reserved");
	if (cfg->timeout_ms == 0)
		return login_fail(l, LOGIN_ERR_CONFIG, "login timeout must be positive");
	if (cfg->auth != LOGIN_AUTH_NONE && cfg->auth != LOGIN_AUTH_CHAP &&
	    cfg->auth != LOGIN_AUTH_CHAP_MUTUAL)
		return login_fail(l, LOGIN_ERR_CONFIG, "unknown authentication setting %d",
				  (int)cfg->auth);
	/* Whether libcrypto computes each algorithm is the secret holder's
	 * check (it computes them): a trial digest here would initialise
	 * libcrypto inside the sandboxed worker, which never needs it. */
	if (cfg->auth != LOGIN_AUTH_NONE &&
	    (cfg->chap_algs.count == 0 || cfg->chap_algs.count > CHAP_ALG_COUNT))
		return login_fail(l, LOGIN_ERR_CONFIG, "no CHAP algorithm configured");
	return LOGIN_STEP_SEND;
}

/* The first request: who we are, what we want, how we authenticate. */
static enum login_step first_request(struct login *l)
{
	const struct login_config *c = &l->cfg;
	bool normal = c->neg.session_type == NEG_SESSION_NORMAL;
	enum neg_err e;

	e = neg_send_key(&l->neg, NEG_INITIATOR_NAME, c->initiator_name, &l->next);
	if (e == NEG_OK && c->initiator_alias[0])
		e = neg_send_key(&l->neg, NEG_INITIATOR_ALIAS, c->initiator_alias, &l->next);
	if (e == NEG_OK && c->neg.leading)
		e = neg_send_key(&l->neg, NEG_SESSION_TYPE, normal ? "Normal" : "Discovery",
				 &l->next);
	if (e == NEG_OK && normal)
		e = neg_send_key(&l->neg, NEG_TARGET_NAME, c->target_name, &l->next);
	if (e == NEG_OK)
		e = neg_send_key(&l->neg, NEG_AUTH_METHOD,
				 c->auth == LOGIN_AUTH_NONE ? "None" : "CHAP,None", &l->next);
	if (e != NEG_OK)
		return login_fail(l, LOGIN_ERR_INTERNAL, "building the first request: %s",
				  l->neg.msg);
	l->stage = ISCSI_STAGE_SECURITY;
	/* With CHAP the stage needs several rounds; we ask to leave it only
	 * with our CHAP response. */
	l->want_transit = c->auth == LOGIN_AUTH_NONE;
	l->want_nsg = ISCSI_STAGE_OPERATIONAL;
	l->auth = c->auth == LOGIN_AUTH_NONE ? LOGIN_AUTH_OFF : LOGIN_AUTH_METHOD_SENT;
	return login_send_next(l);
}

enum login_step login_start(struct login *l, const struct login_config *cfg, uint64_t now_ms)
{
	memset(l, 0, sizeof(*l));
	text_list_init(&l->next);
	text_asm_init(&l->rx, NULL);
	l->step = LOGIN_STEP_SEND;
	if (check_config(l, cfg) != LOGIN_STEP_SEND)
		return l->step;
	l->cfg = *cfg;
	l->cfg.neg.leading = cfg->tsih == 0;
	neg_init(&l->neg, &l->cfg.neg);
	l->deadline_ms = now_ms + cfg->timeout_ms;
	return first_request(l);
}

/* Encodes one Login Request carrying chunk. */
static enum login_step emit(struct login *l, const uint8_t *chunk, size_t len, bool cont)
{
	struct iscsi_pdu pdu;
	struct pdu_wire_opts opts = { .max_data_len = LOGIN_SEGMENT_MAX };
	struct pdu_login_req *r = &pdu.u.login_req;
	enum pdu_err pe;

	pdu_init(&pdu, ISCSI_OP_LOGIN_REQ);
	pdu.immediate = true;
	pdu.itt = l->cfg.itt;
	pdu.data = chunk;
	pdu.data_len = len;
	r->transit = !cont && l->want_transit;
	r->cont = cont;
	r->csg = (uint8_t)l->stage;
	r->nsg = r->transit ? (uint8_t)l->want_nsg : 0;
	r->version_max = ISCSI_DRAFT20_VERSION;
	r->version_min = ISCSI_DRAFT20_VERSION;
	memcpy(r->isid, l->cfg.isid, sizeof(r->isid));
	r->tsih = l->cfg.tsih;
	r->cid = l->cfg.cid;
	r->cmdsn = l->cfg.cmdsn;
	r->exp_statsn = l->seen_response ? l->next_statsn : l->cfg.exp_statsn;
	pe = pdu_encode(&pdu, &opts, l->out, sizeof(l->out), &l->out_len);
	if (pe != PDU_OK)
		return login_fail(l, LOGIN_ERR_INTERNAL, "encoding a Login Request: %s",
				  pdu_strerror(pe));
	l->sent_transit = r->transit;
	l->tx_more = cont;
	l->step = LOGIN_STEP_SEND;
	return l->step;
}

static void drop_blob(struct login *l)
{
	if (l->tx_blob) {
		chap_wipe(l->tx_blob, l->tx_len);
		free(l->tx_blob);
	}
	l->tx_blob = NULL;
	l->tx_len = 0;
}

static enum login_step send_chunk(struct login *l)
{
	const uint8_t *chunk = NULL;
	size_t len = 0;
	bool cont = false;

	if (!text_split_next(&l->tx, &chunk, &len, &cont))
		return login_fail(l, LOGIN_ERR_INTERNAL, "no text left to send");
	if (emit(l, chunk, len, cont) != LOGIN_STEP_SEND)
		return l->step;
	if (!cont)
		drop_blob(l);
	return l->step;
}

enum login_step login_send_next(struct login *l)
{
	size_t chunk = LOGIN_SEGMENT_MAX;
	enum text_err te;

	drop_blob(l);
	te = text_list_encode_alloc(&l->next, &l->tx_blob, &l->tx_len);
	login_list_wipe(&l->next);
	if (te != TEXT_OK)
		return login_fail(l, LOGIN_ERR_INTERNAL, "encoding our keys: %s", text_strerror(te));
	/* The target's declaration only ever lowers what the login uses. */
	if (l->neg.params.max_xmit_dsl < chunk)
		chunk = l->neg.params.max_xmit_dsl;
	text_split_init(&l->tx, l->tx_blob, l->tx_len, chunk);
	return send_chunk(l);
}

const uint8_t *login_output(const struct login *l, size_t *len)
{
	*len = l->step == LOGIN_STEP_SEND ? l->out_len : 0;
	return l->out;
}

static uint32_t recv_limit(const struct login *l)
{
	uint32_t ours = l->cfg.neg.max_recv_dsl;

	return ours > LOGIN_SEGMENT_MAX ? ours : LOGIN_SEGMENT_MAX;
}

void login_wire_opts(const struct login *l, struct pdu_wire_opts *opts)
{
	memset(opts, 0, sizeof(*opts));
	opts->max_data_len = recv_limit(l);
	opts->sender = PDU_SENDER_TARGET;
}

uint64_t login_deadline(const struct login *l)
{
	return l->deadline_ms;
}

static bool active(const struct login *l)
{
	return l->step == LOGIN_STEP_SEND || l->step == LOGIN_STEP_CHAP_RESPONSE ||
	       l->step == LOGIN_STEP_CHAP_VERIFY;
}

enum login_step login_timer(struct login *l, uint64_t now_ms)
{
	if (active(l) && now_ms >= l->deadline_ms)
		return login_fail(l, LOGIN_ERR_TIMEOUT, "login timed out after %u ms",
				  l->cfg.timeout_ms);
	return l->step;
}

static enum login_step finish(struct login *l, uint16_t tsih)
{
	struct login_result *r = &l->result;

	if (neg_finish(&l->neg) != NEG_OK)
		return login_fail(l, LOGIN_ERR_NEGOTIATION, "login negotiation failed: %s",
				  l->neg.msg);
	if (l->cfg.tsih == 0 && tsih == 0)
		return login_fail(l, LOGIN_ERR_PROTOCOL, "final Login Response carries TSIH 0");
	if (l->cfg.tsih != 0 && tsih != l->cfg.tsih)
		return login_fail(l, LOGIN_ERR_PROTOCOL,
				  "final Login Response carries TSIH %u, not the session's %u",
				  tsih, l->cfg.tsih);
	r->err = LOGIN_OK;
	r->exit_code = ISCSI_SUCCESS;
	r->retryable = false;
	snprintf(r->message, sizeof(r->message), "login succeeded");
	r->params = l->neg.params;
	r->tsih = tsih;
	r->cmdsn = l->cfg.cmdsn;
	r->exp_statsn = l->next_statsn;
	r->exp_cmdsn = l->exp_cmdsn;
	r->max_cmdsn = l->max_cmdsn;
	l->step = LOGIN_STEP_DONE;
	return l->step;
}

/* Answers other than NotUnderstood/Irrelevant are owed to real offers. */
static bool owes_answers(const struct text_list *next)
{
	for (size_t i = 0; i < next->count; i++) {
		enum text_special sp = text_value_special(next->pairs[i].value);

		if (sp != TEXT_VALUE_NOT_UNDERSTOOD && sp != TEXT_VALUE_IRRELEVANT)
			return true;
	}
	return false;
}

enum login_step login_advance(struct login *l, bool transit, unsigned nsg, uint16_t tsih)
{
	if (!transit)
		return login_send_next(l);
	if (owes_answers(&l->next))
		return login_fail(l, LOGIN_ERR_PROTOCOL,
				  "target ended the stage with offers still to be answered");
	if (l->stage == ISCSI_STAGE_SECURITY && !login_auth_may_leave(l))
		return login_fail(l, LOGIN_ERR_AUTH_DOWNGRADE,
				  "target left the security stage before CHAP authentication completed");
	if (neg_stage_end(&l->neg, l->stage) != NEG_OK)
		return login_fail(l, LOGIN_ERR_NEGOTIATION, "login negotiation failed: %s",
				  l->neg.msg);
	login_list_wipe(&l->next);
	l->stage = nsg;
	if (nsg == ISCSI_STAGE_FULL_FEATURE)
		return finish(l, tsih);
	l->want_transit = true;
	l->want_nsg = ISCSI_STAGE_FULL_FEATURE;
	if (neg_offer_operational(&l->neg, &l->next) != NEG_OK)
		return login_fail(l, LOGIN_ERR_INTERNAL, "building our offers: %s", l->neg.msg);
	return login_send_next(l);
}

static const char *stage_name(unsigned stage)
{
	switch (stage) {
	case ISCSI_STAGE_SECURITY: return "security";
	case ISCSI_STAGE_OPERATIONAL: return "operational";
	case ISCSI_STAGE_FULL_FEATURE: return "full feature";
	default: return "reserved";
	}
}

/* Header checks of a success-class response. */
static enum login_step check_header(struct login *l, const struct pdu_login_rsp *r)
{
	if (r->version_active != ISCSI_DRAFT20_VERSION || r->version_max < r->version_active)
		return login_fail(l, LOGIN_ERR_PROTOCOL,
				  "target answered with version 0x%02x (max 0x%02x); only 0x00 exists",
				  r->version_active, r->version_max);
	if (l->seen_response && r->version_max != l->version_max)
		return login_fail(l, LOGIN_ERR_PROTOCOL, "target changed Version-max during login");
	/* Leaving a security stage that still needs CHAP is a downgrade,
	 * whichever way the target tries it. */
	if (l->stage == ISCSI_STAGE_SECURITY && l->auth != LOGIN_AUTH_OFF &&
	    l->auth < LOGIN_AUTH_RESPONSE_SENT && (r->transit || r->csg != ISCSI_STAGE_SECURITY))
		return login_fail(l, LOGIN_ERR_AUTH_DOWNGRADE,
				  "target tried to skip CHAP authentication, which is required");
	if (r->csg != l->stage)
		return login_fail(l, LOGIN_ERR_PROTOCOL,
				  "target answered in the %s stage while we are in the %s stage",
				  stage_name(r->csg), stage_name(l->stage));
	if (l->seen_response && r->statsn != l->next_statsn)
		return login_fail(l, LOGIN_ERR_PROTOCOL, "target sent StatSN %u, expected %u",
				  r->statsn, l->next_statsn);
	if (r->transit) {
		if (!l->sent_transit)
			return login_fail(l, LOGIN_ERR_PROTOCOL,
					  "target set the T bit though our request did not");
		if (r->nsg <= l->stage || r->nsg == 2 || r->nsg > l->want_nsg)
			return login_fail(l, LOGIN_ERR_PROTOCOL,
					  "target moved from the %s stage to the %s stage, not asked for",
					  stage_name(l->stage), stage_name(r->nsg));
	}
	l->seen_response = true;
	l->version_max = r->version_max;
	l->next_statsn = r->statsn + 1;
	l->exp_cmdsn = r->exp_cmdsn;
	l->max_cmdsn = r->max_cmdsn;
	return LOGIN_STEP_SEND;
}

/* The keys of one complete response. */
static enum login_step process_text(struct login *l, const struct pdu_login_rsp *r,
				    const struct text_list *in)
{
	struct text_list auth;
	enum login_step s;

	text_list_init(&auth);
	if (neg_receive(&l->neg, l->stage, in, &l->next, &auth) != NEG_OK) {
		login_list_wipe(&auth);
		/* With CHAP required, what the security stage negotiates is the
		 * authentication itself (AuthMethod, CHAP_A): a target that
		 * answers with a method or an algorithm we did not offer is
		 * refused as a failed authentication, not a mere mismatch. */
		enum login_err e = l->neg.err == NEG_ERR_BUILD ? LOGIN_ERR_INTERNAL :
				   l->stage == ISCSI_STAGE_SECURITY &&
						   l->cfg.auth != LOGIN_AUTH_NONE ?
							   LOGIN_ERR_AUTH :
							   LOGIN_ERR_NEGOTIATION;
		return login_fail(l, e, "login negotiation failed: %s", l->neg.msg);
	}
	s = login_auth_receive(l, &auth, r->transit, r->nsg, r->tsih);
	login_list_wipe(&auth);
	if (s != LOGIN_STEP_SEND)
		return s;
	return login_advance(l, r->transit, r->nsg, r->tsih);
}

enum login_step login_receive(struct login *l, const struct iscsi_pdu *pdu, uint64_t now_ms)
{
	const struct pdu_login_rsp *r = &pdu->u.login_rsp;
	struct text_list in;
	struct text_error terr;
	enum text_err te;
	char msg[160];

	if (l->step != LOGIN_STEP_SEND)
		return login_fail(l, LOGIN_ERR_STATE, "a PDU was fed while none was expected");
	if (login_timer(l, now_ms) != LOGIN_STEP_SEND)
		return l->step;
	if (++l->responses > LOGIN_MAX_RESPONSES)
		return login_fail(l, LOGIN_ERR_PROTOCOL, "target sent more than %u Login Responses",
				  LOGIN_MAX_RESPONSES);
	if (pdu->opcode == ISCSI_OP_REJECT)
		return login_fail(l, LOGIN_ERR_REJECT,
				  "target rejected our Login Request (reason 0x%02x)",
				  pdu->u.reject.reason);
	if (pdu->opcode != ISCSI_OP_LOGIN_RSP)
		return login_fail(l, LOGIN_ERR_PROTOCOL, "unexpected %s PDU during login",
				  pdu_opcode_name(pdu->opcode));
	if (pdu->itt != l->cfg.itt)
		return login_fail(l, LOGIN_ERR_PROTOCOL,
				  "Login Response for task tag 0x%08x, ours is 0x%08x", pdu->itt,
				  l->cfg.itt);
	/* tgtd answers an unknown TargetName (02/03) with a zero ISID; the
	 * login ends on that status either way, so it is taken as said. */
	static const uint8_t zero_isid[6];
	bool zero_on_error = r->status_class != ISCSI_LOGIN_STATUS_SUCCESS &&
			     memcmp(r->isid, zero_isid, sizeof(zero_isid)) == 0;
	if (memcmp(r->isid, l->cfg.isid, sizeof(r->isid)) != 0 && !zero_on_error)
		return login_fail(l, LOGIN_ERR_PROTOCOL, "Login Response for another ISID");
	if (pdu->data_len > recv_limit(l) || (pdu->data_len && !pdu->data))
		return login_fail(l, LOGIN_ERR_PROTOCOL, "Login Response data too long");
	if ((r->transit && r->cont) || r->csg > ISCSI_STAGE_FULL_FEATURE ||
	    r->nsg > ISCSI_STAGE_FULL_FEATURE)
		return login_fail(l, LOGIN_ERR_PROTOCOL, "invalid Login Response flags");
	if (r->status_class != ISCSI_LOGIN_STATUS_SUCCESS)
		return login_status_response(l, pdu);
	if (r->status_detail != 0)
		return login_fail(l, LOGIN_ERR_PROTOCOL, "success status with detail 0x%02x",
				  r->status_detail);
	if (check_header(l, r) != LOGIN_STEP_SEND)
		return l->step;
	if (l->tx_more) {
		/* Our text is continued: each piece is acknowledged empty. */
		if (pdu->data_len || r->transit || r->cont)
			return login_fail(l, LOGIN_ERR_PROTOCOL,
					  "target did not acknowledge our continued text with an empty response");
		return send_chunk(l);
	}
	te = text_asm_add(&l->rx, pdu->data, pdu->data_len, r->cont, &in, &terr);
	if (te != TEXT_OK) {
		text_list_free(&in);
		text_error_format(&terr, msg, sizeof(msg));
		return login_fail(l, LOGIN_ERR_TEXT, "malformed login text: %s", msg);
	}
	if (r->cont)
		return login_send_next(l);      /* an empty request asks for the rest */
	text_asm_reset(&l->rx);
	process_text(l, r, &in);
	login_list_wipe(&in);
	return l->step;
}

void login_free(struct login *l)
{
	drop_blob(l);
	if (l->rx.buf)
		chap_wipe(l->rx.buf, l->rx.cap);
	text_asm_free(&l->rx);
	login_list_wipe(&l->next);
	chap_wipe(&l->chap_req, sizeof(l->chap_req));
	chap_wipe(&l->chap_verify, sizeof(l->chap_verify));
	chap_wipe(l->out, sizeof(l->out));
}
