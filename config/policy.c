/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "venvrun/error.h"
#include "venvrun/policy.h"

#include "fileio.h"
#include "macro.h"
#include "policy.h"

/*
 * One policy layer: parsing, the public object, and setting keys from command-line text.
 * A layer is only ever replaced whole: every function that changes one works on a copy and
 * swaps it in when the copy is valid, so a bad file or flag leaves nothing half-applied.
 */

/* Policies are a few hundred bytes; the bound keeps a stray huge file from being read. */
#define POLICY_FILE_MAX (1024 * 1024)

int
vr_policy_parse(const char *text, size_t len, const char *file, json_t **ret, struct vr_error *err)
{
	_cleanup_(json_decrefp) json_t *doc = NULL;
	json_error_t jerr;
	int r;

	if (!text || !ret)
		return vr_error_set(err, EINVAL, "vr_policy_parse: no text");
	if (len > POLICY_FILE_MAX)
		return vr_error_set_at(err, EFBIG, file, "larger than %d bytes", POLICY_FILE_MAX);
	/* Duplicate keys are errors: with two "network" members, which one the author meant
	 * is a guess, and jansson would silently keep the last. */
	doc = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!doc) {
		r = vr_error_set(err, VR_ERR_BAD_POLICY, "%s", jerr.text);
		vr_error_set_where(err, file, jerr.line > 0 ? jerr.line : 0, jerr.column > 0 ? jerr.column : 0);
		return r;
	}
	r = vr_policy_validate(doc, file, err);
	if (r < 0)
		return r;
	*ret = TAKE_PTR(doc);
	return 0;
}

static int
policy_wrap(json_t *doc, struct vr_policy **ret, struct vr_error *err)
{
	struct vr_policy *p = calloc(1, sizeof *p);

	if (!p) {
		json_decref(doc);
		return vr_error_set(err, ENOMEM, "policy");
	}
	p->doc = doc;
	*ret = p;
	return 0;
}

VR_PUBLIC int
vr_policy_load_string(const char *text, size_t len, const char *where, struct vr_policy **ret, struct vr_error *err)
{
	json_t *doc = NULL;
	int r;

	if (!text || !ret)
		return vr_error_set(err, EINVAL, "vr_policy_load_string: no text");
	r = vr_policy_parse(text, len, where, &doc, err);
	if (r < 0)
		return r;
	return policy_wrap(doc, ret, err);
}

VR_PUBLIC int
vr_policy_load_file(const char *path, struct vr_policy **ret, struct vr_error *err)
{
	_cleanup_free_ char *text = NULL;
	size_t len = 0;
	int r;

	if (vr_isempty(path) || !ret)
		return vr_error_set(err, EINVAL, "vr_policy_load_file: no path");
	r = vr_read_file_at(AT_FDCWD, path, POLICY_FILE_MAX, &text, &len, path, err);
	if (r < 0)
		return r;
	return vr_policy_load_string(text, len, path, ret, err);
}

VR_PUBLIC int
vr_policy_new(struct vr_policy **ret, struct vr_error *err)
{
	json_t *doc;

	if (!ret)
		return vr_error_set(err, EINVAL, "vr_policy_new: no result pointer");
	doc = json_object();
	if (!doc)
		return vr_error_set(err, ENOMEM, "policy");
	return policy_wrap(doc, ret, err);
}

VR_PUBLIC void
vr_policy_free(struct vr_policy *p)
{
	if (!p)
		return;
	json_decref(p->doc);
	free(p);
}

VR_PUBLIC char *
vr_policy_to_json(const struct vr_policy *p)
{
	if (!p || !p->doc)
		return NULL;
	/* Sorted, so that the same policy is always the same text (diffs, tests). */
	return json_dumps(p->doc, JSON_INDENT(2) | JSON_SORT_KEYS);
}

VR_PUBLIC bool
vr_policy_equal(const struct vr_policy *a, const struct vr_policy *b)
{
	if (a == b)
		return true;
	if (!a || !b)
		return false;
	return json_equal(a->doc, b->doc);
}

/* --- setting one key from text ------------------------------------------------------- */

static const struct vr_schema *
schema_field(const struct vr_schema *fields, const char *key, size_t n)
{
	for (; fields && fields->key; fields++)
		if (strlen(fields->key) == n && strneq(fields->key, key, n))
			return fields;
	return NULL;
}

