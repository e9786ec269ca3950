/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The hardening a run gets, seen from the command line (issue 6): who the program runs as
 * when venvrun is root, Python's everyday modules under the default system call filter, the
 * --timeout, --pass-fd and socket activation, the new session, and what describe says. The
 * attacks against each promise are in tests/security/.
 */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "macro.h"
#include "strv.h"
#include "testlib.h"

static const char *host_python = "/usr/bin/python3";
static char *scratch; /* 0755, reachable by nobody */
static char *work;    /* the working directory of every command, writable by nobody */
static char *env;     /* an env on host_python, no pip */
static char **base_env;

static void
setup(void)
{
	_cleanup_free_ char *t = t_tmpdir("harden"), *parent = NULL, *out = NULL, *err = NULL, *home = NULL;
	int rc;

	ck_assert_msg(access(host_python, X_OK) == 0, "%s is needed", host_python);
	scratch = realpath(t, NULL);
	ck_assert_ptr_nonnull(scratch);
	/* The payload runs as nobody when the test is root: it must reach the working
	 * directory (t_run_suite's parent and this one are 0700). */
	parent = strndup(scratch, (size_t)(strrchr(scratch, '/') - scratch));
	ck_assert_int_eq(chmod(parent, 0755), 0);
	ck_assert_int_eq(chmod(scratch, 0755), 0);
	home = t_path(scratch, "home");
	ck_assert_int_eq(mkdir(home, 0755), 0);
	/* A directory of its own: one holding $HOME or the env would not be bound inside. */
	work = t_path(scratch, "work");
	ck_assert_int_eq(mkdir(work, 0777), 0);
	ck_assert_int_eq(chmod(work, 01777), 0);
	base_env = NULL;
	/* $HOME becomes an empty tmpfs inside: not the working directory. */
	vr_strv_consume(&base_env, t_strdupf("HOME=%s/home", scratch));
	vr_strv_consume(&base_env, t_strdupf("VENVRUN_CACHE_DIR=%s/cache", scratch));
	vr_strv_consume(&base_env, t_strdupf("XDG_CONFIG_HOME=%s/config", scratch));
	vr_strv_push(&base_env, "PATH=/usr/local/bin:/usr/bin:/bin");
	env = t_path(scratch, "env");
	rc = t_venvrun_env(base_env, work, &out, &err, "create", "--no-seed", "-q", "-p", host_python, env, NULL);
	ck_assert_msg(rc == 0, "create: %s", err);
}

static char **
copy_env(void)
{
	char **v = NULL;

	for (size_t i = 0; base_env[i]; i++)
		vr_strv_push(&v, base_env[i]);
	return v;
}

/* venvrun ARGS... in work with base_env. */
static int vr(char **out, char **err, ...) __attribute__((sentinel));
static int
vr(char **out, char **err, ...)
{
	_cleanup_strv_free_ char **argv = NULL;
	const char *s;
	va_list ap;

	vr_strv_push(&argv, t_venvrun_bin());
	va_start(ap, err);
	while ((s = va_arg(ap, const char *)))
		vr_strv_push(&argv, s);
	va_end(ap);
	return t_run(argv, base_env, work, out, err);
}

/* A shell command line (bash -c) in work with base_env; VENVRUN and ENV are set. */
static int
sh(const char *script, char **out, char **err)
{
	_cleanup_free_ char *v = t_strdupf("VENVRUN=%s", t_venvrun_bin()), *e = t_strdupf("ENV=%s", env);
	_cleanup_strv_free_ char **envp = copy_env();
	char *argv[] = { "/bin/bash", "-c", (char *)script, NULL };

	vr_strv_push(&envp, v);
	vr_strv_push(&envp, e);
	return t_run(argv, envp, work, out, err);
}

static bool
is_root(void)
{
	return geteuid() == 0;
}

/* ---- who runs ------------------------------------------------------------------------ */

static const char ids_py[] = "import os; print(os.getuid(), os.getgid(), sorted(os.getgroups()))";

START_TEST(root_runs_the_program_as_nobody)
{
	_cleanup_free_ char *out = NULL, *err = NULL;

	if (!is_root())
		return;
	ck_assert_msg(vr(&out, &err, env, "--", "python", "-c", ids_py, NULL) == 0, "%s", err);
	ck_assert_str_eq(out, "65534 65534 []\n");
}
END_TEST

