/* adm/session_print.h against open-iscsi 2.1.8's own output for the same
 * session (captured from Debian's iscsiadm in the test VM: tcp session 2
 * on host 1, target1 with LUNs 0-2, two of them disks). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "adm/mode_session.h"
#include "adm/options.h"
#include "adm/session_print.h"

static struct ksys_session *fixture(void)
{
	struct ksys_session *s = calloc(1, sizeof(*s));

	assert_non_null(s);
	s->sid = 2;
	s->host_no = 1;
	strcpy(s->target_name, "iqn.2024-01.test.vm:target1");
	s->tpgt = 1;
	strcpy(s->persistent_address, "127.0.0.1");
	s->persistent_port = 3260;
	strcpy(s->address, "127.0.0.1");
	s->port = 3260;
	strcpy(s->local_address, "127.0.0.1");
	strcpy(s->iface_name, "default");
	strcpy(s->transport, "tcp");
	strcpy(s->initiator_name, "iqn.2024-01.test.vm:ref-initiator");
	strcpy(s->host_state, "running");
	strcpy(s->session_state, "LOGGED_IN");
	strcpy(s->conn_state, "up");
	s->tsih = -1;
	s->recovery_tmo = 120;
	s->tgt_reset_tmo = 30;
	s->lu_reset_tmo = 30;
	s->abort_tmo = 15;
	s->ping_tmo = s->recv_tmo = 5;
	s->params = (struct ksys_conn_params){
		.header_digest = 0, .data_digest = 0, .max_recv_dlength = 262144,
		.max_xmit_dlength = 8192, .first_burst = 65536, .max_burst = 262144,
		.immediate_data = 1, .initial_r2t = 1, .max_outstanding_r2t = 1, .erl = 0,
		.data_pdu_in_order = 1, .data_seq_in_order = 1,
	};
	s->ndevices = 3;
	for (unsigned i = 0; i < 3; i++) {
		s->devices[i] = (struct ksys_device){ .host = 1, .lun = i };
		strcpy(s->devices[i].state, "running");
	}
	strcpy(s->devices[1].disk, "sda");
	strcpy(s->devices[2].disk, "sdb");
	return s;
}

/* Runs fn with stdout captured; returns what it printed (malloc'd). */
static char *capture(void (*fn)(void *), void *arg)
{
	FILE *f = tmpfile();
	int saved = dup(1);

	assert_non_null(f);
	fflush(stdout);
	assert_true(dup2(fileno(f), 1) >= 0);
	fn(arg);
	fflush(stdout);
	assert_true(dup2(saved, 1) >= 0);
	close(saved);
	long n = ftell(f);
	if (n < 0)
		n = lseek(fileno(f), 0, SEEK_END);
	char *buf = calloc(1, (size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(pread(fileno(f), buf, (size_t)n, 0), n);
	fclose(f);
	return buf;
}

struct tree_args {
	const struct ksys_session *const *s;
	const struct adm_iscsid_state *st;
	size_t n;
	int level;
};

static void run_tree(void *arg)
{
	struct tree_args *a = arg;
	adm_print_session_tree(a->s, a->st, a->n, a->level);
}

static void run_line(void *arg)
{
	adm_print_session_line(arg);
}

static void run_versions(void *arg)
{
	adm_print_session_versions(arg);
}

#define P1_HEAD \
	"Target: iqn.2024-01.test.vm:target1 (non-flash)\n" \
	"\tCurrent Portal: 127.0.0.1:3260,1\n" \
	"\tPersistent Portal: 127.0.0.1:3260,1\n" \
	"\t\t**********\n" \
	"\t\tInterface:\n" \
	"\t\t**********\n" \
	"\t\tIface Name: default\n" \
	"\t\tIface Transport: tcp\n" \
	"\t\tIface Initiatorname: iqn.2024-01.test.vm:ref-initiator\n" \
	"\t\tIface IPaddress: 127.0.0.1\n" \
	"\t\tIface HWaddress: default\n" \
	"\t\tIface Netdev: default\n" \
	"\t\tSID: 2\n"

#define P1_DAEMON \
	"\t\tiSCSI Connection State: LOGGED IN\n" \
	"\t\tiSCSI Session State: LOGGED_IN\n" \
	"\t\tInternal iscsid Session State: NO CHANGE\n"

#define P2_PART \
	"\t\t*********\n" \
	"\t\tTimeouts:\n" \
	"\t\t*********\n" \
	"\t\tRecovery Timeout: 120\n" \
	"\t\tTarget Reset Timeout: 30\n" \
	"\t\tLUN Reset Timeout: 30\n" \
	"\t\tAbort Timeout: 15\n" \
	"\t\t*****\n" \
	"\t\tCHAP:\n" \
	"\t\t*****\n" \
	"\t\tusername: <empty>\n" \
	"\t\tpassword: ********\n" \
	"\t\tusername_in: <empty>\n" \
	"\t\tpassword_in: ********\n" \
	"\t\t************************\n" \
	"\t\tNegotiated iSCSI params:\n" \
	"\t\t************************\n" \
	"\t\tHeaderDigest: None\n" \
	"\t\tDataDigest: None\n" \
	"\t\tMaxRecvDataSegmentLength: 262144\n" \
	"\t\tMaxXmitDataSegmentLength: 8192\n" \
	"\t\tFirstBurstLength: 65536\n" \
	"\t\tMaxBurstLength: 262144\n" \
	"\t\tImmediateData: Yes\n" \
	"\t\tInitialR2T: Yes\n" \
	"\t\tMaxOutstandingR2T: 1\n"

#define P3_PART \
	"\t\t************************\n" \
	"\t\tAttached SCSI devices:\n" \
	"\t\t************************\n" \
	"\t\tHost Number: 1\tState: running\n" \
	"\t\tscsi1 Channel 00 Id 0 Lun: 0\n" \
	"\t\tscsi1 Channel 00 Id 0 Lun: 1\n" \
	"\t\t\tAttached scsi disk sda\t\tState: running\n" \
	"\t\tscsi1 Channel 00 Id 0 Lun: 2\n" \
	"\t\t\tAttached scsi disk sdb\t\tState: running\n"

static const struct adm_iscsid_state daemon_says = { .known = true, .state = "NO CHANGE" };

static void line_p0(void **state)
{
	struct ksys_session *s = fixture();

	(void)state;
	char *out = capture(run_line, s);
	assert_string_equal(out, "tcp: [2] 127.0.0.1:3260,1 iqn.2024-01.test.vm:target1 (non-flash)\n");
	free(out);
	/* IPv6 portals in brackets. */
	strcpy(s->address, "fd00::1");
	s->port = 3261;
	out = capture(run_line, s);
	assert_string_equal(out, "tcp: [2] [fd00::1]:3261,1 iqn.2024-01.test.vm:target1 (non-flash)\n");
	free(out);
	free(s);
}

static void tree_levels(void **state)
{
	struct ksys_session *s = fixture();
	const struct ksys_session *v[1] = { s };
	struct tree_args a = { v, &daemon_says, 1, 1 };

	(void)state;
	char *out = capture(run_tree, &a);
	assert_string_equal(out, P1_HEAD P1_DAEMON);
	free(out);
	a.level = 2;
	out = capture(run_tree, &a);
	assert_string_equal(out, P1_HEAD P1_DAEMON P2_PART);
	free(out);
	a.level = 3;
	out = capture(run_tree, &a);
	assert_string_equal(out, P1_HEAD P1_DAEMON P2_PART P3_PART);
	free(out);
	out = capture(run_versions, "2.0-870");
	assert_string_equal(out, "iSCSI Transport Class version 2.0-870\nversion 2.1.8\n");
	free(out);
	free(s);
}

/* Without iscsid (the reference's output with its daemon stopped). */
static void tree_without_iscsid(void **state)
{
	struct ksys_session *s = fixture();
	const struct ksys_session *v[1] = { s };
	struct adm_iscsid_state none = { 0 };
	struct tree_args a = { v, &none, 1, 1 };

	(void)state;
	char *out = capture(run_tree, &a);
	assert_string_equal(out, P1_HEAD
			    "\t\tiSCSI Connection State: Unknown\n"
			    "\t\tiSCSI Session State: LOGGED_IN\n"
			    "\t\tInternal iscsid Session State: Unknown\n");
	free(out);
	free(s);
}

/* Digests, CHAP user names, unknown values, a session with no LUNs. */
static void tree_variants(void **state)
{
	struct ksys_session *s = fixture();
	const struct ksys_session *v[1] = { s };
	struct tree_args a = { v, &daemon_says, 1, 3 };

	(void)state;
	s->params.header_digest = 1;
	s->params.data_digest = 1;
	s->params.immediate_data = 0;
	s->params.initial_r2t = 0;
	s->params.max_burst = -1;
	s->abort_tmo = -1;
	strcpy(s->username, "chapuser");
	strcpy(s->hwaddress, "52:54:00:12:34:56");
	strcpy(s->netdev, "eth0");
	s->ndevices = 0;
	char *out = capture(run_tree, &a);
	assert_non_null(strstr(out, "\t\tHeaderDigest: CRC32C\n\t\tDataDigest: CRC32C\n"));
	assert_non_null(strstr(out, "\t\tImmediateData: No\n\t\tInitialR2T: No\n"));
	assert_non_null(strstr(out, "\t\tMaxBurstLength: <empty>\n"));
	assert_non_null(strstr(out, "\t\tAbort Timeout: <empty>\n"));
	assert_non_null(strstr(out, "\t\tusername: chapuser\n\t\tpassword: ********\n"));
	assert_non_null(strstr(out, "\t\tIface HWaddress: 52:54:00:12:34:56\n\t\tIface Netdev: eth0\n"));
	assert_true(strlen(out) > strlen("\t\tHost Number: 1\tState: running\n"));
	assert_string_equal(out + strlen(out) - strlen("\t\tHost Number: 1\tState: running\n"),
			    "\t\tHost Number: 1\tState: running\n");
	free(out);
	free(s);
}

/* Two sessions to one target through one portal, then another target:
 * one "Target:" line per run, one set of portal lines per portal. */
static void tree_grouping(void **state)
{
	struct ksys_session *a1 = fixture(), *a2 = fixture(), *b = fixture();
	const struct ksys_session *v[3] = { a1, a2, b };
	struct adm_iscsid_state st[3] = { daemon_says, daemon_says, daemon_says };
	struct tree_args a = { v, st, 3, 1 };

	(void)state;
	a2->sid = 3;
	strcpy(a2->iface_name, "second");
	strcpy(b->target_name, "iqn.2024-01.test.vm:target2");
	b->sid = 1;
	char *out = capture(run_tree, &a);
	size_t targets = 0, portals = 0;
	for (const char *p = out; (p = strstr(p, "Target: ")); p++)
		targets++;
	for (const char *p = out; (p = strstr(p, "\tCurrent Portal: ")); p++)
		portals++;
	assert_int_equal(targets, 2);
	assert_int_equal(portals, 2);
	/* The second session through the same portal: an empty line, then
	 * straight to its Interface block (as the reference prints it). */
	assert_non_null(strstr(out, "Internal iscsid Session State: NO CHANGE\n\n\t\t**********\n"
				    "\t\tInterface:\n\t\t**********\n\t\tIface Name: second\n"));
	assert_non_null(strstr(out, "Target: iqn.2024-01.test.vm:target2 (non-flash)\n"
				    "\tCurrent Portal: 127.0.0.1:3260,1\n"));
	free(out);
	free(a1);
	free(a2);
	free(b);
}

static void sid_arguments(void **state)
{
	uint32_t sid = 0;

	(void)state;
	assert_true(adm_parse_sid("3", &sid) && sid == 3);
	assert_true(adm_parse_sid("0", &sid) && sid == 0);
	assert_true(adm_parse_sid("2147483647", &sid) && sid == 2147483647u);
	assert_true(adm_parse_sid("/sys/class/iscsi_session/session12", &sid) && sid == 12);
	assert_true(adm_parse_sid("/sys/devices/platform/host1/session2/iscsi_session/session2/",
				  &sid) && sid == 2);
	assert_false(adm_parse_sid("2147483648", &sid));
	assert_false(adm_parse_sid("", &sid));
	assert_false(adm_parse_sid("abc", &sid));
	assert_false(adm_parse_sid("-1", &sid));
	assert_false(adm_parse_sid("+1", &sid));
	assert_false(adm_parse_sid("01", &sid));
	assert_false(adm_parse_sid("1 ", &sid));
	assert_false(adm_parse_sid("session1", &sid));
	assert_false(adm_parse_sid("/sys/class/iscsi_session/session", &sid));
	assert_false(adm_parse_sid("/sys/class/iscsi_session/sessionx", &sid));
	assert_false(adm_parse_sid("/sys/class/iscsi_session", &sid));
}

/* Runs "iscsiadm ARGS" through adm_mode_session() under an empty
 * $ISCSI_ROOT (no iSCSI in sysfs, no iscsid); returns the exit code. */
static int run_mode(const char *a1, const char *a2, const char *a3, const char *a4)
{
	char *argv[8] = { "iscsiadm", "-m", "session" };
	int argc = 3;
	struct adm_opts o;

	for (const char *const *a = (const char *const[]){ a1, a2, a3, a4 }; argc < 7 && *a; a++)
		argv[argc++] = (char *)*a;
	argv[argc] = NULL;
	optind = 0;
	assert_int_equal(adm_parse(argc, argv, &o), ADM_PARSE_RUN);
	return adm_mode_session(&o);
}

static void mode_exit_codes(void **state)
{
	char root[] = "/tmp/test_session_print.XXXXXX";

	(void)state;
	assert_non_null(mkdtemp(root));
	setenv("ISCSI_ROOT", root, 1);
	assert_int_equal(run_mode(NULL, NULL, NULL, NULL), 21);         /* No active sessions. */
	assert_int_equal(run_mode("-P", "3", NULL, NULL), 21);
	assert_int_equal(run_mode("-P", "4", NULL, NULL), 7);
	assert_int_equal(run_mode("-r", "5", NULL, NULL), 22);         /* no such sid */
	assert_int_equal(run_mode("-r", "5", "-P", "1"), 22);
	assert_int_equal(run_mode("-r", "abc", NULL, NULL), 1);
	assert_int_equal(run_mode("-r", "/sys/class/iscsi_session/session5", NULL, NULL), 1);
	assert_int_equal(run_mode("-r", "5", "-u", "-R"), 7);          /* two operations */
	assert_int_equal(run_mode("-r", "5", "-u", NULL), 22);         /* checked before iscsid */
	unsetenv("ISCSI_ROOT");
	assert_int_equal(rmdir(root), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(line_p0),
		cmocka_unit_test(tree_levels),
		cmocka_unit_test(tree_without_iscsid),
		cmocka_unit_test(tree_variants),
		cmocka_unit_test(tree_grouping),
		cmocka_unit_test(sid_arguments),
		cmocka_unit_test(mode_exit_codes),
	};
	return cmocka_run_group_tests_name("session_print", tests, NULL, NULL);
}
