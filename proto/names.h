/* iSCSI names (RFC 3720 3.2.6, RFC 7143 4.2.7, RFC 3722) and aliases.
 *
 * A name that passes iscsi_name_check() is in RFC 3722 normal form as far
 * as we can tell cheaply, and is safe as a single path component: it never
 * holds '/', '\\', "..", a space or a control character, and never is "."
 * or "..". Names come from the network (SendTargets, login responses) and
 * end up in record-database paths, so this is a security check as much as
 * a syntax check.
 *
 * What is checked:
 * - length 1..223 bytes; prefix "iqn.", "eui." or "naa." (lower case);
 * - iqn.: "iqn." yyyy "-" mm "." reversed-domain [":" anything], month
 *   01..12, domain labels non-empty and made of [a-z0-9-] or non-ASCII;
 * - eui.: exactly 16 hex digits; naa.: exactly 16 or 32 hex digits. Hex
 *   digits may be upper or lower case (RFC 3720's own examples are upper
 *   case, e.g. "eui.02004567A425678D"); hex digits are never a path risk;
 * - ASCII: only '-', '.', ':', a-z, 0-9 (upper case A-Z only with
 *   ISCSI_NAME_ALLOW_UPPER, which is not normal form);
 * - non-ASCII: strict UTF-8; refused are C1 controls, surrogates,
 *   noncharacters (U+FDD0..U+FDEF, U+xxFFFE/F), private use, the RFC 3454
 *   tables C.1.2 (non-ASCII spaces), C.2.2 (non-ASCII controls), C.6, C.7,
 *   C.8, C.9 and B.1 (mapped to nothing, so not normal form), and upper-case
 *   letters of Latin-1, Latin Extended-A, Greek and Cyrillic (mapped by
 *   case folding). Not checked: unassigned code points, NFKC composition
 *   in general, and the bidirectional rules of RFC 3454 section 6. */
#ifndef PROTO_NAMES_H
#define PROTO_NAMES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ISCSI_NAME_MAX   223   /* bytes, RFC 7143 4.2.7.1 */
#define ISCSI_ALIAS_MAX  255   /* bytes, as any simple-value */

enum iscsi_name_type {
	ISCSI_NAME_IQN,
	ISCSI_NAME_EUI,
	ISCSI_NAME_NAA,
};

enum iscsi_name_err {
	NAME_OK = 0,
	NAME_ERR_EMPTY,
	NAME_ERR_TOO_LONG,
	NAME_ERR_PREFIX,        /* not iqn. / eui. / naa. */
	NAME_ERR_IQN_DATE,      /* not yyyy-mm with month 01..12 */
	NAME_ERR_IQN_DOMAIN,    /* missing or malformed naming authority */
	NAME_ERR_HEX,           /* eui./naa.: wrong digit count or non-hex */
	NAME_ERR_SLASH,
	NAME_ERR_BACKSLASH,
	NAME_ERR_DOTDOT,
	NAME_ERR_SPACE,
	NAME_ERR_CONTROL,       /* C0, DEL or C1 control character */
	NAME_ERR_UPPER_CASE,    /* ASCII or non-ASCII upper case: not normal form */
	NAME_ERR_CHAR,          /* another ASCII character outside the set */
	NAME_ERR_UTF8,          /* invalid UTF-8 */
	NAME_ERR_UNICODE,       /* a prohibited or non-normal code point */
};

/* Flags for iscsi_name_check(). */
#define ISCSI_NAME_ALLOW_UPPER  0x1u  /* accept A-Z (e.g. some NAS targets) */

struct iscsi_name_result {
	enum iscsi_name_err err;
	enum iscsi_name_type type;    /* meaningful when err == NAME_OK */
	size_t offset;                /* byte offset of the problem */
};

/* Validates a NUL-terminated name. res may be NULL. Never reads past the
 * NUL or past ISCSI_NAME_MAX + 1 bytes. */
enum iscsi_name_err iscsi_name_check(const char *name, unsigned flags,
				     struct iscsi_name_result *res);

/* Fixed one-line text of the code ("unknown name error" past the end). */
const char *iscsi_name_strerror(enum iscsi_name_err err);

/* One line such as "invalid iSCSI name 'x/y': contains '/'", the name
 * escaped and truncated. what names the thing ("iSCSI name", "alias"). */
void iscsi_name_describe(char *buf, size_t size, const char *what, const char *name,
			 const struct iscsi_name_result *res);

/* True when two valid names denote the same node: byte equality, except
 * that the hex digits of eui. and naa. names compare without case. */
bool iscsi_name_equal(const char *a, const char *b);

/* Validates an alias (TargetAlias, InitiatorAlias: iSCSI-local-name-value):
 * strict UTF-8, at most 255 bytes, no C0/DEL/C1 controls. May be empty. */
enum iscsi_name_err iscsi_alias_check(const char *alias, struct iscsi_name_result *res);

/* Escapes in_len bytes of in for a log line: printable ASCII except '\\'
 * and '\'' is copied, everything else becomes \xNN. Truncates with "..."
 * when out is too small; out is always NUL-terminated (size > 0). Returns
 * the length written. */
size_t iscsi_escape(char *out, size_t size, const char *in, size_t in_len);

/* The 6-byte ISID as 12 lower-case hex digits (buf of at least 13). */
void iscsi_isid_format(const uint8_t isid[6], char *buf, size_t size);

#endif
