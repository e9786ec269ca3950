/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Gaining privileges or reaching the kernel's switches from inside: set-user-ID and
 * file-capability binaries, the capability sets, no_new_privs and the filter in
 * /proc/self/status, the nodes of /dev, and the masked and read-only parts of /proc (as
 * sandbox/mount-special.c makes them). As the caller and as nobody, each with a control
 * outside that shows the difference.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "macro.h"
#include "strv.h"

#include "sectest.h"

#define PROC_SUPER_MAGIC "0x9fa0"

/* ---- privileges ----------------------------------------------------------------------- */

#define NO_CAPS "0000000000000000"

static void
setid_binaries(enum s_who w)
{
	_cleanup_free_ char *suid = NULL, *fcap = NULL, *setcap = NULL, *uid = NULL, *euid = NULL, *prm = NULL,
			    *eff = NULL, *plain_uid = NULL;
	struct s_res r;

	if (!s_begin(w))
		return;
	/* Root's copies of the helper: one set-user-ID, one with a file capability. Made after
	 * the hand-over, so they stay root's. */
	suid = t_path(S.work, "vr-attack-suid");
	s_copy_file(S.attack, suid, 04755);
	ck_assert_int_eq(chown(suid, 0, 0), 0);
	ck_assert_int_eq(chmod(suid, 04755), 0);
	setcap = t_which("setcap");
	if (setcap) {
		fcap = t_path(S.work, "vr-attack-fcap");
		s_copy_file(S.attack, fcap, 0755);
		char *sc[] = { setcap, "cap_net_raw+ep", fcap, NULL };
		ck_assert_msg(t_run(sc, NULL, NULL, NULL, NULL) == 0, "setcap cap_net_raw+ep %s failed", fcap);
	} else {
		fprintf(stderr, "note: setcap is not installed (libcap2-bin): the file-capability case is skipped\n");
	}

	/* Who the program is without them. */
	r = s_in(NULL, "ids", NULL);
	s_assert_ok(&r);
	plain_uid = s_detail(&r, "uid");
	s_res_done(&r);

	/* Inside: the set-user-ID copy runs as the program's own user, with nothing. */
	{
		char *full[] = { (char *)t_venvrun_bin(), S.env, "--", suid, "ids", NULL };
		r = s_run(&(struct s_opts){ 0 }, full);
	}
	s_assert_ok(&r);
	uid = s_detail(&r, "uid");
	euid = s_detail(&r, "euid");
	eff = s_detail(&r, "CapEff");
	prm = s_detail(&r, "CapPrm");
	ck_assert_msg(uid && euid && streq(uid, plain_uid) && streq(euid, plain_uid),
		      "%s: the set-user-ID binary changed the ids (uid %s, euid %s; the program's is %s)", r.what, uid,
		      euid, plain_uid);
	ck_assert_msg(eff && prm && streq(eff, NO_CAPS) && streq(prm, NO_CAPS),
		      "%s: capabilities after a set-user-ID exec: permitted %s, effective %s", r.what, prm, eff);
	s_res_done(&r);
	free(uid);
	free(euid);
	free(eff);
	free(prm);
	uid = euid = eff = prm = NULL;

	if (fcap) {
		char *full[] = { (char *)t_venvrun_bin(), S.env, "--", fcap, "ids", NULL };

		r = s_run(&(struct s_opts){ 0 }, full);
		s_assert_ok(&r);
		eff = s_detail(&r, "CapEff");
		prm = s_detail(&r, "CapPrm");
		ck_assert_msg(eff && prm && streq(eff, NO_CAPS) && streq(prm, NO_CAPS),
			      "%s: capabilities after exec of a cap_net_raw+ep file: permitted %s, effective %s",
			      r.what, prm, eff);
		s_res_done(&r);
		free(eff);
		free(prm);
		eff = prm = NULL;
	}

	/* Controls: outside, 65534 runs the copies (whoever the test is) and gains: euid 0,
	 * and CAP_NET_RAW (bit 13). */
	{
		enum s_who saved = S.who;
		char *full[] = { suid, "ids", NULL };

		S.who = S_AS_NOBODY;
		if (!S.setpriv)
			S.setpriv = t_which("setpriv");
		if (S.setpriv) {
			r = s_run(&(struct s_opts){ 0 }, full);
			s_assert_ok(&r);
			euid = s_detail(&r, "euid");
			ck_assert_msg(euid && streq(euid, "0"), "%s: the set-user-ID control did not get euid 0",
				      r.what);
			s_res_done(&r);
			if (fcap) {
				full[0] = fcap;
				r = s_run(&(struct s_opts){ 0 }, full);
				s_assert_ok(&r);
				eff = s_detail(&r, "CapEff");
				ck_assert_msg(eff && streq(eff, "0000000000002000"),
					      "%s: the file-capability control did not get CAP_NET_RAW", r.what);
				s_res_done(&r);
			}
		}
		S.who = saved;
	}
}

