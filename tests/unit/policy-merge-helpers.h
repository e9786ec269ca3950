/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * What the policy-merge cases (policy-merge-layers.c, policy-merge-values.c) share, and
 * how each file hands its cases to the suite in test-policy-merge.c: loading a layer from
 * text, merging layers, comparing a policy with an expected one, and three layers to
 * merge. Each failure fails the test.
 */

#include "venvrun/policy.h"

#include "testlib.h"

/* A layer loaded from text through the public parser. */
struct vr_policy *load_layer(const char *text);
/* The policy as text with sorted keys and no spaces, so that two documents compare as
 * strings and a failure shows both. To free. */
char *canonical_json(const struct vr_policy *p);
/* Merge over onto base. */
void merge_layer_ok(struct vr_policy *base, const struct vr_policy *over);
/* Merge a layer given as text onto p. */
void merge_layer_text(struct vr_policy *p, const char *text);
/* The layers merged in order, lowest first, each onto the result of those below; the
 * list ends with NULL. */
struct vr_policy *merged_layers(const char *first, ...) __attribute__((sentinel));
/* p is the policy the text `expected` loads as, compared as JSON and by vr_policy_equal. */
void assert_policy(const struct vr_policy *p, const char *expected);
/* lower with upper merged onto it is `expected`. */
void assert_merged(const char *lower, const char *upper, const char *expected);

/* Three layers as a profile, an env's own policy and command-line flags might set them,
 * lowest first; each sets keys the ones below set too (the chains of three in
 * policy-merge-layers.c, the round trip in policy-merge-values.c). */
extern const char profile_layer[], env_layer[], flags_layer[];

/* Each file's cases, ended by an entry whose name is NULL. */
extern const struct t_case policy_merge_layer_cases[]; /* policy-merge-layers.c */
extern const struct t_case policy_merge_value_cases[]; /* policy-merge-values.c */
