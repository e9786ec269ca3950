/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * Command-line parsing, kept apart from main() so it can be unit-tested: the parsers fill
 * a struct or return an error (VR_ERR_USAGE with the option named); they never print or
 * exit.
 */

#include <stdbool.h>

#include "venvrun/venvrun.h"

struct vr_cli_create {
	struct vr_create_options o;
	struct vr_discover_options discover;
	const char *env;
	bool json;
	bool verbose;
	bool quiet;
	bool help;
};

struct vr_cli_simple {
	const char *env; /* describe: the env; NULL for interpreters */
	bool json;
	bool verbose;
	bool help;
};

/* argv[0] is the verb. */
int vr_cli_parse_create(int argc, char **argv, struct vr_cli_create *c, struct vr_error *err);
/* `want_env`: the verb takes exactly one ENV operand. */
int vr_cli_parse_simple(int argc, char **argv, bool want_env, struct vr_cli_simple *c, struct vr_error *err);
