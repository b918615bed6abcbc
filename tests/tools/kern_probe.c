/* Drives the kernel's iSCSI transport through kernel/iscsi_nl.h, for the
 * VM test tests/vm/guest/kernel_nl.sh:
 *
 *   kern_probe open [--uid N]   kern_open("tcp") (after dropping to uid N):
 *                               "open=ok handle=0x..." or "open=fail <line>"
 *   kern_probe lifecycle        one session over a loopback TCP pair of its
 *                               own: create session and connection, set
 *                               parameters before and after binding, read
 *                               them back from sysfs, statistics, start,
 *                               a Logout through SEND_PDU answered by hand
 *                               (RECV_PDU comes back), stop, destroy
 *
 * Prints "key=value" lines the guest script checks; exits 0 when every
 * kern_* call that should succeed did (a "fail" line names each one). */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <grp.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/bytes.h"
#include "kernel/iscsi_nl.h"
#include "kernel/sysfs.h"

#define TARGET "iqn.2024-01.test.vm:kern-probe"
#define INITIATOR "iqn.2024-01.test.vm:kern-probe-initiator"

static int failures;

static void result(const char *step, int rc, struct kern *k)
{
	if (rc == 0) {
		printf("%s=ok\n", step);
	} else {
		printf("%s=fail %s\n", step, kern_strerror(k));
		failures++;
	}
}

static int open_kern(struct kern **k)
{
	char err[256];
	int rc = kern_open(k, "tcp", err, sizeof(err));

	if (rc < 0) {
		printf("open=fail %s\n", err);
		return rc;
	}
	printf("open=ok handle=0x%" PRIx64 "\n", kern_transport_handle(*k));
	return 0;
}

/* A sysfs attribute's first line, or "<absent>". */
static void show_attr(const char *cls, const char *obj, const char *attr)
{
	char path[256], buf[256];
	FILE *f;

	snprintf(path, sizeof(path), "/sys/class/%s/%s/%s", cls, obj, attr);
	f = fopen(path, "r");
	if (!f || !fgets(buf, sizeof(buf), f)) {
		printf("sysfs.%s=<absent>\n", attr);
	} else {
		buf[strcspn(buf, "\n")] = '\0';
		printf("sysfs.%s=%s\n", attr, buf);
	}
	if (f)
		fclose(f);
}

static const char *presence(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 ? "present" : "absent";
}

static int tcp_pair(int *cfd, int *afd, uint16_t *port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t al = sizeof(a);
	int lfd = socket(AF_INET, SOCK_STREAM, 0);

	if (lfd < 0 || bind(lfd, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(lfd, 1) < 0 ||
	    getsockname(lfd, (struct sockaddr *)&a, &al) < 0)
		return -1;
	*port = ntohs(a.sin_port);
	*cfd = socket(AF_INET, SOCK_STREAM, 0);
	if (*cfd < 0 || connect(*cfd, (struct sockaddr *)&a, sizeof(a)) < 0)
		return -1;
	*afd = accept(lfd, NULL, NULL);
	close(lfd);
	return *afd < 0 ? -1 : 0;
}

static void print_events(struct kern *k)
{
	struct kern_event *ev = malloc(sizeof(*ev));
	int rc;

	while (ev && (rc = kern_next_event(k, ev)) != 0) {
		if (rc < 0) {
			printf("event=error %s\n", kern_strerror(k));
			break;
		}
		printf("event=%u sid=%u cid=%u host=%u error=%s\n", ev->code, ev->sid, ev->cid,
		       ev->host_no, ev->type == KERN_EV_CONN_ERROR ? kern_iscsi_err_name(ev->error) : "-");
	}
	free(ev);
}

static int read_full(int fd, uint8_t *buf, size_t len)
{
	size_t got = 0;
	while (got < len) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		if (poll(&p, 1, 5000) <= 0)
			return -1;
		ssize_t n = read(fd, buf + got, len - got);
		if (n <= 0)
			return -1;
		got += (size_t)n;
	}
	return 0;
}

