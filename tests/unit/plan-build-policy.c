/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Plan-build cases about what the env, its base interpreter and the policy put in the
 * plan: the env read-only unless installing, the base installation bound and its site
 * directories hidden, the system's Pythons hidden, a real base, $HOME and /root, a pyenv
 * base, the policy's binds, working directory modes, the environment allow-list, network
 * and namespaces, the policy's hides; and the builder's realpath() itself.
 */
#include "config.h"

#include <errno.h>
#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "venvrun/venvrun.h"

#include "interp.h"
#include "macro.h"
#include "path.h"
#include "plan-build-internal.h"
#include "plan-build.h"
#include "strv.h"
#include "testlib.h"

#include "plan-build-helpers.h"

/* --- tests ------------------------------------------------------------------------------ */

START_TEST(env_read_only_unless_install)
{
	struct fixture f = { 0 };
	json_t *doc;

	fixture_init(&f);
	doc = build_json(&f.req);
	ck_assert(json_is_true(json_object_get(mount_at(doc, find_mount(doc, "bind", f.env_path)), "read_only")));
	ck_assert_str_eq(mount_field(mount_at(doc, find_mount(doc, "bind", f.env_path)), "source"), f.env_path);
	json_decref(doc);

	f.req.writable_env = true;
	doc = build_json(&f.req);
	ck_assert(json_is_false(json_object_get(mount_at(doc, find_mount(doc, "bind", f.env_path)), "read_only")));
	json_decref(doc);

	f.req.writable_env = false;
	f.pol.env = VR_MODE_RW;
	doc = build_json(&f.req);
	ck_assert(json_is_false(json_object_get(mount_at(doc, find_mount(doc, "bind", f.env_path)), "read_only")));
	json_decref(doc);
	fixture_done(&f);
}
END_TEST

START_TEST(base_installation_bound_and_its_site_hidden)
{
	struct fixture f = { 0 };
	char *site = t_strdupf("%s/lib/python3.12/site-packages", fake_prefix);
	char *exe = t_strdupf("%s/bin/python3.12", fake_prefix);
	ssize_t b, h, last_other = -1;
	json_t *doc, *m;
	size_t i;

	fixture_init(&f);
	doc = build_json(&f.req);
	/* The whole installation, read-only, after the fresh /tmp it lives in. */
	b = find_mount(doc, "bind", fake_prefix);
	ck_assert(json_is_true(json_object_get(mount_at(doc, b), "read_only")));
	ck_assert_int_gt(b, find_mount(doc, "tmpfs", "/tmp"));
	/* Its site-packages hidden, after every other mount; the interpreter itself not. */
	h = find_mount(doc, "hide", site);
	ck_assert_int_ge(h, 0);
	ck_assert(json_is_true(json_object_get(mount_at(doc, h), "optional")));
	json_array_foreach (mounts_of(doc), i, m)
		if (!streq(mount_field(m, "type"), "hide"))
			last_other = (ssize_t)i;
	ck_assert_int_lt(last_other, h);
	ck_assert(!hide_covers(doc, exe));
	ck_assert(!hide_covers(doc, f.env_path));
	json_decref(doc);
	free(site), free(exe);
	fixture_done(&f);
}
END_TEST

