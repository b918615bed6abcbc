/* The SendTargets answer parser (discovery/sendtargets.h): what a target
 * may send, what it may not, and what the entries look like. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "discovery/sendtargets.h"

static const struct st_default portal = { "192.0.2.9", 3261 };

/* "K=V\0" for each "K=V" argument, as a target would send them. */
static size_t build(uint8_t *buf, size_t size, ...)
{
	va_list ap;
	size_t len = 0;
	const char *kv;

	va_start(ap, size);
	while ((kv = va_arg(ap, const char *)) != NULL) {
		size_t n = strlen(kv) + 1;
		assert_true(len + n <= size);
		memcpy(buf + len, kv, n);
		len += n;
	}
	va_end(ap);
	return len;
}

#define PARSE(list, msg, ...)                                                          \
	({                                                                             \
		uint8_t buf_[4096];                                                    \
		size_t len_ = build(buf_, sizeof(buf_), __VA_ARGS__, NULL);            \
		st_parse_text(buf_, len_, &portal, 0, (list), (msg), sizeof(msg));     \
	})

static void entry_is(const struct st_entry *e, const char *target, const char *host,
		     unsigned port, int tpgt)
{
	assert_string_equal(e->target, target);
	assert_string_equal(e->host, host);
	assert_int_equal(e->port, port);
	assert_int_equal(e->tpgt, tpgt);
}

static void one_target_one_portal(void **state)
{
	struct st_list l;
	char msg[256];

	(void)state;
	assert_int_equal(PARSE(&l, msg, "TargetName=iqn.2001-04.com.example:disk1",
			       "TargetAddress=10.0.0.1:3260,1"), ST_OK);
	assert_int_equal(l.n, 1);
	entry_is(&l.v[0], "iqn.2001-04.com.example:disk1", "10.0.0.1", 3260, 1);
	st_list_free(&l);
}

static void address_forms(void **state)
{
	struct st_list l;
	char msg[256];

	(void)state;
	assert_int_equal(PARSE(&l, msg, "TargetName=iqn.2001-04.com.example:t",
			       "TargetAddress=[2001:db8::1]:3262,7",
			       "TargetAddress=[::1]",
			       "TargetAddress=storage.example.com:860,65535",
			       "TargetAddress=10.0.0.2,0",
			       "TargetAddress=10.0.0.3"), ST_OK);
	assert_int_equal(l.n, 5);
	entry_is(&l.v[0], "iqn.2001-04.com.example:t", "2001:db8::1", 3262, 7);
	entry_is(&l.v[1], "iqn.2001-04.com.example:t", "::1", 3260, -1);
	entry_is(&l.v[2], "iqn.2001-04.com.example:t", "storage.example.com", 860, 65535);
	entry_is(&l.v[3], "iqn.2001-04.com.example:t", "10.0.0.2", 3260, 0);
	entry_is(&l.v[4], "iqn.2001-04.com.example:t", "10.0.0.3", 3260, -1);
	st_list_free(&l);
}

static void several_targets_keep_order(void **state)
{
	struct st_list l;
	char msg[256];

	(void)state;
	assert_int_equal(PARSE(&l, msg, "TargetName=iqn.2001-04.com.example:b",
			       "TargetAddress=10.0.0.1:3260,1", "TargetAddress=10.0.0.2:3260,2",
			       "TargetName=eui.02004567A425678D", "TargetAlias=second one",
			       "TargetAddress=10.0.0.1:3260,1",
			       "TargetName=iqn.2001-04.com.example:a",
			       "TargetAddress=10.0.0.9:3260,1"), ST_OK);
	assert_int_equal(l.n, 4);
	entry_is(&l.v[0], "iqn.2001-04.com.example:b", "10.0.0.1", 3260, 1);
	entry_is(&l.v[1], "iqn.2001-04.com.example:b", "10.0.0.2", 3260, 2);
	entry_is(&l.v[2], "eui.02004567A425678D", "10.0.0.1", 3260, 1);
	entry_is(&l.v[3], "iqn.2001-04.com.example:a", "10.0.0.9", 3260, 1);
	st_list_free(&l);
}

static void target_without_address_uses_portal(void **state)
{
	struct st_list l;
	char msg[256];
	uint8_t buf[256];

	(void)state;
	assert_int_equal(PARSE(&l, msg, "TargetName=iqn.2001-04.com.example:lonely",
			       "TargetName=iqn.2001-04.com.example:x",
			       "TargetAddress=10.0.0.1,1"), ST_OK);
	assert_int_equal(l.n, 2);
	entry_is(&l.v[0], "iqn.2001-04.com.example:lonely", "192.0.2.9", 3261, -1);
	entry_is(&l.v[1], "iqn.2001-04.com.example:x", "10.0.0.1", 3260, 1);
	st_list_free(&l);

	/* Without a known discovery portal such a target is an error. */
	size_t len = build(buf, sizeof(buf), "TargetName=iqn.2001-04.com.example:lonely", NULL);
	assert_int_equal(st_parse_text(buf, len, NULL, 0, &l, msg, sizeof(msg)),
			 ST_ERR_NO_DEFAULT);
	st_list_free(&l);
}

