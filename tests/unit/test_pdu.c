/* The PDU codec: byte images built by hand from the RFC 7143 layouts,
 * round trips of every control-path PDU with every digest setting, every
 * truncation, limits, opcodes, digests and the encoder's bounds. The
 * strictness rules are in test_pdu_strict.c. */
#include "tests/unit/pdu_samples.h"

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
		cmocka_unit_test(digests_detect_damage),
		cmocka_unit_test(encoder_bounds_and_arguments),
		cmocka_unit_test(encode_in_place),
		cmocka_unit_test(error_messages),
	};
	return cmocka_run_group_tests_name("pdu", tests, NULL, NULL);
}
