/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * Building the sandbox's root in the child's new mount namespace (mount.c), its special
 * filesystems (mount-special.c), mount points under it (mountpoint.c) and mount attributes
 * (mount-bind.c).
 *
 * Layout while the root is being built, in the child's mount namespace only:
 *
 *     /tmp              the base: a private tmpfs over the host's /tmp, read-only once made
 *     /tmp/empty        an empty file, mode 0, that HIDE and the /proc masks bind over files
 *     /tmp/empty-dir    an empty directory, mode 0755, that HIDE binds over directories
 *     /tmp/root         the new root: another tmpfs, which pivot_root() makes /
 */

#include <stdbool.h>
#include <stdint.h>
#include <sys/stat.h>

#include "venvrun/error.h"

#include "sandbox.h"

/* The filesystem type for mount(2) calls that take none (bind, remount, propagation): the
 * kernel ignores it, and a string rather than NULL keeps valgrind quiet. */
#define VR_NO_FSTYPE "none"

#define VR_BASE_DIR "/tmp"
#define VR_ROOT_DIR VR_BASE_DIR "/root"

/* "/proc/self/fd/N": a path that resolves to exactly what fd refers to, for mount(2),
 * which takes paths only. */
#define VR_FD_PATH_MAX 32
const char *vr_fd_path(int fd, char buf[VR_FD_PATH_MAX]);

/* The mount API of Linux 5.2 and 5.12 (open_tree, move_mount, mount_setattr) is not
 * there: the child sets this when open_tree() says ENOSYS, and tests set it to run the
 * fallback (mount(2) and remounts, libmount for the submounts). */
extern bool vr_mount_legacy;

/*
 * Set per-mount attributes (VR_MOUNT_ATTR_*) on the mount at `name` under `dirfd` ("" for
 * dirfd itself), and with `recursive` on every mount below it too. `path` names the same
 * mount in the current view, for the fallback on kernels before 5.12, which remounts each
 * mount found in /proc/self/mountinfo. `where` names the mount in errors.
 */
int vr_mount_set_attr(int dirfd, const char *name, const char *path, bool recursive, uint64_t attr, const char *where,
		      struct vr_error *err);

struct vr_mountpoint;

/*
 * Bind what src_fd refers to onto the mount point, then set `attr` on the new mount (and
 * with `recursive`, the source's submounts come along and get it too). src_fd is an O_PATH
 * descriptor, or with `is_tree` a detached tree from open_tree(OPEN_TREE_CLONE), which is
 * consumed. `path`: the mount point in the current view, for the fallback.
 */
int vr_mount_bind(int src_fd, bool is_tree, bool recursive, const struct vr_mountpoint *mp, uint64_t attr,
		  const char *path, const char *where, struct vr_error *err);

enum vr_mountpoint_kind {
	VR_MP_DIR,	/* a directory, created when missing */
	VR_MP_FILE,	/* a non-directory, created as an empty file when missing */
	VR_MP_EXISTING, /* whatever is there (never a symlink); -ENOENT when nothing is */
	VR_MP_PARENT,	/* only the parent directory, created when missing */
};

struct vr_mountpoint {
	int parent_fd;	  /* O_PATH, the directory holding it */
	int fd;		  /* O_PATH (or the file just created); -1 for VR_MP_PARENT */
	const char *name; /* the last component, pointing into the target */
	struct stat st;	  /* of fd, when fd >= 0; of a mount point just created, only st_mode */
};

/* clang-format off */
#define VR_MOUNTPOINT_INIT { -1, -1, NULL, { 0 } }
/* clang-format on */

/*
 * Open `target` (absolute, normalised, not "/") under the new root. No symlink is ever
 * followed: a component that is one is refused with VR_ERR_UNSAFE, so nothing a bound
 * directory holds can redirect a mount. Missing directories are created, but only on a
 * tmpfs this run made: venvrun never writes into a host directory it bound.
 */
int vr_mountpoint_open(struct vr_sandbox *sb, const char *target, enum vr_mountpoint_kind kind,
		       struct vr_mountpoint *mp, struct vr_error *err);
void vr_mountpoint_done(struct vr_mountpoint *mp);

/* Remember a tmpfs this run made (by the device of dirfd/name) as one that mount points
 * may be created on. */
int vr_mount_own_fs_at(struct vr_sandbox *sb, int dirfd, const char *name);

/* May venvrun create entries in dirfd? Only on a tmpfs this run made; VR_ERR_UNSAFE
 * naming `target` otherwise. */
int vr_mount_check_creatable(const struct vr_sandbox *sb, int dirfd, const char *target, struct vr_error *err);

/* Stages, in the order the child calls them. */
int vr_mount_prepare(struct vr_sandbox *sb, struct vr_error *err);
int vr_mount_plan(struct vr_sandbox *sb, struct vr_error *err);
int vr_mount_pivot(struct vr_sandbox *sb, struct vr_error *err);

/* mount-special.c: a fresh procfs and a minimal /dev at an opened mount point. */
int vr_mount_proc(struct vr_sandbox *sb, const struct vr_plan_mount *m, struct vr_mountpoint *mp, struct vr_error *err);
int vr_mount_dev(struct vr_sandbox *sb, const struct vr_plan_mount *m, struct vr_mountpoint *mp, struct vr_error *err);
