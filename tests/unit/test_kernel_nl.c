/* The NETLINK_ISCSI client (kernel/iscsi_nl.h) against a fake kernel
 * behind the kern_io seam: every request's bytes at the kernel's offsets,
 * replies with errors in iferror and retcode, events that arrive before
 * the reply kept in order, GET_STATS answers picked out of the group,
 * argument checks that refuse before sending, and hostile or truncated
 * kernel messages that are dropped, never over-read. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "base/bytes.h"
#include "kernel/iscsi_nl_priv.h"

#define HANDLE 0xffff8880deadbeefULL
#define PORTID 4242u

/* ---- the fake kernel ---- */

struct dgram {
	unsigned char *buf;
	size_t len;
	uint32_t sender;
	int error;              /* a recv error instead of data */
};

struct fake {
	unsigned char sent[16384];
	size_t sent_len;
	unsigned nsent;
	struct dgram q[64];
	size_t qhead, qtail;
	/* Answer generator, run on each send. */
	void (*answer)(struct fake *f, const struct kiscsi_uevent *req, uint32_t nl_type);
	int32_t iferror, retcode;
	bool closed;
};

static struct fake *F;

static void push_raw(struct fake *f, const void *buf, size_t len, uint32_t sender)
{
	struct dgram *d = &f->q[f->qtail++ % 64];
	d->buf = malloc(len ? len : 1);
	memcpy(d->buf, buf, len);
	d->len = len;
	d->sender = sender;
	d->error = 0;
}

static void push_error(struct fake *f, int error)
{
	struct dgram *d = &f->q[f->qtail++ % 64];
	memset(d, 0, sizeof(*d));
	d->error = error;
}

/* One kernel message: netlink header, uevent, payload, padded. */
static void push_msg(struct fake *f, uint16_t nl_type, const struct kiscsi_uevent *ev,
		     const void *payload, size_t plen, uint32_t sender)
{
	static unsigned char buf[16384];
	struct nlmsghdr nlh = { 0 };
	size_t len = NLMSG_LENGTH(sizeof(*ev) + plen);

	assert_true(NLMSG_ALIGN(len) <= sizeof(buf));
	memset(buf, 0, sizeof(buf));
	nlh.nlmsg_len = (uint32_t)len;
	nlh.nlmsg_type = nl_type;
	memcpy(buf, &nlh, sizeof(nlh));
	memcpy(buf + NLMSG_HDRLEN, ev, sizeof(*ev));
	if (plen)
		memcpy(buf + NLMSG_HDRLEN + sizeof(*ev), payload, plen);
	push_raw(f, buf, NLMSG_ALIGN(len), sender);
}

static struct kiscsi_uevent event(uint32_t code)
{
	struct kiscsi_uevent ev;
	memset(&ev, 0, sizeof(ev));
	ev.type = code;
	return ev;
}

static int fake_send(void *ctx, const void *buf, size_t len)
{
	struct fake *f = ctx;
	struct kiscsi_uevent req;
	struct nlmsghdr nlh;

	assert_true(len <= sizeof(f->sent));
	memcpy(f->sent, buf, len);
	f->sent_len = len;
	f->nsent++;
	memcpy(&nlh, buf, sizeof(nlh));
	memcpy(&req, (const unsigned char *)buf + NLMSG_HDRLEN, sizeof(req));
	if (f->answer)
		f->answer(f, &req, nlh.nlmsg_type);
	return 0;
}

static int fake_recv(void *ctx, int timeout_ms, unsigned char **buf, uint32_t *sender)
{
	struct fake *f = ctx;
	(void)timeout_ms;
	if (f->qhead == f->qtail)
		return 0;
	struct dgram *d = &f->q[f->qhead++ % 64];
	if (d->error)
		return d->error;
	*buf = d->buf;
	*sender = d->sender;
	return (int)d->len;
}

static void fake_close(void *ctx)
{
	((struct fake *)ctx)->closed = true;
}

/* The kernel's usual answer: the request back with iferror and retcode. */
static void answer_echo(struct fake *f, const struct kiscsi_uevent *req, uint32_t nl_type)
{
	struct kiscsi_uevent r = *req;
	r.iferror = (uint32_t)f->iferror;
	r.r.retcode = f->retcode;
	/* Linux reports a failed request as IF_ERROR under the request's
	 * nlmsg_type. */
	if (f->iferror)
		r.type = KISCSI_KEVENT_IF_ERROR;
	push_msg(f, (uint16_t)nl_type, &r, NULL, 0, 0);
}

static struct kern *open_fake(struct fake *f)
{
	struct kern_io io = {
		.send = fake_send, .recv = fake_recv, .close = fake_close,
		.ctx = f, .fd = 99, .portid = PORTID,
	};
	struct kern *k;
	assert_int_equal(kern_open_io(&k, &io, HANDLE), 0);
	return k;
}

static int setup(void **state)
{
	F = calloc(1, sizeof(*F));
	*state = open_fake(F);
	F->answer = answer_echo;
	return 0;
}

static int teardown(void **state)
{
	kern_close(*state);
	assert_true(F->closed);
	while (F->qhead != F->qtail) {
		struct dgram *d = &F->q[F->qhead++ % 64];
		free(d->buf);
	}
	free(F);
	return 0;
}

static uint32_t sent32(size_t off)
{
	uint32_t v;
	assert_true(off + 4 <= F->sent_len);
	memcpy(&v, F->sent + off, 4);
	return v;
}

