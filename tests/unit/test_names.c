/* iSCSI name and alias validation (RFC 3720 3.2.6, RFC 3722). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "proto/names.h"

static enum iscsi_name_err check(const char *name)
{
	return iscsi_name_check(name, 0, NULL);
}

static void valid_rfc_examples(void **state)
{
	static const char *const iqn[] = {
		/* RFC 3720 3.2.6.3.1 */
		"iqn.2001-04.com.example:storage:diskarrays-sn-a8675309",
		"iqn.2001-04.com.example",
		"iqn.2001-04.com.example:storage.tape1.sys1.xyz",
		"iqn.2001-04.com.example:storage.disk2.sys1.xyz",
		"iqn.2001-04.com.example.storage:tape.sys1.xyz",
		/* what real initiators and targets use */
		"iqn.2016-04.com.open-iscsi:5e8f9a1b2c3d",
		"iqn.2003-01.org.linux-iscsi.host1.x8664:sn.0123456789ab",
		"iqn.1991-05.com.microsoft:host1.example.com",
		"iqn.2005-10.org.freenas.ctl:target0",
		"iqn.2001-04.com.example:",
		"iqn.2001-04.example",
		/* non-ASCII in normal form: "ストレージ" and "é" */
		"iqn.2001-04.com.example:\xe3\x82\xb9\xe3\x83\x88\xe3\x83\xac\xe3\x83\xbc\xe3\x82\xb8",
		"iqn.2001-04.com.exampl\xc3\xa9:disk",
	};
	struct iscsi_name_result r;
	(void)state;
	for (size_t i = 0; i < sizeof(iqn) / sizeof(iqn[0]); i++) {
		assert_int_equal(iscsi_name_check(iqn[i], 0, &r), NAME_OK);
		assert_int_equal(r.type, ISCSI_NAME_IQN);
	}
	/* RFC 3720 3.2.6.3.2 and 3.2.6.3.3; hex case is not significant */
	assert_int_equal(iscsi_name_check("eui.02004567A425678D", 0, &r), NAME_OK);
	assert_int_equal(r.type, ISCSI_NAME_EUI);
	assert_int_equal(check("eui.02004567a425678d"), NAME_OK);
	assert_int_equal(iscsi_name_check("naa.52004567BA64678D", 0, &r), NAME_OK);
	assert_int_equal(r.type, ISCSI_NAME_NAA);
	assert_int_equal(check("naa.62004567BA64678D0123456789ABCDEF"), NAME_OK);
	assert_int_equal(check("naa.62004567ba64678d0123456789abcdef"), NAME_OK);
}

static void length_bound(void **state)
{
	char name[ISCSI_NAME_MAX + 2];
	struct iscsi_name_result r;
	(void)state;
	memcpy(name, "iqn.2001-04.com.example:", 24);
	memset(name + 24, 'x', sizeof(name) - 24);
	name[ISCSI_NAME_MAX] = '\0';
	assert_int_equal(check(name), NAME_OK);
	name[ISCSI_NAME_MAX] = 'x';
	name[ISCSI_NAME_MAX + 1] = '\0';
	assert_int_equal(iscsi_name_check(name, 0, &r), NAME_ERR_TOO_LONG);
	assert_int_equal(r.offset, 223);
	assert_int_equal(check(""), NAME_ERR_EMPTY);
}

