/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "strv.h"

size_t
vr_strv_length(char *const *v)
{
	size_t n = 0;

	while (v && v[n])
		n++;
	return n;
}

bool
vr_strv_contains(char *const *v, const char *s)
{
	for (size_t i = 0; v && v[i]; i++)
		if (streq(v[i], s))
			return true;
	return false;
}

int
vr_strv_consume(char ***v, char *s)
{
	size_t n = vr_strv_length(*v);
	char **nv;

	if (!s)
		return -ENOMEM;
	nv = realloc(*v, (n + 2) * sizeof(char *));
	if (!nv) {
		free(s);
		return -ENOMEM;
	}
	nv[n] = s;
	nv[n + 1] = NULL;
	*v = nv;
	return 0;
}

int
vr_strv_push(char ***v, const char *s)
{
	return vr_strv_consume(v, strdup(s));
}

char **
vr_strv_free(char **v)
{
	for (size_t i = 0; v && v[i]; i++)
		free(v[i]);
	free(v);
	return NULL;
}

int
vr_strv_split(const char *s, char sep, char ***ret)
{
	_cleanup_strv_free_ char **v = NULL;
	const char *p = s;

	while (*p) {
		const char *e = strchr(p, sep);
		size_t n = e ? (size_t)(e - p) : strlen(p);

		if (n > 0 && vr_strv_consume(&v, strndup(p, n)) < 0)
			return -ENOMEM;
		p += n;
		if (*p)
			p++;
	}
	if (!v) {
		v = calloc(1, sizeof(char *));
		if (!v)
			return -ENOMEM;
	}
	*ret = TAKE_PTR(v);
	return 0;
}
