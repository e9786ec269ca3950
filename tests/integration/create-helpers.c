/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The shared part of the test-create suite (create-helpers.h): each test's scratch
 * directory and isolated cache, running venvrun and python, the interpreters this machine
 * has, and what CPython's test_venv asserts of an env.
 */
#include "config.h"

#include <glob.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "macro.h"
#include "strv.h"

#include "create-helpers.h"

/* Each test gets its own scratch directory and an isolated cache and env home. */
char *scratch;
char *cache_env, *home_env;

void
create_setup(void)
{
	char *t = t_tmpdir("create");

	scratch = realpath(t, NULL);
	free(t);
	cache_env = t_strdupf("VENVRUN_CACHE_DIR=%s/cache", scratch);
	home_env = t_strdupf("VENVRUN_HOME=%s/envs", scratch);
}

void
create_teardown(void)
{
	t_rm_rf(scratch);
}

/* venvrun with the isolated cache; NULL-terminated arguments. */
int
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
json_t *
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

const char *
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

const char env_probe[] =
	"import json, sys, sysconfig\n"
	"print(json.dumps({'prefix': sys.prefix, 'base_prefix': sys.base_prefix, 'executable': sys.executable,\n"
	" 'path': sys.path, 'purelib': sysconfig.get_paths()['purelib'], 'version': '%d.%d.%d' % "
	"sys.version_info[:3]}))\n";

const char base_probe[] = "import json, os, site, sys\n"
			  "print(json.dumps({'prefix': sys.prefix, 'site': site.getsitepackages(),\n"
			  " 'version': '%d.%d.%d' % sys.version_info[:3], 'impl': sys.implementation.name,\n"
			  " 'real': os.path.realpath(sys.executable)}))\n";

/* The interpreters this machine has: Debian's python3 always, PyPy and pyenv's CPythons
 * (3.7 and newer) when present. */
char **
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

void
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

char *
pyvenv_cfg_value(const char *env, const char *key)
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

void
put_env_marker(const char *env)
{
	_cleanup_free_ char *m = t_strdupf("%s/lib/marker.txt", env);
	t_write_file(m, "old", false);
}

bool
has_env_marker(const char *env)
{
	_cleanup_free_ char *m = t_strdupf("%s/lib/marker.txt", env);
	return t_exists(m);
}
