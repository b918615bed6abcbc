/* iscsid: the privileged monitor. Start-up, in an order where each step
 * needs only what the steps before it set up:
 *
 *   options -> root? -> capabilities reduced (policy/monitor_caps.h) ->
 *   iscsid.conf -> worker account -> run directory and the workers' empty
 *   root -> pid file (a second iscsid stops here) -> background ->
 *   signals -> control socket -> sessions already up taken over ->
 *   automatic logins queued (monitor/autologin.h) -> ready -> the event
 *   loop.
 *
 * Stopping (SIGTERM, SIGINT, DAEMON_STOP): live workers are killed, the
 * socket and pid file removed. Sessions are not logged out: the kernel
 * keeps them, as with open-iscsi. */
#include <cap-ng.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "auth/audit.h"
#include "base/exitcodes.h"
#include "base/log.h"
#include "base/paths.h"
#include "monitor/autologin.h"
#include "monitor/control_server.h"
#include "monitor/daemon.h"
#include "monitor/monitor.h"
#include "monitor/pidfile.h"
#include "monitor/kernel_link.h"
#include "monitor/scan.h"
#include "monitor/sessions.h"
#include "monitor/signals.h"
#include "monitor/workers.h"
#include "policy/monitor_caps.h"
#include "privsep/sandbox.h"

void monitor_request_stop(struct monitor *m, const char *why)
{
	if (!m->stopping)
		log_info("stopping (%s); sessions stay logged in", why);
	m->stopping = true;
	loop_stop(m->loop);
}

static void log_settings(const struct monitor *m, const char *when)
{
	char group[128];

	settings_describe_group(&m->settings, group, sizeof(group));
	log_debug(1, "settings %s: max_workers=%u control_group=%s", when,
		  m->settings.max_workers, group);
}

void monitor_reload(struct monitor *m)
{
	struct iscsid_conf conf;
	struct monitor_settings s;
	char err[400];

	if (settings_load(m->opts.config_path, &conf, &s, err, sizeof(err)) < 0) {
		log_error("configuration not reloaded, the previous one stays: %s", err);
		return;
	}
	bool regroup = s.policy.has_reader_group != m->settings.policy.has_reader_group ||
		       s.policy.reader_gid != m->settings.policy.reader_gid;
	iscsid_conf_free(&m->conf);
	m->conf = conf;
	m->settings = s;
	log_settings(m, "reloaded");
	if (regroup)
		ctl_server_regroup(m);
	workers_pump(m);
}

static void log_capabilities(void)
{
	size_t n;
	const struct cap_grant *g = monitor_caps_table(&n);
	char kept[512] = "";
	size_t len = 0;

	if (log_debug_level() < 1)
		return;
	capng_get_caps_process();
	for (size_t i = 0; i < n; i++) {
		if (!capng_have_capability(CAPNG_EFFECTIVE, (unsigned)g[i].cap))
			continue;
		const char *name = capng_capability_to_name((unsigned)g[i].cap);
		int w = snprintf(kept + len, sizeof(kept) - len, "%s%s", len ? " " : "",
				 name ? name : "?");
		if (w > 0 && (size_t)w < sizeof(kept) - len)
			len += (size_t)w;
	}
	log_debug(1, "capabilities kept: %s", len ? kept : "(none)");
}

/* mkdir -p with mode for every component created. */
static int make_dirs(char *path, mode_t mode)
{
	for (char *p = path + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		int rc = mkdir(path, mode);
		*p = '/';
		if (rc < 0 && errno != EEXIST)
			return -1;
	}
	return mkdir(path, mode) < 0 && errno != EEXIST ? -1 : 0;
}

static int prepare_paths(struct monitor *m, char *pid_path, size_t pid_size, char *err,
			 size_t errlen)
{
	if (iscsi_path(m->run_dir, sizeof(m->run_dir), ISCSID_RUN_DIR) < 0 ||
	    iscsi_path(m->empty_dir, sizeof(m->empty_dir), SANDBOX_EMPTY_DIR) < 0 ||
	    snprintf(m->socket_path, sizeof(m->socket_path), "%s/%s", m->run_dir,
		     CTL_SOCKET_NAME) >= (int)sizeof(m->socket_path)) {
		snprintf(err, errlen, "run directory name too long");
		return -1;
	}
	int n = m->opts.pid_path ? snprintf(pid_path, pid_size, "%s", m->opts.pid_path)
				 : snprintf(pid_path, pid_size, "%s/%s", m->run_dir, ISCSID_PID_NAME);
	if (n < 0 || (size_t)n >= pid_size) {
		snprintf(err, errlen, "pid file name too long");
		return -1;
	}
	/* 0755: members of the control group must reach the socket. */
	if (make_dirs(m->run_dir, 0755) < 0) {
		snprintf(err, errlen, "creating %.300s: %s", m->run_dir, strerror(errno));
		return -1;
	}
	return sandbox_prepare_root(m->empty_dir, err, errlen);
}

/* Paths from the command line are used again after the daemon has moved
 * to "/" (SIGHUP, removing the pid file): make relative ones absolute. */
