/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Policy-merge cases about merging layers key by key: scalars replaced, objects merged,
 * lists added without duplicates (binds by target, deny rules by system call),
 * environment.set by name; then layers as a whole: chains, empty layers, order, and a
 * failed merge changing nothing.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>

#include <jansson.h>

#include "venvrun/policy.h"

#include "testlib.h"

#include "policy-merge-helpers.h"

/*
 * A key merged by replacement, given two layers that set only it (to different values):
 * the upper one wins whichever it is, and a layer that does not set the key keeps the
 * value below it.
 */
static void
check_replace(const char *a, const char *b)
{
	assert_merged(a, b, b);
	assert_merged(b, a, a);
	assert_merged(a, "{}", a);
	assert_merged("{}", b, b);
	assert_merged(a, a, a);
}

/* --- scalars: the upper layer's value replaces the lower one ----------------------------- */

START_TEST(replace_version)
{
	/* 1 is the only version there is: a layer that states it changes nothing. */
	assert_merged("{\"version\": 1}", "{}", "{\"version\": 1}");
	assert_merged("{}", "{\"version\": 1}", "{\"version\": 1}");
	assert_merged("{\"version\": 1, \"network\": \"none\"}", "{\"version\": 1}",
		      "{\"version\": 1, \"network\": \"none\"}");
}
END_TEST

START_TEST(replace_description)
{
	check_replace("{\"description\": \"the lower one\"}", "{\"description\": \"the upper one\"}");
}
END_TEST

START_TEST(drop_extends)
{
	/* "extends" is resolved when a file is loaded as a profile or --policy; what is
	 * merged is already layered on what it named, so the result names nothing. */
	assert_merged("{\"extends\": \"default\", \"description\": \"d\"}", "{}", "{\"description\": \"d\"}");
	assert_merged("{\"network\": \"none\"}", "{\"extends\": \"strict\", \"network\": \"host\"}",
		      "{\"network\": \"host\"}");
}
END_TEST

START_TEST(replace_filesystem_env)
{
	check_replace("{\"filesystem\": {\"env\": \"rw\"}}", "{\"filesystem\": {\"env\": \"ro\"}}");
}
END_TEST

START_TEST(replace_filesystem_workdir)
{
	check_replace("{\"filesystem\": {\"workdir\": \"none\"}}", "{\"filesystem\": {\"workdir\": \"ro\"}}");
	check_replace("{\"filesystem\": {\"workdir\": \"rw\"}}", "{\"filesystem\": {\"workdir\": \"none\"}}");
}
END_TEST

START_TEST(replace_network)
{
	check_replace("{\"network\": \"none\"}", "{\"network\": \"loopback\"}");
	check_replace("{\"network\": \"host\"}", "{\"network\": \"none\"}");
}
END_TEST

START_TEST(replace_environment_clear)
{
	check_replace("{\"environment\": {\"clear\": false}}", "{\"environment\": {\"clear\": true}}");
}
END_TEST

START_TEST(replace_seccomp_profile)
{
	check_replace("{\"seccomp\": {\"profile\": \"none\"}}", "{\"seccomp\": {\"profile\": \"default\"}}");
}
END_TEST

START_TEST(replace_seccomp_log)
{
	check_replace("{\"seccomp\": {\"log\": true}}", "{\"seccomp\": {\"log\": false}}");
}
END_TEST

START_TEST(replace_limits_nofile)
{
	check_replace("{\"limits\": {\"nofile\": 256}}", "{\"limits\": {\"nofile\": \"unlimited\"}}");
}
END_TEST

START_TEST(replace_limits_nproc)
{
	check_replace("{\"limits\": {\"nproc\": 128}}", "{\"limits\": {\"nproc\": 64}}");
}
END_TEST

START_TEST(replace_limits_as)
{
	check_replace("{\"limits\": {\"as\": \"2G\"}}", "{\"limits\": {\"as\": \"unlimited\"}}");
	/* Normalised before merging: the same size spelled twice is one value. */
	assert_merged("{\"limits\": {\"as\": \"1G\"}}", "{\"limits\": {\"as\": 1073741824}}",
		      "{\"limits\": {\"as\": \"1024M\"}}");
}
END_TEST

