/* Redo log format, version 1 (all integers big-endian):
 *
 *   header   "ISCSIRLG" u32 version (1) u32 generation          16 bytes
 *   entry    u32 len | u32 crc | payload[len]
 *            crc = CRC32C over the 4 len bytes and the payload
 *   payload  ops: u8 op (1 put, 2 delete) | u32 klen | key
 *                 [put: u32 vlen | value]
 *
 * An entry is written with one pwrite() and made durable with
 * fdatasync() before the write is reported done. A writer killed during
 * that pwrite leaves a short or unsynced tail: the entry then either
 * reaches past the end of the file, or ends exactly at the end with a bad
 * CRC, or the tail is all zeros. Those are "torn": ignored by readers and
 * cut off by the next writer. A bad entry with valid data after it cannot
 * come from a killed writer and is reported as damage instead of being
 * silently dropped together with the acknowledged entries behind it.
 *
 * The generation grows by one whenever the log is emptied (after
 * compaction), so a process that keeps the log's content in memory reads
 * only what was appended since, and notices when the base was replaced. */
#include "records/redolog.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/bytes.h"
#include "proto/crc32c.h"

#define OP_PUT 1
#define OP_DEL 2
#define KEY_MAX 1024
#define VAL_MAX (1u << 20)

static const char magic[8] = { 'I', 'S', 'C', 'S', 'I', 'R', 'L', 'G' };

static int io_fail(const char *path, const char *what, struct rec_err *err)
{
	return rec_fail(err, REC_E_IO, "%s: %s failed: %s", path, what, strerror(errno));
}

static int damaged(const char *path, size_t off, const char *why, struct rec_err *err)
{
	return rec_fail(err, REC_E_CORRUPT,
			"%s is damaged at byte %zu (%s); move it aside and re-run discovery",
			path, off, why);
}

/* Reads bytes [from, to) of the log. */
static int read_range(int fd, const char *path, size_t from, size_t to, unsigned char **buf,
		      struct rec_err *err)
{
	size_t got = 0, len = to - from;

	*buf = malloc(len + 1);
	if (!*buf)
		return rec_fail(err, REC_E_NOMEM, "out of memory reading %s", path);
	while (got < len) {
		ssize_t n = pread(fd, *buf + got, len - got, (off_t)(from + got));

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			free(*buf);
			*buf = NULL;
			return n < 0 ? io_fail(path, "read", err)
				     : damaged(path, from + got, "file shrank while read", err);
		}
		got += (size_t)n;
	}
	return 0;
}

static bool all_zero(const unsigned char *p, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (p[i])
			return false;
	return true;
}

/* Applies one verified payload to map. */
static int apply(const unsigned char *p, size_t len, struct strmap *map, const char *path,
		 size_t off, struct rec_err *err)
{
	size_t i = 0;

	while (i < len) {
		unsigned op;
		uint32_t klen, vlen = 0;
		const unsigned char *key, *val = NULL;

		if (len - i < 5)
			return damaged(path, off + i, "truncated operation", err);
		op = p[i];
		klen = get_be32(p + i + 1);
		i += 5;
		if ((op != OP_PUT && op != OP_DEL) || !klen || klen > KEY_MAX || klen > len - i)
			return damaged(path, off + i, "bad operation", err);
		key = p + i;
		i += klen;
		if (op == OP_PUT) {
			if (len - i < 4)
				return damaged(path, off + i, "truncated value", err);
			vlen = get_be32(p + i);
			i += 4;
			if (vlen > VAL_MAX || vlen > len - i)
				return damaged(path, off + i, "bad value length", err);
			val = p + i;
			i += vlen;
		}
		if (strmap_set(map, (const char *)key, klen, op == OP_PUT ? (const char *)(val ? val : key) : NULL,
			       vlen) < 0)
			return rec_fail(err, REC_E_NOMEM, "out of memory reading %s", path);
	}
	return 0;
}

static int foreign(const char *path, struct rec_err *err)
{
	return rec_fail(err, REC_E_FOREIGN,
			"%s is not an iSCSI record database log (created by another program?); move it aside and re-run discovery",
			path);
}

/* Applies the entries in buf, which holds the log bytes from offset
 * `from` to the end of the file, and sets st->valid_end. */
static int parse_entries(const unsigned char *buf, size_t from, size_t len, struct strmap *map,
			 struct redolog_state *st, const char *path, struct rec_err *err)
{
	size_t off = 0;

	while (off < len) {
		size_t rest = len - off;
		uint32_t plen, crc;

		if (all_zero(buf + off, rest))
			break;                      /* torn: never-written blocks */
		if (rest < 8)
			break;                      /* torn: partial entry header */
		plen = get_be32(buf + off);
		crc = get_be32(buf + off + 4);
		if (plen > rest - 8)
			break;                      /* torn: entry runs past the end */
		if (crc32c_final(crc32c_update(crc32c_update(CRC32C_INIT, buf + off, 4),
					       buf + off + 8, plen)) != crc) {
			if (plen == rest - 8)
				break;              /* torn: last entry, unsynced data */
			return damaged(path, from + off, "checksum mismatch", err);
		}
		if (apply(buf + off + 8, plen, map, path, from + off + 8, err) < 0)
			return -1;
		off += 8 + plen;
		st->entries++;
	}
	st->valid_end = from + off;
	return 0;
}

