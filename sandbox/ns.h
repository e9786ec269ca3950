/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Namespaces: creating the sandbox's PID 1 inside them, and what each needs set up. */

#include <sys/types.h>

#include "venvrun/error.h"

#include "sandbox.h"

/*
 * clone3() the sandbox's PID 1 directly into every namespace the run asks for, with a
 * pidfd for the caller. Returns the child's pid in the caller (*ret_pidfd set), 0 in the
 * child, or a negative errno with `err` filled.
 */
pid_t vr_ns_clone(const struct vr_sandbox *sb, int *ret_pidfd, struct vr_error *err);

/* In the caller, before clone(): decide who writes the user namespace maps, and make the
 * pipe the child then waits on. vr_ns_release() closes what is left of it. */
int vr_ns_prepare(struct vr_sandbox *sb, struct vr_error *err);
void vr_ns_release(struct vr_sandbox *sb);

/* In the child, in a new user namespace: map the caller's own uid and gid (and nothing
 * else), with setgroups denied; or, when the caller writes the maps (root running the
 * program as another user), wait until it has. */
int vr_ns_write_maps(const struct vr_sandbox *sb, struct vr_error *err);

/* In the caller, after clone(), when it writes the maps: the caller's ids and the plan's,
 * each mapped to itself, setgroups left allowed; then the child goes on. */
int vr_ns_write_maps_of(const struct vr_sandbox *sb, pid_t pid, struct vr_error *err);

/* In the child: the hostname (new UTS namespace) and the loopback (new network namespace). */
int vr_ns_configure(const struct vr_sandbox *sb, struct vr_error *err);
