/* CHAP digests and the monitor's checks: known answers for all four
 * algorithms, challenge and response bounds, mutual verification (with the
 * reflected-secret refusal), secrets, the algorithm table, messages. The
 * text codecs and negotiation are in test_chap_text.c.
 *
 * The expected digests were computed with the openssl command-line tool,
 * not with this code, from a file holding id || secret || challenge:
 *
 *   C32=$(for i in $(seq 0 31); do printf '\\x%02x' $i; done)  # 00 01 .. 1f
 *   printf "\\x2achap-secret-1234$C32"   > v1.bin   # id 42
 *   printf '\xffabcdefghijkl'"$(printf '\\xa5%.0s' $(seq 16))" > v2.bin  # id 255
 *   printf "\\x00target-secret-5678$C32" > v3.bin   # id 0
 *   printf "\\x2atarget-secret-5678$C32" > v4.bin   # id 42
 *   openssl dgst -md5|-sha1|-sha256|-sha3-256 -r vN.bin
 *
 * and the base64 forms with `printf "$C32" | openssl base64 -A`. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "proto/chap.h"

#define S(lit) lit, sizeof(lit) - 1

static const uint8_t c32[32] = {
	0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f,
	0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f,
};
static const uint8_t a5x16[16] = {
	0xa5, 0xa5, 0xa5, 0xa5, 0xa5, 0xa5, 0xa5, 0xa5, 0xa5, 0xa5, 0xa5, 0xa5, 0xa5, 0xa5, 0xa5, 0xa5,
};
#define C32_HEX "0x000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
#define C32_B64_DIGITS "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="
#define C32_B64 ("0b" C32_B64_DIGITS)
#define INIT_SECRET "chap-secret-1234"
#define TGT_SECRET "target-secret-5678"

struct kat {
	enum chap_alg alg;
	uint8_t id;
	const char *secret;
	const uint8_t *challenge;
	size_t challenge_len;
	const char *expected;
};

static const struct kat kats[] = {
	{ CHAP_ALG_MD5, 0x2a, INIT_SECRET, c32, 32, "0xeda598a852b85194724da76471dbeadc" },
	{ CHAP_ALG_SHA1, 0x2a, INIT_SECRET, c32, 32, "0x23641b8c9b1e4c07425606d7d34cde2ae3f933a9" },
	{ CHAP_ALG_SHA256, 0x2a, INIT_SECRET, c32, 32,
	  "0x35c92e61d3d0a5eaf2f6a3763fa1d51118bf23c8845c67ee47ee6961c0509f6d" },
	{ CHAP_ALG_SHA3_256, 0x2a, INIT_SECRET, c32, 32,
	  "0x39eff84c800ed11a05daf88f9b5a691707f1f4e85adbce7e1bbc06945991ab17" },
	{ CHAP_ALG_MD5, 0xff, "abcdefghijkl", a5x16, 16, "0x19644b3cb8e35442a5431e8914e7df65" },
	{ CHAP_ALG_SHA1, 0xff, "abcdefghijkl", a5x16, 16, "0xa34bade37d02effeac8b029b6c703908e0755615" },
	{ CHAP_ALG_SHA256, 0xff, "abcdefghijkl", a5x16, 16,
	  "0xe73855cd5ef4a24ea4213f366eec24a481a5d1de76dec6cbf622a88a2ad2ec41" },
	{ CHAP_ALG_SHA3_256, 0xff, "abcdefghijkl", a5x16, 16,
	  "0xd438f37faa0ea8df9c3e9f4c70417a64f5d5fe069447c8e4e2b41c111f118b4b" },
	{ CHAP_ALG_MD5, 0x00, TGT_SECRET, c32, 32, "0x99304ef5ee5fb692e71e778aa3b29bd4" },
	{ CHAP_ALG_SHA1, 0x00, TGT_SECRET, c32, 32, "0x8ff4ce28f8b63f96dc64f7bb82241e30e9ece7b4" },
	{ CHAP_ALG_SHA256, 0x00, TGT_SECRET, c32, 32,
	  "0xea027151310f09fc3b5a5d89f39e72d9b0aab7d28d00895c5882a8eb969514ae" },
	{ CHAP_ALG_SHA3_256, 0x00, TGT_SECRET, c32, 32,
	  "0xa77d04e0c8d9802de9ff369bce5f01b4731d367f42f67d9b378ab3381a8eb632" },
};

/* v4.bin: the target's correct answers to our (id 42, c32) challenge. */
static const char *const v4[] = {
	[CHAP_ALG_MD5] = "0xae93fd96ed76d36dc40f003e015f50e6",
	[CHAP_ALG_SHA1] = "0xaf654a5c4227626d551a2de33978621b080b3e3c",
	[CHAP_ALG_SHA256] = "0xa5163d6968f59d1bdeea1f3e97d91b0c004110adc78207eb6e817c89d9bf1143",
	[CHAP_ALG_SHA3_256] = "0xaa4f753edb26d8aa9674b7bae5d8807c95ff1476cd89bb2f517012783edd2ac1",
};
/* v1.bin: the same challenge answered with the INITIATOR's secret. */
static const char *const v1[] = {
	[CHAP_ALG_MD5] = "0xeda598a852b85194724da76471dbeadc",
	[CHAP_ALG_SHA1] = "0x23641b8c9b1e4c07425606d7d34cde2ae3f933a9",
	[CHAP_ALG_SHA256] = "0x35c92e61d3d0a5eaf2f6a3763fa1d51118bf23c8845c67ee47ee6961c0509f6d",
	[CHAP_ALG_SHA3_256] = "0x39eff84c800ed11a05daf88f9b5a691707f1f4e85adbce7e1bbc06945991ab17",
};

