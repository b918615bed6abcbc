/* PDUs over a worker's TCP socket (discovery and login workers), every
 * wait bounded by a deadline.
 *
 * Only what the workers' seccomp list (policy/seccomp_roles.c) allows is
 * used: recv() and send() (recvfrom/sendto, with MSG_DONTWAIT, since the descriptor
 * may be non-blocking and the worker cannot change that, and with
 * MSG_NOSIGNAL so a closed peer is an error, not a SIGPIPE), poll() and
 * clock_gettime(). A PDU is read in two steps: the 48-byte BHS, then the
 * rest once pdu_wire_length() has accepted its size, so a hostile
 * DataSegmentLength is refused before anything is allocated. */
#ifndef PRIVSEP_WIRE_H
#define PRIVSEP_WIRE_H

#include <stddef.h>
#include <stdint.h>

#include "proto/pdu.h"

enum wire_err {
	WIRE_OK = 0,
	WIRE_CLOSED,            /* the peer closed the connection (mid-PDU or between) */
	WIRE_IO,                /* socket error (reset, ...) */
	WIRE_TIMEOUT,           /* the deadline passed */
	WIRE_PDU,               /* the PDU was refused by proto/pdu */
	WIRE_NOMEM,
};

struct wire {
	int fd;
	uint8_t *buf;           /* the last PDU read; its decoded pointers point here */
	size_t cap;
	int sys_errno;          /* of the last WIRE_IO */
	enum pdu_err pdu_err;   /* of the last WIRE_PDU */
	uint64_t bytes_in;
};

void wire_init(struct wire *w, int fd);
void wire_free(struct wire *w);

/* CLOCK_MONOTONIC in ms. */
uint64_t wire_now_ms(void);

/* Writes len bytes, waiting at most until deadline_ms. */
enum wire_err wire_send(struct wire *w, const uint8_t *buf, size_t len, uint64_t deadline_ms);

/* Encodes pdu with opts and sends it. */
enum wire_err wire_send_pdu(struct wire *w, const struct iscsi_pdu *pdu,
			    const struct pdu_wire_opts *opts, uint64_t deadline_ms);

/* Reads and decodes one PDU (opts: what the target may send). The
 * decoded pdu points into w->buf until the next call. */
enum wire_err wire_recv_pdu(struct wire *w, const struct pdu_wire_opts *opts,
			    struct iscsi_pdu *pdu, uint64_t deadline_ms);

/* One line for a failure ("connection closed by the target", ...). */
void wire_describe(const struct wire *w, enum wire_err err, char *buf, size_t size);

#endif
