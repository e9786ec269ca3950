/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <zip.h>

#include "path.h"
#include "testlib.h"
#include "wheel-internal.h"
#include "wheel.h"

#define WHL "demo-1.0-py3-none-any.whl"
#define DI "demo-1.0.dist-info/"
#define ENTRY "demo-1.0-py3-none-any"

/* One archive member; mode is a full st_mode (0: a regular 0644 file; S_IFDIR: "name/"). */
struct wf {
	const char *name;
	const char *data;
	unsigned mode;
};

struct wopts {
	const char *unlisted;	/* left out of the generated RECORD */
	const char *bad_hash;	/* listed with another file's hash */
	const char *bad_size;	/* listed with a wrong size */
	const char *phantom;	/* listed in RECORD but not in the archive */
	const char *wheel_file; /* WHEEL's content instead of the default */
	bool no_record;
};

static const char metadata[] = "Metadata-Version: 2.1\nName: demo\nVersion: 1.0\nRequires-Python: >=3.7\n\n"
			       "Requires-Python: not a header any more\n";
static const char wheel_default[] = "Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\nTag: py3-none-any\n";

static char *workdir, *cache, *wheels;

static void
setup(void)
{
	workdir = t_tmpdir("wheel");
	cache = t_strdupf("%s/cache", workdir);
	wheels = t_strdupf("%s/cache/wheels", workdir);
}

static void
teardown(void)
{
	/* The cache is read-only by design: make it removable again. */
	char *cmd = t_strdupf("chmod -R u+w '%s' 2>/dev/null; rm -rf '%s'", workdir, workdir);

	ck_assert_int_eq(system(cmd), 0);
	free(cmd);
	free(workdir);
	free(cache);
	free(wheels);
}

static void
record_hash(const char *data, char out[VR_SHA256_RECORD_SIZE])
{
	struct vr_sha256 h;
	unsigned char d[32];

	vr_sha256_init(&h);
	vr_sha256_update(&h, data, strlen(data));
	vr_sha256_final(&h, d);
	vr_sha256_record_form(d, out);
}

static void
add(zip_t *za, const char *name, const char *data, unsigned mode)
{
	zip_int64_t i;

	if (mode & S_IFDIR) {
		i = zip_dir_add(za, name, ZIP_FL_ENC_UTF_8);
	} else {
		zip_source_t *src = zip_source_buffer(za, data, strlen(data), 0);

		ck_assert_ptr_nonnull(src);
		i = zip_file_add(za, name, src, ZIP_FL_ENC_UTF_8);
	}
	ck_assert_msg(i >= 0, "zip add %s: %s", name, zip_strerror(za));
	if (mode)
		ck_assert_int_eq(zip_file_set_external_attributes(za, (zip_uint64_t)i, 0, ZIP_OPSYS_UNIX,
								  (zip_uint32_t)mode << 16),
				 0);
}

/* A wheel in workdir: METADATA, WHEEL and demo/__init__.py, then `extra`, then RECORD. */
static char *
make_wheel(const char *fname, const struct wf *extra, size_t n_extra, const struct wopts *o)
{
	static const struct wopts none = { 0 };
	char *path = t_strdupf("%s/%s", workdir, fname);
	struct wf base[] = {
		{ DI "METADATA", metadata, 0 },
		{ DI "WHEEL", o && o->wheel_file ? o->wheel_file : wheel_default, 0 },
		{ "demo/__init__.py", "print('hello from demo')\n", 0 },
	};
	char *record = strdup(""), *tmp;
	int zerr = 0;
	zip_t *za;

	if (!o)
		o = &none;
	za = zip_open(path, ZIP_CREATE | ZIP_TRUNCATE, &zerr);
	ck_assert_ptr_nonnull(za);
	for (size_t k = 0; k < ELEMENTSOF(base) + n_extra; k++) {
		const struct wf *f = k < ELEMENTSOF(base) ? &base[k] : &extra[k - ELEMENTSOF(base)];
		char h[VR_SHA256_RECORD_SIZE];

		add(za, f->name, f->data, f->mode);
		if ((f->mode & S_IFDIR) || (o->unlisted && streq(o->unlisted, f->name)))
			continue;
		record_hash(o->bad_hash && streq(o->bad_hash, f->name) ? "something else" : f->data, h);
		tmp = t_strdupf("%s%s,%s,%zu\n", record, f->name, h,
				strlen(f->data) + (o->bad_size && streq(o->bad_size, f->name) ? 1 : 0));
		free(record);
		record = tmp;
	}
	if (o->phantom) {
		tmp = t_strdupf("%s%s,sha256=47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU,0\n", record, o->phantom);
		free(record);
		record = tmp;
	}
	tmp = t_strdupf("%s" DI "RECORD,,\n", record);
	free(record);
	record = tmp;
	if (!o->no_record)
		add(za, DI "RECORD", record, 0);
	ck_assert_msg(zip_close(za) == 0, "zip_close: %s", zip_strerror(za));
	free(record);
	return path;
}

/* Nothing in CACHE/wheels but lock files and `entry`: no temporary directory. */
static void
assert_cache_clean_except(const char *entry)
{
	DIR *d = opendir(wheels);
	struct dirent *de;

	if (!d)
		return;
	while ((de = readdir(d))) {
		if (streq(de->d_name, ".") || streq(de->d_name, ".."))
			continue;
		ck_assert_msg(vr_endswith(de->d_name, ".lock") || (entry && streq(de->d_name, entry)),
			      "left in the cache: %s", de->d_name);
	}
	closedir(d);
}

static void
assert_cache_clean(void)
{
	assert_cache_clean_except(NULL);
}

