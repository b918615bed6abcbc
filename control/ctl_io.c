/* Moving control frames over the SOCK_SEQPACKET socket. One recvmsg() is
 * one whole frame: a record longer than CTL_FRAME_MAX arrives flagged
 * MSG_TRUNC and is refused, never reassembled. No control message carries
 * a descriptor, so none is ever accepted: recvmsg() gets no room for
 * ancillary data, the kernel discards any that was attached and says so
 * with MSG_CTRUNC. */
#include "control/ctl_msg.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "base/paths.h"

int ctl_socket_path(char *out, size_t size)
{
	char dir[4096];

	if (iscsi_path(dir, sizeof(dir), ISCSID_RUN_DIR) < 0)
		return -1;
	int n = snprintf(out, size, "%s/%s", dir, CTL_SOCKET_NAME);
	if (n < 0 || (size_t)n >= size) {
		if (size)
			out[0] = '\0';
		return -1;
	}
	return 0;
}

static enum ctl_err errno_to_ctl_err(int e)
{
	switch (e) {
	case EAGAIN:
		return CTL_E_AGAIN;
	case EPIPE:
	case ECONNRESET:
		return CTL_E_CLOSED;
	default:
		return CTL_E_IO;
	}
}

enum ctl_err ctl_send(int sock, enum ctl_side sender, const struct ctl_msg *m)
{
	uint8_t frame[CTL_FRAME_MAX];
	size_t len;
	enum ctl_err rc = ctl_encode(m, sender, frame, sizeof(frame), &len, NULL);
	if (rc != CTL_OK)
		return rc;

	ssize_t n;
	do
		n = send(sock, frame, len, MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return errno_to_ctl_err(errno);
	if ((size_t)n != len) {
		errno = EMSGSIZE;
		return CTL_E_IO;
	}
	return CTL_OK;
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Waits until sock is readable; CTL_OK, CTL_E_TIMEOUT or CTL_E_IO. */
static enum ctl_err wait_readable(int sock, int timeout_ms)
{
	long long end = now_ms() + timeout_ms;

	for (;;) {
		struct pollfd p = { .fd = sock, .events = POLLIN };
		long long left = end - now_ms();
		if (left < 0)
			left = 0;
		int rc = poll(&p, 1, (int)left);
		if (rc > 0)
			return CTL_OK;
		if (rc == 0)
			return CTL_E_TIMEOUT;
		if (errno != EINTR)
			return CTL_E_IO;
	}
}

enum ctl_err ctl_recv(int sock, enum ctl_side receiver, int timeout_ms, struct ctl_msg *out,
		      const char **field, unsigned *version)
{
	uint8_t frame[CTL_FRAME_MAX];
	struct iovec iov = { .iov_base = frame, .iov_len = sizeof(frame) };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
	const char *dummy;

	if (!field)
		field = &dummy;
	*field = "frame";
	memset(out, 0, sizeof(*out));
	if (timeout_ms > 0) {
		enum ctl_err rc = wait_readable(sock, timeout_ms);
		if (rc != CTL_OK)
			return rc;
	}

	ssize_t n;
	do
		n = recvmsg(sock, &mh, timeout_ms == 0 ? MSG_DONTWAIT : 0);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return errno_to_ctl_err(errno);
	if (n == 0)
		return CTL_E_CLOSED;
	if (mh.msg_flags & MSG_TRUNC)
		return CTL_E_OVERSIZE;
	if (mh.msg_flags & MSG_CTRUNC)
		return CTL_E_ANCILLARY;
	return ctl_decode(frame, (size_t)n, receiver, out, field, version);
}
