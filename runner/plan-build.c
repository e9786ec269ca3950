/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Turning an env, its base interpreter's facts and the effective policy into a sandbox
 * plan (plan.h). The mounts are first collected here, so that what to hide can be worked
 * out from what the other mounts bring in, and conflicts refused, before the plan sees any
 * of them. The order, and why:
 *
 *   1. the system: /usr, the merged-/usr links, the parts of /etc programs need;
 *   2. fresh mounts: /proc, /dev, /tmp, /var/tmp and an empty $HOME, so that anything
 *      bound later under them (a pyenv base in ~/.pyenv, an env in /tmp) lands on top;
 *   3. the base interpreter's installation, when /usr does not hold it;
 *   4. the working directory; 5. the env, after it, so that an env inside the working
 *      directory (./.venv) stays read-only; 6. links recreated on the way from the env's
 *      python to the base interpreter;
 *   7. the policy's binds and tmpfs: what the user asked for comes after the defaults;
 *   8. the hides, last, so that no later mount can bring a hidden path back.
 *
 * This file collects the mounts and puts the plan together; plan-hide.c works out the
 * hides (8), plan-env.c the program's environment.
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "venvrun/venvrun.h"

#include "env.h"
#include "interp.h"
#include "log.h"
#include "macro.h"
#include "path.h"
#include "plan-build-internal.h"
#include "strv.h"

/* The parts of /etc programs need. Not shadow, gshadow, sudoers, ssh/: nothing secret. */
static const char *const etc_entries[] = {
	"passwd",	"group",     "nsswitch.conf",	"hosts",    "host.conf",   "resolv.conf", "localtime",
	"timezone",	"ssl",	     "ca-certificates", "pki",	    "ld.so.cache", "ld.so.conf",  "ld.so.conf.d",
	"alternatives", "protocols", "services",	"gai.conf", "mime.types",  "os-release",  NULL,
};

static const char *const usr_links[] = { "bin", "sbin", "lib", "lib64", "lib32", "libx32", NULL };

#define MAX_LINK_HOPS 40

static void
pb_done(struct vr_pb *b)
{
	for (size_t i = 0; i < b->n; i++) {
		free(b->m[i].source);
		free(b->m[i].target);
	}
	free(b->m);
	vr_strv_free(b->cand);
	vr_strv_free(b->protect);
	vr_strv_free(b->hides);
	vr_strv_free(b->links);
	vr_strv_free(b->memo_in);
	vr_strv_free(b->memo_out);
	free(b->home);
	free(b->home_inside);
	free(b->env_path);
	free(b->env_real);
	free(b->cwd);
	free(b->cwd_inside);
}

/* Whether realpath() may be done one component at a time from a resolved parent: no ".",
 * "..", empty component or trailing slash, which only realpath() itself gets right. */
static bool
is_plain_absolute(const char *p)
{
	if (p[0] != '/')
		return false;
	for (const char *c = p + 1;; c++) {
		size_t n = strcspn(c, "/");

		if (n == 0 || (n == 1 && c[0] == '.') || (n == 2 && c[0] == '.' && c[1] == '.'))
			return false;
		c += n;
		if (!*c)
			return true;
	}
}

static const char *
memo_get(const struct vr_pb *b, const char *p)
{
	for (size_t i = 0; b->memo_in && b->memo_in[i]; i++)
		if (streq(b->memo_in[i], p))
			return b->memo_out[i];
	return NULL;
}

/*
 * realpath() from the parent down: the parent's real path comes from the memo (or is
 * worked out the same way first), then one readlink() tells whether the last component is
 * a link. The plan resolves dozens of paths under the same few directories (/usr/lib/
 * python3.Y, the env, the working directory), and realpath() would read every component
 * of every one of them again. Same answers and errno values as realpath(); anything that is
 * not a plain absolute path, and link texts that are not, go to realpath().
 */
