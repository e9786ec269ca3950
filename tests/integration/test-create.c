/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * `venvrun create`, driven through the built binary on real interpreters: what CPython's
 * own test_venv asserts of an env, for every interpreter this machine has; --clear and
 * --upgrade; envs made by python -m venv and virtualenv; bad input; concurrent creates;
 * and SIGKILL at random moments.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
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
#include "testlib.h"

extern char **environ;

/* Each test gets its own scratch directory and an isolated cache and env home. */
static char *scratch;
static char *cache_env, *home_env;

static void
setup(void)
{
	char *t = t_tmpdir("create");

	scratch = realpath(t, NULL);
	free(t);
	cache_env = t_strdupf("VENVRUN_CACHE_DIR=%s/cache", scratch);
	home_env = t_strdupf("VENVRUN_HOME=%s/envs", scratch);
}

static void
teardown(void)
{
	t_rm_rf(scratch);
}

/* venvrun with the isolated cache; NULL-terminated arguments. */
static int vr(char **out, char **err, ...) __attribute__((sentinel));
static int
vr(char **out, char **err, ...)
{
	char *env[] = { cache_env, home_env, NULL };
	_cleanup_strv_free_ char **argv = NULL;
	const char *a;
	va_list ap;

	vr_strv_push(&argv, t_venvrun_bin());
	va_start(ap, err);
	while ((a = va_arg(ap, const char *)))
		vr_strv_push(&argv, a);
	va_end(ap);
	return t_run(argv, env, NULL, out, err);
}

/* Run python code and parse what it prints as JSON. */
static json_t *
py_json(const char *python, const char *code)
{
	char *argv[] = { (char *)python, "-c", (char *)code, NULL };
	char *out = NULL, *err = NULL;
	json_error_t jerr;
	json_t *j;
	int rc = t_run(argv, NULL, NULL, &out, &err);

	ck_assert_msg(rc == 0, "%s failed (%d): %s", python, rc, err);
	j = json_loads(out, 0, &jerr);
	ck_assert_msg(j != NULL, "%s printed no JSON: %s", python, out);
	free(out);
	free(err);
	return j;
}

static const char *
jstr(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));
	ck_assert_msg(s != NULL, "no string '%s'", key);
	return s;
}

static bool
jarray_has(json_t *a, const char *s)
{
	size_t i;
	json_t *v;

	json_array_foreach (a, i, v)
		if (json_is_string(v) && streq(json_string_value(v), s))
			return true;
	return false;
}

static long
jarray_index(json_t *a, const char *s)
{
	size_t i;
	json_t *v;

	json_array_foreach (a, i, v)
		if (json_is_string(v) && streq(json_string_value(v), s))
			return (long)i;
	return -1;
}

static const char env_probe[] =
	"import json, sys, sysconfig\n"
	"print(json.dumps({'prefix': sys.prefix, 'base_prefix': sys.base_prefix, 'executable': sys.executable,\n"
	" 'path': sys.path, 'purelib': sysconfig.get_paths()['purelib'], 'version': '%d.%d.%d' % "
	"sys.version_info[:3]}))\n";

static const char base_probe[] = "import json, os, site, sys\n"
				 "print(json.dumps({'prefix': sys.prefix, 'site': site.getsitepackages(),\n"
				 " 'version': '%d.%d.%d' % sys.version_info[:3], 'impl': sys.implementation.name,\n"
				 " 'real': os.path.realpath(sys.executable)}))\n";

/* The interpreters this machine has: Debian's python3 always, PyPy and pyenv's CPythons
 * (3.7 and newer) when present. */
