/* The NETLINK_ISCSI client's core: one request at a time, its reply
 * picked out of whatever else the socket holds, and the kernel's events
 * queued in arrival order.
 *
 * The kernel answers a request from inside our send (unicast, with the
 * request's type as nlmsg_type, seq and port 0), except GET_STATS, whose
 * answer goes to the iscsid group with nlmsg_type 0. Events it emits while
 * handling the request (CREATE_SESSION, say) are queued ahead of the
 * reply; they are kept, never dropped. Only the kernel (port 0) is
 * believed: any local process may send to our port. */
#include "kernel/iscsi_nl_priv.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/log.h"

struct kern_qitem {
	struct kern_qitem *next;
	enum kern_event_type type;
	uint32_t code, sid, cid, host_no, error;
	size_t pdu_len;
	uint8_t pdu[];
};

int kern_fail(struct kern *k, int rc, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(k->err, sizeof(k->err), fmt, ap);
	va_end(ap);
	return rc;
}

int kern_open_io(struct kern **out, const struct kern_io *io, uint64_t handle)
{
	struct kern *k = calloc(1, sizeof(*k));

	*out = NULL;
	if (!k) {
		io->close(io->ctx);
		return -ENOMEM;
	}
	k->io = *io;
	k->handle = handle;
	*out = k;
	return 0;
}

void kern_close(struct kern *k)
{
	if (!k)
		return;
	while (k->head) {
		struct kern_qitem *q = k->head;
		k->head = q->next;
		free(q);
	}
	k->io.close(k->io.ctx);
	free(k);
}

int kern_fd(const struct kern *k)
{
	return k->io.fd;
}

uint64_t kern_transport_handle(const struct kern *k)
{
	return k->handle;
}

const char *kern_strerror(const struct kern *k)
{
	return k->err;
}

static void queue_event(struct kern *k, const struct knl_msg *m)
{
	struct kern_event ev;
	struct kern_qitem *q;
	int rc = knl_decode_event(m, &ev);

	if (rc < 0) {
		log_warn("NETLINK_ISCSI: malformed kernel event %u (%zu payload bytes) ignored",
			 m->ev.type, m->payload_len);
		return;
	}
	if (k->queued >= KERN_EVENT_QUEUE_MAX) {
		k->lost = true;
		return;
	}
	q = malloc(sizeof(*q) + ev.pdu_len);
	if (!q) {
		k->lost = true;
		return;
	}
	q->next = NULL;
	q->type = ev.type;
	q->code = ev.code;
	q->sid = ev.sid;
	q->cid = ev.cid;
	q->host_no = ev.host_no;
	q->error = ev.error;
	q->pdu_len = ev.pdu_len;
	memcpy(q->pdu, ev.pdu, ev.pdu_len);
	if (k->tail)
		k->tail->next = q;
	else
		k->head = q;
	k->tail = q;
	k->queued++;
}

/* What one received message is to the request waiting (type, seq). */
enum match { M_OTHER, M_REPLY, M_EVENT };

static enum match classify(const struct knl_msg *m, uint32_t type, uint32_t seq,
			   const struct kiscsi_uevent *req)
{
	if (m->nlmsg_type == NLMSG_ERROR)
		return m->nlmsg_seq == seq && m->ev.iferror != 0 ? M_REPLY : M_OTHER;
	/* A failed request comes back with its own nlmsg_type but the
	 * uevent's type turned into IF_ERROR. */
	if (m->nlmsg_type == type && type != KISCSI_UEVENT_UNKNOWN &&
	    (m->ev.type == type || m->ev.type == KISCSI_KEVENT_IF_ERROR))
		return M_REPLY;
	if (m->ev.type >= KISCSI_KEVENT_RECV_PDU)
		return m->nlmsg_type == 0 ? M_EVENT : M_OTHER;
	if (m->ev.type != type)
		return M_OTHER;
	/* GET_STATS answers go to the whole group: ours is the one for our
	 * connection (another daemon's may pass by). */
	if (type == KISCSI_UEVENT_GET_STATS && m->nlmsg_type == 0 &&
	    m->ev.u.get_stats.sid == req->u.get_stats.sid &&
	    m->ev.u.get_stats.cid == req->u.get_stats.cid)
		return M_REPLY;
	return M_OTHER;
}

/* Reads one datagram (waiting up to timeout_ms): events go to the queue;
 * a reply for (type, seq) is decoded into *reply (and stats). Returns 2
 * when the reply was in it, 1 for a datagram without it, 0 when nothing
 * came, -errno on a socket error. */
static int read_datagram(struct kern *k, int timeout_ms, uint32_t type, uint32_t seq,
			 const struct kiscsi_uevent *req, struct kiscsi_uevent *reply,
			 struct kern_stats *stats, int *reply_rc)
{
	unsigned char *buf = NULL;
	uint32_t sender = 0;
	struct knl_msg m;
	size_t off = 0;
	int n, rc;
	bool found = false;

