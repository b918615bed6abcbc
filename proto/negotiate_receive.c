/* The receive side of the negotiation engine: every key the target sends,
 * checked against the table and against what we offered. */
#include "proto/negotiate.h"
#include "proto/negotiate_impl.h"

#include <stdio.h>
#include <string.h>

#include "proto/pdu.h"

static enum neg_err answer(struct neg_state *st, struct text_list *answers, const char *key,
			   const char *value)
{
	if (text_list_add(answers, key, value) != TEXT_OK)
		return neg_fail(st, NEG_ERR_BUILD, "cannot add our answer for %s", key);
	return NEG_OK;
}

/* Reject, Irrelevant and NotUnderstood as answers to what we sent. */
static enum neg_err receive_special(struct neg_state *st, enum neg_key key,
				    enum text_special sp)
{
	const struct neg_key_def *d = neg_key_def(key);
	bool default_ok;

	if (st->ours[key] == NEG_STATE_IDLE)
		return neg_fail(st, NEG_ERR_UNSOLICITED, "target answered %s, which we did not send",
				d->name);
	if (sp == TEXT_VALUE_NOT_UNDERSTOOD && !(d->use & NEG_RFC7143_ADDITION))
		return neg_fail(st, NEG_ERR_NOT_UNDERSTOOD,
				"target answered %s=NotUnderstood for a mandatory key", d->name);
	if (sp == TEXT_VALUE_REJECT) {
		if (d->kind == NEG_KIND_LIST)
			default_ok = d->def_text && text_values_contains(st->accept[key], d->def_text);
		else if (d->kind == NEG_KIND_DECL_NUMBER)
			default_ok = st->offered_num[key] >= d->def;
		else if (d->kind == NEG_KIND_BOOL || d->kind == NEG_KIND_NUMBER)
			default_ok = neg_answer_admissible(st, key, d->def);
		else
			default_ok = true;
		if ((d->use & NEG_REJECT_FATAL) || !default_ok)
			return neg_fail(st, NEG_ERR_REJECTED,
					"target rejected %s and its default is not acceptable", d->name);
	}
	/* The key keeps its RFC default, which neg_init() put in place, except
	 * for our declaration of MaxRecvDataSegmentLength. */
	if (key == NEG_MAX_RECV_DSL)
		st->params.max_recv_dsl = (uint32_t)d->def;
	st->ours[key] = NEG_STATE_DONE;
	return NEG_OK;
}

static enum neg_err receive_list(struct neg_state *st, enum neg_key key, const char *value,
				 struct text_list *answers)
{
	const struct neg_key_def *d = neg_key_def(key);
	struct text_values_iter it;
	const char *item;
	size_t len;
	char buf[72];

	if (text_values_check(value) != TEXT_OK)
		return neg_fail(st, NEG_ERR_SYNTAX, "malformed %s value '%s'", d->name,
				neg_shown(d, value, buf, sizeof(buf)));
	if (st->ours[key] == NEG_STATE_OFFERED) {
		/* An answer: exactly one of the values we offered. */
		if (strchr(value, ',') || !text_values_contains(st->accept[key], value))
			return neg_fail(st, NEG_ERR_NOT_OFFERED, "target chose %s=%s, not among '%s'",
					d->name, neg_shown(d, value, buf, sizeof(buf)), st->accept[key]);
		neg_apply_list(st, key, value);
		st->ours[key] = NEG_STATE_DONE;
		return NEG_OK;
	}
	/* The target's offer: pick its first value that we accept. */
	text_values_begin(&it, value);
	while (text_values_next(&it, &item, &len)) {
		char one[NEG_LIST_TEXT_MAX];

		if (len >= sizeof(one))
			continue;
		memcpy(one, item, len);
		one[len] = '\0';
		if (text_values_contains(st->accept[key], one)) {
			neg_apply_list(st, key, one);
			st->ours[key] = NEG_STATE_DONE;
			return answer(st, answers, d->name, one);
		}
	}
	st->ours[key] = NEG_STATE_DONE;
	return answer(st, answers, d->name, "Reject");
}

static uint64_t combine(enum neg_fn fn, uint64_t a, uint64_t b)
{
	switch (fn) {
	case NEG_FN_AND: return a && b;
	case NEG_FN_OR: return a || b;
	case NEG_FN_MIN: return a < b ? a : b;
	case NEG_FN_MAX: return a > b ? a : b;
	default: return b;
	}
}

