/* Fuzzes the text key parser, the C-bit assembler, the encoder and
 * splitter, the value helpers and the name checks on every value.
 *
 * Input layout: byte 0 selects options (bit 0: allow duplicates; bits
 * 1..2: a small exchange bound; bits 3..7: the splitter's chunk size),
 * byte 1 the number of cuts (0..15), then one byte per cut giving its
 * position as a fraction of the payload; the rest is the payload.
 * Oracles: the assembler over the pieces agrees with a one-shot parse;
 * an accepted list re-encodes to the same bytes (less trailing padding)
 * and survives splitting and reassembly; every accepted name is safe as a
 * path component. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "proto/names.h"
#include "proto/textkeys.h"

#define CHECK(c) do { if (!(c)) abort(); } while (0)

static bool lists_equal(const struct text_list *a, const struct text_list *b)
{
	if (a->count != b->count)
		return false;
	for (size_t i = 0; i < a->count; i++) {
		const struct text_pair *p = &a->pairs[i], *q = &b->pairs[i];
		if (p->key_len != q->key_len || p->value_len != q->value_len ||
		    memcmp(p->key, q->key, p->key_len) || memcmp(p->value, q->value, p->value_len))
			return false;
	}
	return true;
}

static void check_name(const char *v)
{
	struct iscsi_name_result r;
	char msg[300];

	for (unsigned flags = 0; flags < 2; flags++) {
		if (iscsi_name_check(v, flags, &r) == NAME_OK) {
			CHECK(!strchr(v, '/') && !strchr(v, '\\') && !strstr(v, ".."));
			CHECK(strcmp(v, ".") != 0 && strlen(v) <= ISCSI_NAME_MAX);
			for (const char *p = v; *p; p++)
				CHECK((unsigned char)*p > 0x20 && *p != 0x7f);
		}
		iscsi_name_describe(msg, sizeof(msg), "iSCSI name", v, &r);
		for (const char *p = msg; *p; p++)
			CHECK((unsigned char)*p >= 0x20 && (unsigned char)*p < 0x7f);
	}
	if (iscsi_alias_check(v, &r) != NAME_OK)
		iscsi_name_describe(msg, sizeof(msg), "alias", v, &r);
}

static void check_value(const struct text_pair *p)
{
	uint8_t bin[TEXT_CHAP_BINARY_MAX];
	char hex[3 + 2 * TEXT_CHAP_BINARY_MAX];
	struct text_values_iter it;
	const char *item;
	size_t n, len;
	uint64_t num;
	bool b;

	CHECK(text_check_key(p->key, p->key_len) == TEXT_OK);
	CHECK(strlen(p->key) == p->key_len && strlen(p->value) == p->value_len);
	CHECK(p->value_len <= text_value_limit(p->key));
	CHECK(text_utf8_valid((const uint8_t *)p->value, p->value_len));
	(void)text_value_special(p->value);
	(void)text_parse_bool(p->value, &b);
	if (text_parse_number(p->value, 0, UINT64_MAX, &num) == TEXT_OK)
		CHECK(text_parse_number(p->value, num, num, &num) == TEXT_OK);
	if (text_parse_binary(p->value, bin, sizeof(bin), &len) == TEXT_OK) {
		CHECK(len <= sizeof(bin));
		CHECK(text_format_hex(bin, len, hex, sizeof(hex)) == TEXT_OK);
		uint8_t again[TEXT_CHAP_BINARY_MAX];
		size_t len2;
		CHECK(text_parse_binary(hex, again, sizeof(again), &len2) == TEXT_OK);
		CHECK(len2 == len && memcmp(again, bin, len) == 0);
	}
	text_values_begin(&it, p->value);
	while (text_values_next(&it, &item, &n))
		CHECK(item + n <= p->value + p->value_len);
	(void)text_values_check(p->value);
	check_name(p->value);
}

/* Splits blob into chunks of at most max and reassembles them. */
static void split_and_join(const uint8_t *blob, size_t len, size_t max,
			   const struct text_limits *lim, const struct text_list *want)
{
	struct text_splitter sp;
	struct text_assembler as;
	struct text_limits big = *lim;
	struct text_list got;
	const uint8_t *c;
	size_t n;
	bool cont;
	enum text_err e = TEXT_ERR_STATE;

	big.max_pdus = (unsigned)(len / max + 2);
	text_asm_init(&as, &big);
	text_split_init(&sp, blob, len, max);
	while (text_split_next(&sp, &c, &n, &cont)) {
		CHECK(n <= max);
		e = text_asm_add(&as, c, n, cont, &got, NULL);
		CHECK(e == TEXT_OK);
	}
	CHECK(lists_equal(&got, want));
	text_list_free(&got);
	text_asm_free(&as);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const size_t bounds[4] = { TEXT_EXCHANGE_DEFAULT_MAX, 64, 300, 4096 };
	struct text_limits lim;
	struct text_list one, asm_list;
	struct text_error err1, err2;
	struct text_assembler as;
	size_t cuts[16], ncuts, start = 0;
	enum text_err e1, e2 = TEXT_OK;
	char msg[256];

	if (size < 2)
		return 0;
	text_limits_default(&lim);
	lim.flags = data[0] & 1 ? TEXT_ALLOW_DUPLICATES : 0;
	lim.max_total = bounds[(data[0] >> 1) & 3];
	size_t chunk = (size_t)(data[0] >> 3) + 1;
	ncuts = data[1] & 15;
	if (size < 2 + ncuts)
		return 0;
	const uint8_t *payload = data + 2 + ncuts;
	size_t plen = size - 2 - ncuts;
	for (size_t i = 0; i < ncuts; i++)
		cuts[i] = plen * data[2 + i] / 255;
	for (size_t i = 1; i < ncuts; i++)      /* keep the cuts ascending */
		if (cuts[i] < cuts[i - 1])
			cuts[i] = cuts[i - 1];

	e1 = text_parse(payload, plen, &lim, &one, &err1);
	text_error_format(&err1, msg, sizeof(msg));

	/* The same bytes through the assembler, one PDU per piece, each piece
	 * an exact-size copy so any over-read is caught. */
	text_asm_init(&as, &lim);
	for (size_t i = 0; i <= ncuts && e2 == TEXT_OK; i++) {
		size_t end = i < ncuts ? cuts[i] : plen;
		uint8_t *piece = malloc(end - start + 1);
		CHECK(piece);
		memcpy(piece, payload + start, end - start);
		e2 = text_asm_add(&as, piece, end - start, i < ncuts, &asm_list, &err2);
		free(piece);
		start = end;
	}
	text_asm_free(&as);
	CHECK(e1 == e2);
	if (e1 != TEXT_OK) {
		CHECK(err1.code == e1 && err2.code == e2);
		text_list_free(&one);
		text_list_free(&asm_list);
		return 0;
	}
	CHECK(lists_equal(&one, &asm_list));
	text_list_free(&asm_list);

	for (size_t i = 0; i < one.count; i++)
		check_value(&one.pairs[i]);

	/* Round trip: the encoding is the input without trailing padding. */
	uint8_t *enc;
	size_t elen, trimmed = plen;
	CHECK(text_list_encode_alloc(&one, &enc, &elen) == TEXT_OK);
	while (trimmed && payload[trimmed - 1] == 0)
		trimmed--;
	CHECK(elen == (trimmed ? trimmed + 1 : 0));
	CHECK(elen == 0 || memcmp(enc, payload, elen) == 0);
	split_and_join(enc, elen, chunk, &lim, &one);

	/* The builder accepts everything the parser accepted (its duplicate
	 * check is linear per key, so only for lists of a realistic size). */
	if (one.count <= 512) {
		struct text_list built;
		text_list_init(&built);
		built.allow_duplicates = one.allow_duplicates;
		for (size_t i = 0; i < one.count; i++)
			CHECK(text_list_add(&built, one.pairs[i].key, one.pairs[i].value) == TEXT_OK);
		CHECK(lists_equal(&built, &one));
		text_list_free(&built);
	}
	free(enc);
	text_list_free(&one);
	return 0;
}
