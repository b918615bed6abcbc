/* The sessions iscsid manages: the ones it logged in, and the ones it
 * found in sysfs at start (left by an earlier iscsid), taken over so that
 * they can be listed, counted and logged out. The kernel is the truth
 * about which sessions exist; this table adds what only iscsid knows
 * (which record a session serves, a logout in progress). */
#ifndef MONITOR_SESSIONS_H
#define MONITOR_SESSIONS_H

#include <stdbool.h>
#include <stdint.h>

#include "control/ctl_types.h"
#include "login/retry.h"
#include "monitor/loop.h"

struct monitor;
struct ctl_peer;
struct kern_event;

enum msession_state {
	MSESSION_UP,                    /* logged in ("NO CHANGE" for iscsiadm) */
	MSESSION_LOGGING_OUT,           /* logout under way ("CLEANUP") */
};

struct msession {
	struct msession *next;
	struct monitor *m;
	uint32_t sid, cid, host_no;
	enum msession_state state;
	bool adopted;                   /* found at start, not logged in by us */
	/* The record it serves. */
	char target_name[CTL_ISCSI_NAME_MAX + 1];
	char address[CTL_ADDRESS_MAX + 1];
	uint16_t port;
	int tpgt;
	char iface[CTL_IFACE_MAX + 1];
	/* The login's ISID and TSIH, for recovery's relogin (RFC 7143
	 * 6.3.5: the same ISID reinstates the session at the target). Not
	 * known for sessions adopted from sysfs without a state file. */
	bool isid_known;
	uint8_t isid[6];
	uint16_t tsih;
	/* Recovery (monitor/recovery.h): the connection failed and is
	 * being logged in again. */
	struct {
		bool active;
		bool job_live;          /* an attempt is queued or running */
		uint32_t generation;    /* which recovery an attempt belongs to */
		unsigned attempts;
		long long started_ms;
		struct login_retry_log log;     /* the failures' rate limit */
		struct loop_timer timer;        /* the next attempt */
	} recovery;
	int time2wait_s;                /* negotiated DefaultTime2Wait; -1: unknown */
	/* Logout: who waits, and how long the target gets to answer (the
	 * record's node.conn[0].timeo.logout_timeout; 0: the default). */
	unsigned logout_timeout_s;
	bool unbinding;                 /* waiting for the kernel to remove the disks */
	struct ctl_peer *logout_peer;
	struct loop_timer logout_timer;
};

/* Registers a new session; NULL when out of memory. */
struct msession *sessions_add(struct monitor *m, uint32_t sid, uint32_t cid, uint32_t host_no);
void sessions_remove(struct monitor *m, struct msession *s);
struct msession *sessions_find(struct monitor *m, uint32_t sid);
/* sessions_find(), or a session sysfs shows that is not in the table yet
 * (made after our start by someone else), taken over now; NULL when the
 * kernel has no such session either. */
struct msession *sessions_get(struct monitor *m, uint32_t sid);

/* At start: takes over every session sysfs shows. */
void sessions_adopt(struct monitor *m);

/* "NO CHANGE", "CLEANUP": iscsid's view, as open-iscsi words it. */
const char *sessions_state_name(const struct msession *s);

/* A kernel event (monitor/kernel_link.c). */
void sessions_on_kernel_event(struct monitor *m, const struct kern_event *ev);

/* Requests. */
void sessions_list(struct monitor *m, struct ctl_peer *p);
void sessions_logout(struct monitor *m, struct ctl_peer *p, uint32_t sid);
void sessions_stats(struct monitor *m, struct ctl_peer *p, uint32_t sid);
void sessions_rescan(struct monitor *m, struct ctl_peer *p, uint32_t sid);

/* Shut-down: forgets every session (the kernel keeps them); waiting
 * clients are told iscsid stopped. */
void sessions_forget_all(struct monitor *m);

#endif