static uint64_t sent64(size_t off)
{
	uint64_t v;
	assert_true(off + 8 <= F->sent_len);
	memcpy(&v, F->sent + off, 8);
	return v;
}

static uint16_t sent16(size_t off)
{
	uint16_t v;
	memcpy(&v, F->sent + off, 2);
	return v;
}

/* Netlink header and uevent head common to every request. */
static void check_head(uint32_t type, size_t body)
{
	assert_int_equal(sent32(0), NLMSG_LENGTH(body));
	assert_int_equal(sent16(4), type);
	assert_int_equal(sent16(6), NLM_F_REQUEST);
	assert_int_equal(sent32(12), PORTID);
	assert_int_equal(F->sent_len, NLMSG_ALIGN(NLMSG_LENGTH(body)));
	assert_int_equal(sent32(16), type);
	assert_int_equal(sent32(20), 0);
	assert_true(sent64(24) == HANDLE);
}

/* ---- requests ---- */

static void answer_create_session(struct fake *f, const struct kiscsi_uevent *req, uint32_t t)
{
	struct kiscsi_uevent e = event(KISCSI_KEVENT_CREATE_SESSION);
	e.r.c_session.sid = 7;
	e.r.c_session.host_no = 3;
	push_msg(f, 0, &e, NULL, 0, 0);         /* the event comes first */
	struct kiscsi_uevent r = *req;
	r.r.c_session_ret.sid = 7;
	r.r.c_session_ret.host_no = 3;
	push_msg(f, (uint16_t)t, &r, NULL, 0, 0);
}

static void create_session_bytes_and_event_order(void **state)
{
	struct kern *k = *state;
	struct kern_event ev;
	uint32_t sid = 0, host = 0;

	F->answer = answer_create_session;
	assert_int_equal(kern_create_session(k, 0x11223344, 128, 32, &sid, &host), 0);
	check_head(KISCSI_UEVENT_CREATE_SESSION, 56);
	assert_int_equal(sent32(8), 1);                 /* our first seq */
	assert_int_equal(sent32(32), 0x11223344);
	assert_int_equal(sent16(36), 128);
	assert_int_equal(sent16(38), 32);
	assert_int_equal(sid, 7);
	assert_int_equal(host, 3);
	/* The event that came before the reply is kept. */
	assert_int_equal(kern_next_event(k, &ev), 1);
	assert_int_equal(ev.type, KERN_EV_CREATE_SESSION);
	assert_int_equal(ev.code, KISCSI_KEVENT_CREATE_SESSION);
	assert_int_equal(ev.sid, 7);
	assert_int_equal(ev.host_no, 3);
	assert_int_equal(kern_next_event(k, &ev), 0);
	/* Sequence numbers advance. */
	F->answer = answer_echo;
	assert_int_equal(kern_destroy_session(k, 7), 0);
	assert_int_equal(sent32(8), 2);
	check_head(KISCSI_UEVENT_DESTROY_SESSION, 56);
	assert_int_equal(sent32(32), 7);
}

static void create_session_limits(void **state)
{
	struct kern *k = *state;
	uint32_t sid, host;

	assert_int_equal(kern_create_session(k, 1, 100, 32, &sid, &host), -EINVAL);
	assert_non_null(strstr(kern_strerror(k), "cmds_max 100"));
	assert_int_equal(kern_create_session(k, 1, 8, 4, &sid, &host), -EINVAL);
	assert_int_equal(kern_create_session(k, 1, 128, 0, &sid, &host), -EINVAL);
	assert_int_equal(kern_create_session(k, 1, 16, 32, &sid, &host), -EINVAL);
	assert_int_equal(F->nsent, 0);
}

static void iferror_mapped(void **state)
{
	struct kern *k = *state;
	uint32_t sid, host, cid;

	F->iferror = -EPERM;
	assert_int_equal(kern_create_session(k, 1, 128, 32, &sid, &host), -EPERM);
	assert_string_equal(kern_strerror(k),
			    "create session: Operation not permitted (needs root: CAP_SYS_ADMIN)");
	F->iferror = -EBUSY;
	assert_int_equal(kern_destroy_session(k, 1), -EBUSY);
	assert_non_null(strstr(kern_strerror(k), "still has connections"));
	F->iferror = -EINVAL;
	assert_int_equal(kern_create_conn(k, 9, 0, &cid), -EINVAL);
	assert_string_equal(kern_strerror(k),
			    "create connection: Invalid argument (no such session or connection)");
	/* Not an errno at all. */
	F->iferror = 5;
	assert_int_equal(kern_destroy_conn(k, 1, 0), -EPROTO);
	F->iferror = -100000;
	assert_int_equal(kern_destroy_conn(k, 1, 0), -EPROTO);
	assert_non_null(strstr(kern_strerror(k), "malformed answer"));
}

static void create_conn_reply_checked(void **state)
{
	struct kern *k = *state;
	uint32_t cid = 99;

	/* answer_echo leaves r zero: session 0 is not the one asked for. */
	assert_int_equal(kern_create_conn(k, 5, 0, &cid), -EPROTO);
	check_head(KISCSI_UEVENT_CREATE_CONN, 56);
	assert_int_equal(sent32(32), 5);
	assert_int_equal(sent32(36), 0);
	assert_int_equal(cid, 99);
}

