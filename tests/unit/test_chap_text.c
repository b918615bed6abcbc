/* CHAP text the login worker parses: RFC 7143 binary-value codecs (hex,
 * base64, bounds, every malformation), CHAP_I, CHAP_N, the configured
 * chap_algs list, and CHAP_A negotiation. The base64 forms were produced
 * with the openssl tool, not this code:
 *   printf "$(printf '\\xa5%.0s' $(seq 16))" | openssl base64 -A   (and seq 17, 18) */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "proto/chap.h"

#define S(lit) lit, sizeof(lit) - 1

static const uint8_t a5x16[16] = {
	0xa5, 0xa5, 0xa5, 0xa5, 0xa5, 0xa5, 0xa5, 0xa5, 0xa5, 0xa5, 0xa5, 0xa5, 0xa5, 0xa5, 0xa5, 0xa5,
};

static void decode_into(const char *v, size_t vlen, uint8_t *out, size_t *out_len)
{
	assert_int_equal(chap_decode_binary(v, vlen, out, CHAP_BINARY_MAX, out_len), CHAP_OK);
}

static void hex_values(void **state)
{
	uint8_t b[CHAP_BINARY_MAX];
	size_t n;
	(void)state;
	decode_into(S("0xAbCd"), b, &n);
	assert_int_equal(n, 2);
	assert_int_equal(b[0], 0xab);
	assert_int_equal(b[1], 0xcd);
	decode_into(S("0X00ff"), b, &n);
	assert_int_equal(n, 2);
	assert_int_equal(b[0], 0x00);
	assert_int_equal(b[1], 0xff);
	/* RFC 7143 6.1: n digits are (n+1)/2 bytes, leading zero implied. */
	decode_into(S("0x123"), b, &n);
	assert_int_equal(n, 2);
	assert_int_equal(b[0], 0x01);
	assert_int_equal(b[1], 0x23);
	decode_into(S("0xf"), b, &n);
	assert_int_equal(n, 1);
	assert_int_equal(b[0], 0x0f);
}

static void base64_values(void **state)
{
	uint8_t b[CHAP_BINARY_MAX];
	size_t n;
	(void)state;
	/* 16, 17 and 18 bytes: two, one and no padding characters */
	decode_into(S("0bpaWlpaWlpaWlpaWlpaWlpQ=="), b, &n);
	assert_int_equal(n, 16);
	assert_memory_equal(b, a5x16, 16);
	decode_into(S("0bpaWlpaWlpaWlpaWlpaWlpaU="), b, &n);
	assert_int_equal(n, 17);
	assert_int_equal(b[16], 0xa5);
	decode_into(S("0BpaWlpaWlpaWlpaWlpaWlpaWl"), b, &n);
	assert_int_equal(n, 18);
	assert_int_equal(b[17], 0xa5);
	decode_into(S("0b+/+/"), b, &n);
	assert_int_equal(n, 3);
	assert_int_equal(b[0], 0xfb);
	assert_int_equal(b[1], 0xff);
	assert_int_equal(b[2], 0xbf);
}

static void expect_bad(const char *v, size_t vlen, enum chap_err want)
{
	uint8_t b[CHAP_BINARY_MAX];
	size_t n = 99;

	memset(b, 0x5a, sizeof(b));
	assert_int_equal(chap_decode_binary(v, vlen, b, sizeof(b), &n), want);
	assert_int_equal(n, 0);
	for (size_t i = 0; i < sizeof(b); i++)	/* nothing half-decoded left */
		assert_int_equal(b[i], 0);
}

