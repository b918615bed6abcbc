#include "monitor/signals.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/log.h"
#include "monitor/monitor.h"
#include "monitor/scan.h"
#include "monitor/workers.h"

static struct loop_watch sig_watch = { .fd = -1 };
static struct monitor *sig_monitor;

static void handled_set(sigset_t *set)
{
	sigemptyset(set);
	sigaddset(set, SIGTERM);
	sigaddset(set, SIGINT);
	sigaddset(set, SIGHUP);
	sigaddset(set, SIGCHLD);
}

int signals_block(void)
{
	sigset_t set;

	handled_set(&set);
	if (sigprocmask(SIG_BLOCK, &set, NULL) < 0)
		return -1;
	return signal(SIGPIPE, SIG_IGN) == SIG_ERR ? -1 : 0;
}

/* Children a worker run does not own: none is expected, but one must
 * never stay a zombie. While runs are live, waitpid(-1) could take a
 * worker's status from its driver, so strays wait for a quiet moment. */
static void reap_strays(struct monitor *m)
{
	if (workers_live(m) > 0 || scan_live(m) > 0)
		return;
	for (;;) {
		int status;
		pid_t pid = waitpid(-1, &status, WNOHANG);
		if (pid <= 0)
			return;
		log_debug(1, "reaped child %ld (status 0x%x)", (long)pid, (unsigned)status);
	}
}

static void on_signal(struct loop_watch *w, short revents)
{
	struct signalfd_siginfo si;
	struct monitor *m = sig_monitor;
	(void)revents;

	for (;;) {
		ssize_t n = read(w->fd, &si, sizeof(si));
		if (n != (ssize_t)sizeof(si)) {
			if (n < 0 && errno != EAGAIN && errno != EINTR)
				log_warn("signalfd: %m");
			return;
		}
		switch (si.ssi_signo) {
		case SIGTERM:
		case SIGINT:
			log_debug(1, "signal %u from pid %u", si.ssi_signo, si.ssi_pid);
			monitor_request_stop(m, si.ssi_signo == SIGTERM ? "SIGTERM" : "SIGINT");
			return;
		case SIGHUP:
			log_info("SIGHUP: rereading the configuration");
			monitor_reload(m);
			break;
		case SIGCHLD:
			reap_strays(m);
			break;
		default:
			break;
		}
	}
}

int signals_open(struct monitor *m)
{
	sigset_t set;

	handled_set(&set);
	int fd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	if (fd < 0)
		return -1;
	sig_monitor = m;
	sig_watch.fd = fd;
	sig_watch.events = POLLIN;
	sig_watch.on_event = on_signal;
	loop_watch_add(m->loop, &sig_watch);
	return 0;
}

void signals_close(struct monitor *m)
{
	if (sig_watch.fd < 0)
		return;
	loop_watch_del(m->loop, &sig_watch);
	close(sig_watch.fd);
	sig_watch.fd = -1;
}
