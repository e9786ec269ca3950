/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Interpreter discovery end to end, through the built binary: `venvrun interpreters` and
 * `venvrun create [--dry-run] -p SPEC`. Every case runs in its own temporary directory with
 * its own cache, HOME, PATH and version-manager roots, so that nothing of the developer's
 * machine (caches, pyenv, PATH) can change the outcome; what venvrun reports about an
 * interpreter is compared with what that interpreter itself prints.
 *
 * Fake interpreters are shell scripts posing as python: one that counts its runs (the
 * cache), one that crashes, hangs, prints garbage or fails. Version-manager shims are
 * scripts that exit 99 and leave a trace if run: a shim must be resolved, never run.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "testlib.h"

#define SYSTEM_PYTHON "/usr/bin/python3"
#define SYSTEM_PYPY "/usr/bin/pypy3"
#define MAX_ENV 40

/* --- a test's private world ------------------------------------------------------------ */

struct ctx {
	char *tmp;   /* the test's directory, symlinks resolved */
	char *bin;   /* TMP/bin, first on PATH */
	char *home;  /* TMP/home, $HOME */
	char *cache; /* TMP/cache, $VENVRUN_CACHE_DIR (venvrun creates it) */
	char *work;  /* TMP/work, the working directory of every run */
	char *env[MAX_ENV + 1];
};

/* Set ("K=V") or unset ("K") one variable of the runs' environment. */
static void
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

