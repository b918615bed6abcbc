#include "login/retry.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/exitcodes.h"
#include "base/log.h"
#include "login/offer.h"
#include "records/portal.h"

struct login_retry {
	struct login_params p;          /* strings below; creds NULL */
	char *address, *netdev, *root, *program;
	struct chap_creds creds;        /* a copy goes to each attempt */
	struct login_retry_policy pol;
	struct login_run *run;          /* the attempt under way, or the last one */
	unsigned attempts;
	bool waiting, done;
	uint64_t next_at;               /* waiting: the next attempt */
	uint64_t started_ms;
	/* A permanent redirect seen by an attempt: where the next go. */
	bool moved;
	char moved_host[LOGIN_ADDR_MAX];
	uint16_t moved_port;
	struct login_retry_log log;
	struct login_run_result res;
};

uint32_t login_retry_backoff_ms(const struct login_retry_policy *p, unsigned failed)
{
	uint64_t d = p->backoff_initial_ms ? p->backoff_initial_ms : LOGIN_RETRY_BACKOFF_INITIAL_MS;
	uint64_t max = p->backoff_max_ms ? p->backoff_max_ms : LOGIN_RETRY_BACKOFF_MAX_MS;

	for (unsigned i = 1; i < failed && d < max; i++)
		d *= 2;
	return (uint32_t)(d < max ? d : max);
}

static int get_int(const struct rec *node, const char *key, long long lo, long long hi,
		   long long *out, char *msg, size_t size)
{
	if (rec_get_int(node, key, out) < 0) {
		snprintf(msg, size, "record has no integer %s", key);
		return ISCSI_ERR_INVAL;
	}
	if (*out < lo || *out > hi) {
		snprintf(msg, size, "%s = %lld is out of range %lld..%lld", key, *out, lo, hi);
		return ISCSI_ERR_INVAL;
	}
	return 0;
}

int login_retry_policy_from_record(const struct rec *node, enum login_retry_purpose purpose,
				   uint64_t now, struct login_retry_policy *out, char *msg,
				   size_t size)
{
	long long timeout_s, n;
	int rc;

	memset(out, 0, sizeof(*out));
	if ((rc = get_int(node, "node.conn[0].timeo.login_timeout", 1, LOGIN_OFFER_TIMEOUT_MAX_S,
			  &timeout_s, msg, size)))
		return rc;
	if (purpose == LOGIN_RETRY_INITIAL) {
		if ((rc = get_int(node, "node.session.initial_login_retry_max", -(1LL << 31),
				  (1LL << 31) - 1, &n, msg, size)))
			return rc;
		/* open-iscsi takes any integer; fewer than one attempt
		 * would be no login at all. */
		if (n < 1)
			n = 1;
		out->max_attempts = (unsigned)n;
		out->give_up_ms = now + (uint64_t)n * (uint64_t)timeout_s * 1000u;
		return 0;
	}
	if ((rc = get_int(node, "node.session.reopen_max", -(1LL << 31), (1LL << 31) - 1, &n, msg,
			  size)))
		return rc;
	out->max_attempts = n > 0 ? (unsigned)n : 0;
	if ((rc = get_int(node, "node.session.iscsi.DefaultTime2Wait", 0, 3600, &n, msg, size)))
		return rc;
	out->first_delay_ms = (uint32_t)n * 1000u;
	return 0;
}

enum login_retry_say login_retry_log_failure(struct login_retry_log *l, uint64_t now)
{
	l->failures++;
	if (l->failures <= LOGIN_RETRY_LOG_EACH) {
		l->quiet = 0;
		l->last_line_ms = now;
		return LOGIN_RETRY_SAY_ATTEMPT;
	}
	l->quiet++;
	if (now - l->last_line_ms >= LOGIN_RETRY_LOG_SUMMARY_MS)
		return LOGIN_RETRY_SAY_SUMMARY;
	return LOGIN_RETRY_SAY_NOTHING;
}

void login_retry_log_said(struct login_retry_log *l, uint64_t now)
{
	l->quiet = 0;
	l->last_line_ms = now;
}

/* Whether a failed attempt may be tried again. The list repeats what
 * the driver's retryable flag already says for these codes, so that a
 * driver change cannot make an authentication failure hammer a target. */
static bool worth_retrying(const struct login_run_result *r)
{
	switch (r->code) {
	case ISCSI_ERR_INVAL:
	case ISCSI_ERR_FATAL_LOGIN:
	case ISCSI_ERR_LOGIN_AUTH_FAILED:
	case ISCSI_ERR_CHILD_TERMINATED:
		return false;
	default:
		return r->retryable;
	}
}

