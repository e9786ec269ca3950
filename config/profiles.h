/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * Profiles inside config/: loading one as a JSON layer, and resolving the `extends` of any
 * layer (a profile's, or a --policy file's) against them. Shared by profiles.c,
 * policy-effective.c and check-config.
 */

#include <jansson.h>
#include <stdbool.h>

#include "venvrun/error.h"

/* Policy files, profile files and manifests are read whole, up to this size. */
#define VR_POLICY_FILE_MAX (1024 * 1024)

/* The longest chain of `extends`: more profiles than this in one chain is an error. */
#define VR_PROFILE_DEPTH_MAX 16

/* A profile name: [A-Za-z0-9_.-]{1,64}. */
bool vr_profile_name_is_valid(const char *name);

/*
 * The profile `name` as one validated layer: its embedded text, then each profile
 * directory's NAME.json merged on top, then the profile its layers extend loaded first and
 * all of this merged over it (recursively). "extends" is not kept; no defaults are filled
 * in. -VR_ERR_NO_PROFILE when there is no such profile.
 */
int vr_profile_load_json(const char *name, json_t **ret, struct vr_error *err);

/*
 * When the layer *doc has "extends", load that profile, merge *doc over it and replace
 * *doc by the result; "extends" is removed either way. `where` (the layer's file) is named
 * in errors about the chain.
 */
int vr_profile_resolve_extends(json_t **doc, const char *where, struct vr_error *err);
