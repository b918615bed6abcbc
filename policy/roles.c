#include "policy/roles.h"

#include <stddef.h>
#include <string.h>

static const char *const role_names[] = {
	[ROLE_DISCOVERY] = "discovery",
	[ROLE_LOGIN] = "login",
	[ROLE_PDU] = "pdu",
};

const char *worker_role_name(enum worker_role role)
{
	if (role < ROLE_FIRST || role > ROLE_LAST)
		return NULL;
	return role_names[role];
}

enum worker_role worker_role_from_name(const char *name)
{
	if (!name)
		return ROLE_NONE;
	for (int r = ROLE_FIRST; r <= ROLE_LAST; r++)
		if (strcmp(name, role_names[r]) == 0)
			return (enum worker_role)r;
	return ROLE_NONE;
}
