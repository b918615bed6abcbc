/* kernel/sysfs.h against fake sysfs trees built under a temporary
 * $ISCSI_ROOT: the early lookups, attribute parsing (malformed, missing,
 * oversized values), session listing and the devices behind a session. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kernel/sysfs.h"
#include "kernel/sysfs_read.h"

static char root[256];

/* snprintf that fails the test instead of truncating. */
static void fmt(char *out, size_t size, const char *f, ...) __attribute__((format(printf, 3, 4)));

static void fmt(char *out, size_t size, const char *f, ...)
{
	va_list ap;

	va_start(ap, f);
	int n = vsnprintf(out, size, f, ap);
	va_end(ap);
	assert_true(n >= 0 && (size_t)n < size);
}

/* mkdir -p of root + rel. */
static void mkdirs(const char *rel)
{
	char p[1024];

	fmt(p, sizeof(p), "%s/%s", root, rel);
	for (char *s = p + strlen(root) + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		assert_true(mkdir(p, 0755) == 0 || errno == EEXIST);
		*s = '/';
	}
	assert_true(mkdir(p, 0755) == 0 || errno == EEXIST);
}

/* Writes len bytes of data to root + rel, creating its directories. */
static void put_bytes(const char *rel, const char *data, size_t len)
{
	char p[1024], dir[1024];

	fmt(dir, sizeof(dir), "%s", rel);
	char *slash = strrchr(dir, '/');
	if (slash) {
		*slash = '\0';
		mkdirs(dir);
	}
	fmt(p, sizeof(p), "%s/%s", root, rel);
	int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, len), (ssize_t)len);
	close(fd);
}

static void put(const char *rel, const char *text)
{
	put_bytes(rel, text, strlen(text));
}

static void link_to(const char *rel, const char *target)
{
	char p[1024], dir[1024];

	fmt(dir, sizeof(dir), "%s", rel);
	*strrchr(dir, '/') = '\0';
	mkdirs(dir);
	fmt(p, sizeof(p), "%s/%s", root, rel);
	assert_int_equal(symlink(target, p), 0);
}

static int setup_root(void **state)
{
	(void)state;
	fmt(root, sizeof(root), "/tmp/test_ksys.XXXXXX");
	if (!mkdtemp(root))
		return -1;
	setenv("ISCSI_ROOT", root, 1);
	return 0;
}

static int teardown_root(void **state)
{
	char cmd[512];

	(void)state;
	fmt(cmd, sizeof(cmd), "rm -rf '%s'", root);
	unsetenv("ISCSI_ROOT");
	return system(cmd) == 0 ? 0 : -1;
}

/* ---- the early lookups ---- */

static void path_under_root(void **state)
{
	char p[512];

	(void)state;
	assert_int_equal(ksys_path(p, sizeof(p), "/class/iscsi_session"), 0);
	char want[512];
	fmt(want, sizeof(want), "%s/sys/class/iscsi_session", root);
	assert_string_equal(p, want);
	char small[8];
	assert_int_equal(ksys_path(small, sizeof(small), "/class/iscsi_session"), -1);
	assert_string_equal(small, "");
}

static void not_loaded(void **state)
{
	char err[128];
	uint64_t h = 7;

	(void)state;
	assert_false(ksys_iscsi_loaded());
	assert_int_equal(ksys_transport_handle("tcp", &h, err, sizeof(err)), 1);
	assert_int_equal(h, 7);
}

static void transport_handle(void **state)
{
	char err[128];
	uint64_t h = 0;

	(void)state;
	put("sys/class/iscsi_transport/tcp/handle", "18446744072637906944\n");
	assert_true(ksys_iscsi_loaded());
	assert_int_equal(ksys_transport_handle("tcp", &h, err, sizeof(err)), 0);
	assert_true(h == 18446744072637906944ull);
	/* Registered class, other transport not loaded. */
	assert_int_equal(ksys_transport_handle("iser", &h, err, sizeof(err)), 1);
}