static void empty_answer(void **state)
{
	struct st_list l;
	char msg[256];

	(void)state;
	assert_int_equal(st_parse_text((const uint8_t *)"", 0, &portal, 0, &l, msg, sizeof(msg)),
			 ST_OK);
	assert_int_equal(l.n, 0);
	st_list_free(&l);
}

static void address_before_name(void **state)
{
	struct st_list l;
	char msg[256];

	(void)state;
	assert_int_equal(PARSE(&l, msg, "TargetAddress=10.0.0.1:3260,1",
			       "TargetName=iqn.2001-04.com.example:t"), ST_ERR_ADDRESS_FIRST);
	assert_non_null(strstr(msg, "before any TargetName"));
	assert_int_equal(l.n, 0);
	st_list_free(&l);
}

static void hostile_names(void **state)
{
	static const char *const bad[] = {
		"TargetName=iqn.2001-04.com.example:a/b",
		"TargetName=iqn.2001-04.com.example:../../etc/passwd",
		"TargetName=iqn.2001-04.com.example:a\x1b[2Jb",
		"TargetName=iqn.2001-04.com.example:a\x7f",
		"TargetName=iqn.2001-04.com.example:a b",
		"TargetName=iqn.2001-04.com.example:a\\b",
		"TargetName=..",
		"TargetName=notaname",
		"TargetName=",
	};
	struct st_list l;
	char msg[256];

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		enum st_err e = PARSE(&l, msg, bad[i], "TargetAddress=10.0.0.1,1");
		if (e != ST_ERR_BAD_NAME)
			fail_msg("%zu: %s gave %d (%s)", i, bad[i] + 11, e, msg);
		assert_int_equal(l.n, 0);
		/* The message never carries a raw control character. */
		for (const char *p = msg; *p; p++)
			assert_true((unsigned char)*p >= 0x20 && *p != 0x7f);
		st_list_free(&l);
	}
}

static void hostile_addresses(void **state)
{
	static const char *const bad[] = {
		"TargetAddress=",
		"TargetAddress=1.2.3",
		"TargetAddress=999.1.1.1",
		"TargetAddress=1.2.3.4.5",
		"TargetAddress=[::1",
		"TargetAddress=[zz::1]",
		"TargetAddress=[10.0.0.1]",
		"TargetAddress=[fe80::1%eth0]:3260",
		"TargetAddress=host_name",
		"TargetAddress=-host",
		"TargetAddress=host-",
		"TargetAddress=a..b",
		"TargetAddress=.a",
		"TargetAddress=a/b",
		"TargetAddress=1.2.3.4:0",
		"TargetAddress=1.2.3.4:65536",
		"TargetAddress=1.2.3.4:99999999999",
		"TargetAddress=1.2.3.4:-1",
		"TargetAddress=1.2.3.4:0x10",
		"TargetAddress=1.2.3.4,65536",
		"TargetAddress=1.2.3.4:",
		"TargetAddress=1.2.3.4,",
		"TargetAddress=1.2.3.4:3260,1,2",
		"TargetAddress= 1.2.3.4",
		"TargetAddress=1.2.3.4 ",
		"TargetAddress=1.2.3.4:3260:1",
		"TargetAddress=a\x1b" "b",
		"TargetAddress=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.com",
	};
	struct st_list l;
	char msg[256];

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		enum st_err e = PARSE(&l, msg, "TargetName=iqn.2001-04.com.example:t", bad[i]);
		if (e != ST_ERR_BAD_ADDRESS)
			fail_msg("%zu: '%s' gave %d (%s)", i, bad[i] + 14, e, msg);
		assert_int_equal(l.n, 0);
		st_list_free(&l);
	}
}

static void refusals_and_unknown_keys(void **state)
{
	struct st_list l;
	char msg[256];

	(void)state;
	assert_int_equal(PARSE(&l, msg, "SendTargets=Reject"), ST_ERR_REFUSED);
	st_list_free(&l);
	assert_int_equal(PARSE(&l, msg, "SendTargets=Irrelevant"), ST_ERR_REFUSED);
	st_list_free(&l);
	assert_int_equal(PARSE(&l, msg, "TargetName=iqn.2001-04.com.example:t",
			       "TargetAddress=10.0.0.1,1", "MaxBurstLength=512"),
			 ST_ERR_UNEXPECTED_KEY);
	assert_non_null(strstr(msg, "MaxBurstLength"));
	assert_int_equal(l.n, 0);
	st_list_free(&l);
}

