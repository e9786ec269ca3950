/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* common/: lexical path helpers, and the file helpers' refusal to follow or cross what they
 * must not. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fileio.h"
#include "path.h"
#include "strv.h"
#include "testlib.h"

static void
check_normalize(const char *in, const char *want)
{
	char *p = strdup(in);

	vr_path_normalize(p);
	ck_assert_msg(strcmp(p, want) == 0, "normalize('%s') = '%s', want '%s'", in, p, want);
	free(p);
}

START_TEST(normalize)
{
	check_normalize("/", "/");
	check_normalize("//", "/");
	check_normalize("/a/b/", "/a/b");
	check_normalize("/a//b/./c", "/a/b/c");
	check_normalize("/a/b/../c", "/a/c");
	check_normalize("/a/../../..", "/");
	check_normalize("/..", "/");
	check_normalize("/a/b/..", "/a");
	check_normalize("/a/.../b", "/a/.../b");
	check_normalize("/a/..b/c", "/a/..b/c");
}
END_TEST

START_TEST(absolute)
{
	char *p = NULL, *cwd = getcwd(NULL, 0), *want = NULL;

	ck_assert_int_eq(vr_path_absolute("x/./y/..", &p), 0);
	want = t_strdupf("%s/x", strcmp(cwd, "/") ? cwd : "");
	ck_assert_str_eq(p, want);
	free(p);
	ck_assert_int_eq(vr_path_absolute("/q/../r", &p), 0);
	ck_assert_str_eq(p, "/r");
	free(p);
	ck_assert_int_eq(vr_path_absolute("", &p), -EINVAL);
	free(cwd);
	free(want);
}
END_TEST

START_TEST(basename_dirname_join)
{
	char *d;

	ck_assert_str_eq(vr_path_basename("/a/b"), "b");
	ck_assert_str_eq(vr_path_basename("b"), "b");
	ck_assert_str_eq(vr_path_basename("/"), "/");
	d = vr_path_dirname("/a/b");
	ck_assert_str_eq(d, "/a");
	free(d);
	d = vr_path_dirname("/a");
	ck_assert_str_eq(d, "/");
	free(d);
	d = vr_path_dirname("a");
	ck_assert_str_eq(d, ".");
	free(d);
	d = vr_path_join("/a/", "/b");
	ck_assert_str_eq(d, "/a/b");
	free(d);
	d = vr_path_join("/", "b");
	ck_assert_str_eq(d, "/b");
	free(d);
}
END_TEST

START_TEST(ancestor)
{
	ck_assert(vr_path_is_ancestor("/a", "/a"));
	ck_assert(vr_path_is_ancestor("/a", "/a/b"));
	ck_assert(!vr_path_is_ancestor("/a", "/ab"));
	ck_assert(!vr_path_is_ancestor("/a/b", "/a"));
	ck_assert(vr_path_is_ancestor("/", "/anything"));
}
END_TEST

START_TEST(carriable)
{
	struct vr_error err = VR_ERROR_INIT;

	ck_assert_int_eq(vr_path_check_carriable("/a b/é/'q'/$x&|", "p", &err), 0);
	ck_assert_int_eq(vr_path_check_carriable("/a:b", "the env path", &err), -VR_ERR_BAD_PATH);
	ck_assert_str_eq(err.where, "/a:b");
	ck_assert_ptr_nonnull(strstr(err.message, "':'"));
	ck_assert_int_eq(vr_path_check_carriable("/a\nb", "p", &err), -VR_ERR_BAD_PATH);
	ck_assert_ptr_nonnull(strstr(err.message, "newline"));
	ck_assert_int_eq(vr_path_check_carriable("/a\tb", "p", NULL), -VR_ERR_BAD_PATH);
}
END_TEST

START_TEST(find_executable_ignores_relative_entries)
{
	char *dir = t_tmpdir("path"), *exe = t_strdupf("%s/tool", dir), *p = NULL;
	char *search = t_strdupf(".:rel:%s", dir);

	t_write_file(exe, "#!/bin/sh\n", true);
	ck_assert_int_eq(chdir(dir), 0);
	/* "." and "rel" would find ./tool; only the absolute entry may. */
	ck_assert_int_eq(vr_path_find_executable("tool", ".:rel", &p), -ENOENT);
	ck_assert_int_eq(vr_path_find_executable("tool", search, &p), 0);
	ck_assert_str_eq(p, exe);
	free(p);
	ck_assert_int_eq(chmod(exe, 0644), 0);
	if (geteuid() != 0)
		ck_assert_int_eq(vr_path_find_executable("tool", search, &p), -ENOENT);
	t_rm_rf(dir);
	free(dir);
	free(exe);
	free(search);
}
END_TEST

START_TEST(write_refuses_symlink_and_existing)
{
	char *dir = t_tmpdir("write"), *outside = t_strdupf("%s/outside", dir), *link = t_strdupf("%s/link", dir);
	char *s;

	t_write_file(outside, "precious", false);
	ck_assert_int_eq(symlink(outside, link), 0);
	ck_assert_int_eq(vr_write_file_at(AT_FDCWD, link, "x", 1, 0644, 0, NULL, NULL), -ELOOP);
	ck_assert_int_eq(vr_write_file_at(AT_FDCWD, outside, "x", 1, 0644, VR_WRITE_EXCL, NULL, NULL), -EEXIST);
	ck_assert_int_eq(vr_write_file_at(AT_FDCWD, outside, "x", 1, 0644, VR_WRITE_KEEP, NULL, NULL), 0);
	s = t_read_file(outside);
	ck_assert_str_eq(s, "precious");
	free(s);
	/* An atomic write replaces the link itself, never its target. */
	ck_assert_int_eq(vr_write_file_at(AT_FDCWD, link, "new", 3, 0644, VR_WRITE_ATOMIC, NULL, NULL), 0);
	s = t_read_file(outside);
	ck_assert_str_eq(s, "precious");
	free(s);
	s = t_read_file(link);
	ck_assert_str_eq(s, "new");
	free(s);
	t_rm_rf(dir);
	free(dir);
	free(outside);
	free(link);
}
END_TEST

