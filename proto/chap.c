/* CHAP arithmetic: the algorithm table, error messages, and the work done
 * with secrets in the monitor (responses, challenges, verification). The
 * text the worker parses is in proto/chap_text.c; proto/chap.h says which
 * side calls what. */
#include "proto/chap.h"

#include <string.h>
#include <strings.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>

const struct chap_alg_info chap_alg_table[CHAP_ALG_COUNT] = {
	{ CHAP_ALG_SHA3_256, "SHA3-256", 32, EVP_sha3_256 },
	{ CHAP_ALG_SHA256, "SHA256", 32, EVP_sha256 },
	{ CHAP_ALG_SHA1, "SHA1", 20, EVP_sha1 },
	{ CHAP_ALG_MD5, "MD5", 16, EVP_md5 },
};

static const char *const chap_messages[CHAP_ERR__COUNT] = {
	[CHAP_OK] = "success",
	[CHAP_ERR_INVAL] = "invalid argument to a CHAP function",
	[CHAP_ERR_BUFFER_SMALL] = "CHAP output buffer too small",
	[CHAP_ERR_CRYPTO] = "cryptographic library failure during CHAP",
	[CHAP_ERR_ALG_UNKNOWN] = "unknown CHAP algorithm",
	[CHAP_ERR_ALG_UNAVAILABLE] = "CHAP algorithm not available in the crypto library",
	[CHAP_ERR_ALG_MALFORMED] = "malformed CHAP_A value",
	[CHAP_ERR_ALG_NAME] = "unknown CHAP algorithm name (valid: MD5, SHA1, SHA256, SHA3-256)",
	[CHAP_ERR_ALG_DUPLICATE] = "CHAP algorithm listed twice",
	[CHAP_ERR_ALG_NONE_COMMON] = "no CHAP algorithm in common with the target",
	[CHAP_ERR_ALG_NOT_OFFERED] = "target chose a CHAP algorithm that was not offered",
	[CHAP_ERR_VALUE_EMPTY] = "empty CHAP value",
	[CHAP_ERR_VALUE_NUL] = "NUL byte inside a CHAP value",
	[CHAP_ERR_VALUE_PREFIX] = "CHAP binary value lacks a 0x or 0b prefix",
	[CHAP_ERR_VALUE_NO_DIGITS] = "CHAP binary value has no digits after its prefix",
	[CHAP_ERR_VALUE_TOO_LONG] = "CHAP binary value too long",
	[CHAP_ERR_HEX_DIGIT] = "invalid hex digit in a CHAP value",
	[CHAP_ERR_BASE64_CHAR] = "invalid base64 character in a CHAP value",
	[CHAP_ERR_BASE64_LENGTH] = "base64 CHAP value length is not a multiple of 4",
	[CHAP_ERR_BASE64_PADDING] = "misplaced base64 padding in a CHAP value",
	[CHAP_ERR_BASE64_NONCANONICAL] = "non-canonical base64 CHAP value",
	[CHAP_ERR_ID_MALFORMED] = "malformed CHAP_I value",
	[CHAP_ERR_ID_RANGE] = "CHAP_I value out of range 0..255",
	[CHAP_ERR_CHALLENGE_SHORT] = "CHAP challenge too short",
	[CHAP_ERR_CHALLENGE_LONG] = "CHAP challenge too long",
	[CHAP_ERR_CHALLENGE_REFLECTED] = "target sent back our own CHAP challenge",
	[CHAP_ERR_RESPONSE_LENGTH] = "CHAP response has the wrong length",
	[CHAP_ERR_RESPONSE_MISMATCH] = "target failed CHAP authentication",
	[CHAP_ERR_RESPONSE_REFLECTED] = "target answered with the initiator's own secret",
	[CHAP_ERR_NAME_EMPTY] = "empty CHAP_N name",
	[CHAP_ERR_NAME_LONG] = "CHAP_N name too long",
	[CHAP_ERR_NAME_CHAR] = "control character in CHAP_N name",
	[CHAP_ERR_NAME_MISMATCH] = "target's CHAP_N is not the configured name",
	[CHAP_ERR_SECRET_EMPTY] = "empty CHAP secret",
	[CHAP_ERR_SECRET_LONG] = "CHAP secret too long",
	[CHAP_ERR_SECRETS_IDENTICAL] = "initiator and target CHAP secrets must differ",
};

