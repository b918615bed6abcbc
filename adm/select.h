/* From options to records: opening the database, and
 * turning -T, -p and -I into checked values and record filters. Each
 * function prints its own one-line error and returns an exit code (0 on
 * success), so mode handlers just pass failures up. */
#ifndef ADM_SELECT_H
#define ADM_SELECT_H

#include "adm/options.h"
#include "records/db.h"
#include "records/portal.h"

int adm_db_open(struct recdb **db);

/* -T must be an iSCSI name that a record could hold; checked by the
 * record layer's own rules so that selection and creation agree. */
int adm_check_target(const char *name);

/* -I must be an iface name that a record could hold. */
int adm_check_iface_name(const char *name);

/* -p, host names resolved. flags as portal_parse(). */
int adm_parse_portal(const char *text, unsigned flags, struct portal *out);

/* The node selection of -T, -p and -I: what is left out matches every
 * record. The portal's TPGT is not compared, as with open-iscsi; a port
 * left out means 3260. p receives the parsed portal (f points into it). */
int adm_node_filter(const struct adm_opts *o, struct rec_filter *f, struct portal *p);

/* The node mode's single -I, or NULL. Several are refused. */
int adm_node_iface(const struct adm_opts *o, const char **iface);

/* Checks every -n/-v pair against kind's schema as -o update would apply
 * it (unknown key, bad value, identity key), before anything is read or
 * written, so bad input never depends on which records exist. */
int adm_check_updates(const struct adm_opts *o, enum rec_kind kind);

/* Applies every -n/-v pair to r with rec_update(). */
int adm_apply_updates(const struct adm_opts *o, struct rec *r, struct rec_err *err);

/* Applies every -n/-v pair to every record matching f, all in one
 * transaction: a failure part way leaves every record as it was.
 * *count gets how many records matched. Once committed, each record
 * whose auth keys were written is audited (adm/record_audit.h). */
int adm_update_records(const struct adm_opts *o, struct recdb *db, const struct rec_filter *f,
		       size_t *count);

#endif
