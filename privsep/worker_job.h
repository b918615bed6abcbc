/* The monitor's handle on one worker doing one job (discovery, login):
 * spawning it with its channel, reading its messages with every check
 * (strict decoding, then policy/worker_states: a message out of turn is
 * reported so the caller kills the worker), relaying its LOG lines, and
 * killing and reaping it by pid. What the job's messages mean is the
 * caller's business (discovery/driver.c, login/driver.c).
 *
 * The channel is non-blocking: worker_job_recv() drains it until there
 * is nothing left. A worker is reaped with waitpid() on its own pid: a
 * caller must not reap children with waitpid(-1) while a job is live. */
#ifndef PRIVSEP_WORKER_JOB_H
#define PRIVSEP_WORKER_JOB_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "policy/worker_states.h"
#include "privsep/msg.h"

/* After its final message a worker has this long to exit before SIGKILL. */
#define WORKER_EXIT_GRACE_MS 2000u
/* A worker gets its job's deadline minus this, so that it reports a
 * timeout itself (with what it was waiting for) before being killed. */
#define WORKER_DEADLINE_MARGIN_MS 500u

struct worker_job {
	enum worker_role role;
	pid_t pid;                      /* 0 when none */
	int chan;                       /* -1 when closed */
	struct worker_track track;
};

struct worker_job_conf {
	enum worker_role role;
	uid_t uid;
	gid_t gid;
	const char *root;               /* the empty directory */
	const char *program;            /* privsep/spawn.h rules */
	bool keep_stderr;
	bool seccomp_trap;
	int sndbuf;                     /* worker's channel send buffer; 0: default */
};

/* An idle handle (no worker, no channel). */
void worker_job_init(struct worker_job *j);

/* Creates the channel and starts the worker. Returns 0, or -1 with one
 * line in err (nothing left running). */
int worker_job_spawn(struct worker_job *j, const struct worker_job_conf *conf, char *err,
		     size_t errlen);

enum worker_job_rx {
	WJ_MESSAGE,     /* *m is a message the policy allows (never LOG) */
	WJ_AGAIN,       /* nothing more to read now */
	WJ_CLOSED,      /* the worker closed its channel: it exited or died */
	WJ_REFUSED,     /* malformed or out of turn: why says it; kill the worker */
};

/* The next message. LOG messages are logged here (base/log.h, as
 * "ROLE worker PID: text", control characters replaced) and skipped. A
 * descriptor that rides along belongs to the caller. */
enum worker_job_rx worker_job_recv(struct worker_job *j, struct msg *m, char *why,
				   size_t size);

/* Checks a message to the worker against the policy and sends it.
 * Returns 0 or -1 (refused by the policy, or the channel failed). */
int worker_job_send(struct worker_job *j, const struct msg *m);

/* Waits for the worker's exit (it has closed its channel); *status gets
 * the wait status. */
void worker_job_reap(struct worker_job *j, int *status);

/* SIGKILL, reap and close the channel; harmless when idle. */
void worker_job_stop(struct worker_job *j);

/* Whether a wait status is a clean exit (status 0). */
bool worker_job_exit_ok(int status);

/* How a worker ended without its answer, as a clause: "killed by signal
 * 31 (forbidden system call)", "exited with status 1 without an answer". */
void worker_job_describe_exit(int status, char *line, size_t size);

/* Copies a worker's string with control characters replaced by '?', so
 * it cannot act on a terminal or split a log line. */
void worker_copy_line(char *dst, size_t size, const char *src);

#endif
