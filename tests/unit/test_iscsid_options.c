/* iscsid's command line (monitor/options.h): open-iscsi's options, typed
 * refusals with one line each, and the worker account from -u / -g. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "monitor/options.h"
#include "privsep/sandbox.h"

static char out_buf[4096];

/* Parses a NULL-terminated argument list after "iscsid". */
static enum opts_result parse(struct iscsid_opts *o, char *err, size_t errlen, ...)
{
	char *argv[32] = { (char *)"iscsid" };
	int argc = 1;
	va_list ap;

	va_start(ap, errlen);
	for (char *a; (a = va_arg(ap, char *)) != NULL;)
		argv[argc++] = a;
	va_end(ap);
	argv[argc] = NULL;
	FILE *out = fmemopen(out_buf, sizeof(out_buf), "w");
	assert_non_null(out);
	err[0] = '\0';
	enum opts_result rc = iscsid_opts_parse(argc, argv, o, out, err, errlen);
	fclose(out);
	return rc;
}

static void defaults(void **state)
{
	(void)state;
	struct iscsid_opts o;
	char err[256];

	assert_int_equal(parse(&o, err, sizeof(err), NULL), OPTS_RUN);
	assert_null(o.config_path);
	assert_null(o.initiatorname_path);
	assert_null(o.pid_path);
	assert_null(o.user);
	assert_null(o.group);
	assert_null(o.worker_program);
	assert_false(o.foreground);
	assert_int_equal(o.debug, 0);
	/* Records with node.startup = automatic are logged in at start. */
	assert_int_equal(o.autologin, ISCSID_AUTOLOGIN_AUTOMATIC);
}

/* --autologin: which node.startup values are logged in at start. */
static void autologin_values(void **state)
{
	(void)state;
	struct iscsid_opts o;
	char err[256];
	static const struct {
		const char *arg;
		unsigned bits;
	} good[] = {
		{ "--autologin=automatic", ISCSID_AUTOLOGIN_AUTOMATIC },
		{ "--autologin=onboot", ISCSID_AUTOLOGIN_ONBOOT },
		{ "--autologin=automatic,onboot", ISCSID_AUTOLOGIN_AUTOMATIC | ISCSID_AUTOLOGIN_ONBOOT },
		{ "--autologin=onboot,automatic", ISCSID_AUTOLOGIN_AUTOMATIC | ISCSID_AUTOLOGIN_ONBOOT },
		{ "--autologin=none", 0 },
	};
	static const char *const bad[] = {
		"--autologin=", "--autologin=manual", "--autologin=all", "--autologin=automatic,",
		"--autologin=,onboot", "--autologin=automatic,automatic", "--autologin=none,onboot",
		"--autologin=Automatic", "--autologin=automatic,,onboot",
	};

	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		assert_int_equal(parse(&o, err, sizeof(err), good[i].arg, NULL), OPTS_RUN);
		assert_int_equal(o.autologin, good[i].bits);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(parse(&o, err, sizeof(err), bad[i], NULL), OPTS_ERROR);
		assert_non_null(strstr(err, "invalid --autologin '"));
		assert_non_null(strstr(err, "expected none, or automatic and/or onboot"));
	}
	assert_int_equal(parse(&o, err, sizeof(err), "--autologin", NULL), OPTS_ERROR);
	assert_string_equal(err, "option '--autologin' requires an argument");
	/* The last one given counts. */
	assert_int_equal(parse(&o, err, sizeof(err), "--autologin=none", "--autologin=onboot", NULL),
			 OPTS_RUN);
	assert_int_equal(o.autologin, ISCSID_AUTOLOGIN_ONBOOT);
	assert_int_equal(parse(&o, err, sizeof(err), "-h", NULL), OPTS_DONE);
	assert_non_null(strstr(out_buf, "--autologin=which"));
}

static void short_and_long_options(void **state)
{
	(void)state;
	struct iscsid_opts o;
	char err[256];

	assert_int_equal(parse(&o, err, sizeof(err), "-f", "-d", "8", "-c", "/x/iscsid.conf", "-i",
			       "/x/iname", "-u", "nobody", "-g", "65534", "-p", "/x/pid", NULL),
			 OPTS_RUN);
	assert_true(o.foreground);
	assert_int_equal(o.debug, 8);
	assert_string_equal(o.config_path, "/x/iscsid.conf");
	assert_string_equal(o.initiatorname_path, "/x/iname");
	assert_string_equal(o.user, "nobody");
	assert_string_equal(o.group, "65534");
	assert_string_equal(o.pid_path, "/x/pid");

	assert_int_equal(parse(&o, err, sizeof(err), "--foreground", "--debug=3",
			       "--config=/c", "--initiatorname", "/i", "--uid=1", "--gid=2",
			       "--pid=/p", "--worker-program=/w", NULL),
			 OPTS_RUN);
	assert_true(o.foreground);
	assert_int_equal(o.debug, 3);
	assert_string_equal(o.config_path, "/c");
	assert_string_equal(o.initiatorname_path, "/i");
	assert_string_equal(o.user, "1");
	assert_string_equal(o.group, "2");
	assert_string_equal(o.pid_path, "/p");
	assert_string_equal(o.worker_program, "/w");

	/* Bundled short options, and the parser runs again from scratch. */
	assert_int_equal(parse(&o, err, sizeof(err), "-fd1", NULL), OPTS_RUN);
	assert_true(o.foreground);
	assert_int_equal(o.debug, 1);
}

