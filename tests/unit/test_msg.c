/* The monitor <-> worker frame codec and channel (privsep/msg.h): round
 * trips of every declared message at sample, minimum and maximum values,
 * and a typed refusal for every kind of bad frame. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "base/bytes.h"
#include "privsep/msg.h"

static enum msg_side other(enum msg_side s)
{
	return s == MSG_BY_MONITOR ? MSG_BY_WORKER : MSG_BY_MONITOR;
}

/* One realistic message of every type. */
static void sample(struct msg *m, enum msg_type type)
{
	msg_init(m, type, 42);
	switch (type) {
	case MSG_HELLO:
		m->u.hello.role = ROLE_DISCOVERY;
		m->u.hello.version = MSG_PROTO_VERSION;
		break;
	case MSG_LOG:
		m->u.log.level = MSG_LOG_WARN;
		strcpy(m->u.log.text, "target closed the connection");
		break;
	case MSG_DISC_START:
		strcpy(m->u.disc_start.initiator_name, "iqn.2004-10.org.example:host1");
		strcpy(m->u.disc_start.portal, "192.0.2.10:3260");
		m->u.disc_start.timeout_ms = 15000;
		m->fd = 0;      /* any open descriptor; the codec only flags it */
		break;
	case MSG_DISC_RECORDS:
		m->u.disc_records.portals_count = 3;
		for (int i = 0; i < 3; i++) {
			struct msg_portals_item *q = &m->u.disc_records.portals[i];
			snprintf(q->target_name, sizeof(q->target_name),
				 "iqn.2001-04.com.example:storage.disk%d", i + 1);
			strcpy(q->address, i == 1 ? "192.0.2.7" : "2001:db8::1");
			q->port = 3260;
			q->tpgt = (uint16_t)i;
			q->tpgt_given = i != 2;
		}
		break;
	case MSG_DISC_DONE:
		m->u.disc_done.records = 3;
		break;
	case MSG_CHAP_CHALLENGE:
		strcpy(m->u.chap_challenge.target_name, "iqn.2001-04.com.example:storage.disk1");
		m->u.chap_challenge.alg = 7;
		m->u.chap_challenge.id = 200;
		m->u.chap_challenge.challenge_len = 32;
		memset(m->u.chap_challenge.challenge, 0x5a, 32);
		m->u.chap_challenge.mutual = 1;
		break;
	case MSG_CHAP_ANSWER:
		strcpy(m->u.chap_answer.name, "initiator-user");
		m->u.chap_answer.response_len = 32;
		memset(m->u.chap_answer.response, 0x11, 32);
		m->u.chap_answer.id = 9;
		m->u.chap_answer.challenge_len = 32;
		memset(m->u.chap_answer.challenge, 0x22, 32);
		break;
	case MSG_CHAP_VERIFY:
		strcpy(m->u.chap_verify.name, "target-user");
		m->u.chap_verify.response_len = 32;
		memset(m->u.chap_verify.response, 0x33, 32);
		break;
	case MSG_CHAP_VERDICT:
		m->u.chap_verdict.ok = 1;
		break;
	case MSG_DISC_ERROR:
		m->u.disc_error.code = ISCSI_ERR_LOGIN_AUTH_FAILED;
		strcpy(m->u.disc_error.reason, "authentication failed");
		break;
	case MSG_LOGIN_START:
		strcpy(m->u.login_start.initiator_name, "iqn.2004-10.org.example:host1");
		strcpy(m->u.login_start.target_name, "iqn.2001-04.com.example:disk1");
		strcpy(m->u.login_start.portal, "192.0.2.10:3260");
		m->u.login_start.isid = 0x00023d000001ull;
		m->u.login_start.header_digest = 2;
		m->u.login_start.max_recv_dsl = 262144;
		m->u.login_start.max_burst = 16776192;
		m->u.login_start.first_burst = 262144;
		m->u.login_start.max_connections = 1;
		m->u.login_start.max_outstanding_r2t = 1;
		m->u.login_start.time2wait = 2;
		m->u.login_start.immediate_data = 1;
		m->u.login_start.data_pdu_in_order = 1;
		m->u.login_start.data_seq_in_order = 1;
		m->u.login_start.timeout_ms = 30000;
		m->fd = 0;
		break;
	case MSG_LOGIN_DONE:
		m->u.login_done.header_digest = 1;
		m->u.login_done.max_recv_dsl = 262144;
		m->u.login_done.max_xmit_dsl = 8192;
		m->u.login_done.max_burst = 262144;
		m->u.login_done.first_burst = 65536;
		m->u.login_done.max_connections = 1;
		m->u.login_done.max_outstanding_r2t = 1;
		m->u.login_done.time2wait = 2;
		m->u.login_done.tpgt = 1;
		m->u.login_done.tpgt_given = 1;
		m->u.login_done.tsih = 0x1234;
		m->u.login_done.cmdsn = 0xfffffff0u;
		m->u.login_done.exp_cmdsn = 0xfffffff0u;
		m->u.login_done.max_cmdsn = 0x10;
		break;
	case MSG_LOGIN_ERROR:
		m->u.login_error.code = ISCSI_ERR_FATAL_LOGIN;
		strcpy(m->u.login_error.reason, "target not found");
		m->u.login_error.status_class = 2;
		m->u.login_error.status_detail = 3;
		break;
	case MSG_PDU_DECODE:
		m->u.pdu_decode.pdu_len = 48;
		memset(m->u.pdu_decode.pdu, 0, 48);
		m->u.pdu_decode.pdu[0] = 0x32;
		m->u.pdu_decode.pdu[1] = 0x80;
		memset(m->u.pdu_decode.pdu + 16, 0xff, 4);
		m->u.pdu_decode.pdu[36] = 1;
		m->u.pdu_decode.pdu[43] = 10;
		break;
	case MSG_PDU_ASYNC:
		m->u.pdu_async.event = 2;
		m->u.pdu_async.param1 = 1;
		m->u.pdu_async.param2 = 5;
		m->u.pdu_async.param3 = 20;
		break;
	case MSG_PDU_LOGOUT_RSP:
		m->u.pdu_logout_rsp.response = 3;
		m->u.pdu_logout_rsp.time2wait = 2;
		m->u.pdu_logout_rsp.time2retain = 20;
		break;
	case MSG_PDU_ERROR:
		strcpy(m->u.pdu_error.reason, "Asynchronous Message: reserved AsyncEvent 7");
		break;
	}
}

