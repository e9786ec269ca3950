/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What the plan hides (step 8 of plan-build.c): every site directory but the env's, every
 * other Python installation and interpreter, every other env. They are collected as host
 * real paths (candidates), from three places:
 *   - the base interpreter's facts (its site directories, the user site);
 *   - the host's installations under /usr and /opt, found by a walk that is cached
 *     (host-pythons.c): a warm run reads a small file and stats a few dozen directories;
 *   - other envs that the working directory or a policy's bind brings in (.tox/py311
 *     beside .tox/py312, .venv2 beside .venv), found by a scan bounded in depth and size,
 *     not cached since the working directory changes from run to run.
 * Then each is hidden at every place inside where a mount brings it in: at its own path
 * through /usr or the working directory, at another through a policy bind of a parent
 * directory. The hides come after every other mount, so that no later mount brings a
 * hidden path back; a mount asked for that lands in one, or binds one in, is refused.
 * What the run itself needs (the base's stdlib and library, the env's python, the links
 * between them) is never hidden.
 */
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

#include "venvrun/venvrun.h"

#include "env.h"
#include "fileio.h"
#include "host-pythons.h"
#include "interp.h"
#include "log.h"
#include "macro.h"
#include "path.h"
#include "plan-build-internal.h"
#include "strv.h"

/* How far below the working directory, or a bind's source, other envs are looked for: a
 * project's .venv and .tox/py312 are one and two levels down, a monorepo's
 * services/api/.venv three. Bounded, since this runs on every run: a project of a few
 * hundred entries costs ~0.1 ms, and the bounds keep a directory of thousands (a home, a
 * data tree) under ~0.7 ms. An env beyond the bounds is not hidden (VENVRUN_DEBUG says
 * where the scan stopped). */
#define ENV_SCAN_DEPTH 3
#define ENV_SCAN_MAX_DIRS 64	  /* listed */
#define ENV_SCAN_MAX_ASKED 512	  /* asked for a pyvenv.cfg */
#define ENV_SCAN_MAX_ENTRIES 8192 /* read */

/* What a project holds that never holds an env and can be large. */
static const char *const env_scan_skipped[] = {
	".git", ".hg", ".svn", "node_modules", "__pycache__", ".mypy_cache", ".pytest_cache", ".ruff_cache", NULL,
};

static inline void
closedirp(DIR **d)
{
	if (*d)
		closedir(*d);
}

/* --- other Python installations -------------------------------------------------------- */

static int
push_unique(char ***v, const char *path)
{
	return vr_strv_contains(*v, path) ? 0 : vr_strv_push(v, path);
}

static char *
cache_dir_of(const struct vr_pb *b)
{
	const char *d = b->req->cache_dir;

	if (d)
		return *d ? strdup(d) : NULL;
	return vr_interpreter_cache_dir(NULL);
}

/* Every site directory, installation and interpreter under /usr and /opt (found by a walk,
 * cached): their paths are real already. An interpreter that is the base or the env's
 * python (by identity: a hard link counts) stays. */
static int
collect_host_pythons(struct vr_pb *b)
{
	_cleanup_free_ char *cache_dir = cache_dir_of(b);
	struct vr_host_pythons *hp = NULL;
	int r;

	if ((r = vr_host_pythons_get(cache_dir, &hp)) < 0)
		return r;
	for (char **s = hp->sites; *s; s++)
		if ((r = push_unique(&b->cand, *s)) < 0)
			goto out;
	for (char **s = hp->installs; *s; s++)
		if ((r = push_unique(&b->cand, *s)) < 0)
			goto out;
	for (size_t i = 0; i < hp->n_exes; i++) {
		bool base = false;

		for (size_t j = 0; j < b->n_exes; j++)
			base = base || (b->exes[j].st_dev == hp->exes[i].dev && b->exes[j].st_ino == hp->exes[i].ino);
		if (!base && (r = push_unique(&b->cand, hp->exes[i].path)) < 0)
			goto out;
	}
	r = 0;
out:
	vr_host_pythons_free(hp);
	return r;
}

/* --- other envs ------------------------------------------------------------------------ */

/* Whether the other env `e` holds something this run needs: the env (nested in it), the
 * working directory, the base's files, a link on the way from the env's python to the
 * base, pyvenv.cfg's home. Such an env cannot be hidden whole. */
