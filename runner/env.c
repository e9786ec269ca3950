/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Reading envs, whoever made them, and finding them by name. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "venvrun/venvrun.h"

#include "env.h"
#include "fileio.h"
#include "macro.h"
#include "path.h"

VR_PUBLIC int
vr_env_home(char **ret, struct vr_error *err)
{
	const char *e = secure_getenv("VENVRUN_HOME");
	char *p = NULL;

	if (!ret)
		return vr_error_set(err, EINVAL, "vr_env_home");
	if (e && *e) {
		if (e[0] != '/')
			return vr_error_set_at(err, VR_ERR_BAD_PATH, e, "$VENVRUN_HOME must be an absolute path");
		p = strdup(e);
	} else if ((e = secure_getenv("XDG_DATA_HOME")) && e[0] == '/') {
		p = vr_path_join(e, "venvrun/envs");
	} else if ((e = secure_getenv("HOME")) && e[0] == '/') {
		p = vr_path_join(e, ".local/share/venvrun/envs");
	} else {
		return vr_error_set(err, VR_ERR_BAD_PATH, "no env home: set $VENVRUN_HOME or $HOME");
	}
	if (!p)
		return vr_error_set(err, ENOMEM, "env home");
	vr_path_normalize(p);
	*ret = p;
	return 0;
}

VR_PUBLIC int
vr_env_resolve_path(const char *env, char **ret, struct vr_error *err)
{
	_cleanup_free_ char *p = NULL;
	struct stat st;
	int r;

	if (vr_isempty(env) || !ret)
		return vr_error_set(err, VR_ERR_USAGE, "an env path is required");
	/* Checked on the argument as given too, so the error names what the user typed. */
	r = vr_path_check_carriable(env, "the env path", err);
	if (r < 0)
		return r;
	if (!strchr(env, '/') && !streq(env, ".") && !streq(env, "..") &&
	    !(stat(env, &st) == 0 && S_ISDIR(st.st_mode))) {
		_cleanup_free_ char *home = NULL;

		r = vr_env_home(&home, err);
		if (r < 0)
			return r;
		p = vr_path_join(home, env);
	} else {
		r = vr_path_absolute(env, &p);
		if (r < 0)
			return vr_error_set_at(err, r, env, "cannot make the path absolute");
	}
	if (!p)
		return vr_error_set(err, ENOMEM, "env path");
	r = vr_path_check_carriable(p, "the env path", err);
	if (r < 0)
		return r;
	*ret = TAKE_PTR(p);
	return 0;
}

bool
vr_env_dir_is_env_at(int dirfd, const char *name)
{
	_cleanup_close_ int fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	struct stat st;

	return fd >= 0 && fstatat(fd, "pyvenv.cfg", &st, 0) == 0 && S_ISREG(st.st_mode);
}

VR_PUBLIC void
vr_env_free(struct vr_env *env)
{
	if (!env)
		return;
	free(env->path);
	vr_pyvenv_cfg_done(&env->cfg);
	free(env);
}

VR_PUBLIC int
vr_env_open(const char *name, struct vr_env **ret, struct vr_error *err)
{
	_cleanup_(vr_env_freep) struct vr_env *env = NULL;
	_cleanup_free_ char *cfgpath = NULL, *text = NULL;
	struct stat st;
	size_t len = 0;
	int r;

	if (!ret)
		return vr_error_set(err, EINVAL, "vr_env_open");
	env = calloc(1, sizeof *env);
	if (!env)
		return vr_error_set(err, ENOMEM, "env");
	r = vr_env_resolve_path(name, &env->path, err);
	if (r < 0)
		return r;
	if (stat(env->path, &st) < 0) {
		r = vr_error_set_at(err, errno == ENOENT ? VR_ERR_NOT_AN_ENV : errno, env->path,
				    errno == ENOENT ? "no such env" : "cannot access the env");
		if (r == -VR_ERR_NOT_AN_ENV)
			vr_error_set_hint(err, "create it with 'venvrun create %s'", name);
		return r;
	}
	if (!S_ISDIR(st.st_mode))
		return vr_error_set_at(err, VR_ERR_NOT_AN_ENV, env->path, "not a directory, so not an env");
	cfgpath = vr_path_join(env->path, "pyvenv.cfg");
	if (!cfgpath)
		return vr_error_set(err, ENOMEM, "env");
	r = vr_read_file_at(AT_FDCWD, cfgpath, VR_PYVENV_CFG_MAX, &text, &len, NULL, err);
	if (r == -ENOENT)
		return vr_error_set_at(err, VR_ERR_NOT_AN_ENV, env->path, "not an env: it has no pyvenv.cfg");
	if (r < 0)
		return r;
	if (strlen(text) != len)
		return vr_error_set_at(err, VR_ERR_BAD_FILE, cfgpath, "holds a NUL byte: not a pyvenv.cfg");
	r = vr_pyvenv_cfg_parse(text, cfgpath, &env->cfg, err);
	if (r < 0)
		return r;
	if (!vr_pyvenv_cfg_get(&env->cfg, "home"))
		return vr_error_set_at(err, VR_ERR_NOT_AN_ENV, cfgpath, "no 'home' key: not a PEP 405 pyvenv.cfg");
	*ret = TAKE_PTR(env);
	return 0;
}

