/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The test-create cases about the env create makes: what CPython's own test_venv asserts,
 * for every interpreter this machine has, --system-site-packages, --copies and --prompt;
 * envs made by python -m venv and virtualenv; bad input, an unwritable parent, odd names,
 * the env home and --dry-run.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "macro.h"
#include "strv.h"

#include "create-helpers.h"

START_TEST(every_interpreter_makes_a_working_env)
{
	_cleanup_strv_free_ char **pys = interpreters();

	for (size_t i = 0; pys[i]; i++) {
		_cleanup_free_ char *env = t_path(scratch, "env%zu", i), *out = NULL, *err = NULL;
		int rc = vr(&out, &err, "create", "-q", "-p", pys[i], env, NULL);

		ck_assert_msg(rc == 0, "create with %s failed (%d): %s", pys[i], rc, err);
		ck_assert_str_eq(out, "");
		fprintf(stderr, "checked an env of %s\n", pys[i]);
		assert_env_like_test_venv(env, pys[i], false);
	}
}
END_TEST

START_TEST(system_site_packages)
{
	_cleanup_free_ char *env = t_path(scratch, "sys"), *err = NULL;

	ck_assert_int_eq(vr(NULL, &err, "create", "-q", "--system-site-packages", "-p", "/usr/bin/python3", env, NULL),
			 0);
	assert_env_like_test_venv(env, "/usr/bin/python3", true);
}
END_TEST

START_TEST(copies)
{
	_cleanup_strv_free_ char **pys = interpreters();

	for (size_t i = 0; pys[i]; i++) {
		_cleanup_free_ char *env = t_path(scratch, "copy%zu", i), *py = t_strdupf("%s/bin/python", env),
				    *err = NULL;
		struct stat st;
		json_t *j;

		/* pyenv's interpreters and Debian's are enough to show copying; skip the
		 * slow rest. */
		if (i > 2)
			break;
		ck_assert_int_eq(vr(NULL, &err, "create", "-q", "--copies", "-p", pys[i], env, NULL), 0);
		ck_assert_int_eq(lstat(py, &st), 0);
		ck_assert_msg(S_ISREG(st.st_mode), "%s is not a regular file", py);
		ck_assert(st.st_mode & S_IXUSR);
		j = py_json(py, env_probe);
		ck_assert_str_eq(jstr(j, "prefix"), env);
		json_decref(j);
	}
}
END_TEST

START_TEST(prompt)
{
	_cleanup_free_ char *a = t_path(scratch, "plain-name"), *b = t_path(scratch, "b"),
			    *proj = t_path(scratch, "my-project");
	_cleanup_free_ char *c = t_path(scratch, "my-project/.venv"), *p = NULL;
	char *env[] = { cache_env, NULL };
	char *argv[] = { (char *)t_venvrun_bin(), "create", "-q", "-p", "/usr/bin/python3", "--prompt", ".", c, NULL };

	ck_assert_int_eq(vr(NULL, NULL, "create", "-q", "-p", "/usr/bin/python3", a, NULL), 0);
	p = pyvenv_cfg_value(a, "prompt");
	ck_assert_str_eq(p, "plain-name");
	free(p);
	ck_assert_int_eq(vr(NULL, NULL, "create", "-q", "-p", "/usr/bin/python3", "--prompt", "my env é", b, NULL), 0);
	p = pyvenv_cfg_value(b, "prompt");
	ck_assert_str_eq(p, "my env é");
	free(p);
	ck_assert_int_eq(mkdir(proj, 0755), 0);
	ck_assert_int_eq(t_run(argv, env, proj, NULL, NULL), 0);
	p = pyvenv_cfg_value(c, "prompt");
	ck_assert_str_eq(p, "my-project");
	free(p);
	p = NULL;

	/* bash would run a $(...) or `...` in PS1 at every prompt: refused when given,
	 * replaced when taken from the directory's name. */
	{
		_cleanup_free_ char *d = t_path(scratch, "pwn $(id) `id` \\x"), *e = t_path(scratch, "e2"), *err = NULL;

		ck_assert_int_eq(vr(NULL, &err, "create", "-q", "-p", "/usr/bin/python3", "--prompt", "$(id)", e, NULL),
				 125);
		t_assert_one_line_error(err, "--prompt");
		ck_assert(!t_exists(e));
		ck_assert_int_eq(vr(NULL, NULL, "create", "-q", "-p", "/usr/bin/python3", d, NULL), 0);
		p = pyvenv_cfg_value(d, "prompt");
		ck_assert_str_eq(p, "pwn _(id) _id_ _x");
		free(p);
		p = NULL;
	}
}
END_TEST

