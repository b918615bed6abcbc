/* A read-only model of what the kernel shows of iSCSI in sysfs: sessions
 * (/sys/class/iscsi_session/sessionN), their connection
 * (/sys/class/iscsi_connection/connectionN:0), their SCSI host
 * (/sys/class/iscsi_host/hostH, /sys/class/scsi_host/hostH) and the SCSI
 * devices behind it (/sys/bus/scsi/devices/H:C:I:L, block/ name, state).
 *
 * iscsiadm reads it for -m session (as open-iscsi does: no iscsid needed),
 * and iscsid reads it at start to find sessions that are already up. The
 * sysfs root is ISCSI_SYSFS_ROOT ("/sys") under $ISCSI_ROOT, so unit tests
 * build a fake tree in a directory.
 *
 * Everything read is kernel-written text, but it is still checked: a value
 * that does not parse leaves its field at the "unknown" value documented
 * below, never a half-filled string. Attributes the kernel does not show
 * (an older kernel, a transport that hides them) are "unknown" too. */
#ifndef KERNEL_SYSFS_H
#define KERNEL_SYSFS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ISCSI_SYSFS_ROOT "/sys"

#define KSYS_NAME_MAX 224       /* iSCSI name (223) + NUL */
#define KSYS_ADDR_MAX 64        /* numeric address, IPv6 with %scope */
#define KSYS_STR_MAX 64         /* iface names, states, netdev, hwaddress */
#define KSYS_DEV_MAX 32         /* "sda", "sg0" */
#define KSYS_MAX_DEVICES 256    /* SCSI devices listed per session */

/* One SCSI device (LUN) of a session's host. */
struct ksys_device {
	unsigned host, channel, id;
	uint64_t lun;
	char state[KSYS_STR_MAX];       /* "running", "offline", ... ("" unknown) */
	char disk[KSYS_DEV_MAX];        /* block device name, "" when none (yet) */
};

/* Negotiated values as the kernel holds them (-1: unknown). */
struct ksys_conn_params {
	int header_digest;              /* 0 None, 1 CRC32C */
	int data_digest;
	long max_recv_dlength;
	long max_xmit_dlength;
	long first_burst;               /* session attributes, kept here for -P 3 */
	long max_burst;
	int immediate_data;             /* 0/1 */
	int initial_r2t;
	long max_outstanding_r2t;
	long erl;
	int data_pdu_in_order;
	int data_seq_in_order;
};

struct ksys_session {
	uint32_t sid;                   /* the N of sessionN */
	uint32_t host_no;
	char target_name[KSYS_NAME_MAX];
	int tpgt;                       /* -1 unknown */
	/* The portal the record was logged in to, and the one in use now
	 * (they differ after a redirect). Ports 0 when unknown. */
	char persistent_address[KSYS_ADDR_MAX];
	uint16_t persistent_port;
	char address[KSYS_ADDR_MAX];    /* connection0's peer */
	uint16_t port;
	char local_address[KSYS_ADDR_MAX];      /* host's ipaddress */
	char iface_name[KSYS_STR_MAX];  /* "default" when the kernel says nothing */
	char transport[KSYS_STR_MAX];   /* "tcp" */
	char initiator_name[KSYS_NAME_MAX];
	char netdev[KSYS_STR_MAX];      /* host's netdev ("" or "default" unknown) */
	char hwaddress[KSYS_STR_MAX];
	char host_state[KSYS_STR_MAX];  /* scsi_host's state: "running", ... ("" unknown) */
	char session_state[KSYS_STR_MAX];       /* "LOGGED_IN", "FAILED", "FREE" */
	char conn_state[KSYS_STR_MAX];  /* "up", "down", "failed", "bound", "cleaning up" */
	char isid[13];                  /* 12 hex digits, "" unknown */
	int tsih;                       /* -1 unknown */
	/* Timeouts in seconds, -1 unknown. */
	int recovery_tmo, tgt_reset_tmo, lu_reset_tmo, abort_tmo;
	int ping_tmo, recv_tmo;         /* NOP-Out timeout and interval */
	char username[KSYS_STR_MAX];    /* "" when none; passwords are never read */
	char username_in[KSYS_STR_MAX];
	struct ksys_conn_params params;
	size_t ndevices;
	struct ksys_device devices[KSYS_MAX_DEVICES];   /* sorted by channel, id, lun */
};

struct ksys_sessions {
	size_t count;
	struct ksys_session *items;     /* sorted by sid */
};

/* Reads every session. Returns 0 (count may be 0: no session, or no
 * iSCSI support loaded at all), or -1 with one line in err (out of
 * memory, sysfs unreadable). */
int ksys_list_sessions(struct ksys_sessions *out, char *err, size_t errlen);

/* One session by sid: 0, 1 when there is no such session, -1 on error. */
int ksys_get_session(uint32_t sid, struct ksys_session *out, char *err, size_t errlen);

void ksys_sessions_free(struct ksys_sessions *s);

/* One attribute of session sid's directory, e.g. "state" ("LOGGED_IN",
 * "FAILED", "FREE") or "target_state" ("SCANNED", ...): 0, or -1 when
 * there is no such session or it does not read. */
int ksys_session_attr(uint32_t sid, const char *name, char *out, size_t size);

/* Just what identifies a session's record, read cheaply (no devices, no
 * parameters): a login checks it for every request. */
struct ksys_session_key {
	uint32_t sid;
	char persistent_address[KSYS_ADDR_MAX];
	uint16_t persistent_port;
	char iface_name[KSYS_STR_MAX];  /* "" when the kernel says nothing */
};

/* The sessions logged in to target (names compared without case), at
 * most max of them: how many, or -1 with one line in err. */
int ksys_sessions_of_target(const char *target, struct ksys_session_key *out, size_t max,
			    char *err, size_t errlen);

/* The sysfs path of root-relative path p ("/class/iscsi_session"), with
 * $ISCSI_ROOT applied. Returns 0 or -1 (does not fit). */
int ksys_path(char *out, size_t size, const char *p);

/* "/sys/class/iscsi_transport/tcp/handle": the transport's 64-bit handle
 * for NETLINK_ISCSI. 0, 1 when the transport is not registered (module
 * not loaded), -1 on error. */
int ksys_transport_handle(const char *transport, uint64_t *handle, char *err, size_t errlen);

/* The iSCSI transport class's version ("2.0-870", from
 * /sys/module/scsi_transport_iscsi/version), printed by -m session -P 3.
 * 0, or -1 (not loaded, unreadable) with out "". */
int ksys_transport_class_version(char *out, size_t size);

/* Is the transport's class registered at all (scsi_transport_iscsi
 * loaded): /sys/class/iscsi_transport exists. */
bool ksys_iscsi_loaded(void);

#endif
