/* login/retry.h: the back-off schedule, the log rate limit, open-iscsi's
 * retry settings read from a node record, and the attempts themselves
 * against a loopback port that refuses (no worker is ever spawned: every
 * attempt fails at the connect). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "base/exitcodes.h"
#include "base/log.h"
#include "login/retry.h"
#include "records/record.h"

static void default_backoff_doubles_to_four_seconds(void **state)
{
	struct login_retry_policy p = { 0 };
	static const uint32_t want[] = { 1000, 2000, 4000, 4000, 4000 };

	(void)state;
	for (unsigned i = 0; i < 5; i++)
		assert_int_equal(login_retry_backoff_ms(&p, i + 1), want[i]);
	assert_int_equal(login_retry_backoff_ms(&p, 1000000), 4000);
	assert_int_equal(login_retry_backoff_ms(&p, 0), 1000);
}

static void custom_backoff(void **state)
{
	struct login_retry_policy p = { .backoff_initial_ms = 100, .backoff_max_ms = 1000 };
	static const uint32_t want[] = { 100, 200, 400, 800, 1000, 1000 };

	(void)state;
	for (unsigned i = 0; i < 6; i++)
		assert_int_equal(login_retry_backoff_ms(&p, i + 1), want[i]);
	/* No overflow however many failures. */
	p.backoff_initial_ms = 3000000000u;
	p.backoff_max_ms = 4000000000u;
	assert_int_equal(login_retry_backoff_ms(&p, 1), 3000000000u);
	assert_int_equal(login_retry_backoff_ms(&p, 40), 4000000000u);
	/* A first wait above the cap is the cap. */
	p.backoff_initial_ms = 5000;
	p.backoff_max_ms = 2000;
	assert_int_equal(login_retry_backoff_ms(&p, 1), 2000);
}

static void log_first_three_then_summaries(void **state)
{
	struct login_retry_log l = { 0 };
	uint64_t t = 1000000;

	(void)state;
	for (unsigned i = 0; i < LOGIN_RETRY_LOG_EACH; i++)
		assert_int_equal(login_retry_log_failure(&l, t + i * 1000), LOGIN_RETRY_SAY_ATTEMPT);
	uint64_t last = t + 2000;
	/* Quiet until 30 s after the last line. */
	unsigned n = 0;
	for (uint64_t now = last + 4000; now < last + LOGIN_RETRY_LOG_SUMMARY_MS; now += 4000) {
		assert_int_equal(login_retry_log_failure(&l, now), LOGIN_RETRY_SAY_NOTHING);
		n++;
	}
	assert_int_equal(n, 7);
	assert_int_equal(login_retry_log_failure(&l, last + LOGIN_RETRY_LOG_SUMMARY_MS),
			 LOGIN_RETRY_SAY_SUMMARY);
	assert_int_equal(l.quiet, 8);   /* the quiet ones and this one */
	assert_int_equal(l.failures, 11);
	login_retry_log_said(&l, last + LOGIN_RETRY_LOG_SUMMARY_MS);
	assert_int_equal(l.quiet, 0);
	last += LOGIN_RETRY_LOG_SUMMARY_MS;
	assert_int_equal(login_retry_log_failure(&l, last + 29999), LOGIN_RETRY_SAY_NOTHING);
	assert_int_equal(login_retry_log_failure(&l, last + 30000), LOGIN_RETRY_SAY_SUMMARY);
	assert_int_equal(l.quiet, 2);
}

static void log_slow_failures_each_get_a_summary(void **state)
{
	struct login_retry_log l = { 0 };

	(void)state;
	for (unsigned i = 0; i < 3; i++)
		login_retry_log_failure(&l, 0);
	/* Attempts a minute apart (long connect timeouts): each reported. */
	for (unsigned i = 1; i <= 3; i++) {
		assert_int_equal(login_retry_log_failure(&l, i * 60000ull), LOGIN_RETRY_SAY_SUMMARY);
		assert_int_equal(l.quiet, 1);
		login_retry_log_said(&l, i * 60000ull);
	}
}

static struct rec *node_with(const char *const *kv)
{
	struct rec_err err;
	struct rec *n = rec_new(REC_NODE);

	assert_non_null(n);
	for (; kv && kv[0]; kv += 2)
		assert_int_equal(rec_set(n, kv[0], kv[1], &err), 0);
	return n;
}

