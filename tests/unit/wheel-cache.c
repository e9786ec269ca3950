/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Wheel cases about the cache of unpacked wheels (vr_wheel_cache_get): good wheels
 * unpacked read-only with their scripts and data, bad ones refused with one exact error
 * line and nothing left behind, an entry reused, repaired when tampered with or partly
 * removed, built once by parallel callers, one per tag, the host's own wheels, and stale
 * temporary directories removed.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "path.h"
#include "testlib.h"
#include "wheel-internal.h"
#include "wheel.h"

#include "wheel-helpers.h"

static char *
read_at(const char *dir, const char *name)
{
	char *p = t_strdupf("%s/%s", dir, name), *s = t_read_file(p);

	free(p);
	return s;
}

static mode_t
mode_at(const char *dir, const char *name)
{
	char *p = t_strdupf("%s/%s", dir, name);
	struct stat st;

	ck_assert_int_eq(lstat(p, &st), 0);
	free(p);
	return st.st_mode;
}

static ino_t
ino_of(const char *p)
{
	struct stat st;

	ck_assert_int_eq(lstat(p, &st), 0);
	return st.st_ino;
}

/* ---- the cache ---- */

static struct vr_wheel_entry *
get_ok(const char *wheel)
{
	struct vr_error err = VR_ERROR_INIT;
	struct vr_wheel_entry *w = NULL;
	char line[VR_ERROR_LINE_MAX];
	int r = vr_wheel_cache_get(wheel, cache_dir, &w, &err);

	vr_error_format(&err, line, sizeof line);
	ck_assert_msg(r == 0, "vr_wheel_cache_get(%s): %d %s", wheel, r, line);
	ck_assert_int_eq(err.code, 0);
	ck_assert_ptr_nonnull(w);
	return w;
}

static const struct vr_record_entry *
find_record(const struct vr_wheel_entry *w, const char *path)
{
	for (size_t i = 0; i < w->n_files; i++)
		if (streq(w->files[i].path, path))
			return &w->files[i];
	return NULL;
}

START_TEST(good_pure_wheel)
{
	char *wheel = make_wheel(WHL, NULL, 0, NULL);
	struct vr_wheel_entry *w = get_ok(wheel);
	char *expect_dir = t_strdupf("%s/" ENTRY, wheels_dir), *s;

	ck_assert_str_eq(w->dir, expect_dir);
	ck_assert_str_eq(w->name.dist, "demo");
	ck_assert_str_eq(w->dist_info, "demo-1.0.dist-info");
	ck_assert_str_eq(w->requires_python, ">=3.7");
	ck_assert(w->root_is_purelib);
	ck_assert_uint_eq(w->n_files, 4);
	ck_assert_uint_eq(w->n_scripts, 0);
	ck_assert_ptr_nonnull(find_record(w, "demo/__init__.py"));
	ck_assert_ptr_nonnull(find_record(w, DI "RECORD"));
	s = read_at(w->dir, "demo/__init__.py");
	ck_assert_str_eq(s, "print('hello from demo')\n");
	free(s);
	/* Read-only: envs hard-link these, and a link shares the inode. */
	ck_assert_uint_eq(mode_at(w->dir, "demo/__init__.py") & 07777, 0444);
	ck_assert_uint_eq(mode_at(w->dir, DI "RECORD") & 07777, 0444);
	ck_assert_uint_eq(mode_at(w->dir, "demo") & 07777, 0555);
	ck_assert_uint_eq(mode_at(w->dir, ".") & 07777, 0555);
	if (geteuid() != 0) {
		char *p = t_strdupf("%s/demo/__init__.py", w->dir);

		ck_assert_int_lt(open(p, O_WRONLY | O_CLOEXEC), 0);
		ck_assert_int_eq(errno, EACCES);
		free(p);
	}
	assert_cache_clean_except(ENTRY);
	vr_wheel_entry_free(w);
	free(expect_dir);
	free(wheel);
}
END_TEST