static void transport_handle_bad(void **state)
{
	static const char *const bad[] = {
		"", "\n", "0\n", "-1\n", "12a\n", "0x10\n", " 12\n", "18446744073709551616\n",
		"12\n13\n",
	};
	char err[128];
	uint64_t h = 5;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		put("sys/class/iscsi_transport/tcp/handle", bad[i]);
		err[0] = '\0';
		assert_int_equal(ksys_transport_handle("tcp", &h, err, sizeof(err)), -1);
		assert_non_null(strstr(err, "not a transport handle"));
		assert_int_equal(h, 5);
	}
	/* A directory without the attribute. */
	mkdirs("sys/class/iscsi_transport/iser");
	assert_int_equal(ksys_transport_handle("iser", &h, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "cannot read"));
	/* Names that would leave the class directory. */
	assert_int_equal(ksys_transport_handle("../tcp", &h, err, sizeof(err)), -1);
	assert_string_equal(err, "invalid transport name");
	assert_int_equal(ksys_transport_handle("", &h, err, sizeof(err)), -1);
	assert_int_equal(ksys_transport_handle("TCP", &h, err, sizeof(err)), -1);
}

/* ---- attribute reading ---- */

static void attr_strings(void **state)
{
	char dir[512], out[16];
	char big[KSYS_ATTR_MAX + 10];

	(void)state;
	fmt(dir, sizeof(dir), "%s/a", root);
	put("a/ok", "value\n");
	assert_int_equal(ksys_read_str(dir, "ok", out, sizeof(out)), KSYS_RD_OK);
	assert_string_equal(out, "value");
	put("a/nonl", "value");
	assert_int_equal(ksys_read_str(dir, "nonl", out, sizeof(out)), KSYS_RD_OK);
	assert_string_equal(out, "value");
	put("a/null", "(null)\n");
	assert_int_equal(ksys_read_str(dir, "null", out, sizeof(out)), KSYS_RD_OK);
	assert_string_equal(out, "");
	put("a/empty", "");
	assert_int_equal(ksys_read_str(dir, "empty", out, sizeof(out)), KSYS_RD_OK);
	assert_string_equal(out, "");
	assert_int_equal(ksys_read_str(dir, "absent", out, sizeof(out)), KSYS_RD_MISSING);
	put("a/long", "0123456789abcdef\n");    /* 16 chars do not fit 16 bytes */
	assert_int_equal(ksys_read_str(dir, "long", out, sizeof(out)), KSYS_RD_BAD);
	assert_string_equal(out, "");
	put("a/twolines", "a\nb\n");
	assert_int_equal(ksys_read_str(dir, "twolines", out, sizeof(out)), KSYS_RD_BAD);
	put_bytes("a/nul", "ab\0c\n", 5);
	assert_int_equal(ksys_read_str(dir, "nul", out, sizeof(out)), KSYS_RD_BAD);
	put("a/esc", "a\x1b[2Jb\n");
	assert_int_equal(ksys_read_str(dir, "esc", out, sizeof(out)), KSYS_RD_BAD);
	memset(big, 'x', sizeof(big));
	put_bytes("a/huge", big, sizeof(big));
	assert_int_equal(ksys_read_str(dir, "huge", out, sizeof(out)), KSYS_RD_BAD);
	/* A symlink in place of an attribute is not followed. */
	link_to("a/link", "ok");
	assert_int_equal(ksys_read_str(dir, "link", out, sizeof(out)), KSYS_RD_MISSING);
}

