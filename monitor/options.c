#include "monitor/options.h"

#include <errno.h>
#include <getopt.h>
#include <grp.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>

#include "base/errbuf.h"
#include "privsep/sandbox.h"

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: iscsid [OPTION]\n"
		"\n"
		"  -c, --config=[path]     Execute in the config file (" ISCSID_CONF_PATH ").\n"
		"  -i, --initiatorname=[path]     read initiatorname from file ("
		INITIATORNAME_PATH ").\n"
		"  -f, --foreground        run iscsid in the foreground\n"
		"  -d, --debug debuglevel  print debugging information\n"
		"  -u, --uid=uid           run the sandboxed workers as a specific user\n"
		"  -g, --gid=gid           run the sandboxed workers as a specific group\n"
		"  -p, --pid=pidfile       use pid file (default " ISCSID_RUN_DIR "/"
		ISCSID_PID_NAME ").\n"
		"  -h, --help              display this help and exit\n"
		"  -v, --version           display version and exit\n"
		"      --worker-program=path  worker executable (tests; default iscsi-worker\n"
		"                          beside iscsid)\n"
		"      --autologin=which   log in at start the node records whose\n"
		"                          node.startup is automatic (the default),\n"
		"                          automatic,onboot, onboot, or none\n"
		"\n"
		"Every default path is prefixed by $ISCSI_ROOT when it is set.\n");
}

/* A decimal number in [0, max], nothing else. */
static int parse_number(const char *s, unsigned long max, unsigned long *out)
{
	char *end;

	if (!s || *s < '0' || *s > '9')
		return -1;
	errno = 0;
	unsigned long v = strtoul(s, &end, 10);
	if (errno || *end || v > max)
		return -1;
	*out = v;
	return 0;
}

/* Long-only options. */
#define OPT_WORKER_PROGRAM 256
#define OPT_AUTOLOGIN 257

/* --autologin: "none", or a comma-separated list of automatic and onboot,
 * each at most once. */
static int parse_autologin(const char *s, unsigned *out)
{
	static const struct {
		const char *name;
		unsigned bit;
	} names[] = {
		{ "automatic", ISCSID_AUTOLOGIN_AUTOMATIC },
		{ "onboot", ISCSID_AUTOLOGIN_ONBOOT },
	};
	unsigned bits = 0;

	if (!strcmp(s, "none")) {
		*out = 0;
		return 0;
	}
	while (*s) {
		size_t len = strcspn(s, ",");
		size_t i = 0;
		while (i < sizeof(names) / sizeof(names[0]) &&
		       (strlen(names[i].name) != len || strncmp(s, names[i].name, len)))
			i++;
		if (i == sizeof(names) / sizeof(names[0]) || (bits & names[i].bit))
			return -1;
		bits |= names[i].bit;
		s += len;
		if (*s == ',' && *++s == '\0')
			return -1;
	}
	if (!bits)
		return -1;
	*out = bits;
	return 0;
}