START_TEST(console_scripts_wheel)
{
	static const struct wf extra[] = {
		{ DI "entry_points.txt",
		  "[console_scripts]\ndemo = demo.cli:main\n[gui_scripts]\ndemo-gui = demo.gui:run [x]\n", 0 },
		{ "demo/cli.py", "def main():\n    return 0\n", 0 },
	};
	char *wheel = make_wheel(WHL, extra, ELEMENTSOF(extra), NULL);
	struct vr_wheel_entry *w = get_ok(wheel);

	ck_assert_uint_eq(w->n_scripts, 2);
	ck_assert_str_eq(w->scripts[0].name, "demo");
	ck_assert_str_eq(w->scripts[0].module, "demo.cli");
	ck_assert_str_eq(w->scripts[0].attr, "main");
	ck_assert(!w->scripts[0].gui);
	ck_assert_str_eq(w->scripts[1].name, "demo-gui");
	ck_assert(w->scripts[1].gui);
	vr_wheel_entry_free(w);
	/* The warm path reads the same from the cache. */
	w = get_ok(wheel);
	ck_assert_uint_eq(w->n_scripts, 2);
	ck_assert_str_eq(w->scripts[1].attr, "run");
	ck_assert_uint_eq(w->n_files, 6);
	vr_wheel_entry_free(w);
	free(wheel);
}
END_TEST

START_TEST(data_wheel)
{
	static const struct wf extra[] = {
		{ "demo-1.0.data/", "", S_IFDIR | 0755 },
		{ "demo-1.0.data/scripts/demo-tool", "#!python\nprint('tool')\n", S_IFREG | 0755 },
		{ "demo-1.0.data/purelib/demo_extra.py", "X = 1\n", 0 },
		{ "demo-1.0.data/data/share/demo/readme.txt", "data\n", S_IFREG | 0644 },
		{ "demo-1.0.data/data/share/demo/with space.txt", "spaced\n", 0 },
	};
	char *wheel = make_wheel(WHL, extra, ELEMENTSOF(extra), NULL);
	struct vr_wheel_entry *w = get_ok(wheel);
	char *s;

	ck_assert_uint_eq(w->n_files, 8);
	s = read_at(w->dir, "demo-1.0.data/data/share/demo/readme.txt");
	ck_assert_str_eq(s, "data\n");
	free(s);
	/* The executable bit survives: a hard link into ENV/bin stays runnable. */
	ck_assert_uint_eq(mode_at(w->dir, "demo-1.0.data/scripts/demo-tool") & 07777, 0555);
	ck_assert_uint_eq(mode_at(w->dir, "demo-1.0.data/purelib/demo_extra.py") & 07777, 0444);
	ck_assert_uint_eq(mode_at(w->dir, "demo-1.0.data/data/share") & 07777, 0555);
	{
		/* Warm: a path with a space survives the stamp, and nothing is rebuilt. */
		ino_t ino = ino_of(w->dir);

		vr_wheel_entry_free(w);
		w = get_ok(wheel);
		ck_assert_uint_eq(ino_of(w->dir), ino);
		ck_assert_uint_eq(w->n_files, 8);
	}
	vr_wheel_entry_free(w);
	free(wheel);
}
END_TEST

START_TEST(refuse_hash_mismatch)
{
	struct wopts o = { .bad_hash = "demo/__init__.py" };
	char *wheel = make_wheel(WHL, NULL, 0, &o);

	assert_refused(wheel, WHL ": demo/__init__.py: sha256 does not match RECORD");
	free(wheel);
}
END_TEST

START_TEST(refuse_size_mismatch)
{
	struct wopts o = { .bad_size = "demo/__init__.py" };
	char *wheel = make_wheel(WHL, NULL, 0, &o);

	assert_refused(wheel, WHL ": demo/__init__.py: size does not match RECORD");
	free(wheel);
}
END_TEST

START_TEST(refuse_missing_record)
{
	struct wopts o = { .no_record = true };
	char *wheel = make_wheel(WHL, NULL, 0, &o);

	assert_refused(wheel, WHL ": demo-1.0.dist-info/RECORD: missing from the wheel");
	free(wheel);
}
END_TEST

START_TEST(refuse_dotdot)
{
	static const struct wf extra[] = { { "../x", "evil\n", 0 } };
	char *wheel = make_wheel(WHL, extra, 1, NULL);

	assert_refused(wheel, WHL ": ../x: refusing a '..' component");
	free(wheel);
}
END_TEST

