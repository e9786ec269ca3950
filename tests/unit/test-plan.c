/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * sandbox/plan.c and plan-describe.c: the plan as data. Building it, the refusals of the
 * setters and of vr_plan_validate(), and the exact text of vr_plan_describe() and
 * vr_plan_to_json() for small plans.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "venvrun/plan.h"

#include "macro.h"
#include "testlib.h"

static struct vr_plan *
new_plan(void)
{
	struct vr_error e = VR_ERROR_INIT;
	struct vr_plan *p = NULL;

	ck_assert_int_eq(vr_plan_new(&p, &e), 0);
	ck_assert_ptr_nonnull(p);
	return p;
}

static void
add(struct vr_plan *p, enum vr_mount_type type, const char *source, const char *target, unsigned flags)
{
	struct vr_error e = VR_ERROR_INIT;
	int r = vr_plan_add_mount(p, type, source, target, flags, &e);

	ck_assert_msg(r == 0, "adding %s: %s", target, e.message);
}

static void
set_argv(struct vr_plan *p, char *const argv[])
{
	struct vr_error e = VR_ERROR_INIT;

	ck_assert_int_eq(vr_plan_set_argv(p, argv, &e), 0);
}

/* The plan every exact-text test prints. */
static struct vr_plan *
small_plan(void)
{
	struct vr_error e = VR_ERROR_INIT;
	struct vr_plan *p = new_plan();
	char *argv[] = { "python", "-c", "print('hi')", NULL };
	char *env[] = { "PATH=/env/bin:/usr/bin", "PS1=(env) $ ", NULL };

	add(p, VR_MNT_BIND, "/usr", "/usr", VR_MNT_F_RO);
	add(p, VR_MNT_SYMLINK, "usr/bin", "/bin", 0);
	add(p, VR_MNT_BIND, "/etc/resolv.conf", "/etc/resolv.conf", VR_MNT_F_RO | VR_MNT_F_OPTIONAL);
	add(p, VR_MNT_BIND, "/home/u/my env", "/home/u/my env", 0);
	add(p, VR_MNT_TMPFS, NULL, "/tmp", VR_MNT_F_NOEXEC);
	add(p, VR_MNT_PROC, NULL, "/proc", 0);
	add(p, VR_MNT_DEV, NULL, "/dev", 0);
	add(p, VR_MNT_DIR, NULL, "/run", VR_MNT_F_RO);
	add(p, VR_MNT_HIDE, NULL, "/usr/lib/python3/dist-packages", VR_MNT_F_OPTIONAL);
	set_argv(p, argv);
	ck_assert_int_eq(vr_plan_set_env(p, env, &e), 0);
	ck_assert_int_eq(vr_plan_set_cwd(p, "/home/u/my env", &e), 0);
	ck_assert_int_eq(vr_plan_set_hostname(p, "sandbox", &e), 0);
	vr_plan_set_namespaces(p, VR_NS_MOUNT | VR_NS_PID | VR_NS_IPC | VR_NS_UTS | VR_NS_NET);
	vr_plan_set_loopback(p, true);
	return p;
}

/* What describe prints of a new plan's hardening, after the command. */
#define DEFAULT_HARDENING      \
	"seccomp: none\n"      \
	"capabilities: none\n" \
	"no_new_privs: yes\n"  \
	"ids: the caller's\n"  \
	"rlimits: unchanged\n" \
	"timeout: none\n"      \
	"descriptors: 0 1 2\n" \
	"session: auto\n"

START_TEST(new_plan_defaults)
{
	struct vr_error e = VR_ERROR_INIT;
	struct vr_plan *p = new_plan();
	char *text;

	ck_assert_uint_eq(vr_plan_get_namespaces(p), VR_NS_MOUNT | VR_NS_PID | VR_NS_IPC | VR_NS_UTS);
	/* No command yet. */
	ck_assert_int_eq(vr_plan_validate(p, &e), -VR_ERR_USAGE);
	ck_assert_int_eq(e.code, VR_ERR_USAGE);
	text = vr_plan_describe(p);
	ck_assert_str_eq(text, "namespaces: mount pid ipc uts\n"
			       "cwd: /\n"
			       "environment: (empty)\n"
			       "command: (none)\n" DEFAULT_HARDENING);
	free(text);
	ck_assert_int_eq(vr_plan_new(NULL, &e), -EINVAL);
	vr_plan_free(p);
	vr_plan_free(NULL);
}
END_TEST

