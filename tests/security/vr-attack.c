/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * vr-attack ATTACK [ARGS...]: try exactly one thing a program in the sandbox must not be
 * able to do, and say what happened, for the attack suite (tests/security/). It prints one
 * line and exits:
 *
 *   ok[ DETAILS]                 0  the attempt succeeded
 *   refused errno=NAME[ DETAILS] 1  the attempt failed with errno NAME (EPERM, ENOENT...)
 *   (a message on stderr)        2  usage error; 3  the helper itself could not set up
 *
 * Killed by a signal means the attempt was killed (the seccomp filter kills calls made
 * through another ABI with SIGSYS).
 *
 * It runs inside the sandbox, so it uses libc only (no sanitizer runtime, no venvrun
 * library). Dangerous calls are made with harmless invalid arguments: outside the sandbox
 * they fail with EINVAL, EFAULT, EBADF or ENOENT (or succeed doing nothing), never change
 * the host; inside, the filter refuses them before the kernel looks at the arguments.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/time.h>
#include <sys/timex.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

/* The new mount API's constants (linux/mount.h clashes with sys/mount.h in glibc 2.36). */
#define A_FSOPEN_CLOEXEC 0x1
#define A_FSCONFIG_SET_FLAG 0
#define A_FSCONFIG_CMD_CREATE 6
#define A_FSMOUNT_CLOEXEC 0x1
#define A_MOVE_MOUNT_F_EMPTY_PATH 0x4
#define A_KCMP_VM 1
#define A_X32_SYSCALL_BIT 0x40000000UL
#define A_X32_GETPID 39

/* The high half of a 64-bit argument: the kernel reads clone's flags, ioctl's request,
 * socket's family and personality's value as 32-bit, so a filter that compares all 64
 * bits for equality can be walked round with these set. */
#define HIGH_BITS (1UL << 32)

/* ---- reporting ------------------------------------------------------------------------ */

