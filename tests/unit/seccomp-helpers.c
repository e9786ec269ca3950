/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The helpers the seccomp cases share (declared in seccomp-helpers.h): running a call in a
 * forked child under a filter, plans with a filter, what came of a call, the table of
 * probes for the default denials, and the calls made from more than one case file.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <seccomp.h>

#include "venvrun/plan.h"

#include "macro.h"
#include "testlib.h"

/* By path: with sandbox/ on the include path its seccomp.h would shadow libseccomp's. */
#include "../../sandbox/plan-internal.h"
#include "../../sandbox/seccomp.h"

#include "seccomp-helpers.h"

/*
 * Run fn in a forked child, under `filter` (NULL: none). The child starts its own session
 * (so that vhangup has no terminal to hang up) and sets no_new_privs, as the executor does
 * before loading the filter. It leaves with _exit: nothing of the test's process (atexit
 * handlers, the sanitizers' leak check, which needs ptrace) runs under the filter.
 */
struct outcome
run_in_child(const struct vr_plan_seccomp *filter, call_fn fn, const void *arg)
{
	struct outcome o = { 0 };
	int fds[2], status;
	pid_t pid;

	ck_assert_int_eq(pipe2(fds, O_CLOEXEC), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		struct vr_error e = VR_ERROR_INIT;
		long msg[2];

		setsid();
		if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
			_exit(90);
		if (filter && vr_seccomp_load(filter, &e) < 0)
			_exit(91);
		errno = 0;
		msg[0] = fn(arg);
		msg[1] = errno;
		_exit(write(fds[1], msg, sizeof msg) == sizeof msg ? 0 : 92);
	}
	close(fds[1]);
	{
		long msg[2];
		ssize_t n = read(fds[0], msg, sizeof msg);

		if (n == sizeof msg) {
			o.ret = msg[0];
			o.err = (int)msg[1];
		}
	}
	close(fds[0]);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	if (WIFSIGNALED(status)) {
		o.signaled = true;
		o.sig = WTERMSIG(status);
	} else {
		ck_assert_msg(WEXITSTATUS(status) == 0, "the child failed before the call (status %d)",
			      WEXITSTATUS(status));
	}
	return o;
}

struct vr_plan *
plan_with(const struct vr_seccomp_spec *spec, const char *cache_dir)
{
	struct vr_error e = VR_ERROR_INIT;
	struct vr_plan *p = NULL;
	int r;

	ck_assert_int_eq(vr_plan_new(&p, &e), 0);
	r = vr_plan_set_seccomp(p, spec, cache_dir, &e);
	ck_assert_msg(r == 0, "vr_plan_set_seccomp: %s: %s", e.where, e.message);
	ck_assert_ptr_nonnull(p->seccomp.insns);
	return p;
}

struct vr_plan *
default_plan(void)
{
	static const struct vr_seccomp_spec spec = { .base = true };

	return plan_with(&spec, NULL);
}

/* A raw system call with up to six arguments, as data. */
struct sys_call {
	long nr;
	long a[6];
};

static long
do_syscall(const void *arg)
{
	const struct sys_call *c = arg;

	return syscall(c->nr, c->a[0], c->a[1], c->a[2], c->a[3], c->a[4], c->a[5]);
}

struct outcome
syscall_in_child(const struct vr_plan *p, long nr, long a0, long a1, long a2, long a3, long a4)
{
	struct sys_call c = { nr, { a0, a1, a2, a3, a4, 0 } };

	return run_in_child(p ? &p->seccomp : NULL, do_syscall, &c);
}

void
assert_refused(struct outcome o, int err, const char *what)
{
	ck_assert_msg(!o.signaled, "%s: killed by signal %d", what, o.sig);
	ck_assert_msg(o.ret == -1 && o.err == err, "%s: returned %ld, errno %d (%s), expected errno %d (%s)", what,
		      o.ret, o.err, strerror(o.err), err, strerror(err));
}

void
assert_passed(struct outcome o, const char *what)
{
	ck_assert_msg(!o.signaled, "%s: killed by signal %d", what, o.sig);
	ck_assert_msg(o.ret >= 0, "%s: refused with errno %d (%s)", what, o.err, strerror(o.err));
}