static bool
env_is_needed(struct vr_pb *b, const char *e)
{
	const char *home = vr_env_get(b->req->env, "home");

	if (vr_path_is_ancestor(e, b->env_real) || vr_path_is_ancestor(e, b->cwd))
		return true;
	if (home && home[0] == '/') {
		_cleanup_free_ char *lexical = strdup(home), *real = vr_pb_real_path(b, home);

		if (lexical)
			vr_path_normalize(lexical);
		if ((lexical && vr_path_is_ancestor(e, lexical)) || (real && vr_path_is_ancestor(e, real)))
			return true;
	}
	for (char **p = b->protect; p && *p; p++)
		if (vr_path_is_ancestor(e, *p))
			return true;
	for (char **p = b->links; p && *p; p++)
		if (vr_path_is_ancestor(e, *p))
			return true;
	return false;
}

/* The site directories of the env `e`: lib/python3.Y/site-packages (lib64 is mostly a
 * link to lib; real paths fold the two). */
static int
push_env_sites(struct vr_pb *b, const char *e)
{
	static const char *const libs[] = { "lib", "lib64" };
	int r;

	for (size_t i = 0; i < ELEMENTSOF(libs); i++) {
		_cleanup_free_ char *lib = vr_path_join(e, libs[i]);
		_cleanup_(closedirp) DIR *d = lib ? opendir(lib) : NULL;
		struct dirent *de;

		if (!lib)
			return -ENOMEM;
		while (d && (de = readdir(d))) {
			_cleanup_free_ char *s = NULL;

			if (!vr_startswith(de->d_name, "python") && !vr_startswith(de->d_name, "pypy"))
				continue;
			if (asprintf(&s, "%s/%s/site-packages", lib, de->d_name) < 0)
				return -ENOMEM;
			if ((r = vr_pb_push_real(b, &b->cand, s)) < 0)
				return r;
		}
	}
	return 0;
}

/* Another env: hidden whole, or by its site directories when the run needs what it holds. */
static int
push_other_env(struct vr_pb *b, const char *e)
{
	if (streq(e, b->env_real))
		return 0;
	if (env_is_needed(b, e)) {
		vr_debug("another env at '%s', which the run needs: its site directories hidden", e);
		return push_env_sites(b, e);
	}
	vr_debug("another env at '%s': hidden", e);
	return push_unique(&b->cand, e);
}

static bool
is_skipped(const char *name)
{
	if (streq(name, ".") || streq(name, ".."))
		return true;
	for (const char *const *s = env_scan_skipped; *s; s++)
		if (streq(name, *s))
			return true;
	return false;
}

/* A list of paths that grows by doubling: a level can hold thousands. */
struct path_list {
	char **v;
	size_t n, cap;
};

static void
path_list_done(struct path_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	*l = (struct path_list){ 0 };
}

static int
path_list_add(struct path_list *l, const char *dir, const char *name)
{
	char *p;

	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 16;
		char **v = reallocarray(l->v, cap, sizeof *v);
		if (!v)
			return -ENOMEM;
		l->v = v;
		l->cap = cap;
	}
	p = name ? vr_path_join(dir, name) : strdup(dir);
	if (!p)
		return -ENOMEM;
	l->v[l->n++] = p;
	return 0;
}

/* Hidden directories and names saying env (.tox, .nox, envs, venvs, .direnv) hold envs
 * more often than the rest. */
static bool
likely_env_holder(const char *path)
{
	const char *name = vr_path_basename(path);

	return name[0] == '.' || strstr(name, "env") || strstr(name, "tox") || strstr(name, "nox");
}

static int
cmp_likely_env_holder(const void *a, const void *b)
{
	return (int)likely_env_holder(*(char *const *)b) - (int)likely_env_holder(*(char *const *)a);
}

/*
 * Look for envs (directories holding pyvenv.cfg) below `top`, a real path, down to
 * ENV_SCAN_DEPTH levels. Each subdirectory met is asked for its pyvenv.cfg (one fstatat);
 * one that is not an env is listed in turn, unless it is on the last level. Breadth first,
 * so that the bounds cut the deepest levels: .venv and .tox/py312 are found before
 * anything three levels down is listed. Never follows a symlink (what is found is a real
 * path), never goes into the env being run or an env found. `top` itself is not looked
 * at: the working directory's own env is looked for upwards, and a bind of an env is
 * what was asked for.
 */