static void help_and_version(void **state)
{
	(void)state;
	struct iscsid_opts o;
	char err[256];

	assert_int_equal(parse(&o, err, sizeof(err), "-h", NULL), OPTS_DONE);
	assert_non_null(strstr(out_buf, "Usage: iscsid [OPTION]"));
	assert_non_null(strstr(out_buf, "--foreground"));
	assert_non_null(strstr(out_buf, "--uid"));
	assert_int_equal(parse(&o, err, sizeof(err), "--version", NULL), OPTS_DONE);
	assert_string_equal(out_buf, "iscsid version " ISCSID_VERSION "\n");
	/* Help wins over what follows it, as with getopt loops elsewhere. */
	assert_int_equal(parse(&o, err, sizeof(err), "-v", "-d", "99", NULL), OPTS_DONE);
}

static void refusals(void **state)
{
	(void)state;
	struct iscsid_opts o;
	char err[256];
	static const struct {
		const char *args[4];
		const char *msg;
	} cases[] = {
		{ { "-d", "9" }, "invalid debug level '9': expected 0 to 8" },
		{ { "-d", "-1" }, "invalid debug level '-1': expected 0 to 8" },
		{ { "-d", "1x" }, "invalid debug level '1x': expected 0 to 8" },
		{ { "--debug=" }, "invalid debug level '': expected 0 to 8" },
		{ { "-d" }, "option '-d' requires an argument" },
		{ { "--config" }, "option '--config' requires an argument" },
		{ { "-x" }, "invalid option '-x'" },
		{ { "--frobnicate" }, "invalid option '--frobnicate'" },
		{ { "extra" }, "unexpected argument 'extra'" },
		{ { "-c", "" }, "empty file name" },
		{ { "--worker-program=" }, "empty file name" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		enum opts_result rc = parse(&o, err, sizeof(err), cases[i].args[0],
					    cases[i].args[1], cases[i].args[2], NULL);
		if (rc != OPTS_ERROR || strcmp(err, cases[i].msg) != 0)
			fail_msg("case %zu: rc %d, '%s', want '%s'", i, rc, err, cases[i].msg);
	}
}

static void worker_account(void **state)
{
	(void)state;
	struct iscsid_opts o;
	char err[256];
	uid_t uid;
	gid_t gid;
	uid_t want_uid;
	gid_t want_gid;

	/* Default: the dedicated account, or 65534. */
	assert_int_equal(parse(&o, err, sizeof(err), NULL), OPTS_RUN);
	assert_int_equal(iscsid_worker_account(&o, &uid, &gid, err, sizeof(err)), 0);
	struct passwd *pw = getpwnam(SANDBOX_DEFAULT_USER);
	want_uid = pw ? pw->pw_uid : SANDBOX_FALLBACK_ID;
	want_gid = pw ? pw->pw_gid : SANDBOX_FALLBACK_ID;
	assert_int_equal(uid, want_uid);
	assert_int_equal(gid, want_gid);

	/* Numbers need no passwd entry; the group falls back to 65534. */
	assert_int_equal(parse(&o, err, sizeof(err), "-u", "4000000", NULL), OPTS_RUN);
	assert_int_equal(iscsid_worker_account(&o, &uid, &gid, err, sizeof(err)), 0);
	assert_int_equal(uid, 4000000);
	assert_int_equal(gid, SANDBOX_FALLBACK_ID);
	assert_int_equal(parse(&o, err, sizeof(err), "-u", "4000000", "-g", "4000001", NULL),
			 OPTS_RUN);
	assert_int_equal(iscsid_worker_account(&o, &uid, &gid, err, sizeof(err)), 0);
	assert_int_equal(uid, 4000000);
	assert_int_equal(gid, 4000001);

	/* A name takes its primary group unless -g says otherwise. */
	pw = getpwnam("nobody");
	if (pw && pw->pw_gid != 0) {
		want_uid = pw->pw_uid;
		want_gid = pw->pw_gid;
		assert_int_equal(parse(&o, err, sizeof(err), "-u", "nobody", NULL), OPTS_RUN);
		assert_int_equal(iscsid_worker_account(&o, &uid, &gid, err, sizeof(err)), 0);
		assert_int_equal(uid, want_uid);
		assert_int_equal(gid, want_gid);
	}

	static const struct {
		const char *u, *g, *msg;
	} bad[] = {
		{ "0", NULL, "-u 0: workers must not run as root" },
		{ "root", NULL, "-u root: workers must not run as root" },
		{ "4000000", "0", "-g 0: workers must not run in group 0" },
		{ "4000000", "root", "-g root: workers must not run in group 0" },
		{ "no-such-user-here", NULL, "-u no-such-user-here: no such user" },
		{ "4000000", "no-such-group-here", "-g no-such-group-here: no such group" },
		{ "4294967295", NULL, "-u 4294967295: no such user" },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		o.user = bad[i].u;
		o.group = bad[i].g;
		err[0] = '\0';
		if (iscsid_worker_account(&o, &uid, &gid, err, sizeof(err)) != -1 ||
		    strcmp(err, bad[i].msg) != 0)
			fail_msg("case %zu: '%s', want '%s'", i, err, bad[i].msg);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(defaults),
		cmocka_unit_test(short_and_long_options),
		cmocka_unit_test(help_and_version),
		cmocka_unit_test(refusals),
		cmocka_unit_test(autologin_values),
		cmocka_unit_test(worker_account),
	};

	return cmocka_run_group_tests_name("iscsid_options", tests, NULL, NULL);
}