static char **
interpreters(void)
{
	char **v = NULL;
	const char *roots[] = { getenv("PYENV_ROOT"), "/root/.pyenv" };
	glob_t g;

	vr_strv_push(&v, "/usr/bin/python3");
	if (access("/usr/bin/pypy3", X_OK) == 0)
		vr_strv_push(&v, "/usr/bin/pypy3");
	else
		fprintf(stderr, "note: /usr/bin/pypy3 is not installed; PyPy is not tested\n");
	for (size_t r = 0; r < ELEMENTSOF(roots); r++) {
		char *pat;

		if (!roots[r] || !*roots[r])
			continue;
		pat = t_strdupf("%s/versions/3.*/bin/python3.*[0-9]", roots[r]);
		if (glob(pat, 0, NULL, &g) == 0) {
			for (size_t i = 0; i < g.gl_pathc; i++) {
				const char *b = strrchr(g.gl_pathv[i], '/') + 1;
				int minor = atoi(b + strlen("python3."));
				char *real = realpath(g.gl_pathv[i], NULL);

				if (minor >= 7 && real && !vr_strv_contains(v, real))
					vr_strv_push(&v, real);
				free(real);
			}
			globfree(&g);
		}
		free(pat);
	}
	return v;
}

static void
assert_env_like_test_venv(const char *env, const char *python, bool system_site)
{
	_cleanup_free_ char *cfgpath = t_strdupf("%s/pyvenv.cfg", env), *cfg = t_read_file(cfgpath);
	_cleanup_free_ char *envpy = t_strdupf("%s/bin/python", env);
	_cleanup_free_ char *real = realpath(python, NULL);
	json_t *base = py_json(python, base_probe);
	json_t *inside = py_json(envpy, env_probe);
	json_t *site = json_object_get(base, "site"), *path = json_object_get(inside, "path");
	const char *purelib = jstr(inside, "purelib");
	char *want;
	size_t i;
	json_t *s;

	ck_assert_ptr_nonnull(cfg);
	ck_assert_str_eq(jstr(inside, "prefix"), env);
	ck_assert_str_eq(jstr(inside, "base_prefix"), jstr(base, "prefix"));
	ck_assert_str_eq(jstr(inside, "executable"), envpy);
	ck_assert_str_eq(jstr(inside, "version"), jstr(base, "version"));
	/* The env's site-packages exists, is inside the env and is on sys.path. */
	ck_assert_msg(vr_startswith(purelib, env), "purelib %s not in %s", purelib, env);
	ck_assert(t_exists(purelib));
	ck_assert_msg(jarray_has(path, purelib), "%s not on sys.path", purelib);
	json_array_foreach (site, i, s) {
		const char *dir = json_string_value(s);
		long at = jarray_index(path, dir);

		if (system_site) {
			if (t_exists(dir))
				ck_assert_msg(at > jarray_index(path, purelib), "%s missing or before the env's", dir);
		} else {
			ck_assert_msg(at < 0, "system site dir %s is on the env's sys.path", dir);
		}
	}

	/* pyvenv.cfg says where the env comes from. */
	want = t_strdupf("home = %.*s\n", (int)(strrchr(real, '/') - real), real);
	ck_assert_msg(strstr(cfg, want), "pyvenv.cfg lacks '%s':\n%s", want, cfg);
	free(want);
	want = t_strdupf("base-executable = %s\n", real);
	ck_assert_msg(strstr(cfg, want), "pyvenv.cfg lacks '%s'", want);
	free(want);
	want = t_strdupf("version = %s\n", jstr(base, "version"));
	ck_assert_msg(strstr(cfg, want), "pyvenv.cfg lacks '%s'", want);
	free(want);
	ck_assert_ptr_nonnull(strstr(cfg, system_site ? "include-system-site-packages = true\n"
						      : "include-system-site-packages = false\n"));
	ck_assert_ptr_nonnull(strstr(cfg, "\nvenvrun = "));
	ck_assert_ptr_nonnull(strstr(cfg, "\nimplementation = "));
	ck_assert_ptr_nonnull(strstr(cfg, "\nversion_info = "));
	ck_assert_ptr_nonnull(strstr(cfg, "\nbase-prefix = "));

	/* The other names of the interpreter run the env too. */
	{
		char *v = strdup(jstr(base, "version"));
		char *minor = t_strdupf("%s/bin/python%.*s", env, (int)(strrchr(v, '.') - v), v);
		char *py3 = t_strdupf("%s/bin/python3", env);
		json_t *a = py_json(minor, env_probe), *b = py_json(py3, env_probe);

		ck_assert_str_eq(jstr(a, "prefix"), env);
		ck_assert_str_eq(jstr(b, "prefix"), env);
		json_decref(a);
		json_decref(b);
		free(v);
		free(minor);
		free(py3);
	}
	{
		char *l = t_strdupf("%s/lib64", env), *inc = t_strdupf("%s/include", env);
		char *gi = t_strdupf("%s/.gitignore", env), *tag = t_strdupf("%s/CACHEDIR.TAG", env);
		char buf[16] = "", *g = t_read_file(gi), *c = t_read_file(tag);
		ssize_t n = readlink(l, buf, sizeof buf - 1);

		ck_assert_int_eq(n, 3);
		ck_assert_str_eq(buf, "lib");
		ck_assert(t_exists(inc));
		ck_assert_ptr_nonnull(g);
		ck_assert_ptr_nonnull(strstr(g, "\n*\n"));
		ck_assert(vr_startswith(c, "Signature: 8a477f597d28d172789f06886806bc55\n"));
		free(l);
		free(inc);
		free(gi);
		free(tag);
		free(g);
		free(c);
	}
	json_decref(base);
	json_decref(inside);
}

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

