/* Field-by-field writing of the opcode-specific part of a BHS. Bits drawn
 * as a constant in RFC 7143 section 11 (the F bit of NOP, Logout, Async,
 * Reject and SCSI Response, the I bit of Login Request, the ITT of Async
 * and Reject) are written here whatever the caller set; reserved bits and
 * fields stay zero. The rules on field values are pdu_bhs_check()'s. */
#include "proto/pdu_bhs.h"

#include <string.h>

#include "base/bytes.h"

static uint8_t login_flags(bool transit, bool cont, uint8_t csg, uint8_t nsg)
{
	return (uint8_t)((transit ? ISCSI_FLAG_LOGIN_TRANSIT : 0) |
			 (cont ? ISCSI_FLAG_LOGIN_CONTINUE : 0) | csg << ISCSI_LOGIN_CSG_SHIFT | nsg);
}

static uint8_t text_flags(bool final, bool cont)
{
	return (uint8_t)((final ? ISCSI_FLAG_FINAL : 0) | (cont ? ISCSI_FLAG_TEXT_CONTINUE : 0));
}

static void put_target_sns(uint8_t *bhs, uint32_t statsn, uint32_t exp_cmdsn, uint32_t max_cmdsn)
{
	put_be32(bhs + 24, statsn);
	put_be32(bhs + 28, exp_cmdsn);
	put_be32(bhs + 32, max_cmdsn);
}

static void put_initiator_sns(uint8_t *bhs, uint32_t cmdsn, uint32_t exp_statsn)
{
	put_be32(bhs + 24, cmdsn);
	put_be32(bhs + 28, exp_statsn);
}

enum pdu_err pdu_bhs_build(const struct iscsi_pdu *pdu, uint8_t *bhs)
{
	const uint8_t op = pdu->opcode;

	if (pdu->immediate && (op & 0x20))
		return PDU_ERR_INVALID;         /* no I bit in target PDUs */
	memset(bhs, 0, ISCSI_BHS_LEN);
	bhs[0] = (uint8_t)(op | (pdu->immediate ? ISCSI_BHS_IMMEDIATE : 0));
	put_be32(bhs + 16, pdu->itt);