static void answer_conn(struct fake *f, const struct kiscsi_uevent *req, uint32_t t)
{
	struct kiscsi_uevent r = *req;
	r.r.c_conn_ret.sid = req->u.c_conn.sid + (f->retcode ? 1 : 0);
	r.r.c_conn_ret.cid = 0;
	push_msg(f, (uint16_t)t, &r, NULL, 0, 0);
}

static void create_conn_ok_and_mismatch(void **state)
{
	struct kern *k = *state;
	uint32_t cid = 99;

	F->answer = answer_conn;
	assert_int_equal(kern_create_conn(k, 5, 0, &cid), 0);
	assert_int_equal(cid, 0);
	F->retcode = 1;
	assert_int_equal(kern_create_conn(k, 5, 0, &cid), -EPROTO);
	assert_non_null(strstr(kern_strerror(k), "session 6, not 5"));
}

static void set_param_bytes(void **state)
{
	struct kern *k = *state;
	const char *iqn = "iqn.2024-01.test:t1";
	size_t vlen = strlen(iqn) + 1;

	assert_int_equal(kern_set_param(k, 3, 0, KISCSI_PARAM_TARGET_NAME, iqn), 0);
	check_head(KISCSI_UEVENT_SET_PARAM, 56 + vlen);
	assert_int_equal(sent32(32), 3);
	assert_int_equal(sent32(36), 0);
	assert_int_equal(sent32(40), 15);
	assert_int_equal(sent32(44), vlen);
	assert_memory_equal(F->sent + 72, iqn, vlen);
	/* Padding is zero. */
	for (size_t i = 72 + vlen; i < F->sent_len; i++)
		assert_int_equal(F->sent[i], 0);

	assert_int_equal(kern_set_param(k, 3, 0, KISCSI_PARAM_MAX_RECV_DLENGTH, "262144"), 0);
	assert_int_equal(sent32(40), 0);
	assert_memory_equal(F->sent + 72, "262144", 7);
	assert_int_equal(kern_set_param(k, 3, 0, KISCSI_PARAM_ISID, "400001370000"), 0);

	F->iferror = -ENOTCONN;
	assert_int_equal(kern_set_param(k, 3, 0, KISCSI_PARAM_HDRDGST_EN, "0"), -ENOTCONN);
	assert_non_null(strstr(kern_strerror(k), "not bound"));
}

static void set_param_refusals(void **state)
{
	struct kern *k = *state;
	char big[KERN_PARAM_VALUE_MAX + 8];

	assert_int_equal(kern_set_param(k, 1, 0, KISCSI_PARAM_PASSWORD, "secret"), -EPERM);
	assert_null(strstr(kern_strerror(k), "secret"));
	assert_int_equal(kern_set_param(k, 1, 0, KISCSI_PARAM_PASSWORD_IN, "x"), -EPERM);
	assert_int_equal(kern_set_param(k, 1, 0, KISCSI_PARAM_MAX_BURST, "12a"), -EINVAL);
	assert_int_equal(kern_set_param(k, 1, 0, KISCSI_PARAM_MAX_BURST, ""), -EINVAL);
	assert_int_equal(kern_set_param(k, 1, 0, KISCSI_PARAM_MAX_BURST, "12345678901"), -EINVAL);
	assert_int_equal(kern_set_param(k, 1, 0, KISCSI_PARAM_TARGET_NAME, "a\nb"), -EINVAL);
	assert_int_equal(kern_set_param(k, 1, 0, KISCSI_PARAM_ISID, "40000137000"), -EINVAL);
	assert_int_equal(kern_set_param(k, 1, 0, KISCSI_PARAM_ISID, "40000137000g"), -EINVAL);
	assert_int_equal(kern_set_param(k, 1, 0, (enum iscsi_param)40, "1"), -EINVAL);
	assert_int_equal(kern_set_param(k, 1, 0, (enum iscsi_param)500, "1"), -EINVAL);
	assert_int_equal(kern_set_param(k, 1, 0, KISCSI_PARAM_TARGET_NAME, NULL), -EINVAL);
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	assert_int_equal(kern_set_param(k, 1, 0, KISCSI_PARAM_TARGET_NAME, big), -EINVAL);
	big[KERN_PARAM_VALUE_MAX - 1] = '\0';   /* the longest that fits */
	assert_int_equal(F->nsent, 0);
	assert_int_equal(kern_set_param(k, 1, 0, KISCSI_PARAM_TARGET_NAME, big), 0);
	assert_int_equal(sent32(44), KERN_PARAM_VALUE_MAX);
}

static void set_host_param_bytes(void **state)
{
	struct kern *k = *state;

	assert_int_equal(kern_set_host_param(k, 4, KISCSI_HOST_PARAM_NETDEV_NAME, "eth0"), 0);
	check_head(KISCSI_UEVENT_SET_HOST_PARAM, 56 + 5);
	assert_int_equal(sent32(32), 4);
	assert_int_equal(sent32(36), 2);
	assert_int_equal(sent32(40), 5);
	assert_memory_equal(F->sent + 72, "eth0", 5);
	assert_int_equal(kern_set_host_param(k, 4, KISCSI_HOST_PARAM_PORT_STATE, "up"), -EINVAL);
	F->iferror = -ENOSYS;
	assert_int_equal(kern_set_host_param(k, 4, KISCSI_HOST_PARAM_IPADDRESS, "10.0.0.1"),
			 -ENOSYS);
	assert_non_null(strstr(kern_strerror(k), "does not support"));
}

