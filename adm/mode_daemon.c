/* Modes and options that act on the running system rather than on the
 * record database: -m session, -k, and the modes this version does not
 * support (fw, host), refused with a line saying so. Nothing is faked. */
#include <string.h>

#include "adm/mode_session.h"
#include "adm/modes.h"
#include "adm/msg.h"
#include "control/client.h"
#include "base/exitcodes.h"

/* -k 0: iscsid stops as on SIGTERM; sessions stay logged in. */
static int stop_iscsid(void)
{
	struct ctl_client *c;
	struct ctl_status st;
	struct ctl_msg req;

	if (ctl_connect(&c, &st) != 0)
		return adm_fail(st.code, "%s", st.text);
	ctl_msg_init(&req, CTL_MSG_DAEMON_STOP);
	int rc = ctl_call(c, &req, NULL, NULL, &st);
	ctl_close(c);
	return rc ? adm_fail(rc, "%s", st.text) : 0;
}

int adm_mode_daemon(const struct adm_opts *o)
{
	if (o->killiscsid) {
		if (strcmp(o->killiscsid, "0"))
			return adm_fail(ISCSI_ERR_INVAL, "Invalid killiscsid priority %s: it must be 0",
					strlen(o->killiscsid) < 16 ? o->killiscsid : "(too long)");
		return stop_iscsid();
	}
	switch (o->mode) {
	case ADM_MODE_SESSION:
		return adm_mode_session(o);
	case ADM_MODE_FW:
		if (o->login)
			return adm_needs_iscsid("login (--login)");
		return adm_fail(ISCSI_ERR_OP_NOT_SUPP,
				"fw mode (boot firmware tables) is not supported by this version");
	case ADM_MODE_HOST:
		return adm_fail(ISCSI_ERR_OP_NOT_SUPP,
				"host mode (offload hosts, CHAP tables, flash nodes) is not supported by this version");
	default:
		return adm_fail(ISCSI_ERR_INVAL, "mode not supported");
	}
}
