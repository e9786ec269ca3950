/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * What the test-run cases share (run-helpers.c): the state of one test, running venvrun
 * and other programs as the caller or as 65534 (through setpriv), watching processes in
 * /proc, reading JSON, and making envs, wheels and marker packages outside the sandbox.
 * Each test runs in its own forked process, so the state is plain globals.
 */

#include <jansson.h>
#include <stdbool.h>
#include <sys/types.h>

#include "testlib.h"

enum who {
	AS_CALLER,
	AS_NOBODY,
};

/* The state of one test, set by begin(). */
extern char *scratch; /* the test's directory, realpath, 0755 */
extern char *home;    /* HOME for every command: owned by whoever runs them */
extern char *work;    /* the working directory of every command */

/* ---- set-up ------------------------------------------------------------------------ */

void mkdir_p(const char *path);
/* Start a test as `w`. False when that half cannot run here (a note says why). */
bool begin(enum who w);
/* What root wrote into the scratch directory now belongs to 65534, in both halves: as
 * nobody, venvrun itself is 65534; started as root, venvrun runs the program as nobody
 * (65534) when the policy names no user, and the program writes its working directory and,
 * with --writable-env, its env. Called after writing files and before running commands. */
void hand_over(void);

/* ---- running commands ---------------------------------------------------------------- */

/* The test's environment with `extra` layered on top (an extra entry replaces one of its
 * name). */
char **merged(char *const extra[]);
/* argv as whoever the test is, with setpriv in front for AS_NOBODY. */
char **as_who(char *const argv[]);
/* Run argv (absolute argv[0]) in `work` with the test's environment + extra. */
int run_argv(char *const extra[], char **out, char **err, char *const argv[]);
/* venvrun ARGS... as the test's user, in `work`. */
int vr(char **out, char **err, ...) __attribute__((sentinel));
/* Any program (absolute path) as the test's user, outside the sandbox. */
int host(char **out, char **err, ...) __attribute__((sentinel));
/* Start venvrun ARGS in the background (stdout to /dev/null, stderr to `errfile`). */
pid_t spawn_vr(const char *errfile, char *const args[]);
/* Wait up to `ms` for `pid`; its status as t_run reports it, or -1 when it still runs. */
int wait_for(pid_t pid, int ms);
/* Wait up to `ms` for a file to appear while `pid` still runs. */
bool wait_file(const char *path, pid_t pid, int ms);
/* Kill what a failed test left behind, so one failure does not leave sleepers around. */
void kill_procs(char **found);
/* The strings of `v`, each on its own indented line, for messages. */
char *joined(char **v);
/* A marker unique to this test run, for finding its processes in /proc. */
char *unique_marker(const char *what);

/* ---- assertions and JSON ------------------------------------------------------------- */

json_t *parse_json(const char *what, const char *out);
const char *jstr(json_t *o, const char *key);

/* ---- envs and wheels ----------------------------------------------------------------- */

/* What the tests need to know of an env, asked of its python outside the sandbox. */
struct env_facts {
	char *path;
	char *python; /* ENV/bin/python */
	char *site;   /* its site-packages (purelib) */
	char *xy;     /* "3.11" */
	char *base;   /* the base interpreter, as sys._base_executable names it */
};

void env_facts_done(struct env_facts *f);
/* `python3 -m venv` (Debian seeds pip from /usr/share/python-wheels, offline), as the
 * test's user. */
struct env_facts make_venv(const char *name, bool with_pip);
/* scratch/wheels with marker 1, 2 and 3. Returns the directory. */
char *make_wheels(void);
/* A marker package written straight into a directory (no pip). */
void put_marker(const char *dir, int version);
/* `venvrun install --ro-bind WHEELS ENV -- --no-index --find-links WHEELS marker==N`, the
 * documented form (venvrun install ENV -- requests). When it fails, the form with pip's
 * verb is tried so the isolation tests still say something; install_passes_pip_install_args
 * is the test that fails then. */
void install_marker(const char *env, const char *wheels, int n);
/* `import marker` in ENV's sandbox (or outside it) after putting `front` (a JSON list) at
 * the front of sys.path; what it gives, and which of those paths are there (exist, not
 * empty). */
json_t *marker_in(bool sandboxed, const char *env, char *const front[], char *const extra[], char *const opts[]);
long marker_version(json_t *j);

/* ---- the cases ----------------------------------------------------------------------- */

/* Each case file's cases, ended by { NULL, NULL }; test-run.c registers them in order. */
extern const struct t_case run_isolation_cases[]; /* run-isolation.c */
extern const struct t_case run_cli_cases[];	  /* run-cli.c */
extern const struct t_case run_processes_cases[]; /* run-processes.c */
