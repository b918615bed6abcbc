/* A TCP listener that never speaks, for tests/integration/iscsid.sh: a
 * portal that accepts connections (the kernel completes them from the
 * backlog) so that iscsid gets as far as handing a connected socket to a
 * worker. Listens on 127.0.0.1 at an ephemeral port, prints the port on
 * stdout, then waits until it is killed.
 *
 * usage: tcp_sink */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <sys/socket.h>
#include <unistd.h>

int main(void)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(sa);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(fd, 128) < 0 ||
	    getsockname(fd, (struct sockaddr *)&sa, &len) < 0) {
		perror("tcp_sink");
		return 1;
	}
	printf("%u\n", ntohs(sa.sin_port));
	fflush(stdout);
	for (;;)
		pause();
}
