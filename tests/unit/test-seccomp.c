/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * sandbox/seccomp.c: the compiled system call filter, loaded for real in forked children.
 * Every default denial is called with harmless invalid arguments under the filter (it must
 * refuse) and without it (it must not, or the test could not fail); then the argument
 * rules, other ABIs, the policy's rules, audit mode, the cache, and Python's standard
 * library under the default filter.
 *
 * The calls made without the filter are chosen so that they fail before doing anything
 * (bad pointers, bad magic numbers, invalid flags, descriptor -1): these tests run as root.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/filter.h>
#include <linux/seccomp.h>

#include <seccomp.h>

#include "venvrun/plan.h"

#include "macro.h"
#include "testlib.h"

/* By path: with sandbox/ on the include path its seccomp.h would shadow libseccomp's. */
#include "../../sandbox/plan-internal.h"
#include "../../sandbox/seccomp.h"

#define BAD 1L /* a pointer no call can read */

/* What a call did in a child: returned (ret, and errno when ret is -1) or died of a signal. */
struct outcome {
	bool signaled;
	int sig;
	long ret;
	int err;
};

typedef long (*call_fn)(const void *arg);

/*
 * Run fn in a forked child, under `filter` (NULL: none). The child starts its own session
 * (so that vhangup has no terminal to hang up) and sets no_new_privs, as the executor does
 * before loading the filter. It leaves with _exit: nothing of the test's process (atexit
 * handlers, the sanitizers' leak check, which needs ptrace) runs under the filter.
 */
static struct outcome
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

static struct vr_plan *
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

static struct vr_plan *
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

static struct outcome
call(const struct vr_plan *p, long nr, long a0, long a1, long a2, long a3, long a4)
{
	struct sys_call c = { nr, { a0, a1, a2, a3, a4, 0 } };

	return run_in_child(p ? &p->seccomp : NULL, do_syscall, &c);
}

static void
assert_refused(struct outcome o, int err, const char *what)
{
	ck_assert_msg(!o.signaled, "%s: killed by signal %d", what, o.sig);
	ck_assert_msg(o.ret == -1 && o.err == err, "%s: returned %ld, errno %d (%s), expected errno %d (%s)", what,
		      o.ret, o.err, strerror(o.err), err, strerror(err));
}

static void
assert_passed(struct outcome o, const char *what)
{
	ck_assert_msg(!o.signaled, "%s: killed by signal %d", what, o.sig);
	ck_assert_msg(o.ret >= 0, "%s: refused with errno %d (%s)", what, o.err, strerror(o.err));
}

static void
assert_killed(struct outcome o, const char *what)
{
	ck_assert_msg(o.signaled && o.sig == SIGSYS, "%s: %s %d, expected death by SIGSYS", what,
		      o.signaled ? "killed by signal" : "returned", o.signaled ? o.sig : (int)o.ret);
}

/*
 * One harmless call per default denial: each fails early without the filter. A name the
 * table gains must gain a probe here (probes_cover_the_table checks).
 */
struct probe {
	const char *name;
	long nr;
	long a[6];
};
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

static const struct probe *
probe_for(const char *name)
{
	for (size_t i = 0; i < ELEMENTSOF(probes); i++)
		if (streq(probes[i].name, name))
			return &probes[i];
	return NULL;
}

static struct outcome
run_probe(const struct vr_plan *p, const struct probe *pr)
{
	struct sys_call c = { pr->nr, { pr->a[0], pr->a[1], pr->a[2], pr->a[3], pr->a[4], pr->a[5] } };

	return run_in_child(p ? &p->seccomp : NULL, do_syscall, &c);
}

START_TEST(probes_cover_the_table)
{
	for (size_t i = 0; i < vr_seccomp_base_count; i++) {
		const struct vr_seccomp_base *b = &vr_seccomp_base_table[i];
		const struct probe *pr = probe_for(b->name);
		int nr = seccomp_syscall_resolve_name(b->name);

		ck_assert_msg(nr != __NR_SCMP_ERROR, "%s: not a name libseccomp knows", b->name);
		if (b->args != VR_SECCOMP_ARGS_NONE)
			continue; /* the argument rules have their own tests */
		if (nr < 0) {
			ck_assert_msg(!pr, "%s: a probe, but libseccomp has no such call here", b->name);
			continue;
		}
		ck_assert_msg(pr, "%s: no probe for this default denial", b->name);
		ck_assert_int_eq(pr->nr, nr);
	}
}
END_TEST

