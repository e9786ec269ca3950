/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The test-config cases about the policy an env gets: the ENV/venvrun.json that create
 * writes and --upgrade keeps, the precedence of the layers as `describe --json` shows the
 * effective policy, extends chains, and lists adding to the defaults.
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
	d = describe_json(env, NULL, NULL, NULL, NULL);
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

	d = describe_json(env, NULL, NULL, NULL, NULL);
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

	d = describe_json(env, NULL, NULL, NULL, NULL);
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

	d = describe_json(env, "--profile", "strict", NULL, NULL);
	p = jget(d, "policy");
	ck_assert_str_eq(jstr(p, "network"), "none");
	ck_assert_int_eq(jint(p, "limits.nofile"), 256);
	json_decref(d);

	set_manifest_policy(env, "{\"network\": \"loopback\"}");
	d = describe_json(env, "--profile", "strict", NULL, NULL);
	p = jget(d, "policy");
	ck_assert_str_eq(jstr(p, "network"), "loopback");
	ck_assert_int_eq(jint(p, "limits.nofile"), 256);
	json_decref(d);

	t_write_file(file, "{\"network\": \"host\"}", false);
	d = describe_json(env, "--profile", "strict", "--policy", file);
	p = jget(d, "policy");
	ck_assert_str_eq(jstr(p, "network"), "host");
	ck_assert_int_eq(jint(p, "limits.nofile"), 256);
	ck_assert_str_eq(jstr(p, "filesystem.workdir"), "ro");
	json_decref(d);

	/* A --policy file that extends strict brings strict, with the file on top, over the
	 * layers below: over the default profile and the env's loopback. */
	t_write_file(ext, "{\"extends\": \"strict\", \"limits\": {\"nofile\": 64}}", false);
	d = describe_json(env, "--profile", "default", "--policy", ext);
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
	j = describe_json(env, "--profile", "lone", NULL, NULL);
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

const struct t_case config_policy_cases[] = {
	T_CASE(create_writes_the_manifest),
	T_CASE(manifest_is_written_before_pyvenv_cfg),
	T_CASE(upgrade_keeps_the_manifest_policy),
	T_CASE(upgrade_refuses_a_broken_manifest),
	T_CASE(describe_shows_the_effective_policy),
	T_CASE(layers_take_precedence_in_order),
	T_CASE(bad_policy_file_prints_only_its_error),
	T_CASE(extends_cycle_names_the_chain),
	T_CASE(extends_chain_is_bounded),
	T_CASE(lists_add_to_the_defaults),
	T_CASE(no_such_profile),
	{ NULL, NULL },
};
