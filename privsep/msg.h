/* Monitor <-> worker messages.
 *
 * A frame is one SOCK_SEQPACKET record (so a descriptor can never be
 * attached to the wrong message, and a short read cannot split one):
 *
 *	0  u16 type       a code from privsep/msg_types.h
 *	2  u8  fds        descriptors attached with SCM_RIGHTS: 0 or 1
 *	3  u8  reserved   0
 *	4  u32 peer       the session or control client the message concerns
 *	8  u32 length     payload bytes that follow; the frame is exactly
 *	                  MSG_HDR_LEN + length bytes
 *	12 payload        the message's fields, as declared in msg_types.h
 *
 * Integers are big-endian. Decoding is strict: every bound declared in the
 * table is checked, nothing is read past the frame, and every failure is a
 * typed enum msg_err naming the offending field. */
#ifndef PRIVSEP_MSG_H
#define PRIVSEP_MSG_H

#include <stddef.h>
#include <stdint.h>

enum msg_side {
	MSG_BY_MONITOR = 1,
	MSG_BY_WORKER = 2,
};

enum msg_fd_rule {
	MSG_FD_NONE = 0,
	MSG_FD_ONE = 1,
};

#include "privsep/msg_types.h"

#define MSG_HDR_LEN 12
/* Room for a full DISC_RECORDS batch; the receiver's one buffer. */
#define MSG_FRAME_MAX 32768

enum msg_type {
#define MSG_TYPE_ENUM(code, NAME, name, sender, fd) MSG_##NAME = code,
	MSG_TABLE(MSG_TYPE_ENUM)
#undef MSG_TYPE_ENUM
};

/* Dense index of each type (0 .. MSG_TYPE_COUNT - 1), for per-type arrays. */
enum msg_type_index {
#define MSG_TYPE_INDEX(code, NAME, name, sender, fd) MSG_IDX_##NAME,
	MSG_TABLE(MSG_TYPE_INDEX)
#undef MSG_TYPE_INDEX
	MSG_TYPE_COUNT
};

/* The payload structs: struct msg_hello, struct msg_log, ... */
#define MSG_MEMBER_U8(m, lo, hi, ...) uint8_t m;
#define MSG_MEMBER_U16(m, lo, hi, ...) uint16_t m;
#define MSG_MEMBER_U32(m, lo, hi, ...) uint32_t m;
#define MSG_MEMBER_U64(m, lo, hi, ...) uint64_t m;
#define MSG_MEMBER_STR(m, lo, hi, ...) char m[(hi) + 1];
#define MSG_MEMBER_BIN(m, lo, hi, ...) uint16_t m##_len; uint8_t m[hi];
#define MSG_MEMBER_LIST(m, lo, hi, item)                                     \
	uint16_t m##_count;                                                  \
	struct msg_##m##_item { MSG_ITEM_##item(MSG_ITEM_MEMBER) } m[hi];
#define MSG_ITEM_MEMBER(kind, m, lo, hi, ...) MSG_MEMBER_##kind(m, lo, hi)
#define MSG_MEMBER(kind, m, lo, hi, ...) MSG_MEMBER_##kind(m, lo, hi, __VA_ARGS__)
#define MSG_PAYLOAD_STRUCT(code, NAME, name, sender, fd) \
	struct msg_##name { MSG_FIELDS_##NAME(MSG_MEMBER) };
MSG_TABLE(MSG_PAYLOAD_STRUCT)
#undef MSG_PAYLOAD_STRUCT

union msg_payload {
#define MSG_PAYLOAD_MEMBER(code, NAME, name, sender, fd) struct msg_##name name;
	MSG_TABLE(MSG_PAYLOAD_MEMBER)
#undef MSG_PAYLOAD_MEMBER
};

/* A decoded message, or one to send. fd is the attached descriptor or -1.
 * A received descriptor belongs to the receiver, which must close it. */
struct msg {
	enum msg_type type;
	uint32_t peer;
	int fd;
	union msg_payload u;
};

enum msg_err {
	MSG_OK = 0,
	MSG_E_SHORT,        /* frame shorter than the header */
	MSG_E_OVERSIZE,     /* frame above MSG_FRAME_MAX or payload above its type's bound */
	MSG_E_LENGTH,       /* header length disagrees with the frame's size */
	MSG_E_RESERVED,     /* reserved header byte not zero */
	MSG_E_TYPE,         /* type not declared */
	MSG_E_DIRECTION,    /* type sent by the side that must not send it */
	MSG_E_FD,           /* descriptors attached disagree with header or declaration */
	MSG_E_TRUNCATED,    /* a field runs past the end of the payload */
	MSG_E_TRAILING,     /* bytes left after the last field */
	MSG_E_RANGE,        /* integer outside its declared range */
	MSG_E_STRLEN,       /* string length outside its declared range */
	MSG_E_BINLEN,       /* byte-string length outside its declared range */
	MSG_E_NUL,          /* NUL byte inside a string */
	MSG_E_CLOSED,       /* peer closed the channel */
	MSG_E_AGAIN,        /* non-blocking socket: nothing to read / no room */
	MSG_E_IO,           /* socket error, see errno */
};

struct msg_type_info {
	enum msg_type type;
	const char *name;           /* "HELLO" */
	enum msg_side sender;
	enum msg_fd_rule fd;
	size_t min_len, max_len;    /* payload bounds implied by the fields */
};

/* The declaration of a type, or NULL when none has that code. */
const struct msg_type_info *msg_type_info(unsigned type);
/* The i-th declared type, for i < MSG_TYPE_COUNT (tests walk all of them). */
const struct msg_type_info *msg_type_at(size_t i);
/* Dense index of a type, or -1 when it is not declared. */
int msg_type_index(unsigned type);
/* "HELLO", or "unknown" */
const char *msg_type_name(unsigned type);
const char *msg_strerror(enum msg_err err);

/* Zeroes m and sets type, peer and fd = -1. */
void msg_init(struct msg *m, enum msg_type type, uint32_t peer);

/* Encodes m as sent by sender into buf. Refuses (with the same typed
 * errors as the decoder) anything the receiver would refuse: a value out of
 * its range, an unterminated string, a wrong fd, the wrong sender.
 * *field, when field is non-NULL, names what was wrong. */
enum msg_err msg_encode(const struct msg *m, enum msg_side sender, uint8_t *buf, size_t size,
			size_t *len, const char **field);

/* Decodes one whole frame as received by receiver; fd is the descriptor
 * that came with it, or -1. On success out->fd = fd; on failure the caller
 * still owns fd. */
enum msg_err msg_decode(const uint8_t *frame, size_t len, int fd, enum msg_side receiver,
			struct msg *out, const char **field);

/* A connected SOCK_SEQPACKET pair, close-on-exec. Returns 0 or -1 (errno). */
int msg_channel(int sv[2]);

/* Sends one message; m->fd (when >= 0) is passed and stays open here. */
enum msg_err msg_send(int sock, enum msg_side sender, const struct msg *m);

/* Receives and decodes one message. Any descriptor that arrives with a
 * refused frame is closed here; a frame with more than one is refused. */
enum msg_err msg_recv(int sock, enum msg_side receiver, struct msg *out, const char **field);

#endif
