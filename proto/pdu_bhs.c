/* The opcode-specific part of the BHS: which bits and bytes RFC 7143
 * section 11 marks reserved or fixed for each control-path PDU, the
 * per-opcode rules, and field access.
 *
 * Only fields the RFC marks plainly "Reserved" (or "." for a bit) are
 * checked against zero. Fields marked "X or Reserved" (LUN or Reserved,
 * CID or Reserved, ExpStatSN or Reserved, Parameter1 or Reserved, the
 * residual counts, ...) carry a value in some contexts, so they are never
 * checked; neither is NSG while T is 0: 11.12.3 calls it reserved then,
 * a conditional reservation like "X or Reserved", and refusing a login
 * over a field that carries no meaning would buy nothing. */
#include "proto/pdu_bhs.h"

#include <string.h>

#include "base/bytes.h"

struct byte_range {
	uint8_t from, to;       /* [from, to), to == 0 ends the list */
};

struct bhs_layout {
	uint8_t opcode;
	uint8_t flags_fixed;    /* byte 1 bits drawn as "1" */
	uint8_t flags_reserved; /* byte 1 bits drawn as "." or "Reserved" */
	struct byte_range reserved[5];
};

/* Byte 0 bit 0x80 is "." in every PDU and bit 0x40 is "." in every
 * target PDU; those are checked apart from this table. */
static const struct bhs_layout layouts[] = {
	/* 11.18 NOP-Out: |1| Reserved | Reserved; 32-47 Reserved */
	{ ISCSI_OP_NOP_OUT, 0x80, 0x7f, { { 2, 4 }, { 32, 48 } } },
	/* 11.3 SCSI Command: |F|R|W|. .|ATTR| Reserved */
	{ ISCSI_OP_SCSI_CMD, 0x00, 0x18, { { 2, 4 } } },
	/* 11.12 Login Request: |T|C|.|.|CSG|NSG|; 22-23, 32-47 Reserved */
	{ ISCSI_OP_LOGIN_REQ, 0x00, 0x30, { { 22, 24 }, { 32, 48 } } },
	/* 11.10 Text Request: |F|C| Reserved; 32-47 Reserved */
	{ ISCSI_OP_TEXT_REQ, 0x00, 0x3f, { { 2, 4 }, { 32, 48 } } },
	/* 11.14 Logout Request: |1| Reason Code | Reserved; 8-15, 22-23,
	 * 32-47 Reserved */
	{ ISCSI_OP_LOGOUT_REQ, 0x80, 0x00, { { 2, 4 }, { 8, 16 }, { 22, 24 }, { 32, 48 } } },
	/* 11.19 NOP-In: |1| Reserved | Reserved; 36-47 Reserved */
	{ ISCSI_OP_NOP_IN, 0x80, 0x7f, { { 2, 4 }, { 36, 48 } } },
	/* 11.4 SCSI Response: |1|. .|o|u|O|U|.|; 8-15 Reserved */
	{ ISCSI_OP_SCSI_RSP, 0x80, 0x61, { { 8, 16 } } },
	/* 11.13 Login Response: |T|C|.|.|CSG|NSG|; 20-23, 38-47 Reserved */
	{ ISCSI_OP_LOGIN_RSP, 0x00, 0x30, { { 20, 24 }, { 38, 48 } } },
	/* 11.11 Text Response: |F|C| Reserved; 36-47 Reserved */
	{ ISCSI_OP_TEXT_RSP, 0x00, 0x3f, { { 2, 4 }, { 36, 48 } } },
	/* 11.15 Logout Response: |1| Reserved | Response | Reserved; 8-15,
	 * 20-23, 36-39, 44-47 Reserved */
	{ ISCSI_OP_LOGOUT_RSP, 0x80, 0x7f,
	  { { 3, 4 }, { 8, 16 }, { 20, 24 }, { 36, 40 }, { 44, 48 } } },
	/* 11.9 Asynchronous Message: |1| Reserved; 20-23, 44-47 Reserved */
	{ ISCSI_OP_ASYNC_MSG, 0x80, 0x7f, { { 2, 4 }, { 20, 24 }, { 44, 48 } } },
	/* 11.17 Reject: |1| Reserved | Reason | Reserved; 8-15, 20-23,
	 * 40-47 Reserved */
	{ ISCSI_OP_REJECT, 0x80, 0x7f, { { 3, 4 }, { 8, 16 }, { 20, 24 }, { 40, 48 } } },
};

