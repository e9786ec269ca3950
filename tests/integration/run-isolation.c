/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The test-run cases about isolation: what a program in an env can see and reach. Envs
 * do not see each other's packages, the caller's PYTHONPATH or user site, a sibling env
 * under the working directory; inside, sys.path, the environment and the visible trees
 * are the env's alone, and no other Python of the host runs.
 */
#include "config.h"

#include <errno.h>
#include <ftw.h>
#include <glob.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "macro.h"
#include "strv.h"

#include "run-helpers.h"

/* ---- non-interference ------------------------------------------------------------------ */

static void
noninterference(enum who w)
{
	_cleanup_free_ char *wheels = NULL, *usersite = NULL, *pypath = NULL, *pp_env = NULL;
	struct env_facts a, b;
	json_t *j;

	if (!begin(w))
		return;
	wheels = make_wheels();
	a = make_venv("A", true);
	b = make_venv("B", true);
	install_marker(a.path, wheels, 1);
	install_marker(b.path, wheels, 2);

	/* marker 3: in the user site of the caller's HOME, and in a directory on PYTHONPATH. */
	usersite = t_strdupf("%s/.local/lib/python%s/site-packages", home, a.xy);
	pypath = t_path(scratch, "pythonpath");
	put_marker(usersite, 3);
	put_marker(pypath, 3);
	pp_env = t_strdupf("PYTHONPATH=%s", pypath);
	hand_over();

	char *extra[] = { pp_env, NULL };
	char *front[] = { b.site, "/usr/lib/python3/dist-packages", usersite, pypath, NULL };

	/* Each env sees its own, whatever the caller's PYTHONPATH and user site say. */
	j = marker_in(true, a.path, NULL, extra, NULL);
	ck_assert_int_eq(marker_version(j), 1);
	ck_assert_msg(json_is_null(json_object_get(j, "PYTHONPATH")), "PYTHONPATH leaked into the sandbox");
	json_decref(j);
	j = marker_in(true, b.path, NULL, extra, NULL);
	ck_assert_int_eq(marker_version(j), 2);
	json_decref(j);

	/* Inside A, B's site-packages, the system dist-packages, the user site and the
	 * PYTHONPATH directory put first on sys.path change nothing: they are absent or empty
	 * there. */
	j = marker_in(true, a.path, front, extra, NULL);
	ck_assert_int_eq(marker_version(j), 1);
	ck_assert_msg(json_array_size(json_object_get(j, "visible")) == 0, "visible inside A: %s",
		      json_dumps(json_object_get(j, "visible"), JSON_COMPACT));
	json_decref(j);

	/* And the other way round: A's site-packages first in B gives B's. */
	j = marker_in(true, b.path, (char *[]){ a.site, NULL }, extra, NULL);
	ck_assert_int_eq(marker_version(j), 2);
	json_decref(j);

	/* Outside, the same paths do reach B's, the user site's and PYTHONPATH's marker. */
	j = marker_in(false, a.path, (char *[]){ b.site, NULL }, NULL, NULL);
	ck_assert_int_eq(marker_version(j), 2);
	json_decref(j);
	j = marker_in(false, a.path, (char *[]){ usersite, NULL }, NULL, NULL);
	ck_assert_int_eq(marker_version(j), 3);
	json_decref(j);
	j = marker_in(false, a.path, NULL, extra, NULL);
	ck_assert_int_eq(marker_version(j), 3);
	json_decref(j);
	j = marker_in(false, a.path, front, NULL, NULL);
	ck_assert_int_eq(json_array_size(json_object_get(j, "visible")),
			 t_exists("/usr/lib/python3/dist-packages") ? 4 : 3);
	json_decref(j);

	/* PYTHONPATH passes when asked for, and then its directory (bound in) wins: proof that
	 * the PYTHONPATH checks above could fail. */
	{
		_cleanup_free_ char *bind = t_strdupf("%s", pypath);
		char *opts[] = { "--keep-env", "PYTHONPATH", "--ro-bind", bind, NULL };

		j = marker_in(true, a.path, NULL, extra, opts);
		ck_assert_int_eq(marker_version(j), 3);
		ck_assert_str_eq(jstr(j, "PYTHONPATH"), pypath);
		json_decref(j);
	}
	env_facts_done(&a);
	env_facts_done(&b);
}

START_TEST(noninterference_as_caller)
{
	noninterference(AS_CALLER);
}
END_TEST

