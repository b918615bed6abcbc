#include "base/log.h"

#include <stdio.h>
#include <string.h>
#include <syslog.h>

static const char *log_ident = "iscsi";
static enum log_dest log_dest = LOG_TO_STDERR;
static int debug_level;

void log_init(const char *ident, enum log_dest dest, int level)
{
	log_ident = ident;
	log_dest = dest;
	debug_level = level;
	if (dest == LOG_TO_SYSLOG)
		openlog(ident, LOG_PID | LOG_NDELAY, LOG_DAEMON);
}

int log_debug_level(void)
{
	return debug_level;
}

enum log_dest log_destination(void)
{
	return log_dest;
}

static void log_line(int prio, const char *tag, const char *fmt, va_list ap)
{
	char line[1024];

	vsnprintf(line, sizeof(line), fmt, ap);
	/* One event, one line: a value echoed from the network must not be
	 * able to forge a second log line. */
	for (char *p = line; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';
	if (log_dest == LOG_TO_SYSLOG)
		syslog(prio, "%s", line);
	else
		fprintf(stderr, "%s: %s%s\n", log_ident, tag, line);
}

#define LOG_FN(name, prio, tag)                         \
	void name(const char *fmt, ...)                 \
	{                                               \
		va_list ap;                             \
		va_start(ap, fmt);                      \
		log_line(prio, tag, fmt, ap);           \
		va_end(ap);                             \
	}

LOG_FN(log_error, LOG_ERR, "")
LOG_FN(log_warn, LOG_WARNING, "")
LOG_FN(log_info, LOG_INFO, "")

void log_debug(int level, const char *fmt, ...)
{
	va_list ap;

	if (level > debug_level)
		return;
	va_start(ap, fmt);
	log_line(LOG_DEBUG, "debug: ", fmt, ap);
	va_end(ap);
}