enum opts_result iscsid_opts_parse(int argc, char **argv, struct iscsid_opts *o, FILE *out,
				   char *err, size_t errlen)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "initiatorname", required_argument, NULL, 'i' },
		{ "foreground", no_argument, NULL, 'f' },
		{ "debug", required_argument, NULL, 'd' },
		{ "uid", required_argument, NULL, 'u' },
		{ "gid", required_argument, NULL, 'g' },
		{ "pid", required_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'v' },
		{ "worker-program", required_argument, NULL, OPT_WORKER_PROGRAM },
		{ "autologin", required_argument, NULL, OPT_AUTOLOGIN },
		{ NULL, 0, NULL, 0 },
	};
	unsigned long n;
	int c;

	memset(o, 0, sizeof(*o));
	o->autologin = ISCSID_AUTOLOGIN_AUTOMATIC;
	opterr = 0;
	optind = 0;     /* GNU: a full restart, so the parser can run again (tests) */
	while ((c = getopt_long(argc, argv, ":c:i:fd:u:g:p:hv", longopts, NULL)) != -1) {
		switch (c) {
		case 'c':
			o->config_path = optarg;
			break;
		case 'i':
			o->initiatorname_path = optarg;
			break;
		case 'f':
			o->foreground = true;
			break;
		case 'd':
			if (parse_number(optarg, 8, &n) < 0) {
				errbuf_set(err, errlen, "invalid debug level '%.40s': expected 0 to 8",
					   optarg);
				return OPTS_ERROR;
			}
			o->debug = (int)n;
			break;
		case 'u':
			o->user = optarg;
			break;
		case 'g':
			o->group = optarg;
			break;
		case 'p':
			o->pid_path = optarg;
			break;
		case OPT_WORKER_PROGRAM:
			o->worker_program = optarg;
			break;
		case OPT_AUTOLOGIN:
			if (parse_autologin(optarg, &o->autologin) < 0) {
				errbuf_set(err, errlen,
					   "invalid --autologin '%.40s': expected none, or automatic and/or onboot separated by a comma",
					   optarg);
				return OPTS_ERROR;
			}
			break;
		case 'h':
			usage(out);
			return OPTS_DONE;
		case 'v':
			fprintf(out, "iscsid version %s\n", ISCSID_VERSION);
			return OPTS_DONE;
		case ':':
			errbuf_set(err, errlen, "option '%s' requires an argument", argv[optind - 1]);
			return OPTS_ERROR;
		default:
			if (optopt)
				errbuf_set(err, errlen, "invalid option '-%c'", optopt);
			else
				errbuf_set(err, errlen, "invalid option '%.60s'", argv[optind - 1]);
			return OPTS_ERROR;
		}
	}
	if (optind < argc) {
		errbuf_set(err, errlen, "unexpected argument '%.60s'", argv[optind]);
		return OPTS_ERROR;
	}
	const char *paths[] = { o->config_path, o->initiatorname_path, o->pid_path,
				o->worker_program };
	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		if (paths[i] && !*paths[i]) {
			errbuf_set(err, errlen, "empty file name");
			return OPTS_ERROR;
		}
	}
	return OPTS_RUN;
}

/* uid 0 and gid 0 are refused: root workers would defeat the sandbox. The
 * largest id is (id_t)-2: -1 means "unchanged" to setresuid(). */
#define ID_MAX 0xfffffffeUL

static int resolve_user(const char *user, uid_t *uid, gid_t *primary, bool *has_primary,
			char *err, size_t errlen)
{
	unsigned long n;
	struct passwd *pw;

	errno = 0;
	if (parse_number(user, ID_MAX, &n) == 0) {
		*uid = (uid_t)n;
		pw = getpwuid(*uid);
	} else {
		pw = getpwnam(user);
		if (!pw)
			return errbuf_set(err, errlen, "-u %.64s: no such user", user);
		*uid = pw->pw_uid;
	}
	*has_primary = pw != NULL;
	if (pw)
		*primary = pw->pw_gid;
	if (*uid == 0)
		return errbuf_set(err, errlen, "-u %.64s: workers must not run as root", user);
	return 0;
}

static int resolve_group(const char *group, gid_t *gid, char *err, size_t errlen)
{
	unsigned long n;

	if (parse_number(group, ID_MAX, &n) == 0) {
		*gid = (gid_t)n;
	} else {
		errno = 0;
		struct group *gr = getgrnam(group);
		if (!gr)
			return errbuf_set(err, errlen, "-g %.64s: no such group", group);
		*gid = gr->gr_gid;
	}
	if (*gid == 0)
		return errbuf_set(err, errlen, "-g %.64s: workers must not run in group 0", group);
	return 0;
}

int iscsid_worker_account(const struct iscsid_opts *o, uid_t *uid, gid_t *gid, char *err,
			  size_t errlen)
{
	if (!o->user) {
		if (sandbox_account(NULL, uid, gid, err, errlen) < 0)
			return -1;
	} else {
		gid_t primary = SANDBOX_FALLBACK_ID;
		bool has_primary = false;
		if (resolve_user(o->user, uid, &primary, &has_primary, err, errlen) < 0)
			return -1;
		*gid = has_primary ? primary : SANDBOX_FALLBACK_ID;
	}
	if (o->group)
		return resolve_group(o->group, gid, err, errlen);
	if (*gid == 0)
		return errbuf_set(err, errlen, "user %.64s has primary group 0: give a group with -g",
				  o->user ? o->user : SANDBOX_DEFAULT_USER);
	return 0;
}
