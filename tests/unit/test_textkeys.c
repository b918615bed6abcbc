/* Text key=value parsing and its limits (RFC 7143 section 6); the
 * assembler, builder and value syntaxes have test programs of their own. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proto/textkeys.h"

/* A string literal with its embedded NULs, without the compiler's own. */
#define SEG(s) (const uint8_t *)(s), sizeof(s) - 1
#define SEG_CHARS(s) (s), sizeof(s) - 1

static const char login_rsp[] =
	"TargetPortalGroupTag=1\0HeaderDigest=None\0DataDigest=None\0"
	"DefaultTime2Wait=2\0DefaultTime2Retain=0\0IFMarker=No\0OFMarker=No\0"
	"ErrorRecoveryLevel=0\0InitialR2T=Yes\0ImmediateData=Yes\0"
	"MaxBurstLength=262144\0FirstBurstLength=65536\0MaxOutstandingR2T=1\0"
	"MaxConnections=1\0DataPDUInOrder=Yes\0DataSequenceInOrder=Yes\0"
	"MaxRecvDataSegmentLength=262144\0TargetAlias=disk one\0";

static enum text_err parse(const uint8_t *d, size_t n, struct text_list *l, struct text_error *e)
{
	return text_parse(d, n, NULL, l, e);
}

static enum text_err parse_str(const char *pairs, size_t n, struct text_error *e)
{
	struct text_list l;
	enum text_err r = parse((const uint8_t *)pairs, n, &l, e);
	text_list_free(&l);
	return r;
}

static void login_response_parses_in_order(void **state)
{
	struct text_list l;
	(void)state;
	assert_int_equal(parse(SEG(login_rsp), &l, NULL), TEXT_OK);
	assert_int_equal(l.count, 18);
	assert_string_equal(l.pairs[0].key, "TargetPortalGroupTag");
	assert_string_equal(l.pairs[0].value, "1");
	assert_string_equal(l.pairs[17].key, "TargetAlias");
	assert_string_equal(l.pairs[17].value, "disk one");
	assert_int_equal(l.pairs[17].value_len, 8);
	assert_string_equal(text_list_get(&l, "MaxBurstLength"), "262144");
	assert_null(text_list_get(&l, "MaxBurst"));
	assert_null(text_list_find(&l, "AuthMethod"));
	text_list_free(&l);
}

static void empty_and_padding(void **state)
{
	struct text_list l;
	struct text_error e;
	(void)state;
	assert_int_equal(text_parse(NULL, 0, NULL, &l, NULL), TEXT_OK);
	assert_int_equal(l.count, 0);
	assert_int_equal(parse(SEG("\0\0\0"), &l, NULL), TEXT_OK);
	assert_int_equal(l.count, 0);
	assert_int_equal(parse(SEG("A=1\0\0\0\0"), &l, NULL), TEXT_OK);
	assert_int_equal(l.count, 1);
	text_list_free(&l);
	/* an empty pair between two pairs is not padding */
	assert_int_equal(parse_str(SEG_CHARS("A=1\0\0B=2\0"), &e), TEXT_ERR_EMPTY_PAIR);
	assert_int_equal(e.offset, 4);
	assert_int_equal(parse_str(SEG_CHARS("\0A=1\0"), &e), TEXT_ERR_EMPTY_PAIR);
	assert_int_equal(e.offset, 0);
}

static void value_may_hold_equals_and_be_empty(void **state)
{
	struct text_list l;
	(void)state;
	assert_int_equal(parse(SEG("A=b=c\0B=\0"), &l, NULL), TEXT_OK);
	assert_string_equal(text_list_get(&l, "A"), "b=c");
	assert_string_equal(text_list_get(&l, "B"), "");
	assert_int_equal(l.pairs[1].value_len, 0);
	text_list_free(&l);
}

static void unterminated_is_refused(void **state)
{
	struct text_error e;
	char msg[200];
	(void)state;
	assert_int_equal(parse_str(SEG_CHARS("A=1\0HeaderDigest=No"), &e), TEXT_ERR_UNTERMINATED);
	assert_int_equal(e.offset, 4);
	assert_string_equal(e.key, "HeaderDigest");
	text_error_format(&e, msg, sizeof(msg));
	assert_string_equal(msg, "text key 'HeaderDigest': last key=value pair not terminated by NUL");
	assert_int_equal(parse_str(SEG_CHARS("HeaderDig"), &e), TEXT_ERR_UNTERMINATED);
	assert_int_equal(e.offset, 0);
	assert_string_equal(e.key, "");
}