/* Every field at its lowest or highest declared value, generated from the
 * same declaration as the codec, so new messages are covered unasked. */
#define FILL_INT(s, m, lo, hi) s->m = (high ? (hi) : (lo));
#define FILL_U8(m, lo, hi, ...) FILL_INT(p, m, lo, hi)
#define FILL_U16(m, lo, hi, ...) FILL_INT(p, m, lo, hi)
#define FILL_U32(m, lo, hi, ...) FILL_INT(p, m, lo, hi)
#define FILL_U64(m, lo, hi, ...) FILL_INT(p, m, lo, hi)
#define FILL_STRING(s, m, lo, hi)                             \
	memset(s->m, 'x', high ? (hi) : (lo));                \
	s->m[high ? (hi) : (lo)] = '\0';
#define FILL_STR(m, lo, hi, ...) FILL_STRING(p, m, lo, hi)
#define FILL_BIN(m, lo, hi, ...)                              \
	p->m##_len = high ? (hi) : (lo);                      \
	memset(p->m, 0xa5, p->m##_len);
#define FILL_ITEM_U8(m, lo, hi) FILL_INT(q, m, lo, hi)
#define FILL_ITEM_U16(m, lo, hi) FILL_INT(q, m, lo, hi)
#define FILL_ITEM_U32(m, lo, hi) FILL_INT(q, m, lo, hi)
#define FILL_ITEM_U64(m, lo, hi) FILL_INT(q, m, lo, hi)
#define FILL_ITEM_STR(m, lo, hi) FILL_STRING(q, m, lo, hi)
#define FILL_ITEM_FIELD(kind, m, lo, hi, ...) FILL_ITEM_##kind(m, lo, hi)
/* As many items as the bound allows, each at its own extremes: the
 * largest frame the type can make. */
#define FILL_LIST(m, lo, hi, item)                            \
	p->m##_count = high ? (hi) : (lo);                    \
	for (size_t i_ = 0; i_ < p->m##_count; i_++) {        \
		struct msg_##m##_item *q = &p->m[i_];         \
		MSG_ITEM_##item(FILL_ITEM_FIELD)              \
	}
#define FILL_FIELD(kind, m, lo, hi, ...) FILL_##kind(m, lo, hi, __VA_ARGS__)
#define FILL_CASE(code, NAME, name, sender, fdrule)           \
	case MSG_##NAME: {                                    \
		struct msg_##name *p = &m->u.name;            \
		MSG_FIELDS_##NAME(FILL_FIELD)                 \
		(void)p;                                      \
		m->fd = (fdrule) == MSG_FD_ONE ? 0 : -1;      \
		break;                                        \
	}

