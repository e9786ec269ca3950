/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Sandbox cases about identity and hardening: the ids a run has (mapped in a user
 * namespace, or set as root), capabilities dropped or kept, rlimits, the timeout, passed
 * descriptors, LISTEN_PID, the session, what only root may ask for, and cgroup limits.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "venvrun/error.h"
#include "venvrun/plan.h"
#include "venvrun/run.h"

#include "macro.h"
#include "testlib.h"

#include "sandbox-helpers.h"

/* sandbox/cgroup.h: the run's cgroup below a given directory, here a fake tree. */
struct vr_cgroup {
	int parent_fd;
	int fd;
	char name[32];
};
int vr_cgroup_make(const char *dir, uint64_t memory_max, uint64_t pids_max, struct vr_cgroup *cg, struct vr_error *err);
void vr_cgroup_done(struct vr_cgroup *cg);

/* What an unprivileged run adds: its own ids mapped, and PID 1 out of reach. */
static void
identity_body(void)
{
	struct vr_plan *p = minimal_plan();
	FILE *f = fopen("/proc/sys/kernel/overflowuid", "re");
	unsigned overflow = 0, uid = (unsigned)geteuid(), gid = (unsigned)getegid();
	char *want = t_strdupf("%u %u\n%u %u 1\n%u %u 1\n", uid, gid, uid, uid, gid, gid);

	if (uid == 0) {
		assert_probe(p,
			     "echo $(id -u) $(id -g) > /w/out; tr -s ' ' < /proc/self/uid_map | sed 's/^ //' >> /w/out",
			     "0 0\n0 0 4294967295\n");
	} else {
		assert_probe(p,
			     "echo $(id -u) $(id -g) > /w/out; "
			     "for m in uid_map gid_map; do tr -s ' ' < /proc/self/$m | sed 's/^ //' >> /w/out; done",
			     want);
		/* PID 1 is not dumpable: its /proc files belong to root, which is not mapped
		 * here and shows as the overflow id; the program's own are the user's. */
		free(want);
		ck_assert_ptr_nonnull(f);
		ck_assert_int_eq(fscanf(f, "%u", &overflow), 1);
		ck_assert_uint_ne(overflow, uid);
		want = t_strdupf("%u\n%u\n", overflow, uid);
		assert_probe(p, "stat -c %u /proc/1/environ /proc/self/environ > /w/out", want);
		assert_probe(p, "cat /proc/1/environ > /dev/null 2>&1; echo $? > /w/out", "1\n");
	}
	if (f)
		fclose(f);
	free(want);
	vr_plan_free(p);
}

#define ZERO_CAPS "0000000000000000"

/* The capability sets and no_new_privs of the program, and of PID 1, which keeps only
 * CAP_KILL (bit 5). The caller's own bounding set is full: the test can fail. */
static void
capabilities_dropped_body(void)
{
	struct vr_plan *p = minimal_plan();
	char *own = t_read_file("/proc/self/status");

	ck_assert_ptr_nonnull(own);
	ck_assert_ptr_null(strstr(own, "CapBnd:\t" ZERO_CAPS));
	ck_assert_ptr_nonnull(strstr(own, "NoNewPrivs:\t0"));
	assert_probe(p,
		     "grep -E '^(Cap(Inh|Prm|Eff|Bnd|Amb)|NoNewPrivs):' /proc/self/status > /w/out; "
		     "grep -E '^(Cap(Prm|Eff|Bnd|Amb)|NoNewPrivs):' /proc/1/status >> /w/out",
		     "CapInh:\t" ZERO_CAPS "\nCapPrm:\t" ZERO_CAPS "\nCapEff:\t" ZERO_CAPS "\nCapBnd:\t" ZERO_CAPS
		     "\nCapAmb:\t" ZERO_CAPS "\nNoNewPrivs:\t1\n"
		     "CapPrm:\t0000000000000020\nCapEff:\t0000000000000020\nCapBnd:\t" ZERO_CAPS "\nCapAmb:\t" ZERO_CAPS
		     "\nNoNewPrivs:\t1\n");
	free(own);
	vr_plan_free(p);
}

/* Limits, soft and hard, as /proc/self/limits shows them; one that cannot be set stops
 * the run. */