START_TEST(paths_are_normalised)
{
	struct vr_plan *p = new_plan();
	char *argv[] = { "/bin/true", NULL };
	char *text;

	add(p, VR_MNT_BIND, "/usr//lib/./x/../", "/a/b/../c//", VR_MNT_F_RO);
	set_argv(p, argv);
	text = vr_plan_describe(p);
	ck_assert_str_eq(text, "ro-bind /usr/lib -> /a/c\n"
			       "namespaces: mount pid ipc uts\n"
			       "cwd: /\n"
			       "environment: (empty)\n"
			       "command: /bin/true\n" DEFAULT_HARDENING);
	free(text);
	vr_plan_free(p);
}
END_TEST

/* A refused call returns the code, fills the record, and leaves the plan as it was. */
static void
assert_refused(int r, int want, const struct vr_error *e, const char *where)
{
	ck_assert_int_eq(r, want);
	ck_assert_int_eq(e->code, -want);
	ck_assert_str_ne(e->message, "");
	if (where)
		ck_assert_str_eq(e->where, where);
}

START_TEST(add_mount_refusals)
{
	struct vr_error e = VR_ERROR_INIT;
	struct vr_plan *p = new_plan();
	char *argv[] = { "/bin/true", NULL };
	char *text;

	assert_refused(vr_plan_add_mount(p, VR_MNT_TMPFS, NULL, "tmp", 0, &e), -VR_ERR_BAD_PATH, &e, "tmp");
	assert_refused(vr_plan_add_mount(p, VR_MNT_TMPFS, NULL, "", 0, &e), -VR_ERR_BAD_PATH, &e, "");
	assert_refused(vr_plan_add_mount(p, VR_MNT_TMPFS, NULL, NULL, 0, &e), -VR_ERR_BAD_PATH, &e, "");
	assert_refused(vr_plan_add_mount(p, VR_MNT_TMPFS, NULL, "/", 0, &e), -VR_ERR_BAD_PATH, &e, "/");
	assert_refused(vr_plan_add_mount(p, VR_MNT_TMPFS, NULL, "/a/..", 0, &e), -VR_ERR_BAD_PATH, &e, "/");
	assert_refused(vr_plan_add_mount(p, VR_MNT_TMPFS, NULL, "/a\nb", 0, &e), -VR_ERR_BAD_PATH, &e, "/a\nb");
	assert_refused(vr_plan_add_mount(p, VR_MNT_BIND, "usr", "/usr", 0, &e), -VR_ERR_BAD_PATH, &e, "usr");
	assert_refused(vr_plan_add_mount(p, VR_MNT_BIND, NULL, "/usr", 0, &e), -VR_ERR_BAD_PATH, &e, "");
	assert_refused(vr_plan_add_mount(p, VR_MNT_SYMLINK, "", "/bin", 0, &e), -VR_ERR_BAD_PATH, &e, "/bin");
	assert_refused(vr_plan_add_mount(p, VR_MNT_TMPFS, "/src", "/tmp", 0, &e), -EINVAL, &e, "/tmp");
	assert_refused(vr_plan_add_mount(p, VR_MNT_TMPFS, NULL, "/tmp", 1u << 7, &e), -EINVAL, &e, NULL);
	assert_refused(vr_plan_add_mount(p, (enum vr_mount_type)99, NULL, "/tmp", 0, &e), -EINVAL, &e, NULL);
	assert_refused(vr_plan_add_mount(NULL, VR_MNT_TMPFS, NULL, "/tmp", 0, &e), -EINVAL, &e, NULL);

	/* Nothing of that reached the plan; a good call leaves the record alone. */
	vr_error_clear(&e);
	add(p, VR_MNT_TMPFS, NULL, "/tmp", 0);
	ck_assert_int_eq(vr_plan_set_argv(p, argv, &e), 0);
	ck_assert_int_eq(vr_plan_validate(p, &e), 0);
	ck_assert_int_eq(e.code, 0);
	text = vr_plan_describe(p);
	ck_assert_str_eq(text, "tmpfs /tmp\nnamespaces: mount pid ipc uts\ncwd: /\nenvironment: (empty)\ncommand: "
			       "/bin/true\n" DEFAULT_HARDENING);
	free(text);
	vr_plan_free(p);
}
END_TEST

