/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* The interpreter object's insides, shared by discovery, the cache and env building. */

#include <jansson.h>
#include <stdbool.h>
#include <sys/stat.h>

#include "venvrun/interpreter.h"

#include "interp-spec.h"

/* Bumped whenever the query script or the facts read from it change: older cache entries
 * are then re-queried. */
#define VR_QUERY_VERSION 1

struct vr_interpreter {
	json_t *info;	       /* the query's answer, as cached */
	char *executable;      /* real path */
	char *found_as;	       /* where discovery met it */
	const char *impl;      /* "cpython", "pypy" (in info) */
	const char *impl_name; /* "CPython", "PyPy" */
	const char *version;   /* in info */
	int v[3];
	const char *releaselevel;
	int serial;
	int bits;
	bool free_threaded;
	bool is_venv;		 /* it is itself inside a virtual environment */
	const char *unsupported; /* NULL when supported */
	char description[512];
};

/* Facts for spec matching. */
void vr_interpreter_facts(const struct vr_interpreter *py, struct vr_spec_facts *f);

/* A string fact of the query ("base_prefix", ...); "" when absent. */
const char *vr_interpreter_info_str(const struct vr_interpreter *py, const char *key);
/* A path of the env layout relative to the env ("purelib", "platlib", "scripts",
 * "include"), with the conventional default when the interpreter did not say. */
const char *vr_interpreter_venv_path(const struct vr_interpreter *py, const char *key);

/* Whether a query's answer holds the facts every interpreter object needs. */
bool vr_interpreter_info_is_valid(json_t *info);

/* Build the object from the query's JSON (takes a reference on info). */
int vr_interpreter_new_from_info(json_t *info, const char *executable, const char *found_as,
				 struct vr_interpreter **ret, struct vr_error *err);

/* The info of the interpreter whose real path is `real` and identity `st`: from the cache
 * when it is current, else by running it (and caching the answer). */
int vr_interpreter_query(const char *real, const struct stat *st, const struct vr_discover_options *o, json_t **ret,
			 struct vr_error *err);

/* The cache directory discovery uses for these options; NULL when caching is off. */
char *vr_interpreter_cache_dir(const struct vr_discover_options *o);
