/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * The system call filter: the default list as data (seccomp-table.c), compiling a
 * struct vr_seccomp_spec into the plan (seccomp.c, vr_plan_set_seccomp in plan.h) and
 * loading the compiled program in the program's process (vr_seccomp_load).
 */

#include <stddef.h>
#include <stdint.h>

#include "venvrun/error.h"

#include "plan-internal.h"

/* Bump whenever the default table (or how it is compiled) changes: it is part of the
 * digest that names a cache entry, so old entries are simply never looked up again. */
#define VR_SECCOMP_TABLE_VERSION 2

/* How a default entry restricts its call. */
enum vr_seccomp_args {
	VR_SECCOMP_ARGS_NONE,	 /* refuse every call */
	VR_SECCOMP_ARGS_ANY_BIT, /* refuse when argument `arg` has any of the bits in `values` */
	VR_SECCOMP_ARGS_LOW32,	 /* refuse when the low 32 bits of `arg` equal one of `values` */
	VR_SECCOMP_ARGS_ONLY,	 /* refuse unless `arg` (all 64 bits) is one of `values` */
};

struct vr_seccomp_base {
	const char *name; /* as libseccomp names it */
	int errno_value;  /* EPERM, or ENOSYS where libc has a fallback */
	enum vr_seccomp_args args;
	unsigned arg;		/* the argument's position (0-5) */
	const uint64_t *values; /* sorted ascending for VR_SECCOMP_ARGS_ONLY */
	size_t n_values;
};

/* The default denials (DESIGN.md §4), in no particular order; names this architecture
 * does not have are skipped when compiling. */
extern const struct vr_seccomp_base vr_seccomp_base_table[];
extern const size_t vr_seccomp_base_count;

/* The default entry for `name`, or NULL. */
const struct vr_seccomp_base *vr_seccomp_base_find(const char *name);

/*
 * Install the compiled filter in the calling process (no_new_privs must already be set, or
 * the caller must have CAP_SYS_ADMIN). Runs in the program's process just before execve,
 * which shares its parent's memory: it allocates nothing. 0 when `s` holds no filter.
 */
int vr_seccomp_load(const struct vr_plan_seccomp *s, struct vr_error *e);