START_TEST(noninterference_as_nobody)
{
	noninterference(AS_NOBODY);
}
END_TEST

/* The documented form of install: venvrun install ENV -- PACKAGES (pip install's args). */
START_TEST(install_passes_pip_install_args)
{
	_cleanup_free_ char *wheels = NULL, *out = NULL, *err = NULL, *init = NULL;
	struct env_facts a;
	int rc;

	if (!begin(AS_CALLER))
		return;
	wheels = make_wheels();
	a = make_venv("A", true);
	rc = vr(&out, &err, "install", "--ro-bind", wheels, a.path, "--", "--no-index", "--find-links", wheels,
		"marker==1", NULL);
	ck_assert_msg(rc == 0, "venvrun install ENV -- --no-index --find-links W marker==1 failed (%d): %s%s", rc, out,
		      err);
	init = t_strdupf("%s/marker/__init__.py", a.site);
	ck_assert_msg(t_exists(init), "install reported success but %s is missing", init);
	env_facts_done(&a);
}
END_TEST

/* A run from a directory that holds both envs (a project with .tox/py311 and .tox/py312,
 * ~/envs/{a,b}): the working directory is bound read-write, and with it the other env. */
static void
sibling_env(enum who w)
{
	_cleanup_free_ char *other_init = NULL, *out = NULL, *err = NULL, *proj = NULL;
	char *saved;
	struct env_facts a, b;
	json_t *j;
	int rc;

	if (!begin(w))
		return;
	/* scratch/proj/{A,B}, run from scratch/proj. (HOME, scratch/home, is beside it: a
	 * working directory that holds HOME is not bound at all.) */
	proj = t_path(scratch, "proj");
	mkdir_p(proj);
	a = make_venv("proj/A", false);
	b = make_venv("proj/B", false);
	put_marker(a.site, 1);
	put_marker(b.site, 2);
	other_init = t_strdupf("%s/marker/__init__.py", b.site);
	hand_over();
	saved = work;
	work = TAKE_PTR(proj);
	j = marker_in(true, a.path, (char *[]){ b.site, NULL }, NULL, NULL);
	ck_assert_msg(marker_version(j) == 1, "inside A, run from the parent of A and B, B's marker was imported (%s)",
		      jstr(j, "file"));
	json_decref(j);
	rc = vr(&out, &err, a.path, "--", "python", "-c",
		"import sys\n"
		"try:\n"
		"    open(sys.argv[1], 'a').close(); print('written')\n"
		"except OSError as e:\n"
		"    print(e.errno)\n",
		other_init, NULL);
	ck_assert_int_eq(rc, 0);
	ck_assert_msg(!streq(out, "written\n"), "a program in A wrote into env B's site-packages");
	free(work);
	work = saved;
	env_facts_done(&a);
	env_facts_done(&b);
}

START_TEST(sibling_env_under_workdir_is_hidden_as_caller)
{
	sibling_env(AS_CALLER);
}
END_TEST

START_TEST(sibling_env_under_workdir_is_hidden_as_nobody)
{
	sibling_env(AS_NOBODY);
}
END_TEST

/* ---- what is inside ------------------------------------------------------------------ */

/* Python installations and site directories on the host, found by walking /usr and /opt
 * a few levels deep: not only those discovery knows. */
static char **walk_pythons, **walk_sites;

static int
walk_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	const char *name = path + ftw->base;

	if (flag == FTW_D) {
		if (streq(name, "site-packages") || streq(name, "dist-packages")) {
			vr_strv_push(&walk_sites, path);
			return FTW_SKIP_SUBTREE;
		}
		return ftw->level >= 8 ? FTW_SKIP_SUBTREE : FTW_CONTINUE;
	}
	if ((flag == FTW_F || flag == FTW_SL) && (vr_startswith(name, "python") || vr_startswith(name, "pypy"))) {
		const char *v = name + (name[1] == 'y' && name[2] == 't' ? 6 : 4);

		/* python, python3, python3.12, pypy3.9: not python3-config, pypy3compile. */
		if (strspn(v, "0123456789.") == strlen(v) && (flag == FTW_SL || (st->st_mode & 0111)))
			vr_strv_push(&walk_pythons, path);
	}
	return FTW_CONTINUE;
}