static void extreme(struct msg *m, enum msg_type type, int high)
{
	msg_init(m, type, high ? 0xffffffffu : 0);
	switch (type) {
		MSG_TABLE(FILL_CASE)
	}
}

static void round_trip(const struct msg *m)
{
	const struct msg_type_info *t = msg_type_info(m->type);
	uint8_t frame[MSG_FRAME_MAX];
	size_t len = 0;
	struct msg back;
	const char *field = "unset";

	assert_non_null(t);
	assert_int_equal(msg_encode(m, t->sender, frame, sizeof(frame), &len, &field), MSG_OK);
	assert_null(field);
	assert_true(len >= MSG_HDR_LEN + t->min_len && len <= MSG_HDR_LEN + t->max_len);
	assert_int_equal(get_be32(frame + 8), len - MSG_HDR_LEN);
	assert_int_equal(msg_decode(frame, len, m->fd, other(t->sender), &back, &field), MSG_OK);
	assert_int_equal(back.type, m->type);
	assert_int_equal(back.peer, m->peer);
	assert_int_equal(back.fd, m->fd);
	assert_memory_equal(&back.u, &m->u, sizeof(m->u));
}

static void every_type_round_trips(void **state)
{
	(void)state;
	for (size_t i = 0; i < MSG_TYPE_COUNT; i++) {
		const struct msg_type_info *t = msg_type_at(i);
		struct msg m;
		assert_int_equal(msg_type_index(t->type), (int)i);
		assert_string_equal(msg_type_name(t->type), t->name);
		sample(&m, t->type);
		round_trip(&m);
		extreme(&m, t->type, 0);
		round_trip(&m);
		extreme(&m, t->type, 1);
		round_trip(&m);
	}
	assert_null(msg_type_at(MSG_TYPE_COUNT));
}

static size_t encode(const struct msg *m, uint8_t *frame)
{
	size_t len = 0;

	assert_int_equal(msg_encode(m, msg_type_info(m->type)->sender, frame, MSG_FRAME_MAX,
				    &len, NULL),
			 MSG_OK);
	return len;
}

static enum msg_err decode_as_monitor(const uint8_t *frame, size_t len, int fd,
				      const char **field)
{
	struct msg m;

	return msg_decode(frame, len, fd, MSG_BY_MONITOR, &m, field);
}

/* Every proper prefix of every frame is refused: as it is (length
 * mismatch), and with the header's length rewritten to fit (a field runs
 * out). */
static void truncated_frames_refused(void **state)
{
	(void)state;
	for (size_t i = 0; i < MSG_TYPE_COUNT; i++) {
		const struct msg_type_info *t = msg_type_at(i);
		struct msg m, out;
		uint8_t frame[MSG_FRAME_MAX], cut[MSG_FRAME_MAX];
		sample(&m, t->type);
		size_t len = encode(&m, frame);
		for (size_t n = 0; n < len; n++) {
			memcpy(cut, frame, n);
			enum msg_err rc = msg_decode(cut, n, m.fd, other(t->sender), &out, NULL);
			assert_int_equal(rc, n < MSG_HDR_LEN ? MSG_E_SHORT : MSG_E_LENGTH);
			if (n < MSG_HDR_LEN)
				continue;
			put_be32(cut + 8, (uint32_t)(n - MSG_HDR_LEN));
			rc = msg_decode(cut, n, m.fd, other(t->sender), &out, NULL);
			assert_int_equal(rc, MSG_E_TRUNCATED);
		}
	}
}

static void trailing_and_oversize_refused(void **state)
{
	struct msg m;
	uint8_t frame[MSG_FRAME_MAX + 8];
	const char *field;

	(void)state;
	sample(&m, MSG_DISC_RECORDS);
	size_t len = encode(&m, frame);
	frame[len] = 'x';
	put_be32(frame + 8, (uint32_t)(len + 1 - MSG_HDR_LEN));
	assert_int_equal(decode_as_monitor(frame, len + 1, -1, &field), MSG_E_TRAILING);
	assert_string_equal(field, "payload");

	/* Longer than the type can ever be, even with trailing garbage. */
	extreme(&m, MSG_DISC_RECORDS, 1);
	len = encode(&m, frame);
	memset(frame + len, 'x', 8);
	put_be32(frame + 8, (uint32_t)(len + 8 - MSG_HDR_LEN));
	assert_int_equal(decode_as_monitor(frame, len + 8, -1, NULL), MSG_E_OVERSIZE);

	/* Longer than any frame. */
	memset(frame, 0, sizeof(frame));
	put_be16(frame, MSG_LOG);
	put_be32(frame + 8, MSG_FRAME_MAX + 1 - MSG_HDR_LEN);
	assert_int_equal(decode_as_monitor(frame, MSG_FRAME_MAX + 1, -1, NULL), MSG_E_OVERSIZE);
}

