/* Every message between the monitor and its workers, declared once.
 *
 * privsep/msg.h turns this table into the enum msg_type and one payload
 * struct per message; privsep/msg.c turns it into the encoder, the decoder
 * and the size bounds. Nothing else describes a layout, so the two sides
 * cannot disagree. Adding a message is one MSG_TABLE line, one
 * MSG_FIELDS_<NAME> list, and its rows in policy/worker_states.c.
 *
 *   M(code, NAME, name, sender, fd)
 *	code    the wire type, 1..65535, never reused for something else
 *	sender  MSG_BY_WORKER or MSG_BY_MONITOR: the only side that may send it
 *	fd      MSG_FD_NONE, or MSG_FD_ONE when exactly one descriptor rides along
 *
 *   MSG_FIELDS_<NAME>(F), the payload in wire order:
 *	F(U8|U16|U32|U64, member, min, max)  big-endian integer in [min, max]
 *	F(STR, member, min, max)             16-bit length, then that many bytes;
 *	                                     length in [min, max], no NUL byte;
 *	                                     a terminated char[max + 1] in the struct
 *	F(BIN, member, min, max)             16-bit length, then that many bytes
 *	                                     (any values); length in [min, max];
 *	                                     uint16_t member_len and
 *	                                     uint8_t member[max] in the struct
 *	F(LIST, member, min, max, ITEM)      16-bit count in [min, max], then that
 *	                                     many items, each the fields of
 *	                                     MSG_ITEM_<ITEM>(F) (integers and
 *	                                     strings only); in the struct
 *	                                     uint16_t member_count and
 *	                                     struct msg_<member>_item member[max]
 *   A message's largest encoding must fit MSG_FRAME_MAX (checked when
 *   compiling).
 */
#ifndef PRIVSEP_MSG_TYPES_H
#define PRIVSEP_MSG_TYPES_H

#include "base/exitcodes.h"
#include "policy/roles.h"
#include "proto/session_pdu.h"

/* Raised whenever a layout changes: HELLO refuses a worker binary built
 * from another version than the monitor (a half-upgraded install). */
#define MSG_PROTO_VERSION 7

/* RFC 3720 3.2.6.1: an iSCSI name is at most 223 bytes. */
#define MSG_ISCSI_NAME_MAX 223
/* A DNS name (255) or an IP literal; TargetAddress without port and tag. */
#define MSG_ADDRESS_MAX 255
#define MSG_LOG_TEXT_MAX 1000

enum msg_log_level {
	MSG_LOG_ERROR = 0,
	MSG_LOG_WARN = 1,
	MSG_LOG_INFO = 2,
	MSG_LOG_DEBUG = 3,
};

#define MSG_TABLE(M)                                                         \
	M(1, HELLO,       hello,       MSG_BY_WORKER,  MSG_FD_NONE)          \
	M(2, LOG,         log,         MSG_BY_WORKER,  MSG_FD_NONE)          \
	M(3, DISC_START,  disc_start,  MSG_BY_MONITOR, MSG_FD_ONE)           \
	M(7, DISC_RECORDS, disc_records, MSG_BY_WORKER, MSG_FD_NONE)         \
	M(5, DISC_DONE,   disc_done,   MSG_BY_WORKER,  MSG_FD_NONE)          \
	M(6, DISC_ERROR,  disc_error,  MSG_BY_WORKER,  MSG_FD_NONE)          \
	M(8, LOGIN_START, login_start, MSG_BY_MONITOR, MSG_FD_ONE)           \
	M(9, LOGIN_DONE,  login_done,  MSG_BY_WORKER,  MSG_FD_NONE)          \
	M(10, LOGIN_ERROR, login_error, MSG_BY_WORKER, MSG_FD_NONE)          \
	M(11, CHAP_CHALLENGE, chap_challenge, MSG_BY_WORKER, MSG_FD_NONE)    \
	M(12, CHAP_ANSWER, chap_answer, MSG_BY_MONITOR, MSG_FD_NONE)         \
	M(13, CHAP_VERIFY, chap_verify, MSG_BY_WORKER, MSG_FD_NONE)          \
	M(14, CHAP_VERDICT, chap_verdict, MSG_BY_MONITOR, MSG_FD_NONE)         \
	M(15, PDU_DECODE, pdu_decode, MSG_BY_MONITOR, MSG_FD_NONE)           \
	M(16, PDU_ASYNC, pdu_async, MSG_BY_WORKER, MSG_FD_NONE)              \
	M(17, PDU_LOGOUT_RSP, pdu_logout_rsp, MSG_BY_WORKER, MSG_FD_NONE)    \
	M(18, PDU_ERROR, pdu_error, MSG_BY_WORKER, MSG_FD_NONE)

