/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <assert.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "venvrun/error.h"

#include "macro.h"
#include "policy-validate-internal.h"
#include "policy.h"

/*
 * Checking a policy layer against the schema, and normalising it in place so that every
 * later reader (merge, the typed view, describe) sees one form per value: sizes as integer
 * bytes, durations as "90s"-style strings, binds and seccomp entries as complete objects,
 * capabilities as "CAP_X", errno values as integers, paths without "." or "..".
 * Validating a normalised layer again changes nothing.
 *
 * Every error names the JSON path of the value ("filesystem.binds[2].mode: ...") and the
 * file as its place. The first error ends the walk: the caller drops the whole layer.
 *
 * This file is the walk: the JSON path and the messages, objects, lists and the dispatch
 * on a value's type. The check of each type of value is in policy-validate-values.c.
 */

/* --- paths and messages ---------------------------------------------------------------- */

static size_t path_push(struct vr_pv *c, const char *fmt, ...) _printf_(2, 3);

static size_t
path_push(struct vr_pv *c, const char *fmt, ...)
{
	size_t mark = c->len;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(c->path + c->len, sizeof c->path - c->len, fmt, ap);
	va_end(ap);
	if (n > 0)
		c->len += (size_t)n;
	if (c->len >= sizeof c->path)
		c->len = sizeof c->path - 1;
	return mark;
}

size_t
vr_pv_path_push_key(struct vr_pv *c, const char *key)
{
	return c->len ? path_push(c, ".%s", key) : path_push(c, "%s", key);
}

void
vr_pv_path_pop(struct vr_pv *c, size_t mark)
{
	c->len = mark;
	c->path[mark] = 0;
}

