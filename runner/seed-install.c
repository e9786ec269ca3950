/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Installing cached wheels into an env tree, as a wheel installer does (PEP 427 / the
 * binary distribution format), but by hard links into the shared cache:
 *
 *   - every file of the wheel is linked from its cache entry; across filesystems (or
 *     where protected_hardlinks forbids it) a reflink (FICLONE), else a copy;
 *   - <dist>.data/{purelib,platlib,scripts,data,headers} go where pip puts them; scripts
 *     are written anew, their "#!python" line rewritten and mode 0755, never linked: the
 *     cache's inode must not be made executable or be rewritten through the env;
 *   - console and GUI scripts from entry_points.txt become small Python launchers;
 *   - the .dist-info gets INSTALLER and a RECORD listing what was really installed
 *     (relative to the directory holding the .dist-info, as pip writes it), so pip can
 *     later upgrade and uninstall the package.
 *
 * A linked file shares its inode with the cache. That is safe because pip never writes
 * into an installed file: it removes or renames the old one and creates a new one.
 * Everything is written under the env's directory fd; each directory is opened with
 * O_NOFOLLOW, so a symlink in the tree (there is none in a fresh one) is never followed.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "fileio.h"
#include "macro.h"
#include "path.h"
#include "seed.h"
#include "strv.h"
#include "wheel-internal.h"
#include "wheel.h"

#define SCRIPT_MAX (16 * 1024 * 1024)
#define SHEBANG_SIMPLE_MAX 127

/* "sha256=<urlsafe base64, no padding>" of a file we generate, as RECORD wants it (the
 * cache hashed every file it holds; wheel-record.c has the one SHA-256). */
static void
record_hash(const void *data, size_t len, char out[VR_SHA256_RECORD_SIZE])
{
	struct vr_sha256 c;
	unsigned char digest[32];

	vr_sha256_init(&c);
	vr_sha256_update(&c, data, len);
	vr_sha256_final(&c, digest);
	vr_sha256_record_form(digest, out);
}

/* ---- the install context ---- */

struct install {
	int envfd;
	const char *env_path;
	const struct vr_wheel_entry *w;
	const char *wheel; /* the wheel file, for errors */
	int cachefd;
	bool copy;   /* links failed once (EXDEV, EPERM): copy from now on */
	char **dirs; /* directories opened so far, relative to the env ... */
	int *dirfds; /* ... and their descriptors */
	size_t n_dirs;
	const char *lib_dir; /* where the .dist-info goes: purelib or platlib */
	struct vr_buf record;
	char *shebang;
};

static void
install_done(struct install *in)
{
	for (size_t i = 0; i < in->n_dirs; i++) {
		free(in->dirs[i]);
		close(in->dirfds[i]);
	}
	free(in->dirs);
	free(in->dirfds);
	vr_buf_done(&in->record);
	free(in->shebang);
	if (in->cachefd >= 0)
		close(in->cachefd);
}

/* The directory `rel` of the env ("" is the env itself), made when missing; each is opened
 * once, with O_NOFOLLOW, and kept open for the files that follow. */
