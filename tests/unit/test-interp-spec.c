/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Interpreter specs (the -p argument): every form the grammar in venvrun/interpreter.h
 * allows, what each parses into, what it matches, and the forms that must be refused.
 */
#include "config.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "venvrun/error.h"

#include "interp-spec.h"
#include "testlib.h"

/* --- helpers ----------------------------------------------------------------------------- */

static struct vr_spec_facts
facts(const char *impl, int major, int minor, int micro, bool free_threaded, int bits)
{
	return (struct vr_spec_facts){
		.impl = impl,
		.v = { major, minor, micro },
		.free_threaded = free_threaded,
		.bits = bits,
	};
}

/* The usual interpreters, 64-bit, default (GIL) build. */
#define CP(a, b, c) facts("cpython", (a), (b), (c), false, 64)
#define PP(a, b, c) facts("pypy", (a), (b), (c), false, 64)
#define CP_FT(a, b, c) facts("cpython", (a), (b), (c), true, 64)
#define CP32(a, b, c) facts("cpython", (a), (b), (c), false, 32)

/* Parse a spec that must parse; the test fails with the parser's message otherwise. */
static struct vr_python_spec
parse_ok(const char *text)
{
	struct vr_python_spec s;
	struct vr_error err = VR_ERROR_INIT;
	int r;

	memset(&s, 0, sizeof s);
	r = vr_python_spec_parse(text, &s, &err);
	if (r != 0)
		fprintf(stderr, "parsing '%s' failed: %s\n", text, err.message);
	ck_assert_int_eq(r, 0);
	ck_assert_int_eq(err.code, 0);
	ck_assert_str_eq(s.text, text);
	return s;
}

/* A macro, so that a failure names the line of the case and not of a helper. */
#define assert_match(text, f, want)                                                                              \
	do {                                                                                                     \
		struct vr_python_spec s_ = parse_ok(text);                                                       \
		struct vr_spec_facts f_ = (f);                                                                   \
		int got_ = vr_python_spec_matches(&s_, &f_);                                                     \
		if (got_ != (int)(want))                                                                         \
			fprintf(stderr, "'%s' against %s %d.%d.%d%s (%d-bit): got %s, want %s\n", text, f_.impl, \
				f_.v[0], f_.v[1], f_.v[2], f_.free_threaded ? "t" : "", f_.bits,                 \
				got_ ? "match" : "no match", (want) ? "match" : "no match");                     \
		ck_assert_int_eq(got_, (int)(want));                                                             \
	} while (0)
#define MATCH(text, f) assert_match((text), (f), true)
#define NO_MATCH(text, f) assert_match((text), (f), false)

/* A spec that must be refused: VR_ERR_BAD_SPEC, negative, with a message, and the
 * out-parameter left exactly as it was (results are written only on success). */
static void
assert_bad(const char *text)
{
	struct vr_python_spec s, before;
	struct vr_error err = VR_ERROR_INIT;
	int r;

	memset(&s, 0x5a, sizeof s);
	before = s;
	r = vr_python_spec_parse(text, &s, &err);
	if (r != -VR_ERR_BAD_SPEC)
		fprintf(stderr, "'%s': expected -VR_ERR_BAD_SPEC, got %d\n", text ? text : "(null)", r);
	ck_assert_int_eq(r, -VR_ERR_BAD_SPEC);
	ck_assert_int_eq(err.code, VR_ERR_BAD_SPEC);
	ck_assert_int_gt((int)strlen(err.message), 0);
	ck_assert_mem_eq(&s, &before, sizeof s);
	/* A NULL error record is allowed and changes nothing but the return value. */
	ck_assert_int_eq(vr_python_spec_parse(text, &s, NULL), -VR_ERR_BAD_SPEC);
	ck_assert_mem_eq(&s, &before, sizeof s);
}

/* --- paths ------------------------------------------------------------------------------- */