START_TEST(system_pythons_hidden)
{
	struct fixture f = { 0 };
	char *sys_python = realpath("/usr/bin/python3", NULL);
	json_t *doc;

	fixture_init(&f);
	doc = build_json(&f.req);
	/* /usr read-only, the merged-/usr links as links, /etc in parts. */
	ck_assert(json_is_true(json_object_get(mount_at(doc, find_mount(doc, "bind", "/usr")), "read_only")));
	if (access("/etc/passwd", F_OK) == 0)
		ck_assert_int_ge(find_mount(doc, "bind", "/etc/passwd"), 0);
	ck_assert_int_lt(find_mount(doc, "bind", "/etc/shadow"), 0);
	ck_assert(!binds_from(doc, "/etc/shadow"));
	if (access("/etc/sudoers", F_OK) == 0)
		ck_assert(!binds_from(doc, "/etc/sudoers"));
	{
		struct stat st;
		if (lstat("/bin", &st) == 0 && S_ISLNK(st.st_mode))
			ck_assert_int_ge(find_mount(doc, "symlink", "/bin"), 0);
	}
	/* The distribution's site directories and interpreter are not the base's: hidden. */
	if (access("/usr/lib/python3/dist-packages", F_OK) == 0)
		ck_assert(is_hidden(doc, "/usr/lib/python3/dist-packages"));
	if (sys_python)
		ck_assert(hide_covers(doc, sys_python));
	json_decref(doc);
	free(sys_python);
	fixture_done(&f);
}
END_TEST

START_TEST(real_python_base)
{
	struct vr_discover_options o;
	struct vr_interpreter *py = NULL;
	struct vr_policy_values pol;
	struct vr_plan_request req;
	struct vr_env *env;
	char *env_path = t_strdupf("%s/realenv", test_dir), *cache = t_strdupf("%s/cache", test_dir), *exe_real;
	const char *stdlib;
	json_t *doc, *m;
	size_t i;

	if (access("/usr/bin/python3", X_OK) != 0) {
		fprintf(stderr, "no /usr/bin/python3: real_python_base not checked\n");
		free(env_path), free(cache);
		return;
	}
	/* A cache of the test's own: never the developer's. */
	vr_discover_options_init(&o);
	o.cache_dir = cache;
	ck_assert_int_eq(vr_interpreter_from_path("/usr/bin/python3", &o, &py, NULL), 0);
	env = make_env(env_path, "/usr/bin", "/usr/bin/python3");
	default_policy(&pol);
	req = (struct vr_plan_request){ .env = env,
					.base = py,
					.policy = &pol,
					.argv = argv_python,
					.cwd = work_dir,
					.home = fake_home,
					.cache_dir = host_cache,
					.uid = 1000,
					.gid = 1000 };
	doc = build_json(&req);
	exe_real = realpath(vr_interpreter_get_executable(py), NULL);
	stdlib = vr_interpreter_info_str(py, "stdlib");
	/* Under /usr: nothing of its own is bound beside /usr. */
	if (vr_path_is_ancestor("/usr", exe_real))
		ck_assert(!binds_from(doc, vr_interpreter_info_str(py, "base_prefix")) ||
			  streq(vr_interpreter_info_str(py, "base_prefix"), "/usr"));
	/* The interpreter, its stdlib and the env's python stay; its site directories go. */
	ck_assert(!hide_covers(doc, exe_real));
	ck_assert(!hide_covers(doc, stdlib));
	ck_assert(!hide_covers(doc, "/usr/bin/python3"));
	json_array_foreach (json_object_get(py->info, "site_packages"), i, m) {
		char *real = realpath(json_string_value(m), NULL);
		if (real)
			ck_assert_msg(hide_covers(doc, real), "%s not hidden", real);
		free(real);
	}
	if (access("/usr/lib/python3/dist-packages", F_OK) == 0)
		ck_assert(hide_covers(doc, "/usr/lib/python3/dist-packages"));
	/* Another installation's library directory and executable, when there is one. */
	if (access("/usr/lib/pypy3.9", F_OK) == 0 && !vr_path_is_ancestor("/usr/lib/pypy3.9", stdlib))
		ck_assert(is_hidden(doc, "/usr/lib/pypy3.9"));
	if (access("/usr/bin/pypy3.9", F_OK) == 0 && !streq(exe_real, "/usr/bin/pypy3.9"))
		ck_assert(is_hidden(doc, "/usr/bin/pypy3.9"));
	json_decref(doc);
	free(exe_real), free(env_path), free(cache);
	vr_env_free(env);
	vr_interpreter_free(py);
}
END_TEST

