/* auth/chap_holder: credentials from records, one answer per login for
 * the worker's own target, mutual verification, and the downgrade check
 * that does not trust the worker. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "auth/chap_holder.h"
#include "base/exitcodes.h"

#define TARGET "iqn.2001-04.com.example:disk1"

static struct rec *node_with(const char *const *kv)
{
	struct rec *r = rec_new(REC_NODE);
	struct rec_err err;

	assert_non_null(r);
	for (size_t i = 0; kv && kv[i]; i += 2)
		assert_int_equal(rec_set(r, kv[i], kv[i + 1], &err), 0);
	return r;
}

static int creds_of(const char *const *kv, struct chap_creds *c, char *msg, size_t size)
{
	struct rec *r = node_with(kv);
	int rc = chap_creds_from_record(r, c, msg, size);
	rec_free(r);
	return rc;
}

static const char *const one_way[] = {
	"node.session.auth.authmethod", "CHAP",
	"node.session.auth.username", "alice",
	"node.session.auth.password", "initiator-secret",
	"node.session.auth.chap_algs", "SHA256,MD5",
	NULL
};

static const char *const mutual[] = {
	"node.session.auth.authmethod", "CHAP",
	"node.session.auth.username", "alice",
	"node.session.auth.password", "initiator-secret",
	"node.session.auth.username_in", "target-bob",
	"node.session.auth.password_in", "target-secret-2",
	NULL
};

static void creds_from_records(void **state)
{
	struct chap_creds c;
	char msg[256], algs[64];

	(void)state;
	assert_int_equal(creds_of(NULL, &c, msg, sizeof(msg)), 0);
	assert_int_equal(c.mode, LOGIN_AUTH_NONE);

	assert_int_equal(creds_of(one_way, &c, msg, sizeof(msg)), 0);
	assert_int_equal(c.mode, LOGIN_AUTH_CHAP);
	assert_string_equal(c.username, "alice");
	assert_int_equal(c.secret_len, strlen("initiator-secret"));
	chap_creds_algs_text(&c, algs, sizeof(algs));
	assert_string_equal(algs, "SHA256,MD5");

	assert_int_equal(creds_of(mutual, &c, msg, sizeof(msg)), 0);
	assert_int_equal(c.mode, LOGIN_AUTH_CHAP_MUTUAL);
	assert_string_equal(c.username_in, "target-bob");

	/* A password alone still means CHAP: no silent fallback to None. */
	static const char *const pass_only[] = {
		"node.session.auth.username", "alice",
		"node.session.auth.password", "initiator-secret", NULL };
	assert_int_equal(creds_of(pass_only, &c, msg, sizeof(msg)), 0);
	assert_int_equal(c.mode, LOGIN_AUTH_CHAP);

	/* Discovery records use their own prefix. */
	struct rec *d = rec_new(REC_DISCOVERY_ST);
	struct rec_err err;
	assert_int_equal(rec_set(d, "discovery.sendtargets.auth.authmethod", "CHAP", &err), 0);
	assert_int_equal(rec_set(d, "discovery.sendtargets.auth.username", "disc", &err), 0);
	assert_int_equal(rec_set(d, "discovery.sendtargets.auth.password", "disc-secret-1", &err),
			 0);
	assert_int_equal(chap_creds_from_record(d, &c, msg, sizeof(msg)), 0);
	assert_int_equal(c.mode, LOGIN_AUTH_CHAP);
	assert_string_equal(c.username, "disc");
	rec_free(d);
}

static void bad_creds_name_the_key_not_the_value(void **state)
{
	struct chap_creds c;
	char msg[256];

	(void)state;
	static const char *const no_user[] = { "node.session.auth.authmethod", "CHAP",
					       "node.session.auth.password", "s3cret-value", NULL };
	assert_int_equal(creds_of(no_user, &c, msg, sizeof(msg)), ISCSI_ERR_INVAL);
	assert_non_null(strstr(msg, "node.session.auth.username"));
	assert_null(strstr(msg, "s3cret-value"));
	assert_int_equal(c.secret_len, 0);

	static const char *const half_mutual[] = {
		"node.session.auth.authmethod", "CHAP", "node.session.auth.username", "alice",
		"node.session.auth.password", "initiator-secret",
		"node.session.auth.username_in", "bob", NULL };
	assert_int_equal(creds_of(half_mutual, &c, msg, sizeof(msg)), ISCSI_ERR_INVAL);
	assert_non_null(strstr(msg, "password_in"));

	static const char *const same[] = {
		"node.session.auth.authmethod", "CHAP", "node.session.auth.username", "alice",
		"node.session.auth.password", "one-secret-for-all",
		"node.session.auth.username_in", "bob",
		"node.session.auth.password_in", "one-secret-for-all", NULL };
	assert_int_equal(creds_of(same, &c, msg, sizeof(msg)), ISCSI_ERR_INVAL);
	assert_null(strstr(msg, "one-secret-for-all"));
}