START_TEST(rm_rf_does_not_follow_symlinks)
{
	char *dir = t_tmpdir("rmrf"), *victim = t_strdupf("%s/victim", dir), *keep = t_strdupf("%s/victim/keep", dir);
	char *tree = t_strdupf("%s/tree", dir), *sub = t_strdupf("%s/tree/sub", dir);
	char *l1 = t_strdupf("%s/tree/sub/to-victim", dir), *l2 = t_strdupf("%s/tree/file-link", dir);
	struct stat st;

	ck_assert_int_eq(mkdir(victim, 0755), 0);
	t_write_file(keep, "keep", false);
	ck_assert_int_eq(mkdir(tree, 0755), 0);
	ck_assert_int_eq(mkdir(sub, 0755), 0);
	ck_assert_int_eq(symlink(victim, l1), 0);
	ck_assert_int_eq(symlink(keep, l2), 0);
	ck_assert_int_eq(vr_rm_rf_at(AT_FDCWD, tree, NULL, NULL), 0);
	ck_assert_int_eq(lstat(tree, &st), -1);
	ck_assert_int_eq(stat(keep, &st), 0);
	/* A missing tree is not an error. */
	ck_assert_int_eq(vr_rm_rf_at(AT_FDCWD, tree, NULL, NULL), 0);
	t_rm_rf(dir);
	free(dir);
	free(victim);
	free(keep);
	free(tree);
	free(sub);
	free(l1);
	free(l2);
}
END_TEST

START_TEST(rm_rf_refuses_mount_points)
{
	_cleanup_free_ char *dir = t_tmpdir("rmmnt"), *mnt = t_strdupf("%s/tree/mnt", dir);
	_cleanup_free_ char *tree = t_strdupf("%s/tree", dir), *inside = t_strdupf("%s/tree/mnt/file", dir);
	struct vr_error err = VR_ERROR_INIT;
	struct stat st;

	/* A private mount namespace of this (forked) test process; skipped where it cannot
	 * be had, since the refusal itself needs a mount to refuse. */
	if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0) {
		fprintf(stderr, "skipping: no private mount namespace (%s)\n", strerror(errno));
		return;
	}
	ck_assert_int_eq(mkdir(tree, 0755), 0);
	ck_assert_int_eq(mkdir(mnt, 0755), 0);
	ck_assert_int_eq(mount("tmpfs", mnt, "tmpfs", 0, "size=1m"), 0);
	t_write_file(inside, "on another filesystem", false);
	ck_assert_int_eq(vr_rm_rf_at(AT_FDCWD, tree, NULL, &err), -EXDEV);
	ck_assert_ptr_nonnull(strstr(err.message, "mount point"));
	ck_assert_int_eq(stat(inside, &st), 0);
	umount2(mnt, MNT_DETACH);
}
END_TEST

START_TEST(mkdir_parents_reports_what_it_made)
{
	char *dir = t_tmpdir("mkdir"), *deep = t_strdupf("%s/a/b/c", dir), *a = t_strdupf("%s/a", dir);
	char **created = NULL;

	ck_assert_int_eq(vr_mkdir_parents(deep, 0755, &created, NULL), 0);
	ck_assert_uint_eq(vr_strv_length(created), 3);
	ck_assert_str_eq(created[0], a);
	ck_assert_str_eq(created[2], deep);
	vr_strv_free(created);
	created = NULL;
	ck_assert_int_eq(vr_mkdir_parents(deep, 0755, &created, NULL), 0);
	ck_assert_uint_eq(vr_strv_length(created), 0);
	ck_assert_int_eq(rmdir(deep), 0);
	t_write_file(deep, "file", false);
	ck_assert_int_eq(vr_mkdir_parents(deep, 0755, NULL, NULL), -ENOTDIR);
	t_rm_rf(dir);
	free(dir);
	free(deep);
	free(a);
}
END_TEST

START_TEST(read_file_whole_from_procfs)
{
	char *text = NULL;
	size_t len = 0;

	/* Size 0 in stat, and a sysctl file ends after a short first read. */
	if (access("/proc/sys/kernel/ostype", R_OK) != 0) {
		fprintf(stderr, "skipping: no /proc/sys/kernel/ostype\n");
		return;
	}
	ck_assert_int_eq(vr_read_file_at(AT_FDCWD, "/proc/sys/kernel/ostype", 4096, &text, &len, NULL, NULL), 0);
	ck_assert_str_eq(text, "Linux\n");
	ck_assert_uint_eq(len, 6);
	free(text);
}
END_TEST

static const struct t_case cases[] = {
	T_CASE(read_file_whole_from_procfs),
	T_CASE(normalize),
	T_CASE(absolute),
	T_CASE(basename_dirname_join),
	T_CASE(ancestor),
	T_CASE(carriable),
	T_CASE(find_executable_ignores_relative_entries),
	T_CASE(write_refuses_symlink_and_existing),
	T_CASE(rm_rf_does_not_follow_symlinks),
	T_CASE(rm_rf_refuses_mount_points),
	T_CASE(mkdir_parents_reports_what_it_made),
};

int
main(void)
{
	return t_run_suite(T_SUITE("path", cases));
}
