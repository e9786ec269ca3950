/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Seccomp cases about the policy's rules and the filter around them: rules replacing the
 * defaults, audit mode and no base, bad rules refused, describe, the filter's cache used,
 * repaired and not needed, and Python's standard library under the default filter.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
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
const struct t_case seccomp_rule_cases[] = {
	T_CASE(rules_replace_the_defaults),
	T_CASE(log_mode_and_no_base_refuse_nothing_by_default),
	T_CASE(bad_rules_are_errors),
	T_CASE(describe_names_the_filter),
	T_CASE(the_cache_is_used_and_repaired),
	T_CASE(an_unwritable_cache_still_gives_a_filter),
	T_CASE(python_works_under_the_default_filter),
	{ NULL, NULL },
};
