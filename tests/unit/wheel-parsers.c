/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Wheel cases about the parsers, on text given here: sha256 against known vectors, wheel
 * file names, RECORD, entry_points.txt, and the METADATA and WHEEL headers.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "path.h"
#include "testlib.h"
#include "wheel-internal.h"
#include "wheel.h"

#include "wheel-helpers.h"

/* ---- parsers ---- */

START_TEST(sha256_vectors)
{
	struct vr_sha256 h;
	unsigned char d[32];
	char out[VR_SHA256_RECORD_SIZE];
	char big[1000];

	record_hash("", out);
	ck_assert_str_eq(out, "sha256=47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU");
	record_hash("abc", out);
	ck_assert_str_eq(out, "sha256=ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0");
	record_hash("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", out);
	ck_assert_str_eq(out, "sha256=JI1qYdIGOLjlwCaTDD5gOaM85Flk_yFn9uzt1BnbBsE");
	/* Fed in odd pieces: the block buffering must not matter. */
	memset(big, 'a', sizeof big);
	vr_sha256_init(&h);
	for (size_t i = 0; i < sizeof big; i += 7)
		vr_sha256_update(&h, big + i, sizeof big - i < 7 ? sizeof big - i : 7);
	vr_sha256_final(&h, d);
	vr_sha256_record_form(d, out);
	ck_assert_str_eq(out, "sha256=Qe3s5C1j6Nm_UVqbppMuHCDLyfWl0TRkWttdsblzfqM");
}
END_TEST

START_TEST(name_parse)
{
	struct vr_wheel_name n;
	struct vr_error err = VR_ERROR_INIT;
	char line[VR_ERROR_LINE_MAX], entry[512];

	ck_assert_int_eq(vr_wheel_name_parse("/usr/share/python-wheels/pip-23.0.1-py3-none-any.whl", &n, &err), 0);
	ck_assert_str_eq(n.dist, "pip");
	ck_assert_str_eq(n.version, "23.0.1");
	ck_assert_str_eq(n.build, "");
	ck_assert_str_eq(n.python, "py3");
	ck_assert_str_eq(n.abi, "none");
	ck_assert_str_eq(n.platform, "any");
	ck_assert_int_eq(vr_wheel_name_entry(&n, entry, sizeof entry), 0);
	ck_assert_str_eq(entry, "pip-23.0.1-py3-none-any");

	ck_assert_int_eq(
		vr_wheel_name_parse("Foo.Bar__baz-1.0rc1-7b-py2.py3-cp311-manylinux_2_17_x86_64.whl", &n, NULL), 0);
	ck_assert_str_eq(n.dist, "foo_bar_baz");
	ck_assert_str_eq(n.version, "1.0rc1");
	ck_assert_str_eq(n.build, "7b");
	ck_assert_str_eq(n.python, "py2.py3");
	ck_assert_str_eq(n.abi, "cp311");
	ck_assert_str_eq(n.platform, "manylinux_2_17_x86_64");
	ck_assert_int_eq(vr_wheel_name_entry(&n, entry, sizeof entry), 0);
	ck_assert_str_eq(entry, "foo_bar_baz-1.0rc1-7b-py2.py3-cp311-manylinux_2_17_x86_64");

	/* Two tags of one version: two entries. */
	ck_assert_int_eq(vr_wheel_name_parse("x-1-cp311-cp311-linux_x86_64.whl", &n, NULL), 0);
	ck_assert_int_eq(vr_wheel_name_entry(&n, entry, sizeof entry), 0);
	ck_assert_str_eq(entry, "x-1-cp311-cp311-linux_x86_64");

	ck_assert_int_eq(vr_wheel_name_parse("pip-23.0.1.tar.gz", &n, &err), -VR_ERR_BAD_FILE);
	vr_error_format(&err, line, sizeof line);
	ck_assert_str_eq(line, "pip-23.0.1.tar.gz: not a wheel: the name does not end in .whl");
	vr_error_clear(&err);
	ck_assert_int_eq(vr_wheel_name_parse("pip-23.0.1-py3-none.whl", &n, &err), -VR_ERR_BAD_FILE);
	vr_error_format(&err, line, sizeof line);
	ck_assert_str_eq(
		line,
		"pip-23.0.1-py3-none.whl: not a wheel name: expected DIST-VERSION[-BUILD]-PYTHON-ABI-PLATFORM.whl");
	ck_assert_int_eq(vr_wheel_name_parse("a-1-2-3-py3-none-any.whl", &n, NULL), -VR_ERR_BAD_FILE);
	ck_assert_int_eq(vr_wheel_name_parse("a-1-x2-py3-none-any.whl", &n, &err), -VR_ERR_BAD_FILE);
	vr_error_format(&err, line, sizeof line);
	ck_assert_str_eq(line, "a-1-x2-py3-none-any.whl: not a wheel name: bad build tag");
	ck_assert_int_eq(vr_wheel_name_parse("a--py3-none-any.whl", &n, NULL), -VR_ERR_BAD_FILE);
	ck_assert_int_eq(vr_wheel_name_parse("a-1-py3-none-any .whl", &n, NULL), -VR_ERR_BAD_FILE);
	ck_assert_int_eq(vr_wheel_name_parse("a b-1-py3-none-any.whl", &n, NULL), -VR_ERR_BAD_FILE);
	ck_assert_int_eq(vr_wheel_name_parse(".whl", &n, NULL), -VR_ERR_BAD_FILE);
	ck_assert_int_eq(vr_wheel_name_parse("-1-py3-none-any.whl", &n, NULL), -VR_ERR_BAD_FILE);
	ck_assert_int_eq(vr_wheel_name_parse("a-1-py3-none-any.WHL", &n, NULL), -VR_ERR_BAD_FILE);
}
END_TEST

