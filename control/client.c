#include "control/client.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

struct ctl_client {
	int fd;
	int timeout_ms;
	enum ctl_type pending;  /* request awaiting its RESULT, 0 when none */
	bool broken;
};

static int set_status(struct ctl_status *st, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int set_status(struct ctl_status *st, int code, const char *fmt, ...)
{
	va_list ap;

	st->code = code;
	va_start(ap, fmt);
	vsnprintf(st->text, sizeof(st->text), fmt, ap);
	va_end(ap);
	return code;
}

int ctl_connect_path(const char *path, struct ctl_client **out, struct ctl_status *st)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };

	*out = NULL;
	if (strlen(path) >= sizeof(sa.sun_path))
		return set_status(st, ISCSI_ERR_INVAL, "control socket path too long: %.80s",
				  path);
	strcpy(sa.sun_path, path);
	int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return set_status(st, ISCSI_ERR_ISCSID_COMM_ERR, "socket: %s", strerror(errno));
	int rc;
	do
		rc = connect(fd, (struct sockaddr *)&sa, sizeof(sa));
	while (rc < 0 && errno == EINTR);
	if (rc < 0) {
		int e = errno;
		close(fd);
		if (e == ENOENT || e == ECONNREFUSED || e == ENOTDIR)
			return set_status(st, ISCSI_ERR_ISCSID_NOTCONN,
					  "iscsid is not running (no listener at %s)", path);
		if (e == EACCES || e == EPERM)
			return set_status(st, ISCSI_ERR_ACCESS,
					  "permission denied connecting to iscsid at %s: only root "
					  "and members of iscsid's control group may", path);
		return set_status(st, ISCSI_ERR_ISCSID_COMM_ERR, "cannot connect to iscsid at %s: %s",
				  path, strerror(e));
	}
	struct ctl_client *c = calloc(1, sizeof(*c));
	if (!c) {
		close(fd);
		return set_status(st, ISCSI_ERR_NOMEM, "out of memory");
	}
	c->fd = fd;
	c->timeout_ms = CTL_CLIENT_TIMEOUT_MS;
	*out = c;
	return set_status(st, ISCSI_SUCCESS, "%s", "");
}

int ctl_connect(struct ctl_client **out, struct ctl_status *st)
{
	char path[4200];

	*out = NULL;
	if (ctl_socket_path(path, sizeof(path)) < 0)
		return set_status(st, ISCSI_ERR_INVAL, "control socket path too long");
	return ctl_connect_path(path, out, st);
}

void ctl_set_timeout(struct ctl_client *c, int timeout_ms)
{
	c->timeout_ms = timeout_ms;
}

int ctl_client_fd(const struct ctl_client *c)
{
	return c->fd;
}

int ctl_request(struct ctl_client *c, const struct ctl_msg *req, struct ctl_status *st)
{
	if (c->broken)
		return set_status(st, ISCSI_ERR_ISCSID_COMM_ERR,
				  "connection to iscsid already failed");
	if (c->pending)
		return set_status(st, ISCSI_ERR_INTERNAL,
				  "control request %s sent while %s is unanswered",
				  ctl_type_name(req->type), ctl_type_name(c->pending));
	enum ctl_err rc = ctl_send(c->fd, CTL_BY_CLIENT, req);
	if (rc != CTL_OK) {
		struct ctl_msg why;
		c->broken = true;
		/* A daemon that refuses the connection itself (too many clients)
		 * answers and closes before our request: report its reason. */
		if (rc == CTL_E_CLOSED &&
		    ctl_recv(c->fd, CTL_BY_CLIENT, 0, &why, NULL, NULL) == CTL_OK &&
		    why.type == CTL_MSG_RESULT && why.u.result.code != ISCSI_SUCCESS)
			return set_status(st, (int)why.u.result.code, "%s", why.u.result.text);
		if (rc == CTL_E_CLOSED || rc == CTL_E_IO)
			return set_status(st, ISCSI_ERR_ISCSID_COMM_ERR,
					  "cannot send %s to iscsid: %s", ctl_type_name(req->type),
					  rc == CTL_E_IO ? strerror(errno) : ctl_strerror(rc));
		return set_status(st, ISCSI_ERR_INVAL, "invalid %s request: %s",
				  ctl_type_name(req->type), ctl_strerror(rc));
	}
	c->pending = req->type;
	return set_status(st, ISCSI_SUCCESS, "%s", "");
}

