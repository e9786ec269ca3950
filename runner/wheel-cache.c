/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The shared cache of unpacked wheels:
 * CACHE/wheels/<dist>-<version>[-<build>]-<python>-<abi>-<platform>/.
 *
 * An entry is unpacked (wheel-unpack.c) into wheels/.tmp-XXXXXX, renamed into place while
 * holding wheels/<entry>.lock, so readers never see half an entry and parallel builders of
 * one entry build it once. The stamp file in the entry records each file's size, mtime and
 * hash, so a warm check is one stat per file and a changed file is rebuilt.
 *
 * Separate from wheel-unpack.c: this file never opens an archive. It finds an entry, checks
 * it against its stamp, locks, moves a damaged entry aside, and removes what a failed or
 * crashed builder left behind.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "fileio.h"
#include "log.h"
#include "macro.h"
#include "path.h"
#include "wheel-internal.h"

#define COPY_BUF (64 * 1024)
#define STAMP_MAX (64 * 1024 * 1024)
#define STALE_TEMP_SECONDS 3600

void
vr_wheel_entry_free(struct vr_wheel_entry *w)
{
	if (!w)
		return;
	free(w->dir);
	free(w->dist_info);
	free(w->requires_python);
	vr_record_free(w->files, w->n_files);
	vr_entry_points_free(w->scripts, w->n_scripts);
	free(w);
}

VR_DEFINE_CLEANUP(struct vr_wheel_entry *, vr_wheel_entry_free)