static char *
cfg_value(const char *env, const char *key)
{
	_cleanup_free_ char *p = t_strdupf("%s/pyvenv.cfg", env), *text = t_read_file(p);
	_cleanup_free_ char *needle = t_strdupf("\n%s = ", key), *cfg = NULL;
	char *at, *nl;

	ck_assert_ptr_nonnull(text);
	/* A leading newline lets the first line match like the others. */
	cfg = t_strdupf("\n%s", text);
	at = strstr(cfg, needle);
	if (!at)
		return NULL;
	at += strlen(needle);
	nl = strchr(at, '\n');
	return strndup(at, (size_t)(nl - at));
}

START_TEST(prompt)
{
	_cleanup_free_ char *a = t_path(scratch, "plain-name"), *b = t_path(scratch, "b"),
			    *proj = t_path(scratch, "my-project");
	_cleanup_free_ char *c = t_path(scratch, "my-project/.venv"), *p = NULL;
	char *env[] = { cache_env, NULL };
	char *argv[] = { (char *)t_venvrun_bin(), "create", "-q", "-p", "/usr/bin/python3", "--prompt", ".", c, NULL };

	ck_assert_int_eq(vr(NULL, NULL, "create", "-q", "-p", "/usr/bin/python3", a, NULL), 0);
	p = cfg_value(a, "prompt");
	ck_assert_str_eq(p, "plain-name");
	free(p);
	ck_assert_int_eq(vr(NULL, NULL, "create", "-q", "-p", "/usr/bin/python3", "--prompt", "my env é", b, NULL), 0);
	p = cfg_value(b, "prompt");
	ck_assert_str_eq(p, "my env é");
	free(p);
	ck_assert_int_eq(mkdir(proj, 0755), 0);
	ck_assert_int_eq(t_run(argv, env, proj, NULL, NULL), 0);
	p = cfg_value(c, "prompt");
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
		p = cfg_value(d, "prompt");
		ck_assert_str_eq(p, "pwn _(id) _id_ _x");
		free(p);
		p = NULL;
	}
}
END_TEST

static void
put_marker(const char *env)
{
	_cleanup_free_ char *m = t_strdupf("%s/lib/marker.txt", env);
	t_write_file(m, "old", false);
}

static bool
has_marker(const char *env)
{
	_cleanup_free_ char *m = t_strdupf("%s/lib/marker.txt", env);
	return t_exists(m);
}