static enum neg_err receive_value(struct neg_state *st, enum neg_key key, const char *value,
				  struct text_list *answers)
{
	const struct neg_key_def *d = neg_key_def(key);
	enum text_err te;
	uint64_t v = 0;
	bool b = false;
	char buf[72], num[24];

	if (d->kind == NEG_KIND_BOOL) {
		te = text_parse_bool(value, &b);
		v = b;
	} else {
		te = text_parse_number(value, d->min, d->max, &v);
	}
	if (te != TEXT_OK && te != TEXT_ERR_RANGE)
		return neg_fail(st, NEG_ERR_SYNTAX, "malformed %s value '%s'", d->name,
				neg_shown(d, value, buf, sizeof(buf)));
	if (st->ours[key] == NEG_STATE_OFFERED) {
		if (te == TEXT_ERR_RANGE)
			return neg_fail(st, NEG_ERR_RANGE, "target answered %s=%s, outside %llu..%llu",
					d->name, neg_shown(d, value, buf, sizeof(buf)),
					(unsigned long long)d->min, (unsigned long long)d->max);
		if (!neg_answer_admissible(st, key, v))
			return neg_fail(st, NEG_ERR_NOT_OFFERED,
					"target answered %s=%s, not admissible for our offer %llu",
					d->name, neg_shown(d, value, buf, sizeof(buf)),
					(unsigned long long)st->offered_num[key]);
		neg_apply_number(st, key, v);
		st->ours[key] = NEG_STATE_DONE;
		return NEG_OK;
	}
	st->ours[key] = NEG_STATE_DONE;
	if (te == TEXT_ERR_RANGE)
		return answer(st, answers, d->name, "Reject");
	/* 6.2.2: an AND offer of No or an OR offer of Yes decides the result;
	 * the answer is optional and we leave it out, so a target may make
	 * such an offer in a response that ends the stage. */
	if ((d->fn == NEG_FN_AND && !v) || (d->fn == NEG_FN_OR && v)) {
		neg_apply_number(st, key, v);
		return NEG_OK;
	}
	v = combine(d->fn, neg_our_number(st, key), v);
	neg_apply_number(st, key, v);
	if (d->kind == NEG_KIND_BOOL)
		return answer(st, answers, d->name, v ? "Yes" : "No");
	snprintf(num, sizeof(num), "%llu", (unsigned long long)v);
	return answer(st, answers, d->name, num);
}

static enum neg_err receive_declaration(struct neg_state *st, enum neg_key key,
					const char *value)
{
	const struct neg_key_def *d = neg_key_def(key);
	enum text_err te;
	uint64_t v;
	char buf[72], host[TEXT_VALUE_MAX + 1];
	uint16_t port;
	int32_t tpgt;

	if (d->kind == NEG_KIND_DECL_NUMBER) {
		te = text_parse_number(value, d->min, d->max, &v);
		if (te == TEXT_ERR_RANGE)
			return neg_fail(st, NEG_ERR_RANGE, "target declared %s=%s, outside %llu..%llu",
					d->name, neg_shown(d, value, buf, sizeof(buf)),
					(unsigned long long)d->min, (unsigned long long)d->max);
		if (te != TEXT_OK)
			return neg_fail(st, NEG_ERR_SYNTAX, "malformed %s value '%s'", d->name,
					neg_shown(d, value, buf, sizeof(buf)));
		if (key == NEG_MAX_RECV_DSL)
			st->params.max_xmit_dsl = (uint32_t)v;
		else if (key == NEG_TPGT)
			st->params.tpgt = (int32_t)v;
		return NEG_OK;
	}
	if (key == NEG_TARGET_ALIAS) {
		if (iscsi_alias_check(value, NULL) != NAME_OK)
			return neg_fail(st, NEG_ERR_SYNTAX, "malformed TargetAlias '%s'",
					neg_shown(d, value, buf, sizeof(buf)));
		snprintf(st->params.target_alias, sizeof(st->params.target_alias), "%s", value);
	} else if (key == NEG_TARGET_ADDRESS) {
		if (neg_parse_target_address(value, host, sizeof(host), &port, &tpgt) < 0)
			return neg_fail(st, NEG_ERR_SYNTAX, "malformed TargetAddress '%s'",
					neg_shown(d, value, buf, sizeof(buf)));
	}
	return NEG_OK;
}

/* Some targets repeat their TargetPortalGroupTag or TargetAlias in each
 * stage; an identical repeat of a declaration changes nothing. */
