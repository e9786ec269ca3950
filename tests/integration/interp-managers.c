/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The test-interpreters cases about version managers: pyenv and asdf (and mise's
 * variable) choose the interpreter through their variables and version files, and their
 * shims, scripts that exit 99 and leave a trace if run, are resolved, never run.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "interp-helpers.h"

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

const struct t_case interp_managers_cases[] = {
	/* pyenv */
	T_CASE(pyenv_version_variable),
	T_CASE(pyenv_local_version_file),
	T_CASE(pyenv_global_version_file),
	T_CASE(pyenv_system_falls_through),
	T_CASE(pyenv_version_prefix),
	/* asdf */
	T_CASE(asdf_tool_versions),
	T_CASE(asdf_home_tool_versions),
	{ NULL, NULL },
};
