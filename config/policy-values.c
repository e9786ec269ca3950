/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

/*
 * The typed view of an effective policy: what the plan builder in runner/ reads, so that
 * nothing outside config/ sees JSON. The policy is expected to be complete (defaults filled
 * in, see vr_policy_defaults()); a key that is missing or of the wrong shape is an error
 * naming its path rather than a silent default, since a sandbox built from a half-read
 * policy would be weaker than the one asked for.
 */

#include <errno.h>
#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "venvrun/error.h"
#include "venvrun/policy.h"

#include "macro.h"
#include "policy.h"

static int
missing(struct vr_error *err, const char *path)
{
	return vr_error_set(err, VR_ERR_BAD_POLICY, "%s: not set; not an effective policy", path);
}

static int
wrong(struct vr_error *err, const char *path, const char *expected)
{
	return vr_error_set(err, VR_ERR_BAD_POLICY, "%s: expected %s in an effective policy", path, expected);
}

/* The value at a dotted path ("limits.nofile"); NULL when any part is absent. */
static json_t *
lookup(const json_t *doc, const char *path)
{
	char part[64];
	const char *p = path;
	json_t *v = (json_t *)doc;

	while (v && *p) {
		size_t n = strcspn(p, ".");

		if (n >= sizeof part)
			return NULL;
		memcpy(part, p, n);
		part[n] = 0;
		v = json_object_get(v, part);
		p += n;
		if (*p == '.')
			p++;
	}
	return v;
}

static int
get_enum(const json_t *doc, const char *path, const char *const *names, const int *values, int *ret,
	 struct vr_error *err)
{
	const char *s;
	json_t *v;

	v = lookup(doc, path);
	if (!v)
		return missing(err, path);
	s = json_string_value(v);
	for (size_t i = 0; s && names[i]; i++)
		if (streq(s, names[i])) {
			*ret = values[i];
			return 0;
		}
	return wrong(err, path, "one of the schema's values");
}

static int
get_bool(const json_t *doc, const char *path, bool *ret, struct vr_error *err)
{
	json_t *v;

	v = lookup(doc, path);
	if (!v)
		return missing(err, path);
	if (!json_is_boolean(v))
		return wrong(err, path, "true or false");
	*ret = json_is_true(v);
	return 0;
}

/* Sizes and counts are stored normalised: an integer, or "unlimited". */
static int
get_amount(const json_t *doc, const char *path, uint64_t *ret, struct vr_error *err)
{
	json_t *v;

	v = lookup(doc, path);
	if (!v)
		return missing(err, path);
	if (json_is_integer(v) && json_integer_value(v) >= 0) {
		*ret = (uint64_t)json_integer_value(v);
		return 0;
	}
	if (json_is_string(v) && streq(json_string_value(v), "unlimited")) {
		*ret = VR_UNLIMITED;
		return 0;
	}
	return wrong(err, path, "an integer or \"unlimited\"");
}

/* Durations are stored as a string with a unit ("30s"); a bare integer means seconds, as in
 * a file. *ret_unlimited tells "unlimited" apart, which has no millisecond value. */
static int
get_duration(const json_t *doc, const char *path, uint64_t *ret_ms, bool *ret_unlimited, struct vr_error *err)
{
	json_t *v;

	v = lookup(doc, path);
	if (!v)
		return missing(err, path);
	if (json_is_string(v) && streq(json_string_value(v), "unlimited")) {
		*ret_ms = 0;
		*ret_unlimited = true;
		return 0;
	}
	if (json_is_integer(v) && json_integer_value(v) >= 0 && (uint64_t)json_integer_value(v) <= UINT64_MAX / 1000) {
		*ret_ms = (uint64_t)json_integer_value(v) * 1000;
		*ret_unlimited = false;
		return 0;
	}
	if (json_is_string(v) && vr_parse_duration_ms(json_string_value(v), ret_ms) >= 0) {
		*ret_unlimited = false;
		return 0;
	}
	return wrong(err, path, "a duration or \"unlimited\"");
}

/* The list at `path` and a zeroed array for it of one element more than it holds (a
 * terminator), of `size`-byte elements. */
