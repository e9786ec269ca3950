/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * `venvrun [run] ENV -- CMD`, `venvrun install` and `describe`, driven through the built
 * binary on real envs: what the run issue's "Must show" promises. Each promise is a test
 * run twice: as the caller (root under meson's usual set-up, so without a user
 * namespace) and as an unprivileged user (65534, through setpriv, so with one). Every
 * test also shows from outside the sandbox that what it checks is really there, so it
 * can fail.
 */
#include "config.h"

#include <sched.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "macro.h"

#include "run-helpers.h"

/*
 * The cases live in files by theme: run-isolation.c (what a program sees and reaches),
 * run-cli.c (exit statuses, bad input, describe) and run-processes.c (signals, reaping,
 * leaks); what they share is in run-helpers.c.
 */
static const struct t_case *const case_files[] = { run_isolation_cases, run_cli_cases, run_processes_cases };

/* Without root, the sandbox needs an unprivileged user namespace. */
static bool
userns_possible(void)
{
	pid_t pid = fork();
	int st;

	if (pid < 0)
		return false;
	if (pid == 0)
		_exit(unshare(CLONE_NEWUSER) == 0 ? 0 : 1);
	if (waitpid(pid, &st, 0) != pid)
		return false;
	return WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

int
main(void)
{
	if (geteuid() != 0 && !userns_possible()) {
		fprintf(stderr, "skip: not root and unprivileged user namespaces are not available "
				"(unshare(CLONE_NEWUSER) fails): venvrun cannot make a sandbox here\n");
		return T_EXIT_SKIP;
	}
	return t_run_suite(t_suite_of_tables("run", case_files, ELEMENTSOF(case_files), NULL, NULL));
}
