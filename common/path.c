/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "path.h"

char *
vr_path_join(const char *a, const char *b)
{
	size_t la = strlen(a);
	char *p;

	while (la > 1 && a[la - 1] == '/')
		la--;
	while (*b == '/')
		b++;
	p = malloc(la + strlen(b) + 2);
	if (!p)
		return NULL;
	memcpy(p, a, la);
	if (la == 0 || a[la - 1] != '/')
		p[la++] = '/';
	strcpy(p + la, b);
	return p;
}

void
vr_path_normalize(char *path)
{
	size_t size = strlen(path) + 1, len = 0;
	char *out, *in = path;

	if (*in != '/')
		return;
	/* Components are copied into a separate buffer, so that reading the input never
	 * sees what writing the output did; ".." drops the last copied component, never
	 * going above the root. */
	out = malloc(size);
	if (!out)
		return;
	while (*in) {
		size_t n;

		while (*in == '/')
			in++;
		n = strcspn(in, "/");
		if (n == 0)
			break;
		if (n == 1 && in[0] == '.') {
			/* nothing */
		} else if (n == 2 && in[0] == '.' && in[1] == '.') {
			while (len > 0 && out[len - 1] != '/')
				len--;
			if (len > 0)
				len--; /* the slash before the dropped component */
		} else {
			out[len++] = '/';
			memcpy(out + len, in, n);
			len += n;
		}
		in += n;
	}
	if (len == 0)
		out[len++] = '/';
	out[len] = 0;
	memcpy(path, out, len + 1);
	free(out);
}

int
vr_path_absolute(const char *path, char **ret)
{
	_cleanup_free_ char *p = NULL;

	if (!path || !*path)
		return -EINVAL;
	if (path[0] == '/') {
		p = strdup(path);
	} else {
		_cleanup_free_ char *cwd = getcwd(NULL, 0);
		if (!cwd)
			return -errno;
		p = vr_path_join(cwd, path);
	}
	if (!p)
		return -ENOMEM;
	vr_path_normalize(p);
	*ret = TAKE_PTR(p);
	return 0;
}

const char *
vr_path_basename(const char *path)
{
	const char *s = strrchr(path, '/');

	if (!s)
		return path;
	if (s[1] == 0)
		return s == path ? "/" : path;
	return s + 1;
}

char *
vr_path_dirname(const char *path)
{
	const char *s = strrchr(path, '/');

	if (!s)
		return strdup(".");
	if (s == path)
		return strdup("/");
	return strndup(path, (size_t)(s - path));
}

bool
vr_path_is_ancestor(const char *ancestor, const char *path)
{
	size_t n = strlen(ancestor);

	if (streq(ancestor, "/"))
		return path[0] == '/';
	return strneq(ancestor, path, n) && (path[n] == 0 || path[n] == '/');
}

int
vr_path_check_carriable(const char *path, const char *what, struct vr_error *err)
{
	for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
		if (*p == ':')
			return vr_error_set_at(err, VR_ERR_BAD_PATH, path,
					       "%s holds ':', which PATH and activation scripts cannot carry", what);
		if (*p < 0x20 || *p == 0x7f)
			return vr_error_set_at(err, VR_ERR_BAD_PATH, path,
					       "%s holds a control character (such as a newline), which activation "
					       "scripts cannot carry",
					       what);
	}
	return 0;
}

int
vr_path_find_executable(const char *name, const char *search, char **ret)
{
	const char *p = search;

	if (!name || !*name || strchr(name, '/'))
		return -EINVAL;
	while (p && *p) {
		const char *e = strchr(p, ':');
		size_t n = e ? (size_t)(e - p) : strlen(p);
		_cleanup_free_ char *dir = strndup(p, n);
		_cleanup_free_ char *full = NULL;
		struct stat st;

		p = e ? e + 1 : NULL;
		if (!dir)
			return -ENOMEM;
		/* An empty PATH element means the working directory; venvrun never uses it,
		 * so that a file in the current directory cannot pose as an interpreter. */
		if (n == 0 || dir[0] != '/')
			continue;
		full = vr_path_join(dir, name);
		if (!full)
			return -ENOMEM;
		if (stat(full, &st) == 0 && S_ISREG(st.st_mode) && access(full, X_OK) == 0) {
			*ret = TAKE_PTR(full);
			return 0;
		}
	}
	return -ENOENT;
}
