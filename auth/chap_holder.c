#include "auth/chap_holder.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "base/exitcodes.h"

/* One line into out; returns -1, the "kill the worker" answer. */
static int refuse(char *out, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static int refuse(char *out, size_t size, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(out, size, fmt, ap);
	va_end(ap);
	return -1;
}

/* A configuration error: the line, and 7 for iscsiadm. */
#define bad(msg, size, ...) (refuse(msg, size, __VA_ARGS__), ISCSI_ERR_INVAL)

/* The two records spell the same settings under different prefixes. */
static const char *auth_prefix(const struct rec *r)
{
	return rec_kind_of(r) == REC_DISCOVERY_ST ? "discovery.sendtargets.auth." :
						   "node.session.auth.";
}

static const char *get(const struct rec *r, const char *prefix, const char *key)
{
	char name[96];

	snprintf(name, sizeof(name), "%s%s", prefix, key);
	const char *v = rec_get(r, name);
	return v ? v : "";
}

static int copy_secret(uint8_t *dst, size_t *dst_len, const char *src, const char *key,
		       char *msg, size_t size)
{
	size_t n = strlen(src);

	if (chap_check_secret(n) != CHAP_OK)
		return bad(msg, size, "%s must be 1 to %d bytes", key, CHAP_SECRET_MAX);
	memcpy(dst, src, n);
	*dst_len = n;
	return 0;
}

static int read_creds(const struct rec *r, struct chap_creds *out, char *msg, size_t size)
{
	const char *p = auth_prefix(r);
	const char *method = get(r, p, "authmethod");
	const char *user = get(r, p, "username"), *pass = get(r, p, "password");
	const char *user_in = get(r, p, "username_in"), *pass_in = get(r, p, "password_in");
	/* The discovery record keeps chap_algs under the node's key. */
	const char *algs = get(r, "node.session.auth.", "chap_algs");
	char key[96];
	int rc;

	memset(out, 0, sizeof(*out));
	out->mode = LOGIN_AUTH_NONE;
	if (strcmp(method, "CHAP") != 0 && !pass[0])
		return 0;
	/* A password without authmethod = CHAP still means CHAP: falling
	 * back to no authentication when a secret is configured is the
	 * silent downgrade this project refuses. */
	out->mode = LOGIN_AUTH_CHAP;
	if (!user[0] || !pass[0])
		return bad(msg, size, "%susername and %spassword must both be set for CHAP", p, p);
	if (chap_check_name(user, strlen(user)) != CHAP_OK)
		return bad(msg, size, "%susername holds a control character", p);
	snprintf(out->username, sizeof(out->username), "%s", user);
	snprintf(key, sizeof(key), "%spassword", p);
	if ((rc = copy_secret(out->secret, &out->secret_len, pass, key, msg, size)))
		return rc;
	if (user_in[0] || pass_in[0]) {
		if (!user_in[0] || !pass_in[0])
			return bad(msg, size, "%susername_in and %spassword_in must both be set "
				   "for mutual CHAP", p, p);
		out->mode = LOGIN_AUTH_CHAP_MUTUAL;
		snprintf(out->username_in, sizeof(out->username_in), "%s", user_in);
		snprintf(key, sizeof(key), "%spassword_in", p);
		if ((rc = copy_secret(out->secret_in, &out->secret_in_len, pass_in, key, msg,
				      size)))
			return rc;
		if (chap_check_secret_pair(out->secret, out->secret_len, out->secret_in,
					   out->secret_in_len) != CHAP_OK)
			return bad(msg, size, "%spassword and %spassword_in are the same: a "
				   "target could answer our challenge with our own response", p, p);
	}
	if (chap_prefs_parse(algs, strlen(algs), &out->algs) != CHAP_OK)
		return bad(msg, size, "node.session.auth.chap_algs: not a list of MD5, SHA1, "
			   "SHA256, SHA3-256");
	for (unsigned i = 0; i < out->algs.count; i++)
		if (!chap_alg_available(out->algs.alg[i]))
			return bad(msg, size, "node.session.auth.chap_algs: %s is not available "
				   "in this libcrypto", chap_alg_info(out->algs.alg[i])->name);
	return 0;
}

int chap_creds_from_record(const struct rec *r, struct chap_creds *out, char *msg, size_t size)
{
	int rc = read_creds(r, out, msg, size);

	if (rc)
		chap_creds_wipe(out);
	return rc;
}

void chap_creds_wipe(struct chap_creds *c)
{
	chap_wipe(c, sizeof(*c));
}

void chap_creds_algs_text(const struct chap_creds *c, char *out, size_t size)
{
	size_t used = 0;

	out[0] = '\0';
	for (unsigned i = 0; i < c->algs.count && i < CHAP_ALG_COUNT; i++) {
		const struct chap_alg_info *a = chap_alg_info(c->algs.alg[i]);
		int n = a ? snprintf(out + used, size - used, "%s%s", used ? "," : "", a->name) : 0;
		if (n < 0 || (size_t)n >= size - used)
			break;
		used += (size_t)n;
	}
}

void chap_holder_init(struct chap_holder *h, struct chap_creds *creds, const char *target_name)
{
	memset(h, 0, sizeof(*h));
	h->creds = *creds;
	chap_creds_wipe(creds);
	snprintf(h->target_name, sizeof(h->target_name), "%s", target_name ? target_name : "");
	h->sum.mode = h->creds.mode;
	h->sum.outcome = h->creds.mode == LOGIN_AUTH_NONE ? CHAP_OUTCOME_NONE :
							     CHAP_OUTCOME_PENDING;
}

void chap_holder_wipe(struct chap_holder *h)
{
	struct chap_summary keep = h->sum;

	chap_wipe(h, sizeof(*h));
	h->sum = keep;
}

static bool offered(const struct chap_prefs *p, enum chap_alg alg)
{
	for (unsigned i = 0; i < p->count && i < CHAP_ALG_COUNT; i++)
		if (p->alg[i] == alg)
			return true;
	return false;
}

int chap_holder_answer(struct chap_holder *h, const struct msg_chap_challenge *c,
		       struct msg_chap_answer *out, char *why, size_t size)
{
	const struct chap_creds *k = &h->creds;
	size_t len = 0;

	if (k->mode == LOGIN_AUTH_NONE)
		return refuse(why, size, "asked for a CHAP response, but no CHAP is configured");
	if (h->sum.alg)
		return refuse(why, size, "asked for a second CHAP response");
	if (strcmp(c->target_name, h->target_name) != 0)
		return refuse(why, size, "asked for a CHAP response for another target");
	if (!offered(&k->algs, (enum chap_alg)c->alg))
		return refuse(why, size, "asked for CHAP algorithm %u, which was not offered",
			      c->alg);
	if (c->mutual != (k->mode == LOGIN_AUTH_CHAP_MUTUAL))
		return refuse(why, size, "asked for %s CHAP, but %s is configured",
			      c->mutual ? "mutual" : "one-way",
			      k->mode == LOGIN_AUTH_CHAP_MUTUAL ? "mutual" : "one-way");
	if (chap_check_challenge(c->challenge_len) != CHAP_OK)
		return refuse(why, size, "sent a CHAP challenge of %u bytes", c->challenge_len);
	h->sum.alg = (enum chap_alg)c->alg;
	memcpy(h->their_challenge, c->challenge, c->challenge_len);
	h->their_challenge_len = c->challenge_len;

	memset(out, 0, sizeof(*out));
	snprintf(out->name, sizeof(out->name), "%s", k->username);
	enum chap_err e = chap_response(h->sum.alg, c->id, k->secret, k->secret_len,
					c->challenge, c->challenge_len, out->response, &len);
	if (e != CHAP_OK)
		return refuse(why, size, "CHAP response: %s", chap_strerror(e));
	out->response_len = (uint16_t)len;
	if (k->mode == LOGIN_AUTH_CHAP_MUTUAL) {
		size_t n = chap_challenge_default_len(h->sum.alg);
		/* Never the target's own challenge back: that would hand it
		 * a response it could replay. */
		if ((e = chap_make_id(&h->our_id)) != CHAP_OK ||
		    (e = chap_make_challenge(n, c->challenge, c->challenge_len, h->our_challenge,
					     sizeof(h->our_challenge))) != CHAP_OK)
			return refuse(why, size, "our CHAP challenge: %s", chap_strerror(e));
		h->our_challenge_len = n;
		out->id = h->our_id;
		memcpy(out->challenge, h->our_challenge, n);
		out->challenge_len = (uint16_t)n;
	}
	h->sum.outcome = CHAP_OUTCOME_ANSWERED;
	return 0;
}

int chap_holder_verify(struct chap_holder *h, const struct msg_chap_verify *v, bool *ok,
		       char *why, size_t size)
{
	const struct chap_creds *k = &h->creds;

	*ok = false;
	if (k->mode != LOGIN_AUTH_CHAP_MUTUAL || !h->our_challenge_len)
		return refuse(why, size, "asked to verify a target without mutual CHAP");
	if (h->verified)
		return refuse(why, size, "asked to verify the target twice");
	enum chap_err e = chap_match_name(k->username_in, v->name, strlen(v->name));
	if (e == CHAP_OK)
		e = chap_verify_target(h->sum.alg, h->our_id, h->our_challenge,
				       h->our_challenge_len, k->secret_in, k->secret_in_len,
				       k->secret, k->secret_len, v->response, v->response_len);
	if (e != CHAP_OK) {
		h->sum.outcome = CHAP_OUTCOME_TARGET_FAILED;
		snprintf(h->sum.reason, sizeof(h->sum.reason), "mutual CHAP: %s",
			 chap_strerror(e));
		return 0;
	}
	h->verified = true;
	*ok = true;
	return 0;
}

int chap_holder_serve(struct chap_holder *h, struct worker_job *job, const struct msg *m,
		      char *why, size_t size)
{
	struct msg a;
	bool ok = false;
	int rc;

	if (m->type == MSG_CHAP_CHALLENGE) {
		msg_init(&a, MSG_CHAP_ANSWER, 0);
		rc = chap_holder_answer(h, &m->u.chap_challenge, &a.u.chap_answer, why, size);
	} else if (m->type == MSG_CHAP_VERIFY) {
		msg_init(&a, MSG_CHAP_VERDICT, 0);
		rc = chap_holder_verify(h, &m->u.chap_verify, &ok, why, size);
		a.u.chap_verdict.ok = ok;
	} else {
		return refuse(why, size, "sent %s as a CHAP request", msg_type_name(m->type));
	}
	if (rc == 0 && worker_job_send(job, &a) < 0)
		rc = refuse(why, size, "cannot send %s", msg_type_name(a.type));
	chap_wipe(&a, sizeof(a));
	return rc;
}

bool chap_holder_allows_success(struct chap_holder *h, char *why, size_t size)
{
	const struct chap_creds *k = &h->creds;

	if (k->mode == LOGIN_AUTH_NONE || h->sum.outcome == CHAP_OUTCOME_OK)
		return true;
	if (h->sum.outcome != CHAP_OUTCOME_ANSWERED) {
		snprintf(why, size, "reported success without the CHAP exchange it requires");
		h->sum.outcome = CHAP_OUTCOME_DOWNGRADE;
		snprintf(h->sum.reason, sizeof(h->sum.reason), "login succeeded without CHAP");
		return false;
	}
	if (k->mode == LOGIN_AUTH_CHAP_MUTUAL && !h->verified) {
		snprintf(why, size, "reported success without verifying the target (mutual CHAP)");
		h->sum.outcome = CHAP_OUTCOME_DOWNGRADE;
		snprintf(h->sum.reason, sizeof(h->sum.reason),
			 "login succeeded without the target's mutual CHAP proof");
		return false;
	}
	h->sum.outcome = CHAP_OUTCOME_OK;
	return true;
}

void chap_holder_on_failure(struct chap_holder *h, unsigned auth_error, const char *reason)
{
	struct chap_summary *s = &h->sum;

	if (s->mode == LOGIN_AUTH_NONE || s->outcome == CHAP_OUTCOME_TARGET_FAILED)
		return;
	switch (auth_error) {
	case MSG_AUTH_ERROR_DOWNGRADE:
		/* Only believable before we answered: after, the target has
		 * our response and it is a rejection, not a downgrade. */
		s->outcome = s->outcome == CHAP_OUTCOME_ANSWERED ? CHAP_OUTCOME_REJECTED :
								   CHAP_OUTCOME_DOWNGRADE;
		break;
	case MSG_AUTH_ERROR_TARGET:
		s->outcome = CHAP_OUTCOME_TARGET_FAILED;
		break;
	case MSG_AUTH_ERROR_REJECTED:
		s->outcome = s->outcome == CHAP_OUTCOME_ANSWERED ? CHAP_OUTCOME_REJECTED :
								   CHAP_OUTCOME_DOWNGRADE;
		break;
	default:
		/* The login failed for another reason (connection, timeout,
		 * negotiation): authentication neither passed nor failed. */
		return;
	}
	snprintf(s->reason, sizeof(s->reason), "%s", reason && reason[0] ? reason : "-");
}

const char *chap_summary_text(const struct chap_summary *s, char *buf, size_t size)
{
	const struct chap_alg_info *a = chap_alg_info(s->alg);

	if (s->mode == LOGIN_AUTH_NONE)
		snprintf(buf, size, "None");
	else
		snprintf(buf, size, "CHAP %s%s", a ? a->name : "-",
			 s->mode == LOGIN_AUTH_CHAP_MUTUAL ? " mutual" : "");
	return buf;
}

void chap_summary_audit(const struct chap_summary *s, const struct audit_fields *base)
{
	struct audit_fields f = *base;
	const struct chap_alg_info *a = chap_alg_info(s->alg);
	enum audit_event ev;

	f.alg = a ? a->name : NULL;
	f.mutual = s->mode == LOGIN_AUTH_CHAP_MUTUAL;
	switch (s->outcome) {
	case CHAP_OUTCOME_OK:
		ev = AUDIT_AUTH_SUCCESS;
		break;
	case CHAP_OUTCOME_REJECTED:
		ev = AUDIT_AUTH_FAILURE;
		f.direction = "initiator";
		f.reason = s->reason;
		break;
	case CHAP_OUTCOME_TARGET_FAILED:
		ev = AUDIT_AUTH_FAILURE;
		f.direction = "target";
		f.reason = s->reason;
		break;
	case CHAP_OUTCOME_DOWNGRADE:
		ev = AUDIT_AUTH_DOWNGRADE;
		f.reason = s->reason;
		break;
	default:
		/* None configured, or the login ended before CHAP decided. */
		return;
	}
	audit_emit(ev, &f);
}
