/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * Wheels (PEP 427 / the binary distribution format): names, RECORD, entry points, and the
 * shared unpacked cache ("app-data"). Every wheel is read once with libzip, checked
 * against its own RECORD (sha256 of every file), and unpacked into
 * CACHE/wheels/<dist>-<version>-<tag>/ through a temporary directory renamed into place
 * under a lock, so parallel creates share one copy and a crash leaves no half entry.
 *
 *     struct vr_wheel_entry *w = NULL;
 *     r = vr_wheel_cache_get("/usr/share/python-wheels/pip-23.0.1-py3-none-any.whl",
 *                            cache_dir, &w, &err);
 *     ... w->dir is the unpacked tree, w->files its RECORD ...
 *     vr_wheel_entry_free(w);
 */

#include <stdbool.h>
#include <stddef.h>

#include "venvrun/error.h"

/* The parts of a wheel file name: {dist}-{version}(-{build})?-{python}-{abi}-{platform}.whl */
struct vr_wheel_name {
	char dist[128]; /* normalised: lower case, runs of -_. as '_' (the file-name form) */
	char version[64];
	char build[32];	 /* "" when absent */
	char python[64]; /* compressed tag sets stay as written: "py2.py3" */
	char abi[64];
	char platform[128];
};

int vr_wheel_name_parse(const char *filename, struct vr_wheel_name *ret, struct vr_error *err);

/* One RECORD line: path,sha256=<urlsafe-b64-nopad>,size (hash and size empty for RECORD
 * itself and for signatures). */
struct vr_record_entry {
	char *path;	/* relative, '/'-separated, never absolute, never with ".." */
	char *hash;	/* "sha256=..." or NULL */
	long long size; /* -1 when absent */
};

/* Parse a RECORD (CSV as the spec says: quoted fields allowed). Refuses absolute paths,
 * "..", NUL bytes, duplicate paths and unsupported hash algorithms, naming the line. */
int vr_record_parse(const char *text, size_t len, const char *where, struct vr_record_entry **ret, size_t *ret_n,
		    struct vr_error *err);
void vr_record_free(struct vr_record_entry *entries, size_t n);

/* A [console_scripts] (or [gui_scripts]) entry of entry_points.txt: name = module:attr */
struct vr_entry_point {
	char *name;
	char *module;
	char *attr; /* "main", or "Class.method"; never empty */
	bool gui;
};

int vr_entry_points_parse(const char *text, size_t len, const char *where, struct vr_entry_point **ret, size_t *ret_n,
			  struct vr_error *err);
void vr_entry_points_free(struct vr_entry_point *eps, size_t n);

/* The cached, verified, unpacked form of one wheel. */
struct vr_wheel_entry {
	char *dir; /* CACHE/wheels/<dist>-<version>-<tag> */
	struct vr_wheel_name name;
	char *dist_info;	       /* "<Dist>-<version>.dist-info" as in the archive */
	char *requires_python;	       /* from METADATA, NULL when absent */
	bool root_is_purelib;	       /* from WHEEL */
	struct vr_record_entry *files; /* the wheel's RECORD, every file verified */
	size_t n_files;
	struct vr_entry_point *scripts; /* from entry_points.txt */
	size_t n_scripts;
};

/*
 * The cache entry for the wheel at `path`: unpacked and verified now if absent, re-checked
 * (size and mtime of every file against RECORD; a changed or missing file means rebuild)
 * when present. A wheel whose RECORD does not match, lacks RECORD, has an entry with ".."
 * or an absolute path or a symlink entry, is truncated, or cannot be read is refused with
 * one error naming the wheel and the entry; nothing is left in the cache then.
 */
int vr_wheel_cache_get(const char *path, const char *cache_dir, struct vr_wheel_entry **ret, struct vr_error *err);
void vr_wheel_entry_free(struct vr_wheel_entry *w);
