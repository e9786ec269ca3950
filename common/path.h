/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Lexical path helpers: none of these touch the filesystem unless its comment says so. */

#include <stdbool.h>

#include "venvrun/error.h"

#include "macro.h"

/* Join a and b with one '/'; b absolute is not special. Returns NULL on ENOMEM. */
char *vr_path_join(const char *a, const char *b);
/* Make path absolute against the working directory (reads it) and normalise it
 * lexically: no "//", "." or ".." components, no trailing slash. */
int vr_path_absolute(const char *path, char **ret);
/* Normalise an absolute path lexically in place. */
void vr_path_normalize(char *path);
/* The last component, pointing into path ("/" for "/"). */
const char *vr_path_basename(const char *path);
/* A newly allocated copy of everything before the last component ("/" for "/x"). */
char *vr_path_dirname(const char *path);
/* True when `ancestor` is `path` or one of its parent directories (both normalised). */
bool vr_path_is_ancestor(const char *ancestor, const char *path);
/*
 * Refuse a path that activation scripts and PATH cannot carry: one holding ':' (the PATH
 * separator) or a control character such as a newline. `what` names it in the error.
 */
int vr_path_check_carriable(const char *path, const char *what, struct vr_error *err);
/* Look `name` up in the colon-separated `search` (reads the filesystem): the first
 * regular, executable file. Returns -ENOENT when there is none. */
int vr_path_find_executable(const char *name, const char *search, char **ret);

/* 64-bit FNV-1a of a string, for cache file names (the key itself is checked on read). */
static inline unsigned long long
vr_hash_string(const char *s)
{
	unsigned long long h = 0xcbf29ce484222325ULL;

	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 0x100000001b3ULL;
	}
	return h;
}
