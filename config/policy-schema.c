/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <stddef.h>

#include "policy.h"

/*
 * The policy format, version 1, as one table (venvrun.json(5) and /tmp/policy-spec.md say
 * the same in prose). Validation, merging, the defaults and the documentation all read it,
 * so a key added here is a key added everywhere.
 *
 * How the generic fields are used beyond what config/policy.h says of them:
 *  - objects have no default_json: their default is made of their fields' defaults;
 *  - VR_T_SIZE, VR_T_DURATION and VR_T_COUNT: `values` lists the words accepted besides a
 *    number ("unlimited"); NULL when only numbers are (limits.grace: a grace period that
 *    never ends would mean a timed-out program is never killed);
 *  - VR_T_COUNT: `max` is the upper bound, as for VR_T_INT;
 *  - VR_T_DURATION: `max` is the resolution in milliseconds the value must be a multiple
 *    of (0: any); RLIMIT_CPU counts whole seconds, so limits.cpu has 1000;
 *  - VR_T_SYSCALL_LIST: `values` are the actions an entry may name ({"syscall", "action",
 *    "errno"} objects); NULL means a list of names only (seccomp.allow).
 */

static const char *const rw_ro[] = { "ro", "rw", NULL };
static const char *const workdir_modes[] = { "rw", "ro", "none", NULL };
static const char *const networks[] = { "none", "loopback", "host", NULL };
static const char *const seccomp_profiles[] = { "default", "none", NULL };
static const char *const seccomp_actions[] = { "errno", "kill", "log", "enosys", NULL };
static const char *const unlimited[] = { "unlimited", NULL };

#define COUNT_MAX 2147483647LL

static const struct vr_schema filesystem_schema[] = {
	{ "env", VR_T_ENUM, VR_MERGE_REPLACE, rw_ro, 0, "\"ro\"", NULL, "the env itself: read-only or read-write" },
	{ "workdir", VR_T_ENUM, VR_MERGE_REPLACE, workdir_modes, 0, "\"rw\"", NULL,
	  "the working directory, at its own path: read-write, read-only or not mounted" },
	{ "binds", VR_T_BIND_LIST, VR_MERGE_APPEND, NULL, 0, "[]", NULL,
	  "more directories: {\"source\", \"target\", \"mode\": \"ro\"|\"rw\", \"optional\"}" },
	{ "tmpfs", VR_T_PATH_LIST, VR_MERGE_APPEND, NULL, 0, "[]", NULL,
	  "empty, private, writable directories at these paths" },
	{ "hide", VR_T_PATH_LIST, VR_MERGE_APPEND, NULL, 0, "[]", NULL, "paths made empty and unreadable" },
	{ NULL, 0, 0, NULL, 0, NULL, NULL, NULL },
};

static const struct vr_schema environment_schema[] = {
	{ "clear", VR_T_BOOL, VR_MERGE_REPLACE, NULL, 0, "true", NULL, "start from an empty environment" },
	{ "pass", VR_T_NAME_LIST, VR_MERGE_APPEND, NULL, 0,
	  "[\"TERM\", \"COLORTERM\", \"NO_COLOR\", \"LANG\", \"LANGUAGE\", \"LC_*\", \"TZ\"]", NULL,
	  "variables passed through from venvrun's environment; \"LC_*\" is a prefix" },
	{ "set", VR_T_STRING_MAP, VR_MERGE_MAP, NULL, 0, "{}", NULL, "variables set to these values" },
	{ NULL, 0, 0, NULL, 0, NULL, NULL, NULL },
};

static const struct vr_schema seccomp_schema[] = {
	{ "profile", VR_T_ENUM, VR_MERGE_REPLACE, seccomp_profiles, 0, "\"default\"", NULL,
	  "the base system call filter" },
	{ "deny", VR_T_SYSCALL_LIST, VR_MERGE_APPEND, seccomp_actions, 0, "[]", NULL,
	  "system calls refused: a name, or {\"syscall\", \"action\", \"errno\"}" },
	{ "allow", VR_T_SYSCALL_LIST, VR_MERGE_APPEND, NULL, 0, "[]", NULL,
	  "system calls the base filter would refuse that are allowed" },
	{ "log", VR_T_BOOL, VR_MERGE_REPLACE, NULL, 0, "false", NULL,
	  "log what would be refused instead of refusing it (audit mode)" },
	{ NULL, 0, 0, NULL, 0, NULL, NULL, NULL },
};

static const struct vr_schema capabilities_schema[] = {
	{ "keep", VR_T_CAP_LIST, VR_MERGE_APPEND, NULL, 0, "[]", NULL,
	  "capabilities kept, as \"CAP_NET_RAW\"; all others are dropped" },
	{ NULL, 0, 0, NULL, 0, NULL, NULL, NULL },
};

