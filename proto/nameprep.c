/* Non-ASCII code points refused in iSCSI names. RFC 3722's stringprep
 * profile maps (B.1, B.2 case folding, NFKC) and then prohibits (C.1.2,
 * C.2.2, C.3 to C.9). A name on the wire must already be the output of
 * that profile, so anything the mapping would change, or the profile
 * prohibits, is refused here. Full NFKC and case-folding tables are not
 * worth their size for names that are ASCII in practice: we refuse whole
 * blocks made of compatibility characters (some of which normalise to '/'
 * or '.', e.g. U+2100 and U+FE52), and check case only where it is cheap. */
#include "proto/nameprep.h"

#include <stdbool.h>
#include <stddef.h>

struct cp_range {
	uint32_t lo, hi;
	enum iscsi_name_err why;
};

static const struct cp_range refused[] = {
	{ 0x0080, 0x009f, NAME_ERR_CONTROL },   /* C1 controls */
	{ 0x00a0, 0x00a0, NAME_ERR_SPACE },     /* C.1.2 */
	{ 0x00a8, 0x00a8, NAME_ERR_UNICODE },   /* NFKC: diaeresis */
	{ 0x00aa, 0x00aa, NAME_ERR_UNICODE },   /* NFKC: ordinal */
	{ 0x00ad, 0x00ad, NAME_ERR_UNICODE },   /* B.1: soft hyphen */
	{ 0x00af, 0x00af, NAME_ERR_UNICODE },   /* NFKC: macron */
	{ 0x00b2, 0x00b5, NAME_ERR_UNICODE },   /* NFKC, B.2: ², ³, ´, µ */
	{ 0x00b8, 0x00ba, NAME_ERR_UNICODE },   /* NFKC: cedilla, ¹, º */
	{ 0x00bc, 0x00be, NAME_ERR_UNICODE },   /* NFKC: fractions */
	{ 0x00df, 0x00df, NAME_ERR_UNICODE },   /* B.2: sharp s folds to "ss" */
	{ 0x0133, 0x0133, NAME_ERR_UNICODE },   /* NFKC: ligature ij */
	{ 0x0140, 0x0140, NAME_ERR_UNICODE },   /* NFKC: l with middle dot */
	{ 0x0149, 0x0149, NAME_ERR_UNICODE },   /* NFKC: 'n */
	{ 0x017f, 0x017f, NAME_ERR_UNICODE },   /* NFKC: long s */
	{ 0x0340, 0x0341, NAME_ERR_UNICODE },   /* C.8 */
	{ 0x034f, 0x034f, NAME_ERR_UNICODE },   /* B.1 */
	{ 0x03c2, 0x03c2, NAME_ERR_UNICODE },   /* B.2: final sigma */
	{ 0x03cf, 0x03ff, NAME_ERR_UNICODE },   /* Greek symbols and archaic letters */
	{ 0x06dd, 0x06dd, NAME_ERR_UNICODE },   /* C.2.2 */
	{ 0x070f, 0x070f, NAME_ERR_UNICODE },   /* C.2.2 */
	{ 0x1680, 0x1680, NAME_ERR_SPACE },     /* C.1.2 */
	{ 0x1806, 0x1806, NAME_ERR_UNICODE },   /* B.1 */
	{ 0x180b, 0x180e, NAME_ERR_UNICODE },   /* B.1, C.2.2 */
	{ 0x2000, 0x200b, NAME_ERR_SPACE },     /* C.1.2 */
	{ 0x200c, 0x202e, NAME_ERR_UNICODE },   /* C.2.2, C.8, dot leaders */
	{ 0x202f, 0x202f, NAME_ERR_SPACE },     /* C.1.2 */
	{ 0x2030, 0x205e, NAME_ERR_UNICODE },   /* punctuation, NFKC primes */
	{ 0x205f, 0x205f, NAME_ERR_SPACE },     /* C.1.2 */
	{ 0x2060, 0x209f, NAME_ERR_UNICODE },   /* C.2.2, C.8, super/subscripts */
	{ 0x2100, 0x218f, NAME_ERR_UNICODE },   /* letterlike (U+2100 is "a/c"), number forms */
	{ 0x2460, 0x24ff, NAME_ERR_UNICODE },   /* enclosed alphanumerics */
	{ 0x2f00, 0x2fff, NAME_ERR_UNICODE },   /* Kangxi radicals (NFKC), C.7 */
	{ 0x3000, 0x3000, NAME_ERR_SPACE },     /* C.1.2 */
	{ 0x3190, 0x319f, NAME_ERR_UNICODE },   /* NFKC: Kanbun */
	{ 0x3200, 0x33ff, NAME_ERR_UNICODE },   /* NFKC: enclosed CJK, squares */
	{ 0xe000, 0xf8ff, NAME_ERR_UNICODE },   /* C.3 private use */
	{ 0xf900, 0xfaff, NAME_ERR_UNICODE },   /* NFKC: CJK compatibility */
	{ 0xfb00, 0xfdff, NAME_ERR_UNICODE },   /* presentation forms, noncharacters */
	{ 0xfe00, 0xfeff, NAME_ERR_UNICODE },   /* B.1 selectors, small forms, BOM */
	{ 0xff00, 0xffff, NAME_ERR_UNICODE },   /* full/halfwidth, C.6, noncharacters */
	{ 0x1d173, 0x1d17a, NAME_ERR_UNICODE }, /* C.2.2 */
	{ 0x1d400, 0x1d7ff, NAME_ERR_UNICODE }, /* NFKC: mathematical letters */
	{ 0x1f100, 0x1f1ff, NAME_ERR_UNICODE }, /* NFKC: enclosed alphanumerics */
	{ 0xe0000, 0xe0fff, NAME_ERR_UNICODE }, /* C.9 tags, selectors */
	{ 0xf0000, 0x10ffff, NAME_ERR_UNICODE },/* C.3 private use planes */
};

/* Upper-case letters that case folding (B.2) would map, in the blocks
 * where that is a simple rule. */
static bool cheap_upper(uint32_t cp)
{
	if (cp >= 0x00c0 && cp <= 0x00de)
		return cp != 0x00d7;                    /* × is not a letter */
	if (cp >= 0x0100 && cp <= 0x0137)
		return cp % 2 == 0;
	if (cp >= 0x0139 && cp <= 0x0148)
		return cp % 2 == 1;
	if (cp >= 0x014a && cp <= 0x0177)
		return cp % 2 == 0;
	if (cp == 0x0178)
		return true;
	if (cp >= 0x0179 && cp <= 0x017e)
		return cp % 2 == 1;
	if (cp == 0x0386 || (cp >= 0x0388 && cp <= 0x038f && cp != 0x038b && cp != 0x038d))
		return true;
	if (cp >= 0x0391 && cp <= 0x03ab)
		return cp != 0x03a2;
	return cp >= 0x0400 && cp <= 0x042f;
}

enum iscsi_name_err nameprep_class(uint32_t cp)
{
	for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		if (cp < refused[i].lo)
			break;          /* the table is sorted */
		if (cp <= refused[i].hi)
			return refused[i].why;
	}
	if ((cp & 0xfffe) == 0xfffe)
		return NAME_ERR_UNICODE;        /* noncharacter in any plane */
	if (cheap_upper(cp))
		return NAME_ERR_UPPER_CASE;
	return NAME_OK;
}
