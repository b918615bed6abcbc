/* The privileged side of one connection's login: everything but the
 * parsing of network bytes, which happens in a sandboxed iscsi-worker
 * (role "login", login/worker.c).
 *
 *   1. non-blocking TCP connect to the numeric portal with a timeout,
 *      TCP_NODELAY, SO_BINDTODEVICE when the iface names a netdev
 *      (privsep/tcp_connect.h);
 *   2. spawn the worker, send it LOGIN_START (the offer, no secret) with
 *      a duplicate of the socket; the run KEEPS its own descriptor: after
 *      a successful login the kernel takes the connection over;
 *   3. answer the worker's CHAP requests from the run's credentials
 *      (auth/chap_holder.h): once, for this target only; a success the
 *      worker reports before the CHAP the record requires is refused;
 *   4. every worker message is checked against policy/worker_states
 *      (privsep/worker_job.h): anything out of turn kills the worker;
 *   5. LOGIN_DONE is checked against the offer (login/check.h); a worker
 *      claiming anything the RFC or our offer does not allow is killed
 *      and the run fails with 31;
 *   6. the worker is always reaped (by pid) before the run is DONE, so
 *      nobody but the caller uses the socket afterwards.
 *
 * Redirects (Login Response status class 1) are followed within the run:
 * the connection and its worker are dropped, the destination is checked
 * (login/redirect.h: numeric addresses only, at most LOGIN_REDIRECT_MAX
 * hops, no loops) and the same offer (same ISID, same CHAP credentials,
 * which the run keeps until it is freed) goes to a fresh worker over a
 * fresh connection. Each hop is logged at info level. The offer's
 * timeout_ms counts from the first connection's establishment and covers
 * every hop; each hop's connect is bounded by connect_timeout_ms and by
 * that deadline. So a target cannot stretch one login past connect +
 * login timeout by redirecting, and a caller's arithmetic over attempts
 * (login/retry.h: attempts x login_timeout, as open-iscsi) stays true.
 * Redirects apply to this run only; a permanent one is reported
 * (moved_host) for the caller to remember, as open-iscsi does.
 *
 * Driving it is the same as discovery/driver.h: login_run_start(), then
 * poll login_run_fd() for its events, login_run_on_ready() /
 * login_run_on_timeout() (at login_run_deadline()) until LOGIN_RUN_DONE;
 * then login_run_result(), login_run_take_socket() on success, and
 * login_run_free(). login_run_blocking() does all of it for tools.
 *
 * Exit codes of a result (base/exitcodes.h, as open-iscsi's iscsiadm):
 *   0  ISCSI_SUCCESS               logged in; the socket is ready for the
 *                                  kernel
 *   3  ISCSI_ERR_NOMEM
 *   4  ISCSI_ERR_TRANS             portal unreachable (refused, reset, no
 *                                  route), connection closed by the target
 *   5  ISCSI_ERR_LOGIN             login failed (protocol, negotiation,
 *                                  Reject, status 03/xx: retryable), or a
 *                                  redirect refused (host name, loop, too
 *                                  many hops; login/redirect.h)
 *   7  ISCSI_ERR_INVAL             bad parameters (address, netdev, offer)
 *   8  ISCSI_ERR_TRANS_TIMEOUT     connect or login timeout (retryable)
 *   9  ISCSI_ERR_INTERNAL          spawn or channel failure
 *   19 ISCSI_ERR_FATAL_LOGIN       the target refused for good (status
 *                                  02/xx, e.g. 02/03 target not found)
 *   24 ISCSI_ERR_LOGIN_AUTH_FAILED status 02/01, 02/02, CHAP failed either
 *                                  way, authentication demanded by the
 *                                  target without credentials, or the
 *                                  CHAP required by the record skipped or
 *                                  refused by the target (downgrade)
 *   31 ISCSI_ERR_CHILD_TERMINATED  the worker died, was killed for
 *                                  speaking out of turn, or reported
 *                                  values that fail login/check.h */
#ifndef LOGIN_DRIVER_H
#define LOGIN_DRIVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "auth/chap_holder.h"
#include "login/check.h"
#include "login/redirect.h"
#include "proto/login.h"

