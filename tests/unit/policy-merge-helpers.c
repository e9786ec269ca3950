/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The helpers the policy-merge cases share (declared in policy-merge-helpers.h): loading
 * a layer from text, merging layers, comparing a policy with an expected one, and the
 * three layers of a chain.
 */
#include "config.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "venvrun/policy.h"

#include "testlib.h"

#include "policy-merge-helpers.h"

struct vr_policy *
load_layer(const char *text)
{
	struct vr_error err = VR_ERROR_INIT;
	struct vr_policy *p = NULL;
	char line[VR_ERROR_LINE_MAX];
	int r;

	r = vr_policy_load_string(text, strlen(text), "test", &p, &err);
	vr_error_format(&err, line, sizeof line);
	ck_assert_msg(r == 0, "loading %s: %d %s", text, r, line);
	ck_assert_ptr_nonnull(p);
	return p;
}

/* The policy as text with sorted keys and no spaces, so that two documents compare as
 * strings and a failure shows both. */
char *
canonical_json(const struct vr_policy *p)
{
	char *text = vr_policy_to_json(p), *c;
	json_error_t jerr;
	json_t *j;

	ck_assert_ptr_nonnull(text);
	j = json_loads(text, 0, &jerr);
	ck_assert_msg(j != NULL, "vr_policy_to_json gave bad JSON: %s: %s", jerr.text, text);
	c = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);
	ck_assert_ptr_nonnull(c);
	json_decref(j);
	free(text);
	return c;
}

void
merge_layer_ok(struct vr_policy *base, const struct vr_policy *over)
{
	struct vr_error err = VR_ERROR_INIT;
	int r;

	r = vr_policy_merge(base, over, &err);
	ck_assert_msg(r == 0, "merge: %d %s: %s", r, err.where, err.message);
}

/* Merge a layer given as text onto p. */
void
merge_layer_text(struct vr_policy *p, const char *text)
{
	struct vr_policy *over = load_layer(text);

	merge_layer_ok(p, over);
	vr_policy_free(over);
}

/* The layers merged in order, lowest first, each onto the result of those below. */
struct vr_policy *
merged_layers(const char *first, ...)
{
	struct vr_policy *p = load_layer(first);
	const char *text;
	va_list ap;

	va_start(ap, first);
	while ((text = va_arg(ap, const char *)))
		merge_layer_text(p, text);
	va_end(ap);
	return p;
}

void
assert_policy(const struct vr_policy *p, const char *expected)
{
	struct vr_policy *e = load_layer(expected);
	char *a = canonical_json(p), *b = canonical_json(e);

	ck_assert_str_eq(a, b);
	ck_assert_msg(vr_policy_equal(p, e), "vr_policy_equal differs from the JSON: %s", a);
	free(a);
	free(b);
	vr_policy_free(e);
}

void
assert_merged(const char *lower, const char *upper, const char *expected)
{
	struct vr_policy *p = merged_layers(lower, upper, NULL);

	assert_policy(p, expected);
	vr_policy_free(p);
}

/* The layers of a chain of three, lowest first; see policy-merge-helpers.h. */
const char profile_layer[] = "{\"description\": \"profile\", \"network\": \"none\","
			     " \"filesystem\": {\"workdir\": \"ro\", \"tmpfs\": [\"/tmp\"],"
			     " \"binds\": [{\"source\": \"/data\", \"target\": \"/mnt\"}]},"
			     " \"environment\": {\"pass\": [\"HOME\"], \"set\": {\"A\": \"profile\"}},"
			     " \"seccomp\": {\"deny\": [\"ptrace\"]},"
			     " \"limits\": {\"nofile\": 256, \"timeout\": \"300s\"}}";
const char env_layer[] = "{\"network\": \"loopback\","
			 " \"filesystem\": {\"tmpfs\": [\"/run\", \"/tmp\"],"
			 " \"binds\": [{\"source\": \"/srv\", \"target\": \"/mnt\", \"mode\": \"rw\"}]},"
			 " \"environment\": {\"set\": {\"A\": \"env\", \"B\": \"env\"}},"
			 " \"limits\": {\"nofile\": 512}}";
const char flags_layer[] = "{\"network\": \"host\", \"filesystem\": {\"hide\": [\"/home\"]},"
			   " \"environment\": {\"pass\": [\"PATH\"], \"set\": {\"B\": \"flag\"}},"
			   " \"seccomp\": {\"deny\": [{\"syscall\": \"ptrace\", \"action\": \"kill\"}]},"
			   " \"hostname\": \"flagged\"}";
