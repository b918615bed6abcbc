#include "privsep/worker_chan.h"

#include <stdarg.h>
#include <stdio.h>
#include <unistd.h>

#include "policy/worker_states.h"

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
