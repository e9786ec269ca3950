/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The sandbox executor, driven through the library: plans are built here and run with
 * vr_plan_run() in the forked test process, on a minimal root (the host's /usr read-only,
 * the merged-/usr links, /etc/ld.so.cache, a tmpfs /tmp, /proc, /dev, and the test's
 * scratch directory read-write at /w). Programs are /bin/sh scripts that write what they
 * see into /w, which the test then compares exactly.
 *
 * Every case runs as root; the core cases run again as an unprivileged user (uid and gid
 * 4242, set in the forked test process before the run), where the sandbox needs a user
 * namespace of its own. Not 65534: that is the overflow id, which an unmapped owner shows
 * as inside a user namespace, and the cases must tell the two apart.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#if __has_include(<valgrind/valgrind.h>)
#include <valgrind/valgrind.h>
#else
#define RUNNING_ON_VALGRIND 0
#endif

#include "venvrun/error.h"
#include "venvrun/plan.h"
#include "venvrun/run.h"

#include "macro.h"
#include "testlib.h"

/* sandbox/mount.h: run the fallback for kernels without the new mount API. */
extern bool vr_mount_legacy;

/* sandbox/cgroup.h: the run's cgroup below a given directory, here a fake tree. */
struct vr_cgroup {
	int parent_fd;
	int fd;
	char name[32];
};
int vr_cgroup_make(const char *dir, uint64_t memory_max, uint64_t pids_max, struct vr_cgroup *cg, struct vr_error *err);
void vr_cgroup_done(struct vr_cgroup *cg);

#define UNPRIVILEGED_ID 4242

static char *scratch;

/* Strings made inline in a case, freed at teardown (the sanitizer build checks leaks). */
static char **kept;
static size_t n_kept;

static char *
keep(char *s)
{
	char **k = realloc(kept, (n_kept + 1) * sizeof *k);

	ck_assert_ptr_nonnull(k);
	kept = k;
	kept[n_kept++] = s;
	return s;
}

static void
setup(void)
{
	char *t = t_tmpdir("sandbox");

	/* A sandbox that fails to end (a daemon not killed, a signal not passed on) would
	 * hang the case: end it, with its sandbox (which dies with its caller), long before
	 * the suite's own time limit. */
	alarm(120);

	scratch = realpath(t, NULL);
	ck_assert_ptr_nonnull(scratch);
	free(t);
}

static void
teardown(void)
{
	t_rm_rf(scratch);
	free(scratch);
	for (size_t i = 0; i < n_kept; i++)
		free(kept[i]);
	free(kept);
	kept = NULL;
	n_kept = 0;
}

/*
 * Become uid and gid 4242 in this (forked) test process, as a login of that user would
 * be. The kernel makes a process that changed its ids non-dumpable, and /proc/self of a
 * non-dumpable process belongs to root, where an unprivileged process could not write its
 * own user namespace maps: a freshly logged-in user's process is dumpable, so this one is
 * made dumpable again too. A no-op when the tests do not run as root.
 */
static void
become_unprivileged(void)
{
	if (geteuid() != 0)
		return;
	/* The scratch directory is the user's; the tests' temporary parent directory (0700)
	 * must let it through. */
	ck_assert_int_eq(chmod(getenv("TMPDIR"), 0711), 0);
	ck_assert_int_eq(chown(scratch, UNPRIVILEGED_ID, UNPRIVILEGED_ID), 0);
	ck_assert_int_eq(setgroups(0, NULL), 0);
	ck_assert_int_eq(setresgid(UNPRIVILEGED_ID, UNPRIVILEGED_ID, UNPRIVILEGED_ID), 0);
	ck_assert_int_eq(setresuid(UNPRIVILEGED_ID, UNPRIVILEGED_ID, UNPRIVILEGED_ID), 0);
	ck_assert_int_eq(prctl(PR_SET_DUMPABLE, 1), 0);
}

static char *
in_scratch(const char *rel)
{
	return t_strdupf("%s/%s", scratch, rel);
}

static void
mkdir_in_scratch(const char *rel)
{
	char *p = in_scratch(rel);

	ck_assert_msg(mkdir(p, 0755) == 0, "mkdir %s: %s", p, strerror(errno));
	free(p);
}

static void
write_in_scratch(const char *rel, const char *content, bool executable)
{
	char *p = in_scratch(rel);

	t_write_file(p, content, executable);
	free(p);
}

/* What a probe wrote into /w/<rel>; "" when nothing. */
static char *
read_in_scratch(const char *rel)
{
	char *p = in_scratch(rel);
	char *s = t_read_file(p);

	free(p);
	return s ? s : strdup("");
}

static void
add(struct vr_plan *p, enum vr_mount_type type, const char *source, const char *target, unsigned flags)
{
	struct vr_error e = VR_ERROR_INIT;
	int r = vr_plan_add_mount(p, type, source, target, flags, &e);

	ck_assert_msg(r == 0, "adding %s: %s", target, e.message);
}

/* The minimal root every case starts from, and the scratch directory at /w. */
static struct vr_plan *
minimal_plan(void)
{
	struct vr_error e = VR_ERROR_INIT;
	char *env[] = { "PATH=/usr/bin:/bin", "HOME=/w", NULL };
	struct vr_plan *p = NULL;

	ck_assert_int_eq(vr_plan_new(&p, &e), 0);
	add(p, VR_MNT_BIND, "/usr", "/usr", VR_MNT_F_RO);
	add(p, VR_MNT_SYMLINK, "usr/bin", "/bin", 0);
	add(p, VR_MNT_SYMLINK, "usr/lib", "/lib", 0);
	add(p, VR_MNT_SYMLINK, "usr/lib64", "/lib64", 0);
	add(p, VR_MNT_SYMLINK, "usr/sbin", "/sbin", 0);
	add(p, VR_MNT_BIND, "/etc/ld.so.cache", "/etc/ld.so.cache", VR_MNT_F_RO);
	add(p, VR_MNT_TMPFS, NULL, "/tmp", 0);
	add(p, VR_MNT_PROC, NULL, "/proc", 0);
	add(p, VR_MNT_DEV, NULL, "/dev", 0);
	add(p, VR_MNT_BIND, scratch, "/w", 0);
	ck_assert_int_eq(vr_plan_set_env(p, env, &e), 0);
	return p;
}

