/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Finding the host's Python installations by walking /usr and /opt, and caching what was
 * found.
 *
 * The walk. Discovery knows interpreters on PATH; the sandbox must hide every other one,
 * including those nobody put on PATH (an SDK's bundled CPython five levels down in
 * /usr/lib). So the whole tree is walked, never following a symlink (a link leads either
 * somewhere the walk reaches anyway, or out of what /usr's bind brings in), and it
 * collects three things:
 *   - directories named site-packages or dist-packages, not descended into;
 *   - library directories lib/pythonX.Y and lib/pypyX.Y, and, when such a directory is a
 *     standard library (it holds os.py; PyPy's always is), the installation root two
 *     levels up, unless that root is shared (/usr, /usr/local, /opt: the walk's roots);
 *     a standard library is not descended into beyond its site directories;
 *   - python* and pypy* executables in bin/ and sbin/ directories, by real path.
 * Documentation, locales, headers, sources, kernel modules and firmware cannot hold an
 * installation and are pruned; depth and the number of directories are bounded.
 *
 * The cache. A walk costs ~0.2 s warm (more cold), far more than a sandboxed run may
 * (DESIGN §5), so its result is kept in CACHE/host-pythons.json with a key: the device,
 * inode and mtime of the directories whose change signals an install (the roots, /usr/lib,
 * /usr/local/bin, ... and the package managers' databases, which change on every install)
 * and of the parent directory of everything found (so that an SDK replacing its bundled
 * Python, or adding one beside it, is noticed). A file older than a day is walked again
 * anyway, for installs that touch none of those. The file is replaced atomically; one that
 * does not parse, does not match, or is not the user's own is ignored and rewritten.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "fileio.h"
#include "host-pythons.h"
#include "log.h"
#include "macro.h"
#include "path.h"
#include "strv.h"

#define CACHE_VERSION 1
#define CACHE_FILE_MAX (1024 * 1024)
#define CACHE_MAX_AGE_S (24 * 60 * 60)
#define WALK_MAX_DEPTH 32
#define WALK_MAX_DIRS 200000
#define WALK_MAX_FOUND 4096

static const char *const default_roots[] = { "/usr", "/opt", "/bin", "/sbin", "/lib", "/lib64", NULL };

/* What changes when something is installed: a distribution package changes its package
 * database (dpkg, rpm, pacman, apk); a hand install or a `make install` adds to one of
 * these directories. */
static const char *const default_signals[] = {
	"/usr",
	"/usr/bin",
	"/usr/lib",
	"/usr/lib64",
	"/usr/local",
	"/usr/local/bin",
	"/usr/local/lib",
	"/opt",
	"/var/lib/dpkg/status",
	"/var/lib/rpm",
	"/usr/lib/sysimage/rpm",
	"/var/lib/pacman/local",
	"/lib/apk/db/installed",
	"/etc/alternatives",
	NULL,
};

/* Relative to a root or to root/local: what cannot hold an installation. */
static const char *const pruned[] = {
	"share/doc",  "share/man", "share/locale", "share/i18n",  "share/zoneinfo", "share/icons", "share/fonts",
	"share/info", "include",   "src",	   "lib/modules", "lib/firmware",   NULL,
};

struct walk {
	struct vr_host_pythons *hp;
	const char *root;
	size_t root_len;
	char path[PATH_MAX];
};

static inline void
closedirp(DIR **d)
{
	if (*d)
		closedir(*d);
}

struct vr_host_pythons *
vr_host_pythons_free(struct vr_host_pythons *hp)
{
	if (!hp)
		return NULL;
	vr_strv_free(hp->sites);
	vr_strv_free(hp->installs);
	for (size_t i = 0; i < hp->n_exes; i++)
		free(hp->exes[i].path);
	free(hp->exes);
	free(hp);
	return NULL;
}

VR_DEFINE_CLEANUP(struct vr_host_pythons *, vr_host_pythons_free)

bool
vr_host_python_is_interpreter_name(const char *name)
{
	const char *s = vr_startswith(name, "python") ? name + 6 : vr_startswith(name, "pypy") ? name + 4 : NULL;
	size_t digits;

	if (!s)
		return false;
	digits = strspn(s, "0123456789.");
	s += digits;
	if (digits > 0)
		s += strspn(s, "dmtu");
	if (vr_startswith(s, "-dbg"))
		s += 4;
	return *s == 0;
}

/* python3.12, python3.13t, pypy3.10: a version's library directory (not python3, which
 * Debian uses for dist-packages only). */
static bool
is_version_dir(const char *name)
{
	const char *s = vr_startswith(name, "python") ? name + 6 : vr_startswith(name, "pypy") ? name + 4 : NULL;

	return s && s[0] >= '0' && s[0] <= '9' && strchr(s, '.');
}

static int
push_unique(struct vr_host_pythons *hp, char ***v, const char *s)
{
	if (vr_strv_contains(*v, s))
		return 0;
	if (vr_strv_length(*v) >= WALK_MAX_FOUND) {
		hp->truncated = true;
		return 0;
	}
	return vr_strv_push(v, s);
}

static int
add_exe(struct vr_host_pythons *hp, const char *path, dev_t dev, ino_t ino)
{
	struct vr_host_python_exe *e;
	char *p;

	for (size_t i = 0; i < hp->n_exes; i++)
		if (streq(hp->exes[i].path, path))
			return 0;
	if (hp->n_exes >= WALK_MAX_FOUND) {
		hp->truncated = true;
		return 0;
	}
	p = strdup(path);
	e = p ? reallocarray(hp->exes, hp->n_exes + 1, sizeof *e) : NULL;
	if (!e) {
		free(p);
		return -ENOMEM;
	}
	hp->exes = e;
	hp->exes[hp->n_exes++] = (struct vr_host_python_exe){ .path = p, .dev = dev, .ino = ino };
	return 0;
}

/* An interpreter in a bin/ directory: recorded by what it really is, so that a link to
 * the base interpreter (python3 -> python3.12) is recognised as the base. */
static int
found_exe(struct walk *w)
{
	_cleanup_free_ char *real = realpath(w->path, NULL);
	struct stat st;

	if (!real || stat(real, &st) < 0 || !S_ISREG(st.st_mode))
		return 0;
	return add_exe(w->hp, real, st.st_dev, st.st_ino);
}

static bool
is_pruned(const struct walk *w, size_t len)
{
	const char *rel = w->path + w->root_len + (w->root_len > 1);

	if (len <= w->root_len)
		return false;
	if (vr_startswith(rel, "local/"))
		rel += 6;
	for (const char *const *p = pruned; *p; p++)
		if (streq(rel, *p))
			return true;
	return false;
}

/* Whether the installation root w->path[0..len] is shared by more than one installation
 * (/usr, /usr/local, /opt): then only its library directories are hidden, never all of it. */
static bool
is_shared(const struct walk *w, size_t len)
{
	size_t depth = 0;

	for (size_t i = 0; i < len; i++)
		depth += w->path[i] == '/' && i + 1 < len;
	return depth < 2 || len == w->root_len ||
	       (len == w->root_len + 6 && strneq(w->path + w->root_len, "/local", 6));
}

/*
 * Walk the directory open at `dfd` (taken), whose path is w->path[0..len]. `stdlib`: it is
 * a standard library, whose site directories are all that matters.
 */
static int
walk_dir(struct walk *w, int dfd, size_t len, unsigned depth, bool stdlib)
{
	_cleanup_(closedirp) DIR *d = fdopendir(dfd);
	const char *self = w->path + len; /* this directory's name */
	bool bin, lib;
	struct dirent *de;
	int r;

	if (!d) {
		close(dfd);
		return 0;
	}
	w->hp->dirs_opened++;
	while (self > w->path && self[-1] != '/')
		self--;
	bin = streq(self, "bin") || streq(self, "sbin");
	lib = streq(self, "lib") || streq(self, "lib64") || streq(self, "lib32");

	while ((de = readdir(d))) {
		const char *name = de->d_name;
		size_t n = strlen(name), clen = len + 1 + n;
		unsigned char type = de->d_type;
		bool child_stdlib = false;
		int fd;

		if (streq(name, ".") || streq(name, "..") || clen >= sizeof w->path)
			continue;
		w->path[len] = '/';
		memcpy(w->path + len + 1, name, n + 1);
		if (type == DT_UNKNOWN) {
			struct stat st;
			if (fstatat(dirfd(d), name, &st, AT_SYMLINK_NOFOLLOW) < 0)
				continue;
			type = IFTODT(st.st_mode);
		}
		if (bin && type != DT_DIR && vr_host_python_is_interpreter_name(name) && (r = found_exe(w)) < 0)
			return r;
		if (type != DT_DIR)
			continue;
		if (streq(name, "site-packages") || streq(name, "dist-packages")) {
			if ((r = push_unique(w->hp, &w->hp->sites, w->path)) < 0)
				return r;
			continue;
		}
		if (stdlib || is_pruned(w, clen))
			continue;
		if (depth + 1 >= WALK_MAX_DEPTH || w->hp->dirs_opened >= WALK_MAX_DIRS) {
			if (!w->hp->truncated)
				vr_debug("%s: the walk for Python installations stops here", w->path);
			w->hp->truncated = true;
			continue;
		}
		/* O_NOFOLLOW: a directory replaced by a link since readdir is not followed either. */
		fd = openat(dirfd(d), name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0)
			continue;
		if (lib && is_version_dir(name)) {
			struct stat st;

			if ((r = push_unique(w->hp, &w->hp->installs, w->path)) < 0) {
				close(fd);
				return r;
			}
			child_stdlib = vr_startswith(name, "pypy") || fstatat(fd, "os.py", &st, 0) == 0;
			if (child_stdlib) {
				/* The root is the lib directory's parent: w->path up to the '/'
				 * before the lib directory's name. */
				size_t rlen = (size_t)(self - w->path) - 1;
				char saved = w->path[rlen];

				if (rlen > 0 && !is_shared(w, rlen)) {
					w->path[rlen] = 0;
					r = push_unique(w->hp, &w->hp->installs, w->path);
					w->path[rlen] = saved;
					if (r < 0) {
						close(fd);
						return r;
					}
				}
			}
		}
		if ((r = walk_dir(w, fd, clen, depth + 1, child_stdlib)) < 0)
			return r;
	}
	w->path[len] = 0;
	return 0;
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int
cmp_exe(const void *a, const void *b)
{
	return strcmp(((const struct vr_host_python_exe *)a)->path, ((const struct vr_host_python_exe *)b)->path);
}

static int
new_result(struct vr_host_pythons **ret)
{
	struct vr_host_pythons *hp = calloc(1, sizeof *hp);

	if (!hp)
		return -ENOMEM;
	/* Empty vectors rather than NULL: callers iterate without checking. */
	hp->sites = calloc(1, sizeof(char *));
	hp->installs = calloc(1, sizeof(char *));
	if (!hp->sites || !hp->installs) {
		vr_host_pythons_free(hp);
		return -ENOMEM;
	}
	*ret = hp;
	return 0;
}

int
vr_host_pythons_scan(const char *const *roots, struct vr_host_pythons **ret)
{
	_cleanup_(vr_host_pythons_freep) struct vr_host_pythons *hp = NULL;
	_cleanup_free_ struct walk *w = NULL;
	int r;

	if (!roots || !ret)
		return -EINVAL;
	if ((r = new_result(&hp)) < 0)
		return r;
	w = calloc(1, sizeof *w);
	if (!w)
		return -ENOMEM;
	w->hp = hp;
	for (const char *const *root = roots; *root; root++) {
		size_t len = strlen(*root);
		int fd;

		if ((*root)[0] != '/' || len >= sizeof w->path)
			continue;
		/* A root that is a link (/bin -> usr/bin, merged /usr) is walked where it leads,
		 * if that is a root too. */
		fd = open(*root, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0)
			continue;
		memcpy(w->path, *root, len + 1);
		while (len > 1 && w->path[len - 1] == '/')
			w->path[--len] = 0;
		w->root = *root;
		w->root_len = len;
		if ((r = walk_dir(w, fd, len, 0, false)) < 0)
			return r;
	}
	vr_qsort(hp->sites, vr_strv_length(hp->sites), sizeof(char *), cmp_str);
	vr_qsort(hp->installs, vr_strv_length(hp->installs), sizeof(char *), cmp_str);
	if (hp->n_exes)
		vr_qsort(hp->exes, hp->n_exes, sizeof *hp->exes, cmp_exe);
	*ret = TAKE_PTR(hp);
	return 0;
}

/* --- the cache ------------------------------------------------------------------------- */

static json_t *
strv_to_json(const char *const *v)
{
	json_t *a = json_array();

	for (; a && v && *v; v++)
		if (json_array_append_new(a, json_string(*v)) < 0) {
			json_decref(a);
			return NULL;
		}
	return a;
}

/* The identity of `path` (lstat: the entry itself), zeros when it is absent. */
static json_t *
identity(const char *path)
{
	struct stat st;

	if (lstat(path, &st) < 0)
		memset(&st, 0, sizeof st);
	return json_pack("[s, I, I, I]", path, (json_int_t)st.st_dev, (json_int_t)st.st_ino,
			 (json_int_t)st.st_mtim.tv_sec * 1000000000 + st.st_mtim.tv_nsec);
}

static int
push_parent(char ***v, const char *path)
{
	_cleanup_free_ char *p = vr_path_dirname(path);

	if (!p)
		return -ENOMEM;
	return vr_strv_contains(*v, p) ? 0 : vr_strv_consume(v, TAKE_PTR(p));
}

/* The key: the identity of every signal, root and (hp not NULL) parent of what the walk
 * found, sorted by path. */
static json_t *
make_key(const char *const *roots, const char *const *signals, const struct vr_host_pythons *hp)
{
	_cleanup_strv_free_ char **paths = NULL;
	json_t *key;
	size_t n;

	for (const char *const *s = signals; s && *s; s++)
		if (!vr_strv_contains(paths, *s) && vr_strv_push(&paths, *s) < 0)
			return NULL;
	for (const char *const *s = roots; *s; s++)
		if (!vr_strv_contains(paths, *s) && vr_strv_push(&paths, *s) < 0)
			return NULL;
	for (char **s = hp ? hp->sites : NULL; s && *s; s++)
		if (push_parent(&paths, *s) < 0)
			return NULL;
	for (char **s = hp ? hp->installs : NULL; s && *s; s++)
		if (push_parent(&paths, *s) < 0)
			return NULL;
	for (size_t i = 0; hp && i < hp->n_exes; i++)
		if (push_parent(&paths, hp->exes[i].path) < 0)
			return NULL;
	n = vr_strv_length(paths);
	if (n)
		vr_qsort(paths, n, sizeof(char *), cmp_str);
	key = json_array();
	for (size_t i = 0; key && i < n; i++)
		if (json_array_append_new(key, identity(paths[i])) < 0) {
			json_decref(key);
			return NULL;
		}
	return key;
}

/* Whether every entry of `part` is in `key`. */
static bool
key_contains(json_t *key, json_t *part)
{
	json_t *e, *f;
	size_t i, j;

	json_array_foreach (part, i, e) {
		bool found = false;

		json_array_foreach (key, j, f)
			if ((found = json_equal(e, f)))
				break;
		if (!found)
			return false;
	}
	return true;
}

/* Whether every entry of a stored key still describes its path. */
static bool
key_matches(json_t *key)
{
	json_t *e;
	size_t i;

	if (!json_is_array(key) || json_array_size(key) == 0)
		return false;
	json_array_foreach (key, i, e) {
		json_t *path = json_array_get(e, 0);
		_cleanup_(json_decrefp) json_t *now = NULL;

		if (!json_is_string(path) || json_string_value(path)[0] != '/')
			return false;
		now = identity(json_string_value(path));
		if (!now || !json_equal(now, e))
			return false;
	}
	return true;
}

static int
strv_from_json(json_t *a, char ***ret)
{
	_cleanup_strv_free_ char **v = calloc(1, sizeof(char *));
	json_t *e;
	size_t i;

	if (!v)
		return -ENOMEM;
	if (!json_is_array(a))
		return -EINVAL;
	json_array_foreach (a, i, e) {
		const char *s = json_string_value(e);
		int r;

		if (!s || s[0] != '/')
			return -EINVAL;
		if ((r = vr_strv_push(&v, s)) < 0)
			return r;
	}
	*ret = TAKE_PTR(v);
	return 0;
}

static int
result_from_json(json_t *doc, struct vr_host_pythons **ret)
{
	_cleanup_(vr_host_pythons_freep) struct vr_host_pythons *hp = calloc(1, sizeof *hp);
	json_t *exes = json_object_get(doc, "exes"), *e;
	size_t i;
	int r;

	if (!hp)
		return -ENOMEM;
	if ((r = strv_from_json(json_object_get(doc, "sites"), &hp->sites)) < 0 ||
	    (r = strv_from_json(json_object_get(doc, "installs"), &hp->installs)) < 0)
		return r;
	if (!json_is_array(exes))
		return -EINVAL;
	json_array_foreach (exes, i, e) {
		const char *p = json_string_value(json_array_get(e, 0));
		json_t *dev = json_array_get(e, 1), *ino = json_array_get(e, 2);

		if (!p || p[0] != '/' || !json_is_integer(dev) || !json_is_integer(ino))
			return -EINVAL;
		if ((r = add_exe(hp, p, (dev_t)json_integer_value(dev), (ino_t)json_integer_value(ino))) < 0)
			return r;
	}
	hp->truncated = json_is_true(json_object_get(doc, "truncated"));
	*ret = TAKE_PTR(hp);
	return 0;
}

/* The file's text, when it is a regular file of this user's (or root's) that no one else
 * may write: a cache in a shared directory must not let another user decide what is
 * hidden. */
static char *
read_cache_file(const char *file)
{
	_cleanup_close_ int fd = open(file, O_RDONLY | O_NOFOLLOW | O_NOCTTY | O_CLOEXEC);
	_cleanup_free_ char *text = NULL;
	size_t len = 0;
	struct stat st;

	if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size > CACHE_FILE_MAX)
		return NULL;
	if ((st.st_uid != geteuid() && st.st_uid != 0) || (st.st_mode & 022)) {
		vr_debug("%s: not this user's own; ignored", file);
		return NULL;
	}
	text = malloc((size_t)st.st_size + 1);
	if (!text)
		return NULL;
	while (len < (size_t)st.st_size) {
		ssize_t n = read(fd, text + len, (size_t)st.st_size - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return NULL;
		len += (size_t)n;
	}
	text[len] = 0;
	return TAKE_PTR(text);
}

static int
cache_read(const char *file, json_t *roots, json_t *signals, struct vr_host_pythons **ret)
{
	_cleanup_free_ char *text = read_cache_file(file);
	_cleanup_(json_decrefp) json_t *doc = NULL;
	json_t *t;
	time_t now = time(NULL);
	json_error_t jerr;

	if (!text)
		return -ENOENT;
	doc = json_loadb(text, strlen(text), 0, &jerr);
	if (!doc) {
		vr_debug("%s: corrupt (%s); walking again", file, jerr.text);
		return -EINVAL;
	}
	t = json_object_get(doc, "time");
	if (json_integer_value(json_object_get(doc, "version")) != CACHE_VERSION || !json_is_integer(t) ||
	    !json_equal(json_object_get(doc, "roots"), roots) ||
	    !json_equal(json_object_get(doc, "signals"), signals)) {
		vr_debug("%s: another version or set of roots; walking again", file);
		return -EINVAL;
	}
	/* Older than a day, or from the future: walked again for what no signal shows. */
	if (json_integer_value(t) > (json_int_t)now + 60 || (json_int_t)now - json_integer_value(t) > CACHE_MAX_AGE_S) {
		vr_debug("%s: too old; walking again", file);
		return -ESTALE;
	}
	if (!key_matches(json_object_get(doc, "key"))) {
		vr_debug("%s: stale; walking again", file);
		return -ESTALE;
	}
	if (result_from_json(doc, ret) < 0) {
		vr_debug("%s: corrupt; walking again", file);
		return -EINVAL;
	}
	return 0;
}

static void
cache_write(const char *file, json_t *roots, json_t *signals, json_t *key, const struct vr_host_pythons *hp)
{
	_cleanup_(json_decrefp) json_t *doc = NULL, *exes = json_array();
	_cleanup_free_ char *text = NULL, *dir = vr_path_dirname(file);

	for (size_t i = 0; exes && i < hp->n_exes; i++)
		if (json_array_append_new(exes, json_pack("[s, I, I]", hp->exes[i].path, (json_int_t)hp->exes[i].dev,
							  (json_int_t)hp->exes[i].ino)) < 0)
			return;
	if (!exes)
		return;
	doc = json_pack("{s:i, s:I, s:O, s:O, s:O, s:b, s:o, s:o, s:O}", "version", CACHE_VERSION, "time",
			(json_int_t)time(NULL), "roots", roots, "signals", signals, "key", key, "truncated",
			hp->truncated, "sites", strv_to_json((const char *const *)hp->sites), "installs",
			strv_to_json((const char *const *)hp->installs), "exes", exes);
	if (!doc)
		return;
	text = json_dumps(doc, JSON_COMPACT);
	if (!text || !dir)
		return;
	/* An optimisation only: a directory that cannot be made or a file that cannot be
	 * written costs the next run another walk. */
	if (vr_mkdir_parents(dir, 0755, NULL, NULL) < 0 ||
	    vr_write_file_at(AT_FDCWD, file, text, strlen(text), 0644, VR_WRITE_ATOMIC, NULL, NULL) < 0)
		vr_debug("%s: cannot write the cache of Python installations", file);
}

int
vr_host_pythons_load(const char *const *roots, const char *const *signals, const char *cache_file,
		     struct vr_host_pythons **ret)
{
	_cleanup_(json_decrefp) json_t *jroots = NULL, *jsignals = NULL, *key = NULL, *before = NULL;
	struct vr_host_pythons *hp = NULL;
	int r;

	if (!roots || !ret)
		return -EINVAL;
	jroots = strv_to_json(roots);
	jsignals = strv_to_json(signals);
	if (!jroots || !jsignals)
		return -ENOMEM;
	if (cache_file && cache_read(cache_file, jroots, jsignals, &hp) == 0) {
		*ret = hp;
		return 0;
	}
	if (cache_file && !(before = make_key(roots, signals, NULL)))
		return -ENOMEM;
	if ((r = vr_host_pythons_scan(roots, &hp)) < 0)
		return r;
	vr_debug("walked %u directories for Python installations", hp->dirs_opened);
	/* The key of what was found can only be taken after the walk; an install during the
	 * walk (a signal that changed meanwhile) leaves the cache unwritten, so that the next
	 * run does not trust a key newer than what the walk saw. */
	if (cache_file && (key = make_key(roots, signals, hp))) {
		if (key_contains(key, before))
			cache_write(cache_file, jroots, jsignals, key, hp);
		else
			vr_debug("%s: an install during the walk; not cached", cache_file);
	}
	*ret = hp;
	return 0;
}

int
vr_host_pythons_get(const char *cache_dir, struct vr_host_pythons **ret)
{
	_cleanup_free_ char *file = NULL;

	if (cache_dir && *cache_dir && !(file = vr_path_join(cache_dir, "host-pythons.json")))
		return -ENOMEM;
	return vr_host_pythons_load(default_roots, default_signals, file, ret);
}