/* No temporary tree of a create is left beside `env`. */
static void
assert_no_temps(const char *env)
{
	_cleanup_free_ char *parent = strndup(env, (size_t)(strrchr(env, '/') - env));
	_cleanup_free_ char *prefix = t_strdupf(".%s.venvrun-", strrchr(env, '/') + 1);
	DIR *d = opendir(parent);
	struct dirent *de;

	ck_assert_ptr_nonnull(d);
	while ((de = readdir(d)))
		ck_assert_msg(!vr_startswith(de->d_name, prefix), "left behind: %s/%s", parent, de->d_name);
	closedir(d);
}

START_TEST(existing_env_needs_clear_or_upgrade)
{
	_cleanup_free_ char *env = t_path(scratch, "e"), *err = NULL;

	ck_assert_int_eq(vr(NULL, NULL, "create", "-q", "-p", "/usr/bin/python3", env, NULL), 0);
	put_marker(env);
	ck_assert_int_eq(vr(NULL, &err, "create", "-p", "/usr/bin/python3", env, NULL), 125);
	t_assert_one_line_error(err, "already an env");
	ck_assert_ptr_nonnull(strstr(err, "--clear"));
	ck_assert(has_marker(env));
}
END_TEST

START_TEST(clear_replaces_an_env)
{
	_cleanup_free_ char *env = t_path(scratch, "e"), *err = NULL, *bin = NULL;

	ck_assert_int_eq(vr(NULL, NULL, "create", "-q", "-p", "/usr/bin/python3", env, NULL), 0);
	put_marker(env);
	ck_assert_int_eq(vr(NULL, &err, "create", "-q", "--clear", "-p", "/usr/bin/python3", env, NULL), 0);
	ck_assert(!has_marker(env));
	bin = t_strdupf("%s/bin/python", env);
	ck_assert(t_exists(bin));
	assert_no_temps(env);
}
END_TEST

START_TEST(clear_keeps_what_is_not_an_env)
{
	_cleanup_free_ char *dir = t_path(scratch, "project"), *file = t_path(scratch, "project/important.txt"),
			    *err = NULL;
	_cleanup_free_ char *h = t_path(scratch, "home"), *hm = NULL, *henv = NULL, *sub = NULL;
	char *home_override[3] = { NULL, cache_env, NULL };
	char *argv[] = { (char *)t_venvrun_bin(), "create", "--clear", "-p", "/usr/bin/python3", NULL, NULL };

	ck_assert_int_eq(mkdir(dir, 0755), 0);
	t_write_file(file, "keep me", false);
	ck_assert_int_eq(vr(NULL, &err, "create", "--clear", "-p", "/usr/bin/python3", dir, NULL), 125);
	t_assert_one_line_error(err, "not an env");
	ck_assert(t_exists(file));

	/* $HOME is never cleared, even when it is an env. */
	ck_assert_int_eq(vr(NULL, NULL, "create", "-q", "-p", "/usr/bin/python3", h, NULL), 0);
	put_marker(h);
	henv = t_strdupf("HOME=%s", h);
	home_override[0] = henv;
	argv[5] = h;
	free(err);
	err = NULL;
	ck_assert_int_eq(t_run(argv, home_override, NULL, NULL, &err), 125);
	t_assert_one_line_error(err, "home directory");
	ck_assert(has_marker(h));

	/* Nor the working directory or a parent of it. */
	sub = t_strdupf("%s/lib", h);
	free(err);
	err = NULL;
	ck_assert_int_eq(t_run(argv, (char *[]){ cache_env, NULL }, sub, NULL, &err), 125);
	t_assert_one_line_error(err, "working directory");
	ck_assert(has_marker(h));
	(void)hm;
}
END_TEST

