/* Attribute readers (kernel/sysfs_read.h) and the small lookups of
 * kernel/sysfs.h that the netlink client needs before any session exists:
 * the sysfs root, the transport's handle, whether iSCSI is loaded. */
#include "kernel/sysfs_read.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/errbuf.h"
#include "base/paths.h"
#include "kernel/sysfs.h"

int ksys_path(char *out, size_t size, const char *p)
{
	char rel[KSYS_PATH_MAX];
	int n = snprintf(rel, sizeof(rel), "%s%s", ISCSI_SYSFS_ROOT, p);

	if (n < 0 || (size_t)n >= sizeof(rel)) {
		if (size)
			out[0] = '\0';
		return -1;
	}
	return iscsi_path(out, size, rel);
}

int ksys_join(char *out, size_t size, const char *dir, const char *name)
{
	int n = snprintf(out, size, "%s/%s", dir, name);

	if (n < 0 || (size_t)n >= size) {
		if (size)
			out[0] = '\0';
		return -1;
	}
	return 0;
}

/* Reads at most KSYS_ATTR_MAX bytes of path; returns the length, or -1
 * when the file cannot be opened or read. sysfs hands out a value in one
 * read, but a short read is still followed up to EOF. */
static ssize_t read_bounded(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
	size_t len = 0;

	if (fd < 0)
		return -1;
	while (len < size) {
		ssize_t r = read(fd, buf + len, size - len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			close(fd);
			return -1;
		}
		if (r == 0)
			break;
		len += (size_t)r;
	}
	close(fd);
	return (ssize_t)len;
}

enum ksys_rd ksys_read_str(const char *dir, const char *name, char *out, size_t size)
{
	char path[KSYS_PATH_MAX];
	char buf[KSYS_ATTR_MAX + 1];
	ssize_t n;

	out[0] = '\0';
	if (ksys_join(path, sizeof(path), dir, name) < 0)
		return KSYS_RD_MISSING;
	n = read_bounded(path, buf, sizeof(buf));
	if (n < 0)
		return KSYS_RD_MISSING;
	/* A full extra byte means the file is longer than any attribute. */
	if ((size_t)n > KSYS_ATTR_MAX)
		return KSYS_RD_BAD;
	if (n > 0 && buf[n - 1] == '\n')
		n--;
	for (ssize_t i = 0; i < n; i++)
		if ((unsigned char)buf[i] < 0x20 || buf[i] == 0x7f)
			return KSYS_RD_BAD;
	buf[n] = '\0';
	if (!strcmp(buf, "(null)"))
		return KSYS_RD_OK;
	if ((size_t)n >= size)
		return KSYS_RD_BAD;
	memcpy(out, buf, (size_t)n + 1);
	return KSYS_RD_OK;
}

bool ksys_parse_long(const char *s, long lo, long hi, long *v)
{
	const char *p = s;
	bool neg = false;
	long acc = 0;

	if (*p == '-') {
		neg = true;
		p++;
	}
	if (!*p || (neg && lo >= 0))
		return false;
	for (; *p; p++) {
		if (*p < '0' || *p > '9')
			return false;
		int d = *p - '0';
		/* Accumulate negatively so LONG_MIN parses without overflow. */
		if (acc < (LONG_MIN + d) / 10)
			return false;
		acc = acc * 10 - d;
	}
	if (!neg) {
		if (acc == LONG_MIN)
			return false;
		acc = -acc;
	}
	if (acc < lo || acc > hi)
		return false;
	*v = acc;
	return true;
}

bool ksys_parse_u64(const char *s, uint64_t *v)
{
	uint64_t acc = 0;

	if (!*s)
		return false;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return false;
		unsigned d = (unsigned)(*s - '0');
		if (acc > (UINT64_MAX - d) / 10)
			return false;
		acc = acc * 10 + d;
	}
	*v = acc;
	return true;
}

enum ksys_rd ksys_read_long(const char *dir, const char *name, long lo, long hi, long *v)
{
	char buf[32];
	enum ksys_rd rd = ksys_read_str(dir, name, buf, sizeof(buf));

	if (rd != KSYS_RD_OK)
		return rd;
	return ksys_parse_long(buf, lo, hi, v) ? KSYS_RD_OK : KSYS_RD_BAD;
}

/* A transport name is one path component the kernel registered: short,
 * lower-case letters, digits, '_' and '-' ("tcp", "iser", "bnx2i"). */
static bool transport_name_ok(const char *t)
{
	size_t n = strlen(t);

	if (n == 0 || n >= KSYS_STR_MAX)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = t[i];
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-'))
			return false;
	}
	return true;
}

int ksys_transport_handle(const char *transport, uint64_t *handle, char *err, size_t errlen)
{
	char dir[KSYS_PATH_MAX], buf[32];
	struct stat st;

	if (!transport_name_ok(transport))
		return errbuf_set(err, errlen, "invalid transport name");
	int n = snprintf(dir, sizeof(dir), "/class/iscsi_transport/%s", transport);
	if (n < 0 || (size_t)n >= sizeof(dir) || ksys_path(dir, sizeof(dir), dir) < 0)
		return errbuf_set(err, errlen, "sysfs path too long (ISCSI_ROOT)");
	if (stat(dir, &st) < 0) {
		if (errno == ENOENT)
			return 1;
		return errbuf_set(err, errlen, "%s: %s", dir, strerror(errno));
	}
	switch (ksys_read_str(dir, "handle", buf, sizeof(buf))) {
	case KSYS_RD_OK:
		break;
	case KSYS_RD_MISSING:
		return errbuf_set(err, errlen, "%s/handle: cannot read it", dir);
	case KSYS_RD_BAD:
		return errbuf_set(err, errlen, "%s/handle: not a transport handle", dir);
	}
	uint64_t h;
	/* The handle is the kernel's address of the transport: never 0. */
	if (!ksys_parse_u64(buf, &h) || h == 0)
		return errbuf_set(err, errlen, "%s/handle: not a transport handle", dir);
	*handle = h;
	return 0;
}

bool ksys_iscsi_loaded(void)
{
	char path[KSYS_PATH_MAX];
	struct stat st;

	if (ksys_path(path, sizeof(path), "/class/iscsi_transport") < 0)
		return false;
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}
