/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* runner/activate.c: quoting a value for each script language, parsing --activators, and
 * rendering the activation scripts. The rendered scripts are sourced in real shells, with
 * env paths as hostile as the strings here, by tests/integration/test-activate-shells.c. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "venvrun/env.h"
#include "venvrun/error.h"

#include "activate.h"
#include "testlib.h"

/* Every kind of quote (', ", `, and PowerShell's U+2018 and U+2019), $, \, &, |, ;, a space,
 * the csh history character, non-ASCII, and nushell's closing sequences #'# and '##. */
#define HOSTILE "a'b\"c$d`e\\f&g|h;i j!k \xc3\xa9 \xe2\x80\x98x\xe2\x80\x99 #'# '## \\'"

static void
check_quote(char *(*quote)(const char *), const char *in, const char *want)
{
	char *q = quote(in);

	ck_assert_ptr_nonnull(q);
	ck_assert_str_eq(q, want);
	free(q);
}

START_TEST(quote_sh)
{
	check_quote(vr_quote_sh, "", "''");
	check_quote(vr_quote_sh, "plain", "'plain'");
	check_quote(vr_quote_sh, "it's", "'it'\\''s'");
	check_quote(vr_quote_sh, "'", "''\\'''");
	check_quote(vr_quote_sh, "$(id) `id` ${x}", "'$(id) `id` ${x}'");
	check_quote(vr_quote_sh, "a\nb", "'a\nb'");
	check_quote(vr_quote_sh, HOSTILE,
		    "'a'\\''b\"c$d`e\\f&g|h;i j!k \xc3\xa9 \xe2\x80\x98x\xe2\x80\x99 #'\\''# '\\''## \\'\\'''");
}
END_TEST

START_TEST(quote_fish)
{
	check_quote(vr_quote_fish, "", "''");
	check_quote(vr_quote_fish, "it's", "'it\\'s'");
	check_quote(vr_quote_fish, "back\\slash", "'back\\\\slash'");
	check_quote(vr_quote_fish, "$x (cmd) {a,b} *", "'$x (cmd) {a,b} *'");
	check_quote(vr_quote_fish, HOSTILE,
		    "'a\\'b\"c$d`e\\\\f&g|h;i j!k \xc3\xa9 \xe2\x80\x98x\xe2\x80\x99 #\\'# \\'## \\\\\\''");
}
END_TEST

START_TEST(quote_csh)
{
	check_quote(vr_quote_csh, "", "''");
	check_quote(vr_quote_csh, "it's", "'it'\\''s'");
	/* History substitution happens inside single quotes too. */
	check_quote(vr_quote_csh, "!", "'\\!'");
	check_quote(vr_quote_csh, "a!!b!$", "'a\\!\\!b\\!$'");
	/* A bare newline would leave the quote unmatched; escaped, it stays in the word. */
	check_quote(vr_quote_csh, "a\nb", "'a\\\nb'");
	check_quote(vr_quote_csh, HOSTILE,
		    "'a'\\''b\"c$d`e\\f&g|h;i j\\!k \xc3\xa9 \xe2\x80\x98x\xe2\x80\x99 #'\\''# '\\''## \\'\\'''");
}
END_TEST

START_TEST(quote_nu)
{
	check_quote(vr_quote_nu, "", "r#''#");
	check_quote(vr_quote_nu, "plain", "r#'plain'#");
	/* A quote alone cannot end r#'...'#, a quote and one '#' can. */
	check_quote(vr_quote_nu, "it's", "r#'it's'#");
	check_quote(vr_quote_nu, "'#", "r##''#'##");
	check_quote(vr_quote_nu, "#'#", "r##'#'#'##");
	check_quote(vr_quote_nu, "x'##y", "r###'x'##y'###");
	check_quote(vr_quote_nu, "a'", "r#'a''#");
	check_quote(vr_quote_nu, HOSTILE,
		    "r###'a'b\"c$d`e\\f&g|h;i j!k \xc3\xa9 \xe2\x80\x98x\xe2\x80\x99 #'# '## \\''###");
}
END_TEST

