/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Policies, profiles and env manifests, through the built binary: `venvrun profiles`,
 * profile files shadowing and adding profiles, `check-config`, the ENV/venvrun.json that
 * create writes and --upgrade keeps, and the precedence of the layers as `describe --json`
 * shows the effective policy.
 *
 * Every test runs with its own profile directories ($VENVRUN_PROFILE_PATH = p1:p2), its own
 * $XDG_CONFIG_HOME and $HOME, cache and env home, so nothing of the machine's or the
 * developer's configuration leaks in.
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
#include "testlib.h"

static char *scratch;
static char *p1, *p2;
static char *env_profile_path, *env_xdg, *env_home, *env_cache, *env_envs;

static void
setup(void)
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

static void
teardown(void)
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

static int vr(char **out, char **err, ...) __attribute__((sentinel));
static int
vr(char **out, char **err, ...)
{
	va_list ap;
	int r;

	va_start(ap, err);
	r = vr_va(NULL, out, err, ap);
	va_end(ap);
	return r;
}

static int vr_env(char *const extra[], char **out, char **err, ...) __attribute__((sentinel));
static int
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
static void
assert_error_line(const char *err, const char *line)
{
	_cleanup_free_ char *want = t_strdupf("%s\n", line);

	ck_assert_str_eq(err, want);
}

static json_t *
parse_json(const char *text)
{
	json_error_t jerr;
	json_t *j = json_loads(text, 0, &jerr);

	ck_assert_msg(j != NULL, "not JSON (%s): %s", jerr.text, text);
	return j;
}

/* The value at a dotted path ("limits.nofile") of an object; fails when absent. */
static json_t *
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

static const char *
jstr(json_t *o, const char *path)
{
	const char *s = json_string_value(jget(o, path));

	ck_assert_msg(s != NULL, "'%s' is not a string", path);
	return s;
}

static long long
jint(json_t *o, const char *path)
{
	json_t *v = jget(o, path);

	ck_assert_msg(json_is_integer(v), "'%s' is not an integer", path);
	return json_integer_value(v);
}

/* A fresh env of /usr/bin/python3 at scratch/NAME; returns its path. */
static char *
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
static json_t *
describe(const char *env, const char *a1, const char *a2, const char *a3, const char *a4)
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
static void
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

static char *
shipped_profile(const char *name)
{
	const char *root = getenv("VENVRUN_SOURCE_ROOT");

	ck_assert_msg(root && *root, "VENVRUN_SOURCE_ROOT is not set");
	return t_strdupf("%s/config/profiles/%s.json", root, name);
}

START_TEST(profiles_lists_the_shipped_ones)
{
	static const char *const names[] = { "default", "service", "strict" };
	_cleanup_free_ char *out = NULL, *err = NULL, *junk = NULL, *spaced = NULL, *sub = NULL;
	json_t *j, *e;
	size_t i;
	char *line, *save = NULL;

	/* Not profiles: another suffix, a name with a space, a directory. */
	junk = t_strdupf("%s/notes.txt", p1);
	spaced = t_strdupf("%s/my profile.json", p1);
	sub = t_strdupf("%s/dir.json", p2);
	t_write_file(junk, "not JSON", false);
	t_write_file(spaced, "not JSON either", false);
	ck_assert_int_eq(mkdir(sub, 0755), 0);

	ck_assert_int_eq(vr(&out, &err, "profiles", "--json", NULL), 0);
	ck_assert_str_eq(err, "");
	j = parse_json(out);
	ck_assert(json_is_array(j));
	ck_assert_uint_eq(json_array_size(j), 3);
	json_array_foreach (j, i, e) {
		_cleanup_free_ char *src = shipped_profile(names[i]), *text = t_read_file(src);
		json_t *shipped;

		ck_assert_ptr_nonnull(text);
		shipped = parse_json(text);
		ck_assert_str_eq(jstr(e, "name"), names[i]);
		ck_assert_str_eq(jstr(e, "description"), jstr(shipped, "description"));
		ck_assert(json_is_true(jget(e, "embedded")));
		ck_assert(json_is_array(jget(e, "files")));
		ck_assert_uint_eq(json_array_size(jget(e, "files")), 0);
		json_decref(shipped);
	}
	json_decref(j);

	free(out);
	free(err);
	ck_assert_int_eq(vr(&out, &err, "profiles", NULL), 0);
	ck_assert_str_eq(err, "");
	i = 0;
	for (line = strtok_r(out, "\n", &save); line; line = strtok_r(NULL, "\n", &save), i++) {
		_cleanup_free_ char *prefix = NULL;

		ck_assert_uint_lt(i, 3);
		prefix = t_strdupf("%-7s  ", names[i]);
		ck_assert_msg(vr_startswith(line, prefix), "line %zu: %s", i, line);
		ck_assert_msg(vr_endswith(line, "  (embedded)"), "line %zu: %s", i, line);
	}
	ck_assert_uint_eq(i, 3);
}
END_TEST

