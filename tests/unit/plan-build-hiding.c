/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Plan-build cases about hiding what is not the run's: the host's other Python
 * installations (the walk over a fake /usr, its cache, and the plan hiding what the walk
 * finds on this host), and other envs (under the working directory, holding it, brought
 * in by a bind, or on the way to the base), and venvrun's own cache.
 */
#include "config.h"

#include <fcntl.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "venvrun/venvrun.h"

#include "fileio.h"
#include "host-pythons.h"
#include "macro.h"
#include "path.h"
#include "strv.h"
#include "testlib.h"

#include "plan-build-helpers.h"

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
	char *base = realpath(test_dir, NULL);
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
	char *base = realpath(test_dir, NULL);
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
	_cleanup_free_ char *cache = t_strdupf("%s/.cache/venvrun", work_dir);
	json_t *doc;

	/* venvrun's cache under the working directory: a program inside must not be able to
	 * edit the facts a later run trusts. */
	fixture_init(&f);
	ck_assert_int_eq(vr_mkdir_parents(cache, 0755, NULL, NULL), 0);
	f.req.cache_dir = cache;
	doc = build_json(&f.req);
	ck_assert(binds_from(doc, work_dir));
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
	char *env_path = t_strdupf("%s/.venv", work_dir), *bin = t_strdupf("%s/bin", fake_prefix);
	char *exe = t_strdupf("%s/bin/python3.12", fake_prefix);
	char *sib = t_strdupf("%s/.venv2", work_dir), *tox = t_strdupf("%s/.tox/py311", work_dir);
	char *deep = t_strdupf("%s/services/api/.venv", work_dir), *git = t_strdupf("%s/.git/x", work_dir);
	char *outside = t_strdupf("%s/outside-env", test_dir), *link = t_strdupf("%s/linked-env", work_dir);
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
	ck_assert_int_gt(find_mount(doc, "bind", env_path), find_mount(doc, "bind", work_dir));
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
	char *other = t_strdupf("%s/other", test_dir), *src = t_strdupf("%s/other/src", test_dir);
	char *other_site = t_strdupf("%s/other/lib/python3.12/site-packages", test_dir);
	char *data = t_strdupf("%s/data", test_dir), *data_env = t_strdupf("%s/envs/e1", data);
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
	f.req.cwd = work_dir;
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
	char *mid = t_strdupf("%s/mid", work_dir), *mid_bin = t_strdupf("%s/mid/bin", work_dir);
	char *mid_python = t_strdupf("%s/mid/bin/python", work_dir), *exe = t_strdupf("%s/bin/python3.12", fake_prefix);
	char *mid_site = t_strdupf("%s/mid/lib/python3.12/site-packages", work_dir);
	char *env_path = t_strdupf("%s/env2", test_dir);
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

const struct t_case plan_build_hiding_cases[] = {
	T_CASE(host_pythons_walk),
	T_CASE(host_pythons_cache),
	T_CASE(host_pythons_hidden_in_plan),
	T_CASE(cache_dir_hidden_when_bound),
	T_CASE(other_envs_under_workdir_hidden),
	T_CASE(other_env_holding_workdir_or_bound_hidden),
	T_CASE(other_env_on_the_way_to_the_base_kept),
	{ NULL, NULL },
};