START_TEST(reads_envs_made_by_venv_and_virtualenv)
{
	_cleanup_free_ char *v = t_path(scratch, "made-by-venv"), *out = NULL, *err = NULL,
			    *real = realpath("/usr/bin/python3", NULL);
	char *mk[] = { "/usr/bin/python3", "-m", "venv", "--without-pip", v, NULL };
	_cleanup_free_ char *ve = t_path(scratch, "made-by-virtualenv"), *vpy = NULL,
			    *virtualenv = t_which("virtualenv");
	json_t *j, *k;
	json_error_t jerr;

	ck_assert_int_eq(t_run(mk, NULL, NULL, NULL, NULL), 0);
	ck_assert_int_eq(vr(&out, &err, "describe", "--json", v, NULL), 0);
	j = json_loads(out, 0, &jerr);
	ck_assert_ptr_nonnull(j);
	ck_assert_str_eq(jstr(j, "path"), v);
	ck_assert_str_eq(jstr(j, "base_interpreter"), real);
	ck_assert_str_eq(jstr(json_object_get(j, "pyvenv_cfg"), "home"), "/usr/bin");
	json_decref(j);

	/* It is an env to every command: --upgrade and --clear take it. */
	put_env_marker(v);
	ck_assert_int_eq(vr(NULL, NULL, "create", "-q", "--upgrade", "-p", "/usr/bin/python3", v, NULL), 0);
	ck_assert(has_env_marker(v));
	vpy = t_strdupf("%s/bin/python", v);
	k = py_json(vpy, env_probe);
	ck_assert_str_eq(jstr(k, "prefix"), v);
	json_decref(k);
	ck_assert_int_eq(vr(NULL, NULL, "create", "-q", "--clear", "-p", "/usr/bin/python3", v, NULL), 0);
	ck_assert(!has_env_marker(v));

	/* PyPy's venv writes no implementation key: the env's bin/python tells. */
	if (access("/usr/bin/pypy3", X_OK) == 0) {
		_cleanup_free_ char *pv = t_path(scratch, "made-by-pypy-venv"),
				    *preal = realpath("/usr/bin/pypy3", NULL);
		char *mkp[] = { "/usr/bin/pypy3", "-m", "venv", "--without-pip", pv, NULL };

		ck_assert_int_eq(t_run(mkp, NULL, NULL, NULL, NULL), 0);
		free(out);
		out = NULL;
		ck_assert_int_eq(vr(&out, NULL, "describe", "--json", pv, NULL), 0);
		j = json_loads(out, 0, &jerr);
		ck_assert_ptr_nonnull(j);
		ck_assert_str_eq(jstr(j, "base_interpreter"), preal);
		json_decref(j);
	}

	if (!virtualenv) {
		fprintf(stderr, "note: virtualenv is not installed; its envs are not tested\n");
		return;
	}
	{
		char *mk2[] = { virtualenv, "--no-seed", "-q", "-p", "/usr/bin/python3", ve, NULL };
		ck_assert_int_eq(
			t_run(mk2, (char *[]){ "VIRTUALENV_OVERRIDE_APP_DATA=/nonexistent", NULL }, NULL, NULL, NULL),
			0);
	}
	free(out);
	out = NULL;
	ck_assert_int_eq(vr(&out, NULL, "describe", "--json", ve, NULL), 0);
	j = json_loads(out, 0, &jerr);
	ck_assert_ptr_nonnull(j);
	/* virtualenv names the interpreter by the link it was given. */
	{
		char *b = realpath(jstr(j, "base_interpreter"), NULL);
		ck_assert_str_eq(b, real);
		free(b);
	}
	ck_assert_str_eq(jstr(json_object_get(j, "pyvenv_cfg"), "home"), "/usr/bin");
	json_decref(j);
}
END_TEST

