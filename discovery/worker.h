/* The discovery worker's job, run inside the sandbox by iscsi-worker
 * (privsep/worker_main.c) once it has said HELLO:
 *
 *   1. receive DISC_START and the connected socket from the monitor;
 *   2. log in as a discovery session (SessionType=Discovery, no
 *      authentication yet) with proto/login;
 *   3. send SendTargets=All in a Text Request and follow the answer over
 *      as many Text Responses as the target needs (F=0: continue with an
 *      empty Text Request echoing the Target Transfer Tag), bounded in
 *      PDUs and bytes (discovery/sendtargets.h);
 *   4. parse and check the answer (discovery/sendtargets.h);
 *   5. log out (reason "close the session") and close the socket;
 *   6. send the portals in DISC_RECORDS batches, then DISC_DONE; or one
 *      DISC_ERROR with an exit code and one line.
 *
 * Every wait has the deadline of DISC_START's timeout_ms. Exit codes in
 * DISC_ERROR are those of discovery/driver.h. */
#ifndef DISCOVERY_WORKER_H
#define DISCOVERY_WORKER_H

/* chan: the monitor channel (WORKER_FD_MONITOR). Returns the worker's
 * exit status: 0 when DISC_DONE or DISC_ERROR was delivered, 1 when the
 * monitor could not be told anything. */
int discovery_worker_run(int chan);

#endif
