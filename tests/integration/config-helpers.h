/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * What the test-config cases share (config-helpers.c): each test's isolated profile
 * directories ($VENVRUN_PROFILE_PATH = p1:p2), $XDG_CONFIG_HOME, $HOME, cache and env home,
 * running venvrun in them, reading JSON, and making and describing envs. Each test runs in
 * its own forked process, so the state is plain globals.
 */

#include <jansson.h>

#include "testlib.h"

/* The state of one test, set by config_setup(). */
extern char *scratch; /* the test's directory, realpath */
extern char *p1, *p2; /* the profile directories, in $VENVRUN_PROFILE_PATH's order */

/* The suite's fixture: make the test's directories; remove them. */
void config_setup(void);
void config_teardown(void);

/* ---- running venvrun --------------------------------------------------------------- */

/* venvrun in the isolated environment; NULL-terminated arguments. */
int vr(char **out, char **err, ...) __attribute__((sentinel));
/* The same with `extra` (may be NULL) on top: "K=V", or "K" to unset, replaces the
 * isolated entry of that name. */
int vr_env(char *const extra[], char **out, char **err, ...) __attribute__((sentinel));
/* stderr is exactly `line` (without the trailing newline). */
void assert_error_line(const char *err, const char *line);

/* ---- JSON -------------------------------------------------------------------------- */

json_t *parse_json(const char *text);
/* The value at a dotted path ("limits.nofile") of an object; fails when absent. */
json_t *jget(json_t *o, const char *path);
const char *jstr(json_t *o, const char *path);
long long jint(json_t *o, const char *path);

/* ---- envs and profiles ------------------------------------------------------------- */

/* A fresh env of /usr/bin/python3 at scratch/NAME; returns its path. */
char *make_env(const char *name);
/* `describe --json` with extra arguments (NULL, or two, or four) before ENV; the whole
 * object. */
json_t *describe_json(const char *env, const char *a1, const char *a2, const char *a3, const char *a4);
/* Rewrite ENV/venvrun.json with its "policy" member replaced by `policy` (JSON text). */
void set_manifest_policy(const char *env, const char *policy);
/* The path of a profile shipped in the source tree (config/profiles/NAME.json). */
char *shipped_profile(const char *name);

/* ---- the cases --------------------------------------------------------------------- */

/* Each case file's cases, ended by { NULL, NULL }; test-config.c registers them in order. */
extern const struct t_case config_profiles_cases[]; /* config-profiles.c */
extern const struct t_case config_policy_cases[];   /* config-policy.c */