static void where(const struct login_retry *t, char *out, size_t size)
{
	portal_format(t->moved ? t->moved_host : t->address, t->moved ? t->moved_port : t->p.port,
		      out, size);
}

static enum login_progress end(struct login_retry *t, const struct login_run_result *last)
{
	t->res = *last;
	if (t->moved && !t->res.moved) {
		t->res.moved = true;
		snprintf(t->res.moved_host, sizeof(t->res.moved_host), "%s", t->moved_host);
		t->res.moved_port = t->moved_port;
	}
	chap_creds_wipe(&t->creds);
	t->waiting = false;
	t->done = true;
	return LOGIN_RUN_DONE;
}

/* The attempt is DONE: succeed, give up, or wait for the next one. */
static enum login_progress attempt_ended(struct login_retry *t)
{
	const struct login_run_result *r = login_run_result(t->run);
	uint64_t now = login_now_ms();
	char secs[32];
	const char *target = t->p.offer.target_name;
	char portal[LOGIN_ADDR_MAX + 8];

	if (r->moved) {
		t->moved = true;
		snprintf(t->moved_host, sizeof(t->moved_host), "%s", r->moved_host);
		t->moved_port = r->moved_port;
	}
	snprintf(secs, sizeof(secs), "%llu.%llu s", (unsigned long long)(now - t->started_ms) / 1000,
		 (unsigned long long)(now - t->started_ms) % 1000 / 100);
	portal_format(r->connected_host, r->connected_port, portal, sizeof(portal));
	if (r->code == ISCSI_SUCCESS) {
		if (t->attempts > 1)
			log_info("login to %s at %s: logged in at attempt %u, after %s",
				 target, portal, t->attempts, secs);
		return end(t, r);
	}
	if (!worth_retrying(r)) {
		if (t->attempts > 1)
			log_warn("login to %s at %s: attempt %u failed (%d), not retried: %s",
				 target, portal, t->attempts, r->code, r->message);
		return end(t, r);
	}
	uint64_t next = now + login_retry_backoff_ms(&t->pol, t->attempts);
	bool out_of_attempts = t->pol.max_attempts && t->attempts >= t->pol.max_attempts;
	if (out_of_attempts || (t->pol.give_up_ms && next >= t->pol.give_up_ms)) {
		log_warn("login to %s at %s: giving up after %u attempt%s in %s (%s): %s",
			 target, portal, t->attempts, t->attempts == 1 ? "" : "s", secs,
			 out_of_attempts ? "attempt limit" : "time limit", r->message);
		enum login_progress done = end(t, r);
		/* open-iscsi's code for a portal never reached in time. */
		if (t->res.code == ISCSI_ERR_TRANS)
			t->res.code = ISCSI_ERR_TRANS_TIMEOUT;
		return done;
	}
	switch (login_retry_log_failure(&t->log, now)) {
	case LOGIN_RETRY_SAY_ATTEMPT:
		log_warn("login to %s at %s: attempt %u failed (%d): %s; next in %llu ms", target,
			 portal, t->attempts, r->code, r->message,
			 (unsigned long long)(next - now));
		break;
	case LOGIN_RETRY_SAY_SUMMARY:
		log_warn("login to %s at %s: %u more attempts failed (%u in %s); last (%d): %s",
			 target, portal, t->log.quiet, t->attempts, secs, r->code, r->message);
		login_retry_log_said(&t->log, now);
		break;
	case LOGIN_RETRY_SAY_NOTHING:
		break;
	}
	t->waiting = true;
	t->next_at = next;
	return LOGIN_RUN_PENDING;
}

static enum login_progress start_attempt(struct login_retry *t)
{
	struct login_params p = t->p;
	struct chap_creds copy = t->creds;
	char portal[LOGIN_ADDR_MAX + 8];

	login_run_free(t->run);
	t->waiting = false;
	if (t->moved) {
		p.address = t->moved_host;
		p.port = t->moved_port;
	}
	p.creds = &copy;                /* the run takes and wipes the copy */
	t->run = login_run_start(&p);
	chap_creds_wipe(&copy);
	if (!t->run) {
		struct login_run_result oom = { .code = ISCSI_ERR_NOMEM, .redirect_tpgt = -1 };
		snprintf(oom.message, sizeof(oom.message), "out of memory");
		return end(t, &oom);
	}
	t->attempts++;
	where(t, portal, sizeof(portal));
	log_debug(1, "login to %s at %s: attempt %u", t->p.offer.target_name, portal, t->attempts);
	return login_run_done(t->run) ? attempt_ended(t) : LOGIN_RUN_PENDING;
}

static char *dup_opt(const char *s)
{
	return s ? strdup(s) : NULL;
}

