/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The child's side of a run: PID 1 of the sandbox sets everything up in a fixed order,
 * then starts the program and becomes its init (init.c). Any failure goes back to the
 * caller as one fixed-size struct vr_error through the error pipe, and the child exits.
 *
 * The order, and why:
 *
 *   1. die with the caller     PR_SET_PDEATHSIG first, so a caller killed at any later
 *                              moment takes the whole sandbox with it.
 *   2. user namespace maps     before anything creates files (an unmapped uid cannot own
 *                              them) and before the mounts that need the namespace's
 *                              capabilities to be usable.
 *   3. hostname, loopback      in the new UTS and network namespaces.
 *   4. mounts                  propagation to the host cut first, then the sources pinned,
 *                              the root built and the plan's mounts made in order; the
 *                              procfs here, in the new PID namespace and while the
 *                              host's /proc is still visible.
 *   5. pivot_root              the host's root detached: from here on only the plan exists.
 *   6. working directory       resolved inside the new root.
 *   7. PID 1 hardened          pinned host descriptors closed, non-dumpable, the caller's
 *                              signal handlers reset.
 *   8. the program started     it restores the caller's signal mask, then the hardening
 *                              stages (harden.c: descriptors, rlimits, bounding set,
 *                              session, ids, capabilities, no_new_privs, seccomp last),
 *                              then execve.
 *   9. PID 1 hardened again    once the program runs it needs nothing but CAP_KILL.
 *  10. init                    PID 1 forwards signals and reaps until the program is gone.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "venvrun/error.h"

#include "macro.h"

#include "harden.h"
#include "mount.h"
#include "ns.h"
#include "sandbox.h"
#include "syscalls.h"

_Noreturn void
vr_sandbox_fail(const struct vr_sandbox *sb, const struct vr_error *e, int status)
{
	const char *p = (const char *)e;
	size_t left = sizeof *e;

	/* The caller reads until end of file: it takes the record only when it is whole. */
	while (left > 0) {
		ssize_t n = write(sb->error_fd, p, left);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		p += n;
		left -= (size_t)n;
	}
	_exit(status);
}

/*
 * The program's execve, looked up the way execvpe(3) would on the PATH of the plan's
 * environment, but inside the sandbox and without execvpe's fallbacks: no empty or
 * relative PATH entries (the working directory is not a place to find programs in), and
 * no running a file without #! through /bin/sh. Returns only on failure, with `e` filled:
 * VR_ERR_COMMAND_NOT_FOUND when nothing by that name exists, else VR_ERR_CANNOT_EXEC.
 */
static int
exec_program(const struct vr_sandbox *sb, struct vr_error *e)
{
	char *const *argv = sb->plan->argv;
	char *const *envp = sb->envp;
	const char *name = argv[0], *dir = sb->path;
	char full[PATH_MAX];
	bool denied = false;
	int errno_saved;

	if (strchr(name, '/')) {
		execve(name, argv, envp);
		errno_saved = errno;
		if (errno_saved == ENOENT || errno_saved == ENOTDIR)
			return vr_error_set_at(e, VR_ERR_COMMAND_NOT_FOUND, name, "not found in the sandbox: %s",
					       strerror(errno_saved));
		return vr_error_set_at(e, VR_ERR_CANNOT_EXEC, name, "cannot execute it in the sandbox: %s",
				       strerror(errno_saved));
	}

	while (dir && *dir) {
		size_t n = strcspn(dir, ":");
		const char *d = dir;

		dir = d[n] ? d + n + 1 : NULL;
		if (n == 0 || d[0] != '/' || n + 1 + strlen(name) >= sizeof full)
			continue;
		memcpy(full, d, n);
		full[n] = '/';
		strcpy(full + n + 1, name);
		execve(full, argv, envp);
		switch (errno) {
		case EACCES:
			/* Remember, and look further, as execvp does: a later entry may hold an
			 * executable one. */
			denied = true;
			break;
		case ENOENT:
		case ENOTDIR:
		case ESTALE:
		case ENODEV:
		case ETIMEDOUT:
			break;
		default:
			errno_saved = errno;
			return vr_error_set_at(e, VR_ERR_CANNOT_EXEC, name, "cannot execute '%s' in the sandbox: %s",
					       full, strerror(errno_saved));
		}
	}
	if (denied)
		return vr_error_set_at(e, VR_ERR_CANNOT_EXEC, name, "cannot execute it in the sandbox: %s",
				       strerror(EACCES));
	vr_error_set_at(e, VR_ERR_COMMAND_NOT_FOUND, name, "command not found in the sandbox");
	vr_error_set_hint(e, "PATH there is '%s'", sb->path);
	return -VR_ERR_COMMAND_NOT_FOUND;
}

