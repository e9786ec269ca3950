/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Getting out of the sandbox from inside: nested mounts, ptrace and signals against the
 * sandbox's PID 1 and the host's processes, /proc/N/root and /proc/N/cwd back to the host,
 * reading the host's secrets and another env, writing the env, /usr and the host's /tmp,
 * and descriptors inherited from the caller. (Privileges, /dev and /proc's masks are in
 * test-privileges.c.) Each test runs as the caller and as nobody; each refusal inside has
 * a control outside that gets through (or gets a different answer), so that no test passes
 * because the host refuses anyway.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <grp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "macro.h"
#include "strv.h"

#include "sectest.h"

/* A file of the host that no plan brings in: scratch/outside/marker. */
static char *
host_marker(void)
{
	_cleanup_free_ char *dir = t_path(S.scratch, "outside");
	char *marker = t_path(dir, "marker");

	s_mkdir_p(dir);
	t_write_file(marker, "the host's marker\n", false);
	s_hand_over();
	return marker;
}

/* A process of the host, as 65534, that the test's user could signal and trace outside. */
static pid_t
host_sleeper(void)
{
	pid_t pid = fork();

	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		if (setgroups(0, NULL) < 0 || setresgid(S_NOBODY, S_NOBODY, S_NOBODY) < 0 ||
		    setresuid(S_NOBODY, S_NOBODY, S_NOBODY) < 0)
			_exit(120);
		execl("/bin/sleep", "sleep", "300", (char *)NULL);
		_exit(127);
	}
	return pid;
}

static bool
alive(pid_t pid)
{
	/* Not reaped yet, and not a zombie: waitpid() says whether it exited. */
	return waitpid(pid, NULL, WNOHANG) == 0;
}

