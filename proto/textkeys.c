/* Text keys: key name and UTF-8 checks, the pair list, its parser and
 * encoder. The C-bit assembler, the splitter and the value syntaxes live
 * in textassemble.c and textvalues.c. */
#include "proto/textkeys.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proto/names.h"

static const char *const text_messages[] = {
	[TEXT_OK] = "success",
	[TEXT_ERR_NOMEM] = "out of memory",
	[TEXT_ERR_NO_EQUALS] = "key=value pair without '='",
	[TEXT_ERR_EMPTY_KEY] = "empty key name",
	[TEXT_ERR_EMPTY_PAIR] = "empty key=value pair",
	[TEXT_ERR_KEY_TOO_LONG] = "key name longer than 63 bytes",
	[TEXT_ERR_KEY_CHAR] = "key name is not a standard-label",
	[TEXT_ERR_VALUE_TOO_LONG] = "value too long",
	[TEXT_ERR_VALUE_UTF8] = "value is not valid UTF-8",
	[TEXT_ERR_DUPLICATE] = "key given more than once",
	[TEXT_ERR_UNTERMINATED] = "last key=value pair not terminated by NUL",
	[TEXT_ERR_EXCHANGE_TOO_LONG] = "text exchange too long",
	[TEXT_ERR_TOO_MANY_PDUS] = "too many continuation PDUs in a text exchange",
	[TEXT_ERR_STATE] = "text exchange already complete",
	[TEXT_ERR_SYNTAX] = "value has the wrong syntax",
	[TEXT_ERR_RANGE] = "value out of range",
	[TEXT_ERR_NO_SPACE] = "output buffer too small",
};

const char *text_strerror(enum text_err err)
{
	if ((unsigned)err >= sizeof(text_messages) / sizeof(text_messages[0]))
		return "unknown text error";
	return text_messages[err];
}

void text_error_format(const struct text_error *err, char *buf, size_t size)
{
	const char *msg = text_strerror(err->code);

	if (size == 0)
		return;
	if (err->key[0] && err->limit)
		snprintf(buf, size, "text key '%s': %s (limit %zu bytes)", err->key, msg, err->limit);
	else if (err->key[0])
		snprintf(buf, size, "text key '%s': %s", err->key, msg);
	else if (err->limit)
		snprintf(buf, size, "text data at byte %zu: %s (limit %zu)", err->offset, msg,
			 err->limit);
	else
		snprintf(buf, size, "text data at byte %zu: %s", err->offset, msg);
}

size_t text_value_limit(const char *key)
{
	if (strcmp(key, "CHAP_C") == 0 || strcmp(key, "CHAP_R") == 0)
		return TEXT_LARGE_VALUE_MAX;
	return TEXT_VALUE_MAX;
}

bool text_key_is_secret(const char *key)
{
	return strncmp(key, "CHAP_", 5) == 0;
}

static bool key_char(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	       c == '.' || c == '-' || c == '+' || c == '@' || c == '_';
}

enum text_err text_check_key(const char *key, size_t len)
{
	size_t i = 0;

	if (len == 0)
		return TEXT_ERR_EMPTY_KEY;
	if (len > TEXT_KEY_MAX)
		return TEXT_ERR_KEY_TOO_LONG;
	/* RFC 7143 6.1: a key name begins with a capital letter. RFC 7144
	 * then registered iSCSIProtocolLevel, the one standard key that does
	 * not; refusing it would fail a whole login instead of letting the
	 * negotiation answer NotUnderstood. */
	if ((key[0] < 'A' || key[0] > 'Z') &&
	    !(len == 18 && memcmp(key, "iSCSIProtocolLevel", 18) == 0))
		return TEXT_ERR_KEY_CHAR;
	if (len > 2 && key[0] == 'X' && key[1] == '#')
		i = 2;
	for (; i < len; i++)
		if (!key_char((unsigned char)key[i]))
			return TEXT_ERR_KEY_CHAR;
	return TEXT_OK;
}

static bool cont_byte(uint8_t b)
{
	return (b & 0xc0) == 0x80;
}

