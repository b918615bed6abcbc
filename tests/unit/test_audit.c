/* Audit records (auth/audit.h): the stable event names and message types,
 * the exact text of every event, hostile values that must neither break
 * the line nor change how it splits (checked by parsing each text back),
 * fields left out, cut records, and the stderr echo of audit_emit(). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "auth/audit.h"
#include "base/log.h"

#define EXE "/usr/sbin/iscsid"

/* ---- parsers, written from the documented grammar ---- */

struct pair {
	char key[32];
	char val[512];
};

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Keys whose values the audit message writes bare: numbers, and
 * libaudit's own words. */
static bool bare_in_kernel(const char *key)
{
	static const char *const bare[] = { "op", "sid", "exit_code", "caller_uid", "caller_pid",
					    "hostname", "addr", "terminal", "res", "truncated" };

	for (size_t i = 0; i < sizeof(bare) / sizeof(bare[0]); i++)
		if (!strcmp(key, bare[i]))
			return true;
	return false;
}

/* Splits text at single blanks into key=value pairs, decoding values as
 * the syslog line (kernel false) or the audit message (kernel true)
 * writes them. Returns the number of pairs, -1 on anything malformed. */
static int parse(const char *text, bool kernel, struct pair *out, int max)
{
	int n = 0;
	const char *p = text;

	while (*p) {
		if (n == max)
			return -1;
		const char *eq = strchr(p, '=');
		if (!eq || eq == p || (size_t)(eq - p) >= sizeof(out[n].key))
			return -1;
		memcpy(out[n].key, p, (size_t)(eq - p));
		out[n].key[eq - p] = '\0';
		for (const char *k = p; k < eq; k++)
			if (!isalnum((unsigned char)*k) && *k != '_')
				return -1;
		p = eq + 1;
		size_t len = 0;
		char *v = out[n].val;
		if (*p == '"') {
			for (p++; *p != '"'; p++) {
				if (!*p || len + 1 >= sizeof(out[n].val))
					return -1;
				if (!kernel && *p == '\\') {
					int hi, lo;
					if (p[1] != 'x' || (hi = hexval(p[2])) < 0 || (lo = hexval(p[3])) < 0)
						return -1;
					v[len++] = (char)(hi << 4 | lo);
					p += 3;
				} else {
					v[len++] = *p;
				}
			}
			p++;
		} else if (kernel && !bare_in_kernel(out[n].key)) {
			/* an unquoted string value in the audit message is hex */
			for (; *p && *p != ' '; p += 2) {
				int hi = hexval(p[0]), lo = hi < 0 ? -1 : hexval(p[1]);
				if (lo < 0 || len + 1 >= sizeof(out[n].val))
					return -1;
				v[len++] = (char)(hi << 4 | lo);
			}
		} else {
			for (; *p && *p != ' '; p++) {
				if (len + 1 >= sizeof(out[n].val))
					return -1;
				v[len++] = *p;
			}
		}
		v[len] = '\0';
		n++;
		if (*p == ' ')
			p++;
		else if (*p)
			return -1;
	}
	return n;
}

static const char *get(const struct pair *ps, int n, const char *key)
{
	for (int i = 0; i < n; i++)
		if (!strcmp(ps[i].key, key))
			return ps[i].val;
	return NULL;
}

static void assert_one_clean_line(const char *text)
{
	for (const unsigned char *p = (const unsigned char *)text; *p; p++)
		assert_true(*p >= 0x20 && *p < 0x7f);
}

static struct audit_fields login_fields(void)
{
	struct audit_fields f = AUDIT_FIELDS_INIT;

	f.session = "normal";
	f.target = "iqn.2003-01.org.example:disk1";
	f.portal = "127.0.0.1:3260";
	f.iface = "default";
	return f;
}

/* ---- names and types ---- */

