/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The attack suites' shared set-up and runner (sectest.h). The runner is this file's own,
 * not t_run(): attacks need a terminal as standard input, a descriptor passed on purpose,
 * and a time limit of their own.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <grp.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "fileio.h"
#include "macro.h"
#include "strv.h"

#include "sectest.h"

extern char **environ;

struct s_state S;

static const char host_python[] = "/usr/bin/python3";

const char *
s_who_name(void)
{
	return S.who == S_AS_NOBODY ? "as nobody" : "as the caller";
}

void
s_mkdir_p(const char *path)
{
	_cleanup_free_ char *p = strdup(path);

	for (char *s = strchr(p + 1, '/');; s = strchr(s + 1, '/')) {
		if (s)
			*s = '\0';
		ck_assert_msg(mkdir(p, 0755) == 0 || errno == EEXIST, "mkdir %s: %s", p, strerror(errno));
		if (!s)
			break;
		*s = '/';
	}
}

void
s_copy_file(const char *from, const char *to, mode_t mode)
{
	_cleanup_free_ char *data = NULL;
	size_t len = 0;
	int fd;

	ck_assert_msg(vr_read_file_at(AT_FDCWD, from, 64 << 20, &data, &len, NULL, NULL) >= 0, "cannot read %s", from);
	unlink(to);
	fd = open(to, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	ck_assert_msg(fd >= 0, "create %s: %s", to, strerror(errno));
	ck_assert_msg(write(fd, data, len) == (ssize_t)len, "write %s: %s", to, strerror(errno));
	ck_assert_int_eq(close(fd), 0);
	/* After the write: chmod() keeps a set-user-ID bit that a write would clear. */
	ck_assert_msg(chmod(to, mode) == 0, "chmod %s: %s", to, strerror(errno));
}

static int
chown_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return lchown(path, S_NOBODY, S_NOBODY) < 0 ? -1 : 0;
}

void
s_hand_over(void)
{
	if (S.who == S_AS_NOBODY)
		ck_assert_int_eq(nftw(S.scratch, chown_one, 32, FTW_PHYS), 0);
}

/* Can user 65534 (no groups) search every directory from / down to `dir`? */
static bool
nobody_can_reach(const char *dir)
{
	_cleanup_free_ char *p = strdup(dir);

	for (;;) {
		struct stat st;
		char *slash;

		if (stat(*p ? p : "/", &st) < 0 || !(st.st_mode & S_IXOTH))
			return false;
		slash = strrchr(p, '/');
		if (!slash || !*p)
			return true;
		*slash = '\0';
	}
}

void
s_create_env(const char *path)
{
	_cleanup_strv_free_ char **argv = NULL;
	struct s_res r;

	vr_strv_push(&argv, t_venvrun_bin());
	vr_strv_push(&argv, "create");
	vr_strv_push(&argv, "-q");
	vr_strv_push(&argv, "-p");
	vr_strv_push(&argv, host_python);
	vr_strv_push(&argv, "--no-seed");
	vr_strv_push(&argv, "--activators");
	vr_strv_push(&argv, "none");
	vr_strv_push(&argv, path);
	r = s_run(&(struct s_opts){ .stdin_fd = -1 }, argv);
	ck_assert_msg(r.rc == 0, "venvrun create %s %s failed (%d): %s%s", path, s_who_name(), r.rc, r.out, r.err);
	s_res_done(&r);
}

