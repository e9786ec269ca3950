/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The test-run cases about what the command line reports: exit statuses (the program's,
 * 126 and 127), one-line errors with status 125 for bad input before anything runs, and
 * `venvrun describe`.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "macro.h"
#include "strv.h"

#include "run-helpers.h"

/* ---- exit statuses and bad input ------------------------------------------------------ */

static void
exit_statuses(enum who w)
{
	_cleanup_free_ char *scripts = NULL, *plain = NULL, *missing = NULL;
	struct env_facts a;
	struct {
		char *argv[6];
		int status;
		const char *needle; /* NULL: stderr must be empty */
	} cases[] = {
		{ { "true" }, 0, NULL },
		{ { "sh", "-c", "exit 3" }, 3, NULL },
		{ { "sh", "-c", "kill -KILL $$" }, 137, NULL },
		{ { "venvrun-test-no-such-command" }, 127, "venvrun-test-no-such-command" },
		{ { NULL }, 127, NULL }, /* missing: an absolute path that does not exist */
		{ { NULL }, 126, NULL }, /* scripts: a directory */
		{ { NULL }, 126, NULL }, /* plain: a file without x */
	};

	if (!begin(w))
		return;
	a = make_venv("A", false);
	scripts = t_path(scratch, "scripts");
	plain = t_path(scratch, "scripts/plain.txt");
	missing = t_path(scratch, "scripts/no-such-program");
	mkdir_p(scripts);
	t_write_file(plain, "#!/bin/sh\necho ran\n", false);
	hand_over();
	cases[4].argv[0] = missing;
	cases[4].needle = missing;
	cases[5].argv[0] = scripts;
	cases[5].needle = scripts;
	cases[6].argv[0] = plain;
	cases[6].needle = plain;

	for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
		_cleanup_strv_free_ char **argv = NULL;
		_cleanup_free_ char *out = NULL, *err = NULL;
		int rc;

		vr_strv_push(&argv, t_venvrun_bin());
		vr_strv_push(&argv, "--ro-bind");
		vr_strv_push(&argv, scripts);
		vr_strv_push(&argv, a.path);
		vr_strv_push(&argv, "--");
		for (size_t k = 0; cases[i].argv[k]; k++)
			vr_strv_push(&argv, cases[i].argv[k]);
		rc = run_argv(NULL, &out, &err, argv);
		ck_assert_msg(rc == cases[i].status, "%s: status %d, not %d; stderr: %s", cases[i].argv[0], rc,
			      cases[i].status, err);
		ck_assert_str_eq(out, "");
		if (cases[i].needle)
			t_assert_one_line_error(err, cases[i].needle);
		else
			ck_assert_str_eq(err, "");
	}
	env_facts_done(&a);
}

START_TEST(exit_statuses_as_caller)
{
	exit_statuses(AS_CALLER);
}
END_TEST

START_TEST(exit_statuses_as_nobody)
{
	exit_statuses(AS_NOBODY);
}
END_TEST

