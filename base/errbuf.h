/* Caller-supplied error buffers: many setup functions report failure as
 * -1 plus a one-line message in (err, errlen), so that the caller decides
 * where the line goes (stderr before logging exists, syslog after). */
#ifndef BASE_ERRBUF_H
#define BASE_ERRBUF_H

#include <stddef.h>

/* Formats the message into err (truncated to errlen, always terminated
 * when errlen > 0) and returns -1, so a failure path is one statement:
 *	return errbuf_set(err, errlen, "cannot open %s", path); */
int errbuf_set(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