START_TEST(quote_powershell)
{
	check_quote(vr_quote_powershell, "", "''");
	check_quote(vr_quote_powershell, "it's", "'it''s'");
	check_quote(vr_quote_powershell, "$env:x `n", "'$env:x `n'");
	/* U+2018..U+201B are single quotes to PowerShell: each is doubled like '. */
	check_quote(
		vr_quote_powershell, "\xe2\x80\x98\xe2\x80\x99\xe2\x80\x9a\xe2\x80\x9b",
		"'\xe2\x80\x98\xe2\x80\x98\xe2\x80\x99\xe2\x80\x99\xe2\x80\x9a\xe2\x80\x9a\xe2\x80\x9b\xe2\x80\x9b'");
	/* Neighbours of that range, and the double quotes U+201C/U+201D, are not quotes. */
	check_quote(vr_quote_powershell, "\xe2\x80\x97\xe2\x80\x9c\xe2\x80\x9d",
		    "'\xe2\x80\x97\xe2\x80\x9c\xe2\x80\x9d'");
	/* A truncated sequence at the end is copied, not read past. */
	check_quote(vr_quote_powershell, "\xe2\x80", "'\xe2\x80'");
	check_quote(
		vr_quote_powershell, HOSTILE,
		"'a''b\"c$d`e\\f&g|h;i j!k \xc3\xa9 \xe2\x80\x98\xe2\x80\x98x\xe2\x80\x99\xe2\x80\x99 #''# ''## \\'''");
}
END_TEST

START_TEST(quote_python)
{
	check_quote(vr_quote_python, "", "''");
	check_quote(vr_quote_python, "it's", "'it\\'s'");
	check_quote(vr_quote_python, "back\\slash", "'back\\\\slash'");
	check_quote(vr_quote_python, "\"\"\" {x} %s", "'\"\"\" {x} %s'");
	/* Control characters are escaped, so the literal cannot end its line early. */
	check_quote(vr_quote_python, "a\nb\rc\td\x01\x7f", "'a\\x0ab\\x0dc\\x09d\\x01\\x7f'");
	/* Valid UTF-8 is kept; a stray byte becomes its surrogateescape code point. */
	check_quote(vr_quote_python, "\xc3\xa9\xf0\x9f\x90\x8d", "'\xc3\xa9\xf0\x9f\x90\x8d'");
	check_quote(vr_quote_python,
		    "a\xff"
		    "b\xc3",
		    "'a\\udcffb\\udcc3'");
	check_quote(vr_quote_python, "\xed\xa0\x80", "'\\udced\\udca0\\udc80'");
	check_quote(vr_quote_python, "\xc0\xaf", "'\\udcc0\\udcaf'");
	check_quote(vr_quote_python, HOSTILE,
		    "'a\\'b\"c$d`e\\\\f&g|h;i j!k \xc3\xa9 \xe2\x80\x98x\xe2\x80\x99 #\\'# \\'## \\\\\\''");
}
END_TEST

static void
check_parse(const char *list, unsigned want)
{
	struct vr_error err = VR_ERROR_INIT;
	unsigned got = 0xdead;

	ck_assert_msg(vr_activators_parse(list, &got, &err) == 0, "'%s': %s", list, err.message);
	ck_assert_msg(got == want, "'%s' gave %#x, want %#x", list, got, want);
	ck_assert_int_eq(err.code, 0);
}

START_TEST(parse_names)
{
	check_parse("bash", VR_ACTIVATOR_SH);
	check_parse("sh", VR_ACTIVATOR_SH);
	check_parse("zsh", VR_ACTIVATOR_SH);
	check_parse("dash", VR_ACTIVATOR_SH);
	check_parse("fish", VR_ACTIVATOR_FISH);
	check_parse("csh", VR_ACTIVATOR_CSH);
	check_parse("tcsh", VR_ACTIVATOR_CSH);
	check_parse("nushell", VR_ACTIVATOR_NU);
	check_parse("nu", VR_ACTIVATOR_NU);
	check_parse("powershell", VR_ACTIVATOR_POWERSHELL);
	check_parse("pwsh", VR_ACTIVATOR_POWERSHELL);
	check_parse("python", VR_ACTIVATOR_PYTHON);
	check_parse("all", VR_ACTIVATOR_ALL);
	check_parse("none", 0);
	check_parse("", 0);
	check_parse("BASH", VR_ACTIVATOR_SH);
	check_parse("PowerShell", VR_ACTIVATOR_POWERSHELL);
}
END_TEST

