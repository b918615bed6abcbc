/* Every message between iscsiadm (or any control client) and iscsid,
 * declared once.
 *
 * control/ctl_msg.h turns this table into enum ctl_type, one payload
 * struct per message and one field-descriptor array per message;
 * control/ctl_codec.c encodes and decodes every message by walking those
 * descriptors. Nothing else describes a layout. Adding a message is one
 * CTL_TABLE line and one CTL_FIELDS_<NAME> list; a new request also needs
 * its row in policy/callers.c, or every caller is refused.
 *
 *   M(code, NAME, name, sender, request)
 *	code     the wire type, 1..65535, never reused for something else;
 *	         requests below 0x8000, responses from 0x8000
 *	sender   CTL_BY_CLIENT or CTL_BY_DAEMON: the only side that may send it
 *	request  for a request, the enum ctl_request (policy/callers.h) the
 *	         daemon checks the caller against; 0 for a response
 *
 *   CTL_FIELDS_<NAME>(F, S), the payload in wire order, S being the struct:
 *	F(S, U8|U16|U32|U64, member, min, max)  big-endian integer in [min, max]
 *	F(S, STR, member, min, max)             16-bit length, then that many
 *	                                        bytes; length in [min, max]; no
 *	                                        NUL and no control character;
 *	                                        a terminated char[max + 1]
 *
 * Conversation: the client sends one request per message; the daemon
 * answers with zero or more data responses (PONG, DISC_RECORD, ...) and
 * always ends with exactly one RESULT. The client may then send its next
 * request on the same connection. */
#ifndef CONTROL_CTL_TYPES_H
#define CONTROL_CTL_TYPES_H

#include "base/exitcodes.h"
#include "policy/callers.h"

/* In the header of every frame, both ways. Raised whenever a layout below
 * changes; the frame header itself (control/ctl_msg.h) never changes, so
 * either side can always tell the other's version and say so. */
#define CTL_PROTO_VERSION 2

#define CTL_ISCSI_NAME_MAX 223          /* RFC 7143 4.2.7.1 */
#define CTL_ADDRESS_MAX 255             /* a DNS name or an IP literal */
#define CTL_PORTAL_MAX (CTL_ADDRESS_MAX + 8)    /* "[addr]:port" */
#define CTL_IFACE_MAX 63                /* records/schema.h REC_IFACE_NAME_MAX - 1 */
#define CTL_TEXT_MAX 255
#define CTL_IFACES_COUNT 8
#define CTL_IFACES_MAX (CTL_IFACES_COUNT * (CTL_IFACE_MAX + 1) - 1)

/* DISCOVERY_ST ops, open-iscsi's -o values for discovery: which changes
 * to the node database the results may make. */
enum ctl_disc_op {
	CTL_DISC_OP_NEW = 1u << 0,              /* -o new: add records not yet there */
	CTL_DISC_OP_DELETE = 1u << 1,           /* -o delete: remove stale records */
	CTL_DISC_OP_UPDATE = 1u << 2,           /* -o update: refresh existing ones */
	CTL_DISC_OP_NONPERSISTENT = 1u << 3,    /* -o nonpersistent: write nothing */
};
#define CTL_DISC_OP_ALL 0xfu

/* DISCOVERY_ST flags. */
#define CTL_DISC_F_LOGIN 1u     /* -l: log in to what was found (later issue) */
#define CTL_DISC_F_ALL 1u

#define CTL_TABLE(M)                                                                    \
	M(0x0001, PING,          ping,          CTL_BY_CLIENT, CTL_PING)                \
	M(0x0002, DISCOVERY_ST,  discovery_st,  CTL_BY_CLIENT, CTL_DISCOVERY)           \
	M(0x0003, DAEMON_STATUS, daemon_status, CTL_BY_CLIENT, CTL_DAEMON_STATUS)       \
	M(0x0004, DAEMON_STOP,   daemon_stop,   CTL_BY_CLIENT, CTL_DAEMON_STOP)         \
	M(0x0005, LOGIN,         login,         CTL_BY_CLIENT, CTL_LOGIN)               \
	M(0x0006, LOGOUT,        logout,        CTL_BY_CLIENT, CTL_LOGOUT)              \
	M(0x0007, SESSION_RESCAN, session_rescan, CTL_BY_CLIENT, CTL_SESSION_RESCAN)    \
	M(0x0008, SESSION_STATS, session_stats, CTL_BY_CLIENT, CTL_SESSION_STATS)       \
	M(0x0009, SESSION_LIST,  session_list,  CTL_BY_CLIENT, CTL_SESSION_LIST)        \
	M(0x8001, RESULT,        result,        CTL_BY_DAEMON, 0)                       \
	M(0x8002, PONG,          pong,          CTL_BY_DAEMON, 0)                       \
	M(0x8003, DISC_RECORD,   disc_record,   CTL_BY_DAEMON, 0)                       \
	M(0x8004, DAEMON_INFO,   daemon_info,   CTL_BY_DAEMON, 0)                       \
	M(0x8005, WORKER_INFO,   worker_info,   CTL_BY_DAEMON, 0)                       \
	M(0x8006, SESSION_ENTRY, session_entry, CTL_BY_DAEMON, 0)                       \
	M(0x8007, STAT,          stat,          CTL_BY_DAEMON, 0)