/* TCP connect when the caller gives no timeout. */
#define LOGIN_CONNECT_TIMEOUT_DEFAULT_MS 10000u
#define LOGIN_MSG_MAX 256
#define LOGIN_ADDR_MAX LOGIN_REDIRECT_ADDR_MAX  /* numeric address with %scope, NUL */
#define LOGIN_HOST_MAX 256              /* a redirect's host, NUL */
#define LOGIN_NETDEV_MAX 16             /* IFNAMSIZ */
#define LOGIN_WORKER_PROGRAM "iscsi-worker"

struct login_params {
	/* What to offer (login/offer.h): copied. offer.auth is taken from
	 * creds; offer.timeout_ms bounds the login itself. */
	struct login_config offer;
	/* CHAP credentials (auth/chap_holder.h), NULL for none: the run
	 * takes them and wipes *creds (its copy serves every redirect hop
	 * and is wiped when the run ends). */
	struct chap_creds *creds;
	const char *address;            /* numeric IPv4 or IPv6 (may carry %scope) */
	uint16_t port;
	const char *netdev;             /* NULL or "": no SO_BINDTODEVICE */
	uint32_t connect_timeout_ms;    /* 0: LOGIN_CONNECT_TIMEOUT_DEFAULT_MS */
	/* The worker's sandbox, as in struct discovery_params. */
	uid_t worker_uid;
	gid_t worker_gid;
	const char *worker_root;
	const char *worker_program;     /* NULL: LOGIN_WORKER_PROGRAM beside us */
	bool keep_stderr;
	bool seccomp_trap;
};

struct login_run_result {
	int code;                       /* ISCSI_SUCCESS or an exit code above */
	char message[LOGIN_MSG_MAX];    /* one line on failure, "" on success */
	bool retryable;                 /* a later attempt may succeed */
	uint8_t status_class, status_detail;    /* last Login Response; 0/0 if none */
	/* Redirects (status class 1). */
	unsigned redirects;             /* followed, 0..LOGIN_REDIRECT_MAX */
	bool redirected;                /* at least one received (followed or refused) */
	/* The last one received, as the target sent it. */
	bool redirect_permanent;        /* 01/02; else 01/01 */
	char redirect_host[LOGIN_HOST_MAX];
	uint16_t redirect_port;
	int32_t redirect_tpgt;          /* -1 when not given */
	/* A permanent redirect was followed: the last such destination
	 * (numeric), where later logins of this record may go. */
	bool moved;
	char moved_host[LOGIN_ADDR_MAX];
	uint16_t moved_port;
	/* The portal of the last connection made or tried: on success,
	 * where the session is logged in. */
	char connected_host[LOGIN_ADDR_MAX];
	uint16_t connected_port;
	/* How authentication went (mode NONE when none was configured). */
	struct chap_summary auth;
	/* Success only: the values, checked against the offer. */
	struct login_negotiated neg;
};

enum login_progress {
	LOGIN_RUN_PENDING = 0,
	LOGIN_RUN_DONE = 1,
};

struct login_run;

/* Starts a run (the connect). NULL only when out of memory; a run that
 * failed at once (bad parameters, immediate refusal) comes back DONE.
 * Strings are copied. */
struct login_run *login_run_start(const struct login_params *params);

/* The descriptor to poll and its events, or -1 when DONE; ask again
 * after each call below. */
int login_run_fd(const struct login_run *run, short *events);

/* When the run must be woken at the latest, CLOCK_MONOTONIC ms
 * (login_now_ms()). */
uint64_t login_run_deadline(const struct login_run *run);

enum login_progress login_run_on_ready(struct login_run *run);
/* Past the deadline: kills the worker; 8 (connect or login timeout). */
enum login_progress login_run_on_timeout(struct login_run *run);

bool login_run_done(const struct login_run *run);
pid_t login_run_worker_pid(const struct login_run *run);

/* NULL until DONE; owned by the run. */
const struct login_run_result *login_run_result(const struct login_run *run);

/* After a successful run: the connected socket (blocking mode,
 * close-on-exec), now the caller's; the run no longer closes it. -1 when
 * the run did not succeed or the socket was already taken. */
int login_run_take_socket(struct login_run *run);

/* Kills and reaps a live worker, closes everything not taken. */
void login_run_free(struct login_run *run);

/* The whole run in one poll() loop. On success *sock (when non-NULL)
 * gets the socket, else it is closed; *sock is -1 on failure. Returns
 * out->code. */
int login_run_blocking(const struct login_params *params, struct login_run_result *out,
		       int *sock);

/* CLOCK_MONOTONIC in milliseconds. */
uint64_t login_now_ms(void);

#endif
