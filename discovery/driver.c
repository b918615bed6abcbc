#include "discovery/driver.h"

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "base/exitcodes.h"
#include "base/log.h"
#include "discovery/driver_net.h"
#include "discovery/driver_impl.h"
#include "privsep/msg.h"
#include "privsep/tcp_connect.h"

uint64_t discovery_now_ms(void)
{
	return worker_now_ms();
}

void discovery_result_free(struct discovery_result *res)
{
	free(res->records);
	res->records = NULL;
	res->count = 0;
}

void drv_close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

enum discovery_progress drv_finish(struct discovery_run *r, int code, const char *fmt, ...)
{
	va_list ap;

	worker_job_stop(&r->w.job);
	drv_close_fd(&r->w.sock);
	r->res.auth = r->chap.sum;
	chap_holder_wipe(&r->chap);
	struct audit_fields f = AUDIT_FIELDS_INIT;
	f.session = "discovery";
	f.portal = r->portal;
	chap_summary_audit(&r->res.auth, &f);
	r->res.code = code;
	if (code == ISCSI_SUCCESS) {
		r->res.message[0] = '\0';
	} else {
		va_start(ap, fmt);
		vsnprintf(r->res.message, sizeof(r->res.message), fmt, ap);
		va_end(ap);
		discovery_result_free(&r->res);
	}
	r->w.phase = WP_DONE;
	return DISCOVERY_DONE;
}

enum discovery_progress drv_reject_worker(struct discovery_run *r, const char *why)
{
	log_debug(1, "discovery worker %d for %s killed: %s", (int)r->w.job.pid, r->portal, why);
	audit_worker_killed("discovery", NULL, r->portal, r->w.job.pid, why);
	return drv_finish(r, ISCSI_ERR_CHILD_TERMINATED, "discovery worker killed: %s", why);
}

static char *dup_or_empty(const char *s)
{
	return strdup(s ? s : "");
}

static int start_worker(struct discovery_run *r)
{
	/* Room for a whole answer's records in the channel, so the worker
	 * streams them without waiting for us between messages. */
	struct worker_job_conf conf = {
		.role = ROLE_DISCOVERY,
		.uid = r->p.worker_uid,
		.gid = r->p.worker_gid,
		.root = r->root,
		.program = r->program,
		.keep_stderr = r->p.keep_stderr,
		.seccomp_trap = r->p.seccomp_trap,
		.sndbuf = 4 << 20,
	};
	char err[256];

	if (worker_job_spawn(&r->w.job, &conf, err, sizeof(err)) < 0) {
		drv_finish(r, ISCSI_ERR_INTERNAL, "discovery: %s", err);
		return -1;
	}
	r->w.phase = WP_WORKER;
	return 0;
}

/* Connected: hand over to the worker. */
static enum discovery_progress connected(struct discovery_run *r)
{
	if (start_worker(r) < 0)
		return DISCOVERY_DONE;
	return DISCOVERY_PENDING;
}

struct discovery_run *discovery_run_start(const struct discovery_params *params)
{
	struct discovery_run *r = calloc(1, sizeof(*r));
	struct chap_creds none = { .mode = LOGIN_AUTH_NONE };
	int pending = 0, code = 0;

