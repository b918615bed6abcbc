/* iscsiadm's command-line parser: open-iscsi's options, long and short,
 * and the refusals that keep bad input away from the mode handlers. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "adm/options.h"
#include "base/exitcodes.h"
#include "base/log.h"

#define ARGV(...) ((char *[]){ "iscsiadm", __VA_ARGS__, NULL })
#define ARGC(v) ((int)(sizeof(v) / sizeof((v)[0])) - 1)

static enum adm_parse_result parse(struct adm_opts *o, int argc, char **argv)
{
	return adm_parse(argc, argv, o);
}

#define PARSE(o, ...) parse(o, ARGC(ARGV(__VA_ARGS__)), ARGV(__VA_ARGS__))

static void node_record_options(void **state)
{
	struct adm_opts o;
	(void)state;

	assert_int_equal(PARSE(&o, "-m", "node", "-o", "update", "-T", "iqn.2001-05.com.example:t",
			       "-p", "10.0.0.1:3261,2", "-I", "if1", "-n", "node.startup", "-v",
			       "automatic", "-n", "node.session.cmds_max", "-v", "64"),
			 ADM_PARSE_RUN);
	assert_int_equal(o.mode, ADM_MODE_NODE);
	assert_int_equal(o.ops, ADM_OP_UPDATE);
	assert_string_equal(o.targetname, "iqn.2001-05.com.example:t");
	assert_string_equal(o.portal, "10.0.0.1:3261,2");
	assert_int_equal(o.n_ifaces, 1);
	assert_string_equal(o.ifaces[0], "if1");
	assert_int_equal(o.n_params, 2);
	assert_string_equal(o.params[0].name, "node.startup");
	assert_string_equal(o.params[0].value, "automatic");
	assert_string_equal(o.params[1].name, "node.session.cmds_max");
	assert_string_equal(o.params[1].value, "64");
	assert_int_equal(o.print_level, -1);
	assert_int_equal(adm_check_mode_options(&o), 0);
	assert_int_equal(adm_single_op(&o, ADM_OP_UPDATE | ADM_OP_SHOW), ADM_OP_UPDATE);
}

static void long_options(void **state)
{
	struct adm_opts o;
	(void)state;

	assert_int_equal(PARSE(&o, "--mode=discoverydb", "--type", "st", "--portal=10.0.0.1",
			       "--op", "show", "--show", "--print=1", "--debug=3"),
			 ADM_PARSE_RUN);
	assert_int_equal(o.mode, ADM_MODE_DISCOVERYDB);
	assert_string_equal(o.type, "st");
	assert_string_equal(o.portal, "10.0.0.1");
	assert_int_equal(o.ops, ADM_OP_SHOW);
	assert_true(o.show_secrets);
	assert_int_equal(o.print_level, 1);
	assert_int_equal(o.debug, 3);
	assert_true(adm_opt_given(&o, 'S'));
	assert_false(adm_opt_given(&o, 'T'));
	assert_int_equal(adm_check_mode_options(&o), 0);
}

static void help_and_version(void **state)
{
	struct adm_opts o;
	(void)state;

	assert_int_equal(PARSE(&o, "--help"), ADM_PARSE_HELP);
	assert_int_equal(PARSE(&o, "-m", "node", "-h"), ADM_PARSE_HELP);
	assert_int_equal(PARSE(&o, "-V"), ADM_PARSE_VERSION);
	assert_int_equal(PARSE(&o, "--version", "-m", "bogus"), ADM_PARSE_VERSION);
}

static void daemon_options_are_parsed(void **state)
{
	struct adm_opts o;
	(void)state;

	assert_int_equal(PARSE(&o, "-m", "node", "-L", "all", "-W"), ADM_PARSE_RUN);
	assert_string_equal(o.loginall, "all");
	assert_true(o.no_wait);
	assert_int_equal(PARSE(&o, "-m", "session", "-r", "3", "-R", "-s"), ADM_PARSE_RUN);
	assert_string_equal(o.sid, "3");
	assert_true(o.rescan);
	assert_true(o.stats);
	assert_int_equal(PARSE(&o, "-k", "0"), ADM_PARSE_RUN);
	assert_string_equal(o.killiscsid, "0");
	assert_int_equal(PARSE(&o, "-m", "discoverydb", "-t", "st", "-p", "1.2.3.4", "-D",
			       "-I", "a", "-I", "b"),
			 ADM_PARSE_RUN);
	assert_true(o.discover);
	assert_int_equal(o.n_ifaces, 2);
}

static void refused_at_parse(void **state)
{
	struct adm_opts o;
	(void)state;

	assert_int_equal(parse(&o, 1, ARGV("x")), ADM_PARSE_ERROR);            /* no arguments */
	assert_int_equal(PARSE(&o, "-T", "x"), ADM_PARSE_ERROR);               /* no mode */
	assert_int_equal(PARSE(&o, "-m", "bogus"), ADM_PARSE_ERROR);
	assert_int_equal(PARSE(&o, "-m", "Node"), ADM_PARSE_ERROR);           /* case matters */
	assert_int_equal(PARSE(&o, "-m", "node", "-o", "bogus"), ADM_PARSE_ERROR);
	assert_int_equal(PARSE(&o, "-m", "node", "--bogus"), ADM_PARSE_ERROR);
	assert_int_equal(PARSE(&o, "-m", "node", "-Z"), ADM_PARSE_ERROR);
	assert_int_equal(PARSE(&o, "-m", "node", "-T"), ADM_PARSE_ERROR);      /* no argument */
	assert_int_equal(PARSE(&o, "-m", "node", "extra"), ADM_PARSE_ERROR);
	assert_int_equal(PARSE(&o, "-m", "node", "-P", "x"), ADM_PARSE_ERROR);
	assert_int_equal(PARSE(&o, "-m", "node", "-P", "-1"), ADM_PARSE_ERROR);
	assert_int_equal(PARSE(&o, "-m", "node", "-P", "1x"), ADM_PARSE_ERROR);
	assert_int_equal(PARSE(&o, "-m", "node", "-d", "9"), ADM_PARSE_ERROR);
	assert_int_equal(PARSE(&o, "-m", "node", "-d", ""), ADM_PARSE_ERROR);
	assert_int_equal(PARSE(&o, "-m", "node", "-v", "1"), ADM_PARSE_ERROR); /* -v without -n */
	assert_int_equal(PARSE(&o, "-m", "node", "-n", "a"), ADM_PARSE_ERROR); /* -n without -v */
	assert_int_equal(PARSE(&o, "-m", "node", "-n", "a", "-v", "1", "-v", "2"), ADM_PARSE_ERROR);
	assert_int_equal(PARSE(&o, "-m", "node", "-n", "a", "-n", "b", "-v", "2"), ADM_PARSE_ERROR);
}