static void event_names_are_stable(void **state)
{
	static const char *const names[AUDIT_EVENT_COUNT] = {
		"auth_success", "auth_failure", "auth_downgrade", "login_success",
		"login_failure", "logout", "worker_killed", "request_refused",
		"record_auth_changed",
	};
	static const int types[AUDIT_EVENT_COUNT] = {
		1100, 1100, 1100, 1112, 1112, 1113, 2202, 1101, 1111,
	};
	char text[256];

	(void)state;
	assert_int_equal(AUDIT_EVENT_COUNT, 9);
	for (int ev = 0; ev < AUDIT_EVENT_COUNT; ev++) {
		struct audit_fields f = AUDIT_FIELDS_INIT;
		assert_string_equal(audit_event_name((enum audit_event)ev), names[ev]);
		assert_int_equal(audit_message_type((enum audit_event)ev), types[ev]);
		assert_true(audit_format((enum audit_event)ev, &f, text, sizeof(text)) > 0);
		assert_true(strncmp(text, "event=", 6) == 0);
		assert_string_equal(text + 6 + strlen(names[ev]),
				    audit_succeeded((enum audit_event)ev, &f) ? " res=success" :
									       " res=failed");
	}
	assert_string_equal(audit_event_name(AUDIT_EVENT_COUNT), "unknown");
	assert_string_equal(audit_event_name((enum audit_event)-1), "unknown");
	assert_int_equal(audit_message_type(AUDIT_EVENT_COUNT), 0);
	struct audit_fields f = AUDIT_FIELDS_INIT;
	assert_int_equal(audit_format(AUDIT_EVENT_COUNT, &f, text, sizeof(text)), -1);
	assert_string_equal(text, "");
	assert_int_equal(audit_format(AUDIT_LOGOUT, NULL, text, sizeof(text)), -1);
}

static void outcome_of_each_event(void **state)
{
	struct audit_fields f = AUDIT_FIELDS_INIT;

	(void)state;
	assert_true(audit_succeeded(AUDIT_AUTH_SUCCESS, &f));
	assert_true(audit_succeeded(AUDIT_LOGIN_SUCCESS, &f));
	assert_true(audit_succeeded(AUDIT_LOGOUT, &f));
	assert_true(audit_succeeded(AUDIT_RECORD_AUTH_CHANGED, &f));
	assert_false(audit_succeeded(AUDIT_AUTH_FAILURE, &f));
	assert_false(audit_succeeded(AUDIT_AUTH_DOWNGRADE, &f));
	assert_false(audit_succeeded(AUDIT_LOGIN_FAILURE, &f));
	assert_false(audit_succeeded(AUDIT_WORKER_KILLED, &f));
	assert_false(audit_succeeded(AUDIT_REQUEST_REFUSED, &f));
	f.exit_code = 0;
	assert_true(audit_succeeded(AUDIT_LOGOUT, &f));
	f.exit_code = 3;
	assert_false(audit_succeeded(AUDIT_LOGOUT, &f));
}

/* ---- the exact text of every event ---- */

static void expect(enum audit_event ev, const struct audit_fields *f, const char *line,
		   const char *kernel)
{
	char text[AUDIT_KERNEL_TEXT_MAX];

	assert_int_equal(audit_format(ev, f, text, sizeof(text)), (int)strlen(line));
	assert_string_equal(text, line);
	assert_int_equal(audit_format_kernel(ev, f, EXE, text, sizeof(text)), (int)strlen(kernel));
	assert_string_equal(text, kernel);
}