/* The schema entry of a dotted path; on failure an error naming the first unknown part. */
static int
schema_lookup(const char *path, const char *where, const struct vr_schema **ret, struct vr_error *err)
{
	const struct vr_schema *fields = vr_policy_schema, *s = NULL;
	const char *p = path;

	for (;;) {
		size_t n = strcspn(p, ".");
		const char *known[32];
		_cleanup_free_ char *key = NULL;
		const char *close;
		size_t k = 0;

		s = schema_field(fields, p, n);
		if (s && (p[n] == 0 || s->type == VR_T_OBJECT)) {
			if (p[n] == 0)
				break;
			fields = s->fields;
			p += n + 1;
			continue;
		}
		/* An unknown key, or a dot after a key that has no fields. */
		key = strndup(p, n);
		if (!key)
			return vr_error_set(err, ENOMEM, "policy key");
		if (s)
			return vr_error_set_at(err, VR_ERR_BAD_POLICY, where, "%.*s: has no keys of its own",
					       (int)(p + n - path), path);
		for (const struct vr_schema *f = fields; f && f->key && k + 1 < ELEMENTSOF(known); f++)
			known[k++] = f->key;
		known[k] = NULL;
		close = vr_did_you_mean(key, known);
		/* The whole key the user wrote, and which part of it is unknown when it is not
		 * the last: "no.such.key: unknown key \"no\"". */
		if (p[n] != 0 && close)
			return vr_error_set_at(err, VR_ERR_BAD_POLICY, where,
					       "%s: unknown key \"%s\"; did you mean \"%.*s%s\"?", path, key,
					       (int)(p - path), path, close);
		if (p[n] != 0)
			return vr_error_set_at(err, VR_ERR_BAD_POLICY, where, "%s: unknown key \"%s\"", path, key);
		if (close)
			return vr_error_set_at(err, VR_ERR_BAD_POLICY, where, "%s: unknown key; did you mean \"%s\"?",
					       path, close);
		return vr_error_set_at(err, VR_ERR_BAD_POLICY, where, "%s: unknown key", path);
	}
	*ret = s;
	return 0;
}

static int
parse_bool_text(const char *value, bool *ret)
{
	static const char *const yes[] = { "true", "yes", "1", NULL }, *const no[] = { "false", "no", "0", NULL };

	for (size_t i = 0; yes[i]; i++) {
		if (streq(value, yes[i])) {
			*ret = true;
			return 0;
		}
		if (streq(value, no[i])) {
			*ret = false;
			return 0;
		}
	}
	return -EINVAL;
}

/* Digits only, as a JSON integer; anything else stays text for validation to judge. */
static json_t *
integer_or_string(const char *value)
{
	size_t n = strlen(value);

	if (n > 0 && n <= 18 && strspn(value, "0123456789") == n)
		return json_integer(strtoll(value, NULL, 10));
	return json_string(value);
}

/* "SRC[:DST[:ro|rw]]" or "SRC:ro" — as bwrap and docker spell binds on a command line. */
static int
bind_from_text(const char *path, const char *value, const char *where, json_t **ret, struct vr_error *err)
{
	_cleanup_free_ char *copy = strdup(value);
	_cleanup_(json_decrefp) json_t *obj = NULL;
	char *parts[4] = { NULL };
	size_t n = 0;
	char *p;

	if (!copy)
		return vr_error_set(err, ENOMEM, "bind");
	for (p = copy; n < ELEMENTSOF(parts); n++) {
		parts[n] = p;
		p = strchr(p, ':');
		if (!p) {
			n++;
			break;
		}
		*p++ = 0;
	}
	if (p || n == 0 || n > 3 || (n == 3 && !streq(parts[2], "ro") && !streq(parts[2], "rw")))
		return vr_error_set_at(err, VR_ERR_BAD_POLICY, where, "%s: \"%s\" is not SRC[:DST[:ro|rw]]", path,
				       value);
	if (n == 2 && (streq(parts[1], "ro") || streq(parts[1], "rw"))) {
		parts[2] = parts[1];
		parts[1] = NULL;
	}
	obj = json_object();
	if (!obj || json_object_set_new(obj, "source", json_string(parts[0])) < 0 ||
	    (parts[1] && json_object_set_new(obj, "target", json_string(parts[1])) < 0) ||
	    (parts[2] && json_object_set_new(obj, "mode", json_string(parts[2])) < 0))
		return vr_error_set(err, ENOMEM, "bind");
	*ret = TAKE_PTR(obj);
	return 0;
}

/* The JSON value a flag's text stands for; for list keys the element to add. */
static int
value_from_text(const struct vr_schema *s, const char *path, const char *value, const char *where, json_t **ret,
		struct vr_error *err)
{
	json_t *v = NULL;
	bool b;

