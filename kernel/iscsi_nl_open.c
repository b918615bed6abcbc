/* kern_open: the transport's handle from sysfs (loading its module when it
 * is not registered), then a NETLINK_ISCSI socket on libnl that has joined
 * the iscsid group. */
#include "kernel/iscsi_nl_priv.h"

#include <errno.h>
#include <fcntl.h>
#include <netlink/netlink.h>
#include <netlink/socket.h>
#include <poll.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "kernel/modules.h"
#include "kernel/sysfs.h"

/* Room for a burst of events (each RECV_PDU up to ~8 KiB) while the
 * monitor is busy elsewhere. */
#define KERN_RCVBUF (1 << 20)

static int nlio_send(void *ctx, const void *buf, size_t len)
{
	int rc;

	errno = 0;
	rc = nl_sendto(ctx, (void *)buf, len);
	if (rc < 0)
		return errno ? -errno : -EIO;
	return (size_t)rc == len ? 0 : -EIO;
}

static int nlio_recv(void *ctx, int timeout_ms, unsigned char **buf, uint32_t *sender)
{
	struct pollfd p = { .fd = nl_socket_get_fd(ctx), .events = POLLIN };
	struct sockaddr_nl from;
	int n;

	*buf = NULL;
	do
		n = poll(&p, 1, timeout_ms);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	if (n == 0)
		return 0;
	memset(&from, 0, sizeof(from));
	errno = 0;
	n = nl_recv(ctx, &from, buf, NULL);
	if (n < 0) {
		int e = errno;
		free(*buf);
		*buf = NULL;
		if (e == EAGAIN || e == EWOULDBLOCK)
			return 0;
		return e ? -e : -EIO;
	}
	if (n == 0) {
		free(*buf);
		*buf = NULL;
		return 0;
	}
	*sender = from.nl_pid;
	return n;
}

static void nlio_close(void *ctx)
{
	nl_socket_free(ctx);    /* closes the descriptor too */
}

static int fail(int rc, char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int fail(int rc, char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (errlen)
		vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return rc;
}

/* The kernel answers a read of the handle attribute with EACCES unless
 * the reader has CAP_SYS_ADMIN (the file itself is world-readable): say
 * so rather than "cannot read it". */
static bool handle_forbidden(const char *transport)
{
	char rel[128], path[512], c;
	bool forbidden;
	int fd;

	snprintf(rel, sizeof(rel), "/class/iscsi_transport/%s/handle", transport);
	if (ksys_path(path, sizeof(path), rel) < 0)
		return false;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno == EACCES;
	forbidden = read(fd, &c, 1) < 0 && errno == EACCES;
	close(fd);
	return forbidden;
}

/* The transport's handle, loading its module first when it is missing. */
static int transport_handle(const char *transport, uint64_t *handle, char *err, size_t errlen)
{
	char module[64], line[256];
	int rc;

	if (!module_for_transport(transport, module, sizeof(module)))
		return fail(-EINVAL, err, errlen, "invalid transport name");
	rc = ksys_transport_handle(transport, handle, line, sizeof(line));
	if (rc < 0 && handle_forbidden(transport))
		return fail(-EPERM, err, errlen,
			    "reading the handle of transport %s: Permission denied (needs root)",
			    transport);
	if (rc < 0)
		return fail(-EIO, err, errlen, "%s", line);
	if (rc == 0)
		return 0;
	rc = module_load(module, err, errlen);
	if (rc < 0)
		return rc;
	rc = ksys_transport_handle(transport, handle, line, sizeof(line));
	if (rc < 0)
		return fail(-EIO, err, errlen, "%s", line);
	if (rc == 1)
		return fail(-ENODEV, err, errlen,
			    "iSCSI transport %s is not registered although module %s is loaded",
			    transport, module);
	return 0;
}

static int open_socket(struct nl_sock **out, char *err, size_t errlen)
{
	struct sockaddr_nl self = { .nl_family = AF_NETLINK };
	struct nl_sock *sk = NULL;
	int fd, e;

	/* Our own socket() and bind(): the errno tells "no iSCSI in this
	 * kernel" from the rest, and an unbound socket (port 0) would never
	 * receive the group's messages. */
	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, NETLINK_ISCSI);
	if (fd < 0) {
		e = errno;
		if (e == EPROTONOSUPPORT || e == EAFNOSUPPORT)
			return fail(-EPROTONOSUPPORT, err, errlen,
				    "the kernel has no iSCSI support (no NETLINK_ISCSI: scsi_transport_iscsi is not loaded)");
		return fail(-e, err, errlen, "NETLINK_ISCSI socket: %s", strerror(e));
	}
	if (bind(fd, (struct sockaddr *)&self, sizeof(self)) < 0) {
		e = errno;
		close(fd);
		return fail(-e, err, errlen, "NETLINK_ISCSI bind: %s", strerror(e));
	}
	sk = nl_socket_alloc();
	if (!sk) {
		close(fd);
		return fail(-ENOMEM, err, errlen, "NETLINK_ISCSI: out of memory");
	}
	if (nl_socket_set_fd(sk, NETLINK_ISCSI, fd) < 0) {
		nl_socket_free(sk);
		close(fd);
		return fail(-EIO, err, errlen, "NETLINK_ISCSI: libnl refused the socket");
	}
	nl_socket_disable_auto_ack(sk);
	nl_socket_disable_seq_check(sk);
	nl_socket_enable_msg_peek(sk);
	nl_socket_set_buffer_size(sk, KERN_RCVBUF, 0);
	errno = 0;
	if (nl_socket_add_membership(sk, KISCSI_NL_GRP_ISCSID) < 0) {
		e = errno ? errno : EIO;
		nl_socket_free(sk);
		if (e == EPERM || e == EACCES)
			return fail(-EPERM, err, errlen,
				    "joining the NETLINK_ISCSI event group: %s (needs root)",
				    strerror(e));
		return fail(-e, err, errlen, "joining the NETLINK_ISCSI event group: %s",
			    strerror(e));
	}
	*out = sk;
	return 0;
}

int kern_open(struct kern **out, const char *transport_name, char *err, size_t errlen)
{
	struct nl_sock *sk = NULL;
	uint64_t handle;
	int rc;

	*out = NULL;
	if (!transport_name)
		return fail(-EINVAL, err, errlen, "invalid transport name");
	rc = transport_handle(transport_name, &handle, err, errlen);
	if (rc < 0)
		return rc;
	rc = open_socket(&sk, err, errlen);
	if (rc < 0)
		return rc;
	struct kern_io io = {
		.send = nlio_send,
		.recv = nlio_recv,
		.close = nlio_close,
		.ctx = sk,
		.fd = nl_socket_get_fd(sk),
		.portid = nl_socket_get_local_port(sk),
	};
	rc = kern_open_io(out, &io, handle);
	if (rc < 0)
		return fail(rc, err, errlen, "NETLINK_ISCSI: out of memory");
	return 0;
}
