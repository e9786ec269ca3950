/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The pure parts of seeding (runner/wheel-tags.c, seed-install.c's path arithmetic):
 * supported tags, by hand and against packaging.tags itself on every interpreter here;
 * PEP 440 order and specifiers; distribution names; RECORD's relative paths.
 */
#include "config.h"

#include <glob.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#ifdef __GLIBC__
#include <gnu/libc-version.h>
#endif

#include "macro.h"
#include "seed.h"
#include "strv.h"
#include "testlib.h"

static const struct vr_tag_facts cp311 = {
	.impl = "cpython",
	.major = 3,
	.minor = 11,
	.abiflags = "",
	.ext_suffix = ".cpython-311-x86_64-linux-gnu.so",
	.platform = "linux",
	.machine = "x86_64",
	.bits = 64,
	.glibc_major = 2,
	.glibc_minor = 36,
};

static int
rank(const struct vr_tag_facts *f, const char *py, const char *abi, const char *plat)
{
	_cleanup_strv_free_ char **tags = NULL;

	ck_assert_int_eq(vr_tags_supported(f, &tags), 0);
	return vr_tags_rank(tags, py, abi, plat);
}

START_TEST(test_tags_cpython)
{
	struct vr_tag_facts cp37 = cp311, cp313t = cp311;

	ck_assert_int_ge(rank(&cp311, "py3", "none", "any"), 0);
	ck_assert_int_ge(rank(&cp311, "py2.py3", "none", "any"), 0);
	ck_assert_int_ge(rank(&cp311, "cp311", "abi3", "manylinux_2_17_x86_64.manylinux2014_x86_64"), 0);
	ck_assert_int_ge(rank(&cp311, "cp38", "abi3", "manylinux2014_x86_64"), 0);
	ck_assert_int_ge(rank(&cp311, "cp311", "cp311", "linux_x86_64"), 0);
	ck_assert_int_ge(rank(&cp311, "cp311", "cp311", "manylinux1_x86_64"), 0);
	ck_assert_int_ge(rank(&cp311, "py311", "none", "any"), 0);
	ck_assert_int_ge(rank(&cp311, "py30", "none", "any"), 0);
	/* Better tags rank first. */
	ck_assert_int_lt(rank(&cp311, "cp311", "cp311", "manylinux_2_17_x86_64"),
			 rank(&cp311, "cp311", "abi3", "manylinux_2_17_x86_64"));
	ck_assert_int_lt(rank(&cp311, "cp311", "none", "manylinux_2_17_x86_64"), rank(&cp311, "py3", "none", "any"));
	ck_assert_int_lt(rank(&cp311, "py3", "none", "linux_x86_64"), rank(&cp311, "py3", "none", "any"));

	ck_assert_int_eq(rank(&cp311, "cp312", "cp312", "manylinux_2_17_x86_64"), -1);
	ck_assert_int_eq(rank(&cp311, "cp311", "cp311", "manylinux_2_38_x86_64"), -1); /* newer glibc */
	ck_assert_int_eq(rank(&cp311, "cp311", "cp311", "manylinux_2_17_aarch64"), -1);
	ck_assert_int_eq(rank(&cp311, "cp311", "cp311", "win_amd64"), -1);
	ck_assert_int_eq(rank(&cp311, "py2", "none", "any"), -1);
	ck_assert_int_eq(rank(&cp311, "cp27", "cp27mu", "linux_x86_64"), -1);
	ck_assert_int_eq(rank(&cp311, "cp312", "abi3", "manylinux2014_x86_64"), -1);
	ck_assert_int_eq(rank(&cp311, "pp39", "pypy39_pp73", "manylinux2014_x86_64"), -1);

	cp37.minor = 7;
	cp37.abiflags = "m";
	ck_assert_int_ge(rank(&cp37, "cp37", "cp37m", "manylinux1_x86_64"), 0);
	ck_assert_int_eq(rank(&cp37, "cp37", "cp37", "manylinux1_x86_64"), -1);

	cp313t.minor = 13;
	cp313t.abiflags = "t";
	ck_assert_int_ge(rank(&cp313t, "cp313", "cp313t", "manylinux_2_17_x86_64"), 0);
	ck_assert_int_eq(rank(&cp313t, "cp313", "abi3", "manylinux_2_17_x86_64"), -1);
	ck_assert_int_eq(rank(&cp313t, "cp313", "cp313", "manylinux_2_17_x86_64"), -1);

	/* No glibc (musl, or unknown): no manylinux, linux_ARCH still. */
	cp37 = cp311;
	cp37.glibc_major = 0;
	ck_assert_int_eq(rank(&cp37, "cp311", "cp311", "manylinux2014_x86_64"), -1);
	ck_assert_int_ge(rank(&cp37, "cp311", "cp311", "linux_x86_64"), 0);
}
END_TEST

START_TEST(test_tags_pypy)
{
	struct vr_tag_facts pp = {
		.impl = "pypy",
		.major = 3,
		.minor = 9,
		.abiflags = "",
		.ext_suffix = ".pypy39-pp73-x86_64-linux-gnu.so",
		.platform = "linux",
		.machine = "x86_64",
		.bits = 64,
		.glibc_major = 2,
		.glibc_minor = 36,
	};

	ck_assert_int_ge(rank(&pp, "pp39", "pypy39_pp73", "manylinux_2_17_x86_64.manylinux2014_x86_64"), 0);
	ck_assert_int_ge(rank(&pp, "py3", "none", "any"), 0);
	ck_assert_int_ge(rank(&pp, "pp3", "none", "any"), 0);
	ck_assert_int_eq(rank(&pp, "cp39", "abi3", "manylinux2014_x86_64"), -1);
	ck_assert_int_eq(rank(&pp, "cp39", "cp39", "manylinux2014_x86_64"), -1);
	ck_assert_int_eq(rank(&pp, "pp38", "pypy38_pp73", "manylinux2014_x86_64"), -1);
}
END_TEST

/* packaging.tags.sys_tags(), from the pip wheel the interpreter would be seeded with. */
static const char tags_probe[] =
	"import json, os, sys, sysconfig, glob\n"
	"wheels = sorted(glob.glob(os.path.join(sys.argv[1], 'pip-*.whl')))\n"
	"sys.path.insert(0, wheels[-1])\n"
	"from pip._vendor.packaging import tags\n"
	"print(json.dumps({'impl': sys.implementation.name, 'major': sys.version_info[0],\n"
	" 'minor': sys.version_info[1], 'abiflags': getattr(sys, 'abiflags', ''),\n"
	" 'ext_suffix': sysconfig.get_config_var('EXT_SUFFIX') or '', 'machine': os.uname()[4],\n"
	" 'bits': 64 if sys.maxsize > 2**32 else 32, 'tags': [str(t) for t in tags.sys_tags()]}))\n";

static void
compare_with_packaging(const char *python)
{
	_cleanup_free_ char *out = NULL, *err = NULL, *bundled = NULL, *dir = NULL;
	_cleanup_strv_free_ char **ours = NULL;
	char *find[] = { (char *)python, "-c",
			 "import ensurepip, os; print(os.path.join(os.path.dirname(ensurepip.__file__), '_bundled'))",
			 NULL };
	struct vr_tag_facts f = { .platform = "linux" };
	json_t *j, *theirs, *v;
	glob_t g;
	size_t i, k;

	/* The interpreter's own bundled pip (the packaging it would use), else Debian's. */
	if (t_run(find, NULL, NULL, &bundled, NULL) == 0) {
		bundled[strcspn(bundled, "\n")] = 0;
		dir = t_strdupf("%s/pip-*.whl", bundled);
		if (glob(dir, 0, NULL, &g) == 0) {
			free(dir);
			dir = strdup(bundled);
			globfree(&g);
		} else {
			free(TAKE_PTR(dir));
		}
	}
	if (!dir)
		dir = strdup("/usr/share/python-wheels");
	{
		char *argv[] = { (char *)python, "-c", (char *)tags_probe, dir, NULL };
		int rc = t_run(argv, NULL, NULL, &out, &err);
		if (rc != 0) {
			fprintf(stderr, "note: %s: no packaging to compare with (%s)\n", python, err);
			return;
		}
	}
	j = json_loads(out, 0, NULL);
	ck_assert_ptr_nonnull(j);
	f.impl = json_string_value(json_object_get(j, "impl"));
	f.major = (int)json_integer_value(json_object_get(j, "major"));
	f.minor = (int)json_integer_value(json_object_get(j, "minor"));
	f.abiflags = json_string_value(json_object_get(j, "abiflags"));
	f.ext_suffix = json_string_value(json_object_get(j, "ext_suffix"));
	f.machine = json_string_value(json_object_get(j, "machine"));
	f.bits = (int)json_integer_value(json_object_get(j, "bits"));
#ifdef __GLIBC__
	sscanf(gnu_get_libc_version(), "%d.%d", &f.glibc_major, &f.glibc_minor);
#endif
	ck_assert_int_eq(vr_tags_supported(&f, &ours), 0);
	theirs = json_object_get(j, "tags");
	/* Ours is packaging 22+, whose sys_tags() adds cpXY-none-any; older ones lack it. */
	k = 0;
	json_array_foreach (theirs, i, v) {
		if (ours[k] && !streq(ours[k], json_string_value(v)) && vr_startswith(ours[k], "cp") &&
		    vr_endswith(ours[k], "-none-any"))
			k++;
		ck_assert_msg(ours[k] != NULL, "%s: ours end at %zu; packaging has %s", python, i,
			      json_string_value(v));
		ck_assert_msg(streq(ours[k], json_string_value(v)), "%s: tag %zu: ours %s, packaging %s", python, i,
			      ours[k], json_string_value(v));
		k++;
	}
	ck_assert_msg(ours[k] == NULL, "%s: ours has more: %s", python, ours[k]);
	fprintf(stderr, "%s: %zu tags, as packaging's\n", python, k);
	json_decref(j);
}

START_TEST(test_tags_match_packaging)
{
	const char *fixed[] = { "/usr/bin/python3", "/usr/bin/pypy3" };
	glob_t g;

	for (size_t i = 0; i < ELEMENTSOF(fixed); i++)
		if (access(fixed[i], X_OK) == 0)
			compare_with_packaging(fixed[i]);
	if (glob("/root/.pyenv/versions/3.*/bin/python3.*[0-9]", 0, NULL, &g) == 0) {
		for (size_t i = 0; i < g.gl_pathc; i++)
			if (atoi(strrchr(g.gl_pathv[i], '/') + strlen("/python3.")) >= 7)
				compare_with_packaging(g.gl_pathv[i]);
		globfree(&g);
	}
}
END_TEST

START_TEST(test_version_order)
{
	/* PEP 440's own example of the order, then some. */
	static const char *const ordered[] = {
		"1.0.dev456",	 "1.0a1",	  "1.0a2.dev456", "1.0a12.dev456",
		"1.0a12",	 "1.0b1.dev456",  "1.0b2",	  "1.0b2.post345.dev456",
		"1.0b2.post345", "1.0rc1.dev456", "1.0rc1",	  "1.0",
		"1.0+abc.5",	 "1.0+abc.7",	  "1.0+5",	  "1.0.post456.dev34",
		"1.0.post456",	 "1.0.15",	  "1.1.dev1",	  "9.0",
		"22.0.4",	 "23.0.1",	  "23.2.1",	  "24.2",
		"1!0.1",
	};
	struct vr_version a, b;

	for (size_t i = 0; i + 1 < ELEMENTSOF(ordered); i++) {
		ck_assert_int_eq(vr_version_parse(ordered[i], &a), 0);
		ck_assert_int_eq(vr_version_parse(ordered[i + 1], &b), 0);
		ck_assert_msg(vr_version_compare(&a, &b) < 0, "%s < %s", ordered[i], ordered[i + 1]);
		ck_assert_msg(vr_version_compare(&b, &a) > 0, "%s > %s", ordered[i + 1], ordered[i]);
	}
	/* Equal spellings. */
	ck_assert_int_eq(vr_version_parse("1.0", &a), 0);
	ck_assert_int_eq(vr_version_parse("1.0.0", &b), 0);
	ck_assert_int_eq(vr_version_compare(&a, &b), 0);
	ck_assert_int_eq(vr_version_parse("1.0rc1", &a), 0);
	ck_assert_int_eq(vr_version_parse("v1.0-c1", &b), 0);
	ck_assert_int_eq(vr_version_compare(&a, &b), 0);
	ck_assert_int_eq(vr_version_parse("1.0.post1", &a), 0);
	ck_assert_int_eq(vr_version_parse("1.0-1", &b), 0);
	ck_assert_int_eq(vr_version_compare(&a, &b), 0);
	ck_assert(vr_version_is_prerelease(&(struct vr_version){ .pre = 'a', .post = -1, .dev = -1 }));
	/* Not versions. */
	ck_assert_int_lt(vr_version_parse("", &a), 0);
	ck_assert_int_lt(vr_version_parse("abc", &a), 0);
	ck_assert_int_lt(vr_version_parse("1.0 junk", &a), 0);
	ck_assert_int_lt(vr_version_parse("1.0+", &a), 0);
}
END_TEST

START_TEST(test_specifiers)
{
	static const struct {
		const char *spec, *version;
		int want;
	} cases[] = {
		{ ">=3.7", "3.11.2", 1 },
		{ ">=3.7", "3.6.15", 0 },
		{ ">=3.8", "3.13.0rc1", 1 },
		{ "", "3.11.2", 1 },
		{ ">=2.7,!=3.0.*,!=3.1.*,!=3.2.*,!=3.3.*,!=3.4.*,!=3.5.*,!=3.6.*", "3.6.15", 0 },
		{ ">=2.7,!=3.0.*,!=3.1.*,!=3.2.*,!=3.3.*,!=3.4.*,!=3.5.*,!=3.6.*", "3.7.16", 1 },
		{ ">=2.7, !=3.0.*", "3.0.1", 0 },
		{ "~=3.8", "3.11.2", 1 },
		{ "~=3.8", "4.0", 0 },
		{ "~=3.8.1", "3.8.5", 1 },
		{ "~=3.8.1", "3.9.0", 0 },
		{ "==3.*", "3.11.2", 1 },
		{ "==3.11", "3.11.0", 1 },
		{ "==3.11", "3.11.2", 0 },
		{ "==3.11.*", "3.11.2", 1 },
		{ "<3.12", "3.12.0rc1", 0 },
		{ "<3.12", "3.11.9", 1 },
		{ "<3.12rc2", "3.12.0rc1", 1 },
		{ ">3.8", "3.8.post1", 0 },
		{ ">3.8", "3.8.1", 1 },
		{ ">3.8", "3.8+local", 0 },
		{ "<=3.8", "3.8.0", 1 },
		{ "!=3.8", "3.8.0", 0 },
		{ "===3.8.0", "3.8.0", 1 },
		{ ">=4.0", "3.11.2", 0 },
		{ "  >= 3.6 ", "3.7.0", 1 },
	};
	struct vr_error err = VR_ERROR_INIT;

	for (size_t i = 0; i < ELEMENTSOF(cases); i++)
		ck_assert_msg(vr_specifier_match(cases[i].spec, cases[i].version, NULL, NULL) == cases[i].want,
			      "'%s' against %s: want %d", cases[i].spec, cases[i].version, cases[i].want);
	ck_assert_int_lt(vr_specifier_match("=>3.7", "3.11.2", "METADATA", &err), 0);
	ck_assert_ptr_nonnull(strstr(err.message, "=>3.7"));
	ck_assert_int_lt(vr_specifier_match("~=3", "3.11.2", NULL, NULL), 0);
	ck_assert_int_lt(vr_specifier_match(">=", "3.11.2", NULL, NULL), 0);
}
END_TEST

START_TEST(test_dist_names)
{
	char buf[64];

	ck_assert_int_eq(vr_dist_name_normalize("Foo.Bar--baz_", buf, sizeof buf), 0);
	ck_assert_str_eq(buf, "foo_bar_baz_");
	ck_assert_int_eq(vr_dist_name_normalize("demo-cli", buf, sizeof buf), 0);
	ck_assert_str_eq(buf, "demo_cli");
	ck_assert_int_lt(vr_dist_name_normalize("", buf, sizeof buf), 0);
	ck_assert_int_lt(vr_dist_name_normalize("pip/../x", buf, sizeof buf), 0);
	ck_assert_int_lt(vr_dist_name_normalize("a", buf, 1), 0);
}
END_TEST

START_TEST(test_relative_paths)
{
	static const char *const cases[][3] = {
		{ "lib/python3.11/site-packages", "bin/pip", "../../../bin/pip" },
		{ "lib/python3.11/site-packages", "lib/python3.11/site-packages/pip/__init__.py", "pip/__init__.py" },
		{ "lib/python3.11/site-packages", "include/site/python3.11/demo/demo.h",
		  "../../../include/site/python3.11/demo/demo.h" },
		{ "lib64/python3.11/site-packages", "lib/python3.11/site-packages/x.py",
		  "../../../lib/python3.11/site-packages/x.py" },
		{ "lib/a", "lib/ab/x", "../ab/x" },
		{ "lib/pypy3.9/site-packages", "share/x", "../../../share/x" },
	};

	for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
		_cleanup_free_ char *r = vr_seed_relative_path(cases[i][0], cases[i][1]);
		ck_assert_str_eq(r, cases[i][2]);
	}
}
END_TEST

static const struct t_case cases[] = {
	T_CASE(test_tags_cpython),   T_CASE(test_tags_pypy),  T_CASE(test_tags_match_packaging),
	T_CASE(test_version_order),  T_CASE(test_specifiers), T_CASE(test_dist_names),
	T_CASE(test_relative_paths),
};

int
main(void)
{
	return t_run_suite(T_SUITE("seed", cases));
}
