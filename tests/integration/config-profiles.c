/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The test-config cases about profiles and checking them: `venvrun profiles`, profile
 * files adding and shadowing profiles, the directories they are looked up in, and
 * `check-config` on good and bad files.
 */
#include "config.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "macro.h"
#include "strv.h"

#include "config-helpers.h"

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
	j = describe_json(env, "--profile", "strict", NULL, NULL);
	p = jget(j, "policy");
	ck_assert_str_eq(jstr(p, "network"), "loopback");
	ck_assert_int_eq(jint(p, "limits.nofile"), 100);
	ck_assert_int_eq(jint(p, "limits.nproc"), 128);
	ck_assert_str_eq(jstr(p, "filesystem.workdir"), "ro");
	ck_assert_str_eq(jstr(p, "limits.timeout"), "5m");
	json_decref(j);

	/* mine extends strict as the files made it, and sets its own key on top. */
	j = describe_json(env, "--profile", "mine", NULL, NULL);
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

const struct t_case config_profiles_cases[] = {
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
	{ NULL, NULL },
};
