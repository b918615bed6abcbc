/* ISCSI_ROOT prefixing and the exit-code table. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "base/exitcodes.h"
#include "base/paths.h"

static void path_without_root(void **state)
{
	char p[256];
	(void)state;
	unsetenv("ISCSI_ROOT");
	assert_int_equal(iscsi_path(p, sizeof(p), ISCSID_CONF_PATH), 0);
	assert_string_equal(p, "/etc/iscsi/iscsid.conf");
}

static void path_with_root(void **state)
{
	char p[256];
	(void)state;
	setenv("ISCSI_ROOT", "/tmp/inst/", 1);
	assert_int_equal(iscsi_path(p, sizeof(p), ISCSI_DB_DIR), 0);
	assert_string_equal(p, "/tmp/inst/var/lib/iscsi");
	unsetenv("ISCSI_ROOT");
}

static void unsafe_root_ignored(void **state)
{
	char p[256];
	(void)state;
	setenv("ISCSI_ROOT", "relative/dir", 1);
	assert_int_equal(iscsi_path(p, sizeof(p), ISCSID_RUN_DIR), 0);
	assert_string_equal(p, "/run/iscsid");
	setenv("ISCSI_ROOT", "/tmp/../etc", 1);
	assert_int_equal(iscsi_path(p, sizeof(p), ISCSID_RUN_DIR), 0);
	assert_string_equal(p, "/run/iscsid");
	/* ".." inside a name is not a parent reference. */
	setenv("ISCSI_ROOT", "/tmp/a..b", 1);
	assert_int_equal(iscsi_path(p, sizeof(p), ISCSID_RUN_DIR), 0);
	assert_string_equal(p, "/tmp/a..b/run/iscsid");
	unsetenv("ISCSI_ROOT");
}

static void path_too_long(void **state)
{
	char p[8];
	(void)state;
	unsetenv("ISCSI_ROOT");
	assert_int_equal(iscsi_path(p, sizeof(p), ISCSID_CONF_PATH), -1);
	assert_string_equal(p, "");
}

static void helper_beside_exe(void **state)
{
	char dir[4096], helper[4096];
	(void)state;
	assert_int_equal(self_exe_dir(dir, sizeof(dir)), 0);
	assert_non_null(strstr(dir, "tests/unit"));
	assert_int_equal(helper_path(helper, sizeof(helper), "worker"), 0);
	assert_int_equal(strncmp(helper, dir, strlen(dir)), 0);
	assert_string_equal(helper + strlen(dir), "/worker");
}

static void exit_code_text(void **state)
{
	(void)state;
	assert_string_equal(iscsi_exit_str(ISCSI_ERR_LOGIN_AUTH_FAILED),
			    "iSCSI login failed due to authorization failure");
	assert_int_equal(ISCSI_ERR_NO_OBJS_FOUND, 21);
	assert_string_equal(iscsi_exit_str(999), "unknown error");
	assert_string_equal(iscsi_exit_str(-1), "unknown error");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(path_without_root),
		cmocka_unit_test(path_with_root),
		cmocka_unit_test(unsafe_root_ignored),
		cmocka_unit_test(path_too_long),
		cmocka_unit_test(helper_beside_exe),
		cmocka_unit_test(exit_code_text),
	};
	return cmocka_run_group_tests_name("paths", tests, NULL, NULL);
}
