/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Interpreter discovery: PATH first, then the well-known places that are not on it
 * (/usr/local/bin, /usr/bin, pyenv's versions, uv's managed pythons, asdf's and mise's
 * installs). Version-manager shims are resolved to the interpreter they stand for, by the
 * manager's own version files, so that an env points at a real interpreter and not at
 * whatever the shim would pick tomorrow.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "fileio.h"
#include "interp.h"
#include "macro.h"
#include "path.h"
#include "strv.h"

static void
explain(const struct vr_discover_options *o, const char *fmt, ...)
{
	char line[1024];
	va_list ap;

	if (!o || !o->explain)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	o->explain(o->userdata, line);
}

VR_PUBLIC void
vr_discover_options_init(struct vr_discover_options *o)
{
	if (o)
		*o = (struct vr_discover_options){ 0 };
}

static const char *
search_path(const struct vr_discover_options *o)
{
	const char *p = o && o->path ? o->path : getenv("PATH");
	return p ? p : "/usr/local/bin:/usr/bin:/bin";
}

static bool
is_executable_file(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISREG(st.st_mode) && access(path, X_OK) == 0;
}

/* python, python3, python3.12, python3.13t, pypy, pypy3, pypy3.9 */
static bool
is_interpreter_name(const char *n)
{
	const char *p;

	if (vr_startswith(n, "python"))
		p = n + 6;
	else if (vr_startswith(n, "pypy"))
		p = n + 4;
	else
		return false;
	if (!*p)
		return true;
	if (*p < '0' || *p > '9')
		return false;
	while (*p >= '0' && *p <= '9')
		p++;
	if (*p == '.') {
		p++;
		if (*p < '0' || *p > '9')
			return false;
		while (*p >= '0' && *p <= '9')
			p++;
	}
	if (*p == 't')
		p++;
	return *p == 0;
}

/* --- version-manager shims ----------------------------------------------------------- */

enum manager { MANAGER_NONE, MANAGER_PYENV, MANAGER_ASDF_LIKE };

/* The manager a directory on PATH belongs to, if it is a shims directory. */
static enum manager
shims_manager(const char *dir, char **ret_root)
{
	_cleanup_free_ char *root = NULL, *versions = NULL, *installs = NULL;
	struct stat st;

	if (!streq(vr_path_basename(dir), "shims"))
		return MANAGER_NONE;
	root = vr_path_dirname(dir);
	if (!root)
		return MANAGER_NONE;
	versions = vr_path_join(root, "versions");
	installs = vr_path_join(root, "installs");
	if (versions && stat(versions, &st) == 0 && S_ISDIR(st.st_mode)) {
		*ret_root = TAKE_PTR(root);
		return MANAGER_PYENV;
	}
	if (installs && stat(installs, &st) == 0 && S_ISDIR(st.st_mode)) {
		*ret_root = TAKE_PTR(root);
		return MANAGER_ASDF_LIKE;
	}
	return MANAGER_NONE;
}

/* Versions named by the first `file` found in `start` (default: the working directory)
 * or, when `upward`, in a parent of it. */
static int
versions_from_file(const char *start, bool upward, const char *file, const char *tool, char ***versions)
{
	_cleanup_free_ char *dir = start ? strdup(start) : getcwd(NULL, 0);

	while (dir) {
		_cleanup_free_ char *path = vr_path_join(dir, file), *text = NULL;
		char *parent;

		if (path && vr_read_file_at(AT_FDCWD, path, 65536, &text, NULL, NULL, NULL) >= 0) {
			char *save = NULL;

			for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
				char *w, *s2 = NULL;

				line[strcspn(line, "#")] = 0;
				w = strtok_r(line, " \t\r", &s2);
				if (tool) {
					/* .tool-versions: "python 3.12.1 3.11.7" */
					if (!w || !streq(w, tool))
						continue;
					w = strtok_r(NULL, " \t\r", &s2);
				}
				for (; w; w = strtok_r(NULL, " \t\r", &s2))
					if (vr_strv_push(versions, w) < 0)
						return -ENOMEM;
			}
			return 0;
		}
		if (!upward || streq(dir, "/"))
			break;
		parent = vr_path_dirname(dir);
		free(dir);
		dir = parent;
	}
	return 0;
}

/* The newest install in versions_dir that provides bin/cmd; with `prefix`, only installs
 * named "PREFIX.*" (pyenv's "3.12" for the newest 3.12.x). */
