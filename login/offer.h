/* The offer of one login, built from a node record (records/record.h):
 * the operational keys of node.session.iscsi.* and node.conn[0].iscsi.*,
 * the login timeout node.conn[0].timeo.login_timeout, the target name
 * node.name and the initiator name (the record's iface.initiatorname
 * when set, else the caller's, from initiatorname.iscsi). iscsid.conf's
 * values are already in the record: they are the defaults new records
 * are made with (records/config.h).
 *
 * ISID (RFC 7143 11.12.5): the OUI format, T = 00b, with open-iscsi's OUI
 * 00:02:3d and a 24-bit qualifier chosen by the caller, so that several
 * sessions of one record (node.session.nr_sessions) get different ISIDs:
 * 00 02 3d QQ QQ QQ.
 *
 * Not in the offer: IFMarker/OFMarker (obsolete, never offered),
 * MaxXmitDataSegmentLength (a local cap on what we send, applied by the
 * caller), node.session.timeo.* and the err_timeo.* (the kernel's, set
 * after the login). Authentication is not in the offer either: the
 * credentials go to the login driver (auth/chap_holder.h), which sets
 * the offer's auth and CHAP_A list from them. */
#ifndef LOGIN_OFFER_H
#define LOGIN_OFFER_H

#include <stddef.h>
#include <stdint.h>

#include "proto/login.h"
#include "records/record.h"

#define LOGIN_ISID_OUI 0x00023dull
#define LOGIN_ISID_QUALIFIER_MAX 0xffffffu
/* open-iscsi's node.conn[0].timeo.login_timeout is in seconds; the
 * worker protocol carries at most an hour. */
#define LOGIN_OFFER_TIMEOUT_MAX_S 3600u

/* The ISID for a qualifier, as 6 bytes. */
void login_offer_isid(uint32_t qualifier, uint8_t isid[6]);

/* Fills out from node (REC_NODE). initiator_name is used when the
 * record's iface.initiatorname is empty; alias may be NULL. tsih 0 and
 * cid 0 (a new session's leading connection), CmdSN
 * node.session.initial_cmdsn, auth None (the driver sets it).
 * Returns 0, or an exit code with one line in msg:
 *   7  ISCSI_ERR_INVAL       a value out of range or inconsistent
 *                            (FirstBurstLength > MaxBurstLength, login
 *                            timeout 0, bad names, qualifier > 24 bits) */
int login_offer_build(const struct rec *node, const char *initiator_name,
		      const char *initiator_alias, uint32_t isid_qualifier,
		      struct login_config *out, char *msg, size_t size);

#endif
