/* /etc/iscsi/initiatorname.iscsi: "InitiatorName=<iSCSI name>" and an
 * optional "InitiatorAlias=<alias>"; '#' comment lines and blank lines are
 * ignored, as with open-iscsi. */
#ifndef RECORDS_INITIATORNAME_H
#define RECORDS_INITIATORNAME_H

#include <stddef.h>

#include "proto/names.h"
#include "records/rec_err.h"

struct initiator_name {
	char name[ISCSI_NAME_MAX + 1];
	char alias[ISCSI_ALIAS_MAX + 1];   /* "" when absent */
};

/* Reads path, or iscsi_path(INITIATORNAME_PATH) when NULL. A missing file
 * is REC_E_NOT_FOUND ("... does not exist; create it with iscsi-iname");
 * a missing or invalid InitiatorName, an invalid alias, a repeated key or
 * an unknown key is REC_E_CONFIG naming file and line. */
int initiatorname_read(const char *path, struct initiator_name *out, struct rec_err *err);
int initiatorname_parse(const char *name_for_msgs, const char *text, size_t len,
			struct initiator_name *out, struct rec_err *err);

#define INAME_DEFAULT_PREFIX "iqn.2016-04.com.open-iscsi"
#define INAME_PREFIX_MAX     210   /* as open-iscsi's iscsi-iname */

/* A new unique name "<prefix>:<12 hex digits>" (48 random bits from
 * getrandom()), prefix INAME_DEFAULT_PREFIX when NULL. The prefix must be
 * at most INAME_PREFIX_MAX bytes and the result a valid iSCSI name
 * (REC_E_BAD_NAME otherwise). */
int initiatorname_generate(const char *prefix, char *out, size_t size, struct rec_err *err);

/* Writes "InitiatorName=<name>\n" to path (0644) when path does not exist
 * yet: a fsync'd temp file hard-linked into place, so readers see the
 * whole file or none, and a file that appears meanwhile is never replaced
 * (REC_E_EXISTS, as for an existing file). */
int initiatorname_create(const char *path, const char *name, struct rec_err *err);

#endif
