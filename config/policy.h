/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * The policy model inside config/. A policy layer is a JSON object (jansson) that has been
 * validated against the schema and normalised (sizes to integer bytes, durations to strings
 * with a unit, capability names to "CAP_X" upper case, bind targets filled in). Every key
 * is optional in a layer; vr_policy_effective() fills what no layer set from the schema's
 * defaults. The typed view (struct vr_policy_values) is what the plan builder in runner/
 * reads; nothing outside config/ sees the JSON.
 */

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "venvrun/policy.h"

struct vr_policy {
	json_t *doc; /* a validated, normalised object */
};

/* --- the schema: one table drives validation, merging, defaults and documentation ------ */

enum vr_schema_type {
	VR_T_OBJECT, /* children in `fields` */
	VR_T_BOOL,
	VR_T_INT,	   /* non-negative integer, at most `max` */
	VR_T_STRING,	   /* free text (bounded length) */
	VR_T_ENUM,	   /* one of `values` */
	VR_T_SIZE,	   /* integer bytes or "512M"/"2G"/"unlimited"; stored as integer or "unlimited" */
	VR_T_DURATION,	   /* integer seconds or "500ms"/"30s"/"5m"/"1h"/"unlimited"; stored as "30s" etc. */
	VR_T_COUNT,	   /* integer or "unlimited" (rlimits that are counts: nofile, nproc) */
	VR_T_PATH,	   /* an absolute path, normalised */
	VR_T_PATH_LIST,	   /* list of absolute paths */
	VR_T_NAME_LIST,	   /* list of environment variable names; a trailing '*' is a prefix pattern */
	VR_T_STRING_MAP,   /* object of string values (environment.set) */
	VR_T_BIND_LIST,	   /* list of {source, target, mode, optional} */
	VR_T_SYSCALL_LIST, /* list of syscall names (libseccomp's table) or {syscall, action, errno} */
	VR_T_CAP_LIST,	   /* list of capability names (libcap's table) */
	VR_T_USER,	   /* a user name or uid known to the system */
	VR_T_GROUP,	   /* a group name or gid known to the system */
	VR_T_HOSTNAME,	   /* RFC 1123 host name, at most 64 bytes */
	VR_T_PROFILE,	   /* a profile name: [A-Za-z0-9_.-]+ */
};

enum vr_merge_rule {
	VR_MERGE_REPLACE, /* the upper layer's value wins (scalars) */
	VR_MERGE_OBJECT,  /* merge key by key, each by its own rule */
	VR_MERGE_APPEND,  /* lists: lower then upper, duplicates dropped (binds: by target, upper wins) */
	VR_MERGE_MAP,	  /* string maps: key by key, upper wins */
};

struct vr_schema {
	const char *key; /* NULL ends a table */
	enum vr_schema_type type;
	enum vr_merge_rule merge;
	/* VR_T_ENUM: the allowed words. VR_T_SIZE/DURATION/COUNT: the words allowed besides a
	 * number ("unlimited"), NULL for none. VR_T_SYSCALL_LIST: the allowed actions (NULL: a
	 * list of bare names). NULL-terminated. */
	const char *const *values;
	/* VR_T_INT and VR_T_COUNT: inclusive upper bound (0: none). VR_T_DURATION: the step a
	 * value must be a multiple of, in ms (1000 for whole seconds; 0: any). */
	long long max;
	/* The effective default as JSON text; NULL: none (absent). Objects have none: their
	 * default is built from their fields. */
	const char *default_json;
	const struct vr_schema *fields; /* VR_T_OBJECT */
	const char *doc;		/* one line for the man page and check-config --help */
};

/* The top-level schema of a policy (version, extends, description, filesystem, ...). */
extern const struct vr_schema vr_policy_schema[];

/* --- loading and validation ----------------------------------------------------------- */

/*
 * Validate `doc` against the schema and normalise it in place. `file` names the document in
 * errors: a semantic error is "FILE: filesystem.binds[2].mode: expected \"ro\" or \"rw\"";
 * an unknown key adds "; did you mean \"workdir\"?" when a known key is close. errno names
 * in seccomp.deny are stored as numbers.
 */
int vr_policy_validate(json_t *doc, const char *file, struct vr_error *err);

/* Parse text with jansson (JSON_REJECT_DUPLICATES; syntax errors as FILE:LINE:COL), then
 * validate. Takes the document only when it is wholly valid. */
