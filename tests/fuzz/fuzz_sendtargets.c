/* libFuzzer harness for the SendTargets answer: the bytes a target sends,
 * cut into PDUs and joined by the text assembler exactly as the discovery
 * worker does, then parsed by discovery/sendtargets.c.
 *
 * Input: byte 0 is the PDU size (0 means one PDU), byte 1 bit 0 says
 * whether a discovery portal is known; the rest is the answer's data.
 * Whatever the input, every entry that comes out must pass the checks
 * the driver applies again (discovery_record_check), the assembled parse
 * and the one-shot parse must agree, and nothing may crash or leak. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "discovery/driver.h"
#include "discovery/sendtargets.h"

static void check_entries(const struct st_list *l)
{
	char msg[256];

	for (size_t i = 0; i < l->n; i++) {
		const struct st_entry *e = &l->v[i];
		if (discovery_record_check(e->target, e->host, e->port, msg, sizeof(msg)) < 0)
			abort();
		if (e->tpgt < -1 || e->tpgt > 65535)
			abort();
		/* Names end up in record paths. */
		if (strchr(e->target, '/') || strstr(e->target, ".."))
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct st_default def = { "192.0.2.1", 3260 };
	struct text_assembler as;
	struct text_limits lim;
	struct text_list keys;
	struct text_error terr;
	struct st_list a, b;
	char msg[256];

	if (size < 2)
		return 0;
	size_t chunk = data[0] ? data[0] : size;
	const struct st_default *d = (data[1] & 1) ? &def : NULL;
	data += 2;
	size -= 2;

	st_text_limits(&lim);
	text_asm_init(&as, &lim);
	enum text_err te = TEXT_OK;
	size_t off = 0;
	do {
		size_t n = size - off < chunk ? size - off : chunk;
		bool more = off + n < size;
		te = text_asm_add(&as, data + off, n, more, &keys, &terr);
		off += n;
		if (te != TEXT_OK || !more)
			break;
	} while (1);
	text_asm_free(&as);

	enum st_err ea = ST_ERR_TEXT;
	st_list_init(&a);
	if (te == TEXT_OK) {
		ea = st_parse(&keys, d, 0, &a, msg, sizeof(msg));
		check_entries(&a);
	}
	text_list_free(&keys);

	enum st_err eb = st_parse_text(data, size, d, 0, &b, msg, sizeof(msg));
	check_entries(&b);
	/* Joining PDUs must not change the meaning of the text, except that
	 * the assembler counts PDUs (a 1-byte chunking of a large input may
	 * hit the PDU bound). */
	if (te == TEXT_OK && ea != eb)
		abort();
	if (ea == ST_OK && eb == ST_OK) {
		if (a.n != b.n)
			abort();
		for (size_t i = 0; i < a.n; i++)
			if (strcmp(a.v[i].target, b.v[i].target) || strcmp(a.v[i].host, b.v[i].host) ||
			    a.v[i].port != b.v[i].port || a.v[i].tpgt != b.v[i].tpgt)
				abort();
	}
	if ((ea != ST_OK && a.n) || (eb != ST_OK && b.n))
		abort();        /* an answer is taken whole or not at all */
	st_list_free(&a);
	st_list_free(&b);
	return 0;
}
