#include "adm/session_print.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "adm/usage.h"
#include "records/portal.h"

/* What open-iscsi prints for a value the kernel did not give. */
#define UNKNOWN_TEXT "<empty>"
#define PORTAL_TEXT_MAX (KSYS_ADDR_MAX + 16)

static const char *str_or(const char *v, const char *dflt)
{
	return v[0] ? v : dflt;
}

static void portal_text(const char *addr, uint16_t port, char *out, size_t size)
{
	portal_format(addr, port, out, size);
}

void adm_print_session_line(const struct ksys_session *s)
{
	char portal[PORTAL_TEXT_MAX];

	portal_text(s->address, s->port, portal, sizeof(portal));
	printf("%s: [%" PRIu32 "] %s,%d %s (non-flash)\n", str_or(s->transport, UNKNOWN_TEXT),
	       s->sid, portal, s->tpgt, str_or(s->target_name, UNKNOWN_TEXT));
}

void adm_print_session_versions(const char *class_version)
{
	printf("iSCSI Transport Class version %s\n", str_or(class_version, UNKNOWN_TEXT));
	printf("version %s\n", ADM_COMPAT_VERSION);
}

const char *adm_session_conn_state(const struct ksys_session *s, const struct adm_iscsid_state *st)
{
	/* iscsid's connection states are its own; the kernel's "up" is
	 * the one that corresponds to a state for certain (logged in).
	 * Anything else would be a guess at what iscsid is doing. */
	if (st && st->known && !strcmp(s->conn_state, "up"))
		return "LOGGED IN";
	return "Unknown";
}

/* A heading between two rows of stars; the rows are as wide as open-iscsi
 * draws them (not always the title's width). */
static void banner(const char *title, int stars)
{
	static const char row[] = "************************";

	printf("\t\t%.*s\n\t\t%s\n\t\t%.*s\n", stars, row, title, stars, row);
}

static void print_num(const char *label, long v)
{
	if (v < 0)
		printf("\t\t%s: %s\n", label, UNKNOWN_TEXT);
	else
		printf("\t\t%s: %ld\n", label, v);
}

static void print_bool(const char *label, int v, const char *yes, const char *no)
{
	printf("\t\t%s: %s\n", label, v < 0 ? UNKNOWN_TEXT : v ? yes : no);
}

static void print_iface(const struct ksys_session *s, const struct adm_iscsid_state *st)
{
	banner("Interface:", 10);
	printf("\t\tIface Name: %s\n", str_or(s->iface_name, "default"));
	printf("\t\tIface Transport: %s\n", str_or(s->transport, UNKNOWN_TEXT));
	printf("\t\tIface Initiatorname: %s\n", str_or(s->initiator_name, UNKNOWN_TEXT));
	printf("\t\tIface IPaddress: %s\n", str_or(s->local_address, UNKNOWN_TEXT));
	printf("\t\tIface HWaddress: %s\n", str_or(s->hwaddress, "default"));
	printf("\t\tIface Netdev: %s\n", str_or(s->netdev, "default"));
	printf("\t\tSID: %" PRIu32 "\n", s->sid);
	printf("\t\tiSCSI Connection State: %s\n", adm_session_conn_state(s, st));
	printf("\t\tiSCSI Session State: %s\n", str_or(s->session_state, "Unknown"));
	printf("\t\tInternal iscsid Session State: %s\n",
	       st->known && st->state[0] ? st->state : "Unknown");
}

static void print_params(const struct ksys_session *s)
{
	const struct ksys_conn_params *p = &s->params;

	banner("Timeouts:", 9);
	print_num("Recovery Timeout", s->recovery_tmo);
	print_num("Target Reset Timeout", s->tgt_reset_tmo);
	print_num("LUN Reset Timeout", s->lu_reset_tmo);
	print_num("Abort Timeout", s->abort_tmo);
	banner("CHAP:", 5);
	/* Passwords are never read from the kernel, so there is nothing to
	 * show but the mask, set or not. */
	printf("\t\tusername: %s\n", str_or(s->username, "<empty>"));
	printf("\t\tpassword: %s\n", "********");
	printf("\t\tusername_in: %s\n", str_or(s->username_in, "<empty>"));
	printf("\t\tpassword_in: %s\n", "********");
	banner("Negotiated iSCSI params:", 24);
	print_bool("HeaderDigest", p->header_digest, "CRC32C", "None");
	print_bool("DataDigest", p->data_digest, "CRC32C", "None");
	print_num("MaxRecvDataSegmentLength", p->max_recv_dlength);
	print_num("MaxXmitDataSegmentLength", p->max_xmit_dlength);
	print_num("FirstBurstLength", p->first_burst);
	print_num("MaxBurstLength", p->max_burst);
	print_bool("ImmediateData", p->immediate_data, "Yes", "No");
	print_bool("InitialR2T", p->initial_r2t, "Yes", "No");
	print_num("MaxOutstandingR2T", p->max_outstanding_r2t);
}

static void print_devices(const struct ksys_session *s)
{
	banner("Attached SCSI devices:", 24);
	printf("\t\tHost Number: %" PRIu32 "\tState: %s\n", s->host_no,
	       str_or(s->host_state, "Unknown"));
	for (size_t i = 0; i < s->ndevices; i++) {
		const struct ksys_device *d = &s->devices[i];

		printf("\t\tscsi%u Channel %02u Id %u Lun: %" PRIu64 "\n", d->host, d->channel,
		       d->id, d->lun);
		if (d->disk[0])
			printf("\t\t\tAttached scsi disk %s\t\tState: %s\n", d->disk,
			       str_or(d->state, "Unknown"));
	}
}

void adm_print_session_tree(const struct ksys_session *const *sessions,
			    const struct adm_iscsid_state *iscsid, size_t n, int level)
{
	char portal[PORTAL_TEXT_MAX];

	for (size_t i = 0; i < n; i++) {
		const struct ksys_session *s = sessions[i];

		const struct ksys_session *prev = i ? sessions[i - 1] : NULL;

		if (prev && strcmp(prev->target_name, s->target_name))
			prev = NULL;
		if (!prev)
			printf("Target: %s (non-flash)\n", str_or(s->target_name, UNKNOWN_TEXT));
		/* A further session through the same portal of the same
		 * target gets an empty line in place of the portal lines. */
		if (prev && !strcmp(prev->address, s->address) && prev->port == s->port) {
			printf("\n");
		} else {
			portal_text(s->address, s->port, portal, sizeof(portal));
			printf("\tCurrent Portal: %s,%d\n", portal, s->tpgt);
			portal_text(s->persistent_address, s->persistent_port, portal, sizeof(portal));
			printf("\tPersistent Portal: %s,%d\n", portal, s->tpgt);
		}
		print_iface(s, &iscsid[i]);
		if (level >= 2)
			print_params(s);
		if (level >= 3)
			print_devices(s);
	}
}