START_TEST(bad_input_is_one_line_and_changes_nothing)
{
	_cleanup_free_ char *file = t_path(scratch, "a-file"), *colon = t_path(scratch, "a:b"),
			    *nl = t_path(scratch, "a\nb");
	_cleanup_free_ char *deep = t_path(scratch, "x/y/env"), *x = t_path(scratch, "x"),
			    *notenv = t_path(scratch, "cfg-binary");
	_cleanup_free_ char *cfgb = t_path(scratch, "cfg-binary/pyvenv.cfg");
	struct {
		const char *args[8];
		const char *needle;
	} cases[] = {
		{ { "create", "-p", "/usr/bin/python3", file }, "not a directory" },
		{ { "create", "-p", "/usr/bin/python3", colon }, "':'" },
		{ { "create", "-p", "/usr/bin/python3", nl }, "control character" },
		{ { "create", "-p", "/nonexistent/python3", deep }, "no such interpreter" },
		{ { "create", "-p", "3.x", deep }, "3.x" },
		{ { "create", "-p" }, "needs a value" },
		{ { "create", "--frobnicate", deep }, "unknown option '--frobnicate'" },
		{ { "create" }, "missing ENV" },
		{ { "create", "--clear", "--upgrade", deep }, "cannot be combined" },
		{ { "create", "--activators", "bash,tcl", deep }, "tcl" },
		{ { "create", deep, "extra" }, "unexpected argument" },
		{ { "describe", x }, "no such env" },
		{ { "describe", notenv }, "NUL" },
		{ { "frobnicate" }, "'frobnicate' is not a venvrun command" },
	};

	t_write_file(file, "x", false);
	ck_assert_int_eq(mkdir(notenv, 0755), 0);
	{
		int fd = open(cfgb, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
		ck_assert_int_ge(fd, 0);
		ck_assert_int_eq(write(fd, "home = /usr\n\0\0\0", 15), 15);
		close(fd);
	}
	for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
		_cleanup_strv_free_ char **argv = NULL;
		_cleanup_free_ char *out = NULL, *err = NULL;
		char *env[] = { cache_env, home_env, NULL };
		int rc;

		vr_strv_push(&argv, t_venvrun_bin());
		for (size_t k = 0; cases[i].args[k]; k++)
			vr_strv_push(&argv, cases[i].args[k]);
		rc = t_run(argv, env, NULL, &out, &err);
		ck_assert_msg(rc == 125, "case %zu (%s): exit %d, want 125", i, cases[i].needle, rc);
		t_assert_one_line_error(err, cases[i].needle);
		ck_assert_str_eq(out, "");
	}
	ck_assert(!t_exists(colon));
	ck_assert(!t_exists(nl));
	ck_assert(!t_exists(x));
	{
		_cleanup_free_ char *c = t_read_file(file);
		ck_assert_str_eq(c, "x");
	}
}
END_TEST

START_TEST(unwritable_parent)
{
	_cleanup_free_ char *ro = t_path(scratch, "readonly"), *env = t_path(scratch, "readonly/env"),
			    *cache = t_path(scratch, "nobody-cache");
	_cleanup_free_ char *err = NULL, *setpriv = t_which("setpriv"),
			    *cenv = t_strdupf("VENVRUN_CACHE_DIR=%s", cache);
	int rc;

	ck_assert_int_eq(mkdir(ro, 0555), 0);
	if (geteuid() == 0) {
		/* root passes permission checks: be somebody else for this one. */
		char *argv[] = { setpriv,
				 "--reuid=65534",
				 "--regid=65534",
				 "--clear-groups",
				 (char *)t_venvrun_bin(),
				 "create",
				 "-p",
				 "/usr/bin/python3",
				 env,
				 NULL };
		if (!setpriv) {
			fprintf(stderr, "note: setpriv missing; unwritable parent not tested as root\n");
			return;
		}
		_cleanup_free_ char *up = strndup(scratch, (size_t)(strrchr(scratch, '/') - scratch));

		ck_assert_int_eq(mkdir(cache, 01777), 0);
		ck_assert_int_eq(chmod(cache, 01777), 0);
		/* nobody must reach readonly/ to be refused there, not earlier. */
		ck_assert_int_eq(chmod(scratch, 0755), 0);
		ck_assert_int_eq(chmod(up, 0755), 0);
		rc = t_run(argv, (char *[]){ cenv, NULL }, "/", NULL, &err);
	} else {
		rc = vr(NULL, &err, "create", "-p", "/usr/bin/python3", env, NULL);
	}
	ck_assert_int_eq(rc, 125);
	t_assert_one_line_error(err, "Permission denied");
	ck_assert_ptr_nonnull(strstr(err, ro));
	ck_assert(!t_exists(env));
}
END_TEST