size_t text_utf8_decode(const uint8_t *s, size_t len, uint32_t *cp)
{
	uint8_t b = s[0];
	uint8_t lo = 0x80, hi = 0xbf;
	size_t n;
	uint32_t v;

	if (len == 0)
		return 0;
	if (b < 0x80) {
		*cp = b;
		return 1;
	}
	if (b >= 0xc2 && b <= 0xdf) {
		n = 2;
		v = b & 0x1f;
	} else if (b >= 0xe0 && b <= 0xef) {
		n = 3;
		v = b & 0x0f;
		if (b == 0xe0)
			lo = 0xa0;      /* overlong below U+0800 */
		else if (b == 0xed)
			hi = 0x9f;      /* surrogates U+D800..U+DFFF */
	} else if (b >= 0xf0 && b <= 0xf4) {
		n = 4;
		v = b & 0x07;
		if (b == 0xf0)
			lo = 0x90;      /* overlong below U+10000 */
		else if (b == 0xf4)
			hi = 0x8f;      /* above U+10FFFF */
	} else {
		return 0;               /* continuation, C0/C1 overlong, F5..FF */
	}
	if (len < n || s[1] < lo || s[1] > hi)
		return 0;
	for (size_t i = 1; i < n; i++) {
		if (!cont_byte(s[i]))
			return 0;
		v = v << 6 | (s[i] & 0x3f);
	}
	*cp = v;
	return n;
}

bool text_utf8_valid(const uint8_t *s, size_t len)
{
	size_t i = 0;

	while (i < len) {
		uint32_t cp;
		size_t n = text_utf8_decode(s + i, len - i, &cp);
		if (n == 0 || cp == 0)
			return false;
		i += n;
	}
	return true;
}

void text_list_init(struct text_list *list)
{
	memset(list, 0, sizeof(*list));
}

void text_list_free(struct text_list *list)
{
	for (size_t i = 0; i < list->count; i++)
		free((char *)list->pairs[i].key);
	free(list->pairs);
	text_list_init(list);
}

const struct text_pair *text_list_find(const struct text_list *list, const char *key)
{
	for (size_t i = 0; i < list->count; i++)
		if (strcmp(list->pairs[i].key, key) == 0)
			return &list->pairs[i];
	return NULL;
}

const char *text_list_get(const struct text_list *list, const char *key)
{
	const struct text_pair *p = text_list_find(list, key);

	return p ? p->value : NULL;
}

/* Appends a copy without checks: key and value in one allocation. */
static enum text_err list_append(struct text_list *list, const char *key, size_t klen,
				 const char *value, size_t vlen)
{
	if (list->count == list->cap) {
		size_t ncap = list->cap ? list->cap * 2 : 16;
		struct text_pair *np = realloc(list->pairs, ncap * sizeof(*np));
		if (!np)
			return TEXT_ERR_NOMEM;
		list->pairs = np;
		list->cap = ncap;
	}
	char *mem = malloc(klen + vlen + 2);
	if (!mem)
		return TEXT_ERR_NOMEM;
	memcpy(mem, key, klen);
	mem[klen] = '\0';
	memcpy(mem + klen + 1, value, vlen);
	mem[klen + 1 + vlen] = '\0';
	list->pairs[list->count++] = (struct text_pair){
		.key = mem, .value = mem + klen + 1, .key_len = klen, .value_len = vlen,
	};
	return TEXT_OK;
}

/* The checks a received value gets, given a valid key. */
static enum text_err check_value(const char *key, const char *value, size_t vlen)
{
	if (vlen > text_value_limit(key))
		return TEXT_ERR_VALUE_TOO_LONG;
	if (!text_utf8_valid((const uint8_t *)value, vlen))
		return TEXT_ERR_VALUE_UTF8;
	return TEXT_OK;
}

enum text_err text_list_add(struct text_list *list, const char *key, const char *value)
{
	size_t klen = strnlen(key, TEXT_KEY_MAX + 1);
	size_t vlen = strnlen(value, TEXT_LARGE_VALUE_MAX + 1);
	enum text_err e = text_check_key(key, klen);

