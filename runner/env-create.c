/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Creating an env as one transaction. Under an exclusive lock on the parent directory (so
 * concurrent creates of one path take turns), the tree is written into a fresh temporary
 * directory beside its final place and then renamed in:
 *
 *   - no env there yet, or an empty directory: rename(2) onto it;
 *   - --clear of an existing env: renameat2(RENAME_EXCHANGE) swaps old and new atomically,
 *     then the old tree (now at the temporary name) is removed.
 *
 * A SIGKILL at any moment therefore leaves the previous state or the new env, plus at worst
 * a temporary directory that the next create of that path removes under the same lock.
 * --upgrade instead rewrites an existing env in place, each file by atomic rename and
 * pyvenv.cfg last.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "env-plan.h"
#include "env.h"
#include "fileio.h"
#include "interp.h"
#include "macro.h"
#include "manifest.h"
#include "path.h"
#include "seed.h"
#include "strv.h"

struct vr_create_result {
	struct vr_env_plan *plan;
	struct vr_interpreter *py;
	struct vr_seed *seed;
	const char *action;
};

VR_PUBLIC void
vr_create_options_init(struct vr_create_options *o)
{
	if (o)
		*o = (struct vr_create_options){ .activators = VR_ACTIVATOR_ALL };
}

VR_PUBLIC void
vr_create_result_free(struct vr_create_result *res)
{
	if (!res)
		return;
	vr_env_plan_free(res->plan);
	vr_interpreter_free(res->py);
	vr_seed_free(res->seed);
	free(res);
}
VR_DEFINE_CLEANUP(struct vr_create_result *, vr_create_result_free)

VR_PUBLIC const char *
vr_create_result_get_path(const struct vr_create_result *res)
{
	return res ? res->plan->path : NULL;
}

VR_PUBLIC const char *
vr_create_result_get_action(const struct vr_create_result *res)
{
	return res ? res->action : NULL;
}

VR_PUBLIC const struct vr_interpreter *
vr_create_result_get_interpreter(const struct vr_create_result *res)
{
	return res ? res->py : NULL;
}

VR_PUBLIC char *
vr_create_result_to_json(const struct vr_create_result *res)
{
	_cleanup_(json_decrefp) json_t *o = NULL;
	_cleanup_free_ char *py = NULL;

	if (!res)
		return NULL;
	o = vr_env_plan_to_json(res->plan);
	py = vr_interpreter_to_json(res->py);
	if (!o || !py)
		return NULL;
	json_object_set_new(o, "action", json_string(res->action));
	json_object_set_new(o, "interpreter", json_loads(py, 0, NULL));
	json_object_set_new(o, "seeded", vr_seed_to_json(res->seed));
	return json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
}

enum action { ACTION_CREATE, ACTION_REPLACE_EMPTY, ACTION_REPLACE_ENV, ACTION_UPGRADE };

static const char *
action_name(enum action a)
{
	return a == ACTION_UPGRADE ? "upgrade" : a == ACTION_REPLACE_ENV ? "replace" : "create";
}

/* Directories --clear must never remove, whatever they hold. */
static int
check_clear_allowed(const char *path, struct vr_error *err)
{
	_cleanup_free_ char *real = realpath(path, NULL), *cwd = getcwd(NULL, 0);
	const char *home = getenv("HOME");

	if (streq(path, "/") || (real && streq(real, "/")))
		return vr_error_set_at(err, VR_ERR_UNSAFE, path, "refusing to clear the root directory");
	if (home && *home) {
		_cleanup_free_ char *rhome = realpath(home, NULL);
		if (streq(path, home) || (rhome && real && streq(rhome, real)))
			return vr_error_set_at(err, VR_ERR_UNSAFE, path, "refusing to clear the home directory");
	}
	if (cwd && (vr_path_is_ancestor(path, cwd) || (real && vr_path_is_ancestor(real, cwd))))
		return vr_error_set_at(err, VR_ERR_UNSAFE, path,
				       "refusing to clear the working directory or one of its parents");
	return 0;
}

