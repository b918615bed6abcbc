/* Sessions as sysfs shows them (kernel/sysfs.h). A session is found under
 * /sys/class/iscsi_session/sessionN; its "device" link leads to the
 * session's device directory .../hostH/sessionN, whose parent names the
 * SCSI host and which holds the SCSI targets and LUNs. Its first
 * connection is /sys/class/iscsi_connection/connectionN:C (C lowest), the
 * host's attributes are in /sys/class/iscsi_host/hostH and
 * /sys/class/scsi_host/hostH.
 *
 * Passwords (password, password_in) are never opened. */
#include "kernel/sysfs.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/errbuf.h"
#include "kernel/sysfs_devices.h"
#include "kernel/sysfs_read.h"

#define SID_MAX 0x7fffffffL

/* "sessionN" / "hostN" / "connectionN:C" names: prefix + strict decimal. */
static bool parse_name(const char *name, const char *prefix, long max, long *v)
{
	size_t n = strlen(prefix);

	if (strncmp(name, prefix, n))
		return false;
	/* No leading zeros: the kernel never writes them, and "session01"
	 * must not alias session 1. */
	if (name[n] == '0' && name[n + 1] != '\0')
		return false;
	return ksys_parse_long(name + n, 0, max, v);
}

static void read_str(const char *dir, const char *name, char *out, size_t size)
{
	if (ksys_read_str(dir, name, out, size) != KSYS_RD_OK)
		out[0] = '\0';
}

static long read_num(const char *dir, const char *name, long lo, long hi)
{
	long v;

	return ksys_read_long(dir, name, lo, hi, &v) == KSYS_RD_OK ? v : -1;
}

static int read_int(const char *dir, const char *name, long lo, long hi)
{
	return (int)read_num(dir, name, lo, hi);
}

static uint16_t read_port(const char *dir, const char *name)
{
	long v = read_num(dir, name, 1, 65535);

	return v < 0 ? 0 : (uint16_t)v;
}

/* The SCSI host of a session: its device directory is .../hostH/sessionN. */
static bool host_of(const char *sessdev, uint32_t sid, uint32_t *host_no)
{
	char copy[PATH_MAX], want[32];
	char *slash;
	long h;

	snprintf(want, sizeof(want), "session%u", sid);
	if (strlen(sessdev) >= sizeof(copy))
		return false;
	strcpy(copy, sessdev);
	slash = strrchr(copy, '/');
	if (!slash || strcmp(slash + 1, want))
		return false;
	*slash = '\0';
	slash = strrchr(copy, '/');
	if (!slash || !parse_name(slash + 1, "host", INT_MAX, &h))
		return false;
	*host_no = (uint32_t)h;
	return true;
}

/* The directory of the session's lowest-numbered connection. */
static bool find_conn(uint32_t sid, char *out, size_t size)
{
	char cls[KSYS_PATH_MAX], prefix[32];
	DIR *d;
	struct dirent *e;
	long best = -1;

	if (ksys_path(cls, sizeof(cls), "/class/iscsi_connection") < 0)
		return false;
	/* Connection 0 is the leading one of every session open-iscsi or
	 * iscsid makes: no directory walk (which made a listing of N
	 * sessions read N*N entries). */
	int n0 = snprintf(out, size, "%s/connection%u:0", cls, sid);
	if (n0 > 0 && (size_t)n0 < size && access(out, F_OK) == 0)
		return true;
	if (!(d = opendir(cls)))
		return false;
	snprintf(prefix, sizeof(prefix), "connection%u:", sid);
	while ((e = readdir(d))) {
		long cid;
		if (parse_name(e->d_name, prefix, INT_MAX, &cid) && (best < 0 || cid < best))
			best = cid;
	}
	closedir(d);
	if (best < 0)
		return false;
	int n = snprintf(out, size, "%s/%s%ld", cls, prefix, best);
	return n > 0 && (size_t)n < size;
}

static void read_conn(struct ksys_session *s)
{
	char dir[KSYS_PATH_MAX];
	struct ksys_conn_params *p = &s->params;

	if (!find_conn(s->sid, dir, sizeof(dir)))
		return;
	read_str(dir, "persistent_address", s->persistent_address, sizeof(s->persistent_address));
	s->persistent_port = read_port(dir, "persistent_port");
	read_str(dir, "address", s->address, sizeof(s->address));
	s->port = read_port(dir, "port");
	read_str(dir, "state", s->conn_state, sizeof(s->conn_state));
	s->ping_tmo = read_int(dir, "ping_tmo", 0, INT_MAX);
	s->recv_tmo = read_int(dir, "recv_tmo", 0, INT_MAX);
	p->header_digest = read_int(dir, "header_digest", 0, 1);
	p->data_digest = read_int(dir, "data_digest", 0, 1);
	/* RFC 7143 13.12: 512 to 2^24 - 1. */
	p->max_recv_dlength = read_num(dir, "max_recv_dlength", 512, 16777215);
	p->max_xmit_dlength = read_num(dir, "max_xmit_dlength", 512, 16777215);
}