static void ctx_setf(struct ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void
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

static void
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

static void
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

static void
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

/* Run venvrun with the test's environment, in `cwd` (NULL: TMP/work). */
static int
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
#define VR(c, cwd, out, err, ...) run_venvrun((c), (cwd), (out), (err), (const char *const[]){ __VA_ARGS__, NULL })

static bool
exists(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0;
}

static bool
contains(const char *haystack, const char *needle)
{
	return haystack && needle && strstr(haystack, needle);
}

static void
explain_missing(const char *file, int line, const char *haystack, const char *needle)
{
	if (!contains(haystack, needle))
		fprintf(stderr, "%s:%d: '%s' not in '%s'\n", file, line, needle ? needle : "(null)",
			haystack ? haystack : "(null)");
}

#define assert_contains(h, n)                                  \
	do {                                                   \
		explain_missing(__FILE__, __LINE__, (h), (n)); \
		ck_assert_int_eq(contains((h), (n)), true);    \
	} while (0)

/* A failure's report: exactly one line, "venvrun: ...". */
static void
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

static char *
real_path(const char *path)
{
	char *r = realpath(path, NULL);

	if (!r)
		fprintf(stderr, "realpath('%s'): %s\n", path, strerror(errno));
	ck_assert_ptr_nonnull(r);
	return r;
}

static char *
dir_of(const char *path)
{
	char *d = t_strdupf("%s", path), *s = strrchr(d, '/');

	ck_assert_ptr_nonnull(s);
	*(s == d ? s + 1 : s) = 0;
	return d;
}

/* Lines in a file; 0 when it does not exist. */
static int
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

struct pyfacts {
	char *real;
	char impl[32];
	char version[64]; /* "3.12.1", "3.13.0rc2": platform.python_version() */
	int major, minor, micro;
};

static void
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

static void
py_facts_done(struct pyfacts *f)
{
	free(f->real);
}

static bool
have_pypy(void)
{
	if (access(SYSTEM_PYPY, X_OK) == 0)
		return true;
	fprintf(stderr, "note: %s is not installed; skipping the PyPy checks\n", SYSTEM_PYPY);
	return false;
}

/* An interpreter in /usr/local/bin could be the newest match of a version spec instead of
 * /usr/bin's: then only the version, not the path, of the choice is certain. */
static bool
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

static json_t *
parse_json(const char *text)
{
	json_error_t jerr;
	json_t *j = json_loads(text ? text : "", 0, &jerr);

	if (!j)
		fprintf(stderr, "not JSON (%s at %d:%d): %s\n", jerr.text, jerr.line, jerr.column, text);
	ck_assert_ptr_nonnull(j);
	return j;
}

static const char *
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

/* `create --dry-run --json [-p SPEC] TMP/env` must succeed and write nothing; returns the
 * tree. */
static json_t *
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

static json_t *
interp_of(json_t *tree)
{
	return json_object_get(tree, "interpreter");
}

/* The interpreter is `f`'s (by real path) and reports what `f` said of itself. */
static void
assert_is(json_t *py, const struct pyfacts *f)
{
	ck_assert_str_eq(jstr(py, "executable"), f->real);
	ck_assert_str_eq(jstr(py, "implementation"), f->impl);
	ck_assert_str_eq(jstr(py, "version"), f->version);
	ck_assert_int_eq(jbool(py, "supported"), true);
}

static size_t
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

/* ===================================================================================== */
/* venvrun interpreters                                                                   */
/* ===================================================================================== */

static json_t *
find_by_executable(json_t *list, const char *real, size_t *count)
{
	json_t *found = NULL, *e;
	size_t i;

	*count = 0;
	json_array_foreach (list, i, e) {
		if (strcmp(jstr(e, "executable"), real) == 0) {
			if (!found)
				found = e;
			(*count)++;
		}
	}
	return found;
}

START_TEST(interpreters_json_lists_system_pythons)
{
	struct ctx c;
	struct pyfacts py, pp;
	json_t *list, *e, *entry;
	char *out = NULL, *err = NULL, *home_cache = NULL;
	size_t i, n;
	bool pypy = have_pypy();

	ctx_init(&c, "interp-json");
	py_facts(SYSTEM_PYTHON, &py);
	ck_assert_int_eq(VR(&c, NULL, &out, &err, "interpreters", "--json"), 0);
	ck_assert_str_eq(err, "");
	list = parse_json(out);
	ck_assert_int_eq(json_is_array(list), true);

	/* Debian's python3, once (python3 and python3.X are one real file), as it says. */
	entry = find_by_executable(list, py.real, &n);
	ck_assert_ptr_nonnull(entry);
	ck_assert_uint_eq(n, 1);
	assert_is(entry, &py);
	ck_assert_str_eq(jstr(entry, "implementation_name"), "CPython");
	{
		char *r = real_path(jstr(entry, "found_as"));
		ck_assert_str_eq(r, py.real);
		free(r);
	}
	ck_assert_int_eq(json_integer_value(json_array_get(json_object_get(entry, "version_info"), 0)), py.major);
	ck_assert_int_eq(json_integer_value(json_array_get(json_object_get(entry, "version_info"), 1)), py.minor);
	ck_assert_int_eq(json_integer_value(json_array_get(json_object_get(entry, "version_info"), 2)), py.micro);

	if (pypy) {
		py_facts(SYSTEM_PYPY, &pp);
		entry = find_by_executable(list, pp.real, &n);
		ck_assert_ptr_nonnull(entry);
		ck_assert_uint_eq(n, 1);
		assert_is(entry, &pp);
		ck_assert_str_eq(jstr(entry, "implementation"), "pypy");
		ck_assert_str_eq(jstr(entry, "implementation_name"), "PyPy");
	}

	/* Isolation: nothing was found outside this test's PATH and the system directories
	 * (not the developer's pyenv, uv or asdf), and each real file is listed once. */
	json_array_foreach (list, i, e) {
		const char *found_as = jstr(e, "found_as");
		bool allowed = strncmp(found_as, c.tmp, strlen(c.tmp)) == 0 ||
			       strncmp(found_as, "/usr/local/bin/", 15) == 0 ||
			       strncmp(found_as, "/usr/bin/", 9) == 0 || strncmp(found_as, "/bin/", 5) == 0;

		if (!allowed)
			fprintf(stderr, "unexpected interpreter %s\n", found_as);
		ck_assert_int_eq(allowed, true);
		find_by_executable(list, jstr(e, "executable"), &n);
		ck_assert_uint_eq(n, 1);
	}
	/* The cache went where VENVRUN_CACHE_DIR says, and nowhere under HOME. */
	ck_assert_uint_ge(count_cache_files(&c), 1);
	home_cache = t_strdupf("%s/.cache", c.home);
	ck_assert_int_eq(exists(home_cache), false);

	json_decref(list);
	free(out);
	free(err);
	free(home_cache);
	if (pypy)
		py_facts_done(&pp);
	py_facts_done(&py);
	ctx_done(&c);
}
END_TEST

START_TEST(interpreters_text_marks_default)
{
	struct ctx c;
	struct pyfacts py;
	char *out = NULL, *err = NULL, *save = NULL, *name;
	int stars = 0, py_lines = 0, pp_lines = 0;
	char *pypy_real = NULL;

	ctx_init(&c, "interp-text");
	py_facts(SYSTEM_PYTHON, &py);
	if (have_pypy())
		pypy_real = real_path(SYSTEM_PYPY);
	ck_assert_int_eq(VR(&c, NULL, &out, &err, "interpreters"), 0);
	ck_assert_str_eq(err, "");
	name = t_strdupf("CPython %s ", py.version);

	/* The default is the first python3 on PATH: /usr/bin/python3 here. */
	for (char *line = strtok_r(out, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		bool is_py = contains(line, py.real);

		ck_assert_int_eq(line[0] == '*' || line[0] == ' ', true);
		ck_assert_int_eq(line[1], ' ');
		if (line[0] == '*')
			stars++;
		if (is_py) {
			py_lines++;
			ck_assert_int_eq(line[0], '*');
			assert_contains(line, name);
			assert_contains(line, "64-bit");
		}
		if (pypy_real && contains(line, pypy_real)) {
			pp_lines++;
			ck_assert_int_eq(line[0], ' ');
			assert_contains(line, "PyPy ");
		}
	}
	ck_assert_int_eq(stars, 1);
	ck_assert_int_eq(py_lines, 1);
	ck_assert_int_eq(pp_lines, pypy_real ? 1 : 0);

	free(name);
	free(pypy_real);
	free(out);
	free(err);
	py_facts_done(&py);
	ctx_done(&c);
}
END_TEST

/* ===================================================================================== */
/* Fake interpreters                                                                      */
/* ===================================================================================== */

static void
set_mtime(const char *path, time_t when)
{
	struct timespec ts[2] = { { when, 0 }, { when, 0 } };

	ck_assert_int_eq(utimensat(AT_FDCWD, path, ts, 0), 0);
}

static void
corrupt_cache(struct ctx *c, const char *garbage)
{
	char *dir = t_strdupf("%s/interpreters", c->cache);
	DIR *d = opendir(dir);
	struct dirent *de;
	int n = 0;

	ck_assert_ptr_nonnull(d);
	while ((de = readdir(d))) {
		size_t len = strlen(de->d_name);
		char *f;

		if (len < 5 || strcmp(de->d_name + len - 5, ".json") != 0)
			continue;
		f = t_strdupf("%s/%s", dir, de->d_name);
		t_write_file(f, garbage, false);
		free(f);
		n++;
	}
	closedir(d);
	ck_assert_int_ge(n, 1);
	free(dir);
}

/* Every cache file is a JSON object whose key names `real`. */
static void
assert_cache_valid(struct ctx *c, const char *real)
{
	char *dir = t_strdupf("%s/interpreters", c->cache);
	DIR *d = opendir(dir);
	struct dirent *de;
	int n = 0;

	ck_assert_ptr_nonnull(d);
	while ((de = readdir(d))) {
		char *f, *text;
		json_t *j;

		if (de->d_name[0] == '.')
			continue;
		f = t_strdupf("%s/%s", dir, de->d_name);
		text = t_read_file(f);
		j = parse_json(text);
		ck_assert_str_eq(jstr(json_object_get(j, "key"), "path"), real);
		ck_assert_int_eq(json_is_object(json_object_get(j, "info")), true);
		json_decref(j);
		free(text);
		free(f);
		n++;
	}
	closedir(d);
	ck_assert_int_eq(n, 1);
	free(dir);
}

START_TEST(fake_python_answer_is_cached)
{
	struct ctx c;
	char *fake, *counter, *script, *link, *env;
	json_t *t;
	struct stat st, st2;
	int fd;

	ctx_init(&c, "cache");
	fake = t_strdupf("%s/fakepython", c.bin);
	link = t_strdupf("%s/python-link", c.bin);
	counter = t_strdupf("%s/counter", c.tmp);
	env = t_strdupf("%s/env", c.tmp);
	script = t_strdupf("#!/bin/sh\necho run >> '%s'\nexec " SYSTEM_PYTHON " \"$@\"\n", counter);
	t_write_file(fake, script, true);
	set_mtime(fake, 1000000000);

	/* Cold: one query, cached under VENVRUN_CACHE_DIR. */
	t = dry_run(&c, NULL, fake);
	ck_assert_int_eq(count_lines(counter), 1);
	ck_assert_str_eq(jstr(interp_of(t), "executable"), fake);
	ck_assert_str_eq(jstr(interp_of(t), "found_as"), fake);
	json_decref(t);
	ck_assert_uint_eq(count_cache_files(&c), 1);
	assert_cache_valid(&c, fake);

	/* Warm: no Python runs at all, also when the file is reached through a symlink
	 * (the cache is keyed by the real path). */
	json_decref(dry_run(&c, NULL, fake));
	ck_assert_int_eq(count_lines(counter), 1);
	ck_assert_int_eq(symlink(fake, link), 0);
	t = dry_run(&c, NULL, link);
	ck_assert_int_eq(count_lines(counter), 1);
	ck_assert_str_eq(jstr(interp_of(t), "executable"), fake);
	ck_assert_str_eq(jstr(interp_of(t), "found_as"), link);
	json_decref(t);
	ck_assert_uint_eq(count_cache_files(&c), 1);

	/* A new mtime is a changed interpreter: asked again, once. */
	set_mtime(fake, 1100000000);
	json_decref(dry_run(&c, NULL, fake));
	ck_assert_int_eq(count_lines(counter), 2);
	json_decref(dry_run(&c, NULL, fake));
	ck_assert_int_eq(count_lines(counter), 2);

	/* So is a new size, with the same inode and mtime. */
	ck_assert_int_eq(stat(fake, &st), 0);
	fd = open(fake, O_WRONLY | O_APPEND | O_CLOEXEC);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, "# padding\n", 10), 10);
	ck_assert_int_eq(close(fd), 0);
	set_mtime(fake, st.st_mtim.tv_sec);
	ck_assert_int_eq(stat(fake, &st2), 0);
	ck_assert_uint_eq(st2.st_ino, st.st_ino);
	ck_assert_int_eq(st2.st_mtim.tv_sec, st.st_mtim.tv_sec);
	ck_assert_int_ne(st2.st_size, st.st_size);
	json_decref(dry_run(&c, NULL, fake));
	ck_assert_int_eq(count_lines(counter), 3);
	json_decref(dry_run(&c, NULL, fake));
	ck_assert_int_eq(count_lines(counter), 3);
	ck_assert_uint_eq(count_cache_files(&c), 1);

	/* A corrupt cache file is ignored (the command still works) and rewritten. */
	corrupt_cache(&c, "{ this is not JSON \x01\xff");
	json_decref(dry_run(&c, NULL, fake));
	ck_assert_int_eq(count_lines(counter), 4);
	assert_cache_valid(&c, fake);
	json_decref(dry_run(&c, NULL, fake));
	ck_assert_int_eq(count_lines(counter), 4);

	/* So is valid JSON that is not a cache entry. */
	corrupt_cache(&c, "[1, 2, 3]\n");
	json_decref(dry_run(&c, NULL, fake));
	ck_assert_int_eq(count_lines(counter), 5);
	assert_cache_valid(&c, fake);

	/* And an empty file. */
	corrupt_cache(&c, "");
	json_decref(dry_run(&c, NULL, fake));
	ck_assert_int_eq(count_lines(counter), 6);
	assert_cache_valid(&c, fake);

	/* An empty VENVRUN_CACHE_DIR turns the cache off: every run asks, nothing is written. */
	t_rm_rf(c.cache);
	ctx_set(&c, "VENVRUN_CACHE_DIR=");
	json_decref(dry_run(&c, NULL, fake));
	json_decref(dry_run(&c, NULL, fake));
	ck_assert_int_eq(count_lines(counter), 8);
	ck_assert_int_eq(exists(c.cache), false);

	ck_assert_int_eq(exists(env), false);
	free(script);
	free(fake);
	free(link);
	free(counter);
	free(env);
	ctx_done(&c);
}
END_TEST