/* Run argv in the plan: the program's status, or the library's negative code with *e. */
static int
run_argv(struct vr_plan *p, char *const argv[], struct vr_error *e)
{
	struct vr_error ignored = VR_ERROR_INIT;
	int status = -1000, r;

	ck_assert_int_eq(vr_plan_set_argv(p, argv, &ignored), 0);
	r = vr_plan_run(p, &status, e ? e : &ignored);
	if (r < 0)
		return r;
	ck_assert_int_eq(r, 0);
	ck_assert_int_ge(status, 0);
	return status;
}

static int
run_sh(struct vr_plan *p, const char *script, struct vr_error *e)
{
	char *argv[] = { "/bin/sh", "-c", (char *)script, NULL };

	return run_argv(p, argv, e);
}

/* Run a probe that must succeed, and return what it wrote to /w/out. */
static char *
probe(struct vr_plan *p, const char *script)
{
	struct vr_error e = VR_ERROR_INIT;
	int r = run_sh(p, script, &e);

	ck_assert_msg(r == 0, "probe failed (%d: %s): %s", r, e.message, script);
	return read_in_scratch("out");
}

static void
assert_probe(struct vr_plan *p, const char *script, const char *want)
{
	char *out = probe(p, script);

	ck_assert_msg(streq(out, want), "probe %s\nprinted:\n%s\nwanted:\n%s", script, out, want);
	free(out);
}

/* A number no other test run uses, for sleep arguments that mark our processes. */
static char *
marker(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return t_strdupf("1000.%d%06ld", (int)getpid(), ts.tv_nsec / 1000);
}

/* How many processes on the host have `needle` in their command line. */
static int
host_processes_with(const char *needle)
{
	DIR *d = opendir("/proc");
	struct dirent *de;
	int n = 0;

	ck_assert_ptr_nonnull(d);
	while ((de = readdir(d))) {
		char path[300], buf[4096];
		ssize_t len;
		int fd;

		if (de->d_name[0] < '0' || de->d_name[0] > '9')
			continue;
		snprintf(path, sizeof path, "/proc/%s/cmdline", de->d_name);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		len = read(fd, buf, sizeof buf - 1);
		close(fd);
		if (len <= 0)
			continue;
		for (ssize_t i = 0; i < len; i++)
			if (buf[i] == 0)
				buf[i] = ' ';
		buf[len] = 0;
		if (strstr(buf, needle))
			n++;
	}
	closedir(d);
	return n;
}

/* Children of this process that are still there (zombies included). */
static int
own_children(void)
{
	DIR *d = opendir("/proc");
	struct dirent *de;
	int n = 0;

	ck_assert_ptr_nonnull(d);
	while ((de = readdir(d))) {
		char path[300];
		char *stat, *close_paren;
		int ppid;

		if (de->d_name[0] < '0' || de->d_name[0] > '9')
			continue;
		snprintf(path, sizeof path, "/proc/%s/stat", de->d_name);
		stat = t_read_file(path);
		if (!stat)
			continue;
		close_paren = strrchr(stat, ')');
		if (close_paren && sscanf(close_paren + 2, "%*c %d", &ppid) == 1 && ppid == getpid())
			n++;
		free(stat);
	}
	closedir(d);
	return n;
}

static void
wait_for_file(const char *rel)
{
	char *p = in_scratch(rel);
	struct stat st;

	for (int i = 0; i < 1000; i++) {
		if (stat(p, &st) == 0 && st.st_size > 0)
			break;
		usleep(10000);
	}
	ck_assert_msg(stat(p, &st) == 0 && st.st_size > 0, "%s never appeared", p);
	free(p);
}

/* ---- core cases: as root, and again unprivileged ---- */

static void
exit_status_body(void)
{
	struct vr_plan *p = minimal_plan();

	ck_assert_int_eq(run_sh(p, "exit 0", NULL), 0);
	ck_assert_int_eq(run_sh(p, "exit 3", NULL), 3);
	ck_assert_int_eq(run_sh(p, "exit 255", NULL), 255);
	/* Death by a signal is 128 + N, whatever the signal. */
	ck_assert_int_eq(run_sh(p, "kill -9 $$", NULL), 128 + SIGKILL);
	ck_assert_int_eq(run_sh(p, "kill -TERM $$", NULL), 128 + SIGTERM);
	vr_plan_free(p);
}

static void
exec_failures_body(void)
{
	struct vr_plan *p = minimal_plan();
	struct vr_error e = VR_ERROR_INIT;
	char *missing[] = { "no-such-command-venvrun", NULL };
	char *missing_path[] = { "/usr/bin/no-such-command-venvrun", NULL };
	char *dir[] = { "/usr", NULL };
	char *not_executable[] = { "/etc/ld.so.cache", NULL };
	char *no_shebang[] = { "/w/script", NULL };
	int r;

	r = run_argv(p, missing, &e);
	ck_assert_int_eq(r, -VR_ERR_COMMAND_NOT_FOUND);
	ck_assert_int_eq(vr_exit_status(r), 127);
	ck_assert_str_eq(e.where, "no-such-command-venvrun");
	ck_assert_str_eq(e.message, "command not found in the sandbox");
	ck_assert_str_eq(e.hint, "PATH there is '/usr/bin:/bin'");

	r = run_argv(p, missing_path, &e);
	ck_assert_int_eq(r, -VR_ERR_COMMAND_NOT_FOUND);
	ck_assert_str_eq(e.where, "/usr/bin/no-such-command-venvrun");

	r = run_argv(p, dir, &e);
	ck_assert_int_eq(r, -VR_ERR_CANNOT_EXEC);
	ck_assert_int_eq(vr_exit_status(r), 126);
	ck_assert_str_eq(e.where, "/usr");
	ck_assert_str_eq(e.message, "cannot execute it in the sandbox: Permission denied");

	r = run_argv(p, not_executable, &e);
	ck_assert_int_eq(r, -VR_ERR_CANNOT_EXEC);
	ck_assert_str_eq(e.where, "/etc/ld.so.cache");

	/* Executable, but neither ELF nor #!: no falling back to /bin/sh. */
	write_in_scratch("script", "echo hi\n", true);
	r = run_argv(p, no_shebang, &e);
	ck_assert_int_eq(r, -VR_ERR_CANNOT_EXEC);
	ck_assert_str_eq(e.message, "cannot execute it in the sandbox: Exec format error");
	vr_plan_free(p);
}

