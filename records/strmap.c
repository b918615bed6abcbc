/* Open-addressing hash map with linear probing; entries are never removed
 * (deletion is a tombstone value), which keeps probing simple. */
#include "records/strmap.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static uint64_t hash(const char *key, size_t klen)
{
	uint64_t h = 1469598103934665603ull;   /* FNV-1a */

	for (size_t i = 0; i < klen; i++) {
		h ^= (unsigned char)key[i];
		h *= 1099511628211ull;
	}
	return h;
}

void strmap_init(struct strmap *m)
{
	m->slots = NULL;
	m->cap = 0;
	m->used = 0;
}

void strmap_free(struct strmap *m)
{
	for (size_t i = 0; i < m->cap; i++) {
		free(m->slots[i].key);
		free(m->slots[i].val);
	}
	free(m->slots);
	strmap_init(m);
}

static struct strmap_entry *find(const struct strmap *m, const char *key, size_t klen)
{
	size_t i = (size_t)hash(key, klen) & (m->cap - 1);

	for (;;) {
		struct strmap_entry *e = &m->slots[i];

		if (!e->key || (e->klen == klen && !memcmp(e->key, key, klen)))
			return e;
		i = (i + 1) & (m->cap - 1);
	}
}

static int grow(struct strmap *m)
{
	size_t ncap = m->cap ? m->cap * 2 : 64;
	struct strmap old = *m;

	m->slots = calloc(ncap, sizeof(*m->slots));
	if (!m->slots) {
		*m = old;
		return -1;
	}
	m->cap = ncap;
	for (size_t i = 0; i < old.cap; i++)
		if (old.slots[i].key)
			*find(m, old.slots[i].key, old.slots[i].klen) = old.slots[i];
	free(old.slots);
	return 0;
}

static char *copy(const char *s, size_t len)
{
	char *c = malloc(len + 1);

	if (c) {
		memcpy(c, s, len);
		c[len] = '\0';
	}
	return c;
}

int strmap_set(struct strmap *m, const char *key, size_t klen, const char *val, size_t vlen)
{
	struct strmap_entry *e;
	char *v = NULL;

	if ((m->used + 1) * 4 > m->cap * 3 && grow(m) < 0)
		return -1;
	if (val && !(v = copy(val, vlen)))
		return -1;
	e = find(m, key, klen);
	if (!e->key) {
		e->key = copy(key, klen);
		if (!e->key) {
			free(v);
			return -1;
		}
		e->klen = klen;
		m->used++;
	}
	free(e->val);
	e->val = v;
	e->vlen = val ? vlen : 0;
	return 0;
}

const struct strmap_entry *strmap_get(const struct strmap *m, const char *key, size_t klen)
{
	const struct strmap_entry *e;

	if (!m->cap)
		return NULL;
	e = find(m, key, klen);
	return e->key ? e : NULL;
}

const struct strmap_entry *strmap_next(const struct strmap *m, size_t *pos)
{
	while (*pos < m->cap) {
		const struct strmap_entry *e = &m->slots[(*pos)++];

		if (e->key)
			return e;
	}
	return NULL;
}
