#include "monitor/scan.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/log.h"
#include "kernel/sysfs.h"
#include "monitor/control_server.h"
#include "monitor/monitor.h"

struct scan {
	struct scan *next;
	struct monitor *m;
	pid_t pid;
	uint32_t host_no;
	struct loop_watch watch;        /* read end of the pipe: HUP when the child exits */
	struct loop_timer timer;
	uint32_t sid;
	struct ctl_peer *peer;          /* who waits; NULL once it has left */
	int fail_code;
};

/* The monitor has at most max_workers logins scanning at once, plus the
 * rescans iscsiadm asks for; a list is plenty. */
static struct scan *scans;
static unsigned nscans;

unsigned scan_live(const struct monitor *m)
{
	(void)m;
	return nscans;
}

/* The child: one write, then _exit. Its exit status is 0, or the errno
 * of what failed (the parent turns it into a line). */
static void scan_child(const char *path)
{
	static const char all[] = "- - -";
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		_exit(errno & 0x7f ? errno & 0x7f : 1);
	ssize_t n = write(fd, all, sizeof(all) - 1);
	_exit(n == (ssize_t)sizeof(all) - 1 ? 0 : (errno & 0x7f ? errno & 0x7f : 1));
}

static void unlink_scan(struct scan *s)
{
	for (struct scan **p = &scans; *p; p = &(*p)->next) {
		if (*p == s) {
			*p = s->next;
			nscans--;
			return;
		}
	}
}

static void finish(struct scan *s, bool killed)
{
	int status = 0;
	char why[128] = "";

	loop_watch_del(s->m->loop, &s->watch);
	loop_timer_cancel(s->m->loop, &s->timer);
	close(s->watch.fd);
	if (killed)
		kill(s->pid, SIGKILL);
	while (waitpid(s->pid, &status, 0) < 0 && errno == EINTR)
		;
	unlink_scan(s);
	bool ok = !killed && WIFEXITED(status) && WEXITSTATUS(status) == 0;
	if (killed)
		snprintf(why, sizeof(why), "the scan of host%u took over %d s", s->host_no,
			 SCAN_TIMEOUT_MS / 1000);
	else if (!ok && WIFEXITED(status))
		snprintf(why, sizeof(why), "scan of host%u: %s", s->host_no,
			 strerror(WEXITSTATUS(status)));
	else if (!ok)
		snprintf(why, sizeof(why), "scan of host%u: the scanning process died",
			 s->host_no);
	log_debug(1, "scan of host%u %s", s->host_no, ok ? "finished" : why);
	if (!ok)
		log_warn("session %u: %s", s->sid, why);
	if (s->peer) {
		ctl_peer_link(s->peer, NULL, NULL);
		if (ok || !s->fail_code)
			ctl_peer_finish(s->peer, ISCSI_SUCCESS, "%s", "");
		else
			ctl_peer_finish(s->peer, s->fail_code, "session %u: %s", s->sid, why);
	}
	free(s);
}

static void peer_gone(void *arg)
{
	((struct scan *)arg)->peer = NULL;
}

static void on_hup(struct loop_watch *w, short revents)
{
	(void)revents;
	finish((struct scan *)((char *)w - offsetof(struct scan, watch)), false);
}

static void on_timeout(struct loop_timer *t)
{
	finish((struct scan *)((char *)t - offsetof(struct scan, timer)), true);
}

int scan_start(struct monitor *m, uint32_t host_no, uint32_t sid, struct ctl_peer *peer,
	       int fail_code)
{
	char path[256], rel[64];
	int p[2];

	snprintf(rel, sizeof(rel), "/class/scsi_host/host%u/scan", host_no);
	if (ksys_path(path, sizeof(path), rel) < 0)
		return -1;
	struct scan *s = calloc(1, sizeof(*s));
	if (!s)
		return -1;
	if (pipe2(p, O_CLOEXEC) < 0) {
		free(s);
		return -1;
	}
	pid_t pid = fork();
	if (pid < 0) {
		close(p[0]);
		close(p[1]);
		free(s);
		return -1;
	}
	if (pid == 0) {
		/* p[1] stays open in the child until it exits: that is the
		 * signal. Nothing else of the monitor's is used. */
		close(p[0]);
		scan_child(path);
	}
	close(p[1]);
	s->m = m;
	s->pid = pid;
	s->host_no = host_no;
	s->sid = sid;
	s->peer = peer;
	s->fail_code = fail_code;
	if (peer)
		ctl_peer_link(peer, s, peer_gone);
	s->watch.fd = p[0];
	s->watch.events = POLLIN;
	s->watch.on_event = on_hup;
	s->timer.on_expire = on_timeout;
	s->next = scans;
	scans = s;
	nscans++;
	loop_watch_add(m->loop, &s->watch);
	loop_timer_arm(m->loop, &s->timer, loop_now_ms() + SCAN_TIMEOUT_MS);
	log_debug(1, "scanning host%u (pid %ld)", host_no, (long)pid);
	return 0;
}

void scan_stop_all(struct monitor *m)
{
	(void)m;
	while (scans) {
		struct scan *s = scans;
		if (s->peer) {
			ctl_peer_link(s->peer, NULL, NULL);
			ctl_peer_finish(s->peer, ISCSI_ERR_ISCSID_COMM_ERR,
					"iscsid stopped before the scan of session %u finished", s->sid);
			s->peer = NULL;
		}
		finish(s, true);
	}
}
