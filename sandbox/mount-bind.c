/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Bind mounts and per-mount attributes (read-only, nosuid, nodev, noexec), on one mount or
 * on a whole tree.
 *
 * With the mount API of Linux 5.2 and 5.12, a bind is open_tree(OPEN_TREE_CLONE): a
 * detached copy of the source, which mount_setattr() makes read-only before move_mount()
 * attaches it. So a read-only bind is never writable, not even for a moment, and neither
 * call walks a path: both work on descriptors. The fallback for older kernels is mount(2)
 * with MS_BIND on "/proc/self/fd/N" paths, then a remount.
 *
 * A bind mount is read-only only where its own mount says so: MS_BIND|MS_REC copies the
 * submounts of the source with their own flags, so a read-only bind of /usr would leave a
 * writable /usr/local mounted below it. mount_setattr(2) with AT_RECURSIVE (Linux 5.12)
 * changes the whole tree in one call. Before it, the fallback walks /proc/self/mountinfo
 * with libmount and remounts every mount at or below the path, one by one.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <libmount.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/statvfs.h>

#include "venvrun/error.h"

#include "dlopen-lib.h"
#include "macro.h"
#include "path.h"

#include "mount.h"
#include "syscalls.h"

bool vr_mount_legacy = false;

const char *
vr_fd_path(int fd, char buf[VR_FD_PATH_MAX])
{
	snprintf(buf, VR_FD_PATH_MAX, "/proc/self/fd/%d", fd);
	return buf;
}

static unsigned long
attr_to_ms(uint64_t attr)
{
	unsigned long f = 0;

	if (attr & VR_MOUNT_ATTR_RDONLY)
		f |= MS_RDONLY;
	if (attr & VR_MOUNT_ATTR_NOSUID)
		f |= MS_NOSUID;
	if (attr & VR_MOUNT_ATTR_NODEV)
		f |= MS_NODEV;
	if (attr & VR_MOUNT_ATTR_NOEXEC)
		f |= MS_NOEXEC;
	return f;
}

/*
 * A bind remount replaces all of a mount's per-mount flags. In a user namespace the flags
 * of mounts inherited from the host are locked: dropping one (nosuid, nodev, noexec, the
 * atime flags) is refused with EPERM. So keep every one the mount has now.
 */
static int
remount_one(const char *path, unsigned long flags)
{
	static const unsigned long kept[] = { ST_RDONLY,  ST_NOSUID,	 ST_NODEV,   ST_NOEXEC,
					      ST_NOATIME, ST_NODIRATIME, ST_RELATIME };
	static const unsigned long as_ms[] = { MS_RDONLY,  MS_NOSUID,	  MS_NODEV,   MS_NOEXEC,
					       MS_NOATIME, MS_NODIRATIME, MS_RELATIME };
	struct statvfs sv;

	if (statvfs(path, &sv) < 0)
		return -errno;
	for (size_t i = 0; i < ELEMENTSOF(kept); i++)
		if (sv.f_flag & kept[i])
			flags |= as_ms[i];
	if (mount(NULL, path, VR_NO_FSTYPE, MS_REMOUNT | MS_BIND | flags, NULL) < 0)
		return -errno;
	return 0;
}

/* libmount, loaded by the fallback only (common/dlopen-lib.h): kernels since 5.12 never
 * need it, and linked it would bring libblkid, libselinux and pcre2 into every start. */
VR_DLSYM_DEFINE(mnt_free_iter);
VR_DLSYM_DEFINE(mnt_fs_get_target);
VR_DLSYM_DEFINE(mnt_new_iter);
VR_DLSYM_DEFINE(mnt_new_table_from_file);
VR_DLSYM_DEFINE(mnt_table_next_fs);
VR_DLSYM_DEFINE(mnt_unref_table);

static struct vr_dlopen_lib libmount = VR_DLOPEN_LIB(
	VR_LIBMOUNT_SONAME, "libmount", VR_DLSYM(mnt_free_iter), VR_DLSYM(mnt_fs_get_target), VR_DLSYM(mnt_new_iter),
	VR_DLSYM(mnt_new_table_from_file), VR_DLSYM(mnt_table_next_fs), VR_DLSYM(mnt_unref_table));

static void
mnt_free_tablep(struct libmnt_table **t)
{
	if (*t)
		sym_mnt_unref_table(*t);
}

static void
mnt_free_iterp(struct libmnt_iter **i)
{
	if (*i)
		sym_mnt_free_iter(*i);
}