/* The program's stack until execve: it shares PID 1's memory (CLONE_VM), and PID 1 is
 * suspended meanwhile (CLONE_VFORK). Room for the error record, a path and printf. */
#if !VR_ASAN
static char program_stack[64 * 1024] __attribute__((aligned(16)));
#endif

static int
program(void *arg)
{
	const struct vr_sandbox *sb = arg;
	struct vr_error e = VR_ERROR_INIT;
	int r;

	/* The caller's mask, not the one PID 1 blocks its signals with: the program starts
	 * as if the caller had exec'd it. Dispositions are inherited as they are (an ignored
	 * SIGHUP under nohup stays ignored, as exec keeps it). */
	sigprocmask(SIG_SETMASK, &sb->caller_mask, NULL);

	/* Everything the plan says the program may not do, in harden.c's order; any stage
	 * that fails stops it here, before it ran (fail closed). */
	r = vr_harden_program(sb, &e);
	if (r < 0)
		vr_sandbox_fail(sb, &e, VR_EXIT_FAILURE);

	r = exec_program(sb, &e);
	vr_sandbox_fail(sb, &e, vr_exit_status(r));
}

/*
 * Signal handlers the caller installed are the caller's: PID 1 reads its signals from a
 * signalfd and needs none, and the program, which shares PID 1's memory until its
 * execve, must not run one there between unblocking signals and execve (posix_spawn()
 * does the same). Ignored signals stay ignored: exec keeps them so, and so do we.
 */
static void
reset_handlers(void)
{
	for (int sig = 1; sig < NSIG; sig++) {
		struct sigaction sa;

		if (sig == SIGKILL || sig == SIGSTOP || sigaction(sig, NULL, &sa) < 0)
			continue;
		if (sa.sa_handler == SIG_DFL || sa.sa_handler == SIG_IGN)
			continue;
		sa = (struct sigaction){ .sa_handler = SIG_DFL };
		sigaction(sig, &sa, NULL);
	}
}