static void structure_refusals(void **state)
{
	static const struct {
		const char *name;
		enum iscsi_name_err err;
	} cases[] = {
		{ "iqn", NAME_ERR_PREFIX },
		{ "iqn:2001-04.com.example", NAME_ERR_PREFIX },
		{ "target0", NAME_ERR_PREFIX },
		{ "2001-04.com.example", NAME_ERR_PREFIX },
		{ "iqn.", NAME_ERR_IQN_DATE },
		{ "iqn.2001-04", NAME_ERR_IQN_DATE },
		{ "iqn.01-04.com.example", NAME_ERR_IQN_DATE },
		{ "iqn.2001-4.com.example", NAME_ERR_IQN_DATE },
		{ "iqn.2001-00.com.example", NAME_ERR_IQN_DATE },
		{ "iqn.2001-13.com.example", NAME_ERR_IQN_DATE },
		{ "iqn.2001.04.com.example", NAME_ERR_IQN_DATE },
		{ "iqn.2001-04:com.example", NAME_ERR_IQN_DATE },
		{ "iqn.2001-04com.example", NAME_ERR_IQN_DATE },
		{ "iqn.2001-04.", NAME_ERR_IQN_DOMAIN },
		{ "iqn.2001-04.:disk", NAME_ERR_IQN_DOMAIN },
		{ "iqn.2001-04.com.:disk", NAME_ERR_IQN_DOMAIN },
		{ "iqn.2001-04.com.", NAME_ERR_IQN_DOMAIN },
		{ "eui.02004567A425678", NAME_ERR_HEX },
		{ "eui.02004567A425678D0", NAME_ERR_HEX },
		{ "eui.02004567G425678D", NAME_ERR_HEX },
		{ "eui.0200-4567-A425-678D", NAME_ERR_HEX },
		{ "eui.", NAME_ERR_HEX },
		{ "naa.52004567BA64678D01", NAME_ERR_HEX },
		{ "naa.52004567BA64678D0123456789ABCDEF0", NAME_ERR_HEX },
		{ "naa.52004567BA64678D0123456789ABCDEz", NAME_ERR_HEX },
		{ "eui.02004567a425678\xc3\xa9", NAME_ERR_HEX },
	};
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		enum iscsi_name_err e = check(cases[i].name);
		if (e != cases[i].err)
			fail_msg("%s: got %d, want %d", cases[i].name, e, cases[i].err);
	}
}

