/* The privileged side of one SendTargets discovery: everything but the
 * parsing of network bytes, which happens in a sandboxed iscsi-worker
 * (role "discovery", discovery/worker.c).
 *
 *   1. parse the portal (host[:port]; a host name is resolved here);
 *   2. non-blocking TCP connect with a timeout, TCP_NODELAY;
 *   3. spawn the worker (privsep/spawn.h), send it DISC_START with the
 *      connected socket, and close our copy of the socket;
 *   4. read the worker's messages through privsep/msg and check each one
 *      against policy/worker_states: anything out of turn kills the worker
 *      (SIGKILL) and is logged;
 *   5. check every portal of every DISC_RECORDS again (iSCSI name, address
 *      syntax, port, record cap) - the worker is not trusted either;
 *   6. host names in TargetAddress are resolved to numeric addresses
 *      (open-iscsi records hold numeric addresses only); one that does not
 *      resolve is dropped with a warning, as open-iscsi does;
 *   7. one deadline covers the whole run; past it the worker is killed;
 *   8. the worker is always reaped before the run reports its result,
 *      by its pid: a caller must not reap children with waitpid(-1)
 *      while a run is live (the worker's exit status would be lost).
 *
 * The worker's LOG messages are logged through base/log.h as
 * "discovery worker PID: text". Why a run failed (a worker killed for
 * speaking out of turn included) is the result's one line, which the
 * caller logs or prints once; the driver adds only debug lines (level 1).
 *
 * Two ways to drive it, over the same code:
 *   - an event loop (iscsid): discovery_run_start(), then poll
 *     discovery_run_fd() for the events it asks, call
 *     discovery_run_on_ready() when they arrive and
 *     discovery_run_on_timeout() once discovery_run_deadline() has
 *     passed, until either returns DISCOVERY_DONE; then read
 *     discovery_run_result() and discovery_run_free();
 *   - blocking (iscsiadm without iscsid): discovery_run_blocking().
 *
 * Exit codes in a result (base/exitcodes.h):
 *   0  ISCSI_SUCCESS               the target answered (possibly no targets)
 *   3  ISCSI_ERR_NOMEM             out of memory
 *   4  ISCSI_ERR_TRANS             portal unreachable: refused, reset, no
 *                                  route, connection closed by the target
 *   5  ISCSI_ERR_LOGIN             the discovery login failed (other login
 *                                  failures carry proto/login's codes, e.g.
 *                                  24 for authentication, 19 non-retryable)
 *   1  ISCSI_ERR                   the target's SendTargets answer broke the
 *                                  protocol (malformed PDU or text, bad
 *                                  names or addresses, over the limits)
 *   7  ISCSI_ERR_INVAL             bad parameters (portal syntax, host name
 *                                  that does not resolve, initiator name)
 *   8  ISCSI_ERR_TRANS_TIMEOUT     any timeout: connect, login, the answer,
 *                                  the whole run
 *   9  ISCSI_ERR_INTERNAL          spawn failure, channel failure
 *   31 ISCSI_ERR_CHILD_TERMINATED  the worker died (signal, seccomp kill,
 *                                  early exit) or was killed for sending
 *                                  something out of turn or invalid
 *
 * The driver never writes the record database: discovery/apply.h does,
 * from a result. */
#ifndef DISCOVERY_DRIVER_H
#define DISCOVERY_DRIVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "auth/chap_holder.h"
#include "proto/names.h"

/* Portals a run accepts from one target (DISC_DONE counts up to 65535). */
#define DISCOVERY_MAX_RECORDS_DEFAULT 65535u
/* Whole-run deadline when the caller gives none: connect, login (15 s by
 * default in open-iscsi), the answer and the logout. */
#define DISCOVERY_TIMEOUT_DEFAULT_MS 30000u
/* TCP connect, within the whole-run deadline. */
#define DISCOVERY_CONNECT_TIMEOUT_DEFAULT_MS 10000u
/* Longest numeric address, IPv6 with a %scope, plus NUL. */
#define DISCOVERY_ADDR_MAX 64
#define DISCOVERY_MSG_MAX 256
#define DISCOVERY_WORKER_PROGRAM "iscsi-worker"

