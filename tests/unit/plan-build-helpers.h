/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * What the plan-build cases (plan-build-policy.c, plan-build-hiding.c) share, and how
 * each file hands its cases to the suite in test-plan-build.c: the test's directories
 * (made by the fixture around every case), a fake CPython installation and an env made
 * from it, the default policy, the request built from them, building a plan into JSON,
 * and reading that JSON back (mounts, environment, namespaces).
 */

#include <jansson.h>
#include <stdbool.h>
#include <sys/types.h>

#include "venvrun/venvrun.h"

#include "plan-build.h"
#include "testlib.h"

extern char *test_dir;	  /* the test's directory */
extern char *fake_prefix; /* the fake interpreter's installation */
extern char *fake_home;	  /* the caller's fake $HOME */
extern char *work_dir;	  /* the caller's working directory */
extern char *host_cache;  /* the cache of the host's Python installations, shared by all tests */

/* The fixture around every case: the directories above, the fake installation at fake_prefix,
 * and a secret file in fake_home; then removing them. */
void plan_build_setup(void);
void plan_build_teardown(void);

/* mkdir -p that must succeed. */
void mkdirs(const char *p);
/* A fake CPython 3.12 installed at `pfx`, and the interpreter object for it. */
void make_installation(const char *pfx);
struct vr_interpreter *fake_interpreter(const char *pfx);
/* An env at `path` whose bin/python links to `python` and whose home is `home_dir`. */
struct vr_env *make_env(const char *path, const char *home_dir, const char *python);
/* The policy every case starts from: env read-only, workdir read-write, host network. */
void default_policy(struct vr_policy_values *v);

/* A request for `python -c pass` in the fake env, its base and the default policy. */
struct fixture {
	struct vr_interpreter *py;
	struct vr_env *env;
	char *env_path;
	struct vr_policy_values pol;
	struct vr_plan_request req;
};

extern char *argv_python[];
void fixture_init(struct fixture *f);
void fixture_done(struct fixture *f);

/* Build and return the plan's JSON (failing the test on error). */
json_t *build_json(const struct vr_plan_request *req);

/* Reading the plan's JSON. */
json_t *mounts_of(json_t *doc);
/* A string member of one mount. */
const char *mount_field(json_t *m, const char *key);
/* The index of the first mount of `type` at `target`, or -1; and the mount at an index. */
ssize_t find_mount(json_t *doc, const char *type, const char *target);
json_t *mount_at(json_t *doc, ssize_t i);
bool is_hidden(json_t *doc, const char *target);
/* Whether some hide makes `path` (or a parent of it) empty. */
bool hide_covers(json_t *doc, const char *path);
/* Whether a bind brings in `path` or a parent of it, from the host. */
bool binds_from(json_t *doc, const char *path);
/* The value of a variable in the plan's environment, or NULL. */
const char *plan_env_value(json_t *doc, const char *name);
bool has_namespace(json_t *doc, const char *name);

/* Each file's cases, ended by an entry whose name is NULL. */
extern const struct t_case plan_build_policy_cases[]; /* plan-build-policy.c */
extern const struct t_case plan_build_hiding_cases[]; /* plan-build-hiding.c */