/* Retired codes, never to be given to another message: 4 (DISC_RECORD,
 * one portal per frame, before protocol 4 batched them). */

/* First message of every worker, sent once its sandbox is in place and
 * before it has any network descriptor. */
#define MSG_FIELDS_HELLO(F)                                                  \
	F(U32, role, ROLE_FIRST, ROLE_LAST)                                  \
	F(U32, version, MSG_PROTO_VERSION, MSG_PROTO_VERSION)

/* A log line; the monitor logs it with the worker's role and pid, after
 * base/log.c has replaced control characters. */
#define MSG_FIELDS_LOG(F)                                                    \
	F(U8, level, MSG_LOG_ERROR, MSG_LOG_DEBUG)                           \
	F(STR, text, 1, MSG_LOG_TEXT_MAX)

/* Monitor to discovery worker: the TCP connection to the portal, already
 * connected by the monitor (workers cannot create sockets), and what the
 * worker needs to run SendTargets over it. portal is for messages only.
 * max_recv_dsl: the MaxRecvDataSegmentLength to declare (RFC 7143 range
 * 512..2^24-1; 0 for the discovery default, 32768). */
#define MSG_FIELDS_DISC_START(F)                                             \
	F(STR, initiator_name, 1, MSG_ISCSI_NAME_MAX)                        \
	F(STR, initiator_alias, 0, 255)                                      \
	F(STR, portal, 1, MSG_ADDRESS_MAX + 8)                               \
	F(U32, timeout_ms, 1, 3600000)                                       \
	F(U32, max_recv_dsl, 0, 16777215)                                    \
	MSG_AUTH_OFFER(F)

/* Target portals from the SendTargets response, up to MSG_DISC_BATCH_MAX
 * per frame: one frame per portal cost the worker and the driver a system
 * call, a socket buffer and a wake-up each (2,000 portals: ~10 ms). A
 * TargetAddress may leave out ",tpgt" (open-iscsi then records tpgt -1):
 * tpgt_given 0, tpgt 0. */
#define MSG_DISC_BATCH_MAX 64
#define MSG_FIELDS_DISC_RECORDS(F)                                           \
	F(LIST, portals, 1, MSG_DISC_BATCH_MAX, DISC_PORTAL)

#define MSG_ITEM_DISC_PORTAL(F)                                              \
	F(STR, target_name, 1, MSG_ISCSI_NAME_MAX)                           \
	F(STR, address, 1, MSG_ADDRESS_MAX)                                  \
	F(U16, port, 1, 65535)                                               \
	F(U16, tpgt, 0, 65535)                                               \
	F(U8, tpgt_given, 0, 1)

/* Discovery finished; records is how many portals the DISC_RECORDS
 * carried, so the monitor can tell a complete answer from a cut-off one. */
#define MSG_FIELDS_DISC_DONE(F)                                              \
	F(U32, records, 0, 65535)

/* Discovery failed: an iscsiadm exit code, one line for the user, and
 * what went wrong with authentication, if anything (MSG_AUTH_ERROR). */
#define MSG_FIELDS_DISC_ERROR(F)                                             \
	F(U32, code, ISCSI_ERR, ISCSI_ERR_SESSION_NOT_CONNECTED)             \
	F(STR, reason, 1, 255)                                               \
	F(U8, auth_error, MSG_AUTH_ERROR_NONE, MSG_AUTH_ERROR_REJECTED)

/* Authentication a login must do (enum login_auth: 0 None, 1 CHAP, 2
 * mutual CHAP) and the CHAP_A algorithms to offer, by name in order of
 * preference ("SHA256,MD5", node.session.auth.chap_algs). Never a name
 * or a secret: the worker asks the monitor for CHAP_N and CHAP_R. */
#define MSG_AUTH_OFFER(F)                                                    \
	F(U8, auth, 0, 2)                                                    \
	F(STR, chap_algs, 0, 63)

/* How a login's authentication failed, as the worker saw it; the monitor
 * uses it only to word its audit record, next to what it knows itself. */
enum msg_auth_error {
	MSG_AUTH_ERROR_NONE = 0,
	MSG_AUTH_ERROR_DOWNGRADE = 1,   /* required CHAP skipped or refused by the target */
	MSG_AUTH_ERROR_TARGET = 2,      /* the target's CHAP was invalid or failed */
	MSG_AUTH_ERROR_REJECTED = 3,    /* the target refused our credentials (02/01) */
};

/* RFC 7143 ranges of the negotiated numbers (section 13). */
#define MSG_DSL_MIN 512
#define MSG_DSL_MAX 16777215

/* The operational values both ways of a login (offered in LOGIN_START,
 * negotiated in LOGIN_DONE), in the same order: RFC 7143's ranges. */
