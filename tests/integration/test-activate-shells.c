/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The activation scripts, sourced in real shells: bash, dash, zsh and mksh (bin/activate), fish
 * (activate.fish), tcsh and BSD csh (activate.csh), plus activate_this.py in the base
 * python. Envs are made the product's way, `venvrun create`, in directories whose names
 * hold every character a shell could trip over: quotes of each kind, $, `, \, &, |, ;, *,
 * spaces, the csh history character and non-ASCII.
 *
 * Each shell runs a script that prints every variable activation touches, in one fixed
 * format, before activating, while active and after deactivate; the test compares the
 * whole output with what it must be. "Unset" and "set to the empty string" print
 * differently, so a script that mixes them up fails.
 *
 * A shell that is not installed is skipped, and said so on stdout. Nushell and PowerShell
 * are not packaged by Debian, so for them only the rendered text is checked.
 */
#include "config.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "macro.h"
#include "path.h"
#include "testlib.h"

#define BASE_PYTHON "/usr/bin/python3"

/* The names of the two envs, below the scratch directory. */
#define NAME1 "env 'q' \"d\" $x &a |b !h \xc3\xa9 \\"
#define NAME2 "env2 `c` ;s *g \xe2\x80\x98x\xe2\x80\x99 #'# $(id)"
/* Quotes, '&', '!' and non-ASCII in the prompt; '$', '`' and '\\' are refused by create
 * (a shell would expand them in PS1), which test-create checks. */
#define PROMPT1 "my 'p' \"q\" & |p ; !p \xc3\xa9"
#define PROMPT2 "second"

/* The PATH the shells start with: real directories first (the scripts need printf,
 * printenv and which), and one that only a careless restore would get wrong. */
#define BASE_PATH "/usr/bin:/bin:/nowhere/with space/'q' $v"

static char *scratch, *env1, *env2, *cache_env;

static void
create_env(const char *dir, const char *prompt)
{
	char *argv[] = { (char *)t_venvrun_bin(), "create",    "--no-seed", "-p", BASE_PYTHON, "--prompt",
			 (char *)prompt,	  (char *)dir, NULL };
	char *env[] = { cache_env, NULL };
	_cleanup_free_ char *err = NULL, *activate = t_strdupf("%s/bin/activate", dir);
	int r = t_run(argv, env, NULL, NULL, &err);

	ck_assert_msg(r == 0, "venvrun create '%s' exited %d: %s", dir, r, err);
	ck_assert_msg(access(activate, R_OK) == 0, "venvrun create wrote no %s", activate);
}

static void
setup(void)
{
	_cleanup_free_ char *t = t_tmpdir("activate");

	/* The scripts compare against the path as the env records it: no symlinks in it. */
	scratch = realpath(t, NULL);
	ck_assert_ptr_nonnull(scratch);
	cache_env = t_strdupf("VENVRUN_CACHE_DIR=%s/cache", scratch);
	env1 = t_strdupf("%s/" NAME1, scratch);
	env2 = t_strdupf("%s/" NAME2, scratch);
	create_env(env1, PROMPT1);
	create_env(env2, PROMPT2);
}

static void
teardown(void)
{
	t_rm_rf(scratch);
}

/* ---- what the scripts print ---- */

/* The values `show` prints; NULL means unset. */
struct vars {
	const char *path;
	const char *prompt;
	const char *pythonhome; /* both the shell's idea and what a child process sees */
	const char *virtual_env;
	const char *virtual_env_prompt;
	bool deactivate; /* a deactivate function or alias exists */
};

static void
expect_var(struct vr_buf *b, const char *label, const char *name, const char *value)
{
	if (value)
		vr_buf_printf(b, "%s %s=[%s]\n", label, name, value);
	else
		vr_buf_printf(b, "%s %s unset\n", label, name);
}

static void
expect_show(struct vr_buf *b, const char *label, const struct vars *v)
{
	expect_var(b, label, "PATH", v->path);
	expect_var(b, label, "PROMPT", v->prompt);
	expect_var(b, label, "PYTHONHOME", v->pythonhome);
	expect_var(b, label, "exported-PYTHONHOME", v->pythonhome);
	expect_var(b, label, "VIRTUAL_ENV", v->virtual_env);
	expect_var(b, label, "VIRTUAL_ENV_PROMPT", v->virtual_env_prompt);
	vr_buf_printf(b, "%s deactivate=%s\n", label, v->deactivate ? "yes" : "no");
}

