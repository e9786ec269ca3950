/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The text files inside a wheel's .dist-info: RECORD (CSV), entry_points.txt (an INI
 * subset), and the RFC 822 style headers of METADATA and WHEEL; plus sha256 in RECORD's
 * form. Every parser takes (text, len) without relying on a terminating NUL, bounds what
 * it keeps, and names the file and line of what it refuses.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "macro.h"
#include "wheel-internal.h"

#define LINE_MAX_LEN 8192
#define MAX_ENTRY_POINTS 10000
#define MAX_EP_NAME 255
#define MAX_REQUIRES_PYTHON 1024

void
vr_sha256_record_form(const unsigned char d[32], char out[VR_SHA256_RECORD_SIZE])
{
	static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
	char *o = out;

	memcpy(o, "sha256=", 7);
	o += 7;
	/* 32 bytes: ten full groups of three, then two bytes as three characters, no '='. */
	for (int i = 0; i < 30; i += 3) {
		uint32_t v = (uint32_t)d[i] << 16 | (uint32_t)d[i + 1] << 8 | d[i + 2];
		*o++ = b64[v >> 18 & 63], *o++ = b64[v >> 12 & 63], *o++ = b64[v >> 6 & 63], *o++ = b64[v & 63];
	}
	{
		uint32_t v = (uint32_t)d[30] << 16 | (uint32_t)d[31] << 8;
		*o++ = b64[v >> 18 & 63], *o++ = b64[v >> 12 & 63], *o++ = b64[v >> 6 & 63];
	}
	*o = 0;
}

/* ---- RECORD ---- */

static int
bad_line(struct vr_error *err, const char *where, int line, const char *fmt, const char *arg)
{
	char safe[128];
	size_t i;
	int r;

	/* Quoted text from the file: control characters would break the one-line error. */
	for (i = 0; arg[i] && i < sizeof safe - 1; i++)
		safe[i] = ((unsigned char)arg[i] < 0x20 || arg[i] == 0x7f) ? '?' : arg[i];
	safe[i] = 0;
	r = vr_error_set(err, VR_ERR_BAD_FILE, fmt, safe);

	vr_error_set_where(err, where ? where : "RECORD", line, 0);
	return r;
}

void
vr_record_free(struct vr_record_entry *entries, size_t n)
{
	if (!entries)
		return;
	for (size_t i = 0; i < n; i++) {
		free(entries[i].path);
		free(entries[i].hash);
	}
	free(entries);
}

static int
cmp_record_path(const void *a, const void *b)
{
	const struct vr_record_entry *const *x = a, *const *y = b;

	return strcmp((*x)->path, (*y)->path);
}

/* A relative, '/'-separated path without empty, "." or ".." components and without
 * control characters; what both RECORD and the archive's entry names must be. */
static const char *
path_problem(const char *p, size_t len)
{
	size_t comp = 0;

	if (len > 0 && p[0] == '/')
		return "an absolute path";
	if (len == 0)
		return "an empty path";
	if (len > VR_WHEEL_MAX_PATH)
		return "a path too long";
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)p[i];

		if (c == 0)
			return "a NUL byte";
		if (c == '\\')
			return "a backslash";
		if (c < 0x20 || c == 0x7f)
			return "a control character";
	}
	for (size_t i = 0; i <= len; i++) {
		if (i == len || p[i] == '/') {
			size_t clen = i - comp;

			if (clen == 2 && p[comp] == '.' && p[comp + 1] == '.')
				return "a '..' component";
			if (clen == 1 && p[comp] == '.')
				return "a '.' component";
			if (clen == 0 && i != len)
				return "an empty component";
			if (clen > VR_WHEEL_MAX_COMPONENT)
				return "a component too long";
			comp = i + 1;
		}
	}
	return NULL;
}

const char *
vr_wheel_path_problem(const char *p, size_t len)
{
	return path_problem(p, len);
}

static bool
valid_b64_digest(const char *s)
{
	size_t n = strlen(s);

	if (n != VR_SHA256_B64_LEN)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '-' && s[i] != '_')
			return false;
	return true;
}

/*
 * One CSV record as Python's csv module reads it: fields separated by ',', a field may be
 * quoted with '"' (a doubled '"' inside is one quote; newlines and commas inside quotes
 * belong to the field), records end at '\n' or "\r\n". At most 3 fields are kept; more is
 * an error. Returns the number of fields, 0 for an empty line, or -1 for a syntax error.
 */