	n = k->io.recv(k->io.ctx, timeout_ms, &buf, &sender);
	if (n == -ENOBUFS) {
		/* The kernel dropped messages for us: events, maybe the
		 * reply itself (then the wait times out). */
		k->lost = true;
		return 1;
	}
	if (n <= 0)
		return n;
	if (sender != 0) {
		log_warn("NETLINK_ISCSI: message from port %u (not the kernel) ignored", sender);
		free(buf);
		return 1;
	}
	while ((rc = knl_next_msg(buf, (size_t)n, &off, &m)) != 0) {
		if (rc < 0) {
			log_warn("NETLINK_ISCSI: malformed kernel message ignored (%s)", strerror(-rc));
			continue;
		}
		enum match what = classify(&m, type, seq, req);
		if (found && what == M_REPLY)
			what = M_OTHER;
		switch (what) {
		case M_EVENT:
			queue_event(k, &m);
			break;
		case M_REPLY:
			found = true;
			*reply = m.ev;
			*reply_rc = knl_reply_errno(m.ev.iferror);
			if (*reply_rc == 0 && (m.nlmsg_type == NLMSG_ERROR ||
					       m.ev.type == KISCSI_KEVENT_IF_ERROR))
				*reply_rc = -EPROTO;
			else if (*reply_rc == 0 && stats)
				*reply_rc = knl_decode_stats(&m, stats) < 0 ? -EPROTO : 0;
			else if (*reply_rc == 0 && m.payload_len != 0)
				*reply_rc = -EPROTO;
			break;
		case M_OTHER:
			log_debug(3, "NETLINK_ISCSI: message type %u/%u ignored", m.nlmsg_type, m.ev.type);
			break;
		}
	}
	free(buf);
	return found ? 2 : 1;
}

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

int kern_request(struct kern *k, const char *op, struct kiscsi_uevent *ev,
		 const void *a, size_t alen, const void *b, size_t blen,
		 bool use_retcode, struct kern_stats *stats)
{
	struct kiscsi_uevent reply;
	size_t size = NLMSG_ALIGN(NLMSG_LENGTH(sizeof(*ev) + alen + blen));
	unsigned char *buf;
	uint32_t type = ev->type, seq;
	long len, deadline;
	int rc, reply_rc = 0;

	k->err[0] = '\0';
	ev->transport_handle = k->handle;
	seq = ++k->seq;
	buf = malloc(size);
	if (!buf)
		return kern_fail(k, -ENOMEM, "%s: out of memory", op);
	len = knl_encode(buf, size, seq, k->io.portid, ev, a, alen, b, blen);
	if (len < 0) {
		free(buf);
		return kern_fail(k, (int)len, "%s: request too large", op);
	}
	rc = k->io.send(k->io.ctx, buf, (size_t)len);
	free(buf);
	if (rc < 0)
		return kern_fail(k, rc, "%s: sending to the kernel: %s", op, strerror(-rc));
	/* The reply is normally queued before send returns; the wait only
	 * covers a kernel that is slow to schedule the answer. */
	deadline = now_ms() + KERN_REPLY_TIMEOUT_MS;
	for (;;) {
		long left = deadline - now_ms();
		rc = read_datagram(k, left > 0 ? (int)left : 0, type, seq, ev, &reply, stats,
				   &reply_rc);
		if (rc < 0)
			return kern_fail(k, rc, "%s: reading the kernel's answer: %s", op,
					 strerror(-rc));
		if (rc == 2)
			break;
		if (rc == 0 || left <= 0)
			return kern_fail(k, -ETIMEDOUT, "%s: no answer from the kernel", op);
	}
	if (reply_rc == -EPROTO)
		return kern_fail(k, -EPROTO, "%s: malformed answer from the kernel", op);
	*ev = reply;
	if (reply_rc == 0 && use_retcode && ev->r.retcode != 0)
		reply_rc = knl_reply_errno((uint32_t)ev->r.retcode);
	return reply_rc;
}

int kern_next_event(struct kern *k, struct kern_event *ev)
{
	struct kern_qitem *q;
	int rc;

	/* Drain what is there without blocking, then hand out the oldest. */
	while (k->queued < KERN_EVENT_QUEUE_MAX) {
		struct kiscsi_uevent none, reply;
		int reply_rc = 0;
		memset(&none, 0, sizeof(none));
		rc = read_datagram(k, 0, KISCSI_UEVENT_UNKNOWN, 0, &none, &reply, NULL, &reply_rc);
		if (rc < 0)
			return kern_fail(k, rc, "reading kernel events: %s", strerror(-rc));
		if (rc == 0)
			break;
	}
	if (k->lost) {
		k->lost = false;
		return kern_fail(k, -ENOBUFS, "kernel events were lost (socket buffer overrun)");
	}
	q = k->head;
	if (!q)
		return 0;
	k->head = q->next;
	if (!k->head)
		k->tail = NULL;
	k->queued--;
	memset(ev, 0, offsetof(struct kern_event, pdu));
	ev->type = q->type;
	ev->code = q->code;
	ev->sid = q->sid;
	ev->cid = q->cid;
	ev->host_no = q->host_no;
	ev->error = q->error;
	ev->pdu_len = q->pdu_len;
	memcpy(ev->pdu, q->pdu, q->pdu_len);
	free(q);
	return 1;
}