START_TEST(record_parse)
{
	static const char text[] = "demo/__init__.py,sha256=47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU,0\r\n"
				   "\n"
				   "\"demo/with,comma.py\",sha256=ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0,3\n"
				   "\"demo/q\"\"uote.py\",,\n"
				   "demo-1.0.dist-info/RECORD,,";
	struct vr_record_entry *e = NULL;
	size_t n = 0;

	ck_assert_int_eq(vr_record_parse(text, strlen(text), "RECORD", &e, &n, NULL), 0);
	ck_assert_uint_eq(n, 4);
	ck_assert_str_eq(e[0].path, "demo/__init__.py");
	ck_assert_str_eq(e[0].hash, "sha256=47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU");
	ck_assert_int_eq(e[0].size, 0);
	ck_assert_str_eq(e[1].path, "demo/with,comma.py");
	ck_assert_int_eq(e[1].size, 3);
	ck_assert_str_eq(e[2].path, "demo/q\"uote.py");
	ck_assert_ptr_null(e[2].hash);
	ck_assert_int_eq(e[2].size, -1);
	ck_assert_str_eq(e[3].path, "demo-1.0.dist-info/RECORD");
	vr_record_free(e, n);

	ck_assert_int_eq(vr_record_parse("", 0, "RECORD", &e, &n, NULL), 0);
	ck_assert_uint_eq(n, 0);
	vr_record_free(e, n);
}
END_TEST

static void
record_refused(const char *text, int line, const char *message)
{
	struct vr_error err = VR_ERROR_INIT;
	struct vr_record_entry *e = (struct vr_record_entry *)&err;
	size_t n = 99;

	ck_assert_int_eq(vr_record_parse(text, strlen(text), "w.whl: d/RECORD", &e, &n, &err), -VR_ERR_BAD_FILE);
	ck_assert_ptr_eq(e, (struct vr_record_entry *)&err);
	ck_assert_uint_eq(n, 99);
	ck_assert_str_eq(err.where, "w.whl: d/RECORD");
	ck_assert_int_eq(err.line, line);
	ck_assert_str_eq(err.message, message);
}

