/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * Virtual environments (PEP 405): creating them, and reading any env, whoever made it
 * (venvrun, python -m venv, virtualenv, uv).
 *
 *     struct vr_create_options o;
 *     struct vr_create_result *res = NULL;
 *     vr_create_options_init(&o);
 *     o.python = "3.12";
 *     r = vr_env_create("myenv", &o, &res, &err);
 *     ... vr_create_result_get_path(res) ...
 *     vr_create_result_free(res);
 *
 *     struct vr_env *env = NULL;
 *     r = vr_env_open("myenv", &env, &err);
 *     ... vr_env_get(env, "home") ...
 *     vr_env_free(env);
 *
 * ENV arguments are paths; a bare name (no slash) that is not a directory in the working
 * directory names an env under the env home ($VENVRUN_HOME, else
 * $XDG_DATA_HOME/venvrun/envs, else ~/.local/share/venvrun/envs).
 */

#include <stdbool.h>

#include "venvrun/error.h"
#include "venvrun/interpreter.h"
#include "venvrun/plan.h"
#include "venvrun/policy.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Activation scripts, as bits of vr_create_options.activators. */
enum vr_activator {
	VR_ACTIVATOR_SH = 1 << 0,	  /* bin/activate: bash, zsh, dash and other POSIX shells */
	VR_ACTIVATOR_FISH = 1 << 1,	  /* bin/activate.fish */
	VR_ACTIVATOR_CSH = 1 << 2,	  /* bin/activate.csh: csh and tcsh */
	VR_ACTIVATOR_NU = 1 << 3,	  /* bin/activate.nu: nushell */
	VR_ACTIVATOR_POWERSHELL = 1 << 4, /* bin/Activate.ps1 */
	VR_ACTIVATOR_PYTHON = 1 << 5,	  /* bin/activate_this.py */
	VR_ACTIVATOR_ALL = (1 << 6) - 1,
};

/*
 * Parse a comma-separated list of activator names (bash, sh, zsh, fish, csh, tcsh, nushell,
 * nu, powershell, pwsh, python, all, none) into VR_ACTIVATOR_* bits.
 */
VR_PUBLIC int vr_activators_parse(const char *list, unsigned *ret, struct vr_error *err);

struct vr_create_options {
	const char *python;			    /* interpreter spec (interpreter.h); NULL: default */
	const struct vr_discover_options *discover; /* NULL: defaults */
	const char *prompt;			    /* NULL: the env directory's name; ".": the working directory's */
	unsigned activators;			    /* VR_ACTIVATOR_* bits; vr_create_options_init sets all */
	bool clear;   /* replace an existing env (only a directory with pyvenv.cfg, or empty) */
	bool upgrade; /* re-point an existing env at its (upgraded or moved) interpreter */
	bool system_site_packages;
	bool copies;  /* copy the interpreter instead of symlinking it */
	bool dry_run; /* compute what would be written, write nothing */
	/*
	 * Seeding: the packages installed into a new env from wheels, with no network.
	 * Wheels are looked for in wheel_dirs (in order), $VENVRUN_WHEEL_PATH (colon-
	 * separated), the interpreter's bundled ensurepip wheels, then the system's wheel
	 * directories (/usr/share/python-wheels); the first of these holding a fitting wheel
	 * of a package provides it, its newest version whose tags fit the interpreter and
	 * whose Requires-Python admits it. They are unpacked once into the shared cache
	 * ($VENVRUN_CACHE_DIR, else $XDG_CACHE_HOME/venvrun: wheels/) and hard-linked (or
	 * copied) into the env. --upgrade seeds nothing: it keeps the env's packages.
	 */
	const char *const *wheel_dirs; /* NULL-terminated; NULL: none. Borrowed. */
	const char *seed_packages;     /* "pip,setuptools,wheel", "pip==23.2.1"; NULL: "pip" */
	bool no_seed;		       /* seed nothing */
};

VR_PUBLIC void vr_create_options_init(struct vr_create_options *o);

struct vr_create_result;

/*
 * Create (or, with o->clear, replace; with o->upgrade, re-point) the env at `env`. The tree
 * is built beside its final place and renamed in, under a lock on the parent directory, so
 * a crash at any moment leaves either no env or the previous one intact. *ret (may be
 * NULL) describes what was, or with o->dry_run would be, written.
 */
VR_PUBLIC int
vr_env_create(const char *env, const struct vr_create_options *o, struct vr_create_result **ret, struct vr_error *err);

