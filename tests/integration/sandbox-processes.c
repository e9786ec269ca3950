/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Sandbox cases about the program and its processes: exit statuses and exec failures, the
 * PATH lookup, environment, stdio and descriptors, working directory, hostname and network,
 * and signals: forwarded to the program, a daemon left behind killed, the whole sandbox
 * gone with its caller.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "venvrun/error.h"
#include "venvrun/plan.h"
#include "venvrun/run.h"

#include "macro.h"
#include "strv.h"
#include "testlib.h"

#include "sandbox-helpers.h"

/* How many processes on the host have `needle` in their command line. */
static int
host_processes_with(const char *needle)
{
	char **found = t_procs_with(needle, 0);
	int n = (int)vr_strv_length(found);

	vr_strv_free(found);
	return n;
}

static void
wait_for_file(const char *rel)
{
	char *p = in_scratch(rel);
	struct stat st;

	for (int i = 0; i < 1000; i++) {
		if (stat(p, &st) == 0 && st.st_size > 0)
			break;
		usleep(10000);
	}
	ck_assert_msg(stat(p, &st) == 0 && st.st_size > 0, "%s never appeared", p);
	free(p);
}

static void
exit_status_body(void)
{
	struct vr_plan *p = minimal_plan();

	ck_assert_int_eq(run_sh(p, "exit 0", NULL), 0);
	ck_assert_int_eq(run_sh(p, "exit 3", NULL), 3);
	ck_assert_int_eq(run_sh(p, "exit 255", NULL), 255);
	/* Death by a signal is 128 + N, whatever the signal. */
	ck_assert_int_eq(run_sh(p, "kill -9 $$", NULL), 128 + SIGKILL);
	ck_assert_int_eq(run_sh(p, "kill -TERM $$", NULL), 128 + SIGTERM);
	vr_plan_free(p);
}

static void
exec_failures_body(void)
{
	struct vr_plan *p = minimal_plan();
	struct vr_error e = VR_ERROR_INIT;
	char *missing[] = { "no-such-command-venvrun", NULL };
	char *missing_path[] = { "/usr/bin/no-such-command-venvrun", NULL };
	char *dir[] = { "/usr", NULL };
	char *not_executable[] = { "/etc/ld.so.cache", NULL };
	char *no_shebang[] = { "/w/script", NULL };
	int r;

	r = run_argv(p, missing, &e);
	ck_assert_int_eq(r, -VR_ERR_COMMAND_NOT_FOUND);
	ck_assert_int_eq(vr_exit_status(r), 127);
	ck_assert_str_eq(e.where, "no-such-command-venvrun");
	ck_assert_str_eq(e.message, "command not found in the sandbox");
	ck_assert_str_eq(e.hint, "PATH there is '/usr/bin:/bin'");

	r = run_argv(p, missing_path, &e);
	ck_assert_int_eq(r, -VR_ERR_COMMAND_NOT_FOUND);
	ck_assert_str_eq(e.where, "/usr/bin/no-such-command-venvrun");

	r = run_argv(p, dir, &e);
	ck_assert_int_eq(r, -VR_ERR_CANNOT_EXEC);
	ck_assert_int_eq(vr_exit_status(r), 126);
	ck_assert_str_eq(e.where, "/usr");
	ck_assert_str_eq(e.message, "cannot execute it in the sandbox: Permission denied");

	r = run_argv(p, not_executable, &e);
	ck_assert_int_eq(r, -VR_ERR_CANNOT_EXEC);
	ck_assert_str_eq(e.where, "/etc/ld.so.cache");

	/* Executable, but neither ELF nor #!: no falling back to /bin/sh. */
	write_in_scratch("script", "echo hi\n", true);
	r = run_argv(p, no_shebang, &e);
	ck_assert_int_eq(r, -VR_ERR_CANNOT_EXEC);
	ck_assert_str_eq(e.message, "cannot execute it in the sandbox: Exec format error");
	vr_plan_free(p);
}

