/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * The plan builder: the one place that knows both an env (with its base interpreter's
 * facts) and a policy, and turns them into a sandbox plan (plan.h) as plain data.
 *
 *     struct vr_plan_request req = {
 *             .env = env, .base = py, .policy = &values,
 *             .argv = argv, .envp = environ, .cwd = NULL, .home = getenv("HOME"),
 *             .uid = getuid(), .gid = getgid(), .is_root = getuid() == 0,
 *     };
 *     struct vr_plan *plan = NULL;
 *     r = vr_plan_build(&req, &plan, &err);
 *     ... vr_plan_describe(plan), vr_plan_run(plan, &status, &err) ...
 *     vr_plan_free(plan);
 *
 * Command-line --bind/--ro-bind/--tmpfs/--setenv/--keep-env are not part of the request:
 * they are folded into the policy before, as its top layer (filesystem.binds,
 * filesystem.tmpfs, environment.set, environment.pass), so that `describe` and a run see
 * one effective policy. --writable-env and --chdir are request fields.
 *
 * The builder reads the host filesystem (lstat, readlink, readdir) to decide what to bind
 * and what to hide; it runs no Python and changes nothing but its cache of the host's
 * Python installations (host-pythons.h). What it hides: every site directory but the
 * env's, every other Python installation and interpreter under /usr and /opt, and every
 * other env under the working directory or a bind's source (to a bounded depth).
 */

#include <stdbool.h>
#include <sys/types.h>

#include "venvrun/env.h"
#include "venvrun/error.h"
#include "venvrun/interpreter.h"
#include "venvrun/plan.h"

#include "policy.h"

struct vr_plan_request {
	const struct vr_env *env;	       /* the env to run in */
	const struct vr_interpreter *base;     /* its base interpreter (facts from the cache) */
	const struct vr_policy_values *policy; /* the effective policy, typed */
	char *const *argv;		       /* the command; argv[0] looked up on the plan's PATH */
	char *const *envp;		       /* the caller's environment; NULL: none */
	const char *cwd;		       /* the caller's working directory; NULL: getcwd() */
	const char *chdir;		       /* --chdir: the program's directory inside; NULL: none */
	const char *home;		       /* the caller's $HOME; NULL: from the passwd entry of uid */
	const char *cache_dir;		       /* where the host's Python installations are cached;
						* NULL: the default (vr_interpreter_cache_dir), "": none */
	uid_t uid;
	gid_t gid;
	bool is_root;	     /* the caller is uid 0: no user namespace unless new_userns */
	bool new_userns;     /* a new user namespace even as root */
	bool cgroup_ns;	     /* a new cgroup namespace as well */
	bool writable_env;   /* install, --writable-env: the env read-write (as policy filesystem.env "rw") */
	bool interactive;    /* shell: VIRTUAL_ENV_PROMPT is set for the shell's prompt */
	bool as_env_owner;   /* install: as root with no user in the policy, run as the env's owner */
	const int *pass_fds; /* --pass-fd: descriptors the program keeps */
	size_t n_pass_fds;
};

/*
 * Build the plan for `req`. On success *ret is a validated plan owned by the caller.
 * Fails with VR_ERR_BAD_PATH naming a missing non-optional bind source, VR_ERR_UNSAFE
 * naming a working directory, env, bind or tmpfs target inside a hidden path (or a bind
 * whose source is hidden), -EINVAL for a request missing its env, interpreter, policy or
 * command.
 */
int vr_plan_build(const struct vr_plan_request *req, struct vr_plan **ret, struct vr_error *err);

/* A "K=V" list's value of `name`, NULL when absent; and setting `len` bytes of `name` to
 * `value`, replacing an entry of that name (plan-env.c). */
const char *vr_pb_env_get(char *const *v, const char *name);
int vr_pb_env_put(char ***v, const char *name, size_t len, const char *value);

/* The policy's hardening keys into `p` (plan-harden.c); may add to the program's
 * environment *env (socket activation). */
int vr_pb_add_hardening(const struct vr_plan_request *req, struct vr_plan *p, char ***env, struct vr_error *err);

/*
 * Whether the environment variable `name` passes the allow-list `pass` (NULL-terminated;
 * NULL: empty): named exactly, or matched by a prefix pattern ("LC_*"; "*" matches all).
 * Variables that change what code is loaded (PYTHONPATH, PYTHONHOME, PYTHONSTARTUP,
 * PYTHONUSERBASE, PYTHONPLATLIBDIR, LD_PRELOAD, LD_LIBRARY_PATH, LD_AUDIT) pass only when
 * named exactly, never through a pattern.
 */
bool vr_env_var_allowed(const char *name, const char *const *pass);

/* Whether `name` is one of the variables above that pass only when named on purpose. */
bool vr_env_var_is_guarded(const char *name);