START_TEST(record_refuse)
{
	record_refused("a,,\n/etc/passwd,,\n", 2, "refusing an absolute path");
	record_refused("a/../../x,,\n", 1, "refusing a '..' component");
	record_refused("a\\b,,\n", 1, "refusing a backslash");
	record_refused("a//b,,\n", 1, "refusing an empty component");
	record_refused("\"a\nb\",,\n", 1, "refusing a control character");
	record_refused("a,sha1=abc,1\n", 1, "unsupported hash 'sha1=abc' (only sha256)");
	record_refused("a,sha256=abc,1\n", 1, "a malformed sha256 digest");
	record_refused("a,,1x\n", 1, "a size that is not a number");
	record_refused("a,,1,extra\n", 1, "expected three fields: path,hash,size");
	record_refused("x,,\na,\n", 2, "expected three fields: path,hash,size");
	record_refused("\"a,,\n", 1, "not a CSV line (bad quoting or too long)");
	record_refused("x,,\n\"open", 2, "not a CSV line (bad quoting or too long)");
	record_refused(",,\n", 1, "refusing an empty path");
	{
		struct vr_error err = VR_ERROR_INIT;
		struct vr_record_entry *e = NULL;
		size_t n = 0;

		ck_assert_int_eq(vr_record_parse("b,,\na,,\nb,,\n", 12, "R", &e, &n, &err), -VR_ERR_BAD_FILE);
		ck_assert_str_eq(err.message, "'b' is listed twice");
		/* A NUL inside the text is not the end of it. */
		ck_assert_int_eq(vr_record_parse("a\0b,,\n", 6, "R", &e, &n, &err), -VR_ERR_BAD_FILE);
	}
}
END_TEST

START_TEST(entry_points_parse)
{
	static const char text[] = "# comment\n"
				   "; another\n"
				   "[console_scripts]\n"
				   "pip = pip._internal.cli.main:main\n"
				   "  pip3=pip._internal.cli.main:main  \r\n"
				   "tool = demo.cli:Main.run [extra1, extra2]\n"
				   "\n"
				   "[other.section]\n"
				   "whatever goes = here\n"
				   "[ gui_scripts ]\n"
				   "demo-gui = demo.gui : start\n";
	struct vr_entry_point *ep = NULL;
	size_t n = 0;

	ck_assert_int_eq(vr_entry_points_parse(text, strlen(text), "entry_points.txt", &ep, &n, NULL), 0);
	ck_assert_uint_eq(n, 4);
	ck_assert_str_eq(ep[0].name, "pip");
	ck_assert_str_eq(ep[0].module, "pip._internal.cli.main");
	ck_assert_str_eq(ep[0].attr, "main");
	ck_assert(!ep[0].gui);
	ck_assert_str_eq(ep[1].name, "pip3");
	ck_assert_str_eq(ep[2].name, "tool");
	ck_assert_str_eq(ep[2].module, "demo.cli");
	ck_assert_str_eq(ep[2].attr, "Main.run");
	ck_assert_str_eq(ep[3].name, "demo-gui");
	ck_assert_str_eq(ep[3].module, "demo.gui");
	ck_assert_str_eq(ep[3].attr, "start");
	ck_assert(ep[3].gui);
	vr_entry_points_free(ep, n);

	ck_assert_int_eq(vr_entry_points_parse("[other]\nx = y\n", 14, "e", &ep, &n, NULL), 0);
	ck_assert_uint_eq(n, 0);
	vr_entry_points_free(ep, n);
}
END_TEST

static void
ep_refused(const char *text, int line, const char *message)
{
	struct vr_error err = VR_ERROR_INIT;
	struct vr_entry_point *ep = NULL;
	size_t n = 0;

	ck_assert_int_eq(vr_entry_points_parse(text, strlen(text), "e.txt", &ep, &n, &err), -VR_ERR_BAD_FILE);
	ck_assert_ptr_null(ep);
	ck_assert_str_eq(err.where, "e.txt");
	ck_assert_int_eq(err.line, line);
	ck_assert_str_eq(err.message, message);
}