static int
csv_record(const char *text, size_t len, size_t *pos, int *line, struct vr_buf fields[3], bool *too_many)
{
	size_t i = *pos;
	int nf = 0;
	bool any = false;

	*too_many = false;
	for (int k = 0; k < 3; k++) {
		vr_buf_done(&fields[k]);
		vr_buf_append(&fields[k], "", 0);
	}
	for (;;) {
		struct vr_buf *f = nf < 3 ? &fields[nf] : NULL;

		if (i < len && text[i] == '"') {
			any = true;
			i++;
			for (;;) {
				if (i >= len)
					return -1; /* unterminated quote */
				if (text[i] == '"') {
					if (i + 1 < len && text[i + 1] == '"') {
						if (f)
							vr_buf_putc(f, '"');
						i += 2;
						continue;
					}
					i++;
					break;
				}
				if (text[i] == '\n')
					(*line)++;
				if (f)
					vr_buf_putc(f, text[i]);
				i++;
			}
			/* After the closing quote, the csv module keeps what follows verbatim. */
		}
		while (i < len && text[i] != ',' && text[i] != '\n' &&
		       !(text[i] == '\r' && i + 1 < len && text[i + 1] == '\n')) {
			any = true;
			if (f)
				vr_buf_putc(f, text[i]);
			i++;
		}
		nf++;
		if (nf > 3)
			*too_many = true;
		if (f && f->len > VR_WHEEL_MAX_PATH + 64)
			return -1;
		if (i < len && text[i] == ',') {
			any = true;
			i++;
			continue;
		}
		if (i < len && text[i] == '\r')
			i++;
		if (i < len && text[i] == '\n')
			i++;
		break;
	}
	*pos = i;
	return any ? nf : 0;
}

int
vr_record_parse(const char *text, size_t len, const char *where, struct vr_record_entry **ret, size_t *ret_n,
		struct vr_error *err)
{
	struct vr_buf fields[3] = { VR_BUF_INIT, VR_BUF_INIT, VR_BUF_INIT };
	struct vr_record_entry *v = NULL;
	_cleanup_free_ struct vr_record_entry **sorted = NULL;
	size_t n = 0, cap = 0, pos = 0;
	int line = 1, r = 0;

	if ((!text && len > 0) || !ret || !ret_n)
		return vr_error_set(err, EINVAL, "vr_record_parse");
	if (len > VR_WHEEL_MAX_RECORD)
		return vr_error_set_at(err, VR_ERR_BAD_FILE, where ? where : "RECORD", "larger than %d bytes",
				       VR_WHEEL_MAX_RECORD);
	while (pos < len) {
		int start = line, nf;
		bool too_many;
		const char *problem;
		struct vr_record_entry *e;

		nf = csv_record(text, len, &pos, &line, fields, &too_many);
		line++;
		if (nf < 0 || vr_buf_status(&fields[0]) < 0 || vr_buf_status(&fields[1]) < 0 ||
		    vr_buf_status(&fields[2]) < 0) {
			r = nf < 0 ? bad_line(err, where, start, "%s", "not a CSV line (bad quoting or too long)")
				   : vr_error_set(err, ENOMEM, "parsing RECORD");
			goto fail;
		}
		if (nf == 0)
			continue;
		if (nf != 3 || too_many) {
			r = bad_line(err, where, start, "%s", "expected three fields: path,hash,size");
			goto fail;
		}
		if (strlen(fields[0].data) != fields[0].len) {
			r = bad_line(err, where, start, "%s", "a NUL byte in the path");
			goto fail;
		}
		problem = path_problem(fields[0].data, fields[0].len);
		if (problem) {
			r = bad_line(err, where, start, "refusing %s", problem);
			goto fail;
		}
		if (fields[1].len > 0) {
			if (!vr_startswith(fields[1].data, "sha256=")) {
				r = bad_line(err, where, start, "unsupported hash '%.40s' (only sha256)",
					     fields[1].data);
				goto fail;
			}
			if (strlen(fields[1].data) != fields[1].len || !valid_b64_digest(fields[1].data + 7)) {
				r = bad_line(err, where, start, "%s", "a malformed sha256 digest");
				goto fail;
			}
		}
		if (n >= VR_WHEEL_MAX_ENTRIES) {
			r = bad_line(err, where, start, "more than %s entries", "100000");
			goto fail;
		}
		if (n == cap) {
			size_t ncap = cap ? cap * 2 : 64;
			struct vr_record_entry *nv = realloc(v, ncap * sizeof *v);

			if (!nv) {
				r = vr_error_set(err, ENOMEM, "parsing RECORD");
				goto fail;
			}
			v = nv;
			cap = ncap;
		}
		e = &v[n];
		*e = (struct vr_record_entry){ .path = NULL, .hash = NULL, .size = -1 };
		if (fields[2].len > 0) {
			long long size = 0;

			for (size_t i = 0; i < fields[2].len; i++) {
				char c = fields[2].data[i];

				if (c < '0' || c > '9' || size > (1LL << 50)) {
					r = bad_line(err, where, start, "%s", "a size that is not a number");
					goto fail;
				}
				size = size * 10 + (c - '0');
			}
			e->size = size;
		}
		e->path = vr_buf_steal(&fields[0]);
		if (fields[1].len > 0)
			e->hash = vr_buf_steal(&fields[1]);
		n++;
		if (!e->path || (fields[1].len > 0 && !e->hash)) {
			r = vr_error_set(err, ENOMEM, "parsing RECORD");
			goto fail;
		}
	}