/*
 * `create -p FAKE` with a fake that fails its query: exit 125, one line naming FAKE and
 * saying `needle`, nothing on stdout, no env (nor its parent) created, nothing cached.
 */
static void
expect_query_failure(struct ctx *c, const char *name, const char *script, const char *const *needles)
{
	char *fake = t_strdupf("%s/%s", c->bin, name);
	char *parent = t_strdupf("%s/envs", c->tmp);
	char *env = t_strdupf("%s/new-env", parent);
	char *out = NULL, *err = NULL;

	t_write_file(fake, script, true);
	ck_assert_int_eq(VR(c, NULL, &out, &err, "create", "-p", fake, env), 125);
	assert_one_error_line(err);
	assert_contains(err, fake);
	for (; *needles; needles++)
		assert_contains(err, *needles);
	ck_assert_str_eq(out, "");
	ck_assert_int_eq(exists(env), false);
	ck_assert_int_eq(exists(parent), false);
	ck_assert_uint_eq(count_cache_files(c), 0);
	free(out);
	free(err);
	free(fake);
	free(env);
	free(parent);
}

START_TEST(fake_python_crashes)
{
	struct ctx c;

	ctx_init(&c, "crash");
	/* No core file: the query runs in the working directory. */
	expect_query_failure(&c, "python-segv", "#!/bin/sh\nulimit -c 0\nkill -SEGV $$\n",
			     (const char *const[]){ "crashed", NULL });
	ctx_done(&c);
}
END_TEST

/* Processes whose command line holds `needle`, other than this one. */
static size_t
processes_with(const char *needle, pid_t *pids, size_t max)
{
	DIR *d = opendir("/proc");
	struct dirent *de;
	size_t n = 0;

	ck_assert_ptr_nonnull(d);
	while ((de = readdir(d))) {
		char path[64], buf[8192];
		int pid = atoi(de->d_name), fd;
		ssize_t len;

		if (de->d_name[0] < '0' || de->d_name[0] > '9' || pid == getpid())
			continue;
		snprintf(path, sizeof path, "/proc/%d/cmdline", pid);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		len = read(fd, buf, sizeof buf - 1);
		close(fd);
		if (len <= 0)
			continue;
		for (ssize_t i = 0; i < len; i++)
			if (buf[i] == 0)
				buf[i] = ' ';
		buf[len] = 0;
		if (strstr(buf, needle) && n < max)
			pids[n++] = pid;
	}
	closedir(d);
	return n;
}

START_TEST(fake_python_hangs)
{
	struct ctx c;
	struct timespec t0, t1;
	char *fake, *marker, *script, *env, *out = NULL, *err = NULL;
	pid_t pids[16];
	size_t left = 0;
	long ms;

	ctx_init(&c, "hang");
	fake = t_strdupf("%s/python-hang", c.bin);
	env = t_strdupf("%s/env", c.tmp);
	/* A duration no other sleep has, to find it again in /proc. */
	marker = t_strdupf("60.%d7", (int)getpid());
	script = t_strdupf("#!/bin/sh\nsleep %s\n", marker);
	t_write_file(fake, script, true);
	ctx_set(&c, "VENVRUN_QUERY_TIMEOUT_MS=500");

	clock_gettime(CLOCK_MONOTONIC, &t0);
	ck_assert_int_eq(VR(&c, NULL, &out, &err, "create", "-p", fake, env), 125);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
	fprintf(stderr, "# the hung query took %ld ms to give up\n", ms);
	ck_assert_int_ge(ms, 400);
	ck_assert_int_lt(ms, 5000);
	assert_one_error_line(err);
	assert_contains(err, fake);
	assert_contains(err, "did not answer");
	ck_assert_str_eq(out, "");
	ck_assert_int_eq(exists(env), false);

	/* Nothing it started is left: neither the script's shell nor its sleep. Killed
	 * processes can take a moment to vanish from /proc. */
	for (int tries = 0; tries < 40; tries++) {
		char *sleep_cmd = t_strdupf("sleep %s", marker);

		left = processes_with(sleep_cmd, pids, 16) + processes_with(fake, pids, 16);
		free(sleep_cmd);
		if (left == 0)
			break;
		usleep(50000);
	}
	if (left) {
		/* Ours to end, so that a failure does not leave them running for a minute. */
		char *sleep_cmd = t_strdupf("sleep %s", marker);
		size_t k = processes_with(sleep_cmd, pids, 16);

		k += processes_with(fake, pids + k, 16 - k);
		for (size_t i = 0; i < k; i++) {
			fprintf(stderr, "left behind: pid %d\n", (int)pids[i]);
			kill(pids[i], SIGKILL);
		}
		free(sleep_cmd);
	}
	ck_assert_uint_eq(left, 0);

	free(out);
	free(err);
	free(fake);
	free(marker);
	free(script);
	free(env);
	ctx_done(&c);
}
END_TEST