static int ok(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int
ok(const char *fmt, ...)
{
	va_list ap;

	fputs("ok", stdout);
	if (fmt) {
		fputc(' ', stdout);
		va_start(ap, fmt);
		vprintf(fmt, ap);
		va_end(ap);
	}
	fputc('\n', stdout);
	return 0;
}

static const char *
errno_name(int e)
{
	const char *n = strerrorname_np(e);
	static char buf[32];

	if (n)
		return n;
	snprintf(buf, sizeof buf, "%d", e);
	return buf;
}

static int refused_with(int e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int
refused_with(int e, const char *fmt, ...)
{
	va_list ap;

	printf("refused errno=%s", errno_name(e));
	if (fmt) {
		fputc(' ', stdout);
		va_start(ap, fmt);
		vprintf(fmt, ap);
		va_end(ap);
	}
	fputc('\n', stdout);
	return 1;
}

/* ok, or refused with errno, by the sign of a system call's result. */
static int
result(long r)
{
	return r < 0 ? refused_with(errno, NULL) : ok(NULL);
}

static int
usage(const char *msg)
{
	fprintf(stderr, "vr-attack: %s\n", msg);
	return 2;
}

static int
setup_failed(const char *what)
{
	fprintf(stderr, "vr-attack: %s: %s\n", what, strerror(errno));
	return 3;
}

static bool
parse_ulong(const char *s, unsigned long *ret)
{
	char *end;

	errno = 0;
	*ret = strtoul(s, &end, 0);
	return errno == 0 && end != s && !*end;
}

/* ---- the system calls the filter denies, each with harmless arguments ---------------- */

static long
do_vhangup(void)
{
	int fd;

	/* vhangup() hangs up the controlling terminal: only ever try it without one. */
	(void)setsid();
	fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (fd >= 0) {
		close(fd);
		errno = EBUSY;
		return -2;
	}
	return syscall(SYS_vhangup);
}

static long
do_adjtime(long nr)
{
	/* ADJ_TICK with a tick far out of range: EINVAL after the privilege check, before
	 * anything changes. */
	struct timex tx = { .modes = ADJ_TICK, .tick = 1 };

	if (nr == SYS_adjtimex)
		return syscall(SYS_adjtimex, &tx);
	return syscall(SYS_clock_adjtime, CLOCK_REALTIME, &tx);
}

static long
do_generic(const char *name)
{
	static const char *const nowhere = "/nonexistent/vr-attack";
	struct timespec bad_ts = { .tv_sec = 0, .tv_nsec = -1 };
	long fd;

	if (!strcmp(name, "init_module"))
		return syscall(SYS_init_module, NULL, 0UL, "");
	if (!strcmp(name, "finit_module"))
		return syscall(SYS_finit_module, -1, "", 0);
	if (!strcmp(name, "delete_module"))
		return syscall(SYS_delete_module, "vr_attack_no_such_module", O_NONBLOCK);
	if (!strcmp(name, "kexec_load")) /* flags that are no KEXEC_* flag: EINVAL */
		return syscall(SYS_kexec_load, 0UL, 0UL, NULL, 0x100UL);
	if (!strcmp(name, "kexec_file_load"))
		return syscall(SYS_kexec_file_load, -1, -1, 0UL, "", 0x80000000UL);
	if (!strcmp(name, "reboot")) /* no magic numbers: EINVAL */
		return syscall(SYS_reboot, 0, 0, 0, NULL);
	if (!strcmp(name, "swapon"))
		return syscall(SYS_swapon, nowhere, 0);
	if (!strcmp(name, "swapoff"))
		return syscall(SYS_swapoff, nowhere);
	if (!strcmp(name, "acct"))
		return syscall(SYS_acct, nowhere);
	if (!strcmp(name, "syslog")) /* no such action: EINVAL */
		return syscall(SYS_syslog, 9999, NULL, 0);
	if (!strcmp(name, "vhangup"))
		return do_vhangup();
	if (!strcmp(name, "_sysctl"))
		return syscall(SYS__sysctl, NULL);
	if (!strcmp(name, "uselib"))
		return syscall(SYS_uselib, nowhere);
	if (!strcmp(name, "ustat"))
		return syscall(SYS_ustat, 0, NULL);
	if (!strcmp(name, "sysfs"))
		return syscall(SYS_sysfs, 99);
	if (!strcmp(name, "settimeofday")) /* neither time nor zone: changes nothing */
		return syscall(SYS_settimeofday, NULL, NULL);
	if (!strcmp(name, "clock_settime"))
		return syscall(SYS_clock_settime, CLOCK_REALTIME, &bad_ts);
	if (!strcmp(name, "clock_adjtime"))
		return do_adjtime(SYS_clock_adjtime);
	if (!strcmp(name, "adjtimex"))
		return do_adjtime(SYS_adjtimex);
	if (!strcmp(name, "mount"))
		return syscall(SYS_mount, "none", nowhere, "tmpfs", 0UL, NULL);
	if (!strcmp(name, "umount2"))
		return syscall(SYS_umount2, nowhere, 0);
	if (!strcmp(name, "pivot_root"))
		return syscall(SYS_pivot_root, nowhere, nowhere);
	if (!strcmp(name, "chroot"))
		return syscall(SYS_chroot, nowhere);
	if (!strcmp(name, "unshare")) /* no flags: does nothing */
		return syscall(SYS_unshare, 0UL);
	if (!strcmp(name, "setns"))
		return syscall(SYS_setns, -1, 0);
	if (!strcmp(name, "quotactl")) /* quota type 99: EINVAL */
		return syscall(SYS_quotactl, (0x800004 << 8) | 99, NULL, 0, NULL);
	if (!strcmp(name, "add_key")) /* an empty type name: EINVAL */
		return syscall(SYS_add_key, "", "vr-attack", "x", 1UL, -2 /* process keyring */);
	if (!strcmp(name, "keyctl")) /* no such operation: EOPNOTSUPP */
		return syscall(SYS_keyctl, 9999, 0UL, 0UL, 0UL, 0UL);
	if (!strcmp(name, "request_key"))
		return syscall(SYS_request_key, "", "vr-attack", NULL, 0);
	if (!strcmp(name, "ptrace")) /* pid 0: ESRCH */
		return syscall(SYS_ptrace, PTRACE_CONT, 0, NULL, NULL);
	if (!strcmp(name, "process_vm_readv")) /* nothing to copy, from itself */
		return syscall(SYS_process_vm_readv, getpid(), NULL, 0UL, NULL, 0UL, 0UL);
	if (!strcmp(name, "process_vm_writev"))
		return syscall(SYS_process_vm_writev, getpid(), NULL, 0UL, NULL, 0UL, 0UL);
	if (!strcmp(name, "kcmp")) /* itself with itself */
		return syscall(SYS_kcmp, getpid(), getpid(), A_KCMP_VM, 0UL, 0UL);
	if (!strcmp(name, "pidfd_getfd"))
		return syscall(SYS_pidfd_getfd, -1, 0, 0U);
	if (!strcmp(name, "perf_event_open")) /* no attributes: EFAULT */
		return syscall(SYS_perf_event_open, NULL, 0, -1, -1, 0UL);
	if (!strcmp(name, "bpf")) /* no such command: EINVAL */
		return syscall(SYS_bpf, 9999, NULL, 0U);
	if (!strcmp(name, "fanotify_init"))
		return syscall(SYS_fanotify_init, 0xffffffffU, 0U);
	if (!strcmp(name, "userfaultfd"))
		return syscall(SYS_userfaultfd, 0xffffffff);
	if (!strcmp(name, "open_by_handle_at"))
		return syscall(SYS_open_by_handle_at, -1, NULL, 0);
	if (!strcmp(name, "io_uring_setup")) /* no parameters: EFAULT */
		return syscall(SYS_io_uring_setup, 0U, NULL);
	if (!strcmp(name, "io_uring_enter"))
		return syscall(SYS_io_uring_enter, -1, 0U, 0U, 0U, NULL, 0UL);
	if (!strcmp(name, "io_uring_register"))
		return syscall(SYS_io_uring_register, -1, 0U, NULL, 0U);
	if (!strcmp(name, "iopl")) /* level 4 does not exist: EINVAL */
		return syscall(SYS_iopl, 4);
	if (!strcmp(name, "ioperm")) /* past the I/O bitmap: EINVAL */
		return syscall(SYS_ioperm, 0x10000UL, 1UL, 1);
	if (!strcmp(name, "modify_ldt")) /* read nothing */
		return syscall(SYS_modify_ldt, 0, NULL, 0UL);
	if (!strcmp(name, "clone3")) /* no arguments: EINVAL */
		return syscall(SYS_clone3, NULL, 0UL);
	if (!strcmp(name, "fsopen")) { /* a context only: nothing is mounted */
		fd = syscall(SYS_fsopen, "tmpfs", A_FSOPEN_CLOEXEC);
		if (fd >= 0)
			close((int)fd);
		return fd;
	}
	if (!strcmp(name, "fsconfig"))
		return syscall(SYS_fsconfig, -1, A_FSCONFIG_SET_FLAG, "ro", NULL, 0);
	if (!strcmp(name, "fsmount"))
		return syscall(SYS_fsmount, -1, 0U, 0U);
	if (!strcmp(name, "fspick"))
		return syscall(SYS_fspick, AT_FDCWD, nowhere, 0U);
	if (!strcmp(name, "move_mount"))
		return syscall(SYS_move_mount, -1, "", -1, "", 0U);
	if (!strcmp(name, "open_tree"))
		return syscall(SYS_open_tree, AT_FDCWD, nowhere, 0U);
	if (!strcmp(name, "mount_setattr")) /* no attributes: EINVAL */
		return syscall(SYS_mount_setattr, -1, "", 0U, NULL, 0UL);
	errno = 0;
	return -3;
}

static int
attack_syscall(int argc, char **argv)
{
	long r;

	if (argc < 1)
		return usage("syscall NAME");
	r = do_generic(argv[0]);
	if (r == -3 && errno == 0)
		return usage("no such system call in vr-attack's table");
	if (r == -2)
		return setup_failed("vhangup: there is a controlling terminal");
	return result(r);
}

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
static int
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

static int
attack_unshare(int argc, char **argv)
{
	unsigned long flags;

	if (argc < 1 || (flags = ns_flag(argv[0])) == ~0UL)
		return usage("unshare user|mnt|net|pid|uts|ipc|cgroup|none");
	return result(syscall(SYS_unshare, flags));
}

static int
attack_mount_tmpfs(int argc, char **argv)
{
	if (argc < 1)
		return usage("mount-tmpfs DIR");
	return result(mount("vr-attack", argv[0], "tmpfs", 0, "size=1m"));
}

static int
attack_umount(int argc, char **argv)
{
	if (argc < 1)
		return usage("umount PATH");
	return result(umount2(argv[0], MNT_DETACH));
}

/* The new mount API, all the way: a tmpfs context, created, mounted and moved onto DIR. */
static int
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

static int
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

static int
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
static int
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

static int
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

static int
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
static int
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

static int
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

static int
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
static int
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
static int
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

static int
attack_mknod(int argc, char **argv)
{
	if (argc < 1)
		return usage("mknod PATH");
	/* The same device as /dev/null: harmless if it is made. */
	return result(mknod(argv[0], S_IFCHR | 0600, makedev(1, 3)));
}

/* ---- what the process is -------------------------------------------------------------- */

static void
status_field(const char *status, const char *key, char *buf, size_t size)
{
	const char *p = strstr(status, key);
	size_t n;

	snprintf(buf, size, "?");
	if (!p)
		return;
	p += strlen(key);
	p += strspn(p, ":\t ");
	n = strcspn(p, "\n");
	snprintf(buf, size, "%.*s", (int)n, p);
}

static bool
read_status(char *buf, size_t size)
{
	int fd = open("/proc/self/status", O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return false;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n < 0)
		return false;
	buf[n] = '\0';
	return true;
}

/* The capability sets, no_new_privs and seccomp mode, as /proc/self/status says. */
static int
attack_status(void)
{
	static const char *const keys[] = { "CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb", "NoNewPrivs", "Seccomp" };
	char status[16384], v[64];

	if (!read_status(status, sizeof status))
		return setup_failed("/proc/self/status");
	fputs("ok", stdout);
	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
		/* "Seccomp:" would also match "Seccomp_filters:"; it comes first. */
		char key[32];
		snprintf(key, sizeof key, "\n%s:", keys[i]);
		status_field(status, key, v, sizeof v);
		printf(" %s=%s", keys[i], v);
	}
	fputc('\n', stdout);
	return 0;
}

/* Who this process is: for set-user-ID and file-capability copies of the helper. */
static int
attack_ids(void)
{
	char status[16384], prm[64], eff[64];
	uid_t r, e, s;
	gid_t gr, ge, gs;

	if (!read_status(status, sizeof status) || getresuid(&r, &e, &s) < 0 || getresgid(&gr, &ge, &gs) < 0)
		return setup_failed("ids");
	status_field(status, "\nCapPrm:", prm, sizeof prm);
	status_field(status, "\nCapEff:", eff, sizeof eff);
	return ok("uid=%u euid=%u suid=%u gid=%u egid=%u CapPrm=%s CapEff=%s", r, e, s, gr, ge, prm, eff);
}

/* The descriptors open in this process (but the one reading the list). */
static int
attack_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *de;
	bool first = true;

	if (!d)
		return setup_failed("opendir /proc/self/fd");
	fputs("ok fds=", stdout);
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.' || atoi(de->d_name) == dirfd(d))
			continue;
		printf("%s%s", first ? "" : ",", de->d_name);
		first = false;
	}
	fputc('\n', stdout);
	closedir(d);
	return 0;
}