START_TEST(refuse_absolute)
{
	static const struct wf extra[] = { { "/etc/x", "evil\n", 0 } };
	char *wheel = make_wheel(WHL, extra, 1, NULL);

	assert_refused(wheel, WHL ": /etc/x: refusing an absolute path");
	free(wheel);
}
END_TEST

START_TEST(refuse_backslash)
{
	static const struct wf extra[] = { { "demo\\x.py", "evil\n", 0 } };
	char *wheel = make_wheel(WHL, extra, 1, NULL);

	assert_refused(wheel, WHL ": demo\\x.py: refusing a backslash");
	free(wheel);
}
END_TEST

START_TEST(refuse_symlink)
{
	static const struct wf extra[] = { { "demo/link", "/etc/passwd", S_IFLNK | 0777 } };
	char *wheel = make_wheel(WHL, extra, 1, NULL);

	assert_refused(wheel, WHL ": demo/link: refusing a symlink entry");
	free(wheel);
}
END_TEST

START_TEST(refuse_fifo)
{
	static const struct wf extra[] = { { "demo/fifo", "", S_IFIFO | 0644 } };
	char *wheel = make_wheel(WHL, extra, 1, NULL);

	assert_refused(wheel, WHL ": demo/fifo: refusing an entry that is neither a file nor a directory");
	free(wheel);
}
END_TEST

START_TEST(refuse_truncated)
{
	char *wheel = make_wheel(WHL, NULL, 0, NULL);
	struct stat st;

	ck_assert_int_eq(stat(wheel, &st), 0);
	ck_assert_int_eq(truncate(wheel, st.st_size / 2), 0);
	assert_refused(wheel, WHL ": cannot read the archive (truncated or corrupt?): Not a zip archive");
	free(wheel);
}
END_TEST

START_TEST(refuse_corrupt_data)
{
	/* The central directory intact, a file's compressed bytes flipped: libzip's CRC or
	 * inflate error, or our hash, refuses it; nothing is left behind either way. */
	static const struct wf extra[] = { { "demo/big.py", "# padding padding padding padding padding\n", 0 } };
	char *wheel = make_wheel(WHL, extra, 1, NULL);
	struct vr_error err = VR_ERROR_INIT;
	struct vr_wheel_entry *w = NULL;
	char *text;
	size_t len;
	FILE *f;
	char *hit;

	text = t_read_file(wheel);
	ck_assert_ptr_nonnull(text);
	f = fopen(wheel, "r+");
	ck_assert_ptr_nonnull(f);
	fseek(f, 0, SEEK_END);
	len = (size_t)ftell(f);
	/* Stored or deflated, the file's data follows its local header's name. */
	hit = memmem(text, len, "demo/big.py", 11);
	ck_assert_ptr_nonnull(hit);
	ck_assert_uint_gt(len, (size_t)(hit - text) + 16);
	fseek(f, (hit - text) + 11 + 4, SEEK_SET);
	fputc('Z', f);
	fputc('Z', f);
	fclose(f);
	ck_assert_int_lt(vr_wheel_cache_get(wheel, cache_dir, &w, &err), 0);
	ck_assert_ptr_null(w);
	ck_assert(vr_startswith(err.where, WHL));
	ck_assert_ptr_nonnull(strstr(err.message, "demo/big.py: "));
	assert_cache_clean();
	free(text);
	free(wheel);
}
END_TEST

START_TEST(refuse_unlisted)
{
	static const struct wf extra[] = { { "demo/extra.py", "x = 1\n", 0 } };
	struct wopts o = { .unlisted = "demo/extra.py" };
	char *wheel = make_wheel(WHL, extra, 1, &o);

	assert_refused(wheel, WHL ": demo/extra.py: not listed in RECORD");
	free(wheel);
}
END_TEST

START_TEST(refuse_phantom)
{
	struct wopts o = { .phantom = "demo/gone.py" };
	char *wheel = make_wheel(WHL, NULL, 0, &o);

	assert_refused(wheel, WHL ": demo/gone.py: listed in RECORD but not in the archive");
	free(wheel);
}
END_TEST

START_TEST(refuse_second_dist_info)
{
	static const struct wf extra[] = { { "other-2.0.dist-info/METADATA", "Name: other\n", 0 } };
	char *wheel = make_wheel(WHL, extra, 1, NULL);

	assert_refused(wheel, WHL
		       ": other-2.0.dist-info/METADATA: a second .dist-info directory (besides demo-1.0.dist-info)");
	free(wheel);
}
END_TEST

