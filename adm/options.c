#include "adm/options.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "adm/msg.h"
#include "base/exitcodes.h"

/* Same letters and long names as open-iscsi's iscsiadm, so existing
 * scripts parse identically. The leading ':' makes getopt report a
 * missing argument as ':' rather than '?'. */
static const char short_opts[] = ":RlDVhm:a:b:c:C:p:P:T:H:i:I:U:k:L:d:r:n:v:o:sSt:ux:A:W";

static const struct option long_opts[] = {
	{ "mode", required_argument, NULL, 'm' },
	{ "portal", required_argument, NULL, 'p' },
	{ "targetname", required_argument, NULL, 'T' },
	{ "interface", required_argument, NULL, 'I' },
	{ "op", required_argument, NULL, 'o' },
	{ "type", required_argument, NULL, 't' },
	{ "name", required_argument, NULL, 'n' },
	{ "value", required_argument, NULL, 'v' },
	{ "host", required_argument, NULL, 'H' },
	{ "sid", required_argument, NULL, 'r' },
	{ "rescan", no_argument, NULL, 'R' },
	{ "print", required_argument, NULL, 'P' },
	{ "discover", no_argument, NULL, 'D' },
	{ "login", no_argument, NULL, 'l' },
	{ "loginall", required_argument, NULL, 'L' },
	{ "logout", no_argument, NULL, 'u' },
	{ "logoutall", required_argument, NULL, 'U' },
	{ "stats", no_argument, NULL, 's' },
	{ "killiscsid", required_argument, NULL, 'k' },
	{ "debug", required_argument, NULL, 'd' },
	{ "show", no_argument, NULL, 'S' },
	{ "version", no_argument, NULL, 'V' },
	{ "help", no_argument, NULL, 'h' },
	{ "submode", required_argument, NULL, 'C' },
	{ "ip", required_argument, NULL, 'a' },
	{ "packetsize", required_argument, NULL, 'b' },
	{ "count", required_argument, NULL, 'c' },
	{ "interval", required_argument, NULL, 'i' },
	{ "index", required_argument, NULL, 'x' },
	{ "portal_type", required_argument, NULL, 'A' },
	{ "no_wait", no_argument, NULL, 'W' },
	{ NULL, 0, NULL, 0 },
};

static const struct {
	const char *name;
	enum adm_mode mode;
	/* Option letters the mode accepts; the same sets as open-iscsi's
	 * iscsiadm (measured against 2.1.8), so a script that works there
	 * is not refused here. -h and -V are accepted everywhere. */
	const char *allowed;
} modes[] = {
	{ "discovery", ADM_MODE_DISCOVERY, "lDpPIdnvoSt" },
	{ "discoverydb", ADM_MODE_DISCOVERYDB, "lDpPIdnvoSt" },
	{ "node", ADM_MODE_NODE, "RlpPTIULdnvosSuW" },
	{ "session", ADM_MODE_SESSION, "RPidrnvosSu" },
	{ "iface", ADM_MODE_IFACE, "abcCPHiIdnvo" },
	{ "fw", ADM_MODE_FW, "ldnvW" },
	{ "host", ADM_MODE_HOST, "CPHdnvotxA" },
};

static const struct {
	const char *name;
	enum adm_op op;
} ops[] = {
	{ "new", ADM_OP_NEW },
	{ "delete", ADM_OP_DELETE },
	{ "update", ADM_OP_UPDATE },
	{ "show", ADM_OP_SHOW },
	{ "nonpersistent", ADM_OP_NONPERSISTENT },
	{ "apply", ADM_OP_APPLY },
	{ "applyall", ADM_OP_APPLY_ALL },
	{ "login", ADM_OP_LOGIN },
	{ "logout", ADM_OP_LOGOUT },
};

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))

const char *adm_mode_name(enum adm_mode mode)
{
	/* open-iscsi says "discovery mode" for discoverydb too. */
	if (mode == ADM_MODE_DISCOVERYDB)
		return "discovery";
	for (size_t i = 0; i < N_ELEMS(modes); i++)
		if (modes[i].mode == mode)
			return modes[i].name;
	return "unknown";
}

static int parse_uint(const char *s, int max, int *out)
{
	char *end;
	long v;

	if (!*s || *s == '-' || *s == '+' || *s == ' ')
		return -1;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end || v < 0 || v > max)
		return -1;
	*out = (int)v;
	return 0;
}