	if (e == TEXT_OK)
		e = check_value(key, value, vlen);
	if (e == TEXT_OK && !list->allow_duplicates && text_list_find(list, key))
		e = TEXT_ERR_DUPLICATE;
	if (e == TEXT_OK)
		e = list_append(list, key, klen, value, vlen);
	return e;
}

enum text_err text_list_add_num(struct text_list *list, const char *key, uint64_t value)
{
	char num[24];

	snprintf(num, sizeof(num), "%" PRIu64, value);
	return text_list_add(list, key, num);
}

enum text_err text_list_add_bool(struct text_list *list, const char *key, bool value)
{
	return text_list_add(list, key, value ? "Yes" : "No");
}

size_t text_list_encoded_len(const struct text_list *list)
{
	size_t n = 0;

	for (size_t i = 0; i < list->count; i++)
		n += list->pairs[i].key_len + list->pairs[i].value_len + 2;
	return n;
}

enum text_err text_list_encode(const struct text_list *list, uint8_t *buf, size_t size,
			       size_t *len)
{
	size_t need = text_list_encoded_len(list), off = 0;

	*len = 0;
	if (need > size)
		return TEXT_ERR_NO_SPACE;
	for (size_t i = 0; i < list->count; i++) {
		const struct text_pair *p = &list->pairs[i];
		memcpy(buf + off, p->key, p->key_len);
		off += p->key_len;
		buf[off++] = '=';
		memcpy(buf + off, p->value, p->value_len);
		off += p->value_len;
		buf[off++] = '\0';
	}
	*len = off;
	return TEXT_OK;
}

enum text_err text_list_encode_alloc(const struct text_list *list, uint8_t **buf, size_t *len)
{
	size_t need = text_list_encoded_len(list);

	*buf = NULL;
	*len = 0;
	if (need == 0)
		return TEXT_OK;
	*buf = malloc(need);
	if (!*buf)
		return TEXT_ERR_NOMEM;
	return text_list_encode(list, *buf, need, len);
}

void text_limits_default(struct text_limits *lim)
{
	lim->max_total = TEXT_EXCHANGE_DEFAULT_MAX;
	lim->max_pdus = TEXT_PDUS_DEFAULT_MAX;
	lim->flags = 0;
}

/* Fills err. key/klen name the offending key (escaped); a key that is
 * itself malformed is cut at its first non-key character, and a CHAP_ key
 * name is never followed by what might be part of its value. */
static enum text_err fail(struct text_error *err, enum text_err code, size_t offset,
			  const char *key, size_t klen, size_t limit)
{
	if (!err)
		return code;
	err->code = code;
	err->offset = offset;
	err->limit = limit;
	err->key[0] = '\0';
	if (key && klen) {
		size_t n = 0;
		while (n < klen && n < TEXT_KEY_MAX && key_char((unsigned char)key[n]))
			n++;
		if (n >= 5 && strncmp(key, "CHAP_", 5) == 0 && n > 6)
			n = 6;
		if (n == 0)
			n = klen < 16 ? klen : 16;  /* show the bad bytes, escaped */
		iscsi_escape(err->key, sizeof(err->key), key, n);
	}
	return code;
}

/* Open-addressing set of key indices, to refuse duplicates in linear time
 * (a 64 KiB segment can hold over 20000 pairs). */
struct key_set {
	size_t *slots;   /* index + 1; 0 is empty */
	size_t mask;
};

static uint64_t key_hash(const char *s, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	for (size_t i = 0; i < n; i++)
		h = (h ^ (uint8_t)s[i]) * 0x100000001b3ULL;
	return h;
}

/* Inserts pair idx; returns false when its key is already there. The set
 * is sized by the caller for the worst case, so it never fills. */