START_TEST(fake_python_prints_garbage)
{
	struct ctx c;

	ctx_init(&c, "garbage");
	expect_query_failure(&c, "python-garbage", "#!/bin/sh\necho 'Hello, I am not a Python'\n",
			     (const char *const[]){ "not the expected JSON", NULL });
	ctx_done(&c);
}
END_TEST

START_TEST(fake_python_answers_wrong_json)
{
	struct ctx c;
	char *out = NULL, *err = NULL, *fake, *env;

	ctx_init(&c, "wrong-json");
	fake = t_strdupf("%s/python-empty", c.bin);
	env = t_strdupf("%s/env", c.tmp);
	/* JSON, but no facts in it. */
	t_write_file(fake, "#!/bin/sh\necho '{}'\n", true);
	ck_assert_int_eq(VR(&c, NULL, &out, &err, "create", "-p", fake, env), 125);
	assert_one_error_line(err);
	assert_contains(err, fake);
	ck_assert_int_eq(exists(env), false);
	/* A failed query is not cached, whatever made it fail. */
	ck_assert_uint_eq(count_cache_files(&c), 0);
	free(out);
	free(err);
	free(fake);
	free(env);
	ctx_done(&c);
}
END_TEST

START_TEST(fake_python_fails)
{
	struct ctx c;

	ctx_init(&c, "fails");
	expect_query_failure(&c, "python-fails", "#!/bin/sh\necho 'fatal: cannot start' >&2\nexit 3\n",
			     (const char *const[]){ "status 3", "fatal: cannot start", NULL });
	ctx_done(&c);
}
END_TEST

/* Discovery skips a candidate whose query fails, says so with -v, and goes on. */
START_TEST(discovery_skips_broken_candidates)
{
	static const char *const broken[][2] = {
		{ "python3.97", "#!/bin/sh\necho 'not a python'\n" },
		{ "python3.98", "#!/bin/sh\nulimit -c 0\nkill -SEGV $$\n" },
		{ "python3.99", "#!/bin/sh\nexec sleep 30\n" },
	};
	struct ctx c;
	struct pyfacts py;
	char *out = NULL, *err = NULL, *spec;
	json_t *list, *e, *t;
	size_t i, n;

	ctx_init(&c, "broken");
	py_facts(SYSTEM_PYTHON, &py);
	ctx_set(&c, "VENVRUN_QUERY_TIMEOUT_MS=500");
	for (i = 0; i < sizeof broken / sizeof broken[0]; i++) {
		char *f = t_strdupf("%s/%s", c.bin, broken[i][0]);
		t_write_file(f, broken[i][1], true);
		free(f);
	}

	ck_assert_int_eq(VR(&c, NULL, &out, &err, "interpreters", "--json"), 0);
	ck_assert_str_eq(err, "");
	list = parse_json(out);
	ck_assert_ptr_nonnull(find_by_executable(list, py.real, &n));
	json_array_foreach (list, i, e)
		ck_assert_int_ne(strncmp(jstr(e, "executable"), c.bin, strlen(c.bin)), 0);
	json_decref(list);
	free(out);
	free(err);

	ck_assert_int_eq(VR(&c, NULL, &out, &err, "interpreters", "--json", "-v"), 0);
	for (i = 0; i < sizeof broken / sizeof broken[0]; i++) {
		char *line = t_strdupf("venvrun: skipped %s/%s", c.bin, broken[i][0]);
		assert_contains(err, line);
		free(line);
	}
	free(out);
	free(err);

	spec = t_strdupf("%d.%d", py.major, py.minor);
	t = dry_run(&c, NULL, spec);
	ck_assert_str_eq(jstr(interp_of(t), "version"), py.version);
	json_decref(t);

	free(spec);
	py_facts_done(&py);
	ctx_done(&c);
}
END_TEST

/* ===================================================================================== */
/* Version-manager shims                                                                  */
/* ===================================================================================== */

/* A shim that must never run: it leaves a trace and fails. */
static void
write_shim(struct ctx *c, const char *path)
{
	char *s = t_strdupf("#!/bin/sh\necho \"$0\" >> '%s/shim-ran'\nexit 99\n", c->tmp);

	t_write_file(path, s, true);
	free(s);
}

static void
assert_no_shim_ran(struct ctx *c)
{
	char *trace = t_strdupf("%s/shim-ran", c->tmp);

	if (exists(trace)) {
		char *s = t_read_file(trace);
		fprintf(stderr, "shims that ran: %s\n", s);
		free(s);
	}
	ck_assert_int_eq(exists(trace), false);
	free(trace);
}

/* ROOT/VERSION/bin/{python3,python3.X}, symlinks to the system python3: what matters is
 * which path is chosen. */
static void
make_install(const char *versions_dir, const char *version)
{
	char *bin = t_strdupf("%s/%s/bin", versions_dir, version);
	char minor[16], *p3, *p3x;

	snprintf(minor, sizeof minor, "%.*s", (int)(strchr(strchr(version, '.') + 1, '.') - version), version);
	p3 = t_strdupf("%s/python3", bin);
	p3x = t_strdupf("%s/python%s", bin, minor);
	mkdir_p(bin);
	ck_assert_int_eq(symlink(SYSTEM_PYTHON, p3), 0);
	ck_assert_int_eq(symlink(SYSTEM_PYTHON, p3x), 0);
	free(bin);
	free(p3);
	free(p3x);
}

/* TMP/pyenv with versions 3.11.7, 3.12.0 and 3.12.1 and shims for python3, python3.11,
 * python3.12 and python; PATH starts with its shims. */
static void
make_pyenv(struct ctx *c)
{
	static const char *const versions[] = { "3.11.7", "3.12.0", "3.12.1" };
	static const char *const shims[] = { "python", "python3", "python3.11", "python3.12" };
	char *root = t_strdupf("%s/pyenv", c->tmp);
	char *vdir = t_strdupf("%s/versions", root);
	char *sdir = t_strdupf("%s/shims", root);

	for (size_t i = 0; i < sizeof versions / sizeof versions[0]; i++)
		make_install(vdir, versions[i]);
	mkdir_p(sdir);
	for (size_t i = 0; i < sizeof shims / sizeof shims[0]; i++) {
		char *s = t_strdupf("%s/%s", sdir, shims[i]);
		write_shim(c, s);
		free(s);
	}
	ctx_setf(c, "PATH=%s:/usr/bin:/bin", sdir);
	ctx_setf(c, "PYENV_ROOT=%s", root);
	free(root);
	free(vdir);
	free(sdir);
}

/* `-p spec` run in `cwd` resolves to exactly `want` (the path it was found as). */
static void
assert_resolves(struct ctx *c, const char *cwd, const char *spec, const char *want)
{
	json_t *t = dry_run(c, cwd, spec);
	char *real = real_path(SYSTEM_PYTHON);

	ck_assert_str_eq(jstr(interp_of(t), "found_as"), want);
	/* The env's base is the real interpreter, not the shim nor the manager's symlink. */
	ck_assert_str_eq(jstr(interp_of(t), "executable"), real);
	ck_assert_str_eq(jstr(json_object_get(t, "pyvenv_cfg"), "base-executable"), real);
	json_decref(t);
	free(real);
	assert_no_shim_ran(c);
}

