#include "adm/msg.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "base/exitcodes.h"
#include "base/log.h"
#include "proto/names.h"

int adm_fail(int code, const char *fmt, ...)
{
	char line[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	log_error("%s", line);
	return code;
}

int adm_fail_rec(const struct rec_err *err)
{
	log_error("%s", err->msg[0] ? err->msg : rec_status_str(err->status));
	return rec_status_exit_code(err->status);
}

int adm_needs_iscsid(const char *what)
{
	log_error("%s needs iscsid, which this version does not provide yet: %s", what,
		  iscsi_exit_str(ISCSI_ERR_ISCSID_NOTCONN));
	return ISCSI_ERR_ISCSID_NOTCONN;
}

int adm_no_records(void)
{
	log_error("No records found");
	return ISCSI_ERR_NO_OBJS_FOUND;
}

const char *adm_esc(char *buf, unsigned size, const char *s)
{
	iscsi_escape(buf, size, s, strlen(s));
	return buf;
}
