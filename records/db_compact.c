/* Compaction: folding the redo log into a new base file (the design and
 * its crash-safety argument are at the top of records/db.c). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "records/db_view.h"

static int store(GDBM_FILE g, const char *k, size_t klen, const char *v, size_t vlen,
		 const char *path, struct rec_err *err)
{
	datum key = { .dptr = (char *)k, .dsize = (int)klen };
	datum val = { .dptr = (char *)v, .dsize = (int)vlen };

	if (gdbm_store(g, key, val, GDBM_REPLACE) != 0)
		return rec_fail(err, REC_E_IO, "%s: cannot store a record: %s", path,
				gdbm_strerror(gdbm_errno));
	return 0;
}

struct copy_ctx {
	struct recdb_txn *v;
	GDBM_FILE out;
	char tmp_path[PATH_MAX + 16];
};

static int copy_one(const char *key, size_t klen, void *arg, struct rec_err *err)
{
	struct copy_ctx *c = arg;
	char *val;
	size_t vlen;
	int rc;

	if (view_fetch(c->v, key, klen, &val, &vlen, err) < 0)
		return -1;
	if (!val)
		return 0;
	rc = store(c->out, key, klen, val, vlen, c->tmp_path, err);
	free(val);
	return rc;
}

/* Writes the view's live content (base + log + pending) as a new base and
 * renames it into place. The log still holds everything on return; the
 * caller empties it. */
int db_write_base(struct recdb_txn *v, struct rec_err *err)
{
	struct recdb *db = v->db;
	struct copy_ctx c = { .v = v };
	int fd, rc;

	snprintf(c.tmp_path, sizeof(c.tmp_path), "%s/%s", db->dir, TMP_FILE);
	if (unlinkat(db->dirfd, TMP_FILE, 0) < 0 && errno != ENOENT)
		return db_io_fail(c.tmp_path, "unlink", err);
	fd = db_open_file(db, TMP_FILE, c.tmp_path, O_RDWR | O_CREAT | O_EXCL, NULL, err);
	if (fd < 0)
		return errno == EEXIST ? db_io_fail(c.tmp_path, "create", err) : -1;
	c.out = gdbm_fd_open(fd, c.tmp_path, 0,
			     GDBM_NEWDB | GDBM_NOLOCK | GDBM_NOMMAP | GDBM_CLOERROR, NULL);
	if (!c.out)
		return rec_fail(err, REC_E_IO, "%s: cannot create: %s", c.tmp_path,
				gdbm_strerror(gdbm_errno));
	rc = store(c.out, RECDB_META_KEY, sizeof(RECDB_META_KEY) - 1, RECDB_META_VALUE,
		   sizeof(RECDB_META_VALUE) - 1, c.tmp_path, err);
	if (!rc)
		rc = view_keys(v, copy_one, &c, err);
	if (!rc && (gdbm_sync(c.out) != 0 || fsync(gdbm_fdesc(c.out)) < 0))
		rc = db_io_fail(c.tmp_path, "fsync", err);
	if (gdbm_close(c.out) != 0 && !rc)
		rc = db_io_fail(c.tmp_path, "close", err);
	if (!rc && renameat(db->dirfd, TMP_FILE, db->dirfd, DB_FILE) < 0)
		rc = db_io_fail(db->db_path, "rename", err);
	if (rc) {
		unlinkat(db->dirfd, TMP_FILE, 0);
		return -1;
	}
	return db_sync_dir(db, err);
}

static int copy_bytes(int in, int out, const char *path, struct rec_err *err)
{
	char buf[65536];
	ssize_t n;

	for (;;) {
		n = copy_file_range(in, NULL, out, NULL, 1 << 30, 0);
		if (n > 0)
			continue;
		if (n == 0)
			return 0;
		if (errno == EINTR)
			continue;
		if (errno != EXDEV && errno != ENOSYS && errno != EINVAL && errno != EOPNOTSUPP)
			return db_io_fail(path, "copy", err);
		break;
	}
	/* No in-kernel copy here: plain read/write. */
	while ((n = read(in, buf, sizeof(buf))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 || write(out, buf, (size_t)n) != n)
			return db_io_fail(path, "copy", err);
	}
	return 0;
}

