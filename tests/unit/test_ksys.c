/* kernel/sysfs.h against fake sysfs trees built under a temporary
 * $ISCSI_ROOT: the early lookups, attribute parsing (malformed, missing,
 * oversized values), session listing and the devices behind a session. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kernel/sysfs.h"
#include "kernel/sysfs_read.h"

static char root[256];

/* mkdir -p of root + rel. */
static void mkdirs(const char *rel)
{
	char p[1024];

	snprintf(p, sizeof(p), "%s/%s", root, rel);
	for (char *s = p + strlen(root) + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		assert_true(mkdir(p, 0755) == 0 || errno == EEXIST);
		*s = '/';
	}
	assert_true(mkdir(p, 0755) == 0 || errno == EEXIST);
}

/* Writes len bytes of data to root + rel, creating its directories. */
static void put_bytes(const char *rel, const char *data, size_t len)
{
	char p[1024], dir[1024];

	snprintf(dir, sizeof(dir), "%s", rel);
	char *slash = strrchr(dir, '/');
	if (slash) {
		*slash = '\0';
		mkdirs(dir);
	}
	snprintf(p, sizeof(p), "%s/%s", root, rel);
	int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, len), (ssize_t)len);
	close(fd);
}

static void put(const char *rel, const char *text)
{
	put_bytes(rel, text, strlen(text));
}

static void link_to(const char *rel, const char *target)
{
	char p[1024], dir[1024];

	snprintf(dir, sizeof(dir), "%s", rel);
	*strrchr(dir, '/') = '\0';
	mkdirs(dir);
	snprintf(p, sizeof(p), "%s/%s", root, rel);
	assert_int_equal(symlink(target, p), 0);
}

static int setup_root(void **state)
{
	(void)state;
	snprintf(root, sizeof(root), "/tmp/test_ksys.XXXXXX");
	if (!mkdtemp(root))
		return -1;
	setenv("ISCSI_ROOT", root, 1);
	return 0;
}

static int teardown_root(void **state)
{
	char cmd[512];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	unsetenv("ISCSI_ROOT");
	return system(cmd) == 0 ? 0 : -1;
}

/* ---- the early lookups ---- */

static void path_under_root(void **state)
{
	char p[512];

	(void)state;
	assert_int_equal(ksys_path(p, sizeof(p), "/class/iscsi_session"), 0);
	char want[512];
	snprintf(want, sizeof(want), "%s/sys/class/iscsi_session", root);
	assert_string_equal(p, want);
	char small[8];
	assert_int_equal(ksys_path(small, sizeof(small), "/class/iscsi_session"), -1);
	assert_string_equal(small, "");
}

static void not_loaded(void **state)
{
	char err[128];
	uint64_t h = 7;

	(void)state;
	assert_false(ksys_iscsi_loaded());
	assert_int_equal(ksys_transport_handle("tcp", &h, err, sizeof(err)), 1);
	assert_int_equal(h, 7);
}

static void transport_handle(void **state)
{
	char err[128];
	uint64_t h = 0;

	(void)state;
	put("sys/class/iscsi_transport/tcp/handle", "18446744072637906944\n");
	assert_true(ksys_iscsi_loaded());
	assert_int_equal(ksys_transport_handle("tcp", &h, err, sizeof(err)), 0);
	assert_true(h == 18446744072637906944ull);
	/* Registered class, other transport not loaded. */
	assert_int_equal(ksys_transport_handle("iser", &h, err, sizeof(err)), 1);
}

static void transport_handle_bad(void **state)
{
	static const char *const bad[] = {
		"", "\n", "0\n", "-1\n", "12a\n", "0x10\n", " 12\n", "18446744073709551616\n",
		"12\n13\n",
	};
	char err[128];
	uint64_t h = 5;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		put("sys/class/iscsi_transport/tcp/handle", bad[i]);
		err[0] = '\0';
		assert_int_equal(ksys_transport_handle("tcp", &h, err, sizeof(err)), -1);
		assert_non_null(strstr(err, "not a transport handle"));
		assert_int_equal(h, 5);
	}
	/* A directory without the attribute. */
	mkdirs("sys/class/iscsi_transport/iser");
	assert_int_equal(ksys_transport_handle("iser", &h, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "cannot read"));
	/* Names that would leave the class directory. */
	assert_int_equal(ksys_transport_handle("../tcp", &h, err, sizeof(err)), -1);
	assert_string_equal(err, "invalid transport name");
	assert_int_equal(ksys_transport_handle("", &h, err, sizeof(err)), -1);
	assert_int_equal(ksys_transport_handle("TCP", &h, err, sizeof(err)), -1);
}

