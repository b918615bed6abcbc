#include "policy/worker_states.h"

#include <stddef.h>
#include <string.h>

#define IN(s) (1u << (s))
#define STAY WS_COUNT           /* next state: unchanged */
#define ONCE true
#define MANY false

struct worker_rule {
	enum worker_role role;
	unsigned states;        /* IN(state) | ...: where the message is allowed */
	enum msg_type type;
	enum worker_state next;
	bool once;              /* at most once in the worker's life */
};

/* Each role is a straight line: NEW -HELLO-> READY -job-> RUNNING
 * -result-> DONE, with one optional CHAP detour between RUNNING and the
 * result: CHAP_CHALLENGE -> (monitor) CHAP_ANSWER -> AUTHED, and for
 * mutual CHAP CHAP_VERIFY -> (monitor) CHAP_VERDICT -> AUTHED. Each CHAP
 * message is allowed once, so a worker cannot collect a second response
 * from the monitor. Whether a job needed CHAP at all (and got it done
 * before its result) is the drivers' check (auth/chap_holder.h); the
 * table only knows the order. LOG is allowed until the final message;
 * after it the worker has nothing more to say. Rows for messages the
 * monitor sends let both sides walk the same table. */
#define LIVE (IN(WS_NEW) | IN(WS_READY) | IN(WS_RUNNING) | IN(WS_CHAP_ASKED) | IN(WS_AUTHED) | \
	      IN(WS_VERIFY_ASKED))
/* Where a worker may end its job. A failure may also come while it
 * waits for the monitor (its own deadline passed). */
#define WORKING (IN(WS_RUNNING) | IN(WS_AUTHED))
#define ENDING (WORKING | IN(WS_CHAP_ASKED) | IN(WS_VERIFY_ASKED))
#define CHAP_ROWS(role)                                                                     \
	{ role, IN(WS_RUNNING),      MSG_CHAP_CHALLENGE, WS_CHAP_ASKED,   ONCE },           \
	{ role, IN(WS_CHAP_ASKED),   MSG_CHAP_ANSWER,    WS_AUTHED,       ONCE },           \
	{ role, IN(WS_AUTHED),       MSG_CHAP_VERIFY,    WS_VERIFY_ASKED, ONCE },           \
	{ role, IN(WS_VERIFY_ASKED), MSG_CHAP_VERDICT,   WS_AUTHED,       ONCE }

static const struct worker_rule rules[] = {
	/* role            states            message           next        */
	{ ROLE_DISCOVERY, IN(WS_NEW),       MSG_HELLO,        WS_READY,   ONCE },
	{ ROLE_DISCOVERY, LIVE,             MSG_LOG,          STAY,       MANY },
	{ ROLE_DISCOVERY, IN(WS_READY),     MSG_DISC_START,   WS_RUNNING, ONCE },
	CHAP_ROWS(ROLE_DISCOVERY),
	{ ROLE_DISCOVERY, WORKING,          MSG_DISC_RECORDS, STAY,       MANY },
	{ ROLE_DISCOVERY, WORKING,          MSG_DISC_DONE,    WS_DONE,    ONCE },
	{ ROLE_DISCOVERY, ENDING,           MSG_DISC_ERROR,   WS_DONE,    ONCE },

	{ ROLE_LOGIN,     IN(WS_NEW),       MSG_HELLO,        WS_READY,   ONCE },
	{ ROLE_LOGIN,     LIVE,             MSG_LOG,          STAY,       MANY },
	{ ROLE_LOGIN,     IN(WS_READY),     MSG_LOGIN_START,  WS_RUNNING, ONCE },
	CHAP_ROWS(ROLE_LOGIN),
	{ ROLE_LOGIN,     WORKING,          MSG_LOGIN_DONE,   WS_DONE,    ONCE },
	{ ROLE_LOGIN,     ENDING,           MSG_LOGIN_ERROR,  WS_DONE,    ONCE },

	/* One PDU in, one answer out; no CHAP, no descriptor. */
	{ ROLE_PDU,       IN(WS_NEW),       MSG_HELLO,        WS_READY,   ONCE },
	{ ROLE_PDU,       LIVE,             MSG_LOG,          STAY,       MANY },
	{ ROLE_PDU,       IN(WS_READY),     MSG_PDU_DECODE,   WS_RUNNING, ONCE },
	{ ROLE_PDU,       IN(WS_RUNNING),   MSG_PDU_ASYNC,    WS_DONE,    ONCE },
	{ ROLE_PDU,       IN(WS_RUNNING),   MSG_PDU_LOGOUT_RSP, WS_DONE,  ONCE },
	{ ROLE_PDU,       IN(WS_RUNNING),   MSG_PDU_ERROR,    WS_DONE,    ONCE },
};

void worker_track_init(struct worker_track *t, enum worker_role role)
{
	memset(t, 0, sizeof(*t));
	t->role = role;
	t->state = WS_NEW;
}

const char *worker_state_name(enum worker_state s)
{
	static const char *const names[WS_COUNT] = {
		[WS_NEW] = "new",
		[WS_READY] = "ready",
		[WS_RUNNING] = "running",
		[WS_CHAP_ASKED] = "chap-asked",
		[WS_AUTHED] = "authed",
		[WS_VERIFY_ASKED] = "verify-asked",
		[WS_DONE] = "done",
	};

	return (unsigned)s < WS_COUNT ? names[s] : "invalid";
}

enum worker_verdict worker_step(struct worker_track *t, enum msg_type type, const char **why)
{
	const char *dummy;
	int idx = msg_type_index(type);

	if (!why)
		why = &dummy;
	*why = NULL;
	if (idx < 0) {
		*why = "undeclared message type";
		return WORKER_KILL;
	}
	if ((unsigned)t->state >= WS_COUNT) {
		*why = "worker in an invalid state";
		return WORKER_KILL;
	}
	if (t->once_seen[idx]) {
		*why = "one-shot message repeated";
		return WORKER_KILL;
	}
	for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++) {
		const struct worker_rule *r = &rules[i];
		if (r->role != t->role || r->type != type || !(r->states & IN(t->state)))
			continue;
		if (r->once)
			t->once_seen[idx] = true;
		if (r->next != STAY)
			t->state = r->next;
		return WORKER_ALLOW;
	}
	*why = "message not allowed for this role in this state";
	return WORKER_KILL;
}
