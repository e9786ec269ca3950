/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "policy.h"
#include "testlib.h"

/*
 * Policy layers: parsing, validation against the schema, normalisation, and setting keys
 * from command-line text. Errors are compared whole: their wording is part of the CLI.
 */

#define WHERE "p.json"

/* Parse and validate text; the normalised document, or NULL with err filled. */
static json_t *
parse(const char *text, struct vr_error *err)
{
	json_t *doc = NULL;
	int r = vr_policy_parse(text, strlen(text), WHERE, &doc, err);

	ck_assert_int_eq(r < 0, doc == NULL);
	return doc;
}

static json_t *
parse_ok(const char *text)
{
	struct vr_error err = VR_ERROR_INIT;
	json_t *doc = parse(text, &err);

	ck_assert_msg(doc, "%s: %s", text, err.message);
	ck_assert_int_eq(err.code, 0);
	return doc;
}

/* The text is refused with exactly this message, the file as its place, no position. */
static void
expect_error(const char *text, const char *message)
{
	struct vr_error err = VR_ERROR_INIT;
	json_t *doc = parse(text, &err);

	ck_assert_msg(!doc, "accepted: %s", text);
	ck_assert_int_eq(err.code, VR_ERR_BAD_POLICY);
	ck_assert_str_eq(err.message, message);
	ck_assert_str_eq(err.where, WHERE);
	ck_assert_int_eq(err.line, 0);
}

/* The value at a dotted path ("limits.as", "filesystem.binds.0.target"). */
static json_t *
at(json_t *doc, const char *path)
{
	char *copy = t_strdupf("%s", path), *save = NULL;
	json_t *v = doc;

	for (char *k = strtok_r(copy, ".", &save); k && v; k = strtok_r(NULL, ".", &save))
		v = json_is_array(v) ? json_array_get(v, strtoul(k, NULL, 10)) : json_object_get(v, k);
	free(copy);
	ck_assert_msg(v, "no %s", path);
	return v;
}

static void
assert_json(json_t *doc, const char *path, const char *expected_json)
{
	json_t *want = json_loads(expected_json, JSON_DECODE_ANY, NULL);
	json_t *got = at(doc, path);
	char *text = json_dumps(got, JSON_ENCODE_ANY | JSON_SORT_KEYS | JSON_COMPACT);

	ck_assert_ptr_nonnull(want);
	ck_assert_msg(json_equal(got, want), "%s is %s, not %s", path, text, expected_json);
	free(text);
	json_decref(want);
}

/* --- syntax and structure ------------------------------------------------------------ */

START_TEST(empty_layer)
{
	json_t *doc = parse_ok("{}");

	ck_assert_uint_eq(json_object_size(doc), 0);
	json_decref(doc);
	doc = parse_ok("  {\n}\n");
	json_decref(doc);
}
END_TEST

START_TEST(syntax_error_has_line_and_column)
{
	struct vr_error err = VR_ERROR_INIT;
	char line[VR_ERROR_LINE_MAX];

	/* The comma after "none" is missing. */
	ck_assert_ptr_null(parse("{\n"
				 "  \"version\": 1,\n"
				 "  \"network\": \"none\"\n"
				 "  \"user\": \"root\"\n"
				 "}\n",
				 &err));
	ck_assert_int_eq(err.code, VR_ERR_BAD_POLICY);
	ck_assert_str_eq(err.where, WHERE);
	ck_assert_int_eq(err.line, 4);
	ck_assert_int_eq(err.column, 8);
	ck_assert_str_eq(err.message, "'}' expected near '\"user\"'");
	vr_error_format(&err, line, sizeof line);
	ck_assert_str_eq(line, "p.json:4:8: '}' expected near '\"user\"'");

	vr_error_clear(&err);
	ck_assert_ptr_null(parse("{\n  \"network\": \"none\",\n}", &err));
	ck_assert_int_eq(err.line, 3);
	ck_assert_int_eq(err.column, 1);
	ck_assert_str_eq(err.message, "string or '}' expected near '}'");

	/* Trailing garbage and an empty file are syntax errors too. */
	vr_error_clear(&err);
	ck_assert_ptr_null(parse("{} x", &err));
	ck_assert_int_eq(err.line, 1);
	ck_assert_str_eq(err.message, "end of file expected near 'x'");
	vr_error_clear(&err);
	ck_assert_ptr_null(parse("", &err));
	ck_assert_int_eq(err.code, VR_ERR_BAD_POLICY);
	ck_assert_str_eq(err.where, WHERE);
}
END_TEST

START_TEST(duplicate_keys_are_errors)
{
	struct vr_error err = VR_ERROR_INIT;

	ck_assert_ptr_null(parse("{\"network\": \"host\", \"network\": \"none\"}", &err));
	ck_assert_int_eq(err.code, VR_ERR_BAD_POLICY);
	ck_assert_str_eq(err.message, "duplicate object key near '\"network\"'");
	ck_assert_int_eq(err.line, 1);
	ck_assert_int_eq(err.column, 29);

	/* In nested objects as well. */
	vr_error_clear(&err);
	ck_assert_ptr_null(parse("{\"limits\": {\n\"nofile\": 1,\n\"nofile\": 2}}", &err));
	ck_assert_int_eq(err.line, 3);
	ck_assert_str_eq(err.message, "duplicate object key near '\"nofile\"'");
}
END_TEST

START_TEST(top_level_must_be_an_object)
{
	struct vr_error err = VR_ERROR_INIT;
	json_t *doc;

	expect_error("[]", "expected an object at the top level, not a list");
	expect_error("[{\"network\": \"none\"}]", "expected an object at the top level, not a list");
	/* Scalars are refused by jansson itself, with a position. */
	ck_assert_ptr_null(parse("5", &err));
	ck_assert_int_eq(err.code, VR_ERR_BAD_POLICY);
	ck_assert_str_eq(err.message, "'[' or '{' expected near '5'");
	ck_assert_int_eq(err.line, 1);
	doc = json_string("x");
	ck_assert_int_eq(vr_policy_validate(doc, WHERE, &err), -VR_ERR_BAD_POLICY);
	ck_assert_str_eq(err.message, "expected an object at the top level, not \"x\"");
	json_decref(doc);
}
END_TEST

START_TEST(version)
{
	json_t *doc = parse_ok("{\"version\": 1}");

	assert_json(doc, "version", "1");
	json_decref(doc);
	expect_error("{\"version\": 2}", "version: this venvrun reads version 1, not 2");
	expect_error("{\"version\": 0}", "version: this venvrun reads version 1, not 0");
	expect_error("{\"version\": \"1\"}", "version: this venvrun reads version 1, not \"1\"");
	expect_error("{\"version\": 1.0}", "version: this venvrun reads version 1, not 1.0");
}
END_TEST

