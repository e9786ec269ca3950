/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Asking an interpreter for its facts, once: the answer is cached as JSON under
 * CACHE/interpreters/, one file per real path, keyed by that path and the file's identity
 * (device, inode, size, mtime). A changed interpreter no longer matches its key and is
 * asked again; a cache file that does not parse is ignored and rewritten.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "buf.h"
#include "fileio.h"
#include "interp.h"
#include "log.h"
#include "macro.h"
#include "path.h"
#include "process.h"

extern const char vr_query_script[];

#define QUERY_MAX_OUTPUT (1024 * 1024)
#define CACHE_FILE_MAX (4 * 1024 * 1024)

char *
vr_interpreter_cache_dir(const struct vr_discover_options *o)
{
	const char *e;

	if (o && o->cache_dir)
		return *o->cache_dir ? strdup(o->cache_dir) : NULL;
	e = secure_getenv("VENVRUN_CACHE_DIR");
	if (e)
		return *e ? strdup(e) : NULL;
	e = secure_getenv("XDG_CACHE_HOME");
	if (e && e[0] == '/')
		return vr_path_join(e, "venvrun");
	e = secure_getenv("HOME");
	if (e && e[0] == '/') {
		_cleanup_free_ char *c = vr_path_join(e, ".cache");
		return c ? vr_path_join(c, "venvrun") : NULL;
	}
	return NULL;
}

static json_t *
make_key(const char *real, const struct stat *st)
{
	return json_pack("{s:s, s:I, s:I, s:I, s:I, s:i}", "path", real, "dev", (json_int_t)st->st_dev, "ino",
			 (json_int_t)st->st_ino, "size", (json_int_t)st->st_size, "mtime_ns",
			 (json_int_t)st->st_mtim.tv_sec * 1000000000 + st->st_mtim.tv_nsec, "query", VR_QUERY_VERSION);
}

static char *
cache_file(const char *cache_dir, const char *real)
{
	char name[64];
	_cleanup_free_ char *dir = vr_path_join(cache_dir, "interpreters");

	if (!dir)
		return NULL;
	snprintf(name, sizeof name, "%016llx.json", vr_hash_string(real));
	return vr_path_join(dir, name);
}

static json_t *
cache_read(const char *file, json_t *key)
{
	_cleanup_free_ char *text = NULL;
	_cleanup_(json_decrefp) json_t *doc = NULL;
	json_t *info;
	json_error_t jerr;

	if (vr_read_file_at(AT_FDCWD, file, CACHE_FILE_MAX, &text, NULL, NULL, NULL) < 0)
		return NULL;
	doc = json_loads(text, 0, &jerr);
	if (!doc) {
		vr_debug("%s: corrupt interpreter cache entry (%s), asking again", file, jerr.text);
		return NULL;
	}
	if (!json_equal(json_object_get(doc, "key"), key)) {
		vr_debug("%s: stale interpreter cache entry, asking again", file);
		return NULL;
	}
	info = json_object_get(doc, "info");
	if (!vr_interpreter_info_is_valid(info))
		return NULL;
	return json_incref(info);
}

static void
cache_write(const char *cache_dir, const char *file, json_t *key, json_t *info)
{
	_cleanup_(json_decrefp) json_t *doc = json_pack("{s:O, s:O}", "key", key, "info", info);
	_cleanup_free_ char *text = NULL, *dir = NULL;

	if (!doc)
		return;
	text = json_dumps(doc, JSON_SORT_KEYS | JSON_COMPACT);
	dir = vr_path_join(cache_dir, "interpreters");
	if (!text || !dir)
		return;
	/* The cache is an optimisation: a directory we cannot create or a file we cannot
	 * write only costs the next run a query. */
	if (vr_mkdir_parents(dir, 0755, NULL, NULL) < 0)
		return;
	if (vr_write_file_at(AT_FDCWD, file, text, strlen(text), 0644, VR_WRITE_ATOMIC, NULL, NULL) < 0)
		vr_debug("%s: cannot write the interpreter cache", file);
}

static int
query_timeout(const struct vr_discover_options *o)
{
	const char *e;

	if (o && o->query_timeout_ms > 0)
		return o->query_timeout_ms;
	e = secure_getenv("VENVRUN_QUERY_TIMEOUT_MS");
	if (e) {
		char *end = NULL;
		long v = strtol(e, &end, 10);
		if (end && !*end && v > 0 && v <= 600000)
			return (int)v;
	}
	return 10000;
}