static int absolute(const char **path, char *buf, size_t size)
{
	char cwd[MONITOR_PATH_MAX];

	if (!*path || (*path)[0] == '/')
		return 0;
	if (!getcwd(cwd, sizeof(cwd)))
		return -1;
	int n = snprintf(buf, size, "%s/%s", cwd, *path);
	if (n < 0 || (size_t)n >= size)
		return -1;
	*path = buf;
	return 0;
}

static int fail(int code, const char *what, const char *why)
{
	log_error("%s%s%s", what, why ? ": " : "", why ? why : "");
	return code;
}

int main(int argc, char **argv)
{
	static struct monitor mon;
	struct monitor *m = &mon;
	struct pidfile pf = { .fd = -1 };
	char err[512], pid_path[MONITOR_PATH_MAX];
	int ready_fd = -1;

	log_init("iscsid", LOG_TO_STDERR, 0);
	switch (iscsid_opts_parse(argc, argv, &m->opts, stdout, err, sizeof(err))) {
	case OPTS_RUN:
		break;
	case OPTS_DONE:
		return 0;
	case OPTS_ERROR:
		fprintf(stderr, "iscsid: %s\nTry `iscsid --help' for more information.\n", err);
		return ISCSI_ERR_INVAL;
	}
	log_init("iscsid", LOG_TO_STDERR, m->opts.debug);
	audit_init("iscsid");
	static char abs_conf[MONITOR_PATH_MAX], abs_iname[MONITOR_PATH_MAX],
		abs_pid[MONITOR_PATH_MAX], abs_worker[MONITOR_PATH_MAX];
	if (absolute(&m->opts.config_path, abs_conf, sizeof(abs_conf)) < 0 ||
	    absolute(&m->opts.initiatorname_path, abs_iname, sizeof(abs_iname)) < 0 ||
	    absolute(&m->opts.pid_path, abs_pid, sizeof(abs_pid)) < 0 ||
	    absolute(&m->opts.worker_program, abs_worker, sizeof(abs_worker)) < 0)
		return fail(ISCSI_ERR_INVAL, "file name too long", NULL);
	if (geteuid() != 0)
		return fail(ISCSI_ERR_ACCESS, "iscsid must be started as root", NULL);
	umask(022);
	if (monitor_caps_restrict(err, sizeof(err)) < 0)
		return fail(ISCSI_ERR_ACCESS, "reducing capabilities", err);
	log_capabilities();

	if (settings_load(m->opts.config_path, &m->conf, &m->settings, err, sizeof(err)) < 0)
		return fail(ISCSI_ERR_INVAL, "configuration", err);
	log_settings(m, "loaded");
	if (iscsid_worker_account(&m->opts, &m->worker_uid, &m->worker_gid, err, sizeof(err)) < 0)
		return fail(ISCSI_ERR_INVAL, "worker account", err);
	log_debug(1, "workers run as uid %u gid %u", (unsigned)m->worker_uid,
		  (unsigned)m->worker_gid);
	if (prepare_paths(m, pid_path, sizeof(pid_path), err, sizeof(err)) < 0)
		return fail(ISCSI_ERR, "run directory", err);
	if (signals_block() < 0)
		return fail(ISCSI_ERR, "blocking signals", strerror(errno));

	int rc = pidfile_acquire(&pf, pid_path, err, sizeof(err));
	if (rc != 0)
		return fail(ISCSI_ERR, err, NULL);
	if (!m->opts.foreground) {
		ready_fd = daemon_start();
		if (ready_fd < 0) {
			pidfile_release(&pf);
			return fail(ISCSI_ERR, "daemonising", strerror(errno));
		}
		if (pidfile_update(&pf) < 0) {
			rc = fail(ISCSI_ERR, "writing the pid file", strerror(errno));
			goto out;
		}
	}

	m->started_ms = loop_now_ms();
	m->loop = loop_new();
	if (!m->loop || workers_init(m) < 0) {
		rc = fail(ISCSI_ERR_NOMEM, "out of memory", NULL);
		goto out;
	}
	if (signals_open(m) < 0) {
		rc = fail(ISCSI_ERR, "signalfd", strerror(errno));
		goto out;
	}
	if (ctl_server_open(m, err, sizeof(err)) < 0) {
		rc = fail(ISCSI_ERR, "control socket", err);
		goto out;
	}
	if (!m->opts.foreground)
		log_init("iscsid", LOG_TO_SYSLOG, m->opts.debug);
	/* Sessions an earlier iscsid left up are taken over before the
	 * first request, so a login cannot race them. */
	kernel_link_start(m);
	sessions_adopt(m);
	autologin_start(m, m->opts.autologin);
	daemon_ready(ready_fd, 0);
	ready_fd = -1;
	log_info("iscsid %s ready (pid %ld), control socket %s", ISCSID_VERSION, (long)getpid(),
		 m->socket_path);

	rc = loop_run(m->loop) < 0 ? ISCSI_ERR : 0;
out:
	m->stopping = true;
	workers_stop_all(m);
	scan_stop_all(m);
	sessions_forget_all(m);
	kernel_link_close(m);
	ctl_server_close(m);
	if (m->loop)
		signals_close(m);
	loop_free(m->loop);
	iscsid_conf_free(&m->conf);
	pidfile_release(&pf);
	daemon_ready(ready_fd, rc ? rc : ISCSI_ERR);
	if (rc == 0)
		log_info("iscsid stopped");
	return rc;
}