/*
 * The three script languages. Each defines `show LABEL` printing the lines expect_show()
 * describes, where PROMPT is PS1 (sh), the output of fish_prompt run right after a failing
 * command (fish), or $prompt (csh). The starting state comes from T_PS1_STATE/T_PS1 and
 * T_PH_STATE/T_PH (set or unset, and the value), so that no value is ever written into a
 * script's text.
 */
static const char sh_prologue_script[] =
	"show () {\n"
	"	if [ -n \"${PATH+x}\" ]; then printf '%s PATH=[%s]\\n' \"$1\" \"$PATH\"; else printf '%s PATH "
	"unset\\n' \"$1\"; fi\n"
	"	if [ -n \"${PS1+x}\" ]; then printf '%s PROMPT=[%s]\\n' \"$1\" \"$PS1\"; else printf '%s PROMPT "
	"unset\\n' \"$1\"; fi\n"
	"	if [ -n \"${PYTHONHOME+x}\" ]; then printf '%s PYTHONHOME=[%s]\\n' \"$1\" \"$PYTHONHOME\"; else printf "
	"'%s PYTHONHOME unset\\n' \"$1\"; fi\n"
	"	if v=$(printenv PYTHONHOME); then printf '%s exported-PYTHONHOME=[%s]\\n' \"$1\" \"$v\"; else printf "
	"'%s exported-PYTHONHOME unset\\n' \"$1\"; fi\n"
	"	if [ -n \"${VIRTUAL_ENV+x}\" ]; then printf '%s VIRTUAL_ENV=[%s]\\n' \"$1\" \"$VIRTUAL_ENV\"; else "
	"printf '%s VIRTUAL_ENV unset\\n' \"$1\"; fi\n"
	"	if [ -n \"${VIRTUAL_ENV_PROMPT+x}\" ]; then printf '%s VIRTUAL_ENV_PROMPT=[%s]\\n' \"$1\" "
	"\"$VIRTUAL_ENV_PROMPT\"; else printf '%s VIRTUAL_ENV_PROMPT unset\\n' \"$1\"; fi\n"
	"	if [ \"$(command -v deactivate || true)\" = deactivate ]; then printf '%s deactivate=yes\\n' \"$1\"; "
	"else printf '%s deactivate=no\\n' \"$1\"; fi\n"
	"}\n"
	"if [ \"$T_PS1_STATE\" = set ]; then PS1=$T_PS1; else unset PS1; fi\n"
	"if [ \"$T_PH_STATE\" = set ]; then PYTHONHOME=$T_PH; export PYTHONHOME; else unset PYTHONHOME; fi\n";

static const char sh_roundtrip_script[] = "show before\n"
					  ". \"$T_ENV/bin/activate\"\n"
					  "show active\n"
					  "printf 'active python=[%s]\\n' \"$(command -v python || true)\"\n"
					  "deactivate\n"
					  "show after\n"
					  "printf 'after python3=[%s]\\n' \"$(command -v python3 || true)\"\n";

static const char sh_sequence_script[] = ". \"$T_ENV/bin/activate\"\n"
					 ". \"$T_ENV2/bin/activate\"\n"
					 "show nested\n"
					 "deactivate\n"
					 "show after\n"
					 ". \"$T_ENV/bin/activate\"\n"
					 "deactivate nondestructive\n"
					 "show kept\n"
					 "PYTHONHOME=/later\n"
					 "export PYTHONHOME\n"
					 "deactivate\n"
					 "show final\n";

static const char fish_prologue_script[] =
	"function show\n"
	"    set -l l $argv[1]\n"
	"    if set -q PATH; printf '%s PATH=[%s]\\n' $l (string join : -- $PATH); else; printf '%s PATH unset\\n' $l; "
	"end\n"
	"    if functions -q fish_prompt\n"
	"        false\n"
	"        printf '%s PROMPT=[%s]\\n' $l (fish_prompt)\n"
	"    else\n"
	"        printf '%s PROMPT unset\\n' $l\n"
	"    end\n"
	"    if set -q PYTHONHOME; printf '%s PYTHONHOME=[%s]\\n' $l \"$PYTHONHOME\"; else; printf '%s PYTHONHOME "
	"unset\\n' $l; end\n"
	"    if printenv PYTHONHOME >/dev/null; printf '%s exported-PYTHONHOME=[%s]\\n' $l (printenv PYTHONHOME); "
	"else; printf '%s exported-PYTHONHOME unset\\n' $l; end\n"
	"    if set -q VIRTUAL_ENV; printf '%s VIRTUAL_ENV=[%s]\\n' $l \"$VIRTUAL_ENV\"; else; printf '%s VIRTUAL_ENV "
	"unset\\n' $l; end\n"
	"    if set -q VIRTUAL_ENV_PROMPT; printf '%s VIRTUAL_ENV_PROMPT=[%s]\\n' $l \"$VIRTUAL_ENV_PROMPT\"; else; "
	"printf '%s VIRTUAL_ENV_PROMPT unset\\n' $l; end\n"
	"    if functions -q deactivate; printf '%s deactivate=yes\\n' $l; else; printf '%s deactivate=no\\n' $l; end\n"
	"end\n"
	/* The prompt shows the last command's status: the wrapper must pass it through. */
	"if test \"$T_PS1_STATE\" = set\n"
	"    function fish_prompt; printf '%sst=%s' \"$T_PS1\" $status; end\n"
	"else\n"
	"    functions -e fish_prompt\n"
	"end\n"
	"if test \"$T_PH_STATE\" = set; set -gx PYTHONHOME \"$T_PH\"; else; set -e PYTHONHOME; end\n";