static const struct bhs_layout *layout_of(uint8_t opcode)
{
	for (size_t i = 0; i < sizeof(layouts) / sizeof(layouts[0]); i++)
		if (layouts[i].opcode == opcode)
			return &layouts[i];
	return NULL;
}

static bool from_target(uint8_t opcode)
{
	return (opcode & 0x20) != 0;
}

static bool any_nonzero(const uint8_t *p, size_t from, size_t to)
{
	for (size_t i = from; i < to; i++)
		if (p[i] != 0)
			return true;
	return false;
}

static enum pdu_err check_layout(const uint8_t *bhs, const struct bhs_layout *l, bool strict)
{
	uint8_t b0_reserved = from_target(l->opcode) ? 0xc0 : 0x80;

	if ((bhs[1] & l->flags_fixed) != l->flags_fixed)
		return PDU_ERR_FIXED_FIELD;
	if (!strict)
		return PDU_OK;
	if ((bhs[0] & b0_reserved) || (bhs[1] & l->flags_reserved))
		return PDU_ERR_RESERVED_BIT;
	for (const struct byte_range *r = l->reserved; r < l->reserved + 5 && r->to; r++)
		if (any_nonzero(bhs, r->from, r->to))
			return PDU_ERR_RESERVED_FIELD;
	return PDU_OK;
}

/* Data segments that open with a 2-byte SenseLength (SCSI Response
 * 11.4.7, Async Message 11.9.4): when present, the sense must fit. */
static enum pdu_err check_sense_segment(const uint8_t *data, size_t data_len)
{
	if (data_len == 0)
		return PDU_OK;
	if (data_len < 2 || 2 + (size_t)get_be16(data) > data_len)
		return PDU_ERR_SEGMENT_FORMAT;
	return PDU_OK;
}

/* CSG and NSG: 2 is a reserved stage (11.12.3); NSG counts only with T. */
static enum pdu_err check_stages(uint8_t flags)
{
	if (flags & ISCSI_FLAG_LOGIN_TRANSIT && flags & ISCSI_FLAG_LOGIN_CONTINUE)
		return PDU_ERR_T_AND_C;
	if (((flags & ISCSI_LOGIN_CSG_MASK) >> ISCSI_LOGIN_CSG_SHIFT) == 2)
		return PDU_ERR_RESERVED_CODE;
	if (flags & ISCSI_FLAG_LOGIN_TRANSIT && (flags & ISCSI_LOGIN_NSG_MASK) == 2)
		return PDU_ERR_RESERVED_CODE;
	return PDU_OK;
}

static enum pdu_err check_opcode_rules(const uint8_t *bhs, const uint8_t *data, size_t data_len)
{
	uint8_t flags = bhs[1];
	uint32_t itt = get_be32(bhs + 16);