START_TEST(path_specs)
{
	static const char *const paths[] = {
		"/usr/bin/python3",
		"./python",
		"../venv/bin/python",
		"bin/python3.12",
		"~/pythons/3.12/bin/python",
		"/opt/py thon/bin/python3", /* a space is fine in a path */
		"/x/>=3.10",		    /* so is what would be an operator elsewhere */
	};

	for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++) {
		struct vr_python_spec s = parse_ok(paths[i]);

		ck_assert_int_eq(s.kind, VR_SPEC_PATH);
		ck_assert_str_eq(s.impl, "");
		ck_assert_int_eq(s.nv, 0);
		ck_assert_int_eq(s.nclauses, 0);
	}
	/* A path names one file: whatever that file turns out to be, it is the match. */
	MATCH("/usr/bin/python3", CP(3, 12, 1));
	MATCH("/usr/bin/python3", PP(3, 9, 16));
	MATCH("/usr/bin/python3", CP_FT(3, 13, 0));
	MATCH("/usr/bin/python3", facts("graalpy", 3, 10, 8, false, 32));
}
END_TEST

/* --- versions ---------------------------------------------------------------------------- */

START_TEST(version_major)
{
	struct vr_python_spec s = parse_ok("3");

	ck_assert_int_eq(s.kind, VR_SPEC_VERSION);
	ck_assert_str_eq(s.impl, "");
	ck_assert_int_eq(s.nv, 1);
	ck_assert_int_eq(s.v[0], 3);
	ck_assert_int_eq(s.free_threaded, false);
	ck_assert_int_eq(s.bits, 0);

	MATCH("3", CP(3, 0, 0));
	MATCH("3", CP(3, 12, 1));
	MATCH("3", PP(3, 9, 16));
	MATCH("3", CP32(3, 11, 2));
	NO_MATCH("3", CP(2, 7, 18));
	NO_MATCH("3", CP(4, 0, 0));
	/* A plain version asks for the default build, not a free-threaded one. */
	NO_MATCH("3", CP_FT(3, 13, 0));
}
END_TEST

START_TEST(version_minor)
{
	struct vr_python_spec s = parse_ok("3.12");

	ck_assert_int_eq(s.kind, VR_SPEC_VERSION);
	ck_assert_str_eq(s.impl, "");
	ck_assert_int_eq(s.nv, 2);
	ck_assert_int_eq(s.v[0], 3);
	ck_assert_int_eq(s.v[1], 12);
	ck_assert_int_eq(s.free_threaded, false);
	ck_assert_int_eq(s.bits, 0);

	MATCH("3.12", CP(3, 12, 0));
	MATCH("3.12", CP(3, 12, 7));
	MATCH("3.12", PP(3, 12, 1));
	NO_MATCH("3.12", CP(3, 1, 2));
	NO_MATCH("3.12", CP(3, 11, 12));
	NO_MATCH("3.12", CP(3, 13, 0));
	NO_MATCH("3.12", CP(2, 12, 0));
	/* Numbers compare as numbers: 3.1 is not a prefix of 3.12. */
	NO_MATCH("3.1", CP(3, 12, 1));
	MATCH("3.1", CP(3, 1, 5));
}
END_TEST

START_TEST(version_micro)
{
	struct vr_python_spec s = parse_ok("3.12.1");

	ck_assert_int_eq(s.kind, VR_SPEC_VERSION);
	ck_assert_int_eq(s.nv, 3);
	ck_assert_int_eq(s.v[0], 3);
	ck_assert_int_eq(s.v[1], 12);
	ck_assert_int_eq(s.v[2], 1);

	MATCH("3.12.1", CP(3, 12, 1));
	NO_MATCH("3.12.1", CP(3, 12, 10));
	NO_MATCH("3.12.1", CP(3, 12, 0));
	NO_MATCH("3.12.1", CP(3, 11, 1));
	/* Leading zeros are just numbers. */
	MATCH("3.012.01", CP(3, 12, 1));
}
END_TEST

