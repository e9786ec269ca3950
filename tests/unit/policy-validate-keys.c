/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Policy-validate cases about each key: the values accepted and how they are normalised,
 * the values refused and the exact message; then setting keys from command-line text
 * (vr_policy_set), and its errors leaving the layer unchanged.
 */
#include "config.h"

#include <stdlib.h>

#include <jansson.h>

#include "policy.h"
#include "testlib.h"

#include "policy-validate-helpers.h"

/* --- each key ------------------------------------------------------------------------ */

START_TEST(extends_and_description)
{
	json_t *doc = parse_layer_ok("{\"extends\": \"strict\", \"description\": \"For untrusted code.\"}");

	/* Left for the profile loader to resolve. */
	assert_json_at(doc, "extends", "\"strict\"");
	assert_json_at(doc, "description", "\"For untrusted code.\"");
	json_decref(doc);
	doc = parse_layer_ok("{\"extends\": \"my_profile-2.x\"}");
	json_decref(doc);
	expect_layer_error(
		"{\"extends\": \"../etc/x\"}",
		"extends: \"../etc/x\" is not a profile name (letters, digits, '_', '.' and '-', at most 64)");
	expect_layer_error("{\"extends\": \"\"}",
			   "extends: \"\" is not a profile name (letters, digits, '_', '.' and '-', at most 64)");
	expect_layer_error("{\"extends\": \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"}",
			   "extends: \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\" is not a "
			   "profile name (letters, digits, '_', '.' and '-', at most 64)");
	expect_layer_error("{\"extends\": [\"a\"]}", "extends: expected a profile name, not a list");
	expect_layer_error("{\"description\": 5}", "description: expected a string, not 5");
	expect_layer_error("{\"description\": \"two\\nlines\"}",
			   "description: must be one line of text, without control characters");
}
END_TEST

START_TEST(filesystem_modes)
{
	json_t *doc = parse_layer_ok("{\"filesystem\": {\"env\": \"rw\", \"workdir\": \"none\"}}");

	assert_json_at(doc, "filesystem", "{\"env\": \"rw\", \"workdir\": \"none\"}");
	json_decref(doc);
	expect_layer_error("{\"filesystem\": {\"env\": \"rx\"}}",
			   "filesystem.env: expected \"ro\" or \"rw\", not \"rx\"");
	expect_layer_error("{\"filesystem\": {\"env\": \"none\"}}",
			   "filesystem.env: expected \"ro\" or \"rw\", not \"none\"");
	expect_layer_error("{\"filesystem\": {\"workdir\": \"RW\"}}",
			   "filesystem.workdir: expected \"rw\", \"ro\" or \"none\", not \"RW\"");
	expect_layer_error("{\"filesystem\": {\"workdir\": null}}",
			   "filesystem.workdir: expected \"rw\", \"ro\" or \"none\", not null");
	expect_layer_error("{\"filesystem\": \"ro\"}", "filesystem: expected an object, not \"ro\"");
	expect_layer_error("{\"filesystem\": []}", "filesystem: expected an object, not a list");
}
END_TEST

START_TEST(binds_are_completed)
{
	json_t *doc = parse_layer_ok("{\"filesystem\": {\"binds\": ["
				     "{\"source\": \"/srv//data/./x/../y/\"},"
				     "{\"source\": \"/a\", \"target\": \"/b\", \"mode\": \"rw\", \"optional\": true},"
				     "{\"optional\": false, \"mode\": \"ro\", \"source\": \"/c\"}]}}");

	assert_json_at(
		doc, "filesystem.binds",
		"[{\"source\": \"/srv/data/y\", \"target\": \"/srv/data/y\", \"mode\": \"ro\", \"optional\": false},"
		" {\"source\": \"/a\", \"target\": \"/b\", \"mode\": \"rw\", \"optional\": true},"
		" {\"source\": \"/c\", \"target\": \"/c\", \"mode\": \"ro\", \"optional\": false}]");
	json_decref(doc);
	doc = parse_layer_ok("{\"filesystem\": {\"binds\": []}}");
	json_decref(doc);
}
END_TEST

