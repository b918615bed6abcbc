/* proto/session_pdu.h: the PDUs the kernel passes up from a logged-in
 * session, in the kernel's form (BHS then unpadded data), built here byte
 * by byte from the RFC 7143 layouts (11.9 Asynchronous Message, 11.15
 * Logout Response): every event, the sense formats, every length and
 * framing error, the RFC's ranges, and the checks the monitor applies to
 * a worker's answer. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "base/bytes.h"
#include "proto/pdu.h"
#include "proto/session_pdu.h"

static uint8_t buf[SESSION_PDU_MAX + 64];
static char why[256];

/* An Asynchronous Message (11.9): |1| Reserved, ITT 0xffffffff,
 * StatSN/ExpCmdSN/MaxCmdSN, AsyncEvent, AsyncVCode, Parameter1-3. */
static size_t async_image(uint8_t event, uint8_t vcode, uint16_t p1, uint16_t p2, uint16_t p3,
			  const uint8_t *data, size_t dlen)
{
	memset(buf, 0, sizeof(buf));
	buf[0] = 0x32;
	buf[1] = 0x80;
	put_be24(buf + 5, (uint32_t)dlen);
	put_be64(buf + 8, event == 0 ? 0x0001000000000000ull : 0);     /* LUN 1 for event 0 */
	put_be32(buf + 16, 0xffffffffu);
	put_be32(buf + 24, 7);                  /* StatSN */
	put_be32(buf + 28, 11);                 /* ExpCmdSN */
	put_be32(buf + 32, 42);                 /* MaxCmdSN */
	buf[36] = event;
	buf[37] = vcode;
	put_be16(buf + 38, p1);
	put_be16(buf + 40, p2);
	put_be16(buf + 42, p3);
	if (dlen)
		memcpy(buf + 48, data, dlen);
	return 48 + dlen;
}

/* A Logout Response (11.15): |1| Reserved, Response, ITT, StatSN...,
 * Time2Wait, Time2Retain. */
static size_t logout_rsp_image(uint8_t response, uint16_t t2w, uint16_t t2r)
{
	memset(buf, 0, sizeof(buf));
	buf[0] = 0x26;
	buf[1] = 0x80;
	buf[2] = response;
	put_be32(buf + 16, 0x1234);
	put_be32(buf + 24, 8);
	put_be32(buf + 28, 12);
	put_be32(buf + 32, 43);
	put_be16(buf + 40, t2w);
	put_be16(buf + 42, t2r);
	return 48;
}

static void decode_ok(size_t len, struct session_pdu *d)
{
	why[0] = '\0';
	if (session_pdu_decode(buf, len, d, why, sizeof(why)) != 0)
		fail_msg("refused: %s", why);
}

/* Refused, with a line containing want; *out untouched. */
static void refused(size_t len, const char *want)
{
	struct session_pdu d;

	memset(&d, 0x5a, sizeof(d));
	why[0] = '\0';
	assert_int_equal(session_pdu_decode(buf, len, &d, why, sizeof(why)), -1);
	if (!strstr(why, want))
		fail_msg("reason \"%s\" lacks \"%s\"", why, want);
	for (size_t i = 0; i < sizeof(d); i++)
		assert_int_equal(((uint8_t *)&d)[i], 0x5a);
}

/* ---- the events ---- */

static void logout_request(void **state)
{
	struct session_pdu d;

	(void)state;
	decode_ok(async_image(1, 0, 0, 0, 10, NULL, 0), &d);
	assert_int_equal(d.kind, SESSION_PDU_ASYNC);
	assert_int_equal(d.event, ISCSI_ASYNC_LOGOUT_REQUEST);
	assert_int_equal(d.param3, 10);
	assert_int_equal(d.sense_len, 0);
	assert_false(d.sense_valid);
	assert_string_equal(session_pdu_event_name(d.event), "logout request");
}

static void drop_connection_times(void **state)
{
	struct session_pdu d;

	(void)state;
	decode_ok(async_image(2, 0, 3, 5, 20, NULL, 0), &d);
	assert_int_equal(d.event, ISCSI_ASYNC_DROP_CONNECTION);
	assert_int_equal(d.param1, 3);          /* CID */
	assert_int_equal(d.param2, 5);          /* Time2Wait */
	assert_int_equal(d.param3, 20);         /* Time2Retain */
	decode_ok(async_image(3, 0, 0, 0, 0, NULL, 0), &d);
	assert_int_equal(d.event, ISCSI_ASYNC_DROP_ALL_CONNECTIONS);
	assert_int_equal(d.param2, 0);
	/* 0..3600, DefaultTime2Wait's and -Retain's range, both events. */
	decode_ok(async_image(3, 0, 0, 3600, 3600, NULL, 0), &d);
	assert_int_equal(d.param2, 3600);
	refused(async_image(2, 0, 0, 3601, 0, NULL, 0), "Time2Wait 3601");
	refused(async_image(3, 0, 0, 0, 65535, NULL, 0), "Time2Retain 65535");
	refused(async_image(2, 0, 0, 65535, 65535, NULL, 0), "outside 0..3600");
}

