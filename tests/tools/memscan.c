/* memscan: looks for a secret in another process's memory, to prove that a
 * process which must never hold a CHAP secret (a login or discovery
 * worker) indeed does not, and that one which does (the monitor, or a
 * test tool standing in for it) is found: a scan that finds nothing
 * proves little unless the same scan finds the secret where it is.
 *
 * Usage: memscan PID FILE
 * FILE's bytes are the needle; one trailing newline is dropped so that
 * `echo secret >FILE` works. Every region of /proc/PID/maps that is
 * readable is read through /proc/PID/mem in chunks that overlap by the
 * needle's length less one, so a match across a chunk boundary is found.
 * Regions the kernel refuses to read ([vvar], guard pages, device
 * mappings) are skipped and counted.
 *
 * Exits 0 printing "found at ADDR" at the first match, 1 printing
 * "not found (N bytes scanned, K regions unreadable)", 2 on an error
 * (no such process, no permission to read its memory, bad FILE). */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define CHUNK (1u << 20)
#define NEEDLE_MAX 4096

static int fail(const char *what, const char *detail)
{
	fprintf(stderr, "memscan: %s%s%s\n", what, detail ? ": " : "", detail ? detail : "");
	return 2;
}

static size_t read_needle(const char *path, uint8_t *out)
{
	FILE *f = fopen(path, "re");
	size_t n;

	if (!f)
		return 0;
	n = fread(out, 1, NEEDLE_MAX + 1, f);
	fclose(f);
	if (n && out[n - 1] == '\n')
		n--;
	return n <= NEEDLE_MAX ? n : 0;
}

static uint8_t buf[CHUNK + NEEDLE_MAX];

struct scan {
	int mem;
	const uint8_t *needle;
	size_t needle_len;
	uint64_t scanned;
	unsigned unreadable;
};

/* Scans [start, end); returns 1 with *at set on a match, 0 otherwise. */
static int scan_region(struct scan *s, uint64_t start, uint64_t end, uint64_t *at)
{
	size_t keep = 0;        /* bytes carried over from the last chunk */
	uint64_t pos = start;

	while (pos < end) {
		size_t want = end - pos < CHUNK ? (size_t)(end - pos) : CHUNK;
		ssize_t got = pread(s->mem, buf + keep, want, (off_t)pos);

		if (got <= 0) {
			/* The rest of this region cannot be read; go on with the
			 * next one (a partly readable region is still scanned). */
			s->unreadable++;
			return 0;
		}
		s->scanned += (uint64_t)got;
		size_t have = keep + (size_t)got;
		uint8_t *hit = memmem(buf, have, s->needle, s->needle_len);
		if (hit) {
			*at = pos - keep + (uint64_t)(hit - buf);
			return 1;
		}
		keep = s->needle_len - 1 < have ? s->needle_len - 1 : have;
		memmove(buf, buf + have - keep, keep);
		pos += (uint64_t)got;
	}
	return 0;
}

int main(int argc, char **argv)
{
	static uint8_t needle[NEEDLE_MAX + 1];
	char path[64], line[512];
	struct scan s = { .needle = needle };

	if (argc != 3)
		return fail("usage: memscan PID FILE", NULL);
	char *end;
	long pid = strtol(argv[1], &end, 10);
	if (*end || pid <= 0)
		return fail("not a process id", argv[1]);
	s.needle_len = read_needle(argv[2], needle);
	if (s.needle_len == 0)
		return fail("cannot read a needle of 1..4096 bytes from", argv[2]);

	snprintf(path, sizeof(path), "/proc/%ld/maps", pid);
	FILE *maps = fopen(path, "re");
	if (!maps)
		return fail(path, strerror(errno));
	snprintf(path, sizeof(path), "/proc/%ld/mem", pid);
	s.mem = open(path, O_RDONLY | O_CLOEXEC);
	if (s.mem < 0) {
		fclose(maps);
		return fail(path, strerror(errno));
	}

	int found = 0, regions = 0;
	uint64_t at = 0;
	while (!found && fgets(line, sizeof(line), maps)) {
		uint64_t lo, hi;
		char perms[8];

		if (sscanf(line, "%" SCNx64 "-%" SCNx64 " %7s", &lo, &hi, perms) != 3 || hi < lo) {
			fclose(maps);
			return fail("unexpected line in maps", line);
		}
		regions++;
		if (perms[0] != 'r')
			continue;
		found = scan_region(&s, lo, hi, &at);
	}
	fclose(maps);
	close(s.mem);
	if (regions == 0)
		return fail("no memory regions (process gone?)", argv[1]);
	if (s.scanned == 0)
		return fail("no region could be read (permission?)", argv[1]);
	if (found) {
		printf("found at 0x%" PRIx64 "\n", at);
		return 0;
	}
	printf("not found (%" PRIu64 " bytes scanned, %u regions unreadable)\n", s.scanned,
	       s.unreadable);
	return 1;
}
