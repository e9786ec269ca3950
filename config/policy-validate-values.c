/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/capability.h>

#include <jansson.h>
#include <seccomp.h>

#include "venvrun/error.h"

#include "dlopen-lib.h"
#include "macro.h"
#include "nss.h"
#include "path.h"
#include "policy-validate-internal.h"
#include "policy.h"

/*
 * The check of one policy value of each type, for the walk in policy-validate.c: numbers
 * with units, paths and names, users and groups, capabilities, system calls and binds.
 * Each normalises what it checks: in place (binds, seccomp rules), or, where the normal
 * form is another value, into *ret for the walk to store.
 */

#define STRING_MAX 4096
#define HOSTNAME_MAX 64
#define PROFILE_NAME_MAX 64
#define SYSCALL_NAME_MAX 64
#define CAP_NAME_MAX 64
#define ERRNO_MAX 4095

static int
check_string_length(struct vr_pv *c, const json_t *v)
{
	if (json_string_length(v) > STRING_MAX)
		return vr_pv_fail(c, "longer than %d bytes", STRING_MAX);
	return 0;
}

/* --- numbers with units ---------------------------------------------------------------- */

int
vr_pv_check_size(struct vr_pv *c, const struct vr_schema *s, json_t *v, json_t **ret)
{
	const char *text;
	uint64_t bytes;
	int r;

	if (json_is_integer(v)) {
		if (json_integer_value(v) < 0)
			return vr_pv_fail(c, "%s is not a size (use bytes or K, M, G, T)", DESC(v));
		return 0;
	}
	if (!json_is_string(v))
		return vr_pv_fail(c, "expected a size (bytes or K, M, G, T%s), not %s",
				  s->values ? ", or \"unlimited\"" : "", DESC(v));
	text = json_string_value(v);
	if (vr_pv_in_list(s->values, text))
		return 0;
	r = vr_parse_size(text, &bytes);
	/* The normal form is a JSON integer, and jansson's are signed 64-bit. */
	if (r == -ERANGE || (r == 0 && bytes > INT64_MAX))
		return vr_pv_fail(c, "%s overflows", text);
	if (r < 0)
		return vr_pv_fail(c, "%s is not a size (use bytes or K, M, G, T)", DESC(v));
	*ret = json_integer((json_int_t)bytes);
	return *ret ? 0 : vr_pv_oom(c);
}

int
vr_pv_check_duration(struct vr_pv *c, const struct vr_schema *s, json_t *v, json_t **ret)
{
	char buf[32];
	uint64_t ms;
	int r;

	if (json_is_integer(v)) {
		json_int_t secs = json_integer_value(v);

		if (secs < 0)
			return vr_pv_fail(c, "%s is not a duration (use seconds or ms, s, m, h, d)", DESC(v));
		if ((uint64_t)secs > UINT64_MAX / 1000)
			return vr_pv_fail(c, "%s overflows", DESC(v));
		ms = (uint64_t)secs * 1000;
	} else if (json_is_string(v)) {
		const char *text = json_string_value(v);

		if (vr_pv_in_list(s->values, text))
			return 0;
		r = vr_parse_duration_ms(text, &ms);
		if (r == -ERANGE)
			return vr_pv_fail(c, "%s overflows", text);
		if (r < 0)
			return vr_pv_fail(c, "%s is not a duration (use seconds or ms, s, m, h, d)", DESC(v));
	} else
		return vr_pv_fail(c, "expected a duration (seconds or ms, s, m, h, d%s), not %s",
				  s->values ? ", or \"unlimited\"" : "", DESC(v));

	if (s->max > 0 && ms % (uint64_t)s->max != 0) {
		if (s->max == 1000)
			return vr_pv_fail(c, "%s is not a whole number of seconds", DESC(v));
		vr_format_duration((uint64_t)s->max, buf, sizeof buf);
		return vr_pv_fail(c, "%s is not a multiple of %s", DESC(v), buf);
	}
	vr_format_duration(ms, buf, sizeof buf);
	*ret = json_string(buf);
	return *ret ? 0 : vr_pv_oom(c);
}

int
vr_pv_check_count(struct vr_pv *c, const struct vr_schema *s, json_t *v)
{
	if (json_is_integer(v)) {
		json_int_t n = json_integer_value(v);

		if (n < 0 || (s->max > 0 && n > s->max))
			return vr_pv_fail(c, "%s is out of range (0 to %lld)", DESC(v), s->max);
		return 0;
	}
	if (json_is_string(v) && vr_pv_in_list(s->values, json_string_value(v)))
		return 0;
	return vr_pv_fail(c, "expected a count (an integer%s), not %s", s->values ? " or \"unlimited\"" : "", DESC(v));
}

