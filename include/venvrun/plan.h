/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * The sandbox plan: everything a run will set up, as plain data, computed before anything
 * happens (from the env, its interpreter's facts and the policy) so that it can be printed,
 * audited and tested, and then executed by vr_plan_run() (run.h).
 *
 *     struct vr_plan *p = NULL;
 *     vr_plan_new(&p, &err);
 *     vr_plan_add_mount(p, VR_MNT_BIND, "/usr", "/usr", VR_MNT_F_RO, &err);
 *     vr_plan_add_mount(p, VR_MNT_TMPFS, NULL, "/tmp", 0, &err);
 *     vr_plan_set_argv(p, argv, &err);
 *     ...
 *     char *text = vr_plan_describe(p);       // what the program will see
 *     vr_plan_free(p);
 *
 * Mounts are executed in order into a fresh root (a tmpfs that becomes / by pivot_root),
 * so anything no mount names is absent inside. Targets are absolute paths inside the
 * sandbox; sources absolute paths on the host.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "venvrun/error.h"

#ifdef __cplusplus
extern "C" {
#endif

enum vr_mount_type {
	VR_MNT_BIND,	/* source (a directory or a file) at target; submounts included */
	VR_MNT_TMPFS,	/* a fresh, empty tmpfs at target */
	VR_MNT_PROC,	/* a fresh procfs at target, sensitive files masked */
	VR_MNT_DEV,	/* a minimal /dev at target: null zero full random urandom tty, pts, ptmx, shm */
	VR_MNT_DIR,	/* an empty directory at target (on the root tmpfs) */
	VR_MNT_SYMLINK, /* a symlink at target whose text is source */
	VR_MNT_HIDE,	/* make target, which an earlier mount brought in, empty: an empty read-only
			 * directory over a directory, an empty unreadable file over a file */
};

enum vr_mount_flags {
	VR_MNT_F_RO = 1 << 0,	    /* read-only, recursively (submounts too) */
	VR_MNT_F_OPTIONAL = 1 << 1, /* skip when the source (or, for HIDE, the target) does not exist */
	VR_MNT_F_NOEXEC = 1 << 2,
};

enum vr_namespace {
	VR_NS_USER = 1 << 0, /* a new user namespace (always when not root) */
	VR_NS_MOUNT = 1 << 1,
	VR_NS_PID = 1 << 2,
	VR_NS_IPC = 1 << 3,
	VR_NS_UTS = 1 << 4,
	VR_NS_NET = 1 << 5, /* network "none" or "loopback" */
	VR_NS_CGROUP = 1 << 6,
};

struct vr_plan;

VR_PUBLIC int vr_plan_new(struct vr_plan **ret, struct vr_error *err);
VR_PUBLIC void vr_plan_free(struct vr_plan *p);

/* Append a mount. Paths must be absolute and are normalised; `source` is NULL for types
 * that have none. A target below a HIDE target, or a mount after one that hides its
 * target's parent, is refused with VR_ERR_UNSAFE by vr_plan_validate(). */
VR_PUBLIC int vr_plan_add_mount(struct vr_plan *p, enum vr_mount_type type, const char *source, const char *target,
				unsigned flags, struct vr_error *err);

VR_PUBLIC void vr_plan_set_namespaces(struct vr_plan *p, unsigned namespaces);
VR_PUBLIC unsigned vr_plan_get_namespaces(const struct vr_plan *p);
/* Bring up the loopback interface inside a new network namespace. */
VR_PUBLIC void vr_plan_set_loopback(struct vr_plan *p, bool up);

/* What to run: argv[0] is looked up on the PATH of envp when it has no slash. Copied. */
VR_PUBLIC int vr_plan_set_argv(struct vr_plan *p, char *const argv[], struct vr_error *err);
VR_PUBLIC int vr_plan_set_env(struct vr_plan *p, char *const envp[], struct vr_error *err);
VR_PUBLIC int vr_plan_set_cwd(struct vr_plan *p, const char *cwd, struct vr_error *err);
VR_PUBLIC int vr_plan_set_hostname(struct vr_plan *p, const char *hostname, struct vr_error *err);

/*
 * Hardening: what the program may do once it runs. A new plan drops every capability, sets
 * no_new_privs, starts the program in a new session when it does not run interactively on
 * the caller's terminal, changes no resource limit, loads no system call filter, keeps the
 * caller's ids and has no timeout. The stages run in the program's process just before
 * execve, in this order: rlimits, capability bounding set, new session, ids, the other
 * capability sets, no_new_privs, seccomp (last: it filters nothing the others need). Any
 * stage that cannot be applied stops the run before the program starts (fail closed).
 */

/* The system call filter, as data: the base list (DESIGN.md's default denials, with
 * argument rules), then the rules in order, a later rule for a name replacing an earlier
 * one. An unknown name is an error (VR_ERR_BAD_POLICY). */
enum vr_syscall_action {
	VR_SYSCALL_ALLOW,  /* take the name out of the base list */
	VR_SYSCALL_ERRNO,  /* fail with errno_value (EPERM when 0) */
	VR_SYSCALL_KILL,   /* kill the whole program (SIGSYS) */
	VR_SYSCALL_LOG,	   /* allow, and log it (the kernel's audit log) */
	VR_SYSCALL_ENOSYS, /* fail with ENOSYS, so that libc falls back */
};

struct vr_syscall_rule {
	const char *name; /* as libseccomp names it: "ptrace" */
	enum vr_syscall_action action;
	int errno_value;
};

struct vr_seccomp_spec {
	bool base; /* start from the default denials (else from allowing everything) */
	bool log;  /* audit mode: log what would be refused, refuse nothing */
	const struct vr_syscall_rule *rules;
	size_t n_rules;
};

/* Compile the filter for the native architecture (calls through any other ABI kill the
 * program) and store it in the plan. With `cache_dir`, the compiled program is looked up
 * there by a hash of the spec (and the architecture and the library versions) first, and
 * stored there when it was not: a second run with the same policy does not compile again.
 * NULL `spec`: no filter. */
VR_PUBLIC int
vr_plan_set_seccomp(struct vr_plan *p, const struct vr_seccomp_spec *spec, const char *cache_dir, struct vr_error *err);

/* Capabilities the program keeps, as a mask of 1 << CAP_*: in all five sets, ambient
 * included, so that they survive execve as any user. Only for a run started as root
 * without a user namespace; vr_plan_run() refuses anything else. 0 (the default): none. */
VR_PUBLIC void vr_plan_set_capabilities(struct vr_plan *p, uint64_t keep);

/* Set resource limit `resource` (RLIMIT_*) to `value`, soft and hard (RLIM_INFINITY:
 * unlimited). Raising a hard limit needs privilege; a run that cannot fails. */
VR_PUBLIC int vr_plan_set_rlimit(struct vr_plan *p, int resource, uint64_t value, struct vr_error *err);

/* Run the program as uid:gid with no supplementary groups (only when started as root:
 * vr_plan_run() refuses otherwise). With a user namespace, both are mapped into it. */
VR_PUBLIC void vr_plan_set_ids(struct vr_plan *p, uid_t uid, gid_t gid);

/* Wall-clock timeout: SIGTERM to the program after timeout_ms, SIGKILL to everything
 * grace_ms later (UINT64_MAX: never), and vr_plan_run() returns VR_EXIT_TIMEOUT. 0: none. */
VR_PUBLIC void vr_plan_set_timeout(struct vr_plan *p, uint64_t timeout_ms, uint64_t grace_ms);

/* cgroup v2 limits for the whole sandbox (memory.max in bytes, pids.max), in a new cgroup
 * below the caller's, which must be delegated to it. UINT64_MAX: no limit. vr_plan_run()
 * fails with a clear error when a limit is asked for and cannot be set. */
VR_PUBLIC void vr_plan_set_cgroup_limits(struct vr_plan *p, uint64_t memory_max, uint64_t pids_max);

/* Keep the caller's descriptor `fd` (> 2) open in the program at the same number; every
 * other descriptor but 0-2 is closed. */
VR_PUBLIC int vr_plan_pass_fd(struct vr_plan *p, int fd, struct vr_error *err);

/* systemd socket activation: the program gets LISTEN_PID set to its own pid (the caller
 * passes the descriptors with vr_plan_pass_fd() and LISTEN_FDS in the environment). */
VR_PUBLIC void vr_plan_set_listen_pid(struct vr_plan *p, bool set);

enum vr_session {
	VR_SESSION_AUTO, /* new, unless stdin is a terminal whose foreground group is the caller's */
	VR_SESSION_NEW,
	VR_SESSION_KEEP,
};
VR_PUBLIC void vr_plan_set_session(struct vr_plan *p, enum vr_session s);

/* Check the plan as a whole (absolute paths, no mount into a hidden path, argv set). */
VR_PUBLIC int vr_plan_validate(const struct vr_plan *p, struct vr_error *err);

/* The plan for people (one mount per line, then namespaces, environment, command) and as
 * JSON. Caller frees. */
VR_PUBLIC char *vr_plan_describe(const struct vr_plan *p);
VR_PUBLIC char *vr_plan_to_json(const struct vr_plan *p);

#ifdef __cplusplus
}
#endif
