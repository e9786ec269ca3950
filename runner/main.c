/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* venvrun: a verb table, one printed error, one exit status. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "venvrun/venvrun.h"

#include "cmd.h"
#include "macro.h"

static const char usage[] =
	"Usage: venvrun COMMAND [OPTIONS] ...\n"
	"\n"
	"Create Python virtual environments (PEP 405) and describe them.\n"
	"\n"
	"Commands:\n"
	"  create [OPTIONS] ENV       create an env (see 'venvrun create --help')\n"
	"  describe [--json] ENV      show an env's pyvenv.cfg and base interpreter\n"
	"  interpreters [--json] [-v] list the Python interpreters discovery finds\n"
	"  help                       show this help\n"
	"  version                    show the version\n"
	"\n"
	"ENV is a path; a bare name that is not a directory here names an env under\n"
	"$VENVRUN_HOME (default ~/.local/share/venvrun/envs).\n"
	"Exit status: 0 on success, 125 when venvrun fails. See venvrun(1).\n";

static const struct {
	const char *verb;
	int (*run)(int argc, char **argv, struct vr_error *err);
} verbs[] = {
	{ "create", vr_cmd_create },
	{ "describe", vr_cmd_describe },
	{ "interpreters", vr_cmd_interpreters },
};

void
vr_cmd_explain(void *userdata _unused_, const char *line)
{
	fprintf(stderr, "venvrun: %s\n", line);
}

int
main(int argc, char **argv)
{
	struct vr_error err = VR_ERROR_INIT;
	char line[VR_ERROR_LINE_MAX];
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
		r = verbs[i].run(argc - 1, argv + 1, &err);
		if (fflush(stdout) != 0 && r >= 0)
			r = vr_error_set(&err, EIO, "writing the output");
		if (r < 0) {
			vr_error_format(&err, line, sizeof line);
			fprintf(stderr, "venvrun: %s\n", line);
			return vr_exit_status(r);
		}
		return 0;
	}
	fprintf(stderr, "venvrun: unknown command '%s'; see 'venvrun help'\n", verb);
	return VR_EXIT_FAILURE;
}
