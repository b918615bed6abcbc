/* iscsid's control request decoder (control/ctl_codec.c) on arbitrary
 * bytes, as any local user in the control group could send them, and the
 * client's decoder on what a rogue daemon could answer. The first input
 * byte picks the receiving side (bit 0); the rest is the frame. A frame
 * that decodes must encode back to exactly the same bytes, and every
 * string in it must be free of control characters. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "control/ctl_msg.h"

static void check_strings(const struct ctl_msg *m)
{
	const struct ctl_type_info *t = ctl_type_info(m->type);

	for (size_t i = 0; i < t->nfields; i++) {
		if (t->fields[i].kind != CTLF_STR)
			continue;
		const unsigned char *s = (const unsigned char *)&m->u + t->fields[i].offset;
		size_t n = strnlen((const char *)s, t->fields[i].hi + 1);
		if (n < t->fields[i].lo || n > t->fields[i].hi)
			abort();
		for (size_t k = 0; k < n; k++)
			if (s[k] < 0x20 || s[k] == 0x7f)
				abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	enum ctl_side receiver = (data[0] & 1) ? CTL_BY_CLIENT : CTL_BY_DAEMON;
	enum ctl_side sender = receiver == CTL_BY_CLIENT ? CTL_BY_DAEMON : CTL_BY_CLIENT;
	struct ctl_msg m;
	const char *field = NULL;
	unsigned version = 0xffffffffu;

	enum ctl_err rc = ctl_decode(data + 1, size - 1, receiver, &m, &field, &version);
	if (rc != CTL_OK) {
		if (!field || !strcmp(ctl_strerror(rc), "unknown error"))
			abort();
		if (size - 1 >= CTL_HDR_LEN && version > 0xffff)
			abort();
		return 0;
	}
	if (field || version != CTL_PROTO_VERSION)
		abort();
	check_strings(&m);

	uint8_t again[CTL_FRAME_MAX];
	size_t len = 0;
	if (ctl_encode(&m, sender, again, sizeof(again), &len, NULL) != CTL_OK)
		abort();
	if (len != size - 1 || memcmp(again, data + 1, len) != 0)
		abort();
	return 0;
}
