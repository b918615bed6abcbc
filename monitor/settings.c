#include "monitor/settings.h"

#include <errno.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"

/* A group by name, or by number when it is all digits (a number need not
 * exist in /etc/group: the kernel only compares ids). */
static bool resolve_group(const char *name, gid_t *gid)
{
	char *end;

	if (name[0] >= '0' && name[0] <= '9') {
		errno = 0;
		unsigned long v = strtoul(name, &end, 10);
		if (errno || *end || v > 0xfffffffeUL)
			return false;
		*gid = (gid_t)v;
		return true;
	}
	struct group *gr = getgrnam(name);
	if (!gr)
		return false;
	*gid = gr->gr_gid;
	return true;
}

int settings_load(const char *path, struct iscsid_conf *conf, struct monitor_settings *s,
		  char *err, size_t errlen)
{
	struct iscsid_conf fresh;
	struct monitor_settings next = { 0 };
	struct rec_err rerr = { 0 };
	long long workers;

	if (iscsid_conf_load(&fresh, path, &rerr) < 0) {
		snprintf(err, errlen, "%s", rerr.msg);
		return -1;
	}
	const char *group = rec_get(fresh.iscsid, "iscsid.control_group");
	if (!group || rec_get_int(fresh.iscsid, "iscsid.max_workers", &workers) < 0) {
		iscsid_conf_free(&fresh);
		snprintf(err, errlen, "iscsid.conf: iscsid.control_group or iscsid.max_workers "
			 "missing from the schema");
		return -1;
	}
	next.max_workers = (unsigned)workers;
	snprintf(next.control_group, sizeof(next.control_group), "%s", group);
	if (group[0]) {
		gid_t gid;
		if (resolve_group(group, &gid) && gid != 0) {
			next.policy.has_reader_group = true;
			next.policy.reader_gid = gid;
		} else {
			/* The compiled default names a group most systems do not
			 * have; only a configured one deserves a warning. */
			if (strcmp(group, "iscsi") != 0)
				log_warn("iscsid.control_group %s: no such group (or gid 0); only "
					 "root may use the control socket", group);
			else
				log_debug(1, "control group iscsi does not exist: only root may "
					  "use the control socket");
		}
	}
	*conf = fresh;
	*s = next;
	return 0;
}

void settings_describe_group(const struct monitor_settings *s, char *out, size_t size)
{
	if (!s->control_group[0])
		snprintf(out, size, "(none: root only)");
	else if (!s->policy.has_reader_group)
		snprintf(out, size, "%s (no such group: root only)", s->control_group);
	else
		snprintf(out, size, "%s (gid %u)", s->control_group,
			 (unsigned)s->policy.reader_gid);
}
