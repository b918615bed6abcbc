/* The driver's side of the worker protocol: each message (already
 * checked against policy/worker_states by privsep/worker_job) acted on,
 * each record checked again. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/exitcodes.h"
#include "base/log.h"
#include "discovery/driver_impl.h"
#include "discovery/driver_net.h"

static int send_start(struct discovery_run *r)
{
	struct msg m;
	uint64_t now = worker_now_ms();
	uint64_t left = r->w.deadline > now ? r->w.deadline - now : 0;
	msg_init(&m, MSG_DISC_START, 0);
	snprintf(m.u.disc_start.initiator_name, sizeof(m.u.disc_start.initiator_name), "%s",
		 r->iname);
	snprintf(m.u.disc_start.initiator_alias, sizeof(m.u.disc_start.initiator_alias), "%s",
		 r->alias);
	dnet_format(r->res.portal_addr, r->res.portal_port, m.u.disc_start.portal,
		    sizeof(m.u.disc_start.portal));
	left = left > WORKER_DEADLINE_MARGIN_MS ? left - WORKER_DEADLINE_MARGIN_MS : 1;
	m.u.disc_start.timeout_ms = (uint32_t)(left > 3600000 ? 3600000 : left);
	m.u.disc_start.max_recv_dsl = r->p.max_recv_dsl;
	CHAP_HOLDER_OFFER(&r->chap, &m.u.disc_start);
	m.fd = r->w.sock;
	int rc = worker_job_send(&r->w.job, &m);
	/* The worker holds the connection now; ours would only keep it
	 * open after the worker is gone. */
	drv_close_fd(&r->w.sock);
	return rc;
}

static enum discovery_progress take_record(struct discovery_run *r,
					   const struct msg_portals_item *d)
{
	char why[300], numeric[DISCOVERY_ADDR_MAX];

	if (++r->received > r->p.max_records) {
		snprintf(why, sizeof(why), "more than %u records", r->p.max_records);
		return drv_reject_worker(r, why);
	}
	if (discovery_record_check(d->target_name, d->address, d->port, why, sizeof(why)) < 0)
		return drv_reject_worker(r, why);
	if (dnet_numeric(d->address, numeric, sizeof(numeric)) < 0) {
		/* open-iscsi skips a portal it cannot resolve, and so do we. */
		log_warn("discovery: cannot resolve %s given for %s: portal skipped", d->address,
			 d->target_name);
		return DISCOVERY_PENDING;
	}
	if (r->res.count == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 64;
		struct discovery_record *v = realloc(r->res.records, cap * sizeof(*v));
		if (!v)
			return drv_finish(r, ISCSI_ERR_NOMEM, "out of memory");
		r->res.records = v;
		r->cap = cap;
	}
	struct discovery_record *rec = &r->res.records[r->res.count++];
	memcpy(rec->target_name, d->target_name, sizeof(rec->target_name));
	memcpy(rec->address, numeric, sizeof(rec->address));
	rec->port = d->port;
	rec->tpgt = d->tpgt_given ? d->tpgt : -1;
	return DISCOVERY_PENDING;
}

enum discovery_progress drv_handle(struct discovery_run *r, const struct msg *m)
{
	char line[200];

	switch (m->type) {
	case MSG_CHAP_CHALLENGE:
	case MSG_CHAP_VERIFY:
		if (chap_holder_serve(&r->chap, &r->w.job, m, line, sizeof(line)) < 0)
			return drv_reject_worker(r, line);
		return DISCOVERY_PENDING;
	case MSG_HELLO:
		if (send_start(r) < 0)
			return drv_finish(r, ISCSI_ERR_INTERNAL, "discovery: cannot hand the "
				      "connection to the worker");
		return DISCOVERY_PENDING;
	case MSG_DISC_RECORDS:
		/* No answer is believed before the CHAP the record requires. */
		if (!chap_holder_allows_success(&r->chap, line, sizeof(line)))
			return drv_reject_worker(r, line);
		/* Each portal of the batch on its own, as if it came alone. */
		for (size_t i = 0; i < m->u.disc_records.portals_count; i++)
			if (take_record(r, &m->u.disc_records.portals[i]) == DISCOVERY_DONE)
				return DISCOVERY_DONE;
		return DISCOVERY_PENDING;
	case MSG_DISC_DONE:
		if (!chap_holder_allows_success(&r->chap, line, sizeof(line)))
			return drv_reject_worker(r, line);
		if (m->u.disc_done.records != r->received) {
			snprintf(line, sizeof(line), "announced %u records, sent %u",
				 m->u.disc_done.records, r->received);
			return drv_reject_worker(r, line);
		}
		r->res.code = ISCSI_SUCCESS;
		worker_run_final(&r->w);
		return DISCOVERY_PENDING;
	case MSG_DISC_ERROR:
		r->res.code = (int)m->u.disc_error.code;
		worker_copy_line(r->res.message, sizeof(r->res.message), m->u.disc_error.reason);
		chap_holder_on_failure(&r->chap, m->u.disc_error.auth_error, r->res.message);
		discovery_result_free(&r->res);
		worker_run_final(&r->w);
		return DISCOVERY_PENDING;
	default:
		return drv_reject_worker(r, "unexpected message");
	}
}