static void
bad_input(enum who w)
{
	_cleanup_free_ char *copydir = NULL, *copy = NULL, *envc = NULL, *ran = NULL, *nosrc = NULL, *noenv = NULL;
	_cleanup_free_ char *base_real = NULL, *out = NULL, *err = NULL, *script = NULL;
	struct env_facts a;
	int rc;

	if (!begin(w))
		return;
	a = make_venv("A", false);
	ran = t_strdupf("%s/ran", work);
	script = t_strdupf("echo ran > '%s'", ran);
	nosrc = t_path(scratch, "no-such-source");
	noenv = t_path(scratch, "no-such-env");

	/* An env made by venvrun create from a copy of the base, which is then removed. */
	base_real = realpath(a.base, NULL);
	copydir = t_path(scratch, "pycopy");
	copy = t_strdupf("%s/python%s", copydir, a.xy);
	envc = t_path(scratch, "C");
	mkdir_p(copydir);
	{
		char *argv[] = { "/bin/cp", base_real, copy, NULL };
		ck_assert_int_eq(t_run(argv, NULL, NULL, NULL, NULL), 0);
	}
	hand_over();
	rc = vr(&out, &err, "create", "-p", copy, envc, NULL);
	ck_assert_msg(rc == 0, "venvrun create -p %s failed (%d): %s", copy, rc, err);
	free(out);
	free(err);
	out = err = NULL;
	/* It runs while the copy is there. */
	rc = vr(&out, &err, envc, "--", "python", "-c", "print(12345)", NULL);
	ck_assert_msg(rc == 0, "the env of the copy does not run (%d): %s", rc, err);
	ck_assert_str_eq(out, "12345\n");
	ck_assert_int_eq(unlink(copy), 0);

	struct {
		const char *what;
		const char *argv[12];
		const char *needle;
	} cases[] = {
		{ "missing env", { noenv, "--", "sh", "-c", script }, noenv },
		{ "base removed", { envc, "--", "sh", "-c", script }, "venvrun create --upgrade" },
		{ "missing bind source", { "--bind", nosrc, a.path, "--", "sh", "-c", script }, nosrc },
		{ "bind target hidden",
		  { "--ro-bind", t_strdupf("%s:/usr/lib/python3/dist-packages/x", work), a.path, "--", "sh", "-c",
		    script },
		  "/usr/lib/python3/dist-packages" },
		{ "bad option", { "--no-such-option", a.path, "--", "sh", "-c", script }, "--no-such-option" },
		{ "bad option after run",
		  { "run", "--no-such-option", a.path, "--", "sh", "-c", script },
		  "--no-such-option" },
		{ "no command", { a.path, "--" }, "missing the command" },
		{ "bad --setenv", { "--setenv", "NOVALUE", a.path, "--", "sh", "-c", script }, "NOVALUE" },
	};

	for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
		_cleanup_strv_free_ char **argv = NULL;
		_cleanup_free_ char *o = NULL, *e = NULL;

		if (streq(cases[i].what, "bind target hidden") && !t_exists("/usr/lib/python3/dist-packages")) {
			fprintf(stderr, "note: no /usr/lib/python3/dist-packages here; hidden bind target not tried\n");
			continue;
		}
		vr_strv_push(&argv, t_venvrun_bin());
		for (size_t k = 0; cases[i].argv[k]; k++)
			vr_strv_push(&argv, cases[i].argv[k]);
		rc = run_argv(NULL, &o, &e, argv);
		ck_assert_msg(rc == 125, "%s: status %d, not 125; stderr: %s", cases[i].what, rc, e);
		ck_assert_str_eq(o, "");
		t_assert_one_line_error(e, cases[i].needle);
		ck_assert_msg(!t_exists(ran), "%s: the command ran", cases[i].what);
	}
	free((char *)cases[3].argv[1]);
	env_facts_done(&a);
}

START_TEST(bad_input_as_caller)
{
	bad_input(AS_CALLER);
}
END_TEST

START_TEST(bad_input_as_nobody)
{
	bad_input(AS_NOBODY);
}
END_TEST

/* ---- describe -------------------------------------------------------------------------- */

START_TEST(describe_shows_the_plan)
{
	_cleanup_free_ char *out = NULL, *err = NULL;
	struct env_facts a;
	json_t *j, *plan, *m;
	bool env_ro = false, dist_hidden = false;
	size_t i;

	if (!begin(AS_CALLER))
		return;
	a = make_venv("A", false);
	ck_assert_int_eq(vr(&out, &err, "describe", "--json", a.path, NULL), 0);
	j = parse_json("describe --json", out);
	ck_assert_str_eq(jstr(j, "path"), a.path);
	plan = json_object_get(j, "plan");
	if (!plan) {
		fprintf(stderr, "note: describe --json shows no mount plan yet\n");
		json_decref(j);
		return;
	}
	json_array_foreach (json_object_get(plan, "mounts"), i, m) {
		const char *type = json_string_value(json_object_get(m, "type"));
		const char *target = json_string_value(json_object_get(m, "target"));

		if (!type || !target)
			continue;
		if (streq(type, "bind") && streq(target, a.path))
			env_ro = json_is_true(json_object_get(m, "read_only"));
		if (streq(type, "hide") && streq(target, "/usr/lib/python3/dist-packages"))
			dist_hidden = true;
	}
	ck_assert_msg(env_ro, "the plan does not bind %s read-only", a.path);
	if (t_exists("/usr/lib/python3/dist-packages"))
		ck_assert_msg(dist_hidden, "the plan does not hide /usr/lib/python3/dist-packages");
	json_decref(j);
	env_facts_done(&a);
}
END_TEST

/* The synopsis: venvrun describe ENV [--json]. */
START_TEST(describe_takes_json_after_env)
{
	_cleanup_free_ char *out = NULL, *err = NULL;
	struct env_facts a;
	json_t *j;
	int rc;

	if (!begin(AS_CALLER))
		return;
	a = make_venv("A", false);
	rc = vr(&out, &err, "describe", a.path, "--json", NULL);
	ck_assert_msg(rc == 0, "venvrun describe ENV --json: status %d: %s", rc, err);
	j = parse_json("describe ENV --json", out);
	ck_assert_str_eq(jstr(j, "path"), a.path);
	json_decref(j);
	env_facts_done(&a);
}
END_TEST

const struct t_case run_cli_cases[] = {
	/* exit statuses and bad input */
	T_CASE(exit_statuses_as_caller),
	T_CASE(exit_statuses_as_nobody),
	T_CASE(bad_input_as_caller),
	T_CASE(bad_input_as_nobody),
	/* describe */
	T_CASE(describe_shows_the_plan),
	T_CASE(describe_takes_json_after_env),
	{ NULL, NULL },
};
