/* A stand-in syslog daemon for tests/integration/audit_records.sh: binds
 * a unix datagram socket (the test mounts it as /dev/log in a private
 * mount namespace) and prints one line per message it receives:
 *
 *   syslog_sink PATH [SECONDS]
 *	"ready" once bound, then per message
 *	"facility=F severity=S text=TEXT"
 *
 * F and S are decoded from the "<PRI>" prefix syslog(3) sends (authpriv
 * is facility 10, notice severity 5, warning 4); TEXT is the rest of the
 * datagram with any byte outside printable ASCII shown as \xNN, so a
 * record that broke its line would show it. Exits after SECONDS (30 by
 * default) or on SIGTERM. */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static void print_message(const char *buf, size_t len)
{
	size_t i = 0;
	int pri = -1;

	if (len > 2 && buf[0] == '<') {
		int v = 0;
		for (i = 1; i < len && i < 5 && buf[i] >= '0' && buf[i] <= '9'; i++)
			v = v * 10 + (buf[i] - '0');
		if (i < len && buf[i] == '>' && i > 1) {
			pri = v;
			i++;
		} else {
			i = 0;
		}
	}
	if (pri < 0)
		printf("facility=? severity=? text=");
	else
		printf("facility=%d severity=%d text=", pri >> 3, pri & 7);
	for (; i < len; i++) {
		unsigned char c = (unsigned char)buf[i];
		if (c >= 0x20 && c < 0x7f && c != '\\')
			putchar(c);
		else
			printf("\\x%02x", c);
	}
	putchar('\n');
	fflush(stdout);
}

int main(int argc, char **argv)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int seconds = argc > 2 ? atoi(argv[2]) : 30;
	char buf[16384];

	if (argc < 2 || strlen(argv[1]) >= sizeof(sa.sun_path)) {
		fprintf(stderr, "usage: syslog_sink PATH [SECONDS]\n");
		return 2;
	}
	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);
	int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		perror("syslog_sink: socket");
		return 1;
	}
	strcpy(sa.sun_path, argv[1]);
	unlink(sa.sun_path);
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		perror("syslog_sink: bind");
		return 1;
	}
	/* Any user may log, as with a real /dev/log. */
	chmod(sa.sun_path, 0666);
	printf("ready\n");
	fflush(stdout);

	time_t end = time(NULL) + (seconds > 0 ? seconds : 30);
	while (!stop && time(NULL) < end) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		int r = poll(&p, 1, 200);
		if (r < 0 && errno != EINTR) {
			perror("syslog_sink: poll");
			return 1;
		}
		if (r <= 0)
			continue;
		ssize_t n = recv(fd, buf, sizeof(buf), 0);
		if (n > 0)
			print_message(buf, (size_t)n);
	}
	unlink(sa.sun_path);
	return 0;
}
