/* The monitor's check of what a login worker reports (LOGIN_DONE)
 * against what it was asked to offer: the worker parsed the target's
 * bytes and may be compromised, so nothing it says reaches the kernel
 * unchecked. Every value must be inside RFC 7143's range (section 13)
 * and be a result the key's function allows from our offer:
 *
 *   HeaderDigest, DataDigest     only what we offered (CRC32C or None)
 *   MaxRecvDataSegmentLength     exactly our declaration
 *   MaxXmitDataSegmentLength     the target's: 512..2^24-1
 *   MaxBurstLength, FirstBurstLength, MaxConnections, MaxOutstandingR2T,
 *   DefaultTime2Retain, ErrorRecoveryLevel
 *                                Min: from the lowest legal value up to
 *                                our offer
 *   DefaultTime2Wait             Max: from our offer up to 3600
 *   FirstBurstLength             also <= MaxBurstLength
 *   InitialR2T, DataPDUInOrder, DataSequenceInOrder
 *                                OR: Yes when we offered Yes
 *   ImmediateData                AND: No when we offered No
 *   TSIH                         non-zero; ours when we joined a session
 *   CmdSN                        the login's (it was immediate)
 *   ExpCmdSN, MaxCmdSN           a window MaxCmdSN - ExpCmdSN + 1 in
 *                                0..2^31 (RFC 7143 4.2.2.1, serial
 *                                arithmetic), ExpCmdSN == CmdSN
 *   TargetPortalGroupTag         0..65535 or not given
 *   TargetAlias                  empty or a valid alias
 *   AuthMethod                   not CHAP (we offered None only) */
#ifndef LOGIN_CHECK_H
#define LOGIN_CHECK_H

#include <stddef.h>
#include <stdint.h>

#include "proto/login.h"
#include "proto/negotiate.h"

/* What a login negotiated: the kernel's parameters and where the
 * sequence numbers continue. */
struct login_negotiated {
	struct neg_params params;       /* tpgt -1 when not given */
	uint16_t tsih;
	uint32_t cmdsn;                 /* next CmdSN (the login's) */
	uint32_t exp_statsn;            /* last StatSN + 1 */
	uint32_t exp_cmdsn, max_cmdsn;
};

/* Returns 0, or -1 with one line naming the first offending value in
 * msg. */
int login_check(const struct login_config *offer, const struct login_negotiated *got,
		char *msg, size_t size);

#endif