/* ---- limits --------------------------------------------------------------------------- */

/* Fork children that wait, until fork fails, MAX children run, or 20 s have passed; then
 * kill them all. */
static int
attack_forkbomb(int argc, char **argv)
{
	static pid_t kids[65536];
	unsigned long max;
	size_t n = 0;
	time_t deadline = time(NULL) + 20;
	int e = 0;

	if (argc < 1 || !parse_ulong(argv[0], &max) || max > 65536)
		return usage("forkbomb MAX (at most 65536)");
	while (n < max && time(NULL) < deadline) {
		pid_t pid = fork();

		if (pid < 0) {
			e = errno;
			break;
		}
		if (pid == 0) {
			for (;;)
				pause();
		}
		kids[n++] = pid;
	}
	for (size_t i = 0; i < n; i++)
		kill(kids[i], SIGKILL);
	for (size_t i = 0; i < n; i++)
		waitpid(kids[i], NULL, 0);
	if (e)
		return refused_with(e, "n=%zu", n);
	return ok("n=%zu", n);
}

/* Map and touch 16 MiB at a time until mapping fails or MAX MiB are held. */
static int
attack_membomb(int argc, char **argv)
{
	const size_t chunk = 16UL << 20;
	unsigned long max;
	size_t mb = 0;

	if (argc < 1 || !parse_ulong(argv[0], &max))
		return usage("membomb MAX_MIB");
	while (mb < max) {
		char *p = mmap(NULL, chunk, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (p == MAP_FAILED)
			return refused_with(errno, "mb=%zu", mb);
		memset(p, 0xa5, chunk);
		mb += chunk >> 20;
	}
	return ok("mb=%zu", mb);
}

/* ---- network -------------------------------------------------------------------------- */

static int
attack_tcp_connect(int argc, char **argv)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	unsigned long port;
	int fd;

	if (argc < 1 || !parse_ulong(argv[0], &port) || port > 65535)
		return usage("tcp-connect PORT");
	sa.sin_port = htons((uint16_t)port);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return refused_with(errno, "at=socket");
	if (connect(fd, (struct sockaddr *)&sa, sizeof sa) < 0)
		return refused_with(errno, NULL);
	close(fd);
	return ok(NULL);
}

