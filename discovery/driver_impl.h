/* Internals shared by discovery/driver.c (the run's life) and
 * discovery/driver_msgs.c (the worker's messages). Not an API. */
#ifndef DISCOVERY_DRIVER_IMPL_H
#define DISCOVERY_DRIVER_IMPL_H

#include "auth/chap_holder.h"
#include "discovery/driver.h"
#include "privsep/msg.h"
#include "privsep/worker_run.h"

struct discovery_run {
	struct worker_run w;            /* w.sock: ours until the worker has it */
	char *portal, *iname, *alias, *root, *program;
	struct discovery_params p;
	uint32_t received;      /* portals seen in DISC_RECORDS */
	size_t cap;
	struct chap_holder chap;        /* the secrets; wiped when the run ends */
	struct discovery_result res;
};

/* Ends the run with code and one line (ignored for ISCSI_SUCCESS):
 * kills and reaps a live worker, closes everything. */
enum discovery_progress drv_finish(struct discovery_run *r, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* The worker broke the protocol: logged, killed, and the run fails with
 * ISCSI_ERR_CHILD_TERMINATED. */
enum discovery_progress drv_reject_worker(struct discovery_run *r, const char *why);

void drv_close_fd(int *fd);

/* One decoded message from the worker. */
enum discovery_progress drv_handle(struct discovery_run *r, const struct msg *m);

#endif