START_TEST(every_default_denial_refuses)
{
	struct vr_plan *p = default_plan();
	size_t checked = 0;

	for (size_t i = 0; i < vr_seccomp_base_count; i++) {
		const struct vr_seccomp_base *b = &vr_seccomp_base_table[i];
		const struct probe *pr = probe_for(b->name);
		struct outcome in, out;

		if (b->args != VR_SECCOMP_ARGS_NONE || !pr)
			continue;
		in = run_probe(p, pr);
		assert_refused(in, b->errno_value, b->name);
		/* Without the filter: a different answer, so the assertion above can fail. A
		 * capability check may already say EPERM (lockdown, a sysctl): no proof then. */
		out = run_probe(NULL, pr);
		ck_assert_msg(!out.signaled, "%s unfiltered: killed by signal %d", b->name, out.sig);
		if (out.ret == -1 && out.err == EPERM && b->errno_value == EPERM) {
			fprintf(stderr, "note: %s gives EPERM without the filter too\n", b->name);
		} else {
			ck_assert_msg(!(out.ret == -1 && out.err == b->errno_value),
				      "%s gives errno %d without the filter too", b->name, out.err);
		}
		checked++;
	}
	ck_assert_uint_ge(checked, 50);
	vr_plan_free(p);
}
END_TEST

#ifndef CLONE_NEWUSER
#define CLONE_NEWUSER 0x10000000
#endif

static long
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

START_TEST(clone_with_a_new_namespace_is_refused)
{
	struct vr_plan *p = default_plan();
	long newuser = CLONE_NEWUSER | SIGCHLD, plain = SIGCHLD;

	assert_refused(run_in_child(&p->seccomp, raw_clone, &newuser), EPERM, "clone(CLONE_NEWUSER)");
	assert_passed(run_in_child(NULL, raw_clone, &newuser), "clone(CLONE_NEWUSER) unfiltered");
	assert_passed(run_in_child(&p->seccomp, raw_clone, &plain), "clone(SIGCHLD)");
	vr_plan_free(p);
}
END_TEST

START_TEST(terminal_injection_is_refused)
{
	struct vr_plan *p = default_plan();
	int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	char c = 'x';
	long high = (long)((unsigned long)TIOCSTI | (1UL << 32));

	ck_assert_int_ge(fd, 0);
	assert_refused(call(p, SYS_ioctl, fd, TIOCSTI, (long)&c, 0, 0), EPERM, "TIOCSTI");
	assert_refused(call(p, SYS_ioctl, fd, high, (long)&c, 0, 0), EPERM, "TIOCSTI | 1 << 32");
	assert_refused(call(p, SYS_ioctl, fd, TIOCLINUX, (long)&c, 0, 0), EPERM, "TIOCLINUX");
	/* Without the filter the kernel reads only the low 32 bits: both are TIOCSTI, which a
	 * non-terminal refuses with ENOTTY. */
	assert_refused(call(NULL, SYS_ioctl, fd, TIOCSTI, (long)&c, 0, 0), ENOTTY, "TIOCSTI unfiltered");
	assert_refused(call(NULL, SYS_ioctl, fd, high, (long)&c, 0, 0), ENOTTY, "TIOCSTI | 1 << 32 unfiltered");
	/* Other requests pass through to the kernel. */
	assert_refused(call(p, SYS_ioctl, fd, TCGETS, BAD, 0, 0), ENOTTY, "TCGETS");
	close(fd);
	vr_plan_free(p);
}
END_TEST

static long
socket_and_close(const void *arg)
{
	const long *a = arg;
	long fd = syscall(SYS_socket, a[0], a[1], a[2]);

	if (fd >= 0)
		close((int)fd);
	return fd;
}

static struct outcome
try_socket(const struct vr_plan *p, long family, long type, long proto)
{
	long a[3] = { family, type, proto };

	return run_in_child(p ? &p->seccomp : NULL, socket_and_close, a);
}

