/* iSCSI name and alias validation. See names.h for what is checked; the
 * table of refused code points is in nameprep.c. */
#include "proto/names.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "proto/nameprep.h"
#include "proto/textkeys.h"

static const char *const name_messages[] = {
	[NAME_OK] = "valid",
	[NAME_ERR_EMPTY] = "empty",
	[NAME_ERR_TOO_LONG] = "longer than 223 bytes",
	[NAME_ERR_PREFIX] = "does not start with iqn., eui. or naa.",
	[NAME_ERR_IQN_DATE] = "iqn. date is not yyyy-mm",
	[NAME_ERR_IQN_DOMAIN] = "iqn. naming authority is not a reversed domain name",
	[NAME_ERR_HEX] = "eui. needs 16 hex digits, naa. 16 or 32",
	[NAME_ERR_SLASH] = "contains '/'",
	[NAME_ERR_BACKSLASH] = "contains '\\'",
	[NAME_ERR_DOTDOT] = "contains '..'",
	[NAME_ERR_SPACE] = "contains a space",
	[NAME_ERR_CONTROL] = "contains a control character",
	[NAME_ERR_UPPER_CASE] = "contains upper case (not RFC 3722 normal form)",
	[NAME_ERR_CHAR] = "contains a character outside a-z 0-9 '-' '.' ':'",
	[NAME_ERR_UTF8] = "is not valid UTF-8",
	[NAME_ERR_UNICODE] = "contains a prohibited Unicode character",
};

const char *iscsi_name_strerror(enum iscsi_name_err err)
{
	if ((unsigned)err >= sizeof(name_messages) / sizeof(name_messages[0]))
		return "unknown name error";
	return name_messages[err];
}

static enum iscsi_name_err set(struct iscsi_name_result *res, enum iscsi_name_err err,
			       size_t offset)
{
	if (res) {
		res->err = err;
		res->offset = offset;
	}
	return err;
}

/* Classifies one ASCII byte of a name. */
static enum iscsi_name_err ascii_class(unsigned char c, bool allow_upper)
{
	if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' || c == ':')
		return NAME_OK;
	if (c >= 'A' && c <= 'Z')
		return allow_upper ? NAME_OK : NAME_ERR_UPPER_CASE;
	if (c == '/')
		return NAME_ERR_SLASH;
	if (c == '\\')
		return NAME_ERR_BACKSLASH;
	if (c == ' ')
		return NAME_ERR_SPACE;
	if (c < 0x20 || c == 0x7f)
		return NAME_ERR_CONTROL;
	return NAME_ERR_CHAR;
}

/* The character checks, independent of the name's type. */
static enum iscsi_name_err scan_chars(const char *name, size_t len, bool allow_upper,
				      struct iscsi_name_result *res)
{
	const uint8_t *s = (const uint8_t *)name;
	size_t i = 0;

	while (i < len) {
		enum iscsi_name_err e;
		uint32_t cp;
		size_t n;

		if (s[i] < 0x80) {
			if (s[i] == '.' && i + 1 < len && s[i + 1] == '.')
				return set(res, NAME_ERR_DOTDOT, i);
			e = ascii_class(s[i], allow_upper);
			if (e != NAME_OK)
				return set(res, e, i);
			i++;
			continue;
		}
		n = text_utf8_decode(s + i, len - i, &cp);
		if (n == 0)
			return set(res, NAME_ERR_UTF8, i);
		e = nameprep_class(cp);
		if (e == NAME_ERR_UPPER_CASE && allow_upper)
			e = NAME_OK;
		if (e != NAME_OK)
			return set(res, e, i);
		i += n;
	}
	return NAME_OK;
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool all_hex(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (!is_digit(c) && !(c >= 'a' && c <= 'f') && !(c >= 'A' && c <= 'F'))
			return false;
	}
	return true;
}

/* "iqn." yyyy "-" mm "." label *("." label) [":" rest]; the characters
 * are already checked. */
static enum iscsi_name_err check_iqn(const char *name, size_t len, struct iscsi_name_result *res)
{
	const char *d = name + 4;
	size_t i, label = 0;

	if (len < 12 || !is_digit(d[0]) || !is_digit(d[1]) || !is_digit(d[2]) ||
	    !is_digit(d[3]) || d[4] != '-' || !is_digit(d[5]) || !is_digit(d[6]))
		return set(res, NAME_ERR_IQN_DATE, 4);
	int month = (d[5] - '0') * 10 + (d[6] - '0');
	if (month < 1 || month > 12)
		return set(res, NAME_ERR_IQN_DATE, 4);
	if (d[7] != '.')
		return set(res, NAME_ERR_IQN_DATE, 11);
	for (i = 12; i < len && name[i] != ':'; i++) {
		if (name[i] == '.') {
			if (label == 0)
				return set(res, NAME_ERR_IQN_DOMAIN, i);
			label = 0;
		} else {
			label++;
		}
	}
	if (label == 0)
		return set(res, NAME_ERR_IQN_DOMAIN, i);
	return NAME_OK;
}

enum iscsi_name_err iscsi_name_check(const char *name, unsigned flags,
				     struct iscsi_name_result *res)
{
	size_t len = strnlen(name, ISCSI_NAME_MAX + 1);
	enum iscsi_name_type type = ISCSI_NAME_IQN;
	bool known = true, upper = (flags & ISCSI_NAME_ALLOW_UPPER) != 0;
	enum iscsi_name_err e;

