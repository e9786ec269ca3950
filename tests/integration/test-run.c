/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * `venvrun [run] ENV -- CMD`, `venvrun install` and `describe`, driven through the built
 * binary on real envs: what the run issue's "Must show" promises. Each promise is a test
 * run twice: as the caller (root under meson's usual set-up, so without a user
 * namespace) and as an unprivileged user (65534, through setpriv, so with one). Every
 * test also shows from outside the sandbox that what it checks is really there, so it
 * can fail.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <glob.h>
#include <jansson.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "macro.h"
#include "strv.h"
#include "testlib.h"

extern char **environ;

#define NOBODY 65534

enum who {
	AS_CALLER,
	AS_NOBODY,
};

/* The state of one test (each runs in its own forked process). */
static enum who who;
static char *scratch;	  /* the test's directory, realpath, 0755 */
static char *home;	  /* HOME for every command: owned by whoever runs them */
static char *work;	  /* the working directory of every command */
static char *setpriv_bin; /* setpriv, for AS_NOBODY */
static char **base_env;	  /* the environment every command gets (K=V, or K to unset) */
static const char *host_python = "/usr/bin/python3";

/* ---- set-up ------------------------------------------------------------------------ */

static void
mkdir_p(const char *path)
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

/* Start a test as `w`. False when that half cannot run here (a note says why). */
static bool
begin(enum who w)
{
	_cleanup_free_ char *t = NULL, *parent = NULL;

	who = w;
	if (w == AS_NOBODY) {
		if (geteuid() != 0) {
			fprintf(stderr, "note: not root: the unprivileged half is the caller's own run\n");
			return false;
		}
		setpriv_bin = t_which("setpriv");
		if (!setpriv_bin) {
			fprintf(stderr, "note: setpriv is not installed: the unprivileged half is skipped\n");
			return false;
		}
	}
	ck_assert_msg(access(host_python, X_OK) == 0, "%s is needed to make envs", host_python);
	t = t_tmpdir("run");
	scratch = realpath(t, NULL);
	ck_assert_ptr_nonnull(scratch);
	/* The scratch directory and the per-run parent t_run_suite made (both 0700) must be
	 * searchable by 65534; the rest of the chain is the machine's. */
	parent = strndup(scratch, (size_t)(strrchr(scratch, '/') - scratch));
	ck_assert_int_eq(chmod(scratch, 0755), 0);
	if (w == AS_NOBODY) {
		ck_assert_int_eq(chmod(parent, 0755), 0);
		if (!nobody_can_reach(scratch)) {
			fprintf(stderr, "note: user %d cannot reach %s: the unprivileged half is skipped\n", NOBODY,
				scratch);
			return false;
		}
	}
	home = t_path(scratch, "home");
	work = t_path(scratch, "work");
	mkdir_p(home);
	mkdir_p(work);

	vr_strv_consume(&base_env, t_strdupf("HOME=%s", home));
	vr_strv_consume(&base_env, t_strdupf("VENVRUN_CACHE_DIR=%s/cache", scratch));
	vr_strv_consume(&base_env, t_strdupf("VENVRUN_HOME=%s/envs", scratch));
	vr_strv_consume(&base_env, t_strdupf("XDG_CONFIG_HOME=%s/.config", home));
	vr_strv_consume(&base_env, t_strdupf("XDG_CACHE_HOME=%s/.cache", home));
	vr_strv_consume(&base_env, t_strdupf("XDG_DATA_HOME=%s/.local/share", home));
	/* Unset: the caller's Python and pip settings. Tests set some on purpose. */
	vr_strv_push(&base_env, "PYTHONPATH");
	vr_strv_push(&base_env, "PYTHONHOME");
	vr_strv_push(&base_env, "PYTHONUSERBASE");
	vr_strv_push(&base_env, "PYTHONSTARTUP");
	vr_strv_push(&base_env, "PYTHONNOUSERSITE");
	vr_strv_push(&base_env, "VIRTUAL_ENV");
	vr_strv_push(&base_env, "PIP_CONFIG_FILE");
	vr_strv_push(&base_env, "PIP_INDEX_URL");
	vr_strv_push(&base_env, "PIP_FIND_LINKS");
	return true;
}

static int
chown_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return lchown(path, NOBODY, NOBODY) < 0 ? -1 : 0;
}

/* What root wrote into the scratch directory now belongs to 65534, in both halves: as
 * nobody, venvrun itself is 65534; started as root, venvrun runs the program as nobody
 * (65534) when the policy names no user, and the program writes its working directory and,
 * with --writable-env, its env. Called after writing files and before running commands. */
static void
hand_over(void)
{
	if (geteuid() == 0)
		ck_assert_int_eq(nftw(scratch, chown_one, 32, FTW_PHYS), 0);
}

/* ---- running commands ---------------------------------------------------------------- */

/* base_env with `extra` layered on top (an extra entry replaces a base one of its name). */
static char **
merged(char *const extra[])
{
	char **v = NULL;

	for (size_t i = 0; base_env[i]; i++) {
		size_t klen = strcspn(base_env[i], "=");
		bool replaced = false;

		for (size_t k = 0; extra && extra[k]; k++)
			if (strcspn(extra[k], "=") == klen && strneq(extra[k], base_env[i], klen))
				replaced = true;
		if (!replaced)
			vr_strv_push(&v, base_env[i]);
	}
	for (size_t k = 0; extra && extra[k]; k++)
		vr_strv_push(&v, extra[k]);
	return v;
}

/* argv as whoever the test is, with setpriv in front for AS_NOBODY. */
static char **
as_who(char *const argv[])
{
	char **v = NULL;

	if (who == AS_NOBODY) {
		vr_strv_push(&v, setpriv_bin);
		vr_strv_push(&v, "--reuid=65534");
		vr_strv_push(&v, "--regid=65534");
		vr_strv_push(&v, "--clear-groups");
		vr_strv_push(&v, "--");
	}
	for (size_t i = 0; argv[i]; i++)
		vr_strv_push(&v, argv[i]);
	return v;
}

/* Run argv (absolute argv[0]) in `work` with base_env + extra. */
static int
run_argv(char *const extra[], char **out, char **err, char *const argv[])
{
	_cleanup_strv_free_ char **env = merged(extra), **a = as_who(argv);

	return t_run(a, env, work, out, err);
}

static int
run_va(char *const extra[], char **out, char **err, bool venvrun, va_list ap)
{
	_cleanup_strv_free_ char **argv = NULL;
	const char *s;

	if (venvrun)
		vr_strv_push(&argv, t_venvrun_bin());
	while ((s = va_arg(ap, const char *)))
		vr_strv_push(&argv, s);
	return run_argv(extra, out, err, argv);
}

