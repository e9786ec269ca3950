/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The helpers the policy-validate cases share (declared in policy-validate-helpers.h):
 * parsing a layer from text, checking that it is refused with one exact message, and
 * reading a value of the normalised document by its dotted path.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "policy.h"
#include "testlib.h"

#include "policy-validate-helpers.h"

/* Parse and validate text; the normalised document, or NULL with err filled. */
json_t *
parse_layer(const char *text, struct vr_error *err)
{
	json_t *doc = NULL;
	int r = vr_policy_parse(text, strlen(text), WHERE, &doc, err);

	ck_assert_int_eq(r < 0, doc == NULL);
	return doc;
}

json_t *
parse_layer_ok(const char *text)
{
	struct vr_error err = VR_ERROR_INIT;
	json_t *doc = parse_layer(text, &err);

	ck_assert_msg(doc, "%s: %s", text, err.message);
	ck_assert_int_eq(err.code, 0);
	return doc;
}

/* The text is refused with exactly this message, the file as its place, no position. */
void
expect_layer_error(const char *text, const char *message)
{
	struct vr_error err = VR_ERROR_INIT;
	json_t *doc = parse_layer(text, &err);

	ck_assert_msg(!doc, "accepted: %s", text);
	ck_assert_int_eq(err.code, VR_ERR_BAD_POLICY);
	ck_assert_str_eq(err.message, message);
	ck_assert_str_eq(err.where, WHERE);
	ck_assert_int_eq(err.line, 0);
}

/* The value at a dotted path ("limits.as", "filesystem.binds.0.target"). */
json_t *
value_at(json_t *doc, const char *path)
{
	char *copy = t_strdupf("%s", path), *save = NULL;
	json_t *v = doc;

	for (char *k = strtok_r(copy, ".", &save); k && v; k = strtok_r(NULL, ".", &save))
		v = json_is_array(v) ? json_array_get(v, strtoul(k, NULL, 10)) : json_object_get(v, k);
	free(copy);
	ck_assert_msg(v, "no %s", path);
	return v;
}

void
assert_json_at(json_t *doc, const char *path, const char *expected_json)
{
	json_t *want = json_loads(expected_json, JSON_DECODE_ANY, NULL);
	json_t *got = value_at(doc, path);
	char *text = json_dumps(got, JSON_ENCODE_ANY | JSON_SORT_KEYS | JSON_COMPACT);

	ck_assert_ptr_nonnull(want);
	ck_assert_msg(json_equal(got, want), "%s is %s, not %s", path, text, expected_json);
	free(text);
	json_decref(want);
}
