/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "venvrun/error.h"

#include "macro.h"

static const char *const code_names[] = {
	[VR_ERR_USAGE - VR_ERR_BASE] = "usage",
	[VR_ERR_BAD_SPEC - VR_ERR_BASE] = "bad interpreter spec",
	[VR_ERR_NO_INTERPRETER - VR_ERR_BASE] = "no interpreter",
	[VR_ERR_UNSUPPORTED_INTERPRETER - VR_ERR_BASE] = "unsupported interpreter",
	[VR_ERR_QUERY_FAILED - VR_ERR_BASE] = "interpreter query failed",
	[VR_ERR_NOT_AN_ENV - VR_ERR_BASE] = "not an env",
	[VR_ERR_ENV_EXISTS - VR_ERR_BASE] = "env exists",
	[VR_ERR_BAD_PATH - VR_ERR_BASE] = "bad path",
	[VR_ERR_UNSAFE - VR_ERR_BASE] = "refused as unsafe",
	[VR_ERR_BAD_FILE - VR_ERR_BASE] = "bad file",
	[VR_ERR_BROKEN_ENV - VR_ERR_BASE] = "broken env",
	[VR_ERR_CANNOT_EXEC - VR_ERR_BASE] = "cannot execute",
	[VR_ERR_COMMAND_NOT_FOUND - VR_ERR_BASE] = "command not found",
	[VR_ERR_BAD_POLICY - VR_ERR_BASE] = "bad policy",
	[VR_ERR_NO_PROFILE - VR_ERR_BASE] = "no such profile",
	[VR_ERR_HARDENING - VR_ERR_BASE] = "hardening unavailable",
	[VR_ERR_MISSING_LIBRARY - VR_ERR_BASE] = "missing library",
};

static int
normalize(int code)
{
	if (code < 0)
		code = -code;
	/* 0 is a programming error: never report success as a failure. */
	return code ? code : EIO;
}

static void
set_message(struct vr_error *err, int code, const char *fmt, va_list ap)
{
	int n = vsnprintf(err->message, sizeof err->message, fmt, ap);

	if (code < VR_ERR_BASE && n >= 0 && (size_t)n < sizeof err->message)
		snprintf(err->message + n, sizeof err->message - (size_t)n, ": %s", strerror(code));
}

VR_PUBLIC int
vr_error_set(struct vr_error *err, int code, const char *fmt, ...)
{
	va_list ap;

	code = normalize(code);
	if (!err)
		return -code;
	err->code = code;
	err->line = err->column = 0;
	err->where[0] = err->hint[0] = 0;
	va_start(ap, fmt);
	set_message(err, code, fmt, ap);
	va_end(ap);
	return -code;
}

VR_PUBLIC int
vr_error_set_at(struct vr_error *err, int code, const char *where, const char *fmt, ...)
{
	va_list ap;

	code = normalize(code);
	if (!err)
		return -code;
	err->code = code;
	err->line = err->column = 0;
	err->hint[0] = 0;
	snprintf(err->where, sizeof err->where, "%s", where ? where : "");
	va_start(ap, fmt);
	set_message(err, code, fmt, ap);
	va_end(ap);
	return -code;
}

VR_PUBLIC void
vr_error_set_where(struct vr_error *err, const char *where, int line, int column)
{
	if (!err)
		return;
	snprintf(err->where, sizeof err->where, "%s", where ? where : "");
	err->line = line;
	err->column = column;
}

VR_PUBLIC void
vr_error_set_hint(struct vr_error *err, const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return;
	va_start(ap, fmt);
	vsnprintf(err->hint, sizeof err->hint, fmt, ap);
	va_end(ap);
}

VR_PUBLIC void
vr_error_clear(struct vr_error *err)
{
	if (err)
		*err = (struct vr_error)VR_ERROR_INIT;
}

VR_PUBLIC size_t
vr_error_format(const struct vr_error *err, char *buf, size_t size)
{
	size_t n = 0;
	int r;

	if (!buf || size == 0)
		return 0;
	buf[0] = 0;
	if (!err)
		return 0;

#define APPEND(...)                                                   \
	do {                                                          \
		if (n < size) {                                       \
			r = snprintf(buf + n, size - n, __VA_ARGS__); \
			if (r > 0)                                    \
				n += (size_t)r;                       \
		}                                                     \
	} while (0)

	if (err->where[0]) {
		APPEND("%s", err->where);
		if (err->line > 0)
			APPEND(":%d", err->line);
		if (err->line > 0 && err->column > 0)
			APPEND(":%d", err->column);
		APPEND(": ");
	}
	APPEND("%s", err->message[0] ? err->message : vr_error_code_name(err->code));
	if (err->hint[0])
		APPEND("; %s", err->hint);
#undef APPEND

	/* One line, and nothing a terminal would act on, whatever a message, key or path held:
	 * keys and names can come from files anyone wrote (an env's venvrun.json). */
	for (size_t i = 0; buf[i]; i++)
		if ((unsigned char)buf[i] < 0x20 || buf[i] == 0x7f)
			buf[i] = buf[i] == '\n' || buf[i] == '\r' || buf[i] == '\t' ? ' ' : '?';
	return n < size ? n : size - 1;
}

VR_PUBLIC const char *
vr_error_code_name(int code)
{
	if (code < 0)
		code = -code;
	if (code > VR_ERR_BASE && code < VR_ERR_MAX && code_names[code - VR_ERR_BASE])
		return code_names[code - VR_ERR_BASE];
	if (code > 0 && code < VR_ERR_BASE)
		return strerror(code);
	return "unknown error";
}

VR_PUBLIC int
vr_exit_status(int r)
{
	if (r >= 0)
		return VR_EXIT_SUCCESS;
	switch (-r) {
	case VR_ERR_CANNOT_EXEC:
		return VR_EXIT_CANNOT_EXEC;
	case VR_ERR_COMMAND_NOT_FOUND:
		return VR_EXIT_NOT_FOUND;
	default:
		return VR_EXIT_FAILURE;
	}
}
