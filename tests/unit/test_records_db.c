/* The record database in one process: create, get, list, filters, update,
 * delete, transactions, built-in ifaces, compaction, file permissions,
 * and damaged or foreign files. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <fcntl.h>
#include <gdbm.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/log.h"
#include "records/db.h"

/* Same key: compares the fields that identify a node record. */
static int rec_key_cmp_for_test(const struct rec_key *a, const struct rec_key *b)
{
	return strcmp(a->target, b->target) || strcmp(a->addr, b->addr) || a->port != b->port ||
	       a->tpgt != b->tpgt || strcmp(a->iface, b->iface);
}

static char dir[128];
static int seq;

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/test_records_db.%d.%d/db", (int)getpid(), ++seq);
	return 0;
}

static int teardown(void **state)
{
	char cmd[256];
	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf /tmp/test_records_db.%d.%d", (int)getpid(), seq);
	return system(cmd) == 0 ? 0 : -1;
}

static struct recdb *open_db(void)
{
	struct recdb *db;
	struct rec_err err;

	if (recdb_open(dir, &db, &err) != 0)
		fail_msg("open: %s", err.msg);
	return db;
}

static struct rec *node(const char *target, const char *addr, int port, int tpgt, const char *iface)
{
	struct rec *r = rec_new(REC_NODE);
	struct rec_err err;
	char num[16];

	assert_int_equal(rec_set(r, "node.name", target, &err), 0);
	assert_int_equal(rec_set(r, "node.conn[0].address", addr, &err), 0);
	snprintf(num, sizeof(num), "%d", port);
	assert_int_equal(rec_set(r, "node.conn[0].port", num, &err), 0);
	snprintf(num, sizeof(num), "%d", tpgt);
	assert_int_equal(rec_set(r, "node.tpgt", num, &err), 0);
	if (iface)
		assert_int_equal(rec_set(r, "iface.iscsi_ifacename", iface, &err), 0);
	return r;
}

static void put(struct recdb *db, struct rec *r)
{
	struct rec_err err;

	if (recdb_put(db, r, false, &err) != 0)
		fail_msg("put: %s", err.msg);
	rec_free(r);
}

static struct rec_key node_key(const char *target, const char *addr, int port, int tpgt,
			       const char *iface)
{
	struct rec_key k = { .kind = REC_NODE, .port = port, .tpgt = tpgt };

	snprintf(k.target, sizeof(k.target), "%s", target);
	snprintf(k.addr, sizeof(k.addr), "%s", addr);
	snprintf(k.iface, sizeof(k.iface), "%s", iface);
	return k;
}

#define T1 "iqn.2001-04.com.example:t1"
#define T2 "iqn.2001-04.com.example:t2"