START_TEST(home_and_root_not_mounted)
{
	struct fixture f = { 0 };
	char *secret = t_strdupf("%s/secret.txt", fake_home);
	json_t *doc, *m;
	size_t i;

	fixture_init(&f);
	doc = build_json(&f.req);
	/* An empty tmpfs at $HOME; nothing of the caller's home, or of /root, bound. */
	ck_assert_int_ge(find_mount(doc, "tmpfs", fake_home), 0);
	ck_assert(!binds_from(doc, secret));
	ck_assert_str_eq(plan_env_value(doc, "HOME"), fake_home);
	json_array_foreach (mounts_of(doc), i, m) {
		const char *src = mount_field(m, "source");
		if (streq(mount_field(m, "type"), "bind")) {
			ck_assert_msg(!vr_path_is_ancestor("/root", src), "binds %s", src);
			ck_assert_msg(!vr_path_is_ancestor(src, fake_home), "binds %s, which holds $HOME", src);
		}
		ck_assert(!vr_path_is_ancestor("/home", mount_field(m, "target")) ||
			  vr_path_is_ancestor("/home", fake_home));
	}
	json_decref(doc);

	/* The caller is root: /root is an empty tmpfs and nothing from it is bound. */
	f.req.home = "/root";
	f.req.is_root = true;
	f.req.uid = 0;
	doc = build_json(&f.req);
	ck_assert_int_ge(find_mount(doc, "tmpfs", "/root"), 0);
	ck_assert(!binds_from(doc, "/root/.bashrc"));
	ck_assert(!binds_from(doc, "/root"));
	ck_assert(!has_namespace(doc, "user"));
	json_decref(doc);

	/* A $HOME of / would hide everything: HOME is the private /tmp then. */
	f.req.home = "/";
	doc = build_json(&f.req);
	ck_assert_str_eq(plan_env_value(doc, "HOME"), "/tmp");
	ck_assert_int_lt(find_mount(doc, "tmpfs", "/"), 0);
	json_decref(doc);
	free(secret);
	fixture_done(&f);
}
END_TEST

START_TEST(pyenv_base_binds_only_its_version)
{
	char *versions = t_strdupf("%s/.pyenv/versions", fake_home);
	char *v312 = t_strdupf("%s/3.12.1", versions), *v311 = t_strdupf("%s/3.11.0", versions);
	char *alias = t_strdupf("%s/3.12", versions);
	char *alias_bin = t_strdupf("%s/bin", alias), *alias_exe = t_strdupf("%s/bin/python3.12", alias);
	char *env_path = t_strdupf("%s/envs/e", test_dir), *site = t_strdupf("%s/lib/python3.12/site-packages", v312);
	char *pyenv = t_strdupf("%s/.pyenv", fake_home);
	struct vr_interpreter *py;
	struct vr_policy_values pol;
	struct vr_plan_request req;
	struct vr_env *env;
	json_t *doc, *m;
	ssize_t b, l;
	size_t i;

	make_installation(v312);
	make_installation(v311);
	ck_assert_int_eq(symlink("3.12.1", alias), 0);
	py = fake_interpreter(v312);
	/* The env was made through the version alias, as pyenv's shims leave it. */
	env = make_env(env_path, alias_bin, alias_exe);
	default_policy(&pol);
	req = (struct vr_plan_request){ .env = env,
					.base = py,
					.policy = &pol,
					.argv = argv_python,
					.cwd = work_dir,
					.home = fake_home,
					.cache_dir = host_cache,
					.uid = 1000,
					.gid = 1000 };
	doc = build_json(&req);
	/* Only the version directory, on top of the empty $HOME; the alias recreated. */
	b = find_mount(doc, "bind", v312);
	ck_assert(json_is_true(json_object_get(mount_at(doc, b), "read_only")));
	ck_assert_int_gt(b, find_mount(doc, "tmpfs", fake_home));
	l = find_mount(doc, "symlink", alias);
	ck_assert_str_eq(mount_field(mount_at(doc, l), "source"), "3.12.1");
	ck_assert(!binds_from(doc, v311));
	ck_assert(!binds_from(doc, pyenv));
	ck_assert(!binds_from(doc, versions));
	json_array_foreach (mounts_of(doc), i, m) {
		ck_assert(strstr(mount_field(m, "target"), "3.11.0") == NULL);
		if (streq(mount_field(m, "type"), "bind"))
			ck_assert(!streq(mount_field(m, "source"), fake_home));
	}
	ck_assert(is_hidden(doc, site));
	json_decref(doc);
	vr_env_free(env);
	vr_interpreter_free(py);
	free(versions), free(v312), free(v311), free(alias), free(alias_bin), free(alias_exe), free(env_path);
	free(site), free(pyenv);
}
END_TEST