START_TEST(profile_files_add_and_shadow)
{
	_cleanup_free_ char *env = make_env("e"), *out = NULL, *err = NULL;
	_cleanup_free_ char *mine = t_strdupf("%s/mine.json", p2);
	_cleanup_free_ char *s1 = t_strdupf("%s/strict.json", p1), *s2 = t_strdupf("%s/strict.json", p2);
	_cleanup_free_ char *want = NULL;
	json_t *j, *e, *p;

	t_write_file(mine, "{\"description\": \"Mine\", \"extends\": \"strict\", \"limits\": {\"nproc\": 7}}", false);
	/* Lowest first: p1 then p2; each shadows only the keys it sets. */
	t_write_file(s1, "{\"network\": \"host\", \"limits\": {\"nofile\": 100}}", false);
	t_write_file(s2, "{\"network\": \"loopback\"}", false);

	ck_assert_int_eq(vr(&out, &err, "profiles", "--json", NULL), 0);
	j = parse_json(out);
	ck_assert_uint_eq(json_array_size(j), 4);
	e = json_array_get(j, 0);
	ck_assert_str_eq(jstr(e, "name"), "default");
	e = json_array_get(j, 1);
	ck_assert_str_eq(jstr(e, "name"), "mine");
	ck_assert_str_eq(jstr(e, "description"), "Mine");
	ck_assert(json_is_false(jget(e, "embedded")));
	ck_assert_uint_eq(json_array_size(jget(e, "files")), 1);
	ck_assert_str_eq(json_string_value(json_array_get(jget(e, "files"), 0)), mine);
	e = json_array_get(j, 3);
	ck_assert_str_eq(jstr(e, "name"), "strict");
	ck_assert(json_is_true(jget(e, "embedded")));
	ck_assert_uint_eq(json_array_size(jget(e, "files")), 2);
	ck_assert_str_eq(json_string_value(json_array_get(jget(e, "files"), 0)), s1);
	ck_assert_str_eq(json_string_value(json_array_get(jget(e, "files"), 1)), s2);
	json_decref(j);

	/* The human form names the sources the same way. */
	free(out);
	ck_assert_int_eq(vr(&out, NULL, "profiles", NULL), 0);
	want = t_strdupf("(embedded, %s, %s)\n", s1, s2);
	ck_assert_msg(vr_endswith(out, want), "profiles printed: %s", out);

	/* strict: the embedded layer, then p1, then p2. */
	j = describe(env, "--profile", "strict", NULL, NULL);
	p = jget(j, "policy");
	ck_assert_str_eq(jstr(p, "network"), "loopback");
	ck_assert_int_eq(jint(p, "limits.nofile"), 100);
	ck_assert_int_eq(jint(p, "limits.nproc"), 128);
	ck_assert_str_eq(jstr(p, "filesystem.workdir"), "ro");
	ck_assert_str_eq(jstr(p, "limits.timeout"), "5m");
	json_decref(j);

	/* mine extends strict as the files made it, and sets its own key on top. */
	j = describe(env, "--profile", "mine", NULL, NULL);
	p = jget(j, "policy");
	ck_assert_str_eq(jstr(p, "description"), "Mine");
	ck_assert_str_eq(jstr(p, "network"), "loopback");
	ck_assert_int_eq(jint(p, "limits.nofile"), 100);
	ck_assert_int_eq(jint(p, "limits.nproc"), 7);
	ck_assert_ptr_null(json_object_get(p, "extends"));
	json_decref(j);
}
END_TEST

/* Without $VENVRUN_PROFILE_PATH: $XDG_CONFIG_HOME/venvrun/profiles, else
 * ~/.config/venvrun/profiles. */