static void header_errors(void **state)
{
	struct msg m;
	uint8_t frame[MSG_FRAME_MAX], bad[MSG_FRAME_MAX];
	const char *field;

	(void)state;
	sample(&m, MSG_HELLO);
	size_t len = encode(&m, frame);

	memcpy(bad, frame, len);
	bad[3] = 1;
	assert_int_equal(decode_as_monitor(bad, len, -1, &field), MSG_E_RESERVED);
	assert_string_equal(field, "header");

	memcpy(bad, frame, len);
	for (unsigned type = 0; type < 0x10000; type++) {
		if (msg_type_info(type))
			continue;
		put_be16(bad, (uint16_t)type);
		assert_int_equal(decode_as_monitor(bad, len, -1, NULL), MSG_E_TYPE);
	}

	/* A worker never receives HELLO; a monitor never receives DISC_START. */
	struct msg out;
	assert_int_equal(msg_decode(frame, len, -1, MSG_BY_WORKER, &out, NULL), MSG_E_DIRECTION);
	sample(&m, MSG_DISC_START);
	assert_int_equal(msg_encode(&m, MSG_BY_WORKER, bad, sizeof(bad), &len, NULL),
			 MSG_E_DIRECTION);
	len = encode(&m, frame);
	assert_int_equal(decode_as_monitor(frame, len, 5, NULL), MSG_E_DIRECTION);
	assert_int_equal(msg_encode(&m, MSG_BY_MONITOR, bad, MSG_HDR_LEN + 10, &len, NULL),
			 MSG_E_OVERSIZE);
}

static void wrong_fd_count(void **state)
{
	struct msg m, out;
	uint8_t frame[MSG_FRAME_MAX];
	size_t len;

	(void)state;
	/* DISC_START needs its socket: none given, header flag or not. */
	sample(&m, MSG_DISC_START);
	len = encode(&m, frame);
	assert_int_equal(frame[2], 1);
	assert_int_equal(msg_decode(frame, len, -1, MSG_BY_WORKER, &out, NULL), MSG_E_FD);
	frame[2] = 0;
	assert_int_equal(msg_decode(frame, len, -1, MSG_BY_WORKER, &out, NULL), MSG_E_FD);
	frame[2] = 2;
	assert_int_equal(msg_decode(frame, len, 9, MSG_BY_WORKER, &out, NULL), MSG_E_FD);
	m.fd = -1;
	assert_int_equal(msg_encode(&m, MSG_BY_MONITOR, frame, sizeof(frame), &len, NULL),
			 MSG_E_FD);

	/* HELLO carries none. */
	sample(&m, MSG_HELLO);
	len = encode(&m, frame);
	assert_int_equal(decode_as_monitor(frame, len, 9, NULL), MSG_E_FD);
	frame[2] = 1;
	assert_int_equal(decode_as_monitor(frame, len, 9, NULL), MSG_E_FD);
	m.fd = 1;
	assert_int_equal(msg_encode(&m, MSG_BY_WORKER, frame, sizeof(frame), &len, NULL),
			 MSG_E_FD);
}

/* A LOG frame whose text is given raw. */
static size_t log_frame(uint8_t *frame, uint8_t level, const char *text, size_t n)
{
	memset(frame, 0, MSG_HDR_LEN);
	put_be16(frame, MSG_LOG);
	frame[MSG_HDR_LEN] = level;
	put_be16(frame + MSG_HDR_LEN + 1, (uint16_t)n);
	memcpy(frame + MSG_HDR_LEN + 3, text, n);
	put_be32(frame + 8, (uint32_t)(3 + n));
	return MSG_HDR_LEN + 3 + n;
}