START_TEST(parse_lists)
{
	check_parse("bash,fish", VR_ACTIVATOR_SH | VR_ACTIVATOR_FISH);
	check_parse("bash,zsh,sh", VR_ACTIVATOR_SH);
	check_parse("csh,nu,pwsh,python",
		    VR_ACTIVATOR_CSH | VR_ACTIVATOR_NU | VR_ACTIVATOR_POWERSHELL | VR_ACTIVATOR_PYTHON);
	check_parse(" bash , fish ", VR_ACTIVATOR_SH | VR_ACTIVATOR_FISH);
	check_parse("bash,,fish,", VR_ACTIVATOR_SH | VR_ACTIVATOR_FISH);
	check_parse("none,python", VR_ACTIVATOR_PYTHON);
	check_parse("all,none", VR_ACTIVATOR_ALL);
	check_parse("fish,all", VR_ACTIVATOR_ALL);
}
END_TEST

static void
check_parse_fails(const char *list, const char *message)
{
	struct vr_error err = VR_ERROR_INIT;
	unsigned got = 0xdead;

	ck_assert_int_eq(vr_activators_parse(list, &got, &err), -VR_ERR_USAGE);
	ck_assert_int_eq(err.code, VR_ERR_USAGE);
	ck_assert_str_eq(err.message, message);
	/* The result is written only on success. */
	ck_assert_uint_eq(got, 0xdead);
}

START_TEST(parse_unknown)
{
	check_parse_fails("ksh", "--activators: unknown activator 'ksh'; expected bash, fish, csh, nushell, "
				 "powershell, python, all or none");
	check_parse_fails("bash,cmd", "--activators: unknown activator 'cmd'; expected bash, fish, csh, nushell, "
				      "powershell, python, all or none");
	/* Prefixes and run-together names are not names. */
	check_parse_fails("bas", "--activators: unknown activator 'bas'; expected bash, fish, csh, nushell, "
				 "powershell, python, all or none");
	check_parse_fails("bash fish", "--activators: unknown activator 'bash fish'; expected bash, fish, csh, "
				       "nushell, powershell, python, all or none");
	ck_assert_int_eq(vr_activators_parse(NULL, &(unsigned){ 0 }, NULL), -EINVAL);
}
END_TEST

#define ENV_DIR "/srv/envs/it's \"my\" $env & |x| ! \xc3\xa9 \\ \xe2\x80\x98q\xe2\x80\x99"
#define PROMPT "my 'env' $p"

static const struct vr_activate_vars vars = {
	.env_dir = ENV_DIR,
	.prompt = PROMPT,
	.bin_dir = "bin",
	.site_packages = "lib/python3.12/site-packages",
};

static const char *const all_names[] = {
	"activate", "activate.csh", "activate.fish", "activate.nu", "Activate.ps1", "activate_this.py",
};
static const unsigned all_bits[] = {
	VR_ACTIVATOR_SH, VR_ACTIVATOR_CSH,	  VR_ACTIVATOR_FISH,
	VR_ACTIVATOR_NU, VR_ACTIVATOR_POWERSHELL, VR_ACTIVATOR_PYTHON,
};

START_TEST(render_each_alone)
{
	for (size_t i = 0; i < sizeof all_bits / sizeof all_bits[0]; i++) {
		struct vr_activate_file *files = NULL;
		size_t n = 99;

		ck_assert_int_eq(vr_activators_render(all_bits[i], &vars, &files, &n, NULL), 0);
		ck_assert_uint_eq(n, 1);
		ck_assert_str_eq(files[0].name, all_names[i]);
		ck_assert_uint_eq(files[0].mode, 0644);
		ck_assert_uint_eq(files[0].len, strlen(files[0].content));
		vr_activate_files_free(files, n);
	}
}
END_TEST

