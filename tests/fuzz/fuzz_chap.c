/* Fuzzes everything the login worker parses from a target's CHAP keys:
 * binary-value decoding (CHAP_C, CHAP_R), CHAP_I, CHAP_A lists and answers,
 * CHAP_N, and the configured chap_algs list. The first byte picks the
 * parser and parameters; the rest is the value, copied to a buffer of its
 * exact size so any over-read is caught. Properties checked beyond "no
 * crash": a decoded value re-encodes to hex and decodes back to the same
 * bytes, lengths stay within their bounds, and a chosen algorithm is one
 * we offered. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "proto/chap.h"

static void check(int cond)
{
	if (!cond)
		abort();
}

static void roundtrip(const uint8_t *bin, size_t len)
{
	char *hex = malloc(CHAP_HEX_SIZE(len));
	uint8_t *back = malloc(len ? len : 1);
	size_t n;

	check(hex && back);
	check(chap_encode_hex(bin, len, hex, CHAP_HEX_SIZE(len)) == CHAP_OK);
	check(chap_decode_binary(hex, strlen(hex), back, len ? len : 1, &n) == CHAP_OK);
	check(n == len && memcmp(back, bin, len) == 0);
	free(hex);
	free(back);
}

/* Our preferences from selector bits: a non-empty ordered subset. */
static void prefs_from(uint8_t sel, struct chap_prefs *p)
{
	p->count = 0;
	for (unsigned int i = 0; i < CHAP_ALG_COUNT; i++)
		if (sel & (1u << i))
			p->alg[p->count++] = chap_alg_table[(i + (sel >> 4)) % CHAP_ALG_COUNT].alg;
	if (p->count == 0)
		p->alg[p->count++] = CHAP_ALG_MD5;
}

static bool offered(const struct chap_prefs *p, enum chap_alg a)
{
	for (unsigned int i = 0; i < p->count; i++)
		if (p->alg[i] == a)
			return true;
	return false;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 2)
		return 0;
	uint8_t sel = data[0], param = data[1];
	size_t len = size - 2;
	char *v = malloc(len ? len : 1);
	check(v != NULL);
	memcpy(v, data + 2, len);

	switch (sel % 8) {
	case 0: {
		/* out_size from 0 to past the RFC bound, exactly allocated */
		size_t out_size = (size_t)param * 5;
		uint8_t *out = malloc(out_size ? out_size : 1);
		size_t n = 0;
		check(out != NULL);
		if (chap_decode_binary(v, len, out, out_size, &n) == CHAP_OK) {
			check(n <= out_size && n <= CHAP_BINARY_MAX);
			roundtrip(out, n);
		} else {
			check(n == 0);
		}
		free(out);
		break;
	}
	case 1: {
		uint8_t *out = malloc(CHAP_CHALLENGE_MAX);
		size_t n = 0;
		check(out != NULL);
		if (chap_decode_challenge(v, len, out, &n) == CHAP_OK)
			check(chap_check_challenge(n) == CHAP_OK);
		free(out);
		break;
	}
	case 2: {
		enum chap_alg alg = (enum chap_alg)(param % 10);
		uint8_t *out = malloc(CHAP_DIGEST_MAX);
		size_t n = 0;
		check(out != NULL);
		if (chap_decode_response(alg, v, len, out, &n) == CHAP_OK)
			check(n == chap_alg_info(alg)->digest_len);
		free(out);
		break;
	}
	case 3: {
		uint8_t id;
		(void)chap_parse_id(v, len, &id);
		break;
	}
	case 4: {
		struct chap_prefs p;
		enum chap_alg a;
		prefs_from(param, &p);
		if (chap_alg_choose(v, len, &p, &a) == CHAP_OK)
			check(offered(&p, a));
		break;
	}
	case 5: {
		struct chap_prefs p;
		enum chap_alg a;
		prefs_from(param, &p);
		if (chap_alg_accept(v, len, &p, &a) == CHAP_OK)
			check(offered(&p, a) && memchr(v, ',', len) == NULL);
		break;
	}
	case 6: {
		struct chap_prefs p;
		char list[CHAP_ALG_LIST_SIZE];
		if (chap_prefs_parse(v, len, &p) == CHAP_OK) {
			check(p.count >= 1 && p.count <= CHAP_ALG_COUNT);
			check(chap_prefs_format(&p, list, sizeof(list)) == CHAP_OK);
		}
		break;
	}
	default: {
		/* CHAP_N against a fixed expected name */
		if (chap_check_name(v, len) == CHAP_OK)
			check(len >= 1 && len <= CHAP_NAME_MAX && memchr(v, '\0', len) == NULL);
		(void)chap_match_name("iqn.2003-01.org.example:target", v, len);
		break;
	}
	}
	free(v);
	return 0;
}
