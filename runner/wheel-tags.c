/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Which wheels fit an interpreter, as pip decides it: the supported tag set computed the
 * way packaging.tags.sys_tags() computes it, and PEP 440 versions and specifiers for
 * Requires-Python and pins. Pure functions: no I/O, so they are unit-tested against
 * packaging's own answers.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "macro.h"
#include "seed.h"
#include "strv.h"

#define TAG_MAX 256

static int
push_tag(char ***v, const char *py, const char *abi, const char *plat)
{
	char t[TAG_MAX];

	if ((size_t)snprintf(t, sizeof t, "%s-%s-%s", py, abi, plat) >= sizeof t)
		return -EINVAL;
	return vr_strv_push(v, t);
}

/* packaging.tags._linux_platforms() with _manylinux.platform_tags(): manylinux_2_N for
 * every glibc minor from the running one down (to 2_5 on x86, 2_17 elsewhere), the
 * legacy aliases beside their glibc, then linux_ARCH. */
static int
linux_platforms(const struct vr_tag_facts *f, char ***ret)
{
	_cleanup_strv_free_ char **v = NULL;
	const char *arch = f->machine && *f->machine ? f->machine : "x86_64";
	const char *archs[2] = { arch, NULL };
	char buf[TAG_MAX];
	int r;

	/* A 32-bit interpreter on a 64-bit kernel: packaging maps the platform as here. */
	if (f->bits == 32 && streq(arch, "x86_64"))
		archs[0] = "i686";
	else if (f->bits == 32 && streq(arch, "aarch64"))
		archs[0] = "armv8l";
	if (streq(archs[0], "armv8l"))
		archs[1] = "armv7l";

	for (size_t a = 0; a < ELEMENTSOF(archs) && archs[a]; a++) {
		bool x86 = streq(archs[a], "x86_64") || streq(archs[a], "i686");
		int too_old = x86 ? 4 : 16;

		if (f->glibc_major != 2)
			break;
		for (int minor = f->glibc_minor; minor > too_old; minor--) {
			snprintf(buf, sizeof buf, "manylinux_2_%d_%s", minor, archs[a]);
			if ((r = vr_strv_push(&v, buf)) < 0)
				return r;
			if (minor == 17 || minor == 12 || minor == 5) {
				const char *legacy = minor == 17   ? "manylinux2014"
						     : minor == 12 ? "manylinux2010"
								   : "manylinux1";
				/* manylinux2010 and manylinux1 only ever existed for x86. */
				if (minor != 17 && !x86)
					continue;
				snprintf(buf, sizeof buf, "%s_%s", legacy, archs[a]);
				if ((r = vr_strv_push(&v, buf)) < 0)
					return r;
			}
		}
	}
	for (size_t a = 0; a < ELEMENTSOF(archs) && archs[a]; a++) {
		snprintf(buf, sizeof buf, "linux_%s", archs[a]);
		if ((r = vr_strv_push(&v, buf)) < 0)
			return r;
	}
	*ret = TAKE_PTR(v);
	return 0;
}

/* packaging.tags._generic_abi(): the ABI tag named by EXT_SUFFIX, normalised. */
static void
generic_abi(const char *ext_suffix, char *buf, size_t size)
{
	char soabi[TAG_MAX] = "";
	const char *s = ext_suffix && *ext_suffix == '.' ? ext_suffix + 1 : "";
	const char *dot = strchr(s, '.');
	size_t n = dot ? (size_t)(dot - s) : 0;
	char *dash;

	buf[0] = 0;
	if (!n || n >= sizeof soabi)
		return;
	memcpy(soabi, s, n);
	soabi[n] = 0;
	if (vr_startswith(soabi, "cpython-")) {
		dash = strchr(soabi + 8, '-');
		if (dash)
			*dash = 0;
		snprintf(buf, size, "cp%s", soabi + 8);
	} else if (vr_startswith(soabi, "cp")) {
		dash = strchr(soabi, '-');
		if (dash)
			*dash = 0;
		snprintf(buf, size, "%s", soabi);
	} else if (vr_startswith(soabi, "pypy") || vr_startswith(soabi, "graalpy")) {
		/* The first two dash-separated fields: "pypy39-pp73". */
		dash = strchr(soabi, '-');
		if (dash && (dash = strchr(dash + 1, '-')))
			*dash = 0;
		snprintf(buf, size, "%s", soabi);
	} else {
		snprintf(buf, size, "%s", soabi);
	}
	for (char *c = buf; *c; c++)
		if (*c == '-' || *c == '.')
			*c = '_';
		else
			*c = (char)tolower((unsigned char)*c);
}

