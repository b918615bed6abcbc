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

/* n digits make (n+1)/2 bytes: an odd count stands for a leading zero
 * digit (RFC 7143 6.1, hex-constant). */
static enum text_binary_err decode_hex(const char *d, size_t n, uint8_t *out, size_t cap,
				       size_t *len)
{
	size_t i = 0, o = 0;

	if ((n + 1) / 2 > cap)
		return TEXT_BINARY_TOO_LONG;
	for (size_t k = 0; k < n; k++)
		if (hex_digit(d[k]) < 0)
			return TEXT_BINARY_HEX_DIGIT;
	if (n % 2)
		out[o++] = (uint8_t)hex_digit(d[i++]);
	for (; i < n; i += 2)
		out[o++] = (uint8_t)(hex_digit(d[i]) << 4 | hex_digit(d[i + 1]));
	*len = o;
	return TEXT_BINARY_OK;
}

/* RFC 4648 section 4 with padding, canonical only: the bits that padding
 * discards must be zero, so each byte string has exactly one encoding. */
static enum text_binary_err decode_base64(const char *d, size_t n, uint8_t *out, size_t cap,
					  size_t *len)
{
	size_t pad = 0, o = 0;

	if (n % 4)
		return TEXT_BINARY_BASE64_LENGTH;
	while (pad < n && d[n - 1 - pad] == '=')
		pad++;
	if (pad > 2)
		return TEXT_BINARY_BASE64_PADDING;
	if (n / 4 * 3 - pad > cap)
		return TEXT_BINARY_TOO_LONG;
	for (size_t k = 0; k < n - pad; k++) {
		if (b64_digit(d[k]) >= 0)
			continue;
		return d[k] == '=' ? TEXT_BINARY_BASE64_PADDING : TEXT_BINARY_BASE64_CHAR;
	}
	/* The last digit before the padding carries bits no byte keeps: 4 of
	 * them under "==", 2 under "=". */
	if (pad && (b64_digit(d[n - pad - 1]) & (pad == 2 ? 0xf : 0x3)))
		return TEXT_BINARY_BASE64_NONCANONICAL;
	for (size_t k = 0; k < n; k += 4) {
		uint32_t q = 0;

		for (size_t j = 0; j < 4; j++)
			q = q << 6 | (uint32_t)(k + j < n - pad ? b64_digit(d[k + j]) : 0);
		out[o++] = (uint8_t)(q >> 16);
		if (k + 4 < n || pad < 2)
			out[o++] = (uint8_t)(q >> 8);
		if (k + 4 < n || pad < 1)
			out[o++] = (uint8_t)q;
	}
	*len = o;
	return TEXT_BINARY_OK;
}

enum text_binary_err text_decode_binary(const char *value, size_t value_len,
					uint8_t *out, size_t cap, size_t *len)
{
	*len = 0;
	if (value_len < 2 || !(hex_prefix(value) || base64_prefix(value)))
		return TEXT_BINARY_PREFIX;
	if (value_len == 2)
		return TEXT_BINARY_NO_DIGITS;
	if (hex_prefix(value))
		return decode_hex(value + 2, value_len - 2, out, cap, len);
	return decode_base64(value + 2, value_len - 2, out, cap, len);
}

enum text_err text_parse_binary(const char *value, uint8_t *out, size_t cap, size_t *len)
{
	switch (text_decode_binary(value, strlen(value), out, cap, len)) {
	case TEXT_BINARY_OK:
		return TEXT_OK;
	case TEXT_BINARY_TOO_LONG:
		return TEXT_ERR_RANGE;
	default:
		return TEXT_ERR_SYNTAX;
	}
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
