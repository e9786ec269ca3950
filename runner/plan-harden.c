/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The policy's hardening keys, turned into the plan's hardening (plan.h): the system call
 * filter (compiled once per policy and cached), capabilities, resource limits, the ids the
 * program runs as, the timeout, cgroup limits, and the descriptors passed on purpose.
 *
 * Who the program runs as, when venvrun is started as root: the policy's user and group
 * when it names them (root only when it says so); else, for `install`, the env's owner, so
 * that what pip writes belongs to whoever owns the env; else nobody. A payload never runs
 * as real root by default. Started as anyone else, the program runs as the caller (in a
 * user namespace), and a user or group other than the caller's own is refused.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "venvrun/plan.h"

#include "interp.h"
#include "macro.h"
#include "nss.h"
#include "plan-build.h"
#include "strv.h"

/* Who the program runs as when nothing says otherwise and venvrun is root. */
#define VR_NOBODY_ID 65534

static enum vr_syscall_action
action_of(enum vr_seccomp_action a)
{
	switch (a) {
	case VR_SC_KILL:
		return VR_SYSCALL_KILL;
	case VR_SC_LOG:
		return VR_SYSCALL_LOG;
	case VR_SC_ENOSYS:
		return VR_SYSCALL_ENOSYS;
	case VR_SC_ERRNO:
		break;
	}
	return VR_SYSCALL_ERRNO;
}

static int
add_seccomp(const struct vr_plan_request *req, struct vr_plan *p, struct vr_error *err)
{
	const struct vr_policy_values *v = req->policy;
	_cleanup_free_ struct vr_syscall_rule *rules = NULL;
	_cleanup_free_ char *cache = NULL;
	struct vr_seccomp_spec spec;
	size_t n = 0;

	/* Profile "none" with no rules of its own and no audit mode: no filter at all. */
	if (!v->seccomp_enabled && v->n_deny == 0 && v->n_allow == 0 && !v->seccomp_log)
		return vr_plan_set_seccomp(p, NULL, NULL, err);
	rules = calloc(v->n_deny + v->n_allow + 1, sizeof *rules);
	if (!rules)
		return vr_error_set(err, ENOMEM, "seccomp");
	/* Denials first, then allowances: a name on both lists is allowed (a later rule for a
	 * name replaces an earlier one), which is how a layer takes back what a lower one
	 * denied. */
	for (size_t i = 0; i < v->n_deny; i++)
		rules[n++] = (struct vr_syscall_rule){ .name = v->deny[i].name,
						       .action = action_of(v->deny[i].action),
						       .errno_value = v->deny[i].errno_value };
	for (size_t i = 0; i < v->n_allow; i++)
		rules[n++] = (struct vr_syscall_rule){ .name = v->allow[i].name, .action = VR_SYSCALL_ALLOW };
	spec = (struct vr_seccomp_spec){
		.base = v->seccomp_enabled,
		.log = v->seccomp_log,
		.rules = rules,
		.n_rules = n,
	};
	/* The compiled filter is cached beside the interpreter facts ("": no cache). */
	if (!req->cache_dir)
		cache = vr_interpreter_cache_dir(NULL);
	else if (*req->cache_dir)
		cache = strdup(req->cache_dir);
	return vr_plan_set_seccomp(p, &spec, cache, err);
}

