#include "monitor/control_server.h"

#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "auth/audit.h"
#include "base/log.h"
#include "monitor/control_socket.h"
#include "monitor/monitor.h"
#include "monitor/requests.h"
#include "policy/callers.h"
#include "privsep/peercred.h"

/* Supplementary groups read per caller before asking for the full list. */
#define PEER_GROUPS_FIRST 64

struct out_frame {
	struct out_frame *next;
	size_t len;
	uint8_t data[];
};

struct ctl_peer {
	struct ctl_server *srv;
	struct ctl_peer *next;
	struct loop_watch watch;
	struct loop_timer idle;
	struct ctl_caller caller;
	gid_t *groups;
	pid_t pid;
	char who[64];
	enum ctl_type pending;          /* request awaiting its RESULT; 0 when none */
	struct out_frame *head, *tail;
	size_t queued;
	bool closing;                   /* last answer queued: no more requests */
	bool wr_shut;                   /* closing and flushed: our side shut */
	bool broken;                    /* shut down; dropped at its next event */
	void *job;
	void (*gone)(void *job);
};

struct ctl_server {
	struct monitor *m;
	struct loop_watch listener;
	struct ctl_peer *peers;
	unsigned npeers;
	bool activated;                 /* the socket came from socket activation */
};

/* ---- output ---- */

static void peer_break(struct ctl_peer *p)
{
	/* Never freed here: callers up the stack may still hold p. The
	 * shutdown makes poll() report POLLHUP, and the event drops it. */
	if (!p->broken)
		shutdown(p->watch.fd, SHUT_RDWR);
	p->broken = true;
}

static void peer_update_events(struct ctl_peer *p)
{
	short ev = 0;

	/* A closing peer is still read, to drain what it sends after its
	 * last answer (see peer_linger()). */
	if (!p->broken && !p->pending)
		ev |= POLLIN;
	if (p->head && !p->broken)
		ev |= POLLOUT;
	p->watch.events = ev;
}

