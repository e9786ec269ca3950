/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

/*
 * How policy layers combine, key by key (venvrun.json(5)): scalars are replaced, objects
 * merge, lists add without duplicates (binds by target, deny rules by system call, the
 * upper layer winning in place), environment.set merges by name. Then the defaults under
 * the layers, and the typed view the plan builder reads.
 *
 * Layers are built and merged through the public API (vr_policy_load_string, vr_policy_merge)
 * and compared through it (vr_policy_to_json, vr_policy_equal). An expected result is itself
 * loaded as a layer, so it is written as a user would write it and normalised the same way.
 */

#include <errno.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "venvrun/policy.h"

#include "policy.h"
#include "testlib.h"

static struct vr_policy *
load(const char *text)
{
	struct vr_error err = VR_ERROR_INIT;
	struct vr_policy *p = NULL;
	char line[VR_ERROR_LINE_MAX];
	int r;

	r = vr_policy_load_string(text, strlen(text), "test", &p, &err);
	vr_error_format(&err, line, sizeof line);
	ck_assert_msg(r == 0, "loading %s: %d %s", text, r, line);
	ck_assert_ptr_nonnull(p);
	return p;
}

/* The policy as text with sorted keys and no spaces, so that two documents compare as
 * strings and a failure shows both. */
static char *
canon(const struct vr_policy *p)
{
	char *text = vr_policy_to_json(p), *c;
	json_error_t jerr;
	json_t *j;

	ck_assert_ptr_nonnull(text);
	j = json_loads(text, 0, &jerr);
	ck_assert_msg(j != NULL, "vr_policy_to_json gave bad JSON: %s: %s", jerr.text, text);
	c = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);
	ck_assert_ptr_nonnull(c);
	json_decref(j);
	free(text);
	return c;
}

static void
merge_ok(struct vr_policy *base, const struct vr_policy *over)
{
	struct vr_error err = VR_ERROR_INIT;
	int r;

	r = vr_policy_merge(base, over, &err);
	ck_assert_msg(r == 0, "merge: %d %s: %s", r, err.where, err.message);
}

/* Merge a layer given as text onto p. */
static void
merge_text(struct vr_policy *p, const char *text)
{
	struct vr_policy *over = load(text);

	merge_ok(p, over);
	vr_policy_free(over);
}

/* The layers merged in order, lowest first, each onto the result of those below. */
static struct vr_policy *merged(const char *first, ...) __attribute__((sentinel));
static struct vr_policy *
merged(const char *first, ...)
{
	struct vr_policy *p = load(first);
	const char *text;
	va_list ap;

	va_start(ap, first);
	while ((text = va_arg(ap, const char *)))
		merge_text(p, text);
	va_end(ap);
	return p;
}

static void
assert_policy(const struct vr_policy *p, const char *expected)
{
	struct vr_policy *e = load(expected);
	char *a = canon(p), *b = canon(e);

	ck_assert_str_eq(a, b);
	ck_assert_msg(vr_policy_equal(p, e), "vr_policy_equal differs from the JSON: %s", a);
	free(a);
	free(b);
	vr_policy_free(e);
}

static void
assert_merged(const char *lower, const char *upper, const char *expected)
{
	struct vr_policy *p = merged(lower, upper, NULL);

	assert_policy(p, expected);
	vr_policy_free(p);
}

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

static const char profile_layer[] = "{\"description\": \"profile\", \"network\": \"none\","
				    " \"filesystem\": {\"workdir\": \"ro\", \"tmpfs\": [\"/tmp\"],"
				    " \"binds\": [{\"source\": \"/data\", \"target\": \"/mnt\"}]},"
				    " \"environment\": {\"pass\": [\"HOME\"], \"set\": {\"A\": \"profile\"}},"
				    " \"seccomp\": {\"deny\": [\"ptrace\"]},"
				    " \"limits\": {\"nofile\": 256, \"timeout\": \"300s\"}}";
static const char env_layer[] = "{\"network\": \"loopback\","
				" \"filesystem\": {\"tmpfs\": [\"/run\", \"/tmp\"],"
				" \"binds\": [{\"source\": \"/srv\", \"target\": \"/mnt\", \"mode\": \"rw\"}]},"
				" \"environment\": {\"set\": {\"A\": \"env\", \"B\": \"env\"}},"
				" \"limits\": {\"nofile\": 512}}";