	switch (bhs[0] & ISCSI_BHS_OPCODE_MASK) {
	case ISCSI_OP_LOGIN_REQ:
		/* 11.12: the I bit is drawn as a constant 1. */
		if (!(bhs[0] & ISCSI_BHS_IMMEDIATE))
			return PDU_ERR_FIXED_FIELD;
		return check_stages(flags);
	case ISCSI_OP_LOGIN_RSP:
		return check_stages(flags);
	case ISCSI_OP_TEXT_REQ:
		/* 11.10.2: a Text Request with C set MUST have F clear. */
		if (flags & ISCSI_FLAG_FINAL && flags & ISCSI_FLAG_TEXT_CONTINUE)
			return PDU_ERR_T_AND_C;
		return PDU_OK;
	case ISCSI_OP_TEXT_RSP:
		if (flags & ISCSI_FLAG_FINAL && flags & ISCSI_FLAG_TEXT_CONTINUE)
			return PDU_ERR_T_AND_C;
		/* 11.11.1: F=1 MUST carry TTT 0xffffffff, F=0 MUST NOT. */
		if (!!(flags & ISCSI_FLAG_FINAL) != (get_be32(bhs + 20) == ISCSI_RESERVED_TAG))
			return PDU_ERR_FIXED_FIELD;
		return PDU_OK;
	case ISCSI_OP_LOGOUT_REQ:
		if ((flags & 0x7f) > ISCSI_LOGOUT_REMOVE_FOR_RECOVERY)
			return PDU_ERR_RESERVED_CODE;
		return PDU_OK;
	case ISCSI_OP_LOGOUT_RSP:
		if (bhs[2] > ISCSI_LOGOUT_RSP_CLEANUP_FAILED)
			return PDU_ERR_RESERVED_CODE;
		return PDU_OK;
	case ISCSI_OP_NOP_OUT:
		/* 11.18.1: ITT 0xffffffff (no reply wanted) MUST have I set. */
		if (itt == ISCSI_RESERVED_TAG && !(bhs[0] & ISCSI_BHS_IMMEDIATE))
			return PDU_ERR_FIXED_FIELD;
		return PDU_OK;
	case ISCSI_OP_NOP_IN:
		/* 11.19: an unsolicited NOP-In (ITT 0xffffffff) MUST have
		 * DataSegmentLength 0. */
		if (itt == ISCSI_RESERVED_TAG && data_len != 0)
			return PDU_ERR_DATA_NOT_ALLOWED;
		return PDU_OK;
	case ISCSI_OP_ASYNC_MSG:
		if (itt != ISCSI_RESERVED_TAG)
			return PDU_ERR_FIXED_FIELD;
		/* 11.9.1: events 5..254 are reserved, 255 vendor-specific. */
		if (bhs[36] > ISCSI_ASYNC_RENEGOTIATE && bhs[36] != ISCSI_ASYNC_VENDOR)
			return PDU_ERR_RESERVED_CODE;
		return check_sense_segment(data, data_len);
	case ISCSI_OP_REJECT:
		if (itt != ISCSI_RESERVED_TAG)
			return PDU_ERR_FIXED_FIELD;
		/* 11.17.1: 0x01 is listed as reserved, 0x0d and up are
		 * unassigned; 0x00 is not listed at all. */
		if (bhs[2] < ISCSI_REJECT_DATA_DIGEST || bhs[2] > ISCSI_REJECT_WAITING_FOR_LOGOUT)
			return PDU_ERR_RESERVED_CODE;
		/* 11.17: the data segment is the header of the rejected PDU. */
		if (data_len < ISCSI_BHS_LEN)
			return PDU_ERR_SEGMENT_FORMAT;
		return PDU_OK;
	case ISCSI_OP_SCSI_CMD:
		/* 11.3.1: ATTR 5..7 are reserved. */
		if ((flags & ISCSI_FLAG_CMD_ATTR_MASK) > ISCSI_ATTR_ACA)
			return PDU_ERR_RESERVED_CODE;
		return PDU_OK;
	case ISCSI_OP_SCSI_RSP:
		/* 11.4.1: o with u, or O with U, is a protocol error. */
		if ((flags & ISCSI_FLAG_RSP_BIDI_OVERFLOW && flags & ISCSI_FLAG_RSP_BIDI_UNDERFLOW) ||
		    (flags & ISCSI_FLAG_RSP_OVERFLOW && flags & ISCSI_FLAG_RSP_UNDERFLOW))
			return PDU_ERR_BAD_FLAGS;
		/* 11.4.3: 0x02..0x7f are reserved, 0x80.. vendor-specific. */
		if (bhs[2] > ISCSI_RSP_TARGET_FAILURE && bhs[2] < 0x80)
			return PDU_ERR_RESERVED_CODE;
		return check_sense_segment(data, data_len);
	default:
		return PDU_ERR_UNKNOWN_OPCODE;
	}
}

enum pdu_err pdu_bhs_check(const uint8_t *bhs, const uint8_t *data, size_t data_len,
			   bool strict)
{
	const struct bhs_layout *l = layout_of(bhs[0] & ISCSI_BHS_OPCODE_MASK);
	enum pdu_err err;

	if (l == NULL)
		return PDU_ERR_UNKNOWN_OPCODE;
	err = check_layout(bhs, l, strict);
	if (err != PDU_OK)
		return err;
	return check_opcode_rules(bhs, data, data_len);
}

/* Sense data of a segment check_sense_segment() accepted; the rest of the
 * segment goes to *rest. */
