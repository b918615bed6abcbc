/* The login state machine, initiator side (RFC 7143 sections 6.3, 11.12,
 * 11.13, 12.1.3, 13). Pure and transport-agnostic: the caller connects,
 * sends the PDUs it is handed, decodes what arrives with proto/pdu.h (using
 * login_wire_opts()), feeds each decoded PDU and the current time in, and
 * acts on the step returned:
 *
 *   LOGIN_STEP_SEND            send login_output(), then wait for a PDU
 *                              (until login_deadline()) and call
 *                              login_receive(), or login_timer() on timeout
 *   LOGIN_STEP_CHAP_RESPONSE   the target's CHAP challenge is in
 *                              login_chap_request(); whoever holds the
 *                              secret computes CHAP_N/CHAP_R (and, for
 *                              mutual CHAP, our CHAP_I/CHAP_C) and gives
 *                              them back with login_chap_answer()
 *   LOGIN_STEP_CHAP_VERIFY     mutual CHAP: the target's CHAP_N/CHAP_R are
 *                              in login_chap_verify_request(); the secret
 *                              holder checks them and calls
 *                              login_chap_verified()
 *   LOGIN_STEP_DONE            full feature phase; login_result()
 *   LOGIN_STEP_REDIRECT        login_result()->redirect says where
 *   LOGIN_STEP_FAILED          login_result() says why
 *
 * The machine never holds a CHAP secret. What it enforces:
 * - stages: security, then operational, then full feature; the target may
 *   answer T=1 only when our request had T=1, may not stay in a stage it
 *   was not asked about (CSG must echo ours), may not go backwards or to
 *   the reserved stage 2, and may move to a stage nearer than the one we
 *   asked for (operational instead of full feature) but never further;
 * - a Login Response with T=1 may not leave offers we must answer;
 * - ISID and ITT are echoed in every response, Version-active is 0 and
 *   Version-max never changes, StatSN starts anywhere and then grows by
 *   one per response (11.13.3), and the final TSIH is non-zero (new
 *   session) or the one we gave (a connection joining a session);
 * - CmdSN is the same in every request; ExpStatSN follows StatSN;
 * - text longer than 8192 bytes (the default MaxRecvDataSegmentLength,
 *   which applies during login) goes out in several PDUs with the C bit,
 *   each acknowledged by an empty response; a response with the C bit is
 *   answered by an empty request, and the text is negotiated only when
 *   complete;
 * - when authentication is configured, the target must choose CHAP and
 *   finish it (mutual: prove itself) before it leaves the security stage:
 *   AuthMethod=None, or a skipped or truncated CHAP exchange, fails the
 *   login with LOGIN_ERR_AUTH_DOWNGRADE;
 * - a login lasts at most timeout_ms from login_start(), by the clock the
 *   caller feeds in; a target may not keep it going for more than
 *   LOGIN_MAX_RESPONSES PDUs.
 *
 * Exit codes (enum iscsi_exit) of the failures, as open-iscsi's iscsiadm
 * reports them; the Login Response status codes are mapped in
 * proto/login_status.h:
 *   LOGIN_ERR_CONFIG                          7  ISCSI_ERR_INVAL
 *   LOGIN_ERR_STATUS                          per proto/login_status.h
 *   LOGIN_ERR_AUTH, LOGIN_ERR_AUTH_DOWNGRADE  24 ISCSI_ERR_LOGIN_AUTH_FAILED
 *   LOGIN_ERR_NEGOTIATION, LOGIN_ERR_PROTOCOL,
 *   LOGIN_ERR_TEXT, LOGIN_ERR_REJECT          5  ISCSI_ERR_LOGIN
 *   LOGIN_ERR_TIMEOUT                         11 ISCSI_ERR_PDU_TIMEOUT (retryable)
 *   LOGIN_ERR_STATE, LOGIN_ERR_INTERNAL       9  ISCSI_ERR_INTERNAL */
#ifndef PROTO_LOGIN_H
#define PROTO_LOGIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "proto/chap.h"
#include "proto/names.h"
#include "proto/negotiate.h"
#include "proto/pdu.h"
#include "proto/textkeys.h"

/* Data bytes per Login PDU we send, and the least we accept. */
#define LOGIN_SEGMENT_MAX 8192u
/* Responses (C-bit pieces included) one login may take. */
#define LOGIN_MAX_RESPONSES 512u

