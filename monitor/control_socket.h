/* The control socket file (see monitor/control_server.h for who may use
 * it): root:<control group>, mode 0660, never visible with wider rights. */
#ifndef MONITOR_CONTROL_SOCKET_H
#define MONITOR_CONTROL_SOCKET_H

#include <stdbool.h>
#include <stddef.h>

struct monitor;

/* True when something accepts connections at path: a live iscsid, whose
 * socket must not be replaced. */
bool ctl_socket_in_use(const char *path);

/* A new non-blocking listening socket at m->socket_path with the group of
 * m->settings (root's when there is none), replacing any file there.
 * Returns the descriptor, or -1 with err. */
int ctl_socket_listen(const struct monitor *m, char *err, size_t errlen);

#endif
