/* Value syntaxes of RFC 7143 6.1 and the reserved answers of 6.2. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "proto/textkeys.h"

static void special_values(void **state)
{
	(void)state;
	assert_int_equal(text_value_special("NotUnderstood"), TEXT_VALUE_NOT_UNDERSTOOD);
	assert_int_equal(text_value_special("Irrelevant"), TEXT_VALUE_IRRELEVANT);
	assert_int_equal(text_value_special("Reject"), TEXT_VALUE_REJECT);
	assert_int_equal(text_value_special("reject"), TEXT_VALUE_PLAIN);
	assert_int_equal(text_value_special("Rejected"), TEXT_VALUE_PLAIN);
	assert_int_equal(text_value_special(""), TEXT_VALUE_PLAIN);
	assert_int_equal(text_value_special("None"), TEXT_VALUE_PLAIN);
}

static void booleans(void **state)
{
	bool b = false;
	(void)state;
	assert_int_equal(text_parse_bool("Yes", &b), TEXT_OK);
	assert_true(b);
	assert_int_equal(text_parse_bool("No", &b), TEXT_OK);
	assert_false(b);
	assert_int_equal(text_parse_bool("yes", &b), TEXT_ERR_SYNTAX);
	assert_int_equal(text_parse_bool("YES", &b), TEXT_ERR_SYNTAX);
	assert_int_equal(text_parse_bool("Yes ", &b), TEXT_ERR_SYNTAX);
	assert_int_equal(text_parse_bool("1", &b), TEXT_ERR_SYNTAX);
	assert_int_equal(text_parse_bool("", &b), TEXT_ERR_SYNTAX);
	assert_int_equal(text_parse_bool("Yes,No", &b), TEXT_ERR_SYNTAX);
}

static enum text_err num(const char *v, uint64_t *out)
{
	return text_parse_number(v, 0, UINT64_MAX, out);
}

static void numbers(void **state)
{
	uint64_t v = 7;
	(void)state;
	assert_int_equal(num("0", &v), TEXT_OK);
	assert_int_equal(v, 0);
	assert_int_equal(num("262144", &v), TEXT_OK);
	assert_int_equal(v, 262144);
	assert_int_equal(num("18446744073709551615", &v), TEXT_OK);
	assert_true(v == UINT64_MAX);
	assert_int_equal(num("18446744073709551616", &v), TEXT_ERR_RANGE);
	assert_int_equal(num("99999999999999999999999", &v), TEXT_ERR_RANGE);
	assert_int_equal(num("0x0", &v), TEXT_OK);
	assert_int_equal(v, 0);
	assert_int_equal(num("0X1f", &v), TEXT_OK);
	assert_int_equal(v, 31);
	assert_int_equal(num("0xFFFFFFFFFFFFFFFF", &v), TEXT_OK);
	assert_true(v == UINT64_MAX);
	assert_int_equal(num("0x00000000000000000000ffffffffffffffff", &v), TEXT_OK);
	assert_true(v == UINT64_MAX);
	assert_int_equal(num("0x10000000000000000", &v), TEXT_ERR_RANGE);
	v = 7;
	static const char *const bad[] = {
		"", "0x", "0b1", "00", "0123", "-1", "+1", " 1", "1 ", "1.5", "1e3", "0xg",
		"0x 1", "12a", "Yes", "0x-1", "\xd9\xa1",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(num(bad[i], &v), TEXT_ERR_SYNTAX);
	assert_int_equal(v, 7);    /* untouched on error */
}

static void number_ranges(void **state)
{
	uint64_t v = 0;
	(void)state;
	/* MaxRecvDataSegmentLength: 512 to 2^24-1 */
	assert_int_equal(text_parse_number("512", 512, 16777215, &v), TEXT_OK);
	assert_int_equal(text_parse_number("16777215", 512, 16777215, &v), TEXT_OK);
	assert_int_equal(text_parse_number("511", 512, 16777215, &v), TEXT_ERR_RANGE);
	assert_int_equal(text_parse_number("16777216", 512, 16777215, &v), TEXT_ERR_RANGE);
	assert_int_equal(text_parse_number("0xffffff", 512, 16777215, &v), TEXT_OK);
	assert_int_equal(v, 16777215);
	assert_int_equal(text_parse_number("0x1000000", 512, 16777215, &v), TEXT_ERR_RANGE);
}

static enum text_err bin(const char *v, uint8_t *out, size_t cap, size_t *len)
{
	return text_parse_binary(v, out, cap, len);
}