static void missing_equals_and_empty_key(void **state)
{
	struct text_error e;
	char msg[200];
	(void)state;
	assert_int_equal(parse_str(SEG_CHARS("A=1\0InitialR2T\0"), &e), TEXT_ERR_NO_EQUALS);
	assert_int_equal(e.offset, 4);
	assert_string_equal(e.key, "InitialR2T");
	text_error_format(&e, msg, sizeof(msg));
	assert_string_equal(msg, "text key 'InitialR2T': key=value pair without '='");
	assert_int_equal(parse_str(SEG_CHARS("=Yes\0"), &e), TEXT_ERR_EMPTY_KEY);
	text_error_format(&e, msg, sizeof(msg));
	assert_string_equal(msg, "text data at byte 0: empty key name");
}

static void key_characters(void **state)
{
	static const char *const good[] = {
		"A=1", "Ab.c-d+e@f_g9=1", "X-com.example.Key=1", "X#Registered_Key=1", "Z=1",
		"iSCSIProtocolLevel=1", /* RFC 7144: the one standard lower-case key */
	};
	static const char *const bad[] = {
		"a=1", "1A=1", ".A=1", "_A=1", "A B=1", "A#B=1", "X#=1", "A/B=1", "A:B=1",
		"A\tB=1", "A\xc3\xa9=1", "A,B=1", "A[0]=1", "\xff=1",
		"iSCSIProtocolLeve=1", "iSCSIProtocolLevelX=1",
	};
	char buf[80];
	(void)state;
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		size_t n = strlen(good[i]) + 1;
		memcpy(buf, good[i], n);
		assert_int_equal(parse_str(buf, n, NULL), TEXT_OK);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct text_error e;
		size_t n = strlen(bad[i]) + 1;
		memcpy(buf, bad[i], n);
		assert_int_equal(parse_str(buf, n, &e), TEXT_ERR_KEY_CHAR);
	}
}

static void key_char_error_is_escaped(void **state)
{
	struct text_error e;
	char msg[200];
	(void)state;
	assert_int_equal(parse_str(SEG_CHARS("\x1b[31m=1\0"), &e), TEXT_ERR_KEY_CHAR);
	text_error_format(&e, msg, sizeof(msg));
	assert_string_equal(msg, "text key '\\x1b[31m': key name is not a standard-label");
}

static void key_length_bound(void **state)
{
	char buf[TEXT_KEY_MAX + 8];
	struct text_error e;
	(void)state;
	memset(buf, 'K', sizeof(buf));
	memcpy(buf + TEXT_KEY_MAX, "=1", 3);           /* 63-byte key */
	assert_int_equal(parse_str(buf, TEXT_KEY_MAX + 3, NULL), TEXT_OK);
	memset(buf, 'K', sizeof(buf));
	memcpy(buf + TEXT_KEY_MAX + 1, "=1", 3);       /* 64-byte key */
	assert_int_equal(parse_str(buf, TEXT_KEY_MAX + 4, &e), TEXT_ERR_KEY_TOO_LONG);
	assert_int_equal(e.limit, 63);
	assert_int_equal(strlen(e.key), 63);
}

/* key=<n bytes of 'v'> NUL, in a malloc'd buffer of exactly that size. */
static uint8_t *pair_of(const char *key, size_t n, char fill, size_t *len)
{
	size_t k = strlen(key);
	uint8_t *p = malloc(k + n + 2);
	assert_non_null(p);
	memcpy(p, key, k);
	p[k] = '=';
	memset(p + k + 1, fill, n);
	p[k + 1 + n] = '\0';
	*len = k + n + 2;
	return p;
}

static enum text_err parse_value_of(const char *key, size_t n, char fill, struct text_error *e)
{
	size_t len;
	uint8_t *p = pair_of(key, n, fill, &len);
	enum text_err r = parse_str((const char *)p, len, e);
	free(p);
	return r;
}

static void value_length_bounds(void **state)
{
	struct text_error e;
	char msg[200];
	(void)state;
	assert_int_equal(text_value_limit("TargetAlias"), 255);
	assert_int_equal(text_value_limit("CHAP_C"), 2050);
	assert_int_equal(text_value_limit("CHAP_R"), 2050);
	assert_int_equal(text_value_limit("CHAP_N"), 255);
	assert_int_equal(parse_value_of("TargetAlias", 255, 'a', NULL), TEXT_OK);
	assert_int_equal(parse_value_of("TargetAlias", 256, 'a', &e), TEXT_ERR_VALUE_TOO_LONG);
	text_error_format(&e, msg, sizeof(msg));
	assert_string_equal(msg, "text key 'TargetAlias': value too long (limit 255 bytes)");
	assert_int_equal(parse_value_of("CHAP_N", 256, 'a', NULL), TEXT_ERR_VALUE_TOO_LONG);
	assert_int_equal(parse_value_of("CHAP_C", 2050, 'a', NULL), TEXT_OK);
	assert_int_equal(parse_value_of("CHAP_R", 2050, 'a', NULL), TEXT_OK);
	assert_int_equal(parse_value_of("CHAP_C", 2051, 'a', &e), TEXT_ERR_VALUE_TOO_LONG);
	text_error_format(&e, msg, sizeof(msg));
	assert_string_equal(msg, "text key 'CHAP_C': value too long (limit 2050 bytes)");
	assert_int_equal(parse_value_of("CHAP_R", 2051, 'a', NULL), TEXT_ERR_VALUE_TOO_LONG);
	assert_int_equal(parse_value_of("CHAP_RX", 256, 'a', NULL), TEXT_ERR_VALUE_TOO_LONG);
}