START_TEST(bind_into_hidden_refused)
{
	struct fixture f = { 0 };
	struct vr_error err = VR_ERROR_INIT;
	struct vr_plan *plan = NULL;
	char *site = t_strdupf("%s/lib/python3.12/site-packages", fake_prefix);
	char *evil = t_strdupf("%s/evil", site);
	struct vr_policy_bind binds[1] = { { .source = work_dir, .target = evil } };

	fixture_init(&f);
	f.pol.binds = binds;
	f.pol.n_binds = 1;
	ck_assert_int_eq(vr_plan_build(&f.req, &plan, &err), -VR_ERR_UNSAFE);
	ck_assert_ptr_null(plan);
	ck_assert_str_eq(err.where, evil);
	ck_assert_ptr_nonnull(strstr(err.message, site));
	ck_assert_int_eq(vr_exit_status(-VR_ERR_UNSAFE), VR_EXIT_FAILURE);

	/* Binding a hidden directory in elsewhere is refused too. */
	vr_error_clear(&err);
	binds[0] = (struct vr_policy_bind){ .source = site, .target = "/data" };
	ck_assert_int_eq(vr_plan_build(&f.req, &plan, &err), -VR_ERR_UNSAFE);
	ck_assert_str_eq(err.where, site);

	/* A tmpfs there as well. */
	vr_error_clear(&err);
	f.pol.n_binds = 0;
	f.pol.tmpfs = (const char *const[]){ evil, NULL };
	ck_assert_int_eq(vr_plan_build(&f.req, &plan, &err), -VR_ERR_UNSAFE);
	ck_assert_str_eq(err.where, evil);
	free(site), free(evil);
	fixture_done(&f);
}
END_TEST

START_TEST(missing_bind_source_refused)
{
	struct fixture f = { 0 };
	struct vr_error err = VR_ERROR_INIT;
	struct vr_plan *plan = NULL;
	char *missing = t_strdupf("%s/missing", test_dir);
	struct vr_policy_bind binds[2] = { { .source = work_dir, .target = "/data", .rw = true },
					   { .source = missing, .target = "/data2" } };
	json_t *doc;
	ssize_t i;

	fixture_init(&f);
	f.pol.binds = binds;
	f.pol.n_binds = 2;
	ck_assert_int_eq(vr_plan_build(&f.req, &plan, &err), -VR_ERR_BAD_PATH);
	ck_assert_ptr_null(plan);
	ck_assert_str_eq(err.where, missing);
	ck_assert_int_eq(vr_exit_status(-VR_ERR_BAD_PATH), VR_EXIT_FAILURE);

	/* Optional: planned as optional, skipped by the executor. */
	binds[1].optional = true;
	doc = build_json(&f.req);
	i = find_mount(doc, "bind", "/data2");
	ck_assert(json_is_true(json_object_get(mount_at(doc, i), "optional")));
	i = find_mount(doc, "bind", "/data");
	ck_assert(json_is_false(json_object_get(mount_at(doc, i), "read_only")));
	ck_assert_str_eq(mount_field(mount_at(doc, i), "source"), work_dir);
	/* After the env: what the user asked for comes after the defaults. */
	ck_assert_int_gt(i, find_mount(doc, "bind", f.env_path));
	json_decref(doc);
	free(missing);
	fixture_done(&f);
}
END_TEST