const char *chap_strerror(enum chap_err err)
{
	if ((unsigned int)err >= CHAP_ERR__COUNT || !chap_messages[err])
		return "unknown CHAP error";
	return chap_messages[err];
}

void chap_wipe(void *p, size_t len)
{
	if (p && len)
		OPENSSL_cleanse(p, len);
}

/* ---- algorithms ---- */

const struct chap_alg_info *chap_alg_info(enum chap_alg alg)
{
	for (unsigned int i = 0; i < CHAP_ALG_COUNT; i++)
		if (chap_alg_table[i].alg == alg)
			return &chap_alg_table[i];
	return NULL;
}

const struct chap_alg_info *chap_alg_by_name(const char *name, size_t len)
{
	if (!name)
		return NULL;
	for (unsigned int i = 0; i < CHAP_ALG_COUNT; i++) {
		const char *n = chap_alg_table[i].name;
		if (strlen(n) == len && strncasecmp(n, name, len) == 0)
			return &chap_alg_table[i];
	}
	return NULL;
}

/* A trial digest: with OpenSSL 3 the EVP_MD getters succeed even when no
 * provider implements the digest (FIPS mode drops MD5), so only use tells. */
bool chap_alg_available(enum chap_alg alg)
{
	const struct chap_alg_info *a = chap_alg_info(alg);
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;

	if (!a)
		return false;
	return EVP_Digest("", 0, md, &mdlen, a->evp_md(), NULL) == 1 &&
	       mdlen == a->digest_len;
}

/* ---- secrets and digests ---- */

enum chap_err chap_check_secret(size_t len)
{
	if (len == 0)
		return CHAP_ERR_SECRET_EMPTY;
	if (len > CHAP_SECRET_MAX)
		return CHAP_ERR_SECRET_LONG;
	return CHAP_OK;
}

bool chap_secret_is_short(size_t len)
{
	return len < CHAP_SECRET_MIN_RECOMMENDED;
}

enum chap_err chap_check_secret_pair(const uint8_t *initiator_secret, size_t initiator_len,
				     const uint8_t *target_secret, size_t target_len)
{
	enum chap_err err;

	if (!initiator_secret || !target_secret)
		return CHAP_ERR_INVAL;
	if ((err = chap_check_secret(initiator_len)) != CHAP_OK ||
	    (err = chap_check_secret(target_len)) != CHAP_OK)
		return err;
	if (initiator_len == target_len &&
	    CRYPTO_memcmp(initiator_secret, target_secret, target_len) == 0)
		return CHAP_ERR_SECRETS_IDENTICAL;
	return CHAP_OK;
}

enum chap_err chap_response(enum chap_alg alg, uint8_t id,
			    const uint8_t *secret, size_t secret_len,
			    const uint8_t *challenge, size_t challenge_len,
			    uint8_t *out, size_t *out_len)
{
	const struct chap_alg_info *a = chap_alg_info(alg);
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	enum chap_err err = CHAP_ERR_CRYPTO;
	EVP_MD_CTX *ctx;

	if (!secret || !challenge || !out || !out_len)
		return CHAP_ERR_INVAL;
	*out_len = 0;
	if (!a)
		return CHAP_ERR_ALG_UNKNOWN;
	if ((err = chap_check_secret(secret_len)) != CHAP_OK ||
	    (err = chap_check_challenge(challenge_len)) != CHAP_OK)
		return err;
	if (!(ctx = EVP_MD_CTX_new()))
		return CHAP_ERR_CRYPTO;
	if (EVP_DigestInit_ex(ctx, a->evp_md(), NULL) != 1) {
		err = CHAP_ERR_ALG_UNAVAILABLE;
	} else if (EVP_DigestUpdate(ctx, &id, 1) == 1 &&
		   EVP_DigestUpdate(ctx, secret, secret_len) == 1 &&
		   EVP_DigestUpdate(ctx, challenge, challenge_len) == 1 &&
		   EVP_DigestFinal_ex(ctx, md, &mdlen) == 1 && mdlen == a->digest_len) {
		memcpy(out, md, mdlen);
		*out_len = mdlen;
		err = CHAP_OK;
	} else {
		err = CHAP_ERR_CRYPTO;
	}
	/* The context's state after absorbing the secret is secret too;
	 * EVP_MD_CTX_free() clears it before freeing. */
	EVP_MD_CTX_free(ctx);
	chap_wipe(md, sizeof(md));
	return err;
}