static int
add_capabilities(const struct vr_plan_request *req, struct vr_plan *p, struct vr_error *err)
{
	uint64_t keep = 0;

	for (const char *const *c = req->policy->caps_keep; c && *c; c++) {
		char lower[64];
		cap_value_t cap;
		size_t i = 0;

		/* Stored as "CAP_NET_RAW"; libcap knows "cap_net_raw". The validator checked
		 * the names against libcap already. */
		for (; (*c)[i] && i + 1 < sizeof lower; i++)
			lower[i] = (char)((*c)[i] >= 'A' && (*c)[i] <= 'Z' ? (*c)[i] - 'A' + 'a' : (*c)[i]);
		lower[i] = 0;
		if (cap_from_name(lower, &cap) < 0 || cap < 0 || cap >= 64)
			return vr_error_set_at(err, VR_ERR_BAD_POLICY, "capabilities.keep", "unknown capability '%s'",
					       *c);
		keep |= UINT64_C(1) << cap;
	}
	if (keep && (!req->is_root || req->new_userns)) {
		vr_error_set_at(err, VR_ERR_HARDENING, "capabilities.keep",
				"keeping capabilities needs venvrun started as root without a user namespace");
		vr_error_set_hint(err, "%s",
				  req->is_root ? "drop --userns, or the capabilities"
					       : "run it as root (a system service), or drop the capabilities");
		return -VR_ERR_HARDENING;
	}
	vr_plan_set_capabilities(p, keep);
	return 0;
}

static int
add_rlimits(const struct vr_plan_request *req, struct vr_plan *p, struct vr_error *err)
{
	const struct vr_policy_values *v = req->policy;
	const struct {
		int resource;
		uint64_t value;
	} limits[] = {
		{ RLIMIT_NOFILE, v->nofile }, { RLIMIT_NPROC, v->nproc }, { RLIMIT_AS, v->as },
		{ RLIMIT_CPU, v->cpu_s },     { RLIMIT_FSIZE, v->fsize }, { RLIMIT_CORE, v->core },
		{ RLIMIT_STACK, v->stack },
	};
	int r;

	/* "unlimited" sets nothing: the limit venvrun inherited stays (raising a hard limit
	 * would need privilege the caller may not have). */
	for (size_t i = 0; i < ELEMENTSOF(limits); i++)
		if (limits[i].value != VR_UNLIMITED &&
		    (r = vr_plan_set_rlimit(p, limits[i].resource, limits[i].value, err)) < 0)
			return r;
	return 0;
}

/* The policy's user (a name or a uid, as text) and its primary group. The validator has
 * checked the entry exists; it may have gone since. */
static int
lookup_user(const char *user, uid_t *uid, gid_t *gid, struct vr_error *err)
{
	unsigned u, g;
	int r = vr_nss_lookup_text(false, user, &u, &g);

	if (r < 0)
		return vr_error_set_at(err, r, "user", "cannot look up user '%s'", user);
	if (r == 0)
		return vr_error_set_at(err, VR_ERR_BAD_POLICY, "user", "no user '%s' on this system", user);
	*uid = u;
	*gid = g;
	return 0;
}

static int
lookup_group(const char *group, gid_t *gid, struct vr_error *err)
{
	unsigned g;
	int r = vr_nss_lookup_text(true, group, &g, NULL);

	if (r < 0)
		return vr_error_set_at(err, r, "group", "cannot look up group '%s'", group);
	if (r == 0)
		return vr_error_set_at(err, VR_ERR_BAD_POLICY, "group", "no group '%s' on this system", group);
	*gid = g;
	return 0;
}

/* nobody and its group, from the passwd database when it has them. */
static void
nobody_ids(uid_t *uid, gid_t *gid)
{
	unsigned u, g;

	*uid = *gid = VR_NOBODY_ID;
	if (vr_nss_lookup(false, "nobody", 0, &u, &g) == 1) {
		*uid = u;
		*gid = g;
	}
}

static int
add_ids(const struct vr_plan_request *req, struct vr_plan *p, struct vr_error *err)
{
	const struct vr_policy_values *v = req->policy;
	uid_t uid = req->uid;
	gid_t gid = req->gid;
	struct stat st;
	int r;

	if (v->user) {
		if ((r = lookup_user(v->user, &uid, &gid, err)) < 0)
			return r;
	} else if (req->is_root && req->as_env_owner && stat(vr_env_get_path(req->env), &st) == 0) {
		uid = st.st_uid;
		gid = st.st_gid;
	} else if (req->is_root) {
		nobody_ids(&uid, &gid);
	}
	if (v->group && (r = lookup_group(v->group, &gid, err)) < 0)
		return r;

	if (!req->is_root) {
		/* Naming oneself changes nothing and is allowed. */
		if (uid == req->uid && gid == req->gid)
			return 0;
		vr_error_set_at(err, VR_ERR_HARDENING, v->user ? "user" : "group",
				"running as another user or group needs venvrun started as root");
		vr_error_set_hint(err, "drop user and group from the policy and the command line");
		return -VR_ERR_HARDENING;
	}
	vr_plan_set_ids(p, uid, gid);
	return 0;
}

