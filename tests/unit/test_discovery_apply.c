/* Applying a discovery result to the record database (discovery/apply.h)
 * as open-iscsi's -m discovery does, and printing it: on a database in a
 * temporary directory, with hand-made results (no network, no root). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/exitcodes.h"
#include "discovery/apply.h"

struct fixture {
	char dir[64];
	struct recdb *db;
	struct iscsid_conf conf;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct rec_err err;

	snprintf(f->dir, sizeof(f->dir), "/tmp/test-disc-apply.XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	assert_int_equal(recdb_open(f->dir, &f->db, &err), 0);
	assert_int_equal(iscsid_conf_init(&f->conf, &err), 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	char cmd[128];

	recdb_close(f->db);
	iscsid_conf_free(&f->conf);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
	assert_int_equal(system(cmd), 0);
	free(f);
	return 0;
}

/* A result from portal 192.0.2.1:3260 with n targets "t<i>" at addr. */
static void result(struct discovery_result *r, size_t n, const char *addr, int tpgt)
{
	memset(r, 0, sizeof(*r));
	snprintf(r->portal_addr, sizeof(r->portal_addr), "192.0.2.1");
	r->portal_port = 3260;
	r->records = calloc(n ? n : 1, sizeof(*r->records));
	r->count = n;
	for (size_t i = 0; i < n; i++) {
		snprintf(r->records[i].target_name, sizeof(r->records[i].target_name),
			 "iqn.2001-04.com.example:t%zu", i);
		snprintf(r->records[i].address, sizeof(r->records[i].address), "%s", addr);
		r->records[i].port = 3260;
		r->records[i].tpgt = tpgt;
	}
}

static size_t count(struct recdb *db, enum rec_kind kind)
{
	struct rec_filter flt = rec_filter_all(kind);
	struct rec_key *keys;
	struct rec_err err;
	size_t n;

	assert_int_equal(recdb_list(db, &flt, &keys, &n, &err), 0);
	free(keys);
	return n;
}

static int apply(struct fixture *f, const struct discovery_result *r, unsigned ops)
{
	struct discovery_apply_opts o = { .ops = ops };
	struct discovery_applied a;
	struct rec_err err;
	int rc = discovery_apply(f->db, &f->conf, r, &o, &a, &err);

	if (rc == 0)
		discovery_applied_free(&a);
	return rc;
}

static const char *node_value(struct fixture *f, const char *target, const char *addr, int tpgt,
			      const char *key, char *buf, size_t size)
{
	struct rec_key k = { .kind = REC_NODE, .port = 3260, .tpgt = tpgt };
	struct rec_err err;
	struct rec *r;

	snprintf(k.target, sizeof(k.target), "%s", target);
	snprintf(k.addr, sizeof(k.addr), "%s", addr);
	snprintf(k.iface, sizeof(k.iface), "default");
	if (recdb_get(f->db, &k, &r, &err) < 0)
		return NULL;
	snprintf(buf, size, "%s", rec_get(r, key));
	rec_free(r);
	return buf;
}

static void new_records_and_discovery_record(void **state)
{
	struct fixture *f = *state;
	struct discovery_result r;
	char v[64];

	result(&r, 3, "10.0.0.1", 1);
	assert_int_equal(apply(f, &r, 0), 0);
	assert_int_equal(count(f->db, REC_NODE), 3);
	assert_int_equal(count(f->db, REC_DISCOVERY_ST), 1);
	assert_string_equal(node_value(f, "iqn.2001-04.com.example:t2", "10.0.0.1", 1,
				       "node.discovery_type", v, sizeof(v)), "send_targets");
	assert_string_equal(node_value(f, "iqn.2001-04.com.example:t2", "10.0.0.1", 1,
				       "node.discovery_address", v, sizeof(v)), "192.0.2.1");
	assert_string_equal(node_value(f, "iqn.2001-04.com.example:t2", "10.0.0.1", 1,
				       "iface.iscsi_ifacename", v, sizeof(v)), "default");
	discovery_result_free(&r);
}

