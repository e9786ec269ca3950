/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * Seeding packages (pip by default) into a new env from wheels, through the shared wheel
 * cache (wheel.h). create resolves first, before it plans the tree, so the manifest can
 * name what is seeded; it installs into the temporary tree before that is renamed in, so a
 * failed seed leaves no env:
 *
 *     struct vr_seed *s = NULL;
 *     r = vr_seed_resolve(py, &o, true, &s, &err);       // choose and cache the wheels
 *     ... plan with vr_seed_to_json(s) as the manifest's "seeded" ...
 *     r = vr_seed_install_at(tmpfd, final_path, py, s, &err);
 *     vr_seed_free(s);
 *
 * The pure parts (wheel-tags.c): the tags a wheel may carry to fit an interpreter,
 * computed as packaging.tags does, and PEP 440 versions and specifiers for
 * Requires-Python, pins, and choosing the newest version.
 */

#include <jansson.h>
#include <stdbool.h>

#include "venvrun/env.h"

#include "interp.h"

/* ---- tags (wheel-tags.c) ---- */

/* What the supported tag set of an interpreter depends on. */
struct vr_tag_facts {
	const char *impl; /* sys.implementation.name: "cpython", "pypy", ... */
	int major, minor;
	const char *abiflags;	      /* sys.abiflags: "", "m", "t", "d", ... */
	const char *ext_suffix;	      /* EXT_SUFFIX: ".cpython-311-x86_64-linux-gnu.so", ".pypy39-pp73-...so" */
	const char *platform;	      /* sys.platform: "linux" */
	const char *machine;	      /* uname -m as the interpreter saw it */
	int bits;		      /* pointer size of the interpreter */
	int glibc_major, glibc_minor; /* the C library's version; 0, 0: not glibc (no manylinux) */
};

/* The tags the interpreter supports, best first, each "python-abi-platform", in the order
 * packaging.tags.sys_tags() yields them (manylinux and linux platforms; no musllinux).
 * *ret is a NULL-terminated vector the caller frees with vr_strv_free(). */
int vr_tags_supported(const struct vr_tag_facts *f, char ***ret);

/* The rank of a wheel's tags (each part possibly a compressed set, "py2.py3") in
 * `supported`: the index of the best triple it carries; -1 when none fits. */
int vr_tags_rank(char *const *supported, const char *python, const char *abi, const char *platform);

/* ---- PEP 440 (wheel-tags.c) ---- */

#define VR_VERSION_PARTS 12

struct vr_version {
	long long epoch;
	long long release[VR_VERSION_PARTS];
	int n_release;
	char pre; /* 0, 'a', 'b' or 'c' (rc) */
	long long pre_n;
	long long post; /* -1: none */
	long long dev;	/* -1: none */
	char local[64]; /* "" when none; normalised ('-' and '_' as '.') */
};

/* Parse a version in PEP 440's normal or lenient forms ("1.0rc1", "v1.0-1", "1!2.0.post3").
 * -EINVAL when it is not one. */
int vr_version_parse(const char *s, struct vr_version *ret);
/* <0, 0, >0 as a sorts before, equal to, after b (PEP 440 order). */
int vr_version_compare(const struct vr_version *a, const struct vr_version *b);
/* A pre-release or development release. */
bool vr_version_is_prerelease(const struct vr_version *v);

/*
 * Whether `version` satisfies the comma-separated PEP 440 specifiers `spec` (">=3.7",
 * "!=3.0.*,>=2.7", "~=3.8", "==3.*"; empty: everything). Returns 1 or 0; -EINVAL with
 * err set when spec or version does not parse. `where` names the spec's origin in errors.
 * Pre-releases of the candidate are allowed, as pip allows them for Requires-Python.
 */
int vr_specifier_match(const char *spec, const char *version, const char *where, struct vr_error *err);

/* Normalise a distribution name the way wheel file names carry it: lower case, runs of
 * "-_." as one '_'. Returns -EINVAL for an empty or over-long name. */
int vr_dist_name_normalize(const char *name, char *buf, size_t size);

/* ---- resolving and installing (seed.c, seed-install.c) ---- */

struct vr_seed;

/*
 * Choose the wheels for o->seed_packages (NULL: "pip") from the sources, first match per
 * distribution: o->wheel_dirs in order, $VENVRUN_WHEEL_PATH, the interpreter's bundled
 * ensurepip wheels, the system's wheel directories. Within the first source that has a
 * fitting wheel, the newest version whose tags fit the interpreter, that satisfies the
 * pin and whose Requires-Python admits the interpreter. With `fetch`, each chosen wheel is
 * put into (or found in) the wheel cache, which is also where Requires-Python is read;
 * without it (dry runs) nothing is written and Requires-Python is not checked. A package
 * no source has fails with VR_ERR_USAGE, naming it and every directory searched; a wheel
 * the cache refuses fails with the cache's error (naming the wheel and the entry).
 * o->no_seed gives an empty set.
 */
int vr_seed_resolve(const struct vr_interpreter *py, const struct vr_create_options *o, bool fetch,
		    struct vr_seed **ret, struct vr_error *err);

/* The manifest's "seeded" list: [{"name", "version", "wheel"}]; NULL on ENOMEM. */
json_t *vr_seed_to_json(const struct vr_seed *s);

/*
 * Install the resolved (fetched) wheels into the env tree at envfd, which will live at
 * `env_path` (the scripts' shebangs name it). Files are hard-linked from the cache, or
 * reflinked or copied on another filesystem; scripts are written; each .dist-info gets
 * INSTALLER and a RECORD of what was installed. Nothing outside envfd is written.
 */
int vr_seed_install_at(int envfd, const char *env_path, const struct vr_interpreter *py, const struct vr_seed *s,
		       struct vr_error *err);

void vr_seed_free(struct vr_seed *s);

/* `target` relative to the directory `base` (both relative, normalised): how RECORD names
 * an installed file from the directory holding the .dist-info ("../../../bin/pip"). */
char *vr_seed_relative_path(const char *base, const char *target);

/* Internal to seed.c and seed-install.c. */
struct vr_wheel_entry;
size_t vr_seed_count(const struct vr_seed *s);
const struct vr_wheel_entry *vr_seed_wheel(const struct vr_seed *s, size_t i);
const char *vr_seed_wheel_path(const struct vr_seed *s, size_t i);
