/* The kern_* requests: each checks its arguments against what the kernel
 * accepts, sends one uevent and turns the answer into 0 or -errno with a
 * line that says what went wrong in the caller's terms. */
#include "kernel/iscsi_nl_priv.h"

#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

#include "base/bytes.h"

/* A hint after the errno text for the answers whose cause is known. */
static const char *hint(uint32_t type, int rc)
{
	switch (-rc) {
	case EPERM:
		return " (needs root: CAP_SYS_ADMIN)";
	case EINVAL:
		if (type == KISCSI_UEVENT_CREATE_SESSION)
			return " (the transport is gone: was its module unloaded?)";
		if (type == KISCSI_UEVENT_SET_PARAM || type == KISCSI_UEVENT_SET_HOST_PARAM)
			return " (no such session or connection, or a value the kernel refused)";
		return " (no such session or connection)";
	case ENOTCONN:
		if (type == KISCSI_UEVENT_SET_PARAM)
			return " (the connection is not bound to a socket yet)";
		return " (the connection is being cleaned up)";
	case EBUSY:
		return " (the session still has connections)";
	case EEXIST:
		if (type == KISCSI_UEVENT_GET_STATS)
			return " (no such connection)";
		return "";
	case ENOSYS:
		return " (the transport does not support it)";
	case ENODEV:
		return " (no such SCSI host)";
	case ENOMEM:
		return " (the kernel could not allocate it)";
	default:
		return "";
	}
}

/* Runs a request; on an error answer, fills the line "op: text (hint)". */
static int request(struct kern *k, const char *op, struct kiscsi_uevent *ev, const void *a,
		   size_t alen, const void *b, size_t blen, bool use_retcode,
		   struct kern_stats *stats)
{
	uint32_t type = ev->type;
	int rc = kern_request(k, op, ev, a, alen, b, blen, use_retcode, stats);

	if (rc < 0 && !k->err[0])
		kern_fail(k, rc, "%s: %s%s", op, strerror(-rc), hint(type, rc));
	return rc;
}

static struct kiscsi_uevent uevent(uint32_t type)
{
	struct kiscsi_uevent ev;

	memset(&ev, 0, sizeof(ev));
	ev.type = type;
	return ev;
}

static bool power_of_two(unsigned v)
{
	return v && !(v & (v - 1));
}

int kern_create_session(struct kern *k, uint32_t initial_cmdsn, uint16_t cmds_max,
			uint16_t queue_depth, uint32_t *sid, uint32_t *host_no)
{
	struct kiscsi_uevent ev = uevent(KISCSI_UEVENT_CREATE_SESSION);
	int rc;

	/* libiscsi's limits: it would silently round or clamp these. */
	if (cmds_max < 16 || cmds_max > 4096 || !power_of_two(cmds_max))
		return kern_fail(k, -EINVAL,
				 "create session: cmds_max %u is not a power of two in 16..4096",
				 cmds_max);
	if (queue_depth < 1 || queue_depth > 1024 || queue_depth > cmds_max)
		return kern_fail(k, -EINVAL,
				 "create session: queue_depth %u is not in 1..min(1024, cmds_max)",
				 queue_depth);
	ev.u.c_session.initial_cmdsn = initial_cmdsn;
	ev.u.c_session.cmds_max = cmds_max;
	ev.u.c_session.queue_depth = queue_depth;
	rc = request(k, "create session", &ev, NULL, 0, NULL, 0, false, NULL);
	if (rc < 0)
		return rc;
	*sid = ev.r.c_session_ret.sid;
	*host_no = ev.r.c_session_ret.host_no;
	return 0;
}

int kern_destroy_session(struct kern *k, uint32_t sid)
{
	struct kiscsi_uevent ev = uevent(KISCSI_UEVENT_DESTROY_SESSION);

	ev.u.d_session.sid = sid;
	return request(k, "destroy session", &ev, NULL, 0, NULL, 0, false, NULL);
}

int kern_unbind_session(struct kern *k, uint32_t sid)
{
	struct kiscsi_uevent ev = uevent(KISCSI_UEVENT_UNBIND_SESSION);

	/* The kernel reads the sid where DESTROY_SESSION has it. */
	ev.u.d_session.sid = sid;
	return request(k, "unbind session", &ev, NULL, 0, NULL, 0, false, NULL);
}

int kern_create_conn(struct kern *k, uint32_t sid, uint32_t cid, uint32_t *conn_cid)
{
	struct kiscsi_uevent ev = uevent(KISCSI_UEVENT_CREATE_CONN);
	int rc;

	ev.u.c_conn.sid = sid;
	ev.u.c_conn.cid = cid;
	rc = request(k, "create connection", &ev, NULL, 0, NULL, 0, false, NULL);
	if (rc < 0)
		return rc;
	if (ev.r.c_conn_ret.sid != sid)
		return kern_fail(k, -EPROTO,
				 "create connection: the kernel answered for session %u, not %u",
				 ev.r.c_conn_ret.sid, sid);
	*conn_cid = ev.r.c_conn_ret.cid;
	return 0;
}

int kern_destroy_conn(struct kern *k, uint32_t sid, uint32_t cid)
{
	struct kiscsi_uevent ev = uevent(KISCSI_UEVENT_DESTROY_CONN);

	ev.u.d_conn.sid = sid;
	ev.u.d_conn.cid = cid;
	return request(k, "destroy connection", &ev, NULL, 0, NULL, 0, false, NULL);
}

