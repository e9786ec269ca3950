/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Sandbox cases about the mount plan: read-only and noexec binds, read-only all the way
 * down through submounts (with the new mount API and the legacy fallback), nosuid, HIDE,
 * only what the plan names, /proc and /dev, set-up errors, mount points through symlinks
 * refused, and no mounts or processes left on the host afterwards.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
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

#include "sandbox-helpers.h"

/* sandbox/mount.h: run the fallback for kernels without the new mount API. */
extern bool vr_mount_legacy;

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
read_only_body(void)
{
	struct vr_plan *p = minimal_plan();
	char *m = unique_marker();
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
	add_mount(p, VR_MNT_BIND, free_at_teardown(t_strdupf("%s/bin", scratch_dir)), "/opt", VR_MNT_F_NOEXEC);
	add_mount(p, VR_MNT_TMPFS, NULL, "/scratch", VR_MNT_F_NOEXEC);
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
	char *m = unique_marker();
	char *script = t_strdupf("touch /hostdev/shm/venvrun-%s 2>/w/err; echo $? > /w/out; "
				 "grep -c 'Read-only file system' /w/err >> /w/out; "
				 /* The host may have more than one mount stacked there: the top one. */
				 "grep ' /hostdev/shm ' /proc/self/mountinfo | tail -n 1 | grep -c ' ro,' >> /w/out",
				 m);
	char *leaked = t_strdupf("/dev/shm/venvrun-%s", m), *out;
	struct stat st;
	int r;

	vr_mount_legacy = legacy;
	add_mount(p, VR_MNT_BIND, "/dev", "/hostdev", VR_MNT_F_RO);
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
	add_mount(p, VR_MNT_BIND, free_at_teardown(t_strdupf("%s/data", scratch_dir)), "/data", VR_MNT_F_RO);
	add_mount(p, VR_MNT_HIDE, NULL, "/data/secret", 0);
	add_mount(p, VR_MNT_HIDE, NULL, "/data/file.txt", 0);
	add_mount(p, VR_MNT_HIDE, NULL, "/data/not-there", VR_MNT_F_OPTIONAL);
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
setup_errors_body(void)
{
	struct vr_plan *p = minimal_plan();
	struct vr_error e = VR_ERROR_INIT;
	char *missing = in_scratch("missing");
	int r;

	/* A failing mount names the target and the errno, and nothing runs. */
	add_mount(p, VR_MNT_BIND, missing, "/opt/thing", VR_MNT_F_RO);
	r = run_sh(p, "echo ran > /w/out", &e);
	ck_assert_int_eq(r, -ENOENT);
	ck_assert_int_eq(vr_exit_status(r), 125);
	ck_assert_str_eq(e.where, "/opt/thing");
	ck_assert_str_eq(e.message, free_at_teardown(t_strdupf(
					    "cannot open the bind source '%s': No such file or directory", missing)));
	ck_assert_str_eq(free_at_teardown(read_in_scratch("out")), "");
	vr_plan_free(p);

	/* The same source, optional: skipped, and the mount point is not made. */
	p = minimal_plan();
	add_mount(p, VR_MNT_BIND, missing, "/opt/thing", VR_MNT_F_RO | VR_MNT_F_OPTIONAL);
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
	add_mount(p, VR_MNT_HIDE, NULL, "/usr/no-such-dir-venvrun", 0);
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
	add_mount(p, VR_MNT_BIND, free_at_teardown(t_strdupf("%s/data", scratch_dir)), "/data", 0);
	add_mount(p, VR_MNT_TMPFS, NULL, "/data/link/sub", 0);
	r = run_sh(p, "echo ran > /w/out", &e);
	ck_assert_int_eq(r, -VR_ERR_UNSAFE);
	ck_assert_str_eq(e.where, "/data/link/sub");
	ck_assert_str_eq(e.message, "the path to the mount point passes through the symlink 'link'");
	vr_plan_free(p);

	/* Onto the symlink itself. */
	p = minimal_plan();
	add_mount(p, VR_MNT_BIND, free_at_teardown(t_strdupf("%s/data", scratch_dir)), "/data", 0);
	add_mount(p, VR_MNT_HIDE, NULL, "/data/link", 0);
	r = run_sh(p, "echo ran > /w/out", &e);
	ck_assert_int_eq(r, -VR_ERR_UNSAFE);
	ck_assert_str_eq(e.where, "/data/link");
	vr_plan_free(p);

	/* A mount point that would have to be created in a bound host directory. */
	p = minimal_plan();
	add_mount(p, VR_MNT_BIND, free_at_teardown(t_strdupf("%s/data", scratch_dir)), "/data", 0);
	add_mount(p, VR_MNT_TMPFS, NULL, "/data/newdir", 0);
	r = run_sh(p, "echo ran > /w/out", &e);
	ck_assert_int_eq(r, -VR_ERR_UNSAFE);
	ck_assert_str_eq(e.where, "/data/newdir");
	ck_assert_int_eq(lstat(made, &st), -1);
	ck_assert_str_eq(free_at_teardown(read_in_scratch("out")), "");
	vr_plan_free(p);
	free(link);
	free(made);
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

CORE_CASE(read_only)
CORE_CASE(noexec)
CORE_CASE(hide)
CORE_CASE(absent_paths)
CORE_CASE(proc)
CORE_CASE(dev)
CORE_CASE(setup_errors)
CORE_CASE(unsafe_targets)
CORE_CASE(no_traces)

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
		add_mount(p, VR_MNT_BIND, data, "/data", VR_MNT_F_RO);
		assert_probe(p,
			     "for d in /data /data/sub /data/sub/deeper; do touch $d/x 2>/dev/null; echo $? >> /w/out; "
			     "done; "
			     "grep -c ' /data[/a-z]* ro,nosuid,nodev' /proc/self/mountinfo >> /w/out",
			     "1\n1\n1\n3\n");
		ck_assert_int_eq(unlink(free_at_teardown(t_strdupf("%s/out", scratch_dir))), 0);
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

	add_mount(p, VR_MNT_BIND, "/usr/bin", "/data", VR_MNT_F_RO);
	assert_probe(p, "grep -c ' /data ro,nosuid,nodev' /proc/self/mountinfo > /w/out", "1\n");
	vr_plan_free(p);
}
END_TEST

static const struct t_case root_cases[] = {
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
	T_CASE(setup_errors),
	T_CASE(unsafe_targets),
	T_CASE(no_traces),
	T_CASE(no_traces_with_shared_mounts),
};

static const struct t_case unprivileged_cases[] = {
	T_CASE(read_only_unprivileged),
	T_CASE(noexec_unprivileged),
	T_CASE(read_only_submounts_unprivileged),
	T_CASE(read_only_submounts_legacy_unprivileged),
	T_CASE(hide_unprivileged),
	T_CASE(absent_paths_unprivileged),
	T_CASE(proc_unprivileged),
	T_CASE(dev_unprivileged),
	T_CASE(setup_errors_unprivileged),
	T_CASE(unsafe_targets_unprivileged),
	T_CASE(no_traces_unprivileged),
};

const struct sandbox_cases sandbox_mount_cases = {
	.as_root = root_cases,
	.n_as_root = ELEMENTSOF(root_cases),
	.unprivileged = unprivileged_cases,
	.n_unprivileged = ELEMENTSOF(unprivileged_cases),
};
