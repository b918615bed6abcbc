#include "proto/login_status.h"

#include <stddef.h>

#include "base/exitcodes.h"
#include "proto/pdu.h"

static const struct login_status_info statuses[] = {
	{ 0, 0x00, "login succeeded", ISCSI_SUCCESS, false, false, true },
	{ 1, 0x01, "target moved temporarily", ISCSI_ERR_LOGIN, true, true, true },
	{ 1, 0x02, "target moved permanently", ISCSI_ERR_LOGIN, true, true, true },
	{ 2, 0x00, "initiator error", ISCSI_ERR_FATAL_LOGIN, false, false, true },
	{ 2, 0x01, "authentication failed", ISCSI_ERR_LOGIN_AUTH_FAILED, false, false, true },
	{ 2, 0x02, "initiator not authorized to access the target", ISCSI_ERR_LOGIN_AUTH_FAILED,
	  false, false, true },
	{ 2, 0x03, "target not found", ISCSI_ERR_FATAL_LOGIN, false, false, true },
	{ 2, 0x04, "target has been removed", ISCSI_ERR_FATAL_LOGIN, false, false, true },
	{ 2, 0x05, "target does not support this iSCSI version", ISCSI_ERR_FATAL_LOGIN, false,
	  false, true },
	{ 2, 0x06, "target refuses more connections in this session", ISCSI_ERR_FATAL_LOGIN,
	  false, false, true },
	{ 2, 0x07, "a required login parameter is missing", ISCSI_ERR_FATAL_LOGIN, false, false,
	  true },
	{ 2, 0x08, "target cannot add this connection to the session", ISCSI_ERR_FATAL_LOGIN,
	  false, false, true },
	{ 2, 0x09, "target does not support this session type", ISCSI_ERR_FATAL_LOGIN, false,
	  false, true },
	{ 2, 0x0a, "the session to join does not exist", ISCSI_ERR_FATAL_LOGIN, false, false,
	  true },
	{ 2, 0x0b, "request not valid during login", ISCSI_ERR_FATAL_LOGIN, false, false, true },
	{ 3, 0x00, "target error", ISCSI_ERR_LOGIN, true, false, true },
	{ 3, 0x01, "target service unavailable", ISCSI_ERR_LOGIN, true, false, true },
	{ 3, 0x02, "target out of resources", ISCSI_ERR_LOGIN, true, false, true },
};

const struct login_status_info *login_status_lookup(uint8_t status_class, uint8_t status_detail,
						    struct login_status_info *scratch)
{
	for (size_t i = 0; i < sizeof(statuses) / sizeof(statuses[0]); i++)
		if (statuses[i].status_class == status_class &&
		    statuses[i].status_detail == status_detail)
			return &statuses[i];
	scratch->status_class = status_class;
	scratch->status_detail = status_detail;
	scratch->known = false;
	scratch->redirect = false;
	switch (status_class) {
	case ISCSI_LOGIN_STATUS_SUCCESS:
		scratch->message = "success class with an undefined detail";
		scratch->exit_code = ISCSI_ERR_FATAL_LOGIN;
		scratch->retryable = false;
		break;
	case ISCSI_LOGIN_STATUS_REDIRECT:
		scratch->message = "unsupported kind of redirection";
		scratch->exit_code = ISCSI_ERR_FATAL_LOGIN;
		scratch->retryable = false;
		break;
	case ISCSI_LOGIN_STATUS_INITIATOR_ERR:
		scratch->message = "initiator error (undefined detail)";
		scratch->exit_code = ISCSI_ERR_FATAL_LOGIN;
		scratch->retryable = false;
		break;
	case ISCSI_LOGIN_STATUS_TARGET_ERR:
		scratch->message = "target error (undefined detail)";
		scratch->exit_code = ISCSI_ERR_LOGIN;
		scratch->retryable = true;
		break;
	default:
		scratch->message = "unknown status class";
		scratch->exit_code = ISCSI_ERR_FATAL_LOGIN;
		scratch->retryable = false;
		break;
	}
	return scratch;
}
