/* Portal strings as iscsiadm's -p takes them:
 *   ip[:port][,tpgt]      192.0.2.1, 192.0.2.1:3261, 192.0.2.1:3261,1
 *   [ipv6][:port][,tpgt]  [2001:db8::1]:3260,1   (bare "2001:db8::1" too)
 *   host[:port][,tpgt]    resolved to a numeric address
 * Port defaults to 3260 and must be 1..65535; tpgt 0..65535. */
#ifndef RECORDS_PORTAL_H
#define RECORDS_PORTAL_H

#include <stdbool.h>
#include <stddef.h>

#include "records/rec_err.h"
#include "records/schema.h"

#define ISCSI_DEFAULT_PORT 3260

struct portal {
	char addr[REC_ADDR_MAX];  /* numeric, v6 without brackets, maybe %scope */
	int port;                 /* always set (default 3260) */
	bool port_given;          /* the string had ":port" */
	int tpgt;                 /* REC_TPGT_NONE when not given */
	int family;               /* AF_INET or AF_INET6 */
};

/* Flags for portal_parse(). */
#define PORTAL_RESOLVE    0x1u  /* resolve a host name (getaddrinfo; first
                                 * result, IPv4 preferred); without it a
                                 * name is REC_E_PORTAL */
#define PORTAL_NO_TPGT    0x2u  /* ",tpgt" is an error (discovery portals) */

/* Errors: REC_E_PORTAL naming the string and the problem (empty, bad
 * brackets, bad/zero/too large port or tpgt, trailing garbage, too long),
 * REC_E_RESOLVE when a host name does not resolve. */
int portal_parse(const char *s, unsigned flags, struct portal *out, struct rec_err *err);

/* Normalises a numeric address (inet_pton/inet_ntop round trip, keeping
 * a %scope). 0, or -1 when addr is not a numeric address. */
int addr_normalize(const char *addr, char *out, size_t size);

/* "addr:port" with IPv6 in brackets, as iscsiadm -m node prints it. */
void portal_format(const char *addr, int port, char *out, size_t size);

struct addrinfo;
/* The address a host name resolves to, for every caller alike: the first
 * IPv4 one, else the first IPv6 one, else NULL. */
const struct addrinfo *portal_pick_address(const struct addrinfo *res);

#endif