START_TEST(setid_binaries_as_caller)
{
	setid_binaries(S_AS_CALLER);
}
END_TEST

START_TEST(setid_binaries_as_nobody)
{
	setid_binaries(S_AS_NOBODY);
}
END_TEST

static void
capabilities(enum s_who w)
{
	static const char *const zero[] = { "CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb" };
	_cleanup_free_ char *line = NULL;
	struct s_res r;

	if (!s_begin(w))
		return;
	r = s_in(NULL, "status", NULL);
	s_assert_ok(&r);
	for (size_t i = 0; i < ELEMENTSOF(zero); i++) {
		_cleanup_free_ char *v = s_detail(&r, zero[i]);
		ck_assert_msg(v && streq(v, NO_CAPS), "%s: %s is %s, not empty", r.what, zero[i], v);
	}
	{
		_cleanup_free_ char *nnp = s_detail(&r, "NoNewPrivs"), *sc = s_detail(&r, "Seccomp");

		ck_assert_msg(nnp && streq(nnp, "1"), "%s: NoNewPrivs is %s, not 1", r.what, nnp);
		/* 2: a filter is loaded (the default policy's). */
		ck_assert_msg(sc && streq(sc, "2"), "%s: Seccomp is %s, not 2 (filter)", r.what, sc);
	}
	line = strndup(r.out, strcspn(r.out, "\n"));
	s_res_done(&r);

	/* Control: outside, the same user has capabilities (root) or a full bounding set
	 * (65534) and no no_new_privs. */
	r = s_out(false, "status", NULL);
	s_assert_differs(&r, line);
	s_res_done(&r);
}

START_TEST(capabilities_as_caller)
{
	capabilities(S_AS_CALLER);
}
END_TEST

START_TEST(capabilities_as_nobody)
{
	capabilities(S_AS_NOBODY);
}
END_TEST

/* ---- /dev and /proc ------------------------------------------------------------------- */

static void
dev_nodes(enum s_who w)
{
	/* What sandbox/mount-special.c makes: the host's nodes among these, a devpts of its
	 * own, a tmpfs for shm, and the standard links. */
	static const char *const nodes[] = { "null", "zero", "full", "random", "urandom", "tty" };
	static const char *const always[] = { "fd", "ptmx", "pts", "shm", "stderr", "stdin", "stdout" };
	_cleanup_strv_free_ char **want = NULL;
	_cleanup_free_ char *expected = NULL, *got = NULL;
	struct s_res r;

	if (!s_begin(w))
		return;
	for (size_t i = 0; i < ELEMENTSOF(nodes); i++) {
		_cleanup_free_ char *p = t_strdupf("/dev/%s", nodes[i]);
		if (t_exists(p))
			vr_strv_push(&want, nodes[i]);
	}
	for (size_t i = 0; i < ELEMENTSOF(always); i++)
		vr_strv_push(&want, always[i]);
	/* Sorted as vr-attack sorts (strcmp). */
	for (size_t i = 0; want[i]; i++)
		for (size_t k = i + 1; want[k]; k++)
			if (strcmp(want[i], want[k]) > 0) {
				char *t = want[i];
				want[i] = want[k];
				want[k] = t;
			}
	expected = strdup("");
	for (size_t i = 0; want[i]; i++) {
		char *t = t_strdupf("%s%s%s", expected, i ? "," : "", want[i]);
		free(expected);
		expected = t;
	}

	r = s_in(NULL, "listdir", "/dev", NULL);
	s_assert_ok(&r);
	got = s_detail(&r, "entries");
	ck_assert_msg(got && streq(got, expected), "%s: /dev holds '%s', not '%s'", r.what, got, expected);
	s_res_done(&r);
	free(got);
	/* Its own devpts: no host terminal in it. */
	r = s_in(NULL, "listdir", "/dev/pts", NULL);
	s_assert_ok(&r);
	got = s_detail(&r, "entries");
	ck_assert_msg(got && streq(got, "ptmx"), "%s: /dev/pts holds '%s', not 'ptmx'", r.what, got);
	s_res_done(&r);

	/* Control: the host's /dev holds more. */
	r = s_out(false, "listdir", "/dev", NULL);
	{
		_cleanup_free_ char *line = t_strdupf("ok entries=%s", expected);
		s_assert_differs(&r, line);
	}
	s_res_done(&r);
}

START_TEST(dev_nodes_as_caller)
{
	dev_nodes(S_AS_CALLER);
}
END_TEST

START_TEST(dev_nodes_as_nobody)
{
	dev_nodes(S_AS_NOBODY);
}
END_TEST