static const enum chap_alg all_algs[] = {
	CHAP_ALG_MD5, CHAP_ALG_SHA1, CHAP_ALG_SHA256, CHAP_ALG_SHA3_256,
};

static void response_hex(enum chap_alg alg, uint8_t id, const char *secret,
			 const uint8_t *c, size_t clen, char *hex, size_t hexsize)
{
	uint8_t r[CHAP_DIGEST_MAX];
	size_t rlen;

	assert_int_equal(chap_response(alg, id, (const uint8_t *)secret, strlen(secret), c, clen,
				       r, &rlen), CHAP_OK);
	assert_int_equal(rlen, chap_alg_info(alg)->digest_len);
	assert_int_equal(chap_encode_hex(r, rlen, hex, hexsize), CHAP_OK);
}

static void known_answers(void **state)
{
	char hex[CHAP_HEX_SIZE(CHAP_DIGEST_MAX)];
	(void)state;
	for (size_t i = 0; i < sizeof(kats) / sizeof(kats[0]); i++) {
		const struct kat *k = &kats[i];
		response_hex(k->alg, k->id, k->secret, k->challenge, k->challenge_len,
			     hex, sizeof(hex));
		assert_string_equal(hex, k->expected);
	}
}

/* The target's CHAP_C as it arrives on the wire, hex and base64, gives
 * the same answer as the raw bytes. */
static void known_answers_from_wire(void **state)
{
	const char *wire[] = { C32_HEX, "0X000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F",
			       C32_B64, ("0B" C32_B64_DIGITS) };
	char hex[CHAP_HEX_SIZE(CHAP_DIGEST_MAX)];
	uint8_t c[CHAP_CHALLENGE_MAX];
	size_t clen;
	(void)state;
	for (size_t w = 0; w < 4; w++) {
		assert_int_equal(chap_decode_challenge(wire[w], strlen(wire[w]), c, &clen), CHAP_OK);
		assert_int_equal(clen, 32);
		assert_memory_equal(c, c32, 32);
		for (size_t a = 0; a < 4; a++) {
			response_hex(all_algs[a], 0x2a, INIT_SECRET, c, clen, hex, sizeof(hex));
			assert_string_equal(hex, v1[all_algs[a]]);
		}
	}
}

