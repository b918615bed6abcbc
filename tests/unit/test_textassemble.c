/* Text exchanges over several PDUs (C bit): the assembler and the
 * splitter, and the builder whose output they carry. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proto/textkeys.h"

static const char blob[] = "InitiatorName=iqn.2016-04.com.open-iscsi:5e8f\0"
			   "SessionType=Normal\0AuthMethod=CHAP,None\0";
#define BLOB_LEN (sizeof(blob) - 1)

static void check_blob_list(const struct text_list *l)
{
	assert_int_equal(l->count, 3);
	assert_string_equal(l->pairs[0].key, "InitiatorName");
	assert_string_equal(l->pairs[0].value, "iqn.2016-04.com.open-iscsi:5e8f");
	assert_string_equal(l->pairs[1].value, "Normal");
	assert_string_equal(l->pairs[2].value, "CHAP,None");
}

/* Feeds blob cut at the given offsets (ascending), one PDU per piece,
 * each piece in an exact-size heap copy so ASan sees any over-read. */
static enum text_err feed(const size_t *cuts, size_t ncuts, struct text_list *out)
{
	struct text_assembler as;
	enum text_err e = TEXT_OK;
	size_t start = 0;

	text_asm_init(&as, NULL);
	for (size_t i = 0; i <= ncuts && e == TEXT_OK; i++) {
		size_t end = i < ncuts ? cuts[i] : BLOB_LEN;
		uint8_t *piece = malloc(end - start + 1);
		assert_non_null(piece);
		memcpy(piece, blob + start, end - start);
		e = text_asm_add(&as, piece, end - start, i < ncuts, out, NULL);
		free(piece);
		start = end;
	}
	text_asm_free(&as);
	return e;
}

static void single_pdu(void **state)
{
	struct text_list l;
	(void)state;
	assert_int_equal(feed(NULL, 0, &l), TEXT_OK);
	check_blob_list(&l);
	text_list_free(&l);
}

static void split_in_two_at_every_byte(void **state)
{
	(void)state;
	for (size_t c = 0; c <= BLOB_LEN; c++) {
		struct text_list l;
		assert_int_equal(feed(&c, 1, &l), TEXT_OK);
		check_blob_list(&l);
		text_list_free(&l);
	}
}

static void split_in_three_at_every_pair_of_bytes(void **state)
{
	(void)state;
	for (size_t a = 0; a <= BLOB_LEN; a++) {
		for (size_t b = a; b <= BLOB_LEN; b++) {
			size_t cuts[2] = { a, b };
			struct text_list l;
			assert_int_equal(feed(cuts, 2, &l), TEXT_OK);
			check_blob_list(&l);
			text_list_free(&l);
		}
	}
}

static void one_byte_per_pdu(void **state)
{
	size_t cuts[BLOB_LEN - 1];
	struct text_list l;
	(void)state;
	for (size_t i = 0; i < BLOB_LEN - 1; i++)
		cuts[i] = i + 1;
	assert_int_equal(feed(cuts, BLOB_LEN - 1, &l), TEXT_OK);   /* 85 PDUs */
	check_blob_list(&l);
	text_list_free(&l);
}

static void pdu_count_bound(void **state)
{
	struct text_limits lim;
	struct text_assembler as;
	struct text_list l;
	struct text_error e;
	char msg[200];
	(void)state;
	text_limits_default(&lim);
	assert_int_equal(lim.max_pdus, 256);
	lim.max_pdus = 4;
	text_asm_init(&as, &lim);
	for (int i = 0; i < 3; i++)
		assert_int_equal(text_asm_add(&as, (const uint8_t *)"A", 1, true, &l, NULL), TEXT_OK);
	assert_int_equal(text_asm_add(&as, (const uint8_t *)"=1", 3, false, &l, NULL), TEXT_OK);
	assert_string_equal(text_list_get(&l, "AAA"), "1");
	text_list_free(&l);

	text_asm_reset(&as);
	for (int i = 0; i < 4; i++)
		assert_int_equal(text_asm_add(&as, NULL, 0, true, &l, NULL), TEXT_OK);
	assert_int_equal(text_asm_add(&as, (const uint8_t *)"A=1", 4, false, &l, &e),
			 TEXT_ERR_TOO_MANY_PDUS);
	text_error_format(&e, msg, sizeof(msg));
	assert_string_equal(msg, "text data at byte 0: too many continuation PDUs in a text exchange (limit 4)");
	text_list_free(&l);
	/* finished: further PDUs are refused until reset */
	assert_int_equal(text_asm_add(&as, (const uint8_t *)"A=1", 4, false, &l, NULL), TEXT_ERR_STATE);
	text_list_free(&l);
	text_asm_free(&as);
}