static void malformed_text(void **state)
{
	struct st_list l;
	char msg[256];
	static const uint8_t unterminated[] = "TargetName=iqn.2001-04.com.example:t";
	static const uint8_t no_equals[] = "TargetName\0";
	static const uint8_t bad_utf8[] = "TargetName=iqn.2001-04.com.example:\xc3\x28\0";

	(void)state;
	assert_int_equal(st_parse_text(unterminated, sizeof(unterminated) - 1, &portal, 0, &l, msg,
				       sizeof(msg)), ST_ERR_TEXT);
	st_list_free(&l);
	assert_int_equal(st_parse_text(no_equals, sizeof(no_equals) - 1, &portal, 0, &l, msg,
				       sizeof(msg)), ST_ERR_TEXT);
	st_list_free(&l);
	assert_int_equal(st_parse_text(bad_utf8, sizeof(bad_utf8) - 1, &portal, 0, &l, msg,
				       sizeof(msg)), ST_ERR_TEXT);
	assert_non_null(strstr(msg, "malformed SendTargets text"));
	st_list_free(&l);
}

static void repeats_dropped_first_kept(void **state)
{
	struct st_list l;
	char msg[256];

	(void)state;
	assert_int_equal(PARSE(&l, msg, "TargetName=iqn.2001-04.com.example:a",
			       "TargetAddress=10.0.0.1,1", "TargetAddress=10.0.0.2,1",
			       "TargetAddress=10.0.0.1,1",
			       "TargetName=iqn.2001-04.com.example:b", "TargetAddress=10.0.0.1,1",
			       "TargetName=iqn.2001-04.com.example:a", "TargetAddress=10.0.0.1,1",
			       "TargetAddress=10.0.0.1,2"), ST_OK);
	assert_int_equal(l.n, 4);
	entry_is(&l.v[0], "iqn.2001-04.com.example:a", "10.0.0.1", 3260, 1);
	entry_is(&l.v[1], "iqn.2001-04.com.example:a", "10.0.0.2", 3260, 1);
	entry_is(&l.v[2], "iqn.2001-04.com.example:b", "10.0.0.1", 3260, 1);
	entry_is(&l.v[3], "iqn.2001-04.com.example:a", "10.0.0.1", 3260, 2);
	st_list_free(&l);
}

/* A large answer built with the text builder: 3,000 targets, two
 * portals each, parsed whole; one record over the cap is refused. */
static void many_targets_and_cap(void **state)
{
	struct text_list t;
	struct st_list l;
	char name[64], msg[256];
	uint8_t *blob;
	size_t len;

	(void)state;
	text_list_init(&t);
	t.allow_duplicates = true;
	for (int i = 0; i < 3000; i++) {
		snprintf(name, sizeof(name), "iqn.2001-04.com.example:t%04d", i);
		assert_int_equal(text_list_add(&t, "TargetName", name), TEXT_OK);
		assert_int_equal(text_list_add(&t, "TargetAddress", "10.1.1.1:3260,1"), TEXT_OK);
		assert_int_equal(text_list_add(&t, "TargetAddress", "[fd00::1]:3260,2"), TEXT_OK);
	}
	assert_int_equal(text_list_encode_alloc(&t, &blob, &len), TEXT_OK);
	text_list_free(&t);
	assert_int_equal(st_parse_text(blob, len, &portal, 0, &l, msg, sizeof(msg)), ST_OK);
	assert_int_equal(l.n, 6000);
	entry_is(&l.v[5999], "iqn.2001-04.com.example:t2999", "fd00::1", 3260, 2);
	st_list_free(&l);
	assert_int_equal(st_parse_text(blob, len, &portal, 5999, &l, msg, sizeof(msg)),
			 ST_ERR_TOO_MANY);
	assert_int_equal(l.n, 0);       /* all or nothing */
	st_list_free(&l);
	free(blob);
}

static void host_syntax(void **state)
{
	(void)state;
	assert_true(st_host_valid("10.0.0.1"));
	assert_true(st_host_valid("::1"));
	assert_true(st_host_valid("2001:db8::10.0.0.1"));
	assert_true(st_host_valid("a"));
	assert_true(st_host_valid("san-1.example.com"));
	assert_true(st_host_valid("1x.example"));
	assert_false(st_host_valid(""));
	assert_false(st_host_valid("256.1.1.1"));
	assert_false(st_host_valid("example..com"));
	assert_false(st_host_valid("example.com."));
	assert_false(st_host_valid("exa mple"));
	assert_false(st_host_valid(":::"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(one_target_one_portal),
		cmocka_unit_test(address_forms),
		cmocka_unit_test(several_targets_keep_order),
		cmocka_unit_test(target_without_address_uses_portal),
		cmocka_unit_test(empty_answer),
		cmocka_unit_test(address_before_name),
		cmocka_unit_test(hostile_names),
		cmocka_unit_test(hostile_addresses),
		cmocka_unit_test(refusals_and_unknown_keys),
		cmocka_unit_test(malformed_text),
		cmocka_unit_test(repeats_dropped_first_kept),
		cmocka_unit_test(many_targets_and_cap),
		cmocka_unit_test(host_syntax),
	};

	return cmocka_run_group_tests_name("sendtargets", tests, NULL, NULL);
}
