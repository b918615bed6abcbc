/* The monitor's side of a worker's network connection: workers cannot
 * create sockets, so the monitor connects and hands the descriptor over
 * (discovery and login alike). Non-blocking connect with TCP_NODELAY
 * (small request/response PDUs: no Nagle delay on the way out), and
 * SO_BINDTODEVICE when an iface names a network device (open-iscsi's
 * iface.net_ifacename). Failures are exit codes of base/exitcodes.h with
 * one line: 4 ISCSI_ERR_TRANS (refused, unreachable...), 8
 * ISCSI_ERR_TRANS_TIMEOUT (ETIMEDOUT), 7 ISCSI_ERR_INVAL (not a numeric
 * address, unknown device). */
#ifndef PRIVSEP_TCP_CONNECT_H
#define PRIVSEP_TCP_CONNECT_H

#include <stddef.h>
#include <stdint.h>

/* Starts a non-blocking, close-on-exec TCP connection to a numeric
 * address (an IPv6 one may carry %scope). netdev NULL or "": no device
 * binding. Returns the socket and sets *pending when the connect is still
 * in progress (poll for POLLOUT, then tcp_connect_result()); -1 with an
 * exit code in *code and one line in msg. */
int tcp_connect_start(const char *addr, uint16_t port, const char *netdev, int *pending,
		      int *code, char *msg, size_t size);

/* After poll() said the pending socket is writable (or failed): 0, or an
 * exit code with one line in msg. */
int tcp_connect_result(int sock, const char *addr, uint16_t port, char *msg, size_t size);

#endif
