/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The helpers the wheel cases share (declared in wheel-helpers.h): the test's directory
 * and cache with their fixture, RECORD hashes, building wheels with libzip, and checking
 * refusals and what the cache leaves behind.
 */
#include "config.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zip.h>

#include "path.h"
#include "testlib.h"
#include "wheel-internal.h"
#include "wheel.h"

#include "wheel-helpers.h"

const char demo_metadata[] = "Metadata-Version: 2.1\nName: demo\nVersion: 1.0\nRequires-Python: >=3.7\n\n"
			     "Requires-Python: not a header any more\n";
static const char wheel_default[] = "Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\nTag: py3-none-any\n";

static char *workdir; /* the test's directory: the wheels built, and the cache */
char *cache_dir, *wheels_dir;

void
wheel_setup(void)
{
	workdir = t_tmpdir("wheel");
	cache_dir = t_strdupf("%s/cache", workdir);
	wheels_dir = t_strdupf("%s/cache/wheels", workdir);
}

void
wheel_teardown(void)
{
	/* The cache is read-only by design: make it removable again. */
	char *cmd = t_strdupf("chmod -R u+w '%s' 2>/dev/null; rm -rf '%s'", workdir, workdir);

	ck_assert_int_eq(system(cmd), 0);
	free(cmd);
	free(workdir);
	free(cache_dir);
	free(wheels_dir);
}

void
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
char *
make_wheel(const char *fname, const struct wf *extra, size_t n_extra, const struct wopts *o)
{
	static const struct wopts none = { 0 };
	char *path = t_strdupf("%s/%s", workdir, fname);
	struct wf base[] = {
		{ DI "METADATA", demo_metadata, 0 },
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
void
assert_cache_clean_except(const char *entry)
{
	DIR *d = opendir(wheels_dir);
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

void
assert_cache_clean(void)
{
	assert_cache_clean_except(NULL);
}

void
assert_refused(const char *wheel, const char *expected)
{
	struct vr_error err = VR_ERROR_INIT;
	struct vr_wheel_entry *w = (struct vr_wheel_entry *)&err; /* proves it is not written */
	char line[VR_ERROR_LINE_MAX];
	int r;

	r = vr_wheel_cache_get(wheel, cache_dir, &w, &err);
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