static const char fish_roundtrip_script[] = "show before\n"
					    "source \"$T_ENV/bin/activate.fish\"\n"
					    "show active\n"
					    "printf 'active python=[%s]\\n' (command -s python)\n"
					    "deactivate\n"
					    "show after\n"
					    "printf 'after python3=[%s]\\n' (command -s python3)\n";

static const char fish_sequence_script[] = "source \"$T_ENV/bin/activate.fish\"\n"
					   "source \"$T_ENV2/bin/activate.fish\"\n"
					   "show nested\n"
					   "deactivate\n"
					   "show after\n"
					   "source \"$T_ENV/bin/activate.fish\"\n"
					   "deactivate nondestructive\n"
					   "show kept\n"
					   "set -gx PYTHONHOME /later\n"
					   "deactivate\n"
					   "show final\n";

/* csh has no functions: `show` is a file sourced with $label set (its path in T_SHOW). */
static const char csh_show_script[] = "if ( $?PATH ) then\n"
				      "	printf '%s PATH=[%s]\\n' $label:q $PATH:q\n"
				      "else\n"
				      "	printf '%s PATH unset\\n' $label:q\n"
				      "endif\n"
				      "if ( $?prompt ) then\n"
				      "	printf '%s PROMPT=[%s]\\n' $label:q $prompt:q\n"
				      "else\n"
				      "	printf '%s PROMPT unset\\n' $label:q\n"
				      "endif\n"
				      "if ( $?PYTHONHOME ) then\n"
				      "	printf '%s PYTHONHOME=[%s]\\n' $label:q $PYTHONHOME:q\n"
				      "else\n"
				      "	printf '%s PYTHONHOME unset\\n' $label:q\n"
				      "endif\n"
				      "printenv PYTHONHOME > /dev/null\n"
				      "if ( $status == 0 ) then\n"
				      "	printf '%s exported-PYTHONHOME=[%s]\\n' $label:q \"`printenv PYTHONHOME`\"\n"
				      "else\n"
				      "	printf '%s exported-PYTHONHOME unset\\n' $label:q\n"
				      "endif\n"
				      "if ( $?VIRTUAL_ENV ) then\n"
				      "	printf '%s VIRTUAL_ENV=[%s]\\n' $label:q $VIRTUAL_ENV:q\n"
				      "else\n"
				      "	printf '%s VIRTUAL_ENV unset\\n' $label:q\n"
				      "endif\n"
				      "if ( $?VIRTUAL_ENV_PROMPT ) then\n"
				      "	printf '%s VIRTUAL_ENV_PROMPT=[%s]\\n' $label:q $VIRTUAL_ENV_PROMPT:q\n"
				      "else\n"
				      "	printf '%s VIRTUAL_ENV_PROMPT unset\\n' $label:q\n"
				      "endif\n"
				      "if ( \"`alias deactivate`\" != \"\" ) then\n"
				      "	printf '%s deactivate=yes\\n' $label:q\n"
				      "else\n"
				      "	printf '%s deactivate=no\\n' $label:q\n"
				      "endif\n";

static const char csh_prologue_script[] = "if ( $T_PS1_STATE == set ) then\n"
					  "	set prompt = $T_PS1:q\n"
					  "else\n"
					  "	unset prompt\n"
					  "endif\n"
					  "if ( $T_PH_STATE == set ) then\n"
					  "	setenv PYTHONHOME $T_PH:q\n"
					  "else\n"
					  "	unsetenv PYTHONHOME\n"
					  "endif\n";