START_TEST(refuse_wheel_version)
{
	struct wopts o = { .wheel_file = "Wheel-Version: 2.0\nRoot-Is-Purelib: true\n" };
	struct wopts o2 = { .wheel_file = "Generator: nothing\n" };
	char *wheel = make_wheel(WHL, NULL, 0, &o);

	assert_refused(wheel, WHL ": demo-1.0.dist-info/WHEEL: unsupported Wheel-Version '2.0' (only 1.x)");
	free(wheel);
	wheel = make_wheel(WHL, NULL, 0, &o2);
	assert_refused(wheel, WHL ": demo-1.0.dist-info/WHEEL: no Wheel-Version");
	free(wheel);
}
END_TEST

START_TEST(refuse_bad_record_line)
{
	/* RECORD itself names an absolute path: refused with the RECORD line. */
	struct wopts o = { .phantom = "/etc/passwd" };
	char *wheel = make_wheel(WHL, NULL, 0, &o);

	assert_refused(wheel, WHL ": demo-1.0.dist-info/RECORD:4: refusing an absolute path");
	free(wheel);
}
END_TEST

START_TEST(refuse_name_mismatch)
{
	char *wheel = make_wheel("other-1.0-py3-none-any.whl", NULL, 0, NULL);

	assert_refused(wheel,
		       "other-1.0-py3-none-any.whl: demo-1.0.dist-info: does not match the wheel's name 'other'");
	free(wheel);
}
END_TEST

START_TEST(cache_reused)
{
	char *wheel = make_wheel(WHL, NULL, 0, NULL);
	struct vr_wheel_entry *w = get_ok(wheel);
	char *file = t_strdupf("%s/demo/__init__.py", w->dir);
	ino_t dir_ino = ino_of(w->dir), file_ino = ino_of(file);
	struct timespec ts[2] = { { 0, UTIME_OMIT }, { 1000000, 0 } };

	vr_wheel_entry_free(w);
	w = get_ok(wheel);
	ck_assert_uint_eq(ino_of(w->dir), dir_ino);
	ck_assert_uint_eq(ino_of(file), file_ino);
	ck_assert_uint_eq(w->n_files, 4);
	ck_assert_str_eq(w->requires_python, ">=3.7");
	vr_wheel_entry_free(w);

	/* A new mtime with the same content: hashed, found intact, kept. */
	ck_assert_int_eq(utimensat(AT_FDCWD, file, ts, 0), 0);
	w = get_ok(wheel);
	ck_assert_uint_eq(ino_of(w->dir), dir_ino);
	ck_assert_uint_eq(ino_of(file), file_ino);
	vr_wheel_entry_free(w);
	assert_cache_clean_except(ENTRY);
	free(file);
	free(wheel);
}
END_TEST

START_TEST(cache_tampered_file)
{
	char *wheel = make_wheel(WHL, NULL, 0, NULL);
	struct vr_wheel_entry *w = get_ok(wheel);
	char *file = t_strdupf("%s/demo/__init__.py", w->dir), *s;
	ino_t dir_ino = ino_of(w->dir);
	/* Held open, so that the rebuilt entry cannot get the old inode number. */
	int old = open(w->dir, O_PATH | O_CLOEXEC);
	FILE *f;

	/* Same size, other content: the mtime changes, so the hash is checked. */
	ck_assert_int_eq(chmod(file, 0644), 0);
	f = fopen(file, "r+");
	ck_assert_ptr_nonnull(f);
	fputs("PRINT", f);
	fclose(f);
	vr_wheel_entry_free(w);

	w = get_ok(wheel);
	ck_assert_uint_ne(ino_of(w->dir), dir_ino);
	close(old);
	s = t_read_file(file);
	ck_assert_str_eq(s, "print('hello from demo')\n");
	free(s);
	ck_assert_uint_eq(mode_at(w->dir, "demo/__init__.py") & 07777, 0444);
	assert_cache_clean_except(ENTRY);
	vr_wheel_entry_free(w);
	free(file);
	free(wheel);
}
END_TEST