#define MSG_LOGIN_OPERATIONAL(F)                                             \
	F(U32, max_burst, MSG_DSL_MIN, MSG_DSL_MAX)                          \
	F(U32, first_burst, MSG_DSL_MIN, MSG_DSL_MAX)                        \
	F(U32, max_connections, 1, 65535)                                    \
	F(U32, max_outstanding_r2t, 1, 65535)                                \
	F(U32, time2wait, 0, 3600)                                           \
	F(U32, time2retain, 0, 3600)                                         \
	F(U8, erl, 0, 2)                                                     \
	F(U8, initial_r2t, 0, 1)                                             \
	F(U8, immediate_data, 0, 1)                                          \
	F(U8, data_pdu_in_order, 0, 1)                                       \
	F(U8, data_seq_in_order, 0, 1)

/* Copies those values between any two structs that name them alike: the
 * two messages, struct neg_config (the offer) and struct neg_params (the
 * result). Ranges are checked where the values come from. */
#define MSG_LOGIN_OPERATIONAL_COPY_FIELD_(T, name, lo, hi) msg_op_dst_->name = msg_op_src_->name;
#define MSG_LOGIN_OPERATIONAL_COPY(dst, src)                                 \
	do {                                                                 \
		__typeof__(dst) msg_op_dst_ = (dst);                         \
		__typeof__(src) msg_op_src_ = (src);                         \
		MSG_LOGIN_OPERATIONAL(MSG_LOGIN_OPERATIONAL_COPY_FIELD_)     \
	} while (0)

/* Monitor to login worker: the TCP connection to the portal (connected
 * by the monitor, which keeps its own descriptor of it: after the login
 * the kernel takes the connection over) and the offer, built from the
 * node record by login/offer.h. No secret ever travels here: CHAP goes
 * through the monitor (CHAP_CHALLENGE below).
 * isid: the 6 bytes, big-endian, in the low 48 bits. tsih 0 starts a new
 * session. Digests are enum neg_digest_pref (None, CRC32C, CRC32C,None,
 * None,CRC32C). portal is for messages only. */
#define MSG_FIELDS_LOGIN_START(F)                                            \
	F(STR, initiator_name, 1, MSG_ISCSI_NAME_MAX)                        \
	F(STR, initiator_alias, 0, 255)                                      \
	F(STR, target_name, 1, MSG_ISCSI_NAME_MAX)                           \
	F(STR, portal, 1, MSG_ADDRESS_MAX + 8)                               \
	F(U64, isid, 0, 0xffffffffffffull)                                   \
	F(U16, tsih, 0, 65535)                                               \
	F(U16, cid, 0, 65535)                                                \
	F(U32, cmdsn, 0, 4294967295LL)                                        \
	F(U8, header_digest, 0, 3)                                           \
	F(U8, data_digest, 0, 3)                                             \
	F(U32, max_recv_dsl, MSG_DSL_MIN, MSG_DSL_MAX)                       \
	MSG_LOGIN_OPERATIONAL(F)                                             \
	F(U32, timeout_ms, 1, 3600000)                                       \
	MSG_AUTH_OFFER(F)

/* The login reached full feature phase: every negotiated value and the
 * sequence numbers the kernel continues with. The worker has stopped
 * using the socket. tpgt_given 0: the target declared no
 * TargetPortalGroupTag (tpgt 0). The monitor checks all of it against
 * the offer (login/check.h); the ranges here are only the RFC's. */
#define MSG_FIELDS_LOGIN_DONE(F)                                             \
	F(U8, header_digest, 0, 1)                                           \
	F(U8, data_digest, 0, 1)                                             \
	F(U32, max_recv_dsl, MSG_DSL_MIN, MSG_DSL_MAX)                       \
	F(U32, max_xmit_dsl, MSG_DSL_MIN, MSG_DSL_MAX)                       \
	MSG_LOGIN_OPERATIONAL(F)                                             \
	F(U16, tpgt, 0, 65535)                                               \
	F(U8, tpgt_given, 0, 1)                                              \
	F(STR, target_alias, 0, 255)                                         \
	F(U16, tsih, 1, 65535)                                               \
	F(U32, cmdsn, 0, 4294967295LL)                                        \
	F(U32, exp_statsn, 0, 4294967295LL)                                   \
	F(U32, exp_cmdsn, 0, 4294967295LL)                                    \
	F(U32, max_cmdsn, 0, 4294967295LL)

/* The login failed: an exit code (login/driver.h), one line, whether a
 * later attempt may succeed, the last Login Response's status (0/0 when
 * the failure was not a status), and for a redirect (status class 1,
 * redirect 1) where the target sent us: host as the target wrote it (a
 * DNS name or an address, without brackets), port, and the portal group
 * when given; the monitor checks it before following it
 * (login/redirect.h). auth_error: MSG_AUTH_ERROR. */