static const char csh_roundtrip_script[] = "set label = before\n"
					   "source $T_SHOW:q\n"
					   "source ${T_ENV:q}/bin/activate.csh\n"
					   "set label = active\n"
					   "source $T_SHOW:q\n"
					   "printf 'active python=[%s]\\n' \"`which python`\"\n"
					   "deactivate\n"
					   "set label = after\n"
					   "source $T_SHOW:q\n"
					   "printf 'after python3=[%s]\\n' \"`which python3`\"\n";

static const char csh_sequence_script[] = "source ${T_ENV:q}/bin/activate.csh\n"
					  "source ${T_ENV2:q}/bin/activate.csh\n"
					  "set label = nested\n"
					  "source $T_SHOW:q\n"
					  "deactivate\n"
					  "set label = after\n"
					  "source $T_SHOW:q\n"
					  "source ${T_ENV:q}/bin/activate.csh\n"
					  "deactivate nondestructive\n"
					  "set label = kept\n"
					  "source $T_SHOW:q\n"
					  "setenv PYTHONHOME /later\n"
					  "deactivate\n"
					  "set label = final\n"
					  "source $T_SHOW:q\n";

enum family { SH, FISH, CSH };

struct shell {
	const char *name;    /* as the test reports it */
	const char *program; /* looked up on PATH */
	const char *option;  /* one option before the script: no start-up files */
	enum family family;
	const char *prologue, *roundtrip, *sequence;
	const char *strict; /* sh family: the strictest mode the shell has */
};

#define SH_SCRIPTS sh_prologue_script, sh_roundtrip_script, sh_sequence_script
#define FISH_SCRIPTS fish_prologue_script, fish_roundtrip_script, fish_sequence_script
#define CSH_SCRIPTS csh_prologue_script, csh_roundtrip_script, csh_sequence_script

static const struct shell shell_bash = { "bash", "bash", "--norc", SH, SH_SCRIPTS, "set -euo pipefail\n" };
static const struct shell shell_dash = { "dash", "dash", NULL, SH, SH_SCRIPTS, "set -eu\n" };
static const struct shell shell_zsh = { "zsh", "zsh", "-f", SH, SH_SCRIPTS, "setopt nounset errexit pipefail\n" };
/* A ksh. ksh93 works as well, but its command -v quotes the path it prints. */
static const struct shell shell_mksh = { "mksh", "mksh", NULL, SH, SH_SCRIPTS, "set -o pipefail -eu\n" };
static const struct shell shell_fish = { "fish", "fish", "--no-config", FISH, FISH_SCRIPTS, NULL };
static const struct shell shell_tcsh = { "tcsh", "tcsh", "-f", CSH, CSH_SCRIPTS, NULL };
/* Debian's csh package is BSD csh, installed as bsd-csh and, by alternatives, csh. */
static const struct shell shell_csh = { "csh (BSD)", "bsd-csh", "-f", CSH, CSH_SCRIPTS, NULL };

/* The shell's program, or NULL when it is not installed. */
static char *
find_shell(const struct shell *sh)
{
	char *p = t_which(sh->program);

	if (!p && sh == &shell_csh) {
		/* Elsewhere BSD csh may be plain "csh"; where csh is tcsh, tcsh is tested already. */
		_cleanup_free_ char *c = t_which("csh");
		_cleanup_free_ char *real = c ? realpath(c, NULL) : NULL;

		if (real && !streq(vr_path_basename(real), "tcsh"))
			p = TAKE_PTR(c);
	}
	return p;
}

/* The starting state of a run. */
struct state {
	const char *prompt;	/* PS1, fish_prompt's text or $prompt; NULL: none */
	const char *pythonhome; /* NULL: unset */
	bool disable_prompt;	/* VIRTUAL_ENV_DISABLE_PROMPT=1 */
};

