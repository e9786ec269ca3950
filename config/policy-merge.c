/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

/*
 * Merging policy layers and building the defaults, both driven by the schema table: each
 * key's merge rule says how an upper layer combines with the ones below (venvrun.json(5)).
 *
 * Both documents are validated and normalised before they get here, so that two spellings
 * of the same thing ("net_raw" and "CAP_NET_RAW", "2048M" and "2G") already compare equal
 * and deduplicate. A document that is not shaped as the schema says is still refused
 * rather than trusted, since a policy that merges wrongly would widen a sandbox.
 */

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "venvrun/error.h"
#include "venvrun/policy.h"

#include "macro.h"
#include "policy.h"

/* The bound the validator puts on one file's lists. The merged list must keep to it too:
 * otherwise an effective policy could not be written out and read back (vr_policy_to_json). */
#define MERGED_LIST_MAX 1024

static const struct vr_schema *
schema_find(const struct vr_schema *schema, const char *key)
{
	for (const struct vr_schema *s = schema; s->key; s++)
		if (streq(s->key, key))
			return s;
	return NULL;
}

/* "limits" + "nofile" -> "limits.nofile", for error messages only. */
static const char *
key_path(char *buf, size_t size, const char *prefix, const char *key)
{
	snprintf(buf, size, "%s%s%s", prefix, *prefix ? "." : "", key);
	return buf;
}

/*
 * What makes two list elements "the same entry": binds are the same when they mount on the
 * same target (two binds on one target would shadow each other, so only one may stay),
 * deny rules when they name the same system call (one call can have one action), plain
 * strings when they are equal. NULL: compare whole values.
 */
static const char *
element_identity(const json_t *e, enum vr_schema_type type)
{
	if (json_is_string(e))
		return json_string_value(e);
	if (!json_is_object(e))
		return NULL;
	if (type == VR_T_BIND_LIST) {
		/* Normalisation fills in the target; a bind without one mounts on its source. */
		const json_t *t = json_object_get(e, "target");
		if (!t)
			t = json_object_get(e, "source");
		return json_string_value(t);
	}
	if (type == VR_T_SYSCALL_LIST)
		return json_string_value(json_object_get(e, "syscall"));
	return NULL;
}

static bool
element_same(const json_t *a, const json_t *b, enum vr_schema_type type)
{
	const char *ia = element_identity(a, type), *ib = element_identity(b, type);

	if (ia && ib)
		return streq(ia, ib);
	if (ia || ib)
		return false;
	return json_equal((json_t *)a, (json_t *)b);
}

/*
 * Lists add: the lower layer's entries first, then the upper layer's new ones. An upper
 * entry that is the same as a lower one replaces it where it stands, so that the order the
 * lower layer gave (mount order for binds) is kept while the upper layer's settings win.
 * Quadratic, but lists are bounded by MERGED_LIST_MAX.
 */
static int
merge_append(json_t *base, const char *key, const json_t *over, const struct vr_schema *s, const char *path,
	     struct vr_error *err)
{
	json_t *list = json_object_get(base, key);
	size_t i;
	json_t *u;

	if (!json_is_array(over))
		return vr_error_set(err, VR_ERR_BAD_POLICY, "%s: expected a list", path);
	if (!list) {
		if (json_object_set_new(base, key, json_array()) < 0)
			return vr_error_set(err, ENOMEM, "%s", path);
		list = json_object_get(base, key);
	} else if (!json_is_array(list))
		return vr_error_set(err, VR_ERR_BAD_POLICY, "%s: expected a list", path);

	json_array_foreach (over, i, u) {
		size_t n = json_array_size(list), j;
		json_t *copy;

		for (j = 0; j < n; j++)
			if (element_same(json_array_get(list, j), u, s->type))
				break;
		if (j == n && n >= MERGED_LIST_MAX)
			return vr_error_set(err, VR_ERR_BAD_POLICY, "%s: more than %d entries after merging the layers",
					    path, MERGED_LIST_MAX);
		copy = json_deep_copy(u);
		if (!copy)
			return vr_error_set(err, ENOMEM, "%s", path);
		if ((j < n ? json_array_set_new(list, j, copy) : json_array_append_new(list, copy)) < 0)
			return vr_error_set(err, ENOMEM, "%s", path);
	}
	return 0;
}

/* Maps (environment.set) merge key by key; the upper layer's value wins. */
static int
merge_map(json_t *base, const char *key, const json_t *over, const char *path, struct vr_error *err)
{
	json_t *map = json_object_get(base, key);
	const char *k;
	json_t *v;

	if (!json_is_object(over))
		return vr_error_set(err, VR_ERR_BAD_POLICY, "%s: expected an object", path);
	if (!map) {
		if (json_object_set_new(base, key, json_object()) < 0)
			return vr_error_set(err, ENOMEM, "%s", path);
		map = json_object_get(base, key);
	} else if (!json_is_object(map))
		return vr_error_set(err, VR_ERR_BAD_POLICY, "%s: expected an object", path);

	json_object_foreach ((json_t *)over, k, v) {
		json_t *copy;

		/* The same bound as a file's: a merged policy must read back. */
		if (!json_object_get(map, k) && json_object_size(map) >= MERGED_LIST_MAX)
			return vr_error_set(err, VR_ERR_BAD_POLICY, "%s: more than %d entries after merging the layers",
					    path, MERGED_LIST_MAX);
		copy = json_deep_copy(v);
		if (!copy || json_object_set_new(map, k, copy) < 0)
			return vr_error_set(err, ENOMEM, "%s", path);
	}
	return 0;
}

