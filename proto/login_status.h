/* Login Response status (RFC 7143 11.13.5): a one-line message for every
 * Status-Class/Status-Detail pair, and the iscsiadm exit code open-iscsi
 * gives for it (iscsiadm(8) EXIT STATUS; the behaviour of its iscsid):
 *
 *   class/detail                       exit code                 retry
 *   00/00 success                      0 ISCSI_SUCCESS           -
 *   01/01 target moved temporarily     (follow the redirect)     yes
 *   01/02 target moved permanently     (follow the redirect)     yes
 *   01/other                           19 ISCSI_ERR_FATAL_LOGIN  no
 *   02/01 authentication failure       24 ISCSI_ERR_LOGIN_AUTH_FAILED no
 *   02/02 authorization failure        24 ISCSI_ERR_LOGIN_AUTH_FAILED no
 *   02/00, 02/03..02/0b, 02/other      19 ISCSI_ERR_FATAL_LOGIN  no
 *   03/00..03/02, 03/other             5  ISCSI_ERR_LOGIN        yes
 *   other classes                      19 ISCSI_ERR_FATAL_LOGIN  no
 *
 * Class 2 means the initiator's request can never succeed as it is (the
 * target is gone, the version or session type is unsupported), so it is
 * not retried; class 3 is the target's own trouble (busy, out of
 * resources) and a later attempt may succeed. A redirect whose address
 * cannot be followed gives 5 ISCSI_ERR_LOGIN. */
#ifndef PROTO_LOGIN_STATUS_H
#define PROTO_LOGIN_STATUS_H

#include <stdbool.h>
#include <stdint.h>

/* Status-Detail codes within each class. */
enum iscsi_login_detail {
	ISCSI_LOGIN_DETAIL_MOVED_TEMP = 0x01,           /* class 1 */
	ISCSI_LOGIN_DETAIL_MOVED_PERM = 0x02,
	ISCSI_LOGIN_DETAIL_INIT_ERR = 0x00,             /* class 2 */
	ISCSI_LOGIN_DETAIL_AUTH_FAILED = 0x01,
	ISCSI_LOGIN_DETAIL_FORBIDDEN = 0x02,
	ISCSI_LOGIN_DETAIL_NOT_FOUND = 0x03,
	ISCSI_LOGIN_DETAIL_REMOVED = 0x04,
	ISCSI_LOGIN_DETAIL_NO_VERSION = 0x05,
	ISCSI_LOGIN_DETAIL_TOO_MANY_CONNS = 0x06,
	ISCSI_LOGIN_DETAIL_MISSING_PARAM = 0x07,
	ISCSI_LOGIN_DETAIL_CANT_INCLUDE = 0x08,
	ISCSI_LOGIN_DETAIL_NO_SESSION_TYPE = 0x09,
	ISCSI_LOGIN_DETAIL_NO_SESSION = 0x0a,
	ISCSI_LOGIN_DETAIL_INVALID_REQUEST = 0x0b,
	ISCSI_LOGIN_DETAIL_TARGET_ERR = 0x00,           /* class 3 */
	ISCSI_LOGIN_DETAIL_UNAVAILABLE = 0x01,
	ISCSI_LOGIN_DETAIL_NO_RESOURCES = 0x02,
};

struct login_status_info {
	uint8_t status_class, status_detail;
	const char *message;            /* one line, our own wording */
	int exit_code;                  /* enum iscsi_exit */
	bool retryable;                 /* a later login may succeed */
	bool redirect;                  /* class 1 with a known detail */
	bool known;                     /* the pair is defined by RFC 7143 */
};

/* The entry for a pair. Never NULL: an undefined detail gets its class's
 * generic entry (known false, detail as given); an undefined class gets a
 * generic "unknown status class" entry. */
const struct login_status_info *login_status_lookup(uint8_t status_class, uint8_t status_detail,
						    struct login_status_info *scratch);

#endif