START_TEST(render_all_in_order)
{
	struct vr_activate_file *files = NULL;
	size_t n = 0;

	ck_assert_int_eq(vr_activators_render(VR_ACTIVATOR_ALL, &vars, &files, &n, NULL), 0);
	ck_assert_uint_eq(n, 6);
	for (size_t i = 0; i < n; i++) {
		ck_assert_str_eq(files[i].name, all_names[i]);
		ck_assert_uint_eq(files[i].len, strlen(files[i].content));
		ck_assert_msg(!strstr(files[i].content, "__VENVRUN_"), "%s keeps a placeholder", files[i].name);
	}
	vr_activate_files_free(files, n);

	ck_assert_int_eq(vr_activators_render(VR_ACTIVATOR_FISH | VR_ACTIVATOR_SH | VR_ACTIVATOR_PYTHON, &vars, &files,
					      &n, NULL),
			 0);
	ck_assert_uint_eq(n, 3);
	ck_assert_str_eq(files[0].name, "activate");
	ck_assert_str_eq(files[1].name, "activate.fish");
	ck_assert_str_eq(files[2].name, "activate_this.py");
	vr_activate_files_free(files, n);

	files = NULL;
	n = 99;
	ck_assert_int_eq(vr_activators_render(0, &vars, &files, &n, NULL), 0);
	ck_assert_uint_eq(n, 0);
	vr_activate_files_free(files, n);
	vr_activate_files_free(NULL, 0);
}
END_TEST

/* The content of the file named `name` among files. */
static const char *
content_of(struct vr_activate_file *files, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(files[i].name, name) == 0)
			return files[i].content;
	ck_abort_msg("no %s rendered", name);
	return NULL;
}

/* `line` (a whole line) occurs in text. */
static void
check_has_line(const char *file, const char *text, const char *line)
{
	size_t n = strlen(line);

	for (const char *p = text; (p = strstr(p, line)); p++)
		if ((p == text || p[-1] == '\n') && (p[n] == '\n' || p[n] == 0))
			return;
	ck_abort_msg("%s lacks the line <%s>", file, line);
}

START_TEST(render_quotes_values)
{
	struct vr_activate_file *files = NULL;
	size_t n = 0;
	const char *sh, *csh, *fish, *nu, *ps, *py;

	ck_assert_int_eq(vr_activators_render(VR_ACTIVATOR_ALL, &vars, &files, &n, NULL), 0);
	sh = content_of(files, n, "activate");
	check_has_line("activate", sh,
		       "VIRTUAL_ENV='/srv/envs/it'\\''s \"my\" $env & |x| ! \xc3\xa9 \\ \xe2\x80\x98q\xe2\x80\x99'");
	check_has_line("activate", sh, "VIRTUAL_ENV_PROMPT='my '\\''env'\\'' $p'");
	check_has_line("activate", sh, "PATH=\"$VIRTUAL_ENV/\"'bin'\"${PATH:+:$PATH}\"");

	csh = content_of(files, n, "activate.csh");
	check_has_line(
		"activate.csh", csh,
		"setenv VIRTUAL_ENV '/srv/envs/it'\\''s \"my\" $env & |x| \\! \xc3\xa9 \\ \xe2\x80\x98q\xe2\x80\x99'");
	check_has_line("activate.csh", csh, "setenv VIRTUAL_ENV_PROMPT 'my '\\''env'\\'' $p'");

	fish = content_of(files, n, "activate.fish");
	check_has_line(
		"activate.fish", fish,
		"set -gx VIRTUAL_ENV '/srv/envs/it\\'s \"my\" $env & |x| ! \xc3\xa9 \\\\ \xe2\x80\x98q\xe2\x80\x99'");
	check_has_line("activate.fish", fish, "set -gx VIRTUAL_ENV_PROMPT 'my \\'env\\' $p'");

	nu = content_of(files, n, "activate.nu");
	check_has_line(
		"activate.nu", nu,
		"    let env_dir = r#'/srv/envs/it's \"my\" $env & |x| ! \xc3\xa9 \\ \xe2\x80\x98q\xe2\x80\x99'#");
	check_has_line("activate.nu", nu, "    let prompt = r#'my 'env' $p'#");

	ps = content_of(files, n, "Activate.ps1");
	check_has_line("Activate.ps1", ps,
		       "$env:VIRTUAL_ENV = '/srv/envs/it''s \"my\" $env & |x| ! \xc3\xa9 \\ "
		       "\xe2\x80\x98\xe2\x80\x98q\xe2\x80\x99\xe2\x80\x99'");
	check_has_line("Activate.ps1", ps, "$env:VIRTUAL_ENV_PROMPT = 'my ''env'' $p'");

	/* activate_this.py finds the env from its own place: only the prompt and the
	 * site-packages path are written into it. */
	py = content_of(files, n, "activate_this.py");
	check_has_line("activate_this.py", py, "os.environ[\"VIRTUAL_ENV_PROMPT\"] = 'my \\'env\\' $p'");
	ck_assert_ptr_nonnull(strstr(py, "os.path.join(_venvrun_base, 'lib/python3.12/site-packages')"));
	ck_assert_ptr_null(strstr(py, "/srv/envs"));
	vr_activate_files_free(files, n);
}
END_TEST

