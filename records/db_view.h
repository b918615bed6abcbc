/* Internals shared by records/db.c (files, lock, log, compaction) and
 * records/db_ops.c (the public operations). A view is one locked,
 * consistent look at the database: the gdbm base, the redo log's changes
 * over it and, for a transaction, its own pending writes. */
#ifndef RECORDS_DB_VIEW_H
#define RECORDS_DB_VIEW_H

#include <gdbm.h>
#include <limits.h>
#include <stdbool.h>

#include "records/db.h"
#include "records/redolog.h"
#include "records/strmap.h"

#define DB_FILE   "records.db"
#define TMP_FILE  "records.db.tmp"
#define LOG_FILE  "records.log"
#define LOCK_FILE "records.lock"
#define DB_MOVE_ASIDE "move it aside and re-run discovery"

#define RECDB_META_KEY   "format"
#define RECDB_META_VALUE "hardened-iscsi records 1"

struct recdb {
	int dirfd;
	int lockfd;
	int logfd;
	int timeout_ms;
	size_t compact_bytes;
	char dir[PATH_MAX];
	char db_path[PATH_MAX + 16];
	char log_path[PATH_MAX + 16];
	char lock_path[PATH_MAX + 16];
	/* What this process knows of the files, kept between calls and
	 * brought up to date under the lock by view_open(). */
	struct strmap log;       /* changes in the redo log */
	struct redolog_state st;
	GDBM_FILE base;          /* NULL: not open (or no base file) */
	uint32_t base_gen;       /* log generation the base was opened at */
};

struct recdb_txn {
	struct recdb *db;
	bool exclusive;
	GDBM_FILE base;          /* db->base; NULL: no base file (empty database) */
	struct strmap *log;      /* &db->log */
	struct strmap pending;   /* this transaction's writes */
};

/* Locks (shared or exclusive), loads the log and opens the base. */
int view_open(struct recdb *db, bool exclusive, struct recdb_txn *v, struct rec_err *err);
/* Appends v->pending (if any) as one transaction and compacts when due.
 * Only for exclusive views. */
int view_commit(struct recdb_txn *v, struct rec_err *err);
/* Frees the pending writes and unlocks (the caches stay). */
void view_close(struct recdb_txn *v);

/* The stored value text of key (malloc'd), or 0 with *val NULL when the
 * record does not exist. Looks at pending, log, then base. */
int view_fetch(struct recdb_txn *v, const char *key, size_t klen, char **val, size_t *vlen,
	       struct rec_err *err);
/* Calls fn with every live key text (base keys overridden by log and
 * pending are reported once, deleted ones not at all). */
typedef int (*view_key_fn)(const char *key, size_t klen, void *arg, struct rec_err *err);
int view_keys(struct recdb_txn *v, view_key_fn fn, void *arg, struct rec_err *err);

/* Helpers of records/db.c shared with db_lock.c and db_compact.c. All
 * return 0 or -1 with err set, naming the file. */
int db_io_fail(const char *path, const char *what, struct rec_err *err);
int db_damaged(const char *path, struct rec_err *err);        /* gdbm error */
/* openat() in the database directory, O_NOFOLLOW, owner and mode checked. */
int db_open_file(struct recdb *db, const char *name, const char *path, int flags,
		 bool *created, struct rec_err *err);
int db_sync_dir(struct recdb *db, struct rec_err *err);
int db_check_marker(GDBM_FILE g, const char *path, struct rec_err *err);
void db_forget_base(struct recdb *db);

/* records/db_lock.c: flock() with the bounded wait of recdb_set_lock_timeout(). */
int db_lock(struct recdb *db, int how, struct rec_err *err);
void db_unlock(struct recdb *db);

/* records/db_compact.c: a new base from the view's whole content; and
 * folding the log into the base, then emptying the log. */
int db_write_base(struct recdb_txn *v, struct rec_err *err);
int db_compact(struct recdb_txn *v, struct rec_err *err);

/* Indexes (records/db_index.c), maintained by db_ops.c in the same
 * transaction as the records they list. */
bool index_key_text(const char *k, size_t klen);
int index_add(struct recdb_txn *v, const struct rec_key *key, const char *k, size_t klen,
	      struct rec_err *err);
int index_remove(struct recdb_txn *v, const struct rec_key *key, const char *k, size_t klen,
		 struct rec_err *err);
/* True when index_lookup() can serve f: any discovery or iface filter,
 * and node filters that name a target. */
bool index_covers(const struct rec_filter *f);
/* Calls fn with the key text of every record in the index f selects
 * (a superset of f's matches). */
int index_lookup(struct recdb_txn *v, const struct rec_filter *f, view_key_fn fn, void *arg,
		 struct rec_err *err);

#endif