static const struct vr_schema limits_schema[] = {
	{ "nofile", VR_T_COUNT, VR_MERGE_REPLACE, unlimited, COUNT_MAX, "1024", NULL, "open files (RLIMIT_NOFILE)" },
	{ "nproc", VR_T_COUNT, VR_MERGE_REPLACE, unlimited, COUNT_MAX, "\"unlimited\"", NULL,
	  "processes of the user (RLIMIT_NPROC)" },
	{ "as", VR_T_SIZE, VR_MERGE_REPLACE, unlimited, 0, "\"unlimited\"", NULL, "address space (RLIMIT_AS)" },
	{ "cpu", VR_T_DURATION, VR_MERGE_REPLACE, unlimited, 1000, "\"unlimited\"", NULL,
	  "CPU time in whole seconds (RLIMIT_CPU)" },
	{ "fsize", VR_T_SIZE, VR_MERGE_REPLACE, unlimited, 0, "\"unlimited\"", NULL,
	  "largest file written (RLIMIT_FSIZE)" },
	{ "core", VR_T_SIZE, VR_MERGE_REPLACE, unlimited, 0, "0", NULL, "core dump size (RLIMIT_CORE)" },
	{ "stack", VR_T_SIZE, VR_MERGE_REPLACE, unlimited, 0, "8388608", NULL, "stack size (RLIMIT_STACK)" },
	{ "memory", VR_T_SIZE, VR_MERGE_REPLACE, unlimited, 0, "\"unlimited\"", NULL,
	  "memory of the whole sandbox (cgroup v2 memory.max; needs a delegated cgroup)" },
	{ "pids", VR_T_COUNT, VR_MERGE_REPLACE, unlimited, COUNT_MAX, "\"unlimited\"", NULL,
	  "processes and threads of the whole sandbox (cgroup v2 pids.max; needs a delegated cgroup)" },
	{ "timeout", VR_T_DURATION, VR_MERGE_REPLACE, unlimited, 0, "\"unlimited\"", NULL,
	  "wall-clock time before the program is sent SIGTERM" },
	{ "grace", VR_T_DURATION, VR_MERGE_REPLACE, NULL, 0, "\"5s\"", NULL,
	  "time from SIGTERM to SIGKILL after a timeout" },
	{ NULL, 0, 0, NULL, 0, NULL, NULL, NULL },
};

const struct vr_schema vr_policy_schema[] = {
	{ "version", VR_T_INT, VR_MERGE_REPLACE, NULL, VR_POLICY_VERSION, "1", NULL, "the format version: 1" },
	{ "extends", VR_T_PROFILE, VR_MERGE_REPLACE, NULL, 0, NULL, NULL,
	  "the profile this file is layered on (not kept in the effective policy)" },
	{ "description", VR_T_STRING, VR_MERGE_REPLACE, NULL, 0, NULL, NULL, "one line, shown by venvrun profiles" },
	{ "filesystem", VR_T_OBJECT, VR_MERGE_OBJECT, NULL, 0, NULL, filesystem_schema,
	  "what the program sees of the filesystem" },
	{ "network", VR_T_ENUM, VR_MERGE_REPLACE, networks, 0, "\"host\"", NULL,
	  "no network, only a private loopback, or the host's network" },
	{ "environment", VR_T_OBJECT, VR_MERGE_OBJECT, NULL, 0, NULL, environment_schema,
	  "the program's environment variables" },
	{ "seccomp", VR_T_OBJECT, VR_MERGE_OBJECT, NULL, 0, NULL, seccomp_schema, "the system call filter" },
	{ "capabilities", VR_T_OBJECT, VR_MERGE_OBJECT, NULL, 0, NULL, capabilities_schema,
	  "the capabilities the program keeps" },
	{ "limits", VR_T_OBJECT, VR_MERGE_OBJECT, NULL, 0, NULL, limits_schema,
	  "resource limits and the wall-clock timeout" },
	{ "user", VR_T_USER, VR_MERGE_REPLACE, NULL, 0, NULL, NULL,
	  "the user to run as, by name or uid (only when venvrun runs as root)" },
	{ "group", VR_T_GROUP, VR_MERGE_REPLACE, NULL, 0, NULL, NULL,
	  "the group to run as, by name or gid (only when venvrun runs as root)" },
	{ "hostname", VR_T_HOSTNAME, VR_MERGE_REPLACE, NULL, 0, NULL, NULL,
	  "the host name inside the sandbox (RFC 1123, at most 64 bytes)" },
	{ NULL, 0, 0, NULL, 0, NULL, NULL, NULL },
};
