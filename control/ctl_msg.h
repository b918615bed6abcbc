/* The control protocol between iscsiadm and iscsid.
 *
 * Transport: a SOCK_SEQPACKET filesystem socket, ctl_socket_path()
 * (iscsi_path(ISCSID_RUN_DIR)/iscsid.sock), so that one recv() is one
 * whole message and a short read can never split or join two. A frame:
 *
 *	0  u16 version    CTL_PROTO_VERSION of the sender
 *	2  u16 type       a code from control/ctl_types.h
 *	4  u32 length     payload bytes that follow; the frame is exactly
 *	                  CTL_HDR_LEN + length bytes
 *	8  payload        the message's fields, as declared in ctl_types.h
 *
 * Integers are big-endian. This header layout is fixed for all versions,
 * so that a version mismatch is always recognised and reported as such.
 * Decoding is strict: every declared bound is checked, nothing is read
 * past the frame, and every failure is a typed enum ctl_err naming the
 * offending field. */
#ifndef CONTROL_CTL_MSG_H
#define CONTROL_CTL_MSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum ctl_side {
	CTL_BY_CLIENT = 1,
	CTL_BY_DAEMON = 2,
};

#include "control/ctl_types.h"

#define CTL_HDR_LEN 8
#define CTL_FRAME_MAX 4096
#define CTL_SOCKET_NAME "iscsid.sock"

enum ctl_type {
#define CTL_TYPE_ENUM(code, NAME, name, sender, request) CTL_MSG_##NAME = code,
	CTL_TABLE(CTL_TYPE_ENUM)
#undef CTL_TYPE_ENUM
};

/* Dense index of each type (0 .. CTL_TYPE_COUNT - 1). */
enum ctl_type_index {
#define CTL_TYPE_INDEX(code, NAME, name, sender, request) CTL_IDX_##NAME,
	CTL_TABLE(CTL_TYPE_INDEX)
#undef CTL_TYPE_INDEX
	CTL_TYPE_COUNT
};

/* The payload structs: struct ctl_ping, struct ctl_discovery_st, ... */
#define CTL_MEMBER_U8(m, hi) uint8_t m;
#define CTL_MEMBER_U16(m, hi) uint16_t m;
#define CTL_MEMBER_U32(m, hi) uint32_t m;
#define CTL_MEMBER_U64(m, hi) uint64_t m;
#define CTL_MEMBER_STR(m, hi) char m[(hi) + 1];
#define CTL_MEMBER(S, kind, m, lo, hi) CTL_MEMBER_##kind(m, hi)
#define CTL_PAYLOAD_STRUCT(code, NAME, name, sender, request) \
	struct ctl_##name { CTL_FIELDS_##NAME(CTL_MEMBER, ctl_##name) };
CTL_TABLE(CTL_PAYLOAD_STRUCT)
#undef CTL_PAYLOAD_STRUCT

union ctl_payload {
#define CTL_PAYLOAD_MEMBER(code, NAME, name, sender, request) struct ctl_##name name;
	CTL_TABLE(CTL_PAYLOAD_MEMBER)
#undef CTL_PAYLOAD_MEMBER
};

/* A decoded message, or one to send. */
struct ctl_msg {
	enum ctl_type type;
	union ctl_payload u;
};

enum ctl_err {
	CTL_OK = 0,
	CTL_E_SHORT,            /* frame shorter than the header */
	CTL_E_OVERSIZE,         /* frame above CTL_FRAME_MAX or payload above its bound */
	CTL_E_VERSION,          /* header version is not CTL_PROTO_VERSION */
	CTL_E_LENGTH,           /* header length disagrees with the frame's size */
	CTL_E_TYPE,             /* type not declared */
	CTL_E_DIRECTION,        /* type sent by the side that must not send it */
	CTL_E_TRUNCATED,        /* a field runs past the end of the payload */
	CTL_E_TRAILING,         /* bytes left after the last field */
	CTL_E_RANGE,            /* integer outside its declared range */
	CTL_E_STRLEN,           /* string length outside its declared range */
	CTL_E_CHAR,             /* NUL or control character inside a string */
	CTL_E_ANCILLARY,        /* descriptors or other ancillary data attached */
	CTL_E_CLOSED,           /* peer closed the connection */
	CTL_E_AGAIN,            /* non-blocking socket: nothing to read / no room */
	CTL_E_TIMEOUT,          /* no answer in time */
	CTL_E_IO,               /* socket error, see errno */
};

enum ctl_field_kind { CTLF_U8 = 1, CTLF_U16, CTLF_U32, CTLF_U64, CTLF_STR };

/* One payload field, generated from the table. For CTLF_STR, lo and hi
 * bound the length and the member is a char[hi + 1]. */
struct ctl_field {
	enum ctl_field_kind kind;
	const char *name;
	size_t offset;          /* in the payload struct */
	uint64_t lo, hi;
};

struct ctl_type_info {
	enum ctl_type type;
	const char *name;               /* "PING" */
	enum ctl_side sender;
	int request;                    /* enum ctl_request for a request, 0 for a response */
	const struct ctl_field *fields;
	size_t nfields;
	size_t min_len, max_len;        /* payload bounds implied by the fields */
};

/* The declaration of a type, or NULL when none has that code. */
const struct ctl_type_info *ctl_type_info(unsigned type);
/* The i-th declared type, for i < CTL_TYPE_COUNT. */
const struct ctl_type_info *ctl_type_at(size_t i);
/* "PING", or "unknown" */
const char *ctl_type_name(unsigned type);
const char *ctl_strerror(enum ctl_err err);

/* True when resp is a data response allowed to answer req (CTL_ANSWERS). */
bool ctl_answer_allowed(enum ctl_type req, enum ctl_type resp);

/* Zeroes m and sets its type. */
void ctl_msg_init(struct ctl_msg *m, enum ctl_type type);

/* Encodes m, sent by sender, into buf. Refuses (with the decoder's typed
 * errors) anything the receiver would refuse. *field (when field is not
 * NULL) names what was wrong. */
enum ctl_err ctl_encode(const struct ctl_msg *m, enum ctl_side sender, uint8_t *buf,
			size_t size, size_t *len, const char **field);

/* Decodes one whole frame as received by receiver. *version (when not
 * NULL) gets the header's version whenever the frame holds a header, so
 * that CTL_E_VERSION can name the peer's version. */
enum ctl_err ctl_decode(const uint8_t *frame, size_t len, enum ctl_side receiver,
			struct ctl_msg *out, const char **field, unsigned *version);

/* iscsi_path(ISCSID_RUN_DIR) + "/" CTL_SOCKET_NAME. Returns 0 or -1. */
int ctl_socket_path(char *out, size_t size);

/* Sends one message. Returns CTL_OK, an encoding error, or CTL_E_CLOSED /
 * CTL_E_AGAIN / CTL_E_IO. */
enum ctl_err ctl_send(int sock, enum ctl_side sender, const struct ctl_msg *m);

/* Receives and decodes one message, waiting at most timeout_ms (-1: no
 * limit; 0: only what is already there, CTL_E_AGAIN otherwise). *version
 * as for ctl_decode(). */
enum ctl_err ctl_recv(int sock, enum ctl_side receiver, int timeout_ms, struct ctl_msg *out,
		      const char **field, unsigned *version);

#endif
