/* The negotiation engine: our offers, the target's answers and offers,
 * and the resulting parameters. The rules it applies are listed in
 * proto/negotiate.h. */
#include "proto/negotiate.h"
#include "proto/negotiate_impl.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "proto/pdu.h"

enum neg_err neg_fail(struct neg_state *st, enum neg_err err, const char *fmt, ...)
		      {
		      va_list ap;

	st->err = err;
	va_start(ap, fmt);
	vsnprintf(st->msg, sizeof(st->msg), fmt, ap);
	va_end(ap);
	return err;
}

const char *neg_shown(const struct neg_key_def *d, const char *value, char *buf, size_t size)
{
	if (d && d->kind == NEG_KIND_AUTH)
		return "(hidden)";
	iscsi_escape(buf, size, value, strnlen(value, 64));
	return buf;
}

void neg_config_default(struct neg_config *cfg, enum neg_session_type type)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->session_type = type;
	cfg->leading = true;
	cfg->header_digest = NEG_DIGEST_NONE;
	cfg->data_digest = NEG_DIGEST_NONE;
	cfg->max_recv_dsl = type == NEG_SESSION_DISCOVERY ? 32768 : 262144;
	cfg->max_burst = 16776192;
	cfg->first_burst = 262144;
	cfg->max_connections = 1;
	cfg->max_outstanding_r2t = 1;
	cfg->time2wait = 2;
	cfg->time2retain = 0;
	cfg->erl = 0;
	cfg->initial_r2t = false;
	cfg->immediate_data = true;
	cfg->data_pdu_in_order = true;
	cfg->data_seq_in_order = true;
}

static int check_cfg_num(enum neg_key key, uint64_t v, char *msg, size_t size)
{
	const struct neg_key_def *d = neg_key_def(key);

	if (v < d->min || v > d->max) {
		snprintf(msg, size, "%s=%llu is outside %llu..%llu", d->name,
			 (unsigned long long)v, (unsigned long long)d->min,
			 (unsigned long long)d->max);
		return -1;
	}
	return 0;
}

int neg_config_check(const struct neg_config *cfg, char *msg, size_t size)
{
	if (cfg->session_type != NEG_SESSION_NORMAL && cfg->session_type != NEG_SESSION_DISCOVERY) {
		snprintf(msg, size, "unknown session type %d", (int)cfg->session_type);
		return -1;
	}
	if ((unsigned)cfg->header_digest > NEG_DIGEST_NONE_CRC32C ||
	    (unsigned)cfg->data_digest > NEG_DIGEST_NONE_CRC32C) {
		snprintf(msg, size, "unknown digest setting");
		return -1;
	}
	if (check_cfg_num(NEG_MAX_RECV_DSL, cfg->max_recv_dsl, msg, size) ||
	    check_cfg_num(NEG_MAX_BURST, cfg->max_burst, msg, size) ||
	    check_cfg_num(NEG_FIRST_BURST, cfg->first_burst, msg, size) ||
	    check_cfg_num(NEG_MAX_CONNECTIONS, cfg->max_connections, msg, size) ||
	    check_cfg_num(NEG_MAX_OUTSTANDING_R2T, cfg->max_outstanding_r2t, msg, size) ||
	    check_cfg_num(NEG_TIME2WAIT, cfg->time2wait, msg, size) ||
	    check_cfg_num(NEG_TIME2RETAIN, cfg->time2retain, msg, size) ||
	    check_cfg_num(NEG_ERL, cfg->erl, msg, size))
		return -1;
	if (cfg->first_burst > cfg->max_burst) {
		snprintf(msg, size, "FirstBurstLength=%u exceeds MaxBurstLength=%u",
			 cfg->first_burst, cfg->max_burst);
		return -1;
	}
	return 0;
}

