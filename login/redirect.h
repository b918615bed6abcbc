/* Following a target's login redirect (RFC 7143 11.13.5, status class 1)
 * safely: the rules the login driver (login/driver.c) applies before it
 * connects anywhere a Login Response told it to go. Pure: no socket, no
 * clock, so every rule is unit-tested.
 *
 * What a redirect may name. The TargetAddress came from the network
 * through a worker that may be compromised, and the monitor is about to
 * connect() to it with its privileges, so:
 *   - numeric IPv4 or IPv6 only: a host name is refused with one line
 *     (resolving it would put DNS, and its parser, in the privileged
 *     process; a record can name the portal numerically instead);
 *   - not the unspecified address (0.0.0.0/8, ::), which the kernel would
 *     quietly turn into this host, nor multicast or broadcast: no portal
 *     lives there;
 *   - no %scope: a target cannot know our interface names. A link-local
 *     IPv6 redirect inherits the scope of the portal we are connected
 *     to (the only interface on which that address can mean the same
 *     link);
 *   - port 1..65535.
 *
 * How far. A login follows at most LOGIN_REDIRECT_MAX redirects, and a
 * redirect back to any portal already visited during this login (A -> A,
 * A -> B -> A) is a loop and is refused at once: a target that sends us
 * round in a circle would do it again. Both refusals name the hops.
 * Portals compare by their canonical numeric form, so 127.0.0.1 and
 * ::ffff:127.0.0.1 are one portal. */
#ifndef LOGIN_REDIRECT_H
#define LOGIN_REDIRECT_H

#include <stddef.h>
#include <stdint.h>

/* Redirects one login follows; the next one is refused. */
#define LOGIN_REDIRECT_MAX 8
/* A numeric address with %scope and its NUL (as LOGIN_ADDR_MAX). */
#define LOGIN_REDIRECT_ADDR_MAX 64

struct login_hop {
	char addr[LOGIN_REDIRECT_ADDR_MAX];     /* canonical, %scope kept */
	uint16_t port;
};

/* The portals one login has been to, the first included. */
struct login_hops {
	unsigned count;
	struct login_hop at[LOGIN_REDIRECT_MAX + 1];
};

/* Starts the path at the portal first connected to (a numeric address,
 * as the driver was given it). */
void login_hops_init(struct login_hops *h, const char *addr, uint16_t port);

/* Redirects followed so far. */
unsigned login_hops_redirects(const struct login_hops *h);

/* Checks a redirect's destination (host as the target wrote it, IPv6
 * without brackets) against the rules above. current: the address of
 * the connection that was redirected (for a link-local scope). Returns
 * 0 with the address to connect to in out, or -1 with one line in msg. */
int login_redirect_target(const char *host, uint16_t port, const char *current, char *out,
			  size_t size, char *msg, size_t msg_size);

/* Adds a checked destination to the path. Returns 0, or -1 with one line
 * in msg naming the hops: a loop, or one redirect more than
 * LOGIN_REDIRECT_MAX. */
int login_hops_add(struct login_hops *h, const char *addr, uint16_t port, char *msg,
		   size_t msg_size);

/* "127.0.0.1:3260 -> [::1]:3261 -> ...", followed by " -> " and
 * next_addr:next_port when next_addr is not NULL; hops in the middle are
 * left out (" -> ... -> ") when it would not fit. */
void login_hops_format(const struct login_hops *h, const char *next_addr, uint16_t next_port,
		       char *out, size_t size);

#endif