/* Which data responses may answer which request (RESULT ends every
 * request and is not listed). A client refuses anything else as a
 * protocol error; the daemon checks itself before sending. */
#define CTL_ANSWERS(A)                                                                  \
	A(PING, PONG)                                                                   \
	A(DISCOVERY_ST, DISC_RECORD)                                                    \
	A(DAEMON_STATUS, DAEMON_INFO)                                                   \
	A(DAEMON_STATUS, WORKER_INFO)                                                   \
	A(LOGIN, SESSION_ENTRY)                                                         \
	A(SESSION_LIST, SESSION_ENTRY)                                                  \
	A(SESSION_STATS, STAT)

/* Is iscsid there, and which program version answers. */
#define CTL_FIELDS_PING(F, S)

/* iscsiadm -m discovery -t st -p PORTAL [-I IFACE]... [-o OP]... [-l].
 * portal as the user typed it (address[:port], [v6][:port], host name);
 * ifaces: the -I names joined by ',' (iface names never hold one), at
 * most CTL_IFACES_COUNT, "" for the default iface; ops 0 is open-iscsi's
 * default for a discovery without -o (new, delete and update). */
#define CTL_FIELDS_DISCOVERY_ST(F, S)                                                   \
	F(S, STR, portal, 1, CTL_PORTAL_MAX)                                            \
	F(S, STR, ifaces, 0, CTL_IFACES_MAX)                                            \
	F(S, U32, ops, 0, CTL_DISC_OP_ALL)                                              \
	F(S, U32, flags, 0, CTL_DISC_F_ALL)

/* iscsid's own state: DAEMON_INFO, then one WORKER_INFO per live or
 * queued job. */
#define CTL_FIELDS_DAEMON_STATUS(F, S)

/* iscsiadm -k 0: stop iscsid as SIGTERM would (sessions stay logged in). */
#define CTL_FIELDS_DAEMON_STOP(F, S)

/* LOGIN flags. */
#define CTL_LOGIN_F_NO_WAIT 1u  /* --no_wait: answer once the login has started */
#define CTL_LOGIN_F_NEW 2u      /* -m session -r SID -o new: one more session */
#define CTL_LOGIN_F_ALL 3u

/* iscsiadm -m node -T -p [-I] --login, and each record of -L: one session
 * of the node record stored under (target_name, address, port, iface),
 * using the record's settings as they are in the database now. address
 * and port are the record's portal as stored (numeric). iscsid keeps a
 * record at node.session.nr_sessions sessions: counting the sessions it
 * has and the logins under way for it, a LOGIN that would make one too
 * many is RESULT 15 (ISCSI_ERR_SESS_EXISTS) when the sessions are there,
 * and waits for the logins under way otherwise, to be decided again once
 * they end. CTL_LOGIN_F_NEW asks for one session more whatever that
 * count is (open-iscsi's "multiple" login). Answer: on success one
 * SESSION_ENTRY (the new session), then RESULT 0; failures carry the
 * login's exit code and one line. */
#define CTL_FIELDS_LOGIN(F, S)                                                          \
	F(S, STR, target_name, 1, CTL_ISCSI_NAME_MAX)                                   \
	F(S, STR, address, 1, CTL_ADDRESS_MAX)                                          \
	F(S, U16, port, 1, 65535)                                                       \
	F(S, STR, iface, 1, CTL_IFACE_MAX)                                              \
	F(S, U32, flags, 0, CTL_LOGIN_F_ALL)