/* A listener on 127.0.0.1 inside, and a connection to it. */
static int
attack_tcp_loopback(void)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	socklen_t len = sizeof sa;
	int l, c, a;

	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	l = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (l < 0)
		return refused_with(errno, "at=socket");
	if (bind(l, (struct sockaddr *)&sa, sizeof sa) < 0)
		return refused_with(errno, "at=bind");
	if (listen(l, 1) < 0 || getsockname(l, (struct sockaddr *)&sa, &len) < 0)
		return refused_with(errno, "at=listen");
	c = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (c < 0)
		return refused_with(errno, "at=socket");
	if (connect(c, (struct sockaddr *)&sa, sizeof sa) < 0)
		return refused_with(errno, "at=connect");
	a = accept(l, NULL, NULL);
	if (a < 0)
		return refused_with(errno, "at=accept");
	return ok("port=%u", ntohs(sa.sin_port));
}

static int
attack_unix_abstract(int argc, char **argv)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	size_t n;
	int fd;

	if (argc < 1 || (n = strlen(argv[0])) + 1 > sizeof sa.sun_path)
		return usage("unix-abstract NAME");
	memcpy(sa.sun_path + 1, argv[0], n);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return refused_with(errno, "at=socket");
	if (connect(fd, (struct sockaddr *)&sa, (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + n)) < 0)
		return refused_with(errno, NULL);
	close(fd);
	return ok(NULL);
}

