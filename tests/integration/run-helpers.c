/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The shared part of the test-run suite (run-helpers.h): setting up a test as the caller or
 * as 65534, running commands as that user, and making envs and wheels outside the sandbox.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
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

#include "run-helpers.h"

extern char **environ;

#define NOBODY 65534

/* The state of one test (each runs in its own forked process). */
static enum who who;
char *scratch, *home, *work; /* run-helpers.h says what they are */
static char *setpriv_bin;    /* setpriv, for AS_NOBODY */
static char **base_env;	     /* the environment every command gets (K=V, or K to unset) */
static const char *host_python = "/usr/bin/python3";

/* ---- set-up ------------------------------------------------------------------------ */

void
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

bool
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

void
hand_over(void)
{
	if (geteuid() == 0)
		ck_assert_int_eq(nftw(scratch, chown_one, 32, FTW_PHYS), 0);
}

/* ---- running commands ---------------------------------------------------------------- */

char **
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

char **
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

int
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

int
vr(char **out, char **err, ...)
{
	va_list ap;
	int r;

	va_start(ap, err);
	r = run_va(NULL, out, err, true, ap);
	va_end(ap);
	return r;
}

int
host(char **out, char **err, ...)
{
	va_list ap;
	int r;

	va_start(ap, err);
	r = run_va(NULL, out, err, false, ap);
	va_end(ap);
	return r;
}

pid_t
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

int
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

bool
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

void
kill_procs(char **found)
{
	for (size_t i = 0; found && found[i]; i++)
		kill(atoi(found[i]), SIGKILL);
}

char *
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

char *
unique_marker(const char *what)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return t_strdupf("vrtest-%s-%d-%ld%09ld", what, (int)getpid(), (long)ts.tv_sec, ts.tv_nsec);
}

/* ---- assertions and JSON ------------------------------------------------------------- */

json_t *
parse_json(const char *what, const char *out)
{
	json_error_t jerr;
	json_t *j = json_loads(out ? out : "", 0, &jerr);

	ck_assert_msg(j != NULL, "%s printed no JSON (%s): %s", what, jerr.text, out);
	return j;
}

const char *
jstr(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	ck_assert_msg(s != NULL, "no string '%s'", key);
	return s;
}

/* ---- envs and wheels ----------------------------------------------------------------- */

void
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

struct env_facts
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

char *
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

void
put_marker(const char *dir, int version)
{
	_cleanup_free_ char *pkg = t_strdupf("%s/marker", dir), *init = t_strdupf("%s/marker/__init__.py", dir);
	_cleanup_free_ char *text = t_strdupf("VERSION = %d\n", version);

	mkdir_p(pkg);
	t_write_file(init, text, false);
}

void
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

json_t *
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

long
marker_version(json_t *j)
{
	return (long)json_integer_value(json_object_get(j, "version"));
}
