/* TargetAddress values (RFC 7143 13.8): where a redirect sends us. They
 * come from the network and end up in connect() and in records, so the
 * syntax is checked strictly: no spaces, no stray characters. */
#include "proto/negotiate.h"

#include <string.h>

static bool dns_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '.' || c == '-';
}

static bool ipv6_char(char c)
{
	return (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || (c >= '0' && c <= '9') ||
	       c == ':' || c == '.';
}

/* Decimal digits only (no sign, no hex), at most max. */
static int parse_decimal(const char *s, size_t len, uint32_t max, uint32_t *out)
{
	uint32_t v = 0;

	if (len == 0 || len > 5)
		return -1;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (uint32_t)(s[i] - '0');
	}
	if (v > max)
		return -1;
	*out = v;
	return 0;
}

int neg_parse_target_address(const char *value, char *host, size_t host_size,
			     uint16_t *port, int32_t *tpgt)
{
	size_t len = strnlen(value, TEXT_VALUE_MAX + 1);
	const char *comma, *end, *h, *p = NULL;
	size_t hlen;
	uint32_t v;

	if (len == 0 || len > TEXT_VALUE_MAX || host_size == 0)
		return -1;
	end = value + len;
	*port = 3260;
	*tpgt = -1;
	comma = memchr(value, ',', len);
	if (comma) {
		if (parse_decimal(comma + 1, (size_t)(end - comma - 1), 65535, &v) < 0)
			return -1;
		*tpgt = (int32_t)v;
		end = comma;
	}
	if (value[0] == '[') {
		const char *close = memchr(value, ']', (size_t)(end - value));

		if (!close)
			return -1;
		h = value + 1;
		hlen = (size_t)(close - h);
		if (hlen < 2 || !memchr(h, ':', hlen))
			return -1;
		for (size_t i = 0; i < hlen; i++)
			if (!ipv6_char(h[i]))
				return -1;
		if (close + 1 < end) {
			if (close[1] != ':')
				return -1;
			p = close + 2;
		}
	} else {
		const char *colon = memchr(value, ':', (size_t)(end - value));

		h = value;
		hlen = (size_t)((colon ? colon : end) - value);
		if (hlen == 0 || h[0] == '-' || h[0] == '.')
			return -1;
		for (size_t i = 0; i < hlen; i++)
			if (!dns_char(h[i]))
				return -1;
		if (colon)
			p = colon + 1;
	}
	if (p) {
		if (parse_decimal(p, (size_t)(end - p), 65535, &v) < 0 || v == 0)
			return -1;
		*port = (uint16_t)v;
	}
	if (hlen >= host_size)
		return -1;
	memcpy(host, h, hlen);
	host[hlen] = '\0';
	return 0;
}
