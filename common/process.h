/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Running a helper program (an interpreter being queried) with a bounded wait. */

#include <stdbool.h>
#include <stddef.h>

#include "venvrun/error.h"

#include "macro.h"

struct vr_process_result {
	int status;	 /* wait status, valid unless timed_out */
	bool timed_out;	 /* killed after the time limit */
	bool overflowed; /* killed for printing more than the limit */
	char *out;	 /* its stdout, NUL-terminated */
	size_t out_len;
	char *err; /* its stderr, NUL-terminated */
	size_t err_len;
};

/*
 * Run argv[0] (a path) with envp, stdin from /dev/null, in its own process group, and
 * collect stdout and stderr (each at most max_output bytes). After timeout_ms the whole
 * group is killed with SIGKILL and reaped. Returns 0 when the program ran (whatever its
 * status), or a negative errno when it could not be started.
 */
int vr_process_run(char *const argv[], char *const envp[], int timeout_ms, size_t max_output,
		   struct vr_process_result *res, struct vr_error *err);

void vr_process_result_done(struct vr_process_result *res);
