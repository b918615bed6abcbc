/* The login key table (RFC 7143 sections 12 and 13; RFC 7144 for
 * RFC 3720 12.14-12.16 for the obsolete markers). */
#include "proto/negotiate.h"

#include <string.h>

#define MAX_DSL 16777215u       /* 2^24 - 1 */

#define OPER_LO (NEG_USE_LEADING_ONLY | NEG_SCOPE_SESSION)
#define BOTH (NEG_FROM_INITIATOR | NEG_FROM_TARGET)

static const struct neg_key_def table[NEG_KEY_COUNT] = {
	[NEG_HEADER_DIGEST] = { "HeaderDigest", NEG_KIND_LIST, NEG_FN_CHOICE, BOTH, 0,
		0, 0, 0, "None", "CRC32C,None", TEXT_VALUE_MAX },
	[NEG_DATA_DIGEST] = { "DataDigest", NEG_KIND_LIST, NEG_FN_CHOICE, BOTH, 0,
		0, 0, 0, "None", "CRC32C,None", TEXT_VALUE_MAX },
	[NEG_MAX_CONNECTIONS] = { "MaxConnections", NEG_KIND_NUMBER, NEG_FN_MIN, BOTH,
		OPER_LO | NEG_IRRELEVANT_DISCOVERY, 1, 65535, 1, NULL, NULL, TEXT_VALUE_MAX },
	[NEG_SEND_TARGETS] = { "SendTargets", NEG_KIND_DECL_TEXT, NEG_FN_NONE, NEG_FROM_INITIATOR,
		NEG_USE_FFP_ONLY | NEG_SCOPE_SESSION, 0, 0, 0, NULL, NULL, TEXT_VALUE_MAX },
	[NEG_TARGET_NAME] = { "TargetName", NEG_KIND_DECL_TEXT, NEG_FN_NONE, NEG_FROM_INITIATOR,
		NEG_USE_ANY_STAGE | NEG_SCOPE_SESSION | NEG_REJECT_FATAL,
		0, 0, 0, NULL, NULL, ISCSI_NAME_MAX },
	[NEG_INITIATOR_NAME] = { "InitiatorName", NEG_KIND_DECL_TEXT, NEG_FN_NONE,
		NEG_FROM_INITIATOR, NEG_USE_ANY_STAGE | NEG_SCOPE_SESSION | NEG_REJECT_FATAL,
		0, 0, 0, NULL, NULL, ISCSI_NAME_MAX },
	[NEG_TARGET_ALIAS] = { "TargetAlias", NEG_KIND_DECL_TEXT, NEG_FN_NONE, NEG_FROM_TARGET,
		NEG_USE_ANY_STAGE | NEG_SCOPE_SESSION, 0, 0, 0, NULL, NULL, ISCSI_ALIAS_MAX },
	[NEG_INITIATOR_ALIAS] = { "InitiatorAlias", NEG_KIND_DECL_TEXT, NEG_FN_NONE,
		NEG_FROM_INITIATOR, NEG_USE_ANY_STAGE | NEG_SCOPE_SESSION,
		0, 0, 0, NULL, NULL, ISCSI_ALIAS_MAX },
	[NEG_TARGET_ADDRESS] = { "TargetAddress", NEG_KIND_DECL_TEXT, NEG_FN_NONE, NEG_FROM_TARGET,
		NEG_USE_ANY_STAGE | NEG_SCOPE_SESSION, 0, 0, 0, NULL, NULL, TEXT_VALUE_MAX },
	[NEG_TPGT] = { "TargetPortalGroupTag", NEG_KIND_DECL_NUMBER, NEG_FN_NONE, NEG_FROM_TARGET,
		NEG_USE_ANY_STAGE | NEG_SCOPE_SESSION, 0, 65535, 0, NULL, NULL, TEXT_VALUE_MAX },
	[NEG_INITIAL_R2T] = { "InitialR2T", NEG_KIND_BOOL, NEG_FN_OR, BOTH,
		OPER_LO | NEG_IRRELEVANT_DISCOVERY, 0, 1, 1, NULL, NULL, TEXT_VALUE_MAX },
	[NEG_IMMEDIATE_DATA] = { "ImmediateData", NEG_KIND_BOOL, NEG_FN_AND, BOTH,
		OPER_LO | NEG_IRRELEVANT_DISCOVERY, 0, 1, 1, NULL, NULL, TEXT_VALUE_MAX },
	[NEG_MAX_RECV_DSL] = { "MaxRecvDataSegmentLength", NEG_KIND_DECL_NUMBER, NEG_FN_NONE,
		BOTH, 0, 512, MAX_DSL, 8192, NULL, NULL, TEXT_VALUE_MAX },
	[NEG_MAX_BURST] = { "MaxBurstLength", NEG_KIND_NUMBER, NEG_FN_MIN, BOTH,
		OPER_LO | NEG_IRRELEVANT_DISCOVERY, 512, MAX_DSL, 262144, NULL, NULL,
		TEXT_VALUE_MAX },
	[NEG_FIRST_BURST] = { "FirstBurstLength", NEG_KIND_NUMBER, NEG_FN_MIN, BOTH,
		OPER_LO | NEG_IRRELEVANT_DISCOVERY, 512, MAX_DSL, 65536, NULL, NULL,
		TEXT_VALUE_MAX },
	[NEG_TIME2WAIT] = { "DefaultTime2Wait", NEG_KIND_NUMBER, NEG_FN_MAX, BOTH, OPER_LO,
		0, 3600, 2, NULL, NULL, TEXT_VALUE_MAX },
	[NEG_TIME2RETAIN] = { "DefaultTime2Retain", NEG_KIND_NUMBER, NEG_FN_MIN, BOTH, OPER_LO,
		0, 3600, 20, NULL, NULL, TEXT_VALUE_MAX },
	[NEG_MAX_OUTSTANDING_R2T] = { "MaxOutstandingR2T", NEG_KIND_NUMBER, NEG_FN_MIN, BOTH,
		OPER_LO | NEG_IRRELEVANT_DISCOVERY, 1, 65535, 1, NULL, NULL, TEXT_VALUE_MAX },
	[NEG_DATA_PDU_IN_ORDER] = { "DataPDUInOrder", NEG_KIND_BOOL, NEG_FN_OR, BOTH,
		OPER_LO | NEG_IRRELEVANT_DISCOVERY, 0, 1, 1, NULL, NULL, TEXT_VALUE_MAX },
	[NEG_DATA_SEQ_IN_ORDER] = { "DataSequenceInOrder", NEG_KIND_BOOL, NEG_FN_OR, BOTH,
		OPER_LO | NEG_IRRELEVANT_DISCOVERY, 0, 1, 1, NULL, NULL, TEXT_VALUE_MAX },
	[NEG_ERL] = { "ErrorRecoveryLevel", NEG_KIND_NUMBER, NEG_FN_MIN, BOTH, OPER_LO,
		0, 2, 0, NULL, NULL, TEXT_VALUE_MAX },
	[NEG_SESSION_TYPE] = { "SessionType", NEG_KIND_DECL_TEXT, NEG_FN_NONE, NEG_FROM_INITIATOR,
		NEG_USE_ANY_STAGE | OPER_LO | NEG_REJECT_FATAL, 0, 0, 0, "Normal",
		"Discovery,Normal", TEXT_VALUE_MAX },
	/* KRB5, SPKM1, SPKM2 and SRP exist too; we implement none of them, so
	 * a target choosing one chose something we did not offer. */
	[NEG_AUTH_METHOD] = { "AuthMethod", NEG_KIND_LIST, NEG_FN_CHOICE, BOTH,
		NEG_USE_SECURITY | NEG_ANSWER_ONLY | NEG_REJECT_FATAL, 0, 0, 0, "None",
		"CHAP,None", TEXT_VALUE_MAX },
	[NEG_CHAP_A] = { "CHAP_A", NEG_KIND_LIST, NEG_FN_CHOICE, BOTH,
		NEG_USE_SECURITY | NEG_ANSWER_ONLY | NEG_REJECT_FATAL, 0, 0, 0, NULL,
		"5,6,7,8", TEXT_VALUE_MAX },
	[NEG_CHAP_I] = { "CHAP_I", NEG_KIND_AUTH, NEG_FN_NONE, BOTH, NEG_USE_SECURITY,
		0, 0, 0, NULL, NULL, TEXT_VALUE_MAX },
	[NEG_CHAP_C] = { "CHAP_C", NEG_KIND_AUTH, NEG_FN_NONE, BOTH, NEG_USE_SECURITY,
		0, 0, 0, NULL, NULL, TEXT_LARGE_VALUE_MAX },
	[NEG_CHAP_N] = { "CHAP_N", NEG_KIND_AUTH, NEG_FN_NONE, BOTH, NEG_USE_SECURITY,
		0, 0, 0, NULL, NULL, TEXT_VALUE_MAX },
	[NEG_CHAP_R] = { "CHAP_R", NEG_KIND_AUTH, NEG_FN_NONE, BOTH, NEG_USE_SECURITY,
		0, 0, 0, NULL, NULL, TEXT_LARGE_VALUE_MAX },
	/* RFC 7143 13.23; we (and iscsi_tcp) only do RFC 3720 semantics. */
	[NEG_TASK_REPORTING] = { "TaskReporting", NEG_KIND_LIST, NEG_FN_CHOICE, BOTH,
		OPER_LO | NEG_IRRELEVANT_DISCOVERY | NEG_RFC7143_ADDITION, 0, 0, 0, "RFC3720",
		"RFC3720,ResponseFence,FastAbort", TEXT_VALUE_MAX },
	[NEG_IF_MARKER] = { "IFMarker", NEG_KIND_BOOL, NEG_FN_AND, BOTH, NEG_OBSOLETE,
		0, 1, 0, NULL, NULL, TEXT_VALUE_MAX },
	[NEG_OF_MARKER] = { "OFMarker", NEG_KIND_BOOL, NEG_FN_AND, BOTH, NEG_OBSOLETE,
		0, 1, 0, NULL, NULL, TEXT_VALUE_MAX },
	[NEG_IF_MARK_INT] = { "IFMarkInt", NEG_KIND_RANGE, NEG_FN_NONE, BOTH, NEG_OBSOLETE,
		0, 0, 0, NULL, NULL, TEXT_VALUE_MAX },
	[NEG_OF_MARK_INT] = { "OFMarkInt", NEG_KIND_RANGE, NEG_FN_NONE, BOTH, NEG_OBSOLETE,
		0, 0, 0, NULL, NULL, TEXT_VALUE_MAX },
};