static void read_host(struct ksys_session *s)
{
	char rel[64], dir[KSYS_PATH_MAX], proc[KSYS_STR_MAX];

	snprintf(rel, sizeof(rel), "/class/iscsi_host/host%u", s->host_no);
	if (ksys_path(dir, sizeof(dir), rel) == 0) {
		read_str(dir, "ipaddress", s->local_address, sizeof(s->local_address));
		read_str(dir, "hwaddress", s->hwaddress, sizeof(s->hwaddress));
		read_str(dir, "netdev", s->netdev, sizeof(s->netdev));
		if (!s->initiator_name[0])
			read_str(dir, "initiatorname", s->initiator_name, sizeof(s->initiator_name));
	}
	snprintf(rel, sizeof(rel), "/class/scsi_host/host%u", s->host_no);
	if (ksys_path(dir, sizeof(dir), rel) < 0)
		return;
	read_str(dir, "state", s->host_state, sizeof(s->host_state));
	/* The driver's name: "iscsi_tcp" for transport "tcp", "bnx2i" for
	 * the offload transport of the same name. */
	read_str(dir, "proc_name", proc, sizeof(proc));
	const char *t = strncmp(proc, "iscsi_", 6) ? proc : proc + 6;
	snprintf(s->transport, sizeof(s->transport), "%s", t);
}

static void set_unknown(struct ksys_session *s, uint32_t sid)
{
	memset(s, 0, sizeof(*s));
	s->sid = sid;
	s->tpgt = -1;
	s->tsih = -1;
	s->recovery_tmo = s->tgt_reset_tmo = s->lu_reset_tmo = s->abort_tmo = -1;
	s->ping_tmo = s->recv_tmo = -1;
	s->params = (struct ksys_conn_params){
		.header_digest = -1, .data_digest = -1, .max_recv_dlength = -1,
		.max_xmit_dlength = -1, .first_burst = -1, .max_burst = -1,
		.immediate_data = -1, .initial_r2t = -1, .max_outstanding_r2t = -1,
		.erl = -1, .data_pdu_in_order = -1, .data_seq_in_order = -1,
	};
}

/* 0, 1 when the session is not (or no longer) there, -1 on error. */
static int read_session(uint32_t sid, struct ksys_session *s, char *err, size_t errlen)
{
	char rel[64], dir[KSYS_PATH_MAX], devlink[KSYS_PATH_MAX], sessdev[PATH_MAX];
	struct ksys_conn_params *p = &s->params;

	set_unknown(s, sid);
	snprintf(rel, sizeof(rel), "/class/iscsi_session/session%u", sid);
	if (ksys_path(dir, sizeof(dir), rel) < 0 || ksys_join(devlink, sizeof(devlink), dir, "device") < 0)
		return errbuf_set(err, errlen, "sysfs path too long (ISCSI_ROOT)");
	if (!realpath(devlink, sessdev)) {
		if (errno == ENOENT || errno == ENOTDIR)
			return 1;
		return errbuf_set(err, errlen, "%s: %s", devlink, strerror(errno));
	}
	/* Without its host the session cannot be shown or acted on: treat
	 * it as not there rather than invent a host number. */
	if (!host_of(sessdev, sid, &s->host_no))
		return 1;

	read_str(dir, "targetname", s->target_name, sizeof(s->target_name));
	s->tpgt = read_int(dir, "tpgt", 0, 65535);
	read_str(dir, "state", s->session_state, sizeof(s->session_state));
	read_str(dir, "ifacename", s->iface_name, sizeof(s->iface_name));
	if (!s->iface_name[0])
		strcpy(s->iface_name, "default");
	read_str(dir, "initiatorname", s->initiator_name, sizeof(s->initiator_name));
	read_str(dir, "username", s->username, sizeof(s->username));
	read_str(dir, "username_in", s->username_in, sizeof(s->username_in));
	read_str(dir, "isid", s->isid, sizeof(s->isid));
	if (strlen(s->isid) != 12 || strspn(s->isid, "0123456789abcdefABCDEF") != 12)
		s->isid[0] = '\0';
	s->tsih = read_int(dir, "tsih", 0, 65535);
	s->recovery_tmo = read_int(dir, "recovery_tmo", -1, INT_MAX);
	s->tgt_reset_tmo = read_int(dir, "tgt_reset_tmo", 0, INT_MAX);
	s->lu_reset_tmo = read_int(dir, "lu_reset_tmo", 0, INT_MAX);
	s->abort_tmo = read_int(dir, "abort_tmo", 0, INT_MAX);
	/* RFC 7143 13.13, 13.14: 512 to 2^24 - 1. */
	p->first_burst = read_num(dir, "first_burst_len", 512, 16777215);
	p->max_burst = read_num(dir, "max_burst_len", 512, 16777215);
	p->immediate_data = read_int(dir, "immediate_data", 0, 1);
	p->initial_r2t = read_int(dir, "initial_r2t", 0, 1);
	p->max_outstanding_r2t = read_num(dir, "max_outstanding_r2t", 1, 65535);
	p->erl = read_num(dir, "erl", 0, 2);
	p->data_pdu_in_order = read_int(dir, "data_pdu_in_order", 0, 1);
	p->data_seq_in_order = read_int(dir, "data_seq_in_order", 0, 1);

	read_conn(s);
	read_host(s);
	ksys_read_devices(s, sessdev);
	return 0;
}

