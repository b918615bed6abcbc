#include "privsep/wire.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

void wire_init(struct wire *w, int fd)
{
	memset(w, 0, sizeof(*w));
	w->fd = fd;
}

void wire_free(struct wire *w)
{
	free(w->buf);
	w->buf = NULL;
	w->cap = 0;
}

uint64_t wire_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* Waits for events on the socket until deadline_ms. */
static enum wire_err wait_for(struct wire *w, short events, uint64_t deadline_ms)
{
	for (;;) {
		uint64_t now = wire_now_ms();
		if (now >= deadline_ms)
			return WIRE_TIMEOUT;
		uint64_t left = deadline_ms - now;
		struct pollfd p = { .fd = w->fd, .events = events };
		int n = poll(&p, 1, left > 60000 ? 60000 : (int)left);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			w->sys_errno = errno;
			return WIRE_IO;
		}
		if (n > 0)
			return WIRE_OK;  /* readiness or an error: the next call tells */
	}
}

enum wire_err wire_send(struct wire *w, const uint8_t *buf, size_t len, uint64_t deadline_ms)
{
	size_t off = 0;

	while (off < len) {
		ssize_t n = send(w->fd, buf + off, len - off, MSG_DONTWAIT | MSG_NOSIGNAL);
		if (n > 0) {
			off += (size_t)n;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			enum wire_err e = wait_for(w, POLLOUT, deadline_ms);
			if (e)
				return e;
			continue;
		}
		w->sys_errno = n < 0 ? errno : EPIPE;
		return w->sys_errno == EPIPE ? WIRE_CLOSED : WIRE_IO;
	}
	return WIRE_OK;
}

enum wire_err wire_send_pdu(struct wire *w, const struct iscsi_pdu *pdu,
			    const struct pdu_wire_opts *opts, uint64_t deadline_ms)
{
	size_t cap = ISCSI_BHS_LEN + pdu->ahs_len + 2 * ISCSI_DIGEST_LEN + pdu_pad4(pdu->data_len);
	uint8_t *out = malloc(cap);
	size_t len;

	if (!out)
		return WIRE_NOMEM;
	enum pdu_err pe = pdu_encode(pdu, opts, out, cap, &len);
	if (pe != PDU_OK) {
		free(out);
		w->pdu_err = pe;
		return WIRE_PDU;
	}
	enum wire_err e = wire_send(w, out, len, deadline_ms);
	free(out);
	return e;
}

/* Reads exactly len bytes into buf. */
static enum wire_err read_full(struct wire *w, uint8_t *buf, size_t len, uint64_t deadline_ms)
{
	size_t off = 0;

	while (off < len) {
		ssize_t n = recv(w->fd, buf + off, len - off, MSG_DONTWAIT);
		if (n > 0) {
			off += (size_t)n;
			w->bytes_in += (uint64_t)n;
			continue;
		}
		if (n == 0)
			return WIRE_CLOSED;
		if (errno == EINTR)
			continue;
		if (errno == EAGAIN || errno == EWOULDBLOCK) {
			enum wire_err e = wait_for(w, POLLIN, deadline_ms);
			if (e)
				return e;
			continue;
		}
		w->sys_errno = errno;
		return errno == ECONNRESET ? WIRE_CLOSED : WIRE_IO;
	}
	return WIRE_OK;
}

static enum wire_err reserve(struct wire *w, size_t len)
{
	if (len <= w->cap)
		return WIRE_OK;
	uint8_t *b = realloc(w->buf, len);
	if (!b)
		return WIRE_NOMEM;
	w->buf = b;
	w->cap = len;
	return WIRE_OK;
}

enum wire_err wire_recv_pdu(struct wire *w, const struct pdu_wire_opts *opts,
			    struct iscsi_pdu *pdu, uint64_t deadline_ms)
{
	size_t total;
	enum wire_err e;

	if ((e = reserve(w, ISCSI_BHS_LEN)))
		return e;
	if ((e = read_full(w, w->buf, ISCSI_BHS_LEN, deadline_ms)))
		return e;
	enum pdu_err pe = pdu_wire_length(w->buf, ISCSI_BHS_LEN, opts, &total);
	if (pe != PDU_OK) {
		w->pdu_err = pe;
		return WIRE_PDU;
	}
	if ((e = reserve(w, total)))
		return e;
	if ((e = read_full(w, w->buf + ISCSI_BHS_LEN, total - ISCSI_BHS_LEN, deadline_ms)))
		return e;
	pe = pdu_decode(w->buf, total, opts, pdu);
	if (pe != PDU_OK) {
		w->pdu_err = pe;
		return WIRE_PDU;
	}
	return WIRE_OK;
}

void wire_describe(const struct wire *w, enum wire_err err, char *buf, size_t size)
{
	switch (err) {
	case WIRE_OK:
		snprintf(buf, size, "no error");
		break;
	case WIRE_CLOSED:
		snprintf(buf, size, "connection closed by the target");
		break;
	case WIRE_IO:
		snprintf(buf, size, "connection error: %s", strerrordesc_np(w->sys_errno));
		break;
	case WIRE_TIMEOUT:
		snprintf(buf, size, "timed out waiting for the target");
		break;
	case WIRE_PDU:
		snprintf(buf, size, "malformed PDU from the target: %s", pdu_strerror(w->pdu_err));
		break;
	case WIRE_NOMEM:
		snprintf(buf, size, "out of memory");
		break;
	}
}
