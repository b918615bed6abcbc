/* The CHAP sub-exchange of the security stage (RFC 7143 12.1.3):
 *
 *   I->T  AuthMethod=CHAP,None
 *   T->I  AuthMethod=CHAP
 *   I->T  CHAP_A=<our algorithms>
 *   T->I  CHAP_A=<one of them> CHAP_I=<id> CHAP_C=<challenge>
 *   I->T  CHAP_N=<name> CHAP_R=<response> [CHAP_I=<id> CHAP_C=<challenge>]  T=1
 *   T->I  [CHAP_N=<name> CHAP_R=<response>]  T=1
 *
 * The machine checks what the target sends and hands the arithmetic to the
 * caller, which holds the secrets (see proto/chap.h). */
#include "proto/login.h"
#include "proto/login_impl.h"

#include <stdio.h>
#include <string.h>

static enum login_step chap_fail(struct login *l, const char *what, enum chap_err ce)
{
	return login_fail(l, LOGIN_ERR_AUTH, "CHAP: %s: %s", what, chap_strerror(ce));
}

/* T->I CHAP_A, CHAP_I, CHAP_C: the challenge to answer. */
static enum login_step take_challenge(struct login *l, const char *id, const char *chal)
{
	struct login_chap_request *q = &l->chap_req;
	enum chap_err ce;

	q->alg = (enum chap_alg)l->neg.params.chap_alg;
	/* One we offered (chap_alg_accept); whether libcrypto has it was the
	 * secret holder's check before the offer. */
	if (!chap_alg_info(q->alg))
		return login_fail(l, LOGIN_ERR_AUTH, "CHAP: target chose algorithm %d",
				  (int)q->alg);
	ce = chap_parse_id(id, strlen(id), &q->id);
	if (ce != CHAP_OK)
		return chap_fail(l, "target's CHAP_I", ce);
	ce = chap_decode_challenge(chal, strlen(chal), q->challenge, &q->challenge_len);
	if (ce != CHAP_OK)
		return chap_fail(l, "target's CHAP_C", ce);
	q->mutual = l->cfg.auth == LOGIN_AUTH_CHAP_MUTUAL;
	l->auth = LOGIN_AUTH_NEED_RESPONSE;
	l->step = LOGIN_STEP_CHAP_RESPONSE;
	return l->step;
}

/* T->I CHAP_N, CHAP_R (mutual): the target's proof, to verify. */
static enum login_step take_target_proof(struct login *l, const char *name, const char *resp,
					 bool transit, unsigned nsg, uint16_t tsih)
{
	struct login_chap_verify *v = &l->chap_verify;
	size_t nlen = strlen(name);
	enum chap_err ce;

	ce = chap_check_name(name, nlen);
	if (ce != CHAP_OK)
		return chap_fail(l, "target's CHAP_N", ce);
	ce = chap_decode_response(v->alg, resp, strlen(resp), v->response, &v->response_len);
	if (ce != CHAP_OK)
		return chap_fail(l, "target's CHAP_R", ce);
	memcpy(v->name, name, nlen + 1);
	l->pending_transit = transit;
	l->pending_nsg = (uint8_t)nsg;
	l->pending_tsih = tsih;
	l->auth = LOGIN_AUTH_NEED_VERIFY;
	l->step = LOGIN_STEP_CHAP_VERIFY;
	return l->step;
}

enum login_step login_auth_receive(struct login *l, const struct text_list *auth, bool transit,
				   unsigned nsg, uint16_t tsih)
{
	const char *id = text_list_get(auth, "CHAP_I");
	const char *chal = text_list_get(auth, "CHAP_C");
	const char *name = text_list_get(auth, "CHAP_N");
	const char *resp = text_list_get(auth, "CHAP_R");
	char algs[CHAP_ALG_LIST_SIZE];

	switch (l->auth) {
	case LOGIN_AUTH_METHOD_SENT:
		if (auth->count)
			break;
		if (!neg_key_received(&l->neg, NEG_AUTH_METHOD))
			return LOGIN_STEP_SEND;         /* not answered yet */
		if (l->neg.params.auth_method != NEG_AUTH_CHAP)
			return login_fail(l, LOGIN_ERR_AUTH_DOWNGRADE,
					  "target chose AuthMethod=None but CHAP is required");
		if (chap_prefs_format(&l->cfg.chap_algs, algs, sizeof(algs)) != CHAP_OK ||
		    neg_send_key(&l->neg, NEG_CHAP_A, algs, &l->next) != NEG_OK)
			return login_fail(l, LOGIN_ERR_INTERNAL, "cannot offer our CHAP algorithms");
		l->auth = LOGIN_AUTH_ALG_SENT;
		return LOGIN_STEP_SEND;
	case LOGIN_AUTH_ALG_SENT:
		if (name || resp)
			break;
		if (!neg_key_received(&l->neg, NEG_CHAP_A) && !id && !chal)
			return LOGIN_STEP_SEND;
		if (!neg_key_received(&l->neg, NEG_CHAP_A) || !id || !chal)
			return login_fail(l, LOGIN_ERR_AUTH,
					  "CHAP: target sent an incomplete challenge (CHAP_A, CHAP_I and CHAP_C belong together)");
		return take_challenge(l, id, chal);
	case LOGIN_AUTH_RESPONSE_SENT:
		if (id || chal)
			break;
		if (l->cfg.auth != LOGIN_AUTH_CHAP_MUTUAL) {
			if (name || resp)
				return login_fail(l, LOGIN_ERR_AUTH,
						  "CHAP: target answered a challenge we did not send");
			if (transit)
				l->auth = LOGIN_AUTH_DONE;
			return LOGIN_STEP_SEND;
		}
		if (!name && !resp) {
			if (transit)
				return login_fail(l, LOGIN_ERR_AUTH_DOWNGRADE,
						  "target left the security stage without answering our CHAP challenge");
			return LOGIN_STEP_SEND;
		}
		if (!name || !resp)
			return login_fail(l, LOGIN_ERR_AUTH,
					  "CHAP: target's answer lacks CHAP_N or CHAP_R");
		return take_target_proof(l, name, resp, transit, nsg, tsih);
	case LOGIN_AUTH_OFF:
	case LOGIN_AUTH_DONE:
	default:
		if (!auth->count)
			return LOGIN_STEP_SEND;
		break;
	}
	return login_fail(l, LOGIN_ERR_AUTH, "CHAP: target sent %s at this point of the exchange",
			  auth->pairs[0].key);
}

