/* Going to the background without losing start-up errors: the process
 * the user started waits until the daemon says it is ready (or why it
 * is not) and exits with that code, so "iscsid && echo started" is true
 * only when iscsid really serves. */
#ifndef MONITOR_DAEMON_H
#define MONITOR_DAEMON_H

/* Forks twice and starts a new session; returns in the daemon with the
 * descriptor to report on, or -1 (errno) in the original process when a
 * fork fails. The original process never returns otherwise. stdin and
 * stdout become /dev/null; stderr stays until daemon_ready(). */
int daemon_start(void);

/* Tells the waiting process to exit with code; on success (0) stderr
 * becomes /dev/null too. */
void daemon_ready(int fd, int code);

#endif
