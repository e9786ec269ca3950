/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "process.h"

static long long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int
append(char **buf, size_t *len, const char *data, size_t n)
{
	char *nb = realloc(*buf, *len + n + 1);

	if (!nb)
		return -ENOMEM;
	memcpy(nb + *len, data, n);
	*len += n;
	nb[*len] = 0;
	*buf = nb;
	return 0;
}

void
vr_process_result_done(struct vr_process_result *res)
{
	free(res->out);
	free(res->err);
	*res = (struct vr_process_result){ 0 };
}

int
vr_process_run(char *const argv[], char *const envp[], int timeout_ms, size_t max_output, struct vr_process_result *res,
	       struct vr_error *err)
{
	struct vr_process_result out = { 0 };
	int outp[2] = { -1, -1 }, errp[2] = { -1, -1 };
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	long long deadline;
	pid_t pid;
	int r;

	if (pipe2(outp, O_CLOEXEC) < 0)
		return vr_error_set(err, errno, "pipe");
	if (pipe2(errp, O_CLOEXEC) < 0) {
		r = errno;
		close(outp[0]);
		close(outp[1]);
		return vr_error_set(err, r, "pipe");
	}
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, outp[1], 1);
	posix_spawn_file_actions_adddup2(&fa, errp[1], 2);
	posix_spawnattr_init(&attr);
	/* Its own process group, so that a timeout kills whatever it started too; default
	 * signal handling and an empty mask, whatever the caller had set. */
	{
		sigset_t none, all;
		sigemptyset(&none);
		sigfillset(&all);
		posix_spawnattr_setsigmask(&attr, &none);
		posix_spawnattr_setsigdefault(&attr, &all);
	}
	posix_spawnattr_setpgroup(&attr, 0);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
	r = posix_spawn(&pid, argv[0], &fa, &attr, argv, envp);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&attr);
	close(outp[1]);
	close(errp[1]);
	if (r != 0) {
		close(outp[0]);
		close(errp[0]);
		return vr_error_set_at(err, r, argv[0], "cannot execute");
	}

	deadline = now_ms() + timeout_ms;
	{
		struct pollfd pfd[2] = { { outp[0], POLLIN, 0 }, { errp[0], POLLIN, 0 } };
		int open_fds = 2;

		while (open_fds > 0) {
			long long left = deadline - now_ms();
			int n;

			if (left <= 0) {
				out.timed_out = true;
				break;
			}
			n = poll(pfd, 2, (int)left);
			if (n < 0 && errno == EINTR)
				continue;
			if (n < 0)
				break;
			for (int i = 0; i < 2; i++) {
				char buf[8192];
				ssize_t k;

				if (pfd[i].fd < 0 || !(pfd[i].revents & (POLLIN | POLLHUP | POLLERR)))
					continue;
				k = read(pfd[i].fd, buf, sizeof buf);
				if (k < 0 && errno == EINTR)
					continue;
				if (k <= 0) {
					close(pfd[i].fd);
					pfd[i].fd = -1;
					open_fds--;
					continue;
				}
				if ((i == 0 ? out.out_len : out.err_len) + (size_t)k > max_output) {
					out.overflowed = true;
					open_fds = 0;
					break;
				}
				if (append(i == 0 ? &out.out : &out.err, i == 0 ? &out.out_len : &out.err_len, buf,
					   (size_t)k) < 0) {
					out.overflowed = true;
					open_fds = 0;
					break;
				}
			}
		}
		for (int i = 0; i < 2; i++)
			if (pfd[i].fd >= 0)
				close(pfd[i].fd);
	}
	if (out.timed_out || out.overflowed)
		kill(-pid, SIGKILL);
	/* Wait without reaping, so that the pid (and with it the group id) cannot be reused
	 * yet; then end whatever the program left running in its group, then reap. */
	{
		siginfo_t si;
		while (waitid(P_PID, (id_t)pid, &si, WEXITED | WNOWAIT) < 0 && errno == EINTR)
			;
	}
	kill(-pid, SIGKILL);
	for (;;) {
		int status;
		pid_t w = waitpid(pid, &status, 0);

		if (w < 0 && errno == EINTR)
			continue;
		out.status = w == pid ? status : -1;
		break;
	}
	if (!out.out && append(&out.out, &out.out_len, "", 0) < 0)
		return vr_error_set(err, ENOMEM, "running '%s'", argv[0]);
	if (!out.err && append(&out.err, &out.err_len, "", 0) < 0) {
		free(out.out);
		return vr_error_set(err, ENOMEM, "running '%s'", argv[0]);
	}
	*res = out;
	return 0;
}