struct discovery_params {
	const char *portal;             /* as -p: host[:port] or [v6][:port] */
	/* CHAP credentials (auth/chap_holder.h) from the discovery record,
	 * NULL for none: the run takes them and wipes *creds. */
	struct chap_creds *creds;
	const char *initiator_name;     /* InitiatorName, checked here */
	const char *initiator_alias;    /* NULL or "": none sent */
	uint32_t timeout_ms;            /* whole run; 0: the default above */
	uint32_t connect_timeout_ms;    /* 0: the default above */
	unsigned max_records;           /* 0: the default above */
	/* MaxRecvDataSegmentLength the worker declares (iscsid.conf's
	 * discovery.sendtargets.iscsi.MaxRecvDataSegmentLength); 0: 32768.
	 * Outside 512..16777215 is an invalid parameter. */
	uint32_t max_recv_dsl;
	/* The worker's sandbox: account and empty root (privsep/sandbox.h
	 * sandbox_account(), sandbox_prepare_root()). */
	uid_t worker_uid;
	gid_t worker_gid;
	const char *worker_root;
	const char *worker_program;     /* NULL: DISCOVERY_WORKER_PROGRAM beside us */
	bool keep_stderr;               /* the worker keeps our fd 2 (debug) */
	bool seccomp_trap;              /* debug: trap and log forbidden syscalls */
};

/* One portal of one target, as checked by the driver. */
struct discovery_record {
	char target_name[ISCSI_NAME_MAX + 1];
	char address[DISCOVERY_ADDR_MAX];       /* numeric; IPv6 without brackets */
	uint16_t port;
	int tpgt;                       /* -1 when the target gave none */
};

struct discovery_result {
	int code;                       /* ISCSI_SUCCESS or an exit code above */
	char message[DISCOVERY_MSG_MAX];        /* one line on failure, "" on success */
	/* The discovery portal as connected to (numeric), for the records. */
	char portal_addr[DISCOVERY_ADDR_MAX];
	uint16_t portal_port;
	/* In the order the target sent them (successful runs only). */
	struct discovery_record *records;
	size_t count;
	/* How authentication went (mode NONE when none was configured). */
	struct chap_summary auth;
};

enum discovery_progress {
	DISCOVERY_PENDING = 0,          /* keep polling */
	DISCOVERY_DONE = 1,             /* the result is ready; the worker is reaped */
};

struct discovery_run;

/* Starts a run: parses and resolves the portal, starts the connect.
 * Returns NULL only when out of memory; a run that failed at once (bad
 * portal, immediate refusal) is returned already DONE with its result.
 * The parameter strings are copied. */
struct discovery_run *discovery_run_start(const struct discovery_params *params);

/* The descriptor to poll and the events to ask for (POLLIN or POLLOUT),
 * or -1 when the run is DONE. It changes as the run progresses (socket
 * while connecting, worker channel afterwards): ask again after each
 * call below. */
int discovery_run_fd(const struct discovery_run *run, short *events);

/* When the run must be woken at the latest, CLOCK_MONOTONIC in ms
 * (discovery_now_ms()). */
uint64_t discovery_run_deadline(const struct discovery_run *run);

/* The fd is ready (or poll() reported an error or hang-up on it). Never
 * blocks for long: it handles what is there and returns. */
enum discovery_progress discovery_run_on_ready(struct discovery_run *run);

/* The deadline has passed (an early call is harmless). Past the deadline
 * the worker is killed and the run ends with ISCSI_ERR_TRANS_TIMEOUT. */
enum discovery_progress discovery_run_on_timeout(struct discovery_run *run);

bool discovery_run_done(const struct discovery_run *run);

/* The worker's pid while it runs, 0 otherwise (status listings, tests). */
pid_t discovery_run_worker_pid(const struct discovery_run *run);

/* The portal as given, for status listings. */
const char *discovery_run_portal(const struct discovery_run *run);

/* The result, or NULL while the run is not DONE. It stays owned by the
 * run; discovery_run_take_result() moves it out (the run keeps an empty
 * one). */
const struct discovery_result *discovery_run_result(const struct discovery_run *run);
int discovery_run_take_result(struct discovery_run *run, struct discovery_result *out);

/* Kills (SIGKILL) and reaps a worker still running, closes everything. */
void discovery_run_free(struct discovery_run *run);

/* The whole run in one call (poll() loop). out must be freed with
 * discovery_result_free(). Returns out->code. */
int discovery_run_blocking(const struct discovery_params *params, struct discovery_result *out);

void discovery_result_free(struct discovery_result *res);

/* CLOCK_MONOTONIC in milliseconds. */
uint64_t discovery_now_ms(void);

/* Checks one record as the driver checks what a worker sends: iSCSI name
 * (proto/names.h), address (numeric IPv4, IPv6 or a DNS name), port
 * 1..65535. Returns 0, or -1 with one line in msg. Shared with the
 * worker, which applies the same rules before sending. */
int discovery_record_check(const char *target_name, const char *address, unsigned port,
			   char *msg, size_t size);

#endif