static void initial_policy_from_iscsid_conf_defaults(void **state)
{
	static const char *const conf[] = { "node.session.initial_login_retry_max", "8",
					    "node.conn[0].timeo.login_timeout", "15", NULL };
	struct login_retry_policy p;
	char msg[256];
	struct rec *n = node_with(conf);

	(void)state;
	assert_int_equal(login_retry_policy_from_record(n, LOGIN_RETRY_INITIAL, 5000, &p, msg,
							sizeof(msg)), 0);
	assert_int_equal(p.max_attempts, 8);
	assert_int_equal(p.give_up_ms, 5000 + 120000);  /* 8 x 15 s */
	assert_int_equal(p.first_delay_ms, 0);
	assert_int_equal(p.backoff_initial_ms, 0);      /* the defaults */
	assert_int_equal(p.backoff_max_ms, 0);
	rec_free(n);
}

static void initial_policy_from_builtin_defaults(void **state)
{
	struct login_retry_policy p;
	char msg[256];
	struct rec *n = node_with(NULL);

	(void)state;
	/* open-iscsi's compiled defaults: 4 retries, 30 s login timeout. */
	assert_int_equal(login_retry_policy_from_record(n, LOGIN_RETRY_INITIAL, 0, &p, msg,
							sizeof(msg)), 0);
	assert_int_equal(p.max_attempts, 4);
	assert_int_equal(p.give_up_ms, 120000);
	rec_free(n);
}

static void initial_policy_zero_retries_is_one_attempt(void **state)
{
	static const char *const zero[] = { "node.session.initial_login_retry_max", "0",
					    "node.conn[0].timeo.login_timeout", "7", NULL };
	struct login_retry_policy p;
	char msg[256];
	struct rec *n = node_with(zero);

	(void)state;
	assert_int_equal(login_retry_policy_from_record(n, LOGIN_RETRY_INITIAL, 100, &p, msg,
							sizeof(msg)), 0);
	assert_int_equal(p.max_attempts, 1);
	assert_int_equal(p.give_up_ms, 100 + 7000);
	rec_free(n);
}

static void reopen_policy(void **state)
{
	static const char *const unbounded[] = { "node.session.reopen_max", "0", NULL };
	static const char *const bounded[] = { "node.session.reopen_max", "150",
					       "node.session.iscsi.DefaultTime2Wait", "5", NULL };
	struct login_retry_policy p;
	char msg[256];
	struct rec *n = node_with(unbounded);

	(void)state;
	assert_int_equal(login_retry_policy_from_record(n, LOGIN_RETRY_REOPEN, 100, &p, msg,
							sizeof(msg)), 0);
	assert_int_equal(p.max_attempts, 0);            /* no limit */
	assert_int_equal(p.give_up_ms, 0);              /* the caller's (replacement_timeout) */
	assert_int_equal(p.first_delay_ms, 2000);       /* DefaultTime2Wait 2 */
	rec_free(n);
	n = node_with(bounded);
	assert_int_equal(login_retry_policy_from_record(n, LOGIN_RETRY_REOPEN, 100, &p, msg,
							sizeof(msg)), 0);
	assert_int_equal(p.max_attempts, 150);
	assert_int_equal(p.first_delay_ms, 5000);
	rec_free(n);
}

static void policy_refuses_bad_login_timeout(void **state)
{
	static const char *const zero[] = { "node.conn[0].timeo.login_timeout", "0", NULL };
	static const char *const huge[] = { "node.conn[0].timeo.login_timeout", "4000", NULL };
	struct login_retry_policy p;
	char msg[256];
	struct rec *n = node_with(zero);

	(void)state;
	assert_int_equal(login_retry_policy_from_record(n, LOGIN_RETRY_INITIAL, 0, &p, msg,
							sizeof(msg)), ISCSI_ERR_INVAL);
	assert_string_equal(msg, "node.conn[0].timeo.login_timeout = 0 is out of range 1..3600");
	rec_free(n);
	n = node_with(huge);
	assert_int_equal(login_retry_policy_from_record(n, LOGIN_RETRY_REOPEN, 0, &p, msg,
							sizeof(msg)), ISCSI_ERR_INVAL);
	assert_non_null(strstr(msg, "login_timeout = 4000"));
	rec_free(n);
	/* Not a node record: no such keys. */
	n = rec_new(REC_IFACE);
	assert_non_null(n);
	assert_int_equal(login_retry_policy_from_record(n, LOGIN_RETRY_INITIAL, 0, &p, msg,
							sizeof(msg)), ISCSI_ERR_INVAL);
	assert_string_equal(msg, "record has no integer node.conn[0].timeo.login_timeout");
	rec_free(n);
}