	if (res)
		memset(res, 0, sizeof(*res));
	if (len == 0)
		return set(res, NAME_ERR_EMPTY, 0);
	if (len > ISCSI_NAME_MAX)
		return set(res, NAME_ERR_TOO_LONG, ISCSI_NAME_MAX);
	if (strncmp(name, "iqn.", 4) == 0)
		type = ISCSI_NAME_IQN;
	else if (strncmp(name, "eui.", 4) == 0)
		type = ISCSI_NAME_EUI;
	else if (strncmp(name, "naa.", 4) == 0)
		type = ISCSI_NAME_NAA;
	else
		known = false;
	if (res)
		res->type = type;
	/* Hex digits of eui. and naa. names may be upper case: RFC 3720's
	 * own examples are, and they cannot form a path or a prefix. */
	e = scan_chars(name, len, upper || type != ISCSI_NAME_IQN, res);
	if (e != NAME_OK)
		return e;
	if (!known)
		return set(res, NAME_ERR_PREFIX, 0);
	switch (type) {
	case ISCSI_NAME_IQN:
		return check_iqn(name, len, res);
	case ISCSI_NAME_EUI:
		if (len != 4 + 16 || !all_hex(name + 4, 16))
			return set(res, NAME_ERR_HEX, 4);
		return NAME_OK;
	case ISCSI_NAME_NAA:
		if ((len != 4 + 16 && len != 4 + 32) || !all_hex(name + 4, len - 4))
			return set(res, NAME_ERR_HEX, 4);
		return NAME_OK;
	}
	return set(res, NAME_ERR_PREFIX, 0);
}

enum iscsi_name_err iscsi_alias_check(const char *alias, struct iscsi_name_result *res)
{
	const uint8_t *s = (const uint8_t *)alias;
	size_t len = strnlen(alias, ISCSI_ALIAS_MAX + 1), i = 0;

	if (res)
		memset(res, 0, sizeof(*res));
	if (len > ISCSI_ALIAS_MAX)
		return set(res, NAME_ERR_TOO_LONG, ISCSI_ALIAS_MAX);
	while (i < len) {
		uint32_t cp;
		size_t n = text_utf8_decode(s + i, len - i, &cp);
		if (n == 0)
			return set(res, NAME_ERR_UTF8, i);
		if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f))
			return set(res, NAME_ERR_CONTROL, i);
		i += n;
	}
	return set(res, NAME_OK, 0);
}

/* Writes the escape of byte c into tmp; returns its length. */
static size_t escape_byte(unsigned char c, char tmp[4])
{
	static const char hex[] = "0123456789abcdef";

	if (c >= 0x20 && c < 0x7f && c != '\\' && c != '\'') {
		tmp[0] = (char)c;
		return 1;
	}
	tmp[0] = '\\';
	tmp[1] = 'x';
	tmp[2] = hex[c >> 4];
	tmp[3] = hex[c & 0xf];
	return 4;
}

size_t iscsi_escape(char *out, size_t size, const char *in, size_t in_len)
{
	size_t o = 0, need = 0, reserve;
	char tmp[4];

	if (size == 0)
		return 0;
	for (size_t i = 0; i < in_len; i++)
		need += escape_byte((unsigned char)in[i], tmp);
	/* When it does not all fit, keep room for "..." after the cut. */
	reserve = need < size ? 0 : 3;
	for (size_t i = 0; i < in_len; i++) {
		size_t n = escape_byte((unsigned char)in[i], tmp);
		if (o + n + reserve + 1 > size)
			break;
		memcpy(out + o, tmp, n);
		o += n;
	}
	for (size_t k = 0; reserve && k < 3 && o + 1 < size; k++)
		out[o++] = '.';
	out[o] = '\0';
	return o;
}

void iscsi_name_describe(char *buf, size_t size, const char *what, const char *name,
			 const struct iscsi_name_result *res)
{
	char esc[128];
	size_t len = strnlen(name, ISCSI_ALIAS_MAX + 1);
	unsigned char c = res->offset < len ? (unsigned char)name[res->offset] : 0;

	if (size == 0)
		return;
	iscsi_escape(esc, sizeof(esc), name, len);
	if (res->err == NAME_OK)
		snprintf(buf, size, "valid %s '%s'", what, esc);
	else if (res->err == NAME_ERR_CHAR && c > 0x20 && c < 0x7f && c != '\'' && c != '\\')
		snprintf(buf, size, "invalid %s '%s': contains '%c'", what, esc, c);
	else
		snprintf(buf, size, "invalid %s '%s': %s", what, esc, iscsi_name_strerror(res->err));
}

bool iscsi_name_equal(const char *a, const char *b)
{
	if ((strncmp(a, "eui.", 4) == 0 && strncmp(b, "eui.", 4) == 0) ||
	    (strncmp(a, "naa.", 4) == 0 && strncmp(b, "naa.", 4) == 0))
		return strcasecmp(a, b) == 0;
	return strcmp(a, b) == 0;
}

void iscsi_isid_format(const uint8_t isid[6], char *buf, size_t size)
{
	snprintf(buf, size, "%02x%02x%02x%02x%02x%02x", isid[0], isid[1], isid[2], isid[3],
		 isid[4], isid[5]);
}