static void malformed_values(void **state)
{
	(void)state;
	expect_bad(S(""), CHAP_ERR_VALUE_EMPTY);
	expect_bad(S("0x"), CHAP_ERR_VALUE_NO_DIGITS);
	expect_bad(S("0b"), CHAP_ERR_VALUE_NO_DIGITS);
	expect_bad(S("0"), CHAP_ERR_VALUE_PREFIX);
	expect_bad(S("1234"), CHAP_ERR_VALUE_PREFIX);
	expect_bad(S("x1234"), CHAP_ERR_VALUE_PREFIX);
	expect_bad(S("0y1234"), CHAP_ERR_VALUE_PREFIX);
	expect_bad(S("0x12\0" "34"), CHAP_ERR_VALUE_NUL);
	expect_bad(S("\0" "0x1234"), CHAP_ERR_VALUE_NUL);
	expect_bad(S("0x12g4"), CHAP_ERR_HEX_DIGIT);
	expect_bad(S("0x1234 "), CHAP_ERR_HEX_DIGIT);
	expect_bad(S("0xg"), CHAP_ERR_HEX_DIGIT);
	expect_bad(S("0x-1"), CHAP_ERR_HEX_DIGIT);
	expect_bad(S("0bAAA"), CHAP_ERR_BASE64_LENGTH);
	expect_bad(S("0bpaWlpaWlpaWlpaWlpaWlpQ"), CHAP_ERR_BASE64_LENGTH);	/* unpadded */
	expect_bad(S("0bAAA AAAA"), CHAP_ERR_BASE64_CHAR);
	expect_bad(S("0bAA-A"), CHAP_ERR_BASE64_CHAR);
	expect_bad(S("0bA=AA"), CHAP_ERR_BASE64_PADDING);
	expect_bad(S("0bAA==AAAA"), CHAP_ERR_BASE64_PADDING);
	expect_bad(S("0bA==="), CHAP_ERR_BASE64_PADDING);
	expect_bad(S("0b===="), CHAP_ERR_BASE64_PADDING);
	expect_bad(S("0bpaWlpaWlpaWlpaWlpaWlpR=="), CHAP_ERR_BASE64_NONCANONICAL);
	expect_bad(S("0bpaWlpaWlpaWlpaWlpaWlpaV="), CHAP_ERR_BASE64_NONCANONICAL);
}

static void value_length_bounds(void **state)
{
	static char v[2 + 2 * (CHAP_BINARY_MAX + 1) + 1];
	uint8_t b[CHAP_BINARY_MAX + 8];
	size_t n;
	(void)state;
	memcpy(v, "0x", 2);
	memset(v + 2, 'e', 2 * (CHAP_BINARY_MAX + 1));
	/* exactly 1024 bytes is the RFC 7143 12.1.3 maximum */
	assert_int_equal(chap_decode_binary(v, 2 + 2 * CHAP_BINARY_MAX, b, sizeof(b), &n), CHAP_OK);
	assert_int_equal(n, CHAP_BINARY_MAX);
	/* 1025 bytes, even into a bigger buffer, and 1024 and a half */
	assert_int_equal(chap_decode_binary(v, 2 + 2 * (CHAP_BINARY_MAX + 1), b, sizeof(b), &n),
			 CHAP_ERR_VALUE_TOO_LONG);
	assert_int_equal(chap_decode_binary(v, 3 + 2 * CHAP_BINARY_MAX, b, sizeof(b), &n),
			 CHAP_ERR_VALUE_TOO_LONG);
	/* the caller's smaller buffer is the bound */
	assert_int_equal(chap_decode_binary(S("0x0102030405"), b, 4, &n), CHAP_ERR_VALUE_TOO_LONG);
	assert_int_equal(chap_decode_binary(S("0bAQIDBAU="), b, 4, &n), CHAP_ERR_VALUE_TOO_LONG);
	assert_int_equal(chap_decode_binary(S("0bAQIDBA=="), b, 4, &n), CHAP_OK);
	assert_int_equal(n, 4);
	/* base64 over 1024 bytes: 1026 bytes is 1368 characters */
	static char b64[2 + 1368 + 1];
	memcpy(b64, "0b", 2);
	memset(b64 + 2, 'A', 1368);
	assert_int_equal(chap_decode_binary(b64, 2 + 1368, b, sizeof(b), &n),
			 CHAP_ERR_VALUE_TOO_LONG);
	assert_int_equal(chap_decode_binary(b64, 2 + 1364, b, sizeof(b), &n), CHAP_OK);
	assert_int_equal(n, 1023);
}

static void hex_encoding(void **state)
{
	char out[CHAP_HEX_SIZE(4)];
	uint8_t back[4];
	const uint8_t in[4] = { 0x00, 0x9f, 0xa0, 0xff };
	size_t n;
	(void)state;
	assert_int_equal(chap_encode_hex(in, 4, out, sizeof(out)), CHAP_OK);
	assert_string_equal(out, "0x009fa0ff");
	decode_into(out, strlen(out), back, &n);
	assert_int_equal(n, 4);
	assert_memory_equal(back, in, 4);
	assert_int_equal(chap_encode_hex(in, 4, out, sizeof(out) - 1), CHAP_ERR_BUFFER_SMALL);
	assert_int_equal(chap_encode_hex(in, 0, out, 3), CHAP_OK);
	assert_string_equal(out, "0x");
}

