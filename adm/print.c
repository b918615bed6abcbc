#include "adm/print.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "adm/msg.h"
#include "adm/usage.h"
#include "base/exitcodes.h"
#include "records/portal.h"
#include "records/schema.h"

#define PORTAL_TEXT_MAX (REC_ADDR_MAX + 16)

static const char *shown(const char *v)
{
	return v && *v ? v : "<empty>";
}

void adm_print_record(const struct rec *r, bool show_secrets)
{
	const struct rec_schema *s = rec_schema(rec_kind_of(r));

	printf("# BEGIN RECORD %s\n", ADM_COMPAT_VERSION);
	for (size_t i = 0; i < s->count; i++) {
		const struct rec_field *f = &s->fields[i];
		const char *v = rec_get_at(r, i);

		if ((f->flags & RF_SECRET) && !show_secrets && v && *v)
			v = "********";
		printf("%s = %s\n", f->name, shown(v));
	}
	printf("# END RECORD\n");
}

static void node_portal(const struct rec_key *k, char *buf, size_t size)
{
	portal_format(k->addr, k->port, buf, size);
}

void adm_print_node_line(const struct rec_key *k)
{
	char portal[PORTAL_TEXT_MAX];

	node_portal(k, portal, sizeof(portal));
	printf("%s,%d %s\n", portal, k->tpgt, k->target);
}

void adm_print_node_tree(const struct rec_key *keys, size_t n, int depth)
{
	const char *in = depth ? "\t" : "";
	char portal[PORTAL_TEXT_MAX];

	for (size_t i = 0; i < n; i++) {
		const struct rec_key *k = &keys[i];

		if (i == 0 || strcmp(keys[i - 1].target, k->target) != 0)
			printf("%sTarget: %s\n", in, k->target);
		node_portal(k, portal, sizeof(portal));
		printf("%s\tPortal: %s,%d\n", in, portal, k->tpgt);
		if (!depth)
			printf("\t\tIface Name: %s\n", k->iface);
	}
}

/* open-iscsi prints discovery portals as "addr:port" and "addr,port"
 * without brackets, even for IPv6; kept for the scripts that parse it. */
void adm_print_discovery_line(const struct rec_key *k)
{
	printf("%s:%d via sendtargets\n", k->addr, k->port);
}

void adm_print_discovery_address(const struct rec_key *k)
{
	printf("DiscoveryAddress: %s,%d\n", k->addr, k->port);
}

void adm_print_iface_line(const struct rec *iface)
{
	printf("%s %s,%s,%s,%s,%s\n", shown(rec_get(iface, "iface.iscsi_ifacename")),
	       shown(rec_get(iface, "iface.transport_name")),
	       shown(rec_get(iface, "iface.hwaddress")),
	       shown(rec_get(iface, "iface.ipaddress")),
	       shown(rec_get(iface, "iface.net_ifacename")),
	       shown(rec_get(iface, "iface.initiatorname")));
}

int adm_flush(void)
{
	if (fflush(stdout) != 0 || ferror(stdout))
		return adm_fail(ISCSI_ERR, "could not write the output: %s", strerror(errno));
	return 0;
}
