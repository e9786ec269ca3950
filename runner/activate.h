/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * Activation scripts. Each is rendered from a template in runner/activators/ (embedded at
 * build time); every value put into a script is quoted for that script's language, so an
 * env path holding quotes, '$', '&', '|', spaces or non-ASCII still activates.
 */

#include <stddef.h>
#include <sys/types.h>

#include "venvrun/env.h"
#include "venvrun/error.h"

struct vr_activate_vars {
	const char *env_dir;	   /* absolute, final path of the env */
	const char *prompt;	   /* VIRTUAL_ENV_PROMPT, e.g. "myenv" */
	const char *bin_dir;	   /* the scripts directory relative to the env: "bin" */
	const char *site_packages; /* purelib relative to the env, for activate_this.py */
};

struct vr_activate_file {
	const char *name; /* "activate", "activate.fish", ... (static) */
	char *content;
	size_t len;
	mode_t mode;
};

/* Render the activators in `which`; *ret is an array of *ret_n files owned by the caller. */
int vr_activators_render(unsigned which, const struct vr_activate_vars *v, struct vr_activate_file **ret, size_t *ret_n,
			 struct vr_error *err);
void vr_activate_files_free(struct vr_activate_file *files, size_t n);

/* Quote s as one word/literal of each language; NULL on ENOMEM. */
char *vr_quote_sh(const char *s);
char *vr_quote_fish(const char *s);
char *vr_quote_csh(const char *s);
char *vr_quote_nu(const char *s);
char *vr_quote_powershell(const char *s);
char *vr_quote_python(const char *s);