START_TEST(replace_limits_cpu)
{
	check_replace("{\"limits\": {\"cpu\": \"60s\"}}", "{\"limits\": {\"cpu\": \"5m\"}}");
}
END_TEST

START_TEST(replace_limits_fsize)
{
	check_replace("{\"limits\": {\"fsize\": \"256M\"}}", "{\"limits\": {\"fsize\": 1024}}");
}
END_TEST

START_TEST(replace_limits_core)
{
	check_replace("{\"limits\": {\"core\": 0}}", "{\"limits\": {\"core\": \"unlimited\"}}");
}
END_TEST

START_TEST(replace_limits_stack)
{
	check_replace("{\"limits\": {\"stack\": \"8M\"}}", "{\"limits\": {\"stack\": \"16M\"}}");
}
END_TEST

START_TEST(replace_limits_timeout)
{
	check_replace("{\"limits\": {\"timeout\": \"300s\"}}", "{\"limits\": {\"timeout\": \"unlimited\"}}");
}
END_TEST

START_TEST(replace_limits_grace)
{
	check_replace("{\"limits\": {\"grace\": \"5s\"}}", "{\"limits\": {\"grace\": \"500ms\"}}");
}
END_TEST

START_TEST(replace_user)
{
	/* A name and a number are both a whole value: the upper one replaces the lower (the
	 * same user, but the policy says what the layer said). Only root is sure to exist. */
	check_replace("{\"user\": \"root\"}", "{\"user\": 0}");
}
END_TEST

START_TEST(replace_group)
{
	check_replace("{\"group\": \"root\"}", "{\"group\": 0}");
}
END_TEST

START_TEST(replace_hostname)
{
	check_replace("{\"hostname\": \"box\"}", "{\"hostname\": \"sandbox.example\"}");
}
END_TEST

/* --- objects merge key by key: a layer setting one key does not erase its siblings ------ */

START_TEST(object_filesystem)
{
	assert_merged(
		"{\"filesystem\": {\"binds\": [{\"source\": \"/usr\"}], \"workdir\": \"ro\", \"hide\": [\"/home\"]}}",
		"{\"filesystem\": {\"env\": \"rw\"}}",
		"{\"filesystem\": {\"binds\": [{\"source\": \"/usr\"}], \"workdir\": \"ro\", \"hide\": [\"/home\"],"
		" \"env\": \"rw\"}}");
	assert_merged("{\"filesystem\": {\"env\": \"rw\", \"tmpfs\": [\"/tmp\"]}}", "{\"filesystem\": {}}",
		      "{\"filesystem\": {\"env\": \"rw\", \"tmpfs\": [\"/tmp\"]}}");
}
END_TEST

START_TEST(object_environment)
{
	assert_merged("{\"environment\": {\"pass\": [\"HOME\"], \"set\": {\"A\": \"1\"}}}",
		      "{\"environment\": {\"clear\": false}}",
		      "{\"environment\": {\"pass\": [\"HOME\"], \"set\": {\"A\": \"1\"}, \"clear\": false}}");
}
END_TEST

START_TEST(object_seccomp)
{
	assert_merged("{\"seccomp\": {\"deny\": [\"ptrace\"], \"allow\": [\"bpf\"], \"profile\": \"default\"}}",
		      "{\"seccomp\": {\"log\": true}}",
		      "{\"seccomp\": {\"deny\": [\"ptrace\"], \"allow\": [\"bpf\"], \"profile\": \"default\", \"log\": "
		      "true}}");
}
END_TEST

START_TEST(object_capabilities)
{
	assert_merged("{\"capabilities\": {\"keep\": [\"CAP_NET_RAW\"]}}", "{\"capabilities\": {}}",
		      "{\"capabilities\": {\"keep\": [\"CAP_NET_RAW\"]}}");
}
END_TEST

