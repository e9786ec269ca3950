/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* What an env holds, computed as data (see env-plan.h), and writing it. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "activate.h"
#include "env-plan.h"
#include "fileio.h"
#include "macro.h"
#include "manifest.h"
#include "path.h"

static const char gitignore[] = "# Created by venvrun: an env is not source.\n*\n";
/* https://bford.info/cachedir/: backup tools skip directories holding this file. */
static const char cachedir_tag[] = "Signature: 8a477f597d28d172789f06886806bc55\n"
				   "# This file is a cache directory tag created by venvrun.\n"
				   "# For information about cache directory tags, see https://bford.info/cachedir/\n";

void
vr_env_plan_free(struct vr_env_plan *plan)
{
	if (!plan)
		return;
	for (size_t i = 0; i < plan->n; i++) {
		free(plan->entries[i].path);
		free(plan->entries[i].content);
		free(plan->entries[i].target);
	}
	free(plan->entries);
	vr_pyvenv_cfg_done(&plan->cfg);
	free(plan->path);
	free(plan);
}
VR_DEFINE_CLEANUP(struct vr_env_plan *, vr_env_plan_free)

static struct vr_env_entry *
add(struct vr_env_plan *p, enum vr_entry_type type, const char *path, mode_t mode)
{
	struct vr_env_entry *ne;

	for (size_t i = 0; i < p->n; i++)
		if (streq(p->entries[i].path, path))
			return type == VR_ENTRY_DIR && p->entries[i].type == VR_ENTRY_DIR ? &p->entries[i] : NULL;
	ne = realloc(p->entries, (p->n + 1) * sizeof *ne);
	if (!ne)
		return NULL;
	p->entries = ne;
	ne = &p->entries[p->n];
	*ne = (struct vr_env_entry){ .type = type, .mode = mode };
	ne->path = strdup(path);
	if (!ne->path)
		return NULL;
	p->n++;
	return ne;
}

/* A directory and every parent of it inside the env. */
static int
add_dirs(struct vr_env_plan *p, const char *rel)
{
	_cleanup_free_ char *copy = strdup(rel);

	if (!copy)
		return -ENOMEM;
	for (char *s = copy;; s++) {
		if (*s == '/' || *s == 0) {
			char saved = *s;
			*s = 0;
			if (*copy && !add(p, VR_ENTRY_DIR, copy, 0777))
				return -ENOMEM;
			*s = saved;
			if (!saved)
				return 0;
		}
	}
}

static int
add_file_mode(struct vr_env_plan *p, const char *path, const char *content, size_t len, mode_t mode, bool keep)
{
	struct vr_env_entry *e = add(p, VR_ENTRY_FILE, path, mode);

	if (!e)
		return -ENOMEM;
	e->content = malloc(len + 1);
	if (!e->content)
		return -ENOMEM;
	memcpy(e->content, content, len);
	e->content[len] = 0;
	e->len = len;
	e->keep = keep;
	return 0;
}

static int
add_file(struct vr_env_plan *p, const char *path, const char *content, size_t len, bool keep)
{
	return add_file_mode(p, path, content, len, 0666, keep);
}

static int
add_link(struct vr_env_plan *p, const char *path, const char *target, bool copy)
{
	struct vr_env_entry *e = add(p, copy ? VR_ENTRY_COPY : VR_ENTRY_SYMLINK, path, 0777);

	if (!e)
		return -ENOMEM;
	e->target = strdup(target);
	e->interpreter = true;
	return e->target ? 0 : -ENOMEM;
}

/* bin/python and its aliases, the way each implementation's own venv module names them. */
static int
add_interpreter(struct vr_env_plan *p, const struct vr_interpreter *py, const char *bin, bool copies)
{
	char names[8][64];
	size_t n = 0;
	bool pypy = streq(py->impl, "pypy");
	int r;

	if (pypy) {
		snprintf(names[n++], sizeof names[0], "pypy%d", py->v[0]);
		snprintf(names[n++], sizeof names[0], "pypy");
		snprintf(names[n++], sizeof names[0], "pypy%d.%d", py->v[0], py->v[1]);
	}
	snprintf(names[n++], sizeof names[0], "python");
	snprintf(names[n++], sizeof names[0], "python%d", py->v[0]);
	snprintf(names[n++], sizeof names[0], "python%d.%d", py->v[0], py->v[1]);
	if (py->free_threaded)
		snprintf(names[n++], sizeof names[0], "python%d.%dt", py->v[0], py->v[1]);

	for (size_t i = 0; i < n; i++) {
		_cleanup_free_ char *path = vr_path_join(bin, names[i]);

		if (!path)
			return -ENOMEM;
		/* The first name points at the interpreter (or is its copy); the others are
		 * relative links to it, so the env survives being renamed as venv's does. */
		if (i == 0 || copies)
			r = add_link(p, path, py->executable, copies);
		else
			r = add_link(p, path, names[0], false);
		if (r < 0)
			return r;
	}
	/* PyPy loads libpypy*-c.so from beside its executable: a copy needs one too. */
	if (pypy && copies) {
		const char *lib = vr_interpreter_info_str(py, "shared_library");
		if (*lib) {
			_cleanup_free_ char *path = vr_path_join(bin, vr_path_basename(lib));
			if (!path || add_link(p, path, lib, true) < 0)
				return -ENOMEM;
		}
	}
	return 0;
}

