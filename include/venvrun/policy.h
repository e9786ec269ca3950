/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * Policies: everything a run may see and do, as JSON (venvrun.json(5)).
 *
 *     struct vr_policy *p = NULL;
 *     struct vr_policy_sources src = { .profile = "strict", .env = "/path/to/env" };
 *     r = vr_policy_effective(&src, &p, &err);         // profile, env, --policy, flags, merged
 *     char *json = vr_policy_to_json(p);               // the effective policy, every key set
 *     vr_policy_free(p);
 *
 * A policy is built in layers, lowest first: the embedded profile, profile files of the
 * same name (/etc/venvrun/profiles, then $XDG_CONFIG_HOME/venvrun/profiles), the env's
 * ENV/venvrun.json, a --policy FILE, and command-line flags. Each layer is parsed and
 * validated whole before anything is merged: a bad file changes nothing.
 */

#include <stdbool.h>
#include <stddef.h>

#include "venvrun/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The format version this venvrun reads and writes ("version" at the top of a file). */
#define VR_POLICY_VERSION 1

struct vr_policy;

/* Parse and validate one layer. Syntax errors name file:line:column; semantic errors the
 * file and the JSON path ("filesystem.binds[2].mode: expected \"ro\" or \"rw\""); unknown
 * keys are errors with a did-you-mean. `where` names the text in errors. */
VR_PUBLIC int vr_policy_load_file(const char *path, struct vr_policy **ret, struct vr_error *err);
VR_PUBLIC int
vr_policy_load_string(const char *text, size_t len, const char *where, struct vr_policy **ret, struct vr_error *err);

/* An empty layer (no key set), e.g. to collect command-line flags into. */
VR_PUBLIC int vr_policy_new(struct vr_policy **ret, struct vr_error *err);

/* Merge `over` on top of `base` (base changes; over does not). Objects merge key by key,
 * scalars are replaced, lists add (see venvrun.json(5) for each key). */
VR_PUBLIC int vr_policy_merge(struct vr_policy *base, const struct vr_policy *over, struct vr_error *err);

/* Set one key of a layer from text, as a command-line flag does: `path` is a dotted key
 * ("network", "limits.nofile", "filesystem.workdir"), `value` is parsed as that key's type
 * (lists: one element added). Validation as for files; `where` names the flag. */
VR_PUBLIC int
vr_policy_set(struct vr_policy *p, const char *path, const char *value, const char *where, struct vr_error *err);

/* A profile by name, its `extends` chain resolved (embedded, then profile files).
 * VR_ERR_NO_PROFILE when no such profile exists. */
VR_PUBLIC int vr_profile_load(const char *name, struct vr_policy **ret, struct vr_error *err);

struct vr_policy_sources {
	const char *profile;	       /* NULL: "default" */
	const char *env;	       /* an env directory whose venvrun.json is read; NULL: none */
	const char *policy_file;       /* --policy FILE; NULL: none */
	const struct vr_policy *flags; /* command-line flags as a layer; NULL: none */
};

/* The effective policy: every layer merged, every key set (defaults from the schema). */
VR_PUBLIC int vr_policy_effective(const struct vr_policy_sources *src, struct vr_policy **ret, struct vr_error *err);

/* The policy as JSON text (normalised: sizes in bytes, durations with units), which
 * vr_policy_load_string() reads back to an equal policy. Caller frees. */
VR_PUBLIC char *vr_policy_to_json(const struct vr_policy *p);
VR_PUBLIC bool vr_policy_equal(const struct vr_policy *a, const struct vr_policy *b);
VR_PUBLIC void vr_policy_free(struct vr_policy *p);

/* Validate files: policy files or env manifests (venvrun.json), told apart by content. */
VR_PUBLIC int vr_config_check_file(const char *path, struct vr_error *err);

struct vr_profile_info {
	const char *name;
	const char *description;
	bool embedded;		  /* venvrun ships it */
	const char *const *files; /* the profile files that shadow or add to it, lowest first */
};

/* Every profile, embedded or in a profile directory, sorted by name. A broken profile file
 * is an error, not skipped. Free with vr_profile_list_free(). */
VR_PUBLIC int vr_profile_list(struct vr_profile_info **ret, size_t *ret_n, struct vr_error *err);
VR_PUBLIC void vr_profile_list_free(struct vr_profile_info *list, size_t n);

#ifdef __cplusplus
}
#endif