static int
remount_tree(const char *path, unsigned long flags, const char *where, struct vr_error *err)
{
	_cleanup_(mnt_free_tablep) struct libmnt_table *tb = NULL;
	_cleanup_(mnt_free_iterp) struct libmnt_iter *it = NULL;
	struct libmnt_fs *fs;
	int r;

	/* The mount itself first, then what is below it, in the order they were mounted:
	 * mountinfo lists a parent before its children. */
	r = remount_one(path, flags);
	if (r < 0)
		return vr_error_set_at(err, r, where, "cannot make '%s' read-only", path);
	if ((r = vr_dlopen_lib(&libmount, err)) < 0)
		return r;
	tb = sym_mnt_new_table_from_file("/proc/self/mountinfo");
	it = sym_mnt_new_iter(MNT_ITER_FORWARD);
	if (!tb || !it)
		return vr_error_set_at(err, ENOMEM, where, "cannot read /proc/self/mountinfo");
	while (sym_mnt_table_next_fs(tb, it, &fs) == 0) {
		const char *t = sym_mnt_fs_get_target(fs);

		if (!t || streq(t, path) || !vr_path_is_ancestor(path, t))
			continue;
		r = remount_one(t, flags);
		/* A submount under another one that hides it cannot be reached by path, and
		 * nothing in the sandbox can reach it either. */
		if (r == -ENOENT)
			continue;
		if (r < 0)
			return vr_error_set_at(err, r, where, "cannot make the submount '%s' read-only", t);
	}
	return 0;
}

int
vr_mount_set_attr(int dirfd, const char *name, const char *path, bool recursive, uint64_t attr, const char *where,
		  struct vr_error *err)
{
	struct vr_mount_attr a = { .attr_set = attr };
	unsigned flags = AT_SYMLINK_NOFOLLOW | (recursive ? AT_RECURSIVE : 0) | (*name ? 0 : AT_EMPTY_PATH);
	int r;

	if (!vr_mount_legacy) {
		if (vr_mount_setattr(dirfd, name, flags, &a) == 0)
			return 0;
		if (errno != ENOSYS)
			return vr_error_set_at(err, errno, where, "cannot set the mount's flags");
	}
	if (recursive)
		return remount_tree(path, attr_to_ms(attr), where, err);
	r = remount_one(path, attr_to_ms(attr));
	if (r < 0)
		return vr_error_set_at(err, r, where, "cannot set the mount's flags");
	return 0;
}

int
vr_mount_bind(int src_fd, bool is_tree, bool recursive, const struct vr_mountpoint *mp, uint64_t attr, const char *path,
	      const char *where, struct vr_error *err)
{
	char src[VR_FD_PATH_MAX], tgt[VR_FD_PATH_MAX];
	unsigned rec = recursive ? AT_RECURSIVE : 0;
	_cleanup_close_ int tree = is_tree ? src_fd : -1;
	bool attr_done = false;

	if (!is_tree && !vr_mount_legacy) {
		tree = vr_open_tree(src_fd, "", VR_OPEN_TREE_CLONE | VR_OPEN_TREE_CLOEXEC | AT_EMPTY_PATH | rec);
		if (tree < 0 && errno != ENOSYS)
			return vr_error_set_at(err, errno, where, "cannot copy the mount to bind here");
	}
	if (tree >= 0) {
		if (attr != 0) {
			struct vr_mount_attr a = { .attr_set = attr };

			if (vr_mount_setattr(tree, "", AT_EMPTY_PATH | rec, &a) == 0)
				attr_done = true;
			else if (errno != ENOSYS)
				return vr_error_set_at(err, errno, where, "cannot set the bind's flags");
		}
		if (vr_move_mount(tree, "", mp->fd, "", VR_MOVE_MOUNT_F_EMPTY_PATH | VR_MOVE_MOUNT_T_EMPTY_PATH) < 0)
			return vr_error_set_at(err, errno, where, "cannot attach the bind here");
	} else if (mount(vr_fd_path(src_fd, src), vr_fd_path(mp->fd, tgt), VR_NO_FSTYPE,
			 MS_BIND | (recursive ? MS_REC : 0), NULL) < 0) {
		return vr_error_set_at(err, errno, where, "cannot bind-mount here");
	}
	if (attr == 0 || attr_done)
		return 0;
	return vr_mount_set_attr(mp->parent_fd, mp->name, path, recursive, attr, where, err);
}
