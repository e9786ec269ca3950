/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * vr-attack's attacks on the seccomp filter: the system calls it denies (each with
 * harmless arguments), socket families, terminal ioctls and personality values (also with
 * the high half of the argument set), and system calls through the other x86 ABIs.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/timex.h>
#include <time.h>
#include <unistd.h>

#include "vr-attack.h"

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

int
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

int
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
int
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

int
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

int
attack_personality(int argc, char **argv)
{
	unsigned long v;

	if (argc < 1 || !parse_ulong(argv[0], &v))
		return usage("personality VALUE");
	return result(syscall(SYS_personality, v));
}

/* ---- other ABIs ----------------------------------------------------------------------- */

/* getpid through the i386 entry point. */
int
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

int
attack_x32(void)
{
	return result(syscall(A_X32_SYSCALL_BIT | A_X32_GETPID));
}
