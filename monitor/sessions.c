#include "monitor/sessions.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "kernel/iscsi_nl.h"
#include "kernel/sysfs.h"
#include "monitor/async_event.h"
#include "monitor/control_server.h"
#include "monitor/kernel_link.h"
#include "monitor/logout.h"
#include "monitor/monitor.h"
#include "monitor/recovery.h"
#include "monitor/scan.h"
#include "proto/names.h"
#include "records/portal.h"

struct msession *sessions_add(struct monitor *m, uint32_t sid, uint32_t cid, uint32_t host_no)
{
	struct msession *s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	s->m = m;
	s->sid = sid;
	s->cid = cid;
	s->host_no = host_no;
	s->tpgt = -1;
	s->time2wait_s = -1;
	s->next = m->sessions;
	m->sessions = s;
	return s;
}

void sessions_remove(struct monitor *m, struct msession *s)
{
	for (struct msession **p = &m->sessions; *p; p = &(*p)->next) {
		if (*p == s) {
			*p = s->next;
			break;
		}
	}
	loop_timer_cancel(m->loop, &s->logout_timer);
	recovery_cancel(s);
	if (s->logout_peer)
		ctl_peer_link(s->logout_peer, NULL, NULL);
	free(s);
}

struct msession *sessions_find(struct monitor *m, uint32_t sid)
{
	for (struct msession *s = m->sessions; s; s = s->next)
		if (s->sid == sid)
			return s;
	return NULL;
}

const char *sessions_state_name(const struct msession *s)
{
	return s->state == MSESSION_LOGGING_OUT ? "CLEANUP" : "NO CHANGE";
}

static void fill_from_sysfs(struct msession *s, const struct ksys_session *k)
{
	snprintf(s->target_name, sizeof(s->target_name), "%s", k->target_name);
	snprintf(s->address, sizeof(s->address), "%s", k->persistent_address);
	s->port = k->persistent_port;
	s->tpgt = k->tpgt;
	snprintf(s->iface, sizeof(s->iface), "%s", k->iface_name[0] ? k->iface_name : "default");
}

/* Failed sessions recovered right after a start; more wait for their
 * next connection error (the kernel's NOP-Out pings report one). */
#define ADOPT_FAILED_MAX 256

void sessions_adopt(struct monitor *m)
{
	struct ksys_sessions all = { 0 };
	char err[256];
	uint32_t failed[ADOPT_FAILED_MAX];
	size_t nfailed = 0;

	if (!ksys_iscsi_loaded())
		return;
	if (ksys_list_sessions(&all, err, sizeof(err)) < 0) {
		log_warn("sessions already up could not be read: %s", err);
		return;
	}
	for (size_t i = 0; i < all.count; i++) {
		const struct ksys_session *k = &all.items[i];
		if (sessions_find(m, k->sid))
			continue;
		struct msession *s = sessions_add(m, k->sid, 0, k->host_no);
		if (!s)
			break;
		s->adopted = true;
		fill_from_sysfs(s, k);
		log_info("session %u to %s at %s:%u (%s) was already up: taken over", s->sid,
			 s->target_name, s->address, s->port, k->session_state);
		/* Its connection failed while no iscsid listened: nobody
		 * else will log it in again. */
		if (strcmp(k->session_state, "FAILED") == 0 && nfailed < ADOPT_FAILED_MAX)
			failed[nfailed++] = s->sid;
	}
	ksys_sessions_free(&all);
	for (size_t i = 0; i < nfailed; i++) {
		struct msession *s = sessions_find(m, failed[i]);
		if (s)
			recovery_on_conn_error(m, s, 0);
	}
}

struct msession *sessions_get(struct monitor *m, uint32_t sid)
{
	struct msession *s = sessions_find(m, sid);
	if (s)
		return s;
	struct ksys_session *k = malloc(sizeof(*k));
	char err[256];
	if (!k)
		return NULL;
	if (ksys_get_session(sid, k, err, sizeof(err)) == 0) {
		s = sessions_add(m, sid, 0, k->host_no);
		if (s) {
			s->adopted = true;
			fill_from_sysfs(s, k);
		}
	}
	free(k);
	return s;
}

