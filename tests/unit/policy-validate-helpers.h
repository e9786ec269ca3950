/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * What the policy-validate cases (policy-validate-documents.c, policy-validate-keys.c)
 * share, and how each file hands its cases to the suite in test-policy-validate.c:
 * parsing a layer from text, checking that it is refused with one exact message, and
 * reading a value of the normalised document by its dotted path.
 */

#include <jansson.h>

#include "policy.h"
#include "testlib.h"

/* The file name every layer is parsed as; errors name it. */
#define WHERE "p.json"

/* Parse and validate text; the normalised document, or NULL with err filled. */
json_t *parse_layer(const char *text, struct vr_error *err);
/* The same, failing the test if the text is refused. */
json_t *parse_layer_ok(const char *text);
/* The text is refused with exactly this message, the file as its place, no position. */
void expect_layer_error(const char *text, const char *message);
/* The value at a dotted path ("limits.as", "filesystem.binds.0.target"); fails if absent. */
json_t *value_at(json_t *doc, const char *path);
/* The value at that path equals the JSON text expected_json. */
void assert_json_at(json_t *doc, const char *path, const char *expected_json);

/* Each file's cases, ended by an entry whose name is NULL. */
extern const struct t_case policy_validate_document_cases[]; /* policy-validate-documents.c */
extern const struct t_case policy_validate_key_cases[];	     /* policy-validate-keys.c */