static void expect_id(const char *v, size_t vlen, enum chap_err want, int value)
{
	uint8_t id = 77;
	assert_int_equal(chap_parse_id(v, vlen, &id), want);
	if (want == CHAP_OK)
		assert_int_equal(id, value);
}

static void identifier(void **state)
{
	(void)state;
	expect_id(S("0"), CHAP_OK, 0);
	expect_id(S("42"), CHAP_OK, 42);
	expect_id(S("255"), CHAP_OK, 255);
	expect_id(S("007"), CHAP_OK, 7);
	expect_id(S("0x2a"), CHAP_OK, 42);	/* a number may be a hex-constant */
	expect_id(S("0X2A"), CHAP_OK, 42);
	expect_id(S("0xff"), CHAP_OK, 255);
	expect_id(S("256"), CHAP_ERR_ID_RANGE, 0);
	expect_id(S("0x100"), CHAP_ERR_ID_RANGE, 0);
	expect_id(S("18446744073709551615"), CHAP_ERR_ID_RANGE, 0);
	expect_id(S("18446744073709551616"), CHAP_ERR_ID_MALFORMED, 0);
	expect_id(S(""), CHAP_ERR_VALUE_EMPTY, 0);
	expect_id(S("-1"), CHAP_ERR_ID_MALFORMED, 0);
	expect_id(S("+1"), CHAP_ERR_ID_MALFORMED, 0);
	expect_id(S(" 1"), CHAP_ERR_ID_MALFORMED, 0);
	expect_id(S("1a"), CHAP_ERR_ID_MALFORMED, 0);
	expect_id(S("0x"), CHAP_ERR_ID_MALFORMED, 0);
	expect_id(S("0b/w=="), CHAP_ERR_ID_MALFORMED, 0);	/* base64 is not a number */
	expect_id(S("4\0" "2"), CHAP_ERR_VALUE_NUL, 0);
}

static void names(void **state)
{
	static char longname[CHAP_NAME_MAX + 1];
	(void)state;
	memset(longname, 'n', sizeof(longname));
	assert_int_equal(chap_check_name(S("iqn.2003-01.org.example:tgt")), CHAP_OK);
	assert_int_equal(chap_check_name(S("user name \xc3\xa9")), CHAP_OK);
	assert_int_equal(chap_check_name(longname, CHAP_NAME_MAX), CHAP_OK);
	assert_int_equal(chap_check_name(longname, CHAP_NAME_MAX + 1), CHAP_ERR_NAME_LONG);
	assert_int_equal(chap_check_name(S("")), CHAP_ERR_NAME_EMPTY);
	assert_int_equal(chap_check_name(S("a\nb")), CHAP_ERR_NAME_CHAR);
	assert_int_equal(chap_check_name(S("a\0b")), CHAP_ERR_NAME_CHAR);
	assert_int_equal(chap_check_name(S("a\x7f")), CHAP_ERR_NAME_CHAR);
	assert_int_equal(chap_match_name("tgt-user", S("tgt-user")), CHAP_OK);
	assert_int_equal(chap_match_name("tgt-user", S("tgt-use")), CHAP_ERR_NAME_MISMATCH);
	assert_int_equal(chap_match_name("tgt-user", S("tgt-user2")), CHAP_ERR_NAME_MISMATCH);
	assert_int_equal(chap_match_name("tgt-user", S("TGT-USER")), CHAP_ERR_NAME_MISMATCH);
}

static void expect_prefs(const char *s, enum chap_err want, const char *chap_a)
{
	struct chap_prefs p;
	char out[CHAP_ALG_LIST_SIZE];
	assert_int_equal(chap_prefs_parse(s, strlen(s), &p), want);
	if (want != CHAP_OK)
		return;
	assert_int_equal(chap_prefs_format(&p, out, sizeof(out)), CHAP_OK);
	assert_string_equal(out, chap_a);
}

static void preferences(void **state)
{
	struct chap_prefs p = { 4, { CHAP_ALG_SHA3_256, CHAP_ALG_SHA256, CHAP_ALG_SHA1, CHAP_ALG_MD5 } };
	char out[CHAP_ALG_LIST_SIZE];
	(void)state;
	expect_prefs("SHA3-256,SHA256,SHA1,MD5", CHAP_OK, "8,7,6,5");
	expect_prefs("MD5", CHAP_OK, "5");
	expect_prefs("md5,sha256", CHAP_OK, "5,7");
	expect_prefs(" SHA256 ,\tMD5 ", CHAP_OK, "7,5");
	expect_prefs("MD4", CHAP_ERR_ALG_NAME, NULL);
	expect_prefs("SHA-256", CHAP_ERR_ALG_NAME, NULL);
	expect_prefs("", CHAP_ERR_ALG_MALFORMED, NULL);
	expect_prefs("MD5,,SHA1", CHAP_ERR_ALG_MALFORMED, NULL);
	expect_prefs("MD5,", CHAP_ERR_ALG_MALFORMED, NULL);
	expect_prefs("MD5,SHA1,md5", CHAP_ERR_ALG_DUPLICATE, NULL);
	assert_int_equal(chap_prefs_format(&p, out, 7), CHAP_ERR_BUFFER_SMALL);
	assert_int_equal(chap_prefs_format(&p, out, 8), CHAP_OK);
}