static void field_errors(void **state)
{
	uint8_t frame[MSG_FRAME_MAX];
	const char *field;
	struct msg out;
	size_t len;

	(void)state;
	len = log_frame(frame, MSG_LOG_INFO, "fine", 4);
	assert_int_equal(msg_decode(frame, len, -1, MSG_BY_MONITOR, &out, NULL), MSG_OK);
	assert_string_equal(out.u.log.text, "fine");

	len = log_frame(frame, MSG_LOG_INFO, "a\0b", 3);
	assert_int_equal(decode_as_monitor(frame, len, -1, &field), MSG_E_NUL);
	assert_string_equal(field, "text");
	len = log_frame(frame, MSG_LOG_INFO, "", 0);
	assert_int_equal(decode_as_monitor(frame, len, -1, &field), MSG_E_STRLEN);
	len = log_frame(frame, MSG_LOG_DEBUG + 1, "x", 1);
	assert_int_equal(decode_as_monitor(frame, len, -1, &field), MSG_E_RANGE);
	assert_string_equal(field, "level");

	/* A text longer than declared makes the whole payload too long; a
	 * length prefix above the maximum is refused before the bytes are
	 * even looked at. */
	static char big[MSG_LOG_TEXT_MAX + 1];
	memset(big, 'y', sizeof(big));
	len = log_frame(frame, MSG_LOG_INFO, big, sizeof(big));
	assert_int_equal(decode_as_monitor(frame, len, -1, &field), MSG_E_OVERSIZE);
	len = log_frame(frame, MSG_LOG_INFO, big, 5);
	put_be16(frame + MSG_HDR_LEN + 1, MSG_LOG_TEXT_MAX + 1);
	assert_int_equal(decode_as_monitor(frame, len, -1, &field), MSG_E_STRLEN);
	put_be16(frame + MSG_HDR_LEN + 1, 6);
	assert_int_equal(decode_as_monitor(frame, len, -1, &field), MSG_E_TRUNCATED);
	len = log_frame(frame, MSG_LOG_INFO, big, sizeof(big) - 1);
	assert_int_equal(decode_as_monitor(frame, len, -1, &field), MSG_OK);

	/* HELLO from a worker of another protocol version, or no role. */
	struct msg m;
	sample(&m, MSG_HELLO);
	len = encode(&m, frame);
	put_be32(frame + MSG_HDR_LEN + 4, MSG_PROTO_VERSION + 1);
	assert_int_equal(decode_as_monitor(frame, len, -1, &field), MSG_E_RANGE);
	assert_string_equal(field, "version");
	put_be32(frame + MSG_HDR_LEN + 4, MSG_PROTO_VERSION);
	put_be32(frame + MSG_HDR_LEN, ROLE_NONE);
	assert_int_equal(decode_as_monitor(frame, len, -1, &field), MSG_E_RANGE);
	assert_string_equal(field, "role");
}

/* target: the field as an lvalue, reached through p (the message) or, in
 * a list, q (its first item, which both extremes fill). */
#define OUT_OF_RANGE_INT(target, name, lo, hi, top)                             \
	if ((uint64_t)(hi) < (top)) {                                           \
		extreme(&msg, type, 1);                                         \
		target = (__typeof__(target))((uint64_t)(hi) + 1);              \
		assert_int_equal(msg_encode(&msg, t->sender, frame, sizeof(frame), \
					    &len, &field), MSG_E_RANGE);        \
		assert_string_equal(field, name);                               \
	}                                                                       \
	if ((lo) > 0) {                                                         \
		extreme(&msg, type, 0);                                         \
		target = (__typeof__(target))((uint64_t)(lo) - 1);              \
		assert_int_equal(msg_encode(&msg, t->sender, frame, sizeof(frame), \
					    &len, &field), MSG_E_RANGE);        \
	}
#define BAD_STRING(target, name, lo, hi)                                        \
	extreme(&msg, type, 1);                                                 \
	target[hi] = 'x'; /* no terminator within the array */                  \
	assert_int_equal(msg_encode(&msg, t->sender, frame, sizeof(frame), &len, \
				    &field), MSG_E_STRLEN);                     \
	assert_string_equal(field, name);                                       \
	if ((lo) > 0) {                                                         \
		extreme(&msg, type, 0);                                         \
		target[(lo) - 1] = '\0';                                        \
		assert_int_equal(msg_encode(&msg, t->sender, frame,             \
					    sizeof(frame), &len, &field),       \
				 MSG_E_STRLEN);                                 \
	}
