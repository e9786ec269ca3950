/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Seeding (`venvrun create` installing pip and friends from wheels), driven through the
 * built binary: what the seeding issue's "Must show" promises. Every test has its own
 * cache and env home, and $VENVRUN_WHEEL_PATH unset, so the sources are the ones on this
 * machine (the interpreter's bundled ensurepip wheels, /usr/share/python-wheels) plus the
 * wheels a test builds itself with python3's zipfile.
 */
#include "config.h"

#include <errno.h>
#include <glob.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "macro.h"
#include "strv.h"
#include "testlib.h"

static const char *host_python = "/usr/bin/python3";
static char *scratch, *cache_dir, *wheels;
static char *cache_env, *home_env;

/*
 * The test's Python helper: builds wheels (pure, with a console script, with .data/, a
 * runnable pip under a newer version, hostile ones), lists trees and hashes the cache.
 */
static const char helper_py[] =
	"import base64, hashlib, json, os, re, sys, zipfile\n"
	"def rec(data):\n"
	"    d = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b'=').decode()\n"
	"    return 'sha256=%s,%d' % (d, len(data))\n"
	"def write(path, files, record=True, bad_hash=None, extra=None):\n"
	"    di = [n for n in files if n.endswith('.dist-info/METADATA')][0].rsplit('/', 1)[0]\n"
	"    with zipfile.ZipFile(path, 'w', zipfile.ZIP_DEFLATED) as z:\n"
	"        lines = []\n"
	"        for n, data in files.items():\n"
	"            if isinstance(data, str): data = data.encode()\n"
	"            zi = zipfile.ZipInfo(n, (2020, 1, 1, 0, 0, 0))\n"
	"            zi.external_attr = (0o100755 if '.data/scripts/' in n else 0o100644) << 16\n"
	"            z.writestr(zi, data, zipfile.ZIP_DEFLATED)\n"
	"            lines.append('%s,%s' % (n, rec(b'tampered' if n == bad_hash else data)))\n"
	"        for n, data in (extra or {}).items():\n"
	"            z.writestr(n, data)\n"
	"            lines.append('%s,%s' % (n, rec(data.encode())))\n"
	"        if record:\n"
	"            lines.append(di + '/RECORD,,')\n"
	"            z.writestr(di + '/RECORD', '\\n'.join(lines) + '\\n')\n"
	"def wheel(outdir, name, version, files, scripts=None, rp=None, tag='py3-none-any', **kw):\n"
	"    di = '%s-%s.dist-info' % (name, version)\n"
	"    meta = 'Metadata-Version: 2.1\\nName: %s\\nVersion: %s\\n' % (name, version)\n"
	"    if rp: meta += 'Requires-Python: %s\\n' % rp\n"
	"    files = dict(files)\n"
	"    files[di + '/METADATA'] = meta\n"
	"    files[di + '/WHEEL'] = 'Wheel-Version: 1.0\\nGenerator: test\\nRoot-Is-Purelib: true\\nTag: %s\\n' % tag\n"
	"    if scripts: files[di + '/entry_points.txt'] = '[console_scripts]\\n' + ''.join('%s = %s\\n' % s for s in "
	"scripts)\n"
	"    write(os.path.join(outdir, '%s-%s-%s.whl' % (name, version, tag)), files, **kw)\n"
	"def build(outdir):\n"
	"    wheel(outdir, 'demo_pure', '1.0', {'demo_pure/__init__.py': 'VALUE = 1\\n'})\n"
	"    wheel(outdir, 'demo_cli', '1.0', {'demo_cli/__init__.py': 'def main():\\n    print(\"demo-cli "
	"ran\")\\n'},\n"
	"          scripts=[('demo-cli', 'demo_cli:main')])\n"
	"    wheel(outdir, 'demo_data', '1.0', {'demo_data/__init__.py': '',\n"
	"          'demo_data-1.0.data/scripts/demo-data-script': '#!python\\nprint(\"data script ran\")\\n',\n"
	"          'demo_data-1.0.data/data/share/demo_data/file.txt': 'data\\n',\n"
	"          'demo_data-1.0.data/headers/demo.h': '/* demo */\\n',\n"
	"          'demo_data-1.0.data/purelib/demo_data_extra.py': 'X = 2\\n'})\n"
	"    wheel(outdir, 'demo_rp', '1.0', {'demo_rp/__init__.py': 'V = 1\\n'}, rp='>=3')\n"
	"    wheel(outdir, 'demo_rp', '2.0', {'demo_rp/__init__.py': 'V = 2\\n'}, rp='>=4.0')\n"
	"    wheel(outdir, 'demo_unfit', '1.0', {'demo_unfit/__init__.py': ''}, tag='cp27-cp27mu-linux_x86_64')\n"
	"def newer_pip(src, outdir, version):\n"
	"    z = zipfile.ZipFile(src)\n"
	"    old = [n for n in z.namelist() if n.endswith('.dist-info/METADATA')][0].split('/')[0]\n"
	"    new = 'pip-%s.dist-info' % version\n"
	"    files = {}\n"
	"    for n in z.namelist():\n"
	"        if n == old + '/RECORD': continue\n"
	"        data = z.read(n)\n"
	"        if n == old + '/METADATA':\n"
	"            data = b''.join(b'Version: ' + version.encode() + b'\\n' if l.startswith(b'Version:') else l\n"
	"                            for l in data.splitlines(True))\n"
	"        if n == 'pip/__init__.py':\n"
	"            data = re.sub(rb'__version__ = \"[^\"]*\"', b'__version__ = \"' + version.encode() + b'\"', "
	"data)\n"
	"        files[new + n[len(old):] if n.startswith(old + '/') else n] = data\n"
	"    write(os.path.join(outdir, 'pip-%s-py3-none-any.whl' % version), files)\n"
	"def hostile(outdir, kind):\n"
	"    files = {'pip/__init__.py': '', 'pip-100.0.dist-info/METADATA': 'Metadata-Version: 2.1\\nName: "
	"pip\\nVersion: 100.0\\n',\n"
	"             'pip-100.0.dist-info/WHEEL': 'Wheel-Version: 1.0\\nRoot-Is-Purelib: true\\nTag: "
	"py3-none-any\\n'}\n"
	"    p = os.path.join(outdir, 'pip-100.0-py3-none-any.whl')\n"
	"    if kind == 'hash': write(p, files, bad_hash='pip/__init__.py')\n"
	"    elif kind == 'dotdot': write(p, files, extra={'../escape.py': 'x'})\n"
	"    elif kind == 'norecord': write(p, files, record=False)\n"
	"def tree(root):\n"
	"    out = []\n"
	"    for d, dirs, fs in os.walk(root):\n"
	"        dirs[:] = [x for x in dirs if x != '__pycache__']\n"
	"        # files and links: pip leaves empty directories behind, which is not a stray file\n"
	"        for f in [x for x in dirs if os.path.islink(os.path.join(d, x))] + fs:\n"
	"            out.append(os.path.relpath(os.path.join(d, f), root))\n"
	"    return sorted(out)\n"
	"def hashtree(root):\n"
	"    out = {}\n"
	"    for d, dirs, fs in os.walk(root):\n"
	"        for f in fs:\n"
	"            p = os.path.join(d, f)\n"
	"            st = os.lstat(p)\n"
	"            out[os.path.relpath(p, root)] = [hashlib.sha256(open(p, 'rb').read()).hexdigest(), st.st_mode]\n"
	"    return out\n"
	"def record_check(site):\n"
	"    # every file under site-packages (and bin via ../) of each dist-info is in its RECORD, hashes right\n"
	"    bad = []\n"
	"    for di in [x for x in os.listdir(site) if x.endswith('.dist-info')]:\n"
	"        for line in open(os.path.join(site, di, 'RECORD')):\n"
	"            p, h, n = line.rstrip('\\n').rsplit(',', 2)\n"
	"            full = os.path.normpath(os.path.join(site, p))\n"
	"            if not os.path.exists(full): bad.append('missing ' + p); continue\n"
	"            if h:\n"
	"                data = open(full, 'rb').read()\n"
	"                if rec(data) != h + ',' + n: bad.append('hash ' + p)\n"
	"    return bad\n"
	"cmd = sys.argv[1]\n"
	"if cmd == 'build': build(sys.argv[2])\n"
	"elif cmd == 'newer-pip': newer_pip(sys.argv[2], sys.argv[3], sys.argv[4])\n"
	"elif cmd == 'hostile': hostile(sys.argv[2], sys.argv[3])\n"
	"elif cmd == 'tree': print(json.dumps(tree(sys.argv[2])))\n"
	"elif cmd == 'hashtree': print(json.dumps(hashtree(sys.argv[2]), sort_keys=True))\n"
	"elif cmd == 'record-check': print(json.dumps(record_check(sys.argv[2])))\n";

static char *helper;

static char *in_scratch(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *
in_scratch(const char *fmt, ...)
{
	char *rel = NULL, *p;
	va_list ap;

	va_start(ap, fmt);
	ck_assert_int_ge(vasprintf(&rel, fmt, ap), 0);
	va_end(ap);
	p = t_strdupf("%s/%s", scratch, rel);
	free(rel);
	return p;
}

static char *
run_helper(const char *a, const char *b, const char *c, const char *d)
{
	char *argv[] = { (char *)host_python, helper, (char *)a, (char *)b, (char *)c, (char *)d, NULL };
	char *out = NULL, *err = NULL;
	int rc = t_run(argv, NULL, NULL, &out, &err);

	ck_assert_msg(rc == 0, "helper %s failed (%d): %s", a, rc, err);
	free(err);
	return out;
}

static void
setup(void)
{
	char *t = t_tmpdir("seed");

	scratch = realpath(t, NULL);
	free(t);
	cache_dir = in_scratch("cache");
	wheels = in_scratch("wheels");
	cache_env = t_strdupf("VENVRUN_CACHE_DIR=%s", cache_dir);
	home_env = t_strdupf("VENVRUN_HOME=%s/envs", scratch);
	helper = in_scratch("helper.py");
	t_write_file(helper, helper_py, false);
	ck_assert_int_eq(mkdir(wheels, 0755), 0);
	free(run_helper("build", wheels, NULL, NULL));
}

static void
teardown(void)
{
	t_rm_rf(scratch);
}

/* Callers here reuse one out/err variable for several commands: what it held is freed
 * before the next result replaces it. */
static void
drop(char **out, char **err)
{
	if (out) {
		free(*out);
		*out = NULL;
	}
	if (err) {
		free(*err);
		*err = NULL;
	}
}

/* venvrun with the isolated cache and no $VENVRUN_WHEEL_PATH. */
static int vr(char **out, char **err, ...) __attribute__((sentinel));
static int
vr(char **out, char **err, ...)
{
	char *env[] = { cache_env, home_env, "VENVRUN_WHEEL_PATH", NULL };
	_cleanup_strv_free_ char **argv = NULL;
	const char *a;
	va_list ap;

	vr_strv_push(&argv, t_venvrun_bin());
	va_start(ap, err);
	while ((a = va_arg(ap, const char *)))
		vr_strv_push(&argv, a);
	va_end(ap);
	drop(out, err);
	return t_run(argv, env, NULL, out, err);
}

/* A program of an env (bin/pip ...), quietly, with pip's network and caches off. */
static int run_in(char **out, char **err, const char *env, const char *prog, ...) __attribute__((sentinel));
static int
run_in(char **out, char **err, const char *env, const char *prog, ...)
{
	char *e[] = { "PIP_DISABLE_PIP_VERSION_CHECK=1",
		      "PIP_NO_INPUT=1",
		      "PIP_NO_CACHE_DIR=1",
		      "PIP_NO_PYTHON_VERSION_WARNING=1",
		      "PIP_ROOT_USER_ACTION=ignore",
		      "PIP_CONFIG_FILE=/dev/null",
		      "VIRTUAL_ENV",
		      "PYTHONPATH",
		      NULL };
	_cleanup_strv_free_ char **argv = NULL;
	const char *a;
	va_list ap;

	vr_strv_consume(&argv, t_strdupf("%s/bin/%s", env, prog));
	va_start(ap, prog);
	while ((a = va_arg(ap, const char *)))
		vr_strv_push(&argv, a);
	va_end(ap);
	drop(out, err);
	return t_run(argv, e, NULL, out, err);
}

static bool
exists(const char *p)
{
	struct stat st;
	return lstat(p, &st) == 0;
}

static void
assert_one_line_error(const char *err, const char *needle)
{
	ck_assert_msg(vr_startswith(err, "venvrun: "), "stderr does not start with 'venvrun: ': %s", err);
	ck_assert_msg(strchr(err, '\n') == err + strlen(err) - 1, "stderr is not exactly one line: %s", err);
	ck_assert_msg(strstr(err, needle), "stderr lacks '%s': %s", needle, err);
}

/* The interpreters test-create uses: Debian's python3, pypy3, pyenv's CPythons 3.7+. */
static char **
interpreters(void)
{
	char **v = NULL;
	const char *roots[] = { getenv("PYENV_ROOT"), "/root/.pyenv" };

	vr_strv_push(&v, host_python);
	if (access("/usr/bin/pypy3", X_OK) == 0)
		vr_strv_push(&v, "/usr/bin/pypy3");
	else
		fprintf(stderr, "note: /usr/bin/pypy3 is not installed; PyPy is not tested\n");
	for (size_t r = 0; r < ELEMENTSOF(roots); r++) {
		glob_t g;
		char *pat;

		if (!roots[r] || !*roots[r])
			continue;
		pat = t_strdupf("%s/versions/3.*/bin/python3.*[0-9]", roots[r]);
		if (glob(pat, 0, NULL, &g) == 0) {
			for (size_t i = 0; i < g.gl_pathc; i++) {
				const char *b = strrchr(g.gl_pathv[i], '/') + 1;
				char *real = realpath(g.gl_pathv[i], NULL);

				if (atoi(b + strlen("python3.")) >= 7 && real && !vr_strv_contains(v, real))
					vr_strv_push(&v, real);
				free(real);
			}
			globfree(&g);
		}
		free(pat);
	}
	return v;
}

/* The env's site-packages, as its own python says. */
static char *
site_packages(const char *env)
{
	char *out = NULL;
	int rc = run_in(&out, NULL, env, "python", "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])",
			NULL);

	ck_assert_int_eq(rc, 0);
	out[strcspn(out, "\n")] = 0;
	return out;
}

static json_t *
helper_json(const char *cmd, const char *arg)
{
	_cleanup_free_ char *out = run_helper(cmd, arg, NULL, NULL);
	json_t *j = json_loads(out, 0, NULL);

	ck_assert_msg(j != NULL, "helper %s printed no JSON: %s", cmd, out);
	return j;
}

/* Equal trees (lists of paths, or path -> [hash, mode] objects); the failure names the
 * differences only (Check bounds a message's length). */
static void
assert_json_equal(json_t *a, json_t *b, const char *what)
{
	char diff[2048] = "";
	size_t n = 0, i;
	json_t *v;

	if (json_equal(a, b))
		return;
	if (json_is_array(a)) {
		json_array_foreach (a, i, v) {
			bool found = false;
			size_t k;
			json_t *w;

			json_array_foreach (b, k, w)
				found = found || json_equal(v, w);
			if (!found && n < sizeof diff - 1)
				n += (size_t)snprintf(diff + n, sizeof diff - n, " -%s", json_string_value(v));
		}
		json_array_foreach (b, i, v) {
			bool found = false;
			size_t k;
			json_t *w;

			json_array_foreach (a, k, w)
				found = found || json_equal(v, w);
			if (!found && n < sizeof diff - 1)
				n += (size_t)snprintf(diff + n, sizeof diff - n, " +%s", json_string_value(v));
		}
	} else {
		const char *key;

		json_object_foreach (a, key, v)
			if (!json_equal(v, json_object_get(b, key)) && n < sizeof diff - 1)
				n += (size_t)snprintf(diff + n, sizeof diff - n, " ~%s", key);
		json_object_foreach (b, key, v)
			if (!json_object_get(a, key) && n < sizeof diff - 1)
				n += (size_t)snprintf(diff + n, sizeof diff - n, " +%s", key);
	}
	ck_abort_msg("%s changed:%.2000s", what, diff);
}

static void
assert_record_right(const char *site)
{
	json_t *bad = helper_json("record-check", site);

	ck_assert_msg(json_array_size(bad) == 0, "RECORD wrong in %s: %s", site, json_dumps(bad, JSON_COMPACT));
	json_decref(bad);
}

/* The seeded pip of `env` made with `python`: runs, names the env, list and check clean. */
static void
assert_pip_works(const char *env)
{
	_cleanup_free_ char *out = NULL, *err = NULL, *site = site_packages(env);
	json_t *list;

	ck_assert_msg(run_in(&out, &err, env, "pip", "--version", NULL) == 0, "%s/bin/pip --version: %s", env, err);
	ck_assert_msg(strstr(out, site), "pip --version does not name %s: %s", site, out);
	free(TAKE_PTR(out));
	ck_assert_msg(run_in(&out, &err, env, "pip", "list", "--format", "json", NULL) == 0, "pip list: %s", err);
	list = json_loads(out, 0, NULL);
	ck_assert_msg(list && json_array_size(list) >= 1, "pip list: %s", out);
	ck_assert_msg(!err || !*err || !strstr(err, "WARNING"), "pip list warns: %s", err);
	json_decref(list);
	free(TAKE_PTR(out));
	ck_assert_msg(run_in(&out, &err, env, "pip", "check", NULL) == 0, "pip check: %s %s", out, err);
	assert_record_right(site);
}

/* ---- tests ------------------------------------------------------------------------- */

START_TEST(test_default_seed_every_interpreter)
{
	_cleanup_strv_free_ char **pys = interpreters();

	for (size_t i = 0; pys[i]; i++) {
		_cleanup_free_ char *env = in_scratch("env-%zu", i), *err = NULL, *manifest = NULL, *site = NULL,
				    *installer = NULL;
		json_t *m, *seeded, *first;
		glob_t g;

		ck_assert_msg(vr(NULL, &err, "create", "-q", "-p", pys[i], env, NULL) == 0, "create -p %s: %s", pys[i],
			      err);
		assert_pip_works(env);
		for (const char *const *s = (const char *const[]){ "pip", "pip3", NULL }; *s; s++) {
			_cleanup_free_ char *p = t_strdupf("%s/bin/%s", env, *s);
			struct stat st;
			ck_assert_msg(stat(p, &st) == 0 && (st.st_mode & 0111), "%s is not an executable", p);
		}
		manifest = t_strdupf("%s/venvrun.json", env);
		m = json_load_file(manifest, 0, NULL);
		seeded = json_object_get(m, "seeded");
		ck_assert_int_eq(json_array_size(seeded), 1);
		first = json_array_get(seeded, 0);
		ck_assert_str_eq(json_string_value(json_object_get(first, "name")), "pip");
		ck_assert_msg(vr_endswith(json_string_value(json_object_get(first, "wheel")), ".whl"), "wheel");
		site = site_packages(env);
		installer = t_strdupf("%s/pip-%s.dist-info/INSTALLER", site,
				      json_string_value(json_object_get(first, "version")));
		free(manifest);
		manifest = t_read_file(installer);
		ck_assert_msg(manifest && streq(manifest, "venvrun\n"), "INSTALLER: %s", manifest);
		json_decref(m);
		/* The seeded files share their inodes with the cache (same filesystem). */
		{
			_cleanup_free_ char *init = t_strdupf("%s/pip/__init__.py", site);
			_cleanup_free_ char *pat = t_strdupf("%s/wheels/pip-*/pip/__init__.py", cache_dir);
			struct stat a, b;
			bool linked = false;

			ck_assert_int_eq(stat(init, &a), 0);
			ck_assert_int_eq(glob(pat, 0, NULL, &g), 0);
			for (size_t k = 0; k < g.gl_pathc; k++)
				if (stat(g.gl_pathv[k], &b) == 0 && a.st_ino == b.st_ino && a.st_dev == b.st_dev)
					linked = true;
			globfree(&g);
			ck_assert_msg(linked, "%s is not a hard link into the cache", init);
		}
	}
}
END_TEST

/* pip installs, upgrades (itself, to a newer pip-like wheel) and uninstalls in a seeded
 * env: no stray file afterwards, and the cache's files are the same bytes as before. */
static void
lifecycle(const char *python, size_t idx)
{
	_cleanup_free_ char *env = in_scratch("life-%zu", idx), *bare = in_scratch("bare-%zu", idx), *out = NULL,
			    *err = NULL, *site = NULL, *bare_site = NULL, *piplike = in_scratch("piplike-%zu", idx),
			    *wheels_glob = NULL, *cache_wheels = NULL, *script = NULL;
	json_t *cache_before, *cache_after, *seeded_tree, *bare_tree, *t, *m, *w;
	const char *src;

	ck_assert_msg(vr(NULL, &err, "create", "-q", "-p", python, env, NULL) == 0, "create: %s", err);
	ck_assert_msg(vr(NULL, &err, "create", "-q", "--no-seed", "-p", python, bare, NULL) == 0, "create: %s", err);
	site = site_packages(env);
	bare_site = site_packages(bare);
	cache_wheels = t_strdupf("%s/wheels", cache_dir);
	cache_before = helper_json("hashtree", cache_wheels);
	seeded_tree = helper_json("tree", env);
	bare_tree = helper_json("tree", bare_site);

	/* Three test wheels: pure, with a console script, with .data/. */
	ck_assert_msg(run_in(&out, &err, env, "pip", "install", "--no-index", "--find-links", wheels, "demo_pure",
			     "demo_cli", "demo_data", NULL) == 0,
		      "pip install: %s %s", out, err);
	free(TAKE_PTR(out));
	ck_assert_msg(run_in(&out, &err, env, "demo-cli", NULL) == 0 && strstr(out, "demo-cli ran"), "demo-cli: %s",
		      err);
	free(TAKE_PTR(out));
	ck_assert_msg(run_in(&out, &err, env, "demo-data-script", NULL) == 0 && strstr(out, "data script ran"),
		      "demo-data-script: %s", err);
	free(TAKE_PTR(out));
	ck_assert_msg(run_in(&out, &err, env, "pip", "uninstall", "-y", "demo_pure", "demo_cli", "demo_data", NULL) ==
			      0,
		      "pip uninstall: %s", err);
	free(TAKE_PTR(out));
	t = helper_json("tree", env);
	assert_json_equal(seeded_tree, t, "the env after installing and uninstalling test wheels");
	json_decref(t);

	/* Upgrade pip to a newer pip built from the very wheel that was seeded. */
	{
		_cleanup_free_ char *manifest = t_strdupf("%s/venvrun.json", env);
		m = json_load_file(manifest, 0, NULL);
	}
	w = json_array_get(json_object_get(m, "seeded"), 0);
	src = json_string_value(json_object_get(w, "wheel"));
	ck_assert_int_eq(mkdir(piplike, 0755), 0);
	free(run_helper("newer-pip", src, piplike, "99.0"));
	json_decref(m);
	ck_assert_msg(run_in(&out, &err, env, "pip", "install", "--no-index", "--find-links", piplike, "--upgrade",
			     "pip", NULL) == 0,
		      "pip install --upgrade pip: %s %s", out, err);
	free(TAKE_PTR(out));
	ck_assert_msg(run_in(&out, &err, env, "pip", "--version", NULL) == 0 && vr_startswith(out, "pip 99.0 "),
		      "upgraded pip: %s %s", out, err);
	free(TAKE_PTR(out));
	assert_record_right(site);
	/* The old version left nothing behind: its dist-info is gone. */
	wheels_glob = t_strdupf("%s/pip-*.dist-info", site);
	{
		glob_t g;
		ck_assert_int_eq(glob(wheels_glob, 0, NULL, &g), 0);
		ck_assert_int_eq(g.gl_pathc, 1);
		ck_assert_msg(vr_endswith(g.gl_pathv[0], "pip-99.0.dist-info"), "%s", g.gl_pathv[0]);
		globfree(&g);
	}
	ck_assert_msg(run_in(&out, &err, env, "pip", "uninstall", "-y", "pip", NULL) == 0, "pip uninstall pip: %s",
		      err);
	free(TAKE_PTR(out));
	/* site-packages now holds what an unseeded env's does, and bin/ has no pip. */
	t = helper_json("tree", site);
	assert_json_equal(bare_tree, t, "site-packages after uninstalling pip (vs. an unseeded env)");
	json_decref(t);
	script = t_strdupf("%s/bin/pip", env);
	ck_assert_msg(!exists(script), "%s is left", script);

	cache_after = helper_json("hashtree", cache_wheels);
	assert_json_equal(cache_before, cache_after, "the wheel cache");
	json_decref(cache_before);
	json_decref(cache_after);
	json_decref(seeded_tree);
	json_decref(bare_tree);
}

START_TEST(test_pip_lifecycle_every_interpreter)
{
	_cleanup_strv_free_ char **pys = interpreters();

	for (size_t i = 0; pys[i]; i++)
		lifecycle(pys[i], i);
}
END_TEST

/* A package seeded from a wheel with .data/ and a console script: pip uninstalls it
 * completely, so what venvrun installed is what its RECORD says. */
START_TEST(test_seeded_data_wheel_uninstalls_clean)
{
	_cleanup_free_ char *env = in_scratch("env"), *bare = in_scratch("bare"), *err = NULL, *out = NULL,
			    *site = NULL, *h = NULL;
	json_t *before, *after;

	ck_assert_int_eq(vr(NULL, NULL, "create", "-q", "--no-seed", "-p", host_python, bare, NULL), 0);
	before = helper_json("tree", bare);
	ck_assert_msg(vr(NULL, &err, "create", "-q", "-p", host_python, "--wheel-dir", wheels, "--seed-packages",
			 "pip,demo_data,demo-cli", env, NULL) == 0,
		      "create: %s", err);
	site = site_packages(env);
	assert_pip_works(env);
	ck_assert_msg(run_in(&out, &err, env, "demo-data-script", NULL) == 0 && strstr(out, "data script ran"), "%s",
		      err);
	free(TAKE_PTR(out));
	ck_assert_msg(run_in(&out, &err, env, "demo-cli", NULL) == 0 && strstr(out, "demo-cli ran"), "%s", err);
	free(TAKE_PTR(out));
	h = t_strdupf("%s/include/site/python3.*/demo_data/demo.h", env);
	{
		glob_t g;
		ck_assert_msg(glob(h, 0, NULL, &g) == 0, "%s missing", h);
		globfree(&g);
	}
	{
		_cleanup_free_ char *data = t_strdupf("%s/share/demo_data/file.txt", env);
		_cleanup_free_ char *extra = t_strdupf("%s/demo_data_extra.py", site);
		ck_assert_msg(exists(data), "%s missing", data);
		ck_assert_msg(exists(extra), "%s missing", extra);
	}
	ck_assert_msg(run_in(&out, &err, env, "pip", "uninstall", "-y", "demo_data", "demo_cli", "pip", NULL) == 0,
		      "uninstall: %s", err);
	free(TAKE_PTR(out));
	after = helper_json("tree", env);
	/* The manifests differ in content, not in name; the trees must be the same. Empty
	 * share/ and include/site directories pip leaves are the only difference allowed. */
	{
		size_t i;
		json_t *v;
		json_t *left = json_array();

		json_array_foreach (after, i, v) {
			const char *p = json_string_value(v);
			bool in_before = false;
			size_t k;
			json_t *b;

			json_array_foreach (before, k, b)
				if (streq(json_string_value(b), p))
					in_before = true;
			if (!in_before && !vr_startswith(p, "share") && !vr_startswith(p, "include/site"))
				json_array_append_new(left, json_string(p));
		}
		ck_assert_msg(json_array_size(left) == 0, "stray files: %s", json_dumps(left, JSON_COMPACT));
		json_decref(left);
	}
	json_decref(before);
	json_decref(after);
}
END_TEST

START_TEST(test_env_path_with_spaces)
{
	_cleanup_free_ char *env = in_scratch("my envs/with space"), *err = NULL, *out = NULL, *pip = NULL,
			    *head = NULL;

	ck_assert_msg(vr(NULL, &err, "create", "-q", "-p", host_python, env, NULL) == 0, "create: %s", err);
	pip = t_strdupf("%s/bin/pip", env);
	head = t_read_file(pip);
	ck_assert_msg(vr_startswith(head, "#!/bin/sh\n"), "shebang: %s", head);
	assert_pip_works(env);
	ck_assert_msg(
		run_in(&out, &err, env, "pip", "install", "--no-index", "--find-links", wheels, "demo_cli", NULL) == 0,
		"pip install: %s", err);
	free(TAKE_PTR(out));
	ck_assert_msg(run_in(&out, &err, env, "demo-cli", NULL) == 0 && strstr(out, "demo-cli ran"), "demo-cli: %s",
		      err);
}
END_TEST

START_TEST(test_seed_pip_setuptools_wheel)
{
	_cleanup_free_ char *env = in_scratch("env"), *err = NULL, *out = NULL;

	if (access("/usr/share/python-wheels", R_OK) != 0) {
		fprintf(stderr, "note: no /usr/share/python-wheels; setuptools and wheel not tested\n");
		return;
	}
	ck_assert_msg(vr(NULL, &err, "create", "-q", "-p", host_python, "--seed-packages", "pip,setuptools,wheel", env,
			 NULL) == 0,
		      "create: %s", err);
	assert_pip_works(env);
	ck_assert_int_eq(run_in(&out, &err, env, "pip", "list", "--format", "freeze", NULL), 0);
	ck_assert_msg(strstr(out, "pip==") && strstr(out, "setuptools==") && strstr(out, "wheel=="), "%s", out);
	free(TAKE_PTR(out));
	ck_assert_msg(run_in(&out, &err, env, "python", "-c", "import setuptools, wheel", NULL) == 0, "%s", err);
	free(TAKE_PTR(out));
	ck_assert_msg(run_in(&out, &err, env, "wheel", "version", NULL) == 0, "bin/wheel: %s", err);
}
END_TEST

START_TEST(test_pins_and_source_order)
{
	_cleanup_free_ char *env = in_scratch("env"), *env2 = in_scratch("env2"), *env3 = in_scratch("env3"),
			    *missing = in_scratch("missing"), *err = NULL, *out = NULL,
			    *piplike = in_scratch("piplike");
	_cleanup_free_ char *sys_pip = NULL;
	glob_t g;

	if (glob("/usr/share/python-wheels/pip-*.whl", 0, NULL, &g) != 0) {
		fprintf(stderr, "note: no pip in /usr/share/python-wheels; pins not tested\n");
		return;
	}
	sys_pip = strdup(g.gl_pathv[0]);
	globfree(&g);
	ck_assert_int_eq(mkdir(piplike, 0755), 0);
	free(run_helper("newer-pip", sys_pip, piplike, "99.0"));

	/* A --wheel-dir comes first: its pip 99.0 wins. */
	ck_assert_msg(vr(NULL, &err, "create", "-q", "-p", host_python, "--wheel-dir", piplike, env, NULL) == 0, "%s",
		      err);
	ck_assert_msg(run_in(&out, &err, env, "pip", "--version", NULL) == 0 && vr_startswith(out, "pip 99.0 "), "%s",
		      out);
	free(TAKE_PTR(out));
	/* A pin the first source cannot meet falls through to the next. */
	{
		const char *v = strchr(strrchr(sys_pip, '/'), '-') + 1;
		_cleanup_free_ char *pin = t_strdupf("pip==%.*s", (int)strcspn(v, "-"), v);
		_cleanup_free_ char *want = t_strdupf("pip %.*s ", (int)strcspn(v, "-"), v);

		ck_assert_msg(vr(NULL, &err, "create", "-q", "-p", host_python, "--wheel-dir", piplike,
				 "--seed-packages", pin, env2, NULL) == 0,
			      "%s", err);
		ck_assert_msg(run_in(&out, &err, env2, "pip", "--version", NULL) == 0 && vr_startswith(out, want), "%s",
			      out);
		free(TAKE_PTR(out));
	}
	/* A pin no source has: one line naming it and the directories, 125, no env. */
	ck_assert_int_eq(vr(NULL, &err, "create", "-q", "-p", host_python, "--wheel-dir", missing, "--seed-packages",
			    "pip==1.0", env3, NULL),
			 125);
	assert_one_line_error(err, "'pip==1.0'");
	ck_assert_msg(strstr(err, missing) && strstr(err, "/usr/share/python-wheels"), "%s", err);
	ck_assert(!exists(env3));
	free(TAKE_PTR(err));
	/* Tags that do not fit are not candidates. */
	ck_assert_int_eq(vr(NULL, &err, "create", "-q", "-p", host_python, "--wheel-dir", wheels, "--seed-packages",
			    "demo_unfit", env3, NULL),
			 125);
	assert_one_line_error(err, "'demo_unfit'");
	ck_assert(!exists(env3));
	free(TAKE_PTR(err));
	/* Requires-Python: demo_rp 2.0 wants Python 4, so 1.0 is taken. */
	ck_assert_msg(vr(NULL, &err, "create", "-q", "-p", host_python, "--wheel-dir", wheels, "--seed-packages",
			 "pip,demo_rp", env3, NULL) == 0,
		      "%s", err);
	ck_assert_msg(run_in(&out, &err, env3, "python", "-c", "import demo_rp; print(demo_rp.V)", NULL) == 0 &&
			      streq(out, "1\n"),
		      "demo_rp: %s %s", out, err);
}
END_TEST

START_TEST(test_no_seed)
{
	_cleanup_free_ char *env = in_scratch("env"), *env2 = in_scratch("env2"), *pip = NULL, *out = NULL;
	json_t *m;

	ck_assert_int_eq(vr(NULL, NULL, "create", "-q", "--no-seed", "-p", host_python, env, NULL), 0);
	ck_assert_int_eq(vr(NULL, NULL, "create", "-q", "--without-pip", "-p", host_python, env2, NULL), 0);
	pip = t_strdupf("%s/bin/pip", env);
	ck_assert(!exists(pip));
	ck_assert_int_ne(run_in(&out, NULL, env, "python", "-c", "import pip", NULL), 0);
	{
		_cleanup_free_ char *manifest = t_strdupf("%s/venvrun.json", env);
		m = json_load_file(manifest, 0, NULL);
	}
	ck_assert_int_eq(json_array_size(json_object_get(m, "seeded")), 0);
	json_decref(m);
}
END_TEST

START_TEST(test_hostile_wheels_refused)
{
	static const char *const kinds[] = { "hash", "dotdot", "norecord" };

	for (size_t i = 0; i < ELEMENTSOF(kinds); i++) {
		_cleanup_free_ char *dir = in_scratch("hostile-%s", kinds[i]), *env = in_scratch("env-%s", kinds[i]);
		_cleanup_free_ char *err = NULL, *pat = t_strdupf("%s/wheels/pip-100*/", cache_dir);
		glob_t g;

		ck_assert_int_eq(mkdir(dir, 0755), 0);
		free(run_helper("hostile", dir, kinds[i], NULL));
		ck_assert_int_eq(vr(NULL, &err, "create", "-q", "-p", host_python, "--wheel-dir", dir, env, NULL), 125);
		assert_one_line_error(err, "pip-100.0-py3-none-any.whl");
		ck_assert_msg(!exists(env), "%s: the env was created", kinds[i]);
		/* No entry (a lock file may stay: it is how creates take turns). */
		ck_assert_msg(glob(pat, GLOB_MARK, NULL, &g) != 0, "%s: the cache holds %s", kinds[i], pat);
	}
}
END_TEST

/* Cache and env on different filesystems: files are copied (or reflinked), not linked. */
START_TEST(test_cache_on_other_filesystem)
{
	_cleanup_free_ char *env = in_scratch("env"), *err = NULL, *other = NULL, *site = NULL, *init = NULL;
	char tmpl[] = "/dev/shm/venvrun-seed-XXXXXX";
	struct stat a, b;
	char *env_vars[4];
	char *argv[] = { (char *)t_venvrun_bin(), "create", "-q", "-p", (char *)host_python, env, NULL };

	if (stat("/dev/shm", &a) != 0 || stat(scratch, &b) != 0 || a.st_dev == b.st_dev || !mkdtemp(tmpl)) {
		fprintf(stderr, "note: no second filesystem at /dev/shm; copying not tested\n");
		return;
	}
	other = t_strdupf("VENVRUN_CACHE_DIR=%s", tmpl);
	env_vars[0] = other;
	env_vars[1] = home_env;
	env_vars[2] = "VENVRUN_WHEEL_PATH";
	env_vars[3] = NULL;
	ck_assert_msg(t_run(argv, env_vars, NULL, NULL, &err) == 0, "create: %s", err);
	assert_pip_works(env);
	site = site_packages(env);
	init = t_strdupf("%s/pip/__init__.py", site);
	ck_assert_int_eq(stat(init, &a), 0);
	ck_assert_int_eq(a.st_nlink, 1);
	t_rm_rf(tmpl);
}
END_TEST

static const struct t_case cases[] = {
	T_CASE(test_default_seed_every_interpreter),
	T_CASE(test_pip_lifecycle_every_interpreter),
	T_CASE(test_seeded_data_wheel_uninstalls_clean),
	T_CASE(test_env_path_with_spaces),
	T_CASE(test_seed_pip_setuptools_wheel),
	T_CASE(test_pins_and_source_order),
	T_CASE(test_no_seed),
	T_CASE(test_hostile_wheels_refused),
	T_CASE(test_cache_on_other_filesystem),
};

int
main(void)
{
	if (access(host_python, X_OK) != 0) {
		fprintf(stderr, "skipping: %s is not installed\n", host_python);
		return T_EXIT_SKIP;
	}
	return t_run_suite(T_SUITE_FIXTURE("seed", cases, setup, teardown));
}
