#include "privsep/worker_chan.h"

#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "policy/worker_states.h"
#include "privsep/wire.h"

int worker_receive_job(int chan, enum worker_role role, enum msg_type want, struct msg *job,
		       char *why, size_t size)
{
	struct worker_track t;
	const char *field = NULL;

	worker_track_init(&t, role);
	worker_step(&t, MSG_HELLO, NULL);       /* already sent by worker_main */
	enum msg_err e = msg_recv(chan, MSG_BY_WORKER, job, &field);
	if (e != MSG_OK) {
		snprintf(why, size, "receiving the job: %s (%s)", msg_strerror(e),
			 field ? field : "frame");
		return -1;
	}
	if (worker_step(&t, job->type, NULL) != WORKER_ALLOW || job->type != want) {
		snprintf(why, size, "monitor sent %s instead of %s", msg_type_name(job->type),
			 msg_type_name(want));
		if (job->fd >= 0)
			close(job->fd);
		job->fd = -1;
		return -1;
	}
	return 0;
}

int worker_chan_ask(int chan, const struct msg *req, enum msg_type want, struct msg *reply,
		    uint64_t deadline_ms, char *why, size_t size)
{
	const char *field = NULL;

	if (msg_send(chan, MSG_BY_WORKER, req) != MSG_OK) {
		snprintf(why, size, "cannot send %s to the monitor", msg_type_name(req->type));
		return -1;
	}
	for (;;) {
		uint64_t now = wire_now_ms();
		if (now >= deadline_ms) {
			snprintf(why, size, "no %s from the monitor in time", msg_type_name(want));
			return -1;
		}
		struct pollfd p = { .fd = chan, .events = POLLIN };
		uint64_t left = deadline_ms - now;
		int n = poll(&p, 1, left > 60000 ? 60000 : (int)left);
		if (n < 0 && errno != EINTR) {
			snprintf(why, size, "poll: %s", strerror(errno));
			return -1;
		}
		if (n > 0)
			break;
	}
	enum msg_err e = msg_recv(chan, MSG_BY_WORKER, reply, &field);
	if (e != MSG_OK) {
		snprintf(why, size, "receiving %s: %s (%s)", msg_type_name(want), msg_strerror(e),
			 field ? field : "frame");
		return -1;
	}
	if (reply->type != want) {
		if (reply->fd >= 0)
			close(reply->fd);
		snprintf(why, size, "monitor sent %s instead of %s", msg_type_name(reply->type),
			 msg_type_name(want));
		return -1;
	}
	return 0;
}

void worker_send_log(int chan, enum msg_log_level level, const char *fmt, ...)
{
	struct msg m;
	va_list ap;

	msg_init(&m, MSG_LOG, 0);
	m.u.log.level = level;
	va_start(ap, fmt);
	vsnprintf(m.u.log.text, sizeof(m.u.log.text), fmt, ap);
	va_end(ap);
	if (m.u.log.text[0])
		msg_send(chan, MSG_BY_WORKER, &m);
}