static enum ctl_next failed(struct ctl_client *c, struct ctl_status *st, int code,
			    const char *what, const char *detail)
{
	c->broken = true;
	c->pending = 0;
	set_status(st, code, "%s: %s", what, detail);
	return CTL_NEXT_FAILED;
}

enum ctl_next ctl_next(struct ctl_client *c, struct ctl_msg *resp, struct ctl_status *st)
{
	const char *field = NULL;
	unsigned version = 0;

	if (c->broken || !c->pending)
		return failed(c, st, ISCSI_ERR_INTERNAL, "control connection",
			      c->broken ? "already failed" : "no request pending");
	enum ctl_err rc = ctl_recv(c->fd, CTL_BY_CLIENT, c->timeout_ms, resp, &field, &version);
	if (rc == CTL_E_VERSION) {
		char detail[160];
		snprintf(detail, sizeof(detail),
			 "iscsid speaks control protocol version %u, this program version %u; "
			 "restart iscsid after an upgrade", version, CTL_PROTO_VERSION);
		return failed(c, st, ISCSI_ERR_ISCSID_COMM_ERR, "iscsid", detail);
	}
	if (rc == CTL_E_CLOSED)
		return failed(c, st, ISCSI_ERR_ISCSID_COMM_ERR, "iscsid",
			      "closed the connection before answering");
	if (rc == CTL_E_TIMEOUT)
		return failed(c, st, ISCSI_ERR_ISCSID_COMM_ERR, "iscsid", "no answer in time");
	if (rc == CTL_E_IO)
		return failed(c, st, ISCSI_ERR_ISCSID_COMM_ERR, "reading from iscsid",
			      strerror(errno));
	if (rc != CTL_OK) {
		char detail[160];
		snprintf(detail, sizeof(detail), "%s (%s)", ctl_strerror(rc), field ? field : "?");
		return failed(c, st, ISCSI_ERR_ISCSID_COMM_ERR, "malformed answer from iscsid",
			      detail);
	}
	if (resp->type == CTL_MSG_RESULT) {
		c->pending = 0;
		set_status(st, (int)resp->u.result.code, "%s", resp->u.result.text);
		return CTL_NEXT_DONE;
	}
	if (!ctl_answer_allowed(c->pending, resp->type)) {
		char detail[160];
		snprintf(detail, sizeof(detail), "%s in answer to %s", ctl_type_name(resp->type),
			 ctl_type_name(c->pending));
		return failed(c, st, ISCSI_ERR_ISCSID_COMM_ERR, "unexpected answer from iscsid",
			      detail);
	}
	return CTL_NEXT_DATA;
}

int ctl_call(struct ctl_client *c, const struct ctl_msg *req, ctl_each_fn each, void *arg,
	     struct ctl_status *st)
{
	struct ctl_msg resp;

	if (ctl_request(c, req, st) != 0)
		return st->code;
	for (;;) {
		enum ctl_next n = ctl_next(c, &resp, st);
		if (n != CTL_NEXT_DATA)
			return st->code;
		int rc = each ? each(&resp, arg) : 0;
		if (rc != 0) {
			c->broken = true;
			c->pending = 0;
			shutdown(c->fd, SHUT_RDWR);
			return set_status(st, rc, "stopped reading iscsid's answer");
		}
	}
}

void ctl_close(struct ctl_client *c)
{
	if (!c)
		return;
	close(c->fd);
	free(c);
}
