/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The hardening part of a plan (plan.h): capabilities, resource limits, ids, timeout,
 * cgroup limits, passed descriptors and the session, as data. The system call filter has
 * its own file (seccomp.c); the stages that apply all this are in harden.c.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "venvrun/plan.h"

#include "macro.h"

#include "plan-internal.h"

static const char *const rlimit_names[VR_PLAN_RLIMITS] = {
	[RLIMIT_CPU] = "cpu",		[RLIMIT_FSIZE] = "fsize",
	[RLIMIT_DATA] = "data",		[RLIMIT_STACK] = "stack",
	[RLIMIT_CORE] = "core",		[RLIMIT_RSS] = "rss",
	[RLIMIT_NPROC] = "nproc",	[RLIMIT_NOFILE] = "nofile",
	[RLIMIT_MEMLOCK] = "memlock",	[RLIMIT_AS] = "as",
	[RLIMIT_LOCKS] = "locks",	[RLIMIT_SIGPENDING] = "sigpending",
	[RLIMIT_MSGQUEUE] = "msgqueue", [RLIMIT_NICE] = "nice",
	[RLIMIT_RTPRIO] = "rtprio",	[RLIMIT_RTTIME] = "rttime",
};

const char *
vr_rlimit_name(int resource)
{
	if (resource < 0 || resource >= VR_PLAN_RLIMITS)
		return NULL;
	return rlimit_names[resource];
}

VR_PUBLIC void
vr_plan_set_capabilities(struct vr_plan *p, uint64_t keep)
{
	if (p)
		p->caps_keep = keep;
}

VR_PUBLIC int
vr_plan_set_rlimit(struct vr_plan *p, int resource, uint64_t value, struct vr_error *err)
{
	if (!p || !vr_rlimit_name(resource))
		return vr_error_set(err, EINVAL, "vr_plan_set_rlimit: no plan or an unknown resource %d", resource);
	p->rlimits[resource] = (struct vr_plan_rlimit){ .set = true, .value = value };
	return 0;
}

VR_PUBLIC void
vr_plan_set_ids(struct vr_plan *p, uid_t uid, gid_t gid)
{
	if (!p)
		return;
	p->ids_set = true;
	p->uid = uid;
	p->gid = gid;
}

VR_PUBLIC void
vr_plan_set_timeout(struct vr_plan *p, uint64_t timeout_ms, uint64_t grace_ms)
{
	if (!p)
		return;
	p->timeout_ms = timeout_ms;
	p->grace_ms = grace_ms;
}

VR_PUBLIC void
vr_plan_set_cgroup_limits(struct vr_plan *p, uint64_t memory_max, uint64_t pids_max)
{
	if (!p)
		return;
	p->memory_max = memory_max;
	p->pids_max = pids_max;
}

static int
compare_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return (x > y) - (x < y);
}

VR_PUBLIC int
vr_plan_pass_fd(struct vr_plan *p, int fd, struct vr_error *err)
{
	int *n;

	if (!p)
		return vr_error_set(err, EINVAL, "vr_plan_pass_fd: no plan");
	/* 0-2 are always passed; the executor's own descriptors are above what a caller
	 * could reasonably mean, and every size a caller controls is bounded. */
	if (fd <= 2 || fd >= 65536)
		return vr_error_set_at(err, VR_ERR_USAGE, "--pass-fd", "%d is not a descriptor to pass (3 to 65535)",
				       fd);
	for (size_t i = 0; i < p->n_pass_fds; i++)
		if (p->pass_fds[i] == fd)
			return 0;
	if (p->n_pass_fds >= VR_PLAN_FDS_MAX)
		return vr_error_set_at(err, VR_ERR_USAGE, "--pass-fd", "more than %d descriptors to pass",
				       VR_PLAN_FDS_MAX);
	n = realloc(p->pass_fds, (p->n_pass_fds + 1) * sizeof *n);
	if (!n)
		return vr_error_set(err, ENOMEM, "plan");
	p->pass_fds = n;
	p->pass_fds[p->n_pass_fds++] = fd;
	vr_qsort(p->pass_fds, p->n_pass_fds, sizeof *p->pass_fds, compare_int);
	return 0;
}

VR_PUBLIC void
vr_plan_set_listen_pid(struct vr_plan *p, bool set)
{
	if (p)
		p->listen_pid = set;
}

VR_PUBLIC void
vr_plan_set_session(struct vr_plan *p, enum vr_session s)
{
	if (p)
		p->session = s;
}

void
vr_plan_seccomp_done(struct vr_plan_seccomp *s)
{
	free(s->insns);
	free(s->digest);
	free(s->summary);
	*s = (struct vr_plan_seccomp){ 0 };
}