static void every_event_formatted(void **state)
{
	struct audit_fields f = login_fields();

	(void)state;
	f.alg = "SHA256";
	f.mutual = 1;
	expect(AUDIT_AUTH_SUCCESS, &f,
	       "event=auth_success session=normal target=iqn.2003-01.org.example:disk1 "
	       "portal=127.0.0.1:3260 iface=default alg=SHA256 mutual=yes res=success",
	       "op=iscsi_auth_success session=\"normal\" target=\"iqn.2003-01.org.example:disk1\" "
	       "portal=\"127.0.0.1:3260\" iface=\"default\" alg=\"SHA256\" mutual=\"yes\" "
	       "exe=\"" EXE "\" hostname=? addr=127.0.0.1 terminal=? res=success");

	f.direction = "target";
	f.exit_code = 24;
	f.reason = "bad response";
	expect(AUDIT_AUTH_FAILURE, &f,
	       "event=auth_failure session=normal target=iqn.2003-01.org.example:disk1 "
	       "portal=127.0.0.1:3260 iface=default alg=SHA256 mutual=yes direction=target "
	       "exit_code=24 reason=\"bad response\" res=failed",
	       "op=iscsi_auth_failure session=\"normal\" target=\"iqn.2003-01.org.example:disk1\" "
	       "portal=\"127.0.0.1:3260\" iface=\"default\" alg=\"SHA256\" mutual=\"yes\" "
	       "direction=\"target\" exit_code=24 reason=62616420726573706F6E7365 "
	       "exe=\"" EXE "\" hostname=? addr=127.0.0.1 terminal=? res=failed");

	f = login_fields();
	f.session = "discovery";
	f.target = NULL;
	f.iface = NULL;
	f.exit_code = 24;
	f.reason = "no-auth";
	expect(AUDIT_AUTH_DOWNGRADE, &f,
	       "event=auth_downgrade session=discovery portal=127.0.0.1:3260 exit_code=24 "
	       "reason=no-auth res=failed",
	       "op=iscsi_auth_downgrade session=\"discovery\" portal=\"127.0.0.1:3260\" "
	       "exit_code=24 reason=\"no-auth\" exe=\"" EXE "\" hostname=? addr=127.0.0.1 "
	       "terminal=? res=failed");

	f = login_fields();
	f.portal = "[::1]:3260";
	f.sid = 7;
	expect(AUDIT_LOGIN_SUCCESS, &f,
	       "event=login_success session=normal target=iqn.2003-01.org.example:disk1 "
	       "portal=[::1]:3260 iface=default sid=7 res=success",
	       "op=iscsi_login_success session=\"normal\" target=\"iqn.2003-01.org.example:disk1\" "
	       "portal=\"[::1]:3260\" iface=\"default\" sid=7 exe=\"" EXE "\" hostname=? "
	       "addr=::1 terminal=? res=success");

	f.sid = -1;
	f.exit_code = 19;
	f.reason = "timed out";
	expect(AUDIT_LOGIN_FAILURE, &f,
	       "event=login_failure session=normal target=iqn.2003-01.org.example:disk1 "
	       "portal=[::1]:3260 iface=default exit_code=19 reason=\"timed out\" res=failed",
	       "op=iscsi_login_failure session=\"normal\" target=\"iqn.2003-01.org.example:disk1\" "
	       "portal=\"[::1]:3260\" iface=\"default\" exit_code=19 reason=74696D6564206F7574 "
	       "exe=\"" EXE "\" hostname=? addr=::1 terminal=? res=failed");

	f = login_fields();
	f.sid = 0;
	expect(AUDIT_LOGOUT, &f,
	       "event=logout session=normal target=iqn.2003-01.org.example:disk1 "
	       "portal=127.0.0.1:3260 iface=default sid=0 res=success",
	       "op=iscsi_logout session=\"normal\" target=\"iqn.2003-01.org.example:disk1\" "
	       "portal=\"127.0.0.1:3260\" iface=\"default\" sid=0 exe=\"" EXE "\" hostname=? "
	       "addr=127.0.0.1 terminal=? res=success");

	f = login_fields();
	f.reason = "second CHAP_CHALLENGE";
	expect(AUDIT_WORKER_KILLED, &f,
	       "event=worker_killed session=normal target=iqn.2003-01.org.example:disk1 "
	       "portal=127.0.0.1:3260 iface=default reason=\"second CHAP_CHALLENGE\" res=failed",
	       "op=iscsi_worker_killed session=\"normal\" target=\"iqn.2003-01.org.example:disk1\" "
	       "portal=\"127.0.0.1:3260\" iface=\"default\" "
	       "reason=7365636F6E6420434841505F4348414C4C454E4745 exe=\"" EXE "\" hostname=? "
	       "addr=127.0.0.1 terminal=? res=failed");

	f = (struct audit_fields)AUDIT_FIELDS_INIT;
	f.uid = 65534;
	f.pid = 4242;
	f.request = "daemon-stop";
	f.reason = "only root may";
	expect(AUDIT_REQUEST_REFUSED, &f,
	       "event=request_refused reason=\"only root may\" caller_uid=65534 caller_pid=4242 "
	       "request=daemon-stop res=failed",
	       "op=iscsi_request_refused reason=6F6E6C7920726F6F74206D6179 caller_uid=65534 "
	       "caller_pid=4242 request=\"daemon-stop\" exe=\"" EXE "\" hostname=? addr=? "
	       "terminal=? res=failed");

	f = (struct audit_fields)AUDIT_FIELDS_INIT;
	f.uid = 0;
	f.pid = 1;
	f.record = "node iqn.2003-01.org.example:disk1,127.0.0.1:3260,default";
	f.keys = "node.session.auth.authmethod,node.session.auth.password";
	expect(AUDIT_RECORD_AUTH_CHANGED, &f,
	       "event=record_auth_changed caller_uid=0 caller_pid=1 "
	       "record=\"node iqn.2003-01.org.example:disk1,127.0.0.1:3260,default\" "
	       "keys=node.session.auth.authmethod,node.session.auth.password res=success",
	       "op=iscsi_record_auth_changed caller_uid=0 caller_pid=1 "
	       "record=6E6F6465206971"
	       "6E2E323030332D30312E6F72672E6578616D706C653A6469736B312C3132372E302E302E313A"
	       "333236302C64656661756C74 "
	       "keys=\"node.session.auth.authmethod,node.session.auth.password\" "
	       "exe=\"" EXE "\" hostname=? addr=? terminal=? res=success");
}