static void
walk_host(void)
{
	const char *roots[] = { "/usr", "/opt" };
	const char *pyenv = getenv("PYENV_ROOT");
	_cleanup_free_ char *pat1 = NULL, *pat2 = NULL;
	glob_t g;

	for (size_t i = 0; i < ELEMENTSOF(roots); i++)
		if (t_exists(roots[i]))
			nftw(roots[i], walk_one, 32, FTW_PHYS | FTW_ACTIONRETVAL | FTW_MOUNT);
	/* pyenv's CPythons, where the test's environment says they are. */
	pyenv = pyenv && *pyenv ? pyenv : "/root/.pyenv";
	pat1 = t_strdupf("%s/versions/*/bin/python*", pyenv);
	pat2 = t_strdupf("%s/versions/*/lib/python*/site-packages", pyenv);
	if (glob(pat1, 0, NULL, &g) == 0) {
		for (size_t i = 0; i < g.gl_pathc; i++)
			if (!vr_endswith(g.gl_pathv[i], "-config") && !vr_endswith(g.gl_pathv[i], "-gdb.py"))
				vr_strv_push(&walk_pythons, g.gl_pathv[i]);
		globfree(&g);
	}
	if (glob(pat2, 0, NULL, &g) == 0) {
		for (size_t i = 0; i < g.gl_pathc; i++)
			vr_strv_push(&walk_sites, g.gl_pathv[i]);
		globfree(&g);
	}
}

/* The site directories the base interpreter itself names, for the test's HOME. */
static const char base_sites_py[] = "import json, site, sysconfig\n"
				    "d = list(site.getsitepackages()) + [site.getusersitepackages()]\n"
				    "for s in sysconfig.get_scheme_names():\n"
				    "    for k in ('purelib', 'platlib'):\n"
				    "        try:\n"
				    "            d.append(sysconfig.get_paths(s)[k])\n"
				    "        except Exception:\n"
				    "            pass\n"
				    "print(json.dumps(sorted(set(d))))\n";

static const char inside_probe[] =
	"import json, os, sys\n"
	"def look(p):\n"
	"    try:\n"
	"        return sorted(os.listdir(p))\n"
	"    except OSError as e:\n"
	"        return e.errno\n"
	"dirs, secret, envfile = json.loads(sys.argv[1]), sys.argv[2], sys.argv[3]\n"
	"r = {'path': sys.path, 'dirs': {p: look(p) for p in dirs}, 'home': look(os.environ['HOME']),\n"
	"     'env': dict(os.environ)}\n"
	"try:\n"
	"    r['secret'] = open(secret).read()\n"
	"except OSError as e:\n"
	"    r['secret'] = e.errno\n"
	"try:\n"
	"    with open(envfile, 'w') as f:\n"
	"        f.write('x')\n"
	"    r['write'] = 0\n"
	"except OSError as e:\n"
	"    r['write'] = e.errno\n"
	"print(json.dumps(r))\n";

