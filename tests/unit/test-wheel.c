/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * runner/wheel.c: the parsers of a wheel's name, RECORD, entry points and headers, and
 * the verified, read-only cache of unpacked wheels, on wheels built by the tests with
 * libzip (well-formed, or bad in one chosen way) and on the host's own wheels.
 *
 * This file holds the suite: the cases are in wheel-parsers.c and wheel-cache.c, their
 * shared helpers in wheel-helpers.c.
 */
#include "config.h"

#include "macro.h"
#include "testlib.h"

#include "wheel-helpers.h"

static const struct t_case *const case_files[] = { wheel_parser_cases, wheel_cache_cases };

int
main(void)
{
	return t_run_suite(t_suite_of_tables("wheel", case_files, ELEMENTSOF(case_files), wheel_setup, wheel_teardown));
}
