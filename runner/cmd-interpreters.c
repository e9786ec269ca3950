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
	"Usage: venvrun interpreters [--json] [-v]\n"
	"\n"
	"List the Python interpreters discovery finds, in search order: PATH, /usr/local/bin,\n"
	"/usr/bin, pyenv, uv, asdf and mise. '*' marks the default (what create uses without -p).\n";

int
vr_cmd_interpreters(int argc, char **argv, struct vr_error *err)
{
	struct vr_cli_simple c;
	struct vr_discover_options o;
	struct vr_interpreter **list = NULL, *def = NULL;
	int r;

	r = vr_cli_parse_simple(argc, argv, &c, err);
	if (r < 0)
		return r;
	if (c.help) {
		fputs(usage, stdout);
		return 0;
	}
	vr_discover_options_init(&o);
	if (c.verbose)
		o.explain = vr_cmd_explain;
	r = vr_interpreter_discover(&o, &list, err);
	if (r < 0)
		return r;
	/* The default is informative only: its absence is not an error here. */
	o.explain = NULL;
	(void)vr_interpreter_find(NULL, &o, &def, NULL);

	if (c.json) {
		fputs("[", stdout);
		for (size_t i = 0; list[i]; i++) {
			char *j = vr_interpreter_to_json(list[i]);
			if (!j)
				continue;
			printf("%s\n  %s", i ? "," : "", j);
			free(j);
		}
		puts(list[0] ? "\n]" : "]");
	} else {
		for (size_t i = 0; list[i]; i++) {
			const char *why = NULL;
			bool is_def = def &&
				      streq(vr_interpreter_get_executable(def), vr_interpreter_get_executable(list[i]));
			char name[64];

			snprintf(name, sizeof name, "%s %s%s", vr_interpreter_get_implementation(list[i]),
				 vr_interpreter_get_version(list[i]),
				 vr_interpreter_is_free_threaded(list[i]) ? "t" : "");
			printf("%c %-18s %2d-bit  %s", is_def ? '*' : ' ', name,
			       vr_interpreter_get_pointer_bits(list[i]), vr_interpreter_get_executable(list[i]));
			if (!streq(vr_interpreter_get_found_as(list[i]), vr_interpreter_get_executable(list[i])))
				printf("  (as %s)", vr_interpreter_get_found_as(list[i]));
			if (!vr_interpreter_is_supported(list[i], &why))
				printf("  [unsupported: %s]", why);
			putchar('\n');
		}
		if (!list[0])
			fputs("no Python interpreter found\n", stderr);
	}
	vr_interpreter_free(def);
	vr_interpreter_list_free(list);
	return 0;
}
