/* The iscsiadm <-> iscsid control protocol (control/ctl_msg.h): round
 * trips of every declared message at its bounds, a typed refusal for
 * every kind of bad frame (truncated, oversize, garbage, wrong version,
 * wrong direction, bad strings), the answer table, the policy row of
 * every request, and the socket layer and client library against a
 * scripted daemon. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/bytes.h"
#include "control/client.h"
#include "control/ctl_msg.h"
#include "policy/callers.h"

static enum ctl_side other(enum ctl_side s)
{
	return s == CTL_BY_CLIENT ? CTL_BY_DAEMON : CTL_BY_CLIENT;
}

/* Sets every field of m from its descriptor: at the lower bound, at the
 * upper bound, or in between; strings of that length made of printable
 * characters. */
enum fill { FILL_MIN, FILL_MAX, FILL_MID };

static void fill(struct ctl_msg *m, const struct ctl_type_info *t, enum fill how)
{
	ctl_msg_init(m, t->type);
	for (size_t i = 0; i < t->nfields; i++) {
		const struct ctl_field *f = &t->fields[i];
		uint8_t *at = (uint8_t *)&m->u + f->offset;
		uint64_t v = how == FILL_MIN ? f->lo : how == FILL_MAX ? f->hi
									 : f->lo + (f->hi - f->lo) / 2;
		switch (f->kind) {
		case CTLF_U8: { uint8_t x = (uint8_t)v; memcpy(at, &x, 1); break; }
		case CTLF_U16: { uint16_t x = (uint16_t)v; memcpy(at, &x, 2); break; }
		case CTLF_U32: { uint32_t x = (uint32_t)v; memcpy(at, &x, 4); break; }
		case CTLF_U64: memcpy(at, &v, 8); break;
		case CTLF_STR:
			for (uint64_t k = 0; k < v; k++)
				at[k] = (uint8_t)('a' + (i + k) % 26);
			at[v] = '\0';
			break;
		}
	}
}

static size_t encode_ok(const struct ctl_msg *m, enum ctl_side by, uint8_t *buf)
{
	size_t len = 0;
	const char *field = "unset";

	assert_int_equal(ctl_encode(m, by, buf, CTL_FRAME_MAX, &len, &field), CTL_OK);
	assert_null(field);
	return len;
}

static void round_trip_every_type(void **state)
{
	(void)state;
	uint8_t buf[CTL_FRAME_MAX];

	for (size_t i = 0; i < CTL_TYPE_COUNT; i++) {
		const struct ctl_type_info *t = ctl_type_at(i);
		for (int how = FILL_MIN; how <= FILL_MID; how++) {
			struct ctl_msg m, back;
			unsigned version = 0;
			fill(&m, t, (enum fill)how);
			size_t len = encode_ok(&m, t->sender, buf);
			assert_int_equal(get_be16(buf), CTL_PROTO_VERSION);
			assert_int_equal(get_be16(buf + 2), t->type);
			assert_int_equal(get_be32(buf + 4), len - CTL_HDR_LEN);
			assert_in_range(len - CTL_HDR_LEN, t->min_len, t->max_len);
			if (how == FILL_MIN)
				assert_int_equal(len - CTL_HDR_LEN, t->min_len);
			if (how == FILL_MAX)
				assert_int_equal(len - CTL_HDR_LEN, t->max_len);
			assert_int_equal(ctl_decode(buf, len, other(t->sender), &back, NULL, &version),
					 CTL_OK);
			assert_int_equal(version, CTL_PROTO_VERSION);
			assert_int_equal(back.type, t->type);
			assert_memory_equal(&back.u, &m.u, sizeof(m.u));
		}
	}
}

