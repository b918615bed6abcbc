/* The kinds of worker the monitor spawns. A role names one job and,
 * through policy/, everything that job may do: its system calls, its
 * descriptors and the messages it may send in each of its states. */
#ifndef POLICY_ROLES_H
#define POLICY_ROLES_H

enum worker_role {
	ROLE_NONE = 0,
	ROLE_DISCOVERY = 1,     /* SendTargets discovery over one connection */
	ROLE_LOGIN = 2,         /* login phase of one connection, CHAP parsing */
	ROLE_PDU = 3,           /* one PDU the kernel passed up from a session */
};
#define ROLE_FIRST ROLE_DISCOVERY
#define ROLE_LAST ROLE_PDU

/* "discovery", "login", "pdu"; NULL for anything else. */
const char *worker_role_name(enum worker_role role);

/* The role with that exact name, or ROLE_NONE. */
enum worker_role worker_role_from_name(const char *name);

#endif