START_TEST(binds_bad_fields)
{
	expect_layer_error("{\"filesystem\": {\"binds\": [{\"source\": \"/a\"}, {\"source\": \"/b\"},"
			   " {\"source\": \"/c\", \"mode\": \"rx\"}]}}",
			   "filesystem.binds[2].mode: expected \"ro\" or \"rw\", not \"rx\"");
	expect_layer_error("{\"filesystem\": {\"binds\": [{\"target\": \"/a\"}]}}",
			   "filesystem.binds[0]: \"source\" is required");
	expect_layer_error("{\"filesystem\": {\"binds\": [{\"source\": \"data\"}]}}",
			   "filesystem.binds[0].source: expected an absolute path, not \"data\"");
	expect_layer_error("{\"filesystem\": {\"binds\": [{\"source\": \"\"}]}}",
			   "filesystem.binds[0].source: expected an absolute path, not \"\"");
	expect_layer_error("{\"filesystem\": {\"binds\": [{\"source\": \"/a\", \"target\": \"./b\"}]}}",
			   "filesystem.binds[0].target: expected an absolute path, not \"./b\"");
	expect_layer_error("{\"filesystem\": {\"binds\": [{\"source\": \"/a\", \"optional\": \"yes\"}]}}",
			   "filesystem.binds[0].optional: expected true or false, not \"yes\"");
	expect_layer_error("{\"filesystem\": {\"binds\": [{\"source\": 1}]}}",
			   "filesystem.binds[0].source: expected an absolute path, not 1");
	expect_layer_error("{\"filesystem\": {\"binds\": [\"/a\"]}}",
			   "filesystem.binds[0]: expected an object {\"source\", \"target\", \"mode\", \"optional\"}, "
			   "not \"/a\"");
	expect_layer_error("{\"filesystem\": {\"binds\": {\"source\": \"/a\"}}}",
			   "filesystem.binds: expected a list, not an object");
}
END_TEST

START_TEST(tmpfs_and_hide_paths)
{
	json_t *doc = parse_layer_ok("{\"filesystem\": {\"tmpfs\": [\"/tmp\", \"/var//tmp/\", \"/a/./b/..\"],"
				     " \"hide\": [\"/\", \"/home/../root\"]}}");

	assert_json_at(doc, "filesystem.tmpfs", "[\"/tmp\", \"/var/tmp\", \"/a\"]");
	assert_json_at(doc, "filesystem.hide", "[\"/\", \"/root\"]");
	json_decref(doc);
	expect_layer_error("{\"filesystem\": {\"tmpfs\": [\"/tmp\", \"tmp\"]}}",
			   "filesystem.tmpfs[1]: expected an absolute path, not \"tmp\"");
	expect_layer_error("{\"filesystem\": {\"hide\": [true]}}",
			   "filesystem.hide[0]: expected an absolute path, not true");
	expect_layer_error("{\"filesystem\": {\"hide\": \"/x\"}}", "filesystem.hide: expected a list, not \"/x\"");
}
END_TEST

START_TEST(network)
{
	static const char *const ok[] = { "none", "loopback", "host" };

	for (size_t i = 0; i < 3; i++) {
		char *text = t_strdupf("{\"network\": \"%s\"}", ok[i]);
		json_t *doc = parse_layer_ok(text);

		ck_assert_str_eq(json_string_value(value_at(doc, "network")), ok[i]);
		json_decref(doc);
		free(text);
	}
	expect_layer_error("{\"network\": \"wifi\"}",
			   "network: expected \"none\", \"loopback\" or \"host\", not \"wifi\"");
	expect_layer_error("{\"network\": true}", "network: expected \"none\", \"loopback\" or \"host\", not true");
	expect_layer_error("{\"network\": {}}", "network: expected \"none\", \"loopback\" or \"host\", not an object");
}
END_TEST

START_TEST(environment)
{
	json_t *doc = parse_layer_ok(
		"{\"environment\": {\"clear\": false, \"pass\": [\"HOME\", \"LC_*\", \"_X1\", \"XDG_*\"],"
		" \"set\": {\"PYTHONHASHSEED\": \"0\", \"EMPTY\": \"\", \"_u\": \"é\"}}}");

	assert_json_at(doc, "environment.clear", "false");
	assert_json_at(doc, "environment.pass", "[\"HOME\", \"LC_*\", \"_X1\", \"XDG_*\"]");
	assert_json_at(doc, "environment.set.PYTHONHASHSEED", "\"0\"");
	json_decref(doc);
	expect_layer_error("{\"environment\": {\"clear\": \"yes\"}}",
			   "environment.clear: expected true or false, not \"yes\"");
	expect_layer_error("{\"environment\": {\"clear\": 1}}", "environment.clear: expected true or false, not 1");
	expect_layer_error("{\"environment\": {\"pass\": [\"HOME\", \"1BAD\"]}}",
			   "environment.pass[1]: \"1BAD\" is not a variable name");
	expect_layer_error("{\"environment\": {\"pass\": [\"*\"]}}",
			   "environment.pass[0]: \"*\" is not a variable name");
	expect_layer_error("{\"environment\": {\"pass\": [\"A*B\"]}}",
			   "environment.pass[0]: \"A*B\" is not a variable name");
	expect_layer_error("{\"environment\": {\"pass\": [\"A-B\"]}}",
			   "environment.pass[0]: \"A-B\" is not a variable name");
	expect_layer_error("{\"environment\": {\"pass\": [7]}}",
			   "environment.pass[0]: expected a variable name, not 7");
	expect_layer_error("{\"environment\": {\"set\": {\"1X\": \"v\"}}}",
			   "environment.set.1X: \"1X\" is not a variable name");
	expect_layer_error("{\"environment\": {\"set\": {\"A*\": \"v\"}}}",
			   "environment.set.A*: \"A*\" is not a variable name");
	expect_layer_error("{\"environment\": {\"set\": {\"FOO\": 1}}}",
			   "environment.set.FOO: expected a string, not 1");
	expect_layer_error("{\"environment\": {\"set\": [\"FOO=1\"]}}",
			   "environment.set: expected an object of strings, not a list");
}
END_TEST