START_TEST(socket_families_outside_the_list_are_refused)
{
	struct vr_plan *p = default_plan();
	static const long refused[] = {
		AF_UNSPEC, AF_PACKET, AF_BLUETOOTH, AF_ALG,	  AF_VSOCK,	    3, 9, 11, 15,
		17,	   0xffff,    0x100000001L, 0x100000000L, (long)0xffffffff, -1
	};
	static const long allowed[][3] = {
		{ AF_UNIX, SOCK_STREAM, 0 },
		{ AF_INET, SOCK_DGRAM, 0 },
		{ AF_INET6, SOCK_DGRAM, 0 },
		{ AF_NETLINK, SOCK_RAW, 0 /* NETLINK_ROUTE */ },
	};

	for (size_t i = 0; i < ELEMENTSOF(refused); i++) {
		char what[64];

		snprintf(what, sizeof what, "socket family %#lx", refused[i]);
		assert_refused(try_socket(p, refused[i], SOCK_RAW, 0), EPERM, what);
	}
	/* Without the filter root gets a packet socket, and the kernel reads the family as
	 * an int: 0x100000001 is AF_UNIX there. */
	assert_passed(try_socket(NULL, AF_PACKET, SOCK_RAW, 0), "AF_PACKET unfiltered");
	assert_passed(try_socket(NULL, 0x100000001L, SOCK_STREAM, 0), "family 0x100000001 unfiltered");
	for (size_t i = 0; i < ELEMENTSOF(allowed); i++) {
		struct outcome in = try_socket(p, allowed[i][0], allowed[i][1], allowed[i][2]);
		struct outcome out = try_socket(NULL, allowed[i][0], allowed[i][1], allowed[i][2]);

		/* Whatever the kernel answers (IPv6 may be off), the filter does not change it. */
		ck_assert_msg(in.ret == out.ret && (in.ret >= 0 || in.err == out.err) && !in.signaled,
			      "family %ld: %ld/%d under the filter, %ld/%d without", allowed[i][0], in.ret, in.err,
			      out.ret, out.err);
		if (allowed[i][0] == AF_UNIX || allowed[i][0] == AF_INET)
			assert_passed(in, "AF_UNIX or AF_INET");
	}
	vr_plan_free(p);
}
END_TEST

#define ADDR_NO_RANDOMIZE_ 0x0040000

START_TEST(personality_changes_are_refused)
{
	struct vr_plan *p = default_plan();
	static const long refused[] = { ADDR_NO_RANDOMIZE_,
					0x0400000 /* READ_IMPLIES_EXEC */,
					1,
					7,
					9,
					0x1ffff,
					0x20001,
					0x20007,
					0x20009,
					(long)0xfffffffe,
					0x100000000L,
					-1 };
	static const long allowed[] = { 0, 8, 0x20000, 0x20008, (long)0xffffffff };

	for (size_t i = 0; i < ELEMENTSOF(refused); i++) {
		char what[64];

		snprintf(what, sizeof what, "personality(%#lx)", refused[i]);
		assert_refused(call(p, SYS_personality, refused[i], 0, 0, 0, 0), EPERM, what);
	}
	assert_passed(call(NULL, SYS_personality, ADDR_NO_RANDOMIZE_, 0, 0, 0, 0), "ADDR_NO_RANDOMIZE unfiltered");
	for (size_t i = 0; i < ELEMENTSOF(allowed); i++) {
		char what[64];

		snprintf(what, sizeof what, "personality(%#lx)", allowed[i]);
		assert_passed(call(p, SYS_personality, allowed[i], 0, 0, 0, 0), what);
	}
	vr_plan_free(p);
}
END_TEST

/*
 * The argument rules as the kernel evaluates them, over many more values than the calls
 * above can try: a classic BPF interpreter for the instructions libseccomp emits, run on
 * made-up seccomp_data.
 */
static uint32_t
bpf_run(const struct sock_filter *f, size_t n, const struct seccomp_data *d)
{
	uint32_t a = 0, mem[BPF_MEMWORDS] = { 0 };

	for (size_t pc = 0; pc < n; pc++) {
		const struct sock_filter *i = &f[pc];

		switch (i->code) {
		case BPF_LD | BPF_W | BPF_ABS:
			ck_assert_uint_le(i->k + 4, sizeof *d);
			memcpy(&a, (const char *)d + i->k, 4);
			break;
		case BPF_LD | BPF_MEM:
			a = mem[i->k % BPF_MEMWORDS];
			break;
		case BPF_ST:
			mem[i->k % BPF_MEMWORDS] = a;
			break;
		case BPF_ALU | BPF_AND | BPF_K:
			a &= i->k;
			break;
		case BPF_JMP | BPF_JA:
			pc += i->k;
			break;
		case BPF_JMP | BPF_JEQ | BPF_K:
			pc += a == i->k ? i->jt : i->jf;
			break;
		case BPF_JMP | BPF_JGT | BPF_K:
			pc += a > i->k ? i->jt : i->jf;
			break;
		case BPF_JMP | BPF_JGE | BPF_K:
			pc += a >= i->k ? i->jt : i->jf;
			break;
		case BPF_JMP | BPF_JSET | BPF_K:
			pc += (a & i->k) ? i->jt : i->jf;
			break;
		case BPF_RET | BPF_K:
			return i->k;
		default:
			ck_abort_msg("instruction %#x at %zu not understood by this test", i->code, pc);
		}
	}
	ck_abort_msg("the program ran off its end");
	return 0;
}

