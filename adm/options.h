/* iscsiadm's command line: open-iscsi's short and long options, parsed
 * into one struct that the mode handlers read. Parsing only checks what
 * can be checked without knowing the mode's operation (syntax of numbers,
 * which options a mode accepts); each mode checks the rest. */
#ifndef ADM_OPTIONS_H
#define ADM_OPTIONS_H

#include <stdbool.h>

enum adm_mode {
	ADM_MODE_NONE,
	ADM_MODE_DISCOVERY,
	ADM_MODE_DISCOVERYDB,
	ADM_MODE_NODE,
	ADM_MODE_SESSION,
	ADM_MODE_IFACE,
	ADM_MODE_FW,
	ADM_MODE_HOST,
};

/* -o values; open-iscsi lets discoverydb combine several. */
enum adm_op {
	ADM_OP_NEW = 0x01,
	ADM_OP_DELETE = 0x02,
	ADM_OP_UPDATE = 0x04,
	ADM_OP_SHOW = 0x08,
	ADM_OP_NONPERSISTENT = 0x10,
	ADM_OP_APPLY = 0x20,
	ADM_OP_APPLY_ALL = 0x40,
	ADM_OP_LOGIN = 0x80,
	ADM_OP_LOGOUT = 0x100,
};

/* Enough for any sane command line; more is refused, not truncated. */
#define ADM_MAX_PARAMS 32
#define ADM_MAX_IFACES 16

struct adm_param {
	const char *name;
	const char *value;      /* NULL until a -v follows the -n */
};

struct adm_opts {
	enum adm_mode mode;
	unsigned ops;           /* enum adm_op bits; 0 when no -o */
	const char *targetname; /* -T */
	const char *portal;     /* -p */
	const char *ifaces[ADM_MAX_IFACES];  /* -I, in order given */
	int n_ifaces;
	struct adm_param params[ADM_MAX_PARAMS];  /* -n/-v pairs */
	int n_params;
	int print_level;        /* -P, -1 when not given */
	int debug;              /* -d */
	const char *type;       /* -t */
	bool show_secrets;      /* -S */

	/* Options that need iscsid, the kernel or firmware: parsed so that
	 * they are refused with a precise message, not as unknown. */
	bool login, logout, rescan, stats, discover, no_wait;
	const char *loginall, *logoutall, *sid, *host, *submode, *killiscsid;
	const char *ping_ip, *index;

	/* Every option letter seen, for the per-mode check. */
	char seen[64];
	int n_seen;
};

/* What adm_parse() found. */
enum adm_parse_result {
	ADM_PARSE_RUN,          /* opts filled: run the mode */
	ADM_PARSE_HELP,         /* --help: print usage, exit 0 */
	ADM_PARSE_VERSION,      /* --version: print version, exit 0 */
	ADM_PARSE_ERROR,        /* a message was printed; exit ISCSI_ERR_INVAL */
};

enum adm_parse_result adm_parse(int argc, char **argv, struct adm_opts *opts);

/* open-iscsi's name of a mode ("node", "discovery"...), for messages. */
const char *adm_mode_name(enum adm_mode mode);

/* 0 when every option given is accepted in opts->mode; otherwise prints
 * "<mode> mode: option '-X' is not allowed/supported" and returns
 * ISCSI_ERR_INVAL. */
int adm_check_mode_options(const struct adm_opts *opts);

/* The one -o of a record operation: 0 (none) or a single ADM_OP_* among
 * allowed. Several, or one outside allowed, print open-iscsi's
 * "operation is not supported." and return -1. */
int adm_single_op(const struct adm_opts *opts, unsigned allowed);

/* True when option letter c was given. */
bool adm_opt_given(const struct adm_opts *opts, char c);

#endif
