/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * sandbox/seccomp.c: the compiled system call filter, loaded for real in forked children.
 * Every default denial is called with harmless invalid arguments under the filter (it must
 * refuse) and without it (it must not, or the test could not fail); then the argument
 * rules, other ABIs, the policy's rules, audit mode, the cache, and Python's standard
 * library under the default filter.
 *
 * The calls made without the filter are chosen so that they fail before doing anything
 * (bad pointers, bad magic numbers, invalid flags, descriptor -1): these tests run as root.
 *
 * This file holds the suite: the cases are in seccomp-denials.c and seccomp-rules.c,
 * their shared helpers in seccomp-helpers.c.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/seccomp.h>

#include "macro.h"
#include "testlib.h"

#include "seccomp-helpers.h"

static const struct t_case *const case_files[] = { seccomp_denial_cases, seccomp_rule_cases };

int
main(void)
{
	uint32_t action = SECCOMP_RET_KILL_PROCESS;

	/* Valgrind does not emulate seccomp(2): nothing here can be tested under it. */
	if (syscall(SYS_seccomp, SECCOMP_GET_ACTION_AVAIL, 0, &action) < 0 && errno == ENOSYS) {
		fprintf(stderr, "skip: no seccomp(2) here\n");
		return T_EXIT_SKIP;
	}
	return t_run_suite(t_suite_of_tables("seccomp", case_files, ELEMENTSOF(case_files), NULL, NULL));
}
