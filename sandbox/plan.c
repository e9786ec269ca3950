/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The sandbox plan as data (plan.h): building it and checking it as a whole. Nothing here
 * touches the filesystem or the process: a plan can be built, printed and validated by an
 * unprivileged caller on any machine.
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "venvrun/plan.h"

#include "macro.h"
#include "path.h"
#include "strv.h"

#include "plan-internal.h"

/* The hostname the kernel accepts (HOST_NAME_MAX, without the NUL). */
#define VR_HOSTNAME_MAX 64

const char *
vr_mount_type_name(enum vr_mount_type type)
{
	switch (type) {
	case VR_MNT_BIND:
		return "bind";
	case VR_MNT_TMPFS:
		return "tmpfs";
	case VR_MNT_PROC:
		return "proc";
	case VR_MNT_DEV:
		return "dev";
	case VR_MNT_DIR:
		return "dir";
	case VR_MNT_SYMLINK:
		return "symlink";
	case VR_MNT_HIDE:
		return "hide";
	}
	return NULL;
}

VR_PUBLIC int
vr_plan_new(struct vr_plan **ret, struct vr_error *err)
{
	_cleanup_free_ struct vr_plan *p = NULL;

	if (!ret)
		return vr_error_set(err, EINVAL, "vr_plan_new: no place for the result");
	p = calloc(1, sizeof *p);
	if (!p)
		return vr_error_set(err, ENOMEM, "cannot allocate a plan");
	p->envp = calloc(1, sizeof(char *));
	if (!p->envp)
		return vr_error_set(err, ENOMEM, "cannot allocate a plan");
	p->namespaces = VR_PLAN_NS_DEFAULT;
	p->grace_ms = UINT64_MAX;
	p->memory_max = UINT64_MAX;
	p->pids_max = UINT64_MAX;
	*ret = TAKE_PTR(p);
	return 0;
}

VR_PUBLIC void
vr_plan_free(struct vr_plan *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->n_mounts; i++) {
		free(p->mounts[i].source);
		free(p->mounts[i].target);
	}
	free(p->mounts);
	vr_strv_free(p->argv);
	vr_strv_free(p->envp);
	free(p->cwd);
	free(p->hostname);
	vr_plan_seccomp_done(&p->seccomp);
	free(p->pass_fds);
	free(p);
}

/* A path the executor can carry: absolute, shorter than PATH_MAX (the child copies paths
 * into fixed buffers), and free of control characters, so that every line vr_plan_describe()
 * prints stays one line. Returns a normalised copy in *ret. */
static int
checked_path(const char *path, const char *what, char **ret, struct vr_error *err)
{
	_cleanup_free_ char *p = NULL;

	if (vr_isempty(path))
		return vr_error_set(err, VR_ERR_BAD_PATH, "%s is empty", what);
	if (path[0] != '/')
		return vr_error_set_at(err, VR_ERR_BAD_PATH, path, "%s is not an absolute path", what);
	if (strlen(path) >= PATH_MAX)
		return vr_error_set(err, VR_ERR_BAD_PATH, "%s is longer than %d bytes", what, PATH_MAX - 1);
	for (const unsigned char *c = (const unsigned char *)path; *c; c++)
		if (*c < 0x20 || *c == 0x7f)
			return vr_error_set_at(err, VR_ERR_BAD_PATH, path, "%s holds a control character", what);
	p = strdup(path);
	if (!p)
		return vr_error_set(err, ENOMEM, "cannot copy a path");
	vr_path_normalize(p);
	*ret = TAKE_PTR(p);
	return 0;
}

static bool
type_is_valid(enum vr_mount_type type)
{
	return vr_mount_type_name(type) != NULL;
}

VR_PUBLIC int
vr_plan_add_mount(struct vr_plan *p, enum vr_mount_type type, const char *source, const char *target, unsigned flags,
		  struct vr_error *err)
{
	_cleanup_free_ char *src = NULL, *tgt = NULL;
	struct vr_plan_mount *m;
	int r;

