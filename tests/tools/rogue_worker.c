/* A worker that misbehaves, for tests/integration/iscsid.sh. iscsid runs
 * it instead of iscsi-worker (--worker-program); it parses the real
 * worker command line, enters the real sandbox, says HELLO, takes
 * DISC_START, and then does what the name it was started under says (the
 * test makes symlinks to this program; spawn passes no arguments):
 *
 *   rogue-hang        never answers: the monitor's deadline must kill it
 *   rogue-repeat      sends HELLO again: out of turn, killed
 *   rogue-garbage     writes a frame of no declared type: killed
 *   rogue-badname     a DISC_RECORDS whose target name is "../../etc": refused
 *   rogue-crash       dies of SIGSEGV before answering
 *   rogue-slow-ok     waits for the channel to be readable for the given
 *                     time (1.5 s) then answers one record: a worker that
 *                     holds its slot for a while (queueing tests)
 *
 * CHAP (the monitor holds the secrets; a worker may ask once, for its own
 * job, and only when the job has CHAP):
 *   rogue-chap-twice   asks for a CHAP response, gets it, asks again
 *   rogue-chap-other   asks for a response for another target's name
 *   rogue-chap-unasked asks although the job has no CHAP
 *   rogue-chap-skip    answers a job that requires CHAP without doing it
 */
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "privsep/msg.h"
#include "privsep/sandbox.h"
#include "privsep/spawn.h"

static const int ch = WORKER_FD_MONITOR;

static void send_or_exit(const struct msg *m)
{
	if (msg_send(ch, MSG_BY_WORKER, m) != MSG_OK)
		sandbox_exit(1);
}

static void one_record(const char *name)
{
	struct msg m;

	msg_init(&m, MSG_DISC_RECORDS, 0);
	m.u.disc_records.portals_count = 1;
	struct msg_portals_item *p = &m.u.disc_records.portals[0];
	snprintf(p->target_name, sizeof(p->target_name), "%s", name);
	strcpy(p->address, "192.0.2.77");
	p->port = 3260;
	p->tpgt = 1;
	send_or_exit(&m);
	msg_init(&m, MSG_DISC_DONE, 0);
	m.u.disc_done.records = 1;
	send_or_exit(&m);
}

static void chap_challenge(const char *target)
{
	struct msg m;

	msg_init(&m, MSG_CHAP_CHALLENGE, 0);
	snprintf(m.u.chap_challenge.target_name, sizeof(m.u.chap_challenge.target_name), "%s",
		 target);
	m.u.chap_challenge.alg = 5;
	m.u.chap_challenge.id = 1;
	m.u.chap_challenge.challenge_len = 16;
	memset(m.u.chap_challenge.challenge, 0x42, 16);
	send_or_exit(&m);
}

int main(int argc, char **argv)
{
	struct sandbox_conf conf;
	char err[256];
	int extra;
	struct msg m;

	if (worker_args_parse(argc, argv, &conf, &extra, err, sizeof(err)) < 0 ||
	    sandbox_enter(&conf, err, sizeof(err)) < 0) {
		fprintf(stderr, "rogue_worker: %s\n", err);
		return 2;
	}
	const char *mode = strrchr(argv[0], '/');
	mode = mode ? mode + 1 : argv[0];

	msg_init(&m, MSG_HELLO, 0);
	m.u.hello.role = (uint32_t)conf.role;
	m.u.hello.version = MSG_PROTO_VERSION;
	send_or_exit(&m);
	if (msg_recv(ch, MSG_BY_WORKER, &m, NULL) != MSG_OK || m.type != MSG_DISC_START)
		sandbox_exit(1);
	if (m.fd >= 0)
		close(m.fd);

	if (!strcmp(mode, "rogue-hang")) {
		char c;
		while (read(ch, &c, 1) != 0)
			;
	} else if (!strcmp(mode, "rogue-repeat")) {
		msg_init(&m, MSG_HELLO, 0);
		m.u.hello.role = (uint32_t)conf.role;
		m.u.hello.version = MSG_PROTO_VERSION;
		send_or_exit(&m);
	} else if (!strcmp(mode, "rogue-garbage")) {
		static const unsigned char frame[12] = { 0x7f, 0x7f };
		(void)!write(ch, frame, sizeof(frame));
	} else if (!strcmp(mode, "rogue-badname")) {
		one_record("../../etc");
	} else if (!strcmp(mode, "rogue-crash")) {
		raise(SIGSEGV);
	} else if (!strcmp(mode, "rogue-chap-twice")) {
		chap_challenge("");
		if (msg_recv(ch, MSG_BY_WORKER, &m, NULL) != MSG_OK || m.type != MSG_CHAP_ANSWER)
			sandbox_exit(1);
		chap_challenge("");
	} else if (!strcmp(mode, "rogue-chap-other")) {
		chap_challenge("iqn.2003-01.org.example:other");
	} else if (!strcmp(mode, "rogue-chap-unasked")) {
		chap_challenge("");
	} else if (!strcmp(mode, "rogue-chap-skip")) {
		one_record("iqn.2003-01.org.example:skipped");
	} else if (!strcmp(mode, "rogue-slow-ok")) {
		struct pollfd p = { .fd = ch, .events = POLLIN };
		poll(&p, 1, 1500);
		one_record("iqn.2003-01.org.example:slow");
	}
	sandbox_exit(0);
	return 0;
}
