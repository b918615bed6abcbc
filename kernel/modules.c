#include "kernel/modules.h"

#include <errno.h>
#include <libkmod.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "base/log.h"

/* The kernel's MODULE_NAME_LEN is 64 with 8 bytes of bookkeeping. */
#define MODULE_NAME_MAX 55

static bool module_name_ok(const char *name)
{
	size_t n = 0;

	for (const char *p = name; *p; p++, n++) {
		char c = *p;
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '_' || c == '-'))
			return false;
	}
	return n >= 1 && n <= MODULE_NAME_MAX;
}

const char *module_for_transport(const char *transport, char *buf, size_t size)
{
	const char *name = transport;

	if (!module_name_ok(transport))
		return NULL;
	if (strcmp(transport, "tcp") == 0)
		name = "iscsi_tcp";
	else if (strcmp(transport, "iser") == 0)
		name = "ib_iser";
	int n = snprintf(buf, size, "%s", name);
	if (n < 0 || (size_t)n >= size)
		return NULL;
	return buf;
}

/* libkmod's own messages go to the debug log: the caller reports the one
 * line that matters. */
static void kmod_log_quiet(void *data, int priority, const char *file, int line,
			   const char *fn, const char *format, va_list args)
{
	char msg[256];

	(void)data;
	(void)priority;
	(void)file;
	(void)line;
	(void)fn;
	vsnprintf(msg, sizeof(msg), format, args);
	msg[strcspn(msg, "\n")] = '\0';
	log_debug(2, "libkmod: %s", msg);
}

static int fail(int rc, char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int fail(int rc, char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (errlen > 0)
		vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return rc;
}

static int insert_first(struct kmod_list *list, const char *name, char *err, size_t errlen)
{
	struct kmod_module *mod = kmod_module_get_module(list);
	int rc, state;

	state = kmod_module_get_initstate(mod);
	if (state == KMOD_MODULE_BUILTIN || state == KMOD_MODULE_LIVE) {
		kmod_module_unref(mod);
		return 0;
	}
	rc = kmod_module_probe_insert_module(mod, 0, NULL, NULL, NULL, NULL);
	kmod_module_unref(mod);
	if (rc == 0)
		return 0;
	if (rc > 0)     /* a flag we did not ask for stopped it */
		return fail(-EINVAL, err, errlen, "loading module %s: refused by modprobe configuration",
			    name);
	switch (-rc) {
	case ENOSYS:
		return fail(-ENOSYS, err, errlen, "the kernel has no module support");
	case EPERM:
	case EACCES:
		return fail(-EPERM, err, errlen, "loading module %s: %s (needs root)", name,
			    strerror(-rc));
	case ENOENT: {
		struct utsname u;
		uname(&u);
		return fail(-ENOENT, err, errlen, "module %s not found for kernel %s", name,
			    u.release);
	}
	default:
		return fail(rc, err, errlen, "loading module %s: %s", name, strerror(-rc));
	}
}

int module_load(const char *name, char *err, size_t errlen)
{
	struct kmod_ctx *ctx;
	struct kmod_list *list = NULL;
	struct utsname u;
	int rc;

	if (!module_name_ok(name))
		return fail(-EINVAL, err, errlen, "invalid module name");
	/* Without CONFIG_MODULES the kernel has no /proc/modules. */
	if (access("/proc/modules", F_OK) < 0 && errno == ENOENT)
		return fail(-ENOSYS, err, errlen, "the kernel has no module support");
	ctx = kmod_new(NULL, NULL);
	if (!ctx)
		return fail(-ENOMEM, err, errlen, "loading module %s: cannot start libkmod", name);
	kmod_set_log_fn(ctx, kmod_log_quiet, NULL);
	rc = kmod_module_new_from_lookup(ctx, name, &list);
	if (rc < 0) {
		rc = fail(rc, err, errlen, "loading module %s: lookup failed: %s", name,
			  strerror(-rc));
	} else if (!list) {
		uname(&u);
		rc = fail(-ENOENT, err, errlen, "module %s not found for kernel %s", name, u.release);
	} else {
		rc = insert_first(list, name, err, errlen);
	}
	kmod_module_unref_list(list);
	kmod_unref(ctx);
	return rc;
}
