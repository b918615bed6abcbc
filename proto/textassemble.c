/* Text exchanges spread over several PDUs (RFC 7143 6.2 and the C bit of
 * Login and Text PDUs): joining received segments, cutting outgoing ones. */
#include "proto/textkeys.h"

#include <stdlib.h>
#include <string.h>

void text_asm_init(struct text_assembler *as, const struct text_limits *lim)
{
	memset(as, 0, sizeof(*as));
	if (lim)
		as->lim = *lim;
	else
		text_limits_default(&as->lim);
}

static enum text_err asm_fail(struct text_assembler *as, struct text_list *out,
			      struct text_error *err, enum text_err code, size_t limit)
{
	as->finished = true;
	text_list_init(out);
	if (err) {
		memset(err, 0, sizeof(*err));
		err->code = code;
		err->offset = as->len;
		err->limit = limit;
	}
	return code;
}

enum text_err text_asm_add(struct text_assembler *as, const uint8_t *seg, size_t len,
			   bool continues, struct text_list *out, struct text_error *err)
{
	if (as->finished)
		return asm_fail(as, out, err, TEXT_ERR_STATE, 0);
	if (as->pdus >= as->lim.max_pdus)
		return asm_fail(as, out, err, TEXT_ERR_TOO_MANY_PDUS, as->lim.max_pdus);
	as->pdus++;
	if (len > as->lim.max_total - as->len)
		return asm_fail(as, out, err, TEXT_ERR_EXCHANGE_TOO_LONG, as->lim.max_total);
	if (len > as->cap - as->len) {
		/* Grow geometrically, but never past the exchange bound. */
		size_t ncap = as->cap ? as->cap : 1024;
		while (ncap < as->len + len)
			ncap *= 2;
		if (ncap > as->lim.max_total)
			ncap = as->lim.max_total;
		uint8_t *nb = realloc(as->buf, ncap);
		if (!nb)
			return asm_fail(as, out, err, TEXT_ERR_NOMEM, 0);
		as->buf = nb;
		as->cap = ncap;
	}
	if (len) {
		memcpy(as->buf + as->len, seg, len);
		as->len += len;
	}
	if (continues)
		return TEXT_OK;
	as->finished = true;
	return text_parse(as->buf, as->len, &as->lim, out, err);
}

void text_asm_reset(struct text_assembler *as)
{
	as->len = 0;
	as->pdus = 0;
	as->finished = false;
}

void text_asm_free(struct text_assembler *as)
{
	free(as->buf);
	as->buf = NULL;
	as->len = as->cap = 0;
	as->pdus = 0;
	as->finished = true;
}

void text_split_init(struct text_splitter *sp, const uint8_t *blob, size_t len, size_t max_chunk)
{
	sp->blob = blob;
	sp->len = len;
	sp->off = 0;
	sp->max_chunk = max_chunk;
	sp->done = max_chunk == 0;
}

bool text_split_next(struct text_splitter *sp, const uint8_t **chunk, size_t *chunk_len, bool *cont)
{
	size_t n;

	if (sp->done)
		return false;
	n = sp->len - sp->off;
	if (n > sp->max_chunk)
		n = sp->max_chunk;
	*chunk = sp->blob ? sp->blob + sp->off : sp->blob;
	*chunk_len = n;
	sp->off += n;
	*cont = sp->off < sp->len;
	if (!*cont)
		sp->done = true;
	return true;
}