START_TEST(profile_dirs_follow_xdg_and_home)
{
	char *unset_path[] = { "VENVRUN_PROFILE_PATH", NULL };
	char *unset_both[] = { "VENVRUN_PROFILE_PATH", "XDG_CONFIG_HOME", NULL };
	_cleanup_free_ char *xdg_dir = t_path(scratch, "xdg/venvrun/profiles"),
			    *home_dir = t_path(scratch, "home/.config/venvrun/profiles");
	_cleanup_free_ char *x = NULL, *h = NULL, *out = NULL, *cmd = NULL;
	json_t *j, *e;
	size_t i;
	bool seen_x = false, seen_h = false;
	char *mk[] = { "mkdir", "-p", xdg_dir, home_dir, NULL };

	ck_assert_int_eq(t_run(mk, NULL, NULL, NULL, NULL), 0);
	x = t_strdupf("%s/from-xdg.json", xdg_dir);
	h = t_strdupf("%s/from-home.json", home_dir);
	t_write_file(x, "{\"description\": \"X\"}", false);
	t_write_file(h, "{\"description\": \"H\"}", false);

	ck_assert_int_eq(vr_env(unset_path, &out, NULL, "profiles", "--json", NULL), 0);
	j = parse_json(out);
	json_array_foreach (j, i, e) {
		seen_x |= streq(jstr(e, "name"), "from-xdg");
		seen_h |= streq(jstr(e, "name"), "from-home");
		if (streq(jstr(e, "name"), "from-xdg"))
			ck_assert_str_eq(json_string_value(json_array_get(jget(e, "files"), 0)), x);
	}
	ck_assert(seen_x);
	ck_assert(!seen_h);
	json_decref(j);

	free(out);
	seen_x = seen_h = false;
	ck_assert_int_eq(vr_env(unset_both, &out, NULL, "profiles", "--json", NULL), 0);
	j = parse_json(out);
	json_array_foreach (j, i, e) {
		seen_x |= streq(jstr(e, "name"), "from-xdg");
		seen_h |= streq(jstr(e, "name"), "from-home");
		if (streq(jstr(e, "name"), "from-home"))
			ck_assert_str_eq(json_string_value(json_array_get(jget(e, "files"), 0)), h);
	}
	ck_assert(!seen_x);
	ck_assert(seen_h);
	json_decref(j);
}
END_TEST

START_TEST(broken_profile_file_is_an_error)
{
	_cleanup_free_ char *env = make_env("e"), *out = NULL, *err = NULL, *bad = t_strdupf("%s/strict.json", p2);
	_cleanup_free_ char *where = t_strdupf("venvrun: %s:3:1: ", bad);
	_cleanup_free_ char *other = t_strdupf("%s/other.json", p1), *line = NULL;

	t_write_file(bad, "{\n  \"network\": \"none\",\n}\n", false);
	ck_assert_int_eq(vr(&out, &err, "profiles", NULL), 125);
	ck_assert_str_eq(out, "");
	t_assert_one_line_error(err, where);
	ck_assert_msg(vr_startswith(err, where), "%s", err);

	free(out);
	free(err);
	ck_assert_int_eq(vr(&out, &err, "describe", "--profile", "strict", env, NULL), 125);
	ck_assert_str_eq(out, "");
	t_assert_one_line_error(err, where);
	ck_assert_msg(vr_startswith(err, where), "%s", err);

	/* A run with it stops before anything runs: the marker file is never written. */
	{
		_cleanup_free_ char *marker = t_path(scratch, "ran");
		_cleanup_free_ char *script = t_strdupf("touch '%s'", marker);

		free(out);
		free(err);
		ck_assert_int_eq(vr(&out, &err, "--profile", "strict", env, "--", "sh", "-c", script, NULL), 125);
		t_assert_one_line_error(err, where);
		ck_assert_msg(vr_startswith(err, where), "%s", err);
		ck_assert_int_eq(access(marker, F_OK), -1);
	}

	/* A profile that does not use the broken file still works... */
	free(out);
	free(err);
	ck_assert_int_eq(vr(&out, &err, "describe", "--profile", "service", env, NULL), 0);
	ck_assert_str_eq(err, "");

	/* ...and one that extends it does not. */
	t_write_file(other, "{\"extends\": \"strict\"}", false);
	free(out);
	free(err);
	ck_assert_int_eq(vr(&out, &err, "describe", "--profile", "other", env, NULL), 125);
	ck_assert_msg(vr_startswith(err, where), "%s", err);

	/* A semantic error: the file and the JSON path. */
	t_write_file(bad, "{\"limits\": {\"nofile\": \"lots\"}}", false);
	free(out);
	free(err);
	ck_assert_int_eq(vr(&out, &err, "profiles", NULL), 125);
	line = t_strdupf("venvrun: %s: limits.nofile: expected a count (an integer or \"unlimited\"), not \"lots\"",
			 bad);
	assert_error_line(err, line);
}
END_TEST