static void create_get_delete(void **state)
{
	struct recdb *db = open_db();
	struct rec_key k = node_key(T1, "10.0.0.1", 3260, 1, "default");
	struct rec *r = node(T1, "10.0.0.1", 3260, 1, NULL), *got;
	struct rec_err err;
	struct stat sb;
	char path[256];
	size_t n;
	(void)state;
	assert_int_equal(rec_set(r, "node.session.auth.password", "secret pw", &err), 0);
	assert_int_equal(recdb_put(db, r, false, &err), 0);
	/* A second create is refused and leaves the record alone. */
	assert_int_equal(rec_set(r, "node.startup", "automatic", &err), 0);
	assert_int_equal(recdb_put(db, r, false, &err), -1);
	assert_int_equal(err.status, REC_E_EXISTS);
	assert_int_equal(recdb_get(db, &k, &got, &err), 0);
	assert_string_equal(rec_get(got, "node.startup"), "manual");
	assert_string_equal(rec_get(got, "node.session.auth.password"), "secret pw");
	rec_free(got);
	/* Replace overwrites. */
	assert_int_equal(recdb_put(db, r, true, &err), 0);
	assert_int_equal(recdb_get(db, &k, &got, &err), 0);
	assert_true(rec_equal(r, got));
	rec_free(got);
	rec_free(r);

	/* Files and modes. */
	assert_int_equal(stat(dir, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0700);
	for (const char *const *f = (const char *const[]){ "records.db", "records.log", "records.lock", NULL }; *f; f++) {
		snprintf(path, sizeof(path), "%s/%s", dir, *f);
		assert_int_equal(stat(path, &sb), 0);
		assert_int_equal(sb.st_mode & 0777, 0600);
	}

	/* Survives a reopen. */
	recdb_close(db);
	db = open_db();
	assert_int_equal(recdb_get(db, &k, &got, &err), 0);
	assert_string_equal(rec_get(got, "node.startup"), "automatic");
	rec_free(got);

	struct rec_filter f = rec_filter_all(REC_NODE);
	assert_int_equal(recdb_delete(db, &f, &n, &err), 0);
	assert_int_equal(n, 1);
	assert_int_equal(recdb_get(db, &k, &got, &err), -1);
	assert_int_equal(err.status, REC_E_NOT_FOUND);
	assert_null(got);
	assert_int_equal(recdb_delete(db, &f, &n, &err), 0);
	assert_int_equal(n, 0);
	recdb_close(db);
}

static void list_and_filters(void **state)
{
	struct recdb *db = open_db();
	struct rec_filter f = rec_filter_all(REC_NODE);
	struct rec_key *keys;
	struct rec_err err;
	size_t n;
	(void)state;
	put(db, node(T2, "10.0.0.2", 3260, 1, NULL));
	put(db, node(T1, "10.0.0.2", 3260, 1, NULL));
	put(db, node(T1, "10.0.0.1", 3261, -1, NULL));
	put(db, node(T1, "10.0.0.1", 3260, 2, NULL));
	put(db, node(T1, "2001:db8::1", 3260, 1, NULL));

	assert_int_equal(recdb_list(db, &f, &keys, &n, &err), 0);
	assert_int_equal(n, 5);
	/* Sorted by target, address, port, tpgt. */
	assert_string_equal(keys[0].addr, "10.0.0.1");
	assert_int_equal(keys[0].port, 3260);
	assert_int_equal(keys[1].port, 3261);
	assert_int_equal(keys[1].tpgt, -1);
	assert_string_equal(keys[2].addr, "10.0.0.2");
	assert_string_equal(keys[3].addr, "2001:db8::1");
	assert_string_equal(keys[4].target, T2);
	assert_string_equal(keys[4].iface, "default");
	free(keys);

	f.target = T1;
	assert_int_equal(recdb_list(db, &f, &keys, &n, &err), 0);
	assert_int_equal(n, 4);
	free(keys);
	f.addr = "10.0.0.1";
	assert_int_equal(recdb_list(db, &f, &keys, &n, &err), 0);
	assert_int_equal(n, 2);
	free(keys);
	f.port = 3261;
	assert_int_equal(recdb_list(db, &f, &keys, &n, &err), 0);
	assert_int_equal(n, 1);
	free(keys);
	f = rec_filter_all(REC_NODE);
	f.addr = "2001:DB8:0::1";        /* matched after normalisation */
	assert_int_equal(recdb_list(db, &f, &keys, &n, &err), 0);
	assert_int_equal(n, 1);
	free(keys);
	f = rec_filter_all(REC_NODE);
	f.tpgt = 2;
	assert_int_equal(recdb_list(db, &f, &keys, &n, &err), 0);
	assert_int_equal(n, 1);
	free(keys);
	f = rec_filter_all(REC_NODE);
	f.iface = "other";
	assert_int_equal(recdb_list(db, &f, &keys, &n, &err), 0);
	assert_int_equal(n, 0);
	assert_null(keys);
	recdb_close(db);
}

static int count_visit(const struct rec *r, void *arg)
{
	(*(int *)arg)++;
	return strcmp(rec_get(r, "node.name"), T2) ? 0 : 42;
}

static void foreach_and_stop(void **state)
{
	struct recdb *db = open_db();
	struct rec_filter f = rec_filter_all(REC_NODE);
	struct rec_err err;
	int seen = 0;
	(void)state;
	put(db, node(T1, "10.0.0.1", 3260, 1, NULL));
	put(db, node(T2, "10.0.0.1", 3260, 1, NULL));
	put(db, node("iqn.2001-04.com.example:t3", "10.0.0.1", 3260, 1, NULL));
	assert_int_equal(recdb_foreach(db, &f, count_visit, &seen, &err), 42);
	assert_int_equal(seen, 2);
	recdb_close(db);
}

static void update_keys(void **state)
{
	struct recdb *db = open_db();
	struct rec_filter f = rec_filter_all(REC_NODE);
	struct rec_key k = node_key(T1, "10.0.0.1", 3260, 1, "default");
	struct rec_err err;
	struct rec *got;
	size_t n;
	(void)state;
	put(db, node(T1, "10.0.0.1", 3260, 1, NULL));
	put(db, node(T2, "10.0.0.1", 3260, 1, NULL));
	assert_int_equal(recdb_update(db, &f, "node.startup", "automatic", &n, &err), 0);
	assert_int_equal(n, 2);
	f.target = T1;
	assert_int_equal(recdb_update(db, &f, "node.session.cmds_max", "64", &n, &err), 0);
	assert_int_equal(n, 1);
	assert_int_equal(recdb_get(db, &k, &got, &err), 0);
	assert_string_equal(rec_get(got, "node.startup"), "automatic");
	assert_string_equal(rec_get(got, "node.session.cmds_max"), "64");
	rec_free(got);

	/* Bad input is reported and changes nothing, even with no match. */
	assert_int_equal(recdb_update(db, &f, "node.session.cmds_max", "abc", &n, &err), -1);
	assert_int_equal(err.status, REC_E_BAD_VALUE);
	assert_int_equal(recdb_update(db, &f, "node.tpgt", "3", &n, &err), -1);
	assert_int_equal(err.status, REC_E_READONLY);
	f.target = "iqn.2001-04.com.example:none";
	assert_int_equal(recdb_update(db, &f, "no.such.key", "1", &n, &err), -1);
	assert_int_equal(err.status, REC_E_UNKNOWN_KEY);
	assert_int_equal(recdb_update(db, &f, "node.startup", "manual", &n, &err), 0);
	assert_int_equal(n, 0);
	assert_int_equal(recdb_get(db, &k, &got, &err), 0);
	assert_string_equal(rec_get(got, "node.session.cmds_max"), "64");
	rec_free(got);
	recdb_close(db);
}

static void discovery_table(void **state)
{
	struct recdb *db = open_db();
	struct rec *d = rec_new(REC_DISCOVERY_ST), *got;
	struct rec_key k = { .kind = REC_DISCOVERY_ST, .addr = "10.0.0.9", .port = 3260 };
	struct rec_filter f = rec_filter_all(REC_DISCOVERY_ST);
	struct rec_key *keys;
	struct rec_err err;
	size_t n;
	(void)state;
	assert_int_equal(recdb_put(db, d, false, &err), -1);     /* no address */
	assert_int_equal(err.status, REC_E_BAD_NAME);
	assert_int_equal(rec_set(d, "discovery.sendtargets.address", "10.0.0.9", &err), 0);
	assert_int_equal(rec_set(d, "discovery.sendtargets.auth.password", "pw", &err), 0);
	assert_int_equal(recdb_put(db, d, false, &err), 0);
	put(db, node(T1, "10.0.0.9", 3260, 1, NULL));
	assert_int_equal(recdb_get(db, &k, &got, &err), 0);
	assert_true(rec_equal(d, got));
	rec_free(got);
	assert_int_equal(recdb_list(db, &f, &keys, &n, &err), 0);
	assert_int_equal(n, 1);      /* nodes are another table */
	free(keys);
	assert_int_equal(recdb_update(db, &f, "discovery.sendtargets.timeo.login_timeout", "5", &n, &err), 0);
	assert_int_equal(n, 1);
	assert_int_equal(recdb_delete(db, &f, &n, &err), 0);
	assert_int_equal(n, 1);
	f = rec_filter_all(REC_NODE);
	assert_int_equal(recdb_list(db, &f, &keys, &n, &err), 0);
	assert_int_equal(n, 1);
	free(keys);
	rec_free(d);
	recdb_close(db);
}

static void iface_table_and_builtins(void **state)
{
	struct recdb *db = open_db();
	struct rec_filter f = rec_filter_all(REC_IFACE);
	struct rec_key k = { .kind = REC_IFACE, .iface = "iser" };
	struct rec *i = rec_new(REC_IFACE), *got;
	struct rec_key *keys;
	struct rec_err err;
	size_t n;
	(void)state;
	assert_int_equal(recdb_list(db, &f, &keys, &n, &err), 0);
	assert_int_equal(n, 2);
	assert_string_equal(keys[0].iface, "default");
	assert_string_equal(keys[1].iface, "iser");
	free(keys);
	assert_int_equal(recdb_get(db, &k, &got, &err), 0);
	assert_string_equal(rec_get(got, "iface.transport_name"), "iser");
	rec_free(got);

	/* Built-ins cannot be stored, changed or deleted. */
	assert_int_equal(recdb_put(db, i, true, &err), -1);
	assert_int_equal(err.status, REC_E_READONLY);
	f.iface = "default";
	assert_int_equal(recdb_update(db, &f, "iface.net_ifacename", "eth0", &n, &err), -1);
	assert_int_equal(err.status, REC_E_READONLY);
	assert_int_equal(recdb_delete(db, &f, &n, &err), -1);
	assert_int_equal(err.status, REC_E_READONLY);

	assert_int_equal(rec_set(i, "iface.iscsi_ifacename", "eth1-iface", &err), 0);
	assert_int_equal(recdb_put(db, i, false, &err), 0);
	f.iface = "eth1-iface";
	assert_int_equal(recdb_update(db, &f, "iface.net_ifacename", "eth1", &n, &err), 0);
	assert_int_equal(n, 1);
	f.iface = NULL;
	assert_int_equal(recdb_list(db, &f, &keys, &n, &err), 0);
	assert_int_equal(n, 3);
	assert_string_equal(keys[2].iface, "eth1-iface");
	free(keys);
	rec_free(i);
	recdb_close(db);
}

/* Deleting an iface together with the nodes bound to it, atomically. */
struct unbind_args {
	const char *iface;
	size_t nodes;
};

static int unbind(struct recdb_txn *txn, void *arg, struct rec_err *err)
{
	struct unbind_args *a = arg;
	struct rec_filter f = rec_filter_all(REC_NODE);
	struct rec_key *keys, ik = { .kind = REC_IFACE };
	size_t n;

	f.iface = a->iface;
	if (recdb_txn_list(txn, &f, &keys, &n, err) < 0)
		return -1;
	for (size_t i = 0; i < n; i++)
		if (recdb_txn_delete(txn, &keys[i], err) < 0) {
			free(keys);
			return -1;
		}
	free(keys);
	a->nodes = n;
	snprintf(ik.iface, sizeof(ik.iface), "%s", a->iface);
	return recdb_txn_delete(txn, &ik, err);
}

static int fail_after_write(struct recdb_txn *txn, void *arg, struct rec_err *err)
{
	struct rec_key k = node_key(T1, "10.0.0.1", 3260, 1, "myif");
	struct rec *r;
	(void)arg;
	if (recdb_txn_delete(txn, &k, err) < 0)
		return -1;
	/* Reads see the transaction's own writes. */
	assert_int_equal(recdb_txn_get(txn, &k, &r, err), -1);
	assert_int_equal(err->status, REC_E_NOT_FOUND);
	return rec_fail(err, REC_E_INTERNAL, "changed my mind");
}

static void transactions(void **state)
{
	struct recdb *db = open_db();
	struct rec *i = rec_new(REC_IFACE);
	struct rec_filter f = rec_filter_all(REC_NODE);
	struct unbind_args a = { .iface = "myif" };
	struct rec_key *keys;
	struct rec_err err;
	size_t n;
	(void)state;
	rec_set(i, "iface.iscsi_ifacename", "myif", &err);
	assert_int_equal(recdb_put(db, i, false, &err), 0);
	put(db, node(T1, "10.0.0.1", 3260, 1, "myif"));
	put(db, node(T2, "10.0.0.1", 3260, 1, "myif"));
	put(db, node(T2, "10.0.0.1", 3260, 1, NULL));

	/* A failing transaction writes nothing. */
	assert_int_equal(recdb_transact(db, fail_after_write, NULL, &err), -1);
	assert_string_equal(err.msg, "changed my mind");
	assert_int_equal(recdb_list(db, &f, &keys, &n, &err), 0);
	assert_int_equal(n, 3);
	free(keys);

	assert_int_equal(recdb_transact(db, unbind, &a, &err), 0);
	assert_int_equal(a.nodes, 2);
	assert_int_equal(recdb_list(db, &f, &keys, &n, &err), 0);
	assert_int_equal(n, 1);
	assert_string_equal(keys[0].iface, "default");
	free(keys);
	f = rec_filter_all(REC_IFACE);
	assert_int_equal(recdb_list(db, &f, &keys, &n, &err), 0);
	assert_int_equal(n, 2);
	free(keys);
	rec_free(i);
	recdb_close(db);
}

/* With a tiny compaction threshold every few writes rewrite the base; the
 * content must be the same as without compaction. */
static void compaction_keeps_content(void **state)
{
	struct recdb *db = open_db();
	struct rec_filter f = rec_filter_all(REC_NODE);
	struct rec_key *keys;
	struct rec_err err;
	char target[64], path[256];
	struct stat sb;
	size_t n;
	(void)state;
	recdb_set_compact_threshold(db, 2048);
	for (int i = 0; i < 200; i++) {
		snprintf(target, sizeof(target), "iqn.2001-04.com.example:c%03d", i);
		put(db, node(target, "10.0.0.1", 3260, 1, NULL));
		if (i % 3 == 0) {
			struct rec_filter one = rec_filter_all(REC_NODE);

			one.target = target;
			assert_int_equal(recdb_update(db, &one, "node.startup", "automatic", &n, &err), 0);
		}
		if (i % 5 == 0) {
			struct rec_filter one = rec_filter_all(REC_NODE);

			one.target = target;
			assert_int_equal(recdb_delete(db, &one, &n, &err), 0);
			assert_int_equal(n, 1);
		}
	}
	snprintf(path, sizeof(path), "%s/records.log", dir);
	assert_int_equal(stat(path, &sb), 0);
	assert_true(sb.st_size < 4096);
	recdb_close(db);
	db = open_db();
	assert_int_equal(recdb_list(db, &f, &keys, &n, &err), 0);
	assert_int_equal(n, 160);
	for (size_t i = 0; i < n; i++) {
		struct rec *r;
		int num = atoi(keys[i].target + strlen("iqn.2001-04.com.example:c"));

		assert_int_not_equal(num % 5, 0);
		assert_int_equal(recdb_get(db, &keys[i], &r, &err), 0);
		assert_string_equal(rec_get(r, "node.startup"), num % 3 == 0 ? "automatic" : "manual");
		rec_free(r);
	}
	free(keys);
	recdb_close(db);
}

/* Selections by target go through the target index; after a random mix
 * of creates, replaces, deletes and transactions it must select exactly
 * what a walk over every key selects. */
static void target_index_matches_scan(void **state)
{
	static const char *const targets[] = {
		T1, T2, "iqn.2001-04.com.example:t3", "eui.02004567A425678D", "naa.600a0b80001234567890abcdef012345",
	};
	static const char *const addrs[] = { "10.0.0.1", "10.0.0.2", "2001:db8::7" };
	struct recdb *db = open_db();
	struct rec_filter all = rec_filter_all(REC_NODE);
	struct rec_key *every, *some;
	struct rec_err err;
	unsigned int rnd = 4711;
	size_t n_every, n_some;
	(void)state;
	recdb_set_compact_threshold(db, 4096);
	for (int i = 0; i < 400; i++) {
		const char *t = targets[rand_r(&rnd) % 5];
		const char *a = addrs[rand_r(&rnd) % 3];
		int tpgt = (int)(rand_r(&rnd) % 3) - 1;
		struct rec *r = node(t, a, 3260, tpgt, NULL);
		struct rec_filter one = rec_filter_all(REC_NODE);
		size_t n;

		switch (rand_r(&rnd) % 3) {
		case 0:
			recdb_put(db, r, false, &err);   /* may already exist */
			break;
		case 1:
			assert_int_equal(recdb_put(db, r, true, &err), 0);
			break;
		case 2:
			one.target = t;
			one.addr = a;
			one.tpgt = tpgt;
			assert_int_equal(recdb_delete(db, &one, &n, &err), 0);
			break;
		}
		rec_free(r);
	}
	assert_int_equal(recdb_list(db, &all, &every, &n_every, &err), 0);
	assert_true(n_every > 5);
	for (size_t t = 0; t < 5; t++) {
		struct rec_filter f = rec_filter_all(REC_NODE);
		char other_case[64];
		size_t expect = 0, j = 0;

		f.target = targets[t];
		assert_int_equal(recdb_list(db, &f, &some, &n_some, &err), 0);
		for (size_t i = 0; i < n_every; i++) {
			if (!iscsi_name_equal(every[i].target, targets[t]))
				continue;
			expect++;
			assert_true(j < n_some);
			assert_int_equal(rec_key_cmp_for_test(&every[i], &some[j]), 0);
			j++;
		}
		assert_int_equal(n_some, expect);
		free(some);
		/* eui./naa. hex digits match without case. */
		if (t >= 3) {
			snprintf(other_case, sizeof(other_case), "%s", targets[t]);
			for (char *c = other_case + 4; *c; c++)
				*c = (char)(*c >= 'a' && *c <= 'f' ? *c - 32 : *c >= 'A' && *c <= 'F' ? *c + 32 : *c);
			f.target = other_case;
			assert_int_equal(recdb_list(db, &f, &some, &n_some, &err), 0);
			assert_int_equal(n_some, expect);
			free(some);
		}
	}
	free(every);
	recdb_close(db);
}

static void write_bytes(const char *name, const void *data, size_t len, int flags)
{
	char path[256];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, O_WRONLY | O_CREAT | flags, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, len), (ssize_t)len);
	close(fd);
}

