/* The monitor's frame decoder (privsep/msg.c) on arbitrary bytes, as a
 * compromised worker could send them. The first input byte picks the
 * receiving side (bit 0) and whether a descriptor came along (bit 1); the
 * rest is the frame. A frame that decodes must encode back to exactly the
 * same bytes: the encoding is canonical, so nothing accepted is ambiguous. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "privsep/msg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	enum msg_side receiver = (data[0] & 1) ? MSG_BY_WORKER : MSG_BY_MONITOR;
	enum msg_side sender = receiver == MSG_BY_WORKER ? MSG_BY_MONITOR : MSG_BY_WORKER;
	int fd = (data[0] & 2) ? 1000 : -1;     /* never used as a descriptor */
	struct msg m;
	const char *field = NULL;

	enum msg_err rc = msg_decode(data + 1, size - 1, fd, receiver, &m, &field);
	if (rc != MSG_OK) {
		if (!field || !msg_strerror(rc))
			abort();
		return 0;
	}
	if (field || m.fd != fd)
		abort();

	uint8_t again[MSG_FRAME_MAX];
	size_t len = 0;
	if (msg_encode(&m, sender, again, sizeof(again), &len, NULL) != MSG_OK)
		abort();
	if (len != size - 1 || memcmp(again, data + 1, len) != 0)
		abort();
	return 0;
}