/* ---- attribute reading ---- */

static void attr_strings(void **state)
{
	char dir[512], out[16];
	char big[KSYS_ATTR_MAX + 10];

	(void)state;
	snprintf(dir, sizeof(dir), "%s/a", root);
	put("a/ok", "value\n");
	assert_int_equal(ksys_read_str(dir, "ok", out, sizeof(out)), KSYS_RD_OK);
	assert_string_equal(out, "value");
	put("a/nonl", "value");
	assert_int_equal(ksys_read_str(dir, "nonl", out, sizeof(out)), KSYS_RD_OK);
	assert_string_equal(out, "value");
	put("a/null", "(null)\n");
	assert_int_equal(ksys_read_str(dir, "null", out, sizeof(out)), KSYS_RD_OK);
	assert_string_equal(out, "");
	put("a/empty", "");
	assert_int_equal(ksys_read_str(dir, "empty", out, sizeof(out)), KSYS_RD_OK);
	assert_string_equal(out, "");
	assert_int_equal(ksys_read_str(dir, "absent", out, sizeof(out)), KSYS_RD_MISSING);
	put("a/long", "0123456789abcdef\n");    /* 16 chars do not fit 16 bytes */
	assert_int_equal(ksys_read_str(dir, "long", out, sizeof(out)), KSYS_RD_BAD);
	assert_string_equal(out, "");
	put("a/twolines", "a\nb\n");
	assert_int_equal(ksys_read_str(dir, "twolines", out, sizeof(out)), KSYS_RD_BAD);
	put_bytes("a/nul", "ab\0c\n", 5);
	assert_int_equal(ksys_read_str(dir, "nul", out, sizeof(out)), KSYS_RD_BAD);
	put("a/esc", "a\x1b[2Jb\n");
	assert_int_equal(ksys_read_str(dir, "esc", out, sizeof(out)), KSYS_RD_BAD);
	memset(big, 'x', sizeof(big));
	put_bytes("a/huge", big, sizeof(big));
	assert_int_equal(ksys_read_str(dir, "huge", out, sizeof(out)), KSYS_RD_BAD);
	/* A symlink in place of an attribute is not followed. */
	link_to("a/link", "ok");
	assert_int_equal(ksys_read_str(dir, "link", out, sizeof(out)), KSYS_RD_MISSING);
}

static void attr_numbers(void **state)
{
	long v;

	(void)state;
	assert_true(ksys_parse_long("0", 0, 10, &v) && v == 0);
	assert_true(ksys_parse_long("-1", -1, 10, &v) && v == -1);
	assert_true(ksys_parse_long("2147483647", 0, 2147483647L, &v) && v == 2147483647L);
	assert_false(ksys_parse_long("-1", 0, 10, &v));
	assert_false(ksys_parse_long("11", 0, 10, &v));
	assert_false(ksys_parse_long("", 0, 10, &v));
	assert_false(ksys_parse_long("-", -5, 10, &v));
	assert_false(ksys_parse_long("+1", 0, 10, &v));
	assert_false(ksys_parse_long("1 ", 0, 10, &v));
	assert_false(ksys_parse_long("99999999999999999999999", 0, 10, &v));
	assert_false(ksys_parse_long("-99999999999999999999999", -10, 10, &v));
	uint64_t u;
	assert_true(ksys_parse_u64("18446744073709551615", &u) && u == UINT64_MAX);
	assert_false(ksys_parse_u64("18446744073709551616", &u));
	assert_false(ksys_parse_u64("", &u));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(path_under_root, setup_root, teardown_root),
		cmocka_unit_test_setup_teardown(not_loaded, setup_root, teardown_root),
		cmocka_unit_test_setup_teardown(transport_handle, setup_root, teardown_root),
		cmocka_unit_test_setup_teardown(transport_handle_bad, setup_root, teardown_root),
		cmocka_unit_test_setup_teardown(attr_strings, setup_root, teardown_root),
		cmocka_unit_test(attr_numbers),
	};
	return cmocka_run_group_tests_name("ksys", tests, NULL, NULL);
}
