#include "monitor/pidfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/errbuf.h"

/* The pid a locked file names, or 0 when it cannot be read. */
static long holder_pid(int fd)
{
	char buf[32];
	ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);

	if (n <= 0)
		return 0;
	buf[n] = '\0';
	char *end;
	long pid = strtol(buf, &end, 10);
	return pid > 0 && (*end == '\n' || *end == '\0') ? pid : 0;
}

int pidfile_update(struct pidfile *pf)
{
	char buf[32];
	int n = snprintf(buf, sizeof(buf), "%ld\n", (long)getpid());

	if (ftruncate(pf->fd, 0) < 0 || pwrite(pf->fd, buf, (size_t)n, 0) != n)
		return -1;
	return 0;
}

/* Opens (creating when absent) and locks path. The loop covers a file
 * that is unlinked by its exiting owner between our open and our lock:
 * then the lock is on a dead inode and we try again. */
int pidfile_acquire(struct pidfile *pf, const char *path, char *err, size_t errlen)
{
	pf->fd = -1;
	if (strlen(path) >= sizeof(pf->path))
		return errbuf_set(err, errlen, "pid file name too long");
	strcpy(pf->path, path);

	for (int attempt = 0; attempt < 5; attempt++) {
		int fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
		if (fd < 0 && errno == EEXIST)
			fd = open(path, O_RDWR | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0) {
			if (errno == ENOENT)
				continue;
			return errbuf_set(err, errlen, "pid file %s: %s", path, strerror(errno));
		}
		if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
			int e = errno;
			long pid = e == EWOULDBLOCK ? holder_pid(fd) : 0;
			close(fd);
			if (e != EWOULDBLOCK)
				return errbuf_set(err, errlen, "locking pid file %s: %s", path,
						  strerror(e));
			if (pid)
				errbuf_set(err, errlen, "iscsid is already running (pid %ld, pid file %s)",
					   pid, path);
			else
				errbuf_set(err, errlen, "iscsid is already running (pid file %s is locked)",
					   path);
			return 1;
		}
		struct stat held, named;
		if (fstat(fd, &held) < 0 || stat(path, &named) < 0 || held.st_ino != named.st_ino ||
		    held.st_dev != named.st_dev) {
			close(fd);
			continue;
		}
		if (!S_ISREG(held.st_mode)) {
			close(fd);
			return errbuf_set(err, errlen, "pid file %s is not a regular file", path);
		}
		pf->fd = fd;
		if (pidfile_update(pf) < 0) {
			int e = errno;
			pidfile_release(pf);
			return errbuf_set(err, errlen, "writing pid file %s: %s", path, strerror(e));
		}
		return 0;
	}
	return errbuf_set(err, errlen, "pid file %s keeps changing under us", path);
}

void pidfile_release(struct pidfile *pf)
{
	if (pf->fd < 0)
		return;
	unlink(pf->path);
	close(pf->fd);
	pf->fd = -1;
}