static char *
newest_install(const char *versions_dir, const char *prefix, const char *cmd)
{
	_cleanup_free_ char *best = NULL;
	struct dirent *de;
	char *p = NULL;
	DIR *d = opendir(versions_dir);

	if (!d)
		return NULL;
	while ((de = readdir(d))) {
		char *c = NULL;

		if (de->d_name[0] == '.')
			continue;
		if (prefix && (!strneq(de->d_name, prefix, strlen(prefix)) || de->d_name[strlen(prefix)] != '.'))
			continue;
		if (asprintf(&c, "%s/%s/bin/%s", versions_dir, de->d_name, cmd) > 0 && is_executable_file(c) &&
		    (!best || strverscmp(de->d_name, best) > 0)) {
			free(best);
			best = strdup(de->d_name);
		}
		free(c);
	}
	closedir(d);
	if (best && asprintf(&p, "%s/%s/bin/%s", versions_dir, best, cmd) < 0)
		p = NULL;
	return p;
}

/* versions_dir/NAME/bin/cmd, where NAME is `want` or, as pyenv allows, the newest
 * NAME that starts with "want." */
static char *
version_command(const char *versions_dir, const char *want, const char *cmd)
{
	char *p = NULL;

	if (asprintf(&p, "%s/%s/bin/%s", versions_dir, want, cmd) > 0 && is_executable_file(p))
		return p;
	free(p);
	return newest_install(versions_dir, want, cmd);
}

/*
 * Resolve the shim for `cmd` in a manager's shims directory. Returns 1 with *ret set when
 * it stands for a real interpreter, 0 when the manager defers to the system (the search
 * goes on past the shims), negative on error.
 */
static int
resolve_shim(enum manager m, const char *root, const char *cmd, const struct vr_discover_options *o, char **ret)
{
	_cleanup_strv_free_ char **versions = NULL;
	_cleanup_free_ char *vdir = NULL;
	const char *env;

	if (m == MANAGER_PYENV) {
		vdir = vr_path_join(root, "versions");
		env = getenv("PYENV_VERSION");
		if (env && *env) {
			if (vr_strv_split(env, ':', &versions) < 0)
				return -ENOMEM;
		} else {
			if (versions_from_file(NULL, true, ".python-version", NULL, &versions) < 0)
				return -ENOMEM;
			if (!versions) {
				_cleanup_free_ char *vf = vr_path_join(root, "version"), *text = NULL;
				if (vf && vr_read_file_at(AT_FDCWD, vf, 65536, &text, NULL, NULL, NULL) >= 0) {
					text[strcspn(text, "#")] = 0;
					for (char *s = NULL, *w = strtok_r(text, " \t\r\n", &s); w;
					     w = strtok_r(NULL, " \t\r\n", &s))
						if (vr_strv_push(&versions, w) < 0)
							return -ENOMEM;
				}
			}
		}
	} else {
		_cleanup_free_ char *installs = vr_path_join(root, "installs");
		vdir = installs ? vr_path_join(installs, "python") : NULL;
		env = getenv("ASDF_PYTHON_VERSION");
		if (!env || !*env)
			env = getenv("MISE_PYTHON_VERSION");
		if (env && *env) {
			if (vr_strv_split(env, ' ', &versions) < 0)
				return -ENOMEM;
		} else {
			const char *home = getenv("HOME");
			if (versions_from_file(NULL, true, ".tool-versions", "python", &versions) < 0)
				return -ENOMEM;
			/* The global choice lives in ~/.tool-versions (only there, as asdf reads it). */
			if (!versions && home && home[0] == '/' &&
			    versions_from_file(home, false, ".tool-versions", "python", &versions) < 0)
				return -ENOMEM;
		}
	}
	if (!vdir)
		return -ENOMEM;

	for (size_t i = 0; versions && versions[i]; i++) {
		char *p;

		if (streq(versions[i], "system")) {
			explain(o, "shim %s/shims/%s: the version manager chose the system Python", root, cmd);
			return 0;
		}
		p = version_command(vdir, versions[i], cmd);
		if (p) {
			explain(o, "shim %s/shims/%s: version '%s' is %s", root, cmd, versions[i], p);
			*ret = p;
			return 1;
		}
	}
	if (!versions || m == MANAGER_ASDF_LIKE) {
		char *p = newest_install(vdir, NULL, cmd);
		if (p) {
			explain(o, "shim %s/shims/%s: no version chosen; the newest install is %s", root, cmd, p);
			*ret = p;
			return 1;
		}
	}
	explain(o, "shim %s/shims/%s: the chosen version has no %s; looking further", root, cmd, cmd);
	return 0;
}

