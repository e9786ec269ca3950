/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The test-create cases about an env that is already there or being made: --clear and
 * --upgrade, concurrent creates of one path, and SIGKILL at random moments, none of which
 * may leave a half-made env or a temporary tree behind.
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

extern char **environ;

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
	put_env_marker(env);
	ck_assert_int_eq(vr(NULL, &err, "create", "-p", "/usr/bin/python3", env, NULL), 125);
	t_assert_one_line_error(err, "already an env");
	ck_assert_ptr_nonnull(strstr(err, "--clear"));
	ck_assert(has_env_marker(env));
}
END_TEST

START_TEST(clear_replaces_an_env)
{
	_cleanup_free_ char *env = t_path(scratch, "e"), *err = NULL, *bin = NULL;

	ck_assert_int_eq(vr(NULL, NULL, "create", "-q", "-p", "/usr/bin/python3", env, NULL), 0);
	put_env_marker(env);
	ck_assert_int_eq(vr(NULL, &err, "create", "-q", "--clear", "-p", "/usr/bin/python3", env, NULL), 0);
	ck_assert(!has_env_marker(env));
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
	put_env_marker(h);
	henv = t_strdupf("HOME=%s", h);
	home_override[0] = henv;
	argv[5] = h;
	free(err);
	err = NULL;
	ck_assert_int_eq(t_run(argv, home_override, NULL, NULL, &err), 125);
	t_assert_one_line_error(err, "home directory");
	ck_assert(has_env_marker(h));

	/* Nor the working directory or a parent of it. */
	sub = t_strdupf("%s/lib", h);
	free(err);
	err = NULL;
	ck_assert_int_eq(t_run(argv, (char *[]){ cache_env, NULL }, sub, NULL, &err), 125);
	t_assert_one_line_error(err, "working directory");
	ck_assert(has_env_marker(h));
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
	put_env_marker(env);
	gi = t_strdupf("%s/.gitignore", env);
	t_write_file(gi, "# mine\n", false);

	/* The interpreter moves: the env's links dangle, describe says so. */
	ck_assert_int_eq(rename(a, b), 0);
	ck_assert_int_eq(vr(&out, NULL, "describe", env, NULL), 0);
	ck_assert_msg(strstr(out, "missing"), "describe does not report the missing interpreter: %s", out);

	bpy = t_strdupf("%s/bin/%s", b, strrchr(real, '/') + 1);
	ck_assert_int_eq(vr(NULL, &err, "create", "-q", "--upgrade", "-p", bpy, env, NULL), 0);
	ck_assert(has_env_marker(env));
	home = pyvenv_cfg_value(env, "home");
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
	put_env_marker(env);
	for (int i = 0; i < 60; i++) {
		pid_t pid = spawn_venvrun(clear);

		usleep((useconds_t)(rand() % span_us));
		kill(pid, SIGKILL);
		finished += wait_status(pid) == 0;
		/* Either the old env, untouched, or the new one, complete. */
		assert_complete(env);
		if (has_env_marker(env)) {
			old_seen++;
		} else {
			new_seen++;
			put_env_marker(env);
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

const struct t_case create_replace_cases[] = {
	T_CASE(existing_env_needs_clear_or_upgrade),
	T_CASE(clear_replaces_an_env),
	T_CASE(clear_keeps_what_is_not_an_env),
	T_CASE(upgrade_follows_a_moved_interpreter),
	T_CASE(upgrade_refuses_another_minor_version),
	T_CASE(upgrade_needs_an_env),
	T_CASE(parallel_creates_of_one_path),
	T_CASE(sigkill_at_random_points),
	{ NULL, NULL },
};