static void character_refusals(void **state)
{
	static const struct {
		const char *name;
		enum iscsi_name_err err;
		size_t offset;
	} cases[] = {
		{ "iqn.2001-04.com.example:a/b", NAME_ERR_SLASH, 25 },
		{ "iqn.2001-04.com.example/../../etc", NAME_ERR_SLASH, 23 },
		{ "/etc/passwd", NAME_ERR_SLASH, 0 },
		{ "iqn.2001-04.com.example:a\\b", NAME_ERR_BACKSLASH, 25 },
		{ "iqn.2001-04.com.example:a..b", NAME_ERR_DOTDOT, 25 },
		{ "iqn.2001-04.com..example", NAME_ERR_DOTDOT, 15 },
		{ "..", NAME_ERR_DOTDOT, 0 },
		{ "iqn.2001-04.com.example:a b", NAME_ERR_SPACE, 25 },
		{ "iqn.2001-04.com.example:a\tb", NAME_ERR_CONTROL, 25 },
		{ "iqn.2001-04.com.example:a\nb", NAME_ERR_CONTROL, 25 },
		{ "iqn.2001-04.com.example:a\x7f", NAME_ERR_CONTROL, 25 },
		{ "iqn.2001-04.com.example:a\xc2\x85", NAME_ERR_CONTROL, 25 },   /* NEL */
		{ "iqn.2001-04.com.example:a\x1b[2J", NAME_ERR_CONTROL, 25 },
		{ "iqn.2001-04.com.Example", NAME_ERR_UPPER_CASE, 16 },
		{ "IQN.2001-04.com.example", NAME_ERR_UPPER_CASE, 0 },
		{ "EUI.02004567A425678D", NAME_ERR_UPPER_CASE, 0 },
		{ "iqn.2000-01.com.synology:nas.Target-1", NAME_ERR_UPPER_CASE, 29 },
		{ "iqn.2001-04.com.example:a_b", NAME_ERR_CHAR, 25 },
		{ "iqn.2001-04.com.example:a*", NAME_ERR_CHAR, 25 },
		{ "iqn.2001-04.com.example:a,b", NAME_ERR_CHAR, 25 },
		{ "iqn.2001-04.com.example:a=b", NAME_ERR_CHAR, 25 },
		{ "iqn.2001-04.com.example:a'b", NAME_ERR_CHAR, 25 },
		{ "iqn.2001-04.com.example:\xc0\xaf", NAME_ERR_UTF8, 24 },       /* overlong '/' */
		{ "iqn.2001-04.com.example:\xed\xa0\x80", NAME_ERR_UTF8, 24 },   /* surrogate */
		{ "iqn.2001-04.com.example:\xe3\x82", NAME_ERR_UTF8, 24 },       /* truncated */
		{ "iqn.2001-04.com.example:\xff", NAME_ERR_UTF8, 24 },
		{ "iqn.2001-04.com.example:\xf4\x90\x80\x80", NAME_ERR_UTF8, 24 },
		{ "iqn.2001-04.com.example:a\xc2\xa0" "b", NAME_ERR_SPACE, 25 },  /* NBSP */
		{ "iqn.2001-04.com.example:a\xe3\x80\x80", NAME_ERR_SPACE, 25 },  /* ideographic */
		{ "iqn.2001-04.com.example:\xef\xbc\x8f", NAME_ERR_UNICODE, 24 }, /* fullwidth / */
		{ "iqn.2001-04.com.example:\xef\xb9\x92", NAME_ERR_UNICODE, 24 }, /* small . */
		{ "iqn.2001-04.com.example:\xe2\x84\x80", NAME_ERR_UNICODE, 24 }, /* a/c */
		{ "iqn.2001-04.com.example:\xe2\x80\xa5", NAME_ERR_UNICODE, 24 }, /* two dots */
		{ "iqn.2001-04.com.example:\xe2\x80\x8d", NAME_ERR_UNICODE, 24 }, /* ZWJ */
		{ "iqn.2001-04.com.example:\xe2\x80\xae", NAME_ERR_UNICODE, 24 }, /* RLO */
		{ "iqn.2001-04.com.example:\xef\xbb\xbf", NAME_ERR_UNICODE, 24 }, /* BOM */
		{ "iqn.2001-04.com.example:\xef\xbf\xbe", NAME_ERR_UNICODE, 24 }, /* U+FFFE */
		{ "iqn.2001-04.com.example:\xef\xbf\xbf", NAME_ERR_UNICODE, 24 }, /* U+FFFF */
		{ "iqn.2001-04.com.example:\xf0\x9f\xbf\xbe", NAME_ERR_UNICODE, 24 }, /* U+1FFFE */
		{ "iqn.2001-04.com.example:\xee\x80\x80", NAME_ERR_UNICODE, 24 }, /* private use */
		{ "iqn.2001-04.com.example:\xf3\xa0\x80\x81", NAME_ERR_UNICODE, 24 }, /* tag */
		{ "iqn.2001-04.com.example:\xc2\xad", NAME_ERR_UNICODE, 24 },     /* soft hyphen */
		{ "iqn.2001-04.com.example:\xc3\x9f", NAME_ERR_UNICODE, 24 },     /* sharp s */
		{ "iqn.2001-04.com.example:\xc3\x89", NAME_ERR_UPPER_CASE, 24 },  /* É */
		{ "iqn.2001-04.com.example:\xce\xa3", NAME_ERR_UPPER_CASE, 24 },  /* Σ */
		{ "iqn.2001-04.com.example:\xd0\x96", NAME_ERR_UPPER_CASE, 24 },  /* Ж */
		{ "iqn.2001-04.com.example:\xc5\x81", NAME_ERR_UPPER_CASE, 24 },  /* Ł */
	};
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct iscsi_name_result r;
		enum iscsi_name_err e = iscsi_name_check(cases[i].name, 0, &r);
		if (e != cases[i].err || r.err != e || r.offset != cases[i].offset)
			fail_msg("case %zu: got %d at %zu, want %d at %zu", i, e, r.offset,
				 cases[i].err, cases[i].offset);
	}
	/* lower-case counterparts of the refused letters are fine */
	assert_int_equal(check("iqn.2001-04.com.example:\xc3\xa9\xcf\x83\xd0\xb6\xc5\x82"), NAME_OK);
	/* a NUL ends the name: what follows is never looked at */
	assert_int_equal(check("iqn.2001-04.com.example\0/../x"), NAME_OK);
}

