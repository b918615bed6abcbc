/* The pure rules of iscsiadm's login, logout, rescan and stats
 * (adm/ops_plan.h): -L/-U arguments and node.startup matching, session
 * selection, the exit code of a batch, and the exact lines open-iscsi
 * 2.1.8 prints. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "adm/ops_plan.h"
#include "base/exitcodes.h"

static void startup_args(void **state)
{
	enum adm_startup m;

	(void)state;
	assert_int_equal(adm_startup_parse("all", false, &m), 0);
	assert_int_equal(m, ADM_STARTUP_ALL);
	assert_int_equal(adm_startup_parse("onboot", false, &m), 0);
	assert_int_equal(m, ADM_STARTUP_ONBOOT);
	assert_int_equal(adm_startup_parse("automatic", true, &m), 0);
	assert_int_equal(m, ADM_STARTUP_AUTOMATIC);
	assert_int_equal(adm_startup_parse("manual", true, &m), 0);
	/* -U refuses onboot, as open-iscsi does; nothing else is a mode. */
	assert_int_equal(adm_startup_parse("onboot", true, &m), -1);
	assert_int_equal(adm_startup_parse("All", false, &m), -1);
	assert_int_equal(adm_startup_parse("", false, &m), -1);
	assert_int_equal(adm_startup_parse(NULL, false, &m), -1);
}

static void startup_matching(void **state)
{
	(void)state;
	/* -L all takes onboot records too. */
	assert_true(adm_startup_match(ADM_STARTUP_ALL, "onboot", "manual"));
	assert_true(adm_startup_match(ADM_STARTUP_AUTOMATIC, "automatic", "manual"));
	assert_false(adm_startup_match(ADM_STARTUP_AUTOMATIC, "manual", "manual"));
	/* node.conn[0].startup selects as well. */
	assert_true(adm_startup_match(ADM_STARTUP_AUTOMATIC, "manual", "automatic"));
	assert_true(adm_startup_match(ADM_STARTUP_ONBOOT, "manual", "onboot"));
	/* -U never logs out an onboot record's session. */
	assert_false(adm_logoutall_match(ADM_STARTUP_ALL, "onboot", "manual"));
	assert_false(adm_logoutall_match(ADM_STARTUP_MANUAL, "onboot", "manual"));
	assert_true(adm_logoutall_match(ADM_STARTUP_ALL, "automatic", "automatic"));
	assert_true(adm_logoutall_match(ADM_STARTUP_MANUAL, "automatic", "manual"));
	assert_false(adm_logoutall_match(ADM_STARTUP_AUTOMATIC, "manual", "manual"));
}

static struct ksys_session sess(uint32_t sid, const char *target, const char *addr, int port,
				const char *iface)
{
	struct ksys_session s;

	memset(&s, 0, sizeof(s));
	s.sid = sid;
	strcpy(s.target_name, target);
	strcpy(s.persistent_address, addr);
	s.persistent_port = (uint16_t)port;
	strcpy(s.address, addr);
	s.port = (uint16_t)port;
	strcpy(s.iface_name, iface);
	return s;
}