START_TEST(seccomp_deny_normalised)
{
	json_t *doc = parse_layer_ok("{\"seccomp\": {\"profile\": \"none\", \"log\": true, \"deny\": ["
				     "\"ptrace\","
				     "{\"syscall\": \"mount\", \"action\": \"kill\"},"
				     "{\"syscall\": \"bpf\", \"errno\": \"EACCES\"},"
				     "{\"syscall\": \"keyctl\", \"action\": \"errno\", \"errno\": 38},"
				     "{\"syscall\": \"unshare\", \"action\": \"enosys\"},"
				     "{\"syscall\": \"chroot\", \"action\": \"log\"}],"
				     " \"allow\": [\"personality\"]}}");

	assert_json_at(doc, "seccomp.deny",
		       "[{\"syscall\": \"ptrace\", \"action\": \"errno\", \"errno\": 1},"
		       " {\"syscall\": \"mount\", \"action\": \"kill\"},"
		       " {\"syscall\": \"bpf\", \"action\": \"errno\", \"errno\": 13},"
		       " {\"syscall\": \"keyctl\", \"action\": \"errno\", \"errno\": 38},"
		       " {\"syscall\": \"unshare\", \"action\": \"enosys\"},"
		       " {\"syscall\": \"chroot\", \"action\": \"log\"}]");
	/* allow stays a list of names. */
	assert_json_at(doc, "seccomp.allow", "[\"personality\"]");
	assert_json_at(doc, "seccomp.profile", "\"none\"");
	assert_json_at(doc, "seccomp.log", "true");
	json_decref(doc);
}
END_TEST

START_TEST(seccomp_bad_entries)
{
	expect_layer_error(
		"{\"seccomp\": {\"deny\": [\"ptarce\"]}}",
		"seccomp.deny[0]: \"ptarce\" is not a system call known to libseccomp; did you mean \"ptrace\"?");
	expect_layer_error("{\"seccomp\": {\"deny\": [\"qqqqqqqqqqqqqq\"]}}",
			   "seccomp.deny[0]: \"qqqqqqqqqqqqqq\" is not a system call known to libseccomp");
	expect_layer_error("{\"seccomp\": {\"deny\": [\"PTRACE\"]}}",
			   "seccomp.deny[0]: \"PTRACE\" is not a system call known to libseccomp");
	expect_layer_error("{\"seccomp\": {\"deny\": [\"\"]}}",
			   "seccomp.deny[0]: \"\" is not a system call known to libseccomp");
	expect_layer_error("{\"seccomp\": {\"deny\": [{\"syscall\": \"ptrace\", \"action\": \"trap\"}]}}",
			   "seccomp.deny[0].action: expected \"errno\", \"kill\", \"log\" or \"enosys\", not \"trap\"");
	expect_layer_error("{\"seccomp\": {\"deny\": [{\"action\": \"kill\"}]}}",
			   "seccomp.deny[0]: \"syscall\" is required");
	expect_layer_error(
		"{\"seccomp\": {\"deny\": [{\"syscall\": \"ptrace\", \"action\": \"kill\", \"errno\": \"EPERM\"}]}}",
		"seccomp.deny[0].errno: only with action \"errno\", not \"kill\"");
	expect_layer_error(
		"{\"seccomp\": {\"deny\": [{\"syscall\": \"ptrace\", \"errno\": 0}]}}",
		"seccomp.deny[0].errno: 0 is not an errno value (use a name like \"EPERM\" or a number from 1 to "
		"4095)");
	expect_layer_error(
		"{\"seccomp\": {\"deny\": [{\"syscall\": \"ptrace\", \"errno\": 4096}]}}",
		"seccomp.deny[0].errno: 4096 is not an errno value (use a name like \"EPERM\" or a number from 1 "
		"to 4095)");
	expect_layer_error("{\"seccomp\": {\"deny\": [{\"syscall\": \"ptrace\", \"errno\": \"EPREM\"}]}}",
			   "seccomp.deny[0].errno: \"EPREM\" is not an errno name; did you mean \"EPERM\"?");
	expect_layer_error(
		"{\"seccomp\": {\"deny\": [{\"syscall\": \"ptrace\", \"errno\": \"nope\"}]}}",
		"seccomp.deny[0].errno: \"nope\" is not an errno name (use a name like \"EPERM\" or a number from "
		"1 to 4095)");
	expect_layer_error("{\"seccomp\": {\"deny\": [{\"syscall\": \"ptrace\", \"errno\": true}]}}",
			   "seccomp.deny[0].errno: expected an errno name or number, not true");
	expect_layer_error(
		"{\"seccomp\": {\"deny\": [5]}}",
		"seccomp.deny[0]: expected a system call name or {\"syscall\", \"action\", \"errno\"}, not 5");
	expect_layer_error("{\"seccomp\": {\"allow\": [{\"syscall\": \"ptrace\"}]}}",
			   "seccomp.allow[0]: expected a system call name, not an object");
	expect_layer_error("{\"seccomp\": {\"allow\": [\"read\", \"nosuchcall\"]}}",
			   "seccomp.allow[1]: \"nosuchcall\" is not a system call known to libseccomp");
	expect_layer_error("{\"seccomp\": {\"profile\": \"strict\"}}",
			   "seccomp.profile: expected \"default\" or \"none\", not \"strict\"");
	expect_layer_error("{\"seccomp\": {\"log\": \"true\"}}", "seccomp.log: expected true or false, not \"true\"");
}
END_TEST