static uint32_t
verdict(const struct vr_plan *p, int nr, unsigned arg, uint64_t value)
{
	struct seccomp_data d = { .nr = nr, .arch = seccomp_arch_native() };

	d.args[arg] = value;
	return bpf_run(p->seccomp.insns, p->seccomp.n_insns, &d);
}

static bool
in_set(uint64_t v, const uint64_t *set, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (set[i] == v)
			return true;
	return false;
}

/* Values that probe every range boundary: 0..300, each power of two and its neighbours,
 * each listed value and its neighbours with and without high bits, and pseudo-random ones. */
static size_t
boundary_values(const uint64_t *set, size_t n_set, uint64_t *out, size_t max)
{
	uint64_t x = 0x9e3779b97f4a7c15ULL;
	size_t n = 0;

	for (uint64_t v = 0; v < 300 && n < max; v++)
		out[n++] = v;
	for (unsigned b = 0; b < 64 && n + 3 <= max; b++) {
		out[n++] = (UINT64_C(1) << b) - 1;
		out[n++] = UINT64_C(1) << b;
		out[n++] = (UINT64_C(1) << b) + 1;
	}
	for (size_t i = 0; i < n_set && n + 6 <= max; i++) {
		out[n++] = set[i] - 1;
		out[n++] = set[i];
		out[n++] = set[i] + 1;
		out[n++] = set[i] | UINT64_C(1) << 32;
		out[n++] = set[i] | UINT64_C(1) << 63;
		out[n++] = ~set[i];
	}
	while (n < max) {
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		out[n++] = x;
	}
	return n;
}

START_TEST(argument_rules_match_exactly_their_sets)
{
	struct vr_plan *p = default_plan();
	const uint32_t eperm = SCMP_ACT_ERRNO(EPERM);
	uint64_t values[2000];

	for (size_t t = 0; t < vr_seccomp_base_count; t++) {
		const struct vr_seccomp_base *b = &vr_seccomp_base_table[t];
		int nr = seccomp_syscall_resolve_name(b->name);
		size_t n;

		if (b->args == VR_SECCOMP_ARGS_NONE || nr < 0)
			continue;
		n = boundary_values(b->values, b->n_values, values, ELEMENTSOF(values));
		for (size_t i = 0; i < n; i++) {
			uint64_t v = values[i];
			bool refuse = false;
			uint32_t got;

			switch (b->args) {
			case VR_SECCOMP_ARGS_ANY_BIT:
				for (size_t j = 0; j < b->n_values; j++)
					refuse |= (v & b->values[j]) != 0;
				break;
			case VR_SECCOMP_ARGS_LOW32:
				refuse = in_set(v & UINT32_MAX, b->values, b->n_values);
				break;
			case VR_SECCOMP_ARGS_ONLY:
				refuse = !in_set(v, b->values, b->n_values);
				break;
			case VR_SECCOMP_ARGS_NONE:
				break;
			}
			got = verdict(p, nr, b->arg, v);
			ck_assert_msg(got == (refuse ? eperm : SCMP_ACT_ALLOW), "%s(arg%u = %#llx): %#x, expected %s",
				      b->name, b->arg, (unsigned long long)v, got, refuse ? "EPERM" : "allow");
		}
		/* The other arguments do not matter: an allowed value stays allowed with every
		 * other bit set in them. */
		{
			struct seccomp_data d = { .nr = nr, .arch = seccomp_arch_native() };

			memset(d.args, 0xff, sizeof d.args);
			d.args[b->arg] = b->args == VR_SECCOMP_ARGS_ONLY ? b->values[0] : 0;
			ck_assert_uint_eq(bpf_run(p->seccomp.insns, p->seccomp.n_insns, &d), SCMP_ACT_ALLOW);
		}
	}
	ck_assert_uint_eq(verdict(p, SYS_getpid, 0, 0), SCMP_ACT_ALLOW);
	ck_assert_uint_eq(verdict(p, SYS_kcmp, 0, 0), eperm);
	vr_plan_free(p);
}
END_TEST

