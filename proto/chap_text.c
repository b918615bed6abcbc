/* CHAP text the login worker handles: the CHAP_A choice, RFC 7143
 * binary-value codecs (section 6.1) and the checks on the target's CHAP_I,
 * CHAP_C, CHAP_N and CHAP_R. Nothing here sees a secret; the digest side
 * is in proto/chap.c. */
#include "proto/chap.h"

#include <string.h>
#include <openssl/crypto.h>

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

enum chap_err chap_prefs_parse(const char *list, size_t len, struct chap_prefs *out)
{
	size_t pos = 0;

	if (!list || !out)
		return CHAP_ERR_INVAL;
	if (memchr(list, '\0', len))
		return CHAP_ERR_VALUE_NUL;
	out->count = 0;
	for (;;) {
		size_t start, end;

		while (pos < len && is_blank(list[pos]))
			pos++;
		start = pos;
		while (pos < len && list[pos] != ',')
			pos++;
		end = pos;
		while (end > start && is_blank(list[end - 1]))
			end--;
		const struct chap_alg_info *a = chap_alg_by_name(list + start, end - start);
		if (!a)
			return start == end ? CHAP_ERR_ALG_MALFORMED : CHAP_ERR_ALG_NAME;
		for (unsigned int i = 0; i < out->count; i++)
			if (out->alg[i] == a->alg)
				return CHAP_ERR_ALG_DUPLICATE;
		/* Four distinct names cannot overflow the four slots. */
		out->alg[out->count++] = a->alg;
		if (pos == len)
			return CHAP_OK;
		pos++;	/* the comma */
	}
}

enum chap_err chap_prefs_format(const struct chap_prefs *prefs, char *out, size_t out_size)
{
	size_t pos = 0;

	if (!prefs || !out || prefs->count == 0 || prefs->count > CHAP_ALG_COUNT)
		return CHAP_ERR_INVAL;
	for (unsigned int i = 0; i < prefs->count; i++) {
		if (!chap_alg_info(prefs->alg[i]))
			return CHAP_ERR_ALG_UNKNOWN;
		/* one digit, a comma or the NUL */
		if (pos + 2 > out_size)
			return CHAP_ERR_BUFFER_SMALL;
		if (i)
			out[pos - 1] = ',';
		out[pos++] = (char)('0' + prefs->alg[i]);
		out[pos++] = '\0';
	}
	return CHAP_OK;
}

