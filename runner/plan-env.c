/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The program's environment: the caller's, filtered by the policy's allow-list (with the
 * variables that change what code is loaded passing only when named on purpose), the
 * policy's settings on top, and what venvrun sets itself on top of both: the env
 * activated, PATH with the env's bin/ first, the empty $HOME, no user site.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "venvrun/venvrun.h"

#include "env.h"
#include "interp.h"
#include "macro.h"
#include "path.h"
#include "plan-build-internal.h"
#include "pyvenv-cfg.h"
#include "strv.h"

/* Variables that change what code is loaded: they pass only when named on purpose. */
static const char *const guarded_vars[] = {
	"PYTHONPATH",	   "PYTHONHOME",       "PYTHONSTARTUP",
	"PYTHONUSERBASE",  "PYTHONPLATLIBDIR", "LD_PRELOAD",
	"LD_LIBRARY_PATH", "LD_AUDIT",	       NULL,
};

/* --- the environment ------------------------------------------------------------------- */

bool
vr_env_var_is_guarded(const char *name)
{
	for (const char *const *g = guarded_vars; *g; g++)
		if (streq(*g, name))
			return true;
	return false;
}

bool
vr_env_var_allowed(const char *name, const char *const *pass)
{
	bool guarded;

	if (vr_isempty(name))
		return false;
	guarded = vr_env_var_is_guarded(name);
	for (; pass && *pass; pass++) {
		size_t n = strlen(*pass);

		if (streq(*pass, name))
			return true;
		if (!guarded && n > 0 && (*pass)[n - 1] == '*' && strneq(*pass, name, n - 1))
			return true;
	}
	return false;
}

static ssize_t
env_find(char *const *v, const char *name, size_t len)
{
	for (size_t i = 0; v && v[i]; i++)
		if (strneq(v[i], name, len) && v[i][len] == '=')
			return (ssize_t)i;
	return -1;
}

const char *
vr_pb_env_get(char *const *v, const char *name)
{
	ssize_t i = env_find(v, name, strlen(name));

	return i < 0 ? NULL : v[i] + strlen(name) + 1;
}

int
vr_pb_env_put(char ***v, const char *name, size_t len, const char *value)
{
	char *e = NULL;
	ssize_t i = env_find(*v, name, len);

	if (asprintf(&e, "%.*s=%s", (int)len, name, value) < 0)
		return -ENOMEM;
	if (i < 0)
		return vr_strv_consume(v, e);
	free((*v)[i]);
	(*v)[i] = e;
	return 0;
}

static int
build_path(struct vr_pb *b, const char *set_path, char **ret)
{
	static const char *const dirs[] = { "/usr/local/bin", "/usr/bin", "/bin" };
	const char *scripts = vr_interpreter_venv_path(b->req->base, "scripts");
	_cleanup_free_ char *env_bin = vr_path_join(b->env_path, scripts);
	_cleanup_free_ char *env_bin_real = vr_path_join(b->env_real, scripts);
	_cleanup_strv_free_ char **seen = NULL;
	_cleanup_free_ char *path = NULL;
	char *s = NULL;

	if (!env_bin || !env_bin_real || !(path = strdup(env_bin)))
		return -ENOMEM;
	if (set_path) {
		if (asprintf(&s, "%s:%s", path, set_path) < 0)
			return -ENOMEM;
		*ret = s;
		return 0;
	}
	if (vr_pb_push_real(b, &seen, env_bin_real) < 0)
		return -ENOMEM;
	/* Only directories that are there inside, each once (/bin is /usr/bin when merged). */
	for (size_t i = 0; i < ELEMENTSOF(dirs); i++) {
		_cleanup_free_ char *host = vr_pb_host_path(b, dirs[i]), *real = vr_pb_real_path(b, dirs[i]);

		if (!real || !vr_pb_is_dir(real) || vr_strv_contains(seen, real) || vr_pb_hidden_parent(b, dirs[i]) ||
		    (!host && !vr_pb_find_target(b, dirs[i])))
			continue;
		if (vr_strv_push(&seen, real) < 0 || asprintf(&s, "%s:%s", path, dirs[i]) < 0)
			return -ENOMEM;
		free(path);
		path = s;
	}
	*ret = TAKE_PTR(path);
	return 0;
}

int
vr_pb_build_env(struct vr_pb *b, char ***ret)
{
	const struct vr_plan_request *req = b->req;
	const struct vr_policy_values *v = req->policy;
	_cleanup_strv_free_ char **env = NULL;
	_cleanup_free_ char *set_path = NULL, *path = NULL;
	int r;

	for (char *const *e = req->envp; e && *e; e++) {
		const char *eq = strchr(*e, '=');
		_cleanup_free_ char *name = NULL;
		bool ok;

		if (!eq || eq == *e)
			continue;
		name = strndup(*e, (size_t)(eq - *e));
		if (!name)
			return -ENOMEM;
		if (env_find(env, name, strlen(name)) >= 0)
			continue; /* the first wins, as for getenv() */
		if (v->env_clear)
			ok = vr_env_var_allowed(name, v->env_pass);
		else
			ok = !vr_env_var_is_guarded(name) || vr_env_var_allowed(name, v->env_pass);
		if (ok && (r = vr_strv_push(&env, *e)) < 0)
			return r;
	}
	for (const char *const *s = v->env_set; s && *s; s++) {
		const char *eq = strchr(*s, '=');
		if (!eq || eq == *s)
			continue;
		if ((r = vr_pb_env_put(&env, *s, (size_t)(eq - *s), eq + 1)) < 0)
			return r;
		if (strneq(*s, "PATH=", 5) && !(set_path = strdup(eq + 1)))
			return -ENOMEM;
	}
	/* What venvrun sets itself wins over both: the env activated, the empty $HOME, no
	 * user site. A PATH the policy sets still follows the env's bin/. */
	if ((r = build_path(b, set_path, &path)) < 0 || (r = vr_pb_env_put(&env, "VIRTUAL_ENV", 11, b->env_path)) < 0 ||
	    (r = vr_pb_env_put(&env, "PATH", 4, path)) < 0 ||
	    (r = vr_pb_env_put(&env, "HOME", 4, b->home_inside)) < 0 ||
	    (r = vr_pb_env_put(&env, "PYTHONNOUSERSITE", 16, "1")) < 0)
		return r;
	if (env_find(env, "PWD", 3) >= 0 && (r = vr_pb_env_put(&env, "PWD", 3, b->cwd_inside)) < 0)
		return r;
	if (req->interactive) {
		const char *prompt = vr_env_get(req->env, "prompt");
		_cleanup_free_ char *p = prompt ? vr_pyvenv_cfg_unquote(prompt) : strdup(vr_path_basename(b->env_path));
		if (!p || (r = vr_pb_env_put(&env, "VIRTUAL_ENV_PROMPT", 18, p)) < 0)
			return p ? r : -ENOMEM;
	}
	*ret = TAKE_PTR(env);
	return 0;
}