static int tcp_pair(int *lfd, int *cfd, int *afd)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t al = sizeof(a);

	*lfd = socket(AF_INET, SOCK_STREAM, 0);
	if (*lfd < 0 || bind(*lfd, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(*lfd, 1) < 0 ||
	    getsockname(*lfd, (struct sockaddr *)&a, &al) < 0)
		return -1;
	*cfd = socket(AF_INET, SOCK_STREAM, 0);
	if (*cfd < 0 || connect(*cfd, (struct sockaddr *)&a, sizeof(a)) < 0)
		return -1;
	*afd = accept(*lfd, NULL, NULL);
	return *afd < 0 ? -1 : 0;
}

static void bind_conn_bytes_and_retcode(void **state)
{
	struct kern *k = *state;
	int lfd = -1, cfd = -1, afd = -1, p[2];

	assert_int_equal(tcp_pair(&lfd, &cfd, &afd), 0);
	assert_int_equal(kern_bind_conn(k, 2, 0, cfd, true), 0);
	check_head(KISCSI_UEVENT_BIND_CONN, 56);
	assert_int_equal(sent32(32), 2);
	assert_int_equal(sent32(36), 0);
	assert_true(sent64(40) == (uint64_t)cfd);
	assert_int_equal(sent32(48), 1);
	assert_int_equal(kern_bind_conn(k, 2, 1, cfd, false), 0);
	assert_int_equal(sent32(48), 0);
	/* bind reports in retcode, not iferror. */
	F->retcode = -EEXIST;
	assert_int_equal(kern_bind_conn(k, 2, 0, cfd, true), -EEXIST);
	assert_non_null(strstr(kern_strerror(k), "bind connection: File exists"));
	F->retcode = 0;
	/* Not a connected TCP socket: refused before sending. */
	unsigned before = F->nsent;
	assert_int_equal(pipe(p), 0);
	assert_int_equal(kern_bind_conn(k, 2, 0, p[0], true), -ENOTSOCK);
	assert_int_equal(kern_bind_conn(k, 2, 0, lfd, true), -ENOTSOCK);
	assert_int_equal(kern_bind_conn(k, 2, 0, -1, true), -ENOTSOCK);
	assert_int_equal(F->nsent, before);
	close(p[0]);
	close(p[1]);
	close(lfd);
	close(cfd);
	close(afd);
}

static void start_stop_bytes(void **state)
{
	struct kern *k = *state;

	assert_int_equal(kern_start_conn(k, 6, 0), 0);
	check_head(KISCSI_UEVENT_START_CONN, 56);
	assert_int_equal(sent32(32), 6);
	F->retcode = -ENOTCONN;
	assert_int_equal(kern_start_conn(k, 6, 0), -ENOTCONN);
	F->retcode = 0;
	assert_int_equal(kern_stop_conn(k, 6, 0, ISCSI_STOP_CONN_TERM), 0);
	check_head(KISCSI_UEVENT_STOP_CONN, 56);
	assert_int_equal(sent32(32), 6);
	assert_int_equal(sent32(36), 0);
	assert_true(sent64(40) == 0);
	assert_int_equal(sent32(48), 1);
	assert_int_equal(kern_stop_conn(k, 6, 0, ISCSI_STOP_CONN_RECOVER), 0);
	assert_int_equal(sent32(48), 3);
	unsigned before = F->nsent;
	assert_int_equal(kern_stop_conn(k, 6, 0, 2), -EINVAL);
	assert_int_equal(kern_stop_conn(k, 6, 0, 0), -EINVAL);
	assert_int_equal(F->nsent, before);
	/* stop's errors come in iferror; a retcode there means nothing. */
	F->retcode = -EIO;
	assert_int_equal(kern_stop_conn(k, 6, 0, ISCSI_STOP_CONN_TERM), 0);
	assert_int_equal(kern_destroy_conn(k, 6, 0), 0);
	check_head(KISCSI_UEVENT_DESTROY_CONN, 56);
	assert_int_equal(sent32(32), 6);
	assert_int_equal(sent32(36), 0);
}

static void logout_bhs(uint8_t *bhs, uint32_t dlen)
{
	memset(bhs, 0, KISCSI_BHS_LEN);
	bhs[0] = 0x46;
	bhs[1] = 0x80;
	put_be24(bhs + 5, dlen);
}