enum login_auth {
	LOGIN_AUTH_NONE,                /* offer AuthMethod=None */
	LOGIN_AUTH_CHAP,                /* require one-way CHAP (offer CHAP,None) */
	LOGIN_AUTH_CHAP_MUTUAL,         /* require CHAP both ways */
};

struct login_config {
	/* Operational values to offer. neg.leading is set from tsih. */
	struct neg_config neg;
	char initiator_name[ISCSI_NAME_MAX + 1];
	char initiator_alias[ISCSI_ALIAS_MAX + 1];      /* "" sends none */
	char target_name[ISCSI_NAME_MAX + 1];           /* normal sessions only */
	uint8_t isid[6];                /* T field 11b (reserved) is refused */
	uint16_t tsih;                  /* 0: new session; else the session to join */
	uint16_t cid;
	uint32_t itt;
	uint32_t cmdsn;                 /* the login's CmdSN, constant */
	uint32_t exp_statsn;            /* ExpStatSN of the first request */
	enum login_auth auth;
	struct chap_prefs chap_algs;    /* CHAP_A offer, most preferred first */
	uint32_t timeout_ms;            /* whole login; 0 is refused */
};

/* open-iscsi's defaults: neg from neg_config_default(), MD5 only for
 * CHAP_A, a 15 s login timeout. Names, ISID, ITT and auth are left zero. */
void login_config_default(struct login_config *cfg, enum neg_session_type type);

enum login_step {
	LOGIN_STEP_SEND,
	LOGIN_STEP_CHAP_RESPONSE,
	LOGIN_STEP_CHAP_VERIFY,
	LOGIN_STEP_DONE,
	LOGIN_STEP_REDIRECT,
	LOGIN_STEP_FAILED,
};

enum login_err {
	LOGIN_OK = 0,
	LOGIN_ERR_CONFIG,               /* the caller's configuration is invalid */
	LOGIN_ERR_STATUS,               /* the target ended the login with an error status */
	LOGIN_ERR_REJECT,               /* the target sent a Reject PDU */
	LOGIN_ERR_PROTOCOL,             /* the target broke a login rule */
	LOGIN_ERR_TEXT,                 /* malformed key=value text */
	LOGIN_ERR_NEGOTIATION,          /* a key negotiation failed */
	LOGIN_ERR_AUTH,                 /* CHAP failed (bad values, target not verified) */
	LOGIN_ERR_AUTH_DOWNGRADE,       /* required authentication refused or skipped */
	LOGIN_ERR_TIMEOUT,
	LOGIN_ERR_STATE,                /* a call out of order */
	LOGIN_ERR_INTERNAL,             /* out of memory or an encoding failure */
	LOGIN_ERR_COUNT
};

const char *login_strerror(enum login_err err);

struct login_redirect {
	bool permanent;                 /* 01/02; else 01/01 */
	char address[TEXT_VALUE_MAX + 1];       /* the TargetAddress value */
	char host[TEXT_VALUE_MAX + 1];  /* without IPv6 brackets */
	uint16_t port;                  /* 3260 when absent */
	int32_t tpgt;                   /* -1 when absent */
};

struct login_result {
	enum login_err err;
	int exit_code;                  /* enum iscsi_exit; 0 on success */
	bool retryable;                 /* a later attempt may succeed */
	uint8_t status_class, status_detail;    /* of the last response */
	char message[256];              /* one line; never a CHAP value */
	struct login_redirect redirect; /* LOGIN_STEP_REDIRECT */
	/* LOGIN_STEP_DONE: */
	struct neg_params params;
	uint16_t tsih;
	uint32_t cmdsn;                 /* next CmdSN (the login's: it was immediate) */
	uint32_t exp_statsn;            /* last StatSN + 1 */
	uint32_t exp_cmdsn, max_cmdsn;
};

/* What the secret holder needs to answer the target's challenge. */
struct login_chap_request {
	enum chap_alg alg;
	uint8_t id;
	uint8_t challenge[CHAP_CHALLENGE_MAX];
	size_t challenge_len;
	bool mutual;                    /* also wants our challenge */
};

/* The secret holder's answer. */
struct login_chap_answer {
	char name[CHAP_NAME_MAX + 1];           /* CHAP_N */
	uint8_t response[CHAP_DIGEST_MAX];      /* CHAP_R */
	size_t response_len;
	/* Mutual CHAP only: the challenge we send (CHAP_I, CHAP_C). */
	uint8_t id;
	uint8_t challenge[CHAP_CHALLENGE_MAX];
	size_t challenge_len;
};