/* A version file in `dir` or above it (outside the test's directory) would take part in
 * the version managers' choice: the cases that depend on there being none check first. */
static bool
ancestor_has(const char *dir, const char *name)
{
	char *d = t_strdupf("%s", dir);
	bool found = false;

	for (;;) {
		char *f = t_strdupf("%s/%s", d, name), *s;

		if (exists(f)) {
			fprintf(stderr, "note: %s exists\n", f);
			found = true;
		}
		free(f);
		if (strcmp(d, "/") == 0)
			break;
		s = strrchr(d, '/');
		*(s == d ? s + 1 : s) = 0;
	}
	free(d);
	return found;
}

START_TEST(pyenv_version_variable)
{
	struct ctx c;
	char *want, *local;

	ctx_init(&c, "pyenv-env");
	make_pyenv(&c);
	/* PYENV_VERSION wins over a .python-version file. */
	local = t_strdupf("%s/.python-version", c.work);
	t_write_file(local, "3.11.7\n", false);

	ctx_set(&c, "PYENV_VERSION=3.12.1");
	want = t_strdupf("%s/pyenv/versions/3.12.1/bin/python3", c.tmp);
	assert_resolves(&c, NULL, "python3", want);
	free(want);
	want = t_strdupf("%s/pyenv/versions/3.12.1/bin/python3.12", c.tmp);
	assert_resolves(&c, NULL, "python3.12", want);
	free(want);

	ctx_set(&c, "PYENV_VERSION=3.12.0");
	want = t_strdupf("%s/pyenv/versions/3.12.0/bin/python3", c.tmp);
	assert_resolves(&c, NULL, "python3", want);
	free(want);

	/* Several versions: the first that has the command. */
	ctx_set(&c, "PYENV_VERSION=9.9.9:3.11.7:3.12.1");
	want = t_strdupf("%s/pyenv/versions/3.11.7/bin/python3", c.tmp);
	assert_resolves(&c, NULL, "python3", want);

	/* Without -p: the first python3 on PATH is the shim, resolved the same way. */
	assert_resolves(&c, NULL, NULL, want);
	free(want);

	/* Listing looks at the installs, never at (or into) the shims. */
	{
		char *out = NULL, *err = NULL, *shims = t_strdupf("%s/pyenv/shims/", c.tmp);
		json_t *list, *e;
		size_t i;

		ck_assert_int_eq(VR(&c, NULL, &out, &err, "interpreters", "--json"), 0);
		list = parse_json(out);
		ck_assert_uint_ge(json_array_size(list), 1);
		json_array_foreach (list, i, e)
			ck_assert_int_ne(strncmp(jstr(e, "found_as"), shims, strlen(shims)), 0);
		json_decref(list);
		free(out);
		free(err);
		ck_assert_int_eq(VR(&c, NULL, &out, &err, "interpreters"), 0);
		ck_assert_int_eq(contains(out, shims), false);
		free(out);
		free(err);
		free(shims);
		assert_no_shim_ran(&c);
	}

	free(local);
	ctx_done(&c);
}
END_TEST

START_TEST(pyenv_local_version_file)
{
	struct ctx c;
	char *want, *file, *global, *deep;

	ctx_init(&c, "pyenv-local");
	make_pyenv(&c);
	global = t_strdupf("%s/pyenv/version", c.tmp);
	t_write_file(global, "3.12.1\n", false);
	file = t_strdupf("%s/.python-version", c.work);
	t_write_file(file, "3.11.7\n", false);
	want = t_strdupf("%s/pyenv/versions/3.11.7/bin/python3", c.tmp);

	/* In the directory of the file, and below it. */
	assert_resolves(&c, c.work, "python3", want);
	deep = t_strdupf("%s/sub/deeper", c.work);
	mkdir_p(deep);
	assert_resolves(&c, deep, "python3", want);

	/* Comments and blank lines are not versions. */
	t_write_file(file, "# the project's python\n\n3.12.0\n", false);
	free(want);
	want = t_strdupf("%s/pyenv/versions/3.12.0/bin/python3", c.tmp);
	assert_resolves(&c, deep, "python3", want);

	free(want);
	free(file);
	free(global);
	free(deep);
	ctx_done(&c);
}
END_TEST

START_TEST(pyenv_global_version_file)
{
	struct ctx c;
	char *want, *global;

	ctx_init(&c, "pyenv-global");
	if (ancestor_has(c.work, ".python-version")) {
		fprintf(stderr, "note: a .python-version above %s; skipping the global version check\n", c.work);
		ctx_done(&c);
		return;
	}
	make_pyenv(&c);
	global = t_strdupf("%s/pyenv/version", c.tmp);
	/* Not the newest: proves the file is read. */
	t_write_file(global, "3.11.7\n", false);
	want = t_strdupf("%s/pyenv/versions/3.11.7/bin/python3", c.tmp);
	assert_resolves(&c, NULL, "python3", want);
	free(want);

	t_write_file(global, "3.12.0\n", false);
	want = t_strdupf("%s/pyenv/versions/3.12.0/bin/python3", c.tmp);
	assert_resolves(&c, NULL, "python3", want);
	free(want);

	free(global);
	ctx_done(&c);
}
END_TEST

START_TEST(pyenv_system_falls_through)
{
	struct ctx c;
	char *file;

	ctx_init(&c, "pyenv-system");
	make_pyenv(&c);
	ctx_set(&c, "PYENV_VERSION=system");
	/* The shims directory comes first on PATH; "system" is the next python3 on it. */
	assert_resolves(&c, NULL, "python3", SYSTEM_PYTHON);

	ctx_set(&c, "PYENV_VERSION");
	file = t_strdupf("%s/.python-version", c.work);
	t_write_file(file, "system\n", false);
	assert_resolves(&c, NULL, "python3", SYSTEM_PYTHON);
	free(file);
	ctx_done(&c);
}
END_TEST

START_TEST(pyenv_version_prefix)
{
	struct ctx c;
	char *want;

	ctx_init(&c, "pyenv-prefix");
	make_pyenv(&c);
	/* "3.12" is the newest installed 3.12.x, as pyenv resolves it. */
	ctx_set(&c, "PYENV_VERSION=3.12");
	want = t_strdupf("%s/pyenv/versions/3.12.1/bin/python3", c.tmp);
	assert_resolves(&c, NULL, "python3", want);
	free(want);

	ctx_set(&c, "PYENV_VERSION=3.11");
	want = t_strdupf("%s/pyenv/versions/3.11.7/bin/python3", c.tmp);
	assert_resolves(&c, NULL, "python3", want);
	free(want);
	ctx_done(&c);
}
END_TEST

/* TMP/asdf with installs/python/{3.11.7,3.12.1} and a python3 shim; PATH starts with its
 * shims. */
