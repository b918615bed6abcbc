/* Which non-ASCII code points an iSCSI name may hold (RFC 3722, using the
 * tables of RFC 3454). Internal to names.c. */
#ifndef PROTO_NAMEPREP_H
#define PROTO_NAMEPREP_H

#include <stdint.h>

#include "proto/names.h"

/* NAME_OK, or the class of refusal for a code point >= U+0080:
 * NAME_ERR_CONTROL, NAME_ERR_SPACE, NAME_ERR_UPPER_CASE or
 * NAME_ERR_UNICODE. */
enum iscsi_name_err nameprep_class(uint32_t cp);

#endif
