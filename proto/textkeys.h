/* Text keys (RFC 7143 section 6): the key=value pairs carried in the data
 * segment of Login and Text PDUs, each pair followed by one NUL byte.
 *
 * Everything here treats its input as hostile: key names are checked
 * against the standard-label grammar, values are strict UTF-8 within a
 * per-key length bound, duplicates are refused unless the caller expects
 * them (SendTargets answers repeat TargetName and TargetAddress), and an
 * exchange spread over several PDUs with the C bit is bounded in bytes and
 * in PDUs. Error messages name the offending key (escaped) but never
 * print a value: CHAP values are secrets or derived from them, and other
 * values gain nothing from being echoed into a log. */
#ifndef PROTO_TEXTKEYS_H
#define PROTO_TEXTKEYS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* RFC 7143 6.1: a standard-label is at most 63 characters. */
#define TEXT_KEY_MAX            63
/* RFC 7143 6.1: a simple-value is at most 255 bytes unless a key says
 * otherwise. We apply it to whole values, lists included. */
#define TEXT_VALUE_MAX          255
/* RFC 7143 12.1.3 (RFC 3720 11.1.4): CHAP_C and CHAP_R are binary values
 * whose binary length, "not the length of the character string that
 * represents them", MUST NOT exceed 1024 bytes. Their longest encoding is
 * hex: "0x" + 2048 digits = 2050 characters (base64 needs "0b" + 1368).
 * So 2050, not the 8192 of a whole negotiation, bounds their values. */
#define TEXT_CHAP_BINARY_MAX    1024
#define TEXT_LARGE_VALUE_MAX    (2 + 2 * TEXT_CHAP_BINARY_MAX)
/* RFC 7143 6.1 requires accepting 8192 bytes of key=value data per
 * negotiation and 64 KiB when an authentication method needs long items;
 * 64 KiB is our default bound for one exchange (all PDUs of a sequence). */
#define TEXT_EXCHANGE_DEFAULT_MAX (64 * 1024)
/* PDUs of one C-bit sequence. 8192 bytes per PDU is the RFC's default
 * MaxRecvDataSegmentLength; the smallest legal 512 needs 128 PDUs for
 * 64 KiB, so 256 leaves room without letting a peer trickle forever. */
#define TEXT_PDUS_DEFAULT_MAX   256

enum text_err {
	TEXT_OK = 0,
	TEXT_ERR_NOMEM,
	TEXT_ERR_NO_EQUALS,        /* a pair without '=' */
	TEXT_ERR_EMPTY_KEY,        /* "=value" */
	TEXT_ERR_EMPTY_PAIR,       /* a NUL where a pair should start */
	TEXT_ERR_KEY_TOO_LONG,     /* over TEXT_KEY_MAX */
	TEXT_ERR_KEY_CHAR,         /* outside the standard-label grammar */
	TEXT_ERR_VALUE_TOO_LONG,   /* over text_value_limit(key) */
	TEXT_ERR_VALUE_UTF8,       /* not strict UTF-8 */
	TEXT_ERR_DUPLICATE,        /* a key given twice in one list */
	TEXT_ERR_UNTERMINATED,     /* final data does not end with NUL */
	TEXT_ERR_EXCHANGE_TOO_LONG,/* the exchange exceeds max_total bytes */
	TEXT_ERR_TOO_MANY_PDUS,    /* the C-bit sequence exceeds max_pdus */
	TEXT_ERR_STATE,            /* assembler used after its final PDU */
	TEXT_ERR_SYNTAX,           /* value helpers: not of the expected syntax */
	TEXT_ERR_RANGE,            /* value helpers: number or binary length out of range */
	TEXT_ERR_NO_SPACE,         /* an output buffer is too small */
};

/* A fixed one-line description of the code ("unknown text error" past the end). */
const char *text_strerror(enum text_err err);

/* Where a parse failed. key is the offending key name, escaped for a log
 * and possibly truncated, or "" when no key applies. Values never appear. */
struct text_error {
	enum text_err code;
	size_t offset;               /* start of the offending pair in the exchange */
	size_t limit;                /* the bound that was exceeded, when one was */
	char key[96];
};

/* One line such as "text key 'CHAP_C': value longer than 2050 bytes". */
void text_error_format(const struct text_error *err, char *buf, size_t size);

/* Longest value accepted for key, in bytes (not counting the NUL). */
size_t text_value_limit(const char *key);

/* True for keys whose values must never be logged (CHAP_*). */
bool text_key_is_secret(const char *key);