struct login_retry *login_retry_start(const struct login_params *params,
				      const struct login_retry_policy *policy)
{
	struct login_retry *t = calloc(1, sizeof(*t));

	if (!t) {
		if (params->creds)
			chap_creds_wipe(params->creds);
		return NULL;
	}
	t->p = *params;
	if (params->creds) {
		t->creds = *params->creds;
		chap_creds_wipe(params->creds);
	}
	t->p.creds = NULL;
	t->pol = *policy;
	t->address = dup_opt(params->address);
	t->netdev = dup_opt(params->netdev);
	t->root = dup_opt(params->worker_root);
	t->program = dup_opt(params->worker_program);
	if ((params->address && !t->address) || (params->netdev && !t->netdev) ||
	    (params->worker_root && !t->root) || (params->worker_program && !t->program)) {
		login_retry_free(t);
		return NULL;
	}
	t->p.address = t->address;
	t->p.netdev = t->netdev;
	t->p.worker_root = t->root;
	t->p.worker_program = t->program;
	t->started_ms = login_now_ms();
	if (policy->first_delay_ms) {
		t->waiting = true;
		t->next_at = t->started_ms + policy->first_delay_ms;
		return t;
	}
	start_attempt(t);
	return t;
}

int login_retry_fd(const struct login_retry *t, short *events)
{
	*events = 0;
	if (t->done || t->waiting || !t->run)
		return -1;
	return login_run_fd(t->run, events);
}

uint64_t login_retry_deadline(const struct login_retry *t)
{
	if (t->done)
		return 0;
	if (t->waiting || !t->run)
		return t->next_at;
	return login_run_deadline(t->run);
}

enum login_progress login_retry_on_ready(struct login_retry *t)
{
	if (t->done)
		return LOGIN_RUN_DONE;
	if (t->waiting || !t->run)
		return LOGIN_RUN_PENDING;
	if (login_run_on_ready(t->run) == LOGIN_RUN_DONE || login_run_done(t->run))
		return attempt_ended(t);
	return LOGIN_RUN_PENDING;
}

enum login_progress login_retry_on_timeout(struct login_retry *t)
{
	if (t->done)
		return LOGIN_RUN_DONE;
	if (t->waiting) {
		if (login_now_ms() < t->next_at)
			return LOGIN_RUN_PENDING;
		return start_attempt(t);
	}
	if (login_run_on_timeout(t->run) == LOGIN_RUN_DONE || login_run_done(t->run))
		return attempt_ended(t);
	return LOGIN_RUN_PENDING;
}

bool login_retry_done(const struct login_retry *t)
{
	return t->done;
}

pid_t login_retry_worker_pid(const struct login_retry *t)
{
	return t->done || t->waiting || !t->run ? 0 : login_run_worker_pid(t->run);
}

const struct login_run_result *login_retry_result(const struct login_retry *t)
{
	return t->done ? &t->res : NULL;
}

unsigned login_retry_attempts(const struct login_retry *t)
{
	return t->attempts;
}

int login_retry_take_socket(struct login_retry *t)
{
	if (!t->done || t->res.code != ISCSI_SUCCESS || !t->run)
		return -1;
	return login_run_take_socket(t->run);
}

void login_retry_free(struct login_retry *t)
{
	if (!t)
		return;
	login_run_free(t->run);
	chap_creds_wipe(&t->creds);
	free(t->address);
	free(t->netdev);
	free(t->root);
	free(t->program);
	free(t);
}

int login_retry_blocking(const struct login_params *params, const struct login_retry_policy *policy,
			 struct login_run_result *out, int *sock)
{
	struct login_retry *t = login_retry_start(params, policy);

	if (sock)
		*sock = -1;
	memset(out, 0, sizeof(*out));
	if (!t) {
		out->code = ISCSI_ERR_NOMEM;
		snprintf(out->message, sizeof(out->message), "out of memory");
		return out->code;
	}
	while (!login_retry_done(t)) {
		short events;
		struct pollfd pfd = { .fd = login_retry_fd(t, &events) };
		uint64_t now = login_now_ms(), until = login_retry_deadline(t);
		int wait = until > now ? (int)(until - now > 60000 ? 60000 : until - now) : 0;

		pfd.events = events;
		int n = poll(&pfd, pfd.fd >= 0 ? 1 : 0, wait);
		if (n < 0 && errno != EINTR) {
			int e = errno;
			login_retry_free(t);
			out->code = ISCSI_ERR_INTERNAL;
			snprintf(out->message, sizeof(out->message), "poll: %s", strerror(e));
			return out->code;
		}
		if (n > 0)
			login_retry_on_ready(t);
		else
			login_retry_on_timeout(t);
	}
	*out = *login_retry_result(t);
	if (sock)
		*sock = login_retry_take_socket(t);
	login_retry_free(t);
	return out->code;
}