static void update_rebuilds_new_keeps(void **state)
{
	struct fixture *f = *state;
	struct discovery_result r;
	struct rec_filter flt = rec_filter_all(REC_NODE);
	struct rec_err err;
	size_t n;
	char v[64];

	result(&r, 1, "10.0.0.1", 1);
	assert_int_equal(apply(f, &r, 0), 0);
	assert_int_equal(recdb_update(f->db, &flt, "node.startup", "automatic", &n, &err), 0);
	assert_int_equal(apply(f, &r, DISC_OP_NEW), 0);
	assert_string_equal(node_value(f, "iqn.2001-04.com.example:t0", "10.0.0.1", 1,
				       "node.startup", v, sizeof(v)), "automatic");
	assert_int_equal(apply(f, &r, DISC_OP_UPDATE), 0);
	assert_string_equal(node_value(f, "iqn.2001-04.com.example:t0", "10.0.0.1", 1,
				       "node.startup", v, sizeof(v)), "manual");
	discovery_result_free(&r);
}

static void update_alone_creates_nothing(void **state)
{
	struct fixture *f = *state;
	struct discovery_result r;

	result(&r, 2, "10.0.0.1", 1);
	assert_int_equal(apply(f, &r, DISC_OP_UPDATE), 0);
	assert_int_equal(count(f->db, REC_NODE), 0);
	discovery_result_free(&r);
}

static void delete_only_this_portals_stale_records(void **state)
{
	struct fixture *f = *state;
	struct discovery_result r, other, fewer;

	result(&r, 3, "10.0.0.1", 1);
	assert_int_equal(apply(f, &r, 0), 0);
	/* The same targets found through another discovery portal. */
	result(&other, 3, "10.0.0.2", 1);
	snprintf(other.portal_addr, sizeof(other.portal_addr), "192.0.2.99");
	assert_int_equal(apply(f, &other, 0), 0);
	assert_int_equal(count(f->db, REC_NODE), 6);

	result(&fewer, 1, "10.0.0.1", 1);
	assert_int_equal(apply(f, &fewer, DISC_OP_NEW | DISC_OP_UPDATE), 0);
	assert_int_equal(count(f->db, REC_NODE), 6);   /* no delete asked */
	assert_int_equal(apply(f, &fewer, DISC_OP_DELETE), 0);
	assert_int_equal(count(f->db, REC_NODE), 4);   /* t1, t2 of 192.0.2.1 gone */
	discovery_result_free(&r);
	discovery_result_free(&other);
	discovery_result_free(&fewer);
}

static void tpgt_change_replaces_record(void **state)
{
	struct fixture *f = *state;
	struct discovery_result r;
	char v[64];

	result(&r, 1, "10.0.0.1", 1);
	assert_int_equal(apply(f, &r, 0), 0);
	r.records[0].tpgt = 5;
	assert_int_equal(apply(f, &r, 0), 0);
	assert_int_equal(count(f->db, REC_NODE), 1);
	assert_non_null(node_value(f, "iqn.2001-04.com.example:t0", "10.0.0.1", 5, "node.tpgt", v,
				   sizeof(v)));
	discovery_result_free(&r);
}

static void nonpersistent_writes_nothing(void **state)
{
	struct fixture *f = *state;
	struct discovery_result r;
	struct discovery_apply_opts o = { .ops = DISC_OP_NONPERSISTENT | DISC_OP_NEW };
	struct discovery_applied a;
	struct rec_err err;

	result(&r, 4, "10.0.0.1", 1);
	assert_int_equal(discovery_apply(f->db, &f->conf, &r, &o, &a, &err), 0);
	assert_int_equal(a.n, 4);
	assert_int_equal(count(f->db, REC_NODE), 0);
	assert_int_equal(count(f->db, REC_DISCOVERY_ST), 0);
	discovery_applied_free(&a);
	discovery_result_free(&r);
}

static void ifaces_checked_and_multiplied(void **state)
{
	struct fixture *f = *state;
	const char *const two[] = { "default", "iser" };
	const char *const bad[] = { "nosuch" };
	struct discovery_apply_opts o = { .ifaces = two, .n_ifaces = 2 };
	struct discovery_apply_opts ob = { .ifaces = bad, .n_ifaces = 1 };
	struct discovery_applied a;
	struct discovery_result r;
	struct rec_err err;

	assert_int_equal(discovery_apply_check(f->db, &o, &err), 0);
	assert_int_not_equal(discovery_apply_check(f->db, &ob, &err), 0);
	assert_non_null(strstr(err.msg, "nosuch"));
	result(&r, 2, "10.0.0.1", 1);
	assert_int_equal(discovery_apply(f->db, &f->conf, &r, &o, &a, &err), 0);
	assert_int_equal(a.n, 4);
	assert_string_equal(a.keys[0].iface, "default");
	assert_string_equal(a.keys[2].iface, "iser");
	assert_int_equal(count(f->db, REC_NODE), 4);
	discovery_applied_free(&a);
	discovery_result_free(&r);
}

