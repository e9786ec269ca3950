/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* venvrun: a verb table, one printed error, one exit status. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "venvrun/venvrun.h"

#include "cmd.h"
#include "macro.h"

static const char usage[] =
	"Usage: venvrun [run] [OPTIONS] ENV -- CMD [ARGS...]\n"
	"       venvrun COMMAND [OPTIONS] ...\n"
	"\n"
	"Create Python virtual environments (PEP 405) and run programs in them, in a sandbox\n"
	"where only the env's packages and its interpreter exist.\n"
	"\n"
	"Commands:\n"
	"  [run] ENV -- CMD [ARGS...] run CMD in ENV's sandbox (see 'venvrun run --help')\n"
	"  install ENV [--] PKG...    pip install PKG... with ENV's pip in the sandbox, env writable\n"
	"  shell ENV                  an interactive shell in the sandbox, the env activated\n"
	"  create [OPTIONS] ENV       create an env (see 'venvrun create --help')\n"
	"  describe [--json] [--profile NAME] [--policy FILE] ENV\n"
	"                             show an env's pyvenv.cfg, base interpreter, policy and the\n"
	"                             sandbox a run would get\n"
	"  interpreters [--json] [-v] list the Python interpreters discovery finds\n"
	"  profiles [--json]          list the policy profiles and where they come from\n"
	"  check-config FILE...       validate policy files and env manifests (venvrun.json)\n"
	"  help                       show this help\n"
	"  version                    show the version\n"
	"\n"
	"ENV is a path; a bare name that is not a directory here names an env under\n"
	"$VENVRUN_HOME (default ~/.local/share/venvrun/envs).\n"
	"Exit status: a run's is the program's (128+N for signal N); 125 when venvrun fails,\n"
	"126 when the command cannot be executed, 127 when it is not found. See venvrun(1).\n";

static const struct {
	const char *verb;
	int (*run)(int argc, char **argv, struct vr_error *err);
} verbs[] = {
	{ "check-config", vr_cmd_check_config },
	{ "create", vr_cmd_create },
	{ "describe", vr_cmd_describe },
	{ "install", vr_cmd_install },
	{ "interpreters", vr_cmd_interpreters },
	{ "profiles", vr_cmd_profiles },
	{ "run", vr_cmd_run },
	{ "shell", vr_cmd_shell },
};

/* Print the error of a failed verb and map it to the exit status; a verb's own status
 * (run's program) passes through. */
static int
finish(int r, struct vr_error *err)
{
	char line[VR_ERROR_LINE_MAX];

	if (fflush(stdout) != 0 && r >= 0)
		r = vr_error_set(err, EIO, "writing the output");
	if (r >= 0)
		return r;
	vr_error_format(err, line, sizeof line);
	fprintf(stderr, "venvrun: %s\n", line);
	return vr_exit_status(r);
}

void
vr_cmd_explain(void *userdata _unused_, const char *line)
{
	fprintf(stderr, "venvrun: %s\n", line);
}

int
main(int argc, char **argv)
{
	struct vr_error err = VR_ERROR_INIT;
	const char *verb = argc > 1 ? argv[1] : NULL;
	int r;

	if (!verb || streq(verb, "help") || streq(verb, "--help") || streq(verb, "-h")) {
		fputs(usage, verb ? stdout : stderr);
		return verb ? 0 : VR_EXIT_FAILURE;
	}
	if (streq(verb, "version") || streq(verb, "--version")) {
		printf("venvrun %s\n", vr_version());
		return 0;
	}
	for (size_t i = 0; i < ELEMENTSOF(verbs); i++) {
		if (!streq(verb, verbs[i].verb))
			continue;
		return finish(verbs[i].run(argc - 1, argv + 1, &err), &err);
	}
	/* Not a verb: `venvrun [OPTIONS] ENV -- CMD`, the main job. argv[0] stays the
	 * program name for the option parser. A lone word is more likely a mistyped verb. */
	r = vr_cmd_run(argc, argv, &err);
	if (r == -VR_ERR_USAGE && argc == 2 && verb[0] != '-')
		vr_error_set_hint(&err, "'%s' is not a venvrun command either; see 'venvrun help'", verb);
	return finish(r, &err);
}
