/* iscsid's signals, read from a signalfd in the event loop (never from a
 * handler): SIGTERM and SIGINT stop the daemon cleanly, leaving sessions
 * logged in (open-iscsi's behaviour); SIGHUP rereads iscsid.conf;
 * SIGCHLD reaps children no worker run owns (each run reaps its own
 * worker by pid, discovery/driver.h). */
#ifndef MONITOR_SIGNALS_H
#define MONITOR_SIGNALS_H

struct monitor;

/* Blocks the signals above (call before any fork, so no child is lost to
 * a default action in between) and ignores SIGPIPE. 0 or -1. */
int signals_block(void);

/* The signalfd, watched by m's loop. 0 or -1 (errno). */
int signals_open(struct monitor *m);
void signals_close(struct monitor *m);

#endif