static const char flags_layer[] = "{\"network\": \"host\", \"filesystem\": {\"hide\": [\"/home\"]},"
				  " \"environment\": {\"pass\": [\"PATH\"], \"set\": {\"B\": \"flag\"}},"
				  " \"seccomp\": {\"deny\": [{\"syscall\": \"ptrace\", \"action\": \"kill\"}]},"
				  " \"hostname\": \"flagged\"}";
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
	struct vr_policy *p = merged(profile_layer, env_layer, flags_layer, NULL);

	assert_policy(p, three_merged);
	vr_policy_free(p);
}
END_TEST

START_TEST(chain_grouping)
{
	/* profiles.c merges a file onto the profile it extends before the result goes under
	 * the upper layers: (a + b) + c must be a + (b + c). */
	struct vr_policy *left = merged(profile_layer, env_layer, flags_layer, NULL);
	struct vr_policy *right = load(profile_layer), *bc = merged(env_layer, flags_layer, NULL);

	merge_ok(right, bc);
	ck_assert(vr_policy_equal(left, right));
	assert_policy(right, three_merged);
	vr_policy_free(left);
	vr_policy_free(right);
	vr_policy_free(bc);
}
END_TEST

START_TEST(empty_layer_changes_nothing)
{
	struct vr_policy *p = merged(profile_layer, env_layer, NULL), *before = merged(profile_layer, env_layer, NULL);
	struct vr_policy *empty = NULL, *q = NULL;

	ck_assert_int_eq(vr_policy_new(&empty, NULL), 0);
	merge_ok(p, empty);
	ck_assert(vr_policy_equal(p, before));
	/* Nor does merging onto an empty layer: it gives the layer back. */
	ck_assert_int_eq(vr_policy_new(&q, NULL), 0);
	merge_ok(q, p);
	ck_assert(vr_policy_equal(q, before));
	vr_policy_free(p);
	vr_policy_free(before);
	vr_policy_free(empty);
	vr_policy_free(q);
}
END_TEST

START_TEST(not_commutative)
{
	struct vr_policy *ab = merged(profile_layer, env_layer, NULL), *ba = merged(env_layer, profile_layer, NULL);

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
	struct vr_policy *base = load("{}"), *over = load(profile_layer), *more = merged(env_layer, flags_layer, NULL);
	char *before = canon(over), *after;

	/* Merging copies what it takes: a later merge into base, adding to lists that came
	 * from over, must not reach over. */
	merge_ok(base, over);
	merge_ok(base, more);
	after = canon(over);
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
	base = load(a);
	before = load(a);
	over = load(b);
	merge_text(base, "{\"network\": \"none\"}");
	merge_text(before, "{\"network\": \"none\"}");
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
	struct vr_policy *p = load("{}");

	ck_assert_int_eq(vr_policy_merge(NULL, p, NULL), -EINVAL);
	ck_assert_int_eq(vr_policy_merge(p, NULL, NULL), -EINVAL);
	vr_policy_free(p);
}
END_TEST

/* --- defaults under the layers, and the typed view ---------------------------------------- */

static const char defaults_text[] =
	"{\"version\": 1,"
	" \"filesystem\": {\"env\": \"ro\", \"workdir\": \"rw\", \"binds\": [], \"tmpfs\": [], \"hide\": []},"
	" \"network\": \"host\","
	" \"environment\": {\"clear\": true,"
	" \"pass\": [\"TERM\", \"COLORTERM\", \"NO_COLOR\", \"LANG\", \"LANGUAGE\", \"LC_*\", \"TZ\"], \"set\": {}},"
	" \"seccomp\": {\"profile\": \"default\", \"deny\": [], \"allow\": [], \"log\": false},"
	" \"capabilities\": {\"keep\": []},"
	" \"limits\": {\"nofile\": 1024, \"nproc\": \"unlimited\", \"as\": \"unlimited\", \"cpu\": \"unlimited\","
	" \"fsize\": \"unlimited\", \"core\": 0, \"stack\": 8388608, \"memory\": \"unlimited\", \"pids\": "
	"\"unlimited\", \"timeout\": \"unlimited\", \"grace\": \"5s\"}}";

/* The defaults as a policy, read back through the public parser as vr_policy_effective()
 * would hold them, with the layers merged on top, lowest first. */
static struct vr_policy *effective(const char *first, ...) __attribute__((sentinel));
static struct vr_policy *
effective(const char *first, ...)
{
	json_t *d = vr_policy_defaults();
	struct vr_policy *p;
	const char *text;
	char *dtext;
	va_list ap;

	ck_assert_ptr_nonnull(d);
	dtext = json_dumps(d, 0);
	p = load(dtext);
	va_start(ap, first);
	for (text = first; text; text = va_arg(ap, const char *))
		merge_text(p, text);
	va_end(ap);
	free(dtext);
	json_decref(d);
	return p;
}

