#include "monitor/kernel_link.h"

#include <poll.h>
#include <stdio.h>
#include <stdlib.h>

#include "base/log.h"
#include "kernel/iscsi_nl.h"
#include "kernel/sysfs.h"
#include "monitor/monitor.h"
#include "monitor/sessions.h"

/* Events handled per wake-up before the loop gets a turn: a storm of
 * connection errors must not starve the control socket. */
#define EVENTS_PER_TURN 64

static void on_kernel(struct loop_watch *w, short revents)
{
	struct monitor *m = (struct monitor *)((char *)w - offsetof(struct monitor, kern_watch));
	static struct kern_event ev;    /* 8 KiB: not on the stack every turn */
	(void)revents;

	for (int i = 0; i < EVENTS_PER_TURN && m->kern; i++) {
		int rc = kern_next_event(m->kern, &ev);
		if (rc == 0)
			return;
		if (rc < 0) {
			log_error("NETLINK_ISCSI: %s; reopening the socket", kern_strerror(m->kern));
			kernel_link_close(m);
			char err[256];
			if (!kernel_link(m, err, sizeof(err)))
				log_error("NETLINK_ISCSI: %s", err);
			return;
		}
		sessions_on_kernel_event(m, &ev);
	}
}

struct kern *kernel_link(struct monitor *m, char *err, size_t errlen)
{
	if (m->kern)
		return m->kern;
	int rc = kern_open(&m->kern, "tcp", err, errlen);
	if (rc < 0) {
		m->kern = NULL;
		return NULL;
	}
	m->kern_watch.fd = kern_fd(m->kern);
	m->kern_watch.events = POLLIN;
	m->kern_watch.on_event = on_kernel;
	loop_watch_add(m->loop, &m->kern_watch);
	log_debug(1, "NETLINK_ISCSI open, transport tcp handle %llu",
		  (unsigned long long)kern_transport_handle(m->kern));
	return m->kern;
}

void kernel_link_start(struct monitor *m)
{
	char err[256];

	if (!ksys_iscsi_loaded())
		return;
	if (!kernel_link(m, err, sizeof(err)))
		log_warn("iSCSI is loaded but NETLINK_ISCSI could not be opened: %s", err);
}

void kernel_link_close(struct monitor *m)
{
	if (!m->kern)
		return;
	loop_watch_del(m->loop, &m->kern_watch);
	kern_close(m->kern);
	m->kern = NULL;
}