static const char *digest_list(enum neg_digest_pref p)
{
	switch (p) {
	case NEG_DIGEST_CRC32C:
		return "CRC32C";
	case NEG_DIGEST_CRC32C_NONE:
		return "CRC32C,None";
	case NEG_DIGEST_NONE_CRC32C:
		return "None,CRC32C";
	case NEG_DIGEST_NONE:
	default:
		return "None";
	}
}

void neg_init(struct neg_state *st, const struct neg_config *cfg)
{
	memset(st, 0, sizeof(*st));
	st->cfg = *cfg;
	/* Until a key is negotiated, its RFC default is in force. */
	st->params.max_recv_dsl = 8192;
	st->params.max_xmit_dsl = 8192;
	st->params.max_burst = 262144;
	st->params.first_burst = 65536;
	st->params.max_connections = 1;
	st->params.max_outstanding_r2t = 1;
	st->params.time2wait = 2;
	st->params.time2retain = 20;
	st->params.initial_r2t = true;
	st->params.immediate_data = true;
	st->params.data_pdu_in_order = true;
	st->params.data_seq_in_order = true;
	st->params.tpgt = -1;
	snprintf(st->accept[NEG_HEADER_DIGEST], NEG_LIST_TEXT_MAX, "%s",
		 digest_list(cfg->header_digest));
	snprintf(st->accept[NEG_DATA_DIGEST], NEG_LIST_TEXT_MAX, "%s",
		 digest_list(cfg->data_digest));
	snprintf(st->accept[NEG_AUTH_METHOD], NEG_LIST_TEXT_MAX, "None");
	snprintf(st->accept[NEG_TASK_REPORTING], NEG_LIST_TEXT_MAX, "RFC3720");
}

uint64_t neg_our_number(const struct neg_state *st, enum neg_key key)
{
	const struct neg_config *c = &st->cfg;

	switch (key) {
	case NEG_MAX_CONNECTIONS: return c->max_connections;
	case NEG_INITIAL_R2T: return c->initial_r2t;
	case NEG_IMMEDIATE_DATA: return c->immediate_data;
	case NEG_MAX_RECV_DSL: return c->max_recv_dsl;
	case NEG_MAX_BURST: return c->max_burst;
	case NEG_FIRST_BURST: return c->first_burst;
	case NEG_TIME2WAIT: return c->time2wait;
	case NEG_TIME2RETAIN: return c->time2retain;
	case NEG_MAX_OUTSTANDING_R2T: return c->max_outstanding_r2t;
	case NEG_DATA_PDU_IN_ORDER: return c->data_pdu_in_order;
	case NEG_DATA_SEQ_IN_ORDER: return c->data_seq_in_order;
	case NEG_ERL: return c->erl;
	default: return 0;  /* markers: No */
	}
}

void neg_apply_number(struct neg_state *st, enum neg_key key, uint64_t v)
{
	struct neg_params *p = &st->params;

	switch (key) {
	case NEG_MAX_CONNECTIONS: p->max_connections = (uint32_t)v; break;
	case NEG_INITIAL_R2T: p->initial_r2t = v != 0; break;
	case NEG_IMMEDIATE_DATA: p->immediate_data = v != 0; break;
	case NEG_MAX_BURST: p->max_burst = (uint32_t)v; break;
	case NEG_FIRST_BURST: p->first_burst = (uint32_t)v; break;
	case NEG_TIME2WAIT: p->time2wait = (uint32_t)v; break;
	case NEG_TIME2RETAIN: p->time2retain = (uint32_t)v; break;
	case NEG_MAX_OUTSTANDING_R2T: p->max_outstanding_r2t = (uint32_t)v; break;
	case NEG_DATA_PDU_IN_ORDER: p->data_pdu_in_order = v != 0; break;
	case NEG_DATA_SEQ_IN_ORDER: p->data_seq_in_order = v != 0; break;
	case NEG_ERL: p->erl = (uint32_t)v; break;
	default: break;
	}
}