START_TEST(mounts_are_bounded)
{
	struct vr_error e = VR_ERROR_INIT;
	struct vr_plan *p = new_plan();
	char target[64];

	for (int i = 0; i < 1024; i++) {
		snprintf(target, sizeof target, "/d%d", i);
		add(p, VR_MNT_DIR, NULL, target, 0);
	}
	assert_refused(vr_plan_add_mount(p, VR_MNT_DIR, NULL, "/one-too-many", 0, &e), -VR_ERR_UNSAFE, &e,
		       "/one-too-many");
	vr_plan_free(p);
}
END_TEST

START_TEST(nothing_inside_a_hidden_path)
{
	struct vr_error e = VR_ERROR_INIT;
	struct vr_plan *p = new_plan();
	char *argv[] = { "/bin/true", NULL };

	set_argv(p, argv);
	/* Before the HIDE: fine, it is hidden with the rest. */
	add(p, VR_MNT_BIND, "/usr", "/usr", VR_MNT_F_RO);
	add(p, VR_MNT_TMPFS, NULL, "/usr/lib/python3/dist-packages/early", 0);
	add(p, VR_MNT_HIDE, NULL, "/usr/lib/python3/dist-packages", 0);
	/* A sibling that shares the prefix but not the component is not inside. */
	add(p, VR_MNT_TMPFS, NULL, "/usr/lib/python3/dist-packages2", 0);
	ck_assert_int_eq(vr_plan_validate(p, &e), 0);

	add(p, VR_MNT_BIND, "/opt/pkgs", "/usr/lib/python3/dist-packages/numpy", VR_MNT_F_RO);
	assert_refused(vr_plan_validate(p, &e), -VR_ERR_UNSAFE, &e, "/usr/lib/python3/dist-packages/numpy");
	ck_assert_str_eq(e.message,
			 "this bind mount is inside '/usr/lib/python3/dist-packages', which an earlier mount hides");
	vr_plan_free(p);

	/* The hidden path itself cannot be mounted over again either. */
	p = new_plan();
	set_argv(p, argv);
	add(p, VR_MNT_HIDE, NULL, "/home", 0);
	add(p, VR_MNT_TMPFS, NULL, "/home", 0);
	assert_refused(vr_plan_validate(p, &e), -VR_ERR_UNSAFE, &e, "/home");
	vr_plan_free(p);
}
END_TEST

START_TEST(namespaces_the_plan_needs)
{
	struct vr_error e = VR_ERROR_INIT;
	struct vr_plan *p = new_plan();
	char *argv[] = { "/bin/true", NULL };

	set_argv(p, argv);
	vr_plan_set_namespaces(p, VR_NS_MOUNT | VR_NS_IPC | VR_NS_UTS);
	assert_refused(vr_plan_validate(p, &e), -VR_ERR_UNSAFE, &e, "");
	vr_plan_set_namespaces(p, VR_NS_PID);
	assert_refused(vr_plan_validate(p, &e), -VR_ERR_UNSAFE, &e, "");

	/* A hostname without a UTS namespace, a loopback without a network namespace,
	 * would change the host's. */
	vr_plan_set_namespaces(p, VR_NS_MOUNT | VR_NS_PID);
	ck_assert_int_eq(vr_plan_validate(p, &e), 0);
	ck_assert_int_eq(vr_plan_set_hostname(p, "box", &e), 0);
	assert_refused(vr_plan_validate(p, &e), -VR_ERR_UNSAFE, &e, "");
	ck_assert_str_eq(e.message, "setting the hostname needs a UTS namespace");
	vr_plan_set_namespaces(p, VR_NS_MOUNT | VR_NS_PID | VR_NS_UTS);
	vr_plan_set_loopback(p, true);
	assert_refused(vr_plan_validate(p, &e), -VR_ERR_UNSAFE, &e, "");
	ck_assert_str_eq(e.message, "bringing up the loopback needs a network namespace");
	vr_plan_set_namespaces(p, VR_NS_MOUNT | VR_NS_PID | VR_NS_UTS | VR_NS_NET);
	ck_assert_int_eq(vr_plan_validate(p, &e), 0);

	/* Unknown bits are dropped. */
	vr_plan_set_namespaces(p, 0xffffffffu);
	ck_assert_uint_eq(vr_plan_get_namespaces(p), 0x7f);
	vr_plan_free(p);
}
END_TEST

