/* memscan: looks for a secret in another process's memory, to prove that a
 * process which must never hold a CHAP secret (a login or discovery
 * worker) indeed does not, and that one which does (the monitor, or a
 * test tool standing in for it) is found: a scan that finds nothing
 * proves little unless the same scan finds the secret where it is.
 *
 * Usage: memscan PID FILE
 * FILE's bytes are the needle; one trailing newline is dropped so that
 * `echo secret >FILE` works.
 *
 * Only pages the process has in memory or in swap are read: reading an
 * untouched page of a mapping through /proc/PID/mem would make the kernel
 * allocate it, and a process built with AddressSanitizer reserves
 * terabytes (a first version of this tool had iscsid OOM-killed that
 * way). Those pages are found per region of /proc/PID/maps with the
 * PAGEMAP_SCAN ioctl (Linux 6.7) or, on older kernels, by reading
 * /proc/PID/pagemap (bits 63 present, 62 swapped), which is refused for
 * regions over 64 GiB as too slow. Runs of pages are read in chunks that
 * overlap by the needle's length less one, so a match across a chunk
 * boundary is found. Pages the kernel refuses to read are counted.
 *
 * Exits 0 printing "found at ADDR" at the first match, 1 printing
 * "not found (N bytes scanned, K ranges unreadable)", 2 on an error (no
 * such process, no permission to read its memory, bad FILE). */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#define CHUNK (1u << 20)
#define NEEDLE_MAX 4096
#define PAGE 4096u
#define FALLBACK_REGION_MAX (64ull << 30)

/* PAGEMAP_SCAN's interface (uapi linux/fs.h since 6.7; Debian 12's
 * headers predate it), as documented in PAGEMAP_SCAN(2const). */
struct scan_arg {
	uint64_t size, flags, start, end, walk_end, vec, vec_len, max_pages;
	uint64_t category_inverted, category_mask, category_anyof_mask, return_mask;
};
struct scan_region {
	uint64_t start, end, categories;
};
#define SCAN_IOCTL _IOWR('f', 16, struct scan_arg)
#define SCAN_PRESENT (1u << 3)
#define SCAN_SWAPPED (1u << 4)

static uint8_t buf[CHUNK + NEEDLE_MAX];

struct scan {
	int mem, pagemap;
	bool have_ioctl;
	const uint8_t *needle;
	size_t needle_len;
	uint64_t scanned;
	unsigned unreadable;
	uint64_t run_end;               /* end of the last range read */
	size_t keep;                    /* its last bytes, at the start of buf */
	bool found;
	uint64_t at;
};

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

/* Reads [lo, hi), pages known to be there, and searches it; bytes kept
 * from the range before join when it ends at lo. */
static void feed(struct scan *s, uint64_t lo, uint64_t hi)
{
	if (lo != s->run_end)
		s->keep = 0;
	while (lo < hi && !s->found) {
		size_t want = hi - lo < CHUNK ? (size_t)(hi - lo) : CHUNK;
		ssize_t got = pread(s->mem, buf + s->keep, want, (off_t)lo);

		if (got <= 0) {
			s->unreadable++;
			s->keep = 0;
			s->run_end = 0;
			return;
		}
		s->scanned += (uint64_t)got;
		size_t have = s->keep + (size_t)got;
		uint8_t *hit = memmem(buf, have, s->needle, s->needle_len);
		if (hit) {
			s->found = true;
			s->at = lo - s->keep + (uint64_t)(hit - buf);
			return;
		}
		s->keep = s->needle_len - 1 < have ? s->needle_len - 1 : have;
		memmove(buf, buf + have - s->keep, s->keep);
		lo += (uint64_t)got;
	}
	s->run_end = hi;
}

/* The resident or swapped runs of [lo, hi) by PAGEMAP_SCAN; -1 when the
 * kernel lacks it (before any run was fed). */
