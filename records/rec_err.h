/* Errors of the record layer (schema, database, iscsid.conf, portals,
 * initiatorname.iscsi). Every failing call fills a struct rec_err with a
 * typed code and one line of text meant for stderr as it is: it names the
 * key, value, file or record concerned, never holds a secret (values of
 * secret keys are never quoted), and has no trailing newline. */
#ifndef RECORDS_REC_ERR_H
#define RECORDS_REC_ERR_H

enum rec_status {
	REC_OK = 0,
	REC_E_NOMEM,
	REC_E_UNKNOWN_KEY,     /* no such key in this kind of record */
	REC_E_BAD_VALUE,       /* wrong type / syntax / not one of the choices */
	REC_E_RANGE,           /* a number outside its allowed range */
	REC_E_TOO_LONG,        /* a string longer than the key allows */
	REC_E_BAD_NAME,        /* an invalid iSCSI name, iface name, address */
	REC_E_READONLY,        /* identity key or built-in record: cannot change */
	REC_E_NOT_FOUND,       /* no record matched */
	REC_E_EXISTS,          /* create of a record that is already there */
	REC_E_PORTAL,          /* a portal string that does not parse */
	REC_E_RESOLVE,         /* host name did not resolve */
	REC_E_IO,              /* open/read/write/fsync/rename failed */
	REC_E_LOCK_TIMEOUT,    /* another process held the lock too long */
	REC_E_CORRUPT,         /* database file damaged (bad checksum, gdbm) */
	REC_E_FOREIGN,         /* not our database, or a newer format version */
	REC_E_CONFIG,          /* iscsid.conf / initiatorname.iscsi invalid */
	REC_E_PERM,            /* file has unsafe owner or mode */
	REC_E_INTERNAL,
};

#define REC_ERR_MSG_MAX 320

struct rec_err {
	enum rec_status status;
	char msg[REC_ERR_MSG_MAX];
};

/* Sets err (when non-NULL) and returns -1, so callers can write
 * `return rec_fail(err, REC_E_RANGE, "...", ...);`. */
int rec_fail(struct rec_err *err, enum rec_status status, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Resets err to REC_OK and an empty message. */
void rec_err_clear(struct rec_err *err);

/* The iscsiadm exit code for a status (base/exitcodes.h): bad input ->
 * ISCSI_ERR_INVAL, not found -> ISCSI_ERR_NO_OBJS_FOUND, database and
 * file problems -> ISCSI_ERR_IDBM, lock timeout -> ISCSI_ERR_BUSY,
 * REC_E_EXISTS -> ISCSI_ERR_INVAL, REC_E_NOMEM -> ISCSI_ERR_NOMEM,
 * REC_E_RESOLVE -> ISCSI_ERR_INVAL, REC_E_PERM -> ISCSI_ERR_ACCESS. */
int rec_status_exit_code(enum rec_status status);

/* Fixed short text for a status ("unknown key", "record not found"...). */
const char *rec_status_str(enum rec_status status);

#endif
