/* iSCSI PDU codec (RFC 7143 section 11) for the initiator's control path:
 * Login, Text, Logout, NOP, Async Message, Reject, and the SCSI Command /
 * SCSI Response headers.
 *
 * Wire layout of every PDU: a 48-byte Basic Header Segment (BHS), then
 * TotalAHSLength 4-byte words of Additional Header Segments, then a 4-byte
 * header digest when HeaderDigest=CRC32C, then DataSegmentLength bytes of
 * data padded with zeros to a multiple of 4, then a 4-byte data digest
 * when DataDigest=CRC32C and the data segment is not empty.
 *
 * Decoding is in two steps, because a stream reader first holds only the
 * BHS: pdu_wire_length() tells from 48 bytes how many bytes the whole PDU
 * has (rejecting a DataSegmentLength over the limit before anything is
 * allocated), then pdu_decode() checks and decodes the complete PDU.
 * Decoded AHS and data point into the caller's buffer; nothing is copied
 * and nothing is read past the length given. */
#ifndef PROTO_PDU_H
#define PROTO_PDU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ISCSI_BHS_LEN 48
#define ISCSI_DIGEST_LEN 4
#define ISCSI_DSL_MAX 0xffffffu         /* 24-bit DataSegmentLength */
#define ISCSI_AHS_MAX_LEN (255 * 4)     /* 8-bit TotalAHSLength, in words */
#define ISCSI_RESERVED_TAG 0xffffffffu  /* ITT of Async Message and Reject */

/* Largest wire length of any PDU: BHS, AHS, both digests, padded data. */
#define ISCSI_PDU_MAX_WIRE_LEN \
	(ISCSI_BHS_LEN + ISCSI_AHS_MAX_LEN + 2 * ISCSI_DIGEST_LEN + ((ISCSI_DSL_MAX + 3u) & ~3u))

/* Opcodes (RFC 7143 section 11.2.1.2), the low 6 bits of byte 0. */
enum iscsi_opcode {
	/* initiator to target */
	ISCSI_OP_NOP_OUT = 0x00,
	ISCSI_OP_SCSI_CMD = 0x01,
	ISCSI_OP_TMF_REQ = 0x02,
	ISCSI_OP_LOGIN_REQ = 0x03,
	ISCSI_OP_TEXT_REQ = 0x04,
	ISCSI_OP_DATA_OUT = 0x05,
	ISCSI_OP_LOGOUT_REQ = 0x06,
	ISCSI_OP_SNACK_REQ = 0x10,
	ISCSI_OP_VENDOR_INI_FIRST = 0x1c,       /* 0x1c..0x1e vendor-specific */
	ISCSI_OP_VENDOR_INI_LAST = 0x1e,
	/* target to initiator */
	ISCSI_OP_NOP_IN = 0x20,
	ISCSI_OP_SCSI_RSP = 0x21,
	ISCSI_OP_TMF_RSP = 0x22,
	ISCSI_OP_LOGIN_RSP = 0x23,
	ISCSI_OP_TEXT_RSP = 0x24,
	ISCSI_OP_DATA_IN = 0x25,
	ISCSI_OP_LOGOUT_RSP = 0x26,
	ISCSI_OP_R2T = 0x31,
	ISCSI_OP_ASYNC_MSG = 0x32,
	ISCSI_OP_VENDOR_TGT_FIRST = 0x3c,       /* 0x3c..0x3e vendor-specific */
	ISCSI_OP_VENDOR_TGT_LAST = 0x3e,
	ISCSI_OP_REJECT = 0x3f,
};