START_TEST(check_config_accepts_the_shipped_profiles)
{
	_cleanup_free_ char *d = shipped_profile("default"), *s = shipped_profile("strict"),
			    *v = shipped_profile("service");
	_cleanup_free_ char *out = NULL, *err = NULL, *want = NULL;

	ck_assert_int_eq(vr(&out, &err, "check-config", d, s, v, NULL), 0);
	ck_assert_str_eq(err, "");
	want = t_strdupf("%s: ok\n%s: ok\n%s: ok\n", d, s, v);
	ck_assert_str_eq(out, want);
}
END_TEST

/* check-config FILE with `content`: 125, nothing on stdout, stderr exactly
 * "venvrun: FILE: `message`". */
static void
assert_check_fails(const char *content, const char *message)
{
	_cleanup_free_ char *f = t_path(scratch, "bad.json"), *out = NULL, *err = NULL, *line = NULL;

	t_write_file(f, content, false);
	ck_assert_int_eq(vr(&out, &err, "check-config", f, NULL), 125);
	ck_assert_str_eq(out, "");
	line = t_strdupf("venvrun: %s: %s", f, message);
	assert_error_line(err, line);
}

START_TEST(check_config_syntax_error)
{
	_cleanup_free_ char *f = t_path(scratch, "syntax.json"), *out = NULL, *err = NULL, *where = NULL;

	t_write_file(f, "{\n  \"network\": \"none\",\n  \"limits\": {\"nofile\" 5}\n}\n", false);
	ck_assert_int_eq(vr(&out, &err, "check-config", f, NULL), 125);
	ck_assert_str_eq(out, "");
	where = t_strdupf("venvrun: %s:3:23: ", f);
	t_assert_one_line_error(err, where);
	ck_assert_msg(vr_startswith(err, where), "%s", err);
}
END_TEST

START_TEST(check_config_unknown_key)
{
	assert_check_fails("{\"filesystem\": {\"workdri\": \"ro\"}}",
			   "filesystem.workdri: unknown key; did you mean \"workdir\"?");
}
END_TEST

START_TEST(check_config_bad_enum)
{
	assert_check_fails("{\"network\": \"lan\"}",
			   "network: expected \"none\", \"loopback\" or \"host\", not \"lan\"");
}
END_TEST

START_TEST(check_config_bad_size)
{
	assert_check_fails("{\"limits\": {\"as\": \"12Q\"}}",
			   "limits.as: \"12Q\" is not a size (use bytes or K, M, G, T)");
}
END_TEST

START_TEST(check_config_manifest_with_bad_policy)
{
	assert_check_fails("{\"manifest\": 1, \"seeded\": [], \"policy\": {\"network\": \"lan\"}}",
			   "policy.network: expected \"none\", \"loopback\" or \"host\", not \"lan\"");
}
END_TEST

START_TEST(check_config_manifest_unknown_key)
{
	assert_check_fails("{\"manifest\": 1, \"polcy\": {}}", "polcy: unknown key; did you mean \"policy\"?");
}
END_TEST

START_TEST(check_config_extends_needs_a_profile)
{
	assert_check_fails("{\"extends\": \"nosuch\"}",
			   "extends: no such profile 'nosuch'; 'venvrun profiles' lists them");
}
END_TEST