	/* Duplicate paths: the second could claim another hash for the same file. */
	if (n > 1) {
		sorted = malloc(n * sizeof *sorted);
		if (!sorted) {
			r = vr_error_set(err, ENOMEM, "parsing RECORD");
			goto fail;
		}
		for (size_t i = 0; i < n; i++)
			sorted[i] = &v[i];
		qsort(sorted, n, sizeof *sorted, cmp_record_path);
		for (size_t i = 1; i < n; i++)
			if (streq(sorted[i - 1]->path, sorted[i]->path)) {
				r = vr_error_set_at(err, VR_ERR_BAD_FILE, where ? where : "RECORD",
						    "'%.200s' is listed twice", sorted[i]->path);
				goto fail;
			}
	}
	for (int k = 0; k < 3; k++)
		vr_buf_done(&fields[k]);
	*ret = v;
	*ret_n = n;
	return 0;
fail:
	for (int k = 0; k < 3; k++)
		vr_buf_done(&fields[k]);
	vr_record_free(v, n);
	return r;
}

/* ---- entry_points.txt ---- */

void
vr_entry_points_free(struct vr_entry_point *eps, size_t n)
{
	if (!eps)
		return;
	for (size_t i = 0; i < n; i++) {
		free(eps[i].name);
		free(eps[i].module);
		free(eps[i].attr);
	}
	free(eps);
}

static void
trim(const char **s, const char **e)
{
	while (*s < *e && (**s == ' ' || **s == '\t'))
		(*s)++;
	while (*e > *s && ((*e)[-1] == ' ' || (*e)[-1] == '\t' || (*e)[-1] == '\r'))
		(*e)--;
}

/*
 * A dotted Python name ("pkg.mod", "Class.method"): identifiers of letters, digits, '_'
 * and non-ASCII bytes, not starting with a digit. The seeder writes these into a script's
 * source, so nothing else may pass: "os; os.system(...)" must not become code.
 */
static bool
is_dotted_name(const char *s, size_t len)
{
	bool start = true;

	if (len == 0)
		return false;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '.') {
			if (start)
				return false;
			start = true;
			continue;
		}
		if (!(isalpha(c) || c == '_' || c >= 0x80 || (!start && isdigit(c))))
			return false;
		start = false;
	}
	return !start;
}

/* A script name becomes a file name in ENV/bin. */
static bool
is_script_name(const char *s, size_t len)
{
	if (len == 0 || len > MAX_EP_NAME || s[0] == '.' || s[0] == '-')
		return false;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c < 0x20 || c == 0x7f || c == '/' || c == '\\' || c == ' ' || c == '\t' || c == '[' || c == ']')
			return false;
	}
	return true;
}

static int
ep_line(const char *s, const char *e, bool gui, struct vr_entry_point *ep, const char *where, int line,
	struct vr_error *err)
{
	const char *eq = memchr(s, '=', (size_t)(e - s)), *colon, *ns, *ne, *vs, *ve, *bracket;

