/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * The env manifest ENV/venvrun.json beyond what config/policy.h offers: the whole document,
 * so that `create --upgrade` can carry "seeded" and "policy" over into the manifest it
 * rewrites.
 */

#include <jansson.h>
#include <stddef.h>

#include "venvrun/error.h"

/* The manifest's file name in an env. */
#define VR_MANIFEST_NAME "venvrun.json"
/* Read whole, up to this size (as policy files are). */
#define VR_MANIFEST_FILE_MAX (1024 * 1024)

/* Parse and validate a whole manifest (as vr_manifest_parse() does); *ret gets the
 * document, its "policy" normalised. */
int vr_manifest_parse_doc(const char *text, size_t len, const char *file, json_t **ret, struct vr_error *err);

/* vr_manifest_format() with the "seeded" list as well (NULL: an empty list). */
char *vr_manifest_format_full(const char *implementation, const char *version, const char *executable, json_t *seeded,
			      json_t *policy);
