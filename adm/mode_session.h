/* iscsiadm -m session: list the kernel's iSCSI sessions (-P 0..3, -r SID)
 * from sysfs, as open-iscsi does without needing iscsid, asking iscsid
 * only for the state it keeps itself; and hand --logout, --rescan and
 * --stats to adm/session_ops.h. */
#ifndef ADM_MODE_SESSION_H
#define ADM_MODE_SESSION_H

#include <stdbool.h>
#include <stdint.h>

#include "adm/options.h"

int adm_mode_session(const struct adm_opts *o);

/* -r's argument: a session id ("3") or a sysfs path whose last component
 * is "sessionN". false when it is neither. */
bool adm_parse_sid(const char *arg, uint32_t *sid);

#endif
