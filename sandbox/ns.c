/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Namespaces. The sandbox's PID 1 is created by one clone3() call straight into all of
 * them, rather than by unshare() and a second fork: one process fewer on the hot path, and
 * a new PID namespace only ever applies to children anyway.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "venvrun/error.h"

#include "macro.h"

#include "ns.h"
#include "syscalls.h"

static uint64_t
clone_flags(unsigned namespaces)
{
	uint64_t f = 0;

	if (namespaces & VR_NS_USER)
		f |= CLONE_NEWUSER;
	if (namespaces & VR_NS_MOUNT)
		f |= CLONE_NEWNS;
	if (namespaces & VR_NS_PID)
		f |= CLONE_NEWPID;
	if (namespaces & VR_NS_IPC)
		f |= CLONE_NEWIPC;
	if (namespaces & VR_NS_UTS)
		f |= CLONE_NEWUTS;
	if (namespaces & VR_NS_NET)
		f |= CLONE_NEWNET;
	if (namespaces & VR_NS_CGROUP)
		f |= CLONE_NEWCGROUP;
	return f;
}

/*
 * clone(2) as a fork, for where clone3() says ENOSYS: container runtimes' seccomp profiles
 * do that on purpose (so that libc falls back), and so does valgrind. CLONE_PIDFD returns
 * the pidfd through the parent_tid argument, whose place differs between architectures.
 */
static pid_t
clone_fork(uint64_t flags, int *pidfd)
{
#if defined(__s390__) || defined(__CRIS__)
	return (pid_t)syscall(SYS_clone, 0L, (unsigned long)flags | SIGCHLD, pidfd, NULL, 0L);
#else
	return (pid_t)syscall(SYS_clone, (unsigned long)flags | SIGCHLD, 0L, pidfd, NULL, 0L);
#endif
}

/* struct clone_args up to .cgroup (CLONE_ARGS_SIZE_VER2, Linux 5.7), for
 * CLONE_INTO_CGROUP. Passed only when there is a cgroup to start in, so that kernels from
 * 5.3 on run everything else. */
struct clone_args_v2 {
	struct vr_clone_args v0;
	uint64_t set_tid;
	uint64_t set_tid_size;
	uint64_t cgroup;
};
#define VR_CLONE_INTO_CGROUP 0x200000000ULL

pid_t
vr_ns_clone(const struct vr_sandbox *sb, int *ret_pidfd, struct vr_error *err)
{
	int pidfd = -1;
	/* With CLONE_NEWUSER the kernel creates the user namespace first and makes it the
	 * owner of the others, so an unprivileged caller gets all of them in this one call.
	 * The pidfd lets the caller wait for this child without touching SIGCHLD, which
	 * belongs to the program that called us. */
	struct clone_args_v2 args = {
		.v0 = {
			.flags = clone_flags(sb->namespaces) | CLONE_PIDFD,
			.pidfd = (uint64_t)(uintptr_t)&pidfd,
			.exit_signal = SIGCHLD,
		},
	};
	pid_t pid;

	/* Into the run's cgroup (cgroup.c) as it is made: nothing of the sandbox ever runs
	 * outside its limits, not even for the moment a move would take. */
	if (sb->cgroup_fd >= 0) {
		args.v0.flags |= VR_CLONE_INTO_CGROUP;
		args.cgroup = (uint64_t)sb->cgroup_fd;
		pid = (pid_t)syscall(__NR_clone3, &args, sizeof args);
		if (pid < 0 && (errno == ENOSYS || errno == E2BIG))
			return vr_error_set(err, VR_ERR_HARDENING,
					    "limits.memory/limits.pids: starting the sandbox in a cgroup needs "
					    "clone3() with CLONE_INTO_CGROUP (Linux 5.7 or later)");
	} else {
		pid = vr_clone3(&args.v0);
		if (pid < 0 && errno == ENOSYS)
			pid = clone_fork(args.v0.flags, &pidfd);
	}
	if (pid < 0) {
		int e = errno;

		if (e == ENOSYS)
			return vr_error_set(err, e, "cannot create the sandbox (it needs Linux 5.3 or later)");
		vr_error_set(err, e, "cannot create the sandbox's namespaces");
		if ((e == EPERM || e == ENOSPC || e == EINVAL) && (sb->namespaces & VR_NS_USER))
			vr_error_set_hint(err, "unprivileged user namespaces may be disabled here "
					       "(sysctl user.max_user_namespaces, kernel.unprivileged_userns_clone, "
					       "or an AppArmor or SELinux policy)");
		return -e;
	}
	if (pid > 0)
		*ret_pidfd = pidfd;
	return pid;
}

