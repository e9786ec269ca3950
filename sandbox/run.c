/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * vr_plan_run(), the caller's side: prepare what the child needs, clone it into its
 * namespaces, forward signals while it runs, and turn what comes back (a wait status, or
 * an error record through the pipe) into the result.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <time.h>
#include <termios.h>
#include <unistd.h>

#include "venvrun/error.h"
#include "venvrun/plan.h"
#include "venvrun/run.h"

#include "macro.h"

#include "cgroup.h"
#include "harden.h"
#include "ns.h"
#include "sandbox.h"

/* execvpe's PATH when the environment has none (confstr(_CS_PATH)). */
#define VR_DEFAULT_PATH "/bin:/usr/bin"

static const int forwarded_signals[] = { SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH, SIGCONT };

/* The cleanup for a child that must not outlive an error: killed, then reaped. */
static void
kill_and_reapp(pid_t *pid)
{
	if (*pid > 0) {
		kill(*pid, SIGKILL);
		while (waitpid(*pid, NULL, __WALL) < 0 && errno == EINTR)
			;
	}
}

static const char *
env_path(char *const *envp)
{
	for (size_t i = 0; envp[i]; i++)
		if (vr_startswith(envp[i], "PATH="))
			return envp[i] + 5;
	return VR_DEFAULT_PATH;
}

static uint64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* t + ms, where UINT64_MAX means never and stays so. */
static uint64_t
after(uint64_t t, uint64_t ms)
{
	return ms >= UINT64_MAX - t ? UINT64_MAX : t + ms;
}

struct waited {
	int status;	/* PID 1's wait status */
	bool timed_out; /* the plan's timeout sent SIGTERM */
	bool killed;	/* and the grace period after it SIGKILL */
};

/*
 * Wait for PID 1 to exit, passing signals on. Signals the terminal generates (SI_KERNEL)
 * are not passed on: the terminal sends them to the whole foreground process group, PID 1
 * included, and PID 1 decides (init.c).
 *
 * With a timeout, SIGTERM goes to PID 1 when it expires, which passes it to the program;
 * SIGKILL to PID 1 after the grace period ends everything in the PID namespace at once.
 */
