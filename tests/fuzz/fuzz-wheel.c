/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libFuzzer target for wheel reading (runner/wheel-*.c): the bytes of one input are read as
 * a RECORD, an entry_points.txt, a WHEEL and a METADATA file, as a wheel file name, and as
 * a whole wheel archive (from a memfd, through libzip, checked against its RECORD with
 * every file hashed, exactly as vr_wheel_cache_get() does before unpacking; nothing is
 * written). Besides the sanitizers' own findings, it aborts when a documented contract is
 * broken:
 *
 *   - a failure returns a negative code, fills the error record (exit status 125) and
 *     leaves the out-parameters alone; a success leaves the record alone;
 *   - every RECORD path it accepts is relative, without "..", backslash or control
 *     characters; every hash is "sha256=" and 43 characters; no path twice;
 *   - every entry point it accepts has a script name usable as a file name and a module
 *     and attribute that are dotted Python names (they go into a script's source);
 *   - a parsed wheel name's cache entry name is one path component.
 *
 * Build and run: see tests/fuzz/meson.build.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "venvrun/error.h"

#include "wheel-internal.h"
#include "wheel.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char sentinel_storage;
#define SENTINEL ((void *)&sentinel_storage)

static _Noreturn void
fail(const char *what, const struct vr_error *err)
{
	char line[VR_ERROR_LINE_MAX];

	fprintf(stderr, "fuzz-wheel: %s\n", what);
	if (err && err->code != 0) {
		vr_error_format(err, line, sizeof line);
		fprintf(stderr, "  error: %s (code %d)\n", line, err->code);
	}
	abort();
}

static bool
error_is_unset(const struct vr_error *err)
{
	return err->code == 0 && err->line == 0 && err->column == 0 && err->where[0] == 0 && err->message[0] == 0 &&
	       err->hint[0] == 0;
}

static void
check_result(const char *fn, int r, bool ret_untouched, const struct vr_error *err)
{
	char what[256];

	if (r < 0) {
		snprintf(what, sizeof what, "%s failed (%d) without filling the error record", fn, r);
		if (err->code == 0 || err->message[0] == 0)
			fail(what, err);
		snprintf(what, sizeof what, "%s failed (%d) but wrote its out-parameter", fn, r);
		if (!ret_untouched)
			fail(what, err);
		snprintf(what, sizeof what, "%s failed (%d) with an exit status other than 125", fn, r);
		if (vr_exit_status(r) != VR_EXIT_FAILURE)
			fail(what, err);
		snprintf(what, sizeof what, "%s failed (%d) with a multi-line error", fn, r);
		if (strchr(err->message, '\n') || strchr(err->where, '\n'))
			fail(what, err);
		return;
	}
	snprintf(what, sizeof what, "%s succeeded (%d) but wrote the error record", fn, r);
	if (!error_is_unset(err))
		fail(what, err);
}

static bool
is_dotted(const char *s)
{
	bool start = true;

	for (; *s; s++) {
		if (*s == '.') {
			if (start)
				return false;
			start = true;
		} else if (isalnum((unsigned char)*s) || *s == '_' || (unsigned char)*s >= 0x80) {
			if (start && isdigit((unsigned char)*s))
				return false;
			start = false;
		} else {
			return false;
		}
	}
	return !start;
}

static void
fuzz_record(const char *text, size_t size)
{
	struct vr_error err = VR_ERROR_INIT;
	struct vr_record_entry *e = SENTINEL;
	size_t n = (size_t)-1;
	int r = vr_record_parse(text, size, "fuzz", &e, &n, &err);

	check_result("vr_record_parse", r, e == SENTINEL && n == (size_t)-1, &err);
	if (r < 0)
		return;
	for (size_t i = 0; i < n; i++) {
		if (vr_wheel_path_problem(e[i].path, strlen(e[i].path)))
			fail("vr_record_parse accepted a bad path", NULL);
		if (e[i].hash && (strncmp(e[i].hash, "sha256=", 7) != 0 || strlen(e[i].hash) != 7 + VR_SHA256_B64_LEN))
			fail("vr_record_parse accepted a bad hash", NULL);
		if (e[i].size < -1)
			fail("vr_record_parse gave a negative size", NULL);
		for (size_t k = i + 1; k < n && k < i + 64; k++)
			if (strcmp(e[i].path, e[k].path) == 0)
				fail("vr_record_parse accepted a path twice", NULL);
	}
	vr_record_free(e, n);
}

static void
fuzz_entry_points(const char *text, size_t size)
{
	struct vr_error err = VR_ERROR_INIT;
	struct vr_entry_point *ep = SENTINEL;
	size_t n = (size_t)-1;
	int r = vr_entry_points_parse(text, size, "fuzz", &ep, &n, &err);

	check_result("vr_entry_points_parse", r, ep == SENTINEL && n == (size_t)-1, &err);
	if (r < 0)
		return;
	for (size_t i = 0; i < n; i++) {
		const char *s = ep[i].name;

		if (!*s || *s == '.' || strchr(s, '/') || strlen(s) > 255)
			fail("vr_entry_points_parse accepted a bad script name", NULL);
		for (; *s; s++)
			if ((unsigned char)*s < 0x20 || *s == ' ')
				fail("vr_entry_points_parse accepted a script name with a control character", NULL);
		if (!is_dotted(ep[i].module) || !is_dotted(ep[i].attr))
			fail("vr_entry_points_parse accepted a module or attribute that is not a dotted name", NULL);
	}
	vr_entry_points_free(ep, n);
}

static void
fuzz_headers(const char *text, size_t size)
{
	struct vr_error err = VR_ERROR_INIT;
	bool purelib = false;
	char *rp = SENTINEL;
	int r;

	r = vr_wheel_file_parse(text, size, "fuzz", &purelib, &err);
	check_result("vr_wheel_file_parse", r, true, &err);
	vr_error_clear(&err);
	r = vr_metadata_requires_python(text, size, "fuzz", &rp, &err);
	check_result("vr_metadata_requires_python", r, rp == SENTINEL, &err);
	if (r >= 0 && rp != SENTINEL)
		free(rp);
}

static void
fuzz_name(const char *text, size_t size)
{
	struct vr_error err = VR_ERROR_INIT;
	struct vr_wheel_name n, before;
	char buf[1024], entry[512];
	size_t len = size < sizeof buf - 1 ? size : sizeof buf - 1;
	int r;

	memcpy(buf, text, len);
	buf[len] = 0;
	memset(&n, 0x5a, sizeof n);
	before = n;
	r = vr_wheel_name_parse(buf, &n, &err);
	check_result("vr_wheel_name_parse", r, memcmp(&n, &before, sizeof n) == 0, &err);
	if (r < 0)
		return;
	if (vr_wheel_name_entry(&n, entry, sizeof entry) < 0)
		fail("a parsed wheel name has no cache entry name", NULL);
	if (strchr(entry, '/') || strcmp(entry, "..") == 0 || strcmp(entry, ".") == 0 || entry[0] == '.')
		fail("a wheel name's cache entry is not one ordinary path component", NULL);
}

static void
fuzz_archive(const uint8_t *data, size_t size)
{
	struct vr_error err = VR_ERROR_INIT;
	int fd = memfd_create("fuzz-wheel", MFD_CLOEXEC);
	int r;

	if (fd < 0)
		abort();
	for (size_t off = 0; off < size;) {
		ssize_t w = write(fd, data + off, size - off);

		if (w <= 0)
			abort();
		off += (size_t)w;
	}
	r = vr_wheel_verify_fd(fd, "fuzz-1.0-py3-none-any.whl", NULL, &err);
	check_result("vr_wheel_verify_fd", r, true, &err);
	if (r < 0 && r != -ENOMEM && strcmp(err.where, "fuzz-1.0-py3-none-any.whl") != 0 &&
	    strncmp(err.where, "fuzz-1.0-py3-none-any.whl: ", 27) != 0)
		fail("vr_wheel_verify_fd failed without naming the wheel", &err);
	close(fd);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* The parsers take (text, len): no terminating NUL, so ASan sees any read past the end. */
	const char *text = (const char *)data;

	fuzz_record(text, size);
	fuzz_entry_points(text, size);
	fuzz_headers(text, size);
	fuzz_name(text, size);
	/* Zip archives start with a local header ("PK\3\4") or, empty, the end record. */
	if (size >= 4 && data[0] == 'P' && data[1] == 'K')
		fuzz_archive(data, size);
	return 0;
}
