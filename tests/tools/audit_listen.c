/* Reads the kernel's audit records as they are logged, for
 * tests/integration/audit_records.sh (needs CAP_AUDIT_READ; with
 * --enable also CAP_AUDIT_CONTROL):
 *
 *   audit_listen [--enable] SECONDS
 *	"ready" once subscribed, then per record "type=N TEXT"
 *	"unavailable: REASON" (exit 3) when the kernel will not let us read
 *   audit_listen --status          "enabled=N"
 *   audit_listen --set-enabled N   (the test's own restore, should this
 *				    program die before it restores)
 *
 * Records come from the audit netlink socket's read-only multicast group
 * (AUDIT_NLGRP_READLOG), so no auditd is needed. The kernel drops user
 * messages while audit is disabled; --enable turns it on for the run
 * and back off at exit (SECONDS, SIGTERM or SIGINT) when it was off.
 * Bytes outside printable ASCII are shown as \xNN. */
#include <errno.h>
#include <linux/audit.h>
#include <linux/netlink.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static int open_audit(void)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_AUDIT);

	if (fd >= 0 && bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		close(fd);
		fd = -1;
	}
	return fd;
}

/* Sends one request; for AUDIT_GET fills *st from the answer. 0 or -errno. */
static int request(int fd, unsigned short type, const struct audit_status *in,
		   struct audit_status *st)
{
	struct {
		struct nlmsghdr h;
		struct audit_status s;
	} msg = {
		.h = { .nlmsg_len = NLMSG_LENGTH(in ? sizeof(*in) : 0), .nlmsg_type = type,
		       .nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK, .nlmsg_seq = 1 },
	};
	char buf[8192] __attribute__((aligned(__alignof__(struct nlmsghdr))));

	if (in)
		msg.s = *in;
	if (send(fd, &msg, msg.h.nlmsg_len, 0) < 0)
		return -errno;
	for (int rounds = 0; rounds < 4; rounds++) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		if (poll(&p, 1, 1000) <= 0)
			return -ETIMEDOUT;
		ssize_t n = recv(fd, buf, sizeof(buf), 0);
		if (n < 0)
			return -errno;
		size_t left = (size_t)n;
		for (struct nlmsghdr *h = (struct nlmsghdr *)buf; NLMSG_OK(h, left);
		     h = NLMSG_NEXT(h, left)) {
			if (h->nlmsg_type == NLMSG_ERROR) {
				int err = ((struct nlmsgerr *)NLMSG_DATA(h))->error;
				if (err < 0 || type != AUDIT_GET)
					return err;
			} else if (h->nlmsg_type == AUDIT_GET && st) {
				size_t len = h->nlmsg_len - NLMSG_HDRLEN;
				memset(st, 0, sizeof(*st));
				memcpy(st, NLMSG_DATA(h), len < sizeof(*st) ? len : sizeof(*st));
				return 0;
			}
		}
	}
	return -EPROTO;
}

static int set_enabled(int ctl, unsigned on)
{
	struct audit_status s = { .mask = AUDIT_STATUS_ENABLED, .enabled = on };

	return request(ctl, AUDIT_SET, &s, NULL);
}

/* One record per datagram. Its nlmsg_len is not trusted: kernels have
 * set it without the header's length for audit records. */
static void print_record(const char *buf, size_t n)
{
	const struct nlmsghdr *h = (const struct nlmsghdr *)buf;
	const unsigned char *p = (const unsigned char *)buf + NLMSG_HDRLEN;
	size_t len = n - NLMSG_HDRLEN;

	printf("type=%u ", h->nlmsg_type);
	for (size_t i = 0; i < len && p[i]; i++) {
		if (p[i] >= 0x20 && p[i] < 0x7f && p[i] != '\\')
			putchar(p[i]);
		else
			printf("\\x%02x", p[i]);
	}
	putchar('\n');
	fflush(stdout);
}

int main(int argc, char **argv)
{
	bool enable = argc > 1 && !strcmp(argv[1], "--enable");
	int seconds = argc > 1 + enable ? atoi(argv[1 + enable]) : 30;
	int group = AUDIT_NLGRP_READLOG, ctl = -1, rc;
	bool we_enabled = false;
	char buf[16384] __attribute__((aligned(__alignof__(struct nlmsghdr))));

	if (argc > 1 && (!strcmp(argv[1], "--status") || !strcmp(argv[1], "--set-enabled"))) {
		struct audit_status st;
		ctl = open_audit();
		if (ctl < 0) {
			perror("audit_listen: socket");
			return 1;
		}
		rc = !strcmp(argv[1], "--status") ? request(ctl, AUDIT_GET, NULL, &st)
						  : set_enabled(ctl, argc > 2 ? (unsigned)atoi(argv[2]) : 0);
		if (rc < 0) {
			fprintf(stderr, "audit_listen: %s: %s\n", argv[1], strerror(-rc));
			return 1;
		}
		if (!strcmp(argv[1], "--status"))
			printf("enabled=%u\n", st.enabled);
		return 0;
	}
	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);
	int fd = open_audit();
	if (fd < 0 ||
	    setsockopt(fd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &group, sizeof(group)) < 0) {
		printf("unavailable: cannot read audit records: %s\n", strerror(errno));
		return 3;
	}
	if (enable) {
		struct audit_status st;
		ctl = open_audit();
		if (ctl < 0 || (rc = request(ctl, AUDIT_GET, NULL, &st)) < 0) {
			printf("unavailable: audit status: %s\n", strerror(ctl < 0 ? errno : -rc));
			return 3;
		}
		if (st.enabled == 0) {
			if ((rc = set_enabled(ctl, 1)) < 0) {
				printf("unavailable: cannot enable audit: %s\n", strerror(-rc));
				return 3;
			}
			we_enabled = true;
		}
	}
	printf("ready\n");
	fflush(stdout);

	time_t end = time(NULL) + (seconds > 0 ? seconds : 30);
	while (!stop && time(NULL) < end) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		if (poll(&p, 1, 200) <= 0)
			continue;
		ssize_t n = recv(fd, buf, sizeof(buf), 0);
		if (n >= (ssize_t)NLMSG_HDRLEN)
			print_record(buf, (size_t)n);
	}
	if (we_enabled && (rc = set_enabled(ctl, 0)) < 0)
		fprintf(stderr, "audit_listen: could not turn audit off again: %s\n", strerror(-rc));
	return 0;
}