START_TEST(capabilities)
{
	json_t *doc = parse_layer_ok("{\"capabilities\": {\"keep\": [\"CAP_NET_RAW\", \"cap_net_raw\", \"net_raw\","
				     " \"Net_Admin\", \"cap_SYS_ptrace\"]}}");

	assert_json_at(doc, "capabilities.keep",
		       "[\"CAP_NET_RAW\", \"CAP_NET_RAW\", \"CAP_NET_RAW\", \"CAP_NET_ADMIN\", \"CAP_SYS_PTRACE\"]");
	json_decref(doc);
	expect_layer_error("{\"capabilities\": {\"keep\": [\"CAP_NET_RAW\", \"CAP_NET_RAWW\"]}}",
			   "capabilities.keep[1]: \"CAP_NET_RAWW\" is not a capability known to libcap");
	expect_layer_error("{\"capabilities\": {\"keep\": [\"12\"]}}",
			   "capabilities.keep[0]: \"12\" is not a capability known to libcap");
	expect_layer_error("{\"capabilities\": {\"keep\": [\"cap_\"]}}",
			   "capabilities.keep[0]: \"cap_\" is not a capability known to libcap");
	expect_layer_error("{\"capabilities\": {\"keep\": [\"all\"]}}",
			   "capabilities.keep[0]: \"all\" is not a capability known to libcap");
	expect_layer_error("{\"capabilities\": {\"keep\": [\"net raw\"]}}",
			   "capabilities.keep[0]: \"net raw\" is not a capability known to libcap");
	expect_layer_error("{\"capabilities\": {\"keep\": [null]}}",
			   "capabilities.keep[0]: expected a capability name, not null");
}
END_TEST

START_TEST(limits_sizes)
{
	json_t *doc = parse_layer_ok("{\"limits\": {\"as\": \"2G\", \"fsize\": \"512\", \"core\": 0,"
				     " \"stack\": \"8MiB\"}}");

	assert_json_at(doc, "limits", "{\"as\": 2147483648, \"fsize\": 512, \"core\": 0, \"stack\": 8388608}");
	json_decref(doc);
	doc = parse_layer_ok("{\"limits\": {\"as\": \"unlimited\", \"fsize\": \"8388607T\"}}");
	assert_json_at(doc, "limits", "{\"as\": \"unlimited\", \"fsize\": 9223370937343148032}");
	json_decref(doc);
	expect_layer_error("{\"limits\": {\"as\": \"12Q\"}}",
			   "limits.as: \"12Q\" is not a size (use bytes or K, M, G, T)");
	expect_layer_error("{\"limits\": {\"as\": \"99999999999T\"}}", "limits.as: 99999999999T overflows");
	/* Sizes are JSON integers, which are signed. */
	expect_layer_error("{\"limits\": {\"as\": \"8388608T\"}}", "limits.as: 8388608T overflows");
	expect_layer_error("{\"limits\": {\"as\": \"18446744073709551616\"}}",
			   "limits.as: 18446744073709551616 overflows");
	expect_layer_error("{\"limits\": {\"core\": -1}}", "limits.core: -1 is not a size (use bytes or K, M, G, T)");
	expect_layer_error("{\"limits\": {\"core\": \"1.5G\"}}",
			   "limits.core: \"1.5G\" is not a size (use bytes or K, M, G, T)");
	expect_layer_error("{\"limits\": {\"core\": \" 1G\"}}",
			   "limits.core: \" 1G\" is not a size (use bytes or K, M, G, T)");
	expect_layer_error("{\"limits\": {\"stack\": \"8m\"}}",
			   "limits.stack: \"8m\" is not a size (use bytes or K, M, G, T)");
	expect_layer_error("{\"limits\": {\"stack\": \"Unlimited\"}}",
			   "limits.stack: \"Unlimited\" is not a size (use bytes or K, M, G, T)");
	expect_layer_error("{\"limits\": {\"fsize\": 1.5}}",
			   "limits.fsize: expected a size (bytes or K, M, G, T, or \"unlimited\"), not 1.5");
	expect_layer_error("{\"limits\": {\"fsize\": false}}",
			   "limits.fsize: expected a size (bytes or K, M, G, T, or \"unlimited\"), not false");
}
END_TEST