/* venvrun ARGS... as the test's user, in `work`. */
static int vr(char **out, char **err, ...) __attribute__((sentinel));
static int
vr(char **out, char **err, ...)
{
	va_list ap;
	int r;

	va_start(ap, err);
	r = run_va(NULL, out, err, true, ap);
	va_end(ap);
	return r;
}

/* Any program (absolute path) as the test's user, outside the sandbox. */
static int host(char **out, char **err, ...) __attribute__((sentinel));
static int
host(char **out, char **err, ...)
{
	va_list ap;
	int r;

	va_start(ap, err);
	r = run_va(NULL, out, err, false, ap);
	va_end(ap);
	return r;
}

/* Start venvrun ARGS in the background (stdout to /dev/null, stderr to `errfile`). */
static pid_t
spawn_vr(const char *errfile, char *const args[])
{
	_cleanup_strv_free_ char **argv = NULL, **a = NULL, **extra = merged(NULL), **envp = NULL;
	pid_t pid;

	vr_strv_push(&argv, t_venvrun_bin());
	for (size_t i = 0; args[i]; i++)
		vr_strv_push(&argv, args[i]);
	a = as_who(argv);
	for (size_t i = 0; environ[i]; i++) {
		size_t klen = strcspn(environ[i], "=");
		bool replaced = false;

		for (size_t k = 0; extra[k]; k++)
			if (strcspn(extra[k], "=") == klen && strneq(extra[k], environ[i], klen))
				replaced = true;
		if (!replaced)
			vr_strv_push(&envp, environ[i]);
	}
	for (size_t k = 0; extra[k]; k++)
		if (strchr(extra[k], '='))
			vr_strv_push(&envp, extra[k]);

	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR | O_CLOEXEC);
		int e = open(errfile, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

		if (null < 0 || e < 0 || dup2(null, 0) < 0 || dup2(null, 1) < 0 || dup2(e, 2) < 0 || chdir(work) < 0)
			_exit(120);
		execve(a[0], a, envp);
		_exit(121);
	}
	return pid;
}

/* Wait up to `ms` for `pid`; its status as t_run reports it, or -1 when it still runs. */
static int
wait_for(pid_t pid, int ms)
{
	for (int i = 0; i <= ms / 10; i++) {
		int st;
		pid_t r = waitpid(pid, &st, WNOHANG);

		ck_assert_int_ge(r, 0);
		if (r == pid)
			return WIFSIGNALED(st) ? 128 + WTERMSIG(st) : WEXITSTATUS(st);
		usleep(10000);
	}
	return -1;
}

/* Wait up to `ms` for a file to appear while `pid` still runs. */
static bool
wait_file(const char *path, pid_t pid, int ms)
{
	for (int i = 0; i <= ms / 10; i++) {
		if (t_exists(path))
			return true;
		if (waitpid(pid, NULL, WNOHANG) == pid)
			return false;
		usleep(10000);
	}
	return false;
}

/* The host's processes whose command line holds `needle` (NULs kept as NULs), but `skip`. */
static char **
procs_with(const char *needle, pid_t skip)
{
	DIR *d = opendir("/proc");
	char **found = NULL;
	struct dirent *de;

	ck_assert_ptr_nonnull(d);
	while ((de = readdir(d))) {
		char path[300], buf[65536];
		ssize_t n;
		int fd;

		if (de->d_name[0] < '1' || de->d_name[0] > '9' || atoi(de->d_name) == skip ||
		    atoi(de->d_name) == getpid())
			continue;
		snprintf(path, sizeof path, "/proc/%s/cmdline", de->d_name);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		n = read(fd, buf, sizeof buf);
		close(fd);
		if (n > 0 && memmem(buf, (size_t)n, needle, strlen(needle))) {
			for (ssize_t i = 0; i < n - 1; i++)
				if (!buf[i])
					buf[i] = ' ';
			buf[n - 1] = '\0';
			vr_strv_consume(&found, t_strdupf("%s: %.200s", de->d_name, buf));
		}
	}
	closedir(d);
	return found;
}

/* Kill what a failed test left behind, so one failure does not leave sleepers around. */
static void
kill_procs(char **found)
{
	for (size_t i = 0; found && found[i]; i++)
		kill(atoi(found[i]), SIGKILL);
}

static char *
joined(char **v)
{
	char *s = strdup("");

	for (size_t i = 0; v && v[i]; i++) {
		char *t = t_strdupf("%s\n  %s", s, v[i]);
		free(s);
		s = t;
	}
	return s;
}

/* A marker unique to this test run, for finding its processes in /proc. */
static char *
unique_marker(const char *what)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return t_strdupf("vrtest-%s-%d-%ld%09ld", what, (int)getpid(), (long)ts.tv_sec, ts.tv_nsec);
}

/* ---- assertions and JSON ------------------------------------------------------------- */

static json_t *
parse_json(const char *what, const char *out)
{
	json_error_t jerr;
	json_t *j = json_loads(out ? out : "", 0, &jerr);

	ck_assert_msg(j != NULL, "%s printed no JSON (%s): %s", what, jerr.text, out);
	return j;
}

static const char *
jstr(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	ck_assert_msg(s != NULL, "no string '%s'", key);
	return s;
}

/* ---- envs and wheels ----------------------------------------------------------------- */

/* What the tests need to know of an env, asked of its python outside the sandbox. */
struct env_facts {
	char *path;
	char *python; /* ENV/bin/python */
	char *site;   /* its site-packages (purelib) */
	char *xy;     /* "3.11" */
	char *base;   /* the base interpreter, as sys._base_executable names it */
};

static void
env_facts_done(struct env_facts *f)
{
	free(f->path);
	free(f->python);
	free(f->site);
	free(f->xy);
	free(f->base);
}

static struct env_facts
facts_of(const char *env)
{
	_cleanup_free_ char *py = t_strdupf("%s/bin/python", env), *out = NULL, *err = NULL;
	struct env_facts f = { .path = strdup(env), .python = NULL };
	json_t *j;
	int rc;

	rc = host(&out, &err, py, "-c",
		  "import json, sys, sysconfig\n"
		  "print(json.dumps({'site': sysconfig.get_paths()['purelib'], 'base': sys._base_executable,\n"
		  " 'xy': '%d.%d' % sys.version_info[:2]}))\n",
		  NULL);
	ck_assert_msg(rc == 0, "%s failed (%d): %s", py, rc, err);
	j = parse_json(py, out);
	f.python = TAKE_PTR(py);
	f.site = strdup(jstr(j, "site"));
	f.xy = strdup(jstr(j, "xy"));
	f.base = strdup(jstr(j, "base"));
	json_decref(j);
	return f;
}