static void challenge_bounds(void **state)
{
	static char v[2 + 2 * (CHAP_CHALLENGE_MAX + 1) + 1];
	uint8_t c[CHAP_CHALLENGE_MAX], r[CHAP_DIGEST_MAX];
	size_t n;
	(void)state;
	memcpy(v, "0x", 2);
	memset(v + 2, '7', sizeof(v) - 3);
	assert_int_equal(chap_decode_challenge(v, 2 + 2 * 15, c, &n), CHAP_ERR_CHALLENGE_SHORT);
	assert_int_equal(n, 0);
	assert_int_equal(chap_decode_challenge(v, 2 + 2 * 16, c, &n), CHAP_OK);
	assert_int_equal(n, 16);
	assert_int_equal(chap_decode_challenge(v, 2 + 2 * CHAP_CHALLENGE_MAX, c, &n), CHAP_OK);
	assert_int_equal(n, CHAP_CHALLENGE_MAX);
	assert_int_equal(chap_decode_challenge(v, 2 + 2 * (CHAP_CHALLENGE_MAX + 1), c, &n),
			 CHAP_ERR_CHALLENGE_LONG);
	assert_int_equal(chap_decode_challenge(S("0x01"), c, &n), CHAP_ERR_CHALLENGE_SHORT);
	assert_int_equal(chap_decode_challenge(S("0xzz"), c, &n), CHAP_ERR_HEX_DIGIT);
	/* the monitor re-checks what a (possibly compromised) worker passes */
	assert_int_equal(chap_response(CHAP_ALG_MD5, 1, (const uint8_t *)S(INIT_SECRET), c32, 15,
				       r, &n), CHAP_ERR_CHALLENGE_SHORT);
	assert_int_equal(chap_response(CHAP_ALG_MD5, 1, (const uint8_t *)S(INIT_SECRET), c,
				       CHAP_CHALLENGE_MAX + 1, r, &n), CHAP_ERR_CHALLENGE_LONG);
	assert_int_equal(chap_response((enum chap_alg)4, 1, (const uint8_t *)S(INIT_SECRET), c32, 32,
				       r, &n), CHAP_ERR_ALG_UNKNOWN);
}

static void reflected_challenge(void **state)
{
	uint8_t other[32];
	(void)state;
	memcpy(other, c32, 32);
	assert_int_equal(chap_check_not_reflected(c32, 32, other, 32), CHAP_ERR_CHALLENGE_REFLECTED);
	other[31] ^= 1;
	assert_int_equal(chap_check_not_reflected(c32, 32, other, 32), CHAP_OK);
	assert_int_equal(chap_check_not_reflected(c32, 32, c32, 31), CHAP_OK);
}

static void making_challenges(void **state)
{
	uint8_t a[CHAP_CHALLENGE_MAX], b[CHAP_CHALLENGE_MAX], id;
	(void)state;
	assert_int_equal(chap_challenge_default_len(CHAP_ALG_MD5), 16);
	assert_int_equal(chap_challenge_default_len(CHAP_ALG_SHA1), 20);
	assert_int_equal(chap_challenge_default_len(CHAP_ALG_SHA256), 32);
	assert_int_equal(chap_challenge_default_len(CHAP_ALG_SHA3_256), 32);
	assert_int_equal(chap_make_challenge(32, c32, 32, a, sizeof(a)), CHAP_OK);
	assert_int_equal(chap_check_not_reflected(a, 32, c32, 32), CHAP_OK);
	assert_int_equal(chap_make_challenge(32, NULL, 0, b, sizeof(b)), CHAP_OK);
	assert_memory_not_equal(a, b, 32);
	assert_int_equal(chap_make_challenge(CHAP_CHALLENGE_MAX, NULL, 0, a, sizeof(a)), CHAP_OK);
	assert_int_equal(chap_make_challenge(15, NULL, 0, a, sizeof(a)), CHAP_ERR_CHALLENGE_SHORT);
	assert_int_equal(chap_make_challenge(CHAP_CHALLENGE_MAX + 1, NULL, 0, a, sizeof(a)),
			 CHAP_ERR_CHALLENGE_LONG);
	assert_int_equal(chap_make_challenge(32, NULL, 0, a, 31), CHAP_ERR_BUFFER_SMALL);
	assert_int_equal(chap_make_id(&id), CHAP_OK);
}

static void expect_response(enum chap_alg alg, const char *v, enum chap_err want)
{
	uint8_t r[CHAP_DIGEST_MAX];
	size_t n = 99;
	assert_int_equal(chap_decode_response(alg, v, strlen(v), r, &n), want);
	if (want == CHAP_OK)
		assert_int_equal(n, chap_alg_info(alg)->digest_len);
	else
		assert_int_equal(n, 0);
}