static void upper_case_when_allowed(void **state)
{
	(void)state;
	assert_int_equal(iscsi_name_check("iqn.2000-01.com.synology:nas.Target-1.ABC", 0, NULL),
			 NAME_ERR_UPPER_CASE);
	assert_int_equal(iscsi_name_check("iqn.2000-01.com.synology:nas.Target-1.ABC",
					  ISCSI_NAME_ALLOW_UPPER, NULL), NAME_OK);
	assert_int_equal(iscsi_name_check("iqn.2001-04.com.example:\xc3\x89",
					  ISCSI_NAME_ALLOW_UPPER, NULL), NAME_OK);
	/* the flag relaxes case only: paths stay safe */
	assert_int_equal(iscsi_name_check("iqn.2000-01.com.Synology:A/B", ISCSI_NAME_ALLOW_UPPER, NULL),
			 NAME_ERR_SLASH);
	assert_int_equal(iscsi_name_check("IQN.2000-01.com.synology:a", ISCSI_NAME_ALLOW_UPPER, NULL),
			 NAME_ERR_PREFIX);
}

static void messages(void **state)
{
	struct iscsi_name_result r;
	char msg[256];
	(void)state;
	iscsi_name_check("iqn.2001-04.com.example:x/y", 0, &r);
	iscsi_name_describe(msg, sizeof(msg), "iSCSI name", "iqn.2001-04.com.example:x/y", &r);
	assert_string_equal(msg, "invalid iSCSI name 'iqn.2001-04.com.example:x/y': contains '/'");
	iscsi_name_check("iqn.2001-04.com.example:a_b", 0, &r);
	iscsi_name_describe(msg, sizeof(msg), "iSCSI name", "iqn.2001-04.com.example:a_b", &r);
	assert_string_equal(msg, "invalid iSCSI name 'iqn.2001-04.com.example:a_b': contains '_'");
	static const char evil[] = "iqn.2001-04.com.example:\x1b]0;pwned\x07'x";
	iscsi_name_check(evil, 0, &r);
	iscsi_name_describe(msg, sizeof(msg), "iSCSI name", evil, &r);
	assert_string_equal(msg, "invalid iSCSI name 'iqn.2001-04.com.example:\\x1b]0;pwned\\x07\\x27x': "
				 "contains a control character");
	iscsi_name_check("naa.123", 0, &r);
	iscsi_name_describe(msg, sizeof(msg), "target name", "naa.123", &r);
	assert_string_equal(msg, "invalid target name 'naa.123': eui. needs 16 hex digits, naa. 16 or 32");
	iscsi_name_check("eui.02004567A425678D", 0, &r);
	iscsi_name_describe(msg, sizeof(msg), "iSCSI name", "eui.02004567A425678D", &r);
	assert_string_equal(msg, "valid iSCSI name 'eui.02004567A425678D'");
	for (int c = NAME_OK; c <= NAME_ERR_UNICODE; c++)
		assert_string_not_equal(iscsi_name_strerror(c), "unknown name error");
	assert_string_equal(iscsi_name_strerror(NAME_ERR_UNICODE + 1), "unknown name error");
}

