/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The system call filter of the default policy, attacked from inside: every call it
 * denies, the argument rules (clone and unshare with new namespaces, terminal ioctls,
 * socket families, personality), and calls through another ABI. Each case runs vr-attack
 * inside the sandbox, as the caller and as nobody, and asserts the exact refusal; a
 * control runs the same attempt outside as root and shows a different result, so that a
 * case cannot pass because the host refuses it anyway. The arguments are harmless:
 * outside, the calls fail with EINVAL, EFAULT, EBADF or ENOENT, or succeed doing nothing.
 */
#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "macro.h"

#include "sectest.h"

enum expect {
	REFUSED, /* refused with `errname` */
	ALLOWED, /* ok: the filter lets it through (the rule is not "deny everything") */
	KILLED,	 /* killed by SIGSYS */
};

struct attack {
	const char *args[4]; /* vr-attack ATTACK ARGS */
	enum expect expect;
	const char *errname;
	bool control; /* run it outside as root too, and see a different result */
};

#define DENIED(name)                                        \
	{                                                   \
		{ "syscall", name }, REFUSED, "EPERM", true \
	}
#define ENOSYS_(name)                                        \
	{                                                    \
		{ "syscall", name }, REFUSED, "ENOSYS", true \
	}

static const struct attack attacks[] = {
	/* Kernel, modules and boot. */
	DENIED("init_module"),
	DENIED("finit_module"),
	DENIED("delete_module"),
	DENIED("kexec_load"),
	DENIED("kexec_file_load"),
	DENIED("reboot"),
	DENIED("swapon"),
	DENIED("swapoff"),
	DENIED("acct"),
	DENIED("syslog"),
	DENIED("vhangup"),
	DENIED("_sysctl"),
	DENIED("uselib"),
	DENIED("ustat"),
	DENIED("sysfs"),
	/* The clock. */
	DENIED("settimeofday"),
	DENIED("clock_settime"),
	DENIED("clock_adjtime"),
	DENIED("adjtimex"),
	/* Mounts and namespaces. */
	DENIED("mount"),
	DENIED("umount2"),
	DENIED("pivot_root"),
	DENIED("chroot"),
	DENIED("unshare"),
	DENIED("setns"),
	DENIED("quotactl"),
	/* The keyring. */
	DENIED("add_key"),
	DENIED("keyctl"),
	DENIED("request_key"),
	/* Other processes' memory and descriptors. */
	DENIED("ptrace"),
	DENIED("process_vm_readv"),
	DENIED("process_vm_writev"),
	DENIED("kcmp"),
	DENIED("pidfd_getfd"),
	/* Kernel interfaces with a record of exploits. */
	DENIED("perf_event_open"),
	DENIED("bpf"),
	DENIED("fanotify_init"),
	DENIED("userfaultfd"),
	DENIED("open_by_handle_at"),
	DENIED("io_uring_setup"),
	DENIED("io_uring_enter"),
	DENIED("io_uring_register"),
	DENIED("iopl"),
	DENIED("ioperm"),
	DENIED("modify_ldt"),
	/* ENOSYS, so that libc falls back to clone() and mount(). */
	ENOSYS_("clone3"),
	ENOSYS_("fsopen"),
	ENOSYS_("fsconfig"),
	ENOSYS_("fsmount"),
	ENOSYS_("fspick"),
	ENOSYS_("move_mount"),
	ENOSYS_("open_tree"),
	ENOSYS_("mount_setattr"),

	/* clone() with any new namespace; without one it works (threads, fork). The high
	 * half of the flags is ignored by the kernel and must not get a call through. */
	{ { "clone", "user" }, REFUSED, "EPERM", true },
	{ { "clone", "mnt" }, REFUSED, "EPERM", true },
	{ { "clone", "net" }, REFUSED, "EPERM", true },
	{ { "clone", "pid" }, REFUSED, "EPERM", true },
	{ { "clone", "uts" }, REFUSED, "EPERM", true },
	{ { "clone", "ipc" }, REFUSED, "EPERM", true },
	{ { "clone", "cgroup" }, REFUSED, "EPERM", true },
	{ { "clone", "user", "high" }, REFUSED, "EPERM", true },
	{ { "clone", "none" }, ALLOWED, NULL, false },
	{ { "clone", "none", "high" }, ALLOWED, NULL, false },
	/* unshare() of each namespace: nested namespaces. */
	{ { "unshare", "user" }, REFUSED, "EPERM", true },
	{ { "unshare", "mnt" }, REFUSED, "EPERM", true },
	{ { "unshare", "net" }, REFUSED, "EPERM", true },
	{ { "unshare", "pid" }, REFUSED, "EPERM", true },
	{ { "unshare", "uts" }, REFUSED, "EPERM", true },
	{ { "unshare", "ipc" }, REFUSED, "EPERM", true },
	{ { "unshare", "cgroup" }, REFUSED, "EPERM", true },

	/* Terminal injection by ioctl, whatever the descriptor (here /dev/null: outside it
	 * is ENOTTY), and with the high half of the request set (the kernel compares 32
	 * bits). tests/security/test-limits.c tries TIOCSTI on a real terminal. */
	{ { "tiocsti", "/dev/null" }, REFUSED, "EPERM", true },
	{ { "tiocsti", "/dev/null", "high" }, REFUSED, "EPERM", true },
	{ { "tioclinux", "/dev/null" }, REFUSED, "EPERM", true },
	{ { "tioclinux", "/dev/null", "high" }, REFUSED, "EPERM", true },

	/* Socket families: unix, inet, inet6 and netlink only. */
	{ { "socket", "unix" }, ALLOWED, NULL, false },
	{ { "socket", "inet" }, ALLOWED, NULL, false },
	{ { "socket", "inet6" }, ALLOWED, NULL, false },
	{ { "socket", "netlink" }, ALLOWED, NULL, false },
	{ { "socket", "packet" }, REFUSED, "EPERM", true },
	{ { "socket", "packet", "high" }, REFUSED, "EPERM", true },
	{ { "socket", "alg" }, REFUSED, "EPERM", true },
	{ { "socket", "key" }, REFUSED, "EPERM", true },
	{ { "socket", "vsock" }, REFUSED, "EPERM", true },
	{ { "socket", "xdp" }, REFUSED, "EPERM", true },
	{ { "socket", "bluetooth" }, REFUSED, "EPERM", true },
	{ { "socket", "can" }, REFUSED, "EPERM", true },
	{ { "socket", "tipc" }, REFUSED, "EPERM", true },
	{ { "socket", "appletalk" }, REFUSED, "EPERM", true },
	{ { "socket", "rds" }, REFUSED, "EPERM", true },

	/* personality(): the harmless values pass; ADDR_NO_RANDOMIZE (ASLR off),
	 * READ_IMPLIES_EXEC, and a harmless value with high bits set do not. */
	{ { "personality", "0" }, ALLOWED, NULL, false },
	{ { "personality", "8" }, ALLOWED, NULL, false },
	{ { "personality", "0x20000" }, ALLOWED, NULL, false },
	{ { "personality", "0x20008" }, ALLOWED, NULL, false },
	{ { "personality", "0xffffffff" }, ALLOWED, NULL, false },
	{ { "personality", "0x40000" }, REFUSED, "EPERM", true },
	{ { "personality", "0x400000" }, REFUSED, "EPERM", true },
	{ { "personality", "0x100040000" }, REFUSED, "EPERM", true },
	{ { "personality", "0x100000000" }, REFUSED, "EPERM", true },

	/* Another ABI: the i386 entry point and x32 system call numbers. */
	{ { "int80" }, KILLED, NULL, true },
	{ { "x32" }, KILLED, NULL, true },
};

