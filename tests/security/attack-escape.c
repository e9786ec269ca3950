/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * vr-attack's attacks on the sandbox's walls: new namespaces and mounts, other processes
 * (ptrace, signals), and files: reading, writing, listing, device nodes, and ways out
 * through /proc.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include "vr-attack.h"

/* ---- namespaces and mounts ------------------------------------------------------------ */

static unsigned long
ns_flag(const char *kind)
{
	static const struct {
		const char *name;
		unsigned long flag;
	} kinds[] = {
		{ "user", CLONE_NEWUSER },     { "mnt", CLONE_NEWNS },	{ "net", CLONE_NEWNET },
		{ "pid", CLONE_NEWPID },       { "uts", CLONE_NEWUTS }, { "ipc", CLONE_NEWIPC },
		{ "cgroup", CLONE_NEWCGROUP }, { "none", 0 },
	};

	for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
		if (!strcmp(kinds[i].name, kind))
			return kinds[i].flag;
	return ~0UL;
}

/* clone(2) itself (not glibc's wrapper, which may use clone3): the child exits at once. */
int
attack_clone(int argc, char **argv)
{
	unsigned long flags;
	long pid;
	int st;

	if (argc < 1 || (flags = ns_flag(argv[0])) == ~0UL)
		return usage("clone user|mnt|net|pid|uts|ipc|cgroup|none [high]");
	if (argc > 1 && !strcmp(argv[1], "high"))
		flags |= HIGH_BITS;
	pid = syscall(SYS_clone, flags | SIGCHLD, NULL, NULL, NULL, 0UL);
	if (pid < 0)
		return refused_with(errno, NULL);
	if (pid == 0)
		_exit(0);
	if (waitpid((pid_t)pid, &st, 0) < 0)
		return setup_failed("waitpid");
	return ok(NULL);
}

int
attack_unshare(int argc, char **argv)
{
	unsigned long flags;

	if (argc < 1 || (flags = ns_flag(argv[0])) == ~0UL)
		return usage("unshare user|mnt|net|pid|uts|ipc|cgroup|none");
	return result(syscall(SYS_unshare, flags));
}

int
attack_mount_tmpfs(int argc, char **argv)
{
	if (argc < 1)
		return usage("mount-tmpfs DIR");
	return result(mount("vr-attack", argv[0], "tmpfs", 0, "size=1m"));
}

int
attack_umount(int argc, char **argv)
{
	if (argc < 1)
		return usage("umount PATH");
	return result(umount2(argv[0], MNT_DETACH));
}

/* The new mount API, all the way: a tmpfs context, created, mounted and moved onto DIR. */
int
attack_fsmount_tmpfs(int argc, char **argv)
{
	int fs, mnt;

	if (argc < 1)
		return usage("fsmount-tmpfs DIR");
	fs = (int)syscall(SYS_fsopen, "tmpfs", A_FSOPEN_CLOEXEC);
	if (fs < 0)
		return refused_with(errno, "at=fsopen");
	if (syscall(SYS_fsconfig, fs, A_FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
		return refused_with(errno, "at=fsconfig");
	mnt = (int)syscall(SYS_fsmount, fs, A_FSMOUNT_CLOEXEC, 0U);
	if (mnt < 0)
		return refused_with(errno, "at=fsmount");
	if (syscall(SYS_move_mount, mnt, "", AT_FDCWD, argv[0], A_MOVE_MOUNT_F_EMPTY_PATH) < 0)
		return refused_with(errno, "at=move_mount");
	return ok(NULL);
}

/* ---- processes: ptrace and signals ---------------------------------------------------- */

static bool
parse_pid(const char *s, pid_t *ret)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end)
		return false;
	*ret = (pid_t)v;
	return true;
}

int
attack_ptrace(int argc, char **argv, bool seize)
{
	pid_t pid;
	int st;

	if (argc < 1 || !parse_pid(argv[0], &pid))
		return usage("ptrace-attach|ptrace-seize PID");
	if (ptrace(seize ? PTRACE_SEIZE : PTRACE_ATTACH, pid, NULL, NULL) < 0)
		return refused_with(errno, NULL);
	/* Attached: let go again at once. PTRACE_ATTACH stops the tracee; wait for that stop
	 * before detaching, so that it runs on. */
	if (!seize)
		(void)waitpid(pid, &st, __WALL);
	(void)ptrace(PTRACE_DETACH, pid, NULL, NULL);
	return ok(NULL);
}

int
attack_kill(int argc, char **argv)
{
	pid_t pid;
	pid_t sig;

	if (argc < 2 || !parse_pid(argv[0], &pid) || !parse_pid(argv[1], &sig))
		return usage("kill PID SIGNAL");
	if (kill(pid, sig) < 0)
		return refused_with(errno, NULL);
	/* Still here a moment later: had the signal killed the sandbox's PID 1, the kernel
	 * would have killed this process too. */
	usleep(200000);
	return ok(NULL);
}

/* kill(0, SIGNAL): the whole process group, ignoring the signal itself. In a process group
 * that the caller's processes share (a run on the caller's terminal), that reaches them:
 * pid namespaces do not filter a process group. */
int
attack_kill_group(int argc, char **argv)
{
	pid_t sig;

	if (argc < 1 || !parse_pid(argv[0], &sig) || sig == SIGKILL || sig == SIGSTOP)
		return usage("kill-group SIGNAL (one that can be ignored)");
	pid_t pgrp = getpgrp(), sid = getsid(0);

	signal(sig, SIG_IGN);
	if (kill(0, sig) < 0)
		return refused_with(errno, NULL);
	usleep(300000);
	return ok("pid=%d pgrp=%d sid=%d", (int)getpid(), (int)pgrp, (int)sid);
}

