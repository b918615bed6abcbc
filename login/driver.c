#include "login/driver.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/exitcodes.h"
#include "base/log.h"
#include "privsep/tcp_connect.h"
#include "privsep/worker_run.h"
#include "records/portal.h"

struct login_run {
	struct worker_run w;            /* w.sock is ours, kept through the login */
	struct login_params p;
	char address[LOGIN_ADDR_MAX], netdev[LOGIN_NETDEV_MAX], portal[LOGIN_ADDR_MAX + 8];
	char *root, *program;
	/* The caller's credentials, kept for each hop's holder; wiped when
	 * the run ends. */
	struct chap_creds creds;
	struct chap_holder chap;        /* this connection's; wiped when the run ends */
	struct login_hops hops;
	bool follow;                    /* this connection ended in a redirect */
	uint64_t login_deadline;        /* the whole login, hops included; 0 before */
	struct login_run_result res;
};

uint64_t login_now_ms(void)
{
	return worker_now_ms();
}

static enum login_progress finish(struct login_run *r, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Ends the run: the worker killed (if still there) and reaped, the
 * socket closed unless the login succeeded. */
static enum login_progress finish(struct login_run *r, int code, const char *fmt, ...)
{
	va_list ap;

	worker_job_stop(&r->w.job);
	r->res.auth = r->chap.sum;
	chap_holder_wipe(&r->chap);
	chap_creds_wipe(&r->creds);
	r->res.code = code;
	if (code == ISCSI_SUCCESS) {
		r->res.message[0] = '\0';
	} else {
		va_start(ap, fmt);
		vsnprintf(r->res.message, sizeof(r->res.message), fmt, ap);
		va_end(ap);
		memset(&r->res.neg, 0, sizeof(r->res.neg));
		if (r->w.sock >= 0)
			close(r->w.sock);
		r->w.sock = -1;
	}
	r->w.phase = WP_DONE;
	return LOGIN_RUN_DONE;
}

static enum login_progress reject_worker(struct login_run *r, const char *why)
{
	log_debug(1, "login worker %d for %s killed: %s", (int)r->w.job.pid, r->portal, why);
	audit_worker_killed("normal", r->p.offer.target_name, r->portal, r->w.job.pid, why);
	r->res.retryable = false;
	return finish(r, ISCSI_ERR_CHILD_TERMINATED, "login worker killed: %s", why);
}

static int send_start(struct login_run *r)
{
	const struct login_config *o = &r->p.offer;
	struct msg m;
	struct msg_login_start *s = &m.u.login_start;
	uint64_t now = login_now_ms();
	uint64_t left = r->w.deadline > now ? r->w.deadline - now : 0;

	msg_init(&m, MSG_LOGIN_START, 0);
	snprintf(s->initiator_name, sizeof(s->initiator_name), "%s", o->initiator_name);
	snprintf(s->initiator_alias, sizeof(s->initiator_alias), "%s", o->initiator_alias);
	snprintf(s->target_name, sizeof(s->target_name), "%s", o->target_name);
	snprintf(s->portal, sizeof(s->portal), "%s", r->portal);
	for (int i = 0; i < 6; i++)
		s->isid = s->isid << 8 | o->isid[i];
	s->tsih = o->tsih;
	s->cid = o->cid;
	s->cmdsn = o->cmdsn;
	s->header_digest = (uint8_t)o->neg.header_digest;
	s->data_digest = (uint8_t)o->neg.data_digest;
	s->max_recv_dsl = o->neg.max_recv_dsl;
	MSG_LOGIN_OPERATIONAL_COPY(s, &o->neg);
	left = left > WORKER_DEADLINE_MARGIN_MS ? left - WORKER_DEADLINE_MARGIN_MS : 1;
	s->timeout_ms = (uint32_t)(left > 3600000 ? 3600000 : left);
	CHAP_HOLDER_OFFER(&r->chap, s);
	/* msg_send passes a duplicate; our descriptor stays ours. */
	m.fd = r->w.sock;
	return worker_job_send(&r->w.job, &m);
}

static enum login_progress connected(struct login_run *r)
{
	struct worker_job_conf conf = {
		.role = ROLE_LOGIN,
		.uid = r->p.worker_uid,
		.gid = r->p.worker_gid,
		.root = r->root,
		.program = r->program,
		.keep_stderr = r->p.keep_stderr,
		.seccomp_trap = r->p.seccomp_trap,
	};
	char err[256];

	uint64_t t0 = login_now_ms();
	if (worker_job_spawn(&r->w.job, &conf, err, sizeof(err)) < 0)
		return finish(r, ISCSI_ERR_INTERNAL, "login: %s", err);
	log_debug(2, "login worker spawned in %llu ms", (unsigned long long)(login_now_ms() - t0));
	r->w.phase = WP_WORKER;
	/* The whole login, redirects included, gets the offer's timeout
	 * from the first connection on. */
	if (!r->login_deadline)
		r->login_deadline = login_now_ms() + r->p.offer.timeout_ms + WORKER_DEADLINE_MARGIN_MS;
	r->w.deadline = r->login_deadline;
	return LOGIN_RUN_PENDING;
}

/* A fresh holder for this connection's CHAP (it answers once per
 * login), from the run's copy of the credentials. */
static void arm_chap(struct login_run *r)
{
	struct chap_creds copy = r->creds;

	chap_holder_wipe(&r->chap);
	chap_holder_init(&r->chap, &copy, r->p.offer.target_name);      /* wipes copy */
}

/* Connects to r->address, r->p.port. */
static enum login_progress connect_portal(struct login_run *r)
{
	char why[LOGIN_MSG_MAX];
	int pending = 0, code = 0;

	portal_format(r->address, r->p.port, r->portal, sizeof(r->portal));
	snprintf(r->res.connected_host, sizeof(r->res.connected_host), "%s", r->address);
	r->res.connected_port = r->p.port;
	r->w.connect_deadline = login_now_ms() + r->p.connect_timeout_ms;
	if (r->login_deadline && r->login_deadline < r->w.connect_deadline)
		r->w.connect_deadline = r->login_deadline;
	r->w.deadline = r->w.connect_deadline;
	r->w.sock = tcp_connect_start(r->address, r->p.port, r->netdev, &pending, &code, why,
				      sizeof(why));
	if (r->w.sock < 0) {
		r->res.retryable = code != ISCSI_ERR_INVAL;
		return finish(r, code, "%s", why);
	}
	r->w.phase = WP_CONNECTING;
	return pending ? LOGIN_RUN_PENDING : connected(r);
}

/* The worker reported a redirect and exited: check where to, drop this
 * connection, connect there with the same offer. */
static enum login_progress follow_redirect(struct login_run *r)
{
	struct login_run_result *res = &r->res;
	char next[LOGIN_ADDR_MAX], why[LOGIN_MSG_MAX], from[sizeof(r->portal)];

	r->follow = false;
	res->retryable = false;         /* a refused redirect is final */
	if (login_redirect_target(res->redirect_host, res->redirect_port, r->address, next,
				  sizeof(next), why, sizeof(why)) < 0 ||
	    login_hops_add(&r->hops, next, res->redirect_port, why, sizeof(why)) < 0)
		return finish(r, ISCSI_ERR_LOGIN, "%s", why);
	worker_job_stop(&r->w.job);
	close(r->w.sock);
	r->w.sock = -1;
	snprintf(from, sizeof(from), "%s", r->portal);
	snprintf(r->address, sizeof(r->address), "%s", next);
	r->p.port = res->redirect_port;
	res->redirects = login_hops_redirects(&r->hops);
	if (res->redirect_permanent) {
		res->moved = true;
		snprintf(res->moved_host, sizeof(res->moved_host), "%s", next);
		res->moved_port = res->redirect_port;
	}
	portal_format(r->address, r->p.port, r->portal, sizeof(r->portal));
	log_info("login to %s: redirected %s from %s to %s (hop %u)", r->p.offer.target_name,
		 res->redirect_permanent ? "permanent" : "temporary", from, r->portal,
		 res->redirects);
	/* The new connection's outcome is its own. */
	res->code = ISCSI_SUCCESS;
	res->message[0] = '\0';
	res->retryable = true;
	res->status_class = res->status_detail = 0;
	arm_chap(r);
	return connect_portal(r);
}

static void from_done(const struct msg_login_done *d, struct login_negotiated *g)
{
	struct neg_params *p = &g->params;

	memset(g, 0, sizeof(*g));
	p->header_digest = d->header_digest;
	p->data_digest = d->data_digest;
	p->max_recv_dsl = d->max_recv_dsl;
	p->max_xmit_dsl = d->max_xmit_dsl;
	MSG_LOGIN_OPERATIONAL_COPY(p, d);
	p->tpgt = d->tpgt_given ? d->tpgt : -1;
	worker_copy_line(p->target_alias, sizeof(p->target_alias), d->target_alias);
	g->tsih = d->tsih;
	g->cmdsn = d->cmdsn;
	g->exp_statsn = d->exp_statsn;
	g->exp_cmdsn = d->exp_cmdsn;
	g->max_cmdsn = d->max_cmdsn;
}

static void from_error(struct login_run *r, const struct msg_login_error *e)
{
	struct login_run_result *res = &r->res;

	res->code = (int)e->code;
	res->retryable = e->retryable;
	res->status_class = e->status_class;
	res->status_detail = e->status_detail;
	worker_copy_line(res->message, sizeof(res->message), e->reason);
	res->redirected = e->redirect;
	if (e->redirect) {
		res->redirect_permanent = e->redirect_permanent;
		worker_copy_line(res->redirect_host, sizeof(res->redirect_host), e->redirect_host);
		res->redirect_port = e->redirect_port;
		res->redirect_tpgt = e->redirect_tpgt_given ? e->redirect_tpgt : -1;
	}
}

static enum login_progress handle(struct login_run *r, const struct msg *m)
{
	char why[LOGIN_MSG_MAX];

	switch (m->type) {
	case MSG_CHAP_CHALLENGE:
	case MSG_CHAP_VERIFY:
		if (chap_holder_serve(&r->chap, &r->w.job, m, why, sizeof(why)) < 0)
			return reject_worker(r, why);
		return LOGIN_RUN_PENDING;
	case MSG_HELLO:
		if (send_start(r) < 0)
			return finish(r, ISCSI_ERR_INTERNAL, "login: cannot hand the connection "
				      "to the worker");
		return LOGIN_RUN_PENDING;
	case MSG_LOGIN_DONE:
		if (!chap_holder_allows_success(&r->chap, why, sizeof(why)))
			return reject_worker(r, why);
		from_done(&m->u.login_done, &r->res.neg);
		r->res.neg.params.auth_method = r->chap.sum.mode == LOGIN_AUTH_NONE ?
							NEG_AUTH_NONE : NEG_AUTH_CHAP;
		r->res.neg.params.chap_alg = r->chap.sum.alg;
		if (login_check(&r->p.offer, &r->res.neg, why, sizeof(why)) < 0)
			return reject_worker(r, why);
		r->res.code = ISCSI_SUCCESS;
		worker_run_final(&r->w);
		return LOGIN_RUN_PENDING;
	case MSG_LOGIN_ERROR:
		from_error(r, &m->u.login_error);
		r->follow = m->u.login_error.redirect;
		chap_holder_on_failure(&r->chap, m->u.login_error.auth_error, r->res.message);
		worker_run_final(&r->w);
		return LOGIN_RUN_PENDING;
	default:
		return reject_worker(r, "unexpected message");
	}
}

static enum login_progress worker_gone(struct login_run *r)
{
	char how[96], line[LOGIN_MSG_MAX];
	int st;

	worker_job_reap(&r->w.job, &st);
	if (r->w.phase == WP_EXITING && worker_job_exit_ok(st)) {
		if (r->follow)
			return follow_redirect(r);
		snprintf(line, sizeof(line), "%s", r->res.message);
		return finish(r, r->res.code, "%s", line);
	}
	worker_job_describe_exit(st, how, sizeof(how));
	log_debug(1, "login worker for %s %s", r->portal, how);
	r->res.retryable = false;
	return finish(r, ISCSI_ERR_CHILD_TERMINATED, "login worker %s", how);
}

static enum login_progress read_worker(struct login_run *r)
{
	for (;;) {
		struct msg m;
		char why[200];

		switch (worker_job_recv(&r->w.job, &m, why, sizeof(why))) {
		case WJ_AGAIN:
			return LOGIN_RUN_PENDING;
		case WJ_CLOSED:
			return worker_gone(r);
		case WJ_REFUSED:
			return reject_worker(r, why);
		case WJ_MESSAGE:
			if (handle(r, &m) == LOGIN_RUN_DONE)
				return LOGIN_RUN_DONE;
			break;
		}
	}
}

static char *dup_or(const char *s, const char *fallback)
{
	return strdup(s && s[0] ? s : fallback);
}

struct login_run *login_run_start(const struct login_params *params)
{
	struct login_run *r = calloc(1, sizeof(*r));
	char why[LOGIN_MSG_MAX];

	if (!r) {
		if (params->creds)
			chap_creds_wipe(params->creds);
		return NULL;
	}
	worker_run_init(&r->w);
	r->p = *params;
	if (params->creds) {
		r->creds = *params->creds;
		chap_creds_wipe(params->creds);
	}
	r->p.creds = NULL;
	r->p.offer.auth = r->creds.mode;
	if (r->creds.mode != LOGIN_AUTH_NONE)
		r->p.offer.chap_algs = r->creds.algs;
	arm_chap(r);
	r->root = dup_or(params->worker_root, "");
	r->program = dup_or(params->worker_program, LOGIN_WORKER_PROGRAM);
	if (!r->root || !r->program) {
		login_run_free(r);
		return NULL;
	}
	r->p.worker_root = r->p.worker_program = NULL;
	r->p.address = r->p.netdev = NULL;
	r->res.redirect_tpgt = -1;
	if (!r->p.connect_timeout_ms)
		r->p.connect_timeout_ms = LOGIN_CONNECT_TIMEOUT_DEFAULT_MS;
	r->res.retryable = true;

	if (!params->address || strlen(params->address) >= sizeof(r->address) ||
	    (params->netdev && strlen(params->netdev) >= sizeof(r->netdev))) {
		r->res.retryable = false;
		finish(r, ISCSI_ERR_INVAL, "login: portal address or network device too long");
		return r;
	}
	snprintf(r->address, sizeof(r->address), "%s", params->address);
	snprintf(r->netdev, sizeof(r->netdev), "%s", params->netdev ? params->netdev : "");
	login_hops_init(&r->hops, r->address, r->p.port);
	if (r->p.offer.timeout_ms == 0 || r->p.offer.timeout_ms > 3600000 ||
	    neg_config_check(&r->p.offer.neg, why, sizeof(why)) < 0) {
		if (r->p.offer.timeout_ms == 0 || r->p.offer.timeout_ms > 3600000)
			snprintf(why, sizeof(why), "login timeout %u ms outside 1..3600000",
				 r->p.offer.timeout_ms);
		r->res.retryable = false;
		finish(r, ISCSI_ERR_INVAL, "login: %s", why);
		return r;
	}
	connect_portal(r);
	return r;
}

int login_run_fd(const struct login_run *r, short *events)
{
	return worker_run_fd(&r->w, events);
}

uint64_t login_run_deadline(const struct login_run *r)
{
	return worker_run_deadline(&r->w);
}

enum login_progress login_run_on_ready(struct login_run *r)
{
	switch (r->w.phase) {
	case WP_CONNECTING: {
		char line[LOGIN_MSG_MAX];
		int code = tcp_connect_result(r->w.sock, r->address, r->p.port, line, sizeof(line));
		if (code)
			return finish(r, code, "%s", line);
		return connected(r);
	}
	case WP_WORKER:
	case WP_EXITING:
		return read_worker(r);
	default:
		return LOGIN_RUN_DONE;
	}
}

enum login_progress login_run_on_timeout(struct login_run *r)
{
	if (r->w.phase == WP_DONE)
		return LOGIN_RUN_DONE;
	if (login_now_ms() < login_run_deadline(r))
		return LOGIN_RUN_PENDING;
	switch (r->w.phase) {
	case WP_CONNECTING:
		if (r->login_deadline && login_now_ms() >= r->login_deadline)
			return finish(r, ISCSI_ERR_TRANS_TIMEOUT, "login timed out after %u ms "
				      "while connecting to %s (redirect %u)",
				      r->p.offer.timeout_ms, r->portal, r->res.redirects);
		return finish(r, ISCSI_ERR_TRANS_TIMEOUT, "cannot make connection to %s: "
			      "connection timed out", r->portal);
	case WP_EXITING:
		return reject_worker(r, "did not exit after its answer");
	default:
		log_debug(1, "login worker %d for %s killed: no answer within %u ms",
			  (int)r->w.job.pid, r->portal, r->p.offer.timeout_ms);
		return finish(r, ISCSI_ERR_TRANS_TIMEOUT, "login to %s timed out after %u ms",
			      r->portal, r->p.offer.timeout_ms);
	}
}

bool login_run_done(const struct login_run *r)
{
	return r->w.phase == WP_DONE;
}

pid_t login_run_worker_pid(const struct login_run *r)
{
	return r->w.job.pid > 0 ? r->w.job.pid : 0;
}

const struct login_run_result *login_run_result(const struct login_run *r)
{
	return r->w.phase == WP_DONE ? &r->res : NULL;
}

int login_run_take_socket(struct login_run *r)
{
	if (r->w.phase != WP_DONE || r->res.code != ISCSI_SUCCESS || r->w.sock < 0)
		return -1;
	int s = r->w.sock;
	/* The kernel's transport does its own waiting; hand it a plain
	 * blocking descriptor, as a freshly connected one would be. */
	int fl = fcntl(s, F_GETFL);
	if (fl >= 0)
		fcntl(s, F_SETFL, fl & ~O_NONBLOCK);
	r->w.sock = -1;
	return s;
}

void login_run_free(struct login_run *r)
{
	if (!r)
		return;
	worker_job_stop(&r->w.job);
	chap_holder_wipe(&r->chap);
	chap_creds_wipe(&r->creds);
	if (r->w.sock >= 0)
		close(r->w.sock);
	free(r->root);
	free(r->program);
	free(r);
}

int login_run_blocking(const struct login_params *params, struct login_run_result *out,
		       int *sock)
{
	struct login_run *r = login_run_start(params);

	if (sock)
		*sock = -1;
	memset(out, 0, sizeof(*out));
	if (!r) {
		out->code = ISCSI_ERR_NOMEM;
		snprintf(out->message, sizeof(out->message), "out of memory");
		return out->code;
	}
	while (!login_run_done(r)) {
		int n = worker_run_wait(&r->w);

		if (n < 0) {
			login_run_free(r);
			out->code = ISCSI_ERR_INTERNAL;
			snprintf(out->message, sizeof(out->message), "poll: %s", strerror(errno));
			return out->code;
		}
		if (n > 0)
			login_run_on_ready(r);
		else
			login_run_on_timeout(r);
	}
	*out = *login_run_result(r);
	if (sock)
		*sock = login_run_take_socket(r);
	login_run_free(r);
	return out->code;
}