static void
make_asdf(struct ctx *c)
{
	char *installs = t_strdupf("%s/asdf/installs/python", c->tmp);
	char *sdir = t_strdupf("%s/asdf/shims", c->tmp);
	char *shim = t_strdupf("%s/python3", sdir);

	make_install(installs, "3.11.7");
	make_install(installs, "3.12.1");
	mkdir_p(sdir);
	write_shim(c, shim);
	ctx_setf(c, "PATH=%s:/usr/bin:/bin", sdir);
	free(installs);
	free(sdir);
	free(shim);
}

START_TEST(asdf_tool_versions)
{
	struct ctx c;
	char *want, *file, *deep;

	ctx_init(&c, "asdf-local");
	make_asdf(&c);
	file = t_strdupf("%s/.tool-versions", c.work);
	t_write_file(file, "nodejs 20.11.0\npython 3.11.7 # the project's\nruby 3.3.0\n", false);
	want = t_strdupf("%s/asdf/installs/python/3.11.7/bin/python3", c.tmp);
	assert_resolves(&c, NULL, "python3", want);
	deep = t_strdupf("%s/a/b", c.work);
	mkdir_p(deep);
	assert_resolves(&c, deep, "python3", want);
	free(want);

	/* The variables win over the file. */
	ctx_set(&c, "ASDF_PYTHON_VERSION=3.12.1");
	want = t_strdupf("%s/asdf/installs/python/3.12.1/bin/python3", c.tmp);
	assert_resolves(&c, NULL, "python3", want);
	ctx_set(&c, "ASDF_PYTHON_VERSION");
	ctx_set(&c, "MISE_PYTHON_VERSION=3.12.1");
	assert_resolves(&c, NULL, "python3", want);
	free(want);

	free(file);
	free(deep);
	ctx_done(&c);
}
END_TEST

START_TEST(asdf_home_tool_versions)
{
	struct ctx c;
	char *want, *file;

	ctx_init(&c, "asdf-home");
	if (ancestor_has(c.work, ".tool-versions")) {
		fprintf(stderr, "note: a .tool-versions above %s; skipping the global version check\n", c.work);
		ctx_done(&c);
		return;
	}
	make_asdf(&c);
	/* Nothing chosen anywhere: the newest install. */
	want = t_strdupf("%s/asdf/installs/python/3.12.1/bin/python3", c.tmp);
	assert_resolves(&c, NULL, "python3", want);
	free(want);

	/* ~/.tool-versions is the global choice. */
	file = t_strdupf("%s/.tool-versions", c.home);
	t_write_file(file, "python 3.11.7\n", false);
	want = t_strdupf("%s/asdf/installs/python/3.11.7/bin/python3", c.tmp);
	assert_resolves(&c, NULL, "python3", want);
	free(want);

	free(file);
	ctx_done(&c);
}
END_TEST

/* ===================================================================================== */
/* Spec forms, end to end                                                                 */
/* ===================================================================================== */

START_TEST(spec_path)
{
	struct ctx c;
	struct pyfacts py;
	json_t *t, *cfg;
	char *home;

	ctx_init(&c, "spec-path");
	py_facts(SYSTEM_PYTHON, &py);
	t = dry_run(&c, NULL, SYSTEM_PYTHON);
	assert_is(interp_of(t), &py);
	ck_assert_str_eq(jstr(interp_of(t), "found_as"), SYSTEM_PYTHON);
	ck_assert_str_eq(jstr(t, "action"), "create");
	cfg = json_object_get(t, "pyvenv_cfg");
	home = dir_of(py.real);
	ck_assert_str_eq(jstr(cfg, "home"), home);
	ck_assert_str_eq(jstr(cfg, "version"), py.version);
	ck_assert_str_eq(jstr(cfg, "base-executable"), py.real);
	json_decref(t);
	free(home);
	py_facts_done(&py);
	ctx_done(&c);
}
END_TEST

START_TEST(spec_command_on_path)
{
	struct ctx c;
	struct pyfacts py;
	json_t *t;
	char *link;

	ctx_init(&c, "spec-command");
	py_facts(SYSTEM_PYTHON, &py);
	t = dry_run(&c, NULL, "python3");
	assert_is(interp_of(t), &py);
	ck_assert_str_eq(jstr(interp_of(t), "found_as"), SYSTEM_PYTHON);
	json_decref(t);

	/* PATH order: TMP/bin comes first. */
	link = t_strdupf("%s/python3", c.bin);
	ck_assert_int_eq(symlink(SYSTEM_PYTHON, link), 0);
	t = dry_run(&c, NULL, "python3");
	assert_is(interp_of(t), &py);
	ck_assert_str_eq(jstr(interp_of(t), "found_as"), link);
	json_decref(t);

	free(link);
	py_facts_done(&py);
	ctx_done(&c);
}
END_TEST

START_TEST(spec_default)
{
	struct ctx c;
	struct pyfacts py, pp;
	json_t *t;
	char *link;

	ctx_init(&c, "spec-default");
	py_facts(SYSTEM_PYTHON, &py);
	/* No -p: the first python3 on PATH. */
	link = t_strdupf("%s/python3", c.bin);
	ck_assert_int_eq(symlink(SYSTEM_PYTHON, link), 0);
	t = dry_run(&c, NULL, NULL);
	assert_is(interp_of(t), &py);
	ck_assert_str_eq(jstr(interp_of(t), "found_as"), link);
	json_decref(t);

	/* ... unless $VENVRUN_PYTHON names a spec. */
	if (have_pypy()) {
		py_facts(SYSTEM_PYPY, &pp);
		ctx_setf(&c, "VENVRUN_PYTHON=pypy%d.%d", pp.major, pp.minor);
		t = dry_run(&c, NULL, NULL);
		assert_is(interp_of(t), &pp);
		json_decref(t);
		/* -p still wins. */
		t = dry_run(&c, NULL, "python3");
		assert_is(interp_of(t), &py);
		json_decref(t);
		py_facts_done(&pp);
	}

	free(link);
	py_facts_done(&py);
	ctx_done(&c);
}
END_TEST

/* A path is a path however long (within PATH_MAX), not a spec of at most 255 bytes. */
START_TEST(spec_long_path)
{
	struct ctx c;
	struct pyfacts py;
	char *dir, *link;
	json_t *t;

	ctx_init(&c, "spec-long");
	py_facts(SYSTEM_PYTHON, &py);
	dir = t_strdupf("%s/%s/%s", c.tmp,
			"a-directory-name-of-some-length-0123456789-0123456789-0123456789-0123456789-0123456789",
			"another-directory-name-of-some-length-0123456789-0123456789-0123456789-0123456789-0123");
	mkdir_p(dir);
	link = t_strdupf("%s/bin-python3-with-a-long-name-as-well-0123456789-0123456789-0123456789-012", dir);
	ck_assert_int_gt((int)strlen(link), 300);
	ck_assert_int_lt((int)strlen(link), PATH_MAX);
	ck_assert_int_eq(symlink(SYSTEM_PYTHON, link), 0);
	t = dry_run(&c, NULL, link);
	assert_is(interp_of(t), &py);
	ck_assert_str_eq(jstr(interp_of(t), "found_as"), link);
	json_decref(t);
	free(dir);
	free(link);
	py_facts_done(&py);
	ctx_done(&c);
}
END_TEST