static void expect_open_error(enum rec_status status, const char *needle)
{
	struct recdb *db;
	struct rec_err err;

	assert_int_equal(recdb_open(dir, &db, &err), -1);
	assert_null(db);
	if (err.status != status)
		fail_msg("status %d: %s", err.status, err.msg);
	if (!strstr(err.msg, needle))
		fail_msg("'%s' not in '%s'", needle, err.msg);
	assert_non_null(strstr(err.msg, dir));
	assert_null(strchr(err.msg, '\n'));
}

static void foreign_db_file(void **state)
{
	(void)state;
	recdb_close(open_db());
	write_bytes("records.db", "# BEGIN RECORD 2.1.8\nnode.name = x\n", 35, O_TRUNC);
	expect_open_error(REC_E_FOREIGN, "records.db is not an iSCSI record database");
	expect_open_error(REC_E_FOREIGN, "move it aside");
}

static void foreign_gdbm_file(void **state)
{
	char path[256];
	GDBM_FILE g;
	datum k = { "hello", 5 }, v = { "world", 5 };
	(void)state;
	recdb_close(open_db());
	snprintf(path, sizeof(path), "%s/records.db", dir);
	unlink(path);
	g = gdbm_open(path, 0, GDBM_NEWDB, 0600, NULL);
	assert_non_null(g);
	gdbm_store(g, k, v, GDBM_REPLACE);
	gdbm_close(g);
	expect_open_error(REC_E_FOREIGN, "a gdbm file of another program");
}