static void
path_lookup_body(void)
{
	struct vr_plan *p = minimal_plan();
	struct vr_error e = VR_ERROR_INIT;
	char *env[] = { "PATH=/w/no-such-dir:/w/bin1:/w/bin2:/usr/bin", NULL };
	char *tool[] = { "tool", "arg", NULL };

	/* The plan's PATH, inside the sandbox: /w/bin1/tool is not executable and is
	 * skipped, /w/bin2/tool runs. Neither is on the caller's PATH. */
	mkdir_in_scratch("bin1");
	mkdir_in_scratch("bin2");
	write_in_scratch("bin1/tool", "#!/bin/sh\nexit 1\n", false);
	write_in_scratch("bin2/tool", "#!/bin/sh\necho \"$0 $1\" > /w/out\nexit 6\n", true);
	ck_assert_int_eq(vr_plan_set_env(p, env, &e), 0);
	ck_assert_int_eq(run_argv(p, tool, &e), 6);
	assert_probe(p, "tool x; exit 0", "/w/bin2/tool x\n");

	/* Found only where it cannot be executed: 126, not 127. */
	ck_assert_int_eq(unlink(keep(t_strdupf("%s/bin2/tool", scratch))), 0);
	ck_assert_int_eq(run_argv(p, tool, &e), -VR_ERR_CANNOT_EXEC);
	vr_plan_free(p);
}

static void
environment_and_stdio_body(void)
{
	struct vr_plan *p = minimal_plan();
	struct vr_error e = VR_ERROR_INIT;
	char *env[] = { "B=2", "PATH=/usr/bin", "A=one two", NULL };
	char *argv[] = { "/usr/bin/env", NULL };
	char *path = in_scratch("stdout"), *out;
	int saved = fcntl(1, F_DUPFD_CLOEXEC, 3), fd;

	/* Exactly the plan's environment, in its order (nothing of the test's own); and the
	 * caller's stdout is the program's. */
	ck_assert_int_eq(vr_plan_set_env(p, env, &e), 0);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_ge(saved, 0);
	ck_assert_int_eq(dup2(fd, 1), 1);
	ck_assert_int_eq(run_argv(p, argv, &e), 0);
	ck_assert_int_eq(dup2(saved, 1), 1);
	out = read_in_scratch("stdout");
	ck_assert_str_eq(out, "B=2\nPATH=/usr/bin\nA=one two\n");
	free(out);

	/* A descriptor the caller leaked (no O_CLOEXEC), here to a host directory, would be
	 * a way out of the mount plan: the program gets stdin, stdout and stderr only (3 is
	 * the directory ls reads). */
	ck_assert_int_eq(dup2(open("/etc", O_RDONLY | O_DIRECTORY | O_CLOEXEC), 9), 9);
	assert_probe(p, "ls /proc/self/fd > /w/out", "0\n1\n2\n3\n");
	close(9);
	free(path);
	close(fd);
	close(saved);
	vr_plan_free(p);
}

static void
read_only_body(void)
{
	struct vr_plan *p = minimal_plan();
	char *m = marker();
	char *host = t_strdupf("/usr/venvrun-%s", m);
	char *script = t_strdupf("touch /usr/venvrun-%s 2>/w/err; echo $? > /w/out; "
				 "grep -c 'Read-only file system' /w/err >> /w/out; "
				 /* The root itself, and the places the plan did not make writable. */
				 "mkdir /venvrun-probe 2>/dev/null; echo $? >> /w/out; "
				 "touch /etc/venvrun-probe 2>/dev/null; echo $? >> /w/out; "
				 /* What it did make writable. */
				 "touch /tmp/x /w/x /dev/shm/x && echo writable >> /w/out",
				 m);
	char *out = probe(p, script);

	/* Should the bind have been writable, the host's /usr is cleaned up before the
	 * case fails. */
	unlink(host);
	ck_assert_str_eq(out, "1\n1\n1\n1\nwritable\n");
	free(out);
	free(script);
	free(host);
	free(m);
	vr_plan_free(p);
}

/* NOEXEC: nothing on the mount runs, read-only or not. */
static void
noexec_body(void)
{
	struct vr_plan *p = minimal_plan();
	struct vr_error e = VR_ERROR_INIT;
	char *tool[] = { "/opt/tool", NULL };
	char *tmp_tool[] = { "/scratch/tool", NULL };

	mkdir_in_scratch("bin");
	write_in_scratch("bin/tool", "#!/bin/sh\nexit 0\n", true);
	add(p, VR_MNT_BIND, keep(t_strdupf("%s/bin", scratch)), "/opt", VR_MNT_F_NOEXEC);
	add(p, VR_MNT_TMPFS, NULL, "/scratch", VR_MNT_F_NOEXEC);
	assert_probe(p, "grep -c ' /opt rw,nosuid,nodev,noexec' /proc/self/mountinfo > /w/out", "1\n");
	/* Under valgrind, valgrind makes the program's execve itself and reports its own
	 * failure, not the kernel's. */
	if (RUNNING_ON_VALGRIND) {
		vr_plan_free(p);
		return;
	}
	ck_assert_int_eq(run_argv(p, tool, &e), -VR_ERR_CANNOT_EXEC);
	ck_assert_str_eq(e.message, "cannot execute it in the sandbox: Permission denied");
	/* Writable, and still nothing written there runs. */
	ck_assert_int_eq(run_sh(p, "cp /usr/bin/true /scratch/tool && /scratch/tool 2>/dev/null", &e), 126);
	ck_assert_int_eq(run_argv(p, tmp_tool, &e), -VR_ERR_COMMAND_NOT_FOUND);
	vr_plan_free(p);
}