START_TEST(root_only_when_the_policy_says_so)
{
	_cleanup_free_ char *out = NULL, *err = NULL, *out2 = NULL, *err2 = NULL;

	if (!is_root())
		return;
	ck_assert_msg(vr(&out, &err, "--user", "root", env, "--", "python", "-c", ids_py, NULL) == 0, "%s", err);
	ck_assert_str_eq(out, "0 0 []\n");
	ck_assert_msg(
		vr(&out2, &err2, "--user", "daemon", "--group", "games", env, "--", "python", "-c", ids_py, NULL) == 0,
		"%s", err2);
	ck_assert_str_eq(out2, "1 60 []\n");
}
END_TEST

START_TEST(unknown_user_is_one_line)
{
	_cleanup_free_ char *err = NULL;

	ck_assert_int_eq(vr(NULL, &err, "--user", "no-such-user-here", env, "--", "true", NULL), 125);
	t_assert_one_line_error(err, "no-such-user-here");
}
END_TEST

/* install runs the env's pip as the env's owner, so that the env stays one owner's. A fake
 * pip module in the env says who ran it. */
START_TEST(install_runs_as_the_env_owner)
{
	_cleanup_free_ char *out = NULL, *err = NULL, *out2 = NULL, *err2 = NULL;

	if (!is_root())
		return;
	ck_assert_msg(sh("sp=$(echo \"$ENV\"/lib/python3*/site-packages) && mkdir \"$sp/pip\" && "
			 "touch \"$sp/pip/__init__.py\" && "
			 "echo 'import os, sys; open(os.environ[\"VIRTUAL_ENV\"] + \"/who\", \"w\").write("
			 "\"%d:%d %s\" % (os.getuid(), os.getgid(), sys.argv[1:]))' > \"$sp/pip/__main__.py\" && "
			 "chown -R 12345:12346 \"$ENV\" && "
			 "\"$VENVRUN\" install \"$ENV\" -- pkg && cat \"$ENV/who\" && stat -c ' %u:%g' \"$ENV/who\"",
			 &out, &err) == 0,
		      "%s", err);
	ck_assert_str_eq(out, "12345:12346 ['install', 'pkg'] 12345:12346\n");
	/* run, by contrast, is nobody, and cannot write the env even with --writable-env's
	 * mount, because nobody does not own it. */
	ck_assert_int_ne(vr(&out2, &err2, "--writable-env", env, "--", "python", "-c",
			    "import os; open(os.environ['VIRTUAL_ENV'] + '/x', 'w')", NULL),
			 0);
}
END_TEST

/* ---- the filter leaves Python's everyday modules alone ---------------------------------- */

static const char modules_py[] =
	"import ctypes, multiprocessing, os, sqlite3, ssl, subprocess, sys, threading\n"
	"status = open('/proc/self/status').read()\n"
	"assert 'Seccomp:\\t2' in status, 'no filter'\n"
	"assert 'NoNewPrivs:\\t1' in status\n"
	"assert subprocess.run([sys.executable, '-c', 'print(6*7)'], capture_output=True).stdout == b'42\\n'\n"
	"out = []\n"
	"ts = [threading.Thread(target=out.append, args=(i,)) for i in range(8)]\n"
	"[t.start() for t in ts]; [t.join() for t in ts]\n"
	"assert sorted(out) == list(range(8))\n"
	"def sq(x):\n"
	"    return x * x\n"
	"if __name__ == '__main__':\n"
	"    for method in ('fork', 'spawn'):\n"
	"        with multiprocessing.get_context(method).Pool(2) as p:\n"
	"            assert p.map(sq, range(5)) == [0, 1, 4, 9, 16], method\n"
	"    q = multiprocessing.Queue(); q.put('x'); assert q.get() == 'x'\n"
	"    ctx = ssl.create_default_context()\n"
	"    assert ctx.verify_mode == ssl.CERT_REQUIRED\n"
	"    db = sqlite3.connect('/tmp/t.db'); db.execute('create table t (x)');\n"
	"    db.execute('insert into t values (1)'); db.commit()\n"
	"    assert db.execute('select x from t').fetchall() == [(1,)]\n"
	"    libc = ctypes.CDLL(None)\n"
	"    assert libc.getpid() == os.getpid()\n"
	"    print('ok')\n";

