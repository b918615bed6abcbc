/* The network side of the driver (discovery/driver.c): the discovery
 * portal's address and numeric addresses for what targets report (the
 * connect itself is privsep/tcp_connect.h). Internal to discovery/. */
#ifndef DISCOVERY_DRIVER_NET_H
#define DISCOVERY_DRIVER_NET_H

#include <stddef.h>
#include <stdint.h>

#include "discovery/driver.h"

/* Parses -p (host[:port], [v6][:port]; a ",tpgt" is ignored as open-iscsi
 * does), resolving a host name. Fills addr (numeric) and port. Returns 0
 * or an exit code with one line in msg. */
int dnet_portal(const char *portal, char *addr, size_t addr_size, uint16_t *port, char *msg,
		size_t size);

/* "addr:port", IPv6 in brackets (what DISC_START carries). */
void dnet_format(const char *addr, uint16_t port, char *out, size_t size);

/* A target's host (numeric or DNS name, already checked) as a numeric
 * address (normalised; a name resolved, IPv4 preferred). 0 or -1. */
int dnet_numeric(const char *host, char *out, size_t size);

#endif