static int
build_cfg(struct vr_env_plan *p, const struct vr_interpreter *py, const struct vr_create_options *o, const char *prompt)
{
	_cleanup_free_ char *home = vr_path_dirname(py->executable);
	char version_info[96];
	struct {
		const char *key;
		const char *value;
	} kv[] = {
		{ "home", home },
		{ "implementation", py->impl_name },
		{ "version_info", version_info },
		{ "version", py->version },
		{ "include-system-site-packages", o->system_site_packages ? "true" : "false" },
		{ "base-prefix", vr_interpreter_info_str(py, "base_prefix") },
		{ "base-exec-prefix", vr_interpreter_info_str(py, "base_exec_prefix") },
		{ "base-executable", py->executable },
		{ "prompt", prompt },
		{ "venvrun", VENVRUN_VERSION },
	};

	if (!home)
		return -ENOMEM;
	snprintf(version_info, sizeof version_info, "%d.%d.%d.%s.%d", py->v[0], py->v[1], py->v[2], py->releaselevel,
		 py->serial);
	for (size_t i = 0; i < ELEMENTSOF(kv); i++) {
		int r = vr_pyvenv_cfg_set(&p->cfg, kv[i].key, kv[i].value);
		if (r < 0)
			return r;
	}
	return 0;
}

int
vr_env_plan_build(const char *path, const struct vr_interpreter *py, const struct vr_create_options *o,
		  const char *prompt, json_t *kept, struct vr_env_plan **ret, struct vr_error *err)
{
	_cleanup_(vr_env_plan_freep) struct vr_env_plan *p = NULL;
	_cleanup_free_ char *cfgtext = NULL, *manifest = NULL;
	struct vr_activate_file *files = NULL;
	const char *bin = vr_interpreter_venv_path(py, "scripts");
	const char *purelib = vr_interpreter_venv_path(py, "purelib");
	const char *platlib = vr_interpreter_venv_path(py, "platlib");
	size_t nfiles = 0;
	int r;

	if (!purelib || !platlib)
		return vr_error_set_at(err, VR_ERR_UNSUPPORTED_INTERPRETER, py->executable,
				       "the interpreter did not say where an env's site-packages goes");
	if (strpbrk(prompt, "\n\r"))
		return vr_error_set(err, VR_ERR_USAGE, "--prompt: the prompt holds a newline");

	p = calloc(1, sizeof *p);
	if (!p || !(p->path = strdup(path)))
		return vr_error_set(err, ENOMEM, "env plan");

	r = build_cfg(p, py, o, prompt);
	if (r < 0)
		return vr_error_set(err, r, "pyvenv.cfg");

	if ((r = add_dirs(p, bin)) < 0 || (r = add_dirs(p, "include")) < 0 || (r = add_dirs(p, purelib)) < 0 ||
	    (r = add_dirs(p, platlib)) < 0)
		return vr_error_set(err, r, "env plan");
	/* lib64 -> lib, as venv makes on 64-bit Linux, unless the layout already uses lib64. */
	if (py->bits == 64 && vr_startswith(purelib, "lib/") && !vr_startswith(platlib, "lib64/")) {
		struct vr_env_entry *e = add(p, VR_ENTRY_SYMLINK, "lib64", 0777);
		if (!e || !(e->target = strdup("lib")))
			return vr_error_set(err, ENOMEM, "env plan");
	}
	r = add_interpreter(p, py, bin, o->copies);
	if (r < 0)
		return vr_error_set(err, r, "env plan");

	{
		struct vr_activate_vars vars = {
			.env_dir = path,
			.prompt = prompt,
			.bin_dir = bin,
			.site_packages = purelib,
		};
		r = vr_activators_render(o->activators, &vars, &files, &nfiles, err);
		if (r < 0)
			return r;
	}
	for (size_t i = 0; i < nfiles && r >= 0; i++) {
		_cleanup_free_ char *fp = vr_path_join(bin, files[i].name);
		r = fp ? add_file(p, fp, files[i].content, files[i].len, false) : -ENOMEM;
	}
	vr_activate_files_free(files, nfiles);
	if (r < 0)
		return vr_error_set(err, r, "env plan");

	if ((r = add_file(p, ".gitignore", gitignore, sizeof gitignore - 1, true)) < 0 ||
	    (r = add_file(p, "CACHEDIR.TAG", cachedir_tag, sizeof cachedir_tag - 1, true)) < 0)
		return vr_error_set(err, r, "env plan");

	/* The manifest: what made the env, and its policy layer. Before pyvenv.cfg, so that
	 * a directory that is an env always has it (once venvrun made it). */
	manifest = vr_manifest_format_full(py->impl_name, py->version, py->executable,
					   kept ? json_object_get(kept, "seeded") : NULL,
					   kept ? json_object_get(kept, "policy") : NULL);
	if (!manifest || (r = add_file_mode(p, VR_MANIFEST_NAME, manifest, strlen(manifest), 0644, false)) < 0)
		return vr_error_set(err, ENOMEM, "env plan");

	cfgtext = vr_pyvenv_cfg_format(&p->cfg);
	if (!cfgtext || (r = add_file(p, "pyvenv.cfg", cfgtext, strlen(cfgtext), false)) < 0)
		return vr_error_set(err, ENOMEM, "env plan");

	*ret = TAKE_PTR(p);
	return 0;
}