#define MSG_FIELDS_LOGIN_ERROR(F)                                            \
	F(U32, code, ISCSI_ERR, ISCSI_ERR_SESSION_NOT_CONNECTED)             \
	F(STR, reason, 1, 255)                                               \
	F(U8, retryable, 0, 1)                                               \
	F(U8, status_class, 0, 255)                                          \
	F(U8, status_detail, 0, 255)                                         \
	F(U8, redirect, 0, 1)                                                \
	F(U8, redirect_permanent, 0, 1)                                      \
	F(STR, redirect_host, 0, MSG_ADDRESS_MAX)                            \
	F(U16, redirect_port, 0, 65535)                                      \
	F(U16, redirect_tpgt, 0, 65535)                                      \
	F(U8, redirect_tpgt_given, 0, 1)                                     \
	F(U8, auth_error, MSG_AUTH_ERROR_NONE, MSG_AUTH_ERROR_REJECTED)

/* CHAP, for a login or discovery worker whose job asked for it. The
 * secrets stay in the monitor; these four carry only what crosses the
 * wire anyway. policy/worker_states.c allows each once and in order:
 * CHALLENGE, ANSWER, then for mutual CHAP VERIFY, VERDICT.
 *
 * Worker to monitor: the target's CHAP_A choice, CHAP_I and CHAP_C, as
 * the worker checked them (proto/chap.h), and the target name of the
 * worker's job ("" for discovery): the monitor answers only for the
 * node the worker was started for. mutual: the worker also needs our
 * challenge. */
#define MSG_FIELDS_CHAP_CHALLENGE(F)                                         \
	F(STR, target_name, 0, MSG_ISCSI_NAME_MAX)                           \
	F(U8, alg, 5, 8)                                                     \
	F(U8, id, 0, 255)                                                    \
	F(BIN, challenge, 16, 1024)                                          \
	F(U8, mutual, 0, 1)

/* Monitor to worker: CHAP_N and CHAP_R; for mutual CHAP also the
 * CHAP_I and CHAP_C to send (challenge_len 0 otherwise). */
#define MSG_FIELDS_CHAP_ANSWER(F)                                            \
	F(STR, name, 1, 255)                                                 \
	F(BIN, response, 16, 32)                                             \
	F(U8, id, 0, 255)                                                    \
	F(BIN, challenge, 0, 1024)

/* Worker to monitor, mutual CHAP: the target's CHAP_N and CHAP_R, to be
 * checked against our challenge and the target's secret. */
#define MSG_FIELDS_CHAP_VERIFY(F)                                            \
	F(STR, name, 1, 255)                                                 \
	F(BIN, response, 1, 32)

/* Monitor to worker: whether the target proved itself. */
#define MSG_FIELDS_CHAP_VERDICT(F)                                           \
	F(U8, ok, 0, 1)

/* A PDU the kernel passed up from a logged-in session (role "pdu",
 * proto/session_pdu.h): monitor to worker, the bytes as the kernel gave
 * them (BHS and data, at most SESSION_PDU_MAX). The worker answers with
 * exactly one of the three messages after it and exits. */
#define MSG_FIELDS_PDU_DECODE(F)                                             \
	F(BIN, pdu, SESSION_PDU_MIN, SESSION_PDU_MAX)

/* An Asynchronous Message, decoded and checked: numbers and lengths
 * only, never a byte of the sense or event data. The ranges are the
 * fields' own; the monitor checks the RFC's rules again
 * (session_pdu_check()). sense_valid 0: no key, ASC or ASCQ found. */
#define MSG_FIELDS_PDU_ASYNC(F)                                              \
	F(U8, event, 0, 255)                                                 \
	F(U8, vcode, 0, 255)                                                 \
	F(U16, param1, 0, 65535)                                             \
	F(U16, param2, 0, 65535)                                             \
	F(U16, param3, 0, 65535)                                             \
	F(U16, sense_len, 0, SESSION_PDU_DATA_MAX)                                            \
	F(U16, event_data_len, 0, SESSION_PDU_DATA_MAX)                                       \
	F(U8, sense_valid, 0, 1)                                             \
	F(U8, sense_key, 0, 15)                                              \
	F(U8, asc, 0, 255)                                                   \
	F(U8, ascq, 0, 255)

/* A Logout Response: its code and, for codes 2 and 3, its times. */
#define MSG_FIELDS_PDU_LOGOUT_RSP(F)                                         \
	F(U8, response, 0, 3)                                                \
	F(U16, time2wait, 0, 65535)                                          \
	F(U16, time2retain, 0, 65535)

/* The PDU was refused (malformed, unexpected opcode, out of range):
 * one line saying why. */
#define MSG_FIELDS_PDU_ERROR(F)                                              \
	F(STR, reason, 1, 255)

#endif
