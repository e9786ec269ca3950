/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * `venvrun create`, driven through the built binary on real interpreters: what CPython's
 * own test_venv asserts of an env, for every interpreter this machine has; --clear and
 * --upgrade; envs made by python -m venv and virtualenv; bad input; concurrent creates;
 * and SIGKILL at random moments.
 */
#include "config.h"

#include <stdio.h>
#include <unistd.h>

#include "macro.h"

#include "create-helpers.h"

/*
 * The cases live in files by theme: create-envs.c (the env create makes, and bad input)
 * and create-replace.c (--clear, --upgrade, concurrent creates, SIGKILL); what they share
 * is in create-helpers.c.
 */
static const struct t_case *const case_files[] = { create_envs_cases, create_replace_cases };

int
main(void)
{
	Suite *s;

	if (access("/usr/bin/python3", X_OK) != 0) {
		fprintf(stderr, "skipping: /usr/bin/python3 is not installed\n");
		return T_EXIT_SKIP;
	}
	/* Each test in a scratch directory of its own, with its own interpreter cache. */
	s = t_suite_of_tables("create", case_files, ELEMENTSOF(case_files), create_setup, create_teardown);
	return t_run_suite(s);
}
