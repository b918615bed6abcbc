/* iscsid.conf parsing, initiatorname.iscsi and portal strings. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "base/log.h"
#include "records/config.h"
#include "records/initiatorname.h"
#include "records/portal.h"

static int parse(struct iscsid_conf *c, const char *text, struct rec_err *err)
{
	assert_int_equal(iscsid_conf_init(c, err), 0);
	return iscsid_conf_parse(c, "test.conf", text, strlen(text), err);
}

static void conf_good_file(void **state)
{
	static const char text[] =
		"# a comment\n"
		"\n"
		"   # indented comment\n"
		"node.startup = automatic\n"
		"node.session.auth.authmethod=CHAP\n"
		"\tnode.session.auth.password =  s3cr3t with spaces \r\n"
		"node.conn[0].timeo.login_timeout = 15\n"
		"node.conn[0].iscsi.HeaderDigest = CRC32C,None\n"
		"node.session.auth.chap_algs = SHA256,MD5\n"
		"discovery.sendtargets.iscsi.MaxRecvDataSegmentLength = 65536\n"
		"iscsid.startup = /bin/systemctl start iscsid.socket\n"
		"iscsid.safe_logout = Yes\n"
		"node.session.auth.username =\n"
		"node.startup = manual\n"      /* later lines win */
		"node.session.queue_depth = 64";  /* no final newline */
	struct iscsid_conf c;
	struct rec_err err;
	struct rec *n;
	(void)state;
	assert_int_equal(parse(&c, text, &err), 0);
	assert_int_equal(c.warnings, 0);
	assert_string_equal(rec_get(c.node, "node.startup"), "manual");
	assert_string_equal(rec_get(c.node, "node.session.auth.authmethod"), "CHAP");
	assert_string_equal(rec_get(c.node, "node.session.auth.password"), "s3cr3t with spaces");
	assert_string_equal(rec_get(c.node, "node.conn[0].timeo.login_timeout"), "15");
	assert_string_equal(rec_get(c.node, "node.conn[0].iscsi.HeaderDigest"), "CRC32C,None");
	assert_string_equal(rec_get(c.node, "node.session.queue_depth"), "64");
	/* chap_algs is shared by node and discovery records. */
	assert_string_equal(rec_get(c.node, "node.session.auth.chap_algs"), "SHA256,MD5");
	assert_string_equal(rec_get(c.discovery, "node.session.auth.chap_algs"), "SHA256,MD5");
	assert_string_equal(rec_get(c.discovery, "discovery.sendtargets.iscsi.MaxRecvDataSegmentLength"),
			    "65536");
	assert_string_equal(rec_get(c.iscsid, "iscsid.startup"), "/bin/systemctl start iscsid.socket");
	assert_string_equal(rec_get(c.iscsid, "iscsid.safe_logout"), "Yes");
	n = iscsid_conf_new_node(&c);
	assert_string_equal(rec_get(n, "node.conn[0].timeo.login_timeout"), "15");
	assert_string_equal(rec_get(n, "node.name"), "");
	rec_free(n);
	iscsid_conf_free(&c);
}

static void conf_unknown_key_warns(void **state)
{
	struct iscsid_conf c;
	struct rec_err err;
	(void)state;
	assert_int_equal(parse(&c, "node.startup = manual\nnode.bogus = 1\nnode.conn[1].port = 5\n"
				   "node.name = iqn.2001-04.com.example:x\n", &err), 0);
	assert_int_equal(c.warnings, 3);
	assert_string_equal(c.last_warning, "test.conf:4: unknown key 'node.name' ignored");
	assert_string_equal(rec_get(c.node, "node.name"), "");
	iscsid_conf_free(&c);
}

struct conf_err_case {
	const char *text, *msg;
};

