/* Runtime paths. Every default path is prefixed by $ISCSI_ROOT when it is
 * set, so a test or a user can run a complete private instance (config,
 * database, run directory) without touching the system's. */
#ifndef BASE_PATHS_H
#define BASE_PATHS_H

#include <stddef.h>

#define ISCSI_CONFIG_DIR      "/etc/iscsi"
#define ISCSID_CONF_PATH      "/etc/iscsi/iscsid.conf"
#define INITIATORNAME_PATH    "/etc/iscsi/initiatorname.iscsi"
#define ISCSI_DB_DIR          "/var/lib/iscsi"
#define ISCSID_RUN_DIR        "/run/iscsid"

/* The prefix from $ISCSI_ROOT ("" when unset). An ISCSI_ROOT that is not an
 * absolute path, or that contains a ".." component, is ignored with a
 * warning: a relative root would make paths depend on the cwd. */
const char *iscsi_root(void);

/* Writes iscsi_root() + default_path into out. Returns 0, or -1 when it
 * does not fit (out is then an empty string). */
int iscsi_path(char *out, size_t size, const char *default_path);

/* Directory holding the running executable (from /proc/self/exe), so that
 * helper programs are found beside it in the build tree and in an install
 * alike, never through $PATH. Returns 0 or -1. */
int self_exe_dir(char *out, size_t size);

/* self_exe_dir() + "/" + name. Returns 0 or -1. */
int helper_path(char *out, size_t size, const char *name);

#endif