START_TEST(cache_removed_file)
{
	char *wheel = make_wheel(WHL, NULL, 0, NULL);
	struct vr_wheel_entry *w = get_ok(wheel);
	char *dir = t_strdupf("%s/demo", w->dir), *file = t_strdupf("%s/__init__.py", dir);
	ino_t dir_ino = ino_of(w->dir);
	/* Held open, so that the rebuilt entry cannot get the old inode number. */
	int old = open(w->dir, O_PATH | O_CLOEXEC);

	ck_assert_int_eq(chmod(dir, 0755), 0);
	ck_assert_int_eq(unlink(file), 0);
	vr_wheel_entry_free(w);

	w = get_ok(wheel);
	ck_assert_uint_ne(ino_of(w->dir), dir_ino);
	close(old);
	ck_assert_int_eq(access(file, F_OK), 0);
	assert_cache_clean_except(ENTRY);
	vr_wheel_entry_free(w);

	/* A grown file: caught by the size alone. */
	ck_assert_int_eq(chmod(file, 0644), 0);
	ck_assert_int_eq(truncate(file, 1), 0);
	w = get_ok(wheel);
	ck_assert_uint_eq(mode_at(w->dir, "demo/__init__.py") & 07777, 0444);
	{
		struct stat st;

		ck_assert_int_eq(stat(file, &st), 0);
		ck_assert_int_eq(st.st_size, 25);
	}
	vr_wheel_entry_free(w);
	free(dir);
	free(file);
	free(wheel);
}
END_TEST

START_TEST(cache_parallel)
{
	static const struct wf extra[] = {
		{ DI "entry_points.txt", "[console_scripts]\ndemo = demo.cli:main\n", 0 },
		{ "demo/cli.py", "def main():\n    return 0\n", 0 },
	};
	char *wheel = make_wheel(WHL, extra, ELEMENTSOF(extra), NULL);
	int fds[2];
	pid_t pids[8];
	ino_t inos[8];
	struct vr_wheel_entry *w;

	ck_assert_int_eq(pipe(fds), 0);
	for (int i = 0; i < 8; i++) {
		pids[i] = fork();
		ck_assert_int_ge(pids[i], 0);
		if (pids[i] == 0) {
			struct vr_wheel_entry *cw = NULL;
			struct stat st;
			ino_t ino = 0;

			close(fds[0]);
			if (vr_wheel_cache_get(wheel, cache_dir, &cw, NULL) == 0 && cw->n_scripts == 1 &&
			    stat(cw->dir, &st) == 0)
				ino = st.st_ino;
			if (write(fds[1], &ino, sizeof ino) != sizeof ino)
				_exit(2);
			_exit(ino ? 0 : 1);
		}
	}
	close(fds[1]);
	for (int i = 0; i < 8; i++) {
		int status = 0;

		ck_assert_int_eq(read(fds[0], &inos[i], sizeof inos[i]), (ssize_t)sizeof inos[i]);
		ck_assert_int_eq(waitpid(pids[i], &status, 0), pids[i]);
		ck_assert(WIFEXITED(status));
		ck_assert_int_eq(WEXITSTATUS(status), 0);
	}
	close(fds[0]);
	/* One build: every child saw the same directory, and nothing else is left. */
	w = get_ok(wheel);
	for (int i = 0; i < 8; i++)
		ck_assert_uint_eq(inos[i], ino_of(w->dir));
	assert_cache_clean_except(ENTRY);
	vr_wheel_entry_free(w);
	free(wheel);
}
END_TEST

START_TEST(two_tags_two_entries)
{
	char *a = make_wheel("demo-1.0-py3-none-any.whl", NULL, 0, NULL);
	char *b = make_wheel("demo-1.0-cp311-cp311-linux_x86_64.whl", NULL, 0, NULL);
	struct vr_wheel_entry *wa = get_ok(a), *wb = get_ok(b);

	ck_assert_str_ne(wa->dir, wb->dir);
	ck_assert(vr_endswith(wb->dir, "/demo-1.0-cp311-cp311-linux_x86_64"));
	vr_wheel_entry_free(wa);
	vr_wheel_entry_free(wb);
	free(a);
	free(b);
}
END_TEST

