/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * One run of a plan, as the parent prepares it before clone() and the child uses it
 * after: everything the child needs is computed or allocated here first, so that the
 * child, a copy of a possibly larger process, allocates as little as possible.
 *
 * Processes of a run:
 *
 *     caller (vr_plan_run, run.c)        waits, forwards signals, reads the error pipe
 *       └─ PID 1 of the sandbox (child.c, then init.c)   builds the root, then reaps
 *            └─ the program (child.c: exec)
 */

#include <signal.h>
#include <stdbool.h>
#include <sys/capability.h>
#include <sys/types.h>

#include "venvrun/error.h"
#include "venvrun/plan.h"

#include "plan-internal.h"

/* The host device nodes a VR_MNT_DEV mount binds, in this order. */
#define VR_DEV_NODES 6
extern const char *const vr_dev_node_names[VR_DEV_NODES];

struct vr_sandbox {
	const struct vr_plan *plan;
	unsigned namespaces; /* the plan's, plus VR_NS_USER when the caller is not root */
	uid_t uid;	     /* the caller's effective ids: what the user namespace maps */
	gid_t gid;
	const char *path; /* the PATH the program is looked up on: the plan's, or the default */

	int error_fd;	      /* write end of the error pipe (O_CLOEXEC): closes on execve */
	int error_rd_fd;      /* the caller's read end, which the child closes first */
	sigset_t forwarded;   /* signals the caller and PID 1 forward to the program */
	sigset_t caller_mask; /* the caller's signal mask, which the program gets back */

	/* Hardening, prepared by the caller before clone() (harden.c, ns.c, cgroup.c). */
	bool new_session;    /* the program calls setsid() */
	bool foreground;     /* else, interactive: the program becomes the terminal's foreground job */
	bool maps_by_caller; /* the caller writes the user namespace maps (root mapping ids) */
	int maps_sync_fd;    /* the child's read end: a byte once the caller wrote the maps */
	int maps_sync_wr_fd; /* the caller's write end */
	cap_t program_caps;  /* the program's permitted, effective and inheritable sets */
	cap_t init_caps;     /* PID 1's once the program runs: CAP_KILL only */
	char **envp;	     /* the program's environment: the plan's, or a copy with LISTEN_PID */
	char *listen_pid;    /* in envp: "LISTEN_PID=" and room for the pid; NULL when not asked */
	int cgroup_fd;	     /* the cgroup PID 1 starts in (CLONE_INTO_CGROUP), or -1 */

	/* Filled in by the child (mount.c). */
	int *source_fds;	   /* per mount: the pinned BIND source (O_PATH), else -1 */
	int dev_fds[VR_DEV_NODES]; /* pinned host device nodes, -1 when absent */
	dev_t *own_devs;	   /* the tmpfs instances this run made: the only filesystems */
	size_t n_own_devs;	   /* it creates mount points on */
	int root_fd;		   /* the new root (O_PATH), until pivot_root */
	int empty_fd;		   /* an empty, unreadable file on a read-only tmpfs (O_PATH) */
	int empty_dir_fd;	   /* an empty directory there (O_PATH) */
};

/* The child's side, from clone() on; never returns (child.c). */
_Noreturn void vr_sandbox_child(struct vr_sandbox *sb);

/* PID 1's last job: forward signals to the program, reap everything, and exit with the
 * program's status when it is gone (init.c). `sfd` is a signalfd for sb->forwarded and
 * SIGCHLD, which are blocked. */
_Noreturn void vr_init_run(const struct vr_sandbox *sb, pid_t program, int sfd);

/* Write the error record whole to the caller and exit with `status` (child.c). */
_Noreturn void vr_sandbox_fail(const struct vr_sandbox *sb, const struct vr_error *e, int status);
