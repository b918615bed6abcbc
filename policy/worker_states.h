/* Which message each worker role may exchange in which state: the whole
 * protocol between the monitor and a worker as one table
 * (policy/worker_states.c). Anything the table does not allow, and any
 * one-shot message seen a second time, is WORKER_KILL: the monitor kills
 * that worker and logs why; it never trusts a worker that spoke out of
 * turn to recover. */
#ifndef POLICY_WORKER_STATES_H
#define POLICY_WORKER_STATES_H

#include <stdbool.h>

#include "policy/roles.h"
#include "privsep/msg.h"

enum worker_state {
	WS_NEW = 0,     /* spawned; sandboxing itself */
	WS_READY,       /* said HELLO: sandboxed, waiting for its job */
	WS_RUNNING,     /* has its job (and its network descriptor) */
	WS_CHAP_ASKED,  /* sent the target's CHAP challenge; waits for our answer */
	WS_AUTHED,      /* has our CHAP answer; runs on (mutual: may ask to verify) */
	WS_VERIFY_ASKED, /* mutual CHAP: sent the target's answer; waits for the verdict */
	WS_DONE,        /* sent its final message; must exit */
	WS_COUNT
};

/* The monitor's view of one worker (a worker may keep one of its own to
 * check the monitor). */
struct worker_track {
	enum worker_role role;
	enum worker_state state;
	bool once_seen[MSG_TYPE_COUNT];
};

enum worker_verdict {
	WORKER_ALLOW = 0,
	WORKER_KILL,
};

void worker_track_init(struct worker_track *t, enum worker_role role);

/* Checks a message of this type, sent by either side, against the table
 * and, when allowed, moves t to the next state. *why (when why is
 * non-NULL) gets a one-line reason for a kill. A kill leaves t unchanged. */
enum worker_verdict worker_step(struct worker_track *t, enum msg_type type, const char **why);

/* "new", "ready", "running", "chap-asked", "authed", "verify-asked", "done" */
const char *worker_state_name(enum worker_state s);

#endif