START_TEST(object_limits)
{
	assert_merged("{\"limits\": {\"nofile\": 256, \"as\": \"2G\", \"core\": 0}}",
		      "{\"limits\": {\"as\": \"1G\", \"timeout\": \"10s\"}}",
		      "{\"limits\": {\"nofile\": 256, \"as\": \"1G\", \"core\": 0, \"timeout\": \"10s\"}}");
}
END_TEST

START_TEST(object_top_level)
{
	/* Different top-level keys from different layers all end up in the result. */
	assert_merged("{\"network\": \"none\", \"limits\": {\"nofile\": 10}}",
		      "{\"hostname\": \"h\", \"filesystem\": {\"env\": \"rw\"}}",
		      "{\"network\": \"none\", \"limits\": {\"nofile\": 10}, \"hostname\": \"h\","
		      " \"filesystem\": {\"env\": \"rw\"}}");
}
END_TEST

/* --- lists add, duplicates dropped, first position kept --------------------------------- */

START_TEST(append_tmpfs)
{
	assert_merged("{\"filesystem\": {\"tmpfs\": [\"/tmp\", \"/run\"]}}",
		      "{\"filesystem\": {\"tmpfs\": [\"/var/tmp\", \"/tmp\"]}}",
		      "{\"filesystem\": {\"tmpfs\": [\"/tmp\", \"/run\", \"/var/tmp\"]}}");
	/* The other way round: the lower layer's order comes first. */
	assert_merged("{\"filesystem\": {\"tmpfs\": [\"/var/tmp\", \"/tmp\"]}}",
		      "{\"filesystem\": {\"tmpfs\": [\"/tmp\", \"/run\"]}}",
		      "{\"filesystem\": {\"tmpfs\": [\"/var/tmp\", \"/tmp\", \"/run\"]}}");
	assert_merged("{}", "{\"filesystem\": {\"tmpfs\": [\"/tmp\"]}}", "{\"filesystem\": {\"tmpfs\": [\"/tmp\"]}}");
	assert_merged("{\"filesystem\": {\"tmpfs\": [\"/tmp\"]}}", "{\"filesystem\": {\"tmpfs\": []}}",
		      "{\"filesystem\": {\"tmpfs\": [\"/tmp\"]}}");
}
END_TEST

START_TEST(append_hide)
{
	assert_merged("{\"filesystem\": {\"hide\": [\"/home\", \"/root\"]}}",
		      "{\"filesystem\": {\"hide\": [\"/srv\", \"/home\", \"/root\"]}}",
		      "{\"filesystem\": {\"hide\": [\"/home\", \"/root\", \"/srv\"]}}");
}
END_TEST

START_TEST(append_environment_pass)
{
	assert_merged("{\"environment\": {\"pass\": [\"HOME\", \"MY_*\"]}}",
		      "{\"environment\": {\"pass\": [\"PATH\", \"HOME\", \"MY_*\"]}}",
		      "{\"environment\": {\"pass\": [\"HOME\", \"MY_*\", \"PATH\"]}}");
	/* A pattern and a name it matches are different entries. */
	assert_merged("{\"environment\": {\"pass\": [\"LC_*\"]}}", "{\"environment\": {\"pass\": [\"LC_ALL\"]}}",
		      "{\"environment\": {\"pass\": [\"LC_*\", \"LC_ALL\"]}}");
}
END_TEST

START_TEST(append_seccomp_allow)
{
	assert_merged("{\"seccomp\": {\"allow\": [\"personality\", \"ptrace\"]}}",
		      "{\"seccomp\": {\"allow\": [\"ptrace\", \"bpf\"]}}",
		      "{\"seccomp\": {\"allow\": [\"personality\", \"ptrace\", \"bpf\"]}}");
}
END_TEST

START_TEST(append_capabilities_keep)
{
	/* Names are normalised first, so the three spellings of one capability are one. */
	assert_merged("{\"capabilities\": {\"keep\": [\"CAP_NET_RAW\"]}}",
		      "{\"capabilities\": {\"keep\": [\"net_raw\", \"cap_sys_ptrace\", \"CAP_NET_RAW\"]}}",
		      "{\"capabilities\": {\"keep\": [\"CAP_NET_RAW\", \"CAP_SYS_PTRACE\"]}}");
}
END_TEST