int
vr_tags_supported(const struct vr_tag_facts *f, char ***ret)
{
	_cleanup_strv_free_ char **v = NULL, **plats = NULL;
	char interp[64], ver[24], abi[TAG_MAX], py[32];
	bool cpython, pypy;
	int r;

	if (!f || !ret || f->major < 2 || f->minor < 0 || !f->impl)
		return -EINVAL;
	cpython = streq(f->impl, "cpython");
	pypy = streq(f->impl, "pypy");
	snprintf(ver, sizeof ver, "%d%d", f->major, f->minor);

	if (!f->platform || streq(f->platform, "linux")) {
		r = linux_platforms(f, &plats);
		if (r < 0)
			return r;
	} else if ((r = vr_strv_push(&plats, f->platform)) < 0) {
		return r;
	}

	if (cpython) {
		/* cpython_tags(): cpXY with its own ABI (and the non-debug one a debug build
		 * also loads), abi3 unless free-threaded, none, then abi3 of older minors. */
		const char *flags = f->abiflags ? f->abiflags : "";
		bool threaded = strchr(flags, 't') != NULL;
		bool debug = strchr(flags, 'd') != NULL;
		bool abi3 = !threaded && (f->major > 3 || (f->major == 3 && f->minor >= 2));
		char abis[2][64];
		size_t nabis = 0;

		snprintf(interp, sizeof interp, "cp%s", ver);
		snprintf(abis[nabis++], sizeof abis[0], "cp%s%s", ver, flags);
		if (debug)
			snprintf(abis[nabis++], sizeof abis[0], "cp%s%s", ver, threaded ? "t" : "");
		for (size_t a = 0; a < nabis; a++)
			for (size_t p = 0; plats[p]; p++)
				if ((r = push_tag(&v, interp, abis[a], plats[p])) < 0)
					return r;
		for (size_t p = 0; abi3 && plats[p]; p++)
			if ((r = push_tag(&v, interp, "abi3", plats[p])) < 0)
				return r;
		for (size_t p = 0; plats[p]; p++)
			if ((r = push_tag(&v, interp, "none", plats[p])) < 0)
				return r;
		for (int m = f->minor - 1; abi3 && m > 1; m--) {
			char older[32];
			snprintf(older, sizeof older, "cp%d%d", f->major, m);
			for (size_t p = 0; plats[p]; p++)
				if ((r = push_tag(&v, older, "abi3", plats[p])) < 0)
					return r;
		}
	} else {
		/* generic_tags(): interpreter name + py_version_nodot, its EXT_SUFFIX ABI, none. */
		snprintf(interp, sizeof interp, "%s%s", pypy ? "pp" : f->impl, ver);
		generic_abi(f->ext_suffix, abi, sizeof abi);
		if (*abi && !streq(abi, "none"))
			for (size_t p = 0; plats[p]; p++)
				if ((r = push_tag(&v, interp, abi, plats[p])) < 0)
					return r;
		for (size_t p = 0; plats[p]; p++)
			if ((r = push_tag(&v, interp, "none", plats[p])) < 0)
				return r;
	}

	/* compatible_tags(): pyXY, pyX, pyX(Y-1) ... pyX0 with each platform, then the
	 * interpreter's none-any ("pp3" for PyPy, as sys_tags passes it), then py*-none-any. */
	for (int pass = 0; pass < 2; pass++) {
		if (pass == 1) {
			const char *ia = cpython ? interp : pypy ? "pp3" : NULL;
			if (ia && (r = push_tag(&v, ia, "none", "any")) < 0)
				return r;
		}
		for (int i = -2; i < f->minor; i++) {
			/* i == -2: pyXY; i == -1: pyX; then pyX(minor-1) down to pyX0 */
			if (i == -2)
				snprintf(py, sizeof py, "py%d%d", f->major, f->minor);
			else if (i == -1)
				snprintf(py, sizeof py, "py%d", f->major);
			else
				snprintf(py, sizeof py, "py%d%d", f->major, f->minor - 1 - i);
			if (pass == 0) {
				for (size_t p = 0; plats[p]; p++)
					if ((r = push_tag(&v, py, "none", plats[p])) < 0)
						return r;
			} else if ((r = push_tag(&v, py, "none", "any")) < 0) {
				return r;
			}
		}
	}
	*ret = TAKE_PTR(v);
	return 0;
}

