#include "monitor/control_socket.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <sys/fsuid.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "base/log.h"
#include "monitor/monitor.h"

static int bind_path(const char *path, struct sockaddr_un *sa)
{
	memset(sa, 0, sizeof(*sa));
	sa->sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sa->sun_path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	strcpy(sa->sun_path, path);
	return 0;
}

/* True when an iscsid answers at path: its socket must not be taken. */
bool ctl_socket_in_use(const char *path)
{
	struct sockaddr_un sa;

	if (bind_path(path, &sa) < 0)
		return false;
	int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return false;
	bool yes = connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0;
	close(fd);
	return yes;
}

/* A listening socket at path, root:group 0660. The new file gets its
 * group from our fsgid at bind() (setfsgid needs only CAP_SETGID, which
 * the monitor keeps; chown would need CAP_CHOWN, which it drops), and its
 * mode from the umask; it appears under path only by rename(). */
int ctl_socket_listen(const struct monitor *m, char *err, size_t errlen)
{
	const struct caller_policy *pol = &m->settings.policy;
	gid_t gid = pol->has_reader_group ? pol->reader_gid : 0;
	char tmp[MONITOR_PATH_MAX + 8];
	struct sockaddr_un sa;

	snprintf(tmp, sizeof(tmp), "%s.new", m->socket_path);
	if (bind_path(tmp, &sa) < 0) {
		snprintf(err, errlen, "control socket path too long: %s", tmp);
		return -1;
	}
	int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		snprintf(err, errlen, "control socket: %s", strerror(errno));
		return -1;
	}
	unlink(tmp);
	mode_t old_mask = umask(0117);
	setfsgid(gid);
	int rc = bind(fd, (struct sockaddr *)&sa, sizeof(sa));
	int e = errno;
	setfsgid(0);
	umask(old_mask);
	struct stat st;
	if (rc < 0) {
		snprintf(err, errlen, "binding %s: %s", tmp, strerror(e));
		goto fail;
	}
	if (lstat(tmp, &st) < 0 || chmod(tmp, 0660) < 0) {
		snprintf(err, errlen, "control socket %s: %s", tmp, strerror(errno));
		goto fail_unlink;
	}
	if (st.st_uid != 0 || st.st_gid != gid)
		log_warn("control socket %s is %u:%u, not 0:%u (set-group-id run directory?)",
			 m->socket_path, (unsigned)st.st_uid, (unsigned)st.st_gid, (unsigned)gid);
	if (listen(fd, 64) < 0 || rename(tmp, m->socket_path) < 0) {
		snprintf(err, errlen, "control socket %s: %s", m->socket_path, strerror(errno));
		goto fail_unlink;
	}
	return fd;
fail_unlink:
	unlink(tmp);
fail:
	close(fd);
	return -1;
}

/* LISTEN_PID and LISTEN_FDS as sd_listen_fds(3) defines them. */
static bool activated_for_us(long *nfds)
{
	const char *pid = getenv("LISTEN_PID"), *fds = getenv("LISTEN_FDS");
	char *end;

	if (!pid || !fds)
		return false;
	errno = 0;
	long p = strtol(pid, &end, 10);
	if (errno || *end || p != (long)getpid())
		return false;
	*nfds = strtol(fds, &end, 10);
	if (errno || *end)
		*nfds = -1;
	return true;
}

int ctl_socket_inherited(const struct monitor *m, char *err, size_t errlen)
{
	long nfds;
	int type = 0, domain = 0, listening = 0;
	socklen_t len = sizeof(int);
	struct sockaddr_un sa;
	socklen_t salen = sizeof(sa);

	if (!activated_for_us(&nfds))
		return -2;
	unsetenv("LISTEN_PID");
	unsetenv("LISTEN_FDS");
	unsetenv("LISTEN_FDNAMES");
	const int fd = 3;       /* SD_LISTEN_FDS_START */
	if (nfds != 1) {
		snprintf(err, errlen, "socket activation passed %ld sockets; iscsid takes exactly one",
			 nfds);
		return -1;
	}
	if (getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &domain, &len) < 0 ||
	    getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) < 0 ||
	    getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &len) < 0 ||
	    domain != AF_UNIX || type != SOCK_SEQPACKET || !listening) {
		snprintf(err, errlen, "socket activation: descriptor 3 is not a listening "
			 "AF_UNIX SOCK_SEQPACKET socket (ListenSequentialPacket= in the unit)");
		return -1;
	}
	memset(&sa, 0, sizeof(sa));
	if (getsockname(fd, (struct sockaddr *)&sa, &salen) < 0 ||
	    strncmp(sa.sun_path, m->socket_path, sizeof(sa.sun_path)) != 0) {
		snprintf(err, errlen, "socket activation: the socket is not %s", m->socket_path);
		return -1;
	}
	int fl = fcntl(fd, F_GETFL);
	if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0 ||
	    fcntl(fd, F_SETFD, FD_CLOEXEC) < 0) {
		snprintf(err, errlen, "socket activation: %s", strerror(errno));
		return -1;
	}
	return fd;
}