START_TEST(upgrade_follows_a_moved_interpreter)
{
	_cleanup_free_ char *a = t_path(scratch, "pya"), *b = t_path(scratch, "pyb"),
			    *abin = t_path(scratch, "pya/bin"), *env = t_path(scratch, "e");
	_cleanup_free_ char *real = realpath("/usr/bin/python3", NULL), *apy = NULL, *bpy = NULL, *out = NULL;
	_cleanup_free_ char *err = NULL, *home = NULL, *gi = NULL, *g = NULL, *envpy = NULL;
	char *cp[] = { "cp", real, NULL, NULL };
	json_t *j;

	ck_assert_int_eq(mkdir(a, 0755), 0);
	ck_assert_int_eq(mkdir(abin, 0755), 0);
	apy = t_strdupf("%s/%s", abin, strrchr(real, '/') + 1);
	cp[2] = apy;
	ck_assert_int_eq(t_run(cp, NULL, NULL, NULL, NULL), 0);
	ck_assert_int_eq(vr(NULL, NULL, "create", "-q", "-p", apy, env, NULL), 0);
	put_marker(env);
	gi = t_strdupf("%s/.gitignore", env);
	t_write_file(gi, "# mine\n", false);

	/* The interpreter moves: the env's links dangle, describe says so. */
	ck_assert_int_eq(rename(a, b), 0);
	ck_assert_int_eq(vr(&out, NULL, "describe", env, NULL), 0);
	ck_assert_msg(strstr(out, "missing"), "describe does not report the missing interpreter: %s", out);

	bpy = t_strdupf("%s/bin/%s", b, strrchr(real, '/') + 1);
	ck_assert_int_eq(vr(NULL, &err, "create", "-q", "--upgrade", "-p", bpy, env, NULL), 0);
	ck_assert(has_marker(env));
	home = cfg_value(env, "home");
	free(out);
	out = t_strdupf("%s/bin", b);
	ck_assert_str_eq(home, out);
	g = t_read_file(gi);
	ck_assert_str_eq(g, "# mine\n");
	envpy = t_strdupf("%s/bin/python", env);
	j = py_json(envpy, env_probe);
	ck_assert_str_eq(jstr(j, "prefix"), env);
	json_decref(j);
}
END_TEST

START_TEST(upgrade_refuses_another_minor_version)
{
	_cleanup_strv_free_ char **pys = interpreters();
	_cleanup_free_ char *env = t_path(scratch, "e"), *cfg = t_path(scratch, "e/pyvenv.cfg"), *before = NULL,
			    *after = NULL;
	_cleanup_free_ char *err = NULL, *base_version = NULL;
	const char *other = NULL;
	json_t *b = py_json("/usr/bin/python3", base_probe);

	base_version = strdup(jstr(b, "version"));
	json_decref(b);
	for (size_t i = 1; pys[i] && !other; i++) {
		json_t *o = py_json(pys[i], base_probe);
		const char *v = jstr(o, "version");
		/* Another major.minor */
		if (strncmp(v, base_version, (size_t)(strrchr(base_version, '.') - base_version)) != 0)
			other = pys[i];
		json_decref(o);
	}
	if (!other) {
		fprintf(stderr, "note: no second Python version here; --upgrade across versions not tested\n");
		return;
	}
	ck_assert_int_eq(vr(NULL, NULL, "create", "-q", "-p", "/usr/bin/python3", env, NULL), 0);
	before = t_read_file(cfg);
	ck_assert_int_eq(vr(NULL, &err, "create", "--upgrade", "-p", other, env, NULL), 125);
	t_assert_one_line_error(err, "--upgrade keeps site-packages");
	after = t_read_file(cfg);
	ck_assert_str_eq(after, before);
}
END_TEST

