/* iscsid.conf: the defaults of new records and iscsid's own settings. */
#include "records/config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/log.h"
#include "base/paths.h"
#include "proto/names.h"

#define LINE_MAX_LEN 4095
#define CONF_MAX_SIZE (1u << 20)

int iscsid_conf_init(struct iscsid_conf *conf, struct rec_err *err)
{
	memset(conf, 0, sizeof(*conf));
	conf->node = rec_new(REC_NODE);
	conf->discovery = rec_new(REC_DISCOVERY_ST);
	conf->iscsid = rec_new(REC_ISCSID);
	if (!conf->node || !conf->discovery || !conf->iscsid) {
		iscsid_conf_free(conf);
		return rec_fail(err, REC_E_NOMEM, "out of memory loading iscsid.conf");
	}
	return 0;
}

void iscsid_conf_free(struct iscsid_conf *conf)
{
	rec_free(conf->node);
	rec_free(conf->discovery);
	rec_free(conf->iscsid);
	conf->node = conf->discovery = conf->iscsid = NULL;
}

static void warn(struct iscsid_conf *conf, const char *name, unsigned line, const char *key,
		 size_t klen)
{
	char shown[96];

	iscsi_escape(shown, sizeof(shown), key, klen);
	snprintf(conf->last_warning, sizeof(conf->last_warning), "%s:%u: unknown key '%s' ignored",
		 name, line, shown);
	log_warn("%s", conf->last_warning);
	conf->warnings++;
}

static int line_error(const char *name, unsigned line, const struct rec_err *inner,
		      struct rec_err *err)
{
	return rec_fail(err, inner->status == REC_E_NOMEM ? REC_E_NOMEM : REC_E_CONFIG,
			"%s:%u: %s", name, line, inner->msg);
}

/* Sets key in every record kind that takes it from iscsid.conf. Returns
 * 1 when it was set somewhere, 0 when no kind takes it, -1 on a bad value. */
static int apply(struct iscsid_conf *conf, const char *key, const char *value,
		 struct rec_err *inner)
{
	struct rec *targets[] = { conf->node, conf->discovery, conf->iscsid };
	int used = 0;

	for (size_t i = 0; i < sizeof(targets) / sizeof(targets[0]); i++) {
		const struct rec_field *f = rec_field_find(rec_kind_of(targets[i]), key);

		if (!f || !(f->flags & RF_CONF))
			continue;
		if (rec_set(targets[i], key, value, inner) < 0)
			return -1;
		used = 1;
	}
	return used;
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

static int parse_line(struct iscsid_conf *conf, const char *name, unsigned lineno, char *line,
		      struct rec_err *err)
{
	struct rec_err inner = { 0 };
	char *key = line, *eq, *value, *end;
	int rc;

	while (is_space(*key))
		key++;
	if (!*key || *key == '#')
		return 0;
	eq = strchr(key, '=');
	if (!eq)
		return rec_fail(err, REC_E_CONFIG, "%s:%u: expected 'key = value'", name, lineno);
	end = eq;
	while (end > key && is_space(end[-1]))
		end--;
	*end = '\0';
	value = eq + 1;
	while (is_space(*value))
		value++;
	end = value + strlen(value);
	while (end > value && is_space(end[-1]))
		end--;
	*end = '\0';
	if (!*key)
		return rec_fail(err, REC_E_CONFIG, "%s:%u: expected 'key = value'", name, lineno);
	rc = apply(conf, key, value, &inner);
	if (rc < 0)
		return line_error(name, lineno, &inner, err);
	if (rc == 0)
		warn(conf, name, lineno, key, strlen(key));
	return 0;
}

int iscsid_conf_parse(struct iscsid_conf *conf, const char *name, const char *text,
		      size_t len, struct rec_err *err)
{
	char line[LINE_MAX_LEN + 1];
	unsigned lineno = 0;
	size_t pos = 0;

	if (memchr(text, '\0', len))
		return rec_fail(err, REC_E_CONFIG, "%s: contains a NUL byte; is it a text file?", name);
	while (pos < len) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t l = nl ? (size_t)(nl - (text + pos)) : len - pos;

		lineno++;
		if (l > LINE_MAX_LEN)
			return rec_fail(err, REC_E_CONFIG, "%s:%u: line longer than %d bytes", name,
					lineno, LINE_MAX_LEN);
		memcpy(line, text + pos, l);
		line[l] = '\0';
		if (parse_line(conf, name, lineno, line, err) < 0)
			return -1;
		pos += l + (nl ? 1 : 0);
	}
	return 0;
}

int iscsid_conf_load(struct iscsid_conf *conf, const char *path, struct rec_err *err)
{
	char def[4096], *buf;
	struct stat sb;
	ssize_t n;
	size_t got = 0;
	int fd, rc;

	if (iscsid_conf_init(conf, err) < 0)
		return -1;
	if (!path) {
		if (iscsi_path(def, sizeof(def), ISCSID_CONF_PATH) < 0)
			return rec_fail(err, REC_E_IO, "configuration path too long");
		path = def;
	}
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT)
			return 0;
		rc = rec_fail(err, REC_E_IO, "%s: cannot open: %s", path, strerror(errno));
		iscsid_conf_free(conf);
		return rc;
	}
	if (fstat(fd, &sb) < 0 || !S_ISREG(sb.st_mode) || sb.st_size > CONF_MAX_SIZE) {
		close(fd);
		iscsid_conf_free(conf);
		return rec_fail(err, REC_E_CONFIG, "%s: not a regular file of at most %u bytes", path,
				CONF_MAX_SIZE);
	}
	buf = malloc((size_t)sb.st_size + 1);
	if (!buf) {
		close(fd);
		iscsid_conf_free(conf);
		return rec_fail(err, REC_E_NOMEM, "out of memory reading %s", path);
	}
	while (got < (size_t)sb.st_size && (n = read(fd, buf + got, (size_t)sb.st_size - got)) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			rc = rec_fail(err, REC_E_IO, "%s: read failed: %s", path, strerror(errno));
			goto out;
		}
		got += (size_t)n;
	}
	rc = iscsid_conf_parse(conf, path, buf, got, err);
out:
	close(fd);
	free(buf);
	if (rc < 0)
		iscsid_conf_free(conf);
	return rc;
}

struct rec *iscsid_conf_new_node(const struct iscsid_conf *conf)
{
	return rec_dup(conf->node);
}

struct rec *iscsid_conf_new_discovery(const struct iscsid_conf *conf)
{
	return rec_dup(conf->discovery);
}