START_TEST(implementation_and_version)
{
	struct vr_python_spec s;

	s = parse_ok("cpython3.12");
	ck_assert_int_eq(s.kind, VR_SPEC_VERSION);
	ck_assert_str_eq(s.impl, "cpython");
	ck_assert_int_eq(s.nv, 2);
	ck_assert_int_eq(s.v[0], 3);
	ck_assert_int_eq(s.v[1], 12);

	s = parse_ok("pypy3.9");
	ck_assert_int_eq(s.kind, VR_SPEC_VERSION);
	ck_assert_str_eq(s.impl, "pypy");
	ck_assert_int_eq(s.nv, 2);
	ck_assert_int_eq(s.v[0], 3);
	ck_assert_int_eq(s.v[1], 9);

	/* "py" and "python" name no implementation: any will do. */
	s = parse_ok("py3");
	ck_assert_int_eq(s.kind, VR_SPEC_VERSION);
	ck_assert_str_eq(s.impl, "");
	ck_assert_int_eq(s.nv, 1);
	ck_assert_int_eq(s.v[0], 3);

	s = parse_ok("python3.11");
	ck_assert_int_eq(s.kind, VR_SPEC_VERSION);
	ck_assert_str_eq(s.impl, "");
	ck_assert_int_eq(s.nv, 2);
	ck_assert_int_eq(s.v[0], 3);
	ck_assert_int_eq(s.v[1], 11);

	/* An implementation alone: any version of it. */
	s = parse_ok("pypy");
	ck_assert_str_eq(s.impl, "pypy");
	ck_assert_int_eq(s.nv, 0);

	/* Case does not matter in the name; the facts are lower case. */
	s = parse_ok("CPython3.12");
	ck_assert_str_eq(s.impl, "cpython");
	s = parse_ok("PyPy3.9");
	ck_assert_str_eq(s.impl, "pypy");

	MATCH("cpython3.12", CP(3, 12, 1));
	NO_MATCH("cpython3.12", PP(3, 12, 1));
	NO_MATCH("cpython3.12", CP(3, 11, 1));
	MATCH("pypy3.9", PP(3, 9, 16));
	NO_MATCH("pypy3.9", CP(3, 9, 18));
	NO_MATCH("pypy3.9", PP(3, 10, 14));
	MATCH("py3", CP(3, 11, 2));
	MATCH("py3", PP(3, 9, 16));
	NO_MATCH("py3", CP(2, 7, 18));
	MATCH("python3.11", CP(3, 11, 7));
	MATCH("python3.11", PP(3, 11, 0));
	NO_MATCH("python3.11", CP(3, 12, 1));
	MATCH("pypy", PP(3, 10, 14));
	NO_MATCH("pypy", CP(3, 10, 14));
	MATCH("CPython3.12", CP(3, 12, 1));
	NO_MATCH("cpython3.12", facts("graalpy", 3, 12, 1, false, 64));
}
END_TEST

START_TEST(pointer_bits)
{
	struct vr_python_spec s;

	s = parse_ok("3.12-64");
	ck_assert_int_eq(s.kind, VR_SPEC_VERSION);
	ck_assert_int_eq(s.nv, 2);
	ck_assert_int_eq(s.bits, 64);

	s = parse_ok("cpython3.11-32");
	ck_assert_str_eq(s.impl, "cpython");
	ck_assert_int_eq(s.nv, 2);
	ck_assert_int_eq(s.bits, 32);

	s = parse_ok("-64");
	ck_assert_int_eq(s.kind, VR_SPEC_VERSION);
	ck_assert_int_eq(s.nv, 0);
	ck_assert_int_eq(s.bits, 64);

	s = parse_ok("-32");
	ck_assert_int_eq(s.nv, 0);
	ck_assert_int_eq(s.bits, 32);

	MATCH("3.12-64", CP(3, 12, 1));
	NO_MATCH("3.12-64", CP32(3, 12, 1));
	MATCH("cpython3.11-32", CP32(3, 11, 2));
	NO_MATCH("cpython3.11-32", CP(3, 11, 2));
	MATCH("-64", PP(3, 9, 16));
	NO_MATCH("-64", CP32(3, 9, 16));
	MATCH("-32", CP32(3, 7, 0));
	NO_MATCH("-32", CP(3, 7, 0));
	/* Without a width, either does. */
	MATCH("3.12", CP32(3, 12, 1));
}
END_TEST

START_TEST(free_threaded)
{
	struct vr_python_spec s;

	s = parse_ok("3.13t");
	ck_assert_int_eq(s.kind, VR_SPEC_VERSION);
	ck_assert_int_eq(s.nv, 2);
	ck_assert_int_eq(s.v[0], 3);
	ck_assert_int_eq(s.v[1], 13);
	ck_assert_int_eq(s.free_threaded, true);
	ck_assert_int_eq(s.bits, 0);

	s = parse_ok("3.13.1t");
	ck_assert_int_eq(s.nv, 3);
	ck_assert_int_eq(s.free_threaded, true);

	s = parse_ok("python3.13t");
	ck_assert_str_eq(s.impl, "");
	ck_assert_int_eq(s.free_threaded, true);

	s = parse_ok("3.13t-64");
	ck_assert_int_eq(s.free_threaded, true);
	ck_assert_int_eq(s.bits, 64);

	/* "t" matches only the free-threaded build ... */
	MATCH("3.13t", CP_FT(3, 13, 0));
	MATCH("3.13t", CP_FT(3, 13, 2));
	NO_MATCH("3.13t", CP(3, 13, 0));
	NO_MATCH("3.13t", CP_FT(3, 14, 0));
	MATCH("3.13.1t", CP_FT(3, 13, 1));
	NO_MATCH("3.13.1t", CP_FT(3, 13, 0));
	MATCH("python3.13t", CP_FT(3, 13, 0));
	MATCH("3.13t-64", CP_FT(3, 13, 0));
	NO_MATCH("3.13t-64", facts("cpython", 3, 13, 0, true, 32));
	/* ... and without it only the default build matches. */
	MATCH("3.13", CP(3, 13, 0));
	NO_MATCH("3.13", CP_FT(3, 13, 0));
	NO_MATCH("3.13.0", CP_FT(3, 13, 0));
	NO_MATCH("cpython3.13", CP_FT(3, 13, 0));
}
END_TEST