START_TEST(unknown_keys_with_and_without_suggestion)
{
	expect_error("{\"netwrok\": \"none\"}", "netwrok: unknown key; did you mean \"network\"?");
	expect_error("{\"zzzzzz\": 1}", "zzzzzz: unknown key");
	expect_error("{\"filesystem\": {\"workdri\": \"ro\"}}",
		     "filesystem.workdri: unknown key; did you mean \"workdir\"?");
	expect_error("{\"limits\": {\"banana\": 1}}", "limits.banana: unknown key");
	expect_error("{\"limits\": {\"nofil\": 1}}", "limits.nofil: unknown key; did you mean \"nofile\"?");
	expect_error("{\"environment\": {\"sett\": {}}}", "environment.sett: unknown key; did you mean \"set\"?");
	expect_error("{\"seccomp\": {\"dny\": []}}", "seccomp.dny: unknown key; did you mean \"deny\"?");
	expect_error("{\"capabilities\": {\"kep\": []}}", "capabilities.kep: unknown key; did you mean \"keep\"?");
	expect_error("{\"filesystem\": {\"binds\": [{\"source\": \"/a\", \"sourc\": \"/b\"}]}}",
		     "filesystem.binds[0].sourc: unknown key; did you mean \"source\"?");
	expect_error("{\"filesystem\": {\"binds\": [{\"source\": \"/a\", \"rw\": true}]}}",
		     "filesystem.binds[0].rw: unknown key");
	expect_error("{\"seccomp\": {\"deny\": [{\"sycall\": \"ptrace\"}]}}",
		     "seccomp.deny[0].sycall: unknown key; did you mean \"syscall\"?");
	/* The manifest's keys are not policy keys. */
	expect_error("{\"manifest\": 1}", "manifest: unknown key");
}
END_TEST

START_TEST(strings_and_lists_are_bounded)
{
	char *text, *big = malloc(4098);
	struct vr_error err = VR_ERROR_INIT;
	json_t *doc;

	memset(big, 'a', 4097);
	big[4097] = 0;
	text = t_strdupf("{\"description\": \"%.4096s\"}", big);
	doc = parse_ok(text);
	json_decref(doc);
	free(text);
	text = t_strdupf("{\"description\": \"%s\"}", big);
	expect_error(text, "description: longer than 4096 bytes");
	free(text);
	text = t_strdupf("{\"filesystem\": {\"tmpfs\": [\"/%s\"]}}", big);
	expect_error(text, "filesystem.tmpfs[0]: longer than 4096 bytes");
	free(text);
	free(big);

	/* 1024 entries, then 1025. */
	doc = json_pack("{s:{s:[]}}", "filesystem", "hide");
	for (int i = 0; i < 1024; i++)
		json_array_append_new(at(doc, "filesystem.hide"), json_string("/x"));
	ck_assert_int_eq(vr_policy_validate(doc, WHERE, &err), 0);
	json_array_append_new(at(doc, "filesystem.hide"), json_string("/x"));
	ck_assert_int_eq(vr_policy_validate(doc, WHERE, &err), -VR_ERR_BAD_POLICY);
	ck_assert_str_eq(err.message, "filesystem.hide: more than 1024 entries");
	json_decref(doc);
}
END_TEST

START_TEST(files_are_bounded_and_read)
{
	char *dir = t_tmpdir("policy"), *path = t_strdupf("%s/p.json", dir);
	char *missing = t_strdupf("%s/none.json", dir);
	struct vr_error err = VR_ERROR_INIT;
	struct vr_policy *p = NULL;
	char *big;

	t_write_file(path, "{\"network\": \"none\",\n \"limits\": {\"as\": \"1G\"}}\n", false);
	ck_assert_int_eq(vr_policy_load_file(path, &p, &err), 0);
	assert_json(p->doc, "limits.as", "1073741824");
	vr_policy_free(p);
	p = NULL;

	/* Errors name the file. */
	t_write_file(path, "{\"network\": \"wifi\"}", false);
	ck_assert_int_eq(vr_policy_load_file(path, &p, &err), -VR_ERR_BAD_POLICY);
	ck_assert_ptr_null(p);
	ck_assert_str_eq(err.where, path);
	ck_assert_str_eq(err.message, "network: expected \"none\", \"loopback\" or \"host\", not \"wifi\"");
	t_write_file(path, "{\n\"network\" \"none\"}", false);
	ck_assert_int_eq(vr_policy_load_file(path, &p, &err), -VR_ERR_BAD_POLICY);
	ck_assert_str_eq(err.where, path);
	ck_assert_int_eq(err.line, 2);
	ck_assert_int_eq(vr_policy_load_file(missing, &p, &err), -ENOENT);
	ck_assert_str_eq(err.where, missing);

	/* Over 1 MiB: refused before parsing, from a file or from memory. */
	big = malloc(1024 * 1024 + 2);
	memset(big, ' ', 1024 * 1024 + 1);
	big[0] = '{';
	big[1024 * 1024] = '}';
	big[1024 * 1024 + 1] = 0;
	t_write_file(path, big, false);
	ck_assert_int_eq(vr_policy_load_file(path, &p, &err), -EFBIG);
	ck_assert_int_eq(vr_policy_load_string(big, strlen(big), "big", &p, &err), -EFBIG);
	ck_assert_str_eq(err.where, "big");
	/* One byte less is fine. */
	big[1024 * 1024 - 1] = '}';
	ck_assert_int_eq(vr_policy_load_string(big, 1024 * 1024, "big", &p, &err), 0);
	vr_policy_free(p);
	free(big);
	free(path);
	free(missing);
	t_rm_rf(dir);
	free(dir);
}
END_TEST

START_TEST(arguments_are_checked)
{
	struct vr_policy *p = NULL;
	json_t *doc = NULL;

	ck_assert_int_eq(vr_policy_load_file(NULL, &p, NULL), -EINVAL);
	ck_assert_int_eq(vr_policy_load_file("x", NULL, NULL), -EINVAL);
	ck_assert_int_eq(vr_policy_load_string(NULL, 0, "x", &p, NULL), -EINVAL);
	ck_assert_int_eq(vr_policy_load_string("{}", 2, "x", NULL, NULL), -EINVAL);
	ck_assert_int_eq(vr_policy_new(NULL, NULL), -EINVAL);
	ck_assert_int_eq(vr_policy_parse(NULL, 0, "x", &doc, NULL), -EINVAL);
	ck_assert_int_eq(vr_policy_validate(NULL, "x", NULL), -EINVAL);
	ck_assert_ptr_null(vr_policy_to_json(NULL));
	ck_assert_int_eq(vr_policy_new(&p, NULL), 0);
	ck_assert_int_eq(vr_policy_set(p, NULL, "x", "--x", NULL), -EINVAL);
	ck_assert_int_eq(vr_policy_set(p, "network", NULL, "--x", NULL), -EINVAL);
	ck_assert_int_eq(vr_policy_set(NULL, "network", "none", "--x", NULL), -EINVAL);
	ck_assert(vr_policy_equal(NULL, NULL));
	ck_assert(!vr_policy_equal(p, NULL));
	vr_policy_free(p);
	vr_policy_free(NULL);
	/* A NULL error record is allowed on failure. */
	ck_assert_int_eq(vr_policy_load_string("{\"x\": 1}", 8, "x", &p, NULL), -VR_ERR_BAD_POLICY);
}
END_TEST

/* --- each key ------------------------------------------------------------------------ */