/* Run `body` after the shell's prologue in a scratch file; returns what it printed on stdout. */
static char *
run_script(const struct shell *sh, const struct state *st, const char *body, int *status, char **err_out)
{
	_cleanup_free_ char *prog = find_shell(sh);
	_cleanup_free_ char *script = t_strdupf("%s/test-script", scratch);
	_cleanup_free_ char *show = t_strdupf("%s/show.csh", scratch);
	_cleanup_free_ char *e_env = t_strdupf("T_ENV=%s", env1), *e_env2 = t_strdupf("T_ENV2=%s", env2);
	_cleanup_free_ char *e_show = t_strdupf("T_SHOW=%s", show);
	_cleanup_free_ char *e_ps1 = t_strdupf("T_PS1=%s", st->prompt ? st->prompt : "");
	_cleanup_free_ char *e_ph = t_strdupf("T_PH=%s", st->pythonhome ? st->pythonhome : "");
	_cleanup_free_ char *text = NULL;
	/* Nothing from the test's own environment may leak into the state under test. */
	char *env[] = {
		"PATH=" BASE_PATH,
		e_env,
		e_env2,
		e_show,
		e_ps1,
		e_ph,
		st->prompt ? "T_PS1_STATE=set" : "T_PS1_STATE=unset",
		st->pythonhome ? "T_PH_STATE=set" : "T_PH_STATE=unset",
		st->disable_prompt ? "VIRTUAL_ENV_DISABLE_PROMPT=1" : "VIRTUAL_ENV_DISABLE_PROMPT",
		"PS1",
		"PYTHONHOME",
		"VIRTUAL_ENV",
		"VIRTUAL_ENV_PROMPT",
		"ENV",
		"BASH_ENV",
		NULL,
	};
	char *argv[4] = { prog, NULL, NULL, NULL };
	char *out = NULL;

	ck_assert_ptr_nonnull(prog);
	if (sh->family == CSH)
		t_write_file(show, csh_show_script, false);
	text = t_strdupf("%s%s", sh->prologue, body);
	t_write_file(script, text, false);
	if (sh->option) {
		argv[1] = (char *)sh->option;
		argv[2] = script;
	} else {
		argv[1] = script;
	}
	*status = t_run(argv, env, scratch, &out, err_out);
	return out;
}

static void
check_output(const struct shell *sh, const char *what, const char *out, const char *err, int status, const char *want)
{
	ck_assert_msg(status == 0, "%s %s: exit status %d; stderr: %s", sh->name, what, status, err);
	ck_assert_msg(streq(err, ""), "%s %s printed on stderr: %s", sh->name, what, err);
	ck_assert_msg(streq(out, want), "%s %s printed:\n%s\nwant:\n%s", sh->name, what, out, want);
}

/* What a shell prints as its prompt for a given starting prompt text. */
static char *
prompt_text(const struct shell *sh, const char *prompt)
{
	/* The test's fish_prompt appends the status it sees: the failing `false` before it. */
	return sh->family == FISH ? t_strdupf("%sst=1", prompt) : strdup(prompt);
}

static char *
found_on_base_path(const char *name)
{
	char *p = NULL;

	return vr_path_find_executable(name, BASE_PATH, &p) == 0 ? p : strdup("");
}

static void
check_roundtrip_state(const struct shell *sh, const struct state *st)
{
	_cleanup_buf_ struct vr_buf want = VR_BUF_INIT;
	_cleanup_free_ char *out = NULL, *err = NULL, *old_prompt = NULL, *new_prompt = NULL;
	_cleanup_free_ char *active_path = t_strdupf("%s/bin:%s", env1, BASE_PATH);
	_cleanup_free_ char *python = t_strdupf("%s/bin/python", env1);
	_cleanup_free_ char *python3 = found_on_base_path("python3");
	_cleanup_free_ char *what =
		t_strdupf("round trip (prompt %s%s%s, PYTHONHOME %s%s%s%s)", st->prompt ? "'" : "unset",
			  st->prompt ? st->prompt : "", st->prompt ? "'" : "", st->pythonhome ? "'" : "unset",
			  st->pythonhome ? st->pythonhome : "", st->pythonhome ? "'" : "",
			  st->disable_prompt ? ", VIRTUAL_ENV_DISABLE_PROMPT=1" : "");
	struct vars before = { BASE_PATH, NULL, st->pythonhome, NULL, NULL, false };
	struct vars active = { active_path, NULL, NULL, env1, PROMPT1, true };
	int status;

	if (st->prompt) {
		old_prompt = prompt_text(sh, st->prompt);
		before.prompt = old_prompt;
		new_prompt = st->disable_prompt ? strdup(old_prompt) : t_strdupf("(" PROMPT1 ") %s", old_prompt);
		active.prompt = new_prompt;
	} else if (sh->family == FISH && !st->disable_prompt) {
		/* fish always has a prompt; without one, activation makes one of its own. */
		new_prompt = strdup("(" PROMPT1 ") ");
		active.prompt = new_prompt;
	}
	/* The values must differ while active, or the comparison below proves nothing. */
	ck_assert_str_ne(active.path, before.path);
	ck_assert_ptr_null(before.virtual_env);
	ck_assert_ptr_nonnull(active.virtual_env);

	expect_show(&want, "before", &before);
	expect_show(&want, "active", &active);
	vr_buf_printf(&want, "active python=[%s]\n", python);
	expect_show(&want, "after", &before);
	vr_buf_printf(&want, "after python3=[%s]\n", python3);
	ck_assert_int_eq(vr_buf_status(&want), 0);

	out = run_script(sh, st, sh->roundtrip, &status, &err);
	check_output(sh, what, out, err, status, want.data);
}

