/* iscsid's command line, as open-iscsi's iscsid(8):
 *
 *   -c, --config=FILE          iscsid.conf (default iscsi_path(ISCSID_CONF_PATH))
 *   -i, --initiatorname=FILE   initiatorname.iscsi (default iscsi_path(INITIATORNAME_PATH))
 *   -f, --foreground           stay in the foreground, log to stderr
 *   -d, --debug=LEVEL          0..8
 *   -u, --uid=USER|UID         account the workers run as (default _iscsid,
 *   -g, --gid=GROUP|GID        or 65534 when it does not exist)
 *   -p, --pid=FILE             pid file (default <run dir>/iscsid.pid)
 *   -h, --help / -v, --version
 *   --worker-program=FILE      the worker executable (tests and debugging;
 *                              default iscsi-worker beside iscsid)
 *   --autologin=WHICH          the records logged in at start
 *                              (monitor/autologin.h): "automatic" (the
 *                              default), "automatic,onboot", "onboot" or
 *                              "none"
 */
#ifndef MONITOR_OPTIONS_H
#define MONITOR_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

#define ISCSID_VERSION "0.1.0"
#define ISCSID_PID_NAME "iscsid.pid"

/* --autologin bits: which node.startup values are logged in at start. */
#define ISCSID_AUTOLOGIN_AUTOMATIC 1u
#define ISCSID_AUTOLOGIN_ONBOOT 2u

struct iscsid_opts {
	const char *config_path;        /* NULL: the default */
	const char *initiatorname_path; /* NULL: the default */
	const char *pid_path;           /* NULL: the default */
	bool foreground;
	int debug;
	const char *user;               /* -u as given, NULL when absent */
	const char *group;              /* -g as given, NULL when absent */
	const char *worker_program;     /* NULL: the driver's default */
	unsigned autologin;             /* ISCSID_AUTOLOGIN_* bits; 0: none */
};

enum opts_result {
	OPTS_RUN = 0,           /* start the daemon */
	OPTS_DONE,              /* --help or --version printed: exit 0 */
	OPTS_ERROR,             /* err says why: exit ISCSI_ERR_INVAL */
};

/* Parses argv with getopt_long (restarted on each call). Help and
 * version go to out. */
enum opts_result iscsid_opts_parse(int argc, char **argv, struct iscsid_opts *o, FILE *out,
				   char *err, size_t errlen);

/* The worker account from -u / -g: names or numbers; without -u the
 * default account (privsep/sandbox.h), without -g the primary group of
 * the -u account (65534 when the uid has no passwd entry). uid or gid 0,
 * or a name that does not exist, is an error. Returns 0 or -1 with err. */
int iscsid_worker_account(const struct iscsid_opts *o, uid_t *uid, gid_t *gid, char *err,
			  size_t errlen);

#endif
