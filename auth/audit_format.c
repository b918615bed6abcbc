/* The two texts of an audit record: the key=value line syslog gets and
 * the user message the Linux audit subsystem gets. Both are built from
 * one ordered list of fields, so the catalogue in SECURITY.md describes
 * them once. Every value that could come from a peer or a user (target
 * names, reasons, record names) is encoded so that one record stays one
 * line that a parser splits the same way whatever the value holds. */
#include "auth/audit.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

/* User-space message types, in libaudit's numbering: the kernel's uapi
 * header names only the ranges (1100-1199, 2100-2999) it accepts. */
enum {
	AUDIT_MSG_USER_AUTH = 1100,     /* an authentication attempt and its result */
	AUDIT_MSG_USER_ACCT = 1101,     /* an authorization decision about a user */
	AUDIT_MSG_USYS_CONFIG = 1111,   /* a change to the system's configuration */
	AUDIT_MSG_USER_LOGIN = 1112,
	AUDIT_MSG_USER_LOGOUT = 1113,
	AUDIT_MSG_RESP_KILL_PROC = 2202, /* a process killed in response to an anomaly */
};

static const struct {
	const char *name;
	int type;
	bool failure;
} events[AUDIT_EVENT_COUNT] = {
	[AUDIT_AUTH_SUCCESS] = { "auth_success", AUDIT_MSG_USER_AUTH, false },
	[AUDIT_AUTH_FAILURE] = { "auth_failure", AUDIT_MSG_USER_AUTH, true },
	[AUDIT_AUTH_DOWNGRADE] = { "auth_downgrade", AUDIT_MSG_USER_AUTH, true },
	[AUDIT_LOGIN_SUCCESS] = { "login_success", AUDIT_MSG_USER_LOGIN, false },
	[AUDIT_LOGIN_FAILURE] = { "login_failure", AUDIT_MSG_USER_LOGIN, true },
	[AUDIT_LOGOUT] = { "logout", AUDIT_MSG_USER_LOGOUT, false },
	/* The monitor's response to a worker that broke the CHAP protocol
	 * (a sign the worker is compromised): auditd's "kill program". */
	[AUDIT_WORKER_KILLED] = { "worker_killed", AUDIT_MSG_RESP_KILL_PROC, true },
	/* The caller policy is an authorization decision about a local
	 * user, which is what USER_ACCT records (PAM's account check). */
	[AUDIT_REQUEST_REFUSED] = { "request_refused", AUDIT_MSG_USER_ACCT, true },
	[AUDIT_RECORD_AUTH_CHANGED] = { "record_auth_changed", AUDIT_MSG_USYS_CONFIG, false },
};

static bool known(enum audit_event ev)
{
	return (unsigned)ev < AUDIT_EVENT_COUNT;
}

const char *audit_event_name(enum audit_event ev)
{
	return known(ev) ? events[ev].name : "unknown";
}

int audit_message_type(enum audit_event ev)
{
	return known(ev) ? events[ev].type : 0;
}

bool audit_succeeded(enum audit_event ev, const struct audit_fields *f)
{
	if (!known(ev) || events[ev].failure)
		return false;
	return !(ev == AUDIT_LOGOUT && f && f->exit_code > 0);
}

/* ---- the ordered fields of a record ---- */

struct field {
	const char *key;
	const char *str;        /* NULL: a number */
	long num;
};

#define MAX_FIELDS 16

/* The fields f sets, in catalogue order. The acting user's numbers are
 * caller_uid/caller_pid and the exit code exit_code, because the audit
 * log's own uid=, pid= and exit= describe the sending process and a
 * system call. */
static size_t collect(const struct audit_fields *f, struct field *out)
{
	size_t n = 0;

#define STR(k, v) do { if (v) out[n++] = (struct field){ k, v, 0 }; } while (0)
#define NUM(k, v) do { if ((v) >= 0) out[n++] = (struct field){ k, NULL, (long)(v) }; } while (0)
	STR("session", f->session);
	STR("target", f->target);
	STR("portal", f->portal);
	STR("iface", f->iface);
	NUM("sid", f->sid);
	STR("alg", f->alg);
	if (f->mutual >= 0)
		STR("mutual", f->mutual ? "yes" : "no");
	STR("direction", f->direction);
	NUM("exit_code", f->exit_code);
	STR("reason", f->reason);
	NUM("caller_uid", f->uid);
	NUM("caller_pid", f->pid);
	STR("request", f->request);
	STR("record", f->record);
	STR("keys", f->keys);
#undef STR
#undef NUM
	return n;
}

/* ---- output that is cut only between fields ---- */

struct sink {
	char *buf;
	size_t cap;             /* bytes usable before the terminating NUL */
	size_t len;             /* bytes wanted so far, may exceed cap */
};

static void put_c(struct sink *s, char c)
{
	if (s->len < s->cap)
		s->buf[s->len] = c;
	s->len++;
}

static void put_s(struct sink *s, const char *str)
{
	while (*str)
		put_c(s, *str++);
}

static void put_hex(struct sink *s, unsigned char c, const char *digits)
{
	put_c(s, digits[c >> 4]);
	put_c(s, digits[c & 15]);
}

static void put_num(struct sink *s, long v)
{
	char num[24];

	snprintf(num, sizeof(num), "%ld", v);
	put_s(s, num);
}

/* syslog: bare when every byte is printable ASCII other than a blank,
 * '"', '\\' and '='; otherwise in double quotes, where '"', '\\', control
 * bytes, DEL and every byte >= 0x80 become \xNN (lower case). */
static bool syslog_bare_byte(unsigned char c)
{
	return c > 0x20 && c < 0x7f && c != '"' && c != '\\' && c != '=';
}

