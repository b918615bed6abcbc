/* iscsiadm's record output, line for line as open-iscsi 2.1.8 prints it
 * (except where adm_golden.sh's allow-list says otherwise):
 *   -m node            "10.0.0.1:3260,1 iqn.2001-05.com.example:t1"
 *   -m node -P 1       "Target: T" / "\tPortal: P,tpgt" / "\t\tIface Name: I"
 *   -m discoverydb     "10.0.0.1:3260 via sendtargets"
 *   -m iface           "NAME transport,hwaddress,ipaddress,net_ifacename,initiatorname"
 *   -o show            "# BEGIN RECORD 2.1.8", "key = value"..., "# END RECORD"
 * Everything goes to stdout through stdio; the caller checks adm_flush(). */
#ifndef ADM_PRINT_H
#define ADM_PRINT_H

#include <stdbool.h>
#include <stddef.h>

#include "records/db.h"
#include "records/record.h"

/* The whole record: every key in schema order, "" as <empty>, secrets as
 * ******** unless show_secrets. */
void adm_print_record(const struct rec *r, bool show_secrets);

/* "-m node" line of one node key. */
void adm_print_node_line(const struct rec_key *k);

/* "-m node -P 1": keys must be sorted by target (recdb_list order).
 * depth 0 starts at "Target:", depth 1 indents by one tab and leaves out
 * the "Iface Name:" lines (for "-m iface -P 1"). */
void adm_print_node_tree(const struct rec_key *keys, size_t n, int depth);

/* "-m discoverydb" line of a SendTargets record key. */
void adm_print_discovery_line(const struct rec_key *k);

/* "DiscoveryAddress: addr,port" of "-m discoverydb -P 1". */
void adm_print_discovery_address(const struct rec_key *k);

/* "-m iface" line. */
void adm_print_iface_line(const struct rec *iface);

/* Flushes stdout; 0, or prints one error line and returns ISCSI_ERR
 * (a full disk or closed pipe must not look like success). */
int adm_flush(void);

#endif