static void
assert_refused(const char *wheel, const char *expected)
{
	struct vr_error err = VR_ERROR_INIT;
	struct vr_wheel_entry *w = (struct vr_wheel_entry *)&err; /* proves it is not written */
	char line[VR_ERROR_LINE_MAX];
	int r;

	r = vr_wheel_cache_get(wheel, cache, &w, &err);
	ck_assert_int_lt(r, 0);
	ck_assert_ptr_eq(w, (struct vr_wheel_entry *)&err);
	vr_error_format(&err, line, sizeof line);
	ck_assert_str_eq(line, expected);
	ck_assert_ptr_null(strchr(line, '\n'));
	assert_cache_clean();

	/* The verifier without a cache gives the same verdict. */
	{
		struct vr_error err2 = VR_ERROR_INIT;
		struct vr_wheel_name n;
		int fd = open(wheel, O_RDONLY | O_CLOEXEC);

		ck_assert_int_ge(fd, 0);
		ck_assert_int_eq(vr_wheel_name_parse(wheel, &n, NULL), 0);
		ck_assert_int_lt(vr_wheel_verify_fd(fd, vr_path_basename(wheel), &n, &err2), 0);
		vr_error_format(&err2, line, sizeof line);
		ck_assert_str_eq(line, expected);
		close(fd);
	}
}

static char *
read_at(const char *dir, const char *name)
{
	char *p = t_strdupf("%s/%s", dir, name), *s = t_read_file(p);

	free(p);
	return s;
}

static mode_t
mode_at(const char *dir, const char *name)
{
	char *p = t_strdupf("%s/%s", dir, name);
	struct stat st;

	ck_assert_int_eq(lstat(p, &st), 0);
	free(p);
	return st.st_mode;
}

static ino_t
ino_of(const char *p)
{
	struct stat st;

	ck_assert_int_eq(lstat(p, &st), 0);
	return st.st_ino;
}

/* ---- parsers ---- */

START_TEST(sha256_vectors)
{
	struct vr_sha256 h;
	unsigned char d[32];
	char out[VR_SHA256_RECORD_SIZE];
	char big[1000];

	record_hash("", out);
	ck_assert_str_eq(out, "sha256=47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU");
	record_hash("abc", out);
	ck_assert_str_eq(out, "sha256=ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0");
	record_hash("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", out);
	ck_assert_str_eq(out, "sha256=JI1qYdIGOLjlwCaTDD5gOaM85Flk_yFn9uzt1BnbBsE");
	/* Fed in odd pieces: the block buffering must not matter. */
	memset(big, 'a', sizeof big);
	vr_sha256_init(&h);
	for (size_t i = 0; i < sizeof big; i += 7)
		vr_sha256_update(&h, big + i, sizeof big - i < 7 ? sizeof big - i : 7);
	vr_sha256_final(&h, d);
	vr_sha256_record_form(d, out);
	ck_assert_str_eq(out, "sha256=Qe3s5C1j6Nm_UVqbppMuHCDLyfWl0TRkWttdsblzfqM");
}
END_TEST

START_TEST(name_parse)
{
	struct vr_wheel_name n;
	struct vr_error err = VR_ERROR_INIT;
	char line[VR_ERROR_LINE_MAX], entry[512];

	ck_assert_int_eq(vr_wheel_name_parse("/usr/share/python-wheels/pip-23.0.1-py3-none-any.whl", &n, &err), 0);
	ck_assert_str_eq(n.dist, "pip");
	ck_assert_str_eq(n.version, "23.0.1");
	ck_assert_str_eq(n.build, "");
	ck_assert_str_eq(n.python, "py3");
	ck_assert_str_eq(n.abi, "none");
	ck_assert_str_eq(n.platform, "any");
	ck_assert_int_eq(vr_wheel_name_entry(&n, entry, sizeof entry), 0);
	ck_assert_str_eq(entry, "pip-23.0.1-py3-none-any");

	ck_assert_int_eq(
		vr_wheel_name_parse("Foo.Bar__baz-1.0rc1-7b-py2.py3-cp311-manylinux_2_17_x86_64.whl", &n, NULL), 0);
	ck_assert_str_eq(n.dist, "foo_bar_baz");
	ck_assert_str_eq(n.version, "1.0rc1");
	ck_assert_str_eq(n.build, "7b");
	ck_assert_str_eq(n.python, "py2.py3");
	ck_assert_str_eq(n.abi, "cp311");
	ck_assert_str_eq(n.platform, "manylinux_2_17_x86_64");
	ck_assert_int_eq(vr_wheel_name_entry(&n, entry, sizeof entry), 0);
	ck_assert_str_eq(entry, "foo_bar_baz-1.0rc1-7b-py2.py3-cp311-manylinux_2_17_x86_64");

	/* Two tags of one version: two entries. */
	ck_assert_int_eq(vr_wheel_name_parse("x-1-cp311-cp311-linux_x86_64.whl", &n, NULL), 0);
	ck_assert_int_eq(vr_wheel_name_entry(&n, entry, sizeof entry), 0);
	ck_assert_str_eq(entry, "x-1-cp311-cp311-linux_x86_64");

	ck_assert_int_eq(vr_wheel_name_parse("pip-23.0.1.tar.gz", &n, &err), -VR_ERR_BAD_FILE);
	vr_error_format(&err, line, sizeof line);
	ck_assert_str_eq(line, "pip-23.0.1.tar.gz: not a wheel: the name does not end in .whl");
	vr_error_clear(&err);
	ck_assert_int_eq(vr_wheel_name_parse("pip-23.0.1-py3-none.whl", &n, &err), -VR_ERR_BAD_FILE);
	vr_error_format(&err, line, sizeof line);
	ck_assert_str_eq(
		line,
		"pip-23.0.1-py3-none.whl: not a wheel name: expected DIST-VERSION[-BUILD]-PYTHON-ABI-PLATFORM.whl");
	ck_assert_int_eq(vr_wheel_name_parse("a-1-2-3-py3-none-any.whl", &n, NULL), -VR_ERR_BAD_FILE);
	ck_assert_int_eq(vr_wheel_name_parse("a-1-x2-py3-none-any.whl", &n, &err), -VR_ERR_BAD_FILE);
	vr_error_format(&err, line, sizeof line);
	ck_assert_str_eq(line, "a-1-x2-py3-none-any.whl: not a wheel name: bad build tag");
	ck_assert_int_eq(vr_wheel_name_parse("a--py3-none-any.whl", &n, NULL), -VR_ERR_BAD_FILE);
	ck_assert_int_eq(vr_wheel_name_parse("a-1-py3-none-any .whl", &n, NULL), -VR_ERR_BAD_FILE);
	ck_assert_int_eq(vr_wheel_name_parse("a b-1-py3-none-any.whl", &n, NULL), -VR_ERR_BAD_FILE);
	ck_assert_int_eq(vr_wheel_name_parse(".whl", &n, NULL), -VR_ERR_BAD_FILE);
	ck_assert_int_eq(vr_wheel_name_parse("-1-py3-none-any.whl", &n, NULL), -VR_ERR_BAD_FILE);
	ck_assert_int_eq(vr_wheel_name_parse("a-1-py3-none-any.WHL", &n, NULL), -VR_ERR_BAD_FILE);
}
END_TEST