static void chap_values_never_in_messages(void **state)
{
	struct text_error e;
	char msg[300];
	(void)state;
	assert_int_equal(parse_str(SEG_CHARS("CHAP_R=0xSECRET\xc0\x80\0"), &e), TEXT_ERR_VALUE_UTF8);
	text_error_format(&e, msg, sizeof(msg));
	assert_string_equal(msg, "text key 'CHAP_R': value is not valid UTF-8");
	/* without '=', the key name is not allowed to run into the value */
	assert_int_equal(parse_str(SEG_CHARS("CHAP_RSECRET\0"), &e), TEXT_ERR_NO_EQUALS);
	text_error_format(&e, msg, sizeof(msg));
	assert_null(strstr(msg, "SECRET"));
	assert_string_equal(e.key, "CHAP_R");
	assert_int_equal(parse_str(SEG_CHARS("CHAP_C=SECRET"), &e), TEXT_ERR_UNTERMINATED);
	text_error_format(&e, msg, sizeof(msg));
	assert_null(strstr(msg, "SECRET"));
	assert_true(text_key_is_secret("CHAP_C"));
	assert_true(text_key_is_secret("CHAP_N"));
	assert_false(text_key_is_secret("AuthMethod"));
}

static void duplicates(void **state)
{
	static const char st[] = "TargetName=iqn.2001-04.com.example:a\0"
				 "TargetAddress=10.0.0.1:3260,1\0TargetAddress=10.0.0.2:3260,2\0"
				 "TargetName=iqn.2001-04.com.example:b\0TargetAddress=10.0.0.1:3260,1\0";
	struct text_limits lim;
	struct text_list l;
	struct text_error e;
	char msg[200];
	(void)state;
	assert_int_equal(parse(SEG(st), &l, &e), TEXT_ERR_DUPLICATE);
	text_list_free(&l);
	assert_string_equal(e.key, "TargetAddress");
	assert_int_equal(e.offset, 67);
	text_error_format(&e, msg, sizeof(msg));
	assert_string_equal(msg, "text key 'TargetAddress': key given more than once");
	text_limits_default(&lim);
	lim.flags = TEXT_ALLOW_DUPLICATES;
	assert_int_equal(text_parse(SEG(st), &lim, &l, NULL), TEXT_OK);
	assert_int_equal(l.count, 5);
	assert_string_equal(l.pairs[3].value, "iqn.2001-04.com.example:b");
	text_list_free(&l);
}

static void many_pairs_duplicate_at_end(void **state)
{
	/* 8000 distinct keys then a repeat of the first: found in linear time. */
	size_t cap = 8001 * 12, len = 0;
	char *buf = malloc(cap);
	struct text_error e;
	(void)state;
	assert_non_null(buf);
	for (int i = 0; i < 8000; i++)
		len += (size_t)sprintf(buf + len, "K%d=1", i) + 1;
	assert_int_equal(parse_str(buf, len, NULL), TEXT_OK);
	len += (size_t)sprintf(buf + len, "K0=2") + 1;
	assert_int_equal(parse_str(buf, len, &e), TEXT_ERR_DUPLICATE);
	assert_string_equal(e.key, "K0");
	free(buf);
}

static bool utf8_ok(const char *s)
{
	return text_utf8_valid((const uint8_t *)s, strlen(s));
}

