#include "privsep/pdu_worker.h"

#include <stdio.h>
#include <string.h>

#include "privsep/msg.h"
#include "privsep/worker_chan.h"
#include "proto/session_pdu.h"

static void to_async(const struct session_pdu *d, struct msg_pdu_async *a)
{
	a->event = d->event;
	a->vcode = d->vcode;
	a->param1 = d->param1;
	a->param2 = d->param2;
	a->param3 = d->param3;
	a->sense_len = d->sense_len;
	a->event_data_len = d->event_data_len;
	a->sense_valid = d->sense_valid;
	a->sense_key = d->sense_key;
	a->asc = d->asc;
	a->ascq = d->ascq;
}

int pdu_worker_run(int chan)
{
	struct msg job, answer;
	struct session_pdu d;
	char why[256];

	if (worker_receive_job(chan, ROLE_PDU, MSG_PDU_DECODE, &job, why, sizeof(why)) < 0) {
		worker_send_log(chan, MSG_LOG_ERROR, "%s", why);
		return 1;
	}
	const struct msg_pdu_decode *in = &job.u.pdu_decode;
	if (session_pdu_decode(in->pdu, in->pdu_len, &d, why, sizeof(why)) < 0) {
		msg_init(&answer, MSG_PDU_ERROR, job.peer);
		snprintf(answer.u.pdu_error.reason, sizeof(answer.u.pdu_error.reason), "%s",
			 why[0] ? why : "refused");
	} else if (d.kind == SESSION_PDU_LOGOUT_RSP) {
		msg_init(&answer, MSG_PDU_LOGOUT_RSP, job.peer);
		answer.u.pdu_logout_rsp.response = d.response;
		answer.u.pdu_logout_rsp.time2wait = d.time2wait;
		answer.u.pdu_logout_rsp.time2retain = d.time2retain;
	} else {
		msg_init(&answer, MSG_PDU_ASYNC, job.peer);
		to_async(&d, &answer.u.pdu_async);
	}
	return msg_send(chan, MSG_BY_WORKER, &answer) == MSG_OK ? 0 : 1;
}