START_TEST(defaults_document)
{
	json_t *d = vr_policy_defaults(), *expected = json_loads(defaults_text, 0, NULL);
	char *a, *b;

	ck_assert_ptr_nonnull(d);
	ck_assert_ptr_nonnull(expected);
	a = json_dumps(d, JSON_COMPACT | JSON_SORT_KEYS);
	b = json_dumps(expected, JSON_COMPACT | JSON_SORT_KEYS);
	ck_assert_str_eq(a, b);
	/* Nothing without a default is there: those keys are absent until a layer sets them. */
	ck_assert_ptr_null(json_object_get(d, "user"));
	ck_assert_ptr_null(json_object_get(d, "extends"));
	free(a);
	free(b);
	json_decref(d);
	json_decref(expected);
}
END_TEST

START_TEST(defaults_under_layers)
{
	/* Lists add to the defaults (environment.pass keeps TERM ...); scalars replace them;
	 * an object a layer half-sets keeps the other defaults. */
	struct vr_policy *p =
		effective("{\"environment\": {\"pass\": [\"HOME\", \"TERM\"]}, \"limits\": {\"nofile\": 64}}",
			  "{\"network\": \"none\"}", NULL);
	struct vr_policy *e = load(defaults_text);
	char *expected;

	merge_text(e, "{\"network\": \"none\","
		      " \"environment\": {\"pass\": [\"TERM\", \"COLORTERM\", \"NO_COLOR\", \"LANG\", \"LANGUAGE\","
		      " \"LC_*\", \"TZ\", \"HOME\"]},"
		      " \"limits\": {\"nofile\": 64}}");
	expected = canon(e);
	assert_policy(p, expected);
	free(expected);
	vr_policy_free(p);
	vr_policy_free(e);
}
END_TEST

START_TEST(values_of_defaults)
{
	struct vr_policy *p = effective("{}", NULL);
	struct vr_policy_values v = { 0 };
	struct vr_error err = VR_ERROR_INIT;

	ck_assert_int_eq(vr_policy_get_values(p, &v, &err), 0);
	ck_assert_int_eq(v.env, VR_MODE_RO);
	ck_assert_int_eq(v.workdir, VR_MODE_RW);
	ck_assert_uint_eq(v.n_binds, 0);
	ck_assert_ptr_nonnull(v.tmpfs);
	ck_assert_ptr_null(v.tmpfs[0]);
	ck_assert_ptr_nonnull(v.hide);
	ck_assert_ptr_null(v.hide[0]);
	ck_assert_int_eq(v.network, VR_NET_HOST);
	ck_assert(v.env_clear);
	ck_assert_str_eq(v.env_pass[0], "TERM");
	ck_assert_str_eq(v.env_pass[1], "COLORTERM");
	ck_assert_str_eq(v.env_pass[2], "NO_COLOR");
	ck_assert_str_eq(v.env_pass[3], "LANG");
	ck_assert_str_eq(v.env_pass[4], "LANGUAGE");
	ck_assert_str_eq(v.env_pass[5], "LC_*");
	ck_assert_str_eq(v.env_pass[6], "TZ");
	ck_assert_ptr_null(v.env_pass[7]);
	ck_assert_ptr_nonnull(v.env_set);
	ck_assert_ptr_null(v.env_set[0]);
	ck_assert(v.seccomp_enabled);
	ck_assert(!v.seccomp_log);
	ck_assert_uint_eq(v.n_deny, 0);
	ck_assert_uint_eq(v.n_allow, 0);
	ck_assert_ptr_null(v.caps_keep[0]);
	ck_assert_uint_eq(v.nofile, 1024);
	ck_assert_uint_eq(v.nproc, VR_UNLIMITED);
	ck_assert_uint_eq(v.as, VR_UNLIMITED);
	ck_assert_uint_eq(v.cpu_s, VR_UNLIMITED);
	ck_assert_uint_eq(v.fsize, VR_UNLIMITED);
	ck_assert_uint_eq(v.core, 0);
	ck_assert_uint_eq(v.stack, 8388608);
	ck_assert_uint_eq(v.timeout_ms, 0);
	ck_assert_uint_eq(v.grace_ms, 5000);
	ck_assert_ptr_null(v.user);
	ck_assert_ptr_null(v.group);
	ck_assert_ptr_null(v.hostname);
	vr_policy_values_done(&v);
	vr_policy_free(p);
}
END_TEST

