/* login/redirect.h on what a (possibly compromised) login worker may
 * report as redirects: one "HOST PORT" line per redirect, each checked
 * with login_redirect_target() and added to one path with
 * login_hops_add(), hop after hop as the driver does; the first line is
 * the portal the login started at. Checks: every answer is terminated
 * and fits, a refused hop leaves the path as it was, the path never
 * exceeds its bound. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "login/redirect.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct login_hops h;
	char line[300], out[LOGIN_REDIRECT_ADDR_MAX], msg[256], fmt[128];
	size_t pos = 0;
	bool started = false;

	while (pos < size) {
		size_t n = 0;
		while (pos + n < size && data[pos + n] != '\n' && n < sizeof(line) - 1)
			n++;
		memcpy(line, data + pos, n);
		line[n] = '\0';
		pos += n + 1;
		char *sp = strrchr(line, ' ');
		unsigned long port = sp ? strtoul(sp + 1, NULL, 10) : 3260;
		if (sp)
			*sp = '\0';
		if (!started) {
			login_hops_init(&h, line, (uint16_t)port);
			started = true;
			continue;
		}
		unsigned before = login_hops_redirects(&h);
		msg[0] = '\0';
		if (login_redirect_target(line, (uint16_t)port, h.at[h.count - 1].addr, out,
					  sizeof(out), msg, sizeof(msg)) < 0) {
			if (!msg[0] || strlen(msg) >= sizeof(msg))
				abort();
			continue;
		}
		if (strlen(out) >= sizeof(out))
			abort();
		if (login_hops_add(&h, out, (uint16_t)port, msg, sizeof(msg)) < 0) {
			if (login_hops_redirects(&h) != before || !msg[0])
				abort();
		} else if (login_hops_redirects(&h) != before + 1) {
			abort();
		}
		if (login_hops_redirects(&h) > LOGIN_REDIRECT_MAX)
			abort();
		login_hops_format(&h, out, (uint16_t)port, fmt, sizeof(fmt));
		if (strlen(fmt) >= sizeof(fmt))
			abort();
	}
	return 0;
}
