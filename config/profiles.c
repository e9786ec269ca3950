/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Profiles: the shipped ones (config/profiles/NAME.json, compiled in by vr-embed), profile
 * files that shadow keys of a profile of the same name or add new ones, and the `extends`
 * chains between profiles.
 *
 * A profile NAME is the stack of its layers, lowest first: the embedded text, then NAME.json
 * of each profile directory in order. The stack's "extends" (the last layer that set one
 * wins) names the profile loaded first; the stack is merged over it. A file that fails to
 * parse or validate is an error whenever its profile is used, never skipped: a typo in a
 * profile meant to confine a program must not quietly confine it less.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "venvrun/policy.h"

#include "fileio.h"
#include "macro.h"
#include "path.h"
#include "policy.h"
#include "profiles.h"
#include "strv.h"

/* vr-embed's arrays (config-embedded.c, generated from config/profiles/NAME.json). */
extern const char vr_profile_default[], vr_profile_service[], vr_profile_strict[];
extern const size_t vr_profile_default_len, vr_profile_service_len, vr_profile_strict_len;

/*
 * `len` cannot be filled in here: vr-embed's lengths are defined in another translation
 * unit, so they are not constant expressions in this one. 0 stands for "NUL-terminated"
 * (vr-embed terminates every array, and JSON text never holds a NUL byte); embedded_len()
 * gives the generated length.
 */
const struct vr_embedded_profile vr_embedded_profiles[] = {
	{ "default", vr_profile_default, 0 },
	{ "service", vr_profile_service, 0 },
	{ "strict", vr_profile_strict, 0 },
};
const size_t vr_embedded_profiles_n = ELEMENTSOF(vr_embedded_profiles);

static const size_t *const embedded_lens[] = {
	&vr_profile_default_len,
	&vr_profile_service_len,
	&vr_profile_strict_len,
};

static size_t
embedded_len(size_t i)
{
	return i < ELEMENTSOF(embedded_lens) ? *embedded_lens[i] : strlen(vr_embedded_profiles[i].text);
}

