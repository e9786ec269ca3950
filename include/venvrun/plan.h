/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * The sandbox plan: everything a run will set up, as plain data, computed before anything
 * happens (from the env, its interpreter's facts and the policy) so that it can be printed,
 * audited and tested, and then executed by vr_plan_run() (run.h).
 *
 *     struct vr_plan *p = NULL;
 *     vr_plan_new(&p, &err);
 *     vr_plan_add_mount(p, VR_MNT_BIND, "/usr", "/usr", VR_MNT_F_RO, &err);
 *     vr_plan_add_mount(p, VR_MNT_TMPFS, NULL, "/tmp", 0, &err);
 *     vr_plan_set_argv(p, argv, &err);
 *     ...
 *     char *text = vr_plan_describe(p);       // what the program will see
 *     vr_plan_free(p);
 *
 * Mounts are executed in order into a fresh root (a tmpfs that becomes / by pivot_root),
 * so anything no mount names is absent inside. Targets are absolute paths inside the
 * sandbox; sources absolute paths on the host.
 */

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "venvrun/error.h"

#ifdef __cplusplus
extern "C" {
#endif

enum vr_mount_type {
	VR_MNT_BIND,	/* source (a directory or a file) at target; submounts included */
	VR_MNT_TMPFS,	/* a fresh, empty tmpfs at target */
	VR_MNT_PROC,	/* a fresh procfs at target, sensitive files masked */
	VR_MNT_DEV,	/* a minimal /dev at target: null zero full random urandom tty, pts, ptmx, shm */
	VR_MNT_DIR,	/* an empty directory at target (on the root tmpfs) */
	VR_MNT_SYMLINK, /* a symlink at target whose text is source */
	VR_MNT_HIDE,	/* make target, which an earlier mount brought in, empty: an empty read-only
			 * tmpfs over a directory, an empty unreadable file over a file */
};

enum vr_mount_flags {
	VR_MNT_F_RO = 1 << 0,	    /* read-only, recursively (submounts too) */
	VR_MNT_F_OPTIONAL = 1 << 1, /* skip when the source (or, for HIDE, the target) does not exist */
	VR_MNT_F_NOEXEC = 1 << 2,
};

enum vr_namespace {
	VR_NS_USER = 1 << 0, /* a new user namespace (always when not root) */
	VR_NS_MOUNT = 1 << 1,
	VR_NS_PID = 1 << 2,
	VR_NS_IPC = 1 << 3,
	VR_NS_UTS = 1 << 4,
	VR_NS_NET = 1 << 5, /* network "none" or "loopback" */
	VR_NS_CGROUP = 1 << 6,
};

struct vr_plan;

VR_PUBLIC int vr_plan_new(struct vr_plan **ret, struct vr_error *err);
VR_PUBLIC void vr_plan_free(struct vr_plan *p);

/* Append a mount. Paths must be absolute and are normalised; `source` is NULL for types
 * that have none. A target below a HIDE target, or a mount after one that hides its
 * target's parent, is refused with VR_ERR_UNSAFE by vr_plan_validate(). */
VR_PUBLIC int vr_plan_add_mount(struct vr_plan *p, enum vr_mount_type type, const char *source, const char *target,
				unsigned flags, struct vr_error *err);

VR_PUBLIC void vr_plan_set_namespaces(struct vr_plan *p, unsigned namespaces);
VR_PUBLIC unsigned vr_plan_get_namespaces(const struct vr_plan *p);
/* Bring up the loopback interface inside a new network namespace. */
VR_PUBLIC void vr_plan_set_loopback(struct vr_plan *p, bool up);

/* What to run: argv[0] is looked up on the PATH of envp when it has no slash. Copied. */
VR_PUBLIC int vr_plan_set_argv(struct vr_plan *p, char *const argv[], struct vr_error *err);
VR_PUBLIC int vr_plan_set_env(struct vr_plan *p, char *const envp[], struct vr_error *err);
VR_PUBLIC int vr_plan_set_cwd(struct vr_plan *p, const char *cwd, struct vr_error *err);
VR_PUBLIC int vr_plan_set_hostname(struct vr_plan *p, const char *hostname, struct vr_error *err);

/* Check the plan as a whole (absolute paths, no mount into a hidden path, argv set). */
VR_PUBLIC int vr_plan_validate(const struct vr_plan *p, struct vr_error *err);

/* The plan for people (one mount per line, then namespaces, environment, command) and as
 * JSON. Caller frees. */
VR_PUBLIC char *vr_plan_describe(const struct vr_plan *p);
VR_PUBLIC char *vr_plan_to_json(const struct vr_plan *p);

#ifdef __cplusplus
}
#endif