START_TEST(workdir_modes)
{
	struct fixture f = { 0 };
	struct vr_error err = VR_ERROR_INIT;
	struct vr_plan *plan = NULL;
	char *inside = t_strdupf("%s/lib/python3.12/site-packages/pkg", fake_prefix);
	char *in_env = t_strdupf("%s/lib", test_dir);
	json_t *doc;
	ssize_t w;

	fixture_init(&f);
	doc = build_json(&f.req);
	w = find_mount(doc, "bind", work_dir);
	ck_assert(json_is_false(json_object_get(mount_at(doc, w), "read_only")));
	ck_assert_str_eq(json_string_value(json_object_get(doc, "cwd")), work_dir);
	json_decref(doc);

	f.pol.workdir = VR_MODE_RO;
	doc = build_json(&f.req);
	ck_assert(json_is_true(json_object_get(mount_at(doc, find_mount(doc, "bind", work_dir)), "read_only")));
	json_decref(doc);

	/* Not mounted: the program starts in the empty $HOME. */
	f.pol.workdir = VR_MODE_NONE;
	doc = build_json(&f.req);
	ck_assert_int_lt(find_mount(doc, "bind", work_dir), 0);
	ck_assert_str_eq(json_string_value(json_object_get(doc, "cwd")), fake_home);
	json_decref(doc);

	/* Inside a hidden directory: refused, naming it. */
	mkdirs(inside);
	f.pol.workdir = VR_MODE_RW;
	f.req.cwd = inside;
	ck_assert_int_eq(vr_plan_build(&f.req, &plan, &err), -VR_ERR_UNSAFE);
	ck_assert_str_eq(err.where, inside);

	/* $HOME itself is not bound: it stays the empty tmpfs. */
	f.req.cwd = fake_home;
	doc = build_json(&f.req);
	ck_assert_int_lt(find_mount(doc, "bind", fake_home), 0);
	ck_assert_str_eq(json_string_value(json_object_get(doc, "cwd")), fake_home);
	json_decref(doc);

	/* / or a parent of $HOME would bring in everything: not bound either. */
	f.req.cwd = "/";
	doc = build_json(&f.req);
	ck_assert(!binds_from(doc, "/root"));
	ck_assert(!binds_from(doc, "/home"));
	ck_assert_str_eq(json_string_value(json_object_get(doc, "cwd")), fake_home);
	json_decref(doc);
	f.req.cwd = test_dir;
	doc = build_json(&f.req);
	ck_assert_int_lt(find_mount(doc, "bind", test_dir), 0);
	json_decref(doc);

	/* Inside the env: the env's read-only bind comes after, and wins. */
	free(in_env);
	in_env = t_strdupf("%s/lib", f.env_path);
	f.req.cwd = in_env;
	doc = build_json(&f.req);
	ck_assert_int_gt(find_mount(doc, "bind", f.env_path), find_mount(doc, "bind", in_env));
	ck_assert_str_eq(json_string_value(json_object_get(doc, "cwd")), in_env);
	json_decref(doc);

	/* --chdir: where the program starts, nothing mounted for it. */
	f.req.cwd = work_dir;
	f.req.chdir = "/tmp";
	doc = build_json(&f.req);
	ck_assert_str_eq(json_string_value(json_object_get(doc, "cwd")), "/tmp");
	json_decref(doc);
	free(inside), free(in_env);
	fixture_done(&f);
}
END_TEST

