/* login_run: one login through login/driver.h, blocking, for tests: what
 * iscsid will do before handing the connection to the kernel, without
 * the kernel. The offer comes from a node record with iscsid.conf's
 * defaults (login/offer.h), changed by -o KEY=VALUE.
 *
 * Usage: login_run --address A --port P --target NAME --worker PATH
 *                  --root DIR [--iname NAME] [--netdev DEV]
 *                  [--connect-timeout MS] [--isid Q] [--trap] [-o KEY=VALUE]...
 *                  [--rec-file FILE] [--debug N]
 *
 * --rec-file sets KEY=VALUE lines on the record (CHAP secrets: never in
 * argv); the credentials go to the driver as iscsid's would.
 *
 * Prints "worker PID" once the worker runs, then on success one
 * "KEY VALUE" line per negotiated value and sequence number and
 * "Auth None" / "Auth CHAP ALG [mutual]", and "code N MESSAGE" last;
 * exits with the code. */
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/log.h"
#include "login/driver.h"
#include "login/offer.h"
#include "privsep/sandbox.h"
#include "records/config.h"
#include "tests/tools/rec_file.h"

static void print_values(const struct login_negotiated *g)
{
	const struct neg_params *p = &g->params;

	printf("HeaderDigest %s\n", p->header_digest ? "CRC32C" : "None");
	printf("DataDigest %s\n", p->data_digest ? "CRC32C" : "None");
	printf("MaxRecvDataSegmentLength %u\n", p->max_recv_dsl);
	printf("MaxXmitDataSegmentLength %u\n", p->max_xmit_dsl);
	printf("MaxBurstLength %u\n", p->max_burst);
	printf("FirstBurstLength %u\n", p->first_burst);
	printf("MaxConnections %u\n", p->max_connections);
	printf("MaxOutstandingR2T %u\n", p->max_outstanding_r2t);
	printf("DefaultTime2Wait %u\n", p->time2wait);
	printf("DefaultTime2Retain %u\n", p->time2retain);
	printf("ErrorRecoveryLevel %u\n", p->erl);
	printf("InitialR2T %s\n", p->initial_r2t ? "Yes" : "No");
	printf("ImmediateData %s\n", p->immediate_data ? "Yes" : "No");
	printf("DataPDUInOrder %s\n", p->data_pdu_in_order ? "Yes" : "No");
	printf("DataSequenceInOrder %s\n", p->data_seq_in_order ? "Yes" : "No");
	printf("TargetPortalGroupTag %d\n", (int)p->tpgt);
	printf("TargetAlias %s\n", p->target_alias[0] ? p->target_alias : "-");
	printf("TSIH 0x%04x\n", g->tsih);
	printf("CmdSN %u\nExpStatSN %u\nExpCmdSN %u\nMaxCmdSN %u\n", g->cmdsn, g->exp_statsn,
	       g->exp_cmdsn, g->max_cmdsn);
}

