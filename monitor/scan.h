/* LUN scans of a session's SCSI host. iscsi_tcp leaves scanning to user
 * space (it has no scan_finished hook, so the kernel does not scan when a
 * session first unblocks): writing "- - -" to
 * /sys/class/scsi_host/hostH/scan makes the kernel probe every LUN the
 * target reports. That write blocks until the probe ends (SCSI commands
 * over the new session: seconds on a slow target), so it runs in a
 * forked child and the event loop waits on a pipe that closes when the
 * child exits; 64 logins scan in parallel instead of one after another.
 * The child execs nothing and touches nothing but that one file. */
#ifndef MONITOR_SCAN_H
#define MONITOR_SCAN_H

#include <stdbool.h>
#include <stdint.h>

struct monitor;

/* A scan gets this long before its child is killed (the kernel finishes
 * the probe on its own; only the waiting stops). */
#define SCAN_TIMEOUT_MS 120000

/* Starts a scan of host_no; done(arg, ok, why) is called from the loop
 * when it has finished (ok false: why says what failed). Returns 0, or -1
 * when no child could be started (done is then never called). */
int scan_start(struct monitor *m, uint32_t host_no,
	       void (*done)(void *arg, bool ok, const char *why), void *arg);

/* Forgets the callbacks of scans whose arg is arg (its owner is going
 * away); the scans themselves run to their end. */
void scan_cancel(struct monitor *m, void *arg);

/* Scans under way (their children must not be reaped by anybody else). */
unsigned scan_live(const struct monitor *m);

/* Shut-down: kills and reaps every scan child, calls nobody back. */
void scan_stop_all(struct monitor *m);

#endif
