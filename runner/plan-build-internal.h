/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * The plan builder's working state, shared by its three files: plan-build.c collects the
 * mounts in their order and puts the plan together, plan-hide.c works out what to hide
 * from what those mounts bring in, plan-env.c builds the program's environment. Nothing
 * here is seen outside runner/.
 */

#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>

#include "venvrun/error.h"
#include "venvrun/plan.h"

#include "plan-build.h"

#define VR_PB_MAX_PROTECTED_EXES 4

struct vr_pb_mount {
	enum vr_mount_type type;
	char *source; /* a host path; a link's text; NULL */
	char *target;
	unsigned flags;
	bool user;	  /* asked for (env, working directory, policy): a conflict is an error */
	bool dropped;	  /* under a hidden path and not asked for: left out */
	const char *what; /* names it in errors */
	const char *hint;
};

struct vr_pb {
	const struct vr_plan_request *req;
	struct vr_pb_mount *m;
	size_t n, cap;
	char **cand;				    /* host real paths to hide wherever a bind brings them in */
	char **protect;				    /* host real paths that stay visible: no hide covers them */
	char **hides;				    /* the hides, as paths inside */
	char **links;				    /* host paths of the links met from the env's python to the base */
	struct stat exes[VR_PB_MAX_PROTECTED_EXES]; /* the base interpreter and the env's python */
	size_t n_exes;
	char *home;	   /* the caller's $HOME when usable: an empty tmpfs there */
	char *home_inside; /* $HOME inside */
	char *env_path, *env_real, *cwd, *cwd_inside;
	bool workdir_bound;
	char **memo_in, **memo_out; /* vr_pb_real_path()'s answers so far: path -> real path */
};

/* realpath() of an absolute path; NULL for NULL, a relative path, or one that is not there.
 * Remembers what it resolved for the rest of the build: the host is taken to stay put
 * while a plan is built (it is checked again when the sandbox pins every source). */
char *vr_pb_real_path(struct vr_pb *b, const char *p);
/* stat() says a directory. */
bool vr_pb_is_dir(const char *p);
/* `path` moved from under `from` to under `to` (from is path or one of its parents). */
char *vr_pb_rebase(const char *path, const char *from, const char *to);
/* Append the real path of `path` to *v unless it is there already or cannot be resolved. */
int vr_pb_push_real(struct vr_pb *b, char ***v, const char *path);

/* The mount (not dropped) whose target is `target`, or NULL. */
const struct vr_pb_mount *vr_pb_find_target(const struct vr_pb *b, const char *target);
/* The host path that `inside` shows, by the mounts so far (NULL: none, or not a bind). */
char *vr_pb_host_path(const struct vr_pb *b, const char *inside);

/* plan-hide.c: the host paths to hide (candidates), then the hides inside, then the
 * mounts that conflict with them. */
int vr_pb_collect_candidates(struct vr_pb *b);
int vr_pb_compute_hides(struct vr_pb *b);
int vr_pb_check_conflicts(struct vr_pb *b, struct vr_error *err);
/* The hide that makes `inside` empty, or NULL. */
const char *vr_pb_hidden_parent(const struct vr_pb *b, const char *inside);

/* plan-env.c: the program's environment. */
int vr_pb_build_env(struct vr_pb *b, char ***ret);