static void attr_numbers(void **state)
{
	long v;

	(void)state;
	assert_true(ksys_parse_long("0", 0, 10, &v) && v == 0);
	assert_true(ksys_parse_long("-1", -1, 10, &v) && v == -1);
	assert_true(ksys_parse_long("2147483647", 0, 2147483647L, &v) && v == 2147483647L);
	assert_false(ksys_parse_long("-1", 0, 10, &v));
	assert_false(ksys_parse_long("11", 0, 10, &v));
	assert_false(ksys_parse_long("", 0, 10, &v));
	assert_false(ksys_parse_long("-", -5, 10, &v));
	assert_false(ksys_parse_long("+1", 0, 10, &v));
	assert_false(ksys_parse_long("1 ", 0, 10, &v));
	assert_false(ksys_parse_long("99999999999999999999999", 0, 10, &v));
	assert_false(ksys_parse_long("-99999999999999999999999", -10, 10, &v));
	uint64_t u;
	assert_true(ksys_parse_u64("18446744073709551615", &u) && u == UINT64_MAX);
	assert_false(ksys_parse_u64("18446744073709551616", &u));
	assert_false(ksys_parse_u64("", &u));
}


/* ---- a fake kernel tree, laid out as Linux 6.1 lays it out ---- */

struct attr {
	const char *name, *value;
};

static void put_attrs(const char *dir, const struct attr *a, size_t n)
{
	char rel[1024];

	for (size_t i = 0; i < n; i++) {
		fmt(rel, sizeof(rel), "%s/%s", dir, a[i].name);
		put(rel, a[i].value);
	}
}

/* A logged-in iscsi_tcp session sid on host, no LUNs yet. */
static void fake_session(unsigned sid, unsigned host, const char *target)
{
	char dev[256], rel[1024], tgt[1024];
	static const struct attr sess[] = {
		{ "tpgt", "1\n" }, { "state", "LOGGED_IN\n" }, { "recovery_tmo", "120\n" },
		{ "abort_tmo", "15\n" }, { "lu_reset_tmo", "30\n" }, { "tgt_reset_tmo", "30\n" },
		{ "username", "(null)\n" }, { "username_in", "(null)\n" },
		{ "password", "SECRET-NEVER-READ\n" }, { "password_in", "SECRET-NEVER-READ\n" },
		{ "ifacename", "default\n" }, { "initiatorname", "iqn.2024-01.test:init\n" },
		{ "first_burst_len", "65536\n" }, { "max_burst_len", "262144\n" },
		{ "immediate_data", "1\n" }, { "initial_r2t", "1\n" },
		{ "max_outstanding_r2t", "1\n" }, { "erl", "0\n" },
		{ "data_pdu_in_order", "1\n" }, { "data_seq_in_order", "1\n" },
		{ "target_state", "SCANNED\n" },
	};
	static const struct attr conn[] = {
		{ "address", "127.0.0.1\n" }, { "port", "3260\n" },
		{ "persistent_address", "127.0.0.1\n" }, { "persistent_port", "3260\n" },
		{ "state", "up\n" }, { "header_digest", "0\n" }, { "data_digest", "0\n" },
		{ "max_recv_dlength", "262144\n" }, { "max_xmit_dlength", "8192\n" },
		{ "ping_tmo", "5\n" }, { "recv_tmo", "5\n" }, { "exp_statsn", "108\n" },
	};
	static const struct attr ihost[] = {
		{ "ipaddress", "127.0.0.1\n" }, { "hwaddress", "(null)\n" },
		{ "netdev", "(null)\n" }, { "initiatorname", "(null)\n" },
	};
	static const struct attr shost[] = {
		{ "state", "running\n" }, { "proc_name", "iscsi_tcp\n" },
	};

	fmt(dev, sizeof(dev), "sys/devices/platform/host%u", host);
	fmt(rel, sizeof(rel), "%s/session%u/iscsi_session/session%u", dev, sid, sid);
	put_attrs(rel, sess, sizeof(sess) / sizeof(sess[0]));
	fmt(tgt, sizeof(tgt), "%s/targetname", rel);
	put(tgt, target);
	fmt(tgt, sizeof(tgt), "%s/device", rel);
	fmt(rel, sizeof(rel), "../../../session%u", sid);
	link_to(tgt, rel);
	fmt(rel, sizeof(rel), "sys/class/iscsi_session/session%u", sid);
	fmt(tgt, sizeof(tgt), "../../devices/platform/host%u/session%u/iscsi_session/session%u",
		 host, sid, sid);
	link_to(rel, tgt);

	fmt(rel, sizeof(rel), "%s/session%u/connection%u:0/iscsi_connection/connection%u:0",
		 dev, sid, sid, sid);
	put_attrs(rel, conn, sizeof(conn) / sizeof(conn[0]));
	fmt(rel, sizeof(rel), "sys/class/iscsi_connection/connection%u:0", sid);
	fmt(tgt, sizeof(tgt),
		 "../../devices/platform/host%u/session%u/connection%u:0/iscsi_connection/connection%u:0",
		 host, sid, sid, sid);
	link_to(rel, tgt);

	fmt(rel, sizeof(rel), "%s/iscsi_host/host%u", dev, host);
	put_attrs(rel, ihost, sizeof(ihost) / sizeof(ihost[0]));
	fmt(rel, sizeof(rel), "%s/scsi_host/host%u", dev, host);
	put_attrs(rel, shost, sizeof(shost) / sizeof(shost[0]));
	fmt(rel, sizeof(rel), "sys/class/iscsi_host/host%u", host);
	fmt(tgt, sizeof(tgt), "../../devices/platform/host%u/iscsi_host/host%u", host, host);
	link_to(rel, tgt);
	fmt(rel, sizeof(rel), "sys/class/scsi_host/host%u", host);
	fmt(tgt, sizeof(tgt), "../../devices/platform/host%u/scsi_host/host%u", host, host);
	link_to(rel, tgt);
}