/* The host's /dev has submounts (/dev/shm, /dev/pts): a read-only bind of it must be
 * read-only all the way down. /dev/shm is world-writable on the host, so a writable
 * submount would let even the unprivileged user write. */
static void
read_only_submounts_body(bool legacy)
{
	struct vr_plan *p = minimal_plan();
	char *m = marker();
	char *script = t_strdupf("touch /hostdev/shm/venvrun-%s 2>/w/err; echo $? > /w/out; "
				 "grep -c 'Read-only file system' /w/err >> /w/out; "
				 /* The host may have more than one mount stacked there: the top one. */
				 "grep ' /hostdev/shm ' /proc/self/mountinfo | tail -n 1 | grep -c ' ro,' >> /w/out",
				 m);
	char *leaked = t_strdupf("/dev/shm/venvrun-%s", m), *out;
	struct stat st;
	int r;

	vr_mount_legacy = legacy;
	add(p, VR_MNT_BIND, "/dev", "/hostdev", VR_MNT_F_RO);
	out = probe(p, script);
	r = stat(leaked, &st);
	unlink(leaked);
	ck_assert_str_eq(out, "1\n1\n1\n");
	ck_assert_int_eq(r, -1);
	free(out);
	free(leaked);
	free(script);
	free(m);
	vr_plan_free(p);
}

static void
hide_body(void)
{
	struct vr_plan *p = minimal_plan();

	mkdir_in_scratch("data");
	mkdir_in_scratch("data/secret");
	write_in_scratch("data/secret/a", "a\n", false);
	write_in_scratch("data/file.txt", "content\n", false);
	write_in_scratch("data/kept", "kept\n", false);
	add(p, VR_MNT_BIND, keep(t_strdupf("%s/data", scratch)), "/data", VR_MNT_F_RO);
	add(p, VR_MNT_HIDE, NULL, "/data/secret", 0);
	add(p, VR_MNT_HIDE, NULL, "/data/file.txt", 0);
	add(p, VR_MNT_HIDE, NULL, "/data/not-there", VR_MNT_F_OPTIONAL);
	assert_probe(p,
		     "ls -A /data/secret | wc -l > /w/out; "
		     "cat /data/file.txt 2>/dev/null | wc -c >> /w/out; "
		     "[ -d /data/secret ] && [ -f /data/file.txt ] && echo present >> /w/out; "
		     "touch /data/secret/x 2>/dev/null || echo unwritable >> /w/out; "
		     "cat /data/kept >> /w/out",
		     "0\n0\npresent\nunwritable\nkept\n");
	vr_plan_free(p);
}

static void
absent_paths_body(void)
{
	struct vr_plan *p = minimal_plan();

	/* Only what the plan names: no /root, /home, /run, /var, /etc/passwd. */
	assert_probe(p,
		     "ls -A / > /w/out; ls -A /etc >> /w/out; "
		     "for x in /root /home /run /var /etc/passwd /sys; do [ -e $x ] && echo $x >> /w/out; done; "
		     "echo end >> /w/out",
		     "bin\ndev\netc\nlib\nlib64\nproc\nsbin\ntmp\nusr\nw\nld.so.cache\nend\n");
	vr_plan_free(p);
}

static void
proc_body(void)
{
	struct vr_plan *p = minimal_plan();
	static const char *const masked[] = { "kcore",	       "keys",	   "timer_list",   "sched_debug",
					      "sysrq-trigger", "kallsyms", "latency_stats" };
	char *script, *want, *list = strdup(""), *sizes = strdup("");

	/* Only the sandbox's processes: PID 1 (the init) and the shell itself. */
	assert_probe(p, "echo /proc/[0-9]* > /w/out; cat /proc/1/comm >> /w/out", "/proc/1 /proc/2\nvenvrun-init\n");

	/* The kernel files this kernel has read as empty (or not at all); the tunables are
	 * read-only. */
	for (size_t i = 0; i < ELEMENTSOF(masked); i++) {
		char *host = t_strdupf("/proc/%s", masked[i]), *s;
		struct stat st;

		if (stat(host, &st) == 0) {
			s = t_strdupf("%s /proc/%s", list, masked[i]);
			free(list);
			list = s;
			s = t_strdupf("%s0\n", sizes);
			free(sizes);
			sizes = s;
		}
		free(host);
	}
	script = t_strdupf("for f in%s; do cat $f 2>/dev/null | wc -c; done > /w/out; "
			   "(echo 1 > /proc/sys/kernel/ns_last_pid) 2>&1 | grep -c 'Read-only' >> /w/out; "
			   "grep -c ' /proc/sys ro,' /proc/self/mountinfo >> /w/out",
			   list);
	want = t_strdupf("%s1\n1\n", sizes);
	assert_probe(p, script, want);
	free(script);
	free(want);
	free(list);
	free(sizes);
	vr_plan_free(p);
}

static void
dev_body(void)
{
	struct vr_plan *p = minimal_plan();

	assert_probe(p,
		     "ls -A /dev > /w/out; ls -A /dev/pts >> /w/out; "
		     "echo x > /dev/null && head -c 5 /dev/zero | wc -c >> /w/out; "
		     "head -c 3 /dev/urandom | wc -c >> /w/out; "
		     "stat -c '%a %n' /tmp /dev/shm / /dev >> /w/out; "
		     "readlink /dev/ptmx /dev/fd /dev/stdout >> /w/out",
		     "fd\nfull\nnull\nptmx\npts\nrandom\nshm\nstderr\nstdin\nstdout\ntty\nurandom\nzero\n"
		     "ptmx\n5\n3\n1777 /tmp\n1777 /dev/shm\n755 /\n755 /dev\n"
		     "pts/ptmx\n/proc/self/fd\n/proc/self/fd/1\n");
	vr_plan_free(p);
}