static int
write_proc_self(const char *name, const char *text, struct vr_error *err)
{
	char path[64];
	_cleanup_close_ int fd = -1;
	size_t len = strlen(text);
	ssize_t n;
	int e;

	snprintf(path, sizeof path, "/proc/self/%s", name);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd >= 0) {
		n = write(fd, text, len);
		if (n == (ssize_t)len)
			return 0;
		if (n >= 0)
			errno = EIO;
	}
	e = errno;
	vr_error_set_at(err, e, path, "cannot set up the user namespace");
	/* /proc/self of a non-dumpable process belongs to root, so a caller that changed its
	 * ids without becoming dumpable again cannot write its own maps. */
	if (e == EACCES && prctl(PR_GET_DUMPABLE) == 0)
		vr_error_set_hint(err, "the calling process is not dumpable (it changed its user ids); "
				       "call prctl(PR_SET_DUMPABLE, 1) first or run venvrun from a fresh process");
	return -e;
}

int
vr_ns_prepare(struct vr_sandbox *sb, struct vr_error *err)
{
	int fds[2];

	/* A process may map only its own ids into a user namespace it is in: mapping a
	 * second one (the user the program runs as, and root for PID 1) takes CAP_SETUID in
	 * the parent namespace, which only the caller has. Then the caller writes the maps,
	 * and the child waits for them. */
	sb->maps_by_caller = (sb->namespaces & VR_NS_USER) && sb->plan->ids_set;
	sb->maps_sync_fd = sb->maps_sync_wr_fd = -1;
	if (!sb->maps_by_caller)
		return 0;
	if (pipe2(fds, O_CLOEXEC) < 0)
		return vr_error_set(err, errno, "cannot create a pipe to set up the user namespace");
	sb->maps_sync_fd = fds[0];
	sb->maps_sync_wr_fd = fds[1];
	return 0;
}

void
vr_ns_release(struct vr_sandbox *sb)
{
	if (sb->maps_sync_fd >= 0)
		close(sb->maps_sync_fd);
	if (sb->maps_sync_wr_fd >= 0)
		close(sb->maps_sync_wr_fd);
	sb->maps_sync_fd = sb->maps_sync_wr_fd = -1;
}

static int
write_pid_file(pid_t pid, const char *name, const char *text, struct vr_error *err)
{
	char path[64];
	_cleanup_close_ int fd = -1;
	size_t len = strlen(text);
	ssize_t n;

	snprintf(path, sizeof path, "/proc/%d/%s", (int)pid, name);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return vr_error_set_at(err, errno, path, "cannot set up the user namespace");
	n = write(fd, text, len);
	if (n != (ssize_t)len)
		return vr_error_set_at(err, n < 0 ? errno : EIO, path, "cannot set up the user namespace");
	return 0;
}

/* "ID ID 1" for the caller's id, and another line for the program's when it differs. */
static void
map_text(char buf[64], unsigned own, unsigned target)
{
	if (own == target)
		snprintf(buf, 64, "%u %u 1\n", own, own);
	else
		snprintf(buf, 64, "%u %u 1\n%u %u 1\n", own, own, target, target);
}

