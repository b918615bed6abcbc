/* Value syntaxes of RFC 7143 6.1 and the reserved answers of 6.2: what
 * the negotiation engine needs to read a received value strictly. */
#include "proto/textkeys.h"

#include <string.h>

enum text_special text_value_special(const char *value)
{
	if (strcmp(value, "NotUnderstood") == 0)
		return TEXT_VALUE_NOT_UNDERSTOOD;
	if (strcmp(value, "Irrelevant") == 0)
		return TEXT_VALUE_IRRELEVANT;
	if (strcmp(value, "Reject") == 0)
		return TEXT_VALUE_REJECT;
	return TEXT_VALUE_PLAIN;
}

enum text_err text_parse_bool(const char *value, bool *out)
{
	if (strcmp(value, "Yes") == 0)
		*out = true;
	else if (strcmp(value, "No") == 0)
		*out = false;
	else
		return TEXT_ERR_SYNTAX;
	return TEXT_OK;
}

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static bool hex_prefix(const char *v)
{
	return v[0] == '0' && (v[1] == 'x' || v[1] == 'X');
}

static bool base64_prefix(const char *v)
{
	return v[0] == '0' && (v[1] == 'b' || v[1] == 'B');
}

enum text_err text_parse_number(const char *value, uint64_t min, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;
	const char *p;

	if (hex_prefix(value)) {
		p = value + 2;
		if (*p == '\0')
			return TEXT_ERR_SYNTAX;
		for (; *p; p++) {
			int d = hex_digit(*p);
			if (d < 0)
				return TEXT_ERR_SYNTAX;
			if (v >> 60)
				return TEXT_ERR_RANGE;   /* a 17th significant digit */
			v = v << 4 | (uint64_t)d;
		}
	} else {
		p = value;
		if (*p < '0' || *p > '9' || (*p == '0' && p[1] != '\0'))
			return TEXT_ERR_SYNTAX;      /* empty, sign, or leading zero */
		for (; *p; p++) {
			if (*p < '0' || *p > '9')
				return TEXT_ERR_SYNTAX;
			unsigned d = (unsigned)(*p - '0');
			if (v > (UINT64_MAX - d) / 10)
				return TEXT_ERR_RANGE;
			v = v * 10 + d;
		}
	}
	if (v < min || v > max)
		return TEXT_ERR_RANGE;
	*out = v;
	return TEXT_OK;
}

static enum text_err parse_hex_binary(const char *p, uint8_t *out, size_t cap, size_t *len)
{
	size_t digits = strlen(p), n = (digits + 1) / 2;
	size_t i = 0, o = 0;

	if (digits == 0)
		return TEXT_ERR_SYNTAX;
	for (size_t k = 0; k < digits; k++)
		if (hex_digit(p[k]) < 0)
			return TEXT_ERR_SYNTAX;
	if (n > cap)
		return TEXT_ERR_RANGE;
	if (digits % 2)
		out[o++] = (uint8_t)hex_digit(p[i++]);
	for (; i < digits; i += 2)
		out[o++] = (uint8_t)(hex_digit(p[i]) << 4 | hex_digit(p[i + 1]));
	*len = o;
	return TEXT_OK;
}

static int b64_digit(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

/* RFC 4648 base64 with padding; the bits dropped by the padding must be
 * zero so that each byte string has exactly one encoding. */
static enum text_err parse_base64_binary(const char *p, uint8_t *out, size_t cap, size_t *len)
{
	size_t chars = strlen(p), pad = 0, o = 0;

	if (chars == 0 || chars % 4)
		return TEXT_ERR_SYNTAX;
	if (p[chars - 1] == '=')
		pad = p[chars - 2] == '=' ? 2 : 1;
	for (size_t k = 0; k < chars - pad; k++)
		if (b64_digit(p[k]) < 0)
			return TEXT_ERR_SYNTAX;
	if (chars / 4 * 3 - pad > cap)
		return TEXT_ERR_RANGE;
	for (size_t k = 0; k < chars; k += 4) {
		bool last = k + 4 == chars;
		uint32_t q = 0;
		for (size_t j = 0; j < 4; j++) {
			int d = last && j >= 4 - pad ? 0 : b64_digit(p[k + j]);
			q = q << 6 | (uint32_t)d;
		}
		out[o++] = (uint8_t)(q >> 16);
		if (last && pad == 2) {
			if (q & 0xffff)
				return TEXT_ERR_SYNTAX;
			break;
		}
		out[o++] = (uint8_t)(q >> 8);
		if (last && pad == 1) {
			if (q & 0xff)
				return TEXT_ERR_SYNTAX;
			break;
		}
		out[o++] = (uint8_t)q;
	}
	*len = o;
	return TEXT_OK;
}

enum text_err text_parse_binary(const char *value, uint8_t *out, size_t cap, size_t *len)
{
	*len = 0;
	if (hex_prefix(value))
		return parse_hex_binary(value + 2, out, cap, len);
	if (base64_prefix(value))
		return parse_base64_binary(value + 2, out, cap, len);
	return TEXT_ERR_SYNTAX;
}

enum text_err text_format_hex(const uint8_t *bytes, size_t n, char *buf, size_t size)
{
	static const char digits[] = "0123456789abcdef";

	if (size < 3 || (size - 3) / 2 < n) {
		if (size)
			buf[0] = '\0';
		return TEXT_ERR_NO_SPACE;
	}
	buf[0] = '0';
	buf[1] = 'x';
	for (size_t i = 0; i < n; i++) {
		buf[2 + 2 * i] = digits[bytes[i] >> 4];
		buf[3 + 2 * i] = digits[bytes[i] & 0xf];
	}
	buf[2 + 2 * n] = '\0';
	return TEXT_OK;
}

void text_values_begin(struct text_values_iter *it, const char *value)
{
	it->next = value;
}

bool text_values_next(struct text_values_iter *it, const char **item, size_t *item_len)
{
	const char *comma;

	if (!it->next)
		return false;
	*item = it->next;
	comma = strchr(it->next, ',');
	if (comma) {
		*item_len = (size_t)(comma - it->next);
		it->next = comma + 1;
	} else {
		*item_len = strlen(it->next);
		it->next = NULL;
	}
	return true;
}

bool text_values_contains(const char *list, const char *item)
{
	struct text_values_iter it;
	const char *v;
	size_t n, want = strlen(item);

	text_values_begin(&it, list);
	while (text_values_next(&it, &v, &n))
		if (n == want && memcmp(v, item, n) == 0)
			return true;
	return false;
}

static bool text_value_char(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	       (c != '\0' && strchr(".-+@_/[]:", c) != NULL);
}

enum text_err text_values_check(const char *list)
{
	struct text_values_iter it;
	const char *v;
	size_t n;

	text_values_begin(&it, list);
	while (text_values_next(&it, &v, &n)) {
		if (n == 0)
			return TEXT_ERR_SYNTAX;
		for (size_t i = 0; i < n; i++)
			if (!text_value_char(v[i]))
				return TEXT_ERR_SYNTAX;
	}
	return TEXT_OK;
}