/* Byte 0 and byte 1 bits. */
#define ISCSI_BHS_IMMEDIATE 0x40        /* I: immediate delivery (initiator PDUs) */
#define ISCSI_BHS_OPCODE_MASK 0x3f
#define ISCSI_FLAG_FINAL 0x80           /* F (Text, SCSI Command; fixed 1 elsewhere) */
#define ISCSI_FLAG_TEXT_CONTINUE 0x40   /* C of Text Request/Response */
#define ISCSI_FLAG_LOGIN_TRANSIT 0x80   /* T of Login Request/Response */
#define ISCSI_FLAG_LOGIN_CONTINUE 0x40  /* C of Login Request/Response */
#define ISCSI_LOGIN_CSG_MASK 0x0c
#define ISCSI_LOGIN_CSG_SHIFT 2
#define ISCSI_LOGIN_NSG_MASK 0x03
#define ISCSI_FLAG_CMD_READ 0x40        /* R of SCSI Command */
#define ISCSI_FLAG_CMD_WRITE 0x20       /* W of SCSI Command */
#define ISCSI_FLAG_CMD_ATTR_MASK 0x07
#define ISCSI_FLAG_RSP_BIDI_OVERFLOW 0x10   /* o of SCSI Response */
#define ISCSI_FLAG_RSP_BIDI_UNDERFLOW 0x08  /* u */
#define ISCSI_FLAG_RSP_OVERFLOW 0x04        /* O */
#define ISCSI_FLAG_RSP_UNDERFLOW 0x02       /* U */

/* Login stages (CSG/NSG). 2 is reserved. */
enum iscsi_login_stage {
	ISCSI_STAGE_SECURITY = 0,
	ISCSI_STAGE_OPERATIONAL = 1,
	ISCSI_STAGE_FULL_FEATURE = 3,
};

#define ISCSI_DRAFT20_VERSION 0x00      /* the only Version-max/min defined */

/* Login Response Status-Class (RFC 7143 section 11.13.5). */
enum iscsi_login_status_class {
	ISCSI_LOGIN_STATUS_SUCCESS = 0,
	ISCSI_LOGIN_STATUS_REDIRECT = 1,
	ISCSI_LOGIN_STATUS_INITIATOR_ERR = 2,
	ISCSI_LOGIN_STATUS_TARGET_ERR = 3,
};

/* Logout Request reason codes (section 11.14.1). */
enum iscsi_logout_reason {
	ISCSI_LOGOUT_CLOSE_SESSION = 0,
	ISCSI_LOGOUT_CLOSE_CONNECTION = 1,
	ISCSI_LOGOUT_REMOVE_FOR_RECOVERY = 2,
};

/* Logout Response codes (section 11.15.1). */
enum iscsi_logout_response {
	ISCSI_LOGOUT_RSP_SUCCESS = 0,
	ISCSI_LOGOUT_RSP_CID_NOT_FOUND = 1,
	ISCSI_LOGOUT_RSP_RECOVERY_UNSUPPORTED = 2,
	ISCSI_LOGOUT_RSP_CLEANUP_FAILED = 3,
};

/* AsyncEvent codes (section 11.9.1); 5..254 are reserved. */
enum iscsi_async_event {
	ISCSI_ASYNC_SCSI_EVENT = 0,
	ISCSI_ASYNC_LOGOUT_REQUEST = 1,
	ISCSI_ASYNC_DROP_CONNECTION = 2,
	ISCSI_ASYNC_DROP_ALL_CONNECTIONS = 3,
	ISCSI_ASYNC_RENEGOTIATE = 4,
	ISCSI_ASYNC_VENDOR = 255,
};

/* Reject reasons (section 11.17.1); 0x01 and values past 0x0c are reserved. */
enum iscsi_reject_reason {
	ISCSI_REJECT_DATA_DIGEST = 0x02,
	ISCSI_REJECT_SNACK = 0x03,
	ISCSI_REJECT_PROTOCOL_ERROR = 0x04,
	ISCSI_REJECT_CMD_NOT_SUPPORTED = 0x05,
	ISCSI_REJECT_IMMEDIATE_CMD = 0x06,
	ISCSI_REJECT_TASK_IN_PROGRESS = 0x07,
	ISCSI_REJECT_INVALID_DATA_ACK = 0x08,
	ISCSI_REJECT_INVALID_PDU_FIELD = 0x09,
	ISCSI_REJECT_LONG_OP = 0x0a,
	ISCSI_REJECT_NEGOTIATION_RESET = 0x0b,  /* RFC 3720; deprecated in 7143 */
	ISCSI_REJECT_WAITING_FOR_LOGOUT = 0x0c,
};

