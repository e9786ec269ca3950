/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <assert.h>
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
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
#include "policy.h"

/*
 * Checking a policy layer against the schema, and normalising it in place so that every
 * later reader (merge, the typed view, describe) sees one form per value: sizes as integer
 * bytes, durations as "90s"-style strings, binds and seccomp entries as complete objects,
 * capabilities as "CAP_X", errno values as integers, paths without "." or "..".
 * Validating a normalised layer again changes nothing.
 *
 * Every error names the JSON path of the value ("filesystem.binds[2].mode: ...") and the
 * file as its place. The first error ends the walk: the caller drops the whole layer.
 */

#define STRING_MAX 4096
#define LIST_MAX 1024
#define HOSTNAME_MAX 64
#define PROFILE_NAME_MAX 64
#define SYSCALL_NAME_MAX 64
#define CAP_NAME_MAX 64
#define ERRNO_MAX 4095

struct ctx {
	const char *file;
	struct vr_error *err;
	/* The JSON path of the value being checked; longer paths are cut, as the message
	 * that carries them would be anyway. */
	char path[VR_ERROR_MESSAGE_MAX];
	size_t len;
};

static int check_value(struct ctx *c, const struct vr_schema *s, json_t *v, json_t **ret);

/* --- paths and messages ---------------------------------------------------------------- */

static size_t path_push(struct ctx *c, const char *fmt, ...) _printf_(2, 3);

static size_t
path_push(struct ctx *c, const char *fmt, ...)
{
	size_t mark = c->len;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(c->path + c->len, sizeof c->path - c->len, fmt, ap);
	va_end(ap);
	if (n > 0)
		c->len += (size_t)n;
	if (c->len >= sizeof c->path)
		c->len = sizeof c->path - 1;
	return mark;
}

static size_t
path_push_key(struct ctx *c, const char *key)
{
	return c->len ? path_push(c, ".%s", key) : path_push(c, "%s", key);
}

static void
path_pop(struct ctx *c, size_t mark)
{
	c->len = mark;
	c->path[mark] = 0;
}

static int fail(struct ctx *c, const char *fmt, ...) _printf_(2, 3);