static int
get_list(const json_t *doc, const char *path, size_t size, json_t **ret_list, void *ret_array, struct vr_error *err)
{
	json_t *list = lookup(doc, path);
	void *a;

	if (!list)
		return missing(err, path);
	if (!json_is_array(list))
		return wrong(err, path, "a list");
	a = calloc(json_array_size(list) + 1, size);
	if (!a)
		return vr_error_set(err, ENOMEM, "%s", path);
	*ret_list = list;
	*(void **)ret_array = a;
	return 0;
}

/* A list of strings as a NULL-terminated array pointing into the document. */
static int
get_strv(const json_t *doc, const char *path, const char *const **ret, struct vr_error *err)
{
	_cleanup_free_ const char **a = NULL;
	size_t i;
	json_t *v, *e;
	int r;

	if ((r = get_list(doc, path, sizeof *a, &v, &a, err)) < 0)
		return r;
	json_array_foreach (v, i, e) {
		a[i] = json_string_value(e);
		if (!a[i])
			return wrong(err, path, "a list of strings");
	}
	*ret = TAKE_PTR(a);
	return 0;
}

static int
get_binds(const json_t *doc, struct vr_policy_values *v, struct vr_error *err)
{
	static const char path[] = "filesystem.binds";
	_cleanup_free_ struct vr_policy_bind *b = NULL;
	json_t *list, *e;
	size_t i;
	int r;

	if ((r = get_list(doc, path, sizeof *b, &list, &b, err)) < 0)
		return r;
	json_array_foreach (list, i, e) {
		json_t *mode = json_object_get(e, "mode"), *optional = json_object_get(e, "optional");

		b[i].source = json_string_value(json_object_get(e, "source"));
		b[i].target = json_string_value(json_object_get(e, "target"));
		if (!b[i].target)
			b[i].target = b[i].source; /* the schema's default for a target */
		/* A mode missing is read-only, the schema's default; any other word than the
		 * two is refused rather than read as either. */
		if (!b[i].source || (mode && !json_is_string(mode)) || (optional && !json_is_boolean(optional)) ||
		    (mode && !streq(json_string_value(mode), "ro") && !streq(json_string_value(mode), "rw")))
			return vr_error_set(err, VR_ERR_BAD_POLICY,
					    "%s[%zu]: expected a bind object in an effective policy", path, i);
		b[i].rw = mode && streq(json_string_value(mode), "rw");
		b[i].optional = json_is_true(optional);
	}
	v->n_binds = json_array_size(list);
	v->binds = TAKE_PTR(b);
	return 0;
}

static int
syscall_entry(const json_t *e, struct vr_policy_syscall *sc)
{
	static const char *const actions[] = { "errno", "kill", "log", "enosys", NULL };
	static const enum vr_seccomp_action action_values[] = { VR_SC_ERRNO, VR_SC_KILL, VR_SC_LOG, VR_SC_ENOSYS };
	const json_t *action, *eno;

	/* The short form: a name alone is denied with EPERM. */
	if (json_is_string(e)) {
		*sc = (struct vr_policy_syscall){ json_string_value(e), VR_SC_ERRNO, EPERM };
		return 0;
	}
	sc->name = json_string_value(json_object_get(e, "syscall"));
	if (!sc->name)
		return -EINVAL;
	sc->action = VR_SC_ERRNO;
	action = json_object_get(e, "action");
	if (action) {
		size_t i;

		for (i = 0; actions[i]; i++)
			if (json_is_string(action) && streq(json_string_value(action), actions[i]))
				break;
		if (!actions[i])
			return -EINVAL;
		sc->action = action_values[i];
	}
	sc->errno_value = 0;
	if (sc->action != VR_SC_ERRNO)
		return 0;
	/* The validator stores errno names as numbers, so no name table is needed here. */
	eno = json_object_get(e, "errno");
	if (!eno)
		sc->errno_value = EPERM;
	else if (json_is_integer(eno) && json_integer_value(eno) >= 1 && json_integer_value(eno) <= 4095)
		sc->errno_value = (int)json_integer_value(eno); /* what SECCOMP_RET_ERRNO can carry */
	else
		return -EINVAL;
	return 0;
}

static int
get_syscalls(const json_t *doc, const char *path, const struct vr_policy_syscall **ret, size_t *ret_n,
	     struct vr_error *err)
{
	_cleanup_free_ struct vr_policy_syscall *a = NULL;
	json_t *list, *e;
	size_t i;
	int r;