/* SCSI Command ATTR (section 11.3.1.3); 5..7 are reserved. */
enum iscsi_task_attr {
	ISCSI_ATTR_UNTAGGED = 0,
	ISCSI_ATTR_SIMPLE = 1,
	ISCSI_ATTR_ORDERED = 2,
	ISCSI_ATTR_HEAD_OF_QUEUE = 3,
	ISCSI_ATTR_ACA = 4,
};

/* SCSI Response "Response" field (section 11.4.3); 0x80..0xff vendor. */
enum iscsi_scsi_response {
	ISCSI_RSP_COMPLETED = 0x00,
	ISCSI_RSP_TARGET_FAILURE = 0x01,
};

/* Every way a PDU can be refused. PDU_OK is 0; pdu_strerror() gives a
 * one-line message for each. */
enum pdu_err {
	PDU_OK = 0,
	PDU_ERR_TRUNCATED,              /* input ends before the PDU does */
	PDU_ERR_TRAILING,               /* input longer than the PDU */
	PDU_ERR_UNKNOWN_OPCODE,         /* undefined or vendor-specific opcode */
	PDU_ERR_NOT_CONTROL_PATH,       /* Data-In/Out, R2T, TMF, SNACK */
	PDU_ERR_WRONG_SENDER,           /* initiator opcode from a target or v.v. */
	PDU_ERR_DATA_TOO_LONG,          /* DataSegmentLength over the limit */
	PDU_ERR_DATA_NOT_ALLOWED,       /* data segment where none may be */
	PDU_ERR_AHS_NOT_ALLOWED,        /* AHS on a PDU that has none */
	PDU_ERR_AHS_FORMAT,             /* AHS entries do not tile TotalAHSLength */
	PDU_ERR_RESERVED_BIT,           /* a "." bit is set */
	PDU_ERR_RESERVED_FIELD,         /* a Reserved field is not zero */
	PDU_ERR_RESERVED_CODE,          /* a reserved value in a defined field */
	PDU_ERR_FIXED_FIELD,            /* a bit or field with a fixed value differs */
	PDU_ERR_T_AND_C,                /* T (Login) or F (Text) together with C */
	PDU_ERR_BAD_FLAGS,              /* o with u, or O with U */
	PDU_ERR_SEGMENT_FORMAT,         /* data segment inconsistent with itself */
	PDU_ERR_PADDING,                /* non-zero padding byte */
	PDU_ERR_HEADER_DIGEST,          /* header digest mismatch */
	PDU_ERR_DATA_DIGEST,            /* data digest mismatch */
	PDU_ERR_NO_SPACE,               /* encode: output buffer too small */
	PDU_ERR_INVALID,                /* encode: field out of range or bad args */
	PDU_ERR_COUNT
};

const char *pdu_strerror(enum pdu_err err);

/* Who may have sent what is being decoded. */
enum pdu_sender {
	PDU_SENDER_ANY = 0,
	PDU_SENDER_TARGET,              /* what an initiator receives */
	PDU_SENDER_INITIATOR,           /* what a (test) target receives */
};

/* Connection settings that shape the wire format. */
struct pdu_wire_opts {
	bool header_digest;             /* HeaderDigest=CRC32C */
	bool data_digest;               /* DataDigest=CRC32C */
	/* Decode: our MaxRecvDataSegmentLength; encode: the peer's. A
	 * DataSegmentLength above it is refused. 0 allows no data at all. */
	uint32_t max_data_len;
	enum pdu_sender sender;         /* decode only */
	/* RFC 7143 section 11 says senders MUST zero reserved bits and
	 * fields and receivers MUST ignore them; 11.1 and 13.1 say padding
	 * SHOULD be zero. By default this decoder refuses both anyway (a
	 * conforming sender never sets them); set this to accept them as
	 * the RFC's receiver rule would. Reserved code values in defined
	 * fields are always refused: the RFC makes them protocol errors. */
	bool lenient_reserved;
};

/* Per-opcode fields. On decode every field is filled from the wire; on
 * encode the fields marked "decode only" are ignored. */
