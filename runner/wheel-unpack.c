/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Reading a wheel with libzip, checking it against its RECORD, and unpacking it into a
 * directory the caller gives.
 *
 * A wheel is untrusted input. Before a byte is written, every entry's name, type, size
 * and compression are checked, and the archive's file list must equal RECORD's; then each
 * file is hashed as it is extracted and compared with RECORD. The unpacked files are
 * read-only (0444, 0555 with an executable bit; directories 0555): envs hard-link them,
 * and a link shares the inode, so an in-place write through an env must fail rather than
 * change every env.
 *
 * Separate from wheel-cache.c, which decides where an entry lives, when it is still good
 * and when it must be rebuilt: this is the one file that parses an archive, and the one
 * that needs libzip, so vr_wheel_verify_fd() (the fuzz target's way in) reads a wheel
 * exactly as the cache does without touching a cache.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zip.h>

#include "buf.h"
#include "dlopen-lib.h"
#include "fileio.h"
#include "macro.h"
#include "strv.h"
#include "wheel-internal.h"

#define COPY_BUF (64 * 1024)

/* libzip, loaded by the first wheel read (common/dlopen-lib.h): a run never needs it. */
VR_DLSYM_DEFINE(zip_discard);
VR_DLSYM_DEFINE(zip_error_fini);
VR_DLSYM_DEFINE(zip_error_init_with_code);
VR_DLSYM_DEFINE(zip_error_strerror);
VR_DLSYM_DEFINE(zip_fclose);
VR_DLSYM_DEFINE(zip_fdopen);
VR_DLSYM_DEFINE(zip_file_get_error);
VR_DLSYM_DEFINE(zip_file_get_external_attributes);
VR_DLSYM_DEFINE(zip_fopen_index);
VR_DLSYM_DEFINE(zip_fread);
VR_DLSYM_DEFINE(zip_get_error);
VR_DLSYM_DEFINE(zip_get_num_entries);
VR_DLSYM_DEFINE(zip_stat_index);

static struct vr_dlopen_lib libzip = VR_DLOPEN_LIB(
	VR_LIBZIP_SONAME, "libzip", VR_DLSYM(zip_discard), VR_DLSYM(zip_error_fini), VR_DLSYM(zip_error_init_with_code),
	VR_DLSYM(zip_error_strerror), VR_DLSYM(zip_fclose), VR_DLSYM(zip_fdopen), VR_DLSYM(zip_file_get_error),
	VR_DLSYM(zip_file_get_external_attributes), VR_DLSYM(zip_fopen_index), VR_DLSYM(zip_fread),
	VR_DLSYM(zip_get_error), VR_DLSYM(zip_get_num_entries), VR_DLSYM(zip_stat_index));

static inline void
zip_fclosep(zip_file_t **f)
{
	if (*f)
		sym_zip_fclose(*f);
}

struct afile {
	const char *name; /* libzip's string: valid while the archive is open */
	zip_uint64_t index;
	zip_uint64_t size;
	bool is_dir;
	bool exec;
	const struct vr_record_entry *rec;
};

struct reader {
	zip_t *za;
	const char *whl;
	struct afile *files; /* sorted by name */
	size_t n_files;
	char *dist_info;
	struct vr_record_entry *record;
	size_t n_record;
	char *requires_python;
	bool purelib;
	struct vr_entry_point *eps;
	size_t n_eps;
	unsigned char *buf;
};

static void
reader_done(struct reader *rd)
{
	if (rd->za)
		sym_zip_discard(rd->za);
	free(rd->files);
	free(rd->dist_info);
	vr_record_free(rd->record, rd->n_record);
	free(rd->requires_python);
	vr_entry_points_free(rd->eps, rd->n_eps);
	free(rd->buf);
	*rd = (struct reader){ 0 };
}

/* "WHEEL: ENTRY: what": one line naming the wheel and the entry. Control characters in the
 * entry's name (refused anyway) do not reach the terminal. */
static int _printf_(5, 6)
	entry_error(struct vr_error *err, int code, const char *whl, const char *entry, const char *fmt, ...)
{
	char safe[320], msg[512];
	size_t i;
	va_list ap;

	for (i = 0; entry[i] && i < sizeof safe - 4; i++)
		safe[i] = ((unsigned char)entry[i] < 0x20 || entry[i] == 0x7f) ? '?' : entry[i];
	if (entry[i])
		safe[i++] = '.', safe[i++] = '.', safe[i++] = '.';
	safe[i] = 0;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	return vr_error_set_at(err, code, whl, "%s: %s", safe, msg);
}

static int
cmp_afile(const void *a, const void *b)
{
	return strcmp(((const struct afile *)a)->name, ((const struct afile *)b)->name);
}

static struct afile *
find_file(struct reader *rd, const char *name)
{
	struct afile key = { .name = name };

	return bsearch(&key, rd->files, rd->n_files, sizeof key, cmp_afile);
}

static int
reader_open(struct reader *rd, int fd, const char *whl, struct vr_error *err)
{
	zip_error_t ze;
	int zerr = 0, copy, r;

	rd->whl = whl;
	if ((r = vr_dlopen_lib(&libzip, err)) < 0)
		return r;
	rd->buf = malloc(COPY_BUF);
	if (!rd->buf)
		return vr_error_set(err, ENOMEM, "reading '%s'", whl);
	/* zip_fdopen() takes the descriptor on success only: give it a copy. */
	copy = fcntl(fd, F_DUPFD_CLOEXEC, 3);
	if (copy < 0)
		return vr_error_set_at(err, errno, whl, "cannot duplicate the descriptor");
	if (lseek(copy, 0, SEEK_SET) < 0) {
		close(copy);
		return vr_error_set_at(err, errno, whl, "cannot seek");
	}
	/* ZIP_CHECKCONS: the local headers must agree with the central directory, so two
	 * readers of the archive (we, then pip) cannot see different files. */
	rd->za = sym_zip_fdopen(copy, ZIP_RDONLY | ZIP_CHECKCONS, &zerr);
	if (!rd->za) {
		close(copy);
		sym_zip_error_init_with_code(&ze, zerr);
		r = vr_error_set_at(err, VR_ERR_BAD_FILE, whl, "cannot read the archive (truncated or corrupt?): %s",
				    sym_zip_error_strerror(&ze));
		sym_zip_error_fini(&ze);
		return r;
	}
	return 0;
}

/* Every entry: its name, type, size and compression, before anything is read. */
static int
reader_scan(struct reader *rd, const struct vr_wheel_name *parsed, struct vr_error *err)
{
	zip_int64_t n = sym_zip_get_num_entries(rd->za, 0);
	zip_uint64_t total = 0;

	if (n < 0 || n > VR_WHEEL_MAX_ENTRIES)
		return vr_error_set_at(err, VR_ERR_BAD_FILE, rd->whl, "more than %d entries", VR_WHEEL_MAX_ENTRIES);
	rd->files = calloc((size_t)n + 1, sizeof *rd->files);
	if (!rd->files)
		return vr_error_set(err, ENOMEM, "reading '%s'", rd->whl);
	for (zip_int64_t i = 0; i < n; i++) {
		struct afile *f = &rd->files[rd->n_files];
		zip_stat_t st;
		zip_uint8_t opsys = 0;
		zip_uint32_t attr = 0;
		const char *problem, *slash;
		size_t len;

		if (sym_zip_stat_index(rd->za, (zip_uint64_t)i, 0, &st) < 0)
			return vr_error_set_at(err, VR_ERR_BAD_FILE, rd->whl, "entry %lld: %s", (long long)i,
					       sym_zip_error_strerror(sym_zip_get_error(rd->za)));
		if ((st.valid & (ZIP_STAT_NAME | ZIP_STAT_SIZE | ZIP_STAT_COMP_SIZE | ZIP_STAT_COMP_METHOD)) !=
		    (ZIP_STAT_NAME | ZIP_STAT_SIZE | ZIP_STAT_COMP_SIZE | ZIP_STAT_COMP_METHOD))
			return vr_error_set_at(err, VR_ERR_BAD_FILE, rd->whl, "entry %lld: incomplete directory record",
					       (long long)i);
		len = strlen(st.name);
		f->name = st.name;
		f->index = (zip_uint64_t)i;
		f->size = st.size;
		f->is_dir = len > 0 && st.name[len - 1] == '/';
		problem = vr_wheel_path_problem(st.name, f->is_dir ? len - 1 : len);
		if (problem)
			return entry_error(err, VR_ERR_UNSAFE, rd->whl, st.name, "refusing %s", problem);
		if (sym_zip_file_get_external_attributes(rd->za, (zip_uint64_t)i, 0, &opsys, &attr) < 0)
			return entry_error(err, VR_ERR_BAD_FILE, rd->whl, st.name, "cannot read its attributes");
		/* Unix archivers keep st_mode in the high 16 bits. Only files and directories are
		 * unpacked: a symlink entry could point anywhere once installed. */
		if (opsys == ZIP_OPSYS_UNIX) {
			unsigned mode = attr >> 16;

			if ((mode & S_IFMT) == S_IFLNK)
				return entry_error(err, VR_ERR_UNSAFE, rd->whl, st.name, "refusing a symlink entry");
			if ((mode & S_IFMT) != 0 && (mode & S_IFMT) != S_IFREG && (mode & S_IFMT) != S_IFDIR)
				return entry_error(err, VR_ERR_UNSAFE, rd->whl, st.name,
						   "refusing an entry that is neither a file nor a directory");
			if (((mode & S_IFMT) == S_IFDIR && !f->is_dir) || ((mode & S_IFMT) == S_IFREG && f->is_dir))
				return entry_error(err, VR_ERR_UNSAFE, rd->whl, st.name,
						   "its type does not match its name");
			f->exec = !f->is_dir && (mode & 0111);
		}
		if ((st.valid & ZIP_STAT_ENCRYPTION_METHOD) && st.encryption_method != ZIP_EM_NONE)
			return entry_error(err, VR_ERR_BAD_FILE, rd->whl, st.name, "refusing an encrypted entry");
		if (st.comp_method == ZIP_CM_STORE) {
			if (st.comp_size != st.size)
				return entry_error(err, VR_ERR_BAD_FILE, rd->whl, st.name,
						   "stored with two different sizes");
		} else if (st.comp_method == ZIP_CM_DEFLATE) {
			if (st.size / VR_WHEEL_MAX_RATIO > st.comp_size)
				return entry_error(err, VR_ERR_BAD_FILE, rd->whl, st.name,
						   "claims a compression ratio deflate cannot reach");
		} else {
			return entry_error(err, VR_ERR_BAD_FILE, rd->whl, st.name, "unsupported compression method %u",
					   (unsigned)st.comp_method);
		}
		if (st.size > VR_WHEEL_MAX_TOTAL || total + st.size > VR_WHEEL_MAX_TOTAL)
			return entry_error(err, VR_ERR_BAD_FILE, rd->whl, st.name,
					   "the wheel unpacks to more than %llu bytes", VR_WHEEL_MAX_TOTAL);
		total += st.size;
		if (f->is_dir && st.size != 0)
			return entry_error(err, VR_ERR_BAD_FILE, rd->whl, st.name, "a directory with content");

		/* Exactly one top-level .dist-info directory: a second could carry another
		 * RECORD, and installers differ in which one they read. */
		slash = strchr(st.name, '/');
		if (slash && (size_t)(slash - st.name) > 10 && strneq(slash - 10, ".dist-info", 10)) {
			size_t dlen = (size_t)(slash - st.name);

			if (!rd->dist_info) {
				rd->dist_info = strndup(st.name, dlen);
				if (!rd->dist_info)
					return vr_error_set(err, ENOMEM, "reading '%s'", rd->whl);
			} else if (strlen(rd->dist_info) != dlen || !strneq(rd->dist_info, st.name, dlen)) {
				return entry_error(err, VR_ERR_BAD_FILE, rd->whl, st.name,
						   "a second .dist-info directory (besides %s)", rd->dist_info);
			}
		}
		rd->n_files++;
	}
	qsort(rd->files, rd->n_files, sizeof *rd->files, cmp_afile);
	for (size_t i = 1; i < rd->n_files; i++)
		if (streq(rd->files[i - 1].name, rd->files[i].name))
			return entry_error(err, VR_ERR_BAD_FILE, rd->whl, rd->files[i].name, "in the archive twice");
	if (!rd->dist_info)
		return vr_error_set_at(err, VR_ERR_BAD_FILE, rd->whl, "no .dist-info directory (no RECORD)");
	if (parsed) {
		char norm[sizeof parsed->dist];
		const char *dash = strchr(rd->dist_info, '-');
		size_t plen = dash ? (size_t)(dash - rd->dist_info) : strlen(rd->dist_info) - 10;

		if (vr_wheel_dist_normalize(rd->dist_info, plen, norm, sizeof norm) < 0 || !streq(norm, parsed->dist))
			return entry_error(err, VR_ERR_BAD_FILE, rd->whl, rd->dist_info,
					   "does not match the wheel's name '%s'", parsed->dist);
	}
	return 0;
}

/*
 * Read one entry, hashing its bytes, into a descriptor or a buffer (or nowhere). Never
 * more than the size the directory declared (already bounded): a stream that goes on is
 * refused as it passes the size, not after.
 */
static int
read_entry(struct reader *rd, const struct afile *f, int outfd, struct vr_buf *mem, unsigned char digest[32],
	   struct vr_error *err)
{
	_cleanup_(zip_fclosep) zip_file_t *zf = NULL;
	struct vr_sha256 h;
	zip_uint64_t got = 0;

	zf = sym_zip_fopen_index(rd->za, f->index, 0);
	if (!zf)
		return entry_error(err, VR_ERR_BAD_FILE, rd->whl, f->name, "cannot read: %s",
				   sym_zip_error_strerror(sym_zip_get_error(rd->za)));
	vr_sha256_init(&h);
	for (;;) {
		zip_int64_t n = sym_zip_fread(zf, rd->buf, COPY_BUF);

		if (n < 0)
			return entry_error(err, VR_ERR_BAD_FILE, rd->whl, f->name, "cannot read: %s",
					   sym_zip_error_strerror(sym_zip_file_get_error(zf)));
		if (n == 0)
			break;
		if ((zip_uint64_t)n > f->size - got)
			return entry_error(err, VR_ERR_BAD_FILE, rd->whl, f->name, "longer than its declared size");
		got += (zip_uint64_t)n;
		vr_sha256_update(&h, rd->buf, (size_t)n);
		if (mem)
			vr_buf_append(mem, (const char *)rd->buf, (size_t)n);
		for (const unsigned char *p = rd->buf; outfd >= 0 && n > 0;) {
			ssize_t w = write(outfd, p, (size_t)n);

			if (w < 0 && errno == EINTR)
				continue;
			if (w < 0)
				return vr_error_set_at(err, errno, rd->whl, "%s: cannot write", f->name);
			p += w;
			n -= w;
		}
	}
	if (got != f->size)
		return entry_error(err, VR_ERR_BAD_FILE, rd->whl, f->name, "shorter than its declared size");
	if (mem && vr_buf_status(mem) < 0)
		return vr_error_set(err, ENOMEM, "reading '%s'", rd->whl);
	vr_sha256_final(&h, digest);
	return 0;
}

/* dist-info/<name> into memory: -ENOENT (error unset) when optional and absent. */
static int
read_member(struct reader *rd, const char *name, size_t max, bool optional, char **ret, size_t *ret_len,
	    struct vr_error *err)
{
	_cleanup_free_ char *path = NULL;
	struct vr_buf b = VR_BUF_INIT;
	unsigned char digest[32];
	struct afile *f;
	int r;

	if (asprintf(&path, "%s/%s", rd->dist_info, name) < 0)
		return vr_error_set(err, ENOMEM, "reading '%s'", rd->whl);
	f = find_file(rd, path);
	if (!f || f->is_dir) {
		if (optional)
			return -ENOENT;
		return entry_error(err, VR_ERR_BAD_FILE, rd->whl, path, "missing from the wheel");
	}
	if (f->size > max)
		return entry_error(err, VR_ERR_BAD_FILE, rd->whl, path, "larger than %zu bytes", max);
	vr_buf_append(&b, "", 0);
	r = read_entry(rd, f, -1, &b, digest, err);
	if (r < 0) {
		vr_buf_done(&b);
		return r;
	}
	*ret_len = b.len;
	*ret = vr_buf_steal(&b);
	return 0;
}

static int
cmp_rec_ptr(const void *a, const void *b)
{
	return strcmp((*(const struct vr_record_entry *const *)a)->path,
		      (*(const struct vr_record_entry *const *)b)->path);
}

static bool
is_record_or_signature(const struct reader *rd, const char *path)
{
	size_t dl = strlen(rd->dist_info);

	return strneq(path, rd->dist_info, dl) && path[dl] == '/' &&
	       (streq(path + dl + 1, "RECORD") || streq(path + dl + 1, "RECORD.jws") ||
		streq(path + dl + 1, "RECORD.p7s"));
}

/* RECORD, WHEEL, METADATA, entry_points.txt; then the archive's files must be RECORD's. */
static int
reader_check(struct reader *rd, struct vr_error *err)
{
	_cleanup_free_ char *text = NULL, *where = NULL;
	_cleanup_free_ const struct vr_record_entry **sorted = NULL;
	size_t len = 0;
	int r;

	r = read_member(rd, "RECORD", VR_WHEEL_MAX_RECORD, false, &text, &len, err);
	if (r < 0)
		return r;
	if (asprintf(&where, "%s: %s/RECORD", rd->whl, rd->dist_info) < 0)
		return vr_error_set(err, ENOMEM, "reading '%s'", rd->whl);
	r = vr_record_parse(text, len, where, &rd->record, &rd->n_record, err);
	if (r < 0)
		return r;
	free(text), text = NULL, free(where), where = NULL;

	r = read_member(rd, "WHEEL", VR_WHEEL_MAX_SMALL, false, &text, &len, err);
	if (r < 0)
		return r;
	if (asprintf(&where, "%s: %s/WHEEL", rd->whl, rd->dist_info) < 0)
		return vr_error_set(err, ENOMEM, "reading '%s'", rd->whl);
	r = vr_wheel_file_parse(text, len, where, &rd->purelib, err);
	if (r < 0)
		return r;
	free(text), text = NULL, free(where), where = NULL;

	r = read_member(rd, "METADATA", VR_WHEEL_MAX_METADATA, false, &text, &len, err);
	if (r < 0)
		return r;
	if (asprintf(&where, "%s: %s/METADATA", rd->whl, rd->dist_info) < 0)
		return vr_error_set(err, ENOMEM, "reading '%s'", rd->whl);
	r = vr_metadata_requires_python(text, len, where, &rd->requires_python, err);
	if (r < 0)
		return r;
	free(text), text = NULL, free(where), where = NULL;

	r = read_member(rd, "entry_points.txt", VR_WHEEL_MAX_SMALL, true, &text, &len, err);
	if (r < 0 && r != -ENOENT)
		return r;
	if (r == 0) {
		if (asprintf(&where, "%s: %s/entry_points.txt", rd->whl, rd->dist_info) < 0)
			return vr_error_set(err, ENOMEM, "reading '%s'", rd->whl);
		r = vr_entry_points_parse(text, len, where, &rd->eps, &rd->n_eps, err);
		if (r < 0)
			return r;
	}

	sorted = malloc((rd->n_record + 1) * sizeof *sorted);
	if (!sorted)
		return vr_error_set(err, ENOMEM, "reading '%s'", rd->whl);
	for (size_t i = 0; i < rd->n_record; i++)
		sorted[i] = &rd->record[i];
	qsort(sorted, rd->n_record, sizeof *sorted, cmp_rec_ptr);
	for (size_t i = 0; i < rd->n_files; i++) {
		struct afile *f = &rd->files[i];
		struct vr_record_entry key = { .path = (char *)f->name };
		const struct vr_record_entry *kp = &key, **found;

		if (f->is_dir)
			continue;
		found = bsearch(&kp, sorted, rd->n_record, sizeof *sorted, cmp_rec_ptr);
		if (!found) {
			if (is_record_or_signature(rd, f->name))
				continue;
			return entry_error(err, VR_ERR_BAD_FILE, rd->whl, f->name, "not listed in RECORD");
		}
		f->rec = *found;
	}
	for (size_t i = 0; i < rd->n_record; i++) {
		const struct vr_record_entry *e = &rd->record[i];
		struct afile *f;

		if (is_record_or_signature(rd, e->path))
			continue;
		f = find_file(rd, e->path);
		if (!f || f->is_dir)
			return entry_error(err, VR_ERR_BAD_FILE, rd->whl, e->path,
					   "listed in RECORD but not in the archive");
		if (!e->hash)
			return entry_error(err, VR_ERR_BAD_FILE, rd->whl, e->path, "has no sha256 in RECORD");
		if (e->size < 0)
			return entry_error(err, VR_ERR_BAD_FILE, rd->whl, e->path, "has no size in RECORD");
		if ((zip_uint64_t)e->size != f->size)
			return entry_error(err, VR_ERR_BAD_FILE, rd->whl, e->path, "size does not match RECORD");
	}
	return 0;
}

/* The directory of `name` under rootfd, created as needed; the last one is kept open
 * because archives list a directory's files together. */
struct dircache {
	char *path;
	int fd;
};

static int
open_parent(int rootfd, const char *name, struct dircache *dc, char ***created, const char **base)
{
	const char *slash = strrchr(name, '/');
	_cleanup_free_ char *dir = NULL;
	int cur;

	*base = slash ? slash + 1 : name;
	if (!slash)
		return rootfd;
	dir = strndup(name, (size_t)(slash - name));
	if (!dir)
		return -ENOMEM;
	if (dc->path && streq(dc->path, dir))
		return dc->fd;
	if (dc->fd >= 0)
		close(dc->fd);
	free(dc->path);
	dc->path = NULL;
	dc->fd = -1;

	cur = rootfd;
	for (char *p = dir;;) {
		char *s = strchr(p, '/');
		int next;

		if (s)
			*s = 0;
		/* Every directory here is one we make: O_NOFOLLOW, though no symlink can be in
		 * a tree only this process writes, keeps it so if that ever changes. */
		if (mkdirat(cur, p, 0755) == 0) {
			/* dir is cut at this component: the prefix made so far. */
			if (vr_strv_push(created, dir) < 0) {
				if (cur != rootfd)
					close(cur);
				return -ENOMEM;
			}
		} else if (errno != EEXIST) {
			int e = -errno;
			if (cur != rootfd)
				close(cur);
			return e;
		}
		next = openat(cur, p, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (cur != rootfd)
			close(cur);
		if (next < 0)
			return -errno;
		cur = next;
		if (!s)
			break;
		*s = '/';
		p = s + 1;
	}
	dc->path = TAKE_PTR(dir);
	dc->fd = cur;
	return cur;
}

/*
 * Hash every file against RECORD; with rootfd >= 0 also write it there, read-only, and
 * add its line to the stamp ("SIZE MTIME_NS DIGEST PATH").
 */
static int
reader_extract(struct reader *rd, int rootfd, struct vr_buf *stamp, struct vr_error *err)
{
	struct dircache dc = { NULL, -1 };
	_cleanup_strv_free_ char **created = NULL;
	int r = 0;

	for (size_t i = 0; i < rd->n_files && r >= 0; i++) {
		const struct afile *f = &rd->files[i];
		_cleanup_close_ int fd = -1;
		char form[VR_SHA256_RECORD_SIZE];
		unsigned char digest[32];
		const char *base;
		struct stat st;
		int dfd;

		if (f->is_dir)
			continue;
		if (rootfd >= 0) {
			dfd = open_parent(rootfd, f->name, &dc, &created, &base);
			if (dfd < 0) {
				r = entry_error(err, -dfd, rd->whl, f->name, "cannot create its directory");
				break;
			}
			fd = openat(dfd, base, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
			if (fd < 0) {
				r = entry_error(err, errno, rd->whl, f->name, "cannot create");
				break;
			}
		}
		r = read_entry(rd, f, fd, NULL, digest, err);
		if (r < 0)
			break;
		vr_sha256_record_form(digest, form);
		if (f->rec && f->rec->hash && !streq(form, f->rec->hash)) {
			r = entry_error(err, VR_ERR_BAD_FILE, rd->whl, f->name, "sha256 does not match RECORD");
			break;
		}
		if (rootfd < 0)
			continue;
		if (fchmod(fd, f->exec ? 0555 : 0444) < 0 || fstat(fd, &st) < 0) {
			r = entry_error(err, errno, rd->whl, f->name, "cannot finish");
			break;
		}
		vr_buf_printf(stamp, "%llu %lld %s %s\n", (unsigned long long)f->size,
			      (long long)st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec, form + 7, f->name);
	}
	if (dc.fd >= 0)
		close(dc.fd);
	free(dc.path);
	if (r < 0)
		return r;
	if (rootfd < 0)
		return 0;
	/* Read-only from the deepest directory up, now that nothing more is written. */
	for (size_t k = vr_strv_length(created); k > 0; k--)
		if (fchmodat(rootfd, created[k - 1], 0555, 0) < 0)
			return vr_error_set_at(err, errno, rd->whl, "%s: cannot make read-only", created[k - 1]);
	return 0;
}

int
vr_wheel_verify_fd(int fd, const char *name, const struct vr_wheel_name *parsed, struct vr_error *err)
{
	struct reader rd = { 0 };
	int r;

	if (fd < 0 || !name)
		return vr_error_set(err, EINVAL, "vr_wheel_verify_fd");
	r = reader_open(&rd, fd, name, err);
	if (r >= 0)
		r = reader_scan(&rd, parsed, err);
	if (r >= 0)
		r = reader_check(&rd, err);
	if (r >= 0)
		r = reader_extract(&rd, -1, NULL, err);
	reader_done(&rd);
	return r < 0 ? r : 0;
}

int
vr_wheel_unpack_at(int fd, long long wheel_size, const char *whl, const struct vr_wheel_name *name, int rootfd,
		   struct vr_wheel_entry *w, struct vr_error *err)
{
	struct reader rd = { 0 };
	struct vr_buf stamp = VR_BUF_INIT;
	int r;

	r = reader_open(&rd, fd, whl, err);
	if (r >= 0)
		r = reader_scan(&rd, name, err);
	if (r >= 0)
		r = reader_check(&rd, err);
	if (r < 0)
		goto out;
	vr_buf_printf(&stamp, VR_WHEEL_STAMP_MAGIC "wheel-size %lld\ndist-info %s\n", wheel_size, rd.dist_info);
	r = reader_extract(&rd, rootfd, &stamp, err);
	if (r < 0)
		goto out;
	if (vr_buf_status(&stamp) < 0) {
		r = vr_error_set(err, ENOMEM, "wheel cache");
		goto out;
	}
	r = vr_write_file_at(rootfd, VR_WHEEL_STAMP, stamp.data, stamp.len, 0444, VR_WRITE_EXCL, NULL, err);
	if (r < 0)
		goto out;
	w->dist_info = TAKE_PTR(rd.dist_info);
	w->requires_python = TAKE_PTR(rd.requires_python);
	w->root_is_purelib = rd.purelib;
	w->files = TAKE_PTR(rd.record);
	w->n_files = rd.n_record;
	rd.n_record = 0;
	w->scripts = TAKE_PTR(rd.eps);
	w->n_scripts = rd.n_eps;
	rd.n_eps = 0;
out:
	vr_buf_done(&stamp);
	reader_done(&rd);
	return r;
}
