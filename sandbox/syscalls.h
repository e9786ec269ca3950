/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * The kernel interfaces the executor uses that libc does not wrap everywhere (clone3,
 * openat2, open_tree, move_mount, mount_setattr, pivot_root, close_range), with their ABI spelled out here rather
 * than taken from the linux/ headers, whose definitions collide with <sys/mount.h> on some glibc
 * versions. The structures and numbers are kernel ABI and never change.
 */

#include <errno.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef __NR_open_tree
#define __NR_open_tree 428
#endif
#ifndef __NR_move_mount
#define __NR_move_mount 429
#endif
#ifndef __NR_clone3
#define __NR_clone3 435
#endif
#ifndef __NR_close_range
#define __NR_close_range 436
#endif
#ifndef __NR_openat2
#define __NR_openat2 437
#endif
#ifndef __NR_mount_setattr
#define __NR_mount_setattr 442
#endif

#ifndef CLONE_PIDFD
#define CLONE_PIDFD 0x00001000
#endif
#ifndef CLONE_NEWCGROUP
#define CLONE_NEWCGROUP 0x02000000
#endif

/* struct clone_args, CLONE_ARGS_SIZE_VER0 (Linux 5.3). */
struct vr_clone_args {
	uint64_t flags;
	uint64_t pidfd;
	uint64_t child_tid;
	uint64_t parent_tid;
	uint64_t exit_signal;
	uint64_t stack;
	uint64_t stack_size;
	uint64_t tls;
};

/* struct open_how and RESOLVE_* (Linux 5.6). */
struct vr_open_how {
	uint64_t flags;
	uint64_t mode;
	uint64_t resolve;
};
#define VR_RESOLVE_NO_XDEV 0x01
#define VR_RESOLVE_NO_MAGICLINKS 0x02
#define VR_RESOLVE_NO_SYMLINKS 0x04
#define VR_RESOLVE_BENEATH 0x08

/* struct mount_attr and MOUNT_ATTR_* (Linux 5.12). */
struct vr_mount_attr {
	uint64_t attr_set;
	uint64_t attr_clr;
	uint64_t propagation;
	uint64_t userns_fd;
};
#define VR_MOUNT_ATTR_RDONLY 0x00000001
#define VR_MOUNT_ATTR_NOSUID 0x00000002
#define VR_MOUNT_ATTR_NODEV 0x00000004
#define VR_MOUNT_ATTR_NOEXEC 0x00000008
#ifndef AT_RECURSIVE
#define AT_RECURSIVE 0x8000
#endif

/* open_tree() and move_mount() flags (Linux 5.2). */
#define VR_OPEN_TREE_CLONE 1
#define VR_OPEN_TREE_CLOEXEC 02000000 /* O_CLOEXEC */
#define VR_MOVE_MOUNT_F_EMPTY_PATH 0x00000004
#define VR_MOVE_MOUNT_T_EMPTY_PATH 0x00000040

#define VR_CLOSE_RANGE_CLOEXEC (1U << 2)

/*
 * clone3() without a new stack: the child continues here, on a copy of the caller's
 * memory, as after fork(). glibc does not know a process was made, so its cached thread
 * id in the child is the parent's: the child must not use raise(), abort() or pthread
 * calls, and it does not.
 */
static inline pid_t
vr_clone3(struct vr_clone_args *args)
{
	return (pid_t)syscall(__NR_clone3, args, sizeof *args);
}

static inline int
vr_openat2(int dirfd, const char *path, struct vr_open_how *how)
{
	return (int)syscall(__NR_openat2, dirfd, path, how, sizeof *how);
}

static inline int
vr_mount_setattr(int dirfd, const char *path, unsigned flags, struct vr_mount_attr *attr)
{
	return (int)syscall(__NR_mount_setattr, dirfd, path, flags, attr, sizeof *attr);
}

static inline int
vr_open_tree(int dirfd, const char *path, unsigned flags)
{
	return (int)syscall(__NR_open_tree, dirfd, path, flags);
}

static inline int
vr_move_mount(int from_dirfd, const char *from_path, int to_dirfd, const char *to_path, unsigned flags)
{
	return (int)syscall(__NR_move_mount, from_dirfd, from_path, to_dirfd, to_path, flags);
}

static inline int
vr_pivot_root(const char *new_root, const char *put_old)
{
	return (int)syscall(SYS_pivot_root, new_root, put_old);
}

static inline int
vr_close_range(unsigned first, unsigned last, unsigned flags)
{
	return (int)syscall(__NR_close_range, first, last, flags);
}
