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

/* In the child, in a new user namespace: map the caller's own uid and gid (and nothing
 * else), with setgroups denied. */
int vr_ns_write_maps(const struct vr_sandbox *sb, struct vr_error *err);

/* In the child: the hostname (new UTS namespace) and the loopback (new network namespace). */
int vr_ns_configure(const struct vr_sandbox *sb, struct vr_error *err);