int
vr_tags_rank(char *const *supported, const char *python, const char *abi, const char *platform)
{
	_cleanup_strv_free_ char **pys = NULL, **abis = NULL, **plats = NULL;
	int best = -1;

	if (!supported || vr_strv_split(python, '.', &pys) < 0 || vr_strv_split(abi, '.', &abis) < 0 ||
	    vr_strv_split(platform, '.', &plats) < 0)
		return -1;
	for (size_t i = 0; pys && pys[i]; i++)
		for (size_t j = 0; abis && abis[j]; j++)
			for (size_t k = 0; plats && plats[k]; k++) {
				char t[TAG_MAX];

				if ((size_t)snprintf(t, sizeof t, "%s-%s-%s", pys[i], abis[j], plats[k]) >= sizeof t)
					continue;
				for (int n = 0; supported[n] && (best < 0 || n < best); n++)
					if (streq(supported[n], t)) {
						best = n;
						break;
					}
			}
	return best;
}

/* ---- PEP 440 ---- */

static bool
take_word(const char **s, const char *word)
{
	size_t n = strlen(word);

	if (strncasecmp(*s, word, n) != 0)
		return false;
	*s += n;
	return true;
}

static bool
take_sep(const char **s)
{
	if (**s == '.' || **s == '-' || **s == '_') {
		(*s)++;
		return true;
	}
	return false;
}

static long long
take_number(const char **s, bool *ok)
{
	long long n = 0;

	*ok = isdigit((unsigned char)**s);
	for (; isdigit((unsigned char)**s); (*s)++) {
		if (n > (long long)1e15) {
			*ok = false;
			return 0;
		}
		n = n * 10 + (**s - '0');
	}
	return n;
}

int
vr_version_parse(const char *str, struct vr_version *ret)
{
	struct vr_version v = { .post = -1, .dev = -1 };
	const char *s = str, *save;
	long long n;
	bool ok;

	if (!str || !ret)
		return -EINVAL;
	while (isspace((unsigned char)*s))
		s++;
	if (*s == 'v' || *s == 'V')
		s++;
	n = take_number(&s, &ok);
	if (!ok)
		return -EINVAL;
	if (*s == '!') {
		v.epoch = n;
		s++;
		n = take_number(&s, &ok);
		if (!ok)
			return -EINVAL;
	}
	v.release[v.n_release++] = n;
	while (*s == '.' && isdigit((unsigned char)s[1])) {
		s++;
		if (v.n_release == VR_VERSION_PARTS)
			return -EINVAL;
		v.release[v.n_release++] = take_number(&s, &ok);
		if (!ok)
			return -EINVAL;
	}
	/* pre-release: [sep](a|b|c|rc|alpha|beta|pre|preview)[sep][N] */
	save = s;
	take_sep(&s);
	if (take_word(&s, "alpha") || take_word(&s, "a"))
		v.pre = 'a';
	else if (take_word(&s, "beta") || take_word(&s, "b"))
		v.pre = 'b';
	else if (take_word(&s, "rc") || take_word(&s, "c") || take_word(&s, "preview") || take_word(&s, "pre"))
		v.pre = 'c';
	if (v.pre) {
		const char *t = s;
		take_sep(&t);
		if (isdigit((unsigned char)*t)) {
			s = t;
			v.pre_n = take_number(&s, &ok);
		}
	} else {
		s = save;
	}
	/* post-release: -N, or [sep](post|rev|r)[sep][N] */
	save = s;
	if (*s == '-' && isdigit((unsigned char)s[1])) {
		s++;
		v.post = take_number(&s, &ok);
	} else {
		take_sep(&s);
		if (take_word(&s, "post") || take_word(&s, "rev") || take_word(&s, "r")) {
			const char *t = s;
			take_sep(&t);
			v.post = 0;
			if (isdigit((unsigned char)*t)) {
				s = t;
				v.post = take_number(&s, &ok);
			}
		} else {
			s = save;
		}
	}
	/* development release: [sep]dev[sep][N] */
	save = s;
	take_sep(&s);
	if (take_word(&s, "dev")) {
		const char *t = s;
		take_sep(&t);
		v.dev = 0;
		if (isdigit((unsigned char)*t)) {
			s = t;
			v.dev = take_number(&s, &ok);
		}
	} else {
		s = save;
	}
	if (*s == '+') {
		size_t k = 0;
		for (s++; isalnum((unsigned char)*s) || *s == '.' || *s == '-' || *s == '_'; s++) {
			if (k + 1 >= sizeof v.local)
				return -EINVAL;
			v.local[k++] = *s == '-' || *s == '_' ? '.' : (char)tolower((unsigned char)*s);
		}
		v.local[k] = 0;
		if (!k)
			return -EINVAL;
	}
	while (isspace((unsigned char)*s))
		s++;
	if (*s)
		return -EINVAL;
	*ret = v;
	return 0;
}