START_TEST(limits_counts)
{
	json_t *doc = parse_layer_ok("{\"limits\": {\"nofile\": 1024, \"nproc\": \"unlimited\"}}");

	assert_json_at(doc, "limits", "{\"nofile\": 1024, \"nproc\": \"unlimited\"}");
	json_decref(doc);
	doc = parse_layer_ok("{\"limits\": {\"nofile\": 0, \"nproc\": 2147483647}}");
	json_decref(doc);
	expect_layer_error("{\"limits\": {\"nofile\": \"lots\"}}",
			   "limits.nofile: expected a count (an integer or \"unlimited\"), not \"lots\"");
	expect_layer_error("{\"limits\": {\"nofile\": \"1024\"}}",
			   "limits.nofile: expected a count (an integer or \"unlimited\"), not \"1024\"");
	expect_layer_error("{\"limits\": {\"nproc\": 2147483648}}",
			   "limits.nproc: 2147483648 is out of range (0 to 2147483647)");
	expect_layer_error("{\"limits\": {\"nproc\": -1}}", "limits.nproc: -1 is out of range (0 to 2147483647)");
	expect_layer_error("{\"limits\": {\"nofile\": 1e3}}",
			   "limits.nofile: expected a count (an integer or \"unlimited\"), not 1000.0");
	expect_layer_error("{\"limits\": 5}", "limits: expected an object, not 5");
}
END_TEST

START_TEST(limits_durations)
{
	json_t *doc = parse_layer_ok("{\"limits\": {\"timeout\": 90, \"grace\": \"120000ms\", \"cpu\": \"2000ms\"}}");

	assert_json_at(doc, "limits", "{\"timeout\": \"90s\", \"grace\": \"2m\", \"cpu\": \"2s\"}");
	json_decref(doc);
	doc = parse_layer_ok("{\"limits\": {\"timeout\": \"1500ms\", \"grace\": 0, \"cpu\": \"unlimited\"}}");
	assert_json_at(doc, "limits", "{\"timeout\": \"1500ms\", \"grace\": \"0s\", \"cpu\": \"unlimited\"}");
	json_decref(doc);
	doc = parse_layer_ok("{\"limits\": {\"timeout\": \"86400s\", \"grace\": \"60\", \"cpu\": \"1h\"}}");
	assert_json_at(doc, "limits", "{\"timeout\": \"1d\", \"grace\": \"1m\", \"cpu\": \"1h\"}");
	json_decref(doc);
	expect_layer_error("{\"limits\": {\"cpu\": \"500ms\"}}",
			   "limits.cpu: \"500ms\" is not a whole number of seconds");
	expect_layer_error("{\"limits\": {\"cpu\": \"1500ms\"}}",
			   "limits.cpu: \"1500ms\" is not a whole number of seconds");
	expect_layer_error("{\"limits\": {\"timeout\": \"5x\"}}",
			   "limits.timeout: \"5x\" is not a duration (use seconds or ms, s, m, h, d)");
	expect_layer_error("{\"limits\": {\"timeout\": \"1.5s\"}}",
			   "limits.timeout: \"1.5s\" is not a duration (use seconds or ms, s, m, h, d)");
	expect_layer_error("{\"limits\": {\"timeout\": -5}}",
			   "limits.timeout: -5 is not a duration (use seconds or ms, s, m, h, d)");
	expect_layer_error("{\"limits\": {\"timeout\": \"99999999999999999d\"}}",
			   "limits.timeout: 99999999999999999d overflows");
	expect_layer_error("{\"limits\": {\"timeout\": 9223372036854775807}}",
			   "limits.timeout: 9223372036854775807 overflows");
	expect_layer_error(
		"{\"limits\": {\"timeout\": true}}",
		"limits.timeout: expected a duration (seconds or ms, s, m, h, d, or \"unlimited\"), not true");
	/* A grace period has no "unlimited": a timed-out program must end. */
	expect_layer_error("{\"limits\": {\"grace\": \"unlimited\"}}",
			   "limits.grace: \"unlimited\" is not a duration (use seconds or ms, s, m, h, d)");
	expect_layer_error("{\"limits\": {\"grace\": null}}",
			   "limits.grace: expected a duration (seconds or ms, s, m, h, d), not null");
}
END_TEST