START_TEST(environment_allow_list)
{
	struct fixture f = { 0 };
	char *envp[] = { "LD_PRELOAD=/evil.so",
			 "LD_LIBRARY_PATH=/evil",
			 "PYTHONPATH=/p",
			 "PYTHONHOME=/h",
			 "LC_ALL=C.UTF-8",
			 "LC_CTYPE=C.UTF-8",
			 "TERM=xterm",
			 "SECRET=1",
			 "PATH=/caller/bin",
			 "HOME=/elsewhere",
			 "TERM=second",
			 "PWD=/x",
			 NULL };
	const char *const pass_patterns[] = { "TERM", "LC_*", "LD_*", "PYTHON*", NULL };
	const char *const pass_exact[] = { "LD_PRELOAD", NULL };
	const char *const set[] = { "PYTHONPATH=/on-purpose", "EXTRA=1", NULL };
	char *env_bin;
	json_t *doc;

	fixture_init(&f);
	env_bin = t_strdupf("%s/bin", f.env_path);
	f.req.envp = envp;
	f.pol.env_pass = pass_patterns;
	doc = build_json(&f.req);
	ck_assert_ptr_null(plan_env_value(doc, "LD_PRELOAD"));
	ck_assert_ptr_null(plan_env_value(doc, "LD_LIBRARY_PATH"));
	ck_assert_ptr_null(plan_env_value(doc, "PYTHONPATH"));
	ck_assert_ptr_null(plan_env_value(doc, "PYTHONHOME"));
	ck_assert_ptr_null(plan_env_value(doc, "SECRET"));
	ck_assert_ptr_null(plan_env_value(doc, "PWD"));
	ck_assert_str_eq(plan_env_value(doc, "LC_ALL"), "C.UTF-8");
	ck_assert_str_eq(plan_env_value(doc, "LC_CTYPE"), "C.UTF-8");
	ck_assert_str_eq(plan_env_value(doc, "TERM"), "xterm");
	ck_assert_str_eq(plan_env_value(doc, "VIRTUAL_ENV"), f.env_path);
	ck_assert_str_eq(plan_env_value(doc, "HOME"), fake_home);
	ck_assert_str_eq(plan_env_value(doc, "PYTHONNOUSERSITE"), "1");
	ck_assert(vr_startswith(plan_env_value(doc, "PATH"), env_bin));
	ck_assert_int_eq(plan_env_value(doc, "PATH")[strlen(env_bin)], ':');
	ck_assert_ptr_null(strstr(plan_env_value(doc, "PATH"), "/caller/bin"));
	ck_assert_ptr_nonnull(strstr(plan_env_value(doc, "PATH"), ":/usr/bin"));
	ck_assert_ptr_null(plan_env_value(doc, "VIRTUAL_ENV_PROMPT"));
	json_decref(doc);

	/* Set on purpose: named exactly, or set by the policy. */
	f.pol.env_pass = pass_exact;
	f.pol.env_set = set;
	f.req.interactive = true;
	doc = build_json(&f.req);
	ck_assert_str_eq(plan_env_value(doc, "LD_PRELOAD"), "/evil.so");
	ck_assert_str_eq(plan_env_value(doc, "PYTHONPATH"), "/on-purpose");
	ck_assert_str_eq(plan_env_value(doc, "EXTRA"), "1");
	ck_assert_ptr_null(plan_env_value(doc, "LC_ALL"));
	ck_assert_str_eq(plan_env_value(doc, "VIRTUAL_ENV_PROMPT"), "demo");
	json_decref(doc);

	/* Not cleared: everything but the guarded variables, PWD corrected. */
	f.pol.env_clear = false;
	f.pol.env_pass = NULL;
	f.pol.env_set = NULL;
	doc = build_json(&f.req);
	ck_assert_str_eq(plan_env_value(doc, "SECRET"), "1");
	ck_assert_str_eq(plan_env_value(doc, "TERM"), "xterm");
	ck_assert_ptr_null(plan_env_value(doc, "LD_PRELOAD"));
	ck_assert_ptr_null(plan_env_value(doc, "PYTHONPATH"));
	ck_assert_str_eq(plan_env_value(doc, "PWD"), work_dir);
	ck_assert(vr_startswith(plan_env_value(doc, "PATH"), env_bin));
	json_decref(doc);
	free(env_bin);
	fixture_done(&f);
}
END_TEST

