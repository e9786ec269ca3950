/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What the policy's limits, network and terminal handling contain, attacked from inside: a
 * fork bomb and a memory bomb, connections to the host's loopback listeners and abstract
 * unix sockets with network "none", a listener of its own with "loopback", and terminal
 * injection (TIOCSTI) on a real pseudo-terminal, both when the program runs interactively
 * on the caller's terminal and when it does not. As the caller and as nobody; each with a
 * control outside that gets through.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "macro.h"

#include "sectest.h"

static long long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static unsigned long
detail_num(const struct s_res *r, const char *key)
{
	_cleanup_free_ char *v = s_detail(r, key);

	ck_assert_msg(v != NULL, "%s: no %s= in '%s'", r->what, key, r->out);
	return strtoul(v, NULL, 10);
}

/* ---- a fork bomb and a memory bomb ---------------------------------------------------- */

/* The host can still start a process. */
static void
assert_host_forks(void)
{
	pid_t pid = fork();
	int st;

	ck_assert_msg(pid >= 0, "the host cannot fork any more: %s", strerror(errno));
	if (pid == 0)
		_exit(0);
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
}

static void
fork_bomb(enum s_who w)
{
	_cleanup_free_ char *policy = NULL;
	struct s_res r;
	long long t0;

	if (!s_begin(w))
		return;
	/* limits.nproc 64 (what `--set limits.nproc=64` gives), then the strict profile's
	 * 128. The bomb stops by itself at 4000 children or after 20 s: without a limit the
	 * test fails rather than the host. */
	policy = s_policy_file("nproc.json", "{\"version\": 1, \"limits\": {\"nproc\": 64}}\n");
	t0 = now_ms();
	r = s_in((char *[]){ "--policy", policy, NULL }, "forkbomb", "4000", NULL);
	s_assert_refused(&r, "EAGAIN");
	ck_assert_msg(detail_num(&r, "n") < 64, "%s: %lu processes with nproc 64", r.what, detail_num(&r, "n"));
	ck_assert_msg(now_ms() - t0 < 30000, "%s: took %lld ms", r.what, now_ms() - t0);
	s_res_done(&r);
	assert_host_forks();

	t0 = now_ms();
	r = s_in((char *[]){ "--profile", "strict", NULL }, "forkbomb", "4000", NULL);
	s_assert_refused(&r, "EAGAIN");
	ck_assert_msg(detail_num(&r, "n") < 128, "%s: %lu processes with nproc 128", r.what, detail_num(&r, "n"));
	ck_assert_msg(now_ms() - t0 < 30000, "%s: took %lld ms", r.what, now_ms() - t0);
	s_res_done(&r);
	assert_host_forks();

	/* Control: outside, the same user forks 200 children. */
	r = s_out(false, "forkbomb", "200", NULL);
	s_assert_ok(&r);
	ck_assert_uint_eq(detail_num(&r, "n"), 200);
	s_res_done(&r);
}

START_TEST(fork_bomb_as_caller)
{
	fork_bomb(S_AS_CALLER);
}
END_TEST

START_TEST(fork_bomb_as_nobody)
{
	fork_bomb(S_AS_NOBODY);
}
END_TEST

static void
memory_bomb(enum s_who w)
{
	_cleanup_free_ char *policy = NULL;
	struct s_res r;

	if (!s_begin(w))
		return;
	/* limits.as 256M: mapping more fails with ENOMEM (no OOM killer, the program gets
	 * the error); the bomb stops by itself at 1 GiB. */
	policy = s_policy_file("as.json", "{\"version\": 1, \"limits\": {\"as\": \"256M\"}}\n");
	r = s_in((char *[]){ "--policy", policy, NULL }, "membomb", "1024", NULL);
	s_assert_refused(&r, "ENOMEM");
	ck_assert_msg(detail_num(&r, "mb") < 256, "%s: %lu MiB mapped with as 256M", r.what, detail_num(&r, "mb"));
	s_res_done(&r);
	assert_host_forks();

	/* Control: outside, the same user maps and touches 320 MiB. */
	r = s_out(false, "membomb", "320", NULL);
	s_assert_ok(&r);
	s_res_done(&r);
}