START_TEST(entry_points_refuse)
{
	ep_refused("[console_scripts]\npip = pip\n", 2, "expected module:attr (no ':')");
	ep_refused("[console_scripts]\npip = os; os.system('x'):main\n", 2, "not a module name");
	ep_refused("[console_scripts]\npip = m:main()\n", 2, "not an attribute name");
	ep_refused("[console_scripts]\npip = m:\n", 2, "not an attribute name");
	ep_refused("[console_scripts]\n../evil = m:main\n", 2, "not a usable script name");
	ep_refused("[console_scripts]\na/b = m:main\n", 2, "not a usable script name");
	ep_refused("[console_scripts]\n = m:main\n", 2, "not a usable script name");
	ep_refused("[console_scripts]\njust words\n", 2, "expected 'name = module:attr'");
	ep_refused("[console_scripts]\na = m:f [x\n", 2, "an unclosed '[' in the extras");
	ep_refused("[console_scripts]\na = m:f\na = m:g\n", 3, "'a' is defined twice");
	ep_refused("[console_scripts\n", 1, "a bad section header");
	ep_refused("[console_scripts]\na = 1m:f\n", 2, "not a module name");
}
END_TEST

START_TEST(headers)
{
	static const char wheel[] = "Wheel-Version: 1.9\r\nroot-is-purelib: True\r\n\r\nRoot-Is-Purelib: false\n";
	static const char folded[] = "Name: x\nRequires-Python: >=3.8,\n  <4\nSummary: s\n";
	struct vr_error err = VR_ERROR_INIT;
	char *v = NULL;
	bool pure = false;

	ck_assert_int_eq(vr_wheel_file_parse(wheel, strlen(wheel), "WHEEL", &pure, NULL), 0);
	ck_assert(pure);
	ck_assert_int_eq(vr_wheel_file_parse("Wheel-Version: 1.0\n", 19, "WHEEL", &pure, NULL), 0);
	ck_assert(!pure);
	ck_assert_int_eq(vr_wheel_file_parse("Wheel-Version: 2.0\n", 19, "W", &pure, &err), -VR_ERR_BAD_FILE);
	ck_assert_str_eq(err.message, "unsupported Wheel-Version '2.0' (only 1.x)");
	ck_assert_int_eq(vr_wheel_file_parse("Generator: x\n\nWheel-Version: 1.0\n", 34, "W", &pure, &err),
			 -VR_ERR_BAD_FILE);
	ck_assert_str_eq(err.message, "no Wheel-Version");
	ck_assert_int_eq(vr_wheel_file_parse("Wheel-Version: one\n", 19, "W", &pure, &err), -VR_ERR_BAD_FILE);

	ck_assert_int_eq(vr_metadata_requires_python(folded, strlen(folded), "M", &v, NULL), 0);
	ck_assert_str_eq(v, ">=3.8, <4");
	free(v);
	ck_assert_int_eq(vr_metadata_requires_python(demo_metadata, strlen(demo_metadata), "M", &v, NULL), 0);
	ck_assert_str_eq(v, ">=3.7");
	free(v);
	v = (char *)"x";
	ck_assert_int_eq(vr_metadata_requires_python("Name: x\n\nRequires-Python: >=3\n", 29, "M", &v, NULL), 0);
	ck_assert_ptr_null(v);
}
END_TEST

const struct t_case wheel_parser_cases[] = {
	T_CASE(sha256_vectors),	    T_CASE(name_parse),		 T_CASE(record_parse), T_CASE(record_refuse),
	T_CASE(entry_points_parse), T_CASE(entry_points_refuse), T_CASE(headers),      { NULL, NULL },
};