/* Checks a key name against RFC 7143 6.1: 1..63 characters from
 * [A-Za-z0-9.+@_-], starting with an upper-case letter; the public
 * extension-key prefix "X#" (IANA-registered keys) is also accepted. */
enum text_err text_check_key(const char *key, size_t len);

/* Strict UTF-8: no overlong forms, no surrogates, nothing above U+10FFFF,
 * no truncated sequences, no NUL. */
bool text_utf8_valid(const uint8_t *s, size_t len);
/* Decodes one strict UTF-8 sequence at s: returns its length (1..4) and
 * the code point, or 0 when it is invalid or truncated. NUL decodes as
 * U+0000 of length 1; callers that refuse NUL check for it. */
size_t text_utf8_decode(const uint8_t *s, size_t len, uint32_t *cp);

struct text_pair {
	const char *key;       /* NUL-terminated, checked */
	const char *value;     /* NUL-terminated, checked, may be "" */
	size_t key_len;
	size_t value_len;
};

/* An ordered list of pairs; the strings are owned by the list. */
struct text_list {
	struct text_pair *pairs;
	size_t count;
	size_t cap;
	bool allow_duplicates;  /* set before adding, or by the parse flags */
};

void text_list_init(struct text_list *list);
void text_list_free(struct text_list *list);

/* The first pair with this key, or NULL. */
const struct text_pair *text_list_find(const struct text_list *list, const char *key);
/* Its value, or NULL when absent. */
const char *text_list_get(const struct text_list *list, const char *key);

/* Builder. The key and value are checked as a parser would check them
 * (so we never send what we would refuse to receive), and copied. */
enum text_err text_list_add(struct text_list *list, const char *key, const char *value);
/* Adds a decimal-constant. */
enum text_err text_list_add_num(struct text_list *list, const char *key, uint64_t value);
/* Adds "Yes" or "No". */
enum text_err text_list_add_bool(struct text_list *list, const char *key, bool value);

/* Bytes of the encoded list: for each pair key '=' value NUL. */
size_t text_list_encoded_len(const struct text_list *list);
/* Encodes into buf; *len receives the length. TEXT_ERR_NO_SPACE if short. */
enum text_err text_list_encode(const struct text_list *list, uint8_t *buf, size_t size, size_t *len);
/* Encodes into a new malloc'd buffer (NULL and 0 for an empty list). */
enum text_err text_list_encode_alloc(const struct text_list *list, uint8_t **buf, size_t *len);

/* Parse flags. */
#define TEXT_ALLOW_DUPLICATES  0x1u   /* SendTargets responses */

struct text_limits {
	size_t max_total;      /* bytes of one exchange */
	unsigned max_pdus;     /* PDUs of one C-bit sequence */
	unsigned flags;
};

/* TEXT_EXCHANGE_DEFAULT_MAX, TEXT_PDUS_DEFAULT_MAX, no flags. */
void text_limits_default(struct text_limits *lim);

/* Parses a complete data segment into out (initialised here; free it with
 * text_list_free also on error). An empty segment is an empty list. The
 * last pair must end with NUL; extra NUL bytes after the last pair are
 * tolerated (some targets count padding into the segment length), an
 * empty pair between two pairs is not. lim may be NULL for the defaults.
 * err may be NULL. */
enum text_err text_parse(const uint8_t *data, size_t len, const struct text_limits *lim,
			 struct text_list *out, struct text_error *err);

/* Joins the data segments of a C-bit sequence (a pair may be split at any
 * byte) and parses the whole when the final PDU (C bit clear) arrives. */
struct text_assembler {
	struct text_limits lim;
	uint8_t *buf;
	size_t len;
	size_t cap;
	unsigned pdus;
	bool finished;
};

void text_asm_init(struct text_assembler *as, const struct text_limits *lim);
/* Adds one PDU's data segment. continues is the PDU's C bit. When it is
 * clear, the whole exchange is parsed into out and the assembler is
 * finished. Any error also finishes it. out is initialised (so
 * text_list_free is safe) whenever continues is clear or an error is
 * returned, and left untouched otherwise. */
enum text_err text_asm_add(struct text_assembler *as, const uint8_t *seg, size_t len,
			   bool continues, struct text_list *out, struct text_error *err);
/* Forgets the data and the finished state, keeping the limits. */
void text_asm_reset(struct text_assembler *as);
void text_asm_free(struct text_assembler *as);

