/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * The tree of an env as data: computed from the interpreter's facts and the create options,
 * printed by --dry-run, then written by vr_env_plan_write_at(). Entries are in the order they
 * are written: parents before children, pyvenv.cfg last (it is what makes a directory an
 * env, so in an in-place upgrade it is the commit point).
 */

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "venvrun/env.h"

#include "interp.h"
#include "pyvenv-cfg.h"

enum vr_entry_type { VR_ENTRY_DIR, VR_ENTRY_FILE, VR_ENTRY_SYMLINK, VR_ENTRY_COPY };

struct vr_env_entry {
	enum vr_entry_type type;
	char *path;    /* relative to the env */
	mode_t mode;   /* before the umask */
	char *content; /* FILE */
	size_t len;
	char *target;	  /* SYMLINK: the link's text; COPY: the source file */
	bool keep;	  /* FILE: an existing one is left alone (.gitignore, CACHEDIR.TAG) */
	bool interpreter; /* the interpreter's links or copies, replaced by --upgrade */
};

struct vr_env_plan {
	char *path; /* absolute, final */
	struct vr_pyvenv_cfg cfg;
	struct vr_env_entry *entries;
	size_t n;
};

/* `kept`: the env's existing manifest (venvrun.json) when upgrading, whose "seeded" and
 * "policy" carry over into the new one; NULL: a fresh manifest. */
int vr_env_plan_build(const char *path, const struct vr_interpreter *py, const struct vr_create_options *o,
		      const char *prompt, json_t *kept, struct vr_env_plan **ret, struct vr_error *err);

enum vr_plan_write_flags {
	/* Write into an existing env: directories may exist, files are replaced atomically,
	 * `keep` files are left alone. Without it, everything must be new. */
	VR_PLAN_WRITE_IN_PLACE = 1 << 0,
};

int vr_env_plan_write_at(int dirfd, const struct vr_env_plan *plan, unsigned flags, struct vr_error *err);

/* The plan as a JSON object; NULL on ENOMEM. */
json_t *vr_env_plan_to_json(const struct vr_env_plan *plan);

void vr_env_plan_free(struct vr_env_plan *plan);
