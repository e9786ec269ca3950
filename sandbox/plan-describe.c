/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The plan for people and for programs: vr_plan_describe() prints one mount per line in
 * the order they happen, then the namespaces, working directory, hostname, environment and
 * command; vr_plan_to_json() says the same as JSON. Both print what vr_plan_run() would do,
 * so that a run can be audited before it happens.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>

#include "venvrun/plan.h"

#include "buf.h"
#include "macro.h"

#include "plan-internal.h"

static const struct {
	unsigned flag;
	const char *name;
} namespace_names[] = {
	{ VR_NS_USER, "user" }, { VR_NS_MOUNT, "mount" }, { VR_NS_PID, "pid" },	      { VR_NS_IPC, "ipc" },
	{ VR_NS_UTS, "uts" },	{ VR_NS_NET, "net" },	  { VR_NS_CGROUP, "cgroup" },
};

/* A word as a POSIX shell would read it back: bare when it holds only characters no shell
 * treats specially, else in single quotes. Paths and arguments stay one word each. */
static void
put_word(struct vr_buf *b, const char *s)
{
	static const char safe[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789@%+=:,./_-";

	if (*s && strspn(s, safe) == strlen(s)) {
		vr_buf_puts(b, s);
		return;
	}
	vr_buf_putc(b, '\'');
	for (; *s; s++) {
		if (*s == '\'')
			vr_buf_puts(b, "'\\''");
		else
			vr_buf_putc(b, *s);
	}
	vr_buf_putc(b, '\'');
}

static void
put_flags(struct vr_buf *b, const struct vr_plan_mount *m)
{
	const char *names[3];
	size_t n = 0;

	/* For a bind, read-only is in the verb ("ro-bind"). */
	if ((m->flags & VR_MNT_F_RO) && m->type != VR_MNT_BIND)
		names[n++] = "ro";
	if (m->flags & VR_MNT_F_NOEXEC)
		names[n++] = "noexec";
	if (m->flags & VR_MNT_F_OPTIONAL)
		names[n++] = "optional";
	for (size_t i = 0; i < n; i++)
		vr_buf_printf(b, "%s%s", i == 0 ? " (" : ", ", names[i]);
	if (n > 0)
		vr_buf_putc(b, ')');
}

static void
put_mount(struct vr_buf *b, const struct vr_plan_mount *m)
{
	switch (m->type) {
	case VR_MNT_BIND:
		vr_buf_puts(b, (m->flags & VR_MNT_F_RO) ? "ro-bind " : "bind ");
		put_word(b, m->source);
		vr_buf_puts(b, " -> ");
		put_word(b, m->target);
		break;
	case VR_MNT_SYMLINK:
		/* As ls -l shows a link: the link, then what it points to. */
		vr_buf_puts(b, "symlink ");
		put_word(b, m->target);
		vr_buf_puts(b, " -> ");
		put_word(b, m->source);
		break;
	default:
		vr_buf_printf(b, "%s ", vr_mount_type_name(m->type));
		put_word(b, m->target);
		break;
	}
	put_flags(b, m);
	vr_buf_putc(b, '\n');
}

static const char *const session_names[] = {
	[VR_SESSION_AUTO] = "auto",
	[VR_SESSION_NEW] = "new",
	[VR_SESSION_KEEP] = "keep",
};

/* A capability's name as libcap spells it, upper case ("CAP_NET_RAW"), into buf. */
static const char *
cap_name(int cap, char *buf, size_t size)
{
	char *n = cap_to_name((cap_value_t)cap);

	if (!n || size < 2) {
		snprintf(buf, size, "%d", cap);
	} else {
		size_t i = 0;

		for (; n[i] && i + 1 < size; i++)
			buf[i] = (char)(n[i] >= 'a' && n[i] <= 'z' ? n[i] - 'a' + 'A' : n[i]);
		buf[i] = 0;
	}
	cap_free(n);
	return buf;
}

/* A duration in milliseconds the way the policy writes it: "300s", "1500ms". */
static void
put_duration(struct vr_buf *b, uint64_t ms)
{
	if (ms % 1000 == 0)
		vr_buf_printf(b, "%" PRIu64 "s", ms / 1000);
	else
		vr_buf_printf(b, "%" PRIu64 "ms", ms);
}

static void
put_hardening(struct vr_buf *b, const struct vr_plan *p)
{
	char name[64];
	bool any = false;

	vr_buf_printf(b, "seccomp: %s\n", p->seccomp.insns ? p->seccomp.summary : "none");
	vr_buf_puts(b, "capabilities:");
	for (int c = 0; c < 64; c++)
		if (p->caps_keep & (UINT64_C(1) << c))
			vr_buf_printf(b, " %s", cap_name(c, name, sizeof name));
	vr_buf_puts(b, p->caps_keep ? "\n" : " none\n");
	vr_buf_puts(b, "no_new_privs: yes\n");
	if (p->ids_set)
		vr_buf_printf(b, "ids: %u:%u, no supplementary groups\n", (unsigned)p->uid, (unsigned)p->gid);
	else
		vr_buf_puts(b, "ids: the caller's\n");
	vr_buf_puts(b, "rlimits:");
	for (int r = 0; r < VR_PLAN_RLIMITS; r++) {
		if (!p->rlimits[r].set)
			continue;
		any = true;
		if (p->rlimits[r].value == (uint64_t)RLIM_INFINITY)
			vr_buf_printf(b, " %s=unlimited", vr_rlimit_name(r));
		else
			vr_buf_printf(b, " %s=%" PRIu64, vr_rlimit_name(r), p->rlimits[r].value);
	}
	vr_buf_puts(b, any ? "\n" : " unchanged\n");
	if (p->timeout_ms) {
		vr_buf_puts(b, "timeout: ");
		put_duration(b, p->timeout_ms);
		if (p->grace_ms == UINT64_MAX) {
			vr_buf_puts(b, ", then SIGTERM only\n");
		} else {
			vr_buf_puts(b, ", then SIGTERM, and SIGKILL ");
			put_duration(b, p->grace_ms);
			vr_buf_puts(b, " later\n");
		}
	} else {
		vr_buf_puts(b, "timeout: none\n");
	}
	if (p->memory_max != UINT64_MAX || p->pids_max != UINT64_MAX) {
		vr_buf_puts(b, "cgroup:");
		if (p->memory_max != UINT64_MAX)
			vr_buf_printf(b, " memory.max=%" PRIu64, p->memory_max);
		if (p->pids_max != UINT64_MAX)
			vr_buf_printf(b, " pids.max=%" PRIu64, p->pids_max);
		vr_buf_putc(b, '\n');
	}
	vr_buf_puts(b, "descriptors: 0 1 2");
	for (size_t i = 0; i < p->n_pass_fds; i++)
		vr_buf_printf(b, " %d", p->pass_fds[i]);
	vr_buf_puts(b, p->listen_pid ? " (socket activation)\n" : "\n");
	vr_buf_printf(b, "session: %s\n", session_names[p->session]);
}

VR_PUBLIC char *
vr_plan_describe(const struct vr_plan *p)
{
	_cleanup_buf_ struct vr_buf b = VR_BUF_INIT;
	bool any = false;

	if (!p) {
		errno = EINVAL;
		return NULL;
	}
	for (size_t i = 0; i < p->n_mounts; i++)
		put_mount(&b, &p->mounts[i]);

	vr_buf_puts(&b, "namespaces:");
	for (size_t i = 0; i < ELEMENTSOF(namespace_names); i++)
		if (p->namespaces & namespace_names[i].flag) {
			vr_buf_printf(&b, " %s", namespace_names[i].name);
			any = true;
		}
	vr_buf_puts(&b, any ? "\n" : " none\n");
	if (p->namespaces & VR_NS_NET)
		vr_buf_printf(&b, "loopback: %s\n", p->loopback ? "up" : "down");
	vr_buf_puts(&b, "cwd: ");
	put_word(&b, p->cwd ? p->cwd : "/");
	vr_buf_putc(&b, '\n');
	if (p->hostname)
		vr_buf_printf(&b, "hostname: %s\n", p->hostname);

	vr_buf_puts(&b, p->envp[0] ? "environment:\n" : "environment: (empty)\n");
	for (size_t i = 0; p->envp[i]; i++) {
		const char *eq = strchr(p->envp[i], '=');

		vr_buf_puts(&b, "  ");
		vr_buf_append(&b, p->envp[i], (size_t)(eq - p->envp[i]) + 1);
		put_word(&b, eq + 1);
		vr_buf_putc(&b, '\n');
	}

	vr_buf_puts(&b, "command:");
	for (size_t i = 0; p->argv && p->argv[i]; i++) {
		vr_buf_putc(&b, ' ');
		put_word(&b, p->argv[i]);
	}
	vr_buf_puts(&b, p->argv ? "\n" : " (none)\n");
	put_hardening(&b, p);

	if (vr_buf_status(&b) < 0) {
		errno = ENOMEM;
		return NULL;
	}
	return vr_buf_steal(&b);
}

/*
 * JSON building with one error for the whole document: json_object_set_new() and
 * json_array_append_new() consume their value even when they fail, and fail on a NULL
 * value, so a failed allocation anywhere shows up in `error`. A string that is not UTF-8
 * (paths need not be) cannot be put in JSON at all: EILSEQ.
 */
struct json_ctx {
	int error;
};

static json_t *
jstring(struct json_ctx *c, const char *s)
{
	json_t *j = json_string(s);

	if (!j) {
		json_t *raw = json_string_nocheck(s);

		if (c->error == 0)
			c->error = raw ? -EILSEQ : -ENOMEM;
		json_decref(raw);
	}
	return j;
}

static void
jset(struct json_ctx *c, json_t *o, const char *key, json_t *v)
{
	if (json_object_set_new(o, key, v) < 0 && c->error == 0)
		c->error = -ENOMEM;
}

static void
jappend(struct json_ctx *c, json_t *a, json_t *v)
{
	if (json_array_append_new(a, v) < 0 && c->error == 0)
		c->error = -ENOMEM;
}

static json_t *
strv_to_json(struct json_ctx *c, char *const *v)
{
	json_t *a = json_array();

	for (size_t i = 0; a && v[i]; i++)
		jappend(c, a, jstring(c, v[i]));
	return a;
}

static json_t *
mount_to_json(struct json_ctx *c, const struct vr_plan_mount *m)
{
	json_t *o = json_object();

	if (!o)
		return NULL;
	jset(c, o, "type", jstring(c, vr_mount_type_name(m->type)));
	if (m->source)
		jset(c, o, "source", jstring(c, m->source));
	jset(c, o, "target", jstring(c, m->target));
	jset(c, o, "read_only", json_boolean(m->flags & VR_MNT_F_RO));
	jset(c, o, "noexec", json_boolean(m->flags & VR_MNT_F_NOEXEC));
	jset(c, o, "optional", json_boolean(m->flags & VR_MNT_F_OPTIONAL));
	return o;
}

static json_t *
hardening_to_json(struct json_ctx *c, const struct vr_plan *p)
{
	json_t *o = json_object(), *caps = json_array(), *rl = json_object(), *fds = json_array(), *sc;
	char name[64];

	jset(c, o, "seccomp", sc = p->seccomp.insns ? json_object() : json_null());
	if (sc && json_is_object(sc)) {
		jset(c, sc, "summary", jstring(c, p->seccomp.summary));
		jset(c, sc, "instructions", json_integer((json_int_t)p->seccomp.n_insns));
		jset(c, sc, "digest", jstring(c, p->seccomp.digest));
	}
	jset(c, o, "capabilities", caps);
	for (int i = 0; caps && i < 64; i++)
		if (p->caps_keep & (UINT64_C(1) << i))
			jappend(c, caps, jstring(c, cap_name(i, name, sizeof name)));
	jset(c, o, "no_new_privs", json_true());
	if (p->ids_set) {
		jset(c, o, "uid", json_integer(p->uid));
		jset(c, o, "gid", json_integer(p->gid));
	} else {
		jset(c, o, "uid", json_null());
		jset(c, o, "gid", json_null());
	}
	jset(c, o, "rlimits", rl);
	for (int r = 0; rl && r < VR_PLAN_RLIMITS; r++)
		if (p->rlimits[r].set)
			jset(c, rl, vr_rlimit_name(r),
			     p->rlimits[r].value == (uint64_t)RLIM_INFINITY
				     ? jstring(c, "unlimited")
				     : json_integer((json_int_t)p->rlimits[r].value));
	jset(c, o, "timeout_ms", p->timeout_ms ? json_integer((json_int_t)p->timeout_ms) : json_null());
	jset(c, o, "grace_ms", p->grace_ms == UINT64_MAX ? json_null() : json_integer((json_int_t)p->grace_ms));
	jset(c, o, "memory_max", p->memory_max == UINT64_MAX ? json_null() : json_integer((json_int_t)p->memory_max));
	jset(c, o, "pids_max", p->pids_max == UINT64_MAX ? json_null() : json_integer((json_int_t)p->pids_max));
	jset(c, o, "pass_fds", fds);
	for (size_t i = 0; fds && i < p->n_pass_fds; i++)
		jappend(c, fds, json_integer(p->pass_fds[i]));
	jset(c, o, "listen_pid", json_boolean(p->listen_pid));
	jset(c, o, "session", jstring(c, session_names[p->session]));
	return o;
}

VR_PUBLIC char *
vr_plan_to_json(const struct vr_plan *p)
{
	struct json_ctx c = { 0 };
	json_auto_t *o = NULL;
	json_t *mounts, *ns;
	char *text;

	if (!p) {
		errno = EINVAL;
		return NULL;
	}
	o = json_object();
	if (!o) {
		errno = ENOMEM;
		return NULL;
	}
	mounts = json_array();
	jset(&c, o, "mounts", mounts);
	for (size_t i = 0; mounts && i < p->n_mounts; i++)
		jappend(&c, mounts, mount_to_json(&c, &p->mounts[i]));
	ns = json_array();
	jset(&c, o, "namespaces", ns);
	for (size_t i = 0; ns && i < ELEMENTSOF(namespace_names); i++)
		if (p->namespaces & namespace_names[i].flag)
			jappend(&c, ns, jstring(&c, namespace_names[i].name));
	jset(&c, o, "loopback", json_boolean(p->loopback));
	jset(&c, o, "cwd", jstring(&c, p->cwd ? p->cwd : "/"));
	jset(&c, o, "hostname", p->hostname ? jstring(&c, p->hostname) : json_null());
	jset(&c, o, "environment", strv_to_json(&c, p->envp));
	jset(&c, o, "command", p->argv ? strv_to_json(&c, p->argv) : json_null());
	jset(&c, o, "hardening", hardening_to_json(&c, p));
	if (c.error < 0) {
		errno = -c.error;
		return NULL;
	}
	text = json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	if (!text)
		errno = ENOMEM;
	return text;
}
