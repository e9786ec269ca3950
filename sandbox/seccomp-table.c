/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The default system call filter (DESIGN.md §4) as data: what a sandboxed program may not
 * do even though the namespaces already stop most of it. The kernel surface these calls
 * expose (module loading, the keyring, io_uring, bpf, ptrace, new mounts) is where
 * container escapes keep being found, and ordinary Python programs never need them.
 *
 * Changing this table changes the compiled filter: bump VR_SECCOMP_TABLE_VERSION
 * (seccomp.h) so that cached filters compiled from the old table are not reused.
 */
#include "config.h"

#include <errno.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include "macro.h"

#include "seccomp.h"

#ifndef CLONE_NEWCGROUP
#define CLONE_NEWCGROUP 0x02000000
#endif
#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

/* clone(2)'s flags are its first argument, except on s390, whose clone takes the stack
 * first (CLONE_BACKWARDS2). */
#if defined(__s390__)
#define CLONE_FLAGS_ARG 1
#else
#define CLONE_FLAGS_ARG 0
#endif

/* Any new namespace: the sandbox's own are the only ones a program gets. (unshare and
 * setns are refused outright, clone3 with ENOSYS so that libc falls back to clone.) */
static const uint64_t clone_new_flags[] = {
	CLONE_NEWNS,   CLONE_NEWCGROUP, CLONE_NEWUTS, CLONE_NEWIPC,
	CLONE_NEWUSER, CLONE_NEWPID,	CLONE_NEWNET, CLONE_NEWTIME,
};

/* Terminal injection: TIOCSTI pushes input into a terminal the program shares with the
 * caller, TIOCLINUX can do the same through the console's selection. The kernel reads the
 * request as 32 bits, so only those are compared: garbage above them must not let a call
 * slip past. */
static const uint64_t tty_inject_requests[] = { TIOCSTI, TIOCLINUX };

/* The families Python's standard library uses; the rest (packet sockets, bluetooth, vsock,
 * the crypto API, ...) are kernel surface a program does not need. */
static const uint64_t socket_families[] = { AF_UNIX, AF_INET, AF_INET6, AF_NETLINK };

/* PER_LINUX, PER_LINUX32, UNAME26, PER_LINUX32|UNAME26 and the query 0xffffffff: other
 * personalities turn off address space randomisation (ADDR_NO_RANDOMIZE) or change how
 * the kernel treats the process (READ_IMPLIES_EXEC, MMAP_PAGE_ZERO). Sorted. */
static const uint64_t personalities[] = { 0x0, 0x8, 0x20000, 0x20008, 0xffffffff };

#define DENY(n)                                                                 \
	{                                                                       \
		.name = (n), .errno_value = EPERM, .args = VR_SECCOMP_ARGS_NONE \
	}
#define NOSYS(n)                                                                 \
	{                                                                        \
		.name = (n), .errno_value = ENOSYS, .args = VR_SECCOMP_ARGS_NONE \
	}
#define DENY_ARGS(n, kind, pos, list)                                                              \
	{                                                                                          \
		.name = (n), .errno_value = EPERM, .args = (kind), .arg = (pos), .values = (list), \
		.n_values = ELEMENTSOF(list)                                                       \
	}

const struct vr_seccomp_base vr_seccomp_base_table[] = {
	/* The kernel, its modules and the machine. */
	DENY("init_module"),
	DENY("finit_module"),
	DENY("delete_module"),
	DENY("kexec_load"),
	DENY("kexec_file_load"),
	DENY("reboot"),
	DENY("swapon"),
	DENY("swapoff"),
	DENY("acct"),
	DENY("syslog"),
	DENY("vhangup"),
	DENY("_sysctl"),
	DENY("uselib"),
	DENY("ustat"),
	DENY("sysfs"),

	/* The clock is the host's. */
	DENY("settimeofday"),
	DENY("clock_settime"),
	DENY("clock_settime64"),
	DENY("clock_adjtime"),
	DENY("clock_adjtime64"),
	DENY("adjtimex"),
	DENY("stime"),

	/* Mounts and namespaces: the plan made the program's view; it does not get to
	 * change it. */
	DENY("mount"),
	DENY("umount"),
	DENY("umount2"),
	DENY("pivot_root"),
	DENY("chroot"),
	DENY("unshare"),
	DENY("setns"),
	DENY("quotactl"),
	DENY("quotactl_fd"),

	/* The keyring is not namespaced. */
	DENY("add_key"),
	DENY("keyctl"),
	DENY("request_key"),

	/* Other processes' memory, kernel tracing and the large, often-exploited kernel
	 * interfaces. */
	DENY("ptrace"),
	DENY("process_vm_readv"),
	DENY("process_vm_writev"),
	DENY("kcmp"),
	DENY("pidfd_getfd"),
	DENY("perf_event_open"),
	DENY("bpf"),
	DENY("fanotify_init"),
	DENY("userfaultfd"),
	DENY("open_by_handle_at"),
	DENY("io_uring_setup"),
	DENY("io_uring_enter"),
	DENY("io_uring_register"),

	/* x86 I/O ports, segments and virtual 8086 mode. */
	DENY("iopl"),
	DENY("ioperm"),
	DENY("modify_ldt"),
	DENY("vm86"),
	DENY("vm86old"),

	/* ENOSYS rather than EPERM: glibc (pthread_create, posix_spawn) tries clone3 first
	 * and falls back to clone on ENOSYS, whose flags the filter can see (clone3 passes
	 * them in memory, which seccomp cannot read). The new mount API has the same
	 * fallback in libmount. */
	NOSYS("clone3"),
	NOSYS("fsopen"),
	NOSYS("fsconfig"),
	NOSYS("fsmount"),
	NOSYS("fspick"),
	NOSYS("move_mount"),
	NOSYS("open_tree"),
	NOSYS("mount_setattr"),

	/* Argument rules. */
	DENY_ARGS("clone", VR_SECCOMP_ARGS_ANY_BIT, CLONE_FLAGS_ARG, clone_new_flags),
	DENY_ARGS("ioctl", VR_SECCOMP_ARGS_LOW32, 1, tty_inject_requests),
	DENY_ARGS("socket", VR_SECCOMP_ARGS_ONLY, 0, socket_families),
	DENY_ARGS("personality", VR_SECCOMP_ARGS_ONLY, 0, personalities),
};

const size_t vr_seccomp_base_count = ELEMENTSOF(vr_seccomp_base_table);

const struct vr_seccomp_base *
vr_seccomp_base_find(const char *name)
{
	for (size_t i = 0; i < vr_seccomp_base_count; i++)
		if (streq(vr_seccomp_base_table[i].name, name))
			return &vr_seccomp_base_table[i];
	return NULL;
}
