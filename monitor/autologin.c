#include "monitor/autologin.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "monitor/control_server.h"
#include "monitor/login_admit.h"
#include "monitor/monitor.h"
#include "monitor/options.h"
#include "monitor/sessions.h"
#include "monitor/workers.h"
#include "proto/names.h"
#include "records/db.h"

/* How long reading the records at start may wait for iscsiadm's lock. */
#define AUTOLOGIN_DB_LOCK_TIMEOUT_MS 3000
/* The job queue is filled up to here, so that iscsiadm's requests still
 * find room while many records log in. */
#define AUTOLOGIN_QUEUE_FILL (WORKERS_QUEUE_MAX - CTL_MAX_CLIENTS)

bool autologin_selects(unsigned which, const char *startup, const char *conn_startup)
{
	static const struct {
		unsigned bit;
		const char *value;
	} values[] = {
		{ ISCSID_AUTOLOGIN_AUTOMATIC, "automatic" },
		{ ISCSID_AUTOLOGIN_ONBOOT, "onboot" },
	};

	for (size_t i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
		if (!(which & values[i].bit))
			continue;
		if ((startup && !strcmp(startup, values[i].value)) ||
		    (conn_startup && !strcmp(conn_startup, values[i].value)))
			return true;
	}
	return false;
}

/* Is target logged in by another record than v[self]: a normal one
 * anywhere, or a leading one before it? */
static bool target_taken(const struct autologin_item *v, size_t n, size_t self)
{
	for (size_t j = 0; j < n; j++)
		if (j != self && (!v[j].leading || j < self) && v[j].to_start > 0 &&
		    iscsi_name_equal(v[j].req.target_name, v[self].req.target_name))
			return true;
	return false;
}

unsigned autologin_plan(struct autologin_item *v, size_t n)
{
	unsigned total = 0;

	for (size_t i = 0; i < n; i++) {
		unsigned wanted = v[i].wanted ? v[i].wanted : 1;
		v[i].to_start = v[i].present < wanted ? wanted - v[i].present : 0;
	}
	/* One session per target for leading-login records: none when the
	 * target has one, or gets one from another record. */
	for (size_t i = 0; i < n; i++)
		if (v[i].leading && v[i].to_start && (v[i].target_up || target_taken(v, n, i)))
			v[i].to_start = 0;
	for (size_t i = 0; i < n; i++)
		total += v[i].to_start;
	return total;
}

/* ---- reading the records ---- */

struct selection {
	unsigned which;
	struct autologin_item *v;
	size_t n, cap;
	bool nomem;
};

static int collect(const struct rec *r, void *arg)
{
	struct selection *s = arg;
	struct rec_key k;
	long long nr;

	if (!autologin_selects(s->which, rec_get(r, "node.startup"),
			       rec_get(r, "node.conn[0].startup")))
		return 0;
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 16;
		struct autologin_item *v = reallocarray(s->v, cap, sizeof(*v));
		if (!v) {
			s->nomem = true;
			return 1;
		}
		s->v = v;
		s->cap = cap;
	}
	struct autologin_item *it = &s->v[s->n++];
	memset(it, 0, sizeof(*it));
	rec_key_of(r, &k);
	snprintf(it->req.target_name, sizeof(it->req.target_name), "%s", k.target);
	snprintf(it->req.address, sizeof(it->req.address), "%s", k.addr);
	it->req.port = (uint16_t)k.port;
	snprintf(it->req.iface, sizeof(it->req.iface), "%s", k.iface);
	it->wanted = rec_get_int(r, "node.session.nr_sessions", &nr) == 0 && nr >= 1 &&
				     nr <= 0xffff
			     ? (unsigned)nr
			     : 1;
	const char *lead = rec_get(r, "node.leading_login");
	it->leading = lead && !strcmp(lead, "Yes");
	return 0;
}