/* The first bad file stops it: what came before was printed, what comes after not. */
START_TEST(check_config_stops_at_the_first_bad_file)
{
	_cleanup_free_ char *good = t_path(scratch, "good.json"), *bad = t_path(scratch, "bad.json"),
			    *later = t_path(scratch, "later.json");
	_cleanup_free_ char *out = NULL, *err = NULL, *want = NULL, *line = NULL;

	t_write_file(good, "{\"extends\": \"strict\", \"network\": \"loopback\"}", false);
	t_write_file(bad, "{\"limits\": {\"as\": \"99999999999T\"}}", false);
	t_write_file(later, "{}", false);
	ck_assert_int_eq(vr(&out, &err, "check-config", good, bad, later, NULL), 125);
	want = t_strdupf("%s: ok\n", good);
	ck_assert_str_eq(out, want);
	line = t_strdupf("venvrun: %s: limits.as: 99999999999T overflows", bad);
	assert_error_line(err, line);
}
END_TEST

START_TEST(create_writes_the_manifest)
{
	_cleanup_free_ char *env = make_env("e"), *file = t_strdupf("%s/venvrun.json", env);
	_cleanup_free_ char *text = NULL, *out = NULL, *err = NULL, *want = NULL, *version = NULL;
	json_t *m, *d, *cfg;
	struct stat st;

	text = t_read_file(file);
	ck_assert_ptr_nonnull(text);
	ck_assert_int_eq(lstat(file, &st), 0);
	ck_assert(S_ISREG(st.st_mode));
	ck_assert_int_eq(st.st_mode & 07777, 0644);
	m = parse_json(text);
	ck_assert_int_eq(json_object_size(m), 5);
	ck_assert_int_eq(jint(m, "manifest"), 1);
	ck_assert_int_eq(vr(&version, NULL, "version", NULL), 0);
	want = t_strdupf("venvrun %s\n", jstr(m, "venvrun"));
	ck_assert_str_eq(version, want);
	ck_assert(json_is_array(jget(m, "seeded")));
	ck_assert_uint_eq(json_array_size(jget(m, "seeded")), 0);
	ck_assert(json_is_object(jget(m, "policy")));
	ck_assert_uint_eq(json_object_size(jget(m, "policy")), 0);

	/* The interpreter it names is the one pyvenv.cfg names. */
	d = describe(env, NULL, NULL, NULL, NULL);
	cfg = jget(d, "pyvenv_cfg");
	ck_assert_str_eq(jstr(m, "interpreter.executable"), jstr(cfg, "base-executable"));
	ck_assert_str_eq(jstr(m, "interpreter.version"), jstr(cfg, "version"));
	ck_assert_str_eq(jstr(m, "interpreter.implementation"), jstr(cfg, "implementation"));
	json_decref(d);
	json_decref(m);

	free(want);
	want = t_strdupf("%s: ok\n", file);
	ck_assert_int_eq(vr(&out, &err, "check-config", file, NULL), 0);
	ck_assert_str_eq(out, want);
	ck_assert_str_eq(err, "");
}
END_TEST

/* In the plan, venvrun.json comes right before pyvenv.cfg, which stays last. */
START_TEST(manifest_is_written_before_pyvenv_cfg)
{
	_cleanup_free_ char *env = t_path(scratch, "dry"), *out = NULL;
	json_t *j, *entries;
	size_t n;

	ck_assert_int_eq(vr(&out, NULL, "create", "--dry-run", "--json", "-p", "/usr/bin/python3", env, NULL), 0);
	j = parse_json(out);
	entries = jget(j, "entries");
	n = json_array_size(entries);
	ck_assert_uint_ge(n, 2);
	ck_assert_str_eq(jstr(json_array_get(entries, n - 1), "path"), "pyvenv.cfg");
	ck_assert_str_eq(jstr(json_array_get(entries, n - 2), "path"), "venvrun.json");
	ck_assert_str_eq(jstr(json_array_get(entries, n - 2), "type"), "file");
	json_decref(j);
}
END_TEST