static void
inside_view(enum who w)
{
	_cleanup_free_ char *scripts = NULL, *probe = NULL, *secret = NULL, *usersite = NULL, *out = NULL, *err = NULL,
			    *envfile = NULL, *list = NULL, *basepath_out = NULL;
	_cleanup_free_ char *sites_out = NULL, *visible = strdup("");
	struct env_facts a;
	json_t *want, *basepath, *sites, *dirs, *v, *r;
	const char *key;
	size_t i;
	int rc;

	if (!begin(w))
		return;
	a = make_venv("A", false);
	scripts = t_path(scratch, "scripts");
	probe = t_path(scratch, "scripts/probe.py");
	mkdir_p(scripts);
	t_write_file(probe, inside_probe, false);
	/* The caller's HOME: a secret and a user site with a package in it. */
	secret = t_strdupf("%s/secret.txt", home);
	t_write_file(secret, "the caller's secret\n", false);
	usersite = t_strdupf("%s/.local/lib/python%s/site-packages", home, a.xy);
	put_marker(usersite, 3);
	envfile = t_strdupf("%s/written-by-the-program", a.path);
	hand_over();

	/* The base's stdlib entries, as the base itself prints them with -S. */
	rc = host(&basepath_out, &err, a.base, "-S", "-c", "import json, sys; print(json.dumps(sys.path))", NULL);
	ck_assert_msg(rc == 0, "%s -S: %s", a.base, err);
	basepath = parse_json(a.base, basepath_out);
	want = json_array();
	json_array_append_new(want, json_string(scripts));
	json_array_foreach (basepath, i, v)
		if (!streq(json_string_value(v), ""))
			json_array_append(want, v);
	json_array_append_new(want, json_string(a.site));

	/* Every site directory: the base's own names, and all the host has. */
	free(err);
	err = NULL;
	rc = host(&sites_out, &err, a.base, "-c", base_sites_py, NULL);
	ck_assert_msg(rc == 0, "%s: %s", a.base, err);
	sites = parse_json(a.base, sites_out);
	walk_host();
	for (i = 0; walk_sites && walk_sites[i]; i++)
		json_array_append_new(sites, json_string(walk_sites[i]));
	json_array_append_new(sites, json_string(usersite));
	const char *hidden[] = { "/home", "/run", "/opt", "/srv", "/mnt", "/media", "/root" };
	for (i = 0; i < ELEMENTSOF(hidden); i++)
		json_array_append_new(sites, json_string(hidden[i]));
	list = json_dumps(sites, JSON_COMPACT);

	/* Outside, the user site and the secret are there (the test can fail). */
	ck_assert(t_exists(secret));
	{
		_cleanup_free_ char *m = t_strdupf("%s/marker", usersite);
		ck_assert(t_exists(m));
	}

	free(out);
	free(err);
	out = err = NULL;
	/* The caller's environment carries what must not pass unless asked for. */
	_cleanup_free_ char *pp = t_strdupf("PYTHONPATH=%s", scripts),
			    *ub = t_strdupf("PYTHONUSERBASE=%s/.local", home);
	_cleanup_free_ char *st = t_strdupf("PYTHONSTARTUP=%s", probe);
	char *callers[] = { pp,
			    ub,
			    st,
			    "PYTHONHOME=/nonexistent-vrtest",
			    "LD_LIBRARY_PATH=/nonexistent-vrtest",
			    "LD_PRELOAD=",
			    "VRTEST_CALLER_TOKEN=leaked",
			    NULL };
	_cleanup_strv_free_ char **probe_argv = NULL;

	vr_strv_push(&probe_argv, t_venvrun_bin());
	vr_strv_push(&probe_argv, "--ro-bind");
	vr_strv_push(&probe_argv, scripts);
	vr_strv_push(&probe_argv, a.path);
	vr_strv_push(&probe_argv, "--");
	vr_strv_push(&probe_argv, "python");
	vr_strv_push(&probe_argv, probe);
	vr_strv_push(&probe_argv, list);
	vr_strv_push(&probe_argv, secret);
	vr_strv_push(&probe_argv, envfile);
	rc = run_argv(callers, &out, &err, probe_argv);
	ck_assert_msg(rc == 0, "probe failed (%d): %s", rc, err);
	r = parse_json("the probe", out);

	/* The environment: cleared, then the env's. */
	{
		json_t *env = json_object_get(r, "env");
		_cleanup_free_ char *bin = t_strdupf("%s/bin:", a.path);
		const char *gone[] = { "PYTHONPATH",	  "PYTHONUSERBASE", "PYTHONSTARTUP",	  "PYTHONHOME",
				       "LD_LIBRARY_PATH", "LD_PRELOAD",	    "VRTEST_CALLER_TOKEN" };

		for (i = 0; i < ELEMENTSOF(gone); i++)
			ck_assert_msg(!json_object_get(env, gone[i]), "%s passed into the sandbox", gone[i]);
		ck_assert_str_eq(jstr(env, "VIRTUAL_ENV"), a.path);
		ck_assert_msg(vr_startswith(jstr(env, "PATH"), bin), "PATH inside is '%s'", jstr(env, "PATH"));
		ck_assert_str_eq(jstr(env, "PYTHONNOUSERSITE"), "1");
		ck_assert_str_eq(jstr(env, "HOME"), home);
	}

	/* sys.path: the script's directory, the base's stdlib entries, the env's site. */
	{
		char *got = json_dumps(json_object_get(r, "path"), JSON_COMPACT), *exp = json_dumps(want, JSON_COMPACT);

		ck_assert_str_eq(got, exp);
		free(got);
		free(exp);
	}
	/* Every other site directory and the hidden trees: absent or empty. */
	dirs = json_object_get(r, "dirs");
	json_object_foreach (dirs, key, v) {
		if (streq(key, a.site) || json_is_integer(v) || (json_is_array(v) && json_array_size(v) == 0))
			continue;
		char *t = t_strdupf("%s\n  %s: %zu entries", visible, key, json_array_size(v));
		free(visible);
		visible = t;
	}
	ck_assert_msg(streq(visible, ""), "visible inside the sandbox:%s", visible);
	/* The caller's HOME: empty, its files unreadable. */
	v = json_object_get(r, "home");
	ck_assert_msg(json_is_integer(v) || json_array_size(v) == 0, "HOME is not empty inside: %s",
		      json_dumps(v, JSON_COMPACT));
	ck_assert_msg(json_is_integer(json_object_get(r, "secret")), "the caller's secret was read inside");
	/* The env is read-only in a run. */
	ck_assert_int_eq(json_integer_value(json_object_get(r, "write")), EROFS);
	ck_assert(!t_exists(envfile));
	json_decref(r);

	/* ... and writable with --writable-env. */
	free(out);
	free(err);
	out = err = NULL;
	rc = vr(&out, &err, "--writable-env", "--ro-bind", scripts, a.path, "--", "python", probe, "[]", secret,
		envfile, NULL);
	ck_assert_msg(rc == 0, "probe with --writable-env failed (%d): %s", rc, err);
	r = parse_json("the probe", out);
	ck_assert_int_eq(json_integer_value(json_object_get(r, "write")), 0);
	json_decref(r);
	{
		_cleanup_free_ char *content = t_read_file(envfile);

		ck_assert_ptr_nonnull(content);
		ck_assert_str_eq(content, "x");
	}
	json_decref(want);
	json_decref(basepath);
	json_decref(sites);
	env_facts_done(&a);
}

