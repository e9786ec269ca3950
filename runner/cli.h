/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * Command-line parsing, kept apart from main() so it can be unit-tested: the parsers fill
 * a struct or return an error (VR_ERR_USAGE with the option named); they never print or
 * exit.
 */

#include <stdbool.h>

#include "venvrun/venvrun.h"

#define VR_CLI_WHEEL_DIRS_MAX 64

struct vr_cli_create {
	struct vr_create_options o;
	const char *wheel_dirs[VR_CLI_WHEEL_DIRS_MAX + 1]; /* --wheel-dir, into argv; o.wheel_dirs */
	struct vr_discover_options discover;
	const char *env;
	bool json;
	bool verbose;
	bool quiet;
	bool help;
};

/* A verb that takes only --json, -v and --help (interpreters, profiles). */
struct vr_cli_simple {
	bool json;
	bool verbose;
	bool help;
};

/* argv[0] is the verb. */
int vr_cli_parse_create(int argc, char **argv, struct vr_cli_create *c, struct vr_error *err);
int vr_cli_parse_simple(int argc, char **argv, struct vr_cli_simple *c, struct vr_error *err);

struct vr_cli_describe {
	const char *env;
	const char *profile; /* --profile NAME; NULL: the default profile */
	const char *policy;  /* --policy FILE; NULL: none */
	bool json;
	bool verbose; /* accepted, as before --profile existed */
	bool help;
};

int vr_cli_parse_describe(int argc, char **argv, struct vr_cli_describe *c, struct vr_error *err);

/* A verb whose operands are files (check-config FILE...). */
struct vr_cli_files {
	char **files; /* points into argv, NULL-terminated */
	size_t n;
	bool help;
};

int vr_cli_parse_files(int argc, char **argv, struct vr_cli_files *c, struct vr_error *err);

/* run, install and shell: `[OPTIONS] ENV [--] [ARGS...]`. */
enum vr_cli_run_kind { VR_CLI_RUN, VR_CLI_INSTALL, VR_CLI_SHELL };

struct vr_cli_run {
	const char *env;
	const char *profile;
	const char *policy;
	const char *chdir;
	bool writable_env;
	bool new_userns;
	bool help;
	int pass_fds[256]; /* --pass-fd */
	size_t n_pass_fds;
	struct vr_policy *flags; /* --bind, --ro-bind, --tmpfs, --setenv, --keep-env; owned */
	char **args;		 /* what follows ENV (after "--"), pointing into argv */
	int n_args;
};

/* Parse; c->flags must be freed with vr_policy_free() whatever the result. */
int vr_cli_parse_run(int argc, char **argv, enum vr_cli_run_kind kind, struct vr_cli_run *c, struct vr_error *err);