static void renegotiate_and_vendor(void **state)
{
	static const uint8_t vendor_data[] = { 0x00, 0x00, 'v', 'e', 'n', 'd', 'o', 'r', '!' };
	struct session_pdu d;

	(void)state;
	decode_ok(async_image(4, 0, 0, 0, 30, NULL, 0), &d);
	assert_int_equal(d.event, ISCSI_ASYNC_RENEGOTIATE);
	assert_int_equal(d.param3, 30);
	/* SenseLength 0, then 7 bytes of event data: 9 bytes, unpadded. */
	decode_ok(async_image(255, 0x17, 0, 0, 0, vendor_data, sizeof(vendor_data)), &d);
	assert_int_equal(d.event, ISCSI_ASYNC_VENDOR);
	assert_int_equal(d.vcode, 0x17);
	assert_int_equal(d.sense_len, 0);
	assert_int_equal(d.event_data_len, 7);
	assert_false(d.sense_valid);
}

static void reserved_events(void **state)
{
	(void)state;
	for (unsigned e = 5; e < 255; e++)
		refused(async_image((uint8_t)e, 0, 0, 0, 0, NULL, 0), "reserved code value");
}

/* ---- SCSI events and their sense ---- */

static void scsi_event_fixed_sense(void **state)
{
	/* SenseLength 18; fixed format, UNIT ATTENTION, 3F/0E (REPORTED
	 * LUNS DATA HAS CHANGED), additional length 10. */
	static const uint8_t seg[20] = {
		0x00, 0x12, 0x70, 0x00, 0x06, 0, 0, 0, 0, 0x0a,
		0, 0, 0, 0, 0x3f, 0x0e, 0, 0, 0, 0,
	};
	struct session_pdu d;

	(void)state;
	decode_ok(async_image(0, 0, 0, 0, 0, seg, sizeof(seg)), &d);
	assert_int_equal(d.event, ISCSI_ASYNC_SCSI_EVENT);
	assert_int_equal(d.sense_len, 18);
	assert_int_equal(d.event_data_len, 0);
	assert_true(d.sense_valid);
	assert_int_equal(d.sense_key, 6);
	assert_int_equal(d.asc, 0x3f);
	assert_int_equal(d.ascq, 0x0e);
}

static void scsi_event_descriptor_sense(void **state)
{
	/* SenseLength 8, descriptor format 72h, key 2 (NOT READY) 04/01,
	 * then 3 bytes of iSCSI event data: 13 bytes, padded on the wire. */
	static const uint8_t seg[13] = {
		0x00, 0x08, 0x72, 0x02, 0x04, 0x01, 0, 0, 0, 0, 0xaa, 0xbb, 0xcc,
	};
	struct session_pdu d;

	(void)state;
	decode_ok(async_image(0, 0, 0, 0, 0, seg, sizeof(seg)), &d);
	assert_true(d.sense_valid);
	assert_int_equal(d.sense_key, 2);
	assert_int_equal(d.asc, 0x04);
	assert_int_equal(d.ascq, 0x01);
	assert_int_equal(d.sense_len, 8);
	assert_int_equal(d.event_data_len, 3);
}

static void scsi_event_sense_without_codes(void **state)
{
	/* Unknown response code 0x00; a fixed one too short for ASC (13
	 * bytes); one whose additional length stops before byte 12. */
	static const uint8_t unknown[6] = { 0x00, 0x04, 0x00, 0x00, 0x06, 0x00 };
	static const uint8_t short_fixed[15] = { 0x00, 0x0d, 0x70, 0, 0x06, 0, 0, 0, 0, 0x0a,
						 0, 0, 0, 0, 0x3f };
	static const uint8_t cut_fixed[16] = { 0x00, 0x0e, 0xf0, 0, 0x06, 0, 0, 0, 0, 0x05,
					       0, 0, 0, 0, 0x3f, 0x0e };
	struct session_pdu d;

	(void)state;
	decode_ok(async_image(0, 0, 0, 0, 0, unknown, sizeof(unknown)), &d);
	assert_false(d.sense_valid);
	assert_int_equal(d.sense_len, 4);
	assert_int_equal(d.sense_key | d.asc | d.ascq, 0);
	decode_ok(async_image(0, 0, 0, 0, 0, short_fixed, sizeof(short_fixed)), &d);
	assert_false(d.sense_valid);
	decode_ok(async_image(0, 0, 0, 0, 0, cut_fixed, sizeof(cut_fixed)), &d);
	assert_false(d.sense_valid);
}

