/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * cgroup v2 limits for a whole sandbox (memory.max, pids.max): a new cgroup below the
 * caller's own, which must have the controllers delegated to it. The caller makes it
 * before clone(), PID 1 is created straight into it (CLONE_INTO_CGROUP, ns.c), and it is
 * removed once the sandbox is gone.
 */

#include <stdint.h>

#include "venvrun/error.h"

#include "plan-internal.h"

struct vr_cgroup {
	int parent_fd; /* the directory it was made in */
	int fd;	       /* the new cgroup's directory, for CLONE_INTO_CGROUP; -1: none */
	char name[32]; /* "venvrun-<pid>"; "" when none was made */
};

/* clang-format off */
#define VR_CGROUP_INIT { -1, -1, "" }
/* clang-format on */

/* When the plan asks for a limit: find the caller's cgroup v2 directory and make the run's
 * cgroup there. Nothing to do (cg->fd stays -1) when it asks for none. */
int vr_cgroup_setup(const struct vr_plan *p, struct vr_cgroup *cg, struct vr_error *err);

/*
 * The same below `dir`, the caller's own cgroup as the host sees it (tests pass a fake
 * tree): its cgroup.controllers must list the controllers the limits need, and its
 * cgroup.subtree_control enable them (they are enabled when they are not). UINT64_MAX:
 * no limit.
 */
int vr_cgroup_make(const char *dir, uint64_t memory_max, uint64_t pids_max, struct vr_cgroup *cg, struct vr_error *err);

/* The caller's cgroup v2 directory: a cgroup2 mount and the "0::" line of
 * /proc/self/cgroup. Caller frees. */
int vr_cgroup_find_own(char **ret, const char *key, struct vr_error *err);

/* Remove the run's cgroup (every process in it must be gone) and close its descriptors. */
void vr_cgroup_done(struct vr_cgroup *cg);