static void foreign_log_file(void **state)
{
	(void)state;
	recdb_close(open_db());
	write_bytes("records.log", "this is not a log at all", 24, O_TRUNC);
	expect_open_error(REC_E_FOREIGN, "records.log is not an iSCSI record database log");
}

static void damaged_db_file(void **state)
{
	struct recdb *db = open_db();
	char path[256], target[64];
	struct stat sb;
	int fd;
	(void)state;
	recdb_set_compact_threshold(db, 1024);
	for (int i = 0; i < 50; i++) {
		snprintf(target, sizeof(target), "iqn.2001-04.com.example:d%03d", i);
		put(db, node(target, "10.0.0.1", 3260, 1, NULL));
	}
	recdb_close(db);
	/* Overwrite the middle of the gdbm file with garbage. */
	snprintf(path, sizeof(path), "%s/records.db", dir);
	assert_int_equal(stat(path, &sb), 0);
	fd = open(path, O_WRONLY);
	for (off_t off = 0; off < sb.st_size; off += 512)
		assert_int_equal(pwrite(fd, "\xff\xfe\x01\x00garbage!", 12, off + 100), 12);
	close(fd);
	{
		struct rec_filter f = rec_filter_all(REC_NODE);
		struct rec_key *keys = NULL;
		struct rec_err err;
		size_t n;
		int rc = recdb_open(dir, &db, &err);

		if (rc == 0) {
			rc = recdb_list(db, &f, &keys, &n, &err);
			free(keys);
			recdb_close(db);
		}
		assert_int_equal(rc, -1);
		if (err.status != REC_E_CORRUPT)
			fail_msg("status %d: %s", err.status, err.msg);
		assert_non_null(strstr(err.msg, "records.db"));
		assert_non_null(strstr(err.msg, "move it aside"));
	}
}