	if (!eq)
		return bad_line(err, where, line, "%s", "expected 'name = module:attr'");
	ns = s, ne = eq;
	trim(&ns, &ne);
	vs = eq + 1, ve = e;
	/* Extras in brackets at the end are for installers that resolve them; ignored. */
	bracket = memchr(vs, '[', (size_t)(ve - vs));
	if (bracket) {
		const char *close = memchr(bracket, ']', (size_t)(ve - bracket));
		const char *after = close ? close + 1 : NULL, *ae = ve;

		if (!close)
			return bad_line(err, where, line, "%s", "an unclosed '[' in the extras");
		trim(&after, &ae);
		if (after != ae)
			return bad_line(err, where, line, "%s", "text after the extras");
		ve = bracket;
	}
	trim(&vs, &ve);
	if (!is_script_name(ns, (size_t)(ne - ns)))
		return bad_line(err, where, line, "%s", "not a usable script name");
	colon = memchr(vs, ':', (size_t)(ve - vs));
	if (!colon)
		return bad_line(err, where, line, "%s", "expected module:attr (no ':')");
	{
		const char *ms = vs, *me = colon, *as = colon + 1, *ae = ve;

		trim(&ms, &me);
		trim(&as, &ae);
		if (!is_dotted_name(ms, (size_t)(me - ms)))
			return bad_line(err, where, line, "%s", "not a module name");
		if (!is_dotted_name(as, (size_t)(ae - as)))
			return bad_line(err, where, line, "%s", "not an attribute name");
		ep->name = strndup(ns, (size_t)(ne - ns));
		ep->module = strndup(ms, (size_t)(me - ms));
		ep->attr = strndup(as, (size_t)(ae - as));
		ep->gui = gui;
	}
	if (!ep->name || !ep->module || !ep->attr)
		return vr_error_set(err, ENOMEM, "parsing entry points");
	return 0;
}

int
vr_entry_points_parse(const char *text, size_t len, const char *where, struct vr_entry_point **ret, size_t *ret_n,
		      struct vr_error *err)
{
	struct vr_entry_point *v = NULL;
	size_t n = 0, cap = 0, pos = 0, first_of_section = 0;
	int line = 0, r;
	enum { OTHER, CONSOLE, GUI } section = OTHER;

	if ((!text && len > 0) || !ret || !ret_n)
		return vr_error_set(err, EINVAL, "vr_entry_points_parse");
	if (len > VR_WHEEL_MAX_SMALL)
		return vr_error_set_at(err, VR_ERR_BAD_FILE, where ? where : "entry_points.txt", "larger than %d bytes",
				       VR_WHEEL_MAX_SMALL);
	while (pos < len) {
		const char *s = text + pos, *nl = memchr(s, '\n', len - pos);
		const char *e = nl ? nl : text + len;

		pos = (size_t)(e - text) + (nl ? 1 : 0);
		line++;
		if (e - s > LINE_MAX_LEN) {
			r = bad_line(err, where ? where : "entry_points.txt", line, "%s", "line too long");
			goto fail;
		}
		if (memchr(s, 0, (size_t)(e - s))) {
			r = bad_line(err, where ? where : "entry_points.txt", line, "%s", "a NUL byte");
			goto fail;
		}
		trim(&s, &e);
		if (s == e || *s == '#' || *s == ';')
			continue;
		if (*s == '[') {
			const char *ss = s + 1, *se = e;

			if (e[-1] != ']' || e - s < 2) {
				r = bad_line(err, where ? where : "entry_points.txt", line, "%s",
					     "a bad section header");
				goto fail;
			}
			se--;
			trim(&ss, &se);
			if ((size_t)(se - ss) == 15 && strneq(ss, "console_scripts", 15))
				section = CONSOLE;
			else if ((size_t)(se - ss) == 11 && strneq(ss, "gui_scripts", 11))
				section = GUI;
			else
				section = OTHER;
			first_of_section = n;
			continue;
		}
		if (section == OTHER)
			continue;
		if (n >= MAX_ENTRY_POINTS) {
			r = bad_line(err, where ? where : "entry_points.txt", line, "%s", "too many entry points");
			goto fail;
		}
		if (n == cap) {
			size_t ncap = cap ? cap * 2 : 8;
			struct vr_entry_point *nv = realloc(v, ncap * sizeof *v);

			if (!nv) {
				r = vr_error_set(err, ENOMEM, "parsing entry points");
				goto fail;
			}
			v = nv;
			cap = ncap;
		}
		v[n] = (struct vr_entry_point){ NULL, NULL, NULL, false };
		r = ep_line(s, e, section == GUI, &v[n], where ? where : "entry_points.txt", line, err);
		n++;
		if (r < 0)
			goto fail;
		/* configparser refuses a key given twice in one section; so do we. */
		for (size_t i = first_of_section; i + 1 < n; i++)
			if (streq(v[i].name, v[n - 1].name)) {
				r = bad_line(err, where ? where : "entry_points.txt", line, "'%s' is defined twice",
					     v[n - 1].name);
				goto fail;
			}
	}
	*ret = v;
	*ret_n = n;
	return 0;
fail:
	vr_entry_points_free(v, n);
	return r;
}