START_TEST(values_of_layers)
{
	struct vr_policy *p = effective(
		"{\"filesystem\": {\"env\": \"rw\", \"workdir\": \"none\","
		" \"binds\": [{\"source\": \"/data\", \"target\": \"/mnt/data\", \"mode\": \"rw\"}, {\"source\": "
		"\"/usr\"}],"
		" \"tmpfs\": [\"/tmp\"], \"hide\": [\"/home\", \"/root\"]},"
		" \"network\": \"loopback\","
		" \"environment\": {\"clear\": false, \"pass\": [\"HOME\"], \"set\": {\"A\": \"1\", \"EMPTY\": \"\"}},"
		" \"seccomp\": {\"deny\": [\"ptrace\", {\"syscall\": \"mount\", \"action\": \"kill\"},"
		" {\"syscall\": \"bpf\", \"action\": \"errno\", \"errno\": \"EACCES\"}], \"allow\": [\"personality\"],"
		" \"log\": true},"
		" \"capabilities\": {\"keep\": [\"net_raw\"]},"
		" \"limits\": {\"nofile\": 256, \"nproc\": 128, \"as\": \"2G\", \"cpu\": \"1m\", \"fsize\": \"256M\","
		" \"core\": \"unlimited\", \"stack\": \"16M\", \"timeout\": \"300s\", \"grace\": \"1500ms\"},"
		" \"user\": \"root\", \"group\": 0, \"hostname\": \"box\"}",
		"{\"filesystem\": {\"binds\": [{\"source\": \"/srv\", \"target\": \"/mnt/data\", \"optional\": true}]},"
		" \"environment\": {\"set\": {\"A\": \"2=two\"}},"
		" \"seccomp\": {\"deny\": [{\"syscall\": \"mount\", \"action\": \"enosys\"},"
		" {\"syscall\": \"ptrace\", \"action\": \"log\"}, {\"syscall\": \"kexec_load\", \"action\": \"errno\", "
		"\"errno\": 38}]}}",
		NULL);
	struct vr_policy_values v = { 0 };
	struct vr_error err = VR_ERROR_INIT;

	ck_assert_int_eq(vr_policy_get_values(p, &v, &err), 0);
	ck_assert_int_eq(v.env, VR_MODE_RW);
	ck_assert_int_eq(v.workdir, VR_MODE_NONE);

	/* The upper layer's bind on /mnt/data, in the lower one's place. */
	ck_assert_uint_eq(v.n_binds, 2);
	ck_assert_str_eq(v.binds[0].source, "/srv");
	ck_assert_str_eq(v.binds[0].target, "/mnt/data");
	ck_assert(!v.binds[0].rw);
	ck_assert(v.binds[0].optional);
	ck_assert_str_eq(v.binds[1].source, "/usr");
	ck_assert_str_eq(v.binds[1].target, "/usr");
	ck_assert(!v.binds[1].rw);
	ck_assert(!v.binds[1].optional);

	ck_assert_str_eq(v.tmpfs[0], "/tmp");
	ck_assert_ptr_null(v.tmpfs[1]);
	ck_assert_str_eq(v.hide[0], "/home");
	ck_assert_str_eq(v.hide[1], "/root");
	ck_assert_ptr_null(v.hide[2]);
	ck_assert_int_eq(v.network, VR_NET_LOOPBACK);

	ck_assert(!v.env_clear);
	ck_assert_str_eq(v.env_pass[6], "TZ");
	ck_assert_str_eq(v.env_pass[7], "HOME");
	ck_assert_ptr_null(v.env_pass[8]);
	ck_assert_str_eq(v.env_set[0], "A=2=two");
	ck_assert_str_eq(v.env_set[1], "EMPTY=");
	ck_assert_ptr_null(v.env_set[2]);

	ck_assert(v.seccomp_enabled);
	ck_assert(v.seccomp_log);
	ck_assert_uint_eq(v.n_deny, 4);
	ck_assert_str_eq(v.deny[0].name, "ptrace");
	ck_assert_int_eq(v.deny[0].action, VR_SC_LOG);
	ck_assert_str_eq(v.deny[1].name, "mount");
	ck_assert_int_eq(v.deny[1].action, VR_SC_ENOSYS);
	ck_assert_str_eq(v.deny[2].name, "bpf");
	ck_assert_int_eq(v.deny[2].action, VR_SC_ERRNO);
	ck_assert_int_eq(v.deny[2].errno_value, EACCES);
	ck_assert_str_eq(v.deny[3].name, "kexec_load");
	ck_assert_int_eq(v.deny[3].action, VR_SC_ERRNO);
	ck_assert_int_eq(v.deny[3].errno_value, 38);
	ck_assert_uint_eq(v.n_allow, 1);
	ck_assert_str_eq(v.allow[0].name, "personality");

	ck_assert_str_eq(v.caps_keep[0], "CAP_NET_RAW");
	ck_assert_ptr_null(v.caps_keep[1]);

	ck_assert_uint_eq(v.nofile, 256);
	ck_assert_uint_eq(v.nproc, 128);
	ck_assert_uint_eq(v.as, 2147483648ULL);
	ck_assert_uint_eq(v.cpu_s, 60);
	ck_assert_uint_eq(v.fsize, 268435456ULL);
	ck_assert_uint_eq(v.core, VR_UNLIMITED);
	ck_assert_uint_eq(v.stack, 16777216ULL);
	ck_assert_uint_eq(v.timeout_ms, 300000);
	ck_assert_uint_eq(v.grace_ms, 1500);
	ck_assert_str_eq(v.user, "root");
	ck_assert_str_eq(v.group, "0");
	ck_assert_str_eq(v.hostname, "box");
	vr_policy_values_done(&v);
	vr_policy_free(p);
}
END_TEST