static int
scan_envs(struct vr_pb *b, const char *top)
{
	_cleanup_(path_list_done) struct path_list level = { 0 }, next = { 0 };
	size_t entries = 0, listed = 0, asked = 0;
	int r;

	if ((r = path_list_add(&level, top, NULL)) < 0)
		return r;
	for (unsigned depth = 1; depth <= ENV_SCAN_DEPTH && level.n > 0; depth++) {
		for (size_t i = 0; i < level.n; i++) {
			const char *dir = level.v[i];
			_cleanup_(closedirp) DIR *d = NULL;
			struct dirent *de;

			if (++listed > ENV_SCAN_MAX_DIRS)
				goto bound;
			d = vr_opendir_at(AT_FDCWD, dir, O_NOFOLLOW);
			if (!d)
				continue;
			while ((de = readdir(d))) {
				char cfg[NAME_MAX + sizeof "/pyvenv.cfg"];
				unsigned char type = de->d_type;
				struct stat st;

				if (++entries > ENV_SCAN_MAX_ENTRIES)
					goto bound;
				if (is_skipped(de->d_name))
					continue;
				if (type == DT_UNKNOWN) {
					if (fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
						continue;
					type = IFTODT(st.st_mode);
				}
				if (type != DT_DIR)
					continue;
				if (++asked > ENV_SCAN_MAX_ASKED)
					goto bound;
				snprintf(cfg, sizeof cfg, "%s/pyvenv.cfg", de->d_name);
				if (fstatat(dirfd(d), cfg, &st, AT_SYMLINK_NOFOLLOW) == 0) {
					_cleanup_free_ char *sub = vr_path_join(dir, de->d_name);
					if (!sub)
						return -ENOMEM;
					if (!streq(sub, b->env_real) && (r = push_other_env(b, sub)) < 0)
						return r;
				} else if (depth < ENV_SCAN_DEPTH && (r = path_list_add(&next, dir, de->d_name)) < 0) {
					return r;
				}
			}
		}
		path_list_done(&level);
		level = next;
		next = (struct path_list){ 0 };
		/* Where envs usually are first (.tox/, envs/), so that a large sibling
		 * (docs/, data/) cannot spend the bounds before them. */
		vr_qsort(level.v, level.n, sizeof *level.v, cmp_likely_env_holder);
	}
	return 0;
bound:
	vr_debug("'%s': looked at %zu directories, %zu entries for other envs; no further", top, listed, entries);
	return 0;
}

/* The working directory inside another env (or being one): a run from a sibling env's
 * directory must not see that env's packages either. One access() per level. */
static int
scan_envs_up(struct vr_pb *b, const char *from)
{
	_cleanup_free_ char *p = strdup(from);
	int r;

	if (!p)
		return -ENOMEM;
	while (!streq(p, "/")) {
		_cleanup_free_ char *cfg = vr_path_join(p, "pyvenv.cfg");
		char *slash;

		if (!cfg)
			return -ENOMEM;
		if (access(cfg, F_OK) == 0 && (r = push_other_env(b, p)) < 0)
			return r;
		slash = strrchr(p, '/');
		if (slash == p)
			slash++; /* "/x" -> "/" */
		*slash = 0;
	}
	return 0;
}

/* Other envs that the working directory, or a policy's bind, brings in. */
static int
collect_other_envs(struct vr_pb *b)
{
	_cleanup_strv_free_ char **tops = NULL;
	int r;

	if (b->workdir_bound && (r = scan_envs_up(b, b->cwd)) < 0)
		return r;
	for (size_t i = 0; i < b->n; i++) {
		const struct vr_pb_mount *m = &b->m[i];

		/* Asked-for binds: the working directory's, the policy's; not the env's own. */
		if (!m->user || m->type != VR_MNT_BIND || streq(m->source, b->env_real) ||
		    vr_strv_contains(tops, m->source) || !vr_pb_is_dir(m->source))
			continue;
		if ((r = vr_strv_push(&tops, m->source)) < 0 || (r = scan_envs(b, m->source)) < 0)
			return r;
	}
	return 0;
}

/* --- collecting and hiding ------------------------------------------------------------- */

int
vr_pb_collect_candidates(struct vr_pb *b)
{
	const struct vr_interpreter *py = b->req->base;
	json_t *sp = json_object_get(py->info, "site_packages"), *e;
	const char *stdlib = vr_interpreter_info_str(py, "stdlib");
	size_t i;
	int r;

	json_array_foreach (sp, i, e)
		if (json_is_string(e) && (r = vr_pb_push_real(b, &b->cand, json_string_value(e))) < 0)
			return r;
	if ((r = vr_pb_push_real(b, &b->cand, vr_interpreter_info_str(py, "user_site"))) < 0)
		return r;
	/* The caller's user site, which the cached facts (of whoever queried) may not name. */
	if (b->home && *stdlib) {
		_cleanup_free_ char *s = NULL;
		if (asprintf(&s, "%s/.local/lib/%s/site-packages", b->home, vr_path_basename(stdlib)) < 0)
			return -ENOMEM;
		if ((r = vr_pb_push_real(b, &b->cand, s)) < 0)
			return r;
	}
	/* venvrun's own cache (interpreter facts, the host scan, wheels): were it reachable,
	 * a program could edit what a later run trusts to decide its hides. HOME is an
	 * empty tmpfs, but VENVRUN_CACHE_DIR or XDG_CACHE_HOME may point anywhere. */
	{
		_cleanup_free_ char *cache =
			b->req->cache_dir ? strdup(b->req->cache_dir) : vr_interpreter_cache_dir(NULL);
		if (cache && *cache && (r = vr_pb_push_real(b, &b->cand, cache)) < 0)
			return r;
	}
	if ((r = collect_host_pythons(b)) < 0)
		return r;
	return collect_other_envs(b);
}

static bool
candidate_kept(const struct vr_pb *b, const char *c)
{
	/* Never what the base interpreter or the env's python needs, nor inside the env. */
	for (char **p = b->protect; p && *p; p++)
		if (vr_path_is_ancestor(c, *p))
			return false;
	return !vr_path_is_ancestor(b->env_real, c);
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int
vr_pb_compute_hides(struct vr_pb *b)
{
	const struct vr_policy_values *v = b->req->policy;
	size_t n, k = 0;
	int r;

	/* Every place a bind brings a candidate in: at its own path through /usr, and at
	 * another through a policy bind of a parent directory. */
	for (char **c = b->cand; c && *c; c++) {
		if (!candidate_kept(b, *c))
			continue;
		for (size_t i = 0; i < b->n; i++) {
			const struct vr_pb_mount *m = &b->m[i];
			_cleanup_free_ char *inside = NULL, *host = NULL;

			if (m->type != VR_MNT_BIND || !vr_path_is_ancestor(m->source, *c))
				continue;
			inside = vr_pb_rebase(*c, m->source, m->target);
			if (!inside)
				return -ENOMEM;
			host = vr_pb_host_path(b, inside);
			if (host && streq(host, *c) && !vr_strv_contains(b->hides, inside) &&
			    (r = vr_strv_consume(&b->hides, TAKE_PTR(inside))) < 0)
				return r;
		}
	}
	for (const char *const *h = v->hide; h && *h; h++) {
		_cleanup_free_ char *p = strdup(*h);
		if (!p)
			return -ENOMEM;
		vr_path_normalize(p);
		if (p[0] == '/' && !vr_strv_contains(b->hides, p) && (r = vr_strv_consume(&b->hides, TAKE_PTR(p))) < 0)
			return r;
	}
	/* Sorted, a parent comes before what it holds: keep only the outermost. */
	n = vr_strv_length(b->hides);
	if (n == 0)
		return 0;
	vr_qsort(b->hides, n, sizeof *b->hides, cmp_str);
	for (size_t i = 0; i < n; i++) {
		if (k > 0 && vr_path_is_ancestor(b->hides[k - 1], b->hides[i])) {
			free(b->hides[i]);
			continue;
		}
		b->hides[k++] = b->hides[i];
	}
	b->hides[k] = NULL;
	return 0;
}

const char *
vr_pb_hidden_parent(const struct vr_pb *b, const char *inside)
{
	for (char **h = b->hides; h && *h; h++)
		if (vr_path_is_ancestor(*h, inside))
			return *h;
	return NULL;
}

/* A mount asked for that lands inside a hidden path, or that binds one in, is refused:
 * hiding must win, and silently not mounting what was asked for would surprise more. */
int
vr_pb_check_conflicts(struct vr_pb *b, struct vr_error *err)
{
	for (size_t i = 0; i < b->n; i++) {
		struct vr_pb_mount *m = &b->m[i];
		const char *h = NULL, *where = m->target;
		int r;

		/* What is bound from a hidden directory first: it is the source that is wrong
		 * (and the hides made its target hidden too). */
		if (m->user && m->type == VR_MNT_BIND)
			for (char **c = b->cand; c && *c && !h; c++)
				if (candidate_kept(b, *c) && vr_path_is_ancestor(*c, m->source))
					h = *c, where = m->source;
		if (!h)
			h = vr_pb_hidden_parent(b, m->target);
		if (!h)
			continue;
		if (!m->user) {
			vr_debug("%s '%s' is hidden: left out", m->what, m->target);
			m->dropped = true;
			continue;
		}
		r = vr_error_set_at(
			err, VR_ERR_UNSAFE, where, "%s is inside the hidden path '%s'",
			where == m->source && streq(m->what, "the bind target") ? "the bind source" : m->what, h);
		if (m->hint)
			vr_error_set_hint(err, "%s", m->hint);
		return r;
	}
	return 0;
}
