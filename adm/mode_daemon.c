/* Modes and options that act on the running system rather than on the
 * record database. They arrive with iscsid; until then each one is
 * refused with what it needs, and with open-iscsi's exit code for an
 * unreachable iscsid where iscsid is what is missing. Nothing is faked. */
#include <string.h>

#include "adm/mode_session.h"
#include "adm/modes.h"
#include "adm/msg.h"
#include "base/exitcodes.h"

int adm_mode_daemon(const struct adm_opts *o)
{
	if (o->killiscsid) {
		if (strcmp(o->killiscsid, "0"))
			return adm_fail(ISCSI_ERR_INVAL, "Invalid killiscsid priority %s: it must be 0",
					strlen(o->killiscsid) < 16 ? o->killiscsid : "(too long)");
		return adm_needs_iscsid("stopping iscsid (--killiscsid)");
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