static void
rlimits_body(void)
{
	struct vr_plan *p = minimal_plan();
	struct vr_error e = VR_ERROR_INIT;
	char *own = t_read_file("/proc/self/limits");
	struct rlimit fsize;
	int r;

	ck_assert_int_eq(getrlimit(RLIMIT_FSIZE, &fsize), 0);
	ck_assert_ptr_nonnull(own);
	ck_assert_ptr_null(strstr(own, "Max open files            64                   64"));
	ck_assert_int_eq(vr_plan_set_rlimit(p, RLIMIT_NOFILE, 64, &e), 0);
	ck_assert_int_eq(vr_plan_set_rlimit(p, RLIMIT_CORE, 0, &e), 0);
	/* Unlimited, where the caller's hard limit lets it. */
	if (fsize.rlim_max == RLIM_INFINITY)
		ck_assert_int_eq(vr_plan_set_rlimit(p, RLIMIT_FSIZE, RLIM_INFINITY, &e), 0);
	assert_probe(p,
		     "grep -E '^Max (file size|core file size|open files)' /proc/self/limits | tr -s ' ' | sed 's/ "
		     "$//' > /w/out",
		     fsize.rlim_max == RLIM_INFINITY
			     ? "Max file size unlimited unlimited bytes\nMax core file size 0 0 bytes\n"
			       "Max open files 64 64 files\n"
			     : free_at_teardown(t_strdupf(
				       "Max file size %llu %llu bytes\nMax core file size 0 0 bytes\n"
				       "Max open files 64 64 files\n",
				       (unsigned long long)fsize.rlim_cur, (unsigned long long)fsize.rlim_max)));
	/* Above fs.nr_open: refused even for root. */
	ck_assert_int_eq(unlink(free_at_teardown(t_strdupf("%s/out", scratch_dir))), 0);
	ck_assert_int_eq(vr_plan_set_rlimit(p, RLIMIT_NOFILE, 1U << 30, &e), 0);
	r = run_sh(p, "echo ran > /w/out", &e);
	ck_assert_int_eq(r, -EPERM);
	ck_assert_int_eq(vr_exit_status(r), 125);
	ck_assert_str_eq(e.where, "limits.nofile");
	ck_assert_str_eq(e.message, "cannot set the limit to 1073741824: Operation not permitted");
	ck_assert_str_eq(free_at_teardown(read_in_scratch("out")), "");
	free(own);
	vr_plan_free(p);
}

/* Run argv with the caller's stderr going to /w/stderr (the library's own line). */
static int
run_sh_stderr(struct vr_plan *p, const char *script, struct vr_error *e)
{
	char *path = in_scratch("stderr");
	int saved = fcntl(2, F_DUPFD_CLOEXEC, 3), fd, r;

	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_ge(saved, 0);
	ck_assert_int_eq(dup2(fd, 2), 2);
	r = run_sh(p, script, e);
	ck_assert_int_eq(dup2(saved, 2), 2);
	close(fd);
	close(saved);
	free(path);
	return r;
}

