/* The PDU codec: byte images built by hand from the RFC 7143 layouts,
 * round trips of every control-path PDU with every digest setting, every
 * truncation, limits, and each strictness rule with the RFC section that
 * makes it one. */
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

static const struct pdu_wire_opts plain = { .max_data_len = 8192 };
static const struct pdu_wire_opts lenient = { .max_data_len = 8192, .lenient_reserved = true };

static const uint8_t all_opcodes[] = {
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
static void sample(uint8_t op, struct iscsi_pdu *p)
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

static size_t encode_ok(const struct iscsi_pdu *p, const struct pdu_wire_opts *o, uint8_t *buf,
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
static enum pdu_err decode_exact(const uint8_t *buf, size_t len, const struct pdu_wire_opts *o,
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
static void clear_decode_only(struct iscsi_pdu *p)
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

/* ---- known byte images ---- */

static const char login_keys[] = "AuthMethod=None,CHAP";   /* 21 bytes with NUL */

/* RFC 7143 11.12, laid out by hand. */
static void login_request_image(uint8_t img[72])
{
	static const uint8_t bhs[48] = {
		0x43, 0x81, 0x00, 0x00,         /* I|0x03, T CSG=0 NSG=1, ver max/min */
		0x00, 0x00, 0x00, 0x15,         /* TotalAHSLength 0, DSL 21 */
		0x80, 0x12, 0x34, 0x56,         /* ISID */
		0x00, 0x01, 0x00, 0x00,         /* ISID cont., TSIH 0 */
		0x00, 0x00, 0x00, 0x2a,         /* ITT */
		0x00, 0x01, 0x00, 0x00,         /* CID 1, reserved */
		0x00, 0x00, 0x00, 0x01,         /* CmdSN */
		0x00, 0x00, 0x00, 0x00,         /* ExpStatSN */
	};
	memset(img, 0, 72);
	memcpy(img, bhs, 48);
	memcpy(img + 48, login_keys, sizeof(login_keys));    /* 3 pad bytes stay 0 */
}

static void login_request_fields(struct iscsi_pdu *p)
{
	pdu_init(p, ISCSI_OP_LOGIN_REQ);
	p->immediate = true;
	p->itt = 0x2a;
	p->u.login_req.transit = true;
	p->u.login_req.nsg = ISCSI_STAGE_OPERATIONAL;
	memcpy(p->u.login_req.isid, isid, 6);
	p->u.login_req.cid = 1;
	p->u.login_req.cmdsn = 1;
	p->data = (const uint8_t *)login_keys;
	p->data_len = sizeof(login_keys);
}

static void login_request_known_image(void **state)
{
	uint8_t img[72], out[128];
	struct iscsi_pdu p, d;

	(void)state;
	login_request_image(img);
	login_request_fields(&p);
	memset(out, 0xee, sizeof(out));
	assert_int_equal(encode_ok(&p, &plain, out, sizeof(out)), 72);
	for (int i = 0; i < 72; i++)
		if (out[i] != img[i])
			fail_msg("byte %d: encoded %02x, expected %02x", i, out[i], img[i]);
	assert_int_equal(out[72], 0xee);        /* nothing past the PDU */

	assert_int_equal(decode_exact(img, 72, &plain, &d), PDU_OK);
	assert_int_equal(d.opcode, ISCSI_OP_LOGIN_REQ);
	assert_true(d.immediate);
	assert_int_equal(d.itt, 0x2a);
	assert_true(d.u.login_req.transit);
	assert_false(d.u.login_req.cont);
	assert_int_equal(d.u.login_req.csg, ISCSI_STAGE_SECURITY);
	assert_int_equal(d.u.login_req.nsg, ISCSI_STAGE_OPERATIONAL);
	assert_int_equal(d.u.login_req.version_max, 0);
	assert_int_equal(d.u.login_req.version_min, 0);
	assert_memory_equal(d.u.login_req.isid, isid, 6);
	assert_int_equal(d.u.login_req.tsih, 0);
	assert_int_equal(d.u.login_req.cid, 1);
	assert_int_equal(d.u.login_req.cmdsn, 1);
	assert_int_equal(d.u.login_req.exp_statsn, 0);
	assert_int_equal(d.data_len, 21);
	assert_string_equal((const char *)d.data, login_keys);
	assert_int_equal(d.wire_len, 72);
	assert_null(d.ahs);
}

/* The same image with both digests: BHS, its CRC, data, padding, CRC of
 * data and padding. */
static void login_request_image_with_digests(void **state)
{
	uint8_t img[72], want[80], out[128];
	struct iscsi_pdu p, d;
	const struct pdu_wire_opts both = { .header_digest = true, .data_digest = true,
					    .max_data_len = 8192 };

	(void)state;
	login_request_image(img);
	memcpy(want, img, 48);
	crc32c_put(want + 48, crc32c(img, 48));
	memcpy(want + 52, img + 48, 24);
	crc32c_put(want + 76, crc32c(img + 48, 24));
	login_request_fields(&p);
	assert_int_equal(encode_ok(&p, &both, out, sizeof(out)), 80);
	assert_memory_equal(out, want, 80);
	assert_int_equal(decode_exact(want, 80, &both, &d), PDU_OK);
	assert_int_equal(pdu_check_digests(want, 80, &both), PDU_OK);
}

/* RFC 3720 B.4's SCSI Read (10) Command PDU with its published CRC as
 * the header digest: F R, untagged, ITT 0x14000000, EDTL 1024, CmdSN
 * 0x14, ExpStatSN 0x18, CDB 28 00 00 00 00 00 00 00 02 00. */
static void rfc_read_command_image(void **state)
{
	uint8_t img[52] = { 0 }, out[64];
	struct iscsi_pdu d, p;
	const struct pdu_wire_opts hd = { .header_digest = true, .max_data_len = 8192 };

	(void)state;
	img[0] = 0x01;
	img[1] = 0xc0;
	img[16] = 0x14;
	img[22] = 0x04;
	img[27] = 0x14;
	img[31] = 0x18;
	img[32] = 0x28;
	img[40] = 0x02;
	memcpy(img + 48, (const uint8_t[]){ 0x56, 0x3a, 0x96, 0xd9 }, 4);
	assert_int_equal(decode_exact(img, 52, &hd, &d), PDU_OK);
	assert_int_equal(d.opcode, ISCSI_OP_SCSI_CMD);
	assert_false(d.immediate);
	assert_true(d.u.scsi_cmd.final);
	assert_true(d.u.scsi_cmd.read);
	assert_false(d.u.scsi_cmd.write);
	assert_int_equal(d.u.scsi_cmd.attr, ISCSI_ATTR_UNTAGGED);
	assert_int_equal(d.itt, 0x14000000);
	assert_int_equal(d.u.scsi_cmd.edtl, 1024);
	assert_int_equal(d.u.scsi_cmd.cmdsn, 0x14);
	assert_int_equal(d.u.scsi_cmd.exp_statsn, 0x18);
	assert_int_equal(d.u.scsi_cmd.cdb[0], 0x28);
	assert_int_equal(d.u.scsi_cmd.cdb[8], 0x02);

	p = d;
	assert_int_equal(encode_ok(&p, &hd, out, sizeof(out)), 52);
	assert_memory_equal(out, img, 52);
}

/* ---- round trips ---- */

static const struct pdu_wire_opts digest_settings[4] = {
	{ .max_data_len = 8192 },
	{ .max_data_len = 8192, .header_digest = true },
	{ .max_data_len = 8192, .data_digest = true },
	{ .max_data_len = 8192, .header_digest = true, .data_digest = true },
};

static void round_trip_every_type(void **state)
{
	(void)state;
	for (size_t i = 0; i < N_OPCODES; i++) {
		for (int s = 0; s < 4; s++) {
			struct iscsi_pdu p, d;
			uint8_t buf[512], again[512];
			size_t n, m, want;

			sample(all_opcodes[i], &p);
			n = encode_ok(&p, &digest_settings[s], buf, sizeof(buf));
			want = ISCSI_BHS_LEN + pdu_pad4(p.data_len) +
			       (digest_settings[s].header_digest ? 4 : 0) +
			       (digest_settings[s].data_digest && p.data_len ? 4 : 0);
			assert_int_equal(n, want);
			assert_int_equal(pdu_wire_length(buf, ISCSI_BHS_LEN, &digest_settings[s], &m),
					 PDU_OK);
			assert_int_equal(m, n);
			enum pdu_err e = decode_exact(buf, n, &digest_settings[s], &d);
			if (e != PDU_OK)
				fail_msg("%s setting %d: %s", pdu_opcode_name(p.opcode), s,
					 pdu_strerror(e));
			assert_int_equal(d.wire_len, n);
			assert_int_equal(d.data_len, p.data_len);
			if (p.data_len)
				assert_memory_equal(d.data, p.data, p.data_len);
			/* Re-encoding what was decoded gives the same bytes. */
			assert_int_equal(encode_ok(&d, &digest_settings[s], again, sizeof(again)), n);
			assert_memory_equal(again, buf, n);
			clear_decode_only(&d);
			clear_decode_only(&p);
			assert_int_equal(d.opcode, p.opcode);
			assert_int_equal(d.immediate, p.immediate);
			assert_int_equal(d.itt, p.itt);
			if (memcmp(&d.u, &p.u, sizeof(d.u)) != 0)
				fail_msg("%s: fields differ after round trip", pdu_opcode_name(p.opcode));
		}
	}
}

static void segment_views(void **state)
{
	struct iscsi_pdu p, d;
	uint8_t buf[256];
	size_t n;

	(void)state;
	sample(ISCSI_OP_SCSI_RSP, &p);
	n = encode_ok(&p, &plain, buf, sizeof(buf));
	assert_int_equal(decode_exact(buf, n, &plain, &d), PDU_OK);
	assert_int_equal(d.u.scsi_rsp.sense_len, 18);
	assert_int_equal(d.u.scsi_rsp.sense[0], 0x70);
	assert_int_equal(d.u.scsi_rsp.response_data_len, 3);
	assert_int_equal(d.u.scsi_rsp.response_data[0], 0xde);
	assert_true(d.u.scsi_rsp.underflow);
	assert_int_equal(d.u.scsi_rsp.residual, 100);

	sample(ISCSI_OP_ASYNC_MSG, &p);
	n = encode_ok(&p, &plain, buf, sizeof(buf));
	assert_int_equal(pdu_decode(buf, n, &plain, &d), PDU_OK);
	assert_int_equal(d.u.async.sense_len, 18);
	assert_ptr_equal(d.u.async.sense, buf + 48 + 2);
	assert_int_equal(d.u.async.event_data_len, 3);
	assert_int_equal(d.u.async.param3, 0x0506);

	sample(ISCSI_OP_REJECT, &p);
	n = encode_ok(&p, &plain, buf, sizeof(buf));
	assert_int_equal(pdu_decode(buf, n, &plain, &d), PDU_OK);
	assert_ptr_equal(d.u.reject.rejected_bhs, buf + 48);
	assert_int_equal(d.u.reject.reason, ISCSI_REJECT_INVALID_PDU_FIELD);
}

/* ---- lengths ---- */

static void every_truncation_is_typed(void **state)
{
	(void)state;
	for (size_t i = 0; i < N_OPCODES; i++) {
		struct iscsi_pdu p, d;
		uint8_t buf[512];

		sample(all_opcodes[i], &p);
		size_t n = encode_ok(&p, &digest_settings[3], buf, sizeof(buf));
		for (size_t len = 0; len < n; len++) {
			enum pdu_err e = decode_exact(buf, len, &digest_settings[3], &d);
			if (e != PDU_ERR_TRUNCATED)
				fail_msg("%s cut to %zu: %s", pdu_opcode_name(p.opcode), len,
					 pdu_strerror(e));
		}
		assert_int_equal(decode_exact(buf, n + 1, &digest_settings[3], &d), PDU_ERR_TRAILING);
	}
}

static void wire_length_needs_whole_bhs(void **state)
{
	uint8_t bhs[48] = { ISCSI_OP_NOP_IN, 0x80 };
	size_t n = 99;

	(void)state;
	put_be32(bhs + 16, 1);
	for (size_t len = 0; len < 48; len++)
		assert_int_equal(pdu_wire_length(bhs, len, &plain, &n), PDU_ERR_TRUNCATED);
	assert_int_equal(pdu_wire_length(bhs, 48, &plain, &n), PDU_OK);
	assert_int_equal(n, 48);
	/* DSL 5: 3 bytes of padding; both digests. */
	put_be24(bhs + 5, 5);
	assert_int_equal(pdu_wire_length(bhs, 48, &digest_settings[3], &n), PDU_OK);
	assert_int_equal(n, 48 + 4 + 8 + 4);
	assert_int_equal(pdu_wire_length(NULL, 0, &plain, &n), PDU_ERR_TRUNCATED);
	assert_int_equal(pdu_wire_length(bhs, 48, NULL, &n), PDU_ERR_INVALID);
}

static void oversized_data_segment(void **state)
{
	uint8_t bhs[48] = { ISCSI_OP_LOGIN_RSP };
	struct pdu_wire_opts o = { .max_data_len = 8192 };
	size_t n;

	(void)state;
	put_be24(bhs + 5, 8192);
	assert_int_equal(pdu_wire_length(bhs, 48, &o, &n), PDU_OK);
	assert_int_equal(n, 48 + 8192);
	/* Refused from the BHS alone: nothing else need be read. */
	put_be24(bhs + 5, 8193);
	assert_int_equal(pdu_wire_length(bhs, 48, &o, &n), PDU_ERR_DATA_TOO_LONG);
	assert_int_equal(n, 0);
	put_be24(bhs + 5, ISCSI_DSL_MAX);
	assert_int_equal(pdu_wire_length(bhs, 48, &o, &n), PDU_ERR_DATA_TOO_LONG);
	o.max_data_len = ISCSI_DSL_MAX;
	assert_int_equal(pdu_wire_length(bhs, 48, &o, &n), PDU_OK);
	assert_int_equal(n, 48 + 0x1000000);
	o.max_data_len = 0;
	put_be24(bhs + 5, 1);
	assert_int_equal(pdu_wire_length(bhs, 48, &o, &n), PDU_ERR_DATA_TOO_LONG);
	assert_int_equal(pdu_decode(bhs, 48, &o, &(struct iscsi_pdu){ 0 }), PDU_ERR_DATA_TOO_LONG);

	/* The encoder holds to the peer's limit too. */
	struct iscsi_pdu p;
	uint8_t out[256];
	sample(ISCSI_OP_TEXT_REQ, &p);
	o.max_data_len = (uint32_t)p.data_len - 1;
	assert_int_equal(pdu_encode(&p, &o, out, sizeof(out), &n), PDU_ERR_DATA_TOO_LONG);
}

static void padding_is_zero_filled_and_counted(void **state)
{
	static const uint8_t data[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };

	(void)state;
	for (size_t len = 0; len <= 8; len++) {
		struct iscsi_pdu p, d;
		uint8_t out[128];
		size_t n;

		sample(ISCSI_OP_NOP_OUT, &p);
		p.data = len ? data : NULL;
		p.data_len = len;
		memset(out, 0xaa, sizeof(out));
		n = encode_ok(&p, &plain, out, sizeof(out));
		assert_int_equal(n, 48 + ((len + 3) / 4) * 4);
		for (size_t i = 48 + len; i < n; i++)
			assert_int_equal(out[i], 0);
		assert_int_equal(get_be24(out + 5), len);
		assert_int_equal(decode_exact(out, n, &plain, &d), PDU_OK);
		if (n > 48 + len) {
			/* A non-zero pad byte: strict refuses, lenient accepts. */
			out[n - 1] = 0x01;
			assert_int_equal(decode_exact(out, n, &plain, &d), PDU_ERR_PADDING);
			assert_int_equal(decode_exact(out, n, &lenient, &d), PDU_OK);
		}
	}
}

/* ---- opcodes and senders ---- */

static void opcode_classes(void **state)
{
	(void)state;
	for (unsigned op = 0; op < 64; op++) {
		uint8_t bhs[48] = { (uint8_t)op };
		size_t n;
		enum pdu_err e = pdu_wire_length(bhs, 48, &plain, &n);

		switch (op) {
		case ISCSI_OP_DATA_OUT: case ISCSI_OP_DATA_IN: case ISCSI_OP_R2T:
		case ISCSI_OP_TMF_REQ: case ISCSI_OP_TMF_RSP: case ISCSI_OP_SNACK_REQ:
			assert_int_equal(e, PDU_ERR_NOT_CONTROL_PATH);
			assert_false(pdu_opcode_supported((uint8_t)op));
			break;
		default:
			if (memchr(all_opcodes, (int)op, N_OPCODES)) {
				assert_int_equal(e, PDU_OK);
				assert_true(pdu_opcode_supported((uint8_t)op));
			} else {
				assert_int_equal(e, PDU_ERR_UNKNOWN_OPCODE);
			}
		}
	}
	assert_string_equal(pdu_opcode_name(ISCSI_OP_LOGIN_RSP), "Login Response");
	assert_string_equal(pdu_opcode_name(0x1d), "vendor-specific");
	assert_string_equal(pdu_opcode_name(0x11), "unknown");
	assert_string_equal(pdu_opcode_name(0xff), "unknown");
}

static void wrong_sender(void **state)
{
	struct pdu_wire_opts from_target = { .max_data_len = 8192, .sender = PDU_SENDER_TARGET };
	struct pdu_wire_opts from_initiator = { .max_data_len = 8192,
						.sender = PDU_SENDER_INITIATOR };
	uint8_t req[48] = { 0x43 }, rsp[48] = { ISCSI_OP_LOGIN_RSP };
	size_t n;

	(void)state;
	assert_int_equal(pdu_wire_length(req, 48, &from_target, &n), PDU_ERR_WRONG_SENDER);
	assert_int_equal(pdu_wire_length(rsp, 48, &from_target, &n), PDU_OK);
	assert_int_equal(pdu_wire_length(rsp, 48, &from_initiator, &n), PDU_ERR_WRONG_SENDER);
	assert_int_equal(pdu_wire_length(req, 48, &from_initiator, &n), PDU_OK);
}

/* ---- strictness: one byte changed in a valid PDU ---- */

struct mutation {
	uint8_t opcode;
	uint8_t byte;
	uint8_t xor_mask;
	enum pdu_err strict;    /* result with reserved checks */
	enum pdu_err relaxed;   /* with lenient_reserved */
};

static void apply_mutations(const struct mutation *m, size_t count)
{
	for (size_t i = 0; i < count; i++) {
		struct iscsi_pdu p, d;
		uint8_t buf[512];
		size_t n;

		sample(m[i].opcode, &p);
		n = encode_ok(&p, &plain, buf, sizeof(buf));
		buf[m[i].byte] ^= m[i].xor_mask;
		enum pdu_err s = decode_exact(buf, n, &plain, &d);
		enum pdu_err r = decode_exact(buf, n, &lenient, &d);
		if (s != m[i].strict || r != m[i].relaxed)
			fail_msg("%s byte %u ^%02x: strict %s, lenient %s", pdu_opcode_name(m[i].opcode),
				 m[i].byte, m[i].xor_mask, pdu_strerror(s), pdu_strerror(r));
	}
}

#define RB PDU_ERR_RESERVED_BIT, PDU_OK
#define RF PDU_ERR_RESERVED_FIELD, PDU_OK
#define FINE PDU_OK, PDU_OK

/* Each "." bit and "Reserved" field of section 11, at both ends of each
 * range; and fields marked "X or Reserved", which must pass. */
static void reserved_bits_and_fields(void **state)
{
	static const struct mutation m[] = {
		/* 11.12 Login Request */
		{ ISCSI_OP_LOGIN_REQ, 0, 0x80, RB }, { ISCSI_OP_LOGIN_REQ, 1, 0x20, RB },
		{ ISCSI_OP_LOGIN_REQ, 1, 0x10, RB }, { ISCSI_OP_LOGIN_REQ, 22, 0x01, RF },
		{ ISCSI_OP_LOGIN_REQ, 23, 0x80, RF }, { ISCSI_OP_LOGIN_REQ, 32, 0x01, RF },
		{ ISCSI_OP_LOGIN_REQ, 47, 0x01, RF }, { ISCSI_OP_LOGIN_REQ, 28, 0xff, FINE },
		/* 11.13 Login Response */
		{ ISCSI_OP_LOGIN_RSP, 0, 0x80, RB }, { ISCSI_OP_LOGIN_RSP, 0, 0x40, RB },
		{ ISCSI_OP_LOGIN_RSP, 1, 0x30, RB }, { ISCSI_OP_LOGIN_RSP, 20, 0x01, RF },
		{ ISCSI_OP_LOGIN_RSP, 23, 0x01, RF }, { ISCSI_OP_LOGIN_RSP, 38, 0x01, RF },
		{ ISCSI_OP_LOGIN_RSP, 47, 0x01, RF }, { ISCSI_OP_LOGIN_RSP, 37, 0xff, FINE },
		/* 11.10 Text Request */
		{ ISCSI_OP_TEXT_REQ, 0, 0x80, RB }, { ISCSI_OP_TEXT_REQ, 1, 0x01, RB },
		{ ISCSI_OP_TEXT_REQ, 1, 0x20, RB }, { ISCSI_OP_TEXT_REQ, 2, 0x01, RF },
		{ ISCSI_OP_TEXT_REQ, 3, 0x01, RF }, { ISCSI_OP_TEXT_REQ, 32, 0x01, RF },
		{ ISCSI_OP_TEXT_REQ, 47, 0x01, RF }, { ISCSI_OP_TEXT_REQ, 8, 0xff, FINE },
		/* 11.11 Text Response */
		{ ISCSI_OP_TEXT_RSP, 0, 0x40, RB }, { ISCSI_OP_TEXT_RSP, 1, 0x3f, RB },
		{ ISCSI_OP_TEXT_RSP, 2, 0x01, RF }, { ISCSI_OP_TEXT_RSP, 36, 0x01, RF },
		{ ISCSI_OP_TEXT_RSP, 47, 0x01, RF }, { ISCSI_OP_TEXT_RSP, 15, 0xff, FINE },
		/* 11.14 Logout Request */
		{ ISCSI_OP_LOGOUT_REQ, 0, 0x80, RB }, { ISCSI_OP_LOGOUT_REQ, 2, 0x01, RF },
		{ ISCSI_OP_LOGOUT_REQ, 8, 0x01, RF }, { ISCSI_OP_LOGOUT_REQ, 15, 0x01, RF },
		{ ISCSI_OP_LOGOUT_REQ, 22, 0x01, RF }, { ISCSI_OP_LOGOUT_REQ, 32, 0x01, RF },
		{ ISCSI_OP_LOGOUT_REQ, 47, 0x01, RF }, { ISCSI_OP_LOGOUT_REQ, 20, 0xff, FINE },
		/* 11.15 Logout Response */
		{ ISCSI_OP_LOGOUT_RSP, 1, 0x01, RB }, { ISCSI_OP_LOGOUT_RSP, 3, 0x01, RF },
		{ ISCSI_OP_LOGOUT_RSP, 8, 0x01, RF }, { ISCSI_OP_LOGOUT_RSP, 20, 0x01, RF },
		{ ISCSI_OP_LOGOUT_RSP, 36, 0x01, RF }, { ISCSI_OP_LOGOUT_RSP, 39, 0x01, RF },
		{ ISCSI_OP_LOGOUT_RSP, 44, 0x01, RF }, { ISCSI_OP_LOGOUT_RSP, 47, 0x01, RF },
		/* 11.18 NOP-Out */
		{ ISCSI_OP_NOP_OUT, 0, 0x80, RB }, { ISCSI_OP_NOP_OUT, 1, 0x40, RB },
		{ ISCSI_OP_NOP_OUT, 2, 0x01, RF }, { ISCSI_OP_NOP_OUT, 32, 0x01, RF },
		{ ISCSI_OP_NOP_OUT, 47, 0x80, RF },
		/* 11.19 NOP-In */
		{ ISCSI_OP_NOP_IN, 0, 0x40, RB }, { ISCSI_OP_NOP_IN, 1, 0x01, RB },
		{ ISCSI_OP_NOP_IN, 3, 0x01, RF }, { ISCSI_OP_NOP_IN, 36, 0x01, RF },
		{ ISCSI_OP_NOP_IN, 47, 0x01, RF },
		/* 11.9 Asynchronous Message */
		{ ISCSI_OP_ASYNC_MSG, 0, 0x40, RB }, { ISCSI_OP_ASYNC_MSG, 1, 0x10, RB },
		{ ISCSI_OP_ASYNC_MSG, 2, 0x01, RF }, { ISCSI_OP_ASYNC_MSG, 20, 0x01, RF },
		{ ISCSI_OP_ASYNC_MSG, 44, 0x01, RF }, { ISCSI_OP_ASYNC_MSG, 47, 0x01, RF },
		{ ISCSI_OP_ASYNC_MSG, 38, 0xff, FINE }, { ISCSI_OP_ASYNC_MSG, 43, 0xff, FINE },
		/* 11.17 Reject */
		{ ISCSI_OP_REJECT, 0, 0x80, RB }, { ISCSI_OP_REJECT, 1, 0x40, RB },
		{ ISCSI_OP_REJECT, 3, 0x01, RF }, { ISCSI_OP_REJECT, 8, 0x01, RF },
		{ ISCSI_OP_REJECT, 20, 0x01, RF }, { ISCSI_OP_REJECT, 40, 0x01, RF },
		{ ISCSI_OP_REJECT, 47, 0x01, RF }, { ISCSI_OP_REJECT, 36, 0xff, FINE },
		/* 11.3 SCSI Command */
		{ ISCSI_OP_SCSI_CMD, 0, 0x80, RB }, { ISCSI_OP_SCSI_CMD, 1, 0x10, RB },
		{ ISCSI_OP_SCSI_CMD, 1, 0x08, RB }, { ISCSI_OP_SCSI_CMD, 2, 0x01, RF },
		{ ISCSI_OP_SCSI_CMD, 3, 0x01, RF }, { ISCSI_OP_SCSI_CMD, 47, 0xff, FINE },
		/* 11.4 SCSI Response */
		{ ISCSI_OP_SCSI_RSP, 0, 0x40, RB }, { ISCSI_OP_SCSI_RSP, 1, 0x40, RB },
		{ ISCSI_OP_SCSI_RSP, 1, 0x20, RB }, { ISCSI_OP_SCSI_RSP, 1, 0x01, RB },
		{ ISCSI_OP_SCSI_RSP, 8, 0x01, RF }, { ISCSI_OP_SCSI_RSP, 15, 0x01, RF },
		{ ISCSI_OP_SCSI_RSP, 44, 0xff, FINE },
	};

	(void)state;
	apply_mutations(m, sizeof(m) / sizeof(m[0]));
}

#define BOTH(e) e, e

static void fixed_bits_codes_and_flags(void **state)
{
	static const struct mutation m[] = {
		/* The F bit drawn as "1" (11.9, 11.4, 11.14, 11.15, 11.17-19). */
		{ ISCSI_OP_NOP_OUT, 1, 0x80, BOTH(PDU_ERR_FIXED_FIELD) },
		{ ISCSI_OP_NOP_IN, 1, 0x80, BOTH(PDU_ERR_FIXED_FIELD) },
		{ ISCSI_OP_LOGOUT_REQ, 1, 0x80, BOTH(PDU_ERR_FIXED_FIELD) },
		{ ISCSI_OP_LOGOUT_RSP, 1, 0x80, BOTH(PDU_ERR_FIXED_FIELD) },
		{ ISCSI_OP_ASYNC_MSG, 1, 0x80, BOTH(PDU_ERR_FIXED_FIELD) },
		{ ISCSI_OP_REJECT, 1, 0x80, BOTH(PDU_ERR_FIXED_FIELD) },
		{ ISCSI_OP_SCSI_RSP, 1, 0x80, BOTH(PDU_ERR_FIXED_FIELD) },
		/* Login Request's I bit is a constant 1 (11.12). */
		{ ISCSI_OP_LOGIN_REQ, 0, 0x40, BOTH(PDU_ERR_FIXED_FIELD) },
		/* Async and Reject carry ITT 0xffffffff. */
		{ ISCSI_OP_ASYNC_MSG, 19, 0x01, BOTH(PDU_ERR_FIXED_FIELD) },
		{ ISCSI_OP_REJECT, 16, 0x80, BOTH(PDU_ERR_FIXED_FIELD) },
		/* Text Response F=0 (sample) with TTT 0xffffffff (11.11.1). */
		{ ISCSI_OP_TEXT_RSP, 20, 0xff, FINE },
		/* T+C (11.12.2, 11.13) and F+C (11.10.2, 11.11.2). */
		{ ISCSI_OP_LOGIN_REQ, 1, 0x40, BOTH(PDU_ERR_T_AND_C) },
		{ ISCSI_OP_LOGIN_RSP, 1, 0x40, BOTH(PDU_ERR_T_AND_C) },
		{ ISCSI_OP_TEXT_REQ, 1, 0x40, BOTH(PDU_ERR_T_AND_C) },
		/* Reserved stage 2: CSG 0 -> 2; NSG 1 -> 2 with T; NSG 2 without T. */
		{ ISCSI_OP_LOGIN_REQ, 1, 0x08, BOTH(PDU_ERR_RESERVED_CODE) },
		{ ISCSI_OP_LOGIN_REQ, 1, 0x03, BOTH(PDU_ERR_RESERVED_CODE) },
		{ ISCSI_OP_LOGIN_REQ, 1, 0x83, FINE },
		{ ISCSI_OP_LOGIN_RSP, 1, 0x01, BOTH(PDU_ERR_RESERVED_CODE) },
		/* Logout reason 1 -> 3, response 1 -> 4 are reserved. */
		{ ISCSI_OP_LOGOUT_REQ, 1, 0x02, BOTH(PDU_ERR_RESERVED_CODE) },
		{ ISCSI_OP_LOGOUT_RSP, 2, 0x05, BOTH(PDU_ERR_RESERVED_CODE) },
		{ ISCSI_OP_LOGOUT_RSP, 2, 0x02, FINE },
		/* AsyncEvent 0 -> 5 and 254 reserved, 255 vendor. */
		{ ISCSI_OP_ASYNC_MSG, 36, 0x05, BOTH(PDU_ERR_RESERVED_CODE) },
		{ ISCSI_OP_ASYNC_MSG, 36, 0xfe, BOTH(PDU_ERR_RESERVED_CODE) },
		{ ISCSI_OP_ASYNC_MSG, 36, 0xff, FINE },
		{ ISCSI_OP_ASYNC_MSG, 36, 0x04, FINE },
		/* Reject reason 9 -> 1, 0, 0x0d are reserved; 0x0b is not. */
		{ ISCSI_OP_REJECT, 2, 0x08, BOTH(PDU_ERR_RESERVED_CODE) },
		{ ISCSI_OP_REJECT, 2, 0x09, BOTH(PDU_ERR_RESERVED_CODE) },
		{ ISCSI_OP_REJECT, 2, 0x04, BOTH(PDU_ERR_RESERVED_CODE) },
		{ ISCSI_OP_REJECT, 2, 0x02, FINE },
		/* ATTR 1 -> 5, 7 reserved; 4 (ACA) is fine. */
		{ ISCSI_OP_SCSI_CMD, 1, 0x04, BOTH(PDU_ERR_RESERVED_CODE) },
		{ ISCSI_OP_SCSI_CMD, 1, 0x06, BOTH(PDU_ERR_RESERVED_CODE) },
		{ ISCSI_OP_SCSI_CMD, 1, 0x05, FINE },
		/* SCSI Response: 0x02..0x7f reserved, 0x80.. vendor. */
		{ ISCSI_OP_SCSI_RSP, 2, 0x02, BOTH(PDU_ERR_RESERVED_CODE) },
		{ ISCSI_OP_SCSI_RSP, 2, 0x7f, BOTH(PDU_ERR_RESERVED_CODE) },
		{ ISCSI_OP_SCSI_RSP, 2, 0x80, FINE },
		/* U set in the sample: adding O; o and u together (11.4.1). */
		{ ISCSI_OP_SCSI_RSP, 1, 0x04, BOTH(PDU_ERR_BAD_FLAGS) },
		{ ISCSI_OP_SCSI_RSP, 1, 0x18, BOTH(PDU_ERR_BAD_FLAGS) },
		{ ISCSI_OP_SCSI_RSP, 1, 0x10, FINE },
	};

	(void)state;
	apply_mutations(m, sizeof(m) / sizeof(m[0]));
}

/* Rules that need a different starting PDU than the samples. */
static void text_and_nop_rules(void **state)
{
	struct iscsi_pdu p;
	uint8_t buf[256];
	size_t n;

	(void)state;
	/* Text Response: F with a real TTT; no F with 0xffffffff. */
	sample(ISCSI_OP_TEXT_RSP, &p);
	p.u.text_rsp.cont = false;
	p.u.text_rsp.final = true;
	assert_int_equal(pdu_encode(&p, &plain, buf, sizeof(buf), &n), PDU_ERR_FIXED_FIELD);
	p.u.text_rsp.ttt = ISCSI_RESERVED_TAG;
	n = encode_ok(&p, &plain, buf, sizeof(buf));
	buf[1] |= ISCSI_FLAG_TEXT_CONTINUE;
	assert_int_equal(decode_exact(buf, n, &plain, &p), PDU_ERR_T_AND_C);
	buf[1] &= (uint8_t)~(ISCSI_FLAG_TEXT_CONTINUE | ISCSI_FLAG_FINAL);
	assert_int_equal(decode_exact(buf, n, &plain, &p), PDU_ERR_FIXED_FIELD);

	/* NOP-Out with ITT 0xffffffff must be immediate (11.18.1). */
	sample(ISCSI_OP_NOP_OUT, &p);
	p.itt = ISCSI_RESERVED_TAG;
	assert_int_equal(pdu_encode(&p, &plain, buf, sizeof(buf), &n), PDU_ERR_FIXED_FIELD);
	p.immediate = true;
	n = encode_ok(&p, &plain, buf, sizeof(buf));
	assert_int_equal(decode_exact(buf, n, &plain, &p), PDU_OK);

	/* Unsolicited NOP-In carries no data (11.19). */
	sample(ISCSI_OP_NOP_IN, &p);
	p.itt = ISCSI_RESERVED_TAG;
	assert_int_equal(pdu_encode(&p, &plain, buf, sizeof(buf), &n), PDU_ERR_DATA_NOT_ALLOWED);
	p.data = NULL;
	p.data_len = 0;
	n = encode_ok(&p, &plain, buf, sizeof(buf));
	assert_int_equal(decode_exact(buf, n, &plain, &p), PDU_OK);
}

static void data_segment_structure(void **state)
{
	struct iscsi_pdu p, d;
	uint8_t buf[256], seg[64] = { 0 };
	size_t n;

	(void)state;
	/* SenseLength beyond the segment. */
	sample(ISCSI_OP_SCSI_RSP, &p);
	n = encode_ok(&p, &plain, buf, sizeof(buf));
	put_be16(buf + 48, 22);
	assert_int_equal(decode_exact(buf, n, &plain, &d), PDU_ERR_SEGMENT_FORMAT);
	put_be16(buf + 48, 21);                 /* exactly fills: no response data */
	assert_int_equal(decode_exact(buf, n, &plain, &d), PDU_OK);
	assert_int_equal(d.u.scsi_rsp.response_data_len, 0);
	assert_null(d.u.scsi_rsp.response_data);

	/* A one-byte segment cannot hold SenseLength. */
	p.data = seg;
	p.data_len = 1;
	assert_int_equal(pdu_encode(&p, &plain, buf, sizeof(buf), &n), PDU_ERR_SEGMENT_FORMAT);
	p.data_len = 2;                         /* SenseLength 0: fine */
	n = encode_ok(&p, &plain, buf, sizeof(buf));
	assert_int_equal(decode_exact(buf, n, &plain, &d), PDU_OK);
	assert_null(d.u.scsi_rsp.sense);

	sample(ISCSI_OP_ASYNC_MSG, &p);
	n = encode_ok(&p, &plain, buf, sizeof(buf));
	put_be16(buf + 48, 0xffff);
	assert_int_equal(decode_exact(buf, n, &plain, &d), PDU_ERR_SEGMENT_FORMAT);

	/* Reject must hold a whole BHS. */
	sample(ISCSI_OP_REJECT, &p);
	p.data_len = 47;
	assert_int_equal(pdu_encode(&p, &plain, buf, sizeof(buf), &n), PDU_ERR_SEGMENT_FORMAT);
	p.data_len = 48;
	n = encode_ok(&p, &plain, buf, sizeof(buf));
	put_be24(buf + 5, 44);
	assert_int_equal(decode_exact(buf, 48 + 44, &plain, &d), PDU_ERR_SEGMENT_FORMAT);
}

/* ---- AHS ---- */

static void additional_header_segments(void **state)
{
	/* Extended CDB: AHSLength 17 (reserved byte + 16 CDB bytes), then a
	 * Bidirectional Read Expected Data Transfer Length. */
	uint8_t ahs[28] = { 0x00, 0x11, ISCSI_AHS_EXTENDED_CDB, 0x00 };
	struct iscsi_pdu p, d;
	struct pdu_ahs a;
	uint8_t buf[256];
	size_t n, off = 0;

	(void)state;
	for (int i = 0; i < 16; i++)
		ahs[4 + i] = (uint8_t)(0xa0 + i);
	memcpy(ahs + 20, (const uint8_t[]){ 0x00, 0x05, ISCSI_AHS_BIDI_READ_LEN, 0x00,
					    0x00, 0x00, 0x10, 0x00 }, 8);
	sample(ISCSI_OP_SCSI_CMD, &p);
	p.ahs = ahs;
	p.ahs_len = sizeof(ahs);
	n = encode_ok(&p, &digest_settings[1], buf, sizeof(buf));
	assert_int_equal(n, 48 + 28 + 4);
	assert_int_equal(buf[4], 7);
	assert_int_equal(decode_exact(buf, n, &digest_settings[1], &d), PDU_OK);
	assert_int_equal(d.ahs_len, 28);
	assert_true(pdu_ahs_next(&d, &off, &a));
	assert_int_equal(a.type, ISCSI_AHS_EXTENDED_CDB);
	assert_int_equal(a.len, 17);
	assert_int_equal(a.data[1], 0xa0);
	assert_true(pdu_ahs_next(&d, &off, &a));
	assert_int_equal(a.type, ISCSI_AHS_BIDI_READ_LEN);
	assert_int_equal(get_be32(a.data + 1), 0x1000);
	assert_false(pdu_ahs_next(&d, &off, &a));

	/* Header digest covers the AHS. */
	buf[60] ^= 1;
	assert_int_equal(decode_exact(buf, n, &digest_settings[1], &d), PDU_ERR_HEADER_DIGEST);

	/* Damaged copies of the same AHS behind a plain SCSI Command BHS. */
	struct { size_t at; uint8_t value; enum pdu_err want; } bad[] = {
		{ 1, 0x1a, PDU_ERR_AHS_FORMAT },        /* first AHS runs past the end */
		{ 1, 0x00, PDU_ERR_AHS_FORMAT },        /* extended CDB without a CDB */
		{ 21, 0x04, PDU_ERR_AHS_FORMAT },       /* bidi length must be 5 */
		{ 2, 0x03, PDU_ERR_RESERVED_CODE },     /* AHSType 3 */
		{ 2, 0x00, PDU_ERR_RESERVED_CODE },     /* AHSType 0 */
		{ 2, 0x41, PDU_ERR_RESERVED_BIT },      /* AHSType reserved bit */
		{ 3, 0x01, PDU_ERR_RESERVED_FIELD },    /* reserved byte */
		{ 23, 0x01, PDU_ERR_RESERVED_FIELD },   /* bidi reserved byte */
		{ 2, ISCSI_AHS_EXTENDED_CDB, PDU_OK },  /* unchanged: the control */
	};
	pdu_init(&p, ISCSI_OP_SCSI_CMD);
	p.itt = 1;
	assert_int_equal(encode_ok(&p, &plain, buf, sizeof(buf)), 48);
	buf[4] = sizeof(ahs) / 4;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memcpy(buf + 48, ahs, sizeof(ahs));
		buf[48 + bad[i].at] = bad[i].value;
		enum pdu_err e = decode_exact(buf, 48 + sizeof(ahs), &plain, &d);
		if (e != bad[i].want)
			fail_msg("AHS byte %zu = %02x: %s", bad[i].at, bad[i].value, pdu_strerror(e));
	}
	/* A type-60 (non-iSCSI) AHS with a non-zero pad byte. */
	uint8_t ext[8] = { 0x00, 0x02, 60, 0x12, 0x34, 0x00, 0, 0 };
	memmove(buf + 48, ext, 8);
	buf[4] = 2;
	assert_int_equal(decode_exact(buf, 56, &plain, &d), PDU_OK);
	buf[48 + 6] = 1;
	assert_int_equal(decode_exact(buf, 56, &plain, &d), PDU_ERR_PADDING);
	assert_int_equal(decode_exact(buf, 56, &lenient, &d), PDU_OK);

	/* No AHS on other PDUs, in either direction. */
	sample(ISCSI_OP_LOGIN_RSP, &p);
	n = encode_ok(&p, &plain, buf, sizeof(buf));
	buf[4] = 1;
	assert_int_equal(pdu_wire_length(buf, 48, &plain, &n), PDU_ERR_AHS_NOT_ALLOWED);
	p.ahs = ahs;
	p.ahs_len = 8;
	assert_int_equal(pdu_encode(&p, &plain, buf, sizeof(buf), &n), PDU_ERR_AHS_NOT_ALLOWED);
}

/* ---- digests ---- */

static void digests_detect_damage(void **state)
{
	struct iscsi_pdu p, d;
	uint8_t buf[256];
	size_t n;
	const struct pdu_wire_opts *both = &digest_settings[3];

	(void)state;
	sample(ISCSI_OP_LOGIN_RSP, &p);
	n = encode_ok(&p, both, buf, sizeof(buf));
	assert_int_equal(pdu_check_digests(buf, n, both), PDU_OK);

	buf[20] ^= 0x01;                        /* a header byte */
	assert_int_equal(pdu_check_digests(buf, n, both), PDU_ERR_HEADER_DIGEST);
	assert_int_equal(decode_exact(buf, n, both, &d), PDU_ERR_HEADER_DIGEST);
	buf[20] ^= 0x01;
	buf[50] ^= 0x80;                        /* the header digest */
	assert_int_equal(decode_exact(buf, n, both, &d), PDU_ERR_HEADER_DIGEST);
	buf[50] ^= 0x80;
	buf[60] ^= 0x04;                        /* a data byte */
	assert_int_equal(decode_exact(buf, n, both, &d), PDU_ERR_DATA_DIGEST);
	assert_int_equal(pdu_check_digests(buf, n, both), PDU_ERR_DATA_DIGEST);
	buf[60] ^= 0x04;
	buf[52 + 31] = 0x01;                    /* the pad byte is covered too */
	assert_int_equal(decode_exact(buf, n, both, &d), PDU_ERR_DATA_DIGEST);
	buf[52 + 31] = 0;
	buf[n - 1] ^= 0x10;                     /* the data digest */
	assert_int_equal(decode_exact(buf, n, both, &d), PDU_ERR_DATA_DIGEST);
	buf[n - 1] ^= 0x10;
	assert_int_equal(decode_exact(buf, n, both, &d), PDU_OK);

	/* No data digest on an empty data segment. */
	sample(ISCSI_OP_LOGOUT_RSP, &p);
	n = encode_ok(&p, both, buf, sizeof(buf));
	assert_int_equal(n, 52);
	assert_int_equal(decode_exact(buf, n, both, &d), PDU_OK);

	/* Digest settings change the framing: decoding a digested PDU as
	 * plain is a length error, not a misread. */
	sample(ISCSI_OP_NOP_IN, &p);
	n = encode_ok(&p, both, buf, sizeof(buf));
	assert_int_equal(decode_exact(buf, n, &plain, &d), PDU_ERR_TRAILING);
}

/* ---- encoder ---- */

static void encoder_bounds_and_arguments(void **state)
{
	struct iscsi_pdu p;
	uint8_t buf[256], sentinel[256];
	size_t n, full;

	(void)state;
	sample(ISCSI_OP_TEXT_REQ, &p);
	full = encode_ok(&p, &digest_settings[3], buf, sizeof(buf));
	for (size_t cap = 0; cap < full; cap++) {
		memset(buf, 0xc3, sizeof(buf));
		memcpy(sentinel, buf, sizeof(buf));
		assert_int_equal(pdu_encode(&p, &digest_settings[3], buf, cap, &n), PDU_ERR_NO_SPACE);
		assert_int_equal(n, 0);
		assert_memory_equal(buf, sentinel, sizeof(buf));
	}
	assert_int_equal(pdu_encode(&p, &digest_settings[3], buf, full, &n), PDU_OK);
	assert_int_equal(pdu_encode(&p, &plain, NULL, 0, &n), PDU_ERR_NO_SPACE);

	/* Fields wider than their wire fields, or impossible. */
	sample(ISCSI_OP_LOGIN_REQ, &p);
	p.u.login_req.csg = 4;
	assert_int_equal(pdu_encode(&p, &plain, buf, sizeof(buf), &n), PDU_ERR_INVALID);
	sample(ISCSI_OP_LOGIN_REQ, &p);
	p.u.login_req.cont = true;
	assert_int_equal(pdu_encode(&p, &plain, buf, sizeof(buf), &n), PDU_ERR_T_AND_C);
	sample(ISCSI_OP_TEXT_REQ, &p);
	p.u.text_req.cont = true;
	assert_int_equal(pdu_encode(&p, &plain, buf, sizeof(buf), &n), PDU_ERR_T_AND_C);
	sample(ISCSI_OP_SCSI_CMD, &p);
	p.u.scsi_cmd.attr = 8;
	assert_int_equal(pdu_encode(&p, &plain, buf, sizeof(buf), &n), PDU_ERR_INVALID);
	sample(ISCSI_OP_LOGOUT_REQ, &p);
	p.u.logout_req.reason = 0x80;
	assert_int_equal(pdu_encode(&p, &plain, buf, sizeof(buf), &n), PDU_ERR_INVALID);
	p.u.logout_req.reason = 3;
	assert_int_equal(pdu_encode(&p, &plain, buf, sizeof(buf), &n), PDU_ERR_RESERVED_CODE);
	sample(ISCSI_OP_NOP_IN, &p);
	p.immediate = true;
	assert_int_equal(pdu_encode(&p, &plain, buf, sizeof(buf), &n), PDU_ERR_INVALID);
	sample(ISCSI_OP_SCSI_CMD, &p);
	p.ahs = buf;
	p.ahs_len = 3;
	assert_int_equal(pdu_encode(&p, &plain, buf, sizeof(buf), &n), PDU_ERR_INVALID);
	sample(ISCSI_OP_NOP_OUT, &p);
	p.data = NULL;
	assert_int_equal(pdu_encode(&p, &plain, buf, sizeof(buf), &n), PDU_ERR_INVALID);
	pdu_init(&p, ISCSI_OP_R2T);
	assert_int_equal(pdu_encode(&p, &plain, buf, sizeof(buf), &n), PDU_ERR_NOT_CONTROL_PATH);
	pdu_init(&p, 0x15);
	assert_int_equal(pdu_encode(&p, &plain, buf, sizeof(buf), &n), PDU_ERR_UNKNOWN_OPCODE);
	assert_int_equal(pdu_encode(NULL, &plain, buf, sizeof(buf), &n), PDU_ERR_INVALID);

	/* Constants the RFC draws into the header are written regardless. */
	sample(ISCSI_OP_LOGIN_REQ, &p);
	p.immediate = false;
	n = encode_ok(&p, &plain, buf, sizeof(buf));
	assert_int_equal(buf[0], 0x43);
	sample(ISCSI_OP_REJECT, &p);
	p.itt = 5;
	n = encode_ok(&p, &plain, buf, sizeof(buf));
	assert_int_equal(get_be32(buf + 16), ISCSI_RESERVED_TAG);
}

/* The data may be staged in the output buffer where it will end up. */
static void encode_in_place(void **state)
{
	struct iscsi_pdu p, d;
	uint8_t buf[256];
	size_t n;

	(void)state;
	sample(ISCSI_OP_TEXT_REQ, &p);
	memcpy(buf + 48, text_keys, sizeof(text_keys));
	p.data = buf + 48;
	n = encode_ok(&p, &digest_settings[3], buf, sizeof(buf));
	assert_int_equal(decode_exact(buf, n, &digest_settings[3], &d), PDU_OK);
	assert_memory_equal(d.data, text_keys, sizeof(text_keys));
}

static void error_messages(void **state)
{
	(void)state;
	for (int e = 0; e < PDU_ERR_COUNT; e++) {
		const char *msg = pdu_strerror((enum pdu_err)e);
		assert_non_null(msg);
		assert_true(strlen(msg) > 5);
		assert_null(strchr(msg, '\n'));
		for (int f = 0; f < e; f++)
			assert_string_not_equal(msg, pdu_strerror((enum pdu_err)f));
	}
	assert_string_equal(pdu_strerror(PDU_ERR_COUNT), "unknown PDU error");
	assert_string_equal(pdu_strerror((enum pdu_err)-1), "unknown PDU error");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(login_request_known_image),
		cmocka_unit_test(login_request_image_with_digests),
		cmocka_unit_test(rfc_read_command_image),
		cmocka_unit_test(round_trip_every_type),
		cmocka_unit_test(segment_views),
		cmocka_unit_test(every_truncation_is_typed),
		cmocka_unit_test(wire_length_needs_whole_bhs),
		cmocka_unit_test(oversized_data_segment),
		cmocka_unit_test(padding_is_zero_filled_and_counted),
		cmocka_unit_test(opcode_classes),
		cmocka_unit_test(wrong_sender),
		cmocka_unit_test(reserved_bits_and_fields),
		cmocka_unit_test(fixed_bits_codes_and_flags),
		cmocka_unit_test(text_and_nop_rules),
		cmocka_unit_test(data_segment_structure),
		cmocka_unit_test(additional_header_segments),
		cmocka_unit_test(digests_detect_damage),
		cmocka_unit_test(encoder_bounds_and_arguments),
		cmocka_unit_test(encode_in_place),
		cmocka_unit_test(error_messages),
	};
	return cmocka_run_group_tests_name("pdu", tests, NULL, NULL);
}