/* A loopback port bound but not listening: every connect is refused,
 * and nobody else can take the port while we hold it. */
static int refusing_port(uint16_t *port)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	socklen_t len = sizeof(sa);
	int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	assert_true(s >= 0);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(s, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(getsockname(s, (struct sockaddr *)&sa, &len), 0);
	*port = ntohs(sa.sin_port);
	return s;
}

static void params_for(struct login_params *p, const char *address, uint16_t port)
{
	memset(p, 0, sizeof(*p));
	login_config_default(&p->offer, NEG_SESSION_NORMAL);
	snprintf(p->offer.initiator_name, sizeof(p->offer.initiator_name),
		 "iqn.2005-03.org.open-iscsi:unit");
	snprintf(p->offer.target_name, sizeof(p->offer.target_name), "iqn.2001-04.com.example:t");
	p->offer.isid[2] = 0x3d;
	p->address = address;
	p->port = port;
	p->worker_root = "/nonexistent";
	p->worker_program = "/nonexistent/iscsi-worker";
	p->connect_timeout_ms = 2000;
}

/* Drives t to the end as an event loop would; returns the time taken. */
static uint64_t drive(struct login_retry *t)
{
	uint64_t t0 = login_now_ms();

	while (!login_retry_done(t)) {
		short events;
		struct pollfd pfd = { .fd = login_retry_fd(t, &events) };
		uint64_t now = login_now_ms(), until = login_retry_deadline(t);

		pfd.events = events;
		if (pfd.fd < 0)
			assert_int_equal(login_retry_worker_pid(t), 0);
		if (poll(&pfd, pfd.fd >= 0 ? 1 : 0, until > now ? (int)(until - now) : 0) > 0)
			login_retry_on_ready(t);
		else
			login_retry_on_timeout(t);
	}
	return login_now_ms() - t0;
}

static void refused_portal_gives_up_after_max_attempts(void **state)
{
	struct login_params p;
	uint16_t port;
	int hold = refusing_port(&port);
	struct login_retry_policy pol = { .max_attempts = 3, .backoff_initial_ms = 40,
					  .backoff_max_ms = 1000 };

	(void)state;
	params_for(&p, "127.0.0.1", port);
	struct login_retry *t = login_retry_start(&p, &pol);
	assert_non_null(t);
	uint64_t took = drive(t);
	const struct login_run_result *r = login_retry_result(t);
	assert_non_null(r);
	assert_int_equal(login_retry_attempts(t), 3);
	/* 4 (refused) becomes 8 once the attempts are used up. */
	assert_int_equal(r->code, ISCSI_ERR_TRANS_TIMEOUT);
	assert_non_null(strstr(r->message, "refused"));
	assert_true(took >= 40 + 80);
	assert_true(took < 2000);
	assert_int_equal(login_retry_take_socket(t), -1);
	login_retry_free(t);
	close(hold);
}

static void give_up_time_stops_the_next_attempt(void **state)
{
	struct login_params p;
	uint16_t port;
	int hold = refusing_port(&port);
	struct login_retry_policy pol = { .give_up_ms = login_now_ms() + 150,
					  .backoff_initial_ms = 100, .backoff_max_ms = 1000 };

	(void)state;
	params_for(&p, "127.0.0.1", port);
	struct login_retry *t = login_retry_start(&p, &pol);
	assert_non_null(t);
	uint64_t took = drive(t);
	/* Attempts at 0 and 100 ms; the third would start at 300 ms. */
	assert_int_equal(login_retry_attempts(t), 2);
	assert_int_equal(login_retry_result(t)->code, ISCSI_ERR_TRANS_TIMEOUT);
	assert_true(took >= 100 && took < 300);
	login_retry_free(t);
	close(hold);
}