static void long_name_message_is_truncated(void **state)
{
	char name[400], msg[300];
	struct iscsi_name_result r;
	(void)state;
	memset(name, '\x01', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	assert_int_equal(iscsi_name_check(name, 0, &r), NAME_ERR_TOO_LONG);
	iscsi_name_describe(msg, sizeof(msg), "iSCSI name", name, &r);
	assert_non_null(strstr(msg, "\\x01...': longer than 223 bytes"));
	assert_true(strlen(msg) < 200);
}

static void escaping(void **state)
{
	char out[16];
	(void)state;
	assert_int_equal(iscsi_escape(out, sizeof(out), "abc", 3), 3);
	assert_string_equal(out, "abc");
	iscsi_escape(out, sizeof(out), "a\\b'c\n", 6);
	assert_string_equal(out, "a\\x5cb\\x27c\\x0a");
	iscsi_escape(out, sizeof(out), "0123456789abcdefgh", 18);
	assert_string_equal(out, "0123456789ab...");
	iscsi_escape(out, sizeof(out), "0123456789abcde", 15);   /* fits exactly */
	assert_string_equal(out, "0123456789abcde");
	iscsi_escape(out, 5, "\xff\xfe", 2);
	assert_string_equal(out, "...");
	iscsi_escape(out, 2, "abc", 3);
	assert_string_equal(out, ".");
	iscsi_escape(out, 1, "abc", 3);
	assert_string_equal(out, "");
	iscsi_escape(out, sizeof(out), "\xc3\xa9", 2);
	assert_string_equal(out, "\\xc3\\xa9");
}

static void aliases(void **state)
{
	char alias[ISCSI_ALIAS_MAX + 2];
	struct iscsi_name_result r;
	(void)state;
	assert_int_equal(iscsi_alias_check("", NULL), NAME_OK);
	assert_int_equal(iscsi_alias_check("Disk One / Rack 4", NULL), NAME_OK);
	assert_int_equal(iscsi_alias_check("caf\xc3\xa9 \xe3\x82\xb9", NULL), NAME_OK);
	assert_int_equal(iscsi_alias_check("a\tb", &r), NAME_ERR_CONTROL);
	assert_int_equal(r.offset, 1);
	assert_int_equal(iscsi_alias_check("a\x7f", NULL), NAME_ERR_CONTROL);
	assert_int_equal(iscsi_alias_check("a\xc2\x9b" "31m", NULL), NAME_ERR_CONTROL);  /* CSI */
	assert_int_equal(iscsi_alias_check("a\xc0\x80", &r), NAME_ERR_UTF8);
	assert_int_equal(r.offset, 1);
	assert_int_equal(iscsi_alias_check("\xed\xb0\x80", NULL), NAME_ERR_UTF8);
	memset(alias, 'a', sizeof(alias));
	alias[ISCSI_ALIAS_MAX] = '\0';
	assert_int_equal(iscsi_alias_check(alias, NULL), NAME_OK);
	alias[ISCSI_ALIAS_MAX] = 'a';
	alias[ISCSI_ALIAS_MAX + 1] = '\0';
	assert_int_equal(iscsi_alias_check(alias, &r), NAME_ERR_TOO_LONG);
	assert_int_equal(r.offset, 255);
}

static void equality_and_isid(void **state)
{
	static const uint8_t isid[6] = { 0x00, 0x02, 0x3d, 0x00, 0x00, 0x01 };
	char buf[13];
	(void)state;
	assert_true(iscsi_name_equal("eui.02004567A425678D", "eui.02004567a425678d"));
	assert_true(iscsi_name_equal("naa.52004567BA64678D", "naa.52004567ba64678d"));
	assert_false(iscsi_name_equal("eui.02004567A425678D", "naa.02004567A425678D"));
	assert_true(iscsi_name_equal("iqn.2001-04.com.example", "iqn.2001-04.com.example"));
	assert_false(iscsi_name_equal("iqn.2001-04.com.example:a", "iqn.2001-04.com.example:A"));
	iscsi_isid_format(isid, buf, sizeof(buf));
	assert_string_equal(buf, "00023d000001");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(valid_rfc_examples),
		cmocka_unit_test(length_bound),
		cmocka_unit_test(structure_refusals),
		cmocka_unit_test(character_refusals),
		cmocka_unit_test(upper_case_when_allowed),
		cmocka_unit_test(messages),
		cmocka_unit_test(long_name_message_is_truncated),
		cmocka_unit_test(escaping),
		cmocka_unit_test(aliases),
		cmocka_unit_test(equality_and_isid),
	};
	return cmocka_run_group_tests_name("names", tests, NULL, NULL);
}