static void table_is_consistent(void **state)
{
	(void)state;
	struct ctl_caller root = { .uid = 0, .gid = 0 };
	struct caller_policy pol = { .has_reader_group = false };
	unsigned requests = 0;

	for (size_t i = 0; i < CTL_TYPE_COUNT; i++) {
		const struct ctl_type_info *t = ctl_type_at(i);
		assert_ptr_equal(ctl_type_info(t->type), t);
		assert_string_equal(ctl_type_name(t->type), t->name);
		assert_true(t->max_len + CTL_HDR_LEN <= CTL_FRAME_MAX);
		if (t->sender == CTL_BY_CLIENT) {
			/* Every request has a row in policy/callers.c: root may do it. */
			requests++;
			assert_true(t->request >= 1 && t->request <= CTL_REQUEST_MAX);
			assert_string_not_equal(ctl_request_name((enum ctl_request)t->request),
						"unknown");
			assert_int_equal(caller_permits(&pol, &root, (enum ctl_request)t->request),
					 CALLER_ALLOW);
		} else {
			assert_int_equal(t->request, 0);
		}
	}
	assert_true(requests >= 4);
	assert_null(ctl_type_info(0));
	assert_null(ctl_type_info(0x7fff));
	assert_null(ctl_type_at(CTL_TYPE_COUNT));
	assert_string_equal(ctl_type_name(0x1234), "unknown");
	/* The read-only queries, as policy/callers.c has them. */
	assert_true(ctl_request_read_only(CTL_PING));
	assert_true(ctl_request_read_only(CTL_DAEMON_STATUS));
	assert_false(ctl_request_read_only(CTL_DISCOVERY));
	assert_false(ctl_request_read_only(CTL_DAEMON_STOP));
}

static void answers_table(void **state)
{
	(void)state;
	assert_true(ctl_answer_allowed(CTL_MSG_PING, CTL_MSG_PONG));
	assert_true(ctl_answer_allowed(CTL_MSG_DISCOVERY_ST, CTL_MSG_DISC_RECORD));
	assert_true(ctl_answer_allowed(CTL_MSG_DAEMON_STATUS, CTL_MSG_DAEMON_INFO));
	assert_true(ctl_answer_allowed(CTL_MSG_DAEMON_STATUS, CTL_MSG_WORKER_INFO));
	assert_false(ctl_answer_allowed(CTL_MSG_PING, CTL_MSG_DISC_RECORD));
	assert_false(ctl_answer_allowed(CTL_MSG_DISCOVERY_ST, CTL_MSG_PONG));
	assert_false(ctl_answer_allowed(CTL_MSG_DAEMON_STOP, CTL_MSG_PONG));
	/* RESULT ends every request; it is not a data answer. */
	assert_false(ctl_answer_allowed(CTL_MSG_PING, CTL_MSG_RESULT));
}

static size_t sample_discovery(uint8_t *buf)
{
	struct ctl_msg m;

	ctl_msg_init(&m, CTL_MSG_DISCOVERY_ST);
	strcpy(m.u.discovery_st.portal, "[2001:db8::1]:3260");
	strcpy(m.u.discovery_st.ifaces, "default,iface1");
	m.u.discovery_st.ops = CTL_DISC_OP_NEW | CTL_DISC_OP_UPDATE;
	return encode_ok(&m, CTL_BY_CLIENT, buf);
}

static enum ctl_err decode_as_daemon(const uint8_t *buf, size_t len, const char **field)
{
	struct ctl_msg out;

	return ctl_decode(buf, len, CTL_BY_DAEMON, &out, field, NULL);
}

static void truncated_frames(void **state)
{
	(void)state;
	uint8_t buf[CTL_FRAME_MAX];
	size_t len = sample_discovery(buf);

	/* Every cut of the frame, with the header length left as it was. */
	for (size_t n = 0; n < len; n++) {
		enum ctl_err rc = decode_as_daemon(buf, n, NULL);
		assert_int_equal(rc, n < CTL_HDR_LEN ? CTL_E_SHORT : CTL_E_LENGTH);
	}
	/* Every cut with the header length fixed up: a field runs out. */
	for (size_t n = CTL_HDR_LEN; n < len; n++) {
		uint8_t cut[CTL_FRAME_MAX];
		const char *field = NULL;
		memcpy(cut, buf, n);
		put_be32(cut + 4, (uint32_t)(n - CTL_HDR_LEN));
		assert_int_equal(decode_as_daemon(cut, n, &field), CTL_E_TRUNCATED);
		assert_non_null(field);
	}
}

