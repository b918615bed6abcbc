#include "login/redirect.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "records/portal.h"

static int refuse(char *msg, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static int refuse(char *msg, size_t size, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, size, fmt, ap);
	va_end(ap);
	return -1;
}

/* A numeric address in one spelling only: inet_ntop's, an IPv4-mapped
 * IPv6 address as plain IPv4 (the same endpoint), the %scope kept. */
static int canonical(const char *in, char *out, size_t size)
{
	char bare[LOGIN_REDIRECT_ADDR_MAX], text[INET6_ADDRSTRLEN];
	const char *scope = strchr(in, '%');
	size_t n = scope ? (size_t)(scope - in) : strlen(in);
	struct in_addr a4;
	struct in6_addr a6;

	if (n >= sizeof(bare))
		return -1;
	memcpy(bare, in, n);
	bare[n] = '\0';
	if (inet_pton(AF_INET, bare, &a4) == 1) {
		if (scope)
			return -1;
		inet_ntop(AF_INET, &a4, text, sizeof(text));
	} else if (inet_pton(AF_INET6, bare, &a6) == 1) {
		if (IN6_IS_ADDR_V4MAPPED(&a6)) {
			memcpy(&a4, &a6.s6_addr[12], sizeof(a4));
			inet_ntop(AF_INET, &a4, text, sizeof(text));
			scope = NULL;
		} else {
			inet_ntop(AF_INET6, &a6, text, sizeof(text));
		}
	} else {
		return -1;
	}
	int k = snprintf(out, size, "%s%s", text, scope ? scope : "");
	return k < 0 || (size_t)k >= size ? -1 : 0;
}

void login_hops_init(struct login_hops *h, const char *addr, uint16_t port)
{
	memset(h, 0, sizeof(*h));
	if (canonical(addr, h->at[0].addr, sizeof(h->at[0].addr)) < 0)
		snprintf(h->at[0].addr, sizeof(h->at[0].addr), "%s", addr);
	h->at[0].port = port;
	h->count = 1;
}

unsigned login_hops_redirects(const struct login_hops *h)
{
	return h->count ? h->count - 1 : 0;
}

/* 0.0.0.0/8 (this host), multicast, the limited broadcast. */
static bool v4_unusable(uint32_t a)
{
	return (a >> 24) == 0 || (a >> 28) == 0xe || a == 0xffffffffu;
}

/* Letters, digits, dots and hyphens with at least one letter: what a
 * DNS name looks like, as opposed to a broken address. */
static bool looks_like_name(const char *s)
{
	bool letter = false;

	for (; *s; s++) {
		char c = *s;
		bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
		if (!alpha && !(c >= '0' && c <= '9') && c != '.' && c != '-')
			return false;
		letter |= alpha;
	}
	return letter;
}

int login_redirect_target(const char *host, uint16_t port, const char *current, char *out,
			  size_t size, char *msg, size_t msg_size)
{
	struct in_addr a4;
	struct in6_addr a6;
	bool unusable, link_local = false;

	if (!host[0])
		return refuse(msg, msg_size, "target redirected without an address");
	if (strchr(host, '%'))
		return refuse(msg, msg_size, "target redirected to %.80s: an interface scope is "
			      "not the target's to choose", host);
	if (inet_pton(AF_INET, host, &a4) == 1) {
		unusable = v4_unusable(ntohl(a4.s_addr));
	} else if (inet_pton(AF_INET6, host, &a6) == 1) {
		if (IN6_IS_ADDR_V4MAPPED(&a6)) {
			uint32_t v;
			memcpy(&v, &a6.s6_addr[12], sizeof(v));
			unusable = v4_unusable(ntohl(v));
		} else {
			unusable = IN6_IS_ADDR_UNSPECIFIED(&a6) || IN6_IS_ADDR_MULTICAST(&a6);
			link_local = IN6_IS_ADDR_LINKLOCAL(&a6);
		}
	} else if (looks_like_name(host)) {
		return refuse(msg, msg_size, "target redirected to host name %.80s: only numeric "
			      "addresses are followed (no DNS lookup in the privileged process)",
			      host);
	} else {
		return refuse(msg, msg_size, "target redirected to a malformed address %.80s", host);
	}
	if (unusable)
		return refuse(msg, msg_size, "target redirected to %s, which is no portal "
			      "(unspecified, multicast or broadcast address)", host);
	if (port == 0)
		return refuse(msg, msg_size, "target redirected to %s port 0", host);
	char addr[LOGIN_REDIRECT_ADDR_MAX];
	const char *scope = current ? strchr(current, '%') : NULL;
	if (snprintf(addr, sizeof(addr), "%s%s", host, link_local && scope ? scope : "") >=
		    (int)sizeof(addr) ||
	    canonical(addr, out, size) < 0)
		return refuse(msg, msg_size, "target redirected to %.80s: address too long", host);
	return 0;
}