/* ---- files ---------------------------------------------------------------------------- */

int
attack_read(int argc, char **argv)
{
	char buf[65536];
	size_t total = 0;
	ssize_t n;
	int fd;

	if (argc < 1)
		return usage("read PATH");
	fd = open(argv[0], O_RDONLY | O_NOCTTY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return refused_with(errno, NULL);
	while (total < (1 << 20) && (n = read(fd, buf, sizeof buf)) != 0) {
		if (n < 0) {
			int e = errno;
			close(fd);
			return refused_with(e, "at=read");
		}
		total += (size_t)n;
	}
	close(fd);
	return ok("bytes=%zu", total);
}

int
attack_write(int argc, char **argv)
{
	static const char text[] = "written by vr-attack\n";
	int fd, e;

	if (argc < 1)
		return usage("write PATH");
	fd = open(argv[0], O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd < 0)
		return refused_with(errno, NULL);
	if (write(fd, text, sizeof text - 1) != (ssize_t)(sizeof text - 1)) {
		e = errno;
		close(fd);
		return refused_with(e, "at=write");
	}
	close(fd);
	return ok(NULL);
}

/* Open an existing file for writing, and write nothing: enough to see whether it could be
 * written, without touching kernel tunables if it could. */
int
attack_open_write(int argc, char **argv)
{
	int fd;

	if (argc < 1)
		return usage("open-write PATH");
	fd = open(argv[0], O_WRONLY | O_NOCTTY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return refused_with(errno, NULL);
	close(fd);
	return ok(NULL);
}

int
attack_readlink(int argc, char **argv)
{
	char buf[4096];
	ssize_t n;

	if (argc < 1)
		return usage("readlink PATH");
	n = readlink(argv[0], buf, sizeof buf - 1);
	if (n < 0)
		return refused_with(errno, NULL);
	buf[n] = '\0';
	return ok("target=%s", buf);
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int
attack_listdir(int argc, char **argv)
{
	char *names[1024];
	size_t n = 0;
	struct dirent *de;
	DIR *d;

	if (argc < 1)
		return usage("listdir DIR");
	d = opendir(argv[0]);
	if (!d)
		return refused_with(errno, NULL);
	while ((de = readdir(d)) && n < 1024)
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			names[n++] = strdup(de->d_name);
	qsort(names, n, sizeof names[0], cmp_str);
	fputs("ok entries=", stdout);
	for (size_t i = 0; i < n; i++) {
		printf("%s%s", i ? "," : "", names[i]);
		free(names[i]);
	}
	fputc('\n', stdout);
	closedir(d);
	return 0;
}

/* What a path is: the type of its filesystem, whether that is mounted read-only, its size. */
int
attack_fsinfo(int argc, char **argv)
{
	struct statfs sfs;
	struct stat st;

	if (argc < 1)
		return usage("fsinfo PATH");
	if (statfs(argv[0], &sfs) < 0 || stat(argv[0], &st) < 0)
		return refused_with(errno, NULL);
	return ok("fstype=0x%lx ro=%d size=%lld", (unsigned long)sfs.f_type, (sfs.f_flags & ST_RDONLY) ? 1 : 0,
		  (long long)st.st_size);
}

/* Through every process's root and working directory back to PATH (a host path): the
 * links /proc/N/root and /proc/N/cwd jump to where that process is, and ".." from there
 * climbs until it meets the root of whoever looks, which it never meets if the process
 * is outside it. "ok via=..." names the first way through; else the errno of the direct
 * way, /proc/1/root/PATH. */
int
attack_proc_escape(int argc, char **argv)
{
	char path[8192], ups[32 * 3 + 1] = "";
	int first_errno = 0;
	struct dirent *de;
	DIR *d;

	if (argc < 1 || argv[0][0] != '/')
		return usage("proc-escape /HOST/PATH");
	for (int i = 0; i < 32; i++)
		strcat(ups, "../");
	snprintf(path, sizeof path, "/proc/1/root%s", argv[0]);
	if (open(path, O_RDONLY | O_CLOEXEC) >= 0)
		return ok("via=%s", path);
	first_errno = errno;
	d = opendir("/proc");
	if (!d)
		return setup_failed("opendir /proc");
	while ((de = readdir(d))) {
		const char *ways[] = { "root", "cwd" };

		if ((de->d_name[0] < '0' || de->d_name[0] > '9') && strcmp(de->d_name, "self") &&
		    strcmp(de->d_name, "thread-self"))
			continue;
		for (size_t w = 0; w < 2; w++) {
			snprintf(path, sizeof path, "/proc/%s/%s%s", de->d_name, ways[w], argv[0]);
			if (open(path, O_RDONLY | O_CLOEXEC) >= 0)
				return ok("via=%s", path);
			snprintf(path, sizeof path, "/proc/%s/%s/%s%s", de->d_name, ways[w], ups, argv[0] + 1);
			if (open(path, O_RDONLY | O_CLOEXEC) >= 0)
				return ok("via=%s", path);
		}
	}
	closedir(d);
	return refused_with(first_errno, NULL);
}

int
attack_mknod(int argc, char **argv)
{
	if (argc < 1)
		return usage("mknod PATH");
	/* The same device as /dev/null: harmless if it is made. */
	return result(mknod(argv[0], S_IFCHR | 0600, makedev(1, 3)));
}
