/* CRC32C: the RFC 3720 appendix B.4 vectors through both implementations,
 * and the two implementations against each other on random input. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "proto/crc32c.h"

struct vector {
	const char *name;
	uint8_t data[48];
	size_t len;
	uint8_t wire[4];        /* the CRC bytes as B.4 prints them */
};

static void fill_vectors(struct vector v[5])
{
	memset(v, 0, 5 * sizeof(*v));
	v[0] = (struct vector){ .name = "32 zeros", .len = 32, .wire = { 0xaa, 0x36, 0x91, 0x8a } };
	v[1] = (struct vector){ .name = "32 ones", .len = 32, .wire = { 0x43, 0xab, 0xa8, 0x62 } };
	memset(v[1].data, 0xff, 32);
	v[2] = (struct vector){ .name = "incrementing", .len = 32, .wire = { 0x4e, 0x79, 0xdd, 0x46 } };
	v[3] = (struct vector){ .name = "decrementing", .len = 32, .wire = { 0x5c, 0xdb, 0x3f, 0x11 } };
	for (int i = 0; i < 32; i++) {
		v[2].data[i] = (uint8_t)i;
		v[3].data[i] = (uint8_t)(31 - i);
	}
	/* The SCSI Read (10) Command PDU of B.4. */
	v[4] = (struct vector){ .name = "read command", .len = 48, .wire = { 0x56, 0x3a, 0x96, 0xd9 } };
	v[4].data[0] = 0x01;
	v[4].data[1] = 0xc0;
	v[4].data[16] = 0x14;
	v[4].data[22] = 0x04;
	v[4].data[27] = 0x14;
	v[4].data[31] = 0x18;
	v[4].data[32] = 0x28;
	v[4].data[40] = 0x02;
}

typedef uint32_t (*update_fn)(uint32_t, const void *, size_t);

static void check_vectors(update_fn update)
{
	struct vector v[5];

	fill_vectors(v);
	for (int i = 0; i < 5; i++) {
		uint32_t crc = crc32c_final(update(CRC32C_INIT, v[i].data, v[i].len));
		uint8_t wire[4];

		crc32c_put(wire, crc);
		if (memcmp(wire, v[i].wire, 4) != 0)
			fail_msg("%s: got %02x %02x %02x %02x", v[i].name, wire[0], wire[1],
				 wire[2], wire[3]);
		assert_int_equal(crc32c_get(v[i].wire), crc);
	}
}

static void rfc_vectors_table(void **state)
{
	(void)state;
	check_vectors(crc32c_update_table);
}

static void rfc_vectors_hw(void **state)
{
	(void)state;
	if (!crc32c_have_hw())
		skip();
	check_vectors(crc32c_update_hw);
}

static void rfc_vectors_dispatch(void **state)
{
	(void)state;
	check_vectors(crc32c_update);
}

static void one_shot_and_check(void **state)
{
	static const char check_string[] = "123456789";
	struct vector v[5];
	uint8_t digest[4];

	(void)state;
	/* The catalogue check value of CRC-32C. */
	assert_int_equal(crc32c(check_string, 9), 0xe3069283);
	assert_int_equal(crc32c(NULL, 0), 0);
	fill_vectors(v);
	assert_true(crc32c_check(v[4].wire, v[4].data, v[4].len));
	crc32c_put(digest, crc32c(v[0].data, 32));
	assert_memory_equal(digest, v[0].wire, 4);
	digest[3] ^= 1;
	assert_false(crc32c_check(digest, v[0].data, 32));
}

/* Feeding a buffer in pieces gives the one-shot result. */
static void incremental_equals_one_shot(void **state)
{
	uint8_t buf[300];

	(void)state;
	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = (uint8_t)(i * 7 + 3);
	uint32_t whole = crc32c(buf, sizeof(buf));
	for (size_t cut = 0; cut <= sizeof(buf); cut += 13) {
		uint32_t s = crc32c_update(CRC32C_INIT, buf, cut);
		s = crc32c_update(s, buf + cut, sizeof(buf) - cut);
		assert_int_equal(crc32c_final(s), whole);
	}
}

/* xorshift, so failures reproduce. */
static uint64_t rng_state = 0x9e3779b97f4a7c15ull;
static uint64_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static void random_buffers_agree(void **state)
{
	enum { MAX = 4096 + 64 };
	uint8_t *buf = malloc(MAX);

	(void)state;
	if (!crc32c_have_hw()) {
		free(buf);
		skip();
	}
	assert_non_null(buf);
	for (int round = 0; round < 2000; round++) {
		size_t start = rng() % 16;     /* misaligned starts */
		size_t len = rng() % (MAX - 16);
		if (round < 64)
			len = (size_t)round;   /* every short and odd length */
		for (size_t i = 0; i < start + len; i++)
			buf[i] = (uint8_t)rng();
		uint32_t seed = (round & 1) ? CRC32C_INIT : (uint32_t)rng();
		uint32_t a = crc32c_update_table(seed, buf + start, len);
		uint32_t b = crc32c_update_hw(seed, buf + start, len);
		if (a != b) {
			free(buf);
			fail_msg("round %d start %zu len %zu: table %08x hw %08x", round, start,
				 len, a, b);
		}
	}
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(rfc_vectors_table),
		cmocka_unit_test(rfc_vectors_hw),
		cmocka_unit_test(rfc_vectors_dispatch),
		cmocka_unit_test(one_shot_and_check),
		cmocka_unit_test(incremental_equals_one_shot),
		cmocka_unit_test(random_buffers_agree),
	};
	return cmocka_run_group_tests_name("crc32c", tests, NULL, NULL);
}