/* `python3 -m venv` (Debian seeds pip from /usr/share/python-wheels, offline), as the
 * test's user. */
static struct env_facts
make_venv(const char *name, bool with_pip)
{
	_cleanup_free_ char *env = t_path(scratch, "%s", name), *err = NULL;
	int rc;

	hand_over();
	if (with_pip)
		rc = host(NULL, &err, host_python, "-m", "venv", env, NULL);
	else
		rc = host(NULL, &err, host_python, "-m", "venv", "--without-pip", env, NULL);
	ck_assert_msg(rc == 0, "python3 -m venv %s failed (%d): %s", env, rc, err);
	return facts_of(env);
}

static const char mkwheel_py[] =
	"import base64, hashlib, sys, zipfile\n"
	"d, n = sys.argv[1], sys.argv[2]\n"
	"info = 'marker-%s.dist-info' % n\n"
	"files = {\n"
	"    'marker/__init__.py': 'VERSION = %s\\n' % n,\n"
	"    info + '/METADATA': 'Metadata-Version: 2.1\\nName: marker\\nVersion: %s\\n' % n,\n"
	"    info + '/WHEEL': 'Wheel-Version: 1.0\\nGenerator: venvrun-test\\nRoot-Is-Purelib: true\\n'\n"
	"                     'Tag: py3-none-any\\n',\n"
	"}\n"
	"record = []\n"
	"for name, text in files.items():\n"
	"    digest = hashlib.sha256(text.encode()).digest()\n"
	"    h = base64.urlsafe_b64encode(digest).rstrip(b'=').decode()\n"
	"    record.append('%s,sha256=%s,%d' % (name, h, len(text.encode())))\n"
	"record.append(info + '/RECORD,,')\n"
	"files[info + '/RECORD'] = '\\n'.join(record) + '\\n'\n"
	"with zipfile.ZipFile('%s/marker-%s-py3-none-any.whl' % (d, n), 'w') as z:\n"
	"    for name, text in files.items():\n"
	"        z.writestr(name, text)\n";

/* scratch/wheels with marker 1, 2 and 3. Returns the directory. */
static char *
make_wheels(void)
{
	char *dir = t_path(scratch, "wheels");
	_cleanup_free_ char *script = t_path(scratch, "mkwheel.py");

	mkdir_p(dir);
	t_write_file(script, mkwheel_py, false);
	hand_over();
	for (int n = 1; n <= 3; n++) {
		_cleanup_free_ char *num = t_strdupf("%d", n), *err = NULL, *whl = NULL;

		ck_assert_msg(host(NULL, &err, host_python, script, dir, num, NULL) == 0, "mkwheel: %s", err);
		whl = t_strdupf("%s/marker-%d-py3-none-any.whl", dir, n);
		ck_assert(t_exists(whl));
	}
	return dir;
}

/* A marker package written straight into a directory (no pip). */
static void
put_marker(const char *dir, int version)
{
	_cleanup_free_ char *pkg = t_strdupf("%s/marker", dir), *init = t_strdupf("%s/marker/__init__.py", dir);
	_cleanup_free_ char *text = t_strdupf("VERSION = %d\n", version);

	mkdir_p(pkg);
	t_write_file(init, text, false);
}

/* `venvrun install --ro-bind WHEELS ENV -- --no-index --find-links WHEELS marker==N`, the
 * documented form (venvrun install ENV -- requests). When it fails, the form with pip's
 * verb is tried so the isolation tests still say something; install_passes_pip_install_args
 * is the test that fails then. */
static void
install_marker(const char *env, const char *wheels, int n)
{
	_cleanup_free_ char *req = t_strdupf("marker==%d", n), *out = NULL, *err = NULL;
	_cleanup_free_ char *out2 = NULL, *err2 = NULL;
	int rc;

	rc = vr(&out, &err, "install", "--ro-bind", wheels, env, "--", "--no-index", "--find-links", wheels, req, NULL);
	if (rc != 0) {
		fprintf(stderr,
			"note: 'venvrun install ENV -- %s' failed (%d): %s%s; trying 'install ENV -- install ...'\n",
			req, rc, out, err);
		rc = vr(&out2, &err2, "install", "--ro-bind", wheels, env, "--", "install", "--no-index",
			"--find-links", wheels, req, NULL);
		ck_assert_msg(rc == 0, "venvrun install of %s into %s failed (%d): %s%s", req, env, rc, out2, err2);
	}
}

/* `import marker` in ENV's sandbox after putting `front` (a JSON list) at the front of
 * sys.path; what it gives, and which of those paths are there (exist, not empty). */
static const char marker_probe[] = "import json, os, sys\n"
				   "front = json.loads(sys.argv[1])\n"
				   "sys.path[0:0] = front\n"
				   "import marker\n"
				   "print(json.dumps({'version': marker.VERSION, 'file': marker.__file__,\n"
				   " 'visible': [p for p in front if os.path.isdir(p) and os.listdir(p)],\n"
				   " 'PYTHONPATH': os.environ.get('PYTHONPATH')}))\n";

static json_t *
marker_in(bool sandboxed, const char *env, char *const front[], char *const extra[], char *const opts[])
{
	_cleanup_free_ char *py = t_strdupf("%s/bin/python", env), *out = NULL, *err = NULL, *list = NULL;
	_cleanup_strv_free_ char **argv = NULL;
	json_t *a = json_array();
	int rc;

	for (size_t i = 0; front && front[i]; i++)
		json_array_append_new(a, json_string(front[i]));
	list = json_dumps(a, JSON_COMPACT);
	json_decref(a);
	if (sandboxed) {
		vr_strv_push(&argv, t_venvrun_bin());
		for (size_t i = 0; opts && opts[i]; i++)
			vr_strv_push(&argv, opts[i]);
		vr_strv_push(&argv, env);
		vr_strv_push(&argv, "--");
		vr_strv_push(&argv, "python");
	} else {
		vr_strv_push(&argv, py);
	}
	vr_strv_push(&argv, "-c");
	vr_strv_push(&argv, marker_probe);
	vr_strv_push(&argv, list);
	rc = run_argv(extra, &out, &err, argv);
	ck_assert_msg(rc == 0, "import marker %s %s failed (%d): %s", sandboxed ? "inside" : "outside", env, rc, err);
	return parse_json("the marker probe", out);
}