START_TEST(record_parse)
{
	static const char text[] = "demo/__init__.py,sha256=47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU,0\r\n"
				   "\n"
				   "\"demo/with,comma.py\",sha256=ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0,3\n"
				   "\"demo/q\"\"uote.py\",,\n"
				   "demo-1.0.dist-info/RECORD,,";
	struct vr_record_entry *e = NULL;
	size_t n = 0;

	ck_assert_int_eq(vr_record_parse(text, strlen(text), "RECORD", &e, &n, NULL), 0);
	ck_assert_uint_eq(n, 4);
	ck_assert_str_eq(e[0].path, "demo/__init__.py");
	ck_assert_str_eq(e[0].hash, "sha256=47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU");
	ck_assert_int_eq(e[0].size, 0);
	ck_assert_str_eq(e[1].path, "demo/with,comma.py");
	ck_assert_int_eq(e[1].size, 3);
	ck_assert_str_eq(e[2].path, "demo/q\"uote.py");
	ck_assert_ptr_null(e[2].hash);
	ck_assert_int_eq(e[2].size, -1);
	ck_assert_str_eq(e[3].path, "demo-1.0.dist-info/RECORD");
	vr_record_free(e, n);

	ck_assert_int_eq(vr_record_parse("", 0, "RECORD", &e, &n, NULL), 0);
	ck_assert_uint_eq(n, 0);
	vr_record_free(e, n);
}
END_TEST

static void
record_refused(const char *text, int line, const char *message)
{
	struct vr_error err = VR_ERROR_INIT;
	struct vr_record_entry *e = (struct vr_record_entry *)&err;
	size_t n = 99;

	ck_assert_int_eq(vr_record_parse(text, strlen(text), "w.whl: d/RECORD", &e, &n, &err), -VR_ERR_BAD_FILE);
	ck_assert_ptr_eq(e, (struct vr_record_entry *)&err);
	ck_assert_uint_eq(n, 99);
	ck_assert_str_eq(err.where, "w.whl: d/RECORD");
	ck_assert_int_eq(err.line, line);
	ck_assert_str_eq(err.message, message);
}

START_TEST(record_refuse)
{
	record_refused("a,,\n/etc/passwd,,\n", 2, "refusing an absolute path");
	record_refused("a/../../x,,\n", 1, "refusing a '..' component");
	record_refused("a\\b,,\n", 1, "refusing a backslash");
	record_refused("a//b,,\n", 1, "refusing an empty component");
	record_refused("\"a\nb\",,\n", 1, "refusing a control character");
	record_refused("a,sha1=abc,1\n", 1, "unsupported hash 'sha1=abc' (only sha256)");
	record_refused("a,sha256=abc,1\n", 1, "a malformed sha256 digest");
	record_refused("a,,1x\n", 1, "a size that is not a number");
	record_refused("a,,1,extra\n", 1, "expected three fields: path,hash,size");
	record_refused("x,,\na,\n", 2, "expected three fields: path,hash,size");
	record_refused("\"a,,\n", 1, "not a CSV line (bad quoting or too long)");
	record_refused("x,,\n\"open", 2, "not a CSV line (bad quoting or too long)");
	record_refused(",,\n", 1, "refusing an empty path");
	{
		struct vr_error err = VR_ERROR_INIT;
		struct vr_record_entry *e = NULL;
		size_t n = 0;

		ck_assert_int_eq(vr_record_parse("b,,\na,,\nb,,\n", 12, "R", &e, &n, &err), -VR_ERR_BAD_FILE);
		ck_assert_str_eq(err.message, "'b' is listed twice");
		/* A NUL inside the text is not the end of it. */
		ck_assert_int_eq(vr_record_parse("a\0b,,\n", 6, "R", &e, &n, &err), -VR_ERR_BAD_FILE);
	}
}
END_TEST

