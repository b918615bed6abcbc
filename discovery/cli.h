/* iscsiadm -m discovery -t sendtargets|st -p PORTAL [-I iface]... [-o op]...
 * [-P 1] [-l]: the whole command once the options are parsed.
 *
 * When iscsid answers on its control socket (control/client.h), the
 * discovery is its job: one DISCOVERY_ST request per iface, its records
 * printed as they come. Otherwise iscsiadm does it itself with the same
 * code iscsid uses: discovery/driver.h spawns the same sandboxed
 * iscsi-worker (iscsiadm never parses a network byte in its own process)
 * and discovery/apply.h writes the records. That needs root, for the
 * worker's sandbox, and no iSCSI kernel module.
 *
 * Output and exit codes are open-iscsi's: the lines of discovery/apply.h
 * on stdout, one error line on stderr (base/log.h), the codes of
 * discovery/driver.h; a target that reports nothing is "No portals found"
 * with ISCSI_ERR_NO_OBJS_FOUND (21). -l (log in to what was found) is
 * passed to iscsid; without iscsid it is refused with
 * ISCSI_ERR_ISCSID_NOTCONN (20) after nothing has been done. */
#ifndef DISCOVERY_CLI_H
#define DISCOVERY_CLI_H

#include <stdbool.h>
#include <stddef.h>

struct discovery_cli_opts {
	const char *portal;             /* -p, as typed */
	const char *const *ifaces;      /* -I, in order; none: "default" */
	size_t n_ifaces;
	unsigned ops;                   /* DISC_OP_* (discovery/apply.h); 0: default */
	int print_level;                /* -P; -1 when not given */
	bool login;                     /* -l */
};

/* Runs the command; returns the exit code. */
int discovery_cli(const struct discovery_cli_opts *o);

#endif
