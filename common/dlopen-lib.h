/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * Libraries loaded when first needed, not when venvrun starts. libzip (with libcrypto,
 * libbz2 and libz), libmount (with libblkid, libselinux and pcre2) and libseccomp serve
 * a few paths only (reading a wheel, the mount fallback for old kernels, system call names
 * in a policy); linked, the dynamic loader maps and relocates all of them on every start,
 * which costs more than a sandboxed run's whole plan. So each file that uses one of them
 * resolves the functions it calls from a table, on first use:
 *
 *     #include <zip.h>                        // the real prototypes: headers only, no -lzip
 *     #include "dlopen-lib.h"
 *
 *     VR_DLSYM_DEFINE(zip_fdopen);            // static typeof(zip_fdopen) *sym_zip_fdopen
 *     VR_DLSYM_DEFINE(zip_discard);
 *
 *     static struct vr_dlopen_lib libzip = VR_DLOPEN_LIB(VR_LIBZIP_SONAME, "libzip",
 *             VR_DLSYM(zip_fdopen), VR_DLSYM(zip_discard));
 *
 *     if ((r = vr_dlopen_lib(&libzip, err)) < 0)      // once per use; cheap after the first
 *             return r;
 *     za = sym_zip_fdopen(fd, ZIP_RDONLY, &zerr);     // checked against zip.h's prototype
 *
 * Each pointer is declared with the type of the header's own declaration, so a call
 * through it is type-checked as a direct call would be, and the binary references none of
 * the library's symbols (the build links the library's headers only, so a direct call
 * fails to link). Several tables may name the same library, in different files: the
 * loader maps it once. A library stays loaded until the process exits.
 *
 * The soname macros (VR_LIBZIP_SONAME, ...) come from config.h: meson reads them from the
 * libraries the build found, so they match the headers' version.
 */

#include <stddef.h>

#include "venvrun/error.h"

struct vr_dlsym {
	const char *name;
	void **addr; /* the function pointer to set: &sym_NAME, from VR_DLSYM() */
};

struct vr_dlopen_lib {
	const char *soname;	     /* what dlopen() is given: "libzip.so.4" */
	const char *what;	     /* for the hint: "libzip" */
	const struct vr_dlsym *syms; /* every symbol is required */
	size_t n_syms;
	int loaded; /* set once every symbol is resolved; read and written atomically */
};

/* Declare the pointer a table fills: `sym_NAME`, of the type of NAME's prototype. */
#define VR_DLSYM_DEFINE(sym) static __typeof__(sym) *sym_##sym = NULL

/* One entry of a table, for a pointer declared with VR_DLSYM_DEFINE(name). */
#define VR_DLSYM(sym)                                     \
	{                                                 \
		.name = #sym, .addr = (void **)&sym_##sym \
	}

/* A library and its table, to initialise a struct vr_dlopen_lib at file scope (the table is
 * a compound literal, static there). */
#define VR_DLOPEN_LIB(soname_, what_, ...)                                                              \
	{                                                                                               \
		.soname = (soname_), .what = (what_), .syms = (const struct vr_dlsym[]){ __VA_ARGS__ }, \
		.n_syms = sizeof((const struct vr_dlsym[]){ __VA_ARGS__ }) / sizeof(struct vr_dlsym),   \
	}

/*
 * Load the library and resolve every symbol of its table, the first time; later calls
 * return at once. Safe to call from several threads. Returns 0, or -VR_ERR_MISSING_LIBRARY
 * with "cannot load SONAME: why" and a hint in err when the library or one of its symbols
 * is missing; then no pointer of the table has been set, and a later call tries again.
 */
int vr_dlopen_lib(struct vr_dlopen_lib *lib, struct vr_error *err);