/* The network interfaces there are, with whether each is up: "lo:down,eth0:up". */
static int
attack_ifaces(void)
{
	struct if_nameindex *ifs = if_nameindex(), *i;
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (!ifs || fd < 0)
		return setup_failed("if_nameindex");
	fputs("ok ifaces=", stdout);
	for (i = ifs; i->if_index; i++) {
		struct ifreq ifr = { 0 };

		snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "%s", i->if_name);
		if (ioctl(fd, SIOCGIFFLAGS, &ifr) < 0)
			ifr.ifr_flags = 0;
		printf("%s%s:%s", i == ifs ? "" : ",", i->if_name, (ifr.ifr_flags & IFF_UP) ? "up" : "down");
	}
	fputc('\n', stdout);
	if_freenameindex(ifs);
	close(fd);
	return 0;
}

static int
attack_socket(int argc, char **argv)
{
	static const struct {
		const char *name;
		int family, type, protocol;
	} fams[] = {
		{ "unix", AF_UNIX, SOCK_STREAM, 0 },
		{ "inet", AF_INET, SOCK_STREAM, 0 },
		{ "inet6", AF_INET6, SOCK_STREAM, 0 },
		{ "netlink", AF_NETLINK, SOCK_RAW, 0 /* NETLINK_ROUTE */ },
		{ "packet", AF_PACKET, SOCK_RAW, 0 },
		{ "alg", AF_ALG, SOCK_SEQPACKET, 0 },
		{ "key", AF_KEY, SOCK_RAW, 2 /* PF_KEY_V2 */ },
		{ "vsock", AF_VSOCK, SOCK_STREAM, 0 },
		{ "xdp", AF_XDP, SOCK_RAW, 0 },
		{ "bluetooth", AF_BLUETOOTH, SOCK_RAW, 0 },
		{ "can", AF_CAN, SOCK_RAW, 1 /* CAN_RAW */ },
		{ "tipc", AF_TIPC, SOCK_RDM, 0 },
		{ "appletalk", AF_APPLETALK, SOCK_DGRAM, 0 },
		{ "rds", AF_RDS, SOCK_SEQPACKET, 0 },
	};
	long fd;

	if (argc < 1)
		return usage("socket FAMILY [high]");
	for (size_t i = 0; i < sizeof fams / sizeof fams[0]; i++) {
		unsigned long family = (unsigned long)fams[i].family;

		if (strcmp(fams[i].name, argv[0]))
			continue;
		if (argc > 1 && !strcmp(argv[1], "high"))
			family |= HIGH_BITS;
		fd = syscall(SYS_socket, family, (unsigned long)(fams[i].type | SOCK_CLOEXEC),
			     (unsigned long)fams[i].protocol);
		if (fd < 0)
			return refused_with(errno, NULL);
		close((int)fd);
		return ok(NULL);
	}
	return usage("socket: no such family in vr-attack's table");
}

