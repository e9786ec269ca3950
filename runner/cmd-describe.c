/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "venvrun/venvrun.h"

#include "cli.h"
#include "cmd.h"
#include "macro.h"

static const char usage[] =
	"Usage: venvrun describe [--json] ENV\n"
	"\n"
	"Show an env's pyvenv.cfg and the base interpreter it runs on. Works for envs made by\n"
	"venvrun, python -m venv, virtualenv and uv.\n";

int
vr_cmd_describe(int argc, char **argv, struct vr_error *err)
{
	struct vr_cli_simple c;
	struct vr_env *env = NULL;
	struct vr_error base_err = VR_ERROR_INIT;
	char *base = NULL;
	const char *key, *value;
	int r;

	r = vr_cli_parse_simple(argc, argv, true, &c, err);
	if (r < 0)
		return r;
	if (c.help) {
		fputs(usage, stdout);
		return 0;
	}
	r = vr_env_open(c.env, &env, err);
	if (r < 0)
		return r;
	if (c.json) {
		char *j = vr_env_to_json(env);
		if (!j) {
			vr_env_free(env);
			return vr_error_set(err, ENOMEM, "describe");
		}
		puts(j);
		free(j);
		vr_env_free(env);
		return 0;
	}
	printf("env:         %s\n", vr_env_get_path(env));
	if (vr_env_get_base_interpreter(env, &base, &base_err) >= 0) {
		printf("interpreter: %s\n", base);
	} else {
		char line[VR_ERROR_LINE_MAX];
		vr_error_format(&base_err, line, sizeof line);
		printf("interpreter: missing (%s)\n", line);
	}
	printf("pyvenv.cfg:\n");
	for (size_t i = 0; (key = vr_env_get_entry(env, i, &value)); i++)
		printf("  %s = %s\n", key, value);
	free(base);
	vr_env_free(env);
	return 0;
}
