/* PDU framing (RFC 7143 section 11.2): lengths, AHS, padding, digests,
 * and the decode/encode entry points. The opcode-specific header fields
 * are in pdu_bhs.c and pdu_build.c.
 *
 * Every length is computed from fields already bounds-checked against the
 * caller's length before any byte past the BHS is read, and all sizes are
 * size_t sums of values below 2^25, so nothing can wrap. */
#include "proto/pdu.h"

#include <string.h>

#include "base/bytes.h"
#include "proto/crc32c.h"
#include "proto/pdu_bhs.h"

static const char *const opcode_names[64] = {
	[ISCSI_OP_NOP_OUT] = "NOP-Out",
	[ISCSI_OP_SCSI_CMD] = "SCSI Command",
	[ISCSI_OP_TMF_REQ] = "Task Management Function Request",
	[ISCSI_OP_LOGIN_REQ] = "Login Request",
	[ISCSI_OP_TEXT_REQ] = "Text Request",
	[ISCSI_OP_DATA_OUT] = "SCSI Data-Out",
	[ISCSI_OP_LOGOUT_REQ] = "Logout Request",
	[ISCSI_OP_SNACK_REQ] = "SNACK Request",
	[ISCSI_OP_NOP_IN] = "NOP-In",
	[ISCSI_OP_SCSI_RSP] = "SCSI Response",
	[ISCSI_OP_TMF_RSP] = "Task Management Function Response",
	[ISCSI_OP_LOGIN_RSP] = "Login Response",
	[ISCSI_OP_TEXT_RSP] = "Text Response",
	[ISCSI_OP_DATA_IN] = "SCSI Data-In",
	[ISCSI_OP_LOGOUT_RSP] = "Logout Response",
	[ISCSI_OP_R2T] = "Ready To Transfer",
	[ISCSI_OP_ASYNC_MSG] = "Asynchronous Message",
	[ISCSI_OP_REJECT] = "Reject",
};

const char *pdu_opcode_name(uint8_t opcode)
{
	if (opcode < 64 && opcode_names[opcode] != NULL)
		return opcode_names[opcode];
	if ((opcode >= ISCSI_OP_VENDOR_INI_FIRST && opcode <= ISCSI_OP_VENDOR_INI_LAST) ||
	    (opcode >= ISCSI_OP_VENDOR_TGT_FIRST && opcode <= ISCSI_OP_VENDOR_TGT_LAST))
		return "vendor-specific";
	return "unknown";
}

bool pdu_opcode_supported(uint8_t opcode)
{
	switch (opcode) {
	case ISCSI_OP_NOP_OUT: case ISCSI_OP_SCSI_CMD: case ISCSI_OP_LOGIN_REQ:
	case ISCSI_OP_TEXT_REQ: case ISCSI_OP_LOGOUT_REQ: case ISCSI_OP_NOP_IN:
	case ISCSI_OP_SCSI_RSP: case ISCSI_OP_LOGIN_RSP: case ISCSI_OP_TEXT_RSP:
	case ISCSI_OP_LOGOUT_RSP: case ISCSI_OP_ASYNC_MSG: case ISCSI_OP_REJECT:
		return true;
	default:
		return false;
	}
}

/* Defined opcodes the kernel's data path handles, never this codec. */
static enum pdu_err classify_opcode(uint8_t opcode)
{
	if (pdu_opcode_supported(opcode))
		return PDU_OK;
	if (opcode < 64 && opcode_names[opcode] != NULL)
		return PDU_ERR_NOT_CONTROL_PATH;
	return PDU_ERR_UNKNOWN_OPCODE;
}