static void
check_roundtrip(const struct shell *sh)
{
	static const struct state states[] = {
		{ "old $ 'q' \\w ", NULL, false }, { NULL, "", false },	 { "", "/x y", false },
		{ "kept> ", "/x", true },	   { NULL, NULL, true },
	};

	for (size_t i = 0; i < ELEMENTSOF(states); i++)
		check_roundtrip_state(sh, &states[i]);
}

/* Activating env2 over env1 leaves only env2 on PATH; deactivate restores the start;
 * "deactivate nondestructive" restores but keeps deactivate, and a second call then
 * leaves alone what was changed in between. */
static void
check_sequence(const struct shell *sh)
{
	static const struct state st = { "old> ", "/x", false };
	_cleanup_buf_ struct vr_buf want = VR_BUF_INIT;
	_cleanup_free_ char *out = NULL, *err = NULL, *old_prompt = prompt_text(sh, st.prompt);
	_cleanup_free_ char *nested_path = t_strdupf("%s/bin:%s", env2, BASE_PATH);
	_cleanup_free_ char *nested_prompt = t_strdupf("(" PROMPT2 ") %s", old_prompt);
	struct vars start = { BASE_PATH, old_prompt, st.pythonhome, NULL, NULL, false };
	struct vars nested = { nested_path, nested_prompt, NULL, env2, PROMPT2, true };
	struct vars kept = start, final = start;
	int status;

	kept.deactivate = true;
	final.pythonhome = "/later";
	expect_show(&want, "nested", &nested);
	expect_show(&want, "after", &start);
	expect_show(&want, "kept", &kept);
	expect_show(&want, "final", &final);
	ck_assert_int_eq(vr_buf_status(&want), 0);

	out = run_script(sh, &st, sh->sequence, &status, &err);
	check_output(sh, "second env over the first, then nondestructive", out, err, status, want.data);
}

/* Under the shell's strictest mode, activating and deactivating print nothing and fail
 * nothing, whether PS1 and PYTHONHOME are unset or set. The checks between the steps stop
 * the script (errexit) if a step did not happen. */
static void
check_strict(const struct shell *sh)
{
	static const char body[] = "unset PS1 PYTHONHOME VIRTUAL_ENV_DISABLE_PROMPT VIRTUAL_ENV VIRTUAL_ENV_PROMPT\n"
				   ". \"$T_ENV/bin/activate\"\n"
				   "[ \"$VIRTUAL_ENV\" = \"$T_ENV\" ]\n"
				   "deactivate\n"
				   "[ -z \"${VIRTUAL_ENV+x}\" ]\n"
				   "PS1='$ '\n"
				   "PYTHONHOME=/x\n"
				   "export PYTHONHOME\n"
				   ". \"$T_ENV/bin/activate\"\n"
				   ". \"$T_ENV2/bin/activate\"\n"
				   "[ \"$VIRTUAL_ENV\" = \"$T_ENV2\" ]\n"
				   "deactivate nondestructive\n"
				   "deactivate\n"
				   "deactivate_gone=$(command -v deactivate || true)\n"
				   "[ -z \"$deactivate_gone\" ]\n"
				   "[ \"$PYTHONHOME\" = /x ]\n"
				   "printf done\n";
	_cleanup_free_ char *prog = find_shell(sh);
	_cleanup_free_ char *script = t_strdupf("%s/strict-script", scratch);
	_cleanup_free_ char *text = t_strdupf("%s%s", sh->strict, body);
	_cleanup_free_ char *e_env = t_strdupf("T_ENV=%s", env1), *e_env2 = t_strdupf("T_ENV2=%s", env2);
	_cleanup_free_ char *out = NULL, *err = NULL;
	char *env[] = { "PATH=" BASE_PATH, e_env, e_env2, "ENV", "BASH_ENV", NULL };
	char *argv[] = { prog, script, NULL };
	int status;

	ck_assert_ptr_nonnull(prog);
	t_write_file(script, text, false);
	status = t_run(argv, env, scratch, &out, &err);
	check_output(sh, "strict mode", out, err, status, "done");
}

START_TEST(bash_roundtrip)
{
	check_roundtrip(&shell_bash);
}
END_TEST

START_TEST(bash_sequence)
{
	check_sequence(&shell_bash);
}
END_TEST

START_TEST(bash_strict_is_silent)
{
	check_strict(&shell_bash);
}
END_TEST