struct pdu_login_req {
	bool transit;                   /* T */
	bool cont;                      /* C */
	uint8_t csg, nsg;               /* enum iscsi_login_stage */
	uint8_t version_max, version_min;
	uint8_t isid[6];
	uint16_t tsih;
	uint16_t cid;
	uint32_t cmdsn;
	uint32_t exp_statsn;
};

struct pdu_login_rsp {
	bool transit;
	bool cont;
	uint8_t csg, nsg;
	uint8_t version_max, version_active;
	uint8_t isid[6];
	uint16_t tsih;
	uint32_t statsn, exp_cmdsn, max_cmdsn;
	uint8_t status_class, status_detail;
};

struct pdu_text_req {
	bool final;                     /* F */
	bool cont;                      /* C */
	uint64_t lun;
	uint32_t ttt;
	uint32_t cmdsn, exp_statsn;
};

struct pdu_text_rsp {
	bool final;
	bool cont;
	uint64_t lun;
	uint32_t ttt;
	uint32_t statsn, exp_cmdsn, max_cmdsn;
};

struct pdu_logout_req {
	uint8_t reason;                 /* enum iscsi_logout_reason */
	uint16_t cid;
	uint32_t cmdsn, exp_statsn;
};

struct pdu_logout_rsp {
	uint8_t response;               /* enum iscsi_logout_response */
	uint32_t statsn, exp_cmdsn, max_cmdsn;
	uint16_t time2wait, time2retain;
};

struct pdu_nop_out {
	uint64_t lun;
	uint32_t ttt;
	uint32_t cmdsn, exp_statsn;
};

struct pdu_nop_in {
	uint64_t lun;
	uint32_t ttt;
	uint32_t statsn, exp_cmdsn, max_cmdsn;
};

/* The data segment, when present, is SenseLength (2 bytes), SCSI sense
 * data, then iSCSI event data. */
struct pdu_async {
	uint64_t lun;
	uint32_t statsn, exp_cmdsn, max_cmdsn;
	uint8_t event;                  /* enum iscsi_async_event */
	uint8_t vcode;
	uint16_t param1, param2, param3;
	const uint8_t *sense;           /* decode only */
	uint16_t sense_len;             /* decode only */
	const uint8_t *event_data;      /* decode only */
	size_t event_data_len;          /* decode only */
};

/* The data segment holds the header of the rejected PDU. */
struct pdu_reject {
	uint8_t reason;                 /* enum iscsi_reject_reason */
	uint32_t statsn, exp_cmdsn, max_cmdsn;
	uint32_t datasn;                /* DataSN/R2TSN */
	const uint8_t *rejected_bhs;    /* decode only: ISCSI_BHS_LEN bytes */
};

struct pdu_scsi_cmd {
	bool final, read, write;        /* F, R, W */
	uint8_t attr;                   /* enum iscsi_task_attr */
	uint64_t lun;
	uint32_t edtl;                  /* Expected Data Transfer Length */
	uint32_t cmdsn, exp_statsn;
	uint8_t cdb[16];
};

/* The data segment, when present, is SenseLength (2 bytes), sense data,
 * then response data. */
struct pdu_scsi_rsp {
	bool bidi_overflow, bidi_underflow;     /* o, u */
	bool overflow, underflow;               /* O, U */
	uint8_t response;               /* enum iscsi_scsi_response */
	uint8_t status;                 /* SCSI status */
	uint32_t snack_tag;
	uint32_t statsn, exp_cmdsn, max_cmdsn;
	uint32_t exp_datasn;
	uint32_t bidi_residual, residual;
	const uint8_t *sense;           /* decode only */
	uint16_t sense_len;             /* decode only */
	const uint8_t *response_data;   /* decode only */
	size_t response_data_len;       /* decode only */
};

