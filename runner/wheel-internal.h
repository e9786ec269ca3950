/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * What wheel-name.c, wheel-record.c, wheel-unpack.c and wheel-cache.c share, and what the unit
 * test and the fuzz target reach below wheel.h: the bounds, sha256 in RECORD's form, the RFC 822
 * header reader for METADATA and WHEEL, and verification of an archive without writing a cache.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "venvrun/error.h"

#include "sha256.h"
#include "wheel.h"

/* Everything a wheel controls is bounded. pip 23's own wheel has 500 entries, 8 MiB unpacked. */
#define VR_WHEEL_MAX_ENTRIES 100000
#define VR_WHEEL_MAX_TOTAL (1ULL << 30) /* uncompressed bytes, all entries together */
#define VR_WHEEL_MAX_PATH 1024		/* bytes of one entry name */
#define VR_WHEEL_MAX_COMPONENT 255	/* NAME_MAX */
#define VR_WHEEL_MAX_RECORD (16 * 1024 * 1024)
#define VR_WHEEL_MAX_METADATA (8 * 1024 * 1024) /* METADATA holds the long description */
#define VR_WHEEL_MAX_SMALL (1024 * 1024)	/* WHEEL, entry_points.txt */
/* Deflate cannot expand more than 1032:1; an entry claiming more is lying about its size. */
#define VR_WHEEL_MAX_RATIO 1100

/* The file in each cache entry that records what was unpacked (size, mtime, hash of every
 * file): a warm check is one stat per file. Not listed in RECORD; the seeder works from
 * RECORD and never sees it. */
#define VR_WHEEL_STAMP ".venvrun-stamp"
/* Its first line; then "wheel-size N", "dist-info NAME" and one "SIZE MTIME_NS DIGEST PATH"
 * line a file. wheel-unpack.c writes it, wheel-cache.c checks it. */
#define VR_WHEEL_STAMP_MAGIC "venvrun-wheel-stamp 1\n"

/* The digest as RECORD writes it: "sha256=" and 43 characters of urlsafe base64 without
 * padding (PEP 376 / the binary distribution format). */
#define VR_SHA256_B64_LEN 43
#define VR_SHA256_RECORD_SIZE (7 + VR_SHA256_B64_LEN + 1)
void vr_sha256_record_form(const unsigned char digest[32], char out[VR_SHA256_RECORD_SIZE]);

/*
 * The value of header `key` (case-insensitive) of an RFC 822 style text (METADATA, WHEEL):
 * headers end at the first blank line; continuation lines are folded. Returns 0 and a new
 * string, -ENOENT when absent, -ENOMEM.
 */
int vr_wheel_header_get(const char *text, size_t len, const char *key, char **ret);

/* WHEEL: Wheel-Version must be present with major version 1; Root-Is-Purelib "true" (any
 * case) sets *purelib. `where` names the file in errors. */
int vr_wheel_file_parse(const char *text, size_t len, const char *where, bool *purelib, struct vr_error *err);

/* METADATA: the Requires-Python value (NULL when absent), bounded and free of control
 * characters. */
int vr_metadata_requires_python(const char *text, size_t len, const char *where, char **ret, struct vr_error *err);

/* Why an entry or RECORD path is refused ("an absolute path", "a '..' component", ...), or
 * NULL when it is a relative path without empty, '.' or '..' components, backslashes or
 * control characters, within the length bounds. */
const char *vr_wheel_path_problem(const char *p, size_t len);

/* Normalise a distribution name the file-name way: lower case, runs of -_. as '_'. */
int vr_wheel_dist_normalize(const char *name, size_t len, char *buf, size_t size);

/* "<dist>-<version>[-<build>]-<python>-<abi>-<platform>": the cache entry's name. */
int vr_wheel_name_entry(const struct vr_wheel_name *n, char *buf, size_t size);

/*
 * Read the wheel open at `fd` (not taken) and check it all against its RECORD, exactly as
 * vr_wheel_cache_get() does before unpacking, writing nothing. `name` names the wheel in
 * errors; `parsed` (may be NULL) is its parsed file name, checked against the .dist-info.
 */
int vr_wheel_verify_fd(int fd, const char *name, const struct vr_wheel_name *parsed, struct vr_error *err);

/*
 * Read and check the wheel open at `fd` (not taken) like vr_wheel_verify_fd(), and unpack it
 * into the empty directory `rootfd`, read-only, with its stamp (`wheel_size` is the wheel
 * file's size). On success, moves what it read (dist-info name, RECORD, WHEEL, METADATA,
 * scripts) into `w`; on failure, what it wrote stays in `rootfd` for the caller to remove.
 */
int vr_wheel_unpack_at(int fd, long long wheel_size, const char *whl, const struct vr_wheel_name *name, int rootfd,
		       struct vr_wheel_entry *w, struct vr_error *err);