static int
open_dir(struct install *in, const char *rel, int *ret, struct vr_error *err)
{
	_cleanup_free_ char *parent = NULL;
	const char *slash = strrchr(rel, '/'), *base = slash ? slash + 1 : rel;
	char **nd;
	int *nf, pfd, fd, r;

	if (!*rel) {
		*ret = in->envfd;
		return 0;
	}
	/* Files come grouped by directory: look at the newest first. */
	for (size_t i = in->n_dirs; i > 0; i--)
		if (streq(in->dirs[i - 1], rel)) {
			*ret = in->dirfds[i - 1];
			return 0;
		}
	parent = slash ? strndup(rel, (size_t)(slash - rel)) : strdup("");
	if (!parent)
		return vr_error_set(err, ENOMEM, "seed");
	r = open_dir(in, parent, &pfd, err);
	if (r < 0)
		return r;
	if (mkdirat(pfd, base, 0777) < 0 && errno != EEXIST)
		return vr_error_set_at(err, errno, rel, "%s: cannot create directory", in->wheel);
	/* O_NOFOLLOW | O_DIRECTORY: a symlink here is refused (ENOTDIR), not followed. */
	fd = openat(pfd, base, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return vr_error_set_at(err, errno, rel, "%s: cannot open directory", in->wheel);
	nd = realloc(in->dirs, (in->n_dirs + 1) * sizeof *nd);
	if (nd)
		in->dirs = nd;
	nf = realloc(in->dirfds, (in->n_dirs + 1) * sizeof *nf);
	if (nf)
		in->dirfds = nf;
	if (!nd || !nf || !(in->dirs[in->n_dirs] = strdup(rel))) {
		close(fd);
		return vr_error_set(err, ENOMEM, "seed");
	}
	in->dirfds[in->n_dirs++] = fd;
	*ret = fd;
	return 0;
}

/* The directory fd and last component of an env-relative file path. */
static int
open_parent(struct install *in, const char *rel, int *dirfd, const char **base, struct vr_error *err)
{
	_cleanup_free_ char *dir = NULL;
	const char *slash = strrchr(rel, '/');

	*base = slash ? slash + 1 : rel;
	dir = slash ? strndup(rel, (size_t)(slash - rel)) : strdup("");
	if (!dir)
		return vr_error_set(err, ENOMEM, "seed");
	return open_dir(in, dir, dirfd, err);
}

/* `target` relative to the directory `base`, both relative to the env and normalised:
 * "../../../bin/pip" for bin/pip from lib/python3.11/site-packages. */
char *
vr_seed_relative_path(const char *base, const char *target)
{
	_cleanup_strv_free_ char **bv = NULL, **tv = NULL;
	struct vr_buf b = VR_BUF_INIT;
	size_t k = 0;

	if (vr_strv_split(base, '/', &bv) < 0 || vr_strv_split(target, '/', &tv) < 0)
		return NULL;
	while (bv && tv && bv[k] && tv[k] && streq(bv[k], tv[k]))
		k++;
	for (size_t i = k; bv && bv[i]; i++)
		vr_buf_puts(&b, "../");
	for (size_t i = k; tv && tv[i]; i++) {
		vr_buf_puts(&b, tv[i]);
		if (tv[i + 1])
			vr_buf_putc(&b, '/');
	}
	if (vr_buf_status(&b) < 0) {
		vr_buf_done(&b);
		return NULL;
	}
	return b.data ? vr_buf_steal(&b) : strdup("");
}

/* One RECORD row, quoted as Python's csv module quotes. */
static void
record_add(struct install *in, const char *dest, const char *hash, long long size)
{
	_cleanup_free_ char *rel = vr_seed_relative_path(in->lib_dir, dest);

	if (!rel) {
		in->record.oom = true;
		return;
	}
	if (strpbrk(rel, ",\"\r\n")) {
		vr_buf_putc(&in->record, '"');
		for (const char *c = rel; *c; c++) {
			if (*c == '"')
				vr_buf_putc(&in->record, '"');
			vr_buf_putc(&in->record, *c);
		}
		vr_buf_putc(&in->record, '"');
	} else {
		vr_buf_puts(&in->record, rel);
	}
	if (hash && size >= 0)
		vr_buf_printf(&in->record, ",%s,%lld\n", hash, size);
	else
		vr_buf_puts(&in->record, ",,\n");
}

/* A reflink where the filesystem has them (the copy shares blocks, copy-on-write), else
 * an in-kernel copy, else read/write. */
static int
copy_from_cache(struct install *in, const char *src, int dfd, const char *base, const char *dest, struct vr_error *err)
{
	_cleanup_close_ int ifd = -1, ofd = -1;
	struct stat st;
	int r = 0;

	ifd = openat(in->cachefd, src, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (ifd < 0 || fstat(ifd, &st) < 0)
		return vr_error_set_at(err, errno, in->wheel, "cache entry '%s': cannot read", src);
	if (!S_ISREG(st.st_mode))
		return vr_error_set_at(err, EINVAL, in->wheel, "cache entry '%s': not a regular file", src);
	ofd = openat(dfd, base, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, st.st_mode & 0111 ? 0755 : 0644);
	if (ofd < 0)
		return vr_error_set_at(err, errno, dest, "%s: cannot create", in->wheel);
	if (ioctl(ofd, FICLONE, ifd) == 0)
		return 0;
	for (off_t left = st.st_size; left > 0 && r == 0;) {
		ssize_t n = copy_file_range(ifd, NULL, ofd, NULL, (size_t)left, 0);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EXDEV || errno == ENOSYS || errno == EINVAL || errno == EOPNOTSUPP)) {
			char buf[65536];
			ssize_t k;

			/* Old kernels and some filesystems cannot copy in-kernel. */
			while ((k = read(ifd, buf, sizeof buf)) != 0) {
				if (k < 0 && errno == EINTR)
					continue;
				if (k < 0 || write(ofd, buf, (size_t)k) != k) {
					r = -(errno ? errno : EIO);
					break;
				}
			}
			break;
		}
		if (n <= 0)
			r = n < 0 ? -errno : -EIO;
		else
			left -= n;
	}
	if (r < 0) {
		unlinkat(dfd, base, 0);
		return vr_error_set_at(err, r, dest, "%s: cannot copy '%s' from the cache", in->wheel, src);
	}
	return 0;
}

