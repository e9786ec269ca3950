/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The effective policy: every layer merged, lowest first, then the schema's defaults filled
 * in for whatever no layer set:
 *
 *     profile (embedded, then profile files, extends resolved)
 *       <- ENV/venvrun.json "policy"
 *       <- --policy FILE (its own extends resolved first)
 *       <- command-line flags
 *
 * Each layer is read and validated whole before anything is merged, so a bad file changes
 * nothing. And checking files for `venvrun check-config`.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "venvrun/policy.h"

#include "fileio.h"
#include "macro.h"
#include "manifest.h"
#include "path.h"
#include "policy.h"
#include "profiles.h"

/* ENV/venvrun.json's policy; *ret stays NULL when the env has no manifest (envs made by
 * other tools). */
static int
env_layer(const char *env, json_t **ret, struct vr_error *err)
{
	struct vr_error e = VR_ERROR_INIT;
	_cleanup_free_ char *path = vr_path_join(env, VR_MANIFEST_NAME), *text = NULL;
	size_t len = 0;
	int r;

	if (!path)
		return vr_error_set(err, ENOMEM, "env manifest");
	r = vr_read_file_at(AT_FDCWD, path, VR_MANIFEST_FILE_MAX, &text, &len, path, &e);
	if (r == -ENOENT)
		return 0;
	if (r < 0) {
		if (err)
			*err = e;
		return r;
	}
	return vr_manifest_parse(text, len, path, ret, err);
}

/* A --policy FILE; when it extends a profile, that profile with the file merged on top. */
static int
file_layer(const char *file, json_t **ret, struct vr_error *err)
{
	_cleanup_(json_decrefp) json_t *doc = NULL;
	_cleanup_free_ char *text = NULL;
	size_t len = 0;
	int r;

	r = vr_read_file_at(AT_FDCWD, file, VR_POLICY_FILE_MAX, &text, &len, file, err);
	if (r < 0)
		return r;
	r = vr_policy_parse(text, len, file, &doc, err);
	if (r < 0)
		return r;
	r = vr_profile_resolve_extends(&doc, file, err);
	if (r < 0)
		return r;
	*ret = TAKE_PTR(doc);
	return 0;
}

static int
merge(json_t *base, json_t *over, const char *where, struct vr_error *err)
{
	int r = vr_policy_merge_json(base, over, vr_policy_schema, err);

	if (r < 0 && err && !err->where[0] && where)
		vr_error_set_where(err, where, 0, 0);
	return r;
}

VR_PUBLIC int
vr_policy_effective(const struct vr_policy_sources *src, struct vr_policy **ret, struct vr_error *err)
{
	_cleanup_(json_decrefp) json_t *doc = NULL, *defaults = NULL;
	struct vr_policy *p;
	int r;

	if (!src || !ret)
		return vr_error_set(err, EINVAL, "vr_policy_effective");
	r = vr_profile_load_json(src->profile ? src->profile : "default", &doc, err);
	if (r < 0)
		return r;
	if (src->env) {
		_cleanup_(json_decrefp) json_t *layer = NULL;

		r = env_layer(src->env, &layer, err);
		if (r < 0)
			return r;
		if (layer && (r = merge(doc, layer, src->env, err)) < 0)
			return r;
	}
	if (src->policy_file) {
		_cleanup_(json_decrefp) json_t *layer = NULL;

		r = file_layer(src->policy_file, &layer, err);
		if (r < 0)
			return r;
		r = merge(doc, layer, src->policy_file, err);
		if (r < 0)
			return r;
	}
	if (src->flags && src->flags->doc) {
		r = merge(doc, src->flags->doc, NULL, err);
		if (r < 0)
			return r;
	}
	/* A chain's "extends" has been resolved; it is no key of the result. */
	json_object_del(doc, "extends");

	/* The schema's defaults are the lowest layer of all: every key gets a value, and a
	 * list key that layers add to (environment.pass) keeps its defaults, as the merge
	 * rule of every list says. */
	defaults = vr_policy_defaults();
	if (!defaults)
		return vr_error_set(err, ENOMEM, "effective policy");
	r = merge(defaults, doc, NULL, err);
	if (r < 0)
		return r;
	json_decref(doc);
	doc = TAKE_PTR(defaults);
	p = calloc(1, sizeof *p);
	if (!p)
		return vr_error_set(err, ENOMEM, "effective policy");
	p->doc = TAKE_PTR(doc);
	*ret = p;
	return 0;
}

VR_PUBLIC int
vr_config_check_file(const char *path, struct vr_error *err)
{
	_cleanup_(json_decrefp) json_t *probe = NULL, *doc = NULL;
	_cleanup_free_ char *text = NULL;
	size_t len = 0;
	int r;

	if (!path)
		return vr_error_set(err, EINVAL, "vr_config_check_file");
	r = vr_read_file_at(AT_FDCWD, path, VR_POLICY_FILE_MAX, &text, &len, path, err);
	if (r < 0)
		return r;
	/* A manifest is told from a policy by its top-level "manifest" key. Text that does
	 * not parse goes to the policy parser, which reports where. */
	probe = json_loadb(text, len, JSON_REJECT_DUPLICATES, NULL);
	if (json_is_object(probe) && json_object_get(probe, "manifest"))
		return vr_manifest_parse(text, len, path, NULL, err);

	r = vr_policy_parse(text, len, path, &doc, err);
	if (r < 0)
		return r;
	/* The profile it extends must exist, and be valid itself. */
	return vr_profile_resolve_extends(&doc, path, err);
}
