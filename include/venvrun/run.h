/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * Executing a plan (plan.h): new namespaces, the mounts into a fresh root, pivot_root, a
 * small PID 1 that forwards signals and reaps orphans, and the program.
 *
 *     int status;
 *     r = vr_plan_run(plan, &status, &err);
 *     if (r < 0) ... venvrun itself failed: vr_exit_status(r) is 125, 126 or 127
 *     else exit(status);     // the program's status, or 128+N when it died of signal N
 *
 * The caller's host mount table is never changed: every mount happens in the new mount
 * namespace, which dies with the run. The sandbox dies with the caller: if the calling
 * process is killed, PID 1 of the sandbox is killed by the kernel and with it everything
 * inside.
 */

#include "venvrun/error.h"
#include "venvrun/plan.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Run the plan and wait for the program. While waiting, TERM, INT, HUP, QUIT, USR1, USR2,
 * WINCH and CONT sent to the caller are forwarded to the program. Returns 0 with *status
 * set when the program ran; a negative code when the sandbox could not be set up or the
 * program could not be executed (VR_ERR_CANNOT_EXEC, VR_ERR_COMMAND_NOT_FOUND), with the
 * error record filled in by whichever process failed.
 */
VR_PUBLIC int vr_plan_run(const struct vr_plan *p, int *status, struct vr_error *err);

#ifdef __cplusplus
}
#endif
