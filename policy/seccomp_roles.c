#include "policy/seccomp_roles.h"

#include <sys/mman.h>

#define ANY_ARGS -1, 0

/* A worker only moves bytes between descriptors it was given: the monitor
 * channel (fd 3) and the connected socket that comes over it. It cannot
 * name a file (no open, stat, ...), create a descriptor (no socket, pipe,
 * dup, accept), start a program or a process (no execve, clone, fork),
 * signal anybody (no kill), or change its own limits and identity.
 *
 *   read write             monitor channel, network socket
 *   recvfrom sendto        recv()/send() on the socket
 *   recvmsg sendmsg        framed messages with SCM_RIGHTS (privsep/msg_io.c)
 *   poll ppoll             waiting with a timeout on both
 *   clock_gettime          timeouts (the vDSO's fallback)
 *   close                  the network socket when done
 *   brk mmap munmap mremap malloc and realloc; mmap never executable, so
 *                          a compromised worker cannot map new code
 *   madvise                advice 0..31 only (DONTNEED, NOHUGEPAGE, DONTDUMP,
 *                          ...): an allocator's housekeeping of its own
 *                          memory; ASan's does it on every large mapping
 *   rt_sigreturn           return from a signal handler
 *   exit exit_group        leaving
 */
static const struct syscall_allow io_worker[] = {
	{ "read", ANY_ARGS },
	{ "write", ANY_ARGS },
	{ "recvfrom", ANY_ARGS },
	{ "sendto", ANY_ARGS },
	{ "recvmsg", ANY_ARGS },
	{ "sendmsg", ANY_ARGS },
	{ "poll", ANY_ARGS },
	{ "ppoll", ANY_ARGS },
	{ "clock_gettime", ANY_ARGS },
	{ "close", ANY_ARGS },
	{ "brk", ANY_ARGS },
	{ "mmap", 2, PROT_EXEC },
	{ "munmap", ANY_ARGS },
	{ "mremap", ANY_ARGS },
	{ "madvise", 2, ~(uint64_t)0x1f },
	{ "rt_sigreturn", ANY_ARGS },
	{ "exit", ANY_ARGS },
	{ "exit_group", ANY_ARGS },
};

/* The PDU worker has no network descriptor at all: the monitor hands it
 * the bytes over the channel. It receives one frame, sends one or two
 * (a LOG line, its answer) and leaves; nothing it does can wait, so it
 * needs no clock and no poll. Memory calls as above: the codec itself
 * allocates nothing, but the C library and the sanitizers' runtimes may.
 *
 *   recvmsg sendmsg        the monitor channel (privsep/msg_io.c)
 *   brk mmap munmap madvise  as for io_worker
 *   exit_group             sandbox_exit()
 */
static const struct syscall_allow pdu_worker[] = {
	{ "recvmsg", ANY_ARGS },
	{ "sendmsg", ANY_ARGS },
	{ "brk", ANY_ARGS },
	{ "mmap", 2, PROT_EXEC },
	{ "munmap", ANY_ARGS },
	{ "madvise", 2, ~(uint64_t)0x1f },
	{ "exit_group", ANY_ARGS },
};

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* Discovery and login need the same today; they are separate rows so that
 * one can grow without the other (login will gain nothing that discovery
 * should have: CHAP arithmetic stays in the monitor). */
static const struct seccomp_role roles[] = {
	{ ROLE_DISCOVERY, io_worker, N(io_worker), 8 },
	{ ROLE_LOGIN, io_worker, N(io_worker), 8 },
	/* 0-2 and the channel; one to spare, so that a descriptor wrongly
	 * attached to a frame is received, seen and closed (msg_io.c). */
	{ ROLE_PDU, pdu_worker, N(pdu_worker), 5 },
};

const struct seccomp_role *seccomp_role_of(enum worker_role role)
{
	for (size_t i = 0; i < N(roles); i++)
		if (roles[i].role == role)
			return &roles[i];
	return NULL;
}