static void
cwd_hostname_network_body(void)
{
	struct vr_plan *p = minimal_plan();
	struct vr_error e = VR_ERROR_INIT;
	const char *connect = "/usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind((\"127.0.0.1\", 0)); "
			      "s.listen(); socket.create_connection(s.getsockname()); print(\"connected\")' >> /w/out "
			      "2>/dev/null; true";

	ck_assert_int_eq(vr_plan_set_cwd(p, "/w", &e), 0);
	ck_assert_int_eq(vr_plan_set_hostname(p, "venvrun-test", &e), 0);
	vr_plan_set_namespaces(p, vr_plan_get_namespaces(p) | VR_NS_NET);
	vr_plan_set_loopback(p, true);
	/* A network namespace of its own: the loopback only, and up. */
	assert_probe(p,
		     keep(t_strdupf("pwd > /w/out; cat /proc/sys/kernel/hostname >> /w/out; "
				    "tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d ' ' >> /w/out; %s",
				    connect)),
		     "/w\nvenvrun-test\nlo\nconnected\n");
	/* Without bringing it up, not even that. */
	vr_plan_set_loopback(p, false);
	assert_probe(p, keep(t_strdupf("echo start > /w/out; %s", connect)), "start\n");
	vr_plan_free(p);
}

static void
setup_errors_body(void)
{
	struct vr_plan *p = minimal_plan();
	struct vr_error e = VR_ERROR_INIT;
	char *missing = in_scratch("missing");
	int r;

	/* A failing mount names the target and the errno, and nothing runs. */
	add(p, VR_MNT_BIND, missing, "/opt/thing", VR_MNT_F_RO);
	r = run_sh(p, "echo ran > /w/out", &e);
	ck_assert_int_eq(r, -ENOENT);
	ck_assert_int_eq(vr_exit_status(r), 125);
	ck_assert_str_eq(e.where, "/opt/thing");
	ck_assert_str_eq(e.message,
			 keep(t_strdupf("cannot open the bind source '%s': No such file or directory", missing)));
	ck_assert_str_eq(keep(read_in_scratch("out")), "");
	vr_plan_free(p);

	/* The same source, optional: skipped, and the mount point is not made. */
	p = minimal_plan();
	add(p, VR_MNT_BIND, missing, "/opt/thing", VR_MNT_F_RO | VR_MNT_F_OPTIONAL);
	assert_probe(p, "[ -e /opt ] || echo skipped > /w/out", "skipped\n");
	vr_plan_free(p);

	/* A working directory the sandbox does not have. */
	p = minimal_plan();
	ck_assert_int_eq(vr_plan_set_cwd(p, "/no/such/dir", &e), 0);
	r = run_sh(p, "echo ran > /w/out", &e);
	ck_assert_int_eq(r, -ENOENT);
	ck_assert_str_eq(e.where, "/no/such/dir");
	ck_assert_str_eq(e.message, "cannot enter the working directory in the sandbox: No such file or directory");
	vr_plan_free(p);

	/* A HIDE of nothing, not optional. */
	p = minimal_plan();
	add(p, VR_MNT_HIDE, NULL, "/usr/no-such-dir-venvrun", 0);
	r = run_sh(p, "echo ran > /w/out", &e);
	ck_assert_int_eq(r, -ENOENT);
	ck_assert_str_eq(e.where, "/usr/no-such-dir-venvrun");
	vr_plan_free(p);
	free(missing);
}

static void
unsafe_targets_body(void)
{
	struct vr_plan *p;
	struct vr_error e = VR_ERROR_INIT;
	char *link = in_scratch("data/link"), *made = in_scratch("data/newdir");
	struct stat st;
	int r;

	mkdir_in_scratch("data");
	ck_assert_int_eq(symlink("/etc", link), 0);

	/* Through a symlink a bound directory holds: refused, never followed. */
	p = minimal_plan();
	add(p, VR_MNT_BIND, keep(t_strdupf("%s/data", scratch)), "/data", 0);
	add(p, VR_MNT_TMPFS, NULL, "/data/link/sub", 0);
	r = run_sh(p, "echo ran > /w/out", &e);
	ck_assert_int_eq(r, -VR_ERR_UNSAFE);
	ck_assert_str_eq(e.where, "/data/link/sub");
	ck_assert_str_eq(e.message, "the path to the mount point passes through the symlink 'link'");
	vr_plan_free(p);

	/* Onto the symlink itself. */
	p = minimal_plan();
	add(p, VR_MNT_BIND, keep(t_strdupf("%s/data", scratch)), "/data", 0);
	add(p, VR_MNT_HIDE, NULL, "/data/link", 0);
	r = run_sh(p, "echo ran > /w/out", &e);
	ck_assert_int_eq(r, -VR_ERR_UNSAFE);
	ck_assert_str_eq(e.where, "/data/link");
	vr_plan_free(p);

	/* A mount point that would have to be created in a bound host directory. */
	p = minimal_plan();
	add(p, VR_MNT_BIND, keep(t_strdupf("%s/data", scratch)), "/data", 0);
	add(p, VR_MNT_TMPFS, NULL, "/data/newdir", 0);
	r = run_sh(p, "echo ran > /w/out", &e);
	ck_assert_int_eq(r, -VR_ERR_UNSAFE);
	ck_assert_str_eq(e.where, "/data/newdir");
	ck_assert_int_eq(lstat(made, &st), -1);
	ck_assert_str_eq(keep(read_in_scratch("out")), "");
	vr_plan_free(p);
	free(link);
	free(made);
}