START_TEST(user_and_group)
{
	json_t *doc = parse_layer_ok("{\"user\": \"root\", \"group\": \"root\"}");

	json_decref(doc);
	doc = parse_layer_ok("{\"user\": 0, \"group\": 0}");
	json_decref(doc);
	doc = parse_layer_ok("{\"user\": \"0\", \"group\": \"0\"}");
	/* Kept as written. */
	assert_json_at(doc, "user", "\"0\"");
	json_decref(doc);
	expect_layer_error("{\"user\": \"nobodyy-venvrun-test\"}", "user: no such user \"nobodyy-venvrun-test\"");
	expect_layer_error("{\"group\": \"nogroupp-venvrun-test\"}", "group: no such group \"nogroupp-venvrun-test\"");
	expect_layer_error("{\"user\": 4294967295}", "user: no such user 4294967295");
	expect_layer_error("{\"user\": -1}", "user: no such user -1");
	expect_layer_error("{\"group\": 4000000000}", "group: no such group 4000000000");
	expect_layer_error("{\"user\": \"\"}", "user: no such user \"\"");
	expect_layer_error("{\"user\": true}", "user: expected a user name or uid, not true");
	expect_layer_error("{\"group\": [0]}", "group: expected a group name or gid, not a list");
}
END_TEST

START_TEST(hostname)
{
	static const char *const good[] = {
		"sandbox",
		"a",
		"a.b-c.example",
		"123",
		"x1-2-3",
		/* 64 bytes: the kernel's limit. */
		"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.b",
	};
	static const char *const bad[] = { "-bad", "bad-", "bad_name", "a..b", "a.", ".a", "", "héllo", "a b" };

	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
		char *text = t_strdupf("{\"hostname\": \"%s\"}", good[i]);
		json_t *doc = parse_layer_ok(text);

		json_decref(doc);
		free(text);
	}
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		char *text = t_strdupf("{\"hostname\": \"%s\"}", bad[i]);
		char *msg = t_strdupf("hostname: \"%s\" is not a host name (RFC 1123: letters, digits and '-', in "
				      "labels separated by '.')",
				      bad[i]);

		expect_layer_error(text, msg);
		free(text);
		free(msg);
	}
	/* A 64-letter label: short enough overall, too long as a label. */
	expect_layer_error(
		"{\"hostname\": \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"}",
		"hostname: \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\" is not a host name "
		"(RFC 1123: letters, digits and '-', in labels separated by '.')");
	expect_layer_error("{\"hostname\": \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.bb\"}",
			   "hostname: longer than 64 bytes");
	expect_layer_error("{\"hostname\": 1}", "hostname: expected a host name, not 1");
}
END_TEST

/* --- setting keys from flags ------------------------------------------------------------- */

START_TEST(set_scalars)
{
	struct vr_error err = VR_ERROR_INIT;
	struct vr_policy *p = NULL;

	ck_assert_int_eq(vr_policy_new(&p, &err), 0);
	ck_assert_int_eq(vr_policy_set(p, "network", "none", "--network", &err), 0);
	ck_assert_int_eq(vr_policy_set(p, "limits.nofile", "256", "--limit", &err), 0);
	ck_assert_int_eq(vr_policy_set(p, "limits.nproc", "unlimited", "--limit", &err), 0);
	ck_assert_int_eq(vr_policy_set(p, "limits.as", "2G", "--limit", &err), 0);
	ck_assert_int_eq(vr_policy_set(p, "limits.timeout", "120", "--timeout", &err), 0);
	ck_assert_int_eq(vr_policy_set(p, "environment.clear", "no", "--keep-env", &err), 0);
	ck_assert_int_eq(vr_policy_set(p, "seccomp.log", "1", "--audit", &err), 0);
	ck_assert_int_eq(vr_policy_set(p, "filesystem.workdir", "ro", "--workdir", &err), 0);
	ck_assert_int_eq(vr_policy_set(p, "user", "0", "--user", &err), 0);
	ck_assert_int_eq(vr_policy_set(p, "hostname", "box", "--hostname", &err), 0);
	ck_assert_int_eq(vr_policy_set(p, "network", "loopback", "--network", &err), 0);
	assert_json_at(p->doc, "network", "\"loopback\"");
	assert_json_at(p->doc, "limits",
		       "{\"nofile\": 256, \"nproc\": \"unlimited\", \"as\": 2147483648, \"timeout\": \"2m\"}");
	assert_json_at(p->doc, "environment.clear", "false");
	assert_json_at(p->doc, "seccomp.log", "true");
	assert_json_at(p->doc, "filesystem.workdir", "\"ro\"");
	assert_json_at(p->doc, "user", "\"0\"");
	vr_policy_free(p);
}
END_TEST