static void damaged_log_middle(void **state)
{
	struct recdb *db = open_db();
	char path[256];
	struct stat sb;
	int fd;
	(void)state;
	put(db, node(T1, "10.0.0.1", 3260, 1, NULL));
	put(db, node(T2, "10.0.0.1", 3260, 1, NULL));
	recdb_close(db);
	snprintf(path, sizeof(path), "%s/records.log", dir);
	assert_int_equal(stat(path, &sb), 0);
	fd = open(path, O_WRONLY);
	assert_int_equal(pwrite(fd, "X", 1, 40), 1);   /* inside the first entry */
	close(fd);
	expect_open_error(REC_E_CORRUPT, "records.log is damaged at byte 16 (checksum mismatch)");
}

/* A torn last entry (killed writer) is ignored and then cut off. */
static void torn_log_tail(void **state)
{
	struct recdb *db = open_db();
	struct rec_filter f = rec_filter_all(REC_NODE);
	struct rec_key *keys;
	struct rec_err err;
	char path[256];
	struct stat sb;
	size_t n, good;
	(void)state;
	put(db, node(T1, "10.0.0.1", 3260, 1, NULL));
	recdb_close(db);
	snprintf(path, sizeof(path), "%s/records.log", dir);
	assert_int_equal(stat(path, &sb), 0);
	good = (size_t)sb.st_size;
	/* Header of an entry promising 500 bytes, and only 20 of them. */
	write_bytes("records.log", "\x00\x00\x01\xf4\x12\x34\x56\x78partial-entry-data..", 28, O_APPEND);
	db = open_db();
	assert_int_equal(recdb_list(db, &f, &keys, &n, &err), 0);
	assert_int_equal(n, 1);
	free(keys);
	put(db, node(T2, "10.0.0.1", 3260, 1, NULL));
	assert_int_equal(recdb_list(db, &f, &keys, &n, &err), 0);
	assert_int_equal(n, 2);
	free(keys);
	recdb_close(db);
	assert_int_equal(stat(path, &sb), 0);
	assert_true((size_t)sb.st_size > good);
	db = open_db();
	assert_int_equal(recdb_list(db, &f, &keys, &n, &err), 0);
	assert_int_equal(n, 2);
	free(keys);
	recdb_close(db);
}

