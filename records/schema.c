/* Schema look-up and the validation of one value against its field. */
#include "records/schema.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "proto/names.h"
#include "records/portal.h"
#include "records/rec_err.h"

/* Sorted views of each schema for bsearch: records are parsed by key
 * name thousands of times when a large database is listed. */
static unsigned short *sorted_index[REC_KIND_COUNT];
static unsigned short sorted_storage[REC_KIND_COUNT][256];
static enum rec_kind sort_kind;

static int by_name(const void *a, const void *b)
{
	const struct rec_schema *s = rec_schema(sort_kind);

	return strcmp(s->fields[*(const unsigned short *)a].name,
		      s->fields[*(const unsigned short *)b].name);
}

static const unsigned short *index_of(enum rec_kind kind)
{
	const struct rec_schema *s = rec_schema(kind);

	if (!sorted_index[kind]) {
		for (size_t i = 0; i < s->count; i++)
			sorted_storage[kind][i] = (unsigned short)i;
		sort_kind = kind;
		qsort(sorted_storage[kind], s->count, sizeof(unsigned short), by_name);
		sorted_index[kind] = sorted_storage[kind];
	}
	return sorted_index[kind];
}

int rec_field_index(enum rec_kind kind, const char *name)
{
	const struct rec_schema *s = rec_schema(kind);
	const unsigned short *idx;
	size_t lo = 0, hi;

	if (!s || !name)
		return -1;
	idx = index_of(kind);
	hi = s->count;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(name, s->fields[idx[mid]].name);

		if (c == 0)
			return idx[mid];
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return -1;
}

const struct rec_field *rec_field_at(enum rec_kind kind, size_t idx)
{
	const struct rec_schema *s = rec_schema(kind);

	if (!s || idx >= s->count)
		return NULL;
	return &s->fields[idx];
}

const struct rec_field *rec_field_find(enum rec_kind kind, const char *name)
{
	int i = rec_field_index(kind, name);

	return i < 0 ? NULL : rec_field_at(kind, (size_t)i);
}

static void join_choices(const struct rec_field *f, const char *sep, char *buf, size_t size)
{
	size_t used = strlen(buf);

	for (size_t i = 0; f->choices[i]; i++) {
		int n = snprintf(buf + used, size - used, "%s%s", i ? sep : "", f->choices[i]);

		if (n < 0 || (size_t)n >= size - used)
			return;
		used += (size_t)n;
	}
}

void rec_field_describe(const struct rec_field *f, char *buf, size_t size)
{
	if (!size)
		return;
	buf[0] = '\0';
	switch (f->type) {
	case RT_STR:
		snprintf(buf, size, "text of at most %zu bytes without control characters%s",
			 f->max_len, f->flags & RF_SPACES ? "" : " or spaces");
		break;
	case RT_INT:
		if (f->flags & RF_ZERO_OK)
			snprintf(buf, size, "0 or an integer from %lld to %lld", f->min, f->max);
		else
			snprintf(buf, size, "an integer from %lld to %lld", f->min, f->max);
		break;
	case RT_BOOL:
		snprintf(buf, size, "Yes or No");
		break;
	case RT_ENUM:
		snprintf(buf, size, "one of ");
		join_choices(f, ", ", buf, size);
		if (f->flags & RF_EMPTY_OK && strlen(buf) + 10 < size)
			strcat(buf, " or empty");
		break;
	case RT_ENUM_LIST:
		snprintf(buf, size, "a comma-separated list of ");
		join_choices(f, ", ", buf, size);
		break;
	case RT_NAME:
		snprintf(buf, size, "an iSCSI name (iqn., eui. or naa.)");
		break;
	case RT_ADDR:
		snprintf(buf, size, "a numeric IPv4 or IPv6 address");
		break;
	case RT_IFNAME:
		snprintf(buf, size, "a name of at most %zu characters from A-Z a-z 0-9 _ . : -",
			 f->max_len);
		break;
	case RT_HWADDR:
		snprintf(buf, size, "a MAC address like 00:11:22:33:44:55");
		break;
	}
}

