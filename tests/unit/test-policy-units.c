/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "policy.h"
#include "testlib.h"

static uint64_t
size_ok(const char *s)
{
	uint64_t v = 12345;

	ck_assert_msg(vr_parse_size(s, &v) == 0, "\"%s\" should be a size", s);
	return v;
}

static uint64_t
duration_ok(const char *s)
{
	uint64_t v = 12345;

	ck_assert_msg(vr_parse_duration_ms(s, &v) == 0, "\"%s\" should be a duration", s);
	return v;
}

START_TEST(size_every_unit)
{
	ck_assert_uint_eq(size_ok("0"), 0);
	ck_assert_uint_eq(size_ok("512"), 512);
	ck_assert_uint_eq(size_ok("007"), 7);
	ck_assert_uint_eq(size_ok("1K"), 1024);
	ck_assert_uint_eq(size_ok("2M"), 2ULL << 20);
	ck_assert_uint_eq(size_ok("3G"), 3ULL << 30);
	ck_assert_uint_eq(size_ok("4T"), 4ULL << 40);
	ck_assert_uint_eq(size_ok("1KiB"), 1024);
	ck_assert_uint_eq(size_ok("2MiB"), 2ULL << 20);
	ck_assert_uint_eq(size_ok("3GiB"), 3ULL << 30);
	ck_assert_uint_eq(size_ok("4TiB"), 4ULL << 40);
	ck_assert_uint_eq(size_ok("0T"), 0);
}
END_TEST

START_TEST(size_rejects_loose_forms)
{
	static const char *const bad[] = {
		"",   " 1K", "1K ", "1 K", "\t1", "+1",	 "-1",	 "1.5G", "1,5G", ".5G", "1e3",	     "0x10", "1k",
		"1m", "1KB", "1B",  "1P",  "1E",  "1Ki", "1KIB", "1kib", "K",	 "KiB", "unlimited", "1KK",  "1G1",
	};
	uint64_t v = 42;

	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		ck_assert_msg(vr_parse_size(bad[i], &v) == -EINVAL, "\"%s\" accepted as a size", bad[i]);
	/* Nothing written on failure. */
	ck_assert_uint_eq(v, 42);
	ck_assert_int_eq(vr_parse_size(NULL, &v), -EINVAL);
	ck_assert_int_eq(vr_parse_size("1", NULL), -EINVAL);
}
END_TEST

START_TEST(size_overflow_at_64_bits)
{
	uint64_t v = 42;

	ck_assert_uint_eq(size_ok("18446744073709551615"), UINT64_MAX);
	ck_assert_int_eq(vr_parse_size("18446744073709551616", &v), -ERANGE);
	ck_assert_int_eq(vr_parse_size("99999999999999999999999", &v), -ERANGE);
	ck_assert_uint_eq(size_ok("16777215T"), 16777215ULL << 40);
	ck_assert_int_eq(vr_parse_size("16777216T", &v), -ERANGE);
	ck_assert_uint_eq(size_ok("17179869183G"), 17179869183ULL << 30);
	ck_assert_int_eq(vr_parse_size("17179869184GiB", &v), -ERANGE);
	ck_assert_int_eq(vr_parse_size("99999999999T", &v), -ERANGE);
	/* A malformed number is malformed, however long. */
	ck_assert_int_eq(vr_parse_size("99999999999999999999999Q", &v), -EINVAL);
	ck_assert_uint_eq(v, 42);
}
END_TEST

START_TEST(duration_every_unit)
{
	ck_assert_uint_eq(duration_ok("0"), 0);
	ck_assert_uint_eq(duration_ok("0ms"), 0);
	ck_assert_uint_eq(duration_ok("500ms"), 500);
	ck_assert_uint_eq(duration_ok("30s"), 30000);
	ck_assert_uint_eq(duration_ok("5m"), 300000);
	ck_assert_uint_eq(duration_ok("1h"), 3600000);
	ck_assert_uint_eq(duration_ok("2d"), 2 * 86400000ULL);
	/* A bare number is seconds. */
	ck_assert_uint_eq(duration_ok("30"), 30000);
	ck_assert_uint_eq(duration_ok("090s"), 90000);
}
END_TEST

START_TEST(duration_rejects_loose_forms)
{
	static const char *const bad[] = {
		"",	" 1s", "1s ", "1 s", "+1s", "-1s", "1.5s", "0.5h", "1S",  "1H",	       "1sec",
		"1min", "1w",  "1y",  "1us", "1ns", "s",   "ms",   "1mss", "1sm", "unlimited", "1s1",
	};
	uint64_t v = 42;

	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		ck_assert_msg(vr_parse_duration_ms(bad[i], &v) == -EINVAL, "\"%s\" accepted as a duration", bad[i]);
	ck_assert_uint_eq(v, 42);
	ck_assert_int_eq(vr_parse_duration_ms(NULL, &v), -EINVAL);
}
END_TEST