static void
check_render_fails(unsigned which, const struct vr_activate_vars *v, int code)
{
	struct vr_error err = VR_ERROR_INIT;
	struct vr_activate_file *files = (struct vr_activate_file *)&err;
	size_t n = 99;

	ck_assert_int_eq(vr_activators_render(which, v, &files, &n, &err), -code);
	ck_assert_int_eq(err.code, code);
	ck_assert_str_ne(err.message, "");
	/* Nothing is handed out on failure. */
	ck_assert_ptr_eq(files, (struct vr_activate_file *)&err);
	ck_assert_uint_eq(n, 99);
}

START_TEST(render_refuses)
{
	struct vr_activate_vars v;

	v = vars;
	v.env_dir = "relative/env";
	check_render_fails(VR_ACTIVATOR_SH, &v, EINVAL);
	v = vars;
	v.env_dir = "/a:b";
	check_render_fails(VR_ACTIVATOR_SH, &v, VR_ERR_BAD_PATH);
	v = vars;
	v.env_dir = "/a\nb";
	check_render_fails(VR_ACTIVATOR_ALL, &v, VR_ERR_BAD_PATH);
	v = vars;
	v.bin_dir = "/bin";
	check_render_fails(VR_ACTIVATOR_SH, &v, EINVAL);
	v = vars;
	v.bin_dir = NULL;
	check_render_fails(VR_ACTIVATOR_FISH, &v, EINVAL);
	v = vars;
	v.prompt = NULL;
	check_render_fails(VR_ACTIVATOR_SH, &v, EINVAL);
	/* site-packages is needed for activate_this.py alone. */
	v = vars;
	v.site_packages = NULL;
	check_render_fails(VR_ACTIVATOR_ALL, &v, EINVAL);
	{
		struct vr_activate_file *files = NULL;
		size_t n = 0;

		ck_assert_int_eq(vr_activators_render(VR_ACTIVATOR_ALL & ~VR_ACTIVATOR_PYTHON, &v, &files, &n, NULL),
				 0);
		ck_assert_uint_eq(n, 5);
		vr_activate_files_free(files, n);
	}
	check_render_fails(1u << 6, &vars, EINVAL);
	check_render_fails(VR_ACTIVATOR_SH, NULL, EINVAL);
}
END_TEST

static const struct t_case cases[] = {
	T_CASE(quote_sh),	  T_CASE(quote_fish),	     T_CASE(quote_csh),		  T_CASE(quote_nu),
	T_CASE(quote_powershell), T_CASE(quote_python),	     T_CASE(parse_names),	  T_CASE(parse_lists),
	T_CASE(parse_unknown),	  T_CASE(render_each_alone), T_CASE(render_all_in_order), T_CASE(render_quotes_values),
	T_CASE(render_refuses),
};

int
main(void)
{
	return t_run_suite(T_SUITE("activate", cases));
}