START_TEST(set_lists_and_maps)
{
	struct vr_error err = VR_ERROR_INIT;
	struct vr_policy *p = NULL;

	ck_assert_int_eq(vr_policy_new(&p, &err), 0);
	ck_assert_int_eq(vr_policy_set(p, "filesystem.binds", "/srv/data", "--bind", &err), 0);
	ck_assert_int_eq(vr_policy_set(p, "filesystem.binds", "/a:/b", "--bind", &err), 0);
	ck_assert_int_eq(vr_policy_set(p, "filesystem.binds", "/c:/d:rw", "--bind", &err), 0);
	ck_assert_int_eq(vr_policy_set(p, "filesystem.binds", "/e:rw", "--bind", &err), 0);
	assert_json_at(p->doc, "filesystem.binds",
		       "[{\"source\": \"/srv/data\", \"target\": \"/srv/data\", \"mode\": \"ro\", \"optional\": false},"
		       " {\"source\": \"/a\", \"target\": \"/b\", \"mode\": \"ro\", \"optional\": false},"
		       " {\"source\": \"/c\", \"target\": \"/d\", \"mode\": \"rw\", \"optional\": false},"
		       " {\"source\": \"/e\", \"target\": \"/e\", \"mode\": \"rw\", \"optional\": false}]");
	ck_assert_int_eq(vr_policy_set(p, "filesystem.tmpfs", "/var/tmp/", "--tmpfs", &err), 0);
	ck_assert_int_eq(vr_policy_set(p, "environment.pass", "HOME", "--pass-env", &err), 0);
	ck_assert_int_eq(vr_policy_set(p, "environment.set", "A=1=2", "--setenv", &err), 0);
	ck_assert_int_eq(vr_policy_set(p, "environment.set", "B=", "--setenv", &err), 0);
	ck_assert_int_eq(vr_policy_set(p, "environment.set", "A=3", "--setenv", &err), 0);
	ck_assert_int_eq(vr_policy_set(p, "seccomp.deny", "ptrace", "--deny", &err), 0);
	ck_assert_int_eq(vr_policy_set(p, "seccomp.allow", "personality", "--allow", &err), 0);
	ck_assert_int_eq(vr_policy_set(p, "capabilities.keep", "net_raw", "--cap", &err), 0);
	assert_json_at(p->doc, "filesystem.tmpfs", "[\"/var/tmp\"]");
	assert_json_at(p->doc, "environment", "{\"pass\": [\"HOME\"], \"set\": {\"A\": \"3\", \"B\": \"\"}}");
	assert_json_at(p->doc, "seccomp",
		       "{\"deny\": [{\"syscall\": \"ptrace\", \"action\": \"errno\", \"errno\": 1}],"
		       " \"allow\": [\"personality\"]}");
	assert_json_at(p->doc, "capabilities.keep", "[\"CAP_NET_RAW\"]");
	vr_policy_free(p);
}
END_TEST

