#include "base/paths.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/log.h"

static int root_is_safe(const char *root)
{
	if (root[0] != '/')
		return 0;
	for (const char *p = root; (p = strstr(p, "..")) != NULL; p += 2) {
		int starts = p == root || p[-1] == '/';
		int ends = p[2] == '\0' || p[2] == '/';
		if (starts && ends)
			return 0;
	}
	return 1;
}

const char *iscsi_root(void)
{
	static int warned;
	const char *root = getenv("ISCSI_ROOT");

	if (!root || !*root)
		return "";
	if (!root_is_safe(root)) {
		if (!warned++)
			log_warn("ignoring ISCSI_ROOT=%s: it must be an absolute path without '..'", root);
		return "";
	}
	return root;
}

int iscsi_path(char *out, size_t size, const char *default_path)
{
	const char *root = iscsi_root();
	size_t rootlen = strlen(root);

	/* "/x/" + "/etc" would give "//etc": harmless, but keep paths tidy. */
	while (rootlen > 0 && root[rootlen - 1] == '/')
		rootlen--;
	int n = snprintf(out, size, "%.*s%s", (int)rootlen, root, default_path);
	if (n < 0 || (size_t)n >= size) {
		if (size)
			out[0] = '\0';
		return -1;
	}
	return 0;
}

int self_exe_dir(char *out, size_t size)
{
	if (size < 2)
		return -1;
	ssize_t n = readlink("/proc/self/exe", out, size - 1);
	if (n <= 0 || (size_t)n >= size - 1)
		return -1;
	out[n] = '\0';
	char *slash = strrchr(out, '/');
	if (!slash)
		return -1;
	if (slash == out)
		slash[1] = '\0';
	else
		*slash = '\0';
	return 0;
}

int helper_path(char *out, size_t size, const char *name)
{
	char dir[4096];

	if (self_exe_dir(dir, sizeof(dir)) < 0)
		return -1;
	int n = snprintf(out, size, "%s/%s", strcmp(dir, "/") ? dir : "", name);
	return n < 0 || (size_t)n >= size ? -1 : 0;
}
