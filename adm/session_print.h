/* iscsiadm -m session output, laid out as open-iscsi 2.1.8 prints it:
 *   -P 0   "tcp: [SID] ADDR:PORT,TPGT TARGET (non-flash)"
 *   -P 1   "Target: T (non-flash)", the portals, the Interface block, SID
 *          and the three states
 *   -P 2   + Timeouts, CHAP (passwords always "********": they are never
 *          read) and the negotiated parameters
 *   -P 3   the transport class and version lines first, + the SCSI
 *          devices
 * Everything goes to stdout through stdio; the caller checks adm_flush(). */
#ifndef ADM_SESSION_PRINT_H
#define ADM_SESSION_PRINT_H

#include <stdbool.h>
#include <stddef.h>

#include "kernel/sysfs.h"

/* What iscsid says of one session (control SESSION_ENTRY). When iscsid
 * cannot be asked, known is false and both iscsid-kept states print as
 * "Unknown", as open-iscsi prints them without its daemon. */
struct adm_iscsid_state {
	bool known;
	char state[33];         /* "NO CHANGE", "CLEANUP", "REOPEN", "REDIRECT" */
};

/* The -P 0 line of one session. */
void adm_print_session_line(const struct ksys_session *s);

/* The -P 3 preamble: "iSCSI Transport Class version V" and "version
 * 2.1.8". class_version "" when the kernel does not say. */
void adm_print_session_versions(const char *class_version);

/* The -P level (1..3) tree of n sessions, in the order given; a
 * "Target:" line starts each run of sessions to the same target, and a
 * session through the same portal as the one before it in that run gets
 * an empty line instead of its portal lines.
 * iscsid[i] belongs to sessions[i]. */
void adm_print_session_tree(const struct ksys_session *const *sessions,
			    const struct adm_iscsid_state *iscsid, size_t n, int level);

/* The connection state open-iscsi shows: iscsid's own view of the
 * connection; without iscsid "Unknown". */
const char *adm_session_conn_state(const struct ksys_session *s, const struct adm_iscsid_state *st);

#endif
