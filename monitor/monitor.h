/* The state of the running iscsid (one per process), shared by the
 * monitor's files: main.c (start-up and shut-down), loop.c, signals.c,
 * control_server.c (clients), requests.c (what each request does) and
 * workers.c (the bounded set of worker runs and their queue). */
#ifndef MONITOR_MONITOR_H
#define MONITOR_MONITOR_H

#include <stdbool.h>
#include <sys/types.h>

#include "monitor/loop.h"
#include "monitor/options.h"
#include "monitor/settings.h"
#include "records/config.h"

#define MONITOR_PATH_MAX 4096

struct ctl_server;
struct workers;
struct kern;
struct msession;

struct monitor {
	struct loop *loop;
	struct iscsid_opts opts;
	struct iscsid_conf conf;                /* whole iscsid.conf, reloaded on SIGHUP */
	struct monitor_settings settings;
	uid_t worker_uid;
	gid_t worker_gid;
	char run_dir[MONITOR_PATH_MAX];
	char empty_dir[MONITOR_PATH_MAX];       /* the workers' chroot */
	char socket_path[MONITOR_PATH_MAX];
	long long started_ms;
	struct ctl_server *ctl;
	struct workers *workers;
	/* NETLINK_ISCSI, opened at start when the kernel has iSCSI loaded,
	 * else at the first login (monitor/kernel_link.h). */
	struct kern *kern;
	struct loop_watch kern_watch;
	struct msession *sessions;      /* monitor/sessions.h */
	uint32_t isid_next;             /* ISID qualifier of the next new session */
	bool stopping;
};

/* Stops the loop; main() then shuts down cleanly. Sessions are not logged
 * out (open-iscsi's behaviour for SIGTERM: the kernel keeps them). */
void monitor_request_stop(struct monitor *m, const char *why);

/* Rereads iscsid.conf (SIGHUP). A file that no longer parses keeps the
 * previous settings, with an error logged. */
void monitor_reload(struct monitor *m);

#endif
