/* One discovery session over a connected socket, initiator side: login
 * (proto/login), the SendTargets text exchange, logout. Used by the
 * discovery worker inside its sandbox; pure protocol plus
 * privsep/wire.h I/O, so a test can run it against a scripted peer.
 *
 * Every failure sets code (an exit code of discovery/driver.h) and msg
 * (one line) and returns -1:
 *   connection closed, reset           4  ISCSI_ERR_TRANS
 *   any timeout                        8  ISCSI_ERR_TRANS_TIMEOUT
 *   login failures                     proto/login's code (5, 19, 24, ...)
 *   malformed PDU during login         5  ISCSI_ERR_LOGIN
 *   malformed PDU or text afterwards,
 *   Reject, broken sequence numbers    1  ISCSI_ERR
 *   the target ending the session      4  ISCSI_ERR_TRANS
 *   out of memory                      3  ISCSI_ERR_NOMEM */
#ifndef DISCOVERY_SESSION_H
#define DISCOVERY_SESSION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "login/exchange.h"
#include "privsep/wire.h"
#include "proto/negotiate.h"
#include "proto/textkeys.h"

/* Unsolicited PDUs (NOP-In pings, Async Messages) tolerated in one
 * session besides the answer itself. */
#define SESSION_MAX_UNSOLICITED 64u
/* The logout gets at most this long (within the session deadline). */
#define SESSION_LOGOUT_WAIT_MS 3000u

struct session {
	struct wire w;
	uint64_t deadline;              /* CLOCK_MONOTONIC ms */
	bool logged_in;
	struct neg_params params;
	struct pdu_wire_opts rx, tx;    /* full feature phase */
	uint32_t cmdsn, exp_statsn;
	unsigned unsolicited;
	unsigned text_pdus;             /* Text Responses received */
	size_t text_bytes;              /* their data */
	int code;
	unsigned auth_error;            /* enum msg_auth_error of a failed login */
	char msg[256];
};

void session_init(struct session *s, int fd, uint64_t deadline_ms);

/* A discovery login as initiator_name (alias may be ""), declaring
 * max_recv_dsl (0: the discovery default, 32768), with the job's
 * authentication (MSG_AUTH_OFFER: auth, chap_algs) through link. */
int session_login(struct session *s, const char *initiator_name, const char *alias,
		  uint32_t max_recv_dsl, unsigned auth, const char *chap_algs,
		  const struct login_secret_link *link);

/* SendTargets=All; keys receives the whole answer (parsed with
 * discovery/sendtargets.h's limits; free it in every case). */
int session_sendtargets(struct session *s, struct text_list *keys);

/* Logout Request "close the session" and its response. */
int session_logout(struct session *s);

/* Closes the socket (if open) and frees buffers. */
void session_close(struct session *s);

#endif