/* "K=" and n-2 'V's (no NUL), cont set, then a final "V" NUL. */
static enum text_err fill_to(struct text_assembler *as, size_t total, struct text_list *l,
			     struct text_error *e)
{
	uint8_t seg[64];
	size_t left = total - 2;
	enum text_err r;

	memset(seg, 'V', sizeof(seg));
	r = text_asm_add(as, (const uint8_t *)"K=", 2, true, l, e);
	while (r == TEXT_OK && left > 2) {
		size_t n = left - 2 < sizeof(seg) ? left - 2 : sizeof(seg);
		r = text_asm_add(as, seg, n, true, l, e);
		left -= n;
	}
	if (r == TEXT_OK)
		r = text_asm_add(as, (const uint8_t *)"V", 2, false, l, e);
	return r;
}

static void exchange_size_bound(void **state)
{
	struct text_limits lim;
	struct text_assembler as;
	struct text_list l;
	struct text_error e;
	(void)state;
	text_limits_default(&lim);
	lim.max_total = 200;
	text_asm_init(&as, &lim);
	assert_int_equal(fill_to(&as, 200, &l, NULL), TEXT_OK);
	assert_int_equal(l.pairs[0].value_len, 197);
	text_list_free(&l);
	text_asm_reset(&as);
	assert_int_equal(fill_to(&as, 201, &l, &e), TEXT_ERR_EXCHANGE_TOO_LONG);
	assert_int_equal(e.limit, 200);
	text_list_free(&l);
	/* inside the exchange bound, a value is still held to its own limit */
	text_asm_free(&as);
	text_asm_init(&as, NULL);
	assert_int_equal(fill_to(&as, 300, &l, NULL), TEXT_ERR_VALUE_TOO_LONG);
	text_list_free(&l);
	text_asm_free(&as);
}

static void default_exchange_bound(void **state)
{
	struct text_assembler as;
	struct text_list l;
	struct text_error e;
	uint8_t pdu[8192];
	size_t len = 0;
	int i = 0;
	(void)state;
	/* 16-byte pairs "Kxxxx=123456789" NUL: 4096 of them are 64 KiB. */
	text_asm_init(&as, NULL);
	for (int p = 0; p < 8; p++) {
		len = 0;
		for (int k = 0; k < 512; k++, i++)
			len += (size_t)snprintf((char *)pdu + len, 16, "K%04d=123456789", i) + 1;
		assert_int_equal(len, sizeof(pdu));
		assert_int_equal(text_asm_add(&as, pdu, len, p < 7, &l, NULL), TEXT_OK);
	}
	assert_int_equal(l.count, 4096);
	text_list_free(&l);
	text_asm_reset(&as);
	for (int p = 0; p < 8; p++)
		assert_int_equal(text_asm_add(&as, pdu, len, true, &l, NULL), TEXT_OK);
	assert_int_equal(text_asm_add(&as, (const uint8_t *)"", 1, false, &l, &e),
			 TEXT_ERR_EXCHANGE_TOO_LONG);
	assert_int_equal(e.limit, 65536);
	text_list_free(&l);
	text_asm_free(&as);
}