const struct neg_key_def *neg_key_def(enum neg_key key)
{
	if ((unsigned)key >= NEG_KEY_COUNT)
		return NULL;
	return &table[key];
}

const struct neg_key_def *neg_key_lookup(const char *name, enum neg_key *id)
{
	for (unsigned i = 0; i < NEG_KEY_COUNT; i++) {
		if (strcmp(table[i].name, name) == 0) {
			if (id)
				*id = (enum neg_key)i;
			return &table[i];
		}
	}
	return NULL;
}

static const char *const neg_messages[NEG_ERR_COUNT] = {
	[NEG_OK] = "success",
	[NEG_ERR_STAGE] = "key not allowed in this login stage",
	[NEG_ERR_SENDER] = "key the target may not send",
	[NEG_ERR_FFP_ONLY] = "key not allowed during login",
	[NEG_ERR_LEADING_ONLY] = "leading-connection key on a non-leading connection",
	[NEG_ERR_REPEATED] = "key negotiated twice",
	[NEG_ERR_SYNTAX] = "malformed value",
	[NEG_ERR_RANGE] = "value out of range",
	[NEG_ERR_NOT_OFFERED] = "answer outside what was offered",
	[NEG_ERR_UNSOLICITED] = "answer to a key that was not offered",
	[NEG_ERR_REJECTED] = "key rejected by the target",
	[NEG_ERR_NOT_UNDERSTOOD] = "key not understood by the target",
	[NEG_ERR_UNANSWERED] = "offer left unanswered",
	[NEG_ERR_INCONSISTENT] = "inconsistent negotiated values",
	[NEG_ERR_TOO_LONG] = "value too long",
	[NEG_ERR_BUILD] = "could not build a key",
};

const char *neg_strerror(enum neg_err err)
{
	if ((unsigned)err >= NEG_ERR_COUNT || !neg_messages[err])
		return "unknown negotiation error";
	return neg_messages[err];
}