START_TEST(memory_bomb_as_caller)
{
	memory_bomb(S_AS_CALLER);
}
END_TEST

START_TEST(memory_bomb_as_nobody)
{
	memory_bomb(S_AS_NOBODY);
}
END_TEST

/* ---- the network ---------------------------------------------------------------------- */

/* Listeners on the host: TCP on 127.0.0.1 (its port in *port) and an abstract unix socket
 * (its name in *name). Both are closed when the test's process ends. */
static void
host_listeners(char **port, char **name)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	struct sockaddr_un su = { .sun_family = AF_UNIX };
	socklen_t len = sizeof sa;
	int t, u;

	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	t = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	ck_assert_int_ge(t, 0);
	ck_assert_int_eq(bind(t, (struct sockaddr *)&sa, sizeof sa), 0);
	ck_assert_int_eq(listen(t, 16), 0);
	ck_assert_int_eq(getsockname(t, (struct sockaddr *)&sa, &len), 0);
	*port = t_strdupf("%u", ntohs(sa.sin_port));

	*name = t_strdupf("vr-attack-%d-%s", (int)getpid(), strrchr(S.scratch, '-') + 1);
	memcpy(su.sun_path + 1, *name, strlen(*name));
	u = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	ck_assert_int_ge(u, 0);
	ck_assert_int_eq(bind(u, (struct sockaddr *)&su,
			      (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + strlen(*name))),
			 0);
	ck_assert_int_eq(listen(u, 16), 0);
}

static void
network_none(enum s_who w)
{
	_cleanup_free_ char *port = NULL, *name = NULL, *policy = NULL, *ifaces = NULL;
	struct s_res r;

	if (!s_begin(w))
		return;
	host_listeners(&port, &name);
	policy = s_policy_file("none.json", "{\"version\": 1, \"network\": \"none\"}\n");
	char *opts[] = { "--policy", policy, NULL };

	/* Nothing up: the host's loopback listener is unreachable (lo down: ENETUNREACH),
	 * and so is its abstract unix socket (abstract names are per network namespace). */
	r = s_in(opts, "tcp-connect", port, NULL);
	s_assert_refused_any(&r, "ENETUNREACH|ECONNREFUSED");
	s_res_done(&r);
	r = s_in(opts, "unix-abstract", name, NULL);
	s_assert_refused(&r, "ECONNREFUSED");
	s_res_done(&r);
	r = s_in(opts, "ifaces", NULL);
	s_assert_ok(&r);
	ifaces = s_detail(&r, "ifaces");
	ck_assert_msg(ifaces && streq(ifaces, "lo:down"), "%s: interfaces inside: %s", r.what, ifaces);
	s_res_done(&r);
	/* The strict profile says "none" too. */
	r = s_in((char *[]){ "--profile", "strict", NULL }, "tcp-connect", port, NULL);
	s_assert_refused_any(&r, "ENETUNREACH|ECONNREFUSED");
	s_res_done(&r);
	r = s_in((char *[]){ "--profile", "strict", NULL }, "unix-abstract", name, NULL);
	s_assert_refused(&r, "ECONNREFUSED");
	s_res_done(&r);

	/* Controls: outside, both connect. */
	r = s_out(false, "tcp-connect", port, NULL);
	s_assert_ok(&r);
	s_res_done(&r);
	r = s_out(false, "unix-abstract", name, NULL);
	s_assert_ok(&r);
	s_res_done(&r);
}

START_TEST(network_none_as_caller)
{
	network_none(S_AS_CALLER);
}
END_TEST

START_TEST(network_none_as_nobody)
{
	network_none(S_AS_NOBODY);
}
END_TEST

