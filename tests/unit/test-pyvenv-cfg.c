/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "pyvenv-cfg.h"
#include "testlib.h"

/* What python -m venv 3.11 writes, with a repr-quoted prompt. */
static const char venv_cfg[] = "home = /usr/bin\n"
			       "include-system-site-packages = false\n"
			       "version = 3.11.2\n"
			       "prompt = 'my \\'env\\''\n"
			       "executable = /usr/bin/python3.11\n"
			       "command = /usr/bin/python3 -m venv /tmp/e\n";

START_TEST(parse_venv_file)
{
	struct vr_pyvenv_cfg cfg = { 0 };
	char *p;

	ck_assert_int_eq(vr_pyvenv_cfg_parse(venv_cfg, "pyvenv.cfg", &cfg, NULL), 0);
	ck_assert_uint_eq(cfg.n, 6);
	ck_assert_str_eq(vr_pyvenv_cfg_get(&cfg, "home"), "/usr/bin");
	ck_assert_str_eq(vr_pyvenv_cfg_get(&cfg, "HOME"), "/usr/bin");
	ck_assert_str_eq(vr_pyvenv_cfg_get(&cfg, "command"), "/usr/bin/python3 -m venv /tmp/e");
	ck_assert_ptr_null(vr_pyvenv_cfg_get(&cfg, "base-prefix"));
	p = vr_pyvenv_cfg_unquote(vr_pyvenv_cfg_get(&cfg, "prompt"));
	ck_assert_str_eq(p, "my 'env'");
	free(p);
	vr_pyvenv_cfg_done(&cfg);
}
END_TEST

START_TEST(parse_like_site_py)
{
	struct vr_pyvenv_cfg cfg = { 0 };

	/* Keys lower-cased, both sides stripped, lines without '=' ignored, later keys win,
	 * a value may hold '='. */
	ck_assert_int_eq(vr_pyvenv_cfg_parse("  Home=  /opt/py/bin  \r\n"
					     "just words\n"
					     "\n"
					     "# comment\n"
					     "key = a = b\n"
					     "home = /second\n"
					     " = orphan\n",
					     "f", &cfg, NULL),
			 0);
	ck_assert_uint_eq(cfg.n, 2);
	ck_assert_str_eq(cfg.entries[0].key, "home");
	ck_assert_str_eq(vr_pyvenv_cfg_get(&cfg, "home"), "/second");
	ck_assert_str_eq(vr_pyvenv_cfg_get(&cfg, "key"), "a = b");
	vr_pyvenv_cfg_done(&cfg);
}
END_TEST

START_TEST(refuse_oversized_line)
{
	struct vr_pyvenv_cfg cfg = { 0 };
	struct vr_error err = VR_ERROR_INIT;
	char *big = malloc(20000);

	/* A line over the bound is refused with its number, and nothing is kept. */
	memset(big, 'a', 19999);
	big[19999] = 0;
	memcpy(big, "home = /usr\nk = ", 16);
	ck_assert_int_eq(vr_pyvenv_cfg_parse(big, "/e/pyvenv.cfg", &cfg, &err), -VR_ERR_BAD_FILE);
	ck_assert_str_eq(err.where, "/e/pyvenv.cfg");
	ck_assert_int_eq(err.line, 2);
	ck_assert_uint_eq(cfg.n, 0);
	free(big);
}
END_TEST

START_TEST(set_refuses_newlines)
{
	struct vr_pyvenv_cfg cfg = { 0 };

	ck_assert_int_eq(vr_pyvenv_cfg_set(&cfg, "prompt", "a\nhome = /evil"), -EINVAL);
	ck_assert_int_eq(vr_pyvenv_cfg_set(&cfg, "a=b", "x"), -EINVAL);
	ck_assert_int_eq(vr_pyvenv_cfg_set(&cfg, "", "x"), -EINVAL);
	ck_assert_uint_eq(cfg.n, 0);
}
END_TEST

START_TEST(format_round_trip)
{
	struct vr_pyvenv_cfg a = { 0 }, b = { 0 };
	char *text, *again;

	ck_assert_int_eq(vr_pyvenv_cfg_set(&a, "home", "/usr/bin"), 0);
	ck_assert_int_eq(vr_pyvenv_cfg_set(&a, "prompt", "my env é"), 0);
	ck_assert_int_eq(vr_pyvenv_cfg_set(&a, "Version_Info", "3.11.2.final.0"), 0);
	ck_assert_int_eq(vr_pyvenv_cfg_set(&a, "home", "/opt/bin"), 0);
	text = vr_pyvenv_cfg_format(&a);
	ck_assert_str_eq(text, "home = /opt/bin\nprompt = my env é\nversion_info = 3.11.2.final.0\n");
	ck_assert_int_eq(vr_pyvenv_cfg_parse(text, "t", &b, NULL), 0);
	again = vr_pyvenv_cfg_format(&b);
	ck_assert_str_eq(again, text);
	free(text);
	free(again);
	vr_pyvenv_cfg_done(&a);
	vr_pyvenv_cfg_done(&b);
}
END_TEST

START_TEST(unquote)
{
	char *p;

	p = vr_pyvenv_cfg_unquote("plain");
	ck_assert_str_eq(p, "plain");
	free(p);
	p = vr_pyvenv_cfg_unquote("\"dq\"");
	ck_assert_str_eq(p, "dq");
	free(p);
	p = vr_pyvenv_cfg_unquote("''");
	ck_assert_str_eq(p, "");
	free(p);
	p = vr_pyvenv_cfg_unquote("'a\\\\b'");
	ck_assert_str_eq(p, "a\\b");
	free(p);
	p = vr_pyvenv_cfg_unquote("'unbalanced");
	ck_assert_str_eq(p, "'unbalanced");
	free(p);
}
END_TEST

static const struct t_case cases[] = {
	T_CASE(parse_venv_file),      T_CASE(parse_like_site_py), T_CASE(refuse_oversized_line),
	T_CASE(set_refuses_newlines), T_CASE(format_round_trip),  T_CASE(unquote),
};

int
main(void)
{
	return t_run_suite(T_SUITE("pyvenv-cfg", cases));
}
