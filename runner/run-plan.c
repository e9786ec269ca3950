/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * From an env name to a sandbox plan: the env, its base interpreter's cached facts, the
 * effective policy, then the plan builder. Shared by run, install, shell and describe, so
 * what describe prints is what a run does.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "venvrun/venvrun.h"

#include "buf.h"
#include "env.h"
#include "interp.h"
#include "macro.h"
#include "plan-build.h"
#include "policy.h"

extern char **environ;

VR_DEFINE_CLEANUP(struct vr_interpreter *, vr_interpreter_free)
VR_DEFINE_CLEANUP(struct vr_policy *, vr_policy_free)

VR_PUBLIC int
vr_env_plan(const char *name, const struct vr_run_options *o, struct vr_plan **ret, struct vr_error *err)
{
	_cleanup_(vr_env_freep) struct vr_env *env = NULL;
	_cleanup_(vr_interpreter_freep) struct vr_interpreter *base = NULL;
	_cleanup_(vr_policy_freep) struct vr_policy *policy = NULL;
	_cleanup_free_ char *base_path = NULL;
	struct vr_policy_values values = { 0 };
	struct vr_plan_request req;
	struct vr_policy_sources src;
	int r;

	if (!name || !o || !o->argv || !o->argv[0] || !ret)
		return vr_error_set(err, EINVAL, "vr_env_plan");
	r = vr_env_open(name, &env, err);
	if (r < 0)
		return r;
	r = vr_env_get_base_interpreter(env, &base_path, err);
	if (r < 0)
		return r;
	/* A base that exists but no longer answers (a broken upgrade, a foreign binary) is
	 * the same trouble for the user as a missing one. */
	r = vr_interpreter_from_path(base_path, NULL, &base, err);
	if (r < 0) {
		vr_error_set_hint(err, "run 'venvrun create --upgrade -p PYTHON %s' to re-point the env",
				  vr_env_get_path(env));
		return r;
	}

	src = (struct vr_policy_sources){
		.profile = o->profile,
		.env = vr_env_get_path(env),
		.policy_file = o->policy_file,
		.flags = o->flags,
	};
	r = vr_policy_effective(&src, &policy, err);
	if (r < 0)
		return r;
	r = vr_policy_get_values(policy, &values, err);
	if (r < 0)
		return r;

	req = (struct vr_plan_request){
		.env = env,
		.base = base,
		.policy = &values,
		.argv = o->argv,
		.envp = environ,
		.chdir = o->chdir,
		.home = secure_getenv("HOME"),
		.uid = getuid(),
		.gid = getgid(),
		.is_root = getuid() == 0,
		.new_userns = o->new_userns,
		.writable_env = o->writable_env,
		.interactive = o->interactive,
		.as_env_owner = o->as_env_owner,
		.pass_fds = o->pass_fds,
		.n_pass_fds = o->n_pass_fds,
	};
	r = vr_plan_build(&req, ret, err);
	vr_policy_values_done(&values);
	return r;
}

/* Text with `indent` after every line break. */
static void
append_indented(struct vr_buf *b, const char *text, const char *indent)
{
	for (const char *s = text; *s; s++) {
		vr_buf_putc(b, *s);
		if (*s == '\n' && s[1])
			vr_buf_puts(b, indent);
	}
}

VR_PUBLIC int
vr_env_describe(const char *name, const struct vr_run_options *opts, bool json, char **ret, struct vr_error *err)
{
	static char *const default_argv[] = { "python", NULL };
	_cleanup_(vr_env_freep) struct vr_env *env = NULL;
	_cleanup_(vr_policy_freep) struct vr_policy *policy = NULL;
	_cleanup_(json_decrefp) json_t *o = NULL, *pj = NULL, *planj = NULL;
	_cleanup_free_ char *base = NULL, *policy_text = NULL, *plan_text = NULL, *env_text = NULL;
	struct vr_run_options ro = opts ? *opts : (struct vr_run_options){ 0 };
	struct vr_error broken = VR_ERROR_INIT;
	struct vr_policy_sources src;
	struct vr_plan *plan = NULL;
	char line[VR_ERROR_LINE_MAX] = "";
	int r;

	if (!name || !ret)
		return vr_error_set(err, EINVAL, "vr_env_describe");
	if (!ro.argv)
		ro.argv = default_argv;
	r = vr_env_open(name, &env, err);
	if (r < 0)
		return r;
	/* Everything is computed before anything is printed: a bad policy gives only its
	 * error. */
	src = (struct vr_policy_sources){
		.profile = ro.profile,
		.env = vr_env_get_path(env),
		.policy_file = ro.policy_file,
		.flags = ro.flags,
	};
	r = vr_policy_effective(&src, &policy, err);
	if (r < 0)
		return r;
	policy_text = vr_policy_to_json(policy);
	if (!policy_text)
		return vr_error_set(err, ENOMEM, "describe");
	/* A broken env is described, not refused: describe is how one finds out. */
	if (vr_env_get_base_interpreter(env, &base, &broken) >= 0) {
		r = vr_env_plan(name, &ro, &plan, &broken);
		/* A plan the policy makes impossible is an error of the policy, not of the env. */
		if (r == -VR_ERR_BAD_PATH || r == -VR_ERR_UNSAFE) {
			if (err)
				*err = broken;
			return r;
		}
	}
	if (broken.code)
		vr_error_format(&broken, line, sizeof line);

	if (json) {
		env_text = vr_env_to_json(env);
		o = env_text ? json_loads(env_text, 0, NULL) : NULL;
		pj = json_loads(policy_text, 0, NULL);
		if (plan) {
			plan_text = vr_plan_to_json(plan);
			planj = plan_text ? json_loads(plan_text, 0, NULL) : NULL;
		}
		if (!o || !pj || (plan && !planj)) {
			vr_plan_free(plan);
			return vr_error_set(err, ENOMEM, "describe");
		}
		json_object_set(o, "policy", pj);
		json_object_set(o, "plan", planj ? planj : json_null());
		if (broken.code)
			json_object_set_new(o, "broken", json_string(line));
		*ret = json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	} else {
		struct vr_buf b = VR_BUF_INIT;
		const char *key, *value;

		vr_buf_printf(&b, "env:         %s\n", vr_env_get_path(env));
		if (base)
			vr_buf_printf(&b, "interpreter: %s\n", base);
		else
			vr_buf_printf(&b, "interpreter: missing (%s)\n", line);
		vr_buf_puts(&b, "pyvenv.cfg:\n");
		for (size_t i = 0; (key = vr_env_get_entry(env, i, &value)); i++)
			vr_buf_printf(&b, "  %s = %s\n", key, value);
		vr_buf_puts(&b, "policy:\n  ");
		append_indented(&b, policy_text, "  ");
		vr_buf_puts(&b, "\n");
		if (plan) {
			plan_text = vr_plan_describe(plan);
			vr_buf_puts(&b, "sandbox:\n  ");
			append_indented(&b, plan_text ? plan_text : "", "  ");
			if (b.len && b.data[b.len - 1] != '\n')
				vr_buf_putc(&b, '\n');
		} else if (broken.code) {
			vr_buf_printf(&b, "sandbox:     none (%s)\n", line);
		}
		*ret = vr_buf_steal(&b);
	}
	vr_plan_free(plan);
	return *ret ? 0 : vr_error_set(err, ENOMEM, "describe");
}
