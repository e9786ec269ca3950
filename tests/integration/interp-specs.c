/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The test-interpreters cases about `-p SPEC` end to end: paths, commands on PATH, the
 * default, versions and PyPy, specs that match nothing or do not parse, -v's
 * explanation, and interpreters too old to support (from a real pyenv when this machine
 * has one).
 */
#include "config.h"

#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "interp-helpers.h"

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

const struct t_case interp_specs_cases[] = {
	/* spec forms */
	T_CASE(spec_path),
	T_CASE(spec_command_on_path),
	T_CASE(spec_default),
	T_CASE(spec_long_path),
	T_CASE(spec_versions),
	T_CASE(spec_pypy),
	T_CASE(spec_matches_nothing),
	T_CASE(spec_verbose_explains),
	T_CASE(spec_that_does_not_parse),
	/* unsupported interpreters */
	T_CASE(pyenv_old_pythons_unsupported),
	{ NULL, NULL },
};
