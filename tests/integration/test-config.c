/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Policies, profiles and env manifests, through the built binary: `venvrun profiles`,
 * profile files shadowing and adding profiles, `check-config`, the ENV/venvrun.json that
 * create writes and --upgrade keeps, and the precedence of the layers as `describe --json`
 * shows the effective policy.
 *
 * Every test runs with its own profile directories ($VENVRUN_PROFILE_PATH = p1:p2), its own
 * $XDG_CONFIG_HOME and $HOME, cache and env home, so nothing of the machine's or the
 * developer's configuration leaks in.
 */
#include "config.h"

#include <stdio.h>
#include <unistd.h>

#include "macro.h"

#include "config-helpers.h"

/*
 * The cases live in files by theme: config-profiles.c (profiles and check-config) and
 * config-policy.c (manifests, layers and extends); what they share is in config-helpers.c.
 */
static const struct t_case *const case_files[] = { config_profiles_cases, config_policy_cases };

int
main(void)
{
	if (access("/usr/bin/python3", X_OK) != 0) {
		fprintf(stderr, "skipping: /usr/bin/python3 is not installed\n");
		return T_EXIT_SKIP;
	}
	return t_run_suite(
		t_suite_of_tables("config", case_files, ELEMENTSOF(case_files), config_setup, config_teardown));
}
