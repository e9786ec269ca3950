/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * The plan's data, shared by plan.c (building it), plan-describe.c (printing it) and the
 * executor (ns.c, mount.c, child.c, run.c). Nothing outside sandbox/ sees this layout.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/resource.h>

#include "venvrun/plan.h"

/* A plan holds at most this many mounts: every size a caller controls is bounded, and the
 * executor pins one descriptor per bind source. */
#define VR_PLAN_MOUNTS_MAX 1024

/* The namespaces a new plan asks for. VR_NS_USER is added at run time when the caller is
 * not root (an unprivileged caller can create the others only inside a user namespace). */
#define VR_PLAN_NS_DEFAULT (VR_NS_MOUNT | VR_NS_PID | VR_NS_IPC | VR_NS_UTS)

#define VR_MNT_F_ALL (VR_MNT_F_RO | VR_MNT_F_OPTIONAL | VR_MNT_F_NOEXEC)
#define VR_NS_ALL (VR_NS_USER | VR_NS_MOUNT | VR_NS_PID | VR_NS_IPC | VR_NS_UTS | VR_NS_NET | VR_NS_CGROUP)

struct vr_plan_mount {
	enum vr_mount_type type;
	char *source; /* BIND: absolute, normalised host path; SYMLINK: the link's text; else NULL */
	char *target; /* absolute, normalised path inside the sandbox, never "/" */
	unsigned flags;
};

/* Descriptors a plan may pass on purpose (vr_plan_pass_fd). */
#define VR_PLAN_FDS_MAX 256

/* The resource limits a plan can set: RLIMIT_* below this. */
#define VR_PLAN_RLIMITS RLIM_NLIMITS

struct vr_plan_rlimit {
	bool set;
	uint64_t value; /* soft and hard; RLIM_INFINITY: unlimited */
};

/* The compiled system call filter (vr_plan_set_seccomp, seccomp.c). */
struct vr_plan_seccomp {
	void *insns; /* struct sock_filter[n_insns]; NULL: no filter */
	size_t n_insns;
	char *digest;	 /* the spec's hash (hex), which names its cache entry */
	char *summary;	 /* one line for describe: "default (62 denied), log" */
	bool from_cache; /* loaded from the cache rather than compiled */
};

struct vr_plan {
	struct vr_plan_mount *mounts;
	size_t n_mounts;
	unsigned namespaces;
	bool loopback;
	char **argv;	/* NULL until set */
	char **envp;	/* never NULL: an empty environment is a valid one */
	char *cwd;	/* NULL: "/" */
	char *hostname; /* NULL: keep the inherited one */

	/* Hardening (plan.h), applied in the program's process just before execve. */
	struct vr_plan_seccomp seccomp;
	uint64_t caps_keep; /* 1 << CAP_*: kept in every set; 0: all dropped */
	struct vr_plan_rlimit rlimits[VR_PLAN_RLIMITS];
	bool ids_set; /* run as uid:gid, supplementary groups cleared */
	uid_t uid;
	gid_t gid;
	uint64_t timeout_ms; /* 0: none */
	uint64_t grace_ms;   /* UINT64_MAX: never KILL */
	uint64_t memory_max; /* cgroup v2 memory.max; UINT64_MAX: none */
	uint64_t pids_max;   /* cgroup v2 pids.max; UINT64_MAX: none */
	int *pass_fds;	     /* kept open at their numbers, sorted, no duplicates */
	size_t n_pass_fds;
	bool listen_pid; /* LISTEN_PID=<the program's pid> added to its environment */
	enum vr_session session;
};

const char *vr_mount_type_name(enum vr_mount_type type);

/* The RLIMIT_* name for people ("nofile"); NULL for a resource plans do not set. */
const char *vr_rlimit_name(int resource);

/* Free what vr_plan_set_seccomp() stored. */
void vr_plan_seccomp_done(struct vr_plan_seccomp *s);
