/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* An existing env, as read from its pyvenv.cfg (env.c). */

#include "venvrun/env.h"

#include "macro.h"
#include "pyvenv-cfg.h"

#define VR_PYVENV_CFG_MAX (64 * 1024)

struct vr_env {
	char *path;
	struct vr_pyvenv_cfg cfg;
};

VR_DEFINE_CLEANUP(struct vr_env *, vr_env_free)

/* True when dir/pyvenv.cfg exists (a regular file): the directory is an env. */
bool vr_env_dir_is_env_at(int dirfd, const char *name);
