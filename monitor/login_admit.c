#include "monitor/login_admit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "kernel/sysfs.h"
#include "monitor/autologin.h"
#include "monitor/control_server.h"
#include "monitor/login_job.h"
#include "monitor/monitor.h"
#include "monitor/sessions.h"
#include "proto/names.h"
#include "records/db.h"
#include "records/portal.h"

/* How long reading nr_sessions may wait for iscsiadm's database lock. */
#define WANTED_DB_LOCK_TIMEOUT_MS 3000
/* Sessions sysfs shows for one target that the count looks at. */
#define SYSFS_KEYS_MAX 64

/* A held LOGIN. */
struct held {
	struct held *next;
	struct ctl_peer *peer;          /* NULL: iscsid's own */
	struct ctl_login req;
	unsigned wanted;
	long long since_ms;
};

/* The held requests, in the order they came, and the one timer that
 * decides them again; the monitor's, one per process like its loop. */
static struct {
	struct monitor *m;
	struct held *head;
	unsigned count;
	struct loop_timer timer;
	bool armed;
	long long due_ms;
} held;

enum login_verdict login_admit_decide(unsigned sessions, unsigned in_flight, unsigned wanted,
				      bool one_more)
{
	if (one_more)
		return LOGIN_START;
	if (wanted < 1)
		wanted = 1;
	if (sessions >= wanted)
		return LOGIN_REFUSE;
	if (sessions + in_flight >= wanted)
		return LOGIN_WAIT;
	return LOGIN_START;
}

/* Addresses compare as numbers ("::1" is "0:0::1"). */
static bool same_address(const char *a, const char *b)
{
	char na[REC_ADDR_MAX], nb[REC_ADDR_MAX];

	if (strcmp(a, b) == 0)
		return true;
	return addr_normalize(a, na, sizeof(na)) == 0 && addr_normalize(b, nb, sizeof(nb)) == 0 &&
	       strcmp(na, nb) == 0;
}

static bool in_table(struct monitor *m, uint32_t sid)
{
	for (const struct msession *s = m->sessions; s; s = s->next)
		if (s->sid == sid)
			return true;
	return false;
}

unsigned login_admit_sessions(struct monitor *m, const char *target, const char *address,
			      uint16_t port, const char *iface)
{
	unsigned n = 0;

	for (const struct msession *s = m->sessions; s; s = s->next)
		n += iscsi_name_equal(s->target_name, target) && s->port == port &&
		     same_address(s->address, address) && strcmp(s->iface, iface) == 0;
	struct ksys_session_key *keys = calloc(SYSFS_KEYS_MAX, sizeof(*keys));
	char err[256];
	if (!keys)
		return n;
	int k = ksys_sessions_of_target(target, keys, SYSFS_KEYS_MAX, err, sizeof(err));
	for (int i = 0; i < k; i++) {
		const char *kif = keys[i].iface_name[0] ? keys[i].iface_name : "default";
		n += !in_table(m, keys[i].sid) && keys[i].persistent_port == port &&
		     same_address(keys[i].persistent_address, address) && strcmp(kif, iface) == 0;
	}
	free(keys);
	return n;
}

static int note_wanted(const struct rec *r, void *arg)
{
	long long nr;

	if (rec_get_int(r, "node.session.nr_sessions", &nr) == 0 && nr >= 1 && nr <= 0xffff)
		*(unsigned *)arg = (unsigned)nr;
	else
		*(unsigned *)arg = 1;
	return 1;
}

unsigned login_admit_wanted(const struct ctl_login *req)
{
	struct recdb *db;
	struct rec_err rerr = { 0 };
	struct rec_filter f = {
		.kind = REC_NODE,
		.target = req->target_name,
		.addr = req->address,
		.port = req->port,
		.tpgt = REC_TPGT_ANY,
		.iface = req->iface,
	};
	unsigned wanted = 0;

	if (recdb_open(NULL, &db, &rerr) < 0)
		return 0;
	recdb_set_lock_timeout(db, WANTED_DB_LOCK_TIMEOUT_MS);
	if (recdb_foreach(db, &f, note_wanted, &wanted, &rerr) < 0)
		wanted = 0;
	recdb_close(db);
	return wanted;
}

static void refuse(struct ctl_peer *p, const struct ctl_login *req, unsigned wanted,
		   unsigned sessions)
{
	if (p)
		log_info("login to %s at %s,%u refused: %u of %u sessions present", req->target_name,
			 req->address, req->port, sessions, wanted);
	else
		log_info("login to %s at %s,%u not started: %u of %u sessions present",
			 req->target_name, req->address, req->port, sessions, wanted);
	ctl_peer_finish(p, ISCSI_ERR_SESS_EXISTS, "%s: %u session%s requested, but %u already present.",
			req->iface, wanted, wanted == 1 ? "" : "s", sessions);
}

