/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * What the seccomp cases (seccomp-denials.c, seccomp-rules.c) share, and how each file
 * hands its cases to the suite in test-seccomp.c: running a call in a forked child under a
 * filter (or none) and what came of it, plans with the default or a given filter, one
 * harmless probe per default denial, and the calls more than one file makes (clone with
 * flags, socket, getpid through the x32 ABI).
 */

#include <sched.h>
#include <stdbool.h>

#include "venvrun/plan.h"

#include "testlib.h"

/* By path: with sandbox/ on the include path its seccomp.h would shadow libseccomp's. */
#include "../../sandbox/plan-internal.h"

#define BAD 1L /* a pointer no call can read */

/* What a call did in a child: returned (ret, and errno when ret is -1) or died of a signal. */
struct outcome {
	bool signaled;
	int sig;
	long ret;
	int err;
};

typedef long (*call_fn)(const void *arg);

/* Run fn(arg) in a forked child that set no_new_privs and loaded `filter` (NULL: none). */
struct outcome run_in_child(const struct vr_plan_seccomp *filter, call_fn fn, const void *arg);

/* A plan with the filter `spec` makes (compiled through cache_dir, may be NULL), and one
 * with the default filter; both must succeed. */
struct vr_plan *plan_with(const struct vr_seccomp_spec *spec, const char *cache_dir);
struct vr_plan *default_plan(void);

/* The raw system call nr with five arguments in a child, under p's filter (p NULL: none). */
struct outcome syscall_in_child(const struct vr_plan *p, long nr, long a0, long a1, long a2, long a3, long a4);

/* What must have come of a call: refused with errno err, passed, or killed by SIGSYS. */
void assert_refused(struct outcome o, int err, const char *what);
void assert_passed(struct outcome o, const char *what);
void assert_killed(struct outcome o, const char *what);

/* One harmless call per default denial (the table is in seccomp-helpers.c). */
struct probe {
	const char *name;
	long nr;
	long a[6];
};

/* The probe for a denial's name, or NULL; and running it in a child under p's filter. */
const struct probe *probe_for(const char *name);
struct outcome run_probe(const struct vr_plan *p, const struct probe *pr);

#ifndef CLONE_NEWUSER
#define CLONE_NEWUSER 0x10000000
#endif

/* clone(2) with the flags at *arg, fork-style: the child leaves at once. */
long raw_clone(const void *arg);
/* socket(family, type, proto) in a child under p's filter (p NULL: none), closed again. */
struct outcome try_socket(const struct vr_plan *p, long family, long type, long proto);
#if defined(__x86_64__)
/* getpid through the x32 ABI: the x86_64 number with __X32_SYSCALL_BIT. */
long x32_getpid(const void *arg);
#endif

/* Each file's cases, ended by an entry whose name is NULL. */
extern const struct t_case seccomp_denial_cases[]; /* seccomp-denials.c */
extern const struct t_case seccomp_rule_cases[];   /* seccomp-rules.c */
