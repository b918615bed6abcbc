/* Session operations through iscsid, by sid or by node selection:
 *   -m session [-r SID] --logout | --rescan | --stats
 *   -m node [-T] [-p] [-I] --rescan | --stats
 * Lines and exit codes are open-iscsi 2.1.8's (adm/ops_plan.h):
 *   a sid that does not exist: "Could not get session info for sid N", 22;
 *   no session selected: "No session found." (rescan, stats) or "No
 *   matching sessions found" (logout), 21;
 *   a failed rescan or stats request: "Could not execute operation on all
 *   sessions: TEXT" with iscsid's code.
 * --stats prints "Stats for session [sid: N, target: T, portal: A,P]",
 * "iSCSI SNMP:" and a tab-indented "name: value" line per counter of
 * group 0, then "iSCSI Extended:" and group 1's counters when there are
 * any. */
#ifndef ADM_SESSION_OPS_H
#define ADM_SESSION_OPS_H

#include <stdint.h>

#include "adm/ops_plan.h"
#include "adm/options.h"

/* sid: one session, or ADM_SID_ANY for every session. */
int adm_session_logout(const struct adm_opts *o, uint32_t sid);
int adm_session_rescan(const struct adm_opts *o, uint32_t sid);
int adm_session_stats(const struct adm_opts *o, uint32_t sid);

/* The sessions of node mode's -T, -p and -I selection. */
int adm_node_rescan(const struct adm_opts *o);
int adm_node_stats(const struct adm_opts *o);

#endif
