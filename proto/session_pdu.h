/* The PDUs of a logged-in session that the kernel's iSCSI data path does
 * not handle itself and passes up to iscsid (ISCSI_KEVENT_RECV_PDU): the
 * target's Asynchronous Message (RFC 7143 11.9) and the Logout Response
 * (11.15) to a Logout Request iscsid sent through the kernel.
 *
 * The kernel passes them in its own form, not the wire's: the 48-byte
 * BHS, then the DataSegmentLength bytes of data, without AHS, padding or
 * digests (those it has checked and stripped). session_pdu_decode() takes
 * exactly that, frames it as the wire would (proto/pdu.h does the strict
 * header checks) and adds what the RFC says each event means:
 *
 *   event 0    SCSI event: the data segment MUST carry sense data; its
 *              sense key, ASC and ASCQ are decoded (SPC fixed or
 *              descriptor format) when the sense holds them
 *   event 1    logout request within Parameter3 seconds
 *   event 2    the target will drop connection Parameter1; Parameter2
 *              (Time2Wait) and Parameter3 (Time2Retain) are times in
 *              seconds, in the range of DefaultTime2Wait/Retain (0..3600)
 *   event 3    the target will drop every connection: Time2Wait and
 *              Time2Retain as for event 2
 *   event 4    parameter renegotiation requested within Parameter3 seconds
 *   event 255  vendor-specific (AsyncVCode)
 *
 * Nothing the caller gets points into the input: the result is numbers
 * and lengths only, so no target byte travels further than the decoder. */
#ifndef PROTO_SESSION_PDU_H
#define PROTO_SESSION_PDU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Largest PDU examined: the BHS and up to 912 bytes of data, room for the
 * longest sense data (252 bytes) and vendor event data. It also bounds
 * what the monitor copies for a worker (monitor/workers.h keeps at most
 * WORKERS_REQ_MAX bytes of a job's request). */
#define SESSION_PDU_MAX 960
#define SESSION_PDU_MIN 48              /* the BHS alone */
#define SESSION_PDU_DATA_MAX (SESSION_PDU_MAX - SESSION_PDU_MIN)
/* RFC 7143 13.15, 13.16: the range of DefaultTime2Wait and -Retain. */
#define SESSION_PDU_TIME_MAX 3600

enum session_pdu_kind {
	SESSION_PDU_ASYNC = 1,
	SESSION_PDU_LOGOUT_RSP = 2,
};

struct session_pdu {
	enum session_pdu_kind kind;
	/* Asynchronous Message */
	uint8_t event;                  /* enum iscsi_async_event (proto/pdu.h) */
	uint8_t vcode;                  /* AsyncVCode (event 255) */
	uint16_t param1, param2, param3;
	uint16_t sense_len;             /* SenseLength (event 0: at least 1) */
	uint16_t event_data_len;        /* iSCSI event data after the sense */
	bool sense_valid;               /* key, asc and ascq were found */
	uint8_t sense_key, asc, ascq;
	/* Logout Response */
	uint8_t response;               /* enum iscsi_logout_response */
	uint16_t time2wait, time2retain;
};

/* Decodes len bytes as the kernel passed them. Returns 0, or -1 with one
 * line in why (a refused PDU is never partly decoded into *out). */
int session_pdu_decode(const uint8_t *pdu, size_t len, struct session_pdu *out, char *why,
		       size_t size);

/* The rules above on a decoded value, for whoever did not decode it
 * itself (the monitor, about a worker's answer). Returns 0, or -1 with
 * one line in why. */
int session_pdu_check(const struct session_pdu *p, char *why, size_t size);

/* "SCSI event", "logout request", "connection drop", "drop of all
 * connections", "renegotiation request", "vendor-specific event", or
 * "reserved event". */
const char *session_pdu_event_name(uint8_t event);

#endif
