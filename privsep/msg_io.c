/* Moving frames over a SOCK_SEQPACKET channel, with at most one
 * descriptor per frame (SCM_RIGHTS). One recvmsg() is one whole frame:
 * a record longer than MSG_FRAME_MAX arrives flagged MSG_TRUNC and is
 * refused, never reassembled. */
#include "privsep/msg.h"

#include <errno.h>
#include <stdbool.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* Room for more descriptors than a frame may carry, so that a sender
 * attaching several is seen (and all of them closed) instead of the
 * kernel silently dropping the extra ones. */
#define RECV_FDS_ROOM 8

int msg_channel(int sv[2])
{
	return socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv);
}

static enum msg_err errno_to_msg_err(int e)
{
	switch (e) {
	case EAGAIN:
		return MSG_E_AGAIN;
	case EPIPE:
	case ECONNRESET:
		return MSG_E_CLOSED;
	default:
		return MSG_E_IO;
	}
}

enum msg_err msg_send(int sock, enum msg_side sender, const struct msg *m)
{
	uint8_t frame[MSG_FRAME_MAX];
	size_t len;
	enum msg_err rc = msg_encode(m, sender, frame, sizeof(frame), &len, NULL);
	if (rc != MSG_OK)
		return rc;

	struct iovec iov = { .iov_base = frame, .iov_len = len };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} ctl;
	if (m->fd >= 0) {
		memset(&ctl, 0, sizeof(ctl));
		mh.msg_control = ctl.buf;
		mh.msg_controllen = sizeof(ctl.buf);
		struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(cm), &m->fd, sizeof(int));
	}

	ssize_t n;
	do
		n = sendmsg(sock, &mh, MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return errno_to_msg_err(errno);
	if ((size_t)n != len) {
		errno = EMSGSIZE;
		return MSG_E_IO;
	}
	return MSG_OK;
}

static void close_all(const int *fds, size_t n)
{
	for (size_t i = 0; i < n; i++)
		close(fds[i]);
}

enum msg_err msg_recv(int sock, enum msg_side receiver, struct msg *out, const char **field)
{
	uint8_t frame[MSG_FRAME_MAX];
	union {
		char buf[CMSG_SPACE(RECV_FDS_ROOM * sizeof(int))];
		struct cmsghdr align;
	} ctl;
	struct iovec iov = { .iov_base = frame, .iov_len = sizeof(frame) };
	struct msghdr mh = {
		.msg_iov = &iov,
		.msg_iovlen = 1,
		.msg_control = ctl.buf,
		.msg_controllen = sizeof(ctl.buf),
	};
	const char *dummy;

	if (!field)
		field = &dummy;
	*field = "frame";
	memset(out, 0, sizeof(*out));
	out->fd = -1;

	ssize_t n;
	do
		n = recvmsg(sock, &mh, MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return errno_to_msg_err(errno);

	int fds[RECV_FDS_ROOM];
	size_t nfds = 0;
	bool foreign_cmsg = false;
	for (struct cmsghdr *cm = CMSG_FIRSTHDR(&mh); cm; cm = CMSG_NXTHDR(&mh, cm)) {
		if (cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS) {
			foreign_cmsg = true;
			continue;
		}
		size_t k = (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (size_t i = 0; i < k && nfds < RECV_FDS_ROOM; i++)
			memcpy(&fds[nfds++], CMSG_DATA(cm) + i * sizeof(int), sizeof(int));
	}

	enum msg_err rc;
	if (n == 0 && nfds == 0)
		rc = MSG_E_CLOSED;
	else if (mh.msg_flags & MSG_TRUNC)
		rc = MSG_E_OVERSIZE;
	else if ((mh.msg_flags & MSG_CTRUNC) || foreign_cmsg || nfds > 1)
		rc = MSG_E_FD;
	else
		rc = msg_decode(frame, (size_t)n, nfds ? fds[0] : -1, receiver, out, field);
	if (rc != MSG_OK)
		close_all(fds, nfds);
	return rc;
}