START_TEST(entry_points_parse)
{
	static const char text[] = "# comment\n"
				   "; another\n"
				   "[console_scripts]\n"
				   "pip = pip._internal.cli.main:main\n"
				   "  pip3=pip._internal.cli.main:main  \r\n"
				   "tool = demo.cli:Main.run [extra1, extra2]\n"
				   "\n"
				   "[other.section]\n"
				   "whatever goes = here\n"
				   "[ gui_scripts ]\n"
				   "demo-gui = demo.gui : start\n";
	struct vr_entry_point *ep = NULL;
	size_t n = 0;

	ck_assert_int_eq(vr_entry_points_parse(text, strlen(text), "entry_points.txt", &ep, &n, NULL), 0);
	ck_assert_uint_eq(n, 4);
	ck_assert_str_eq(ep[0].name, "pip");
	ck_assert_str_eq(ep[0].module, "pip._internal.cli.main");
	ck_assert_str_eq(ep[0].attr, "main");
	ck_assert(!ep[0].gui);
	ck_assert_str_eq(ep[1].name, "pip3");
	ck_assert_str_eq(ep[2].name, "tool");
	ck_assert_str_eq(ep[2].module, "demo.cli");
	ck_assert_str_eq(ep[2].attr, "Main.run");
	ck_assert_str_eq(ep[3].name, "demo-gui");
	ck_assert_str_eq(ep[3].module, "demo.gui");
	ck_assert_str_eq(ep[3].attr, "start");
	ck_assert(ep[3].gui);
	vr_entry_points_free(ep, n);

	ck_assert_int_eq(vr_entry_points_parse("[other]\nx = y\n", 14, "e", &ep, &n, NULL), 0);
	ck_assert_uint_eq(n, 0);
	vr_entry_points_free(ep, n);
}
END_TEST

static void
ep_refused(const char *text, int line, const char *message)
{
	struct vr_error err = VR_ERROR_INIT;
	struct vr_entry_point *ep = NULL;
	size_t n = 0;

	ck_assert_int_eq(vr_entry_points_parse(text, strlen(text), "e.txt", &ep, &n, &err), -VR_ERR_BAD_FILE);
	ck_assert_ptr_null(ep);
	ck_assert_str_eq(err.where, "e.txt");
	ck_assert_int_eq(err.line, line);
	ck_assert_str_eq(err.message, message);
}

START_TEST(entry_points_refuse)
{
	ep_refused("[console_scripts]\npip = pip\n", 2, "expected module:attr (no ':')");
	ep_refused("[console_scripts]\npip = os; os.system('x'):main\n", 2, "not a module name");
	ep_refused("[console_scripts]\npip = m:main()\n", 2, "not an attribute name");
	ep_refused("[console_scripts]\npip = m:\n", 2, "not an attribute name");
	ep_refused("[console_scripts]\n../evil = m:main\n", 2, "not a usable script name");
	ep_refused("[console_scripts]\na/b = m:main\n", 2, "not a usable script name");
	ep_refused("[console_scripts]\n = m:main\n", 2, "not a usable script name");
	ep_refused("[console_scripts]\njust words\n", 2, "expected 'name = module:attr'");
	ep_refused("[console_scripts]\na = m:f [x\n", 2, "an unclosed '[' in the extras");
	ep_refused("[console_scripts]\na = m:f\na = m:g\n", 3, "'a' is defined twice");
	ep_refused("[console_scripts\n", 1, "a bad section header");
	ep_refused("[console_scripts]\na = 1m:f\n", 2, "not a module name");
}
END_TEST

START_TEST(headers)
{
	static const char wheel[] = "Wheel-Version: 1.9\r\nroot-is-purelib: True\r\n\r\nRoot-Is-Purelib: false\n";
	static const char folded[] = "Name: x\nRequires-Python: >=3.8,\n  <4\nSummary: s\n";
	struct vr_error err = VR_ERROR_INIT;
	char *v = NULL;
	bool pure = false;

	ck_assert_int_eq(vr_wheel_file_parse(wheel, strlen(wheel), "WHEEL", &pure, NULL), 0);
	ck_assert(pure);
	ck_assert_int_eq(vr_wheel_file_parse("Wheel-Version: 1.0\n", 19, "WHEEL", &pure, NULL), 0);
	ck_assert(!pure);
	ck_assert_int_eq(vr_wheel_file_parse("Wheel-Version: 2.0\n", 19, "W", &pure, &err), -VR_ERR_BAD_FILE);
	ck_assert_str_eq(err.message, "unsupported Wheel-Version '2.0' (only 1.x)");
	ck_assert_int_eq(vr_wheel_file_parse("Generator: x\n\nWheel-Version: 1.0\n", 34, "W", &pure, &err),
			 -VR_ERR_BAD_FILE);
	ck_assert_str_eq(err.message, "no Wheel-Version");
	ck_assert_int_eq(vr_wheel_file_parse("Wheel-Version: one\n", 19, "W", &pure, &err), -VR_ERR_BAD_FILE);

	ck_assert_int_eq(vr_metadata_requires_python(folded, strlen(folded), "M", &v, NULL), 0);
	ck_assert_str_eq(v, ">=3.8, <4");
	free(v);
	ck_assert_int_eq(vr_metadata_requires_python(metadata, strlen(metadata), "M", &v, NULL), 0);
	ck_assert_str_eq(v, ">=3.7");
	free(v);
	v = (char *)"x";
	ck_assert_int_eq(vr_metadata_requires_python("Name: x\n\nRequires-Python: >=3\n", 29, "M", &v, NULL), 0);
	ck_assert_ptr_null(v);
}
END_TEST

/* ---- the cache ---- */

static struct vr_wheel_entry *
get_ok(const char *wheel)
{
	struct vr_error err = VR_ERROR_INIT;
	struct vr_wheel_entry *w = NULL;
	char line[VR_ERROR_LINE_MAX];
	int r = vr_wheel_cache_get(wheel, cache, &w, &err);

	vr_error_format(&err, line, sizeof line);
	ck_assert_msg(r == 0, "vr_wheel_cache_get(%s): %d %s", wheel, r, line);
	ck_assert_int_eq(err.code, 0);
	ck_assert_ptr_nonnull(w);
	return w;
}

static const struct vr_record_entry *
find_record(const struct vr_wheel_entry *w, const char *path)
{
	for (size_t i = 0; i < w->n_files; i++)
		if (streq(w->files[i].path, path))
			return &w->files[i];
	return NULL;
}