START_TEST(values_of_short_deny)
{
	struct vr_policy *p =
		effective("{\"seccomp\": {\"deny\": [\"ptrace\"], \"profile\": \"none\"},"
			  " \"limits\": {\"nofile\": \"unlimited\", \"cpu\": \"unlimited\", \"timeout\": \"2h\"}}",
			  NULL);
	struct vr_policy_values v = { 0 };

	ck_assert_int_eq(vr_policy_get_values(p, &v, NULL), 0);
	/* A name alone is denied with EPERM. */
	ck_assert_uint_eq(v.n_deny, 1);
	ck_assert_str_eq(v.deny[0].name, "ptrace");
	ck_assert_int_eq(v.deny[0].action, VR_SC_ERRNO);
	ck_assert_int_eq(v.deny[0].errno_value, EPERM);
	ck_assert(!v.seccomp_enabled);
	ck_assert_uint_eq(v.nofile, VR_UNLIMITED);
	ck_assert_uint_eq(v.cpu_s, VR_UNLIMITED);
	ck_assert_uint_eq(v.timeout_ms, 7200000);
	vr_policy_values_done(&v);

	/* The validator stores every rule in full; the view still reads the short forms the
	 * format allows, with their documented defaults. */
	json_object_set_new(json_object_get(p->doc, "seccomp"), "deny",
			    json_pack("[s, {s:s}]", "bpf", "syscall", "mount"));
	ck_assert_int_eq(vr_policy_get_values(p, &v, NULL), 0);
	ck_assert_uint_eq(v.n_deny, 2);
	ck_assert_str_eq(v.deny[0].name, "bpf");
	ck_assert_int_eq(v.deny[0].action, VR_SC_ERRNO);
	ck_assert_int_eq(v.deny[0].errno_value, EPERM);
	ck_assert_str_eq(v.deny[1].name, "mount");
	ck_assert_int_eq(v.deny[1].action, VR_SC_ERRNO);
	ck_assert_int_eq(v.deny[1].errno_value, EPERM);
	vr_policy_values_done(&v);
	vr_policy_free(p);
}
END_TEST

START_TEST(values_need_an_effective_policy)
{
	struct vr_policy *layer = load("{\"network\": \"none\"}"), *p = effective("{}", NULL);
	struct vr_policy_values v = { .nofile = 42 };
	struct vr_error err = VR_ERROR_INIT;

	/* A layer is not a policy to run with: the first key it lacks is named. */
	ck_assert_int_eq(vr_policy_get_values(layer, &v, &err), -VR_ERR_BAD_POLICY);
	ck_assert_int_eq(err.code, VR_ERR_BAD_POLICY);
	ck_assert_str_eq(err.message, "filesystem.env: not set; not an effective policy");
	ck_assert_uint_eq(v.nofile, 42);

	json_object_del(json_object_get(p->doc, "limits"), "grace");
	vr_error_clear(&err);
	ck_assert_int_eq(vr_policy_get_values(p, &v, &err), -VR_ERR_BAD_POLICY);
	ck_assert_str_eq(err.message, "limits.grace: not set; not an effective policy");
	ck_assert_uint_eq(v.nofile, 42);
	ck_assert_ptr_null(v.binds);
	vr_policy_free(layer);
	vr_policy_free(p);
}
END_TEST