static void conf_bad_values(void **state)
{
	static const struct conf_err_case cases[] = {
		{ "node.startup = manual\nnode.session.cmds_max = 100000\n",
		  "test.conf:2: invalid value '100000' for node.session.cmds_max: expected an integer from 2 to 2048" },
		{ "node.startup = sometimes\n",
		  "test.conf:1: invalid value 'sometimes' for node.startup: expected one of automatic, manual, onboot" },
		{ "node.session.iscsi.InitialR2T = 1\n",
		  "test.conf:1: invalid value '1' for node.session.iscsi.InitialR2T: expected Yes or No" },
		{ "\n\nnode.startup\n", "test.conf:3: expected 'key = value'" },
		{ " = manual\n", "test.conf:1: expected 'key = value'" },
		{ "node.session.auth.password = a\x01secret\n",
		  "test.conf:1: invalid value for node.session.auth.password: expected text of at most 255 bytes without control characters" },
		{ "node.startup = manual\0\n", "test.conf: contains a NUL byte; is it a text file?" },
	};
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct iscsid_conf c;
		struct rec_err err;
		size_t len = strlen(cases[i].text);

		if (i == 6)
			len = 23;
		assert_int_equal(iscsid_conf_init(&c, &err), 0);
		assert_int_equal(iscsid_conf_parse(&c, "test.conf", cases[i].text, len, &err), -1);
		assert_int_equal(err.status, REC_E_CONFIG);
		assert_string_equal(err.msg, cases[i].msg);
		iscsid_conf_free(&c);
	}
}

static void conf_long_line(void **state)
{
	char *text = malloc(6000);
	struct iscsid_conf c;
	struct rec_err err;
	(void)state;
	memset(text, 'a', 5999);
	text[5999] = '\0';
	assert_int_equal(parse(&c, text, &err), -1);
	assert_string_equal(err.msg, "test.conf:1: line longer than 4095 bytes");
	iscsid_conf_free(&c);
	free(text);
}

static char tmpdir[64];