	if (!r) {
		if (params->creds)
			chap_creds_wipe(params->creds);
		return NULL;
	}
	worker_run_init(&r->w);
	r->p = *params;
	chap_holder_init(&r->chap, params->creds ? params->creds : &none, "");
	r->p.creds = NULL;
	r->portal = dup_or_empty(params->portal);
	r->iname = dup_or_empty(params->initiator_name);
	r->alias = dup_or_empty(params->initiator_alias);
	r->root = dup_or_empty(params->worker_root);
	r->program = dup_or_empty(params->worker_program ? params->worker_program :
				  DISCOVERY_WORKER_PROGRAM);
	if (!r->portal || !r->iname || !r->alias || !r->root || !r->program) {
		discovery_run_free(r);
		return NULL;
	}
	if (!r->p.timeout_ms)
		r->p.timeout_ms = DISCOVERY_TIMEOUT_DEFAULT_MS;
	if (!r->p.connect_timeout_ms)
		r->p.connect_timeout_ms = DISCOVERY_CONNECT_TIMEOUT_DEFAULT_MS;
	if (!r->p.max_records || r->p.max_records > DISCOVERY_MAX_RECORDS_DEFAULT)
		r->p.max_records = DISCOVERY_MAX_RECORDS_DEFAULT;
	uint64_t now = discovery_now_ms();
	r->w.deadline = now + r->p.timeout_ms;
	r->w.connect_deadline = now + r->p.connect_timeout_ms;
	if (r->w.connect_deadline > r->w.deadline)
		r->w.connect_deadline = r->w.deadline;

	struct iscsi_name_result nres;
	if (iscsi_name_check(r->iname, ISCSI_NAME_ALLOW_UPPER, &nres) != NAME_OK) {
		char line[200];
		iscsi_name_describe(line, sizeof(line), "initiator name", r->iname, &nres);
		drv_finish(r, ISCSI_ERR_INVAL, "%s", line);
		return r;
	}
	if (r->p.max_recv_dsl && (r->p.max_recv_dsl < 512 || r->p.max_recv_dsl > 16777215)) {
		drv_finish(r, ISCSI_ERR_INVAL, "MaxRecvDataSegmentLength %u out of range 512..16777215",
		       r->p.max_recv_dsl);
		return r;
	}
	if (r->alias[0] && iscsi_alias_check(r->alias, NULL) != NAME_OK) {
		drv_finish(r, ISCSI_ERR_INVAL, "invalid initiator alias");
		return r;
	}
	code = dnet_portal(r->portal, r->res.portal_addr, sizeof(r->res.portal_addr),
			   &r->res.portal_port, r->res.message, sizeof(r->res.message));
	if (code) {
		char line[DISCOVERY_MSG_MAX];
		snprintf(line, sizeof(line), "%s", r->res.message);
		drv_finish(r, code, "%s", line);
		return r;
	}
	r->w.sock = tcp_connect_start(r->res.portal_addr, r->res.portal_port, NULL, &pending, &code,
				    r->res.message, sizeof(r->res.message));
	if (r->w.sock < 0) {
		char line[DISCOVERY_MSG_MAX];
		snprintf(line, sizeof(line), "%s", r->res.message);
		drv_finish(r, code, "%s", line);
		return r;
	}
	r->w.phase = WP_CONNECTING;
	if (!pending)
		connected(r);
	return r;
}

int discovery_run_fd(const struct discovery_run *r, short *events)
{
	return worker_run_fd(&r->w, events);
}

uint64_t discovery_run_deadline(const struct discovery_run *r)
{
	return worker_run_deadline(&r->w);
}

bool discovery_run_done(const struct discovery_run *r)
{
	return r->w.phase == WP_DONE;
}

pid_t discovery_run_worker_pid(const struct discovery_run *r)
{
	return r->w.job.pid > 0 ? r->w.job.pid : 0;
}

const char *discovery_run_portal(const struct discovery_run *r)
{
	return r->portal;
}

const struct discovery_result *discovery_run_result(const struct discovery_run *r)
{
	return r->w.phase == WP_DONE ? &r->res : NULL;
}

int discovery_run_take_result(struct discovery_run *r, struct discovery_result *out)
{
	if (r->w.phase != WP_DONE)
		return -1;
	*out = r->res;
	r->res.records = NULL;
	r->res.count = 0;
	return 0;
}

void discovery_run_free(struct discovery_run *r)
{
	if (!r)
		return;
	worker_job_stop(&r->w.job);
	drv_close_fd(&r->w.sock);
	chap_holder_wipe(&r->chap);
	discovery_result_free(&r->res);
	free(r->portal);
	free(r->iname);
	free(r->alias);
	free(r->root);
	free(r->program);
	free(r);
}

