#include "monitor/logout.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "auth/audit.h"
#include "base/log.h"
#include "kernel/iscsi_nl.h"
#include "kernel/sysfs.h"
#include "monitor/control_server.h"
#include "monitor/kernel_link.h"
#include "monitor/monitor.h"
#include "monitor/recovery.h"
#include "monitor/sessions.h"
#include "proto/pdu.h"
#include "records/portal.h"

/* The audit record of a logout: which session, and whether it ended cleanly. */
static void audit_logout(const struct msession *s, int code, const char *err)
{
	struct audit_fields f = AUDIT_FIELDS_INIT;
	char portal[300];

	portal_format(s->address, s->port, portal, sizeof(portal));
	f.session = "normal";
	f.target = s->target_name[0] ? s->target_name : NULL;
	f.portal = s->address[0] ? portal : NULL;
	f.iface = s->iface[0] ? s->iface : NULL;
	f.sid = (int)s->sid;
	if (code != ISCSI_SUCCESS) {
		f.exit_code = code;
		f.reason = err;
	}
	audit_emit(AUDIT_LOGOUT, &f);
}

/* Tears the session down and answers whoever asked. */
static void teardown(struct msession *s)
{
	struct monitor *m = s->m;
	char err[256] = "";
	int code = ISCSI_SUCCESS;

	loop_timer_cancel(m->loop, &s->logout_timer);
	struct kern *k = kernel_link(m, err, sizeof(err));
	if (!k) {
		code = ISCSI_ERR_TRANS_NOT_FOUND;
	} else if (kern_stop_conn(k, s->sid, s->cid, ISCSI_STOP_CONN_TERM) < 0 ||
		   kern_destroy_conn(k, s->sid, s->cid) < 0 ||
		   kern_destroy_session(k, s->sid) < 0) {
		snprintf(err, sizeof(err), "%s", kern_strerror(k));
		code = ISCSI_ERR_INTERNAL;
	}
	if (code == ISCSI_SUCCESS)
		log_info("session %u to %s at %s:%u logged out", s->sid, s->target_name, s->address,
			 s->port);
	else
		log_error("logout of session %u: %s", s->sid, err);
	audit_logout(s, code, err);
	struct ctl_peer *p = s->logout_peer;
	if (p) {
		ctl_peer_link(p, NULL, NULL);
		s->logout_peer = NULL;
		ctl_peer_finish(p, code, "%s", code == ISCSI_SUCCESS ? "" : err);
	}
	if (code == ISCSI_SUCCESS) {
		sessions_remove(m, s);
	} else {
		/* The kernel still has (part of) it: keep it listed, as it is. */
		s->state = MSESSION_UP;
	}
}

void logout_abandon(struct msession *s, const char *why)
{
	log_debug(1, "session %u: abandoned (%s)", s->sid, why);
	s->state = MSESSION_LOGGING_OUT;
	teardown(s);
}

void logout_on_response(struct msession *s)
{
	log_debug(1, "session %u: logout answered", s->sid);
	teardown(s);
}

static void on_logout_timeout(struct loop_timer *t)
{
	struct msession *s = (struct msession *)((char *)t - offsetof(struct msession, logout_timer));

	log_warn("session %u: no answer to the %s in %u s; closing it anyway", s->sid,
		 s->unbinding ? "removal of its disks" : "Logout Request",
		 s->logout_timeout_s ? s->logout_timeout_s : LOGOUT_RESPONSE_TIMEOUT_MS / 1000);
	teardown(s);
}

static void peer_gone(void *arg)
{
	((struct msession *)arg)->logout_peer = NULL;
}

/* The Logout Request's header; the kernel fills in ITT, CmdSN and
 * ExpStatSN (libiscsi's management-task path). */