static int
link_from_cache(struct install *in, const char *src, const char *dest, struct vr_error *err)
{
	const char *base;
	int dfd, r;

	r = open_parent(in, dest, &dfd, &base, err);
	if (r < 0)
		return r;
	if (!in->copy) {
		/* linkat without AT_SYMLINK_FOLLOW links the entry itself, never a link's target. */
		if (linkat(in->cachefd, src, dfd, base, 0) == 0)
			return 0;
		if (errno == EEXIST)
			return vr_error_set_at(err, EEXIST, dest, "%s: '%s' is installed already (by another wheel?)",
					       in->wheel, src);
		/* Another filesystem, or fs.protected_hardlinks refusing a file we do not own:
		 * copy this one and every later one. */
		if (errno != EXDEV && errno != EPERM && errno != EMLINK && errno != EOPNOTSUPP)
			return vr_error_set_at(err, errno, dest, "%s: cannot link '%s' from the cache", in->wheel, src);
		in->copy = true;
	}
	return copy_from_cache(in, src, dfd, base, dest, err);
}

static int
write_generated(struct install *in, const char *dest, const char *data, size_t len, mode_t mode, struct vr_error *err)
{
	_cleanup_free_ char *where = vr_path_join(in->env_path, dest);
	char hash[64];
	const char *base;
	int dfd, r;

	r = open_parent(in, dest, &dfd, &base, err);
	if (r < 0)
		return r;
	r = vr_write_file_at(dfd, base, data, len, mode, VR_WRITE_EXCL, where ? where : dest, err);
	if (r < 0)
		return r;
	record_hash(data, len, hash);
	record_add(in, dest, hash, (long long)len);
	return 0;
}

/* A script's first line: the env's python, directly when the kernel can run that line,
 * else through /bin/sh (a path with a space, or longer than a shebang may be), the trick
 * pip uses: sh runs the exec line, Python sees a string literal. The script finds python
 * beside itself, so this form also survives the env being moved. */
