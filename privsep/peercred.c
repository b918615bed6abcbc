#include "privsep/peercred.h"

#include <errno.h>
#include <sys/socket.h>

int peercred_get(int sock, struct ctl_caller *c, pid_t *pid, gid_t *groups, size_t max)
{
	struct ucred cred;
	socklen_t len = sizeof(cred);

	if (getsockopt(sock, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0)
		return -1;
	if (len != sizeof(cred)) {
		errno = EPROTO;
		return -1;
	}
	socklen_t glen = (socklen_t)(max * sizeof(gid_t));
	if (getsockopt(sock, SOL_SOCKET, SO_PEERGROUPS, groups, &glen) < 0)
		return -1;
	if (glen % sizeof(gid_t) != 0) {
		errno = EPROTO;
		return -1;
	}
	c->uid = cred.uid;
	c->gid = cred.gid;
	c->groups = groups;
	c->ngroups = glen / sizeof(gid_t);
	if (pid)
		*pid = cred.pid;
	return 0;
}