void neg_apply_list(struct neg_state *st, enum neg_key key, const char *v)
{
	struct neg_params *p = &st->params;

	switch (key) {
	case NEG_HEADER_DIGEST: p->header_digest = strcmp(v, "CRC32C") == 0; break;
	case NEG_DATA_DIGEST: p->data_digest = strcmp(v, "CRC32C") == 0; break;
	case NEG_AUTH_METHOD:
		p->auth_method = strcmp(v, "CHAP") == 0 ? NEG_AUTH_CHAP : NEG_AUTH_NONE;
		break;
	case NEG_CHAP_A: p->chap_alg = (uint8_t)(v[0] - '0'); break;  /* "5".."8" */
	default: break;
	}
}

/* Would the key's result be v if the target answered v to our offer?
 * Used both for real answers and for the RFC default after Reject. */
bool neg_answer_admissible(const struct neg_state *st, enum neg_key key, uint64_t v)
{
	const struct neg_key_def *d = neg_key_def(key);
	uint64_t ours = st->offered_num[key];

	switch (d->fn) {
	case NEG_FN_AND: return ours || !v;     /* our No forces No */
	case NEG_FN_OR: return !ours || v;      /* our Yes forces Yes */
	case NEG_FN_MIN: return v <= ours;
	case NEG_FN_MAX: return v >= ours;
	default: return true;
	}
}

/* Is every item of list one of the table's values? */
static bool list_within(const char *list, const char *allowed)
{
	struct text_values_iter it;
	const char *item;
	size_t len;
	bool any = false;

	text_values_begin(&it, list);
	while (text_values_next(&it, &item, &len)) {
		char one[NEG_LIST_TEXT_MAX];

		if (len == 0 || len >= sizeof(one))
			return false;
		memcpy(one, item, len);
		one[len] = '\0';
		if (!text_values_contains(allowed, one))
			return false;
		any = true;
	}
	return any;
}

int neg_set_accept(struct neg_state *st, enum neg_key key, const char *list)
{
	const struct neg_key_def *d = neg_key_def(key);
	size_t len = strnlen(list, NEG_LIST_TEXT_MAX);

	if (!d || d->kind != NEG_KIND_LIST || len >= NEG_LIST_TEXT_MAX ||
	    !list_within(list, d->values))
		return -1;
	memmove(st->accept[key], list, len + 1);        /* list may be accept[key] */
	return 0;
}

enum neg_err neg_send_key(struct neg_state *st, enum neg_key key, const char *value,
			  struct text_list *out)
{
	const struct neg_key_def *d = neg_key_def(key);
	uint64_t n = 0;
	bool b = false;

	if (!d || !(d->senders & NEG_FROM_INITIATOR) || (d->use & NEG_USE_FFP_ONLY))
		return neg_fail(st, NEG_ERR_BUILD, "we may not send key %s during login",
				d ? d->name : "?");
	if (strlen(value) > d->max_len)
		return neg_fail(st, NEG_ERR_TOO_LONG, "our %s value is longer than %zu bytes",
				d->name, d->max_len);
	switch (d->kind) {
	case NEG_KIND_LIST:
		if (neg_set_accept(st, key, value) < 0)
			return neg_fail(st, NEG_ERR_BUILD, "cannot offer %s=%s", d->name, value);
		break;
	case NEG_KIND_BOOL:
		if (text_parse_bool(value, &b) != TEXT_OK)
			return neg_fail(st, NEG_ERR_BUILD, "cannot offer %s=%s", d->name, value);
		n = b;
		break;
	case NEG_KIND_NUMBER:
	case NEG_KIND_DECL_NUMBER:
		if (text_parse_number(value, d->min, d->max, &n) != TEXT_OK)
			return neg_fail(st, NEG_ERR_BUILD, "cannot offer %s=%s", d->name, value);
		break;
	case NEG_KIND_DECL_TEXT:
		if (d->values && !text_values_contains(d->values, value))
			return neg_fail(st, NEG_ERR_BUILD, "cannot declare %s=%s", d->name, value);
		break;
	default:
		break;
	}
	if (text_list_add(out, d->name, value) != TEXT_OK)
		return neg_fail(st, NEG_ERR_BUILD, "cannot add key %s to the request", d->name);
	st->offered_num[key] = n;
	switch (d->kind) {
	case NEG_KIND_LIST:
	case NEG_KIND_BOOL:
	case NEG_KIND_NUMBER:
		st->ours[key] = NEG_STATE_OFFERED;
		break;
	case NEG_KIND_DECL_NUMBER:
		if (key == NEG_MAX_RECV_DSL)
			st->params.max_recv_dsl = (uint32_t)n;
		st->ours[key] = NEG_STATE_DONE;
		break;
	default:
		st->ours[key] = NEG_STATE_DONE;
		break;
	}
	return NEG_OK;
}