static void scsi_event_needs_sense(void **state)
{
	static const uint8_t empty_sense[2] = { 0, 0 };
	static const uint8_t too_long[6] = { 0x00, 0x05, 0x70, 0, 0, 0 };
	static const uint8_t one_byte[1] = { 0 };

	(void)state;
	refused(async_image(0, 0, 0, 0, 0, NULL, 0), "without sense data");
	refused(async_image(0, 0, 0, 0, 0, empty_sense, 2), "without sense data");
	/* SenseLength beyond the segment; a segment too short for it. */
	refused(async_image(0, 0, 0, 0, 0, too_long, sizeof(too_long)), "inconsistent");
	refused(async_image(0, 0, 0, 0, 0, one_byte, 1), "inconsistent");
	refused(async_image(255, 0, 0, 0, 0, one_byte, 1), "inconsistent");
}

/* ---- the Logout Response ---- */

static void logout_response(void **state)
{
	struct session_pdu d;

	(void)state;
	decode_ok(logout_rsp_image(0, 0, 0), &d);
	assert_int_equal(d.kind, SESSION_PDU_LOGOUT_RSP);
	assert_int_equal(d.response, ISCSI_LOGOUT_RSP_SUCCESS);
	decode_ok(logout_rsp_image(3, 4, 20), &d);
	assert_int_equal(d.response, ISCSI_LOGOUT_RSP_CLEANUP_FAILED);
	assert_int_equal(d.time2wait, 4);
	assert_int_equal(d.time2retain, 20);
	/* The times count with codes 2 and 3 only (11.15.2). */
	decode_ok(logout_rsp_image(0, 9999, 9999), &d);
	refused(logout_rsp_image(2, 3601, 0), "Time2Wait 3601");
	refused(logout_rsp_image(3, 0, 4000), "Time2Retain 4000");
	refused(logout_rsp_image(4, 0, 0), "reserved code value");
	size_t n = logout_rsp_image(0, 0, 0);
	put_be24(buf + 5, 4);
	refused(n + 4, "data segment");
}

/* ---- framing ---- */

static void lengths(void **state)
{
	static const uint8_t seg[20] = { 0x00, 0x12, 0x70, 0x00, 0x06, 0, 0, 0, 0, 0x0a,
					 0, 0, 0, 0, 0x3f, 0x0e, 0, 0, 0, 0 };
	struct session_pdu d;

	(void)state;
	size_t n = async_image(0, 0, 0, 0, 0, seg, sizeof(seg));
	/* Every cut is refused: the header says how much data follows. */
	for (size_t len = 0; len < n; len++)
		refused(len, len < 48 ? "shorter than a PDU header" : "DataSegmentLength 20");
	/* Bytes after the PDU (netlink padding must not reach us). */
	refused(n + 1, "but 21 data bytes");
	refused(n + 3, "but 23 data bytes");
	assert_int_equal(session_pdu_decode(NULL, 48, &d, why, sizeof(why)), -1);
	/* The largest examined: 912 bytes of vendor data. */
	static uint8_t big[SESSION_PDU_DATA_MAX];
	memset(big, 0x11, sizeof(big));
	big[0] = big[1] = 0;
	decode_ok(async_image(255, 1, 0, 0, 0, big, sizeof(big)), &d);
	assert_int_equal(d.event_data_len, SESSION_PDU_DATA_MAX - 2);
	async_image(255, 1, 0, 0, 0, big, sizeof(big));
	put_be24(buf + 5, SESSION_PDU_DATA_MAX + 1);
	refused(SESSION_PDU_MAX + 1, "longer than the 960 examined");
	/* The kernel passes no AHS; a header that announces one lies. */
	n = async_image(1, 0, 0, 0, 5, NULL, 0);
	buf[4] = 1;
	refused(n, "TotalAHSLength 1");
	/* A zero length in the reason buffer is allowed. */
	assert_int_equal(session_pdu_decode(buf, n, &d, NULL, 0), -1);
}