/* What creating at parentfd/name means now; nothing is changed. */
static int
decide(int parentfd, const char *path, const char *name, const struct vr_create_options *o, enum action *ret,
       struct vr_error *err)
{
	struct stat st;

	if (fstatat(parentfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
		if (errno != ENOENT)
			return vr_error_set_at(err, errno, path, "cannot inspect");
		if (o->upgrade)
			return vr_error_set_at(err, VR_ERR_NOT_AN_ENV, path, "--upgrade: there is no env to upgrade");
		*ret = ACTION_CREATE;
		return 0;
	}
	if (S_ISLNK(st.st_mode))
		return vr_error_set_at(err, VR_ERR_ENV_EXISTS, path,
				       "is a symlink; give the directory it points to instead");
	if (!S_ISDIR(st.st_mode))
		return vr_error_set_at(err, VR_ERR_ENV_EXISTS, path, "exists and is not a directory");
	if (vr_env_dir_is_env_at(parentfd, name)) {
		if (o->upgrade) {
			*ret = ACTION_UPGRADE;
			return 0;
		}
		if (!o->clear) {
			vr_error_set_at(err, VR_ERR_ENV_EXISTS, path, "is already an env");
			vr_error_set_hint(err, "use --clear to recreate it or --upgrade to re-point it");
			return -VR_ERR_ENV_EXISTS;
		}
		*ret = ACTION_REPLACE_ENV;
		return check_clear_allowed(path, err);
	}
	if (vr_dir_is_empty_at(parentfd, name)) {
		if (o->upgrade)
			return vr_error_set_at(err, VR_ERR_NOT_AN_ENV, path,
					       "--upgrade: the directory is empty, not an env");
		*ret = ACTION_REPLACE_EMPTY;
		return 0;
	}
	vr_error_set_at(err, VR_ERR_NOT_AN_ENV, path, "exists and is not an env (no pyvenv.cfg)");
	vr_error_set_hint(err, "venvrun leaves it alone; choose another path");
	return -VR_ERR_NOT_AN_ENV;
}

/* ".NAME.venvrun-" : the prefix of this path's temporary trees. */
static char *
temp_prefix(const char *name)
{
	char *p = NULL;
	return asprintf(&p, ".%s.venvrun-", name) < 0 ? NULL : p;
}

/* Remove what crashed creates of this path left behind; we hold the lock, so nobody is
 * building one now. */
static void
remove_stale_temps(int parentfd, const char *name)
{
	_cleanup_free_ char *prefix = temp_prefix(name);
	_cleanup_strv_free_ char **stale = NULL;
	DIR *d;
	struct dirent *de;

	if (!prefix)
		return;
	d = vr_opendir_at(parentfd, ".", 0);
	if (!d)
		return;
	while ((de = readdir(d)))
		if (vr_startswith(de->d_name, prefix) && strlen(de->d_name) == strlen(prefix) + 16)
			vr_strv_push(&stale, de->d_name);
	closedir(d);
	for (size_t i = 0; stale && stale[i]; i++)
		vr_rm_rf_at(parentfd, stale[i], NULL, NULL);
}

static int
make_temp_dir(int parentfd, const char *parent, const char *name, char **ret, struct vr_error *err)
{
	_cleanup_free_ char *prefix = temp_prefix(name);

	if (!prefix)
		return vr_error_set(err, ENOMEM, "temporary directory");
	for (int attempt = 0; attempt < 16; attempt++) {
		unsigned long long rnd = 0;
		char *t = NULL;

		if (getrandom(&rnd, sizeof rnd, 0) != sizeof rnd)
			rnd = (unsigned long long)getpid() * 2654435761ULL + (unsigned long long)attempt;
		if (asprintf(&t, "%s%016llx", prefix, rnd) < 0)
			return vr_error_set(err, ENOMEM, "temporary directory");
		/* 0777 and the umask, as for any directory a user creates. */
		if (mkdirat(parentfd, t, 0777) == 0) {
			*ret = t;
			return 0;
		}
		free(t);
		if (errno != EEXIST)
			return vr_error_set_at(err, errno, parent, "cannot create the new env's directory");
	}
	return vr_error_set_at(err, EEXIST, parent, "cannot create the new env's directory");
}

/*
 * bash and tcsh expand the prompt every time they show it: a '$(...)' or '`...`' that got
 * into PS1 would run a command at every prompt. A prompt the user gives with such
 * characters is refused; one taken from a directory's name has them replaced.
 */
#define PROMPT_UNSAFE "$`\\"

static void
sanitize_prompt(char *p)
{
	for (char *c = p; c && *c; c++)
		if ((unsigned char)*c < 0x20 || *c == 0x7f || strchr(PROMPT_UNSAFE, *c))
			*c = '_';
}

static int
make_prompt(const char *path, const char *given, char **ret, struct vr_error *err)
{
	_cleanup_free_ char *cwd = NULL;
	char *p;

	if (given && !streq(given, ".")) {
		for (const unsigned char *c = (const unsigned char *)given; *c; c++)
			if (*c < 0x20 || *c == 0x7f || strchr(PROMPT_UNSAFE, *c))
				return vr_error_set(err, VR_ERR_USAGE,
						    "--prompt: '%s' holds a control character, '$', '`' or '\\', which "
						    "shells would expand or choke on in the prompt",
						    given);
		p = strdup(given);
	} else {
		if (given) {
			cwd = getcwd(NULL, 0);
			if (!cwd)
				return vr_error_set(err, errno, "--prompt .: cannot read the working directory");
		}
		p = strdup(vr_path_basename(cwd ? cwd : path));
		sanitize_prompt(p);
	}
	if (!p)
		return vr_error_set(err, ENOMEM, "prompt");
	*ret = p;
	return 0;
}

/*
 * --upgrade keeps what the env's manifest records beyond the interpreter: "seeded" and its
 * policy. *ret stays NULL for an env without one (made by another tool). A broken manifest
 * fails the upgrade before anything is written: rewriting it would lose the policy.
 */
static int
read_kept_manifest(const char *path, json_t **ret, struct vr_error *err)
{
	struct vr_error e = VR_ERROR_INIT;
	_cleanup_free_ char *file = vr_path_join(path, VR_MANIFEST_NAME), *text = NULL;
	size_t len = 0;
	int r;

	if (!file)
		return vr_error_set(err, ENOMEM, "env manifest");
	r = vr_read_file_at(AT_FDCWD, file, VR_MANIFEST_FILE_MAX, &text, &len, file, &e);
	if (r == -ENOENT)
		return 0;
	if (r < 0) {
		if (err)
			*err = e;
		return r;
	}
	return vr_manifest_parse_doc(text, len, file, ret, err);
}

/* --upgrade keeps site-packages, which belongs to one implementation and minor version. */
static int
check_upgrade_compatible(const char *path, const struct vr_interpreter *py, char **prompt, struct vr_create_options *o,
			 struct vr_error *err)
{
	_cleanup_(vr_env_freep) struct vr_env *env = NULL;
	const char *impl, *version, *sys_site, *old_prompt;
	char want[32];
	int r;

