/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "venvrun/error.h"

#include "testlib.h"

START_TEST(errno_code_appends_strerror)
{
	struct vr_error err = VR_ERROR_INIT;

	ck_assert_int_eq(vr_error_set(&err, ENOENT, "open '%s'", "/x"), -ENOENT);
	ck_assert_int_eq(err.code, ENOENT);
	ck_assert_str_eq(err.message, "open '/x': No such file or directory");
	ck_assert_str_eq(err.where, "");
}
END_TEST

START_TEST(negative_code_is_normalised)
{
	struct vr_error err = VR_ERROR_INIT;

	ck_assert_int_eq(vr_error_set(&err, -EACCES, "x"), -EACCES);
	ck_assert_int_eq(err.code, EACCES);
	/* Zero would report success as a failure: it becomes EIO. */
	ck_assert_int_eq(vr_error_set(&err, 0, "x"), -EIO);
}
END_TEST

START_TEST(own_code_has_no_strerror)
{
	struct vr_error err = VR_ERROR_INIT;

	ck_assert_int_eq(vr_error_set_at(&err, VR_ERR_NOT_AN_ENV, "/e", "not an env"), -VR_ERR_NOT_AN_ENV);
	ck_assert_str_eq(err.message, "not an env");
	ck_assert_str_eq(err.where, "/e");
}
END_TEST

START_TEST(null_record_still_returns_code)
{
	ck_assert_int_eq(vr_error_set(NULL, VR_ERR_USAGE, "x"), -VR_ERR_USAGE);
	ck_assert_int_eq(vr_error_set_at(NULL, EPERM, "w", "x"), -EPERM);
	vr_error_set_hint(NULL, "h");
	vr_error_set_where(NULL, "w", 1, 2);
}
END_TEST

START_TEST(format_where_line_column_hint)
{
	struct vr_error err = VR_ERROR_INIT;
	char line[VR_ERROR_LINE_MAX];

	vr_error_set(&err, VR_ERR_BAD_FILE, "expected an object");
	vr_error_set_where(&err, "/etc/venvrun/p.json", 3, 14);
	vr_error_set_hint(&err, "fix '%s'", "p.json");
	vr_error_format(&err, line, sizeof line);
	ck_assert_str_eq(line, "/etc/venvrun/p.json:3:14: expected an object; fix 'p.json'");

	vr_error_set_where(&err, "f", 3, 0);
	vr_error_format(&err, line, sizeof line);
	ck_assert_str_eq(line, "f:3: expected an object; fix 'p.json'");
}
END_TEST

START_TEST(format_is_one_line_and_bounded)
{
	struct vr_error err = VR_ERROR_INIT;
	char line[VR_ERROR_LINE_MAX], tiny[8];

	vr_error_set_at(&err, VR_ERR_BAD_PATH, "/a\nb", "two\nlines");
	vr_error_format(&err, line, sizeof line);
	ck_assert_ptr_null(strchr(line, '\n'));
	ck_assert_str_eq(line, "/a b: two lines");
	ck_assert_uint_eq(vr_error_format(&err, tiny, sizeof tiny), 7);
	ck_assert_str_eq(tiny, "/a b: t");

	/* A terminal escape from a file's key never reaches the terminal. */
	vr_error_set_at(&err, VR_ERR_BAD_POLICY, "f.json", "\x1b[31mred: unknown key\x07");
	vr_error_format(&err, line, sizeof line);
	ck_assert_str_eq(line, "f.json: ?[31mred: unknown key?");
}
END_TEST

START_TEST(exit_status_mapping)
{
	ck_assert_int_eq(vr_exit_status(0), 0);
	ck_assert_int_eq(vr_exit_status(-ENOENT), VR_EXIT_FAILURE);
	ck_assert_int_eq(vr_exit_status(-VR_ERR_USAGE), 125);
	ck_assert_int_eq(vr_exit_status(-VR_ERR_CANNOT_EXEC), 126);
	ck_assert_int_eq(vr_exit_status(-VR_ERR_COMMAND_NOT_FOUND), 127);
	ck_assert_str_eq(vr_error_code_name(-VR_ERR_NOT_AN_ENV), "not an env");
	ck_assert_str_eq(vr_error_code_name(ENOENT), "No such file or directory");
	ck_assert_str_eq(vr_error_code_name(VR_ERR_MAX + 7), "unknown error");
}
END_TEST

static const struct t_case cases[] = {
	T_CASE(errno_code_appends_strerror),   T_CASE(negative_code_is_normalised),
	T_CASE(own_code_has_no_strerror),      T_CASE(null_record_still_returns_code),
	T_CASE(format_where_line_column_hint), T_CASE(format_is_one_line_and_bounded),
	T_CASE(exit_status_mapping),
};

int
main(void)
{
	return t_run_suite(T_SUITE("error", cases));
}