START_TEST(python_modules_work_under_the_default_filter)
{
	_cleanup_free_ char *script = t_path(work, "modules.py"), *out = NULL, *err = NULL;
	_cleanup_free_ char *out2 = NULL, *err2 = NULL;

	t_write_file(script, modules_py, false);
	ck_assert_msg(vr(&out, &err, env, "--", "python", script, NULL) == 0, "%s", err);
	ck_assert_str_eq(out, "ok\n");
	/* The same under strict (no network, tight limits). */
	ck_assert_msg(vr(&out2, &err2, "--profile", "strict", env, "--", "python", script, NULL) == 0, "%s", err2);
	ck_assert_str_eq(out2, "ok\n");
}
END_TEST

/* ---- timeout ------------------------------------------------------------------------- */

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

START_TEST(timeout_ends_the_program_with_124)
{
	_cleanup_free_ char *err = NULL, *err2 = NULL, *err3 = NULL, *script = NULL;
	double t0 = now();

	ck_assert_int_eq(vr(NULL, &err, "--timeout", "300ms", env, "--", "sleep", "30", NULL), 124);
	ck_assert_msg(now() - t0 < 10, "took %.1f s", now() - t0);
	ck_assert_ptr_nonnull(strstr(err, "time"));
	/* A program that ignores SIGTERM gets SIGKILL after the grace period. */
	script = t_strdupf("import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); time.sleep(30)");
	t0 = now();
	ck_assert_int_eq(vr(NULL, &err2, "--timeout", "300ms", "--set", "limits.grace=300ms", env, "--", "python", "-c",
			    script, NULL),
			 124);
	ck_assert_msg(now() - t0 < 10, "took %.1f s", now() - t0);
	/* Control: a program that ends in time keeps its own status. */
	ck_assert_int_eq(vr(NULL, &err3, "--timeout", "20s", env, "--", "python", "-c", "raise SystemExit(3)", NULL),
			 3);
}
END_TEST

/* ---- descriptors, session ------------------------------------------------------------ */

static const char read_fd5_py[] = "import os\n"
				  "try:\n"
				  "    print(os.read(5, 100).decode())\n"
				  "except OSError as e:\n"
				  "    print('errno', e.errno)\n";

START_TEST(pass_fd_keeps_that_descriptor_only)
{
	_cleanup_free_ char *out = NULL, *err = NULL, *data = t_path(work, "data");
	_cleanup_free_ char *script =
		t_strdupf("exec 5<%s 6<%s; "
			  "\"$VENVRUN\" --pass-fd 5 \"$ENV\" -- python -c \"$1\"; "
			  "\"$VENVRUN\" \"$ENV\" -- python -c \"$1\"; "
			  "\"$VENVRUN\" \"$ENV\" -- python -c 'import os; print(os.listdir(\"/proc/self/fd\"))'",
			  data, data);
	char *argv[] = { "/bin/bash", "-c", script, "bash", (char *)read_fd5_py, NULL };
	_cleanup_strv_free_ char **envp = copy_env();

	t_write_file(data, "secret", false);
	ck_assert_int_eq(chmod(data, 0644), 0);
	vr_strv_consume(&envp, t_strdupf("VENVRUN=%s", t_venvrun_bin()));
	vr_strv_consume(&envp, t_strdupf("ENV=%s", env));
	ck_assert_msg(t_run(argv, envp, work, &out, &err) == 0, "%s", err);
	/* Passed: readable. Not passed: EBADF (9). Only 0-2 (and listdir's own) otherwise. */
	ck_assert_str_eq(out, "secret\nerrno 9\n['0', '1', '2', '3']\n");
}
END_TEST

static const char activated_py[] = "import os, socket\n"
				   "assert os.environ['LISTEN_PID'] == str(os.getpid()), os.environ\n"
				   "assert os.environ['LISTEN_FDS'] == '1'\n"
				   "s = socket.socket(fileno=3)\n"
				   "c, _ = s.accept()\n"
				   "c.sendall(b'hello from the sandbox')\n"
				   "c.close()\n";

/* systemd's socket activation, with systemd's own tool: the listening socket reaches the
 * program as descriptor 3, and LISTEN_PID names the program, not venvrun. */