START_TEST(upgrade_keeps_the_manifest_policy)
{
	_cleanup_free_ char *env = make_env("e"), *file = t_strdupf("%s/venvrun.json", env), *err = NULL, *text = NULL;
	json_t *m, *d;

	set_manifest_policy(env, "{\"network\": \"none\", \"limits\": {\"nofile\": 64}}");
	/* Seeding records what it installed; --upgrade carries it over too. */
	text = t_read_file(file);
	m = parse_json(text);
	json_array_append_new(jget(m, "seeded"), json_string("pip"));
	ck_assert_int_eq(json_dump_file(m, file, JSON_INDENT(2)), 0);
	json_decref(m);

	ck_assert_int_eq(vr(NULL, &err, "create", "-q", "--upgrade", "-p", "/usr/bin/python3", env, NULL), 0);
	ck_assert_str_eq(err, "");
	free(text);
	text = t_read_file(file);
	m = parse_json(text);
	ck_assert_str_eq(jstr(m, "policy.network"), "none");
	ck_assert_int_eq(jint(m, "policy.limits.nofile"), 64);
	ck_assert_uint_eq(json_object_size(jget(m, "policy")), 2);
	ck_assert_uint_eq(json_array_size(jget(m, "seeded")), 1);
	ck_assert_str_eq(json_string_value(json_array_get(jget(m, "seeded"), 0)), "pip");
	ck_assert_int_eq(jint(m, "manifest"), 1);
	json_decref(m);

	d = describe(env, NULL, NULL, NULL, NULL);
	ck_assert_str_eq(jstr(d, "policy.network"), "none");
	ck_assert_int_eq(jint(d, "policy.limits.nofile"), 64);
	json_decref(d);
}
END_TEST

START_TEST(upgrade_refuses_a_broken_manifest)
{
	_cleanup_free_ char *env = make_env("e"), *file = t_strdupf("%s/venvrun.json", env);
	_cleanup_free_ char *cfg = t_strdupf("%s/pyvenv.cfg", env), *before = NULL, *after = NULL;
	_cleanup_free_ char *err = NULL, *out = NULL, *line = NULL, *mafter = NULL;
	static const char broken[] = "{\"manifest\": 1, \"policy\": {\"network\": \"lan\"}}\n";
	struct stat st1, st2;

	t_write_file(file, broken, false);
	before = t_read_file(cfg);
	ck_assert_int_eq(stat(cfg, &st1), 0);
	ck_assert_int_eq(vr(&out, &err, "create", "--upgrade", "-p", "/usr/bin/python3", env, NULL), 125);
	ck_assert_str_eq(out, "");
	line = t_strdupf("venvrun: %s: policy.network: expected \"none\", \"loopback\" or \"host\", not \"lan\"", file);
	assert_error_line(err, line);
	after = t_read_file(cfg);
	ck_assert_str_eq(after, before);
	ck_assert_int_eq(stat(cfg, &st2), 0);
	ck_assert_uint_eq(st1.st_ino, st2.st_ino);
	mafter = t_read_file(file);
	ck_assert_str_eq(mafter, broken);

	/* A syntax error is reported with its position, the same way. */
	t_write_file(file, "{\"manifest\": 1,,}", false);
	free(out);
	free(err);
	ck_assert_int_eq(vr(&out, &err, "create", "--upgrade", "-p", "/usr/bin/python3", env, NULL), 125);
	free(line);
	line = t_strdupf("venvrun: %s:1:", file);
	t_assert_one_line_error(err, line);
	ck_assert_msg(vr_startswith(err, line), "%s", err);
	free(after);
	after = t_read_file(cfg);
	ck_assert_str_eq(after, before);
}
END_TEST

START_TEST(describe_shows_the_effective_policy)
{
	_cleanup_free_ char *env = make_env("e"), *out = NULL, *err = NULL;
	json_t *d, *p;

	d = describe(env, NULL, NULL, NULL, NULL);
	ck_assert_str_eq(jstr(d, "path"), env);
	ck_assert(json_is_object(jget(d, "pyvenv_cfg")));
	p = jget(d, "policy");
	/* The default profile, defaults filled in: every key that has one. */
	ck_assert_int_eq(jint(p, "version"), 1);
	ck_assert_str_eq(jstr(p, "network"), "host");
	ck_assert_str_eq(jstr(p, "filesystem.env"), "ro");
	ck_assert_str_eq(jstr(p, "filesystem.workdir"), "rw");
	ck_assert_int_eq(jint(p, "limits.core"), 0);
	ck_assert_int_eq(jint(p, "limits.nofile"), 1024);
	ck_assert_int_eq(jint(p, "limits.stack"), 8388608);
	ck_assert_str_eq(jstr(p, "limits.grace"), "5s");
	ck_assert_str_eq(jstr(p, "seccomp.profile"), "default");
	ck_assert(json_is_true(jget(p, "environment.clear")));
	ck_assert_ptr_null(json_object_get(p, "extends"));
	json_decref(d);

	ck_assert_int_eq(vr(&out, &err, "describe", env, NULL), 0);
	ck_assert_str_eq(err, "");
	ck_assert_msg(strstr(out, "\npolicy:\n"), "no policy section: %s", out);
	ck_assert_msg(strstr(out, "\"network\": \"host\""), "no network in: %s", out);
}
END_TEST