bool
vr_profile_name_is_valid(const char *name)
{
	static const char allowed[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-";
	size_t n = name ? strlen(name) : 0;

	return n >= 1 && n <= 64 && strspn(name, allowed) == n;
}

int
vr_profile_dirs(char ***ret)
{
	_cleanup_strv_free_ char **dirs = NULL;
	/* secure_getenv: a set-id venvrun reads only /etc, never a directory its caller
	 * chose. */
	const char *path = secure_getenv("VENVRUN_PROFILE_PATH");
	const char *xdg = secure_getenv("XDG_CONFIG_HOME"), *home = secure_getenv("HOME");
	char *user = NULL;
	int r;

	if (!ret)
		return -EINVAL;
	if (path) {
		r = vr_strv_split(path, ':', &dirs);
		if (r < 0)
			return r;
		*ret = TAKE_PTR(dirs);
		return 0;
	}
	r = vr_strv_push(&dirs, "/etc/venvrun/profiles");
	if (r < 0)
		return r;
	/* The XDG base directory spec: a relative $XDG_CONFIG_HOME is invalid and ignored. */
	if (xdg && xdg[0] == '/')
		user = vr_path_join(xdg, "venvrun/profiles");
	else if (home && home[0] == '/')
		user = vr_path_join(home, ".config/venvrun/profiles");
	else
		goto done;
	if (!user || vr_strv_consume(&dirs, user) < 0)
		return -ENOMEM;
done:
	*ret = TAKE_PTR(dirs);
	return 0;
}

/* The layers of one profile name, merged, before its "extends" is resolved. */
struct stack {
	json_t *doc;	     /* NULL: no layer at all (no such profile) */
	char *extends;	     /* the last "extends" a layer set */
	char *extends_where; /* the file that set it */
	char *description;   /* the last "description" a layer set */
	char **files;	     /* the profile files, lowest first */
	bool embedded;
};

static void
stack_done(struct stack *s)
{
	json_decref(s->doc);
	free(s->extends);
	free(s->extends_where);
	free(s->description);
	vr_strv_free(s->files);
	*s = (struct stack){ 0 };
}

/* Parse one layer and put it on top of the stack. */
static int
stack_push(struct stack *s, const char *text, size_t len, const char *where, struct vr_error *err)
{
	_cleanup_(json_decrefp) json_t *doc = NULL;
	json_t *v;
	int r;

	r = vr_policy_parse(text, len, where, &doc, err);
	if (r < 0)
		return r;
	v = json_object_get(doc, "extends");
	if (json_is_string(v)) {
		char *e = strdup(json_string_value(v)), *w = strdup(where);

		if (!e || !w) {
			free(e);
			free(w);
			return vr_error_set(err, ENOMEM, "profile '%s'", where);
		}
		free(s->extends);
		free(s->extends_where);
		s->extends = e;
		s->extends_where = w;
	}
	/* "extends" is this stack's business, not a key to merge. */
	json_object_del(doc, "extends");
	v = json_object_get(doc, "description");
	if (json_is_string(v)) {
		char *d = strdup(json_string_value(v));

		if (!d)
			return vr_error_set(err, ENOMEM, "profile '%s'", where);
		free(s->description);
		s->description = d;
	}
	if (!s->doc) {
		s->doc = TAKE_PTR(doc);
		return 0;
	}
	r = vr_policy_merge_json(s->doc, doc, vr_policy_schema, err);
	if (r < 0 && err && !err->where[0])
		vr_error_set_where(err, where, 0, 0);
	return r;
}

/* Stack the embedded text and every profile directory's NAME.json. */
static int
stack_build(const char *name, struct stack *s, struct vr_error *err)
{
	_cleanup_strv_free_ char **dirs = NULL;
	int r;

	for (size_t i = 0; i < vr_embedded_profiles_n; i++) {
		char where[128];

		if (!streq(vr_embedded_profiles[i].name, name))
			continue;
		snprintf(where, sizeof where, "<embedded>/%s.json", name);
		r = stack_push(s, vr_embedded_profiles[i].text, embedded_len(i), where, err);
		if (r < 0)
			return r;
		s->embedded = true;
	}
	r = vr_profile_dirs(&dirs);
	if (r < 0)
		return vr_error_set(err, r, "profile directories");
	for (size_t i = 0; dirs[i]; i++) {
		struct vr_error e = VR_ERROR_INIT;
		_cleanup_free_ char *file = NULL, *path = NULL, *text = NULL;
		size_t len = 0;

		if (asprintf(&file, "%s.json", name) < 0 || !(path = vr_path_join(dirs[i], file)))
			return vr_error_set(err, ENOMEM, "profile '%s'", name);
		r = vr_read_file_at(AT_FDCWD, path, VR_POLICY_FILE_MAX, &text, &len, path, &e);
		if (r == -ENOENT)
			continue;
		if (r < 0) {
			if (err)
				*err = e;
			return r;
		}
		r = stack_push(s, text, len, path, err);
		if (r < 0)
			return r;
		r = vr_strv_push(&s->files, path);
		if (r < 0)
			return vr_error_set(err, r, "profile '%s'", name);
	}
	return 0;
}

/* The profiles being loaded, outermost first, to find cycles and bound the depth. */
struct chain {
	const char *names[VR_PROFILE_DEPTH_MAX + 1];
	size_t n;
};

static void
chain_format(const struct chain *c, const char *last, char *buf, size_t size)
{
	size_t n = 0;

	buf[0] = 0;
	for (size_t i = 0; i <= c->n && n < size; i++) {
		int w = snprintf(buf + n, size - n, "%s%s", i ? " -> " : "", i < c->n ? c->names[i] : last);
		if (w < 0)
			break;
		n += (size_t)w;
	}
}

static int load_profile(const char *name, struct chain *c, const char *extended_by, json_t **ret, struct vr_error *err);

/* Load `extends` (set in `where`) and merge `doc` over it; *ret gets the result. */
static int
extend(json_t *doc, const char *extends, const char *where, struct chain *c, json_t **ret, struct vr_error *err)
{
	_cleanup_(json_decrefp) json_t *base = NULL;
	char names[VR_ERROR_MESSAGE_MAX - 64];
	int r;

	for (size_t i = 0; i < c->n; i++)
		if (streq(c->names[i], extends)) {
			chain_format(c, extends, names, sizeof names);
			return vr_error_set_at(err, VR_ERR_BAD_POLICY, where, "extends: profile cycle %s", names);
		}
	if (c->n >= VR_PROFILE_DEPTH_MAX) {
		chain_format(c, extends, names, sizeof names);
		return vr_error_set_at(err, VR_ERR_BAD_POLICY, where, "extends: chain deeper than %d profiles: %s",
				       VR_PROFILE_DEPTH_MAX, names);
	}
	c->names[c->n++] = extends;
	r = load_profile(extends, c, where, &base, err);
	c->n--;
	if (r < 0)
		return r;
	r = vr_policy_merge_json(base, doc, vr_policy_schema, err);
	if (r < 0)
		return r;
	*ret = TAKE_PTR(base);
	return 0;
}

/* `extended_by`: the file whose "extends" named this profile (NULL for the top). */
static int
load_profile(const char *name, struct chain *c, const char *extended_by, json_t **ret, struct vr_error *err)
{
	_cleanup_(stack_done) struct stack s = { 0 };
	int r;

	if (!vr_profile_name_is_valid(name)) {
		if (extended_by)
			return vr_error_set_at(err, VR_ERR_NO_PROFILE, extended_by,
					       "extends: '%s' is not a profile name", name);
		vr_error_set(err, VR_ERR_NO_PROFILE, "'%s' is not a profile name", name);
		vr_error_set_hint(err, "a name is 1 to 64 letters, digits, '_', '.' or '-'");
		return -VR_ERR_NO_PROFILE;
	}
	r = stack_build(name, &s, err);
	if (r < 0)
		return r;
	if (!s.doc) {
		if (extended_by)
			r = vr_error_set_at(err, VR_ERR_NO_PROFILE, extended_by, "extends: no such profile '%s'", name);
		else
			r = vr_error_set(err, VR_ERR_NO_PROFILE, "no such profile '%s'", name);
		vr_error_set_hint(err, "'venvrun profiles' lists them");
		return r;
	}
	if (!s.extends) {
		*ret = TAKE_PTR(s.doc);
		return 0;
	}
	return extend(s.doc, s.extends, s.extends_where, c, ret, err);
}

int
vr_profile_load_json(const char *name, json_t **ret, struct vr_error *err)
{
	struct chain c = { .names = { name }, .n = 1 };

	if (!name || !ret)
		return vr_error_set(err, EINVAL, "vr_profile_load_json");
	return load_profile(name, &c, NULL, ret, err);
}

int
vr_profile_resolve_extends(json_t **doc, const char *where, struct vr_error *err)
{
	_cleanup_free_ char *extends = NULL;
	struct chain c = { .n = 0 };
	json_t *v, *res = NULL;
	int r;

	if (!doc || !*doc)
		return vr_error_set(err, EINVAL, "vr_profile_resolve_extends");
	v = json_object_get(*doc, "extends");
	if (!v)
		return 0;
	if (!json_is_string(v))
		return vr_error_set_at(err, VR_ERR_BAD_POLICY, where, "extends: expected a profile name");
	extends = strdup(json_string_value(v));
	if (!extends)
		return vr_error_set(err, ENOMEM, "extends");
	json_object_del(*doc, "extends");
	r = extend(*doc, extends, where, &c, &res, err);
	if (r < 0)
		return r;
	json_decref(*doc);
	*doc = res;
	return 0;
}

VR_PUBLIC int
vr_profile_load(const char *name, struct vr_policy **ret, struct vr_error *err)
{
	_cleanup_(json_decrefp) json_t *doc = NULL;
	struct vr_policy *p;
	int r;

	if (!name || !ret)
		return vr_error_set(err, EINVAL, "vr_profile_load");
	r = vr_profile_load_json(name, &doc, err);
	if (r < 0)
		return r;
	p = calloc(1, sizeof *p);
	if (!p)
		return vr_error_set(err, ENOMEM, "profile '%s'", name);
	p->doc = TAKE_PTR(doc);
	*ret = p;
	return 0;
}

static int
name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The profile names in one directory: files NAME.json, NAME a valid profile name. */
static int
scan_dir(const char *dir, char ***names, struct vr_error *err)
{
	DIR *d = vr_opendir_at(AT_FDCWD, dir, 0);
	struct dirent *de;
	int r = 0;

	if (!d) {
		if (errno == ENOENT)
			return 0;
		return vr_error_set_at(err, errno, dir, "cannot open the profile directory");
	}
	while ((de = readdir(d))) {
		_cleanup_free_ char *name = NULL;
		size_t n = strlen(de->d_name);

		if (n <= 5 || !vr_endswith(de->d_name, ".json"))
			continue;
		/* Directories are not profiles; anything else named so is read (and a
		 * non-file is then reported, not skipped). */
		if (de->d_type == DT_DIR)
			continue;
		name = strndup(de->d_name, n - 5);
		if (!name) {
			r = vr_error_set(err, ENOMEM, "profile directory '%s'", dir);
			break;
		}
		if (!vr_profile_name_is_valid(name) || vr_strv_contains(*names, name))
			continue;
		if (vr_strv_consume(names, TAKE_PTR(name)) < 0) {
			r = vr_error_set(err, ENOMEM, "profile directory '%s'", dir);
			break;
		}
	}
	closedir(d);
	return r;
}

VR_PUBLIC void
vr_profile_list_free(struct vr_profile_info *list, size_t n)
{
	if (!list)
		return;
	for (size_t i = 0; i < n; i++) {
		free((char *)list[i].name);
		free((char *)list[i].description);
		vr_strv_free((char **)list[i].files);
	}
	free(list);
}

struct list {
	struct vr_profile_info *v;
	size_t n;
};

static void
list_done(struct list *l)
{
	vr_profile_list_free(l->v, l->n);
}

VR_PUBLIC int
vr_profile_list(struct vr_profile_info **ret, size_t *ret_n, struct vr_error *err)
{
	_cleanup_strv_free_ char **dirs = NULL, **names = NULL;
	_cleanup_(list_done) struct list l = { NULL, 0 };
	size_t n;
	int r;

	if (!ret || !ret_n)
		return vr_error_set(err, EINVAL, "vr_profile_list");
	for (size_t i = 0; i < vr_embedded_profiles_n; i++)
		if (vr_strv_push(&names, vr_embedded_profiles[i].name) < 0)
			return vr_error_set(err, ENOMEM, "profiles");
	r = vr_profile_dirs(&dirs);
	if (r < 0)
		return vr_error_set(err, r, "profile directories");
	for (size_t i = 0; dirs[i]; i++) {
		r = scan_dir(dirs[i], &names, err);
		if (r < 0)
			return r;
	}
	n = vr_strv_length(names);
	vr_qsort(names, n, sizeof *names, name_cmp);

	l.v = calloc(n + 1, sizeof *l.v);
	if (!l.v)
		return vr_error_set(err, ENOMEM, "profiles");
	for (size_t i = 0; i < n; i++) {
		_cleanup_(stack_done) struct stack s = { 0 };
		_cleanup_(json_decrefp) json_t *doc = NULL;
		struct vr_profile_info *info = &l.v[l.n];

		/* Loading it whole (its extends chain too) is what finds a broken file. */
		r = vr_profile_load_json(names[i], &doc, err);
		if (r < 0)
			return r;
		r = stack_build(names[i], &s, err);
		if (r < 0)
			return r;
		info->name = strdup(names[i]);
		info->description = strdup(s.description ? s.description : "");
		info->embedded = s.embedded;
		if (!s.files)
			s.files = calloc(1, sizeof(char *));
		info->files = (const char *const *)TAKE_PTR(s.files);
		l.n++;
		if (!info->name || !info->description || !info->files)
			return vr_error_set(err, ENOMEM, "profiles");
	}
	*ret = TAKE_PTR(l.v);
	*ret_n = l.n;
	return 0;
}