START_TEST(extends_and_description)
{
	json_t *doc = parse_ok("{\"extends\": \"strict\", \"description\": \"For untrusted code.\"}");

	/* Left for the profile loader to resolve. */
	assert_json(doc, "extends", "\"strict\"");
	assert_json(doc, "description", "\"For untrusted code.\"");
	json_decref(doc);
	doc = parse_ok("{\"extends\": \"my_profile-2.x\"}");
	json_decref(doc);
	expect_error("{\"extends\": \"../etc/x\"}",
		     "extends: \"../etc/x\" is not a profile name (letters, digits, '_', '.' and '-', at most 64)");
	expect_error("{\"extends\": \"\"}",
		     "extends: \"\" is not a profile name (letters, digits, '_', '.' and '-', at most 64)");
	expect_error("{\"extends\": \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"}",
		     "extends: \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\" is not a "
		     "profile name (letters, digits, '_', '.' and '-', at most 64)");
	expect_error("{\"extends\": [\"a\"]}", "extends: expected a profile name, not a list");
	expect_error("{\"description\": 5}", "description: expected a string, not 5");
	expect_error("{\"description\": \"two\\nlines\"}",
		     "description: must be one line of text, without control characters");
}
END_TEST

START_TEST(filesystem_modes)
{
	json_t *doc = parse_ok("{\"filesystem\": {\"env\": \"rw\", \"workdir\": \"none\"}}");

	assert_json(doc, "filesystem", "{\"env\": \"rw\", \"workdir\": \"none\"}");
	json_decref(doc);
	expect_error("{\"filesystem\": {\"env\": \"rx\"}}", "filesystem.env: expected \"ro\" or \"rw\", not \"rx\"");
	expect_error("{\"filesystem\": {\"env\": \"none\"}}",
		     "filesystem.env: expected \"ro\" or \"rw\", not \"none\"");
	expect_error("{\"filesystem\": {\"workdir\": \"RW\"}}",
		     "filesystem.workdir: expected \"rw\", \"ro\" or \"none\", not \"RW\"");
	expect_error("{\"filesystem\": {\"workdir\": null}}",
		     "filesystem.workdir: expected \"rw\", \"ro\" or \"none\", not null");
	expect_error("{\"filesystem\": \"ro\"}", "filesystem: expected an object, not \"ro\"");
	expect_error("{\"filesystem\": []}", "filesystem: expected an object, not a list");
}
END_TEST

START_TEST(binds_are_completed)
{
	json_t *doc = parse_ok("{\"filesystem\": {\"binds\": ["
			       "{\"source\": \"/srv//data/./x/../y/\"},"
			       "{\"source\": \"/a\", \"target\": \"/b\", \"mode\": \"rw\", \"optional\": true},"
			       "{\"optional\": false, \"mode\": \"ro\", \"source\": \"/c\"}]}}");

	assert_json(
		doc, "filesystem.binds",
		"[{\"source\": \"/srv/data/y\", \"target\": \"/srv/data/y\", \"mode\": \"ro\", \"optional\": false},"
		" {\"source\": \"/a\", \"target\": \"/b\", \"mode\": \"rw\", \"optional\": true},"
		" {\"source\": \"/c\", \"target\": \"/c\", \"mode\": \"ro\", \"optional\": false}]");
	json_decref(doc);
	doc = parse_ok("{\"filesystem\": {\"binds\": []}}");
	json_decref(doc);
}
END_TEST

START_TEST(binds_bad_fields)
{
	expect_error("{\"filesystem\": {\"binds\": [{\"source\": \"/a\"}, {\"source\": \"/b\"},"
		     " {\"source\": \"/c\", \"mode\": \"rx\"}]}}",
		     "filesystem.binds[2].mode: expected \"ro\" or \"rw\", not \"rx\"");
	expect_error("{\"filesystem\": {\"binds\": [{\"target\": \"/a\"}]}}",
		     "filesystem.binds[0]: \"source\" is required");
	expect_error("{\"filesystem\": {\"binds\": [{\"source\": \"data\"}]}}",
		     "filesystem.binds[0].source: expected an absolute path, not \"data\"");
	expect_error("{\"filesystem\": {\"binds\": [{\"source\": \"\"}]}}",
		     "filesystem.binds[0].source: expected an absolute path, not \"\"");
	expect_error("{\"filesystem\": {\"binds\": [{\"source\": \"/a\", \"target\": \"./b\"}]}}",
		     "filesystem.binds[0].target: expected an absolute path, not \"./b\"");
	expect_error("{\"filesystem\": {\"binds\": [{\"source\": \"/a\", \"optional\": \"yes\"}]}}",
		     "filesystem.binds[0].optional: expected true or false, not \"yes\"");
	expect_error("{\"filesystem\": {\"binds\": [{\"source\": 1}]}}",
		     "filesystem.binds[0].source: expected an absolute path, not 1");
	expect_error("{\"filesystem\": {\"binds\": [\"/a\"]}}",
		     "filesystem.binds[0]: expected an object {\"source\", \"target\", \"mode\", \"optional\"}, "
		     "not \"/a\"");
	expect_error("{\"filesystem\": {\"binds\": {\"source\": \"/a\"}}}",
		     "filesystem.binds: expected a list, not an object");
}
END_TEST

START_TEST(tmpfs_and_hide_paths)
{
	json_t *doc = parse_ok("{\"filesystem\": {\"tmpfs\": [\"/tmp\", \"/var//tmp/\", \"/a/./b/..\"],"
			       " \"hide\": [\"/\", \"/home/../root\"]}}");

	assert_json(doc, "filesystem.tmpfs", "[\"/tmp\", \"/var/tmp\", \"/a\"]");
	assert_json(doc, "filesystem.hide", "[\"/\", \"/root\"]");
	json_decref(doc);
	expect_error("{\"filesystem\": {\"tmpfs\": [\"/tmp\", \"tmp\"]}}",
		     "filesystem.tmpfs[1]: expected an absolute path, not \"tmp\"");
	expect_error("{\"filesystem\": {\"hide\": [true]}}", "filesystem.hide[0]: expected an absolute path, not true");
	expect_error("{\"filesystem\": {\"hide\": \"/x\"}}", "filesystem.hide: expected a list, not \"/x\"");
}
END_TEST

START_TEST(network)
{
	static const char *const ok[] = { "none", "loopback", "host" };

	for (size_t i = 0; i < 3; i++) {
		char *text = t_strdupf("{\"network\": \"%s\"}", ok[i]);
		json_t *doc = parse_ok(text);

		ck_assert_str_eq(json_string_value(at(doc, "network")), ok[i]);
		json_decref(doc);
		free(text);
	}
	expect_error("{\"network\": \"wifi\"}", "network: expected \"none\", \"loopback\" or \"host\", not \"wifi\"");
	expect_error("{\"network\": true}", "network: expected \"none\", \"loopback\" or \"host\", not true");
	expect_error("{\"network\": {}}", "network: expected \"none\", \"loopback\" or \"host\", not an object");
}
END_TEST

