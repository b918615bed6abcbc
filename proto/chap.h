/* CHAP arithmetic for iSCSI login: RFC 1994 as profiled by RFC 7143
 * sections 9.2.1 and 12.1.3. Algorithm numbers are IANA's "PPP
 * Authentication Algorithms": MD5 = 5 (the one RFC 7143 requires), and
 * SHA1 = 6, SHA-256 = 7, SHA3-256 = 8, registered in 2019 for iSCSI and
 * implemented by open-iscsi and Linux LIO.
 *
 * The API is split by who may hold a secret. The network-facing login
 * worker never sees one: it uses the "worker" functions to parse and check
 * what the target sent (CHAP_A choice, CHAP_I, CHAP_C, and for mutual CHAP
 * the target's CHAP_N and CHAP_R). The privileged monitor, which holds the
 * secrets, uses the "monitor" functions to compute our CHAP_R, to make our
 * challenge and to verify the target's response. A compromised worker can
 * therefore ask the monitor for a response, but never learn a secret; the
 * monitor re-checks every input it is given, since it cannot trust them.
 *
 * All functions are pure (no global state, thread-safe) and return an
 * enum chap_err; chap_strerror() gives a one-line message that never holds
 * a secret, a challenge or a response value. */
#ifndef PROTO_CHAP_H
#define PROTO_CHAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <openssl/evp.h>

/* CHAP_A numbers (IANA "PPP Authentication Algorithms" registry). */
enum chap_alg {
	CHAP_ALG_MD5 = 5,
	CHAP_ALG_SHA1 = 6,
	CHAP_ALG_SHA256 = 7,
	CHAP_ALG_SHA3_256 = 8,
};

#define CHAP_ALG_COUNT		4
#define CHAP_DIGEST_MAX		32	/* longest digest of the table (SHA-256, SHA3-256) */

/* RFC 7143 12.1.3: the binary length of CHAP_C and CHAP_R MUST NOT exceed
 * 1024 bytes. */
#define CHAP_BINARY_MAX		1024

/* Shortest target challenge we answer. RFC 7143 sets no minimum; a short
 * challenge lets a rogue target (or a man in the middle) collect responses
 * to a small set of challenges and replay them or build a dictionary. 16
 * bytes (128 bits) makes repeats negligible and is what every common
 * target sends (Linux LIO sends the digest length, >= 16). */
#define CHAP_CHALLENGE_MIN	16
#define CHAP_CHALLENGE_MAX	CHAP_BINARY_MAX

/* Secrets: open-iscsi's limit (256-byte buffers) is kept so every existing
 * configuration still loads. RFC 7143 9.2.1 says an implementation SHOULD
 * NOT send CHAP_R with a secret under 96 bits unless IPsec protects the
 * connection; open-iscsi accepts shorter ones, so a drop-in cannot refuse
 * them: chap_secret_is_short() lets the caller warn (or refuse, by policy). */
#define CHAP_SECRET_MAX		256
#define CHAP_SECRET_MIN_RECOMMENDED 12

/* CHAP_N: a text string; RFC 7143 caps simple values at 255 bytes. */
#define CHAP_NAME_MAX		255

/* Encoded sizes. We always send hex: "0x", two digits a byte, NUL. */
#define CHAP_HEX_SIZE(n)	(2 + 2 * (size_t)(n) + 1)
/* Longest encoded binary value we accept ("0x" + 2048 hex digits). */
#define CHAP_VALUE_MAX_LEN	(2 + 2 * CHAP_BINARY_MAX)
/* Enough for any CHAP_A list we send ("8,7,6,5" and NUL). */
#define CHAP_ALG_LIST_SIZE	16