static void oversize_and_trailing(void **state)
{
	(void)state;
	uint8_t buf[CTL_FRAME_MAX + 16];
	size_t len = sample_discovery(buf);
	const char *field;

	memset(buf + len, 'x', sizeof(buf) - len);
	/* One byte more than any frame may be. */
	put_be32(buf + 4, CTL_FRAME_MAX + 1 - CTL_HDR_LEN);
	assert_int_equal(decode_as_daemon(buf, CTL_FRAME_MAX + 1, NULL), CTL_E_OVERSIZE);
	/* Within a frame but above the type's largest payload. */
	const struct ctl_type_info *t = ctl_type_info(CTL_MSG_DISCOVERY_ST);
	size_t big = CTL_HDR_LEN + t->max_len + 1;
	put_be32(buf + 4, (uint32_t)(big - CTL_HDR_LEN));
	assert_int_equal(decode_as_daemon(buf, big, NULL), CTL_E_OVERSIZE);
	/* A byte after the last field. */
	len = sample_discovery(buf);
	buf[len] = 0;
	put_be32(buf + 4, (uint32_t)(len + 1 - CTL_HDR_LEN));
	assert_int_equal(decode_as_daemon(buf, len + 1, &field), CTL_E_TRAILING);
	assert_string_equal(field, "payload");
	/* A field-less request with a payload. */
	struct ctl_msg ping;
	ctl_msg_init(&ping, CTL_MSG_PING);
	len = encode_ok(&ping, CTL_BY_CLIENT, buf);
	assert_int_equal(len, CTL_HDR_LEN);
	buf[len] = 0;
	put_be32(buf + 4, 1);
	assert_int_equal(decode_as_daemon(buf, len + 1, NULL), CTL_E_OVERSIZE);
}

static void version_mismatch(void **state)
{
	(void)state;
	uint8_t buf[CTL_FRAME_MAX];
	size_t len = sample_discovery(buf);
	struct ctl_msg out;
	unsigned version = 0;

	put_be16(buf, CTL_PROTO_VERSION + 1);
	assert_int_equal(ctl_decode(buf, len, CTL_BY_DAEMON, &out, NULL, &version), CTL_E_VERSION);
	assert_int_equal(version, CTL_PROTO_VERSION + 1);
	/* Even a frame the old layout could not read is named by version. */
	put_be16(buf, 0);
	put_be16(buf + 2, 0xffff);
	assert_int_equal(ctl_decode(buf, CTL_HDR_LEN, CTL_BY_DAEMON, &out, NULL, &version),
			 CTL_E_VERSION);
	assert_int_equal(version, 0);
}

static void type_and_direction(void **state)
{
	(void)state;
	uint8_t buf[CTL_FRAME_MAX];
	struct ctl_msg m;
	size_t len;

	ctl_msg_init(&m, CTL_MSG_RESULT);
	m.u.result.code = ISCSI_ERR_ACCESS;
	strcpy(m.u.result.text, "permission denied");
	len = encode_ok(&m, CTL_BY_DAEMON, buf);
	/* The daemon never accepts a daemon's message, nor the client a request. */
	assert_int_equal(decode_as_daemon(buf, len, NULL), CTL_E_DIRECTION);
	len = sample_discovery(buf);
	assert_int_equal(ctl_decode(buf, len, CTL_BY_CLIENT, &m, NULL, NULL), CTL_E_DIRECTION);
	/* The encoder refuses to be the wrong side. */
	ctl_msg_init(&m, CTL_MSG_PING);
	assert_int_equal(ctl_encode(&m, CTL_BY_DAEMON, buf, sizeof(buf), &len, NULL),
			 CTL_E_DIRECTION);
	len = sample_discovery(buf);
	/* Undeclared types. */
	static const unsigned bad[] = { 0, 0x0fff, 0x7fff, 0x8000, 0x80ff, 0xffff };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		put_be16(buf + 2, (uint16_t)bad[i]);
		assert_int_equal(decode_as_daemon(buf, len, NULL), CTL_E_TYPE);
	}
	m.type = (enum ctl_type)0x1234;
	assert_int_equal(ctl_encode(&m, CTL_BY_CLIENT, buf, sizeof(buf), &len, NULL), CTL_E_TYPE);
}