START_TEST(good_pure_wheel)
{
	char *wheel = make_wheel(WHL, NULL, 0, NULL);
	struct vr_wheel_entry *w = get_ok(wheel);
	char *expect_dir = t_strdupf("%s/" ENTRY, wheels), *s;

	ck_assert_str_eq(w->dir, expect_dir);
	ck_assert_str_eq(w->name.dist, "demo");
	ck_assert_str_eq(w->dist_info, "demo-1.0.dist-info");
	ck_assert_str_eq(w->requires_python, ">=3.7");
	ck_assert(w->root_is_purelib);
	ck_assert_uint_eq(w->n_files, 4);
	ck_assert_uint_eq(w->n_scripts, 0);
	ck_assert_ptr_nonnull(find_record(w, "demo/__init__.py"));
	ck_assert_ptr_nonnull(find_record(w, DI "RECORD"));
	s = read_at(w->dir, "demo/__init__.py");
	ck_assert_str_eq(s, "print('hello from demo')\n");
	free(s);
	/* Read-only: envs hard-link these, and a link shares the inode. */
	ck_assert_uint_eq(mode_at(w->dir, "demo/__init__.py") & 07777, 0444);
	ck_assert_uint_eq(mode_at(w->dir, DI "RECORD") & 07777, 0444);
	ck_assert_uint_eq(mode_at(w->dir, "demo") & 07777, 0555);
	ck_assert_uint_eq(mode_at(w->dir, ".") & 07777, 0555);
	if (geteuid() != 0) {
		char *p = t_strdupf("%s/demo/__init__.py", w->dir);

		ck_assert_int_lt(open(p, O_WRONLY | O_CLOEXEC), 0);
		ck_assert_int_eq(errno, EACCES);
		free(p);
	}
	assert_cache_clean_except(ENTRY);
	vr_wheel_entry_free(w);
	free(expect_dir);
	free(wheel);
}
END_TEST

START_TEST(console_scripts_wheel)
{
	static const struct wf extra[] = {
		{ DI "entry_points.txt",
		  "[console_scripts]\ndemo = demo.cli:main\n[gui_scripts]\ndemo-gui = demo.gui:run [x]\n", 0 },
		{ "demo/cli.py", "def main():\n    return 0\n", 0 },
	};
	char *wheel = make_wheel(WHL, extra, ELEMENTSOF(extra), NULL);
	struct vr_wheel_entry *w = get_ok(wheel);

	ck_assert_uint_eq(w->n_scripts, 2);
	ck_assert_str_eq(w->scripts[0].name, "demo");
	ck_assert_str_eq(w->scripts[0].module, "demo.cli");
	ck_assert_str_eq(w->scripts[0].attr, "main");
	ck_assert(!w->scripts[0].gui);
	ck_assert_str_eq(w->scripts[1].name, "demo-gui");
	ck_assert(w->scripts[1].gui);
	vr_wheel_entry_free(w);
	/* The warm path reads the same from the cache. */
	w = get_ok(wheel);
	ck_assert_uint_eq(w->n_scripts, 2);
	ck_assert_str_eq(w->scripts[1].attr, "run");
	ck_assert_uint_eq(w->n_files, 6);
	vr_wheel_entry_free(w);
	free(wheel);
}
END_TEST

START_TEST(data_wheel)
{
	static const struct wf extra[] = {
		{ "demo-1.0.data/", "", S_IFDIR | 0755 },
		{ "demo-1.0.data/scripts/demo-tool", "#!python\nprint('tool')\n", S_IFREG | 0755 },
		{ "demo-1.0.data/purelib/demo_extra.py", "X = 1\n", 0 },
		{ "demo-1.0.data/data/share/demo/readme.txt", "data\n", S_IFREG | 0644 },
		{ "demo-1.0.data/data/share/demo/with space.txt", "spaced\n", 0 },
	};
	char *wheel = make_wheel(WHL, extra, ELEMENTSOF(extra), NULL);
	struct vr_wheel_entry *w = get_ok(wheel);
	char *s;

	ck_assert_uint_eq(w->n_files, 8);
	s = read_at(w->dir, "demo-1.0.data/data/share/demo/readme.txt");
	ck_assert_str_eq(s, "data\n");
	free(s);
	/* The executable bit survives: a hard link into ENV/bin stays runnable. */
	ck_assert_uint_eq(mode_at(w->dir, "demo-1.0.data/scripts/demo-tool") & 07777, 0555);
	ck_assert_uint_eq(mode_at(w->dir, "demo-1.0.data/purelib/demo_extra.py") & 07777, 0444);
	ck_assert_uint_eq(mode_at(w->dir, "demo-1.0.data/data/share") & 07777, 0555);
	{
		/* Warm: a path with a space survives the stamp, and nothing is rebuilt. */
		ino_t ino = ino_of(w->dir);

		vr_wheel_entry_free(w);
		w = get_ok(wheel);
		ck_assert_uint_eq(ino_of(w->dir), ino);
		ck_assert_uint_eq(w->n_files, 8);
	}
	vr_wheel_entry_free(w);
	free(wheel);
}
END_TEST

START_TEST(refuse_hash_mismatch)
{
	struct wopts o = { .bad_hash = "demo/__init__.py" };
	char *wheel = make_wheel(WHL, NULL, 0, &o);

	assert_refused(wheel, WHL ": demo/__init__.py: sha256 does not match RECORD");
	free(wheel);
}
END_TEST

START_TEST(refuse_size_mismatch)
{
	struct wopts o = { .bad_size = "demo/__init__.py" };
	char *wheel = make_wheel(WHL, NULL, 0, &o);

	assert_refused(wheel, WHL ": demo/__init__.py: size does not match RECORD");
	free(wheel);
}
END_TEST

START_TEST(refuse_missing_record)
{
	struct wopts o = { .no_record = true };
	char *wheel = make_wheel(WHL, NULL, 0, &o);

	assert_refused(wheel, WHL ": demo-1.0.dist-info/RECORD: missing from the wheel");
	free(wheel);
}
END_TEST

