/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * Applying the plan's hardening (plan.h, "Hardening"): what the caller checks and prepares
 * before clone(), the stages the program's process runs just before execve, and what
 * PID 1 gives up once the program runs.
 */

#include "venvrun/error.h"

#include "sandbox.h"

/*
 * In the caller, before anything else of the run is made: refuse what cannot be applied
 * here (kept capabilities with a user namespace or without root, ids without root, a
 * passed descriptor that is not open), decide the session, and allocate what the stages
 * need (capability states, the environment with its LISTEN_PID slot). Fills the hardening
 * fields of `sb`; vr_harden_release() frees them, also after a failure.
 */
int vr_harden_prepare(struct vr_sandbox *sb, struct vr_error *err);
void vr_harden_release(struct vr_sandbox *sb);

/*
 * In the program's process, after it restored the caller's signal mask and right before
 * execve. Runs in PID 1's memory (CLONE_VM): allocates nothing. In order: LISTEN_PID,
 * descriptors, rlimits, the capability bounding set, the session, the ids, the other
 * capability sets, no_new_privs, and the system call filter last.
 */
int vr_harden_program(const struct vr_sandbox *sb, struct vr_error *e);

/* In PID 1, once the program runs: no_new_privs, an empty bounding set, and of all
 * capabilities only CAP_KILL (to signal a program that runs as another user). */
int vr_harden_init(const struct vr_sandbox *sb, struct vr_error *e);
