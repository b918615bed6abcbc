/* iscsiadm: parse the command line, hand it to the mode's handler, exit
 * with what the handler returns. */
#include <stdio.h>

#include "adm/modes.h"
#include "adm/options.h"
#include "adm/usage.h"
#include "auth/audit.h"
#include "base/exitcodes.h"
#include "base/log.h"

int main(int argc, char **argv)
{
	struct adm_opts o;
	int rc;

	log_init("iscsiadm", LOG_TO_STDERR, 0);
	switch (adm_parse(argc, argv, &o)) {
	case ADM_PARSE_HELP:
		adm_print_usage(stdout);
		return fflush(stdout) ? ISCSI_ERR : ISCSI_SUCCESS;
	case ADM_PARSE_VERSION:
		adm_print_version(stdout);
		return fflush(stdout) ? ISCSI_ERR : ISCSI_SUCCESS;
	case ADM_PARSE_ERROR:
		return ISCSI_ERR_INVAL;
	case ADM_PARSE_RUN:
		break;
	}
	log_init("iscsiadm", LOG_TO_STDERR, o.debug);
	/* Audit records of auth-key changes go to syslog and the kernel; on
	 * stderr, which scripts read, only with -d. */
	audit_init("iscsiadm");
	audit_set_echo_level(1);
	if ((rc = adm_check_mode_options(&o)))
		return rc;
	if (o.killiscsid)
		return adm_mode_daemon(&o);
	switch (o.mode) {
	case ADM_MODE_NODE:
		return adm_mode_node(&o);
	case ADM_MODE_DISCOVERY:
	case ADM_MODE_DISCOVERYDB:
		return adm_mode_discovery(&o);
	case ADM_MODE_IFACE:
		return adm_mode_iface(&o);
	default:
		return adm_mode_daemon(&o);
	}
}
