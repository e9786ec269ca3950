/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * The plan's data, shared by plan.c (building it), plan-describe.c (printing it) and the
 * executor (ns.c, mount.c, child.c, run.c). Nothing outside sandbox/ sees this layout.
 */

#include <stdbool.h>
#include <stddef.h>

#include "venvrun/plan.h"

/* A plan holds at most this many mounts: every size a caller controls is bounded, and the
 * executor pins one descriptor per bind source. */
#define VR_PLAN_MOUNTS_MAX 1024

/* The namespaces a new plan asks for. VR_NS_USER is added at run time when the caller is
 * not root (an unprivileged caller can create the others only inside a user namespace). */
#define VR_PLAN_NS_DEFAULT (VR_NS_MOUNT | VR_NS_PID | VR_NS_IPC | VR_NS_UTS)

#define VR_MNT_F_ALL (VR_MNT_F_RO | VR_MNT_F_OPTIONAL | VR_MNT_F_NOEXEC)
#define VR_NS_ALL (VR_NS_USER | VR_NS_MOUNT | VR_NS_PID | VR_NS_IPC | VR_NS_UTS | VR_NS_NET | VR_NS_CGROUP)

struct vr_plan_mount {
	enum vr_mount_type type;
	char *source; /* BIND: absolute, normalised host path; SYMLINK: the link's text; else NULL */
	char *target; /* absolute, normalised path inside the sandbox, never "/" */
	unsigned flags;
};

struct vr_plan {
	struct vr_plan_mount *mounts;
	size_t n_mounts;
	unsigned namespaces;
	bool loopback;
	char **argv;	/* NULL until set */
	char **envp;	/* never NULL: an empty environment is a valid one */
	char *cwd;	/* NULL: "/" */
	char *hostname; /* NULL: keep the inherited one */
};

const char *vr_mount_type_name(enum vr_mount_type type);