static int make_tmpdir(void **state)
{
	(void)state;
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/test_records_config.XXXXXX");
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int remove_tmpdir(void **state)
{
	char cmd[128];
	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void conf_load_files(void **state)
{
	char path[128];
	struct iscsid_conf c;
	struct rec_err err;
	(void)state;
	snprintf(path, sizeof(path), "%s/missing.conf", tmpdir);
	assert_int_equal(iscsid_conf_load(&c, path, &err), 0);
	assert_string_equal(rec_get(c.node, "node.conn[0].timeo.login_timeout"), "30");
	iscsid_conf_free(&c);

	snprintf(path, sizeof(path), "%s/iscsid.conf", tmpdir);
	write_file(path, "node.conn[0].timeo.login_timeout = 15\nnode.conn[0].unknown = 1\n");
	assert_int_equal(iscsid_conf_load(&c, path, &err), 0);
	assert_string_equal(rec_get(c.node, "node.conn[0].timeo.login_timeout"), "15");
	assert_int_equal(c.warnings, 1);
	assert_non_null(strstr(c.last_warning, "iscsid.conf:2: unknown key 'node.conn[0].unknown'"));
	iscsid_conf_free(&c);

	write_file(path, "node.conn[0].timeo.login_timeout = -1\n");
	assert_int_equal(iscsid_conf_load(&c, path, &err), -1);
	assert_non_null(strstr(err.msg, "iscsid.conf:1: invalid value '-1' for node.conn[0].timeo.login_timeout"));
	assert_null(c.node);
}

/* The example file shipped in etc/ must load without a warning, and its
 * values must be open-iscsi's shipped defaults. */
static void conf_shipped_example(void **state)
{
	const char *top = getenv("TOP");
	struct iscsid_conf c;
	struct rec_err err;
	char path[4096];
	(void)state;
	snprintf(path, sizeof(path), "%s/etc/iscsid.conf", top ? top : ".");
	if (access(path, R_OK) != 0)
		fail_msg("%s missing (run from the top of the tree or set TOP)", path);
	if (iscsid_conf_load(&c, path, &err) != 0)
		fail_msg("%s", err.msg);
	assert_int_equal(c.warnings, 0);
	assert_string_equal(rec_get(c.node, "node.startup"), "manual");
	assert_string_equal(rec_get(c.node, "node.conn[0].timeo.login_timeout"), "15");
	assert_string_equal(rec_get(c.node, "node.session.initial_login_retry_max"), "8");
	assert_string_equal(rec_get(c.node, "node.session.auth.authmethod"), "None");
	assert_string_equal(rec_get(c.discovery, "discovery.sendtargets.iscsi.MaxRecvDataSegmentLength"),
			    "32768");
	iscsid_conf_free(&c);
}

static void iname_parse(void **state)
{
	struct initiator_name n;
	struct rec_err err;
	static const char good[] = "## generated\n"
				   "InitiatorName=iqn.1993-08.org.debian:01:abcdef123456\n"
				   "  InitiatorAlias = my host  \n";
	(void)state;
	assert_int_equal(initiatorname_parse("f", good, strlen(good), &n, &err), 0);
	assert_string_equal(n.name, "iqn.1993-08.org.debian:01:abcdef123456");
	assert_string_equal(n.alias, "my host");

	assert_int_equal(initiatorname_parse("f", "# nothing\n", 10, &n, &err), -1);
	assert_string_equal(err.msg, "f: no InitiatorName= line; add one (iscsi-iname prints a new name)");
	assert_int_equal(initiatorname_parse("f", "InitiatorName=iqn.bad\n", 22, &n, &err), -1);
	assert_int_equal(err.status, REC_E_CONFIG);
	assert_non_null(strstr(err.msg, "f:1: "));
	assert_int_equal(initiatorname_parse("f", "InitiatorName=iqn.2001-04.com.a:x\nInitiatorName=iqn.2001-04.com.a:y\n",
					     68, &n, &err), -1);
	assert_string_equal(err.msg, "f:2: InitiatorName given twice");
	assert_int_equal(initiatorname_parse("f", "Name=x\n", 7, &n, &err), -1);
	assert_string_equal(err.msg, "f:1: unknown key 'Name' (expected InitiatorName or InitiatorAlias)");
	assert_int_equal(initiatorname_parse("f", "InitiatorName iqn\n", 18, &n, &err), -1);
}

static void iname_generate_and_create(void **state)
{
	char a[ISCSI_NAME_MAX + 1], b[ISCSI_NAME_MAX + 1], path[128], big[300];
	struct initiator_name n;
	struct rec_err err;
	(void)state;
	assert_int_equal(initiatorname_generate(NULL, a, sizeof(a), &err), 0);
	assert_int_equal(initiatorname_generate(NULL, b, sizeof(b), &err), 0);
	assert_int_equal(strncmp(a, "iqn.2016-04.com.open-iscsi:", 27), 0);
	assert_int_equal(strlen(a), 27 + 12);
	assert_string_not_equal(a, b);
	assert_int_equal(iscsi_name_check(a, 0, NULL), NAME_OK);
	assert_int_equal(initiatorname_generate("iqn.2020-01.org.example", a, sizeof(a), &err), 0);
	assert_int_equal(strncmp(a, "iqn.2020-01.org.example:", 24), 0);
	assert_int_equal(initiatorname_generate("bad/prefix", a, sizeof(a), &err), -1);
	assert_int_equal(err.status, REC_E_BAD_NAME);
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	assert_int_equal(initiatorname_generate(big, a, sizeof(a), &err), -1);

	snprintf(path, sizeof(path), "%s/initiatorname.iscsi", tmpdir);
	assert_int_equal(initiatorname_read(path, &n, &err), -1);
	assert_int_equal(err.status, REC_E_NOT_FOUND);
	assert_int_equal(initiatorname_generate(NULL, a, sizeof(a), &err), 0);
	assert_int_equal(initiatorname_create(path, a, &err), 0);
	assert_int_equal(initiatorname_read(path, &n, &err), 0);
	assert_string_equal(n.name, a);
	assert_int_equal(initiatorname_create(path, b, &err), -1);
	assert_int_equal(err.status, REC_E_EXISTS);
	assert_int_equal(initiatorname_read(path, &n, &err), 0);
	assert_string_equal(n.name, a);
}

struct portal_case {
	const char *in;
	const char *addr;
	int port, tpgt, family;
};

static void portal_good(void **state)
{
	static const struct portal_case cases[] = {
		{ "192.0.2.1", "192.0.2.1", 3260, -1, AF_INET },
		{ "192.0.2.1:3261", "192.0.2.1", 3261, -1, AF_INET },
		{ "192.0.2.1:3261,1", "192.0.2.1", 3261, 1, AF_INET },
		{ "192.0.2.1,7", "192.0.2.1", 3260, 7, AF_INET },
		{ "[2001:db8::1]:3262,65535", "2001:db8::1", 3262, 65535, AF_INET6 },
		{ "[2001:DB8:0::1]", "2001:db8::1", 3260, -1, AF_INET6 },
		{ "2001:db8::1", "2001:db8::1", 3260, -1, AF_INET6 },
		{ "::1,2", "::1", 3260, 2, AF_INET6 },
		{ "[fe80::1%lo]:3260", "fe80::1%lo", 3260, -1, AF_INET6 },
		{ "localhost", "127.0.0.1", 3260, -1, AF_INET },
		{ "localhost:3000,3", "127.0.0.1", 3000, 3, AF_INET },
	};
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct portal p;
		struct rec_err err;

		if (portal_parse(cases[i].in, PORTAL_RESOLVE, &p, &err) != 0)
			fail_msg("%s: %s", cases[i].in, err.msg);
		assert_string_equal(p.addr, cases[i].addr);
		assert_int_equal(p.port, cases[i].port);
		assert_int_equal(p.tpgt, cases[i].tpgt);
		assert_int_equal(p.family, cases[i].family);
		assert_int_equal(p.port_given, strchr(cases[i].in, ']') ? strstr(cases[i].in, "]:") != NULL
				 : cases[i].family == AF_INET && strchr(cases[i].in, ':') != NULL);
	}
}

static void portal_bad(void **state)
{
	static const char *const bad[] = {
		"", "192.0.2.1:0", "192.0.2.1:65536", "192.0.2.1:abc", "192.0.2.1:", "192.0.2.1,",
		"192.0.2.1,65536", "192.0.2.1,-1", "[::1", "[::1]x", "[192.0.2.1]:3260", "1.2.3",
		"999.1.1.1", "bad host", "a/b", "-opt", "192.0.2.1:3260:1", "[::1]:", ",1",
		"fe80::1%../../x",
	};
	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct portal p;
		struct rec_err err;

		if (portal_parse(bad[i], PORTAL_RESOLVE, &p, &err) != -1)
			fail_msg("accepted portal '%s'", bad[i]);
		assert_int_equal(err.status, REC_E_PORTAL);
		assert_null(strchr(err.msg, '\n'));
	}
}

