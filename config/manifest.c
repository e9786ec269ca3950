/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The env manifest ENV/venvrun.json: what made the env (venvrun's version, the
 * interpreter), what was seeded into it, and the env's own policy layer. Validated as
 * strictly as a policy file: unknown keys, wrong types and a bad "policy" member are errors
 * naming the JSON path.
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "venvrun/policy.h"

#include "macro.h"
#include "manifest.h"
#include "policy.h"

#define MANIFEST_VERSION 1
#define STRING_MAX 4096
#define LIST_MAX 1024

static const char *const manifest_keys[] = { "manifest", "venvrun", "interpreter", "seeded", "policy", NULL };
static const char *const interpreter_keys[] = { "implementation", "version", "executable", NULL };

static const char *
type_name(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT:
		return "an object";
	case JSON_ARRAY:
		return "a list";
	case JSON_STRING:
		return "a string";
	case JSON_INTEGER:
		return "an integer";
	case JSON_REAL:
		return "a number";
	case JSON_TRUE:
	case JSON_FALSE:
		return "a boolean";
	case JSON_NULL:
		return "null";
	}
	return "?";
}

static int bad(struct vr_error *err, const char *file, const char *fmt, ...) _printf_(3, 4);
static int
bad(struct vr_error *err, const char *file, const char *fmt, ...)
{
	char msg[VR_ERROR_MESSAGE_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	return vr_error_set_at(err, VR_ERR_BAD_POLICY, file, "%s", msg);
}

static int
unknown_key(const char *file, const char *prefix, const char *key, const char *const *keys, struct vr_error *err)
{
	const char *close = vr_did_you_mean(key, keys);

	if (close)
		return bad(err, file, "%s%s: unknown key; did you mean \"%s\"?", prefix, key, close);
	return bad(err, file, "%s%s: unknown key", prefix, key);
}

static int
check_string(const json_t *v, const char *file, const char *path, struct vr_error *err)
{
	if (!json_is_string(v))
		return bad(err, file, "%s: expected a string, not %s", path, type_name(v));
	if (json_string_length(v) > STRING_MAX)
		return bad(err, file, "%s: longer than %d bytes", path, STRING_MAX);
	if (strlen(json_string_value(v)) != json_string_length(v))
		return bad(err, file, "%s: holds a NUL character", path);
	return 0;
}

static int
check_interpreter(json_t *o, const char *file, struct vr_error *err)
{
	const char *key;
	json_t *v;

	if (!json_is_object(o))
		return bad(err, file, "interpreter: expected an object, not %s", type_name(o));
	json_object_foreach (o, key, v) {
		char path[64];
		int r;

		if (!streq(key, "implementation") && !streq(key, "version") && !streq(key, "executable"))
			return unknown_key(file, "interpreter.", key, interpreter_keys, err);
		snprintf(path, sizeof path, "interpreter.%s", key);
		r = check_string(v, file, path, err);
		if (r < 0)
			return r;
	}
	return 0;
}

/* "seeded": what seeding installed, one entry per distribution: a name, or an object
 * describing it (as later versions write). */
static int
check_seeded(json_t *a, const char *file, struct vr_error *err)
{
	size_t i;
	json_t *v;

	if (!json_is_array(a))
		return bad(err, file, "seeded: expected a list, not %s", type_name(a));
	if (json_array_size(a) > LIST_MAX)
		return bad(err, file, "seeded: more than %d entries", LIST_MAX);
	json_array_foreach (a, i, v) {
		char path[64];

		snprintf(path, sizeof path, "seeded[%zu]", i);
		if (json_is_string(v)) {
			int r = check_string(v, file, path, err);
			if (r < 0)
				return r;
		} else if (!json_is_object(v)) {
			return bad(err, file, "%s: expected a string or an object, not %s", path, type_name(v));
		}
	}
	return 0;
}

/* The "policy" member is a policy layer: errors name its keys as "policy.KEY". */
static int
check_policy(json_t *p, const char *file, struct vr_error *err)
{
	struct vr_error e = VR_ERROR_INIT;
	int r;

	if (!json_is_object(p))
		return bad(err, file, "policy: expected an object, not %s", type_name(p));
	r = vr_policy_validate(p, file, &e);
	if (r < 0) {
		if (err) {
			static const char prefix[] = "policy.";
			size_t n = strnlen(e.message, sizeof e.message - sizeof prefix);

			*err = e;
			memcpy(err->message, prefix, sizeof prefix - 1);
			memcpy(err->message + sizeof prefix - 1, e.message, n);
			err->message[sizeof prefix - 1 + n] = 0;
			if (!err->where[0])
				vr_error_set_where(err, file, 0, 0);
		}
		return r;
	}
	/* An env's layer is merged as it is: profiles are chosen with --profile, and an
	 * "extends" here would silently pull a whole profile over the one chosen. */
	if (json_object_get(p, "extends"))
		return bad(err, file, "policy.extends: an env's policy cannot extend a profile; use --profile");
	return 0;
}

int
vr_manifest_parse_doc(const char *text, size_t len, const char *file, json_t **ret, struct vr_error *err)
{
	_cleanup_(json_decrefp) json_t *doc = NULL;
	json_error_t jerr;
	const char *key;
	json_t *v;
	int r;

	if (!text || !file || !ret)
		return vr_error_set(err, EINVAL, "vr_manifest_parse");
	doc = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!doc) {
		vr_error_set_at(err, VR_ERR_BAD_POLICY, file, "%s", jerr.text);
		if (jerr.line > 0)
			vr_error_set_where(err, file, jerr.line, jerr.column > 0 ? jerr.column : 0);
		return -VR_ERR_BAD_POLICY;
	}
	if (!json_is_object(doc))
		return bad(err, file, "expected an object, not %s", type_name(doc));

	json_object_foreach (doc, key, v) {
		bool known = false;

		for (size_t i = 0; manifest_keys[i]; i++)
			known |= streq(key, manifest_keys[i]);
		if (!known)
			return unknown_key(file, "", key, manifest_keys, err);
	}
	v = json_object_get(doc, "manifest");
	if (!v)
		return bad(err, file, "manifest: missing; an env manifest starts with \"manifest\": %d",
			   MANIFEST_VERSION);
	if (!json_is_integer(v))
		return bad(err, file, "manifest: expected an integer, not %s", type_name(v));
	if (json_integer_value(v) != MANIFEST_VERSION)
		return bad(err, file, "manifest: this venvrun reads manifest version %d, not %" JSON_INTEGER_FORMAT,
			   MANIFEST_VERSION, json_integer_value(v));
	if ((v = json_object_get(doc, "venvrun")) && (r = check_string(v, file, "venvrun", err)) < 0)
		return r;
	if ((v = json_object_get(doc, "interpreter")) && (r = check_interpreter(v, file, err)) < 0)
		return r;
	if ((v = json_object_get(doc, "seeded")) && (r = check_seeded(v, file, err)) < 0)
		return r;
	if ((v = json_object_get(doc, "policy")) && (r = check_policy(v, file, err)) < 0)
		return r;
	*ret = TAKE_PTR(doc);
	return 0;
}