/* LUN lun of target H:0:0 in session sid, with a disk when disk != NULL. */
static void fake_lun(unsigned sid, unsigned host, unsigned id, unsigned long long lun,
		     const char *state, const char *disk)
{
	char rel[1024];

	fmt(rel, sizeof(rel), "sys/devices/platform/host%u/session%u/target%u:0:%u/%u:0:%u:%llu/state",
		 host, sid, host, id, host, id, lun);
	put(rel, state);
	if (!disk)
		return;
	*strrchr(rel, '/') = '\0';
	char blk[1200];
	fmt(blk, sizeof(blk), "%s/block/%s", rel, disk);
	mkdirs(blk);
}

/* Path of an attribute of session sid (host host) relative to root. */
static const char *sess_attr(unsigned sid, unsigned host, const char *name)
{
	static char rel[1024];

	fmt(rel, sizeof(rel), "sys/devices/platform/host%u/session%u/iscsi_session/session%u/%s",
		 host, sid, sid, name);
	return rel;
}

static const char *conn_attr(unsigned sid, unsigned host, const char *name)
{
	static char rel[1024];

	fmt(rel, sizeof(rel),
		 "sys/devices/platform/host%u/session%u/connection%u:0/iscsi_connection/connection%u:0/%s",
		 host, sid, sid, sid, name);
	return rel;
}

/* ---- sessions ---- */

static void no_sessions(void **state)
{
	struct ksys_sessions l = { .count = 9 };
	struct ksys_session s;
	char err[128];

	(void)state;
	/* No iSCSI at all. */
	assert_int_equal(ksys_list_sessions(&l, err, sizeof(err)), 0);
	assert_int_equal(l.count, 0);
	ksys_sessions_free(&l);
	assert_int_equal(ksys_get_session(1, &s, err, sizeof(err)), 1);
	/* Loaded, nothing logged in. */
	mkdirs("sys/class/iscsi_session");
	assert_int_equal(ksys_list_sessions(&l, err, sizeof(err)), 0);
	assert_int_equal(l.count, 0);
	assert_null(l.items);
	ksys_sessions_free(&l);
	char ver[32];
	assert_int_equal(ksys_transport_class_version(ver, sizeof(ver)), -1);
	assert_string_equal(ver, "");
	put("sys/module/scsi_transport_iscsi/version", "2.0-870\n");
	assert_int_equal(ksys_transport_class_version(ver, sizeof(ver)), 0);
	assert_string_equal(ver, "2.0-870");
}