static long
marker_version(json_t *j)
{
	return (long)json_integer_value(json_object_get(j, "version"));
}

/* ---- non-interference ------------------------------------------------------------------ */

static void
noninterference(enum who w)
{
	_cleanup_free_ char *wheels = NULL, *usersite = NULL, *pypath = NULL, *pp_env = NULL;
	struct env_facts a, b;
	json_t *j;

	if (!begin(w))
		return;
	wheels = make_wheels();
	a = make_venv("A", true);
	b = make_venv("B", true);
	install_marker(a.path, wheels, 1);
	install_marker(b.path, wheels, 2);

	/* marker 3: in the user site of the caller's HOME, and in a directory on PYTHONPATH. */
	usersite = t_strdupf("%s/.local/lib/python%s/site-packages", home, a.xy);
	pypath = t_path(scratch, "pythonpath");
	put_marker(usersite, 3);
	put_marker(pypath, 3);
	pp_env = t_strdupf("PYTHONPATH=%s", pypath);
	hand_over();

	char *extra[] = { pp_env, NULL };
	char *front[] = { b.site, "/usr/lib/python3/dist-packages", usersite, pypath, NULL };

	/* Each env sees its own, whatever the caller's PYTHONPATH and user site say. */
	j = marker_in(true, a.path, NULL, extra, NULL);
	ck_assert_int_eq(marker_version(j), 1);
	ck_assert_msg(json_is_null(json_object_get(j, "PYTHONPATH")), "PYTHONPATH leaked into the sandbox");
	json_decref(j);
	j = marker_in(true, b.path, NULL, extra, NULL);
	ck_assert_int_eq(marker_version(j), 2);
	json_decref(j);

	/* Inside A, B's site-packages, the system dist-packages, the user site and the
	 * PYTHONPATH directory put first on sys.path change nothing: they are absent or empty
	 * there. */
	j = marker_in(true, a.path, front, extra, NULL);
	ck_assert_int_eq(marker_version(j), 1);
	ck_assert_msg(json_array_size(json_object_get(j, "visible")) == 0, "visible inside A: %s",
		      json_dumps(json_object_get(j, "visible"), JSON_COMPACT));
	json_decref(j);

	/* And the other way round: A's site-packages first in B gives B's. */
	j = marker_in(true, b.path, (char *[]){ a.site, NULL }, extra, NULL);
	ck_assert_int_eq(marker_version(j), 2);
	json_decref(j);

	/* Outside, the same paths do reach B's, the user site's and PYTHONPATH's marker. */
	j = marker_in(false, a.path, (char *[]){ b.site, NULL }, NULL, NULL);
	ck_assert_int_eq(marker_version(j), 2);
	json_decref(j);
	j = marker_in(false, a.path, (char *[]){ usersite, NULL }, NULL, NULL);
	ck_assert_int_eq(marker_version(j), 3);
	json_decref(j);
	j = marker_in(false, a.path, NULL, extra, NULL);
	ck_assert_int_eq(marker_version(j), 3);
	json_decref(j);
	j = marker_in(false, a.path, front, NULL, NULL);
	ck_assert_int_eq(json_array_size(json_object_get(j, "visible")),
			 t_exists("/usr/lib/python3/dist-packages") ? 4 : 3);
	json_decref(j);

	/* PYTHONPATH passes when asked for, and then its directory (bound in) wins: proof that
	 * the PYTHONPATH checks above could fail. */
	{
		_cleanup_free_ char *bind = t_strdupf("%s", pypath);
		char *opts[] = { "--keep-env", "PYTHONPATH", "--ro-bind", bind, NULL };

		j = marker_in(true, a.path, NULL, extra, opts);
		ck_assert_int_eq(marker_version(j), 3);
		ck_assert_str_eq(jstr(j, "PYTHONPATH"), pypath);
		json_decref(j);
	}
	env_facts_done(&a);
	env_facts_done(&b);
}

START_TEST(noninterference_as_caller)
{
	noninterference(AS_CALLER);
}
END_TEST

START_TEST(noninterference_as_nobody)
{
	noninterference(AS_NOBODY);
}
END_TEST

/* The documented form of install: venvrun install ENV -- PACKAGES (pip install's args). */
START_TEST(install_passes_pip_install_args)
{
	_cleanup_free_ char *wheels = NULL, *out = NULL, *err = NULL, *init = NULL;
	struct env_facts a;
	int rc;

	if (!begin(AS_CALLER))
		return;
	wheels = make_wheels();
	a = make_venv("A", true);
	rc = vr(&out, &err, "install", "--ro-bind", wheels, a.path, "--", "--no-index", "--find-links", wheels,
		"marker==1", NULL);
	ck_assert_msg(rc == 0, "venvrun install ENV -- --no-index --find-links W marker==1 failed (%d): %s%s", rc, out,
		      err);
	init = t_strdupf("%s/marker/__init__.py", a.site);
	ck_assert_msg(t_exists(init), "install reported success but %s is missing", init);
	env_facts_done(&a);
}
END_TEST

/* A run from a directory that holds both envs (a project with .tox/py311 and .tox/py312,
 * ~/envs/{a,b}): the working directory is bound read-write, and with it the other env. */
static void
sibling_env(enum who w)
{
	_cleanup_free_ char *other_init = NULL, *out = NULL, *err = NULL, *proj = NULL;
	char *saved;
	struct env_facts a, b;
	json_t *j;
	int rc;

	if (!begin(w))
		return;
	/* scratch/proj/{A,B}, run from scratch/proj. (HOME, scratch/home, is beside it: a
	 * working directory that holds HOME is not bound at all.) */
	proj = t_path(scratch, "proj");
	mkdir_p(proj);
	a = make_venv("proj/A", false);
	b = make_venv("proj/B", false);
	put_marker(a.site, 1);
	put_marker(b.site, 2);
	other_init = t_strdupf("%s/marker/__init__.py", b.site);
	hand_over();
	saved = work;
	work = TAKE_PTR(proj);
	j = marker_in(true, a.path, (char *[]){ b.site, NULL }, NULL, NULL);
	ck_assert_msg(marker_version(j) == 1, "inside A, run from the parent of A and B, B's marker was imported (%s)",
		      jstr(j, "file"));
	json_decref(j);
	rc = vr(&out, &err, a.path, "--", "python", "-c",
		"import sys\n"
		"try:\n"
		"    open(sys.argv[1], 'a').close(); print('written')\n"
		"except OSError as e:\n"
		"    print(e.errno)\n",
		other_init, NULL);
	ck_assert_int_eq(rc, 0);
	ck_assert_msg(!streq(out, "written\n"), "a program in A wrote into env B's site-packages");
	free(work);
	work = saved;
	env_facts_done(&a);
	env_facts_done(&b);
}