static void
network_loopback(enum s_who w)
{
	_cleanup_free_ char *port = NULL, *name = NULL, *policy = NULL, *none = NULL, *ifaces = NULL;
	struct s_res r;

	if (!s_begin(w))
		return;
	host_listeners(&port, &name);
	policy = s_policy_file("loopback.json", "{\"version\": 1, \"network\": \"loopback\"}\n");
	none = s_policy_file("none.json", "{\"version\": 1, \"network\": \"none\"}\n");
	char *opts[] = { "--policy", policy, NULL };

	/* Its own loopback works; the host's listeners stay out of reach. */
	r = s_in(opts, "tcp-loopback", NULL);
	s_assert_ok(&r);
	s_res_done(&r);
	r = s_in(opts, "ifaces", NULL);
	s_assert_ok(&r);
	ifaces = s_detail(&r, "ifaces");
	ck_assert_msg(ifaces && streq(ifaces, "lo:up"), "%s: interfaces inside: %s", r.what, ifaces);
	s_res_done(&r);
	r = s_in(opts, "tcp-connect", port, NULL);
	s_assert_refused(&r, "ECONNREFUSED");
	s_res_done(&r);
	r = s_in(opts, "unix-abstract", name, NULL);
	s_assert_refused(&r, "ECONNREFUSED");
	s_res_done(&r);

	/* Control: with "none", no listener of its own. */
	r = s_in((char *[]){ "--policy", none, NULL }, "tcp-loopback", NULL);
	s_assert_differs(&r, "ok");
	s_res_done(&r);
}

START_TEST(network_loopback_as_caller)
{
	network_loopback(S_AS_CALLER);
}
END_TEST

START_TEST(network_loopback_as_nobody)
{
	network_loopback(S_AS_NOBODY);
}
END_TEST

/* ---- terminal injection --------------------------------------------------------------- */

/* A new pseudo-terminal: the master (kept by the test) and the slave, open. */
static void
open_pty(int *master, int *slave)
{
	char *name;

	*master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
	ck_assert_msg(*master >= 0, "posix_openpt: %s", strerror(errno));
	ck_assert_int_eq(grantpt(*master), 0);
	ck_assert_int_eq(unlockpt(*master), 0);
	name = ptsname(*master);
	ck_assert_ptr_nonnull(name);
	*slave = open(name, O_RDWR | O_NOCTTY | O_CLOEXEC);
	ck_assert_msg(*slave >= 0, "open %s: %s", name, strerror(errno));
}

static bool
legacy_tiocsti(void)
{
	_cleanup_free_ char *v = t_read_file("/proc/sys/dev/tty/legacy_tiocsti");

	/* Kernels before 6.2 have no switch: TIOCSTI always works on one's own terminal. */
	return !v || v[0] == '1';
}

static void
terminal(enum s_who w, bool interactive)
{
	int master, slave;
	struct s_res r;
	struct s_opts o;

	if (!s_begin(w))
		return;
	open_pty(&master, &slave);
	/* Interactive: the terminal is the controlling terminal of the session venvrun
	 * starts in, with venvrun in its foreground group, so the program keeps the session
	 * and only the filter stands between it and TIOCSTI. Otherwise the program gets a
	 * session of its own and the terminal is no longer its controlling one. */
	o = (struct s_opts){ .stdin_fd = slave, .ctty_fd = interactive ? slave : -1 };
	r = s_in_with(&o, NULL, "tiocsti", NULL);
	s_assert_refused(&r, "EPERM");
	s_res_done(&r);
	r = s_in_with(&o, NULL, "tiocsti", "-", "high", NULL);
	s_assert_refused(&r, "EPERM");
	s_res_done(&r);

	/* Controls: outside, on the same terminal set up the same way, root injects; and so
	 * does the test's user on its own controlling terminal, where the kernel allows it. */
	o.as_root = true;
	r = s_out_with(&o, "tiocsti", NULL);
	s_assert_ok(&r);
	s_res_done(&r);
	if (interactive && legacy_tiocsti()) {
		o.as_root = false;
		r = s_out_with(&o, "tiocsti", NULL);
		s_assert_ok(&r);
		s_res_done(&r);
	}
	close(slave);
	close(master);
}

START_TEST(tiocsti_interactive_as_caller)
{
	terminal(S_AS_CALLER, true);
}
END_TEST

START_TEST(tiocsti_interactive_as_nobody)
{
	terminal(S_AS_NOBODY, true);
}
END_TEST

START_TEST(tiocsti_not_interactive_as_caller)
{
	terminal(S_AS_CALLER, false);
}
END_TEST

