/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Mount points under the new root. Every path is resolved relative to the root's
 * descriptor and never through a symlink: after a bind, the tree below a target holds
 * whatever the host directory holds, and a link planted there ("/data/x -> /etc") must not
 * be able to move a later mount somewhere else, least of all onto the host. openat2() with
 * RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS does the whole walk in one call when every
 * component exists; otherwise the walk goes one component at a time with O_NOFOLLOW and
 * creates what is missing.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "venvrun/error.h"

#include "macro.h"

#include "mount.h"
#include "syscalls.h"

void
vr_mountpoint_done(struct vr_mountpoint *mp)
{
	if (mp->fd >= 0)
		close(mp->fd);
	if (mp->parent_fd >= 0)
		close(mp->parent_fd);
	*mp = (struct vr_mountpoint)VR_MOUNTPOINT_INIT;
}

int
vr_mount_own_fs_at(struct vr_sandbox *sb, int dirfd, const char *name)
{
	struct stat st;

	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW | (*name ? 0 : AT_EMPTY_PATH)) < 0)
		return -errno;
	/* own_devs has room for every tmpfs a plan can make (run.c sizes it). */
	sb->own_devs[sb->n_own_devs++] = st.st_dev;
	return 0;
}

/* 1 when dirfd is on a tmpfs this run mounted, 0 when not, or -errno. */
static int
is_own_fs(const struct vr_sandbox *sb, int dirfd)
{
	struct stat st;

	if (fstat(dirfd, &st) < 0)
		return -errno;
	for (size_t i = 0; i < sb->n_own_devs; i++)
		if (sb->own_devs[i] == st.st_dev)
			return 1;
	return 0;
}

/* May venvrun create entries in this directory? Only when it is on a tmpfs this run
 * mounted: creating a mount point in a bound host directory would change the host's
 * filesystem, which a run must never do. */
int
vr_mount_check_creatable(const struct vr_sandbox *sb, int dirfd, const char *target, struct vr_error *err)
{
	int r = is_own_fs(sb, dirfd);

	if (r < 0)
		return vr_error_set_at(err, r, target, "cannot inspect the mount point's parent");
	if (r > 0)
		return 0;
	vr_error_set_at(err, VR_ERR_UNSAFE, target,
			"the mount point does not exist, and it would have to be created in a bound host "
			"directory, which venvrun never writes to");
	vr_error_set_hint(err, "create it on the host, or mount a tmpfs at its parent first");
	return -VR_ERR_UNSAFE;
}

/* Refuse a component that is a symlink, and say which; anything else that is not a
 * directory is ENOTDIR. */
static int
not_a_directory(int dirfd, const char *name, const char *target, int e, struct vr_error *err)
{
	struct stat st;

	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode))
		return vr_error_set_at(err, VR_ERR_UNSAFE, target,
				       "the path to the mount point passes through the symlink '%s'", name);
	return vr_error_set_at(err, e == ELOOP ? ENOTDIR : e, target, "'%s' on the path to the mount point", name);
}

/* Open the directory `rel` (relative, normalised, may be "") under the root, one component
 * at a time, creating missing ones when `create`. */
