/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "venvrun/venvrun.h"

#include "cli.h"
#include "cmd.h"
#include "macro.h"

static const char usage[] =
	"Usage: venvrun create [OPTIONS] ENV\n"
	"\n"
	"Create a Python virtual environment (PEP 405) at ENV.\n"
	"\n"
	"  -p, --python SPEC        interpreter: a path, a command (python3.12, pypy3), a version\n"
	"                           (3, 3.12, 3.12.1), an implementation and version (cpython3.12,\n"
	"                           pypy3.9, 3.12-64, 3.13t) or a range (\">=3.10,<3.13\");\n"
	"                           default $VENVRUN_PYTHON, else the first python3 on PATH\n"
	"      --clear              replace ENV if it is an env (or empty)\n"
	"      --upgrade            re-point the existing env ENV at its upgraded or moved\n"
	"                           interpreter, keeping its packages\n"
	"      --system-site-packages  let the env see the base interpreter's site-packages\n"
	"      --symlinks           link the interpreter into ENV/bin (default)\n"
	"      --copies             copy the interpreter instead\n"
	"      --prompt PROMPT      the activated shell's prompt prefix (default: ENV's name;\n"
	"                           '.': the working directory's name)\n"
	"      --activators LIST    bash,fish,csh,nushell,powershell,python, all or none (default all)\n"
	"      --seed-packages LIST  packages to install from wheels, comma-separated, each\n"
	"                           optionally pinned (pip,setuptools,wheel; pip==23.2.1);\n"
	"                           default pip\n"
	"      --wheel-dir DIR      look for wheels in DIR first (repeatable); then in\n"
	"                           $VENVRUN_WHEEL_PATH, the interpreter's bundled wheels and\n"
	"                           /usr/share/python-wheels\n"
	"      --no-seed, --without-pip  install no packages\n"
	"      --dry-run            write nothing; with --json print the tree it would write\n"
	"      --json               print the tree as JSON\n"
	"  -v, --verbose            explain which interpreter was chosen and why\n"
	"  -q, --quiet              print nothing on success\n";

int
vr_cmd_create(int argc, char **argv, struct vr_error *err)
{
	struct vr_cli_create c;
	struct vr_create_result *res = NULL;
	int r;

	r = vr_cli_parse_create(argc, argv, &c, err);
	if (r < 0)
		return r;
	if (c.help) {
		fputs(usage, stdout);
		return 0;
	}
	if (c.verbose)
		c.discover.explain = vr_cmd_explain;

	r = vr_env_create(c.env, &c.o, &res, err);
	if (r < 0)
		return r;
	if (c.json) {
		char *j = vr_create_result_to_json(res);
		if (!j) {
			vr_create_result_free(res);
			return vr_error_set(err, ENOMEM, "printing the tree");
		}
		puts(j);
		free(j);
	} else if (!c.quiet) {
		const struct vr_interpreter *py = vr_create_result_get_interpreter(res);
		const char *action = vr_create_result_get_action(res);

		printf("%s%s %s with %s %s (%s)\n", c.o.dry_run ? "would " : "",
		       c.o.dry_run		  ? action
		       : streq(action, "create")  ? "created"
		       : streq(action, "replace") ? "replaced"
						  : "upgraded",
		       vr_create_result_get_path(res), vr_interpreter_get_implementation(py),
		       vr_interpreter_get_version(py), vr_interpreter_get_executable(py));
	}
	vr_create_result_free(res);
	return 0;
}
