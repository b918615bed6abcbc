/* Record keys: identity of a record, its text form in the database, and
 * the matching of iscsiadm-style selections. */
#include "records/reckey.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "records/portal.h"

static void copy_field(char *dst, size_t size, const char *src)
{
	snprintf(dst, size, "%s", src ? src : "");
}

static int int_of(const struct rec *r, const char *name)
{
	long long v = 0;

	rec_get_int(r, name, &v);
	return (int)v;
}

void rec_key_of(const struct rec *r, struct rec_key *key)
{
	memset(key, 0, sizeof(*key));
	key->kind = rec_kind_of(r);
	key->tpgt = REC_TPGT_NONE;
	switch (key->kind) {
	case REC_NODE:
		copy_field(key->target, sizeof(key->target), rec_get(r, "node.name"));
		copy_field(key->addr, sizeof(key->addr), rec_get(r, "node.conn[0].address"));
		key->port = int_of(r, "node.conn[0].port");
		key->tpgt = int_of(r, "node.tpgt");
		copy_field(key->iface, sizeof(key->iface), rec_get(r, "iface.iscsi_ifacename"));
		break;
	case REC_DISCOVERY_ST:
		copy_field(key->addr, sizeof(key->addr), rec_get(r, "discovery.sendtargets.address"));
		key->port = int_of(r, "discovery.sendtargets.port");
		break;
	case REC_IFACE:
		copy_field(key->iface, sizeof(key->iface), rec_get(r, "iface.iscsi_ifacename"));
		break;
	default:
		break;
	}
}

int rec_key_encode(const struct rec_key *k, char *buf, size_t size)
{
	int n;

	switch (k->kind) {
	case REC_NODE:
		n = snprintf(buf, size, "node %s %s %d %d %s", k->target, k->addr, k->port, k->tpgt,
			     k->iface);
		break;
	case REC_DISCOVERY_ST:
		n = snprintf(buf, size, "st %s %d", k->addr, k->port);
		break;
	case REC_IFACE:
		n = snprintf(buf, size, "iface %s", k->iface);
		break;
	default:
		return -1;
	}
	return n < 0 || (size_t)n >= size ? -1 : n;
}

/* Splits "a b c" into at most max words; returns the count or -1. */
static int split(char *s, char **words, int max)
{
	int n = 0;

	for (char *p = s;;) {
		char *sp = strchr(p, ' ');

		if (n == max || !*p || sp == p)
			return -1;
		words[n++] = p;
		if (!sp)
			return n;
		*sp = '\0';
		p = sp + 1;
	}
}

static int parse_int(const char *s, int lo, int hi, int *out)
{
	char *end;
	long v;

	const char *digits = s[0] == '-' ? s + 1 : s;

	/* Canonical decimal only: no sign but '-', no spaces, no leading 0. */
	if (!*digits || strspn(digits, "0123456789") != strlen(digits) ||
	    (digits[0] == '0' && (digits[1] || digits != s)))
		return -1;
	v = strtol(s, &end, 10);
	if (*end || v < lo || v > hi)
		return -1;
	*out = (int)v;
	return 0;
}

static int set_text(char *dst, size_t size, const char *src)
{
	if (strlen(src) >= size)
		return -1;
	strcpy(dst, src);
	return 0;
}

int rec_key_decode(const char *buf, size_t len, struct rec_key *out)
{
	char text[REC_KEY_TEXT_MAX], *w[6];
	int n;

	if (len >= sizeof(text) || memchr(buf, '\0', len))
		return -1;
	memcpy(text, buf, len);
	text[len] = '\0';
	memset(out, 0, sizeof(*out));
	out->tpgt = REC_TPGT_NONE;
	n = split(text, w, 6);
	if (n == 6 && !strcmp(w[0], "node")) {
		out->kind = REC_NODE;
		if (set_text(out->target, sizeof(out->target), w[1]) ||
		    set_text(out->addr, sizeof(out->addr), w[2]) ||
		    parse_int(w[3], 1, 65535, &out->port) || parse_int(w[4], -1, 65535, &out->tpgt) ||
		    set_text(out->iface, sizeof(out->iface), w[5]))
			return -1;
		return 0;
	}
	if (n == 3 && !strcmp(w[0], "st")) {
		out->kind = REC_DISCOVERY_ST;
		if (set_text(out->addr, sizeof(out->addr), w[1]) ||
		    parse_int(w[2], 1, 65535, &out->port))
			return -1;
		return 0;
	}
	if (n == 2 && !strcmp(w[0], "iface")) {
		out->kind = REC_IFACE;
		return set_text(out->iface, sizeof(out->iface), w[1]);
	}
	return -1;
}

static int builtin_rank(const char *iface)
{
	if (!strcmp(iface, REC_IFACE_DEFAULT))
		return 0;
	if (!strcmp(iface, REC_IFACE_ISER))
		return 1;
	return 2;
}

int rec_key_cmp(const struct rec_key *a, const struct rec_key *b)
{
	int c;

	if (a->kind != b->kind)
		return a->kind < b->kind ? -1 : 1;
	if (a->kind == REC_IFACE) {
		c = builtin_rank(a->iface) - builtin_rank(b->iface);
		return c ? c : strcmp(a->iface, b->iface);
	}
	if (a->kind == REC_DISCOVERY_ST) {
		if ((c = strcmp(a->addr, b->addr)))
			return c;
		return a->port == b->port ? 0 : a->port < b->port ? -1 : 1;
	}
	if ((c = strcmp(a->target, b->target)) || (c = strcmp(a->addr, b->addr)))
		return c;
	if (a->port != b->port)
		return a->port < b->port ? -1 : 1;
	if (a->tpgt != b->tpgt)
		return a->tpgt < b->tpgt ? -1 : 1;
	return strcmp(a->iface, b->iface);
}

struct rec_filter rec_filter_all(enum rec_kind kind)
{
	struct rec_filter f = { .kind = kind, .tpgt = REC_TPGT_ANY };

	return f;
}

bool rec_filter_match(const struct rec_filter *f, const struct rec_key *key)
{
	if (f->kind != key->kind)
		return false;
	if (f->target && !iscsi_name_equal(f->target, key->target))
		return false;
	if (f->addr) {
		char norm[REC_ADDR_MAX];

		if (addr_normalize(f->addr, norm, sizeof(norm)) < 0) {
			if (strcmp(f->addr, key->addr))
				return false;
		} else if (strcmp(norm, key->addr)) {
			return false;
		}
	}
	if (f->port && f->port != key->port)
		return false;
	if (f->tpgt != REC_TPGT_ANY && f->tpgt != key->tpgt)
		return false;
	if (f->iface && strcmp(f->iface, key->iface))
		return false;
	return true;
}
