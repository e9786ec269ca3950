/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The shared part of the test-interpreters suite (interp-helpers.h): a test's private
 * world, running venvrun in it, asking an interpreter about itself, and venvrun's JSON.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "interp-helpers.h"

/* --- a test's private world ------------------------------------------------------------ */

void
ctx_set(struct ctx *c, const char *entry)
{
	size_t klen = strcspn(entry, "="), i;

	for (i = 0; c->env[i]; i++)
		if (strcspn(c->env[i], "=") == klen && strncmp(c->env[i], entry, klen) == 0)
			break;
	ck_assert_uint_lt(i, MAX_ENV);
	free(c->env[i]);
	c->env[i] = t_strdupf("%s", entry);
}

void
ctx_setf(struct ctx *c, const char *fmt, ...)
{
	va_list ap;
	char *s = NULL;

	va_start(ap, fmt);
	ck_assert_int_ge(vasprintf(&s, fmt, ap), 0);
	va_end(ap);
	ctx_set(c, s);
	free(s);
}

void
mkdir_p(const char *path)
{
	char *p = t_strdupf("%s", path);

	for (char *s = p + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = 0;
		if (mkdir(p, 0755) < 0)
			ck_assert_int_eq(errno, EEXIST);
		*s = '/';
	}
	if (mkdir(p, 0755) < 0)
		ck_assert_int_eq(errno, EEXIST);
	free(p);
}

void
ctx_init(struct ctx *c, const char *tag)
{
	static const char *const unset[] = {
		"PYENV_VERSION",  "ASDF_PYTHON_VERSION",      "MISE_PYTHON_VERSION", "XDG_CACHE_HOME", "XDG_DATA_HOME",
		"VENVRUN_PYTHON", "VENVRUN_QUERY_TIMEOUT_MS", "VENVRUN_DEBUG",	     "VIRTUAL_ENV",    "PYTHONHOME",
	};
	char *t = t_tmpdir(tag);

	memset(c, 0, sizeof *c);
	c->tmp = realpath(t, NULL);
	ck_assert_ptr_nonnull(c->tmp);
	free(t);
	c->bin = t_strdupf("%s/bin", c->tmp);
	c->home = t_strdupf("%s/home", c->tmp);
	c->cache = t_strdupf("%s/cache", c->tmp);
	c->work = t_strdupf("%s/work", c->tmp);
	mkdir_p(c->bin);
	mkdir_p(c->home);
	mkdir_p(c->work);

	ctx_setf(c, "PATH=%s:/usr/bin:/bin", c->bin);
	ctx_setf(c, "HOME=%s", c->home);
	ctx_setf(c, "VENVRUN_CACHE_DIR=%s", c->cache);
	ctx_setf(c, "VENVRUN_HOME=%s/envs-home", c->tmp);
	/* Roots that do not exist: no pyenv, uv, asdf or mise pythons unless a test makes some. */
	ctx_setf(c, "PYENV_ROOT=%s/no-pyenv", c->tmp);
	ctx_setf(c, "UV_PYTHON_INSTALL_DIR=%s/no-uv", c->tmp);
	ctx_set(c, "LC_ALL=C");
	for (size_t i = 0; i < sizeof unset / sizeof unset[0]; i++)
		ctx_set(c, unset[i]);
}

void
ctx_done(struct ctx *c)
{
	t_rm_rf(c->tmp);
	for (size_t i = 0; c->env[i]; i++)
		free(c->env[i]);
	free(c->tmp);
	free(c->bin);
	free(c->home);
	free(c->cache);
	free(c->work);
}

int
run_venvrun(struct ctx *c, const char *cwd, char **out, char **err, const char *const *args)
{
	char *argv[32];
	char *o = NULL, *e = NULL;
	size_t n = 0;
	int rc;

	argv[n++] = (char *)t_venvrun_bin();
	for (; *args; args++) {
		ck_assert_uint_lt(n, 31);
		argv[n++] = (char *)*args;
	}
	argv[n] = NULL;
	rc = t_run(argv, c->env, cwd ? cwd : c->work, &o, &e);
	/* Whatever happens next, the log shows what venvrun said. */
	fprintf(stderr, "# venvrun");
	for (size_t i = 1; i < n; i++)
		fprintf(stderr, " '%s'", argv[i]);
	fprintf(stderr, " -> %d\n", rc);
	if (e && *e)
		fprintf(stderr, "#   stderr: %s%s", e, e[strlen(e) - 1] == '\n' ? "" : "\n");
	if (out)
		*out = o;
	else
		free(o);
	if (err)
		*err = e;
	else
		free(e);
	return rc;
}

bool
exists(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0;
}

bool
contains(const char *haystack, const char *needle)
{
	return haystack && needle && strstr(haystack, needle);
}

void
explain_missing(const char *file, int line, const char *haystack, const char *needle)
{
	if (!contains(haystack, needle))
		fprintf(stderr, "%s:%d: '%s' not in '%s'\n", file, line, needle ? needle : "(null)",
			haystack ? haystack : "(null)");
}

