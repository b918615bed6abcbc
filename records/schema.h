/* The record schema: every key of a node, discovery (SendTargets) and
 * iface record, in the order and spelling of open-iscsi 2.1.8's
 * `iscsiadm -o show`, plus the iscsid.* keys of iscsid.conf.
 *
 * Defaults are open-iscsi's compiled-in defaults (what `-o show` prints
 * for a record made with no iscsid.conf); iscsid.conf overrides them for
 * new records (records/config.h). A default is the text as stored; an
 * empty string is what `-o show` prints as "<empty>".
 *
 * Values are always held as normalised text (records/record.h), so the
 * printer, the database and the config file share one representation. */
#ifndef RECORDS_SCHEMA_H
#define RECORDS_SCHEMA_H

#include <stdbool.h>
#include <stddef.h>

enum rec_kind {
	REC_NODE,          /* node.*, iface.* (copy of the bound iface), node.conn[0].* */
	REC_DISCOVERY_ST,  /* discovery.* of a SendTargets portal */
	REC_IFACE,         /* iface.* */
	REC_ISCSID,        /* iscsid.* (iscsid.conf only, never in the database) */
	REC_KIND_COUNT,
};

enum rec_type {
	RT_STR,       /* text: bytes 0x20..0x7e and UTF-8, at most max_len bytes */
	RT_INT,       /* decimal integer in [min, max] (see RF_ZERO_OK) */
	RT_BOOL,      /* "Yes" / "No" (input case-insensitive; stored as Yes/No) */
	RT_ENUM,      /* exactly one of choices (input case-insensitive) */
	RT_ENUM_LIST, /* comma-separated, non-empty, no repeats, each of choices */
	RT_NAME,      /* an iSCSI name (proto/names.h), or empty where RF_EMPTY_OK */
	RT_ADDR,      /* numeric IPv4 or IPv6 address (v6 may carry %scope) */
	RT_IFNAME,    /* iface or network interface name: [A-Za-z0-9_.:-], no "..",
	               * not "." , at most max_len bytes */
	RT_HWADDR,    /* MAC address xx:xx:xx:xx:xx:xx (stored lower case) */
};

/* Field flags. */
#define RF_IDENTITY  0x01u  /* part of the record's database key: set at
                             * creation, refused by -o update */
#define RF_SECRET    0x02u  /* CHAP password: shown as ******** without -S,
                             * never logged, never quoted in error text */
#define RF_EMPTY_OK  0x04u  /* "" is allowed (enums, names, addresses) */
#define RF_ZERO_OK   0x08u  /* RT_INT: 0 is allowed besides [min, max] */
#define RF_CONF      0x10u  /* may be set in iscsid.conf */
#define RF_IFACE     0x20u  /* node record: belongs to the bound iface and
                             * is changed through iface mode only */
#define RF_SPACES    0x40u  /* RT_STR: inner spaces allowed (commands, secrets) */

struct rec_field {
	const char *name;             /* e.g. "node.session.iscsi.FirstBurstLength" */
	enum rec_type type;
	unsigned flags;
	const char *def;              /* compiled default, normalised text */
	long long min, max;           /* RT_INT */
	const char *const *choices;   /* RT_ENUM, RT_ENUM_LIST: NULL-terminated */
	size_t max_len;               /* RT_STR, RT_IFNAME: bytes, without NUL */
};

struct rec_schema {
	enum rec_kind kind;
	const char *what;             /* "node", "discovery", "iface", "iscsid" */
	const struct rec_field *fields;
	size_t count;
};

/* Never NULL for kind < REC_KIND_COUNT. */
const struct rec_schema *rec_schema(enum rec_kind kind);

/* Index of name in the kind's schema, or -1. Exact, case-sensitive match
 * (open-iscsi's key names are case-sensitive). */
int rec_field_index(enum rec_kind kind, const char *name);

/* Field by index (NULL when out of range) or by name (NULL when unknown). */
const struct rec_field *rec_field_at(enum rec_kind kind, size_t idx);
const struct rec_field *rec_field_find(enum rec_kind kind, const char *name);

/* Writes the allowed values of f as one phrase for error lines, e.g.
 * "an integer from 512 to 16777215", "one of automatic, manual, onboot",
 * "Yes or No", "a list of MD5, SHA1, SHA256, SHA3-256". */
void rec_field_describe(const struct rec_field *f, char *buf, size_t size);

/* Validates value for f and writes its normalised form into norm
 * (size >= f's longest value + 1; REC_VALUE_MAX + 1 always suffices).
 * Errors name the key and, unless f is secret, the value. */
struct rec_err;
int rec_field_check(const struct rec_field *f, const char *value, char *norm, size_t size,
		    struct rec_err *err);

/* Upper bound of any normalised value's length (bytes, without NUL). */
#define REC_VALUE_MAX 1024

/* Identity sizes, shared with records/db.h. */
#define REC_ADDR_MAX        64   /* numeric address incl. "%scope", with NUL */
#define REC_IFACE_NAME_MAX  64   /* iface name, with NUL */
#define REC_TPGT_NONE       (-1) /* node.tpgt of a record made without one */

/* Built-in ifaces that always exist and cannot be changed or deleted. */
#define REC_IFACE_DEFAULT "default"  /* transport tcp */
#define REC_IFACE_ISER    "iser"     /* transport iser */

#endif