static void session_selection(void **state)
{
	struct ksys_session v[4];
	struct ksys_sessions ss = { .count = 4, .items = v };
	struct adm_session_filter any = { .sid = ADM_SID_ANY };
	struct rec_key k = { .kind = REC_NODE, .target = "iqn.2001-05.com.example:t1",
			     .addr = "::1", .port = 3260, .tpgt = 1, .iface = "default" };

	(void)state;
	v[0] = sess(1, "iqn.2001-05.com.example:t1", "127.0.0.1", 3260, "default");
	v[1] = sess(2, "iqn.2001-05.com.example:t1", "0:0::1", 3260, "default");
	v[2] = sess(3, "iqn.2001-05.com.example:t1", "::1", 3260, "iface0");
	v[3] = sess(7, "iqn.2001-05.com.example:t2", "::1", 3261, "default");
	for (int i = 0; i < 4; i++)
		assert_true(adm_session_match(&any, &v[i]));

	struct adm_session_filter f = { .target = "iqn.2001-05.com.example:t1", .sid = ADM_SID_ANY };
	assert_true(adm_session_match(&f, &v[0]));
	assert_false(adm_session_match(&f, &v[3]));
	/* iqn. names are compared as stored (nameprep'd), byte for byte. */
	struct adm_session_filter upper = { .target = "iqn.2001-05.com.example:T1", .sid = ADM_SID_ANY };
	assert_false(adm_session_match(&upper, &v[0]));
	f.addr = "::1";
	assert_false(adm_session_match(&f, &v[0]));
	assert_true(adm_session_match(&f, &v[1]));      /* addresses normalised */
	f.iface = "iface0";
	assert_false(adm_session_match(&f, &v[1]));
	assert_true(adm_session_match(&f, &v[2]));
	struct adm_session_filter port = { .port = 3261, .sid = ADM_SID_ANY };
	assert_true(adm_session_match(&port, &v[3]));
	assert_false(adm_session_match(&port, &v[0]));
	struct adm_session_filter one = { .sid = 7 };
	assert_true(adm_session_match(&one, &v[3]));
	assert_false(adm_session_match(&one, &v[0]));

	/* A record's sessions: same target, persistent portal and iface. */
	assert_int_equal(adm_sessions_of_record(&k, &ss), 1);
	strcpy(k.iface, "iface0");
	assert_int_equal(adm_sessions_of_record(&k, &ss), 1);
	k.port = 3262;
	assert_int_equal(adm_sessions_of_record(&k, &ss), 0);
	assert_true(adm_target_has_session("iqn.2001-05.com.example:t2", &ss));
	assert_false(adm_target_has_session("iqn.2001-05.com.example:t3", &ss));
}

static void batch_exit_codes(void **state)
{
	(void)state;
	/* login: the first refusal, else the first failed answer. */
	int pre1[] = { 0, 15, 0, 20 }, res1[] = { 8, 0, 5, 0 };
	assert_int_equal(adm_login_batch_rc(pre1, res1, 4), 15);
	int pre2[] = { 0, 0, 0 }, res2[] = { 0, 8, 24 };
	assert_int_equal(adm_login_batch_rc(pre2, res2, 3), 8);
	int pre3[] = { 0, 0 }, res3[] = { 0, 0 };
	assert_int_equal(adm_login_batch_rc(pre3, res3, 2), 0);
	int pre4[] = { 15, 15 }, res4[] = { 0, 0 };
	assert_int_equal(adm_login_batch_rc(pre4, res4, 2), ISCSI_ERR_SESS_EXISTS);
	assert_int_equal(adm_login_batch_rc(pre4, res4, 0), 0);
	/* logout: the first refusal, else the LAST failed answer. */
	int pre5[] = { 0, 0, 0 }, res5[] = { 10, 0, 18 };
	assert_int_equal(adm_logout_batch_rc(pre5, res5, 3), 18);
	int pre6[] = { 0, 20, 0 }, res6[] = { 10, 0, 0 };
	assert_int_equal(adm_logout_batch_rc(pre6, res6, 3), 20);
	/* Nothing could be sent: open-iscsi's "no matching sessions". */
	int pre7[] = { 20, 20 }, res7[] = { 0, 0 };
	assert_int_equal(adm_logout_batch_rc(pre7, res7, 2), ISCSI_ERR_NO_OBJS_FOUND);
	assert_int_equal(adm_logout_batch_rc(pre7, res7, 0), ISCSI_ERR_NO_OBJS_FOUND);
}

/* iscsiadm asks for the sessions a record lacks of its nr_sessions. */
static void logins_wanted(void **state)
{
	(void)state;
	assert_int_equal(adm_logins_wanted(1, 0), 1);
	assert_int_equal(adm_logins_wanted(1, 1), 0);
	assert_int_equal(adm_logins_wanted(2, 0), 2);
	assert_int_equal(adm_logins_wanted(2, 1), 1);
	assert_int_equal(adm_logins_wanted(2, 2), 0);
	assert_int_equal(adm_logins_wanted(2, 5), 0);
	assert_int_equal(adm_logins_wanted(1024, 24), 1000);
	/* A record without a usable value wants one, as its default. */
	assert_int_equal(adm_logins_wanted(0, 0), 1);
	assert_int_equal(adm_logins_wanted(-3, 1), 0);
}

