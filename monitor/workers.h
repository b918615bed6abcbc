/* The monitor's worker jobs: at most settings.max_workers run at once,
 * each one a run of some kind (a discovery/driver run, a login run) that
 * spawns, watches and reaps its own sandboxed worker; further jobs wait in
 * one FIFO queue of at most WORKERS_QUEUE_MAX. Every run is driven from
 * the event loop through its kind's job_ops: its descriptor is a loop
 * watch and its deadline a loop timer, so a worker that hangs is killed
 * when its deadline passes and a worker that sends anything out of turn
 * is killed by its driver; the monitor carries on with the next job
 * either way. */
#ifndef MONITOR_WORKERS_H
#define MONITOR_WORKERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "control/ctl_msg.h"
#include "policy/roles.h"

struct monitor;
struct ctl_peer;

#define WORKERS_QUEUE_MAX 256
#define WORKERS_REQ_MAX 1024    /* bytes of request a job keeps */

/* One kind of job. req is the job's own copy of the request (req_size
 * bytes, given to workers_submit()); run is what start() returned. */
struct job_ops {
	enum worker_role role;
	/* Starts the run. NULL when it could not start: start() has then
	 * answered the client (peer may be NULL: nobody to answer). */
	void *(*start)(struct monitor *m, const void *req, struct ctl_peer *peer);
	/* The descriptor to poll and its events, -1 when the run is done
	 * or, if waiting() says so, only waits for its deadline (a login
	 * between two attempts). */
	int (*fd)(const void *run, short *events);
	bool (*waiting)(const void *run);       /* NULL: never waits */
	uint64_t (*deadline)(const void *run);  /* CLOCK_MONOTONIC ms */
	/* Return true when the run is done. */
	bool (*on_ready)(void *run);
	bool (*on_timeout)(void *run);
	pid_t (*worker_pid)(const void *run);
	/* The run is done: act on its result, answer peer (NULL: the client
	 * left; what was asked is carried out all the same). */
	void (*finish)(struct monitor *m, void *run, const void *req, struct ctl_peer *peer);
	void (*free_run)(void *run);
	/* One line naming the job for logs and status ("127.0.0.1:3260"). */
	void (*label)(const void *req, char *out, size_t size);
};

int workers_init(struct monitor *m);

/* Queues a job for the client p (NULL: a job iscsid starts itself) and
 * starts it when a slot is free (start() may run before this returns);
 * the answer goes to p when it ends. False when the job was refused
 * (queue full, out of memory): p has been answered. */
bool workers_submit(struct monitor *m, struct ctl_peer *p, const struct job_ops *ops,
		    const void *req, size_t req_size);

/* max_workers changed (SIGHUP), or a job ended: start queued jobs if
 * there is room now. */
void workers_pump(struct monitor *m);

unsigned workers_live(const struct monitor *m);
unsigned workers_queued(const struct monitor *m);

/* Calls fn for every live and queued job of kind ops (e.g. to find a
 * login already under way for a record); stops when fn returns true and
 * returns true then. */
bool workers_find(const struct monitor *m, const struct job_ops *ops,
		  bool (*fn)(const void *req, void *arg), void *arg);

/* One WORKER_INFO per live job, then per queued job, to p. */
void workers_describe(const struct monitor *m, struct ctl_peer *p);

/* Shut-down: kills every live worker, drops the queue; each waiting
 * client gets a RESULT saying iscsid stopped. */
void workers_stop_all(struct monitor *m);

#endif