static int set_mode(struct adm_opts *o, const char *arg)
{
	char esc[128];

	for (size_t i = 0; i < N_ELEMS(modes); i++) {
		if (strcmp(arg, modes[i].name) == 0) {
			o->mode = modes[i].mode;
			return 0;
		}
	}
	adm_fail(ISCSI_ERR_INVAL,
		 "unknown mode '%s': expected discovery, discoverydb, node, session, iface, fw or host",
		 adm_esc(esc, sizeof(esc), arg));
	return -1;
}

static int add_op(struct adm_opts *o, const char *arg)
{
	char esc[128];

	for (size_t i = 0; i < N_ELEMS(ops); i++) {
		if (strcmp(arg, ops[i].name) == 0) {
			o->ops |= ops[i].op;
			return 0;
		}
	}
	adm_fail(ISCSI_ERR_INVAL, "can not recognize operation: '%s'",
		 adm_esc(esc, sizeof(esc), arg));
	return -1;
}

static int add_param_name(struct adm_opts *o, const char *arg)
{
	if (o->n_params >= ADM_MAX_PARAMS) {
		adm_fail(ISCSI_ERR_INVAL, "too many --name options (at most %d)", ADM_MAX_PARAMS);
		return -1;
	}
	o->params[o->n_params].name = arg;
	o->params[o->n_params].value = NULL;
	o->n_params++;
	return 0;
}

/* -v belongs to the -n before it; a -v with no -n, or a second -v for
 * the same -n, would silently drop a value, so both are refused. */
static int add_param_value(struct adm_opts *o, const char *arg)
{
	if (o->n_params == 0) {
		adm_fail(ISCSI_ERR_INVAL, "--value given without a --name before it");
		return -1;
	}
	if (o->params[o->n_params - 1].value) {
		adm_fail(ISCSI_ERR_INVAL, "two --value options for --name %s",
			 o->params[o->n_params - 1].name);
		return -1;
	}
	o->params[o->n_params - 1].value = arg;
	return 0;
}

static int add_iface(struct adm_opts *o, const char *arg)
{
	if (o->n_ifaces >= ADM_MAX_IFACES) {
		adm_fail(ISCSI_ERR_INVAL, "too many --interface options (at most %d)",
			 ADM_MAX_IFACES);
		return -1;
	}
	o->ifaces[o->n_ifaces++] = arg;
	return 0;
}

static void remember(struct adm_opts *o, int c)
{
	if (!memchr(o->seen, c, (size_t)o->n_seen) && o->n_seen < (int)sizeof(o->seen) - 1)
		o->seen[o->n_seen++] = (char)c;
}

bool adm_opt_given(const struct adm_opts *opts, char c)
{
	return memchr(opts->seen, c, (size_t)opts->n_seen) != NULL;
}

/* The option as the user wrote it, for "requires an argument" and
 * "unrecognized" lines. */
static const char *option_text(char **argv, int optind_after, char *buf, size_t size, int c)
{
	const char *arg = optind_after > 0 ? argv[optind_after - 1] : NULL;

	if (arg && arg[0] == '-' && arg[1] == '-') {
		adm_esc(buf, (unsigned)size, arg);
		char *eq = strchr(buf, '=');
		if (eq)
			*eq = '\0';
		return buf;
	}
	if (c > 0x20 && c < 0x7f)
		snprintf(buf, size, "-%c", c);
	else
		snprintf(buf, size, "-?");
	return buf;
}