START_TEST(binds_by_target)
{
	/* The upper layer's bind on /mnt/data replaces the lower one where it stood (mount
	 * order is list order), and its settings win, read-only included. */
	assert_merged("{\"filesystem\": {\"binds\": ["
		      "{\"source\": \"/data\", \"target\": \"/mnt/data\", \"mode\": \"rw\"},"
		      "{\"source\": \"/usr/share\"}]}}",
		      "{\"filesystem\": {\"binds\": ["
		      "{\"source\": \"/opt\"},"
		      "{\"source\": \"/srv/data\", \"target\": \"/mnt/data\", \"optional\": true}]}}",
		      "{\"filesystem\": {\"binds\": ["
		      "{\"source\": \"/srv/data\", \"target\": \"/mnt/data\", \"optional\": true},"
		      "{\"source\": \"/usr/share\"},"
		      "{\"source\": \"/opt\"}]}}");
	/* A target is what makes a bind the same: one source on two targets is two binds, and
	 * a bind without a target mounts on its source. */
	assert_merged("{\"filesystem\": {\"binds\": [{\"source\": \"/a\", \"target\": \"/x\"}]}}",
		      "{\"filesystem\": {\"binds\": [{\"source\": \"/a\", \"target\": \"/y\"}]}}",
		      "{\"filesystem\": {\"binds\": [{\"source\": \"/a\", \"target\": \"/x\"},"
		      " {\"source\": \"/a\", \"target\": \"/y\"}]}}");
	assert_merged("{\"filesystem\": {\"binds\": [{\"source\": \"/b\", \"target\": \"/a\"}]}}",
		      "{\"filesystem\": {\"binds\": [{\"source\": \"/a\", \"mode\": \"rw\"}]}}",
		      "{\"filesystem\": {\"binds\": [{\"source\": \"/a\", \"mode\": \"rw\"}]}}");
}
END_TEST

START_TEST(deny_by_syscall)
{
	assert_merged("{\"seccomp\": {\"deny\": [\"ptrace\", {\"syscall\": \"mount\", \"action\": \"kill\"}]}}",
		      "{\"seccomp\": {\"deny\": [{\"syscall\": \"ptrace\", \"action\": \"log\"}, \"bpf\","
		      " {\"syscall\": \"mount\", \"action\": \"errno\", \"errno\": \"EACCES\"}]}}",
		      "{\"seccomp\": {\"deny\": [{\"syscall\": \"ptrace\", \"action\": \"log\"},"
		      " {\"syscall\": \"mount\", \"action\": \"errno\", \"errno\": \"EACCES\"}, \"bpf\"]}}");
	/* The short form and the long one of the same rule are one entry. */
	assert_merged(
		"{\"seccomp\": {\"deny\": [\"ptrace\"]}}",
		"{\"seccomp\": {\"deny\": [{\"syscall\": \"ptrace\", \"action\": \"errno\", \"errno\": \"EPERM\"}]}}",
		"{\"seccomp\": {\"deny\": [\"ptrace\"]}}");
}
END_TEST

START_TEST(env_set_by_key)
{
	assert_merged("{\"environment\": {\"set\": {\"A\": \"1\", \"B\": \"2\"}}}",
		      "{\"environment\": {\"set\": {\"B\": \"3\", \"C\": \"\"}}}",
		      "{\"environment\": {\"set\": {\"A\": \"1\", \"B\": \"3\", \"C\": \"\"}}}");
	assert_merged("{\"environment\": {\"set\": {\"A\": \"1\"}}}", "{\"environment\": {\"set\": {}}}",
		      "{\"environment\": {\"set\": {\"A\": \"1\"}}}");
}
END_TEST

/* --- layers as a whole -------------------------------------------------------------------- */