static void send_pdu_bytes_and_checks(void **state)
{
	struct kern *k = *state;
	uint8_t bhs[KISCSI_BHS_LEN], data[KERN_SEND_DATA_MAX + 1];

	logout_bhs(bhs, 0);
	assert_int_equal(kern_send_pdu(k, 8, 0, bhs, sizeof(bhs), NULL, 0), 0);
	check_head(KISCSI_UEVENT_SEND_PDU, 56 + 48);
	assert_int_equal(sent32(32), 8);
	assert_int_equal(sent32(36), 0);
	assert_int_equal(sent32(40), 48);
	assert_int_equal(sent32(44), 0);
	assert_memory_equal(F->sent + 72, bhs, 48);

	memset(data, 'd', sizeof(data));
	logout_bhs(bhs, 5);
	assert_int_equal(kern_send_pdu(k, 8, 0, bhs, sizeof(bhs), data, 5), 0);
	assert_int_equal(sent32(44), 5);
	assert_int_equal(sent32(0), NLMSG_LENGTH(56 + 48 + 5));
	assert_memory_equal(F->sent + 72 + 48, "ddddd", 5);

	F->retcode = -EIO;
	assert_int_equal(kern_send_pdu(k, 8, 0, bhs, sizeof(bhs), data, 5), -EIO);
	F->retcode = 0;
	unsigned before = F->nsent;
	assert_int_equal(kern_send_pdu(k, 8, 0, bhs, 47, data, 5), -EINVAL);
	assert_int_equal(kern_send_pdu(k, 8, 0, NULL, 48, NULL, 0), -EINVAL);
	assert_int_equal(kern_send_pdu(k, 8, 0, bhs, 48, data, 4), -EINVAL);     /* length lies */
	bhs[4] = 1;                                                             /* AHS claimed */
	assert_int_equal(kern_send_pdu(k, 8, 0, bhs, 48, data, 5), -EINVAL);
	logout_bhs(bhs, KERN_SEND_DATA_MAX + 1);
	assert_int_equal(kern_send_pdu(k, 8, 0, bhs, 48, data, sizeof(data)), -EMSGSIZE);
	assert_int_equal(kern_send_pdu(k, 8, 0, bhs, 48, NULL, 5), -EMSGSIZE);
	assert_int_equal(F->nsent, before);
}

/* ---- GET_STATS ---- */

static unsigned char stats_buf[96 + 33 * 72];
static size_t stats_len;
static uint32_t stats_cid_other;
static bool stats_only_other;

static void make_stats(uint32_t ncustom, size_t extra_len)
{
	struct kiscsi_stats st;
	memset(&st, 0, sizeof(st));
	st.txdata_octets = 0x100000000ULL + 1;
	st.rxdata_octets = 2;
	st.noptx_pdus = 3;
	st.scsicmd_pdus = 4;
	st.r2t_pdus = 17;
	st.timeout_err = 21;
	st.custom_length = ncustom;
	memset(stats_buf, 0, sizeof(stats_buf));
	memcpy(stats_buf, &st, sizeof(st));
	for (uint32_t i = 0; i < ncustom && i < 33; i++) {
		struct kiscsi_stats_custom c;
		memset(&c, 0, sizeof(c));
		snprintf(c.desc, sizeof(c.desc), "custom_%u", i);
		c.value = 1000 + i;
		memcpy(stats_buf + 96 + i * 72, &c, sizeof(c));
	}
	stats_len = 96 + (ncustom < 33 ? ncustom : 33) * 72 + extra_len;
}

static void answer_stats(struct fake *f, const struct kiscsi_uevent *req, uint32_t t)
{
	(void)t;
	struct kiscsi_uevent r = event(KISCSI_UEVENT_GET_STATS);
	r.transport_handle = req->transport_handle;
	/* Someone else's stats pass by first, then an event, then ours. */
	r.u.get_stats.sid = req->u.get_stats.sid;
	r.u.get_stats.cid = stats_cid_other;
	push_msg(f, 0, &r, stats_buf, stats_len, 0);
	struct kiscsi_uevent e = event(KISCSI_KEVENT_CONN_ERROR);
	e.r.connerror.sid = 1;
	e.r.connerror.cid = 0;
	e.r.connerror.error = KISCSI_ERR_TCP_CONN_CLOSE;
	push_msg(f, 0, &e, NULL, 0, 0);
	if (stats_only_other)
		return;
	r.u.get_stats.cid = req->u.get_stats.cid;
	push_msg(f, 0, &r, stats_buf, stats_len, 0);
}

static void get_stats_decoded(void **state)
{
	struct kern *k = *state;
	struct kern_stats st;
	struct kern_event ev;

	make_stats(3, 0);
	stats_cid_other = 1;
	F->answer = answer_stats;
	assert_int_equal(kern_get_stats(k, 4, 0, &st), 0);
	check_head(KISCSI_UEVENT_GET_STATS, 56);
	assert_int_equal(sent32(32), 4);
	assert_int_equal(sent32(36), 0);
	assert_int_equal(st.nsnmp, 21);
	assert_string_equal(st.snmp[0].name, "txdata_octets");
	assert_true(st.snmp[0].value == 0x100000001ULL);
	assert_string_equal(st.snmp[2].name, "noptx_pdus");
	assert_int_equal(st.snmp[2].value, 3);
	assert_string_equal(st.snmp[16].name, "r2t_pdus");
	assert_int_equal(st.snmp[16].value, 17);
	assert_string_equal(st.snmp[20].name, "timeout_err");
	assert_int_equal(st.snmp[20].value, 21);
	assert_int_equal(st.ncustom, 3);
	assert_string_equal(st.custom[2].name, "custom_2");
	assert_int_equal(st.custom[2].value, 1002);
	/* The connection error that came in between is queued. */
	assert_int_equal(kern_next_event(k, &ev), 1);
	assert_int_equal(ev.type, KERN_EV_CONN_ERROR);
	assert_int_equal(ev.error, KISCSI_ERR_TCP_CONN_CLOSE);
	assert_string_equal(kern_iscsi_err_name(ev.error), "ISCSI_ERR_TCP_CONN_CLOSE");
	/* The other daemon's answer was not taken for an event. */
	assert_int_equal(kern_next_event(k, &ev), 0);
}

