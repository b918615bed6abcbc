/* A scripted stand-in for iscsid's control socket, so that iscsiadm's
 * login, logout, rescan and stats are tested end to end without a kernel
 * (tests/integration/adm_login_fake.sh). It speaks the real protocol
 * through control/ctl_msg.h's codec and answers from a script:
 *
 *   fake_iscsid SCRIPT LOG
 *	login TARGET CODE DELAY_MS   LOGIN of TARGET: after DELAY_MS, a
 *	                             SESSION_ENTRY (CODE 0) and RESULT CODE
 *	logout SID CODE DELAY_MS     LOGOUT of SID likewise
 *	rescan SID CODE              SESSION_RESCAN of SID
 *	stat SID GROUP NAME VALUE    one STAT of SESSION_STATS for SID
 *	                             (a SID with no stat line: RESULT 2)
 * Anything else is answered RESULT 7 "fake_iscsid: not in the script".
 * LOG gets "T REQ what" when a request arrives (" new" after a LOGIN
 * asking for one more session, -o new) and "T ANS what code" when
 * it is answered, T in ms since start, so a test can tell that requests
 * overlapped. "ready" on stdout once the socket listens. Runs until
 * killed. */
#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "base/paths.h"
#include "control/ctl_msg.h"

#define MAX_LINES 256
#define MAX_CLIENTS 256

struct line {
	char kind[16], key[CTL_ISCSI_NAME_MAX + 1], name[65];
	unsigned code, group;
	long delay_ms;
	unsigned long long value;
};

static struct line script[MAX_LINES];
static size_t nlines;
static FILE *log_out;

struct client {
	int fd;
	int pending;            /* an answer is due */
	long due_ms;
	struct ctl_msg req;
};

static long now_ms(void)
{
	static struct timespec t0;
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	if (!t0.tv_sec && !t0.tv_nsec)
		t0 = t;
	return (t.tv_sec - t0.tv_sec) * 1000 + (t.tv_nsec - t0.tv_nsec) / 1000000;
}

static void load(const char *path)
{
	FILE *f = fopen(path, "r");
	char buf[512];

	if (!f) {
		perror(path);
		exit(2);
	}
	while (fgets(buf, sizeof(buf), f) && nlines < MAX_LINES) {
		struct line *l = &script[nlines];
		memset(l, 0, sizeof(*l));
		if (sscanf(buf, "login %223s %u %ld", l->key, &l->code, &l->delay_ms) == 3)
			strcpy(l->kind, "login");
		else if (sscanf(buf, "logout %223s %u %ld", l->key, &l->code, &l->delay_ms) == 3)
			strcpy(l->kind, "logout");
		else if (sscanf(buf, "rescan %223s %u", l->key, &l->code) == 2)
			strcpy(l->kind, "rescan");
		else if (sscanf(buf, "stat %223s %u %64s %llu", l->key, &l->group, l->name,
				&l->value) == 4)
			strcpy(l->kind, "stat");
		else
			continue;
		nlines++;
	}
	fclose(f);
}

static const struct line *find(const char *kind, const char *key)
{
	for (size_t i = 0; i < nlines; i++)
		if (!strcmp(script[i].kind, kind) && !strcmp(script[i].key, key))
			return &script[i];
	return NULL;
}

/* The request's script kind and key ("login", target / "logout", sid). */
static void describe(const struct ctl_msg *m, const char **kind, char *key, size_t size)
{
	*kind = "other";
	key[0] = '\0';
	switch (m->type) {
	case CTL_MSG_LOGIN:
		*kind = "login";
		snprintf(key, size, "%s", m->u.login.target_name);
		break;
	case CTL_MSG_LOGOUT:
		*kind = "logout";
		snprintf(key, size, "%u", m->u.logout.sid);
		break;
	case CTL_MSG_SESSION_RESCAN:
		*kind = "rescan";
		snprintf(key, size, "%u", m->u.session_rescan.sid);
		break;
	case CTL_MSG_SESSION_STATS:
		*kind = "stat";
		snprintf(key, size, "%u", m->u.session_stats.sid);
		break;
	default:
		break;
	}
}

static void send_result(int fd, unsigned code, const char *text)
{
	struct ctl_msg r;

	ctl_msg_init(&r, CTL_MSG_RESULT);
	r.u.result.code = code;
	snprintf(r.u.result.text, sizeof(r.u.result.text), "%s", text);
	ctl_send(fd, CTL_BY_DAEMON, &r);
}