/* --- PEP 440 ranges ---------------------------------------------------------------------- */

START_TEST(range_two_clauses)
{
	struct vr_python_spec s = parse_ok(">=3.10,<3.13");

	ck_assert_int_eq(s.kind, VR_SPEC_RANGE);
	ck_assert_str_eq(s.impl, "");
	ck_assert_int_eq(s.nclauses, 2);
	ck_assert_int_eq(s.clauses[0].op, VR_OP_GE);
	ck_assert_int_eq(s.clauses[0].n, 2);
	ck_assert_int_eq(s.clauses[0].v[0], 3);
	ck_assert_int_eq(s.clauses[0].v[1], 10);
	ck_assert_int_eq(s.clauses[0].wildcard, false);
	ck_assert_int_eq(s.clauses[1].op, VR_OP_LT);
	ck_assert_int_eq(s.clauses[1].n, 2);
	ck_assert_int_eq(s.clauses[1].v[0], 3);
	ck_assert_int_eq(s.clauses[1].v[1], 13);

	MATCH(">=3.10,<3.13", CP(3, 10, 0));
	MATCH(">=3.10,<3.13", CP(3, 11, 2));
	MATCH(">=3.10,<3.13", CP(3, 12, 99));
	MATCH(">=3.10,<3.13", PP(3, 10, 14));
	NO_MATCH(">=3.10,<3.13", CP(3, 9, 18));
	NO_MATCH(">=3.10,<3.13", CP(3, 13, 0));
	NO_MATCH(">=3.10,<3.13", CP(4, 0, 0));
	/* 3.10 > 3.9 as numbers, not as strings. */
	NO_MATCH(">=3.10,<3.13", CP(3, 1, 0));
}
END_TEST

START_TEST(range_single_operators)
{
	/* Omitted parts are zeros (PEP 440 padding): <=3.12 is <=3.12.0. */
	MATCH("<=3.12", CP(3, 12, 0));
	NO_MATCH("<=3.12", CP(3, 12, 1));
	MATCH("<=3.12", CP(3, 11, 9));
	MATCH(">3.11", CP(3, 11, 1));
	NO_MATCH(">3.11", CP(3, 11, 0));
	MATCH(">3.11", CP(3, 12, 0));
	MATCH("<3.13", CP(3, 12, 9));
	NO_MATCH("<3.13", CP(3, 13, 0));
	MATCH(">=3", CP(3, 0, 0));
	NO_MATCH(">=3", CP(2, 7, 18));
	MATCH(">=3.12.1", CP(3, 12, 1));
	NO_MATCH(">=3.12.1", CP(3, 12, 0));
	MATCH("<3", CP(2, 7, 18));
	NO_MATCH("<3", CP(3, 0, 0));
}
END_TEST