START_TEST(env_var_allowed)
{
	const char *const pass[] = { "TERM", "LC_*", "LD_*", "PYTHONPATH", NULL };
	const char *const all[] = { "*", NULL };

	ck_assert(vr_env_var_allowed("TERM", pass));
	ck_assert(!vr_env_var_allowed("TERMINFO", pass));
	ck_assert(vr_env_var_allowed("LC_ALL", pass));
	ck_assert(vr_env_var_allowed("LC_", pass));
	ck_assert(!vr_env_var_allowed("LANG", pass));
	ck_assert(vr_env_var_allowed("LD_BIND_NOW", pass));
	/* Guarded: never through a pattern, only by name. */
	ck_assert(!vr_env_var_allowed("LD_PRELOAD", pass));
	ck_assert(!vr_env_var_allowed("LD_LIBRARY_PATH", pass));
	ck_assert(vr_env_var_allowed("PYTHONPATH", pass));
	ck_assert(vr_env_var_allowed("HOME", all));
	ck_assert(!vr_env_var_allowed("PYTHONHOME", all));
	ck_assert(!vr_env_var_allowed("PYTHONSTARTUP", all));
	ck_assert(!vr_env_var_allowed("PYTHONUSERBASE", all));
	ck_assert(!vr_env_var_allowed("", all));
	ck_assert(!vr_env_var_allowed("TERM", NULL));
	ck_assert(vr_env_var_is_guarded("LD_PRELOAD"));
	ck_assert(!vr_env_var_is_guarded("TERM"));
}
END_TEST

START_TEST(network_and_namespaces)
{
	struct fixture f = { 0 };
	json_t *doc;

	fixture_init(&f);
	f.pol.network = VR_NET_NONE;
	doc = build_json(&f.req);
	ck_assert(has_namespace(doc, "net"));
	ck_assert(json_is_false(json_object_get(doc, "loopback")));
	ck_assert(has_namespace(doc, "user"));
	ck_assert(has_namespace(doc, "mount"));
	ck_assert(has_namespace(doc, "pid"));
	ck_assert(has_namespace(doc, "ipc"));
	ck_assert(has_namespace(doc, "uts"));
	ck_assert(!has_namespace(doc, "cgroup"));
	ck_assert_str_eq(json_string_value(json_object_get(doc, "hostname")), "venvrun");
	json_decref(doc);

	f.pol.network = VR_NET_LOOPBACK;
	f.pol.hostname = "box";
	f.req.cgroup_ns = true;
	doc = build_json(&f.req);
	ck_assert(has_namespace(doc, "net"));
	ck_assert(json_is_true(json_object_get(doc, "loopback")));
	ck_assert(has_namespace(doc, "cgroup"));
	ck_assert_str_eq(json_string_value(json_object_get(doc, "hostname")), "box");
	json_decref(doc);

	f.pol.network = VR_NET_HOST;
	f.req.is_root = true;
	doc = build_json(&f.req);
	ck_assert(!has_namespace(doc, "net"));
	ck_assert(!has_namespace(doc, "user"));
	json_decref(doc);

	f.req.new_userns = true;
	doc = build_json(&f.req);
	ck_assert(has_namespace(doc, "user"));
	json_decref(doc);
	fixture_done(&f);
}
END_TEST

START_TEST(policy_hide_and_bad_requests)
{
	struct fixture f = { 0 };
	struct vr_error err = VR_ERROR_INIT;
	struct vr_plan *plan = NULL;
	char *sub = t_strdupf("%s/sub", work_dir);
	json_t *doc;

	fixture_init(&f);
	mkdirs(sub);
	f.pol.hide = (const char *const[]){ sub, "/usr/share/doc", NULL };
	doc = build_json(&f.req);
	ck_assert(is_hidden(doc, sub));
	ck_assert(is_hidden(doc, "/usr/share/doc"));
	json_decref(doc);

	/* The env inside a path the policy hides: refused. */
	f.pol.hide = (const char *const[]){ test_dir, NULL };
	ck_assert_int_eq(vr_plan_build(&f.req, &plan, &err), -VR_ERR_UNSAFE);

	f.pol.hide = NULL;
	f.req.argv = (char *[]){ NULL };
	ck_assert_int_eq(vr_plan_build(&f.req, &plan, NULL), -EINVAL);
	ck_assert_ptr_null(plan);
	free(sub);
	fixture_done(&f);
}
END_TEST