	if (!p || !type_is_valid(type))
		return vr_error_set(err, EINVAL, "vr_plan_add_mount: no plan or an unknown mount type");
	if (flags & ~(unsigned)VR_MNT_F_ALL)
		return vr_error_set(err, EINVAL, "vr_plan_add_mount: unknown flags %#x",
				    flags & ~(unsigned)VR_MNT_F_ALL);
	if (p->n_mounts >= VR_PLAN_MOUNTS_MAX)
		return vr_error_set_at(err, VR_ERR_UNSAFE, target, "a plan holds at most %d mounts",
				       VR_PLAN_MOUNTS_MAX);

	r = checked_path(target, "a mount target", &tgt, err);
	if (r < 0)
		return r;
	/* The root is the sandbox's own tmpfs: mounting over it would leave nothing of the
	 * plan's earlier mounts and make pivot_root() enter the mount instead. */
	if (streq(tgt, "/"))
		return vr_error_set_at(err, VR_ERR_BAD_PATH, "/",
				       "a mount target cannot be the sandbox root, which is a fresh tmpfs");

	switch (type) {
	case VR_MNT_BIND:
		r = checked_path(source, "a bind source", &src, err);
		if (r < 0)
			return r;
		break;
	case VR_MNT_SYMLINK:
		/* The link's text is kept as given: it may be relative ("usr/bin"). */
		if (vr_isempty(source) || strlen(source) >= PATH_MAX)
			return vr_error_set_at(err, VR_ERR_BAD_PATH, tgt,
					       "a symlink needs a text shorter than %d bytes", PATH_MAX);
		for (const unsigned char *c = (const unsigned char *)source; *c; c++)
			if (*c < 0x20 || *c == 0x7f)
				return vr_error_set_at(err, VR_ERR_BAD_PATH, tgt,
						       "the symlink's text holds a control character");
		src = strdup(source);
		if (!src)
			return vr_error_set(err, ENOMEM, "cannot copy a path");
		break;
	default:
		if (source)
			return vr_error_set_at(err, EINVAL, tgt, "a %s mount takes no source",
					       vr_mount_type_name(type));
		break;
	}

	m = realloc(p->mounts, (p->n_mounts + 1) * sizeof *m);
	if (!m)
		return vr_error_set(err, ENOMEM, "cannot grow the plan");
	p->mounts = m;
	p->mounts[p->n_mounts++] = (struct vr_plan_mount){
		.type = type,
		.source = TAKE_PTR(src),
		.target = TAKE_PTR(tgt),
		.flags = flags,
	};
	return 0;
}

VR_PUBLIC void
vr_plan_set_namespaces(struct vr_plan *p, unsigned namespaces)
{
	if (p)
		p->namespaces = namespaces & VR_NS_ALL;
}

VR_PUBLIC unsigned
vr_plan_get_namespaces(const struct vr_plan *p)
{
	return p ? p->namespaces : 0;
}

VR_PUBLIC void
vr_plan_set_loopback(struct vr_plan *p, bool up)
{
	if (p)
		p->loopback = up;
}

/* A deep copy of a NULL-terminated vector. */
static int
copy_strv(char *const v[], char ***ret)
{
	_cleanup_strv_free_ char **copy = calloc(vr_strv_length(v) + 1, sizeof(char *));

	if (!copy)
		return -ENOMEM;
	for (size_t i = 0; v[i]; i++) {
		copy[i] = strdup(v[i]);
		if (!copy[i])
			return -ENOMEM;
	}
	*ret = TAKE_PTR(copy);
	return 0;
}

VR_PUBLIC int
vr_plan_set_argv(struct vr_plan *p, char *const argv[], struct vr_error *err)
{
	char **copy = NULL;

	if (!p || !argv)
		return vr_error_set(err, EINVAL, "vr_plan_set_argv: no plan or no argv");
	if (!argv[0] || !*argv[0])
		return vr_error_set(err, VR_ERR_USAGE, "no command to run");
	if (copy_strv(argv, &copy) < 0)
		return vr_error_set(err, ENOMEM, "cannot copy the command");
	vr_strv_free(p->argv);
	p->argv = copy;
	return 0;
}