/* SIGTERM to the process that called vr_plan_run() reaches the program. */
static void
signal_forwarding_body(void)
{
	struct vr_plan *p = minimal_plan();
	pid_t child;
	int st;
	char *term;

	child = fork();
	ck_assert_int_ge(child, 0);
	if (child == 0) {
		/* Should the case fail before it ends this child, the child goes with it. */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		int r = run_sh(p,
			       "trap 'echo got > /w/term; exit 7' TERM; echo ready > /w/ready; "
			       "while :; do sleep 0.05; done",
			       NULL);
		vr_plan_free(p);
		_exit(r < 0 ? 125 : r);
	}
	wait_for_file("ready");
	ck_assert_int_eq(kill(child, SIGTERM), 0);
	ck_assert_int_eq(waitpid(child, &st, 0), child);
	ck_assert_msg(WIFEXITED(st), "the caller died of signal %d", WTERMSIG(st));
	ck_assert_int_eq(WEXITSTATUS(st), 7);
	term = read_in_scratch("term");
	ck_assert_str_eq(term, "got\n");
	free(term);
	vr_plan_free(p);
}

/* A daemon the program leaves behind does not outlive the run. */
static void
daemon_is_killed_body(void)
{
	struct vr_plan *p = minimal_plan();
	char *m = marker();
	char *script = t_strdupf("(setsid sh -c 'echo $$ > /w/daemon; exec sleep %s' &); "
				 "while [ ! -s /w/daemon ]; do sleep 0.01; done; exit 4",
				 m);
	char *pid;

	ck_assert_int_eq(run_sh(p, script, NULL), 4);
	pid = read_in_scratch("daemon");
	ck_assert_str_ne(pid, "");
	/* Returned only once the sandbox was empty: no waiting here. */
	ck_assert_int_eq(host_processes_with(m), 0);
	free(pid);
	free(script);
	free(m);
	vr_plan_free(p);
}

/* SIGKILL of the caller takes the whole sandbox with it. */
static void
caller_killed_body(void)
{
	struct vr_plan *p = minimal_plan();
	struct vr_error e = VR_ERROR_INIT;
	char *m = marker();
	char *env[] = { "PATH=/usr/bin:/bin", t_strdupf("M=%s", m), NULL };
	/* The marker comes through the environment, so that only the two sleeps have it in
	 * their command line. */
	const char *script = "(setsid sleep $M &); sleep $M & echo ready > /w/ready; wait";
	pid_t child;
	int st, left = -1;

	ck_assert_int_eq(vr_plan_set_env(p, env, &e), 0);
	child = fork();
	ck_assert_int_ge(child, 0);
	if (child == 0) {
		/* Should the case fail before it ends this child, the child goes with it. */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		run_sh(p, script, NULL);
		vr_plan_free(p);
		_exit(0);
	}
	wait_for_file("ready");
	/* Both sleeps run (so the test can fail), then the caller dies. */
	for (int i = 0; i < 500 && host_processes_with(m) < 2; i++)
		usleep(10000);
	ck_assert_int_eq(host_processes_with(m), 2);
	ck_assert_int_eq(kill(child, SIGKILL), 0);
	ck_assert_int_eq(waitpid(child, &st, 0), child);
	/* The kernel tears the sandbox down asynchronously: give it a moment. */
	for (int i = 0; i < 500; i++) {
		left = host_processes_with(m);
		if (left == 0)
			break;
		usleep(10000);
	}
	ck_assert_int_eq(left, 0);
	free(env[1]);
	free(m);
	vr_plan_free(p);
}

/* Many runs later, the host's mount table is what it was and nothing is left. */
static void
no_traces_body(void)
{
	struct vr_plan *p = minimal_plan();
	char *before = t_read_file("/proc/self/mountinfo"), *after;
	char *argv[] = { "/bin/true", NULL };

	ck_assert_ptr_nonnull(before);
	for (int i = 0; i < 200; i++)
		ck_assert_int_eq(run_argv(p, argv, NULL), 0);
	after = t_read_file("/proc/self/mountinfo");
	ck_assert_str_eq(after, before);
	ck_assert_int_eq(own_children(), 0);
	free(before);
	free(after);
	vr_plan_free(p);
}

/* The same where the caller's mounts are shared: a mount namespace copied from such a one
 * would send every mount made in it back, unless propagation is cut first. */
START_TEST(no_traces_with_shared_mounts)
{
	ck_assert_int_eq(unshare(CLONE_NEWNS), 0);
	ck_assert_int_eq(mount("none", "/", "none", MS_REC | MS_SHARED, NULL), 0);
	no_traces_body();
}
END_TEST

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

/* ---- hardening ---- */

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
			     : keep(t_strdupf("Max file size %llu %llu bytes\nMax core file size 0 0 bytes\n"
					      "Max open files 64 64 files\n",
					      (unsigned long long)fsize.rlim_cur, (unsigned long long)fsize.rlim_max)));
	/* Above fs.nr_open: refused even for root. */
	ck_assert_int_eq(unlink(keep(t_strdupf("%s/out", scratch))), 0);
	ck_assert_int_eq(vr_plan_set_rlimit(p, RLIMIT_NOFILE, 1U << 30, &e), 0);
	r = run_sh(p, "echo ran > /w/out", &e);
	ck_assert_int_eq(r, -EPERM);
	ck_assert_int_eq(vr_exit_status(r), 125);
	ck_assert_str_eq(e.where, "limits.nofile");
	ck_assert_str_eq(e.message, "cannot set the limit to 1073741824: Operation not permitted");
	ck_assert_str_eq(keep(read_in_scratch("out")), "");
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
	ck_assert_str_eq(keep(read_in_scratch("stderr")), "");

	/* Out of time: SIGTERM ends it, 124. */
	clock_gettime(CLOCK_MONOTONIC, &t0);
	ck_assert_int_eq(run_sh_stderr(p, "exec sleep 30", NULL), VR_EXIT_TIMEOUT);
	took = seconds_since(&t0);
	ck_assert_msg(took >= 0.19 && took < 1.5, "took %.3fs", took);
	ck_assert_str_eq(keep(read_in_scratch("stderr")),
			 "venvrun: the program ran out of time (timeout 200ms); it was sent SIGTERM\n");

	/* A program that ignores SIGTERM is killed after the grace period, with everything
	 * in its namespace. */
	vr_plan_set_timeout(p, 200, 300);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	ck_assert_int_eq(run_sh_stderr(p, "trap '' TERM; sleep 30 & wait; sleep 30", NULL), VR_EXIT_TIMEOUT);
	took = seconds_since(&t0);
	ck_assert_msg(took >= 0.49 && took < 2.0, "took %.3fs", took);
	ck_assert_str_eq(keep(read_in_scratch("stderr")), "venvrun: the program ran out of time (timeout 200ms); "
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
	ck_assert_str_eq(keep(read_in_scratch("out")), "");
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
	ck_assert_str_eq(keep(read_in_scratch("out")), "");

	vr_plan_set_cgroup_limits(p, UINT64_MAX, 100);
	r = run_sh(p, "echo ran > /w/out", &e);
	ck_assert_int_eq(r, -VR_ERR_HARDENING);
	ck_assert_str_eq(e.where, "limits.pids");
	vr_plan_free(p);
}