START_TEST(upgrade_needs_an_env)
{
	_cleanup_free_ char *missing = t_path(scratch, "nothing"), *dir = t_path(scratch, "dir"),
			    *f = t_path(scratch, "dir/f"), *err = NULL;

	ck_assert_int_eq(vr(NULL, &err, "create", "--upgrade", "-p", "/usr/bin/python3", missing, NULL), 125);
	t_assert_one_line_error(err, "no env to upgrade");
	ck_assert(!t_exists(missing));
	ck_assert_int_eq(mkdir(dir, 0755), 0);
	t_write_file(f, "x", false);
	free(err);
	err = NULL;
	ck_assert_int_eq(vr(NULL, &err, "create", "--upgrade", "-p", "/usr/bin/python3", dir, NULL), 125);
	t_assert_one_line_error(err, "not an env");
	ck_assert(t_exists(f));
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
	put_marker(v);
	ck_assert_int_eq(vr(NULL, NULL, "create", "-q", "--upgrade", "-p", "/usr/bin/python3", v, NULL), 0);
	ck_assert(has_marker(v));
	vpy = t_strdupf("%s/bin/python", v);
	k = py_json(vpy, env_probe);
	ck_assert_str_eq(jstr(k, "prefix"), v);
	json_decref(k);
	ck_assert_int_eq(vr(NULL, NULL, "create", "-q", "--clear", "-p", "/usr/bin/python3", v, NULL), 0);
	ck_assert(!has_marker(v));

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

/* Start venvrun without waiting; its output goes to /dev/null. */
static pid_t
spawn_venvrun(char *const args[])
{
	_cleanup_strv_free_ char **argv = NULL, **envp = NULL;
	posix_spawn_file_actions_t fa;
	pid_t pid;

	vr_strv_push(&argv, t_venvrun_bin());
	for (size_t i = 0; args[i]; i++)
		vr_strv_push(&argv, args[i]);
	for (size_t i = 0; environ[i]; i++)
		vr_strv_push(&envp, environ[i]);
	vr_strv_push(&envp, cache_env);
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
	ck_assert_int_eq(posix_spawn(&pid, argv[0], &fa, NULL, argv, envp), 0);
	posix_spawn_file_actions_destroy(&fa);
	return pid;
}

static int
wait_status(pid_t pid)
{
	int st;

	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* A complete env of /usr/bin/python3, as create writes it. */
static void
assert_complete(const char *env)
{
	const char *must[] = { "pyvenv.cfg",	       "bin/python", "bin/python3", "bin/activate", "bin/activate.fish",
			       "bin/activate_this.py", "lib64",	     ".gitignore",  "CACHEDIR.TAG", "include" };

	for (size_t i = 0; i < ELEMENTSOF(must); i++) {
		_cleanup_free_ char *p = t_strdupf("%s/%s", env, must[i]);
		ck_assert_msg(t_exists(p), "incomplete env: %s missing", p);
	}
}

START_TEST(parallel_creates_of_one_path)
{
	_cleanup_free_ char *env = t_path(scratch, "contended");
	char *plain[] = { "create", "-q", "-p", "/usr/bin/python3", env, NULL };
	char *clear[] = { "create", "-q", "--clear", "-p", "/usr/bin/python3", env, NULL };
	pid_t pids[8];
	int ok = 0, refused = 0;

	/* Warm the interpreter cache so the eight really race on the tree. */
	ck_assert_int_eq(vr(NULL, NULL, "create", "--dry-run", "-p", "/usr/bin/python3", env, NULL), 0);
	for (int i = 0; i < 8; i++)
		pids[i] = spawn_venvrun(plain);
	for (int i = 0; i < 8; i++) {
		int st = wait_status(pids[i]);
		ok += st == 0;
		refused += st == 125;
	}
	ck_assert_int_eq(ok, 1);
	ck_assert_int_eq(refused, 7);
	assert_complete(env);
	assert_no_temps(env);

	for (int i = 0; i < 8; i++)
		pids[i] = spawn_venvrun(clear);
	for (int i = 0; i < 8; i++)
		ck_assert_int_eq(wait_status(pids[i]), 0);
	assert_complete(env);
	assert_no_temps(env);
}
END_TEST

START_TEST(sigkill_at_random_points)
{
	_cleanup_free_ char *env = t_path(scratch, "victim"), *fresh = t_path(scratch, "fresh");
	char *clear[] = { "create", "-q", "--clear", "-p", "/usr/bin/python3", env, NULL };
	char *make[] = { "create", "-q", "-p", "/usr/bin/python3", fresh, NULL };
	int old_seen = 0, new_seen = 0, none_seen = 0, finished = 0;

	struct timespec t0, t1;
	long span_us;

	srand((unsigned)time(NULL) ^ (unsigned)getpid());
	ck_assert_int_eq(vr(NULL, NULL, "create", "-q", "-p", "/usr/bin/python3", env, NULL), 0);
	/* How long one uninterrupted create --clear takes from spawn to exit here: the kills
	 * below land uniformly in that span and a little past it. */
	clock_gettime(CLOCK_MONOTONIC, &t0);
	ck_assert_int_eq(wait_status(spawn_venvrun(clear)), 0);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	span_us = (t1.tv_sec - t0.tv_sec) * 1000000 + (t1.tv_nsec - t0.tv_nsec) / 1000;
	span_us = span_us * 5 / 4 + 1;
	put_marker(env);
	for (int i = 0; i < 60; i++) {
		pid_t pid = spawn_venvrun(clear);

		usleep((useconds_t)(rand() % span_us));
		kill(pid, SIGKILL);
		finished += wait_status(pid) == 0;
		/* Either the old env, untouched, or the new one, complete. */
		assert_complete(env);
		if (has_marker(env)) {
			old_seen++;
		} else {
			new_seen++;
			put_marker(env);
		}

		pid = spawn_venvrun(make);
		usleep((useconds_t)(rand() % span_us));
		kill(pid, SIGKILL);
		finished += wait_status(pid) == 0;
		if (t_exists(fresh)) {
			assert_complete(fresh);
			t_rm_rf(fresh);
		} else {
			none_seen++;
		}
	}
	fprintf(stderr,
		"kills within %ld us: old env kept %d, new env complete %d, fresh create not there %d, finished first "
		"%d\n",
		span_us, old_seen, new_seen, none_seen, finished);
	/* The next create cleans up whatever the killed ones left beside the env. */
	ck_assert_int_eq(vr(NULL, NULL, "create", "-q", "--clear", "-p", "/usr/bin/python3", env, NULL), 0);
	assert_no_temps(env);
	assert_complete(env);
}
END_TEST

static const struct t_case cases[] = {
	T_CASE(every_interpreter_makes_a_working_env),
	T_CASE(system_site_packages),
	T_CASE(copies),
	T_CASE(prompt),
	T_CASE(existing_env_needs_clear_or_upgrade),
	T_CASE(clear_replaces_an_env),
	T_CASE(clear_keeps_what_is_not_an_env),
	T_CASE(upgrade_follows_a_moved_interpreter),
	T_CASE(upgrade_refuses_another_minor_version),
	T_CASE(upgrade_needs_an_env),
	T_CASE(reads_envs_made_by_venv_and_virtualenv),
	T_CASE(bad_input_is_one_line_and_changes_nothing),
	T_CASE(unwritable_parent),
	T_CASE(spaces_and_non_ascii),
	T_CASE(bare_name_goes_to_the_env_home),
	T_CASE(dry_run_writes_nothing),
	T_CASE(parallel_creates_of_one_path),
	T_CASE(sigkill_at_random_points),
};

int
main(void)
{
	Suite *s;

	if (access("/usr/bin/python3", X_OK) != 0) {
		fprintf(stderr, "skipping: /usr/bin/python3 is not installed\n");
		return T_EXIT_SKIP;
	}
	/* Each test in a scratch directory of its own, with its own interpreter cache. */
	s = T_SUITE_FIXTURE("create", cases, setup, teardown);
	return t_run_suite(s);
}