static void unset_fields_left_out(void **state)
{
	struct audit_fields f = AUDIT_FIELDS_INIT;
	char text[512];

	(void)state;
	assert_int_equal(audit_format(AUDIT_LOGOUT, &f, text, sizeof(text)), 24);
	assert_string_equal(text, "event=logout res=success");
	audit_format_kernel(AUDIT_LOGOUT, &f, NULL, text, sizeof(text));
	assert_string_equal(text, "op=iscsi_logout exe=? hostname=? addr=? terminal=? res=success");
	/* 0 is a value, negative is "none"; mutual 0 is "no". */
	f.mutual = 0;
	f.sid = 0;
	f.exit_code = 0;
	f.uid = 0;
	f.pid = 0;
	audit_format(AUDIT_AUTH_SUCCESS, &f, text, sizeof(text));
	assert_string_equal(text, "event=auth_success sid=0 mutual=no exit_code=0 caller_uid=0 "
				  "caller_pid=0 res=success");
	f = (struct audit_fields)AUDIT_FIELDS_INIT;
	f.mutual = -5;
	f.sid = -2;
	f.uid = -1;
	audit_format(AUDIT_AUTH_SUCCESS, &f, text, sizeof(text));
	assert_string_equal(text, "event=auth_success res=success");
	/* A uid above INT_MAX stays exact. */
	f.uid = 4294967294L;
	audit_format(AUDIT_REQUEST_REFUSED, &f, text, sizeof(text));
	assert_string_equal(text, "event=request_refused caller_uid=4294967294 res=failed");
}

/* ---- hostile values ---- */

static const char *const hostile[] = {
	"two words",
	"quote\"inside",
	"line\nbreak",
	"cr\rtab\t",
	"del\x7f",
	"utf8 \xc3\xa9\xe2\x82\xac",
	"a=b",
	"x res=success",
	"back\\slash\\x41",
	"single'quote",
	"\"",
	"",
	" ",
	"\x01\x1b[31m",
	"event=login_success target=forged",
};

static void hostile_values_stay_one_parseable_line(void **state)
{
	char text[AUDIT_KERNEL_TEXT_MAX];
	struct pair ps[32];

	(void)state;
	for (size_t i = 0; i < sizeof(hostile) / sizeof(hostile[0]); i++) {
		struct audit_fields f = AUDIT_FIELDS_INIT;
		f.target = hostile[i];
		f.reason = hostile[i];
		f.record = hostile[i];
		f.portal = hostile[i];

		assert_true(audit_format(AUDIT_LOGIN_FAILURE, &f, text, sizeof(text)) > 0);
		assert_one_clean_line(text);
		int n = parse(text, false, ps, 32);
		assert_int_equal(n, 6);
		assert_string_equal(ps[0].key, "event");
		assert_string_equal(ps[0].val, "login_failure");
		assert_string_equal(get(ps, n, "target"), hostile[i]);
		assert_string_equal(get(ps, n, "portal"), hostile[i]);
		assert_string_equal(get(ps, n, "reason"), hostile[i]);
		assert_string_equal(get(ps, n, "record"), hostile[i]);
		assert_string_equal(ps[n - 1].key, "res");
		assert_string_equal(ps[n - 1].val, "failed");

		assert_true(audit_format_kernel(AUDIT_LOGIN_FAILURE, &f, EXE, text, sizeof(text)) > 0);
		assert_one_clean_line(text);
		assert_null(strchr(text, '\''));
		n = parse(text, true, ps, 32);
		assert_int_equal(n, 10);
		assert_string_equal(get(ps, n, "op"), "iscsi_login_failure");
		assert_string_equal(get(ps, n, "target"), hostile[i]);
		assert_string_equal(get(ps, n, "reason"), hostile[i]);
		assert_string_equal(get(ps, n, "record"), hostile[i]);
		/* Not an address: auditd's unquoted addr= gets "?". */
		assert_string_equal(get(ps, n, "addr"), "?");
		assert_string_equal(get(ps, n, "res"), "failed");
	}
}