static void one_session(void **state)
{
	struct ksys_session s;
	char err[128];

	(void)state;
	fake_session(2, 1, "iqn.2024-01.test.vm:target1\n");
	fake_lun(2, 1, 0, 0, "running\n", NULL);
	fake_lun(2, 1, 0, 2, "running\n", "sdb");
	fake_lun(2, 1, 0, 1, "running\n", "sda");
	put("sys/module/scsi_transport_iscsi/version", "2.0-870\n");
	assert_int_equal(ksys_get_session(2, &s, err, sizeof(err)), 0);
	assert_int_equal(s.sid, 2);
	assert_int_equal(s.host_no, 1);
	assert_string_equal(s.target_name, "iqn.2024-01.test.vm:target1");
	assert_int_equal(s.tpgt, 1);
	assert_string_equal(s.persistent_address, "127.0.0.1");
	assert_int_equal(s.persistent_port, 3260);
	assert_string_equal(s.address, "127.0.0.1");
	assert_int_equal(s.port, 3260);
	assert_string_equal(s.local_address, "127.0.0.1");
	assert_string_equal(s.iface_name, "default");
	assert_string_equal(s.transport, "tcp");
	assert_string_equal(s.initiator_name, "iqn.2024-01.test:init");
	assert_string_equal(s.netdev, "");
	assert_string_equal(s.hwaddress, "");
	assert_string_equal(s.host_state, "running");
	assert_string_equal(s.session_state, "LOGGED_IN");
	assert_string_equal(s.conn_state, "up");
	assert_string_equal(s.isid, "");
	assert_int_equal(s.tsih, -1);
	assert_int_equal(s.recovery_tmo, 120);
	assert_int_equal(s.tgt_reset_tmo, 30);
	assert_int_equal(s.lu_reset_tmo, 30);
	assert_int_equal(s.abort_tmo, 15);
	assert_int_equal(s.ping_tmo, 5);
	assert_int_equal(s.recv_tmo, 5);
	assert_string_equal(s.username, "");
	assert_string_equal(s.username_in, "");
	assert_int_equal(s.params.header_digest, 0);
	assert_int_equal(s.params.data_digest, 0);
	assert_int_equal(s.params.max_recv_dlength, 262144);
	assert_int_equal(s.params.max_xmit_dlength, 8192);
	assert_int_equal(s.params.first_burst, 65536);
	assert_int_equal(s.params.max_burst, 262144);
	assert_int_equal(s.params.immediate_data, 1);
	assert_int_equal(s.params.initial_r2t, 1);
	assert_int_equal(s.params.max_outstanding_r2t, 1);
	assert_int_equal(s.params.erl, 0);
	assert_int_equal(s.params.data_pdu_in_order, 1);
	assert_int_equal(s.params.data_seq_in_order, 1);
	assert_int_equal(s.ndevices, 3);
	for (unsigned i = 0; i < 3; i++) {
		assert_int_equal(s.devices[i].host, 1);
		assert_int_equal(s.devices[i].channel, 0);
		assert_int_equal(s.devices[i].id, 0);
		assert_int_equal(s.devices[i].lun, i);
		assert_string_equal(s.devices[i].state, "running");
	}
	assert_string_equal(s.devices[0].disk, "");
	assert_string_equal(s.devices[1].disk, "sda");
	assert_string_equal(s.devices[2].disk, "sdb");
	/* Other sids: absent. */
	assert_int_equal(ksys_get_session(1, &s, err, sizeof(err)), 1);
	assert_int_equal(ksys_get_session(0x80000000u, &s, err, sizeof(err)), 1);
}

/* Passwords are never opened: a password file that cannot be read
 * (mode 0) changes nothing, and no field holds the secret. */