/* profile strict (network none) < ENV/venvrun.json (loopback) < --policy FILE (host). */
START_TEST(layers_take_precedence_in_order)
{
	_cleanup_free_ char *env = make_env("e"), *file = t_path(scratch, "host.json"),
			    *ext = t_path(scratch, "extends.json");
	json_t *d, *p;

	d = describe(env, "--profile", "strict", NULL, NULL);
	p = jget(d, "policy");
	ck_assert_str_eq(jstr(p, "network"), "none");
	ck_assert_int_eq(jint(p, "limits.nofile"), 256);
	json_decref(d);

	set_manifest_policy(env, "{\"network\": \"loopback\"}");
	d = describe(env, "--profile", "strict", NULL, NULL);
	p = jget(d, "policy");
	ck_assert_str_eq(jstr(p, "network"), "loopback");
	ck_assert_int_eq(jint(p, "limits.nofile"), 256);
	json_decref(d);

	t_write_file(file, "{\"network\": \"host\"}", false);
	d = describe(env, "--profile", "strict", "--policy", file);
	p = jget(d, "policy");
	ck_assert_str_eq(jstr(p, "network"), "host");
	ck_assert_int_eq(jint(p, "limits.nofile"), 256);
	ck_assert_str_eq(jstr(p, "filesystem.workdir"), "ro");
	json_decref(d);

	/* A --policy file that extends strict brings strict, with the file on top, over the
	 * layers below: over the default profile and the env's loopback. */
	t_write_file(ext, "{\"extends\": \"strict\", \"limits\": {\"nofile\": 64}}", false);
	d = describe(env, "--profile", "default", "--policy", ext);
	p = jget(d, "policy");
	ck_assert_str_eq(jstr(p, "network"), "none");
	ck_assert_int_eq(jint(p, "limits.nofile"), 64);
	ck_assert_int_eq(jint(p, "limits.nproc"), 128);
	ck_assert_str_eq(jstr(p, "filesystem.workdir"), "ro");
	ck_assert_ptr_null(json_object_get(p, "extends"));
	json_decref(d);
}
END_TEST

START_TEST(bad_policy_file_prints_only_its_error)
{
	_cleanup_free_ char *env = make_env("e"), *file = t_path(scratch, "p.json"), *out = NULL, *err = NULL,
			    *line = NULL;

	t_write_file(file, "{\"filesystem\": {\"binds\": [{\"source\": \"/srv\", \"mode\": \"rx\"}]}}", false);
	ck_assert_int_eq(vr(&out, &err, "describe", "--policy", file, env, NULL), 125);
	ck_assert_str_eq(out, "");
	line = t_strdupf("venvrun: %s: filesystem.binds[0].mode: expected \"ro\" or \"rw\", not \"rx\"", file);
	assert_error_line(err, line);
}
END_TEST

START_TEST(extends_cycle_names_the_chain)
{
	_cleanup_free_ char *env = make_env("e"), *a = t_strdupf("%s/a.json", p1), *b = t_strdupf("%s/b.json", p2);
	_cleanup_free_ char *out = NULL, *err = NULL, *line = NULL;

	t_write_file(a, "{\"extends\": \"b\"}", false);
	t_write_file(b, "{\"extends\": \"a\"}", false);
	ck_assert_int_eq(vr(&out, &err, "describe", "--profile", "a", env, NULL), 125);
	ck_assert_str_eq(out, "");
	line = t_strdupf("venvrun: %s: extends: profile cycle a -> b -> a", b);
	assert_error_line(err, line);

	free(out);
	free(err);
	ck_assert_int_eq(vr(&out, &err, "profiles", NULL), 125);
	assert_error_line(err, line);
}
END_TEST

