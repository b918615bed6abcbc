/* CHAP text the login worker handles: the CHAP_A choice, CHAP's rules on
 * RFC 7143 binary values (the codec itself is proto/textvalues.c's) and
 * the checks on the target's CHAP_I, CHAP_C, CHAP_N and CHAP_R. Nothing
 * here sees a secret; the digest side is in proto/chap.c. */
#include "proto/chap.h"

#include <string.h>
#include <openssl/crypto.h>

#include "proto/textkeys.h"

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

/* ---- binary values: the codec is proto/textvalues.c's ---- */

static enum chap_err binary_err(enum text_binary_err e)
{
	switch (e) {
	case TEXT_BINARY_OK:
		return CHAP_OK;
	case TEXT_BINARY_PREFIX:
		return CHAP_ERR_VALUE_PREFIX;
	case TEXT_BINARY_NO_DIGITS:
		return CHAP_ERR_VALUE_NO_DIGITS;
	case TEXT_BINARY_TOO_LONG:
		return CHAP_ERR_VALUE_TOO_LONG;
	case TEXT_BINARY_HEX_DIGIT:
		return CHAP_ERR_HEX_DIGIT;
	case TEXT_BINARY_BASE64_CHAR:
		return CHAP_ERR_BASE64_CHAR;
	case TEXT_BINARY_BASE64_LENGTH:
		return CHAP_ERR_BASE64_LENGTH;
	case TEXT_BINARY_BASE64_PADDING:
		return CHAP_ERR_BASE64_PADDING;
	case TEXT_BINARY_BASE64_NONCANONICAL:
		return CHAP_ERR_BASE64_NONCANONICAL;
	}
	return CHAP_ERR_INVAL;
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
	else
		err = binary_err(text_decode_binary(value, value_len, out, bound, out_len));
	/* Same contract for every failure: nothing half-decoded is left. */
	if (err != CHAP_OK) {
		chap_wipe(out, bound);
		*out_len = 0;
	}
	return err;
}

enum chap_err chap_encode_hex(const uint8_t *bin, size_t len, char *out, size_t out_size)
{
	if ((!bin && len) || !out || len > CHAP_BINARY_MAX)
		return CHAP_ERR_INVAL;
	/* Checked here so that a short buffer is left untouched. */
	if (out_size < CHAP_HEX_SIZE(len))
		return CHAP_ERR_BUFFER_SMALL;
	if (text_format_hex(bin, len, out, out_size) != TEXT_OK)
		return CHAP_ERR_BUFFER_SMALL;
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
