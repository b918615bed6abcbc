/* Fuzzes every parser of the record layer that reads bytes we did not
 * write in this process: iscsid.conf, initiatorname.iscsi, stored record
 * values, database keys, portal strings, and the redo log. The first byte
 * picks the parser; the rest is its input. */
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "records/config.h"
#include "records/initiatorname.h"
#include "records/portal.h"
#include "records/reckey.h"
#include "records/record.h"
#include "records/redolog.h"

static void fuzz_conf(const char *p, size_t n)
{
	static int devnull = -2;
	struct iscsid_conf c;
	struct rec_err err;
	int saved;

	if (iscsid_conf_init(&c, &err) < 0)
		return;
	/* Unknown keys are warned about on stderr: keep the fuzzer's log
	 * readable, but only around the parse, so crash reports still show. */
	if (devnull == -2)
		devnull = open("/dev/null", O_WRONLY | O_CLOEXEC);
	saved = devnull >= 0 ? dup(2) : -1;
	if (saved >= 0)
		dup2(devnull, 2);
	iscsid_conf_parse(&c, "fuzz.conf", p, n, &err);
	if (saved >= 0) {
		dup2(saved, 2);
		close(saved);
	}
	iscsid_conf_free(&c);
}

static void fuzz_record(const char *p, size_t n)
{
	struct rec *r;
	struct rec_err err;
	char *buf;
	size_t len;

	if (!n)
		return;
	if (rec_deserialize((enum rec_kind)((unsigned char)p[0] % 3), p + 1, n - 1, &r, &err) < 0)
		return;
	/* Whatever was accepted must serialise and read back the same. */
	if (rec_serialize(r, &buf, &len, &err) == 0) {
		struct rec *back;

		if (rec_deserialize(rec_kind_of(r), buf, len, &back, &err) != 0 || !rec_equal(r, back))
			abort();
		rec_free(back);
		free(buf);
	}
	rec_free(r);
}

static void fuzz_key(const char *p, size_t n)
{
	struct rec_key k;
	char again[REC_KEY_TEXT_MAX];
	int len;

	if (rec_key_decode(p, n, &k) < 0)
		return;
	len = rec_key_encode(&k, again, sizeof(again));
	if (len < 0 || (size_t)len != n || memcmp(again, p, n))
		abort();
}

static void fuzz_text(const char *p, size_t n, int which)
{
	char *s = malloc(n + 1);
	struct rec_err err;

	if (!s)
		return;
	memcpy(s, p, n);
	s[n] = '\0';
	if (which == 0) {
		struct portal out;

		portal_parse(s, PORTAL_NO_TPGT & (unsigned)n, &out, &err);
	} else {
		struct initiator_name iname;

		initiatorname_parse("fuzz", s, n, &iname, &err);
	}
	free(s);
}

static void fuzz_log(const uint8_t *p, size_t n)
{
	struct redolog_state st = { 0 };
	struct strmap map;
	struct rec_err err;
	bool reloaded;
	int fd = memfd_create("fuzz-log", 0);

	if (fd < 0)
		return;
	if (write(fd, p, n) == (ssize_t)n) {
		strmap_init(&map);
		redolog_refresh(fd, "fuzz.log", &map, &st, &reloaded, &err);
		/* A second look at unchanged bytes must not fail differently. */
		redolog_refresh(fd, "fuzz.log", &map, &st, &reloaded, &err);
		strmap_free(&map);
	}
	close(fd);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data + 1;
	size_t n;

	if (size < 1 || size > 65536)
		return 0;
	n = size - 1;
	switch (data[0] % 6) {
	case 0:
		fuzz_conf(p, n);
		break;
	case 1:
		fuzz_record(p, n);
		break;
	case 2:
		fuzz_key(p, n);
		break;
	case 3:
		fuzz_text(p, n, 0);
		break;
	case 4:
		fuzz_text(p, n, 1);
		break;
	case 5:
		fuzz_log(data + 1, n);
		break;
	}
	return 0;
}
