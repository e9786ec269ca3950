/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* A growable byte buffer, always NUL-terminated, for building files and JSON text. */

#include <stdbool.h>
#include <stddef.h>

#include "macro.h"

struct vr_buf {
	char *data; /* NULL until the first append */
	size_t len;
	size_t cap;
	bool oom; /* an allocation failed: the content is incomplete */
};

#define VR_BUF_INIT               \
	{                         \
		NULL, 0, 0, false \
	}

void vr_buf_append(struct vr_buf *b, const char *s, size_t n);
void vr_buf_puts(struct vr_buf *b, const char *s);
void vr_buf_putc(struct vr_buf *b, char c);
void vr_buf_printf(struct vr_buf *b, const char *fmt, ...) _printf_(2, 3);
/* Returns -ENOMEM when any append failed, else 0. */
int vr_buf_status(const struct vr_buf *b);
/* Hands the (NUL-terminated) content to the caller and empties the buffer. */
char *vr_buf_steal(struct vr_buf *b);
void vr_buf_done(struct vr_buf *b);

static inline void
vr_buf_donep(struct vr_buf *b)
{
	vr_buf_done(b);
}
#define _cleanup_buf_ _cleanup_(vr_buf_donep)
