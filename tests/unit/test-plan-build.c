/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "venvrun/venvrun.h"

#include "fileio.h"
#include "host-pythons.h"
#include "interp.h"
#include "macro.h"
#include "path.h"
#include "plan-build-internal.h"
#include "plan-build.h"
#include "strv.h"
#include "testlib.h"

/*
 * Plans built from fake inputs: an env made here with its pyvenv.cfg, an interpreter object
 * made from facts written here (a fake installation under the test's directory), and
 * policy values set by hand; checked through vr_plan_to_json().
 */

static char *tmp;	 /* the test's directory */
static char *prefix;	 /* the fake interpreter's installation */
static char *home;	 /* the caller's fake $HOME */
static char *work;	 /* the caller's working directory */
static char *host_cache; /* the cache of the host's Python installations, shared by all tests */

static const char *const default_pass[] = { "TERM", "LANG", "LC_*", "TZ", NULL };

static void
mkdirs(const char *p)
{
	ck_assert_int_eq(vr_mkdir_parents(p, 0755, NULL, NULL), 0);
}

/* --- fixtures -------------------------------------------------------------------------- */

/* A fake CPython 3.12 installed at `pfx`: bin/python3.12, its stdlib with lib-dynload and
 * site-packages, and libpython. */
static void
make_installation(const char *pfx)
{
	char *p;

	p = t_strdupf("%s/bin", pfx), mkdirs(p), free(p);
	p = t_strdupf("%s/lib/python3.12/lib-dynload", pfx), mkdirs(p), free(p);
	p = t_strdupf("%s/lib/python3.12/site-packages", pfx), mkdirs(p), free(p);
	p = t_strdupf("%s/bin/python3.12", pfx), t_write_file(p, "#!/bin/false\n", true), free(p);
	p = t_strdupf("%s/lib/python3.12/os.py", pfx), t_write_file(p, "", false), free(p);
	p = t_strdupf("%s/lib/libpython3.12.so.1.0", pfx), t_write_file(p, "", false), free(p);
}

static struct vr_interpreter *
fake_interpreter(const char *pfx)
{
	struct vr_interpreter *py = NULL;
	char *exe = t_strdupf("%s/bin/python3.12", pfx);
	char *stdlib = t_strdupf("%s/lib/python3.12", pfx);
	char *site = t_strdupf("%s/lib/python3.12/site-packages", pfx);
	char *shlib = t_strdupf("%s/lib/libpython3.12.so.1.0", pfx);
	char *user_site = t_strdupf("%s/.local/lib/python3.12/site-packages", home);
	json_t *info = json_pack("{s:s, s:s, s:[i,i,i,s,i], s:i, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:[s], "
				 "s:s, s:{s:s, s:s}}",
				 "implementation", "cpython", "version", "3.12.1", "version_info", 3, 12, 1, "final", 0,
				 "pointer_bits", 64, "executable", exe, "base_executable", exe, "prefix", pfx,
				 "base_prefix", pfx, "exec_prefix", pfx, "base_exec_prefix", pfx, "stdlib", stdlib,
				 "platstdlib", stdlib, "shared_library", shlib, "site_packages", site, "user_site",
				 user_site, "venv_paths", "scripts", "bin", "purelib", "lib/python3.12/site-packages");

	ck_assert_ptr_nonnull(info);
	ck_assert_int_eq(vr_interpreter_new_from_info(info, exe, exe, &py, NULL), 0);
	json_decref(info);
	free(exe), free(stdlib), free(site), free(shlib), free(user_site);
	return py;
}

/* An env at `path` whose bin/python links to `python` and whose home is `home_dir`. */
static struct vr_env *
make_env(const char *path, const char *home_dir, const char *python)
{
	struct vr_env *env = NULL;
	char *p;

	p = t_strdupf("%s/bin", path), mkdirs(p), free(p);
	p = t_strdupf("%s/lib/python3.12/site-packages", path), mkdirs(p), free(p);
	p = t_strdupf("%s/bin/python", path);
	ck_assert_int_eq(symlink(python, p), 0);
	free(p);
	p = t_strdupf("home = %s\ninclude-system-site-packages = false\nversion = 3.12.1\nprompt = 'demo'\n", home_dir);
	{
		char *cfg = t_strdupf("%s/pyvenv.cfg", path);
		t_write_file(cfg, p, false);
		free(cfg);
	}
	free(p);
	ck_assert_int_eq(vr_env_open(path, &env, NULL), 0);
	return env;
}

static void
setup(void)
{
	char *p;

	tmp = t_tmpdir("plan-build");
	prefix = t_strdupf("%s/prefix", tmp);
	home = t_strdupf("%s/home", tmp);
	work = t_strdupf("%s/work", tmp);
	make_installation(prefix);
	mkdirs(home);
	mkdirs(work);
	p = t_strdupf("%s/secret.txt", home), t_write_file(p, "secret\n", false), free(p);
}

static void
teardown(void)
{
	t_rm_rf(tmp);
	free(tmp), free(prefix), free(home), free(work);
}

static void
default_policy(struct vr_policy_values *v)
{
	*v = (struct vr_policy_values){
		.env = VR_MODE_RO,
		.workdir = VR_MODE_RW,
		.network = VR_NET_HOST,
		.env_clear = true,
		.env_pass = default_pass,
		.nofile = VR_UNLIMITED,
	};
}

