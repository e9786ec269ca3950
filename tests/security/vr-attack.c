/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * vr-attack ATTACK [ARGS...]: try exactly one thing a program in the sandbox must not be
 * able to do, and say what happened, for the attack suite (tests/security/). It prints one
 * line and exits:
 *
 *   ok[ DETAILS]                 0  the attempt succeeded
 *   refused errno=NAME[ DETAILS] 1  the attempt failed with errno NAME (EPERM, ENOENT...)
 *   (a message on stderr)        2  usage error; 3  the helper itself could not set up
 *
 * Killed by a signal means the attempt was killed (the seccomp filter kills calls made
 * through another ABI with SIGSYS).
 *
 * It runs inside the sandbox, so it uses libc only (no sanitizer runtime, no venvrun
 * library). Dangerous calls are made with harmless invalid arguments: outside the sandbox
 * they fail with EINVAL, EFAULT, EBADF or ENOENT (or succeed doing nothing), never change
 * the host; inside, the filter refuses them before the kernel looks at the arguments.
 *
 * This file holds the reporting and the table of attacks; the attacks are in
 * attack-syscalls.c (the filter), attack-escape.c (namespaces, mounts, other processes,
 * files), attack-privileges.c (what the process is) and attack-limits.c (limits, network).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vr-attack.h"

/* ---- reporting ------------------------------------------------------------------------ */

int
ok(const char *fmt, ...)
{
	va_list ap;

	fputs("ok", stdout);
	if (fmt) {
		fputc(' ', stdout);
		va_start(ap, fmt);
		vprintf(fmt, ap);
		va_end(ap);
	}
	fputc('\n', stdout);
	return 0;
}

static const char *
errno_name(int e)
{
	const char *n = strerrorname_np(e);
	static char buf[32];

	if (n)
		return n;
	snprintf(buf, sizeof buf, "%d", e);
	return buf;
}

int
refused_with(int e, const char *fmt, ...)
{
	va_list ap;

	printf("refused errno=%s", errno_name(e));
	if (fmt) {
		fputc(' ', stdout);
		va_start(ap, fmt);
		vprintf(fmt, ap);
		va_end(ap);
	}
	fputc('\n', stdout);
	return 1;
}

/* ok, or refused with errno, by the sign of a system call's result. */
int
result(long r)
{
	return r < 0 ? refused_with(errno, NULL) : ok(NULL);
}

int
usage(const char *msg)
{
	fprintf(stderr, "vr-attack: %s\n", msg);
	return 2;
}

int
setup_failed(const char *what)
{
	fprintf(stderr, "vr-attack: %s: %s\n", what, strerror(errno));
	return 3;
}

bool
parse_ulong(const char *s, unsigned long *ret)
{
	char *end;

	errno = 0;
	*ret = strtoul(s, &end, 0);
	return errno == 0 && end != s && !*end;
}

/* ---- main ----------------------------------------------------------------------------- */

int
main(int argc, char **argv)
{
	const char *a;

	if (argc < 2)
		return usage("usage: vr-attack ATTACK [ARGS...]");
	/* One line, even when the attempt kills the process right after. */
	setvbuf(stdout, NULL, _IOLBF, 0);
	a = argv[1];
	argc -= 2;
	argv += 2;
	if (!strcmp(a, "syscall"))
		return attack_syscall(argc, argv);
	if (!strcmp(a, "clone"))
		return attack_clone(argc, argv);
	if (!strcmp(a, "unshare"))
		return attack_unshare(argc, argv);
	if (!strcmp(a, "mount-tmpfs"))
		return attack_mount_tmpfs(argc, argv);
	if (!strcmp(a, "umount"))
		return attack_umount(argc, argv);
	if (!strcmp(a, "fsmount-tmpfs"))
		return attack_fsmount_tmpfs(argc, argv);
	if (!strcmp(a, "ptrace-attach"))
		return attack_ptrace(argc, argv, false);
	if (!strcmp(a, "ptrace-seize"))
		return attack_ptrace(argc, argv, true);
	if (!strcmp(a, "kill"))
		return attack_kill(argc, argv);
	if (!strcmp(a, "kill-group"))
		return attack_kill_group(argc, argv);
	if (!strcmp(a, "read"))
		return attack_read(argc, argv);
	if (!strcmp(a, "write"))
		return attack_write(argc, argv);
	if (!strcmp(a, "open-write"))
		return attack_open_write(argc, argv);
	if (!strcmp(a, "readlink"))
		return attack_readlink(argc, argv);
	if (!strcmp(a, "listdir"))
		return attack_listdir(argc, argv);
	if (!strcmp(a, "fsinfo"))
		return attack_fsinfo(argc, argv);
	if (!strcmp(a, "proc-escape"))
		return attack_proc_escape(argc, argv);
	if (!strcmp(a, "mknod"))
		return attack_mknod(argc, argv);
	if (!strcmp(a, "status"))
		return attack_status();
	if (!strcmp(a, "ids"))
		return attack_ids();
	if (!strcmp(a, "fds"))
		return attack_fds();
	if (!strcmp(a, "forkbomb"))
		return attack_forkbomb(argc, argv);
	if (!strcmp(a, "membomb"))
		return attack_membomb(argc, argv);
	if (!strcmp(a, "tcp-connect"))
		return attack_tcp_connect(argc, argv);
	if (!strcmp(a, "tcp-loopback"))
		return attack_tcp_loopback();
	if (!strcmp(a, "unix-abstract"))
		return attack_unix_abstract(argc, argv);
	if (!strcmp(a, "ifaces"))
		return attack_ifaces();
	if (!strcmp(a, "socket"))
		return attack_socket(argc, argv);
	if (!strcmp(a, "tiocsti"))
		return attack_tiocsti(argc, argv);
	if (!strcmp(a, "tioclinux"))
		return attack_tioclinux(argc, argv);
	if (!strcmp(a, "personality"))
		return attack_personality(argc, argv);
	if (!strcmp(a, "int80"))
		return attack_int80();
	if (!strcmp(a, "x32"))
		return attack_x32();
	return usage("no such attack");
}