static char *
make_shebang(const char *env_path, const char *bin)
{
	_cleanup_free_ char *dir = vr_path_join(env_path, bin), *exe = dir ? vr_path_join(dir, "python") : NULL;
	char *s = NULL;

	if (!exe)
		return NULL;
	if (!strpbrk(exe, " \t") && strlen(exe) + 3 <= SHEBANG_SIMPLE_MAX)
		return asprintf(&s, "#!%s\n", exe) < 0 ? NULL : s;
	return strdup("#!/bin/sh\n"
		      "'''exec' \"$(dirname -- \"$(realpath -- \"$0\")\")/python\" \"$0\" \"$@\"\n"
		      "' '''\n");
}

static bool
is_dotted_name(const char *s)
{
	if (!*s)
		return false;
	for (const char *c = s; *c; c++) {
		bool start = c == s || c[-1] == '.';

		if (*c == '.' && !start && c[1])
			continue;
		if (!(isalpha((unsigned char)*c) || *c == '_' || (!start && isdigit((unsigned char)*c))))
			return false;
	}
	return true;
}

static int
write_launcher(struct install *in, const char *bin, const char *name, const struct vr_entry_point *ep,
	       struct vr_error *err)
{
	_cleanup_free_ char *dest = vr_path_join(bin, name), *first = strndup(ep->attr, strcspn(ep->attr, "."));
	_cleanup_buf_ struct vr_buf b = VR_BUF_INIT;

	/* The name becomes a file in bin/, the rest Python source: both must be plain. */
	if (!*name || strchr(name, '/') || name[0] == '.' || strlen(name) > 128 || strpbrk(name, " \t\r\n\\\"'"))
		return vr_error_set_at(err, VR_ERR_BAD_FILE, in->wheel, "entry_points.txt: bad script name '%s'", name);
	if (!is_dotted_name(ep->module) || !is_dotted_name(ep->attr))
		return vr_error_set_at(err, VR_ERR_BAD_FILE, in->wheel,
				       "entry_points.txt: '%s': bad object reference '%s:%s'", name, ep->module,
				       ep->attr);
	if (!dest || !first)
		return vr_error_set(err, ENOMEM, "seed");
	vr_buf_puts(&b, in->shebang);
	vr_buf_printf(&b,
		      "# -*- coding: utf-8 -*-\n"
		      "import re\n"
		      "import sys\n"
		      "from %s import %s\n"
		      "if __name__ == '__main__':\n"
		      "    sys.argv[0] = re.sub(r'(-script\\.pyw|\\.exe)?$', '', sys.argv[0])\n"
		      "    sys.exit(%s())\n",
		      ep->module, first, ep->attr);
	if (vr_buf_status(&b) < 0)
		return vr_error_set(err, ENOMEM, "seed");
	return write_generated(in, dest, b.data, b.len, 0755, err);
}

/* "pip3", "pip3.11" (sep 0) or "easy_install-3.11" (sep '-'). */
static bool
versioned_alias(const char *name, const char *stem, char sep)
{
	const char *s = name + strlen(stem);

	if (!vr_startswith(name, stem) || !*s)
		return false;
	if (sep && *s++ != sep)
		return false;
	if (!isdigit((unsigned char)*s))
		return false;
	while (isdigit((unsigned char)*s))
		s++;
	if (*s == '.') {
		s++;
		if (!isdigit((unsigned char)*s))
			return false;
		while (isdigit((unsigned char)*s))
			s++;
	}
	return !*s;
}

/* Console and GUI scripts. pip and setuptools name some after the Python that built the
 * wheel (pip3.11); as pip does, those are dropped and made for the env's Python instead. */
