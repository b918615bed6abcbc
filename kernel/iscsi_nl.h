/* The monitor's client of NETLINK_ISCSI (the kernel's scsi_transport_iscsi
 * control interface), on libnl-3. One socket does both jobs: requests,
 * each answered synchronously by the kernel (it replies from inside our
 * sendmsg, so a request never waits on anything but the kernel), and the
 * kernel's events to the iscsid multicast group (connection errors, PDUs
 * passed up, sessions going away), queued in arrival order.
 *
 * Only the monitor holds this socket; workers never see it. Every value a
 * caller passes is checked here against the ABI's limits before it is
 * sent (a parameter string the kernel would truncate is refused, not cut).
 *
 * Errors: every call returns 0 or a negative errno, and fills the
 * client's last-error line ("create session: No such device (is iscsi_tcp
 * loaded?)"), which kern_strerror() returns. */
#ifndef KERNEL_ISCSI_NL_H
#define KERNEL_ISCSI_NL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kernel/iscsi_abi.h"

struct kern;

/* Opens the socket, joins the iscsid group, takes the transport handle
 * for transport_name ("tcp") from sysfs. When the transport is not
 * registered it loads the module (kernel/modules.h, "iscsi_tcp" for
 * "tcp") first. Returns 0, or a negative errno with one line in err:
 * no NETLINK_ISCSI (-EPROTONOSUPPORT: "the kernel has no iSCSI support"),
 * module missing or not loadable, permission. */
int kern_open(struct kern **out, const char *transport_name, char *err, size_t errlen);
void kern_close(struct kern *k);

/* The descriptor to poll for events (POLLIN). */
int kern_fd(const struct kern *k);
uint64_t kern_transport_handle(const struct kern *k);
const char *kern_strerror(const struct kern *k);

/* Sessions and connections (ISCSI_UEVENT_*). */
int kern_create_session(struct kern *k, uint32_t initial_cmdsn, uint16_t cmds_max,
			uint16_t queue_depth, uint32_t *sid, uint32_t *host_no);
int kern_destroy_session(struct kern *k, uint32_t sid);
/* ISCSI_UEVENT_UNBIND_SESSION: the kernel removes the session's SCSI
 * target (its disks, each synced while the connection still works) in
 * the background and then sends KERN_EV_UNBIND_SESSION. Only for a
 * session whose target was scanned (sysfs target_state "SCANNED"): for
 * any other the kernel does nothing and sends no event. */
int kern_unbind_session(struct kern *k, uint32_t sid);
int kern_create_conn(struct kern *k, uint32_t sid, uint32_t cid, uint32_t *conn_cid);
int kern_destroy_conn(struct kern *k, uint32_t sid, uint32_t cid);
/* sockfd: a connected TCP socket in this process; the kernel takes its
 * own reference, so the caller may close its descriptor afterwards. */
int kern_bind_conn(struct kern *k, uint32_t sid, uint32_t cid, int sockfd, bool leading);
int kern_start_conn(struct kern *k, uint32_t sid, uint32_t cid);
/* flag: ISCSI_STOP_CONN_TERM (logout) or ISCSI_STOP_CONN_RECOVER. */
int kern_stop_conn(struct kern *k, uint32_t sid, uint32_t cid, int flag);

/* ISCSI_UEVENT_SET_PARAM: value as the kernel parses it (decimal, or a
 * string parameter such as ISCSI_PARAM_TARGET_NAME). */
int kern_set_param(struct kern *k, uint32_t sid, uint32_t cid, enum iscsi_param param,
		   const char *value);
int kern_set_host_param(struct kern *k, uint32_t host_no, enum iscsi_host_param param,
			const char *value);

/* ISCSI_UEVENT_SEND_PDU: a PDU the kernel sends on the connection (it
 * assigns ITT and CmdSN); used for the Logout Request. */
int kern_send_pdu(struct kern *k, uint32_t sid, uint32_t cid, const void *hdr, size_t hdr_len,
		  const void *data, size_t data_len);

/* ISCSI_UEVENT_GET_STATS. */
#define KERN_STATS_CUSTOM_MAX 16
struct kern_stat {
	char name[64];
	uint64_t value;
};
struct kern_stats {
	/* The RFC 4544 counters, named as open-iscsi prints them
	 * ("txdata_octets", ... "timeout_err"), in the kernel's order. */
	size_t nsnmp;
	struct kern_stat snmp[24];
	size_t ncustom;
	struct kern_stat custom[KERN_STATS_CUSTOM_MAX];
};
int kern_get_stats(struct kern *k, uint32_t sid, uint32_t cid, struct kern_stats *out);

/* Kernel events, as they arrived (also those that arrived while a request
 * waited for its reply). */
enum kern_event_type {
	KERN_EV_CONN_ERROR,             /* ISCSI_KEVENT_CONN_ERROR: error = enum iscsi_err */
	KERN_EV_CONN_LOGIN_STATE,       /* ISCSI_KEVENT_CONN_LOGIN_STATE */
	KERN_EV_RECV_PDU,               /* ISCSI_KEVENT_RECV_PDU: pdu, pdu_len */
	KERN_EV_DESTROY_SESSION,        /* ISCSI_KEVENT_DESTROY_SESSION */
	KERN_EV_CREATE_SESSION,         /* ISCSI_KEVENT_CREATE_SESSION */
	KERN_EV_UNBIND_SESSION,         /* ISCSI_KEVENT_UNBIND_SESSION */
	KERN_EV_OTHER,                  /* anything else: type holds the code */
};
#define KERN_EVENT_PDU_MAX 8192
struct kern_event {
	enum kern_event_type type;
	uint32_t code;                  /* the raw ISCSI_KEVENT_* */
	uint32_t sid, cid, host_no;
	uint32_t error;                 /* CONN_ERROR: enum iscsi_err; LOGIN_STATE: state */
	size_t pdu_len;                 /* RECV_PDU: header + data as the kernel passed them */
	uint8_t pdu[KERN_EVENT_PDU_MAX];        /* never parsed by the monitor */
};

/* Reads what the socket has (never blocks) and returns the oldest queued
 * event: 1 with *ev filled, 0 when none, negative errno on a socket error. */
int kern_next_event(struct kern *k, struct kern_event *ev);

/* A kernel error code (enum iscsi_err) as a short text ("ISCSI_ERR_CONN_FAILED"). */
const char *kern_iscsi_err_name(uint32_t err);

#endif
