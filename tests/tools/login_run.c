/* login_run: one login through login/driver.h, blocking, for tests: what
 * iscsid will do before handing the connection to the kernel, without
 * the kernel. The offer comes from a node record with iscsid.conf's
 * defaults (login/offer.h), changed by -o KEY=VALUE.
 *
 * Usage: login_run --address A --port P --target NAME --worker PATH
 *                  --root DIR [--iname NAME] [--netdev DEV]
 *                  [--connect-timeout MS] [--isid Q] [--trap] [-o KEY=VALUE]...
 *                  [--rec-file FILE] [--debug N]
 *                  [--retry initial|reopen|custom] [--attempts N]
 *                  [--give-up-ms MS] [--first-delay MS] [--backoff MS]
 *                  [--backoff-max MS]
 *
 * --rec-file sets KEY=VALUE lines on the record (CHAP secrets: never in
 * argv); the credentials go to the driver as iscsid's would.
 *
 * --retry drives login/retry.h instead of a single run: "initial" and
 * "reopen" take the policy from the record (login_retry_policy_from_record),
 * "custom" starts from none; --attempts, --give-up-ms (from now),
 * --first-delay, --backoff and --backoff-max then change it.
 *
 * Prints "worker PID" for each worker as it runs, then on success one
 * "KEY VALUE" line per negotiated value and sequence number and
 * "Auth None" / "Auth CHAP ALG [mutual]"; then "redirects N",
 * "connected ADDR PORT", "moved ADDR PORT" (after a permanent redirect),
 * "attempts N" (with --retry), "elapsed MS", and "code N MESSAGE" last;
 * exits with the code. */
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/log.h"
#include "login/driver.h"
#include "login/offer.h"
#include "login/retry.h"
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

/* One login (a run, or attempts with --retry) behind one set of calls. */
struct drive {
	struct login_run *run;
	struct login_retry *retry;
};

static bool d_done(const struct drive *d)
{
	return d->retry ? login_retry_done(d->retry) : login_run_done(d->run);
}

static int d_fd(const struct drive *d, short *events)
{
	return d->retry ? login_retry_fd(d->retry, events) : login_run_fd(d->run, events);
}

static uint64_t d_deadline(const struct drive *d)
{
	return d->retry ? login_retry_deadline(d->retry) : login_run_deadline(d->run);
}

static pid_t d_worker(const struct drive *d)
{
	return d->retry ? login_retry_worker_pid(d->retry) : login_run_worker_pid(d->run);
}

static void d_ready(struct drive *d)
{
	if (d->retry)
		login_retry_on_ready(d->retry);
	else
		login_run_on_ready(d->run);
}

static void d_timeout(struct drive *d)
{
	if (d->retry)
		login_retry_on_timeout(d->retry);
	else
		login_run_on_timeout(d->run);
}

static const struct login_run_result *d_result(const struct drive *d)
{
	return d->retry ? login_retry_result(d->retry) : login_run_result(d->run);
}

static int d_take_socket(struct drive *d)
{
	return d->retry ? login_retry_take_socket(d->retry) : login_run_take_socket(d->run);
}

static void d_free(struct drive *d)
{
	login_retry_free(d->retry);
	login_run_free(d->run);
}

/* The --retry options: which policy, then changes to it. */
struct retry_opts {
	const char *kind;               /* NULL: a single run */
	long long attempts, give_up_ms, first_delay, backoff, backoff_max;
};

static int retry_policy(const struct retry_opts *o, const struct rec *node,
			struct login_retry_policy *pol, char *err, size_t size)
{
	uint64_t now = login_now_ms();

	memset(pol, 0, sizeof(*pol));
	if (!strcmp(o->kind, "initial") || !strcmp(o->kind, "reopen")) {
		int rc = login_retry_policy_from_record(node, !strcmp(o->kind, "initial") ?
							LOGIN_RETRY_INITIAL : LOGIN_RETRY_REOPEN,
						now, pol, err, size);
		if (rc)
			return rc;
	} else if (strcmp(o->kind, "custom") != 0) {
		snprintf(err, size, "--retry initial|reopen|custom");
		return 2;
	}
	if (o->attempts >= 0)
		pol->max_attempts = (unsigned)o->attempts;
	if (o->give_up_ms >= 0)
		pol->give_up_ms = o->give_up_ms ? now + (uint64_t)o->give_up_ms : 0;
	if (o->first_delay >= 0)
		pol->first_delay_ms = (uint32_t)o->first_delay;
	if (o->backoff >= 0)
		pol->backoff_initial_ms = (uint32_t)o->backoff;
	if (o->backoff_max >= 0)
		pol->backoff_max_ms = (uint32_t)o->backoff_max;
	printf("policy attempts %u give-up %s first-delay %u\n", pol->max_attempts,
	       pol->give_up_ms ? "set" : "none", pol->first_delay_ms);
	if (pol->give_up_ms)
		printf("policy give-up-in %llu\n", (unsigned long long)(pol->give_up_ms - now));
	return 0;
}

int main(int argc, char **argv)
{
	struct retry_opts ro = { NULL, -1, -1, -1, -1, -1 };
	struct login_retry_policy pol;
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
		else if (!strcmp(o, "--retry"))
			ro.kind = v;
		else if (!strcmp(o, "--attempts"))
			ro.attempts = strtoll(v, NULL, 10);
		else if (!strcmp(o, "--give-up-ms"))
			ro.give_up_ms = strtoll(v, NULL, 10);
		else if (!strcmp(o, "--first-delay"))
			ro.first_delay = strtoll(v, NULL, 10);
		else if (!strcmp(o, "--backoff"))
			ro.backoff = strtoll(v, NULL, 10);
		else if (!strcmp(o, "--backoff-max"))
			ro.backoff_max = strtoll(v, NULL, 10);
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
	if (!code && ro.kind && (code = retry_policy(&ro, node, &pol, err, sizeof(err))))
		chap_creds_wipe(&creds);
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

	uint64_t t0 = login_now_ms();
	struct drive d = { 0 };
	if (ro.kind)
		d.retry = login_retry_start(&p, &pol);
	else
		d.run = login_run_start(&p);
	pid_t shown = 0;
	if (!d.run && !d.retry)
		return 3;
	while (!d_done(&d)) {
		short events = 0;
		struct pollfd pfd = { .fd = d_fd(&d, &events) };
		uint64_t now = login_now_ms(), until = d_deadline(&d);
		pfd.events = events;
		if (d_worker(&d) && d_worker(&d) != shown) {
			shown = d_worker(&d);
			printf("worker %d\n", (int)shown);
			fflush(stdout);
		}
		if (poll(&pfd, pfd.fd >= 0 ? 1 : 0, until > now ? (int)(until - now) : 0) > 0)
			d_ready(&d);
		else
			d_timeout(&d);
	}
	const struct login_run_result *res = d_result(&d);
	code = res->code;
	if (code == 0) {
		int s = d_take_socket(&d);
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
	printf("redirects %u\n", res->redirects);
	printf("connected %s %u\n", res->connected_host[0] ? res->connected_host : "-",
	       res->connected_port);
	if (res->moved)
		printf("moved %s %u\n", res->moved_host, res->moved_port);
	if (d.retry)
		printf("attempts %u\n", login_retry_attempts(d.retry));
	printf("elapsed %llu\n", (unsigned long long)(login_now_ms() - t0));
	printf("code %d %s\n", code, res->message);
	d_free(&d);
	return code;
}