static int
write_scripts(struct install *in, const struct vr_interpreter *py, const char *bin, struct vr_error *err)
{
	const struct vr_wheel_entry *w = in->w;
	int r;

	for (size_t i = 0; i < w->n_scripts; i++) {
		const struct vr_entry_point *ep = &w->scripts[i];
		char name[3][64];
		size_t n = 0;

		if (streq(ep->name, "pip")) {
			snprintf(name[n++], sizeof name[0], "pip");
			snprintf(name[n++], sizeof name[0], "pip%d", py->v[0]);
			snprintf(name[n++], sizeof name[0], "pip%d.%d", py->v[0], py->v[1]);
		} else if (streq(ep->name, "easy_install")) {
			snprintf(name[n++], sizeof name[0], "easy_install");
			snprintf(name[n++], sizeof name[0], "easy_install-%d.%d", py->v[0], py->v[1]);
		} else if (versioned_alias(ep->name, "pip", 0) || versioned_alias(ep->name, "easy_install", '-')) {
			continue;
		} else {
			r = write_launcher(in, bin, ep->name, ep, err);
			if (r < 0)
				return r;
		}
		for (size_t k = 0; k < n; k++)
			if ((r = write_launcher(in, bin, name[k], ep, err)) < 0)
				return r;
	}
	return 0;
}

/* A .data/scripts file: written anew, executable, "#!python" made the env's python. */
static int
install_data_script(struct install *in, const char *src, const char *dest, struct vr_error *err)
{
	_cleanup_free_ char *text = NULL, *out = NULL;
	size_t len = 0;
	int r;

	r = vr_read_file_at(in->cachefd, src, SCRIPT_MAX, &text, &len, src, err);
	if (r < 0)
		return r;
	if (len >= 8 && memcmp(text, "#!python", 8) == 0) {
		const char *nl = memchr(text, '\n', len);
		size_t rest = nl ? len - (size_t)(nl + 1 - text) : 0;
		size_t sl = strlen(in->shebang);

		out = malloc(sl + rest + 1);
		if (!out)
			return vr_error_set(err, ENOMEM, "seed");
		memcpy(out, in->shebang, sl);
		if (rest)
			memcpy(out + sl, nl + 1, rest);
		return write_generated(in, dest, out, sl + rest, 0755, err);
	}
	return write_generated(in, dest, text, len, 0755, err);
}

/* Where a wheel entry goes, relative to the env; *script for .data/scripts. */
static int
destination(const struct install *in, const char *path, const char *data_prefix, const char *const roots[5], char **ret,
	    bool *script, struct vr_error *err)
{
	static const char *const keys[5] = { "purelib", "platlib", "scripts", "data", "headers" };

	*script = false;
	if (vr_startswith(path, data_prefix)) {
		const char *key = path + strlen(data_prefix), *rest = key + strcspn(key, "/");
		size_t kl = (size_t)(rest - key);

		for (size_t k = 0; k < ELEMENTSOF(keys); k++)
			if (kl == strlen(keys[k]) && strneq(key, keys[k], kl) && rest[0] == '/' && rest[1]) {
				*script = k == 2;
				*ret = *roots[k] ? vr_path_join(roots[k], rest + 1) : strdup(rest + 1);
				return *ret ? 0 : vr_error_set(err, ENOMEM, "seed");
			}
		return vr_error_set_at(err, VR_ERR_BAD_FILE, in->wheel,
				       "entry '%s': not a .data directory a wheel may have", path);
	}
	*ret = vr_path_join(in->lib_dir, path);
	return *ret ? 0 : vr_error_set(err, ENOMEM, "seed");
}

/* Regenerated, not installed: RECORD itself, its signatures, and who installed it. */
static bool
regenerated(const struct vr_wheel_entry *w, const char *path)
{
	size_t n = strlen(w->dist_info);
	const char *f = path + n + 1;

	if (!strneq(path, w->dist_info, n) || path[n] != '/')
		return false;
	return streq(f, "RECORD") || streq(f, "RECORD.jws") || streq(f, "RECORD.p7s") || streq(f, "INSTALLER");
}