static void repeats_after_resolution_once(void **state)
{
	struct fixture *f = *state;
	struct discovery_result r;
	struct discovery_apply_opts o = { .ops = DISC_OP_NONPERSISTENT };
	struct discovery_applied a;
	struct rec_err err;

	result(&r, 3, "10.0.0.1", 1);
	/* Two host names of t0 that resolved to the same address. */
	r.records[2] = r.records[0];
	assert_int_equal(discovery_apply(f->db, &f->conf, &r, &o, &a, &err), 0);
	assert_int_equal(a.n, 2);
	assert_string_equal(a.keys[0].target, "iqn.2001-04.com.example:t0");
	assert_string_equal(a.keys[1].target, "iqn.2001-04.com.example:t1");
	discovery_applied_free(&a);
	discovery_result_free(&r);
}

static void printing(void **state)
{
	struct rec_key k[3] = {
		{ .kind = REC_NODE, .target = "iqn.2001-04.com.example:a", .addr = "10.0.0.1",
		  .port = 3260, .tpgt = 1, .iface = "default" },
		{ .kind = REC_NODE, .target = "iqn.2001-04.com.example:a", .addr = "fd00::1",
		  .port = 3261, .tpgt = -1, .iface = "default" },
		{ .kind = REC_NODE, .target = "iqn.2001-04.com.example:b", .addr = "10.0.0.2",
		  .port = 3260, .tpgt = 2, .iface = "ifa" },
	};
	char *buf;
	size_t len;
	FILE *m;

	(void)state;
	m = open_memstream(&buf, &len);
	discovery_print(m, k, 3, -1);
	fclose(m);
	assert_string_equal(buf, "10.0.0.1:3260,1 iqn.2001-04.com.example:a\n"
				 "[fd00::1]:3261,-1 iqn.2001-04.com.example:a\n"
				 "10.0.0.2:3260,2 iqn.2001-04.com.example:b\n");
	free(buf);
	m = open_memstream(&buf, &len);
	discovery_print(m, k, 3, 1);
	fclose(m);
	assert_string_equal(buf, "Target: iqn.2001-04.com.example:a\n"
				 "\tPortal: 10.0.0.1:3260,1\n\t\tIface Name: default\n"
				 "\tPortal: [fd00::1]:3261,-1\n\t\tIface Name: default\n"
				 "Target: iqn.2001-04.com.example:b\n"
				 "\tPortal: 10.0.0.2:3260,2\n\t\tIface Name: ifa\n");
	free(buf);
}

static void timeouts_from_record(void **state)
{
	struct fixture *f = *state;
	uint32_t c, t;

	discovery_timeouts(f->conf.discovery, &c, &t);
	assert_int_equal(c, 15000);             /* login_timeout 15 */
	assert_int_equal(t, 45000);             /* + active_timeout 30 */
	assert_int_equal(discovery_max_recv_dsl(f->conf.discovery), 32768);
	discovery_timeouts(NULL, &c, &t);
	assert_int_equal(c, 0);
	assert_int_equal(t, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(new_records_and_discovery_record, setup, teardown),
		cmocka_unit_test_setup_teardown(update_rebuilds_new_keeps, setup, teardown),
		cmocka_unit_test_setup_teardown(update_alone_creates_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(delete_only_this_portals_stale_records, setup,
						teardown),
		cmocka_unit_test_setup_teardown(tpgt_change_replaces_record, setup, teardown),
		cmocka_unit_test_setup_teardown(nonpersistent_writes_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(ifaces_checked_and_multiplied, setup, teardown),
		cmocka_unit_test_setup_teardown(repeats_after_resolution_once, setup, teardown),
		cmocka_unit_test(printing),
		cmocka_unit_test_setup_teardown(timeouts_from_record, setup, teardown),
	};

	return cmocka_run_group_tests_name("discovery_apply", tests, NULL, NULL);
}
