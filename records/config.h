/* iscsid.conf, in open-iscsi's syntax: one "key = value" per line, '#'
 * starts a comment line, blank lines ignored, spaces around '=' and at
 * both ends optional. Keys: every RF_CONF key of node records (node.*,
 * node.session.*, node.conn[0].*), of discovery records
 * (discovery.sendtargets.*; node.session.auth.chap_algs sets both) and
 * iscsid.*. The parsed values become the defaults of new records.
 *
 * An unknown key, or a record key that is not a default (node.name,
 * node.conn[0].address, iface.*...), is a warning "FILE:LINE: unknown key
 * 'K' ignored" (log_warn); an invalid value, a line without '=', a NUL
 * byte or a line longer than 4095 bytes is an error
 * "FILE:LINE: invalid value 'V' for K: expected <allowed values>"
 * (REC_E_CONFIG; secret values are not quoted). */
#ifndef RECORDS_CONFIG_H
#define RECORDS_CONFIG_H

#include <stddef.h>
#include <stdio.h>

#include "records/rec_err.h"
#include "records/record.h"

struct iscsid_conf {
	struct rec *node;       /* REC_NODE defaults (identity fields unset) */
	struct rec *discovery;  /* REC_DISCOVERY_ST defaults */
	struct rec *iscsid;     /* REC_ISCSID: iscsid.startup, ... */
	unsigned warnings;      /* how many warnings were logged */
	char last_warning[REC_ERR_MSG_MAX];
};

/* Compiled defaults only (as with no iscsid.conf). 0 or -1 (REC_E_NOMEM). */
int iscsid_conf_init(struct iscsid_conf *conf, struct rec_err *err);

/* iscsid_conf_init() then the file at path, or iscsi_path(ISCSID_CONF_PATH)
 * when path is NULL. A missing file is not an error (compiled defaults),
 * as with open-iscsi; an unreadable one is REC_E_IO. */
int iscsid_conf_load(struct iscsid_conf *conf, const char *path, struct rec_err *err);

/* Parses text into conf (from iscsid_conf_init(); later lines override
 * earlier ones); name is used in messages. For tests and fuzzing. */
int iscsid_conf_parse(struct iscsid_conf *conf, const char *name, const char *text,
		      size_t len, struct rec_err *err);

void iscsid_conf_free(struct iscsid_conf *conf);

/* New records with the configured defaults (NULL on ENOMEM). */
struct rec *iscsid_conf_new_node(const struct iscsid_conf *conf);
struct rec *iscsid_conf_new_discovery(const struct iscsid_conf *conf);

#endif
