/* Runs proto/login's state machine over a connected socket (privsep/
 * wire.h) until the full feature phase, a redirect or a failure: the
 * loop both sandboxed workers share (the discovery login and a normal
 * session's login). CHAP goes through the monitor, which holds the
 * secrets: at the state machine's CHAP steps the loop sends the target's
 * challenge (or, mutual, the target's answer) over the worker's channel
 * and waits for CHAP_ANSWER (CHAP_VERDICT), within the same deadline.
 *
 * Failure codes (enum iscsi_exit), with the retry hint:
 *   connection closed or reset        4  ISCSI_ERR_TRANS          retryable
 *   any timeout                       8  ISCSI_ERR_TRANS_TIMEOUT  retryable
 *   malformed PDU                     5  ISCSI_ERR_LOGIN
 *   out of memory                     3  ISCSI_ERR_NOMEM
 *   the login's own failures          proto/login.h's code (5, 7, 19, 24...)
 *                                     and retry flag, except its timeout,
 *                                     which is 8 here like every other */
#ifndef LOGIN_EXCHANGE_H
#define LOGIN_EXCHANGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "privsep/wire.h"
#include "proto/login.h"

struct login_exchange_fail {
	int code;
	bool retryable;
	unsigned auth_error;            /* enum msg_auth_error */
	char msg[256];                  /* "WHAT: reason", one line */
};

/* Where CHAP answers come from: the monitor, over the worker's channel. */
struct login_secret_link {
	int chan;                       /* -1: none (then cfg->auth must be NONE) */
	const char *target_name;        /* the job's target ("" for discovery) */
};

/* Logs in with cfg over w; l is the caller's (login_free() it in every
 * case; login_result(l) describes a DONE, REDIRECT or a status failure).
 * deadline: CLOCK_MONOTONIC ms (wire_now_ms()) bounding every wait.
 * what prefixes failure lines ("login", "discovery login"). Returns
 * LOGIN_STEP_DONE, LOGIN_STEP_REDIRECT or LOGIN_STEP_FAILED (*fail set). */
/* A job message's MSG_AUTH_OFFER fields (auth, chap_algs) into cfg.
 * Returns 0, or -1 for an algorithm list that does not parse. */
int login_auth_offer(unsigned auth, const char *chap_algs, struct login_config *cfg);

enum login_step login_exchange(struct wire *w, struct login *l, const struct login_config *cfg,
			       uint64_t deadline, const char *what,
			       const struct login_secret_link *link,
			       struct login_exchange_fail *fail);

#endif