/* First line of a program's stderr, for an error message. */
static void
first_line(const char *s, char *buf, size_t size)
{
	const char *last = NULL;

	/* A traceback's last line says what happened; anything else, its first. */
	if (strstr(s, "Traceback")) {
		for (const char *p = s; *p; p++)
			if (*p == '\n' && p[1] && p[1] != '\n')
				last = p + 1;
		if (last)
			s = last;
	}
	snprintf(buf, size, "%.*s", (int)strcspn(s, "\n"), s);
}

static int
run_query(const char *real, const struct vr_discover_options *o, json_t **ret, struct vr_error *err)
{
	/* A small, fixed environment: nothing of the caller's PYTHON* variables, and no
	 * locale surprises in what the interpreter prints. */
	char *envp[] = { "PATH=/usr/local/bin:/usr/bin:/bin", "LC_ALL=C.UTF-8", "PYTHONIOENCODING=utf-8", NULL, NULL };
	_cleanup_free_ char *home = NULL;
	char *argv[] = { (char *)real, "-E", "-s", "-S", "-c", (char *)vr_query_script, NULL };
	struct vr_process_result res = { 0 };
	json_error_t jerr;
	json_t *info;
	char line[256];
	int timeout = query_timeout(o);
	int r;

	if (secure_getenv("HOME") && asprintf(&home, "HOME=%s", secure_getenv("HOME")) > 0)
		envp[3] = home;
	vr_debug("querying %s", real);
	r = vr_process_run(argv, envp, timeout, QUERY_MAX_OUTPUT, &res, err);
	if (r < 0)
		return r;
	if (res.timed_out) {
		vr_process_result_done(&res);
		r = vr_error_set_at(err, VR_ERR_QUERY_FAILED, real, "the interpreter did not answer within %d ms",
				    timeout);
		vr_error_set_hint(err, "is it a working Python? Choose another with -p");
		return r;
	}
	if (res.overflowed) {
		vr_process_result_done(&res);
		return vr_error_set_at(err, VR_ERR_QUERY_FAILED, real,
				       "the interpreter printed more than %d bytes when queried", QUERY_MAX_OUTPUT);
	}
	if (WIFSIGNALED(res.status)) {
		r = vr_error_set_at(err, VR_ERR_QUERY_FAILED, real, "the interpreter crashed (%s) when queried",
				    strsignal(WTERMSIG(res.status)));
		vr_process_result_done(&res);
		return r;
	}
	if (!WIFEXITED(res.status) || WEXITSTATUS(res.status) != 0) {
		first_line(res.err, line, sizeof line);
		r = vr_error_set_at(err, VR_ERR_QUERY_FAILED, real,
				    "the interpreter failed with status %d when queried%s%s",
				    WIFEXITED(res.status) ? WEXITSTATUS(res.status) : -1, line[0] ? ": " : "", line);
		vr_process_result_done(&res);
		return r;
	}
	info = json_loads(res.out, 0, &jerr);
	if (!info || !vr_interpreter_info_is_valid(info)) {
		json_decref(info);
		first_line(res.out, line, sizeof line);
		r = vr_error_set_at(err, VR_ERR_QUERY_FAILED, real,
				    "the interpreter's answer is not the expected JSON ('%.60s')", line);
		vr_error_set_hint(err, "is it a Python interpreter?");
		vr_process_result_done(&res);
		return r;
	}
	vr_process_result_done(&res);
	*ret = info;
	return 0;
}

int
vr_interpreter_query(const char *real, const struct stat *st, const struct vr_discover_options *o, json_t **ret,
		     struct vr_error *err)
{
	_cleanup_free_ char *cache_dir = vr_interpreter_cache_dir(o);
	_cleanup_free_ char *file = NULL;
	_cleanup_(json_decrefp) json_t *key = make_key(real, st);
	json_t *info = NULL;
	int r;

	if (!key)
		return vr_error_set(err, ENOMEM, "interpreter cache key");
	if (cache_dir) {
		file = cache_file(cache_dir, real);
		if (file)
			info = cache_read(file, key);
		if (info) {
			*ret = info;
			return 0;
		}
	}
	r = run_query(real, o, &info, err);
	if (r < 0)
		return r;
	if (file)
		cache_write(cache_dir, file, key, info);
	*ret = info;
	return 0;
}
