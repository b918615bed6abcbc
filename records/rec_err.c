/* Typed errors of the record layer and their iscsiadm exit codes. */
#include "records/rec_err.h"

#include <stdarg.h>
#include <stdio.h>

#include "base/exitcodes.h"

int rec_fail(struct rec_err *err, enum rec_status status, const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return -1;
	err->status = status;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return -1;
}

void rec_err_clear(struct rec_err *err)
{
	if (!err)
		return;
	err->status = REC_OK;
	err->msg[0] = '\0';
}

int rec_status_exit_code(enum rec_status status)
{
	switch (status) {
	case REC_OK:
		return ISCSI_SUCCESS;
	case REC_E_NOMEM:
		return ISCSI_ERR_NOMEM;
	case REC_E_UNKNOWN_KEY:
	case REC_E_BAD_VALUE:
	case REC_E_RANGE:
	case REC_E_TOO_LONG:
	case REC_E_BAD_NAME:
	case REC_E_READONLY:
	case REC_E_EXISTS:
	case REC_E_PORTAL:
	case REC_E_RESOLVE:
	case REC_E_CONFIG:
		return ISCSI_ERR_INVAL;
	case REC_E_NOT_FOUND:
		return ISCSI_ERR_NO_OBJS_FOUND;
	case REC_E_LOCK_TIMEOUT:
		return ISCSI_ERR_BUSY;
	case REC_E_PERM:
		return ISCSI_ERR_ACCESS;
	case REC_E_IO:
	case REC_E_CORRUPT:
	case REC_E_FOREIGN:
		return ISCSI_ERR_IDBM;
	case REC_E_INTERNAL:
		return ISCSI_ERR_INTERNAL;
	}
	return ISCSI_ERR;
}

const char *rec_status_str(enum rec_status status)
{
	static const char *const text[] = {
		[REC_OK] = "success",
		[REC_E_NOMEM] = "out of memory",
		[REC_E_UNKNOWN_KEY] = "unknown key",
		[REC_E_BAD_VALUE] = "invalid value",
		[REC_E_RANGE] = "value out of range",
		[REC_E_TOO_LONG] = "value too long",
		[REC_E_BAD_NAME] = "invalid name",
		[REC_E_READONLY] = "read-only",
		[REC_E_NOT_FOUND] = "record not found",
		[REC_E_EXISTS] = "record exists",
		[REC_E_PORTAL] = "invalid portal",
		[REC_E_RESOLVE] = "host name does not resolve",
		[REC_E_IO] = "I/O error",
		[REC_E_LOCK_TIMEOUT] = "database busy",
		[REC_E_CORRUPT] = "database damaged",
		[REC_E_FOREIGN] = "not a record database",
		[REC_E_CONFIG] = "invalid configuration",
		[REC_E_PERM] = "unsafe file permissions",
		[REC_E_INTERNAL] = "internal error",
	};

	if ((unsigned)status < sizeof(text) / sizeof(text[0]) && text[status])
		return text[status];
	return "unknown record error";
}
