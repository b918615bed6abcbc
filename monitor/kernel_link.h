/* The monitor's one NETLINK_ISCSI socket (kernel/iscsi_nl.h) and the
 * kernel events it brings. The socket is opened at start when the kernel
 * already has iSCSI (sessions to take over, or a module loaded), else at
 * the first login, which may load iscsi_tcp. Events go to the session
 * they name (monitor/sessions.h); events for sessions iscsid does not
 * manage are logged and dropped. */
#ifndef MONITOR_KERNEL_LINK_H
#define MONITOR_KERNEL_LINK_H

#include <stddef.h>

struct monitor;
struct kern;

/* The open client, opening it (and loading iscsi_tcp) when needed.
 * NULL with one line in err: no iSCSI support in the kernel, module not
 * loadable, no permission. */
struct kern *kernel_link(struct monitor *m, char *err, size_t errlen);

/* At start: open quietly when iSCSI is already loaded. */
void kernel_link_start(struct monitor *m);

void kernel_link_close(struct monitor *m);

#endif