static int parse_one(struct adm_opts *o, int c, const char *arg)
{
	char esc[128];

	switch (c) {
	case 'm':
		return set_mode(o, arg);
	case 'o':
		return add_op(o, arg);
	case 'T':
		o->targetname = arg;
		return 0;
	case 'p':
		o->portal = arg;
		return 0;
	case 'I':
		return add_iface(o, arg);
	case 'n':
		return add_param_name(o, arg);
	case 'v':
		return add_param_value(o, arg);
	case 't':
		o->type = arg;
		return 0;
	case 'P':
		if (parse_uint(arg, 1000, &o->print_level) < 0) {
			adm_fail(ISCSI_ERR_INVAL, "invalid print level '%s': expected a number",
				 adm_esc(esc, sizeof(esc), arg));
			return -1;
		}
		return 0;
	case 'd':
		if (parse_uint(arg, 8, &o->debug) < 0) {
			adm_fail(ISCSI_ERR_INVAL, "invalid debug level '%s': expected 0 to 8",
				 adm_esc(esc, sizeof(esc), arg));
			return -1;
		}
		return 0;
	case 'S':
		o->show_secrets = true;
		return 0;
	case 'l':
		o->login = true;
		return 0;
	case 'u':
		o->logout = true;
		return 0;
	case 'R':
		o->rescan = true;
		return 0;
	case 's':
		o->stats = true;
		return 0;
	case 'D':
		o->discover = true;
		return 0;
	case 'W':
		o->no_wait = true;
		return 0;
	case 'L':
		o->loginall = arg;
		return 0;
	case 'U':
		o->logoutall = arg;
		return 0;
	case 'r':
		o->sid = arg;
		return 0;
	case 'H':
		o->host = arg;
		return 0;
	case 'C':
		o->submode = arg;
		return 0;
	case 'k':
		o->killiscsid = arg;
		return 0;
	case 'a':
		o->ping_ip = arg;
		return 0;
	case 'x':
		o->index = arg;
		return 0;
	case 'b': case 'c': case 'i': case 'A':
		/* ping and flash-node parameters: only their presence matters
		 * until those submodes exist. */
		return 0;
	}
	return -1;
}

enum adm_parse_result adm_parse(int argc, char **argv, struct adm_opts *o)
{
	char buf[128];
	int c;

	memset(o, 0, sizeof(*o));
	o->print_level = -1;
	if (argc < 2) {
		adm_fail(ISCSI_ERR_INVAL, "no mode given. Try `iscsiadm --help' for more information.");
		return ADM_PARSE_ERROR;
	}
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, short_opts, long_opts, NULL)) != -1) {
		switch (c) {
		case 'h':
			return ADM_PARSE_HELP;
		case 'V':
			return ADM_PARSE_VERSION;
		case ':':
			adm_fail(ISCSI_ERR_INVAL, "option '%s' requires an argument",
				 option_text(argv, optind, buf, sizeof(buf), optopt));
			return ADM_PARSE_ERROR;
		case '?':
			adm_fail(ISCSI_ERR_INVAL,
				 "unrecognized option '%s'. Try `iscsiadm --help' for more information.",
				 option_text(argv, optind, buf, sizeof(buf), optopt));
			return ADM_PARSE_ERROR;
		default:
			remember(o, c);
			if (parse_one(o, c, optarg) < 0)
				return ADM_PARSE_ERROR;
		}
	}
	if (optind < argc) {
		adm_fail(ISCSI_ERR_INVAL, "unexpected argument '%s'",
			 adm_esc(buf, sizeof(buf), argv[optind]));
		return ADM_PARSE_ERROR;
	}
	for (int i = 0; i < o->n_params; i++) {
		/* A dangling -n is what open-iscsi reports for update; other
		 * operations would silently ignore it, so refuse it always. */
		if (!o->params[i].value) {
			adm_fail(ISCSI_ERR_INVAL, "--name %s has no --value",
				 adm_esc(buf, sizeof(buf), o->params[i].name));
			return ADM_PARSE_ERROR;
		}
	}
	if (o->mode == ADM_MODE_NONE && !o->killiscsid) {
		adm_fail(ISCSI_ERR_INVAL, "no mode given (--mode). Try `iscsiadm --help' for more information.");
		return ADM_PARSE_ERROR;
	}
	return ADM_PARSE_RUN;
}

int adm_check_mode_options(const struct adm_opts *o)
{
	const char *allowed = NULL;

	for (size_t i = 0; i < N_ELEMS(modes); i++)
		if (modes[i].mode == o->mode)
			allowed = modes[i].allowed;
	if (!allowed)
		return 0;
	for (int i = 0; i < o->n_seen; i++) {
		char c = o->seen[i];
		if (c != 'm' && !strchr(allowed, c))
			return adm_fail(ISCSI_ERR_INVAL, "%s mode: option '-%c' is not allowed/supported",
					adm_mode_name(o->mode), c);
	}
	return 0;
}

int adm_single_op(const struct adm_opts *o, unsigned allowed)
{
	unsigned op = o->ops;

	if (op == 0)
		return 0;
	if ((op & (op - 1)) != 0 || !(op & allowed)) {
		adm_fail(ISCSI_ERR_INVAL, "operation is not supported.");
		return -1;
	}
	return (int)op;
}