static void expect_choice(const char *list, const char *ours, enum chap_err want,
			  enum chap_alg alg)
{
	struct chap_prefs p;
	enum chap_alg got = 0;
	assert_int_equal(chap_prefs_parse(ours, strlen(ours), &p), CHAP_OK);
	assert_int_equal(chap_alg_choose(list, strlen(list), &p, &got), want);
	if (want == CHAP_OK)
		assert_int_equal(got, alg);
}

static void negotiation(void **state)
{
	(void)state;
	expect_choice("7,5", "MD5", CHAP_OK, CHAP_ALG_MD5);
	expect_choice("7,5", "SHA256,MD5", CHAP_OK, CHAP_ALG_SHA256);
	expect_choice("5,7", "SHA256,MD5", CHAP_OK, CHAP_ALG_SHA256);	/* our order wins */
	expect_choice("7,5", "SHA3-256,MD5", CHAP_OK, CHAP_ALG_MD5);
	expect_choice("9,7,200,0", "SHA256", CHAP_OK, CHAP_ALG_SHA256);	/* unknown ignored */
	expect_choice("0x7,5", "SHA256", CHAP_OK, CHAP_ALG_SHA256);
	expect_choice("9,10", "MD5", CHAP_ERR_ALG_NONE_COMMON, 0);
	expect_choice("6", "SHA256,MD5", CHAP_ERR_ALG_NONE_COMMON, 0);
	expect_choice("", "MD5", CHAP_ERR_ALG_MALFORMED, 0);
	expect_choice("7,,5", "MD5", CHAP_ERR_ALG_MALFORMED, 0);
	expect_choice("7,", "MD5", CHAP_ERR_ALG_MALFORMED, 0);
	expect_choice("5,abc", "MD5", CHAP_ERR_ALG_MALFORMED, 0);
	expect_choice("5, 7", "MD5", CHAP_ERR_ALG_MALFORMED, 0);
	expect_choice("None", "MD5", CHAP_ERR_ALG_MALFORMED, 0);
	expect_choice("5,99999999999999999999", "MD5", CHAP_ERR_ALG_MALFORMED, 0);
}

static void target_answer(void **state)
{
	struct chap_prefs p;
	enum chap_alg got = 0;
	(void)state;
	assert_int_equal(chap_prefs_parse(S("SHA256,MD5"), &p), CHAP_OK);
	assert_int_equal(chap_alg_accept(S("5"), &p, &got), CHAP_OK);
	assert_int_equal(got, CHAP_ALG_MD5);
	assert_int_equal(chap_alg_accept(S("0x7"), &p, &got), CHAP_OK);
	assert_int_equal(got, CHAP_ALG_SHA256);
	assert_int_equal(chap_alg_accept(S("6"), &p, &got), CHAP_ERR_ALG_NOT_OFFERED);
	assert_int_equal(chap_alg_accept(S("5,7"), &p, &got), CHAP_ERR_ALG_NOT_OFFERED);
	assert_int_equal(chap_alg_accept(S("Reject"), &p, &got), CHAP_ERR_ALG_MALFORMED);
	assert_int_equal(chap_alg_accept(S(""), &p, &got), CHAP_ERR_ALG_MALFORMED);
	assert_int_equal(chap_alg_accept(S("5\0"), &p, &got), CHAP_ERR_VALUE_NUL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(hex_values),
		cmocka_unit_test(base64_values),
		cmocka_unit_test(malformed_values),
		cmocka_unit_test(value_length_bounds),
		cmocka_unit_test(hex_encoding),
		cmocka_unit_test(identifier),
		cmocka_unit_test(names),
		cmocka_unit_test(preferences),
		cmocka_unit_test(negotiation),
		cmocka_unit_test(target_answer),
	};
	return cmocka_run_group_tests_name("chap_text", tests, NULL, NULL);
}
