/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * pyvenv.cfg: "key = value" lines, read the way CPython's site.py reads them (keys
 * lower-cased, both sides stripped, lines without '=' ignored) and written in the order
 * given, so the files venvrun writes diff cleanly against virtualenv's.
 */

#include <stddef.h>

#include "venvrun/error.h"

struct vr_cfg_entry {
	char *key;
	char *value;
};

struct vr_pyvenv_cfg {
	struct vr_cfg_entry *entries;
	size_t n;
};

/* Parse text (from `where`, for errors); the previous content of cfg is replaced. */
int vr_pyvenv_cfg_parse(const char *text, const char *where, struct vr_pyvenv_cfg *cfg, struct vr_error *err);
/* The value of key (case-insensitive), or NULL. */
const char *vr_pyvenv_cfg_get(const struct vr_pyvenv_cfg *cfg, const char *key);
/* Set key (replacing in place, or appending). Refuses values holding a newline (EINVAL). */
int vr_pyvenv_cfg_set(struct vr_pyvenv_cfg *cfg, const char *key, const char *value);
/* The file's text; caller frees; NULL on ENOMEM. */
char *vr_pyvenv_cfg_format(const struct vr_pyvenv_cfg *cfg);
void vr_pyvenv_cfg_done(struct vr_pyvenv_cfg *cfg);
/* A prompt as python -m venv writes it (repr-quoted, 'name') or bare, unquoted. Caller frees. */
char *vr_pyvenv_cfg_unquote(const char *value);