static void other_opcodes(void **state)
{
	static const uint8_t ops[] = { 0x20, 0x21, 0x22, 0x23, 0x24, 0x25, 0x31, 0x3f, 0x3c,
				       0x00, 0x03, 0x06, 0x15 };

	(void)state;
	for (size_t i = 0; i < sizeof(ops); i++) {
		size_t n = async_image(1, 0, 0, 0, 5, NULL, 0);
		buf[0] = ops[i];
		refused(n, "unexpected");
	}
}

static void header_rules(void **state)
{
	size_t n;

	(void)state;
	/* ITT must be the reserved tag; the F bit is fixed. */
	n = async_image(1, 0, 0, 0, 5, NULL, 0);
	put_be32(buf + 16, 7);
	refused(n, "differs from its required value");
	n = async_image(1, 0, 0, 0, 5, NULL, 0);
	buf[1] = 0x00;
	refused(n, "differs from its required value");
	/* Reserved bits and bytes (strict, as every decoder here). */
	n = async_image(1, 0, 0, 0, 5, NULL, 0);
	buf[0] |= 0x40;
	refused(n, "reserved bit");
	n = async_image(1, 0, 0, 0, 5, NULL, 0);
	buf[21] = 1;
	refused(n, "reserved header field");
	n = async_image(1, 0, 0, 0, 5, NULL, 0);
	buf[44] = 1;
	refused(n, "reserved header field");
}

/* ---- the monitor's check of an answer ---- */

static void answer_checks(void **state)
{
	struct session_pdu d;

	(void)state;
	memset(&d, 0, sizeof(d));
	assert_int_equal(session_pdu_check(&d, why, sizeof(why)), -1);
	d.kind = SESSION_PDU_ASYNC;
	d.event = 1;
	assert_int_equal(session_pdu_check(&d, why, sizeof(why)), 0);
	d.event = 9;
	assert_int_equal(session_pdu_check(&d, why, sizeof(why)), -1);
	assert_non_null(strstr(why, "reserved AsyncEvent 9"));
	/* Sense codes only with a SCSI event that has sense. */
	d.event = 2;
	d.sense_valid = true;
	assert_int_equal(session_pdu_check(&d, why, sizeof(why)), -1);
	d.sense_valid = false;
	d.asc = 0x3f;
	assert_int_equal(session_pdu_check(&d, why, sizeof(why)), -1);
	d.asc = 0;
	d.event = 0;
	d.sense_len = 18;
	d.sense_valid = true;
	d.sense_key = 16;
	assert_int_equal(session_pdu_check(&d, why, sizeof(why)), -1);
	d.sense_key = 6;
	assert_int_equal(session_pdu_check(&d, why, sizeof(why)), 0);
	/* Lengths that no examined PDU can have. */
	d.sense_len = SESSION_PDU_DATA_MAX;
	assert_int_equal(session_pdu_check(&d, why, sizeof(why)), -1);
	d.sense_len = 18;
	d.event_data_len = SESSION_PDU_DATA_MAX - 20;
	assert_int_equal(session_pdu_check(&d, why, sizeof(why)), 0);
	d.event_data_len++;
	assert_int_equal(session_pdu_check(&d, why, sizeof(why)), -1);

	memset(&d, 0, sizeof(d));
	d.kind = SESSION_PDU_LOGOUT_RSP;
	d.response = 4;
	assert_int_equal(session_pdu_check(&d, why, sizeof(why)), -1);
	d.response = 2;
	d.time2wait = 3600;
	assert_int_equal(session_pdu_check(&d, why, sizeof(why)), 0);
}

static void event_names(void **state)
{
	(void)state;
	assert_string_equal(session_pdu_event_name(0), "SCSI event");
	assert_string_equal(session_pdu_event_name(2), "connection drop");
	assert_string_equal(session_pdu_event_name(3), "drop of all connections");
	assert_string_equal(session_pdu_event_name(4), "renegotiation request");
	assert_string_equal(session_pdu_event_name(255), "vendor-specific event");
	assert_string_equal(session_pdu_event_name(77), "reserved event");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(logout_request),
		cmocka_unit_test(drop_connection_times),
		cmocka_unit_test(renegotiate_and_vendor),
		cmocka_unit_test(reserved_events),
		cmocka_unit_test(scsi_event_fixed_sense),
		cmocka_unit_test(scsi_event_descriptor_sense),
		cmocka_unit_test(scsi_event_sense_without_codes),
		cmocka_unit_test(scsi_event_needs_sense),
		cmocka_unit_test(logout_response),
		cmocka_unit_test(lengths),
		cmocka_unit_test(other_opcodes),
		cmocka_unit_test(header_rules),
		cmocka_unit_test(answer_checks),
		cmocka_unit_test(event_names),
	};

	return cmocka_run_group_tests_name("async_decode", tests, NULL, NULL);
}
