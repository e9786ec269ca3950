/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fileio.h"
#include "macro.h"
#include "path.h"
#include "process.h"
#include "strv.h"
#include "testlib.h"

extern char **environ;

char *
t_tmpdir(const char *tag)
{
	const char *base = getenv("TMPDIR");
	char *p = t_strdupf("%s/venvrun-test-%s-XXXXXX", base && *base ? base : "/tmp", tag);

	ck_assert_ptr_nonnull(mkdtemp(p));
	return p;
}

void
t_rm_rf(const char *path)
{
	if (path)
		vr_rm_rf_at(AT_FDCWD, path, NULL, NULL);
}

char *
t_strdupf(const char *fmt, ...)
{
	va_list ap;
	char *s = NULL;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	ck_assert_int_ge(n, 0);
	return s;
}

char *
t_path(const char *dir, const char *fmt, ...)
{
	char *rel = NULL, *p;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&rel, fmt, ap);
	va_end(ap);
	ck_assert_int_ge(n, 0);
	p = t_strdupf("%s/%s", dir, rel);
	free(rel);
	return p;
}

bool
t_exists(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0;
}

void
t_assert_one_line_error(const char *err, const char *needle)
{
	ck_assert_ptr_nonnull(err);
	ck_assert_msg(vr_startswith(err, "venvrun: "), "stderr does not start with 'venvrun: ': %s", err);
	ck_assert_msg(*err && strchr(err, '\n') == err + strlen(err) - 1, "stderr is not exactly one line: %s", err);
	ck_assert_msg(strstr(err, needle), "stderr lacks '%s': %s", needle, err);
}

char *
t_which(const char *name)
{
	char *p = NULL;

	if (vr_path_find_executable(name, getenv("PATH"), &p) < 0)
		return NULL;
	return p;
}

static char **
merged_env(char *const env[])
{
	char **v = NULL;

	for (size_t i = 0; environ[i]; i++) {
		bool overridden = false;
		size_t klen = strcspn(environ[i], "=");

		for (size_t k = 0; env && env[k]; k++)
			if (strcspn(env[k], "=") == klen && strneq(env[k], environ[i], klen))
				overridden = true;
		if (!overridden)
			ck_assert_int_eq(vr_strv_push(&v, environ[i]), 0);
	}
	for (size_t k = 0; env && env[k]; k++)
		if (strchr(env[k], '='))
			ck_assert_int_eq(vr_strv_push(&v, env[k]), 0);
	if (!v)
		v = calloc(1, sizeof(char *));
	return v;
}

int
t_run(char *const argv[], char *const env[], const char *cwd, char **out, char **err)
{
	struct vr_process_result res = { 0 };
	struct vr_error e = VR_ERROR_INIT;
	_cleanup_strv_free_ char **envp = merged_env(env);
	_cleanup_free_ char *path = NULL, *saved = NULL;
	char **args;
	size_t n = vr_strv_length(argv);
	int r, status;

	if (!strchr(argv[0], '/')) {
		path = t_which(argv[0]);
		ck_assert_msg(path != NULL, "'%s' not found on PATH", argv[0]);
	}
	args = calloc(n + 1, sizeof(char *));
	ck_assert_ptr_nonnull(args);
	memcpy(args, argv, n * sizeof(char *));
	if (path)
		args[0] = path;
	if (cwd) {
		saved = getcwd(NULL, 0);
		ck_assert_int_eq(chdir(cwd), 0);
	}
	r = vr_process_run(args, envp, 120000, 64 << 20, &res, &e);
	if (saved)
		ck_assert_int_eq(chdir(saved), 0);
	free(args);
	ck_assert_msg(r == 0, "cannot run '%s': %s", argv[0], e.message);
	ck_assert_msg(!res.timed_out, "'%s' ran longer than 120 s", argv[0]);
	status = WIFSIGNALED(res.status) ? 128 + WTERMSIG(res.status) : WEXITSTATUS(res.status);
	if (out)
		*out = TAKE_PTR(res.out);
	if (err)
		*err = TAKE_PTR(res.err);
	vr_process_result_done(&res);
	return status;
}

const char *
t_venvrun_bin(void)
{
	const char *b = getenv("VENVRUN_BIN");

	ck_assert_msg(b && *b, "VENVRUN_BIN is not set");
	return b;
}

static int
venvrun_va(char *const env[], const char *cwd, char **out, char **err, va_list ap)
{
	_cleanup_strv_free_ char **argv = NULL;
	const char *a;

	ck_assert_int_eq(vr_strv_push(&argv, t_venvrun_bin()), 0);
	while ((a = va_arg(ap, const char *)))
		ck_assert_int_eq(vr_strv_push(&argv, a), 0);
	return t_run(argv, env, cwd, out, err);
}