static const char three_merged[] = "{\"description\": \"profile\", \"network\": \"host\","
				   " \"filesystem\": {\"workdir\": \"ro\", \"tmpfs\": [\"/tmp\", \"/run\"],"
				   " \"binds\": [{\"source\": \"/srv\", \"target\": \"/mnt\", \"mode\": \"rw\"}],"
				   " \"hide\": [\"/home\"]},"
				   " \"environment\": {\"pass\": [\"HOME\", \"PATH\"],"
				   " \"set\": {\"A\": \"env\", \"B\": \"flag\"}},"
				   " \"seccomp\": {\"deny\": [{\"syscall\": \"ptrace\", \"action\": \"kill\"}]},"
				   " \"limits\": {\"nofile\": 512, \"timeout\": \"5m\"},"
				   " \"hostname\": \"flagged\"}";

START_TEST(chain_of_three)
{
	struct vr_policy *p = merged_layers(profile_layer, env_layer, flags_layer, NULL);

	assert_policy(p, three_merged);
	vr_policy_free(p);
}
END_TEST

START_TEST(chain_grouping)
{
	/* profiles.c merges a file onto the profile it extends before the result goes under
	 * the upper layers: (a + b) + c must be a + (b + c). */
	struct vr_policy *left = merged_layers(profile_layer, env_layer, flags_layer, NULL);
	struct vr_policy *right = load_layer(profile_layer), *bc = merged_layers(env_layer, flags_layer, NULL);

	merge_layer_ok(right, bc);
	ck_assert(vr_policy_equal(left, right));
	assert_policy(right, three_merged);
	vr_policy_free(left);
	vr_policy_free(right);
	vr_policy_free(bc);
}
END_TEST

START_TEST(empty_layer_changes_nothing)
{
	struct vr_policy *p = merged_layers(profile_layer, env_layer, NULL),
			 *before = merged_layers(profile_layer, env_layer, NULL);
	struct vr_policy *empty = NULL, *q = NULL;

	ck_assert_int_eq(vr_policy_new(&empty, NULL), 0);
	merge_layer_ok(p, empty);
	ck_assert(vr_policy_equal(p, before));
	/* Nor does merging onto an empty layer: it gives the layer back. */
	ck_assert_int_eq(vr_policy_new(&q, NULL), 0);
	merge_layer_ok(q, p);
	ck_assert(vr_policy_equal(q, before));
	vr_policy_free(p);
	vr_policy_free(before);
	vr_policy_free(empty);
	vr_policy_free(q);
}
END_TEST

START_TEST(not_commutative)
{
	struct vr_policy *ab = merged_layers(profile_layer, env_layer, NULL),
			 *ba = merged_layers(env_layer, profile_layer, NULL);

	ck_assert(!vr_policy_equal(ab, ba));
	assert_policy(ba, "{\"description\": \"profile\", \"network\": \"none\","
			  " \"filesystem\": {\"workdir\": \"ro\", \"tmpfs\": [\"/run\", \"/tmp\"],"
			  " \"binds\": [{\"source\": \"/data\", \"target\": \"/mnt\"}]},"
			  " \"environment\": {\"pass\": [\"HOME\"], \"set\": {\"A\": \"profile\", \"B\": \"env\"}},"
			  " \"seccomp\": {\"deny\": [\"ptrace\"]},"
			  " \"limits\": {\"nofile\": 256, \"timeout\": \"300s\"}}");
	vr_policy_free(ab);
	vr_policy_free(ba);
}
END_TEST

START_TEST(over_is_not_changed)
{
	struct vr_policy *base = load_layer("{}"), *over = load_layer(profile_layer),
			 *more = merged_layers(env_layer, flags_layer, NULL);
	char *before = canonical_json(over), *after;

	/* Merging copies what it takes: a later merge into base, adding to lists that came
	 * from over, must not reach over. */
	merge_layer_ok(base, over);
	merge_layer_ok(base, more);
	after = canonical_json(over);
	ck_assert_str_eq(after, before);
	free(before);
	free(after);
	vr_policy_free(base);
	vr_policy_free(over);
	vr_policy_free(more);
}
END_TEST

