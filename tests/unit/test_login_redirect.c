/* login/redirect.h: which redirect destinations the privileged side
 * connects to, and the hop bound and loop refusal with the hops named. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "login/redirect.h"

static char out[LOGIN_REDIRECT_ADDR_MAX], msg[256];

static int target(const char *host, uint16_t port, const char *current)
{
	out[0] = msg[0] = '\0';
	return login_redirect_target(host, port, current, out, sizeof(out), msg, sizeof(msg));
}

static void numeric_addresses_are_followed(void **state)
{
	(void)state;
	assert_int_equal(target("10.0.0.2", 3261, "127.0.0.1"), 0);
	assert_string_equal(out, "10.0.0.2");
	assert_int_equal(target("127.0.0.9", 1, "127.0.0.1"), 0);
	assert_string_equal(out, "127.0.0.9");
	/* One spelling per address: canonical IPv6, mapped IPv4 as IPv4. */
	assert_int_equal(target("0:0:0:0:0:0:0:1", 3260, "::1"), 0);
	assert_string_equal(out, "::1");
	assert_int_equal(target("FD00:0::2", 3260, "::1"), 0);
	assert_string_equal(out, "fd00::2");
	assert_int_equal(target("::ffff:127.0.0.2", 3260, "127.0.0.1"), 0);
	assert_string_equal(out, "127.0.0.2");
}

static void link_local_takes_the_current_scope(void **state)
{
	(void)state;
	assert_int_equal(target("fe80::1", 3260, "fe80::2%eth0"), 0);
	assert_string_equal(out, "fe80::1%eth0");
	/* Not link-local: the scope would be meaningless. */
	assert_int_equal(target("fd00::1", 3260, "fe80::2%eth0"), 0);
	assert_string_equal(out, "fd00::1");
	/* No scope to inherit. */
	assert_int_equal(target("fe80::1", 3260, "10.0.0.1"), 0);
	assert_string_equal(out, "fe80::1");
}

static void host_names_are_refused(void **state)
{
	(void)state;
	assert_int_equal(target("storage.example.com", 3260, "127.0.0.1"), -1);
	assert_string_equal(msg, "target redirected to host name storage.example.com: only "
				 "numeric addresses are followed (no DNS lookup in the "
				 "privileged process)");
	assert_int_equal(target("localhost", 3260, "127.0.0.1"), -1);
	assert_non_null(strstr(msg, "host name localhost"));
	assert_string_equal(out, "");
}

static void non_portals_are_refused(void **state)
{
	static const char *const bad[] = { "0.0.0.0", "0.1.2.3", "::", "224.0.0.1",
					   "239.255.255.250", "255.255.255.255", "ff02::1",
					   "::ffff:0.0.0.0", "::ffff:224.0.0.1" };
	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(target(bad[i], 3260, "127.0.0.1"), -1);
		assert_non_null(strstr(msg, "which is no portal"));
	}
}

