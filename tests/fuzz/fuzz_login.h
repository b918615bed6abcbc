/* Shared by tests/fuzz/fuzz_login.c and the scripted login tests that
 * produced its seed corpus: the fixed login settings, and the input format.
 *
 * Input: one mode byte (FUZZ_LOGIN_MODE_* flags), then any number of
 * records, each a 4-byte big-endian length followed by that many bytes of
 * one target PDU image. */
#ifndef TESTS_FUZZ_FUZZ_LOGIN_H
#define TESTS_FUZZ_FUZZ_LOGIN_H

#define FUZZ_LOGIN_ISID         { 0x80, 0x00, 0x12, 0x34, 0x00, 0x01 }
#define FUZZ_LOGIN_ITT          0x00001000u
#define FUZZ_LOGIN_CMDSN        1u
#define FUZZ_LOGIN_TIMEOUT_MS   15000u
#define FUZZ_LOGIN_JOIN_TSIH    0x1234u
#define FUZZ_LOGIN_INITIATOR    "iqn.2004-10.org.example:initiator"
#define FUZZ_LOGIN_TARGET       "iqn.2004-10.org.example:target"

#define FUZZ_LOGIN_MODE_DISCOVERY 0x01u
#define FUZZ_LOGIN_MODE_CHAP      0x02u
#define FUZZ_LOGIN_MODE_MUTUAL    0x04u
#define FUZZ_LOGIN_MODE_JOIN      0x08u   /* non-leading: TSIH given */

#endif