void
assert_one_error_line(const char *err)
{
	size_t len;

	ck_assert_ptr_nonnull(err);
	len = strlen(err);
	ck_assert_uint_gt(len, strlen("venvrun: \n"));
	ck_assert_int_eq(strncmp(err, "venvrun: ", strlen("venvrun: ")), 0);
	ck_assert_int_eq(err[len - 1], '\n');
	ck_assert_ptr_eq(strchr(err, '\n'), err + len - 1);
}

char *
real_path(const char *path)
{
	char *r = realpath(path, NULL);

	if (!r)
		fprintf(stderr, "realpath('%s'): %s\n", path, strerror(errno));
	ck_assert_ptr_nonnull(r);
	return r;
}

char *
dir_of(const char *path)
{
	char *d = t_strdupf("%s", path), *s = strrchr(d, '/');

	ck_assert_ptr_nonnull(s);
	*(s == d ? s + 1 : s) = 0;
	return d;
}

int
count_lines(const char *path)
{
	char *s = t_read_file(path);
	int n = 0;

	for (char *p = s; p && *p; p++)
		n += *p == '\n';
	free(s);
	return n;
}

/* --- what an interpreter says about itself ------------------------------------------------ */

void
py_facts(const char *py, struct pyfacts *f)
{
	char *argv[] = { (char *)py,
			 "-E",
			 "-s",
			 "-c",
			 "import sys, platform\n"
			 "vi = sys.version_info\n"
			 "print(sys.implementation.name)\n"
			 "print(platform.python_version())\n"
			 "print('%d %d %d' % (vi[0], vi[1], vi[2]))\n",
			 NULL };
	char *out = NULL;
	int rc;

	memset(f, 0, sizeof *f);
	rc = t_run(argv, NULL, NULL, &out, NULL);
	ck_assert_int_eq(rc, 0);
	ck_assert_int_eq(sscanf(out, "%31s %63s %d %d %d", f->impl, f->version, &f->major, &f->minor, &f->micro), 5);
	f->real = real_path(py);
	free(out);
}

void
py_facts_done(struct pyfacts *f)
{
	free(f->real);
}

bool
have_pypy(void)
{
	if (access(SYSTEM_PYPY, X_OK) == 0)
		return true;
	fprintf(stderr, "note: %s is not installed; skipping the PyPy checks\n", SYSTEM_PYPY);
	return false;
}

bool
usr_local_has_pythons(void)
{
	DIR *d = opendir("/usr/local/bin");
	struct dirent *de;
	bool found = false;

	if (!d)
		return false;
	while ((de = readdir(d)))
		if (strncmp(de->d_name, "python", 6) == 0 || strncmp(de->d_name, "pypy", 4) == 0)
			found = true;
	closedir(d);
	if (found)
		fprintf(stderr, "note: /usr/local/bin has pythons; checking versions, not paths\n");
	return found;
}

/* --- JSON --------------------------------------------------------------------------------- */

json_t *
parse_json(const char *text)
{
	json_error_t jerr;
	json_t *j = json_loads(text ? text : "", 0, &jerr);

	if (!j)
		fprintf(stderr, "not JSON (%s at %d:%d): %s\n", jerr.text, jerr.line, jerr.column, text);
	ck_assert_ptr_nonnull(j);
	return j;
}

const char *
jstr(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	if (!s)
		fprintf(stderr, "no string '%s' in the JSON\n", key);
	ck_assert_ptr_nonnull(s);
	return s;
}

static bool
jbool(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	if (!json_is_boolean(v))
		fprintf(stderr, "no boolean '%s' in the JSON\n", key);
	ck_assert_int_eq(json_is_boolean(v), true);
	return json_is_true(v);
}

json_t *
dry_run(struct ctx *c, const char *cwd, const char *spec)
{
	char *env = t_strdupf("%s/env", c->tmp), *out = NULL, *err = NULL;
	json_t *j;
	int rc;

	if (spec)
		rc = VR(c, cwd, &out, &err, "create", "--dry-run", "--json", "-p", spec, env);
	else
		rc = VR(c, cwd, &out, &err, "create", "--dry-run", "--json", env);
	ck_assert_int_eq(rc, 0);
	ck_assert_str_eq(err, "");
	j = parse_json(out);
	ck_assert_int_eq(json_is_object(json_object_get(j, "interpreter")), true);
	ck_assert_str_eq(jstr(j, "path"), env);
	ck_assert_int_eq(exists(env), false);
	free(env);
	free(out);
	free(err);
	return j;
}

json_t *
interp_of(json_t *tree)
{
	return json_object_get(tree, "interpreter");
}

void
assert_is(json_t *py, const struct pyfacts *f)
{
	ck_assert_str_eq(jstr(py, "executable"), f->real);
	ck_assert_str_eq(jstr(py, "implementation"), f->impl);
	ck_assert_str_eq(jstr(py, "version"), f->version);
	ck_assert_int_eq(jbool(py, "supported"), true);
}

size_t
count_cache_files(struct ctx *c)
{
	char *dir = t_strdupf("%s/interpreters", c->cache);
	DIR *d = opendir(dir);
	struct dirent *de;
	size_t n = 0;

	free(dir);
	if (!d)
		return 0;
	while ((de = readdir(d)))
		if (de->d_name[0] != '.')
			n++;
	closedir(d);
	return n;
}