bool login_auth_may_leave(const struct login *l)
{
	return l->auth == LOGIN_AUTH_OFF || l->auth == LOGIN_AUTH_DONE;
}

const struct login_chap_request *login_chap_request(const struct login *l)
{
	return l->step == LOGIN_STEP_CHAP_RESPONSE ? &l->chap_req : NULL;
}

const struct login_chap_verify *login_chap_verify_request(const struct login *l)
{
	return l->step == LOGIN_STEP_CHAP_VERIFY ? &l->chap_verify : NULL;
}

static enum login_step check_answer(struct login *l, const struct login_chap_answer *a)
{
	const struct chap_alg_info *info = chap_alg_info(l->chap_req.alg);
	size_t nlen = strnlen(a->name, sizeof(a->name));
	enum chap_err ce;

	if (nlen == sizeof(a->name))
		return chap_fail(l, "our CHAP_N", CHAP_ERR_NAME_LONG);
	ce = chap_check_name(a->name, nlen);
	if (ce != CHAP_OK)
		return chap_fail(l, "our CHAP_N", ce);
	if (!info || a->response_len != info->digest_len)
		return chap_fail(l, "our CHAP_R", CHAP_ERR_RESPONSE_LENGTH);
	if (!l->chap_req.mutual)
		return LOGIN_STEP_SEND;
	ce = chap_check_challenge(a->challenge_len);
	if (ce != CHAP_OK)
		return chap_fail(l, "our CHAP_C", ce);
	ce = chap_check_not_reflected(a->challenge, a->challenge_len, l->chap_req.challenge,
				      l->chap_req.challenge_len);
	if (ce != CHAP_OK)
		return chap_fail(l, "our CHAP_C", ce);
	return LOGIN_STEP_SEND;
}

enum login_step login_chap_answer(struct login *l, const struct login_chap_answer *a,
				  uint64_t now_ms)
{
	char hex[CHAP_HEX_SIZE(CHAP_CHALLENGE_MAX)];
	char id[4];
	enum neg_err e;

	if (l->step != LOGIN_STEP_CHAP_RESPONSE)
		return login_fail(l, LOGIN_ERR_STATE, "a CHAP answer was given while none was asked");
	if (login_timer(l, now_ms) != LOGIN_STEP_CHAP_RESPONSE)
		return l->step;
	if (check_answer(l, a) != LOGIN_STEP_SEND)
		return l->step;
	e = neg_send_key(&l->neg, NEG_CHAP_N, a->name, &l->next);
	if (e == NEG_OK) {
		chap_encode_hex(a->response, a->response_len, hex, sizeof(hex));
		e = neg_send_key(&l->neg, NEG_CHAP_R, hex, &l->next);
	}
	if (e == NEG_OK && l->chap_req.mutual) {
		struct login_chap_verify *v = &l->chap_verify;

		snprintf(id, sizeof(id), "%u", a->id);
		e = neg_send_key(&l->neg, NEG_CHAP_I, id, &l->next);
		chap_encode_hex(a->challenge, a->challenge_len, hex, sizeof(hex));
		if (e == NEG_OK)
			e = neg_send_key(&l->neg, NEG_CHAP_C, hex, &l->next);
		v->alg = l->chap_req.alg;
		v->id = a->id;
		memcpy(v->challenge, a->challenge, a->challenge_len);
		v->challenge_len = a->challenge_len;
	}
	chap_wipe(hex, sizeof(hex));
	if (e != NEG_OK)
		return login_fail(l, LOGIN_ERR_INTERNAL, "cannot send our CHAP answer: %s",
				  l->neg.msg);
	l->auth = LOGIN_AUTH_RESPONSE_SENT;
	l->want_transit = true;
	l->want_nsg = ISCSI_STAGE_OPERATIONAL;
	l->step = LOGIN_STEP_SEND;
	return login_send_next(l);
}

enum login_step login_chap_verified(struct login *l, bool ok, uint64_t now_ms)
{
	if (l->step != LOGIN_STEP_CHAP_VERIFY)
		return login_fail(l, LOGIN_ERR_STATE, "a CHAP verdict was given while none was asked");
	if (login_timer(l, now_ms) != LOGIN_STEP_CHAP_VERIFY)
		return l->step;
	chap_wipe(l->chap_verify.response, sizeof(l->chap_verify.response));
	if (!ok)
		return login_fail(l, LOGIN_ERR_AUTH,
				  "target failed mutual CHAP authentication");
	l->auth = LOGIN_AUTH_DONE;
	l->step = LOGIN_STEP_SEND;
	return login_advance(l, l->pending_transit, l->pending_nsg, l->pending_tsih);
}
