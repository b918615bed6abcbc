/* A small string-keyed hash map for the database's in-memory views: the
 * changes of the redo log and a transaction's pending writes. A value of
 * NULL is a tombstone (the key was deleted). Keys and values are copied. */
#ifndef RECORDS_STRMAP_H
#define RECORDS_STRMAP_H

#include <stdbool.h>
#include <stddef.h>

struct strmap_entry {
	char *key;
	size_t klen;
	char *val;          /* NULL: deleted */
	size_t vlen;
};

struct strmap {
	struct strmap_entry *slots;
	size_t cap;         /* power of two, or 0 */
	size_t used;
};

void strmap_init(struct strmap *m);
void strmap_free(struct strmap *m);

/* Inserts or replaces; val NULL records a deletion. 0 or -1 (ENOMEM). */
int strmap_set(struct strmap *m, const char *key, size_t klen, const char *val, size_t vlen);

/* The entry for key, or NULL when the map says nothing about it. */
const struct strmap_entry *strmap_get(const struct strmap *m, const char *key, size_t klen);

/* Iteration: *pos starts at 0; returns NULL at the end. */
const struct strmap_entry *strmap_next(const struct strmap *m, size_t *pos);

#endif