static const char *const err_messages[PDU_ERR_COUNT] = {
	[PDU_OK] = "no error",
	[PDU_ERR_TRUNCATED] = "PDU truncated: fewer bytes than its header announces",
	[PDU_ERR_TRAILING] = "bytes after the end of the PDU",
	[PDU_ERR_UNKNOWN_OPCODE] = "unknown or vendor-specific opcode",
	[PDU_ERR_NOT_CONTROL_PATH] = "opcode not allowed on the control path",
	[PDU_ERR_WRONG_SENDER] = "opcode not allowed from this sender",
	[PDU_ERR_DATA_TOO_LONG] = "DataSegmentLength exceeds MaxRecvDataSegmentLength",
	[PDU_ERR_DATA_NOT_ALLOWED] = "data segment in a PDU that must not carry one",
	[PDU_ERR_AHS_NOT_ALLOWED] = "additional header segment in a PDU that has none",
	[PDU_ERR_AHS_FORMAT] = "additional header segments do not match TotalAHSLength",
	[PDU_ERR_RESERVED_BIT] = "reserved bit set in header",
	[PDU_ERR_RESERVED_FIELD] = "reserved header field not zero",
	[PDU_ERR_RESERVED_CODE] = "reserved code value in header field",
	[PDU_ERR_FIXED_FIELD] = "header bit or field differs from its required value",
	[PDU_ERR_T_AND_C] = "Transit/Final bit and Continue bit both set",
	[PDU_ERR_BAD_FLAGS] = "overflow and underflow flags both set",
	[PDU_ERR_SEGMENT_FORMAT] = "data segment inconsistent with its own lengths",
	[PDU_ERR_PADDING] = "non-zero padding byte",
	[PDU_ERR_HEADER_DIGEST] = "header digest mismatch",
	[PDU_ERR_DATA_DIGEST] = "data digest mismatch",
	[PDU_ERR_NO_SPACE] = "output buffer too small for the PDU",
	[PDU_ERR_INVALID] = "invalid argument or field value for encoding",
};

const char *pdu_strerror(enum pdu_err err)
{
	if ((unsigned)err < PDU_ERR_COUNT && err_messages[err] != NULL)
		return err_messages[err];
	return "unknown PDU error";
}

/* Byte offsets of each part of one PDU. */
struct frame {
	size_t ahs_len;
	size_t header_end;      /* BHS + AHS: what the header digest covers */
	size_t data_at;
	size_t data_len;
	size_t padded_len;
	size_t total;
};

static void frame_of(size_t ahs_len, size_t data_len, const struct pdu_wire_opts *opts,
		     struct frame *f)
{
	f->ahs_len = ahs_len;
	f->header_end = ISCSI_BHS_LEN + ahs_len;
	f->data_at = f->header_end + (opts->header_digest ? ISCSI_DIGEST_LEN : 0);
	f->data_len = data_len;
	f->padded_len = pdu_pad4(data_len);
	f->total = f->data_at + f->padded_len;
	/* 11.2: no data digest for an empty data segment. */
	if (opts->data_digest && data_len > 0)
		f->total += ISCSI_DIGEST_LEN;
}

static bool sender_allowed(uint8_t opcode, enum pdu_sender sender)
{
	bool target_opcode = (opcode & 0x20) != 0;

	switch (sender) {
	case PDU_SENDER_TARGET:
		return target_opcode;
	case PDU_SENDER_INITIATOR:
		return !target_opcode;
	default:
		return true;
	}
}

enum pdu_err pdu_wire_length(const uint8_t *bhs, size_t len,
			     const struct pdu_wire_opts *opts, size_t *wire_len)
{
	uint8_t opcode;
	uint32_t dsl;
	enum pdu_err err;
	struct frame f;

	if (opts == NULL || wire_len == NULL || (bhs == NULL && len > 0))
		return PDU_ERR_INVALID;
	*wire_len = 0;
	if (len < ISCSI_BHS_LEN)
		return PDU_ERR_TRUNCATED;
	opcode = bhs[0] & ISCSI_BHS_OPCODE_MASK;
	err = classify_opcode(opcode);
	if (err != PDU_OK)
		return err;
	if (!sender_allowed(opcode, opts->sender))
		return PDU_ERR_WRONG_SENDER;
	/* Only the SCSI Command has AHS types defined for it (11.2.2);
	 * an AHS on any other control PDU could not be interpreted. */
	if (bhs[4] != 0 && opcode != ISCSI_OP_SCSI_CMD)
		return PDU_ERR_AHS_NOT_ALLOWED;
	dsl = get_be24(bhs + 5);
	if (dsl > opts->max_data_len)
		return PDU_ERR_DATA_TOO_LONG;
	frame_of((size_t)bhs[4] * 4, dsl, opts, &f);
	*wire_len = f.total;
	return PDU_OK;
}