START_TEST(sibling_env_under_workdir_is_hidden_as_caller)
{
	sibling_env(AS_CALLER);
}
END_TEST

START_TEST(sibling_env_under_workdir_is_hidden_as_nobody)
{
	sibling_env(AS_NOBODY);
}
END_TEST

/* ---- what is inside ------------------------------------------------------------------ */

/* Python installations and site directories on the host, found by walking /usr and /opt
 * a few levels deep: not only those discovery knows. */
static char **walk_pythons, **walk_sites;

static int
walk_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	const char *name = path + ftw->base;

	if (flag == FTW_D) {
		if (streq(name, "site-packages") || streq(name, "dist-packages")) {
			vr_strv_push(&walk_sites, path);
			return FTW_SKIP_SUBTREE;
		}
		return ftw->level >= 8 ? FTW_SKIP_SUBTREE : FTW_CONTINUE;
	}
	if ((flag == FTW_F || flag == FTW_SL) && (vr_startswith(name, "python") || vr_startswith(name, "pypy"))) {
		const char *v = name + (name[1] == 'y' && name[2] == 't' ? 6 : 4);

		/* python, python3, python3.12, pypy3.9: not python3-config, pypy3compile. */
		if (strspn(v, "0123456789.") == strlen(v) && (flag == FTW_SL || (st->st_mode & 0111)))
			vr_strv_push(&walk_pythons, path);
	}
	return FTW_CONTINUE;
}

static void
walk_host(void)
{
	const char *roots[] = { "/usr", "/opt" };
	const char *pyenv = getenv("PYENV_ROOT");
	_cleanup_free_ char *pat1 = NULL, *pat2 = NULL;
	glob_t g;

	for (size_t i = 0; i < ELEMENTSOF(roots); i++)
		if (t_exists(roots[i]))
			nftw(roots[i], walk_one, 32, FTW_PHYS | FTW_ACTIONRETVAL | FTW_MOUNT);
	/* pyenv's CPythons, where the test's environment says they are. */
	pyenv = pyenv && *pyenv ? pyenv : "/root/.pyenv";
	pat1 = t_strdupf("%s/versions/*/bin/python*", pyenv);
	pat2 = t_strdupf("%s/versions/*/lib/python*/site-packages", pyenv);
	if (glob(pat1, 0, NULL, &g) == 0) {
		for (size_t i = 0; i < g.gl_pathc; i++)
			if (!vr_endswith(g.gl_pathv[i], "-config") && !vr_endswith(g.gl_pathv[i], "-gdb.py"))
				vr_strv_push(&walk_pythons, g.gl_pathv[i]);
		globfree(&g);
	}
	if (glob(pat2, 0, NULL, &g) == 0) {
		for (size_t i = 0; i < g.gl_pathc; i++)
			vr_strv_push(&walk_sites, g.gl_pathv[i]);
		globfree(&g);
	}
}

/* The site directories the base interpreter itself names, for the test's HOME. */
static const char base_sites_py[] = "import json, site, sysconfig\n"
				    "d = list(site.getsitepackages()) + [site.getusersitepackages()]\n"
				    "for s in sysconfig.get_scheme_names():\n"
				    "    for k in ('purelib', 'platlib'):\n"
				    "        try:\n"
				    "            d.append(sysconfig.get_paths(s)[k])\n"
				    "        except Exception:\n"
				    "            pass\n"
				    "print(json.dumps(sorted(set(d))))\n";

static const char inside_probe[] =
	"import json, os, sys\n"
	"def look(p):\n"
	"    try:\n"
	"        return sorted(os.listdir(p))\n"
	"    except OSError as e:\n"
	"        return e.errno\n"
	"dirs, secret, envfile = json.loads(sys.argv[1]), sys.argv[2], sys.argv[3]\n"
	"r = {'path': sys.path, 'dirs': {p: look(p) for p in dirs}, 'home': look(os.environ['HOME']),\n"
	"     'env': dict(os.environ)}\n"
	"try:\n"
	"    r['secret'] = open(secret).read()\n"
	"except OSError as e:\n"
	"    r['secret'] = e.errno\n"
	"try:\n"
	"    with open(envfile, 'w') as f:\n"
	"        f.write('x')\n"
	"    r['write'] = 0\n"
	"except OSError as e:\n"
	"    r['write'] = e.errno\n"
	"print(json.dumps(r))\n";

