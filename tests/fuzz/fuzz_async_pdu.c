/* Fuzzes what the "pdu" worker runs on target bytes: session_pdu_decode()
 * on a PDU in the kernel's form (BHS, then unpadded data), the whole
 * input being the PDU, in an exact-size copy so ASan sees any read past
 * its end.
 *
 * Beyond "no crash, no over-read": a decoded PDU passes the monitor's
 * own check (session_pdu_check(), what it applies to a worker's answer),
 * its numbers are the header's bytes, its lengths add up to the data
 * segment, and a refused one comes with a reason line. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/bytes.h"
#include "proto/pdu.h"
#include "proto/session_pdu.h"

static void check_async(const uint8_t *in, size_t len, const struct session_pdu *d)
{
	size_t dlen = len - ISCSI_BHS_LEN;

	if (d->event != in[36] || d->vcode != in[37] || d->param1 != get_be16(in + 38) ||
	    d->param2 != get_be16(in + 40) || d->param3 != get_be16(in + 42))
		abort();
	if (dlen ? (size_t)2 + d->sense_len + d->event_data_len != dlen
		 : d->sense_len || d->event_data_len)
		abort();
	if (d->event == ISCSI_ASYNC_SCSI_EVENT && d->sense_len == 0)
		abort();
	if ((d->event == ISCSI_ASYNC_DROP_CONNECTION ||
	     d->event == ISCSI_ASYNC_DROP_ALL_CONNECTIONS) &&
	    (d->param2 > SESSION_PDU_TIME_MAX || d->param3 > SESSION_PDU_TIME_MAX))
		abort();
	if (d->sense_valid && d->event != ISCSI_ASYNC_SCSI_EVENT)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct session_pdu d;
	char why[256];

	uint8_t *copy = malloc(size ? size : 1);
	if (!copy)
		return 0;
	memcpy(copy, data, size);
	why[0] = '\0';
	int rc = session_pdu_decode(copy, size, &d, why, sizeof(why));
	if (rc != 0) {
		if (rc != -1 || why[0] == '\0' || strlen(why) >= sizeof(why))
			abort();
		free(copy);
		return 0;
	}
	if (size < SESSION_PDU_MIN || size > SESSION_PDU_MAX ||
	    size != ISCSI_BHS_LEN + get_be24(copy + 5))
		abort();
	if (session_pdu_check(&d, why, sizeof(why)) != 0)
		abort();
	switch (copy[0] & ISCSI_BHS_OPCODE_MASK) {
	case ISCSI_OP_ASYNC_MSG:
		if (d.kind != SESSION_PDU_ASYNC)
			abort();
		check_async(copy, size, &d);
		break;
	case ISCSI_OP_LOGOUT_RSP:
		if (d.kind != SESSION_PDU_LOGOUT_RSP || d.response != copy[2] ||
		    d.time2wait != get_be16(copy + 40) || size != ISCSI_BHS_LEN)
			abort();
		break;
	default:
		abort();
	}
	/* The result holds no pointer into the input: wiping it changes nothing. */
	struct session_pdu again = d;
	memset(copy, 0, size);
	if (memcmp(&again, &d, sizeof(d)) != 0)
		abort();
	free(copy);
	return 0;
}