static void get_stats_hostile(void **state)
{
	struct kern *k = *state;
	struct kern_stats st;

	F->answer = answer_stats;
	stats_cid_other = 1;
	make_stats(33, 0);              /* more than the ABI allows */
	assert_int_equal(kern_get_stats(k, 4, 0, &st), -EPROTO);
	make_stats(3, 8);               /* trailing bytes */
	assert_int_equal(kern_get_stats(k, 4, 0, &st), -EPROTO);
	make_stats(3, 0);
	stats_len -= 1;                 /* a custom entry cut short */
	assert_int_equal(kern_get_stats(k, 4, 0, &st), -EPROTO);
	make_stats(0, 0);
	stats_len = 90;                 /* not even the fixed counters */
	assert_int_equal(kern_get_stats(k, 4, 0, &st), -EPROTO);
	make_stats(1, 0);               /* a name of 64 bytes, unterminated */
	memset(stats_buf + 96, 'n', 64);
	assert_int_equal(kern_get_stats(k, 4, 0, &st), -EPROTO);
	make_stats(1, 0);               /* a control character in a name */
	stats_buf[96] = '\n';
	assert_int_equal(kern_get_stats(k, 4, 0, &st), -EPROTO);
	assert_non_null(strstr(kern_strerror(k), "get statistics: malformed answer"));
	make_stats(20, 0);              /* more than we keep: the first 16 */
	assert_int_equal(kern_get_stats(k, 4, 0, &st), 0);
	assert_int_equal(st.ncustom, KERN_STATS_CUSTOM_MAX);
	assert_string_equal(st.custom[15].name, "custom_15");
	/* Only other connections' answers: no answer for us. */
	make_stats(0, 0);
	stats_only_other = true;
	assert_int_equal(kern_get_stats(k, 4, 0, &st), -ETIMEDOUT);
	stats_only_other = false;
	/* The error answer is unicast with the request's type. */
	F->answer = answer_echo;
	F->iferror = -EEXIST;
	assert_int_equal(kern_get_stats(k, 4, 0, &st), -EEXIST);
	assert_non_null(strstr(kern_strerror(k), "no such connection"));
	/* A unicast GET_STATS answer claiming success carries no stats. */
	F->iferror = 0;
	assert_int_equal(kern_get_stats(k, 4, 0, &st), -EPROTO);
}

/* ---- replies that are not what they seem ---- */

static void answer_spoofed_first(struct fake *f, const struct kiscsi_uevent *req, uint32_t t)
{
	struct kiscsi_uevent r = *req;
	r.iferror = (uint32_t)-EIO;
	push_msg(f, (uint16_t)t, &r, NULL, 0, 31337);   /* a local process, not the kernel */
	unsigned char junk[10] = { 0 };
	push_raw(f, junk, sizeof(junk), 0);             /* shorter than a netlink header */
	push_error(f, -ENOBUFS);                        /* the kernel dropped something */
	r.iferror = 0;
	r.r.c_session_ret.sid = 1;
	r.r.c_session_ret.host_no = 2;
	push_msg(f, (uint16_t)t, &r, NULL, 0, 0);
}

static void spoofed_and_junk_ignored(void **state)
{
	struct kern *k = *state;
	struct kern_event ev;
	uint32_t sid = 0, host = 0;

	F->answer = answer_spoofed_first;
	assert_int_equal(kern_create_session(k, 1, 128, 32, &sid, &host), 0);
	assert_int_equal(sid, 1);
	assert_int_equal(host, 2);
	/* The overrun is reported once. */
	assert_int_equal(kern_next_event(k, &ev), -ENOBUFS);
	assert_non_null(strstr(kern_strerror(k), "lost"));
	assert_int_equal(kern_next_event(k, &ev), 0);
}

static void answer_none(struct fake *f, const struct kiscsi_uevent *req, uint32_t t)
{
	(void)f;
	(void)req;
	(void)t;
}

static void answer_with_payload(struct fake *f, const struct kiscsi_uevent *req, uint32_t t)
{
	struct kiscsi_uevent r = *req;
	push_msg(f, (uint16_t)t, &r, "xxxxxxxx", 8, 0);
}

static void answer_wrong_type(struct fake *f, const struct kiscsi_uevent *req, uint32_t t)
{
	struct kiscsi_uevent r = *req;
	r.type = KISCSI_UEVENT_DESTROY_CONN;
	push_msg(f, (uint16_t)t, &r, NULL, 0, 0);
}

static void answer_if_error_zero(struct fake *f, const struct kiscsi_uevent *req, uint32_t t)
{
	struct kiscsi_uevent r = *req;
	/* IF_ERROR as an event (nlmsg_type 0) is not our answer... */
	r.type = KISCSI_KEVENT_IF_ERROR;
	r.iferror = (uint32_t)-EINVAL;
	push_msg(f, 0, &r, NULL, 0, 0);
	/* ...and one that claims no error is malformed. */
	r.iferror = 0;
	push_msg(f, (uint16_t)t, &r, NULL, 0, 0);
}

static void answer_netlink_error(struct fake *f, const struct kiscsi_uevent *req, uint32_t t)
{
	(void)req;
	(void)t;
	unsigned char buf[NLMSG_LENGTH(sizeof(struct nlmsgerr))];
	struct nlmsghdr nlh = { .nlmsg_len = sizeof(buf), .nlmsg_type = NLMSG_ERROR };
	struct nlmsgerr e;
	memset(&e, 0, sizeof(e));
	e.error = -EOPNOTSUPP;
	memcpy(&e.msg, f->sent, sizeof(e.msg));
	memcpy(buf, &nlh, sizeof(nlh));
	memcpy(buf + NLMSG_HDRLEN, &e, sizeof(e));
	push_raw(f, buf, sizeof(buf), 0);
}