static void
inside_view(enum who w)
{
	_cleanup_free_ char *scripts = NULL, *probe = NULL, *secret = NULL, *usersite = NULL, *out = NULL, *err = NULL,
			    *envfile = NULL, *list = NULL, *basepath_out = NULL;
	_cleanup_free_ char *sites_out = NULL, *visible = strdup("");
	struct env_facts a;
	json_t *want, *basepath, *sites, *dirs, *v, *r;
	const char *key;
	size_t i;
	int rc;

	if (!begin(w))
		return;
	a = make_venv("A", false);
	scripts = t_path(scratch, "scripts");
	probe = t_path(scratch, "scripts/probe.py");
	mkdir_p(scripts);
	t_write_file(probe, inside_probe, false);
	/* The caller's HOME: a secret and a user site with a package in it. */
	secret = t_strdupf("%s/secret.txt", home);
	t_write_file(secret, "the caller's secret\n", false);
	usersite = t_strdupf("%s/.local/lib/python%s/site-packages", home, a.xy);
	put_marker(usersite, 3);
	envfile = t_strdupf("%s/written-by-the-program", a.path);
	hand_over();

	/* The base's stdlib entries, as the base itself prints them with -S. */
	rc = host(&basepath_out, &err, a.base, "-S", "-c", "import json, sys; print(json.dumps(sys.path))", NULL);
	ck_assert_msg(rc == 0, "%s -S: %s", a.base, err);
	basepath = parse_json(a.base, basepath_out);
	want = json_array();
	json_array_append_new(want, json_string(scripts));
	json_array_foreach (basepath, i, v)
		if (!streq(json_string_value(v), ""))
			json_array_append(want, v);
	json_array_append_new(want, json_string(a.site));

	/* Every site directory: the base's own names, and all the host has. */
	free(err);
	err = NULL;
	rc = host(&sites_out, &err, a.base, "-c", base_sites_py, NULL);
	ck_assert_msg(rc == 0, "%s: %s", a.base, err);
	sites = parse_json(a.base, sites_out);
	walk_host();
	for (i = 0; walk_sites && walk_sites[i]; i++)
		json_array_append_new(sites, json_string(walk_sites[i]));
	json_array_append_new(sites, json_string(usersite));
	const char *hidden[] = { "/home", "/run", "/opt", "/srv", "/mnt", "/media", "/root" };
	for (i = 0; i < ELEMENTSOF(hidden); i++)
		json_array_append_new(sites, json_string(hidden[i]));
	list = json_dumps(sites, JSON_COMPACT);

	/* Outside, the user site and the secret are there (the test can fail). */
	ck_assert(t_exists(secret));
	{
		_cleanup_free_ char *m = t_strdupf("%s/marker", usersite);
		ck_assert(t_exists(m));
	}

	free(out);
	free(err);
	out = err = NULL;
	/* The caller's environment carries what must not pass unless asked for. */
	_cleanup_free_ char *pp = t_strdupf("PYTHONPATH=%s", scripts),
			    *ub = t_strdupf("PYTHONUSERBASE=%s/.local", home);
	_cleanup_free_ char *st = t_strdupf("PYTHONSTARTUP=%s", probe);
	char *callers[] = { pp,
			    ub,
			    st,
			    "PYTHONHOME=/nonexistent-vrtest",
			    "LD_LIBRARY_PATH=/nonexistent-vrtest",
			    "LD_PRELOAD=",
			    "VRTEST_CALLER_TOKEN=leaked",
			    NULL };
	_cleanup_strv_free_ char **probe_argv = NULL;

	vr_strv_push(&probe_argv, t_venvrun_bin());
	vr_strv_push(&probe_argv, "--ro-bind");
	vr_strv_push(&probe_argv, scripts);
	vr_strv_push(&probe_argv, a.path);
	vr_strv_push(&probe_argv, "--");
	vr_strv_push(&probe_argv, "python");
	vr_strv_push(&probe_argv, probe);
	vr_strv_push(&probe_argv, list);
	vr_strv_push(&probe_argv, secret);
	vr_strv_push(&probe_argv, envfile);
	rc = run_argv(callers, &out, &err, probe_argv);
	ck_assert_msg(rc == 0, "probe failed (%d): %s", rc, err);
	r = parse_json("the probe", out);

	/* The environment: cleared, then the env's. */
	{
		json_t *env = json_object_get(r, "env");
		_cleanup_free_ char *bin = t_strdupf("%s/bin:", a.path);
		const char *gone[] = { "PYTHONPATH",	  "PYTHONUSERBASE", "PYTHONSTARTUP",	  "PYTHONHOME",
				       "LD_LIBRARY_PATH", "LD_PRELOAD",	    "VRTEST_CALLER_TOKEN" };

		for (i = 0; i < ELEMENTSOF(gone); i++)
			ck_assert_msg(!json_object_get(env, gone[i]), "%s passed into the sandbox", gone[i]);
		ck_assert_str_eq(jstr(env, "VIRTUAL_ENV"), a.path);
		ck_assert_msg(vr_startswith(jstr(env, "PATH"), bin), "PATH inside is '%s'", jstr(env, "PATH"));
		ck_assert_str_eq(jstr(env, "PYTHONNOUSERSITE"), "1");
		ck_assert_str_eq(jstr(env, "HOME"), home);
	}

	/* sys.path: the script's directory, the base's stdlib entries, the env's site. */
	{
		char *got = json_dumps(json_object_get(r, "path"), JSON_COMPACT), *exp = json_dumps(want, JSON_COMPACT);

		ck_assert_str_eq(got, exp);
		free(got);
		free(exp);
	}
	/* Every other site directory and the hidden trees: absent or empty. */
	dirs = json_object_get(r, "dirs");
	json_object_foreach (dirs, key, v) {
		if (streq(key, a.site) || json_is_integer(v) || (json_is_array(v) && json_array_size(v) == 0))
			continue;
		char *t = t_strdupf("%s\n  %s: %zu entries", visible, key, json_array_size(v));
		free(visible);
		visible = t;
	}
	ck_assert_msg(streq(visible, ""), "visible inside the sandbox:%s", visible);
	/* The caller's HOME: empty, its files unreadable. */
	v = json_object_get(r, "home");
	ck_assert_msg(json_is_integer(v) || json_array_size(v) == 0, "HOME is not empty inside: %s",
		      json_dumps(v, JSON_COMPACT));
	ck_assert_msg(json_is_integer(json_object_get(r, "secret")), "the caller's secret was read inside");
	/* The env is read-only in a run. */
	ck_assert_int_eq(json_integer_value(json_object_get(r, "write")), EROFS);
	ck_assert(!t_exists(envfile));
	json_decref(r);

	/* ... and writable with --writable-env. */
	free(out);
	free(err);
	out = err = NULL;
	rc = vr(&out, &err, "--writable-env", "--ro-bind", scripts, a.path, "--", "python", probe, "[]", secret,
		envfile, NULL);
	ck_assert_msg(rc == 0, "probe with --writable-env failed (%d): %s", rc, err);
	r = parse_json("the probe", out);
	ck_assert_int_eq(json_integer_value(json_object_get(r, "write")), 0);
	json_decref(r);
	{
		_cleanup_free_ char *content = t_read_file(envfile);

		ck_assert_ptr_nonnull(content);
		ck_assert_str_eq(content, "x");
	}
	json_decref(want);
	json_decref(basepath);
	json_decref(sites);
	env_facts_done(&a);
}

START_TEST(inside_view_as_caller)
{
	inside_view(AS_CALLER);
}
END_TEST

START_TEST(inside_view_as_nobody)
{
	inside_view(AS_NOBODY);
}
END_TEST

/* No Python but the env's interpreter runs inside: every other one the host has (that runs
 * on the host for this user) fails to execute. */
