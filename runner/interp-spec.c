/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "interp-spec.h"
#include "macro.h"

static const struct {
	const char *name;
	const char *impl;
} impl_names[] = {
	/* Longest first, so that "cpython" is not read as "c" + "python". */
	{ "cpython", "cpython" }, { "python", "" }, { "pypy", "pypy" }, { "py", "" },
	{ "cp", "cpython" },	  { "pp", "pypy" },
};

/* Parse up to three dot-separated numbers; returns how many, or -1 on a bad number. */
static int
parse_numbers(const char **pp, int v[3], bool *wildcard)
{
	const char *p = *pp;
	int n = 0;

	if (wildcard)
		*wildcard = false;
	while (n < 3 && isdigit((unsigned char)*p)) {
		long x = 0;

		while (isdigit((unsigned char)*p)) {
			x = x * 10 + (*p - '0');
			if (x > 9999)
				return -1;
			p++;
		}
		v[n++] = (int)x;
		if (*p != '.')
			break;
		if (wildcard && p[1] == '*') {
			*wildcard = true;
			p += 2;
			break;
		}
		if (!isdigit((unsigned char)p[1]))
			return -1;
		p++;
	}
	*pp = p;
	return n;
}

static const char *
parse_impl(const char *p, char impl[16])
{
	impl[0] = 0;
	for (size_t i = 0; i < ELEMENTSOF(impl_names); i++) {
		size_t n = strlen(impl_names[i].name);

		if (strncasecmp(p, impl_names[i].name, n) == 0) {
			snprintf(impl, 16, "%s", impl_names[i].impl);
			return p + n;
		}
	}
	return p;
}

static int
parse_range(const char *p, struct vr_python_spec *s, struct vr_error *err)
{
	static const struct {
		const char *tok;
		enum vr_spec_op op;
	} ops[] = {
		{ "===", VR_OP_ARBITRARY }, { "~=", VR_OP_COMPAT }, { "==", VR_OP_EQ }, { "!=", VR_OP_NE },
		{ "<=", VR_OP_LE },	    { ">=", VR_OP_GE },	    { "<", VR_OP_LT },	{ ">", VR_OP_GT },
	};

	for (;;) {
		struct vr_spec_clause *c;
		size_t i;
		int n;

		while (*p == ' ')
			p++;
		if (s->nclauses == VR_SPEC_MAX_CLAUSES)
			return vr_error_set(err, VR_ERR_BAD_SPEC, "'%s': more than %d clauses", s->text,
					    VR_SPEC_MAX_CLAUSES);
		c = &s->clauses[s->nclauses];
		for (i = 0; i < ELEMENTSOF(ops); i++)
			if (vr_startswith(p, ops[i].tok))
				break;
		if (i == ELEMENTSOF(ops))
			return vr_error_set(err, VR_ERR_BAD_SPEC,
					    "'%s': expected an operator (>=, <, ==, ~=, ...) at '%s'", s->text, p);
		c->op = ops[i].op;
		p += strlen(ops[i].tok);
		while (*p == ' ')
			p++;
		n = parse_numbers(&p, c->v, &c->wildcard);
		if (n <= 0)
			return vr_error_set(err, VR_ERR_BAD_SPEC,
					    "'%s': expected a version such as 3.12 after the operator", s->text);
		c->n = n;
		if (c->wildcard && c->op != VR_OP_EQ && c->op != VR_OP_NE)
			return vr_error_set(err, VR_ERR_BAD_SPEC, "'%s': '.*' is allowed only with == and !=", s->text);
		if (c->op == VR_OP_COMPAT && n < 2)
			return vr_error_set(err, VR_ERR_BAD_SPEC, "'%s': ~= needs at least two version parts", s->text);
		s->nclauses++;
		while (*p == ' ')
			p++;
		if (*p == 0)
			return 0;
		if (*p != ',')
			return vr_error_set(err, VR_ERR_BAD_SPEC,
					    "'%s': unexpected '%s' (pre-release and local versions are not supported)",
					    s->text, p);
		p++;
	}
}

