/* Loading a kernel module by name (libkmod, as modprobe does: aliases,
 * dependencies first, the blacklist ignored because the administrator
 * asked for the transport). The monitor loads iscsi_tcp when its
 * transport is not registered yet. */
#ifndef KERNEL_MODULES_H
#define KERNEL_MODULES_H

#include <stddef.h>

/* Loads module name (or finds it loaded or built in). Returns 0, or a
 * negative errno with one line in err:
 *   -ENOSYS  "the kernel has no module support"
 *   -ENOENT  "module iscsi_tcp not found for kernel 6.1.0-56-amd64"
 *   -EPERM   "loading module iscsi_tcp: Operation not permitted (needs root)"
 *   other    "loading module iscsi_tcp: <strerror>"
 * A name that is not a module name ([A-Za-z0-9_-], 1..55) is -EINVAL. */
int module_load(const char *name, char *err, size_t errlen);

/* The module that provides an iSCSI transport ("tcp" -> "iscsi_tcp",
 * "iser" -> "ib_iser", offload drivers under their own name), or NULL for
 * a name no module could have. */
const char *module_for_transport(const char *transport, char *buf, size_t size);

#endif