/* --- paths and names ------------------------------------------------------------------- */

int
vr_pv_check_path(struct vr_pv *c, json_t *v, json_t **ret)
{
	_cleanup_free_ char *p = NULL;
	int r;

	if (!json_is_string(v) || json_string_value(v)[0] != '/')
		return vr_pv_fail(c, "expected an absolute path, not %s", DESC(v));
	r = check_string_length(c, v);
	if (r < 0)
		return r;
	p = strdup(json_string_value(v));
	if (!p)
		return vr_pv_oom(c);
	vr_path_normalize(p);
	if (streq(p, json_string_value(v)))
		return 0;
	*ret = json_string(p);
	return *ret ? 0 : vr_pv_oom(c);
}

/* An environment variable name; with `pattern`, a trailing '*' makes it a prefix. */
static bool
var_name_is_valid(const char *s, bool pattern)
{
	size_t n = strlen(s);

	if (pattern && n > 0 && s[n - 1] == '*')
		n--;
	if (n == 0 || !(isalpha((unsigned char)s[0]) || s[0] == '_'))
		return false;
	for (size_t i = 1; i < n; i++)
		if (!(isalnum((unsigned char)s[i]) || s[i] == '_'))
			return false;
	return true;
}

int
vr_pv_check_var_name(struct vr_pv *c, json_t *v, bool pattern)
{
	if (!json_is_string(v))
		return vr_pv_fail(c, "expected a variable name, not %s", DESC(v));
	if (json_string_length(v) > STRING_MAX || !var_name_is_valid(json_string_value(v), pattern))
		return vr_pv_fail(c, "%s is not a variable name", DESC(v));
	return 0;
}

int
vr_pv_check_string_map(struct vr_pv *c, json_t *v)
{
	const char *key;
	json_t *value;

	if (!json_is_object(v))
		return vr_pv_fail(c, "expected an object of strings, not %s", DESC(v));
	if (json_object_size(v) > LIST_MAX)
		return vr_pv_fail(c, "more than %d entries", LIST_MAX);
	json_object_foreach (v, key, value) {
		size_t mark = vr_pv_path_push_key(c, key);
		int r;

		if (strlen(key) > STRING_MAX || !var_name_is_valid(key, false)) {
			_cleanup_(json_decrefp) json_t *k = json_string(key);

			return k ? vr_pv_fail(c, "%s is not a variable name", DESC(k)) : vr_pv_oom(c);
		}
		if (!json_is_string(value))
			return vr_pv_fail(c, "expected a string, not %s", DESC(value));
		r = check_string_length(c, value);
		if (r < 0)
			return r;
		vr_pv_path_pop(c, mark);
	}
	return 0;
}

int
vr_pv_check_text(struct vr_pv *c, json_t *v)
{
	const char *s;
	int r;

	if (!json_is_string(v))
		return vr_pv_fail(c, "expected a string, not %s", DESC(v));
	r = check_string_length(c, v);
	if (r < 0)
		return r;
	/* One line: it is printed in lists and error messages. */
	for (s = json_string_value(v); *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return vr_pv_fail(c, "must be one line of text, without control characters");
	return 0;
}

int
vr_pv_check_profile_name(struct vr_pv *c, json_t *v)
{
	const char *s;
	size_t n;

	if (!json_is_string(v))
		return vr_pv_fail(c, "expected a profile name, not %s", DESC(v));
	s = json_string_value(v);
	n = json_string_length(v);
	/* The name becomes a file name, NAME.json: no '/' can get in. */
	if (n == 0 || n > PROFILE_NAME_MAX ||
	    strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
		      "0123456789_.-") != n)
		return vr_pv_fail(c, "%s is not a profile name (letters, digits, '_', '.' and '-', at most %d)",
				  DESC(v), PROFILE_NAME_MAX);
	return 0;
}

static bool
hostname_is_valid(const char *s)
{
	/* RFC 1123: dot-separated labels of 1..63 letters, digits and '-', neither starting
	 * nor ending with '-'. */
	if (*s == 0)
		return false;
	while (*s) {
		size_t n = strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-");

		if (n == 0 || n > 63 || s[0] == '-' || s[n - 1] == '-')
			return false;
		s += n;
		if (*s == '.') {
			s++;
			if (*s == 0)
				return false;
		} else if (*s)
			return false;
	}
	return true;
}