static void final_failures_are_not_retried(void **state)
{
	struct login_params p;
	struct login_retry_policy pol = { .max_attempts = 5, .backoff_initial_ms = 10 };

	(void)state;
	params_for(&p, "not-an-address", 3260);
	struct login_retry *t = login_retry_start(&p, &pol);
	assert_non_null(t);
	/* Failed at once, and for good. */
	assert_true(login_retry_done(t));
	assert_int_equal(login_retry_attempts(t), 1);
	assert_int_equal(login_retry_result(t)->code, ISCSI_ERR_INVAL);
	login_retry_free(t);

	/* A bad offer is final too. */
	params_for(&p, "127.0.0.1", 3260);
	p.offer.timeout_ms = 0;
	t = login_retry_start(&p, &pol);
	assert_non_null(t);
	drive(t);
	assert_int_equal(login_retry_attempts(t), 1);
	assert_int_equal(login_retry_result(t)->code, ISCSI_ERR_INVAL);
	login_retry_free(t);
}

static void first_delay_waits_without_a_descriptor(void **state)
{
	struct login_params p;
	uint16_t port;
	int hold = refusing_port(&port);
	struct login_retry_policy pol = { .max_attempts = 1, .first_delay_ms = 80 };
	short events = 1;

	(void)state;
	params_for(&p, "127.0.0.1", port);
	uint64_t t0 = login_now_ms();
	struct login_retry *t = login_retry_start(&p, &pol);
	assert_non_null(t);
	assert_false(login_retry_done(t));
	assert_int_equal(login_retry_fd(t, &events), -1);
	assert_int_equal(events, 0);
	assert_true(login_retry_deadline(t) >= t0 + 80 && login_retry_deadline(t) <= t0 + 100);
	assert_null(login_retry_result(t));
	assert_int_equal(login_retry_attempts(t), 0);
	/* Woken early: still waiting. */
	assert_int_equal(login_retry_on_timeout(t), LOGIN_RUN_PENDING);
	assert_int_equal(login_retry_on_ready(t), LOGIN_RUN_PENDING);
	assert_int_equal(login_retry_attempts(t), 0);
	drive(t);
	assert_true(login_now_ms() - t0 >= 80);
	assert_int_equal(login_retry_attempts(t), 1);
	assert_int_equal(login_retry_result(t)->code, ISCSI_ERR_TRANS_TIMEOUT);
	login_retry_free(t);
	close(hold);
}

static void credentials_are_taken_and_wiped(void **state)
{
	struct login_params p;
	struct chap_creds c = { .mode = LOGIN_AUTH_CHAP, .secret_len = 12 };
	static const struct chap_creds zero;
	struct login_retry_policy pol = { .max_attempts = 2, .backoff_initial_ms = 10 };
	struct login_run_result out;
	uint16_t port;
	int hold = refusing_port(&port), sock = 5;

	(void)state;
	snprintf(c.username, sizeof(c.username), "user");
	memcpy(c.secret, "twelve bytes", 12);
	params_for(&p, "127.0.0.1", port);
	p.creds = &c;
	assert_int_equal(login_retry_blocking(&p, &pol, &out, &sock), ISCSI_ERR_TRANS_TIMEOUT);
	assert_memory_equal(&c, &zero, sizeof(c));
	assert_int_equal(sock, -1);
	assert_int_equal(out.code, ISCSI_ERR_TRANS_TIMEOUT);
	assert_int_equal(out.auth.mode, LOGIN_AUTH_CHAP);
	assert_string_equal(out.connected_host, "127.0.0.1");
	assert_int_equal(out.connected_port, port);
	assert_int_equal(out.redirects, 0);
	assert_false(out.moved);
	close(hold);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(default_backoff_doubles_to_four_seconds),
		cmocka_unit_test(custom_backoff),
		cmocka_unit_test(log_first_three_then_summaries),
		cmocka_unit_test(log_slow_failures_each_get_a_summary),
		cmocka_unit_test(initial_policy_from_iscsid_conf_defaults),
		cmocka_unit_test(initial_policy_from_builtin_defaults),
		cmocka_unit_test(initial_policy_zero_retries_is_one_attempt),
		cmocka_unit_test(reopen_policy),
		cmocka_unit_test(policy_refuses_bad_login_timeout),
		cmocka_unit_test(refused_portal_gives_up_after_max_attempts),
		cmocka_unit_test(give_up_time_stops_the_next_attempt),
		cmocka_unit_test(final_failures_are_not_retried),
		cmocka_unit_test(first_delay_waits_without_a_descriptor),
		cmocka_unit_test(credentials_are_taken_and_wiped),
	};
	log_init("test_login_retry", LOG_TO_STDERR, 0);
	return cmocka_run_group_tests_name("login_retry", tests, NULL, NULL);
}