/* The plan's realpath(), which resolves from memoised parents, answers as realpath() does:
 * the same path, or the same errno. Twice each: the second answer comes from the memo. */
START_TEST(real_path_as_realpath)
{
	static const char *const links[][2] = {
		{ "rel", "a/b" },     { "chain", "rel/c" },	   { "up", "../t/a/b/c/../c" },	 { "loop1", "loop2" },
		{ "loop2", "loop1" }, { "dangling", "nowhere/x" }, { "a/b/c/back", "../../.." }, { "a/b/self", "." },
		{ "a/abs", NULL },
	};
	static const char *const paths[] = {
		"",	    "/a",	   "/a/b/c",	"/rel",	       "/rel/c",     "/chain",	   "/chain/f",
		"/up",	    "/a/b/c/back", "/a/b/self", "/a/b/self/c", "/a/abs",     "/a/abs/b",   "/loop1",
		"/loop1/x", "/dangling",   "/missing",	"/missing/x",  "/a/b/c/f",   "/a/b/c/f/x", "/a//b",
		"/a/./b",   "/a/b/../b",   "/a/b/",	"/rel/../a",   "/chain/f/.",
	};
	char *t = t_strdupf("%s/t", test_dir);
	struct vr_pb b = { 0 };
	char *dir = t_strdupf("%s/a/b/c", t), *file = t_strdupf("%s/a/b/c/f", t);

	mkdirs(dir);
	t_write_file(file, "f\n", false);
	free(dir), free(file);
	for (size_t i = 0; i < ELEMENTSOF(links); i++) {
		char *l = t_strdupf("%s/%s", t, links[i][0]);
		char *text = links[i][1] ? strdup(links[i][1]) : t_strdupf("%s/a", t);

		ck_assert_int_eq(symlink(text, l), 0);
		free(l), free(text);
	}
	for (int round = 0; round < 2; round++)
		for (size_t i = 0; i < ELEMENTSOF(paths); i++) {
			char *p = t_strdupf("%s%s", t, paths[i]), *want, *got;
			int want_errno, got_errno;

			errno = 0;
			want = realpath(p, NULL);
			want_errno = errno;
			errno = 0;
			got = vr_pb_real_path(&b, p);
			got_errno = errno;
			if (want)
				ck_assert_msg(got && streq(got, want), "%s: '%s', not '%s'", p, got ? got : "(null)",
					      want);
			else
				ck_assert_msg(!got && got_errno == want_errno, "%s: '%s' (%s), not %s", p,
					      got ? got : "(null)", strerror(got_errno), strerror(want_errno));
			free(p), free(want), free(got);
		}
	ck_assert_ptr_null(vr_pb_real_path(&b, "relative"));
	vr_strv_free(b.memo_in);
	vr_strv_free(b.memo_out);
	free(t);
}
END_TEST

const struct t_case plan_build_policy_cases[] = {
	T_CASE(real_path_as_realpath),
	T_CASE(env_read_only_unless_install),
	T_CASE(base_installation_bound_and_its_site_hidden),
	T_CASE(system_pythons_hidden),
	T_CASE(real_python_base),
	T_CASE(home_and_root_not_mounted),
	T_CASE(pyenv_base_binds_only_its_version),
	T_CASE(bind_into_hidden_refused),
	T_CASE(missing_bind_source_refused),
	T_CASE(workdir_modes),
	T_CASE(environment_allow_list),
	T_CASE(env_var_allowed),
	T_CASE(network_and_namespaces),
	T_CASE(policy_hide_and_bad_requests),
	{ NULL, NULL },
};