static enum pdu_err check_digests(const uint8_t *buf, const struct frame *f,
				  const struct pdu_wire_opts *opts)
{
	if (opts->header_digest && !crc32c_check(buf + f->header_end, buf, f->header_end))
		return PDU_ERR_HEADER_DIGEST;
	/* 13.1: the data digest covers the padding too. */
	if (opts->data_digest && f->data_len > 0 &&
	    !crc32c_check(buf + f->data_at + f->padded_len, buf + f->data_at, f->padded_len))
		return PDU_ERR_DATA_DIGEST;
	return PDU_OK;
}

/* Frames a complete PDU of exactly len bytes. */
static enum pdu_err frame_complete(const uint8_t *buf, size_t len,
				   const struct pdu_wire_opts *opts, struct frame *f)
{
	size_t total;
	enum pdu_err err = pdu_wire_length(buf, len, opts, &total);

	if (err != PDU_OK)
		return err;
	if (len < total)
		return PDU_ERR_TRUNCATED;
	if (len > total)
		return PDU_ERR_TRAILING;
	frame_of((size_t)buf[4] * 4, get_be24(buf + 5), opts, f);
	return PDU_OK;
}

enum pdu_err pdu_check_digests(const uint8_t *buf, size_t len,
			       const struct pdu_wire_opts *opts)
{
	struct frame f;
	enum pdu_err err = frame_complete(buf, len, opts, &f);

	return err != PDU_OK ? err : check_digests(buf, &f, opts);
}

/* 11.2.2: each AHS is AHSLength (2 bytes), AHSType (1), AHS-specific
 * bytes, padded to a 4-byte boundary; together they fill TotalAHSLength.
 * AHSType: bits 0-1 reserved, bits 2-7 the code. */
static enum pdu_err check_ahs(const uint8_t *ahs, size_t len, bool strict)
{
	size_t off = 0;

	while (off < len) {
		size_t left = len - off;
		if (left < 4)
			return PDU_ERR_AHS_FORMAT;
		uint16_t alen = get_be16(ahs + off);
		uint8_t type = ahs[off + 2];
		size_t entry = pdu_pad4(3 + (size_t)alen);
		if (entry > left)
			return PDU_ERR_AHS_FORMAT;
		if (strict && (type & 0xc0))
			return PDU_ERR_RESERVED_BIT;
		switch (type & 0x3f) {
		case ISCSI_AHS_EXTENDED_CDB:
			/* 11.2.2.3: a reserved byte, then the CDB past byte 16. */
			if (alen < 2)
				return PDU_ERR_AHS_FORMAT;
			break;
		case ISCSI_AHS_BIDI_READ_LEN:
			/* 11.2.2.4: AHSLength 5, a reserved byte and 4 bytes. */
			if (alen != 5)
				return PDU_ERR_AHS_FORMAT;
			break;
		default:
			/* 60..63 are for non-iSCSI extensions; the rest reserved. */
			if ((type & 0x3f) < 60)
				return PDU_ERR_RESERVED_CODE;
			break;
		}
		if (strict && (type & 0x3f) < 60 && ahs[off + 3] != 0)
			return PDU_ERR_RESERVED_FIELD;
		for (size_t i = 3 + (size_t)alen; strict && i < entry; i++)
			if (ahs[off + i] != 0)
				return PDU_ERR_PADDING;
		off += entry;
	}
	return PDU_OK;
}

bool pdu_ahs_next(const struct iscsi_pdu *pdu, size_t *offset, struct pdu_ahs *ahs)
{
	size_t off = *offset;

	if (pdu->ahs == NULL || off >= pdu->ahs_len || pdu->ahs_len - off < 4)
		return false;
	uint16_t alen = get_be16(pdu->ahs + off);
	size_t entry = pdu_pad4(3 + (size_t)alen);
	if (entry > pdu->ahs_len - off)
		return false;
	ahs->type = pdu->ahs[off + 2];
	ahs->len = alen;
	ahs->data = pdu->ahs + off + 3;
	*offset = off + entry;
	return true;
}