/* Logout through the kernel, the target's side played on our end of the
 * pair, then RECV_PDU expected with the response. */
static void logout_roundtrip(struct kern *k, uint32_t sid, int afd)
{
	uint8_t req[48], rsp[48];
	struct kern_event *ev = malloc(sizeof(*ev));
	int rc;

	memset(req, 0, sizeof(req));
	req[0] = 0x40 | 0x06;           /* immediate Logout Request */
	req[1] = 0x80;                  /* final, reason: close the session */
	result("send_pdu", kern_send_pdu(k, sid, 0, req, sizeof(req), NULL, 0), k);
	if (read_full(afd, req, sizeof(req)) < 0) {
		printf("target_got=nothing\n");
		failures++;
		free(ev);
		return;
	}
	printf("target_got=opcode 0x%02x\n", req[0] & 0x3f);
	memset(rsp, 0, sizeof(rsp));
	rsp[0] = 0x26;
	rsp[1] = 0x80;
	memcpy(rsp + 16, req + 16, 4);                  /* the kernel's ITT */
	put_be32(rsp + 24, 5);                          /* StatSN: what ExpStatSN said */
	put_be32(rsp + 28, get_be32(req + 24));         /* ExpCmdSN */
	put_be32(rsp + 32, get_be32(req + 24) + 16);    /* MaxCmdSN */
	if (write(afd, rsp, sizeof(rsp)) != (ssize_t)sizeof(rsp)) {
		printf("recv_pdu=fail cannot answer\n");
		failures++;
		free(ev);
		return;
	}
	for (int tries = 0; ev && tries < 50; tries++) {
		struct pollfd p = { .fd = kern_fd(k), .events = POLLIN };
		poll(&p, 1, 100);
		while ((rc = kern_next_event(k, ev)) == 1) {
			if (ev->type == KERN_EV_RECV_PDU) {
				printf("recv_pdu=opcode 0x%02x len %zu\n", ev->pdu[0] & 0x3f,
				       ev->pdu_len);
				free(ev);
				return;
			}
			printf("event=%u sid=%u error=%s\n", ev->code, ev->sid,
			       kern_iscsi_err_name(ev->error));
		}
	}
	printf("recv_pdu=none\n");
	failures++;
	free(ev);
}

static const struct {
	enum iscsi_param param;
	const char *value;
} params[] = {
	{ KISCSI_PARAM_TARGET_NAME, TARGET },
	{ KISCSI_PARAM_INITIATOR_NAME, INITIATOR },
	{ KISCSI_PARAM_TPGT, "1" },
	{ KISCSI_PARAM_PERSISTENT_ADDRESS, "127.0.0.1" },
	{ KISCSI_PARAM_PERSISTENT_PORT, "3260" },
	{ KISCSI_PARAM_IFACE_NAME, "default" },
	{ KISCSI_PARAM_USERNAME, "probeuser" },
	{ KISCSI_PARAM_SESS_RECOVERY_TMO, "7" },
	{ KISCSI_PARAM_MAX_RECV_DLENGTH, "65536" },
	{ KISCSI_PARAM_MAX_XMIT_DLENGTH, "32768" },
	{ KISCSI_PARAM_HDRDGST_EN, "0" },
	{ KISCSI_PARAM_DATADGST_EN, "0" },
	{ KISCSI_PARAM_INITIAL_R2T_EN, "0" },
	{ KISCSI_PARAM_IMM_DATA_EN, "1" },
	{ KISCSI_PARAM_FIRST_BURST, "65536" },
	{ KISCSI_PARAM_MAX_BURST, "262144" },
	{ KISCSI_PARAM_MAX_R2T, "1" },
	{ KISCSI_PARAM_ERL, "0" },
	{ KISCSI_PARAM_PDU_INORDER_EN, "1" },
	{ KISCSI_PARAM_DATASEQ_INORDER_EN, "1" },
	{ KISCSI_PARAM_EXP_STATSN, "5" },
	{ KISCSI_PARAM_PING_TMO, "5" },
	{ KISCSI_PARAM_RECV_TMO, "5" },
	{ KISCSI_PARAM_LU_RESET_TMO, "20" },
	{ KISCSI_PARAM_TGT_RESET_TMO, "30" },
	{ KISCSI_PARAM_ABORT_TMO, "15" },
};

