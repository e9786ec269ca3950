/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Wheel file names (the binary distribution format):
 *
 *     {distribution}-{version}(-{build tag})?-{python tag}-{abi tag}-{platform tag}.whl
 *
 * '-' separates the parts, so no part holds one. The parts end up in a cache directory
 * name, so only the characters the specification allows pass: that also keeps '/', '..'
 * as a whole name and control characters out of every path built from them.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "macro.h"
#include "path.h"
#include "wheel-internal.h"

#define NAME_MAX_LEN 512

static bool
is_name_char(char c, const char *extra)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || (c && strchr(extra, c));
}

int
vr_wheel_dist_normalize(const char *name, size_t len, char *buf, size_t size)
{
	size_t n = 0;

	for (size_t i = 0; i < len; i++) {
		char c = name[i];

		if (c == '-' || c == '_' || c == '.') {
			if (n > 0 && buf[n - 1] == '_')
				continue;
			c = '_';
		} else if (!is_name_char(c, "")) {
			return -EINVAL;
		}
		if (n + 1 >= size)
			return -ENAMETOOLONG;
		buf[n++] = (char)tolower((unsigned char)c);
	}
	if (n == 0)
		return -EINVAL;
	buf[n] = 0;
	return 0;
}

/* Copy part [s, s+len) into dst after checking its characters and length. */
static int
take_part(const char *s, size_t len, const char *extra, char *dst, size_t size)
{
	if (len == 0 || len >= size)
		return -EINVAL;
	for (size_t i = 0; i < len; i++)
		if (!is_name_char(s[i], extra))
			return -EINVAL;
	memcpy(dst, s, len);
	dst[len] = 0;
	return 0;
}

int
vr_wheel_name_parse(const char *filename, struct vr_wheel_name *ret, struct vr_error *err)
{
	const char *base, *parts[6], *p;
	size_t lens[6], n = 0, len;
	struct vr_wheel_name w;
	const char *what = NULL;

	if (!filename || !ret)
		return vr_error_set(err, EINVAL, "vr_wheel_name_parse");
	memset(&w, 0, sizeof w);
	base = vr_path_basename(filename);
	len = strlen(base);
	if (len > NAME_MAX_LEN)
		return vr_error_set_at(err, VR_ERR_BAD_FILE, "(a wheel file name)", "longer than %d bytes",
				       NAME_MAX_LEN);
	/* The name is the error's place from here on: an error stays one line. */
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)base[i] < 0x20 || base[i] == 0x7f)
			return vr_error_set_at(err, VR_ERR_BAD_FILE, "(a wheel file name)",
					       "not a wheel name: a control character");
	if (!vr_endswith(base, ".whl") || len <= 4)
		return vr_error_set_at(err, VR_ERR_BAD_FILE, base, "not a wheel: the name does not end in .whl");
	len -= 4;
	/* Split at every '-': five parts, or six with a build tag. */
	for (p = base;;) {
		const char *dash = memchr(p, '-', len - (size_t)(p - base));

		if (n == ELEMENTSOF(parts)) {
			n++; /* a seventh part: not a wheel name */
			break;
		}
		parts[n] = p;
		lens[n] = dash ? (size_t)(dash - p) : len - (size_t)(p - base);
		n++;
		if (!dash)
			break;
		p = dash + 1;
	}
	if (n != 5 && n != 6)
		return vr_error_set_at(err, VR_ERR_BAD_FILE, base,
				       "not a wheel name: expected DIST-VERSION[-BUILD]-PYTHON-ABI-PLATFORM.whl");

	/* The normalised name is never longer than the written one. */
	if (vr_wheel_dist_normalize(parts[0], lens[0], w.dist, sizeof w.dist) < 0 || lens[0] >= sizeof w.dist)
		what = "distribution name";
	else if (take_part(parts[1], lens[1], "._!+", w.version, sizeof w.version) < 0)
		what = "version";
	else if (n == 6 && (take_part(parts[2], lens[2], "._", w.build, sizeof w.build) < 0 ||
			    !(w.build[0] >= '0' && w.build[0] <= '9')))
		what = "build tag";
	else if (take_part(parts[n - 3], lens[n - 3], "._", w.python, sizeof w.python) < 0)
		what = "python tag";
	else if (take_part(parts[n - 2], lens[n - 2], "._", w.abi, sizeof w.abi) < 0)
		what = "abi tag";
	else if (take_part(parts[n - 1], lens[n - 1], "._", w.platform, sizeof w.platform) < 0)
		what = "platform tag";
	if (what)
		return vr_error_set_at(err, VR_ERR_BAD_FILE, base, "not a wheel name: bad %s", what);
	*ret = w;
	return 0;
}

int
vr_wheel_name_entry(const struct vr_wheel_name *n, char *buf, size_t size)
{
	int r;

	if (n->build[0])
		r = snprintf(buf, size, "%s-%s-%s-%s-%s-%s", n->dist, n->version, n->build, n->python, n->abi,
			     n->platform);
	else
		r = snprintf(buf, size, "%s-%s-%s-%s-%s", n->dist, n->version, n->python, n->abi, n->platform);
	if (r < 0 || (size_t)r >= size)
		return -ENAMETOOLONG;
	return 0;
}