struct fixture {
	struct vr_interpreter *py;
	struct vr_env *env;
	char *env_path;
	struct vr_policy_values pol;
	struct vr_plan_request req;
};

static char *argv_python[] = { "python", "-c", "pass", NULL };

static void
fixture_init(struct fixture *f)
{
	char *exe = t_strdupf("%s/bin/python3.12", prefix), *bin = t_strdupf("%s/bin", prefix);

	f->py = fake_interpreter(prefix);
	f->env_path = t_strdupf("%s/env", tmp);
	f->env = make_env(f->env_path, bin, exe);
	default_policy(&f->pol);
	f->req = (struct vr_plan_request){
		.env = f->env,
		.base = f->py,
		.policy = &f->pol,
		.argv = argv_python,
		.cwd = work,
		.home = home,
		.cache_dir = host_cache,
		.uid = 1000,
		.gid = 1000,
	};
	free(exe), free(bin);
}

static void
fixture_done(struct fixture *f)
{
	vr_interpreter_free(f->py);
	vr_env_free(f->env);
	free(f->env_path);
}

/* Build and return the plan's JSON (failing the test on error). */
static json_t *
build_json(const struct vr_plan_request *req)
{
	struct vr_error err = VR_ERROR_INIT;
	struct vr_plan *plan = NULL;
	char line[VR_ERROR_LINE_MAX];
	json_error_t jerr;
	json_t *doc;
	char *text;
	int r = vr_plan_build(req, &plan, &err);

	vr_error_format(&err, line, sizeof line);
	ck_assert_msg(r == 0, "vr_plan_build: %s", line);
	text = vr_plan_to_json(plan);
	ck_assert_ptr_nonnull(text);
	doc = json_loads(text, 0, &jerr);
	ck_assert_msg(doc != NULL, "plan JSON: %s", jerr.text);
	free(text);
	vr_plan_free(plan);
	return doc;
}

/* --- reading the plan's JSON ------------------------------------------------------------- */

static json_t *
mounts_of(json_t *doc)
{
	json_t *m = json_object_get(doc, "mounts");
	ck_assert(json_is_array(m));
	return m;
}

static const char *
mstr(json_t *m, const char *key)
{
	return json_string_value(json_object_get(m, key));
}

/* The index of the first mount of `type` at `target`, or -1. */
static ssize_t
find_mount(json_t *doc, const char *type, const char *target)
{
	json_t *m;
	size_t i;

	json_array_foreach (mounts_of(doc), i, m)
		if (streq(mstr(m, "type"), type) && streq(mstr(m, "target"), target))
			return (ssize_t)i;
	return -1;
}

static json_t *
mount_at(json_t *doc, ssize_t i)
{
	ck_assert_int_ge(i, 0);
	return json_array_get(mounts_of(doc), (size_t)i);
}

static bool
is_hidden(json_t *doc, const char *target)
{
	return find_mount(doc, "hide", target) >= 0;
}

/* Whether some hide makes `path` (or a parent of it) empty. */
static bool
hide_covers(json_t *doc, const char *path)
{
	json_t *m;
	size_t i;

	json_array_foreach (mounts_of(doc), i, m)
		if (streq(mstr(m, "type"), "hide") && vr_path_is_ancestor(mstr(m, "target"), path))
			return true;
	return false;
}

/* Whether a bind brings in `path` or a parent of it, from the host. */
static bool
binds_from(json_t *doc, const char *path)
{
	json_t *m;
	size_t i;

	json_array_foreach (mounts_of(doc), i, m)
		if (streq(mstr(m, "type"), "bind") && vr_path_is_ancestor(mstr(m, "source"), path))
			return true;
	return false;
}

static const char *
env_get(json_t *doc, const char *name)
{
	json_t *e;
	size_t i, n = strlen(name);

	json_array_foreach (json_object_get(doc, "environment"), i, e) {
		const char *s = json_string_value(e);
		if (strneq(s, name, n) && s[n] == '=')
			return s + n + 1;
	}
	return NULL;
}

static bool
has_namespace(json_t *doc, const char *name)
{
	json_t *e;
	size_t i;

	json_array_foreach (json_object_get(doc, "namespaces"), i, e)
		if (streq(json_string_value(e), name))
			return true;
	return false;
}

/* --- tests ------------------------------------------------------------------------------ */

