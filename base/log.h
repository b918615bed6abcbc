/* Logging: stderr for command-line tools and a foreground iscsid, syslog
 * for the daemon. One line per call; a trailing newline is not needed.
 * Never pass a secret to these functions. */
#ifndef BASE_LOG_H
#define BASE_LOG_H

#include <stdarg.h>

enum log_dest { LOG_TO_STDERR, LOG_TO_SYSLOG };

/* ident: program name shown in each line. debug_level: 0 (default) to 8,
 * as iscsid -d / iscsiadm -d. */
void log_init(const char *ident, enum log_dest dest, int debug_level);
int log_debug_level(void);
/* Where lines go now (audit/ echoes its records only to a stderr log). */
enum log_dest log_destination(void);

void log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Printed only when level <= the debug level given to log_init(). */
void log_debug(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