START_TEST(spec_versions)
{
	struct ctx c;
	struct pyfacts py;
	bool exact_path = !usr_local_has_pythons();
	char *specs[6];

	ctx_init(&c, "spec-version");
	py_facts(SYSTEM_PYTHON, &py);
	specs[0] = t_strdupf("%d.%d", py.major, py.minor);
	specs[1] = t_strdupf("%d.%d.%d", py.major, py.minor, py.micro);
	/* Not a command on PATH: read as an implementation and version. */
	specs[2] = t_strdupf("cpython%d.%d", py.major, py.minor);
	specs[3] = t_strdupf("==%d.%d.*", py.major, py.minor);
	specs[4] = t_strdupf(">=%d.%d, <%d.%d", py.major, py.minor, py.major, py.minor + 1);
	specs[5] = t_strdupf("cpython~=%d.%d.%d", py.major, py.minor, py.micro);

	for (size_t i = 0; i < sizeof specs / sizeof specs[0]; i++) {
		json_t *t = dry_run(&c, NULL, specs[i]);
		json_t *p = interp_of(t);

		ck_assert_str_eq(jstr(p, "implementation"), "cpython");
		ck_assert_str_eq(jstr(p, "version"), py.version);
		if (exact_path)
			ck_assert_str_eq(jstr(p, "executable"), py.real);
		json_decref(t);
		free(specs[i]);
	}
	py_facts_done(&py);
	ctx_done(&c);
}
END_TEST

START_TEST(spec_pypy)
{
	struct ctx c;
	struct pyfacts pp;
	char *specs[4];

	if (!have_pypy())
		return;
	ctx_init(&c, "spec-pypy");
	py_facts(SYSTEM_PYPY, &pp);
	ck_assert_str_eq(pp.impl, "pypy");
	/* With /usr/bin (and /bin, its alias on merged-/usr systems) off PATH, no command
	 * "pypy3.9" is found, and the spec is read as implementation and version: discovery
	 * still finds /usr/bin's PyPy, as it always searches /usr/bin after PATH. */
	ctx_setf(&c, "PATH=%s", c.bin);
	specs[0] = t_strdupf("pypy%d.%d", pp.major, pp.minor);
	specs[1] = t_strdupf("pypy>=%d.%d", pp.major, pp.minor);
	specs[2] = t_strdupf("pypy");
	specs[3] = t_strdupf("pypy%d", pp.major);
	for (size_t i = 0; i < sizeof specs / sizeof specs[0]; i++) {
		json_t *t = dry_run(&c, NULL, specs[i]);

		assert_is(interp_of(t), &pp);
		json_decref(t);
		free(specs[i]);
	}

	/* On PATH, "pypy3" is a command. */
	ctx_set(&c, "PATH=/usr/bin:/bin");
	{
		json_t *t = dry_run(&c, NULL, "pypy3");

		assert_is(interp_of(t), &pp);
		ck_assert_str_eq(jstr(interp_of(t), "found_as"), SYSTEM_PYPY);
		json_decref(t);
	}
	py_facts_done(&pp);
	ctx_done(&c);
}
END_TEST

START_TEST(spec_matches_nothing)
{
	struct ctx c;
	struct pyfacts py, pp;
	char *env, *parent, *out = NULL, *err = NULL, *found;
	bool pypy = have_pypy();

	ctx_init(&c, "spec-none");
	py_facts(SYSTEM_PYTHON, &py);
	parent = t_strdupf("%s/envs", c.tmp);
	env = t_strdupf("%s/e", parent);
	ck_assert_int_eq(VR(&c, NULL, &out, &err, "create", "-p", ">=99", env), 125);
	assert_one_error_line(err);
	assert_contains(err, "no interpreter matches '>=99'");
	/* ... and says what was found. */
	found = t_strdupf("CPython %s", py.version);
	assert_contains(err, "found: ");
	assert_contains(err, found);
	free(found);
	if (pypy) {
		py_facts(SYSTEM_PYPY, &pp);
		found = t_strdupf("PyPy %s", pp.version);
		assert_contains(err, found);
		free(found);
		py_facts_done(&pp);
	}
	ck_assert_str_eq(out, "");
	ck_assert_int_eq(exists(env), false);
	ck_assert_int_eq(exists(parent), false);
	free(out);
	free(err);

	/* The same through a dry run. */
	ck_assert_int_eq(VR(&c, NULL, &out, &err, "create", "--dry-run", "--json", "-p", "pypy<3", env), 125);
	assert_one_error_line(err);
	assert_contains(err, "no interpreter matches 'pypy<3'");
	ck_assert_str_eq(out, "");

	free(out);
	free(err);
	free(env);
	free(parent);
	py_facts_done(&py);
	ctx_done(&c);
}
END_TEST