static void peer_flush(struct ctl_peer *p)
{
	while (p->head && !p->broken) {
		struct out_frame *f = p->head;
		ssize_t n = send(p->watch.fd, f->data, f->len, MSG_DONTWAIT | MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			break;
		if (n < 0 || (size_t)n != f->len) {
			log_debug(1, "control: client %s: send failed: %m", p->who);
			peer_break(p);
			break;
		}
		p->head = f->next;
		if (!p->head)
			p->tail = NULL;
		p->queued -= f->len;
		free(f);
	}
	if (!p->head && p->closing && !p->broken && !p->wr_shut) {
		/* Not close(): unread input on our side at close() makes the
		 * kernel report ECONNRESET to the client before it has read
		 * our last answer. Shutting our sending side gives it the
		 * answer then end-of-file; we close once it hangs up. */
		shutdown(p->watch.fd, SHUT_WR);
		p->wr_shut = true;
		loop_timer_arm(p->srv->m->loop, &p->idle, loop_now_ms() + CTL_LINGER_MS);
	}
	peer_update_events(p);
}

static void peer_queue(struct ctl_peer *p, const struct ctl_msg *msg)
{
	uint8_t buf[CTL_FRAME_MAX];
	const char *field = NULL;
	size_t len;

	if (p->broken)
		return;
	enum ctl_err rc = ctl_encode(msg, CTL_BY_DAEMON, buf, sizeof(buf), &len, &field);
	if (rc != CTL_OK) {
		/* Our own answer does not fit its declaration: a bug here, not
		 * the client's fault; it gets a generic failure instead. */
		log_error("control: cannot encode %s (%s: %s)", ctl_type_name(msg->type),
			  field ? field : "?", ctl_strerror(rc));
		if (msg->type == CTL_MSG_RESULT)
			peer_break(p);
		return;
	}
	if (p->queued + len > CTL_OUTQ_MAX) {
		log_warn("control: client %s does not read its answers; disconnected", p->who);
		peer_break(p);
		return;
	}
	struct out_frame *f = malloc(sizeof(*f) + len);
	if (!f) {
		log_error("control: out of memory answering %s", p->who);
		peer_break(p);
		return;
	}
	f->next = NULL;
	f->len = len;
	memcpy(f->data, buf, len);
	if (p->tail)
		p->tail->next = f;
	else
		p->head = f;
	p->tail = f;
	p->queued += len;
	peer_flush(p);
}

static void send_result(struct ctl_peer *p, int code, const char *text)
{
	struct ctl_msg r;

	ctl_msg_init(&r, CTL_MSG_RESULT);
	r.u.result.code = (uint32_t)code;
	/* Refuse nothing for its text: cut it and blank control bytes. */
	snprintf(r.u.result.text, sizeof(r.u.result.text), "%s", text);
	for (char *c = r.u.result.text; *c; c++)
		if ((unsigned char)*c < 0x20 || *c == 0x7f)
			*c = '?';
	peer_queue(p, &r);
}

void ctl_peer_send(struct ctl_peer *p, const struct ctl_msg *msg)
{
	if (!p->pending || !ctl_answer_allowed(p->pending, msg->type)) {
		log_error("control: %s is no answer to %s; not sent", ctl_type_name(msg->type),
			  ctl_type_name(p->pending));
		return;
	}
	peer_queue(p, msg);
}

void ctl_peer_finish(struct ctl_peer *p, int code, const char *fmt, ...)
{
	char text[CTL_TEXT_MAX + 1];
	va_list ap;

	if (!p)
		return;
	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	p->pending = 0;
	send_result(p, code, text);
	if (!p->broken && !p->closing)
		loop_timer_arm(p->srv->m->loop, &p->idle, loop_now_ms() + CTL_IDLE_MS);
	peer_update_events(p);
}

void ctl_peer_link(struct ctl_peer *p, void *job, void (*gone)(void *job))
{
	p->job = job;
	p->gone = job ? gone : NULL;
}

const char *ctl_peer_who(const struct ctl_peer *p)
{
	return p->who;
}

/* ---- peers ---- */

static void peer_drop(struct ctl_peer *p)
{
	struct ctl_server *srv = p->srv;

	if (p->job && p->gone)
		p->gone(p->job);
	loop_watch_del(srv->m->loop, &p->watch);
	loop_timer_cancel(srv->m->loop, &p->idle);
	close(p->watch.fd);
	while (p->head) {
		struct out_frame *f = p->head;
		p->head = f->next;
		free(f);
	}
	for (struct ctl_peer **pp = &srv->peers; *pp; pp = &(*pp)->next) {
		if (*pp == p) {
			*pp = p->next;
			break;
		}
	}
	srv->npeers--;
	log_debug(2, "control: client %s disconnected", p->who);
	free(p->groups);
	free(p);
}

static void peer_idle(struct loop_timer *t)
{
	struct ctl_peer *p = (struct ctl_peer *)((char *)t - offsetof(struct ctl_peer, idle));

	if (!p->closing)
		log_debug(1, "control: client %s idle for %d s; disconnected", p->who,
			  CTL_IDLE_MS / 1000);
	peer_drop(p);
}

static void handle_request(struct ctl_peer *p, const struct ctl_msg *req)
{
	struct monitor *m = p->srv->m;
	const struct ctl_type_info *t = ctl_type_info(req->type);
	enum ctl_request what = (enum ctl_request)t->request;

	p->pending = req->type;
	loop_timer_cancel(m->loop, &p->idle);
	if (caller_permits(&m->settings.policy, &p->caller, what) != CALLER_ALLOW) {
		bool reader = ctl_request_read_only(what);
		struct audit_fields af = AUDIT_FIELDS_INIT;
		af.uid = (long)p->caller.uid;
		af.pid = (long)p->pid;
		af.request = ctl_request_name(what);
		af.reason = reader ? "not root and not in the control group" : "only root may";
		log_warn("control: refused %s request from %s: %s", af.request, p->who, af.reason);
		audit_emit(AUDIT_REQUEST_REFUSED, &af);
		ctl_peer_finish(p, ISCSI_ERR_ACCESS, "permission denied: %s %s",
				ctl_request_name(what),
				reader ? "needs root or the control group" : "needs root");
		return;
	}
	log_debug(1, "control: %s request from %s", ctl_request_name(what), p->who);
	request_dispatch(m, p, req);
}

static void peer_read(struct ctl_peer *p)
{
	struct ctl_msg req;
	const char *field = NULL;
	unsigned version = 0;
	char text[CTL_TEXT_MAX + 1];

	enum ctl_err rc = ctl_recv(p->watch.fd, CTL_BY_DAEMON, 0, &req, &field, &version);
	switch (rc) {
	case CTL_OK:
		handle_request(p, &req);
		return;
	case CTL_E_AGAIN:
		return;
	case CTL_E_CLOSED:
	case CTL_E_IO:
		peer_drop(p);
		return;
	case CTL_E_VERSION:
		log_warn("control: client %s speaks control protocol version %u, not %u",
			 p->who, version, CTL_PROTO_VERSION);
		snprintf(text, sizeof(text),
			 "control protocol version %u is not supported: iscsid speaks version %u",
			 version, CTL_PROTO_VERSION);
		send_result(p, ISCSI_ERR_ISCSID_COMM_ERR, text);
		break;
	default:
		log_warn("control: malformed request from %s: %s (%s)", p->who, ctl_strerror(rc),
			 field ? field : "?");
		snprintf(text, sizeof(text), "malformed request: %s (%s)", ctl_strerror(rc),
			 field ? field : "?");
		send_result(p, ISCSI_ERR_INVALID_MGMT_REQ, text);
		break;
	}
	/* A client that breaks the protocol gets its answer, then no more. */
	p->closing = true;
	peer_flush(p);
}

/* After its last answer a client may still send: discard it until it
 * hangs up (or CTL_LINGER_MS passes). */
static void peer_linger(struct ctl_peer *p)
{
	uint8_t junk[CTL_FRAME_MAX];

	ssize_t n = recv(p->watch.fd, junk, sizeof(junk), MSG_DONTWAIT);
	if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR))
		peer_drop(p);
}