/* Quotes value for an error line, or hides it when the field is secret. */
static const char *shown(const struct rec_field *f, const char *value, char *buf, size_t size)
{
	if (f->flags & RF_SECRET) {
		snprintf(buf, size, "(secret)");
		return buf;
	}
	iscsi_escape(buf, size, value, strlen(value));
	return buf;
}

static int bad(const struct rec_field *f, enum rec_status st, const char *value,
	       struct rec_err *err)
{
	char allowed[200], v[80];

	rec_field_describe(f, allowed, sizeof(allowed));
	if (f->flags & RF_SECRET)
		return rec_fail(err, st, "invalid value for %s: expected %s", f->name, allowed);
	return rec_fail(err, st, "invalid value '%s' for %s: expected %s",
			shown(f, value, v, sizeof(v)), f->name, allowed);
}

/* Strict UTF-8 without C0/DEL/C1 controls. */
static bool text_ok(const unsigned char *s, size_t len, bool spaces)
{
	size_t i = 0;

	while (i < len) {
		unsigned c = s[i];
		unsigned cp, need;

		if (c < 0x80) {
			if (c < 0x20 || c == 0x7f || (c == ' ' && !spaces))
				return false;
			i++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf) {
			need = 1;
			cp = c & 0x1f;
		} else if (c >= 0xe0 && c <= 0xef) {
			need = 2;
			cp = c & 0x0f;
		} else if (c >= 0xf0 && c <= 0xf4) {
			need = 3;
			cp = c & 0x07;
		} else {
			return false;
		}
		if (len - i <= need)
			return false;
		for (unsigned k = 1; k <= need; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return false;
			cp = cp << 6 | (s[i + k] & 0x3f);
		}
		if ((need == 2 && cp < 0x800) || (need == 3 && (cp < 0x10000 || cp > 0x10ffff)) ||
		    (cp >= 0xd800 && cp <= 0xdfff) || (cp >= 0x80 && cp < 0xa0))
			return false;
		i += need + 1;
	}
	return true;
}

static int check_int(const struct rec_field *f, const char *value, char *norm, size_t size,
		     struct rec_err *err)
{
	const char *p = value;
	long long v;
	char *end;

	if (*p == '-')
		p++;
	if (!*p || strspn(p, "0123456789") != strlen(p))
		return bad(f, REC_E_BAD_VALUE, value, err);
	errno = 0;
	v = strtoll(value, &end, 10);
	if (errno == ERANGE || *end)
		return bad(f, REC_E_RANGE, value, err);
	if ((v < f->min || v > f->max) && !(v == 0 && f->flags & RF_ZERO_OK))
		return bad(f, REC_E_RANGE, value, err);
	snprintf(norm, size, "%lld", v);
	return 0;
}

static const char *find_choice(const struct rec_field *f, const char *s, size_t len)
{
	for (size_t i = 0; f->choices[i]; i++)
		if (strlen(f->choices[i]) == len && !strncasecmp(f->choices[i], s, len))
			return f->choices[i];
	return NULL;
}

static int check_list(const struct rec_field *f, const char *value, char *norm, size_t size,
		      struct rec_err *err)
{
	const char *seen[16];
	size_t nseen = 0, used = 0;
	const char *p = value;

	norm[0] = '\0';
	for (;;) {
		const char *end = strchr(p, ',');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		const char *item, *q = p;

		while (len && *q == ' ') {
			q++;
			len--;
		}
		while (len && q[len - 1] == ' ')
			len--;
		item = len ? find_choice(f, q, len) : NULL;
		if (!item || nseen == sizeof(seen) / sizeof(seen[0]))
			return bad(f, REC_E_BAD_VALUE, value, err);
		for (size_t i = 0; i < nseen; i++)
			if (seen[i] == item)
				return bad(f, REC_E_BAD_VALUE, value, err);
		seen[nseen++] = item;
		used += (size_t)snprintf(norm + used, size - used, "%s%s", nseen > 1 ? "," : "", item);
		if (used >= size)
			return rec_fail(err, REC_E_INTERNAL, "normalised %s does not fit", f->name);
		if (!end)
			return 0;
		p = end + 1;
	}
}

