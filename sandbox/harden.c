/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The plan's hardening, applied (harden.h). Three moments:
 *
 *   the caller, before clone()   refusals that need no sandbox to find out (fail before
 *                                anything is made), the session decided, and everything
 *                                that needs malloc: the program's process cannot allocate.
 *   the program, before execve   the stages, in an order where each one still has what it
 *                                needs: LISTEN_PID (memory only), descriptors, rlimits
 *                                (raising a hard limit needs CAP_SYS_RESOURCE), the bounding
 *                                set (needs CAP_SETPCAP), the session, the ids (setgroups
 *                                and setres[ug]id need CAP_SETGID/CAP_SETUID), the other
 *                                capability sets, no_new_privs, and the filter last, so that
 *                                it filters none of the calls above.
 *   PID 1, once the program runs no_new_privs and every capability but CAP_KILL gone:
 *                                defence in depth for a process the program cannot reach
 *                                anyway (it is not dumpable).
 *
 * The program's process changes its ids with raw system calls, not glibc's wrappers: glibc
 * makes every thread of the process change along (a signal to each), and this process
 * descends from a caller whose threads glibc still believes exist, without having forked
 * through glibc. The kernel changes the calling thread only, which is all there is.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <termios.h>
#include <unistd.h>

#include "venvrun/error.h"

#include "macro.h"

#include "harden.h"
#include "sandbox.h"
#include "seccomp.h"
#include "syscalls.h"

#define LISTEN_PID_PREFIX "LISTEN_PID="
/* The prefix, a pid (at most 10 digits for a pid_t), the NUL. */
#define LISTEN_PID_SIZE (sizeof LISTEN_PID_PREFIX + 12)

static bool
keeps(const struct vr_plan *p, unsigned cap)
{
	return cap < 64 && (p->caps_keep & (UINT64_C(1) << cap));
}

/* The plan's environment, with one LISTEN_PID entry (at the place of the first one the
 * plan had, else at the end) whose number the program writes in. */
static int
prepare_env(struct vr_sandbox *sb, struct vr_error *err)
{
	char *const *envp = sb->plan->envp;
	size_t n = 0, k = 0;
	bool placed = false;

	sb->envp = (char **)envp;
	if (!sb->plan->listen_pid)
		return 0;
	while (envp[n])
		n++;
	sb->envp = calloc(n + 2, sizeof *sb->envp);
	sb->listen_pid = calloc(1, LISTEN_PID_SIZE);
	if (!sb->envp || !sb->listen_pid)
		return vr_error_set(err, ENOMEM, "cannot prepare the program's environment");
	memcpy(sb->listen_pid, LISTEN_PID_PREFIX, strlen(LISTEN_PID_PREFIX));
	for (size_t i = 0; i < n; i++) {
		if (!vr_startswith(envp[i], LISTEN_PID_PREFIX))
			sb->envp[k++] = envp[i];
		else if (!placed) {
			sb->envp[k++] = sb->listen_pid;
			placed = true;
		}
	}
	if (!placed)
		sb->envp[k++] = sb->listen_pid;
	sb->envp[k] = NULL;
	return 0;
}

static int
prepare_caps(struct vr_sandbox *sb, struct vr_error *err)
{
	static const cap_flag_t sets[] = { CAP_EFFECTIVE, CAP_PERMITTED, CAP_INHERITABLE };
	const cap_value_t kill_cap[] = { CAP_KILL };

	sb->program_caps = cap_init();
	sb->init_caps = cap_init();
	if (!sb->program_caps || !sb->init_caps)
		return vr_error_set(err, ENOMEM, "cannot prepare the capability sets");
	for (unsigned c = 0; c < 64; c++) {
		cap_value_t v = (cap_value_t)c;

		if (!keeps(sb->plan, c))
			continue;
		for (size_t i = 0; i < ELEMENTSOF(sets); i++)
			if (cap_set_flag(sb->program_caps, sets[i], 1, &v, CAP_SET) < 0)
				return vr_error_set(err, errno, "cannot prepare the capability sets");
	}
	if (cap_set_flag(sb->init_caps, CAP_EFFECTIVE, 1, kill_cap, CAP_SET) < 0 ||
	    cap_set_flag(sb->init_caps, CAP_PERMITTED, 1, kill_cap, CAP_SET) < 0)
		return vr_error_set(err, errno, "cannot prepare the capability sets");
	return 0;
}

