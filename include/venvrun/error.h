/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * The error record and exit statuses of libvenvrun.
 *
 * Every fallible function returns >= 0 on success and a negative error code on failure: a
 * negated errno, or a negated VR_ERR_* (venvrun's own codes start at 5000). It takes a
 * struct vr_error * as its last argument, which it fills only on failure; NULL is allowed
 * when the caller does not want the details.
 *
 *     struct vr_error err = VR_ERROR_INIT;
 *     int r = vr_env_create("myenv", &opts, NULL, &err);
 *     if (r < 0) {
 *             char line[VR_ERROR_LINE_MAX];
 *             vr_error_format(&err, line, sizeof line);
 *             fprintf(stderr, "venvrun: %s\n", line);
 *             return vr_exit_status(r);
 *     }
 *
 * The record has a fixed size and holds no pointers, so a forked child can fill it without
 * allocating and write it whole to its parent through a pipe.
 */

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#ifndef VR_PUBLIC
#define VR_PUBLIC __attribute__((visibility("default")))
#endif

/* venvrun's own error codes; returned negated, like errno values. */
enum vr_error_code {
	VR_ERR_BASE = 5000,
	VR_ERR_USAGE,			/* bad command line */
	VR_ERR_BAD_SPEC,		/* an interpreter spec that does not parse */
	VR_ERR_NO_INTERPRETER,		/* no interpreter matches the spec */
	VR_ERR_UNSUPPORTED_INTERPRETER, /* found, but venvrun cannot build envs for it */
	VR_ERR_QUERY_FAILED,		/* the interpreter crashed, hung or answered garbage */
	VR_ERR_NOT_AN_ENV,		/* a directory without a readable pyvenv.cfg */
	VR_ERR_ENV_EXISTS,		/* create would replace an env without --clear */
	VR_ERR_BAD_PATH,		/* a path venvrun refuses to use (':' or newline, ...) */
	VR_ERR_UNSAFE,			/* an operation refused to protect the user's files */
	VR_ERR_BAD_FILE,		/* a file whose content does not parse */
	VR_ERR_BROKEN_ENV,		/* an env whose base interpreter is gone or changed */
	VR_ERR_CANNOT_EXEC,		/* a command found but not executable (exit 126) */
	VR_ERR_COMMAND_NOT_FOUND,	/* a command not found (exit 127) */
	VR_ERR_BAD_POLICY,		/* a policy or manifest that does not parse or validate */
	VR_ERR_NO_PROFILE,		/* no profile of that name */
	VR_ERR_HARDENING,		/* hardening the policy asks for cannot be applied here */
	VR_ERR_MISSING_LIBRARY,		/* a shared library needed for this (libzip, ...) does not load */
	VR_ERR_MAX,
};

/* Exit statuses of the venvrun command (DESIGN.md §3). */
enum vr_exit_status {
	VR_EXIT_SUCCESS = 0,
	VR_EXIT_TIMEOUT = 124,	   /* the policy's wall-clock timeout ended the program (as timeout(1)) */
	VR_EXIT_FAILURE = 125,	   /* venvrun itself failed */
	VR_EXIT_CANNOT_EXEC = 126, /* the command was found but could not be executed */
	VR_EXIT_NOT_FOUND = 127,   /* the command was not found */
	VR_EXIT_SIGNAL_BASE = 128, /* the program died of signal N: 128 + N */
};

#define VR_ERROR_WHERE_MAX 4096
#define VR_ERROR_MESSAGE_MAX 1024
#define VR_ERROR_HINT_MAX 512
#define VR_ERROR_LINE_MAX (VR_ERROR_WHERE_MAX + VR_ERROR_MESSAGE_MAX + VR_ERROR_HINT_MAX + 32)

struct vr_error {
	int code;			    /* positive errno or VR_ERR_*; 0 when unset */
	int line;			    /* 1-based line in `where`, 0 when not a file position */
	int column;			    /* 1-based column, 0 when unknown */
	char where[VR_ERROR_WHERE_MAX];	    /* the file, path or key the error is about; may be "" */
	char message[VR_ERROR_MESSAGE_MAX]; /* what went wrong */
	char hint[VR_ERROR_HINT_MAX];	    /* what to do about it; may be "" */
};

#define VR_ERROR_INIT               \
	{                           \
		0, 0, 0, "", "", "" \
	}

/*
 * Record an error and return it negated, so that `return vr_error_set(err, errno, ...)` is
 * the common line. `code` may be given positive or negative. For errno codes the text of
 * strerror() is appended to the message. `err` may be NULL.
 */
VR_PUBLIC int vr_error_set(struct vr_error *err, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Like vr_error_set(), and names `where` (a path, file or key) as the error's place. */
VR_PUBLIC int vr_error_set_at(struct vr_error *err, int code, const char *where, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* Set the place of an error already recorded, with an optional line and column (0: none). */
VR_PUBLIC void vr_error_set_where(struct vr_error *err, const char *where, int line, int column);

/* Add what the user can do about an error already recorded. */
VR_PUBLIC void vr_error_set_hint(struct vr_error *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Reset a record to "no error". */
VR_PUBLIC void vr_error_clear(struct vr_error *err);

/*
 * Write the one-line form "WHERE[:LINE[:COL]]: MESSAGE[; HINT]" into buf (always
 * NUL-terminated). Returns the length written, truncated to fit.
 */
VR_PUBLIC size_t vr_error_format(const struct vr_error *err, char *buf, size_t size);

/* A short name for a VR_ERR_* or errno code; never NULL. */
VR_PUBLIC const char *vr_error_code_name(int code);

/* Map a negative return code of libvenvrun to the exit status of the venvrun command. */
VR_PUBLIC int vr_exit_status(int r);

#ifdef __cplusplus
}
#endif