static int
walk(struct vr_sandbox *sb, const char *rel, const char *target, bool create, struct vr_error *err)
{
	_cleanup_close_ int cur = fcntl(sb->root_fd, F_DUPFD_CLOEXEC, 3);
	char name[NAME_MAX + 1];

	if (cur < 0)
		return vr_error_set_at(err, errno, target, "cannot open the new root");
	while (*rel) {
		size_t n = strcspn(rel, "/");
		int fd;

		if (n > NAME_MAX)
			return vr_error_set_at(err, ENAMETOOLONG, target, "a component of the mount point");
		memcpy(name, rel, n);
		name[n] = 0;
		rel += n;
		rel += (*rel == '/');

		fd = openat(cur, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0 && errno == ENOENT && create) {
			int r = vr_mount_check_creatable(sb, cur, target, err);

			if (r < 0)
				return r;
			if (mkdirat(cur, name, 0755) < 0 && errno != EEXIST)
				return vr_error_set_at(err, errno, target,
						       "cannot create the directory '%s' for the mount point", name);
			fd = openat(cur, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		}
		if (fd < 0) {
			if (errno == ENOTDIR || errno == ELOOP)
				return not_a_directory(cur, name, target, errno, err);
			return vr_error_set_at(err, errno, target, "cannot open '%s' on the path to the mount point",
					       name);
		}
		close(cur);
		cur = fd;
	}
	return TAKE_FD(cur);
}

static int
open_parent(struct vr_sandbox *sb, const char *target, const char *name, bool create, struct vr_error *err)
{
	char rel[PATH_MAX];
	size_t n = (size_t)(name - target); /* "/a/b/" of "/a/b/c" */
	struct vr_open_how how = {
		.flags = O_PATH | O_DIRECTORY | O_CLOEXEC,
		.resolve = VR_RESOLVE_BENEATH | VR_RESOLVE_NO_SYMLINKS | VR_RESOLVE_NO_MAGICLINKS,
	};
	int fd;

	if (n >= sizeof rel)
		return vr_error_set_at(err, ENAMETOOLONG, target, "the mount point's path");
	/* Without the leading and the trailing slash: "a/b", or "" for a target in "/". */
	memcpy(rel, target + 1, n - 1);
	rel[n > 1 ? n - 2 : 0] = 0;
	if (!*rel)
		return walk(sb, rel, target, create, err);

	/* The fast path: everything exists, and no component is a symlink. Whatever fails
	 * here (a missing directory, a symlink, a kernel without openat2) goes the slow way,
	 * which creates what is missing and says precisely what was wrong. */
	fd = vr_openat2(sb->root_fd, rel, &how);
	if (fd >= 0)
		return fd;
	return walk(sb, rel, target, create, err);
}

int
vr_mountpoint_open(struct vr_sandbox *sb, const char *target, enum vr_mountpoint_kind kind, struct vr_mountpoint *mp,
		   struct vr_error *err)
{
	const char *name = strrchr(target, '/') + 1;
	bool created = false;
	int r;

	*mp = (struct vr_mountpoint)VR_MOUNTPOINT_INIT;
	mp->name = name;
	r = open_parent(sb, target, name, kind != VR_MP_EXISTING, err);
	if (r < 0)
		return r;
	mp->parent_fd = r;
	if (kind == VR_MP_PARENT)
		return 0;

	/* On a tmpfs this run made, where the mount point is nearly always missing, create it
	 * first: mkdirat() and O_EXCL say when it is there already, and a new directory or
	 * empty file needs no look at what it is. Anywhere else nothing is ever created. */
	if (kind != VR_MP_EXISTING) {
		r = is_own_fs(sb, mp->parent_fd);
		if (r < 0) {
			r = vr_error_set_at(err, r, target, "cannot inspect the mount point's parent");
			goto fail;
		}
		if (r > 0 && kind == VR_MP_DIR) {
			if (mkdirat(mp->parent_fd, name, 0755) == 0) {
				mp->fd = openat(mp->parent_fd, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
				created = true;
			} else if (errno != EEXIST) {
				r = vr_error_set_at(err, errno, target, "cannot create the mount point");
				goto fail;
			}
		} else if (r > 0) {
			/* O_EXCL|O_NOFOLLOW: a name that is there already is never opened this way. */
			mp->fd =
				openat(mp->parent_fd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
			created = mp->fd >= 0;
			if (mp->fd < 0 && errno != EEXIST) {
				r = vr_error_set_at(err, errno, target, "cannot create the mount point");
				goto fail;
			}
		}
	}
	if (!created) {
		mp->fd = openat(mp->parent_fd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
		/* Missing, on a host directory: say why it is not created. */
		if (mp->fd < 0 && errno == ENOENT && kind != VR_MP_EXISTING) {
			r = vr_mount_check_creatable(sb, mp->parent_fd, target, err);
			if (r < 0)
				goto fail;
			errno = ENOENT;
		}
	}
	if (mp->fd < 0) {
		r = -errno;
		if (r == -ENOENT && kind == VR_MP_EXISTING) {
			/* The caller decides (HIDE with OPTIONAL skips it). */
			vr_error_set_at(err, ENOENT, target, "nothing to hide here");
			goto fail;
		}
		r = vr_error_set_at(err, r, target, "cannot open the mount point");
		goto fail;
	}
	if (created) {
		/* What it is, it was just made as. */
		mp->st.st_mode = kind == VR_MP_DIR ? S_IFDIR | 0755 : S_IFREG | 0644;
		return 0;
	}
	if (fstat(mp->fd, &mp->st) < 0) {
		r = vr_error_set_at(err, errno, target, "cannot inspect the mount point");
		goto fail;
	}
	if (S_ISLNK(mp->st.st_mode)) {
		r = vr_error_set_at(err, VR_ERR_UNSAFE, target,
				    "the mount point is a symlink, which venvrun never mounts over");
		goto fail;
	}
	if (kind == VR_MP_DIR && !S_ISDIR(mp->st.st_mode)) {
		r = vr_error_set_at(err, ENOTDIR, target, "the mount point is in the way of a directory");
		goto fail;
	}
	if (kind == VR_MP_FILE && S_ISDIR(mp->st.st_mode)) {
		r = vr_error_set_at(err, EISDIR, target, "the mount point is in the way of a file");
		goto fail;
	}
	return 0;

fail:
	vr_mountpoint_done(mp);
	return r;
}
