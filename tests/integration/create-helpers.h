/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * What the test-create cases share (create-helpers.c): each test's scratch directory with
 * an isolated cache and env home, running venvrun and python, the interpreters this
 * machine has, what CPython's test_venv asserts of an env, and reading and marking envs.
 * Each test runs in its own forked process, so the state is plain globals.
 */

#include <jansson.h>
#include <stdbool.h>

#include "testlib.h"

/* The state of one test, set by create_setup(). */
extern char *scratch;		   /* the test's directory, realpath */
extern char *cache_env, *home_env; /* "VENVRUN_CACHE_DIR=..." and "VENVRUN_HOME=..." in it */

/* The suite's fixture: make the test's directory; remove it. */
void create_setup(void);
void create_teardown(void);

/* venvrun with the isolated cache; NULL-terminated arguments. */
int vr(char **out, char **err, ...) __attribute__((sentinel));
/* Run python code and parse what it prints as JSON. */
json_t *py_json(const char *python, const char *code);
const char *jstr(json_t *o, const char *key);

/* Python code printing, as JSON, what an env's python (env_probe) or a base interpreter
 * (base_probe) says of itself. */
extern const char env_probe[];
extern const char base_probe[];

/* The interpreters this machine has: Debian's python3 always, PyPy and pyenv's CPythons
 * (3.7 and newer) when present. */
char **interpreters(void);
/* What CPython's test_venv asserts of an env made from `python`. */
void assert_env_like_test_venv(const char *env, const char *python, bool system_site);
/* The value of `key` in ENV/pyvenv.cfg, or NULL. */
char *pyvenv_cfg_value(const char *env, const char *key);
/* A marker file in ENV/lib, to see whether an env was replaced. */
void put_env_marker(const char *env);
bool has_env_marker(const char *env);

/* Each case file's cases, ended by { NULL, NULL }; test-create.c registers them in order. */
extern const struct t_case create_envs_cases[];	   /* create-envs.c */
extern const struct t_case create_replace_cases[]; /* create-replace.c */