VR_PUBLIC const char *
vr_env_get_path(const struct vr_env *env)
{
	return env ? env->path : NULL;
}

VR_PUBLIC const char *
vr_env_get(const struct vr_env *env, const char *key)
{
	return env && key ? vr_pyvenv_cfg_get(&env->cfg, key) : NULL;
}

static bool
executable_at(const char *p)
{
	struct stat st;
	return p && stat(p, &st) == 0 && S_ISREG(st.st_mode) && access(p, X_OK) == 0;
}

VR_PUBLIC int
vr_env_get_base_interpreter(const struct vr_env *env, char **ret, struct vr_error *err)
{
	/* venvrun and virtualenv write base-executable, venv (3.11+) executable; older venv
	 * and uv only home, where the interpreter is the one named for the version. */
	const char *keys[] = { "base-executable", "executable" };
	const char *home, *version, *named = NULL;
	char short_version[32] = "";

	if (!env || !ret)
		return vr_error_set(err, EINVAL, "vr_env_get_base_interpreter");
	for (size_t i = 0; i < ELEMENTSOF(keys); i++) {
		const char *p = vr_env_get(env, keys[i]);
		if (!p || p[0] != '/')
			continue;
		named = named ? named : p;
		if (executable_at(p))
			return (*ret = strdup(p)) ? 0 : vr_error_set(err, ENOMEM, "env");
	}
	/* The env's own bin/python says which interpreter it runs when it links out of the
	 * env (venv's default): better than guessing a name in `home`, which for a PyPy env
	 * without an implementation key would find CPython's python3 beside it. */
	if (!named) {
		_cleanup_free_ char *link = vr_path_join(env->path, "bin/python");
		_cleanup_free_ char *real = link ? realpath(link, NULL) : NULL;

		if (real && !vr_path_is_ancestor(env->path, real) && executable_at(real)) {
			*ret = TAKE_PTR(real);
			return 0;
		}
	}
	home = vr_env_get(env, "home");
	version = vr_env_get(env, "version_info");
	if (!version)
		version = vr_env_get(env, "version");
	if (version) {
		const char *dot = strchr(version, '.');
		const char *dot2 = dot ? strchr(dot + 1, '.') : NULL;
		size_t n = dot2 ? (size_t)(dot2 - version) : strlen(version);
		if (n < sizeof short_version)
			memcpy(short_version, version, n), short_version[n] = 0;
	}
	if (home && home[0] == '/' && !named) {
		const char *impl = vr_env_get(env, "implementation");
		bool pypy = impl && strcasecmp(impl, "pypy") == 0;
		char names[4][48];

		snprintf(names[0], sizeof names[0], "%s%s", pypy ? "pypy" : "python", short_version);
		snprintf(names[1], sizeof names[1], "%s3", pypy ? "pypy" : "python");
		snprintf(names[2], sizeof names[2], "python%s", short_version);
		snprintf(names[3], sizeof names[3], "python3");
		for (size_t i = 0; i < ELEMENTSOF(names); i++) {
			_cleanup_free_ char *p = vr_path_join(home, names[i]);
			if (short_version[0] == 0 && (i == 0 || i == 2))
				continue;
			if (executable_at(p)) {
				*ret = TAKE_PTR(p);
				return 0;
			}
		}
	}
	if (named)
		vr_error_set_at(err, VR_ERR_BROKEN_ENV, env->path, "its base interpreter '%s' is gone", named);
	else
		vr_error_set_at(err, VR_ERR_BROKEN_ENV, env->path, "no base interpreter is left in its home '%s'",
				home ? home : "");
	vr_error_set_hint(err, "run 'venvrun create --upgrade -p PYTHON %s' to re-point it", env->path);
	return -VR_ERR_BROKEN_ENV;
}

VR_PUBLIC const char *
vr_env_get_entry(const struct vr_env *env, size_t i, const char **value)
{
	if (!env || i >= env->cfg.n)
		return NULL;
	if (value)
		*value = env->cfg.entries[i].value;
	return env->cfg.entries[i].key;
}

VR_PUBLIC char *
vr_env_to_json(const struct vr_env *env)
{
	_cleanup_(json_decrefp) json_t *o = NULL, *cfg = NULL;
	_cleanup_free_ char *base = NULL;

	if (!env)
		return NULL;
	cfg = json_object();
	o = json_object();
	if (!o || !cfg)
		return NULL;
	for (size_t i = 0; i < env->cfg.n; i++)
		json_object_set_new(cfg, env->cfg.entries[i].key, json_string(env->cfg.entries[i].value));
	json_object_set_new(o, "path", json_string(env->path));
	json_object_set(o, "pyvenv_cfg", cfg);
	if (vr_env_get_base_interpreter(env, &base, NULL) >= 0)
		json_object_set_new(o, "base_interpreter", json_string(base));
	else
		json_object_set_new(o, "base_interpreter", json_null());
	return json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
}

VR_PUBLIC const char *
vr_version(void)
{
	return VENVRUN_VERSION;
}
