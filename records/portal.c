/* Portal strings (-p) and numeric addresses. */
#include "records/portal.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "proto/names.h"

#define PORTAL_TEXT_MAX 300

static const char scope_chars[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-";

int addr_normalize(const char *addr, char *out, size_t size)
{
	char host[INET6_ADDRSTRLEN + 1], text[INET6_ADDRSTRLEN];
	const char *scope = strchr(addr, '%');
	size_t hlen = scope ? (size_t)(scope - addr) : strlen(addr);
	unsigned char bin[16];
	int n;

	if (!hlen || hlen >= sizeof(host))
		return -1;
	memcpy(host, addr, hlen);
	host[hlen] = '\0';
	if (!scope && inet_pton(AF_INET, host, bin) == 1) {
		if (!inet_ntop(AF_INET, bin, text, sizeof(text)))
			return -1;
		n = snprintf(out, size, "%s", text);
	} else if (inet_pton(AF_INET6, host, bin) == 1) {
		if (scope && (!scope[1] || strlen(scope + 1) > 15 ||
			      strspn(scope + 1, scope_chars) != strlen(scope + 1) ||
			      strstr(scope, "..")))
			return -1;
		if (!inet_ntop(AF_INET6, bin, text, sizeof(text)))
			return -1;
		n = snprintf(out, size, "%s%s", text, scope ? scope : "");
	} else {
		return -1;
	}
	return n < 0 || (size_t)n >= size ? -1 : 0;
}

void portal_format(const char *addr, int port, char *out, size_t size)
{
	if (strchr(addr, ':'))
		snprintf(out, size, "[%s]:%d", addr, port);
	else
		snprintf(out, size, "%s:%d", addr, port);
}

/* Decimal digits only, value in [lo, hi]. */
static int parse_num(const char *s, size_t len, long lo, long hi, int *out)
{
	long v = 0;

	if (!len || len > 6)
		return -1;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	if (v < lo || v > hi)
		return -1;
	*out = (int)v;
	return 0;
}

static int bad_portal(const char *s, const char *why, struct rec_err *err)
{
	char shown[96];

	iscsi_escape(shown, sizeof(shown), s, strnlen(s, PORTAL_TEXT_MAX + 1));
	return rec_fail(err, REC_E_PORTAL, "invalid portal '%s': %s", shown, why);
}

static bool hostname_ok(const char *h)
{
	size_t len = strlen(h);

	return len && len <= 253 && h[0] != '-' && h[0] != '.' &&
	       strspn(h, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789.-") == len;
}

const struct addrinfo *portal_pick_address(const struct addrinfo *res)
{
	const struct addrinfo *v6 = NULL;

	for (const struct addrinfo *ai = res; ai; ai = ai->ai_next) {
		if (ai->ai_family == AF_INET)
			return ai;
		if (ai->ai_family == AF_INET6 && !v6)
			v6 = ai;
	}
	return v6;
}

static int resolve(const char *s, const char *host, struct portal *out, struct rec_err *err)
{
	struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM };
	struct addrinfo *res;
	const struct addrinfo *pick;
	int rc = getaddrinfo(host, NULL, &hints, &res);

	if (rc != 0) {
		char shown[96];

		iscsi_escape(shown, sizeof(shown), host, strlen(host));
		return rec_fail(err, REC_E_RESOLVE, "cannot resolve host '%s': %s", shown,
				gai_strerror(rc));
	}
	pick = portal_pick_address(res);
	if (!pick) {
		freeaddrinfo(res);
		return bad_portal(s, "host has no IPv4 or IPv6 address", err);
	}
	rc = getnameinfo(pick->ai_addr, pick->ai_addrlen, out->addr, sizeof(out->addr), NULL, 0,
			 NI_NUMERICHOST);
	out->family = pick->ai_family;
	freeaddrinfo(res);
	if (rc != 0)
		return bad_portal(s, "cannot format the resolved address", err);
	return 0;
}

int portal_parse(const char *s, unsigned flags, struct portal *out, struct rec_err *err)
{
	char host[PORTAL_TEXT_MAX + 1];
	const char *comma, *port = NULL, *hend;
	size_t len, hlen;

	memset(out, 0, sizeof(*out));
	out->port = ISCSI_DEFAULT_PORT;
	out->tpgt = REC_TPGT_NONE;
	if (!s || !*s)
		return rec_fail(err, REC_E_PORTAL, "empty portal");
	len = strnlen(s, PORTAL_TEXT_MAX + 1);
	if (len > PORTAL_TEXT_MAX)
		return bad_portal(s, "too long", err);

	comma = strrchr(s, ',');
	if (comma) {
		if (flags & PORTAL_NO_TPGT)
			return bad_portal(s, "a target portal group tag is not allowed here", err);
		if (parse_num(comma + 1, strlen(comma + 1), 0, 65535, &out->tpgt) < 0)
			return bad_portal(s, "target portal group tag must be 0 to 65535", err);
		len = (size_t)(comma - s);
	}
	if (s[0] == '[') {
		const char *close = memchr(s, ']', len);

		if (!close)
			return bad_portal(s, "missing ']'", err);
		if (close + 1 < s + len) {
			if (close[1] != ':')
				return bad_portal(s, "unexpected text after ']'", err);
			port = close + 2;
		}
		hlen = (size_t)(close - s - 1);
		memcpy(host, s + 1, hlen);
		host[hlen] = '\0';
		if (!strchr(host, ':'))
			return bad_portal(s, "brackets hold only IPv6 addresses", err);
	} else {
		const char *colon = memchr(s, ':', len);

		if (colon && memchr(colon + 1, ':', len - (size_t)(colon + 1 - s))) {
			colon = NULL;      /* a bare IPv6 address: no port */
		}
		hend = colon ? colon : s + len;
		if (colon)
			port = colon + 1;
		hlen = (size_t)(hend - s);
		memcpy(host, s, hlen);
		host[hlen] = '\0';
	}
	if (port) {
		out->port_given = true;
		if (parse_num(port, (size_t)(s + len - port), 1, 65535, &out->port) < 0)
			return bad_portal(s, "port must be 1 to 65535", err);
	}
	if (!hlen)
		return bad_portal(s, "no address", err);

	if (addr_normalize(host, out->addr, sizeof(out->addr)) == 0) {
		out->family = strchr(out->addr, ':') ? AF_INET6 : AF_INET;
		return 0;
	}
	if (strchr(host, ':') || !hostname_ok(host))
		return bad_portal(s, "not an IP address or host name", err);
	if (strspn(host, "0123456789.") == hlen)
		return bad_portal(s, "not a valid IPv4 address", err);
	if (!(flags & PORTAL_RESOLVE))
		return bad_portal(s, "a numeric address is required", err);
	return resolve(s, host, out, err);
}