static int read_selection(struct selection *s, char *err, size_t errlen)
{
	struct rec_filter f = rec_filter_all(REC_NODE);
	struct rec_err rerr = { 0 };
	struct recdb *db;

	if (recdb_open(NULL, &db, &rerr) < 0) {
		snprintf(err, errlen, "%s", rerr.msg);
		return -1;
	}
	recdb_set_lock_timeout(db, AUTOLOGIN_DB_LOCK_TIMEOUT_MS);
	int rc = recdb_foreach(db, &f, collect, s, &rerr);
	recdb_close(db);
	if (rc < 0) {
		snprintf(err, errlen, "%s", rerr.msg);
		return -1;
	}
	if (s->nomem) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	return 0;
}

static bool target_up(struct monitor *m, const char *target)
{
	for (const struct msession *s = m->sessions; s; s = s->next)
		if (iscsi_name_equal(s->target_name, target))
			return true;
	return false;
}

/* ---- queueing ---- */

/* The logins still to queue, one entry per session; the monitor's, one
 * per process. */
static struct {
	struct autologin_item *v;
	size_t n, next;
	unsigned left;                  /* of v[next] */
} backlog;

static void backlog_free(void)
{
	free(backlog.v);
	memset(&backlog, 0, sizeof(backlog));
}

void autologin_feed(struct monitor *m)
{
	while (backlog.v && !m->stopping && workers_queued(m) < AUTOLOGIN_QUEUE_FILL) {
		if (backlog.left == 0) {
			if (++backlog.next >= backlog.n) {
				log_debug(1, "automatic login: every login queued");
				backlog_free();
				return;
			}
			backlog.left = backlog.v[backlog.next].to_start;
			continue;
		}
		backlog.left--;
		const struct autologin_item *it = &backlog.v[backlog.next];
		login_admit_request(m, NULL, &it->req, it->wanted);
	}
}

static void describe(const struct autologin_item *it)
{
	const struct ctl_login *r = &it->req;

	if (it->to_start)
		log_info("automatic login of %s at %s,%u (iface %s): %u session%s to make",
			 r->target_name, r->address, r->port, r->iface, it->to_start,
			 it->to_start == 1 ? "" : "s");
	else if (it->leading && it->present < it->wanted)
		log_info("automatic login of %s at %s,%u (iface %s): not needed, leading login: its target has a session or gets one from another record",
			 r->target_name, r->address, r->port, r->iface);
	else
		log_info("automatic login of %s at %s,%u (iface %s): not needed, %u of %u session%s up",
			 r->target_name, r->address, r->port, r->iface, it->present, it->wanted,
			 it->wanted == 1 ? "" : "s");
}

void autologin_start(struct monitor *m, unsigned which)
{
	struct selection s = { .which = which };
	char err[512];

	if (!which)
		return;
	if (read_selection(&s, err, sizeof(err)) < 0) {
		log_error("automatic login: the node records could not be read: %s", err);
		free(s.v);
		return;
	}
	for (size_t i = 0; i < s.n; i++) {
		struct autologin_item *it = &s.v[i];
		it->present = login_admit_sessions(m, it->req.target_name, it->req.address,
						   it->req.port, it->req.iface);
		it->target_up = target_up(m, it->req.target_name);
	}
	unsigned total = autologin_plan(s.v, s.n);
	const char *values = which == ISCSID_AUTOLOGIN_ONBOOT ? "onboot"
			     : which & ISCSID_AUTOLOGIN_ONBOOT ? "automatic or onboot"
							       : "automatic";
	log_info("automatic login: %zu record%s with node.startup %s, %u session%s to make", s.n,
		 s.n == 1 ? "" : "s", values, total, total == 1 ? "" : "s");
	for (size_t i = 0; i < s.n; i++)
		describe(&s.v[i]);
	if (total == 0) {
		free(s.v);
		return;
	}
	backlog_free();
	backlog.v = s.v;
	backlog.n = s.n;
	backlog.next = 0;
	backlog.left = s.v[0].to_start;
	autologin_feed(m);
}