VR_PUBLIC const char *vr_create_result_get_path(const struct vr_create_result *res);
/* "create", "replace" or "upgrade" */
VR_PUBLIC const char *vr_create_result_get_action(const struct vr_create_result *res);
VR_PUBLIC const struct vr_interpreter *vr_create_result_get_interpreter(const struct vr_create_result *res);
/* The tree as JSON: path, action, interpreter, pyvenv.cfg and every entry; caller frees. */
VR_PUBLIC char *vr_create_result_to_json(const struct vr_create_result *res);
VR_PUBLIC void vr_create_result_free(struct vr_create_result *res);

/* Where a user's ENV argument points: absolute and normalised (see the top of this file).
 * Fails with VR_ERR_BAD_PATH for paths holding ':' or control characters. */
VR_PUBLIC int vr_env_resolve_path(const char *env, char **ret, struct vr_error *err);

/* The env home directory (it may not exist yet). */
VR_PUBLIC int vr_env_home(char **ret, struct vr_error *err);

struct vr_env;

/* Read an existing env's pyvenv.cfg. VR_ERR_NOT_AN_ENV when there is none. */
VR_PUBLIC int vr_env_open(const char *env, struct vr_env **ret, struct vr_error *err);
VR_PUBLIC void vr_env_free(struct vr_env *env);
VR_PUBLIC const char *vr_env_get_path(const struct vr_env *env);
/* A pyvenv.cfg value by key ("home", "version", ...); NULL when absent. */
VR_PUBLIC const char *vr_env_get(const struct vr_env *env, const char *key);
/* The i-th pyvenv.cfg entry's key (and *value, may be NULL), in file order; NULL past the end. */
VR_PUBLIC const char *vr_env_get_entry(const struct vr_env *env, size_t i, const char **value);
/* The base interpreter the env runs on: from base-executable, else home/python3 etc.
 * VR_ERR_BROKEN_ENV when it is gone (the hint names `venvrun create --upgrade`). */
VR_PUBLIC int vr_env_get_base_interpreter(const struct vr_env *env, char **ret, struct vr_error *err);
/* The env's pyvenv.cfg and base interpreter as a JSON object text; caller frees. */
VR_PUBLIC char *vr_env_to_json(const struct vr_env *env);

/* How to run something in an env: the policy layers and the command. */
struct vr_run_options {
	const char *profile;	       /* NULL: "default" */
	const char *policy_file;       /* --policy FILE; NULL: none */
	const struct vr_policy *flags; /* command-line flags as the top policy layer; NULL: none */
	char *const *argv;	       /* the command; argv[0] is looked up on the env's PATH inside */
	const char *chdir;	       /* where the program starts inside; NULL: the working directory */
	bool writable_env;	       /* the env read-write (install) */
	bool interactive;	       /* an interactive shell (sets VIRTUAL_ENV_PROMPT) */
	bool new_userns;	       /* a new user namespace even when started as root */
	bool as_env_owner;	       /* as root with no user in the policy: run as the env's owner (install) */
	const int *pass_fds;	       /* descriptors the program keeps (--pass-fd) */
	size_t n_pass_fds;
};

/*
 * The sandbox plan for running o->argv in `env`: the env's pyvenv.cfg and base interpreter
 * (facts from the cache: no Python runs), the effective policy (profile, ENV/venvrun.json,
 * --policy, flags), and the mounts that follow from them. VR_ERR_BROKEN_ENV when the base
 * interpreter is gone (the hint says to run `venvrun create --upgrade`). Run it with
 * vr_plan_run() (run.h); print it with vr_plan_describe().
 */
VR_PUBLIC int vr_env_plan(const char *env, const struct vr_run_options *o, struct vr_plan **ret, struct vr_error *err);

/*
 * Everything about an env a person or a tool needs before running something in it: its
 * path, pyvenv.cfg, base interpreter, the effective policy for o (profile, policy file,
 * flags) and the sandbox plan a run of o->argv (NULL: "python") would get. As JSON
 * ({"path", "pyvenv_cfg", "base_interpreter", "policy", "plan"}) or as text. An env whose
 * base interpreter is gone is still described (no plan; "broken" says why); a bad policy
 * is an error. Caller frees *ret.
 */
VR_PUBLIC int
vr_env_describe(const char *env, const struct vr_run_options *o, bool json, char **ret, struct vr_error *err);

#ifdef __cplusplus
}
#endif
