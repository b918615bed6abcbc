/* async_probe: one PDU through privsep/pdu_run.h, blocking, for tests:
 * what iscsid does with a PDU the kernel passes up from a session (a
 * sandboxed "pdu" worker decodes it), without the kernel.
 *
 * Usage: async_probe --root DIR --worker PATH [--trap] [--timeout MS]
 *                    [--again PATH] HEX
 *
 * HEX is the PDU as the kernel passes it (BHS, then unpadded data).
 * Prints "worker PID", then "outcome decoded|refused|failed", then for a
 * decoded PDU one "KEY VALUE" line per field ("kind async", "event 1",
 * "param3 10", "sense 6 3f 0e" or "sense none", ...), for the others
 * "killed 0|1" and "message LINE". With --again, the same PDU then goes
 * through a second worker, PATH (the real one after a rogue), and
 * "again outcome ..." follows: the caller lived on. Exits 0 once it
 * has printed its lines, 2 on bad usage.
 *
 * Started as a worker (by the spawn of another async_probe, through a
 * symlink whose name says what to do), it parses the real worker command
 * line, enters the real sandbox of role "pdu", says HELLO and then
 * misbehaves as its name says:
 *
 *   rogue-pdu-early    answers before its HELLO
 *   rogue-pdu-twice    answers twice
 *   rogue-pdu-lie      answers a reserved AsyncEvent (9): the decoder
 *                      could never say that
 *   rogue-pdu-chap     asks for a CHAP response
 *   rogue-pdu-garbage  writes a frame of no declared type
 *   rogue-pdu-hang     never answers
 *   rogue-pdu-linger   answers, then does not exit
 *   rogue-pdu-socket   tries to open a socket (not in its allow-list)
 *   rogue-pdu-crash    dies of SIGSEGV */
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "base/log.h"
#include "privsep/msg.h"
#include "privsep/pdu_run.h"
#include "privsep/sandbox.h"
#include "privsep/spawn.h"
#include "privsep/worker_run.h"

static const int ch = WORKER_FD_MONITOR;

static void send_or_exit(const struct msg *m)
{
	if (msg_send(ch, MSG_BY_WORKER, m) != MSG_OK)
		sandbox_exit(1);
}

static void logout_request_answer(void)
{
	struct msg m;

	msg_init(&m, MSG_PDU_ASYNC, 0);
	m.u.pdu_async.event = 1;
	m.u.pdu_async.param3 = 10;
	send_or_exit(&m);
}

static int rogue(int argc, char **argv)
{
	struct sandbox_conf conf;
	char err[256];
	int extra;
	struct msg m;

	if (worker_args_parse(argc, argv, &conf, &extra, err, sizeof(err)) < 0 ||
	    sandbox_enter(&conf, err, sizeof(err)) < 0) {
		fprintf(stderr, "async_probe: %s\n", err);
		return 2;
	}
	const char *mode = strrchr(argv[0], '/');
	mode = mode ? mode + 1 : argv[0];

	/* Its answer comes first: the monitor reads it before any HELLO. */
	if (!strcmp(mode, "rogue-pdu-early"))
		logout_request_answer();
	msg_init(&m, MSG_HELLO, 0);
	m.u.hello.role = (uint32_t)conf.role;
	m.u.hello.version = MSG_PROTO_VERSION;
	send_or_exit(&m);
	if (msg_recv(ch, MSG_BY_WORKER, &m, NULL) != MSG_OK || m.type != MSG_PDU_DECODE)
		sandbox_exit(1);

	if (!strcmp(mode, "rogue-pdu-twice")) {
		logout_request_answer();
		logout_request_answer();
	} else if (!strcmp(mode, "rogue-pdu-lie")) {
		msg_init(&m, MSG_PDU_ASYNC, 0);
		m.u.pdu_async.event = 9;
		send_or_exit(&m);
	} else if (!strcmp(mode, "rogue-pdu-chap")) {
		msg_init(&m, MSG_CHAP_CHALLENGE, 0);
		m.u.chap_challenge.alg = 5;
		m.u.chap_challenge.challenge_len = 16;
		memset(m.u.chap_challenge.challenge, 0x42, 16);
		send_or_exit(&m);
	} else if (!strcmp(mode, "rogue-pdu-garbage")) {
		static const unsigned char frame[12] = { 0x7f, 0x7f };
		struct iovec iov = { .iov_base = (void *)frame, .iov_len = sizeof(frame) };
		struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
		(void)!sendmsg(ch, &mh, 0);
	} else if (!strcmp(mode, "rogue-pdu-hang")) {
		/* recvmsg until the monitor closes the channel (it kills us first). */
		while (msg_recv(ch, MSG_BY_WORKER, &m, NULL) != MSG_E_CLOSED)
			;
	} else if (!strcmp(mode, "rogue-pdu-linger")) {
		logout_request_answer();
		while (msg_recv(ch, MSG_BY_WORKER, &m, NULL) != MSG_E_CLOSED)
			;
	} else if (!strcmp(mode, "rogue-pdu-socket")) {
		int s = socket(AF_INET, SOCK_STREAM, 0);
		(void)s;
		logout_request_answer();
	} else if (!strcmp(mode, "rogue-pdu-crash")) {
		/* A plain fault: raise() would need calls the sandbox kills for. */
		int *volatile nowhere = NULL;
		*nowhere = 1;
	}
	sandbox_exit(0);
	return 0;
}