static int build_logout(const struct msession *s, uint8_t *out, size_t cap, size_t *len)
{
	struct iscsi_pdu pdu;
	struct pdu_wire_opts opts = { 0 };

	pdu_init(&pdu, ISCSI_OP_LOGOUT_REQ);
	pdu.immediate = true;
	pdu.u.logout_req.reason = ISCSI_LOGOUT_CLOSE_SESSION;
	pdu.u.logout_req.cid = (uint16_t)s->cid;
	return pdu_encode(&pdu, &opts, out, cap, len) == PDU_OK ? 0 : -1;
}

/* Waits the record's logout timeout for the kernel's or the target's
 * answer. */
static void arm_wait(struct msession *s)
{
	long long wait_ms = s->logout_timeout_s ? s->logout_timeout_s * 1000LL
						: LOGOUT_RESPONSE_TIMEOUT_MS;
	loop_timer_arm(s->m->loop, &s->logout_timer, loop_now_ms() + wait_ms);
}

/* The Logout Request through the kernel; when it cannot go, the session
 * is torn down without it. */
static void send_logout(struct msession *s)
{
	char err[256];
	uint8_t hdr[ISCSI_BHS_LEN];
	size_t len = 0;
	struct kern *k = kernel_link(s->m, err, sizeof(err));

	if (!k || build_logout(s, hdr, sizeof(hdr), &len) < 0 ||
	    kern_send_pdu(k, s->sid, s->cid, hdr, len, NULL, 0) < 0) {
		log_debug(1, "session %u: no Logout Request (%s)", s->sid,
			  k ? kern_strerror(k) : err);
		teardown(s);
		return;
	}
	arm_wait(s);
}

void logout_on_unbound(struct msession *s)
{
	log_debug(1, "session %u: disks removed, sending the Logout Request", s->sid);
	s->unbinding = false;
	loop_timer_cancel(s->m->loop, &s->logout_timer);
	send_logout(s);
}

void sessions_logout(struct monitor *m, struct ctl_peer *p, uint32_t sid)
{
	char err[256];
	struct msession *s = sessions_find(m, sid);
	char state[32];

	if (s && s->state == MSESSION_LOGGING_OUT) {
		ctl_peer_finish(p, ISCSI_ERR_BUSY, "session %u is already logging out", sid);
		return;
	}
	struct kern *k = kernel_link(m, err, sizeof(err));
	if (!k) {
		ctl_peer_finish(p, ISCSI_ERR_TRANS_NOT_FOUND, "%s", err);
		return;
	}
	if (!s)
		s = sessions_get(m, sid);
	if (!s) {
		ctl_peer_finish(p, ISCSI_ERR_NO_OBJS_FOUND, "no session with sid %u", sid);
		return;
	}
	recovery_cancel(s);
	s->state = MSESSION_LOGGING_OUT;
	s->logout_peer = p;
	s->logout_timer.on_expire = on_logout_timeout;
	ctl_peer_link(p, s, peer_gone);
	log_info("logging out of session %u (%s at %s:%u) for %s", sid, s->target_name,
		 s->address, s->port, ctl_peer_who(p));

	/* A session whose connection is down cannot carry a Logout
	 * Request: straight to the teardown. */
	bool up = ksys_session_attr(sid, "state", state, sizeof(state)) == 0 &&
		  strcmp(state, "LOGGED_IN") == 0;
	if (!up) {
		log_debug(1, "session %u: not logged in, no Logout Request", sid);
		teardown(s);
		return;
	}
	/* Disks first, while the connection still carries their last
	 * SYNCHRONIZE CACHE; the kernel says when with UNBIND_SESSION. A
	 * target never scanned has no disks and the kernel would send no
	 * event: then the Logout Request goes at once. */
	if (ksys_session_attr(sid, "target_state", state, sizeof(state)) == 0 &&
	    strcmp(state, "SCANNED") == 0 && kern_unbind_session(k, sid) == 0) {
		s->unbinding = true;
		arm_wait(s);
		return;
	}
	send_logout(s);
}