START_TEST(duration_overflow_at_64_bits)
{
	uint64_t v = 42;

	ck_assert_uint_eq(duration_ok("18446744073709551615ms"), UINT64_MAX);
	ck_assert_int_eq(vr_parse_duration_ms("18446744073709551616ms", &v), -ERANGE);
	/* Milliseconds are what must fit: 18446744073709551 s does, one more does not. */
	ck_assert_uint_eq(duration_ok("18446744073709551s"), 18446744073709551000ULL);
	ck_assert_int_eq(vr_parse_duration_ms("18446744073709552s", &v), -ERANGE);
	ck_assert_int_eq(vr_parse_duration_ms("18446744073709552", &v), -ERANGE);
	ck_assert_int_eq(vr_parse_duration_ms("213503982335d", &v), -ERANGE);
	ck_assert_uint_eq(duration_ok("213503982334d"), 213503982334ULL * 86400000ULL);
	ck_assert_uint_eq(v, 42);
}
END_TEST

START_TEST(format_duration_largest_unit)
{
	static const struct {
		uint64_t ms;
		const char *text;
	} cases[] = {
		{ 0, "0s" },
		{ 1, "1ms" },
		{ 500, "500ms" },
		{ 1500, "1500ms" },
		{ 1000, "1s" },
		{ 90000, "90s" },
		{ 120000, "2m" },
		{ 5400000, "90m" },
		{ 3600000, "1h" },
		{ 90000000, "25h" },
		{ 86400000, "1d" },
		{ 172800000, "2d" },
		{ UINT64_MAX, "18446744073709551615ms" },
	};
	char buf[32];

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		uint64_t back = 0;

		vr_format_duration(cases[i].ms, buf, sizeof buf);
		ck_assert_str_eq(buf, cases[i].text);
		/* What it writes reads back to the same value. */
		ck_assert_int_eq(vr_parse_duration_ms(buf, &back), 0);
		ck_assert_uint_eq(back, cases[i].ms);
	}
}
END_TEST

START_TEST(format_duration_small_buffer)
{
	char buf[4] = "xxx";

	vr_format_duration(86400000ULL * 12345, buf, sizeof buf);
	ck_assert_str_eq(buf, "123");
	/* A zero-sized buffer is left alone. */
	vr_format_duration(1000, buf, 0);
	ck_assert_str_eq(buf, "123");
}
END_TEST

static const char *const fs_keys[] = { "env", "workdir", "binds", "tmpfs", "hide", NULL };
static const char *const top_keys[] = { "version", "extends",	  "description", "filesystem",
					"network", "environment", "seccomp",	 "capabilities",
					"limits",  "user",	  "group",	 "hostname",
					NULL };

START_TEST(did_you_mean_close)
{
	static const char *const calls[] = { "ptrace", "process_vm_readv", "read", "mount", NULL };
	static const char *const limits[] = { "nofile", "nproc", "as",	    "cpu",   "fsize",
					      "core",	"stack", "timeout", "grace", NULL };

	ck_assert_str_eq(vr_did_you_mean("workdri", fs_keys), "workdir");
	ck_assert_str_eq(vr_did_you_mean("bind", fs_keys), "binds");
	ck_assert_str_eq(vr_did_you_mean("netwrok", top_keys), "network");
	ck_assert_str_eq(vr_did_you_mean("Network", top_keys), "network");
	ck_assert_str_eq(vr_did_you_mean("hostnmae", top_keys), "hostname");
	ck_assert_str_eq(vr_did_you_mean("ptarce", calls), "ptrace");
	ck_assert_str_eq(vr_did_you_mean("nofil", limits), "nofile");
	ck_assert_str_eq(vr_did_you_mean("timout", limits), "timeout");
	ck_assert_str_eq(vr_did_you_mean("cpus", limits), "cpu");
	/* An exact match is the closest of all. */
	ck_assert_str_eq(vr_did_you_mean("as", limits), "as");
	/* A third of a long key may differ. */
	ck_assert_str_eq(vr_did_you_mean("capabilitiez_x", top_keys), "capabilities");
}
END_TEST

START_TEST(did_you_mean_far_and_empty)
{
	static const char *const none[] = { NULL };
	static const char *const short_keys[] = { "as", NULL };

	ck_assert_ptr_null(vr_did_you_mean("banana", fs_keys));
	ck_assert_ptr_null(vr_did_you_mean("zzzzzz", top_keys));
	ck_assert_ptr_null(vr_did_you_mean("completelydifferent", top_keys));
	/* Two edits would turn any one-letter key into "as": that is no resemblance. */
	ck_assert_ptr_null(vr_did_you_mean("x", short_keys));
	ck_assert_ptr_null(vr_did_you_mean("zz", short_keys));
	ck_assert_ptr_null(vr_did_you_mean("", top_keys));
	ck_assert_ptr_null(vr_did_you_mean(NULL, top_keys));
	ck_assert_ptr_null(vr_did_you_mean("network", none));
	ck_assert_ptr_null(vr_did_you_mean("network", NULL));
}
END_TEST

static const struct t_case cases[] = {
	T_CASE(size_every_unit),
	T_CASE(size_rejects_loose_forms),
	T_CASE(size_overflow_at_64_bits),
	T_CASE(duration_every_unit),
	T_CASE(duration_rejects_loose_forms),
	T_CASE(duration_overflow_at_64_bits),
	T_CASE(format_duration_largest_unit),
	T_CASE(format_duration_small_buffer),
	T_CASE(did_you_mean_close),
	T_CASE(did_you_mean_far_and_empty),
};

int
main(void)
{
	return t_run_suite(T_SUITE("policy-units", cases));
}