static int lifecycle(void)
{
	struct kern *k;
	struct kern_stats st;
	uint32_t sid = 0, host = 0, cid = 0;
	char name[64], path[128];
	int cfd, afd, rc;
	uint16_t port;

	if (open_kern(&k) < 0)
		return 1;
	rc = kern_create_session(k, 1, 128, 32, &sid, &host);
	result("create_session", rc, k);
	if (rc < 0)
		return 1;
	printf("sid=%u host=%u\n", sid, host);
	snprintf(name, sizeof(name), "session%u", sid);
	snprintf(path, sizeof(path), "/sys/class/iscsi_session/%s", name);
	printf("sysfs_session=%s\n", presence(path));
	print_events(k);

	rc = kern_create_conn(k, sid, 0, &cid);
	result("create_conn", rc, k);
	printf("cid=%u\n", cid);
	snprintf(path, sizeof(path), "/sys/class/iscsi_connection/connection%u:0", sid);
	printf("sysfs_conn=%s\n", presence(path));

	/* Linux 6.1 refuses connection parameters until a socket is bound. */
	rc = kern_set_param(k, sid, 0, KISCSI_PARAM_TARGET_NAME, TARGET);
	printf("set_param_unbound=%d %s\n", rc, rc ? kern_strerror(k) : "");

	if (tcp_pair(&cfd, &afd, &port) < 0) {
		printf("tcp_pair=fail %s\n", strerror(errno));
		return 1;
	}
	printf("peer_port=%u\n", port);
	result("bind_conn", kern_bind_conn(k, sid, 0, cfd, true), k);
	close(cfd);     /* the kernel holds its own reference */

	for (size_t i = 0; i < sizeof(params) / sizeof(params[0]); i++) {
		char step[32];
		snprintf(step, sizeof(step), "set_param_%u", (unsigned)params[i].param);
		result(step, kern_set_param(k, sid, 0, params[i].param, params[i].value), k);
	}
	rc = kern_set_param(k, sid, 0, KISCSI_PARAM_PASSWORD, "never");
	printf("set_password=%d %s\n", rc, kern_strerror(k));
	/* iscsi_tcp keeps no ISID of its own: a refusal the caller must see. */
	rc = kern_set_param(k, sid, 0, KISCSI_PARAM_ISID, "400001370000");
	printf("set_isid=%d %s\n", rc, rc ? kern_strerror(k) : "");
	rc = kern_set_host_param(k, host, KISCSI_HOST_PARAM_INITIATOR_NAME, INITIATOR);
	printf("set_host_param=%d %s\n", rc, rc ? kern_strerror(k) : "");
	snprintf(name, sizeof(name), "host%u", host);
	show_attr("iscsi_host", name, "initiatorname");
	snprintf(name, sizeof(name), "session%u", sid);

	show_attr("iscsi_session", name, "targetname");
	show_attr("iscsi_session", name, "initiatorname");
	show_attr("iscsi_session", name, "tpgt");
	show_attr("iscsi_session", name, "ifacename");
	show_attr("iscsi_session", name, "username");
	show_attr("iscsi_session", name, "recovery_tmo");
	show_attr("iscsi_session", name, "first_burst_len");
	show_attr("iscsi_session", name, "max_burst_len");
	show_attr("iscsi_session", name, "immediate_data");
	show_attr("iscsi_session", name, "initial_r2t");
	show_attr("iscsi_session", name, "lu_reset_tmo");
	show_attr("iscsi_session", name, "tgt_reset_tmo");
	show_attr("iscsi_session", name, "abort_tmo");
	show_attr("iscsi_session", name, "state");
	snprintf(name, sizeof(name), "connection%u:0", sid);
	show_attr("iscsi_connection", name, "persistent_address");
	show_attr("iscsi_connection", name, "persistent_port");
	show_attr("iscsi_connection", name, "address");
	show_attr("iscsi_connection", name, "port");
	show_attr("iscsi_connection", name, "max_recv_dlength");
	show_attr("iscsi_connection", name, "max_xmit_dlength");
	show_attr("iscsi_connection", name, "header_digest");
	show_attr("iscsi_connection", name, "data_digest");
	show_attr("iscsi_connection", name, "exp_statsn");
	show_attr("iscsi_connection", name, "ping_tmo");
	show_attr("iscsi_connection", name, "recv_tmo");
	show_attr("iscsi_connection", name, "state");

	/* The sibling's sysfs model reads the same session. */
	struct ksys_session *s = calloc(1, sizeof(*s));
	char err[256];
	rc = s ? ksys_get_session(sid, s, err, sizeof(err)) : -1;
	if (rc == 0)
		printf("ksys=target %s tpgt %d portal %s:%u conn %s:%u state %s/%s\n",
		       s->target_name, s->tpgt, s->persistent_address, s->persistent_port,
		       s->address, s->port, s->session_state, s->conn_state);
	else
		printf("ksys=fail %d %s\n", rc, rc < 0 ? err : "no such session");
	free(s);

	rc = kern_get_stats(k, sid, 0, &st);
	result("get_stats", rc, k);
	if (rc == 0) {
		printf("stats=%zu counters, %zu custom\n", st.nsnmp, st.ncustom);
		for (size_t i = 0; i < st.ncustom; i++)
			printf("stats.%s=%" PRIu64 "\n", st.custom[i].name, st.custom[i].value);
	}

	result("start_conn", kern_start_conn(k, sid, 0), k);
	snprintf(path, sizeof(path), "connection%u:0", sid);
	show_attr("iscsi_connection", path, "state");
	snprintf(path, sizeof(path), "session%u", sid);
	show_attr("iscsi_session", path, "state");
	logout_roundtrip(k, sid, afd);
	rc = kern_get_stats(k, sid, 0, &st);
	if (rc == 0)
		printf("stats_after=logout_pdus %" PRIu64 " logoutrsp_pdus %" PRIu64 "\n",
		       st.snmp[8].value, st.snmp[15].value);

	result("stop_conn", kern_stop_conn(k, sid, 0, ISCSI_STOP_CONN_TERM), k);
	result("destroy_conn", kern_destroy_conn(k, sid, 0), k);
	snprintf(path, sizeof(path), "/sys/class/iscsi_connection/connection%u:0", sid);
	printf("sysfs_conn_after=%s\n", presence(path));
	result("destroy_session", kern_destroy_session(k, sid), k);
	snprintf(path, sizeof(path), "/sys/class/iscsi_session/session%u", sid);
	printf("sysfs_session_after=%s\n", presence(path));
	rc = kern_destroy_session(k, sid);
	printf("destroy_again=%d %s\n", rc, kern_strerror(k));
	print_events(k);
	close(afd);
	kern_close(k);
	printf("failures=%d\n", failures);
	return failures ? 1 : 0;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc >= 2 && strcmp(argv[1], "open") == 0) {
		struct kern *k;
		if (argc == 4 && strcmp(argv[2], "--uid") == 0) {
			unsigned id = (unsigned)strtoul(argv[3], NULL, 10);
			if (setgroups(0, NULL) < 0 || setresgid(id, id, id) < 0 ||
			    setresuid(id, id, id) < 0) {
				perror("kern_probe: dropping privileges");
				return 2;
			}
		} else if (argc != 2) {
			goto usage;
		}
		if (open_kern(&k) < 0)
			return 1;
		kern_close(k);
		return 0;
	}
	if (argc == 2 && strcmp(argv[1], "lifecycle") == 0)
		return lifecycle();
usage:
	fprintf(stderr, "usage: kern_probe open [--uid N] | lifecycle\n");
	return 2;
}
