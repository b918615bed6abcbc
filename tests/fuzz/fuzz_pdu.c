/* Fuzzes the PDU decoder the way a stream reader drives it: the wire
 * length from the BHS, the digests, then the strict decode.
 *
 * Input: one byte of settings, then the PDU bytes.
 *   bit 0 HeaderDigest, bit 1 DataDigest, bit 2 lenient_reserved,
 *   bits 3-4 sender (3 = any), bits 5-6 MaxRecvDataSegmentLength
 *   (512, 8192, 262144, 2^24-1).
 *
 * Beyond "no crash, no over-read", a decoded PDU must re-encode: to the
 * very same bytes when reserved checks were on, and to something the
 * strict decoder accepts when they were off. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "proto/pdu.h"

static const uint32_t data_limits[4] = { 512, 8192, 262144, ISCSI_DSL_MAX };

static uint8_t reencoded[ISCSI_PDU_MAX_WIRE_LEN];

/* Reads every byte a decoded PDU points at, so ASan checks the pointers. */
static unsigned touch(const struct iscsi_pdu *p)
{
	unsigned sum = 0;
	struct pdu_ahs ahs;
	size_t off = 0;

	for (size_t i = 0; i < p->ahs_len; i++)
		sum += p->ahs[i];
	for (size_t i = 0; i < p->data_len; i++)
		sum += p->data[i];
	while (pdu_ahs_next(p, &off, &ahs))
		for (size_t i = 0; i < ahs.len; i++)
			sum += ahs.data[i];
	if (p->opcode == ISCSI_OP_SCSI_RSP) {
		for (size_t i = 0; i < p->u.scsi_rsp.sense_len; i++)
			sum += p->u.scsi_rsp.sense[i];
		for (size_t i = 0; i < p->u.scsi_rsp.response_data_len; i++)
			sum += p->u.scsi_rsp.response_data[i];
	} else if (p->opcode == ISCSI_OP_ASYNC_MSG) {
		for (size_t i = 0; i < p->u.async.sense_len; i++)
			sum += p->u.async.sense[i];
		for (size_t i = 0; i < p->u.async.event_data_len; i++)
			sum += p->u.async.event_data[i];
	} else if (p->opcode == ISCSI_OP_REJECT) {
		for (size_t i = 0; i < ISCSI_BHS_LEN; i++)
			sum += p->u.reject.rejected_bhs[i];
	}
	return sum;
}

static void check_reencode(const struct iscsi_pdu *p, const uint8_t *wire, size_t len,
			   const struct pdu_wire_opts *o)
{
	size_t n = 0;
	struct iscsi_pdu again;
	struct pdu_wire_opts strict = *o;

	enum pdu_err e = pdu_encode(p, o, reencoded, sizeof(reencoded), &n);
	/* The AHS is carried as raw bytes: what leniency let in there, the
	 * encoder (always strict) refuses to send. */
	if (e != PDU_OK && o->lenient_reserved && p->ahs_len > 0 &&
	    (e == PDU_ERR_RESERVED_BIT || e == PDU_ERR_RESERVED_FIELD || e == PDU_ERR_PADDING))
		return;
	if (e != PDU_OK)
		abort();
	strict.lenient_reserved = false;
	if (!o->lenient_reserved && (n != len || memcmp(reencoded, wire, len) != 0))
		abort();
	if (pdu_decode(reencoded, n, &strict, &again) != PDU_OK)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pdu_wire_opts o;
	struct iscsi_pdu p;
	size_t wire = 0;
	enum pdu_err e;
	volatile unsigned sink;

	if (size < 1)
		return 0;
	memset(&o, 0, sizeof(o));
	o.header_digest = data[0] & 1;
	o.data_digest = data[0] & 2;
	o.lenient_reserved = data[0] & 4;
	o.sender = ((data[0] >> 3) & 3) == 3 ? PDU_SENDER_ANY : (enum pdu_sender)((data[0] >> 3) & 3);
	o.max_data_len = data_limits[(data[0] >> 5) & 3];
	data++;
	size--;

	e = pdu_wire_length(data, size, &o, &wire);
	if (pdu_strerror(e) == NULL)
		abort();
	if (e != PDU_OK || wire > size) {
		/* The decoder must agree that this is not one whole PDU. */
		if (pdu_decode(data, size, &o, &p) == PDU_OK)
			abort();
		return 0;
	}
	if (wire < ISCSI_BHS_LEN)
		abort();

	/* An exact-size copy, so ASan sees a read past the PDU's end. */
	uint8_t *copy = malloc(wire);
	if (copy == NULL)
		return 0;
	memcpy(copy, data, wire);
	enum pdu_err digests = pdu_check_digests(copy, wire, &o);
	e = pdu_decode(copy, wire, &o, &p);
	if (digests != PDU_OK && e != digests)
		abort();
	if (e == PDU_OK) {
		if (p.wire_len != wire || p.data_len > o.max_data_len)
			abort();
		sink = touch(&p);
		(void)sink;
		check_reencode(&p, copy, wire, &o);
	}
	free(copy);
	/* Whole input: trailing bytes are an error of their own. */
	if (wire < size && pdu_decode(data, size, &o, &p) != PDU_ERR_TRAILING)
		abort();
	return 0;
}