START_TEST(environment)
{
	json_t *doc =
		parse_ok("{\"environment\": {\"clear\": false, \"pass\": [\"HOME\", \"LC_*\", \"_X1\", \"XDG_*\"],"
			 " \"set\": {\"PYTHONHASHSEED\": \"0\", \"EMPTY\": \"\", \"_u\": \"é\"}}}");

	assert_json(doc, "environment.clear", "false");
	assert_json(doc, "environment.pass", "[\"HOME\", \"LC_*\", \"_X1\", \"XDG_*\"]");
	assert_json(doc, "environment.set.PYTHONHASHSEED", "\"0\"");
	json_decref(doc);
	expect_error("{\"environment\": {\"clear\": \"yes\"}}",
		     "environment.clear: expected true or false, not \"yes\"");
	expect_error("{\"environment\": {\"clear\": 1}}", "environment.clear: expected true or false, not 1");
	expect_error("{\"environment\": {\"pass\": [\"HOME\", \"1BAD\"]}}",
		     "environment.pass[1]: \"1BAD\" is not a variable name");
	expect_error("{\"environment\": {\"pass\": [\"*\"]}}", "environment.pass[0]: \"*\" is not a variable name");
	expect_error("{\"environment\": {\"pass\": [\"A*B\"]}}", "environment.pass[0]: \"A*B\" is not a variable name");
	expect_error("{\"environment\": {\"pass\": [\"A-B\"]}}", "environment.pass[0]: \"A-B\" is not a variable name");
	expect_error("{\"environment\": {\"pass\": [7]}}", "environment.pass[0]: expected a variable name, not 7");
	expect_error("{\"environment\": {\"set\": {\"1X\": \"v\"}}}",
		     "environment.set.1X: \"1X\" is not a variable name");
	expect_error("{\"environment\": {\"set\": {\"A*\": \"v\"}}}",
		     "environment.set.A*: \"A*\" is not a variable name");
	expect_error("{\"environment\": {\"set\": {\"FOO\": 1}}}", "environment.set.FOO: expected a string, not 1");
	expect_error("{\"environment\": {\"set\": [\"FOO=1\"]}}",
		     "environment.set: expected an object of strings, not a list");
}
END_TEST

START_TEST(seccomp_deny_normalised)
{
	json_t *doc = parse_ok("{\"seccomp\": {\"profile\": \"none\", \"log\": true, \"deny\": ["
			       "\"ptrace\","
			       "{\"syscall\": \"mount\", \"action\": \"kill\"},"
			       "{\"syscall\": \"bpf\", \"errno\": \"EACCES\"},"
			       "{\"syscall\": \"keyctl\", \"action\": \"errno\", \"errno\": 38},"
			       "{\"syscall\": \"unshare\", \"action\": \"enosys\"},"
			       "{\"syscall\": \"chroot\", \"action\": \"log\"}],"
			       " \"allow\": [\"personality\"]}}");

	assert_json(doc, "seccomp.deny",
		    "[{\"syscall\": \"ptrace\", \"action\": \"errno\", \"errno\": 1},"
		    " {\"syscall\": \"mount\", \"action\": \"kill\"},"
		    " {\"syscall\": \"bpf\", \"action\": \"errno\", \"errno\": 13},"
		    " {\"syscall\": \"keyctl\", \"action\": \"errno\", \"errno\": 38},"
		    " {\"syscall\": \"unshare\", \"action\": \"enosys\"},"
		    " {\"syscall\": \"chroot\", \"action\": \"log\"}]");
	/* allow stays a list of names. */
	assert_json(doc, "seccomp.allow", "[\"personality\"]");
	assert_json(doc, "seccomp.profile", "\"none\"");
	assert_json(doc, "seccomp.log", "true");
	json_decref(doc);
}
END_TEST

START_TEST(seccomp_bad_entries)
{
	expect_error("{\"seccomp\": {\"deny\": [\"ptarce\"]}}",
		     "seccomp.deny[0]: \"ptarce\" is not a system call known to libseccomp; did you mean \"ptrace\"?");
	expect_error("{\"seccomp\": {\"deny\": [\"qqqqqqqqqqqqqq\"]}}",
		     "seccomp.deny[0]: \"qqqqqqqqqqqqqq\" is not a system call known to libseccomp");
	expect_error("{\"seccomp\": {\"deny\": [\"PTRACE\"]}}",
		     "seccomp.deny[0]: \"PTRACE\" is not a system call known to libseccomp");
	expect_error("{\"seccomp\": {\"deny\": [\"\"]}}",
		     "seccomp.deny[0]: \"\" is not a system call known to libseccomp");
	expect_error("{\"seccomp\": {\"deny\": [{\"syscall\": \"ptrace\", \"action\": \"trap\"}]}}",
		     "seccomp.deny[0].action: expected \"errno\", \"kill\", \"log\" or \"enosys\", not \"trap\"");
	expect_error("{\"seccomp\": {\"deny\": [{\"action\": \"kill\"}]}}", "seccomp.deny[0]: \"syscall\" is required");
	expect_error(
		"{\"seccomp\": {\"deny\": [{\"syscall\": \"ptrace\", \"action\": \"kill\", \"errno\": \"EPERM\"}]}}",
		"seccomp.deny[0].errno: only with action \"errno\", not \"kill\"");
	expect_error("{\"seccomp\": {\"deny\": [{\"syscall\": \"ptrace\", \"errno\": 0}]}}",
		     "seccomp.deny[0].errno: 0 is not an errno value (use a name like \"EPERM\" or a number from 1 to "
		     "4095)");
	expect_error("{\"seccomp\": {\"deny\": [{\"syscall\": \"ptrace\", \"errno\": 4096}]}}",
		     "seccomp.deny[0].errno: 4096 is not an errno value (use a name like \"EPERM\" or a number from 1 "
		     "to 4095)");
	expect_error("{\"seccomp\": {\"deny\": [{\"syscall\": \"ptrace\", \"errno\": \"EPREM\"}]}}",
		     "seccomp.deny[0].errno: \"EPREM\" is not an errno name; did you mean \"EPERM\"?");
	expect_error("{\"seccomp\": {\"deny\": [{\"syscall\": \"ptrace\", \"errno\": \"nope\"}]}}",
		     "seccomp.deny[0].errno: \"nope\" is not an errno name (use a name like \"EPERM\" or a number from "
		     "1 to 4095)");
	expect_error("{\"seccomp\": {\"deny\": [{\"syscall\": \"ptrace\", \"errno\": true}]}}",
		     "seccomp.deny[0].errno: expected an errno name or number, not true");
	expect_error("{\"seccomp\": {\"deny\": [5]}}",
		     "seccomp.deny[0]: expected a system call name or {\"syscall\", \"action\", \"errno\"}, not 5");
	expect_error("{\"seccomp\": {\"allow\": [{\"syscall\": \"ptrace\"}]}}",
		     "seccomp.allow[0]: expected a system call name, not an object");
	expect_error("{\"seccomp\": {\"allow\": [\"read\", \"nosuchcall\"]}}",
		     "seccomp.allow[1]: \"nosuchcall\" is not a system call known to libseccomp");
	expect_error("{\"seccomp\": {\"profile\": \"strict\"}}",
		     "seccomp.profile: expected \"default\" or \"none\", not \"strict\"");
	expect_error("{\"seccomp\": {\"log\": \"true\"}}", "seccomp.log: expected true or false, not \"true\"");
}
END_TEST

