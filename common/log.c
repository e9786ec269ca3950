/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "log.h"

bool
vr_debug_enabled(void)
{
	static int enabled = -1;

	if (enabled < 0) {
		const char *v = secure_getenv("VENVRUN_DEBUG");
		enabled = v && *v && !streq(v, "0");
	}
	return enabled;
}

void
vr_debug(const char *fmt, ...)
{
	va_list ap;

	if (!vr_debug_enabled())
		return;
	va_start(ap, fmt);
	fputs("venvrun[debug]: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}