static void passwords_never_read(void **state)
{
	struct ksys_session s;
	char err[128], p[1024];

	(void)state;
	fake_session(3, 4, "iqn.t\n");
	put(sess_attr(3, 4, "username"), "chapuser\n");
	put(sess_attr(3, 4, "username_in"), "mutual\n");
	fmt(p, sizeof(p), "%s/%s", root, sess_attr(3, 4, "password"));
	assert_int_equal(chmod(p, 0), 0);
	assert_int_equal(ksys_get_session(3, &s, err, sizeof(err)), 0);
	assert_string_equal(s.username, "chapuser");
	assert_string_equal(s.username_in, "mutual");
	assert_null(memmem(&s, sizeof(s), "SECRET", 6));
}

static void malformed_attributes(void **state)
{
	struct ksys_session s;
	char err[128];
	char longname[300];

	(void)state;
	fake_session(5, 2, "iqn.t\n");
	memset(longname, 'a', sizeof(longname) - 2);
	longname[sizeof(longname) - 2] = '\n';
	longname[sizeof(longname) - 1] = '\0';
	put(sess_attr(5, 2, "targetname"), longname);          /* > 223 */
	put(sess_attr(5, 2, "tpgt"), "65536\n");
	put(sess_attr(5, 2, "recovery_tmo"), "12x\n");
	put(sess_attr(5, 2, "abort_tmo"), "-5\n");
	put(sess_attr(5, 2, "first_burst_len"), "16777216\n");
	put(sess_attr(5, 2, "immediate_data"), "2\n");
	put(sess_attr(5, 2, "erl"), "3\n");
	put(sess_attr(5, 2, "state"), "LOGGED\x01IN\n");
	put(sess_attr(5, 2, "isid"), "00023d00000\n");         /* 11 digits */
	put(conn_attr(5, 2, "port"), "0\n");
	put(conn_attr(5, 2, "persistent_port"), "70000\n");
	put(conn_attr(5, 2, "header_digest"), "CRC32C\n");
	put(conn_attr(5, 2, "max_recv_dlength"), "511\n");
	put(conn_attr(5, 2, "ping_tmo"), "\n");
	assert_int_equal(ksys_get_session(5, &s, err, sizeof(err)), 0);
	assert_string_equal(s.target_name, "");
	assert_int_equal(s.tpgt, -1);
	assert_int_equal(s.recovery_tmo, -1);
	assert_int_equal(s.abort_tmo, -1);
	assert_int_equal(s.params.first_burst, -1);
	assert_int_equal(s.params.immediate_data, -1);
	assert_int_equal(s.params.erl, -1);
	assert_string_equal(s.session_state, "");
	assert_string_equal(s.isid, "");
	assert_int_equal(s.port, 0);
	assert_int_equal(s.persistent_port, 0);
	assert_int_equal(s.params.header_digest, -1);
	assert_int_equal(s.params.max_recv_dlength, -1);
	assert_int_equal(s.ping_tmo, -1);
	/* What did parse is still there. */
	assert_int_equal(s.lu_reset_tmo, 30);
	assert_string_equal(s.address, "127.0.0.1");
}

static void missing_attributes(void **state)
{
	struct ksys_session s;
	char err[128], p[2048];

	(void)state;
	fake_session(6, 3, "iqn.t\n");
	static const char *const gone[] = { "tpgt", "ifacename", "initiatorname", "username",
					    "recovery_tmo", "max_burst_len" };
	for (size_t i = 0; i < sizeof(gone) / sizeof(gone[0]); i++) {
		fmt(p, sizeof(p), "%s/%s", root, sess_attr(6, 3, gone[i]));
		assert_int_equal(unlink(p), 0);
	}
	/* No connection and no hosts at all. */
	fmt(p, sizeof(p), "rm -rf %s/sys/class/iscsi_connection %s/sys/class/iscsi_host "
		 "%s/sys/class/scsi_host", root, root, root);
	assert_int_equal(system(p), 0);
	assert_int_equal(ksys_get_session(6, &s, err, sizeof(err)), 0);
	assert_string_equal(s.target_name, "iqn.t");
	assert_int_equal(s.host_no, 3);
	assert_int_equal(s.tpgt, -1);
	assert_string_equal(s.iface_name, "default");
	assert_string_equal(s.initiator_name, "");
	assert_int_equal(s.recovery_tmo, -1);
	assert_int_equal(s.params.max_burst, -1);
	assert_string_equal(s.address, "");
	assert_int_equal(s.port, 0);
	assert_string_equal(s.conn_state, "");
	assert_int_equal(s.params.max_recv_dlength, -1);
	assert_string_equal(s.transport, "");
	assert_string_equal(s.host_state, "");
	assert_int_equal(s.ndevices, 0);
}