static void exact_escapes(void **state)
{
	struct audit_fields f = AUDIT_FIELDS_INIT;
	char text[512];

	(void)state;
	f.reason = "a \"b\"\\c\nd\x7f\xc3\xa9=e";
	audit_format(AUDIT_LOGIN_FAILURE, &f, text, sizeof(text));
	assert_string_equal(text, "event=login_failure reason=\"a \\x22b\\x22\\x5cc\\x0ad\\x7f"
				  "\\xc3\\xa9=e\" res=failed");
	f.reason = "";
	audit_format(AUDIT_LOGIN_FAILURE, &f, text, sizeof(text));
	assert_string_equal(text, "event=login_failure reason=\"\" res=failed");
	audit_format_kernel(AUDIT_LOGIN_FAILURE, &f, NULL, text, sizeof(text));
	assert_string_equal(text, "op=iscsi_login_failure reason=\"\" exe=? hostname=? addr=? "
				  "terminal=? res=failed");
	f.reason = "k=v";
	audit_format_kernel(AUDIT_LOGIN_FAILURE, &f, "/opt/my bin/iscsid", text, sizeof(text));
	assert_string_equal(text, "op=iscsi_login_failure reason=6B3D76 "
				  "exe=2F6F70742F6D792062696E2F697363736964 hostname=? addr=? "
				  "terminal=? res=failed");
	/* A scoped link-local address is an address. */
	f.reason = NULL;
	f.portal = "[fe80::1%eth0]:3260";
	audit_format_kernel(AUDIT_LOGIN_FAILURE, &f, NULL, text, sizeof(text));
	assert_non_null(strstr(text, " addr=fe80::1%eth0 "));
	f.portal = "[::1 res=success]:3260";
	audit_format_kernel(AUDIT_LOGIN_FAILURE, &f, NULL, text, sizeof(text));
	assert_non_null(strstr(text, " addr=? "));
	f.portal = "[::1";
	audit_format_kernel(AUDIT_LOGIN_FAILURE, &f, NULL, text, sizeof(text));
	assert_non_null(strstr(text, " addr=? "));
}

/* ---- cut records ---- */

static void check_cut(bool kernel, const struct audit_fields *f, const char *full, size_t size)
{
	char text[AUDIT_KERNEL_TEXT_MAX + 1];
	struct pair ps[32];
	size_t len = strlen(full);

	memset(text, 'Z', sizeof(text));
	int rc = kernel ? audit_format_kernel(AUDIT_AUTH_FAILURE, f, EXE, text, size)
			: audit_format(AUDIT_AUTH_FAILURE, f, text, size);
	if (size == 0) {
		assert_int_equal(rc, -1);
		assert_int_equal(text[0], 'Z');        /* nothing written */
		return;
	}
	assert_true(strlen(text) < size);
	assert_int_equal(text[size], 'Z');             /* nothing past size */
	if (size > len) {
		assert_int_equal(rc, (int)len);
		assert_string_equal(text, full);
		return;
	}
	assert_int_equal(rc, -1);
	if (text[0] == '\0')
		return;                                 /* not even the frame fits */
	/* Whole fields only, marked, and the outcome kept. */
	int n = parse(text, kernel, ps, 32);
	assert_true(n >= 3);
	assert_string_equal(ps[0].key, kernel ? "op" : "event");
	assert_non_null(strstr(text, " truncated=yes"));
	assert_string_equal(ps[n - 1].key, "res");
	assert_string_equal(ps[n - 1].val, "failed");
	for (int i = 1; i < n; i++) {
		const char *want = NULL;
		if (!strcmp(ps[i].key, "target"))
			want = f->target;
		else if (!strcmp(ps[i].key, "reason"))
			want = f->reason;
		if (want)
			assert_string_equal(ps[i].val, want);
	}
}