	if ((r = get_list(doc, path, sizeof *a, &list, &a, err)) < 0)
		return r;
	json_array_foreach (list, i, e)
		if (syscall_entry(e, &a[i]) < 0)
			return vr_error_set(err, VR_ERR_BAD_POLICY,
					    "%s[%zu]: expected a system call entry in an effective policy", path, i);
	*ret_n = json_array_size(list);
	*ret = TAKE_PTR(a);
	return 0;
}

/* environment.set as "K=V" strings: one allocation holding the pointers and the texts. */
static int
get_env_set(const json_t *doc, const char *const **ret, struct vr_error *err)
{
	static const char path[] = "environment.set";
	_cleanup_free_ char *block = NULL;
	size_t n, size, off;
	const char *k;
	json_t *map, *val;
	char **a;

	map = lookup(doc, path);
	if (!map)
		return missing(err, path);
	if (!json_is_object(map))
		return wrong(err, path, "an object");
	n = json_object_size(map);
	size = (n + 1) * sizeof(char *);
	json_object_foreach (map, k, val) {
		if (!json_is_string(val))
			return vr_error_set(err, VR_ERR_BAD_POLICY, "%s.%s: expected a string in an effective policy",
					    path, k);
		size += strlen(k) + 1 + json_string_length(val) + 1;
	}
	block = malloc(size);
	if (!block)
		return vr_error_set(err, ENOMEM, "%s", path);
	a = (char **)block;
	off = (n + 1) * sizeof(char *);
	n = 0;
	json_object_foreach (map, k, val) {
		a[n++] = block + off;
		off += (size_t)sprintf(block + off, "%s=%s", k, json_string_value(val)) + 1;
	}
	a[n] = NULL;
	*ret = (const char *const *)TAKE_PTR(block);
	return 0;
}

/* user and group may be stored as a name or a number; the view has text either way, so it
 * holds a copy (freed by vr_policy_values_done) rather than a pointer into the document. */
static int
get_id(const json_t *doc, const char *path, const char **ret, struct vr_error *err)
{
	json_t *v = lookup(doc, path);
	char *s = NULL;

	if (!v) {
		*ret = NULL;
		return 0;
	}
	if (json_is_string(v))
		s = strdup(json_string_value(v));
	else if (json_is_integer(v) && json_integer_value(v) >= 0) {
		if (asprintf(&s, "%" JSON_INTEGER_FORMAT, json_integer_value(v)) < 0)
			s = NULL;
	} else
		return wrong(err, path, "a name or a number");
	if (!s)
		return vr_error_set(err, ENOMEM, "%s", path);
	*ret = s;
	return 0;
}