/* ---- terminals ------------------------------------------------------------------------ */

/* The descriptor to use: PATH opened, or standard input. */
static int
tty_fd(int argc, char **argv)
{
	if (argc > 0 && strcmp(argv[0], "-") && strcmp(argv[0], "high"))
		return open(argv[0], O_RDWR | O_NOCTTY | O_CLOEXEC);
	return 0;
}

static bool
has_word(int argc, char **argv, const char *word)
{
	for (int i = 0; i < argc; i++)
		if (!strcmp(argv[i], word))
			return true;
	return false;
}

/* Push a character into the terminal's input queue, as if typed: a harmless one. */
static int
attack_tiocsti(int argc, char **argv)
{
	unsigned long req = TIOCSTI;
	char c = '#';
	int fd = tty_fd(argc, argv);

	if (fd < 0)
		return setup_failed("open");
	if (has_word(argc, argv, "high"))
		req |= HIGH_BITS;
	return result(syscall(SYS_ioctl, fd, req, &c));
}

static int
attack_tioclinux(int argc, char **argv)
{
	unsigned long req = TIOCLINUX;
	char subcode = 0x7f; /* no such subcode */
	int fd = tty_fd(argc, argv);

	if (fd < 0)
		return setup_failed("open");
	if (has_word(argc, argv, "high"))
		req |= HIGH_BITS;
	return result(syscall(SYS_ioctl, fd, req, &subcode));
}

