/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Policy layers: parsing, validation against the schema, normalisation, and setting keys
 * from command-line text. Errors are compared whole: their wording is part of the CLI.
 *
 * This file holds the suite: the cases are in policy-validate-documents.c and
 * policy-validate-keys.c, their shared helpers in policy-validate-helpers.c.
 */
#include "config.h"

#include "macro.h"
#include "testlib.h"

#include "policy-validate-helpers.h"

static const struct t_case *const case_files[] = { policy_validate_document_cases, policy_validate_key_cases };

int
main(void)
{
	return t_run_suite(t_suite_of_tables("policy-validate", case_files, ELEMENTSOF(case_files), NULL, NULL));
}