START_TEST(dash_roundtrip)
{
	check_roundtrip(&shell_dash);
}
END_TEST

START_TEST(dash_sequence)
{
	check_sequence(&shell_dash);
}
END_TEST

START_TEST(dash_strict_is_silent)
{
	check_strict(&shell_dash);
}
END_TEST

START_TEST(zsh_roundtrip)
{
	check_roundtrip(&shell_zsh);
}
END_TEST

START_TEST(zsh_sequence)
{
	check_sequence(&shell_zsh);
}
END_TEST

START_TEST(zsh_strict_is_silent)
{
	check_strict(&shell_zsh);
}
END_TEST

START_TEST(mksh_roundtrip)
{
	check_roundtrip(&shell_mksh);
}
END_TEST

START_TEST(mksh_sequence)
{
	check_sequence(&shell_mksh);
}
END_TEST

START_TEST(mksh_strict_is_silent)
{
	check_strict(&shell_mksh);
}
END_TEST

START_TEST(fish_roundtrip)
{
	check_roundtrip(&shell_fish);
}
END_TEST

START_TEST(fish_sequence)
{
	check_sequence(&shell_fish);
}
END_TEST

START_TEST(tcsh_roundtrip)
{
	check_roundtrip(&shell_tcsh);
}
END_TEST

START_TEST(tcsh_sequence)
{
	check_sequence(&shell_tcsh);
}
END_TEST

START_TEST(csh_roundtrip)
{
	check_roundtrip(&shell_csh);
}
END_TEST

START_TEST(csh_sequence)
{
	check_sequence(&shell_csh);
}
END_TEST

/* activate_this.py in the base interpreter: prefix, environment and sys.path order. */
START_TEST(python_activate_this)
{
	static const char code[] =
		"import os, sys\n"
		"p = sys.argv[1]\n"
		"exec(open(p).read(), {'__file__': p})\n"
		"env = os.path.dirname(os.path.dirname(p))\n"
		"sp = os.path.join(env, 'lib', 'python%d.%d' % sys.version_info[:2], 'site-packages')\n"
		"base = [i for i, e in enumerate(sys.path) if e.startswith(sys.base_prefix + '/')]\n"
		"print('prefix=[%s]' % sys.prefix)\n"
		"print('exec_prefix=[%s]' % sys.exec_prefix)\n"
		"print('VIRTUAL_ENV=[%s]' % os.environ['VIRTUAL_ENV'])\n"
		"print('VIRTUAL_ENV_PROMPT=[%s]' % os.environ['VIRTUAL_ENV_PROMPT'])\n"
		"print('PATH=[%s]' % os.environ['PATH'])\n"
		"print('PYTHONHOME %s' % ('set' if 'PYTHONHOME' in os.environ else 'unset'))\n"
		"print('site-packages at %d, before the base entries: %s' % (sys.path.index(sp), sys.path.index(sp) < "
		"min(base)))\n";
	_cleanup_free_ char *this = t_strdupf("%s/bin/activate_this.py", env1);
	_cleanup_free_ char *out = NULL, *err = NULL, *want = NULL;
	char *argv[] = { BASE_PYTHON, "-c", (char *)code, this, NULL };
	char *env[] = { "PATH=" BASE_PATH, "PYTHONHOME=", "VIRTUAL_ENV", "VIRTUAL_ENV_PROMPT", "PYTHONPATH", NULL };
	int status;

	status = t_run(argv, env, scratch, &out, &err);
	ck_assert_msg(status == 0, "python exited %d: %s", status, err);
	/* The env's site-packages leads sys.path, ahead of the base interpreter's entries. */
	want = t_strdupf("prefix=[%s]\nexec_prefix=[%s]\nVIRTUAL_ENV=[%s]\nVIRTUAL_ENV_PROMPT=[%s]\n"
			 "PATH=[%s/bin:%s]\nPYTHONHOME unset\nsite-packages at 0, before the base entries: True\n",
			 env1, env1, env1, PROMPT1, env1, BASE_PATH);
	ck_assert_str_eq(out, want);
	ck_assert_str_eq(err, "");
}
END_TEST

/* `line` (a whole line) occurs in the file at path. */
static void
check_file_has_line(const char *path, const char *line)
{
	_cleanup_free_ char *text = t_read_file(path);
	size_t n = strlen(line);

	ck_assert_msg(text != NULL, "cannot read %s", path);
	for (const char *p = text; (p = strstr(p, line)); p++)
		if ((p == text || p[-1] == '\n') && (p[n] == '\n' || p[n] == 0))
			return;
	ck_abort_msg("%s lacks the line <%s>", path, line);
}