START_TEST(capabilities)
{
	json_t *doc = parse_ok("{\"capabilities\": {\"keep\": [\"CAP_NET_RAW\", \"cap_net_raw\", \"net_raw\","
			       " \"Net_Admin\", \"cap_SYS_ptrace\"]}}");

	assert_json(doc, "capabilities.keep",
		    "[\"CAP_NET_RAW\", \"CAP_NET_RAW\", \"CAP_NET_RAW\", \"CAP_NET_ADMIN\", \"CAP_SYS_PTRACE\"]");
	json_decref(doc);
	expect_error("{\"capabilities\": {\"keep\": [\"CAP_NET_RAW\", \"CAP_NET_RAWW\"]}}",
		     "capabilities.keep[1]: \"CAP_NET_RAWW\" is not a capability known to libcap");
	expect_error("{\"capabilities\": {\"keep\": [\"12\"]}}",
		     "capabilities.keep[0]: \"12\" is not a capability known to libcap");
	expect_error("{\"capabilities\": {\"keep\": [\"cap_\"]}}",
		     "capabilities.keep[0]: \"cap_\" is not a capability known to libcap");
	expect_error("{\"capabilities\": {\"keep\": [\"all\"]}}",
		     "capabilities.keep[0]: \"all\" is not a capability known to libcap");
	expect_error("{\"capabilities\": {\"keep\": [\"net raw\"]}}",
		     "capabilities.keep[0]: \"net raw\" is not a capability known to libcap");
	expect_error("{\"capabilities\": {\"keep\": [null]}}",
		     "capabilities.keep[0]: expected a capability name, not null");
}
END_TEST

START_TEST(limits_sizes)
{
	json_t *doc = parse_ok("{\"limits\": {\"as\": \"2G\", \"fsize\": \"512\", \"core\": 0,"
			       " \"stack\": \"8MiB\"}}");

	assert_json(doc, "limits", "{\"as\": 2147483648, \"fsize\": 512, \"core\": 0, \"stack\": 8388608}");
	json_decref(doc);
	doc = parse_ok("{\"limits\": {\"as\": \"unlimited\", \"fsize\": \"8388607T\"}}");
	assert_json(doc, "limits", "{\"as\": \"unlimited\", \"fsize\": 9223370937343148032}");
	json_decref(doc);
	expect_error("{\"limits\": {\"as\": \"12Q\"}}", "limits.as: \"12Q\" is not a size (use bytes or K, M, G, T)");
	expect_error("{\"limits\": {\"as\": \"99999999999T\"}}", "limits.as: 99999999999T overflows");
	/* Sizes are JSON integers, which are signed. */
	expect_error("{\"limits\": {\"as\": \"8388608T\"}}", "limits.as: 8388608T overflows");
	expect_error("{\"limits\": {\"as\": \"18446744073709551616\"}}", "limits.as: 18446744073709551616 overflows");
	expect_error("{\"limits\": {\"core\": -1}}", "limits.core: -1 is not a size (use bytes or K, M, G, T)");
	expect_error("{\"limits\": {\"core\": \"1.5G\"}}",
		     "limits.core: \"1.5G\" is not a size (use bytes or K, M, G, T)");
	expect_error("{\"limits\": {\"core\": \" 1G\"}}",
		     "limits.core: \" 1G\" is not a size (use bytes or K, M, G, T)");
	expect_error("{\"limits\": {\"stack\": \"8m\"}}",
		     "limits.stack: \"8m\" is not a size (use bytes or K, M, G, T)");
	expect_error("{\"limits\": {\"stack\": \"Unlimited\"}}",
		     "limits.stack: \"Unlimited\" is not a size (use bytes or K, M, G, T)");
	expect_error("{\"limits\": {\"fsize\": 1.5}}",
		     "limits.fsize: expected a size (bytes or K, M, G, T, or \"unlimited\"), not 1.5");
	expect_error("{\"limits\": {\"fsize\": false}}",
		     "limits.fsize: expected a size (bytes or K, M, G, T, or \"unlimited\"), not false");
}
END_TEST

START_TEST(limits_counts)
{
	json_t *doc = parse_ok("{\"limits\": {\"nofile\": 1024, \"nproc\": \"unlimited\"}}");

	assert_json(doc, "limits", "{\"nofile\": 1024, \"nproc\": \"unlimited\"}");
	json_decref(doc);
	doc = parse_ok("{\"limits\": {\"nofile\": 0, \"nproc\": 2147483647}}");
	json_decref(doc);
	expect_error("{\"limits\": {\"nofile\": \"lots\"}}",
		     "limits.nofile: expected a count (an integer or \"unlimited\"), not \"lots\"");
	expect_error("{\"limits\": {\"nofile\": \"1024\"}}",
		     "limits.nofile: expected a count (an integer or \"unlimited\"), not \"1024\"");
	expect_error("{\"limits\": {\"nproc\": 2147483648}}",
		     "limits.nproc: 2147483648 is out of range (0 to 2147483647)");
	expect_error("{\"limits\": {\"nproc\": -1}}", "limits.nproc: -1 is out of range (0 to 2147483647)");
	expect_error("{\"limits\": {\"nofile\": 1e3}}",
		     "limits.nofile: expected a count (an integer or \"unlimited\"), not 1000.0");
	expect_error("{\"limits\": 5}", "limits: expected an object, not 5");
}
END_TEST

START_TEST(limits_durations)
{
	json_t *doc = parse_ok("{\"limits\": {\"timeout\": 90, \"grace\": \"120000ms\", \"cpu\": \"2000ms\"}}");

	assert_json(doc, "limits", "{\"timeout\": \"90s\", \"grace\": \"2m\", \"cpu\": \"2s\"}");
	json_decref(doc);
	doc = parse_ok("{\"limits\": {\"timeout\": \"1500ms\", \"grace\": 0, \"cpu\": \"unlimited\"}}");
	assert_json(doc, "limits", "{\"timeout\": \"1500ms\", \"grace\": \"0s\", \"cpu\": \"unlimited\"}");
	json_decref(doc);
	doc = parse_ok("{\"limits\": {\"timeout\": \"86400s\", \"grace\": \"60\", \"cpu\": \"1h\"}}");
	assert_json(doc, "limits", "{\"timeout\": \"1d\", \"grace\": \"1m\", \"cpu\": \"1h\"}");
	json_decref(doc);
	expect_error("{\"limits\": {\"cpu\": \"500ms\"}}", "limits.cpu: \"500ms\" is not a whole number of seconds");
	expect_error("{\"limits\": {\"cpu\": \"1500ms\"}}", "limits.cpu: \"1500ms\" is not a whole number of seconds");
	expect_error("{\"limits\": {\"timeout\": \"5x\"}}",
		     "limits.timeout: \"5x\" is not a duration (use seconds or ms, s, m, h, d)");
	expect_error("{\"limits\": {\"timeout\": \"1.5s\"}}",
		     "limits.timeout: \"1.5s\" is not a duration (use seconds or ms, s, m, h, d)");
	expect_error("{\"limits\": {\"timeout\": -5}}",
		     "limits.timeout: -5 is not a duration (use seconds or ms, s, m, h, d)");
	expect_error("{\"limits\": {\"timeout\": \"99999999999999999d\"}}",
		     "limits.timeout: 99999999999999999d overflows");
	expect_error("{\"limits\": {\"timeout\": 9223372036854775807}}",
		     "limits.timeout: 9223372036854775807 overflows");
	expect_error("{\"limits\": {\"timeout\": true}}",
		     "limits.timeout: expected a duration (seconds or ms, s, m, h, d, or \"unlimited\"), not true");
	/* A grace period has no "unlimited": a timed-out program must end. */
	expect_error("{\"limits\": {\"grace\": \"unlimited\"}}",
		     "limits.grace: \"unlimited\" is not a duration (use seconds or ms, s, m, h, d)");
	expect_error("{\"limits\": {\"grace\": null}}",
		     "limits.grace: expected a duration (seconds or ms, s, m, h, d), not null");
}
END_TEST

