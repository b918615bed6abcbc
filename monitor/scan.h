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
struct ctl_peer;

/* A scan gets this long before its child is killed (the kernel finishes
 * the probe on its own; only the waiting stops). */
#define SCAN_TIMEOUT_MS 120000

/* Starts a scan of session sid's host host_no. When it has finished,
 * peer (NULL: nobody waits; the client may also leave meanwhile) gets
 * RESULT 0, or, when the scan failed, fail_code with the reason; with
 * fail_code 0 a failure is only logged (a login stands even when its LUN
 * probe fails). Returns 0, or -1 when no child could be started: peer
 * has then not been answered. */
int scan_start(struct monitor *m, uint32_t host_no, uint32_t sid, struct ctl_peer *peer,
	       int fail_code);

/* Scans under way (their children must not be reaped by anybody else). */
unsigned scan_live(const struct monitor *m);

/* Shut-down: kills and reaps every scan child; waiting clients are told
 * iscsid stopped. */
void scan_stop_all(struct monitor *m);

#endif