static void sorted_sessions(void **state)
{
	struct ksys_sessions l;
	char err[128];
	static const unsigned sids[] = { 10, 2, 33, 1, 9 };

	(void)state;
	for (unsigned i = 0; i < 5; i++)
		fake_session(sids[i], 20 + i, "iqn.t\n");
	/* Entries that are not sessions, or not this kernel's spelling. */
	mkdirs("sys/class/iscsi_session/session07");
	mkdirs("sys/class/iscsi_session/session-1");
	mkdirs("sys/class/iscsi_session/session99999999999");
	mkdirs("sys/class/iscsi_session/sessionx");
	mkdirs("sys/class/iscsi_session/other");
	/* A session whose device link is gone (logged out meanwhile). */
	mkdirs("sys/class/iscsi_session/session4");
	assert_int_equal(ksys_list_sessions(&l, err, sizeof(err)), 0);
	assert_int_equal(l.count, 5);
	static const unsigned want[] = { 1, 2, 9, 10, 33 };
	for (unsigned i = 0; i < 5; i++)
		assert_int_equal(l.items[i].sid, want[i]);
	assert_int_equal(l.items[0].host_no, 23);
	ksys_sessions_free(&l);
	assert_int_equal(l.count, 0);
	assert_null(l.items);
}

/* The cheap lookup a login makes: only the sessions of that target, with
 * their portal and iface; names without case. */
static void sessions_of_target(void **state)
{
	struct ksys_session_key k[4];
	char err[128];

	(void)state;
	assert_int_equal(ksys_sessions_of_target("iqn.a", k, 4, err, sizeof(err)), 0);
	fake_session(3, 30, "iqn.2024-01.test:A\n");
	fake_session(5, 31, "iqn.2024-01.test:b\n");
	fake_session(8, 32, "iqn.2024-01.test:a\n");
	int n = ksys_sessions_of_target("iqn.2024-01.test:a", k, 4, err, sizeof(err));
	assert_int_equal(n, 2);
	assert_true((k[0].sid == 3 && k[1].sid == 8) || (k[0].sid == 8 && k[1].sid == 3));
	assert_string_equal(k[0].persistent_address, "127.0.0.1");
	assert_int_equal(k[0].persistent_port, 3260);
	assert_string_equal(k[0].iface_name, "default");
	/* At most max entries. */
	assert_int_equal(ksys_sessions_of_target("iqn.2024-01.test:a", k, 1, err, sizeof(err)), 1);
	assert_int_equal(ksys_sessions_of_target("iqn.2024-01.test:c", k, 4, err, sizeof(err)), 0);
}

/* A device link that does not end in .../hostH/sessionN: no host number,
 * so the session is not shown rather than shown with a made-up host. */
static void session_without_host(void **state)
{
	struct ksys_session s;
	char err[128];

	(void)state;
	mkdirs("sys/devices/virtual/session8/iscsi_session/session8");
	put("sys/devices/virtual/session8/iscsi_session/session8/targetname", "iqn.t\n");
	link_to("sys/devices/virtual/session8/iscsi_session/session8/device", "../../../session8");
	link_to("sys/class/iscsi_session/session8",
		"../../devices/virtual/session8/iscsi_session/session8");
	assert_int_equal(ksys_get_session(8, &s, err, sizeof(err)), 1);
}

