/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The sandbox executor, driven through the library: plans are built here and run with
 * vr_plan_run() in the forked test process, on a minimal root (the host's /usr read-only,
 * the merged-/usr links, /etc/ld.so.cache, a tmpfs /tmp, /proc, /dev, and the test's
 * scratch directory read-write at /w). Programs are /bin/sh scripts that write what they
 * see into /w, which the test then compares exactly.
 *
 * Every case runs as root; the core cases run again as an unprivileged user (uid and gid
 * 4242, set in the forked test process before the run), where the sandbox needs a user
 * namespace of its own. Not 65534: that is the overflow id, which an unmapped owner shows
 * as inside a user namespace, and the cases must tell the two apart.
 *
 * This file holds the suite: the cases are in sandbox-processes.c, sandbox-mounts.c and
 * sandbox-hardening.c, their shared helpers in sandbox-helpers.c.
 */
#include "config.h"

#include <grp.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "macro.h"
#include "testlib.h"

#include "sandbox-helpers.h"

static const struct sandbox_cases *const groups[] = {
	&sandbox_process_cases,
	&sandbox_mount_cases,
	&sandbox_hardening_cases,
};

/* Can an unprivileged user make a user namespace here? Probed in a child, which changes its ids. */
static bool
unprivileged_userns_works(void)
{
	pid_t pid = fork();
	int st;

	if (pid == 0) {
		if (geteuid() == 0 &&
		    (setgroups(0, NULL) < 0 || setresgid(UNPRIVILEGED_ID, UNPRIVILEGED_ID, UNPRIVILEGED_ID) < 0 ||
		     setresuid(UNPRIVILEGED_ID, UNPRIVILEGED_ID, UNPRIVILEGED_ID) < 0))
			_exit(1);
		_exit(unshare(CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID) == 0 ? 0 : 1);
	}
	return pid > 0 && waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

int
main(void)
{
	_cleanup_free_ struct t_case *cases = NULL;
	size_t n = 0, most = 0;

	if (access("/usr/bin/sh", X_OK) != 0 || access("/etc/ld.so.cache", R_OK) != 0) {
		fprintf(stderr, "skipping: the minimal root needs /usr/bin/sh and /etc/ld.so.cache\n");
		return T_EXIT_SKIP;
	}
	for (size_t g = 0; g < ELEMENTSOF(groups); g++)
		most += groups[g]->n_as_root + groups[g]->n_unprivileged;
	cases = calloc(most, sizeof *cases);
	if (!cases)
		return EXIT_FAILURE;
	if (geteuid() == 0)
		for (size_t g = 0; g < ELEMENTSOF(groups); g++)
			for (size_t i = 0; i < groups[g]->n_as_root; i++)
				cases[n++] = groups[g]->as_root[i];
	else
		fprintf(stderr, "not root: running the unprivileged cases only\n");
	if (unprivileged_userns_works())
		for (size_t g = 0; g < ELEMENTSOF(groups); g++)
			for (size_t i = 0; i < groups[g]->n_unprivileged; i++)
				cases[n++] = groups[g]->unprivileged[i];
	else
		fprintf(stderr,
			"skipping the unprivileged cases: unprivileged user namespaces are not available here\n");
	if (n == 0)
		return T_EXIT_SKIP;
	return t_run_suite(t_suite("sandbox", cases, n, sandbox_setup, sandbox_teardown));
}
