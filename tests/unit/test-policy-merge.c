/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * How policy layers combine, key by key (venvrun.json(5)): scalars are replaced, objects
 * merge, lists add without duplicates (binds by target, deny rules by system call, the
 * upper layer winning in place), environment.set merges by name. Then the defaults under
 * the layers, and the typed view the plan builder reads.
 *
 * Layers are built and merged through the public API (vr_policy_load_string, vr_policy_merge)
 * and compared through it (vr_policy_to_json, vr_policy_equal). An expected result is itself
 * loaded as a layer, so it is written as a user would write it and normalised the same way.
 *
 * This file holds the suite: the cases are in policy-merge-layers.c and
 * policy-merge-values.c, their shared helpers in policy-merge-helpers.c.
 */
#include "config.h"

#include "macro.h"
#include "testlib.h"

#include "policy-merge-helpers.h"

static const struct t_case *const case_files[] = { policy_merge_layer_cases, policy_merge_value_cases };

int
main(void)
{
	return t_run_suite(t_suite_of_tables("policy-merge", case_files, ELEMENTSOF(case_files), NULL, NULL));
}