static void truncation_cuts_between_fields(void **state)
{
	struct audit_fields f = login_fields();
	char full[AUDIT_KERNEL_TEXT_MAX], big[3000];

	(void)state;
	f.alg = "MD5";
	f.direction = "initiator";
	f.reason = "\"quoted\" and\nbroken \xc3\xa9";
	for (int kernel = 0; kernel < 2; kernel++) {
		int len = kernel ? audit_format_kernel(AUDIT_AUTH_FAILURE, &f, EXE, full, sizeof(full))
				 : audit_format(AUDIT_AUTH_FAILURE, &f, full, sizeof(full));
		assert_true(len > 0);
		for (size_t size = 0; size <= (size_t)len + 2; size++)
			check_cut(kernel, &f, full, size);
	}
	/* A reason too long for audit_emit()'s buffer: the record is cut
	 * before it, not in its middle. */
	memset(big, 'r', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	f.reason = big;
	assert_int_equal(audit_format(AUDIT_AUTH_FAILURE, &f, full, AUDIT_TEXT_MAX), -1);
	assert_null(strstr(full, "reason="));
	assert_non_null(strstr(full, " direction=initiator truncated=yes res=failed"));
}

/* ---- audit_emit ---- */

/* Runs audit_emit() with stderr sent to a file; returns what it wrote. */
static char *emit_capturing(enum audit_event ev, const struct audit_fields *f)
{
	static char got[4096];
	FILE *tmp = tmpfile();
	int saved = dup(2);

	assert_non_null(tmp);
	fflush(stderr);
	dup2(fileno(tmp), 2);
	errno = ENOENT;
	audit_emit(ev, f);
	assert_int_equal(errno, ENOENT);        /* the caller's errno survives */
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	rewind(tmp);
	size_t n = fread(got, 1, sizeof(got) - 1, tmp);
	got[n] = '\0';
	fclose(tmp);
	return got;
}

static void emit_echoes_on_stderr(void **state)
{
	struct audit_fields f = AUDIT_FIELDS_INIT;

	(void)state;
	log_init("test_audit", LOG_TO_STDERR, 0);
	audit_init("test_audit");
	f.uid = 65534;
	f.pid = 99;
	f.request = "login";
	f.reason = "only root may";
	assert_string_equal(emit_capturing(AUDIT_REQUEST_REFUSED, &f),
			    "test_audit: audit: event=request_refused reason=\"only root may\" "
			    "caller_uid=65534 caller_pid=99 request=login res=failed\n");
	/* A hostile value cannot add a line to the echo either. */
	f.reason = "x\nevent=login_success";
	assert_string_equal(emit_capturing(AUDIT_REQUEST_REFUSED, &f),
			    "test_audit: audit: event=request_refused "
			    "reason=\"x\\x0aevent=login_success\" caller_uid=65534 caller_pid=99 "
			    "request=login res=failed\n");
}

static void emit_echo_level(void **state)
{
	struct audit_fields f = AUDIT_FIELDS_INIT;

	(void)state;
	log_init("iscsiadm", LOG_TO_STDERR, 0);
	audit_set_echo_level(1);
	assert_string_equal(emit_capturing(AUDIT_LOGOUT, &f), "");
	log_init("iscsiadm", LOG_TO_STDERR, 1);
	assert_string_equal(emit_capturing(AUDIT_LOGOUT, &f),
			    "iscsiadm: debug: audit: event=logout res=success\n");
	audit_set_echo_level(0);
	log_init("iscsiadm", LOG_TO_STDERR, 0);
	/* An unknown event is dropped, not sent half-made. */
	assert_string_equal(emit_capturing(AUDIT_EVENT_COUNT, &f), "");
	assert_string_equal(emit_capturing(AUDIT_LOGOUT, NULL), "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(event_names_are_stable),
		cmocka_unit_test(outcome_of_each_event),
		cmocka_unit_test(every_event_formatted),
		cmocka_unit_test(unset_fields_left_out),
		cmocka_unit_test(hostile_values_stay_one_parseable_line),
		cmocka_unit_test(exact_escapes),
		cmocka_unit_test(truncation_cuts_between_fields),
		cmocka_unit_test(emit_echoes_on_stderr),
		cmocka_unit_test(emit_echo_level),
	};

	return cmocka_run_group_tests_name("audit", tests, NULL, NULL);
}
