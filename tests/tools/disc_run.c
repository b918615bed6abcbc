/* disc_run: one discovery through discovery/driver.h's event-loop API,
 * for tests: what iscsid does, without iscsid.
 *
 * Usage: disc_run --portal P --worker PATH --root DIR
 *                 [--iname NAME] [--timeout MS] [--max N] [--trap]
 *                 [--rec-file FILE]
 *
 * --rec-file sets KEY=VALUE lines (discovery.sendtargets.auth.*) on a
 * discovery record with iscsid.conf's defaults, whose CHAP credentials go
 * to the driver as iscsid's would (secrets never in argv).
 *
 * Prints "worker PID" once the worker runs (so a test can look at it
 * from outside), then "record ADDR PORT TPGT TARGET" per result,
 * "Auth None" / "Auth CHAP ALG [mutual]" on success, and "code N MESSAGE"
 * last; exits with the code. */
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "discovery/driver.h"
#include "privsep/sandbox.h"
#include "tests/tools/rec_file.h"

int main(int argc, char **argv)
{
	struct discovery_params p = { .initiator_name = "iqn.2005-03.org.open-iscsi:discotest" };
	const char *rec_file = NULL;
	struct chap_creds creds;
	char err[256];

	log_init("disc_run", LOG_TO_STDERR, 0);
	for (int i = 1; i < argc; i++) {
		const char *o = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (!strcmp(o, "--trap")) {
			p.seccomp_trap = true;
			continue;
		}
		if (!v) {
			fprintf(stderr, "disc_run: %s needs a value\n", o);
			return 2;
		}
		i++;
		if (!strcmp(o, "--portal"))
			p.portal = v;
		else if (!strcmp(o, "--worker"))
			p.worker_program = v;
		else if (!strcmp(o, "--root"))
			p.worker_root = v;
		else if (!strcmp(o, "--iname"))
			p.initiator_name = v;
		else if (!strcmp(o, "--timeout"))
			p.timeout_ms = (uint32_t)strtoul(v, NULL, 10);
		else if (!strcmp(o, "--max"))
			p.max_records = (unsigned)strtoul(v, NULL, 10);
		else if (!strcmp(o, "--rec-file"))
			rec_file = v;
		else {
			fprintf(stderr, "disc_run: unknown option %s\n", o);
			return 2;
		}
	}
	if (!p.portal || !p.worker_root) {
		fprintf(stderr, "disc_run: --portal and --root are required\n");
		return 2;
	}
	struct rec *drec = rec_new(REC_DISCOVERY_ST);
	if (!drec)
		return 3;
	if (rec_file && rec_file_apply(drec, rec_file, err, sizeof(err)) < 0) {
		fprintf(stderr, "disc_run: %s\n", err);
		return 7;
	}
	int rc = chap_creds_from_record(drec, &creds, err, sizeof(err));
	rec_free(drec);
	if (rc) {
		printf("code %d %s\n", rc, err);
		return rc;
	}
	p.creds = &creds;
	if (sandbox_account(NULL, &p.worker_uid, &p.worker_gid, err, sizeof(err)) < 0 ||
	    sandbox_prepare_root(p.worker_root, err, sizeof(err)) < 0) {
		fprintf(stderr, "disc_run: %s\n", err);
		return 2;
	}

	struct discovery_run *r = discovery_run_start(&p);
	pid_t shown = 0;
	if (!r)
		return 3;
	while (!discovery_run_done(r)) {
		short events;
		struct pollfd pfd = { .fd = discovery_run_fd(r, &events) };
		uint64_t now = discovery_now_ms(), until = discovery_run_deadline(r);
		pfd.events = events;
		if (discovery_run_worker_pid(r) && !shown) {
			shown = discovery_run_worker_pid(r);
			printf("worker %d\n", (int)shown);
			fflush(stdout);
		}
		if (poll(&pfd, 1, until > now ? (int)(until - now) : 0) > 0)
			discovery_run_on_ready(r);
		else
			discovery_run_on_timeout(r);
	}
	const struct discovery_result *res = discovery_run_result(r);
	for (size_t i = 0; i < res->count; i++)
		printf("record %s %u %d %s\n", res->records[i].address, res->records[i].port,
		       res->records[i].tpgt, res->records[i].target_name);
	if (res->code == 0) {
		char auth[64];
		printf("Auth %s\n", chap_summary_text(&res->auth, auth, sizeof(auth)));
	}
	printf("code %d %s\n", res->code, res->message);
	int code = res->code;
	discovery_run_free(r);
	return code;
}