int
vr_pv_check_hostname(struct vr_pv *c, json_t *v)
{
	if (!json_is_string(v))
		return vr_pv_fail(c, "expected a host name, not %s", DESC(v));
	if (json_string_length(v) > HOSTNAME_MAX)
		return vr_pv_fail(c, "longer than %d bytes", HOSTNAME_MAX);
	if (!hostname_is_valid(json_string_value(v)))
		return vr_pv_fail(c,
				  "%s is not a host name (RFC 1123: letters, digits and '-', in labels "
				  "separated by '.')",
				  DESC(v));
	return 0;
}

/* --- users and groups ------------------------------------------------------------------ */

int
vr_pv_check_id(struct vr_pv *c, json_t *v, bool group)
{
	const char *what = group ? "group" : "user";
	int r;

	if (json_is_integer(v)) {
		json_int_t id = json_integer_value(v);

		/* (uid_t)-1 is "no change" to setresuid(), never an id. */
		r = id >= 0 && id < (json_int_t)UINT32_MAX ? vr_nss_lookup(group, NULL, (unsigned)id, NULL, NULL) : 0;
	} else if (json_is_string(v)) {
		if (json_string_length(v) > STRING_MAX)
			return vr_pv_fail(c, "longer than %d bytes", STRING_MAX);
		r = vr_nss_lookup_text(group, json_string_value(v), NULL, NULL);
	} else
		return vr_pv_fail(c, "expected a %s name or %s, not %s", what, group ? "gid" : "uid", DESC(v));
	if (r < 0)
		return vr_pv_fail(c, "cannot look up %s %s: %s", what, DESC(v), strerror(-r));
	if (r == 0)
		return vr_pv_fail(c, "no such %s %s", what, DESC(v));
	return 0;
}

/* --- capabilities ---------------------------------------------------------------------- */

