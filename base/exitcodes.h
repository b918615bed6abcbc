/* Exit codes of iscsiadm and iscsid, numerically identical to open-iscsi's
 * (iscsiadm(8), EXIT STATUS) so that scripts and CSI drivers that test
 * them keep working. */
#ifndef BASE_EXITCODES_H
#define BASE_EXITCODES_H

enum iscsi_exit {
	ISCSI_SUCCESS = 0,
	ISCSI_ERR = 1,                  /* generic error */
	ISCSI_ERR_SESS_NOT_FOUND = 2,
	ISCSI_ERR_NOMEM = 3,
	ISCSI_ERR_TRANS = 4,            /* connect problem */
	ISCSI_ERR_LOGIN = 5,            /* generic login failure */
	ISCSI_ERR_IDBM = 6,             /* record database error */
	ISCSI_ERR_INVAL = 7,            /* invalid argument */
	ISCSI_ERR_TRANS_TIMEOUT = 8,
	ISCSI_ERR_INTERNAL = 9,
	ISCSI_ERR_LOGOUT = 10,
	ISCSI_ERR_PDU_TIMEOUT = 11,
	ISCSI_ERR_TRANS_NOT_FOUND = 12,
	ISCSI_ERR_ACCESS = 13,
	ISCSI_ERR_TRANS_CAPS = 14,
	ISCSI_ERR_SESS_EXISTS = 15,
	ISCSI_ERR_INVALID_MGMT_REQ = 16,
	ISCSI_ERR_ISNS_UNAVAILABLE = 17,
	ISCSI_ERR_ISCSID_COMM_ERR = 18,
	ISCSI_ERR_FATAL_LOGIN = 19,
	ISCSI_ERR_ISCSID_NOTCONN = 20,
	ISCSI_ERR_NO_OBJS_FOUND = 21,
	ISCSI_ERR_SYSFS_LOOKUP = 22,
	ISCSI_ERR_HOST_NOT_FOUND = 23,
	ISCSI_ERR_LOGIN_AUTH_FAILED = 24,
	ISCSI_ERR_ISNS_QUERY = 25,
	ISCSI_ERR_ISNS_REG_FAILED = 26,
	ISCSI_ERR_OP_NOT_SUPP = 27,
	ISCSI_ERR_BUSY = 28,
	ISCSI_ERR_AGAIN = 29,
	ISCSI_ERR_UNKNOWN_DISCOVERY_TYPE = 30,
	ISCSI_ERR_CHILD_TERMINATED = 31,
	ISCSI_ERR_SESSION_NOT_CONNECTED = 32,
};

/* open-iscsi's one-line description of each code ("unknown error" past the end). */
const char *iscsi_exit_str(int code);

#endif
