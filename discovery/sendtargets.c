#include "discovery/sendtargets.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proto/negotiate.h"

const char *st_strerror(enum st_err err)
{
	static const char *const text[ST_ERR_COUNT] = {
		[ST_OK] = "success",
		[ST_ERR_NOMEM] = "out of memory",
		[ST_ERR_TEXT] = "malformed SendTargets text",
		[ST_ERR_REFUSED] = "target refused SendTargets",
		[ST_ERR_UNEXPECTED_KEY] = "unexpected key in SendTargets answer",
		[ST_ERR_BAD_NAME] = "invalid TargetName",
		[ST_ERR_ADDRESS_FIRST] = "TargetAddress before any TargetName",
		[ST_ERR_BAD_ADDRESS] = "invalid TargetAddress",
		[ST_ERR_TOO_MANY] = "too many portals in SendTargets answer",
		[ST_ERR_NO_DEFAULT] = "target without TargetAddress",
	};

	if ((unsigned)err >= ST_ERR_COUNT)
		return "unknown SendTargets error";
	return text[err];
}

void st_text_limits(struct text_limits *lim)
{
	lim->max_total = ST_MAX_BYTES;
	lim->max_pdus = ST_MAX_PDUS;
	lim->flags = TEXT_ALLOW_DUPLICATES;
}

void st_list_init(struct st_list *list)
{
	memset(list, 0, sizeof(*list));
}

void st_list_free(struct st_list *list)
{
	free(list->v);
	free(list->pool);
	st_list_init(list);
}

/* Copies s (NUL included) into the pool; *off gets where. */
static enum st_err pool_add(struct st_list *l, const char *s, size_t *off)
{
	size_t n = strlen(s) + 1;

	if (l->pool_cap - l->pool_len < n) {
		size_t cap = l->pool_cap ? l->pool_cap : 4096;
		while (cap - l->pool_len < n)
			cap *= 2;
		char *p = realloc(l->pool, cap);
		if (!p)
			return ST_ERR_NOMEM;
		l->pool = p;
		l->pool_cap = cap;
	}
	memcpy(l->pool + l->pool_len, s, n);
	*off = l->pool_len;
	l->pool_len += n;
	return ST_OK;
}

static bool dns_label_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '-';
}

static bool dns_name_valid(const char *s, size_t len)
{
	size_t label = 0;

	if (len == 0 || len > 253)
		return false;
	for (size_t i = 0; i <= len; i++) {
		if (i == len || s[i] == '.') {
			/* Empty labels (leading, trailing or double dots)
			 * and labels that begin or end with '-' are not
			 * host names (RFC 1123 2.1). */
			if (label == 0 || label > 63 || s[i - label] == '-' || s[i - 1] == '-')
				return false;
			label = 0;
			continue;
		}
		if (!dns_label_char(s[i]))
			return false;
		label++;
	}
	return true;
}

bool st_host_valid(const char *host)
{
	size_t len = strnlen(host, ST_HOST_MAX + 1);
	unsigned char buf[16];

	if (len == 0 || len > ST_HOST_MAX)
		return false;
	if (strchr(host, ':'))
		return inet_pton(AF_INET6, host, buf) == 1;
	/* Digits and dots only: it claims to be an IPv4 address, so it
	 * must be one ("999.1.1.1" and "1.2.3" are not host names). */
	if (strspn(host, "0123456789.") == len)
		return inet_pton(AF_INET, host, buf) == 1;
	return dns_name_valid(host, len);
}

static enum st_err fail(char *msg, size_t size, enum st_err err, const char *key,
			const char *value)
{
	char esc[96];

	if (!size)
		return err;
	if (value) {
		iscsi_escape(esc, sizeof(esc), value, strlen(value));
		snprintf(msg, size, "%s: %s '%s'", st_strerror(err), key, esc);
	} else if (key) {
		snprintf(msg, size, "%s: %s", st_strerror(err), key);
	} else {
		snprintf(msg, size, "%s", st_strerror(err));
	}
	return err;
}