START_TEST(spaces_and_non_ascii)
{
	_cleanup_free_ char *env = t_path(scratch, "my env é ☃ 'q' $x &|"), *py = t_strdupf("%s/bin/python", env);
	json_t *j;

	ck_assert_int_eq(vr(NULL, NULL, "create", "-q", "-p", "/usr/bin/python3", env, NULL), 0);
	j = py_json(py, env_probe);
	ck_assert_str_eq(jstr(j, "prefix"), env);
	json_decref(j);
}
END_TEST

START_TEST(bare_name_goes_to_the_env_home)
{
	_cleanup_free_ char *out = NULL, *want = t_path(scratch, "envs/named"),
			    *cfg = t_path(scratch, "envs/named/pyvenv.cfg");
	char *env[] = { cache_env, home_env, NULL };
	char *argv[] = { (char *)t_venvrun_bin(), "create", "-p", "/usr/bin/python3", "named", NULL };

	/* From a directory with no "named" in it: the env home is used (and made). */
	ck_assert_int_eq(t_run(argv, env, scratch, &out, NULL), 0);
	ck_assert(t_exists(cfg));
	ck_assert_ptr_nonnull(strstr(out, want));
}
END_TEST

START_TEST(dry_run_writes_nothing)
{
	_cleanup_free_ char *env = t_path(scratch, "new/parent/env"), *parent = t_path(scratch, "new"), *out = NULL,
			    *err = NULL;
	_cleanup_free_ char *real = realpath("/usr/bin/python3", NULL);
	json_t *j, *entries, *e;
	json_error_t jerr;
	bool python_link = false, cfg = false, activate = false;
	size_t i;

	ck_assert_int_eq(vr(&out, &err, "create", "--dry-run", "--json", "-p", "/usr/bin/python3", env, NULL), 0);
	ck_assert(!t_exists(parent));
	j = json_loads(out, 0, &jerr);
	ck_assert_msg(j != NULL, "not JSON: %s", out);
	ck_assert_str_eq(jstr(j, "path"), env);
	ck_assert_str_eq(jstr(j, "action"), "create");
	ck_assert_str_eq(jstr(json_object_get(j, "interpreter"), "executable"), real);
	entries = json_object_get(j, "entries");
	json_array_foreach (entries, i, e) {
		if (streq(jstr(e, "path"), "bin/python")) {
			ck_assert_str_eq(jstr(e, "type"), "symlink");
			ck_assert_str_eq(jstr(e, "target"), real);
			python_link = true;
		}
		cfg |= streq(jstr(e, "path"), "pyvenv.cfg");
		activate |= streq(jstr(e, "path"), "bin/activate");
	}
	ck_assert(python_link && cfg && activate);
	/* pyvenv.cfg is written last: it is what makes a directory an env. */
	ck_assert_str_eq(jstr(json_array_get(entries, json_array_size(entries) - 1), "path"), "pyvenv.cfg");
	json_decref(j);
}
END_TEST

const struct t_case create_envs_cases[] = {
	T_CASE(every_interpreter_makes_a_working_env),
	T_CASE(system_site_packages),
	T_CASE(copies),
	T_CASE(prompt),
	T_CASE(reads_envs_made_by_venv_and_virtualenv),
	T_CASE(bad_input_is_one_line_and_changes_nothing),
	T_CASE(unwritable_parent),
	T_CASE(spaces_and_non_ascii),
	T_CASE(bare_name_goes_to_the_env_home),
	T_CASE(dry_run_writes_nothing),
	{ NULL, NULL },
};
