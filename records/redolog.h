/* The redo log of the record database (internal to records/, format in
 * records/redolog.c). Each appended entry is one transaction: a set of
 * puts and deletes that is applied entirely or not at all. */
#ifndef RECORDS_REDOLOG_H
#define RECORDS_REDOLOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "records/rec_err.h"
#include "records/strmap.h"

#define REDOLOG_HEADER_LEN 16
#define REDOLOG_MAX_SIZE   (64u << 20)   /* larger is treated as damage */

struct redolog_state {
	int loaded;         /* the fields below describe what map holds */
	uint32_t gen;       /* header generation, bumped by every reset */
	size_t file_size;
	size_t valid_end;   /* where the next entry goes; < file_size after a torn write */
	size_t entries;
	int needs_header;   /* empty or torn header: write one before appending */
};

/* Brings map up to date with the log at fd: when st describes an earlier
 * load of the same generation, only entries appended since are read;
 * otherwise map is emptied and the whole log read (*reloaded set). Every
 * complete transaction is applied in order. A torn last entry (a writer
 * killed mid-write, never reported done) is ignored; damage anywhere else
 * is REC_E_CORRUPT, a file that is not a log REC_E_FOREIGN; both name
 * path. On failure st->loaded is 0. */
int redolog_refresh(int fd, const char *path, struct strmap *map, struct redolog_state *st,
		    bool *reloaded, struct rec_err *err);

/* Appends ops (one transaction) at st->valid_end, cutting off any torn
 * tail first, and fdatasyncs. Updates st (not the map). */
int redolog_append(int fd, const char *path, struct redolog_state *st,
		   const struct strmap *ops, struct rec_err *err);

/* Empties the log to a bare header of the next generation and
 * fdatasyncs. */
int redolog_reset(int fd, const char *path, struct redolog_state *st, struct rec_err *err);

#endif
