/* Audit records of authentication events: one stable key=value line to
 * syslog (facility authpriv) and, when the kernel has audit, the same
 * fields as a user message to the Linux audit subsystem (NETLINK_AUDIT),
 * where auditd, ausearch and SIEM pipelines find them.
 *
 * The catalogue of events and fields is in SECURITY.md ("Audit
 * catalogue"); names and fields here never change meaning once released.
 * Values never hold a secret, a challenge or a response: callers pass
 * names, addresses, algorithm names, exit codes and one-line reasons.
 *
 * Emitting never blocks the caller for long and never fails it: a
 * missing syslog daemon or a kernel without audit (or a caller without
 * CAP_AUDIT_WRITE) only loses that copy of the record. */
#ifndef AUTH_AUDIT_H
#define AUTH_AUDIT_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

enum audit_event {
	AUDIT_AUTH_SUCCESS,             /* event=auth_success: CHAP passed (mutual=yes: both ways) */
	AUDIT_AUTH_FAILURE,             /* event=auth_failure: CHAP failed; direction says whose proof */
	AUDIT_AUTH_DOWNGRADE,           /* event=auth_downgrade: target skipped required authentication */
	AUDIT_LOGIN_SUCCESS,            /* event=login_success */
	AUDIT_LOGIN_FAILURE,            /* event=login_failure: any failed login, with exit and reason */
	AUDIT_LOGOUT,                   /* event=logout */
	AUDIT_WORKER_KILLED,            /* event=worker_killed: a worker broke the CHAP protocol */
	AUDIT_REQUEST_REFUSED,          /* event=request_refused: control-socket request denied */
	AUDIT_RECORD_AUTH_CHANGED,      /* event=record_auth_changed: auth keys of a record written */
	AUDIT_EVENT_COUNT
};

/* Every member is optional: NULL strings and negative numbers are left
 * out of the record. */
struct audit_fields {
	const char *session;            /* "normal" or "discovery" */
	const char *target;             /* iSCSI target name */
	const char *portal;             /* "address:port" ("[v6]:port") */
	const char *iface;              /* iface name */
	int sid;                        /* kernel session id, -1 none */
	const char *alg;                /* CHAP algorithm: MD5 SHA1 SHA256 SHA3-256 */
	int mutual;                     /* 1 yes, 0 no, -1 not applicable */
	const char *direction;          /* auth_failure: "initiator" (target refused us) or
	                                   "target" (the target failed to prove itself) */
	int exit_code;                  /* iscsiadm exit code, -1 none */
	const char *reason;             /* one line, no secret */
	long uid;                       /* acting user (control requests, record changes), -1 none */
	long pid;                       /* acting process, -1 none */
	const char *request;            /* control request name */
	const char *record;             /* record changed: "node T,P,I" / "discovery P" */
	const char *keys;               /* comma-separated key names changed (never values) */
};

/* All numbers -1, all strings NULL. */
#define AUDIT_FIELDS_INIT { .sid = -1, .mutual = -1, .exit_code = -1, .uid = -1, .pid = -1 }

/* program: the name shown in syslog ("iscsid", "iscsiadm"; exe= in
 * audit is the program's path, read here). Optional; without it the
 * records still go out. */
void audit_init(const char *program);

void audit_emit(enum audit_event ev, const struct audit_fields *f);

/* worker_killed: a worker broken off for misbehaving (session "normal"
 * or "discovery"; target may be NULL). */
void audit_worker_killed(const char *session, const char *target, const char *portal, long pid,
			 const char *why);

/* The stable name of an event ("auth_success"), for tests and docs. */
const char *audit_event_name(enum audit_event ev);

/* Formats the key=value text of a record (what syslog gets after the
 * program prefix) into out; returns its length, or -1 when it did not
 * fit (out then holds a cut, still-terminated text). For tests. */
int audit_format(enum audit_event ev, const struct audit_fields *f, char *out, size_t size);

/* ---- additions (auth/audit_format.c, auth/audit.c) ---- */

/* Room audit_emit() gives each text; longer records are cut as above. */
#define AUDIT_TEXT_MAX 2048
#define AUDIT_KERNEL_TEXT_MAX 4096

/* The Linux audit message type of an event: 1100 USER_AUTH, 1101
 * USER_ACCT, 1111 USYS_CONFIG, 1112 USER_LOGIN, 1113 USER_LOGOUT, 2202
 * RESP_KILL_PROC (libaudit's numbering); 0 for an unknown event. */
int audit_message_type(enum audit_event ev);

/* Whether the record says res=success (syslog priority notice) rather
 * than res=failed (warning): false for failures and refusals, and for a
 * logout with a non-zero exit_code. */
bool audit_succeeded(enum audit_event ev, const struct audit_fields *f);

/* The text of the Linux audit user message, as libaudit writes one:
 * "op=iscsi_<event> <fields> exe=<exe> hostname=? addr=<portal address
 * or ?> terminal=? res=success|failed", string values quoted, or
 * hex-encoded when they hold a blank, a quote, '=' or a byte outside
 * printable ASCII. exe NULL gives exe=?. Returns and cuts as
 * audit_format(). */
int audit_format_kernel(enum audit_event ev, const struct audit_fields *f, const char *exe,
			char *out, size_t size);

/* The echo of each record on a stderr log: 0 (default) with log_info(),
 * so a foreground iscsid and the test tools show it; n > 0 only at debug
 * level n, for a command whose stderr is its user interface (iscsiadm). */
void audit_set_echo_level(int level);

#endif
