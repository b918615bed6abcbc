/* Kernel-to-user NETLINK_ISCSI datagrams through the client's decoder:
 * message walking, events (RECV_PDU's length rule) and GET_STATS answers.
 * Nothing may read past the datagram, whatever its lengths claim. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/iscsi_nl_priv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct kern_event ev;
	static struct kern_stats st;
	struct knl_msg m;
	size_t off = 0;
	int rc;
	/* An exact-size copy, so an over-read is caught by the sanitizer. */
	unsigned char *buf = malloc(size ? size : 1);

	if (!buf)
		return 0;
	memcpy(buf, data, size);
	while ((rc = knl_next_msg(buf, size, &off, &m)) != 0) {
		if (rc < 0)
			continue;
		if (knl_decode_event(&m, &ev) == 0 && ev.pdu_len > KERN_EVENT_PDU_MAX)
			abort();
		if (knl_decode_stats(&m, &st) == 0 &&
		    (st.ncustom > KERN_STATS_CUSTOM_MAX || st.nsnmp != 21))
			abort();
		(void)knl_reply_errno(m.ev.iferror);
	}
	free(buf);
	return 0;
}
