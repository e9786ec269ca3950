/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Choosing the wheels to seed. Sources are searched in a fixed order and the first one
 * holding a fitting wheel of a distribution wins it: a --wheel-dir the user names must be
 * able to override what the system ships, older or newer. Within that source the newest
 * fitting version is taken: tags the interpreter supports (the best tag breaking ties),
 * the user's pin, and Requires-Python, which is only known once the wheel is in the cache
 * (it lives in METADATA), so candidates are fetched newest first until one admits the
 * interpreter.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#ifdef __GLIBC__
#include <gnu/libc-version.h>
#endif

#include "buf.h"
#include "log.h"
#include "macro.h"
#include "path.h"
#include "seed.h"
#include "strv.h"
#include "wheel.h"

/* Debian's (and Fedora's) wheels for ensurepip and virtualenv. */
static const char *const system_wheel_dirs[] = { "/usr/share/python-wheels" };

/* Bounds on what a source directory may make us look at. */
#define SOURCE_FILES_MAX 4096
#define SEED_PACKAGES_MAX 64

struct pick {
	char *request; /* as the user wrote it: "pip==23.2.1" */
	char *wheel;   /* the chosen file */
	struct vr_wheel_name name;
	struct vr_wheel_entry *entry; /* the cache entry; NULL when not fetched */
};

struct vr_seed {
	struct pick *picks;
	size_t n;
};

struct candidate {
	char *path;
	struct vr_wheel_name name;
	struct vr_version version;
	int rank;
};

void
vr_seed_free(struct vr_seed *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->n; i++) {
		free(s->picks[i].request);
		free(s->picks[i].wheel);
		vr_wheel_entry_free(s->picks[i].entry);
	}
	free(s->picks);
	free(s);
}
VR_DEFINE_CLEANUP(struct vr_seed *, vr_seed_free)

size_t
vr_seed_count(const struct vr_seed *s)
{
	return s ? s->n : 0;
}

const struct vr_wheel_entry *
vr_seed_wheel(const struct vr_seed *s, size_t i)
{
	return s && i < s->n ? s->picks[i].entry : NULL;
}

const char *
vr_seed_wheel_path(const struct vr_seed *s, size_t i)
{
	return s && i < s->n ? s->picks[i].wheel : NULL;
}

static void
candidates_free(struct candidate *c, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(c[i].path);
	free(c);
}

/* The sources, in order. Directories that do not exist stay in the list: the error for a
 * missing package names every place looked at. */
static int
list_sources(const struct vr_interpreter *py, const struct vr_create_options *o, char ***ret)
{
	_cleanup_strv_free_ char **v = NULL, **env = NULL;
	const char *e = secure_getenv("VENVRUN_WHEEL_PATH");
	const char *bundled = vr_interpreter_info_str(py, "ensurepip_wheels");
	int r;

	for (size_t i = 0; o->wheel_dirs && o->wheel_dirs[i]; i++)
		if ((r = vr_strv_push(&v, o->wheel_dirs[i])) < 0)
			return r;
	if (e && (r = vr_strv_split(e, ':', &env)) < 0)
		return r;
	for (size_t i = 0; env && env[i]; i++)
		if ((r = vr_strv_push(&v, env[i])) < 0)
			return r;
	if (*bundled && (r = vr_strv_push(&v, bundled)) < 0)
		return r;
	for (size_t i = 0; i < ELEMENTSOF(system_wheel_dirs); i++)
		if (!vr_strv_contains(v, system_wheel_dirs[i]) && (r = vr_strv_push(&v, system_wheel_dirs[i])) < 0)
			return r;
	*ret = TAKE_PTR(v);
	return 0;
}

/* The wheels of `dist` in `dir` whose tags fit, sorted best first. A file whose name does
 * not parse as a wheel's is not a candidate (a source may hold other files). */