static void put_syslog_value(struct sink *s, const char *v)
{
	const unsigned char *p = (const unsigned char *)v;
	bool bare = *p != '\0';

	for (const unsigned char *q = p; *q && bare; q++)
		bare = syslog_bare_byte(*q);
	if (bare) {
		put_s(s, v);
		return;
	}
	put_c(s, '"');
	for (; *p; p++) {
		if (*p >= 0x20 && *p < 0x7f && *p != '"' && *p != '\\') {
			put_c(s, (char)*p);
		} else {
			put_s(s, "\\x");
			put_hex(s, *p, "0123456789abcdef");
		}
	}
	put_c(s, '"');
}

/* Linux audit, as libaudit encodes an untrusted value: in double quotes
 * when clean, else the bytes in upper-case hex without quotes (what
 * ausearch -i decodes). Besides blanks, quotes and non-ASCII, a single
 * quote (the kernel wraps the message in msg='...') and '=' count as
 * unclean. */
static void put_kernel_value(struct sink *s, const char *v)
{
	const unsigned char *p = (const unsigned char *)v;
	bool clean = true;

	for (const unsigned char *q = p; *q && clean; q++)
		clean = *q > 0x20 && *q < 0x7f && *q != '"' && *q != '\'' && *q != '=';
	if (clean) {
		put_c(s, '"');
		put_s(s, v);
		put_c(s, '"');
		return;
	}
	for (; *p; p++)
		put_hex(s, *p, "0123456789ABCDEF");
}

typedef void (*put_value_fn)(struct sink *s, const char *v);

static void put_field(struct sink *s, const struct field *fl, put_value_fn put_value)
{
	put_c(s, ' ');
	put_s(s, fl->key);
	put_c(s, '=');
	if (fl->str)
		put_value(s, fl->str);
	else
		put_num(s, fl->num);
}

/* head, then the fields, then tail ("... res=..."). When everything does
 * not fit in size, as many whole fields as leave room for
 * " truncated=yes" and the tail, and -1. */
static int assemble(const char *head, const struct field *fields, size_t n, const char *tail,
		    put_value_fn put_value, char *out, size_t size)
{
	static const char cut_mark[] = " truncated=yes";
	struct sink s = { .buf = out, .cap = size ? size - 1 : 0 };

	if (!out || size == 0)
		return -1;
	put_s(&s, head);
	for (size_t i = 0; i < n; i++)
		put_field(&s, &fields[i], put_value);
	put_s(&s, tail);
	if (s.len <= s.cap) {
		out[s.len] = '\0';
		return (int)s.len;
	}
	size_t reserve = strlen(cut_mark) + strlen(tail);
	s.len = 0;
	put_s(&s, head);
	if (s.len + reserve > s.cap) {
		out[0] = '\0';          /* not even the frame fits */
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		size_t mark = s.len;
		put_field(&s, &fields[i], put_value);
		if (s.len + reserve > s.cap) {
			s.len = mark;
			break;
		}
	}
	put_s(&s, cut_mark);
	put_s(&s, tail);
	out[s.len] = '\0';
	return -1;
}

static const char *res_text(enum audit_event ev, const struct audit_fields *f)
{
	return audit_succeeded(ev, f) ? "success" : "failed";
}

int audit_format(enum audit_event ev, const struct audit_fields *f, char *out, size_t size)
{
	struct field fields[MAX_FIELDS];
	char head[48], tail[24];

	if (!known(ev) || !f) {
		if (out && size)
			out[0] = '\0';
		return -1;
	}
	snprintf(head, sizeof(head), "event=%s", events[ev].name);
	snprintf(tail, sizeof(tail), " res=%s", res_text(ev, f));
	return assemble(head, fields, collect(f, fields), tail, put_syslog_value, out, size);
}

/* The address part of "addr:port" / "[v6]:port", when it looks like a
 * numeric address; "?" otherwise (auditd reads addr= unquoted). */
static void portal_addr(const char *portal, char *out, size_t size)
{
	const char *start = portal, *end = NULL;

	snprintf(out, size, "?");
	if (!portal)
		return;
	if (*portal == '[') {
		start = portal + 1;
		end = strchr(start, ']');
	} else {
		end = strrchr(portal, ':');
		if (!end)
			end = portal + strlen(portal);
	}
	if (!end || end == start || (size_t)(end - start) >= size)
		return;
	/* Digits, hex letters, '.', ':' and a %scope (an interface name). */
	for (const char *p = start; p < end; p++)
		if (!isalnum((unsigned char)*p) && !strchr(".:%-_", *p))
			return;
	snprintf(out, size, "%.*s", (int)(end - start), start);
}

int audit_format_kernel(enum audit_event ev, const struct audit_fields *f, const char *exe,
			char *out, size_t size)
{
	struct field fields[MAX_FIELDS];
	char head[48], addr[64], exe_text[2 * 1024 + 8], tail[sizeof(exe_text) + 128];

	if (!known(ev) || !f) {
		if (out && size)
			out[0] = '\0';
		return -1;
	}
	snprintf(head, sizeof(head), "op=iscsi_%s", events[ev].name);
	if (exe && *exe) {
		struct sink s = { .buf = exe_text, .cap = sizeof(exe_text) - 1 };
		put_kernel_value(&s, exe);
		if (s.len > s.cap)
			s.len = (size_t)snprintf(exe_text, sizeof(exe_text), "?");
		exe_text[s.len] = '\0';
	} else {
		snprintf(exe_text, sizeof(exe_text), "?");
	}
	portal_addr(f->portal, addr, sizeof(addr));
	snprintf(tail, sizeof(tail), " exe=%s hostname=? addr=%s terminal=? res=%s", exe_text,
		 addr, res_text(ev, f));
	return assemble(head, fields, collect(f, fields), tail, put_kernel_value, out, size);
}