static int
attack_personality(int argc, char **argv)
{
	unsigned long v;

	if (argc < 1 || !parse_ulong(argv[0], &v))
		return usage("personality VALUE");
	return result(syscall(SYS_personality, v));
}

/* ---- other ABIs ----------------------------------------------------------------------- */

/* getpid through the i386 entry point. */
static int
attack_int80(void)
{
	long r = 20; /* __NR_getpid on i386 */

	__asm__ volatile("int $0x80" : "+a"(r) : : "memory");
	if (r < 0 && r > -4096) {
		errno = (int)-r;
		return refused_with(errno, NULL);
	}
	return ok(NULL);
}

static int
attack_x32(void)
{
	return result(syscall(A_X32_SYSCALL_BIT | A_X32_GETPID));
}

/* ---- main ----------------------------------------------------------------------------- */

int
main(int argc, char **argv)
{
	const char *a;

	if (argc < 2)
		return usage("usage: vr-attack ATTACK [ARGS...]");
	/* One line, even when the attempt kills the process right after. */
	setvbuf(stdout, NULL, _IOLBF, 0);
	a = argv[1];
	argc -= 2;
	argv += 2;
	if (!strcmp(a, "syscall"))
		return attack_syscall(argc, argv);
	if (!strcmp(a, "clone"))
		return attack_clone(argc, argv);
	if (!strcmp(a, "unshare"))
		return attack_unshare(argc, argv);
	if (!strcmp(a, "mount-tmpfs"))
		return attack_mount_tmpfs(argc, argv);
	if (!strcmp(a, "umount"))
		return attack_umount(argc, argv);
	if (!strcmp(a, "fsmount-tmpfs"))
		return attack_fsmount_tmpfs(argc, argv);
	if (!strcmp(a, "ptrace-attach"))
		return attack_ptrace(argc, argv, false);
	if (!strcmp(a, "ptrace-seize"))
		return attack_ptrace(argc, argv, true);
	if (!strcmp(a, "kill"))
		return attack_kill(argc, argv);
	if (!strcmp(a, "kill-group"))
		return attack_kill_group(argc, argv);
	if (!strcmp(a, "read"))
		return attack_read(argc, argv);
	if (!strcmp(a, "write"))
		return attack_write(argc, argv);
	if (!strcmp(a, "open-write"))
		return attack_open_write(argc, argv);
	if (!strcmp(a, "readlink"))
		return attack_readlink(argc, argv);
	if (!strcmp(a, "listdir"))
		return attack_listdir(argc, argv);
	if (!strcmp(a, "fsinfo"))
		return attack_fsinfo(argc, argv);
	if (!strcmp(a, "proc-escape"))
		return attack_proc_escape(argc, argv);
	if (!strcmp(a, "mknod"))
		return attack_mknod(argc, argv);
	if (!strcmp(a, "status"))
		return attack_status();
	if (!strcmp(a, "ids"))
		return attack_ids();
	if (!strcmp(a, "fds"))
		return attack_fds();
	if (!strcmp(a, "forkbomb"))
		return attack_forkbomb(argc, argv);
	if (!strcmp(a, "membomb"))
		return attack_membomb(argc, argv);
	if (!strcmp(a, "tcp-connect"))
		return attack_tcp_connect(argc, argv);
	if (!strcmp(a, "tcp-loopback"))
		return attack_tcp_loopback();
	if (!strcmp(a, "unix-abstract"))
		return attack_unix_abstract(argc, argv);
	if (!strcmp(a, "ifaces"))
		return attack_ifaces();
	if (!strcmp(a, "socket"))
		return attack_socket(argc, argv);
	if (!strcmp(a, "tiocsti"))
		return attack_tiocsti(argc, argv);
	if (!strcmp(a, "tioclinux"))
		return attack_tioclinux(argc, argv);
	if (!strcmp(a, "personality"))
		return attack_personality(argc, argv);
	if (!strcmp(a, "int80"))
		return attack_int80();
	if (!strcmp(a, "x32"))
		return attack_x32();
	return usage("no such attack");
}