static int
scan_source(const char *dir, const char *dist, char *const *supported, struct candidate **ret, size_t *ret_n)
{
	struct candidate *c = NULL;
	size_t n = 0, seen = 0;
	DIR *d = opendir(dir);
	struct dirent *de;

	*ret = NULL;
	*ret_n = 0;
	if (!d)
		return 0;
	while ((de = readdir(d)) && seen++ < SOURCE_FILES_MAX) {
		struct vr_wheel_name wn;
		struct vr_version v;
		struct candidate *nc;
		int rank;

		if (!vr_endswith(de->d_name, ".whl") || vr_wheel_name_parse(de->d_name, &wn, NULL) < 0 ||
		    !streq(wn.dist, dist) || vr_version_parse(wn.version, &v) < 0)
			continue;
		rank = vr_tags_rank(supported, wn.python, wn.abi, wn.platform);
		if (rank < 0) {
			vr_debug("seed: %s/%s: no tag fits the interpreter", dir, de->d_name);
			continue;
		}
		nc = realloc(c, (n + 1) * sizeof *c);
		if (!nc)
			goto oom;
		c = nc;
		c[n] = (struct candidate){
			.name = wn, .version = v, .rank = rank, .path = vr_path_join(dir, de->d_name)
		};
		if (!c[n++].path)
			goto oom;
	}
	closedir(d);
	/* Newest first; for one version the better tag, then the higher build number. */
	for (size_t i = 1; i < n; i++)
		for (size_t j = i; j > 0; j--) {
			struct candidate *a = &c[j - 1], *b = &c[j];
			int k = vr_version_compare(&a->version, &b->version);

			if (k < 0 || (k == 0 && (a->rank > b->rank ||
						 (a->rank == b->rank && atoi(a->name.build) < atoi(b->name.build))))) {
				struct candidate t = *a;
				*a = *b;
				*b = t;
			} else {
				break;
			}
		}
	*ret = c;
	*ret_n = n;
	return 0;
oom:
	closedir(d);
	candidates_free(c, n);
	return -ENOMEM;
}

static void
tag_facts(const struct vr_interpreter *py, struct vr_tag_facts *f)
{
	*f = (struct vr_tag_facts){
		.impl = py->impl,
		.major = py->v[0],
		.minor = py->v[1],
		.abiflags = vr_interpreter_info_str(py, "abiflags"),
		.ext_suffix = vr_interpreter_info_str(py, "ext_suffix"),
		.platform = vr_interpreter_info_str(py, "platform"),
		.machine = vr_interpreter_info_str(py, "machine"),
		.bits = py->bits,
	};
#ifdef __GLIBC__
	/* The interpreter runs on the system's C library, as venvrun does. */
	sscanf(gnu_get_libc_version(), "%d.%d", &f->glibc_major, &f->glibc_minor);
#endif
}

/* "name", "name==1.2", "name>=1.0" (one specifier: commas separate packages). */
static int
split_request(const char *req, char *name, size_t size, const char **spec, struct vr_error *err)
{
	size_t n = strcspn(req, "=<>!~ ");
	char raw[256];

	*spec = req + n;
	while (**spec == ' ')
		(*spec)++;
	if (!n || n >= sizeof raw)
		return vr_error_set(err, VR_ERR_USAGE, "--seed-packages: '%s' is not a package name", req);
	memcpy(raw, req, n);
	raw[n] = 0;
	if (vr_dist_name_normalize(raw, name, size) < 0)
		return vr_error_set(err, VR_ERR_USAGE, "--seed-packages: '%s' is not a package name", req);
	if (**spec && vr_specifier_match(*spec, "0", NULL, NULL) < 0)
		return vr_error_set(err, VR_ERR_USAGE, "--seed-packages: '%s': '%s' is not a version specifier", req,
				    *spec);
	return 0;
}

static int
not_found(const char *req, const struct vr_interpreter *py, char *const *sources, struct vr_error *err)
{
	_cleanup_buf_ struct vr_buf b = VR_BUF_INIT;

	for (size_t i = 0; sources[i]; i++)
		vr_buf_printf(&b, "%s'%s'", i ? ", " : "", sources[i]);
	if (vr_buf_status(&b) < 0)
		return vr_error_set(err, ENOMEM, "seed");
	/* A usage error: what was asked for cannot be had from these sources. */
	vr_error_set(err, VR_ERR_USAGE, "seed package '%s': no wheel fits %s %s in %s", req, py->impl_name, py->version,
		     b.data);
	vr_error_set_hint(err, "add a directory holding one with --wheel-dir DIR, or use --no-seed");
	return -VR_ERR_USAGE;
}

/* Take the newest of `cands` that admits the interpreter into *p: 1, or 0 when none does. */
static int
choose(struct candidate *cands, size_t n, const char *spec, bool fetch, const char *cache_dir,
       const struct vr_interpreter *py, struct pick *p, struct vr_error *err)
{
	bool want_pre = *spec && strpbrk(spec, "abcdrv") != NULL;

	/* Pre-releases only when asked for, as pip does; and only as a last resort. */
	for (int pass = 0; pass < 2; pass++)
		for (size_t i = 0; i < n; i++) {
			struct vr_wheel_entry *w = NULL;
			int r;

			if (vr_version_is_prerelease(&cands[i].version) != (pass == 1))
				continue;
			if (pass == 1 && !want_pre)
				continue;
			if (*spec && vr_specifier_match(spec, cands[i].name.version, NULL, NULL) != 1)
				continue;
			if (fetch) {
				r = vr_wheel_cache_get(cands[i].path, cache_dir, &w, err);
				if (r < 0)
					return r;
				if (w->requires_python) {
					r = vr_specifier_match(w->requires_python, py->version, cands[i].path, err);
					if (r < 0) {
						vr_wheel_entry_free(w);
						return r;
					}
					if (r == 0) {
						vr_debug("seed: %s: Requires-Python '%s' excludes %s", cands[i].path,
							 w->requires_python, py->version);
						vr_wheel_entry_free(w);
						continue;
					}
				}
			}
			p->wheel = TAKE_PTR(cands[i].path);
			p->name = cands[i].name;
			p->entry = w;
			return 1;
		}
	return 0;
}