enum chap_err {
	CHAP_OK = 0,
	CHAP_ERR_INVAL,			/* caller bug: NULL pointer or impossible size */
	CHAP_ERR_BUFFER_SMALL,		/* output buffer too small */
	CHAP_ERR_CRYPTO,		/* libcrypto digest or random generator failed */
	/* algorithms */
	CHAP_ERR_ALG_UNKNOWN,		/* not a CHAP algorithm we implement */
	CHAP_ERR_ALG_UNAVAILABLE,	/* known, but this libcrypto lacks the digest */
	CHAP_ERR_ALG_MALFORMED,		/* CHAP_A is not a comma list of numbers */
	CHAP_ERR_ALG_NAME,		/* configured algorithm name not recognised */
	CHAP_ERR_ALG_DUPLICATE,		/* configured list names an algorithm twice */
	CHAP_ERR_ALG_NONE_COMMON,	/* no algorithm in common */
	CHAP_ERR_ALG_NOT_OFFERED,	/* target chose an algorithm we did not offer */
	/* binary-value encoding (RFC 7143 6.1) */
	CHAP_ERR_VALUE_EMPTY,
	CHAP_ERR_VALUE_NUL,		/* embedded NUL byte */
	CHAP_ERR_VALUE_PREFIX,		/* neither 0x/0X (hex) nor 0b/0B (base64) */
	CHAP_ERR_VALUE_NO_DIGITS,	/* prefix with nothing after it */
	CHAP_ERR_VALUE_TOO_LONG,	/* decodes to more than the bound */
	CHAP_ERR_HEX_DIGIT,
	CHAP_ERR_BASE64_CHAR,
	CHAP_ERR_BASE64_LENGTH,		/* not a multiple of 4 characters */
	CHAP_ERR_BASE64_PADDING,	/* '=' misplaced or more than two */
	CHAP_ERR_BASE64_NONCANONICAL,	/* non-zero bits in the final pad position */
	/* CHAP_I */
	CHAP_ERR_ID_MALFORMED,
	CHAP_ERR_ID_RANGE,		/* above 255 */
	/* challenges and responses */
	CHAP_ERR_CHALLENGE_SHORT,
	CHAP_ERR_CHALLENGE_LONG,
	CHAP_ERR_CHALLENGE_REFLECTED,	/* target's challenge equals ours */
	CHAP_ERR_RESPONSE_LENGTH,	/* not the algorithm's digest length */
	CHAP_ERR_RESPONSE_MISMATCH,	/* target failed mutual authentication */
	CHAP_ERR_RESPONSE_REFLECTED,	/* target's response made with OUR secret */
	/* CHAP_N */
	CHAP_ERR_NAME_EMPTY,
	CHAP_ERR_NAME_LONG,
	CHAP_ERR_NAME_CHAR,		/* control character or NUL in the name */
	CHAP_ERR_NAME_MISMATCH,		/* target's name is not the configured one */
	/* secrets (configuration) */
	CHAP_ERR_SECRET_EMPTY,
	CHAP_ERR_SECRET_LONG,
	CHAP_ERR_SECRETS_IDENTICAL,	/* initiator and target secrets are equal */
	CHAP_ERR__COUNT
};

/* One line, no secret, no value. Never NULL ("unknown CHAP error"). */
const char *chap_strerror(enum chap_err err);

/* ---- algorithms (worker and monitor) ---- */

struct chap_alg_info {
	enum chap_alg alg;
	const char *name;		/* open-iscsi's chap_algs spelling: MD5 SHA1 SHA256 SHA3-256 */
	size_t digest_len;
	const EVP_MD *(*evp_md)(void);
};

/* The table, strongest first. */
extern const struct chap_alg_info chap_alg_table[CHAP_ALG_COUNT];

/* NULL when alg is not in the table. */
const struct chap_alg_info *chap_alg_info(enum chap_alg alg);
/* Case-insensitive lookup of a chap_algs name; NULL when unknown. */
const struct chap_alg_info *chap_alg_by_name(const char *name, size_t len);
/* Whether the linked libcrypto computes this digest (SHA3 may be missing). */
bool chap_alg_available(enum chap_alg alg);

/* Our configured preference order, most preferred first. */
struct chap_prefs {
	unsigned int count;
	enum chap_alg alg[CHAP_ALG_COUNT];
};

/* Parses open-iscsi's node.session.auth.chap_algs ("SHA3-256,SHA256,MD5"):
 * names separated by commas, optional blanks around them; unknown names,
 * duplicates and empty entries are errors. RFC 7143 says initiators MUST
 * offer MD5; like open-iscsi we let an administrator drop it on purpose. */
enum chap_err chap_prefs_parse(const char *list, size_t len, struct chap_prefs *out);
/* The CHAP_A value we send: numbers in preference order, "7,5". */
enum chap_err chap_prefs_format(const struct chap_prefs *prefs, char *out, size_t out_size);

/* From a CHAP_A list-of-values (numbers, comma separated, decimal or
 * 0x-hex), picks our most preferred algorithm that the list contains.
 * Unknown numbers are ignored; a token that is not a number is
 * CHAP_ERR_ALG_MALFORMED; nothing in common is CHAP_ERR_ALG_NONE_COMMON. */
enum chap_err chap_alg_choose(const char *list, size_t len,
			      const struct chap_prefs *prefs, enum chap_alg *out);
/* The target's CHAP_A answer: exactly one number, which must be one we
 * offered (CHAP_ERR_ALG_NOT_OFFERED otherwise, including a list). */
enum chap_err chap_alg_accept(const char *value, size_t len,
			      const struct chap_prefs *prefs, enum chap_alg *out);

/* ---- value encodings (worker) ---- */

/* Decodes an RFC 7143 binary-value: "0x"/"0X" + hex digits (either case; an
 * odd count has an implied leading zero digit, as section 6.1 defines the
 * byte length as (n+1)/2), or "0b"/"0B" + RFC 4648 base64 with mandatory
 * padding, canonical final bits and no whitespace. value_len is the value's
 * length in bytes (no NUL needed; an embedded NUL is an error). Writes at
 * most min(out_size, CHAP_BINARY_MAX) bytes; longer is
 * CHAP_ERR_VALUE_TOO_LONG. On any error (other than CHAP_ERR_INVAL) those
 * bytes of out are zeroed and *out_len is 0. */
