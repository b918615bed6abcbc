/* Shared by the PDU codec tests: one valid PDU of each control-path type
 * and helpers to encode and decode them. Included by test_pdu.c and
 * test_pdu_strict.c only. */
#ifndef TESTS_UNIT_PDU_SAMPLES_H
#define TESTS_UNIT_PDU_SAMPLES_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "base/bytes.h"
#include "proto/crc32c.h"
#include "proto/pdu.h"

static const struct pdu_wire_opts plain __attribute__((unused)) = { .max_data_len = 8192 };
static const struct pdu_wire_opts lenient __attribute__((unused)) = { .max_data_len = 8192, .lenient_reserved = true };

static const uint8_t all_opcodes[] __attribute__((unused)) = {
	ISCSI_OP_LOGIN_REQ, ISCSI_OP_LOGIN_RSP, ISCSI_OP_TEXT_REQ, ISCSI_OP_TEXT_RSP,
	ISCSI_OP_LOGOUT_REQ, ISCSI_OP_LOGOUT_RSP, ISCSI_OP_NOP_OUT, ISCSI_OP_NOP_IN,
	ISCSI_OP_ASYNC_MSG, ISCSI_OP_REJECT, ISCSI_OP_SCSI_CMD, ISCSI_OP_SCSI_RSP,
};
#define N_OPCODES (sizeof(all_opcodes) / sizeof(all_opcodes[0]))

/* 31 bytes: the padding is exercised. */
static const char text_keys[] = "MaxRecvDataSegmentLength=65536";
static const uint8_t ping[] = { 'p', 'i', 'n', 'g', '!' };
static const uint8_t isid[6] = { 0x80, 0x12, 0x34, 0x56, 0x00, 0x01 };
/* SenseLength 18, fixed-format sense (ILLEGAL REQUEST), 3 trailing bytes. */
static const uint8_t sense_segment[23] = {
	0x00, 0x12, 0x70, 0x00, 0x05, 0, 0, 0, 0, 0x0a, 0, 0, 0, 0, 0x24, 0x00,
	0, 0, 0, 0, 0xde, 0xad, 0x01,
};
static uint8_t rejected_header[ISCSI_BHS_LEN + 4];

/* A valid PDU of each type with every field distinct from zero where the
 * RFC lets it be. */