	switch (s->type) {
	case VR_T_OBJECT:
		return vr_error_set_at(err, VR_ERR_BAD_POLICY, where, "%s: set one of its keys, not the whole group",
				       path);
	case VR_T_BOOL:
		if (parse_bool_text(value, &b) < 0)
			return vr_error_set_at(err, VR_ERR_BAD_POLICY, where, "%s: expected true or false, not \"%s\"",
					       path, value);
		v = json_boolean(b);
		break;
	case VR_T_INT:
	case VR_T_COUNT:
		v = integer_or_string(value);
		break;
	case VR_T_BIND_LIST:
		return bind_from_text(path, value, where, ret, err);
	case VR_T_STRING_MAP: {
		const char *eq = strchr(value, '=');

		if (!eq || eq == value)
			return vr_error_set_at(err, VR_ERR_BAD_POLICY, where, "%s: expected NAME=VALUE, not \"%s\"",
					       path, value);
		v = json_object();
		if (v && json_object_setn_new(v, value, (size_t)(eq - value), json_string(eq + 1)) < 0) {
			json_decref(v);
			/* setn fails on invalid UTF-8 too; the text is the likelier culprit. */
			return vr_error_set_at(err, VR_ERR_BAD_POLICY, where, "%s: \"%s\" is not valid UTF-8", path,
					       value);
		}
		break;
	}
	default:
		/* Strings, enums, sizes, durations, paths, names, ids: validation parses them,
		 * exactly as it parses the same text in a file. */
		v = json_string(value);
		if (!v)
			return vr_error_set_at(err, VR_ERR_BAD_POLICY, where, "%s: \"%s\" is not valid UTF-8", path,
					       value);
		break;
	}
	if (!v)
		return vr_error_set(err, ENOMEM, "%s", path);
	*ret = v;
	return 0;
}

static bool
is_list_type(enum vr_schema_type t)
{
	return t == VR_T_PATH_LIST || t == VR_T_NAME_LIST || t == VR_T_BIND_LIST || t == VR_T_SYSCALL_LIST ||
	       t == VR_T_CAP_LIST;
}

/* Put v at the dotted path in doc, making the objects on the way; lists get v appended,
 * maps get v's members. Takes v. */
static int
doc_put(json_t *doc, const struct vr_schema *s, const char *path, json_t *v)
{
	_cleanup_(json_decrefp) json_t *value = v;
	json_t *parent = doc, *cur;
	const char *p = path;
	size_t n;

	for (n = strcspn(p, "."); p[n] == '.'; p += n + 1, n = strcspn(p, ".")) {
		_cleanup_free_ char *key = strndup(p, n);

		if (!key)
			return -ENOMEM;
		cur = json_object_get(parent, key);
		if (!cur) {
			cur = json_object();
			if (!cur || json_object_set_new(parent, key, cur) < 0)
				return -ENOMEM;
		}
		/* A validated layer has objects here; anything else is validation's to report. */
		if (!json_is_object(cur))
			return -EINVAL;
		parent = cur;
	}
	cur = json_object_get(parent, p);
	if (is_list_type(s->type)) {
		if (!cur) {
			cur = json_array();
			if (!cur || json_object_set_new(parent, p, cur) < 0)
				return -ENOMEM;
		}
		if (!json_is_array(cur))
			return -EINVAL;
		return json_array_append(cur, value) < 0 ? -ENOMEM : 0;
	}
	if (s->type == VR_T_STRING_MAP && cur) {
		if (!json_is_object(cur))
			return -EINVAL;
		return json_object_update(cur, value) < 0 ? -ENOMEM : 0;
	}
	return json_object_set(parent, p, value) < 0 ? -ENOMEM : 0;
}

VR_PUBLIC int
vr_policy_set(struct vr_policy *p, const char *path, const char *value, const char *where, struct vr_error *err)
{
	_cleanup_(json_decrefp) json_t *copy = NULL;
	const struct vr_schema *s = NULL;
	json_t *v = NULL;
	int r;

	if (!p || !p->doc || vr_isempty(path) || !value)
		return vr_error_set(err, EINVAL, "vr_policy_set: missing argument");
	r = schema_lookup(path, where, &s, err);
	if (r < 0)
		return r;
	r = value_from_text(s, path, value, where, &v, err);
	if (r < 0)
		return r;
	/* Work on a copy: the layer changes only when the result is valid. */
	copy = json_deep_copy(p->doc);
	if (!copy) {
		json_decref(v);
		return vr_error_set(err, ENOMEM, "%s", path);
	}
	r = doc_put(copy, s, path, v);
	if (r < 0)
		return vr_error_set_at(err, r, where, "%s", path);
	r = vr_policy_validate(copy, where, err);
	if (r < 0)
		return r;
	json_decref(p->doc);
	p->doc = TAKE_PTR(copy);
	return 0;
}
