#include "login/worker.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/exitcodes.h"
#include "login/exchange.h"
#include "privsep/msg.h"
#include "privsep/worker_chan.h"

static int send_error(int chan, int code, bool retryable, const char *reason,
		      const struct login_result *r, bool redirect, unsigned auth_error)
{
	struct msg m;
	struct msg_login_error *e = &m.u.login_error;

	msg_init(&m, MSG_LOGIN_ERROR, 0);
	if (code < ISCSI_ERR || code > ISCSI_ERR_SESSION_NOT_CONNECTED)
		code = ISCSI_ERR_INTERNAL;
	e->code = (uint32_t)code;
	e->retryable = retryable;
	e->auth_error = (uint8_t)auth_error;
	snprintf(e->reason, sizeof(e->reason), "%s", reason[0] ? reason : iscsi_exit_str(code));
	if (r) {
		e->status_class = r->status_class;
		e->status_detail = r->status_detail;
	}
	if (redirect && r && strlen(r->redirect.host) < sizeof(e->redirect_host)) {
		e->redirect = 1;
		e->redirect_permanent = r->redirect.permanent;
		snprintf(e->redirect_host, sizeof(e->redirect_host), "%s", r->redirect.host);
		e->redirect_port = r->redirect.port;
		e->redirect_tpgt_given = r->redirect.tpgt >= 0;
		e->redirect_tpgt = r->redirect.tpgt >= 0 ? (uint16_t)r->redirect.tpgt : 0;
	}
	return msg_send(chan, MSG_BY_WORKER, &m) == MSG_OK ? 0 : 1;
}

static int send_done(int chan, const struct login_result *r)
{
	struct msg m;
	struct msg_login_done *d = &m.u.login_done;
	const struct neg_params *p = &r->params;

	msg_init(&m, MSG_LOGIN_DONE, 0);
	d->header_digest = p->header_digest;
	d->data_digest = p->data_digest;
	d->max_recv_dsl = p->max_recv_dsl;
	d->max_xmit_dsl = p->max_xmit_dsl;
	MSG_LOGIN_OPERATIONAL_COPY(d, p);
	d->tpgt_given = p->tpgt >= 0;
	d->tpgt = p->tpgt >= 0 ? (uint16_t)p->tpgt : 0;
	snprintf(d->target_alias, sizeof(d->target_alias), "%s", p->target_alias);
	d->tsih = r->tsih;
	d->cmdsn = r->cmdsn;
	d->exp_statsn = r->exp_statsn;
	d->exp_cmdsn = r->exp_cmdsn;
	d->max_cmdsn = r->max_cmdsn;
	return msg_send(chan, MSG_BY_WORKER, &m) == MSG_OK ? 0 : 1;
}

static int config_of(const struct msg_login_start *j, struct login_config *cfg)
{
	struct neg_config *n = &cfg->neg;

	login_config_default(cfg, NEG_SESSION_NORMAL);
	snprintf(cfg->initiator_name, sizeof(cfg->initiator_name), "%s", j->initiator_name);
	snprintf(cfg->initiator_alias, sizeof(cfg->initiator_alias), "%s", j->initiator_alias);
	snprintf(cfg->target_name, sizeof(cfg->target_name), "%s", j->target_name);
	for (int i = 0; i < 6; i++)
		cfg->isid[i] = (uint8_t)(j->isid >> (8 * (5 - i)));
	cfg->tsih = j->tsih;
	cfg->cid = j->cid;
	cfg->itt = 0;
	cfg->cmdsn = j->cmdsn;
	cfg->exp_statsn = 0;
	cfg->timeout_ms = j->timeout_ms;
	n->header_digest = (enum neg_digest_pref)j->header_digest;
	n->data_digest = (enum neg_digest_pref)j->data_digest;
	n->max_recv_dsl = j->max_recv_dsl;
	MSG_LOGIN_OPERATIONAL_COPY(n, j);
	return login_auth_offer(j->auth, j->chap_algs, cfg);
}

int login_worker_run(int chan)
{
	struct msg start;
	struct login_config cfg;
	struct login_exchange_fail lf;
	struct wire w;
	char why[256];
	int rc;

	if (worker_receive_job(chan, ROLE_LOGIN, MSG_LOGIN_START, &start, why, sizeof(why)) < 0) {
		worker_send_log(chan, MSG_LOG_ERROR, "%s", why);
		return 1;
	}
	const struct msg_login_start *job = &start.u.login_start;
	struct login *l = calloc(1, sizeof(*l));
	if (!l) {
		close(start.fd);
		return send_error(chan, ISCSI_ERR_NOMEM, false, "out of memory", NULL, false,
				  MSG_AUTH_ERROR_NONE);
	}
	if (config_of(job, &cfg) < 0) {
		close(start.fd);
		free(l);
		return send_error(chan, ISCSI_ERR_INTERNAL, false, "bad CHAP algorithm list",
				  NULL, false, MSG_AUTH_ERROR_NONE);
	}
	struct login_secret_link link = { .chan = chan, .target_name = job->target_name };
	wire_init(&w, start.fd);
	enum login_step step = login_exchange(&w, l, &cfg, wire_now_ms() + job->timeout_ms,
					      "login", &link, &lf);
	/* From here on the socket is the kernel's (or nobody's): ours goes. */
	close(start.fd);
	wire_free(&w);
	const struct login_result *r = login_result(l);
	switch (step) {
	case LOGIN_STEP_DONE:
		worker_send_log(chan, MSG_LOG_DEBUG, "logged in to %s at %s, TSIH 0x%04x",
				job->target_name, job->portal, r->tsih);
		rc = send_done(chan, r);
		break;
	case LOGIN_STEP_REDIRECT:
		/* The monitor decides whether to follow it (login/redirect.h). */
		snprintf(why, sizeof(why), "target redirected (%s) to %.200s",
			 r->redirect.permanent ? "permanent" : "temporary", r->redirect.address);
		rc = send_error(chan, ISCSI_ERR_LOGIN, true, why, r, true, MSG_AUTH_ERROR_NONE);
		break;
	default:
		worker_send_log(chan, MSG_LOG_DEBUG, "%s: %s", job->portal, lf.msg);
		rc = send_error(chan, lf.code, lf.retryable, lf.msg, r, false, lf.auth_error);
		break;
	}
	login_free(l);
	free(l);
	return rc;
}
