/* A DISCOVERY_ST request as a worker job (monitor/workers.h): the
 * driver's parameters from the request, iscsid.conf and the initiator
 * name; and at the end, the result written to the database
 * (discovery/apply.h) and streamed back to the client as DISC_RECORDs and
 * one RESULT. */
#ifndef MONITOR_DISCOVERY_JOB_H
#define MONITOR_DISCOVERY_JOB_H

#include "monitor/workers.h"

/* req: a struct ctl_discovery_st. */
extern const struct job_ops discovery_job_ops;

#endif