static enum st_err add_entry(struct st_list *out, size_t max, size_t target_off,
			     const char *host, uint16_t port, int32_t tpgt)
{
	size_t host_off;

	if (out->n >= max)
		return ST_ERR_TOO_MANY;
	if (out->n == out->cap) {
		size_t cap = out->cap ? out->cap * 2 : 64;
		if (cap > max)
			cap = max;
		struct st_entry *v = realloc(out->v, cap * sizeof(*v));
		if (!v)
			return ST_ERR_NOMEM;
		out->v = v;
		out->cap = cap;
	}
	if (pool_add(out, host, &host_off) != ST_OK)
		return ST_ERR_NOMEM;
	struct st_entry *e = &out->v[out->n++];
	memset(e, 0, sizeof(*e));
	e->target_off = target_off;
	e->host_off = host_off;
	e->port = port;
	e->tpgt = tpgt;
	return ST_OK;
}

static int entry_cmp(const struct st_entry *a, const struct st_entry *b)
{
	int c = strcmp(a->target, b->target);

	if (c)
		return c;
	if ((c = strcmp(a->host, b->host)))
		return c;
	if (a->port != b->port)
		return a->port < b->port ? -1 : 1;
	if (a->tpgt != b->tpgt)
		return a->tpgt < b->tpgt ? -1 : 1;
	return 0;
}

/* A stable bottom-up merge sort of indices into the list. Not qsort():
 * glibc's qsort() asks the kernel for the machine's memory size
 * (sysinfo) on large arrays, which the worker's seccomp list does not
 * allow, and a sort of our own needs no file-scope state. */
static void sort_indices(const struct st_entry *v, size_t *idx, size_t *tmp, size_t n)
{
	for (size_t width = 1; width < n; width *= 2) {
		for (size_t lo = 0; lo < n; lo += 2 * width) {
			size_t mid = lo + width < n ? lo + width : n;
			size_t hi = lo + 2 * width < n ? lo + 2 * width : n;
			size_t a = lo, b = mid, k = lo;

			while (a < mid && b < hi)
				tmp[k++] = entry_cmp(&v[idx[b]], &v[idx[a]]) < 0 ? idx[b++] : idx[a++];
			while (a < mid)
				tmp[k++] = idx[a++];
			while (b < hi)
				tmp[k++] = idx[b++];
		}
		memcpy(idx, tmp, n * sizeof(*idx));
	}
}

/* Drops exact repeats, keeping each first occurrence in place:
 * O(n log n), so 65,535 entries cost nothing noticeable. */
static enum st_err drop_repeats(struct st_list *l)
{
	if (l->n < 2)
		return ST_OK;
	size_t *idx = malloc(l->n * sizeof(*idx));
	size_t *tmp = malloc(l->n * sizeof(*tmp));
	bool *drop = calloc(l->n, sizeof(*drop));
	if (!idx || !tmp || !drop) {
		free(idx);
		free(tmp);
		free(drop);
		return ST_ERR_NOMEM;
	}
	for (size_t i = 0; i < l->n; i++)
		idx[i] = i;
	sort_indices(l->v, idx, tmp, l->n);
	free(tmp);
	for (size_t i = 1; i < l->n; i++)
		if (entry_cmp(&l->v[idx[i - 1]], &l->v[idx[i]]) == 0)
			drop[idx[i]] = true;
	size_t k = 0;
	for (size_t i = 0; i < l->n; i++)
		if (!drop[i])
			l->v[k++] = l->v[i];
	l->n = k;
	free(idx);
	free(drop);
	return ST_OK;
}

struct st_parse_state {
	const char *target;     /* current TargetName, NULL before the first */
	size_t target_off;      /* its copy in the pool */
	size_t addresses;       /* TargetAddress keys of the current target */
};

/* A target block ended: one without addresses is reached through the
 * discovery portal. */
static enum st_err close_target(struct st_parse_state *ps, const struct st_default *def,
				struct st_list *out, size_t max, char *msg, size_t size)
{
	if (!ps->target || ps->addresses)
		return ST_OK;
	if (!def || !def->host)
		return fail(msg, size, ST_ERR_NO_DEFAULT, "TargetName", ps->target);
	enum st_err e = add_entry(out, max, ps->target_off, def->host, def->port, -1);
	return e ? fail(msg, size, e, NULL, NULL) : ST_OK;
}

