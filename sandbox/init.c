/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * PID 1 of the sandbox, once the program runs. The kernel gives PID 1 of a namespace two
 * jobs nothing else does: every orphan in the namespace becomes its child, so it must reap
 * them; and it gets no signal it has no handler for (only SIGKILL from outside), so it must
 * pass signals on itself. When the program is gone, everything left in the namespace is
 * killed: a daemon the program started must not outlive the run.
 */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include "venvrun/error.h"

#include "macro.h"

#include "sandbox.h"

static int
status_of(int st)
{
	if (WIFSIGNALED(st))
		return VR_EXIT_SIGNAL_BASE + WTERMSIG(st);
	return WEXITSTATUS(st);
}

_Noreturn void
vr_init_run(const struct vr_sandbox *sb, pid_t program, int sfd)
{
	int code = VR_EXIT_FAILURE;

	for (;;) {
		struct signalfd_siginfo si;
		ssize_t n = read(sfd, &si, sizeof si);
		bool gone = false;
		pid_t pid;
		int st;

		if (n < 0 && errno == EINTR)
			continue;
		if (n != (ssize_t)sizeof si) {
			/* Cannot happen with a valid signalfd; never leave the program
			 * unsupervised. */
			kill(program, SIGKILL);
			break;
		}
		if (si.ssi_signo == SIGCHLD) {
			/* One SIGCHLD may stand for many children: reap all that are done. */
			while ((pid = waitpid(-1, &st, WNOHANG | WUNTRACED | __WALL)) > 0) {
				/* A foreground program the terminal stopped (^Z, or a read or
				 * write from the background): venvrun's own job is not stopped,
				 * so the shell would wait for ever on a terminal nobody reads.
				 * The program goes on instead; job control is not passed on. */
				if (WIFSTOPPED(st)) {
					if (pid == program && sb->foreground)
						kill(program, SIGCONT);
					continue;
				}
				if (pid == program) {
					code = status_of(st);
					gone = true;
				}
			}
			if (gone)
				break;
			continue;
		}
		/* A signal the terminal sent (SI_KERNEL) went to the whole foreground process
		 * group: the program has it already when it stayed in the caller's session,
		 * and passing it on would deliver it twice. In a session of its own, only this
		 * process got it (it stays in the caller's group), and passes it on. */
		if (si.ssi_code == SI_KERNEL && !sb->new_session)
			continue;
		kill(program, (int)si.ssi_signo);
	}

	/* The program is gone: nothing else in the namespace may stay. kill(-1) from PID 1
	 * reaches every process in the namespace but itself. Then reap them all, so that the
	 * caller, which waits for PID 1, returns when the sandbox is empty. */
	kill(-1, SIGKILL);
	while (waitpid(-1, NULL, __WALL) > 0 || errno == EINTR)
		;
	_exit(code);
}
