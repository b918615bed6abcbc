#include "policy/callers.h"

enum caller_class {
	CLASS_NONE = 0,         /* no row: refused to all */
	CLASS_READER,           /* root and the reader group */
	CLASS_ROOT,             /* root only */
};

struct request_rule {
	const char *name;
	enum caller_class who;
};

/* Reads are the requests that show state without changing it; anything
 * that connects out, changes a record or touches a session is root's. */
static const struct request_rule rules[CTL_REQUEST_MAX + 1] = {
	[CTL_PING]           = { "ping",           CLASS_READER },
	[CTL_SESSION_LIST]   = { "session-list",   CLASS_READER },
	[CTL_SESSION_STATS]  = { "session-stats",  CLASS_READER },
	[CTL_HOST_LIST]      = { "host-list",      CLASS_READER },
	[CTL_RECORD_READ]    = { "record-read",    CLASS_READER },
	[CTL_RECORD_WRITE]   = { "record-write",   CLASS_ROOT },
	[CTL_DISCOVERY]      = { "discovery",      CLASS_ROOT },
	[CTL_LOGIN]          = { "login",          CLASS_ROOT },
	[CTL_LOGOUT]         = { "logout",         CLASS_ROOT },
	[CTL_SESSION_RESCAN] = { "session-rescan", CLASS_ROOT },
	[CTL_DAEMON_STOP]    = { "daemon-stop",    CLASS_ROOT },
	[CTL_DAEMON_STATUS]  = { "daemon-status",  CLASS_READER },
};

static enum caller_class class_of(enum ctl_request req)
{
	if ((unsigned)req > CTL_REQUEST_MAX)
		return CLASS_NONE;
	return rules[req].who;
}

static bool in_group(const struct ctl_caller *c, gid_t gid)
{
	if (c->gid == gid)
		return true;
	for (size_t i = 0; i < c->ngroups; i++)
		if (c->groups[i] == gid)
			return true;
	return false;
}

enum caller_verdict caller_permits(const struct caller_policy *p, const struct ctl_caller *c,
				   enum ctl_request req)
{
	switch (class_of(req)) {
	case CLASS_ROOT:
		return c->uid == 0 ? CALLER_ALLOW : CALLER_DENY;
	case CLASS_READER:
		if (c->uid == 0)
			return CALLER_ALLOW;
		if (p->has_reader_group && in_group(c, p->reader_gid))
			return CALLER_ALLOW;
		return CALLER_DENY;
	case CLASS_NONE:
		break;
	}
	return CALLER_DENY;
}

bool ctl_request_read_only(enum ctl_request req)
{
	return class_of(req) == CLASS_READER;
}

const char *ctl_request_name(enum ctl_request req)
{
	if ((unsigned)req > CTL_REQUEST_MAX || !rules[req].name)
		return "unknown";
	return rules[req].name;
}