static void
one(enum s_who who, int i)
{
	const struct attack *a = &attacks[i];
	_cleanup_free_ char *inside = NULL;
	struct s_res in, out;

	if (!s_begin(who))
		return;
	in = s_in(NULL, a->args[0], a->args[1], a->args[2], a->args[3], NULL);
	switch (a->expect) {
	case REFUSED:
		s_assert_refused(&in, a->errname);
		inside = t_strdupf("refused errno=%s", a->errname);
		break;
	case ALLOWED:
		s_assert_ok(&in);
		inside = strdup("ok");
		break;
	case KILLED:
		s_assert_killed(&in, SIGSYS);
		inside = strdup("killed");
		break;
	}
	if (a->control) {
		out = s_out(true, a->args[0], a->args[1], a->args[2], a->args[3], NULL);
		s_assert_differs(&out, inside);
		s_res_done(&out);
	}
	s_res_done(&in);
}

START_TEST(filter_as_caller)
{
	one(S_AS_CALLER, _i);
}
END_TEST

START_TEST(filter_as_nobody)
{
	one(S_AS_NOBODY, _i);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("security-syscalls");

	s_add_loop(s, "filter_as_caller", &filter_as_caller, (int)ELEMENTSOF(attacks));
	s_add_loop(s, "filter_as_nobody", &filter_as_nobody, (int)ELEMENTSOF(attacks));
	return s_main(s);
}
