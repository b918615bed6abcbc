/* The pid file: proof that one iscsid runs per run directory. It is
 * created with O_EXCL when absent and held with flock() for the daemon's
 * whole life, so a second iscsid sees the lock and refuses to start, and
 * a file left by a crashed daemon (no lock on it) is taken over. */
#ifndef MONITOR_PIDFILE_H
#define MONITOR_PIDFILE_H

#include <stddef.h>
#include <sys/types.h>

struct pidfile {
	int fd;
	char path[4096];
};

/* Creates or takes over path, locks it and writes getpid(). Returns 0;
 * 1 when another live process holds it (err names its pid); -1 on any
 * other failure (err says why). */
int pidfile_acquire(struct pidfile *pf, const char *path, char *err, size_t errlen);

/* Writes getpid() again (after daemonising changed it). 0 or -1. */
int pidfile_update(struct pidfile *pf);

/* Removes the file, then drops the lock. */
void pidfile_release(struct pidfile *pf);

#endif
