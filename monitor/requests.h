/* What iscsid does for each control request, once control_server.c has
 * decoded it and policy/callers.h has allowed the caller. Each handler
 * answers through ctl_peer_send() / ctl_peer_finish(), at once or (for
 * work done by a worker) later from workers.c. */
#ifndef MONITOR_REQUESTS_H
#define MONITOR_REQUESTS_H

#include "control/ctl_msg.h"

struct monitor;
struct ctl_peer;

void request_dispatch(struct monitor *m, struct ctl_peer *p, const struct ctl_msg *req);

#endif
