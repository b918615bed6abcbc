/* The pure half of iscsiadm's login, logout, rescan and stats: which
 * records and sessions an option selects, the lines printed for them and
 * the exit code of a batch, as open-iscsi 2.1.8 decides them. Nothing
 * here reads the database, sysfs or the control socket, so every rule is
 * unit-tested on its own (tests/unit/test_adm_ops.c).
 *
 * Lines (stdout unless marked stderr, which gets "iscsiadm: " in front):
 *   Logging in to [iface: I, target: T, portal: A,P]
 *   Logging in to [iface: I, target: T, portal: A,P] (multiple)
 *        (a record with nr_sessions > 1, and -m session -r SID -o new)
 *   Login to [iface: I, target: T, portal: A,P] successful.
 *   Could not login to [iface: I, target: T, portal: A,P].          stderr
 *   initiator reported error (N - text)                             stderr
 *   I: N session(s) requested, but M already present.               stderr
 *   Logging out of session [sid: N, target: T, portal: A,P]
 *   Logout of [sid: N, target: T, portal: A,P] successful.
 *   Could not logout of [sid: N, target: T, portal: A,P].           stderr
 *   Rescanning session [sid: N, target: T, portal: A,P]
 *   Stats for session [sid: N, target: T, portal: A,P]
 * Portals are "address,port" without brackets, even for IPv6; a
 * session's portal is its persistent address with the connection's
 * port, as open-iscsi prints them. */
#ifndef ADM_OPS_PLAN_H
#define ADM_OPS_PLAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kernel/sysfs.h"
#include "records/db.h"

/* -L and -U arguments (node.startup values, and "all"). */
enum adm_startup {
	ADM_STARTUP_ALL,
	ADM_STARTUP_MANUAL,
	ADM_STARTUP_AUTOMATIC,
	ADM_STARTUP_ONBOOT,
};

/* -L accepts all, manual, automatic and onboot; -U (logout true) all,
 * manual and automatic only: an onboot session is never logged out by
 * -U, so that a root file system on iSCSI survives "-U all". 0 or -1. */
int adm_startup_parse(const char *arg, bool logout, enum adm_startup *out);

/* Does a record with these node.startup and node.conn[0].startup values
 * belong to mode? "all" takes every record (onboot ones too, for -L). */
bool adm_startup_match(enum adm_startup mode, const char *startup, const char *conn_startup);

/* -U: is a session whose record has these values logged out? Never when
 * node.startup is onboot, whatever the mode. */
bool adm_logoutall_match(enum adm_startup mode, const char *startup, const char *conn_startup);

/* A session selection: -T, -p and -I of node mode, or one sid. NULL / 0
 * fields match anything; sid ADM_SID_ANY matches every session. */
#define ADM_SID_ANY UINT32_MAX
struct adm_session_filter {
	const char *target;
	const char *addr;       /* numeric, compared after normalisation */
	int port;
	const char *iface;
	uint32_t sid;
};

/* The session's record key fields are target, persistent portal, iface. */
bool adm_session_match(const struct adm_session_filter *f, const struct ksys_session *s);

/* Sessions of record k (same target, persistent portal and iface), as
 * login counts them against node.session.nr_sessions. */
size_t adm_sessions_of_record(const struct rec_key *k, const struct ksys_sessions *ss);

/* How many LOGINs iscsiadm sends for a record that wants nr_sessions
 * and has present sessions: the missing ones, each its own session (0:
 * the record is refused with the "already present" line, 15). */
size_t adm_logins_wanted(long nr_sessions, size_t present);

/* Does any session log in to target (leading login: one per target)? */
bool adm_target_has_session(const char *target, const struct ksys_sessions *ss);

/* The port open-iscsi prints for a session: the connection's, else the
 * persistent one. */
int adm_session_port(const struct ksys_session *s);

/* ---- lines (no newline, no "iscsiadm: ") ---- */
/* multiple: open-iscsi's " (multiple)" suffix, for a login that is one
 * of several sessions of the record. */
void adm_fmt_login_start(char *buf, size_t size, const struct rec_key *k, bool multiple);
void adm_fmt_login_ok(char *buf, size_t size, const struct rec_key *k);
void adm_fmt_login_fail(char *buf, size_t size, const struct rec_key *k);
void adm_fmt_already_present(char *buf, size_t size, const char *iface, long requested,
			     size_t present);
void adm_fmt_logout_start(char *buf, size_t size, const struct ksys_session *s);
void adm_fmt_logout_ok(char *buf, size_t size, const struct ksys_session *s);
void adm_fmt_logout_fail(char *buf, size_t size, const struct ksys_session *s);
void adm_fmt_rescan_start(char *buf, size_t size, const struct ksys_session *s);
void adm_fmt_stats_head(char *buf, size_t size, const struct ksys_session *s);
/* "initiator reported error (N - text)" */
void adm_fmt_initiator_error(char *buf, size_t size, int code);

/* ---- exit codes of a batch ----
 * pre[i]: what happened to item i before iscsid answered (0 when its
 * request was sent; an exit code when it was refused on the spot: a
 * session already present, iscsid unreachable). res[i]: iscsid's answer
 * (only read where pre[i] is 0).
 * login:  the first refusal, else the first failed answer, in item order;
 * logout: the first refusal, else the LAST failed answer (open-iscsi
 *         keeps overwriting it while it waits), and ISCSI_ERR_NO_OBJS_FOUND
 *         when no request at all could be sent. */
int adm_login_batch_rc(const int *pre, const int *res, size_t n);
int adm_logout_batch_rc(const int *pre, const int *res, size_t n);

#endif
