/* Internal to proto/negotiate*.c: helpers shared by the offer side and
 * the receive side of the engine. */
#ifndef PROTO_NEGOTIATE_IMPL_H
#define PROTO_NEGOTIATE_IMPL_H

#include "proto/negotiate.h"

/* Records err and a one-line message in st; returns err. */
enum neg_err neg_fail(struct neg_state *st, enum neg_err err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* A value for a message: escaped, shortened, and never a CHAP value. */
const char *neg_shown(const struct neg_key_def *d, const char *value, char *buf, size_t size);
/* Our own value of a number or boolean key, from the configuration. */
uint64_t neg_our_number(const struct neg_state *st, enum neg_key key);
/* Record a negotiated value in st->params. */
void neg_apply_number(struct neg_state *st, enum neg_key key, uint64_t v);
void neg_apply_list(struct neg_state *st, enum neg_key key, const char *v);
/* Would v be an admissible answer to our offer of key? */
bool neg_answer_admissible(const struct neg_state *st, enum neg_key key, uint64_t v);

#endif
