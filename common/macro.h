/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * Cleanup attributes and small helpers used everywhere. A variable declared with a cleanup
 * attribute is always initialised where it is declared; ownership leaves it through
 * TAKE_PTR() or TAKE_FD().
 */

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef VR_PUBLIC
#define VR_PUBLIC __attribute__((visibility("default")))
#endif

#define _cleanup_(f) __attribute__((cleanup(f)))
#define _unused_ __attribute__((unused))
#define _noreturn_ __attribute__((noreturn))
#define _printf_(a, b) __attribute__((format(printf, a, b)))
#define _warn_unused_result_ __attribute__((warn_unused_result))

/* Whether this is an AddressSanitizer build (gcc says so one way, clang another). */
#if defined(__SANITIZE_ADDRESS__)
#define VR_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define VR_ASAN 1
#endif
#endif
#ifndef VR_ASAN
#define VR_ASAN 0
#endif

#define ELEMENTSOF(x) (sizeof(x) / sizeof((x)[0]))
#define streq(a, b) (strcmp((a), (b)) == 0)
#define strneq(a, b, n) (strncmp((a), (b), (n)) == 0)

static inline void
vr_freep(void *p)
{
	free(*(void **)p);
}
#define _cleanup_free_ _cleanup_(vr_freep)

static inline void
vr_closep(int *fd)
{
	if (*fd >= 0) {
		int saved = errno;
		close(*fd);
		errno = saved;
	}
}
#define _cleanup_close_ _cleanup_(vr_closep)

static inline void
vr_fclosep(FILE **f)
{
	if (*f)
		fclose(*f);
}
#define _cleanup_fclose_ _cleanup_(vr_fclosep)

/* Move ownership out of a cleanup variable: the variable is left empty. */
#define TAKE_PTR(p)                            \
	({                                     \
		__typeof__(p) _take_tmp = (p); \
		(p) = NULL;                    \
		_take_tmp;                     \
	})

#define TAKE_FD(fd)                  \
	({                           \
		int _take_fd = (fd); \
		(fd) = -1;           \
		_take_fd;            \
	})

/* Define a cleanup function for a pointer type whose destructor takes the pointer. */
#define VR_DEFINE_CLEANUP(type, func)       \
	static inline void func##p(type *p) \
	{                                   \
		if (*p)                     \
			func(*p);           \
	}

/* qsort() with a NULL base is undefined even for no elements (UBSan says so): sort only
 * what there is. */
static inline void
vr_qsort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *))
{
	if (n > 1)
		qsort(base, n, size, cmp);
}

static inline bool
vr_startswith(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

static inline bool
vr_endswith(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);
	return n >= m && memcmp(s + n - m, suffix, m) == 0;
}

static inline bool
vr_isempty(const char *s)
{
	return !s || !*s;
}