bool
vr_version_is_prerelease(const struct vr_version *v)
{
	return v->pre || v->dev >= 0;
}

static int
cmp_ll(long long a, long long b)
{
	return a < b ? -1 : a > b;
}

static int
cmp_release(const struct vr_version *a, const struct vr_version *b)
{
	int n = a->n_release > b->n_release ? a->n_release : b->n_release;

	for (int i = 0; i < n; i++) {
		long long x = i < a->n_release ? a->release[i] : 0, y = i < b->n_release ? b->release[i] : 0;
		if (x != y)
			return cmp_ll(x, y);
	}
	return 0;
}

/* Local segments: numbers sort after words, numbers numerically; a longer version after
 * its prefix. */
static int
cmp_local(const char *a, const char *b)
{
	if (!*a || !*b)
		return *a ? 1 : *b ? -1 : 0;
	while (*a && *b) {
		size_t la = strcspn(a, "."), lb = strcspn(b, ".");
		bool na = strspn(a, "0123456789") == la, nb = strspn(b, "0123456789") == lb;
		int c;

		if (na && nb)
			c = cmp_ll(strtoll(a, NULL, 10), strtoll(b, NULL, 10));
		else if (na != nb)
			c = na ? 1 : -1;
		else {
			c = strncmp(a, b, la < lb ? la : lb);
			if (!c)
				c = cmp_ll((long long)la, (long long)lb);
		}
		if (c)
			return c;
		a += la + (a[la] == '.');
		b += lb + (b[lb] == '.');
	}
	return *a ? 1 : *b ? -1 : 0;
}

/* The pre-release key of packaging's _cmpkey: a bare .devN sorts before any pre-release,
 * no pre-release at all after every one. */
static long long
pre_key(const struct vr_version *v, long long *n)
{
	*n = v->pre_n;
	if (!v->pre && v->post < 0 && v->dev >= 0)
		return -1;
	if (!v->pre)
		return 1000;
	return v->pre;
}

static int
compare(const struct vr_version *a, const struct vr_version *b, bool with_local)
{
	long long an, bn;
	int c;

	if ((c = cmp_ll(a->epoch, b->epoch)) || (c = cmp_release(a, b)))
		return c;
	if ((c = cmp_ll(pre_key(a, &an), pre_key(b, &bn))) || (c = cmp_ll(an, bn)))
		return c;
	/* no post-release sorts first; no dev-release last */
	if ((c = cmp_ll(a->post, b->post)))
		return c;
	if ((c = cmp_ll(a->dev < 0 ? (long long)1e18 : a->dev, b->dev < 0 ? (long long)1e18 : b->dev)))
		return c;
	return with_local ? cmp_local(a->local, b->local) : 0;
}

int
vr_version_compare(const struct vr_version *a, const struct vr_version *b)
{
	return compare(a, b, true);
}

/* The same release with no pre-, post-, dev- or local part ("base_version"). */
static struct vr_version
base_version(const struct vr_version *v)
{
	struct vr_version b = *v;

	b.pre = 0;
	b.pre_n = 0;
	b.post = -1;
	b.dev = -1;
	b.local[0] = 0;
	return b;
}

/* "==X.Y.*": the candidate's release, padded with zeros, begins with X.Y. */
static bool
prefix_match(const struct vr_version *c, const struct vr_version *prefix)
{
	if (c->epoch != prefix->epoch)
		return false;
	for (int i = 0; i < prefix->n_release; i++)
		if ((i < c->n_release ? c->release[i] : 0) != prefix->release[i])
			return false;
	return true;
}