enum pdu_err pdu_decode(const uint8_t *buf, size_t len,
			const struct pdu_wire_opts *opts, struct iscsi_pdu *pdu)
{
	struct frame f;
	enum pdu_err err;
	bool strict;

	if (pdu == NULL)
		return PDU_ERR_INVALID;
	err = frame_complete(buf, len, opts, &f);
	if (err != PDU_OK)
		return err;
	/* A header that fails its digest says nothing reliable; check it
	 * before looking at any field. */
	err = check_digests(buf, &f, opts);
	if (err != PDU_OK)
		return err;
	strict = !opts->lenient_reserved;
	err = check_ahs(buf + ISCSI_BHS_LEN, f.ahs_len, strict);
	if (err != PDU_OK)
		return err;
	/* 11.1 and 13.1: padding SHOULD be zero. */
	for (size_t i = f.data_len; strict && i < f.padded_len; i++)
		if (buf[f.data_at + i] != 0)
			return PDU_ERR_PADDING;
	const uint8_t *data = f.data_len ? buf + f.data_at : NULL;
	err = pdu_bhs_check(buf, data, f.data_len, strict);
	if (err != PDU_OK)
		return err;

	memset(pdu, 0, sizeof(*pdu));
	pdu->ahs = f.ahs_len ? buf + ISCSI_BHS_LEN : NULL;
	pdu->ahs_len = f.ahs_len;
	pdu->data = data;
	pdu->data_len = f.data_len;
	pdu->wire_len = f.total;
	pdu_bhs_parse(buf, pdu);
	return PDU_OK;
}

void pdu_init(struct iscsi_pdu *pdu, uint8_t opcode)
{
	memset(pdu, 0, sizeof(*pdu));
	pdu->opcode = opcode;
}

static enum pdu_err check_encode_args(const struct iscsi_pdu *pdu,
				      const struct pdu_wire_opts *opts)
{
	enum pdu_err err = classify_opcode(pdu->opcode);

	if (err != PDU_OK)
		return err;
	if (pdu->ahs_len % 4 != 0 || pdu->ahs_len > ISCSI_AHS_MAX_LEN ||
	    (pdu->ahs_len > 0 && pdu->ahs == NULL) || (pdu->data_len > 0 && pdu->data == NULL))
		return PDU_ERR_INVALID;
	if (pdu->ahs_len > 0 && pdu->opcode != ISCSI_OP_SCSI_CMD)
		return PDU_ERR_AHS_NOT_ALLOWED;
	if (pdu->data_len > ISCSI_DSL_MAX || pdu->data_len > opts->max_data_len)
		return PDU_ERR_DATA_TOO_LONG;
	return PDU_OK;
}

enum pdu_err pdu_encode(const struct iscsi_pdu *pdu, const struct pdu_wire_opts *opts,
			uint8_t *out, size_t cap, size_t *wire_len)
{
	uint8_t bhs[ISCSI_BHS_LEN];
	struct frame f;
	enum pdu_err err;

	if (pdu == NULL || opts == NULL || wire_len == NULL || (out == NULL && cap > 0))
		return PDU_ERR_INVALID;
	*wire_len = 0;
	err = check_encode_args(pdu, opts);
	if (err != PDU_OK)
		return err;
	err = pdu_bhs_build(pdu, bhs);
	if (err != PDU_OK)
		return err;
	bhs[4] = (uint8_t)(pdu->ahs_len / 4);
	put_be24(bhs + 5, (uint32_t)pdu->data_len);
	/* What we send passes our own strict decoder. */
	err = check_ahs(pdu->ahs, pdu->ahs_len, true);
	if (err == PDU_OK)
		err = pdu_bhs_check(bhs, pdu->data, pdu->data_len, true);
	if (err != PDU_OK)
		return err;
	frame_of(pdu->ahs_len, pdu->data_len, opts, &f);
	if (f.total > cap)
		return PDU_ERR_NO_SPACE;

	/* memmove: the caller may have staged AHS or data inside out. The
	 * data goes first since it lies furthest in. */
	if (f.data_len > 0)
		memmove(out + f.data_at, pdu->data, f.data_len);
	memset(out + f.data_at + f.data_len, 0, f.padded_len - f.data_len);
	if (f.ahs_len > 0)
		memmove(out + ISCSI_BHS_LEN, pdu->ahs, f.ahs_len);
	memcpy(out, bhs, ISCSI_BHS_LEN);
	if (opts->header_digest)
		crc32c_put(out + f.header_end, crc32c(out, f.header_end));
	if (opts->data_digest && f.data_len > 0)
		crc32c_put(out + f.data_at + f.padded_len, crc32c(out + f.data_at, f.padded_len));
	*wire_len = f.total;
	return PDU_OK;
}