static int fold_entry(GDBM_FILE g, const struct strmap_entry *e, const char *path,
		      struct rec_err *err)
{
	datum key = { .dptr = e->key, .dsize = (int)e->klen };

	if (e->val)
		return store(g, e->key, e->klen, e->val, e->vlen, path, err);
	if (gdbm_delete(g, key) != 0 && gdbm_errno != GDBM_ITEM_NOT_FOUND)
		return rec_fail(err, REC_E_IO, "%s: cannot delete a record: %s", path,
				gdbm_strerror(gdbm_errno));
	return 0;
}

/* Compaction proper: copies the base into records.db.tmp in one go
 * (copy_file_range), applies the log's changes to the copy with gdbm,
 * fsyncs it and renames it over the base. The cost is one sequential copy
 * plus one gdbm operation per changed record, instead of one per record
 * for a rewrite. The base itself is never written. */
static int fold_log(struct recdb_txn *v, struct rec_err *err)
{
	struct recdb *db = v->db;
	const struct strmap_entry *e;
	char tmp_path[PATH_MAX + 16];
	size_t pos = 0;
	GDBM_FILE g;
	int in, fd, rc;

	snprintf(tmp_path, sizeof(tmp_path), "%s/%s", db->dir, TMP_FILE);
	if (unlinkat(db->dirfd, TMP_FILE, 0) < 0 && errno != ENOENT)
		return db_io_fail(tmp_path, "unlink", err);
	in = db_open_file(db, DB_FILE, db->db_path, O_RDONLY, NULL, err);
	if (in < 0)
		return -1;
	fd = db_open_file(db, TMP_FILE, tmp_path, O_RDWR | O_CREAT | O_EXCL, NULL, err);
	if (fd < 0) {
		close(in);
		return errno == EEXIST ? db_io_fail(tmp_path, "create", err) : -1;
	}
	rc = copy_bytes(in, fd, tmp_path, err);
	close(in);
	if (rc == 0 && lseek(fd, 0, SEEK_SET) < 0)
		rc = db_io_fail(tmp_path, "seek", err);
	if (rc < 0) {
		close(fd);
		unlinkat(db->dirfd, TMP_FILE, 0);
		return -1;
	}
	g = gdbm_fd_open(fd, tmp_path, 0, GDBM_WRITER | GDBM_NOLOCK | GDBM_NOMMAP | GDBM_CLOERROR,
			 NULL);
	if (!g) {
		unlinkat(db->dirfd, TMP_FILE, 0);
		return db_damaged(db->db_path, err);
	}
	rc = db_check_marker(g, db->db_path, err);
	while (!rc && (e = strmap_next(&db->log, &pos)))
		rc = fold_entry(g, e, tmp_path, err);
	if (!rc && (gdbm_sync(g) != 0 || fsync(gdbm_fdesc(g)) < 0))
		rc = db_io_fail(tmp_path, "fsync", err);
	if (gdbm_close(g) != 0 && !rc)
		rc = db_io_fail(tmp_path, "close", err);
	if (!rc && renameat(db->dirfd, TMP_FILE, db->dirfd, DB_FILE) < 0)
		rc = db_io_fail(db->db_path, "rename", err);
	if (rc) {
		unlinkat(db->dirfd, TMP_FILE, 0);
		return -1;
	}
	return db_sync_dir(db, err);
}

int db_compact(struct recdb_txn *v, struct rec_err *err)
{
	struct recdb *db = v->db;
	int rc = v->base ? fold_log(v, err) : db_write_base(v, err);

	/* Whatever happened, the cached base may no longer be the file's. */
	db_forget_base(db);
	v->base = NULL;
	if (rc == 0)
		rc = redolog_reset(db->logfd, db->log_path, &db->st, err);
	if (rc == 0) {
		strmap_free(&db->log);
		strmap_init(&db->log);
	} else {
		db->st.loaded = 0;
	}
	return rc;
}