static void unsafe_permissions(void **state)
{
	struct recdb *db;
	struct rec_err err;
	char path[256];
	(void)state;
	recdb_close(open_db());
	chmod(dir, 0777);
	assert_int_equal(recdb_open(dir, &db, &err), -1);
	assert_int_equal(err.status, REC_E_PERM);
	chmod(dir, 0755);                /* readable by others: tightened */
	recdb_close(open_db());
	{
		struct stat sb;

		stat(dir, &sb);
		assert_int_equal(sb.st_mode & 0777, 0700);
	}
	snprintf(path, sizeof(path), "%s/records.log", dir);
	chmod(path, 0666);
	assert_int_equal(recdb_open(dir, &db, &err), -1);
	assert_int_equal(err.status, REC_E_PERM);
	chmod(path, 0600);
	snprintf(path, sizeof(path), "%s/records.db", dir);
	unlink(path);
	assert_int_equal(symlink("/etc/passwd", path), 0);
	assert_int_equal(recdb_open(dir, &db, &err), -1);
	assert_int_equal(err.status, REC_E_PERM);
	assert_non_null(strstr(err.msg, "symbolic link"));
}

static void root_from_environment(void **state)
{
	char root[160], path[256];
	struct recdb *db;
	struct rec_err err;
	struct stat sb;
	(void)state;
	snprintf(root, sizeof(root), "%s/root", dir);
	setenv("ISCSI_ROOT", root, 1);
	assert_int_equal(recdb_open(NULL, &db, &err), 0);
	snprintf(path, sizeof(path), "%s/var/lib/iscsi/records.db", root);
	assert_int_equal(stat(path, &sb), 0);
	assert_string_equal(recdb_dir(db), strrchr(path, '/') ? (path[strlen(path) - 11] = '\0', path) : path);
	recdb_close(db);
	unsetenv("ISCSI_ROOT");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(create_get_delete, setup, teardown),
		cmocka_unit_test_setup_teardown(list_and_filters, setup, teardown),
		cmocka_unit_test_setup_teardown(foreach_and_stop, setup, teardown),
		cmocka_unit_test_setup_teardown(update_keys, setup, teardown),
		cmocka_unit_test_setup_teardown(discovery_table, setup, teardown),
		cmocka_unit_test_setup_teardown(iface_table_and_builtins, setup, teardown),
		cmocka_unit_test_setup_teardown(transactions, setup, teardown),
		cmocka_unit_test_setup_teardown(compaction_keeps_content, setup, teardown),
		cmocka_unit_test_setup_teardown(target_index_matches_scan, setup, teardown),
		cmocka_unit_test_setup_teardown(foreign_db_file, setup, teardown),
		cmocka_unit_test_setup_teardown(foreign_gdbm_file, setup, teardown),
		cmocka_unit_test_setup_teardown(foreign_log_file, setup, teardown),
		cmocka_unit_test_setup_teardown(damaged_db_file, setup, teardown),
		cmocka_unit_test_setup_teardown(damaged_log_middle, setup, teardown),
		cmocka_unit_test_setup_teardown(torn_log_tail, setup, teardown),
		cmocka_unit_test_setup_teardown(unsafe_permissions, setup, teardown),
		cmocka_unit_test_setup_teardown(root_from_environment, setup, teardown),
	};
	log_init("test_records_db", LOG_TO_STDERR, 0);
	return cmocka_run_group_tests_name("records_db", tests, NULL, NULL);
}