START_TEST(refuse_dotdot)
{
	static const struct wf extra[] = { { "../x", "evil\n", 0 } };
	char *wheel = make_wheel(WHL, extra, 1, NULL);

	assert_refused(wheel, WHL ": ../x: refusing a '..' component");
	free(wheel);
}
END_TEST

START_TEST(refuse_absolute)
{
	static const struct wf extra[] = { { "/etc/x", "evil\n", 0 } };
	char *wheel = make_wheel(WHL, extra, 1, NULL);

	assert_refused(wheel, WHL ": /etc/x: refusing an absolute path");
	free(wheel);
}
END_TEST

START_TEST(refuse_backslash)
{
	static const struct wf extra[] = { { "demo\\x.py", "evil\n", 0 } };
	char *wheel = make_wheel(WHL, extra, 1, NULL);

	assert_refused(wheel, WHL ": demo\\x.py: refusing a backslash");
	free(wheel);
}
END_TEST

START_TEST(refuse_symlink)
{
	static const struct wf extra[] = { { "demo/link", "/etc/passwd", S_IFLNK | 0777 } };
	char *wheel = make_wheel(WHL, extra, 1, NULL);

	assert_refused(wheel, WHL ": demo/link: refusing a symlink entry");
	free(wheel);
}
END_TEST

START_TEST(refuse_fifo)
{
	static const struct wf extra[] = { { "demo/fifo", "", S_IFIFO | 0644 } };
	char *wheel = make_wheel(WHL, extra, 1, NULL);

	assert_refused(wheel, WHL ": demo/fifo: refusing an entry that is neither a file nor a directory");
	free(wheel);
}
END_TEST

START_TEST(refuse_truncated)
{
	char *wheel = make_wheel(WHL, NULL, 0, NULL);
	struct stat st;

	ck_assert_int_eq(stat(wheel, &st), 0);
	ck_assert_int_eq(truncate(wheel, st.st_size / 2), 0);
	assert_refused(wheel, WHL ": cannot read the archive (truncated or corrupt?): Not a zip archive");
	free(wheel);
}
END_TEST

START_TEST(refuse_corrupt_data)
{
	/* The central directory intact, a file's compressed bytes flipped: libzip's CRC or
	 * inflate error, or our hash, refuses it; nothing is left behind either way. */
	static const struct wf extra[] = { { "demo/big.py", "# padding padding padding padding padding\n", 0 } };
	char *wheel = make_wheel(WHL, extra, 1, NULL);
	struct vr_error err = VR_ERROR_INIT;
	struct vr_wheel_entry *w = NULL;
	char *text;
	size_t len;
	FILE *f;
	char *hit;

	text = t_read_file(wheel);
	ck_assert_ptr_nonnull(text);
	f = fopen(wheel, "r+");
	ck_assert_ptr_nonnull(f);
	fseek(f, 0, SEEK_END);
	len = (size_t)ftell(f);
	/* Stored or deflated, the file's data follows its local header's name. */
	hit = memmem(text, len, "demo/big.py", 11);
	ck_assert_ptr_nonnull(hit);
	ck_assert_uint_gt(len, (size_t)(hit - text) + 16);
	fseek(f, (hit - text) + 11 + 4, SEEK_SET);
	fputc('Z', f);
	fputc('Z', f);
	fclose(f);
	ck_assert_int_lt(vr_wheel_cache_get(wheel, cache, &w, &err), 0);
	ck_assert_ptr_null(w);
	ck_assert(vr_startswith(err.where, WHL));
	ck_assert_ptr_nonnull(strstr(err.message, "demo/big.py: "));
	assert_cache_clean();
	free(text);
	free(wheel);
}
END_TEST

START_TEST(refuse_unlisted)
{
	static const struct wf extra[] = { { "demo/extra.py", "x = 1\n", 0 } };
	struct wopts o = { .unlisted = "demo/extra.py" };
	char *wheel = make_wheel(WHL, extra, 1, &o);

	assert_refused(wheel, WHL ": demo/extra.py: not listed in RECORD");
	free(wheel);
}
END_TEST

START_TEST(refuse_phantom)
{
	struct wopts o = { .phantom = "demo/gone.py" };
	char *wheel = make_wheel(WHL, NULL, 0, &o);

	assert_refused(wheel, WHL ": demo/gone.py: listed in RECORD but not in the archive");
	free(wheel);
}
END_TEST

START_TEST(refuse_second_dist_info)
{
	static const struct wf extra[] = { { "other-2.0.dist-info/METADATA", "Name: other\n", 0 } };
	char *wheel = make_wheel(WHL, extra, 1, NULL);

	assert_refused(wheel, WHL
		       ": other-2.0.dist-info/METADATA: a second .dist-info directory (besides demo-1.0.dist-info)");
	free(wheel);
}
END_TEST

START_TEST(refuse_wheel_version)
{
	struct wopts o = { .wheel_file = "Wheel-Version: 2.0\nRoot-Is-Purelib: true\n" };
	struct wopts o2 = { .wheel_file = "Generator: nothing\n" };
	char *wheel = make_wheel(WHL, NULL, 0, &o);

	assert_refused(wheel, WHL ": demo-1.0.dist-info/WHEEL: unsupported Wheel-Version '2.0' (only 1.x)");
	free(wheel);
	wheel = make_wheel(WHL, NULL, 0, &o2);
	assert_refused(wheel, WHL ": demo-1.0.dist-info/WHEEL: no Wheel-Version");
	free(wheel);
}
END_TEST

START_TEST(refuse_bad_record_line)
{
	/* RECORD itself names an absolute path: refused with the RECORD line. */
	struct wopts o = { .phantom = "/etc/passwd" };
	char *wheel = make_wheel(WHL, NULL, 0, &o);

	assert_refused(wheel, WHL ": demo-1.0.dist-info/RECORD:4: refusing an absolute path");
	free(wheel);
}
END_TEST

