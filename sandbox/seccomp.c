/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The system call filter: a struct vr_seccomp_spec (plan.h) compiled with libseccomp into
 * a classic BPF program for the native architecture, kept in the plan as plain
 * instructions, cached on disk by a hash of the spec, and installed with seccomp(2) just
 * before execve (vr_seccomp_load).
 *
 * Every libseccomp call is in compile_loaded(), after libseccomp is loaded (dlopen): the
 * cache-hit path and vr_seccomp_load() never touch the library, so a warm launch neither
 * builds the filter nor maps libseccomp.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <seccomp.h>

#include "venvrun/plan.h"

#include "buf.h"
#include "dlopen-lib.h"
#include "fileio.h"
#include "log.h"
#include "macro.h"
#include "sha256.h"

#include "plan-internal.h"
#include "seccomp.h"

/* libseccomp is loaded only when a filter is compiled (dlopen-lib.h): a run whose filter
 * is in the cache never maps it. */
VR_DLSYM_DEFINE(seccomp_api_get);
VR_DLSYM_DEFINE(seccomp_attr_set);
VR_DLSYM_DEFINE(seccomp_export_bpf);
VR_DLSYM_DEFINE(seccomp_init);
VR_DLSYM_DEFINE(seccomp_release);
VR_DLSYM_DEFINE(seccomp_rule_add_exact);
VR_DLSYM_DEFINE(seccomp_rule_add_exact_array);
VR_DLSYM_DEFINE(seccomp_syscall_resolve_name);

static struct vr_dlopen_lib libseccomp =
	VR_DLOPEN_LIB(VR_LIBSECCOMP_SONAME, "libseccomp", VR_DLSYM(seccomp_api_get), VR_DLSYM(seccomp_attr_set),
		      VR_DLSYM(seccomp_export_bpf), VR_DLSYM(seccomp_init), VR_DLSYM(seccomp_release),
		      VR_DLSYM(seccomp_rule_add_exact), VR_DLSYM(seccomp_rule_add_exact_array),
		      VR_DLSYM(seccomp_syscall_resolve_name));

/* A policy names at most this many calls: every size a caller controls is bounded. */
#define RULES_MAX 1024
/* libseccomp's and the kernel's names are short; anything longer is not one. */
#define NAME_MAX_LEN 64
/* The largest errno a seccomp return value can carry (SECCOMP_RET_DATA is 16 bits, but
 * the kernel treats anything above MAX_ERRNO as a return value, not an error). */
#define ERRNO_MAX 4095
/* Single-comparison rules one default entry can need (personality's allowed set needs
 * about 70, see value_ranges()). */
#define CONDITIONS_MAX 256

/* The spec as compiled: one rule per name (the last one given wins), sorted by name, so
 * that the digest does not depend on how the policy happened to order its rules. */
struct resolved {
	bool base;
	bool log;
	struct vr_syscall_rule *rules; /* names point into the caller's spec */
	size_t n_rules;
};

static void
resolved_done(struct resolved *r)
{
	free(r->rules);
	r->rules = NULL;
	r->n_rules = 0;
}

static const char *
action_name(enum vr_syscall_action a)
{
	switch (a) {
	case VR_SYSCALL_ALLOW:
		return "allow";
	case VR_SYSCALL_ERRNO:
		return "errno";
	case VR_SYSCALL_KILL:
		return "kill";
	case VR_SYSCALL_LOG:
		return "log";
	case VR_SYSCALL_ENOSYS:
		return "enosys";
	}
	return NULL;
}