int redolog_refresh(int fd, const char *path, struct strmap *map, struct redolog_state *st,
		    bool *reloaded, struct rec_err *err)
{
	unsigned char *buf = NULL, h[REDOLOG_HEADER_LEN];
	struct stat sb;
	size_t size, from;
	uint32_t gen;
	int rc;

	*reloaded = false;
	if (fstat(fd, &sb) < 0) {
		st->loaded = 0;
		return io_fail(path, "stat", err);
	}
	size = (size_t)sb.st_size;
	if (size > REDOLOG_MAX_SIZE) {
		st->loaded = 0;
		return damaged(path, REDOLOG_MAX_SIZE, "log larger than any the database writes", err);
	}
	if (size < REDOLOG_HEADER_LEN) {
		/* Only a writer killed while creating the log leaves this. */
		if (size && pread(fd, h, size, 0) == (ssize_t)size &&
		    memcmp(h, magic, size < 8 ? size : 8) && !all_zero(h, size)) {
			st->loaded = 0;
			return foreign(path, err);
		}
		strmap_free(map);
		memset(st, 0, sizeof(*st));
		st->loaded = 1;
		st->needs_header = 1;
		st->file_size = size;
		*reloaded = true;
		return 0;
	}
	if (pread(fd, h, sizeof(h), 0) != (ssize_t)sizeof(h)) {
		st->loaded = 0;
		return io_fail(path, "read", err);
	}
	if (memcmp(h, magic, 8)) {
		st->loaded = 0;
		return foreign(path, err);
	}
	if (get_be32(h + 8) != 1) {
		st->loaded = 0;
		return rec_fail(err, REC_E_FOREIGN,
				"%s has log format version %u, this program knows 1; use the matching iscsiadm or move it aside",
				path, get_be32(h + 8));
	}
	gen = get_be32(h + 12);
	if (st->loaded && !st->needs_header && st->gen == gen && size >= st->valid_end) {
		from = st->valid_end;
	} else {
		strmap_free(map);
		memset(st, 0, sizeof(*st));
		from = REDOLOG_HEADER_LEN;
		*reloaded = true;
	}
	st->loaded = 0;
	if (read_range(fd, path, from, size, &buf, err) < 0)
		return -1;
	rc = parse_entries(buf, from, size - from, map, st, path, err);
	free(buf);
	if (rc < 0)
		return -1;
	st->gen = gen;
	st->file_size = size;
	st->needs_header = 0;
	st->loaded = 1;
	return 0;
}

static int write_all(int fd, const unsigned char *p, size_t len, off_t at, const char *path,
		     struct rec_err *err)
{
	while (len) {
		ssize_t n = pwrite(fd, p, len, at);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return io_fail(path, "write", err);
		p += n;
		len -= (size_t)n;
		at += n;
	}
	return 0;
}

static int write_header(int fd, const char *path, struct redolog_state *st, uint32_t gen,
			struct rec_err *err)
{
	unsigned char h[REDOLOG_HEADER_LEN] = { 0 };

	memcpy(h, magic, 8);
	put_be32(h + 8, 1);
	put_be32(h + 12, gen);
	if (ftruncate(fd, 0) < 0)
		return io_fail(path, "truncate", err);
	if (write_all(fd, h, sizeof(h), 0, path, err) < 0)
		return -1;
	st->file_size = st->valid_end = REDOLOG_HEADER_LEN;
	st->entries = 0;
	st->needs_header = 0;
	st->gen = gen;
	return 0;
}

int redolog_reset(int fd, const char *path, struct redolog_state *st, struct rec_err *err)
{
	if (write_header(fd, path, st, st->gen + 1, err) < 0)
		return -1;
	if (fdatasync(fd) < 0)
		return io_fail(path, "fdatasync", err);
	return 0;
}

int redolog_append(int fd, const char *path, struct redolog_state *st,
		   const struct strmap *ops, struct rec_err *err)
{
	const struct strmap_entry *e;
	unsigned char *buf, *p;
	size_t pos = 0, size = 8;
	int rc;

	while ((e = strmap_next(ops, &pos)))
		size += 5 + e->klen + (e->val ? 4 + e->vlen : 0);
	if (size - 8 > UINT32_MAX || size > REDOLOG_MAX_SIZE / 2)
		return rec_fail(err, REC_E_TOO_LONG, "transaction too large for %s", path);
	buf = malloc(size);
	if (!buf)
		return rec_fail(err, REC_E_NOMEM, "out of memory writing %s", path);
	p = buf + 8;
	pos = 0;
	while ((e = strmap_next(ops, &pos))) {
		*p = e->val ? OP_PUT : OP_DEL;
		put_be32(p + 1, (uint32_t)e->klen);
		memcpy(p + 5, e->key, e->klen);
		p += 5 + e->klen;
		if (e->val) {
			put_be32(p, (uint32_t)e->vlen);
			memcpy(p + 4, e->val, e->vlen);
			p += 4 + e->vlen;
		}
	}
	put_be32(buf, (uint32_t)(size - 8));
	put_be32(buf + 4, crc32c_final(crc32c_update(crc32c_update(CRC32C_INIT, buf, 4),
						     buf + 8, size - 8)));

	rc = 0;
	if (st->needs_header)
		rc = write_header(fd, path, st, st->gen, err);
	else if (st->file_size > st->valid_end && ftruncate(fd, (off_t)st->valid_end) < 0)
		rc = io_fail(path, "truncate", err);
	if (!rc)
		rc = write_all(fd, buf, size, (off_t)st->valid_end, path, err);
	free(buf);
	if (rc)
		return -1;
	if (fdatasync(fd) < 0)
		return io_fail(path, "fdatasync", err);
	st->valid_end += size;
	st->file_size = st->valid_end;
	st->entries++;
	return 0;
}