void
assert_killed(struct outcome o, const char *what)
{
	ck_assert_msg(o.signaled && o.sig == SIGSYS, "%s: %s %d, expected death by SIGSYS", what,
		      o.signaled ? "killed by signal" : "returned", o.signaled ? o.sig : (int)o.ret);
}

/*
 * One harmless call per default denial: each fails early without the filter. A name the
 * table gains must gain a probe here (probes_cover_the_table checks).
 */
#define PROBE(n, ...)               \
	{                           \
#n, SYS_##n,        \
		{                   \
			__VA_ARGS__ \
		}                   \
	}

static const struct probe probes[] = {
	PROBE(init_module, 0, 0, BAD),				/* ENOEXEC: shorter than an ELF header */
	PROBE(finit_module, -1, BAD, 0),			/* EBADF */
	PROBE(delete_module, BAD, 0),				/* EFAULT */
	PROBE(kexec_load, 0, 100000, 0, (long)0xffff0000),	/* EINVAL: foreign arch, too many segments */
	PROBE(kexec_file_load, -1, -1, 0, 0, (long)0x80000000), /* EINVAL: unknown flag */
	PROBE(reboot, 0, 0, 0, 0),				/* EINVAL: bad magic */
	PROBE(swapon, BAD, 0x7fffffff),				/* EINVAL: unknown flags */
	PROBE(swapoff, BAD),					/* EFAULT */
	PROBE(acct, BAD),					/* EFAULT (NULL would turn accounting off) */
	PROBE(syslog, 9999, 0, 0),				/* EINVAL */
	PROBE(vhangup),						/* 0: no controlling terminal (setsid) */
#ifdef SYS__sysctl
	PROBE(_sysctl, BAD), /* ENOSYS on current kernels */
#endif
#ifdef SYS_uselib
	PROBE(uselib, BAD),
#endif
#ifdef SYS_ustat
	PROBE(ustat, 0, BAD), /* EINVAL: no such device */
#endif
#ifdef SYS_sysfs
	PROBE(sysfs, 99), /* EINVAL */
#endif
	PROBE(settimeofday, BAD, BAD),	       /* EFAULT */
	PROBE(clock_settime, 0x7fffffff, BAD), /* EINVAL: no such clock */
	PROBE(clock_adjtime, 0x7fffffff, BAD), /* EINVAL */
	PROBE(adjtimex, BAD),		       /* EFAULT */
#ifdef SYS_clock_settime64
	PROBE(clock_settime64, 0x7fffffff, BAD),
#endif
#ifdef SYS_clock_adjtime64
	PROBE(clock_adjtime64, 0x7fffffff, BAD),
#endif
#ifdef SYS_stime
	PROBE(stime, BAD),
#endif
	PROBE(mount, BAD, BAD, BAD, 0, 0), /* EFAULT */
#ifdef SYS_umount
	PROBE(umount, BAD),
#endif
	PROBE(umount2, BAD, 0xffff),		    /* EINVAL: unknown flags */
	PROBE(pivot_root, BAD, BAD),		    /* EFAULT */
	PROBE(chroot, BAD),			    /* EFAULT */
	PROBE(unshare, 1),			    /* EINVAL: not an unshare flag */
	PROBE(setns, -1, 0),			    /* EBADF */
	PROBE(quotactl, 0x7f, BAD, 0, 0),	    /* EINVAL: quota type 127 */
	PROBE(quotactl_fd, -1, 0x7f, 0, 0),	    /* EBADF or EINVAL */
	PROBE(add_key, BAD, BAD, 0, 0, 0),	    /* EFAULT */
	PROBE(keyctl, 9999, 0, 0, 0, 0),	    /* EOPNOTSUPP */
	PROBE(request_key, BAD, BAD, 0, 0),	    /* EFAULT */
	PROBE(ptrace, 0x7fff, -1, 0, 0),	    /* ESRCH */
	PROBE(process_vm_readv, 0, 0, 0, 0, 0, 1),  /* EINVAL: flags */
	PROBE(process_vm_writev, 0, 0, 0, 0, 0, 1), /* EINVAL: flags */
	PROBE(kcmp, -1, -1, 0, 0, 0),		    /* ESRCH */
	PROBE(pidfd_getfd, -1, -1, 0),		    /* EBADF */
	PROBE(perf_event_open, BAD, 0, -1, -1, 0),  /* EFAULT */
	PROBE(bpf, 9999, 0, 0),			    /* EINVAL */
	PROBE(fanotify_init, (long)0xffffffff, 0),  /* EINVAL */
	PROBE(userfaultfd, (long)0xffffffff),	    /* EINVAL */
	PROBE(open_by_handle_at, -1, BAD, 0),	    /* EFAULT or EBADF */
	PROBE(io_uring_setup, 0, BAD),		    /* EINVAL or EFAULT */
	PROBE(io_uring_enter, -1, 0, 0, 0, 0, 0),   /* EBADF */
	PROBE(io_uring_register, -1, 0, 0, 0),	    /* EBADF */
#ifdef SYS_iopl
	PROBE(iopl, 99), /* EINVAL: level above 3 */
#endif
#ifdef SYS_ioperm
	PROBE(ioperm, -1, 1, 0), /* EINVAL: beyond the port range */
#endif
#ifdef SYS_modify_ldt
	PROBE(modify_ldt, 99, 0, 0), /* ENOSYS: no such function */
#endif
#ifdef SYS_vm86
	PROBE(vm86, -1, 0),
#endif
#ifdef SYS_vm86old
	PROBE(vm86old, BAD),
#endif
	/* The ENOSYS group: each gives EINVAL without the filter. */
	PROBE(clone3, 0, 0),
	PROBE(fsopen, BAD, (long)0xffffffff),
	PROBE(fsconfig, -1, 0xffff, 0, 0, 0),
	PROBE(fsmount, -1, (long)0xffffffff, 0),
	PROBE(fspick, -1, BAD, (long)0xffffffff),
	PROBE(move_mount, -1, BAD, -1, BAD, (long)0xffffffff),
	PROBE(open_tree, -1, BAD, (long)0xffffffff),
	PROBE(mount_setattr, -1, BAD, (long)0xffffffff, 0, 0),
};