static char *
real_path(struct vr_pb *b, const char *p, int hops)
{
	char text[PATH_MAX];
	_cleanup_free_ char *parent = NULL, *parent_real = NULL, *cand = NULL, *target = NULL, *res = NULL;
	const char *hit;
	ssize_t n;

	if (!is_plain_absolute(p))
		return realpath(p, NULL);
	if (streq(p, "/"))
		return strdup("/");
	hit = memo_get(b, p);
	if (hit)
		return strdup(hit);
	parent = vr_path_dirname(p);
	parent_real = parent ? real_path(b, parent, hops) : NULL;
	if (!parent_real)
		return NULL;
	cand = vr_path_join(parent_real, vr_path_basename(p));
	if (!cand)
		return NULL;
	n = readlink(cand, text, sizeof text - 1);
	if (n < 0 && errno != EINVAL)
		return NULL; /* ENOENT, ENOTDIR, EACCES: as realpath() says them */
	if (n < 0) {
		res = TAKE_PTR(cand); /* there, and not a link */
	} else {
		text[n] = 0;
		if (++hops > MAX_LINK_HOPS) {
			errno = ELOOP;
			return NULL;
		}
		target = text[0] == '/' ? strdup(text) : vr_path_join(parent_real, text);
		res = target ? real_path(b, target, hops) : NULL;
		if (!res)
			return NULL;
	}
	/* A memo that cannot grow costs readlinks, not answers. */
	if (vr_strv_push(&b->memo_in, p) == 0 && vr_strv_push(&b->memo_out, res) < 0) {
		size_t last = vr_strv_length(b->memo_in) - 1;

		free(b->memo_in[last]);
		b->memo_in[last] = NULL;
	}
	return TAKE_PTR(res);
}

char *
vr_pb_real_path(struct vr_pb *b, const char *p)
{
	return p && p[0] == '/' ? real_path(b, p, 0) : NULL;
}

static char *
read_link(const char *path)
{
	char buf[PATH_MAX];
	ssize_t n = readlink(path, buf, sizeof buf - 1);

	if (n <= 0)
		return NULL;
	buf[n] = 0;
	return strdup(buf);
}