int
vr_pv_check_cap(struct vr_pv *c, json_t *v, json_t **ret)
{
	char lower[CAP_NAME_MAX + 8], upper[CAP_NAME_MAX + 8];
	const char *name;
	cap_value_t cap;
	size_t n;

	if (!json_is_string(v))
		return vr_pv_fail(c, "expected a capability name, not %s", DESC(v));
	name = json_string_value(v);
	if (strncasecmp(name, "cap_", 4) == 0)
		name += 4;
	n = strlen(name);
	/* Letters first: cap_from_name() would also take a number. */
	if (n == 0 || n > CAP_NAME_MAX || !isalpha((unsigned char)name[0]) ||
	    strspn(name, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_") != n)
		return vr_pv_fail(c, "%s is not a capability known to libcap", DESC(v));
	memcpy(lower, "cap_", 4);
	memcpy(upper, "CAP_", 4);
	for (size_t i = 0; i <= n; i++) {
		lower[4 + i] = (char)tolower((unsigned char)name[i]);
		upper[4 + i] = (char)toupper((unsigned char)name[i]);
	}
	if (cap_from_name(lower, &cap) < 0)
		return vr_pv_fail(c, "%s is not a capability known to libcap", DESC(v));
	if (streq(upper, json_string_value(v)))
		return 0;
	*ret = json_string(upper);
	return *ret ? 0 : vr_pv_oom(c);
}

/* --- system calls ---------------------------------------------------------------------- */

static void
strv_free_n(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
}

/* libseccomp, loaded by the first system call name to check (common/dlopen-lib.h): the
 * shipped profiles name none, so a run with them does not load it. */
VR_DLSYM_DEFINE(seccomp_syscall_resolve_name);
VR_DLSYM_DEFINE(seccomp_syscall_resolve_num_arch);

static struct vr_dlopen_lib libseccomp =
	VR_DLOPEN_LIB(VR_LIBSECCOMP_SONAME, "libseccomp", VR_DLSYM(seccomp_syscall_resolve_name),
		      VR_DLSYM(seccomp_syscall_resolve_num_arch));

/* The native architecture's syscall table has no name list in libseccomp's API; its
 * numbers are dense from 0, so asking for each number is the way to get the names. Only
 * on the error path, for the suggestion. */
#define SYSCALL_NR_SCAN 1024

static int
fail_syscall(struct vr_pv *c, json_t *v)
{
	_cleanup_free_ char **names = calloc(SYSCALL_NR_SCAN + 1, sizeof *names);
	const char *close = NULL;
	size_t n = 0;
	int r;

	if (!names)
		return vr_pv_fail(c, "%s is not a system call known to libseccomp", DESC(v));
	for (int nr = 0; nr < SYSCALL_NR_SCAN; nr++) {
		char *name = sym_seccomp_syscall_resolve_num_arch(SCMP_ARCH_NATIVE, nr);

		if (name)
			names[n++] = name;
	}
	names[n] = NULL;
	close = vr_did_you_mean(json_string_value(v), (const char *const *)names);
	if (close)
		r = vr_pv_fail(c, "%s is not a system call known to libseccomp; did you mean \"%s\"?", DESC(v), close);
	else
		r = vr_pv_fail(c, "%s is not a system call known to libseccomp", DESC(v));
	strv_free_n(names, n);
	return r;
}

int
vr_pv_check_syscall_name(struct vr_pv *c, json_t *v)
{
	const char *s;
	size_t n;
	int r;

	if (!json_is_string(v))
		return vr_pv_fail(c, "expected a system call name, not %s", DESC(v));
	s = json_string_value(v);
	n = json_string_length(v);
	if (n == 0 || n > SYSCALL_NAME_MAX || strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789_") != n)
		return vr_pv_fail(c, "%s is not a system call known to libseccomp", DESC(v));
	if ((r = vr_dlopen_lib(&libseccomp, c->err)) < 0) {
		vr_error_set_where(c->err, c->file, 0, 0);
		return r;
	}
	/* Pseudo-syscalls (negative numbers) are fine: libseccomp maps them per arch. */
	if (sym_seccomp_syscall_resolve_name(s) == __NR_SCMP_ERROR)
		return fail_syscall(c, v);
	return 0;
}

struct errno_name {
	const char *name;
	int value;
};

/* The errno values a seccomp rule plausibly returns; other values by number. */
/* clang-format off */
#define E(name) { #name, name }
static const struct errno_name errno_names[] = {
	E(EPERM), E(ENOENT), E(ESRCH), E(EINTR), E(EIO), E(ENXIO), E(E2BIG),
	E(ENOEXEC), E(EBADF), E(ECHILD), E(EAGAIN), E(EWOULDBLOCK), E(ENOMEM), E(EACCES),
	E(EFAULT), E(EBUSY), E(EEXIST), E(EXDEV), E(ENODEV), E(ENOTDIR), E(EISDIR),
	E(EINVAL), E(ENFILE), E(EMFILE), E(ENOTTY), E(EFBIG), E(ENOSPC), E(ESPIPE),
	E(EROFS), E(EMLINK), E(EPIPE), E(ERANGE), E(ENAMETOOLONG), E(ENOSYS), E(ELOOP),
	E(ENOTSUP), E(EOPNOTSUPP), E(EAFNOSUPPORT), E(EADDRINUSE), E(ENETUNREACH), E(ECONNREFUSED), E(ETIMEDOUT),
};
#undef E
/* clang-format on */

static int
check_errno(struct vr_pv *c, json_t *v, json_t **ret)
{
	const char *names[ELEMENTSOF(errno_names) + 1];
	const char *close;

	if (json_is_integer(v)) {
		json_int_t e = json_integer_value(v);

		/* The return value of SECCOMP_RET_ERRNO has 16 bits, but -4095..-1 is what a
		 * system call can return as an error. */
		if (e < 1 || e > ERRNO_MAX)
			return vr_pv_fail(c,
					  "%s is not an errno value (use a name like \"EPERM\" or a "
					  "number from 1 to %d)",
					  DESC(v), ERRNO_MAX);
		return 0;
	}
	if (!json_is_string(v))
		return vr_pv_fail(c, "expected an errno name or number, not %s", DESC(v));
	for (size_t i = 0; i < ELEMENTSOF(errno_names); i++) {
		if (streq(errno_names[i].name, json_string_value(v))) {
			/* Integers in the normal form: the typed view needs no name table. */
			*ret = json_integer(errno_names[i].value);
			return *ret ? 0 : vr_pv_oom(c);
		}
		names[i] = errno_names[i].name;
	}
	names[ELEMENTSOF(errno_names)] = NULL;
	close = vr_did_you_mean(json_string_value(v), names);
	if (close)
		return vr_pv_fail(c, "%s is not an errno name; did you mean \"%s\"?", DESC(v), close);
	return vr_pv_fail(c, "%s is not an errno name (use a name like \"EPERM\" or a number from 1 to %d)", DESC(v),
			  ERRNO_MAX);
}

/* One entry of seccomp.deny: a name, or {"syscall", "action", "errno"}; always an object
 * afterwards, with the action and (for "errno") the errno filled in. */
int
vr_pv_check_syscall_rule(struct vr_pv *c, const struct vr_schema *s, json_t *v, json_t **ret)
{
	static const char *const keys[] = { "syscall", "action", "errno", NULL };
	const struct vr_schema action = { "action", VR_T_ENUM, VR_MERGE_REPLACE, s->values, 0, NULL, NULL, NULL };
	json_t *obj = NULL, *a, *e;
	int r;

	if (json_is_string(v)) {
		r = vr_pv_check_syscall_name(c, v);
		if (r < 0)
			return r;
		obj = json_pack("{s:O, s:s, s:i}", "syscall", v, "action", "errno", "errno", EPERM);
		if (!obj)
			return vr_pv_oom(c);
		*ret = obj;
		return 0;
	}
	if (!json_is_object(v))
		return vr_pv_fail(c, "expected a system call name or {\"syscall\", \"action\", \"errno\"}, not %s",
				  DESC(v));
	for (void *it = json_object_iter(v); it; it = json_object_iter_next(v, it)) {
		const char *key = json_object_iter_key(it);
		json_t *value = json_object_iter_value(it), *repl = NULL;
		size_t mark = vr_pv_path_push_key(c, key);

		if (streq(key, "syscall"))
			r = vr_pv_check_syscall_name(c, value);
		else if (streq(key, "action"))
			r = vr_pv_check_value(c, &action, value, &repl);
		else if (streq(key, "errno"))
			r = check_errno(c, value, &repl);
		else
			return vr_pv_unknown_key(c, key, keys);
		if (r < 0)
			return r;
		if (repl && json_object_iter_set_new(v, it, repl) < 0)
			return vr_pv_oom(c);
		vr_pv_path_pop(c, mark);
	}
	if (!json_object_get(v, "syscall"))
		return vr_pv_fail(c, "\"syscall\" is required");
	a = json_object_get(v, "action");
	if (!a) {
		a = json_string("errno");
		if (!a || json_object_set_new(v, "action", a) < 0)
			return vr_pv_oom(c);
	}
	e = json_object_get(v, "errno");
	if (streq(json_string_value(a), "errno")) {
		if (!e && json_object_set_new(v, "errno", json_integer(EPERM)) < 0)
			return vr_pv_oom(c);
	} else if (e) {
		vr_pv_path_push_key(c, "errno");
		return vr_pv_fail(c, "only with action \"errno\", not %s", DESC(a));
	}
	return 0;
}

/* --- binds ----------------------------------------------------------------------------- */

static const char *const bind_modes[] = { "ro", "rw", NULL };

static const struct vr_schema bind_fields[] = {
	{ "source", VR_T_PATH, VR_MERGE_REPLACE, NULL, 0, NULL, NULL, "what is mounted" },
	{ "target", VR_T_PATH, VR_MERGE_REPLACE, NULL, 0, NULL, NULL, "where (default: source)" },
	{ "mode", VR_T_ENUM, VR_MERGE_REPLACE, bind_modes, 0, "\"ro\"", NULL, "read-only or read-write" },
	{ "optional", VR_T_BOOL, VR_MERGE_REPLACE, NULL, 0, "false", NULL, "skip a missing source" },
	{ NULL, 0, 0, NULL, 0, NULL, NULL, NULL },
};

int
vr_pv_check_bind(struct vr_pv *c, json_t *v)
{
	json_t *source;
	int r;

	if (!json_is_object(v))
		return vr_pv_fail(c, "expected an object {\"source\", \"target\", \"mode\", \"optional\"}, not %s",
				  DESC(v));
	r = vr_pv_check_object(c, v, bind_fields);
	if (r < 0)
		return r;
	source = json_object_get(v, "source");
	if (!source)
		return vr_pv_fail(c, "\"source\" is required");
	/* Complete after loading, so that merging can dedupe by target and describe shows
	 * what will happen. */
	if (!json_object_get(v, "target") && json_object_set_new(v, "target", json_copy(source)) < 0)
		return vr_pv_oom(c);
	if (!json_object_get(v, "mode") && json_object_set_new(v, "mode", json_string("ro")) < 0)
		return vr_pv_oom(c);
	if (!json_object_get(v, "optional") && json_object_set_new(v, "optional", json_false()) < 0)
		return vr_pv_oom(c);
	return 0;
}
