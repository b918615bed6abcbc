#include "adm/ops_batch.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>

#include "base/exitcodes.h"

struct slot {
	struct ctl_client *c;
	size_t call;            /* the call in flight */
	int busy;
};

static void complete(struct adm_call *calls, size_t i, const struct ctl_status *st,
		     adm_batch_done_fn done, void *arg)
{
	calls[i].st = *st;
	calls[i].done = 1;
	done(calls, i, arg);
}

/* Gives slot s the next call: connects when it has no connection, sends.
 * A call that cannot be sent completes at once with the reason. Returns
 * the next call index. */
static size_t start_next(struct slot *s, struct adm_call *calls, size_t next, size_t n,
			 adm_batch_done_fn done, void *arg)
{
	struct ctl_status st;

	while (next < n) {
		size_t i = next++;

		if (!s->c && ctl_connect(&s->c, &st) != 0) {
			complete(calls, i, &st, done, arg);
			continue;
		}
		if (ctl_request(s->c, &calls[i].req, &st) != 0) {
			ctl_close(s->c);
			s->c = NULL;
			complete(calls, i, &st, done, arg);
			continue;
		}
		s->call = i;
		s->busy = 1;
		break;
	}
	return next;
}

/* Reads one response on a readable slot. */
static void read_one(struct slot *s, struct adm_call *calls, adm_batch_done_fn done, void *arg)
{
	struct ctl_status st;
	struct ctl_msg resp;

	switch (ctl_next(s->c, &resp, &st)) {
	case CTL_NEXT_DATA:
		return;
	case CTL_NEXT_DONE:
		break;
	case CTL_NEXT_FAILED:
		ctl_close(s->c);
		s->c = NULL;
		break;
	}
	s->busy = 0;
	complete(calls, s->call, &st, done, arg);
}

void adm_batch_run(struct adm_call *calls, size_t n, size_t window, struct ctl_client *first,
		   adm_batch_done_fn done, void *arg)
{
	size_t nslots = window < n ? window : n, next = 0, busy;
	struct slot *slots = calloc(nslots ? nslots : 1, sizeof(*slots));
	struct pollfd *pfd = calloc(nslots ? nslots : 1, sizeof(*pfd));
	struct ctl_status st = { .code = ISCSI_ERR_NOMEM };

	if (!slots || !pfd) {
		strcpy(st.text, "out of memory");
		for (size_t i = 0; i < n; i++)
			complete(calls, i, &st, done, arg);
		goto out;
	}
	if (nslots)
		slots[0].c = first;
	else
		ctl_close(first);
	first = NULL;
	for (size_t k = 0; k < nslots; k++)
		next = start_next(&slots[k], calls, next, n, done, arg);
	for (;;) {
		busy = 0;
		for (size_t k = 0; k < nslots; k++) {
			pfd[k].fd = slots[k].busy ? ctl_client_fd(slots[k].c) : -1;
			pfd[k].events = POLLIN;
			pfd[k].revents = 0;
			busy += (size_t)slots[k].busy;
		}
		if (!busy)
			break;
		int r = poll(pfd, nslots, CTL_CLIENT_TIMEOUT_MS);
		if (r < 0 && errno == EINTR)
			continue;
		for (size_t k = 0; k < nslots; k++) {
			if (!slots[k].busy || (r > 0 && !pfd[k].revents))
				continue;
			if (r == 0) {
				/* iscsid itself is stuck: its own deadlines
				 * are all shorter than this. */
				ctl_close(slots[k].c);
				slots[k].c = NULL;
				slots[k].busy = 0;
				st.code = ISCSI_ERR_ISCSID_COMM_ERR;
				strcpy(st.text, "iscsid: no answer in time");
				complete(calls, slots[k].call, &st, done, arg);
			} else {
				/* r < 0 too: ctl_next() reports the error. */
				read_one(&slots[k], calls, done, arg);
			}
			if (!slots[k].busy)
				next = start_next(&slots[k], calls, next, n, done, arg);
		}
	}
out:
	for (size_t k = 0; slots && k < nslots; k++)
		ctl_close(slots[k].c);
	ctl_close(first);
	free(slots);
	free(pfd);
}
