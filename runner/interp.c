/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The interpreter object: built from a query's JSON, judged, described. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "interp.h"
#include "macro.h"

static const char *
display_name(const char *impl)
{
	if (streq(impl, "cpython"))
		return "CPython";
	if (streq(impl, "pypy"))
		return "PyPy";
	if (streq(impl, "graalpy"))
		return "GraalPy";
	if (streq(impl, "ironpython"))
		return "IronPython";
	if (streq(impl, "jython"))
		return "Jython";
	return impl;
}

static const char *
judge(const struct vr_interpreter *py)
{
	if (!streq(py->impl, "cpython") && !streq(py->impl, "pypy"))
		return "venvrun supports CPython and PyPy only";
	if (py->v[0] < 3)
		return "Python 2 is not supported; venvrun needs Python 3.7 or newer";
	if (py->v[0] == 3 && py->v[1] < 7)
		return "venvrun needs Python 3.7 or newer";
	if (py->is_venv)
		return "it is itself inside a virtual environment; use its base interpreter";
	return NULL;
}

bool
vr_interpreter_info_is_valid(json_t *info)
{
	json_t *vi = json_object_get(info, "version_info");

	return json_is_object(info) && json_is_string(json_object_get(info, "implementation")) &&
	       json_is_string(json_object_get(info, "version")) && json_is_array(vi) && json_array_size(vi) == 5 &&
	       json_is_integer(json_array_get(vi, 0)) && json_is_integer(json_array_get(vi, 1)) &&
	       json_is_integer(json_array_get(vi, 2)) && json_is_string(json_array_get(vi, 3)) &&
	       json_is_integer(json_array_get(vi, 4));
}

int
vr_interpreter_new_from_info(json_t *info, const char *executable, const char *found_as, struct vr_interpreter **ret,
			     struct vr_error *err)
{
	struct vr_interpreter *py;
	json_t *vi = json_object_get(info, "version_info");
	const char *impl = json_string_value(json_object_get(info, "implementation"));
	const char *version = json_string_value(json_object_get(info, "version"));
	const char *prefix = json_string_value(json_object_get(info, "prefix"));
	const char *base_prefix = json_string_value(json_object_get(info, "base_prefix"));

	if (!vr_interpreter_info_is_valid(info))
		return vr_error_set_at(err, VR_ERR_QUERY_FAILED, executable,
				       "the interpreter's answer lacks implementation or version_info");

	py = calloc(1, sizeof *py);
	if (!py)
		return vr_error_set(err, ENOMEM, "interpreter");
	py->info = json_incref(info);
	py->executable = strdup(executable);
	py->found_as = strdup(found_as ? found_as : executable);
	if (!py->executable || !py->found_as) {
		vr_interpreter_free(py);
		return vr_error_set(err, ENOMEM, "interpreter");
	}
	py->impl = impl;
	py->impl_name = display_name(impl);
	py->version = version;
	for (int i = 0; i < 3; i++)
		py->v[i] = (int)json_integer_value(json_array_get(vi, (size_t)i));
	py->releaselevel = json_string_value(json_array_get(vi, 3));
	py->serial = (int)json_integer_value(json_array_get(vi, 4));
	py->bits = (int)json_integer_value(json_object_get(info, "pointer_bits"));
	py->free_threaded = json_is_true(json_object_get(info, "free_threaded"));
	py->is_venv = prefix && base_prefix && !streq(prefix, base_prefix);
	py->unsupported = judge(py);
	snprintf(py->description, sizeof py->description, "%s %s%s (%d-bit) at %s", py->impl_name, py->version,
		 py->free_threaded ? " free-threaded" : "", py->bits, py->executable);
	*ret = py;
	return 0;
}

void
vr_interpreter_facts(const struct vr_interpreter *py, struct vr_spec_facts *f)
{
	f->impl = py->impl;
	memcpy(f->v, py->v, sizeof f->v);
	f->free_threaded = py->free_threaded;
	f->bits = py->bits;
}

const char *
vr_interpreter_info_str(const struct vr_interpreter *py, const char *key)
{
	const char *s = json_string_value(json_object_get(py->info, key));
	return s ? s : "";
}

const char *
vr_interpreter_venv_path(const struct vr_interpreter *py, const char *key)
{
	const char *s = json_string_value(json_object_get(json_object_get(py->info, "venv_paths"), key));

	if (s && *s && s[0] != '/' && !strstr(s, ".."))
		return s;
	if (streq(key, "scripts"))
		return "bin";
	if (streq(key, "include"))
		return "include";
	return NULL;
}

VR_PUBLIC void
vr_interpreter_free(struct vr_interpreter *py)
{
	if (!py)
		return;
	json_decref(py->info);
	free(py->executable);
	free(py->found_as);
	free(py);
}

VR_PUBLIC void
vr_interpreter_list_free(struct vr_interpreter **list)
{
	for (size_t i = 0; list && list[i]; i++)
		vr_interpreter_free(list[i]);
	free(list);
}

VR_PUBLIC const char *
vr_interpreter_get_implementation(const struct vr_interpreter *py)
{
	return py ? py->impl_name : NULL;
}

VR_PUBLIC const char *
vr_interpreter_get_version(const struct vr_interpreter *py)
{
	return py ? py->version : NULL;
}

VR_PUBLIC void
vr_interpreter_get_version_numbers(const struct vr_interpreter *py, int *major, int *minor, int *micro)
{
	if (!py)
		return;
	if (major)
		*major = py->v[0];
	if (minor)
		*minor = py->v[1];
	if (micro)
		*micro = py->v[2];
}

VR_PUBLIC const char *
vr_interpreter_get_executable(const struct vr_interpreter *py)
{
	return py ? py->executable : NULL;
}

VR_PUBLIC const char *
vr_interpreter_get_found_as(const struct vr_interpreter *py)
{
	return py ? py->found_as : NULL;
}

VR_PUBLIC bool
vr_interpreter_is_free_threaded(const struct vr_interpreter *py)
{
	return py && py->free_threaded;
}

VR_PUBLIC int
vr_interpreter_get_pointer_bits(const struct vr_interpreter *py)
{
	return py ? py->bits : 0;
}

VR_PUBLIC bool
vr_interpreter_is_supported(const struct vr_interpreter *py, const char **why)
{
	if (!py)
		return false;
	if (why)
		*why = py->unsupported;
	return !py->unsupported;
}

VR_PUBLIC const char *
vr_interpreter_describe(const struct vr_interpreter *py)
{
	return py ? py->description : NULL;
}

VR_PUBLIC char *
vr_interpreter_to_json(const struct vr_interpreter *py)
{
	_cleanup_(json_decrefp) json_t *o = NULL;

	if (!py)
		return NULL;
	o = json_deep_copy(py->info);
	if (!o)
		return NULL;
	json_object_set_new(o, "executable", json_string(py->executable));
	json_object_set_new(o, "found_as", json_string(py->found_as));
	json_object_set_new(o, "implementation_name", json_string(py->impl_name));
	json_object_set_new(o, "supported", json_boolean(!py->unsupported));
	if (py->unsupported)
		json_object_set_new(o, "unsupported_reason", json_string(py->unsupported));
	return json_dumps(o, JSON_SORT_KEYS | JSON_COMPACT);
}