int ksys_get_session(uint32_t sid, struct ksys_session *out, char *err, size_t errlen)
{
	if (sid > SID_MAX)
		return 1;
	return read_session(sid, out, err, errlen);
}

static int cmp_sid(const void *a, const void *b)
{
	uint32_t x = ((const struct ksys_session *)a)->sid;
	uint32_t y = ((const struct ksys_session *)b)->sid;

	return x < y ? -1 : x > y;
}

int ksys_list_sessions(struct ksys_sessions *out, char *err, size_t errlen)
{
	char cls[KSYS_PATH_MAX];
	DIR *d;
	struct dirent *e;
	size_t cap = 0;

	out->count = 0;
	out->items = NULL;
	if (ksys_path(cls, sizeof(cls), "/class/iscsi_session") < 0)
		return errbuf_set(err, errlen, "sysfs path too long (ISCSI_ROOT)");
	if (!(d = opendir(cls))) {
		/* No class directory: scsi_transport_iscsi is not loaded,
		 * so there is no session. */
		if (errno == ENOENT)
			return 0;
		return errbuf_set(err, errlen, "%s: %s", cls, strerror(errno));
	}
	while ((e = readdir(d))) {
		long sid;

		if (!parse_name(e->d_name, "session", SID_MAX, &sid))
			continue;
		if (out->count == cap) {
			size_t ncap = cap ? cap * 2 : 8;
			struct ksys_session *n = reallocarray(out->items, ncap, sizeof(*n));
			if (!n) {
				closedir(d);
				ksys_sessions_free(out);
				return errbuf_set(err, errlen, "out of memory");
			}
			out->items = n;
			cap = ncap;
		}
		int rc = read_session((uint32_t)sid, &out->items[out->count], err, errlen);
		if (rc < 0) {
			closedir(d);
			ksys_sessions_free(out);
			return -1;
		}
		/* rc 1: logged out while we were reading: not listed. */
		if (rc == 0)
			out->count++;
	}
	closedir(d);
	if (out->count > 1)
		qsort(out->items, out->count, sizeof(*out->items), cmp_sid);
	return 0;
}

void ksys_sessions_free(struct ksys_sessions *s)
{
	free(s->items);
	s->items = NULL;
	s->count = 0;
}

int ksys_transport_class_version(char *out, size_t size)
{
	char dir[KSYS_PATH_MAX];

	out[0] = '\0';
	if (ksys_path(dir, sizeof(dir), "/module/scsi_transport_iscsi") < 0)
		return -1;
	return ksys_read_str(dir, "version", out, size) == KSYS_RD_OK && out[0] ? 0 : -1;
}

int ksys_sessions_of_target(const char *target, struct ksys_session_key *out, size_t max,
			    char *err, size_t errlen)
{
	char cls[KSYS_PATH_MAX], dir[KSYS_PATH_MAX], name[KSYS_NAME_MAX];
	DIR *d;
	struct dirent *e;
	int n = 0;

	if (ksys_path(cls, sizeof(cls), "/class/iscsi_session") < 0)
		return errbuf_set(err, errlen, "sysfs path too long (ISCSI_ROOT)");
	if (!(d = opendir(cls)))
		return errno == ENOENT ? 0 : errbuf_set(err, errlen, "%s: %s", cls, strerror(errno));
	while ((e = readdir(d)) && (size_t)n < max) {
		long sid;

		if (!parse_name(e->d_name, "session", SID_MAX, &sid) ||
		    ksys_join(dir, sizeof(dir), cls, e->d_name) < 0)
			continue;
		read_str(dir, "targetname", name, sizeof(name));
		/* iSCSI names compare without case (RFC 3722 maps to lower). */
		if (!name[0] || strcasecmp(name, target) != 0)
			continue;
		struct ksys_session_key *k = &out[n];
		memset(k, 0, sizeof(*k));
		k->sid = (uint32_t)sid;
		read_str(dir, "ifacename", k->iface_name, sizeof(k->iface_name));
		if (find_conn(k->sid, dir, sizeof(dir))) {
			read_str(dir, "persistent_address", k->persistent_address,
				 sizeof(k->persistent_address));
			k->persistent_port = read_port(dir, "persistent_port");
		}
		n++;
	}
	closedir(d);
	return n;
}

int ksys_session_attr(uint32_t sid, const char *name, char *out, size_t size)
{
	char rel[64], dir[KSYS_PATH_MAX];

	snprintf(rel, sizeof(rel), "/class/iscsi_session/session%u", sid);
	if (ksys_path(dir, sizeof(dir), rel) < 0 ||
	    ksys_read_str(dir, name, out, size) != KSYS_RD_OK) {
		if (size)
			out[0] = '\0';
		return -1;
	}
	return 0;
}