static void field_bounds(void **state)
{
	(void)state;
	uint8_t buf[CTL_FRAME_MAX];
	struct ctl_msg m;
	size_t len;
	const char *field;

	/* RESULT code past the last exit code. */
	ctl_msg_init(&m, CTL_MSG_RESULT);
	m.u.result.code = ISCSI_ERR_SESSION_NOT_CONNECTED + 1;
	assert_int_equal(ctl_encode(&m, CTL_BY_DAEMON, buf, sizeof(buf), &len, &field),
			 CTL_E_RANGE);
	assert_string_equal(field, "code");
	m.u.result.code = 0;
	len = encode_ok(&m, CTL_BY_DAEMON, buf);
	put_be32(buf + CTL_HDR_LEN, ISCSI_ERR_SESSION_NOT_CONNECTED + 1);
	assert_int_equal(ctl_decode(buf, len, CTL_BY_CLIENT, &m, &field, NULL), CTL_E_RANGE);
	assert_string_equal(field, "code");

	/* ops outside the declared bits. */
	len = sample_discovery(buf);
	size_t ops_at = len - 8;
	put_be32(buf + ops_at, CTL_DISC_OP_ALL + 1);
	assert_int_equal(decode_as_daemon(buf, len, &field), CTL_E_RANGE);
	assert_string_equal(field, "ops");

	/* An empty portal; a portal one byte too long. */
	ctl_msg_init(&m, CTL_MSG_DISCOVERY_ST);
	assert_int_equal(ctl_encode(&m, CTL_BY_CLIENT, buf, sizeof(buf), &len, &field),
			 CTL_E_STRLEN);
	assert_string_equal(field, "portal");
	memset(m.u.discovery_st.portal, 'a', sizeof(m.u.discovery_st.portal));
	assert_int_equal(ctl_encode(&m, CTL_BY_CLIENT, buf, sizeof(buf), &len, &field),
			 CTL_E_STRLEN);
	len = sample_discovery(buf);
	put_be16(buf + CTL_HDR_LEN, CTL_PORTAL_MAX + 1);
	assert_int_equal(decode_as_daemon(buf, len, &field), CTL_E_STRLEN);
	put_be16(buf + CTL_HDR_LEN, 0);
	assert_int_equal(decode_as_daemon(buf, len, &field), CTL_E_STRLEN);

	/* NUL, newline, escape and DEL inside a string, both ways. */
	static const char bad_bytes[] = { '\0', '\n', '\r', 0x1b, 0x7f };
	for (size_t i = 0; i < sizeof(bad_bytes); i++) {
		len = sample_discovery(buf);
		buf[CTL_HDR_LEN + 2 + 3] = (uint8_t)bad_bytes[i];
		assert_int_equal(decode_as_daemon(buf, len, &field), CTL_E_CHAR);
		assert_string_equal(field, "portal");
		if (bad_bytes[i] == '\0')
			continue;
		ctl_msg_init(&m, CTL_MSG_DISCOVERY_ST);
		snprintf(m.u.discovery_st.portal, sizeof(m.u.discovery_st.portal), "10.0.0.1%c",
			 bad_bytes[i]);
		assert_int_equal(ctl_encode(&m, CTL_BY_CLIENT, buf, sizeof(buf), &len, &field),
				 CTL_E_CHAR);
	}
	/* Bytes >= 0x80 are data (UTF-8 names), not control characters. */
	ctl_msg_init(&m, CTL_MSG_DISCOVERY_ST);
	strcpy(m.u.discovery_st.portal, "h\xc3\xa9te:3260");
	len = encode_ok(&m, CTL_BY_CLIENT, buf);
	assert_int_equal(decode_as_daemon(buf, len, NULL), CTL_OK);
}

/* xorshift64: the garbage is the same on every run. */
static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint64_t next_rand(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static void garbage_never_crashes(void **state)
{
	(void)state;
	uint8_t buf[CTL_FRAME_MAX + 8], again[CTL_FRAME_MAX];
	unsigned ok = 0;

	for (int round = 0; round < 200000; round++) {
		size_t len = next_rand() % (round < 1000 ? sizeof(buf) : 96);
		for (size_t i = 0; i < len; i++)
			buf[i] = (uint8_t)next_rand();
		/* Often a plausible header, so that the payload decoders run. */
		if (len >= CTL_HDR_LEN && (round & 1)) {
			const struct ctl_type_info *t = ctl_type_at(next_rand() % CTL_TYPE_COUNT);
			put_be16(buf, CTL_PROTO_VERSION);
			put_be16(buf + 2, (uint16_t)t->type);
			put_be32(buf + 4, (uint32_t)(len - CTL_HDR_LEN));
		}
		for (int side = CTL_BY_CLIENT; side <= CTL_BY_DAEMON; side++) {
			struct ctl_msg m;
			const char *field = NULL;
			enum ctl_err rc = ctl_decode(buf, len, (enum ctl_side)side, &m, &field, NULL);
			assert_in_range(rc, CTL_OK, CTL_E_IO);
			assert_string_not_equal(ctl_strerror(rc), "unknown error");
			if (rc != CTL_OK) {
				assert_non_null(field);
				continue;
			}
			/* Whatever decodes re-encodes to the very same bytes. */
			size_t n = encode_ok(&m, other((enum ctl_side)side), again);
			assert_int_equal(n, len);
			assert_memory_equal(again, buf, len);
			ok++;
		}
	}
	assert_true(ok > 0);
}

/* ---- the socket layer ---- */

static void pair(int sv[2])
{
	assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv), 0);
}