/* The refusal: prefix and the path, the path cut to fit msg. */
static int refuse_path(const struct login_hops *h, const char *canon, uint16_t port,
		       const char *prefix, char *msg, size_t msg_size)
{
	char path[1024];
	size_t room = msg_size > strlen(prefix) ? msg_size - strlen(prefix) : 1;

	login_hops_format(h, canon, port, path, room < sizeof(path) ? room : sizeof(path));
	return refuse(msg, msg_size, "%s%s", prefix, path);
}

int login_hops_add(struct login_hops *h, const char *addr, uint16_t port, char *msg,
		   size_t msg_size)
{
	char canon[LOGIN_REDIRECT_ADDR_MAX], prefix[64];

	if (canonical(addr, canon, sizeof(canon)) < 0)
		snprintf(canon, sizeof(canon), "%s", addr);
	for (unsigned i = 0; i < h->count; i++)
		if (h->at[i].port == port && strcmp(h->at[i].addr, canon) == 0)
			return refuse_path(h, canon, port, "redirect loop refused: ", msg, msg_size);
	if (h->count > LOGIN_REDIRECT_MAX) {
		snprintf(prefix, sizeof(prefix), "more than %d redirects refused: ",
			 LOGIN_REDIRECT_MAX);
		return refuse_path(h, canon, port, prefix, msg, msg_size);
	}
	snprintf(h->at[h->count].addr, sizeof(h->at[h->count].addr), "%s", canon);
	h->at[h->count].port = port;
	h->count++;
	return 0;
}

/* Appends to out at *used, counting what would not fit. */
static void append(char *out, size_t size, size_t *used, const char *a, const char *b)
{
	bool room = *used < size;
	int k = snprintf(room ? out + *used : NULL, room ? size - *used : 0, "%s%s", a, b);

	*used += k > 0 ? (size_t)k : 0;
}

/* Joins the n portals, leaving out those in [gap_from, gap_to); returns
 * the length the whole text needs. */
static size_t join(char (*p)[LOGIN_REDIRECT_ADDR_MAX + 10], unsigned n, unsigned gap_from,
		   unsigned gap_to, char *out, size_t size)
{
	size_t used = 0;

	out[0] = '\0';
	for (unsigned i = 0; i < n; i++) {
		if (i >= gap_from && i < gap_to) {
			if (i == gap_from)
				append(out, size, &used, " -> ...", "");
			continue;
		}
		append(out, size, &used, i ? " -> " : "", p[i]);
	}
	return used;
}

void login_hops_format(const struct login_hops *h, const char *next_addr, uint16_t next_port,
		       char *out, size_t size)
{
	char p[LOGIN_REDIRECT_MAX + 2][LOGIN_REDIRECT_ADDR_MAX + 10];
	unsigned n = 0;

	if (!size)
		return;
	for (unsigned i = 0; i < h->count && i <= LOGIN_REDIRECT_MAX; i++)
		portal_format(h->at[i].addr, h->at[i].port, p[n++], sizeof(p[0]));
	if (next_addr)
		portal_format(next_addr, next_port, p[n++], sizeof(p[0]));
	/* The first portal and as many of the last ones as fit. */
	for (unsigned keep = n; keep >= 2; keep--) {
		unsigned gap_from = 1, gap_to = n - (keep - 1);
		if (join(p, n, gap_from, gap_to, out, size) < size)
			return;
	}
	join(p, n, 1, n > 1 ? n - 1 : 1, out, size);
}