	switch (op) {
	case ISCSI_OP_LOGIN_REQ: {
		const struct pdu_login_req *r = &pdu->u.login_req;
		if (r->csg > 3 || r->nsg > 3)
			return PDU_ERR_INVALID;
		bhs[0] |= ISCSI_BHS_IMMEDIATE;
		bhs[1] = login_flags(r->transit, r->cont, r->csg, r->nsg);
		bhs[2] = r->version_max;
		bhs[3] = r->version_min;
		memcpy(bhs + 8, r->isid, 6);
		put_be16(bhs + 14, r->tsih);
		put_be16(bhs + 20, r->cid);
		put_initiator_sns(bhs, r->cmdsn, r->exp_statsn);
		return PDU_OK;
	}
	case ISCSI_OP_LOGIN_RSP: {
		const struct pdu_login_rsp *r = &pdu->u.login_rsp;
		if (r->csg > 3 || r->nsg > 3)
			return PDU_ERR_INVALID;
		bhs[1] = login_flags(r->transit, r->cont, r->csg, r->nsg);
		bhs[2] = r->version_max;
		bhs[3] = r->version_active;
		memcpy(bhs + 8, r->isid, 6);
		put_be16(bhs + 14, r->tsih);
		put_target_sns(bhs, r->statsn, r->exp_cmdsn, r->max_cmdsn);
		bhs[36] = r->status_class;
		bhs[37] = r->status_detail;
		return PDU_OK;
	}
	case ISCSI_OP_TEXT_REQ: {
		const struct pdu_text_req *r = &pdu->u.text_req;
		bhs[1] = text_flags(r->final, r->cont);
		put_be64(bhs + 8, r->lun);
		put_be32(bhs + 20, r->ttt);
		put_initiator_sns(bhs, r->cmdsn, r->exp_statsn);
		return PDU_OK;
	}
	case ISCSI_OP_TEXT_RSP: {
		const struct pdu_text_rsp *r = &pdu->u.text_rsp;
		bhs[1] = text_flags(r->final, r->cont);
		put_be64(bhs + 8, r->lun);
		put_be32(bhs + 20, r->ttt);
		put_target_sns(bhs, r->statsn, r->exp_cmdsn, r->max_cmdsn);
		return PDU_OK;
	}
	case ISCSI_OP_LOGOUT_REQ: {
		const struct pdu_logout_req *r = &pdu->u.logout_req;
		if (r->reason > 0x7f)
			return PDU_ERR_INVALID;
		bhs[1] = ISCSI_FLAG_FINAL | r->reason;
		put_be16(bhs + 20, r->cid);
		put_initiator_sns(bhs, r->cmdsn, r->exp_statsn);
		return PDU_OK;
	}
	case ISCSI_OP_LOGOUT_RSP: {
		const struct pdu_logout_rsp *r = &pdu->u.logout_rsp;
		bhs[1] = ISCSI_FLAG_FINAL;
		bhs[2] = r->response;
		put_target_sns(bhs, r->statsn, r->exp_cmdsn, r->max_cmdsn);
		put_be16(bhs + 40, r->time2wait);
		put_be16(bhs + 42, r->time2retain);
		return PDU_OK;
	}
	case ISCSI_OP_NOP_OUT: {
		const struct pdu_nop_out *r = &pdu->u.nop_out;
		bhs[1] = ISCSI_FLAG_FINAL;
		put_be64(bhs + 8, r->lun);
		put_be32(bhs + 20, r->ttt);
		put_initiator_sns(bhs, r->cmdsn, r->exp_statsn);
		return PDU_OK;
	}
	case ISCSI_OP_NOP_IN: {
		const struct pdu_nop_in *r = &pdu->u.nop_in;
		bhs[1] = ISCSI_FLAG_FINAL;
		put_be64(bhs + 8, r->lun);
		put_be32(bhs + 20, r->ttt);
		put_target_sns(bhs, r->statsn, r->exp_cmdsn, r->max_cmdsn);
		return PDU_OK;
	}
	case ISCSI_OP_ASYNC_MSG: {
		const struct pdu_async *r = &pdu->u.async;
		bhs[1] = ISCSI_FLAG_FINAL;
		put_be64(bhs + 8, r->lun);
		put_be32(bhs + 16, ISCSI_RESERVED_TAG);
		put_target_sns(bhs, r->statsn, r->exp_cmdsn, r->max_cmdsn);
		bhs[36] = r->event;
		bhs[37] = r->vcode;
		put_be16(bhs + 38, r->param1);
		put_be16(bhs + 40, r->param2);
		put_be16(bhs + 42, r->param3);
		return PDU_OK;
	}
	case ISCSI_OP_REJECT: {
		const struct pdu_reject *r = &pdu->u.reject;
		bhs[1] = ISCSI_FLAG_FINAL;
		bhs[2] = r->reason;
		put_be32(bhs + 16, ISCSI_RESERVED_TAG);
		put_target_sns(bhs, r->statsn, r->exp_cmdsn, r->max_cmdsn);
		put_be32(bhs + 36, r->datasn);
		return PDU_OK;
	}
	case ISCSI_OP_SCSI_CMD: {
		const struct pdu_scsi_cmd *r = &pdu->u.scsi_cmd;
		if (r->attr > ISCSI_FLAG_CMD_ATTR_MASK)
			return PDU_ERR_INVALID;
		bhs[1] = (uint8_t)((r->final ? ISCSI_FLAG_FINAL : 0) |
				   (r->read ? ISCSI_FLAG_CMD_READ : 0) |
				   (r->write ? ISCSI_FLAG_CMD_WRITE : 0) | r->attr);
		put_be64(bhs + 8, r->lun);
		put_be32(bhs + 20, r->edtl);
		put_initiator_sns(bhs, r->cmdsn, r->exp_statsn);
		memcpy(bhs + 32, r->cdb, 16);
		return PDU_OK;
	}
	case ISCSI_OP_SCSI_RSP: {
		const struct pdu_scsi_rsp *r = &pdu->u.scsi_rsp;
		bhs[1] = (uint8_t)(ISCSI_FLAG_FINAL |
				   (r->bidi_overflow ? ISCSI_FLAG_RSP_BIDI_OVERFLOW : 0) |
				   (r->bidi_underflow ? ISCSI_FLAG_RSP_BIDI_UNDERFLOW : 0) |
				   (r->overflow ? ISCSI_FLAG_RSP_OVERFLOW : 0) |
				   (r->underflow ? ISCSI_FLAG_RSP_UNDERFLOW : 0));
		bhs[2] = r->response;
		bhs[3] = r->status;
		put_be32(bhs + 20, r->snack_tag);
		put_target_sns(bhs, r->statsn, r->exp_cmdsn, r->max_cmdsn);
		put_be32(bhs + 36, r->exp_datasn);
		put_be32(bhs + 40, r->bidi_residual);
		put_be32(bhs + 44, r->residual);
		return PDU_OK;
	}
	default:
		return PDU_ERR_UNKNOWN_OPCODE;
	}
}