START_TEST(extends_chain_is_bounded)
{
	_cleanup_free_ char *env = make_env("e"), *out = NULL, *err = NULL;

	/* c0 -> c1 -> ... -> c17: eighteen profiles in one chain. */
	for (int i = 0; i < 18; i++) {
		_cleanup_free_ char *f = t_strdupf("%s/c%d.json", p1, i);
		_cleanup_free_ char *text = i < 17 ? t_strdupf("{\"extends\": \"c%d\"}", i + 1) : strdup("{}");
		t_write_file(f, text, false);
	}
	ck_assert_int_eq(vr(&out, &err, "describe", "--profile", "c0", env, NULL), 125);
	t_assert_one_line_error(err, "extends: chain deeper than 16 profiles: c0 -> c1 -> ");
	ck_assert_msg(vr_endswith(err, "c15 -> c16\n"), "%s", err);

	/* Sixteen is fine. */
	free(out);
	free(err);
	ck_assert_int_eq(vr(&out, &err, "describe", "--profile", "c2", env, NULL), 0);
	ck_assert_str_eq(err, "");
}
END_TEST

START_TEST(lists_add_to_the_defaults)
{
	_cleanup_free_ char *env = make_env("e"), *lone = t_strdupf("%s/lone.json", p1);
	json_t *j, *pass;
	bool term = false, home = false;
	size_t i;
	json_t *v;

	/* A profile that extends nothing still starts from the schema's defaults, and its
	 * list adds to theirs: TERM (a default) and HOME (its own) both pass. */
	t_write_file(lone, "{\"environment\": {\"pass\": [\"HOME\"]}}", false);
	j = describe(env, "--profile", "lone", NULL, NULL);
	pass = jget(j, "policy.environment.pass");
	json_array_foreach (pass, i, v) {
		term |= streq(json_string_value(v), "TERM");
		home |= streq(json_string_value(v), "HOME");
	}
	ck_assert_msg(term && home, "environment.pass lacks TERM or HOME");
	ck_assert_str_eq(jstr(j, "policy.network"), "host");
	ck_assert_int_eq(jint(j, "policy.limits.nofile"), 1024);
	json_decref(j);
}
END_TEST

START_TEST(no_such_profile)
{
	_cleanup_free_ char *env = make_env("e"), *out = NULL, *err = NULL;

	ck_assert_int_eq(vr(&out, &err, "describe", "--profile", "nosuch", env, NULL), 125);
	ck_assert_str_eq(out, "");
	assert_error_line(err, "venvrun: no such profile 'nosuch'; 'venvrun profiles' lists them");

	free(out);
	free(err);
	ck_assert_int_eq(vr(&out, &err, "describe", "--profile", "../strict", env, NULL), 125);
	ck_assert_str_eq(out, "");
	t_assert_one_line_error(err, "'../strict' is not a profile name");
}
END_TEST

static const struct t_case cases[] = {
	T_CASE(lists_add_to_the_defaults),
	T_CASE(profiles_lists_the_shipped_ones),
	T_CASE(profile_files_add_and_shadow),
	T_CASE(profile_dirs_follow_xdg_and_home),
	T_CASE(broken_profile_file_is_an_error),
	T_CASE(check_config_accepts_the_shipped_profiles),
	T_CASE(check_config_syntax_error),
	T_CASE(check_config_unknown_key),
	T_CASE(check_config_bad_enum),
	T_CASE(check_config_bad_size),
	T_CASE(check_config_manifest_with_bad_policy),
	T_CASE(check_config_manifest_unknown_key),
	T_CASE(check_config_extends_needs_a_profile),
	T_CASE(check_config_stops_at_the_first_bad_file),
	T_CASE(create_writes_the_manifest),
	T_CASE(manifest_is_written_before_pyvenv_cfg),
	T_CASE(upgrade_keeps_the_manifest_policy),
	T_CASE(upgrade_refuses_a_broken_manifest),
	T_CASE(describe_shows_the_effective_policy),
	T_CASE(layers_take_precedence_in_order),
	T_CASE(bad_policy_file_prints_only_its_error),
	T_CASE(extends_cycle_names_the_chain),
	T_CASE(extends_chain_is_bounded),
	T_CASE(no_such_profile),
};

int
main(void)
{
	if (access("/usr/bin/python3", X_OK) != 0) {
		fprintf(stderr, "skipping: /usr/bin/python3 is not installed\n");
		return T_EXIT_SKIP;
	}
	return t_run_suite(T_SUITE_FIXTURE("config", cases, setup, teardown));
}