START_TEST(refuse_name_mismatch)
{
	char *wheel = make_wheel("other-1.0-py3-none-any.whl", NULL, 0, NULL);

	assert_refused(wheel,
		       "other-1.0-py3-none-any.whl: demo-1.0.dist-info: does not match the wheel's name 'other'");
	free(wheel);
}
END_TEST

START_TEST(cache_reused)
{
	char *wheel = make_wheel(WHL, NULL, 0, NULL);
	struct vr_wheel_entry *w = get_ok(wheel);
	char *file = t_strdupf("%s/demo/__init__.py", w->dir);
	ino_t dir_ino = ino_of(w->dir), file_ino = ino_of(file);
	struct timespec ts[2] = { { 0, UTIME_OMIT }, { 1000000, 0 } };

	vr_wheel_entry_free(w);
	w = get_ok(wheel);
	ck_assert_uint_eq(ino_of(w->dir), dir_ino);
	ck_assert_uint_eq(ino_of(file), file_ino);
	ck_assert_uint_eq(w->n_files, 4);
	ck_assert_str_eq(w->requires_python, ">=3.7");
	vr_wheel_entry_free(w);

	/* A new mtime with the same content: hashed, found intact, kept. */
	ck_assert_int_eq(utimensat(AT_FDCWD, file, ts, 0), 0);
	w = get_ok(wheel);
	ck_assert_uint_eq(ino_of(w->dir), dir_ino);
	ck_assert_uint_eq(ino_of(file), file_ino);
	vr_wheel_entry_free(w);
	assert_cache_clean_except(ENTRY);
	free(file);
	free(wheel);
}
END_TEST

START_TEST(cache_tampered_file)
{
	char *wheel = make_wheel(WHL, NULL, 0, NULL);
	struct vr_wheel_entry *w = get_ok(wheel);
	char *file = t_strdupf("%s/demo/__init__.py", w->dir), *s;
	ino_t dir_ino = ino_of(w->dir);
	/* Held open, so that the rebuilt entry cannot get the old inode number. */
	int old = open(w->dir, O_PATH | O_CLOEXEC);
	FILE *f;

	/* Same size, other content: the mtime changes, so the hash is checked. */
	ck_assert_int_eq(chmod(file, 0644), 0);
	f = fopen(file, "r+");
	ck_assert_ptr_nonnull(f);
	fputs("PRINT", f);
	fclose(f);
	vr_wheel_entry_free(w);

	w = get_ok(wheel);
	ck_assert_uint_ne(ino_of(w->dir), dir_ino);
	close(old);
	s = t_read_file(file);
	ck_assert_str_eq(s, "print('hello from demo')\n");
	free(s);
	ck_assert_uint_eq(mode_at(w->dir, "demo/__init__.py") & 07777, 0444);
	assert_cache_clean_except(ENTRY);
	vr_wheel_entry_free(w);
	free(file);
	free(wheel);
}
END_TEST

START_TEST(cache_removed_file)
{
	char *wheel = make_wheel(WHL, NULL, 0, NULL);
	struct vr_wheel_entry *w = get_ok(wheel);
	char *dir = t_strdupf("%s/demo", w->dir), *file = t_strdupf("%s/__init__.py", dir);
	ino_t dir_ino = ino_of(w->dir);
	/* Held open, so that the rebuilt entry cannot get the old inode number. */
	int old = open(w->dir, O_PATH | O_CLOEXEC);

	ck_assert_int_eq(chmod(dir, 0755), 0);
	ck_assert_int_eq(unlink(file), 0);
	vr_wheel_entry_free(w);

	w = get_ok(wheel);
	ck_assert_uint_ne(ino_of(w->dir), dir_ino);
	close(old);
	ck_assert_int_eq(access(file, F_OK), 0);
	assert_cache_clean_except(ENTRY);
	vr_wheel_entry_free(w);

	/* A grown file: caught by the size alone. */
	ck_assert_int_eq(chmod(file, 0644), 0);
	ck_assert_int_eq(truncate(file, 1), 0);
	w = get_ok(wheel);
	ck_assert_uint_eq(mode_at(w->dir, "demo/__init__.py") & 07777, 0444);
	{
		struct stat st;

		ck_assert_int_eq(stat(file, &st), 0);
		ck_assert_int_eq(st.st_size, 25);
	}
	vr_wheel_entry_free(w);
	free(dir);
	free(file);
	free(wheel);
}
END_TEST

START_TEST(cache_parallel)
{
	static const struct wf extra[] = {
		{ DI "entry_points.txt", "[console_scripts]\ndemo = demo.cli:main\n", 0 },
		{ "demo/cli.py", "def main():\n    return 0\n", 0 },
	};
	char *wheel = make_wheel(WHL, extra, ELEMENTSOF(extra), NULL);
	int fds[2];
	pid_t pids[8];
	ino_t inos[8];
	struct vr_wheel_entry *w;

	ck_assert_int_eq(pipe(fds), 0);
	for (int i = 0; i < 8; i++) {
		pids[i] = fork();
		ck_assert_int_ge(pids[i], 0);
		if (pids[i] == 0) {
			struct vr_wheel_entry *cw = NULL;
			struct stat st;
			ino_t ino = 0;

			close(fds[0]);
			if (vr_wheel_cache_get(wheel, cache, &cw, NULL) == 0 && cw->n_scripts == 1 &&
			    stat(cw->dir, &st) == 0)
				ino = st.st_ino;
			if (write(fds[1], &ino, sizeof ino) != sizeof ino)
				_exit(2);
			_exit(ino ? 0 : 1);
		}
	}
	close(fds[1]);
	for (int i = 0; i < 8; i++) {
		int status = 0;

		ck_assert_int_eq(read(fds[0], &inos[i], sizeof inos[i]), (ssize_t)sizeof inos[i]);
		ck_assert_int_eq(waitpid(pids[i], &status, 0), pids[i]);
		ck_assert(WIFEXITED(status));
		ck_assert_int_eq(WEXITSTATUS(status), 0);
	}
	close(fds[0]);
	/* One build: every child saw the same directory, and nothing else is left. */
	w = get_ok(wheel);
	for (int i = 0; i < 8; i++)
		ck_assert_uint_eq(inos[i], ino_of(w->dir));
	assert_cache_clean_except(ENTRY);
	vr_wheel_entry_free(w);
	free(wheel);
}
END_TEST