static void final_pdu_must_end_pairs(void **state)
{
	struct text_assembler as;
	struct text_list l;
	(void)state;
	text_asm_init(&as, NULL);
	assert_int_equal(text_asm_add(&as, (const uint8_t *)"A=1\0B=", 6, true, &l, NULL), TEXT_OK);
	assert_int_equal(text_asm_add(&as, (const uint8_t *)"2", 1, false, &l, NULL),
			 TEXT_ERR_UNTERMINATED);
	text_list_free(&l);
	/* an empty final PDU closes a sequence whose data ended with NUL */
	text_asm_reset(&as);
	assert_int_equal(text_asm_add(&as, (const uint8_t *)"A=1\0", 4, true, &l, NULL), TEXT_OK);
	assert_int_equal(text_asm_add(&as, NULL, 0, false, &l, NULL), TEXT_OK);
	assert_int_equal(l.count, 1);
	text_list_free(&l);
	text_asm_free(&as);
}

static void builder_round_trip(void **state)
{
	struct text_list b, p;
	uint8_t *enc;
	size_t len;
	(void)state;
	text_list_init(&b);
	assert_int_equal(text_list_add(&b, "InitiatorName", "iqn.2016-04.com.open-iscsi:5e8f"), TEXT_OK);
	assert_int_equal(text_list_add_num(&b, "MaxRecvDataSegmentLength", 262144), TEXT_OK);
	assert_int_equal(text_list_add_bool(&b, "InitialR2T", false), TEXT_OK);
	assert_int_equal(text_list_add_bool(&b, "ImmediateData", true), TEXT_OK);
	assert_int_equal(text_list_add_num(&b, "Big", UINT64_MAX), TEXT_OK);
	assert_int_equal(text_list_encode_alloc(&b, &enc, &len), TEXT_OK);
	assert_int_equal(len, text_list_encoded_len(&b));
	static const char want[] = "InitiatorName=iqn.2016-04.com.open-iscsi:5e8f\0"
				   "MaxRecvDataSegmentLength=262144\0InitialR2T=No\0"
				   "ImmediateData=Yes\0Big=18446744073709551615\0";
	assert_int_equal(len, sizeof(want) - 1);
	assert_memory_equal(enc, want, len);
	assert_int_equal(text_parse(enc, len, NULL, &p, NULL), TEXT_OK);
	assert_int_equal(p.count, 5);
	assert_string_equal(text_list_get(&p, "InitialR2T"), "No");
	text_list_free(&p);
	free(enc);
	text_list_free(&b);
}

static void builder_refuses_what_a_parser_would(void **state)
{
	struct text_list b;
	char big[TEXT_LARGE_VALUE_MAX + 2];
	uint8_t small[8], *enc;
	size_t len;
	(void)state;
	text_list_init(&b);
	assert_int_equal(text_list_add(&b, "lower", "1"), TEXT_ERR_KEY_CHAR);
	assert_int_equal(text_list_add(&b, "", "1"), TEXT_ERR_EMPTY_KEY);
	assert_int_equal(text_list_add(&b, "A=B", "1"), TEXT_ERR_KEY_CHAR);
	assert_int_equal(text_list_add(&b, "A", "\xc0\x80"), TEXT_ERR_VALUE_UTF8);
	memset(big, 'K', 64);
	big[64] = '\0';
	assert_int_equal(text_list_add(&b, big, "1"), TEXT_ERR_KEY_TOO_LONG);
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	assert_int_equal(text_list_add(&b, "CHAP_R", big), TEXT_ERR_VALUE_TOO_LONG);
	big[TEXT_LARGE_VALUE_MAX] = '\0';
	assert_int_equal(text_list_add(&b, "CHAP_R", big), TEXT_OK);
	big[256] = '\0';
	assert_int_equal(text_list_add(&b, "CHAP_N", big), TEXT_ERR_VALUE_TOO_LONG);
	assert_int_equal(text_list_add(&b, "CHAP_R", "0x00"), TEXT_ERR_DUPLICATE);
	assert_int_equal(b.count, 1);
	assert_int_equal(text_list_encode(&b, small, sizeof(small), &len), TEXT_ERR_NO_SPACE);
	assert_int_equal(len, 0);
	text_list_free(&b);
	assert_int_equal(text_list_encode_alloc(&b, &enc, &len), TEXT_OK);
	assert_null(enc);
	assert_int_equal(len, 0);
	b.allow_duplicates = true;
	assert_int_equal(text_list_add(&b, "TargetAddress", "10.0.0.1:3260,1"), TEXT_OK);
	assert_int_equal(text_list_add(&b, "TargetAddress", "10.0.0.2:3260,1"), TEXT_OK);
	assert_int_equal(b.count, 2);
	text_list_free(&b);
}

