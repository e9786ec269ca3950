/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Policy-validate cases about a layer as a whole: JSON syntax errors with their position,
 * duplicate keys, the top level, the version, unknown keys, bounded strings, lists and
 * files, argument checks; then normalisation (idempotent, stable through JSON, the
 * schema's own defaults valid and normal).
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "policy.h"
#include "testlib.h"

#include "policy-validate-helpers.h"

/* --- syntax and structure ------------------------------------------------------------ */

START_TEST(empty_layer)
{
	json_t *doc = parse_layer_ok("{}");

	ck_assert_uint_eq(json_object_size(doc), 0);
	json_decref(doc);
	doc = parse_layer_ok("  {\n}\n");
	json_decref(doc);
}
END_TEST

START_TEST(syntax_error_has_line_and_column)
{
	struct vr_error err = VR_ERROR_INIT;
	char line[VR_ERROR_LINE_MAX];

	/* The comma after "none" is missing. */
	ck_assert_ptr_null(parse_layer("{\n"
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
	ck_assert_ptr_null(parse_layer("{\n  \"network\": \"none\",\n}", &err));
	ck_assert_int_eq(err.line, 3);
	ck_assert_int_eq(err.column, 1);
	ck_assert_str_eq(err.message, "string or '}' expected near '}'");

	/* Trailing garbage and an empty file are syntax errors too. */
	vr_error_clear(&err);
	ck_assert_ptr_null(parse_layer("{} x", &err));
	ck_assert_int_eq(err.line, 1);
	ck_assert_str_eq(err.message, "end of file expected near 'x'");
	vr_error_clear(&err);
	ck_assert_ptr_null(parse_layer("", &err));
	ck_assert_int_eq(err.code, VR_ERR_BAD_POLICY);
	ck_assert_str_eq(err.where, WHERE);
}
END_TEST

START_TEST(duplicate_keys_are_errors)
{
	struct vr_error err = VR_ERROR_INIT;

	ck_assert_ptr_null(parse_layer("{\"network\": \"host\", \"network\": \"none\"}", &err));
	ck_assert_int_eq(err.code, VR_ERR_BAD_POLICY);
	ck_assert_str_eq(err.message, "duplicate object key near '\"network\"'");
	ck_assert_int_eq(err.line, 1);
	ck_assert_int_eq(err.column, 29);

	/* In nested objects as well. */
	vr_error_clear(&err);
	ck_assert_ptr_null(parse_layer("{\"limits\": {\n\"nofile\": 1,\n\"nofile\": 2}}", &err));
	ck_assert_int_eq(err.line, 3);
	ck_assert_str_eq(err.message, "duplicate object key near '\"nofile\"'");
}
END_TEST

START_TEST(top_level_must_be_an_object)
{
	struct vr_error err = VR_ERROR_INIT;
	json_t *doc;

	expect_layer_error("[]", "expected an object at the top level, not a list");
	expect_layer_error("[{\"network\": \"none\"}]", "expected an object at the top level, not a list");
	/* Scalars are refused by jansson itself, with a position. */
	ck_assert_ptr_null(parse_layer("5", &err));
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
	json_t *doc = parse_layer_ok("{\"version\": 1}");

	assert_json_at(doc, "version", "1");
	json_decref(doc);
	expect_layer_error("{\"version\": 2}", "version: this venvrun reads version 1, not 2");
	expect_layer_error("{\"version\": 0}", "version: this venvrun reads version 1, not 0");
	expect_layer_error("{\"version\": \"1\"}", "version: this venvrun reads version 1, not \"1\"");
	expect_layer_error("{\"version\": 1.0}", "version: this venvrun reads version 1, not 1.0");
}
END_TEST

START_TEST(unknown_keys_with_and_without_suggestion)
{
	expect_layer_error("{\"netwrok\": \"none\"}", "netwrok: unknown key; did you mean \"network\"?");
	expect_layer_error("{\"zzzzzz\": 1}", "zzzzzz: unknown key");
	expect_layer_error("{\"filesystem\": {\"workdri\": \"ro\"}}",
			   "filesystem.workdri: unknown key; did you mean \"workdir\"?");
	expect_layer_error("{\"limits\": {\"banana\": 1}}", "limits.banana: unknown key");
	expect_layer_error("{\"limits\": {\"nofil\": 1}}", "limits.nofil: unknown key; did you mean \"nofile\"?");
	expect_layer_error("{\"environment\": {\"sett\": {}}}", "environment.sett: unknown key; did you mean \"set\"?");
	expect_layer_error("{\"seccomp\": {\"dny\": []}}", "seccomp.dny: unknown key; did you mean \"deny\"?");
	expect_layer_error("{\"capabilities\": {\"kep\": []}}",
			   "capabilities.kep: unknown key; did you mean \"keep\"?");
	expect_layer_error("{\"filesystem\": {\"binds\": [{\"source\": \"/a\", \"sourc\": \"/b\"}]}}",
			   "filesystem.binds[0].sourc: unknown key; did you mean \"source\"?");
	expect_layer_error("{\"filesystem\": {\"binds\": [{\"source\": \"/a\", \"rw\": true}]}}",
			   "filesystem.binds[0].rw: unknown key");
	expect_layer_error("{\"seccomp\": {\"deny\": [{\"sycall\": \"ptrace\"}]}}",
			   "seccomp.deny[0].sycall: unknown key; did you mean \"syscall\"?");
	/* The manifest's keys are not policy keys. */
	expect_layer_error("{\"manifest\": 1}", "manifest: unknown key");
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
	doc = parse_layer_ok(text);
	json_decref(doc);
	free(text);
	text = t_strdupf("{\"description\": \"%s\"}", big);
	expect_layer_error(text, "description: longer than 4096 bytes");
	free(text);
	text = t_strdupf("{\"filesystem\": {\"tmpfs\": [\"/%s\"]}}", big);
	expect_layer_error(text, "filesystem.tmpfs[0]: longer than 4096 bytes");
	free(text);
	free(big);

	/* 1024 entries, then 1025. */
	doc = json_pack("{s:{s:[]}}", "filesystem", "hide");
	for (int i = 0; i < 1024; i++)
		json_array_append_new(value_at(doc, "filesystem.hide"), json_string("/x"));
	ck_assert_int_eq(vr_policy_validate(doc, WHERE, &err), 0);
	json_array_append_new(value_at(doc, "filesystem.hide"), json_string("/x"));
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
	assert_json_at(p->doc, "limits.as", "1073741824");
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
	json_t *doc = parse_layer_ok(full_policy), *again = json_deep_copy(doc);
	struct vr_error err = VR_ERROR_INIT;

	ck_assert_int_eq(vr_policy_validate(again, WHERE, &err), 0);
	ck_assert(json_equal(doc, again));
	assert_json_at(doc, "limits.timeout", "\"5m\"");
	assert_json_at(doc, "limits.cpu", "\"1m\"");
	assert_json_at(doc, "limits.as", "2147483648");
	assert_json_at(doc, "filesystem.binds.0.target", "\"/srv/x\"");
	assert_json_at(doc, "capabilities.keep", "[\"CAP_NET_RAW\"]");
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
	assert_json_at(doc, "version", "1");
	assert_json_at(
		doc, "limits",
		"{\"nofile\": 1024, \"nproc\": \"unlimited\", \"as\": \"unlimited\", \"cpu\": \"unlimited\","
		" \"fsize\": \"unlimited\", \"core\": 0, \"stack\": 8388608, \"memory\": \"unlimited\", \"pids\": "
		"\"unlimited\", \"timeout\": \"unlimited\","
		" \"grace\": \"5s\"}");
	assert_json_at(doc, "environment.pass",
		       "[\"TERM\", \"COLORTERM\", \"NO_COLOR\", \"LANG\", \"LANGUAGE\", \"LC_*\", \"TZ\"]");
	assert_json_at(doc, "filesystem",
		       "{\"env\": \"ro\", \"workdir\": \"rw\", \"binds\": [], \"tmpfs\": [], \"hide\": []}");
	assert_json_at(doc, "network", "\"host\"");
	assert_json_at(doc, "seccomp", "{\"profile\": \"default\", \"deny\": [], \"allow\": [], \"log\": false}");
	/* Keys without a default stay absent. */
	ck_assert_ptr_null(json_object_get(doc, "extends"));
	ck_assert_ptr_null(json_object_get(doc, "user"));
	json_decref(doc);
	json_decref(copy);
}
END_TEST

const struct t_case policy_validate_document_cases[] = {
	T_CASE(empty_layer),
	T_CASE(syntax_error_has_line_and_column),
	T_CASE(duplicate_keys_are_errors),
	T_CASE(top_level_must_be_an_object),
	T_CASE(version),
	T_CASE(unknown_keys_with_and_without_suggestion),
	T_CASE(strings_and_lists_are_bounded),
	T_CASE(files_are_bounded_and_read),
	T_CASE(arguments_are_checked),
	T_CASE(normalisation_is_idempotent),
	T_CASE(json_round_trip),
	T_CASE(schema_defaults_are_valid_and_normal),
	{ NULL, NULL },
};