static void too_many_pairs_refused(void **state)
{
	char *argv[4 + 4 * (ADM_MAX_PARAMS + 1) + 1];
	struct adm_opts o;
	int argc = 0;
	(void)state;

	argv[argc++] = "iscsiadm";
	argv[argc++] = "-m";
	argv[argc++] = "node";
	for (int i = 0; i <= ADM_MAX_PARAMS; i++) {
		argv[argc++] = "-n";
		argv[argc++] = "node.startup";
		argv[argc++] = "-v";
		argv[argc++] = "manual";
	}
	argv[argc] = NULL;
	assert_int_equal(adm_parse(argc, argv, &o), ADM_PARSE_ERROR);
	/* One fewer fits. */
	argc -= 4;
	argv[argc] = NULL;
	assert_int_equal(adm_parse(argc, argv, &o), ADM_PARSE_RUN);
	assert_int_equal(o.n_params, ADM_MAX_PARAMS);
}

static void mode_option_sets(void **state)
{
	struct adm_opts o;
	(void)state;

	assert_int_equal(PARSE(&o, "-m", "node", "-t", "st"), ADM_PARSE_RUN);
	assert_int_equal(adm_check_mode_options(&o), ISCSI_ERR_INVAL);
	assert_int_equal(PARSE(&o, "-m", "iface", "-T", "x"), ADM_PARSE_RUN);
	assert_int_equal(adm_check_mode_options(&o), ISCSI_ERR_INVAL);
	assert_int_equal(PARSE(&o, "-m", "discovery", "-T", "x"), ADM_PARSE_RUN);
	assert_int_equal(adm_check_mode_options(&o), ISCSI_ERR_INVAL);
	assert_int_equal(PARSE(&o, "-m", "node", "-k", "0"), ADM_PARSE_RUN);
	assert_int_equal(adm_check_mode_options(&o), ISCSI_ERR_INVAL);
	assert_int_equal(PARSE(&o, "-m", "iface", "-I", "x", "-o", "new", "-n", "iface.mtu", "-v",
			       "1500", "-P", "1"),
			 ADM_PARSE_RUN);
	assert_int_equal(adm_check_mode_options(&o), 0);
	assert_string_equal(adm_mode_name(ADM_MODE_DISCOVERYDB), "discovery");
	assert_string_equal(adm_mode_name(ADM_MODE_IFACE), "iface");
}

static void single_operation(void **state)
{
	struct adm_opts o;
	(void)state;

	assert_int_equal(PARSE(&o, "-m", "node"), ADM_PARSE_RUN);
	assert_int_equal(adm_single_op(&o, ADM_OP_SHOW), 0);
	assert_int_equal(PARSE(&o, "-m", "node", "-o", "new", "-o", "delete"), ADM_PARSE_RUN);
	assert_int_equal(o.ops, ADM_OP_NEW | ADM_OP_DELETE);
	assert_int_equal(adm_single_op(&o, ADM_OP_NEW | ADM_OP_DELETE), -1);
	assert_int_equal(PARSE(&o, "-m", "node", "-o", "nonpersistent"), ADM_PARSE_RUN);
	assert_int_equal(adm_single_op(&o, ADM_OP_NEW | ADM_OP_SHOW), -1);
	assert_int_equal(PARSE(&o, "-m", "iface", "-o", "applyall"), ADM_PARSE_RUN);
	assert_int_equal(adm_single_op(&o, ADM_OP_APPLY_ALL), ADM_OP_APPLY_ALL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(node_record_options),
		cmocka_unit_test(long_options),
		cmocka_unit_test(help_and_version),
		cmocka_unit_test(daemon_options_are_parsed),
		cmocka_unit_test(refused_at_parse),
		cmocka_unit_test(too_many_pairs_refused),
		cmocka_unit_test(mode_option_sets),
		cmocka_unit_test(single_operation),
	};

	log_init("iscsiadm", LOG_TO_STDERR, 0);
	return cmocka_run_group_tests_name("adm_options", tests, NULL, NULL);
}
