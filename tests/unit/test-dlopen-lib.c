/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <string.h>
#include <unistd.h>

#include "venvrun/error.h"

#include "dlopen-lib.h"
#include "testlib.h"

/* libc itself stands in for a library loaded when needed: it is always there. */
VR_DLSYM_DEFINE(getpid);
VR_DLSYM_DEFINE(getppid);

/* A prototype whose symbol no library has. */
int vr_test_not_in_libc(int x);
VR_DLSYM_DEFINE(vr_test_not_in_libc);

static struct vr_dlopen_lib libc = VR_DLOPEN_LIB("libc.so.6", "libc", VR_DLSYM(getpid), VR_DLSYM(getppid));
static struct vr_dlopen_lib missing_lib =
	VR_DLOPEN_LIB("libvenvrun-test-missing.so.0", "libvenvrun-test", VR_DLSYM(getpid));
static struct vr_dlopen_lib missing_sym =
	VR_DLOPEN_LIB("libc.so.6", "libc", VR_DLSYM(getppid), VR_DLSYM(vr_test_not_in_libc));

START_TEST(resolves_every_symbol_once)
{
	struct vr_error err = VR_ERROR_INIT;

	ck_assert_int_eq(vr_dlopen_lib(&libc, &err), 0);
	ck_assert_int_eq(libc.n_syms, 2);
	ck_assert_ptr_nonnull(sym_getpid);
	ck_assert_int_eq(sym_getpid(), getpid());
	ck_assert_int_eq(sym_getppid(), getppid());
	/* Later calls return at once, and change nothing. */
	ck_assert_int_eq(vr_dlopen_lib(&libc, NULL), 0);
	ck_assert_int_eq(err.code, 0);
}
END_TEST

START_TEST(missing_library_is_one_error)
{
	struct vr_error err = VR_ERROR_INIT;
	char line[VR_ERROR_LINE_MAX];

	ck_assert_int_eq(vr_dlopen_lib(&missing_lib, &err), -VR_ERR_MISSING_LIBRARY);
	vr_error_format(&err, line, sizeof line);
	ck_assert_str_eq(line, "cannot load libvenvrun-test-missing.so.0: cannot open shared object file: "
			       "No such file or directory; install libvenvrun-test (the package that provides "
			       "libvenvrun-test-missing.so.0)");
	ck_assert_int_eq(vr_exit_status(-VR_ERR_MISSING_LIBRARY), VR_EXIT_FAILURE);
	/* Not remembered as loaded: the next call tries again, and fails again. */
	ck_assert_int_eq(vr_dlopen_lib(&missing_lib, NULL), -VR_ERR_MISSING_LIBRARY);
}
END_TEST

START_TEST(missing_symbol_sets_no_pointer)
{
	struct vr_error err = VR_ERROR_INIT;

	ck_assert_int_eq(vr_dlopen_lib(&missing_sym, &err), -VR_ERR_MISSING_LIBRARY);
	ck_assert_str_eq(err.message, "cannot load libc.so.6: no symbol 'vr_test_not_in_libc'");
	ck_assert_ptr_null(sym_getppid);
	ck_assert_ptr_null(sym_vr_test_not_in_libc);
}
END_TEST

static const struct t_case cases[] = {
	T_CASE(resolves_every_symbol_once),
	T_CASE(missing_library_is_one_error),
	T_CASE(missing_symbol_sets_no_pointer),
};

int
main(void)
{
	return t_run_suite(T_SUITE("dlopen-lib", cases));
}
