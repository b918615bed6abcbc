/* The phases of a run that a sandboxed worker does for the monitor
 * (discovery/driver.c, login/driver.c): the monitor connects the TCP
 * socket, then the worker runs on it, then, after its final message, the
 * worker has WORKER_EXIT_GRACE_MS to exit. Which descriptor to poll and
 * which deadline applies follow from the phase alone; the drivers keep
 * what their messages mean. */
#ifndef PRIVSEP_WORKER_RUN_H
#define PRIVSEP_WORKER_RUN_H

#include <stdint.h>

#include "privsep/worker_job.h"

enum worker_phase {
	WP_CONNECTING,  /* waiting for the TCP connect */
	WP_WORKER,      /* the worker runs; reading its channel */
	WP_EXITING,     /* final message received; waiting for the exit */
	WP_DONE,
};

struct worker_run {
	enum worker_phase phase;
	int sock;                       /* the TCP connection; -1 when none */
	struct worker_job job;
	uint64_t deadline;              /* the whole job (worker_now_ms() time) */
	uint64_t connect_deadline;
	uint64_t exit_deadline;
};

/* CLOCK_MONOTONIC in milliseconds: the clock of every deadline here. */
uint64_t worker_now_ms(void);

/* Connecting, no socket, no worker. */
void worker_run_init(struct worker_run *w);

/* The descriptor to poll and its events: the socket while connecting,
 * the worker's channel afterwards; -1 once done. */
int worker_run_fd(const struct worker_run *w, short *events);

/* The deadline of the current phase. */
uint64_t worker_run_deadline(const struct worker_run *w);

/* The worker sent its final message: it now has WORKER_EXIT_GRACE_MS. */
void worker_run_final(struct worker_run *w);

/* For blocking callers (tools, iscsiadm without iscsid): waits on the
 * run's descriptor until the phase's deadline (at most a minute at a
 * time). 1: ready, call the driver's on_ready; 0: the wait ended (the
 * deadline, or a signal), call its on_timeout, which acts only once the
 * deadline has passed; -1: poll() failed (errno set). */
int worker_run_wait(const struct worker_run *w);

#endif