START_TEST(setter_refusals)
{
	struct vr_error e = VR_ERROR_INIT;
	struct vr_plan *p = new_plan();
	char *empty_argv[] = { NULL };
	char *blank_argv[] = { "", NULL };
	char *bad_env[] = { "PATH=/usr/bin", "NOVALUE", NULL };
	char *bad_env2[] = { "=x", NULL };
	char long_name[80];

	assert_refused(vr_plan_set_argv(p, empty_argv, &e), -VR_ERR_USAGE, &e, NULL);
	assert_refused(vr_plan_set_argv(p, blank_argv, &e), -VR_ERR_USAGE, &e, NULL);
	assert_refused(vr_plan_set_argv(p, NULL, &e), -EINVAL, &e, NULL);
	assert_refused(vr_plan_set_env(p, bad_env, &e), -EINVAL, &e, "NOVALUE");
	assert_refused(vr_plan_set_env(p, bad_env2, &e), -EINVAL, &e, "=x");
	assert_refused(vr_plan_set_cwd(p, "relative/dir", &e), -VR_ERR_BAD_PATH, &e, "relative/dir");
	memset(long_name, 'h', sizeof long_name - 1);
	long_name[sizeof long_name - 1] = 0;
	assert_refused(vr_plan_set_hostname(p, long_name, &e), -EINVAL, &e, NULL);
	assert_refused(vr_plan_set_hostname(p, "has space", &e), -EINVAL, &e, "has space");
	assert_refused(vr_plan_set_hostname(p, "", &e), -EINVAL, &e, NULL);
	vr_plan_free(p);
}
END_TEST

START_TEST(describe_exact)
{
	struct vr_error e = VR_ERROR_INIT;
	struct vr_plan *p = small_plan();
	char *text = vr_plan_describe(p);

	ck_assert_int_eq(vr_plan_validate(p, &e), 0);
	ck_assert_str_eq(text, "ro-bind /usr -> /usr\n"
			       "symlink /bin -> usr/bin\n"
			       "ro-bind /etc/resolv.conf -> /etc/resolv.conf (optional)\n"
			       "bind '/home/u/my env' -> '/home/u/my env'\n"
			       "tmpfs /tmp (noexec)\n"
			       "proc /proc\n"
			       "dev /dev\n"
			       "dir /run (ro)\n"
			       "hide /usr/lib/python3/dist-packages (optional)\n"
			       "namespaces: mount pid ipc uts net\n"
			       "loopback: up\n"
			       "cwd: '/home/u/my env'\n"
			       "hostname: sandbox\n"
			       "environment:\n"
			       "  PATH=/env/bin:/usr/bin\n"
			       "  PS1='(env) $ '\n"
			       "command: python -c 'print('\\''hi'\\'')'\n" DEFAULT_HARDENING);
	free(text);
	vr_plan_free(p);
}
END_TEST

START_TEST(json_exact)
{
	struct vr_plan *p = new_plan();
	char *argv[] = { "/bin/true", NULL };
	char *text;

	add(p, VR_MNT_BIND, "/usr", "/usr", VR_MNT_F_RO);
	add(p, VR_MNT_HIDE, NULL, "/usr/lib/python3/dist-packages", VR_MNT_F_OPTIONAL | VR_MNT_F_NOEXEC);
	set_argv(p, argv);
	text = vr_plan_to_json(p);
	ck_assert_str_eq(text, "{\n"
			       "  \"mounts\": [\n"
			       "    {\n"
			       "      \"type\": \"bind\",\n"
			       "      \"source\": \"/usr\",\n"
			       "      \"target\": \"/usr\",\n"
			       "      \"read_only\": true,\n"
			       "      \"noexec\": false,\n"
			       "      \"optional\": false\n"
			       "    },\n"
			       "    {\n"
			       "      \"type\": \"hide\",\n"
			       "      \"target\": \"/usr/lib/python3/dist-packages\",\n"
			       "      \"read_only\": false,\n"
			       "      \"noexec\": true,\n"
			       "      \"optional\": true\n"
			       "    }\n"
			       "  ],\n"
			       "  \"namespaces\": [\n"
			       "    \"mount\",\n"
			       "    \"pid\",\n"
			       "    \"ipc\",\n"
			       "    \"uts\"\n"
			       "  ],\n"
			       "  \"loopback\": false,\n"
			       "  \"cwd\": \"/\",\n"
			       "  \"hostname\": null,\n"
			       "  \"environment\": [],\n"
			       "  \"command\": [\n"
			       "    \"/bin/true\"\n"
			       "  ],\n"
			       "  \"hardening\": {\n"
			       "    \"seccomp\": null,\n"
			       "    \"capabilities\": [],\n"
			       "    \"no_new_privs\": true,\n"
			       "    \"uid\": null,\n"
			       "    \"gid\": null,\n"
			       "    \"rlimits\": {},\n"
			       "    \"timeout_ms\": null,\n"
			       "    \"grace_ms\": null,\n"
			       "    \"memory_max\": null,\n"
			       "    \"pids_max\": null,\n"
			       "    \"pass_fds\": [],\n"
			       "    \"listen_pid\": false,\n"
			       "    \"session\": \"auto\"\n"
			       "  }\n"
			       "}");
	free(text);
	vr_plan_free(p);
}
END_TEST