#define BAD_U8(m, lo, hi, ...) OUT_OF_RANGE_INT(p->m, #m, lo, hi, 0xffu)
#define BAD_U16(m, lo, hi, ...) OUT_OF_RANGE_INT(p->m, #m, lo, hi, 0xffffu)
#define BAD_U32(m, lo, hi, ...) OUT_OF_RANGE_INT(p->m, #m, lo, hi, 0xffffffffu)
#define BAD_U64(m, lo, hi, ...) OUT_OF_RANGE_INT(p->m, #m, lo, hi, UINT64_MAX)
#define BAD_STR(m, lo, hi, ...) BAD_STRING(p->m, #m, lo, hi)
/* A length past the bound, then one short of the minimum. */
#define BAD_BIN(m, lo, hi, ...)                                                 \
	extreme(&msg, type, 1);                                                 \
	p->m##_len = (hi) + 1;                                                  \
	assert_int_equal(msg_encode(&msg, t->sender, frame, sizeof(frame), &len, \
				    &field), MSG_E_BINLEN);                     \
	assert_string_equal(field, #m);                                         \
	if ((lo) > 0) {                                                         \
		extreme(&msg, type, 0);                                         \
		p->m##_len = (lo) - 1;                                          \
		assert_int_equal(msg_encode(&msg, t->sender, frame,             \
					    sizeof(frame), &len, &field),       \
				 MSG_E_BINLEN);                                 \
	}
#define BAD_ITEM_U8(m, lo, hi) OUT_OF_RANGE_INT(q->m, #m, lo, hi, 0xffu)
#define BAD_ITEM_U16(m, lo, hi) OUT_OF_RANGE_INT(q->m, #m, lo, hi, 0xffffu)
#define BAD_ITEM_U32(m, lo, hi) OUT_OF_RANGE_INT(q->m, #m, lo, hi, 0xffffffffu)
#define BAD_ITEM_U64(m, lo, hi) OUT_OF_RANGE_INT(q->m, #m, lo, hi, UINT64_MAX)
#define BAD_ITEM_STR(m, lo, hi) BAD_STRING(q->m, #m, lo, hi)
#define BAD_ITEM_FIELD(kind, m, lo, hi, ...) BAD_ITEM_##kind(m, lo, hi)
/* The count out of its range (refused before any item is read, so one
 * past the array is never touched), then each item field out of its own. */
#define BAD_LIST(m, lo, hi, item)                                               \
	_Static_assert((lo) >= 1, #m ": the checks below use the first item");  \
	OUT_OF_RANGE_INT(p->m##_count, #m, lo, hi, 0xffffu)                     \
	{                                                                       \
		struct msg_##m##_item *q = &p->m[0];                            \
		MSG_ITEM_##item(BAD_ITEM_FIELD)                                 \
	}
#define BAD_FIELD(kind, m, lo, hi, ...) BAD_##kind(m, lo, hi, __VA_ARGS__)
#define BAD_CASE(code, NAME, name, sender, fd)                                  \
	case MSG_##NAME: {                                                      \
		struct msg_##name *p = &msg.u.name;                             \
		MSG_FIELDS_##NAME(BAD_FIELD)                                    \
		(void)p;                                                        \
		break;                                                          \
	}

/* The encoder refuses what the decoder would: every bound of every field. */
static void encoder_checks_every_bound(void **state)
{
	(void)state;
	for (size_t i = 0; i < MSG_TYPE_COUNT; i++) {
		const struct msg_type_info *t = msg_type_at(i);
		enum msg_type type = t->type;
		struct msg msg;
		uint8_t frame[MSG_FRAME_MAX];
		size_t len;
		const char *field;
		switch (type) {
			MSG_TABLE(BAD_CASE)
		}
	}
}

/* DISC_RECORDS: a count the items disagree with, a count out of range
 * (refused before any item is read), a bad field deep in the batch, and
 * the largest batch still one frame. */
static void disc_records_list_bounds(void **state)
{
	struct msg m, out;
	uint8_t frame[MSG_FRAME_MAX];
	const char *field;
	size_t len;

	(void)state;
	sample(&m, MSG_DISC_RECORDS);
	len = encode(&m, frame);
	assert_int_equal(get_be16(frame + MSG_HDR_LEN), 3);

	/* Says 4, carries 3: the fourth item's first field runs out. */
	put_be16(frame + MSG_HDR_LEN, 4);
	assert_int_equal(decode_as_monitor(frame, len, -1, &field), MSG_E_TRUNCATED);
	assert_string_equal(field, "target_name");
	/* Says 2, carries 3: bytes left over. */
	put_be16(frame + MSG_HDR_LEN, 2);
	assert_int_equal(decode_as_monitor(frame, len, -1, &field), MSG_E_TRAILING);
	/* An empty batch is not a batch. */
	put_be16(frame + MSG_HDR_LEN, 0);
	assert_int_equal(decode_as_monitor(frame, len, -1, &field), MSG_E_RANGE);
	assert_string_equal(field, "portals");

	/* One item more than the array holds, every byte of it present. */
	msg_init(&m, MSG_DISC_RECORDS, 0);
	m.u.disc_records.portals_count = MSG_DISC_BATCH_MAX;
	for (int i = 0; i < MSG_DISC_BATCH_MAX; i++) {
		struct msg_portals_item *q = &m.u.disc_records.portals[i];
		snprintf(q->target_name, sizeof(q->target_name), "iqn.2001-04.com.example:t%02d", i);
		strcpy(q->address, "192.0.2.1");
		q->port = 3260;
	}
	len = encode(&m, frame);
	size_t item = (len - MSG_HDR_LEN - 2) / MSG_DISC_BATCH_MAX;
	assert_int_equal((len - MSG_HDR_LEN - 2) % MSG_DISC_BATCH_MAX, 0);
	uint8_t *last = frame + len - item;
	assert_true(len + item <= sizeof(frame));
	memmove(last + item, last, item);       /* the last item twice */
	len += item;
	put_be16(frame + MSG_HDR_LEN, MSG_DISC_BATCH_MAX + 1);
	put_be32(frame + 8, (uint32_t)(len - MSG_HDR_LEN));
	assert_int_equal(decode_as_monitor(frame, len, -1, &field), MSG_E_RANGE);
	assert_string_equal(field, "portals");

	/* Port 0 in the second item: named, the whole frame refused. */
	sample(&m, MSG_DISC_RECORDS);
	m.u.disc_records.portals[1].port = 0;
	assert_int_equal(msg_encode(&m, MSG_BY_WORKER, frame, sizeof(frame), &len, &field),
			 MSG_E_RANGE);
	assert_string_equal(field, "port");
	m.u.disc_records.portals[1].port = 3260;
	len = encode(&m, frame);
	uint8_t *port = memmem(frame, len, "192.0.2.7", 9);
	assert_non_null(port);
	put_be16(port + 9, 0);
	assert_int_equal(decode_as_monitor(frame, len, -1, &field), MSG_E_RANGE);
	assert_string_equal(field, "port");
	put_be16(port + 9, 3260);
	assert_int_equal(decode_as_monitor(frame, len, -1, &field), MSG_OK);

	/* The largest batch: every item at its longest, still one frame. */
	const struct msg_type_info *t = msg_type_info(MSG_DISC_RECORDS);
	assert_true(MSG_HDR_LEN + t->max_len <= MSG_FRAME_MAX);
	extreme(&m, MSG_DISC_RECORDS, 1);
	len = encode(&m, frame);
	assert_int_equal(len, MSG_HDR_LEN + t->max_len);
	assert_int_equal(msg_decode(frame, len, -1, MSG_BY_MONITOR, &out, NULL), MSG_OK);
	assert_int_equal(out.u.disc_records.portals_count, MSG_DISC_BATCH_MAX);
	assert_int_equal(strlen(out.u.disc_records.portals[MSG_DISC_BATCH_MAX - 1].address),
			 MSG_ADDRESS_MAX);
}

static void error_strings(void **state)
{
	(void)state;
	for (int e = MSG_OK; e <= MSG_E_IO; e++) {
		assert_non_null(msg_strerror((enum msg_err)e));
		assert_string_not_equal(msg_strerror((enum msg_err)e), "unknown error");
	}
	assert_string_equal(msg_strerror((enum msg_err)999), "unknown error");
	assert_string_equal(msg_type_name(0), "unknown");
}

/* ---- over a real channel ---- */

static int count_open_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	int n = 0;

	assert_non_null(d);
	while (readdir(d))
		n++;
	closedir(d);
	return n;
}

static void send_raw(int sock, const void *frame, size_t len, const int *fds, size_t nfds)
{
	struct iovec iov = { .iov_base = (void *)frame, .iov_len = len };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
	union {
		char buf[CMSG_SPACE(4 * sizeof(int))];
		struct cmsghdr align;
	} ctl;

	if (nfds) {
		memset(&ctl, 0, sizeof(ctl));
		mh.msg_control = ctl.buf;
		mh.msg_controllen = CMSG_SPACE(nfds * sizeof(int));
		struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(nfds * sizeof(int));
		memcpy(CMSG_DATA(cm), fds, nfds * sizeof(int));
	}
	assert_int_equal(sendmsg(sock, &mh, 0), (ssize_t)len);
}

static void channel_round_trip_and_fd_passing(void **state)
{
	int sv[2], p[2];

	(void)state;
	assert_int_equal(msg_channel(sv), 0);
	for (size_t i = 0; i < MSG_TYPE_COUNT; i++) {
		const struct msg_type_info *t = msg_type_at(i);
		struct msg m, back;
		sample(&m, t->type);
		if (t->fd == MSG_FD_ONE) {
			assert_int_equal(pipe(p), 0);
			m.fd = p[1];
		}
		int from = t->sender == MSG_BY_MONITOR ? sv[0] : sv[1];
		int to = from == sv[0] ? sv[1] : sv[0];
		assert_int_equal(msg_send(from, t->sender, &m), MSG_OK);
		assert_int_equal(msg_recv(to, other(t->sender), &back, NULL), MSG_OK);
		assert_int_equal(back.type, m.type);
		assert_memory_equal(&back.u, &m.u, sizeof(m.u));
		if (t->fd == MSG_FD_ONE) {
			/* A new descriptor for the same pipe, close-on-exec. */
			char buf[8] = "";
			assert_true(back.fd >= 0 && back.fd != p[1]);
			assert_int_equal(fcntl(back.fd, F_GETFD) & FD_CLOEXEC, FD_CLOEXEC);
			close(p[1]);
			assert_int_equal(write(back.fd, "via fd", 6), 6);
			close(back.fd);
			assert_int_equal(read(p[0], buf, sizeof(buf)), 6);
			assert_memory_equal(buf, "via fd", 6);
			close(p[0]);
		} else {
			assert_int_equal(back.fd, -1);
		}
	}
	close(sv[0]);
	close(sv[1]);
}

static void channel_refusals_close_fds(void **state)
{
	int sv[2], p[2];
	struct msg m, out;
	uint8_t frame[MSG_FRAME_MAX + 100];
	const char *field;

	(void)state;
	assert_int_equal(msg_channel(sv), 0);
	assert_int_equal(pipe(p), 0);
	int before = count_open_fds();

	/* HELLO with a descriptor it must not carry. */
	sample(&m, MSG_HELLO);
	size_t len = encode(&m, frame);
	send_raw(sv[1], frame, len, p, 1);
	assert_int_equal(msg_recv(sv[0], MSG_BY_MONITOR, &out, &field), MSG_E_FD);
	assert_int_equal(out.fd, -1);

	/* DISC_START with two descriptors, then with none. */
	sample(&m, MSG_DISC_START);
	m.fd = p[0];
	len = encode(&m, frame);
	send_raw(sv[0], frame, len, p, 2);
	assert_int_equal(msg_recv(sv[1], MSG_BY_WORKER, &out, NULL), MSG_E_FD);
	send_raw(sv[0], frame, len, NULL, 0);
	assert_int_equal(msg_recv(sv[1], MSG_BY_WORKER, &out, NULL), MSG_E_FD);

	/* Garbage and an oversized record, each with a descriptor. */
	memset(frame, 0xa5, sizeof(frame));
	send_raw(sv[1], frame, 40, p, 1);
	assert_int_equal(msg_recv(sv[0], MSG_BY_MONITOR, &out, NULL), MSG_E_RESERVED);
	send_raw(sv[1], frame, MSG_FRAME_MAX + 1, p, 1);
	assert_int_equal(msg_recv(sv[0], MSG_BY_MONITOR, &out, NULL), MSG_E_OVERSIZE);
	frame[0] = 0xff, frame[1] = 0xff, frame[2] = 0, frame[3] = 0;
	send_raw(sv[1], frame, 12, NULL, 0);
	assert_int_equal(msg_recv(sv[0], MSG_BY_MONITOR, &out, NULL), MSG_E_TYPE);

	/* Every descriptor that arrived with a refused frame was closed. */
	assert_int_equal(count_open_fds(), before);

	/* Non-blocking and nothing queued; then the peer goes away. */
	fcntl(sv[0], F_SETFL, O_NONBLOCK);
	assert_int_equal(msg_recv(sv[0], MSG_BY_MONITOR, &out, NULL), MSG_E_AGAIN);
	close(sv[1]);
	assert_int_equal(msg_recv(sv[0], MSG_BY_MONITOR, &out, NULL), MSG_E_CLOSED);
	sample(&m, MSG_DISC_DONE);
	assert_int_equal(msg_send(sv[0], MSG_BY_MONITOR, &m), MSG_E_DIRECTION);
	sample(&m, MSG_DISC_START);
	m.fd = p[0];
	assert_int_equal(msg_send(sv[0], MSG_BY_MONITOR, &m), MSG_E_CLOSED);
	close(sv[0]);
	close(p[0]);
	close(p[1]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_type_round_trips),
		cmocka_unit_test(truncated_frames_refused),
		cmocka_unit_test(trailing_and_oversize_refused),
		cmocka_unit_test(header_errors),
		cmocka_unit_test(wrong_fd_count),
		cmocka_unit_test(field_errors),
		cmocka_unit_test(encoder_checks_every_bound),
		cmocka_unit_test(disc_records_list_bounds),
		cmocka_unit_test(error_strings),
		cmocka_unit_test(channel_round_trip_and_fd_passing),
		cmocka_unit_test(channel_refusals_close_fds),
	};
	return cmocka_run_group_tests_name("msg", tests, NULL, NULL);
}
