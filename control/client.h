/* The client side of the control protocol (control/ctl_msg.h), used by
 * iscsiadm and the test tools:
 *
 *	struct ctl_client *c;
 *	struct ctl_status st;
 *	if (ctl_connect(&c, &st) != 0)       st.code 20: iscsid not running
 *		...;
 *	ctl_msg_init(&req, CTL_MSG_DISCOVERY_ST); ...
 *	ctl_call(c, &req, print_record, arg, &st);   st.code: exit code
 *	ctl_close(c);
 *
 * Every failure ends in a struct ctl_status: an iscsiadm exit code
 * (base/exitcodes.h) and one line for the user. */
#ifndef CONTROL_CLIENT_H
#define CONTROL_CLIENT_H

#include "control/ctl_msg.h"

/* Each response must arrive within this long of the previous one unless
 * ctl_set_timeout() says otherwise; the daemon's own worker deadlines are
 * shorter, so this only fires when iscsid itself is stuck. */
#define CTL_CLIENT_TIMEOUT_MS 300000

struct ctl_status {
	int code;                               /* ISCSI_SUCCESS or an exit code */
	char text[CTL_TEXT_MAX + 160];          /* "" on success */
};

struct ctl_client;

/* Connects to ctl_socket_path(). Returns 0, or an exit code also stored
 * in st: ISCSI_ERR_ISCSID_NOTCONN (20) when no iscsid listens there,
 * ISCSI_ERR_ACCESS (13) when the socket's mode refuses this user,
 * ISCSI_ERR_ISCSID_COMM_ERR (18) otherwise. */
int ctl_connect(struct ctl_client **out, struct ctl_status *st);

/* As ctl_connect(), to an explicit socket path (tests). */
int ctl_connect_path(const char *path, struct ctl_client **out, struct ctl_status *st);

/* Per-response timeout in ms (-1: none). */
void ctl_set_timeout(struct ctl_client *c, int timeout_ms);

/* The connected socket (for a caller's own poll loop). */
int ctl_client_fd(const struct ctl_client *c);

/* Sends one request. Returns 0 or an exit code stored in st. */
int ctl_request(struct ctl_client *c, const struct ctl_msg *req, struct ctl_status *st);

enum ctl_next {
	CTL_NEXT_FAILED = -1,   /* no (valid) answer: st says why */
	CTL_NEXT_DONE = 0,      /* the RESULT arrived: st holds its code and line */
	CTL_NEXT_DATA = 1,      /* *resp is a data response to the pending request */
};

/* The next response to the last request. After DONE the next request may
 * be sent; after FAILED the connection is unusable. A response the
 * request cannot have (CTL_ANSWERS), a malformed one or one of another
 * protocol version is FAILED with ISCSI_ERR_ISCSID_COMM_ERR. */
enum ctl_next ctl_next(struct ctl_client *c, struct ctl_msg *resp, struct ctl_status *st);

/* Called for each data response; non-zero stops reading (the connection
 * is then closed) and becomes ctl_call()'s result. */
typedef int (*ctl_each_fn)(const struct ctl_msg *resp, void *arg);

/* ctl_request(), then ctl_next() until the RESULT. Returns st->code. */
int ctl_call(struct ctl_client *c, const struct ctl_msg *req, ctl_each_fn each, void *arg,
	     struct ctl_status *st);

void ctl_close(struct ctl_client *c);

#endif