/* Find a command on the search path, resolving shims. */
static int
lookup_command(const char *cmd, const struct vr_discover_options *o, char **ret)
{
	const char *p = search_path(o);

	while (p && *p) {
		const char *e = strchr(p, ':');
		size_t n = e ? (size_t)(e - p) : strlen(p);
		_cleanup_free_ char *dir = strndup(p, n), *full = NULL, *root = NULL;
		enum manager m;

		p = e ? e + 1 : NULL;
		if (!dir)
			return -ENOMEM;
		if (dir[0] != '/')
			continue;
		full = vr_path_join(dir, cmd);
		if (!full)
			return -ENOMEM;
		if (!is_executable_file(full))
			continue;
		m = shims_manager(dir, &root);
		if (m != MANAGER_NONE) {
			char *real = NULL;
			int r = resolve_shim(m, root, cmd, o, &real);
			if (r < 0)
				return r;
			if (r > 0) {
				*ret = real;
				return 0;
			}
			continue;
		}
		*ret = TAKE_PTR(full);
		return 0;
	}
	return -ENOENT;
}

/* --- candidates ------------------------------------------------------------------------ */

struct candidate_dir {
	char *dir;
	const char *source;
};

static int
add_dir(struct candidate_dir **dirs, size_t *n, const char *dir, const char *source)
{
	struct candidate_dir *nd;

	for (size_t i = 0; i < *n; i++)
		if (streq((*dirs)[i].dir, dir))
			return 0;
	nd = realloc(*dirs, (*n + 1) * sizeof **dirs);
	if (!nd)
		return -ENOMEM;
	*dirs = nd;
	nd[*n].dir = strdup(dir);
	if (!nd[*n].dir)
		return -ENOMEM;
	nd[*n].source = source;
	(*n)++;
	return 0;
}

static int
cmp_versions(const void *a, const void *b)
{
	return strverscmp(*(char *const *)a, *(char *const *)b);
}

static int
cmp_versions_desc(const void *a, const void *b)
{
	return -cmp_versions(a, b);
}

/* ROOT/<name>/bin for each entry of ROOT, in version order. */
static int
add_versions_root(struct candidate_dir **dirs, size_t *n, const char *root, const char *source)
{
	_cleanup_strv_free_ char **names = NULL;
	struct dirent *de;
	DIR *d = opendir(root);
	size_t k;

	if (!d)
		return 0;
	while ((de = readdir(d)))
		if (de->d_name[0] != '.' && vr_strv_push(&names, de->d_name) < 0) {
			closedir(d);
			return -ENOMEM;
		}
	closedir(d);
	k = vr_strv_length(names);
	if (k > 1)
		vr_qsort(names, k, sizeof(char *), cmp_versions);
	for (size_t i = 0; i < k; i++) {
		_cleanup_free_ char *v = vr_path_join(root, names[i]);
		_cleanup_free_ char *bin = v ? vr_path_join(v, "bin") : NULL;
		if (!bin || add_dir(dirs, n, bin, source) < 0)
			return -ENOMEM;
	}
	return 0;
}

static const char *
home_dir(void)
{
	const char *h = getenv("HOME");
	return h && h[0] == '/' ? h : NULL;
}

