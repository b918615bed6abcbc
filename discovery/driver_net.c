#include "discovery/driver_net.h"

#include <netdb.h>
#include <stdio.h>
#include <string.h>

#include "base/exitcodes.h"
#include "records/portal.h"

int dnet_portal(const char *portal, char *addr, size_t addr_size, uint16_t *port, char *msg,
		size_t size)
{
	struct portal p;
	struct rec_err err;

	if (portal_parse(portal, PORTAL_RESOLVE, &p, &err) < 0) {
		snprintf(msg, size, "%s", err.msg);
		return rec_status_exit_code(err.status);
	}
	if (strlen(p.addr) >= addr_size) {
		snprintf(msg, size, "portal address too long");
		return ISCSI_ERR_INVAL;
	}
	snprintf(addr, addr_size, "%s", p.addr);
	*port = (uint16_t)p.port;
	return 0;
}

void dnet_format(const char *addr, uint16_t port, char *out, size_t size)
{
	portal_format(addr, port, out, size);
}

int dnet_numeric(const char *host, char *out, size_t size)
{
	struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM };
	struct addrinfo *res;

	if (addr_normalize(host, out, size) == 0)
		return 0;
	if (getaddrinfo(host, NULL, &hints, &res) != 0)
		return -1;
	const struct addrinfo *pick = portal_pick_address(res);
	int rc = -1;
	if (pick && getnameinfo(pick->ai_addr, pick->ai_addrlen, out, (socklen_t)size, NULL, 0,
				NI_NUMERICHOST) == 0)
		rc = 0;
	freeaddrinfo(res);
	return rc;
}
