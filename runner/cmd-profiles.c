/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "venvrun/venvrun.h"

#include "cli.h"
#include "cmd.h"
#include "macro.h"

static const char usage[] = "Usage: venvrun profiles [--json]\n"
			    "\n"
			    "List the policy profiles: the embedded ones and those in the profile directories\n"
			    "(/etc/venvrun/profiles, then $XDG_CONFIG_HOME/venvrun/profiles; $VENVRUN_PROFILE_PATH\n"
			    "replaces both), with their description and where they come from: 'embedded', then each\n"
			    "profile file layered on top, lowest first. A broken profile file is an error.\n"
			    "\n"
			    "      --json               print a list of {name, description, embedded, files}\n";

/* A JSON string literal. Bytes from 0x80 up pass through: the text is UTF-8 already. */
static void
print_json_string(const char *s)
{
	putchar('"');
	for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
		if (*c == '"' || *c == '\\')
			printf("\\%c", *c);
		else if (*c == '\n')
			fputs("\\n", stdout);
		else if (*c == '\t')
			fputs("\\t", stdout);
		else if (*c < 0x20 || *c == 0x7f)
			printf("\\u%04x", *c);
		else
			putchar(*c);
	}
	putchar('"');
}

/* Text for one line of a terminal: control characters shown as '?'. */
static void
print_line_text(const char *s)
{
	for (const unsigned char *c = (const unsigned char *)s; *c; c++)
		putchar(*c < 0x20 || *c == 0x7f ? '?' : *c);
}

static void
print_json(const struct vr_profile_info *list, size_t n)
{
	fputs("[", stdout);
	for (size_t i = 0; i < n; i++) {
		printf("%s\n  {\"name\": ", i ? "," : "");
		print_json_string(list[i].name);
		fputs(", \"description\": ", stdout);
		print_json_string(list[i].description);
		printf(", \"embedded\": %s, \"files\": [", list[i].embedded ? "true" : "false");
		for (size_t k = 0; list[i].files[k]; k++) {
			if (k)
				fputs(", ", stdout);
			print_json_string(list[i].files[k]);
		}
		fputs("]}", stdout);
	}
	puts(n ? "\n]" : "]");
}

static void
print_human(const struct vr_profile_info *list, size_t n)
{
	int width = 0;

	for (size_t i = 0; i < n; i++)
		if ((int)strlen(list[i].name) > width)
			width = (int)strlen(list[i].name);
	for (size_t i = 0; i < n; i++) {
		bool first = true;

		printf("%-*s  ", width, list[i].name);
		print_line_text(*list[i].description ? list[i].description : "(no description)");
		fputs("  (", stdout);
		if (list[i].embedded) {
			fputs("embedded", stdout);
			first = false;
		}
		for (size_t k = 0; list[i].files[k]; k++) {
			fputs(first ? "" : ", ", stdout);
			print_line_text(list[i].files[k]);
			first = false;
		}
		puts(")");
	}
}

int
vr_cmd_profiles(int argc, char **argv, struct vr_error *err)
{
	struct vr_cli_simple c;
	struct vr_profile_info *list = NULL;
	size_t n = 0;
	int r;

	r = vr_cli_parse_simple(argc, argv, &c, err);
	if (r < 0)
		return r;
	if (c.help) {
		fputs(usage, stdout);
		return 0;
	}
	r = vr_profile_list(&list, &n, err);
	if (r < 0)
		return r;
	if (c.json)
		print_json(list, n);
	else
		print_human(list, n);
	vr_profile_list_free(list, n);
	return 0;
}