static void split_sense(const struct iscsi_pdu *pdu, const uint8_t **sense, uint16_t *sense_len,
			const uint8_t **rest, size_t *rest_len)
{
	*sense = NULL;
	*sense_len = 0;
	*rest = NULL;
	*rest_len = 0;
	if (pdu->data_len < 2)
		return;
	*sense_len = get_be16(pdu->data);
	*sense = *sense_len ? pdu->data + 2 : NULL;
	*rest_len = pdu->data_len - 2 - *sense_len;
	*rest = *rest_len ? pdu->data + 2 + *sense_len : NULL;
}

static void parse_login_flags(uint8_t flags, bool *transit, bool *cont, uint8_t *csg,
			      uint8_t *nsg)
{
	*transit = flags & ISCSI_FLAG_LOGIN_TRANSIT;
	*cont = flags & ISCSI_FLAG_LOGIN_CONTINUE;
	*csg = (flags & ISCSI_LOGIN_CSG_MASK) >> ISCSI_LOGIN_CSG_SHIFT;
	*nsg = flags & ISCSI_LOGIN_NSG_MASK;
}

void pdu_bhs_parse(const uint8_t *bhs, struct iscsi_pdu *pdu)
{
	uint8_t flags = bhs[1];

	pdu->opcode = bhs[0] & ISCSI_BHS_OPCODE_MASK;
	pdu->immediate = !from_target(pdu->opcode) && (bhs[0] & ISCSI_BHS_IMMEDIATE);
	pdu->itt = get_be32(bhs + 16);
	memset(&pdu->u, 0, sizeof(pdu->u));

	switch (pdu->opcode) {
	case ISCSI_OP_LOGIN_REQ: {
		struct pdu_login_req *r = &pdu->u.login_req;
		parse_login_flags(flags, &r->transit, &r->cont, &r->csg, &r->nsg);
		r->version_max = bhs[2];
		r->version_min = bhs[3];
		memcpy(r->isid, bhs + 8, 6);
		r->tsih = get_be16(bhs + 14);
		r->cid = get_be16(bhs + 20);
		r->cmdsn = get_be32(bhs + 24);
		r->exp_statsn = get_be32(bhs + 28);
		break;
	}
	case ISCSI_OP_LOGIN_RSP: {
		struct pdu_login_rsp *r = &pdu->u.login_rsp;
		parse_login_flags(flags, &r->transit, &r->cont, &r->csg, &r->nsg);
		r->version_max = bhs[2];
		r->version_active = bhs[3];
		memcpy(r->isid, bhs + 8, 6);
		r->tsih = get_be16(bhs + 14);
		r->statsn = get_be32(bhs + 24);
		r->exp_cmdsn = get_be32(bhs + 28);
		r->max_cmdsn = get_be32(bhs + 32);
		r->status_class = bhs[36];
		r->status_detail = bhs[37];
		break;
	}
	case ISCSI_OP_TEXT_REQ: {
		struct pdu_text_req *r = &pdu->u.text_req;
		r->final = flags & ISCSI_FLAG_FINAL;
		r->cont = flags & ISCSI_FLAG_TEXT_CONTINUE;
		r->lun = get_be64(bhs + 8);
		r->ttt = get_be32(bhs + 20);
		r->cmdsn = get_be32(bhs + 24);
		r->exp_statsn = get_be32(bhs + 28);
		break;
	}
	case ISCSI_OP_TEXT_RSP: {
		struct pdu_text_rsp *r = &pdu->u.text_rsp;
		r->final = flags & ISCSI_FLAG_FINAL;
		r->cont = flags & ISCSI_FLAG_TEXT_CONTINUE;
		r->lun = get_be64(bhs + 8);
		r->ttt = get_be32(bhs + 20);
		r->statsn = get_be32(bhs + 24);
		r->exp_cmdsn = get_be32(bhs + 28);
		r->max_cmdsn = get_be32(bhs + 32);
		break;
	}
	case ISCSI_OP_LOGOUT_REQ: {
		struct pdu_logout_req *r = &pdu->u.logout_req;
		r->reason = flags & 0x7f;
		r->cid = get_be16(bhs + 20);
		r->cmdsn = get_be32(bhs + 24);
		r->exp_statsn = get_be32(bhs + 28);
		break;
	}
	case ISCSI_OP_LOGOUT_RSP: {
		struct pdu_logout_rsp *r = &pdu->u.logout_rsp;
		r->response = bhs[2];
		r->statsn = get_be32(bhs + 24);
		r->exp_cmdsn = get_be32(bhs + 28);
		r->max_cmdsn = get_be32(bhs + 32);
		r->time2wait = get_be16(bhs + 40);
		r->time2retain = get_be16(bhs + 42);
		break;
	}
	case ISCSI_OP_NOP_OUT: {
		struct pdu_nop_out *r = &pdu->u.nop_out;
		r->lun = get_be64(bhs + 8);
		r->ttt = get_be32(bhs + 20);
		r->cmdsn = get_be32(bhs + 24);
		r->exp_statsn = get_be32(bhs + 28);
		break;
	}
	case ISCSI_OP_NOP_IN: {
		struct pdu_nop_in *r = &pdu->u.nop_in;
		r->lun = get_be64(bhs + 8);
		r->ttt = get_be32(bhs + 20);
		r->statsn = get_be32(bhs + 24);
		r->exp_cmdsn = get_be32(bhs + 28);
		r->max_cmdsn = get_be32(bhs + 32);
		break;
	}
	case ISCSI_OP_ASYNC_MSG: {
		struct pdu_async *r = &pdu->u.async;
		r->lun = get_be64(bhs + 8);
		r->statsn = get_be32(bhs + 24);
		r->exp_cmdsn = get_be32(bhs + 28);
		r->max_cmdsn = get_be32(bhs + 32);
		r->event = bhs[36];
		r->vcode = bhs[37];
		r->param1 = get_be16(bhs + 38);
		r->param2 = get_be16(bhs + 40);
		r->param3 = get_be16(bhs + 42);
		split_sense(pdu, &r->sense, &r->sense_len, &r->event_data, &r->event_data_len);
		break;
	}
	case ISCSI_OP_REJECT: {
		struct pdu_reject *r = &pdu->u.reject;
		r->reason = bhs[2];
		r->statsn = get_be32(bhs + 24);
		r->exp_cmdsn = get_be32(bhs + 28);
		r->max_cmdsn = get_be32(bhs + 32);
		r->datasn = get_be32(bhs + 36);
		r->rejected_bhs = pdu->data_len >= ISCSI_BHS_LEN ? pdu->data : NULL;
		break;
	}
	case ISCSI_OP_SCSI_CMD: {
		struct pdu_scsi_cmd *r = &pdu->u.scsi_cmd;
		r->final = flags & ISCSI_FLAG_FINAL;
		r->read = flags & ISCSI_FLAG_CMD_READ;
		r->write = flags & ISCSI_FLAG_CMD_WRITE;
		r->attr = flags & ISCSI_FLAG_CMD_ATTR_MASK;
		r->lun = get_be64(bhs + 8);
		r->edtl = get_be32(bhs + 20);
		r->cmdsn = get_be32(bhs + 24);
		r->exp_statsn = get_be32(bhs + 28);
		memcpy(r->cdb, bhs + 32, 16);
		break;
	}
	case ISCSI_OP_SCSI_RSP: {
		struct pdu_scsi_rsp *r = &pdu->u.scsi_rsp;
		r->bidi_overflow = flags & ISCSI_FLAG_RSP_BIDI_OVERFLOW;
		r->bidi_underflow = flags & ISCSI_FLAG_RSP_BIDI_UNDERFLOW;
		r->overflow = flags & ISCSI_FLAG_RSP_OVERFLOW;
		r->underflow = flags & ISCSI_FLAG_RSP_UNDERFLOW;
		r->response = bhs[2];
		r->status = bhs[3];
		r->snack_tag = get_be32(bhs + 20);
		r->statsn = get_be32(bhs + 24);
		r->exp_cmdsn = get_be32(bhs + 28);
		r->max_cmdsn = get_be32(bhs + 32);
		r->exp_datasn = get_be32(bhs + 36);
		r->bidi_residual = get_be32(bhs + 40);
		r->residual = get_be32(bhs + 44);
		split_sense(pdu, &r->sense, &r->sense_len, &r->response_data,
			    &r->response_data_len);
		break;
	}
	default:
		break;
	}
}