static void
proc_masks(enum s_who w)
{
	/* sandbox/mount-special.c's lists: masked with an empty read-only file, and bound
	 * read-only. */
	static const char *const masked[] = { "kcore",	       "keys",	   "timer_list",   "sched_debug",
					      "sysrq-trigger", "kallsyms", "latency_stats" };
	static const char *const read_only[] = { "sys", "irq", "bus", "fs" };
	struct s_res r;

	if (!s_begin(w))
		return;
	for (size_t i = 0; i < ELEMENTSOF(masked); i++) {
		_cleanup_free_ char *p = t_strdupf("/proc/%s", masked[i]), *fstype = NULL, *size = NULL;

		r = s_in(NULL, "fsinfo", p, NULL);
		if (!t_exists(p)) {
			/* Not in this kernel: not there inside either. */
			s_assert_refused(&r, "ENOENT");
			s_res_done(&r);
			continue;
		}
		s_assert_ok(&r);
		fstype = s_detail(&r, "fstype");
		size = s_detail(&r, "size");
		ck_assert_msg(fstype && !streq(fstype, PROC_SUPER_MAGIC) && size && streq(size, "0"),
			      "%s: %s is not masked (filesystem %s, size %s)", r.what, p, fstype, size);
		s_res_done(&r);
		/* The empty file has mode 0: without capabilities, EACCES; with
		 * CAP_DAC_OVERRIDE, nothing to read. */
		r = s_in(NULL, "read", p, NULL);
		if (r.rc == 1) {
			s_assert_refused(&r, "EACCES");
		} else {
			_cleanup_free_ char *bytes = s_detail(&r, "bytes");

			s_assert_ok(&r);
			ck_assert_msg(bytes && streq(bytes, "0"), "%s: read %s bytes of %s", r.what, bytes, p);
		}
		s_res_done(&r);
		/* Opened for writing, not written: sysrq-trigger is never written, here or
		 * outside. */
		r = s_in(NULL, "open-write", p, NULL);
		s_assert_refused(&r, "EROFS");
		s_res_done(&r);
	}
	for (size_t i = 0; i < ELEMENTSOF(read_only); i++) {
		_cleanup_free_ char *p = t_strdupf("/proc/%s", read_only[i]), *ro = NULL;

		if (!t_exists(p))
			continue;
		r = s_in(NULL, "fsinfo", p, NULL);
		s_assert_ok(&r);
		ro = s_detail(&r, "ro");
		ck_assert_msg(ro && streq(ro, "1"), "%s: %s is not mounted read-only", r.what, p);
		s_res_done(&r);
	}
	/* Kernel tunables that change the host: not writable, not even opened. The mount
	 * says EROFS to anyone; a program without capabilities may meet the file's mode
	 * (root's, 0644) first: EACCES. Either way the read-only mount is asserted above. */
	r = s_in(NULL, "open-write", "/proc/sys/kernel/core_pattern", NULL);
	s_assert_refused_any(&r, "EROFS|EACCES");
	s_res_done(&r);
	r = s_in(NULL, "open-write", "/proc/sys/kernel/hostname", NULL);
	s_assert_refused_any(&r, "EROFS|EACCES");
	s_res_done(&r);

	/* Controls: outside, root opens the hostname for writing (and writes nothing), and a
	 * masked file that exists is procfs with content. */
	r = s_out(true, "open-write", "/proc/sys/kernel/hostname", NULL);
	s_assert_ok(&r);
	s_res_done(&r);
	for (size_t i = 0; i < ELEMENTSOF(masked); i++) {
		_cleanup_free_ char *p = t_strdupf("/proc/%s", masked[i]), *fstype = NULL;

		if (!t_exists(p))
			continue;
		r = s_out(true, "fsinfo", p, NULL);
		s_assert_ok(&r);
		fstype = s_detail(&r, "fstype");
		ck_assert_msg(fstype && streq(fstype, PROC_SUPER_MAGIC), "%s: %s outside is on %s", r.what, p, fstype);
		s_res_done(&r);
	}
}

START_TEST(proc_masks_as_caller)
{
	proc_masks(S_AS_CALLER);
}
END_TEST

START_TEST(proc_masks_as_nobody)
{
	proc_masks(S_AS_NOBODY);
}
END_TEST

static const struct t_case cases[] = {
	T_CASE(setid_binaries_as_caller), T_CASE(setid_binaries_as_nobody), T_CASE(capabilities_as_caller),
	T_CASE(capabilities_as_nobody),	  T_CASE(dev_nodes_as_caller),	    T_CASE(dev_nodes_as_nobody),
	T_CASE(proc_masks_as_caller),	  T_CASE(proc_masks_as_nobody),
};

int
main(void)
{
	return s_main(T_SUITE("security-privileges", cases));
}