/* Every directory discovery searches, in order. */
static int
candidate_dirs(const struct vr_discover_options *o, struct candidate_dir **ret, size_t *ret_n)
{
	struct candidate_dir *dirs = NULL;
	_cleanup_strv_free_ char **manager_roots = NULL;
	size_t n = 0;
	const char *p = search_path(o), *e;
	int r = 0;

	while (p && *p) {
		const char *sep = strchr(p, ':');
		size_t len = sep ? (size_t)(sep - p) : strlen(p);
		_cleanup_free_ char *dir = strndup(p, len), *root = NULL;
		enum manager m;

		p = sep ? sep + 1 : NULL;
		if (!dir) {
			r = -ENOMEM;
			goto fail;
		}
		if (dir[0] != '/')
			continue;
		vr_path_normalize(dir);
		/* A shims directory holds stand-ins, not interpreters: its manager's installs
		 * are searched below instead. */
		m = shims_manager(dir, &root);
		if (m == MANAGER_PYENV || m == MANAGER_ASDF_LIKE) {
			_cleanup_free_ char *v =
				vr_path_join(root, m == MANAGER_PYENV ? "versions" : "installs/python");
			if (!v || vr_strv_push(&manager_roots, v) < 0) {
				r = -ENOMEM;
				goto fail;
			}
			continue;
		}
		r = add_dir(&dirs, &n, dir, "PATH");
		if (r < 0)
			goto fail;
	}
	if ((r = add_dir(&dirs, &n, "/usr/local/bin", "system")) < 0 ||
	    (r = add_dir(&dirs, &n, "/usr/bin", "system")) < 0)
		goto fail;

	e = getenv("PYENV_ROOT");
	{
		_cleanup_free_ char *pyenv = NULL, *v = NULL;
		if (e && e[0] == '/')
			pyenv = strdup(e);
		else if (home_dir())
			pyenv = vr_path_join(home_dir(), ".pyenv");
		v = pyenv ? vr_path_join(pyenv, "versions") : NULL;
		if (v && (r = add_versions_root(&dirs, &n, v, "pyenv")) < 0)
			goto fail;
	}
	for (size_t i = 0; manager_roots && manager_roots[i]; i++)
		if ((r = add_versions_root(&dirs, &n, manager_roots[i],
					   strstr(manager_roots[i], "/installs/") ? "asdf/mise" : "pyenv")) < 0)
			goto fail;

	e = getenv("UV_PYTHON_INSTALL_DIR");
	{
		_cleanup_free_ char *uv = NULL;
		if (e && e[0] == '/')
			uv = strdup(e);
		else if (getenv("XDG_DATA_HOME") && getenv("XDG_DATA_HOME")[0] == '/')
			uv = vr_path_join(getenv("XDG_DATA_HOME"), "uv/python");
		else if (home_dir())
			uv = vr_path_join(home_dir(), ".local/share/uv/python");
		if (uv && (r = add_versions_root(&dirs, &n, uv, "uv")) < 0)
			goto fail;
	}
	if (home_dir()) {
		const char *roots[][2] = { { ".asdf/installs/python", "asdf/mise" },
					   { ".local/share/mise/installs/python", "asdf/mise" } };
		for (size_t i = 0; i < ELEMENTSOF(roots); i++) {
			_cleanup_free_ char *v = vr_path_join(home_dir(), roots[i][0]);
			if (v && (r = add_versions_root(&dirs, &n, v, roots[i][1])) < 0)
				goto fail;
		}
	}
	*ret = dirs;
	*ret_n = n;
	return 0;
fail:
	for (size_t i = 0; i < n; i++)
		free(dirs[i].dir);
	free(dirs);
	return r;
}

static void
candidate_dirs_free(struct candidate_dir *dirs, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(dirs[i].dir);
	free(dirs);
}

VR_PUBLIC int
vr_interpreter_from_path(const char *path, const struct vr_discover_options *o, struct vr_interpreter **ret,
			 struct vr_error *err)
{
	_cleanup_free_ char *real = NULL;
	_cleanup_(json_decrefp) json_t *info = NULL;
	struct stat st;
	int r;

	if (!path || !ret)
		return vr_error_set(err, EINVAL, "vr_interpreter_from_path");
	real = realpath(path, NULL);
	if (!real)
		return vr_error_set_at(err, errno == ENOENT ? VR_ERR_NO_INTERPRETER : errno, path,
				       errno == ENOENT ? "no such interpreter" : "cannot resolve");
	if (stat(real, &st) < 0)
		return vr_error_set_at(err, errno, real, "cannot stat");
	if (!S_ISREG(st.st_mode) || access(real, X_OK) < 0)
		return vr_error_set_at(err, VR_ERR_NO_INTERPRETER, path, "not an executable file");
	r = vr_interpreter_query(real, &st, o, &info, err);
	if (r < 0)
		return r;
	return vr_interpreter_new_from_info(info, real, path, ret, err);
}

struct identity {
	dev_t dev;
	ino_t ino;
};