	r = vr_env_open(path, &env, err);
	if (r < 0)
		return r;
	impl = vr_env_get(env, "implementation");
	version = vr_env_get(env, "version_info");
	if (!version)
		version = vr_env_get(env, "version");
	snprintf(want, sizeof want, "%d.%d.", py->v[0], py->v[1]);
	if ((impl && strcasecmp(impl, py->impl_name) != 0) || (version && !vr_startswith(version, want))) {
		vr_error_set_at(err, VR_ERR_UNSUPPORTED_INTERPRETER, path,
				"--upgrade keeps site-packages, which is for %s %s; %s %s cannot use it",
				impl ? impl : "Python", version ? version : "?", py->impl_name, py->version);
		vr_error_set_hint(err, "use --clear to recreate the env for %s %d.%d", py->impl_name, py->v[0],
				  py->v[1]);
		return -VR_ERR_UNSUPPORTED_INTERPRETER;
	}
	/* What the env was made with carries over unless given again. */
	sys_site = vr_env_get(env, "include-system-site-packages");
	if (sys_site && strcasecmp(sys_site, "true") == 0)
		o->system_site_packages = true;
	old_prompt = vr_env_get(env, "prompt");
	if (!*prompt && old_prompt) {
		*prompt = vr_pyvenv_cfg_unquote(old_prompt);
		if (!*prompt)
			return vr_error_set(err, ENOMEM, "prompt");
		/* Whoever wrote that pyvenv.cfg, its prompt goes into our scripts safely. */
		sanitize_prompt(*prompt);
	}
	return 0;
}

static int
commit(int parentfd, const char *tmp, const char *name, const char *path, enum action action, struct vr_error *err)
{
	switch (action) {
	case ACTION_CREATE:
		if (renameat2(parentfd, tmp, parentfd, name, RENAME_NOREPLACE) < 0)
			return vr_error_set_at(err, errno, path, "cannot move the new env into place");
		return 0;
	case ACTION_REPLACE_EMPTY:
		/* rename(2) replaces an empty directory, atomically, and fails if it is not
		 * empty any more. */
		if (renameat(parentfd, tmp, parentfd, name) < 0)
			return vr_error_set_at(err, errno, path, "cannot move the new env into place");
		return 0;
	case ACTION_REPLACE_ENV:
		if (renameat2(parentfd, tmp, parentfd, name, RENAME_EXCHANGE) < 0)
			return vr_error_set_at(err, errno, path, "cannot swap the new env into place");
		return 0;
	case ACTION_UPGRADE:
		break;
	}
	return vr_error_set(err, EINVAL, "commit");
}

static void
remove_created(char **created)
{
	/* Innermost first; rmdir only removes what is still empty. */
	for (size_t i = vr_strv_length(created); i > 0; i--)
		rmdir(created[i - 1]);
}

VR_PUBLIC int
vr_env_create(const char *env, const struct vr_create_options *opts, struct vr_create_result **ret,
	      struct vr_error *err)
{
	_cleanup_(vr_create_result_freep) struct vr_create_result *res = NULL;
	_cleanup_free_ char *path = NULL, *parent = NULL, *prompt = NULL, *tmp = NULL;
	_cleanup_strv_free_ char **created = NULL;
	_cleanup_(json_decrefp) json_t *kept = NULL;
	_cleanup_close_ int parentfd = -1, tmpfd = -1;
	struct vr_create_options o;
	const char *name;
	enum action action = ACTION_CREATE;
	int r;