enum chap_err chap_decode_binary(const char *value, size_t value_len,
				 uint8_t *out, size_t out_size, size_t *out_len);

/* "0x" + lowercase hex + NUL; out_size >= CHAP_HEX_SIZE(len). */
enum chap_err chap_encode_hex(const uint8_t *bin, size_t len, char *out, size_t out_size);

/* CHAP_I: RFC 7143 says I is a number, i.e. a decimal-constant or a
 * hex-constant ("0x1f"); base64 is not a number. Range 0..255. */
enum chap_err chap_parse_id(const char *value, size_t value_len, uint8_t *id);

/* The target's CHAP_C: a binary-value of CHAP_CHALLENGE_MIN..MAX bytes.
 * out must hold CHAP_CHALLENGE_MAX bytes. */
enum chap_err chap_decode_challenge(const char *value, size_t value_len,
				    uint8_t *out, size_t *out_len);

/* The target's CHAP_R (mutual CHAP): exactly the digest length of alg.
 * out must hold CHAP_DIGEST_MAX bytes. */
enum chap_err chap_decode_response(enum chap_alg alg, const char *value, size_t value_len,
				   uint8_t *out, size_t *out_len);

/* The target's CHAP_N: 1..CHAP_NAME_MAX bytes, no control characters. */
enum chap_err chap_check_name(const char *name, size_t len);
/* chap_check_name() and equal to the configured name (CHAP_ERR_NAME_MISMATCH). */
enum chap_err chap_match_name(const char *expected, const char *name, size_t len);

/* Length bounds of a challenge (either direction). */
enum chap_err chap_check_challenge(size_t len);

/* Mutual CHAP: refuses a target challenge equal to one we issued. In one
 * login the target speaks first, but a target that controls several of our
 * connections could replay our challenge to us to get our answer to it. */
enum chap_err chap_check_not_reflected(const uint8_t *ours, size_t ours_len,
				       const uint8_t *theirs, size_t theirs_len);

/* ---- secrets and digests (monitor only) ---- */

/* Bounds of a configured secret: non-empty, at most CHAP_SECRET_MAX. */
enum chap_err chap_check_secret(size_t len);
/* Below 96 bits (RFC 7143 9.2.1): accepted, but the caller should warn. */
bool chap_secret_is_short(size_t len);
/* Mutual CHAP configuration: refuses identical initiator and target
 * secrets (RFC 7143 9.2.1); compared in constant time. */
enum chap_err chap_check_secret_pair(const uint8_t *initiator_secret, size_t initiator_len,
				     const uint8_t *target_secret, size_t target_len);

/* RFC 1994: out = H(id || secret || challenge), *out_len = digest length.
 * Re-checks the secret and challenge bounds; out holds CHAP_DIGEST_MAX. */
enum chap_err chap_response(enum chap_alg alg, uint8_t id,
			    const uint8_t *secret, size_t secret_len,
			    const uint8_t *challenge, size_t challenge_len,
			    uint8_t *out, size_t *out_len);

/* Our default challenge length: the digest length, at least
 * CHAP_CHALLENGE_MIN (16 for MD5, 20 SHA1, 32 SHA-256 and SHA3-256). Some
 * targets keep challenges in fixed buffers, so we send no more than that. */
size_t chap_challenge_default_len(enum chap_alg alg);

/* Fills out[0..len) from RAND_bytes, len within CHAP_CHALLENGE_MIN..MAX;
 * if it equals avoid (the target's challenge, may be NULL) it draws again. */
enum chap_err chap_make_challenge(size_t len, const uint8_t *avoid, size_t avoid_len,
				  uint8_t *out, size_t out_size);
/* A random CHAP_I for our challenge. */
enum chap_err chap_make_id(uint8_t *id);

/* Mutual CHAP: checks the target's response to our (id, challenge) against
 * target_secret, in constant time. A response equal to what OUR secret
 * would give is CHAP_ERR_RESPONSE_REFLECTED (RFC 7143 9.2.1 requires
 * treating it as a failure); checked even when the secrets differ, so the
 * monitor can tell an attack from a wrong secret. initiator_secret may be
 * NULL when unknown. */
enum chap_err chap_verify_target(enum chap_alg alg, uint8_t id,
				 const uint8_t *challenge, size_t challenge_len,
				 const uint8_t *target_secret, size_t target_len,
				 const uint8_t *initiator_secret, size_t initiator_len,
				 const uint8_t *response, size_t response_len);

/* OPENSSL_cleanse(): for secrets, responses and challenges. */
void chap_wipe(void *p, size_t len);

#endif
