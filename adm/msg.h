/* iscsiadm's messages: every failure is one line on stderr, prefixed
 * "iscsiadm: " by base/log.c, and the function returns the exit code, so
 * handlers can `return adm_fail(ISCSI_ERR_INVAL, "...")`. */
#ifndef ADM_MSG_H
#define ADM_MSG_H

#include "records/rec_err.h"

/* Prints fmt as one error line and returns code. */
int adm_fail(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Prints err's message (or its status text when the message is empty)
 * and returns the exit code of err's status (rec_status_exit_code()). */
int adm_fail_rec(const struct rec_err *err);

/* The refusal of what iscsid does not do yet (discovery from a stored
 * record with --discover, login straight after discovery with -l, boot
 * firmware logins): one line naming what was asked, then
 * ISCSI_ERR_ISCSID_NOTCONN, as open-iscsi's iscsiadm returns when it
 * cannot reach its daemon. */
int adm_needs_iscsid(const char *what);

/* The "No records found" of list and select commands: ISCSI_ERR_NO_OBJS_FOUND. */
int adm_no_records(void);

/* Escapes s for an error line (control characters and quotes as \xNN),
 * truncated to fit; buf is always terminated. Returns buf. */
const char *adm_esc(char *buf, unsigned size, const char *s);

#endif