static void odd_replies(void **state)
{
	struct kern *k = *state;

	F->answer = answer_none;
	assert_int_equal(kern_destroy_session(k, 1), -ETIMEDOUT);
	assert_string_equal(kern_strerror(k), "destroy session: no answer from the kernel");
	F->answer = answer_with_payload;
	assert_int_equal(kern_destroy_session(k, 1), -EPROTO);
	F->answer = answer_wrong_type;
	assert_int_equal(kern_destroy_session(k, 1), -ETIMEDOUT);
	F->answer = answer_if_error_zero;
	assert_int_equal(kern_destroy_session(k, 1), -EPROTO);
	F->answer = answer_netlink_error;
	assert_int_equal(kern_destroy_session(k, 1), -EOPNOTSUPP);
	assert_non_null(strstr(kern_strerror(k), "destroy session: Operation not supported"));
}

/* ---- events ---- */

static void events_decoded(void **state)
{
	struct kern *k = *state;
	struct kern_event ev;
	struct kiscsi_uevent e;
	uint8_t pdu[48 + 8];

	/* RECV_PDU: a Logout Response with 5 data bytes and 3 of padding. */
	memset(pdu, 0, sizeof(pdu));
	pdu[0] = 0x26;
	put_be24(pdu + 5, 5);
	memcpy(pdu + 48, "hello", 5);
	e = event(KISCSI_KEVENT_RECV_PDU);
	e.r.recv_req.sid = 3;
	e.r.recv_req.cid = 0;
	push_msg(F, 0, &e, pdu, 48 + 8, 0);
	e = event(KISCSI_KEVENT_DESTROY_SESSION);
	e.r.d_session.host_no = 9;
	e.r.d_session.sid = 4;
	push_msg(F, 0, &e, NULL, 0, 0);
	e = event(KISCSI_KEVENT_UNBIND_SESSION);
	e.r.unbind_session.sid = 5;
	e.r.unbind_session.host_no = 10;
	push_msg(F, 0, &e, NULL, 0, 0);
	e = event(KISCSI_KEVENT_CONN_LOGIN_STATE);
	e.r.conn_login.sid = 6;
	e.r.conn_login.cid = 0;
	e.r.conn_login.state = KISCSI_CONN_STATE_LOGGED_IN;
	push_msg(F, 0, &e, NULL, 0, 0);
	e = event(KISCSI_KEVENT_IF_DOWN);
	push_msg(F, 0, &e, NULL, 0, 0);

	assert_int_equal(kern_next_event(k, &ev), 1);
	assert_int_equal(ev.type, KERN_EV_RECV_PDU);
	assert_int_equal(ev.sid, 3);
	assert_int_equal(ev.pdu_len, 53);
	assert_int_equal(ev.pdu[0], 0x26);
	assert_memory_equal(ev.pdu + 48, "hello", 5);
	assert_int_equal(kern_next_event(k, &ev), 1);
	assert_int_equal(ev.type, KERN_EV_DESTROY_SESSION);
	assert_int_equal(ev.sid, 4);
	assert_int_equal(ev.host_no, 9);
	assert_int_equal(kern_next_event(k, &ev), 1);
	assert_int_equal(ev.type, KERN_EV_UNBIND_SESSION);
	assert_int_equal(ev.sid, 5);
	assert_int_equal(ev.host_no, 10);
	assert_int_equal(kern_next_event(k, &ev), 1);
	assert_int_equal(ev.type, KERN_EV_CONN_LOGIN_STATE);
	assert_int_equal(ev.sid, 6);
	assert_int_equal(ev.error, KISCSI_CONN_STATE_LOGGED_IN);
	assert_int_equal(kern_next_event(k, &ev), 1);
	assert_int_equal(ev.type, KERN_EV_OTHER);
	assert_int_equal(ev.code, KISCSI_KEVENT_IF_DOWN);
	assert_int_equal(kern_next_event(k, &ev), 0);
}