static int merge_object(json_t *base, const json_t *over, const struct vr_schema *schema, const char *prefix,
			struct vr_error *err);

static int
merge_key(json_t *base, const char *key, const json_t *over, const struct vr_schema *s, const char *path,
	  struct vr_error *err)
{
	json_t *sub, *copy;

	switch (s->merge) {
	case VR_MERGE_OBJECT:
		if (!json_is_object(over))
			return vr_error_set(err, VR_ERR_BAD_POLICY, "%s: expected an object", path);
		sub = json_object_get(base, key);
		if (!sub) {
			if (json_object_set_new(base, key, json_object()) < 0)
				return vr_error_set(err, ENOMEM, "%s", path);
			sub = json_object_get(base, key);
		} else if (!json_is_object(sub))
			return vr_error_set(err, VR_ERR_BAD_POLICY, "%s: expected an object", path);
		if (!s->fields)
			return vr_error_set(err, VR_ERR_BAD_POLICY, "%s: no schema for this object", path);
		return merge_object(sub, over, s->fields, path, err);
	case VR_MERGE_APPEND:
		return merge_append(base, key, over, s, path, err);
	case VR_MERGE_MAP:
		return merge_map(base, key, over, path, err);
	case VR_MERGE_REPLACE:
		/* A copy, never a shared reference: a later merge into base must not change
		 * the layer it came from. */
		copy = json_deep_copy(over);
		if (!copy || json_object_set_new(base, key, copy) < 0)
			return vr_error_set(err, ENOMEM, "%s", path);
		return 0;
	}
	return vr_error_set(err, VR_ERR_BAD_POLICY, "%s: no merge rule", path);
}

static int
merge_object(json_t *base, const json_t *over, const struct vr_schema *schema, const char *prefix, struct vr_error *err)
{
	char path[512];
	const char *key;
	json_t *v;
	int r;

	json_object_foreach ((json_t *)over, key, v) {
		const struct vr_schema *s = schema_find(schema, key);

		key_path(path, sizeof path, prefix, key);
		if (!s)
			return vr_error_set(err, VR_ERR_BAD_POLICY, "%s: unknown key", path);
		/* "extends" names what a file is layered on; profiles.c resolves it when it
		 * loads the file. After a merge it would name something already applied. */
		if (s->type == VR_T_PROFILE)
			continue;
		r = merge_key(base, key, v, s, path, err);
		if (r < 0)
			return r;
	}
	for (const struct vr_schema *s = schema; s->key; s++)
		if (s->type == VR_T_PROFILE)
			json_object_del(base, s->key);
	return 0;
}

int
vr_policy_merge_json(json_t *base, json_t *over, const struct vr_schema *schema, struct vr_error *err)
{
	_cleanup_(json_decrefp) json_t *result = NULL;
	int r;

	if (!base || !over || !schema || !json_is_object(base) || !json_is_object(over))
		return vr_error_set(err, EINVAL, "merging policies");

	/* Merge into a copy and take it only when the whole merge worked: a failed merge
	 * leaves base as it was, never half-applied. */
	result = json_deep_copy(base);
	if (!result)
		return vr_error_set(err, ENOMEM, "merging policies");
	r = merge_object(result, over, schema, "", err);
	if (r < 0)
		return r;
	if (json_object_clear(base) < 0 || json_object_update(base, result) < 0)
		return vr_error_set(err, ENOMEM, "merging policies");
	return 0;
}

VR_PUBLIC int
vr_policy_merge(struct vr_policy *base, const struct vr_policy *over, struct vr_error *err)
{
	if (!base || !over || !base->doc || !over->doc)
		return vr_error_set(err, EINVAL, "merging policies");
	return vr_policy_merge_json(base->doc, over->doc, vr_policy_schema, err);
}

static json_t *
defaults_of(const struct vr_schema *schema)
{
	_cleanup_(json_decrefp) json_t *o = json_object();

	if (!o)
		return NULL;
	for (const struct vr_schema *s = schema; s->key; s++) {
		json_t *v;

		if (s->type == VR_T_OBJECT && s->fields)
			v = defaults_of(s->fields);
		else if (s->default_json)
			v = json_loads(s->default_json, JSON_DECODE_ANY | JSON_REJECT_DUPLICATES, NULL);
		else
			continue; /* no default: absent until a layer sets it (user, hostname, ...) */
		if (!v || json_object_set_new(o, s->key, v) < 0)
			return NULL;
	}
	return TAKE_PTR(o);
}

/*
 * The defaults as the base that every layer is merged onto. For lists that is what makes
 * them add to the defaults (environment.pass keeps TERM, LANG, ... and a layer adds names)
 * rather than replace them. The document goes through the validator like any layer, so that
 * a default written as "8M" in the table is stored as a layer's "8M" would be (8388608) and
 * an effective policy compares equal to itself read back.
 */
json_t *
vr_policy_defaults(void)
{
	_cleanup_(json_decrefp) json_t *doc = defaults_of(vr_policy_schema);

	/* A default the validator refuses is a bug in the table, found by the unit tests. */
	if (!doc || vr_policy_validate(doc, "defaults", NULL) < 0)
		return NULL;
	return TAKE_PTR(doc);
}