static int
fail(struct ctx *c, const char *fmt, ...)
{
	char msg[VR_ERROR_MESSAGE_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (c->len == 0)
		return vr_error_set_at(c->err, VR_ERR_BAD_POLICY, c->file, "%s", msg);
	return vr_error_set_at(c->err, VR_ERR_BAD_POLICY, c->file, "%s: %s", c->path, msg);
}

static int
oom(struct ctx *c)
{
	return vr_error_set_at(c->err, ENOMEM, c->file, "%s", c->path);
}

#define DESC_MAX 160

/* A value as a message shows it: JSON text for scalars ("rx" quoted), a word for the
 * containers; long text is cut at a character boundary. */
static const char *
describe(const json_t *v, char *buf, size_t size)
{
	_cleanup_free_ char *s = NULL;
	size_t n;

	if (json_is_object(v))
		return "an object";
	if (json_is_array(v))
		return "a list";
	s = json_dumps(v, JSON_ENCODE_ANY);
	if (!s)
		return "a value";
	n = strlen(s);
	if (n + 1 <= size && n <= DESC_MAX - 8) {
		snprintf(buf, size, "%s", s);
		return buf;
	}
	n = size > 8 ? size - 8 : 0;
	if (n > DESC_MAX - 8)
		n = DESC_MAX - 8;
	while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
		n--;
	snprintf(buf, size, "%.*s...", (int)n, s);
	return buf;
}

#define DESC(v) describe((v), (char[DESC_MAX]){ 0 }, DESC_MAX)

/* "\"a\", \"b\" or \"c\"" */
static const char *
enum_list(const char *const *values, char *buf, size_t size)
{
	size_t n = 0, len = 0;

	while (values[n])
		n++;
	buf[0] = 0;
	for (size_t i = 0; i < n && len < size; i++) {
		const char *sep = i == 0 ? "" : i + 1 == n ? " or " : ", ";
		int r = snprintf(buf + len, size - len, "%s\"%s\"", sep, values[i]);

		if (r > 0)
			len += (size_t)r;
	}
	return buf;
}

static bool
in_list(const char *const *values, const char *s)
{
	for (size_t i = 0; values && values[i]; i++)
		if (streq(values[i], s))
			return true;
	return false;
}

static int
check_string_length(struct ctx *c, const json_t *v)
{
	if (json_string_length(v) > STRING_MAX)
		return fail(c, "longer than %d bytes", STRING_MAX);
	return 0;
}

/* --- objects --------------------------------------------------------------------------- */

static int
unknown_key(struct ctx *c, const char *key, const char *const *known)
{
	const char *close = vr_did_you_mean(key, known);

	if (close)
		return fail(c, "unknown key; did you mean \"%s\"?", close);
	return fail(c, "unknown key");
}

#define FIELDS_MAX 32

static int
check_object(struct ctx *c, json_t *obj, const struct vr_schema *fields)
{
	const char *known[FIELDS_MAX + 1];
	size_t n = 0;

	if (!json_is_object(obj))
		return fail(c, "expected an object, not %s", DESC(obj));
	for (; fields[n].key; n++) {
		assert(n < FIELDS_MAX);
		known[n] = fields[n].key;
	}
	known[n] = NULL;

	for (void *it = json_object_iter(obj); it; it = json_object_iter_next(obj, it)) {
		const char *key = json_object_iter_key(it);
		const struct vr_schema *s = NULL;
		json_t *repl = NULL;
		size_t mark;
		int r;

		for (size_t i = 0; i < n; i++)
			if (streq(fields[i].key, key))
				s = &fields[i];
		mark = path_push_key(c, key);
		if (!s)
			return unknown_key(c, key, known);
		r = check_value(c, s, json_object_iter_value(it), &repl);
		if (r < 0) {
			json_decref(repl);
			return r;
		}
		/* Replacing the value of the current pair is what the iterator allows. */
		if (repl && json_object_iter_set_new(obj, it, repl) < 0)
			return oom(c);
		path_pop(c, mark);
	}
	return 0;
}

/* --- numbers with units ---------------------------------------------------------------- */

static int
check_size(struct ctx *c, const struct vr_schema *s, json_t *v, json_t **ret)
{
	const char *text;
	uint64_t bytes;
	int r;

	if (json_is_integer(v)) {
		if (json_integer_value(v) < 0)
			return fail(c, "%s is not a size (use bytes or K, M, G, T)", DESC(v));
		return 0;
	}
	if (!json_is_string(v))
		return fail(c, "expected a size (bytes or K, M, G, T%s), not %s", s->values ? ", or \"unlimited\"" : "",
			    DESC(v));
	text = json_string_value(v);
	if (in_list(s->values, text))
		return 0;
	r = vr_parse_size(text, &bytes);
	/* The normal form is a JSON integer, and jansson's are signed 64-bit. */
	if (r == -ERANGE || (r == 0 && bytes > INT64_MAX))
		return fail(c, "%s overflows", text);
	if (r < 0)
		return fail(c, "%s is not a size (use bytes or K, M, G, T)", DESC(v));
	*ret = json_integer((json_int_t)bytes);
	return *ret ? 0 : oom(c);
}

static int
check_duration(struct ctx *c, const struct vr_schema *s, json_t *v, json_t **ret)
{
	char buf[32];
	uint64_t ms;
	int r;

	if (json_is_integer(v)) {
		json_int_t secs = json_integer_value(v);

		if (secs < 0)
			return fail(c, "%s is not a duration (use seconds or ms, s, m, h, d)", DESC(v));
		if ((uint64_t)secs > UINT64_MAX / 1000)
			return fail(c, "%s overflows", DESC(v));
		ms = (uint64_t)secs * 1000;
	} else if (json_is_string(v)) {
		const char *text = json_string_value(v);

		if (in_list(s->values, text))
			return 0;
		r = vr_parse_duration_ms(text, &ms);
		if (r == -ERANGE)
			return fail(c, "%s overflows", text);
		if (r < 0)
			return fail(c, "%s is not a duration (use seconds or ms, s, m, h, d)", DESC(v));
	} else
		return fail(c, "expected a duration (seconds or ms, s, m, h, d%s), not %s",
			    s->values ? ", or \"unlimited\"" : "", DESC(v));

	if (s->max > 0 && ms % (uint64_t)s->max != 0) {
		if (s->max == 1000)
			return fail(c, "%s is not a whole number of seconds", DESC(v));
		vr_format_duration((uint64_t)s->max, buf, sizeof buf);
		return fail(c, "%s is not a multiple of %s", DESC(v), buf);
	}
	vr_format_duration(ms, buf, sizeof buf);
	*ret = json_string(buf);
	return *ret ? 0 : oom(c);
}

static int
check_count(struct ctx *c, const struct vr_schema *s, json_t *v)
{
	if (json_is_integer(v)) {
		json_int_t n = json_integer_value(v);

		if (n < 0 || (s->max > 0 && n > s->max))
			return fail(c, "%s is out of range (0 to %lld)", DESC(v), s->max);
		return 0;
	}
	if (json_is_string(v) && in_list(s->values, json_string_value(v)))
		return 0;
	return fail(c, "expected a count (an integer%s), not %s", s->values ? " or \"unlimited\"" : "", DESC(v));
}

/* --- paths and names ------------------------------------------------------------------- */

static int
check_path(struct ctx *c, json_t *v, json_t **ret)
{
	_cleanup_free_ char *p = NULL;
	int r;

	if (!json_is_string(v) || json_string_value(v)[0] != '/')
		return fail(c, "expected an absolute path, not %s", DESC(v));
	r = check_string_length(c, v);
	if (r < 0)
		return r;
	p = strdup(json_string_value(v));
	if (!p)
		return oom(c);
	vr_path_normalize(p);
	if (streq(p, json_string_value(v)))
		return 0;
	*ret = json_string(p);
	return *ret ? 0 : oom(c);
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

static int
check_var_name(struct ctx *c, json_t *v, bool pattern)
{
	if (!json_is_string(v))
		return fail(c, "expected a variable name, not %s", DESC(v));
	if (json_string_length(v) > STRING_MAX || !var_name_is_valid(json_string_value(v), pattern))
		return fail(c, "%s is not a variable name", DESC(v));
	return 0;
}

static int
check_string_map(struct ctx *c, json_t *v)
{
	const char *key;
	json_t *value;

	if (!json_is_object(v))
		return fail(c, "expected an object of strings, not %s", DESC(v));
	if (json_object_size(v) > LIST_MAX)
		return fail(c, "more than %d entries", LIST_MAX);
	json_object_foreach (v, key, value) {
		size_t mark = path_push_key(c, key);
		int r;

		if (strlen(key) > STRING_MAX || !var_name_is_valid(key, false)) {
			_cleanup_(json_decrefp) json_t *k = json_string(key);

			return k ? fail(c, "%s is not a variable name", DESC(k)) : oom(c);
		}
		if (!json_is_string(value))
			return fail(c, "expected a string, not %s", DESC(value));
		r = check_string_length(c, value);
		if (r < 0)
			return r;
		path_pop(c, mark);
	}
	return 0;
}

static int
check_text(struct ctx *c, json_t *v)
{
	const char *s;
	int r;

	if (!json_is_string(v))
		return fail(c, "expected a string, not %s", DESC(v));
	r = check_string_length(c, v);
	if (r < 0)
		return r;
	/* One line: it is printed in lists and error messages. */
	for (s = json_string_value(v); *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return fail(c, "must be one line of text, without control characters");
	return 0;
}

static int
check_profile_name(struct ctx *c, json_t *v)
{
	const char *s;
	size_t n;

	if (!json_is_string(v))
		return fail(c, "expected a profile name, not %s", DESC(v));
	s = json_string_value(v);
	n = json_string_length(v);
	/* The name becomes a file name, NAME.json: no '/' can get in. */
	if (n == 0 || n > PROFILE_NAME_MAX ||
	    strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
		      "0123456789_.-") != n)
		return fail(c, "%s is not a profile name (letters, digits, '_', '.' and '-', at most %d)", DESC(v),
			    PROFILE_NAME_MAX);
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

static int
check_hostname(struct ctx *c, json_t *v)
{
	if (!json_is_string(v))
		return fail(c, "expected a host name, not %s", DESC(v));
	if (json_string_length(v) > HOSTNAME_MAX)
		return fail(c, "longer than %d bytes", HOSTNAME_MAX);
	if (!hostname_is_valid(json_string_value(v)))
		return fail(c,
			    "%s is not a host name (RFC 1123: letters, digits and '-', in labels "
			    "separated by '.')",
			    DESC(v));
	return 0;
}

/* --- users and groups ------------------------------------------------------------------ */

static int
check_id(struct ctx *c, json_t *v, bool group)
{
	const char *what = group ? "group" : "user";
	int r;

	if (json_is_integer(v)) {
		json_int_t id = json_integer_value(v);

		/* (uid_t)-1 is "no change" to setresuid(), never an id. */
		r = id >= 0 && id < (json_int_t)UINT32_MAX ? vr_nss_lookup(group, NULL, (unsigned)id, NULL, NULL) : 0;
	} else if (json_is_string(v)) {
		if (json_string_length(v) > STRING_MAX)
			return fail(c, "longer than %d bytes", STRING_MAX);
		r = vr_nss_lookup_text(group, json_string_value(v), NULL, NULL);
	} else
		return fail(c, "expected a %s name or %s, not %s", what, group ? "gid" : "uid", DESC(v));
	if (r < 0)
		return fail(c, "cannot look up %s %s: %s", what, DESC(v), strerror(-r));
	if (r == 0)
		return fail(c, "no such %s %s", what, DESC(v));
	return 0;
}

/* --- capabilities ---------------------------------------------------------------------- */

static int
check_cap(struct ctx *c, json_t *v, json_t **ret)
{
	char lower[CAP_NAME_MAX + 8], upper[CAP_NAME_MAX + 8];
	const char *name;
	cap_value_t cap;
	size_t n;

	if (!json_is_string(v))
		return fail(c, "expected a capability name, not %s", DESC(v));
	name = json_string_value(v);
	if (strncasecmp(name, "cap_", 4) == 0)
		name += 4;
	n = strlen(name);
	/* Letters first: cap_from_name() would also take a number. */
	if (n == 0 || n > CAP_NAME_MAX || !isalpha((unsigned char)name[0]) ||
	    strspn(name, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_") != n)
		return fail(c, "%s is not a capability known to libcap", DESC(v));
	memcpy(lower, "cap_", 4);
	memcpy(upper, "CAP_", 4);
	for (size_t i = 0; i <= n; i++) {
		lower[4 + i] = (char)tolower((unsigned char)name[i]);
		upper[4 + i] = (char)toupper((unsigned char)name[i]);
	}
	if (cap_from_name(lower, &cap) < 0)
		return fail(c, "%s is not a capability known to libcap", DESC(v));
	if (streq(upper, json_string_value(v)))
		return 0;
	*ret = json_string(upper);
	return *ret ? 0 : oom(c);
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
fail_syscall(struct ctx *c, json_t *v)
{
	_cleanup_free_ char **names = calloc(SYSCALL_NR_SCAN + 1, sizeof *names);
	const char *close = NULL;
	size_t n = 0;
	int r;

	if (!names)
		return fail(c, "%s is not a system call known to libseccomp", DESC(v));
	for (int nr = 0; nr < SYSCALL_NR_SCAN; nr++) {
		char *name = sym_seccomp_syscall_resolve_num_arch(SCMP_ARCH_NATIVE, nr);

		if (name)
			names[n++] = name;
	}
	names[n] = NULL;
	close = vr_did_you_mean(json_string_value(v), (const char *const *)names);
	if (close)
		r = fail(c, "%s is not a system call known to libseccomp; did you mean \"%s\"?", DESC(v), close);
	else
		r = fail(c, "%s is not a system call known to libseccomp", DESC(v));
	strv_free_n(names, n);
	return r;
}

static int
check_syscall_name(struct ctx *c, json_t *v)
{
	const char *s;
	size_t n;
	int r;

	if (!json_is_string(v))
		return fail(c, "expected a system call name, not %s", DESC(v));
	s = json_string_value(v);
	n = json_string_length(v);
	if (n == 0 || n > SYSCALL_NAME_MAX || strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789_") != n)
		return fail(c, "%s is not a system call known to libseccomp", DESC(v));
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
check_errno(struct ctx *c, json_t *v, json_t **ret)
{
	const char *names[ELEMENTSOF(errno_names) + 1];
	const char *close;

	if (json_is_integer(v)) {
		json_int_t e = json_integer_value(v);

		/* The return value of SECCOMP_RET_ERRNO has 16 bits, but -4095..-1 is what a
		 * system call can return as an error. */
		if (e < 1 || e > ERRNO_MAX)
			return fail(c,
				    "%s is not an errno value (use a name like \"EPERM\" or a "
				    "number from 1 to %d)",
				    DESC(v), ERRNO_MAX);
		return 0;
	}
	if (!json_is_string(v))
		return fail(c, "expected an errno name or number, not %s", DESC(v));
	for (size_t i = 0; i < ELEMENTSOF(errno_names); i++) {
		if (streq(errno_names[i].name, json_string_value(v))) {
			/* Integers in the normal form: the typed view needs no name table. */
			*ret = json_integer(errno_names[i].value);
			return *ret ? 0 : oom(c);
		}
		names[i] = errno_names[i].name;
	}
	names[ELEMENTSOF(errno_names)] = NULL;
	close = vr_did_you_mean(json_string_value(v), names);
	if (close)
		return fail(c, "%s is not an errno name; did you mean \"%s\"?", DESC(v), close);
	return fail(c, "%s is not an errno name (use a name like \"EPERM\" or a number from 1 to %d)", DESC(v),
		    ERRNO_MAX);
}

/* One entry of seccomp.deny: a name, or {"syscall", "action", "errno"}; always an object
 * afterwards, with the action and (for "errno") the errno filled in. */
static int
check_syscall_rule(struct ctx *c, const struct vr_schema *s, json_t *v, json_t **ret)
{
	static const char *const keys[] = { "syscall", "action", "errno", NULL };
	const struct vr_schema action = { "action", VR_T_ENUM, VR_MERGE_REPLACE, s->values, 0, NULL, NULL, NULL };
	json_t *obj = NULL, *a, *e;
	int r;

	if (json_is_string(v)) {
		r = check_syscall_name(c, v);
		if (r < 0)
			return r;
		obj = json_pack("{s:O, s:s, s:i}", "syscall", v, "action", "errno", "errno", EPERM);
		if (!obj)
			return oom(c);
		*ret = obj;
		return 0;
	}
	if (!json_is_object(v))
		return fail(c, "expected a system call name or {\"syscall\", \"action\", \"errno\"}, not %s", DESC(v));
	for (void *it = json_object_iter(v); it; it = json_object_iter_next(v, it)) {
		const char *key = json_object_iter_key(it);
		json_t *value = json_object_iter_value(it), *repl = NULL;
		size_t mark = path_push_key(c, key);

		if (streq(key, "syscall"))
			r = check_syscall_name(c, value);
		else if (streq(key, "action"))
			r = check_value(c, &action, value, &repl);
		else if (streq(key, "errno"))
			r = check_errno(c, value, &repl);
		else
			return unknown_key(c, key, keys);
		if (r < 0)
			return r;
		if (repl && json_object_iter_set_new(v, it, repl) < 0)
			return oom(c);
		path_pop(c, mark);
	}
	if (!json_object_get(v, "syscall"))
		return fail(c, "\"syscall\" is required");
	a = json_object_get(v, "action");
	if (!a) {
		a = json_string("errno");
		if (!a || json_object_set_new(v, "action", a) < 0)
			return oom(c);
	}
	e = json_object_get(v, "errno");
	if (streq(json_string_value(a), "errno")) {
		if (!e && json_object_set_new(v, "errno", json_integer(EPERM)) < 0)
			return oom(c);
	} else if (e) {
		path_push_key(c, "errno");
		return fail(c, "only with action \"errno\", not %s", DESC(a));
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

static int
check_bind(struct ctx *c, json_t *v)
{
	json_t *source;
	int r;

	if (!json_is_object(v))
		return fail(c, "expected an object {\"source\", \"target\", \"mode\", \"optional\"}, not %s", DESC(v));
	r = check_object(c, v, bind_fields);
	if (r < 0)
		return r;
	source = json_object_get(v, "source");
	if (!source)
		return fail(c, "\"source\" is required");
	/* Complete after loading, so that merging can dedupe by target and describe shows
	 * what will happen. */
	if (!json_object_get(v, "target") && json_object_set_new(v, "target", json_copy(source)) < 0)
		return oom(c);
	if (!json_object_get(v, "mode") && json_object_set_new(v, "mode", json_string("ro")) < 0)
		return oom(c);
	if (!json_object_get(v, "optional") && json_object_set_new(v, "optional", json_false()) < 0)
		return oom(c);
	return 0;
}

/* --- lists and dispatch ---------------------------------------------------------------- */

static int
check_element(struct ctx *c, const struct vr_schema *s, json_t *v, json_t **ret)
{
	switch (s->type) {
	case VR_T_PATH_LIST:
		return check_path(c, v, ret);
	case VR_T_NAME_LIST:
		return check_var_name(c, v, true);
	case VR_T_BIND_LIST:
		return check_bind(c, v);
	case VR_T_SYSCALL_LIST:
		/* Without actions (seccomp.allow) a list of names, kept as names. */
		if (!s->values)
			return check_syscall_name(c, v);
		return check_syscall_rule(c, s, v, ret);
	case VR_T_CAP_LIST:
		return check_cap(c, v, ret);
	default:
		assert(!"not a list type");
		return -EINVAL;
	}
}

static int
check_list(struct ctx *c, const struct vr_schema *s, json_t *v)
{
	size_t i;
	json_t *e;

	if (!json_is_array(v))
		return fail(c, "expected a list, not %s", DESC(v));
	if (json_array_size(v) > LIST_MAX)
		return fail(c, "more than %d entries", LIST_MAX);
	json_array_foreach (v, i, e) {
		size_t mark = path_push(c, "[%zu]", i);
		json_t *repl = NULL;
		int r;

		r = check_element(c, s, e, &repl);
		if (r < 0) {
			json_decref(repl);
			return r;
		}
		if (repl && json_array_set_new(v, i, repl) < 0)
			return oom(c);
		path_pop(c, mark);
	}
	return 0;
}

static int
check_value(struct ctx *c, const struct vr_schema *s, json_t *v, json_t **ret)
{
	char buf[256];

	switch (s->type) {
	case VR_T_OBJECT:
		return check_object(c, v, s->fields);
	case VR_T_BOOL:
		if (!json_is_boolean(v))
			return fail(c, "expected true or false, not %s", DESC(v));
		return 0;
	case VR_T_INT:
		/* The one version this venvrun reads, not a range: 0 is no older format. */
		if (streq(s->key, "version")) {
			if (json_is_integer(v) && json_integer_value(v) == VR_POLICY_VERSION)
				return 0;
			return fail(c, "this venvrun reads version %d, not %s", VR_POLICY_VERSION, DESC(v));
		}
		if (json_is_integer(v) && json_integer_value(v) >= 0 &&
		    (s->max == 0 || json_integer_value(v) <= s->max))
			return 0;
		return fail(c, "expected an integer from 0 to %lld, not %s", s->max, DESC(v));
	case VR_T_STRING:
		return check_text(c, v);
	case VR_T_ENUM:
		if (json_is_string(v) && in_list(s->values, json_string_value(v)))
			return 0;
		return fail(c, "expected %s, not %s", enum_list(s->values, buf, sizeof buf), DESC(v));
	case VR_T_SIZE:
		return check_size(c, s, v, ret);
	case VR_T_DURATION:
		return check_duration(c, s, v, ret);
	case VR_T_COUNT:
		return check_count(c, s, v);
	case VR_T_PATH:
		return check_path(c, v, ret);
	case VR_T_PATH_LIST:
	case VR_T_NAME_LIST:
	case VR_T_BIND_LIST:
	case VR_T_SYSCALL_LIST:
	case VR_T_CAP_LIST:
		return check_list(c, s, v);
	case VR_T_STRING_MAP:
		return check_string_map(c, v);
	case VR_T_USER:
		return check_id(c, v, false);
	case VR_T_GROUP:
		return check_id(c, v, true);
	case VR_T_HOSTNAME:
		return check_hostname(c, v);
	case VR_T_PROFILE:
		return check_profile_name(c, v);
	}
	assert(!"unknown schema type");
	return -EINVAL;
}

int
vr_policy_validate(json_t *doc, const char *file, struct vr_error *err)
{
	struct ctx c = { .file = file, .err = err };

	if (!doc)
		return vr_error_set(err, EINVAL, "vr_policy_validate: no document");
	if (!json_is_object(doc))
		return fail(&c, "expected an object at the top level, not %s", DESC(doc));
	return check_object(&c, doc, vr_policy_schema);
}