/* Query every candidate once, in search order, skipping duplicates of one real file. */
static int
collect(const struct vr_discover_options *o, struct vr_interpreter ***ret, struct vr_error *err)
{
	struct candidate_dir *dirs = NULL;
	struct identity *seen = NULL;
	struct vr_interpreter **list = NULL;
	size_t ndirs = 0, nseen = 0, nlist = 0;
	int r;

	r = candidate_dirs(o, &dirs, &ndirs);
	if (r < 0)
		return vr_error_set(err, r, "listing interpreter locations");

	for (size_t i = 0; i < ndirs; i++) {
		_cleanup_strv_free_ char **names = NULL;
		struct dirent *de;
		DIR *d = opendir(dirs[i].dir);

		if (!d)
			continue;
		while ((de = readdir(d)))
			if (is_interpreter_name(de->d_name) && vr_strv_push(&names, de->d_name) < 0) {
				closedir(d);
				r = vr_error_set(err, ENOMEM, "discovery");
				goto out;
			}
		closedir(d);
		/* The most specific name first (python3.12 before python3 and python), so a
		 * file's several names are reported by the one that says the most. */
		if (vr_strv_length(names) > 1)
			vr_qsort(names, vr_strv_length(names), sizeof(char *), cmp_versions_desc);

		for (size_t k = 0; names && names[k]; k++) {
			_cleanup_free_ char *full = vr_path_join(dirs[i].dir, names[k]);
			struct vr_error qerr = VR_ERROR_INIT;
			struct vr_interpreter *py = NULL, **nl;
			struct identity *ns;
			struct stat st;
			bool dup = false;

			if (!full || stat(full, &st) < 0 || !S_ISREG(st.st_mode) || access(full, X_OK) < 0)
				continue;
			for (size_t s = 0; s < nseen; s++)
				if (seen[s].dev == st.st_dev && seen[s].ino == st.st_ino)
					dup = true;
			if (dup)
				continue;
			ns = realloc(seen, (nseen + 1) * sizeof *seen);
			if (!ns) {
				r = vr_error_set(err, ENOMEM, "discovery");
				goto out;
			}
			seen = ns;
			seen[nseen++] = (struct identity){ st.st_dev, st.st_ino };

			if (vr_interpreter_from_path(full, o, &py, &qerr) < 0) {
				char line[VR_ERROR_LINE_MAX];
				vr_error_format(&qerr, line, sizeof line);
				explain(o, "skipped %s (%s): %s", full, dirs[i].source, line);
				continue;
			}
			nl = realloc(list, (nlist + 2) * sizeof *list);
			if (!nl) {
				vr_interpreter_free(py);
				r = vr_error_set(err, ENOMEM, "discovery");
				goto out;
			}
			list = nl;
			list[nlist++] = py;
			list[nlist] = NULL;
		}
	}
	if (!list) {
		list = calloc(1, sizeof *list);
		if (!list) {
			r = vr_error_set(err, ENOMEM, "discovery");
			goto out;
		}
	}
	*ret = TAKE_PTR(list);
	r = 0;
out:
	vr_interpreter_list_free(list);
	free(seen);
	candidate_dirs_free(dirs, ndirs);
	return r;
}

VR_PUBLIC int
vr_interpreter_discover(const struct vr_discover_options *o, struct vr_interpreter ***ret, struct vr_error *err)
{
	if (!ret)
		return vr_error_set(err, EINVAL, "vr_interpreter_discover");
	return collect(o, ret, err);
}

/* Newer first: version numbers, then final over pre-releases. */
static int
compare_versions(const struct vr_interpreter *a, const struct vr_interpreter *b)
{
	static const char *const levels[] = { "alpha", "beta", "candidate", "final" };
	int la = 0, lb = 0;

	for (int i = 0; i < 3; i++)
		if (a->v[i] != b->v[i])
			return a->v[i] < b->v[i] ? -1 : 1;
	for (int i = 0; i < 4; i++) {
		if (streq(a->releaselevel, levels[i]))
			la = i;
		if (streq(b->releaselevel, levels[i]))
			lb = i;
	}
	if (la != lb)
		return la < lb ? -1 : 1;
	return a->serial < b->serial ? -1 : a->serial > b->serial;
}

static int
take_if_supported(struct vr_interpreter *py, struct vr_interpreter **ret, struct vr_error *err)
{
	const char *why = NULL;

	if (!vr_interpreter_is_supported(py, &why)) {
		int r = vr_error_set_at(err, VR_ERR_UNSUPPORTED_INTERPRETER, py->found_as, "%s %s is not supported: %s",
					py->impl_name, py->version, why);
		vr_error_set_hint(err, "run 'venvrun interpreters' to see what can be used");
		vr_interpreter_free(py);
		return r;
	}
	*ret = py;
	return 0;
}

