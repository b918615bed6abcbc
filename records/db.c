/* The record database: files, lock, redo log and compaction.
 *
 * FILES, in the database directory (mode 0700; every file 0600, owned by
 * the caller's euid, opened with O_NOFOLLOW):
 *   records.db     gdbm file, the base: key text (records/reckey.h) ->
 *                  record value (records/record.c, format version 1), plus
 *                  "format" -> "hardened-iscsi records 1" as the marker
 *                  that tells our file from any other gdbm file.
 *   records.log    redo log (records/redolog.c): committed transactions
 *                  not yet folded into records.db.
 *   records.lock   empty; flock()ed by every operation.
 *   records.db.tmp compaction output before it is renamed into place.
 * The logical content is records.db with the log's transactions applied
 * in order.
 *
 * LOCKING. gdbm's own locking allows one writer or many readers per open
 * file and is tied to its descriptor; we need many processes doing short
 * operations. Every call takes flock(records.lock): LOCK_SH to read,
 * LOCK_EX to write, waiting in a blocking flock() that a 100 ms SIGALRM
 * tick interrupts to enforce a bounded wait (10 s by default, then
 * REC_E_LOCK_TIMEOUT), and uses gdbm with GDBM_NOLOCK under it. A write reads the current record,
 * changes it and appends the result under one LOCK_EX, which is why
 * concurrent updates of different keys of one record never lose one.
 *
 * CRASH SAFETY (kill -9 at any instant; also power loss given fsync):
 * records.db is never modified in place. gdbm 1.23 offers crash tolerance
 * only on reflink file systems (XFS, Btrfs), and an in-place gdbm_store
 * interrupted between its writes can leave buckets and the header
 * disagreeing, so we do not depend on it.
 * - A write appends one log entry (all of its puts and deletes, length
 *   and CRC32C framed) with one pwrite(), then fdatasync()s the log, and
 *   only then reports success. Killed before the fdatasync completes, the
 *   entry is torn or absent: readers ignore a torn tail and the next
 *   writer cuts it off, so the transaction is entirely absent, as it was
 *   never reported done. After fdatasync it is entirely present.
 * - When the log passes 64 KiB a writer compacts, still under LOCK_EX:
 *   it copies records.db to records.db.tmp, applies the log's changes to
 *   the copy with gdbm, fsyncs it, renames it over records.db, fsyncs the
 *   directory, and empties the log (bumping its generation). Killed before
 *   the rename: the old base and the full log are intact (the tmp file is
 *   discarded next time). Killed after the rename but before the log is
 *   emptied: the new base already holds the log's effect, and replaying
 *   the log over it changes nothing, because every log entry stores
 *   whole final values and deletions (replay is idempotent).
 * So at every instant the files describe either the state before or the
 * state after each write, and every acknowledged write is in one of them.
 *
 * CACHING. A process keeps the log's content in memory and the base open
 * between calls. Under the lock it reads the log header: the same
 * generation means the log only grew, so only the new entries are read; a
 * new generation means another process compacted, so the base is reopened
 * and the log read afresh. A cached base that was replaced by a compaction
 * whose log reset was then cut short by a kill is still consistent with
 * the log (see above), so it may be used until the generation changes.
 *
 * COST. A write is one pwrite and one fdatasync of the log (about 2-4 ms
 * on the development VM's disk, dominating everything else). Compaction
 * is one copy of the base plus one gdbm operation per changed record and
 * an fsync of the copy; with 10,000 node records (a 2.4 MB base) it takes
 * 30-120 ms on that disk, once every few hundred writes.
 *
 * DAMAGE. A file that is not ours (bad gdbm magic, no marker, a log
 * without our magic) is REC_E_FOREIGN; a damaged one (gdbm errors, bad
 * log checksum in the middle, a record value that fails validation) is
 * REC_E_CORRUPT. Both name the file and say to move it aside and re-run
 * discovery. gdbm is opened with GDBM_XVERIFY and never with a fatal
 * callback, so damage is an error return, not an exit. */
