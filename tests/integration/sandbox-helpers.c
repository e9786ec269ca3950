/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The helpers the sandbox cases share (declared in sandbox-helpers.h): the per-case
 * scratch directory and its fixture, the minimal plan, running programs and probes in a
 * plan, and becoming the unprivileged user.
 */
#include "config.h"

#include <errno.h>
#include <grp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "venvrun/error.h"
#include "venvrun/plan.h"
#include "venvrun/run.h"

#include "macro.h"
#include "testlib.h"

#include "sandbox-helpers.h"

char *scratch_dir;

/* Strings made inline in a case, freed at teardown (the sanitizer build checks leaks). */
static char **kept;
static size_t n_kept;

char *
free_at_teardown(char *s)
{
	char **k = realloc(kept, (n_kept + 1) * sizeof *k);

	ck_assert_ptr_nonnull(k);
	kept = k;
	kept[n_kept++] = s;
	return s;
}

void
sandbox_setup(void)
{
	char *t = t_tmpdir("sandbox");

	/* A sandbox that fails to end (a daemon not killed, a signal not passed on) would
	 * hang the case: end it, with its sandbox (which dies with its caller), long before
	 * the suite's own time limit. */
	alarm(120);

	scratch_dir = realpath(t, NULL);
	ck_assert_ptr_nonnull(scratch_dir);
	free(t);
}

void
sandbox_teardown(void)
{
	t_rm_rf(scratch_dir);
	free(scratch_dir);
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
void
become_unprivileged(void)
{
	if (geteuid() != 0)
		return;
	/* The scratch directory is the user's; the tests' temporary parent directory (0700)
	 * must let it through. */
	ck_assert_int_eq(chmod(getenv("TMPDIR"), 0711), 0);
	ck_assert_int_eq(chown(scratch_dir, UNPRIVILEGED_ID, UNPRIVILEGED_ID), 0);
	ck_assert_int_eq(setgroups(0, NULL), 0);
	ck_assert_int_eq(setresgid(UNPRIVILEGED_ID, UNPRIVILEGED_ID, UNPRIVILEGED_ID), 0);
	ck_assert_int_eq(setresuid(UNPRIVILEGED_ID, UNPRIVILEGED_ID, UNPRIVILEGED_ID), 0);
	ck_assert_int_eq(prctl(PR_SET_DUMPABLE, 1), 0);
}

char *
in_scratch(const char *rel)
{
	return t_strdupf("%s/%s", scratch_dir, rel);
}

void
mkdir_in_scratch(const char *rel)
{
	char *p = in_scratch(rel);

	ck_assert_msg(mkdir(p, 0755) == 0, "mkdir %s: %s", p, strerror(errno));
	free(p);
}

void
write_in_scratch(const char *rel, const char *content, bool executable)
{
	char *p = in_scratch(rel);

	t_write_file(p, content, executable);
	free(p);
}

/* What a probe wrote into /w/<rel>; "" when nothing. */
char *
read_in_scratch(const char *rel)
{
	char *p = in_scratch(rel);
	char *s = t_read_file(p);

	free(p);
	return s ? s : strdup("");
}

void
add_mount(struct vr_plan *p, enum vr_mount_type type, const char *source, const char *target, unsigned flags)
{
	struct vr_error e = VR_ERROR_INIT;
	int r = vr_plan_add_mount(p, type, source, target, flags, &e);

	ck_assert_msg(r == 0, "adding %s: %s", target, e.message);
}

/* The minimal root every case starts from, and the scratch directory at /w. */
struct vr_plan *
minimal_plan(void)
{
	struct vr_error e = VR_ERROR_INIT;
	char *env[] = { "PATH=/usr/bin:/bin", "HOME=/w", NULL };
	struct vr_plan *p = NULL;

	ck_assert_int_eq(vr_plan_new(&p, &e), 0);
	add_mount(p, VR_MNT_BIND, "/usr", "/usr", VR_MNT_F_RO);
	add_mount(p, VR_MNT_SYMLINK, "usr/bin", "/bin", 0);
	add_mount(p, VR_MNT_SYMLINK, "usr/lib", "/lib", 0);
	add_mount(p, VR_MNT_SYMLINK, "usr/lib64", "/lib64", 0);
	add_mount(p, VR_MNT_SYMLINK, "usr/sbin", "/sbin", 0);
	add_mount(p, VR_MNT_BIND, "/etc/ld.so.cache", "/etc/ld.so.cache", VR_MNT_F_RO);
	add_mount(p, VR_MNT_TMPFS, NULL, "/tmp", 0);
	add_mount(p, VR_MNT_PROC, NULL, "/proc", 0);
	add_mount(p, VR_MNT_DEV, NULL, "/dev", 0);
	add_mount(p, VR_MNT_BIND, scratch_dir, "/w", 0);
	ck_assert_int_eq(vr_plan_set_env(p, env, &e), 0);
	return p;
}

/* Run argv in the plan: the program's status, or the library's negative code with *e. */
int
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

int
run_sh(struct vr_plan *p, const char *script, struct vr_error *e)
{
	char *argv[] = { "/bin/sh", "-c", (char *)script, NULL };

	return run_argv(p, argv, e);
}

/* Run a probe that must succeed, and return what it wrote to /w/out. */
char *
probe(struct vr_plan *p, const char *script)
{
	struct vr_error e = VR_ERROR_INIT;
	int r = run_sh(p, script, &e);

	ck_assert_msg(r == 0, "probe failed (%d: %s): %s", r, e.message, script);
	return read_in_scratch("out");
}

void
assert_probe(struct vr_plan *p, const char *script, const char *want)
{
	char *out = probe(p, script);

	ck_assert_msg(streq(out, want), "probe %s\nprinted:\n%s\nwanted:\n%s", script, out, want);
	free(out);
}

/* A number no other test run uses, for sleep arguments that mark our processes. */
char *
unique_marker(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return t_strdupf("1000.%d%06ld", (int)getpid(), ts.tv_nsec / 1000);
}