START_TEST(socket_activation_is_passed_on)
{
	_cleanup_free_ char *tool = t_which("systemd-socket-activate"), *script = NULL, *py = NULL;
	_cleanup_free_ char *out = NULL, *err = NULL;
	int port = 20000 + (int)(getpid() % 20000);

	if (!tool) {
		fprintf(stderr, "note: systemd-socket-activate is not installed: skipped\n");
		return;
	}
	py = t_path(work, "activated.py");
	t_write_file(py, activated_py, false);
	script = t_strdupf("%s -l 127.0.0.1:%d \"$VENVRUN\" \"$ENV\" -- python %s 2>act.err & "
			   "for i in $(seq 100); do "
			   "  if exec 7<>/dev/tcp/127.0.0.1/%d 2>/dev/null; then cat <&7; wait; exit $?; fi; "
			   "  sleep 0.05; "
			   "done; cat act.err; exit 1",
			   tool, port, py, port);
	ck_assert_msg(sh(script, &out, &err) == 0, "%s %s", out, err);
	ck_assert_str_eq(out, "hello from the sandbox");
}
END_TEST

START_TEST(program_gets_a_session_of_its_own)
{
	_cleanup_free_ char *out = NULL, *err = NULL;

	/* Under the test runner standard input is no terminal: a new session. */
	ck_assert_msg(
		vr(&out, &err, env, "--", "python", "-c", "import os; print(os.getsid(0) == os.getpid())", NULL) == 0,
		"%s", err);
	ck_assert_str_eq(out, "True\n");
}
END_TEST

/* Interactive on a terminal: the program is the terminal's foreground job in a group of
 * its own; ^Z does not leave the terminal to a stopped program nobody resumes; ^C is the
 * program's. */
static const char interactive_py[] = "import os, sys\n"
				     "print('fg', os.tcgetpgrp(0) == os.getpgrp() == os.getpid(), flush=True)\n"
				     "print('got', sys.stdin.readline().strip(), flush=True)\n";

static char *
read_until(int fd, const char *needle, int timeout_ms)
{
	char *acc = calloc(1, 1);
	size_t len = 0;

	for (int waited = 0; waited < timeout_ms && !strstr(acc, needle); waited += 50) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		char buf[512];
		ssize_t n;

		if (poll(&pfd, 1, 50) <= 0)
			continue;
		n = read(fd, buf, sizeof buf);
		if (n <= 0)
			break;
		acc = realloc(acc, len + (size_t)n + 1);
		memcpy(acc + len, buf, (size_t)n);
		len += (size_t)n;
		acc[len] = 0;
	}
	return acc;
}

START_TEST(interactive_program_is_the_foreground_job)
{
	_cleanup_free_ char *out = NULL, *rest = NULL, *py = t_path(work, "interactive.py");
	int master, slave, st = 0;
	pid_t pid;

	t_write_file(py, interactive_py, false);
	ck_assert_int_eq(openpty(&master, &slave, NULL, NULL, NULL), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		char *argv[] = { (char *)t_venvrun_bin(), env, "--", "python", py, NULL };

		setsid();
		ioctl(slave, TIOCSCTTY, 0);
		dup2(slave, 0);
		dup2(slave, 1);
		dup2(slave, 2);
		if (chdir(work) < 0)
			_exit(120);
		execve(argv[0], argv, base_env);
		_exit(121);
	}
	close(slave);
	out = read_until(master, "fg ", 20000);
	ck_assert_msg(strstr(out, "fg True"), "%s", out);
	ck_assert_int_eq(write(master, "\x1a", 1), 1);
	usleep(300 * 1000);
	ck_assert_int_eq(write(master, "hello\n", 6), 6);
	rest = read_until(master, "got hello", 20000);
	ck_assert_msg(strstr(rest, "got hello"), "after ^Z: %s", rest);
	for (int i = 0; i < 200 && waitpid(pid, &st, WNOHANG) == 0; i++)
		usleep(50 * 1000);
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0, "venvrun ended with %#x", st);
	close(master);
}
END_TEST

/* Each hardening flag's bad input: one line naming the flag or key, status 125, nothing run. */
START_TEST(bad_hardening_flags_are_one_line)
{
	static const struct {
		const char *flag, *value, *needle;
	} bad[] = {
		{ "--network", "bogus", "network" },
		{ "--timeout", "soon", "limits.timeout" },
		{ "--set", "no-equals-sign", "--set" },
		{ "--set", "limits.nofile=abc", "limits.nofile" },
		{ "--set", "limits.nosuch=1", "limits.nosuch" },
		{ "--pass-fd", "2", "--pass-fd" },
		{ "--pass-fd", "abc", "--pass-fd" },
		{ "--pass-fd", "63", "--pass-fd 63" },
		{ "--group", "no-such-group-here", "no-such-group-here" },
	};
	_cleanup_free_ char *marker = t_path(work, "ran");

	for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
		_cleanup_free_ char *err = NULL;

		ck_assert_msg(vr(NULL, &err, bad[i].flag, bad[i].value, env, "--", "touch", marker, NULL) == 125,
			      "%s %s", bad[i].flag, bad[i].value);
		t_assert_one_line_error(err, bad[i].needle);
		ck_assert_msg(!t_exists(marker), "%s %s: the program ran", bad[i].flag, bad[i].value);
	}
}
END_TEST

