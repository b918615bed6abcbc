/* What iscsid takes from iscsid.conf for itself, read at start and again
 * on SIGHUP: the control socket's reader group and the worker bound. The
 * rest of the file (record defaults) is kept whole for discovery. */
#ifndef MONITOR_SETTINGS_H
#define MONITOR_SETTINGS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "policy/callers.h"
#include "records/config.h"

struct monitor_settings {
	unsigned max_workers;           /* iscsid.max_workers */
	char control_group[65];         /* iscsid.control_group as written; "" = root only */
	struct caller_policy policy;    /* reader group resolved, when it exists */
};

/* Loads path (NULL: the default iscsid.conf) into *conf and *s. On
 * failure nothing is changed and err holds one line. The caller frees
 * *conf with iscsid_conf_free(). */
int settings_load(const char *path, struct iscsid_conf *conf, struct monitor_settings *s,
		  char *err, size_t errlen);

/* "iscsi (gid 4242)", "iscsi (no such group: root only)" or "(none: root only)". */
void settings_describe_group(const struct monitor_settings *s, char *out, size_t size);

#endif
