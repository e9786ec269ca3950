/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * What the test-interpreters cases share (interp-helpers.c): a test's private world (its
 * own directory, cache, HOME, PATH and version-manager roots), running venvrun in it, what
 * an interpreter says about itself, and reading venvrun's JSON.
 */

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "testlib.h"

#define SYSTEM_PYTHON "/usr/bin/python3"
#define SYSTEM_PYPY "/usr/bin/pypy3"
#define MAX_ENV 40

/* --- a test's private world ------------------------------------------------------------ */

struct ctx {
	char *tmp;   /* the test's directory, symlinks resolved */
	char *bin;   /* TMP/bin, first on PATH */
	char *home;  /* TMP/home, $HOME */
	char *cache; /* TMP/cache, $VENVRUN_CACHE_DIR (venvrun creates it) */
	char *work;  /* TMP/work, the working directory of every run */
	char *env[MAX_ENV + 1];
};

/* Set ("K=V") or unset ("K") one variable of the runs' environment. */
void ctx_set(struct ctx *c, const char *entry);
void ctx_setf(struct ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void mkdir_p(const char *path);
void ctx_init(struct ctx *c, const char *tag);
void ctx_done(struct ctx *c);

/* Run venvrun with the test's environment, in `cwd` (NULL: TMP/work). */
int run_venvrun(struct ctx *c, const char *cwd, char **out, char **err, const char *const *args);
#define VR(c, cwd, out, err, ...) run_venvrun((c), (cwd), (out), (err), (const char *const[]){ __VA_ARGS__, NULL })

bool exists(const char *path);
bool contains(const char *haystack, const char *needle);
void explain_missing(const char *file, int line, const char *haystack, const char *needle);

#define assert_contains(h, n)                                  \
	do {                                                   \
		explain_missing(__FILE__, __LINE__, (h), (n)); \
		ck_assert_int_eq(contains((h), (n)), true);    \
	} while (0)

/* A failure's report: exactly one line, "venvrun: ...". */
void assert_one_error_line(const char *err);
char *real_path(const char *path);
char *dir_of(const char *path);
/* Lines in a file; 0 when it does not exist. */
int count_lines(const char *path);

/* --- what an interpreter says about itself ------------------------------------------------ */

struct pyfacts {
	char *real;
	char impl[32];
	char version[64]; /* "3.12.1", "3.13.0rc2": platform.python_version() */
	int major, minor, micro;
};

void py_facts(const char *py, struct pyfacts *f);
void py_facts_done(struct pyfacts *f);
bool have_pypy(void);
/* An interpreter in /usr/local/bin could be the newest match of a version spec instead of
 * /usr/bin's: then only the version, not the path, of the choice is certain. */
bool usr_local_has_pythons(void);

/* --- JSON --------------------------------------------------------------------------------- */

json_t *parse_json(const char *text);
const char *jstr(json_t *o, const char *key);
/* `create --dry-run --json [-p SPEC] TMP/env` must succeed and write nothing; returns the
 * tree. */
json_t *dry_run(struct ctx *c, const char *cwd, const char *spec);
json_t *interp_of(json_t *tree);
/* The interpreter is `f`'s (by real path) and reports what `f` said of itself. */
void assert_is(json_t *py, const struct pyfacts *f);
size_t count_cache_files(struct ctx *c);

/* --- the cases ----------------------------------------------------------------------------- */

/* Each case file's cases, ended by { NULL, NULL }; test-interpreters.c registers them in
 * order. */
extern const struct t_case interp_discovery_cases[]; /* interp-discovery.c */
extern const struct t_case interp_managers_cases[];  /* interp-managers.c */
extern const struct t_case interp_specs_cases[];     /* interp-specs.c */
