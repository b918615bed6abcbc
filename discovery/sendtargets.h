/* The SendTargets answer (RFC 7143 section 13.3 and appendix C): the
 * key=value text of a Text Response, assembled across its C-bit PDUs,
 * turned into a flat list of (target, portal) entries.
 *
 * The text is a sequence of target blocks:
 *
 *	TargetName=<iSCSI name>
 *	TargetAddress=<host>[:<port>][,<tpgt>]      zero or more
 *	TargetName=...
 *
 * host is a dotted IPv4 address, a bracketed IPv6 address or a DNS name.
 * Rules, all checked (the text comes from the network):
 * - every TargetName is a valid iSCSI name (proto/names.h, upper case
 *   tolerated as by the record layer): never '/', "..", spaces or control
 *   characters, since names become record keys;
 * - a TargetAddress before any TargetName is an error;
 * - a TargetAddress is strict: port 1..65535, tpgt 0..65535, a numeric
 *   host must be a valid IPv4 or IPv6 address, a DNS name has labels of
 *   1..63 characters [A-Za-z0-9-] not starting or ending with '-';
 * - a target without any TargetAddress is reached through the discovery
 *   portal itself (what open-iscsi does), with no TPGT;
 * - TargetAlias is allowed and ignored; SendTargets=Reject (or
 *   Irrelevant, NotUnderstood) is the target refusing; any other key is
 *   an error;
 * - an entry repeating an earlier one exactly is dropped; the order of
 *   the rest is the target's;
 * - at most max_records entries. */
#ifndef DISCOVERY_SENDTARGETS_H
#define DISCOVERY_SENDTARGETS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "proto/names.h"
#include "proto/textkeys.h"

/* Bounds of one SendTargets answer, all PDUs together. 2,000 targets
 * with one portal each take about 150 KiB; 8 MiB leaves room for large
 * arrays while keeping a hostile target from using the worker's memory. */
#define ST_MAX_BYTES (8u * 1024 * 1024)
/* PDUs of the answer: 8 MiB in 32 KiB PDUs (our MaxRecvDataSegmentLength
 * in discovery) is 256; targets that use smaller PDUs get 16 times that. */
#define ST_MAX_PDUS 4096u
/* Entries (DISC_DONE counts them in 16 bits). */
#define ST_MAX_RECORDS 65535u
/* A host as TargetAddress carries it: a DNS name or an IP literal. */
#define ST_HOST_MAX 255

enum st_err {
	ST_OK = 0,
	ST_ERR_NOMEM,
	ST_ERR_TEXT,            /* the key=value text itself is malformed */
	ST_ERR_REFUSED,         /* SendTargets=Reject / Irrelevant / NotUnderstood */
	ST_ERR_UNEXPECTED_KEY,  /* a key other than TargetName/TargetAddress/TargetAlias */
	ST_ERR_BAD_NAME,        /* TargetName is not a valid iSCSI name */
	ST_ERR_ADDRESS_FIRST,   /* TargetAddress before any TargetName */
	ST_ERR_BAD_ADDRESS,     /* TargetAddress syntax */
	ST_ERR_TOO_MANY,        /* more than max_records entries */
	ST_ERR_NO_DEFAULT,      /* a target without address and no discovery portal known */
	ST_ERR_COUNT
};

const char *st_strerror(enum st_err err);

/* The strings live in the list's pool (one copy of each target name, not
 * one per portal: a 2,000-target answer touches a few pages, not a few
 * hundred), valid until st_list_free(). */
struct st_entry {
	const char *target;
	const char *host;               /* IPv6 without brackets */
	uint16_t port;
	int32_t tpgt;                   /* -1 when the TargetAddress had none */
	size_t target_off, host_off;    /* in the pool, while parsing */
};

struct st_list {
	struct st_entry *v;
	size_t n, cap;
	char *pool;
	size_t pool_len, pool_cap;
};

/* Where targets without a TargetAddress are reached: the discovery
 * portal (host without brackets). host NULL: such targets are an error. */
struct st_default {
	const char *host;
	uint16_t port;
};

void st_list_init(struct st_list *list);
void st_list_free(struct st_list *list);

/* Parses the keys of a complete answer (text_parse() with
 * TEXT_ALLOW_DUPLICATES) into out (initialised here; empty on error). max_records 0 means ST_MAX_RECORDS. msg gets one line on error
 * naming the key or target (escaped), never more than size bytes. */
enum st_err st_parse(const struct text_list *keys, const struct st_default *def,
		     size_t max_records, struct st_list *out, char *msg, size_t size);

/* The same from the raw data segment of a complete answer. */
enum st_err st_parse_text(const uint8_t *data, size_t len, const struct st_default *def,
			  size_t max_records, struct st_list *out, char *msg, size_t size);

/* Text limits for the assembler of a SendTargets answer. */
void st_text_limits(struct text_limits *lim);

/* Checks a TargetAddress host (without brackets): numeric IPv4, numeric
 * IPv6, or a DNS name as above. True when acceptable. */
bool st_host_valid(const char *host);

#endif