int vr_policy_parse(const char *text, size_t len, const char *file, json_t **ret, struct vr_error *err);

/* Unit parsing, strict: no spaces, no signs, no fractions, overflow is an error. */
int vr_parse_size(const char *s, uint64_t *ret);	/* "512", "512K", "2M", "1G", "1T"; binary units */
int vr_parse_duration_ms(const char *s, uint64_t *ret); /* "500ms", "30s", "5m", "1h", "2d"; bare number = s */
/* Text for a duration that vr_parse_duration_ms() reads back to the same value. */
void vr_format_duration(uint64_t ms, char *buf, size_t size);

/* The known key closest to `key` among `candidates` (NULL-terminated), or NULL when none is
 * close enough (edit distance at most 2, or a third of the length). */
const char *vr_did_you_mean(const char *key, const char *const *candidates);

/* --- merging, profiles, manifests ------------------------------------------------------- */

int vr_policy_merge_json(json_t *base, json_t *over, const struct vr_schema *schema, struct vr_error *err);

/* The defaults of every key, as one full policy document. */
json_t *vr_policy_defaults(void);

/* Embedded profiles: name and JSON text (NUL-terminated), from config/profiles/NAME.json
 * at build time. `len` is 0 in the table: the lengths are symbols of another object file, not
 * constants here; profiles.c reads them itself. */
struct vr_embedded_profile {
	const char *name;
	const char *text;
	size_t len;
};
extern const struct vr_embedded_profile vr_embedded_profiles[];
extern const size_t vr_embedded_profiles_n;

/* The profile directories, lowest precedence first ($VENVRUN_PROFILE_PATH, colon-separated,
 * replaces both when set: used by the tests). */
int vr_profile_dirs(char ***ret);

/* An env manifest (ENV/venvrun.json): {"manifest": 1, "venvrun": "...", "interpreter": {...},
 * "seeded": [...], "policy": {...}}. Validates the whole file; *ret_policy (may be NULL)
 * gets the "policy" member as a validated layer ({} when absent). */
int vr_manifest_parse(const char *text, size_t len, const char *file, json_t **ret_policy, struct vr_error *err);
/* The manifest text create writes; `policy` may be NULL (an empty layer). */
char *vr_manifest_format(const char *implementation, const char *version, const char *executable, json_t *policy);

/* --- the typed view, for the plan builder ---------------------------------------------- */

enum vr_mode { VR_MODE_NONE, VR_MODE_RO, VR_MODE_RW };
enum vr_network { VR_NET_NONE, VR_NET_LOOPBACK, VR_NET_HOST };
enum vr_seccomp_action { VR_SC_ERRNO, VR_SC_KILL, VR_SC_LOG, VR_SC_ENOSYS };

#define VR_UNLIMITED UINT64_MAX

struct vr_policy_bind {
	const char *source, *target;
	bool rw, optional;
};

struct vr_policy_syscall {
	const char *name;
	enum vr_seccomp_action action;
	int errno_value; /* VR_SC_ERRNO */
};

struct vr_policy_values {
	enum vr_mode env, workdir;
	const struct vr_policy_bind *binds;
	size_t n_binds;
	const char *const *tmpfs, *const *hide; /* NULL-terminated */
	enum vr_network network;
	bool env_clear;
	const char *const *env_pass; /* NULL-terminated */
	const char *const *env_set;  /* "K=V", NULL-terminated */
	bool seccomp_enabled, seccomp_log;
	const struct vr_policy_syscall *deny, *allow;
	size_t n_deny, n_allow;
	const char *const *caps_keep;			       /* "CAP_X", NULL-terminated */
	uint64_t nofile, nproc, as, cpu_s, fsize, core, stack; /* VR_UNLIMITED or a value */
	uint64_t memory, pids;				       /* cgroup v2; VR_UNLIMITED or a value */
	uint64_t timeout_ms, grace_ms;			       /* timeout 0 ("0s" or "unlimited"): no timeout */
	const char *user, *group, *hostname;		       /* NULL: unset; user/group are names or numbers */
};

/* Fill the typed view of an effective policy. Most strings point into the policy; the
 * arrays, "K=V" strings and user/group texts are allocated, and freed by
 * vr_policy_values_done(). */
int vr_policy_get_values(const struct vr_policy *p, struct vr_policy_values *v, struct vr_error *err);
void vr_policy_values_done(struct vr_policy_values *v);