static void socket_layer(void **state)
{
	(void)state;
	int sv[2];
	struct ctl_msg m, out;
	const char *field;
	uint8_t big[CTL_FRAME_MAX + 100];

	pair(sv);
	ctl_msg_init(&m, CTL_MSG_PING);
	assert_int_equal(ctl_send(sv[0], CTL_BY_CLIENT, &m), CTL_OK);
	assert_int_equal(ctl_recv(sv[1], CTL_BY_DAEMON, 1000, &out, &field, NULL), CTL_OK);
	assert_int_equal(out.type, CTL_MSG_PING);
	/* Nothing there: AGAIN without waiting, TIMEOUT after waiting. */
	assert_int_equal(ctl_recv(sv[1], CTL_BY_DAEMON, 0, &out, NULL, NULL), CTL_E_AGAIN);
	assert_int_equal(ctl_recv(sv[1], CTL_BY_DAEMON, 50, &out, NULL, NULL), CTL_E_TIMEOUT);
	/* A record longer than any frame is refused, never reassembled. */
	memset(big, 0, sizeof(big));
	put_be16(big, CTL_PROTO_VERSION);
	put_be16(big + 2, CTL_MSG_PING);
	assert_int_equal(send(sv[0], big, sizeof(big), 0), (ssize_t)sizeof(big));
	assert_int_equal(ctl_recv(sv[1], CTL_BY_DAEMON, 1000, &out, NULL, NULL), CTL_E_OVERSIZE);
	/* A descriptor riding along is dropped by the kernel and refused. */
	int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	uint8_t frame[CTL_HDR_LEN];
	size_t len;
	assert_int_equal(ctl_encode(&m, CTL_BY_CLIENT, frame, sizeof(frame), &len, NULL), CTL_OK);
	struct iovec iov = { .iov_base = frame, .iov_len = len };
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} ctl;
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl.buf,
			     .msg_controllen = sizeof(ctl.buf) };
	struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &fd, sizeof(int));
	assert_int_equal(sendmsg(sv[0], &mh, 0), (ssize_t)len);
	close(fd);
	assert_int_equal(ctl_recv(sv[1], CTL_BY_DAEMON, 1000, &out, NULL, NULL), CTL_E_ANCILLARY);
	/* The peer's end. */
	close(sv[0]);
	assert_int_equal(ctl_recv(sv[1], CTL_BY_DAEMON, 1000, &out, NULL, NULL), CTL_E_CLOSED);
	close(sv[1]);
}

/* ---- the client library against a scripted daemon ---- */

enum script { SCRIPT_DISCOVERY, SCRIPT_OLD_VERSION, SCRIPT_WRONG_ANSWER, SCRIPT_HANG_UP,
	      SCRIPT_GARBAGE };