static int
find_by_command(const char *cmd, const struct vr_discover_options *o, struct vr_interpreter **ret, struct vr_error *err)
{
	_cleanup_free_ char *path = NULL;
	struct vr_interpreter *py = NULL;
	int r = lookup_command(cmd, o, &path);

	if (r < 0)
		return r;
	explain(o, "'%s' is the command %s", cmd, path);
	r = vr_interpreter_from_path(path, o, &py, err);
	if (r < 0)
		return r;
	explain(o, "chose %s", py->description);
	return take_if_supported(py, ret, err) < 0 ? -VR_ERR_UNSUPPORTED_INTERPRETER : 1;
}

VR_PUBLIC int
vr_interpreter_find(const char *spec_text, const struct vr_discover_options *o, struct vr_interpreter **ret,
		    struct vr_error *err)
{
	struct vr_python_spec spec;
	struct vr_interpreter **list = NULL, *best = NULL, *best_unsupported = NULL;
	struct vr_interpreter *py = NULL;
	struct vr_buf found = VR_BUF_INIT;
	int r;

	if (!ret)
		return vr_error_set(err, EINVAL, "vr_interpreter_find");
	if (vr_isempty(spec_text)) {
		const char *env = secure_getenv("VENVRUN_PYTHON");
		if (!vr_isempty(env)) {
			explain(o, "using $VENVRUN_PYTHON='%s'", env);
			spec_text = env;
		} else {
			explain(o, "no spec given: using the first python3 on PATH");
			r = find_by_command("python3", o, ret, err);
			if (r == -ENOENT) {
				r = vr_error_set(err, VR_ERR_NO_INTERPRETER, "no python3 on PATH");
				vr_error_set_hint(err, "install Python 3 or choose an interpreter with -p");
			}
			return r < 0 ? r : 0;
		}
	}

	r = vr_python_spec_parse(spec_text, &spec, err);
	if (r < 0)
		return r;
	if (spec.kind == VR_SPEC_PATH) {
		r = vr_interpreter_from_path(spec_text, o, &py, err);
		if (r < 0)
			return r;
		explain(o, "chose %s", py->description);
		return take_if_supported(py, ret, err);
	}
	if (vr_python_spec_is_command_like(spec_text)) {
		r = find_by_command(spec_text, o, ret, err);
		if (r != -ENOENT)
			return r < 0 ? r : 0;
		explain(o, "no command '%s' on PATH; reading it as a version spec", spec_text);
	}

	r = collect(o, &list, err);
	if (r < 0)
		return r;
	for (size_t i = 0; list[i]; i++) {
		struct vr_spec_facts f;
		const char *why = NULL;

		vr_interpreter_facts(list[i], &f);
		if (i < 12 || !list[i + 1])
			vr_buf_printf(&found, "%s%s %s%s", i ? ", " : "", list[i]->impl_name, list[i]->version,
				      list[i]->free_threaded ? "t" : "");
		else if (i == 12)
			vr_buf_puts(&found, ", ...");
		if (!vr_python_spec_matches(&spec, &f)) {
			explain(o, "%s (from %s): does not match '%s'", list[i]->description, list[i]->found_as,
				spec_text);
			continue;
		}
		if (!vr_interpreter_is_supported(list[i], &why)) {
			explain(o, "%s: matches, but is not supported: %s", list[i]->description, why);
			if (!best_unsupported)
				best_unsupported = list[i];
			continue;
		}
		explain(o, "%s (from %s): matches", list[i]->description, list[i]->found_as);
		/* Newest wins; among equals, the first found (PATH order). */
		if (!best || compare_versions(list[i], best) > 0)
			best = list[i];
	}
	if (best) {
		size_t j = 0;

		explain(o, "chose %s: the newest match", best->description);
		/* Hand `best` to the caller and free the rest. */
		for (size_t i = 0; list[i]; i++)
			if (list[i] != best)
				list[j++] = list[i];
		list[j] = NULL;
		*ret = best;
		r = 0;
	} else if (best_unsupported) {
		r = vr_error_set_at(err, VR_ERR_UNSUPPORTED_INTERPRETER, best_unsupported->found_as,
				    "%s %s matches '%s' but is not supported: %s", best_unsupported->impl_name,
				    best_unsupported->version, spec_text, best_unsupported->unsupported);
		vr_error_set_hint(err, "run 'venvrun interpreters' to see what can be used");
	} else {
		r = vr_error_set(err, VR_ERR_NO_INTERPRETER, "no interpreter matches '%s'; found: %s", spec_text,
				 found.data ? found.data : "none");
		vr_error_set_hint(err, "install one or give its path with -p");
	}
	vr_buf_done(&found);
	vr_interpreter_list_free(list);
	return r;
}
