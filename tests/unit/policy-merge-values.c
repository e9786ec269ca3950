/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Policy-merge cases about the defaults under the layers (vr_policy_defaults) and the
 * typed view the plan builder reads (struct vr_policy_values), and a round trip of the
 * effective policy through JSON.
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>

#include <jansson.h>

#include "venvrun/policy.h"

#include "policy.h"
#include "testlib.h"

#include "policy-merge-helpers.h"

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
	p = load_layer(dtext);
	va_start(ap, first);
	for (text = first; text; text = va_arg(ap, const char *))
		merge_layer_text(p, text);
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
	struct vr_policy *e = load_layer(defaults_text);
	char *expected;

	merge_layer_text(e,
			 "{\"network\": \"none\","
			 " \"environment\": {\"pass\": [\"TERM\", \"COLORTERM\", \"NO_COLOR\", \"LANG\", \"LANGUAGE\","
			 " \"LC_*\", \"TZ\", \"HOME\"]},"
			 " \"limits\": {\"nofile\": 64}}");
	expected = canonical_json(e);
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
	struct vr_policy *layer = load_layer("{\"network\": \"none\"}"), *p = effective("{}", NULL);
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
	q = load_layer(text);
	ck_assert(vr_policy_equal(p, q));
	again = vr_policy_to_json(q);
	ck_assert_str_eq(again, text);
	/* And equal is not always true. */
	merge_layer_text(q, "{\"limits\": {\"grace\": \"6s\"}}");
	ck_assert(!vr_policy_equal(p, q));
	free(text);
	free(again);
	vr_policy_free(p);
	vr_policy_free(q);
}
END_TEST

const struct t_case policy_merge_value_cases[] = {
	T_CASE(defaults_document),
	T_CASE(defaults_under_layers),
	T_CASE(values_of_defaults),
	T_CASE(values_of_layers),
	T_CASE(values_of_short_deny),
	T_CASE(values_need_an_effective_policy),
	T_CASE(values_refuse_wrong_shapes),
	T_CASE(values_done_resets),
	T_CASE(round_trip),
	{ NULL, NULL },
};