static bool
valid_name(const char *name)
{
	size_t n = 0;

	if (!name || !*name)
		return false;
	for (const char *c = name; *c; c++, n++)
		if (n >= NAME_MAX_LEN || !((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '_'))
			return false;
	return true;
}

static int
compare_rule_name(const void *a, const void *b)
{
	return strcmp(((const struct vr_syscall_rule *)a)->name, ((const struct vr_syscall_rule *)b)->name);
}

static int
resolve(const struct vr_seccomp_spec *spec, struct resolved *out, struct vr_error *err)
{
	struct resolved r = { .base = spec->base, .log = spec->log };

	if (spec->n_rules > RULES_MAX)
		return vr_error_set(err, VR_ERR_BAD_POLICY, "more than %d system call rules", RULES_MAX);
	if (spec->n_rules > 0) {
		if (!spec->rules)
			return vr_error_set(err, EINVAL, "vr_plan_set_seccomp: rules missing");
		r.rules = calloc(spec->n_rules, sizeof *r.rules);
		if (!r.rules)
			return vr_error_set(err, ENOMEM, "system call filter");
	}
	for (size_t i = 0; i < spec->n_rules; i++) {
		struct vr_syscall_rule rule = spec->rules[i];
		size_t j;

		if (!valid_name(rule.name)) {
			resolved_done(&r);
			return vr_error_set_at(err, VR_ERR_BAD_POLICY, rule.name ? rule.name : "",
					       "not a system call name");
		}
		if (!action_name(rule.action)) {
			resolved_done(&r);
			return vr_error_set_at(err, VR_ERR_BAD_POLICY, rule.name, "unknown action %d",
					       (int)rule.action);
		}
		if (rule.action == VR_SYSCALL_ERRNO) {
			if (rule.errno_value < 0 || rule.errno_value > ERRNO_MAX) {
				resolved_done(&r);
				return vr_error_set_at(err, VR_ERR_BAD_POLICY, rule.name,
						       "errno %d is not between 1 and %d", rule.errno_value, ERRNO_MAX);
			}
			if (rule.errno_value == 0)
				rule.errno_value = EPERM;
		} else {
			rule.errno_value = 0;
		}
		for (j = 0; j < r.n_rules; j++)
			if (streq(r.rules[j].name, rule.name))
				break;
		r.rules[j] = rule;
		if (j == r.n_rules)
			r.n_rules++;
	}
	vr_qsort(r.rules, r.n_rules, sizeof *r.rules, compare_rule_name);
	*out = r;
	return 0;
}

static const struct vr_syscall_rule *
resolved_find(const struct resolved *r, const char *name)
{
	for (size_t i = 0; i < r->n_rules; i++)
		if (streq(r->rules[i].name, name))
			return &r->rules[i];
	return NULL;
}

/* The architecture this binary runs as, which is the one its filter checks for. */
static const char *
native_arch(void)
{
#if defined(__x86_64__) && defined(__ILP32__)
	return "x32";
#elif defined(__x86_64__)
	return "x86_64";
#elif defined(__i386__)
	return "x86";
#elif defined(__aarch64__)
	return "aarch64";
#elif defined(__arm__)
	return "arm";
#elif defined(__s390x__)
	return "s390x";
#elif defined(__s390__)
	return "s390";
#elif defined(__powerpc64__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	return "ppc64le";
#elif defined(__powerpc64__)
	return "ppc64";
#elif defined(__riscv) && __riscv_xlen == 64
	return "riscv64";
#else
	static struct utsname u;
	if (!u.machine[0] && uname(&u) < 0)
		return "unknown";
	return u.machine;
#endif
}

/*
 * The digest names the cache entry: everything the compiled program depends on is in it.
 * libseccomp's version comes from its header (the cache-hit path must not call the
 * library); a library upgraded under the same binary only ever produced a program that
 * was correct when it was compiled.
 */
static int
digest_of(const struct resolved *r, char **ret)
{
	_cleanup_buf_ struct vr_buf b = VR_BUF_INIT;
	unsigned char d[VR_SHA256_SIZE];
	struct vr_sha256 c;
	char hex[2 * VR_SHA256_SIZE + 1];

	vr_buf_printf(&b, "venvrun seccomp %d\narch %s\nlibseccomp %d.%d.%d\nbase %d\nlog %d\n",
		      VR_SECCOMP_TABLE_VERSION, native_arch(), SCMP_VER_MAJOR, SCMP_VER_MINOR, SCMP_VER_MICRO, r->base,
		      r->log);
	for (size_t i = 0; i < r->n_rules; i++)
		vr_buf_printf(&b, "%s %s %d\n", r->rules[i].name, action_name(r->rules[i].action),
			      r->rules[i].errno_value);
	if (vr_buf_status(&b) < 0)
		return -ENOMEM;
	vr_sha256_init(&c);
	vr_sha256_update(&c, b.data, b.len);
	vr_sha256_final(&c, d);
	vr_sha256_hex(d, hex);
	*ret = strdup(hex);
	return *ret ? 0 : -ENOMEM;
}

static bool
refuses(enum vr_syscall_action a)
{
	return a == VR_SYSCALL_ERRNO || a == VR_SYSCALL_KILL || a == VR_SYSCALL_ENOSYS;
}

/* "default (62 denied)", "none (2 denied, 1 logged), log". */
static char *
summary_of(const struct resolved *r)
{
	size_t denied = 0, logged = 0;
	char *s = NULL;

	if (r->base)
		for (size_t i = 0; i < vr_seccomp_base_count; i++)
			if (!resolved_find(r, vr_seccomp_base_table[i].name))
				denied++;
	for (size_t i = 0; i < r->n_rules; i++) {
		denied += refuses(r->rules[i].action);
		logged += r->rules[i].action == VR_SYSCALL_LOG;
	}
	if (logged > 0) {
		if (asprintf(&s, "%s (%zu denied, %zu logged)%s", r->base ? "default" : "none", denied, logged,
			     r->log ? ", log" : "") < 0)
			s = NULL;
	} else if (asprintf(&s, "%s (%zu denied)%s", r->base ? "default" : "none", denied, r->log ? ", log" : "") < 0) {
		s = NULL;
	}
	return s;
}

/*
 * A program from the cache is loaded as it is, so check that it is one: a whole number of
 * instructions, within the kernel's limit, starting as libseccomp's programs do (load the
 * architecture), every jump landing inside, ending in a return. A truncated or garbage
 * entry fails this and is compiled again; the kernel verifies the rest when loading.
 */
static bool
plausible_program(const struct sock_filter *f, size_t n)
{
	if (n == 0 || n > BPF_MAXINSNS)
		return false;
	if (f[0].code != (BPF_LD | BPF_W | BPF_ABS) || f[0].k != offsetof(struct seccomp_data, arch))
		return false;
	if (f[n - 1].code != (BPF_RET | BPF_K))
		return false;
	for (size_t i = 0; i < n; i++) {
		if (BPF_CLASS(f[i].code) != BPF_JMP)
			continue;
		if (BPF_OP(f[i].code) == BPF_JA) {
			if (f[i].k >= n - i - 1)
				return false;
		} else if (f[i].jt >= n - i - 1 || f[i].jf >= n - i - 1) {
			return false;
		}
	}
	return true;
}

static bool
cache_load(const char *path, struct sock_filter **ret, size_t *ret_n)
{
	_cleanup_free_ char *data = NULL;
	struct vr_error e = VR_ERROR_INIT;
	size_t len = 0;

	if (vr_read_file_at(AT_FDCWD, path, (size_t)BPF_MAXINSNS * sizeof(struct sock_filter), &data, &len, NULL, &e) <
	    0) {
		if (e.code != ENOENT)
			vr_debug("seccomp cache: %s: %s", path, e.message);
		return false;
	}
	if (len % sizeof(struct sock_filter) != 0 ||
	    !plausible_program((const struct sock_filter *)data, len / sizeof(struct sock_filter))) {
		vr_debug("seccomp cache: %s is not a filter program; compiling it again", path);
		return false;
	}
	*ret = (struct sock_filter *)TAKE_PTR(data);
	*ret_n = len / sizeof(struct sock_filter);
	return true;
}

/* A cache that cannot be written costs the next launch a compile, nothing more. */
static void
cache_store(const char *dir, const char *path, const struct sock_filter *f, size_t n)
{
	struct vr_error e = VR_ERROR_INIT;

	if (vr_mkdir_parents(dir, 0700, NULL, &e) < 0 ||
	    vr_write_file_at(AT_FDCWD, path, f, n * sizeof *f, 0600, VR_WRITE_ATOMIC, NULL, &e) < 0)
		vr_debug("seccomp cache: cannot store %s: %s", path, e.message);
}

static uint64_t
low_mask(unsigned bits)
{
	return bits >= 64 ? UINT64_MAX : (UINT64_C(1) << bits) - 1;
}

/* One comparison, every field named: libseccomp's SCMP_CMP64() leaves datum_b to the
 * compiler for two-operand comparisons, which clang's -Wmissing-field-initializers
 * refuses. */
static struct scmp_arg_cmp
cmp(unsigned arg, enum scmp_compare op, uint64_t a, uint64_t b)
{
	return (struct scmp_arg_cmp){ .arg = arg, .op = op, .datum_a = a, .datum_b = b };
}

/*
 * Conditions matching every value in [lo, hi], one comparison each. libseccomp compares
 * an argument at most once per rule (seccomp_rule_add(3)), so a range in the middle
 * cannot be "GE lo and LE hi": it becomes the aligned power-of-two blocks that tile it,
 * each one masked comparison ((arg & ~(size - 1)) == start). Ranges touching 0 or the
 * top are one LE or GE.
 */
static int
value_ranges(unsigned arg, uint64_t lo, uint64_t hi, struct scmp_arg_cmp *out, size_t max, size_t *n)
{
	if (lo == hi) {
		if (*n >= max)
			return -E2BIG;
		out[(*n)++] = cmp(arg, SCMP_CMP_EQ, lo, 0);
		return 0;
	}
	if (lo == 0 || hi == UINT64_MAX) {
		if (*n >= max)
			return -E2BIG;
		out[(*n)++] = lo == 0 ? cmp(arg, SCMP_CMP_LE, hi, 0) : cmp(arg, SCMP_CMP_GE, lo, 0);
		return 0;
	}
	for (;;) {
		/* The largest block aligned at lo that ends within hi. */
		unsigned bits = (unsigned)__builtin_ctzll(lo);
		uint64_t size1;

		while (low_mask(bits) > hi - lo)
			bits--;
		size1 = low_mask(bits);
		if (*n >= max)
			return -E2BIG;
		out[(*n)++] = cmp(arg, SCMP_CMP_MASKED_EQ, ~size1, lo);
		if (hi - lo == size1)
			return 0;
		lo += size1 + 1;
	}
}

/* The single-comparison conditions under which a default entry refuses its call, each one
 * rule; none: refuse every call. */
static int
base_conditions(const struct vr_seccomp_base *b, struct scmp_arg_cmp *out, size_t max, size_t *ret_n)
{
	size_t n = 0;
	int r;

	switch (b->args) {
	case VR_SECCOMP_ARGS_NONE:
		break;
	case VR_SECCOMP_ARGS_ANY_BIT:
		/* One rule per bit: a masked comparison is an equality, not "any of". */
		for (size_t i = 0; i < b->n_values && n < max; i++)
			out[n++] = cmp(b->arg, SCMP_CMP_MASKED_EQ, b->values[i], b->values[i]);
		break;
	case VR_SECCOMP_ARGS_LOW32:
		for (size_t i = 0; i < b->n_values && n < max; i++)
			out[n++] = cmp(b->arg, SCMP_CMP_MASKED_EQ, UINT32_MAX, b->values[i]);
		break;
	case VR_SECCOMP_ARGS_ONLY: {
		/* The complement of the allowed set, as ranges between its sorted values. */
		uint64_t next = 0; /* the lowest value not yet covered */
		bool done = false;

		for (size_t i = 0; i < b->n_values && !done; i++) {
			uint64_t v = b->values[i];

			if (v > next && (r = value_ranges(b->arg, next, v - 1, out, max, &n)) < 0)
				return r;
			if (v == UINT64_MAX)
				done = true;
			else
				next = v + 1;
		}
		if (!done && (r = value_ranges(b->arg, next, UINT64_MAX, out, max, &n)) < 0)
			return r;
		break;
	}
	}
	*ret_n = n;
	return 0;
}

/* The libseccomp action for a rule; in audit mode, whatever would refuse only logs. */
static uint32_t
scmp_action(enum vr_syscall_action a, int errno_value, bool log)
{
	if (log && refuses(a))
		return SCMP_ACT_LOG;
	switch (a) {
	case VR_SYSCALL_ERRNO:
		return SCMP_ACT_ERRNO((uint32_t)errno_value);
	case VR_SYSCALL_KILL:
		return SCMP_ACT_KILL_PROCESS;
	case VR_SYSCALL_LOG:
		return SCMP_ACT_LOG;
	case VR_SYSCALL_ENOSYS:
		return SCMP_ACT_ERRNO(ENOSYS);
	case VR_SYSCALL_ALLOW:
		break;
	}
	return SCMP_ACT_ALLOW;
}

static void
seccomp_releasep(scmp_filter_ctx *ctx)
{
	if (*ctx)
		sym_seccomp_release(*ctx);
}

static int
export_program(scmp_filter_ctx ctx, struct sock_filter **ret, size_t *ret_n, struct vr_error *err)
{
	_cleanup_close_ int fd = memfd_create("vr-seccomp", MFD_CLOEXEC);
	_cleanup_free_ struct sock_filter *f = NULL;
	struct stat st;
	size_t len, got = 0;
	int r;

	if (fd < 0)
		return vr_error_set(err, errno, "cannot export the system call filter");
	r = sym_seccomp_export_bpf(ctx, fd);
	if (r < 0)
		return vr_error_set(err, VR_ERR_HARDENING, "cannot export the system call filter (%s)", strerror(-r));
	if (fstat(fd, &st) < 0)
		return vr_error_set(err, errno, "cannot export the system call filter");
	len = (size_t)st.st_size;
	if (len == 0 || len % sizeof *f != 0 || len / sizeof *f > BPF_MAXINSNS)
		return vr_error_set(err, VR_ERR_HARDENING,
				    "the system call filter is %zu bytes, not a program the kernel loads", len);
	f = malloc(len);
	if (!f)
		return vr_error_set(err, ENOMEM, "system call filter");
	while (got < len) {
		ssize_t n = pread(fd, (char *)f + got, len - got, (off_t)got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return vr_error_set(err, n < 0 ? errno : EIO, "cannot read the exported system call filter");
		got += (size_t)n;
	}
	*ret = TAKE_PTR(f);
	*ret_n = len / sizeof **ret;
	return 0;
}

/*
 * Compile with libseccomp: allow by default, the default entries (unless a rule names
 * them) with their conditions, then the rules. Native architecture only: a call through
 * any other ABI (i386's int 0x80, x32's numbers on x86_64, which libseccomp's x86_64
 * program sends to the bad-architecture action) kills the process, since the rules were
 * written for the native syscall numbers and would not match there.
 */
static int
compile_loaded(const struct resolved *res, struct sock_filter **ret, size_t *ret_n, struct vr_error *err)
{
	_cleanup_(seccomp_releasep) scmp_filter_ctx ctx = sym_seccomp_init(SCMP_ACT_ALLOW);
	struct scmp_arg_cmp conds[CONDITIONS_MAX];
	int r;

	if (!ctx)
		return vr_error_set(err, VR_ERR_HARDENING, "cannot compile the system call filter (libseccomp)");
	/* libseccomp asks the kernel which actions it supports and refuses the rest; level 3
	 * brings KILL_PROCESS and LOG. Below that, seccomp(2) itself is missing (valgrind
	 * does not emulate it) or the kernel is older than any venvrun supports. */
	if (sym_seccomp_api_get() < 3)
		return vr_error_set(err, VR_ERR_HARDENING,
				    "cannot compile the system call filter: libseccomp finds no kernel support for "
				    "it (API level %u, 3 needed)",
				    sym_seccomp_api_get());
	/* The calls as a binary tree rather than a list. At load, the kernel runs the filter
	 * once for every system call number to learn which are always allowed; on a list of
	 * some 300 instructions that made loading cost about 120 us, on the tree about 75.
	 * The program's own calls take fewer steps through it too. The build needs
	 * libseccomp 2.5, which knows the attribute. */
	r = sym_seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2);
	if (r < 0)
		return vr_error_set(err, VR_ERR_HARDENING, "cannot compile the system call filter: optimize (%s)",
				    strerror(-r));
	r = sym_seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_KILL_PROCESS);
	if (r < 0)
		return vr_error_set(err, VR_ERR_HARDENING,
				    "cannot compile the system call filter: bad-architecture action (%s)",
				    strerror(-r));

	for (size_t i = 0; res->base && i < vr_seccomp_base_count; i++) {
		const struct vr_seccomp_base *b = &vr_seccomp_base_table[i];
		uint32_t action = scmp_action(VR_SYSCALL_ERRNO, b->errno_value, res->log);
		size_t n = 0;
		int nr;

		if (resolved_find(res, b->name))
			continue; /* the policy's rule replaces the default one */
		nr = sym_seccomp_syscall_resolve_name(b->name);
		if (nr < 0)
			continue; /* not a call on this architecture (vm86 on x86_64) */
		r = base_conditions(b, conds, ELEMENTSOF(conds), &n);
		if (r < 0)
			return vr_error_set_at(err, VR_ERR_HARDENING, b->name, "too many conditions");
		if (n == 0)
			r = sym_seccomp_rule_add_exact(ctx, action, nr, 0);
		for (size_t j = 0; j < n && r >= 0; j++)
			r = sym_seccomp_rule_add_exact_array(ctx, action, nr, 1, &conds[j]);
		if (r < 0)
			return vr_error_set_at(err, VR_ERR_HARDENING, b->name,
					       "cannot compile the system call filter's rule (%s)", strerror(-r));
	}

	for (size_t i = 0; i < res->n_rules; i++) {
		const struct vr_syscall_rule *rule = &res->rules[i];
		int nr = sym_seccomp_syscall_resolve_name(rule->name);

		if (nr == __NR_SCMP_ERROR)
			return vr_error_set_at(err, VR_ERR_BAD_POLICY, rule->name,
					       "not a system call known to libseccomp");
		/* A name libseccomp knows from another architecture: nothing to filter here.
		 * ALLOW only took the name out of the default list, done above. */
		if (nr < 0 || rule->action == VR_SYSCALL_ALLOW)
			continue;
		r = sym_seccomp_rule_add_exact(ctx, scmp_action(rule->action, rule->errno_value, res->log), nr, 0);
		if (r < 0)
			return vr_error_set_at(err, VR_ERR_HARDENING, rule->name,
					       "cannot compile the system call filter's rule (%s)", strerror(-r));
	}

	return export_program(ctx, ret, ret_n, err);
}