static void daemon_side(int fd, enum script s)
{
	struct ctl_msg req, r;

	if (ctl_recv(fd, CTL_BY_DAEMON, 5000, &req, NULL, NULL) != CTL_OK)
		_exit(1);
	switch (s) {
	case SCRIPT_DISCOVERY:
		for (int i = 0; i < 3; i++) {
			ctl_msg_init(&r, CTL_MSG_DISC_RECORD);
			snprintf(r.u.disc_record.target_name, sizeof(r.u.disc_record.target_name),
				 "iqn.2003-01.org.example:t%d", i);
			strcpy(r.u.disc_record.address, "192.0.2.7");
			r.u.disc_record.port = 3260;
			r.u.disc_record.has_tpgt = 1;
			r.u.disc_record.tpgt = (uint16_t)i;
			strcpy(r.u.disc_record.iface, "default");
			ctl_send(fd, CTL_BY_DAEMON, &r);
		}
		ctl_msg_init(&r, CTL_MSG_RESULT);
		ctl_send(fd, CTL_BY_DAEMON, &r);
		break;
	case SCRIPT_OLD_VERSION: {
		uint8_t f[CTL_HDR_LEN + 6] = { 0 };
		put_be16(f, CTL_PROTO_VERSION + 7);
		put_be16(f + 2, CTL_MSG_RESULT);
		put_be32(f + 4, 6);
		(void)!write(fd, f, sizeof(f));
		break;
	}
	case SCRIPT_WRONG_ANSWER:
		ctl_msg_init(&r, CTL_MSG_PONG);
		strcpy(r.u.pong.version, "x");
		r.u.pong.pid = 1;
		ctl_send(fd, CTL_BY_DAEMON, &r);
		break;
	case SCRIPT_HANG_UP:
		break;
	case SCRIPT_GARBAGE:
		(void)!write(fd, "\x00\x01garbage", 9);
		break;
	}
	close(fd);
	_exit(0);
}

static int count_records(const struct ctl_msg *resp, void *arg)
{
	assert_int_equal(resp->type, CTL_MSG_DISC_RECORD);
	(*(int *)arg)++;
	return 0;
}

/* Runs the client against script s over a bound socket; returns the
 * status code, records counted in *n, message in st. */
static int run_client(enum script s, int *n, struct ctl_status *st)
{
	char dir[] = "/tmp/ctl-test.XXXXXX", path[128];
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct ctl_client *c;
	struct ctl_msg req;

	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/s", dir);
	strcpy(sa.sun_path, path);
	int lfd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	assert_int_equal(bind(lfd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(listen(lfd, 1), 0);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		int fd = accept(lfd, NULL, NULL);
		daemon_side(fd, s);
	}
	close(lfd);
	assert_int_equal(ctl_connect_path(path, &c, st), 0);
	ctl_set_timeout(c, 5000);
	ctl_msg_init(&req, CTL_MSG_DISCOVERY_ST);
	strcpy(req.u.discovery_st.portal, "192.0.2.7");
	*n = 0;
	int code = ctl_call(c, &req, count_records, n, st);
	ctl_close(c);
	waitpid(pid, NULL, 0);
	unlink(path);
	rmdir(dir);
	return code;
}

static void client_library(void **state)
{
	(void)state;
	struct ctl_status st;
	struct ctl_client *c;
	int n;

	assert_int_equal(ctl_connect_path("/nonexistent/iscsid.sock", &c, &st),
			 ISCSI_ERR_ISCSID_NOTCONN);
	assert_null(c);
	assert_non_null(strstr(st.text, "not running"));

	if (run_client(SCRIPT_DISCOVERY, &n, &st) != 0)
		fail_msg("%s", st.text);
	assert_int_equal(n, 3);
	assert_int_equal(run_client(SCRIPT_OLD_VERSION, &n, &st), ISCSI_ERR_ISCSID_COMM_ERR);
	assert_non_null(strstr(st.text, "control protocol version"));
	assert_int_equal(run_client(SCRIPT_WRONG_ANSWER, &n, &st), ISCSI_ERR_ISCSID_COMM_ERR);
	assert_non_null(strstr(st.text, "PONG in answer to DISCOVERY_ST"));
	assert_int_equal(run_client(SCRIPT_HANG_UP, &n, &st), ISCSI_ERR_ISCSID_COMM_ERR);
	assert_non_null(strstr(st.text, "closed the connection"));
	assert_int_equal(run_client(SCRIPT_GARBAGE, &n, &st), ISCSI_ERR_ISCSID_COMM_ERR);
	assert_non_null(strstr(st.text, "iscsid"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(round_trip_every_type),
		cmocka_unit_test(table_is_consistent),
		cmocka_unit_test(answers_table),
		cmocka_unit_test(truncated_frames),
		cmocka_unit_test(oversize_and_trailing),
		cmocka_unit_test(version_mismatch),
		cmocka_unit_test(type_and_direction),
		cmocka_unit_test(field_bounds),
		cmocka_unit_test(garbage_never_crashes),
		cmocka_unit_test(socket_layer),
		cmocka_unit_test(client_library),
	};

	return cmocka_run_group_tests_name("ctl_msg", tests, NULL, NULL);
}