static void malformed_and_odd_destinations_are_refused(void **state)
{
	(void)state;
	assert_int_equal(target("", 3260, "127.0.0.1"), -1);
	assert_string_equal(msg, "target redirected without an address");
	assert_int_equal(target("1.2.3", 3260, "127.0.0.1"), -1);
	assert_string_equal(msg, "target redirected to a malformed address 1.2.3");
	assert_int_equal(target("10.0.0.1 ", 3260, "127.0.0.1"), -1);
	assert_non_null(strstr(msg, "malformed"));
	assert_int_equal(target("fe80::1%eth1", 3260, "fe80::2%eth0"), -1);
	assert_non_null(strstr(msg, "interface scope"));
	assert_int_equal(target("10.0.0.1", 0, "127.0.0.1"), -1);
	assert_string_equal(msg, "target redirected to 10.0.0.1 port 0");
	/* A long name is cut in the line, never overflowing it. */
	char longname[300];
	memset(longname, 'a', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	assert_int_equal(target(longname, 3260, "127.0.0.1"), -1);
	assert_true(strlen(msg) < 200);
}

static void a_loop_back_to_the_start_is_refused(void **state)
{
	struct login_hops h;

	(void)state;
	login_hops_init(&h, "127.0.0.1", 3260);
	assert_int_equal(login_hops_redirects(&h), 0);
	assert_int_equal(login_hops_add(&h, "127.0.0.1", 3260, msg, sizeof(msg)), -1);
	assert_string_equal(msg, "redirect loop refused: 127.0.0.1:3260 -> 127.0.0.1:3260");
	assert_int_equal(login_hops_redirects(&h), 0);

	assert_int_equal(login_hops_add(&h, "127.0.0.1", 3261, msg, sizeof(msg)), 0);
	assert_int_equal(login_hops_redirects(&h), 1);
	assert_int_equal(login_hops_add(&h, "127.0.0.1", 3260, msg, sizeof(msg)), -1);
	assert_string_equal(msg, "redirect loop refused: 127.0.0.1:3260 -> 127.0.0.1:3261 -> "
				 "127.0.0.1:3260");
	/* The same portal in another spelling is the same portal. */
	assert_int_equal(login_hops_add(&h, "::ffff:127.0.0.1", 3261, msg, sizeof(msg)), -1);
	assert_non_null(strstr(msg, "redirect loop"));
	/* Same address, another port: another portal. */
	assert_int_equal(login_hops_add(&h, "127.0.0.1", 3262, msg, sizeof(msg)), 0);
	assert_int_equal(login_hops_redirects(&h), 2);
}

static void ipv6_hops_are_bracketed(void **state)
{
	struct login_hops h;

	(void)state;
	login_hops_init(&h, "0::1", 3260);
	assert_int_equal(login_hops_add(&h, "::1", 3260, msg, sizeof(msg)), -1);
	assert_string_equal(msg, "redirect loop refused: [::1]:3260 -> [::1]:3260");
}

static void the_ninth_redirect_is_refused(void **state)
{
	struct login_hops h;
	char addr[32];

	(void)state;
	login_hops_init(&h, "127.0.0.1", 3260);
	for (unsigned i = 1; i <= LOGIN_REDIRECT_MAX; i++) {
		snprintf(addr, sizeof(addr), "127.0.0.%u", i + 1);
		assert_int_equal(login_hops_add(&h, addr, 3260, msg, sizeof(msg)), 0);
	}
	assert_int_equal(login_hops_redirects(&h), LOGIN_REDIRECT_MAX);
	assert_int_equal(login_hops_add(&h, "127.0.0.99", 3260, msg, sizeof(msg)), -1);
	assert_string_equal(msg, "more than 8 redirects refused: 127.0.0.1:3260 -> 127.0.0.2:3260"
				 " -> 127.0.0.3:3260 -> 127.0.0.4:3260 -> 127.0.0.5:3260 -> "
				 "127.0.0.6:3260 -> 127.0.0.7:3260 -> 127.0.0.8:3260 -> "
				 "127.0.0.9:3260 -> 127.0.0.99:3260");
	assert_int_equal(login_hops_redirects(&h), LOGIN_REDIRECT_MAX);
}

static void long_paths_keep_both_ends(void **state)
{
	struct login_hops h;
	char addr[64], line[160];

	(void)state;
	login_hops_init(&h, "fd00:1111:2222:3333:4444:5555:6666:7777", 3260);
	for (unsigned i = 1; i <= LOGIN_REDIRECT_MAX; i++) {
		snprintf(addr, sizeof(addr), "fd00:1111:2222:3333:4444:5555:6666:%x", 0x100 + i);
		assert_int_equal(login_hops_add(&h, addr, 3260, msg, sizeof(msg)), 0);
	}
	login_hops_format(&h, "fd00::9", 3261, line, sizeof(line));
	assert_true(strlen(line) < sizeof(line));
	assert_int_equal(strncmp(line, "[fd00:1111:2222:3333:4444:5555:6666:7777]:3260 -> ... -> ",
				 57), 0);
	const char *tail = " -> [fd00::9]:3261";
	assert_string_equal(line + strlen(line) - strlen(tail), tail);
	/* A buffer too small even for the ends: cut, terminated. */
	login_hops_format(&h, "fd00::9", 3261, line, 20);
	assert_int_equal(strlen(line), 19);
	/* The refusal line fits in a result message. */
	assert_int_equal(login_hops_add(&h, "fd00::9", 3261, msg, sizeof(msg)), -1);
	assert_true(strlen(msg) < sizeof(msg) - 1);
	assert_non_null(strstr(msg, "more than 8 redirects refused: [fd00:1111"));
	assert_non_null(strstr(msg, " -> ... -> "));
	assert_non_null(strstr(msg, "[fd00::9]:3261"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(numeric_addresses_are_followed),
		cmocka_unit_test(link_local_takes_the_current_scope),
		cmocka_unit_test(host_names_are_refused),
		cmocka_unit_test(non_portals_are_refused),
		cmocka_unit_test(malformed_and_odd_destinations_are_refused),
		cmocka_unit_test(a_loop_back_to_the_start_is_refused),
		cmocka_unit_test(ipv6_hops_are_bracketed),
		cmocka_unit_test(the_ninth_redirect_is_refused),
		cmocka_unit_test(long_paths_keep_both_ends),
	};
	return cmocka_run_group_tests_name("login_redirect", tests, NULL, NULL);
}
