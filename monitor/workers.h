/* The monitor's worker jobs: at most settings.max_workers run at once,
 * each one a discovery/driver run (which spawns, watches and reaps its
 * own sandboxed worker); further jobs wait in a FIFO queue of at most
 * WORKERS_QUEUE_MAX. Every run is driven from the event loop: its
 * descriptor is a loop watch and its deadline a loop timer, so a worker
 * that hangs is killed when its deadline passes and a worker that sends
 * anything out of turn is killed by the driver; the monitor carries on
 * with the next job either way. */
#ifndef MONITOR_WORKERS_H
#define MONITOR_WORKERS_H

#include "control/ctl_msg.h"

struct monitor;
struct ctl_peer;

#define WORKERS_QUEUE_MAX 256

int workers_init(struct monitor *m);

/* Queues a SendTargets discovery for the client p and starts it when a
 * slot is free; the answer (records, then RESULT) goes to p when it ends. */
void workers_submit_discovery(struct monitor *m, struct ctl_peer *p,
			      const struct ctl_discovery_st *req);

/* max_workers changed (SIGHUP): start queued jobs if there is room now. */
void workers_pump(struct monitor *m);

unsigned workers_live(const struct monitor *m);
unsigned workers_queued(const struct monitor *m);

/* One WORKER_INFO per live job, then per queued job, to p. */
void workers_describe(const struct monitor *m, struct ctl_peer *p);

/* Shut-down: kills every live worker, drops the queue; each waiting
 * client gets a RESULT saying iscsid stopped. */
void workers_stop_all(struct monitor *m);

#endif
