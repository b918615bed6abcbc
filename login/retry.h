/* Login attempts: login/driver.h's run (one connection, redirects
 * followed) tried again until it succeeds, fails for good, or a policy's
 * limit is reached. It is driven exactly like a login_run (start, fd,
 * deadline, on_ready, on_timeout, done, worker_pid, result, take_socket,
 * free), so an event loop job can hold one in place of a run.
 *
 * Between attempts there is no descriptor (login_retry_fd() is -1 while
 * login_retry_done() is false) and login_retry_deadline() is when the
 * next attempt starts: call login_retry_on_timeout() then.
 *
 * What is retried. Only a result the driver marks retryable: connect
 * refused, unreachable or timed out (4, 8), the connection lost or the
 * login timed out, status 03/xx (target busy or out of resources),
 * worker spawn failures. Final at once: 7 (bad parameters), 19 (the
 * target refused for good, 02/xx), 24 (authentication), 31 (a worker
 * killed for misbehaving), a refused redirect (host name, loop, too
 * many hops), and any other result without the retryable mark. When the
 * attempts run out on an unreachable portal the result is 8
 * (ISCSI_ERR_TRANS_TIMEOUT, the line still says what happened): the code
 * open-iscsi's iscsiadm gives once its login retries are used up.
 *
 * Back-off. After failure n the next attempt waits backoff_initial_ms x
 * 2^(n-1), at most backoff_max_ms: by default 1 s, 2 s, then every 4 s.
 * A restarting target (the usual outage: seconds) is found again within
 * 4 s of its return, close to open-iscsi's retry every few seconds,
 * while a portal that stays down costs at most one connection attempt
 * per 4 s per session. A permanent redirect (login_run_result.moved)
 * seen by one attempt sends the later ones straight to the new portal;
 * temporary redirects apply to their attempt only. No attempt starts at
 * or after give_up_ms; an attempt under way runs to its own timeout.
 *
 * Log. Each of the first LOGIN_RETRY_LOG_EACH failed attempts gets one
 * line (warning) with its error and the wait; after that at most one
 * summary line per LOGIN_RETRY_LOG_SUMMARY_MS says how many attempts
 * failed since the last line and the last error. Giving up on a limit
 * always gets a line (warning), and so does the outcome of a login that
 * needed more than one attempt (success: info). A login that succeeds
 * or fails for good at its first attempt logs nothing here: the caller
 * reports it.
 *
 * CHAP: the credentials are taken (the caller's copy is wiped), kept for
 * every attempt and wiped by login_retry_free(). */
#ifndef LOGIN_RETRY_H
#define LOGIN_RETRY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "login/driver.h"
#include "records/record.h"

#define LOGIN_RETRY_BACKOFF_INITIAL_MS 1000u
#define LOGIN_RETRY_BACKOFF_MAX_MS 4000u
#define LOGIN_RETRY_LOG_EACH 3u
#define LOGIN_RETRY_LOG_SUMMARY_MS 30000u

struct login_retry_policy {
	unsigned max_attempts;          /* 0: no limit on the count */
	uint64_t give_up_ms;            /* CLOCK_MONOTONIC ms (login_now_ms()); 0: none */
	uint32_t first_delay_ms;        /* before attempt 1 (recovery: DefaultTime2Wait) */
	uint32_t backoff_initial_ms;    /* 0: LOGIN_RETRY_BACKOFF_INITIAL_MS */
	uint32_t backoff_max_ms;        /* 0: LOGIN_RETRY_BACKOFF_MAX_MS */
};

/* The wait after failed attempt n (1, 2, ...) under policy p. */
uint32_t login_retry_backoff_ms(const struct login_retry_policy *p, unsigned failed);

enum login_retry_purpose {
	/* A login asked for (iscsiadm, automatic login at start): open-
	 * iscsi's node.session.initial_login_retry_max attempts, and no
	 * attempt after initial_login_retry_max x login_timeout seconds
	 * (8 x 15 s = 120 s with iscsid.conf's defaults). A value below 1
	 * means one attempt. */
	LOGIN_RETRY_INITIAL,
	/* A session's relogin after a connection failure or an iscsid
	 * restart: node.session.reopen_max attempts, 0 meaning no limit;
	 * first_delay_ms from the record's DefaultTime2Wait (the caller
	 * should use the value the session negotiated, and set give_up_ms
	 * from replacement_timeout as its semantics require). */
	LOGIN_RETRY_REOPEN,
};

/* The policy a node record asks for (now: login_now_ms()). Each
 * attempt's own login timeout is the record's
 * node.conn[0].timeo.login_timeout (already in the offer,
 * login/offer.h). Returns 0, or 7 (ISCSI_ERR_INVAL) with one line in msg
 * naming the key that is missing or out of range. */
int login_retry_policy_from_record(const struct rec *node, enum login_retry_purpose purpose,
				   uint64_t now, struct login_retry_policy *out, char *msg,
				   size_t size);

/* The log rate limit, on its own for tests. */
struct login_retry_log {
	unsigned failures;              /* failed attempts so far */
	unsigned quiet;                 /* failures since the last line */
	uint64_t last_line_ms;
};

enum login_retry_say {
	LOGIN_RETRY_SAY_NOTHING,
	LOGIN_RETRY_SAY_ATTEMPT,        /* a line for this failed attempt */
	LOGIN_RETRY_SAY_SUMMARY,        /* a line for the quiet failures, this one included */
};

/* A failed attempt at time now: what to log. After SAY_SUMMARY the
 * caller reads l->quiet for the count, then calls
 * login_retry_log_said(). */
enum login_retry_say login_retry_log_failure(struct login_retry_log *l, uint64_t now);
void login_retry_log_said(struct login_retry_log *l, uint64_t now);

struct login_retry;

/* Copies params (the strings too) and takes params->creds as
 * login_run_start() does. NULL only when out of memory. The first
 * attempt starts at once unless first_delay_ms says otherwise; one that
 * fails at once may leave the whole thing DONE already. */
struct login_retry *login_retry_start(const struct login_params *params,
				      const struct login_retry_policy *policy);

/* The attempt's descriptor and events; -1 between attempts and when
 * done. */
int login_retry_fd(const struct login_retry *t, short *events);
/* The attempt's deadline, or when the next attempt starts. */
uint64_t login_retry_deadline(const struct login_retry *t);
enum login_progress login_retry_on_ready(struct login_retry *t);
enum login_progress login_retry_on_timeout(struct login_retry *t);
bool login_retry_done(const struct login_retry *t);
/* The current attempt's worker, 0 when none. */
pid_t login_retry_worker_pid(const struct login_retry *t);

/* NULL until DONE: the last attempt's result (moved/moved_host kept from
 * any attempt that was redirected permanently); owned by t. */
const struct login_run_result *login_retry_result(const struct login_retry *t);
/* Attempts started so far. */
unsigned login_retry_attempts(const struct login_retry *t);
/* After success: the socket, as login_run_take_socket(). */
int login_retry_take_socket(struct login_retry *t);
/* Ends any attempt (its worker killed and reaped), wipes the secrets. */
void login_retry_free(struct login_retry *t);

/* All of it in one poll() loop, for tools: as login_run_blocking(). */
int login_retry_blocking(const struct login_params *params, const struct login_retry_policy *policy,
			 struct login_run_result *out, int *sock);

#endif