int kern_bind_conn(struct kern *k, uint32_t sid, uint32_t cid, int sockfd, bool leading)
{
	struct kiscsi_uevent ev = uevent(KISCSI_UEVENT_BIND_CONN);
	struct sockaddr_storage peer;
	socklen_t len = sizeof(int), plen = sizeof(peer);
	int proto = -1;

	/* iscsi_tcp takes any socket; refuse what it could not use. */
	if (sockfd < 0 || getsockopt(sockfd, SOL_SOCKET, SO_PROTOCOL, &proto, &len) < 0 ||
	    proto != IPPROTO_TCP || getpeername(sockfd, (struct sockaddr *)&peer, &plen) < 0)
		return kern_fail(k, -ENOTSOCK,
				 "bind connection: descriptor %d is not a connected TCP socket",
				 sockfd);
	ev.u.b_conn.sid = sid;
	ev.u.b_conn.cid = cid;
	ev.u.b_conn.transport_eph = (uint64_t)sockfd;
	ev.u.b_conn.is_leading = leading ? 1 : 0;
	return request(k, "bind connection", &ev, NULL, 0, NULL, 0, true, NULL);
}

int kern_start_conn(struct kern *k, uint32_t sid, uint32_t cid)
{
	struct kiscsi_uevent ev = uevent(KISCSI_UEVENT_START_CONN);

	ev.u.start_conn.sid = sid;
	ev.u.start_conn.cid = cid;
	return request(k, "start connection", &ev, NULL, 0, NULL, 0, true, NULL);
}

int kern_stop_conn(struct kern *k, uint32_t sid, uint32_t cid, int flag)
{
	struct kiscsi_uevent ev = uevent(KISCSI_UEVENT_STOP_CONN);

	if (flag != ISCSI_STOP_CONN_TERM && flag != ISCSI_STOP_CONN_RECOVER)
		return kern_fail(k, -EINVAL, "stop connection: flag %d is neither TERM nor RECOVER",
				 flag);
	ev.u.stop_conn.sid = sid;
	ev.u.stop_conn.cid = cid;
	ev.u.stop_conn.flag = (uint32_t)flag;
	return request(k, "stop connection", &ev, NULL, 0, NULL, 0, false, NULL);
}

int kern_set_param(struct kern *k, uint32_t sid, uint32_t cid, enum iscsi_param param,
		   const char *value)
{
	struct kiscsi_uevent ev = uevent(KISCSI_UEVENT_SET_PARAM);
	const char *why = NULL;
	int rc = knl_check_param((uint32_t)param, value, &why);

	if (rc < 0)
		return kern_fail(k, rc, "set parameter %u: %s", (unsigned)param, why);
	/* The kernel reads the value as a C string: the NUL goes too. */
	ev.u.set_param.sid = sid;
	ev.u.set_param.cid = cid;
	ev.u.set_param.param = (uint32_t)param;
	ev.u.set_param.len = (uint32_t)strlen(value) + 1;
	return request(k, "set parameter", &ev, value, ev.u.set_param.len, NULL, 0, false, NULL);
}

int kern_set_host_param(struct kern *k, uint32_t host_no, enum iscsi_host_param param,
			const char *value)
{
	struct kiscsi_uevent ev = uevent(KISCSI_UEVENT_SET_HOST_PARAM);
	const char *why = NULL;
	int rc = knl_check_host_param((uint32_t)param, value, &why);

	if (rc < 0)
		return kern_fail(k, rc, "set host parameter %u: %s", (unsigned)param, why);
	ev.u.set_host_param.host_no = host_no;
	ev.u.set_host_param.param = (uint32_t)param;
	ev.u.set_host_param.len = (uint32_t)strlen(value) + 1;
	return request(k, "set host parameter", &ev, value, ev.u.set_host_param.len, NULL, 0,
		       false, NULL);
}

int kern_send_pdu(struct kern *k, uint32_t sid, uint32_t cid, const void *hdr, size_t hdr_len,
		  const void *data, size_t data_len)
{
	struct kiscsi_uevent ev = uevent(KISCSI_UEVENT_SEND_PDU);
	const uint8_t *bhs = hdr;

	/* The kernel copies exactly one BHS and sends data_len bytes after
	 * it: the header must say so, or the target reads garbage. */
	if (!hdr || hdr_len != KISCSI_BHS_LEN)
		return kern_fail(k, -EINVAL, "send PDU: the header must be one %d-byte BHS",
				 KISCSI_BHS_LEN);
	if (data_len > KERN_SEND_DATA_MAX || (data_len && !data))
		return kern_fail(k, -EMSGSIZE, "send PDU: %zu data bytes (at most %d)", data_len,
				 KERN_SEND_DATA_MAX);
	if (bhs[4] != 0 || get_be24(bhs + 5) != data_len)
		return kern_fail(k, -EINVAL,
				 "send PDU: the BHS's AHS and data lengths do not match the data given");
	ev.u.send_pdu.sid = sid;
	ev.u.send_pdu.cid = cid;
	ev.u.send_pdu.hdr_size = (uint32_t)hdr_len;
	ev.u.send_pdu.data_size = (uint32_t)data_len;
	return request(k, "send PDU", &ev, hdr, hdr_len, data, data_len, true, NULL);
}

int kern_get_stats(struct kern *k, uint32_t sid, uint32_t cid, struct kern_stats *out)
{
	struct kiscsi_uevent ev = uevent(KISCSI_UEVENT_GET_STATS);

	memset(out, 0, sizeof(*out));
	ev.u.get_stats.sid = sid;
	ev.u.get_stats.cid = cid;
	return request(k, "get statistics", &ev, NULL, 0, NULL, 0, false, out);
}