START_TEST(failed_merge_changes_nothing)
{
	struct vr_error err = VR_ERROR_INIT;
	struct vr_policy *base, *over, *before;
	json_t *lower = json_pack("{s:{s:[]}}", "filesystem", "tmpfs"),
	       *upper = json_pack("{s:{s:[]}}", "filesystem", "tmpfs");
	json_t *l = json_object_get(json_object_get(lower, "filesystem"), "tmpfs");
	json_t *u = json_object_get(json_object_get(upper, "filesystem"), "tmpfs");
	char *a, *b, path[32];

	/* Each layer is within the bound on a list; together they are not, and the merge
	 * fails whole, leaving base as it was. */
	for (int i = 0; i < 1000; i++) {
		snprintf(path, sizeof path, "/l%d", i);
		json_array_append_new(l, json_string(path));
		snprintf(path, sizeof path, "/u%d", i);
		json_array_append_new(u, json_string(path));
	}
	json_array_append_new(u, json_string("/l0")); /* not new: dropped */
	a = json_dumps(lower, 0);
	b = json_dumps(upper, 0);
	base = load_layer(a);
	before = load_layer(a);
	over = load_layer(b);
	merge_layer_text(base, "{\"network\": \"none\"}");
	merge_layer_text(before, "{\"network\": \"none\"}");
	ck_assert_int_eq(vr_policy_merge(base, over, &err), -VR_ERR_BAD_POLICY);
	ck_assert_int_eq(err.code, VR_ERR_BAD_POLICY);
	ck_assert_str_eq(err.message, "filesystem.tmpfs: more than 1024 entries after merging the layers");
	ck_assert(vr_policy_equal(base, before));
	free(a);
	free(b);
	json_decref(lower);
	json_decref(upper);
	vr_policy_free(base);
	vr_policy_free(before);
	vr_policy_free(over);
}
END_TEST

START_TEST(merge_checks_arguments)
{
	struct vr_policy *p = load_layer("{}");

	ck_assert_int_eq(vr_policy_merge(NULL, p, NULL), -EINVAL);
	ck_assert_int_eq(vr_policy_merge(p, NULL, NULL), -EINVAL);
	vr_policy_free(p);
}
END_TEST

const struct t_case policy_merge_layer_cases[] = {
	T_CASE(replace_version),
	T_CASE(replace_description),
	T_CASE(drop_extends),
	T_CASE(replace_filesystem_env),
	T_CASE(replace_filesystem_workdir),
	T_CASE(replace_network),
	T_CASE(replace_environment_clear),
	T_CASE(replace_seccomp_profile),
	T_CASE(replace_seccomp_log),
	T_CASE(replace_limits_nofile),
	T_CASE(replace_limits_nproc),
	T_CASE(replace_limits_as),
	T_CASE(replace_limits_cpu),
	T_CASE(replace_limits_fsize),
	T_CASE(replace_limits_core),
	T_CASE(replace_limits_stack),
	T_CASE(replace_limits_timeout),
	T_CASE(replace_limits_grace),
	T_CASE(replace_user),
	T_CASE(replace_group),
	T_CASE(replace_hostname),
	T_CASE(object_filesystem),
	T_CASE(object_environment),
	T_CASE(object_seccomp),
	T_CASE(object_capabilities),
	T_CASE(object_limits),
	T_CASE(object_top_level),
	T_CASE(append_tmpfs),
	T_CASE(append_hide),
	T_CASE(append_environment_pass),
	T_CASE(append_seccomp_allow),
	T_CASE(append_capabilities_keep),
	T_CASE(binds_by_target),
	T_CASE(deny_by_syscall),
	T_CASE(env_set_by_key),
	T_CASE(chain_of_three),
	T_CASE(chain_grouping),
	T_CASE(empty_layer_changes_nothing),
	T_CASE(not_commutative),
	T_CASE(over_is_not_changed),
	T_CASE(failed_merge_changes_nothing),
	T_CASE(merge_checks_arguments),
	{ NULL, NULL },
};
