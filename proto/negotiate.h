/* Login key negotiation (RFC 7143 sections 6.2, 12 and 13), initiator side.
 *
 * One table describes every key the login may carry: its kind, range, RFC
 * default, result function, who may send it and where it may appear. The
 * engine built on it produces the keys we offer, checks every key the
 * target sends against the table and against what we offered, answers the
 * target's own offers, and ends with the negotiated parameters the kernel
 * needs for the connection.
 *
 * Decisions where the RFC leaves room (all documented here, tested in
 * tests/unit/test_negotiate.c):
 * - An answer outside what we offered (a list item we did not offer, a
 *   number above our offer for a Minimum key, "Yes" to an AND key we
 *   offered as "No", an out-of-range number) fails the negotiation.
 * - An out-of-range or malformed number in a target *offer* is answered
 *   with "Reject" (6.2.2 permits it) and the key keeps its default; a
 *   malformed declaration (MaxRecvDataSegmentLength, TargetPortalGroupTag,
 *   TargetAlias, TargetAddress) fails, as there is nothing to answer.
 * - "Reject" to one of our offers leaves the RFC default in force. It is
 *   fatal when that default is not something we offered (e.g. we offered
 *   HeaderDigest=CRC32C only) and always for AuthMethod and CHAP_A.
 * - "Irrelevant" leaves the default in force and is never fatal.
 * - "NotUnderstood" to a key of RFC 3720 is a failure (6.2: those keys MUST
 *   NOT be answered so); to an RFC 7143 addition it leaves the default.
 * - A key the engine does not know is answered "NotUnderstood".
 * - A key the target offers that is irrelevant in a discovery session is
 *   answered "Irrelevant" (13: "Irrelevant when: SessionType=Discovery").
 * - A key in the wrong stage, a key only the initiator may send, a
 *   leading-only key on a non-leading connection, a full-feature-only key
 *   (SendTargets), a key received twice (except an identical repeat of
 *   TargetPortalGroupTag or TargetAlias, which some targets send in each
 *   stage), and a reserved constant sent as an offer all fail the
 *   negotiation.
 * - Answers for AND/OR keys whose result the offer already decides are
 *   optional (6.2.2): if the target sends none, our offer stands; we send
 *   none to such a target offer.
 *
 * - RFC 7144's iSCSIProtocolLevel is left out: its name breaks the
 *   standard-label grammar (lower-case first letter) that proto/textkeys
 *   enforces, and iscsi_tcp implements none of what it would enable.
 *
 * Nothing here logs; messages never contain CHAP values. */
#ifndef PROTO_NEGOTIATE_H
#define PROTO_NEGOTIATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "proto/names.h"
#include "proto/textkeys.h"

enum neg_key {
	NEG_HEADER_DIGEST,
	NEG_DATA_DIGEST,
	NEG_MAX_CONNECTIONS,
	NEG_SEND_TARGETS,
	NEG_TARGET_NAME,
	NEG_INITIATOR_NAME,
	NEG_TARGET_ALIAS,
	NEG_INITIATOR_ALIAS,
	NEG_TARGET_ADDRESS,
	NEG_TPGT,
	NEG_INITIAL_R2T,
	NEG_IMMEDIATE_DATA,
	NEG_MAX_RECV_DSL,
	NEG_MAX_BURST,
	NEG_FIRST_BURST,
	NEG_TIME2WAIT,
	NEG_TIME2RETAIN,
	NEG_MAX_OUTSTANDING_R2T,
	NEG_DATA_PDU_IN_ORDER,
	NEG_DATA_SEQ_IN_ORDER,
	NEG_ERL,
	NEG_SESSION_TYPE,
	NEG_AUTH_METHOD,
	NEG_CHAP_A,
	NEG_CHAP_I,
	NEG_CHAP_C,
	NEG_CHAP_N,
	NEG_CHAP_R,
	NEG_TASK_REPORTING,
	NEG_IF_MARKER,          /* RFC 3720 markers, obsolete in RFC 7143 */
	NEG_OF_MARKER,
	NEG_IF_MARK_INT,
	NEG_OF_MARK_INT,
	NEG_KEY_COUNT
};

enum neg_kind {
	NEG_KIND_BOOL,          /* Yes/No with an AND or OR result */
	NEG_KIND_NUMBER,        /* numerical range with a Min or Max result */
	NEG_KIND_LIST,          /* list of values; the acceptor picks one */
	NEG_KIND_DECL_NUMBER,   /* declarative number (no answer) */
	NEG_KIND_DECL_TEXT,     /* declarative string: names, aliases, address */
	NEG_KIND_AUTH,          /* CHAP_I/C/N/R: handed to the CHAP exchange */
	NEG_KIND_RANGE,         /* obsolete IFMarkInt/OFMarkInt: answered Irrelevant */
};

