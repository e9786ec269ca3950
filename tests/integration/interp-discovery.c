/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The test-interpreters cases about discovery and the query: `venvrun interpreters` lists
 * the system's Pythons as they describe themselves; fake interpreters (shell scripts
 * posing as python) show the query's cache and what happens when the query crashes,
 * hangs, prints garbage or fails.
 */
#include "config.h"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "strv.h"

#include "interp-helpers.h"

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

/* Processes whose command line holds `needle`, other than this one: their pids, at most
 * `max` of them, and how many were stored. */
static size_t
processes_with(const char *needle, pid_t *pids, size_t max)
{
	char **found = t_procs_with(needle, 0);
	size_t n = 0;

	for (; found && found[n] && n < max; n++)
		pids[n] = atoi(found[n]);
	vr_strv_free(found);
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

const struct t_case interp_discovery_cases[] = {
	/* venvrun interpreters */
	T_CASE(interpreters_json_lists_system_pythons),
	T_CASE(interpreters_text_marks_default),
	/* fake interpreters */
	T_CASE(fake_python_answer_is_cached),
	T_CASE(fake_python_crashes),
	T_CASE(fake_python_hangs),
	T_CASE(fake_python_prints_garbage),
	T_CASE(fake_python_answers_wrong_json),
	T_CASE(fake_python_fails),
	T_CASE(discovery_skips_broken_candidates),
	{ NULL, NULL },
};