static enum discovery_progress worker_gone(struct discovery_run *r)
{
	char how[96];
	int st;

	worker_job_reap(&r->w.job, &st);
	if (r->w.phase == WP_EXITING && worker_job_exit_ok(st)) {
		char line[DISCOVERY_MSG_MAX];
		snprintf(line, sizeof(line), "%s", r->res.message);
		return drv_finish(r, r->res.code, "%s", line);
	}
	worker_job_describe_exit(st, how, sizeof(how));
	log_debug(1, "discovery worker for %s %s", r->portal, how);
	return drv_finish(r, ISCSI_ERR_CHILD_TERMINATED, "discovery worker %s", how);
}

static enum discovery_progress read_worker(struct discovery_run *r)
{
	for (;;) {
		struct msg m;
		char why[200];

		switch (worker_job_recv(&r->w.job, &m, why, sizeof(why))) {
		case WJ_AGAIN:
			return DISCOVERY_PENDING;
		case WJ_CLOSED:
			return worker_gone(r);
		case WJ_REFUSED:
			return drv_reject_worker(r, why);
		case WJ_MESSAGE:
			if (drv_handle(r, &m) == DISCOVERY_DONE)
				return DISCOVERY_DONE;
			break;
		}
	}
}

enum discovery_progress discovery_run_on_ready(struct discovery_run *r)
{
	switch (r->w.phase) {
	case WP_CONNECTING: {
		char line[DISCOVERY_MSG_MAX];
		int code = tcp_connect_result(r->w.sock, r->res.portal_addr, r->res.portal_port, line,
					      sizeof(line));
		if (code)
			return drv_finish(r, code, "%s", line);
		return connected(r);
	}
	case WP_WORKER:
	case WP_EXITING:
		return read_worker(r);
	default:
		return DISCOVERY_DONE;
	}
}

enum discovery_progress discovery_run_on_timeout(struct discovery_run *r)
{
	char where[96];

	if (r->w.phase == WP_DONE)
		return DISCOVERY_DONE;
	if (discovery_now_ms() < discovery_run_deadline(r))
		return DISCOVERY_PENDING;
	dnet_format(r->res.portal_addr, r->res.portal_port, where, sizeof(where));
	switch (r->w.phase) {
	case WP_CONNECTING:
		return drv_finish(r, ISCSI_ERR_TRANS_TIMEOUT, "cannot make connection to %s: "
			      "connection timed out", where);
	case WP_EXITING:
		return drv_reject_worker(r, "did not exit after its answer");
	default:
		log_debug(1, "discovery worker %d for %s killed: no answer within %u ms", (int)r->w.job.pid,
			 r->portal, r->p.timeout_ms);
		return drv_finish(r, ISCSI_ERR_TRANS_TIMEOUT, "discovery at %s timed out after %u ms",
			      where, r->p.timeout_ms);
	}
}

int discovery_run_blocking(const struct discovery_params *params, struct discovery_result *out)
{
	struct discovery_run *r = discovery_run_start(params);

	memset(out, 0, sizeof(*out));
	if (!r) {
		out->code = ISCSI_ERR_NOMEM;
		snprintf(out->message, sizeof(out->message), "out of memory");
		return out->code;
	}
	while (!discovery_run_done(r)) {
		int n = worker_run_wait(&r->w);

		if (n < 0) {
			discovery_run_free(r);
			out->code = ISCSI_ERR_INTERNAL;
			snprintf(out->message, sizeof(out->message), "poll: %s", strerror(errno));
			return out->code;
		}
		if (n > 0)
			discovery_run_on_ready(r);
		else
			discovery_run_on_timeout(r);
	}
	discovery_run_take_result(r, out);
	discovery_run_free(r);
	return out->code;
}
