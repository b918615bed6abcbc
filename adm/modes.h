/* One handler per iscsiadm mode. Each takes the parsed options (already
 * checked against the mode's allowed letters), prints its output and at
 * most one error line, and returns the exit code (base/exitcodes.h). */
#ifndef ADM_MODES_H
#define ADM_MODES_H

#include "adm/options.h"

int adm_mode_node(const struct adm_opts *o);
/* -m discovery and -m discoverydb. */
int adm_mode_discovery(const struct adm_opts *o);
int adm_mode_iface(const struct adm_opts *o);
/* -m session, -m fw, -m host and -k: everything that needs iscsid, the
 * kernel's iSCSI hosts or boot firmware. */
int adm_mode_daemon(const struct adm_opts *o);

#endif
