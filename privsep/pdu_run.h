/* The privileged side of one PDU's decoding: the monitor holds a PDU the
 * kernel passed up from a logged-in session (bytes it must not parse)
 * and has a sandboxed iscsi-worker of role "pdu" (privsep/pdu_worker.h)
 * turn it into numbers:
 *
 *   1. spawn the worker; on its HELLO send PDU_DECODE with a copy of
 *      the bytes;
 *   2. every worker message is checked against policy/worker_states
 *      (privsep/worker_job.h): anything out of turn kills the worker;
 *   3. the answer is checked again against the RFC's rules
 *      (session_pdu_check()): a worker claiming what the decoder could
 *      never have produced is killed;
 *   4. the worker is always reaped (by pid) before the run is done, and
 *      has PDU_RUN_TIMEOUT_MS for the whole job.
 *
 * Driving it is the same as login/driver.h: pdu_run_start(), then poll
 * pdu_run_fd() for its events, pdu_run_on_ready() / pdu_run_on_timeout()
 * (at pdu_run_deadline()) until they return true; then pdu_run_result()
 * and pdu_run_free(). pdu_run_blocking() does all of it for tools. */
#ifndef PRIVSEP_PDU_RUN_H
#define PRIVSEP_PDU_RUN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "proto/session_pdu.h"

/* Spawning, decoding one PDU and exiting take a few milliseconds; this
 * only bounds a worker that hangs. */
#define PDU_RUN_TIMEOUT_MS 5000u
#define PDU_WORKER_PROGRAM "iscsi-worker"
#define PDU_RUN_MSG_MAX 256

struct pdu_params {
	const uint8_t *pdu;             /* copied */
	size_t len;
	uint32_t peer;                  /* the session id, in the frames' peer field */
	uint32_t timeout_ms;            /* 0: PDU_RUN_TIMEOUT_MS */
	/* The worker's sandbox, as in struct login_params. */
	uid_t worker_uid;
	gid_t worker_gid;
	const char *worker_root;
	const char *worker_program;     /* NULL: PDU_WORKER_PROGRAM beside us */
	bool keep_stderr;
	bool seccomp_trap;
};

enum pdu_outcome {
	PDU_RUN_DECODED = 0,    /* pdu holds the checked result */
	PDU_RUN_REFUSED,        /* the worker refused the PDU; message says why */
	PDU_RUN_FAILED,         /* no usable answer: message says why */
};

struct pdu_run_result {
	enum pdu_outcome outcome;
	struct session_pdu pdu;
	char message[PDU_RUN_MSG_MAX];
	/* FAILED because the worker was killed for misbehaving (out of
	 * turn, malformed, an answer that fails the checks): a security
	 * event, unlike a timeout or a spawn failure. */
	bool worker_killed;
	pid_t worker_pid;               /* the worker's (gone by now); 0 if none */
};

struct pdu_run;

/* Starts a run (the spawn). NULL only when out of memory; a run that
 * failed at once (PDU too long, no worker) comes back done. */
struct pdu_run *pdu_run_start(const struct pdu_params *params);

/* The descriptor to poll and its events, or -1 when done. */
int pdu_run_fd(const struct pdu_run *run, short *events);
uint64_t pdu_run_deadline(const struct pdu_run *run);     /* worker_now_ms() time */

/* Each returns true when the run is done. */
bool pdu_run_on_ready(struct pdu_run *run);
bool pdu_run_on_timeout(struct pdu_run *run);

bool pdu_run_done(const struct pdu_run *run);
pid_t pdu_run_worker_pid(const struct pdu_run *run);

/* NULL until done; owned by the run. */
const struct pdu_run_result *pdu_run_result(const struct pdu_run *run);

/* Kills and reaps a live worker and frees the run. */
void pdu_run_free(struct pdu_run *run);

/* The whole run in one poll() loop; *out gets the result. */
void pdu_run_blocking(const struct pdu_params *params, struct pdu_run_result *out);

#endif
