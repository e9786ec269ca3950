/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The test-run cases about signals and processes: SIGTERM reaches the program, a daemon
 * that leaves the program's session is reaped, kill -9 of venvrun leaves nothing behind,
 * and 200 runs leak no mount and no process.
 */
#include "config.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "macro.h"
#include "strv.h"

#include "run-helpers.h"

/* ---- signals and processes ------------------------------------------------------------ */

static void
sigterm(enum who w)
{
	_cleanup_free_ char *sig = NULL, *got = NULL, *ready = NULL, *errfile = NULL, *content = NULL, *errs = NULL;
	struct env_facts a;
	pid_t pid;
	int rc;

	if (!begin(w))
		return;
	a = make_venv("A", false);
	sig = t_path(scratch, "sig");
	mkdir_p(sig);
	got = t_strdupf("%s/got", sig);
	ready = t_strdupf("%s/ready", sig);
	errfile = t_path(scratch, "stderr");
	hand_over();

	char *args[] = { "--bind",
			 sig,
			 a.path,
			 "--",
			 "sh",
			 "-c",
			 "trap 'echo term > \"$1\"; exit 0' TERM; : > \"$2\"; while :; do sleep 0.05; done",
			 "sh",
			 got,
			 ready,
			 NULL };
	pid = spawn_vr(errfile, args);
	if (!wait_file(ready, pid, 20000)) {
		kill(pid, SIGKILL);
		errs = t_read_file(errfile);
		ck_assert_msg(false, "the program did not start: %s", errs);
	}
	ck_assert_int_eq(kill(pid, SIGTERM), 0);
	rc = wait_for(pid, 10000);
	if (rc < 0) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
	}
	errs = t_read_file(errfile);
	content = t_read_file(got);
	ck_assert_msg(rc >= 0, "venvrun still ran 10 s after SIGTERM; the program's TERM trap %s",
		      content ? "ran" : "did not run");
	ck_assert_msg(rc == 0, "venvrun exited %d after SIGTERM, not 0 (the program's); stderr: %s", rc, errs);
	ck_assert_msg(content != NULL, "the program's TERM trap did not run");
	ck_assert_str_eq(content, "term\n");
	ck_assert_str_eq(errs, "");
	env_facts_done(&a);
}

START_TEST(sigterm_reaches_the_program_as_caller)
{
	sigterm(AS_CALLER);
}
END_TEST

START_TEST(sigterm_reaches_the_program_as_nobody)
{
	sigterm(AS_NOBODY);
}
END_TEST

/* A grandchild that leaves the program's session (setsid, in the background) is gone when
 * the program exits. */
static void
daemon_reaped(enum who w)
{
	_cleanup_free_ char *mark = NULL, *dmark = NULL, *ready = NULL, *go = NULL, *errfile = NULL, *errs = NULL;
	_cleanup_free_ char *list = NULL, *list2 = NULL;
	_cleanup_strv_free_ char **during = NULL, **after = NULL;
	struct env_facts a;
	pid_t pid;
	int rc;

	if (!begin(w))
		return;
	a = make_venv("A", false);
	mark = unique_marker("daemon");
	/* Only the daemon's command line holds "#MARK": the shell's holds "#" and MARK apart. */
	dmark = t_strdupf("#%s", mark);
	ready = t_strdupf("%s/ready", work);
	go = t_strdupf("%s/go", work);
	errfile = t_path(scratch, "stderr");
	hand_over();

	char *args[] = { a.path,
			 "--",
			 "sh",
			 "-c",
			 "setsid python -c \"$1$2\" \"$3\" & while [ ! -e \"$4\" ]; do sleep 0.05; done",
			 "sh",
			 "import sys, time; open(sys.argv[1], 'w').close(); time.sleep(300) #",
			 mark,
			 ready,
			 go,
			 NULL };
	pid = spawn_vr(errfile, args);
	if (!wait_file(ready, pid, 20000)) {
		kill(pid, SIGKILL);
		errs = t_read_file(errfile);
		ck_assert_msg(false, "the daemon did not start: %s", errs);
	}
	/* The daemon is there, seen from the host. */
	during = t_procs_with(dmark, pid);
	list = joined(during);
	ck_assert_msg(vr_strv_length(during) == 1, "expected the daemon once in /proc, found:%s", list);
	t_write_file(go, "", false);
	rc = wait_for(pid, 10000);
	if (rc < 0) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		kill_procs(t_procs_with(mark, 0));
	}
	ck_assert_msg(rc == 0, "venvrun %s after the program exited; the daemon:%s",
		      rc < 0 ? "did not return within 10 s" : "failed", list);
	/* Gone the moment venvrun returns, and nothing else of this run either. */
	after = t_procs_with(mark, 0);
	kill_procs(after);
	ck_assert_msg(vr_strv_length(after) == 0, "left behind after the program exited:%s", list2 = joined(after));
	env_facts_done(&a);
}

START_TEST(daemon_is_reaped_as_caller)
{
	daemon_reaped(AS_CALLER);
}
END_TEST

