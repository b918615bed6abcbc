/* Internals of the NETLINK_ISCSI client shared by kernel/iscsi_nl*.c and
 * its unit tests: the message codec (pure, no socket) and the one seam,
 * struct kern_io, through which a test stands in for the kernel. */
#ifndef KERNEL_ISCSI_NL_PRIV_H
#define KERNEL_ISCSI_NL_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kernel/iscsi_nl.h"

/* Largest value SET_PARAM carries, terminating NUL included. */
#define KERN_PARAM_VALUE_MAX 1024
/* Data of a PDU handed to SEND_PDU (a Logout carries none). */
#define KERN_SEND_DATA_MAX 8192

/* How the client talks to the kernel. send: one whole netlink message,
 * 0 or -errno. recv: one datagram into *buf (malloc'd, the caller frees),
 * its length, 0 when nothing came within timeout_ms (0: do not wait), or
 * -errno (-ENOBUFS: the kernel dropped messages); *sender is the netlink
 * port it came from (0: the kernel). */
struct kern_io {
	int (*send)(void *ctx, const void *buf, size_t len);
	int (*recv)(void *ctx, int timeout_ms, unsigned char **buf, uint32_t *sender);
	void (*close)(void *ctx);
	void *ctx;
	int fd;
	uint32_t portid;
};

#define KERN_REPLY_TIMEOUT_MS 10000
/* Events kept while nobody reads them; past this the newest are dropped
 * and kern_next_event reports the loss once. */
#define KERN_EVENT_QUEUE_MAX 4096

struct kern_qitem;

struct kern {
	struct kern_io io;
	uint64_t handle;
	uint32_t seq;
	struct kern_qitem *head, *tail;
	size_t queued;
	bool lost;                      /* events dropped (overrun or queue full) */
	char err[256];
};

/* Sends one request and waits for its reply; ev->type names the request,
 * the reply's uevent comes back in *ev. stats: for GET_STATS only. op
 * names the call in the error line ("create session"). Returns 0 or a
 * negative errno (iferror, or retcode when use_retcode), with k->err set. */
int kern_request(struct kern *k, const char *op, struct kiscsi_uevent *ev,
		 const void *a, size_t alen, const void *b, size_t blen,
		 bool use_retcode, struct kern_stats *stats);

/* Fills k->err and returns rc. */
int kern_fail(struct kern *k, int rc, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Takes ownership of io (io->close runs in kern_close, or here on error). */
int kern_open_io(struct kern **out, const struct kern_io *io, uint64_t handle);

/* ---- codec (kernel/iscsi_nl_codec.c) ---- */

/* Builds one request: netlink header (type ev->type, NLM_F_REQUEST, seq,
 * portid), the uevent, then payload a and b, zero-padded to NLMSG_ALIGN.
 * Returns the bytes to send, or -EMSGSIZE when it does not fit in size. */
long knl_encode(void *buf, size_t size, uint32_t seq, uint32_t portid,
		const struct kiscsi_uevent *ev, const void *a, size_t alen,
		const void *b, size_t blen);

/* One kernel message split into its uevent and what follows. */
struct knl_msg {
	uint16_t nlmsg_type;
	uint32_t nlmsg_seq;
	struct kiscsi_uevent ev;        /* copied: the buffer may be unaligned */
	const unsigned char *payload;   /* bytes after the uevent */
	size_t payload_len;
};

/* Walks a datagram: *off is where the next netlink message starts. Returns
 * 1 with *m filled, 0 at the end, -EBADMSG for a message whose header or
 * length does not fit (the rest of the datagram is then unusable), and
 * -EPROTO for a well-framed message too short for a uevent (skipped: *off
 * moves past it). NLMSG_ERROR from the netlink core comes back as a
 * message with nlmsg_type NLMSG_ERROR and ev.iferror = its error. */
int knl_next_msg(const unsigned char *buf, size_t len, size_t *off, struct knl_msg *m);

/* A kernel event to the public form; -EBADMSG when its size is wrong for
 * its code, -EMSGSIZE for a PDU larger than KERN_EVENT_PDU_MAX. */
int knl_decode_event(const struct knl_msg *m, struct kern_event *out);

/* GET_STATS's payload (struct kiscsi_stats and its custom entries). */
int knl_decode_stats(const struct knl_msg *m, struct kern_stats *out);

/* Value checks before SET_PARAM / SET_HOST_PARAM: 0, or -EINVAL / -EPERM
 * with the reason in why. */
int knl_check_param(uint32_t param, const char *value, const char **why);
int knl_check_host_param(uint32_t param, const char *value, const char **why);

/* A reply's iferror as a negative errno (0 when none); -EPROTO when the
 * field holds something no errno is. */
int knl_reply_errno(uint32_t iferror);

#endif