static void hostile_events_dropped(void **state)
{
	struct kern *k = *state;
	struct kern_event ev;
	struct kiscsi_uevent e;
	uint8_t pdu[48 + 16];
	unsigned char raw[256];

	memset(pdu, 0, sizeof(pdu));
	e = event(KISCSI_KEVENT_RECV_PDU);
	push_msg(F, 0, &e, pdu, 40, 0);                 /* shorter than a BHS */
	put_be24(pdu + 5, 100);
	push_msg(F, 0, &e, pdu, 48 + 16, 0);            /* data length beyond the message */
	put_be24(pdu + 5, 4);
	push_msg(F, 0, &e, pdu, 48 + 16, 0);            /* 12 bytes more than data + padding */
	e = event(KISCSI_KEVENT_CONN_ERROR);
	push_msg(F, 0, &e, "abcd", 4, 0);               /* fixed-size event with a tail */
	/* A message shorter than a uevent. */
	struct nlmsghdr nlh = { .nlmsg_len = NLMSG_LENGTH(20), .nlmsg_type = 0 };
	memset(raw, 0, sizeof(raw));
	memcpy(raw, &nlh, sizeof(nlh));
	push_raw(F, raw, NLMSG_ALIGN(nlh.nlmsg_len), 0);
	/* A length past the datagram, and one below a header. */
	nlh.nlmsg_len = 200;
	memcpy(raw, &nlh, sizeof(nlh));
	push_raw(F, raw, 100, 0);
	nlh.nlmsg_len = 8;
	memcpy(raw, &nlh, sizeof(nlh));
	push_raw(F, raw, 100, 0);
	/* An event from a local process. */
	e = event(KISCSI_KEVENT_DESTROY_SESSION);
	push_msg(F, 0, &e, NULL, 0, 777);
	/* After all that, a good one still comes through. */
	e = event(KISCSI_KEVENT_CONN_ERROR);
	e.r.connerror.sid = 12;
	e.r.connerror.error = KISCSI_ERR_NOP_TIMEDOUT;
	push_msg(F, 0, &e, NULL, 0, 0);

	assert_int_equal(kern_next_event(k, &ev), 1);
	assert_int_equal(ev.type, KERN_EV_CONN_ERROR);
	assert_int_equal(ev.sid, 12);
	assert_string_equal(kern_iscsi_err_name(ev.error), "ISCSI_ERR_NOP_TIMEDOUT");
	assert_int_equal(kern_next_event(k, &ev), 0);
}

static void oversized_pdu_dropped(void **state)
{
	struct kern *k = *state;
	struct kern_event ev;
	struct kiscsi_uevent e = event(KISCSI_KEVENT_RECV_PDU);
	static uint8_t pdu[48 + KERN_EVENT_PDU_MAX];

	memset(pdu, 0, sizeof(pdu));
	/* 4 bytes past the maximum: dropped, not cut. */
	put_be24(pdu + 5, KERN_EVENT_PDU_MAX - 48 + 4);
	push_msg(F, 0, &e, pdu, KERN_EVENT_PDU_MAX + 4, 0);
	assert_int_equal(kern_next_event(k, &ev), 0);
	/* Exactly the maximum: passed up whole. */
	put_be24(pdu + 5, KERN_EVENT_PDU_MAX - 48);
	pdu[KERN_EVENT_PDU_MAX - 1] = 0xee;
	push_msg(F, 0, &e, pdu, KERN_EVENT_PDU_MAX, 0);
	assert_int_equal(kern_next_event(k, &ev), 1);
	assert_int_equal(ev.pdu_len, KERN_EVENT_PDU_MAX);
	assert_int_equal(ev.pdu[KERN_EVENT_PDU_MAX - 1], 0xee);
}

static void several_messages_in_one_datagram(void **state)
{
	struct kern *k = *state;
	struct kern_event ev;
	unsigned char buf[2 * NLMSG_LENGTH(56)];
	struct nlmsghdr nlh = { .nlmsg_len = NLMSG_LENGTH(56) };
	struct kiscsi_uevent e = event(KISCSI_KEVENT_CONN_ERROR);

	e.r.connerror.sid = 1;
	memcpy(buf, &nlh, sizeof(nlh));
	memcpy(buf + 16, &e, sizeof(e));
	e.r.connerror.sid = 2;
	memcpy(buf + NLMSG_LENGTH(56), &nlh, sizeof(nlh));
	memcpy(buf + NLMSG_LENGTH(56) + 16, &e, sizeof(e));
	push_raw(F, buf, sizeof(buf), 0);
	assert_int_equal(kern_next_event(k, &ev), 1);
	assert_int_equal(ev.sid, 1);
	assert_int_equal(kern_next_event(k, &ev), 1);
	assert_int_equal(ev.sid, 2);
}

static void err_names(void **state)
{
	(void)state;
	assert_string_equal(kern_iscsi_err_name(0), "ISCSI_OK");
	assert_string_equal(kern_iscsi_err_name(1001), "ISCSI_ERR_DATASN");
	assert_string_equal(kern_iscsi_err_name(1011), "ISCSI_ERR_CONN_FAILED");
	assert_string_equal(kern_iscsi_err_name(1022), "ISCSI_ERR_NOP_TIMEDOUT");
	assert_string_equal(kern_iscsi_err_name(1000), "ISCSI_ERR_UNKNOWN");
	assert_string_equal(kern_iscsi_err_name(1023), "ISCSI_ERR_UNKNOWN");
	assert_string_equal(kern_iscsi_err_name(UINT32_MAX), "ISCSI_ERR_UNKNOWN");
}

static void accessors(void **state)
{
	struct kern *k = *state;
	assert_int_equal(kern_fd(k), 99);
	assert_true(kern_transport_handle(k) == HANDLE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
		T(create_session_bytes_and_event_order),
		T(create_session_limits),
		T(iferror_mapped),
		T(create_conn_reply_checked),
		T(create_conn_ok_and_mismatch),
		T(set_param_bytes),
		T(set_param_refusals),
		T(set_host_param_bytes),
		T(bind_conn_bytes_and_retcode),
		T(start_stop_bytes),
		T(send_pdu_bytes_and_checks),
		T(get_stats_decoded),
		T(get_stats_hostile),
		T(spoofed_and_junk_ignored),
		T(odd_replies),
		T(events_decoded),
		T(hostile_events_dropped),
		T(oversized_pdu_dropped),
		T(several_messages_in_one_datagram),
		T(err_names),
		T(accessors),
#undef T
	};
	return cmocka_run_group_tests_name("kernel_nl", tests, NULL, NULL);
}