static void
stop_sleeper(pid_t pid)
{
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

/* ---- nested mounts -------------------------------------------------------------------- */

static void
mounts(enum s_who w)
{
	_cleanup_free_ char *dir = NULL, *node = NULL, *unshare_bin = NULL;
	struct s_res r;

	if (!s_begin(w))
		return;
	/* A tmpfs over the sandbox's own /tmp, with mount(2) and with the new mount API. */
	r = s_in(NULL, "mount-tmpfs", "/tmp", NULL);
	s_assert_refused(&r, "EPERM");
	s_res_done(&r);
	r = s_in(NULL, "fsmount-tmpfs", "/tmp", NULL);
	s_assert_refused(&r, "ENOSYS");
	s_res_done(&r);
	/* Unmask what the sandbox masked: a read-only /proc/sys made writable again. */
	r = s_in(NULL, "umount", "/proc/sys", NULL);
	s_assert_refused(&r, "EPERM");
	s_res_done(&r);
	/* A device node of its own. */
	r = s_in(NULL, "mknod", "/tmp/vr-attack-null", NULL);
	s_assert_refused(&r, "EPERM");
	s_res_done(&r);

	/* Controls: outside, as root, in a mount namespace of its own, both mounts work; and
	 * mknod makes a node in the scratch directory. */
	dir = t_path(S.scratch, "mnt");
	s_mkdir_p(dir);
	unshare_bin = t_which("unshare");
	if (unshare_bin) {
		char *argv1[] = { unshare_bin, "-m", "--propagation", "private", S.attack, "mount-tmpfs", dir, NULL };
		char *argv2[] = { unshare_bin, "-m", "--propagation", "private", S.attack, "fsmount-tmpfs", dir, NULL };

		r = s_run(&(struct s_opts){ .as_root = true }, argv1);
		s_assert_ok(&r);
		s_res_done(&r);
		r = s_run(&(struct s_opts){ .as_root = true }, argv2);
		s_assert_ok(&r);
		s_res_done(&r);
	} else {
		fprintf(stderr, "note: no unshare(1): the mount controls are skipped\n");
	}
	node = t_path(S.scratch, "null-node");
	r = s_out(true, "mknod", node, NULL);
	s_assert_ok(&r);
	s_res_done(&r);
}

START_TEST(mounts_as_caller)
{
	mounts(S_AS_CALLER);
}
END_TEST

START_TEST(mounts_as_nobody)
{
	mounts(S_AS_NOBODY);
}
END_TEST

/* ---- ptrace and signals --------------------------------------------------------------- */

static void
ptrace_runner(enum s_who w)
{
	_cleanup_free_ char *host_pid = NULL;
	struct s_res r;
	pid_t sleeper;

	if (!s_begin(w))
		return;
	sleeper = host_sleeper();
	host_pid = t_strdupf("%d", (int)sleeper);

	/* The sandbox's PID 1 (venvrun's own process, which holds the host's view while it
	 * sets up): neither attach nor seize, nor read its memory or environment. */
	r = s_in(NULL, "ptrace-attach", "1", NULL);
	s_assert_refused(&r, "EPERM");
	s_res_done(&r);
	r = s_in(NULL, "ptrace-seize", "1", NULL);
	s_assert_refused(&r, "EPERM");
	s_res_done(&r);
	/* Non-dumpable: /proc/1/environ and /proc/1/mem are its owner's only, and not even
	 * that in a user namespace. */
	r = s_in(NULL, "read", "/proc/1/environ", NULL);
	s_assert_refused(&r, "EACCES");
	s_res_done(&r);
	r = s_in(NULL, "read", "/proc/1/mem", NULL);
	s_assert_refused(&r, "EACCES");
	s_res_done(&r);
	/* A host process: the filter refuses before the kernel would say it does not exist. */
	r = s_in(NULL, "ptrace-seize", host_pid, NULL);
	s_assert_refused(&r, "EPERM");
	s_res_done(&r);
	ck_assert_msg(alive(sleeper), "the host's process %d died", (int)sleeper);

	/* Control: outside, root seizes the same host process. */
	r = s_out(true, "ptrace-seize", host_pid, NULL);
	s_assert_ok(&r);
	s_res_done(&r);
	/* ... and the test's user reads a dumpable process's environment. */
	{
		_cleanup_free_ char *environ_path = t_strdupf("/proc/%d/environ", (int)sleeper);

		r = s_out(false, "read", environ_path, NULL);
		s_assert_ok(&r);
		s_res_done(&r);
	}
	stop_sleeper(sleeper);
}

START_TEST(ptrace_as_caller)
{
	ptrace_runner(S_AS_CALLER);
}
END_TEST

START_TEST(ptrace_as_nobody)
{
	ptrace_runner(S_AS_NOBODY);
}
END_TEST

static void
signals(enum s_who w)
{
	_cleanup_free_ char *host_pid = NULL;
	struct s_res r;
	pid_t sleeper;

	if (!s_begin(w))
		return;
	sleeper = host_sleeper();
	host_pid = t_strdupf("%d", (int)sleeper);

	/* SIGKILL and SIGSTOP to the sandbox's PID 1. As the caller (root), PID 1 is root's
	 * and the program 65534's: EPERM. As nobody both are 65534's in the user namespace:
	 * kill() succeeds and the kernel drops the signal (PID 1 of a PID namespace gets no
	 * signal from inside that it has no handler for); the program runs on and its status
	 * comes back, which it would not if PID 1 had died. */
	for (int i = 0; i < 2; i++) {
		r = s_in(NULL, "kill", "1", i == 0 ? "9" : "19", NULL);
		if (w == S_AS_CALLER)
			s_assert_refused(&r, "EPERM");
		else
			s_assert_ok(&r);
		s_res_done(&r);
	}
	/* The host's process is not there inside: no signal reaches it, not even 0. */
	r = s_in(NULL, "kill", host_pid, "9", NULL);
	s_assert_refused(&r, "ESRCH");
	s_res_done(&r);
	r = s_in(NULL, "kill", host_pid, "0", NULL);
	s_assert_refused(&r, "ESRCH");
	s_res_done(&r);
	/* Everything it may signal: only the sandbox's processes, none here. */
	r = s_in(NULL, "kill", "-1", "9", NULL);
	s_assert_refused(&r, "ESRCH");
	s_res_done(&r);
	ck_assert_msg(alive(sleeper), "the host's process %d died", (int)sleeper);

	/* Control: outside, the test's user reaches it: 0, then SIGKILL. */
	r = s_out(false, "kill", host_pid, "0", NULL);
	s_assert_ok(&r);
	s_res_done(&r);
	r = s_out(false, "kill", host_pid, "9", NULL);
	s_assert_ok(&r);
	s_res_done(&r);
	ck_assert_msg(!alive(sleeper), "the control's SIGKILL did not kill %d", (int)sleeper);
	waitpid(sleeper, NULL, 0);
}

START_TEST(signals_as_caller)
{
	signals(S_AS_CALLER);
}
END_TEST

START_TEST(signals_as_nobody)
{
	signals(S_AS_NOBODY);
}
END_TEST

/* ---- /proc/N/root and /proc/N/cwd ------------------------------------------------------ */

/* A link of /proc that names a host path outside the plan reveals it. */
static void
assert_link_reveals_nothing(const char *link)
{
	struct s_res r = s_in(NULL, "readlink", link, NULL);
	_cleanup_free_ char *target = NULL;

	if (r.rc == 1) {
		s_assert_refused(&r, "EACCES");
	} else {
		s_assert_ok(&r);
		target = s_detail(&r, "target");
		ck_assert_ptr_nonnull(target);
		ck_assert_msg(streq(target, "/") || streq(target, S.work) || streq(target, S.home),
			      "%s: %s names '%s', neither / nor the working directory nor HOME", r.what, link, target);
	}
	s_res_done(&r);
}

static void
proc_escape(enum s_who w)
{
	_cleanup_free_ char *marker = NULL;
	struct s_res r;

	if (!s_begin(w))
		return;
	marker = host_marker();
	/* Through every process's root and cwd, directly and climbing with "..": the marker
	 * is out of reach. (EACCES where /proc/N is PID 1's, which is not dumpable; ENOENT
	 * where the link leads into the sandbox's own root.) */
	r = s_in(NULL, "proc-escape", marker, NULL);
	s_assert_refused_any(&r, "ENOENT|EACCES");
	s_res_done(&r);
	assert_link_reveals_nothing("/proc/1/root");
	assert_link_reveals_nothing("/proc/1/cwd");
	assert_link_reveals_nothing("/proc/self/root");
	assert_link_reveals_nothing("/proc/self/cwd");

	/* Control: outside, the same walk reaches it. */
	r = s_out(false, "proc-escape", marker, NULL);
	s_assert_ok(&r);
	s_res_done(&r);
}

START_TEST(proc_escape_as_caller)
{
	proc_escape(S_AS_CALLER);
}
END_TEST

START_TEST(proc_escape_as_nobody)
{
	proc_escape(S_AS_NOBODY);
}
END_TEST

/* ---- reading and writing -------------------------------------------------------------- */

/* The site-packages directory of an env (there is one). */
static char *
site_of(const char *env)
{
	_cleanup_free_ char *pat = t_strdupf("%s/lib/python3*/site-packages", env);
	char *site;
	glob_t g;

	ck_assert_msg(glob(pat, 0, NULL, &g) == 0 && g.gl_pathc == 1, "no single %s", pat);
	site = strdup(g.gl_pathv[0]);
	globfree(&g);
	return site;
}

static void
reading(enum s_who w)
{
	_cleanup_free_ char *ssh = NULL, *key = NULL, *other = NULL, *other_site = NULL, *other_file = NULL,
			    *sibling = NULL, *sibling_file = NULL, *dir = NULL, *site = NULL;
	struct s_res r;
	const char *secrets[3];

	if (!s_begin(w))
		return;
	/* A fake key in the caller's HOME. */
	ssh = t_path(S.home, ".ssh");
	s_mkdir_p(ssh);
	key = t_path(ssh, "id_ed25519");
	t_write_file(key, "-----BEGIN OPENSSH PRIVATE KEY-----\nnot a key\n", false);
	ck_assert_int_eq(chmod(key, 0600), 0);
	/* Another env beside this one, and one inside the working directory, each with a
	 * package. */
	other = t_path(S.scratch, "other-env");
	sibling = t_path(S.work, "sibling-env");
	s_hand_over();
	s_create_env(other);
	s_create_env(sibling);
	other_site = site_of(other);
	site = site_of(sibling);
	dir = t_path(other_site, "secretpkg");
	s_mkdir_p(dir);
	other_file = t_path(dir, "__init__.py");
	t_write_file(other_file, "SECRET = 1\n", false);
	free(dir);
	dir = t_path(site, "secretpkg");
	s_mkdir_p(dir);
	sibling_file = t_path(dir, "__init__.py");
	t_write_file(sibling_file, "SECRET = 2\n", false);
	s_hand_over();

	secrets[0] = key;
	secrets[1] = other_file;
	secrets[2] = sibling_file;
	/* /etc/shadow is not in the plan. */
	r = s_in(NULL, "read", "/etc/shadow", NULL);
	s_assert_refused(&r, "ENOENT");
	s_res_done(&r);
	for (size_t i = 0; i < ELEMENTSOF(secrets); i++) {
		r = s_in(NULL, "read", secrets[i], NULL);
		s_assert_refused(&r, "ENOENT");
		s_res_done(&r);
	}

	/* Controls: outside, root reads /etc/shadow and the test's user its own files. */
	if (t_exists("/etc/shadow")) {
		r = s_out(true, "read", "/etc/shadow", NULL);
		s_assert_ok(&r);
		s_res_done(&r);
	}
	for (size_t i = 0; i < ELEMENTSOF(secrets); i++) {
		r = s_out(false, "read", secrets[i], NULL);
		s_assert_ok(&r);
		s_res_done(&r);
	}
}

START_TEST(reading_as_caller)
{
	reading(S_AS_CALLER);
}
END_TEST

START_TEST(reading_as_nobody)
{
	reading(S_AS_NOBODY);
}
END_TEST

/* A name in the host's /tmp unique to this test. */
static char *
host_tmp_name(const char *what)
{
	return t_strdupf("/tmp/vr-attack-%s-%d-%s", what, (int)getpid(), strrchr(S.scratch, '-') + 1);
}

static void
writing(enum s_who w)
{
	_cleanup_free_ char *in_env = NULL, *in_usr = NULL, *marker = NULL, *written = NULL;
	struct s_res r, tmp_read, tmp_write;
	bool marker_made, written_outside;

	if (!s_begin(w))
		return;
	in_env = t_path(S.env, "written-by-the-program");
	in_usr = host_tmp_name("usr");
	memcpy(in_usr, "/usr", 4); /* /usr/vr-attack-usr-...: same unique tail */
	marker = host_tmp_name("marker");
	written = host_tmp_name("written");

	/* The env and /usr are read-only. */
	r = s_in(NULL, "write", in_env, NULL);
	s_assert_refused(&r, "EROFS");
	s_res_done(&r);
	r = s_in(NULL, "write", in_usr, NULL);
	s_assert_refused(&r, "EROFS");
	s_res_done(&r);
	ck_assert_msg(!t_exists(in_usr), "%s appeared on the host", in_usr);
	ck_assert_msg(!t_exists(in_env), "%s appeared on the host", in_env);

	/* The host's /tmp: its marker is not there inside, and what is written there inside
	 * does not land in it. (The marker is removed before any assertion can fail.) */
	t_write_file(marker, "the host's /tmp\n", false);
	ck_assert_int_eq(chmod(marker, 0644), 0);
	tmp_read = s_in(NULL, "read", marker, NULL);
	tmp_write = s_in(NULL, "write", written, NULL);
	written_outside = t_exists(written);
	unlink(written);
	r = s_out(false, "read", marker, NULL);
	marker_made = unlink(marker) == 0;
	ck_assert(marker_made);
	s_assert_refused(&tmp_read, "ENOENT");
	/* The sandbox's own /tmp is writable; the write goes there. */
	s_assert_ok(&tmp_write);
	ck_assert_msg(!written_outside, "%s: what the program wrote to its /tmp appeared in the host's /tmp",
		      tmp_write.what);
	/* Control: outside, the marker is readable. */
	s_assert_ok(&r);
	s_res_done(&r);
	s_res_done(&tmp_read);
	s_res_done(&tmp_write);

	/* Control: outside, the test's user writes into the env. */
	r = s_out(false, "write", in_env, NULL);
	s_assert_ok(&r);
	s_res_done(&r);
	unlink(in_env);

	/* The host's /dev/shm, the same way: the sandbox has a tmpfs of its own there. */
	if (t_exists("/dev/shm")) {
		_cleanup_free_ char *shm_marker = t_strdupf("/dev/shm%s", marker + 4),
				    *shm_written = t_strdupf("/dev/shm%s", written + 4);

		t_write_file(shm_marker, "the host's /dev/shm\n", false);
		tmp_read = s_in(NULL, "read", shm_marker, NULL);
		tmp_write = s_in(NULL, "write", shm_written, NULL);
		written_outside = t_exists(shm_written);
		unlink(shm_written);
		r = s_out(false, "read", shm_marker, NULL);
		ck_assert_int_eq(unlink(shm_marker), 0);
		s_assert_refused(&tmp_read, "ENOENT");
		s_assert_ok(&tmp_write);
		ck_assert_msg(!written_outside, "%s: what the program wrote to its /dev/shm appeared in the host's",
			      tmp_write.what);
		s_assert_ok(&r);
		s_res_done(&r);
		s_res_done(&tmp_read);
		s_res_done(&tmp_write);
	}
}

START_TEST(writing_as_caller)
{
	writing(S_AS_CALLER);
}
END_TEST

START_TEST(writing_as_nobody)
{
	writing(S_AS_NOBODY);
}
END_TEST

/* ---- descriptors ---------------------------------------------------------------------- */

/* A descriptor of a host directory left open by the caller: not in the program. */
static void
descriptors(enum s_who w)
{
	_cleanup_free_ char *marker = NULL, *dir = NULL, *fds = NULL;
	_cleanup_close_ int fd = -1;
	struct s_res r;

	if (!s_begin(w))
		return;
	marker = host_marker();
	dir = t_path(S.scratch, "outside");
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	ck_assert_int_ge(fd, 3);
	/* A number above what the runner itself is likely to hold. */
	ck_assert_int_eq(dup3(fd, 42, O_CLOEXEC), 42);

	r = s_in_with(&(struct s_opts){ .pass_fd = 42 }, NULL, "fds", NULL);
	s_assert_ok(&r);
	fds = s_detail(&r, "fds");
	ck_assert_msg(fds && streq(fds, "0,1,2"), "%s: open descriptors inside: %s", r.what, fds);
	s_res_done(&r);
	{
		_cleanup_free_ char *through = t_strdupf("/proc/self/fd/%d/marker", 42);
		r = s_in_with(&(struct s_opts){ .pass_fd = 42 }, NULL, "read", through, NULL);
		s_assert_refused(&r, "ENOENT");
		s_res_done(&r);
	}

	/* Control: outside, the helper has it, and reads the marker through it. */
	free(fds);
	r = s_out_with(&(struct s_opts){ .pass_fd = 42 }, "fds", NULL);
	s_assert_ok(&r);
	fds = s_detail(&r, "fds");
	ck_assert_msg(fds && strstr(fds, ",42"), "%s: the control does not have descriptor 42: %s", r.what, fds);
	s_res_done(&r);
	close(42);
}

START_TEST(descriptors_as_caller)
{
	descriptors(S_AS_CALLER);
}
END_TEST

START_TEST(descriptors_as_nobody)
{
	descriptors(S_AS_NOBODY);
}
END_TEST

static const struct t_case cases[] = {
	T_CASE(mounts_as_caller),      T_CASE(mounts_as_nobody),      T_CASE(ptrace_as_caller),
	T_CASE(ptrace_as_nobody),      T_CASE(signals_as_caller),     T_CASE(signals_as_nobody),
	T_CASE(proc_escape_as_caller), T_CASE(proc_escape_as_nobody), T_CASE(reading_as_caller),
	T_CASE(reading_as_nobody),     T_CASE(writing_as_caller),     T_CASE(writing_as_nobody),
	T_CASE(descriptors_as_caller), T_CASE(descriptors_as_nobody),
};

int
main(void)
{
	return s_main(T_SUITE("security-escape", cases));
}