START_TEST(env_read_only_unless_install)
{
	struct fixture f = { 0 };
	json_t *doc;

	fixture_init(&f);
	doc = build_json(&f.req);
	ck_assert(json_is_true(json_object_get(mount_at(doc, find_mount(doc, "bind", f.env_path)), "read_only")));
	ck_assert_str_eq(mstr(mount_at(doc, find_mount(doc, "bind", f.env_path)), "source"), f.env_path);
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
	char *site = t_strdupf("%s/lib/python3.12/site-packages", prefix);
	char *exe = t_strdupf("%s/bin/python3.12", prefix);
	ssize_t b, h, last_other = -1;
	json_t *doc, *m;
	size_t i;

	fixture_init(&f);
	doc = build_json(&f.req);
	/* The whole installation, read-only, after the fresh /tmp it lives in. */
	b = find_mount(doc, "bind", prefix);
	ck_assert(json_is_true(json_object_get(mount_at(doc, b), "read_only")));
	ck_assert_int_gt(b, find_mount(doc, "tmpfs", "/tmp"));
	/* Its site-packages hidden, after every other mount; the interpreter itself not. */
	h = find_mount(doc, "hide", site);
	ck_assert_int_ge(h, 0);
	ck_assert(json_is_true(json_object_get(mount_at(doc, h), "optional")));
	json_array_foreach (mounts_of(doc), i, m)
		if (!streq(mstr(m, "type"), "hide"))
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
	char *env_path = t_strdupf("%s/realenv", tmp), *cache = t_strdupf("%s/cache", tmp), *exe_real;
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
					.cwd = work,
					.home = home,
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
	char *secret = t_strdupf("%s/secret.txt", home);
	json_t *doc, *m;
	size_t i;

	fixture_init(&f);
	doc = build_json(&f.req);
	/* An empty tmpfs at $HOME; nothing of the caller's home, or of /root, bound. */
	ck_assert_int_ge(find_mount(doc, "tmpfs", home), 0);
	ck_assert(!binds_from(doc, secret));
	ck_assert_str_eq(env_get(doc, "HOME"), home);
	json_array_foreach (mounts_of(doc), i, m) {
		const char *src = mstr(m, "source");
		if (streq(mstr(m, "type"), "bind")) {
			ck_assert_msg(!vr_path_is_ancestor("/root", src), "binds %s", src);
			ck_assert_msg(!vr_path_is_ancestor(src, home), "binds %s, which holds $HOME", src);
		}
		ck_assert(!vr_path_is_ancestor("/home", mstr(m, "target")) || vr_path_is_ancestor("/home", home));
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
	ck_assert_str_eq(env_get(doc, "HOME"), "/tmp");
	ck_assert_int_lt(find_mount(doc, "tmpfs", "/"), 0);
	json_decref(doc);
	free(secret);
	fixture_done(&f);
}
END_TEST

START_TEST(pyenv_base_binds_only_its_version)
{
	char *versions = t_strdupf("%s/.pyenv/versions", home);
	char *v312 = t_strdupf("%s/3.12.1", versions), *v311 = t_strdupf("%s/3.11.0", versions);
	char *alias = t_strdupf("%s/3.12", versions);
	char *alias_bin = t_strdupf("%s/bin", alias), *alias_exe = t_strdupf("%s/bin/python3.12", alias);
	char *env_path = t_strdupf("%s/envs/e", tmp), *site = t_strdupf("%s/lib/python3.12/site-packages", v312);
	char *pyenv = t_strdupf("%s/.pyenv", home);
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
					.cwd = work,
					.home = home,
					.cache_dir = host_cache,
					.uid = 1000,
					.gid = 1000 };
	doc = build_json(&req);
	/* Only the version directory, on top of the empty $HOME; the alias recreated. */
	b = find_mount(doc, "bind", v312);
	ck_assert(json_is_true(json_object_get(mount_at(doc, b), "read_only")));
	ck_assert_int_gt(b, find_mount(doc, "tmpfs", home));
	l = find_mount(doc, "symlink", alias);
	ck_assert_str_eq(mstr(mount_at(doc, l), "source"), "3.12.1");
	ck_assert(!binds_from(doc, v311));
	ck_assert(!binds_from(doc, pyenv));
	ck_assert(!binds_from(doc, versions));
	json_array_foreach (mounts_of(doc), i, m) {
		ck_assert(strstr(mstr(m, "target"), "3.11.0") == NULL);
		if (streq(mstr(m, "type"), "bind"))
			ck_assert(!streq(mstr(m, "source"), home));
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
	char *site = t_strdupf("%s/lib/python3.12/site-packages", prefix);
	char *evil = t_strdupf("%s/evil", site);
	struct vr_policy_bind binds[1] = { { .source = work, .target = evil } };

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
	char *missing = t_strdupf("%s/missing", tmp);
	struct vr_policy_bind binds[2] = { { .source = work, .target = "/data", .rw = true },
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
	ck_assert_str_eq(mstr(mount_at(doc, i), "source"), work);
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
	char *inside = t_strdupf("%s/lib/python3.12/site-packages/pkg", prefix);
	char *in_env = t_strdupf("%s/lib", tmp);
	json_t *doc;
	ssize_t w;

	fixture_init(&f);
	doc = build_json(&f.req);
	w = find_mount(doc, "bind", work);
	ck_assert(json_is_false(json_object_get(mount_at(doc, w), "read_only")));
	ck_assert_str_eq(json_string_value(json_object_get(doc, "cwd")), work);
	json_decref(doc);

	f.pol.workdir = VR_MODE_RO;
	doc = build_json(&f.req);
	ck_assert(json_is_true(json_object_get(mount_at(doc, find_mount(doc, "bind", work)), "read_only")));
	json_decref(doc);

	/* Not mounted: the program starts in the empty $HOME. */
	f.pol.workdir = VR_MODE_NONE;
	doc = build_json(&f.req);
	ck_assert_int_lt(find_mount(doc, "bind", work), 0);
	ck_assert_str_eq(json_string_value(json_object_get(doc, "cwd")), home);
	json_decref(doc);

	/* Inside a hidden directory: refused, naming it. */
	mkdirs(inside);
	f.pol.workdir = VR_MODE_RW;
	f.req.cwd = inside;
	ck_assert_int_eq(vr_plan_build(&f.req, &plan, &err), -VR_ERR_UNSAFE);
	ck_assert_str_eq(err.where, inside);

	/* $HOME itself is not bound: it stays the empty tmpfs. */
	f.req.cwd = home;
	doc = build_json(&f.req);
	ck_assert_int_lt(find_mount(doc, "bind", home), 0);
	ck_assert_str_eq(json_string_value(json_object_get(doc, "cwd")), home);
	json_decref(doc);

	/* / or a parent of $HOME would bring in everything: not bound either. */
	f.req.cwd = "/";
	doc = build_json(&f.req);
	ck_assert(!binds_from(doc, "/root"));
	ck_assert(!binds_from(doc, "/home"));
	ck_assert_str_eq(json_string_value(json_object_get(doc, "cwd")), home);
	json_decref(doc);
	f.req.cwd = tmp;
	doc = build_json(&f.req);
	ck_assert_int_lt(find_mount(doc, "bind", tmp), 0);
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
	f.req.cwd = work;
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
	ck_assert_ptr_null(env_get(doc, "LD_PRELOAD"));
	ck_assert_ptr_null(env_get(doc, "LD_LIBRARY_PATH"));
	ck_assert_ptr_null(env_get(doc, "PYTHONPATH"));
	ck_assert_ptr_null(env_get(doc, "PYTHONHOME"));
	ck_assert_ptr_null(env_get(doc, "SECRET"));
	ck_assert_ptr_null(env_get(doc, "PWD"));
	ck_assert_str_eq(env_get(doc, "LC_ALL"), "C.UTF-8");
	ck_assert_str_eq(env_get(doc, "LC_CTYPE"), "C.UTF-8");
	ck_assert_str_eq(env_get(doc, "TERM"), "xterm");
	ck_assert_str_eq(env_get(doc, "VIRTUAL_ENV"), f.env_path);
	ck_assert_str_eq(env_get(doc, "HOME"), home);
	ck_assert_str_eq(env_get(doc, "PYTHONNOUSERSITE"), "1");
	ck_assert(vr_startswith(env_get(doc, "PATH"), env_bin));
	ck_assert_int_eq(env_get(doc, "PATH")[strlen(env_bin)], ':');
	ck_assert_ptr_null(strstr(env_get(doc, "PATH"), "/caller/bin"));
	ck_assert_ptr_nonnull(strstr(env_get(doc, "PATH"), ":/usr/bin"));
	ck_assert_ptr_null(env_get(doc, "VIRTUAL_ENV_PROMPT"));
	json_decref(doc);

	/* Set on purpose: named exactly, or set by the policy. */
	f.pol.env_pass = pass_exact;
	f.pol.env_set = set;
	f.req.interactive = true;
	doc = build_json(&f.req);
	ck_assert_str_eq(env_get(doc, "LD_PRELOAD"), "/evil.so");
	ck_assert_str_eq(env_get(doc, "PYTHONPATH"), "/on-purpose");
	ck_assert_str_eq(env_get(doc, "EXTRA"), "1");
	ck_assert_ptr_null(env_get(doc, "LC_ALL"));
	ck_assert_str_eq(env_get(doc, "VIRTUAL_ENV_PROMPT"), "demo");
	json_decref(doc);

	/* Not cleared: everything but the guarded variables, PWD corrected. */
	f.pol.env_clear = false;
	f.pol.env_pass = NULL;
	f.pol.env_set = NULL;
	doc = build_json(&f.req);
	ck_assert_str_eq(env_get(doc, "SECRET"), "1");
	ck_assert_str_eq(env_get(doc, "TERM"), "xterm");
	ck_assert_ptr_null(env_get(doc, "LD_PRELOAD"));
	ck_assert_ptr_null(env_get(doc, "PYTHONPATH"));
	ck_assert_str_eq(env_get(doc, "PWD"), work);
	ck_assert(vr_startswith(env_get(doc, "PATH"), env_bin));
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
	char *sub = t_strdupf("%s/sub", work);
	json_t *doc;

	fixture_init(&f);
	mkdirs(sub);
	f.pol.hide = (const char *const[]){ sub, "/usr/share/doc", NULL };
	doc = build_json(&f.req);
	ck_assert(is_hidden(doc, sub));
	ck_assert(is_hidden(doc, "/usr/share/doc"));
	json_decref(doc);

	/* The env inside a path the policy hides: refused. */
	f.pol.hide = (const char *const[]){ tmp, NULL };
	ck_assert_int_eq(vr_plan_build(&f.req, &plan, &err), -VR_ERR_UNSAFE);

	f.pol.hide = NULL;
	f.req.argv = (char *[]){ NULL };
	ck_assert_int_eq(vr_plan_build(&f.req, &plan, NULL), -EINVAL);
	ck_assert_ptr_null(plan);
	free(sub);
	fixture_done(&f);
}
END_TEST

/* --- the host's other Pythons: the walk and its cache --------------------------------- */

static bool
strv_has(char **v, const char *s)
{
	for (; v && *v; v++)
		if (streq(*v, s))
			return true;
	return false;
}

static bool
has_exe(const struct vr_host_pythons *hp, const char *path)
{
	for (size_t i = 0; i < hp->n_exes; i++)
		if (streq(hp->exes[i].path, path))
			return true;
	return false;
}

/* A fake /usr at `r`: the distribution's CPython (its stdlib, dist-packages, a link
 * python3 -> python3.11), /usr/local's site directory, an SDK's CPython deep down, a
 * dist-packages deeper still, and what must not be found: Python-looking trees in pruned
 * directories, inside a site directory, behind a symlink. */
static void
make_fake_usr(const char *r, const char *outside)
{
	const char *dirs[] = {
		"bin",
		"lib/python3.11/site-packages",
		"lib/python3.11/encodings",
		"lib/python3/dist-packages",
		"local/lib/python3.11/dist-packages",
		"local/lib/python3.11/vendor/site-packages",
		"lib/python3.11/test/support/site-packages",
		"lib/sdk/platform/bundled/bin",
		"lib/sdk/platform/bundled/lib/python3.12/site-packages/pkg/nested/dist-packages",
		"lib/deep/a/b/c/d/dist-packages",
		"share/doc/python3.12/lib/python3.12",
		"share/doc/pkg/site-packages",
		"include/python3.12/site-packages",
	};
	char *p;

	for (size_t i = 0; i < ELEMENTSOF(dirs); i++)
		p = t_strdupf("%s/%s", r, dirs[i]), mkdirs(p), free(p);
	p = t_strdupf("%s/bin/python3.11", r), t_write_file(p, "#!/bin/false\n", true), free(p);
	p = t_strdupf("%s/bin/python3-config", r), t_write_file(p, "#!/bin/false\n", true), free(p);
	p = t_strdupf("%s/bin/pypy3clean", r), t_write_file(p, "#!/bin/false\n", true), free(p);
	p = t_strdupf("%s/bin/python3", r);
	ck_assert_int_eq(symlink("python3.11", p), 0);
	free(p);
	p = t_strdupf("%s/lib/python3.11/os.py", r), t_write_file(p, "", false), free(p);
	p = t_strdupf("%s/lib/sdk/platform/bundled/bin/python3.12", r), t_write_file(p, "", true), free(p);
	p = t_strdupf("%s/lib/sdk/platform/bundled/bin/python", r), t_write_file(p, "", true), free(p);
	p = t_strdupf("%s/lib/sdk/platform/bundled/lib/python3.12/os.py", r), t_write_file(p, "", false), free(p);
	p = t_strdupf("%s/share/doc/python3.12/lib/python3.12/os.py", r), t_write_file(p, "", false), free(p);
	/* A link to another tree with a site directory: never followed. */
	p = t_strdupf("%s/site-packages", outside), mkdirs(p), free(p);
	p = t_strdupf("%s/lib/linked", r);
	ck_assert_int_eq(symlink(outside, p), 0);
	free(p);
}

START_TEST(host_pythons_walk)
{
	char *base = realpath(tmp, NULL);
	char *r = t_strdupf("%s/usr", base), *outside = t_strdupf("%s/outside", base);
	char *bundled = t_strdupf("%s/lib/sdk/platform/bundled", r);
	const char *const roots[] = { r, NULL };
	struct vr_host_pythons *hp = NULL;
	char *p;

	make_fake_usr(r, outside);
	ck_assert_int_eq(vr_host_pythons_scan(roots, &hp), 0);
	ck_assert_uint_gt(hp->dirs_opened, 0);
	ck_assert(!hp->truncated);

	/* Site directories at any depth, not what is inside one, nor in pruned trees, nor
	 * below a standard library's own (the stdlib is hidden whole unless it is the base's,
	 * and then only its site directories matter). */
	const char *sites[] = { "lib/python3.11/site-packages",
				"lib/python3/dist-packages",
				"local/lib/python3.11/dist-packages",
				"local/lib/python3.11/vendor/site-packages",
				"lib/sdk/platform/bundled/lib/python3.12/site-packages",
				"lib/deep/a/b/c/d/dist-packages" };
	for (size_t i = 0; i < ELEMENTSOF(sites); i++) {
		p = t_strdupf("%s/%s", r, sites[i]);
		ck_assert_msg(strv_has(hp->sites, p), "%s not found", p);
		free(p);
	}
	ck_assert_uint_eq(vr_strv_length(hp->sites), ELEMENTSOF(sites));

	/* The deep installation whole; under the shared prefixes only the library directories. */
	ck_assert(strv_has(hp->installs, bundled));
	p = t_strdupf("%s/lib/python3.12", bundled);
	ck_assert(strv_has(hp->installs, p));
	free(p);
	p = t_strdupf("%s/lib/python3.11", r);
	ck_assert(strv_has(hp->installs, p));
	free(p);
	p = t_strdupf("%s/local/lib/python3.11", r);
	ck_assert(strv_has(hp->installs, p));
	free(p);
	ck_assert(!strv_has(hp->installs, r));
	p = t_strdupf("%s/local", r);
	ck_assert(!strv_has(hp->installs, p));
	free(p);
	ck_assert_uint_eq(vr_strv_length(hp->installs), 4);

	/* Interpreters by real path (python3 is python3.11), not scripts named like them. */
	p = t_strdupf("%s/bin/python3.11", r);
	ck_assert(has_exe(hp, p));
	free(p);
	p = t_strdupf("%s/bin/python3.12", bundled);
	ck_assert(has_exe(hp, p));
	free(p);
	p = t_strdupf("%s/bin/python", bundled);
	ck_assert(has_exe(hp, p));
	free(p);
	ck_assert_uint_eq(hp->n_exes, 3);

	/* Nothing of the tree behind the link. */
	for (char **s = hp->sites; *s; s++)
		ck_assert_msg(!vr_path_is_ancestor(outside, *s) && !strstr(*s, "/linked/"), "%s", *s);
	vr_host_pythons_free(hp);

	ck_assert(vr_host_python_is_interpreter_name("python3.13t"));
	ck_assert(vr_host_python_is_interpreter_name("pypy3.10"));
	ck_assert(!vr_host_python_is_interpreter_name("python3-config"));
	ck_assert(!vr_host_python_is_interpreter_name("python-argcomplete-check-easy-install-script"));
	free(r), free(outside), free(bundled), free(base);
}
END_TEST

/* Set a directory's mtime: an install, as the key sees it, without waiting for the clock. */
static void
touch_at(const char *path, time_t sec)
{
	struct timespec ts[2] = { { .tv_sec = sec }, { .tv_sec = sec } };

	ck_assert_int_eq(utimensat(AT_FDCWD, path, ts, AT_SYMLINK_NOFOLLOW), 0);
}

static struct vr_host_pythons *
load(const char *const *roots, const char *const *signals, const char *file)
{
	struct vr_host_pythons *hp = NULL;

	ck_assert_int_eq(vr_host_pythons_load(roots, signals, file, &hp), 0);
	return hp;
}

START_TEST(host_pythons_cache)
{
	char *base = realpath(tmp, NULL);
	char *r = t_strdupf("%s/usr", base), *outside = t_strdupf("%s/outside", base);
	char *signal = t_strdupf("%s/signal", base), *cache = t_strdupf("%s/cache/host-pythons.json", base);
	char *newpy = t_strdupf("%s/opt-like/lib/newpy", r), *blocker = t_strdupf("%s/not-a-dir", base);
	char *unwritable = t_strdupf("%s/not-a-dir/host-pythons.json", base), *p;
	const char *const roots[] = { r, NULL };
	const char *const signals[] = { signal, NULL };
	struct vr_host_pythons *hp;
	struct stat st;
	size_t n_sites;

	make_fake_usr(r, outside);
	mkdirs(signal);
	touch_at(signal, 1000000);

	/* Cold: walked, and written. */
	hp = load(roots, signals, cache);
	ck_assert_uint_gt(hp->dirs_opened, 0);
	n_sites = vr_strv_length(hp->sites);
	vr_host_pythons_free(hp);
	ck_assert_int_eq(stat(cache, &st), 0);
	ck_assert_int_eq(st.st_mode & 022, 0);

	/* Warm: not a directory opened, the same answer. */
	hp = load(roots, signals, cache);
	ck_assert_uint_eq(hp->dirs_opened, 0);
	ck_assert_uint_eq(vr_strv_length(hp->sites), n_sites);
	ck_assert_uint_eq(hp->n_exes, 3);
	vr_host_pythons_free(hp);

	/* A signal changed (an install): walked again, and what it brought is found. */
	p = t_strdupf("%s/lib/python3.13", newpy), mkdirs(p), free(p);
	p = t_strdupf("%s/lib/python3.13/os.py", newpy), t_write_file(p, "", false), free(p);
	touch_at(signal, 2000000);
	hp = load(roots, signals, cache);
	ck_assert_uint_gt(hp->dirs_opened, 0);
	ck_assert(strv_has(hp->installs, newpy));
	vr_host_pythons_free(hp);
	hp = load(roots, signals, cache);
	ck_assert_uint_eq(hp->dirs_opened, 0);
	ck_assert(strv_has(hp->installs, newpy));
	vr_host_pythons_free(hp);

	/* The parent of something found changed (the SDK replaced its Python): walked again. */
	p = t_strdupf("%s/lib/sdk/platform", r), touch_at(p, 3000000), free(p);
	hp = load(roots, signals, cache);
	ck_assert_uint_gt(hp->dirs_opened, 0);
	vr_host_pythons_free(hp);

	/* Corrupt: ignored, walked, rewritten. */
	t_write_file(cache, "{\"version\": 1, \"key\": [", false);
	hp = load(roots, signals, cache);
	ck_assert_uint_gt(hp->dirs_opened, 0);
	ck_assert(strv_has(hp->installs, newpy));
	vr_host_pythons_free(hp);
	hp = load(roots, signals, cache);
	ck_assert_uint_eq(hp->dirs_opened, 0);
	vr_host_pythons_free(hp);

	/* Valid JSON with a current key but a wrong entry, and a file others may write:
	 * ignored too. */
	{
		char *text = t_read_file(cache), *t = text ? strstr(text, "\"sites\":[") : NULL, *bad;

		ck_assert_ptr_nonnull(t);
		t += strlen("\"sites\":[");
		bad = t_strdupf("%.*s3,%s", (int)(t - text), text, t);
		t_write_file(cache, bad, false);
		free(text), free(bad);
	}
	hp = load(roots, signals, cache);
	ck_assert_uint_gt(hp->dirs_opened, 0);
	vr_host_pythons_free(hp);
	ck_assert_int_eq(chmod(cache, 0666), 0);
	hp = load(roots, signals, cache);
	ck_assert_uint_gt(hp->dirs_opened, 0);
	vr_host_pythons_free(hp);
	hp = load(roots, signals, cache); /* rewritten with the right mode */
	ck_assert_uint_eq(hp->dirs_opened, 0);
	vr_host_pythons_free(hp);

	/* Older than a day: walked again, for installs that no signal shows. */
	{
		char *text = t_read_file(cache), *t = text ? strstr(text, "\"time\":") : NULL;

		ck_assert_ptr_nonnull(t);
		t += strlen("\"time\":");
		memset(t, ' ', strspn(t, "0123456789"));
		t[0] = '1';
		t_write_file(cache, text, false);
		free(text);
	}
	hp = load(roots, signals, cache);
	ck_assert_uint_gt(hp->dirs_opened, 0);
	vr_host_pythons_free(hp);

	/* Roots that differ from the cached ones: walked. */
	{
		const char *const other_roots[] = { r, outside, NULL };
		hp = load(other_roots, signals, cache);
		ck_assert_uint_gt(hp->dirs_opened, 0);
		vr_host_pythons_free(hp);
	}

	/* A cache that cannot be written (its directory cannot be made, even by root): the
	 * answer all the same, walked every time. */
	t_write_file(blocker, "", false);
	for (int i = 0; i < 2; i++) {
		hp = load(roots, signals, unwritable);
		ck_assert_uint_gt(hp->dirs_opened, 0);
		ck_assert_uint_eq(vr_strv_length(hp->sites), n_sites);
		ck_assert(strv_has(hp->installs, newpy));
		vr_host_pythons_free(hp);
	}
	/* No cache at all. */
	hp = load(roots, signals, NULL);
	ck_assert_uint_gt(hp->dirs_opened, 0);
	vr_host_pythons_free(hp);
	free(base), free(r), free(outside), free(signal), free(cache), free(newpy), free(blocker), free(unwritable);
}
END_TEST

/* The plan hides every Python installation the walk finds on this host (the SDK's bundled
 * CPython deep in /usr/lib on the test machine), but never the base's own. */
START_TEST(host_pythons_hidden_in_plan)
{
	struct fixture f = { 0 };
	struct vr_host_pythons *hp = NULL;
	json_t *doc;

	fixture_init(&f);
	doc = build_json(&f.req);
	ck_assert_int_eq(vr_host_pythons_get(host_cache, &hp), 0);
	ck_assert_uint_eq(hp->dirs_opened, 0); /* the plan's build cached it */
	for (char **s = hp->sites; *s; s++)
		ck_assert_msg(hide_covers(doc, *s), "%s not hidden", *s);
	for (char **s = hp->installs; *s; s++)
		ck_assert_msg(hide_covers(doc, *s), "%s not hidden", *s);
	for (size_t i = 0; i < hp->n_exes; i++)
		ck_assert_msg(hide_covers(doc, hp->exes[i].path), "%s not hidden", hp->exes[i].path);
	if (access("/usr/lib/google-cloud-sdk/platform/bundledpythonunix/bin/python3.12", F_OK) == 0)
		ck_assert(hide_covers(doc, "/usr/lib/google-cloud-sdk/platform/bundledpythonunix/bin/python3.12"));
	vr_host_pythons_free(hp);
	json_decref(doc);

	/* No cache directory: the same plan, by walking. */
	f.req.cache_dir = "";
	doc = build_json(&f.req);
	if (access("/usr/lib/google-cloud-sdk/platform/bundledpythonunix", F_OK) == 0)
		ck_assert(hide_covers(doc, "/usr/lib/google-cloud-sdk/platform/bundledpythonunix/lib"));
	json_decref(doc);
	fixture_done(&f);
}
END_TEST

/* --- other envs ------------------------------------------------------------------------ */

/* A bare env (pyvenv.cfg and a site directory) at `path`. */
static void
make_other_env(const char *path)
{
	char *p;

	p = t_strdupf("%s/lib/python3.12/site-packages/pkg", path), mkdirs(p), free(p);
	p = t_strdupf("%s/pyvenv.cfg", path), t_write_file(p, "home = /usr/bin\n", false), free(p);
}

START_TEST(cache_dir_hidden_when_bound)
{
	struct fixture f = { 0 };
	_cleanup_free_ char *cache = t_strdupf("%s/.cache/venvrun", work);
	json_t *doc;

	/* venvrun's cache under the working directory: a program inside must not be able to
	 * edit the facts a later run trusts. */
	fixture_init(&f);
	ck_assert_int_eq(vr_mkdir_parents(cache, 0755, NULL, NULL), 0);
	f.req.cache_dir = cache;
	doc = build_json(&f.req);
	ck_assert(binds_from(doc, work));
	ck_assert(hide_covers(doc, cache));
	json_decref(doc);

	/* Elsewhere (not bound in), nothing to hide. */
	f.req.cache_dir = host_cache;
	doc = build_json(&f.req);
	ck_assert(!hide_covers(doc, cache));
	json_decref(doc);
	fixture_done(&f);
}
END_TEST

START_TEST(other_envs_under_workdir_hidden)
{
	struct fixture f = { 0 };
	char *env_path = t_strdupf("%s/.venv", work), *bin = t_strdupf("%s/bin", prefix);
	char *exe = t_strdupf("%s/bin/python3.12", prefix);
	char *sib = t_strdupf("%s/.venv2", work), *tox = t_strdupf("%s/.tox/py311", work);
	char *deep = t_strdupf("%s/services/api/.venv", work), *git = t_strdupf("%s/.git/x", work);
	char *outside = t_strdupf("%s/outside-env", tmp), *link = t_strdupf("%s/linked-env", work);
	char *env_site = NULL;
	json_t *doc;

	fixture_init(&f);
	/* The env run is inside the working directory, beside the others. */
	vr_env_free(f.env);
	f.req.env = f.env = make_env(env_path, bin, exe);
	env_site = t_strdupf("%s/lib/python3.12/site-packages", env_path);
	make_other_env(sib);
	make_other_env(tox);
	make_other_env(deep);
	make_other_env(git);
	make_other_env(outside);
	ck_assert_int_eq(symlink(outside, link), 0);
	doc = build_json(&f.req);
	ck_assert(is_hidden(doc, sib));
	ck_assert(is_hidden(doc, tox));
	ck_assert(is_hidden(doc, deep));
	/* Not the env run: bound read-only over the working directory, nothing hides it. */
	ck_assert(!hide_covers(doc, env_path));
	ck_assert(!hide_covers(doc, env_site));
	ck_assert_int_gt(find_mount(doc, "bind", env_path), find_mount(doc, "bind", work));
	/* Neither into .git nor through a link. */
	ck_assert(!hide_covers(doc, git));
	ck_assert(!hide_covers(doc, link));
	json_decref(doc);

	/* Not bound, nothing to hide. */
	f.pol.workdir = VR_MODE_NONE;
	doc = build_json(&f.req);
	ck_assert(!hide_covers(doc, sib));
	json_decref(doc);
	vr_env_free(f.env);
	f.env = NULL;
	free(env_path), free(bin), free(exe), free(sib), free(tox), free(deep), free(git), free(outside), free(link);
	free(env_site);
	fixture_done(&f);
}
END_TEST

START_TEST(other_env_holding_workdir_or_bound_hidden)
{
	struct fixture f = { 0 };
	char *other = t_strdupf("%s/other", tmp), *src = t_strdupf("%s/other/src", tmp);
	char *other_site = t_strdupf("%s/other/lib/python3.12/site-packages", tmp);
	char *data = t_strdupf("%s/data", tmp), *data_env = t_strdupf("%s/envs/e1", data);
	struct vr_policy_bind binds[1] = { { .source = data, .target = "/data" } };
	json_t *doc;

	fixture_init(&f);
	make_other_env(other);
	mkdirs(src);
	make_other_env(data_env);

	/* Run from another env's directory: its packages hidden, the working directory still
	 * there. From below it, nothing of its packages is bound to hide. */
	f.req.cwd = other;
	doc = build_json(&f.req);
	ck_assert(is_hidden(doc, other_site));
	ck_assert(!hide_covers(doc, src));
	ck_assert_str_eq(json_string_value(json_object_get(doc, "cwd")), other);
	json_decref(doc);
	f.req.cwd = src;
	doc = build_json(&f.req);
	ck_assert(!binds_from(doc, other_site));
	ck_assert_str_eq(json_string_value(json_object_get(doc, "cwd")), src);
	json_decref(doc);

	/* An env that a policy's bind brings in: hidden where the bind puts it. */
	f.req.cwd = work;
	f.pol.binds = binds;
	f.pol.n_binds = 1;
	doc = build_json(&f.req);
	ck_assert(is_hidden(doc, "/data/envs/e1"));
	ck_assert(!hide_covers(doc, "/data"));
	json_decref(doc);
	free(other), free(src), free(other_site), free(data), free(data_env);
	fixture_done(&f);
}
END_TEST

/* An env made from another env's python (home = that env's bin/): the other env holds the
 * links the run needs, so only its site directory is hidden. */
START_TEST(other_env_on_the_way_to_the_base_kept)
{
	struct fixture f = { 0 };
	char *mid = t_strdupf("%s/mid", work), *mid_bin = t_strdupf("%s/mid/bin", work);
	char *mid_python = t_strdupf("%s/mid/bin/python", work), *exe = t_strdupf("%s/bin/python3.12", prefix);
	char *mid_site = t_strdupf("%s/mid/lib/python3.12/site-packages", work);
	char *env_path = t_strdupf("%s/env2", tmp);
	json_t *doc;

	fixture_init(&f);
	make_other_env(mid);
	mkdirs(mid_bin);
	ck_assert_int_eq(symlink(exe, mid_python), 0);
	vr_env_free(f.env);
	f.req.env = f.env = make_env(env_path, mid_bin, mid_python);
	doc = build_json(&f.req);
	ck_assert(!hide_covers(doc, mid_python));
	ck_assert(is_hidden(doc, mid_site));
	json_decref(doc);
	vr_env_free(f.env);
	f.env = NULL;
	free(mid), free(mid_bin), free(mid_python), free(exe), free(mid_site), free(env_path);
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
	char *t = t_strdupf("%s/t", tmp);
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

static const struct t_case cases[] = {
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
	T_CASE(host_pythons_walk),
	T_CASE(host_pythons_cache),
	T_CASE(host_pythons_hidden_in_plan),
	T_CASE(cache_dir_hidden_when_bound),
	T_CASE(other_envs_under_workdir_hidden),
	T_CASE(other_env_holding_workdir_or_bound_hidden),
	T_CASE(other_env_on_the_way_to_the_base_kept),
};

int
main(void)
{
	/* One cache for the whole run (each test forks): the host is walked once, and never
	 * through the developer's own cache. */
	const char *t = getenv("TMPDIR");
	char *dir = NULL;
	int r;

	/* Not t_tmpdir(): no ck_assert outside a test. */
	if (asprintf(&dir, "%s/venvrun-test-plan-build-cache-XXXXXX", t && *t ? t : "/tmp") < 0 || !mkdtemp(dir)) {
		perror("the test's cache directory");
		return 1;
	}
	if (asprintf(&host_cache, "%s/cache", dir) < 0)
		return 1;
	r = t_run_suite(T_SUITE_FIXTURE("plan-build", cases, setup, teardown));
	t_rm_rf(dir);
	free(dir), free(host_cache);
	return r;
}