#include "records/db_view.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/log.h"
#include "base/paths.h"
#include "proto/names.h"


#define DEFAULT_LOCK_TIMEOUT_MS 10000
#define DEFAULT_COMPACT_BYTES   (64u << 10)


int db_io_fail(const char *path, const char *what, struct rec_err *err)
{
	return rec_fail(err, REC_E_IO, "%s: %s failed: %s", path, what, strerror(errno));
}

int db_damaged(const char *path, struct rec_err *err)
{
	return rec_fail(err, REC_E_CORRUPT, "%s is damaged (%s); %s", path,
			gdbm_strerror(gdbm_errno), DB_MOVE_ASIDE);
}

/* Regular file owned by us and not writable by others; tightened to 0600. */
static int check_file(int fd, const char *path, struct rec_err *err)
{
	struct stat sb;

	if (fstat(fd, &sb) < 0)
		return db_io_fail(path, "stat", err);
	if (!S_ISREG(sb.st_mode))
		return rec_fail(err, REC_E_PERM, "%s is not a regular file; %s", path, DB_MOVE_ASIDE);
	if (sb.st_uid != geteuid())
		return rec_fail(err, REC_E_PERM, "%s is owned by uid %u, not %u; refusing to use it",
				path, (unsigned)sb.st_uid, (unsigned)geteuid());
	if (sb.st_mode & 022)
		return rec_fail(err, REC_E_PERM,
				"%s is writable by group or others; chmod 600 it and check its content",
				path);
	if ((sb.st_mode & 077) && fchmod(fd, 0600) < 0)
		return db_io_fail(path, "chmod", err);
	return 0;
}

int db_open_file(struct recdb *db, const char *name, const char *path, int flags,
		     bool *created, struct rec_err *err)
{
	int fd = openat(db->dirfd, name, flags | O_NOFOLLOW | O_CLOEXEC, 0600);

	if (fd < 0 && (flags & O_CREAT) && errno == EEXIST)
		return -1;
	if (fd < 0) {
		if (errno == ELOOP)
			return rec_fail(err, REC_E_PERM, "%s is a symbolic link; refusing to follow it",
					path);
		return db_io_fail(path, "open", err);
	}
	if (check_file(fd, path, err) < 0) {
		close(fd);
		return -1;
	}
	if (created) {
		struct stat sb;

		*created = fstat(fd, &sb) == 0 && sb.st_size == 0;
	}
	return fd;
}

/* mkdir -p: parents 0755, the database directory itself 0700. */
static int make_dirs(const char *dir, struct rec_err *err)
{
	char path[PATH_MAX];

	if (snprintf(path, sizeof(path), "%s", dir) >= (int)sizeof(path))
		return rec_fail(err, REC_E_IO, "database path too long: %s", dir);
	for (char *p = path + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(path, 0755) < 0 && errno != EEXIST)
			return db_io_fail(path, "mkdir", err);
		*p = '/';
	}
	if (mkdir(path, 0700) < 0 && errno != EEXIST)
		return db_io_fail(path, "mkdir", err);
	return 0;
}

