/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The shared part of the test-config suite (config-helpers.h): each test's isolated
 * profile directories and homes, running venvrun in them, reading JSON, and making and
 * describing envs.
 */
#include "config.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "macro.h"
#include "strv.h"

#include "config-helpers.h"

char *scratch;
char *p1, *p2;
static char *env_profile_path, *env_xdg, *env_home, *env_cache, *env_envs;

void
config_setup(void)
{
	char *t = t_tmpdir("config");

	scratch = realpath(t, NULL);
	free(t);
	p1 = t_strdupf("%s/p1", scratch);
	p2 = t_strdupf("%s/p2", scratch);
	ck_assert_int_eq(mkdir(p1, 0755), 0);
	ck_assert_int_eq(mkdir(p2, 0755), 0);
	env_profile_path = t_strdupf("VENVRUN_PROFILE_PATH=%s:%s", p1, p2);
	env_xdg = t_strdupf("XDG_CONFIG_HOME=%s/xdg", scratch);
	env_home = t_strdupf("HOME=%s/home", scratch);
	env_cache = t_strdupf("VENVRUN_CACHE_DIR=%s/cache", scratch);
	env_envs = t_strdupf("VENVRUN_HOME=%s/envs", scratch);
	/* The manifest's mode is checked: make it independent of the caller's umask. */
	umask(022);
}

void
config_teardown(void)
{
	t_rm_rf(scratch);
}

/* venvrun in the isolated environment plus `extra` (may be NULL); NULL-terminated
 * arguments. */
static int
vr_va(char *const extra[], char **out, char **err, va_list ap)
{
	char *base[] = { env_profile_path, env_xdg, env_home, env_cache, env_envs };
	char *env[16] = { NULL };
	size_t n = 0;
	_cleanup_strv_free_ char **argv = NULL;
	const char *a;

	/* An entry of `extra` ("K=V", or "K" to unset) replaces the isolated one. */
	for (size_t i = 0; i < ELEMENTSOF(base); i++) {
		size_t klen = strcspn(base[i], "=");
		bool replaced = false;

		for (size_t k = 0; extra && extra[k]; k++)
			replaced |= strcspn(extra[k], "=") == klen && strneq(extra[k], base[i], klen);
		if (!replaced)
			env[n++] = base[i];
	}
	for (size_t i = 0; extra && extra[i]; i++) {
		ck_assert_uint_lt(n, ELEMENTSOF(env) - 1);
		env[n++] = extra[i];
	}
	ck_assert_int_eq(vr_strv_push(&argv, t_venvrun_bin()), 0);
	while ((a = va_arg(ap, const char *)))
		ck_assert_int_eq(vr_strv_push(&argv, a), 0);
	return t_run(argv, env, NULL, out, err);
}

int
vr(char **out, char **err, ...)
{
	va_list ap;
	int r;

	va_start(ap, err);
	r = vr_va(NULL, out, err, ap);
	va_end(ap);
	return r;
}

int
vr_env(char *const extra[], char **out, char **err, ...)
{
	va_list ap;
	int r;

	va_start(ap, err);
	r = vr_va(extra, out, err, ap);
	va_end(ap);
	return r;
}

/* stderr is exactly `line` (without the trailing newline). */
void
assert_error_line(const char *err, const char *line)
{
	_cleanup_free_ char *want = t_strdupf("%s\n", line);

	ck_assert_str_eq(err, want);
}

json_t *
parse_json(const char *text)
{
	json_error_t jerr;
	json_t *j = json_loads(text, 0, &jerr);

	ck_assert_msg(j != NULL, "not JSON (%s): %s", jerr.text, text);
	return j;
}

/* The value at a dotted path ("limits.nofile") of an object; fails when absent. */
json_t *
jget(json_t *o, const char *path)
{
	_cleanup_free_ char *copy = strdup(path);
	char *save = NULL;
	json_t *v = o;

	ck_assert_ptr_nonnull(copy);
	for (char *k = strtok_r(copy, ".", &save); k; k = strtok_r(NULL, ".", &save)) {
		v = json_object_get(v, k);
		ck_assert_msg(v != NULL, "no '%s' (at '%s')", path, k);
	}
	return v;
}

const char *
jstr(json_t *o, const char *path)
{
	const char *s = json_string_value(jget(o, path));

	ck_assert_msg(s != NULL, "'%s' is not a string", path);
	return s;
}

long long
jint(json_t *o, const char *path)
{
	json_t *v = jget(o, path);

	ck_assert_msg(json_is_integer(v), "'%s' is not an integer", path);
	return json_integer_value(v);
}

/* A fresh env of /usr/bin/python3 at scratch/NAME; returns its path. */
char *
make_env(const char *name)
{
	char *env = t_path(scratch, "%s", name);
	_cleanup_free_ char *err = NULL;
	/* No pip: these tests are about the policy, and the manifest's "seeded" stays []. */
	int rc = vr(NULL, &err, "create", "-q", "--no-seed", "-p", "/usr/bin/python3", env, NULL);

	ck_assert_msg(rc == 0, "create failed (%d): %s", rc, err);
	return env;
}

/* `describe --json` with extra arguments before ENV; the whole object. */
json_t *
describe_json(const char *env, const char *a1, const char *a2, const char *a3, const char *a4)
{
	_cleanup_free_ char *out = NULL, *err = NULL;
	int rc;

	if (!a1)
		rc = vr(&out, &err, "describe", "--json", env, NULL);
	else if (!a3)
		rc = vr(&out, &err, "describe", "--json", a1, a2, env, NULL);
	else
		rc = vr(&out, &err, "describe", "--json", a1, a2, a3, a4, env, NULL);
	ck_assert_msg(rc == 0, "describe failed (%d): %s", rc, err);
	ck_assert_str_eq(err, "");
	return parse_json(out);
}

/* Rewrite ENV/venvrun.json with its "policy" member replaced by `policy` (JSON text). */
void
set_manifest_policy(const char *env, const char *policy)
{
	_cleanup_free_ char *file = t_strdupf("%s/venvrun.json", env), *text = NULL;
	json_t *m;

	text = t_read_file(file);
	ck_assert_ptr_nonnull(text);
	m = parse_json(text);
	ck_assert_int_eq(json_object_set_new(m, "policy", parse_json(policy)), 0);
	ck_assert_int_eq(json_dump_file(m, file, JSON_INDENT(2) | JSON_PRESERVE_ORDER), 0);
	json_decref(m);
}

char *
shipped_profile(const char *name)
{
	const char *root = getenv("VENVRUN_SOURCE_ROOT");

	ck_assert_msg(root && *root, "VENVRUN_SOURCE_ROOT is not set");
	return t_strdupf("%s/config/profiles/%s.json", root, name);
}
