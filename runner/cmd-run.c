/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* run, install and shell: a command in the sandbox of an env. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "venvrun/venvrun.h"

#include "cli.h"
#include "cmd.h"
#include "macro.h"

static const char usage_run[] =
	"Usage: venvrun [run] [OPTIONS] ENV -- CMD [ARGS...]\n"
	"\n"
	"Run CMD inside ENV's sandbox: a private mount namespace where only ENV's site-packages\n"
	"and its interpreter exist, with ENV/bin first on PATH.\n"
	"\n"
	"      --profile NAME       the policy profile (default, strict, service, or your own)\n"
	"      --policy FILE        a policy file layered over the profile and ENV/venvrun.json\n"
	"      --bind SRC[:DST]     make SRC visible read-write at DST (default: the same path)\n"
	"      --ro-bind SRC[:DST]  the same, read-only\n"
	"      --tmpfs DIR          an empty, private directory at DIR\n"
	"      --setenv NAME=VALUE  set a variable inside\n"
	"      --keep-env NAME      pass a variable of the caller's environment in\n"
	"      --chdir DIR          start in DIR (a path inside the sandbox)\n"
	"      --writable-env       let the program write to ENV\n"
	"      --userns             a new user namespace even when started as root\n"
	"      --network MODE       none, loopback or host\n"
	"      --user USER          run as USER (venvrun started as root; default: nobody)\n"
	"      --group GROUP        run with GROUP (venvrun started as root)\n"
	"      --timeout DURATION   SIGTERM after DURATION (\"30s\", \"5m\"), SIGKILL after limits.grace\n"
	"      --set KEY=VALUE      any policy key: --set limits.nproc=64, --set seccomp.log=true\n"
	"      --pass-fd N          keep descriptor N open in the program (repeatable)\n"
	"\n"
	"Exit status: the program's; 128+N when it died of signal N; 124 when the timeout ended it;\n"
	"125 when venvrun failed; 126 when CMD cannot be executed; 127 when it is not found.\n";

static const char usage_install[] = "Usage: venvrun install [OPTIONS] ENV [--] [PIP-INSTALL-ARGS...]\n"
				    "\n"
				    "Run 'pip install' of ENV's pip in the sandbox with ENV writable:\n"
				    "venvrun install ENV -- requests\n"
				    "Takes the options of 'venvrun run'.\n";

static const char usage_shell[] = "Usage: venvrun shell [OPTIONS] ENV\n"
				  "\n"
				  "An interactive shell in ENV's sandbox, the env activated.\n"
				  "Takes the options of 'venvrun run'.\n";

static int
run_kind(int argc, char **argv, enum vr_cli_run_kind kind, struct vr_error *err)
{
	struct vr_cli_run c;
	struct vr_run_options o = { 0 };
	struct vr_plan *plan = NULL;
	_cleanup_free_ char **cmd = NULL;
	int r, status = 0;

	r = vr_cli_parse_run(argc, argv, kind, &c, err);
	if (r < 0 || c.help) {
		if (r >= 0)
			fputs(kind == VR_CLI_INSTALL ? usage_install
			      : kind == VR_CLI_SHELL ? usage_shell
						     : usage_run,
			      stdout);
		vr_policy_free(c.flags);
		return r;
	}

	/* install runs the env's own pip; shell an interactive shell (the env's bin first on
	 * PATH, so "python" inside is the env's). */
	cmd = calloc((size_t)c.n_args + 5, sizeof(char *));
	if (!cmd) {
		vr_policy_free(c.flags);
		return vr_error_set(err, ENOMEM, "command");
	}
	if (kind == VR_CLI_INSTALL) {
		/* `venvrun install ENV -- requests` is `pip install requests` in the env. */
		cmd[0] = "python";
		cmd[1] = "-m";
		cmd[2] = "pip";
		cmd[3] = "install";
		memcpy(cmd + 4, c.args, (size_t)c.n_args * sizeof(char *));
	} else if (kind == VR_CLI_SHELL) {
		cmd[0] = "bash";
		cmd[1] = "-i";
		/* bash expands ${VIRTUAL_ENV_PROMPT} when it shows the prompt; the value itself
		 * is not expanded again. */
		r = vr_policy_set(c.flags, "environment.set", "PS1=(${VIRTUAL_ENV_PROMPT}) \\w \\$ ", "shell", err);
		if (r < 0) {
			vr_policy_free(c.flags);
			return r;
		}
	} else {
		memcpy(cmd, c.args, (size_t)c.n_args * sizeof(char *));
	}

	o = (struct vr_run_options){
		.profile = c.profile,
		.policy_file = c.policy,
		.flags = c.flags,
		.argv = cmd,
		.chdir = c.chdir,
		.writable_env = c.writable_env || kind == VR_CLI_INSTALL,
		.interactive = kind == VR_CLI_SHELL,
		.new_userns = c.new_userns,
		.as_env_owner = kind == VR_CLI_INSTALL,
		.pass_fds = c.pass_fds,
		.n_pass_fds = c.n_pass_fds,
	};
	r = vr_env_plan(c.env, &o, &plan, err);
	vr_policy_free(c.flags);
	if (r < 0)
		return r;
	fflush(stdout);
	r = vr_plan_run(plan, &status, err);
	vr_plan_free(plan);
	return r < 0 ? r : status;
}

int
vr_cmd_run(int argc, char **argv, struct vr_error *err)
{
	return run_kind(argc, argv, VR_CLI_RUN, err);
}

int
vr_cmd_install(int argc, char **argv, struct vr_error *err)
{
	return run_kind(argc, argv, VR_CLI_INSTALL, err);
}

int
vr_cmd_shell(int argc, char **argv, struct vr_error *err)
{
	return run_kind(argc, argv, VR_CLI_SHELL, err);
}