static int hex_digit(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static bool has_prefix(const char *s, size_t len, char lower)
{
	return len >= 2 && s[0] == '0' && (s[1] == lower || s[1] == lower - 'a' + 'A');
}

/* An RFC 7143 number (decimal-constant or hex-constant) below 2^64. */
static bool parse_number(const char *s, size_t len, uint64_t *out)
{
	uint64_t v = 0;
	unsigned int base = 10;
	size_t i = 0;

	if (has_prefix(s, len, 'x')) {
		base = 16;
		i = 2;
	}
	if (i == len)
		return false;
	for (; i < len; i++) {
		int d = base == 16 ? hex_digit((unsigned char)s[i])
				   : (s[i] >= '0' && s[i] <= '9' ? s[i] - '0' : -1);
		if (d < 0 || v > (UINT64_MAX - (uint64_t)d) / base)
			return false;
		v = v * base + (uint64_t)d;
	}
	*out = v;
	return true;
}

static bool prefs_contain(const struct chap_prefs *p, uint64_t v)
{
	for (unsigned int i = 0; i < p->count && i < CHAP_ALG_COUNT; i++)
		if ((uint64_t)p->alg[i] == v)
			return true;
	return false;
}

enum chap_err chap_alg_choose(const char *list, size_t len,
			      const struct chap_prefs *prefs, enum chap_alg *out)
{
	/* Which of our preferences (by index) the list names. */
	bool named[CHAP_ALG_COUNT] = { false };
	size_t pos = 0;

	if (!list || !prefs || !out || prefs->count > CHAP_ALG_COUNT)
		return CHAP_ERR_INVAL;
	if (len == 0)
		return CHAP_ERR_ALG_MALFORMED;
	if (memchr(list, '\0', len))
		return CHAP_ERR_VALUE_NUL;
	for (;;) {
		size_t start = pos;
		uint64_t v;

		while (pos < len && list[pos] != ',')
			pos++;
		if (!parse_number(list + start, pos - start, &v))
			return CHAP_ERR_ALG_MALFORMED;
		for (unsigned int i = 0; i < prefs->count; i++)
			if ((uint64_t)prefs->alg[i] == v)
				named[i] = true;
		if (pos == len)
			break;
		pos++;
	}
	for (unsigned int i = 0; i < prefs->count; i++) {
		if (named[i]) {
			*out = prefs->alg[i];
			return CHAP_OK;
		}
	}
	return CHAP_ERR_ALG_NONE_COMMON;
}

enum chap_err chap_alg_accept(const char *value, size_t len,
			      const struct chap_prefs *prefs, enum chap_alg *out)
{
	uint64_t v;

	if (!value || !prefs || !out)
		return CHAP_ERR_INVAL;
	if (memchr(value, '\0', len))
		return CHAP_ERR_VALUE_NUL;
	if (memchr(value, ',', len))
		return CHAP_ERR_ALG_NOT_OFFERED;	/* a target must pick one */
	if (!parse_number(value, len, &v))
		return CHAP_ERR_ALG_MALFORMED;
	if (!prefs_contain(prefs, v))
		return CHAP_ERR_ALG_NOT_OFFERED;
	*out = (enum chap_alg)v;
	return CHAP_OK;
}

/* ---- binary-value codecs ---- */

static int base64_digit(unsigned char c)
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

/* Digits after "0x": n digits make (n+1)/2 bytes, an odd count standing
 * for a leading zero digit (RFC 7143 6.1, hex-constant). */
static enum chap_err decode_hex(const char *d, size_t n, uint8_t *out, size_t bound,
				size_t *out_len)
{
	size_t bytes = n / 2 + n % 2;
	size_t o = 0, i = 0;

	if (bytes > bound)
		return CHAP_ERR_VALUE_TOO_LONG;
	if (n % 2) {
		int lo = hex_digit((unsigned char)d[0]);
		if (lo < 0)
			return CHAP_ERR_HEX_DIGIT;
		out[o++] = (uint8_t)lo;
		i = 1;
	}
	for (; i < n; i += 2) {
		int hi = hex_digit((unsigned char)d[i]);
		int lo = hex_digit((unsigned char)d[i + 1]);
		if (hi < 0 || lo < 0)
			return CHAP_ERR_HEX_DIGIT;
		out[o++] = (uint8_t)(hi << 4 | lo);
	}
	*out_len = o;
	return CHAP_OK;
}

/* Digits after "0b": RFC 4648 section 4 with padding, canonical only (the
 * bits that padding discards must be zero), so one value has one text. */
static enum chap_err decode_base64(const char *d, size_t n, uint8_t *out, size_t bound,
				   size_t *out_len)
{
	size_t pad = 0, o = 0;

	if (n % 4)
		return CHAP_ERR_BASE64_LENGTH;
	while (pad < n && d[n - 1 - pad] == '=')
		pad++;
	if (pad > 2)
		return CHAP_ERR_BASE64_PADDING;
	if (n / 4 * 3 - pad > bound)
		return CHAP_ERR_VALUE_TOO_LONG;
	for (size_t i = 0; i < n; i += 4) {
		int v[4];
		bool last = i + 4 == n;

		for (size_t k = 0; k < 4; k++) {
			v[k] = base64_digit((unsigned char)d[i + k]);
			if (v[k] >= 0)
				continue;
			if (d[i + k] != '=')
				return CHAP_ERR_BASE64_CHAR;
			if (!last || k < 4 - pad)
				return CHAP_ERR_BASE64_PADDING;
			v[k] = 0;
		}
		uint32_t w = (uint32_t)v[0] << 18 | (uint32_t)v[1] << 12 |
			     (uint32_t)v[2] << 6 | (uint32_t)v[3];
		if (last && ((pad == 2 && (w & 0xffff)) || (pad == 1 && (w & 0xff))))
			return CHAP_ERR_BASE64_NONCANONICAL;
		out[o++] = (uint8_t)(w >> 16);
		if (!last || pad < 2)
			out[o++] = (uint8_t)(w >> 8);
		if (!last || pad < 1)
			out[o++] = (uint8_t)w;
	}
	*out_len = o;
	return CHAP_OK;
}

enum chap_err chap_decode_binary(const char *value, size_t value_len,
				 uint8_t *out, size_t out_size, size_t *out_len)
{
	size_t bound = out_size < CHAP_BINARY_MAX ? out_size : CHAP_BINARY_MAX;
	enum chap_err err;

	if (!value || !out || !out_len)
		return CHAP_ERR_INVAL;
	*out_len = 0;
	if (value_len == 0)
		err = CHAP_ERR_VALUE_EMPTY;
	else if (memchr(value, '\0', value_len))
		err = CHAP_ERR_VALUE_NUL;
	else if (value_len == 2 && (has_prefix(value, 2, 'x') || has_prefix(value, 2, 'b')))
		err = CHAP_ERR_VALUE_NO_DIGITS;
	else if (has_prefix(value, value_len, 'x'))
		err = decode_hex(value + 2, value_len - 2, out, bound, out_len);
	else if (has_prefix(value, value_len, 'b'))
		err = decode_base64(value + 2, value_len - 2, out, bound, out_len);
	else
		err = CHAP_ERR_VALUE_PREFIX;
	/* Same contract for every failure: nothing half-decoded is left. */
	if (err != CHAP_OK) {
		chap_wipe(out, bound);
		*out_len = 0;
	}
	return err;
}

enum chap_err chap_encode_hex(const uint8_t *bin, size_t len, char *out, size_t out_size)
{
	static const char digits[] = "0123456789abcdef";

	if ((!bin && len) || !out || len > CHAP_BINARY_MAX)
		return CHAP_ERR_INVAL;
	if (out_size < CHAP_HEX_SIZE(len))
		return CHAP_ERR_BUFFER_SMALL;
	out[0] = '0';
	out[1] = 'x';
	for (size_t i = 0; i < len; i++) {
		out[2 + 2 * i] = digits[bin[i] >> 4];
		out[3 + 2 * i] = digits[bin[i] & 15];
	}
	out[2 + 2 * len] = '\0';
	return CHAP_OK;
}

enum chap_err chap_parse_id(const char *value, size_t value_len, uint8_t *id)
{
	uint64_t v;

	if (!value || !id)
		return CHAP_ERR_INVAL;
	if (value_len == 0)
		return CHAP_ERR_VALUE_EMPTY;
	if (memchr(value, '\0', value_len))
		return CHAP_ERR_VALUE_NUL;
	if (!parse_number(value, value_len, &v))
		return CHAP_ERR_ID_MALFORMED;
	if (v > 255)
		return CHAP_ERR_ID_RANGE;
	*id = (uint8_t)v;
	return CHAP_OK;
}

enum chap_err chap_check_challenge(size_t len)
{
	if (len < CHAP_CHALLENGE_MIN)
		return CHAP_ERR_CHALLENGE_SHORT;
	if (len > CHAP_CHALLENGE_MAX)
		return CHAP_ERR_CHALLENGE_LONG;
	return CHAP_OK;
}

enum chap_err chap_decode_challenge(const char *value, size_t value_len,
				    uint8_t *out, size_t *out_len)
{
	enum chap_err err = chap_decode_binary(value, value_len, out, CHAP_CHALLENGE_MAX, out_len);

	if (err == CHAP_ERR_VALUE_TOO_LONG)
		return CHAP_ERR_CHALLENGE_LONG;
	if (err == CHAP_OK && (err = chap_check_challenge(*out_len)) != CHAP_OK) {
		chap_wipe(out, *out_len);
		*out_len = 0;
	}
	return err;
}

enum chap_err chap_decode_response(enum chap_alg alg, const char *value, size_t value_len,
				   uint8_t *out, size_t *out_len)
{
	const struct chap_alg_info *a = chap_alg_info(alg);
	enum chap_err err;

	if (!out_len)
		return CHAP_ERR_INVAL;
	*out_len = 0;
	if (!a)
		return CHAP_ERR_ALG_UNKNOWN;
	err = chap_decode_binary(value, value_len, out, CHAP_DIGEST_MAX, out_len);
	if (err == CHAP_ERR_VALUE_TOO_LONG)
		return CHAP_ERR_RESPONSE_LENGTH;
	if (err == CHAP_OK && *out_len != a->digest_len) {
		chap_wipe(out, *out_len);
		*out_len = 0;
		return CHAP_ERR_RESPONSE_LENGTH;
	}
	return err;
}

enum chap_err chap_check_name(const char *name, size_t len)
{
	if (!name)
		return CHAP_ERR_INVAL;
	if (len == 0)
		return CHAP_ERR_NAME_EMPTY;
	if (len > CHAP_NAME_MAX)
		return CHAP_ERR_NAME_LONG;
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)name[i] < 0x20 || name[i] == 0x7f)
			return CHAP_ERR_NAME_CHAR;
	return CHAP_OK;
}

enum chap_err chap_match_name(const char *expected, const char *name, size_t len)
{
	enum chap_err err;

	if (!expected)
		return CHAP_ERR_INVAL;
	if ((err = chap_check_name(name, len)) != CHAP_OK)
		return err;
	if (strlen(expected) != len || memcmp(expected, name, len) != 0)
		return CHAP_ERR_NAME_MISMATCH;
	return CHAP_OK;
}

enum chap_err chap_check_not_reflected(const uint8_t *ours, size_t ours_len,
				       const uint8_t *theirs, size_t theirs_len)
{
	if ((!ours && ours_len) || (!theirs && theirs_len))
		return CHAP_ERR_INVAL;
	if (ours_len == theirs_len && CRYPTO_memcmp(ours, theirs, ours_len) == 0)
		return CHAP_ERR_CHALLENGE_REFLECTED;
	return CHAP_OK;
}