static void answer(struct client *c)
{
	char key[CTL_ISCSI_NAME_MAX + 1];
	const char *kind;
	const struct line *l;
	struct ctl_msg d;
	unsigned code;

	describe(&c->req, &kind, key, sizeof(key));
	l = find(kind, key);
	if (!strcmp(kind, "stat")) {
		code = l ? 0 : 2;
		for (size_t i = 0; i < nlines; i++) {
			if (strcmp(script[i].kind, "stat") || strcmp(script[i].key, key))
				continue;
			ctl_msg_init(&d, CTL_MSG_STAT);
			d.u.stat.group = (uint8_t)script[i].group;
			snprintf(d.u.stat.name, sizeof(d.u.stat.name), "%s", script[i].name);
			d.u.stat.value = script[i].value;
			ctl_send(c->fd, CTL_BY_DAEMON, &d);
		}
		send_result(c->fd, code, code ? "fake_iscsid: no such session" : "");
	} else if (!l) {
		code = 7;
		send_result(c->fd, code, "fake_iscsid: not in the script");
	} else {
		code = l->code;
		if (c->req.type == CTL_MSG_LOGIN && code == 0) {
			ctl_msg_init(&d, CTL_MSG_SESSION_ENTRY);
			d.u.session_entry.sid = 1;
			strcpy(d.u.session_entry.state, "NO CHANGE");
			snprintf(d.u.session_entry.target_name, sizeof(d.u.session_entry.target_name),
				 "%s", key);
			ctl_send(c->fd, CTL_BY_DAEMON, &d);
		}
		send_result(c->fd, code, code ? "fake_iscsid: scripted failure" : "");
	}
	fprintf(log_out, "%ld ANS %s %s %u\n", now_ms(), kind, key, code);
	fflush(log_out);
	c->pending = 0;
}

static void receive(struct client *c)
{
	char key[CTL_ISCSI_NAME_MAX + 1];
	const char *kind;
	const struct line *l;

	if (ctl_recv(c->fd, CTL_BY_DAEMON, 0, &c->req, NULL, NULL) != CTL_OK) {
		close(c->fd);
		c->fd = -1;
		return;
	}
	describe(&c->req, &kind, key, sizeof(key));
	bool one_more = c->req.type == CTL_MSG_LOGIN && (c->req.u.login.flags & CTL_LOGIN_F_NEW);
	fprintf(log_out, "%ld REQ %s %s%s\n", now_ms(), kind, key, one_more ? " new" : "");
	fflush(log_out);
	l = find(kind, key);
	c->pending = 1;
	c->due_ms = now_ms() + (l ? l->delay_ms : 0);
}

int main(int argc, char **argv)
{
	static struct client clients[MAX_CLIENTS];
	struct pollfd pfd[MAX_CLIENTS + 1];
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char dir[4096];

	if (argc != 3) {
		fprintf(stderr, "usage: fake_iscsid SCRIPT LOG\n");
		return 2;
	}
	load(argv[1]);
	log_out = fopen(argv[2], "w");
	if (!log_out || iscsi_path(dir, sizeof(dir), ISCSID_RUN_DIR) < 0 ||
	    ctl_socket_path(sa.sun_path, sizeof(sa.sun_path)) < 0) {
		fprintf(stderr, "fake_iscsid: log or socket path\n");
		return 2;
	}
	char cmd[4200];
	snprintf(cmd, sizeof(cmd), "%s", dir);
	for (char *p = cmd + 1; *p; p++)
		if (*p == '/') {
			*p = '\0';
			mkdir(cmd, 0755);
			*p = '/';
		}
	mkdir(cmd, 0755);
	unlink(sa.sun_path);
	int ls = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (ls < 0 || bind(ls, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(ls, 128) < 0) {
		perror("fake_iscsid: listen");
		return 2;
	}
	for (size_t i = 0; i < MAX_CLIENTS; i++)
		clients[i].fd = -1;
	now_ms();
	printf("ready\n");
	fflush(stdout);
	for (;;) {
		long next = -1, t = now_ms();

		for (size_t i = 0; i < MAX_CLIENTS; i++) {
			struct client *c = &clients[i];
			if (c->fd >= 0 && c->pending && c->due_ms <= t)
				answer(c);
			if (c->fd >= 0 && c->pending && (next < 0 || c->due_ms - t < next))
				next = c->due_ms - t;
		}
		pfd[0].fd = ls;
		pfd[0].events = POLLIN;
		for (size_t i = 0; i < MAX_CLIENTS; i++) {
			/* One request at a time per connection, as iscsid. */
			pfd[i + 1].fd = clients[i].pending ? -1 : clients[i].fd;
			pfd[i + 1].events = POLLIN;
		}
		if (poll(pfd, MAX_CLIENTS + 1, next < 0 ? -1 : (int)next) < 0 && errno != EINTR)
			return 1;
		if (pfd[0].revents & POLLIN) {
			int fd = accept4(ls, NULL, NULL, SOCK_CLOEXEC);
			for (size_t i = 0; fd >= 0 && i < MAX_CLIENTS; i++)
				if (clients[i].fd < 0) {
					clients[i].fd = fd;
					clients[i].pending = 0;
					fd = -1;
				}
			if (fd >= 0)
				close(fd);
		}
		for (size_t i = 0; i < MAX_CLIENTS; i++)
			if (pfd[i + 1].fd >= 0 && pfd[i + 1].revents)
				receive(&clients[i]);
	}
}
