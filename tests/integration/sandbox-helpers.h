/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * What the sandbox cases (sandbox-processes.c, sandbox-mounts.c, sandbox-hardening.c)
 * share, and how each file hands its cases to the suite in test-sandbox.c: the per-case
 * scratch directory (bound read-write at /w), the minimal plan every case starts from,
 * running a program or a /bin/sh probe in a plan, and becoming the unprivileged user the
 * core cases run again as. Everything here runs inside a forked Check case.
 */

#include <stdbool.h>
#include <stddef.h>

#include "venvrun/error.h"
#include "venvrun/plan.h"

#include "testlib.h"

/* The unprivileged user and group. Not 65534: that is the overflow id, which an unmapped
 * owner shows as inside a user namespace, and the cases must tell the two apart. */
#define UNPRIVILEGED_ID 4242

/* The case's scratch directory (a realpath), made by sandbox_setup(). */
extern char *scratch_dir;

/* The fixture around every case: the scratch directory and an alarm; then removing the
 * directory and freeing what free_at_teardown() was given. */
void sandbox_setup(void);
void sandbox_teardown(void);

/* Take `s` (made inline in a case) to free at teardown; returns it. */
char *free_at_teardown(char *s);

/* Become UNPRIVILEGED_ID in this forked case, dumpable; a no-op when not root. */
void become_unprivileged(void);

/* scratch_dir/rel, to free. */
char *in_scratch(const char *rel);
void mkdir_in_scratch(const char *rel);
void write_in_scratch(const char *rel, const char *content, bool executable);
/* What a probe wrote into /w/<rel>; "" when nothing. To free. */
char *read_in_scratch(const char *rel);

/* vr_plan_add_mount() that must succeed. */
void add_mount(struct vr_plan *p, enum vr_mount_type type, const char *source, const char *target, unsigned flags);
/* The minimal root every case starts from, and the scratch directory at /w. */
struct vr_plan *minimal_plan(void);

/* Run argv (or `/bin/sh -c script`) in the plan: the program's status, or the library's
 * negative code with *e (e may be NULL). */
int run_argv(struct vr_plan *p, char *const argv[], struct vr_error *e);
int run_sh(struct vr_plan *p, const char *script, struct vr_error *e);
/* Run a probe that must succeed, and return what it wrote to /w/out (to free). */
char *probe(struct vr_plan *p, const char *script);
/* The same, and compare what it wrote to `want` exactly. */
void assert_probe(struct vr_plan *p, const char *script, const char *want);

/* A number no other test run uses, for sleep arguments that mark our processes. To free. */
char *unique_marker(void);

/* A core case: NAME runs NAME_body() as root, NAME_unprivileged runs it again after
 * become_unprivileged(). */
#define CORE_CASE(name)                 \
	START_TEST(name)                \
	{                               \
		name##_body();          \
	}                               \
	END_TEST                        \
	START_TEST(name##_unprivileged) \
	{                               \
		become_unprivileged();  \
		name##_body();          \
	}                               \
	END_TEST

/* One file's cases: those for root, and those for the unprivileged user. */
struct sandbox_cases {
	const struct t_case *as_root;
	size_t n_as_root;
	const struct t_case *unprivileged;
	size_t n_unprivileged;
};

extern const struct sandbox_cases sandbox_process_cases;
extern const struct sandbox_cases sandbox_mount_cases;
extern const struct sandbox_cases sandbox_hardening_cases;