static int unhex(const char *hex, uint8_t *out, size_t cap, size_t *len)
{
	size_t n = strlen(hex);

	if (n % 2 || n / 2 > cap)
		return -1;
	for (size_t i = 0; i < n / 2; i++) {
		unsigned v;
		if (sscanf(hex + 2 * i, "%2x", &v) != 1)
			return -1;
		out[i] = (uint8_t)v;
	}
	*len = n / 2;
	return 0;
}

static void print_result(const char *prefix, const struct pdu_run_result *r)
{
	static const char *const outcomes[] = { "decoded", "refused", "failed" };
	const struct session_pdu *d = &r->pdu;

	printf("%soutcome %s\n", prefix, outcomes[r->outcome]);
	if (r->outcome != PDU_RUN_DECODED) {
		printf("%skilled %d\n", prefix, r->worker_killed);
		printf("%smessage %s\n", prefix, r->message);
		return;
	}
	if (d->kind == SESSION_PDU_LOGOUT_RSP) {
		printf("%skind logout_rsp\n%sresponse %u\n%stime2wait %u\n%stime2retain %u\n",
		       prefix, prefix, d->response, prefix, d->time2wait, prefix, d->time2retain);
		return;
	}
	printf("%skind async\n%sevent %u\n%svcode %u\n", prefix, prefix, d->event, prefix,
	       d->vcode);
	printf("%sparam1 %u\n%sparam2 %u\n%sparam3 %u\n", prefix, d->param1, prefix, d->param2,
	       prefix, d->param3);
	printf("%ssense_len %u\n%sevent_data_len %u\n", prefix, d->sense_len, prefix,
	       d->event_data_len);
	if (d->sense_valid)
		printf("%ssense %x %02x %02x\n", prefix, d->sense_key, d->asc, d->ascq);
	else
		printf("%ssense none\n", prefix);
}

static void run(struct pdu_params *p, struct pdu_run_result *out)
{
	struct pdu_run *r = pdu_run_start(p);
	pid_t shown = 0;

	if (!r) {
		fprintf(stderr, "async_probe: out of memory\n");
		exit(3);
	}
	while (!pdu_run_done(r)) {
		short events = 0;
		struct pollfd pfd = { .fd = pdu_run_fd(r, &events) };
		uint64_t now = worker_now_ms(), until = pdu_run_deadline(r);
		pfd.events = events;
		if (pdu_run_worker_pid(r) && pdu_run_worker_pid(r) != shown) {
			shown = pdu_run_worker_pid(r);
			printf("worker %d\n", (int)shown);
			fflush(stdout);
		}
		if (poll(&pfd, pfd.fd >= 0 ? 1 : 0, until > now ? (int)(until - now) : 0) > 0)
			pdu_run_on_ready(r);
		else
			pdu_run_on_timeout(r);
	}
	*out = *pdu_run_result(r);
	pdu_run_free(r);
}

int main(int argc, char **argv)
{
	static uint8_t pdu[4096];
	struct pdu_params p = { 0 };
	struct pdu_run_result res;
	const char *again = NULL, *hex = NULL;
	char err[256];

	if (argc > 1 && !strncmp(argv[1], "--privsep-worker=", 17))
		return rogue(argc, argv);
	log_init("async_probe", LOG_TO_STDERR, 1);
	for (int i = 1; i < argc; i++) {
		const char *o = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (!strcmp(o, "--trap")) {
			p.seccomp_trap = true;
			continue;
		}
		if (o[0] != '-') {
			hex = o;
			continue;
		}
		if (!v)
			goto usage;
		i++;
		if (!strcmp(o, "--root"))
			p.worker_root = v;
		else if (!strcmp(o, "--worker"))
			p.worker_program = v;
		else if (!strcmp(o, "--again"))
			again = v;
		else if (!strcmp(o, "--timeout"))
			p.timeout_ms = (uint32_t)strtoul(v, NULL, 10);
		else
			goto usage;
	}
	if (!p.worker_root || !p.worker_program || !hex || unhex(hex, pdu, sizeof(pdu), &p.len) < 0)
		goto usage;
	p.pdu = pdu;
	p.peer = 7;
	p.keep_stderr = true;
	if (sandbox_account(NULL, &p.worker_uid, &p.worker_gid, err, sizeof(err)) < 0 ||
	    sandbox_prepare_root(p.worker_root, err, sizeof(err)) < 0) {
		fprintf(stderr, "async_probe: %s\n", err);
		return 2;
	}
	run(&p, &res);
	print_result("", &res);
	if (again) {
		p.worker_program = again;
		run(&p, &res);
		print_result("again ", &res);
	}
	return 0;
usage:
	fprintf(stderr, "usage: async_probe --root DIR --worker PATH [--trap] [--timeout MS] "
		"[--again PATH] HEX\n");
	return 2;
}
