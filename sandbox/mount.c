/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The sandbox's root, built in the child's new mount namespace (layout in mount.h):
 * propagation cut off from the host, bind sources pinned, a base tmpfs and the root tmpfs,
 * the plan's mounts in order, and pivot_root() into it with the old root detached.
 *
 * Mounts use mount(2) with "/proc/self/fd/N" for both source and target: the kernel
 * resolves those to exactly what the descriptors hold, so nothing is looked up by path
 * twice and a path cannot change between the check and the mount.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "venvrun/error.h"

#include "macro.h"

#include "mount.h"
#include "syscalls.h"

const char *const vr_dev_node_names[VR_DEV_NODES] = { "null", "zero", "full", "random", "urandom", "tty" };

/* The current-view path of a target under the new root, for the mount_setattr fallback. */
static int
root_path(const char *target, const char *suffix, char buf[PATH_MAX], struct vr_error *err)
{
	int n = snprintf(buf, PATH_MAX, VR_ROOT_DIR "%s%s", target, suffix);

	if (n < 0 || n >= PATH_MAX)
		return vr_error_set_at(err, ENAMETOOLONG, target, "the mount point's path");
	return 0;
}

static bool
plan_has(const struct vr_plan *p, enum vr_mount_type type)
{
	for (size_t i = 0; i < p->n_mounts; i++)
		if (p->mounts[i].type == type)
			return true;
	return false;
}

/*
 * Pin every bind source, resolved once, the way the host sees it (symlinks in a source are
 * the caller's to choose): as a detached copy of its mount tree from open_tree(), or an
 * O_PATH descriptor where the kernel has no open_tree(). This happens before the base
 * tmpfs covers /tmp, so sources under the host's /tmp stay reachable, and a source cannot
 * be swapped for another between now and its mount.
 */
static int
pin_sources(struct vr_sandbox *sb, struct vr_error *err)
{
	const struct vr_plan *p = sb->plan;

	for (size_t i = 0; i < p->n_mounts; i++) {
		const struct vr_plan_mount *m = &p->mounts[i];
		int fd = -1;

		sb->source_fds[i] = -1;
		if (m->type != VR_MNT_BIND)
			continue;
		if (!vr_mount_legacy) {
			/* AT_RECURSIVE: the source's submounts come along (a bind of / would
			 * otherwise show empty directories where the host has mounts), and in a
			 * user namespace a mount with locked submounts can only be copied whole. */
			fd = vr_open_tree(AT_FDCWD, m->source,
					  VR_OPEN_TREE_CLONE | VR_OPEN_TREE_CLOEXEC | AT_RECURSIVE);
			if (fd < 0 && errno == ENOSYS)
				vr_mount_legacy = true;
		}
		if (vr_mount_legacy)
			fd = open(m->source, O_PATH | O_CLOEXEC);
		if (fd < 0) {
			if (errno == ENOENT && (m->flags & VR_MNT_F_OPTIONAL))
				continue;
			return vr_error_set_at(err, errno, m->target, "cannot open the bind source '%s'", m->source);
		}
		sb->source_fds[i] = fd;
	}
	for (size_t i = 0; i < VR_DEV_NODES; i++) {
		char path[32];

		sb->dev_fds[i] = -1;
		if (!plan_has(p, VR_MNT_DEV))
			continue;
		snprintf(path, sizeof path, "/dev/%s", vr_dev_node_names[i]);
		/* O_PATH opens no device: /dev/tty without a controlling terminal is fine. A
		 * node the host lacks is left out of the sandbox's /dev as well. */
		sb->dev_fds[i] = open(path, O_PATH | O_CLOEXEC);
		if (sb->dev_fds[i] < 0 && errno != ENOENT)
			return vr_error_set_at(err, errno, path, "cannot open the host's device node");
	}
	return 0;
}