static void many_devices(void **state)
{
	struct ksys_session s;
	char err[128];

	(void)state;
	fake_session(1, 7, "iqn.t\n");
	/* 300 LUNs over two targets and two channels, created out of order;
	 * only the lowest KSYS_MAX_DEVICES are kept, in order. */
	for (unsigned i = 0; i < 300; i++) {
		unsigned j = (i * 7) % 300, lun = j / 2, id = j % 2;
		char disk[16];
		fmt(disk, sizeof(disk), "sd%c%c", 'a' + i / 26 % 26, 'a' + i % 26);
		fake_lun(1, 7, id, lun, "running\n", disk);
	}
	/* A LUN of another host inside this session's target is ignored, as
	 * are names that are not H:C:I:L. */
	mkdirs("sys/devices/platform/host7/session1/target7:0:0/8:0:0:0");
	mkdirs("sys/devices/platform/host7/session1/target7:0:0/7:0:0");
	mkdirs("sys/devices/platform/host7/session1/target7:0:0/7:0:0:1x");
	mkdirs("sys/devices/platform/host7/session1/target8:0:0/8:0:0:0");
	fake_lun(1, 7, 0, 0, "offline\n", "BAD/../name");
	assert_int_equal(ksys_get_session(1, &s, err, sizeof(err)), 0);
	assert_int_equal(s.ndevices, KSYS_MAX_DEVICES);
	for (size_t i = 1; i < s.ndevices; i++) {
		const struct ksys_device *a = &s.devices[i - 1], *b = &s.devices[i];
		assert_true(a->id < b->id || (a->id == b->id && a->lun < b->lun));
	}
	assert_int_equal(s.devices[0].id, 0);
	assert_int_equal(s.devices[0].lun, 0);
	assert_int_equal(s.devices[149].id, 0);
	assert_int_equal(s.devices[149].lun, 149);
	assert_int_equal(s.devices[150].id, 1);
	assert_int_equal(s.devices[150].lun, 0);
	assert_int_equal(s.devices[255].lun, 105);
	assert_string_equal(s.devices[0].state, "offline");
	assert_true(strlen(s.devices[3].disk) == 4);
}

static void big_lun(void **state)
{
	struct ksys_session s;
	char err[128];

	(void)state;
	fake_session(1, 0, "iqn.t\n");
	fake_lun(1, 0, 0, 18446744073709551615ull, "running\n", "sdc");
	assert_int_equal(ksys_get_session(1, &s, err, sizeof(err)), 0);
	assert_int_equal(s.ndevices, 1);
	assert_true(s.devices[0].lun == UINT64_MAX);
	assert_int_equal(s.host_no, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(path_under_root, setup_root, teardown_root),
		cmocka_unit_test_setup_teardown(not_loaded, setup_root, teardown_root),
		cmocka_unit_test_setup_teardown(transport_handle, setup_root, teardown_root),
		cmocka_unit_test_setup_teardown(transport_handle_bad, setup_root, teardown_root),
		cmocka_unit_test_setup_teardown(attr_strings, setup_root, teardown_root),
		cmocka_unit_test(attr_numbers),
		cmocka_unit_test_setup_teardown(no_sessions, setup_root, teardown_root),
		cmocka_unit_test_setup_teardown(one_session, setup_root, teardown_root),
		cmocka_unit_test_setup_teardown(sessions_of_target, setup_root, teardown_root),
		cmocka_unit_test_setup_teardown(passwords_never_read, setup_root, teardown_root),
		cmocka_unit_test_setup_teardown(malformed_attributes, setup_root, teardown_root),
		cmocka_unit_test_setup_teardown(missing_attributes, setup_root, teardown_root),
		cmocka_unit_test_setup_teardown(sorted_sessions, setup_root, teardown_root),
		cmocka_unit_test_setup_teardown(session_without_host, setup_root, teardown_root),
		cmocka_unit_test_setup_teardown(many_devices, setup_root, teardown_root),
		cmocka_unit_test_setup_teardown(big_lun, setup_root, teardown_root),
	};
	return cmocka_run_group_tests_name("ksys", tests, NULL, NULL);
}