int
vr_ns_write_maps_of(const struct vr_sandbox *sb, pid_t pid, struct vr_error *err)
{
	char text[64];
	int r;

	if (!sb->maps_by_caller)
		return 0;
	/* setgroups stays allowed: the program clears the supplementary groups it would
	 * otherwise keep from the caller (harden.c), and once it runs as the plan's user it
	 * has no capability left to call setgroups() with. */
	map_text(text, (unsigned)sb->uid, (unsigned)sb->plan->uid);
	r = write_pid_file(pid, "uid_map", text, err);
	if (r < 0)
		return r;
	map_text(text, (unsigned)sb->gid, (unsigned)sb->plan->gid);
	r = write_pid_file(pid, "gid_map", text, err);
	if (r < 0)
		return r;
	if (write(sb->maps_sync_wr_fd, "", 1) != 1)
		return vr_error_set(err, errno, "cannot let the sandbox go on");
	return 0;
}

int
vr_ns_write_maps(const struct vr_sandbox *sb, struct vr_error *err)
{
	char line[64];
	int r;

	if (sb->maps_by_caller) {
		char c;
		ssize_t n;

		/* Our copy of the write end goes, so that a caller that failed (and closed
		 * its own) ends the wait. */
		close(sb->maps_sync_wr_fd);
		do
			n = read(sb->maps_sync_fd, &c, 1);
		while (n < 0 && errno == EINTR);
		close(sb->maps_sync_fd);
		if (n != 1)
			return vr_error_set(err, EIO, "the caller did not set up the user namespace");
		return 0;
	}

	/* The child writes its own maps, with no round trip to the caller: a process may map
	 * exactly its own effective ids into a user namespace it created. The gid map needs
	 * setgroups denied first (Linux 3.19): otherwise an unprivileged user could drop a
	 * supplementary group that a file's permissions use to keep it out. Denying it also
	 * when root asked for the namespace keeps the program from setgroups() inside. */
	r = write_proc_self("setgroups", "deny", err);
	if (r < 0)
		return r;
	snprintf(line, sizeof line, "%u %u 1\n", (unsigned)sb->uid, (unsigned)sb->uid);
	r = write_proc_self("uid_map", line, err);
	if (r < 0)
		return r;
	snprintf(line, sizeof line, "%u %u 1\n", (unsigned)sb->gid, (unsigned)sb->gid);
	return write_proc_self("gid_map", line, err);
}

/* SIOCSIFFLAGS rather than netlink: one socket and two ioctls. Bringing lo up is enough,
 * the kernel gives it 127.0.0.1 and ::1 itself. */
static int
loopback_up(struct vr_error *err)
{
	_cleanup_close_ int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	struct ifreq ifr = { 0 };

	if (fd < 0)
		return vr_error_set_at(err, errno, "lo", "cannot bring up the loopback interface");
	strcpy(ifr.ifr_name, "lo");
	if (ioctl(fd, SIOCGIFFLAGS, &ifr) < 0)
		return vr_error_set_at(err, errno, "lo", "cannot bring up the loopback interface");
	ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
	if (ioctl(fd, SIOCSIFFLAGS, &ifr) < 0)
		return vr_error_set_at(err, errno, "lo", "cannot bring up the loopback interface");
	return 0;
}

int
vr_ns_configure(const struct vr_sandbox *sb, struct vr_error *err)
{
	const struct vr_plan *p = sb->plan;
	int r;

	/* vr_plan_validate() refused a hostname without a UTS namespace and a loopback without
	 * a network namespace: either would change the host's. */
	if (p->hostname && sethostname(p->hostname, strlen(p->hostname)) < 0)
		return vr_error_set_at(err, errno, p->hostname, "cannot set the sandbox's hostname");
	if (p->loopback && (sb->namespaces & VR_NS_NET)) {
		r = loopback_up(err);
		if (r < 0)
			return r;
	}
	return 0;
}
