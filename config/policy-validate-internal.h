/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * What the policy validator's two files share: policy-validate.c walks a layer along the
 * schema (the JSON path and the messages, objects, lists, the dispatch on a value's type);
 * policy-validate-values.c checks and normalises one value of each type. Every check takes
 * the walk's state and returns 0, or a negative code with the error recorded in it.
 * Nothing here is seen outside config/.
 */

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "venvrun/error.h"

#include "macro.h"
#include "policy.h"

#define LIST_MAX 1024

/* The state of one walk over a layer. */
struct vr_pv {
	const char *file;
	struct vr_error *err;
	/* The JSON path of the value being checked; longer paths are cut, as the message
	 * that carries them would be anyway. */
	char path[VR_ERROR_MESSAGE_MAX];
	size_t len;
};

/* --- policy-validate.c: paths, messages, the walk -------------------------------------- */

/* Append ".key" (or "key" at the top) to the path; returns the mark to pop back to. */
size_t vr_pv_path_push_key(struct vr_pv *c, const char *key);
void vr_pv_path_pop(struct vr_pv *c, size_t mark);

/* Record VR_ERR_BAD_POLICY for the value at the path; returns its negated code. */
int vr_pv_fail(struct vr_pv *c, const char *fmt, ...) _printf_(2, 3);
int vr_pv_oom(struct vr_pv *c);

#define DESC_MAX 160
const char *vr_pv_describe(const json_t *v, char *buf, size_t size);
#define DESC(v) vr_pv_describe((v), (char[DESC_MAX]){ 0 }, DESC_MAX)

bool vr_pv_in_list(const char *const *values, const char *s);
int vr_pv_unknown_key(struct vr_pv *c, const char *key, const char *const *known);
int vr_pv_check_object(struct vr_pv *c, json_t *obj, const struct vr_schema *fields);
int vr_pv_check_value(struct vr_pv *c, const struct vr_schema *s, json_t *v, json_t **ret);

/* --- policy-validate-values.c: one value of each type ---------------------------------- */

int vr_pv_check_size(struct vr_pv *c, const struct vr_schema *s, json_t *v, json_t **ret);
int vr_pv_check_duration(struct vr_pv *c, const struct vr_schema *s, json_t *v, json_t **ret);
int vr_pv_check_count(struct vr_pv *c, const struct vr_schema *s, json_t *v);
int vr_pv_check_path(struct vr_pv *c, json_t *v, json_t **ret);
int vr_pv_check_var_name(struct vr_pv *c, json_t *v, bool pattern);
int vr_pv_check_string_map(struct vr_pv *c, json_t *v);
int vr_pv_check_text(struct vr_pv *c, json_t *v);
int vr_pv_check_profile_name(struct vr_pv *c, json_t *v);
int vr_pv_check_hostname(struct vr_pv *c, json_t *v);
int vr_pv_check_id(struct vr_pv *c, json_t *v, bool group);
int vr_pv_check_cap(struct vr_pv *c, json_t *v, json_t **ret);
int vr_pv_check_syscall_name(struct vr_pv *c, json_t *v);
int vr_pv_check_syscall_rule(struct vr_pv *c, const struct vr_schema *s, json_t *v, json_t **ret);
int vr_pv_check_bind(struct vr_pv *c, json_t *v);
