/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * What every test suite shares: temporary directories, running programs (the built venvrun
 * named by $VENVRUN_BIN above all), small file helpers, and the suite runner.
 */

#include <check.h>
#include <stdbool.h>
#include <stddef.h>

/* Exit status meaning "skipped" to meson. */
#define T_EXIT_SKIP 77

/* A new directory under $TMPDIR (or /tmp) whose name holds `tag`; caller frees the string. */
char *t_tmpdir(const char *tag);
/* rm -rf, for test clean-up. */
void t_rm_rf(const char *path);

/* Run argv (argv[0] looked up on PATH when it has no slash) with the test's environment
 * plus `env` ("K=V" entries, "K" alone to unset; may be NULL), in `cwd` (may be NULL).
 * Returns the exit status, or 128+N for a death by signal N. *out and *err (either may be
 * NULL) receive what it printed. Fails the test when the program cannot be run at all or
 * runs longer than 120 s. */
int t_run(char *const argv[], char *const env[], const char *cwd, char **out, char **err);

/* t_run of the built venvrun ($VENVRUN_BIN) with a NULL-terminated argument list. */
int t_venvrun(char **out, char **err, ...) __attribute__((sentinel));
/* The same with extra environment entries and working directory. */
int t_venvrun_env(char *const env[], const char *cwd, char **out, char **err, ...) __attribute__((sentinel));
const char *t_venvrun_bin(void);

/* Write a whole file (mode 0644 unless executable), creating it; fails the test on error. */
void t_write_file(const char *path, const char *content, bool executable);
/* Read a whole file; NULL when it cannot be read. Caller frees. */
char *t_read_file(const char *path);
/* printf into a new string; never NULL. */
char *t_strdupf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* DIR/RELATIVE, where RELATIVE is printf-formatted; never NULL. */
char *t_path(const char *dir, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Whether something (a dangling link too) is at path. */
bool t_exists(const char *path);
/* stderr of a failed venvrun: exactly one line, starting "venvrun: ", holding `needle`. */
void t_assert_one_line_error(const char *err, const char *needle);
/* The path of a program on PATH, or NULL. */
char *t_which(const char *name);

/* The host's processes, but this one and `skip`, whose command line (its NULs read as
 * spaces) holds `needle`: "PID: COMMAND LINE" each, a NULL-terminated vector (NULL for
 * none), to count, report, or kill by atoi(). */
char **t_procs_with(const char *needle, pid_t skip);

/* A suite of one TCase per test, named after the test function. */
struct t_case {
	const char *name;
	const TTest *const *test; /* START_TEST makes a pointer variable: take its address */
};
#define T_CASE(f)      \
	{              \
#f, &f \
	}
/* setup and teardown (may be NULL) run around each test, in its forked process. */
Suite *t_suite(const char *name, const struct t_case *cases, size_t n, void (*setup)(void), void (*teardown)(void));
#define T_SUITE(name, cases) t_suite((name), (cases), sizeof(cases) / sizeof((cases)[0]), NULL, NULL)
#define T_SUITE_FIXTURE(name, cases, setup, teardown) \
	t_suite((name), (cases), sizeof(cases) / sizeof((cases)[0]), (setup), (teardown))

/* A suite split over files: each file's table of cases ends with { NULL, NULL }, and the
 * suite runs them in the order given. */
Suite *t_suite_of_tables(const char *name, const struct t_case *const *tables, size_t n_tables, void (*setup)(void),
			 void (*teardown)(void));

/* Run one suite in fork mode and return the process exit status for meson. */
int t_run_suite(Suite *s);