START_TEST(range_compatible_release)
{
	struct vr_python_spec s = parse_ok("~=3.10");

	ck_assert_int_eq(s.kind, VR_SPEC_RANGE);
	ck_assert_int_eq(s.nclauses, 1);
	ck_assert_int_eq(s.clauses[0].op, VR_OP_COMPAT);
	ck_assert_int_eq(s.clauses[0].n, 2);

	/* ~=3.10 is >=3.10, ==3.* */
	MATCH("~=3.10", CP(3, 10, 0));
	MATCH("~=3.10", CP(3, 10, 13));
	MATCH("~=3.10", CP(3, 13, 1));
	NO_MATCH("~=3.10", CP(3, 9, 18));
	NO_MATCH("~=3.10", CP(4, 0, 0));
	NO_MATCH("~=3.10", CP(2, 10, 0));

	s = parse_ok("~=3.10.2");
	ck_assert_int_eq(s.clauses[0].op, VR_OP_COMPAT);
	ck_assert_int_eq(s.clauses[0].n, 3);
	ck_assert_int_eq(s.clauses[0].v[2], 2);

	/* ~=3.10.2 is >=3.10.2, ==3.10.* */
	MATCH("~=3.10.2", CP(3, 10, 2));
	MATCH("~=3.10.2", CP(3, 10, 13));
	NO_MATCH("~=3.10.2", CP(3, 10, 1));
	NO_MATCH("~=3.10.2", CP(3, 11, 0));
	NO_MATCH("~=3.10.2", CP(3, 9, 20));
}
END_TEST

START_TEST(range_wildcards)
{
	struct vr_python_spec s = parse_ok("==3.12.*");

	ck_assert_int_eq(s.kind, VR_SPEC_RANGE);
	ck_assert_int_eq(s.nclauses, 1);
	ck_assert_int_eq(s.clauses[0].op, VR_OP_EQ);
	ck_assert_int_eq(s.clauses[0].n, 2);
	ck_assert_int_eq(s.clauses[0].wildcard, true);

	MATCH("==3.12.*", CP(3, 12, 0));
	MATCH("==3.12.*", CP(3, 12, 8));
	NO_MATCH("==3.12.*", CP(3, 11, 9));
	NO_MATCH("==3.12.*", CP(3, 13, 0));
	NO_MATCH("==3.12.*", CP(3, 1, 2));
	MATCH("==3.*", CP(3, 7, 1));
	NO_MATCH("==3.*", CP(2, 7, 18));

	s = parse_ok("!=3.11.*");
	ck_assert_int_eq(s.clauses[0].op, VR_OP_NE);
	ck_assert_int_eq(s.clauses[0].n, 2);
	ck_assert_int_eq(s.clauses[0].wildcard, true);

	MATCH("!=3.11.*", CP(3, 10, 13));
	MATCH("!=3.11.*", CP(3, 12, 1));
	NO_MATCH("!=3.11.*", CP(3, 11, 0));
	NO_MATCH("!=3.11.*", CP(3, 11, 7));

	MATCH(">=3.8,!=3.9.*,<3.12", CP(3, 8, 0));
	MATCH(">=3.8,!=3.9.*,<3.12", CP(3, 10, 1));
	NO_MATCH(">=3.8,!=3.9.*,<3.12", CP(3, 9, 5));
	NO_MATCH(">=3.8,!=3.9.*,<3.12", CP(3, 12, 0));
	NO_MATCH(">=3.8,!=3.9.*,<3.12", CP(3, 7, 9));
}
END_TEST

START_TEST(range_exact_pads)
{
	struct vr_python_spec s = parse_ok("==3.12");

	ck_assert_int_eq(s.kind, VR_SPEC_RANGE);
	ck_assert_int_eq(s.clauses[0].op, VR_OP_EQ);
	ck_assert_int_eq(s.clauses[0].n, 2);
	ck_assert_int_eq(s.clauses[0].wildcard, false);

	/* == pads with zeros: ==3.12 is ==3.12.0, unlike the prefix "3.12". */
	MATCH("==3.12", CP(3, 12, 0));
	NO_MATCH("==3.12", CP(3, 12, 1));
	MATCH("3.12", CP(3, 12, 1));
	MATCH("==3.12.1", CP(3, 12, 1));
	NO_MATCH("==3.12.1", CP(3, 12, 10));
	MATCH("==3", CP(3, 0, 0));
	NO_MATCH("==3", CP(3, 0, 1));
	/* and so does !=. */
	MATCH("!=3.12", CP(3, 12, 1));
	NO_MATCH("!=3.12", CP(3, 12, 0));
}
END_TEST