_Noreturn void
vr_sandbox_child(struct vr_sandbox *sb)
{
	struct vr_error e = VR_ERROR_INIT;
	struct pollfd pfd;
	sigset_t mask;
	pid_t pid;
	int sfd, r;

	/* 1. Die with the caller. The kernel sends SIGKILL when the thread that cloned us
	 * exits; if it already did, the signal will never come: the caller's read end of the
	 * error pipe is then closed too, and poll() says so (POLLERR on a pipe without
	 * readers). Our own copy of the read end goes first. */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	close(sb->error_rd_fd);
	pfd = (struct pollfd){ .fd = sb->error_fd, .events = POLLOUT };
	if (poll(&pfd, 1, 0) == 1 && (pfd.revents & POLLERR))
		_exit(VR_EXIT_FAILURE);
	/* A name that says what PID 1 is, for ps inside and out. */
	prctl(PR_SET_NAME, "venvrun-init");

	/* 2. User namespace maps. */
	if (sb->namespaces & VR_NS_USER) {
		r = vr_ns_write_maps(sb, &e);
		if (r < 0)
			vr_sandbox_fail(sb, &e, VR_EXIT_FAILURE);
	}

	/* 3. Hostname and loopback. */
	r = vr_ns_configure(sb, &e);
	if (r < 0)
		vr_sandbox_fail(sb, &e, VR_EXIT_FAILURE);

	/* 4. Mounts. */
	r = vr_mount_prepare(sb, &e);
	if (r >= 0)
		r = vr_mount_plan(sb, &e);
	/* 5. pivot_root. */
	if (r >= 0)
		r = vr_mount_pivot(sb, &e);
	if (r < 0)
		vr_sandbox_fail(sb, &e, VR_EXIT_FAILURE);

	/* 6. The working directory, inside the new root. */
	if (chdir(sb->plan->cwd ? sb->plan->cwd : "/") < 0) {
		vr_error_set_at(&e, errno, sb->plan->cwd, "cannot enter the working directory in the sandbox");
		vr_sandbox_fail(sb, &e, VR_EXIT_FAILURE);
	}

	/* 7. The descriptors that pinned host paths go before anything of the program's
	 * runs. PID 1 becomes non-dumpable: its /proc entries then belong to root and a
	 * program of the same user can neither ptrace it nor open its descriptors, memory or
	 * environment through /proc. The program gets dumpable back at execve. */
	for (size_t i = 0; i < sb->plan->n_mounts; i++)
		if (sb->source_fds[i] >= 0)
			close(sb->source_fds[i]);
	for (size_t i = 0; i < VR_DEV_NODES; i++)
		if (sb->dev_fds[i] >= 0)
			close(sb->dev_fds[i]);
	close(sb->root_fd);
	close(sb->empty_fd);
	close(sb->empty_dir_fd);
	prctl(PR_SET_DUMPABLE, 0);
	reset_handlers();

	/* 8. The program. SIGCHLD is blocked before the clone, with the forwarded signals the
	 * caller blocked before clone(): none that arrives from now on is lost, they wait for
	 * the signalfd. */
	mask = sb->forwarded;
	sigaddset(&mask, SIGCHLD);
	/* And SIGTERM always, which the caller sends when the plan's timeout expires, even
	 * when the caller blocks SIGTERM itself (and so does not forward it): an init ignores
	 * a signal from outside that it neither handles nor blocks. */
	sigaddset(&mask, SIGTERM);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	sfd = signalfd(-1, &mask, SFD_CLOEXEC);
	if (sfd < 0) {
		vr_error_set(&e, errno, "cannot create the sandbox's signalfd");
		vr_sandbox_fail(sb, &e, VR_EXIT_FAILURE);
	}
	/* CLONE_VM | CLONE_VFORK, as posix_spawn() does: no copy of PID 1's memory to make
	 * and tear down again, and PID 1 waits until the program has exec'd (or failed).
	 * AddressSanitizer cannot follow a program onto a stack of its own (it warns on stderr
	 * at every noreturn call there), so sanitizer builds take the fork() below. */
#if VR_ASAN
	pid = -1;
	errno = ENOSYS;
#else
	pid = clone(program, program_stack + sizeof program_stack, CLONE_VM | CLONE_VFORK | SIGCHLD, sb);
#endif
	/* Where that is refused (valgrind does), a plain fork() does the same, slower. */
	if (pid < 0 && (errno == EINVAL || errno == ENOSYS)) {
		pid = fork();
		if (pid == 0)
			program(sb);
	}
	if (pid < 0) {
		vr_error_set(&e, errno, "cannot start the program in the sandbox");
		vr_sandbox_fail(sb, &e, VR_EXIT_FAILURE);
	}

	/* 9. What PID 1 could still do, it no longer needs to. A failure here, unlikely as it
	 * is, still ends the run: the program goes with it. */
	r = vr_harden_init(sb, &e);
	if (r < 0) {
		kill(pid, SIGKILL);
		vr_sandbox_fail(sb, &e, VR_EXIT_FAILURE);
	}

	/* 10. PID 1 keeps nothing of the caller's but stdin, stdout and stderr: not the error
	 * pipe (the program's execve closes its copy, and the caller sees end of file once
	 * both are gone), nor descriptors the caller leaked, which root inside could otherwise
	 * reach through /proc/1/fd. */
	if (sfd > 3)
		vr_close_range(3, (unsigned)sfd - 1, 0);
	vr_close_range((unsigned)sfd + 1, ~0U, 0);
	vr_init_run(sb, pid, sfd);
}
