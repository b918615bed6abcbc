/* The PDU decoder's strictness, one rule at a time, each with the RFC 7143
 * section that makes it a rule: reserved bits and fields, constant bits
 * and values, reserved codes, forbidden flag pairs, data segment and AHS
 * structure. */
#include "tests/unit/pdu_samples.h"

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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(reserved_bits_and_fields),
		cmocka_unit_test(fixed_bits_codes_and_flags),
		cmocka_unit_test(text_and_nop_rules),
		cmocka_unit_test(data_segment_structure),
		cmocka_unit_test(additional_header_segments),
	};
	return cmocka_run_group_tests_name("pdu_strict", tests, NULL, NULL);
}