/* Nushell and PowerShell are not in Debian: their scripts are checked as text only. */
START_TEST(nushell_and_powershell_text)
{
	_cleanup_free_ char *nu1 = t_strdupf("%s/bin/activate.nu", env1), *nu2 = t_strdupf("%s/bin/activate.nu", env2);
	_cleanup_free_ char *ps1 = t_strdupf("%s/bin/Activate.ps1", env1),
			    *ps2 = t_strdupf("%s/bin/Activate.ps1", env2);
	/* A raw string with one '#' holds anything but a quote followed by '#'; NAME2 holds
	 * #'#, so its string needs two. */
	_cleanup_free_ char *nu1_env = t_strdupf("    let env_dir = r#'%s/" NAME1 "'#", scratch);
	_cleanup_free_ char *nu2_env = t_strdupf("    let env_dir = r##'%s/" NAME2 "'##", scratch);
	/* Single quotes with ' doubled, and the typographic ones in NAME2 doubled too. */
	_cleanup_free_ char *ps1_env =
		t_strdupf("$env:VIRTUAL_ENV = '%s/env ''q'' \"d\" $x &a |b !h \xc3\xa9 \\'", scratch);
	_cleanup_free_ char *ps2_env = t_strdupf(
		"$env:VIRTUAL_ENV = '%s/env2 `c` ;s *g \xe2\x80\x98\xe2\x80\x98x\xe2\x80\x99\xe2\x80\x99 #''# $(id)'",
		scratch);

	check_file_has_line(nu1, nu1_env);
	check_file_has_line(nu1, "    let prompt = r#'" PROMPT1 "'#");
	check_file_has_line(nu2, nu2_env);
	check_file_has_line(nu2, "    let prompt = r#'" PROMPT2 "'#");
	check_file_has_line(ps1, ps1_env);
	check_file_has_line(ps1, "$env:VIRTUAL_ENV_PROMPT = 'my ''p'' \"q\" & |p ; !p \xc3\xa9'");
	check_file_has_line(ps2, ps2_env);
	check_file_has_line(ps2, "$env:VIRTUAL_ENV_PROMPT = 'second'");
}
END_TEST

int
main(void)
{
	static const struct {
		const struct shell *shell;
		struct t_case cases[3];
		size_t n;
	} per_shell[] = {
		{ &shell_bash, { T_CASE(bash_roundtrip), T_CASE(bash_sequence), T_CASE(bash_strict_is_silent) }, 3 },
		{ &shell_dash, { T_CASE(dash_roundtrip), T_CASE(dash_sequence), T_CASE(dash_strict_is_silent) }, 3 },
		{ &shell_zsh, { T_CASE(zsh_roundtrip), T_CASE(zsh_sequence), T_CASE(zsh_strict_is_silent) }, 3 },
		{ &shell_mksh, { T_CASE(mksh_roundtrip), T_CASE(mksh_sequence), T_CASE(mksh_strict_is_silent) }, 3 },
		{ &shell_fish, { T_CASE(fish_roundtrip), T_CASE(fish_sequence) }, 2 },
		{ &shell_tcsh, { T_CASE(tcsh_roundtrip), T_CASE(tcsh_sequence) }, 2 },
		{ &shell_csh, { T_CASE(csh_roundtrip), T_CASE(csh_sequence) }, 2 },
	};
	struct t_case cases[32];
	size_t n = 0, shells = 0;

	if (access(BASE_PYTHON, X_OK) < 0) {
		printf("skipped: %s, which the test envs are made from, is not there\n", BASE_PYTHON);
		return T_EXIT_SKIP;
	}
	for (size_t i = 0; i < ELEMENTSOF(per_shell); i++) {
		_cleanup_free_ char *path = find_shell(per_shell[i].shell);

		if (!path) {
			printf("skipping %s: '%s' is not installed\n", per_shell[i].shell->name,
			       per_shell[i].shell->program);
			continue;
		}
		shells++;
		for (size_t k = 0; k < per_shell[i].n; k++)
			cases[n++] = per_shell[i].cases[k];
	}
	if (shells == 0) {
		printf("skipped: none of bash, dash, zsh, mksh, fish, tcsh or csh is installed\n");
		return T_EXIT_SKIP;
	}
	cases[n++] = (struct t_case)T_CASE(python_activate_this);
	cases[n++] = (struct t_case)T_CASE(nushell_and_powershell_text);
	fflush(stdout);
	return t_run_suite(t_suite("activate-shells", cases, n, setup, teardown));
}