/* ---- METADATA and WHEEL headers ---- */

int
vr_wheel_header_get(const char *text, size_t len, const char *key, char **ret)
{
	size_t klen = strlen(key), pos = 0;
	struct vr_buf b = VR_BUF_INIT;
	bool found = false, in_value = false;

	while (pos < len) {
		const char *s = text + pos, *nl = memchr(s, '\n', len - pos);
		const char *e = nl ? nl : text + len;

		pos = (size_t)(e - text) + (nl ? 1 : 0);
		if (e > s && e[-1] == '\r')
			e--;
		if (s == e)
			break; /* the first blank line ends the headers */
		if (*s == ' ' || *s == '\t') {
			/* A continuation line: folded into the value with one space. */
			if (in_value) {
				trim(&s, &e);
				vr_buf_putc(&b, ' ');
				vr_buf_append(&b, s, (size_t)(e - s));
			}
			continue;
		}
		if (found)
			break;
		in_value = false;
		if ((size_t)(e - s) > klen && s[klen] == ':' && strncasecmp(s, key, klen) == 0) {
			const char *vs = s + klen + 1;

			trim(&vs, &e);
			vr_buf_append(&b, vs, (size_t)(e - vs));
			found = in_value = true;
		}
	}
	if (!found) {
		vr_buf_done(&b);
		return -ENOENT;
	}
	if (vr_buf_status(&b) < 0) {
		vr_buf_done(&b);
		return -ENOMEM;
	}
	*ret = vr_buf_steal(&b);
	return *ret ? 0 : -ENOMEM;
}

int
vr_wheel_file_parse(const char *text, size_t len, const char *where, bool *purelib, struct vr_error *err)
{
	_cleanup_free_ char *version = NULL, *root = NULL;
	char *end = NULL;
	long major;
	int r;

	if (len > VR_WHEEL_MAX_SMALL)
		return vr_error_set_at(err, VR_ERR_BAD_FILE, where, "larger than %d bytes", VR_WHEEL_MAX_SMALL);
	r = vr_wheel_header_get(text, len, "Wheel-Version", &version);
	if (r == -ENOMEM)
		return vr_error_set(err, ENOMEM, "parsing WHEEL");
	if (r < 0)
		return vr_error_set_at(err, VR_ERR_BAD_FILE, where, "no Wheel-Version");
	errno = 0;
	major = strtol(version, &end, 10);
	if (errno || end == version || (*end && *end != '.') || !isdigit((unsigned char)version[0]))
		return vr_error_set_at(err, VR_ERR_BAD_FILE, where, "Wheel-Version '%.32s' is not a version", version);
	/* A new major version may change the format in ways a reader of 1.x cannot see. */
	if (major != 1)
		return vr_error_set_at(err, VR_ERR_BAD_FILE, where, "unsupported Wheel-Version '%.32s' (only 1.x)",
				       version);
	r = vr_wheel_header_get(text, len, "Root-Is-Purelib", &root);
	if (r == -ENOMEM)
		return vr_error_set(err, ENOMEM, "parsing WHEEL");
	/* As pip reads it: anything but "true" means platlib. */
	*purelib = r == 0 && strcasecmp(root, "true") == 0;
	return 0;
}

int
vr_metadata_requires_python(const char *text, size_t len, const char *where, char **ret, struct vr_error *err)
{
	_cleanup_free_ char *v = NULL;
	int r;

	if (len > VR_WHEEL_MAX_METADATA)
		return vr_error_set_at(err, VR_ERR_BAD_FILE, where, "larger than %d bytes", VR_WHEEL_MAX_METADATA);
	r = vr_wheel_header_get(text, len, "Requires-Python", &v);
	if (r == -ENOMEM)
		return vr_error_set(err, ENOMEM, "parsing METADATA");
	if (r == -ENOENT) {
		*ret = NULL;
		return 0;
	}
	if (strlen(v) > MAX_REQUIRES_PYTHON)
		return vr_error_set_at(err, VR_ERR_BAD_FILE, where, "Requires-Python longer than %d bytes",
				       MAX_REQUIRES_PYTHON);
	for (const char *p = v; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			return vr_error_set_at(err, VR_ERR_BAD_FILE, where, "a control character in Requires-Python");
	*ret = TAKE_PTR(v);
	return 0;
}
