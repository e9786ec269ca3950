/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The special filesystems of the sandbox: a fresh procfs with the kernel's sensitive files
 * masked, and a minimal /dev. Both are built before pivot_root(), while the host's /proc
 * and /dev are still there to be used (see the comments on why each needs them).
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

/* What runc and the OCI defaults mask: the kernel's memory, its symbols and keyring, its
 * timers and scheduler internals (which leak addresses and other processes' activity),
 * and the switch that crashes or reboots the machine. */
static const char *const proc_masked[] = {
	"kcore", "keys", "timer_list", "sched_debug", "sysrq-trigger", "kallsyms", "latency_stats",
};

/* Kernel tunables, interrupt affinity, buses and filesystem settings: readable, never
 * writable (as root without a user namespace, writing them would change the host). */
static const char *const proc_read_only[] = { "sys", "irq", "bus", "fs" };

static int
reopen_dir(const struct vr_mountpoint *mp, const char *target, struct vr_error *err)
{
	/* By name from the parent: the lookup crosses into what was just mounted, where
	 * mp->fd still refers to the directory underneath. */
	int fd = openat(mp->parent_fd, mp->name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

	if (fd < 0)
		return vr_error_set_at(err, errno, target, "cannot open what was mounted here");
	return fd;
}

static int
target_path(const char *target, const char *sub, char buf[PATH_MAX], struct vr_error *err)
{
	int n = snprintf(buf, PATH_MAX, VR_ROOT_DIR "%s/%s", target, sub);

	if (n < 0 || n >= PATH_MAX)
		return vr_error_set_at(err, ENAMETOOLONG, target, "the mount point's path");
	return 0;
}

int
vr_mount_proc(struct vr_sandbox *sb, const struct vr_plan_mount *m, struct vr_mountpoint *mp, struct vr_error *err)
{
	unsigned long flags = MS_NOSUID | MS_NODEV | MS_NOEXEC;
	char tgt[VR_FD_PATH_MAX], path[PATH_MAX];
	_cleanup_close_ int proc_fd = -1;
	int r;

	if (m->flags & VR_MNT_F_RO)
		flags |= MS_RDONLY;
	/* This process is already PID 1 of the new PID namespace, and a procfs shows the PID
	 * namespace of the process that mounts it: only the sandbox's processes. It has to be
	 * mounted before pivot_root(): in a user namespace the kernel allows a new procfs only
	 * while one without anything mounted over it is visible (the host's /proc). */
	if (mount("proc", vr_fd_path(mp->fd, tgt), "proc", flags, NULL) < 0)
		return vr_error_set_at(err, errno, m->target, "cannot mount a procfs here");
	proc_fd = reopen_dir(mp, m->target, err);
	if (proc_fd < 0)
		return proc_fd;

	for (size_t i = 0; i < ELEMENTSOF(proc_masked); i++) {
		_cleanup_close_ int fd = openat(proc_fd, proc_masked[i], O_PATH | O_NOFOLLOW | O_CLOEXEC);

		if (fd < 0 && errno == ENOENT)
			continue; /* not built into this kernel */
		if (fd < 0)
			return vr_error_set_at(err, errno, m->target, "cannot open '%s' to mask it", proc_masked[i]);
		r = vr_mount_bind(sb->empty_fd, false, false,
				  &(struct vr_mountpoint){ proc_fd, fd, proc_masked[i], { 0 } }, 0, NULL, m->target,
				  err);
		if (r < 0)
			return r;
	}
	for (size_t i = 0; i < ELEMENTSOF(proc_read_only); i++) {
		_cleanup_close_ int fd =
			openat(proc_fd, proc_read_only[i], O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

		if (fd < 0 && errno == ENOENT)
			continue;
		if (fd < 0)
			return vr_error_set_at(err, errno, m->target, "cannot open '%s'", proc_read_only[i]);
		/* A bind of the directory onto itself is a mount of its own, whose flags can
		 * differ from the procfs it shows. */
		r = target_path(m->target, proc_read_only[i], path, err);
		if (r < 0)
			return r;
		r = vr_mount_bind(fd, false, true, &(struct vr_mountpoint){ proc_fd, fd, proc_read_only[i], { 0 } },
				  VR_MOUNT_ATTR_RDONLY | VR_MOUNT_ATTR_NOSUID | VR_MOUNT_ATTR_NODEV |
					  VR_MOUNT_ATTR_NOEXEC,
				  path, m->target, err);
		if (r < 0)
			return r;
	}
	return 0;
}

static int
dev_node(struct vr_sandbox *sb, int dev_fd, size_t i, const char *target, struct vr_error *err)
{
	_cleanup_close_ int fd = -1;

	if (sb->dev_fds[i] < 0)
		return 0;
	fd = openat(dev_fd, vr_dev_node_names[i], O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
	if (fd < 0)
		return vr_error_set_at(err, errno, target, "cannot create the mount point for '%s'",
				       vr_dev_node_names[i]);
	/* A bind of the host's node, not mknod(): a user namespace cannot make device nodes,
	 * and the bind keeps the host mount's flags, so the node works although the tmpfs
	 * around it is nodev. */
	return vr_mount_bind(sb->dev_fds[i], false, false,
			     &(struct vr_mountpoint){ dev_fd, fd, vr_dev_node_names[i], { 0 } }, 0, NULL, target, err);
}

static int
dev_mount_dir(int dev_fd, const char *name, const char *fstype, unsigned long flags, const char *options,
	      const char *target, struct vr_error *err)
{
	char tgt[VR_FD_PATH_MAX];
	_cleanup_close_ int fd = -1;

	if (mkdirat(dev_fd, name, 0755) < 0)
		return vr_error_set_at(err, errno, target, "cannot create '%s'", name);
	fd = openat(dev_fd, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return vr_error_set_at(err, errno, target, "cannot open '%s'", name);
	if (mount(fstype, vr_fd_path(fd, tgt), fstype, flags, options) < 0)
		return vr_error_set_at(err, errno, target, "cannot mount %s at '%s'", fstype, name);
	return 0;
}

int
vr_mount_dev(struct vr_sandbox *sb, const struct vr_plan_mount *m, struct vr_mountpoint *mp, struct vr_error *err)
{
	static const struct {
		const char *name, *text;
	} links[] = {
		{ "ptmx", "pts/ptmx" },		 { "fd", "/proc/self/fd" },	  { "stdin", "/proc/self/fd/0" },
		{ "stdout", "/proc/self/fd/1" }, { "stderr", "/proc/self/fd/2" },
	};
	char tgt[VR_FD_PATH_MAX], path[PATH_MAX];
	_cleanup_close_ int dev_fd = -1;
	int r;

	if (mount("tmpfs", vr_fd_path(mp->fd, tgt), "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=0755") < 0)
		return vr_error_set_at(err, errno, m->target, "cannot mount the tmpfs for /dev here");
	dev_fd = reopen_dir(mp, m->target, err);
	if (dev_fd < 0)
		return dev_fd;
	r = vr_mount_own_fs_at(sb, dev_fd, "");
	if (r < 0)
		return vr_error_set_at(err, r, m->target, "cannot inspect the new tmpfs");

	for (size_t i = 0; i < VR_DEV_NODES; i++) {
		r = dev_node(sb, dev_fd, i, m->target, err);
		if (r < 0)
			return r;
	}
	/* A devpts instance of its own: the sandbox sees its own pseudo-terminals only, and
	 * ptmx in it makes new ones there (not on the host's instance). */
	r = dev_mount_dir(dev_fd, "pts", "devpts", MS_NOSUID | MS_NOEXEC, "newinstance,ptmxmode=0666,mode=620",
			  m->target, err);
	if (r < 0)
		return r;
	r = dev_mount_dir(dev_fd, "shm", "tmpfs", MS_NOSUID | MS_NODEV, "mode=01777", m->target, err);
	if (r < 0)
		return r;
	r = vr_mount_own_fs_at(sb, dev_fd, "shm");
	if (r < 0)
		return vr_error_set_at(err, r, m->target, "cannot inspect the new tmpfs");
	for (size_t i = 0; i < ELEMENTSOF(links); i++)
		if (symlinkat(links[i].text, dev_fd, links[i].name) < 0)
			return vr_error_set_at(err, errno, m->target, "cannot create the symlink '%s'", links[i].name);

	if (m->flags & VR_MNT_F_RO) {
		r = target_path(m->target, "", path, err);
		if (r < 0)
			return r;
		return vr_mount_set_attr(dev_fd, "", path, false,
					 VR_MOUNT_ATTR_RDONLY | VR_MOUNT_ATTR_NOSUID | VR_MOUNT_ATTR_NODEV |
						 VR_MOUNT_ATTR_NOEXEC,
					 m->target, err);
	}
	return 0;
}