/* --network none and loopback from the command line: no interface up, or only lo. */
START_TEST(network_flag)
{
	static const char ifs_py[] = "import socket\n"
				     "print(sorted(n for _, n in socket.if_nameindex()))\n"
				     "s = socket.socket(); s.bind(('127.0.0.1', 0)); s.listen()\n"
				     "try:\n"
				     "    socket.create_connection(s.getsockname(), timeout=5); print('connect ok')\n"
				     "except OSError as e:\n"
				     "    print('connect', e.errno)\n";
	_cleanup_free_ char *none = NULL, *lo = NULL, *err = NULL, *err2 = NULL;

	ck_assert_msg(vr(&none, &err, "--network", "none", env, "--", "python", "-c", ifs_py, NULL) == 0, "%s", err);
	ck_assert_msg(vr(&lo, &err2, "--network", "loopback", env, "--", "python", "-c", ifs_py, NULL) == 0, "%s",
		      err2);
	/* Only lo in both; down, even a listener of the program's own is unreachable
	 * (ENETUNREACH, 101). */
	ck_assert_str_eq(none, "['lo']\nconnect 101\n");
	ck_assert_str_eq(lo, "['lo']\nconnect ok\n");
}
END_TEST

/* Socket activation with a LISTEN_FDS that cannot be honoured: one line, nothing run. */
START_TEST(bad_socket_activation_is_one_line)
{
	_cleanup_free_ char *out = NULL, *err = NULL, *out2 = NULL, *err2 = NULL;

	ck_assert_int_eq(sh("LISTEN_PID=$$ LISTEN_FDS=abc exec \"$VENVRUN\" \"$ENV\" -- echo ran", &out, &err), 125);
	t_assert_one_line_error(err, "LISTEN_FDS");
	ck_assert_str_eq(out, "");
	/* Three passed, but descriptor 5 is not open. */
	ck_assert_int_eq(sh("exec 3</dev/null 4</dev/null 5<&-; LISTEN_PID=$$ LISTEN_FDS=3 exec \"$VENVRUN\" "
			    "\"$ENV\" -- echo ran",
			    &out2, &err2),
			 125);
	t_assert_one_line_error(err2, "5 is not open");
	ck_assert_str_eq(out2, "");
}
END_TEST

/* ---- describe ------------------------------------------------------------------------ */

START_TEST(describe_shows_the_hardening)
{
	_cleanup_free_ char *out = NULL, *err = NULL;

	ck_assert_msg(vr(&out, &err, "describe", "--profile", "strict", env, NULL) == 0, "%s", err);
	ck_assert_ptr_nonnull(strstr(out, "seccomp: default"));
	ck_assert_ptr_nonnull(strstr(out, "capabilities: none"));
	ck_assert_ptr_nonnull(strstr(out, "nproc=128"));
	ck_assert_ptr_nonnull(strstr(out, "timeout: 300s"));
	ck_assert_ptr_nonnull(strstr(out, "namespaces: mount pid ipc uts"));
}
END_TEST

static const struct t_case cases[] = {
	T_CASE(root_runs_the_program_as_nobody),
	T_CASE(root_only_when_the_policy_says_so),
	T_CASE(unknown_user_is_one_line),
	T_CASE(bad_hardening_flags_are_one_line),
	T_CASE(network_flag),
	T_CASE(install_runs_as_the_env_owner),
	T_CASE(python_modules_work_under_the_default_filter),
	T_CASE(timeout_ends_the_program_with_124),
	T_CASE(pass_fd_keeps_that_descriptor_only),
	T_CASE(socket_activation_is_passed_on),
	T_CASE(bad_socket_activation_is_one_line),
	T_CASE(program_gets_a_session_of_its_own),
	T_CASE(interactive_program_is_the_foreground_job),
	T_CASE(describe_shows_the_hardening),
};

int
main(void)
{
	return t_run_suite(T_SUITE_FIXTURE("harden", cases, setup, NULL));
}