static int
install_wheel(int envfd, const char *env_path, const struct vr_interpreter *py, const struct vr_wheel_entry *w,
	      const char *wheel, struct vr_error *err)
{
	const char *purelib = vr_interpreter_venv_path(py, "purelib");
	const char *platlib = vr_interpreter_venv_path(py, "platlib");
	const char *bin = vr_interpreter_venv_path(py, "scripts");
	struct install in = { .envfd = envfd, .env_path = env_path, .w = w, .wheel = wheel, .cachefd = -1 };
	_cleanup_free_ char *dist = NULL, *data_prefix = NULL, *headers = NULL, *rpath = NULL, *ipath = NULL,
			    *where = NULL;
	const char *base;
	size_t di_len;
	int dfd, r = 0;

	if (!purelib || !platlib || !w->dist_info || !vr_endswith(w->dist_info, ".dist-info"))
		return vr_error_set_at(err, EINVAL, wheel, "cannot install: no site-packages or no .dist-info");
	in.lib_dir = w->root_is_purelib ? purelib : platlib;
	di_len = strlen(w->dist_info) - strlen(".dist-info");
	dist = strndup(w->dist_info, strcspn(w->dist_info, "-"));
	if (!dist || asprintf(&data_prefix, "%.*s.data/", (int)di_len, w->dist_info) < 0 ||
	    asprintf(&headers, "include/site/python%d.%d/%s", py->v[0], py->v[1], dist) < 0 ||
	    asprintf(&rpath, "%s/%s/RECORD", in.lib_dir, w->dist_info) < 0 ||
	    asprintf(&ipath, "%s/%s/INSTALLER", in.lib_dir, w->dist_info) < 0 ||
	    !(where = vr_path_join(env_path, rpath)) || !(in.shebang = make_shebang(env_path, bin))) {
		r = vr_error_set(err, ENOMEM, "seed");
		goto out;
	}

	in.cachefd = open(w->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (in.cachefd < 0) {
		r = vr_error_set_at(err, errno, w->dir, "cannot open the wheel's cache entry");
		goto out;
	}
	{
		const char *const roots[5] = { purelib, platlib, bin, "", headers };

		for (size_t i = 0; i < w->n_files && r >= 0; i++) {
			const struct vr_record_entry *f = &w->files[i];
			_cleanup_free_ char *dest = NULL;
			bool script;

			if (regenerated(w, f->path))
				continue;
			r = destination(&in, f->path, data_prefix, roots, &dest, &script, err);
			if (r < 0)
				break;
			if (script) {
				r = install_data_script(&in, f->path, dest, err);
				continue;
			}
			r = link_from_cache(&in, f->path, dest, err);
			if (r >= 0)
				record_add(&in, dest, f->hash, f->hash ? f->size : -1);
		}
	}
	if (r >= 0)
		r = write_scripts(&in, py, bin, err);
	if (r >= 0)
		r = write_generated(&in, ipath, "venvrun\n", 8, 0644, err);
	if (r < 0)
		goto out;
	/* RECORD last, listing itself without a hash, as the spec says. */
	record_add(&in, rpath, NULL, -1);
	if (vr_buf_status(&in.record) < 0) {
		r = vr_error_set(err, ENOMEM, "seed");
		goto out;
	}
	r = open_parent(&in, rpath, &dfd, &base, err);
	if (r >= 0)
		r = vr_write_file_at(dfd, base, in.record.data, in.record.len, 0644, VR_WRITE_EXCL, where, err);
out:
	install_done(&in);
	return r;
}

int
vr_seed_install_at(int envfd, const char *env_path, const struct vr_interpreter *py, const struct vr_seed *s,
		   struct vr_error *err)
{
	if (envfd < 0 || !env_path || !py)
		return vr_error_set(err, EINVAL, "seed");
	for (size_t i = 0; i < vr_seed_count(s); i++) {
		const struct vr_wheel_entry *w = vr_seed_wheel(s, i);
		int r;

		if (!w)
			return vr_error_set(err, EINVAL, "seed: '%s' was not fetched", vr_seed_wheel_path(s, i));
		r = install_wheel(envfd, env_path, py, w, vr_seed_wheel_path(s, i), err);
		if (r < 0)
			return r;
	}
	return 0;
}
