#include "login/check.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>

#include "proto/names.h"

#define DSL_MIN 512u
#define DSL_MAX 16777215u

static int refuse(char *msg, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int refuse(char *msg, size_t size, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, size, fmt, ap);
	va_end(ap);
	return -1;
}

/* A digest in use must have been offered, and so must its absence. */
static int digest_ok(enum neg_digest_pref offered, bool used)
{
	if (used)
		return offered != NEG_DIGEST_NONE;
	return offered != NEG_DIGEST_CRC32C;
}

/* A Min-function result: between the key's lowest value and our offer. */
static int min_ok(const char *key, uint32_t got, uint32_t lo, uint32_t offered, char *msg,
		  size_t size)
{
	if (got < lo || got > offered)
		return refuse(msg, size, "%s=%u outside %u..%u (our offer)", key, got, lo, offered);
	return 0;
}

static int bools_ok(const struct neg_config *o, const struct neg_params *p, char *msg,
		    size_t size)
{
	/* OR keys: our Yes decides the result. AND: our No does. */
	if (o->initial_r2t && !p->initial_r2t)
		return refuse(msg, size, "InitialR2T=No after we offered Yes (OR)");
	if (o->data_pdu_in_order && !p->data_pdu_in_order)
		return refuse(msg, size, "DataPDUInOrder=No after we offered Yes (OR)");
	if (o->data_seq_in_order && !p->data_seq_in_order)
		return refuse(msg, size, "DataSequenceInOrder=No after we offered Yes (OR)");
	if (!o->immediate_data && p->immediate_data)
		return refuse(msg, size, "ImmediateData=Yes after we offered No (AND)");
	return 0;
}

static int numbers_ok(const struct neg_config *o, const struct neg_params *p, char *msg,
		      size_t size)
{
	if (p->max_recv_dsl != o->max_recv_dsl)
		return refuse(msg, size, "MaxRecvDataSegmentLength=%u, we declared %u",
			      p->max_recv_dsl, o->max_recv_dsl);
	if (p->max_xmit_dsl < DSL_MIN || p->max_xmit_dsl > DSL_MAX)
		return refuse(msg, size, "target's MaxRecvDataSegmentLength=%u outside %u..%u",
			      p->max_xmit_dsl, DSL_MIN, DSL_MAX);
	if (min_ok("MaxBurstLength", p->max_burst, DSL_MIN, o->max_burst, msg, size) ||
	    min_ok("FirstBurstLength", p->first_burst, DSL_MIN, o->first_burst, msg, size) ||
	    min_ok("MaxConnections", p->max_connections, 1, o->max_connections, msg, size) ||
	    min_ok("MaxOutstandingR2T", p->max_outstanding_r2t, 1, o->max_outstanding_r2t, msg,
		   size) ||
	    min_ok("DefaultTime2Retain", p->time2retain, 0, o->time2retain, msg, size) ||
	    min_ok("ErrorRecoveryLevel", p->erl, 0, o->erl, msg, size))
		return -1;
	if (p->first_burst > p->max_burst)
		return refuse(msg, size, "FirstBurstLength=%u exceeds MaxBurstLength=%u",
			      p->first_burst, p->max_burst);
	/* Max function: our offer is the least. */
	if (p->time2wait < o->time2wait || p->time2wait > 3600)
		return refuse(msg, size, "DefaultTime2Wait=%u outside %u..3600 (Max)", p->time2wait,
			      o->time2wait);
	return 0;
}

/* Serial arithmetic (RFC 1982 with SERIAL_BITS 32, as RFC 7143 4.2.2.1). */
static bool window_ok(uint32_t exp_cmdsn, uint32_t max_cmdsn)
{
	uint32_t open = max_cmdsn - exp_cmdsn + 1u;

	return open <= 0x80000000u;
}

static int session_ok(const struct login_config *o, const struct login_negotiated *g, char *msg,
		      size_t size)
{
	if (g->tsih == 0)
		return refuse(msg, size, "TSIH 0 at the end of the login");
	if (o->tsih && g->tsih != o->tsih)
		return refuse(msg, size, "TSIH 0x%04x, the session joined is 0x%04x", g->tsih,
			      o->tsih);
	if (g->cmdsn != o->cmdsn)
		return refuse(msg, size, "CmdSN %u, the login's was %u", g->cmdsn, o->cmdsn);
	if (g->exp_cmdsn != g->cmdsn)
		return refuse(msg, size, "ExpCmdSN %u after a login with CmdSN %u", g->exp_cmdsn,
			      g->cmdsn);
	if (!window_ok(g->exp_cmdsn, g->max_cmdsn))
		return refuse(msg, size, "command window ExpCmdSN %u MaxCmdSN %u", g->exp_cmdsn,
			      g->max_cmdsn);
	return 0;
}

int login_check(const struct login_config *offer, const struct login_negotiated *got,
		char *msg, size_t size)
{
	const struct neg_config *o = &offer->neg;
	const struct neg_params *p = &got->params;

	if (!digest_ok(o->header_digest, p->header_digest))
		return refuse(msg, size, "HeaderDigest=%s was not offered",
			      p->header_digest ? "CRC32C" : "None");
	if (!digest_ok(o->data_digest, p->data_digest))
		return refuse(msg, size, "DataDigest=%s was not offered",
			      p->data_digest ? "CRC32C" : "None");
	if (numbers_ok(o, p, msg, size) || bools_ok(o, p, msg, size) ||
	    session_ok(offer, got, msg, size))
		return -1;
	if (p->tpgt < -1 || p->tpgt > 65535)
		return refuse(msg, size, "TargetPortalGroupTag %d", (int)p->tpgt);
	if (p->target_alias[0] && iscsi_alias_check(p->target_alias, NULL) != NAME_OK)
		return refuse(msg, size, "invalid TargetAlias");
	if (p->auth_method == NEG_AUTH_CHAP && offer->auth == LOGIN_AUTH_NONE)
		return refuse(msg, size, "AuthMethod=CHAP was not offered");
	return 0;
}