bool
vr_pb_is_dir(const char *p)
{
	struct stat st;
	return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

char *
vr_pb_rebase(const char *path, const char *from, const char *to)
{
	const char *rest = streq(from, "/") ? path : path + strlen(from);
	return *rest ? vr_path_join(to, rest) : strdup(to);
}

static int
pb_add(struct vr_pb *b, enum vr_mount_type type, const char *source, const char *target, unsigned flags, bool user,
       const char *what, const char *hint)
{
	struct vr_pb_mount *m;

	if (b->n == b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 32;
		m = reallocarray(b->m, cap, sizeof *m);
		if (!m)
			return -ENOMEM;
		b->m = m;
		b->cap = cap;
	}
	m = &b->m[b->n];
	*m = (struct vr_pb_mount){ .type = type, .flags = flags, .user = user, .what = what, .hint = hint };
	m->target = strdup(target);
	m->source = source ? strdup(source) : NULL;
	if (!m->target || (source && !m->source)) {
		free(m->target);
		free(m->source);
		return -ENOMEM;
	}
	vr_path_normalize(m->target);
	if (type == VR_MNT_BIND)
		vr_path_normalize(m->source);
	b->n++;
	return 0;
}

const struct vr_pb_mount *
vr_pb_find_target(const struct vr_pb *b, const char *target)
{
	for (size_t i = 0; i < b->n; i++)
		if (!b->m[i].dropped && streq(b->m[i].target, target))
			return &b->m[i];
	return NULL;
}

/* Whether a mount so far lands on `path` or below it. */
static bool
pb_has_target_under(const struct vr_pb *b, const char *path)
{
	for (size_t i = 0; i < b->n; i++)
		if (!b->m[i].dropped && vr_path_is_ancestor(path, b->m[i].target))
			return true;
	return false;
}

/* The host path that `inside` shows, by the mounts so far: the last one whose target is
 * `inside` or one of its parents decides. NULL when that is not a bind, or none is. */
char *
vr_pb_host_path(const struct vr_pb *b, const char *inside)
{
	for (size_t i = b->n; i-- > 0;) {
		const struct vr_pb_mount *m = &b->m[i];

		if (m->dropped || !vr_path_is_ancestor(m->target, inside))
			continue;
		return m->type == VR_MNT_BIND ? vr_pb_rebase(inside, m->target, m->source) : NULL;
	}
	return NULL;
}

/* Whether the host path `path` is there inside, at the same path. */
static bool
pb_covered(const struct vr_pb *b, const char *path)
{
	_cleanup_free_ char *host = vr_pb_host_path(b, path);
	return host && streq(host, path);
}

int
vr_pb_push_real(struct vr_pb *b, char ***v, const char *path)
{
	_cleanup_free_ char *r = vr_pb_real_path(b, path);
	if (!r || vr_strv_contains(*v, r))
		return 0;
	return vr_strv_consume(v, TAKE_PTR(r));
}

/* --- 1. the system --------------------------------------------------------------------- */

static int
add_system(struct vr_pb *b)
{
	char path[PATH_MAX];
	struct stat st;
	int r;

	if (vr_pb_is_dir("/usr")) {
		r = pb_add(b, VR_MNT_BIND, "/usr", "/usr", VR_MNT_F_RO, false, "/usr", NULL);
		if (r < 0)
			return r;
	}
	/* Merged /usr: the links as links, so that /bin/sh and /lib64/ld-linux*.so resolve
	 * through the read-only /usr; a system that is not merged gets the directories. */
	for (const char *const *n = usr_links; *n; n++) {
		snprintf(path, sizeof path, "/%s", *n);
		if (lstat(path, &st) < 0)
			continue;
		if (S_ISLNK(st.st_mode)) {
			_cleanup_free_ char *text = read_link(path);
			r = text ? pb_add(b, VR_MNT_SYMLINK, text, path, 0, false, path, NULL) : 0;
		} else if (S_ISDIR(st.st_mode)) {
			r = pb_add(b, VR_MNT_BIND, path, path, VR_MNT_F_RO | VR_MNT_F_OPTIONAL, false, path, NULL);
		} else {
			r = 0;
		}
		if (r < 0)
			return r;
	}
	for (const char *const *n = etc_entries; *n; n++) {
		snprintf(path, sizeof path, "/etc/%s", *n);
		if (lstat(path, &st) < 0)
			continue;
		if (S_ISLNK(st.st_mode)) {
			/* A link into /usr stays a link (its text names the time zone of
			 * /etc/localtime); one elsewhere (resolv.conf into /run) brings only its
			 * file, never the directory it lives in; one into /proc (mtab) nothing. */
			_cleanup_free_ char *real = vr_pb_real_path(b, path), *text = read_link(path);
			if (!real || !text || vr_path_is_ancestor("/proc", real) || vr_path_is_ancestor("/sys", real) ||
			    vr_path_is_ancestor("/dev", real))
				continue;
			if (vr_path_is_ancestor("/usr", real))
				r = pb_add(b, VR_MNT_SYMLINK, text, path, 0, false, path, NULL);
			else
				r = pb_add(b, VR_MNT_BIND, real, path, VR_MNT_F_RO | VR_MNT_F_OPTIONAL, false, path,
					   NULL);
		} else {
			r = pb_add(b, VR_MNT_BIND, path, path, VR_MNT_F_RO | VR_MNT_F_OPTIONAL, false, path, NULL);
		}
		if (r < 0)
			return r;
	}
	/* The CA store is public; the keys beside it are not. */
	return vr_pb_push_real(b, &b->cand, "/etc/ssl/private");
}

/* --- 2. fresh mounts ------------------------------------------------------------------- */

static int
resolve_home(struct vr_pb *b)
{
	static const char *const system[] = { "/usr", "/etc", "/proc", "/dev", "/sys", NULL };
	static const char *const fresh[] = { "/proc", "/dev", "/tmp", "/var/tmp", NULL };
	const char *h = b->req->home;
	_cleanup_free_ char *buf = NULL, *home = NULL;
	struct passwd pw, *res = NULL;
	bool usable;

	if (vr_isempty(h)) {
		buf = malloc(16384);
		if (!buf)
			return -ENOMEM;
		if (getpwuid_r(b->req->uid, &pw, buf, 16384, &res) == 0 && res)
			h = res->pw_dir;
	}
	if (h && h[0] == '/') {
		home = strdup(h);
		if (!home)
			return -ENOMEM;
		vr_path_normalize(home);
	}
	/* An empty tmpfs over a system directory, or over / or /var, would hide what the
	 * program needs: such a $HOME (services often have /) becomes the private /tmp. */
	usable = home && !streq(home, "/") && !pb_has_target_under(b, home);
	for (size_t i = 0; usable && system[i]; i++)
		usable = !vr_path_is_ancestor(system[i], home);
	for (size_t i = 0; usable && fresh[i]; i++)
		usable = !vr_path_is_ancestor(home, fresh[i]);
	if (usable)
		b->home = TAKE_PTR(home);
	else
		vr_debug("$HOME '%s' cannot hold an empty tmpfs; HOME is /tmp inside", home ? home : "");
	b->home_inside = strdup(b->home ? b->home : "/tmp");
	return b->home_inside ? 0 : -ENOMEM;
}

static int
add_fresh(struct vr_pb *b)
{
	int r;

	if ((r = pb_add(b, VR_MNT_PROC, NULL, "/proc", 0, false, "/proc", NULL)) < 0 ||
	    (r = pb_add(b, VR_MNT_DEV, NULL, "/dev", 0, false, "/dev", NULL)) < 0 ||
	    (r = pb_add(b, VR_MNT_TMPFS, NULL, "/tmp", 0, false, "/tmp", NULL)) < 0 ||
	    (r = pb_add(b, VR_MNT_TMPFS, NULL, "/var/tmp", 0, false, "/var/tmp", NULL)) < 0)
		return r;
	if (b->home)
		return pb_add(b, VR_MNT_TMPFS, NULL, b->home, 0, false, "$HOME", NULL);
	return 0;
}

/* --- 3. the base interpreter ----------------------------------------------------------- */

/* A directory whose bind would bring in more than the interpreter: /, a top-level
 * directory (/opt holds other things), $HOME or a parent of it, or anything holding a
 * mount made so far. */
static bool
pb_too_broad(const struct vr_pb *b, const char *p)
{
	size_t depth = 0;

	for (const char *s = p; *s; s++)
		depth += *s == '/' && s[1];
	return depth < 2 || (b->home && vr_path_is_ancestor(p, b->home)) || pb_has_target_under(b, p);
}

static int
add_base_dir(struct vr_pb *b, const char *real, const char *what)
{
	if (!real || !vr_pb_is_dir(real) || pb_covered(b, real))
		return 0;
	if (pb_too_broad(b, real)) {
		vr_debug("not binding %s '%s': it holds more than the interpreter", what, real);
		return 0;
	}
	return pb_add(b, VR_MNT_BIND, real, real, VR_MNT_F_RO, false, what, NULL);
}

static int
protect_exe(struct vr_pb *b, const char *path)
{
	struct stat st;

	if (!path || stat(path, &st) < 0 || b->n_exes == VR_PB_MAX_PROTECTED_EXES)
		return 0;
	b->exes[b->n_exes++] = st;
	return vr_pb_push_real(b, &b->protect, path);
}

static int
add_base(struct vr_pb *b)
{
	const struct vr_interpreter *py = b->req->base;
	const char *exe = vr_interpreter_get_executable(py);
	const char *facts[] = { "stdlib", "platstdlib", "shared_library", "base_prefix", "base_exec_prefix" };
	_cleanup_free_ char *prefix = vr_pb_real_path(b, vr_interpreter_info_str(py, "base_prefix"));
	_cleanup_free_ char *exec_prefix = vr_pb_real_path(b, vr_interpreter_info_str(py, "base_exec_prefix"));
	_cleanup_free_ char *stdlib = vr_pb_real_path(b, vr_interpreter_info_str(py, "stdlib"));
	_cleanup_free_ char *platstdlib = vr_pb_real_path(b, vr_interpreter_info_str(py, "platstdlib"));
	_cleanup_free_ char *shlib = vr_pb_real_path(b, vr_interpreter_info_str(py, "shared_library"));
	_cleanup_free_ char *shlib_dir = shlib ? vr_path_dirname(shlib) : NULL;
	_cleanup_free_ char *exe_real = vr_pb_real_path(b, exe);
	int r;

	if (!exe_real)
		return -VR_ERR_BROKEN_ENV;
	for (size_t i = 0; i < ELEMENTSOF(facts); i++)
		if ((r = vr_pb_push_real(b, &b->protect, vr_interpreter_info_str(py, facts[i]))) < 0)
			return r;
	if ((r = protect_exe(b, exe_real)) < 0)
		return r;
	/* The whole installation when it has a place of its own (pyenv's versions/X, uv's
	 * python/X, /opt/pythonX): the stdlib, lib-dynload, headers and its libpython
	 * together. Otherwise, or what it leaves out, piece by piece. */
	if ((r = add_base_dir(b, prefix, "the base interpreter's prefix")) < 0 ||
	    (r = add_base_dir(b, exec_prefix, "the base interpreter's prefix")) < 0 ||
	    (r = add_base_dir(b, stdlib, "the base interpreter's stdlib")) < 0 ||
	    (r = add_base_dir(b, platstdlib, "the base interpreter's stdlib")) < 0)
		return r;
	if (shlib && !pb_covered(b, shlib)) {
		if (shlib_dir && !pb_too_broad(b, shlib_dir))
			r = add_base_dir(b, shlib_dir, "the base interpreter's library directory");
		else
			r = pb_add(b, VR_MNT_BIND, shlib, shlib, VR_MNT_F_RO, false, "the base interpreter's library",
				   NULL);
		if (r < 0)
			return r;
	}
	if (!pb_covered(b, exe_real))
		return pb_add(b, VR_MNT_BIND, exe_real, exe_real, VR_MNT_F_RO, false, "the base interpreter", NULL);
	return 0;
}

/* --- 4.-6. the working directory, the env, the links between them and the base ------ */

static int
add_workdir(struct vr_pb *b)
{
	enum vr_mode mode = b->req->policy->workdir;
	const char *cwd = b->cwd;

	if (mode == VR_MODE_NONE)
		return 0;
	/* A working directory that holds a mount made so far ($HOME, /tmp, /usr, the base
	 * interpreter) would cover it and bring in everything beside it: it is not mounted,
	 * and the program starts in $HOME. Kernel file systems are never bound. */
	if (streq(cwd, "/") || pb_has_target_under(b, cwd) || vr_path_is_ancestor("/proc", cwd) ||
	    vr_path_is_ancestor("/sys", cwd) || vr_path_is_ancestor("/dev", cwd)) {
		vr_debug("the working directory '%s' holds what the sandbox mounts: not bound", cwd);
		return 0;
	}
	b->workdir_bound = true;
	return pb_add(b, VR_MNT_BIND, cwd, cwd, mode == VR_MODE_RO ? VR_MNT_F_RO : 0, true, "the working directory",
		      "run from another directory, or set filesystem.workdir to \"none\"");
}

static int
add_link(struct vr_pb *b, const char *link, const char *text)
{
	/* There already (inside a bind at its own path, or the env's own), or where a mount
	 * is: nothing to do. */
	if (vr_pb_find_target(b, link) || pb_covered(b, link) || pb_has_target_under(b, link) ||
	    vr_path_is_ancestor(b->env_real, link))
		return 0;
	return pb_add(b, VR_MNT_SYMLINK, text, link, 0, false, "a link to the base interpreter", NULL);
}

/*
 * Resolve `path` component by component as the kernel would, and recreate every symlink met
 * on the way that the mounts do not already bring in (uv's python/cpython-3.12-... ->
 * cpython-3.12.1-..., pyenv version aliases): the env's bin/python and pyvenv.cfg's home
 * must resolve inside as they do outside.
 */
static int
walk_links(struct vr_pb *b, const char *path)
{
	_cleanup_free_ char *rest = strdup(path);
	char cur[PATH_MAX] = "";
	const char *p = rest;
	int hops = 0, r;

	if (!rest)
		return -ENOMEM;
	while (*p) {
		char next[PATH_MAX];
		struct stat st;
		size_t n;

		while (*p == '/')
			p++;
		n = strcspn(p, "/");
		if (n == 0)
			break;
		if (n == 1 && p[0] == '.') {
			p += n;
			continue;
		}
		if (n == 2 && p[0] == '.' && p[1] == '.') {
			char *slash = strrchr(cur, '/');
			if (slash)
				*slash = 0;
			p += n;
			continue;
		}
		if ((size_t)snprintf(next, sizeof next, "%s/%.*s", cur, (int)n, p) >= sizeof next ||
		    lstat(next, &st) < 0)
			return 0;
		p += n;
		if (S_ISLNK(st.st_mode)) {
			_cleanup_free_ char *text = read_link(next);
			char *again = NULL;

			if (!text || ++hops > MAX_LINK_HOPS)
				return 0;
			if ((r = add_link(b, next, text)) < 0)
				return r;
			/* The run needs it: no other env that holds it may be hidden whole. */
			if (!vr_strv_contains(b->links, next) && (r = vr_strv_push(&b->links, next)) < 0)
				return r;
			if (asprintf(&again, "%s/%s", text, p) < 0)
				return -ENOMEM;
			if (text[0] == '/')
				cur[0] = 0;
			free(rest);
			p = rest = again;
		} else {
			memcpy(cur, next, strlen(next) + 1);
		}
	}
	return 0;
}

static int
add_env(struct vr_pb *b)
{
	const struct vr_plan_request *req = b->req;
	bool rw = req->writable_env || req->policy->env == VR_MODE_RW;

	return pb_add(b, VR_MNT_BIND, b->env_real, b->env_path, rw ? 0 : VR_MNT_F_RO, true, "the env",
		      "move the env out of it");
}

static int
add_links(struct vr_pb *b)
{
	const struct vr_interpreter *py = b->req->base;
	const char *scripts = vr_interpreter_venv_path(py, "scripts");
	const char *names[] = { "python", "python3" };
	const char *home = vr_env_get(b->req->env, "home");
	int r;

	for (size_t i = 0; i < ELEMENTSOF(names); i++) {
		_cleanup_free_ char *dir = vr_path_join(b->env_real, scripts);
		_cleanup_free_ char *p = dir ? vr_path_join(dir, names[i]) : NULL;

		if (!p)
			return -ENOMEM;
		if ((r = walk_links(b, p)) < 0 || (r = protect_exe(b, p)) < 0)
			return r;
	}
	if (home && home[0] == '/' && (r = walk_links(b, home)) < 0)
		return r;
	if ((r = walk_links(b, vr_interpreter_get_executable(py))) < 0)
		return r;
	return walk_links(b, vr_interpreter_info_str(py, "base_prefix"));
}

/* --- 7. the policy's binds and tmpfs --------------------------------------------------- */

static int
add_policy(struct vr_pb *b, struct vr_error *err)
{
	const struct vr_policy_values *v = b->req->policy;
	struct stat st;
	int r;

	for (size_t i = 0; i < v->n_binds; i++) {
		const struct vr_policy_bind *bind = &v->binds[i];
		const char *target = bind->target ? bind->target : bind->source;
		unsigned flags = (bind->rw ? 0 : VR_MNT_F_RO) | (bind->optional ? VR_MNT_F_OPTIONAL : 0);
		_cleanup_free_ char *real = NULL;

		if (!bind->source || bind->source[0] != '/' || !target || target[0] != '/')
			return vr_error_set_at(err, VR_ERR_BAD_PATH, bind->source ? bind->source : "",
					       "a bind needs an absolute source and target");
		if (stat(bind->source, &st) < 0) {
			if (!bind->optional) {
				r = vr_error_set_at(err, errno == ENOENT ? VR_ERR_BAD_PATH : errno, bind->source,
						    "the bind source %s",
						    errno == ENOENT ? "does not exist" : "cannot be used");
				vr_error_set_hint(err, "create it, or mark the bind optional");
				return r;
			}
			r = pb_add(b, VR_MNT_BIND, bind->source, target, flags, true, "the bind target", NULL);
		} else {
			/* Bound from where it really is: what is checked is what is mounted. */
			real = vr_pb_real_path(b, bind->source);
			if (!real)
				return vr_error_set_at(err, errno, bind->source, "cannot resolve the bind source");
			r = pb_add(b, VR_MNT_BIND, real, target, flags, true, "the bind target",
				   "bind it somewhere else");
		}
		if (r < 0)
			return vr_error_set(err, r, "plan");
	}
	for (const char *const *t = v->tmpfs; t && *t; t++) {
		if ((*t)[0] != '/')
			return vr_error_set_at(err, VR_ERR_BAD_PATH, *t, "a tmpfs needs an absolute path");
		if ((r = pb_add(b, VR_MNT_TMPFS, NULL, *t, 0, true, "the tmpfs", "put it somewhere else")) < 0)
			return vr_error_set(err, r, "plan");
	}
	return 0;
}

/* --- putting it together ---------------------------------------------------------------- */

static int
pick_cwd(struct vr_pb *b)
{
	const char *c = b->req->chdir;
	_cleanup_free_ char *host = NULL;
	const struct vr_pb_mount *m;

	if (c) {
		b->cwd_inside = strdup(c);
		if (b->cwd_inside)
			vr_path_normalize(b->cwd_inside);
		return b->cwd_inside ? 0 : -ENOMEM;
	}
	/* The caller's directory when it is there inside (bound, or shown by a bind of a
	 * parent at its own path, or a fresh mount's own path); else $HOME. */
	host = vr_pb_host_path(b, b->cwd);
	m = vr_pb_find_target(b, b->cwd);
	if (!vr_pb_hidden_parent(b, b->cwd) &&
	    (b->workdir_bound || (host && streq(host, b->cwd)) || (m && m->type == VR_MNT_TMPFS)))
		b->cwd_inside = strdup(b->cwd);
	else
		b->cwd_inside = strdup(b->home_inside);
	return b->cwd_inside ? 0 : -ENOMEM;
}

static int
prepare(struct vr_pb *b, struct vr_error *err)
{
	const struct vr_plan_request *req = b->req;
	const char *env_path = vr_env_get_path(req->env);
	_cleanup_free_ char *cwd = NULL;

	if (req->chdir && req->chdir[0] != '/')
		return vr_error_set_at(err, VR_ERR_BAD_PATH, req->chdir, "--chdir needs an absolute path");
	if (!env_path || env_path[0] != '/')
		return vr_error_set(err, EINVAL, "vr_plan_build: the env has no absolute path");
	b->env_path = strdup(env_path);
	if (!b->env_path)
		return vr_error_set(err, ENOMEM, "plan");
	vr_path_normalize(b->env_path);
	b->env_real = vr_pb_real_path(b, b->env_path);
	if (!b->env_real)
		return vr_error_set_at(err, errno == ENOENT ? VR_ERR_NOT_AN_ENV : errno, b->env_path,
				       "cannot resolve the env's path");
	if (req->cwd)
		cwd = strdup(req->cwd);
	else
		cwd = getcwd(NULL, 0);
	if (!cwd)
		return vr_error_set(err, errno ? errno : ENOMEM, "the working directory");
	if (cwd[0] != '/')
		return vr_error_set_at(err, VR_ERR_BAD_PATH, cwd, "the working directory must be an absolute path");
	vr_path_normalize(cwd);
	/* The directory itself, not a link to it: what is bound is what is checked. */
	b->cwd = vr_pb_real_path(b, cwd);
	if (!b->cwd)
		b->cwd = TAKE_PTR(cwd);
	return 0;
}

static int
emit(struct vr_pb *b, struct vr_plan *p, struct vr_error *err)
{
	const struct vr_plan_request *req = b->req;
	const struct vr_policy_values *v = req->policy;
	_cleanup_strv_free_ char **env = NULL;
	unsigned ns = VR_NS_MOUNT | VR_NS_PID | VR_NS_IPC | VR_NS_UTS;
	int r;

	for (size_t i = 0; i < b->n; i++) {
		const struct vr_pb_mount *m = &b->m[i];
		if (!m->dropped && (r = vr_plan_add_mount(p, m->type, m->source, m->target, m->flags, err)) < 0)
			return r;
	}
	for (char **h = b->hides; h && *h; h++)
		if ((r = vr_plan_add_mount(p, VR_MNT_HIDE, NULL, *h, VR_MNT_F_OPTIONAL, err)) < 0)
			return r;
	if (!req->is_root || req->new_userns)
		ns |= VR_NS_USER;
	if (v->network != VR_NET_HOST)
		ns |= VR_NS_NET;
	if (req->cgroup_ns)
		ns |= VR_NS_CGROUP;
	vr_plan_set_namespaces(p, ns);
	vr_plan_set_loopback(p, v->network == VR_NET_LOOPBACK);
	/* A new UTS namespace always: the host's name is not the program's business. */
	if ((r = vr_plan_set_hostname(p, v->hostname ? v->hostname : "venvrun", err)) < 0)
		return r;
	if ((r = vr_pb_build_env(b, &env)) < 0)
		return vr_error_set(err, r, "the environment");
	if ((r = vr_pb_add_hardening(req, p, &env, err)) < 0)
		return r;
	if ((r = vr_plan_set_env(p, env, err)) < 0 || (r = vr_plan_set_cwd(p, b->cwd_inside, err)) < 0 ||
	    (r = vr_plan_set_argv(p, req->argv, err)) < 0)
		return r;
	return vr_plan_validate(p, err);
}

int
vr_plan_build(const struct vr_plan_request *req, struct vr_plan **ret, struct vr_error *err)
{
	_cleanup_(pb_done) struct vr_pb b = { .req = req };
	struct vr_plan *p = NULL;
	int r;

	if (!req || !ret || !req->env || !req->base || !req->policy || !req->argv || vr_isempty(req->argv[0]))
		return vr_error_set(err, EINVAL,
				    "vr_plan_build: an env, an interpreter, a policy and a command are needed");
	if ((r = prepare(&b, err)) < 0)
		return r;
	if ((r = add_system(&b)) < 0 || (r = resolve_home(&b)) < 0 || (r = add_fresh(&b)) < 0)
		return vr_error_set(err, r, "plan");
	r = add_base(&b);
	if (r == -VR_ERR_BROKEN_ENV) {
		r = vr_error_set_at(err, VR_ERR_BROKEN_ENV, vr_interpreter_get_executable(req->base),
				    "the env's base interpreter is gone");
		vr_error_set_hint(err, "run 'venvrun create --upgrade -p PYTHON %s' to re-point it", b.env_path);
		return r;
	}
	if (r < 0)
		return vr_error_set(err, r, "plan");
	/* An env that holds a mount made so far ($HOME, the base) would bring in all of it. */
	if (streq(b.env_path, "/") || pb_has_target_under(&b, b.env_path)) {
		r = vr_error_set_at(err, VR_ERR_UNSAFE, b.env_path, "the env holds '%s', which the sandbox keeps apart",
				    b.home && vr_path_is_ancestor(b.env_path, b.home) ? b.home : "a system directory");
		vr_error_set_hint(err, "move the env to a directory of its own");
		return r;
	}
	if ((r = add_workdir(&b)) < 0 || (r = add_env(&b)) < 0 || (r = add_links(&b)) < 0)
		return vr_error_set(err, r, "plan");
	if ((r = add_policy(&b, err)) < 0)
		return r;
	if ((r = vr_pb_collect_candidates(&b)) < 0 || (r = vr_pb_compute_hides(&b)) < 0)
		return vr_error_set(err, r, "plan");
	if ((r = vr_pb_check_conflicts(&b, err)) < 0)
		return r;
	if ((r = pick_cwd(&b)) < 0)
		return vr_error_set(err, r, "plan");
	if ((r = vr_plan_new(&p, err)) < 0)
		return r;
	r = emit(&b, p, err);
	if (r < 0) {
		vr_plan_free(p);
		return r;
	}
	*ret = p;
	return 0;
}