static void portal_flags(void **state)
{
	struct portal p;
	struct rec_err err;
	char buf[80];
	(void)state;
	assert_int_equal(portal_parse("localhost", 0, &p, &err), -1);
	assert_string_equal(err.msg, "invalid portal 'localhost': a numeric address is required");
	assert_int_equal(portal_parse("192.0.2.1,1", PORTAL_NO_TPGT, &p, &err), -1);
	/* An empty label: the resolver refuses it without sending a DNS query
	 * (tests never send traffic off the machine). */
	assert_int_equal(portal_parse("no-such-host..invalid", PORTAL_RESOLVE, &p, &err), -1);
	assert_int_equal(err.status, REC_E_RESOLVE);
	portal_format("::1", 3260, buf, sizeof(buf));
	assert_string_equal(buf, "[::1]:3260");
	portal_format("10.0.0.1", 3261, buf, sizeof(buf));
	assert_string_equal(buf, "10.0.0.1:3261");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(conf_good_file),
		cmocka_unit_test(conf_unknown_key_warns),
		cmocka_unit_test(conf_bad_values),
		cmocka_unit_test(conf_long_line),
		cmocka_unit_test(conf_load_files),
		cmocka_unit_test(conf_shipped_example),
		cmocka_unit_test(iname_parse),
		cmocka_unit_test(iname_generate_and_create),
		cmocka_unit_test(portal_good),
		cmocka_unit_test(portal_bad),
		cmocka_unit_test(portal_flags),
	};
	log_init("test_records_config", LOG_TO_STDERR, 0);
	return cmocka_run_group_tests_name("records_config", tests, make_tmpdir, remove_tmpdir);
}