START_TEST(values_refuse_wrong_shapes)
{
	struct vr_policy *p = effective("{}", NULL);
	struct vr_policy_values v = { 0 };
	struct vr_error err = VR_ERROR_INIT;
	json_t *limits = json_object_get(p->doc, "limits");

	/* Only reachable past the validator, but a sandbox must not be built on a guess. */
	json_object_set_new(limits, "nofile", json_string("lots"));
	ck_assert_int_eq(vr_policy_get_values(p, &v, &err), -VR_ERR_BAD_POLICY);
	ck_assert_str_eq(err.message, "limits.nofile: expected an integer or \"unlimited\" in an effective policy");
	json_object_set_new(limits, "nofile", json_integer(10));

	json_object_set_new(limits, "cpu", json_string("1500ms"));
	ck_assert_int_eq(vr_policy_get_values(p, &v, &err), -VR_ERR_BAD_POLICY);
	ck_assert_str_eq(err.message, "limits.cpu: expected whole seconds in an effective policy");
	json_object_set_new(limits, "cpu", json_string("2s"));

	json_object_set_new(json_object_get(p->doc, "filesystem"), "env", json_string("rx"));
	ck_assert_int_eq(vr_policy_get_values(p, &v, &err), -VR_ERR_BAD_POLICY);
	ck_assert_str_eq(err.message, "filesystem.env: expected one of the schema's values in an effective policy");
	json_object_set_new(json_object_get(p->doc, "filesystem"), "env", json_string("ro"));

	json_object_set_new(json_object_get(p->doc, "filesystem"), "binds",
			    json_pack("[{s:s, s:s}]", "source", "/a", "mode", "rx"));
	ck_assert_int_eq(vr_policy_get_values(p, &v, &err), -VR_ERR_BAD_POLICY);
	ck_assert_str_eq(err.message, "filesystem.binds[0]: expected a bind object in an effective policy");
	json_object_set_new(json_object_get(p->doc, "filesystem"), "binds", json_array());

	ck_assert_int_eq(vr_policy_get_values(p, &v, &err), 0);
	ck_assert_uint_eq(v.nofile, 10);
	ck_assert_uint_eq(v.cpu_s, 2);
	vr_policy_values_done(&v);
	vr_policy_free(p);
}
END_TEST

START_TEST(values_done_resets)
{
	struct vr_policy *p = effective("{\"user\": 0}", NULL);
	struct vr_policy_values v = { 0 };

	vr_policy_values_done(&v); /* an empty view is fine */
	vr_policy_values_done(NULL);
	ck_assert_int_eq(vr_policy_get_values(p, &v, NULL), 0);
	ck_assert_str_eq(v.user, "0");
	vr_policy_values_done(&v);
	ck_assert_ptr_null(v.env_pass);
	ck_assert_ptr_null(v.user);
	vr_policy_values_done(&v); /* and twice */
	vr_policy_free(p);
}
END_TEST

START_TEST(round_trip)
{
	struct vr_policy *p =
		effective(profile_layer, env_layer, flags_layer, "{\"user\": 0, \"group\": \"root\"}", NULL);
	struct vr_policy *q;
	char *text = vr_policy_to_json(p), *again;

	/* The effective policy, written out and read back, is the same policy. */
	ck_assert_ptr_nonnull(text);
	q = load(text);
	ck_assert(vr_policy_equal(p, q));
	again = vr_policy_to_json(q);
	ck_assert_str_eq(again, text);
	/* And equal is not always true. */
	merge_text(q, "{\"limits\": {\"grace\": \"6s\"}}");
	ck_assert(!vr_policy_equal(p, q));
	free(text);
	free(again);
	vr_policy_free(p);
	vr_policy_free(q);
}
END_TEST

static const struct t_case cases[] = {
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
	T_CASE(defaults_document),
	T_CASE(defaults_under_layers),
	T_CASE(values_of_defaults),
	T_CASE(values_of_layers),
	T_CASE(values_of_short_deny),
	T_CASE(values_need_an_effective_policy),
	T_CASE(values_refuse_wrong_shapes),
	T_CASE(values_done_resets),
	T_CASE(round_trip),
};

int
main(void)
{
	return t_run_suite(T_SUITE("policy-merge", cases));
}
