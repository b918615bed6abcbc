/* Sending audit records: syslog with facility authpriv, the Linux audit
 * subsystem over NETLINK_AUDIT (libnl, no libaudit), and an echo on a
 * stderr log. Texts come from auth/audit_format.c.
 *
 * Both copies are best effort: a process without CAP_AUDIT_WRITE, in a
 * user namespace, or on a kernel without audit loses the kernel copy and
 * says so once at debug level 1; a machine without a syslog daemon loses
 * the syslog copy silently (syslog(3) without LOG_CONS). Neither waits:
 * the netlink socket is non-blocking and the kernel handles a user
 * message within the send itself.
 *
 * State is per process and not locked: iscsid's monitor and iscsiadm
 * each emit from one thread. */
#include "auth/audit.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/netlink.h>
#include <netlink/netlink.h>
#include <netlink/socket.h>
#include <string.h>
#include <sys/socket.h>
#include <syslog.h>
#include <unistd.h>

#include "base/log.h"

static struct {
	bool exe_known;
	char exe[1024];
	int echo_level;
	struct nl_sock *sk;
	bool kernel_off;        /* the kernel refused for good: stop trying */
	bool told;              /* the one debug line about the kernel copy */
} audit;

static void find_exe(void)
{
	ssize_t n = readlink("/proc/self/exe", audit.exe, sizeof(audit.exe) - 1);

	audit.exe[n > 0 ? n : 0] = '\0';
	audit.exe_known = true;
}

void audit_init(const char *program)
{
	/* The executable is looked up now, before any chroot or sandbox
	 * could hide /proc. */
	find_exe();
	if (!program)
		return;
	/* syslog(3) names each line after openlog()'s ident, with the pid.
	 * A process that logs to syslog has opened it already (base/log.c,
	 * facility daemon); this one logs to stderr, and opening here with
	 * the same facility changes nothing for the log lines, as records
	 * name their facility in each call. */
	if (log_destination() == LOG_TO_STDERR)
		openlog(program, LOG_PID, LOG_DAEMON);
}

void audit_set_echo_level(int level)
{
	audit.echo_level = level < 0 ? 0 : level;
}

/* Once per process: why the kernel did not take the record. */
static void kernel_failed(const char *why, bool for_good)
{
	if (!audit.told)
		log_debug(1, "audit: no record in the kernel audit log: %s", why);
	audit.told = true;
	if (for_good) {
		audit.kernel_off = true;
		nl_socket_free(audit.sk);
		audit.sk = NULL;
	}
}

static bool kernel_open(void)
{
	int rc;

	if (audit.sk)
		return true;
	audit.sk = nl_socket_alloc();
	if (!audit.sk) {
		kernel_failed("out of memory", false);
		return false;
	}
	/* The kernel answers errors without being asked for an ack. */
	nl_socket_disable_auto_ack(audit.sk);
	rc = nl_connect(audit.sk, NETLINK_AUDIT);
	if (rc < 0) {
		kernel_failed(nl_geterror(rc), true);
		return false;
	}
	int fd = nl_socket_get_fd(audit.sk);
	if (nl_socket_set_nonblocking(audit.sk) < 0 ||
	    fcntl(fd, F_SETFD, fcntl(fd, F_GETFD) | FD_CLOEXEC) < 0) {
		kernel_failed("cannot make the audit socket non-blocking", true);
		return false;
	}
	/* Errors come back without a copy of our message (Linux >= 4.3;
	 * older kernels' longer answers are still read by their header). */
	int one = 1;
	(void)setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
	return true;
}

/* Reads what the kernel queued in answer (it answered inside the send):
 * an error is the only thing it sends unasked. Each answer is looked at
 * through its header alone, even when cut by the small buffer. */
static void kernel_answer(void)
{
	union {
		struct nlmsghdr h;
		char bytes[256];
	} in;
	int fd = nl_socket_get_fd(audit.sk);
	ssize_t n;

	while ((n = recv(fd, &in, sizeof(in), MSG_DONTWAIT)) > 0) {
		if ((size_t)n < NLMSG_LENGTH(sizeof(struct nlmsgerr)) ||
		    in.h.nlmsg_type != NLMSG_ERROR)
			continue;
		int err = ((struct nlmsgerr *)NLMSG_DATA(&in.h))->error;
		if (err < 0) {
			/* EPERM: no CAP_AUDIT_WRITE; ECONNREFUSED: a user
			 * namespace. Neither changes later. */
			kernel_failed(strerror(-err), err == -EPERM || err == -ECONNREFUSED);
			return;
		}
	}
}

static void kernel_send(enum audit_event ev, const struct audit_fields *f)
{
	char text[AUDIT_KERNEL_TEXT_MAX];

	if (audit.kernel_off || !kernel_open())
		return;
	audit_format_kernel(ev, f, audit.exe[0] ? audit.exe : NULL, text, sizeof(text));
	/* With its NUL: the kernel overwrites the last byte with one. */
	int rc = nl_send_simple(audit.sk, audit_message_type(ev), 0, text, strlen(text) + 1);
	if (rc < 0) {
		kernel_failed(nl_geterror(rc), false);
		return;
	}
	kernel_answer();
}

void audit_worker_killed(const char *session, const char *target, const char *portal, long pid,
			 const char *why)
{
	struct audit_fields f = AUDIT_FIELDS_INIT;

	f.session = session;
	f.target = target;
	f.portal = portal;
	f.pid = pid;
	f.reason = why;
	audit_emit(AUDIT_WORKER_KILLED, &f);
}

void audit_emit(enum audit_event ev, const struct audit_fields *f)
{
	char text[AUDIT_TEXT_MAX];
	int saved = errno;

	if (audit_message_type(ev) == 0 || !f) {
		log_debug(1, "audit: record of unknown event %d dropped", (int)ev);
		return;
	}
	if (!audit.exe_known)
		find_exe();
	audit_format(ev, f, text, sizeof(text));
	syslog(LOG_AUTHPRIV | (audit_succeeded(ev, f) ? LOG_NOTICE : LOG_WARNING), "%s", text);
	if (log_destination() == LOG_TO_STDERR) {
		if (audit.echo_level == 0)
			log_info("audit: %s", text);
		else
			log_debug(audit.echo_level, "audit: %s", text);
	}
	kernel_send(ev, f);
	errno = saved;
}