static void response_lengths(void **state)
{
	(void)state;
	for (size_t a = 0; a < 4; a++)
		expect_response(all_algs[a], v4[all_algs[a]], CHAP_OK);
	expect_response(CHAP_ALG_MD5, v4[CHAP_ALG_SHA1], CHAP_ERR_RESPONSE_LENGTH);
	expect_response(CHAP_ALG_SHA1, v4[CHAP_ALG_MD5], CHAP_ERR_RESPONSE_LENGTH);
	expect_response(CHAP_ALG_SHA256, "0x00", CHAP_ERR_RESPONSE_LENGTH);
	expect_response(CHAP_ALG_SHA3_256, C32_HEX "00", CHAP_ERR_RESPONSE_LENGTH);
	expect_response(CHAP_ALG_SHA3_256, C32_B64, CHAP_OK);
	expect_response(CHAP_ALG_MD5, "0xq", CHAP_ERR_HEX_DIGIT);
	expect_response((enum chap_alg)9, "0x00", CHAP_ERR_ALG_UNKNOWN);
}

static void mutual_verification(void **state)
{
	const uint8_t *tsec = (const uint8_t *)TGT_SECRET, *isec = (const uint8_t *)INIT_SECRET;
	size_t tlen = strlen(TGT_SECRET), ilen = strlen(INIT_SECRET);
	uint8_t r[CHAP_DIGEST_MAX];
	size_t n;
	(void)state;
	for (size_t i = 0; i < 4; i++) {
		enum chap_alg alg = all_algs[i];
		size_t dl = chap_alg_info(alg)->digest_len;

		assert_int_equal(chap_decode_response(alg, v4[alg], strlen(v4[alg]), r, &n), CHAP_OK);
		assert_int_equal(chap_verify_target(alg, 0x2a, c32, 32, tsec, tlen, isec, ilen, r, n),
				 CHAP_OK);
		assert_int_equal(chap_verify_target(alg, 0x2a, c32, 32, tsec, tlen, NULL, 0, r, n),
				 CHAP_OK);
		/* other id, other challenge, other secret: all fail */
		assert_int_equal(chap_verify_target(alg, 0x2b, c32, 32, tsec, tlen, isec, ilen, r, n),
				 CHAP_ERR_RESPONSE_MISMATCH);
		assert_int_equal(chap_verify_target(alg, 0x2a, c32 + 1, 31, tsec, tlen, isec, ilen, r, n),
				 CHAP_ERR_RESPONSE_MISMATCH);
		assert_int_equal(chap_verify_target(alg, 0x2a, c32, 32, tsec, tlen - 1, isec, ilen, r, n),
				 CHAP_ERR_RESPONSE_MISMATCH);
		r[dl - 1] ^= 0x80;
		assert_int_equal(chap_verify_target(alg, 0x2a, c32, 32, tsec, tlen, isec, ilen, r, n),
				 CHAP_ERR_RESPONSE_MISMATCH);
		assert_int_equal(chap_verify_target(alg, 0x2a, c32, 32, tsec, tlen, isec, ilen, r, n - 1),
				 CHAP_ERR_RESPONSE_LENGTH);
		/* the target answering with OUR secret (RFC 7143 9.2.1) */
		assert_int_equal(chap_decode_response(alg, v1[alg], strlen(v1[alg]), r, &n), CHAP_OK);
		assert_int_equal(chap_verify_target(alg, 0x2a, c32, 32, tsec, tlen, isec, ilen, r, n),
				 CHAP_ERR_RESPONSE_REFLECTED);
		/* the monitor's own bounds: short challenge, empty secret */
		assert_int_equal(chap_verify_target(alg, 0x2a, c32, 8, tsec, tlen, isec, ilen, r, n),
				 CHAP_ERR_CHALLENGE_SHORT);
		assert_int_equal(chap_verify_target(alg, 0x2a, c32, 32, tsec, 0, isec, ilen, r, n),
				 CHAP_ERR_SECRET_EMPTY);
	}
}