#define CORE_CASE(name)                 \
	START_TEST(name)                \
	{                               \
		name##_body();          \
	}                               \
	END_TEST                        \
	START_TEST(name##_unprivileged) \
	{                               \
		become_unprivileged();  \
		name##_body();          \
	}                               \
	END_TEST

CORE_CASE(exit_status)
CORE_CASE(exec_failures)
CORE_CASE(path_lookup)
CORE_CASE(environment_and_stdio)
CORE_CASE(read_only)
CORE_CASE(noexec)
CORE_CASE(hide)
CORE_CASE(absent_paths)
CORE_CASE(proc)
CORE_CASE(dev)
CORE_CASE(cwd_hostname_network)
CORE_CASE(setup_errors)
CORE_CASE(unsafe_targets)
CORE_CASE(signal_forwarding)
CORE_CASE(daemon_is_killed)
CORE_CASE(caller_killed)
CORE_CASE(no_traces)
CORE_CASE(identity)
CORE_CASE(capabilities_dropped)
CORE_CASE(rlimits)
CORE_CASE(timeout)
CORE_CASE(pass_fd)
CORE_CASE(listen_pid)
CORE_CASE(session)
CORE_CASE(root_only_refused)
CORE_CASE(cgroup_limits)

START_TEST(read_only_submounts)
{
	read_only_submounts_body(false);
}
END_TEST

START_TEST(read_only_submounts_unprivileged)
{
	become_unprivileged();
	read_only_submounts_body(false);
}
END_TEST

START_TEST(read_only_submounts_legacy)
{
	read_only_submounts_body(true);
}
END_TEST

START_TEST(read_only_submounts_legacy_unprivileged)
{
	become_unprivileged();
	read_only_submounts_body(true);
}
END_TEST

/* ---- root only ---- */

/* Submounts the test makes itself, in a mount namespace of its own (so the host's table
 * is untouched): a tmpfs inside a bound directory, and one inside that. */
START_TEST(nested_submounts_are_read_only)
{
	char *data = in_scratch("data"), *sub = in_scratch("data/sub"), *deeper = in_scratch("data/sub/deeper");
	struct vr_plan *p;

	ck_assert_int_eq(unshare(CLONE_NEWNS), 0);
	ck_assert_int_eq(mount("none", "/", "none", MS_REC | MS_PRIVATE, NULL), 0);
	ck_assert_int_eq(mkdir(data, 0755), 0);
	ck_assert_int_eq(mkdir(sub, 0755), 0);
	ck_assert_int_eq(mount("tmpfs", sub, "tmpfs", 0, "mode=0777"), 0);
	ck_assert_int_eq(mkdir(deeper, 0777), 0);
	ck_assert_int_eq(mount("tmpfs", deeper, "tmpfs", 0, "mode=0777"), 0);
	for (int legacy = 0; legacy <= 1; legacy++) {
		vr_mount_legacy = legacy;
		p = minimal_plan();
		add(p, VR_MNT_BIND, data, "/data", VR_MNT_F_RO);
		assert_probe(p,
			     "for d in /data /data/sub /data/sub/deeper; do touch $d/x 2>/dev/null; echo $? >> /w/out; "
			     "done; "
			     "grep -c ' /data[/a-z]* ro,nosuid,nodev' /proc/self/mountinfo >> /w/out",
			     "1\n1\n1\n3\n");
		ck_assert_int_eq(unlink(keep(t_strdupf("%s/out", scratch))), 0);
		vr_plan_free(p);
	}
	free(data);
	free(sub);
	free(deeper);
}
END_TEST

/* Setuid binaries in a bind give nothing: every bind is nosuid. */
START_TEST(binds_are_nosuid)
{
	struct vr_plan *p = minimal_plan();

	add(p, VR_MNT_BIND, "/usr/bin", "/data", VR_MNT_F_RO);
	assert_probe(p, "grep -c ' /data ro,nosuid,nodev' /proc/self/mountinfo > /w/out", "1\n");
	vr_plan_free(p);
}
END_TEST

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

	ck_assert_int_eq(chmod(scratch, 0777), 0);
	vr_plan_set_namespaces(p, vr_plan_get_namespaces(p) | VR_NS_NET);
	vr_plan_set_loopback(p, true);
	assert_bind_80(p, ZERO_CAPS, "EACCES");
	vr_plan_set_capabilities(p, UINT64_C(1) << CAP_NET_BIND_SERVICE);
	assert_bind_80(p, "0000000000000400", "bound");
	/* As nobody: the ambient set carries them over execve. */
	ck_assert_int_eq(unlink(keep(t_strdupf("%s/out", scratch))), 0);
	vr_plan_set_ids(p, 65534, 65534);
	assert_bind_80(p, "0000000000000400", "bound");
	vr_plan_set_capabilities(p, 0);
	ck_assert_int_eq(unlink(keep(t_strdupf("%s/out", scratch))), 0);
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
	ck_assert_int_eq(chmod(scratch, 0777), 0);
	add(p, VR_MNT_TMPFS, NULL, "/home/u", 0);
	if (userns)
		vr_plan_set_namespaces(p, vr_plan_get_namespaces(p) | VR_NS_USER);
	/* In a user namespace, the unmapped group shows as the overflow gid. */
	assert_probe(p, "echo $(id -u) $(id -g) > /w/out; grep ^Groups: /proc/self/status | tr -d '\\t ' >> /w/out",
		     userns ? "0 0\nGroups:065534\n" : "0 0\nGroups:04244\n");
	ck_assert_int_eq(unlink(keep(t_strdupf("%s/out", scratch))), 0);
	vr_plan_set_ids(p, id, id);
	want = t_strdupf("%u %u\nGroups:\n%u %u\n%u\n", id, id, id, id, id);
	assert_probe(p,
		     "echo $(id -u) $(id -g) > /w/out; grep ^Groups: /proc/self/status | tr -d '\\t ' >> /w/out; "
		     "stat -c '%u %g' /home/u >> /w/out; touch /home/u/x && stat -c %u /home/u/x >> /w/out",
		     want);
	free(want);
	if (userns) {
		ck_assert_int_eq(unlink(keep(t_strdupf("%s/out", scratch))), 0);
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
		keep(t_strdupf("needs a delegated cgroup v2 with the memory controller; %s/ has no controllers", dir)));
	vr_cgroup_done(&cg);

	t_write_file(controllers, "cpu io memory\n", false);
	r = vr_cgroup_make(dir, UINT64_MAX, 10, &cg, &e);
	ck_assert_int_eq(r, -VR_ERR_HARDENING);
	ck_assert_str_eq(e.where, "limits.pids");
	ck_assert_str_eq(
		e.message,
		keep(t_strdupf("needs a delegated cgroup v2 with the pids controller; %s/ has only: cpu io memory",
			       dir)));
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
	t_write_file(keep(in_scratch("cg/venvrun-999998.self/cgroup.procs")), "42\n", false);
	mkdir_in_scratch("cg/other.self");
	r = vr_cgroup_make(dir, 1 << 20, 10, &cg, &e);
	ck_assert(!t_exists(keep(in_scratch("cg/venvrun-999999.self"))));
	ck_assert(t_exists(keep(in_scratch("cg/venvrun-999998.self"))));
	ck_assert(t_exists(keep(in_scratch("cg/other.self"))));
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
	T_CASE(exit_status),
	T_CASE(exec_failures),
	T_CASE(path_lookup),
	T_CASE(environment_and_stdio),
	T_CASE(read_only),
	T_CASE(noexec),
	T_CASE(read_only_submounts),
	T_CASE(read_only_submounts_legacy),
	T_CASE(nested_submounts_are_read_only),
	T_CASE(binds_are_nosuid),
	T_CASE(hide),
	T_CASE(absent_paths),
	T_CASE(proc),
	T_CASE(dev),
	T_CASE(cwd_hostname_network),
	T_CASE(setup_errors),
	T_CASE(unsafe_targets),
	T_CASE(signal_forwarding),
	T_CASE(daemon_is_killed),
	T_CASE(caller_killed),
	T_CASE(no_traces),
	T_CASE(no_traces_with_shared_mounts),
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
	T_CASE(exit_status_unprivileged),
	T_CASE(exec_failures_unprivileged),
	T_CASE(path_lookup_unprivileged),
	T_CASE(environment_and_stdio_unprivileged),
	T_CASE(read_only_unprivileged),
	T_CASE(noexec_unprivileged),
	T_CASE(read_only_submounts_unprivileged),
	T_CASE(read_only_submounts_legacy_unprivileged),
	T_CASE(hide_unprivileged),
	T_CASE(absent_paths_unprivileged),
	T_CASE(proc_unprivileged),
	T_CASE(dev_unprivileged),
	T_CASE(cwd_hostname_network_unprivileged),
	T_CASE(setup_errors_unprivileged),
	T_CASE(unsafe_targets_unprivileged),
	T_CASE(signal_forwarding_unprivileged),
	T_CASE(daemon_is_killed_unprivileged),
	T_CASE(caller_killed_unprivileged),
	T_CASE(no_traces_unprivileged),
	T_CASE(identity_unprivileged),
	T_CASE(capabilities_dropped_unprivileged),
	T_CASE(rlimits_unprivileged),
	T_CASE(timeout_unprivileged),
	T_CASE(pass_fd_unprivileged),
	T_CASE(listen_pid_unprivileged),
	T_CASE(session_unprivileged),
	T_CASE(root_only_refused_unprivileged),
	T_CASE(cgroup_limits_unprivileged),
};