static void
path_lookup_body(void)
{
	struct vr_plan *p = minimal_plan();
	struct vr_error e = VR_ERROR_INIT;
	char *env[] = { "PATH=/w/no-such-dir:/w/bin1:/w/bin2:/usr/bin", NULL };
	char *tool[] = { "tool", "arg", NULL };

	/* The plan's PATH, inside the sandbox: /w/bin1/tool is not executable and is
	 * skipped, /w/bin2/tool runs. Neither is on the caller's PATH. */
	mkdir_in_scratch("bin1");
	mkdir_in_scratch("bin2");
	write_in_scratch("bin1/tool", "#!/bin/sh\nexit 1\n", false);
	write_in_scratch("bin2/tool", "#!/bin/sh\necho \"$0 $1\" > /w/out\nexit 6\n", true);
	ck_assert_int_eq(vr_plan_set_env(p, env, &e), 0);
	ck_assert_int_eq(run_argv(p, tool, &e), 6);
	assert_probe(p, "tool x; exit 0", "/w/bin2/tool x\n");

	/* Found only where it cannot be executed: 126, not 127. */
	ck_assert_int_eq(unlink(free_at_teardown(t_strdupf("%s/bin2/tool", scratch_dir))), 0);
	ck_assert_int_eq(run_argv(p, tool, &e), -VR_ERR_CANNOT_EXEC);
	vr_plan_free(p);
}

static void
environment_and_stdio_body(void)
{
	struct vr_plan *p = minimal_plan();
	struct vr_error e = VR_ERROR_INIT;
	char *env[] = { "B=2", "PATH=/usr/bin", "A=one two", NULL };
	char *argv[] = { "/usr/bin/env", NULL };
	char *path = in_scratch("stdout"), *out;
	int saved = fcntl(1, F_DUPFD_CLOEXEC, 3), fd;

	/* Exactly the plan's environment, in its order (nothing of the test's own); and the
	 * caller's stdout is the program's. */
	ck_assert_int_eq(vr_plan_set_env(p, env, &e), 0);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_ge(saved, 0);
	ck_assert_int_eq(dup2(fd, 1), 1);
	ck_assert_int_eq(run_argv(p, argv, &e), 0);
	ck_assert_int_eq(dup2(saved, 1), 1);
	out = read_in_scratch("stdout");
	ck_assert_str_eq(out, "B=2\nPATH=/usr/bin\nA=one two\n");
	free(out);

	/* A descriptor the caller leaked (no O_CLOEXEC), here to a host directory, would be
	 * a way out of the mount plan: the program gets stdin, stdout and stderr only (3 is
	 * the directory ls reads). */
	ck_assert_int_eq(dup2(open("/etc", O_RDONLY | O_DIRECTORY | O_CLOEXEC), 9), 9);
	assert_probe(p, "ls /proc/self/fd > /w/out", "0\n1\n2\n3\n");
	close(9);
	free(path);
	close(fd);
	close(saved);
	vr_plan_free(p);
}

static void
cwd_hostname_network_body(void)
{
	struct vr_plan *p = minimal_plan();
	struct vr_error e = VR_ERROR_INIT;
	const char *connect = "/usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind((\"127.0.0.1\", 0)); "
			      "s.listen(); socket.create_connection(s.getsockname()); print(\"connected\")' >> /w/out "
			      "2>/dev/null; true";

	ck_assert_int_eq(vr_plan_set_cwd(p, "/w", &e), 0);
	ck_assert_int_eq(vr_plan_set_hostname(p, "venvrun-test", &e), 0);
	vr_plan_set_namespaces(p, vr_plan_get_namespaces(p) | VR_NS_NET);
	vr_plan_set_loopback(p, true);
	/* A network namespace of its own: the loopback only, and up. */
	assert_probe(p,
		     free_at_teardown(t_strdupf("pwd > /w/out; cat /proc/sys/kernel/hostname >> /w/out; "
						"tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d ' ' >> /w/out; %s",
						connect)),
		     "/w\nvenvrun-test\nlo\nconnected\n");
	/* Without bringing it up, not even that. */
	vr_plan_set_loopback(p, false);
	assert_probe(p, free_at_teardown(t_strdupf("echo start > /w/out; %s", connect)), "start\n");
	vr_plan_free(p);
}

/* SIGTERM to the process that called vr_plan_run() reaches the program. */
static void
signal_forwarding_body(void)
{
	struct vr_plan *p = minimal_plan();
	pid_t child;
	int st;
	char *term;

	child = fork();
	ck_assert_int_ge(child, 0);
	if (child == 0) {
		/* Should the case fail before it ends this child, the child goes with it. */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		int r = run_sh(p,
			       "trap 'echo got > /w/term; exit 7' TERM; echo ready > /w/ready; "
			       "while :; do sleep 0.05; done",
			       NULL);
		vr_plan_free(p);
		_exit(r < 0 ? 125 : r);
	}
	wait_for_file("ready");
	ck_assert_int_eq(kill(child, SIGTERM), 0);
	ck_assert_int_eq(waitpid(child, &st, 0), child);
	ck_assert_msg(WIFEXITED(st), "the caller died of signal %d", WTERMSIG(st));
	ck_assert_int_eq(WEXITSTATUS(st), 7);
	term = read_in_scratch("term");
	ck_assert_str_eq(term, "got\n");
	free(term);
	vr_plan_free(p);
}