enum neg_fn {
	NEG_FN_NONE,            /* declarative: each side states its own */
	NEG_FN_AND,
	NEG_FN_OR,
	NEG_FN_MIN,
	NEG_FN_MAX,
	NEG_FN_CHOICE,          /* first offered value the acceptor supports */
};

/* Who may send the key during login. */
#define NEG_FROM_INITIATOR      0x1u
#define NEG_FROM_TARGET         0x2u

/* Where the key may appear (RFC 7143 section 13 "Use" and "Scope"). */
#define NEG_USE_SECURITY        0x001u  /* security stage only (AuthMethod, CHAP_*) */
#define NEG_USE_ANY_STAGE       0x002u  /* declarative, "Any-Stage": both stages */
#define NEG_USE_LEADING_ONLY    0x004u  /* "LO": leading connection only */
#define NEG_USE_FFP_ONLY        0x008u  /* "FFPO": never during login */
#define NEG_SCOPE_SESSION       0x010u  /* "SW"; otherwise connection-only */
#define NEG_IRRELEVANT_DISCOVERY 0x020u /* "Irrelevant when: SessionType=Discovery" */
#define NEG_ANSWER_ONLY         0x040u  /* the target may only answer our offer */
#define NEG_RFC7143_ADDITION    0x080u  /* NotUnderstood leaves the default */
#define NEG_REJECT_FATAL        0x100u  /* Reject fails the login */
#define NEG_OBSOLETE            0x200u  /* RFC 3720 markers: answered, never offered */
/* Keys with neither NEG_USE_SECURITY nor NEG_USE_ANY_STAGE are operational:
 * LoginOperationalNegotiation stage only. */

struct neg_key_def {
	const char *name;
	enum neg_kind kind;
	enum neg_fn fn;
	unsigned senders;               /* NEG_FROM_* */
	unsigned use;                   /* NEG_USE_*, NEG_SCOPE_*, ... */
	uint64_t min, max;              /* numbers */
	uint64_t def;                   /* numbers and booleans (1 = Yes) */
	const char *def_text;           /* lists and text; NULL when none */
	const char *values;             /* lists: every value we understand */
	size_t max_len;                 /* longest value in bytes */
};

/* The table entry of a key, by id or by exact (case-sensitive) name. */
const struct neg_key_def *neg_key_def(enum neg_key key);
const struct neg_key_def *neg_key_lookup(const char *name, enum neg_key *id);

enum neg_session_type {
	NEG_SESSION_NORMAL,
	NEG_SESSION_DISCOVERY,
};

/* open-iscsi's four HeaderDigest/DataDigest settings, in preference order. */
enum neg_digest_pref {
	NEG_DIGEST_NONE,
	NEG_DIGEST_CRC32C,
	NEG_DIGEST_CRC32C_NONE,
	NEG_DIGEST_NONE_CRC32C,
};

/* What a node record asks for. */
struct neg_config {
	enum neg_session_type session_type;
	bool leading;                   /* leading connection: LO keys are negotiated */
	enum neg_digest_pref header_digest, data_digest;
	uint32_t max_recv_dsl;          /* declared: the most we accept per PDU */
	uint32_t max_burst, first_burst;
	uint32_t max_connections, max_outstanding_r2t;
	uint32_t time2wait, time2retain;
	uint32_t erl;
	bool initial_r2t, immediate_data;
	bool data_pdu_in_order, data_seq_in_order;
};

/* open-iscsi's iscsid.conf defaults for a normal session (MaxRecvDSL
 * 262144, MaxBurst 16776192, FirstBurst 262144, InitialR2T No,
 * ImmediateData Yes, digests None, ERL 0, Time2Wait 2, Time2Retain 0) or a
 * discovery session (MaxRecvDSL 32768). */
void neg_config_default(struct neg_config *cfg, enum neg_session_type type);

/* Checks every field against the table's ranges and FirstBurstLength <=
 * MaxBurstLength. Returns 0, or -1 with a message in msg. */
int neg_config_check(const struct neg_config *cfg, char *msg, size_t size);

enum neg_auth_method {
	NEG_AUTH_UNSET,                 /* not negotiated */
	NEG_AUTH_NONE,
	NEG_AUTH_CHAP,
};

/* The outcome: what the kernel and the rest of the login need. */
struct neg_params {
	bool header_digest, data_digest;        /* CRC32C in use */
	uint32_t max_recv_dsl;          /* we receive at most this per PDU */
	uint32_t max_xmit_dsl;          /* the target's declaration: we send at most this */
	uint32_t max_burst, first_burst;
	uint32_t max_connections, max_outstanding_r2t;
	uint32_t time2wait, time2retain;
	uint32_t erl;
	bool initial_r2t, immediate_data;
	bool data_pdu_in_order, data_seq_in_order;
	int32_t tpgt;                   /* -1 until the target declares it */
	char target_alias[ISCSI_ALIAS_MAX + 1];
	enum neg_auth_method auth_method;
	uint8_t chap_alg;               /* CHAP_A the target chose; 0 before */
};