static void binary_values(void **state)
{
	uint8_t out[1100];
	size_t len;
	char hex[2100];
	(void)state;
	assert_int_equal(bin("0x0102ff", out, sizeof(out), &len), TEXT_OK);
	assert_int_equal(len, 3);
	assert_memory_equal(out, "\x01\x02\xff", 3);
	assert_int_equal(bin("0XABC", out, sizeof(out), &len), TEXT_OK);   /* odd digits */
	assert_int_equal(len, 2);
	assert_memory_equal(out, "\x0a\xbc", 2);
	assert_int_equal(bin("0x0000", out, sizeof(out), &len), TEXT_OK);  /* leading zeros count */
	assert_int_equal(len, 2);
	assert_int_equal(bin("0bAQID", out, sizeof(out), &len), TEXT_OK);
	assert_int_equal(len, 3);
	assert_memory_equal(out, "\x01\x02\x03", 3);
	assert_int_equal(bin("0BAQI=", out, sizeof(out), &len), TEXT_OK);
	assert_int_equal(len, 2);
	assert_memory_equal(out, "\x01\x02", 2);
	assert_int_equal(bin("0b/w==", out, sizeof(out), &len), TEXT_OK);
	assert_int_equal(len, 1);
	assert_int_equal(out[0], 0xff);
	assert_int_equal(bin("0b+/+/", out, sizeof(out), &len), TEXT_OK);
	assert_memory_equal(out, "\xfb\xff\xbf", 3);
	static const char *const bad[] = {
		"", "0x", "0b", "123", "0x12 ", "0xzz", "0bAQI", "0bAQ=", "0bA===", "0b====",
		"0bAQ==AQID", "0bAQ=D", "0b/x==", "0bAQJ=", "0bA-B_", "x12",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(bin(bad[i], out, sizeof(out), &len), TEXT_ERR_SYNTAX);
	/* CHAP_C and CHAP_R bound: 1024 bytes, 2048 hex digits */
	memcpy(hex, "0x", 2);
	memset(hex + 2, 'a', 2048);
	hex[2050] = '\0';
	assert_int_equal(bin(hex, out, TEXT_CHAP_BINARY_MAX, &len), TEXT_OK);
	assert_int_equal(len, 1024);
	hex[2050] = 'a';
	hex[2051] = '\0';
	assert_int_equal(bin(hex, out, TEXT_CHAP_BINARY_MAX, &len), TEXT_ERR_RANGE);
	assert_int_equal(bin("0bAQID", out, 2, &len), TEXT_ERR_RANGE);
	assert_int_equal(bin("0bAQI=", out, 2, &len), TEXT_OK);
}

static void hex_formatting(void **state)
{
	char buf[16];
	uint8_t out[8];
	size_t len;
	(void)state;
	assert_int_equal(text_format_hex((const uint8_t *)"\x00\x9a\xff", 3, buf, sizeof(buf)), TEXT_OK);
	assert_string_equal(buf, "0x009aff");
	assert_int_equal(bin(buf, out, sizeof(out), &len), TEXT_OK);
	assert_int_equal(len, 3);
	assert_int_equal(text_format_hex((const uint8_t *)"\x01\x02", 2, buf, 7), TEXT_OK);
	assert_string_equal(buf, "0x0102");
	assert_int_equal(text_format_hex((const uint8_t *)"\x01\x02", 2, buf, 6), TEXT_ERR_NO_SPACE);
	assert_string_equal(buf, "");
	assert_int_equal(text_format_hex(NULL, 0, buf, 3), TEXT_OK);
	assert_string_equal(buf, "0x");
}

static void value_lists(void **state)
{
	struct text_values_iter it;
	const char *v;
	size_t n;
	(void)state;
	text_values_begin(&it, "CHAP,None");
	assert_true(text_values_next(&it, &v, &n));
	assert_int_equal(n, 4);
	assert_memory_equal(v, "CHAP", 4);
	assert_true(text_values_next(&it, &v, &n));
	assert_int_equal(n, 4);
	assert_memory_equal(v, "None", 4);
	assert_false(text_values_next(&it, &v, &n));
	text_values_begin(&it, "a,,b,");
	int items = 0;
	size_t lens[8];
	while (text_values_next(&it, &v, &n))
		lens[items++] = n;
	assert_int_equal(items, 4);
	assert_int_equal(lens[1], 0);
	assert_int_equal(lens[3], 0);
	assert_true(text_values_contains("CRC32C,None", "None"));
	assert_true(text_values_contains("CRC32C,None", "CRC32C"));
	assert_false(text_values_contains("CRC32C,None", "CRC32"));
	assert_false(text_values_contains("CRC32C,None", "CRC32C,None"));
	assert_false(text_values_contains("", "None"));
	assert_true(text_values_contains("", ""));
	assert_int_equal(text_values_check("CHAP,None"), TEXT_OK);
	assert_int_equal(text_values_check("5,7,0x80"), TEXT_OK);
	assert_int_equal(text_values_check("iqn.2001-04.com.example:a/[b]@c+d_e"), TEXT_OK);
	assert_int_equal(text_values_check(""), TEXT_ERR_SYNTAX);
	assert_int_equal(text_values_check("CHAP,"), TEXT_ERR_SYNTAX);
	assert_int_equal(text_values_check(",None"), TEXT_ERR_SYNTAX);
	assert_int_equal(text_values_check("CHAP,,None"), TEXT_ERR_SYNTAX);
	assert_int_equal(text_values_check("CHAP, None"), TEXT_ERR_SYNTAX);
	assert_int_equal(text_values_check("caf\xc3\xa9"), TEXT_ERR_SYNTAX);
	assert_int_equal(text_values_check("a=b"), TEXT_ERR_SYNTAX);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(special_values),
		cmocka_unit_test(booleans),
		cmocka_unit_test(numbers),
		cmocka_unit_test(number_ranges),
		cmocka_unit_test(binary_values),
		cmocka_unit_test(hex_formatting),
		cmocka_unit_test(value_lists),
	};
	return cmocka_run_group_tests_name("textvalues", tests, NULL, NULL);
}