START_TEST(inside_view_as_caller)
{
	inside_view(AS_CALLER);
}
END_TEST

START_TEST(inside_view_as_nobody)
{
	inside_view(AS_NOBODY);
}
END_TEST

/* No Python but the env's interpreter runs inside: every other one the host has (that runs
 * on the host for this user) fails to execute. */
static void
no_other_python(enum who w)
{
	_cleanup_free_ char *base_real = NULL, *out = NULL, *err = NULL, *ran = strdup("");
	struct env_facts a;
	size_t tried = 0;

	if (!begin(w))
		return;
	a = make_venv("A", false);
	base_real = realpath(a.base, NULL);
	ck_assert_ptr_nonnull(base_real);
	walk_host();

	/* The control: the env's own interpreter runs. */
	ck_assert_int_eq(vr(&out, &err, a.path, "--", base_real, "-c", "print(12345)", NULL), 0);
	ck_assert_str_eq(out, "12345\n");

	for (size_t i = 0; walk_pythons && walk_pythons[i]; i++) {
		const char *py = walk_pythons[i];
		_cleanup_free_ char *real = realpath(py, NULL), *o = NULL, *e = NULL, *o2 = NULL, *e2 = NULL;
		int rc;

		if (!real || streq(real, base_real))
			continue;
		/* Only what runs here outside is a real candidate. */
		if (host(&o, &e, py, "-c", "print(12345)", NULL) != 0 || !streq(o, "12345\n"))
			continue;
		tried++;
		rc = vr(&o2, &e2, a.path, "--", py, "-c", "print(12345)", NULL);
		if (rc == 126 || rc == 127) {
			ck_assert_str_eq(o2, "");
			t_assert_one_line_error(e2, py);
		} else {
			char *t = t_strdupf("%s\n  %s (%s): status %d, printed '%s'", ran, py, real, rc, o2);
			free(ran);
			ran = t;
		}
	}
	if (tried == 0)
		fprintf(stderr, "note: no Python but the base runs on this host; nothing to try\n");
	else
		fprintf(stderr, "note: tried %zu other Pythons of this host inside the sandbox\n", tried);
	ck_assert_msg(streq(ran, ""), "other Pythons run inside the sandbox:%s", ran);
	env_facts_done(&a);
}

START_TEST(no_other_python_runs_as_caller)
{
	no_other_python(AS_CALLER);
}
END_TEST

START_TEST(no_other_python_runs_as_nobody)
{
	no_other_python(AS_NOBODY);
}
END_TEST

const struct t_case run_isolation_cases[] = {
	/* non-interference */
	T_CASE(noninterference_as_caller),
	T_CASE(noninterference_as_nobody),
	T_CASE(install_passes_pip_install_args),
	T_CASE(sibling_env_under_workdir_is_hidden_as_caller),
	T_CASE(sibling_env_under_workdir_is_hidden_as_nobody),
	/* what is inside */
	T_CASE(inside_view_as_caller),
	T_CASE(inside_view_as_nobody),
	T_CASE(no_other_python_runs_as_caller),
	T_CASE(no_other_python_runs_as_nobody),
	{ NULL, NULL },
};
