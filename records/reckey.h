/* Database key text of a record (internal to records/): printable, one
 * space between fields, which names, addresses and iface names can never
 * contain:
 *   "node <target> <addr> <port> <tpgt> <iface>"
 *   "st <addr> <port>"
 *   "iface <name>"                                                      */
#ifndef RECORDS_RECKEY_H
#define RECORDS_RECKEY_H

#include <stddef.h>

#include "records/db.h"

#define REC_KEY_TEXT_MAX 512

/* Length written (without NUL), or -1 when it does not fit. */
int rec_key_encode(const struct rec_key *key, char *buf, size_t size);

/* 0, or -1 when buf is not a well-formed record key. */
int rec_key_decode(const char *buf, size_t len, struct rec_key *out);

/* Total order used for listings. */
int rec_key_cmp(const struct rec_key *a, const struct rec_key *b);

#endif
