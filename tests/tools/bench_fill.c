/* bench_fill N: creates N node records in the database of $ISCSI_ROOT
 * for tests/bench/records.sh, the way `iscsiadm -m node -o new -T
 * iqn.2001-05.com.example:bench-I -p 10.A.B.C:3260,1` does (compiled
 * defaults, bound to the default iface), but 500 records per transaction
 * instead of one process per record, so that 10,000 records take
 * seconds. */
#include <stdio.h>
#include <stdlib.h>

#include "records/db.h"
#include "records/record.h"

#define PER_TXN 500

struct fill {
	long first, count;
	const struct rec *iface;
};

static int fill_txn(struct recdb_txn *txn, void *arg, struct rec_err *err)
{
	const struct fill *f = arg;
	char name[96], addr[32];

	for (long i = f->first; i < f->first + f->count; i++) {
		struct rec *r = rec_new(REC_NODE);
		int rc;

		if (!r)
			return rec_fail(err, REC_E_NOMEM, "out of memory");
		rec_node_bind_iface(r, f->iface);
		snprintf(name, sizeof(name), "iqn.2001-05.com.example:bench-%ld", i);
		snprintf(addr, sizeof(addr), "10.%ld.%ld.%ld", i / 65536 % 256, i / 256 % 256,
			 i % 256);
		rc = rec_set(r, "node.name", name, err) < 0 ||
		     rec_set(r, "node.conn[0].address", addr, err) < 0 ||
		     rec_set(r, "node.tpgt", "1", err) < 0 || recdb_txn_put(txn, r, true, err) < 0;
		rec_free(r);
		if (rc)
			return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct rec_key ikey = { .kind = REC_IFACE, .tpgt = REC_TPGT_NONE, .iface = "default" };
	struct rec *iface;
	struct recdb *db;
	struct rec_err err;
	long n = argc == 2 ? strtol(argv[1], NULL, 10) : 0;

	if (n <= 0 || n > 1000000) {
		fprintf(stderr, "usage: bench_fill N (1..1000000)\n");
		return 2;
	}
	if (recdb_open(NULL, &db, &err) < 0 || recdb_get(db, &ikey, &iface, &err) < 0) {
		fprintf(stderr, "bench_fill: %s\n", err.msg);
		return 1;
	}
	for (long first = 0; first < n; first += PER_TXN) {
		struct fill f = { first, n - first < PER_TXN ? n - first : PER_TXN, iface };

		if (recdb_transact(db, fill_txn, &f, &err) < 0) {
			fprintf(stderr, "bench_fill: %s\n", err.msg);
			return 1;
		}
	}
	rec_free(iface);
	recdb_close(db);
	return 0;
}
