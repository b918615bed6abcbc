/* For test tools: sets KEY=VALUE lines from a file on a record, so that
 * secrets (CHAP passwords) reach a tool without travelling in argv. Blank
 * lines and lines starting with '#' are skipped; a value runs to the end
 * of its line. */
#ifndef TESTS_TOOLS_REC_FILE_H
#define TESTS_TOOLS_REC_FILE_H

#include <stdio.h>
#include <string.h>

#include "records/record.h"

static inline int rec_file_apply(struct rec *r, const char *path, char *msg, size_t size)
{
	char line[1024];
	struct rec_err err;
	FILE *f = fopen(path, "r");
	int rc = 0;

	if (!f) {
		snprintf(msg, size, "%s: cannot open", path);
		return -1;
	}
	while (rc == 0 && fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		if (!line[0] || line[0] == '#')
			continue;
		char *eq = strchr(line, '=');
		if (!eq) {
			snprintf(msg, size, "%s: a line without '='", path);
			rc = -1;
			break;
		}
		*eq = '\0';
		if (rec_set(r, line, eq + 1, &err) < 0) {
			snprintf(msg, size, "%.60s: %.180s", path, err.msg);
			rc = -1;
		}
	}
	memset(line, 0, sizeof(line));
	fclose(f);
	return rc;
}

#endif
