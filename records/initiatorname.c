/* initiatorname.iscsi and the generation of new initiator names. */
#include "records/initiatorname.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/paths.h"

#define FILE_MAX_SIZE 65536

static int bad_line(const char *file, unsigned line, const char *why, struct rec_err *err)
{
	return rec_fail(err, REC_E_CONFIG, "%s:%u: %s", file, line, why);
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

static int take(const char *file, unsigned line, const char *key, const char *value,
		struct initiator_name *out, bool *seen_name, bool *seen_alias, struct rec_err *err)
{
	struct iscsi_name_result res;
	char why[REC_ERR_MSG_MAX - 64];

	if (!strcmp(key, "InitiatorName")) {
		if (*seen_name)
			return bad_line(file, line, "InitiatorName given twice", err);
		*seen_name = true;
		if (iscsi_name_check(value, 0, &res) != NAME_OK) {
			iscsi_name_describe(why, sizeof(why), "InitiatorName", value, &res);
			return bad_line(file, line, why, err);
		}
		snprintf(out->name, sizeof(out->name), "%s", value);
		return 0;
	}
	if (!strcmp(key, "InitiatorAlias")) {
		if (*seen_alias)
			return bad_line(file, line, "InitiatorAlias given twice", err);
		*seen_alias = true;
		if (iscsi_alias_check(value, &res) != NAME_OK) {
			iscsi_name_describe(why, sizeof(why), "InitiatorAlias", value, &res);
			return bad_line(file, line, why, err);
		}
		snprintf(out->alias, sizeof(out->alias), "%s", value);
		return 0;
	}
	iscsi_escape(why, 64, key, strlen(key));
	return rec_fail(err, REC_E_CONFIG,
			"%s:%u: unknown key '%s' (expected InitiatorName or InitiatorAlias)", file, line,
			why);
}

int initiatorname_parse(const char *file, const char *text, size_t len,
			struct initiator_name *out, struct rec_err *err)
{
	bool seen_name = false, seen_alias = false;
	char line[1024];
	unsigned lineno = 0;
	size_t pos = 0;

	memset(out, 0, sizeof(*out));
	if (memchr(text, '\0', len))
		return rec_fail(err, REC_E_CONFIG, "%s: contains a NUL byte; is it a text file?", file);
	while (pos < len) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t l = nl ? (size_t)(nl - (text + pos)) : len - pos;
		char *k, *eq, *end, *v;

		lineno++;
		if (l >= sizeof(line))
			return bad_line(file, lineno, "line too long", err);
		memcpy(line, text + pos, l);
		line[l] = '\0';
		pos += l + (nl ? 1 : 0);
		for (k = line; is_space(*k); k++)
			;
		if (!*k || *k == '#')
			continue;
		end = k + strlen(k);
		while (end > k && is_space(end[-1]))
			*--end = '\0';
		eq = strchr(k, '=');
		if (!eq)
			return bad_line(file, lineno, "expected 'InitiatorName=<iSCSI name>'", err);
		*eq = '\0';
		for (end = eq; end > k && is_space(end[-1]);)
			*--end = '\0';
		for (v = eq + 1; is_space(*v); v++)
			;
		if (take(file, lineno, k, v, out, &seen_name, &seen_alias, err) < 0)
			return -1;
	}
	if (!seen_name)
		return rec_fail(err, REC_E_CONFIG,
				"%s: no InitiatorName= line; add one (iscsi-iname prints a new name)", file);
	return 0;
}

int initiatorname_read(const char *path, struct initiator_name *out, struct rec_err *err)
{
	char def[4096], buf[FILE_MAX_SIZE + 1];
	size_t got = 0;
	ssize_t n;
	int fd;

	if (!path) {
		if (iscsi_path(def, sizeof(def), INITIATORNAME_PATH) < 0)
			return rec_fail(err, REC_E_IO, "initiator name path too long");
		path = def;
	}
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT)
			return rec_fail(err, REC_E_NOT_FOUND,
					"%s does not exist; create it with 'echo InitiatorName=$(iscsi-iname) > %s'",
					path, path);
		return rec_fail(err, REC_E_IO, "%s: cannot open: %s", path, strerror(errno));
	}
	while (got < sizeof(buf) && (n = read(fd, buf + got, sizeof(buf) - got)) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			close(fd);
			return rec_fail(err, REC_E_IO, "%s: read failed: %s", path, strerror(errno));
		}
		got += (size_t)n;
	}
	close(fd);
	if (got > FILE_MAX_SIZE)
		return rec_fail(err, REC_E_CONFIG, "%s: larger than %d bytes", path, FILE_MAX_SIZE);
	return initiatorname_parse(path, buf, got, out, err);
}

int initiatorname_generate(const char *prefix, char *out, size_t size, struct rec_err *err)
{
	struct iscsi_name_result res;
	unsigned char rnd[6];
	char why[REC_ERR_MSG_MAX - 32];
	size_t got = 0;
	int n;

	if (!prefix)
		prefix = INAME_DEFAULT_PREFIX;
	if (strlen(prefix) > INAME_PREFIX_MAX)
		return rec_fail(err, REC_E_BAD_NAME, "prefix longer than %d bytes", INAME_PREFIX_MAX);
	while (got < sizeof(rnd)) {
		ssize_t r = getrandom(rnd + got, sizeof(rnd) - got, 0);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return rec_fail(err, REC_E_IO, "getrandom failed: %s", strerror(errno));
		got += (size_t)r;
	}
	n = snprintf(out, size, "%s:%02x%02x%02x%02x%02x%02x", prefix, rnd[0], rnd[1], rnd[2],
		     rnd[3], rnd[4], rnd[5]);
	if (n < 0 || (size_t)n >= size)
		return rec_fail(err, REC_E_TOO_LONG, "generated name does not fit");
	if (iscsi_name_check(out, 0, &res) != NAME_OK) {
		iscsi_name_describe(why, sizeof(why), "prefix", prefix, &res);
		out[0] = '\0';
		return rec_fail(err, REC_E_BAD_NAME, "%s", why);
	}
	return 0;
}

int initiatorname_create(const char *path, const char *name, struct rec_err *err)
{
	char tmp[4200], text[ISCSI_NAME_MAX + 32];
	int fd, len, rc = 0;

	if (iscsi_name_check(name, 0, NULL) != NAME_OK)
		return rec_fail(err, REC_E_BAD_NAME, "refusing to write an invalid InitiatorName");
	if (snprintf(tmp, sizeof(tmp), "%s.new.%d", path, (int)getpid()) >= (int)sizeof(tmp))
		return rec_fail(err, REC_E_IO, "path too long: %s", path);
	if (access(path, F_OK) == 0)
		return rec_fail(err, REC_E_EXISTS, "%s already exists; not replacing it", path);
	len = snprintf(text, sizeof(text), "InitiatorName=%s\n", name);
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd < 0)
		return rec_fail(err, REC_E_IO, "%s: cannot create: %s", tmp, strerror(errno));
	if (write(fd, text, (size_t)len) != len || fsync(fd) < 0)
		rc = rec_fail(err, REC_E_IO, "%s: write failed: %s", tmp, strerror(errno));
	close(fd);
	/* link() fails when path appeared meanwhile: never replaces a name. */
	if (!rc && link(tmp, path) < 0)
		rc = errno == EEXIST
			? rec_fail(err, REC_E_EXISTS, "%s already exists; not replacing it", path)
			: rec_fail(err, REC_E_IO, "%s: cannot create: %s", path, strerror(errno));
	unlink(tmp);
	return rc;
}