static bool
fd_is_open(int fd)
{
	return fcntl(fd, F_GETFD) >= 0;
}

/*
 * Descriptors: those passed with --pass-fd, and systemd's socket activation (LISTEN_PID
 * naming venvrun, LISTEN_FDS=N: descriptors 3 to N+2), which the program gets with
 * LISTEN_FDS, LISTEN_FDNAMES and a LISTEN_PID that names it.
 */
static int
add_descriptors(const struct vr_plan_request *req, struct vr_plan *p, char ***env, struct vr_error *err)
{
	const char *pid_s = vr_pb_env_get(req->envp, "LISTEN_PID"), *fds_s = vr_pb_env_get(req->envp, "LISTEN_FDS");
	const char *names = vr_pb_env_get(req->envp, "LISTEN_FDNAMES");
	unsigned long n = 0;
	char *end;
	int r;

	for (size_t i = 0; i < req->n_pass_fds; i++) {
		char where[32];

		snprintf(where, sizeof where, "--pass-fd %d", req->pass_fds[i]);
		if (req->pass_fds[i] > 2 && !fd_is_open(req->pass_fds[i]))
			return vr_error_set_at(err, VR_ERR_USAGE, where, "descriptor %d is not open in venvrun",
					       req->pass_fds[i]);
		if ((r = vr_plan_pass_fd(p, req->pass_fds[i], err)) < 0) {
			vr_error_set_where(err, where, 0, 0);
			return r;
		}
	}

	if (!pid_s || !fds_s || strtoul(pid_s, &end, 10) != (unsigned long)getpid() || *end)
		return 0;
	errno = 0;
	n = strtoul(fds_s, &end, 10);
	if (errno || *end || n == 0 || n > 253)
		return vr_error_set_at(err, VR_ERR_USAGE, "LISTEN_FDS", "'%s' is not a number of descriptors", fds_s);
	for (int fd = 3; fd < 3 + (int)n; fd++) {
		if (!fd_is_open(fd))
			return vr_error_set_at(err, VR_ERR_USAGE, "LISTEN_FDS",
					       "socket activation passes %lu descriptors, but %d is not open", n, fd);
		if ((r = vr_plan_pass_fd(p, fd, err)) < 0)
			return r;
	}
	if (vr_pb_env_put(env, "LISTEN_FDS", 10, fds_s) < 0 ||
	    (names && vr_pb_env_put(env, "LISTEN_FDNAMES", 14, names) < 0))
		return vr_error_set(err, ENOMEM, "environment");
	vr_plan_set_listen_pid(p, true);
	return 0;
}

int
vr_pb_add_hardening(const struct vr_plan_request *req, struct vr_plan *p, char ***env, struct vr_error *err)
{
	const struct vr_policy_values *v = req->policy;
	int r;

	if ((r = add_seccomp(req, p, err)) < 0 || (r = add_capabilities(req, p, err)) < 0 ||
	    (r = add_rlimits(req, p, err)) < 0 || (r = add_ids(req, p, err)) < 0 ||
	    (r = add_descriptors(req, p, env, err)) < 0)
		return r;
	vr_plan_set_timeout(p, v->timeout_ms, v->grace_ms);
	vr_plan_set_cgroup_limits(p, v->memory == VR_UNLIMITED ? UINT64_MAX : v->memory,
				  v->pids == VR_UNLIMITED ? UINT64_MAX : v->pids);
	vr_plan_set_session(p, VR_SESSION_AUTO);
	return 0;
}