static bool same_declaration(const struct neg_state *st, enum neg_key key, const char *value)
{
	uint64_t v;

	if (key == NEG_TARGET_ALIAS)
		return strcmp(st->params.target_alias, value) == 0;
	if (key == NEG_TPGT)
		return text_parse_number(value, 0, 65535, &v) == TEXT_OK &&
		       (int32_t)v == st->params.tpgt;
	return false;
}

static bool stage_allows(const struct neg_key_def *d, unsigned stage)
{
	if (stage == ISCSI_STAGE_SECURITY)
		return d->use & (NEG_USE_SECURITY | NEG_USE_ANY_STAGE);
	if (stage == ISCSI_STAGE_OPERATIONAL)
		return !(d->use & NEG_USE_SECURITY);
	return false;
}

enum neg_err neg_receive_key(struct neg_state *st, unsigned stage, const char *key,
			     const char *value, struct text_list *answers, struct text_list *auth)
{
	enum text_special sp = text_value_special(value);
	enum neg_key id;
	const struct neg_key_def *d = neg_key_lookup(key, &id);
	char kbuf[72];

	if (!d) {
		iscsi_escape(kbuf, sizeof(kbuf), key, strlen(key));
		if (sp != TEXT_VALUE_PLAIN)
			return neg_fail(st, NEG_ERR_UNSOLICITED,
					"target answered key '%s', which we never sent", kbuf);
		return answer(st, answers, key, "NotUnderstood");
	}
	if (st->received[id]) {
		if (same_declaration(st, id, value))
			return NEG_OK;
		return neg_fail(st, NEG_ERR_REPEATED, "target sent %s a second time", d->name);
	}
	st->received[id] = true;
	if (d->use & NEG_USE_FFP_ONLY)
		return neg_fail(st, NEG_ERR_FFP_ONLY, "target sent %s during login", d->name);
	if (!(d->senders & NEG_FROM_TARGET) && sp == TEXT_VALUE_PLAIN)
		return neg_fail(st, NEG_ERR_SENDER, "target sent %s, which only an initiator sends",
				d->name);
	if (!stage_allows(d, stage))
		return neg_fail(st, NEG_ERR_STAGE, "target sent %s in the %s stage", d->name,
				stage == ISCSI_STAGE_SECURITY ? "security" :
				stage == ISCSI_STAGE_OPERATIONAL ? "operational" : "full feature");
	if ((d->use & NEG_USE_LEADING_ONLY) && !st->cfg.leading)
		return neg_fail(st, NEG_ERR_LEADING_ONLY,
				"target sent %s on a non-leading connection", d->name);
	if (strlen(value) > d->max_len)
		return neg_fail(st, NEG_ERR_TOO_LONG, "target's %s value is longer than %zu bytes",
				d->name, d->max_len);
	if (sp != TEXT_VALUE_PLAIN)
		return receive_special(st, id, sp);
	if (st->ours[id] != NEG_STATE_OFFERED) {
		if (d->use & NEG_ANSWER_ONLY)
			return neg_fail(st, NEG_ERR_UNSOLICITED,
					"target sent %s without our offer", d->name);
		if ((d->use & NEG_IRRELEVANT_DISCOVERY) &&
		    st->cfg.session_type == NEG_SESSION_DISCOVERY) {
			st->ours[id] = NEG_STATE_DONE;
			return answer(st, answers, d->name, "Irrelevant");
		}
	}
	switch (d->kind) {
	case NEG_KIND_LIST:
		return receive_list(st, id, value, answers);
	case NEG_KIND_BOOL:
	case NEG_KIND_NUMBER:
		return receive_value(st, id, value, answers);
	case NEG_KIND_DECL_NUMBER:
	case NEG_KIND_DECL_TEXT:
		return receive_declaration(st, id, value);
	case NEG_KIND_AUTH:
		if (text_list_add(auth, d->name, value) != TEXT_OK)
			return neg_fail(st, NEG_ERR_BUILD, "cannot keep the target's %s", d->name);
		return NEG_OK;
	case NEG_KIND_RANGE:
		st->ours[id] = NEG_STATE_DONE;
		return answer(st, answers, d->name, "Irrelevant");
	}
	return NEG_OK;
}

enum neg_err neg_receive(struct neg_state *st, unsigned stage, const struct text_list *in,
			 struct text_list *answers, struct text_list *auth)
{
	for (size_t i = 0; i < in->count; i++) {
		enum neg_err e = neg_receive_key(st, stage, in->pairs[i].key, in->pairs[i].value,
						 answers, auth);
		if (e != NEG_OK)
			return e;
	}
	return NEG_OK;
}