int
vr_seed_resolve(const struct vr_interpreter *py, const struct vr_create_options *o, bool fetch, struct vr_seed **ret,
		struct vr_error *err)
{
	_cleanup_(vr_seed_freep) struct vr_seed *s = NULL;
	_cleanup_strv_free_ char **requests = NULL, **sources = NULL, **supported = NULL, **seen = NULL;
	_cleanup_free_ char *cache_dir = NULL;
	struct vr_tag_facts facts;
	int r;

	if (!py || !o || !ret)
		return vr_error_set(err, EINVAL, "seed");
	s = calloc(1, sizeof *s);
	if (!s)
		return vr_error_set(err, ENOMEM, "seed");
	if (o->no_seed) {
		*ret = TAKE_PTR(s);
		return 0;
	}
	if (vr_strv_split(o->seed_packages ? o->seed_packages : "pip", ',', &requests) < 0)
		return vr_error_set(err, ENOMEM, "seed");
	if (vr_strv_length(requests) > SEED_PACKAGES_MAX)
		return vr_error_set(err, VR_ERR_USAGE, "--seed-packages: more than %d packages", SEED_PACKAGES_MAX);
	if (fetch) {
		cache_dir = vr_interpreter_cache_dir(NULL);
		if (!cache_dir) {
			vr_error_set(err, VR_ERR_USAGE, "seeding needs a cache directory, and there is none");
			vr_error_set_hint(err, "set VENVRUN_CACHE_DIR, XDG_CACHE_HOME or HOME, or use --no-seed");
			return -VR_ERR_USAGE;
		}
	}
	tag_facts(py, &facts);
	if (vr_tags_supported(&facts, &supported) < 0 || list_sources(py, o, &sources) < 0)
		return vr_error_set(err, ENOMEM, "seed");
	s->picks = calloc(vr_strv_length(requests) + 1, sizeof *s->picks);
	if (!s->picks)
		return vr_error_set(err, ENOMEM, "seed");

	for (size_t i = 0; requests && requests[i]; i++) {
		struct pick *p = &s->picks[s->n];
		const char *spec;
		char name[128];
		int found = 0;

		/* Surrounding blanks are the user's formatting: "pip, wheel". */
		const char *req = requests[i];
		while (*req == ' ')
			req++;
		r = split_request(req, name, sizeof name, &spec, err);
		if (r < 0)
			return r;
		if (vr_strv_contains(seen, name))
			return vr_error_set(err, VR_ERR_USAGE, "--seed-packages: '%s' is named twice", name);
		if (vr_strv_push(&seen, name) < 0 || !(p->request = strdup(req)))
			return vr_error_set(err, ENOMEM, "seed");
		s->n++;
		for (size_t k = 0; sources[k] && !found; k++) {
			struct candidate *c = NULL;
			size_t n = 0;

			if (scan_source(sources[k], name, supported, &c, &n) < 0)
				return vr_error_set(err, ENOMEM, "seed");
			found = choose(c, n, spec, fetch, cache_dir, py, p, err);
			candidates_free(c, n);
			if (found < 0)
				return found;
		}
		if (!found)
			return not_found(req, py, sources, err);
		vr_debug("seed: %s: %s", req, p->wheel);
	}
	*ret = TAKE_PTR(s);
	return 0;
}

/* The distribution's name as its .dist-info spells it ("pip", "setuptools"). */
static char *
display_name(const struct pick *p)
{
	const char *di = p->entry && p->entry->dist_info ? p->entry->dist_info : NULL;

	/* "<name>-<version>.dist-info": the name holds no '-' (it is escaped as '_'). */
	if (di && strchr(di, '-'))
		return strndup(di, strcspn(di, "-"));
	return strdup(p->name.dist);
}

json_t *
vr_seed_to_json(const struct vr_seed *s)
{
	json_t *a = json_array();

	for (size_t i = 0; a && s && i < s->n; i++) {
		_cleanup_free_ char *name = display_name(&s->picks[i]);
		json_t *o = name ? json_pack("{s:s, s:s, s:s}", "name", name, "version", s->picks[i].name.version,
					     "wheel", s->picks[i].wheel)
				 : NULL;

		if (!o || json_array_append_new(a, o) < 0) {
			json_decref(a);
			return NULL;
		}
	}
	return a;
}