/* chmod u+w every directory of a tree we made read-only, so that it can be removed. */
static void
make_writable_at(int dirfd, const char *name, int depth)
{
	_cleanup_close_ int fd = -1;
	DIR *d;
	struct dirent *de;
	int dfd;

	if (depth > VR_WHEEL_MAX_PATH / 2)
		return;
	fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return;
	(void)fchmod(fd, 0755);
	dfd = fcntl(fd, F_DUPFD_CLOEXEC, 3);
	if (dfd < 0)
		return;
	d = fdopendir(dfd);
	if (!d) {
		close(dfd);
		return;
	}
	while ((de = readdir(d))) {
		struct stat st;

		if (streq(de->d_name, ".") || streq(de->d_name, ".."))
			continue;
		if (fstatat(fd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(st.st_mode))
			make_writable_at(fd, de->d_name, depth + 1);
	}
	closedir(d);
}

static int
remove_tree_at(int dirfd, const char *name, struct vr_error *err)
{
	make_writable_at(dirfd, name, 0);
	return vr_rm_rf_at(dirfd, name, NULL, err);
}

static bool
file_matches(int efd, const char *path, const char *b64)
{
	_cleanup_close_ int fd = openat(efd, path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY);
	char buf[COPY_BUF / 4], form[VR_SHA256_RECORD_SIZE];
	unsigned char digest[32];
	struct vr_sha256 h;
	ssize_t n;

	if (fd < 0)
		return false;
	vr_sha256_init(&h);
	while ((n = read(fd, buf, sizeof buf)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return false;
		vr_sha256_update(&h, buf, (size_t)n);
	}
	vr_sha256_final(&h, digest);
	vr_sha256_record_form(digest, form);
	return streq(form + 7, b64);
}

/* Check every file the stamp lists; -ESTALE when one was changed or removed. */
static int
stamp_check(int efd, const char *ename, const char *text, long long wheel_size, char **ret_dist_info)
{
	const char *p = text, *nl;
	long long ws = -1;
	char di[VR_WHEEL_MAX_COMPONENT + 1];

	if (!vr_startswith(p, VR_WHEEL_STAMP_MAGIC) ||
	    sscanf(p + strlen(VR_WHEEL_STAMP_MAGIC), "wheel-size %lld\ndist-info %255[^\n]\n", &ws, di) != 2)
		return -ESTALE;
	if (ws != wheel_size) {
		vr_debug("wheel cache %s: built from another wheel of that name, rebuilding", ename);
		return -ESTALE;
	}
	if (!vr_endswith(di, ".dist-info") || strchr(di, '/') || vr_wheel_path_problem(di, strlen(di)))
		return -ESTALE;
	for (int skip = 0; skip < 3; skip++) {
		p = strchr(p, '\n');
		if (!p)
			return -ESTALE;
		p++;
	}
	for (; *p; p = nl + 1) {
		unsigned long long size;
		long long mtime;
		char b64[VR_SHA256_B64_LEN + 1];
		int off = 0;
		struct stat st;
		_cleanup_free_ char *path = NULL;

		nl = strchr(p, '\n');
		/* The path is the rest of the line after one space: it may hold spaces. */
		if (!nl || sscanf(p, "%llu %lld %43s%n", &size, &mtime, b64, &off) != 3 || off <= 0 ||
		    p + off + 1 >= nl || p[off] != ' ')
			return -ESTALE;
		path = strndup(p + off + 1, (size_t)(nl - p - off - 1));
		if (!path)
			return -ENOMEM;
		if (vr_wheel_path_problem(path, strlen(path)))
			return -ESTALE;
		if (fstatat(efd, path, &st, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISREG(st.st_mode) ||
		    (unsigned long long)st.st_size != size) {
			vr_debug("wheel cache %s: %s was removed or changed size, rebuilding", ename, path);
			return -ESTALE;
		}
		/* Same size: the content is checked only when its mtime or mode says someone
		 * may have written it, so that a warm check stays one stat per file. */
		if (st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec != mtime || (st.st_mode & 0222)) {
			if (!file_matches(efd, path, b64)) {
				vr_debug("wheel cache %s: %s was changed, rebuilding", ename, path);
				return -ESTALE;
			}
			if (st.st_mode & 0222)
				(void)fchmodat(efd, path, st.st_mode & 0555, 0);
		}
	}
	*ret_dist_info = strdup(di);
	return *ret_dist_info ? 0 : -ENOMEM;
}

/* Read dist-info/<name> of a cache entry; -ESTALE for anything but "absent and optional". */
static int
entry_member(int efd, const char *dist_info, const char *name, size_t max, bool optional, char **ret, size_t *len)
{
	_cleanup_free_ char *path = NULL;
	int r;

	if (asprintf(&path, "%s/%s", dist_info, name) < 0)
		return -ENOMEM;
	r = vr_read_file_at(efd, path, max, ret, len, NULL, NULL);
	if (r == -ENOENT && optional)
		return -ENOENT;
	return r < 0 ? -ESTALE : 0;
}

/* The warm path: 0 with *w filled, -ENOENT when absent, -ESTALE when it must be rebuilt. */
static int
entry_load(int wfd, const char *ename, long long wheel_size, struct vr_wheel_entry *w)
{
	_cleanup_close_ int efd = -1;
	_cleanup_free_ char *stamp = NULL, *text = NULL;
	size_t len = 0;
	int r;

	efd = openat(wfd, ename, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (efd < 0)
		return errno == ENOENT ? -ENOENT : -ESTALE;
	if (vr_read_file_at(efd, VR_WHEEL_STAMP, STAMP_MAX, &stamp, NULL, NULL, NULL) < 0)
		return -ESTALE;
	r = stamp_check(efd, ename, stamp, wheel_size, &w->dist_info);
	if (r < 0)
		return r;
	/* The stamp vouched for these files' content, RECORD's included: a parse error here
	 * means the entry is not what we wrote. */
	r = entry_member(efd, w->dist_info, "RECORD", VR_WHEEL_MAX_RECORD, false, &text, &len);
	if (r < 0 || vr_record_parse(text, len, ename, &w->files, &w->n_files, NULL) < 0)
		return r == -ENOMEM ? r : -ESTALE;
	free(text), text = NULL;
	r = entry_member(efd, w->dist_info, "WHEEL", VR_WHEEL_MAX_SMALL, false, &text, &len);
	if (r < 0 || vr_wheel_file_parse(text, len, ename, &w->root_is_purelib, NULL) < 0)
		return r == -ENOMEM ? r : -ESTALE;
	free(text), text = NULL;
	r = entry_member(efd, w->dist_info, "METADATA", VR_WHEEL_MAX_METADATA, false, &text, &len);
	if (r < 0 || vr_metadata_requires_python(text, len, ename, &w->requires_python, NULL) < 0)
		return r == -ENOMEM ? r : -ESTALE;
	free(text), text = NULL;
	r = entry_member(efd, w->dist_info, "entry_points.txt", VR_WHEEL_MAX_SMALL, true, &text, &len);
	if (r == 0 && vr_entry_points_parse(text, len, ename, &w->scripts, &w->n_scripts, NULL) < 0)
		return -ESTALE;
	if (r < 0 && r != -ENOENT)
		return r;
	return 0;
}

static void
entry_reset(struct vr_wheel_entry *w)
{
	free(w->dist_info);
	free(w->requires_python);
	vr_record_free(w->files, w->n_files);
	vr_entry_points_free(w->scripts, w->n_scripts);
	w->dist_info = w->requires_python = NULL;
	w->files = NULL;
	w->scripts = NULL;
	w->n_files = w->n_scripts = 0;
	w->root_is_purelib = false;
}

/* A builder that crashed left its .tmp-XXXXXX behind; one untouched for an hour is no
 * one's any more (a build takes seconds, and writes into its directory as it goes). */
static void
remove_stale_temps(int wfd)
{
	DIR *d = vr_opendir_at(wfd, ".", 0);
	time_t now = time(NULL);
	struct dirent *de;

	if (!d)
		return;
	while ((de = readdir(d))) {
		struct stat st;

		if (!vr_startswith(de->d_name, ".tmp-"))
			continue;
		if (fstatat(wfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISDIR(st.st_mode))
			continue;
		if (st.st_mtime > now - STALE_TEMP_SECONDS)
			continue;
		vr_debug("wheel cache: removing %s, left by a builder that did not finish", de->d_name);
		(void)remove_tree_at(wfd, de->d_name, NULL);
	}
	closedir(d);
}

/* A fresh wheels/.tmp-XXXXXX; its base name in *ret. */
static int
make_temp(const char *wheels, char **ret, struct vr_error *err)
{
	_cleanup_free_ char *t = vr_path_join(wheels, ".tmp-XXXXXX");

	if (!t)
		return vr_error_set(err, ENOMEM, "wheel cache");
	if (!mkdtemp(t))
		return vr_error_set_at(err, errno, wheels, "cannot create a temporary directory");
	*ret = strdup(vr_path_basename(t));
	return *ret ? 0 : vr_error_set(err, ENOMEM, "wheel cache");
}
/* Unpack and verify into a temporary directory, then rename it to `ename`. */
static int
entry_build(int fd, long long wheel_size, const char *whl, const struct vr_wheel_name *name, const char *wheels,
	    int wfd, const char *ename, struct vr_wheel_entry *w, struct vr_error *err)
{
	_cleanup_free_ char *tmp = NULL;
	_cleanup_close_ int tfd = -1;
	int r;

	r = make_temp(wheels, &tmp, err);
	if (r < 0)
		return r;
	tfd = openat(wfd, tmp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (tfd < 0) {
		r = vr_error_set_at(err, errno, wheels, "cannot open '%s'", tmp);
		goto out;
	}
	r = vr_wheel_unpack_at(fd, wheel_size, whl, name, tfd, w, err);
	if (r < 0)
		goto out;
	if (fchmod(tfd, 0555) < 0 || renameat(wfd, tmp, wfd, ename) < 0) {
		r = vr_error_set_at(err, errno, w->dir, "cannot move the unpacked wheel into place");
		goto out;
	}
out:
	/* A refused or failed build leaves nothing behind in the cache. */
	if (r < 0 && tmp)
		(void)remove_tree_at(wfd, tmp, NULL);
	return r;
}

int
vr_wheel_cache_get(const char *path, const char *cache_dir, struct vr_wheel_entry **ret, struct vr_error *err)
{
	_cleanup_(vr_wheel_entry_freep) struct vr_wheel_entry *w = NULL;
	_cleanup_free_ char *wheels = NULL, *lockname = NULL;
	_cleanup_close_ int fd = -1, wfd = -1, lockfd = -1;
	struct vr_wheel_name name;
	char ename[512];
	const char *whl;
	struct stat st;
	int r;

	if (!path || !cache_dir || !ret)
		return vr_error_set(err, EINVAL, "vr_wheel_cache_get");
	whl = vr_path_basename(path);
	r = vr_wheel_name_parse(path, &name, err);
	if (r < 0)
		return r;
	if (vr_wheel_name_entry(&name, ename, sizeof ename) < 0)
		return vr_error_set_at(err, ENAMETOOLONG, whl, "wheel name");
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return vr_error_set_at(err, errno, path, "cannot open");
	if (fstat(fd, &st) < 0)
		return vr_error_set_at(err, errno, path, "cannot stat");
	if (!S_ISREG(st.st_mode))
		return vr_error_set_at(err, VR_ERR_BAD_FILE, path, "not a regular file");

	wheels = vr_path_join(cache_dir, "wheels");
	w = calloc(1, sizeof *w);
	if (!wheels || !w || asprintf(&lockname, "%s.lock", ename) < 0)
		return vr_error_set(err, ENOMEM, "wheel cache");
	w->name = name;
	w->dir = vr_path_join(wheels, ename);
	if (!w->dir)
		return vr_error_set(err, ENOMEM, "wheel cache");
	r = vr_mkdir_parents(wheels, 0755, NULL, err);
	if (r < 0)
		return r;
	wfd = open(wheels, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (wfd < 0)
		return vr_error_set_at(err, errno, wheels, "cannot open");

	/* Warm: no lock, since a complete entry only ever appears by rename. */
	r = entry_load(wfd, ename, (long long)st.st_size, w);
	if (r == -ENOMEM)
		return vr_error_set(err, ENOMEM, "wheel cache");
	if (r == 0) {
		*ret = TAKE_PTR(w);
		return 0;
	}
	entry_reset(w);

	lockfd = openat(wfd, lockname, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY, 0644);
	if (lockfd < 0)
		return vr_error_set_at(err, errno, wheels, "cannot open the lock '%s'", lockname);
	while (flock(lockfd, LOCK_EX) < 0)
		if (errno != EINTR)
			return vr_error_set_at(err, errno, wheels, "cannot lock '%s'", lockname);

	/* Another builder may have finished while we waited: use its entry. */
	r = entry_load(wfd, ename, (long long)st.st_size, w);
	if (r == -ENOMEM)
		return vr_error_set(err, ENOMEM, "wheel cache");
	if (r == 0) {
		*ret = TAKE_PTR(w);
		return 0;
	}
	entry_reset(w);
	if (r == -ESTALE) {
		_cleanup_free_ char *aside = NULL;

		/* Out of the way in one step, then removed: a reader never sees it half gone. */
		r = make_temp(wheels, &aside, err);
		if (r < 0)
			return r;
		if (renameat(wfd, ename, wfd, aside) < 0) {
			int e = errno;

			if (e == ENOTDIR || e == EISDIR) {
				/* Not a directory at all: nothing can be using it as an entry. */
				r = vr_rm_rf_at(wfd, ename, w->dir, err);
			} else if (e != ENOENT) {
				r = vr_error_set_at(err, e, w->dir, "cannot move the damaged cache entry aside");
			}
			if (r < 0) {
				(void)remove_tree_at(wfd, aside, NULL);
				return r;
			}
		}
		/* The entry is out of the way: failing to remove it now (another cache user's
		 * clean-up of old temporaries may race with us) only leaves garbage that
		 * remove_stale_temps() collects later. */
		(void)remove_tree_at(wfd, aside, NULL);
	}
	remove_stale_temps(wfd);
	r = entry_build(fd, (long long)st.st_size, whl, &name, wheels, wfd, ename, w, err);
	if (r < 0)
		return r;
	*ret = TAKE_PTR(w);
	return 0;
}
