/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * Python interpreters: discovery, the facts venvrun needs about one, and their cache.
 *
 *     struct vr_discover_options o;
 *     struct vr_interpreter *py = NULL;
 *     vr_discover_options_init(&o);
 *     r = vr_interpreter_find("3.12", &o, &py, &err);     // or a path, command, range...
 *     ... vr_interpreter_get_executable(py) ...
 *     vr_interpreter_free(py);
 *
 * A spec is one of: a path ("/usr/bin/python3"); a command on PATH ("python3.12",
 * "pypy3"); a version ("3", "3.12", "3.12.1"); an implementation and version ("cpython3.12",
 * "pypy3.9"), optionally with "-64"/"-32" and a free-threaded "t" ("3.13t"); or a PEP 440
 * range (">=3.10,<3.13"), optionally after an implementation ("pypy>=3.9"). NULL or "" means
 * $VENVRUN_PYTHON, else the first python3 on PATH. Version-manager shims (pyenv, asdf, mise)
 * are resolved to the real interpreter they stand for.
 *
 * Each interpreter is queried once, by running it in isolated mode; the answer is cached
 * under the cache directory keyed by its real path and file identity, so a warm lookup
 * runs no Python at all.
 */

#include <stdbool.h>
#include <stddef.h>

#include "venvrun/error.h"

#ifdef __cplusplus
extern "C" {
#endif

struct vr_interpreter;

struct vr_discover_options {
	/* Colon-separated search path; NULL: $PATH. */
	const char *path;
	/* Directory for the info cache; NULL: $VENVRUN_CACHE_DIR, else $XDG_CACHE_HOME/venvrun,
	 * else ~/.cache/venvrun. "" disables the cache. */
	const char *cache_dir;
	/* Bound on one query, in milliseconds; 0: $VENVRUN_QUERY_TIMEOUT_MS, else 10000. */
	int query_timeout_ms;
	/* Called with one line for each candidate considered and why it was taken or not;
	 * NULL for silence. The library itself never prints. */
	void (*explain)(void *userdata, const char *line);
	void *userdata;
};

VR_PUBLIC void vr_discover_options_init(struct vr_discover_options *o);

/*
 * Find the interpreter a spec names. Fails with VR_ERR_BAD_SPEC when the spec does not
 * parse, VR_ERR_NO_INTERPRETER when nothing matches (the message says what was found),
 * VR_ERR_UNSUPPORTED_INTERPRETER when what the spec names cannot host an env, and
 * VR_ERR_QUERY_FAILED when the interpreter crashed, hung or answered garbage.
 * On success *ret is owned by the caller.
 */
VR_PUBLIC int vr_interpreter_find(const char *spec, const struct vr_discover_options *o, struct vr_interpreter **ret,
				  struct vr_error *err);

/*
 * Everything discovery finds (supported or not), in search order, one entry per real
 * interpreter. Candidates whose query fails are skipped (and explained). *ret is a
 * NULL-terminated array owned by the caller: free it with vr_interpreter_list_free().
 */
VR_PUBLIC int
vr_interpreter_discover(const struct vr_discover_options *o, struct vr_interpreter ***ret, struct vr_error *err);
VR_PUBLIC void vr_interpreter_list_free(struct vr_interpreter **list);

/* Query (or read from the cache) the interpreter at `path`, without judging it. */
VR_PUBLIC int vr_interpreter_from_path(const char *path, const struct vr_discover_options *o,
				       struct vr_interpreter **ret, struct vr_error *err);

VR_PUBLIC void vr_interpreter_free(struct vr_interpreter *py);

/* "CPython", "PyPy", ... */
VR_PUBLIC const char *vr_interpreter_get_implementation(const struct vr_interpreter *py);
/* "3.12.1", "3.13.0rc2" */
VR_PUBLIC const char *vr_interpreter_get_version(const struct vr_interpreter *py);
/* The version numbers; any pointer may be NULL. */
VR_PUBLIC void vr_interpreter_get_version_numbers(const struct vr_interpreter *py, int *major, int *minor, int *micro);
/* The interpreter's real path: symlinks and shims resolved. */
VR_PUBLIC const char *vr_interpreter_get_executable(const struct vr_interpreter *py);
/* The path it was found at (a PATH entry, a shim, the spec's path). */
VR_PUBLIC const char *vr_interpreter_get_found_as(const struct vr_interpreter *py);
VR_PUBLIC bool vr_interpreter_is_free_threaded(const struct vr_interpreter *py);
VR_PUBLIC int vr_interpreter_get_pointer_bits(const struct vr_interpreter *py);
/* True when venvrun can build envs for it; otherwise *why (may be NULL) says why not. */
VR_PUBLIC bool vr_interpreter_is_supported(const struct vr_interpreter *py, const char **why);
/* "CPython 3.12.1 (64-bit) at /usr/bin/python3.12" style one-line description; static
 * storage inside the object. */
VR_PUBLIC const char *vr_interpreter_describe(const struct vr_interpreter *py);
/* Everything venvrun knows about it, as a JSON object text; owned by the caller. */
VR_PUBLIC char *vr_interpreter_to_json(const struct vr_interpreter *py);

#ifdef __cplusplus
}
#endif