START_TEST(spec_verbose_explains)
{
	struct ctx c;
	struct pyfacts py;
	char *out = NULL, *err = NULL, *env, *spec, *save = NULL, *pypy_real = NULL;
	bool saw_match = false, saw_chose = false, saw_pypy_rejected = false;
	int lines = 0;
	json_t *t;

	ctx_init(&c, "spec-verbose");
	py_facts(SYSTEM_PYTHON, &py);
	if (have_pypy())
		pypy_real = real_path(SYSTEM_PYPY);
	env = t_strdupf("%s/env", c.tmp);
	spec = t_strdupf("%d.%d", py.major, py.minor);
	ck_assert_int_eq(VR(&c, NULL, &out, &err, "create", "-v", "--dry-run", "--json", "-p", spec, env), 0);
	/* The explanation goes to stderr; stdout stays one JSON document. */
	t = parse_json(out);
	ck_assert_str_eq(jstr(interp_of(t), "version"), py.version);
	json_decref(t);

	for (char *line = strtok_r(err, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		lines++;
		ck_assert_int_eq(strncmp(line, "venvrun: ", 9), 0);
		if (contains(line, py.real) && contains(line, ": matches"))
			saw_match = true;
		if (strncmp(line, "venvrun: chose ", 15) == 0 && contains(line, py.version))
			saw_chose = true;
		if (pypy_real && contains(line, pypy_real) && contains(line, "does not match"))
			saw_pypy_rejected = true;
	}
	ck_assert_int_ge(lines, 2);
	ck_assert_int_eq(saw_match, true);
	ck_assert_int_eq(saw_chose, true);
	ck_assert_int_eq(saw_pypy_rejected, pypy_real != NULL);
	ck_assert_int_eq(exists(env), false);

	free(out);
	free(err);
	free(env);
	free(spec);
	free(pypy_real);
	py_facts_done(&py);
	ctx_done(&c);
}
END_TEST

START_TEST(spec_that_does_not_parse)
{
	struct ctx c;
	char *out = NULL, *err = NULL, *env, *parent;

	ctx_init(&c, "spec-bad");
	parent = t_strdupf("%s/envs", c.tmp);
	env = t_strdupf("%s/e", parent);
	ck_assert_int_eq(VR(&c, NULL, &out, &err, "create", "-p", "3.x", env), 125);
	assert_one_error_line(err);
	assert_contains(err, "'3.x'");
	ck_assert_str_eq(out, "");
	ck_assert_int_eq(exists(env), false);
	ck_assert_int_eq(exists(parent), false);
	free(out);
	free(err);

	ck_assert_int_eq(VR(&c, NULL, &out, &err, "create", "--dry-run", "-p", ">=3.10,,<3.13", env), 125);
	assert_one_error_line(err);
	assert_contains(err, "'>=3.10,,<3.13'");
	free(out);
	free(err);

	ck_assert_int_eq(VR(&c, NULL, &out, &err, "create", "-p", "", env), 125);
	assert_one_error_line(err);
	ck_assert_int_eq(exists(env), false);

	free(out);
	free(err);
	free(env);
	free(parent);
	ctx_done(&c);
}
END_TEST

/* ===================================================================================== */
/* Unsupported interpreters, from a real pyenv when this machine has one                  */
/* ===================================================================================== */

/* A pyenv root with installed versions, or NULL. */
static char *
machine_pyenv_root(void)
{
	const char *home = getenv("HOME");
	char *candidates[3] = {
		getenv("PYENV_ROOT") && getenv("PYENV_ROOT")[0] == '/' ? t_strdupf("%s", getenv("PYENV_ROOT")) : NULL,
		home && home[0] == '/' ? t_strdupf("%s/.pyenv", home) : NULL,
		t_strdupf("/root/.pyenv"),
	};
	char *root = NULL;

	for (size_t i = 0; i < 3; i++) {
		char *v = candidates[i] ? t_strdupf("%s/versions", candidates[i]) : NULL;
		struct stat st;

		if (!root && v && stat(v, &st) == 0 && S_ISDIR(st.st_mode))
			root = t_strdupf("%s", candidates[i]);
		free(v);
		free(candidates[i]);
	}
	return root;
}

/* ROOT/versions/X.Y.*, bin/pythonX.Y in it: the interpreter's path, or NULL. */
static char *
pyenv_python(const char *root, const char *xy)
{
	char *vdir = t_strdupf("%s/versions", root), *found = NULL;
	DIR *d = opendir(vdir);
	struct dirent *de;

	while (d && (de = readdir(d))) {
		size_t n = strlen(xy);
		char *p;

		if (found || strncmp(de->d_name, xy, n) != 0 || de->d_name[n] != '.')
			continue;
		p = t_strdupf("%s/%s/bin/python%s", vdir, de->d_name, xy);
		if (access(p, X_OK) == 0)
			found = p;
		else
			free(p);
	}
	if (d)
		closedir(d);
	free(vdir);
	if (!found)
		fprintf(stderr, "note: no Python %s under %s/versions; skipping its checks\n", xy, root);
	return found;
}

static void
expect_unsupported(struct ctx *c, const char *spec, const char *names)
{
	char *out = NULL, *err = NULL, *env = t_strdupf("%s/env", c->tmp), *quoted = t_strdupf("'%s'", spec);

	ck_assert_int_eq(VR(c, NULL, &out, &err, "create", "-p", spec, env), 125);
	assert_one_error_line(err);
	assert_contains(err, "not supported");
	assert_contains(err, names);
	if (spec[0] != '/')
		assert_contains(err, quoted);
	ck_assert_str_eq(out, "");
	ck_assert_int_eq(exists(env), false);
	free(out);
	free(err);
	free(env);
	free(quoted);
}

START_TEST(pyenv_old_pythons_unsupported)
{
	struct ctx c;
	char *root = machine_pyenv_root(), *py36, *py27, *py312;

	if (!root) {
		fprintf(stderr, "note: this machine has no pyenv versions; skipping\n");
		return;
	}
	ctx_init(&c, "pyenv-old");
	/* Found through PYENV_ROOT's versions, not through shims on PATH. */
	ctx_setf(&c, "PYENV_ROOT=%s", root);

	py36 = pyenv_python(root, "3.6");
	if (py36) {
		expect_unsupported(&c, "3.6", "3.6.");
		expect_unsupported(&c, py36, "3.6.");
	}
	py27 = pyenv_python(root, "2.7");
	if (py27) {
		expect_unsupported(&c, "2.7", "2.7.");
		expect_unsupported(&c, py27, "Python 2");
	}
	/* A supported one from the same root is found and reported as it says. */
	py312 = pyenv_python(root, "3.12");
	if (py312) {
		struct pyfacts f;
		json_t *t;

		py_facts(py312, &f);
		t = dry_run(&c, NULL, "3.12");
		assert_is(interp_of(t), &f);
		ck_assert_int_eq(strncmp(jstr(interp_of(t), "found_as"), root, strlen(root)), 0);
		json_decref(t);
		py_facts_done(&f);
	}
	free(py36);
	free(py27);
	free(py312);
	free(root);
	ctx_done(&c);
}
END_TEST

static const struct t_case cases[] = {
	T_CASE(interpreters_json_lists_system_pythons),
	T_CASE(interpreters_text_marks_default),
	T_CASE(fake_python_answer_is_cached),
	T_CASE(fake_python_crashes),
	T_CASE(fake_python_hangs),
	T_CASE(fake_python_prints_garbage),
	T_CASE(fake_python_answers_wrong_json),
	T_CASE(fake_python_fails),
	T_CASE(discovery_skips_broken_candidates),
	T_CASE(pyenv_version_variable),
	T_CASE(pyenv_local_version_file),
	T_CASE(pyenv_global_version_file),
	T_CASE(pyenv_system_falls_through),
	T_CASE(pyenv_version_prefix),
	T_CASE(asdf_tool_versions),
	T_CASE(asdf_home_tool_versions),
	T_CASE(spec_path),
	T_CASE(spec_command_on_path),
	T_CASE(spec_default),
	T_CASE(spec_long_path),
	T_CASE(spec_versions),
	T_CASE(spec_pypy),
	T_CASE(spec_matches_nothing),
	T_CASE(spec_verbose_explains),
	T_CASE(spec_that_does_not_parse),
	T_CASE(pyenv_old_pythons_unsupported),
};

int
main(void)
{
	const char *base = getenv("TMPDIR");
	char *parent = NULL;
	int r;

	if (access(SYSTEM_PYTHON, X_OK) < 0) {
		fprintf(stderr, "skip: %s is missing: %s\n", SYSTEM_PYTHON, strerror(errno));
		return T_EXIT_SKIP;
	}
	/* Each case makes its own directory under this one, which goes when the suite ends:
	 * a failed case (its process ends at the failed assertion) leaves nothing behind. */
	if (asprintf(&parent, "%s/venvrun-test-interpreters-XXXXXX", base && *base ? base : "/tmp") < 0 ||
	    !mkdtemp(parent)) {
		perror("mkdtemp");
		return EXIT_FAILURE;
	}
	setenv("TMPDIR", parent, 1);
	r = t_run_suite(T_SUITE("interpreters", cases));
	t_rm_rf(parent);
	free(parent);
	return r;
}