static void lines(void **state)
{
	struct rec_key k = { .kind = REC_NODE, .target = "iqn.2001-05.com.example:t1",
			     .addr = "2001:db8::1", .port = 3260, .tpgt = 1, .iface = "default" };
	struct ksys_session s = sess(12, "iqn.2001-05.com.example:t1", "10.0.0.1", 3260, "default");
	char b[512];

	(void)state;
	adm_fmt_login_start(b, sizeof(b), &k, false);
	assert_string_equal(b, "Logging in to [iface: default, target: iqn.2001-05.com.example:t1, "
			       "portal: 2001:db8::1,3260]");
	/* One of several sessions of the record (nr_sessions > 1, -o new). */
	adm_fmt_login_start(b, sizeof(b), &k, true);
	assert_string_equal(b, "Logging in to [iface: default, target: iqn.2001-05.com.example:t1, "
			       "portal: 2001:db8::1,3260] (multiple)");
	adm_fmt_login_ok(b, sizeof(b), &k);
	assert_string_equal(b, "Login to [iface: default, target: iqn.2001-05.com.example:t1, "
			       "portal: 2001:db8::1,3260] successful.");
	adm_fmt_login_fail(b, sizeof(b), &k);
	assert_string_equal(b, "Could not login to [iface: default, target: "
			       "iqn.2001-05.com.example:t1, portal: 2001:db8::1,3260].");
	adm_fmt_already_present(b, sizeof(b), "default", 1, 1);
	assert_string_equal(b, "default: 1 session requested, but 1 already present.");
	adm_fmt_already_present(b, sizeof(b), "iface0", 2, 3);
	assert_string_equal(b, "iface0: 2 sessions requested, but 3 already present.");
	adm_fmt_logout_start(b, sizeof(b), &s);
	assert_string_equal(b, "Logging out of session [sid: 12, target: "
			       "iqn.2001-05.com.example:t1, portal: 10.0.0.1,3260]");
	adm_fmt_logout_ok(b, sizeof(b), &s);
	assert_string_equal(b, "Logout of [sid: 12, target: iqn.2001-05.com.example:t1, "
			       "portal: 10.0.0.1,3260] successful.");
	adm_fmt_logout_fail(b, sizeof(b), &s);
	assert_string_equal(b, "Could not logout of [sid: 12, target: "
			       "iqn.2001-05.com.example:t1, portal: 10.0.0.1,3260].");
	adm_fmt_rescan_start(b, sizeof(b), &s);
	assert_string_equal(b, "Rescanning session [sid: 12, target: "
			       "iqn.2001-05.com.example:t1, portal: 10.0.0.1,3260]");
	/* The connection's port is printed; the persistent one when unknown. */
	s.port = 3261;
	adm_fmt_stats_head(b, sizeof(b), &s);
	assert_string_equal(b, "Stats for session [sid: 12, target: "
			       "iqn.2001-05.com.example:t1, portal: 10.0.0.1,3261]");
	s.port = 0;
	assert_int_equal(adm_session_port(&s), 3260);
	adm_fmt_initiator_error(b, sizeof(b), 15);
	assert_string_equal(b, "initiator reported error (15 - session exists)");
	adm_fmt_initiator_error(b, sizeof(b), 20);
	assert_string_equal(b, "initiator reported error (20 - could not connect to iscsid)");
	adm_fmt_initiator_error(b, sizeof(b), 99);
	assert_string_equal(b, "initiator reported error (99)");
	/* Truncation keeps the buffer terminated. */
	char small[16];
	adm_fmt_login_start(small, sizeof(small), &k, true);
	assert_string_equal(small, "Logging in to [");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(startup_args),
		cmocka_unit_test(startup_matching),
		cmocka_unit_test(session_selection),
		cmocka_unit_test(batch_exit_codes),
		cmocka_unit_test(logins_wanted),
		cmocka_unit_test(lines),
	};

	return cmocka_run_group_tests_name("adm_ops", tests, NULL, NULL);
}
