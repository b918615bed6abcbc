/* Bounded, checked reads of single sysfs attributes, shared by the
 * kernel/sysfs*.c files (not a public API: kernel/sysfs.h is).
 *
 * A sysfs attribute is at most one page of kernel-written text ending in
 * one newline. These readers take at most KSYS_ATTR_MAX bytes, strip
 * that newline, and refuse anything else a kernel would not write
 * (control characters, NUL bytes, a value longer than the caller's
 * buffer), so a caller never sees a half value. */
#ifndef KERNEL_SYSFS_READ_H
#define KERNEL_SYSFS_READ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define KSYS_ATTR_MAX 4096      /* one page: the most sysfs ever returns */
#define KSYS_PATH_MAX 512

enum ksys_rd {
	KSYS_RD_OK = 0,
	KSYS_RD_MISSING,        /* no such attribute (or not readable) */
	KSYS_RD_BAD,            /* read, but not a clean value that fits */
};

/* dir + "/" + name as one path; -1 when it does not fit. */
int ksys_join(char *out, size_t size, const char *dir, const char *name);

/* The attribute dir/name as text into out (size > 0). On anything but
 * KSYS_RD_OK out is "". "(null)", which the kernel prints for a string
 * parameter nobody set, reads as "" with KSYS_RD_OK. */
enum ksys_rd ksys_read_str(const char *dir, const char *name, char *out, size_t size);

/* As ksys_read_str() for a decimal integer within [lo, hi] (a leading
 * '-' only when lo < 0); *v is untouched unless KSYS_RD_OK. */
enum ksys_rd ksys_read_long(const char *dir, const char *name, long lo, long hi, long *v);

/* Strict decimal parse of the whole of s within [lo, hi]. */
bool ksys_parse_long(const char *s, long lo, long hi, long *v);
bool ksys_parse_u64(const char *s, uint64_t *v);

#endif
