/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Seccomp cases about the default filter's denials: every denial probed with and without
 * the filter, clone with a new namespace, terminal injection, socket families outside the
 * list, personality changes, the argument rules checked over many values by a BPF
 * interpreter, and other ABIs killed.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
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

#include "seccomp-helpers.h"

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
	assert_refused(syscall_in_child(p, SYS_ioctl, fd, TIOCSTI, (long)&c, 0, 0), EPERM, "TIOCSTI");
	assert_refused(syscall_in_child(p, SYS_ioctl, fd, high, (long)&c, 0, 0), EPERM, "TIOCSTI | 1 << 32");
	assert_refused(syscall_in_child(p, SYS_ioctl, fd, TIOCLINUX, (long)&c, 0, 0), EPERM, "TIOCLINUX");
	/* Without the filter the kernel reads only the low 32 bits: both are TIOCSTI, which a
	 * non-terminal refuses with ENOTTY. */
	assert_refused(syscall_in_child(NULL, SYS_ioctl, fd, TIOCSTI, (long)&c, 0, 0), ENOTTY, "TIOCSTI unfiltered");
	assert_refused(syscall_in_child(NULL, SYS_ioctl, fd, high, (long)&c, 0, 0), ENOTTY,
		       "TIOCSTI | 1 << 32 unfiltered");
	/* Other requests pass through to the kernel. */
	assert_refused(syscall_in_child(p, SYS_ioctl, fd, TCGETS, BAD, 0, 0), ENOTTY, "TCGETS");
	close(fd);
	vr_plan_free(p);
}
END_TEST

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
		assert_refused(syscall_in_child(p, SYS_personality, refused[i], 0, 0, 0, 0), EPERM, what);
	}
	assert_passed(syscall_in_child(NULL, SYS_personality, ADDR_NO_RANDOMIZE_, 0, 0, 0, 0),
		      "ADDR_NO_RANDOMIZE unfiltered");
	for (size_t i = 0; i < ELEMENTSOF(allowed); i++) {
		char what[64];

		snprintf(what, sizeof what, "personality(%#lx)", allowed[i]);
		assert_passed(syscall_in_child(p, SYS_personality, allowed[i], 0, 0, 0, 0), what);
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

const struct t_case seccomp_denial_cases[] = {
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
	{ NULL, NULL },
};