enum neg_err neg_offer_operational(struct neg_state *st, struct text_list *out)
{
	for (unsigned i = 0; i < NEG_KEY_COUNT; i++) {
		const struct neg_key_def *d = neg_key_def((enum neg_key)i);
		char num[24];
		const char *value;
		enum neg_err e;

		if (d->use & (NEG_USE_SECURITY | NEG_USE_ANY_STAGE | NEG_USE_FFP_ONLY | NEG_OBSOLETE))
			continue;
		if ((d->use & NEG_USE_LEADING_ONLY) && !st->cfg.leading)
			continue;
		if ((d->use & NEG_IRRELEVANT_DISCOVERY) &&
		    st->cfg.session_type == NEG_SESSION_DISCOVERY)
			continue;
		if (i == NEG_TASK_REPORTING)
			continue;
		if (st->ours[i] != NEG_STATE_IDLE || st->received[i])
			continue;
		if (d->kind == NEG_KIND_LIST) {
			value = st->accept[i];
		} else if (d->kind == NEG_KIND_BOOL) {
			value = neg_our_number(st, (enum neg_key)i) ? "Yes" : "No";
		} else {
			snprintf(num, sizeof(num), "%llu",
				 (unsigned long long)neg_our_number(st, (enum neg_key)i));
			value = num;
		}
		e = neg_send_key(st, (enum neg_key)i, value, out);
		if (e != NEG_OK)
			return e;
	}
	return NEG_OK;
}

enum neg_err neg_stage_end(struct neg_state *st, unsigned stage)
{
	(void)stage;
	for (unsigned i = 0; i < NEG_KEY_COUNT; i++) {
		const struct neg_key_def *d = neg_key_def((enum neg_key)i);
		uint64_t ours = st->offered_num[i];

		if (st->ours[i] != NEG_STATE_OFFERED)
			continue;
		/* 6.2.2: no answer is needed when our value decides the result. */
		if ((d->fn == NEG_FN_AND && !ours) || (d->fn == NEG_FN_OR && ours)) {
			neg_apply_number(st, (enum neg_key)i, ours);
			st->ours[i] = NEG_STATE_DONE;
			continue;
		}
		return neg_fail(st, NEG_ERR_UNANSWERED, "target ended the stage without answering %s",
				d->name);
	}
	return NEG_OK;
}

enum neg_err neg_finish(struct neg_state *st)
{
	struct neg_params *p = &st->params;

	if (st->cfg.session_type == NEG_SESSION_NORMAL && p->first_burst > p->max_burst) {
		/* FirstBurstLength is irrelevant with InitialR2T=Yes and
		 * ImmediateData=No (13.14): then the clamp changes nothing. */
		if (p->initial_r2t && !p->immediate_data)
			p->first_burst = p->max_burst;
		else
			return neg_fail(st, NEG_ERR_INCONSISTENT,
					"FirstBurstLength=%u exceeds MaxBurstLength=%u",
					p->first_burst, p->max_burst);
	}
	return NEG_OK;
}

bool neg_key_received(const struct neg_state *st, enum neg_key key)
{
	return (unsigned)key < NEG_KEY_COUNT && st->received[key];
}
