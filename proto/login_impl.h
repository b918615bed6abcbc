/* Internal to proto/login*.c. */
#ifndef PROTO_LOGIN_IMPL_H
#define PROTO_LOGIN_IMPL_H

#include "proto/login.h"

/* Ends the login with err and a one-line message; returns LOGIN_STEP_FAILED. */
enum login_step login_fail(struct login *l, enum login_err err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Sends l->next (our answers and keys) as the next request of the stage. */
enum login_step login_send_next(struct login *l);

/* After a complete response's keys: leaves the stage when transit is set,
 * else sends our next request. */
enum login_step login_advance(struct login *l, bool transit, unsigned nsg, uint16_t tsih);

/* Security stage, auth configured: the CHAP keys of one complete response
 * (AuthMethod and CHAP_A were already handled by the negotiation engine).
 * Adds what we send next to l->next. Returns LOGIN_STEP_SEND to let the
 * response's processing go on, or another step to stop it there. */
enum login_step login_auth_receive(struct login *l, const struct text_list *auth, bool transit,
				   unsigned nsg, uint16_t tsih);

/* May the target leave the security stage in the current auth state? */
bool login_auth_may_leave(const struct login *l);

/* A Login Response with a non-zero Status-Class: redirect or failure. */
enum login_step login_status_response(struct login *l, const struct iscsi_pdu *pdu);

/* Overwrites and frees a text list that may hold CHAP values. */
void login_list_wipe(struct text_list *list);

#endif