/* AUTO: a new session, unless the program runs interactively on the caller's terminal
 * (stdin a terminal whose foreground process group is the caller's): there it must stay
 * in the caller's session to use the terminal, and only the system call filter stops it
 * from injecting input (TIOCSTI) into the shell that waits for it. */
static bool
wants_new_session(enum vr_session s)
{
	switch (s) {
	case VR_SESSION_NEW:
		return true;
	case VR_SESSION_KEEP:
		return false;
	case VR_SESSION_AUTO:
	default:
		return !(isatty(0) && tcgetpgrp(0) == getpgrp());
	}
}

int
vr_harden_prepare(struct vr_sandbox *sb, struct vr_error *err)
{
	const struct vr_plan *p = sb->plan;
	bool root = geteuid() == 0;
	int max_bits = cap_max_bits(), r;

	sb->program_caps = sb->init_caps = NULL;
	sb->envp = NULL;
	sb->listen_pid = NULL;

	/* Kept capabilities are real ones only outside a user namespace; inside one they
	 * would be the namespace's, and a user could keep nothing it does not have. */
	if (p->caps_keep && (!root || (sb->namespaces & VR_NS_USER)))
		return vr_error_set_at(err, VR_ERR_HARDENING, "capabilities.keep",
				       "needs venvrun started as root without a user namespace");
	if (max_bits < 64 && (p->caps_keep >> max_bits))
		return vr_error_set_at(err, VR_ERR_HARDENING, "capabilities.keep",
				       "names a capability this kernel does not have (it knows %d)", max_bits);
	if (p->ids_set && !root)
		return vr_error_set(err, VR_ERR_HARDENING, "user/group need venvrun started as root");
	/* Checked here, before the run opens descriptors of its own: one of those could
	 * otherwise take the number of a passed descriptor that is not open. */
	for (size_t i = 0; i < p->n_pass_fds; i++)
		if (fcntl(p->pass_fds[i], F_GETFD) < 0)
			return vr_error_set_at(err, errno, "--pass-fd", "descriptor %d is not open here",
					       p->pass_fds[i]);

	sb->new_session = wants_new_session(p->session);
	sb->foreground = !sb->new_session && isatty(0) && tcgetpgrp(0) == getpgrp();
	r = prepare_caps(sb, err);
	if (r < 0)
		return r;
	return prepare_env(sb, err);
}

void
vr_harden_release(struct vr_sandbox *sb)
{
	if (sb->program_caps)
		cap_free(sb->program_caps);
	if (sb->init_caps)
		cap_free(sb->init_caps);
	sb->program_caps = sb->init_caps = NULL;
	if (sb->listen_pid) {
		free(sb->envp);
		free(sb->listen_pid);
	}
	sb->envp = NULL;
	sb->listen_pid = NULL;
}

/* ---- the program's process: nothing below allocates ---- */

static void
set_listen_pid(const struct vr_sandbox *sb)
{
	char digits[16];
	char *out = sb->listen_pid + strlen(LISTEN_PID_PREFIX);
	unsigned long pid = (unsigned long)getpid();
	size_t n = 0;

	/* The pid as the program's own getpid() returns it: inside the PID namespace. */
	do {
		digits[n++] = (char)('0' + pid % 10);
		pid /= 10;
	} while (pid > 0 && n < sizeof digits);
	while (n > 0)
		*out++ = digits[--n];
	*out = 0;
}

/* Every descriptor but 0-2 and the passed ones closes at execve: one the caller left open
 * without O_CLOEXEC, to a host directory say, would be a way out of the mount plan.
 * CLOEXEC rather than close, so that the error pipe works until execve. */