static int runs_by_ioctl(struct scan *s, uint64_t lo, uint64_t hi)
{
	struct scan_region regs[256];
	struct scan_arg a = {
		.size = sizeof(a), .start = lo, .end = hi,
		.vec = (uint64_t)(uintptr_t)regs, .vec_len = 256,
		.category_anyof_mask = SCAN_PRESENT | SCAN_SWAPPED,
		.return_mask = SCAN_PRESENT | SCAN_SWAPPED,
	};

	while (a.start < hi && !s->found) {
		long n = ioctl(s->pagemap, SCAN_IOCTL, &a);
		if (n < 0)
			return -1;
		for (long i = 0; i < n && !s->found; i++)
			feed(s, regs[i].start, regs[i].end);
		if (a.walk_end <= a.start)
			break;
		a.start = a.walk_end;
	}
	return 0;
}

/* The same from /proc/PID/pagemap entries, 8 bytes a page. */
static int runs_by_pagemap(struct scan *s, uint64_t lo, uint64_t hi)
{
	static uint64_t ent[4096];
	uint64_t run_lo = 0, run_hi = 0;

	if (hi - lo > FALLBACK_REGION_MAX)
		return -1;
	for (uint64_t page = lo; page < hi && !s->found;) {
		size_t n = (hi - page) / PAGE < 4096 ? (size_t)((hi - page) / PAGE) : 4096;
		ssize_t got = pread(s->pagemap, ent, n * 8, (off_t)(page / PAGE * 8));
		if (got <= 0)
			return -1;
		n = (size_t)got / 8;
		for (size_t i = 0; i < n; i++, page += PAGE) {
			if (ent[i] >> 62) {
				if (run_hi != page)
					run_lo = page;
				run_hi = page + PAGE;
				continue;
			}
			if (run_hi > run_lo)
				feed(s, run_lo, run_hi);
			run_lo = run_hi = 0;
		}
	}
	if (run_hi > run_lo && !s->found)
		feed(s, run_lo, run_hi);
	return 0;
}

int main(int argc, char **argv)
{
	static uint8_t needle[NEEDLE_MAX + 1];
	char path[64], line[512];
	struct scan s = { .needle = needle, .have_ioctl = true };

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
	snprintf(path, sizeof(path), "/proc/%ld/pagemap", pid);
	s.pagemap = open(path, O_RDONLY | O_CLOEXEC);
	if (s.mem < 0 || s.pagemap < 0) {
		fclose(maps);
		return fail(path, strerror(errno));
	}

	int regions = 0, rc = 0;
	while (!s.found && rc == 0 && fgets(line, sizeof(line), maps)) {
		uint64_t lo, hi;
		char perms[8];

		if (sscanf(line, "%" SCNx64 "-%" SCNx64 " %7s", &lo, &hi, perms) != 3 || hi < lo) {
			rc = fail("unexpected line in maps", line);
			break;
		}
		regions++;
		if (perms[0] != 'r')
			continue;
		if (s.have_ioctl && runs_by_ioctl(&s, lo, hi) < 0) {
			if (s.scanned || (errno != ENOTTY && errno != EINVAL)) {
				rc = fail("PAGEMAP_SCAN", strerror(errno));
				break;
			}
			s.have_ioctl = false;
		}
		if (!s.have_ioctl && runs_by_pagemap(&s, lo, hi) < 0)
			rc = fail("cannot list the pages of a region (too large without PAGEMAP_SCAN, "
				  "or pagemap unreadable)", line);
	}
	fclose(maps);
	close(s.mem);
	close(s.pagemap);
	if (rc)
		return rc;
	if (regions == 0)
		return fail("no memory regions (process gone?)", argv[1]);
	if (s.found) {
		printf("found at 0x%" PRIx64 "\n", s.at);
		return 0;
	}
	if (s.scanned == 0)
		return fail("no page could be read (permission? process gone?)", argv[1]);
	printf("not found (%" PRIu64 " bytes scanned, %u ranges unreadable)\n", s.scanned,
	       s.unreadable);
	return 1;
}