START_TEST(range_with_implementation)
{
	struct vr_python_spec s = parse_ok("pypy>=3.9");

	ck_assert_int_eq(s.kind, VR_SPEC_RANGE);
	ck_assert_str_eq(s.impl, "pypy");
	ck_assert_int_eq(s.nclauses, 1);
	ck_assert_int_eq(s.clauses[0].op, VR_OP_GE);
	ck_assert_int_eq(s.clauses[0].v[0], 3);
	ck_assert_int_eq(s.clauses[0].v[1], 9);

	MATCH("pypy>=3.9", PP(3, 9, 16));
	MATCH("pypy>=3.9", PP(3, 10, 14));
	NO_MATCH("pypy>=3.9", PP(3, 8, 16));
	NO_MATCH("pypy>=3.9", CP(3, 11, 2));

	s = parse_ok("cpython>=3.10,<3.12");
	ck_assert_str_eq(s.impl, "cpython");
	ck_assert_int_eq(s.nclauses, 2);
	MATCH("cpython>=3.10,<3.12", CP(3, 11, 2));
	NO_MATCH("cpython>=3.10,<3.12", PP(3, 11, 2));
}
END_TEST

START_TEST(range_with_spaces)
{
	struct vr_python_spec s = parse_ok(">= 3.10 , < 3.13");

	ck_assert_int_eq(s.kind, VR_SPEC_RANGE);
	ck_assert_int_eq(s.nclauses, 2);
	ck_assert_int_eq(s.clauses[0].op, VR_OP_GE);
	ck_assert_int_eq(s.clauses[0].v[1], 10);
	ck_assert_int_eq(s.clauses[1].op, VR_OP_LT);
	ck_assert_int_eq(s.clauses[1].v[1], 13);
	MATCH(">= 3.10 , < 3.13", CP(3, 12, 1));
	NO_MATCH(">= 3.10 , < 3.13", CP(3, 13, 0));

	s = parse_ok(" >=3.10,<3.13 ");
	ck_assert_int_eq(s.nclauses, 2);

	s = parse_ok("pypy >= 3.9");
	ck_assert_str_eq(s.impl, "pypy");
	ck_assert_int_eq(s.nclauses, 1);
	MATCH("pypy >= 3.9", PP(3, 9, 16));
	NO_MATCH("pypy >= 3.9", CP(3, 9, 16));
}
END_TEST

START_TEST(range_is_default_build_only)
{
	/* A range says nothing about free threading: it picks the default build. */
	MATCH(">=3.13", CP(3, 13, 0));
	NO_MATCH(">=3.13", CP_FT(3, 13, 0));
	NO_MATCH("==3.13.*", CP_FT(3, 13, 0));
	/* ... and says nothing about the width either. */
	MATCH(">=3.13", facts("cpython", 3, 13, 0, false, 32));
}
END_TEST

START_TEST(range_clause_limit)
{
	struct vr_python_spec s = parse_ok(">=3.1,>=3.2,>=3.3,>=3.4,>=3.5,>=3.6,>=3.7,<4");

	ck_assert_int_eq(s.nclauses, VR_SPEC_MAX_CLAUSES);
	MATCH(">=3.1,>=3.2,>=3.3,>=3.4,>=3.5,>=3.6,>=3.7,<4", CP(3, 7, 0));
	NO_MATCH(">=3.1,>=3.2,>=3.3,>=3.4,>=3.5,>=3.6,>=3.7,<4", CP(3, 6, 15));
	assert_bad(">=3.1,>=3.2,>=3.3,>=3.4,>=3.5,>=3.6,>=3.7,>=3.8,<4");
}
END_TEST

/* --- refused ----------------------------------------------------------------------------- */

START_TEST(bad_specs)
{
	static const char *const bad[] = {
		"",		/* empty */
		"3.",		/* a dot and no number */
		"3..1",		/* an empty part */
		"foo",		/* not a name venvrun knows */
		"3.12x",	/* trailing junk */
		">=",		/* an operator and no version */
		">=3.x",	/* not a number */
		"~=3",		/* ~= needs two parts */
		">3.*",		/* .* only with == and != */
		"~=3.*",	/* ... not with ~= either */
		"3t",		/* t needs major.minor */
		"t",		/* ... and a version at all */
		"3.*",		/* a wildcard outside a range */
		"3.12.1.5",	/* four parts */
		">=3.12.1.5",	/* ... in a range too */
		"3.12 ",	/* trailing space in a version */
		"pypy 3.9",	/* a space between name and version */
		">=3.10,",	/* a trailing comma */
		">=3.10 <3.13", /* no comma between clauses */
		"=3.12",	/* not an operator */
		"3.12-16",	/* not a width */
		"3.13-64t",	/* t after the width */
		">=3.13t",	/* t in a range */
		">=3.13rc1",	/* pre-releases are not supported */
		"3.10000",	/* a number beyond any version */
		"-",
		",",
	};

	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_bad(bad[i]);
	assert_bad(NULL);
}
END_TEST