START_TEST(real_wheels)
{
	const char *dir = "/usr/share/python-wheels";
	DIR *d = opendir(dir);
	struct dirent *de;
	int seen = 0;

	if (!d) {
		fprintf(stderr, "real_wheels: %s is missing; skipped\n", dir);
		return;
	}
	while ((de = readdir(d))) {
		char *path;
		struct vr_wheel_entry *w;
		struct vr_wheel_name n;
		int fd;

		if (!vr_endswith(de->d_name, ".whl"))
			continue;
		path = t_strdupf("%s/%s", dir, de->d_name);
		w = get_ok(path);
		ck_assert_uint_gt(w->n_files, 3);
		ck_assert(w->root_is_purelib);
		if (vr_startswith(de->d_name, "pip-")) {
			bool has_pip = false;

			for (size_t i = 0; i < w->n_scripts; i++)
				has_pip |= streq(w->scripts[i].name, "pip");
			ck_assert(has_pip);
			ck_assert_ptr_nonnull(w->requires_python);
		}
		vr_wheel_entry_free(w);
		/* Warm. */
		w = get_ok(path);
		vr_wheel_entry_free(w);

		fd = open(path, O_RDONLY | O_CLOEXEC);
		ck_assert_int_ge(fd, 0);
		ck_assert_int_eq(vr_wheel_name_parse(path, &n, NULL), 0);
		ck_assert_int_eq(vr_wheel_verify_fd(fd, de->d_name, &n, NULL), 0);
		close(fd);
		free(path);
		seen++;
	}
	closedir(d);
	if (seen == 0)
		fprintf(stderr, "real_wheels: no wheels in %s; skipped\n", dir);
}
END_TEST

START_TEST(stale_temps_removed)
{
	char *wheel = make_wheel(WHL, NULL, 0, NULL);
	char *old = t_strdupf("%s/.tmp-crashed", wheels_dir), *sub = t_strdupf("%s/pkg", old);
	char *fresh = t_strdupf("%s/.tmp-busy", wheels_dir), *file = t_strdupf("%s/x.py", sub);
	struct timespec ts[2] = { { 0, UTIME_OMIT }, { time(NULL) - 7200, 0 } };
	struct vr_wheel_entry *w;

	/* What a builder killed half-way leaves: read-only parts, two hours old. */
	ck_assert_int_eq(mkdir(cache_dir, 0755), 0);
	ck_assert_int_eq(mkdir(wheels_dir, 0755), 0);
	ck_assert_int_eq(mkdir(old, 0755), 0);
	ck_assert_int_eq(mkdir(sub, 0755), 0);
	t_write_file(file, "x\n", false);
	ck_assert_int_eq(chmod(file, 0444), 0);
	ck_assert_int_eq(chmod(sub, 0555), 0);
	ck_assert_int_eq(utimensat(AT_FDCWD, old, ts, 0), 0);
	ck_assert_int_eq(mkdir(fresh, 0700), 0);

	w = get_ok(wheel);
	ck_assert_int_eq(access(old, F_OK), -1);
	ck_assert_int_eq(access(fresh, F_OK), 0);
	vr_wheel_entry_free(w);
	free(old);
	free(sub);
	free(fresh);
	free(file);
	free(wheel);
}
END_TEST

const struct t_case wheel_cache_cases[] = {
	T_CASE(good_pure_wheel),	 T_CASE(console_scripts_wheel), T_CASE(data_wheel),
	T_CASE(refuse_hash_mismatch),	 T_CASE(refuse_size_mismatch),	T_CASE(refuse_missing_record),
	T_CASE(refuse_dotdot),		 T_CASE(refuse_absolute),	T_CASE(refuse_backslash),
	T_CASE(refuse_symlink),		 T_CASE(refuse_fifo),		T_CASE(refuse_truncated),
	T_CASE(refuse_corrupt_data),	 T_CASE(refuse_unlisted),	T_CASE(refuse_phantom),
	T_CASE(refuse_second_dist_info), T_CASE(refuse_wheel_version),	T_CASE(refuse_bad_record_line),
	T_CASE(refuse_name_mismatch),	 T_CASE(cache_reused),		T_CASE(cache_tampered_file),
	T_CASE(cache_removed_file),	 T_CASE(cache_parallel),	T_CASE(two_tags_two_entries),
	T_CASE(stale_temps_removed),	 T_CASE(real_wheels),		{ NULL, NULL },
};