/* Mutual CHAP: the target's answer to our challenge, to verify. */
struct login_chap_verify {
	enum chap_alg alg;
	char name[CHAP_NAME_MAX + 1];           /* the target's CHAP_N */
	uint8_t response[CHAP_DIGEST_MAX];      /* the target's CHAP_R */
	size_t response_len;
	uint8_t id;                             /* our CHAP_I and CHAP_C */
	uint8_t challenge[CHAP_CHALLENGE_MAX];
	size_t challenge_len;
};

enum login_auth_state {
	LOGIN_AUTH_OFF,                 /* no authentication configured */
	LOGIN_AUTH_METHOD_SENT,         /* AuthMethod=CHAP,None offered */
	LOGIN_AUTH_ALG_SENT,            /* CHAP_A offered */
	LOGIN_AUTH_NEED_RESPONSE,       /* waiting for login_chap_answer() */
	LOGIN_AUTH_RESPONSE_SENT,       /* CHAP_N/CHAP_R sent */
	LOGIN_AUTH_NEED_VERIFY,         /* waiting for login_chap_verified() */
	LOGIN_AUTH_DONE,
};

/* Opaque in use; in the header so callers can embed it. */
struct login {
	struct login_config cfg;
	struct neg_state neg;
	enum login_step step;
	unsigned stage;                 /* current stage (our CSG) */
	bool want_transit;              /* our T for this stage */
	unsigned want_nsg;              /* our NSG for this stage */
	bool sent_transit;              /* T of the request last sent */
	enum login_auth_state auth;
	/* Outgoing text, cut into chunks. */
	uint8_t *tx_blob;
	size_t tx_len;
	struct text_splitter tx;
	bool tx_more;                   /* a C=1 chunk went out; more to send */
	/* Incoming text. */
	struct text_assembler rx;
	struct text_list next;          /* our next request: answers, CHAP keys */
	/* Response tracking. */
	unsigned responses;
	bool seen_response;
	uint8_t version_max;
	uint32_t next_statsn;
	uint32_t exp_cmdsn, max_cmdsn;
	uint64_t deadline_ms;
	/* A response whose processing waits for the mutual CHAP verdict. */
	bool pending_transit;
	uint8_t pending_nsg;
	uint16_t pending_tsih;
	struct login_chap_request chap_req;
	struct login_chap_verify chap_verify;
	struct login_result result;
	uint8_t out[ISCSI_BHS_LEN + LOGIN_SEGMENT_MAX];
	size_t out_len;
};

/* Checks cfg, builds the first Login Request. now_ms is any monotonic
 * clock in milliseconds. Returns LOGIN_STEP_SEND, or LOGIN_STEP_FAILED
 * (LOGIN_ERR_CONFIG). Call login_free() afterwards in every case. */
enum login_step login_start(struct login *l, const struct login_config *cfg, uint64_t now_ms);

/* The PDU to send after LOGIN_STEP_SEND (encoded, no digests). */
const uint8_t *login_output(const struct login *l, size_t *len);

/* Decoder settings for what the target sends during login: no digests,
 * Login Responses of up to max(8192, our MaxRecvDataSegmentLength). */
void login_wire_opts(const struct login *l, struct pdu_wire_opts *opts);

/* Feeds one decoded PDU from the target. */
enum login_step login_receive(struct login *l, const struct iscsi_pdu *pdu, uint64_t now_ms);

/* Call when no PDU came by login_deadline(): fails with LOGIN_ERR_TIMEOUT
 * once now_ms has reached it, else returns the current step. */
enum login_step login_timer(struct login *l, uint64_t now_ms);
uint64_t login_deadline(const struct login *l);

const struct login_chap_request *login_chap_request(const struct login *l);
enum login_step login_chap_answer(struct login *l, const struct login_chap_answer *answer,
				  uint64_t now_ms);
const struct login_chap_verify *login_chap_verify_request(const struct login *l);
enum login_step login_chap_verified(struct login *l, bool ok, uint64_t now_ms);

/* The outcome once the step is DONE, REDIRECT or FAILED. */
const struct login_result *login_result(const struct login *l);

/* Releases memory and wipes CHAP material. */
void login_free(struct login *l);

#endif