#if defined(__x86_64__)
/* getpid through the i386 entry point (its number 20 there). */
static long
int80_getpid(const void *arg)
{
	long r;

	(void)arg;
	__asm__ volatile("int $0x80" : "=a"(r) : "a"(20L) : "memory", "cc", "r8", "r9", "r10", "r11");
	return r == getpid() ? 0 : (r < 0 ? r : -2);
}

/* getpid through the x32 ABI: the x86_64 number with __X32_SYSCALL_BIT. */
static long
x32_getpid(const void *arg)
{
	(void)arg;
	return syscall(0x40000000L | SYS_getpid);
}

START_TEST(other_abis_are_killed)
{
	struct vr_plan *p = default_plan();
	struct outcome out;

	assert_killed(run_in_child(&p->seccomp, int80_getpid, NULL), "int 0x80 getpid");
	out = run_in_child(NULL, int80_getpid, NULL);
	if (!out.signaled && out.ret == 0)
		fprintf(stderr, "note: int 0x80 works without the filter (IA32 emulation)\n");
	else
		fprintf(stderr, "note: no IA32 emulation here; int 0x80 proven only under the filter\n");
	ck_assert(!(out.signaled && out.sig == SIGSYS));

	assert_killed(run_in_child(&p->seccomp, x32_getpid, NULL), "x32 getpid");
	out = run_in_child(NULL, x32_getpid, NULL);
	ck_assert_msg(!out.signaled, "x32 getpid unfiltered: signal %d", out.sig);
	vr_plan_free(p);
}
END_TEST
#endif

static long
do_getcwd(const void *arg)
{
	char buf[4096];

	(void)arg;
	return syscall(SYS_getcwd, buf, sizeof buf);
}

START_TEST(rules_replace_the_defaults)
{
	const struct vr_syscall_rule deny[] = { { "getcwd", VR_SYSCALL_ERRNO, EACCES } };
	const struct vr_syscall_rule kill[] = { { "getcwd", VR_SYSCALL_KILL, 0 } };
	const struct vr_syscall_rule nosys[] = { { "getcwd", VR_SYSCALL_ENOSYS, 0 } };
	const struct vr_syscall_rule eperm[] = { { "getcwd", VR_SYSCALL_ERRNO, 0 } };
	const struct vr_syscall_rule allow[] = { { "ptrace", VR_SYSCALL_ALLOW, 0 } };
	/* A later rule for a name replaces an earlier one. */
	const struct vr_syscall_rule later[] = { { "getcwd", VR_SYSCALL_ERRNO, EACCES },
						 { "kcmp", VR_SYSCALL_ALLOW, 0 },
						 { "getcwd", VR_SYSCALL_ALLOW, 0 } };
	struct vr_seccomp_spec spec = { .base = true };
	const struct probe *ptrace_probe = probe_for("ptrace"), *kcmp_probe = probe_for("kcmp");
	struct vr_plan *p;

	assert_passed(run_in_child(NULL, do_getcwd, NULL), "getcwd unfiltered");

	spec.rules = deny, spec.n_rules = 1;
	p = plan_with(&spec, NULL);
	assert_refused(run_in_child(&p->seccomp, do_getcwd, NULL), EACCES, "getcwd denied with EACCES");
	assert_refused(run_probe(p, kcmp_probe), EPERM, "kcmp beside a rule");
	vr_plan_free(p);

	spec.rules = eperm;
	p = plan_with(&spec, NULL);
	assert_refused(run_in_child(&p->seccomp, do_getcwd, NULL), EPERM, "getcwd denied, errno 0");
	vr_plan_free(p);

	spec.rules = kill;
	p = plan_with(&spec, NULL);
	assert_killed(run_in_child(&p->seccomp, do_getcwd, NULL), "getcwd killed");
	vr_plan_free(p);

	spec.rules = nosys;
	p = plan_with(&spec, NULL);
	assert_refused(run_in_child(&p->seccomp, do_getcwd, NULL), ENOSYS, "getcwd enosys");
	vr_plan_free(p);

	spec.rules = allow;
	p = plan_with(&spec, NULL);
	assert_refused(run_probe(p, ptrace_probe), ESRCH, "ptrace allowed");
	assert_refused(run_probe(p, kcmp_probe), EPERM, "kcmp still denied");
	vr_plan_free(p);

	spec.rules = later, spec.n_rules = ELEMENTSOF(later);
	p = plan_with(&spec, NULL);
	assert_passed(run_in_child(&p->seccomp, do_getcwd, NULL), "getcwd allowed by the later rule");
	assert_refused(run_probe(p, kcmp_probe), ESRCH, "kcmp allowed");
	assert_refused(run_probe(p, ptrace_probe), EPERM, "ptrace still denied");
	vr_plan_free(p);
}
END_TEST

