/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * File I/O relative to directory descriptors. Everything opens with O_CLOEXEC; writers
 * never follow a symlink at the final component, so a planted link cannot redirect them.
 */

#include <dirent.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "venvrun/error.h"

#include "macro.h"

enum vr_write_flags {
	VR_WRITE_EXCL = 1 << 0,	  /* fail with EEXIST when the name exists */
	VR_WRITE_ATOMIC = 1 << 1, /* write a temporary beside it and rename it into place */
	VR_WRITE_KEEP = 1 << 2,	  /* leave an existing file alone and succeed */
};

/* Read at most `max` bytes of a file (EFBIG when larger); the result is NUL-terminated.
 * `where` names the file in errors (defaults to path). */
int vr_read_file_at(int dirfd, const char *path, size_t max, char **ret, size_t *ret_len, const char *where,
		    struct vr_error *err);

int vr_write_file_at(int dirfd, const char *name, const void *data, size_t len, mode_t mode, unsigned flags,
		     const char *where, struct vr_error *err);

/* Create a symlink; with VR_WRITE_ATOMIC, replace what is there by renaming over it. */
int
vr_symlink_at(const char *target, int dirfd, const char *name, unsigned flags, const char *where, struct vr_error *err);

/* Copy a regular file's content (copy_file_range, falling back to read/write). */
int vr_copy_file_at(int src_dirfd, const char *src, int dst_dirfd, const char *dst, mode_t mode, unsigned flags,
		    const char *where, struct vr_error *err);

/* mkdir -p. The directories it made are appended to *created (may be NULL), outermost
 * first, so that a caller can remove them again if what it was doing fails. */
int vr_mkdir_parents(const char *path, mode_t mode, char ***created, struct vr_error *err);

/*
 * Remove `name` under dirfd and everything below it. Never follows a symlink (a link is
 * removed, not its target) and never crosses into another filesystem: a mount point below
 * is refused with EXDEV before anything under it is touched.
 */
int vr_rm_rf_at(int dirfd, const char *name, const char *where, struct vr_error *err);

/* The directory at dirfd/name (name "." for dirfd itself, which stays the caller's) open for
 * reading, with O_DIRECTORY | O_CLOEXEC and `flags` (O_NOFOLLOW, say); NULL with errno set
 * when it cannot be opened. closedir() it. */
DIR *vr_opendir_at(int dirfd, const char *name, int flags);

/* True when the directory at dirfd/name has no entries (errors count as not empty). */
bool vr_dir_is_empty_at(int dirfd, const char *name);