static int
match_one(const char *clause, const struct vr_version *c, const char *cstr)
{
	static const char *const ops[] = { "===", "~=", "==", "!=", "<=", ">=", "<", ">" };
	const char *op = NULL, *rest;
	char vtext[128];
	struct vr_version s;
	bool wildcard = false;
	size_t n;

	for (size_t i = 0; i < ELEMENTSOF(ops) && !op; i++)
		if (vr_startswith(clause, ops[i]))
			op = ops[i];
	if (!op)
		return -EINVAL;
	rest = clause + strlen(op);
	while (isspace((unsigned char)*rest))
		rest++;
	n = strlen(rest);
	while (n && isspace((unsigned char)rest[n - 1]))
		n--;
	if (!n || n >= sizeof vtext)
		return -EINVAL;
	memcpy(vtext, rest, n);
	vtext[n] = 0;
	if (streq(op, "==="))
		return strcasecmp(vtext, cstr) == 0;
	if ((streq(op, "==") || streq(op, "!=")) && n > 2 && streq(vtext + n - 2, ".*")) {
		wildcard = true;
		vtext[n - 2] = 0;
	}
	if (vr_version_parse(vtext, &s) < 0)
		return -EINVAL;
	if (wildcard) {
		bool m = prefix_match(c, &s);
		return streq(op, "==") ? m : !m;
	}
	if (streq(op, "==") || streq(op, "!=")) {
		/* A spec without a local part ignores the candidate's. */
		bool m = compare(c, &s, s.local[0] != 0) == 0;
		return streq(op, "==") ? m : !m;
	}
	if (streq(op, "~=")) {
		struct vr_version p = base_version(&s);
		if (s.n_release < 2)
			return -EINVAL;
		p.n_release--;
		return compare(c, &s, false) >= 0 && prefix_match(c, &p);
	}
	if (streq(op, "<="))
		return compare(c, &s, false) <= 0;
	if (streq(op, ">="))
		return compare(c, &s, false) >= 0;
	if (streq(op, "<")) {
		struct vr_version cb = base_version(c), sb = base_version(&s);
		if (compare(c, &s, false) >= 0)
			return 0;
		/* <3.8 does not admit 3.8.0rc1, unless the spec is itself a pre-release. */
		if (!vr_version_is_prerelease(&s) && vr_version_is_prerelease(c) && compare(&cb, &sb, false) == 0)
			return 0;
		return 1;
	}
	/* ">" */
	{
		struct vr_version cb = base_version(c), sb = base_version(&s);
		if (compare(c, &s, false) <= 0)
			return 0;
		/* >3.8 does not admit 3.8.post1 (unless the spec is a post-release) nor 3.8+local. */
		if (s.post < 0 && c->post >= 0 && compare(&cb, &sb, false) == 0)
			return 0;
		if (c->local[0] && compare(&cb, &sb, false) == 0)
			return 0;
		return 1;
	}
}

int
vr_specifier_match(const char *spec, const char *version, const char *where, struct vr_error *err)
{
	_cleanup_strv_free_ char **clauses = NULL;
	struct vr_version c;

	if (!spec || !version)
		return vr_error_set(err, EINVAL, "specifier");
	if (vr_version_parse(version, &c) < 0)
		return vr_error_set_at(err, EINVAL, where ? where : "", "'%s' is not a PEP 440 version", version);
	if (vr_strv_split(spec, ',', &clauses) < 0)
		return vr_error_set(err, ENOMEM, "specifier");
	for (size_t i = 0; clauses && clauses[i]; i++) {
		const char *cl = clauses[i];
		int m;

		while (isspace((unsigned char)*cl))
			cl++;
		if (!*cl)
			continue;
		m = match_one(cl, &c, version);
		if (m < 0)
			return vr_error_set_at(err, EINVAL, where ? where : "",
					       "'%s' is not a PEP 440 version specifier", cl);
		if (!m)
			return 0;
	}
	return 1;
}

int
vr_dist_name_normalize(const char *name, char *buf, size_t size)
{
	size_t k = 0;

	if (!name || !*name)
		return -EINVAL;
	for (const char *s = name; *s; s++) {
		char c = *s;

		if (c == '-' || c == '_' || c == '.') {
			while (s[1] == '-' || s[1] == '_' || s[1] == '.')
				s++;
			c = '_';
		} else if (!isalnum((unsigned char)c)) {
			return -EINVAL;
		}
		if (k + 1 >= size)
			return -EINVAL;
		buf[k++] = (char)tolower((unsigned char)c);
	}
	buf[k] = 0;
	return 0;
}