size_t chap_challenge_default_len(enum chap_alg alg)
{
	const struct chap_alg_info *a = chap_alg_info(alg);

	if (!a || a->digest_len < CHAP_CHALLENGE_MIN)
		return CHAP_CHALLENGE_MIN;
	return a->digest_len;
}

enum chap_err chap_make_challenge(size_t len, const uint8_t *avoid, size_t avoid_len,
				  uint8_t *out, size_t out_size)
{
	enum chap_err err;

	if (!out || (!avoid && avoid_len))
		return CHAP_ERR_INVAL;
	if ((err = chap_check_challenge(len)) != CHAP_OK)
		return err;
	if (out_size < len)
		return CHAP_ERR_BUFFER_SMALL;
	/* A repeat of 16 random bytes means the generator is broken; give
	 * it one more chance, then fail rather than loop. */
	for (int tries = 0; tries < 2; tries++) {
		if (RAND_bytes(out, (int)len) != 1)
			break;
		if (!avoid || chap_check_not_reflected(out, len, avoid, avoid_len) == CHAP_OK)
			return CHAP_OK;
	}
	chap_wipe(out, len);
	return CHAP_ERR_CRYPTO;
}

enum chap_err chap_make_id(uint8_t *id)
{
	if (!id)
		return CHAP_ERR_INVAL;
	return RAND_bytes(id, 1) == 1 ? CHAP_OK : CHAP_ERR_CRYPTO;
}

enum chap_err chap_verify_target(enum chap_alg alg, uint8_t id,
				 const uint8_t *challenge, size_t challenge_len,
				 const uint8_t *target_secret, size_t target_len,
				 const uint8_t *initiator_secret, size_t initiator_len,
				 const uint8_t *response, size_t response_len)
{
	const struct chap_alg_info *a = chap_alg_info(alg);
	uint8_t expected[CHAP_DIGEST_MAX], ours[CHAP_DIGEST_MAX];
	size_t expected_len = 0, ours_len = 0;
	enum chap_err err;

	if (!response || (!initiator_secret && initiator_len))
		return CHAP_ERR_INVAL;
	if (!a)
		return CHAP_ERR_ALG_UNKNOWN;
	if (response_len != a->digest_len)
		return CHAP_ERR_RESPONSE_LENGTH;
	err = chap_response(alg, id, target_secret, target_len, challenge, challenge_len,
			    expected, &expected_len);
	if (err == CHAP_OK && initiator_secret)
		err = chap_response(alg, id, initiator_secret, initiator_len, challenge,
				    challenge_len, ours, &ours_len);
	if (err == CHAP_OK) {
		if (ours_len && CRYPTO_memcmp(ours, response, response_len) == 0)
			err = CHAP_ERR_RESPONSE_REFLECTED;
		else if (CRYPTO_memcmp(expected, response, response_len) != 0)
			err = CHAP_ERR_RESPONSE_MISMATCH;
	}
	chap_wipe(expected, sizeof(expected));
	chap_wipe(ours, sizeof(ours));
	return err;
}