static void holder_of(const char *const *kv, struct chap_holder *h, const char *target)
{
	struct chap_creds c;
	char msg[256];

	assert_int_equal(creds_of(kv, &c, msg, sizeof(msg)), 0);
	chap_holder_init(h, &c, target);
	/* The caller's copy is gone. */
	assert_int_equal(c.secret_len, 0);
}

static void challenge(struct msg_chap_challenge *c, const char *target, uint8_t alg, bool mut)
{
	memset(c, 0, sizeof(*c));
	strcpy(c->target_name, target);
	c->alg = alg;
	c->id = 7;
	c->challenge_len = 16;
	memset(c->challenge, 0x42, 16);
	c->mutual = mut;
}

static void one_way_answer_once(void **state)
{
	struct chap_holder h;
	struct msg_chap_challenge c;
	struct msg_chap_answer a;
	uint8_t expect[CHAP_DIGEST_MAX];
	size_t len;
	char why[200];

	(void)state;
	holder_of(one_way, &h, TARGET);
	assert_false(chap_holder_allows_success(&h, why, sizeof(why)));
	assert_int_equal(h.sum.outcome, CHAP_OUTCOME_DOWNGRADE);

	holder_of(one_way, &h, TARGET);
	challenge(&c, TARGET, CHAP_ALG_SHA256, false);
	assert_int_equal(chap_holder_answer(&h, &c, &a, why, sizeof(why)), 0);
	assert_string_equal(a.name, "alice");
	assert_int_equal(chap_response(CHAP_ALG_SHA256, 7, (const uint8_t *)"initiator-secret", 16,
				       c.challenge, 16, expect, &len), CHAP_OK);
	assert_int_equal(a.response_len, len);
	assert_memory_equal(a.response, expect, len);
	assert_int_equal(a.challenge_len, 0);
	/* Asked twice: refused (the worker is then killed). */
	assert_int_equal(chap_holder_answer(&h, &c, &a, why, sizeof(why)), -1);
	assert_non_null(strstr(why, "second"));
	assert_true(chap_holder_allows_success(&h, why, sizeof(why)));
	assert_int_equal(h.sum.outcome, CHAP_OUTCOME_OK);
	/* Discovery asks once per batch of records and at the end. */
	assert_true(chap_holder_allows_success(&h, why, sizeof(why)));
	chap_holder_wipe(&h);
	assert_int_equal(h.creds.secret_len, 0);
	assert_int_equal(h.sum.outcome, CHAP_OUTCOME_OK);
}

static void refusals(void **state)
{
	struct chap_holder h;
	struct msg_chap_challenge c;
	struct msg_chap_answer a;
	char why[200];

	(void)state;
	holder_of(one_way, &h, TARGET);
	challenge(&c, "iqn.2001-04.com.example:other", CHAP_ALG_SHA256, false);
	assert_int_equal(chap_holder_answer(&h, &c, &a, why, sizeof(why)), -1);
	assert_non_null(strstr(why, "another target"));
	challenge(&c, TARGET, CHAP_ALG_SHA1, false);
	assert_int_equal(chap_holder_answer(&h, &c, &a, why, sizeof(why)), -1);
	assert_non_null(strstr(why, "not offered"));
	challenge(&c, TARGET, CHAP_ALG_MD5, true);
	assert_int_equal(chap_holder_answer(&h, &c, &a, why, sizeof(why)), -1);
	challenge(&c, TARGET, CHAP_ALG_MD5, false);
	c.challenge_len = 8;
	assert_int_equal(chap_holder_answer(&h, &c, &a, why, sizeof(why)), -1);

	/* No CHAP configured: any request is out of place. */
	holder_of(NULL, &h, TARGET);
	challenge(&c, TARGET, CHAP_ALG_MD5, false);
	assert_int_equal(chap_holder_answer(&h, &c, &a, why, sizeof(why)), -1);
	assert_true(chap_holder_allows_success(&h, why, sizeof(why)));
	assert_int_equal(h.sum.outcome, CHAP_OUTCOME_NONE);
}

