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

/* Socket activation (systemd's iscsid.socket, or systemd-socket-activate):
 * when $LISTEN_PID is our pid and $LISTEN_FDS is 1, descriptor 3 must be
 * a listening AF_UNIX SOCK_SEQPACKET socket bound to m->socket_path; it is
 * made non-blocking and close-on-exec and returned, and the LISTEN_*
 * variables are removed. Returns -2 when we were not socket-activated,
 * -1 with err when we were but descriptor 3 is not such a socket (a
 * unit with the wrong Listen= line must not leave iscsid listening
 * somewhere else). Its owner, group and mode are the unit's to set. */
int ctl_socket_inherited(const struct monitor *m, char *err, size_t errlen);

#endif