static int
wait_forwarding(pid_t pid, int pidfd, int sfd, const struct vr_plan *p, struct waited *w)
{
	uint64_t term_at = p->timeout_ms ? after(now_ms(), p->timeout_ms) : UINT64_MAX, kill_at = UINT64_MAX;

	for (;;) {
		struct pollfd pfd[2] = { { .fd = pidfd, .events = POLLIN }, { .fd = sfd, .events = POLLIN } };
		uint64_t next = term_at < kill_at ? term_at : kill_at, t;
		int timeout = -1;

		if (next != UINT64_MAX) {
			t = now_ms();
			timeout = next <= t ? 0 : next - t > INT_MAX ? INT_MAX : (int)(next - t);
		}
		if (poll(pfd, 2, timeout) < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (pfd[1].revents & POLLIN) {
			struct signalfd_siginfo si;

			while (read(sfd, &si, sizeof si) == (ssize_t)sizeof si)
				if (si.ssi_code != SI_KERNEL)
					kill(pid, (int)si.ssi_signo);
		}
		if (pfd[0].revents & POLLIN)
			break;
		t = now_ms();
		if (t >= term_at) {
			kill(pid, SIGTERM);
			w->timed_out = true;
			term_at = UINT64_MAX;
			kill_at = after(t, p->grace_ms);
		}
		if (t >= kill_at) {
			kill(pid, SIGKILL);
			w->killed = true;
			kill_at = UINT64_MAX;
		}
	}
	while (waitpid(pid, &w->status, __WALL) < 0)
		if (errno != EINTR)
			return -errno;
	return 0;
}

/* "2s", "1500ms": as the policy would say it. */
static void
format_ms(char buf[32], uint64_t ms)
{
	if (ms % 1000 == 0)
		snprintf(buf, 32, "%" PRIu64 "s", ms / 1000);
	else
		snprintf(buf, 32, "%" PRIu64 "ms", ms);
}

/* The one line a timeout leaves, as timeout(1) would leave none and the user would be left
 * wondering about status 124. */
static void
report_timeout(const struct vr_plan *p, const struct waited *w)
{
	char timeout[32], grace[32];

	format_ms(timeout, p->timeout_ms);
	if (w->killed) {
		format_ms(grace, p->grace_ms);
		fprintf(stderr,
			"venvrun: the program ran out of time (timeout %s); it was sent SIGTERM, and SIGKILL %s "
			"later\n",
			timeout, grace);
	} else
		fprintf(stderr, "venvrun: the program ran out of time (timeout %s); it was sent SIGTERM\n", timeout);
}

static void
sandbox_release(struct vr_sandbox *sb)
{
	vr_harden_release(sb);
	vr_ns_release(sb);
}

/* The error record, when a process of the sandbox sent one. Only a whole record counts: a
 * process killed while writing leaves a part, which is ignored. */
static bool
read_error_record(int fd, struct vr_error *rec)
{
	size_t got = 0;

	while (got < sizeof *rec) {
		ssize_t n = read(fd, (char *)rec + got, sizeof *rec - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	if (got != sizeof *rec || rec->code <= 0)
		return false;
	rec->where[sizeof rec->where - 1] = 0;
	rec->message[sizeof rec->message - 1] = 0;
	rec->hint[sizeof rec->hint - 1] = 0;
	return true;
}

VR_PUBLIC int
vr_plan_run(const struct vr_plan *p, int *status, struct vr_error *err)
{
	/* Cleaned up in the reverse order: the sandbox is killed and reaped first, its
	 * cgroup removed last. */
	_cleanup_(vr_cgroup_done) struct vr_cgroup cg = VR_CGROUP_INIT;
	_cleanup_(sandbox_release) struct vr_sandbox sb = {
		.plan = p,
		.maps_sync_fd = -1,
		.maps_sync_wr_fd = -1,
		.cgroup_fd = -1,
	};
	_cleanup_free_ int *source_fds = NULL;
	_cleanup_free_ dev_t *own_devs = NULL;
	_cleanup_close_ int pipe_rd = -1, pipe_wr = -1, sfd = -1, pidfd = -1;
	_cleanup_(kill_and_reapp) pid_t pid = 0;
	struct waited w = { 0 };
	struct vr_error rec;
	sigset_t current;
	int fds[2], r;

	if (!p || !status)
		return vr_error_set(err, EINVAL, "vr_plan_run: no plan or no place for the status");
	r = vr_plan_validate(p, err);
	if (r < 0)
		return r;

	/* An unprivileged caller can make the other namespaces only inside a user namespace
	 * of its own. */
	sb.namespaces = p->namespaces | (geteuid() != 0 ? VR_NS_USER : 0);
	sb.uid = geteuid();
	sb.gid = getegid();
	sb.path = env_path(p->envp);

	/* Hardening that cannot be applied here fails now, before anything is made; and the
	 * check of the passed descriptors comes before this run opens any of its own. */
	r = vr_harden_prepare(&sb, err);
	if (r < 0)
		return r;
	r = vr_cgroup_setup(p, &cg, err);
	if (r < 0)
		return r;
	sb.cgroup_fd = cg.fd;
	r = vr_ns_prepare(&sb, err);
	if (r < 0)
		return r;

	/* Allocated here, not in the child, which is a copy of this process and should not
	 * need malloc. own_devs: the root, one per TMPFS, two per DEV (itself and /dev/shm). */
	source_fds = calloc(p->n_mounts + 1, sizeof *source_fds);
	own_devs = calloc(2 * p->n_mounts + 1, sizeof *own_devs);
	if (!source_fds || !own_devs)
		return vr_error_set(err, ENOMEM, "cannot prepare the sandbox");
	sb.source_fds = source_fds;
	sb.own_devs = own_devs;

	/* O_CLOEXEC: the program's execve closes the write end, so end of file without a
	 * record means it runs. Non-blocking: the caller reads only after the sandbox is gone
	 * and must never wait for a writer that leaked elsewhere. */
	if (pipe2(fds, O_CLOEXEC | O_NONBLOCK) < 0)
		return vr_error_set(err, errno, "cannot create the sandbox's error pipe");
	pipe_rd = fds[0];
	pipe_wr = fds[1];
	sb.error_rd_fd = pipe_rd;
	sb.error_fd = pipe_wr;

	/* Block the forwarded signals before clone(), so that the child inherits them
	 * blocked: one that arrives while the sandbox is being set up waits in PID 1 until
	 * there is a program to pass it to. A signal the caller already blocks is the
	 * caller's business and is not taken over. */
	pthread_sigmask(SIG_SETMASK, NULL, &current);
	sigemptyset(&sb.forwarded);
	for (size_t i = 0; i < ELEMENTSOF(forwarded_signals); i++)
		if (!sigismember(&current, forwarded_signals[i]))
			sigaddset(&sb.forwarded, forwarded_signals[i]);
	pthread_sigmask(SIG_BLOCK, &sb.forwarded, &sb.caller_mask);

	r = vr_ns_clone(&sb, &pidfd, err);
	if (r == 0)
		vr_sandbox_child(&sb);
	if (r < 0)
		goto out;
	pid = r;
	pipe_wr = -1;
	close(fds[1]);
	r = vr_ns_write_maps_of(&sb, pid, err);
	if (r < 0)
		goto out;

	sfd = signalfd(-1, &sb.forwarded, SFD_CLOEXEC | SFD_NONBLOCK);
	if (sfd < 0) {
		r = vr_error_set(err, errno, "cannot create a signalfd to forward signals to the sandbox");
		goto out;
	}
	r = wait_forwarding(pid, pidfd, sfd, p, &w);
	if (r < 0) {
		r = vr_error_set(err, r, "cannot wait for the sandbox");
		goto out;
	}
	pid = 0; /* reaped */

	if (read_error_record(pipe_rd, &rec)) {
		if (err)
			*err = rec;
		r = -rec.code;
		goto out;
	}
	if (w.timed_out) {
		report_timeout(p, &w);
		*status = VR_EXIT_TIMEOUT;
	} else
		*status = WIFSIGNALED(w.status) ? VR_EXIT_SIGNAL_BASE + WTERMSIG(w.status) : WEXITSTATUS(w.status);
	r = 0;

out:
	/* The terminal back to the caller's job, which the program had as its own. */
	if (sb.foreground) {
		sigset_t ttou, saved;

		sigemptyset(&ttou);
		sigaddset(&ttou, SIGTTOU);
		pthread_sigmask(SIG_BLOCK, &ttou, &saved);
		tcsetpgrp(0, getpgrp());
		pthread_sigmask(SIG_SETMASK, &saved, NULL);
	}
	/* Signals that came for the program after it was gone are dropped, not turned on
	 * the caller when the mask is restored. */
	if (sfd >= 0) {
		struct signalfd_siginfo si;

		while (read(sfd, &si, sizeof si) == (ssize_t)sizeof si)
			;
	}
	pthread_sigmask(SIG_SETMASK, &sb.caller_mask, NULL);
	return r;
}