enum neg_err {
	NEG_OK = 0,
	NEG_ERR_STAGE,                  /* key not allowed in this login stage */
	NEG_ERR_SENDER,                 /* the target may not send this key */
	NEG_ERR_FFP_ONLY,               /* key only valid in full feature phase */
	NEG_ERR_LEADING_ONLY,           /* leading-only key on another connection */
	NEG_ERR_REPEATED,               /* key already negotiated */
	NEG_ERR_SYNTAX,                 /* value not of the key's syntax */
	NEG_ERR_RANGE,                  /* answer outside the key's range */
	NEG_ERR_NOT_OFFERED,            /* answer outside what we offered */
	NEG_ERR_UNSOLICITED,            /* answer to a key we never offered */
	NEG_ERR_REJECTED,               /* Reject where it cannot be accepted */
	NEG_ERR_NOT_UNDERSTOOD,         /* NotUnderstood for a mandatory key */
	NEG_ERR_UNANSWERED,             /* stage ended with our offer unanswered */
	NEG_ERR_INCONSISTENT,           /* FirstBurstLength > MaxBurstLength */
	NEG_ERR_TOO_LONG,               /* value longer than the key allows */
	NEG_ERR_BUILD,                  /* could not add a key to our own list */
	NEG_ERR_COUNT
};

/* A fixed one-line description of the code. */
const char *neg_strerror(enum neg_err err);

/* Per-key progress. */
enum neg_key_state {
	NEG_STATE_IDLE = 0,
	NEG_STATE_OFFERED,              /* we sent it; an answer is due */
	NEG_STATE_DONE,                 /* answered, declared, or answered by us */
};

#define NEG_LIST_TEXT_MAX 64

struct neg_state {
	struct neg_config cfg;
	struct neg_params params;
	uint8_t ours[NEG_KEY_COUNT];    /* enum neg_key_state of what we sent */
	bool received[NEG_KEY_COUNT];   /* the target sent the key */
	/* List keys: what we offer or accept, comma separated. */
	char accept[NEG_KEY_COUNT][NEG_LIST_TEXT_MAX];
	uint64_t offered_num[NEG_KEY_COUNT];    /* numbers and booleans we offered */
	enum neg_err err;
	char msg[192];                  /* one line for the last error */
};

/* Starts a negotiation. cfg must have passed neg_config_check(). */
void neg_init(struct neg_state *st, const struct neg_config *cfg);

/* Sets what we offer or accept for a list key (AuthMethod, CHAP_A):
 * comma-separated values from the table's set. Returns 0 or -1. */
int neg_set_accept(struct neg_state *st, enum neg_key key, const char *list);

/* Adds one key we send (a declaration such as InitiatorName, or an offer
 * such as AuthMethod with its accept list) to out and records it. Returns
 * NEG_OK or an error (st->msg set). */
enum neg_err neg_send_key(struct neg_state *st, enum neg_key key, const char *value,
			  struct text_list *out);

/* Adds our operational-stage offers and declarations to out: every
 * operational key the configuration negotiates, leaving out leading-only
 * keys on a non-leading connection and keys irrelevant to discovery. */
enum neg_err neg_offer_operational(struct neg_state *st, struct text_list *out);

/* Processes the target's keys of one complete Login Response text in stage
 * (enum iscsi_login_stage). Answers to the target's offers are added to
 * answers (sent in our next request); CHAP_I/C/N/R, once checked against
 * the table, are copied to auth for the CHAP exchange. Returns NEG_OK or
 * the first error (st->msg set). */
enum neg_err neg_receive(struct neg_state *st, unsigned stage, const struct text_list *in,
			 struct text_list *answers, struct text_list *auth);

/* One key of the above. */
enum neg_err neg_receive_key(struct neg_state *st, unsigned stage, const char *key,
			     const char *value, struct text_list *answers, struct text_list *auth);

/* Called when the target ends stage: every offer we made in it must have
 * been answered, except AND/OR offers whose result our value decides.
 * Returns NEG_OK or NEG_ERR_UNANSWERED. */
enum neg_err neg_stage_end(struct neg_state *st, unsigned stage);

/* Called before entering full feature phase: consistency of the result
 * (FirstBurstLength <= MaxBurstLength where it matters). */
enum neg_err neg_finish(struct neg_state *st);

/* Whether the target has answered or declared the key. */
bool neg_key_received(const struct neg_state *st, enum neg_key key);

/* TargetAddress value (RFC 7143 13.8): domainname[:port][,tpgt], where
 * domainname is a DNS name, dotted IPv4 address or bracketed IPv6
 * address. host gets the name without brackets; port is 3260 when absent;
 * tpgt is -1 when absent. Returns 0 or -1. */
int neg_parse_target_address(const char *value, char *host, size_t host_size,
			     uint16_t *port, int32_t *tpgt);

#endif
