/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <stdio.h>

#include "venvrun/venvrun.h"

#include "cli.h"
#include "cmd.h"
#include "macro.h"

static const char usage[] = "Usage: venvrun check-config FILE...\n"
			    "\n"
			    "Validate policy files, profiles and env manifests (ENV/venvrun.json; told apart by\n"
			    "their top-level \"manifest\" key). Prints 'FILE: ok' for each valid file; stops at the\n"
			    "first bad one with its error (file:line:col for syntax, the JSON path for the rest).\n"
			    "A policy file that extends a profile needs that profile to exist and be valid.\n";

int
vr_cmd_check_config(int argc, char **argv, struct vr_error *err)
{
	struct vr_cli_files c;
	int r;

	r = vr_cli_parse_files(argc, argv, &c, err);
	if (r < 0)
		return r;
	if (c.help) {
		fputs(usage, stdout);
		return 0;
	}
	for (size_t i = 0; i < c.n; i++) {
		r = vr_config_check_file(c.files[i], err);
		if (r < 0)
			return r;
		printf("%s: ok\n", c.files[i]);
	}
	return 0;
}