static inline void sample(uint8_t op, struct iscsi_pdu *p)
{
	pdu_init(p, op);
	p->itt = 0x1000 + op;
	switch (op) {
	case ISCSI_OP_LOGIN_REQ:
		p->u.login_req = (struct pdu_login_req){ .transit = true, .csg = 0, .nsg = 1,
			.version_max = 0, .version_min = 0, .tsih = 0, .cid = 7, .cmdsn = 5,
			.exp_statsn = 9 };
		memcpy(p->u.login_req.isid, isid, 6);
		p->immediate = true;
		p->data = (const uint8_t *)text_keys;
		p->data_len = sizeof(text_keys);
		break;
	case ISCSI_OP_LOGIN_RSP:
		p->u.login_rsp = (struct pdu_login_rsp){ .transit = true, .csg = 1, .nsg = 3,
			.version_max = 0, .version_active = 0, .tsih = 0x1234, .statsn = 3,
			.exp_cmdsn = 5, .max_cmdsn = 20, .status_class = 0, .status_detail = 0 };
		memcpy(p->u.login_rsp.isid, isid, 6);
		p->data = (const uint8_t *)text_keys;
		p->data_len = sizeof(text_keys);
		break;
	case ISCSI_OP_TEXT_REQ:
		p->u.text_req = (struct pdu_text_req){ .final = true, .lun = 0,
			.ttt = ISCSI_RESERVED_TAG, .cmdsn = 11, .exp_statsn = 12 };
		p->data = (const uint8_t *)text_keys;
		p->data_len = sizeof(text_keys);
		break;
	case ISCSI_OP_TEXT_RSP:
		p->u.text_rsp = (struct pdu_text_rsp){ .final = false, .cont = true,
			.lun = 0x0001000000000000ull, .ttt = 0x77, .statsn = 13, .exp_cmdsn = 14,
			.max_cmdsn = 30 };
		p->data = (const uint8_t *)text_keys;
		p->data_len = sizeof(text_keys);
		break;
	case ISCSI_OP_LOGOUT_REQ:
		p->u.logout_req = (struct pdu_logout_req){ .reason = ISCSI_LOGOUT_CLOSE_CONNECTION,
			.cid = 3, .cmdsn = 40, .exp_statsn = 41 };
		p->immediate = true;
		break;
	case ISCSI_OP_LOGOUT_RSP:
		p->u.logout_rsp = (struct pdu_logout_rsp){
			.response = ISCSI_LOGOUT_RSP_CID_NOT_FOUND, .statsn = 41, .exp_cmdsn = 42,
			.max_cmdsn = 60, .time2wait = 2, .time2retain = 20 };
		break;
	case ISCSI_OP_NOP_OUT:
		p->u.nop_out = (struct pdu_nop_out){ .lun = 0x0002000000000000ull,
			.ttt = ISCSI_RESERVED_TAG, .cmdsn = 50, .exp_statsn = 51 };
		p->data = ping;
		p->data_len = sizeof(ping);
		break;
	case ISCSI_OP_NOP_IN:
		p->u.nop_in = (struct pdu_nop_in){ .lun = 0x0002000000000000ull,
			.ttt = ISCSI_RESERVED_TAG, .statsn = 52, .exp_cmdsn = 53, .max_cmdsn = 70 };
		p->data = ping;
		p->data_len = sizeof(ping);
		break;
	case ISCSI_OP_ASYNC_MSG:
		p->itt = ISCSI_RESERVED_TAG;
		p->u.async = (struct pdu_async){ .lun = 0x0003000000000000ull, .statsn = 60,
			.exp_cmdsn = 61, .max_cmdsn = 80, .event = ISCSI_ASYNC_SCSI_EVENT,
			.vcode = 0, .param1 = 0x0102, .param2 = 0x0304, .param3 = 0x0506 };
		p->data = sense_segment;
		p->data_len = sizeof(sense_segment);
		break;
	case ISCSI_OP_REJECT:
		p->itt = ISCSI_RESERVED_TAG;
		p->u.reject = (struct pdu_reject){ .reason = ISCSI_REJECT_INVALID_PDU_FIELD,
			.statsn = 70, .exp_cmdsn = 71, .max_cmdsn = 90, .datasn = 0 };
		memset(rejected_header, 0x5a, sizeof(rejected_header));
		p->data = rejected_header;
		p->data_len = sizeof(rejected_header);
		break;
	case ISCSI_OP_SCSI_CMD:
		p->u.scsi_cmd = (struct pdu_scsi_cmd){ .final = true, .read = true,
			.attr = ISCSI_ATTR_SIMPLE, .lun = 0x0001000000000000ull, .edtl = 1024,
			.cmdsn = 80, .exp_statsn = 81, .cdb = { 0x28, 0, 0, 0, 0, 0x10, 0, 0, 2, 0 } };
		break;
	case ISCSI_OP_SCSI_RSP:
		p->u.scsi_rsp = (struct pdu_scsi_rsp){ .underflow = true, .response = 0,
			.status = 0x02, .snack_tag = 0, .statsn = 90, .exp_cmdsn = 91,
			.max_cmdsn = 110, .exp_datasn = 4, .bidi_residual = 0, .residual = 100 };
		p->data = sense_segment;
		p->data_len = sizeof(sense_segment);
		break;
	}
}

static inline size_t encode_ok(const struct iscsi_pdu *p, const struct pdu_wire_opts *o, uint8_t *buf,
			size_t cap)
{
	size_t n = 0;
	enum pdu_err e = pdu_encode(p, o, buf, cap, &n);
	if (e != PDU_OK)
		fail_msg("encode %s: %s", pdu_opcode_name(p->opcode), pdu_strerror(e));
	return n;
}

/* Decodes from an exact-size heap copy, so a sanitizer build sees any read
 * past len. The copy lives until the next call, since the decoded PDU
 * points into it. */
static inline enum pdu_err decode_exact(const uint8_t *buf, size_t len, const struct pdu_wire_opts *o,
				 struct iscsi_pdu *out)
{
	static uint8_t *held;

	free(held);
	held = malloc(len ? len : 1);
	assert_non_null(held);
	memcpy(held, buf, len);
	return pdu_decode(held, len, o, out);
}

/* Decode-only fields point into the wire buffer; clear them to compare. */
static inline void clear_decode_only(struct iscsi_pdu *p)
{
	p->wire_len = 0;
	p->ahs = NULL;
	p->data = NULL;
	if (p->opcode == ISCSI_OP_ASYNC_MSG) {
		p->u.async.sense = NULL;
		p->u.async.sense_len = 0;
		p->u.async.event_data = NULL;
		p->u.async.event_data_len = 0;
	} else if (p->opcode == ISCSI_OP_REJECT) {
		p->u.reject.rejected_bhs = NULL;
	} else if (p->opcode == ISCSI_OP_SCSI_RSP) {
		p->u.scsi_rsp.sense = NULL;
		p->u.scsi_rsp.sense_len = 0;
		p->u.scsi_rsp.response_data = NULL;
		p->u.scsi_rsp.response_data_len = 0;
	}
}

static const struct pdu_wire_opts digest_settings[4] __attribute__((unused)) = {
	{ .max_data_len = 8192 },
	{ .max_data_len = 8192, .header_digest = true },
	{ .max_data_len = 8192, .data_digest = true },
	{ .max_data_len = 8192, .header_digest = true, .data_digest = true },
};

#endif
