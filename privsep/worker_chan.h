/* A worker's side of its monitor channel, for every role's job (after
 * iscsi-worker has said HELLO): receiving the one job message, checked
 * against the same state table the monitor walks (policy/worker_states:
 * the worker does not trust the monitor's side either), and sending log
 * lines. */
#ifndef PRIVSEP_WORKER_CHAN_H
#define PRIVSEP_WORKER_CHAN_H

#include <stddef.h>
#include <stdint.h>

#include "policy/roles.h"
#include "privsep/msg.h"

/* Receives the job: a message of type want, the first the monitor may
 * send a worker of role after HELLO. Returns 0 (job->fd is the attached
 * descriptor), or -1 with one line in why (any descriptor closed). */
int worker_receive_job(int chan, enum worker_role role, enum msg_type want, struct msg *job,
		       char *why, size_t size);

/* Sends req and waits, until deadline_ms (CLOCK_MONOTONIC ms), for the
 * monitor's reply, which must be of type want. Returns 0, or -1 with one
 * line in why (timeout, channel closed, another message). */
int worker_chan_ask(int chan, const struct msg *req, enum msg_type want, struct msg *reply,
		    uint64_t deadline_ms, char *why, size_t size);

/* A LOG line to the monitor (nothing is sent for an empty line). Never
 * pass a secret. */
void worker_send_log(int chan, enum msg_log_level level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
