/* The persistent record database: node, discovery and iface tables in
 * one gdbm store under the database directory (default /var/lib/iscsi,
 * moved by $ISCSI_ROOT). The design (files, lock, redo log, crash
 * safety) is described at the top of records/db.c.
 *
 * Guarantees:
 * - any number of processes may call these functions at once: reads take
 *   a shared lock, writes an exclusive one, each for one call only;
 * - every write call is atomic (all of its changes or none, even under
 *   kill -9 at any instant) and durable (fsync'd) when it returns 0;
 * - recdb_update() reads, changes and writes under one exclusive lock, so
 *   concurrent updates of different keys of one record both survive;
 * - a damaged or foreign file is REC_E_CORRUPT / REC_E_FOREIGN with a
 *   message naming the file and what to do; never a crash.
 * Records are validated before they are written (records/record.h). */
#ifndef RECORDS_DB_H
#define RECORDS_DB_H

#include <stdbool.h>
#include <stddef.h>

#include "proto/names.h"
#include "records/rec_err.h"
#include "records/record.h"
#include "records/schema.h"

/* The identity of a record: its database key.
 * REC_NODE:         target, addr, port, tpgt, iface
 * REC_DISCOVERY_ST: addr, port
 * REC_IFACE:        iface */
struct rec_key {
	enum rec_kind kind;
	char target[ISCSI_NAME_MAX + 1];
	char addr[REC_ADDR_MAX];
	int port;
	int tpgt;
	char iface[REC_IFACE_NAME_MAX];
};

/* Fills key from r's identity fields. */
void rec_key_of(const struct rec *r, struct rec_key *key);

/* A selection. NULL / 0 / REC_TPGT_ANY fields match anything; kind is
 * required. addr is compared as text after numeric normalisation, so
 * "::1" and "0:0::1" match; target with iscsi_name_equal(). */
#define REC_TPGT_ANY  (-2)
struct rec_filter {
	enum rec_kind kind;
	const char *target;
	const char *addr;
	int port;
	int tpgt;
	const char *iface;
};

/* A filter that matches every record of kind. */
struct rec_filter rec_filter_all(enum rec_kind kind);
bool rec_filter_match(const struct rec_filter *f, const struct rec_key *key);

struct recdb;

/* Opens (creating when missing: directory 0700, files 0600) the database
 * in dir, or in iscsi_path(ISCSI_DB_DIR) when dir is NULL. Refuses a
 * directory or file that is a symlink, not owned by the caller's euid, or
 * group/world writable (REC_E_PERM). Finishes a write that a killed
 * process left half-done. */
int recdb_open(const char *dir, struct recdb **out, struct rec_err *err);
void recdb_close(struct recdb *db);
/* A handle belongs to one process: its lock is an flock() on a descriptor
 * a forked child would share. Open a new handle in the child. */
const char *recdb_dir(const struct recdb *db);

/* How long a call waits for the lock before REC_E_LOCK_TIMEOUT
 * (default 10000 ms). While it waits, SIGALRM is delivered to the calling
 * thread every 100 ms by a timer of its own and caught by a no-op
 * handler; the previous SIGALRM disposition is restored afterwards. A
 * thread that blocks SIGALRM gets a polling wait instead. */
void recdb_set_lock_timeout(struct recdb *db, int ms);

/* Log size that triggers compaction (default 64 KiB); for tests and
 * benchmarks. */
void recdb_set_compact_threshold(struct recdb *db, size_t bytes);

/* ---- reads (shared lock, one consistent snapshot per call) ---- */

/* The record with exactly this key; REC_E_NOT_FOUND when absent. Built-in
 * ifaces "default" and "iser" are always found. *out is the caller's. */
int recdb_get(struct recdb *db, const struct rec_key *key, struct rec **out,
	      struct rec_err *err);

/* Keys of all records matching f, sorted (nodes by target, addr, port,
 * tpgt, iface; discovery by addr, port; ifaces: default, iser, then by
 * name). *keys is malloc'd (NULL when *n == 0). Zero matches is success. */
int recdb_list(struct recdb *db, const struct rec_filter *f, struct rec_key **keys,
	       size_t *n, struct rec_err *err);

/* Calls fn for each matching record in recdb_list() order; the record is
 * freed after fn returns. fn returning non-zero stops the walk and that
 * value is returned (err untouched). The lock is held throughout: keep fn
 * short (printing is fine). */
typedef int (*recdb_visit_fn)(const struct rec *r, void *arg);
int recdb_foreach(struct recdb *db, const struct rec_filter *f, recdb_visit_fn fn,
		  void *arg, struct rec_err *err);

/* ---- writes (exclusive lock, atomic, durable on return 0) ---- */

/* Stores r under its identity (rec_check_identity() first). With replace
 * false an existing record is REC_E_EXISTS and left alone. Storing a
 * built-in iface is REC_E_READONLY. */
int recdb_put(struct recdb *db, const struct rec *r, bool replace, struct rec_err *err);

/* Deletes every record matching f; *count (may be NULL) gets how many.
 * Zero matches is success with *count 0 (the caller decides whether that
 * is "No records found"). A filter selecting a built-in iface is
 * REC_E_READONLY. */
int recdb_delete(struct recdb *db, const struct rec_filter *f, size_t *count,
		 struct rec_err *err);

/* rec_update(name, value) on every record matching f, all in one atomic
 * write: either every matched record gets the new value or none does
 * (a bad name or value is reported before anything is written). */
int recdb_update(struct recdb *db, const struct rec_filter *f, const char *name,
		 const char *value, size_t *count, struct rec_err *err);

/* ---- transactions: several reads and writes under one exclusive lock,
 * committed as one atomic, durable change ---- */
struct recdb_txn;

/* Calls fn once under the exclusive lock. When fn returns 0 every
 * recdb_txn_put/delete it made is committed at once; when it returns
 * non-zero nothing is written and that value is returned (fn fills err).
 * Reads inside fn see fn's own earlier writes. */
typedef int (*recdb_txn_fn)(struct recdb_txn *txn, void *arg, struct rec_err *err);
int recdb_transact(struct recdb *db, recdb_txn_fn fn, void *arg, struct rec_err *err);

int recdb_txn_get(struct recdb_txn *txn, const struct rec_key *key, struct rec **out,
		  struct rec_err *err);
int recdb_txn_list(struct recdb_txn *txn, const struct rec_filter *f, struct rec_key **keys,
		   size_t *n, struct rec_err *err);
int recdb_txn_put(struct recdb_txn *txn, const struct rec *r, bool replace,
		  struct rec_err *err);
/* Deleting an absent key is REC_E_NOT_FOUND. */
int recdb_txn_delete(struct recdb_txn *txn, const struct rec_key *key, struct rec_err *err);

#endif
