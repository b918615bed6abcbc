/* CRC32C (Castagnoli, reflected polynomial 0x82f63b78), the only digest
 * iSCSI defines for HeaderDigest and DataDigest (RFC 7143 section 13.1).
 *
 * The running state starts at CRC32C_INIT and is finished by inverting it,
 * as in RFC 3720 appendix B.4. On the wire the finished value is sent
 * least significant byte first (the B.4 vectors show the 32 zero bytes
 * giving bytes aa 36 91 8a, i.e. the value 0x8a9136aa). */
#ifndef PROTO_CRC32C_H
#define PROTO_CRC32C_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CRC32C_INIT 0xffffffffu
#define CRC32C_DIGEST_LEN 4

/* Feeds len bytes into a running state (start with CRC32C_INIT). Uses the
 * SSE4.2 crc32 instruction when the CPU has it, a table otherwise; the
 * choice is made once and both give identical results. */
uint32_t crc32c_update(uint32_t state, const void *buf, size_t len);

/* The digest value of a finished running state. */
static inline uint32_t crc32c_final(uint32_t state)
{
	return state ^ 0xffffffffu;
}

/* One shot: crc32c_final(crc32c_update(CRC32C_INIT, buf, len)). */
uint32_t crc32c(const void *buf, size_t len);

/* Writes a digest value in wire order (4 bytes). */
void crc32c_put(uint8_t *out, uint32_t crc);

/* Reads a digest from wire order. */
uint32_t crc32c_get(const uint8_t *in);

/* True when the 4 wire bytes at digest hold crc32c(buf, len). */
bool crc32c_check(const uint8_t *digest, const void *buf, size_t len);

/* The two implementations, exposed so tests can compare them.
 * crc32c_update_hw() may be called only when crc32c_have_hw() is true. */
uint32_t crc32c_update_table(uint32_t state, const void *buf, size_t len);
uint32_t crc32c_update_hw(uint32_t state, const void *buf, size_t len);
bool crc32c_have_hw(void);

#endif