static bool ifname_ok(const char *s, size_t max_len)
{
	size_t len = strlen(s);

	if (!len || len > max_len || !strcmp(s, ".") || strstr(s, ".."))
		return false;
	return strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.:-") == len;
}

static int check_hwaddr(const struct rec_field *f, const char *value, char *norm, size_t size,
			struct rec_err *err)
{
	static const char hex[] = "0123456789abcdefABCDEF";

	if (strlen(value) != 17 || size < 18)
		return bad(f, REC_E_BAD_VALUE, value, err);
	for (int i = 0; i < 17; i++) {
		bool colon = i % 3 == 2;

		if (colon ? value[i] != ':' : !strchr(hex, value[i]))
			return bad(f, REC_E_BAD_VALUE, value, err);
		norm[i] = colon ? ':' : (char)(value[i] | 0x20);
	}
	norm[17] = '\0';
	return 0;
}

int rec_field_check(const struct rec_field *f, const char *value, char *norm, size_t size,
		    struct rec_err *err)
{
	size_t len;

	if (!value)
		value = "";
	len = strnlen(value, REC_VALUE_MAX + 1);
	if (len > REC_VALUE_MAX || (f->max_len && len > f->max_len))
		return rec_fail(err, REC_E_TOO_LONG, "value for %s is too long: at most %zu bytes",
				f->name, f->max_len ? f->max_len : (size_t)REC_VALUE_MAX);
	if (size <= len)
		return rec_fail(err, REC_E_INTERNAL, "no room to normalise %s", f->name);
	if (!len && (f->flags & RF_EMPTY_OK || f->type == RT_STR)) {
		norm[0] = '\0';
		return 0;
	}
	switch (f->type) {
	case RT_STR:
		if (!text_ok((const unsigned char *)value, len, f->flags & RF_SPACES) ||
		    value[0] == ' ' || value[len - 1] == ' ')
			return bad(f, REC_E_BAD_VALUE, value, err);
		memcpy(norm, value, len + 1);
		return 0;
	case RT_INT:
		return check_int(f, value, norm, size, err);
	case RT_BOOL:
		if (!strcasecmp(value, "yes"))
			snprintf(norm, size, "Yes");
		else if (!strcasecmp(value, "no"))
			snprintf(norm, size, "No");
		else
			return bad(f, REC_E_BAD_VALUE, value, err);
		return 0;
	case RT_ENUM: {
		const char *c = find_choice(f, value, len);

		if (!c)
			return bad(f, REC_E_BAD_VALUE, value, err);
		snprintf(norm, size, "%s", c);
		return 0;
	}
	case RT_ENUM_LIST:
		return check_list(f, value, norm, size, err);
	case RT_NAME: {
		struct iscsi_name_result res;
		char line[REC_ERR_MSG_MAX - 64];

		if (iscsi_name_check(value, ISCSI_NAME_ALLOW_UPPER, &res) != NAME_OK) {
			iscsi_name_describe(line, sizeof(line), "iSCSI name", value, &res);
			return rec_fail(err, REC_E_BAD_NAME, "%s: %s", f->name, line);
		}
		memcpy(norm, value, len + 1);
		return 0;
	}
	case RT_ADDR:
		if (addr_normalize(value, norm, size) < 0)
			return bad(f, REC_E_BAD_NAME, value, err);
		return 0;
	case RT_IFNAME:
		if (!ifname_ok(value, f->max_len))
			return bad(f, REC_E_BAD_NAME, value, err);
		memcpy(norm, value, len + 1);
		return 0;
	case RT_HWADDR:
		return check_hwaddr(f, value, norm, size, err);
	}
	return rec_fail(err, REC_E_INTERNAL, "field %s has no type", f->name);
}