static int
keep_descriptors(const struct vr_plan *p, struct vr_error *e)
{
	if (vr_close_range(3, ~0U, VR_CLOSE_RANGE_CLOEXEC) < 0) {
		long max = sysconf(_SC_OPEN_MAX);

		for (long fd = 3; fd < (max > 0 ? max : 65536); fd++)
			fcntl((int)fd, F_SETFD, FD_CLOEXEC);
	}
	for (size_t i = 0; i < p->n_pass_fds; i++) {
		int fd = p->pass_fds[i], flags = fcntl(fd, F_GETFD);

		if (flags < 0 || fcntl(fd, F_SETFD, flags & ~FD_CLOEXEC) < 0)
			return vr_error_set_at(e, errno, "--pass-fd", "cannot pass descriptor %d to the program", fd);
	}
	return 0;
}

static int
set_rlimits(const struct vr_plan *p, struct vr_error *e)
{
	for (int r = 0; r < VR_PLAN_RLIMITS; r++) {
		struct rlimit rl;
		char where[32];

		if (!p->rlimits[r].set)
			continue;
		rl.rlim_cur = rl.rlim_max = (rlim_t)p->rlimits[r].value;
		if (setrlimit(r, &rl) < 0) {
			int saved = errno;

			snprintf(where, sizeof where, "limits.%s", vr_rlimit_name(r));
			if (p->rlimits[r].value == (uint64_t)RLIM_INFINITY)
				return vr_error_set_at(e, saved, where, "cannot set the limit to unlimited");
			return vr_error_set_at(e, saved, where, "cannot set the limit to %llu",
					       (unsigned long long)p->rlimits[r].value);
		}
	}
	return 0;
}

/* Drop from the bounding set every capability not kept: no execve, of a set-uid root or
 * file-capability binary or as root, can ever give the program more. One that is not in
 * the set already needs no dropping (nor CAP_SETPCAP to drop it). */
static int
drop_bounding_set(const struct vr_plan *p, struct vr_error *e)
{
	int max_bits = cap_max_bits();

	for (int c = 0; c < max_bits; c++) {
		if (keeps(p, (unsigned)c) || cap_get_bound((cap_value_t)c) == 0)
			continue;
		if (cap_drop_bound((cap_value_t)c) < 0)
			return vr_error_set_at(e, errno, "capabilities",
					       "cannot drop capability %d from the bounding set", c);
	}
	return 0;
}

static int
switch_ids(const struct vr_sandbox *sb, struct vr_error *e)
{
	const struct vr_plan *p = sb->plan;
	uid_t ruid, euid, suid;
	gid_t rgid, egid, sgid;

	if (!p->ids_set)
		return 0;
	/* Kept capabilities must survive the change of uid (which clears the effective
	 * set; vr_harden_program() sets it again). */
	if (p->caps_keep && prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
		return vr_error_set_at(e, errno, "capabilities.keep",
				       "cannot keep capabilities across the change of user");
	/* With ids, a user namespace's maps are the caller's to write (ns.c) and leave
	 * setgroups allowed, for exactly this: the caller's supplementary groups go, in a
	 * user namespace too. */
	if (syscall(SYS_setgroups, 0, NULL) < 0)
		return vr_error_set_at(e, errno, "group", "cannot clear the supplementary groups");
	if (syscall(SYS_setresgid, p->gid, p->gid, p->gid) < 0)
		return vr_error_set_at(e, errno, "group", "cannot switch to group %u", (unsigned)p->gid);
	if (syscall(SYS_setresuid, p->uid, p->uid, p->uid) < 0)
		return vr_error_set_at(e, errno, "user", "cannot switch to user %u", (unsigned)p->uid);
	if (getresuid(&ruid, &euid, &suid) < 0 || getresgid(&rgid, &egid, &sgid) < 0 || ruid != p->uid ||
	    euid != p->uid || suid != p->uid || rgid != p->gid || egid != p->gid || sgid != p->gid)
		return vr_error_set(e, VR_ERR_HARDENING, "user/group: the program's ids did not change to %u:%u",
				    (unsigned)p->uid, (unsigned)p->gid);
	return 0;
}

/* Permitted, effective and inheritable: the kept ones (usually none). Ambient: cleared,
 * then the kept ones raised, so that they survive execve as a user other than root. */
static int
set_capabilities(const struct vr_sandbox *sb, struct vr_error *e)
{
	const struct vr_plan *p = sb->plan;

	if (cap_set_proc(sb->program_caps) < 0)
		return vr_error_set_at(e, errno, "capabilities", "cannot set the program's capabilities");
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && (errno != EINVAL || p->caps_keep))
		return vr_error_set_at(e, errno, "capabilities", "cannot clear the ambient capabilities");
	for (unsigned c = 0; c < 64; c++)
		if (keeps(p, c) && prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, (unsigned long)c, 0, 0) < 0)
			return vr_error_set_at(e, errno, "capabilities.keep", "cannot make capability %u ambient", c);
	return 0;
}