START_TEST(user_and_group)
{
	json_t *doc = parse_ok("{\"user\": \"root\", \"group\": \"root\"}");

	json_decref(doc);
	doc = parse_ok("{\"user\": 0, \"group\": 0}");
	json_decref(doc);
	doc = parse_ok("{\"user\": \"0\", \"group\": \"0\"}");
	/* Kept as written. */
	assert_json(doc, "user", "\"0\"");
	json_decref(doc);
	expect_error("{\"user\": \"nobodyy-venvrun-test\"}", "user: no such user \"nobodyy-venvrun-test\"");
	expect_error("{\"group\": \"nogroupp-venvrun-test\"}", "group: no such group \"nogroupp-venvrun-test\"");
	expect_error("{\"user\": 4294967295}", "user: no such user 4294967295");
	expect_error("{\"user\": -1}", "user: no such user -1");
	expect_error("{\"group\": 4000000000}", "group: no such group 4000000000");
	expect_error("{\"user\": \"\"}", "user: no such user \"\"");
	expect_error("{\"user\": true}", "user: expected a user name or uid, not true");
	expect_error("{\"group\": [0]}", "group: expected a group name or gid, not a list");
}
END_TEST

START_TEST(hostname)
{
	static const char *const good[] = {
		"sandbox",
		"a",
		"a.b-c.example",
		"123",
		"x1-2-3",
		/* 64 bytes: the kernel's limit. */
		"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.b",
	};
	static const char *const bad[] = { "-bad", "bad-", "bad_name", "a..b", "a.", ".a", "", "héllo", "a b" };

	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
		char *text = t_strdupf("{\"hostname\": \"%s\"}", good[i]);
		json_t *doc = parse_ok(text);

		json_decref(doc);
		free(text);
	}
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		char *text = t_strdupf("{\"hostname\": \"%s\"}", bad[i]);
		char *msg = t_strdupf("hostname: \"%s\" is not a host name (RFC 1123: letters, digits and '-', in "
				      "labels separated by '.')",
				      bad[i]);

		expect_error(text, msg);
		free(text);
		free(msg);
	}
	/* A 64-letter label: short enough overall, too long as a label. */
	expect_error(
		"{\"hostname\": \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"}",
		"hostname: \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\" is not a host name "
		"(RFC 1123: letters, digits and '-', in labels separated by '.')");
	expect_error("{\"hostname\": \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.bb\"}",
		     "hostname: longer than 64 bytes");
	expect_error("{\"hostname\": 1}", "hostname: expected a host name, not 1");
}
END_TEST

/* --- normalisation is stable ------------------------------------------------------------ */

static const char full_policy[] =
	"{\"version\": 1, \"extends\": \"default\", \"description\": \"everything\","
	" \"filesystem\": {\"env\": \"ro\", \"workdir\": \"ro\","
	"   \"binds\": [{\"source\": \"/srv/./x/\"}, {\"source\": \"/a\", \"target\": \"/b\", \"mode\": \"rw\"}],"
	"   \"tmpfs\": [\"/tmp/\"], \"hide\": [\"/home\"]},"
	" \"network\": \"loopback\","
	" \"environment\": {\"clear\": true, \"pass\": [\"TERM\", \"LC_*\"], \"set\": {\"A\": \"b\"}},"
	" \"seccomp\": {\"profile\": \"default\", \"deny\": [\"ptrace\", {\"syscall\": \"mount\", \"action\": "
	"\"kill\"}],"
	"   \"allow\": [\"personality\"], \"log\": false},"
	" \"capabilities\": {\"keep\": [\"net_raw\"]},"
	" \"limits\": {\"nofile\": 256, \"nproc\": 128, \"as\": \"2G\", \"cpu\": \"60s\", \"fsize\": \"256M\","
	"   \"core\": 0, \"stack\": \"8M\", \"timeout\": \"300s\", \"grace\": \"5s\"},"
	" \"user\": \"root\", \"group\": 0, \"hostname\": \"sandbox\"}";

START_TEST(normalisation_is_idempotent)
{
	json_t *doc = parse_ok(full_policy), *again = json_deep_copy(doc);
	struct vr_error err = VR_ERROR_INIT;

	ck_assert_int_eq(vr_policy_validate(again, WHERE, &err), 0);
	ck_assert(json_equal(doc, again));
	assert_json(doc, "limits.timeout", "\"5m\"");
	assert_json(doc, "limits.cpu", "\"1m\"");
	assert_json(doc, "limits.as", "2147483648");
	assert_json(doc, "filesystem.binds.0.target", "\"/srv/x\"");
	assert_json(doc, "capabilities.keep", "[\"CAP_NET_RAW\"]");
	json_decref(doc);
	json_decref(again);
}
END_TEST

START_TEST(json_round_trip)
{
	struct vr_policy *a = NULL, *b = NULL;
	struct vr_error err = VR_ERROR_INIT;
	char *text, *text2;

	ck_assert_int_eq(vr_policy_load_string(full_policy, strlen(full_policy), WHERE, &a, &err), 0);
	text = vr_policy_to_json(a);
	ck_assert_ptr_nonnull(text);
	ck_assert_int_eq(vr_policy_load_string(text, strlen(text), "again", &b, &err), 0);
	ck_assert(vr_policy_equal(a, b));
	/* Sorted keys: the same policy is the same text. */
	text2 = vr_policy_to_json(b);
	ck_assert_str_eq(text, text2);
	ck_assert_ptr_nonnull(strstr(text, "\"limits\": {\n    \"as\": 2147483648,\n    \"core\": 0,"));
	free(text);
	free(text2);
	vr_policy_free(b);

	/* A different policy is not equal. */
	ck_assert_int_eq(vr_policy_load_string("{\"network\": \"none\"}", 19, WHERE, &b, &err), 0);
	ck_assert(!vr_policy_equal(a, b));
	vr_policy_free(a);
	vr_policy_free(b);
}
END_TEST