START_TEST(daemon_is_reaped_as_nobody)
{
	daemon_reaped(AS_NOBODY);
}
END_TEST

/* kill -9 of venvrun: the sandbox and everything in it dies with it. */
static void
kill9(enum who w)
{
	_cleanup_free_ char *mark = NULL, *ready = NULL, *errfile = NULL, *errs = NULL, *list = NULL, *list2 = NULL;
	_cleanup_strv_free_ char **during = NULL, **after = NULL;
	struct env_facts a;
	pid_t pid;
	int rc;

	if (!begin(w))
		return;
	a = make_venv("A", false);
	mark = unique_marker("kill9");
	ready = t_strdupf("%s/ready", work);
	errfile = t_path(scratch, "stderr");
	hand_over();

	/* The program, a child of it, and a daemon (setsid) all hold the marker. */
	char *args[] = { a.path,
			 "--",
			 "python",
			 "-c",
			 "import subprocess, sys, time\n"
			 "sleeper = [sys.executable, '-c', 'import time; time.sleep(300)', sys.argv[2]]\n"
			 "subprocess.Popen(sleeper)\n"
			 "subprocess.Popen(sleeper, start_new_session=True)\n"
			 "open(sys.argv[1], 'w').close()\n"
			 "time.sleep(300)\n",
			 ready,
			 mark,
			 NULL };
	pid = spawn_vr(errfile, args);
	if (!wait_file(ready, pid, 20000)) {
		kill(pid, SIGKILL);
		errs = t_read_file(errfile);
		ck_assert_msg(false, "the program did not start: %s", errs);
	}
	during = t_procs_with(mark, pid);
	ck_assert_msg(vr_strv_length(during) >= 3, "expected the program and its two sleepers in /proc, found:%s",
		      list = joined(during));
	ck_assert_int_eq(kill(pid, SIGKILL), 0);
	rc = wait_for(pid, 5000);
	ck_assert_int_eq(rc, 137);
	/* The kernel may take a moment to tear the namespace down: poll a little. */
	for (int i = 0; i < 100; i++) {
		vr_strv_free(after);
		after = t_procs_with(mark, 0);
		if (!after)
			break;
		usleep(20000);
	}
	kill_procs(after);
	ck_assert_msg(vr_strv_length(after) == 0, "left behind 2 s after kill -9 of venvrun:%s", list2 = joined(after));
	env_facts_done(&a);
}

START_TEST(kill9_leaves_nothing_as_caller)
{
	kill9(AS_CALLER);
}
END_TEST

START_TEST(kill9_leaves_nothing_as_nobody)
{
	kill9(AS_NOBODY);
}
END_TEST

/* 200 runs leave the host's mount table byte for byte as it was, and no process. */
static void
no_leaks(enum who w)
{
	_cleanup_free_ char *before = NULL, *after = NULL, *mark = NULL, *list = NULL;
	_cleanup_strv_free_ char **left = NULL, **argv = NULL, **env = NULL, **a = NULL;
	struct env_facts e;

	if (!begin(w))
		return;
	e = make_venv("A", false);
	mark = unique_marker("leak");
	hand_over();
	vr_strv_push(&argv, t_venvrun_bin());
	vr_strv_push(&argv, e.path);
	vr_strv_push(&argv, "--");
	vr_strv_push(&argv, "true");
	vr_strv_push(&argv, mark);
	a = as_who(argv);
	env = merged(NULL);

	before = t_read_file("/proc/self/mountinfo");
	ck_assert_ptr_nonnull(before);
	for (int i = 0; i < 200; i++) {
		_cleanup_free_ char *err = NULL;
		int rc = t_run(a, env, work, NULL, &err);

		ck_assert_msg(rc == 0, "run %d: status %d: %s", i, rc, err);
	}
	after = t_read_file("/proc/self/mountinfo");
	ck_assert_ptr_nonnull(after);
	ck_assert_str_eq(after, before);
	left = t_procs_with(mark, 0);
	kill_procs(left);
	ck_assert_msg(vr_strv_length(left) == 0, "left behind after 200 runs:%s", list = joined(left));
	env_facts_done(&e);
}

START_TEST(no_leaks_after_200_runs_as_caller)
{
	no_leaks(AS_CALLER);
}
END_TEST

START_TEST(no_leaks_after_200_runs_as_nobody)
{
	no_leaks(AS_NOBODY);
}
END_TEST

const struct t_case run_processes_cases[] = {
	/* signals and processes */
	T_CASE(sigterm_reaches_the_program_as_caller),
	T_CASE(sigterm_reaches_the_program_as_nobody),
	T_CASE(daemon_is_reaped_as_caller),
	T_CASE(daemon_is_reaped_as_nobody),
	T_CASE(kill9_leaves_nothing_as_caller),
	T_CASE(kill9_leaves_nothing_as_nobody),
	T_CASE(no_leaks_after_200_runs_as_caller),
	T_CASE(no_leaks_after_200_runs_as_nobody),
	{ NULL, NULL },
};