/* Can an unprivileged user make a user namespace here? Probed in a child, which changes its ids. */
static bool
unprivileged_userns_works(void)
{
	pid_t pid = fork();
	int st;

	if (pid == 0) {
		if (geteuid() == 0 &&
		    (setgroups(0, NULL) < 0 || setresgid(UNPRIVILEGED_ID, UNPRIVILEGED_ID, UNPRIVILEGED_ID) < 0 ||
		     setresuid(UNPRIVILEGED_ID, UNPRIVILEGED_ID, UNPRIVILEGED_ID) < 0))
			_exit(1);
		_exit(unshare(CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID) == 0 ? 0 : 1);
	}
	return pid > 0 && waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

int
main(void)
{
	struct t_case cases[ELEMENTSOF(root_cases) + ELEMENTSOF(unprivileged_cases)];
	size_t n = 0;

	if (access("/usr/bin/sh", X_OK) != 0 || access("/etc/ld.so.cache", R_OK) != 0) {
		fprintf(stderr, "skipping: the minimal root needs /usr/bin/sh and /etc/ld.so.cache\n");
		return T_EXIT_SKIP;
	}
	if (geteuid() == 0)
		for (size_t i = 0; i < ELEMENTSOF(root_cases); i++)
			cases[n++] = root_cases[i];
	else
		fprintf(stderr, "not root: running the unprivileged cases only\n");
	if (unprivileged_userns_works())
		for (size_t i = 0; i < ELEMENTSOF(unprivileged_cases); i++)
			cases[n++] = unprivileged_cases[i];
	else
		fprintf(stderr,
			"skipping the unprivileged cases: unprivileged user namespaces are not available here\n");
	if (n == 0)
		return T_EXIT_SKIP;
	return t_run_suite(t_suite("sandbox", cases, n, setup, teardown));
}
