/* Many control requests to iscsid at once: each request gets a
 * connection of its own (the protocol answers one request at a time per
 * connection), at most `window` connections are open together, and a
 * connection that has its RESULT takes the next request. Answers arrive
 * in any order; done() is called for each one as it completes, so the
 * caller can print results in its own order (open-iscsi prints them in
 * the order the requests were made, whatever order they finish in). */
#ifndef ADM_OPS_BATCH_H
#define ADM_OPS_BATCH_H

#include <stddef.h>

#include "control/client.h"

#define ADM_BATCH_WINDOW 64

struct adm_call {
	struct ctl_msg req;
	struct ctl_status st;   /* the RESULT, or why there is none */
	int done;
};

/* Called once per call, when it completes (st filled). */
typedef void (*adm_batch_done_fn)(struct adm_call *calls, size_t i, void *arg);

/* Runs every call. first, when not NULL, is an open connection to use
 * (it is closed before returning). Data responses are checked by the
 * client library and otherwise ignored. */
void adm_batch_run(struct adm_call *calls, size_t n, size_t window, struct ctl_client *first,
		   adm_batch_done_fn done, void *arg);

#endif