static enum st_err take_address(struct st_parse_state *ps, const char *value,
				struct st_list *out, size_t max, char *msg, size_t size)
{
	char host[TEXT_VALUE_MAX + 1];
	uint16_t port;
	int32_t tpgt;

	if (!ps->target)
		return fail(msg, size, ST_ERR_ADDRESS_FIRST, "TargetAddress", value);
	if (neg_parse_target_address(value, host, sizeof(host), &port, &tpgt) < 0 ||
	    !st_host_valid(host))
		return fail(msg, size, ST_ERR_BAD_ADDRESS, "TargetAddress", value);
	ps->addresses++;
	enum st_err e = add_entry(out, max, ps->target_off, host, port, tpgt);
	return e ? fail(msg, size, e, NULL, NULL) : ST_OK;
}

static enum st_err parse_keys(const struct text_list *keys, const struct st_default *def,
			      size_t max_records, struct st_list *out, char *msg, size_t size)
{
	struct st_parse_state ps = { NULL, 0, 0 };
	enum st_err e;

	st_list_init(out);
	if (size)
		msg[0] = '\0';
	if (max_records == 0 || max_records > ST_MAX_RECORDS)
		max_records = ST_MAX_RECORDS;
	for (size_t i = 0; i < keys->count; i++) {
		const struct text_pair *p = &keys->pairs[i];

		if (!strcmp(p->key, "TargetName")) {
			struct iscsi_name_result res;

			if ((e = close_target(&ps, def, out, max_records, msg, size)))
				return e;
			if (iscsi_name_check(p->value, ISCSI_NAME_ALLOW_UPPER, &res) != NAME_OK) {
				char line[200];
				iscsi_name_describe(line, sizeof(line), "TargetName", p->value,
						    &res);
				if (size)
					snprintf(msg, size, "%s", line);
				return ST_ERR_BAD_NAME;
			}
			if (pool_add(out, p->value, &ps.target_off) != ST_OK)
				return fail(msg, size, ST_ERR_NOMEM, NULL, NULL);
			ps.target = p->value;
			ps.addresses = 0;
		} else if (!strcmp(p->key, "TargetAddress")) {
			if ((e = take_address(&ps, p->value, out, max_records, msg, size)))
				return e;
		} else if (!strcmp(p->key, "TargetAlias")) {
			continue;
		} else if (!strcmp(p->key, "SendTargets")) {
			return fail(msg, size, ST_ERR_REFUSED, "SendTargets", p->value);
		} else {
			return fail(msg, size, ST_ERR_UNEXPECTED_KEY, p->key, NULL);
		}
	}
	if ((e = close_target(&ps, def, out, max_records, msg, size)))
		return e;
	/* The pool no longer moves: offsets become pointers. */
	for (size_t i = 0; i < out->n; i++) {
		out->v[i].target = out->pool + out->v[i].target_off;
		out->v[i].host = out->pool + out->v[i].host_off;
	}
	if ((e = drop_repeats(out)))
		return fail(msg, size, e, NULL, NULL);
	return ST_OK;
}

enum st_err st_parse(const struct text_list *keys, const struct st_default *def,
		     size_t max_records, struct st_list *out, char *msg, size_t size)
{
	enum st_err e = parse_keys(keys, def, max_records, out, msg, size);

	/* An answer is taken whole or not at all. */
	if (e != ST_OK)
		st_list_free(out);
	return e;
}

enum st_err st_parse_text(const uint8_t *data, size_t len, const struct st_default *def,
			  size_t max_records, struct st_list *out, char *msg, size_t size)
{
	struct text_limits lim;
	struct text_list keys;
	struct text_error terr;

	st_list_init(out);
	st_text_limits(&lim);
	enum text_err te = text_parse(data, len, &lim, &keys, &terr);
	if (te != TEXT_OK) {
		text_list_free(&keys);
		if (size) {
			char line[200];
			text_error_format(&terr, line, sizeof(line));
			snprintf(msg, size, "%s: %s", st_strerror(ST_ERR_TEXT), line);
		}
		return te == TEXT_ERR_NOMEM ? ST_ERR_NOMEM : ST_ERR_TEXT;
	}
	enum st_err e = st_parse(&keys, def, max_records, out, msg, size);
	text_list_free(&keys);
	return e;
}