START_TEST(bad_spec_messages_name_the_spec)
{
	static const char *const bad[] = { "3.12x", ">=3.x", "~=3", ">3.*", "3t", "foo" };

	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct vr_python_spec s;
		struct vr_error err = VR_ERROR_INIT;
		char *quoted = t_strdupf("'%s'", bad[i]);

		ck_assert_int_eq(vr_python_spec_parse(bad[i], &s, &err), -VR_ERR_BAD_SPEC);
		ck_assert_ptr_nonnull(strstr(err.message, quoted));
		free(quoted);
	}
}
END_TEST

START_TEST(overlong_spec)
{
	char text[1024];
	struct vr_python_spec s;
	size_t max = sizeof s.text - 1;

	/* A range padded with spaces: it would parse if it were short enough. */
	memset(text, 0, sizeof text);
	strcpy(text, ">=3.10");
	memset(text + strlen(text), ' ', 600);
	strcat(text, ",<3.13");
	assert_bad(text);

	/* The bound is sizeof(spec.text) - 1 bytes: the longest such spec still parses. */
	memset(text, 0, sizeof text);
	strcpy(text, ">=3.10");
	memset(text + strlen(text), ' ', max - strlen(text) - strlen(",<3.13"));
	strcat(text, ",<3.13");
	ck_assert_uint_eq(strlen(text), max);
	s = parse_ok(text);
	ck_assert_int_eq(s.kind, VR_SPEC_RANGE);
	ck_assert_int_eq(s.nclauses, 2);
	memmove(text + 1, text, strlen(text) + 1);
	text[0] = ' ';
	ck_assert_uint_eq(strlen(text), max + 1);
	assert_bad(text);
}
END_TEST

/* --- command-like -------------------------------------------------------------------------- */

START_TEST(command_like)
{
	static const char *const yes[] = {
		"python3",     "python3.12",  "python", "pypy3",	 "pypy3.9",
		"python3.13t", "cpython3.12", "py",	"my-python_2+x",
	};
	static const char *const no[] = {
		"3",
		"3.12",
		"3.12.1",
		"3.13t",
		">=3.10,<3.13",
		"pypy>=3.9",
		"~=3.10",
		"/usr/bin/python3",
		"./python3",
		"bin/python",
		"python 3",
		"",
		"py*",
		"python3;rm",
		"python\n",
	};
	char longname[400];

	for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++) {
		if (!vr_python_spec_is_command_like(yes[i]))
			fprintf(stderr, "'%s' should be command-like\n", yes[i]);
		ck_assert_int_eq(vr_python_spec_is_command_like(yes[i]), true);
	}
	for (size_t i = 0; i < sizeof no / sizeof no[0]; i++) {
		if (vr_python_spec_is_command_like(no[i]))
			fprintf(stderr, "'%s' should not be command-like\n", no[i]);
		ck_assert_int_eq(vr_python_spec_is_command_like(no[i]), false);
	}
	ck_assert_int_eq(vr_python_spec_is_command_like(NULL), false);
	/* No file name is longer than NAME_MAX (255). */
	memset(longname, 'p', sizeof longname - 1);
	longname[sizeof longname - 1] = 0;
	ck_assert_int_eq(vr_python_spec_is_command_like(longname), false);
	longname[255] = 0;
	ck_assert_int_eq(vr_python_spec_is_command_like(longname), true);
}
END_TEST

static const struct t_case cases[] = {
	T_CASE(path_specs),
	T_CASE(version_major),
	T_CASE(version_minor),
	T_CASE(version_micro),
	T_CASE(implementation_and_version),
	T_CASE(pointer_bits),
	T_CASE(free_threaded),
	T_CASE(range_two_clauses),
	T_CASE(range_single_operators),
	T_CASE(range_compatible_release),
	T_CASE(range_wildcards),
	T_CASE(range_exact_pads),
	T_CASE(range_with_implementation),
	T_CASE(range_with_spaces),
	T_CASE(range_is_default_build_only),
	T_CASE(range_clause_limit),
	T_CASE(bad_specs),
	T_CASE(bad_spec_messages_name_the_spec),
	T_CASE(overlong_spec),
	T_CASE(command_like),
};

int
main(void)
{
	return t_run_suite(T_SUITE("interp-spec", cases));
}
