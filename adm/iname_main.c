/* iscsi-iname: prints a new, unique iSCSI initiator name, with the
 * options of open-iscsi's iscsi-iname:
 *   -p, --prefix PREFIX              name prefix (default iqn.2016-04.com.open-iscsi)
 *   -g, --generate-iname-prefix      print "InitiatorName=" before the name
 *   -h, --help
 * Unlike open-iscsi's, a prefix that does not make a valid iSCSI name is
 * refused instead of printed. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "base/exitcodes.h"
#include "records/initiatorname.h"

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: iscsi-iname [OPTIONS]\n"
		"Where OPTIONS are from:\n"
		"    -p/--prefix <prefix>          -- set IQN prefix [%s]\n"
		"    -g/--generate-iname-prefix    -- generate the InitiatorName= prefix\n"
		"where <prefix> has max length of %d\n",
		INAME_DEFAULT_PREFIX, INAME_PREFIX_MAX);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "prefix", required_argument, NULL, 'p' },
		{ "generate-iname-prefix", no_argument, NULL, 'g' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *prefix = NULL;
	char name[ISCSI_NAME_MAX + 1];
	struct rec_err err;
	int with_key = 0, c;

	while ((c = getopt_long(argc, argv, "p:gh", opts, NULL)) != -1) {
		switch (c) {
		case 'p':
			prefix = optarg;
			break;
		case 'g':
			with_key = 1;
			break;
		case 'h':
			usage(stdout);
			return ISCSI_SUCCESS;
		default:
			usage(stderr);
			return ISCSI_ERR;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "iscsi-iname: unexpected argument '%s'\n", argv[optind]);
		usage(stderr);
		return ISCSI_ERR;
	}
	if (initiatorname_generate(prefix, name, sizeof(name), &err) < 0) {
		fprintf(stderr, "iscsi-iname: %s\n", err.msg);
		return ISCSI_ERR;
	}
	printf("%s%s\n", with_key ? "InitiatorName=" : "", name);
	return fflush(stdout) == 0 ? ISCSI_SUCCESS : ISCSI_ERR;
}