struct iscsi_pdu {
	uint8_t opcode;                 /* enum iscsi_opcode */
	bool immediate;                 /* I bit; initiator PDUs only */
	uint32_t itt;
	const uint8_t *ahs;             /* AHS bytes, ahs_len a multiple of 4 */
	size_t ahs_len;
	const uint8_t *data;            /* data segment without padding */
	size_t data_len;
	size_t wire_len;                /* decode only: bytes the PDU occupied */
	union {
		struct pdu_login_req login_req;
		struct pdu_login_rsp login_rsp;
		struct pdu_text_req text_req;
		struct pdu_text_rsp text_rsp;
		struct pdu_logout_req logout_req;
		struct pdu_logout_rsp logout_rsp;
		struct pdu_nop_out nop_out;
		struct pdu_nop_in nop_in;
		struct pdu_async async;
		struct pdu_reject reject;
		struct pdu_scsi_cmd scsi_cmd;
		struct pdu_scsi_rsp scsi_rsp;
	} u;
};

/* One Additional Header Segment (section 11.2.2). */
struct pdu_ahs {
	uint8_t type;                   /* AHSType */
	const uint8_t *data;            /* AHS-specific bytes, without padding */
	uint16_t len;                   /* AHSLength */
};

#define ISCSI_AHS_EXTENDED_CDB 1
#define ISCSI_AHS_BIDI_READ_LEN 2

/* Rounds a data length up to the 4-byte boundary the wire uses. */
static inline size_t pdu_pad4(size_t len)
{
	return (len + 3) & ~(size_t)3;
}

/* Short constant name of an opcode ("Login Request", "unknown"). */
const char *pdu_opcode_name(uint8_t opcode);

/* True for the opcodes this codec decodes and encodes. */
bool pdu_opcode_supported(uint8_t opcode);

/* Step 1: from the first ISCSI_BHS_LEN bytes (len >= ISCSI_BHS_LEN, else
 * PDU_ERR_TRUNCATED) the total wire length of the PDU, digests included.
 * Refuses unknown and unsupported opcodes, the wrong sender, and a
 * DataSegmentLength above opts->max_data_len. */
enum pdu_err pdu_wire_length(const uint8_t *bhs, size_t len,
			     const struct pdu_wire_opts *opts, size_t *wire_len);

/* Step 2: decodes exactly one complete PDU of len bytes (len must equal
 * its wire length). Checks the digests that opts enables, then every
 * field. On error *pdu is unspecified. */
enum pdu_err pdu_decode(const uint8_t *buf, size_t len,
			const struct pdu_wire_opts *opts, struct iscsi_pdu *pdu);

/* Only the digests of a complete PDU of len bytes: PDU_OK,
 * PDU_ERR_HEADER_DIGEST, PDU_ERR_DATA_DIGEST, or a length error. */
enum pdu_err pdu_check_digests(const uint8_t *buf, size_t len,
			       const struct pdu_wire_opts *opts);

/* Walks the AHS of a decoded PDU: *offset starts at 0. Returns true and
 * fills *ahs for each entry, false at the end. pdu_decode() has already
 * checked that the entries tile the AHS exactly. */
bool pdu_ahs_next(const struct iscsi_pdu *pdu, size_t *offset, struct pdu_ahs *ahs);

/* Zeroes *pdu and sets its opcode: the starting point for pdu_encode(). */
void pdu_init(struct iscsi_pdu *pdu, uint8_t opcode);

/* Encodes pdu into out (cap bytes): BHS, AHS, header digest, data, zero
 * padding, data digest, as opts enables. *wire_len gets the length. The
 * result always passes pdu_decode() in strict mode: the same rules refuse
 * encoding (PDU_ERR_T_AND_C, PDU_ERR_RESERVED_CODE, ...), plus
 * PDU_ERR_NO_SPACE when cap is too small, PDU_ERR_DATA_TOO_LONG over
 * opts->max_data_len, PDU_ERR_INVALID for a field wider than its wire
 * field. On error out is untouched. pdu->data may already lie inside out
 * (it is moved, not copied): it ends up at ISCSI_BHS_LEN + ahs_len, plus
 * ISCSI_DIGEST_LEN with a header digest. */
enum pdu_err pdu_encode(const struct iscsi_pdu *pdu, const struct pdu_wire_opts *opts,
			uint8_t *out, size_t cap, size_t *wire_len);

#endif
