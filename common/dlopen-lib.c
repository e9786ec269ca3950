/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <dlfcn.h>
#include <pthread.h>
#include <string.h>

#include "venvrun/error.h"

#include "dlopen-lib.h"
#include "log.h"
#include "macro.h"

/* One lock for every table: loading happens once per library and process, and a library
 * that pulls in others (libzip: libcrypto) is not loaded twice at once anyway. */
static pthread_mutex_t load_lock = PTHREAD_MUTEX_INITIALIZER;

static void
unlockp(pthread_mutex_t **m)
{
	if (*m)
		pthread_mutex_unlock(*m);
}

/* dlerror() says "libzip.so.4: cannot open shared object file: ..."; the message names
 * the library already. */
static const char *
strip_soname(const char *why, const char *soname)
{
	size_t n = strlen(soname);

	if (!why)
		return "unknown error";
	if (strneq(why, soname, n) && why[n] == ':' && why[n + 1] == ' ')
		return why + n + 2;
	return why;
}

static int
fail(const struct vr_dlopen_lib *lib, const char *why, struct vr_error *err)
{
	int r = vr_error_set(err, VR_ERR_MISSING_LIBRARY, "cannot load %s: %s", lib->soname,
			     strip_soname(why, lib->soname));

	vr_error_set_hint(err, "install %s (the package that provides %s)", lib->what, lib->soname);
	return r;
}

int
vr_dlopen_lib(struct vr_dlopen_lib *lib, struct vr_error *err)
{
	_cleanup_(unlockp) pthread_mutex_t *locked = NULL;
	void *dl;

	if (__atomic_load_n(&lib->loaded, __ATOMIC_ACQUIRE))
		return 0;
	pthread_mutex_lock(&load_lock);
	locked = &load_lock;
	if (lib->loaded)
		return 0;

	/* RTLD_NOW: a symbol the library lacks fails here, with a message, not as a crash
	 * in the middle of its use. RTLD_LOCAL: nothing else binds to it by accident. Never
	 * closed: the pointers stay valid until the process exits. */
	dl = dlopen(lib->soname, RTLD_NOW | RTLD_LOCAL);
	if (!dl)
		return fail(lib, dlerror(), err);
	for (size_t i = 0; i < lib->n_syms; i++) {
		void *p;

		/* A NULL symbol is legal ELF, but none of ours is one: NULL is missing. */
		p = dlsym(dl, lib->syms[i].name);
		if (!p) {
			char why[256];

			snprintf(why, sizeof why, "no symbol '%s'", lib->syms[i].name);
			for (size_t j = 0; j < i; j++)
				*lib->syms[j].addr = NULL;
			dlclose(dl);
			return fail(lib, why, err);
		}
		*lib->syms[i].addr = p;
	}
	vr_debug("loaded %s (%zu symbols)", lib->soname, lib->n_syms);
	__atomic_store_n(&lib->loaded, 1, __ATOMIC_RELEASE);
	return 0;
}