static void secrets(void **state)
{
	static uint8_t big[CHAP_SECRET_MAX + 1];
	uint8_t r[CHAP_DIGEST_MAX];
	size_t n;
	(void)state;
	assert_int_equal(chap_check_secret(0), CHAP_ERR_SECRET_EMPTY);
	assert_int_equal(chap_check_secret(1), CHAP_OK);
	assert_int_equal(chap_check_secret(CHAP_SECRET_MAX), CHAP_OK);
	assert_int_equal(chap_check_secret(CHAP_SECRET_MAX + 1), CHAP_ERR_SECRET_LONG);
	assert_true(chap_secret_is_short(11));
	assert_false(chap_secret_is_short(12));
	assert_int_equal(chap_response(CHAP_ALG_MD5, 0, big, 0, c32, 32, r, &n),
			 CHAP_ERR_SECRET_EMPTY);
	assert_int_equal(chap_response(CHAP_ALG_MD5, 0, big, sizeof(big), c32, 32, r, &n),
			 CHAP_ERR_SECRET_LONG);
	assert_int_equal(chap_response(CHAP_ALG_MD5, 0, big, CHAP_SECRET_MAX, c32, 32, r, &n),
			 CHAP_OK);
	assert_int_equal(chap_check_secret_pair((const uint8_t *)S("same-secret-x"),
						(const uint8_t *)S("same-secret-x")),
			 CHAP_ERR_SECRETS_IDENTICAL);
	assert_int_equal(chap_check_secret_pair((const uint8_t *)S(INIT_SECRET),
						(const uint8_t *)S(TGT_SECRET)), CHAP_OK);
	assert_int_equal(chap_check_secret_pair((const uint8_t *)S("prefix"),
						(const uint8_t *)S("prefix-longer")), CHAP_OK);
	assert_int_equal(chap_check_secret_pair((const uint8_t *)S(""),
						(const uint8_t *)S(TGT_SECRET)), CHAP_ERR_SECRET_EMPTY);
}

static void algorithm_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < CHAP_ALG_COUNT; i++) {
		const struct chap_alg_info *a = &chap_alg_table[i];
		assert_ptr_equal(chap_alg_info(a->alg), a);
		assert_ptr_equal(chap_alg_by_name(a->name, strlen(a->name)), a);
		/* the digest length libcrypto itself reports */
		assert_int_equal((size_t)EVP_MD_get_size(a->evp_md()), a->digest_len);
		assert_true(a->digest_len <= CHAP_DIGEST_MAX);
		assert_true(chap_alg_available(a->alg));
	}
	assert_int_equal(chap_alg_info(CHAP_ALG_MD5)->digest_len, 16);
	assert_int_equal(chap_alg_by_name(S("sha3-256"))->alg, CHAP_ALG_SHA3_256);
	assert_null(chap_alg_by_name(S("SHA-256")));
	assert_null(chap_alg_by_name(S("MD5x")));
	assert_null(chap_alg_info((enum chap_alg)0));
	assert_false(chap_alg_available((enum chap_alg)4));
}

static void messages(void **state)
{
	(void)state;
	for (int e = 0; e < CHAP_ERR__COUNT; e++) {
		const char *m = chap_strerror((enum chap_err)e);
		assert_non_null(m);
		assert_true(strlen(m) > 0);
		assert_string_not_equal(m, "unknown CHAP error");
		assert_null(strchr(m, '\n'));
		assert_null(strchr(m, '%'));
	}
	assert_string_equal(chap_strerror(CHAP_ERR__COUNT), "unknown CHAP error");
	assert_string_equal(chap_strerror((enum chap_err)-1), "unknown CHAP error");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(known_answers),
		cmocka_unit_test(known_answers_from_wire),
		cmocka_unit_test(challenge_bounds),
		cmocka_unit_test(reflected_challenge),
		cmocka_unit_test(making_challenges),
		cmocka_unit_test(response_lengths),
		cmocka_unit_test(mutual_verification),
		cmocka_unit_test(secrets),
		cmocka_unit_test(algorithm_table),
		cmocka_unit_test(messages),
	};
	return cmocka_run_group_tests_name("chap", tests, NULL, NULL);
}