/* Log out of session sid (the N of /sys/class/iscsi_session/sessionN),
 * remove its SCSI devices and its kernel objects. RESULT 0, or 21
 * (ISCSI_ERR_NO_OBJS_FOUND) when there is no such session. */
#define CTL_FIELDS_LOGOUT(F, S)                                                         \
	F(S, U32, sid, 0, 0x7fffffff)

/* Scan session sid's SCSI host for LUNs (new ones appear, as with
 * open-iscsi's --rescan). RESULT 0 once the scan has finished. */
#define CTL_FIELDS_SESSION_RESCAN(F, S)                                                 \
	F(S, U32, sid, 0, 0x7fffffff)

/* The kernel's counters of session sid's connection: STATs, then RESULT. */
#define CTL_FIELDS_SESSION_STATS(F, S)                                                  \
	F(S, U32, sid, 0, 0x7fffffff)

/* iscsid's view of every session it manages: SESSION_ENTRYs, then RESULT. */
#define CTL_FIELDS_SESSION_LIST(F, S)

/* The last answer to every request: an iscsiadm exit code and one line
 * for the user ("" on success). */
#define CTL_FIELDS_RESULT(F, S)                                                         \
	F(S, U32, code, ISCSI_SUCCESS, ISCSI_ERR_SESSION_NOT_CONNECTED)                 \
	F(S, STR, text, 0, CTL_TEXT_MAX)

#define CTL_FIELDS_PONG(F, S)                                                           \
	F(S, STR, version, 1, 32)                                                       \
	F(S, U32, pid, 1, 0x7fffffff)

/* One discovered portal of one target, in the order the target sent them,
 * as written to the database (nonpersistent: not written). has_tpgt 0:
 * the target gave no portal group tag (open-iscsi records -1; tpgt is 0). */
#define CTL_FIELDS_DISC_RECORD(F, S)                                                    \
	F(S, STR, target_name, 1, CTL_ISCSI_NAME_MAX)                                   \
	F(S, STR, address, 1, CTL_ADDRESS_MAX)                                          \
	F(S, U16, port, 1, 65535)                                                       \
	F(S, U8, has_tpgt, 0, 1)                                                        \
	F(S, U16, tpgt, 0, 65535)                                                       \
	F(S, STR, iface, 1, CTL_IFACE_MAX)

#define CTL_FIELDS_DAEMON_INFO(F, S)                                                    \
	F(S, STR, version, 1, 32)                                                       \
	F(S, U32, pid, 1, 0x7fffffff)                                                   \
	F(S, U64, uptime_ms, 0, UINT64_MAX)                                             \
	F(S, U32, max_workers, 1, 65535)                                                \
	F(S, U32, live_workers, 0, 65535)                                               \
	F(S, U32, queued_jobs, 0, 0xffffffff)                                           \
	F(S, U32, clients, 0, 0xffffffff)                                               \
	F(S, U32, debug_level, 0, 8)                                                    \
	F(S, STR, control_group, 0, 64)

/* One job: running in a worker (pid > 0) or waiting for a slot (pid 0). */
#define CTL_FIELDS_WORKER_INFO(F, S)                                                    \
	F(S, U32, pid, 0, 0x7fffffff)                                                   \
	F(S, STR, role, 1, 32)                                                          \
	F(S, STR, state, 1, 32)                                                         \
	F(S, STR, job, 0, CTL_PORTAL_MAX)                                               \
	F(S, U32, age_ms, 0, 0xffffffff)

/* One session as iscsid knows it. state is iscsid's own view of the
 * session, in open-iscsi's words ("NO CHANGE", "CLEANUP", "REOPEN",
 * "REDIRECT"), printed by -m session -P 1 as "Internal iscsid Session
 * State". */
#define CTL_FIELDS_SESSION_ENTRY(F, S)                                                  \
	F(S, U32, sid, 0, 0x7fffffff)                                                   \
	F(S, STR, state, 1, 32)                                                         \
	F(S, STR, target_name, 1, CTL_ISCSI_NAME_MAX)

/* One counter: group 0 is open-iscsi's "iSCSI SNMP:" block (the RFC 4544
 * counters, in the kernel's order), group 1 "iSCSI Extended:" (the
 * transport's own, e.g. tx_sendpage_failures). */
#define CTL_FIELDS_STAT(F, S)                                                           \
	F(S, U8, group, 0, 1)                                                           \
	F(S, STR, name, 1, 64)                                                          \
	F(S, U64, value, 0, UINT64_MAX)

#endif