int
vr_manifest_parse(const char *text, size_t len, const char *file, json_t **ret_policy, struct vr_error *err)
{
	_cleanup_(json_decrefp) json_t *doc = NULL;
	json_t *p;
	int r;

	r = vr_manifest_parse_doc(text, len, file, &doc, err);
	if (r < 0)
		return r;
	if (!ret_policy)
		return 0;
	p = json_object_get(doc, "policy");
	p = p ? json_incref(p) : json_object();
	if (!p)
		return vr_error_set(err, ENOMEM, "'%s'", file);
	*ret_policy = p;
	return 0;
}

char *
vr_manifest_format_full(const char *implementation, const char *version, const char *executable, json_t *seeded,
			json_t *policy)
{
	_cleanup_(json_decrefp) json_t *doc = NULL;
	_cleanup_free_ char *text = NULL;
	char *out = NULL;

	/* "o" steals these references, on failure too. */
	doc = json_pack("{s:i, s:s, s:{s:s, s:s, s:s}, s:o, s:o}", "manifest", MANIFEST_VERSION, "venvrun",
			VENVRUN_VERSION, "interpreter", "implementation", implementation ? implementation : "",
			"version", version ? version : "", "executable", executable ? executable : "", "seeded",
			seeded ? json_incref(seeded) : json_array(), "policy",
			policy ? json_incref(policy) : json_object());
	if (!doc)
		return NULL;
	text = json_dumps(doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	if (!text || asprintf(&out, "%s\n", text) < 0)
		return NULL;
	return out;
}

char *
vr_manifest_format(const char *implementation, const char *version, const char *executable, json_t *policy)
{
	return vr_manifest_format_full(implementation, version, executable, NULL, policy);
}