static double
seconds_since(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - t0->tv_sec) + (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

static void
timeout_body(void)
{
	struct vr_plan *p = minimal_plan();
	struct timespec t0;
	double took;

	/* In time: the program's own status. */
	vr_plan_set_timeout(p, 200, UINT64_MAX);
	ck_assert_int_eq(run_sh_stderr(p, "exit 3", NULL), 3);
	ck_assert_str_eq(free_at_teardown(read_in_scratch("stderr")), "");

	/* Out of time: SIGTERM ends it, 124. */
	clock_gettime(CLOCK_MONOTONIC, &t0);
	ck_assert_int_eq(run_sh_stderr(p, "exec sleep 30", NULL), VR_EXIT_TIMEOUT);
	took = seconds_since(&t0);
	ck_assert_msg(took >= 0.19 && took < 1.5, "took %.3fs", took);
	ck_assert_str_eq(free_at_teardown(read_in_scratch("stderr")),
			 "venvrun: the program ran out of time (timeout 200ms); it was sent SIGTERM\n");

	/* A program that ignores SIGTERM is killed after the grace period, with everything
	 * in its namespace. */
	vr_plan_set_timeout(p, 200, 300);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	ck_assert_int_eq(run_sh_stderr(p, "trap '' TERM; sleep 30 & wait; sleep 30", NULL), VR_EXIT_TIMEOUT);
	took = seconds_since(&t0);
	ck_assert_msg(took >= 0.49 && took < 2.0, "took %.3fs", took);
	ck_assert_str_eq(free_at_teardown(read_in_scratch("stderr")),
			 "venvrun: the program ran out of time (timeout 200ms); "
			 "it was sent SIGTERM, and SIGKILL 300ms later\n");
	vr_plan_free(p);
}

/* A passed descriptor is there at its number, even when the caller has it close-on-exec;
 * one not passed is not. */
static void
pass_fd_body(void)
{
	struct vr_plan *p = minimal_plan();
	struct vr_error e = VR_ERROR_INIT;
	int fds[2], r;

	ck_assert_int_eq(pipe(fds), 0);
	ck_assert_int_eq(dup3(fds[0], 7, O_CLOEXEC), 7);
	ck_assert_int_eq(write(fds[1], "hello\n", 6), 6);
	close(fds[0]);
	close(fds[1]);

	assert_probe(p, "(cat <&7) 2>/w/err; echo $? > /w/out; grep -c 'Bad file descriptor' /w/err >> /w/out",
		     "2\n1\n");
	ck_assert_int_eq(vr_plan_pass_fd(p, 7, &e), 0);
	assert_probe(p, "ls /proc/self/fd > /w/out; cat <&7 >> /w/out", "0\n1\n2\n3\n7\nhello\n");
	close(7);

	/* Passing one that is not open is an error, naming it. */
	r = run_sh(p, "echo ran > /w/out", &e);
	ck_assert_int_eq(r, -EBADF);
	ck_assert_int_eq(vr_exit_status(r), 125);
	ck_assert_str_eq(e.where, "--pass-fd");
	ck_assert_str_eq(e.message, "descriptor 7 is not open here: Bad file descriptor");
	vr_plan_free(p);
}

static void
listen_pid_body(void)
{
	struct vr_plan *p = minimal_plan();
	struct vr_error e = VR_ERROR_INIT;
	char *env[] = { "LISTEN_PID=999", "PATH=/usr/bin:/bin", "LISTEN_FDS=1", NULL };

	ck_assert_int_eq(vr_plan_set_env(p, env, &e), 0);
	assert_probe(p, "env | grep ^LISTEN_ > /w/out", "LISTEN_PID=999\nLISTEN_FDS=1\n");
	/* The program's own pid (as it sees it, in its PID namespace), in the place of the
	 * plan's. */
	vr_plan_set_listen_pid(p, true);
	assert_probe(p, "env | grep ^LISTEN_ > /w/out; echo $$ >> /w/out", "LISTEN_PID=2\nLISTEN_FDS=1\n2\n");
	vr_plan_free(p);
}

/* A new session: the program leads it. Kept: it is in the caller's, which is not in the
 * sandbox's PID namespace (session 0 there). */
static void
session_body(void)
{
	struct vr_plan *p = minimal_plan();

	vr_plan_set_session(p, VR_SESSION_NEW);
	assert_probe(p, "cut -d' ' -f1,6 /proc/$$/stat > /w/out", "2 2\n");
	vr_plan_set_session(p, VR_SESSION_KEEP);
	assert_probe(p, "cut -d' ' -f1,6 /proc/$$/stat > /w/out", "2 0\n");
	vr_plan_free(p);
}

/* What only root may ask for, refused before anything runs. */
static void
root_only_refused_body(void)
{
	struct vr_plan *p = minimal_plan();
	struct vr_error e = VR_ERROR_INIT;
	int r;

	if (geteuid() == 0)
		vr_plan_set_namespaces(p, vr_plan_get_namespaces(p) | VR_NS_USER);
	vr_plan_set_capabilities(p, UINT64_C(1) << CAP_NET_BIND_SERVICE);
	r = run_sh(p, "echo ran > /w/out", &e);
	ck_assert_int_eq(r, -VR_ERR_HARDENING);
	ck_assert_int_eq(vr_exit_status(r), 125);
	ck_assert_str_eq(e.where, "capabilities.keep");
	ck_assert_str_eq(e.message, "needs venvrun started as root without a user namespace");
	vr_plan_free(p);

	if (geteuid() != 0) {
		p = minimal_plan();
		vr_plan_set_ids(p, 4243, 4243);
		r = run_sh(p, "echo ran > /w/out", &e);
		ck_assert_int_eq(r, -VR_ERR_HARDENING);
		ck_assert_str_eq(e.message, "user/group need venvrun started as root");
		vr_plan_free(p);
	}
	ck_assert_str_eq(free_at_teardown(read_in_scratch("out")), "");
}

/* cgroup limits without a delegated cgroup v2 (as on hybrid systems): a clear refusal. */
static bool
own_cgroup_has_memory(void)
{
	char *self = t_read_file("/proc/self/cgroup"), *line, *controllers = NULL, *path;
	bool has = false;

	if (!self)
		return false;
	line = strstr(self, "0::/");
	if (line) {
		line[strcspn(line, "\n")] = 0;
		path = t_strdupf("/sys/fs/cgroup%s/cgroup.controllers", line + 3);
		controllers = t_read_file(path);
		free(path);
		path = t_strdupf("/sys/fs/cgroup/unified%s/cgroup.controllers", line + 3);
		if (!controllers)
			controllers = t_read_file(path);
		free(path);
	}
	has = controllers && strstr(controllers, "memory");
	free(controllers);
	free(self);
	return has;
}

static void
cgroup_limits_body(void)
{
	struct vr_plan *p = minimal_plan();
	struct vr_error e = VR_ERROR_INIT;
	int r;

	vr_plan_set_cgroup_limits(p, 64 << 20, UINT64_MAX);
	r = run_sh(p, "echo ran > /w/out", &e);
	if (own_cgroup_has_memory()) {
		/* A delegated cgroup: then the limit must work. */
		ck_assert_int_eq(r, 0);
		vr_plan_free(p);
		return;
	}
	ck_assert_int_eq(r, -VR_ERR_HARDENING);
	ck_assert_int_eq(vr_exit_status(r), 125);
	ck_assert_str_eq(e.where, "limits.memory");
	ck_assert_msg(vr_startswith(e.message, "needs ") && strstr(e.message, "memory controller"), "%s", e.message);
	ck_assert_msg(strstr(e.hint, "Delegate=yes"), "%s", e.hint);
	ck_assert_str_eq(free_at_teardown(read_in_scratch("out")), "");

	vr_plan_set_cgroup_limits(p, UINT64_MAX, 100);
	r = run_sh(p, "echo ran > /w/out", &e);
	ck_assert_int_eq(r, -VR_ERR_HARDENING);
	ck_assert_str_eq(e.where, "limits.pids");
	vr_plan_free(p);
}

CORE_CASE(identity)
CORE_CASE(capabilities_dropped)
CORE_CASE(rlimits)
CORE_CASE(timeout)
CORE_CASE(pass_fd)
CORE_CASE(listen_pid)
CORE_CASE(session)
CORE_CASE(root_only_refused)
CORE_CASE(cgroup_limits)

/* ---- root only ---- */

/* Asked for, a user namespace as root maps root to root, and nothing else. */
START_TEST(user_namespace_on_request)
{
	struct vr_plan *p = minimal_plan();

	vr_plan_set_namespaces(p, vr_plan_get_namespaces(p) | VR_NS_USER);
	assert_probe(p, "tr -s ' ' < /proc/self/uid_map | sed 's/^ //' > /w/out; cat /proc/self/setgroups >> /w/out",
		     "0 0 1\ndeny\n");
	vr_plan_free(p);
}
END_TEST

/* Kept capabilities, as root without a user namespace (a service binding port 80): in
 * every set, as root and as another user; without them the same bind is refused. */
static const char *const bind_80 = "/usr/bin/python3 -c 'import socket, errno\n"
				   "try:\n"
				   "    socket.socket().bind((\"127.0.0.1\", 80)); print(\"bound\")\n"
				   "except OSError as e:\n"
				   "    print(errno.errorcode[e.errno])' >> /w/out";

static void
assert_bind_80(struct vr_plan *p, const char *caps, const char *result)
{
	char *script = t_strdupf("grep -E '^Cap(Inh|Prm|Eff|Bnd|Amb):' /proc/self/status | cut -f2 | uniq > /w/out; %s",
				 bind_80);
	char *want = t_strdupf("%s\n%s\n", caps, result);

	assert_probe(p, script, want);
	free(script);
	free(want);
}

START_TEST(capabilities_kept)
{
	struct vr_plan *p = minimal_plan();

	ck_assert_int_eq(chmod(scratch_dir, 0777), 0);
	vr_plan_set_namespaces(p, vr_plan_get_namespaces(p) | VR_NS_NET);
	vr_plan_set_loopback(p, true);
	assert_bind_80(p, ZERO_CAPS, "EACCES");
	vr_plan_set_capabilities(p, UINT64_C(1) << CAP_NET_BIND_SERVICE);
	assert_bind_80(p, "0000000000000400", "bound");
	/* As nobody: the ambient set carries them over execve. */
	ck_assert_int_eq(unlink(free_at_teardown(t_strdupf("%s/out", scratch_dir))), 0);
	vr_plan_set_ids(p, 65534, 65534);
	assert_bind_80(p, "0000000000000400", "bound");
	vr_plan_set_capabilities(p, 0);
	ck_assert_int_eq(unlink(free_at_teardown(t_strdupf("%s/out", scratch_dir))), 0);
	assert_bind_80(p, ZERO_CAPS, "EACCES");
	vr_plan_free(p);
}
END_TEST

/* Another user, with no supplementary groups (the caller has some here), and a tmpfs home
 * that user can write. */
static void
ids_body(bool userns)
{
	struct vr_plan *p = minimal_plan();
	const gid_t groups[] = { 0, 4244 };
	unsigned id = userns ? 4243 : 65534;
	char *want;

	ck_assert_int_eq(setgroups(ELEMENTSOF(groups), groups), 0);
	ck_assert_int_eq(chmod(scratch_dir, 0777), 0);
	add_mount(p, VR_MNT_TMPFS, NULL, "/home/u", 0);
	if (userns)
		vr_plan_set_namespaces(p, vr_plan_get_namespaces(p) | VR_NS_USER);
	/* In a user namespace, the unmapped group shows as the overflow gid. */
	assert_probe(p, "echo $(id -u) $(id -g) > /w/out; grep ^Groups: /proc/self/status | tr -d '\\t ' >> /w/out",
		     userns ? "0 0\nGroups:065534\n" : "0 0\nGroups:04244\n");
	ck_assert_int_eq(unlink(free_at_teardown(t_strdupf("%s/out", scratch_dir))), 0);
	vr_plan_set_ids(p, id, id);
	want = t_strdupf("%u %u\nGroups:\n%u %u\n%u\n", id, id, id, id, id);
	assert_probe(p,
		     "echo $(id -u) $(id -g) > /w/out; grep ^Groups: /proc/self/status | tr -d '\\t ' >> /w/out; "
		     "stat -c '%u %g' /home/u >> /w/out; touch /home/u/x && stat -c %u /home/u/x >> /w/out",
		     want);
	free(want);
	if (userns) {
		ck_assert_int_eq(unlink(free_at_teardown(t_strdupf("%s/out", scratch_dir))), 0);
		assert_probe(p, "tr -s ' ' < /proc/self/uid_map | sed 's/^ //' > /w/out", "0 0 1\n4243 4243 1\n");
	}
	vr_plan_free(p);
}

START_TEST(ids)
{
	ids_body(false);
}
END_TEST

START_TEST(ids_in_user_namespace)
{
	ids_body(true);
}
END_TEST

/* The run's cgroup, against a fake cgroup tree: what is missing is named. */
START_TEST(cgroup_fake_tree)
{
	struct vr_cgroup cg = { -1, -1, "" };
	struct vr_error e = VR_ERROR_INIT;
	char *dir = in_scratch("cg"), *controllers = in_scratch("cg/cgroup.controllers");
	char *subtree = in_scratch("cg/cgroup.subtree_control"), *made, *s;
	struct stat st;
	int r;

	mkdir_in_scratch("cg");
	t_write_file(controllers, "", false);
	t_write_file(subtree, "", false);
	r = vr_cgroup_make(dir, 1 << 20, UINT64_MAX, &cg, &e);
	ck_assert_int_eq(r, -VR_ERR_HARDENING);
	ck_assert_str_eq(e.where, "limits.memory");
	ck_assert_str_eq(
		e.message,
		free_at_teardown(t_strdupf(
			"needs a delegated cgroup v2 with the memory controller; %s/ has no controllers", dir)));
	vr_cgroup_done(&cg);

	t_write_file(controllers, "cpu io memory\n", false);
	r = vr_cgroup_make(dir, UINT64_MAX, 10, &cg, &e);
	ck_assert_int_eq(r, -VR_ERR_HARDENING);
	ck_assert_str_eq(e.where, "limits.pids");
	ck_assert_str_eq(
		e.message,
		free_at_teardown(t_strdupf(
			"needs a delegated cgroup v2 with the pids controller; %s/ has only: cpu io memory", dir)));
	vr_cgroup_done(&cg);

	/* Listed, not yet enabled for children: enabled; then the run's cgroup is made (a
	 * plain directory here, without the kernel's files, so the limit cannot be written)
	 * and removed again. */
	t_write_file(controllers, "memory pids\n", false);
	t_write_file(subtree, "memory\n", false);
	/* Leaves earlier runs moved into: an empty one (the run is over) is removed; one that
	 * is not empty (a run going on; a file stands for its process here) stays, and so does
	 * anything not venvrun's. */
	mkdir_in_scratch("cg/venvrun-999999.self");
	mkdir_in_scratch("cg/venvrun-999998.self");
	t_write_file(free_at_teardown(in_scratch("cg/venvrun-999998.self/cgroup.procs")), "42\n", false);
	mkdir_in_scratch("cg/other.self");
	r = vr_cgroup_make(dir, 1 << 20, 10, &cg, &e);
	ck_assert(!t_exists(free_at_teardown(in_scratch("cg/venvrun-999999.self"))));
	ck_assert(t_exists(free_at_teardown(in_scratch("cg/venvrun-999998.self"))));
	ck_assert(t_exists(free_at_teardown(in_scratch("cg/other.self"))));
	ck_assert_int_eq(r, -ENOENT);
	ck_assert_str_eq(e.where, "limits.memory");
	made = t_strdupf("%s/venvrun-%d", dir, (int)getpid());
	ck_assert_int_eq(stat(made, &st), 0);
	vr_cgroup_done(&cg);
	ck_assert_int_eq(stat(made, &st), -1);
	/* Written over the fake file's start, as the kernel's takes it. */
	s = t_read_file(subtree);
	ck_assert_msg(vr_startswith(s, "+pids"), "%s", s);
	free(s);
	free(made);
	free(dir);
	free(controllers);
	free(subtree);
}
END_TEST

static const struct t_case root_cases[] = {
	T_CASE(identity),
	T_CASE(user_namespace_on_request),
	T_CASE(capabilities_dropped),
	T_CASE(rlimits),
	T_CASE(timeout),
	T_CASE(pass_fd),
	T_CASE(listen_pid),
	T_CASE(session),
	T_CASE(root_only_refused),
	T_CASE(cgroup_limits),
	T_CASE(capabilities_kept),
	T_CASE(ids),
	T_CASE(ids_in_user_namespace),
	T_CASE(cgroup_fake_tree),
};

static const struct t_case unprivileged_cases[] = {
	T_CASE(identity_unprivileged),	    T_CASE(capabilities_dropped_unprivileged),
	T_CASE(rlimits_unprivileged),	    T_CASE(timeout_unprivileged),
	T_CASE(pass_fd_unprivileged),	    T_CASE(listen_pid_unprivileged),
	T_CASE(session_unprivileged),	    T_CASE(root_only_refused_unprivileged),
	T_CASE(cgroup_limits_unprivileged),
};

const struct sandbox_cases sandbox_hardening_cases = {
	.as_root = root_cases,
	.n_as_root = ELEMENTSOF(root_cases),
	.unprivileged = unprivileged_cases,
	.n_unprivileged = ELEMENTSOF(unprivileged_cases),
};
