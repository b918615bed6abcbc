/* The checks every discovered portal passes twice: in the worker, where
 * the answer is parsed (discovery/sendtargets.c), and in the driver, which
 * trusts the worker no more than the target. */
#include "discovery/driver.h"

#include <stdio.h>
#include <string.h>

#include "discovery/sendtargets.h"

int discovery_record_check(const char *target_name, const char *address, unsigned port,
			   char *msg, size_t size)
{
	struct iscsi_name_result res;
	char esc[96];

	if (iscsi_name_check(target_name, ISCSI_NAME_ALLOW_UPPER, &res) != NAME_OK) {
		iscsi_name_describe(msg, size, "target name", target_name, &res);
		return -1;
	}
	if (!st_host_valid(address)) {
		iscsi_escape(esc, sizeof(esc), address, strnlen(address, ST_HOST_MAX + 1));
		snprintf(msg, size, "invalid target address '%s'", esc);
		return -1;
	}
	if (port < 1 || port > 65535) {
		snprintf(msg, size, "invalid target port %u", port);
		return -1;
	}
	return 0;
}
