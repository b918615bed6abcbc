/* The login worker's job, run inside the sandbox by iscsi-worker
 * (privsep/worker_main.c) once it has said HELLO:
 *
 *   1. receive LOGIN_START and the connected socket from the monitor;
 *   2. log in as a normal session with the offer it carries
 *      (login/exchange.h over privsep/wire.h);
 *   3. send LOGIN_DONE with every negotiated value and the sequence
 *      numbers, or one LOGIN_ERROR (exit code, one line, retry hint,
 *      status, redirect target);
 *   4. exit. After the full feature phase is reached it never reads or
 *      writes the socket again: the kernel continues on the same
 *      connection, and any byte the worker took would be lost to it. */
#ifndef LOGIN_WORKER_H
#define LOGIN_WORKER_H

/* chan: the monitor channel (WORKER_FD_MONITOR). Returns the exit
 * status: 0 when LOGIN_DONE or LOGIN_ERROR was delivered, 1 otherwise. */
int login_worker_run(int chan);

#endif