static void on_timer(struct loop_timer *t);

static void arm(struct monitor *m, long long due_ms)
{
	held.m = m;
	held.timer.on_expire = on_timer;
	if (held.armed && held.due_ms <= due_ms)
		return;
	loop_timer_arm(m->loop, &held.timer, due_ms);
	held.armed = true;
	held.due_ms = due_ms;
}

static void append(struct held *h)
{
	struct held **tail = &held.head;

	while (*tail)
		tail = &(*tail)->next;
	h->next = NULL;
	*tail = h;
	held.count++;
}

/* The client of a held request disconnected. */
static void held_gone(void *arg)
{
	struct held *h = arg;

	for (struct held **pp = &held.head; *pp; pp = &(*pp)->next) {
		if (*pp == h) {
			*pp = h->next;
			held.count--;
			break;
		}
	}
	log_debug(1, "held login to %s at %s,%u dropped: its client left", h->req.target_name,
		  h->req.address, h->req.port);
	free(h);
}

static void hold(struct monitor *m, struct ctl_peer *p, const struct ctl_login *req,
		 unsigned wanted, unsigned sessions, unsigned in_flight)
{
	struct held *h = calloc(1, sizeof(*h));

	if (!h) {
		ctl_peer_finish(p, ISCSI_ERR_NOMEM, "iscsid: out of memory");
		return;
	}
	h->peer = p;
	h->req = *req;
	h->wanted = wanted;
	h->since_ms = loop_now_ms();
	append(h);
	if (p)
		ctl_peer_link(p, h, held_gone);
	log_info("login to %s at %s,%u (iface %s) waits: %u session%s present, %u login%s under way, %u wanted",
		 req->target_name, req->address, req->port, req->iface, sessions,
		 sessions == 1 ? "" : "s", in_flight, in_flight == 1 ? "" : "s", wanted);
	arm(m, loop_now_ms() + LOGIN_ADMIT_RECHECK_MS);
}

/* Decides req now: true when it was started or refused, false when it
 * is to be held. */
static bool decide(struct monitor *m, struct ctl_peer *p, const struct ctl_login *req,
		   unsigned *wanted, unsigned *sessions, unsigned *in_flight)
{
	bool one_more = req->flags & CTL_LOGIN_F_NEW;

	*sessions = *in_flight = 0;
	if (!one_more) {
		*in_flight = login_job_count(m, req);
		*sessions = login_admit_sessions(m, req->target_name, req->address, req->port,
						 req->iface);
		/* The record is read only when there is something to count
		 * against its nr_sessions. */
		if (*sessions + *in_flight > 0 && *wanted == 0)
			*wanted = login_admit_wanted(req);
		/* Unreadable: the job says what is wrong with the record. */
		if (*sessions + *in_flight > 0 && *wanted == 0) {
			login_job_start(m, p, req);
			return true;
		}
	}
	switch (login_admit_decide(*sessions, *in_flight, *wanted, one_more)) {
	case LOGIN_START:
		login_job_start(m, p, req);
		return true;
	case LOGIN_REFUSE:
		refuse(p, req, *wanted, *sessions);
		return true;
	case LOGIN_WAIT:
		break;
	}
	return false;
}

void login_admit_request(struct monitor *m, struct ctl_peer *p, const struct ctl_login *req,
			 unsigned wanted)
{
	unsigned sessions, in_flight;

	if (!decide(m, p, req, &wanted, &sessions, &in_flight))
		hold(m, p, req, wanted, sessions, in_flight);
}

/* Every held request again, in order: each one started is a login under
 * way that the next ones count. */
static void recheck_held(struct monitor *m)
{
	struct held *list = held.head;

	held.head = NULL;
	held.count = 0;
	while (list) {
		struct held *h = list;
		unsigned sessions, in_flight;

		list = h->next;
		/* Unlinked first: a job started for it links its client. */
		if (h->peer)
			ctl_peer_link(h->peer, NULL, NULL);
		if (!m->stopping && decide(m, h->peer, &h->req, &h->wanted, &sessions, &in_flight)) {
			log_debug(1, "held login to %s at %s,%u decided after %lld ms",
				  h->req.target_name, h->req.address, h->req.port,
				  loop_now_ms() - h->since_ms);
			free(h);
			continue;
		}
		append(h);
		if (h->peer)
			ctl_peer_link(h->peer, h, held_gone);
	}
}

static void on_timer(struct loop_timer *t)
{
	struct monitor *m = held.m;

	(void)t;
	held.armed = false;
	if (m->stopping)
		return;
	recheck_held(m);
	autologin_feed(m);
	if (held.head)
		arm(m, loop_now_ms() + LOGIN_ADMIT_RECHECK_MS);
}

void login_admit_job_ended(struct monitor *m)
{
	arm(m, loop_now_ms());
}

unsigned login_admit_held(void)
{
	return held.count;
}