static bool key_set_insert(struct key_set *ks, const struct text_list *list, size_t idx)
{
	const struct text_pair *p = &list->pairs[idx];
	size_t i = (size_t)key_hash(p->key, p->key_len) & ks->mask;

	while (ks->slots[i]) {
		const struct text_pair *q = &list->pairs[ks->slots[i] - 1];
		if (q->key_len == p->key_len && memcmp(q->key, p->key, p->key_len) == 0)
			return false;
		i = (i + 1) & ks->mask;
	}
	ks->slots[i] = idx + 1;
	return true;
}

static enum text_err parse_pairs(const uint8_t *data, size_t end, bool dups,
				 struct text_list *out, struct text_error *err)
{
	struct key_set ks = { NULL, 0 };
	size_t pos = 0, slots = 16;
	enum text_err e = TEXT_OK;

	if (!dups) {
		/* Each pair takes at least 3 bytes ("K=" NUL). */
		while (slots < 2 * ((end + 1) / 3 + 1))
			slots *= 2;
		ks.slots = calloc(slots, sizeof(*ks.slots));
		if (!ks.slots)
			return fail(err, TEXT_ERR_NOMEM, 0, NULL, 0, 0);
		ks.mask = slots - 1;
	}
	while (pos < end && e == TEXT_OK) {
		/* data[end] is NUL, so every pair ends within the buffer. */
		const char *pair = (const char *)data + pos;
		size_t plen = strlen(pair);
		const char *eq = memchr(pair, '=', plen);
		size_t klen = eq ? (size_t)(eq - pair) : plen;
		char key[TEXT_KEY_MAX + 1];

		if (plen == 0) {
			e = fail(err, TEXT_ERR_EMPTY_PAIR, pos, NULL, 0, 0);
			break;
		}
		if (!eq) {
			e = fail(err, TEXT_ERR_NO_EQUALS, pos, pair, plen, 0);
			break;
		}
		e = text_check_key(pair, klen);
		if (e != TEXT_OK) {
			fail(err, e, pos, pair, klen, e == TEXT_ERR_KEY_TOO_LONG ? TEXT_KEY_MAX : 0);
			break;
		}
		memcpy(key, pair, klen);
		key[klen] = '\0';
		e = check_value(key, eq + 1, plen - klen - 1);
		if (e != TEXT_OK) {
			fail(err, e, pos, key, klen,
			     e == TEXT_ERR_VALUE_TOO_LONG ? text_value_limit(key) : 0);
			break;
		}
		e = list_append(out, key, klen, eq + 1, plen - klen - 1);
		if (e != TEXT_OK) {
			fail(err, e, pos, NULL, 0, 0);
			break;
		}
		if (!dups && !key_set_insert(&ks, out, out->count - 1)) {
			e = fail(err, TEXT_ERR_DUPLICATE, pos, key, klen, 0);
			break;
		}
		pos += plen + 1;
	}
	free(ks.slots);
	return e;
}

enum text_err text_parse(const uint8_t *data, size_t len, const struct text_limits *lim,
			 struct text_list *out, struct text_error *err)
{
	struct text_limits def;
	size_t end = len;

	if (!lim) {
		text_limits_default(&def);
		lim = &def;
	}
	text_list_init(out);
	out->allow_duplicates = (lim->flags & TEXT_ALLOW_DUPLICATES) != 0;
	if (err)
		fail(err, TEXT_OK, 0, NULL, 0, 0);
	if (len > lim->max_total)
		return fail(err, TEXT_ERR_EXCHANGE_TOO_LONG, 0, NULL, 0, lim->max_total);
	if (len == 0)
		return TEXT_OK;
	if (data[len - 1] != '\0') {
		/* Name the key of the cut pair when it has one. */
		const uint8_t *nul = memrchr(data, '\0', len);
		size_t start = nul ? (size_t)(nul - data) + 1 : 0;
		const uint8_t *eq = memchr(data + start, '=', len - start);
		size_t klen = eq ? (size_t)(eq - data) - start : 0;
		return fail(err, TEXT_ERR_UNTERMINATED, start, (const char *)data + start, klen, 0);
	}
	while (end > 0 && data[end - 1] == '\0')
		end--;
	return parse_pairs(data, end, out->allow_duplicates, out, err);
}
