/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * The host's other Python installations, wherever they live under /usr and /opt (a
 * distribution's /usr/lib/python3.Y, /usr/local's builds, an SDK's bundled CPython deep in
 * /usr/lib/google-cloud-sdk/...): what the plan builder hides.
 *
 *     struct vr_host_pythons *hp = NULL;
 *     r = vr_host_pythons_get(cache_dir, &hp);       // cache_dir NULL: walk, cache nothing
 *     for (char **s = hp->sites; *s; s++) ...        // hide them
 *     vr_host_pythons_free(hp);
 *
 * Finding them is a walk of a few thousand directories (~0.2 s cold), too slow for every
 * run, so its result is cached as JSON in CACHE/host-pythons.json, keyed by the identity of
 * the directories whose change signals an install (see host-pythons.c). A warm read is a
 * file read and a few dozen stat() calls. Nothing here runs Python or changes the host,
 * except the cache file.
 */

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct vr_host_python_exe {
	char *path; /* the real path of an interpreter executable */
	dev_t dev;
	ino_t ino;
};

struct vr_host_pythons {
	char **sites;			 /* directories named site-packages or dist-packages, real paths */
	char **installs;		 /* installations: a root of its own (.../bundledpythonunix), or a
			  * lib/pythonX.Y or lib/pypyX.Y directory (under a shared prefix
			  * like /usr, only the version's library directory), real paths */
	struct vr_host_python_exe *exes; /* python* and pypy* executables met in bin/ directories */
	size_t n_exes;
	unsigned dirs_opened; /* the walk's cost; 0 when the answer came from the cache */
	bool truncated;	      /* the walk stopped at a bound: it may have missed some */
};

/*
 * Walk `roots` (NULL-terminated absolute paths; one that is not a directory, or is a
 * symlink, is skipped) and collect what they hold. Symlinked directories are never
 * followed; site directories are not descended into; documentation, locales, headers and
 * sources are pruned. A root itself and `root/local` count as shared prefixes (like /usr):
 * an installation directly in one is hidden by its library directories, never whole.
 * On success *ret is owned by the caller.
 */
int vr_host_pythons_scan(const char *const *roots, struct vr_host_pythons **ret);

/*
 * The answer for `roots` from the cache file `cache_file` when its key still matches
 * (the identities of `signals`, of the roots, and of the parent of everything found);
 * else walk, and write the file (atomically) for next time. `cache_file` NULL: walk only.
 * A cache file that does not parse, is stale, or belongs to another user is ignored and
 * rewritten; one that cannot be written costs only the next run another walk.
 */
int vr_host_pythons_load(const char *const *roots, const char *const *signals, const char *cache_file,
			 struct vr_host_pythons **ret);

/* The host's: vr_host_pythons_load() of /usr, /opt and unmerged /bin, /sbin, /lib, /lib64
 * with CACHE/host-pythons.json, CACHE being `cache_dir` (NULL: no cache). */
int vr_host_pythons_get(const char *cache_dir, struct vr_host_pythons **ret);

struct vr_host_pythons *vr_host_pythons_free(struct vr_host_pythons *hp);

/* Whether `name` is an interpreter's: python, python3, python3.12, python3.13t, pypy3.10;
 * not python3-config, pypy3clean or python-argcomplete-*, which are scripts. */
bool vr_host_python_is_interpreter_name(const char *name);