/* Cuts an encoded blob into chunks of at most max_chunk bytes, each sent
 * with the C bit set except the last. An empty blob gives one empty chunk
 * (the PDU is still sent); max_chunk 0 gives none. */
struct text_splitter {
	const uint8_t *blob;
	size_t len;
	size_t off;
	size_t max_chunk;
	bool done;
};

void text_split_init(struct text_splitter *sp, const uint8_t *blob, size_t len, size_t max_chunk);
/* False when no chunk is left. *cont is the C bit for this chunk. */
bool text_split_next(struct text_splitter *sp, const uint8_t **chunk, size_t *chunk_len, bool *cont);

/* Value syntaxes (RFC 7143 6.1, 6.2). */

enum text_special {
	TEXT_VALUE_PLAIN = 0,
	TEXT_VALUE_NOT_UNDERSTOOD,
	TEXT_VALUE_IRRELEVANT,
	TEXT_VALUE_REJECT,
};

/* Which of the reserved answers "NotUnderstood", "Irrelevant", "Reject"
 * the value is (exact, case-sensitive match), or TEXT_VALUE_PLAIN. */
enum text_special text_value_special(const char *value);

/* "Yes" or "No", exactly. */
enum text_err text_parse_bool(const char *value, bool *out);

/* A numerical-value: decimal-constant ("0" or [1-9][0-9]*) or
 * hex-constant ("0x"/"0X" and 1+ hex digits, leading zeros allowed), below
 * 2^64, and then within [min, max] (TEXT_ERR_RANGE otherwise). */
enum text_err text_parse_number(const char *value, uint64_t min, uint64_t max, uint64_t *out);

/* Why a binary-value was refused: finer than TEXT_ERR_SYNTAX / RANGE, for
 * callers that report in their own vocabulary (CHAP, proto/chap.h). */
enum text_binary_err {
	TEXT_BINARY_OK = 0,
	TEXT_BINARY_PREFIX,              /* neither 0x/0X nor 0b/0B */
	TEXT_BINARY_NO_DIGITS,           /* a prefix with nothing after it */
	TEXT_BINARY_TOO_LONG,            /* decodes to more than cap bytes */
	TEXT_BINARY_HEX_DIGIT,
	TEXT_BINARY_BASE64_CHAR,
	TEXT_BINARY_BASE64_LENGTH,       /* not a multiple of 4 characters */
	TEXT_BINARY_BASE64_PADDING,      /* '=' misplaced, or more than two */
	TEXT_BINARY_BASE64_NONCANONICAL, /* non-zero bits under the padding */
};

/* A binary-value (RFC 7143 6.1) of value_len bytes (no NUL needed; a NUL
 * is an invalid digit): hex-constant "0x"/"0X" + digits of either case, an
 * odd count having an implied leading zero digit ((n+1)/2 bytes), or
 * base64-constant "0b"/"0B" + RFC 4648 base64 with mandatory padding and
 * zero pad bits. Decimal constants are not binary values here. Checks run
 * in this order: prefix, digits present, base64 length and '=' count,
 * decoded length against cap (TEXT_BINARY_TOO_LONG), characters, final
 * bits. *len receives the byte count (0 on error); out is written only on
 * success. */
enum text_binary_err text_decode_binary(const char *value, size_t value_len,
					uint8_t *out, size_t cap, size_t *len);
/* text_decode_binary() of a NUL-terminated value: TEXT_ERR_RANGE when it
 * is longer than cap, TEXT_ERR_SYNTAX for every other refusal. */
enum text_err text_parse_binary(const char *value, uint8_t *out, size_t cap, size_t *len);

/* Formats bytes as "0x" + lower-case hex into buf (needs 3 + 2 * n). */
enum text_err text_format_hex(const uint8_t *bytes, size_t n, char *buf, size_t size);

/* Iterates a list-of-values (comma separated). Items are (pointer, length)
 * into the value; an empty item (",," or a leading or trailing comma) is
 * returned as length 0 so the caller can refuse it. */
struct text_values_iter {
	const char *next;
};

void text_values_begin(struct text_values_iter *it, const char *value);
bool text_values_next(struct text_values_iter *it, const char **item, size_t *item_len);
/* True when item (NUL-terminated) is one of the list's values. */
bool text_values_contains(const char *list, const char *item);
/* TEXT_OK when every item is non-empty and made of text-value characters
 * ([A-Za-z0-9.+@_/\[\]:-]); TEXT_ERR_SYNTAX otherwise. */
enum text_err text_values_check(const char *list);

#endif
