/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * vr_plan_run(), the caller's side: prepare what the child needs, clone it into its
 * namespaces, forward signals while it runs, and turn what comes back (a wait status, or
 * an error record through the pipe) into the result.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include "venvrun/error.h"
#include "venvrun/plan.h"
#include "venvrun/run.h"

#include "macro.h"

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

/*
 * Wait for PID 1 to exit, passing signals on. Signals the terminal generates (SI_KERNEL)
 * are not passed on: the terminal sends them to the whole foreground process group, and
 * the program, which stays in the caller's group so that it can use the terminal, has
 * them already.
 */
static int
wait_forwarding(pid_t pid, int pidfd, int sfd, int *ret_status)
{
	int st;

	for (;;) {
		struct pollfd pfd[2] = { { .fd = pidfd, .events = POLLIN }, { .fd = sfd, .events = POLLIN } };

		if (poll(pfd, 2, -1) < 0) {
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
	}
	while (waitpid(pid, &st, __WALL) < 0)
		if (errno != EINTR)
			return -errno;
	*ret_status = st;
	return 0;
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
	_cleanup_free_ int *source_fds = NULL;
	_cleanup_free_ dev_t *own_devs = NULL;
	_cleanup_close_ int pipe_rd = -1, pipe_wr = -1, sfd = -1, pidfd = -1;
	_cleanup_(kill_and_reapp) pid_t pid = 0;
	struct vr_sandbox sb = { .plan = p };
	struct vr_error rec;
	sigset_t current;
	int fds[2], st = 0, r;

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

	sfd = signalfd(-1, &sb.forwarded, SFD_CLOEXEC | SFD_NONBLOCK);
	if (sfd < 0) {
		r = vr_error_set(err, errno, "cannot create a signalfd to forward signals to the sandbox");
		goto out;
	}
	r = wait_forwarding(pid, pidfd, sfd, &st);
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
	*status = WIFSIGNALED(st) ? VR_EXIT_SIGNAL_BASE + WTERMSIG(st) : WEXITSTATUS(st);
	r = 0;

out:
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