static void utf8_strictness(void **state)
{
	uint32_t cp;
	(void)state;
	assert_true(utf8_ok("plain ascii"));
	assert_true(utf8_ok("\x7f"));
	assert_true(utf8_ok("\xc2\x80"));                 /* U+0080 */
	assert_true(utf8_ok("\xdf\xbf"));                 /* U+07FF */
	assert_true(utf8_ok("\xe0\xa0\x80"));             /* U+0800 */
	assert_true(utf8_ok("\xed\x9f\xbf"));             /* U+D7FF */
	assert_true(utf8_ok("\xee\x80\x80"));             /* U+E000 */
	assert_true(utf8_ok("\xef\xbf\xbf"));             /* U+FFFF */
	assert_true(utf8_ok("\xf0\x90\x80\x80"));         /* U+10000 */
	assert_true(utf8_ok("\xf4\x8f\xbf\xbf"));         /* U+10FFFF */
	assert_false(utf8_ok("\xc0\x80"));                /* overlong NUL */
	assert_false(utf8_ok("\xc1\xbf"));                /* overlong U+007F */
	assert_false(utf8_ok("\xe0\x9f\xbf"));            /* overlong U+07FF */
	assert_false(utf8_ok("\xf0\x8f\xbf\xbf"));        /* overlong U+FFFF */
	assert_false(utf8_ok("\xed\xa0\x80"));            /* U+D800 */
	assert_false(utf8_ok("\xed\xbf\xbf"));            /* U+DFFF */
	assert_false(utf8_ok("\xf4\x90\x80\x80"));        /* U+110000 */
	assert_false(utf8_ok("\xf5\x80\x80\x80"));
	assert_false(utf8_ok("\xff"));
	assert_false(utf8_ok("\x80"));                    /* lone continuation */
	assert_false(utf8_ok("a\xe2\x82"));               /* truncated at the end */
	assert_false(utf8_ok("\xe2\x82z"));               /* truncated in the middle */
	assert_false(utf8_ok("\xf0\x90\x80"));
	assert_false(text_utf8_valid((const uint8_t *)"a\0b", 3));
	assert_int_equal(text_utf8_decode((const uint8_t *)"\xf4\x8f\xbf\xbf", 4, &cp), 4);
	assert_int_equal(cp, 0x10ffff);
	assert_int_equal(text_utf8_decode((const uint8_t *)"\xe2\x82\xac", 3, &cp), 3);
	assert_int_equal(cp, 0x20ac);
	assert_int_equal(text_utf8_decode((const uint8_t *)"\xe2\x82\xac", 2, &cp), 0);
}

static void utf8_in_values(void **state)
{
	struct text_error e;
	(void)state;
	assert_int_equal(parse_str(SEG_CHARS("TargetAlias=caf\xc3\xa9 \xe2\x82\xac\0"), NULL), TEXT_OK);
	assert_int_equal(parse_str(SEG_CHARS("TargetAlias=\xc0\xaf\0"), &e), TEXT_ERR_VALUE_UTF8);
	assert_string_equal(e.key, "TargetAlias");
	assert_int_equal(parse_str(SEG_CHARS("TargetAlias=\xed\xa0\x80\0"), NULL), TEXT_ERR_VALUE_UTF8);
	assert_int_equal(parse_str(SEG_CHARS("TargetAlias=ab\xe2\x82\0"), NULL), TEXT_ERR_VALUE_UTF8);
	assert_int_equal(parse_str(SEG_CHARS("TargetAlias=\xf4\x90\x80\x80\0"), NULL), TEXT_ERR_VALUE_UTF8);
}

static void total_size_bound(void **state)
{
	struct text_limits lim;
	struct text_list l;
	struct text_error e;
	size_t len;
	uint8_t *p = pair_of("A", 97, 'x', &len);   /* 100 bytes */
	(void)state;
	text_limits_default(&lim);
	assert_int_equal(lim.max_total, 65536);
	lim.max_total = 100;
	assert_int_equal(text_parse(p, len, &lim, &l, NULL), TEXT_OK);
	text_list_free(&l);
	lim.max_total = 99;
	assert_int_equal(text_parse(p, len, &lim, &l, &e), TEXT_ERR_EXCHANGE_TOO_LONG);
	assert_int_equal(e.limit, 99);
	text_list_free(&l);
	free(p);
}

static void strerror_covers_every_code(void **state)
{
	(void)state;
	for (int c = TEXT_OK; c <= TEXT_ERR_NO_SPACE; c++) {
		assert_non_null(text_strerror(c));
		assert_string_not_equal(text_strerror(c), "unknown text error");
	}
	assert_string_equal(text_strerror(TEXT_ERR_NO_SPACE + 1), "unknown text error");
	assert_string_equal(text_strerror((enum text_err)-1), "unknown text error");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(login_response_parses_in_order),
		cmocka_unit_test(empty_and_padding),
		cmocka_unit_test(value_may_hold_equals_and_be_empty),
		cmocka_unit_test(unterminated_is_refused),
		cmocka_unit_test(missing_equals_and_empty_key),
		cmocka_unit_test(key_characters),
		cmocka_unit_test(key_char_error_is_escaped),
		cmocka_unit_test(key_length_bound),
		cmocka_unit_test(value_length_bounds),
		cmocka_unit_test(chap_values_never_in_messages),
		cmocka_unit_test(duplicates),
		cmocka_unit_test(many_pairs_duplicate_at_end),
		cmocka_unit_test(utf8_strictness),
		cmocka_unit_test(utf8_in_values),
		cmocka_unit_test(total_size_bound),
		cmocka_unit_test(strerror_covers_every_code),
	};
	return cmocka_run_group_tests_name("textkeys", tests, NULL, NULL);
}