static void mutual_verify(void **state)
{
	struct chap_holder h;
	struct msg_chap_challenge c;
	struct msg_chap_answer a;
	struct msg_chap_verify v;
	size_t len;
	bool ok;
	char why[200];

	(void)state;
	holder_of(mutual, &h, TARGET);
	challenge(&c, TARGET, CHAP_ALG_MD5, true);
	assert_int_equal(chap_holder_answer(&h, &c, &a, why, sizeof(why)), 0);
	assert_int_equal(a.challenge_len, 16);
	assert_memory_not_equal(a.challenge, c.challenge, 16);
	assert_false(chap_holder_allows_success(&h, why, sizeof(why)));

	/* The target's right answer, made with its own secret. */
	holder_of(mutual, &h, TARGET);
	assert_int_equal(chap_holder_answer(&h, &c, &a, why, sizeof(why)), 0);
	memset(&v, 0, sizeof(v));
	strcpy(v.name, "target-bob");
	assert_int_equal(chap_response(CHAP_ALG_MD5, a.id, (const uint8_t *)"target-secret-2", 15,
				       a.challenge, a.challenge_len, v.response, &len), CHAP_OK);
	v.response_len = (uint16_t)len;
	assert_int_equal(chap_holder_verify(&h, &v, &ok, why, sizeof(why)), 0);
	assert_true(ok);
	assert_int_equal(chap_holder_verify(&h, &v, &ok, why, sizeof(why)), -1);
	assert_true(chap_holder_allows_success(&h, why, sizeof(why)));

	/* Reflection: the answer made with OUR secret. */
	holder_of(mutual, &h, TARGET);
	assert_int_equal(chap_holder_answer(&h, &c, &a, why, sizeof(why)), 0);
	assert_int_equal(chap_response(CHAP_ALG_MD5, a.id, (const uint8_t *)"initiator-secret", 16,
				       a.challenge, a.challenge_len, v.response, &len), CHAP_OK);
	assert_int_equal(chap_holder_verify(&h, &v, &ok, why, sizeof(why)), 0);
	assert_false(ok);
	assert_int_equal(h.sum.outcome, CHAP_OUTCOME_TARGET_FAILED);
	assert_non_null(strstr(h.sum.reason, "mutual CHAP"));

	/* The wrong name. */
	holder_of(mutual, &h, TARGET);
	assert_int_equal(chap_holder_answer(&h, &c, &a, why, sizeof(why)), 0);
	strcpy(v.name, "mallory");
	assert_int_equal(chap_holder_verify(&h, &v, &ok, why, sizeof(why)), 0);
	assert_false(ok);

	/* Verify without mutual configured: out of place. */
	holder_of(one_way, &h, TARGET);
	assert_int_equal(chap_holder_verify(&h, &v, &ok, why, sizeof(why)), -1);
}

static void failures_become_outcomes(void **state)
{
	struct chap_holder h;
	struct msg_chap_challenge c;
	struct msg_chap_answer a;
	char why[200];

	(void)state;
	holder_of(one_way, &h, TARGET);
	chap_holder_on_failure(&h, MSG_AUTH_ERROR_DOWNGRADE, "target chose AuthMethod=None");
	assert_int_equal(h.sum.outcome, CHAP_OUTCOME_DOWNGRADE);

	holder_of(one_way, &h, TARGET);
	challenge(&c, TARGET, CHAP_ALG_MD5, false);
	assert_int_equal(chap_holder_answer(&h, &c, &a, why, sizeof(why)), 0);
	chap_holder_on_failure(&h, MSG_AUTH_ERROR_REJECTED, "authentication failed (02/01)");
	assert_int_equal(h.sum.outcome, CHAP_OUTCOME_REJECTED);
	assert_int_equal(h.sum.alg, CHAP_ALG_MD5);

	holder_of(one_way, &h, TARGET);
	chap_holder_on_failure(&h, MSG_AUTH_ERROR_TARGET, "CHAP_C too short");
	assert_int_equal(h.sum.outcome, CHAP_OUTCOME_TARGET_FAILED);

	/* A connection failure decides nothing about authentication. */
	holder_of(one_way, &h, TARGET);
	chap_holder_on_failure(&h, MSG_AUTH_ERROR_NONE, "connection reset");
	assert_int_equal(h.sum.outcome, CHAP_OUTCOME_PENDING);

	char text[64];
	h.sum.alg = CHAP_ALG_SHA3_256;
	h.sum.mode = LOGIN_AUTH_CHAP_MUTUAL;
	assert_string_equal(chap_summary_text(&h.sum, text, sizeof(text)), "CHAP SHA3-256 mutual");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(creds_from_records),
		cmocka_unit_test(bad_creds_name_the_key_not_the_value),
		cmocka_unit_test(one_way_answer_once),
		cmocka_unit_test(refusals),
		cmocka_unit_test(mutual_verify),
		cmocka_unit_test(failures_become_outcomes),
	};
	return cmocka_run_group_tests_name("chap_holder", tests, NULL, NULL);
}