static int
write_entry(int dirfd, const struct vr_env_plan *plan, const struct vr_env_entry *e, unsigned flags,
	    struct vr_error *err)
{
	bool in_place = flags & VR_PLAN_WRITE_IN_PLACE;
	_cleanup_free_ char *where = vr_path_join(plan->path, e->path);
	struct stat st;

	if (!where)
		return vr_error_set(err, ENOMEM, "env");
	switch (e->type) {
	case VR_ENTRY_DIR:
		if (mkdirat(dirfd, e->path, e->mode) == 0)
			return 0;
		if (in_place && errno == EEXIST && fstatat(dirfd, e->path, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
		    S_ISDIR(st.st_mode))
			return 0;
		return vr_error_set_at(err, errno == EEXIST ? ENOTDIR : errno, where, "cannot create directory");
	case VR_ENTRY_FILE:
		return vr_write_file_at(dirfd, e->path, e->content, e->len, e->mode,
					e->keep	   ? VR_WRITE_KEEP
					: in_place ? VR_WRITE_ATOMIC
						   : VR_WRITE_EXCL,
					where, err);
	case VR_ENTRY_SYMLINK:
		/* lib64 in an existing env is left as it is: it may be a real directory the
		 * user's tools made. */
		if (in_place && !e->interpreter && fstatat(dirfd, e->path, &st, AT_SYMLINK_NOFOLLOW) == 0)
			return 0;
		return vr_symlink_at(e->target, dirfd, e->path, in_place ? VR_WRITE_ATOMIC : 0, where, err);
	case VR_ENTRY_COPY:
		return vr_copy_file_at(AT_FDCWD, e->target, dirfd, e->path, 0777, in_place ? VR_WRITE_ATOMIC : 0, where,
				       err);
	}
	return vr_error_set(err, EINVAL, "bad plan entry");
}

int
vr_env_plan_write_at(int dirfd, const struct vr_env_plan *plan, unsigned flags, struct vr_error *err)
{
	for (size_t i = 0; i < plan->n; i++) {
		int r = write_entry(dirfd, plan, &plan->entries[i], flags, err);
		if (r < 0)
			return r;
	}
	return 0;
}

json_t *
vr_env_plan_to_json(const struct vr_env_plan *plan)
{
	static const char *const types[] = { "dir", "file", "symlink", "copy" };
	json_t *o = json_object(), *entries = json_array(), *cfg = json_object();

	if (!o || !entries || !cfg) {
		json_decref(o);
		json_decref(entries);
		json_decref(cfg);
		return NULL;
	}
	for (size_t i = 0; i < plan->cfg.n; i++)
		json_object_set_new(cfg, plan->cfg.entries[i].key, json_string(plan->cfg.entries[i].value));
	for (size_t i = 0; i < plan->n; i++) {
		const struct vr_env_entry *e = &plan->entries[i];
		json_t *j = json_pack("{s:s, s:s}", "path", e->path, "type", types[e->type]);

		if (!j)
			continue;
		if (e->type == VR_ENTRY_FILE) {
			json_object_set_new(j, "size", json_integer((json_int_t)e->len));
			if (e->keep)
				json_object_set_new(j, "keep_existing", json_true());
		}
		if (e->type == VR_ENTRY_SYMLINK || e->type == VR_ENTRY_COPY)
			json_object_set_new(j, e->type == VR_ENTRY_SYMLINK ? "target" : "source",
					    json_string(e->target));
		json_array_append_new(entries, j);
	}
	json_object_set_new(o, "path", json_string(plan->path));
	json_object_set_new(o, "pyvenv_cfg", cfg);
	json_object_set_new(o, "entries", entries);
	return o;
}
