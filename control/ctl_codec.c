/* Control frame codec. Every message is encoded and decoded by one loop
 * over the field descriptors generated from control/ctl_types.h; there
 * is no per-message code to get wrong. */
#include "control/ctl_msg.h"

#include <string.h>

#include "base/bytes.h"

/* ---- descriptors and bounds, generated from CTL_TABLE ---- */

/* lo <= hi, written so that lo = 0 does not trip -Wtype-limits. */
#define CHECK_INT(S, m, lo, hi, top)                                                \
	_Static_assert((uint64_t)(hi) - (uint64_t)(lo) <= (uint64_t)(hi) &&          \
		       (uint64_t)(hi) <= (top), #S "." #m ": bad bounds");
#define CHECK_U8(S, m, lo, hi) CHECK_INT(S, m, lo, hi, 0xffu)
#define CHECK_U16(S, m, lo, hi) CHECK_INT(S, m, lo, hi, 0xffffu)
#define CHECK_U32(S, m, lo, hi) CHECK_INT(S, m, lo, hi, 0xffffffffu)
#define CHECK_U64(S, m, lo, hi) CHECK_INT(S, m, lo, hi, UINT64_MAX)
#define CHECK_STR(S, m, lo, hi) CHECK_INT(S, m, lo, hi, 0xffffu)
#define CHECK_FIELD(S, kind, m, lo, hi) CHECK_##kind(S, m, lo, hi)

#define LEN_U8(lo, hi) 1
#define LEN_U16(lo, hi) 2
#define LEN_U32(lo, hi) 4
#define LEN_U64(lo, hi) 8
#define MINLEN_STR(lo, hi) (2 + (lo))
#define MAXLEN_STR(lo, hi) (2 + (hi))
#define MINLEN_U8 LEN_U8
#define MINLEN_U16 LEN_U16
#define MINLEN_U32 LEN_U32
#define MINLEN_U64 LEN_U64
#define MAXLEN_U8 LEN_U8
#define MAXLEN_U16 LEN_U16
#define MAXLEN_U32 LEN_U32
#define MAXLEN_U64 LEN_U64
#define MINLEN_FIELD(S, kind, m, lo, hi) +MINLEN_##kind(lo, hi)
#define MAXLEN_FIELD(S, kind, m, lo, hi) +MAXLEN_##kind(lo, hi)

#define FIELD_DESC(S, kind, m, lo, hi) \
	{ CTLF_##kind, #m, offsetof(struct S, m), (uint64_t)(lo), (uint64_t)(hi) },

/* Each array ends with a zeroed sentinel so that a message without fields
 * still has a (one-element) array. */
#define DEFINE_FIELDS(code, NAME, name, sender, request)                            \
	CTL_FIELDS_##NAME(CHECK_FIELD, ctl_##name)                                  \
	_Static_assert((code) >= 1 && (code) <= 0xffff, #NAME ": bad code");        \
	_Static_assert(((code) < 0x8000) == ((sender) == CTL_BY_CLIENT),            \
		       #NAME ": requests below 0x8000, responses above");            \
	_Static_assert(((request) != 0) == ((sender) == CTL_BY_CLIENT),             \
		       #NAME ": every request, and only requests, name a policy row"); \
	_Static_assert(CTL_HDR_LEN + (0 CTL_FIELDS_##NAME(MAXLEN_FIELD, ctl_##name)) <= \
			       CTL_FRAME_MAX, #NAME ": payload does not fit a frame"); \
	static const struct ctl_field fields_##name[] = {                           \
		CTL_FIELDS_##NAME(FIELD_DESC, ctl_##name) { 0, NULL, 0, 0, 0 }      \
	};
CTL_TABLE(DEFINE_FIELDS)

static const struct ctl_type_info types[CTL_TYPE_COUNT] = {
#define TYPE_ENTRY(code, NAME, lower, snd, req)                                     \
	[CTL_IDX_##NAME] = {                                                        \
		.type = CTL_MSG_##NAME, .name = #NAME, .sender = snd,               \
		.request = req, .fields = fields_##lower,                           \
		.nfields = sizeof(fields_##lower) / sizeof(fields_##lower[0]) - 1,  \
		.min_len = 0 CTL_FIELDS_##NAME(MINLEN_FIELD, ctl_##lower),          \
		.max_len = 0 CTL_FIELDS_##NAME(MAXLEN_FIELD, ctl_##lower),          \
	},
	CTL_TABLE(TYPE_ENTRY)
#undef TYPE_ENTRY
};

/* A switch, so that two messages declared with one code fail to compile. */
static int type_index(unsigned type)
{
	switch (type) {
#define INDEX_CASE(code, NAME, name, sender, request) \
	case code:                                    \
		return CTL_IDX_##NAME;
		CTL_TABLE(INDEX_CASE)
#undef INDEX_CASE
	}
	return -1;
}

const struct ctl_type_info *ctl_type_info(unsigned type)
{
	int i = type_index(type);

	return i < 0 ? NULL : &types[i];
}

const struct ctl_type_info *ctl_type_at(size_t i)
{
	return i < CTL_TYPE_COUNT ? &types[i] : NULL;
}

const char *ctl_type_name(unsigned type)
{
	const struct ctl_type_info *t = ctl_type_info(type);

	return t ? t->name : "unknown";
}

const char *ctl_strerror(enum ctl_err err)
{
	static const char *const text[] = {
		[CTL_OK] = "success",
		[CTL_E_SHORT] = "message shorter than its header",
		[CTL_E_OVERSIZE] = "message larger than allowed",
		[CTL_E_VERSION] = "control protocol version mismatch",
		[CTL_E_LENGTH] = "header length disagrees with the message size",
		[CTL_E_TYPE] = "unknown message type",
		[CTL_E_DIRECTION] = "message sent by the wrong side",
		[CTL_E_TRUNCATED] = "field runs past the end of the message",
		[CTL_E_TRAILING] = "bytes after the last field",
		[CTL_E_RANGE] = "integer out of range",
		[CTL_E_STRLEN] = "string length out of range",
		[CTL_E_CHAR] = "NUL or control character inside a string",
		[CTL_E_ANCILLARY] = "descriptors or other ancillary data attached",
		[CTL_E_CLOSED] = "connection closed by the peer",
		[CTL_E_AGAIN] = "connection not ready",
		[CTL_E_TIMEOUT] = "no answer in time",
		[CTL_E_IO] = "connection I/O error",
	};

	if ((unsigned)err >= sizeof(text) / sizeof(text[0]) || !text[err])
		return "unknown error";
	return text[err];
}

bool ctl_answer_allowed(enum ctl_type req, enum ctl_type resp)
{
#define ANSWER(REQ, RESP)                                               \
	if (req == CTL_MSG_##REQ && resp == CTL_MSG_##RESP)             \
		return true;
	CTL_ANSWERS(ANSWER)
#undef ANSWER
	return false;
}

void ctl_msg_init(struct ctl_msg *m, enum ctl_type type)
{
	memset(m, 0, sizeof(*m));
	m->type = type;
}

/* ---- the one encoder and the one decoder ---- */

static unsigned width_of(enum ctl_field_kind k)
{
	switch (k) {
	case CTLF_U8:
		return 1;
	case CTLF_U16:
		return 2;
	case CTLF_U32:
		return 4;
	case CTLF_U64:
		return 8;
	case CTLF_STR:
		break;
	}
	return 0;
}

static uint64_t load_uint(const uint8_t *p, unsigned width)
{
	uint8_t v8;
	uint16_t v16;
	uint32_t v32;
	uint64_t v64;

	switch (width) {
	case 1:
		memcpy(&v8, p, 1);
		return v8;
	case 2:
		memcpy(&v16, p, 2);
		return v16;
	case 4:
		memcpy(&v32, p, 4);
		return v32;
	default:
		memcpy(&v64, p, 8);
		return v64;
	}
}

static void store_uint(uint8_t *p, unsigned width, uint64_t v)
{
	uint8_t v8 = (uint8_t)v;
	uint16_t v16 = (uint16_t)v;
	uint32_t v32 = (uint32_t)v;

	switch (width) {
	case 1:
		memcpy(p, &v8, 1);
		break;
	case 2:
		memcpy(p, &v16, 2);
		break;
	case 4:
		memcpy(p, &v32, 4);
		break;
	default:
		memcpy(p, &v, 8);
		break;
	}
}

/* Control strings end up in terminals and log lines: no byte of them may
 * start a new line or an escape sequence. */
static bool clean_text(const uint8_t *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] < 0x20 || s[i] == 0x7f)
			return false;
	return true;
}

static enum ctl_err encode_field(const struct ctl_field *f, const uint8_t *base, uint8_t **wp,
				 size_t *left)
{
	unsigned width = width_of(f->kind);

	if (f->kind == CTLF_STR) {
		const char *s = (const char *)(base + f->offset);
		size_t n = strnlen(s, (size_t)f->hi + 1);
		if (n < f->lo || n > f->hi)
			return CTL_E_STRLEN;
		if (!clean_text((const uint8_t *)s, n))
			return CTL_E_CHAR;
		if (*left < 2 + n)
			return CTL_E_OVERSIZE;
		put_be16(*wp, (uint16_t)n);
		memcpy(*wp + 2, s, n);
		*wp += 2 + n;
		*left -= 2 + n;
		return CTL_OK;
	}
	uint64_t v = load_uint(base + f->offset, width);
	if (v < f->lo || v > f->hi)
		return CTL_E_RANGE;
	if (*left < width)
		return CTL_E_OVERSIZE;
	for (unsigned i = 0; i < width; i++)
		(*wp)[i] = (uint8_t)(v >> (8 * (width - 1 - i)));
	*wp += width;
	*left -= width;
	return CTL_OK;
}

static enum ctl_err decode_field(const struct ctl_field *f, uint8_t *base, const uint8_t **rp,
				 size_t *left)
{
	unsigned width = width_of(f->kind);

	if (f->kind == CTLF_STR) {
		if (*left < 2)
			return CTL_E_TRUNCATED;
		size_t n = get_be16(*rp);
		if (n < f->lo || n > f->hi)
			return CTL_E_STRLEN;
		if (n > *left - 2)
			return CTL_E_TRUNCATED;
		if (!clean_text(*rp + 2, n))
			return CTL_E_CHAR;
		char *s = (char *)(base + f->offset);
		memcpy(s, *rp + 2, n);
		s[n] = '\0';
		*rp += 2 + n;
		*left -= 2 + n;
		return CTL_OK;
	}
	if (*left < width)
		return CTL_E_TRUNCATED;
	uint64_t v = 0;
	for (unsigned i = 0; i < width; i++)
		v = v << 8 | (*rp)[i];
	*rp += width;
	*left -= width;
	if (v < f->lo || v > f->hi)
		return CTL_E_RANGE;
	store_uint(base + f->offset, width, v);
	return CTL_OK;
}

enum ctl_err ctl_encode(const struct ctl_msg *m, enum ctl_side sender, uint8_t *buf,
			size_t size, size_t *len, const char **field)
{
	const char *dummy;
	const struct ctl_type_info *t = ctl_type_info(m->type);

	if (!field)
		field = &dummy;
	*field = "header";
	if (!t)
		return CTL_E_TYPE;
	if (t->sender != sender)
		return CTL_E_DIRECTION;
	if (size < CTL_HDR_LEN)
		return CTL_E_OVERSIZE;

	uint8_t *w = buf + CTL_HDR_LEN;
	size_t left = size - CTL_HDR_LEN;
	if (left > CTL_FRAME_MAX - CTL_HDR_LEN)
		left = CTL_FRAME_MAX - CTL_HDR_LEN;
	for (size_t i = 0; i < t->nfields; i++) {
		enum ctl_err rc = encode_field(&t->fields[i], (const uint8_t *)&m->u, &w, &left);
		if (rc != CTL_OK) {
			*field = t->fields[i].name;
			return rc;
		}
	}
	size_t plen = (size_t)(w - (buf + CTL_HDR_LEN));
	put_be16(buf, CTL_PROTO_VERSION);
	put_be16(buf + 2, (uint16_t)m->type);
	put_be32(buf + 4, (uint32_t)plen);
	*len = CTL_HDR_LEN + plen;
	*field = NULL;
	return CTL_OK;
}

enum ctl_err ctl_decode(const uint8_t *frame, size_t len, enum ctl_side receiver,
			struct ctl_msg *out, const char **field, unsigned *version)
{
	const char *dummy;

	if (!field)
		field = &dummy;
	*field = "header";
	memset(out, 0, sizeof(*out));
	if (len < CTL_HDR_LEN)
		return CTL_E_SHORT;
	if (version)
		*version = get_be16(frame);
	if (get_be16(frame) != CTL_PROTO_VERSION)
		return CTL_E_VERSION;
	if (len > CTL_FRAME_MAX)
		return CTL_E_OVERSIZE;

	unsigned type = get_be16(frame + 2);
	uint32_t plen = get_be32(frame + 4);
	const struct ctl_type_info *t = ctl_type_info(type);
	if (!t)
		return CTL_E_TYPE;
	if (t->sender == receiver)
		return CTL_E_DIRECTION;
	if (plen != len - CTL_HDR_LEN)
		return CTL_E_LENGTH;
	if (plen > t->max_len)
		return CTL_E_OVERSIZE;

	const uint8_t *r = frame + CTL_HDR_LEN;
	size_t left = plen;
	for (size_t i = 0; i < t->nfields; i++) {
		enum ctl_err rc = decode_field(&t->fields[i], (uint8_t *)&out->u, &r, &left);
		if (rc != CTL_OK) {
			*field = t->fields[i].name;
			return rc;
		}
	}
	if (left != 0) {
		*field = "payload";
		return CTL_E_TRAILING;
	}
	out->type = (enum ctl_type)type;
	*field = NULL;
	return CTL_OK;
}
