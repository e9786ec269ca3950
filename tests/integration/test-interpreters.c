/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Interpreter discovery end to end, through the built binary: `venvrun interpreters` and
 * `venvrun create [--dry-run] -p SPEC`. Every case runs in its own temporary directory with
 * its own cache, HOME, PATH and version-manager roots, so that nothing of the developer's
 * machine (caches, pyenv, PATH) can change the outcome; what venvrun reports about an
 * interpreter is compared with what that interpreter itself prints.
 *
 * Fake interpreters are shell scripts posing as python: one that counts its runs (the
 * cache), one that crashes, hangs, prints garbage or fails. Version-manager shims are
 * scripts that exit 99 and leave a trace if run: a shim must be resolved, never run.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "macro.h"

#include "interp-helpers.h"

/*
 * The cases live in files by theme: interp-discovery.c (listing, the query and its cache,
 * fake interpreters), interp-managers.c (pyenv and asdf shims) and interp-specs.c (-p SPEC,
 * unsupported interpreters); what they share is in interp-helpers.c.
 */
static const struct t_case *const case_files[] = { interp_discovery_cases, interp_managers_cases, interp_specs_cases };

int
main(void)
{
	const char *base = getenv("TMPDIR");
	char *parent = NULL;
	int r;

	if (access(SYSTEM_PYTHON, X_OK) < 0) {
		fprintf(stderr, "skip: %s is missing: %s\n", SYSTEM_PYTHON, strerror(errno));
		return T_EXIT_SKIP;
	}
	/* Each case makes its own directory under this one, which goes when the suite ends:
	 * a failed case (its process ends at the failed assertion) leaves nothing behind. */
	if (asprintf(&parent, "%s/venvrun-test-interpreters-XXXXXX", base && *base ? base : "/tmp") < 0 ||
	    !mkdtemp(parent)) {
		perror("mkdtemp");
		return EXIT_FAILURE;
	}
	setenv("TMPDIR", parent, 1);
	r = t_run_suite(t_suite_of_tables("interpreters", case_files, ELEMENTSOF(case_files), NULL, NULL));
	t_rm_rf(parent);
	free(parent);
	return r;
}