static json_t *
defaults_of(const struct vr_schema *fields)
{
	json_t *obj = json_object();

	for (const struct vr_schema *s = fields; s->key; s++) {
		json_t *v = NULL;

		ck_assert_msg(s->doc && *s->doc, "%s has no doc line", s->key);
		if (s->type == VR_T_OBJECT) {
			ck_assert_ptr_nonnull(s->fields);
			v = defaults_of(s->fields);
		} else if (s->default_json) {
			v = json_loads(s->default_json, JSON_DECODE_ANY, NULL);
			ck_assert_msg(v, "%s: default %s does not parse", s->key, s->default_json);
		}
		if (v)
			json_object_set_new(obj, s->key, v);
	}
	return obj;
}

START_TEST(schema_defaults_are_valid_and_normal)
{
	json_t *doc = defaults_of(vr_policy_schema), *copy = json_deep_copy(doc);
	struct vr_error err = VR_ERROR_INIT;

	ck_assert_msg(vr_policy_validate(copy, "defaults", &err) == 0, "%s", err.message);
	ck_assert(json_equal(doc, copy));
	assert_json(doc, "version", "1");
	assert_json(doc, "limits",
		    "{\"nofile\": 1024, \"nproc\": \"unlimited\", \"as\": \"unlimited\", \"cpu\": \"unlimited\","
		    " \"fsize\": \"unlimited\", \"core\": 0, \"stack\": 8388608, \"memory\": \"unlimited\", \"pids\": "
		    "\"unlimited\", \"timeout\": \"unlimited\","
		    " \"grace\": \"5s\"}");
	assert_json(doc, "environment.pass",
		    "[\"TERM\", \"COLORTERM\", \"NO_COLOR\", \"LANG\", \"LANGUAGE\", \"LC_*\", \"TZ\"]");
	assert_json(doc, "filesystem",
		    "{\"env\": \"ro\", \"workdir\": \"rw\", \"binds\": [], \"tmpfs\": [], \"hide\": []}");
	assert_json(doc, "network", "\"host\"");
	assert_json(doc, "seccomp", "{\"profile\": \"default\", \"deny\": [], \"allow\": [], \"log\": false}");
	/* Keys without a default stay absent. */
	ck_assert_ptr_null(json_object_get(doc, "extends"));
	ck_assert_ptr_null(json_object_get(doc, "user"));
	json_decref(doc);
	json_decref(copy);
}
END_TEST

/* --- setting keys from flags ------------------------------------------------------------- */

START_TEST(set_scalars)
{
	struct vr_error err = VR_ERROR_INIT;
	struct vr_policy *p = NULL;

	ck_assert_int_eq(vr_policy_new(&p, &err), 0);
	ck_assert_int_eq(vr_policy_set(p, "network", "none", "--network", &err), 0);
	ck_assert_int_eq(vr_policy_set(p, "limits.nofile", "256", "--limit", &err), 0);
	ck_assert_int_eq(vr_policy_set(p, "limits.nproc", "unlimited", "--limit", &err), 0);
	ck_assert_int_eq(vr_policy_set(p, "limits.as", "2G", "--limit", &err), 0);
	ck_assert_int_eq(vr_policy_set(p, "limits.timeout", "120", "--timeout", &err), 0);
	ck_assert_int_eq(vr_policy_set(p, "environment.clear", "no", "--keep-env", &err), 0);
	ck_assert_int_eq(vr_policy_set(p, "seccomp.log", "1", "--audit", &err), 0);
	ck_assert_int_eq(vr_policy_set(p, "filesystem.workdir", "ro", "--workdir", &err), 0);
	ck_assert_int_eq(vr_policy_set(p, "user", "0", "--user", &err), 0);
	ck_assert_int_eq(vr_policy_set(p, "hostname", "box", "--hostname", &err), 0);
	ck_assert_int_eq(vr_policy_set(p, "network", "loopback", "--network", &err), 0);
	assert_json(p->doc, "network", "\"loopback\"");
	assert_json(p->doc, "limits",
		    "{\"nofile\": 256, \"nproc\": \"unlimited\", \"as\": 2147483648, \"timeout\": \"2m\"}");
	assert_json(p->doc, "environment.clear", "false");
	assert_json(p->doc, "seccomp.log", "true");
	assert_json(p->doc, "filesystem.workdir", "\"ro\"");
	assert_json(p->doc, "user", "\"0\"");
	vr_policy_free(p);
}
END_TEST

START_TEST(set_lists_and_maps)
{
	struct vr_error err = VR_ERROR_INIT;
	struct vr_policy *p = NULL;

	ck_assert_int_eq(vr_policy_new(&p, &err), 0);
	ck_assert_int_eq(vr_policy_set(p, "filesystem.binds", "/srv/data", "--bind", &err), 0);
	ck_assert_int_eq(vr_policy_set(p, "filesystem.binds", "/a:/b", "--bind", &err), 0);
	ck_assert_int_eq(vr_policy_set(p, "filesystem.binds", "/c:/d:rw", "--bind", &err), 0);
	ck_assert_int_eq(vr_policy_set(p, "filesystem.binds", "/e:rw", "--bind", &err), 0);
	assert_json(p->doc, "filesystem.binds",
		    "[{\"source\": \"/srv/data\", \"target\": \"/srv/data\", \"mode\": \"ro\", \"optional\": false},"
		    " {\"source\": \"/a\", \"target\": \"/b\", \"mode\": \"ro\", \"optional\": false},"
		    " {\"source\": \"/c\", \"target\": \"/d\", \"mode\": \"rw\", \"optional\": false},"
		    " {\"source\": \"/e\", \"target\": \"/e\", \"mode\": \"rw\", \"optional\": false}]");
	ck_assert_int_eq(vr_policy_set(p, "filesystem.tmpfs", "/var/tmp/", "--tmpfs", &err), 0);
	ck_assert_int_eq(vr_policy_set(p, "environment.pass", "HOME", "--pass-env", &err), 0);
	ck_assert_int_eq(vr_policy_set(p, "environment.set", "A=1=2", "--setenv", &err), 0);
	ck_assert_int_eq(vr_policy_set(p, "environment.set", "B=", "--setenv", &err), 0);
	ck_assert_int_eq(vr_policy_set(p, "environment.set", "A=3", "--setenv", &err), 0);
	ck_assert_int_eq(vr_policy_set(p, "seccomp.deny", "ptrace", "--deny", &err), 0);
	ck_assert_int_eq(vr_policy_set(p, "seccomp.allow", "personality", "--allow", &err), 0);
	ck_assert_int_eq(vr_policy_set(p, "capabilities.keep", "net_raw", "--cap", &err), 0);
	assert_json(p->doc, "filesystem.tmpfs", "[\"/var/tmp\"]");
	assert_json(p->doc, "environment", "{\"pass\": [\"HOME\"], \"set\": {\"A\": \"3\", \"B\": \"\"}}");
	assert_json(p->doc, "seccomp",
		    "{\"deny\": [{\"syscall\": \"ptrace\", \"action\": \"errno\", \"errno\": 1}],"
		    " \"allow\": [\"personality\"]}");
	assert_json(p->doc, "capabilities.keep", "[\"CAP_NET_RAW\"]");
	vr_policy_free(p);
}
END_TEST

