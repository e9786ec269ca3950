/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"

static bool
reserve(struct vr_buf *b, size_t extra)
{
	size_t need, cap;
	char *p;

	if (b->oom)
		return false;
	if (extra > (size_t)-1 / 2 - b->len) {
		b->oom = true;
		return false;
	}
	need = b->len + extra + 1;
	if (need <= b->cap)
		return true;
	cap = b->cap ? b->cap : 256;
	while (cap < need)
		cap *= 2;
	p = realloc(b->data, cap);
	if (!p) {
		b->oom = true;
		return false;
	}
	b->data = p;
	b->cap = cap;
	return true;
}

void
vr_buf_append(struct vr_buf *b, const char *s, size_t n)
{
	if (!reserve(b, n))
		return;
	memcpy(b->data + b->len, s, n);
	b->len += n;
	b->data[b->len] = 0;
}

void
vr_buf_puts(struct vr_buf *b, const char *s)
{
	vr_buf_append(b, s, strlen(s));
}

void
vr_buf_putc(struct vr_buf *b, char c)
{
	vr_buf_append(b, &c, 1);
}

void
vr_buf_printf(struct vr_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || !reserve(b, (size_t)n)) {
		b->oom = true;
		return;
	}
	va_start(ap, fmt);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

int
vr_buf_status(const struct vr_buf *b)
{
	return b->oom ? -ENOMEM : 0;
}

char *
vr_buf_steal(struct vr_buf *b)
{
	char *p;

	if (b->oom) {
		vr_buf_done(b);
		return NULL;
	}
	if (!b->data && !reserve(b, 0))
		return NULL;
	if (!b->data)
		return NULL;
	b->data[b->len] = 0;
	p = b->data;
	*b = (struct vr_buf)VR_BUF_INIT;
	return p;
}

void
vr_buf_done(struct vr_buf *b)
{
	free(b->data);
	*b = (struct vr_buf)VR_BUF_INIT;
}
