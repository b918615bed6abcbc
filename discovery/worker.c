#include "discovery/worker.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/exitcodes.h"
#include "discovery/sendtargets.h"
#include "discovery/session.h"
#include "privsep/msg.h"
#include "privsep/worker_chan.h"

static int send_error(int chan, int code, const char *reason, unsigned auth_error)
{
	struct msg m;

	msg_init(&m, MSG_DISC_ERROR, 0);
	if (code < ISCSI_ERR || code > ISCSI_ERR_SESSION_NOT_CONNECTED)
		code = ISCSI_ERR_INTERNAL;
	m.u.disc_error.code = (uint32_t)code;
	m.u.disc_error.auth_error = (uint8_t)auth_error;
	snprintf(m.u.disc_error.reason, sizeof(m.u.disc_error.reason), "%s",
		 reason[0] ? reason : iscsi_exit_str(code));
	return msg_send(chan, MSG_BY_WORKER, &m) == MSG_OK ? 0 : 1;
}

/* Copies a string the parser already bounded to fit dst. */
static void copy_str(char *dst, size_t size, const char *src)
{
	size_t n = strnlen(src, size - 1);

	memcpy(dst, src, n);
	dst[n] = '\0';
}

/* The portals in DISC_RECORDS frames of up to MSG_DISC_BATCH_MAX each. */
static int send_results(int chan, const struct st_list *list)
{
	struct msg m;
	struct msg_disc_records *b = &m.u.disc_records;

	for (size_t i = 0; i < list->n;) {
		msg_init(&m, MSG_DISC_RECORDS, 0);
		for (; i < list->n && b->portals_count < MSG_DISC_BATCH_MAX; i++) {
			const struct st_entry *e = &list->v[i];
			struct msg_portals_item *p = &b->portals[b->portals_count++];

			/* Both were checked against their bounds by the parser. */
			copy_str(p->target_name, sizeof(p->target_name), e->target);
			copy_str(p->address, sizeof(p->address), e->host);
			p->port = e->port;
			p->tpgt = e->tpgt < 0 ? 0 : (uint16_t)e->tpgt;
			p->tpgt_given = e->tpgt >= 0;
		}
		if (msg_send(chan, MSG_BY_WORKER, &m) != MSG_OK)
			return 1;
	}
	msg_init(&m, MSG_DISC_DONE, 0);
	m.u.disc_done.records = (uint32_t)list->n;
	return msg_send(chan, MSG_BY_WORKER, &m) == MSG_OK ? 0 : 1;
}

/* The discovery portal, as the monitor formatted it ("addr:port" or
 * "[v6]:port"): where targets without a TargetAddress are reached. */
static void default_portal(const char *portal, char *host, size_t size, struct st_default *def)
{
	int32_t tpgt;

	def->host = NULL;
	if (neg_parse_target_address(portal, host, size, &def->port, &tpgt) == 0)
		def->host = host;
}

int discovery_worker_run(int chan)
{
	struct msg start;
	struct session s;
	struct text_list keys;
	struct st_list list;
	struct st_default def;
	char host[TEXT_VALUE_MAX + 1];
	char why[256];
	int rc;

	if (worker_receive_job(chan, ROLE_DISCOVERY, MSG_DISC_START, &start, why, sizeof(why)) < 0) {
		worker_send_log(chan, MSG_LOG_ERROR, "%s", why);
		send_error(chan, ISCSI_ERR_INTERNAL, why, MSG_AUTH_ERROR_NONE);
		return 1;
	}
	const struct msg_disc_start *job = &start.u.disc_start;
	session_init(&s, start.fd, wire_now_ms() + job->timeout_ms);
	text_list_init(&keys);
	st_list_init(&list);

	struct login_secret_link link = { .chan = chan, .target_name = "" };
	if (session_login(&s, job->initiator_name, job->initiator_alias, job->max_recv_dsl,
			  job->auth, job->chap_algs, &link) < 0)
		goto failed;
	worker_send_log(chan, MSG_LOG_DEBUG, "logged in to %s as a discovery session", job->portal);
	if (session_sendtargets(&s, &keys) < 0)
		goto failed;
	default_portal(job->portal, host, sizeof(host), &def);
	enum st_err se = st_parse(&keys, &def, ST_MAX_RECORDS, &list, s.msg, sizeof(s.msg));
	if (se != ST_OK) {
		s.code = se == ST_ERR_NOMEM ? ISCSI_ERR_NOMEM : ISCSI_ERR;
		goto failed;
	}
	/* The answer is complete; a failed logout does not take it back
	 * (the target may close the connection first). */
	if (session_logout(&s) < 0)
		worker_send_log(chan, MSG_LOG_WARN, "logout from %s: %s", job->portal, s.msg);
	session_close(&s);
	worker_send_log(chan, MSG_LOG_DEBUG, "%s: %u text responses, %zu bytes, %zu portals",
		 job->portal, s.text_pdus, s.text_bytes, list.n);
	text_list_free(&keys);
	rc = send_results(chan, &list);
	st_list_free(&list);
	return rc;

failed:
	session_close(&s);
	text_list_free(&keys);
	st_list_free(&list);
	worker_send_log(chan, MSG_LOG_DEBUG, "%s: %s", job->portal, s.msg);
	return send_error(chan, s.code, s.msg, s.auth_error);
}
