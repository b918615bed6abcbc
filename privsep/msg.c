/* Frame codec. The encoder and decoder of every message are generated
 * from privsep/msg_types.h, field by field, through the bounded getters
 * and putters below; there is no hand-written per-message code. */
#include "privsep/msg.h"

#include <string.h>

#include "base/bytes.h"

/* ---- bounded reader and writer ---- */

struct wire_reader {
	const uint8_t *p;
	size_t left;
};

struct wire_writer {
	uint8_t *p;
	size_t left;
};

static enum msg_err get_uint(struct wire_reader *r, unsigned width, uint64_t lo, uint64_t hi,
			     uint64_t *out)
{
	uint64_t v = 0;

	if (r->left < width)
		return MSG_E_TRUNCATED;
	for (unsigned i = 0; i < width; i++)
		v = v << 8 | r->p[i];
	r->p += width;
	r->left -= width;
	if (v < lo || v > hi)
		return MSG_E_RANGE;
	*out = v;
	return MSG_OK;
}

/* out has room for hi + 1 bytes: the string and its terminator. */
static enum msg_err get_str(struct wire_reader *r, char *out, size_t lo, size_t hi)
{
	if (r->left < 2)
		return MSG_E_TRUNCATED;
	size_t n = get_be16(r->p);
	if (n < lo || n > hi)
		return MSG_E_STRLEN;
	if (n > r->left - 2)
		return MSG_E_TRUNCATED;
	/* A NUL would cut the string short for every later C reader: a name
	 * checked in full here could mean something shorter elsewhere. */
	if (memchr(r->p + 2, 0, n))
		return MSG_E_NUL;
	memcpy(out, r->p + 2, n);
	out[n] = '\0';
	r->p += 2 + n;
	r->left -= 2 + n;
	return MSG_OK;
}

/* out has room for hi bytes; *out_len gets the length. */
static enum msg_err get_bin(struct wire_reader *r, uint8_t *out, uint16_t *out_len, size_t lo,
			    size_t hi)
{
	if (r->left < 2)
		return MSG_E_TRUNCATED;
	size_t n = get_be16(r->p);
	if (n < lo || n > hi)
		return MSG_E_BINLEN;
	if (n > r->left - 2)
		return MSG_E_TRUNCATED;
	memcpy(out, r->p + 2, n);
	*out_len = (uint16_t)n;
	r->p += 2 + n;
	r->left -= 2 + n;
	return MSG_OK;
}

static enum msg_err put_uint(struct wire_writer *w, unsigned width, uint64_t lo, uint64_t hi,
			     uint64_t v)
{
	if (v < lo || v > hi)
		return MSG_E_RANGE;
	if (w->left < width)
		return MSG_E_OVERSIZE;
	for (unsigned i = 0; i < width; i++)
		w->p[i] = (uint8_t)(v >> (8 * (width - 1 - i)));
	w->p += width;
	w->left -= width;
	return MSG_OK;
}

/* s lives in a char[hi + 1]; it must be terminated inside it. */
static enum msg_err put_str(struct wire_writer *w, const char *s, size_t lo, size_t hi)
{
	size_t n = strnlen(s, hi + 1);

	if (n < lo || n > hi)
		return MSG_E_STRLEN;
	if (w->left < 2 + n)
		return MSG_E_OVERSIZE;
	put_be16(w->p, (uint16_t)n);
	memcpy(w->p + 2, s, n);
	w->p += 2 + n;
	w->left -= 2 + n;
	return MSG_OK;
}

static enum msg_err put_bin(struct wire_writer *w, const uint8_t *b, size_t n, size_t lo,
			    size_t hi)
{
	if (n < lo || n > hi)
		return MSG_E_BINLEN;
	if (w->left < 2 + n)
		return MSG_E_OVERSIZE;
	put_be16(w->p, (uint16_t)n);
	memcpy(w->p + 2, b, n);
	w->p += 2 + n;
	w->left -= 2 + n;
	return MSG_OK;
}

/* ---- per-message codecs, generated from MSG_TABLE ---- */