START_TEST(log_mode_and_no_base_refuse_nothing_by_default)
{
	const struct vr_syscall_rule deny[] = { { "getcwd", VR_SYSCALL_ERRNO, EACCES } };
	struct vr_seccomp_spec spec = { .base = true, .log = true, .rules = deny, .n_rules = 1 };
	const struct probe *kcmp_probe = probe_for("kcmp");
	long newuser = CLONE_NEWUSER | SIGCHLD;
	struct vr_plan *p;

	/* Audit mode: the denials and the policy's rule only log. */
	p = plan_with(&spec, NULL);
	ck_assert_ptr_nonnull(strstr(p->seccomp.summary, "log"));
	assert_refused(run_probe(p, kcmp_probe), ESRCH, "kcmp in log mode");
	assert_passed(run_in_child(&p->seccomp, raw_clone, &newuser), "clone(CLONE_NEWUSER) in log mode");
	assert_passed(try_socket(p, AF_PACKET, SOCK_RAW, 0), "AF_PACKET in log mode");
	assert_passed(run_in_child(&p->seccomp, do_getcwd, NULL), "getcwd in log mode");
#if defined(__x86_64__)
	/* Another ABI is still killed: the rules would not even match there. */
	assert_killed(run_in_child(&p->seccomp, x32_getpid, NULL), "x32 getpid in log mode");
#endif
	vr_plan_free(p);

	/* No base: only the policy's own rules. */
	spec.base = false, spec.log = false;
	p = plan_with(&spec, NULL);
	ck_assert_str_eq(p->seccomp.summary, "none (1 denied)");
	assert_refused(run_probe(p, kcmp_probe), ESRCH, "kcmp without the base");
	assert_refused(run_in_child(&p->seccomp, do_getcwd, NULL), EACCES, "getcwd without the base");
	vr_plan_free(p);
}
END_TEST

START_TEST(bad_rules_are_errors)
{
	const struct vr_syscall_rule unknown[] = { { "getcwd", VR_SYSCALL_ERRNO, 0 },
						   { "no_such_call", VR_SYSCALL_ERRNO, 0 } };
	const struct vr_syscall_rule bad_errno[] = { { "getcwd", VR_SYSCALL_ERRNO, 70000 } };
	const struct vr_syscall_rule bad_name[] = { { "get cwd", VR_SYSCALL_KILL, 0 } };
	struct vr_seccomp_spec spec = { .base = true, .rules = unknown, .n_rules = 2 };
	struct vr_error e = VR_ERROR_INIT;
	struct vr_plan *p = default_plan();
	void *before = p->seccomp.insns;

	ck_assert_int_eq(vr_plan_set_seccomp(p, &spec, NULL, &e), -VR_ERR_BAD_POLICY);
	ck_assert_str_eq(e.where, "no_such_call");
	ck_assert_ptr_null(strchr(e.message, '\n'));
	ck_assert_ptr_nonnull(strstr(e.message, "system call"));
	/* The plan keeps the filter it had. */
	ck_assert_ptr_eq(p->seccomp.insns, before);

	spec.rules = bad_errno, spec.n_rules = 1;
	ck_assert_int_eq(vr_plan_set_seccomp(p, &spec, NULL, &e), -VR_ERR_BAD_POLICY);
	ck_assert_str_eq(e.where, "getcwd");
	spec.rules = bad_name;
	ck_assert_int_eq(vr_plan_set_seccomp(p, &spec, NULL, &e), -VR_ERR_BAD_POLICY);
	ck_assert_int_eq(vr_plan_set_seccomp(NULL, &spec, NULL, &e), -EINVAL);

	/* NULL clears the filter. */
	ck_assert_int_eq(vr_plan_set_seccomp(p, NULL, NULL, &e), 0);
	ck_assert_ptr_null(p->seccomp.insns);
	ck_assert_int_eq(vr_seccomp_load(&p->seccomp, &e), 0);
	vr_plan_free(p);
}
END_TEST

