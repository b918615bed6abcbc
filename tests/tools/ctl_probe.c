/* A small control-socket client for tests/integration/iscsid.sh, built on
 * control/client.h like iscsiadm:
 *
 *   ctl_probe [--socket PATH] [--timeout MS] REQUEST [ARGS]
 *	ping                          "pong VERSION PID"
 *	status                        "daemon key=value ...", one "worker ..." per job
 *	stop                          DAEMON_STOP
 *	discovery PORTAL [IFACES [OPS]] one "ADDR:PORT,TPGT TARGET IFACE" per portal
 *	raw-version N                 a PING frame claiming protocol version N
 *	raw-garbage                   our version, then a type nobody declared
 *	raw-oversize                  a record longer than any frame
 *	hold N                        N more connections, kept until stdin closes
 *	                              ("held N" once all are accepted by iscsid)
 *
 * Exits with the RESULT's code (iscsiadm's exit codes) and prints its line
 * on stderr when it is not 0; a failure to talk to iscsid exits with the
 * client library's code (20 not running, 13 access, 18 protocol). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "base/bytes.h"
#include "control/client.h"

static int print_answer(const struct ctl_msg *r, void *arg)
{
	(void)arg;
	switch (r->type) {
	case CTL_MSG_PONG:
		printf("pong %s %u\n", r->u.pong.version, r->u.pong.pid);
		break;
	case CTL_MSG_DAEMON_INFO: {
		const struct ctl_daemon_info *d = &r->u.daemon_info;
		printf("daemon pid=%u version=%s max_workers=%u live=%u queued=%u clients=%u "
		       "debug=%u group=%s\n",
		       d->pid, d->version, d->max_workers, d->live_workers, d->queued_jobs,
		       d->clients, d->debug_level, d->control_group[0] ? d->control_group : "-");
		break;
	}
	case CTL_MSG_WORKER_INFO: {
		const struct ctl_worker_info *w = &r->u.worker_info;
		printf("worker pid=%u role=%s state=%s job=%s age_ms=%u\n", w->pid, w->role,
		       w->state, w->job, w->age_ms);
		break;
	}
	case CTL_MSG_DISC_RECORD: {
		const struct ctl_disc_record *d = &r->u.disc_record;
		bool v6 = strchr(d->address, ':') != NULL;
		printf("%s%s%s:%u,%d %s %s\n", v6 ? "[" : "", d->address, v6 ? "]" : "", d->port,
		       d->has_tpgt ? (int)d->tpgt : -1, d->target_name, d->iface);
		break;
	}
	default:
		printf("unexpected %s\n", ctl_type_name(r->type));
		break;
	}
	return 0;
}

static int raw(struct ctl_client *c, const char *what, const char *arg)
{
	uint8_t buf[CTL_FRAME_MAX + 64];
	size_t len = CTL_HDR_LEN;
	struct ctl_msg resp;
	const char *field;
	unsigned version;

	memset(buf, 0, sizeof(buf));
	put_be16(buf, CTL_PROTO_VERSION);
	put_be16(buf + 2, CTL_MSG_PING);
	if (!strcmp(what, "raw-version")) {
		put_be16(buf, (uint16_t)atoi(arg ? arg : "0"));
	} else if (!strcmp(what, "raw-garbage")) {
		/* Our version, then nonsense: a type nobody declared. */
		memcpy(buf + 2, "\x77\x77garbage!", 10);
		len = 12;
	} else if (!strcmp(what, "raw-oversize")) {
		len = sizeof(buf);
	} else {
		fprintf(stderr, "ctl_probe: unknown request %s\n", what);
		return 2;
	}
	if (send(ctl_client_fd(c), buf, len, MSG_NOSIGNAL) != (ssize_t)len) {
		perror("ctl_probe: send");
		return 18;
	}
	/* The daemon answers a RESULT (of its own version) and hangs up. */
	enum ctl_err rc = ctl_recv(ctl_client_fd(c), CTL_BY_CLIENT, 5000, &resp, &field, &version);
	if (rc != CTL_OK || resp.type != CTL_MSG_RESULT) {
		fprintf(stderr, "ctl_probe: no RESULT: %s\n", ctl_strerror(rc));
		return 18;
	}
	int code = (int)resp.u.result.code;
	if (code)
		fprintf(stderr, "ctl_probe: %s\n", resp.u.result.text);
	rc = ctl_recv(ctl_client_fd(c), CTL_BY_CLIENT, 5000, &resp, &field, &version);
	printf("after: %s\n", ctl_strerror(rc));
	return code;
}

