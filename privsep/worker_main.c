/* iscsi-worker: the sandboxed program the monitor (iscsid) and iscsiadm
 * start for each job that reads network bytes. It locks itself down
 * before anything else (privsep/sandbox.h), says HELLO on its channel,
 * then runs the job of its role. Its command line is built by
 * spawn_worker() (privsep/spawn.h); it is not meant to be run by hand. */
#include <stdio.h>
#include <string.h>

#include "discovery/worker.h"
#include "login/worker.h"
#include "privsep/msg.h"
#include "privsep/pdu_worker.h"
#include "privsep/sandbox.h"
#include "privsep/spawn.h"

/* Before HELLO the monitor takes only LOG; a failing sandbox is reported
 * that way so the reason reaches its log. */
static void report(const char *what, const char *why)
{
	struct msg m;

	msg_init(&m, MSG_LOG, 0);
	m.u.log.level = MSG_LOG_ERROR;
	snprintf(m.u.log.text, sizeof(m.u.log.text), "%s: %s", what, why);
	msg_send(WORKER_FD_MONITOR, MSG_BY_WORKER, &m);
}

int main(int argc, char **argv)
{
	struct sandbox_conf conf;
	char err[256];
	int extra;

	if (worker_args_parse(argc, argv, &conf, &extra, err, sizeof(err)) < 0) {
		fprintf(stderr, "iscsi-worker: %s (started by iscsid and iscsiadm only)\n", err);
		return 2;
	}
	if (extra != argc) {
		report("iscsi-worker", "unexpected extra arguments");
		return 2;
	}
	if (sandbox_enter(&conf, err, sizeof(err)) < 0) {
		report("sandbox", err);
		sandbox_exit(1);
		return 1;
	}

	struct msg hello;
	msg_init(&hello, MSG_HELLO, 0);
	hello.u.hello.role = (uint32_t)conf.role;
	hello.u.hello.version = MSG_PROTO_VERSION;
	if (msg_send(WORKER_FD_MONITOR, MSG_BY_WORKER, &hello) != MSG_OK) {
		sandbox_exit(1);
		return 1;
	}

	int status;
	switch (conf.role) {
	case ROLE_DISCOVERY:
		status = discovery_worker_run(WORKER_FD_MONITOR);
		break;
	case ROLE_LOGIN:
		status = login_worker_run(WORKER_FD_MONITOR);
		break;
	case ROLE_PDU:
		status = pdu_worker_run(WORKER_FD_MONITOR);
		break;
	default:
		report("iscsi-worker", "role has no job in this version");
		status = 1;
		break;
	}
	sandbox_exit(status);
	return status;
}
