/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The helpers the plan-build cases share (declared in plan-build-helpers.h): the test's
 * directories and their fixture, the fake installation, env, policy and request, building
 * a plan into JSON, and reading that JSON back.
 */
#include "config.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "venvrun/venvrun.h"

#include "fileio.h"
#include "interp.h"
#include "macro.h"
#include "path.h"
#include "plan-build.h"
#include "testlib.h"

#include "plan-build-helpers.h"

char *test_dir;	   /* the test's directory */
char *fake_prefix; /* the fake interpreter's installation */
char *fake_home;   /* the caller's fake $HOME */
char *work_dir;	   /* the caller's working directory */
char *host_cache;  /* the cache of the host's Python installations, shared by all tests */

static const char *const default_pass[] = { "TERM", "LANG", "LC_*", "TZ", NULL };

void
mkdirs(const char *p)
{
	ck_assert_int_eq(vr_mkdir_parents(p, 0755, NULL, NULL), 0);
}

/* --- fixtures -------------------------------------------------------------------------- */

/* A fake CPython 3.12 installed at `pfx`: bin/python3.12, its stdlib with lib-dynload and
 * site-packages, and libpython. */
void
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

struct vr_interpreter *
fake_interpreter(const char *pfx)
{
	struct vr_interpreter *py = NULL;
	char *exe = t_strdupf("%s/bin/python3.12", pfx);
	char *stdlib = t_strdupf("%s/lib/python3.12", pfx);
	char *site = t_strdupf("%s/lib/python3.12/site-packages", pfx);
	char *shlib = t_strdupf("%s/lib/libpython3.12.so.1.0", pfx);
	char *user_site = t_strdupf("%s/.local/lib/python3.12/site-packages", fake_home);
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
struct vr_env *
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

void
plan_build_setup(void)
{
	char *p;

	test_dir = t_tmpdir("plan-build");
	fake_prefix = t_strdupf("%s/prefix", test_dir);
	fake_home = t_strdupf("%s/home", test_dir);
	work_dir = t_strdupf("%s/work", test_dir);
	make_installation(fake_prefix);
	mkdirs(fake_home);
	mkdirs(work_dir);
	p = t_strdupf("%s/secret.txt", fake_home), t_write_file(p, "secret\n", false), free(p);
}

void
plan_build_teardown(void)
{
	t_rm_rf(test_dir);
	free(test_dir), free(fake_prefix), free(fake_home), free(work_dir);
}

void
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

char *argv_python[] = { "python", "-c", "pass", NULL };

void
fixture_init(struct fixture *f)
{
	char *exe = t_strdupf("%s/bin/python3.12", fake_prefix), *bin = t_strdupf("%s/bin", fake_prefix);

	f->py = fake_interpreter(fake_prefix);
	f->env_path = t_strdupf("%s/env", test_dir);
	f->env = make_env(f->env_path, bin, exe);
	default_policy(&f->pol);
	f->req = (struct vr_plan_request){
		.env = f->env,
		.base = f->py,
		.policy = &f->pol,
		.argv = argv_python,
		.cwd = work_dir,
		.home = fake_home,
		.cache_dir = host_cache,
		.uid = 1000,
		.gid = 1000,
	};
	free(exe), free(bin);
}

void
fixture_done(struct fixture *f)
{
	vr_interpreter_free(f->py);
	vr_env_free(f->env);
	free(f->env_path);
}

/* Build and return the plan's JSON (failing the test on error). */
json_t *
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

json_t *
mounts_of(json_t *doc)
{
	json_t *m = json_object_get(doc, "mounts");
	ck_assert(json_is_array(m));
	return m;
}

const char *
mount_field(json_t *m, const char *key)
{
	return json_string_value(json_object_get(m, key));
}

/* The index of the first mount of `type` at `target`, or -1. */
ssize_t
find_mount(json_t *doc, const char *type, const char *target)
{
	json_t *m;
	size_t i;

	json_array_foreach (mounts_of(doc), i, m)
		if (streq(mount_field(m, "type"), type) && streq(mount_field(m, "target"), target))
			return (ssize_t)i;
	return -1;
}

json_t *
mount_at(json_t *doc, ssize_t i)
{
	ck_assert_int_ge(i, 0);
	return json_array_get(mounts_of(doc), (size_t)i);
}

bool
is_hidden(json_t *doc, const char *target)
{
	return find_mount(doc, "hide", target) >= 0;
}

/* Whether some hide makes `path` (or a parent of it) empty. */
bool
hide_covers(json_t *doc, const char *path)
{
	json_t *m;
	size_t i;

	json_array_foreach (mounts_of(doc), i, m)
		if (streq(mount_field(m, "type"), "hide") && vr_path_is_ancestor(mount_field(m, "target"), path))
			return true;
	return false;
}

/* Whether a bind brings in `path` or a parent of it, from the host. */
bool
binds_from(json_t *doc, const char *path)
{
	json_t *m;
	size_t i;

	json_array_foreach (mounts_of(doc), i, m)
		if (streq(mount_field(m, "type"), "bind") && vr_path_is_ancestor(mount_field(m, "source"), path))
			return true;
	return false;
}

const char *
plan_env_value(json_t *doc, const char *name)
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

bool
has_namespace(json_t *doc, const char *name)
{
	json_t *e;
	size_t i;

	json_array_foreach (json_object_get(doc, "namespaces"), i, e)
		if (streq(json_string_value(e), name))
			return true;
	return false;
}
