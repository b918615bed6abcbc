#include "adm/record_audit.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "auth/audit.h"
#include "records/portal.h"

bool adm_is_auth_key(const char *name)
{
	static const char *const prefixes[] = { "node.session.auth.", "discovery.sendtargets.auth." };
	/* Offload ifaces' switches for CHAP; the nodes bound to the iface
	 * take them over. */
	static const char *const iface_keys[] = { "iface.chap_auth", "iface.bidi_chap",
						  "iface.discovery_auth" };

	if (!name)
		return false;
	for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++)
		if (!strncmp(name, prefixes[i], strlen(prefixes[i])))
			return true;
	for (size_t i = 0; i < sizeof(iface_keys) / sizeof(iface_keys[0]); i++)
		if (!strcmp(name, iface_keys[i]))
			return true;
	return false;
}

static bool listed_before(const struct adm_opts *o, int i)
{
	for (int j = 0; j < i; j++)
		if (!strcmp(o->params[j].name, o->params[i].name))
			return true;
	return false;
}

bool adm_auth_keys(const struct adm_opts *o, char *out, size_t size)
{
	size_t len = 0;

	if (size == 0)
		return false;
	out[0] = '\0';
	for (int i = 0; i < o->n_params; i++) {
		const char *name = o->params[i].name;

		if (!adm_is_auth_key(name) || listed_before(o, i))
			continue;
		int w = snprintf(out + len, size - len, "%s%s", len ? "," : "", name);
		if (w < 0 || (size_t)w >= size - len) {
			/* Never a partial name: the list says it was cut. */
			snprintf(out + len, size - len, "%s", len && size - len > 4 ? ",..." : "");
			break;
		}
		len += (size_t)w;
	}
	return out[0] != '\0';
}

void adm_record_name(const struct rec_key *key, char *out, size_t size)
{
	char portal[REC_ADDR_MAX + 16];

	switch (key->kind) {
	case REC_NODE:
		portal_format(key->addr, key->port, portal, sizeof(portal));
		snprintf(out, size, "node %s,%s,%s", key->target, portal, key->iface);
		break;
	case REC_DISCOVERY_ST:
		portal_format(key->addr, key->port, portal, sizeof(portal));
		snprintf(out, size, "discovery %s", portal);
		break;
	case REC_IFACE:
		snprintf(out, size, "iface %s", key->iface);
		break;
	default:
		snprintf(out, size, "?");
	}
}

void adm_audit_auth_change(const struct adm_opts *o, const struct rec_key *key)
{
	struct audit_fields f = AUDIT_FIELDS_INIT;
	char keys[1024], record[512];

	if (!adm_auth_keys(o, keys, sizeof(keys)))
		return;
	adm_record_name(key, record, sizeof(record));
	f.uid = (long)getuid();
	f.pid = (long)getpid();
	f.record = record;
	f.keys = keys;
	audit_emit(AUDIT_RECORD_AUTH_CHANGED, &f);
}