static void splitter_chunks(void **state)
{
	struct text_splitter sp;
	const uint8_t *c;
	size_t n;
	bool cont;
	(void)state;
	text_split_init(&sp, (const uint8_t *)blob, 10, 4);
	assert_true(text_split_next(&sp, &c, &n, &cont));
	assert_ptr_equal(c, blob);
	assert_int_equal(n, 4);
	assert_true(cont);
	assert_true(text_split_next(&sp, &c, &n, &cont));
	assert_int_equal(n, 4);
	assert_true(cont);
	assert_true(text_split_next(&sp, &c, &n, &cont));
	assert_ptr_equal(c, blob + 8);
	assert_int_equal(n, 2);
	assert_false(cont);
	assert_false(text_split_next(&sp, &c, &n, &cont));
	/* exact multiple: the last full chunk clears the C bit */
	text_split_init(&sp, (const uint8_t *)blob, 8, 4);
	assert_true(text_split_next(&sp, &c, &n, &cont));
	assert_true(text_split_next(&sp, &c, &n, &cont));
	assert_int_equal(n, 4);
	assert_false(cont);
	assert_false(text_split_next(&sp, &c, &n, &cont));
	/* empty blob: one empty final chunk; max 0: nothing */
	text_split_init(&sp, NULL, 0, 4);
	assert_true(text_split_next(&sp, &c, &n, &cont));
	assert_int_equal(n, 0);
	assert_false(cont);
	assert_false(text_split_next(&sp, &c, &n, &cont));
	text_split_init(&sp, (const uint8_t *)blob, 8, 0);
	assert_false(text_split_next(&sp, &c, &n, &cont));
}

static void splitter_feeds_assembler(void **state)
{
	(void)state;
	for (size_t max = 1; max <= BLOB_LEN + 1; max++) {
		struct text_splitter sp;
		struct text_assembler as;
		struct text_list l;
		const uint8_t *c;
		size_t n, pdus = 0;
		bool cont = true;
		enum text_err e = TEXT_OK;

		text_asm_init(&as, NULL);
		text_split_init(&sp, (const uint8_t *)blob, BLOB_LEN, max);
		while (text_split_next(&sp, &c, &n, &cont)) {
			assert_true(n <= max);
			e = text_asm_add(&as, c, n, cont, &l, NULL);
			assert_int_equal(e, TEXT_OK);
			pdus++;
		}
		assert_false(cont);
		assert_int_equal(pdus, (BLOB_LEN + max - 1) / max);
		check_blob_list(&l);
		text_list_free(&l);
		text_asm_free(&as);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(single_pdu),
		cmocka_unit_test(split_in_two_at_every_byte),
		cmocka_unit_test(split_in_three_at_every_pair_of_bytes),
		cmocka_unit_test(one_byte_per_pdu),
		cmocka_unit_test(pdu_count_bound),
		cmocka_unit_test(exchange_size_bound),
		cmocka_unit_test(default_exchange_bound),
		cmocka_unit_test(final_pdu_must_end_pairs),
		cmocka_unit_test(builder_round_trip),
		cmocka_unit_test(builder_refuses_what_a_parser_would),
		cmocka_unit_test(splitter_chunks),
		cmocka_unit_test(splitter_feeds_assembler),
	};
	return cmocka_run_group_tests_name("textassemble", tests, NULL, NULL);
}