START_TEST(describe_names_the_filter)
{
	struct vr_plan *p = default_plan();
	char *text = vr_plan_describe(p);
	char expect[128];

	snprintf(expect, sizeof expect, "seccomp: default (%zu denied)\n", vr_seccomp_base_count);
	ck_assert_ptr_nonnull(strstr(text, expect));
	ck_assert_uint_eq(strlen(p->seccomp.digest), 64);
	free(text);
	vr_plan_free(p);
}
END_TEST

static char *
read_all(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *data = NULL;

	if (!f)
		return NULL;
	data = malloc(1 << 16);
	ck_assert_ptr_nonnull(data);
	*len = fread(data, 1, 1 << 16, f);
	fclose(f);
	return data;
}

static void
overwrite(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "wb");

	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(data, 1, len, f), len);
	ck_assert_int_eq(fclose(f), 0);
}

START_TEST(the_cache_is_used_and_repaired)
{
	char *dir = t_tmpdir("seccomp-cache");
	char *cache = t_path(dir, "cache");
	const struct vr_syscall_rule deny[] = { { "getcwd", VR_SYSCALL_ERRNO, EACCES } };
	struct vr_seccomp_spec spec = { .base = true }, other = { .base = true, .rules = deny, .n_rules = 1 };
	struct vr_plan *a, *b, *c, *d;
	char *entry, *bytes;
	size_t len = 0;
	struct stat st;

	a = plan_with(&spec, cache);
	ck_assert(!a->seccomp.from_cache);
	entry = t_strdupf("%s/seccomp/%s.bpf", cache, a->seccomp.digest);
	ck_assert_int_eq(stat(entry, &st), 0);
	ck_assert_int_eq(st.st_mode & 0777, 0600);
	ck_assert_uint_eq((size_t)st.st_size, a->seccomp.n_insns * 8);
	bytes = t_path(cache, "seccomp");
	ck_assert_int_eq(stat(bytes, &st), 0);
	ck_assert_int_eq(st.st_mode & 0777, 0700);
	free(bytes);

	/* A second launch with the same spec does not compile. */
	b = plan_with(&spec, cache);
	ck_assert(b->seccomp.from_cache);
	ck_assert_str_eq(a->seccomp.digest, b->seccomp.digest);
	ck_assert_str_eq(a->seccomp.summary, b->seccomp.summary);
	ck_assert_uint_eq(a->seccomp.n_insns, b->seccomp.n_insns);
	ck_assert_mem_eq(a->seccomp.insns, b->seccomp.insns, a->seccomp.n_insns * 8);
	assert_refused(run_probe(b, probe_for("kcmp")), EPERM, "kcmp under the cached filter");

	/* Another spec, another entry. */
	c = plan_with(&other, cache);
	ck_assert(!c->seccomp.from_cache);
	ck_assert_str_ne(a->seccomp.digest, c->seccomp.digest);

	/* Truncated, then garbage of a plausible size: compiled and written again. */
	bytes = read_all(entry, &len);
	ck_assert_ptr_nonnull(bytes);
	overwrite(entry, bytes, 12);
	d = plan_with(&spec, cache);
	ck_assert(!d->seccomp.from_cache);
	vr_plan_free(d);
	free(bytes);
	bytes = read_all(entry, &len);
	ck_assert_uint_eq(len, a->seccomp.n_insns * 8);
	ck_assert_mem_eq(bytes, a->seccomp.insns, len);
	memset(bytes, 'A', len);
	overwrite(entry, bytes, len);
	d = plan_with(&spec, cache);
	ck_assert(!d->seccomp.from_cache);
	ck_assert_mem_eq(d->seccomp.insns, a->seccomp.insns, len);
	vr_plan_free(d);
	d = plan_with(&spec, cache);
	ck_assert(d->seccomp.from_cache);
	vr_plan_free(d);

	free(bytes);
	free(entry);
	vr_plan_free(a);
	vr_plan_free(b);
	vr_plan_free(c);
	t_rm_rf(dir);
	free(cache);
	free(dir);
}
END_TEST

START_TEST(an_unwritable_cache_still_gives_a_filter)
{
	char *dir = t_tmpdir("seccomp-nocache");
	char *file = t_path(dir, "a-file");
	char *cache = t_path(dir, "a-file/cache"); /* below a regular file: never creatable, even as root */
	struct vr_seccomp_spec spec = { .base = true };
	struct vr_plan *p;

	t_write_file(file, "", false);
	p = plan_with(&spec, cache);
	ck_assert(!p->seccomp.from_cache);
	assert_refused(run_probe(p, probe_for("kcmp")), EPERM, "kcmp without a cache");
	vr_plan_free(p);
	p = plan_with(&spec, cache);
	ck_assert(!p->seccomp.from_cache);
	vr_plan_free(p);
	t_rm_rf(dir);
	free(cache);
	free(file);
	free(dir);
}
END_TEST

