#include "proto/session_pdu.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "base/bytes.h"
#include "proto/pdu.h"

static int refuse(char *why, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static int refuse(char *why, size_t size, const char *fmt, ...)
{
	va_list ap;

	if (size) {
		va_start(ap, fmt);
		vsnprintf(why, size, fmt, ap);
		va_end(ap);
	}
	return -1;
}

const char *session_pdu_event_name(uint8_t event)
{
	switch (event) {
	case ISCSI_ASYNC_SCSI_EVENT:
		return "SCSI event";
	case ISCSI_ASYNC_LOGOUT_REQUEST:
		return "logout request";
	case ISCSI_ASYNC_DROP_CONNECTION:
		return "connection drop";
	case ISCSI_ASYNC_DROP_ALL_CONNECTIONS:
		return "drop of all connections";
	case ISCSI_ASYNC_RENEGOTIATE:
		return "renegotiation request";
	case ISCSI_ASYNC_VENDOR:
		return "vendor-specific event";
	default:
		return "reserved event";
	}
}

/* SPC's two sense formats: fixed (response code 70h/71h: key in byte 2,
 * ASC and ASCQ in bytes 12 and 13, which the additional sense length in
 * byte 7 must cover) and descriptor (72h/73h: bytes 1 to 3). Sense that
 * holds neither is kept as a length only; the RFC leaves its content to
 * SCSI, so it does not make the PDU malformed. */
static void parse_sense(const uint8_t *s, size_t n, struct session_pdu *d)
{
	if (n < 1)
		return;
	switch (s[0] & 0x7f) {
	case 0x70:
	case 0x71:
		if (n < 14 || s[7] < 14 - 8)
			return;
		d->sense_key = s[2] & 0x0f;
		d->asc = s[12];
		d->ascq = s[13];
		break;
	case 0x72:
	case 0x73:
		if (n < 4)
			return;
		d->sense_key = s[1] & 0x0f;
		d->asc = s[2];
		d->ascq = s[3];
		break;
	default:
		return;
	}
	d->sense_valid = true;
}

static void from_async(const struct pdu_async *a, struct session_pdu *d)
{
	d->kind = SESSION_PDU_ASYNC;
	d->event = a->event;
	d->vcode = a->vcode;
	d->param1 = a->param1;
	d->param2 = a->param2;
	d->param3 = a->param3;
	d->sense_len = a->sense_len;
	/* Bounded by SESSION_PDU_MAX through the data length. */
	d->event_data_len = (uint16_t)a->event_data_len;
	if (a->event == ISCSI_ASYNC_SCSI_EVENT)
		parse_sense(a->sense, a->sense_len, d);
}

int session_pdu_decode(const uint8_t *pdu, size_t len, struct session_pdu *out, char *why,
		       size_t size)
{
	/* The data padded to its 4-byte boundary, as on the wire. */
	uint8_t wire[SESSION_PDU_MAX + 3];
	const struct pdu_wire_opts opts = {
		.max_data_len = SESSION_PDU_DATA_MAX,
		.sender = PDU_SENDER_TARGET,
	};
	struct iscsi_pdu p;
	struct session_pdu d;

	if (!pdu || len < ISCSI_BHS_LEN)
		return refuse(why, size, "%zu bytes: shorter than a PDU header (%u)", len,
			      ISCSI_BHS_LEN);
	if (len > SESSION_PDU_MAX)
		return refuse(why, size, "%zu bytes: longer than the %u examined", len,
			      SESSION_PDU_MAX);
	uint8_t op = pdu[0] & ISCSI_BHS_OPCODE_MASK;
	if (op != ISCSI_OP_ASYNC_MSG && op != ISCSI_OP_LOGOUT_RSP)
		return refuse(why, size, "unexpected %s PDU (opcode 0x%02x)", pdu_opcode_name(op),
			      op);
	/* The kernel passes no AHS bytes: a header announcing some does not
	 * describe what follows it. */
	if (pdu[4] != 0)
		return refuse(why, size, "%s with TotalAHSLength %u: it has no additional header",
			      pdu_opcode_name(op), pdu[4]);
	size_t dlen = get_be24(pdu + 5);
	if (ISCSI_BHS_LEN + dlen != len)
		return refuse(why, size, "%s: DataSegmentLength %zu, but %zu data bytes passed",
			      pdu_opcode_name(op), dlen, len - ISCSI_BHS_LEN);
	if (op == ISCSI_OP_LOGOUT_RSP && dlen != 0)
		return refuse(why, size, "Logout Response with a %zu-byte data segment", dlen);
	size_t padded = ISCSI_BHS_LEN + pdu_pad4(dlen);
	memcpy(wire, pdu, len);
	memset(wire + len, 0, padded - len);
	enum pdu_err e = pdu_decode(wire, padded, &opts, &p);
	if (e != PDU_OK)
		return refuse(why, size, "%s: %s", pdu_opcode_name(op), pdu_strerror(e));

	memset(&d, 0, sizeof(d));
	if (op == ISCSI_OP_LOGOUT_RSP) {
		d.kind = SESSION_PDU_LOGOUT_RSP;
		d.response = p.u.logout_rsp.response;
		d.time2wait = p.u.logout_rsp.time2wait;
		d.time2retain = p.u.logout_rsp.time2retain;
	} else {
		from_async(&p.u.async, &d);
	}
	if (session_pdu_check(&d, why, size) < 0)
		return -1;
	*out = d;
	return 0;
}

static int check_logout_rsp(const struct session_pdu *p, char *why, size_t size)
{
	if (p->response > ISCSI_LOGOUT_RSP_CLEANUP_FAILED)
		return refuse(why, size, "reserved Logout Response code %u", p->response);
	/* 11.15.2, 11.15.3: the times count only with codes 2 and 3. */
	if ((p->response == ISCSI_LOGOUT_RSP_RECOVERY_UNSUPPORTED ||
	     p->response == ISCSI_LOGOUT_RSP_CLEANUP_FAILED) &&
	    (p->time2wait > SESSION_PDU_TIME_MAX || p->time2retain > SESSION_PDU_TIME_MAX))
		return refuse(why, size, "Logout Response: Time2Wait %u or Time2Retain %u outside "
			      "0..%u", p->time2wait, p->time2retain, SESSION_PDU_TIME_MAX);
	return 0;
}

static int check_async(const struct session_pdu *p, char *why, size_t size)
{
	size_t segment = p->sense_len || p->event_data_len ?
				 2 + (size_t)p->sense_len + p->event_data_len : 0;

	if (segment > SESSION_PDU_DATA_MAX)
		return refuse(why, size, "sense and event data of %zu bytes", segment);
	switch (p->event) {
	case ISCSI_ASYNC_SCSI_EVENT:
		/* 11.9.1: the sense data identifies the condition. */
		if (p->sense_len == 0)
			return refuse(why, size, "SCSI event without sense data");
		break;
	case ISCSI_ASYNC_DROP_CONNECTION:
	case ISCSI_ASYNC_DROP_ALL_CONNECTIONS:
		if (p->param2 > SESSION_PDU_TIME_MAX || p->param3 > SESSION_PDU_TIME_MAX)
			return refuse(why, size, "%s: Time2Wait %u or Time2Retain %u outside 0..%u",
				      session_pdu_event_name(p->event), p->param2, p->param3,
				      SESSION_PDU_TIME_MAX);
		break;
	case ISCSI_ASYNC_LOGOUT_REQUEST:
	case ISCSI_ASYNC_RENEGOTIATE:
	case ISCSI_ASYNC_VENDOR:
		break;
	default:
		return refuse(why, size, "reserved AsyncEvent %u", p->event);
	}
	if (p->sense_valid ? p->event != ISCSI_ASYNC_SCSI_EVENT || p->sense_key > 0x0f
			   : p->sense_key || p->asc || p->ascq)
		return refuse(why, size, "sense key, ASC and ASCQ inconsistent with the event");
	return 0;
}

int session_pdu_check(const struct session_pdu *p, char *why, size_t size)
{
	switch (p->kind) {
	case SESSION_PDU_ASYNC:
		return check_async(p, why, size);
	case SESSION_PDU_LOGOUT_RSP:
		return check_logout_rsp(p, why, size);
	default:
		return refuse(why, size, "neither an Asynchronous Message nor a Logout Response");
	}
}