/* Replaces c by n connections, each with a PING answered (so iscsid has
 * accepted them all), then waits for stdin to close. */
static int hold(struct ctl_client *c, int n, const char *sock)
{
	struct ctl_client *held[256];
	struct ctl_status st;
	struct ctl_msg req;
	int rc = 0, k = 0;

	ctl_close(c);
	if (n < 0 || n > 256)
		return 2;
	ctl_msg_init(&req, CTL_MSG_PING);
	for (; k < n; k++) {
		rc = sock ? ctl_connect_path(sock, &held[k], &st) : ctl_connect(&held[k], &st);
		if (rc == 0 && (rc = ctl_call(held[k], &req, NULL, NULL, &st)) != 0)
			ctl_close(held[k]);
		if (rc != 0) {
			fprintf(stderr, "ctl_probe: connection %d: %s\n", k + 1, st.text);
			break;
		}
	}
	printf("held %d\n", k);
	fflush(stdout);
	char buf[64];
	while (read(0, buf, sizeof(buf)) > 0)
		;
	while (k > 0)
		ctl_close(held[--k]);
	return rc;
}

int main(int argc, char **argv)
{
	const char *sock = NULL;
	int timeout = -2, i = 1;
	struct ctl_client *c;
	struct ctl_status st;
	struct ctl_msg req;

	for (; i + 1 < argc && argv[i][0] == '-'; i += 2) {
		if (!strcmp(argv[i], "--socket"))
			sock = argv[i + 1];
		else if (!strcmp(argv[i], "--timeout"))
			timeout = atoi(argv[i + 1]);
		else
			break;
	}
	if (i >= argc) {
		fprintf(stderr, "usage: ctl_probe [--socket PATH] [--timeout MS] REQUEST [ARGS]\n");
		return 2;
	}
	const char *what = argv[i];
	int rc = sock ? ctl_connect_path(sock, &c, &st) : ctl_connect(&c, &st);
	if (rc != 0) {
		fprintf(stderr, "ctl_probe: %s\n", st.text);
		return rc;
	}
	if (timeout != -2)
		ctl_set_timeout(c, timeout);
	if (!strcmp(what, "hold") && i + 1 < argc) {
		rc = hold(c, atoi(argv[i + 1]), sock);
		ctl_close(c);
		return rc;
	}
	if (!strncmp(what, "raw-", 4)) {
		rc = raw(c, what, i + 1 < argc ? argv[i + 1] : NULL);
		ctl_close(c);
		return rc;
	}
	if (!strcmp(what, "ping")) {
		ctl_msg_init(&req, CTL_MSG_PING);
	} else if (!strcmp(what, "status")) {
		ctl_msg_init(&req, CTL_MSG_DAEMON_STATUS);
	} else if (!strcmp(what, "stop")) {
		ctl_msg_init(&req, CTL_MSG_DAEMON_STOP);
	} else if (!strcmp(what, "discovery") && i + 1 < argc) {
		ctl_msg_init(&req, CTL_MSG_DISCOVERY_ST);
		snprintf(req.u.discovery_st.portal, sizeof(req.u.discovery_st.portal), "%s",
			 argv[i + 1]);
		if (i + 2 < argc)
			snprintf(req.u.discovery_st.ifaces, sizeof(req.u.discovery_st.ifaces), "%s",
				 argv[i + 2]);
		if (i + 3 < argc)
			req.u.discovery_st.ops = (uint32_t)strtoul(argv[i + 3], NULL, 0);
	} else {
		fprintf(stderr, "ctl_probe: unknown request %s\n", what);
		ctl_close(c);
		return 2;
	}
	rc = ctl_call(c, &req, print_answer, NULL, &st);
	if (rc != 0)
		fprintf(stderr, "ctl_probe: %s\n", st.text);
	ctl_close(c);
	return rc;
}