int
vr_pv_fail(struct vr_pv *c, const char *fmt, ...)
{
	char msg[VR_ERROR_MESSAGE_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (c->len == 0)
		return vr_error_set_at(c->err, VR_ERR_BAD_POLICY, c->file, "%s", msg);
	return vr_error_set_at(c->err, VR_ERR_BAD_POLICY, c->file, "%s: %s", c->path, msg);
}

int
vr_pv_oom(struct vr_pv *c)
{
	return vr_error_set_at(c->err, ENOMEM, c->file, "%s", c->path);
}

/* A value as a message shows it: JSON text for scalars ("rx" quoted), a word for the
 * containers; long text is cut at a character boundary. */
const char *
vr_pv_describe(const json_t *v, char *buf, size_t size)
{
	_cleanup_free_ char *s = NULL;
	size_t n;

	if (json_is_object(v))
		return "an object";
	if (json_is_array(v))
		return "a list";
	s = json_dumps(v, JSON_ENCODE_ANY);
	if (!s)
		return "a value";
	n = strlen(s);
	if (n + 1 <= size && n <= DESC_MAX - 8) {
		snprintf(buf, size, "%s", s);
		return buf;
	}
	n = size > 8 ? size - 8 : 0;
	if (n > DESC_MAX - 8)
		n = DESC_MAX - 8;
	while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
		n--;
	snprintf(buf, size, "%.*s...", (int)n, s);
	return buf;
}

/* "\"a\", \"b\" or \"c\"" */
static const char *
enum_list(const char *const *values, char *buf, size_t size)
{
	size_t n = 0, len = 0;

	while (values[n])
		n++;
	buf[0] = 0;
	for (size_t i = 0; i < n && len < size; i++) {
		const char *sep = i == 0 ? "" : i + 1 == n ? " or " : ", ";
		int r = snprintf(buf + len, size - len, "%s\"%s\"", sep, values[i]);

		if (r > 0)
			len += (size_t)r;
	}
	return buf;
}

bool
vr_pv_in_list(const char *const *values, const char *s)
{
	for (size_t i = 0; values && values[i]; i++)
		if (streq(values[i], s))
			return true;
	return false;
}

/* --- objects --------------------------------------------------------------------------- */

int
vr_pv_unknown_key(struct vr_pv *c, const char *key, const char *const *known)
{
	const char *close = vr_did_you_mean(key, known);

	if (close)
		return vr_pv_fail(c, "unknown key; did you mean \"%s\"?", close);
	return vr_pv_fail(c, "unknown key");
}

#define FIELDS_MAX 32

int
vr_pv_check_object(struct vr_pv *c, json_t *obj, const struct vr_schema *fields)
{
	const char *known[FIELDS_MAX + 1];
	size_t n = 0;

	if (!json_is_object(obj))
		return vr_pv_fail(c, "expected an object, not %s", DESC(obj));
	for (; fields[n].key; n++) {
		assert(n < FIELDS_MAX);
		known[n] = fields[n].key;
	}
	known[n] = NULL;

	for (void *it = json_object_iter(obj); it; it = json_object_iter_next(obj, it)) {
		const char *key = json_object_iter_key(it);
		const struct vr_schema *s = NULL;
		json_t *repl = NULL;
		size_t mark;
		int r;

		for (size_t i = 0; i < n; i++)
			if (streq(fields[i].key, key))
				s = &fields[i];
		mark = vr_pv_path_push_key(c, key);
		if (!s)
			return vr_pv_unknown_key(c, key, known);
		r = vr_pv_check_value(c, s, json_object_iter_value(it), &repl);
		if (r < 0) {
			json_decref(repl);
			return r;
		}
		/* Replacing the value of the current pair is what the iterator allows. */
		if (repl && json_object_iter_set_new(obj, it, repl) < 0)
			return vr_pv_oom(c);
		vr_pv_path_pop(c, mark);
	}
	return 0;
}
/* --- lists and dispatch ---------------------------------------------------------------- */

static int
check_element(struct vr_pv *c, const struct vr_schema *s, json_t *v, json_t **ret)
{
	switch (s->type) {
	case VR_T_PATH_LIST:
		return vr_pv_check_path(c, v, ret);
	case VR_T_NAME_LIST:
		return vr_pv_check_var_name(c, v, true);
	case VR_T_BIND_LIST:
		return vr_pv_check_bind(c, v);
	case VR_T_SYSCALL_LIST:
		/* Without actions (seccomp.allow) a list of names, kept as names. */
		if (!s->values)
			return vr_pv_check_syscall_name(c, v);
		return vr_pv_check_syscall_rule(c, s, v, ret);
	case VR_T_CAP_LIST:
		return vr_pv_check_cap(c, v, ret);
	default:
		assert(!"not a list type");
		return -EINVAL;
	}
}

static int
check_list(struct vr_pv *c, const struct vr_schema *s, json_t *v)
{
	size_t i;
	json_t *e;

	if (!json_is_array(v))
		return vr_pv_fail(c, "expected a list, not %s", DESC(v));
	if (json_array_size(v) > LIST_MAX)
		return vr_pv_fail(c, "more than %d entries", LIST_MAX);
	json_array_foreach (v, i, e) {
		size_t mark = path_push(c, "[%zu]", i);
		json_t *repl = NULL;
		int r;

		r = check_element(c, s, e, &repl);
		if (r < 0) {
			json_decref(repl);
			return r;
		}
		if (repl && json_array_set_new(v, i, repl) < 0)
			return vr_pv_oom(c);
		vr_pv_path_pop(c, mark);
	}
	return 0;
}

int
vr_pv_check_value(struct vr_pv *c, const struct vr_schema *s, json_t *v, json_t **ret)
{
	char buf[256];

	switch (s->type) {
	case VR_T_OBJECT:
		return vr_pv_check_object(c, v, s->fields);
	case VR_T_BOOL:
		if (!json_is_boolean(v))
			return vr_pv_fail(c, "expected true or false, not %s", DESC(v));
		return 0;
	case VR_T_INT:
		/* The one version this venvrun reads, not a range: 0 is no older format. */
		if (streq(s->key, "version")) {
			if (json_is_integer(v) && json_integer_value(v) == VR_POLICY_VERSION)
				return 0;
			return vr_pv_fail(c, "this venvrun reads version %d, not %s", VR_POLICY_VERSION, DESC(v));
		}
		if (json_is_integer(v) && json_integer_value(v) >= 0 &&
		    (s->max == 0 || json_integer_value(v) <= s->max))
			return 0;
		return vr_pv_fail(c, "expected an integer from 0 to %lld, not %s", s->max, DESC(v));
	case VR_T_STRING:
		return vr_pv_check_text(c, v);
	case VR_T_ENUM:
		if (json_is_string(v) && vr_pv_in_list(s->values, json_string_value(v)))
			return 0;
		return vr_pv_fail(c, "expected %s, not %s", enum_list(s->values, buf, sizeof buf), DESC(v));
	case VR_T_SIZE:
		return vr_pv_check_size(c, s, v, ret);
	case VR_T_DURATION:
		return vr_pv_check_duration(c, s, v, ret);
	case VR_T_COUNT:
		return vr_pv_check_count(c, s, v);
	case VR_T_PATH:
		return vr_pv_check_path(c, v, ret);
	case VR_T_PATH_LIST:
	case VR_T_NAME_LIST:
	case VR_T_BIND_LIST:
	case VR_T_SYSCALL_LIST:
	case VR_T_CAP_LIST:
		return check_list(c, s, v);
	case VR_T_STRING_MAP:
		return vr_pv_check_string_map(c, v);
	case VR_T_USER:
		return vr_pv_check_id(c, v, false);
	case VR_T_GROUP:
		return vr_pv_check_id(c, v, true);
	case VR_T_HOSTNAME:
		return vr_pv_check_hostname(c, v);
	case VR_T_PROFILE:
		return vr_pv_check_profile_name(c, v);
	}
	assert(!"unknown schema type");
	return -EINVAL;
}

int
vr_policy_validate(json_t *doc, const char *file, struct vr_error *err)
{
	struct vr_pv c = { .file = file, .err = err };

	if (!doc)
		return vr_error_set(err, EINVAL, "vr_policy_validate: no document");
	if (!json_is_object(doc))
		return vr_pv_fail(&c, "expected an object at the top level, not %s", DESC(doc));
	return vr_pv_check_object(&c, doc, vr_policy_schema);
}
