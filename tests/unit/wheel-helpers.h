/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * What the wheel cases (wheel-parsers.c, wheel-cache.c) share, and how each file hands
 * its cases to the suite in test-wheel.c: the test's cache directory (made by the fixture
 * around every case), RECORD hashes, wheels built here with libzip (well-formed, or bad in
 * one chosen way), and the checks that a wheel is refused and the cache left clean.
 */

#include <stdbool.h>

#include "testlib.h"
#include "wheel-internal.h"
#include "wheel.h"

/* The demo wheel: its file name, its dist-info directory, its entry in the cache. */
#define WHL "demo-1.0-py3-none-any.whl"
#define DI "demo-1.0.dist-info/"
#define ENTRY "demo-1.0-py3-none-any"

/* One archive member; mode is a full st_mode (0: a regular 0644 file; S_IFDIR: "name/"). */
struct wf {
	const char *name;
	const char *data;
	unsigned mode;
};

/* How make_wheel() makes the wheel wrong (all zero: a good wheel). */
struct wopts {
	const char *unlisted;	/* left out of the generated RECORD */
	const char *bad_hash;	/* listed with another file's hash */
	const char *bad_size;	/* listed with a wrong size */
	const char *phantom;	/* listed in RECORD but not in the archive */
	const char *wheel_file; /* WHEEL's content instead of the default */
	bool no_record;
};

/* METADATA of the demo wheel; a header after the blank line is body, not a header. */
extern const char demo_metadata[];

/* The cache every case uses (CACHE), and its wheels directory (CACHE/wheels). */
extern char *cache_dir, *wheels_dir;

/* The fixture around every case: a new directory holding the wheels built and the cache;
 * then removing it, read-only parts too. */
void wheel_setup(void);
void wheel_teardown(void);

/* The sha256=... form RECORD lists for `data`. */
void record_hash(const char *data, char out[VR_SHA256_RECORD_SIZE]);
/* A wheel in the test's directory: METADATA, WHEEL and demo/__init__.py, then `extra`, then
 * RECORD, made wrong as `o` says (may be NULL). Returns its path, to free. */
char *make_wheel(const char *fname, const struct wf *extra, size_t n_extra, const struct wopts *o);
/* Nothing in CACHE/wheels but lock files and `entry` (or nothing but lock files). */
void assert_cache_clean_except(const char *entry);
void assert_cache_clean(void);
/* The cache refuses `wheel` with exactly the error line `expected`, leaves nothing behind,
 * and the verifier alone says the same. */
void assert_refused(const char *wheel, const char *expected);

/* Each file's cases, ended by an entry whose name is NULL. */
extern const struct t_case wheel_parser_cases[]; /* wheel-parsers.c */
extern const struct t_case wheel_cache_cases[];	 /* wheel-cache.c */