START_TEST(two_tags_two_entries)
{
	char *a = make_wheel("demo-1.0-py3-none-any.whl", NULL, 0, NULL);
	char *b = make_wheel("demo-1.0-cp311-cp311-linux_x86_64.whl", NULL, 0, NULL);
	struct vr_wheel_entry *wa = get_ok(a), *wb = get_ok(b);

	ck_assert_str_ne(wa->dir, wb->dir);
	ck_assert(vr_endswith(wb->dir, "/demo-1.0-cp311-cp311-linux_x86_64"));
	vr_wheel_entry_free(wa);
	vr_wheel_entry_free(wb);
	free(a);
	free(b);
}
END_TEST

START_TEST(real_wheels)
{
	const char *dir = "/usr/share/python-wheels";
	DIR *d = opendir(dir);
	struct dirent *de;
	int seen = 0;

	if (!d) {
		fprintf(stderr, "real_wheels: %s is missing; skipped\n", dir);
		return;
	}
	while ((de = readdir(d))) {
		char *path;
		struct vr_wheel_entry *w;
		struct vr_wheel_name n;
		int fd;

		if (!vr_endswith(de->d_name, ".whl"))
			continue;
		path = t_strdupf("%s/%s", dir, de->d_name);
		w = get_ok(path);
		ck_assert_uint_gt(w->n_files, 3);
		ck_assert(w->root_is_purelib);
		if (vr_startswith(de->d_name, "pip-")) {
			bool has_pip = false;

			for (size_t i = 0; i < w->n_scripts; i++)
				has_pip |= streq(w->scripts[i].name, "pip");
			ck_assert(has_pip);
			ck_assert_ptr_nonnull(w->requires_python);
		}
		vr_wheel_entry_free(w);
		/* Warm. */
		w = get_ok(path);
		vr_wheel_entry_free(w);

		fd = open(path, O_RDONLY | O_CLOEXEC);
		ck_assert_int_ge(fd, 0);
		ck_assert_int_eq(vr_wheel_name_parse(path, &n, NULL), 0);
		ck_assert_int_eq(vr_wheel_verify_fd(fd, de->d_name, &n, NULL), 0);
		close(fd);
		free(path);
		seen++;
	}
	closedir(d);
	if (seen == 0)
		fprintf(stderr, "real_wheels: no wheels in %s; skipped\n", dir);
}
END_TEST

START_TEST(stale_temps_removed)
{
	char *wheel = make_wheel(WHL, NULL, 0, NULL);
	char *old = t_strdupf("%s/.tmp-crashed", wheels), *sub = t_strdupf("%s/pkg", old);
	char *fresh = t_strdupf("%s/.tmp-busy", wheels), *file = t_strdupf("%s/x.py", sub);
	struct timespec ts[2] = { { 0, UTIME_OMIT }, { time(NULL) - 7200, 0 } };
	struct vr_wheel_entry *w;

	/* What a builder killed half-way leaves: read-only parts, two hours old. */
	ck_assert_int_eq(mkdir(cache, 0755), 0);
	ck_assert_int_eq(mkdir(wheels, 0755), 0);
	ck_assert_int_eq(mkdir(old, 0755), 0);
	ck_assert_int_eq(mkdir(sub, 0755), 0);
	t_write_file(file, "x\n", false);
	ck_assert_int_eq(chmod(file, 0444), 0);
	ck_assert_int_eq(chmod(sub, 0555), 0);
	ck_assert_int_eq(utimensat(AT_FDCWD, old, ts, 0), 0);
	ck_assert_int_eq(mkdir(fresh, 0700), 0);

	w = get_ok(wheel);
	ck_assert_int_eq(access(old, F_OK), -1);
	ck_assert_int_eq(access(fresh, F_OK), 0);
	vr_wheel_entry_free(w);
	free(old);
	free(sub);
	free(fresh);
	free(file);
	free(wheel);
}
END_TEST

static const struct t_case cases[] = {
	T_CASE(sha256_vectors),
	T_CASE(name_parse),
	T_CASE(record_parse),
	T_CASE(record_refuse),
	T_CASE(entry_points_parse),
	T_CASE(entry_points_refuse),
	T_CASE(headers),
	T_CASE(good_pure_wheel),
	T_CASE(console_scripts_wheel),
	T_CASE(data_wheel),
	T_CASE(refuse_hash_mismatch),
	T_CASE(refuse_size_mismatch),
	T_CASE(refuse_missing_record),
	T_CASE(refuse_dotdot),
	T_CASE(refuse_absolute),
	T_CASE(refuse_backslash),
	T_CASE(refuse_symlink),
	T_CASE(refuse_fifo),
	T_CASE(refuse_truncated),
	T_CASE(refuse_corrupt_data),
	T_CASE(refuse_unlisted),
	T_CASE(refuse_phantom),
	T_CASE(refuse_second_dist_info),
	T_CASE(refuse_wheel_version),
	T_CASE(refuse_bad_record_line),
	T_CASE(refuse_name_mismatch),
	T_CASE(cache_reused),
	T_CASE(cache_tampered_file),
	T_CASE(cache_removed_file),
	T_CASE(cache_parallel),
	T_CASE(two_tags_two_entries),
	T_CASE(stale_temps_removed),
	T_CASE(real_wheels),
};

int
main(void)
{
	return t_run_suite(T_SUITE_FIXTURE("wheel", cases, setup, teardown));
}
