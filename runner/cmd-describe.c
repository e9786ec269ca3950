/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "venvrun/venvrun.h"

#include "cli.h"
#include "cmd.h"
#include "macro.h"

static const char usage[] =
	"Usage: venvrun describe [--json] [--profile NAME] [--policy FILE] ENV\n"
	"\n"
	"Show an env's pyvenv.cfg, the base interpreter it runs on, the effective policy a run in\n"
	"it would get, and the sandbox: every mount, the namespaces and the environment. Works for\n"
	"envs made by venvrun, python -m venv, virtualenv and uv.\n"
	"\n"
	"      --profile NAME       the profile the policy starts from (default: default)\n"
	"      --policy FILE        a policy file merged over the profile and ENV/venvrun.json\n"
	"      --json               print it all as one JSON object\n";

int
vr_cmd_describe(int argc, char **argv, struct vr_error *err)
{
	struct vr_cli_describe c;
	struct vr_run_options o = { 0 };
	char *text = NULL;
	int r;

	r = vr_cli_parse_describe(argc, argv, &c, err);
	if (r < 0)
		return r;
	if (c.help) {
		fputs(usage, stdout);
		return 0;
	}
	o.profile = c.profile;
	o.policy_file = c.policy;
	r = vr_env_describe(c.env, &o, c.json, &text, err);
	if (r < 0)
		return r;
	fputs(text, stdout);
	if (c.json)
		putchar('\n');
	free(text);
	return 0;
}