static void
no_other_python(enum who w)
{
	_cleanup_free_ char *base_real = NULL, *out = NULL, *err = NULL, *ran = strdup("");
	struct env_facts a;
	size_t tried = 0;

	if (!begin(w))
		return;
	a = make_venv("A", false);
	base_real = realpath(a.base, NULL);
	ck_assert_ptr_nonnull(base_real);
	walk_host();

	/* The control: the env's own interpreter runs. */
	ck_assert_int_eq(vr(&out, &err, a.path, "--", base_real, "-c", "print(12345)", NULL), 0);
	ck_assert_str_eq(out, "12345\n");

	for (size_t i = 0; walk_pythons && walk_pythons[i]; i++) {
		const char *py = walk_pythons[i];
		_cleanup_free_ char *real = realpath(py, NULL), *o = NULL, *e = NULL, *o2 = NULL, *e2 = NULL;
		int rc;

		if (!real || streq(real, base_real))
			continue;
		/* Only what runs here outside is a real candidate. */
		if (host(&o, &e, py, "-c", "print(12345)", NULL) != 0 || !streq(o, "12345\n"))
			continue;
		tried++;
		rc = vr(&o2, &e2, a.path, "--", py, "-c", "print(12345)", NULL);
		if (rc == 126 || rc == 127) {
			ck_assert_str_eq(o2, "");
			t_assert_one_line_error(e2, py);
		} else {
			char *t = t_strdupf("%s\n  %s (%s): status %d, printed '%s'", ran, py, real, rc, o2);
			free(ran);
			ran = t;
		}
	}
	if (tried == 0)
		fprintf(stderr, "note: no Python but the base runs on this host; nothing to try\n");
	else
		fprintf(stderr, "note: tried %zu other Pythons of this host inside the sandbox\n", tried);
	ck_assert_msg(streq(ran, ""), "other Pythons run inside the sandbox:%s", ran);
	env_facts_done(&a);
}

START_TEST(no_other_python_runs_as_caller)
{
	no_other_python(AS_CALLER);
}
END_TEST

START_TEST(no_other_python_runs_as_nobody)
{
	no_other_python(AS_NOBODY);
}
END_TEST

/* ---- exit statuses and bad input ------------------------------------------------------ */

static void
exit_statuses(enum who w)
{
	_cleanup_free_ char *scripts = NULL, *plain = NULL, *missing = NULL;
	struct env_facts a;
	struct {
		char *argv[6];
		int status;
		const char *needle; /* NULL: stderr must be empty */
	} cases[] = {
		{ { "true" }, 0, NULL },
		{ { "sh", "-c", "exit 3" }, 3, NULL },
		{ { "sh", "-c", "kill -KILL $$" }, 137, NULL },
		{ { "venvrun-test-no-such-command" }, 127, "venvrun-test-no-such-command" },
		{ { NULL }, 127, NULL }, /* missing: an absolute path that does not exist */
		{ { NULL }, 126, NULL }, /* scripts: a directory */
		{ { NULL }, 126, NULL }, /* plain: a file without x */
	};

	if (!begin(w))
		return;
	a = make_venv("A", false);
	scripts = t_path(scratch, "scripts");
	plain = t_path(scratch, "scripts/plain.txt");
	missing = t_path(scratch, "scripts/no-such-program");
	mkdir_p(scripts);
	t_write_file(plain, "#!/bin/sh\necho ran\n", false);
	hand_over();
	cases[4].argv[0] = missing;
	cases[4].needle = missing;
	cases[5].argv[0] = scripts;
	cases[5].needle = scripts;
	cases[6].argv[0] = plain;
	cases[6].needle = plain;

	for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
		_cleanup_strv_free_ char **argv = NULL;
		_cleanup_free_ char *out = NULL, *err = NULL;
		int rc;

		vr_strv_push(&argv, t_venvrun_bin());
		vr_strv_push(&argv, "--ro-bind");
		vr_strv_push(&argv, scripts);
		vr_strv_push(&argv, a.path);
		vr_strv_push(&argv, "--");
		for (size_t k = 0; cases[i].argv[k]; k++)
			vr_strv_push(&argv, cases[i].argv[k]);
		rc = run_argv(NULL, &out, &err, argv);
		ck_assert_msg(rc == cases[i].status, "%s: status %d, not %d; stderr: %s", cases[i].argv[0], rc,
			      cases[i].status, err);
		ck_assert_str_eq(out, "");
		if (cases[i].needle)
			t_assert_one_line_error(err, cases[i].needle);
		else
			ck_assert_str_eq(err, "");
	}
	env_facts_done(&a);
}

START_TEST(exit_statuses_as_caller)
{
	exit_statuses(AS_CALLER);
}
END_TEST

START_TEST(exit_statuses_as_nobody)
{
	exit_statuses(AS_NOBODY);
}
END_TEST

static void
bad_input(enum who w)
{
	_cleanup_free_ char *copydir = NULL, *copy = NULL, *envc = NULL, *ran = NULL, *nosrc = NULL, *noenv = NULL;
	_cleanup_free_ char *base_real = NULL, *out = NULL, *err = NULL, *script = NULL;
	struct env_facts a;
	int rc;

	if (!begin(w))
		return;
	a = make_venv("A", false);
	ran = t_strdupf("%s/ran", work);
	script = t_strdupf("echo ran > '%s'", ran);
	nosrc = t_path(scratch, "no-such-source");
	noenv = t_path(scratch, "no-such-env");

	/* An env made by venvrun create from a copy of the base, which is then removed. */
	base_real = realpath(a.base, NULL);
	copydir = t_path(scratch, "pycopy");
	copy = t_strdupf("%s/python%s", copydir, a.xy);
	envc = t_path(scratch, "C");
	mkdir_p(copydir);
	{
		char *argv[] = { "/bin/cp", base_real, copy, NULL };
		ck_assert_int_eq(t_run(argv, NULL, NULL, NULL, NULL), 0);
	}
	hand_over();
	rc = vr(&out, &err, "create", "-p", copy, envc, NULL);
	ck_assert_msg(rc == 0, "venvrun create -p %s failed (%d): %s", copy, rc, err);
	free(out);
	free(err);
	out = err = NULL;
	/* It runs while the copy is there. */
	rc = vr(&out, &err, envc, "--", "python", "-c", "print(12345)", NULL);
	ck_assert_msg(rc == 0, "the env of the copy does not run (%d): %s", rc, err);
	ck_assert_str_eq(out, "12345\n");
	ck_assert_int_eq(unlink(copy), 0);

	struct {
		const char *what;
		const char *argv[12];
		const char *needle;
	} cases[] = {
		{ "missing env", { noenv, "--", "sh", "-c", script }, noenv },
		{ "base removed", { envc, "--", "sh", "-c", script }, "venvrun create --upgrade" },
		{ "missing bind source", { "--bind", nosrc, a.path, "--", "sh", "-c", script }, nosrc },
		{ "bind target hidden",
		  { "--ro-bind", t_strdupf("%s:/usr/lib/python3/dist-packages/x", work), a.path, "--", "sh", "-c",
		    script },
		  "/usr/lib/python3/dist-packages" },
		{ "bad option", { "--no-such-option", a.path, "--", "sh", "-c", script }, "--no-such-option" },
		{ "bad option after run",
		  { "run", "--no-such-option", a.path, "--", "sh", "-c", script },
		  "--no-such-option" },
		{ "no command", { a.path, "--" }, "missing the command" },
		{ "bad --setenv", { "--setenv", "NOVALUE", a.path, "--", "sh", "-c", script }, "NOVALUE" },
	};

	for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
		_cleanup_strv_free_ char **argv = NULL;
		_cleanup_free_ char *o = NULL, *e = NULL;

		if (streq(cases[i].what, "bind target hidden") && !t_exists("/usr/lib/python3/dist-packages")) {
			fprintf(stderr, "note: no /usr/lib/python3/dist-packages here; hidden bind target not tried\n");
			continue;
		}
		vr_strv_push(&argv, t_venvrun_bin());
		for (size_t k = 0; cases[i].argv[k]; k++)
			vr_strv_push(&argv, cases[i].argv[k]);
		rc = run_argv(NULL, &o, &e, argv);
		ck_assert_msg(rc == 125, "%s: status %d, not 125; stderr: %s", cases[i].what, rc, e);
		ck_assert_str_eq(o, "");
		t_assert_one_line_error(e, cases[i].needle);
		ck_assert_msg(!t_exists(ran), "%s: the command ran", cases[i].what);
	}
	free((char *)cases[3].argv[1]);
	env_facts_done(&a);
}