int main(int argc, char **argv)
{
	struct login_params p = { .port = 3260 };
	const char *iname = "iqn.2005-03.org.open-iscsi:logintest", *target = NULL;
	uint32_t qualifier = 1;
	struct iscsid_conf conf;
	struct rec_err rerr;
	char err[256];

	log_init("login_run", LOG_TO_STDERR, 0);
	if (iscsid_conf_init(&conf, &rerr) < 0)
		return 3;
	struct rec *node = iscsid_conf_new_node(&conf);
	if (!node)
		return 3;
	for (int i = 1; i < argc; i++) {
		const char *o = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (!strcmp(o, "--trap")) {
			p.seccomp_trap = true;
			continue;
		}
		if (!v) {
			fprintf(stderr, "login_run: %s needs a value\n", o);
			return 2;
		}
		i++;
		if (!strcmp(o, "--address"))
			p.address = v;
		else if (!strcmp(o, "--port"))
			p.port = (uint16_t)strtoul(v, NULL, 10);
		else if (!strcmp(o, "--target"))
			target = v;
		else if (!strcmp(o, "--worker"))
			p.worker_program = v;
		else if (!strcmp(o, "--root"))
			p.worker_root = v;
		else if (!strcmp(o, "--iname"))
			iname = v;
		else if (!strcmp(o, "--netdev"))
			p.netdev = v;
		else if (!strcmp(o, "--connect-timeout"))
			p.connect_timeout_ms = (uint32_t)strtoul(v, NULL, 10);
		else if (!strcmp(o, "--isid"))
			qualifier = (uint32_t)strtoul(v, NULL, 0);
		else if (!strcmp(o, "--debug"))
			log_init("login_run", LOG_TO_STDERR, atoi(v));
		else if (!strcmp(o, "--rec-file")) {
			if (rec_file_apply(node, v, err, sizeof(err)) < 0) {
				fprintf(stderr, "login_run: %s\n", err);
				return 7;
			}
		} else if (!strcmp(o, "-o")) {
			char key[256];
			const char *eq = strchr(v, '=');
			if (!eq || (size_t)(eq - v) >= sizeof(key)) {
				fprintf(stderr, "login_run: -o KEY=VALUE\n");
				return 2;
			}
			snprintf(key, sizeof(key), "%.*s", (int)(eq - v), v);
			if (rec_set(node, key, eq + 1, &rerr) < 0) {
				fprintf(stderr, "login_run: %s\n", rerr.msg);
				return 7;
			}
		} else {
			fprintf(stderr, "login_run: unknown option %s\n", o);
			return 2;
		}
	}
	if (!p.address || !target || !p.worker_root) {
		fprintf(stderr, "login_run: --address, --target and --root are required\n");
		return 2;
	}
	if (rec_set(node, "node.name", target, &rerr) < 0) {
		printf("code 7 %s\n", rerr.msg);
		return 7;
	}
	struct chap_creds creds;
	int code = login_offer_build(node, iname, NULL, qualifier, &p.offer, err, sizeof(err));
	if (!code)
		code = chap_creds_from_record(node, &creds, err, sizeof(err));
	p.creds = &creds;
	rec_free(node);
	iscsid_conf_free(&conf);
	if (code) {
		printf("code %d %s\n", code, err);
		return code;
	}
	if (sandbox_account(NULL, &p.worker_uid, &p.worker_gid, err, sizeof(err)) < 0 ||
	    sandbox_prepare_root(p.worker_root, err, sizeof(err)) < 0) {
		fprintf(stderr, "login_run: %s\n", err);
		return 2;
	}

	struct login_run *r = login_run_start(&p);
	pid_t shown = 0;
	if (!r)
		return 3;
	while (!login_run_done(r)) {
		short events;
		struct pollfd pfd = { .fd = login_run_fd(r, &events) };
		uint64_t now = login_now_ms(), until = login_run_deadline(r);
		pfd.events = events;
		if (login_run_worker_pid(r) && !shown) {
			shown = login_run_worker_pid(r);
			printf("worker %d\n", (int)shown);
			fflush(stdout);
		}
		if (poll(&pfd, 1, until > now ? (int)(until - now) : 0) > 0)
			login_run_on_ready(r);
		else
			login_run_on_timeout(r);
	}
	const struct login_run_result *res = login_run_result(r);
	code = res->code;
	if (code == 0) {
		int s = login_run_take_socket(r);
		char auth[64];
		print_values(&res->neg);
		printf("Auth %s\n", chap_summary_text(&res->auth, auth, sizeof(auth)));
		printf("socket %s\n", s >= 0 ? "taken" : "missing");
		if (s >= 0)
			close(s);
	} else if (res->status_class || res->status_detail) {
		printf("status %02x/%02x retryable %d\n", res->status_class, res->status_detail,
		       res->retryable);
	}
	printf("code %d %s\n", code, res->message);
	login_run_free(r);
	return code;
}
