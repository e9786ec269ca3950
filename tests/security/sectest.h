/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * What the attack suites share: a scratch directory with an env and a copy of the attack
 * helper (vr-attack, named by $VR_ATTACK_BIN) in the working directory, and running that
 * helper inside the sandbox (`venvrun [OPTS] ENV -- vr-attack ATTACK ARGS`) and outside
 * it, as the test's user. Each test runs twice: as the caller (root under meson, so
 * without a user namespace) and as an unprivileged user (65534 through setpriv, so with
 * one).
 *
 * The helper prints "ok[ DETAILS]" (status 0) or "refused errno=NAME[ DETAILS]" (status
 * 1); the assertions below check that line and say, when they fail, exactly what ran and
 * what it printed.
 */

#include <stdbool.h>
#include <sys/types.h>

#include "testlib.h"

#define S_NOBODY 65534

enum s_who {
	S_AS_CALLER,
	S_AS_NOBODY,
};

/* The state of one test (each runs in its own forked process). */
struct s_state {
	enum s_who who;
	char *scratch; /* the test's directory (realpath), 0755: reachable by 65534 */
	char *home;    /* HOME for every command */
	char *work;    /* the working directory of every command, bound into the sandbox */
	char *env;     /* an env made by `venvrun create` */
	char *attack;  /* work/vr-attack: the helper, at the same path inside and outside */
	char *setpriv; /* for S_AS_NOBODY */
};
extern struct s_state S;

/* Start a test as `who`: the scratch directory, HOME, the working directory with the
 * helper in it, and an env. False when that half cannot run here (a note says why). */
bool s_begin(enum s_who who);
/* "as the caller" / "as nobody", for messages. */
const char *s_who_name(void);
/* S_AS_NOBODY: everything under the scratch directory now belongs to 65534. s_begin()
 * calls it; call it again after writing more files there. */
void s_hand_over(void);
/* mkdir -p. */
void s_mkdir_p(const char *path);
/* Copy a file (the helper, for set-ID and file-capability copies), mode `mode`. */
void s_copy_file(const char *from, const char *to, mode_t mode);
/* Another env at `path`, made by `venvrun create` as the test's user. */
void s_create_env(const char *path);

/* What one run printed and how it ended (128+N: killed by signal N). */
struct s_res {
	int rc;
	char *out, *err;
	char *what; /* the command, for messages */
};
void s_res_done(struct s_res *r);

/* How to run something beyond argv. */
struct s_opts {
	bool as_root;		/* outside controls: as root whoever the test is */
	int stdin_fd;		/* -1 (or 0 in an initialiser without it): /dev/null */
	int ctty_fd;		/* > 0: a terminal that becomes the controlling terminal of a new
				  * session the command starts in */
	int pass_fd;		/* > 2: a descriptor the command inherits at the same number */
	char *const *extra_env; /* "K=V" */
	/* Start `sleep 300` as 65534 in the command's process group just before it runs, and
	 * write its pid to this file: a host process that shares the caller's group. */
	const char *group_sleeper_pidfile;
	int timeout_ms; /* 0: 60 s */
};

/* argv (absolute argv[0]) in the working directory, as the test's user. */
struct s_res s_run(const struct s_opts *o, char *const argv[]);

/* vr-attack ATTACK ARGS... inside: venvrun OPTS... ENV -- vr-attack ... (opts may be NULL,
 * NULL-terminated). */
struct s_res s_in(char *const opts[], ...) __attribute__((sentinel));
struct s_res s_in_with(const struct s_opts *o, char *const opts[], ...) __attribute__((sentinel));
/* vr-attack ATTACK ARGS... outside the sandbox, as the test's user or as root. */
struct s_res s_out(bool as_root, ...) __attribute__((sentinel));
struct s_res s_out_with(const struct s_opts *o, ...) __attribute__((sentinel));

/* The helper's line says the attempt succeeded / failed with errno `errname` / it was
 * killed by `sig`. */
void s_assert_ok(const struct s_res *r);
void s_assert_refused(const struct s_res *r, const char *errname);
void s_assert_killed(const struct s_res *r, int sig);
/* Refused with one of the errno names in `errnames` ("ENOENT|EACCES"). */
void s_assert_refused_any(const struct s_res *r, const char *errnames);
/* The outside control ran the helper (status 0 or 1) and its line differs from `inside`
 * (the line the test asserted inside): proof that the inside result is the sandbox's. */
void s_assert_differs(const struct s_res *r, const char *inside);
/* The value of KEY=VALUE in the helper's line; NULL when absent. Caller frees. */
char *s_detail(const struct s_res *r, const char *key);

/* A policy file in the scratch directory holding `json`; returns its path. */
char *s_policy_file(const char *name, const char *json);

/* A Check suite of loop tests: `n` iterations of `test`, each reported on its own. */
void s_add_loop(Suite *s, const char *name, const TTest *const *test, int n);
/* The main of every suite: skip (77) when no sandbox can be made here. */
int s_main(Suite *s);
