/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* NULL-terminated string vectors that own their strings. */

#include <stdbool.h>
#include <stddef.h>

#include "macro.h"

size_t vr_strv_length(char *const *v);
bool vr_strv_contains(char *const *v, const char *s);
/* Appends a copy of s; returns 0 or -ENOMEM (v unchanged then). */
int vr_strv_push(char ***v, const char *s);
/* Appends s itself, taking ownership (freed on failure). */
int vr_strv_consume(char ***v, char *s);
char **vr_strv_free(char **v);
/* Splits s at every `sep`; empty fields are dropped. */
int vr_strv_split(const char *s, char sep, char ***ret);

static inline void
vr_strv_freep(char ***v)
{
	vr_strv_free(*v);
}
#define _cleanup_strv_free_ _cleanup_(vr_strv_freep)