	if (!env)
		return vr_error_set(err, VR_ERR_USAGE, "an env path is required");
	if (opts)
		o = *opts;
	else
		vr_create_options_init(&o);
	if (o.clear && o.upgrade)
		return vr_error_set(err, VR_ERR_USAGE, "--clear and --upgrade cannot be combined");

	r = vr_env_resolve_path(env, &path, err);
	if (r < 0)
		return r;
	if (streq(path, "/"))
		return vr_error_set_at(err, VR_ERR_UNSAFE, path, "refusing to make the root directory an env");
	parent = vr_path_dirname(path);
	name = vr_path_basename(path);
	res = calloc(1, sizeof *res);
	if (!parent || !res)
		return vr_error_set(err, ENOMEM, "create");

	r = vr_interpreter_find(o.python, o.discover, &res->py, err);
	if (r < 0)
		return r;

	/* The parent must exist for the lock; a dry run only looks. */
	if (!o.dry_run) {
		r = vr_mkdir_parents(parent, 0777, &created, err);
		if (r < 0)
			return r;
	}
	parentfd = open(parent, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (parentfd < 0 && !(o.dry_run && errno == ENOENT)) {
		r = vr_error_set_at(err, errno, parent, "cannot open the parent directory");
		goto fail;
	}
	if (parentfd >= 0) {
		if (!o.dry_run && flock(parentfd, LOCK_EX) < 0) {
			r = vr_error_set_at(err, errno, parent, "cannot lock");
			goto fail;
		}
		r = decide(parentfd, path, name, &o, &action, err);
		if (r < 0)
			goto fail;
	}
	res->action = action_name(action);

	if (action == ACTION_UPGRADE) {
		if (o.prompt && (r = make_prompt(path, o.prompt, &prompt, err)) < 0)
			goto fail;
		r = check_upgrade_compatible(path, res->py, &prompt, &o, err);
		if (r < 0)
			goto fail;
		r = read_kept_manifest(path, &kept, err);
		if (r < 0)
			goto fail;
	}
	if (!prompt && (r = make_prompt(path, o.prompt, &prompt, err)) < 0)
		goto fail;
	/* Seeding is chosen (and the wheels cached) before the plan, whose manifest names
	 * what is seeded; --upgrade keeps the env's packages and seeds nothing. A dry run
	 * only looks at the wheel directories. */
	if (action != ACTION_UPGRADE) {
		_cleanup_(json_decrefp) json_t *seeded = NULL;

		r = vr_seed_resolve(res->py, &o, !o.dry_run, &res->seed, err);
		if (r < 0)
			goto fail;
		seeded = vr_seed_to_json(res->seed);
		kept = json_object();
		if (!seeded || !kept || json_object_set(kept, "seeded", seeded) < 0) {
			r = vr_error_set(err, ENOMEM, "create");
			goto fail;
		}
	}
	r = vr_env_plan_build(path, res->py, &o, prompt, kept, &res->plan, err);
	if (r < 0)
		goto fail;
	if (o.dry_run)
		goto done;

	if (action == ACTION_UPGRADE) {
		_cleanup_close_ int envfd = openat(parentfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (envfd < 0) {
			r = vr_error_set_at(err, errno, path, "cannot open");
			goto fail;
		}
		r = vr_env_plan_write_at(envfd, res->plan, VR_PLAN_WRITE_IN_PLACE, err);
		if (r < 0)
			goto fail;
		goto done;
	}

	remove_stale_temps(parentfd, name);
	r = make_temp_dir(parentfd, parent, name, &tmp, err);
	if (r < 0)
		goto fail;
	tmpfd = openat(parentfd, tmp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (tmpfd < 0) {
		r = vr_error_set_at(err, errno, path, "cannot open the temporary directory");
		goto fail;
	}
	r = vr_env_plan_write_at(tmpfd, res->plan, 0, err);
	if (r < 0)
		goto fail;
	/* Into the temporary tree, so that a seed that fails leaves no env. */
	r = vr_seed_install_at(tmpfd, path, res->py, res->seed, err);
	if (r < 0)
		goto fail;
	r = commit(parentfd, tmp, name, path, action, err);
	if (r < 0)
		goto fail;
	if (action == ACTION_REPLACE_ENV) {
		/* The old env now sits at the temporary name. Should removing it fail, the
		 * new env is in place and the next create of this path retries the removal. */
		vr_rm_rf_at(parentfd, tmp, NULL, NULL);
	}
	free(TAKE_PTR(tmp));
done:
	if (ret)
		*ret = TAKE_PTR(res);
	return 0;
fail:
	if (tmp)
		vr_rm_rf_at(parentfd, tmp, NULL, NULL);
	remove_created(created);
	return r;
}
