/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fileio.h"
#include "path.h"
#include "strv.h"

#define WHERE(w, p) ((w) ? (w) : (p))

int
vr_read_file_at(int dirfd, const char *path, size_t max, char **ret, size_t *ret_len, const char *where,
		struct vr_error *err)
{
	_cleanup_close_ int fd = -1;
	_cleanup_free_ char *buf = NULL;
	size_t len = 0, cap = 0;
	struct stat st;

	fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return vr_error_set_at(err, errno, WHERE(where, path), "cannot open");
	if (fstat(fd, &st) < 0)
		return vr_error_set_at(err, errno, WHERE(where, path), "cannot stat");
	if (!S_ISREG(st.st_mode))
		return vr_error_set_at(err, EINVAL, WHERE(where, path), "not a regular file");
	if ((size_t)st.st_size > max)
		return vr_error_set_at(err, EFBIG, WHERE(where, path), "larger than %zu bytes", max);
	/* procfs and sysfs report size 0, and sysctl files end after a short first read:
	 * read those with one generous buffer. */
	cap = st.st_size > 0 ? (size_t)st.st_size + 1 : (max < 65536 ? max + 1 : 65536);
	buf = malloc(cap);
	if (!buf)
		return vr_error_set(err, ENOMEM, "reading '%s'", WHERE(where, path));
	for (;;) {
		ssize_t n;

		if (len + 1 >= cap) {
			char *nb;

			/* The file grew while we read it (procfs and pipes report 0). */
			if (cap > max)
				return vr_error_set_at(err, EFBIG, WHERE(where, path), "larger than %zu bytes", max);
			nb = realloc(buf, cap * 2);
			if (!nb)
				return vr_error_set(err, ENOMEM, "reading '%s'", WHERE(where, path));
			buf = nb;
			cap *= 2;
		}
		n = read(fd, buf + len, cap - len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return vr_error_set_at(err, errno, WHERE(where, path), "cannot read");
		if (n == 0)
			break;
		len += (size_t)n;
	}
	if (len > max)
		return vr_error_set_at(err, EFBIG, WHERE(where, path), "larger than %zu bytes", max);
	buf[len] = 0;
	*ret = TAKE_PTR(buf);
	if (ret_len)
		*ret_len = len;
	return 0;
}

static int
write_all(int fd, const void *data, size_t len)
{
	const char *p = data;

	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* A temporary name beside `name`, unique enough for one writer under its own lock; O_EXCL
 * catches the rest. */
static char *
temp_name_for(const char *name)
{
	static unsigned counter;
	char *dir = vr_path_dirname(name), *tmp = NULL;
	const char *base = vr_path_basename(name);

	if (!dir)
		return NULL;
	if (asprintf(&tmp, "%s%s.%s.vr-%d-%u", strchr(name, '/') ? dir : "", strchr(name, '/') ? "/" : "", base,
		     (int)getpid(), counter++) < 0)
		tmp = NULL;
	free(dir);
	return tmp;
}

int
vr_write_file_at(int dirfd, const char *name, const void *data, size_t len, mode_t mode, unsigned flags,
		 const char *where, struct vr_error *err)
{
	_cleanup_free_ char *tmp = NULL;
	_cleanup_close_ int fd = -1;
	const char *target = name;
	int r;

	if (flags & VR_WRITE_KEEP) {
		struct stat st;
		if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0)
			return 0;
	}
	if (flags & VR_WRITE_ATOMIC) {
		tmp = temp_name_for(name);
		if (!tmp)
			return vr_error_set(err, ENOMEM, "writing '%s'", WHERE(where, name));
		target = tmp;
	}
	fd = openat(dirfd, target,
		    O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY |
			    ((flags & (VR_WRITE_EXCL | VR_WRITE_ATOMIC)) ? O_EXCL : O_TRUNC),
		    mode);
	if (fd < 0)
		return vr_error_set_at(err, errno, WHERE(where, name), "cannot create");
	r = write_all(fd, data, len);
	if (r < 0) {
		if (tmp)
			unlinkat(dirfd, tmp, 0);
		return vr_error_set_at(err, r, WHERE(where, name), "cannot write");
	}
	if (tmp) {
		if (renameat(dirfd, tmp, dirfd, name) < 0) {
			r = -errno;
			unlinkat(dirfd, tmp, 0);
			return vr_error_set_at(err, r, WHERE(where, name), "cannot rename into place");
		}
	}
	return 0;
}

int
vr_symlink_at(const char *target, int dirfd, const char *name, unsigned flags, const char *where, struct vr_error *err)
{
	_cleanup_free_ char *tmp = NULL;

	if (!(flags & VR_WRITE_ATOMIC)) {
		if (symlinkat(target, dirfd, name) < 0)
			return vr_error_set_at(err, errno, WHERE(where, name), "cannot create symlink");
		return 0;
	}
	tmp = temp_name_for(name);
	if (!tmp)
		return vr_error_set(err, ENOMEM, "writing '%s'", WHERE(where, name));
	if (symlinkat(target, dirfd, tmp) < 0)
		return vr_error_set_at(err, errno, WHERE(where, name), "cannot create symlink");
	if (renameat(dirfd, tmp, dirfd, name) < 0) {
		int r = errno;
		unlinkat(dirfd, tmp, 0);
		return vr_error_set_at(err, r, WHERE(where, name), "cannot rename into place");
	}
	return 0;
}

int
vr_copy_file_at(int src_dirfd, const char *src, int dst_dirfd, const char *dst, mode_t mode, unsigned flags,
		const char *where, struct vr_error *err)
{
	_cleanup_close_ int in = -1, out = -1;
	_cleanup_free_ char *tmp = NULL;
	const char *target = dst;
	struct stat st;
	int r = 0;

	in = openat(src_dirfd, src, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (in < 0 || fstat(in, &st) < 0)
		return vr_error_set_at(err, errno, src, "cannot open for copying");
	if (!S_ISREG(st.st_mode))
		return vr_error_set_at(err, EINVAL, src, "not a regular file");
	if (flags & VR_WRITE_ATOMIC) {
		tmp = temp_name_for(dst);
		if (!tmp)
			return vr_error_set(err, ENOMEM, "copying to '%s'", WHERE(where, dst));
		target = tmp;
	}
	out = openat(dst_dirfd, target, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, mode);
	if (out < 0)
		return vr_error_set_at(err, errno, WHERE(where, dst), "cannot create");
	for (off_t left = st.st_size; left > 0;) {
		ssize_t n = copy_file_range(in, NULL, out, NULL, (size_t)left, 0);

		if (n < 0 && (errno == EXDEV || errno == ENOSYS || errno == EINVAL || errno == EOPNOTSUPP)) {
			char buf[65536];

			/* Old kernels and some filesystems cannot copy in-kernel. */
			for (;;) {
				ssize_t k = read(in, buf, sizeof buf);
				if (k < 0 && errno == EINTR)
					continue;
				if (k <= 0) {
					r = k < 0 ? -errno : 0;
					break;
				}
				r = write_all(out, buf, (size_t)k);
				if (r < 0)
					break;
			}
			break;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			r = n < 0 ? -errno : 0;
			break;
		}
		left -= n;
	}
	if (r < 0) {
		unlinkat(dst_dirfd, target, 0);
		return vr_error_set_at(err, r, WHERE(where, dst), "cannot copy '%s'", src);
	}
	if (tmp && renameat(dst_dirfd, tmp, dst_dirfd, dst) < 0) {
		r = errno;
		unlinkat(dst_dirfd, tmp, 0);
		return vr_error_set_at(err, r, WHERE(where, dst), "cannot rename into place");
	}
	return 0;
}

int
vr_mkdir_parents(const char *path, mode_t mode, char ***created, struct vr_error *err)
{
	_cleanup_free_ char *p = strdup(path);
	char *s;

	if (!p)
		return vr_error_set(err, ENOMEM, "creating '%s'", path);
	for (s = p + 1;; s++) {
		if (*s == '/' || *s == 0) {
			char saved = *s;

			*s = 0;
			if (mkdir(p, mode) == 0) {
				if (created && vr_strv_push(created, p) < 0)
					return vr_error_set(err, ENOMEM, "creating '%s'", path);
			} else if (errno != EEXIST) {
				return vr_error_set_at(err, errno, p, "cannot create directory");
			} else {
				struct stat st;
				if (stat(p, &st) < 0 || !S_ISDIR(st.st_mode))
					return vr_error_set_at(err, ENOTDIR, p, "cannot create directory");
			}
			*s = saved;
			if (!saved)
				break;
		}
	}
	return 0;
}

DIR *
vr_opendir_at(int dirfd, const char *name, int flags)
{
	int fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC | flags);
	DIR *d;

	if (fd < 0)
		return NULL;
	d = fdopendir(fd);
	if (!d) {
		int saved = errno;

		close(fd);
		errno = saved;
	}
	return d;
}

static int
rm_rf_children(int dirfd, dev_t dev, const char *where, struct vr_error *err)
{
	/* "." so the caller keeps its own descriptor. */
	DIR *d = vr_opendir_at(dirfd, ".", 0);
	struct dirent *de;
	int r = 0;

	if (!d)
		return vr_error_set_at(err, errno, where, "cannot open directory");
	while ((de = readdir(d))) {
		struct stat st;

		if (streq(de->d_name, ".") || streq(de->d_name, ".."))
			continue;
		if (fstatat(dirfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
			if (errno == ENOENT)
				continue;
			r = vr_error_set_at(err, errno, where, "cannot stat '%s'", de->d_name);
			break;
		}
		if (S_ISDIR(st.st_mode)) {
			_cleanup_close_ int sub = -1;

			if (st.st_dev != dev) {
				r = vr_error_set_at(err, EXDEV, where,
						    "'%s' is a mount point; refusing to remove across filesystems",
						    de->d_name);
				break;
			}
			sub = openat(dirfd, de->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			if (sub < 0) {
				r = vr_error_set_at(err, errno, where, "cannot open '%s'", de->d_name);
				break;
			}
			r = rm_rf_children(sub, dev, where, err);
			if (r < 0)
				break;
			if (unlinkat(dirfd, de->d_name, AT_REMOVEDIR) < 0) {
				r = vr_error_set_at(err, errno, where, "cannot remove '%s'", de->d_name);
				break;
			}
		} else if (unlinkat(dirfd, de->d_name, 0) < 0 && errno != ENOENT) {
			r = vr_error_set_at(err, errno, where, "cannot remove '%s'", de->d_name);
			break;
		}
	}
	closedir(d);
	return r;
}

int
vr_rm_rf_at(int dirfd, const char *name, const char *where, struct vr_error *err)
{
	_cleanup_close_ int fd = -1;
	struct stat st;
	int r;

	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return errno == ENOENT ? 0 : vr_error_set_at(err, errno, WHERE(where, name), "cannot stat");
	if (!S_ISDIR(st.st_mode)) {
		if (unlinkat(dirfd, name, 0) < 0)
			return vr_error_set_at(err, errno, WHERE(where, name), "cannot remove");
		return 0;
	}
	fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return vr_error_set_at(err, errno, WHERE(where, name), "cannot open directory");
	r = rm_rf_children(fd, st.st_dev, WHERE(where, name), err);
	if (r < 0)
		return r;
	if (unlinkat(dirfd, name, AT_REMOVEDIR) < 0)
		return vr_error_set_at(err, errno, WHERE(where, name), "cannot remove");
	return 0;
}

bool
vr_dir_is_empty_at(int dirfd, const char *name)
{
	DIR *d = vr_opendir_at(dirfd, name, 0);
	struct dirent *de;
	bool empty = true;

	if (!d)
		return false;
	while ((de = readdir(d)))
		if (!streq(de->d_name, ".") && !streq(de->d_name, "..")) {
			empty = false;
			break;
		}
	closedir(d);
	return empty;
}