void sessions_on_kernel_event(struct monitor *m, const struct kern_event *ev)
{
	struct msession *s = sessions_find(m, ev->sid);

	switch (ev->type) {
	case KERN_EV_RECV_PDU:
		if (s && s->state == MSESSION_LOGGING_OUT && !s->unbinding) {
			logout_on_response(s);
			return;
		}
		if (s && s->state == MSESSION_UP) {
			/* Decoded in a sandboxed worker, never here. */
			async_event_on_pdu(m, s, ev->pdu, ev->pdu_len);
			return;
		}
		log_debug(1, "session %u: the kernel passed up a PDU (%zu bytes) nobody waits for",
			  ev->sid, ev->pdu_len);
		return;
	case KERN_EV_CONN_ERROR:
		if (s && s->state == MSESSION_LOGGING_OUT) {
			log_debug(1, "session %u: connection error %s during logout", ev->sid,
				  kern_iscsi_err_name(ev->error));
			logout_on_response(s);
			return;
		}
		/* A session made after our start (sysfs has it) is taken
		 * over: only one iscsid runs, and nobody else would
		 * recover it. */
		if (!s)
			s = sessions_get(m, ev->sid);
		if (!s) {
			log_warn("session %u connection %u: error %s (%u) for a session sysfs "
				 "does not show", ev->sid, ev->cid, kern_iscsi_err_name(ev->error),
				 ev->error);
			return;
		}
		recovery_on_conn_error(m, s, ev->error);
		return;
	case KERN_EV_UNBIND_SESSION:
		if (s && s->state == MSESSION_LOGGING_OUT && s->unbinding)
			logout_on_unbound(s);
		return;
	case KERN_EV_DESTROY_SESSION:
		if (s && s->state != MSESSION_LOGGING_OUT) {
			log_info("session %u was destroyed outside iscsid", ev->sid);
			sessions_remove(m, s);
		}
		return;
	default:
		log_debug(2, "kernel event %u for session %u", ev->code, ev->sid);
		return;
	}
}

void sessions_list(struct monitor *m, struct ctl_peer *p)
{
	struct ctl_msg r;

	for (const struct msession *s = m->sessions; s; s = s->next) {
		ctl_msg_init(&r, CTL_MSG_SESSION_ENTRY);
		r.u.session_entry.sid = s->sid;
		snprintf(r.u.session_entry.state, sizeof(r.u.session_entry.state), "%s",
			 sessions_state_name(s));
		snprintf(r.u.session_entry.target_name, sizeof(r.u.session_entry.target_name), "%s",
			 s->target_name[0] ? s->target_name : "unknown");
		ctl_peer_send(p, &r);
	}
	ctl_peer_finish(p, ISCSI_SUCCESS, "%s", "");
}

static void send_stats(struct ctl_peer *p, uint8_t group, const struct kern_stat *v, size_t n)
{
	struct ctl_msg r;

	for (size_t i = 0; i < n; i++) {
		if (!v[i].name[0])
			continue;
		ctl_msg_init(&r, CTL_MSG_STAT);
		r.u.stat.group = group;
		snprintf(r.u.stat.name, sizeof(r.u.stat.name), "%s", v[i].name);
		r.u.stat.value = v[i].value;
		ctl_peer_send(p, &r);
	}
}

void sessions_stats(struct monitor *m, struct ctl_peer *p, uint32_t sid)
{
	char err[256];
	struct msession *s = sessions_get(m, sid);
	if (!s) {
		ctl_peer_finish(p, ISCSI_ERR_NO_OBJS_FOUND, "no session with sid %u", sid);
		return;
	}
	struct kern *k = kernel_link(m, err, sizeof(err));
	if (!k) {
		ctl_peer_finish(p, ISCSI_ERR_TRANS_NOT_FOUND, "%s", err);
		return;
	}
	struct kern_stats *st = calloc(1, sizeof(*st));
	if (!st) {
		ctl_peer_finish(p, ISCSI_ERR_NOMEM, "iscsid: out of memory");
		return;
	}
	if (kern_get_stats(k, s->sid, s->cid, st) < 0) {
		ctl_peer_finish(p, ISCSI_ERR_INTERNAL, "session %u statistics: %s", sid,
				kern_strerror(k));
	} else {
		send_stats(p, 0, st->snmp, st->nsnmp);
		send_stats(p, 1, st->custom, st->ncustom);
		ctl_peer_finish(p, ISCSI_SUCCESS, "%s", "");
	}
	free(st);
}

/* Rescans answer when the kernel's probe has finished, so that the LUNs
 * are there when iscsiadm returns. */
void sessions_rescan(struct monitor *m, struct ctl_peer *p, uint32_t sid)
{
	struct msession *s = sessions_get(m, sid);
	if (!s) {
		ctl_peer_finish(p, ISCSI_ERR_NO_OBJS_FOUND, "no session with sid %u", sid);
		return;
	}
	if (scan_start(m, s->host_no, sid, p, ISCSI_ERR_SYSFS_LOOKUP) < 0) {
		ctl_peer_finish(p, ISCSI_ERR_INTERNAL, "session %u: could not start a scan", sid);
		return;
	}
	log_info("rescanning session %u (host%u) for %s", sid, s->host_no, ctl_peer_who(p));
}

void sessions_forget_all(struct monitor *m)
{
	while (m->sessions) {
		struct msession *s = m->sessions;
		if (s->logout_peer)
			ctl_peer_finish(s->logout_peer, ISCSI_ERR_ISCSID_COMM_ERR,
					"iscsid stopped before the logout of session %u finished",
					s->sid);
		sessions_remove(m, s);
	}
}
