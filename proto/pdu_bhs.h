/* Internal to the PDU codec (proto/pdu.c): the opcode-specific part of the
 * Basic Header Segment. Not for other callers; use proto/pdu.h. */
#ifndef PROTO_PDU_BHS_H
#define PROTO_PDU_BHS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "proto/pdu.h"

/* Every opcode-specific rule of a BHS whose opcode is supported: fixed
 * bits and values, reserved bits and fields (only when strict), reserved
 * code values, forbidden flag combinations, and the structure of the data
 * segment (data, data_len: the segment without padding). */
enum pdu_err pdu_bhs_check(const uint8_t *bhs, const uint8_t *data, size_t data_len,
			   bool strict);

/* Fills pdu->immediate, pdu->itt and pdu->u from a checked BHS; pdu->data
 * and pdu->data_len must already be set (decode-only fields point into
 * them). */
void pdu_bhs_parse(const uint8_t *bhs, struct iscsi_pdu *pdu);

/* Writes bytes 0-3 and 8-47 of a BHS from pdu (bytes 4-7 are framing, the
 * caller's). PDU_ERR_INVALID when a field does not fit its wire field. */
enum pdu_err pdu_bhs_build(const struct iscsi_pdu *pdu, uint8_t *bhs);

#endif