const struct probe *
probe_for(const char *name)
{
	for (size_t i = 0; i < ELEMENTSOF(probes); i++)
		if (streq(probes[i].name, name))
			return &probes[i];
	return NULL;
}

struct outcome
run_probe(const struct vr_plan *p, const struct probe *pr)
{
	struct sys_call c = { pr->nr, { pr->a[0], pr->a[1], pr->a[2], pr->a[3], pr->a[4], pr->a[5] } };

	return run_in_child(p ? &p->seccomp : NULL, do_syscall, &c);
}

long
raw_clone(const void *arg)
{
	long flags = *(const long *)arg;
	/* fork-style: no new stack, so the child returns here and leaves at once. */
#if defined(__s390__)
	long r = syscall(SYS_clone, 0, flags, 0, 0, 0);
#else
	long r = syscall(SYS_clone, flags, 0, 0, 0, 0);
#endif
	if (r == 0)
		_exit(0);
	if (r > 0) {
		int saved = errno;
		waitpid((pid_t)r, NULL, 0);
		errno = saved;
	}
	return r;
}

static long
socket_and_close(const void *arg)
{
	const long *a = arg;
	long fd = syscall(SYS_socket, a[0], a[1], a[2]);

	if (fd >= 0)
		close((int)fd);
	return fd;
}

struct outcome
try_socket(const struct vr_plan *p, long family, long type, long proto)
{
	long a[3] = { family, type, proto };

	return run_in_child(p ? &p->seccomp : NULL, socket_and_close, a);
}

#if defined(__x86_64__)
/* getpid through the x32 ABI: the x86_64 number with __X32_SYSCALL_BIT. */
long
x32_getpid(const void *arg)
{
	(void)arg;
	return syscall(0x40000000L | SYS_getpid);
}
#endif