bool
s_begin(enum s_who who)
{
	_cleanup_free_ char *t = NULL, *parent = NULL;
	const char *helper = getenv("VR_ATTACK_BIN");

	S.who = who;
	ck_assert_msg(helper && *helper, "VR_ATTACK_BIN is not set (run the suite through meson test)");
	if (geteuid() != 0) {
		fprintf(stderr, "note: not root: %s\n",
			who == S_AS_NOBODY ? "the unprivileged half is the caller's own run"
					   : "the caller's half runs unprivileged");
		if (who == S_AS_NOBODY)
			return false;
	}
	if (who == S_AS_NOBODY) {
		S.setpriv = t_which("setpriv");
		if (!S.setpriv) {
			fprintf(stderr, "note: setpriv is not installed: the unprivileged half is skipped\n");
			return false;
		}
	}
	ck_assert_msg(access(host_python, X_OK) == 0, "%s is needed to make envs", host_python);
	t = t_tmpdir("sec");
	S.scratch = realpath(t, NULL);
	ck_assert_ptr_nonnull(S.scratch);
	/* As root the program runs as 65534 unless told otherwise: both halves need the
	 * scratch directory and the per-run parent t_run_suite made (both 0700) searchable
	 * by 65534. */
	parent = strndup(S.scratch, (size_t)(strrchr(S.scratch, '/') - S.scratch));
	ck_assert_int_eq(chmod(S.scratch, 0755), 0);
	ck_assert_int_eq(chmod(parent, 0755), 0);
	if (geteuid() == 0 && !nobody_can_reach(S.scratch)) {
		fprintf(stderr, "note: user %d cannot reach %s: skipped\n", S_NOBODY, S.scratch);
		return false;
	}
	S.home = t_path(S.scratch, "home");
	S.work = t_path(S.scratch, "work");
	S.env = t_path(S.scratch, "env");
	S.attack = t_path(S.work, "vr-attack");
	s_mkdir_p(S.home);
	s_mkdir_p(S.work);
	s_copy_file(helper, S.attack, 0755);
	s_hand_over();
	s_create_env(S.env);
	return true;
}

void
s_res_done(struct s_res *r)
{
	free(r->out);
	free(r->err);
	free(r->what);
	*r = (struct s_res){ 0 };
}

/* ---- running ------------------------------------------------------------------------- */

/* The caller's environment, with the test's HOME and venvrun's directories, without the
 * caller's Python settings, and `extra` on top. */
static char **
environment(char *const extra[])
{
	static const char *const unset[] = {
		"PYTHONPATH",	   "PYTHONHOME",      "PYTHONUSERBASE", "PYTHONSTARTUP",       "PYTHONNOUSERSITE",
		"VIRTUAL_ENV",	   "PIP_CONFIG_FILE", "HOME",		"VENVRUN_CACHE_DIR",   "VENVRUN_HOME",
		"XDG_CONFIG_HOME", "XDG_CACHE_HOME",  "XDG_DATA_HOME",	"VENVRUN_PROFILE_PATH"
	};
	char **v = NULL;

	for (size_t i = 0; environ[i]; i++) {
		size_t klen = strcspn(environ[i], "=");
		bool drop = false;

		for (size_t k = 0; k < ELEMENTSOF(unset) && !drop; k++)
			drop = strlen(unset[k]) == klen && strneq(unset[k], environ[i], klen);
		for (size_t k = 0; extra && extra[k] && !drop; k++)
			drop = strcspn(extra[k], "=") == klen && strneq(extra[k], environ[i], klen);
		if (!drop)
			vr_strv_push(&v, environ[i]);
	}
	vr_strv_consume(&v, t_strdupf("HOME=%s", S.home));
	vr_strv_consume(&v, t_strdupf("VENVRUN_CACHE_DIR=%s/cache", S.scratch));
	vr_strv_consume(&v, t_strdupf("VENVRUN_HOME=%s/envs", S.scratch));
	vr_strv_consume(&v, t_strdupf("XDG_CONFIG_HOME=%s/.config", S.home));
	vr_strv_consume(&v, t_strdupf("XDG_CACHE_HOME=%s/.cache", S.home));
	vr_strv_consume(&v, t_strdupf("XDG_DATA_HOME=%s/.local/share", S.home));
	for (size_t k = 0; extra && extra[k]; k++)
		vr_strv_push(&v, extra[k]);
	return v;
}

static char *
joined_argv(char *const argv[])
{
	char *s = strdup("");

	for (size_t i = 0; argv[i]; i++) {
		char *t = t_strdupf("%s%s'%s'", s, i ? " " : "", argv[i]);
		free(s);
		s = t;
	}
	return s;
}

static long long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
append(char **buf, size_t *len, const char *data, size_t n)
{
	char *b = realloc(*buf, *len + n + 1);

	ck_assert_ptr_nonnull(b);
	memcpy(b + *len, data, n);
	*len += n;
	b[*len] = '\0';
	*buf = b;
}