int
vr_python_spec_parse(const char *text, struct vr_python_spec *spec, struct vr_error *err)
{
	struct vr_python_spec s = { 0 };
	const char *p;
	int n;

	if (!text || !*text)
		return vr_error_set(err, VR_ERR_BAD_SPEC, "empty interpreter spec");
	/* A path is bounded by what the kernel takes, not by the spec grammar; text is only
	 * kept for messages, so a long path is stored shortened. */
	if (strchr(text, '/')) {
		if (strlen(text) >= PATH_MAX)
			return vr_error_set(err, VR_ERR_BAD_SPEC, "interpreter path longer than %d bytes",
					    PATH_MAX - 1);
		/* Shortened on purpose; s.text was zeroed, so it stays terminated. */
		memcpy(s.text, text, strnlen(text, sizeof s.text - 1));
		s.kind = VR_SPEC_PATH;
		*spec = s;
		return 0;
	}
	if (strlen(text) >= sizeof s.text)
		return vr_error_set(err, VR_ERR_BAD_SPEC, "interpreter spec longer than %zu bytes", sizeof s.text - 1);
	snprintf(s.text, sizeof s.text, "%s", text);

	p = parse_impl(text, s.impl);
	if (strpbrk(p, "<>=!~,")) {
		s.kind = VR_SPEC_RANGE;
		n = parse_range(p, &s, err);
		if (n < 0)
			return n;
		*spec = s;
		return 0;
	}

	s.kind = VR_SPEC_VERSION;
	n = parse_numbers(&p, s.v, NULL);
	if (n < 0)
		return vr_error_set(err, VR_ERR_BAD_SPEC, "'%s': bad version number", text);
	s.nv = n;
	if (*p == 't') {
		if (n < 2)
			return vr_error_set(err, VR_ERR_BAD_SPEC,
					    "'%s': the free-threaded 't' needs a major.minor version such as 3.13t",
					    text);
		s.free_threaded = true;
		p++;
	}
	if (streq(p, "-64") || streq(p, "-32")) {
		s.bits = p[1] == '6' ? 64 : 32;
		p += 3;
	}
	if (*p)
		return vr_error_set(err, VR_ERR_BAD_SPEC,
				    "'%s': not a path, version (3.12), implementation and version (pypy3.9, "
				    "cpython3.12-64) or range (>=3.10,<3.13)",
				    text);
	*spec = s;
	return 0;
}

static int
cmp3(const int a[3], const int b[3], int n)
{
	for (int i = 0; i < n; i++)
		if (a[i] != b[i])
			return a[i] < b[i] ? -1 : 1;
	return 0;
}

static bool
clause_matches(const struct vr_spec_clause *c, const int v[3])
{
	int padded[3] = { 0, 0, 0 };
	int c3 = 0;

	memcpy(padded, c->v, (size_t)c->n * sizeof(int));
	switch (c->op) {
	case VR_OP_EQ:
	case VR_OP_ARBITRARY:
		return c->wildcard ? cmp3(v, c->v, c->n) == 0 : cmp3(v, padded, 3) == 0;
	case VR_OP_NE:
		return c->wildcard ? cmp3(v, c->v, c->n) != 0 : cmp3(v, padded, 3) != 0;
	case VR_OP_COMPAT:
		/* ~=X.Y means >=X.Y, ==X.*; ~=X.Y.Z means >=X.Y.Z, ==X.Y.* */
		return cmp3(v, padded, 3) >= 0 && cmp3(v, c->v, c->n - 1) == 0;
	default:
		break;
	}
	c3 = cmp3(v, padded, 3);
	switch (c->op) {
	case VR_OP_LT:
		return c3 < 0;
	case VR_OP_LE:
		return c3 <= 0;
	case VR_OP_GT:
		return c3 > 0;
	case VR_OP_GE:
		return c3 >= 0;
	default:
		return false;
	}
}

bool
vr_python_spec_matches(const struct vr_python_spec *spec, const struct vr_spec_facts *f)
{
	if (spec->kind == VR_SPEC_PATH)
		return true;
	if (spec->impl[0] && !streq(spec->impl, f->impl))
		return false;
	if (spec->bits && spec->bits != f->bits)
		return false;
	if (spec->kind == VR_SPEC_RANGE) {
		for (int i = 0; i < spec->nclauses; i++)
			if (!clause_matches(&spec->clauses[i], f->v))
				return false;
		/* A range says nothing of free threading: prefer the default build. */
		return !f->free_threaded;
	}
	if (spec->free_threaded != f->free_threaded)
		return false;
	return cmp3(f->v, spec->v, spec->nv) == 0;
}

bool
vr_python_spec_is_command_like(const char *text)
{
	if (!text || !*text || strlen(text) > NAME_MAX)
		return false;
	/* A bare version ("3.12") is never looked up as a command. */
	if (isdigit((unsigned char)text[0]))
		return false;
	for (const char *p = text; *p; p++)
		if (!isalnum((unsigned char)*p) && !strchr("._+-", *p))
			return false;
	return true;
}