/* A daemon the program leaves behind does not outlive the run. */
static void
daemon_is_killed_body(void)
{
	struct vr_plan *p = minimal_plan();
	char *m = unique_marker();
	char *script = t_strdupf("(setsid sh -c 'echo $$ > /w/daemon; exec sleep %s' &); "
				 "while [ ! -s /w/daemon ]; do sleep 0.01; done; exit 4",
				 m);
	char *pid;

	ck_assert_int_eq(run_sh(p, script, NULL), 4);
	pid = read_in_scratch("daemon");
	ck_assert_str_ne(pid, "");
	/* Returned only once the sandbox was empty: no waiting here. */
	ck_assert_int_eq(host_processes_with(m), 0);
	free(pid);
	free(script);
	free(m);
	vr_plan_free(p);
}

/* SIGKILL of the caller takes the whole sandbox with it. */
static void
caller_killed_body(void)
{
	struct vr_plan *p = minimal_plan();
	struct vr_error e = VR_ERROR_INIT;
	char *m = unique_marker();
	char *env[] = { "PATH=/usr/bin:/bin", t_strdupf("M=%s", m), NULL };
	/* The marker comes through the environment, so that only the two sleeps have it in
	 * their command line. */
	const char *script = "(setsid sleep $M &); sleep $M & echo ready > /w/ready; wait";
	pid_t child;
	int st, left = -1;

	ck_assert_int_eq(vr_plan_set_env(p, env, &e), 0);
	child = fork();
	ck_assert_int_ge(child, 0);
	if (child == 0) {
		/* Should the case fail before it ends this child, the child goes with it. */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		run_sh(p, script, NULL);
		vr_plan_free(p);
		_exit(0);
	}
	wait_for_file("ready");
	/* Both sleeps run (so the test can fail), then the caller dies. */
	for (int i = 0; i < 500 && host_processes_with(m) < 2; i++)
		usleep(10000);
	ck_assert_int_eq(host_processes_with(m), 2);
	ck_assert_int_eq(kill(child, SIGKILL), 0);
	ck_assert_int_eq(waitpid(child, &st, 0), child);
	/* The kernel tears the sandbox down asynchronously: give it a moment. */
	for (int i = 0; i < 500; i++) {
		left = host_processes_with(m);
		if (left == 0)
			break;
		usleep(10000);
	}
	ck_assert_int_eq(left, 0);
	free(env[1]);
	free(m);
	vr_plan_free(p);
}

CORE_CASE(exit_status)
CORE_CASE(exec_failures)
CORE_CASE(path_lookup)
CORE_CASE(environment_and_stdio)
CORE_CASE(cwd_hostname_network)
CORE_CASE(signal_forwarding)
CORE_CASE(daemon_is_killed)
CORE_CASE(caller_killed)

static const struct t_case root_cases[] = {
	T_CASE(exit_status),	       T_CASE(exec_failures),	     T_CASE(path_lookup),
	T_CASE(environment_and_stdio), T_CASE(cwd_hostname_network), T_CASE(signal_forwarding),
	T_CASE(daemon_is_killed),      T_CASE(caller_killed),
};

static const struct t_case unprivileged_cases[] = {
	T_CASE(exit_status_unprivileged),	   T_CASE(exec_failures_unprivileged),
	T_CASE(path_lookup_unprivileged),	   T_CASE(environment_and_stdio_unprivileged),
	T_CASE(cwd_hostname_network_unprivileged), T_CASE(signal_forwarding_unprivileged),
	T_CASE(daemon_is_killed_unprivileged),	   T_CASE(caller_killed_unprivileged),
};

const struct sandbox_cases sandbox_process_cases = {
	.as_root = root_cases,
	.n_as_root = ELEMENTSOF(root_cases),
	.unprivileged = unprivileged_cases,
	.n_unprivileged = ELEMENTSOF(unprivileged_cases),
};