VR_PUBLIC int
vr_plan_set_seccomp(struct vr_plan *p, const struct vr_seccomp_spec *spec, const char *cache_dir, struct vr_error *err)
{
	_cleanup_(resolved_done) struct resolved res = { 0 };
	_cleanup_free_ char *dir = NULL, *path = NULL;
	struct vr_plan_seccomp s = { 0 };
	struct sock_filter *insns = NULL;
	int r;

	if (!p)
		return vr_error_set(err, EINVAL, "vr_plan_set_seccomp: no plan");
	if (!spec) {
		vr_plan_seccomp_done(&p->seccomp);
		return 0;
	}
	r = resolve(spec, &res, err);
	if (r < 0)
		return r;
	if (digest_of(&res, &s.digest) < 0 || !(s.summary = summary_of(&res))) {
		vr_plan_seccomp_done(&s);
		return vr_error_set(err, ENOMEM, "system call filter");
	}

	if (cache_dir) {
		if (asprintf(&dir, "%s/seccomp", cache_dir) < 0)
			dir = NULL;
		else if (asprintf(&path, "%s/%s.bpf", dir, s.digest) < 0)
			path = NULL;
		if (!path) {
			vr_plan_seccomp_done(&s);
			return vr_error_set(err, ENOMEM, "system call filter");
		}
		s.from_cache = cache_load(path, &insns, &s.n_insns);
	}
	if (!s.from_cache) {
		r = vr_dlopen_lib(&libseccomp, err);
		if (r >= 0)
			r = compile_loaded(&res, &insns, &s.n_insns, err);
		if (r < 0) {
			vr_plan_seccomp_done(&s);
			return r;
		}
		if (path)
			cache_store(dir, path, insns, s.n_insns);
	}
	s.insns = insns;

	vr_plan_seccomp_done(&p->seccomp);
	p->seccomp = s;
	return 0;
}

int
vr_seccomp_load(const struct vr_plan_seccomp *s, struct vr_error *e)
{
	struct sock_fprog prog;
	int r;

	if (!s || !s->insns)
		return 0;
	if (s->n_insns == 0 || s->n_insns > BPF_MAXINSNS)
		return vr_error_set(e, VR_ERR_HARDENING, "cannot load the system call filter: %zu instructions",
				    s->n_insns);
	prog = (struct sock_fprog){ .len = (unsigned short)s->n_insns, .filter = s->insns };

	/* seccomp(2) first (Linux 3.17); prctl is the older interface to the same thing. */
	r = (int)syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog);
	if (r < 0 && errno == ENOSYS)
		r = prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog, 0, 0);
	if (r < 0) {
		r = errno;
		return vr_error_set(e, VR_ERR_HARDENING, "cannot load the system call filter: %s",
				    strerrordesc_np(r) ? strerrordesc_np(r) : "unknown error");
	}
	return 0;
}