static int open_dir(struct recdb *db, struct rec_err *err)
{
	struct stat sb;

	if (make_dirs(db->dir, err) < 0)
		return -1;
	db->dirfd = open(db->dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (db->dirfd < 0) {
		if (errno == ELOOP || errno == ENOTDIR)
			return rec_fail(err, REC_E_PERM, "%s is not a directory (or is a symbolic link)",
					db->dir);
		return db_io_fail(db->dir, "open", err);
	}
	if (fstat(db->dirfd, &sb) < 0)
		return db_io_fail(db->dir, "stat", err);
	if (sb.st_uid != geteuid())
		return rec_fail(err, REC_E_PERM, "%s is owned by uid %u, not %u; refusing to use it",
				db->dir, (unsigned)sb.st_uid, (unsigned)geteuid());
	if (sb.st_mode & 022)
		return rec_fail(err, REC_E_PERM,
				"%s is writable by group or others; chmod 700 it", db->dir);
	if ((sb.st_mode & 077) && fchmod(db->dirfd, 0700) < 0)
		return db_io_fail(db->dir, "chmod", err);
	return 0;
}

int db_check_marker(GDBM_FILE g, const char *path, struct rec_err *err)
{
	datum key = { .dptr = RECDB_META_KEY, .dsize = sizeof(RECDB_META_KEY) - 1 };
	datum val = gdbm_fetch(g, key);
	int rc = 0;

	if (!val.dptr) {
		if (gdbm_errno != GDBM_ITEM_NOT_FOUND)
			return db_damaged(path, err);
		return rec_fail(err, REC_E_FOREIGN,
				"%s is not an iSCSI record database (a gdbm file of another program?); %s",
				path, DB_MOVE_ASIDE);
	}
	if ((size_t)val.dsize != sizeof(RECDB_META_VALUE) - 1 ||
	    memcmp(val.dptr, RECDB_META_VALUE, (size_t)val.dsize)) {
		char shown[64];

		iscsi_escape(shown, sizeof(shown), val.dptr, (size_t)val.dsize);
		rc = rec_fail(err, REC_E_FOREIGN,
			      "%s has format '%s', this program reads '%s'; use the matching iscsiadm or %s",
			      path, shown, RECDB_META_VALUE, DB_MOVE_ASIDE);
	}
	free(val.dptr);
	return rc;
}

/* True when the file starts like a gdbm file (0x13579acX in either byte
 * order), so that a short or garbled gdbm file counts as damaged and
 * anything else as foreign. */
static bool gdbm_magic(int fd)
{
	unsigned char b[4];
	uint32_t le, be;

	if (pread(fd, b, sizeof(b), 0) != (ssize_t)sizeof(b))
		return false;
	le = (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
	be = (uint32_t)b[3] | (uint32_t)b[2] << 8 | (uint32_t)b[1] << 16 | (uint32_t)b[0] << 24;
	return (le & ~0xfu) == 0x13579ac0u || (be & ~0xfu) == 0x13579ac0u;
}

static int base_open(struct recdb *db, GDBM_FILE *out, struct rec_err *err)
{
	int fd = openat(db->dirfd, DB_FILE, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	GDBM_FILE g;

	*out = NULL;
	if (fd < 0) {
		if (errno == ENOENT)
			return 0;
		if (errno == ELOOP)
			return rec_fail(err, REC_E_PERM, "%s is a symbolic link; refusing to follow it",
					db->db_path);
		return db_io_fail(db->db_path, "open", err);
	}
	if (check_file(fd, db->db_path, err) < 0) {
		close(fd);
		return -1;
	}
	if (!gdbm_magic(fd)) {
		close(fd);
		return rec_fail(err, REC_E_FOREIGN,
				"%s is not an iSCSI record database (created by another program?); %s",
				db->db_path, DB_MOVE_ASIDE);
	}
	g = gdbm_fd_open(fd, db->db_path, 0,
			 GDBM_READER | GDBM_NOLOCK | GDBM_CLOERROR | GDBM_XVERIFY, NULL);
	if (!g) {
		if (gdbm_errno == GDBM_BAD_MAGIC_NUMBER)
			return rec_fail(err, REC_E_FOREIGN,
					"%s is not an iSCSI record database (created by another program?); %s",
					db->db_path, DB_MOVE_ASIDE);
		return db_damaged(db->db_path, err);
	}
	if (db_check_marker(g, db->db_path, err) < 0) {
		gdbm_close(g);
		return -1;
	}
	*out = g;
	return 0;
}

int db_sync_dir(struct recdb *db, struct rec_err *err)
{
	if (fsync(db->dirfd) < 0)
		return db_io_fail(db->dir, "fsync", err);
	return 0;
}

void db_forget_base(struct recdb *db)
{
	if (db->base)
		gdbm_close(db->base);
	db->base = NULL;
}

int view_open(struct recdb *db, bool exclusive, struct recdb_txn *v, struct rec_err *err)
{
	bool reloaded;

	memset(v, 0, sizeof(*v));
	v->db = db;
	v->exclusive = exclusive;
	v->log = &db->log;
	strmap_init(&v->pending);
	if (db_lock(db, exclusive ? LOCK_EX : LOCK_SH, err) < 0)
		return -1;
	if (redolog_refresh(db->logfd, db->log_path, &db->log, &db->st, &reloaded, err) < 0)
		goto fail;
	/* A new generation means another process compacted: new base file. */
	if (reloaded || !db->base || db->base_gen != db->st.gen) {
		db_forget_base(db);
		if (base_open(db, &db->base, err) < 0)
			goto fail;
		db->base_gen = db->st.gen;
	}
	v->base = db->base;
	return 0;
fail:
	db->st.loaded = 0;
	db_forget_base(db);
	db_unlock(db);
	return -1;
}

void view_close(struct recdb_txn *v)
{
	strmap_free(&v->pending);
	db_unlock(v->db);
}

int view_commit(struct recdb_txn *v, struct rec_err *err)
{
	struct recdb *db = v->db;
	const struct strmap_entry *e;
	struct rec_err cerr;
	size_t pos = 0;

	if (!v->exclusive)
		return rec_fail(err, REC_E_INTERNAL, "write through a read-only view");
	if (!v->pending.used)
		return 0;
	if (redolog_append(db->logfd, db->log_path, &db->st, &v->pending, err) < 0) {
		db->st.loaded = 0;
		return -1;
	}
	/* Durable from here on: later failures only cost a re-read or delay
	 * compaction. */
	while ((e = strmap_next(&v->pending, &pos)))
		if (strmap_set(&db->log, e->key, e->klen, e->val, e->vlen) < 0) {
			db->st.loaded = 0;
			break;
		}
	if (db->st.valid_end < db->compact_bytes || !db->st.loaded)
		return 0;
	if (db_compact(v, &cerr) < 0)
		log_warn("record database compaction failed (the change is saved): %s", cerr.msg);
	return 0;
}

int view_fetch(struct recdb_txn *v, const char *key, size_t klen, char **val, size_t *vlen,
	       struct rec_err *err)
{
	const struct strmap_entry *e = strmap_get(&v->pending, key, klen);
	datum k = { .dptr = (char *)key, .dsize = (int)klen }, d;

	*val = NULL;
	*vlen = 0;
	if (!e)
		e = strmap_get(v->log, key, klen);
	if (e) {
		if (!e->val)
			return 0;
		*val = malloc(e->vlen + 1);
		if (!*val)
			return rec_fail(err, REC_E_NOMEM, "out of memory reading a record");
		memcpy(*val, e->val, e->vlen);
		(*val)[e->vlen] = '\0';
		*vlen = e->vlen;
		return 0;
	}
	if (!v->base)
		return 0;
	d = gdbm_fetch(v->base, k);
	if (!d.dptr)
		return gdbm_errno == GDBM_ITEM_NOT_FOUND ? 0 : db_damaged(v->db->db_path, err);
	*val = d.dptr;
	*vlen = (size_t)d.dsize;
	return 0;
}

/* Guards against a damaged hash directory that cycles. */
#define MAX_BASE_KEYS 50000000u

int view_keys(struct recdb_txn *v, view_key_fn fn, void *arg, struct rec_err *err)
{
	const struct strmap_entry *e;
	size_t pos = 0, seen = 0;
	datum k;

	if (v->base) {
		k = gdbm_firstkey(v->base);
		while (k.dptr) {
			datum next;
			size_t klen = (size_t)k.dsize;
			bool mine = klen != sizeof(RECDB_META_KEY) - 1 ||
				    memcmp(k.dptr, RECDB_META_KEY, klen);

			if (mine && !strmap_get(&v->pending, k.dptr, klen) &&
			    !strmap_get(v->log, k.dptr, klen) && fn(k.dptr, klen, arg, err)) {
				free(k.dptr);
				return -1;
			}
			if (++seen > MAX_BASE_KEYS) {
				free(k.dptr);
				return rec_fail(err, REC_E_CORRUPT, "%s is damaged (endless key chain); %s",
						v->db->db_path, DB_MOVE_ASIDE);
			}
			next = gdbm_nextkey(v->base, k);
			free(k.dptr);
			k = next;
		}
		if (gdbm_errno != GDBM_ITEM_NOT_FOUND)
			return db_damaged(v->db->db_path, err);
	}
	while ((e = strmap_next(v->log, &pos)))
		if (e->val && !strmap_get(&v->pending, e->key, e->klen) &&
		    fn(e->key, e->klen, arg, err))
			return -1;
	pos = 0;
	while ((e = strmap_next(&v->pending, &pos)))
		if (e->val && fn(e->key, e->klen, arg, err))
			return -1;
	return 0;
}

/* Creates an empty base when there is none, so that a foreign or damaged
 * file is noticed at open and a fresh database has all of its files. */
static int ensure_base(struct recdb *db, struct rec_err *err)
{
	struct recdb_txn v;
	int rc = 0;

	/* The usual case needs only a shared lock, so opening the database
	 * to read never waits behind a writer longer than necessary. */
	if (view_open(db, false, &v, err) < 0)
		return -1;
	rc = v.base ? 1 : 0;
	view_close(&v);
	if (rc)
		return 0;
	if (view_open(db, true, &v, err) < 0)
		return -1;
	if (!v.base) {
		rc = db_write_base(&v, err);
		db_forget_base(db);
	}
	view_close(&v);
	return rc;
}

int recdb_open(const char *dir, struct recdb **out, struct rec_err *err)
{
	struct recdb *db = calloc(1, sizeof(*db));
	bool created = false;

	*out = NULL;
	if (!db)
		return rec_fail(err, REC_E_NOMEM, "out of memory opening the record database");
	db->dirfd = db->lockfd = db->logfd = -1;
	strmap_init(&db->log);
	db->timeout_ms = DEFAULT_LOCK_TIMEOUT_MS;
	db->compact_bytes = DEFAULT_COMPACT_BYTES;
	if (dir ? snprintf(db->dir, sizeof(db->dir), "%s", dir) >= (int)sizeof(db->dir)
		: iscsi_path(db->dir, sizeof(db->dir), ISCSI_DB_DIR) < 0) {
		rec_fail(err, REC_E_IO, "database directory path too long");
		goto fail;
	}
	snprintf(db->db_path, sizeof(db->db_path), "%s/%s", db->dir, DB_FILE);
	snprintf(db->log_path, sizeof(db->log_path), "%s/%s", db->dir, LOG_FILE);
	snprintf(db->lock_path, sizeof(db->lock_path), "%s/%s", db->dir, LOCK_FILE);
	if (open_dir(db, err) < 0)
		goto fail;
	db->lockfd = db_open_file(db, LOCK_FILE, db->lock_path, O_RDWR | O_CREAT, NULL, err);
	if (db->lockfd < 0)
		goto fail;
	db->logfd = db_open_file(db, LOG_FILE, db->log_path, O_RDWR | O_CREAT, &created, err);
	if (db->logfd < 0)
		goto fail;
	if (created && db_sync_dir(db, err) < 0)
		goto fail;
	if (ensure_base(db, err) < 0)
		goto fail;
	*out = db;
	return 0;
fail:
	recdb_close(db);
	return -1;
}

void recdb_close(struct recdb *db)
{
	if (!db)
		return;
	db_forget_base(db);
	strmap_free(&db->log);
	if (db->logfd >= 0)
		close(db->logfd);
	if (db->lockfd >= 0)
		close(db->lockfd);
	if (db->dirfd >= 0)
		close(db->dirfd);
	free(db);
}

const char *recdb_dir(const struct recdb *db)
{
	return db->dir;
}

void recdb_set_lock_timeout(struct recdb *db, int ms)
{
	db->timeout_ms = ms > 0 ? ms : DEFAULT_LOCK_TIMEOUT_MS;
}

void recdb_set_compact_threshold(struct recdb *db, size_t bytes)
{
	db->compact_bytes = bytes ? bytes : DEFAULT_COMPACT_BYTES;
}
