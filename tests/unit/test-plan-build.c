/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Plans built from fake inputs: an env made here with its pyvenv.cfg, an interpreter object
 * made from facts written here (a fake installation under the test's directory), and
 * policy values set by hand; checked through vr_plan_to_json().
 *
 * This file holds the suite: the cases are in plan-build-policy.c and plan-build-hiding.c,
 * their shared helpers in plan-build-helpers.c.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "macro.h"
#include "testlib.h"

#include "plan-build-helpers.h"

static const struct t_case *const case_files[] = { plan_build_policy_cases, plan_build_hiding_cases };

int
main(void)
{
	/* One cache for the whole run (each test forks): the host is walked once, and never
	 * through the developer's own cache. */
	const char *t = getenv("TMPDIR");
	char *dir = NULL;
	int r;

	/* Not t_tmpdir(): no ck_assert outside a test. */
	if (asprintf(&dir, "%s/venvrun-test-plan-build-cache-XXXXXX", t && *t ? t : "/tmp") < 0 || !mkdtemp(dir)) {
		perror("the test's cache directory");
		return 1;
	}
	if (asprintf(&host_cache, "%s/cache", dir) < 0)
		return 1;
	r = t_run_suite(t_suite_of_tables("plan-build", case_files, ELEMENTSOF(case_files), plan_build_setup,
					  plan_build_teardown));
	t_rm_rf(dir);
	free(dir), free(host_cache);
	return r;
}
