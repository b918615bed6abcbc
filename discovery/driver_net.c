#include "discovery/driver_net.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

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

/* A numeric address (an IPv6 one may carry %scope) as a socket address. */
static int sockaddr_of(const char *addr, uint16_t port, struct sockaddr_storage *ss,
		       socklen_t *len)
{
	struct addrinfo hints = {
		.ai_family = AF_UNSPEC,
		.ai_socktype = SOCK_STREAM,
		.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV,
	};
	struct addrinfo *res;
	char service[8];

	snprintf(service, sizeof(service), "%u", port);
	if (getaddrinfo(addr, service, &hints, &res) != 0)
		return -1;
	memcpy(ss, res->ai_addr, res->ai_addrlen);
	*len = res->ai_addrlen;
	freeaddrinfo(res);
	return 0;
}

static int connect_fail(int *code, char *msg, size_t size, const char *addr, uint16_t port,
			int e)
{
	char where[96];

	dnet_format(addr, port, where, sizeof(where));
	snprintf(msg, size, "cannot make connection to %s: %s", where, strerror(e));
	*code = e == ETIMEDOUT ? ISCSI_ERR_TRANS_TIMEOUT : ISCSI_ERR_TRANS;
	return -1;
}

int dnet_connect(const char *addr, uint16_t port, int *pending, int *code, char *msg,
		 size_t size)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int one = 1;

	*pending = 0;
	if (sockaddr_of(addr, port, &ss, &len) < 0) {
		snprintf(msg, size, "invalid portal address %s", addr);
		*code = ISCSI_ERR_INVAL;
		return -1;
	}
	int s = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_TCP);
	if (s < 0)
		return connect_fail(code, msg, size, addr, port, errno);
	/* Small request/response PDUs: no Nagle delay on the way out. */
	if (setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)) < 0) {
		int e = errno;
		close(s);
		return connect_fail(code, msg, size, addr, port, e);
	}
	if (connect(s, (struct sockaddr *)&ss, len) == 0)
		return s;
	if (errno == EINPROGRESS) {
		*pending = 1;
		return s;
	}
	int e = errno;
	close(s);
	return connect_fail(code, msg, size, addr, port, e);
}

int dnet_connect_result(int sock, const char *addr, uint16_t port, char *msg, size_t size)
{
	int e = 0, code;
	socklen_t len = sizeof(e);

	if (getsockopt(sock, SOL_SOCKET, SO_ERROR, &e, &len) < 0)
		e = errno;
	if (e == 0)
		return 0;
	connect_fail(&code, msg, size, addr, port, e);
	return code;
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