START_TEST(bad_input_as_caller)
{
	bad_input(AS_CALLER);
}
END_TEST

START_TEST(bad_input_as_nobody)
{
	bad_input(AS_NOBODY);
}
END_TEST

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
	during = procs_with(dmark, pid);
	list = joined(during);
	ck_assert_msg(vr_strv_length(during) == 1, "expected the daemon once in /proc, found:%s", list);
	t_write_file(go, "", false);
	rc = wait_for(pid, 10000);
	if (rc < 0) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		kill_procs(procs_with(mark, 0));
	}
	ck_assert_msg(rc == 0, "venvrun %s after the program exited; the daemon:%s",
		      rc < 0 ? "did not return within 10 s" : "failed", list);
	/* Gone the moment venvrun returns, and nothing else of this run either. */
	after = procs_with(mark, 0);
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
	during = procs_with(mark, pid);
	ck_assert_msg(vr_strv_length(during) >= 3, "expected the program and its two sleepers in /proc, found:%s",
		      list = joined(during));
	ck_assert_int_eq(kill(pid, SIGKILL), 0);
	rc = wait_for(pid, 5000);
	ck_assert_int_eq(rc, 137);
	/* The kernel may take a moment to tear the namespace down: poll a little. */
	for (int i = 0; i < 100; i++) {
		vr_strv_free(after);
		after = procs_with(mark, 0);
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
	left = procs_with(mark, 0);
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

/* ---- describe -------------------------------------------------------------------------- */

START_TEST(describe_shows_the_plan)
{
	_cleanup_free_ char *out = NULL, *err = NULL;
	struct env_facts a;
	json_t *j, *plan, *m;
	bool env_ro = false, dist_hidden = false;
	size_t i;

	if (!begin(AS_CALLER))
		return;
	a = make_venv("A", false);
	ck_assert_int_eq(vr(&out, &err, "describe", "--json", a.path, NULL), 0);
	j = parse_json("describe --json", out);
	ck_assert_str_eq(jstr(j, "path"), a.path);
	plan = json_object_get(j, "plan");
	if (!plan) {
		fprintf(stderr, "note: describe --json shows no mount plan yet\n");
		json_decref(j);
		return;
	}
	json_array_foreach (json_object_get(plan, "mounts"), i, m) {
		const char *type = json_string_value(json_object_get(m, "type"));
		const char *target = json_string_value(json_object_get(m, "target"));

		if (!type || !target)
			continue;
		if (streq(type, "bind") && streq(target, a.path))
			env_ro = json_is_true(json_object_get(m, "read_only"));
		if (streq(type, "hide") && streq(target, "/usr/lib/python3/dist-packages"))
			dist_hidden = true;
	}
	ck_assert_msg(env_ro, "the plan does not bind %s read-only", a.path);
	if (t_exists("/usr/lib/python3/dist-packages"))
		ck_assert_msg(dist_hidden, "the plan does not hide /usr/lib/python3/dist-packages");
	json_decref(j);
	env_facts_done(&a);
}
END_TEST

/* The issue's synopsis: venvrun describe ENV [--json]. */
START_TEST(describe_takes_json_after_env)
{
	_cleanup_free_ char *out = NULL, *err = NULL;
	struct env_facts a;
	json_t *j;
	int rc;

	if (!begin(AS_CALLER))
		return;
	a = make_venv("A", false);
	rc = vr(&out, &err, "describe", a.path, "--json", NULL);
	ck_assert_msg(rc == 0, "venvrun describe ENV --json: status %d: %s", rc, err);
	j = parse_json("describe ENV --json", out);
	ck_assert_str_eq(jstr(j, "path"), a.path);
	json_decref(j);
	env_facts_done(&a);
}
END_TEST

static const struct t_case cases[] = {
	T_CASE(noninterference_as_caller),
	T_CASE(noninterference_as_nobody),
	T_CASE(install_passes_pip_install_args),
	T_CASE(sibling_env_under_workdir_is_hidden_as_caller),
	T_CASE(sibling_env_under_workdir_is_hidden_as_nobody),
	T_CASE(inside_view_as_caller),
	T_CASE(inside_view_as_nobody),
	T_CASE(no_other_python_runs_as_caller),
	T_CASE(no_other_python_runs_as_nobody),
	T_CASE(exit_statuses_as_caller),
	T_CASE(exit_statuses_as_nobody),
	T_CASE(bad_input_as_caller),
	T_CASE(bad_input_as_nobody),
	T_CASE(sigterm_reaches_the_program_as_caller),
	T_CASE(sigterm_reaches_the_program_as_nobody),
	T_CASE(daemon_is_reaped_as_caller),
	T_CASE(daemon_is_reaped_as_nobody),
	T_CASE(kill9_leaves_nothing_as_caller),
	T_CASE(kill9_leaves_nothing_as_nobody),
	T_CASE(no_leaks_after_200_runs_as_caller),
	T_CASE(no_leaks_after_200_runs_as_nobody),
	T_CASE(describe_shows_the_plan),
	T_CASE(describe_takes_json_after_env),
};

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
main(void)
{
	if (geteuid() != 0 && !userns_possible()) {
		fprintf(stderr, "skip: not root and unprivileged user namespaces are not available "
				"(unshare(CLONE_NEWUSER) fails): venvrun cannot make a sandbox here\n");
		return T_EXIT_SKIP;
	}
	return t_run_suite(T_SUITE("run", cases));
}