int
vr_mount_prepare(struct vr_sandbox *sb, struct vr_error *err)
{
	_cleanup_close_ int base_fd = -1;
	int fd, r;

	/* First of all: make every mount in this namespace a slave. The namespace starts as a
	 * copy of the host's, and mounts that were shared with the host would carry each
	 * mount and unmount done here back to it. As slaves they still see the host's later
	 * mounts but send nothing back; the host's mount table stays as it was. */
	if (mount(NULL, "/", VR_NO_FSTYPE, MS_REC | MS_SLAVE, NULL) < 0)
		return vr_error_set_at(err, errno, "/", "cannot stop mount propagation to the host");

	r = pin_sources(sb, err);
	if (r < 0)
		return r;

	/* The base: a tmpfs over /tmp, which exists everywhere. It covers the host's /tmp in
	 * this namespace only. */
	if (mount("tmpfs", VR_BASE_DIR, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=0700") < 0)
		return vr_error_set_at(err, errno, VR_BASE_DIR, "cannot mount the sandbox's base tmpfs");
	base_fd = open(VR_BASE_DIR, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (base_fd < 0)
		return vr_error_set_at(err, errno, VR_BASE_DIR, "cannot open the sandbox's base tmpfs");
	if (mkdirat(base_fd, "root", 0755) < 0)
		return vr_error_set_at(err, errno, VR_ROOT_DIR, "cannot create the new root");
	fd = openat(base_fd, "empty", O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0);
	if (fd < 0)
		return vr_error_set_at(err, errno, VR_BASE_DIR "/empty", "cannot create the empty file");
	close(fd);
	/* The empty directory every directory HIDE binds: a bind costs a fraction of a new
	 * tmpfs (a superblock each, made and later torn down), and shows the same, an empty
	 * read-only directory. Its mode as a tmpfs's root would have it, whatever the umask. */
	if (mkdirat(base_fd, "empty-dir", 0755) < 0 || fchmodat(base_fd, "empty-dir", 0755, 0) < 0)
		return vr_error_set_at(err, errno, VR_BASE_DIR "/empty-dir", "cannot create the empty directory");
	/* Read-only from now on, as a filesystem (not just this mount), so every later bind
	 * of the empty file is read-only too and nothing can ever write into it. */
	if (mount(NULL, VR_BASE_DIR, VR_NO_FSTYPE, MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
		return vr_error_set_at(err, errno, VR_BASE_DIR, "cannot make the sandbox's base read-only");
	sb->empty_fd = openat(base_fd, "empty", O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (sb->empty_fd < 0)
		return vr_error_set_at(err, errno, VR_BASE_DIR "/empty", "cannot open the empty file");
	sb->empty_dir_fd = openat(base_fd, "empty-dir", O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (sb->empty_dir_fd < 0)
		return vr_error_set_at(err, errno, VR_BASE_DIR "/empty-dir", "cannot open the empty directory");

	/* The root: its own tmpfs, so that pivot_root() has a mount to enter. */
	if (mount("tmpfs", VR_ROOT_DIR, "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755") < 0)
		return vr_error_set_at(err, errno, VR_ROOT_DIR, "cannot mount the new root");
	sb->root_fd = open(VR_ROOT_DIR, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (sb->root_fd < 0)
		return vr_error_set_at(err, errno, VR_ROOT_DIR, "cannot open the new root");
	r = vr_mount_own_fs_at(sb, sb->root_fd, "");
	if (r < 0)
		return vr_error_set_at(err, r, VR_ROOT_DIR, "cannot inspect the new root");
	return 0;
}

/* Every bind is nosuid and nodev, whatever the source's mount says: a set-id binary or a
 * device node in a bound directory must give nothing inside. Recursively: the submounts
 * the bind brought along get the same flags (a read-only /usr with a writable /usr/local
 * mounted below it would not be read-only). */
static int
do_bind(struct vr_sandbox *sb, size_t i, struct vr_error *err)
{
	const struct vr_plan_mount *m = &sb->plan->mounts[i];
	_cleanup_(vr_mountpoint_done) struct vr_mountpoint mp = VR_MOUNTPOINT_INIT;
	uint64_t attr = VR_MOUNT_ATTR_NOSUID | VR_MOUNT_ATTR_NODEV;
	int fd = sb->source_fds[i], r;
	char path[PATH_MAX];
	struct stat st;

	if (fd < 0)
		return 0; /* optional, and missing */
	if (fstat(fd, &st) < 0)
		return vr_error_set_at(err, errno, m->target, "cannot inspect the bind source '%s'", m->source);
	r = vr_mountpoint_open(sb, m->target, S_ISDIR(st.st_mode) ? VR_MP_DIR : VR_MP_FILE, &mp, err);
	if (r < 0)
		return r;
	r = root_path(m->target, "", path, err);
	if (r < 0)
		return r;
	if (m->flags & VR_MNT_F_RO)
		attr |= VR_MOUNT_ATTR_RDONLY;
	if (m->flags & VR_MNT_F_NOEXEC)
		attr |= VR_MOUNT_ATTR_NOEXEC;
	/* The pinned tree is consumed by the bind. */
	sb->source_fds[i] = -1;
	return vr_mount_bind(fd, !vr_mount_legacy, true, &mp, attr, path, m->target, err);
}

static bool
is_shared_scratch(const char *target)
{
	return streq(target, "/tmp") || streq(target, "/var/tmp") || streq(target, "/dev/shm");
}

/* Shared scratch directories get the sticky, world-writable mode programs expect. The
 * others belong to whoever runs the program: with the plan's ids, to that user, so that a
 * $HOME on a tmpfs is writable by the program and not only by root. */
static void
tmpfs_options(const struct vr_plan *p, const char *target, char buf[64])
{
	if (is_shared_scratch(target))
		snprintf(buf, 64, "mode=01777");
	else if (p->ids_set)
		snprintf(buf, 64, "mode=0755,uid=%u,gid=%u", (unsigned)p->uid, (unsigned)p->gid);
	else
		snprintf(buf, 64, "mode=0755");
}

static int
do_tmpfs(struct vr_sandbox *sb, const struct vr_plan_mount *m, struct vr_error *err)
{
	_cleanup_(vr_mountpoint_done) struct vr_mountpoint mp = VR_MOUNTPOINT_INIT;
	unsigned long flags = MS_NOSUID | MS_NODEV;
	char tgt[VR_FD_PATH_MAX], options[64];
	int r;

	r = vr_mountpoint_open(sb, m->target, VR_MP_DIR, &mp, err);
	if (r < 0)
		return r;
	if (m->flags & VR_MNT_F_RO)
		flags |= MS_RDONLY;
	if (m->flags & VR_MNT_F_NOEXEC)
		flags |= MS_NOEXEC;
	tmpfs_options(sb->plan, m->target, options);
	if (mount("tmpfs", vr_fd_path(mp.fd, tgt), "tmpfs", flags, options) < 0)
		return vr_error_set_at(err, errno, m->target, "cannot mount a tmpfs here");
	/* Later mounts may create their mount points in it. */
	r = vr_mount_own_fs_at(sb, mp.parent_fd, mp.name);
	if (r < 0)
		return vr_error_set_at(err, r, m->target, "cannot inspect the new tmpfs");
	return 0;
}

static int
do_dir(struct vr_sandbox *sb, const struct vr_plan_mount *m, struct vr_error *err)
{
	_cleanup_(vr_mountpoint_done) struct vr_mountpoint mp = VR_MOUNTPOINT_INIT;

	return vr_mountpoint_open(sb, m->target, VR_MP_DIR, &mp, err);
}

static int
do_symlink(struct vr_sandbox *sb, const struct vr_plan_mount *m, struct vr_error *err)
{
	_cleanup_(vr_mountpoint_done) struct vr_mountpoint mp = VR_MOUNTPOINT_INIT;
	int r;

	r = vr_mountpoint_open(sb, m->target, VR_MP_PARENT, &mp, err);
	if (r < 0)
		return r;
	r = vr_mount_check_creatable(sb, mp.parent_fd, m->target, err);
	if (r < 0)
		return r;
	if (symlinkat(m->source, mp.parent_fd, mp.name) < 0)
		return vr_error_set_at(err, errno, m->target, "cannot create the symlink to '%s'", m->source);
	return 0;
}

/* The base's empty directory over a directory, its empty file (mode 0) over anything else:
 * both on the base, a read-only filesystem. Either way what was there is out of reach. */
static int
do_hide(struct vr_sandbox *sb, const struct vr_plan_mount *m, struct vr_error *err)
{
	_cleanup_(vr_mountpoint_done) struct vr_mountpoint mp = VR_MOUNTPOINT_INIT;
	int r;

	r = vr_mountpoint_open(sb, m->target, VR_MP_EXISTING, &mp, err);
	if (r == -ENOENT && (m->flags & VR_MNT_F_OPTIONAL)) {
		vr_error_clear(err);
		return 0;
	}
	if (r < 0)
		return r;
	/* No attributes to set: the base's mount is nosuid, nodev and noexec, and read-only
	 * as a filesystem, and a bind keeps all of that. */
	return vr_mount_bind(S_ISDIR(mp.st.st_mode) ? sb->empty_dir_fd : sb->empty_fd, false, false, &mp, 0, NULL,
			     m->target, err);
}

static int
do_special(struct vr_sandbox *sb, const struct vr_plan_mount *m, struct vr_error *err)
{
	_cleanup_(vr_mountpoint_done) struct vr_mountpoint mp = VR_MOUNTPOINT_INIT;
	int r;

	r = vr_mountpoint_open(sb, m->target, VR_MP_DIR, &mp, err);
	if (r < 0)
		return r;
	if (m->type == VR_MNT_PROC)
		return vr_mount_proc(sb, m, &mp, err);
	return vr_mount_dev(sb, m, &mp, err);
}

int
vr_mount_plan(struct vr_sandbox *sb, struct vr_error *err)
{
	const struct vr_plan *p = sb->plan;

	/* In the plan's order: a later mount may go inside an earlier one (a HIDE inside a
	 * bind), and vr_plan_validate() made sure none goes inside an earlier HIDE. */
	for (size_t i = 0; i < p->n_mounts; i++) {
		const struct vr_plan_mount *m = &p->mounts[i];
		int r;

		switch (m->type) {
		case VR_MNT_BIND:
			r = do_bind(sb, i, err);
			break;
		case VR_MNT_TMPFS:
			r = do_tmpfs(sb, m, err);
			break;
		case VR_MNT_PROC:
		case VR_MNT_DEV:
			r = do_special(sb, m, err);
			break;
		case VR_MNT_DIR:
			r = do_dir(sb, m, err);
			break;
		case VR_MNT_SYMLINK:
			r = do_symlink(sb, m, err);
			break;
		case VR_MNT_HIDE:
			r = do_hide(sb, m, err);
			break;
		default:
			r = vr_error_set_at(err, EINVAL, m->target, "unknown mount type %d", (int)m->type);
			break;
		}
		if (r < 0)
			return r;
	}
	return 0;
}

int
vr_mount_pivot(struct vr_sandbox *sb, struct vr_error *err)
{
	int r;

	/* The root tmpfs itself is read-only once the plan is in place: the only writable
	 * places are the ones the plan names (a tmpfs, a read-write bind). Only this mount:
	 * the ones on it keep their own flags. */
	r = vr_mount_set_attr(sb->root_fd, "", VR_ROOT_DIR, false,
			      VR_MOUNT_ATTR_RDONLY | VR_MOUNT_ATTR_NOSUID | VR_MOUNT_ATTR_NODEV, "/", err);
	if (r < 0)
		return r;

	/* pivot_root(".", ".") stacks the old root on top of the new one, and the detach
	 * then takes it off: no directory for the old root is needed, and nothing of the host
	 * (nor the base tmpfs) stays reachable. The old root's mounts are slaves, so the
	 * detach does not propagate to the host. */
	if (fchdir(sb->root_fd) < 0)
		return vr_error_set_at(err, errno, "/", "cannot enter the new root");
	if (vr_pivot_root(".", ".") < 0)
		return vr_error_set_at(err, errno, "/", "cannot pivot into the new root");
	if (umount2(".", MNT_DETACH) < 0)
		return vr_error_set_at(err, errno, "/", "cannot detach the host's root");
	if (chdir("/") < 0)
		return vr_error_set_at(err, errno, "/", "cannot enter the new root");
	return 0;
}