static void peer_event(struct loop_watch *w, short revents)
{
	struct ctl_peer *p = (struct ctl_peer *)((char *)w - offsetof(struct ctl_peer, watch));

	if (p->broken) {
		peer_drop(p);
		return;
	}
	if (revents & POLLOUT)
		peer_flush(p);
	if (!p->broken && (revents & POLLIN) && (p->watch.events & POLLIN)) {
		if (p->closing)
			peer_linger(p);
		else
			peer_read(p);
		return;         /* p may be gone */
	}
	if (revents & (POLLHUP | POLLERR | POLLNVAL))
		peer_drop(p);
}

static int read_caller(struct ctl_peer *p, int fd)
{
	size_t room = PEER_GROUPS_FIRST;

	for (;;) {
		p->groups = calloc(room, sizeof(gid_t));
		if (!p->groups)
			return -1;
		if (peercred_get(fd, &p->caller, &p->pid, p->groups, room) == 0)
			return 0;
		free(p->groups);
		p->groups = NULL;
		long max = sysconf(_SC_NGROUPS_MAX);
		if (errno != ERANGE || max <= 0 || room >= (size_t)max)
			return -1;
		room = (size_t)max;
	}
}

static void accept_client(struct loop_watch *w, short revents)
{
	struct ctl_server *srv = (struct ctl_server *)((char *)w - offsetof(struct ctl_server, listener));
	(void)revents;

	int fd = accept4(w->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (fd < 0) {
		if (errno != EAGAIN && errno != EINTR && errno != ECONNABORTED)
			log_warn("control: accept: %m");
		return;
	}
	struct ctl_peer *p = calloc(1, sizeof(*p));
	if (!p) {
		close(fd);
		return;
	}
	p->srv = srv;
	p->watch.fd = fd;
	p->watch.on_event = peer_event;
	p->idle.on_expire = peer_idle;
	if (read_caller(p, fd) < 0) {
		log_warn("control: cannot read the credentials of a new client: %m; refused");
		close(fd);
		free(p->groups);
		free(p);
		return;
	}
	snprintf(p->who, sizeof(p->who), "uid %u pid %ld", (unsigned)p->caller.uid, (long)p->pid);
	p->next = srv->peers;
	srv->peers = p;
	srv->npeers++;
	loop_watch_add(srv->m->loop, &p->watch);
	unsigned limit = p->caller.uid == 0 ? CTL_MAX_CLIENTS : CTL_MAX_CLIENTS - CTL_ROOT_RESERVED;
	if (srv->npeers > limit) {
		log_warn("control: %u clients connected; refused %s", srv->npeers - 1, p->who);
		send_result(p, ISCSI_ERR_BUSY, "iscsid is busy: too many control connections");
		p->closing = true;
		peer_flush(p);
		return;
	}
	log_debug(2, "control: client %s connected", p->who);
	loop_timer_arm(srv->m->loop, &p->idle, loop_now_ms() + CTL_IDLE_MS);
	peer_update_events(p);
}

int ctl_server_open(struct monitor *m, char *err, size_t errlen)
{
	struct ctl_server *srv = calloc(1, sizeof(*srv));

	if (!srv) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	int fd = ctl_socket_inherited(m, err, errlen);
	if (fd == -1) {
		free(srv);
		return -1;
	}
	srv->activated = fd >= 0;
	if (!srv->activated && ctl_socket_in_use(m->socket_path)) {
		free(srv);
		snprintf(err, errlen, "another iscsid is listening on %s", m->socket_path);
		return -1;
	}
	if (!srv->activated)
		fd = ctl_socket_listen(m, err, errlen);
	if (fd < 0) {
		free(srv);
		return -1;
	}
	srv->m = m;
	srv->listener.fd = fd;
	srv->listener.events = POLLIN;
	srv->listener.on_event = accept_client;
	loop_watch_add(m->loop, &srv->listener);
	m->ctl = srv;
	char group[128];
	settings_describe_group(&m->settings, group, sizeof(group));
	if (srv->activated)
		log_debug(1, "control socket %s from socket activation (its unit sets owner and mode)",
			  m->socket_path);
	else
		log_debug(1, "control socket %s, mode 0660, group %s", m->socket_path, group);
	return 0;
}

int ctl_server_regroup(struct monitor *m)
{
	char err[256];
	struct ctl_server *srv = m->ctl;

	if (!srv)
		return 0;
	if (srv->activated) {
		log_warn("control group changed, but the socket comes from socket activation: "
			 "set SocketGroup= in iscsid.socket instead");
		return 0;
	}
	int fd = ctl_socket_listen(m, err, sizeof(err));
	if (fd < 0) {
		log_error("control socket not changed: %s", err);
		return -1;
	}
	close(srv->listener.fd);
	srv->listener.fd = fd;
	char group[128];
	settings_describe_group(&m->settings, group, sizeof(group));
	log_info("control socket %s now belongs to group %s", m->socket_path, group);
	return 0;
}

void ctl_server_close(struct monitor *m)
{
	struct ctl_server *srv = m->ctl;

	if (!srv)
		return;
	while (srv->peers)
		peer_drop(srv->peers);
	loop_watch_del(m->loop, &srv->listener);
	close(srv->listener.fd);
	/* An activated socket belongs to its unit, which keeps listening. */
	if (!srv->activated)
		unlink(m->socket_path);
	free(srv);
	m->ctl = NULL;
}

unsigned ctl_server_clients(const struct monitor *m)
{
	return m->ctl ? m->ctl->npeers : 0;
}