#define CHECK_INT(m, lo, hi, top) \
	_Static_assert((lo) <= (hi) && (uint64_t)(hi) <= (top), #m ": bad bounds");
#define CHECK_U8(m, lo, hi, ...) CHECK_INT(m, lo, hi, 0xffu)
#define CHECK_U16(m, lo, hi, ...) CHECK_INT(m, lo, hi, 0xffffu)
#define CHECK_U32(m, lo, hi, ...) CHECK_INT(m, lo, hi, 0xffffffffu)
#define CHECK_U64(m, lo, hi, ...) CHECK_INT(m, lo, hi, UINT64_MAX)
#define CHECK_STR(m, lo, hi, ...) CHECK_INT(m, lo, hi, 0xffffu)
#define CHECK_BIN(m, lo, hi, ...) CHECK_INT(m, lo, hi, 0xffffu) _Static_assert((hi) >= 1, #m ": empty");
#define CHECK_LIST(m, lo, hi, item)                                           \
	_Static_assert((lo) <= (hi) && (hi) >= 1 && (hi) <= 0xffff, #m ": bad bounds"); \
	MSG_ITEM_##item(CHECK_ITEM_FIELD)
#define CHECK_ITEM_FIELD(kind, m, lo, hi, ...) CHECK_##kind(m, lo, hi)
#define CHECK_FIELD(kind, m, lo, hi, ...) CHECK_##kind(m, lo, hi, __VA_ARGS__)

#define WIDTH_U8 1
#define WIDTH_U16 2
#define WIDTH_U32 4
#define WIDTH_U64 8
#define MAXLEN_FIELD(kind, m, lo, hi, ...) +MAXLEN_##kind(lo, hi, __VA_ARGS__)
#define MAXLEN_ITEM_FIELD(kind, m, lo, hi, ...) +MAXLEN_##kind(lo, hi)
#define MAXLEN_U8(lo, hi, ...) 1
#define MAXLEN_U16(lo, hi, ...) 2
#define MAXLEN_U32(lo, hi, ...) 4
#define MAXLEN_U64(lo, hi, ...) 8
#define MAXLEN_STR(lo, hi, ...) (2 + (hi))
#define MAXLEN_BIN(lo, hi, ...) (2 + (hi))
#define MAXLEN_LIST(lo, hi, item) (2 + (hi) * (0 MSG_ITEM_##item(MAXLEN_ITEM_FIELD)))
#define MINLEN_FIELD(kind, m, lo, hi, ...) +MINLEN_##kind(lo, hi, __VA_ARGS__)
#define MINLEN_ITEM_FIELD(kind, m, lo, hi, ...) +MINLEN_##kind(lo, hi)
#define MINLEN_U8(lo, hi, ...) 1
#define MINLEN_U16(lo, hi, ...) 2
#define MINLEN_U32(lo, hi, ...) 4
#define MINLEN_U64(lo, hi, ...) 8
#define MINLEN_STR(lo, hi, ...) (2 + (lo))
#define MINLEN_BIN(lo, hi, ...) (2 + (lo))
#define MINLEN_LIST(lo, hi, item) (2 + (lo) * (0 MSG_ITEM_##item(MINLEN_ITEM_FIELD)))

/* Encoding: p points at the message's struct, q at the list item. */
#define ENC_INT(kind, s, m, lo, hi)                                           \
	if ((rc = put_uint(w, WIDTH_##kind, lo, hi, s->m)) != MSG_OK) {       \
		*field = #m;                                                  \
		return rc;                                                    \
	}
#define ENC_STRING(s, m, lo, hi)                                              \
	if ((rc = put_str(w, s->m, lo, hi)) != MSG_OK) {                      \
		*field = #m;                                                  \
		return rc;                                                    \
	}
#define ENC_U8(m, lo, hi, ...) ENC_INT(U8, p, m, lo, hi)
#define ENC_U16(m, lo, hi, ...) ENC_INT(U16, p, m, lo, hi)
#define ENC_U32(m, lo, hi, ...) ENC_INT(U32, p, m, lo, hi)
#define ENC_U64(m, lo, hi, ...) ENC_INT(U64, p, m, lo, hi)
#define ENC_STR(m, lo, hi, ...) ENC_STRING(p, m, lo, hi)
#define ENC_BIN(m, lo, hi, ...)                                               \
	if ((rc = put_bin(w, p->m, p->m##_len, lo, hi)) != MSG_OK) {          \
		*field = #m;                                                  \
		return rc;                                                    \
	}
#define ENC_ITEM_U8(m, lo, hi) ENC_INT(U8, q, m, lo, hi)
#define ENC_ITEM_U16(m, lo, hi) ENC_INT(U16, q, m, lo, hi)
#define ENC_ITEM_U32(m, lo, hi) ENC_INT(U32, q, m, lo, hi)
#define ENC_ITEM_U64(m, lo, hi) ENC_INT(U64, q, m, lo, hi)
#define ENC_ITEM_STR(m, lo, hi) ENC_STRING(q, m, lo, hi)
#define ENC_ITEM_FIELD(kind, m, lo, hi, ...) ENC_ITEM_##kind(m, lo, hi)
/* The count is range-checked before any item is read, so the loop stays
 * inside the array. */
#define ENC_LIST(m, lo, hi, item)                                             \
	if ((rc = put_uint(w, 2, lo, hi, p->m##_count)) != MSG_OK) {          \
		*field = #m;                                                  \
		return rc;                                                    \
	}                                                                     \
	for (size_t i_ = 0; i_ < p->m##_count; i_++) {                        \
		const struct msg_##m##_item *q = &p->m[i_];                   \
		MSG_ITEM_##item(ENC_ITEM_FIELD)                               \
	}
#define ENC_FIELD(kind, m, lo, hi, ...) ENC_##kind(m, lo, hi, __VA_ARGS__)

#define DEC_INT(kind, type, s, m, lo, hi)                                     \
	if ((rc = get_uint(r, WIDTH_##kind, lo, hi, &v)) != MSG_OK) {         \
		*field = #m;                                                  \
		return rc;                                                    \
	}                                                                     \
	s->m = (type)v;
#define DEC_STRING(s, m, lo, hi)                                              \
	if ((rc = get_str(r, s->m, lo, hi)) != MSG_OK) {                      \
		*field = #m;                                                  \
		return rc;                                                    \
	}
#define DEC_U8(m, lo, hi, ...) DEC_INT(U8, uint8_t, p, m, lo, hi)
#define DEC_U16(m, lo, hi, ...) DEC_INT(U16, uint16_t, p, m, lo, hi)
#define DEC_U32(m, lo, hi, ...) DEC_INT(U32, uint32_t, p, m, lo, hi)
#define DEC_U64(m, lo, hi, ...) DEC_INT(U64, uint64_t, p, m, lo, hi)
#define DEC_STR(m, lo, hi, ...) DEC_STRING(p, m, lo, hi)
#define DEC_BIN(m, lo, hi, ...)                                               \
	if ((rc = get_bin(r, p->m, &p->m##_len, lo, hi)) != MSG_OK) {         \
		*field = #m;                                                  \
		return rc;                                                    \
	}
#define DEC_ITEM_U8(m, lo, hi) DEC_INT(U8, uint8_t, q, m, lo, hi)
#define DEC_ITEM_U16(m, lo, hi) DEC_INT(U16, uint16_t, q, m, lo, hi)
#define DEC_ITEM_U32(m, lo, hi) DEC_INT(U32, uint32_t, q, m, lo, hi)
#define DEC_ITEM_U64(m, lo, hi) DEC_INT(U64, uint64_t, q, m, lo, hi)
#define DEC_ITEM_STR(m, lo, hi) DEC_STRING(q, m, lo, hi)
#define DEC_ITEM_FIELD(kind, m, lo, hi, ...) DEC_ITEM_##kind(m, lo, hi)
/* The count is checked against the array's size before any item is
 * written; items past it stay zero (msg_decode cleared the struct). */
#define DEC_LIST(m, lo, hi, item)                                             \
	if ((rc = get_uint(r, 2, lo, hi, &v)) != MSG_OK) {                    \
		*field = #m;                                                  \
		return rc;                                                    \
	}                                                                     \
	p->m##_count = (uint16_t)v;                                           \
	for (size_t i_ = 0; i_ < p->m##_count; i_++) {                        \
		struct msg_##m##_item *q = &p->m[i_];                         \
		MSG_ITEM_##item(DEC_ITEM_FIELD)                               \
	}
#define DEC_FIELD(kind, m, lo, hi, ...) DEC_##kind(m, lo, hi, __VA_ARGS__)

typedef enum msg_err (*encode_fn)(struct wire_writer *w, const union msg_payload *u,
				  const char **field);
typedef enum msg_err (*decode_fn)(struct wire_reader *r, union msg_payload *u,
				  const char **field);

#define DEFINE_CODEC(code, NAME, name, sender, fd)                            \
	MSG_FIELDS_##NAME(CHECK_FIELD)                                        \
	_Static_assert((code) >= 1 && (code) <= 0xffff, #NAME ": bad code");  \
	_Static_assert(MSG_HDR_LEN + (0 MSG_FIELDS_##NAME(MAXLEN_FIELD)) <=    \
			       MSG_FRAME_MAX, #NAME ": payload does not fit a frame"); \
	static enum msg_err encode_##name(struct wire_writer *w,              \
					  const union msg_payload *u,         \
					  const char **field)                 \
	{                                                                     \
		const struct msg_##name *p = &u->name;                        \
		enum msg_err rc = MSG_OK;                                     \
		MSG_FIELDS_##NAME(ENC_FIELD)                                  \
		(void)w, (void)p, (void)field;                                \
		return rc;                                                    \
	}                                                                     \
	static enum msg_err decode_##name(struct wire_reader *r,              \
					  union msg_payload *u,               \
					  const char **field)                 \
	{                                                                     \
		struct msg_##name *p = &u->name;                              \
		enum msg_err rc = MSG_OK;                                     \
		uint64_t v = 0;                                               \
		MSG_FIELDS_##NAME(DEC_FIELD)                                  \
		(void)r, (void)p, (void)v, (void)field;                       \
		return rc;                                                    \
	}
MSG_TABLE(DEFINE_CODEC)

struct msg_codec {
	struct msg_type_info info;
	encode_fn encode;
	decode_fn decode;
};

static const struct msg_codec codecs[MSG_TYPE_COUNT] = {
#define CODEC_ENTRY(code, NAME, lower, snd, fdr)                              \
	[MSG_IDX_##NAME] = {                                                  \
		.info = { .type = MSG_##NAME, .name = #NAME, .sender = snd,   \
			  .fd = fdr,                                          \
			  .min_len = 0 MSG_FIELDS_##NAME(MINLEN_FIELD),       \
			  .max_len = 0 MSG_FIELDS_##NAME(MAXLEN_FIELD) },     \
		.encode = encode_##lower,                                     \
		.decode = decode_##lower,                                     \
	},
	MSG_TABLE(CODEC_ENTRY)
#undef CODEC_ENTRY
};

/* A switch, so that two messages declared with one code fail to compile. */
int msg_type_index(unsigned type)
{
	switch (type) {
#define INDEX_CASE(code, NAME, name, sender, fd) \
	case code:                               \
		return MSG_IDX_##NAME;
		MSG_TABLE(INDEX_CASE)
#undef INDEX_CASE
	}
	return -1;
}

const struct msg_type_info *msg_type_info(unsigned type)
{
	int i = msg_type_index(type);

	return i < 0 ? NULL : &codecs[i].info;
}

const struct msg_type_info *msg_type_at(size_t i)
{
	return i < MSG_TYPE_COUNT ? &codecs[i].info : NULL;
}

const char *msg_type_name(unsigned type)
{
	const struct msg_type_info *t = msg_type_info(type);

	return t ? t->name : "unknown";
}

const char *msg_strerror(enum msg_err err)
{
	static const char *const text[] = {
		[MSG_OK] = "success",
		[MSG_E_SHORT] = "frame shorter than its header",
		[MSG_E_OVERSIZE] = "frame larger than allowed",
		[MSG_E_LENGTH] = "header length disagrees with the frame size",
		[MSG_E_RESERVED] = "reserved header bits set",
		[MSG_E_TYPE] = "unknown message type",
		[MSG_E_DIRECTION] = "message sent by the wrong side",
		[MSG_E_FD] = "wrong number of attached descriptors",
		[MSG_E_TRUNCATED] = "field runs past the end of the payload",
		[MSG_E_TRAILING] = "bytes after the last field",
		[MSG_E_RANGE] = "integer out of range",
		[MSG_E_STRLEN] = "string length out of range",
		[MSG_E_BINLEN] = "byte-string length out of range",
		[MSG_E_NUL] = "NUL byte inside a string",
		[MSG_E_CLOSED] = "channel closed by the peer",
		[MSG_E_AGAIN] = "channel not ready",
		[MSG_E_IO] = "channel I/O error",
	};

	if ((unsigned)err >= sizeof(text) / sizeof(text[0]) || !text[err])
		return "unknown error";
	return text[err];
}

void msg_init(struct msg *m, enum msg_type type, uint32_t peer)
{
	memset(m, 0, sizeof(*m));
	m->type = type;
	m->peer = peer;
	m->fd = -1;
}

enum msg_err msg_encode(const struct msg *m, enum msg_side sender, uint8_t *buf, size_t size,
			size_t *len, const char **field)
{
	const char *dummy;
	int i = msg_type_index(m->type);

	if (!field)
		field = &dummy;
	*field = "header";
	if (i < 0)
		return MSG_E_TYPE;
	const struct msg_codec *c = &codecs[i];
	if (c->info.sender != sender)
		return MSG_E_DIRECTION;
	if ((m->fd >= 0) != (c->info.fd == MSG_FD_ONE))
		return MSG_E_FD;
	if (size < MSG_HDR_LEN)
		return MSG_E_OVERSIZE;

	struct wire_writer w = { buf + MSG_HDR_LEN, size - MSG_HDR_LEN };
	if (w.left > MSG_FRAME_MAX - MSG_HDR_LEN)
		w.left = MSG_FRAME_MAX - MSG_HDR_LEN;
	enum msg_err rc = c->encode(&w, &m->u, field);
	if (rc != MSG_OK)
		return rc;

	size_t plen = (size_t)(w.p - (buf + MSG_HDR_LEN));
	put_be16(buf, (uint16_t)m->type);
	buf[2] = m->fd >= 0 ? 1 : 0;
	buf[3] = 0;
	put_be32(buf + 4, m->peer);
	put_be32(buf + 8, (uint32_t)plen);
	*len = MSG_HDR_LEN + plen;
	*field = NULL;
	return MSG_OK;
}

enum msg_err msg_decode(const uint8_t *frame, size_t len, int fd, enum msg_side receiver,
			struct msg *out, const char **field)
{
	const char *dummy;

	if (!field)
		field = &dummy;
	*field = "header";
	memset(out, 0, sizeof(*out));
	out->fd = -1;
	if (len < MSG_HDR_LEN)
		return MSG_E_SHORT;
	if (len > MSG_FRAME_MAX)
		return MSG_E_OVERSIZE;

	unsigned type = get_be16(frame);
	unsigned nfds = frame[2];
	uint32_t plen = get_be32(frame + 8);
	if (frame[3] != 0)
		return MSG_E_RESERVED;
	int i = msg_type_index(type);
	if (i < 0)
		return MSG_E_TYPE;
	const struct msg_codec *c = &codecs[i];
	if (c->info.sender == receiver)
		return MSG_E_DIRECTION;
	if (plen != len - MSG_HDR_LEN)
		return MSG_E_LENGTH;
	if (plen > c->info.max_len)
		return MSG_E_OVERSIZE;
	if (nfds != (c->info.fd == MSG_FD_ONE ? 1u : 0u) || nfds != (fd >= 0 ? 1u : 0u))
		return MSG_E_FD;

	struct wire_reader r = { frame + MSG_HDR_LEN, plen };
	enum msg_err rc = c->decode(&r, &out->u, field);
	if (rc != MSG_OK)
		return rc;
	if (r.left != 0) {
		*field = "payload";
		return MSG_E_TRAILING;
	}
	out->type = (enum msg_type)type;
	out->peer = get_be32(frame + 4);
	out->fd = fd;
	*field = NULL;
	return MSG_OK;
}