static void
child(const struct s_opts *o, char *const argv[], char *const envp[], int outw, int errw)
{
	int in = o->stdin_fd > 0 ? o->stdin_fd : open("/dev/null", O_RDONLY | O_CLOEXEC);

	if (in < 0)
		_exit(120);
	if (o->ctty_fd > 0) {
		/* A session of its own, with the terminal as its controlling terminal: with it
		 * as stdin too, the command runs interactively on "the caller's terminal". */
		if (setsid() < 0 || ioctl(o->ctty_fd, TIOCSCTTY, 0) < 0)
			_exit(121);
	}
	if (o->group_sleeper_pidfile) {
		char buf[32];
		int ready[2], fd, n;
		pid_t pid;

		/* The sleeper must be sleep, not still a copy of this process, when the
		 * command starts: the write end closes when its execve() succeeds. */
		if (pipe2(ready, O_CLOEXEC) < 0 || (pid = fork()) < 0)
			_exit(125);
		if (pid == 0) {
			int null = open("/dev/null", O_RDWR | O_CLOEXEC);

			/* Nothing of the command's pipes: the test waits for them to close. */
			if (null < 0 || dup2(null, 0) < 0 || dup2(null, 1) < 0 || dup2(null, 2) < 0)
				_exit(119);
			if (setgroups(0, NULL) < 0 || setresgid(S_NOBODY, S_NOBODY, S_NOBODY) < 0 ||
			    setresuid(S_NOBODY, S_NOBODY, S_NOBODY) < 0)
				_exit(120);
			/* The command is the session's leader: when it exits, the terminal's
			 * foreground group gets SIGHUP. Only what the command sends counts. */
			signal(SIGHUP, SIG_IGN);
			execl("/bin/sleep", "sleep", "300", (char *)NULL);
			_exit(127);
		}
		close(ready[1]);
		while (read(ready[0], buf, 1) < 0 && errno == EINTR)
			;
		close(ready[0]);
		n = snprintf(buf, sizeof buf, "%d\n", (int)pid);
		fd = open(o->group_sleeper_pidfile, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		if (fd < 0 || write(fd, buf, (size_t)n) != n || close(fd) < 0)
			_exit(126);
	}
	if (dup2(in, 0) < 0 || dup2(outw, 1) < 0 || dup2(errw, 2) < 0)
		_exit(122);
	if (o->pass_fd > 2) {
		int fl = fcntl(o->pass_fd, F_GETFD);

		if (fl < 0 || fcntl(o->pass_fd, F_SETFD, fl & ~FD_CLOEXEC) < 0)
			_exit(123);
	}
	if (chdir(S.work) < 0)
		_exit(124);
	signal(SIGPIPE, SIG_DFL);
	execve(argv[0], argv, envp);
	_exit(127);
}

struct s_res
s_run(const struct s_opts *o, char *const argv[])
{
	_cleanup_strv_free_ char **envp = environment(o->extra_env), **full = NULL;
	_cleanup_free_ char *cmd = NULL;
	struct s_res r = { .rc = -1 };
	size_t outlen = 0, errlen = 0;
	int outp[2], errp[2], st;
	long long deadline = now_ms() + (o->timeout_ms > 0 ? o->timeout_ms : 60000);
	bool timed_out = false;
	pid_t pid;

	if (S.who == S_AS_NOBODY && !o->as_root) {
		vr_strv_push(&full, S.setpriv);
		vr_strv_push(&full, "--reuid=65534");
		vr_strv_push(&full, "--regid=65534");
		vr_strv_push(&full, "--clear-groups");
		vr_strv_push(&full, "--");
	}
	for (size_t i = 0; argv[i]; i++)
		vr_strv_push(&full, argv[i]);
	cmd = joined_argv(full);
	r.what = t_strdupf("%s %s%s", s_who_name(), cmd, o->as_root && S.who == S_AS_NOBODY ? " (as root)" : "");
	r.out = strdup("");
	r.err = strdup("");

	ck_assert_int_eq(pipe2(outp, O_CLOEXEC), 0);
	ck_assert_int_eq(pipe2(errp, O_CLOEXEC), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0)
		child(o, full, envp, outp[1], errp[1]);
	close(outp[1]);
	close(errp[1]);

	struct pollfd pfd[2] = { { .fd = outp[0], .events = POLLIN }, { .fd = errp[0], .events = POLLIN } };
	while (pfd[0].fd >= 0 || pfd[1].fd >= 0) {
		long long left = deadline - now_ms();
		int n;

		if (left <= 0) {
			timed_out = true;
			break;
		}
		n = poll(pfd, 2, (int)left);
		if (n < 0 && errno == EINTR)
			continue;
		ck_assert_int_ge(n, 0);
		for (int i = 0; i < 2; i++) {
			char buf[4096];
			ssize_t k;

			if (pfd[i].fd < 0 || !pfd[i].revents)
				continue;
			k = read(pfd[i].fd, buf, sizeof buf);
			if (k <= 0) {
				close(pfd[i].fd);
				pfd[i].fd = -1;
				continue;
			}
			if (i == 0)
				append(&r.out, &outlen, buf, (size_t)k);
			else
				append(&r.err, &errlen, buf, (size_t)k);
		}
	}
	if (timed_out) {
		kill(pid, SIGKILL);
		for (int i = 0; i < 2; i++)
			if (pfd[i].fd >= 0)
				close(pfd[i].fd);
	}
	/* The pipes are closed once the command and everything it started are gone; the
	 * command itself may still be on its way out. */
	while (waitpid(pid, &st, 0) < 0)
		ck_assert_int_eq(errno, EINTR);
	ck_assert_msg(!timed_out, "%s: still running after %d ms; stdout '%s', stderr '%s'", r.what,
		      o->timeout_ms > 0 ? o->timeout_ms : 60000, r.out, r.err);
	r.rc = WIFSIGNALED(st) ? 128 + WTERMSIG(st) : WEXITSTATUS(st);
	/* VR_ATTACK_VERBOSE=1: every run and what it printed, for a report. */
	if (getenv("VR_ATTACK_VERBOSE"))
		fprintf(stderr, "%s\n  -> status %d, stdout: %s%s%s\n", r.what, r.rc, r.out,
			*r.err ? "     stderr: " : "", r.err);
	return r;
}

static struct s_res
attack_va(const struct s_opts *o, bool inside, char *const opts[], va_list ap)
{
	_cleanup_strv_free_ char **argv = NULL;
	const char *a;

	if (inside) {
		vr_strv_push(&argv, t_venvrun_bin());
		for (size_t i = 0; opts && opts[i]; i++)
			vr_strv_push(&argv, opts[i]);
		vr_strv_push(&argv, S.env);
		vr_strv_push(&argv, "--");
	}
	vr_strv_push(&argv, S.attack);
	while ((a = va_arg(ap, const char *)))
		vr_strv_push(&argv, a);
	return s_run(o, argv);
}

struct s_res
s_in(char *const opts[], ...)
{
	struct s_res r;
	va_list ap;

	va_start(ap, opts);
	r = attack_va(&(struct s_opts){ .stdin_fd = -1 }, true, opts, ap);
	va_end(ap);
	return r;
}

struct s_res
s_in_with(const struct s_opts *o, char *const opts[], ...)
{
	struct s_res r;
	va_list ap;

	va_start(ap, opts);
	r = attack_va(o, true, opts, ap);
	va_end(ap);
	return r;
}

struct s_res
s_out(bool as_root, ...)
{
	struct s_res r;
	va_list ap;

	va_start(ap, as_root);
	r = attack_va(&(struct s_opts){ .as_root = as_root, .stdin_fd = -1 }, false, NULL, ap);
	va_end(ap);
	return r;
}

struct s_res
s_out_with(const struct s_opts *o, ...)
{
	struct s_res r;
	va_list ap;

	va_start(ap, o);
	r = attack_va(o, false, NULL, ap);
	va_end(ap);
	return r;
}

/* ---- assertions ----------------------------------------------------------------------- */

/* The helper's line without its newline, or NULL when it did not print exactly one. */
static char *
one_line(const struct s_res *r)
{
	size_t n = strlen(r->out);

	if (n == 0 || r->out[n - 1] != '\n' || strchr(r->out, '\n') != r->out + n - 1)
		return NULL;
	return strndup(r->out, n - 1);
}

#define S_FAIL(r, fmt, ...)                                                                                      \
	ck_abort_msg("%s: " fmt "; it ended with status %d, stdout '%s', stderr '%s'", (r)->what, ##__VA_ARGS__, \
		     (r)->rc, (r)->out, (r)->err)

void
s_assert_ok(const struct s_res *r)
{
	_cleanup_free_ char *line = one_line(r);

	if (r->rc != 0 || !line || !(streq(line, "ok") || vr_startswith(line, "ok ")))
		S_FAIL(r, "expected the attempt to succeed ('ok')");
}

static bool
refused_with(const char *line, const char *errname)
{
	_cleanup_free_ char *want = t_strdupf("refused errno=%s", errname);
	size_t n = strlen(want);

	return strneq(line, want, n) && (line[n] == '\0' || line[n] == ' ');
}

void
s_assert_refused(const struct s_res *r, const char *errname)
{
	_cleanup_free_ char *line = one_line(r);

	if (r->rc != 1 || !line || !refused_with(line, errname))
		S_FAIL(r, "expected 'refused errno=%s'", errname);
}

void
s_assert_refused_any(const struct s_res *r, const char *errnames)
{
	_cleanup_free_ char *line = one_line(r);
	_cleanup_strv_free_ char **names = NULL;

	ck_assert_int_eq(vr_strv_split(errnames, '|', &names), 0);
	if (r->rc == 1 && line)
		for (size_t i = 0; names && names[i]; i++)
			if (refused_with(line, names[i]))
				return;
	S_FAIL(r, "expected 'refused errno=' one of %s", errnames);
}

void
s_assert_killed(const struct s_res *r, int sig)
{
	if (r->rc != 128 + sig)
		S_FAIL(r, "expected the attempt to be killed by %s (status %d)", sigabbrev_np(sig), 128 + sig);
}

void
s_assert_differs(const struct s_res *r, const char *inside)
{
	_cleanup_free_ char *line = one_line(r);

	if ((r->rc != 0 && r->rc != 1) || !line)
		S_FAIL(r, "the control outside the sandbox did not run the helper");
	if (streq(line, inside) ||
	    (vr_startswith(inside, "refused") && vr_startswith(line, inside) && line[strlen(inside)] == ' '))
		S_FAIL(r,
		       "the control outside the sandbox got the same result as inside ('%s'): the test "
		       "cannot tell the sandbox's refusal from the host's",
		       inside);
}

char *
s_detail(const struct s_res *r, const char *key)
{
	_cleanup_free_ char *line = one_line(r), *k = t_strdupf(" %s=", key);
	const char *p;

	if (!line || !(p = strstr(line, k)))
		return NULL;
	p += strlen(k);
	return strndup(p, strcspn(p, " "));
}

char *
s_policy_file(const char *name, const char *json)
{
	char *path = t_path(S.scratch, "%s", name);

	t_write_file(path, json, false);
	s_hand_over();
	return path;
}

/* ---- suites --------------------------------------------------------------------------- */

void
s_add_loop(Suite *s, const char *name, const TTest *const *test, int n)
{
	TCase *tc = tcase_create(name);

	tcase_add_loop_test(tc, *test, 0, n);
	suite_add_tcase(s, tc);
}

/* Without root, the sandbox needs an unprivileged user namespace. */
static bool
userns_possible(void)
{
	pid_t pid = fork();
	int st;

	if (pid < 0)
		return false;
	if (pid == 0)
		_exit(unshare(CLONE_NEWUSER) == 0 ? 0 : 1);
	if (waitpid(pid, &st, 0) != pid)
		return false;
	return WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

int
s_main(Suite *s)
{
	if (geteuid() != 0 && !userns_possible()) {
		fprintf(stderr, "skip: not root and unprivileged user namespaces are not available: venvrun cannot "
				"make a sandbox here\n");
		(void)s;
		return T_EXIT_SKIP;
	}
	return t_run_suite(s);
}
