#include "privsep/tcp_connect.h"

#include <errno.h>
#include <net/if.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "base/exitcodes.h"
#include "records/portal.h"

/* A numeric address as a socket address. */
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

	portal_format(addr, port, where, sizeof(where));
	snprintf(msg, size, "cannot make connection to %s: %s", where, strerror(e));
	*code = e == ETIMEDOUT ? ISCSI_ERR_TRANS_TIMEOUT : ISCSI_ERR_TRANS;
	return -1;
}

int tcp_connect_start(const char *addr, uint16_t port, const char *netdev, int *pending,
		      int *code, char *msg, size_t size)
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
	if (netdev && netdev[0] && (strlen(netdev) >= IFNAMSIZ || !if_nametoindex(netdev))) {
		snprintf(msg, size, "no network device %.*s", IFNAMSIZ, netdev);
		*code = ISCSI_ERR_INVAL;
		return -1;
	}
	int s = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_TCP);
	if (s < 0)
		return connect_fail(code, msg, size, addr, port, errno);
	if (setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)) < 0 ||
	    (netdev && netdev[0] &&
	     setsockopt(s, SOL_SOCKET, SO_BINDTODEVICE, netdev, (socklen_t)strlen(netdev)) < 0)) {
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

int tcp_connect_result(int sock, const char *addr, uint16_t port, char *msg, size_t size)
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
