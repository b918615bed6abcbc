/* A DISCOVERY_ST request as a worker job: the driver's parameters from
 * the request, iscsid.conf and the initiator name; and at the end, the
 * result written to the database (discovery/apply.h) and streamed back to
 * the client as DISC_RECORDs and one RESULT. */
#ifndef MONITOR_DISCOVERY_JOB_H
#define MONITOR_DISCOVERY_JOB_H

#include "control/ctl_msg.h"

struct monitor;
struct ctl_peer;
struct discovery_run;

/* Starts the driver run. NULL when it could not even start; the client
 * (peer, when not NULL) has then been answered. */
struct discovery_run *discovery_job_start(struct monitor *m, const struct ctl_discovery_st *req,
					  struct ctl_peer *peer);

/* The run is DONE: apply its result and answer peer (NULL: the client
 * left; the result is applied all the same). */
void discovery_job_finish(struct monitor *m, struct discovery_run *run,
			  const struct ctl_discovery_st *req, struct ctl_peer *peer);

#endif