START_TEST(set_errors_leave_the_layer_alone)
{
	struct vr_error err = VR_ERROR_INIT;
	struct vr_policy *p = NULL, *before = NULL;

	ck_assert_int_eq(vr_policy_load_string("{\"network\": \"none\"}", 19, WHERE, &p, &err), 0);
	ck_assert_int_eq(vr_policy_load_string("{\"network\": \"none\"}", 19, WHERE, &before, &err), 0);

	ck_assert_int_eq(vr_policy_set(p, "network", "wifi", "--network", &err), -VR_ERR_BAD_POLICY);
	ck_assert_str_eq(err.where, "--network");
	ck_assert_str_eq(err.message, "network: expected \"none\", \"loopback\" or \"host\", not \"wifi\"");
	ck_assert_int_eq(vr_policy_set(p, "limits.nofile", "lots", "--limit", &err), -VR_ERR_BAD_POLICY);
	ck_assert_str_eq(err.message, "limits.nofile: expected a count (an integer or \"unlimited\"), not \"lots\"");
	ck_assert_int_eq(vr_policy_set(p, "limits.as", "12Q", "--limit", &err), -VR_ERR_BAD_POLICY);
	ck_assert_str_eq(err.message, "limits.as: \"12Q\" is not a size (use bytes or K, M, G, T)");
	ck_assert_int_eq(vr_policy_set(p, "limits.cpu", "500ms", "--limit", &err), -VR_ERR_BAD_POLICY);
	ck_assert_str_eq(err.message, "limits.cpu: \"500ms\" is not a whole number of seconds");
	ck_assert_int_eq(vr_policy_set(p, "environment.clear", "maybe", "--clear-env", &err), -VR_ERR_BAD_POLICY);
	ck_assert_str_eq(err.message, "environment.clear: expected true or false, not \"maybe\"");
	ck_assert_int_eq(vr_policy_set(p, "filesystem.binds", "/a:/b:rx", "--bind", &err), -VR_ERR_BAD_POLICY);
	ck_assert_str_eq(err.message, "filesystem.binds: \"/a:/b:rx\" is not SRC[:DST[:ro|rw]]");
	ck_assert_int_eq(vr_policy_set(p, "filesystem.binds", "/a:/b:ro:x", "--bind", &err), -VR_ERR_BAD_POLICY);
	ck_assert_int_eq(vr_policy_set(p, "filesystem.binds", "rel:/b", "--bind", &err), -VR_ERR_BAD_POLICY);
	ck_assert_str_eq(err.message, "filesystem.binds[0].source: expected an absolute path, not \"rel\"");
	ck_assert_int_eq(vr_policy_set(p, "environment.set", "NOVALUE", "--setenv", &err), -VR_ERR_BAD_POLICY);
	ck_assert_str_eq(err.message, "environment.set: expected NAME=VALUE, not \"NOVALUE\"");
	ck_assert_int_eq(vr_policy_set(p, "environment.set", "1X=v", "--setenv", &err), -VR_ERR_BAD_POLICY);
	ck_assert_str_eq(err.message, "environment.set.1X: \"1X\" is not a variable name");
	ck_assert_int_eq(vr_policy_set(p, "seccomp.deny", "ptarce", "--deny", &err), -VR_ERR_BAD_POLICY);
	ck_assert_str_eq(
		err.message,
		"seccomp.deny[0]: \"ptarce\" is not a system call known to libseccomp; did you mean \"ptrace\"?");
	ck_assert_int_eq(vr_policy_set(p, "user", "nobodyy-venvrun-test", "--user", &err), -VR_ERR_BAD_POLICY);
	ck_assert_str_eq(err.message, "user: no such user \"nobodyy-venvrun-test\"");

	/* Keys that are not there, or not single values. */
	ck_assert_int_eq(vr_policy_set(p, "limits.nofil", "1", "--limit", &err), -VR_ERR_BAD_POLICY);
	ck_assert_str_eq(err.where, "--limit");
	ck_assert_str_eq(err.message, "limits.nofil: unknown key; did you mean \"nofile\"?");
	ck_assert_int_eq(vr_policy_set(p, "netwrk", "none", "--x", &err), -VR_ERR_BAD_POLICY);
	ck_assert_str_eq(err.message, "netwrk: unknown key; did you mean \"network\"?");
	ck_assert_int_eq(vr_policy_set(p, "banana.split", "x", "--x", &err), -VR_ERR_BAD_POLICY);
	ck_assert_str_eq(err.message, "banana.split: unknown key \"banana\"");
	ck_assert_int_eq(vr_policy_set(p, "limitz.nofile", "1", "--x", &err), -VR_ERR_BAD_POLICY);
	ck_assert_str_eq(err.message, "limitz.nofile: unknown key \"limitz\"; did you mean \"limits\"?");
	ck_assert_int_eq(vr_policy_set(p, "filesystem.bindz.x", "1", "--x", &err), -VR_ERR_BAD_POLICY);
	ck_assert_str_eq(err.message, "filesystem.bindz.x: unknown key \"bindz\"; did you mean \"filesystem.binds\"?");
	ck_assert_int_eq(vr_policy_set(p, "limits", "x", "--x", &err), -VR_ERR_BAD_POLICY);
	ck_assert_str_eq(err.message, "limits: set one of its keys, not the whole group");
	ck_assert_int_eq(vr_policy_set(p, "network.mode", "x", "--x", &err), -VR_ERR_BAD_POLICY);
	ck_assert_str_eq(err.message, "network: has no keys of its own");

	ck_assert(vr_policy_equal(p, before));
	vr_policy_free(p);
	vr_policy_free(before);
}
END_TEST

const struct t_case policy_validate_key_cases[] = {
	T_CASE(extends_and_description),
	T_CASE(filesystem_modes),
	T_CASE(binds_are_completed),
	T_CASE(binds_bad_fields),
	T_CASE(tmpfs_and_hide_paths),
	T_CASE(network),
	T_CASE(environment),
	T_CASE(seccomp_deny_normalised),
	T_CASE(seccomp_bad_entries),
	T_CASE(capabilities),
	T_CASE(limits_sizes),
	T_CASE(limits_counts),
	T_CASE(limits_durations),
	T_CASE(user_and_group),
	T_CASE(hostname),
	T_CASE(set_scalars),
	T_CASE(set_lists_and_maps),
	T_CASE(set_errors_leave_the_layer_alone),
	{ NULL, NULL },
};