VR_PUBLIC int
vr_plan_set_env(struct vr_plan *p, char *const envp[], struct vr_error *err)
{
	char **copy = NULL;

	if (!p || !envp)
		return vr_error_set(err, EINVAL, "vr_plan_set_env: no plan or no environment");
	for (size_t i = 0; envp[i]; i++)
		if (!strchr(envp[i], '=') || envp[i][0] == '=')
			return vr_error_set_at(err, EINVAL, envp[i], "an environment entry is not NAME=VALUE");
	if (copy_strv(envp, &copy) < 0)
		return vr_error_set(err, ENOMEM, "cannot copy the environment");
	vr_strv_free(p->envp);
	p->envp = copy;
	return 0;
}

VR_PUBLIC int
vr_plan_set_cwd(struct vr_plan *p, const char *cwd, struct vr_error *err)
{
	char *copy = NULL;
	int r;

	if (!p)
		return vr_error_set(err, EINVAL, "vr_plan_set_cwd: no plan");
	r = checked_path(cwd, "the working directory", &copy, err);
	if (r < 0)
		return r;
	free(p->cwd);
	p->cwd = copy;
	return 0;
}

VR_PUBLIC int
vr_plan_set_hostname(struct vr_plan *p, const char *hostname, struct vr_error *err)
{
	char *copy;

	if (!p)
		return vr_error_set(err, EINVAL, "vr_plan_set_hostname: no plan");
	if (vr_isempty(hostname) || strlen(hostname) > VR_HOSTNAME_MAX)
		return vr_error_set(err, EINVAL, "a hostname has 1 to %d characters", VR_HOSTNAME_MAX);
	for (const unsigned char *c = (const unsigned char *)hostname; *c; c++)
		if (*c <= 0x20 || *c >= 0x7f)
			return vr_error_set_at(err, EINVAL, hostname, "a hostname holds printable ASCII only");
	copy = strdup(hostname);
	if (!copy)
		return vr_error_set(err, ENOMEM, "cannot copy the hostname");
	free(p->hostname);
	p->hostname = copy;
	return 0;
}

VR_PUBLIC int
vr_plan_validate(const struct vr_plan *p, struct vr_error *err)
{
	if (!p)
		return vr_error_set(err, EINVAL, "vr_plan_validate: no plan");
	if (!p->argv || !p->argv[0])
		return vr_error_set(err, VR_ERR_USAGE, "the plan has no command to run");

	/* The executor builds a fresh root in its own mount namespace and runs a PID 1 of its
	 * own: without these two there is no boundary at all. */
	if ((p->namespaces & (VR_NS_MOUNT | VR_NS_PID)) != (VR_NS_MOUNT | VR_NS_PID))
		return vr_error_set(err, VR_ERR_UNSAFE, "a plan needs its own mount and PID namespaces");
	/* Without a UTS (network) namespace of its own, these would change the host's. */
	if (p->hostname && !(p->namespaces & VR_NS_UTS))
		return vr_error_set(err, VR_ERR_UNSAFE, "setting the hostname needs a UTS namespace");
	if (p->loopback && !(p->namespaces & VR_NS_NET))
		return vr_error_set(err, VR_ERR_UNSAFE, "bringing up the loopback needs a network namespace");

	for (size_t i = 0; i < p->n_mounts; i++) {
		const struct vr_plan_mount *m = &p->mounts[i];

		/* The setters keep these true; a plan is checked whole all the same. */
		if (!m->target || m->target[0] != '/')
			return vr_error_set_at(err, VR_ERR_BAD_PATH, m->target, "a mount target is not absolute");
		if (m->type == VR_MNT_BIND && (!m->source || m->source[0] != '/'))
			return vr_error_set_at(err, VR_ERR_BAD_PATH, m->target, "a bind source is not absolute");

		/* A mount at or below what an earlier HIDE emptied would bring back what the
		 * plan said must not be seen. */
		for (size_t j = 0; j < i; j++) {
			const struct vr_plan_mount *h = &p->mounts[j];

			if (h->type == VR_MNT_HIDE && vr_path_is_ancestor(h->target, m->target))
				return vr_error_set_at(err, VR_ERR_UNSAFE, m->target,
						       "this %s mount is inside '%s', which an earlier mount hides",
						       vr_mount_type_name(m->type), h->target);
		}
	}
	return 0;
}