static int
fill(const json_t *doc, struct vr_policy_values *v, struct vr_error *err)
{
	static const char *const env_modes[] = { "ro", "rw", NULL };
	static const int env_mode_values[] = { VR_MODE_RO, VR_MODE_RW };
	static const char *const workdir_modes[] = { "rw", "ro", "none", NULL };
	static const int workdir_mode_values[] = { VR_MODE_RW, VR_MODE_RO, VR_MODE_NONE };
	static const char *const networks[] = { "none", "loopback", "host", NULL };
	static const int network_values[] = { VR_NET_NONE, VR_NET_LOOPBACK, VR_NET_HOST };
	static const char *const seccomp_profiles[] = { "default", "none", NULL };
	static const int seccomp_profile_values[] = { 1, 0 };
	uint64_t cpu_ms, grace_ms;
	bool unlimited;
	int r, e;
	json_t *hostname;

	if (!json_is_object(doc))
		return wrong(err, "policy", "an object");

	if ((r = get_enum(doc, "filesystem.env", env_modes, env_mode_values, &e, err)) < 0)
		return r;
	v->env = e;
	if ((r = get_enum(doc, "filesystem.workdir", workdir_modes, workdir_mode_values, &e, err)) < 0)
		return r;
	v->workdir = e;
	if ((r = get_binds(doc, v, err)) < 0 || (r = get_strv(doc, "filesystem.tmpfs", &v->tmpfs, err)) < 0 ||
	    (r = get_strv(doc, "filesystem.hide", &v->hide, err)) < 0)
		return r;

	if ((r = get_enum(doc, "network", networks, network_values, &e, err)) < 0)
		return r;
	v->network = e;

	if ((r = get_bool(doc, "environment.clear", &v->env_clear, err)) < 0 ||
	    (r = get_strv(doc, "environment.pass", &v->env_pass, err)) < 0 ||
	    (r = get_env_set(doc, &v->env_set, err)) < 0)
		return r;

	if ((r = get_enum(doc, "seccomp.profile", seccomp_profiles, seccomp_profile_values, &e, err)) < 0)
		return r;
	v->seccomp_enabled = e;
	if ((r = get_bool(doc, "seccomp.log", &v->seccomp_log, err)) < 0 ||
	    (r = get_syscalls(doc, "seccomp.deny", &v->deny, &v->n_deny, err)) < 0 ||
	    (r = get_syscalls(doc, "seccomp.allow", &v->allow, &v->n_allow, err)) < 0)
		return r;

	if ((r = get_strv(doc, "capabilities.keep", &v->caps_keep, err)) < 0)
		return r;

	if ((r = get_amount(doc, "limits.nofile", &v->nofile, err)) < 0 ||
	    (r = get_amount(doc, "limits.nproc", &v->nproc, err)) < 0 ||
	    (r = get_amount(doc, "limits.as", &v->as, err)) < 0 ||
	    (r = get_amount(doc, "limits.fsize", &v->fsize, err)) < 0 ||
	    (r = get_amount(doc, "limits.core", &v->core, err)) < 0 ||
	    (r = get_amount(doc, "limits.stack", &v->stack, err)) < 0 ||
	    (r = get_amount(doc, "limits.memory", &v->memory, err)) < 0 ||
	    (r = get_amount(doc, "limits.pids", &v->pids, err)) < 0)
		return r;
	/* RLIMIT_CPU counts whole seconds; the validator refuses a cpu limit finer than that. */
	if ((r = get_duration(doc, "limits.cpu", &cpu_ms, &unlimited, err)) < 0)
		return r;
	if (!unlimited && cpu_ms % 1000)
		return wrong(err, "limits.cpu", "whole seconds");
	v->cpu_s = unlimited ? VR_UNLIMITED : cpu_ms / 1000;
	/* No wall-clock limit is 0, as a timeout of 0 s could never be meant literally. */
	if ((r = get_duration(doc, "limits.timeout", &v->timeout_ms, &unlimited, err)) < 0)
		return r;
	/* An unlimited grace never escalates TERM to KILL. */
	if ((r = get_duration(doc, "limits.grace", &grace_ms, &unlimited, err)) < 0)
		return r;
	v->grace_ms = unlimited ? VR_UNLIMITED : grace_ms;

	if ((r = get_id(doc, "user", &v->user, err)) < 0 || (r = get_id(doc, "group", &v->group, err)) < 0)
		return r;
	hostname = lookup(doc, "hostname");
	if (hostname && !json_is_string(hostname))
		return wrong(err, "hostname", "a string");
	v->hostname = json_string_value(hostname);
	return 0;
}

int
vr_policy_get_values(const struct vr_policy *p, struct vr_policy_values *v, struct vr_error *err)
{
	struct vr_policy_values tmp = { 0 };
	int r;

	if (!p || !p->doc || !v)
		return vr_error_set(err, EINVAL, "reading a policy");
	/* Filled aside, so that *v is written only on success. */
	r = fill(p->doc, &tmp, err);
	if (r < 0) {
		vr_policy_values_done(&tmp);
		return r;
	}
	*v = tmp;
	return 0;
}

void
vr_policy_values_done(struct vr_policy_values *v)
{
	if (!v)
		return;
	/* The arrays are ours; the strings they point to belong to the policy, except the
	 * "K=V" texts (in env_set's block) and the user and group copies. */
	free((void *)v->binds);
	free((void *)v->tmpfs);
	free((void *)v->hide);
	free((void *)v->env_pass);
	free((void *)v->env_set);
	free((void *)v->deny);
	free((void *)v->allow);
	free((void *)v->caps_keep);
	free((void *)v->user);
	free((void *)v->group);
	*v = (struct vr_policy_values){ 0 };
}