int
t_venvrun(char **out, char **err, ...)
{
	va_list ap;
	int r;

	va_start(ap, err);
	r = venvrun_va(NULL, NULL, out, err, ap);
	va_end(ap);
	return r;
}

int
t_venvrun_env(char *const env[], const char *cwd, char **out, char **err, ...)
{
	va_list ap;
	int r;

	va_start(ap, err);
	r = venvrun_va(env, cwd, out, err, ap);
	va_end(ap);
	return r;
}

void
t_write_file(const char *path, const char *content, bool executable)
{
	struct vr_error e = VR_ERROR_INIT;
	int r;

	unlink(path);
	r = vr_write_file_at(AT_FDCWD, path, content, strlen(content), executable ? 0755 : 0644, 0, NULL, &e);
	ck_assert_msg(r == 0, "writing %s: %s", path, e.message);
}

char *
t_read_file(const char *path)
{
	char *s = NULL;

	if (vr_read_file_at(AT_FDCWD, path, 64 << 20, &s, NULL, NULL, NULL) < 0)
		return NULL;
	return s;
}

char **
t_procs_with(const char *needle, pid_t skip)
{
	DIR *d = opendir("/proc");
	char **found = NULL;
	struct dirent *de;

	ck_assert_ptr_nonnull(d);
	while ((de = readdir(d))) {
		char path[300], buf[65536];
		pid_t pid = atoi(de->d_name);
		ssize_t n;
		int fd;

		if (pid <= 0 || pid == skip || pid == getpid())
			continue;
		snprintf(path, sizeof path, "/proc/%s/cmdline", de->d_name);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		n = read(fd, buf, sizeof buf - 1);
		close(fd);
		if (n <= 0)
			continue; /* a kernel thread, or a zombie */
		for (ssize_t i = 0; i < n; i++)
			if (!buf[i])
				buf[i] = ' ';
		buf[n] = 0;
		if (strstr(buf, needle))
			ck_assert_int_eq(vr_strv_consume(&found, t_strdupf("%d: %.200s", (int)pid, buf)), 0);
	}
	closedir(d);
	return found;
}

static void
add_case(Suite *s, const struct t_case *c, void (*setup)(void), void (*teardown)(void))
{
	TCase *tc = tcase_create(c->name);

	tcase_add_test(tc, *c->test);
	if (setup || teardown)
		tcase_add_checked_fixture(tc, setup, teardown);
	/* Integration cases run real interpreters; the per-case limit is generous and
	 * CK_DEFAULT_TIMEOUT can still override it. */
	tcase_set_timeout(tc, 300);
	suite_add_tcase(s, tc);
}

Suite *
t_suite(const char *name, const struct t_case *cases, size_t n, void (*setup)(void), void (*teardown)(void))
{
	Suite *s = suite_create(name);

	for (size_t i = 0; i < n; i++)
		add_case(s, &cases[i], setup, teardown);
	return s;
}

Suite *
t_suite_of_tables(const char *name, const struct t_case *const *tables, size_t n_tables, void (*setup)(void),
		  void (*teardown)(void))
{
	Suite *s = suite_create(name);

	for (size_t t = 0; t < n_tables; t++)
		for (const struct t_case *c = tables[t]; c->name; c++)
			add_case(s, c, setup, teardown);
	return s;
}

int
t_run_suite(Suite *s)
{
	const char *base = getenv("TMPDIR");
	char *parent = NULL;
	SRunner *sr;
	int failed;

	/* Outside a running test: no ck_assert here, so no t_strdupf. */
	if (asprintf(&parent, "%s/venvrun-tests-XXXXXX", base && *base ? base : "/tmp") < 0)
		return EXIT_FAILURE;

	/* A failed assertion ends a forked test before its own clean-up runs: every test's
	 * temporary directories go under one parent that is removed here, whatever happened. */
	if (!mkdtemp(parent)) {
		fprintf(stderr, "cannot create a temporary directory under %s: %s\n", base ? base : "/tmp",
			strerror(errno));
		return EXIT_FAILURE;
	}
	setenv("TMPDIR", parent, 1);
	sr = srunner_create(s);
	srunner_set_fork_status(sr, CK_FORK);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	/* Tests may have made parts of it unwritable for the unprivileged-user cases. */
	chmod(parent, 0700);
	t_rm_rf(parent);
	free(parent);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