/* Python's standard library under the default filter: threads and posix_spawn go through
 * clone3, which answers ENOSYS, so glibc must fall back to clone. */
static const char python_script[] =
	"import ctypes, multiprocessing, os, socket, sqlite3, ssl, subprocess, sys, threading\n"
	"assert subprocess.run(['/bin/true']).returncode == 0\n"
	"assert subprocess.check_output([sys.executable, '-c', 'print(6 * 7)']).strip() == b'42'\n"
	"box = []\n"
	"ts = [threading.Thread(target=box.append, args=(i,)) for i in range(4)]\n"
	"[t.start() for t in ts]; [t.join() for t in ts]\n"
	"assert sorted(box) == [0, 1, 2, 3]\n"
	"def square(x):\n"
	"    return x * x\n"
	"with multiprocessing.get_context('fork').Pool(2) as pool:\n"
	"    assert pool.map(square, range(5)) == [0, 1, 4, 9, 16]\n"
	"q = multiprocessing.Queue(); pr = multiprocessing.Process(target=q.put, args=(5,)); pr.start()\n"
	"assert q.get(timeout=30) == 5; pr.join(); assert pr.exitcode == 0\n"
	"ctx = ssl.create_default_context(); ctx.load_default_certs()\n"
	"assert len(ssl.RAND_bytes(16)) == 16\n"
	"db = sqlite3.connect(':memory:'); db.execute('create table t(x)'); db.execute('insert into t values (3)')\n"
	"assert db.execute('select x from t').fetchone() == (3,)\n"
	"assert ctypes.CDLL(None).getpid() == os.getpid()\n"
	"a, b = socket.socketpair(); a.send(b'x'); assert b.recv(1) == b'x'\n"
	"socket.socket(socket.AF_INET, socket.SOCK_DGRAM).close()\n"
	"assert len(os.urandom(8)) == 8\n"
	"print('ok')\n";

START_TEST(python_works_under_the_default_filter)
{
	struct vr_plan *p;
	int status;
	pid_t pid;

	if (access("/usr/bin/python3", X_OK) < 0) {
		fprintf(stderr, "skip: no /usr/bin/python3\n");
		return;
	}
	p = default_plan();
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		char *argv[] = { "/usr/bin/python3", "-I", "-c", (char *)python_script, NULL };
		char *envp[] = { "PATH=/usr/bin:/bin", "LANG=C.UTF-8", NULL };
		struct vr_error e = VR_ERROR_INIT;

		if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 || vr_seccomp_load(&p->seccomp, &e) < 0)
			_exit(90);
		execve(argv[0], argv, envp);
		_exit(91);
	}
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "python3 under the filter: status %#x", status);
	vr_plan_free(p);
}
END_TEST

static const struct t_case cases[] = {
	T_CASE(probes_cover_the_table),
	T_CASE(every_default_denial_refuses),
	T_CASE(clone_with_a_new_namespace_is_refused),
	T_CASE(terminal_injection_is_refused),
	T_CASE(socket_families_outside_the_list_are_refused),
	T_CASE(personality_changes_are_refused),
	T_CASE(argument_rules_match_exactly_their_sets),
#if defined(__x86_64__)
	T_CASE(other_abis_are_killed),
#endif
	T_CASE(rules_replace_the_defaults),
	T_CASE(log_mode_and_no_base_refuse_nothing_by_default),
	T_CASE(bad_rules_are_errors),
	T_CASE(describe_names_the_filter),
	T_CASE(the_cache_is_used_and_repaired),
	T_CASE(an_unwritable_cache_still_gives_a_filter),
	T_CASE(python_works_under_the_default_filter),
};

int
main(void)
{
	uint32_t action = SECCOMP_RET_KILL_PROCESS;

	/* Valgrind does not emulate seccomp(2): nothing here can be tested under it. */
	if (syscall(SYS_seccomp, SECCOMP_GET_ACTION_AVAIL, 0, &action) < 0 && errno == ENOSYS) {
		fprintf(stderr, "skip: no seccomp(2) here\n");
		return T_EXIT_SKIP;
	}
	return t_run_suite(T_SUITE("seccomp", cases));
}