/*
 * Interactive on the caller's terminal: the program gets a process group of its own and
 * becomes the terminal's foreground group, as a shell does for a job. Left in the caller's
 * group, kill(0, ...) would reach venvrun and every other process of the caller's job
 * outside the sandbox (the PID namespace does not stop a signal to one's own group).
 * SIGTTOU is blocked meanwhile: tcsetpgrp() from a group that is not yet the foreground
 * one would otherwise stop us.
 */
static int
take_terminal(struct vr_error *e)
{
	sigset_t ttou, saved;
	int r = 0;

	if (setpgid(0, 0) < 0)
		return vr_error_set_at(e, errno, "session", "cannot give the program a process group of its own");
	sigemptyset(&ttou);
	sigaddset(&ttou, SIGTTOU);
	sigprocmask(SIG_BLOCK, &ttou, &saved);
	if (tcsetpgrp(0, getpgrp()) < 0)
		r = vr_error_set_at(e, errno, "session", "cannot make the program the terminal's foreground job");
	sigprocmask(SIG_SETMASK, &saved, NULL);
	return r;
}

int
vr_harden_program(const struct vr_sandbox *sb, struct vr_error *e)
{
	const struct vr_plan *p = sb->plan;
	int r;

	if (sb->listen_pid)
		set_listen_pid(sb);
	r = keep_descriptors(p, e);
	if (r < 0)
		return r;
	r = set_rlimits(p, e);
	if (r < 0)
		return r;
	r = drop_bounding_set(p, e);
	if (r < 0)
		return r;
	/* Out of the caller's session: no controlling terminal, so no TIOCSTI into it. */
	if (sb->new_session && setsid() < 0)
		return vr_error_set_at(e, errno, "session", "cannot start a new session for the program");
	if (sb->foreground) {
		r = take_terminal(e);
		if (r < 0)
			return r;
	}
	r = switch_ids(sb, e);
	if (r < 0)
		return r;
	r = set_capabilities(sb, e);
	if (r < 0)
		return r;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return vr_error_set(e, errno, "cannot set no_new_privs for the program");
	return vr_seccomp_load(&p->seccomp, e);
}

/* ---- PID 1 ---- */

int
vr_harden_init(const struct vr_sandbox *sb, struct vr_error *e)
{
	int max_bits = cap_max_bits();

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return vr_error_set(e, errno, "cannot set no_new_privs for the sandbox's init");
	/* The bounding set first: dropping from it needs CAP_SETPCAP, which goes next. */
	for (int c = 0; c < max_bits; c++)
		if (cap_get_bound((cap_value_t)c) > 0 && cap_drop_bound((cap_value_t)c) < 0)
			return vr_error_set(e, errno, "cannot drop capability %d from the init's bounding set", c);
	if (cap_set_proc(sb->init_caps) < 0)
		return vr_error_set(e, errno, "cannot drop the sandbox's init's capabilities");
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
		return vr_error_set(e, errno, "cannot clear the sandbox's init's ambient capabilities");
	return 0;
}