START_TEST(set_errors_leave_the_layer_alone)
{
	struct vr_error err = VR_ERROR_INIT;
	struct vr_policy *p = NULL, *before = NULL;

	ck_assert_int_eq(vr_policy_load_string("{\"network\": \"none\"}", 19, WHERE, &p, &err), 0);
	ck_assert_int_eq(vr_policy_load_string("{\"network\": \"none\"}", 19, WHERE, &before, &err), 0);

	ck_assert_int_eq(vr_policy_set(p, "network", "wifi", "--network", &err), -VR_ERR_BAD_POLICY);
	ck_assert_str_eq(err.where, "--network");
	ck_assert_str_eq(err.message, "network: expected \"none\", \"loopback\" or \"host\", not \"wifi\"");
	ck_assert_int_eq(vr_policy_set(p, "limits.nofile", "lots", "--limit", &err), -VR_ERR_BAD_POLICY);
	ck_assert_str_eq(err.message, "limits.nofile: expected a count (an integer or \"unlimited\"), not \"lots\"");
	ck_assert_int_eq(vr_policy_set(p, "limits.as", "12Q", "--limit", &err), -VR_ERR_BAD_POLICY);
	ck_assert_str_eq(err.message, "limits.as: \"12Q\" is not a size (use bytes or K, M, G, T)");
	ck_assert_int_eq(vr_policy_set(p, "limits.cpu", "500ms", "--limit", &err), -VR_ERR_BAD_POLICY);
	ck_assert_str_eq(err.message, "limits.cpu: \"500ms\" is not a whole number of seconds");
	ck_assert_int_eq(vr_policy_set(p, "environment.clear", "maybe", "--clear-env", &err), -VR_ERR_BAD_POLICY);
	ck_assert_str_eq(err.message, "environment.clear: expected true or false, not \"maybe\"");
	ck_assert_int_eq(vr_policy_set(p, "filesystem.binds", "/a:/b:rx", "--bind", &err), -VR_ERR_BAD_POLICY);
	ck_assert_str_eq(err.message, "filesystem.binds: \"/a:/b:rx\" is not SRC[:DST[:ro|rw]]");
	ck_assert_int_eq(vr_policy_set(p, "filesystem.binds", "/a:/b:ro:x", "--bind", &err), -VR_ERR_BAD_POLICY);
	ck_assert_int_eq(vr_policy_set(p, "filesystem.binds", "rel:/b", "--bind", &err), -VR_ERR_BAD_POLICY);
	ck_assert_str_eq(err.message, "filesystem.binds[0].source: expected an absolute path, not \"rel\"");
	ck_assert_int_eq(vr_policy_set(p, "environment.set", "NOVALUE", "--setenv", &err), -VR_ERR_BAD_POLICY);
	ck_assert_str_eq(err.message, "environment.set: expected NAME=VALUE, not \"NOVALUE\"");
	ck_assert_int_eq(vr_policy_set(p, "environment.set", "1X=v", "--setenv", &err), -VR_ERR_BAD_POLICY);
	ck_assert_str_eq(err.message, "environment.set.1X: \"1X\" is not a variable name");
	ck_assert_int_eq(vr_policy_set(p, "seccomp.deny", "ptarce", "--deny", &err), -VR_ERR_BAD_POLICY);
	ck_assert_str_eq(
		err.message,
		"seccomp.deny[0]: \"ptarce\" is not a system call known to libseccomp; did you mean \"ptrace\"?");
	ck_assert_int_eq(vr_policy_set(p, "user", "nobodyy-venvrun-test", "--user", &err), -VR_ERR_BAD_POLICY);
	ck_assert_str_eq(err.message, "user: no such user \"nobodyy-venvrun-test\"");

	/* Keys that are not there, or not single values. */
	ck_assert_int_eq(vr_policy_set(p, "limits.nofil", "1", "--limit", &err), -VR_ERR_BAD_POLICY);
	ck_assert_str_eq(err.where, "--limit");
	ck_assert_str_eq(err.message, "limits.nofil: unknown key; did you mean \"nofile\"?");
	ck_assert_int_eq(vr_policy_set(p, "netwrk", "none", "--x", &err), -VR_ERR_BAD_POLICY);
	ck_assert_str_eq(err.message, "netwrk: unknown key; did you mean \"network\"?");
	ck_assert_int_eq(vr_policy_set(p, "banana.split", "x", "--x", &err), -VR_ERR_BAD_POLICY);
	ck_assert_str_eq(err.message, "banana.split: unknown key \"banana\"");
	ck_assert_int_eq(vr_policy_set(p, "limitz.nofile", "1", "--x", &err), -VR_ERR_BAD_POLICY);
	ck_assert_str_eq(err.message, "limitz.nofile: unknown key \"limitz\"; did you mean \"limits\"?");
	ck_assert_int_eq(vr_policy_set(p, "filesystem.bindz.x", "1", "--x", &err), -VR_ERR_BAD_POLICY);
	ck_assert_str_eq(err.message, "filesystem.bindz.x: unknown key \"bindz\"; did you mean \"filesystem.binds\"?");
	ck_assert_int_eq(vr_policy_set(p, "limits", "x", "--x", &err), -VR_ERR_BAD_POLICY);
	ck_assert_str_eq(err.message, "limits: set one of its keys, not the whole group");
	ck_assert_int_eq(vr_policy_set(p, "network.mode", "x", "--x", &err), -VR_ERR_BAD_POLICY);
	ck_assert_str_eq(err.message, "network: has no keys of its own");

	ck_assert(vr_policy_equal(p, before));
	vr_policy_free(p);
	vr_policy_free(before);
}
END_TEST

static const struct t_case cases[] = {
	T_CASE(empty_layer),
	T_CASE(syntax_error_has_line_and_column),
	T_CASE(duplicate_keys_are_errors),
	T_CASE(top_level_must_be_an_object),
	T_CASE(version),
	T_CASE(unknown_keys_with_and_without_suggestion),
	T_CASE(strings_and_lists_are_bounded),
	T_CASE(files_are_bounded_and_read),
	T_CASE(arguments_are_checked),
	T_CASE(extends_and_description),
	T_CASE(filesystem_modes),
	T_CASE(binds_are_completed),
	T_CASE(binds_bad_fields),
	T_CASE(tmpfs_and_hide_paths),
	T_CASE(network),
	T_CASE(environment),
	T_CASE(seccomp_deny_normalised),
	T_CASE(seccomp_bad_entries),
	T_CASE(capabilities),
	T_CASE(limits_sizes),
	T_CASE(limits_counts),
	T_CASE(limits_durations),
	T_CASE(user_and_group),
	T_CASE(hostname),
	T_CASE(normalisation_is_idempotent),
	T_CASE(json_round_trip),
	T_CASE(schema_defaults_are_valid_and_normal),
	T_CASE(set_scalars),
	T_CASE(set_lists_and_maps),
	T_CASE(set_errors_leave_the_layer_alone),
};

int
main(void)
{
	return t_run_suite(T_SUITE("policy-validate", cases));
}