START_TEST(json_of_the_small_plan)
{
	struct vr_plan *p = small_plan();
	char *text = vr_plan_to_json(p);

	ck_assert_ptr_nonnull(text);
	ck_assert_ptr_nonnull(strstr(text, "\"source\": \"/home/u/my env\""));
	ck_assert_ptr_nonnull(strstr(text, "\"hostname\": \"sandbox\""));
	ck_assert_ptr_nonnull(strstr(text, "\"loopback\": true"));
	ck_assert_ptr_nonnull(
		strstr(text, "\"environment\": [\n    \"PATH=/env/bin:/usr/bin\",\n    \"PS1=(env) $ \"\n  ]"));
	ck_assert_ptr_nonnull(strstr(text, "\"command\": [\n    \"python\",\n    \"-c\",\n    \"print('hi')\"\n  ]"));
	free(text);
	vr_plan_free(p);
}
END_TEST

START_TEST(json_refuses_what_is_not_utf8)
{
	struct vr_plan *p = new_plan();
	char *argv[] = { "/bin/true", NULL };

	add(p, VR_MNT_BIND, "/srv/caf\xe9", "/data", 0);
	set_argv(p, argv);
	errno = 0;
	ck_assert_ptr_null(vr_plan_to_json(p));
	ck_assert_int_eq(errno, EILSEQ);
	vr_plan_free(p);
}
END_TEST

START_TEST(setters_replace_and_copy)
{
	struct vr_error e = VR_ERROR_INIT;
	struct vr_plan *p = new_plan();
	char arg0[] = "/bin/first";
	char *argv[] = { arg0, NULL };
	char *argv2[] = { "/bin/second", "x", NULL };
	char *text;

	set_argv(p, argv);
	/* Copied: the caller's strings may change afterwards. */
	arg0[5] = 'X';
	text = vr_plan_describe(p);
	ck_assert_ptr_nonnull(strstr(text, "command: /bin/first\n"));
	free(text);
	set_argv(p, argv2);
	ck_assert_int_eq(vr_plan_set_cwd(p, "/w/./x/..", &e), 0);
	text = vr_plan_describe(p);
	ck_assert_str_eq(text, "namespaces: mount pid ipc uts\ncwd: /w\nenvironment: (empty)\ncommand: /bin/second "
			       "x\n" DEFAULT_HARDENING);
	free(text);
	vr_plan_free(p);
}
END_TEST

static const struct t_case cases[] = {
	T_CASE(new_plan_defaults),
	T_CASE(paths_are_normalised),
	T_CASE(add_mount_refusals),
	T_CASE(mounts_are_bounded),
	T_CASE(nothing_inside_a_hidden_path),
	T_CASE(namespaces_the_plan_needs),
	T_CASE(setter_refusals),
	T_CASE(describe_exact),
	T_CASE(json_exact),
	T_CASE(json_of_the_small_plan),
	T_CASE(json_refuses_what_is_not_utf8),
	T_CASE(setters_replace_and_copy),
};

int
main(void)
{
	return t_run_suite(T_SUITE("plan", cases));
}
