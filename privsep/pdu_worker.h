/* The PDU worker's job, run inside the sandbox by iscsi-worker
 * (privsep/worker_main.c, role "pdu") once it has said HELLO:
 *
 *   1. receive PDU_DECODE: one PDU of a logged-in session, as the kernel
 *      passed it up to the monitor;
 *   2. decode and check it (proto/session_pdu.h);
 *   3. send exactly one answer: PDU_ASYNC or PDU_LOGOUT_RSP with the
 *      decoded numbers, or PDU_ERROR with one line saying why the PDU was
 *      refused;
 *   4. exit.
 * It holds no descriptor but its channel and never sees a session's
 * connection: the bytes come over the channel. */
#ifndef PRIVSEP_PDU_WORKER_H
#define PRIVSEP_PDU_WORKER_H

/* chan: the monitor channel (WORKER_FD_MONITOR). Returns the exit
 * status: 0 when an answer was delivered (a refusal included), 1
 * otherwise. */
int pdu_worker_run(int chan);

#endif