START_TEST(tiocsti_not_interactive_as_nobody)
{
	terminal(S_AS_NOBODY, false);
}
END_TEST

/* ---- signals to the caller's process group ---------------------------------------------- */

static pid_t
read_pid(const char *file)
{
	_cleanup_free_ char *s = t_read_file(file);

	ck_assert_msg(s != NULL, "no pid in %s", file);
	return (pid_t)atoi(s);
}

/* Running (not gone, not a zombie). */
static bool
process_alive(pid_t pid)
{
	_cleanup_free_ char *path = t_strdupf("/proc/%d/stat", (int)pid), *stat = t_read_file(path);
	const char *p = stat ? strrchr(stat, ')') : NULL;

	return p && p[1] == ' ' && p[2] != 'Z' && p[2] != 'X';
}

/* kill(0, SIGTERM) from inside, while a host process (65534's, as the program is) shares
 * the process group venvrun was started in. On the caller's terminal the program keeps the
 * caller's session; it must not keep the caller's process group, which the kernel signals
 * whole, whatever the PID namespace. Off the terminal the program has a session (and so a
 * group) of its own. */
static void
group_signal(enum s_who w, bool interactive)
{
	_cleanup_free_ char *pidfile = NULL;
	int master, slave;
	struct s_res r;
	struct s_opts o;
	pid_t sleeper;
	bool survived;

	if (!s_begin(w))
		return;
	open_pty(&master, &slave);
	pidfile = t_path(S.scratch, "sleeper.pid");
	o = (struct s_opts){ .stdin_fd = interactive ? slave : -1, .ctty_fd = slave, .group_sleeper_pidfile = pidfile };
	r = s_in_with(&o, NULL, "kill-group", "15", NULL);
	sleeper = read_pid(pidfile);
	usleep(100000);
	survived = process_alive(sleeper);
	kill(sleeper, SIGKILL);
	s_assert_ok(&r);
	ck_assert_msg(survived, "%s: the host's process %d in the caller's process group died of the program's SIGTERM",
		      r.what, (int)sleeper);
	s_res_done(&r);

	/* Control: outside, the same set-up, the helper kills it. */
	unlink(pidfile);
	r = s_out_with(&o, "kill-group", "15", NULL);
	sleeper = read_pid(pidfile);
	usleep(100000);
	survived = process_alive(sleeper);
	kill(sleeper, SIGKILL);
	s_assert_ok(&r);
	ck_assert_msg(!survived, "%s: the control did not reach %d in its process group", r.what, (int)sleeper);
	s_res_done(&r);
	close(slave);
	close(master);
}

START_TEST(group_signal_interactive_as_caller)
{
	group_signal(S_AS_CALLER, true);
}
END_TEST

START_TEST(group_signal_interactive_as_nobody)
{
	group_signal(S_AS_NOBODY, true);
}
END_TEST

START_TEST(group_signal_not_interactive_as_caller)
{
	group_signal(S_AS_CALLER, false);
}
END_TEST

START_TEST(group_signal_not_interactive_as_nobody)
{
	group_signal(S_AS_NOBODY, false);
}
END_TEST

static const struct t_case cases[] = {
	T_CASE(fork_bomb_as_caller),
	T_CASE(fork_bomb_as_nobody),
	T_CASE(memory_bomb_as_caller),
	T_CASE(memory_bomb_as_nobody),
	T_CASE(network_none_as_caller),
	T_CASE(network_none_as_nobody),
	T_CASE(network_loopback_as_caller),
	T_CASE(network_loopback_as_nobody),
	T_CASE(tiocsti_interactive_as_caller),
	T_CASE(tiocsti_interactive_as_nobody),
	T_CASE(tiocsti_not_interactive_as_caller),
	T_CASE(tiocsti_not_interactive_as_nobody),
	T_CASE(group_signal_interactive_as_caller),
	T_CASE(group_signal_interactive_as_nobody),
	T_CASE(group_signal_not_interactive_as_caller),
	T_CASE(group_signal_not_interactive_as_nobody),
};

int
main(void)
{
	return s_main(T_SUITE("security-limits", cases));
}
